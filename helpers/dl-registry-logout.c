/* SPDX-License-Identifier: Apache-2.0 */
/* dl-registry-logout: forget the credentials of a registry in the auth
 * file */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "dl.h"
#include "dl/auth.h"

#define USAGE "dl-registry-logout REGISTRY"
#define OPTIONS                                                                \
	"  -h   show this help\n"                                              \
	"\nREGISTRY is HOST[:PORT], as given to dl-registry-login.\n"

int main(int argc, char **argv)
{
	_cleanup_free_ char *why = NULL;
	const char *reg;
	int opt, code;

	dl_set_prog(argv[0]);
	if (dl_want_help(argc, argv))
		dl_help(USAGE, OPTIONS);
	opterr = 0; /* dl_usage() says it, in the one format */
	while ((opt = getopt(argc, argv, "+h")) != -1) {
		if (opt == 'h')
			dl_help(USAGE, OPTIONS);
		dl_usage(USAGE);
	}
	if (argc - optind != 1 || !*argv[optind])
		dl_usage(USAGE);
	reg = argv[optind];
	code = dl_auth_rm(reg, &why);
	if (code)
		dl_die(code, "unable to log out of '%s': %s", reg, why);
	return dl_finish_stdout();
}
