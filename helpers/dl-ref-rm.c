/* SPDX-License-Identifier: Apache-2.0 */
/* dl-ref-rm: remove an image or container name */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dl.h"
#include "dl/ref.h"

#define USAGE "dl-ref-rm [-c] NAME"
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

int main(int argc, char **argv)
{
	struct dl_ref r = { 0 };
	char *reason = NULL;
	const char *name;

	options(argc, argv, 1, 1);
	name = argv[optind];
	parse(name, &r);
	if (containers)
		check(dl_ref_container_rm(name, &reason), "remove", name,
		      &reason);
	else
		check(dl_ref_image_rm(&r, &reason), "remove", name, &reason);
	dl_ref_free(&r);
	return dl_finish_stdout();
}
