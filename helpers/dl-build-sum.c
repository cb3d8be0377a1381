/* SPDX-License-Identifier: Apache-2.0 */
/* dl-build-sum: print the digest of the sources of a COPY */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dl.h"
#include "dl/dfcontext.h"
#include "dl/sumcache.h"

#define USAGE "dl-build-sum [-I] [-c CACHE] DIR SOURCE..."
#define OPTIONS                                                                \
	"  -I        no .dockerignore (DIR is a stage's root)\n"             \
	"  -c CACHE  the file of digests already computed, by inode, size,\n" \
	"            mtime and ctime (updated)\n"                            \
	"\nSOURCE is a path in DIR, its components globs (*, ?, [...]).\n"

int main(int argc, char **argv)
{
	_cleanup_free_ char *why = NULL;
	_cleanup_close_ int dfd = -1;
	struct dl_ignore *ig = NULL;
	struct dl_sumcache *cache;
	const char *cpath = NULL;
	char **all = NULL, d[DL_DIGEST_LEN + 1];
	size_t nall = 0, i;
	bool noignore = false;
	int opt, rc;

	dl_set_prog(argv[0]);
	opterr = 0;
	if (dl_want_help(argc, argv))
		dl_help(USAGE, OPTIONS);
	while ((opt = getopt(argc, argv, "+Ic:")) != -1) {
		switch (opt) {
		case 'I':
			noignore = true;
			break;
		case 'c':
			cpath = optarg;
			break;
		default:
			dl_usage(USAGE);
		}
	}
	if (argc - optind < 2)
		dl_usage(USAGE);
	dfd = open(argv[optind], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		dl_die_sys(errno == ENOENT ? DL_EXIT_NO : DL_EXIT_FAIL,
			   "unable to open '%s'", argv[optind]);
	if (!noignore && (rc = dl_ignore_load(dfd, &ig, &why)))
		dl_die(rc, "unable to read '%s': %s", argv[optind], why);
	for (i = (size_t)optind + 1; i < (size_t)argc; i++) {
		char **v;
		size_t n, j;

		rc = dl_ctx_glob(dfd, argv[i], ig, &v, &n, &why);
		if (rc)
			dl_die(rc, "unable to copy '%s': %s", argv[i], why);
		all = dl_xrealloc(all, (nall + n) * sizeof(*all));
		for (j = 0; j < n; j++)
			all[nall++] = v[j];
		free(v);
	}
	cache = dl_sumcache_load(cpath);
	rc = dl_ctx_sum(dfd, all, nall, ig, cache, d, &why);
	if (rc)
		dl_die(rc, "unable to digest '%s': %s", argv[optind], why);
	if (dl_sumcache_save(cache) < 0)
		dl_warn("unable to write '%s': %s", cpath, strerror(errno));
	for (i = 0; i < nall; i++)
		free(all[i]);
	free(all);
	dl_ignore_free(ig);
	printf("%s\n", d);
	return dl_finish_stdout();
}
