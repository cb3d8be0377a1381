/* SPDX-License-Identifier: Apache-2.0 */
/* dl-stop: stop a container: its stop signal, then SIGKILL */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "dl.h"
#include "dl/live.h"
#include "dl/lxc.h"
#include "dl/restart.h"
#include "dl/specload.h"
#include "dl/state.h"
#include "dl/status.h"

#define USAGE "dl-stop [-t SECONDS] ID"
#define OPTIONS \
	"  -t SECONDS  wait this long after the stop signal before SIGKILL\n" \
	"              (default: the container's --stop-timeout, else 10;\n" \
	"              -1 waits for ever)\n"

/* Gone: no supervisor left to record the end, and nothing runs. */
static bool stopped(const char *id)
{
	return !dl_state_supervised(id) && dl_lxc_init_pid(id) == 0;
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Wait up to @ms milliseconds (-1: for ever) for the container to stop. */
static bool wait_stopped(const char *id, long ms)
{
	const struct timespec tick = { 0, 20 * 1000 * 1000 };
	long end = now_ms() + ms;

	while (ms < 0 || now_ms() < end) {
		if (stopped(id))
			return true;
		nanosleep(&tick, NULL);
	}
	return stopped(id);
}

/* The stop signal: annotation org.dockerlite.stop-signal, else SIGTERM;
 * and in *@secs, unless it is set (>= -1), the grace period: annotation
 * org.dockerlite.stop-timeout, else 10 seconds. */
static int stop_params(const char *id, long *secs)
{
	_cleanup_free_ char *path = dl_path("containers/%s/spec.json", id);
	_cleanup_free_ char *reason = NULL;
	struct dl_spec spec;
	int sig = SIGTERM;
	char *end;
	long t = 0;

	if (*secs == -2)
		*secs = 10;
	else
		t = -2;	/* given: kept */
	if (dl_spec_load(path, &spec, &reason) == 0) {
		if (spec.stop_signal && dl_signal_parse(spec.stop_signal) > 0)
			sig = dl_signal_parse(spec.stop_signal);
		if (spec.stop_timeout && t != -2) {
			errno = 0;
			t = strtol(spec.stop_timeout, &end, 10);
			if (!errno && !*end && t >= -1)
				*secs = t;
		}
	}
	dl_spec_free(&spec);
	return sig;
}

int main(int argc, char **argv)
{
	const char *id;
	struct dl_state st;
	long secs = -2;	/* not given */
	char *end;
	_cleanup_free_ char *reason = NULL;
	int c, r;

	dl_set_prog(argv[0]);
	opterr = 0;
	if (dl_want_help(argc, argv))
		dl_help(USAGE, OPTIONS);
	while ((c = getopt(argc, argv, "+t:")) != -1) {
		if (c != 't')
			dl_usage(USAGE);
		errno = 0;
		secs = strtol(optarg, &end, 10);
		if (errno || *end || !*optarg || secs < -1 || secs > 86400 * 365)
			dl_usage(USAGE);
	}
	if (!(id = dl_live_operand(argc, argv)))
		dl_usage(USAGE);
	if (!dl_is_id(id))
		dl_die(DL_EXIT_USAGE, "unable to stop container '%s': " DL_ID_INVALID,
		       id);
	dl_store_need();
	/* a stop of the user: its restart policy ends (and one waiting to
	 * restart it gives up first) */
	if (dl_restart_stop(id, true) < 0)
		dl_die_sys(DL_EXIT_FAIL, "unable to stop container '%s'", id);
	if ((r = dl_live_state(id, &st, &reason)))
		dl_die(r, "unable to stop container '%s': %s", id, reason);
	if ((r = dl_live_wait_started(id, &st, &reason)))
		dl_die(r, "unable to stop container '%s': %s", id, reason);
	if (st.status != DL_STATUS_RUNNING)
		return dl_finish_stdout();	/* as Docker: already stopped */
	r = dl_lxc_kill(id, stop_params(id, &secs));
	if (r && r != DL_EXIT_NO)
		dl_die_sys(r, "unable to stop container '%s'", id);
	/* a paused container gets the signal once it is thawed */
	if (dl_lxc_frozen(id) && (r = dl_lxc_freeze(id, false, &reason)) &&
	    r != DL_EXIT_NO && r != DL_EXIT_CONFLICT)
		dl_die(r, "unable to stop container '%s': %s", id, reason);
	if (!wait_stopped(id, secs < 0 ? -1 : secs * 1000)) {
		r = dl_lxc_kill(id, SIGKILL);
		if (r && r != DL_EXIT_NO)
			dl_die_sys(r, "unable to stop container '%s'", id);
		if (!wait_stopped(id, 30 * 1000))
			dl_die(DL_EXIT_FAIL, "unable to stop container '%s': it survived SIGKILL",
			       id);
	}
	/* records the end when no supervisor did */
	if ((r = dl_live_state(id, &st, &reason)))
		dl_die(r, "unable to stop container '%s': %s", id, reason);
	return dl_finish_stdout();
}
