/* SPDX-License-Identifier: Apache-2.0 */
/* freeze.c: freeze a running container for as long as the caller lives */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <lxc/lxccontainer.h>

#include "dl.h"
#include "dl/freeze.h"

/* The guard's replies: one byte, then for REPLY_ERROR a text. */
enum {
	REPLY_FROZEN = 'F',	/* frozen; now waits for the end */
	REPLY_LEFT = 'N',	/* not running or frozen already: left as is */
	REPLY_THAWED = 'T',
	REPLY_ERROR = 'E',
};

/* The descriptors the guard keeps: 0, 1, 2 and these two. */
enum { GUARD_CTL = 3, GUARD_ACK = 4 };

static void reply(char code, const char *text)
{
	char buf[512];
	int n = snprintf(buf, sizeof(buf), "%c%s", code, text ? text : "");

	if (n > (int)sizeof(buf) - 1)
		n = sizeof(buf) - 1;
	if (write(GUARD_ACK, buf, n) < 0) {
		/* the caller is gone: nobody to tell */
	}
}

static const char *lxc_why(struct lxc_container *c)
{
	return c->error_string && *c->error_string ? c->error_string
						   : "liblxc failed";
}

/* The guard: freeze, wait for the caller to close its end, thaw. */
static noreturn void guard(const char *id)
{
	_cleanup_free_ char *dir = dl_path("containers");
	struct lxc_log log = { .name = id, .file = "none", .level = "FATAL",
			       .prefix = dl_prog, .quiet = true };
	struct lxc_container *c;
	const char *state;
	char b;
	int i;

	setsid();
	signal(SIGINT, SIG_IGN);
	signal(SIGQUIT, SIG_IGN);
	signal(SIGTERM, SIG_IGN);
	signal(SIGHUP, SIG_IGN);
	signal(SIGPIPE, SIG_IGN);
	close_range(GUARD_ACK + 1, ~0U, 0);
	log.lxcpath = dir;
	lxc_log_init(&log);
	c = lxc_container_new(id, dir);
	if (!c) {
		reply(REPLY_ERROR, "liblxc failed");
		_exit(1);
	}
	state = c->is_running(c) ? c->state(c) : NULL;
	if (!state || !strcmp(state, "FROZEN") || !strcmp(state, "STOPPED")) {
		reply(REPLY_LEFT, NULL);
		_exit(0);
	}
	if (!c->freeze(c)) {
		reply(REPLY_ERROR, lxc_why(c));
		_exit(1);
	}
	reply(REPLY_FROZEN, NULL);
	/* EOF: the caller is done, or dead */
	while (read(GUARD_CTL, &b, 1) < 0 && errno == EINTR)
		;
	for (i = 0; !c->unfreeze(c); i++) {
		if (i == 10) {
			fprintf(stderr, "%s: warning: unable to thaw container "
				"'%s': %s\n", dl_prog, id, lxc_why(c));
			reply(REPLY_ERROR, lxc_why(c));
			_exit(1);
		}
		usleep(100 * 1000);
	}
	reply(REPLY_THAWED, NULL);
	_exit(0);
}

/* Read the guard's reply; a dead guard reads as an error. */
static char read_reply(int fd, char **text)
{
	char buf[512];
	ssize_t n;

	do
		n = read(fd, buf, sizeof(buf) - 1);
	while (n < 0 && errno == EINTR);
	if (n <= 0) {
		*text = dl_xstrdup("the guard process died");
		return REPLY_ERROR;
	}
	buf[n] = '\0';
	*text = dl_xstrdup(buf + 1);
	return buf[0];
}

static void reap(struct dl_freeze *fz)
{
	while (waitpid(fz->pid, NULL, 0) < 0 && errno == EINTR)
		;
	fz->pid = 0;
}

int dl_freeze_start(const char *id, struct dl_freeze *fz, char **reason)
{
	int ctl[2], ack[2];
	char code;

	*fz = (struct dl_freeze){ .ctl = -1, .ack = -1 };
	*reason = NULL;
	if (pipe2(ctl, O_CLOEXEC) < 0)
		goto sys;
	if (pipe2(ack, O_CLOEXEC) < 0) {
		close(ctl[0]);
		close(ctl[1]);
		goto sys;
	}
	fflush(NULL);
	fz->pid = fork();
	if (fz->pid < 0) {
		close(ctl[0]);
		close(ctl[1]);
		close(ack[0]);
		close(ack[1]);
		fz->pid = 0;
		goto sys;
	}
	if (fz->pid == 0) {
		/* above 4 first: either may be 3 or 4 already */
		int a = fcntl(ack[1], F_DUPFD, GUARD_ACK + 1);
		int r = fcntl(ctl[0], F_DUPFD, GUARD_ACK + 1);

		if (a < 0 || r < 0 || dup2(r, GUARD_CTL) < 0 ||
		    dup2(a, GUARD_ACK) < 0)
			_exit(1);
		guard(id);
	}
	close(ctl[0]);
	close(ack[1]);
	fz->ctl = ctl[1];
	fz->ack = ack[0];
	code = read_reply(fz->ack, reason);
	if (code == REPLY_FROZEN) {
		free(*reason);
		*reason = NULL;
		fz->frozen = true;
		return 0;
	}
	dl_closep(&fz->ctl);
	dl_closep(&fz->ack);
	reap(fz);
	if (code == REPLY_LEFT) {
		free(*reason);
		*reason = NULL;
		return 0;
	}
	return DL_EXIT_FAIL;
sys:
	*reason = dl_xstrdup(strerror(errno));
	return DL_EXIT_FAIL;
}

int dl_freeze_end(struct dl_freeze *fz, char **reason)
{
	char code;

	*reason = NULL;
	if (!fz->pid)
		return 0;
	dl_closep(&fz->ctl);
	code = read_reply(fz->ack, reason);
	dl_closep(&fz->ack);
	reap(fz);
	fz->frozen = false;
	if (code == REPLY_THAWED) {
		free(*reason);
		*reason = NULL;
		return 0;
	}
	return DL_EXIT_FAIL;
}
