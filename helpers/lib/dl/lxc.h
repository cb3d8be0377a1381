/* SPDX-License-Identifier: Apache-2.0 */
/* lxc.h: the liblxc glue: re-execution from memory, liblxc's log, and
 * the init pid, signals and state of a running container */
#ifndef DL_LXC_H
#define DL_LXC_H

#include <stdbool.h>
#include <sys/types.h>

/**
 * dl_lxc_rexec() - re-execute the running program from a sealed memfd
 * unless it already runs from one, so that no process in a container can
 * reach the helper's binary through /proc/PID/exe (CVE-2019-5736); sets
 * LXC_MEMFD_REXEC=1, which liblxc's constructor then finds satisfied
 * @argv: main's argv
 * Return: 0 when already running from a sealed memfd; otherwise does not
 * return, or returns -1 with errno set.
 */
extern int dl_lxc_rexec(char **argv);

/**
 * dl_lxc_log() - send this process's liblxc log (errors only) to
 * containers/ID/lxc.log; liblxc also prints them to stderr whatever its
 * "quiet" setting, so the caller points fd 2 elsewhere while it matters
 * @id: the full container ID, or NULL to drop every message below FATAL
 * @truncate: empty the file first
 */
extern void dl_lxc_log(const char *id, bool truncate);

/**
 * dl_lxc_error() - the text of the first ERROR line of containers/ID/
 * lxc.log at or after offset @from: the cause, where later lines only say
 * what failed because of it
 * @id: the full container ID
 * @from: where this run's lines start
 * Return: a malloc'd string, or NULL.
 */
extern char *dl_lxc_error(const char *id, long from);

/**
 * dl_lxc_log_size() - the size of containers/ID/lxc.log, to give to
 * dl_lxc_error() later
 * @id: the full container ID
 * Return: the size, 0 when there is none.
 */
extern long dl_lxc_log_size(const char *id);

/**
 * dl_lxc_init_pid() - the host pid of a running container's init
 * @id: the full container ID
 * Return: the pid, or 0 when it does not run.  Needs root.
 */
extern pid_t dl_lxc_init_pid(const char *id);

/**
 * dl_lxc_kill() - send a signal to a running container's init, which
 * forwards it to the command (SIGKILL and SIGSTOP act on init itself: the
 * whole container)
 * @id: the full container ID
 * @sig: the signal
 * Return: 0, DL_EXIT_NO when it does not run, or DL_EXIT_FAIL.  Needs root.
 */
extern int dl_lxc_kill(const char *id, int sig);

/**
 * dl_lxc_frozen() - whether a running container is frozen (dl pause)
 * @id: the full container ID
 * Return: true when it runs and its cgroup is frozen.  Needs root.
 */
extern bool dl_lxc_frozen(const char *id);

/**
 * dl_lxc_freeze() - freeze (@on) or thaw a running container's processes,
 * all of them, through its cgroup freezer
 * @id: the full container ID
 * @on: true to freeze, false to thaw
 * @reason: receives the failure text
 * Return: 0, DL_EXIT_NO when it does not run, DL_EXIT_CONFLICT when it is
 * frozen already (@on) or not frozen (!@on), or DL_EXIT_FAIL.  Needs root.
 */
extern int dl_lxc_freeze(const char *id, bool on, char **reason);

struct dl_state;

/**
 * dl_lxc_state() - the state of a container, checked against what runs:
 * recorded "running" (or "starting") while no supervisor (dl-spawn) holds
 * the container's lock (dl_state_lock()) means the supervisor died; then
 * it is "running" with the init liblxc reports, or, when the container
 * does not run either, the state is rewritten: "exited" with exit_code -1
 * (unknown) for "running", the state before the start for "starting"
 * @id: the full container ID
 * @st: receives the state
 * @reason: receives the failure text
 * Return: 0, DL_EXIT_NO (no such container), DL_EXIT_REJECT (bad
 * state.json) or DL_EXIT_FAIL.  Needs root.
 */
extern int dl_lxc_state(const char *id, struct dl_state *st, char **reason);

#endif
