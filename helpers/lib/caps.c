/* SPDX-License-Identifier: Apache-2.0 */
/* caps.c: Linux capabilities by name and number */
#include <strings.h>

#include "dl/caps.h"

const char *const dl_cap_names[DL_CAP_LAST + 1] = {
	"CHOWN", "DAC_OVERRIDE", "DAC_READ_SEARCH", "FOWNER", "FSETID", "KILL",
	"SETGID", "SETUID", "SETPCAP", "LINUX_IMMUTABLE", "NET_BIND_SERVICE",
	"NET_BROADCAST", "NET_ADMIN", "NET_RAW", "IPC_LOCK", "IPC_OWNER",
	"SYS_MODULE", "SYS_RAWIO", "SYS_CHROOT", "SYS_PTRACE", "SYS_PACCT",
	"SYS_ADMIN", "SYS_BOOT", "SYS_NICE", "SYS_RESOURCE", "SYS_TIME",
	"SYS_TTY_CONFIG", "MKNOD", "LEASE", "AUDIT_WRITE", "AUDIT_CONTROL",
	"SETFCAP", "MAC_OVERRIDE", "MAC_ADMIN", "SYSLOG", "WAKE_ALARM",
	"BLOCK_SUSPEND", "AUDIT_READ", "PERFMON", "BPF", "CHECKPOINT_RESTORE",
};

int dl_cap_number(const char *name)
{
	int i;

	if (!strncasecmp(name, "CAP_", 4))
		name += 4;
	for (i = 0; i <= DL_CAP_LAST; i++)
		if (!strcasecmp(name, dl_cap_names[i]))
			return i;
	return -1;
}
