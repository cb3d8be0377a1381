/* SPDX-License-Identifier: Apache-2.0 */
/* status.c: wait statuses to exit codes, signals by name */
#include <ctype.h>
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/wait.h>

#include "dl.h"
#include "dl/status.h"

int dl_exit_status(int st)
{
	if (WIFEXITED(st))
		return WEXITSTATUS(st);
	if (WIFSIGNALED(st))
		return 128 + WTERMSIG(st);
	/* liblxc's error_num for an init killed by signal N: N << 8 | 0x7f */
	if (WIFSTOPPED(st))
		return 128 + WSTOPSIG(st);
	return DL_EXIT_FAIL;
}

int dl_signal_parse(const char *s)
{
	char *end;
	long n;

	if (!s || !*s)
		return -1;
	if (isdigit((unsigned char)*s)) {
		errno = 0;
		n = strtol(s, &end, 10);
		if (errno || *end || n < 1 || n >= NSIG)
			return -1;
		return (int)n;
	}
	if (!strncasecmp(s, "SIG", 3))
		s += 3;
	for (int i = 1; i < NSIG; i++) {
		const char *name = sigabbrev_np(i);

		if (name && !strcasecmp(s, name))
			return i;
	}
	if (!strncasecmp(s, "RTMIN", 5) || !strncasecmp(s, "RTMAX", 5)) {
		bool max = toupper((unsigned char)s[3]) == 'A';
		long off = 0;

		if (s[5]) {
			if ((max ? s[5] != '-' : s[5] != '+'))
				return -1;
			errno = 0;
			off = strtol(s + 6, &end, 10);
			if (errno || *end || off < 0)
				return -1;
		}
		n = max ? SIGRTMAX - off : SIGRTMIN + off;
		return n >= SIGRTMIN && n <= SIGRTMAX ? (int)n : -1;
	}
	return -1;
}
