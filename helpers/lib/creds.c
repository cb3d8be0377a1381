/* SPDX-License-Identifier: Apache-2.0 */
/* creds.c: the user, groups and capabilities of a process inside a
 * container */
#include <errno.h>
#include <grp.h>
#include <linux/capability.h>
#include <stdint.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "dl.h"
#include "dl/creds.h"

int dl_creds_take(uid_t uid, gid_t gid, size_t ngids, const gid_t *gids,
		  char **reason)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];
	uint64_t bnd = 0;

	if (setgroups(ngids, gids) < 0 || setresgid(gid, gid, gid) < 0 ||
	    setresuid(uid, uid, uid) < 0)
		return dl_fail(reason, DL_EXIT_FAIL, "set the user %u:%u: %s",
			       (unsigned)uid, (unsigned)gid, strerror(errno));
	for (int i = 0; i < 64; i++) {
		int r = prctl(PR_CAPBSET_READ, i, 0, 0, 0);

		if (r < 0)
			break;
		if (r)
			bnd |= 1ULL << i;
	}
	if (syscall(SYS_capget, &h, d) < 0)
		return dl_fail(reason, DL_EXIT_FAIL, "read the capabilities: %s",
			       strerror(errno));
	for (int k = 0; k < 2; k++) {
		uint32_t b = (uint32_t)(bnd >> (32 * k));

		d[k].effective &= b;
		d[k].permitted &= b;
		d[k].inheritable &= b;
	}
	if (syscall(SYS_capset, &h, d) < 0 ||
	    prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0)
		return dl_fail(reason, DL_EXIT_FAIL, "drop the capabilities: %s",
			       strerror(errno));
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	return 0;
}
