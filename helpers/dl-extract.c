/* SPDX-License-Identifier: Apache-2.0 */
/* dl-extract: extract a tar archive into a directory, refusing the unsafe */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "dl.h"
#include "dl/archive.h"

#define USAGE                                                                  \
	"dl-extract [-s] [--max-size=BYTES] [--max-entries=N] "                \
	"[--max-header=BYTES] [--max-depth=N] ARCHIVE DIRECTORY"
#define OPTIONS                                                                \
	"  -s                   print \"BYTES ENTRIES\" (file data and "      \
	"objects written)\n"                                                   \
	DL_EXTRACT_HELP                                                        \
	"  -h, --help           show this help\n"                              \
	"\nARCHIVE is a tar (plain, gzip, xz, zstd or bzip2), or - for stdin.\n"

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		DL_EXTRACT_LONGOPTS,
		{ 0 },
	};
	struct dl_extract_opts o = { 0 };
	_cleanup_close_ int in = -1, dest = -1;
	_cleanup_free_ char *reason = NULL;
	struct dl_tree_stats st;
	const char *archive, *dir;
	bool stats = false;
	const char *which;
	int opt, r;

	dl_set_prog(argv[0]);
	if (dl_want_help(argc, argv))
		dl_help(USAGE, OPTIONS);
	opterr = 0; /* dl_usage() says it, in the one format */
	while ((opt = getopt_long(argc, argv, "+sh", longopts, NULL)) != -1) {
		switch (opt) {
		case 's':
			stats = true;
			break;
		case 'h':
			dl_help(USAGE, OPTIONS);
		case DL_EXTRACT_OPT_SIZE:
		case DL_EXTRACT_OPT_ENTRIES:
		case DL_EXTRACT_OPT_HEADER:
		case DL_EXTRACT_OPT_DEPTH:
			if (dl_extract_opt(&o, opt, optarg) < 0)
				dl_die(DL_EXIT_USAGE, "unable to use limit "
				       "'%s': not a positive number", optarg);
			break;
		default:
			dl_usage(USAGE);
		}
	}
	if (argc - optind != 2)
		dl_usage(USAGE);
	archive = argv[optind];
	dir = argv[optind + 1];
	if (!*archive || !*dir)
		dl_usage(USAGE);

	if (dl_extract_open(archive, dir, &in, &dest, &which) < 0)
		dl_die_sys(errno == ENOENT ? DL_EXIT_NO : DL_EXIT_FAIL,
			   "unable to open '%s'", which);

	r = dl_extract(in, dest, &o, &st, &reason);
	if (r)
		dl_die(r, "unable to extract '%s': %s", archive, reason);
	if (stats)
		printf("%" PRIu64 " %" PRIu64 "\n", st.bytes, st.entries);
	return dl_finish_stdout();
}
