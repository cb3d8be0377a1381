/* SPDX-License-Identifier: Apache-2.0 */
/* dl-template: render a Docker --format template over JSON read on stdin */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "dl.h"
#include "dl/template.h"

#define USAGE "dl-template [-s] [-H FIELD=HEADER]... TEMPLATE"
#define OPTIONS                                                                \
	"  -s                  render once over the whole input, an array "   \
	"too\n"                                                                \
	"  -H FIELD=HEADER     the header of FIELD in a table (default: its "  \
	"name\n"                                                               \
	"                      split at capitals, upper-cased)\n"             \
	"  -h, --help          show this help\n"                              \
	"\nTEMPLATE is Docker's --format: a Go template, \\t and \\n made a " \
	"tab and\na newline; 'table TEMPLATE' prints a header line and "      \
	"aligns the columns.\nstdin: JSON documents; an array is rendered "   \
	"once an element.\n"

/* All of stdin */
static char *read_stdin(size_t *len)
{
	size_t cap = 65536, n = 0, got;
	char *s = dl_xmalloc(cap);

	while ((got = fread(s + n, 1, cap - n - 1, stdin)) > 0) {
		n += got;
		if (cap - n - 1 == 0)
			s = dl_xrealloc(s, cap *= 2);
	}
	if (ferror(stdin))
		dl_die_sys(DL_EXIT_FAIL, "unable to read 'stdin'");
	s[n] = '\0';
	*len = n;
	return s;
}

/* The output, kept whole: a table is aligned once every line is there */
struct out {
	char *s;
	size_t len;
};

static void out_add(struct out *o, const char *s, size_t n)
{
	o->s = dl_xrealloc(o->s, o->len + n + 1);
	memcpy(o->s + o->len, s, n);
	o->len += n;
	o->s[o->len] = '\0';
}

/* @v rendered, and a newline, as Docker's --format */
static void render_one(const struct dl_template *t, json_t *v,
		       const char *format, struct out *o)
{
	_cleanup_free_ char *why = NULL, *text = NULL;
	size_t len;
	int code;

	code = dl_template_render(t, v, &text, &len, &why);
	if (code)
		dl_die(code, "unable to render '%s': %s", format, why);
	out_add(o, text, len);
	out_add(o, "\n", 1);
}

int main(int argc, char **argv)
{
	_cleanup_free_ char *text = NULL, *in = NULL, *why = NULL;
	struct dl_template *t = NULL;
	struct out o = { 0 };
	char **names = dl_xcalloc((size_t)argc + 1, sizeof(*names));
	size_t nnames = 0, len, off = 0;
	bool single = false, table;
	const char *format;
	int opt, code;

	dl_set_prog(argv[0]);
	if (dl_want_help(argc, argv))
		dl_help(USAGE, OPTIONS);
	opterr = 0;
	while ((opt = getopt(argc, argv, "+sH:h")) != -1) {
		switch (opt) {
		case 's':
			single = true;
			break;
		case 'H':
			if (!strchr(optarg, '=') || *optarg == '=')
				dl_die(DL_EXIT_USAGE, "unable to use header "
				       "'%s': not FIELD=HEADER", optarg);
			names[nnames++] = optarg;
			break;
		case 'h':
			dl_help(USAGE, OPTIONS);
		default:
			dl_usage(USAGE);
		}
	}
	if (argc - optind != 1)
		dl_usage(USAGE);
	format = argv[optind];
	text = dl_template_docker_text(format, &table);
	code = dl_template_parse(text, &t, &why);
	if (code)
		dl_die(code, "unable to parse template '%s': %s", format, why);

	if (table) {
		_cleanup_free_ char *head = NULL;

		code = dl_template_render_header(t, names, &head, &why);
		if (code)
			dl_die(code, "unable to render '%s': %s", format, why);
		out_add(&o, head, strlen(head));
		out_add(&o, "\n", 1);
	}
	in = read_stdin(&len);
	for (;;) {
		json_error_t jerr;
		json_t *doc;

		while (off < len && strchr(" \t\r\n", in[off]))
			off++;
		if (off >= len)
			break;
		doc = json_loadb(in + off, len - off, JSON_REJECT_DUPLICATES |
				 JSON_DECODE_ANY | JSON_DISABLE_EOF_CHECK,
				 &jerr);
		if (!doc)
			dl_die(DL_EXIT_REJECT, "unable to read 'stdin': "
			       "%d:%d: %s", jerr.line, jerr.column, jerr.text);
		off += jerr.position;
		if (json_is_array(doc) && !single) {
			size_t i;
			json_t *e;

			json_array_foreach(doc, i, e)
				render_one(t, e, format, &o);
		} else {
			render_one(t, doc, format, &o);
		}
		json_decref(doc);
	}
	if (table) {
		_cleanup_free_ char *aligned = dl_tabwriter(o.s, o.len, 10, 3);

		fputs(aligned, stdout);
	} else if (o.len && fwrite(o.s, 1, o.len, stdout) != o.len) {
		dl_die_sys(DL_EXIT_FAIL, "unable to write 'stdout'");
	}
	free(o.s);
	free(names);
	dl_template_free(t);
	return dl_finish_stdout();
}
