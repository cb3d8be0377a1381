/* SPDX-License-Identifier: Apache-2.0 */
/* dl-live.h: the one container a runtime helper acts on (dl-kill, dl-stop,
 * dl-state): its full-ID operand and its live state */
#ifndef DL_LIVE_H
#define DL_LIVE_H

struct dl_state;

/**
 * dl_live_state() - the state of container @id as dl_lxc_state() checks
 * it against what runs, or die "unable to VERB container 'ID': REASON"
 * with its exit code (1 when there is no such container); liblxc's own
 * log is silenced (FATAL only) the first time
 * @id: the full container ID
 * @verb: what the helper does, for the message ("kill", "read state of")
 * @st: receives the state
 *
 * Needs root.
 */
extern void dl_live_state(const char *id, const char *verb,
			  struct dl_state *st);

/**
 * dl_live_operand() - the one operand left after getopt(3), a full
 * container ID, and its live state
 * @argc: main's argc
 * @argv: main's argv, parsed up to optind
 * @usage: the synopsis; dl_usage() when there is not exactly one operand
 *         or it is not a full ID
 * @verb: what the helper does, as for dl_live_state()
 * @st: receives the state, as dl_live_state()
 *
 * Needs root.
 *
 * Return: the ID (argv[optind]); dies on any failure.
 */
extern const char *dl_live_operand(int argc, char **argv, const char *usage,
				   const char *verb, struct dl_state *st);

#endif
