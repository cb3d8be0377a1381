/* SPDX-License-Identifier: Apache-2.0 */
/* dl-spawn: run a container's command with LXC, confined as Docker does */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <jansson.h>
#include <lxc/lxccontainer.h>

#include "dl.h"
#include "dl/bridge.h"
#include "dl/container.h"
#include "dl/exec.h"
#include "dl/health.h"
#include "dl/helper.h"
#include "dl/init.h"
#include "dl/lease.h"
#include "dl/lxc.h"
#include "dl/lxcconf.h"
#include "dl/netconf.h"
#include "dl/netfiles.h"
#include "dl/netmember.h"
#include "dl/ports.h"
#include "dl/relay.h"
#include "dl/shm.h"
#include "dl/restart.h"
#include "dl/rootpath.h"
#include "dl/rootprep.h"
#include "dl/seccomp.h"
#include "dl/session.h"
#include "dl/specload.h"
#include "dl/state.h"
#include "dl/status.h"
#include "dl/volume.h"

#define USAGE "dl-spawn [-d] [-i] [-n] [-w] [-R] ID"
#define OPTIONS \
	"  -d  detach: return once the command runs; its output goes to\n" \
	"      containers/ID/container.log\n" \
	"  -i  keep stdin attached (otherwise the command reads /dev/null)\n" \
	"  -n  the container was made for this start: a host port in use\n" \
	"      removes it\n" \
	"  -w  with -d: the output is kept for the first dl-console that\n" \
	"      attaches (up to 1 MiB)\n" \
	"  -R  a start of the restart policy: the count goes on, and a stop\n" \
	"      of the user meanwhile cancels it\n"

/* What the monitor (the liblxc caller) tells us, in shared memory. */
struct result {
	int done;
	int start_ok;
	int error_num;
};

struct spawn {
	const char *id;
	char *lxcpath;
	char *dir;
	struct dl_spec spec;
	char **env;
	bool detach, interactive;
	bool hold;			/* -w */
	struct dl_relay relay;		/* -d: attach.sock (relay.h) */
	int notify;			/* -d: pipe to the waiting parent */
	int ready[2];			/* the init says the command runs */
	struct dl_state st;
	struct dl_state prev;		/* the state before "starting" */
	bool had_state;			/* ...recorded in a state.json */
	int lock;			/* the container's (dl_state_lock()) */
	struct result *res;
	struct dl_stdio io;
	struct dl_bpf bpf;		/* the seccomp filter our init loads */
	struct dl_net net;		/* network bridge: the store's */
	char addr[INET_ADDRSTRLEN], gw[INET_ADDRSTRLEN];
	struct dl_lxc_net lnet;
	int netfd;			/* its network namespace, made by us */
	int shmfd;			/* --ipc container:ID: its /dev/shm */
	bool fresh;			/* -n */
	bool restart;			/* -R */
	pid_t health;			/* the prober, while it runs */
	bool named;			/* a user-defined network */
	char *hosts;			/* its own lines of /etc/hosts */
	struct dl_port *ports;		/* published, with their host ports */
	size_t nports;
	int *portfds;			/* held while the container lives */
};

/* Set once we hold the container and its spec asks for --rm: whatever
 * happens then, the container goes (as docker run --rm). */
static struct spawn *rm_armed;
/* Set while state.json says "starting" on our behalf: a start that fails
 * puts back the state of before. */
static struct spawn *start_armed;
/* Set while we hold an address of the bridge: the end of the run, or a
 * failed start, gives it back. */
static struct spawn *lease_armed;
/* Set while ports are (or may be) published for us. */
static struct spawn *ports_armed;
/* Set while we may hold addresses of the networks it was connected to
 * (dl network connect): the end of the run gives them back. */
static struct spawn *joins_armed;

static int run_helper(const char *name, const char *arg);

static void drop_ports(void)
{
	_cleanup_free_ char *path = NULL;
	struct spawn *sp = ports_armed;

	ports_armed = NULL;
	if (!sp)
		return;
	if (run_helper("dl-net-unpublish", sp->id))
		dl_warn("unable to unpublish the ports of container '%s'",
			sp->id);
	path = dl_xasprintf("%s/ports.json", sp->dir);
	(void)unlink(path);
	for (size_t i = 0; i < sp->nports; i++)
		dl_closep(&sp->portfds[i]);
}

static void drop_lease(void)
{
	_cleanup_free_ char *reason = NULL;
	struct spawn *sp = lease_armed, *j = joins_armed;

	drop_ports();
	lease_armed = NULL;
	joins_armed = NULL;
	if (sp && dl_lease_drop(&sp->net, sp->dir, &reason))
		dl_warn("unable to release the address of container '%s': %s",
			sp->id, reason);
	free(reason);
	reason = NULL;
	/* the others no longer find it by name */
	if (sp && sp->named && dl_net_hosts_refresh(&sp->net, &reason))
		dl_warn("unable to update the hosts of the network of '%s': %s",
			sp->id, reason);
	free(reason);
	reason = NULL;
	/* the networks it was connected to (dl network connect): their
	 * addresses, until its next start */
	free(reason);
	reason = NULL;
	if (j && dl_net_connected_drop(j->dir, &reason))
		dl_warn("unable to disconnect container '%s': %s", j->id,
			reason);
}

static void restore_state(void)
{
	_cleanup_free_ char *reason = NULL;
	struct spawn *sp = start_armed;

	start_armed = NULL;
	if (sp && !sp->had_state) {
		_cleanup_free_ char *path = dl_xasprintf("%s/state.json",
							 sp->dir);

		if (unlink(path) < 0 && errno != ENOENT)
			dl_warn("unable to remove '%s': %s", path,
				strerror(errno));
		return;
	}
	if (sp && dl_state_write(sp->id, &sp->prev, &reason))
		dl_warn("unable to record state of container '%s': %s", sp->id,
			reason);
}

static void remove_container(struct spawn *sp)
{
	_cleanup_free_ char *reason = NULL;

	rm_armed = NULL;
	start_armed = NULL;
	if (dl_container_remove_held(sp->id, sp->lock, &reason)) {
		dl_warn("unable to remove container '%s': %s", sp->id, reason);
		return;
	}
	/* --rm takes the container's anonymous volumes with it */
	free(dl_steal_pointer(&reason));
	if (dl_volume_drop_anonymous(sp->spec.volumes, sp->spec.nvolumes,
				     &reason))
		dl_warn("unable to remove the anonymous volumes of container "
			"'%s': %s", sp->id, reason);
}

static noreturn void die_start(const char *id, int code, const char *why)
{
	drop_lease();
	restore_state();
	if (rm_armed)
		remove_container(rm_armed);
	dl_die(code, "unable to start container '%s': %s", id, why);
}

/*
 * The monitor: runs the container with liblxc in the foreground.  The
 * container inherits its stdin and stdout, and its stderr from fd 3: fd 2
 * is /dev/null, where liblxc writes its errors whatever its log settings
 * (they are in containers/ID/lxc.log).  The init moves fd 3 to 2, and
 * writes to fd 4 (close-on-exec) once the command is exec'd.
 */
static noreturn void monitor(struct spawn *sp, struct dl_stdio *io,
			     const sigset_t *mask)
{
	struct lxc_container *c;
	int null = open("/dev/null", O_WRONLY | O_CLOEXEC), ready, shm = -1;

	/* above the descriptors being placed */
	null = null < 0 ? -1 : fcntl(null, F_DUPFD_CLOEXEC, 10);
	ready = fcntl(sp->ready[1], F_DUPFD_CLOEXEC, 10);
	if (sp->shmfd >= 0 && (shm = fcntl(sp->shmfd, F_DUPFD_CLOEXEC, 10)) < 0)
		_exit(DL_EXIT_FAIL);
	setsid();
	if (null < 0 || ready < 0 || dup2(io->child[0], 0) < 0 ||
	    dup2(io->child[1], 1) < 0 || dup2(io->child[2], 3) < 0 ||
	    dup2(null, 2) < 0 || dup3(ready, 4, O_CLOEXEC) < 0)
		_exit(DL_EXIT_FAIL);
	/* the network namespace made for it: lxc.namespace.share.net is
	 * /proc/self/fd/5 */
	if (sp->netfd >= 0 && dup3(sp->netfd, 5, O_CLOEXEC) < 0)
		_exit(DL_EXIT_FAIL);
	/* the other's /dev/shm, which our init moves onto its own: fd 6
	 * (spec.shm_fd) */
	if (shm >= 0 && dup3(shm, 6, O_CLOEXEC) < 0)
		_exit(DL_EXIT_FAIL);
	sigprocmask(SIG_SETMASK, mask, NULL);
	signal(SIGPIPE, SIG_DFL);
	if (sp->netfd < 0)
		close(5);
	if (shm < 0)
		close(6);
	syscall(SYS_close_range, 7, ~0U, 0);
	dl_lxc_log(sp->id, true);
	c = lxc_container_new(sp->id, sp->lxcpath);
	if (c && c->is_defined(c)) {
		c->want_daemonize(c, false);
		/* lxc would close fd 3; our init closes all but 0-2 */
		c->want_close_all_fds(c, false);
		sp->res->start_ok = c->start(c, 1, (char *const *)sp->spec.args);
		sp->res->error_num = c->error_num;
	}
	sp->res->done = 1;
	_exit(0);
}

static void tell_parent(struct spawn *sp, const char *msg)
{
	if (sp->notify < 0)
		return;
	if (write(sp->notify, msg, strlen(msg)) < 0)
		dl_warn("unable to notify 'dl-spawn': %s", strerror(errno));
	close(sp->notify);
	sp->notify = -1;
}

/*
 * The init wrote to the ready pipe: the command runs.  Record it, aim
 * signals at init, and let a -d parent go.  End of file instead: the
 * monitor died first, which the end of the session reports.
 */
static int on_ready(struct dl_session *s)
{
	struct spawn *sp = s->data;
	_cleanup_free_ char *reason = NULL;
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(struct ucred))];
	} ctl;
	char b;
	struct iovec iov = { &b, 1 };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = ctl.buf, .msg_controllen = sizeof(ctl.buf),
	};
	struct cmsghdr *cm;
	ssize_t n;
	pid_t pid = 0;

	do
		n = recvmsg(sp->ready[0], &msg, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	dl_closep(&sp->ready[0]);
	if (n != 1)
		return 0;
	for (cm = CMSG_FIRSTHDR(&msg); cm; cm = CMSG_NXTHDR(&msg, cm))
		if (cm->cmsg_level == SOL_SOCKET &&
		    cm->cmsg_type == SCM_CREDENTIALS &&
		    cm->cmsg_len == CMSG_LEN(sizeof(struct ucred))) {
			struct ucred uc;

			memcpy(&uc, CMSG_DATA(cm), sizeof(uc));
			pid = uc.pid;
		}
	if (pid <= 0) {
		/* not the init's word: the end of the session records it */
		tell_parent(sp, "R");
		return 0;
	}
	sp->st.status = DL_STATUS_RUNNING;
	sp->st.pid = pid;
	sp->st.monitor_pid = getpid();
	dl_time_now(sp->st.started);
	if (dl_state_write(sp->id, &sp->st, &reason))
		dl_warn("unable to record state of container '%s': %s", sp->id,
			reason);
	start_armed = NULL;
	s->target = pid;
	sp->health = dl_health_start(&sp->spec, sp->id, sp->lxcpath, sp->env);
	if (sp->health < 0)
		dl_warn("unable to check the health of container '%s': %s",
			sp->id, strerror(errno));
	tell_parent(sp, "R");
	return 0;
}

/* Run the container to its end; return the command's exit code. */
static int supervise(struct spawn *sp)
{
	_cleanup_free_ char *reason = NULL, *why = NULL, *log = NULL;
	_cleanup_close_ int logfd = -1;
	struct dl_session s = { 0 };
	struct dl_stdio *io = &sp->io;
	sigset_t mask;
	pid_t mon;
	int r, code;

	dl_session_signals(&mask);
	sp->res = mmap(NULL, sizeof(*sp->res), PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sp->res == MAP_FAILED)
		dl_die_sys(DL_EXIT_FAIL, "unable to start container '%s': mmap",
			   sp->id);
	dl_state_init(&sp->st);
	dl_time_now(sp->st.started);
	/* A socket, not a pipe: with SO_PASSCRED the kernel tells us the
	 * sender of the init's one byte, its pid as we see it, so no query
	 * of liblxc's monitor is needed to learn the init's pid */
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sp->ready) < 0 ||
	    setsockopt(sp->ready[0], SOL_SOCKET, SO_PASSCRED, &(int){ 1 },
		       sizeof(int)) < 0)
		dl_die_sys(DL_EXIT_FAIL, "unable to start container '%s': socketpair",
			   sp->id);
	mon = fork();
	if (mon < 0)
		dl_die_sys(DL_EXIT_FAIL, "unable to start container '%s': fork",
			   sp->id);
	if (mon == 0)
		monitor(sp, io, &mask);
	dl_closep(&sp->ready[1]);
	dl_closep(&sp->shmfd);
	dl_stdio_close_child(io);
	dl_lxc_log(NULL, false);
	s.io = io;
	s.in_src = sp->interactive && !sp->detach ? STDIN_FILENO : -1;
	s.out_dst = STDOUT_FILENO;
	s.err_dst = STDERR_FILENO;
	/* a socket a killed supervisor's relay left says nothing of this
	 * run: -d replaces it, a foreground run has none */
	if (dl_relay_clear(sp->dir) < 0)
		dl_warn("unable to remove '%s/" DL_RELAY_SOCK "': %s", sp->dir,
			strerror(errno));
	/* -d: the output to dl-console clients too, stdin from them */
	if (sp->detach) {
		if ((r = dl_relay_start(&sp->relay, sp->dir,
					io->tty ? io->out : -1,
					sp->interactive, sp->hold, &reason)))
			die_start(sp->id, r, reason);
		s.in_src = sp->relay.in;
		s.out_dst = sp->relay.out;
		s.err_dst = sp->relay.err;
	}
	/* every run's output, foreground or not, for dl logs */
	log = dl_xasprintf("%s/container.log", sp->dir);
	logfd = open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
	if (logfd < 0)
		dl_warn("unable to open '%s': %s", log, strerror(errno));
	else if (logfd <= 2)
		dl_closep(&logfd);
	s.log_fd = logfd;
	s.child = mon;
	s.on_event = on_ready;
	s.ev_fd = sp->ready[0];
	s.data = sp;
	r = dl_session_run(&s, &reason);
	dl_health_stop(sp->health);
	if (r)
		die_start(sp->id, r, reason);
	if (!sp->res->done || !sp->res->start_ok) {
		why = dl_lxc_error(sp->id, 0);
		if (!why)
			why = dl_xstrdup(sp->res->done ? "liblxc failed" :
					 "the monitor died");
		if (sp->st.status == DL_STATUS_RUNNING) {
			sp->st.status = DL_STATUS_EXITED;
			sp->st.exit_code = DL_EXIT_FAIL;
		}
		code = DL_EXIT_FAIL;
	} else {
		code = dl_exit_status(sp->res->error_num);
		sp->st.status = DL_STATUS_EXITED;
		sp->st.exit_code = code;
	}
	if (sp->st.status == DL_STATUS_EXITED) {
		start_armed = NULL;
		sp->st.pid = 0;
		sp->st.monitor_pid = 0;
		dl_time_now(sp->st.finished);
		if (dl_state_write(sp->id, &sp->st, &reason))
			dl_warn("unable to record state of container '%s': %s",
				sp->id, reason);
	}
	drop_lease();
	/* -w: the client 'dl run -a' starts may come after a short
	 * command's end; the end waits for it (30 s at most) */
	dl_relay_wait_first(&sp->relay, 30000);
	if (rm_armed)
		remove_container(sp);
	/* the code reaches dl-console once a --rm container is gone */
	dl_relay_end(&sp->relay, code);
	if (why) {
		_cleanup_free_ char *msg = dl_xasprintf("F%d %s", code, why);

		tell_parent(sp, msg);
		die_start(sp->id, code, why);
	}
	tell_parent(sp, "R");
	return code;
}

/* The restart policy, after a run that ended in @code (dl/restart.h). */
static int restart_after(struct spawn *sp, int code)
{
	return dl_restart_after(sp->id, code, sp->st.started, sp->st.finished,
				&sp->lock);
}

/* A foreground run: its code is the caller's at once, as docker run's;
 * a monitor of its own restarts it as the policy says. */
static int restart_behind(struct spawn *sp, int code)
{
	struct dl_restart_policy p;
	_cleanup_free_ char *log = NULL;
	pid_t pid;
	int fd;

	dl_restart_policy_of(sp->id, &p);
	if (p.name == DL_RESTART_NO || sp->spec.rm)
		return code;
	fflush(NULL);
	pid = fork();
	if (pid != 0)
		return code;
	setsid();
	log = dl_xasprintf("%s/console.log", sp->dir);
	fd = open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
	if (fd < 0 || dup2(fd, STDERR_FILENO) < 0)
		_exit(code);
	close(fd);
	fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (fd < 0 || dup2(fd, STDIN_FILENO) < 0 ||
	    dup2(fd, STDOUT_FILENO) < 0)
		_exit(code);
	close(fd);
	_exit(restart_after(sp, code));
}

/* -d: the supervisor goes on alone; we wait until the command runs. */
static int detach(struct spawn *sp)
{
	char buf[4096];
	size_t len = 0;
	int p[2], fd, code;
	pid_t pid;

	if (pipe2(p, O_CLOEXEC) < 0)
		dl_die_sys(DL_EXIT_FAIL, "unable to start container '%s': pipe",
			   sp->id);
	pid = fork();
	if (pid < 0)
		dl_die_sys(DL_EXIT_FAIL, "unable to start container '%s': fork",
			   sp->id);
	if (pid == 0) {
		_cleanup_free_ char *log = dl_xasprintf("%s/console.log", sp->dir);

		close(p[0]);
		sp->notify = p[1];
		setsid();
		/* the command's output goes to container.log; ours (the
		 * supervisor's own messages) to console.log */
		fd = open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
		if (fd < 0 || dup2(fd, STDERR_FILENO) < 0)
			_exit(DL_EXIT_FAIL);
		close(fd);
		fd = open("/dev/null", O_RDWR | O_CLOEXEC);
		if (fd < 0 || dup2(fd, STDIN_FILENO) < 0 ||
		    dup2(fd, STDOUT_FILENO) < 0)
			_exit(DL_EXIT_FAIL);
		close(fd);
		_exit(restart_after(sp, supervise(sp)));
	}
	/* the supervisor removes a --rm container now, records a failed
	 * start and gives the address back */
	rm_armed = NULL;
	start_armed = NULL;
	lease_armed = NULL;
	ports_armed = NULL;
	joins_armed = NULL;
	close(p[1]);
	for (;;) {
		ssize_t r = read(p[0], buf + len, sizeof(buf) - 1 - len);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0 || (len += (size_t)r) == sizeof(buf) - 1)
			break;
	}
	buf[len] = '\0';
	if (buf[0] == 'R')
		return DL_EXIT_OK;
	if (buf[0] == 'F' && sscanf(buf + 1, "%d", &code) == 1 &&
	    strchr(buf, ' '))
		die_start(sp->id, code, strchr(buf, ' ') + 1);
	die_start(sp->id, DL_EXIT_FAIL, "the supervisor died");
}

/* Run helper @name (with @arg, if any) beside us ($DL_EXEC_PATH, set at
 * start); its messages are ours, its output goes.  Return: its exit
 * code, or DL_EXIT_FAIL. */
static int run_helper(const char *name, const char *arg)
{
	const char *argv[] = { name, arg, NULL };
	_cleanup_close_ int null = open("/dev/null", O_WRONLY | O_CLOEXEC);
	int rc;

	if (null < 0)
		return DL_EXIT_FAIL;
	rc = dl_helper_run(argv, -1, null, -1);
	if (rc == 127)
		dl_warn("unable to run '%s'", name);
	return rc > 125 ? DL_EXIT_FAIL : rc;
}

/* Make the bridge of network @name ("bridge": the store's) with
 * dl-net-up. */
static void net_up(struct spawn *sp, const char *name)
{
	int r = run_helper("dl-net-up", strcmp(name, "bridge") ? name : NULL);

	if (r)
		die_start(sp->id, r == DL_EXIT_CONFLICT ? DL_EXIT_CONFLICT
							: DL_EXIT_FAIL,
			  "the bridge network could not be set up");
}

/* A host port in use: a container made for this start goes. */
static noreturn void die_port(struct spawn *sp, int code, const char *why)
{
	if (code == DL_EXIT_CONFLICT && sp->fresh)
		rm_armed = sp;
	die_start(sp->id, code, why);
}

/*
 * Publish the spec's ports to address @a: each host port bound and held
 * (a free one chosen for 0), containers/ID/ports.json written, and
 * dl-net-publish redirects them.
 */
static void net_publish(struct spawn *sp, struct in_addr a)
{
	_cleanup_free_ char *reason = NULL, *path = NULL;
	int r;

	sp->ports = dl_xcalloc(sp->spec.npublish, sizeof(*sp->ports));
	sp->portfds = dl_xcalloc(sp->spec.npublish, sizeof(int));
	for (size_t i = 0; i < sp->spec.npublish; i++) {
		struct dl_port *p = &sp->ports[i];

		if ((r = dl_port_parse(sp->spec.publish[i], p, &reason)))
			die_start(sp->id, DL_EXIT_FAIL, reason);
		if ((r = dl_port_bind(p, &sp->portfds[i], &reason)))
			die_port(sp, r, reason);
		sp->nports++;
	}
	path = dl_xasprintf("%s/ports.json", sp->dir);
	if (dl_ports_save(path, a, sp->net.bridge, sp->ports, sp->nports) < 0)
		die_start(sp->id, DL_EXIT_FAIL, strerror(errno));
	ports_armed = sp;
	if ((r = run_helper("dl-net-publish", sp->id)))
		die_port(sp, r == DL_EXIT_CONFLICT ? r : DL_EXIT_FAIL,
			 "the ports could not be published");
}

/* Write containers/ID/NAME, mounted on /etc/NAME in the container; what
 * the image has there, if not a regular file (a symlink, leading
 * anywhere), is replaced by an empty one to mount on. */
static void net_file(struct spawn *sp, int rootfd, const char *name,
		     const char *text)
{
	_cleanup_free_ char *path = dl_xasprintf("%s/%s", sp->dir, name);
	_cleanup_free_ char *dest = dl_xasprintf("/etc/%s", name);
	_cleanup_free_ char *leaf = NULL;
	_cleanup_close_ int pfd = -1;
	struct dl_mount *m;
	struct stat st;

	if (dl_root_mkdir_p(rootfd, "/etc", 0755) < 0 ||
	    (pfd = dl_root_open_parent(rootfd, dest, &leaf)) < 0)
		die_start(sp->id, DL_EXIT_FAIL, strerror(errno));
	if (fstatat(pfd, leaf, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	    !S_ISREG(st.st_mode) &&
	    unlinkat(pfd, leaf, S_ISDIR(st.st_mode) ? AT_REMOVEDIR : 0) < 0)
		die_start(sp->id, DL_EXIT_FAIL, strerror(errno));

	if (dl_write_file_atomic_flags(path, text, strlen(text), 0644,
				       DL_WRITE_NOSYNC))
		die_start(sp->id, DL_EXIT_FAIL, strerror(errno));
	sp->spec.mounts = dl_xrealloc(sp->spec.mounts,
				      (sp->spec.nmounts + 1) *
					      sizeof(*sp->spec.mounts));
	m = &sp->spec.mounts[sp->spec.nmounts++];
	memset(m, 0, sizeof(*m));
	m->dest = dl_steal_pointer(&dest);
	m->type = "bind";
	m->source = dl_steal_pointer(&path);
	/* read-only with the root, as Docker mounts them */
	m->options = dl_xcalloc(3, sizeof(*m->options));
	m->options[0] = "rbind";
	m->nopts = 1;
	if (sp->spec.root_ro)
		m->options[m->nopts++] = "ro";
}

/*
 * The container's network namespace, made here with its veth pair on the
 * bridge, rather than by liblxc: it goes with its last process (the
 * kernel's cleanup, in the background), where liblxc would delete the
 * pair on the run's path.
 */
static void net_netns(struct spawn *sp, struct in_addr a)
{
	_cleanup_free_ char *reason = NULL, *host_if = NULL;
	uint32_t h = ntohl(a.s_addr);
	unsigned char mac[6] = { 0x02, 0x42, h >> 24, (h >> 16) & 0xff,
				 (h >> 8) & 0xff, h & 0xff };
	int r;

	host_if = dl_xasprintf("dl%.12s", sp->id);
	if ((r = dl_bridge_netns(&sp->net, host_if, a, mac, &sp->netfd,
				 &reason)))
		die_start(sp->id, r, reason);
	sp->spec.netns = "/proc/self/fd/5";
}

/* The container's resolv.conf, hosts (with @addr) and hostname, bound
 * over the image's; its hosts kept in sp->hosts. */
static void net_files(struct spawn *sp, int rootfd, const char *host,
		      const char *addr)
{
	_cleanup_free_ char *resolv = NULL, *hostname = NULL;

	resolv = dl_resolv_conf(sp->spec.dns, sp->spec.ndns,
				sp->spec.dns_search, sp->spec.ndns_search);
	free(sp->hosts);
	sp->hosts = dl_hosts_file(addr, host, NULL, sp->spec.add_hosts,
				  sp->spec.nadd_hosts);
	hostname = dl_xasprintf("%s\n", host);
	net_file(sp, rootfd, "resolv.conf", resolv);
	net_file(sp, rootfd, "hosts", sp->hosts);
	net_file(sp, rootfd, "hostname", hostname);
}

/* Its own lines (containers/ID/hosts.base), to which each refresh of a
 * network's hosts adds the others'. */
static void write_base(struct spawn *sp)
{
	_cleanup_free_ char *base = dl_xasprintf("%s/hosts.base", sp->dir);

	if (dl_write_file_atomic_flags(base, sp->hosts, strlen(sp->hosts),
				       0644, DL_WRITE_NOSYNC))
		die_start(sp->id, DL_EXIT_FAIL, strerror(errno));
}

/*
 * Network "bridge": the store's bridge, made if needed, an address of
 * it, and the container's resolv.conf, hosts and hostname, bound over the
 * image's (whatever they are: a symlink is never followed).
 */
static void net_prepare(struct spawn *sp, int rootfd, const char *host)
{
	_cleanup_free_ char *reason = NULL;
	struct in_addr a;
	int r;

	sp->named = strcmp(sp->spec.network, "bridge") != 0;
	if ((r = dl_net_load_named(sp->spec.network, &sp->net, NULL, &reason)))
		die_start(sp->id, r == DL_EXIT_NO ? DL_EXIT_NO : DL_EXIT_FAIL,
			  reason);
	if (!dl_bridge_exists(&sp->net))
		net_up(sp, sp->spec.network);
	if ((r = dl_lease_take(&sp->net, sp->dir, &a, &reason)))
		die_start(sp->id, r, reason);
	lease_armed = sp;
	dl_fault("dl-spawn:leased");
	inet_ntop(AF_INET, &a, sp->addr, sizeof(sp->addr));
	inet_ntop(AF_INET, &sp->net.gateway, sp->gw, sizeof(sp->gw));
	if (sp->spec.npublish)
		net_publish(sp, a);
	net_netns(sp, a);
	net_files(sp, rootfd, host, sp->addr);
	if (sp->named) {
		write_base(sp);
		if ((r = dl_net_hosts_refresh(&sp->net, &reason)))
			die_start(sp->id, r, reason);
	}
}

/*
 * The networks it was connected to (dl network connect), joined again at
 * every start until it is disconnected, as Docker's: an address of each,
 * its interface (the next ethN; off its own network, the first is eth0
 * with the default route), its aliases, and the hosts of each network's
 * members written again.  A network removed meanwhile fails the start,
 * as Docker's.
 */
static void net_rejoin(struct spawn *sp, int rootfd, const char *host,
		       bool left)
{
	_cleanup_free_ char *own = dl_net_own(sp->dir), *base = NULL;
	_cleanup_free_ struct dl_net *nets = NULL;
	size_t n = 0, k = 0;
	char **v = dl_net_connected(sp->dir, &n);

	/* the lines of another run's networks go */
	base = dl_xasprintf("%s/hosts.base", sp->dir);
	if (!(sp->named && lease_armed) && unlink(base) < 0 && errno != ENOENT)
		die_start(sp->id, DL_EXIT_FAIL, strerror(errno));
	nets = dl_xcalloc(n + 1, sizeof(*nets));
	for (size_t i = 0; i < n; i++) {
		_cleanup_free_ char *reason = NULL, *host_if = NULL;
		_cleanup_free_ char *al = NULL, *text = NULL;
		char ifname[IF_NAMESIZE], addr[INET_ADDRSTRLEN];
		unsigned char mac[6];
		struct dl_net *net = &nets[k];
		struct in_addr a;
		size_t nal = 0;
		char **aliases;
		int r;

		/* its own, connected again: joined as its own */
		if (!left && !strcmp(v[i], own))
			continue;
		if ((r = dl_net_load_named(v[i], net, NULL, &reason))) {
			if (r == DL_EXIT_NO) {
				free(reason);
				reason = dl_xasprintf("network '%s' not found "
						      "(dl network disconnect "
						      "takes it off it)", v[i]);
			}
			die_start(sp->id, r == DL_EXIT_NO ? r : DL_EXIT_FAIL,
				  reason);
		}
		if (!dl_bridge_exists(net))
			net_up(sp, v[i]);
		if ((r = dl_lease_take(net, sp->dir, &a, &reason)))
			die_start(sp->id, r, reason);
		k++;
		host_if = dl_net_host_end(sp->id, a);
		dl_net_mac(a, mac);
		if (sp->netfd < 0) {
			r = dl_bridge_netns(net, host_if, a, mac, &sp->netfd,
					    &reason);
			if (r)
				die_start(sp->id, r, reason);
			sp->spec.netns = "/proc/self/fd/5";
			inet_ntop(AF_INET, &a, addr, sizeof(addr));
			net_files(sp, rootfd, host, addr);
		} else if ((r = dl_bridge_attach(net, host_if, sp->netfd, a,
						 mac, ifname, &reason))) {
			die_start(sp->id, r, reason);
		}
		aliases = dl_net_connected_aliases(sp->dir, v[i], &nal);
		text = dl_xstrdup("");
		for (size_t j = 0; j < nal; j++) {
			char *next = dl_xasprintf("%s%s\n", text, aliases[j]);

			free(text);
			text = next;
		}
		dl_net_list_free(aliases, nal);
		al = dl_xasprintf("%s/aliases.%s", sp->dir, net->bridge);
		if (nal && dl_write_file_atomic_flags(al, text, strlen(text),
						      0644, DL_WRITE_NOSYNC))
			die_start(sp->id, DL_EXIT_FAIL, strerror(errno));
	}
	dl_net_list_free(v, n);
	if (!k)
		return;
	/* its own lines, to which each refresh adds the others' */
	if (access(base, F_OK) < 0)
		write_base(sp);
	for (size_t i = 0; i < k; i++) {
		_cleanup_free_ char *reason = NULL;
		int r;

		if ((r = dl_net_hosts_refresh(&nets[i], &reason)))
			die_start(sp->id, r, reason);
	}
}

/*
 * Network "container:ID": the network namespace of container ID, which
 * must run, and its resolv.conf and hosts (bound, as ours would be).
 */
static void net_join(struct spawn *sp, int rootfd, const char *other)
{
	static const char *const files[] = { "resolv.conf", "hosts" };
	_cleanup_free_ char *reason = NULL;
	struct dl_state st;

	if (dl_state_read(other, &st, &reason) || st.pid <= 0 ||
	    st.status != DL_STATUS_RUNNING || !dl_state_supervised(other))
		die_start(sp->id, DL_EXIT_FAIL, "the container whose network "
			  "it joins is not running");
	sp->spec.netns = dl_xasprintf("/proc/%d/ns/net", (int)st.pid);
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		_cleanup_free_ char *src = dl_path("containers/%s/%s", other,
						   files[i]);
		_cleanup_free_ char *text = NULL;

		if (dl_read_file(src, &text, NULL) == 0)
			net_file(sp, rootfd, files[i], text);
	}
}

/*
 * --pid or --ipc container:ID: its namespace, which must run.  With
 * --ipc, its /dev/shm too, as Docker's: a tmpfs of its own mount
 * namespace, which no bind from here reaches, so a copy of that mount
 * (dl_shm_clone()) that our init moves onto its own.
 */
static void ns_join(struct spawn *sp)
{
	const char *ids[] = { sp->spec.pid_join, sp->spec.ipc_join };
	char **paths[] = { &sp->spec.pidns, &sp->spec.ipcns };

	for (size_t i = 0; i < 2; i++) {
		_cleanup_free_ char *reason = NULL;
		struct dl_state st;

		if (!ids[i])
			continue;
		/* as Docker's: a private IPC is no one else's */
		if (i && !dl_shm_shareable(ids[i]))
			die_start(sp->id, DL_EXIT_FAIL, DL_SHM_PRIVATE);
		if (dl_state_read(ids[i], &st, &reason) || st.pid <= 0 ||
		    st.status != DL_STATUS_RUNNING ||
		    !dl_state_supervised(ids[i]))
			die_start(sp->id, DL_EXIT_FAIL, i ? "cannot join IPC of "
				  "a non running container" :
				  "the container whose PID namespace it joins "
				  "is not running");
		*paths[i] = dl_xasprintf("/proc/%d/ns/%s", (int)st.pid,
					 i ? "ipc" : "pid");
		if (i && dl_shm_clone(st.pid, &sp->shmfd, &reason))
			die_start(sp->id, DL_EXIT_FAIL, reason);
		if (i)
			sp->spec.shm_fd = 6;
	}
}

/* Check everything that can be checked, then make the container's stdio,
 * seccomp profile and LXC config; nothing runs yet. */
static void prepare(struct spawn *sp, char **argv)
{
	_cleanup_free_ char *reason = NULL, *path = NULL, *host = NULL;
	_cleanup_free_ char *cfg = NULL, *share = NULL, *base = NULL;
	_cleanup_free_ char *seccomp = NULL;
	_cleanup_close_ int rootfd = -1;
	char console[64] = "";
	bool bridged, left;
	int r;

	path = dl_path("containers/%s/spec.json", sp->id);
	if ((r = dl_spec_load(path, &sp->spec, &reason)))
		die_start(sp->id, DL_EXIT_FAIL, reason);
	r = dl_state_lock(sp->id, true, &sp->lock, &reason);
	if (r == DL_EXIT_CONFLICT)
		die_start(sp->id, DL_EXIT_FAIL, "it is already running");
	if (r)
		die_start(sp->id, DL_EXIT_FAIL, reason);
	/* the lock stays held, by us or the supervisor, until the end:
	 * "starting" until the command runs, which no removal can take */
	free(reason);
	reason = NULL;
	/* the addresses of the networks it was connected to, from here on:
	 * a failed start gives them back */
	joins_armed = sp;
	/* disconnected from its own network (dl network disconnect): it
	 * starts without it, until it is connected to it again */
	bridged = strcmp(sp->spec.network, "host") &&
		  strcmp(sp->spec.network, "none") &&
		  strncmp(sp->spec.network, "container:", 10);
	left = bridged && dl_net_own_left(sp->dir);
	if (left)
		sp->spec.network = "none";
	/* stopped by the user while the monitor re-executed us */
	if (sp->restart && dl_restart_user_stopped(sp->id, NULL)) {
		dl_restart_done(sp->id);
		exit(DL_EXIT_OK);
	}
	free(path);
	path = dl_xasprintf("%s/state.json", sp->dir);
	sp->had_state = access(path, F_OK) == 0;
	if (dl_state_read(sp->id, &sp->prev, &reason)) {
		dl_state_init(&sp->prev);
		free(reason);
		reason = NULL;
	}
	sp->st = sp->prev;
	sp->st.status = DL_STATUS_STARTING;
	sp->st.pid = 0;
	sp->st.monitor_pid = 0;
	if (dl_state_write(sp->id, &sp->st, &reason))
		die_start(sp->id, DL_EXIT_FAIL, reason);
	start_armed = sp;
	if (sp->restart)
		dl_restart_done(sp->id);
	else if (dl_restart_begin(sp->id) < 0)
		die_start(sp->id, DL_EXIT_FAIL, strerror(errno));
	dl_fault("dl-spawn:starting");
	if (sp->spec.rm)
		rm_armed = sp;
	/* -di: stdin stays open for dl-console clients, at every start */
	if (sp->detach && sp->spec.interactive)
		sp->interactive = true;
	free(path);
	path = dl_xasprintf("%s/rootfs", sp->dir);
	rootfd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0)
		die_start(sp->id, DL_EXIT_FAIL, strerror(errno));
	host = dl_spec_hostname(&sp->spec, sp->id);
	sp->env = dl_spec_environ(&sp->spec, host, sp->spec.terminal, NULL, 0);
	if ((r = dl_root_find_exec(rootfd, sp->spec.cwd, sp->spec.args[0],
				   sp->env, &reason)))
		die_start(sp->id, r, reason);
	if (!sp->spec.privileged) {
		const char *dir = getenv("DL_SHAREDIR");

		if (!dir)
			die_start(sp->id, DL_EXIT_FAIL,
				  "no dl.seccomp found: set DL_SHAREDIR");
		base = dl_xasprintf("%s/dl.seccomp", dir);
		if (dl_read_file(base, &share, NULL) < 0)
			die_start(sp->id, DL_EXIT_FAIL, strerror(errno));
		seccomp = dl_seccomp_profile(share,
					     dl_spec_has_cap(&sp->spec, "SYS_ADMIN"));
	}
	ns_join(sp);
	if (!strncmp(sp->spec.network, "container:", 10))
		net_join(sp, rootfd, sp->spec.network + 10);
	else if (strcmp(sp->spec.network, "none") &&
		 strcmp(sp->spec.network, "host") && !sp->spec.netns)
		net_prepare(sp, rootfd, host);
	if (bridged && (sp->netfd >= 0 || !sp->spec.netns))
		net_rejoin(sp, rootfd, host, left);
	if ((r = dl_root_prepare(rootfd, &sp->spec, &reason)))
		die_start(sp->id, DL_EXIT_FAIL, reason);
	if (dl_stdio_open(&sp->io, sp->spec.terminal, sp->interactive, -1,
			  &reason))
		die_start(sp->id, DL_EXIT_FAIL, reason);
	if (sp->spec.terminal && ptsname_r(sp->io.out, console, sizeof(console)))
		console[0] = '\0';
	/* The seccomp profile and the LXC config are made again from
	 * spec.json at every start, and read by this start at once: no
	 * fsync (a crash loses nothing that the next start does not remake).
	 * Still temp and rename, for the liblxc readers of another dl (the
	 * profile is dl-attach's). The filter itself is compiled once per
	 * profile, and loaded by our init. */
	free(path);
	path = dl_xasprintf("%s/seccomp", sp->dir);
	if (seccomp && dl_write_file_atomic_flags(path, seccomp, strlen(seccomp),
						  0644, DL_WRITE_NOSYNC))
		die_start(sp->id, DL_EXIT_FAIL, strerror(errno));
	if (seccomp && (r = dl_seccomp_cached(seccomp, &sp->bpf, &reason)))
		die_start(sp->id, DL_EXIT_FAIL, reason);
	if ((r = dl_lxc_config(&sp->spec, sp->id, sp->dir,
			       console[0] ? console : NULL,
			       sp->lnet.bridge ? &sp->lnet : NULL, &cfg,
			       &reason)))
		die_start(sp->id, DL_EXIT_FAIL, reason);
	free(path);
	path = dl_xasprintf("%s/config", sp->dir);
	if (dl_write_file_atomic_flags(path, cfg, strlen(cfg), 0644,
				       DL_WRITE_NOSYNC))
		die_start(sp->id, DL_EXIT_FAIL, strerror(errno));
	dl_init_arm(argv, &sp->spec, sp->env, sp->id, 3, 4);
	dl_init_seccomp(seccomp ? &sp->bpf : NULL);
}

int main(int argc, char **argv)
{
	struct spawn sp = { .notify = -1, .ready = { -1, -1 }, .lock = -1,
			    .netfd = -1, .shmfd = -1, .relay = { .pid = -1 } };
	_cleanup_free_ char *share = NULL, *dir = NULL;
	int c;

	dl_set_prog(argv[0]);
	opterr = 0;
	/* 0, 1 and 2 open, so that nothing we open takes their place */
	for (int fd = 0; fd < 3; fd++)
		if (fcntl(fd, F_GETFD) < 0 &&
		    open("/dev/null", fd ? O_WRONLY : O_RDONLY) != fd)
			return DL_EXIT_FAIL;
	if (dl_want_help(argc, argv))
		dl_help(USAGE, OPTIONS);
	while ((c = getopt(argc, argv, "+dinwR")) != -1) {
		switch (c) {
		case 'R':
			sp.restart = true;
			break;
		case 'n':
			sp.fresh = true;
			break;
		case 'd':
			sp.detach = true;
			break;
		case 'i':
			sp.interactive = true;
			break;
		case 'w':
			sp.hold = true;
			break;
		default:
			dl_usage(USAGE);
		}
	}
	if (argc - optind != 1)
		dl_usage(USAGE);
	sp.id = argv[optind];
	if (!dl_is_id(sp.id))
		dl_die(DL_EXIT_USAGE, "unable to start container '%s': " DL_ID_INVALID,
		       sp.id);
	dl_store_need();
	/* found beside our binary, so before it becomes a memfd */
	share = dl_sharedir();
	if (share)
		setenv("DL_SHAREDIR", share, 1);
	if (!getenv("DL_EXEC_PATH")) {
		char *self = realpath("/proc/self/exe", NULL), *slash;

		if (self && (slash = strrchr(self, '/'))) {
			*slash = '\0';
			setenv("DL_EXEC_PATH", self, 1);
		}
		free(self);
	}
	if (dl_lxc_rexec(argv) < 0)
		dl_die_sys(DL_EXIT_FAIL, "unable to re-execute '%s' from memory",
			   dl_prog);
	if (geteuid() != 0)
		die_start(sp.id, DL_EXIT_FAIL, "this needs root");
	sp.lxcpath = realpath(dir = dl_path("containers"), NULL);
	free(dir);
	dir = dl_path("containers/%s", sp.id);
	sp.dir = realpath(dir, NULL);
	if (!sp.lxcpath || !sp.dir)
		die_start(sp.id, DL_EXIT_FAIL, errno == ENOENT ?
			  "no such container" : strerror(errno));
	prepare(&sp, argv);
	if (sp.detach)
		return detach(&sp);
	return restart_behind(&sp, supervise(&sp));
}
