/* SPDX-License-Identifier: Apache-2.0 */
/* dl-kill: send a signal to a container's command */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <time.h>

#include "dl.h"
#include "dl/live.h"
#include "dl/lxc.h"
#include "dl/restart.h"
#include "dl/state.h"
#include "dl/status.h"

#define USAGE "dl-kill [-s SIGNAL] ID"
#define OPTIONS \
	"  -s SIGNAL  the signal, by name (KILL, SIGKILL) or number; default KILL\n"

int main(int argc, char **argv)
{
	_cleanup_free_ char *reason = NULL;
	const char *id;
	struct dl_state st;
	int c, r, sig = SIGKILL;

	dl_set_prog(argv[0]);
	opterr = 0;
	if (dl_want_help(argc, argv))
		dl_help(USAGE, OPTIONS);
	while ((c = getopt(argc, argv, "+s:")) != -1) {
		if (c != 's')
			dl_usage(USAGE);
		sig = dl_signal_parse(optarg);
		if (sig < 0)
			dl_die(DL_EXIT_USAGE, "unable to parse signal '%s': no such signal",
			       optarg);
	}
	if (!(id = dl_live_operand(argc, argv)))
		dl_usage(USAGE);
	if (!dl_is_id(id))
		dl_die(DL_EXIT_USAGE, "unable to kill container '%s': " DL_ID_INVALID,
		       id);
	dl_store_need();
	/* a stop of the user, for the restart policy (as Docker's) */
	if (dl_restart_stop(id, dl_restart_kill_cancels(id, sig)) < 0)
		dl_die_sys(DL_EXIT_FAIL, "unable to kill container '%s'", id);
	if ((r = dl_live_state(id, &st, &reason)))
		dl_die(r, "unable to kill container '%s': %s", id, reason);
	if ((r = dl_live_wait_started(id, &st, &reason)))
		dl_die(r, "unable to kill container '%s': %s", id, reason);
	if (st.status != DL_STATUS_RUNNING)
		dl_die(DL_EXIT_NO, "unable to kill container '%s': not running", id);
	r = dl_lxc_kill(id, sig);
	if (r == DL_EXIT_NO)
		dl_die(r, "unable to kill container '%s': not running", id);
	if (r)
		dl_die_sys(r, "unable to kill container '%s'", id);
	/* a paused container gets the signal once it is thawed */
	if (dl_lxc_frozen(id) && (r = dl_lxc_freeze(id, false, &reason)) &&
	    r != DL_EXIT_NO && r != DL_EXIT_CONFLICT)
		dl_die(r, "unable to kill container '%s': %s", id, reason);
	return dl_finish_stdout();
}
