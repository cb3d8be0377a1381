/* SPDX-License-Identifier: Apache-2.0 */
/* dl-subvol-get-ro: print the read-only flag of a btrfs subvolume */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include <btrfsutil.h>

#include "dl.h"

#define USAGE "dl-subvol-get-ro PATH"
#define VERB "read read-only flag of"

int main(int argc, char **argv)
{
	_cleanup_close_ int fd = -1;
	enum btrfs_util_error err;
	const char *path;
	bool ro = false;
	int e;

	dl_set_prog(argv[0]);
	opterr = 0;
	if (dl_want_help(argc, argv))
		dl_help(USAGE, NULL);
	if (getopt(argc, argv, "+") != -1 || argc - optind != 1)
		dl_usage(USAGE);
	path = argv[optind];
	fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		dl_die_sys(errno == ENOENT || errno == ENOTDIR ? DL_EXIT_NO
							       : DL_EXIT_FAIL,
			   "unable to " VERB " '%s'", path);
	err = btrfs_util_is_subvolume_fd(fd);
	if (!err)
		err = btrfs_util_get_subvolume_read_only_fd(fd, &ro);
	if (err == BTRFS_UTIL_ERROR_NOT_BTRFS ||
	    err == BTRFS_UTIL_ERROR_NOT_SUBVOLUME)
		dl_die(DL_EXIT_NO, "unable to " VERB " '%s': %s", path,
		       btrfs_util_strerror(err));
	if (err) {
		e = errno;
		dl_die(DL_EXIT_FAIL, "unable to " VERB " '%s': %s: %s", path,
		       btrfs_util_strerror(err), strerror(e));
	}
	puts(ro ? "true" : "false");
	return dl_finish_stdout();
}
