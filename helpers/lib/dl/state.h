/* SPDX-License-Identifier: Apache-2.0 */
/* state.h: the run state of a container, containers/ID/state.json */
#ifndef DL_STATE_H
#define DL_STATE_H

#include <stdbool.h>
#include <sys/types.h>

#include "dl/time.h"

/* Room for an RFC 3339 timestamp read from state.json, plus NUL. */
#define DL_STATE_TIME_MAX 40

/* The zero time, as Docker prints a time that never happened. */
#define DL_TIME_ZERO "0001-01-01T00:00:00Z"

enum dl_status {
	DL_STATUS_CREATED,
	DL_STATUS_RUNNING,
	DL_STATUS_EXITED,
	DL_STATUS_STARTING,
};

/*
 * The content of state.json: {"status":"created|starting|running|exited",
 * "pid":N,
 * "monitor_pid":N,"exit_code":N,"started":RFC3339,"finished":RFC3339}.
 * pid is the host pid of the container's init while running, 0 otherwise;
 * monitor_pid that of the dl-spawn process supervising it (0 otherwise).
 * "starting" is written by dl-spawn once it holds the container's lock,
 * before anything runs, with the times and exit code of the run before
 * (pid 0); "running" once the command runs.
 * exit_code is -1 when the supervisor died before it could record one.
 */
struct dl_state {
	enum dl_status status;
	pid_t pid;
	pid_t monitor_pid;
	int exit_code;
	char started[DL_STATE_TIME_MAX];
	char finished[DL_STATE_TIME_MAX];
};

/**
 * dl_status_name() - "created", "starting", "running" or "exited"
 * @s: the status
 * Return: a static string.
 */
extern const char *dl_status_name(enum dl_status s);

/**
 * dl_state_init() - fill @st with the state of a container never started
 * @st: the state
 */
extern void dl_state_init(struct dl_state *st);

/**
 * dl_state_read() - read containers/ID/state.json as recorded, without any
 * liveness check
 * @id: the full container ID
 * @st: receives the state ("created" when there is no state.json, or an
 *      empty one)
 * @reason: receives the failure text
 * Return: 0, DL_EXIT_NO when there is no such container, DL_EXIT_REJECT when
 * state.json is not valid, or DL_EXIT_FAIL.
 */
extern int dl_state_read(const char *id, struct dl_state *st, char **reason);

/**
 * dl_state_write() - replace containers/ID/state.json atomically (temp
 * file and rename(2)), but without fsync(2): the state of processes does
 * not outlive a crash, and dl_lxc_state() corrects what one leaves behind
 * @id: the full container ID
 * @st: the state
 * @reason: receives the failure text
 * Return: 0 or DL_EXIT_FAIL.
 */
extern int dl_state_write(const char *id, const struct dl_state *st,
			  char **reason);

/**
 * dl_state_lock() - take the one lock of a container: flock(2) of its
 * directory containers/ID itself.  dl-spawn holds it exclusively from
 * before it writes "starting" until the run is recorded (and a --rm
 * container is gone); a removal holds it from before it looks at the
 * state until containers/ID is renamed into tmp/ and deleted there (which
 * is what makes tmp/ID its own for dl-store-sweep, as dl_tmp_claim()).
 * @id: the full container ID
 * @exclusive: LOCK_EX (start, removal, recording the end of a dead
 *             supervisor) rather than LOCK_SH
 * @fd: receives the open directory (O_CLOEXEC); closing it releases the lock
 * @reason: receives the failure text
 * Return: 0, DL_EXIT_CONFLICT when someone else holds it, DL_EXIT_NO when
 * there is no such container (or it was removed meanwhile), or
 * DL_EXIT_FAIL.  Does not wait for a holder, but an exclusive lock is
 * tried again for about 100 ms, the readers' probe being shared for an
 * instant (dl_state_supervised()).
 */
extern int dl_state_lock(const char *id, bool exclusive, int *fd,
			 char **reason);

/**
 * dl_state_wait_unlocked() - wait until no one holds the lock of @id
 * exclusively (takes it shared, then lets go)
 * @id: the full container ID
 * Return: 0, or -1 with errno set (ENOENT when there is no such container).
 */
extern int dl_state_wait_unlocked(const char *id);

/**
 * dl_state_supervised() - tell whether someone holds the lock of @id
 * exclusively: a dl-spawn supervisor starting or running it (or, for an
 * instant, a removal)
 * @id: the full container ID
 * Return: true when the lock is held.
 */
extern bool dl_state_supervised(const char *id);

/**
 * dl_state_json() - the state as a JSON object
 * @st: the state
 * Return: a new reference (dies on OOM).
 */
struct json_t;
extern struct json_t *dl_state_json(const struct dl_state *st);

#endif
