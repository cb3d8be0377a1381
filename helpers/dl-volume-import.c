/* SPDX-License-Identifier: Apache-2.0 */
/* dl-volume-import: make a volume holding the files of a tar */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "dl.h"
#include "dl/archive.h"
#include "dl/volume.h"

#define USAGE "dl-volume-import NAME ARCHIVE"
#define OPTIONS                                                                \
	"  -h, --help   show this help\n"                                      \
	"\nARCHIVE is a tar (plain, gzip, xz, zstd or bzip2), or - for stdin.\n"

static int fill(int fd, void *arg, char **reason)
{
	return dl_extract_fd(*(int *)arg, fd, NULL, reason);
}

int main(int argc, char **argv)
{
	_cleanup_free_ char *reason = NULL;
	_cleanup_close_ int in = -1;
	const char *name, *archive;
	int ret;

	dl_set_prog(argv[0]);
	if (dl_want_help(argc, argv))
		dl_help(USAGE, OPTIONS);
	opterr = 0;
	if (getopt(argc, argv, "+") != -1 || argc - optind != 2)
		dl_usage(USAGE);
	name = argv[optind];
	archive = argv[optind + 1];
	if (!*archive)
		dl_usage(USAGE);
	ret = dl_volume_name_check(name, &reason);
	if (ret)
		dl_die(ret, "unable to create volume '%s': %s", name, reason);
	dl_store_need();

	in = strcmp(archive, "-") ? open(archive, O_RDONLY | O_CLOEXEC)
				  : dup(STDIN_FILENO);
	if (in < 0)
		dl_die_sys(errno == ENOENT ? DL_EXIT_NO : DL_EXIT_FAIL,
			   "unable to open '%s'", archive);
	ret = dl_volume_make(name, NULL, NULL, fill, &in, 0, NULL, &reason);
	if (ret)
		dl_die(ret, "unable to import volume '%s': %s", name, reason);
	printf("%s\n", name);
	return dl_finish_stdout();
}
