/* SPDX-License-Identifier: Apache-2.0 */
/* init.c: the container's PID 1, dockerlite's own: set up the mounts,
 * the user and the capabilities, start the command, forward signals, reap
 * orphans and exit with the command's status */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "dl.h"
#include "dl/creds.h"
#include "dl/exec.h"
#include "dl/init.h"
#include "dl/seccomp.h"
#include "dl/spec.h"
#include "dl/specload.h"
#include "dl/status.h"

static struct {
	bool armed;
	bool registered;
	char *const *cmd;
	char *const *envp;
	const char *id;
	const struct dl_spec *spec;
	char *title;
	size_t title_len;
	int errfd;
	int readyfd;
	struct dl_bpf seccomp;
} dl_init;

static void close_from(unsigned int fd)
{
	if (syscall(SYS_close_range, fd, ~0U, 0) == 0)
		return;
	for (int i = (int)fd; i < 1024; i++)
		close(i);
}

/* Close every descriptor from 3 on but @keep (-1: none). */
static void close_but(int keep)
{
	if (keep < 3) {
		close_from(3);
		return;
	}
	if (keep > 3)
		syscall(SYS_close_range, 3U, (unsigned int)keep - 1, 0);
	close_from((unsigned int)keep + 1);
}

static noreturn void init_die(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

static noreturn void init_die(const char *fmt, ...)
{
	_cleanup_free_ char *why = NULL;
	va_list ap;

	va_start(ap, fmt);
	why = dl_xvasprintf(fmt, ap);
	va_end(ap);
	dprintf(STDERR_FILENO, "%s: fatal: unable to start container '%s': %s\n",
		dl_prog, dl_init.id, why);
	_exit(DL_EXIT_FAIL);
}

/* Is @path at or below @dir (both absolute and clean)? */
static bool path_under(const char *path, const char *dir)
{
	size_t n = strlen(dir);

	if (!strcmp(dir, "/"))
		return true;
	return !strncmp(path, dir, n) && (path[n] == '\0' || path[n] == '/');
}

/*
 * Whether the mount at @mnt must be read-only: the nearest of the places
 * the spec says something of, the root, /dev, /proc, /sys, its mounts,
 * its read-only and masked paths, decides.  A mount that came with a
 * read-only bind (a submount of its source) is so read-only too, as is
 * one that came with the root under --read-only; a later mount of the
 * spec inside a read-only one keeps its own mode.
 */
static bool want_ro(const struct dl_spec *sp, const char *mnt)
{
	const char *const *ro = sp->ro_set ? sp->ro_paths : dl_spec_readonly_paths;
	const char *const *masked = sp->masked_set ? sp->masked :
						     dl_spec_masked_paths;
	size_t nr = sp->ro_set ? sp->nro : dl_spec_nreadonly_paths;
	size_t nm = sp->masked_set ? sp->nmasked : dl_spec_nmasked_paths;
	size_t best = 1;
	bool r = sp->root_ro;

#define CLAIM(p, v)                                                     \
	do {                                                            \
		size_t n_ = strlen(p);                                  \
		if (path_under(mnt, p) &&                               \
		    (n_ > best || (n_ == best && (v))))                 \
			best = n_, r = (v);                             \
	} while (0)

	CLAIM("/dev", false);
	CLAIM("/proc", false);
	CLAIM("/sys", !sp->privileged);
	for (size_t i = 0; i < sp->nmounts; i++)
		CLAIM(sp->mounts[i].dest, dl_mount_has_opt(&sp->mounts[i], "ro"));
	for (size_t i = 0; !sp->privileged && i < nr; i++)
		CLAIM(ro[i], true);
	for (size_t i = 0; !sp->privileged && i < nm; i++)
		CLAIM(masked[i], false);
#undef CLAIM
	return r;
}

/* Undo the octal escapes of a /proc/self/mountinfo field, in place. */
static void unescape(char *s)
{
	char *d = s;

	for (; *s; s++) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' &&
		    s[2] >= '0' && s[2] <= '7' && s[3] >= '0' && s[3] <= '7') {
			*d++ = (char)((s[1] - '0') << 6 | (s[2] - '0') << 3 |
				      (s[3] - '0'));
			s += 3;
		} else {
			*d++ = *s;
		}
	}
	*d = '\0';
}

/* The flags by which the profile (dl.seccomp) tells dl's init's own
 * mount calls from any other: they only pass those. */
#define INIT_MS_FLAGS (MS_SLAVE | MS_REC)
#define INIT_AT_FLAGS (AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT)

/*
 * The mount tree, as the spec says: liblxc shares its new root (and so
 * every mount below it) at pivot_root; make every mount a slave, which
 * leaves those of the container private and the rslave volumes slaves.
 * Then read-only all the way down: liblxc's bind,ro and rootfs ro set
 * the flag on the top mount only, which leaves the submounts of a source
 * writable.
 */
static void init_mounts(const struct dl_spec *sp)
{
	_cleanup_free_ char *buf = NULL;
	struct mount_attr attr = { .attr_set = MOUNT_ATTR_RDONLY };
	struct statx stx;
	char *line, *save = NULL;
	size_t len;

	if (mount(NULL, "/", NULL, INIT_MS_FLAGS, NULL) < 0)
		init_die("make the mounts private: %s", strerror(errno));
	if (dl_read_file("/proc/self/mountinfo", &buf, &len) < 0)
		init_die("read '/proc/self/mountinfo': %s", strerror(errno));
	for (line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char *f[6], *p = line;
		int n;

		for (n = 0; n < 6 && (f[n] = strsep(&p, " ")); n++)
			;
		if (n < 6)
			continue;
		unescape(f[4]);
		if (!strncmp(f[5], "ro", 2) && (f[5][2] == ',' || !f[5][2]))
			continue;
		if (!want_ro(sp, f[4]))
			continue;
		/* a mount under another one at its place, or under a bind
		 * of its parent, is out of reach: the one seen there counts */
		if (statx(AT_FDCWD, f[4], AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT,
			  STATX_MNT_ID, &stx) < 0 ||
		    !(stx.stx_mask & STATX_MNT_ID) ||
		    stx.stx_mnt_id != strtoull(f[0], NULL, 10))
			continue;
		if (mount_setattr(AT_FDCWD, f[4], INIT_AT_FLAGS, &attr,
				  sizeof(attr)) < 0)
			init_die("make '%s' read-only: %s", f[4], strerror(errno));
	}
}

/* The user of the spec, then no capability outside the bounding set
 * liblxc left (the container's), none inheritable or ambient. */
static void init_drop(const struct dl_spec *sp)
{
	char *reason = NULL;

	if (dl_creds_take(sp->uid, sp->gid, sp->ngids, sp->gids, &reason))
		init_die("%s", reason);
}

/*
 * Into the working directory, now that no descriptor of the host is open
 * (CVE-2024-21626): then check that it is inside the root, as runc does:
 * a directory the root does not reach has no path from it ("(unreachable)"
 * from the kernel, ENOENT from getcwd(3)).
 */
static void init_chdir(const char *cwd)
{
	char buf[PATH_MAX];

	if (chdir(cwd) < 0)
		init_die("chdir to cwd (\"%s\"): %s", cwd, strerror(errno));
	if (!getcwd(buf, sizeof(buf)) || buf[0] != '/')
		init_die("the working directory '%s' is outside the container's root",
			 cwd);
}

/* The filter, compiled before the start (dl_init_seccomp()): loaded
 * while we still hold CAP_SYS_ADMIN, so no_new_privs stays the spec's. */
static void init_seccomp(void)
{
	if (!dl_init.seccomp.len)
		return;
	if (dl_seccomp_load(&dl_init.seccomp) < 0)
		init_die("load the seccomp filter: %s", strerror(errno));
}

static noreturn void init_run(void)
{
	const struct dl_spec *sp = dl_init.spec;
	sigset_t all, none;
	pid_t child;

	sigfillset(&all);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &all, NULL);
	if (dl_init.errfd != STDERR_FILENO)
		dup2(dl_init.errfd, STDERR_FILENO);
	/* First of all, no descriptor of liblxc's (of the host) stays.
	 * Closing them, the synchronisation socket among them, is also what
	 * tells the monitor that init is up (as lxc-init). */
	/* --ipc container:ID: its /dev/shm over ours, as Docker's */
	if (sp->shm_fd > 0 && move_mount(sp->shm_fd, "", AT_FDCWD, "/dev/shm",
					 MOVE_MOUNT_F_EMPTY_PATH) < 0)
		init_die("mount the /dev/shm of the container whose IPC "
			 "namespace it joins: %s", strerror(errno));
	close_but(dl_init.readyfd);
	init_mounts(sp);
	init_seccomp();
	init_drop(sp);
	/* A raw clone(2): no fork handlers run again in the child.
	 * CLONE_VFORK (without CLONE_VM: the child has its own copy) holds
	 * us until the command is exec'd, or failed to be. */
	child = (pid_t)syscall(SYS_clone, SIGCHLD | CLONE_VFORK, 0, 0, 0, 0);
	if (child < 0)
		init_die("fork: %s", strerror(errno));
	if (child == 0) {
		struct sigaction dfl = { .sa_handler = SIG_DFL };

		for (int i = 1; i < NSIG; i++)
			sigaction(i, &dfl, NULL);
		sigprocmask(SIG_SETMASK, &none, NULL);
		setsid();
		if (isatty(STDIN_FILENO))
			ioctl(STDIN_FILENO, TIOCSCTTY, 0);
		close_from(3);
		init_chdir(sp->cwd);
		_exit(dl_exec_in(dl_init.cmd, dl_init.envp, "start", dl_init.id));
	}
	/* The command runs: say so once to the supervisor, which waits
	 * for this instead of asking liblxc again and again. */
	if (dl_init.readyfd >= 0) {
		while (write(dl_init.readyfd, "R", 1) < 0 && errno == EINTR)
			;
		close(dl_init.readyfd);
	}
	if (dl_init.title) {
		memset(dl_init.title, 0, dl_init.title_len);
		strncpy(dl_init.title, "dl-init", dl_init.title_len - 1);
	}
	prctl(PR_SET_NAME, "dl-init", 0, 0, 0);
	for (;;) {
		siginfo_t si;
		int sig = sigwaitinfo(&all, &si), st;
		pid_t w;

		if (sig < 0)
			continue;
		if (sig != SIGCHLD) {
			kill(child, sig);
			continue;
		}
		while ((w = waitpid(-1, &st, WNOHANG)) > 0)
			if (w == child)
				_exit(dl_exit_status(st));
	}
}

/* The fork handler: only the container's init, pid 1 with the environment
 * liblxc just gave it, takes over; every other fork goes on.  In a PID
 * namespace not its own (--pid host, --pid container:), the init is no
 * pid 1: the environment alone tells it. */
static void init_prepare(void)
{
	if (!dl_init.armed || !getenv("container") ||
	    (getpid() != 1 && !dl_init.spec->pid_host &&
	     !dl_init.spec->pid_join))
		return;
	dl_init.armed = false;
	init_run();
}

void dl_init_arm(char **argv, const struct dl_spec *spec, char *const *envp,
		 const char *id, int errfd, int readyfd)
{
	int n = 0;

	while (argv[n])
		n++;
	if (n > 0) {
		dl_init.title = argv[0];
		dl_init.title_len = (size_t)(argv[n - 1] + strlen(argv[n - 1]) + 1 -
					     argv[0]);
	}
	dl_init.cmd = (char *const *)spec->args;
	dl_init.spec = spec;
	dl_init.envp = envp;
	dl_init.id = id;
	dl_init.errfd = errfd;
	dl_init.readyfd = readyfd;
	/* Our own environment must not look like the container's. */
	unsetenv("container");
	if (!dl_init.registered)
		pthread_atfork(init_prepare, NULL, NULL);
	dl_init.registered = true;
	dl_init.armed = true;
}

void dl_init_seccomp(const struct dl_bpf *prog)
{
	dl_init.seccomp = prog ? *prog : (struct dl_bpf){ NULL, 0 };
}
