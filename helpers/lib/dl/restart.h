/* SPDX-License-Identifier: Apache-2.0 */
/* restart.h: --restart policies, kept by a detached container's monitor */
#ifndef DL_RESTART_H
#define DL_RESTART_H

#include <stdbool.h>
#include <sys/types.h>

enum dl_restart_name {
	DL_RESTART_NO,
	DL_RESTART_ON_FAILURE,
	DL_RESTART_ALWAYS,
	DL_RESTART_UNLESS_STOPPED,
};

/* A policy: its name and, for on-failure, the most restarts (0: no end). */
struct dl_restart_policy {
	enum dl_restart_name name;
	int max;
};

/*
 * On disk, in containers/ID/, each written by rename(2):
 *  - restart.json {"count":N,"backoff_ms":M}: the restarts the policy
 *    made since the last start by the user, and the last back-off;
 *  - restarting: the pid of the monitor waiting to start it again (there
 *    while it waits, and while it re-executes dl-spawn -R);
 *  - user-stop: "cancel" (dl stop, dl kill of the stop signal: no restart
 *    whatever the policy) or "manual" (another dl kill signal: no restart
 *    for unless-stopped); removed by the next start of the user.
 */

/**
 * dl_restart_parse() - parse no, on-failure[:N], always or unless-stopped
 * @s: the --restart value
 * @p: receives the policy
 * @reason: receives the failure text
 * Return: 0 or DL_EXIT_USAGE.
 */
extern int dl_restart_parse(const char *s, struct dl_restart_policy *p,
			    char **reason);

/**
 * dl_restart_policy_name() - Docker's name of a policy: "no", "on-failure",
 * "always", "unless-stopped"
 * @name: the policy
 * Return: a static string.
 */
extern const char *dl_restart_policy_name(enum dl_restart_name name);

/**
 * dl_restart_policy_of() - the policy of container @id: its spec.json
 * annotation org.dockerlite.restart, read now (dl update may change it)
 * @id: the full container ID
 * @p: receives the policy ("no" when none or unreadable)
 */
extern void dl_restart_policy_of(const char *id, struct dl_restart_policy *p);

/**
 * dl_restart_count() - the restarts the policy made since the user's
 * last start (restart.json)
 * @id: the full container ID
 * Return: the count, 0 when none is recorded.
 */
extern int dl_restart_count(const char *id);

/**
 * dl_restart_waiting() - tell whether a live monitor waits to start
 * container @id again (or is re-executing to do so)
 * @id: the full container ID
 * Return: true when containers/ID/restarting names a live process.
 */
extern bool dl_restart_waiting(const char *id);

/**
 * dl_restart_user_stopped() - tell whether the user stopped @id last
 * @id: the full container ID
 * @cancel: receives true for a stop that cancels every policy (may be NULL)
 * Return: true when containers/ID/user-stop exists.
 */
extern bool dl_restart_user_stopped(const char *id, bool *cancel);

/**
 * dl_restart_begin() - a start of the user: no user-stop mark, the count
 * back to 0
 * @id: the full container ID
 * Return: 0, or -1 with errno set.
 */
extern int dl_restart_begin(const char *id);

/**
 * dl_restart_stop() - a stop of the user (dl stop, dl kill, dl rm -f):
 * record it, so that the monitor starts the container no more, and wait
 * (up to a minute) until no monitor waits to restart it.  Nothing is
 * recorded for a container that neither runs nor waits to restart.
 * @id: the full container ID
 * @cancel: true for a stop that ends every policy, false for one that
 *          only unless-stopped obeys
 * Return: 0, or -1 with errno set.
 */
extern int dl_restart_stop(const char *id, bool cancel);

/**
 * dl_restart_kill_cancels() - tell whether dl kill -s @sig ends every
 * policy, as Docker's: SIGKILL, the container's stop signal, or any
 * signal when it has none of its own; another only counts as a stop of
 * the user for unless-stopped
 * @id: the full container ID
 * @sig: the signal
 * Return: true when it cancels.
 */
extern bool dl_restart_kill_cancels(const char *id, int sig);

/**
 * dl_restart_next() - after a run of @id that ended in @code, having run
 * @ran_ms milliseconds: decide as Docker's restart manager, and when it
 * restarts, record the new count and "restarting" (our pid)
 * @id: the full container ID
 * @code: the exit code of the run
 * @ran_ms: how long it ran
 * @wait_ms: receives the back-off: 100 ms, doubled at each restart up to
 *           a minute, back to 100 ms after a run of 10 s or more
 * Return: true when the container is to start again after *@wait_ms.
 */
extern bool dl_restart_next(const char *id, int code, long ran_ms,
			    long *wait_ms);

/**
 * dl_restart_sleep() - wait @ms milliseconds, unless the user stops the
 * container meanwhile (any user-stop mark)
 * @id: the full container ID
 * @ms: the back-off
 * Return: true when the wait ran out (start again), false on a user stop.
 */
extern bool dl_restart_sleep(const char *id, long ms);

/**
 * dl_restart_done() - no monitor waits any more: remove "restarting"
 * @id: the full container ID
 */
extern void dl_restart_done(const char *id);

/**
 * dl_restart_after() - the monitor's part, after a run of @id that ended
 * in @code: when the policy says so, wait the back-off and execute
 * $DL_EXEC_PATH/dl-spawn -d -R ID in our place (its lock, @lock, goes at
 * the exec; our pid stays in containers/ID/restarting)
 * @id: the full container ID
 * @code: the run's exit code
 * @started: its start time (RFC 3339)
 * @finished: its end time
 * @lock: the container's lock, closed when it does not restart
 * Return: @code, when the container does not start again (or the exec
 * failed).
 */
extern int dl_restart_after(const char *id, int code, const char *started,
			    const char *finished, int *lock);

#endif
