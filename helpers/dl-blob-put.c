/* SPDX-License-Identifier: Apache-2.0 */
/* dl-blob-put: store a blob of the content store, checked against its digest */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dl.h"
#include "dl/blob.h"
#include "dl/digest.h"

#define USAGE "dl-blob-put [-s SIZE] DIGEST FILE"
#define OPTIONS                                                                \
	"  -s SIZE   the size the blob must have: no more than SIZE + 1 bytes\n" \
	"            are read\n"                                               \
	"  -h        show this help\n"                                         \
	"\nFILE is a file, or - for stdin.  The digest is printed.  A blob\n"  \
	"already in the store is not read again.\n"

int main(int argc, char **argv)
{
	_cleanup_free_ char *reason = NULL;
	_cleanup_close_ int in = -1;
	char out[DL_DIGEST_LEN + 1];
	const char *digest, *file;
	int64_t size = -1;
	char *end;
	int opt, r;

	dl_set_prog(argv[0]);
	if (dl_want_help(argc, argv))
		dl_help(USAGE, OPTIONS);
	opterr = 0; /* dl_usage() says it, in the one format */
	while ((opt = getopt(argc, argv, "+s:h")) != -1) {
		switch (opt) {
		case 's':
			errno = 0;
			size = strtoll(optarg, &end, 10);
			if (errno || !*optarg || *end || size < 0 ||
			    *optarg == '-' || *optarg == '+')
				dl_die(DL_EXIT_USAGE, "unable to use size '%s': "
				       "not a number of bytes", optarg);
			break;
		case 'h':
			dl_help(USAGE, OPTIONS);
		default:
			dl_usage(USAGE);
		}
	}
	if (argc - optind != 2 || !*argv[optind + 1])
		dl_usage(USAGE);
	digest = argv[optind];
	file = argv[optind + 1];
	if (!dl_digest_valid(digest))
		dl_die(DL_EXIT_USAGE, "unable to store '%s': " DL_DIGEST_INVALID,
		       digest);
	dl_store_need();

	if (!strcmp(file, "-"))
		in = dup(STDIN_FILENO);
	else
		in = open(file, O_RDONLY | O_CLOEXEC);
	if (in < 0)
		dl_die_sys(errno == ENOENT ? DL_EXIT_NO : DL_EXIT_FAIL,
			   "unable to open '%s'", file);
	r = dl_blob_put_fd(in, digest, size, out, NULL, &reason);
	if (r)
		dl_die(r, "unable to store '%s': %s", digest, reason);
	printf("%s\n", out);
	return dl_finish_stdout();
}
