/* SPDX-License-Identifier: Apache-2.0 */
/* live.h: the one container a runtime helper acts on (dl-kill, dl-stop,
 * dl-state): its full-ID operand and its live state */
#ifndef DL_LIVE_H
#define DL_LIVE_H

#include <stdbool.h>

struct dl_state;

/**
 * dl_live_state() - the state of container @id as dl_lxc_state() checks
 * it against what runs; liblxc's own log is silenced (FATAL only) the
 * first time
 * @id: the full container ID
 * @st: receives the state
 * @reason: receives the failure text
 *
 * Needs root.
 *
 * Return: 0, or dl_lxc_state()'s code: DL_EXIT_NO when there is no such
 * container, DL_EXIT_REJECT, DL_EXIT_FAIL.
 */
extern int dl_live_state(const char *id, struct dl_state *st, char **reason);

/**
 * dl_live_operand() - the one operand left after getopt(3), a
 * container ID (the caller checks it is one: dl_is_id())
 * @argc: main's argc
 * @argv: main's argv, parsed up to optind
 *
 * Return: the operand (argv[optind]), or NULL when there is not exactly
 * one (the caller prints its usage).
 */
extern const char *dl_live_operand(int argc, char **argv);

/**
 * dl_live_wait_started() - while container @id is starting, wait until its
 * command runs or the start ends (failed, or the supervisor died:
 * dl_live_state() puts the state back); @st is read again every 20 ms
 * @id: the full container ID
 * @st: the state read last; receives the state once not starting
 * @reason: receives the failure text (*@reason is freed first)
 * Return: 0, or dl_live_state()'s code.  Needs root.
 */
extern int dl_live_wait_started(const char *id, struct dl_state *st,
				char **reason);

/**
 * dl_live_freeze() - freeze (@on) or thaw running container @id: the work
 * of dl-pause and dl-unpause, a start under way waited for first
 * @id: the full container ID
 * @on: true to freeze, false to thaw
 * @reason: receives the failure text
 * Return: 0, DL_EXIT_NO when it does not run, DL_EXIT_CONFLICT when it is
 * frozen already (@on) or not frozen, or another dl_live_state() or
 * dl_lxc_freeze() code.  Needs root.
 */
extern int dl_live_freeze(const char *id, bool on, char **reason);

#endif
