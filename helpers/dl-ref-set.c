/* SPDX-License-Identifier: Apache-2.0 */
/* dl-ref-set: point an image name at an image, or reserve a container name */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dl.h"
#include "dl/ref.h"

#define USAGE "dl-ref-set [-c] NAME ID"
#define OPTIONS "  -c  reserve container name NAME for container ID\n"

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
	const char *name, *id;

	options(argc, argv, 2, 2);
	name = argv[optind];
	id = argv[optind + 1];
	parse(name, &r);
	if (containers)
		check(dl_ref_container_set(name, id, &reason), "set", name,
		      &reason);
	else
		check(dl_ref_image_set(&r, id, &reason), "set", name, &reason);
	dl_ref_free(&r);
	return dl_finish_stdout();
}
