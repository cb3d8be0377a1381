/* SPDX-License-Identifier: Apache-2.0 */
/* status.c: TAP unit test of the exit-status mapping (dl_exit_status) and
 * of signal names (dl_signal_parse) */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "dl.h"
#include "dl/status.h"
#include "tap.h"


/* The wait status @st maps to @want */
static void st(int status, int want, const char *what)
{
	int got = dl_exit_status(status);

	ok(got == want, "exit status of", what);
	if (got != want)
		printf("# status 0x%x: got %d, want %d\n", status, got, want);
}

/* The wait status of a real child that exits with @code, or is killed by
 * @sig when @code is -1 */
static int child_status(int code, int sig)
{
	int status = 0;
	pid_t pid = fork();

	if (pid < 0) {
		printf("Bail out! fork: %s\n", strerror(errno));
		exit(1);
	}
	if (pid == 0) {
		if (code < 0) {
			signal(sig, SIG_DFL);
			raise(sig);
		}
		_exit(code < 0 ? 99 : code);
	}
	if (waitpid(pid, &status, 0) != pid) {
		printf("Bail out! waitpid: %s\n", strerror(errno));
		exit(1);
	}
	return status;
}

static void exit_status(void)
{
	st(W_EXITCODE(0, 0), 0, "exit 0");
	st(W_EXITCODE(1, 0), 1, "exit 1");
	st(W_EXITCODE(42, 0), 42, "exit 42");
	st(W_EXITCODE(127, 0), 127, "exit 127");
	st(W_EXITCODE(255, 0), 255, "exit 255");
	st(W_EXITCODE(0, SIGHUP), 129, "killed by SIGHUP");
	st(W_EXITCODE(0, SIGKILL), 137, "killed by SIGKILL");
	st(W_EXITCODE(0, SIGTERM), 143, "killed by SIGTERM");
	st(W_EXITCODE(0, SIGSEGV) | WCOREFLAG, 139, "SIGSEGV, core dumped");
	/* liblxc's error_num for an init killed by signal N */
	st(W_STOPCODE(SIGKILL), 137, "liblxc's SIGKILL");
	st(W_STOPCODE(SIGINT), 130, "liblxc's SIGINT");
	/* real children */
	st(child_status(0, 0), 0, "a child's exit 0");
	st(child_status(3, 0), 3, "a child's exit 3");
	st(child_status(200, 0), 200, "a child's exit 200");
	st(child_status(-1, SIGKILL), 137, "a child killed by SIGKILL");
	st(child_status(-1, SIGTERM), 143, "a child killed by SIGTERM");
	st(child_status(-1, SIGUSR1), 128 + SIGUSR1,
	   "a child killed by SIGUSR1");
}

/* @s names signal @want (-1: no signal) */
static void sig(const char *s, int want)
{
	int got = dl_signal_parse(s);

	ok(got == want, want < 0 ? "not a signal" : "signal", s ? s : "(null)");
	if (got != want)
		printf("# got %d, want %d\n", got, want);
}

static void signals(void)
{
	char buf[32];

	sig("KILL", SIGKILL);
	sig("SIGKILL", SIGKILL);
	sig("kill", SIGKILL);
	sig("sigkill", SIGKILL);
	sig("SigTerm", SIGTERM);
	sig("HUP", SIGHUP);
	sig("INT", SIGINT);
	sig("QUIT", SIGQUIT);
	sig("USR1", SIGUSR1);
	sig("SIGUSR2", SIGUSR2);
	sig("STOP", SIGSTOP);
	sig("CONT", SIGCONT);
	sig("CHLD", SIGCHLD);
	sig("WINCH", SIGWINCH);
	sig("PWR", SIGPWR);
	sig("SYS", SIGSYS);
	sig("1", SIGHUP);
	sig("9", SIGKILL);
	sig("15", SIGTERM);
	sig("31", 31);
	snprintf(buf, sizeof(buf), "%d", SIGRTMAX);
	sig(buf, SIGRTMAX);
	sig("RTMIN", SIGRTMIN);
	sig("SIGRTMIN", SIGRTMIN);
	sig("RTMIN+2", SIGRTMIN + 2);
	sig("rtmax", SIGRTMAX);
	sig("SIGRTMAX-1", SIGRTMAX - 1);

	sig(NULL, -1);
	sig("", -1);
	sig("0", -1);
	snprintf(buf, sizeof(buf), "%d", SIGRTMAX + 1);
	sig(buf, -1);
	sig("-9", -1);
	sig("+9", -1);
	sig("9x", -1);
	sig("0x9", -1);
	sig("99999999999999999999", -1);
	sig("SIG", -1);
	sig("KIL", -1);
	sig("KILLX", -1);
	sig("SIGSIGKILL", -1);
	sig(" KILL", -1);
	sig("KILL ", -1);
	sig("NOSUCH", -1);
	sig("RTMIN-1", -1);
	sig("RTMAX+1", -1);
	sig("RTMIN+99", -1);
	sig("RTMINX", -1);
}

int main(void)
{
	exit_status();
	signals();
	return tap_done();
}
