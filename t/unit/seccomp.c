/* SPDX-License-Identifier: Apache-2.0 */
/* seccomp.c: TAP unit test of the seccomp profile compiler: share/dl.seccomp
 * compiles, malformed profiles are refused, and the program, loaded in a
 * child, refuses what the profile names in all three x86 ABIs (64-bit,
 * i386 by int 0x80, x32) and lets the rest through */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "dl.h"
#include "dl/file.h"
#include "dl/seccomp.h"
#include "tap.h"

#ifndef AF_ALG
#define AF_ALG 38
#endif

static void refused(void)
{
	static const char *bad[] = {
		"",
		"1\ndenylist\nkeyctl errno 1\n",
		"2\nallowlist\nkeyctl errno 1\n",
		"2\ndenylist\nkeyctl\n",
		"2\ndenylist\nkeyctl errno\n",
		"2\ndenylist\nkeyctl errno x\n",
		"2\ndenylist\nkeyctl errno 5000\n",
		"2\ndenylist\nkeyctl nothing\n",
		"2\ndenylist\nsocket errno 1 [7,38,SCMP_CMP_EQ]\n",
		"2\ndenylist\nsocket errno 1 [0,38,SCMP_CMP_SAME]\n",
		"2\ndenylist\nsocket errno 1 [0,38,SCMP_CMP_EQ,4]\n",
		"2\ndenylist\nsocket errno 1 [0,38]\n",
		"2\ndenylist\nsocket errno 1 [0,38,SCMP_CMP_MASKED_EQ,x]\n",
		"2\ndenylist\n[x86_64]\nkeyctl errno 1\n",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct dl_bpf p = { 0 };
		char *reason = NULL, *one = dl_xstrdup(bad[i]), *c;
		int r = dl_seccomp_compile(bad[i], &p, &reason);

		for (c = one; (c = strchr(c, '\n'));)
			*c = '|';
		ok(r == DL_EXIT_REJECT && reason && !p.insns, "refused profile",
		   one);
		free(reason);
		free(one);
	}
}

/* The raw result of a system call: -errno or the value. */
static long i386_call(long nr)
{
	long r = nr;

	__asm__ volatile("int $0x80" : "+a"(r) : : "memory");
	return r;
}

static long x32_call(long nr)
{
	long r = nr | 0x40000000L;

	__asm__ volatile("syscall" : "+a"(r) : : "rcx", "r11", "memory");
	return r;
}

/* In a child: load @p and report what each call gives, one byte each. */
static void behaviour(const struct dl_bpf *p)
{
	int fd[2];
	pid_t pid;
	char got[8] = "";
	ssize_t got_n;

	if (pipe(fd) < 0)
		return;
	pid = fork();
	if (pid == 0) {
		char out[8];
		int s;

		close(fd[0]);
		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
		    dl_seccomp_load(p) < 0)
			_exit(3);
		out[0] = syscall(SYS_keyctl, 0, 0, 0, 0, 0) < 0 && errno == EPERM;
		out[1] = syscall(SYS_getppid) > 0;
		s = socket(AF_ALG, SOCK_SEQPACKET, 0);
		out[2] = s < 0 && errno == EPERM;
		s = socket(AF_UNIX, SOCK_STREAM, 0);
		out[3] = s >= 0;
		out[4] = syscall(SYS_clone3, NULL, 0) < 0 && errno == ENOSYS;
		/* i386: keyctl 288, getppid 64; x32: keyctl 250 */
		out[5] = i386_call(288) == -EPERM;
		out[6] = i386_call(64) > 0;
		out[7] = x32_call(250) == -EPERM;
		if (write(fd[1], out, sizeof(out)) != sizeof(out))
			_exit(4);
		_exit(0);
	}
	close(fd[1]);
	got_n = read(fd[0], got, sizeof(got));
	close(fd[0]);
	waitpid(pid, NULL, 0);
	ok(got_n == 8, "the filter loads in a child", "SECCOMP_SET_MODE_FILTER");
	ok(got_n == 8 && got[0], "refused with EPERM", "keyctl");
	ok(got_n == 8 && got[1], "let through", "getppid");
	ok(got_n == 8 && got[2], "refused with EPERM", "socket(AF_ALG)");
	ok(got_n == 8 && got[3], "let through", "socket(AF_UNIX)");
	ok(got_n == 8 && got[4], "refused with ENOSYS", "clone3");
	ok(got_n == 8 && got[5], "refused with EPERM in the i386 ABI", "keyctl");
	ok(got_n == 8 && got[6], "let through in the i386 ABI", "getppid");
	ok(got_n == 8 && got[7], "refused with EPERM in the x32 ABI", "keyctl");
}

int main(void)
{
	char exe[PATH_MAX], *text = NULL, *reason = NULL;
	struct dl_bpf p = { 0 }, q = { 0 };
	ssize_t len = readlink("/proc/self/exe", exe, sizeof(exe) - 32);
	int r;

	if (len <= 0)
		return 1;
	exe[len] = '\0';
	strcpy(strrchr(exe, '/'), "/../../share/dl.seccomp");
	ok(dl_read_file(exe, &text, NULL) == 0, "read", exe);
	r = text ? dl_seccomp_compile(text, &p, &reason) : -1;
	ok(r == 0 && p.len > 0, "compiles", "share/dl.seccomp");
	if (reason)
		printf("# %s\n", reason);
	r = dl_seccomp_compile("2\ndenylist\nno_such_call errno 1\nkeyctl errno 1\n",
			       &q, &reason);
	ok(r == 0 && q.len > 0, "an unknown name is skipped", "no_such_call");
	free(q.insns);
	refused();
	if (p.len)
		behaviour(&p);
	free(p.insns);
	free(text);
	return tap_done();
}
