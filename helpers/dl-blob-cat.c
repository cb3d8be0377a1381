/* SPDX-License-Identifier: Apache-2.0 */
/* dl-blob-cat: print a blob of the content store */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "dl.h"
#include "dl/blob.h"
#include "dl/digest.h"

#define USAGE "dl-blob-cat DIGEST"

int main(int argc, char **argv)
{
	_cleanup_free_ char *reason = NULL;
	_cleanup_close_ int fd = -1;
	char buf[65536];
	ssize_t n;
	int r;

	dl_set_prog(argv[0]);
	if (dl_want_help(argc, argv))
		dl_help(USAGE, NULL);
	opterr = 0;
	if (getopt(argc, argv, "+") != -1 || argc - optind != 1)
		dl_usage(USAGE);
	if (!dl_digest_valid(argv[optind]))
		dl_die(DL_EXIT_USAGE, "unable to read '%s': " DL_DIGEST_INVALID,
		       argv[optind]);
	dl_store_need();
	r = dl_blob_open(argv[optind], &fd, &reason);
	if (r)
		dl_die(r, "unable to read '%s': %s", argv[optind], reason);
	fflush(stdout);
	for (;;) {
		const char *p = buf;

		n = read(fd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			dl_die_sys(DL_EXIT_FAIL, "unable to read '%s'",
				   argv[optind]);
		if (n == 0)
			break;
		while (n > 0) {
			ssize_t w = write(STDOUT_FILENO, p, (size_t)n);

			if (w < 0 && errno == EINTR)
				continue;
			if (w < 0)
				dl_die_sys(DL_EXIT_FAIL,
					   "unable to write 'stdout'");
			p += w;
			n -= w;
		}
	}
	return dl_finish_stdout();
}
