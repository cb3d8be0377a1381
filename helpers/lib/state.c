/* SPDX-License-Identifier: Apache-2.0 */
/* state.c: containers/ID/state.json and the supervisor lock */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>

#include <jansson.h>

#include "dl.h"
#include "dl/json.h"
#include "dl/state.h"

const char *dl_status_name(enum dl_status s)
{
	switch (s) {
	case DL_STATUS_STARTING:
		return "starting";
	case DL_STATUS_RUNNING:
		return "running";
	case DL_STATUS_EXITED:
		return "exited";
	default:
		return "created";
	}
}

void dl_state_init(struct dl_state *st)
{
	memset(st, 0, sizeof(*st));
	st->status = DL_STATUS_CREATED;
	strcpy(st->started, DL_TIME_ZERO);
	strcpy(st->finished, DL_TIME_ZERO);
}

static bool container_exists(const char *id)
{
	_cleanup_free_ char *dir = dl_path("containers/%s", id);
	struct stat sb;

	return stat(dir, &sb) == 0 && S_ISDIR(sb.st_mode);
}

static int copy_time(char dst[DL_STATE_TIME_MAX], const char *src)
{
	if (strlen(src) >= DL_STATE_TIME_MAX)
		return -1;
	strcpy(dst, src);
	return 0;
}

int dl_state_read(const char *id, struct dl_state *st, char **reason)
{
	_cleanup_free_ char *path = dl_path("containers/%s/state.json", id);
	_cleanup_free_ char *buf = NULL;
	const char *status, *started, *finished;
	json_error_t jerr;
	json_int_t pid, code, mon = 0;
	size_t len;
	json_t *j;

	dl_state_init(st);
	if (!container_exists(id)) {
		*reason = dl_xstrdup("no such container");
		return DL_EXIT_NO;
	}
	if (dl_read_file(path, &buf, &len) < 0) {
		if (errno == ENOENT)
			return 0;
		*reason = dl_xasprintf("%s: %s", path, strerror(errno));
		return DL_EXIT_FAIL;
	}
	/* empty: written without fsync just before a crash (see
	 * dl_state_write()); nothing runs after a reboot, so as none */
	if (len == 0)
		return 0;
	j = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!j) {
		*reason = dl_xasprintf("%s:%d:%d: %s", path, jerr.line,
				       jerr.column, jerr.text);
		return DL_EXIT_REJECT;
	}
	if (json_unpack_ex(j, &jerr, JSON_STRICT, "{s:s,s:I,s?I,s:I,s:s,s:s}",
			   "status", &status, "pid", &pid, "monitor_pid", &mon,
			   "exit_code", &code, "started", &started,
			   "finished", &finished) < 0) {
		*reason = dl_xasprintf("%s: %s", path, jerr.text);
		json_decref(j);
		return DL_EXIT_REJECT;
	}
	if (!strcmp(status, "running"))
		st->status = DL_STATUS_RUNNING;
	else if (!strcmp(status, "starting"))
		st->status = DL_STATUS_STARTING;
	else if (!strcmp(status, "exited"))
		st->status = DL_STATUS_EXITED;
	else if (strcmp(status, "created"))
		goto bad;
	st->pid = (pid_t)pid;
	st->monitor_pid = (pid_t)mon;
	st->exit_code = (int)code;
	if (copy_time(st->started, started) < 0 ||
	    copy_time(st->finished, finished) < 0)
		goto bad;
	json_decref(j);
	return 0;

bad:
	*reason = dl_xasprintf("%s: invalid value", path);
	json_decref(j);
	return DL_EXIT_REJECT;
}

json_t *dl_state_json(const struct dl_state *st)
{
	json_t *j = json_pack("{s:s,s:I,s:I,s:I,s:s,s:s}",
			      "status", dl_status_name(st->status),
			      "pid", (json_int_t)st->pid,
			      "monitor_pid", (json_int_t)st->monitor_pid,
			      "exit_code", (json_int_t)st->exit_code,
			      "started", st->started,
			      "finished", st->finished);

	if (!j)
		dl_die(DL_EXIT_FAIL, "unable to encode 'json': out of memory");
	return j;
}

/*
 * Temp file and rename, so a reader sees the old or the new state, but no
 * fsync: state.json describes processes, which a crash ends anyway.  After
 * one, a "running" left behind is corrected by dl_lxc_state() (no
 * supervisor holds the lock: exited), and a file the crash left empty reads
 * as no state at all.  Durability would cost a btrfs log write or commit
 * at every start and every exit, on the path of each dl run.
 */
int dl_state_write(const char *id, const struct dl_state *st, char **reason)
{
	_cleanup_free_ char *path = dl_path("containers/%s/state.json", id);
	json_t *j = dl_state_json(st);
	int r = dl_json_save_flags(path, j, DL_WRITE_NOSYNC);

	json_decref(j);
	if (r < 0) {
		*reason = dl_xasprintf("%s: %s", path, strerror(errno));
		return DL_EXIT_FAIL;
	}
	return 0;
}

/* How often, 2 ms apart, an exclusive dl_state_lock() tries again: a
 * reader's dl_state_supervised() holds the lock shared for an instant. */
#define LOCK_TRIES 50

static int open_dir(const char *id)
{
	_cleanup_free_ char *dir = dl_path("containers/%s", id);

	return open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
}

/* Whether @fd is still containers/ID (not renamed into tmp/, not gone). */
static bool still_published(int fd, const char *id)
{
	_cleanup_free_ char *dir = dl_path("containers/%s", id);
	struct stat a, b;

	return fstat(fd, &a) == 0 && a.st_nlink > 0 &&
	       lstat(dir, &b) == 0 && a.st_dev == b.st_dev &&
	       a.st_ino == b.st_ino;
}

int dl_state_lock(const char *id, bool exclusive, int *fd, char **reason)
{
	const struct timespec tick = { 0, 2 * 1000 * 1000 };
	_cleanup_close_ int lfd = -1;
	int i, r;

	*fd = -1;
	lfd = open_dir(id);
	if (lfd < 0) {
		if (errno == ENOENT || errno == ENOTDIR) {
			*reason = dl_xstrdup("no such container");
			return DL_EXIT_NO;
		}
		*reason = dl_xasprintf("containers/%s: %s", id, strerror(errno));
		return DL_EXIT_FAIL;
	}
	for (i = 0;; i++) {
		r = flock(lfd, (exclusive ? LOCK_EX : LOCK_SH) | LOCK_NB);
		if (r == 0 || (errno != EINTR && errno != EWOULDBLOCK))
			break;
		if (errno == EWOULDBLOCK && (!exclusive || i >= LOCK_TRIES)) {
			*reason = dl_xstrdup("it is in use");
			return DL_EXIT_CONFLICT;
		}
		if (errno == EWOULDBLOCK)
			nanosleep(&tick, NULL);
	}
	if (r < 0) {
		*reason = dl_xasprintf("containers/%s: %s", id, strerror(errno));
		return DL_EXIT_FAIL;
	}
	/* removed (renamed into tmp/) while we waited for it */
	if (!still_published(lfd, id)) {
		*reason = dl_xstrdup("no such container");
		return DL_EXIT_NO;
	}
	*fd = dl_steal_fd(&lfd);
	return 0;
}

int dl_state_wait_unlocked(const char *id)
{
	_cleanup_close_ int fd = open_dir(id);

	if (fd < 0)
		return -1;
	while (flock(fd, LOCK_SH) < 0)
		if (errno != EINTR)
			return -1;
	return 0;
}

bool dl_state_supervised(const char *id)
{
	_cleanup_close_ int fd = open_dir(id);

	if (fd < 0)
		return false;
	if (flock(fd, LOCK_SH | LOCK_NB) == 0)
		return false;
	return errno == EWOULDBLOCK;
}
