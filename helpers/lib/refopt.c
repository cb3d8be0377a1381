/* SPDX-License-Identifier: Apache-2.0 */
/* refopt.c: the command line of the dl-ref-* programs, for their main:
 * these die in the one format, as dl_usage() does */
#include <getopt.h>
#include <stdlib.h>

#include "dl.h"
#include "dl/refopt.h"

bool dl_ref_options(int argc, char **argv, const char *usage,
		    const char *options, int min, int max, bool store)
{
	bool containers = false;
	int opt;

	dl_set_prog(argv[0]);
	opterr = 0; /* dl_usage() says it, in the one format */
	if (dl_want_help(argc, argv))
		dl_help(usage, options);
	while ((opt = getopt(argc, argv, "+ch")) != -1) {
		if (opt == 'h')
			dl_help(usage, options);
		if (opt != 'c')
			dl_usage(usage);
		containers = true;
	}
	if (argc - optind < min || argc - optind > max)
		dl_usage(usage);
	if (store)
		dl_store_need();
	return containers;
}

void dl_ref_check(int code, const char *verb, const char *obj, char **reason)
{
	if (code)
		dl_die(code, "unable to %s '%s': %s", verb, obj,
		       *reason ? *reason : "unknown error");
	free(*reason);
	*reason = NULL;
}

void dl_ref_operand(const char *name, bool container, struct dl_ref *r)
{
	char *reason = NULL;

	if (container) {
		if (!dl_is_container_name(name))
			dl_die(DL_EXIT_USAGE,
			       "unable to parse '%s': invalid container name, "
			       "must match [a-zA-Z0-9][a-zA-Z0-9_.-]*",
			       name);
		return;
	}
	dl_ref_check(dl_ref_parse(name, r, &reason), "parse", name, &reason);
}
