/* SPDX-License-Identifier: Apache-2.0 */
/* dl-state: print the run state of a container */
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "dl.h"
#include "dl/json.h"
#include "dl/live.h"
#include "dl/state.h"

#define USAGE "dl-state [-w] [-o FIELDS] ID"
#define OPTIONS \
	"  -w         wait until the container does not run\n" \
	"  -o FIELDS  print these fields (comma-separated: status, pid,\n" \
	"             monitor_pid, exit_code, started, finished) as bare\n" \
	"             tokens, tab-separated\n"

static const char *const fields[] = {
	"status", "pid", "monitor_pid", "exit_code", "started", "finished",
};

static bool known(const char *f, size_t n)
{
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		if (strlen(fields[i]) == n && !strncmp(f, fields[i], n))
			return true;
	return false;
}

/* Print FIELDS of @st as tab-separated tokens. */
static void print_fields(const char *list, const struct dl_state *st)
{
	const char *f = list;

	for (;;) {
		size_t n = strcspn(f, ",");

		if (!strncmp(f, "status", n))
			fputs(dl_status_name(st->status), stdout);
		else if (!strncmp(f, "pid", n))
			printf("%d", (int)st->pid);
		else if (!strncmp(f, "monitor_pid", n))
			printf("%d", (int)st->monitor_pid);
		else if (!strncmp(f, "exit_code", n))
			printf("%d", st->exit_code);
		else if (!strncmp(f, "started", n))
			fputs(st->started, stdout);
		else
			fputs(st->finished, stdout);
		f += n;
		if (!*f++)
			break;
		putchar('\t');
	}
	putchar('\n');
}

/* Wait for the supervisor to let go of the container (or, when it died,
 * for the container to stop), reading the state again each time. */
/* The live state of @id, or die with its code (1: no such container). */
static void live_state(const char *id, struct dl_state *st)
{
	_cleanup_free_ char *reason = NULL;
	int r = dl_live_state(id, st, &reason);

	if (r)
		dl_die(r, "unable to read state of container '%s': %s", id,
		       reason);
}

static void wait_stopped(const char *id, struct dl_state *st)
{
	const struct timespec tick = { 0, 50 * 1000 * 1000 };

	while (st->status == DL_STATUS_RUNNING ||
	       st->status == DL_STATUS_STARTING) {
		if (!dl_state_supervised(id) || dl_state_wait_unlocked(id) < 0)
			nanosleep(&tick, NULL);
		live_state(id, st);
	}
}

int main(int argc, char **argv)
{
	const char *list = NULL, *id, *f;
	struct dl_state st;
	bool wait = false;
	int c;

	dl_set_prog(argv[0]);
	opterr = 0;
	if (dl_want_help(argc, argv))
		dl_help(USAGE, OPTIONS);
	while ((c = getopt(argc, argv, "+wo:")) != -1) {
		if (c == 'w')
			wait = true;
		else if (c == 'o')
			list = optarg;
		else
			dl_usage(USAGE);
	}
	for (f = list; f;) {
		size_t n = strcspn(f, ",");

		if (!known(f, n))
			dl_die(DL_EXIT_USAGE, "unable to print field '%.*s': no such field",
			       (int)n, f);
		f = f[n] ? f + n + 1 : NULL;
	}
	if (!(id = dl_live_operand(argc, argv)))
		dl_usage(USAGE);
	if (!dl_is_id(id))
		dl_die(DL_EXIT_USAGE, "unable to read state of container '%s': " DL_ID_INVALID,
		       id);
	dl_store_need();
	live_state(id, &st);
	if (wait)
		wait_stopped(id, &st);
	if (list) {
		print_fields(list, &st);
	} else {
		json_t *j = dl_state_json(&st);

		if (dl_json_print(j) < 0)
			dl_die_sys(DL_EXIT_FAIL, "unable to write 'stdout'");
		json_decref(j);
	}
	return dl_finish_stdout();
}
