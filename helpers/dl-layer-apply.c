/* SPDX-License-Identifier: Apache-2.0 */
/* dl-layer-apply: apply an OCI layer onto a directory, refusing the unsafe */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "dl.h"
#include "dl/archive.h"
#include "dl/digest.h"

#define USAGE                                                                  \
	"dl-layer-apply [--diff-id=DIGEST] [--max-size=BYTES] "                \
	"[--max-entries=N] [--max-header=BYTES] [--max-depth=N] LAYER "        \
	"DIRECTORY"
#define OPTIONS                                                                \
	"  --diff-id=DIGEST     the sha256 the uncompressed layer must have\n" \
	DL_EXTRACT_HELP                                                        \
	"  -h, --help           show this help\n"                              \
	"\nLAYER is a tar (plain, gzip or zstd), or - for stdin.  Prints its " \
	"diff_id.\n"

static void tap(void *arg, const void *buf, size_t len)
{
	dl_sha256_update(arg, buf, len);
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "diff-id", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		DL_EXTRACT_LONGOPTS,
		{ 0 },
	};
	_cleanup_close_ int in = -1, dest = -1;
	_cleanup_free_ char *reason = NULL;
	struct dl_extract_opts o = { .flags = DL_EXTRACT_LAYER, .tap = tap };
	char got[DL_DIGEST_LEN + 1];
	const char *layer, *dir, *want = NULL;
	const char *which;
	int opt, r;

	dl_set_prog(argv[0]);
	if (dl_want_help(argc, argv))
		dl_help(USAGE, OPTIONS);
	opterr = 0; /* dl_usage() says it, in the one format */
	while ((opt = getopt_long(argc, argv, "+h", longopts, NULL)) != -1) {
		switch (opt) {
		case 'd':
			want = optarg;
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
	layer = argv[optind];
	dir = argv[optind + 1];
	if (!*layer || !*dir)
		dl_usage(USAGE);
	if (want && !dl_digest_valid(want))
		dl_die(DL_EXIT_USAGE, "unable to use diff_id '%s': %s", want,
		       DL_DIGEST_INVALID);

	if (dl_extract_open(layer, dir, &in, &dest, &which) < 0)
		dl_die_sys(errno == ENOENT ? DL_EXIT_NO : DL_EXIT_FAIL,
			   "unable to open '%s'", which);

	o.tap_arg = dl_sha256_new();
	r = dl_extract(in, dest, &o, NULL, &reason);
	if (r) {
		dl_sha256_free(o.tap_arg);
		dl_die(r, "unable to apply '%s': %s", layer, reason);
	}
	dl_sha256_final(o.tap_arg, got);
	if (want && strcmp(got, want))
		dl_die(DL_EXIT_REJECT, "unable to apply '%s': diff_id %s, "
		       "expected %s", layer, got, want);
	printf("%s\n", got);
	return dl_finish_stdout();
}
