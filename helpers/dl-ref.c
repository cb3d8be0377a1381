/* SPDX-License-Identifier: Apache-2.0 */
/* dl-ref: read and update the names of images and containers */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dl.h"
#include "dl-ref.h"

#define USAGE "dl-ref [-c] COMMAND [ARG]..."
#define OPTIONS                                                                \
	"  -c               work on container names, not image names\n"        \
	"\n"                                                                   \
	"commands:\n"                                                          \
	"  parse NAME       print NAME as repo:tag (-c: the name)\n"           \
	"  get NAME         print the ID NAME points at\n"                     \
	"  set NAME ID      point NAME at ID (-c: reserve NAME for ID)\n"      \
	"  rm NAME          remove NAME\n"                                     \
	"  ls [ID]          list \"NAME ID\", sorted, only those of ID if given\n" \
	"  resolve SPEC     print the full ID of a name, ID or ID prefix\n"

static bool containers;

/* Die on @code with *@reason; a pointer, as the call fills it in. */
static void check(int code, const char *verb, const char *obj, char **reason)
{
	if (code)
		dl_die(code, "unable to %s '%s': %s", verb, obj,
		       *reason ? *reason : "unknown error");
	free(*reason);
	*reason = NULL;
}

static void parse(const char *name, struct dl_ref *r)
{
	char *reason = NULL;

	if (containers) {
		if (!dl_is_container_name(name))
			dl_die(DL_EXIT_USAGE,
			       "unable to parse '%s': invalid container name, "
			       "must match [a-zA-Z0-9][a-zA-Z0-9_.-]*",
			       name);
		return;
	}
	check(dl_ref_parse(name, r, &reason), "parse", name, &reason);
}

/* The ID container name @name holds: the exact name, never an ID prefix */
static void container_get(const char *name, char id[DL_ID_LEN + 1])
{
	struct dl_ref_entry *v = NULL;
	char *reason = NULL;
	size_t n = 0, i;

	check(dl_ref_container_list(&v, &n, &reason), "get", name, &reason);
	for (i = 0; i < n && strcmp(v[i].name, name); i++)
		;
	if (i == n)
		dl_die(DL_EXIT_NO, "unable to get '%s': no such name", name);
	memcpy(id, v[i].id, DL_ID_LEN + 1);
	dl_ref_entries_free(v, n);
}

static void cmd_ls(const char *id)
{
	struct dl_ref_entry *v = NULL;
	char *reason = NULL;
	size_t n = 0, i;

	if (id && !dl_is_id(id))
		dl_die(DL_EXIT_USAGE, "unable to list '%s': invalid ID", id);
	if (containers)
		check(dl_ref_container_list(&v, &n, &reason), "list",
		      "refs/containers", &reason);
	else
		check(dl_ref_image_list(id, &v, &n, &reason), "list",
		      "refs/images", &reason);
	for (i = 0; i < n; i++)
		if (!id || !strcmp(id, v[i].id))
			printf("%s %s\n", v[i].name, v[i].id);
	dl_ref_entries_free(v, n);
}

int main(int argc, char **argv)
{
	struct dl_ref r = { 0 };
	char id[DL_ID_LEN + 1];
	char *reason = NULL;
	const char *cmd, *arg;
	int opt, want;

	dl_set_prog(argv[0]);
	opterr = 0; /* dl_usage() says it, in the one format */
	/* -h/--help among the options, or right after the command */
	for (opt = 1; opt < argc && argv[opt][0] == '-'; opt++)
		if (!strcmp(argv[opt], "-h") || !strcmp(argv[opt], "--help"))
			dl_help(USAGE, OPTIONS);
	while ((opt = getopt(argc, argv, "+c")) != -1) {
		if (opt != 'c')
			dl_usage(USAGE);
		containers = true;
	}
	argc -= optind;
	argv += optind;
	if (argc < 1)
		dl_usage(USAGE);
	if (dl_want_help(argc, argv))
		dl_help(USAGE, OPTIONS);
	cmd = argv[0];
	arg = argv[1];
	want = !strcmp(cmd, "set") ? 3 : 2; /* operands, the command counted */
	if (!strcmp(cmd, "ls") ? argc > 2 : argc != want)
		dl_usage(USAGE);

	if (!strcmp(cmd, "ls")) {
		cmd_ls(arg);
		return dl_finish_stdout();
	}
	if (!strcmp(cmd, "resolve")) {
		if (containers)
			check(dl_container_resolve(arg, id, &reason),
			      "resolve", arg, &reason);
		else
			check(dl_image_resolve(arg, id, &reason), "resolve",
			      arg, &reason);
		puts(id);
		return dl_finish_stdout();
	}
	if (strcmp(cmd, "parse") && strcmp(cmd, "get") && strcmp(cmd, "set") &&
	    strcmp(cmd, "rm"))
		dl_usage(USAGE);

	parse(arg, &r);
	if (!strcmp(cmd, "parse")) {
		if (containers)
			puts(arg);
		else
			printf("%s:%s\n", r.repo, r.tag);
	} else if (!strcmp(cmd, "get")) {
		if (containers)
			container_get(arg, id);
		else
			check(dl_ref_image_get(&r, id, &reason), "get", arg,
			      &reason);
		puts(id);
	} else if (!strcmp(cmd, "set")) {
		if (containers)
			check(dl_ref_container_set(arg, argv[2], &reason), "set",
			      arg, &reason);
		else
			check(dl_ref_image_set(&r, argv[2], &reason), "set", arg,
			      &reason);
	} else {
		if (containers)
			check(dl_ref_container_rm(arg, &reason), "remove", arg,
			      &reason);
		else
			check(dl_ref_image_rm(&r, &reason), "remove", arg,
			      &reason);
	}
	dl_ref_free(&r);
	return dl_finish_stdout();
}
