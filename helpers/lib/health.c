/* SPDX-License-Identifier: Apache-2.0 */
/* health.c: health checks, run by a container's monitor */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>
#include <lxc/lxccontainer.h>

#include "dl.h"
#include "dl/creds.h"
#include "dl/exec.h"
#include "dl/health.h"
#include "dl/healthopt.h"
#include "dl/json.h"
#include "dl/seccomp.h"
#include "dl/specload.h"
#include "dl/time.h"

/* Docker's defaults and limits (daemon/health.go) */
#define DEFAULT_INTERVAL (30LL * 1000000000)
#define DEFAULT_TIMEOUT (30LL * 1000000000)
#define DEFAULT_RETRIES 3
#define MAX_LOG 5
#define MAX_OUTPUT 4096

/* ---- the prober ----------------------------------------------------- */

struct probe {
	const char *id;
	const struct dl_spec *spec;
	char **argv;
	char **env;
	struct dl_bpf bpf;
};

static long long now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000000000LL + t.tv_nsec;
}

static void sleep_ns(long long ns)
{
	struct timespec t = { ns / 1000000000LL, ns % 1000000000LL };

	while (nanosleep(&t, &t) < 0 && errno == EINTR)
		;
}

/* In the container (liblxc attached us as root): the filter, the user,
 * then the command, as dl exec runs one. */
static int run_in(void *data)
{
	struct probe *p = data;
	struct sigaction dfl = { .sa_handler = SIG_DFL };
	char *reason = NULL;
	sigset_t none;

	if (p->bpf.len && dl_seccomp_load(&p->bpf) < 0)
		return DL_EXIT_FAIL;
	if (dl_creds_take(p->spec->uid, p->spec->gid, p->spec->ngids,
			  p->spec->gids, &reason)) {
		dprintf(STDERR_FILENO, "%s\n", reason);
		return DL_EXIT_FAIL;
	}
	for (int i = 1; i < NSIG; i++)
		sigaction(i, &dfl, NULL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	setsid();
	/* nothing of the host stays open (CVE-2024-21626) */
	syscall(SYS_close_range, 3, ~0U, 0);
	if (chdir(p->spec->cwd) < 0 && chdir("/") < 0)
		return DL_EXIT_CANNOT_INVOKE;
	return dl_exec_in(p->argv, p->env, "exec in", p->id);
}

/* One probe: its exit code (-1 on a timeout, as Docker) and output. */
static int probe_once(struct probe *p, struct lxc_container *c,
		      long long timeout, char **output)
{
	lxc_attach_options_t ao = LXC_ATTACH_OPTIONS_DEFAULT;
	char buf[MAX_OUTPUT + 1];
	size_t len = 0;
	long long end = now_ns() + timeout;
	int fds[2], null, st = 0, code;
	bool timed_out = false;
	pid_t pid;

	*output = NULL;
	null = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (null < 0 || pipe2(fds, O_CLOEXEC) < 0) {
		*output = dl_xasprintf("%s", strerror(errno));
		if (null >= 0)
			close(null);
		return -1;
	}
	ao.attach_flags = LXC_ATTACH_DEFAULT;
	if (p->spec->nnp)
		ao.attach_flags |= LXC_ATTACH_NO_NEW_PRIVS;
	ao.env_policy = LXC_ATTACH_CLEAR_ENV;
	ao.initial_cwd = (char *)"/";
	ao.uid = 0;
	ao.gid = 0;
	ao.stdin_fd = null;
	ao.stdout_fd = fds[1];
	ao.stderr_fd = fds[1];
	if (c->attach(c, run_in, p, &ao, &pid) < 0) {
		close(null);
		close(fds[0]);
		close(fds[1]);
		*output = dl_xstrdup("unable to attach to the container");
		return -1;
	}
	close(null);
	close(fds[1]);
	for (;;) {
		struct pollfd pfd = { fds[0], POLLIN, 0 };
		long long left = end - now_ns();
		ssize_t n;
		char sink[512];

		if (left <= 0) {
			timed_out = true;
			break;
		}
		if (poll(&pfd, 1, (int)(left / 1000000 + 1)) <= 0)
			continue;
		if (len < MAX_OUTPUT)
			n = read(fds[0], buf + len, MAX_OUTPUT - len);
		else
			n = read(fds[0], sink, sizeof(sink));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (len < MAX_OUTPUT)
			len += (size_t)n;
	}
	close(fds[0]);
	if (timed_out)
		kill(pid, SIGKILL);
	else
		/* its output closed: it ends now, or is killed at the
		 * timeout */
		for (;;) {
			pid_t w = waitpid(pid, &st, WNOHANG);

			if (w == pid || (w < 0 && errno != EINTR))
				break;
			if (now_ns() >= end) {
				timed_out = true;
				kill(pid, SIGKILL);
				break;
			}
			sleep_ns(10 * 1000000LL);
		}
	if (timed_out) {
		while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
			;
		*output = dl_xasprintf("Health check exceeded timeout (%gs)",
				       (double)timeout / 1e9);
		return -1;
	}
	buf[len] = '\0';
	*output = dl_xstrdup(buf);
	code = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	return code;
}

static void record(const char *id, json_t *state)
{
	_cleanup_free_ char *path = dl_path("containers/%s/health.json", id);

	(void)dl_json_save_flags(path, state, DL_WRITE_NOSYNC);
}

static long long field_ns(json_t *hc, const char *key, long long dflt)
{
	json_int_t v = json_integer_value(json_object_get(hc, key));

	return v > 0 ? (long long)v : dflt;
}

static noreturn void prober(const struct dl_spec *spec, const char *id,
			    const char *lxcpath, char **env, json_t *hc)
{
	json_t *test = json_object_get(hc, "Test");
	long long interval = field_ns(hc, "Interval", DEFAULT_INTERVAL);
	long long timeout = field_ns(hc, "Timeout", DEFAULT_TIMEOUT);
	long long period = field_ns(hc, "StartPeriod", 0);
	json_t *r = json_object_get(hc, "Retries");
	int retries = json_is_integer(r) && json_integer_value(r) > 0
			      ? (int)json_integer_value(r) : DEFAULT_RETRIES;
	long long started = now_ns();
	struct probe p = { .id = id, .spec = spec, .env = env };
	struct lxc_container *c;
	json_t *state, *log;
	size_t n = json_array_size(test), i;
	int streak = 0;
	const char *status = "starting";

	p.argv = dl_xcalloc(n + 2, sizeof(*p.argv));
	if (!strcmp(json_string_value(json_array_get(test, 0)), "CMD-SHELL")) {
		p.argv[0] = "/bin/sh";
		p.argv[1] = "-c";
		p.argv[2] = (char *)json_string_value(json_array_get(test, 1));
	} else {
		for (i = 1; i < n; i++)
			p.argv[i - 1] = (char *)json_string_value(
				json_array_get(test, i));
	}
	if (!spec->privileged) {
		_cleanup_free_ char *path = dl_path("containers/%s/seccomp", id);
		_cleanup_free_ char *text = NULL, *why = NULL;

		if (dl_read_file(path, &text, NULL) == 0)
			(void)dl_seccomp_cached(text, &p.bpf, &why);
	}
	c = lxc_container_new(id, lxcpath);
	if (!c)
		_exit(DL_EXIT_FAIL);
	for (;;) {
		char start[DL_TIME_LEN + 1], end[DL_TIME_LEN + 1];
		_cleanup_free_ char *out = NULL;
		int code;

		sleep_ns(interval);
		dl_time_now(start);
		code = probe_once(&p, c, timeout, &out);
		dl_time_now(end);
		if (code == 0) {
			streak = 0;
			status = "healthy";
		} else if (strcmp(status, "starting") ||
			   now_ns() - started >= period) {
			/* failures in the start period count for nothing */
			if (++streak >= retries)
				status = "unhealthy";
		}
		state = dl_health_state(id);
		log = json_object_get(state, "Log");
		if (!json_is_array(log))
			log = json_array();
		else
			json_incref(log);
		json_array_append_new(log, json_pack("{s:s,s:s,s:i,s:s}",
						     "Start", start, "End", end,
						     "ExitCode", code,
						     "Output", out));
		while (json_array_size(log) > MAX_LOG)
			json_array_remove(log, 0);
		json_decref(state);
		state = json_pack("{s:s,s:i,s:o}", "Status", status,
				  "FailingStreak", streak, "Log", log);
		if (state)
			record(id, state);
		json_decref(state);
	}
}

pid_t dl_health_start(const struct dl_spec *spec, const char *id,
		      const char *lxcpath, char **env)
{
	json_t *a = json_object_get(spec->doc, "annotations");
	const char *text = json_string_value(
		json_object_get(a, "org.dockerlite.healthcheck"));
	json_auto_t *hc = text ? json_loads(text, 0, NULL) : NULL;
	json_t *test = json_object_get(hc, "Test");
	const char *kind = json_string_value(json_array_get(test, 0));
	json_auto_t *state = NULL;
	pid_t parent = getpid(), pid;

	if (!kind || !strcmp(kind, "NONE") ||
	    (strcmp(kind, "CMD") && strcmp(kind, "CMD-SHELL")) ||
	    json_array_size(test) < 2)
		return 0;
	state = json_pack("{s:s,s:i,s:[]}", "Status", "starting",
			  "FailingStreak", 0, "Log");
	if (!state)
		dl_oom();
	record(id, state);
	fflush(NULL);
	pid = fork();
	if (pid != 0)
		return pid;
	{
		sigset_t none;
		int null = open("/dev/null", O_RDWR | O_CLOEXEC);

		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(0);
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		signal(SIGPIPE, SIG_IGN);
		if (null < 0 || dup2(null, 0) < 0 || dup2(null, 1) < 0)
			_exit(DL_EXIT_FAIL);
		/* nothing of the session's (its pty, the relay's pipes) */
		syscall(SYS_close_range, 3, ~0U, 0);
		prober(spec, id, lxcpath, env, json_incref(hc));
	}
}

void dl_health_stop(pid_t pid)
{
	if (pid <= 0)
		return;
	kill(pid, SIGKILL);
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
}
