/* SPDX-License-Identifier: Apache-2.0 */
/* lxc.c: the liblxc glue: re-execution from memory, liblxc's log, and the
 * init pid, signals and state of a running container */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <lxc/lxccontainer.h>

#include "dl.h"
#include "dl/lxc.h"
#include "dl/state.h"
#include "dl/time.h"

extern char **environ;

/* The seals liblxc's constructor checks for (rexec.c): keep them equal. */
#define REXEC_SEALS (F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE)

int dl_lxc_rexec(char **argv)
{
	_cleanup_close_ int exe = -1, mfd = -1;
	struct stat sb;
	off_t off = 0;

	exe = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	if (exe < 0)
		return -1;
	if (fcntl(exe, F_GET_SEALS) == REXEC_SEALS)
		return 0;
	if (fstat(exe, &sb) < 0)
		return -1;
	mfd = memfd_create(dl_prog, MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (mfd < 0)
		return -1;
	while (off < sb.st_size) {
		ssize_t w = sendfile(mfd, exe, &off, (size_t)(sb.st_size - off));

		if (w < 0 && errno != EINTR)
			return -1;
		if (w == 0)
			break;
	}
	if (fcntl(mfd, F_ADD_SEALS, REXEC_SEALS) < 0)
		return -1;
	if (setenv("LXC_MEMFD_REXEC", "1", 1) < 0)
		return -1;
	fexecve(mfd, argv, environ);
	return -1;
}

void dl_lxc_log(const char *id, bool truncate)
{
	_cleanup_free_ char *dir = dl_path("containers");
	_cleanup_free_ char *file = NULL;
	struct lxc_log log = {
		.name = id, .lxcpath = dir, .file = "none", .level = "ERROR",
		.prefix = dl_prog, .quiet = true,
	};

	if (!id)
		log.level = "FATAL";
	if (id) {
		file = dl_path("containers/%s/lxc.log", id);
		if (truncate)
			close(open(file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
				   0600));
		log.file = file;
	}
	lxc_log_init(&log);
}

long dl_lxc_log_size(const char *id)
{
	_cleanup_free_ char *path = dl_path("containers/%s/lxc.log", id);
	struct stat sb;

	return stat(path, &sb) == 0 ? (long)sb.st_size : 0;
}

char *dl_lxc_error(const char *id, long from)
{
	_cleanup_free_ char *path = dl_path("containers/%s/lxc.log", id);
	_cleanup_free_ char *buf = NULL;
	char *line, *save = NULL;
	size_t len;

	if (dl_read_file(path, &buf, &len) < 0 || from < 0 || (size_t)from > len)
		return NULL;
	for (line = strtok_r(buf + from, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char *text;

		if (!strstr(line, " ERROR "))
			continue;
		/* "PREFIX NAME TIME ERROR    conf - ../src/lxc/conf.c:f:1 - TEXT" */
		text = strstr(line, ".c:");
		text = strstr(text ? text : line, " - ");
		return dl_xstrdup(text ? text + 3 : line);
	}
	return NULL;
}

pid_t dl_lxc_init_pid(const char *id)
{
	_cleanup_free_ char *dir = dl_path("containers");
	_cleanup_lxc_ struct lxc_container *c = lxc_container_new(id, dir);
	pid_t pid = 0;

	if (!c)
		return 0;
	if (c->is_running(c))
		pid = c->init_pid(c);
	return pid > 0 ? pid : 0;
}

int dl_lxc_kill(const char *id, int sig)
{
	_cleanup_free_ char *dir = dl_path("containers");
	_cleanup_lxc_ struct lxc_container *c = lxc_container_new(id, dir);
	_cleanup_close_ int fd = -1;
	pid_t pid;

	if (!c)
		return DL_EXIT_FAIL;
	if (!c->is_running(c))
		return DL_EXIT_NO;
	/* a pidfd cannot hit a recycled pid */
	fd = c->init_pidfd(c);
	if (fd >= 0) {
		if (syscall(SYS_pidfd_send_signal, fd, sig, NULL, 0) == 0)
			return 0;
		return errno != ESRCH ? DL_EXIT_FAIL : DL_EXIT_NO;
	}
	pid = c->init_pid(c);
	if (pid > 0 && kill(pid, sig) == 0)
		return 0;
	return pid > 0 && errno != ESRCH ? DL_EXIT_FAIL : DL_EXIT_NO;
}

bool dl_lxc_frozen(const char *id)
{
	_cleanup_free_ char *dir = dl_path("containers");
	_cleanup_lxc_ struct lxc_container *c = lxc_container_new(id, dir);
	const char *s;

	if (!c || !c->is_running(c))
		return false;
	s = c->state(c);
	return s && (!strcmp(s, "FROZEN") || !strcmp(s, "FREEZING"));
}

int dl_lxc_freeze(const char *id, bool on, char **reason)
{
	_cleanup_free_ char *dir = dl_path("containers");
	_cleanup_lxc_ struct lxc_container *c = lxc_container_new(id, dir);
	const char *s;
	bool ok;

	if (!c)
		return dl_fail(reason, DL_EXIT_FAIL, "liblxc failed");
	if (!c->is_running(c) || !(s = c->state(c)) || !strcmp(s, "STOPPED"))
		return dl_fail(reason, DL_EXIT_NO, "not running");
	if (!strcmp(s, "FROZEN") ? on : !on)
		return dl_fail(reason, DL_EXIT_CONFLICT,
			       on ? "paused already" : "not paused");
	/* the freezer can be slow to settle on a loaded host: try again,
	 * as the guard of dl_freeze_start() does */
	for (int i = 0; !(ok = on ? c->freeze(c) : c->unfreeze(c)) && i < 10; i++) {
		usleep(100 * 1000);
		s = c->state(c);
		if (s && !strcmp(s, on ? "FROZEN" : "RUNNING"))
			return 0;
	}
	if (!ok)
		return dl_fail(reason, DL_EXIT_FAIL, "%s",
			       c->error_string && *c->error_string ?
				       c->error_string : "liblxc failed");
	return 0;
}

int dl_lxc_state(const char *id, struct dl_state *st, char **reason)
{
	_cleanup_close_ int lock = -1;
	pid_t pid;
	int r;

	r = dl_state_read(id, st, reason);
	if (r || (st->status != DL_STATUS_RUNNING &&
		  st->status != DL_STATUS_STARTING) || dl_state_supervised(id))
		return r;
	st->monitor_pid = 0;
	pid = dl_lxc_init_pid(id);
	if (pid > 0) {
		st->status = DL_STATUS_RUNNING;
		st->pid = pid;
		return 0;
	}
	/* Nobody watches it and it does not run: record what we know,
	 * under the lock, so that a new dl-spawn cannot be overwritten. */
	if (dl_state_lock(id, true, &lock, reason))
		return dl_state_read(id, st, reason);
	free(*reason);
	*reason = NULL;
	if ((r = dl_state_read(id, st, reason)))
		return r;
	if (st->status == DL_STATUS_STARTING) {
		/* a start killed before the command ran: the state of
		 * before, which "starting" kept */
		st->status = strcmp(st->finished, DL_TIME_ZERO) ?
				     DL_STATUS_EXITED : DL_STATUS_CREATED;
		st->monitor_pid = 0;
		return dl_state_write(id, st, reason);
	}
	if (st->status != DL_STATUS_RUNNING)
		return 0;
	st->status = DL_STATUS_EXITED;
	st->pid = 0;
	st->monitor_pid = 0;
	st->exit_code = -1;
	dl_time_now(st->finished);
	return dl_state_write(id, st, reason);
}

