/* SPDX-License-Identifier: Apache-2.0 */
/* dl-ref-resolve: print the full ID of an image or container name, ID or ID prefix */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dl.h"
#include "dl/ref.h"

#define USAGE "dl-ref-resolve [-c] SPEC"
#define OPTIONS "  -c  resolve a container, not an image\n"

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

int main(int argc, char **argv)
{
	char id[DL_ID_LEN + 1];
	char *reason = NULL;
	const char *spec;

	options(argc, argv, 1, 1);
	spec = argv[optind];
	if (containers)
		check(dl_container_resolve(spec, id, &reason), "resolve", spec,
		      &reason);
	else
		check(dl_image_resolve(spec, id, &reason), "resolve", spec,
		      &reason);
	puts(id);
	return dl_finish_stdout();
}
