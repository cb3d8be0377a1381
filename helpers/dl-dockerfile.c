/* SPDX-License-Identifier: Apache-2.0 */
/* dl-dockerfile: print the instructions of a Dockerfile, ARG and ENV applied */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "dl.h"
#include "dl/dockerfile.h"

#define USAGE "dl-dockerfile [-j] [-a NAME=VALUE]... [-e N:NAME=VALUE]... FILE"
#define OPTIONS                                                                \
	"  -j              one JSON object a line (default: sh records)\n"   \
	"  -a NAME=VALUE   a build argument (repeatable)\n"                  \
	"  -e N:NAME=VALUE a variable of the base image of stage N\n"       \
	"                  (repeatable)\n"                                   \
	"\nFILE is a Dockerfile, - for stdin.\n"

/* @s in single quotes for sh, and a space */
static void sq(const char *s)
{
	putchar('\'');
	for (; *s; s++) {
		if (*s == '\'')
			fputs("'\\''", stdout);
		else
			putchar(*s);
	}
	fputs("' ", stdout);
}

static void print_sh(const struct dl_df_insn *in)
{
	size_t i;

	printf("df_insn %u %u %s %s %d ", in->line, in->end_line, in->cmd,
	       in->json ? "json" : "shell", in->stage);
	sq(in->text);
	putchar('\n');
	for (i = 0; i < in->nflags; i++) {
		fputs("df_flag ", stdout);
		sq(in->flags[i]);
		putchar('\n');
	}
	for (i = 0; i < in->nargs; i++) {
		fputs("df_arg ", stdout);
		sq(in->args[i]);
		putchar('\n');
	}
	for (i = 0; i < in->nenv; i++) {
		fputs("df_env ", stdout);
		sq(in->env[i]);
		putchar('\n');
	}
	for (i = 0; i < in->ndocs; i++) {
		fputs("df_heredoc ", stdout);
		sq(in->docs[i].name);
		sq(in->docs[i].body);
		putchar('\n');
	}
	fputs("df_end\n", stdout);
}

static json_t *strv(char *const *v, size_t n)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; a && i < n; i++)
		if (json_array_append_new(a, json_string(v[i])) < 0)
			dl_oom();
	if (!a)
		dl_oom();
	return a;
}

static void print_json(const struct dl_df_insn *in)
{
	json_t *docs = json_array(), *j;
	char *s;
	size_t i;

	for (i = 0; docs && i < in->ndocs; i++)
		if (json_array_append_new(docs, json_pack("{s:s,s:s,s:b}",
				"name", in->docs[i].name, "body",
				in->docs[i].body, "expand",
				in->docs[i].expand)) < 0)
			dl_oom();
	j = json_pack("{s:i,s:i,s:s,s:o,s:s,s:s,s:o,s:o,s:o,s:i}", "line",
		      (json_int_t)in->line, "end_line",
		      (json_int_t)in->end_line, "cmd", in->cmd, "flags",
		      strv(in->flags, in->nflags), "form",
		      in->json ? "json" : "shell", "text", in->text, "args",
		      strv(in->args, in->nargs), "env",
		      strv(in->env, in->nenv), "heredocs", docs, "stage",
		      (json_int_t)in->stage);
	s = j ? json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	if (!s)
		dl_oom();
	puts(s);
	free(s);
	json_decref(j);
}

int main(int argc, char **argv)
{
	_cleanup_free_ char *text = NULL, *why = NULL;
	struct dl_dockerfile df;
	char **bargs, **benv;
	size_t nb = 0, ne = 0, i;
	bool json = false;
	int opt, rc;

	dl_set_prog(argv[0]);
	opterr = 0;
	if (dl_want_help(argc, argv))
		dl_help(USAGE, OPTIONS);
	bargs = dl_xcalloc((size_t)argc, sizeof(*bargs));
	benv = dl_xcalloc((size_t)argc, sizeof(*benv));
	while ((opt = getopt(argc, argv, "+ja:e:")) != -1) {
		switch (opt) {
		case 'j':
			json = true;
			break;
		case 'a':
			if (!strchr(optarg, '=') || *optarg == '=')
				dl_die(DL_EXIT_USAGE, "unable to use build "
				       "argument '%s': not NAME=VALUE", optarg);
			bargs[nb++] = optarg;
			break;
		case 'e':
			if (optarg[strspn(optarg, "0123456789")] != ':' ||
			    !strchr(optarg, '='))
				dl_die(DL_EXIT_USAGE, "unable to use variable "
				       "'%s': not N:NAME=VALUE", optarg);
			benv[ne++] = optarg;
			break;
		default:
			dl_usage(USAGE);
		}
	}
	if (argc - optind != 1)
		dl_usage(USAGE);
	if (dl_read_file(argv[optind], &text, NULL) < 0)
		dl_die_sys(errno == ENOENT ? DL_EXIT_NO : DL_EXIT_FAIL,
			   "unable to read '%s'", argv[optind]);
	rc = dl_dockerfile_parse(text, &df, &why);
	if (!rc)
		rc = dl_dockerfile_eval(&df, bargs, nb, benv, ne, &why);
	if (rc)
		dl_die(rc, "unable to parse '%s': %s", argv[optind], why);
	if (!df.n)
		dl_die(DL_EXIT_REJECT, "unable to parse '%s': no instructions",
		       argv[optind]);
	for (i = 0; i < df.n; i++)
		(json ? print_json : print_sh)(&df.v[i]);
	dl_dockerfile_free(&df);
	free(bargs);
	free(benv);
	return dl_finish_stdout();
}
