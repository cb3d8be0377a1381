/* SPDX-License-Identifier: Apache-2.0 */
/* dl-ref-ls: list the image or container names */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dl.h"
#include "dl/ref.h"

#define USAGE "dl-ref-ls [-c] [ID]"
#define OPTIONS "  -c  list container names, not image names\n"

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
}

int main(int argc, char **argv)
{
	struct dl_ref_entry *v = NULL;
	char *reason = NULL;
	const char *id;
	size_t n = 0, i;

	options(argc, argv, 0, 1);
	id = optind < argc ? argv[optind] : NULL;
	if (id && !dl_is_id(id))
		dl_die(DL_EXIT_USAGE, "unable to list '%s': " DL_ID_INVALID, id);
	dl_store_need();
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
	return dl_finish_stdout();
}
