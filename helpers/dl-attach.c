/* SPDX-License-Identifier: Apache-2.0 */
/* dl-attach: run a command in a running container, as docker exec */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <jansson.h>
#include <lxc/lxccontainer.h>

#include "dl.h"
#include "dl/creds.h"
#include "dl/exec.h"
#include "dl/lxc.h"
#include "dl/rootpath.h"
#include "dl/seccomp.h"
#include "dl/session.h"
#include "dl/specload.h"
#include "dl/status.h"

#define USAGE \
	"dl-attach [-i] [-t] [-d] [-e K=V]... [-w DIR] [-u USER[:GROUP]] ID " \
	"COMMAND [ARG...]"
#define OPTIONS \
	"  -i               keep stdin attached (otherwise /dev/null)\n" \
	"  -t               allocate a pseudo-terminal\n" \
	"  -d               detach: start the command and return at once\n" \
	"  -e K=V           set a variable (a bare K takes ours); repeatable\n" \
	"  -w DIR           the working directory (default: the container's)\n" \
	"  -u USER[:GROUP]  the user, by name or number (default: the container's)\n"

/* What the attached process needs, in its copy of our memory. */
struct payload {
	const char *id;
	const char *cwd;
	char **argv;
	char **envp;
	bool tty;
	const struct dl_user *user;
	struct dl_bpf bpf;	/* the container's seccomp filter, or none */
	int status;		/* -d: "CODE REASON" of a failure goes here
				 * (close-on-exec: its end is a success) */
};

/* -d: tell dl-attach why the command did not start; return @code */
static int tell(struct payload *p, int code, const char *why)
{
	if (p->status >= 0)
		dprintf(p->status, "%d %s", code, why);
	return code;
}

static int run_in(void *data)
{
	struct payload *p = data;
	struct sigaction dfl = { .sa_handler = SIG_DFL };
	char buf[PATH_MAX], *reason = NULL;
	sigset_t none;

	/* liblxc attached us as root, with the container's bounding set:
	 * the filter first, while CAP_SYS_ADMIN is ours (no_new_privs stays
	 * the spec's), then the user, as the container's init does */
	if (p->bpf.len && dl_seccomp_load(&p->bpf) < 0) {
		dprintf(STDERR_FILENO,
			"%s: fatal: unable to exec in container '%s': load the seccomp filter: %s\n",
			dl_prog, p->id, strerror(errno));
		return DL_EXIT_FAIL;
	}
	if (dl_creds_take(p->user->uid, p->user->gid, p->user->ngids,
			  p->user->gids, &reason)) {
		dprintf(STDERR_FILENO,
			"%s: fatal: unable to exec in container '%s': %s\n",
			dl_prog, p->id, reason);
		return DL_EXIT_FAIL;
	}
	for (int i = 1; i < NSIG; i++)
		sigaction(i, &dfl, NULL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	setsid();
	if (p->tty)
		ioctl(STDIN_FILENO, TIOCSCTTY, 0);
	/* Nothing of the host (liblxc's descriptors, ours) may stay open
	 * when the working directory is entered: /proc/self/fd/N would
	 * lead out of the root (CVE-2024-21626). */
	if (p->status >= 0) {
		/* a pipe of ours, no path out of the root; gone at exec */
		if (p->status != 3 && dup3(p->status, 3, O_CLOEXEC) < 0)
			return DL_EXIT_FAIL;
		p->status = 3;
		syscall(SYS_close_range, 4, ~0U, 0);
	} else {
		syscall(SYS_close_range, 3, ~0U, 0);
	}
	if (chdir(p->cwd) < 0) {
		snprintf(buf, sizeof(buf), "chdir to cwd (\"%s\"): %s", p->cwd,
			 strerror(errno));
		dprintf(STDERR_FILENO,
			"%s: fatal: unable to exec in container '%s': %s\n",
			dl_prog, p->id, buf);
		return tell(p, DL_EXIT_CANNOT_INVOKE, buf);
	}
	/* as runc: a directory the root does not reach has no path */
	if (!getcwd(buf, sizeof(buf)) || buf[0] != '/') {
		dprintf(STDERR_FILENO,
			"%s: fatal: unable to exec in container '%s': the working directory '%s' is outside the container's root\n",
			dl_prog, p->id, p->cwd);
		return DL_EXIT_FAIL;
	}
	if (p->status >= 0) {
		/* -d: nobody sees our stderr; the reason as the foreground's */
		int root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC), r;

		r = root < 0 ? 0 : dl_root_find_exec(root, buf, p->argv[0],
						     p->envp, &reason);
		if (r)
			return tell(p, r, reason);
		if (root >= 0)
			close(root);
		r = dl_exec_in(p->argv, p->envp, "exec in", p->id);
		snprintf(buf, sizeof(buf), "exec: \"%s\": %s", p->argv[0],
			 strerror(errno));
		return tell(p, r, buf);
	}
	return dl_exec_in(p->argv, p->envp, "exec in", p->id);
}

/* Point fd 2 at /dev/null while liblxc runs: it prints its errors there
 * whatever its log settings (they are in containers/ID/lxc.log). */
static int hush(void)
{
	int saved = fcntl(STDERR_FILENO, F_DUPFD_CLOEXEC, 3);
	int null = open("/dev/null", O_WRONLY | O_CLOEXEC);

	if (saved >= 0 && null >= 0)
		dup2(null, STDERR_FILENO);
	if (null >= 0)
		close(null);
	return saved;
}

static void unhush(int saved)
{
	if (saved >= 0) {
		dup2(saved, STDERR_FILENO);
		close(saved);
	}
}

struct opts {
	bool in, tty, detach;
	char **env;
	size_t nenv;
	const char *cwd, *user;
};

static void parse(int argc, char **argv, struct opts *o)
{
	int c;

	opterr = 0;
	o->env = dl_xcalloc((size_t)argc + 1, sizeof(*o->env));
	while ((c = getopt(argc, argv, "+itde:w:u:")) != -1) {
		switch (c) {
		case 'i':
			o->in = true;
			break;
		case 't':
			o->tty = true;
			break;
		case 'd':
			o->detach = true;
			break;
		case 'e':
			if (!*optarg || optarg[0] == '=')
				dl_usage(USAGE);
			o->env[o->nenv++] = optarg;
			break;
		case 'w':
			if (optarg[0] != '/')
				dl_die(DL_EXIT_FAIL, "unable to exec in container: the working directory '%s' is invalid, it needs to be an absolute path",
				       optarg);
			o->cwd = optarg;
			break;
		case 'u':
			o->user = optarg;
			break;
		default:
			dl_usage(USAGE);
		}
	}
	if (argc - optind < 2)
		dl_usage(USAGE);
}

int main(int argc, char **argv)
{
	_cleanup_free_ char *reason = NULL, *path = NULL, *lxcpath = NULL;
	_cleanup_free_ char *host = NULL, *home = NULL;
	_cleanup_close_ int rootfd = -1;
	lxc_attach_options_t ao = LXC_ATTACH_OPTIONS_DEFAULT;
	struct dl_session s = { 0 };
	struct dl_spec spec;
	struct dl_stdio io;
	struct dl_user u = { 0 };
	struct payload p;
	struct opts o = { 0 };
	_cleanup_lxc_ struct lxc_container *c = NULL;
	const char *id;
	long logsize;
	bool running;
	int saved;
	sigset_t mask;
	int status[2] = { -1, -1 };
	pid_t pid;
	int r;

	dl_set_prog(argv[0]);
	if (dl_want_help(argc, argv))
		dl_help(USAGE, OPTIONS);
	parse(argc, argv, &o);
	id = argv[optind];
	if (!dl_is_id(id))
		dl_die(DL_EXIT_USAGE, "unable to exec in container '%s': " DL_ID_INVALID,
		       id);
	dl_store_need();
	if (dl_lxc_rexec(argv) < 0)
		dl_die_sys(DL_EXIT_FAIL, "unable to re-execute '%s' from memory",
			   dl_prog);
	if (geteuid() != 0)
		dl_die(DL_EXIT_FAIL, "unable to exec in container '%s': this needs root",
		       id);
	path = dl_path("containers/%s/spec.json", id);
	if ((r = dl_spec_load(path, &spec, &reason)))
		dl_die(DL_EXIT_FAIL, "unable to exec in container '%s': %s", id,
		       reason);
	free(path);
	path = dl_path("containers/%s/rootfs", id);
	rootfd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0)
		dl_die_sys(DL_EXIT_FAIL, "unable to exec in container '%s': %s",
			   id, path);
	/* as docker exec: an empty -u is the container's user */
	if (o.user && *o.user) {
		if (dl_root_user(rootfd, o.user, &u, &reason))
			dl_die(DL_EXIT_FAIL, "unable to exec in container '%s': %s",
			       id, reason);
		/* as docker exec -u: HOME is the user's (or /), unless -e
		 * sets it; o.env has room for one more (parse()) */
		memmove(o.env + 1, o.env, o.nenv * sizeof(*o.env));
		o.env[0] = home = dl_xasprintf("HOME=%s", u.home);
		o.nenv++;
	} else {
		u.uid = spec.uid;
		u.gid = spec.gid;
		u.ngids = spec.ngids;
		u.gids = spec.ngids ? dl_xcalloc(u.ngids, sizeof(gid_t)) : NULL;
		if (u.ngids)
			memcpy(u.gids, spec.gids, u.ngids * sizeof(gid_t));
	}
	/* root, then the user in run_in(), once the filter is loaded */
	ao.uid = 0;
	ao.gid = 0;
	p.user = &u;

	logsize = dl_lxc_log_size(id);
	dl_lxc_log(id, false);
	lxcpath = dl_path("containers");
	saved = hush();
	c = lxc_container_new(id, lxcpath);
	running = c && c->is_running(c);
	unhush(saved);
	if (!running)
		dl_die(DL_EXIT_FAIL, "unable to exec in container '%s': not running",
		       id);
	if (c->state(c) && !strcmp(c->state(c), "FROZEN"))
		dl_die(DL_EXIT_FAIL, "unable to exec in container '%s': paused "
		       "(dl unpause it first)", id);
	/* The filter of the start (not in the LXC config: dl's init loads
	 * it), from the profile the start wrote, compiled once per profile */
	p.bpf = (struct dl_bpf){ NULL, 0 };
	if (!spec.privileged) {
		_cleanup_free_ char *text = NULL;

		free(path);
		path = dl_path("containers/%s/seccomp", id);
		if (dl_read_file(path, &text, NULL) < 0)
			dl_die_sys(DL_EXIT_FAIL, "unable to exec in container '%s': %s",
				   id, path);
		if ((r = dl_seccomp_cached(text, &p.bpf, &reason)))
			dl_die(DL_EXIT_FAIL, "unable to exec in container '%s': %s",
			       id, reason);
	}
	host = dl_spec_hostname(&spec, id);
	p.id = id;
	p.cwd = o.cwd ? o.cwd : spec.cwd;
	p.argv = argv + optind + 1;
	p.envp = dl_spec_environ(&spec, host, o.tty && !o.detach, o.env, o.nenv);
	p.tty = o.tty && !o.detach;

	dl_session_signals(&mask);
	p.status = -1;
	if (o.detach) {
		if (pipe2(status, O_CLOEXEC) < 0)
			dl_die_sys(DL_EXIT_FAIL, "unable to exec in container "
				   "'%s': pipe", id);
		p.status = status[1];
		io = (struct dl_stdio){ .in = -1, .out = -1, .err = -1 };
		io.child[0] = open("/dev/null", O_RDONLY | O_CLOEXEC);
		io.child[1] = io.child[2] = open("/dev/null", O_WRONLY | O_CLOEXEC);
		if (io.child[0] < 0 || io.child[1] < 0)
			dl_die_sys(DL_EXIT_FAIL, "unable to open '/dev/null'");
	} else if (dl_stdio_open(&io, p.tty, o.in, p.tty ? c->devpts_fd(c) : -1,
				 &reason)) {
		dl_die(DL_EXIT_FAIL, "unable to exec in container '%s': %s", id,
		       reason);
	}
	ao.attach_flags = LXC_ATTACH_DEFAULT;
	if (spec.nnp)
		ao.attach_flags |= LXC_ATTACH_NO_NEW_PRIVS;
	ao.env_policy = LXC_ATTACH_CLEAR_ENV;
	ao.initial_cwd = (char *)"/";
	ao.stdin_fd = io.child[0];
	ao.stdout_fd = io.child[1];
	ao.stderr_fd = io.child[2];
	saved = hush();
	r = c->attach(c, run_in, &p, &ao, &pid);
	unhush(saved);
	if (r < 0) {
		_cleanup_free_ char *why = dl_lxc_error(id, logsize);

		dl_die(DL_EXIT_FAIL, "unable to exec in container '%s': %s", id,
		       why ? why : "liblxc failed");
	}
	dl_stdio_close_child(&io);
	if (o.detach) {
		char msg[PATH_MAX + 64];
		size_t len = 0;
		ssize_t n;
		int code;

		/* the end of the pipe, empty: the command was exec'd */
		dl_closep(&status[1]);
		while ((n = read(status[0], msg + len, sizeof(msg) - 1 - len)) != 0) {
			if (n < 0 && errno == EINTR)
				continue;
			if (n < 0 || (len += (size_t)n) == sizeof(msg) - 1)
				break;
		}
		msg[len] = '\0';
		if (len && sscanf(msg, "%d", &code) == 1 && strchr(msg, ' '))
			dl_die(code, "unable to exec in container '%s': %s", id,
			       strchr(msg, ' ') + 1);
		return dl_finish_stdout();
	}
	s.io = &io;
	s.in_src = o.in ? STDIN_FILENO : -1;
	s.out_dst = STDOUT_FILENO;
	s.err_dst = STDERR_FILENO;
	s.child = pid;
	s.target = pid;
	if ((r = dl_session_run(&s, &reason)))
		dl_die(r, "unable to exec in container '%s': %s", id, reason);
	dl_spec_free(&spec);
	dl_user_free(&u);
	return dl_exit_status(s.status);
}
