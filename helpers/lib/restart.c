/* SPDX-License-Identifier: Apache-2.0 */
/* restart.c: --restart policies, kept by a detached container's monitor */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "dl.h"
#include "dl/json.h"
#include "dl/restart.h"
#include "dl/state.h"
#include "dl/status.h"

/* Docker's restart manager: 100 ms, doubled, at most a minute; a run of
 * 10 s sets it back */
#define BACKOFF_FIRST 100
#define BACKOFF_MAX (60 * 1000)
#define RAN_LONG (10 * 1000)

static const char *const names[] = {
	[DL_RESTART_NO] = "no",
	[DL_RESTART_ON_FAILURE] = "on-failure",
	[DL_RESTART_ALWAYS] = "always",
	[DL_RESTART_UNLESS_STOPPED] = "unless-stopped",
};

const char *dl_restart_policy_name(enum dl_restart_name name)
{
	return names[name];
}

int dl_restart_parse(const char *s, struct dl_restart_policy *p,
		     char **reason)
{
	const char *colon = strchr(s, ':');
	size_t len = colon ? (size_t)(colon - s) : strlen(s);

	p->max = 0;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		char *end;
		long n;

		if (strlen(names[i]) != len || strncmp(s, names[i], len))
			continue;
		p->name = (enum dl_restart_name)i;
		if (!colon)
			return 0;
		if (i != DL_RESTART_ON_FAILURE)
			return dl_fail(reason, DL_EXIT_USAGE, "unable to set "
				       "restart policy '%s': only on-failure "
				       "takes a maximum retry count", s);
		errno = 0;
		n = strtol(colon + 1, &end, 10);
		if (!colon[1] || *end || errno || n < 0 || n > 1000000000)
			break;
		p->max = (int)n;
		return 0;
	}
	return dl_fail(reason, DL_EXIT_USAGE, "unable to set restart policy "
		       "'%s': not no, on-failure[:N], always or "
		       "unless-stopped", s);
}

void dl_restart_policy_of(const char *id, struct dl_restart_policy *p)
{
	_cleanup_free_ char *path = dl_path("containers/%s/spec.json", id);
	_cleanup_free_ char *why = NULL;
	json_auto_t *spec = dl_json_load(path, &why);
	const char *v = json_string_value(json_object_get(
		json_object_get(spec, "annotations"), "org.dockerlite.restart"));

	p->name = DL_RESTART_NO;
	p->max = 0;
	if (v && dl_restart_parse(v, p, &why)) {
		p->name = DL_RESTART_NO;
		p->max = 0;
	}
}

bool dl_restart_kill_cancels(const char *id, int sig)
{
	_cleanup_free_ char *path = dl_path("containers/%s/spec.json", id);
	_cleanup_free_ char *why = NULL;
	json_auto_t *spec = dl_json_load(path, &why);
	const char *v = json_string_value(json_object_get(
		json_object_get(spec, "annotations"),
		"org.dockerlite.stop-signal"));

	return sig == SIGKILL || !v || dl_signal_parse(v) == sig;
}

static json_t *load_counts(const char *id)
{
	_cleanup_free_ char *path = dl_path("containers/%s/restart.json", id);
	_cleanup_free_ char *why = NULL;

	return dl_json_load(path, &why);
}

static int save_counts(const char *id, int count, long backoff)
{
	_cleanup_free_ char *path = dl_path("containers/%s/restart.json", id);
	json_auto_t *j = json_pack("{s:i,s:I}", "count", count, "backoff_ms",
				   (json_int_t)backoff);

	if (!j) {
		errno = ENOMEM;
		return -1;
	}
	return dl_json_save_flags(path, j, DL_WRITE_NOSYNC);
}

int dl_restart_count(const char *id)
{
	json_auto_t *j = load_counts(id);

	return (int)json_integer_value(json_object_get(j, "count"));
}

bool dl_restart_waiting(const char *id)
{
	_cleanup_free_ char *path = dl_path("containers/%s/restarting", id);
	_cleanup_free_ char *text = NULL;
	long pid;

	if (dl_read_file(path, &text, NULL) < 0)
		return false;
	pid = strtol(text, NULL, 10);
	return pid > 0 && (kill((pid_t)pid, 0) == 0 || errno == EPERM);
}

bool dl_restart_user_stopped(const char *id, bool *cancel)
{
	_cleanup_free_ char *path = dl_path("containers/%s/user-stop", id);
	_cleanup_free_ char *text = NULL;

	if (dl_read_file(path, &text, NULL) < 0)
		return false;
	if (cancel)
		*cancel = !strncmp(text, "cancel", 6);
	return true;
}

int dl_restart_begin(const char *id)
{
	_cleanup_free_ char *path = dl_path("containers/%s/user-stop", id);

	if (unlink(path) < 0 && errno != ENOENT)
		return -1;
	return save_counts(id, 0, 0);
}

static void sleep_ms(long ms)
{
	struct timespec t = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&t, &t) < 0 && errno == EINTR)
		;
}

int dl_restart_stop(const char *id, bool cancel)
{
	_cleanup_free_ char *path = dl_path("containers/%s/user-stop", id);
	_cleanup_free_ char *why = NULL;
	const char *word = cancel ? "cancel\n" : "manual\n";
	struct dl_state st;
	bool was = false;

	if (!dl_restart_waiting(id)) {
		if (dl_state_read(id, &st, &why))
			return 0;
		if (st.status != DL_STATUS_RUNNING &&
		    st.status != DL_STATUS_STARTING)
			return 0;
	}
	/* a "cancel" stays one */
	if (!cancel && dl_restart_user_stopped(id, &was) && was)
		word = "cancel\n";
	if (dl_write_file_atomic_flags(path, word, strlen(word), 0644,
				       DL_WRITE_NOSYNC))
		return -1;
	for (int i = 0; i < 3000 && dl_restart_waiting(id); i++)
		sleep_ms(20);
	return 0;
}

bool dl_restart_next(const char *id, int code, long ran_ms, long *wait_ms)
{
	_cleanup_free_ char *path = dl_path("containers/%s/restarting", id);
	_cleanup_free_ char *pid = dl_xasprintf("%d\n", (int)getpid());
	json_auto_t *j = load_counts(id);
	struct dl_restart_policy p;
	int count = (int)json_integer_value(json_object_get(j, "count"));
	long backoff = (long)json_integer_value(json_object_get(j,
								"backoff_ms"));
	bool cancel = false, stopped = dl_restart_user_stopped(id, &cancel);
	bool again = false;

	dl_restart_policy_of(id, &p);
	if (p.name == DL_RESTART_NO || cancel)
		return false;
	if (ran_ms >= RAN_LONG)
		backoff = 0;
	backoff = backoff <= 0 ? BACKOFF_FIRST : backoff * 2;
	if (backoff > BACKOFF_MAX)
		backoff = BACKOFF_MAX;
	switch (p.name) {
	case DL_RESTART_ALWAYS:
		again = true;
		break;
	case DL_RESTART_UNLESS_STOPPED:
		again = !stopped;
		break;
	case DL_RESTART_ON_FAILURE:
		again = code != 0 && (p.max == 0 || count < p.max);
		break;
	default:
		break;
	}
	if (!again)
		return false;
	if (save_counts(id, count + 1, backoff) < 0 ||
	    dl_write_file_atomic_flags(path, pid, strlen(pid), 0644,
				       DL_WRITE_NOSYNC))
		return false;
	*wait_ms = backoff;
	return true;
}

bool dl_restart_sleep(const char *id, long ms)
{
	/* any stop of the user while it waits ends it, as it would a run */
	for (long left = ms; left > 0; left -= 20) {
		if (dl_restart_user_stopped(id, NULL))
			return false;
		sleep_ms(left < 20 ? left : 20);
	}
	return !dl_restart_user_stopped(id, NULL);
}

void dl_restart_done(const char *id)
{
	_cleanup_free_ char *path = dl_path("containers/%s/restarting", id);

	(void)unlink(path);
}

int dl_restart_after(const char *id, int code, const char *started,
		     const char *finished, int *lock)
{
	const char *dir = getenv("DL_EXEC_PATH");
	_cleanup_free_ char *prog = NULL;
	struct timespec a, b;
	long ran = 0, ms;

	if (!dl_time_parse(started, &a) && !dl_time_parse(finished, &b))
		ran = (b.tv_sec - a.tv_sec) * 1000 +
		      (b.tv_nsec - a.tv_nsec) / 1000000;
	if (!dir || !dl_restart_next(id, code, ran, &ms))
		return code;
	if (dl_restart_sleep(id, ms)) {
		prog = dl_xasprintf("%s/dl-spawn", dir);
		fflush(NULL);
		execl(prog, prog, "-d", "-R", id, (char *)NULL);
	}
	dl_closep(lock);
	dl_restart_done(id);
	return code;
}
