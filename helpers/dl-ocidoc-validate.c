/* SPDX-License-Identifier: Apache-2.0 */
/* dl-ocidoc-validate: check an OCI manifest, index or config, or a
 * docker-archive manifest.json, and print what it is */
#include <getopt.h>
#include <stdio.h>

#include <jansson.h>

#include "dl.h"
#include "dl/ocidoc.h"

#define USAGE "dl-ocidoc-validate [-t KIND] [-m MEDIATYPE] FILE"
#define OPTIONS                                                                \
	"  -t KIND       what FILE must be: manifest, index, config or\n"      \
	"                docker-archive (default: told by its content)\n"      \
	"  -m MEDIATYPE  the media type of the descriptor that points at it\n" \
	"  -h            show this help\n"                                     \
	"\nFILE is a file or - for stdin, at most 4 MiB.  Its kind is "        \
	"printed.\n"

int main(int argc, char **argv)
{
	_cleanup_free_ char *reason = NULL;
	enum dl_ocidoc_kind want = DL_OCIDOC_ANY, kind;
	const char *mt = NULL;
	int opt, r;

	dl_set_prog(argv[0]);
	if (dl_want_help(argc, argv))
		dl_help(USAGE, OPTIONS);
	opterr = 0; /* dl_usage() says it, in the one format */
	while ((opt = getopt(argc, argv, "+t:m:h")) != -1) {
		switch (opt) {
		case 't':
			if (dl_ocidoc_kind_parse(optarg, &want) < 0 ||
			    want == DL_OCIDOC_ANY)
				dl_die(DL_EXIT_USAGE, "unable to use kind '%s': "
				       "not manifest, index, config or "
				       "docker-archive", optarg);
			break;
		case 'm':
			mt = optarg;
			break;
		case 'h':
			dl_help(USAGE, OPTIONS);
		default:
			dl_usage(USAGE);
		}
	}
	if (argc - optind != 1 || !*argv[optind])
		dl_usage(USAGE);
	r = dl_ocidoc_load(argv[optind], want, mt, &kind, NULL, &reason);
	if (r)
		dl_die(r, "unable to validate '%s': %s", argv[optind], reason);
	printf("%s\n", dl_ocidoc_kind_name(kind));
	return dl_finish_stdout();
}
