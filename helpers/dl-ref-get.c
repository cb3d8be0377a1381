/* SPDX-License-Identifier: Apache-2.0 */
/* dl-ref-get: print the ID an image or container name points at */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dl.h"
#include "dl/ref.h"

#define USAGE "dl-ref-get [-c] NAME"
#define OPTIONS "  -c  a container name, not an image name\n"

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

/* Parse the options (-c) and check that @min to @max operands follow. */
static void options(int argc, char **argv, int min, int max)
{
	int opt;

	dl_set_prog(argv[0]);
	opterr = 0; /* dl_usage() says it, in the one format */
	if (dl_want_help(argc, argv))
		dl_help(USAGE, OPTIONS);
	while ((opt = getopt(argc, argv, "+ch")) != -1) {
		if (opt == 'h')
			dl_help(USAGE, OPTIONS);
		if (opt != 'c')
			dl_usage(USAGE);
		containers = true;
	}
	if (argc - optind < min || argc - optind > max)
		dl_usage(USAGE);
	dl_store_need();
}

/* Check NAME: an image name into @r, or (-c) a container name. */
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

int main(int argc, char **argv)
{
	struct dl_ref r = { 0 };
	char id[DL_ID_LEN + 1];
	char *reason = NULL;
	const char *name;

	options(argc, argv, 1, 1);
	name = argv[optind];
	parse(name, &r);
	if (containers)
		container_get(name, id);
	else
		check(dl_ref_image_get(&r, id, &reason), "get", name, &reason);
	puts(id);
	dl_ref_free(&r);
	return dl_finish_stdout();
}
