/* SPDX-License-Identifier: Apache-2.0 */
/* dl-lxc.h: running containers with liblxc: the OCI runtime spec, the LXC
 * config made from it, the container's init, and the stdio of a session */
#ifndef DL_LXC_H
#define DL_LXC_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include <jansson.h>

#include "dl-status.h"

/* One entry of spec.mounts[]. */
struct dl_mount {
	const char *dest;
	const char *type;
	const char *source;
	const char **options;
	size_t nopts;
};

/*
 * The parts of an OCI runtime spec (containers/ID/spec.json) dockerlite
 * uses.  Strings point into @doc.  Limits are 0 when unset.
 */
struct dl_spec {
	json_t *doc;
	const char **args;
	size_t nargs;
	const char **env;
	size_t nenv;
	const char *cwd;
	bool terminal;
	uid_t uid;
	gid_t gid;
	gid_t *gids;
	size_t ngids;
	bool caps_set;		/* process.capabilities given */
	const char **caps;	/* its bounding set, "CAP_CHOWN"... */
	size_t ncaps;
	bool nnp;
	const char *hostname;	/* NULL: the first 12 digits of the ID */
	bool root_ro;
	struct dl_mount *mounts;
	size_t nmounts;
	int64_t mem_limit;
	int64_t pids_limit;
	int64_t cpu_quota;
	uint64_t cpu_period;
	const char *network;	/* "none" (default) or "host" */
	const char *netns;	/* linux.namespaces network path, or NULL */
	bool masked_set;	/* linux.maskedPaths given (else Docker's) */
	const char **masked;
	size_t nmasked;
	bool ro_set;		/* linux.readonlyPaths given (else Docker's) */
	const char **ro_paths;
	size_t nro;
	bool privileged;
	bool rm;
	const char *stop_signal; /* annotation org.dockerlite.stop-signal */
};

/**
 * dl_spec_load() - read and check an OCI runtime spec
 * @path: the file
 * @spec: receives the parsed spec; free with dl_spec_free()
 * @reason: receives the failure text
 * Return: 0, DL_EXIT_REJECT (invalid document) or DL_EXIT_FAIL.
 */
extern int dl_spec_load(const char *path, struct dl_spec *spec,
			char **reason);

/**
 * dl_spec_free() - release what dl_spec_load() allocated
 * @spec: the spec (may be zeroed)
 */
extern void dl_spec_free(struct dl_spec *spec);

/**
 * dl_spec_has_cap() - tell whether the container holds a capability
 * @spec: the spec
 * @name: "SYS_ADMIN" (without the CAP_ prefix)
 * Return: true for a privileged container or when in its bounding set.
 */
extern bool dl_spec_has_cap(const struct dl_spec *spec, const char *name);

/**
 * dl_spec_environ() - the environment of a process in the container: the
 * spec's env, plus HOSTNAME and a default PATH when missing (as Docker),
 * TERM=xterm when @tty and missing, then @extra ("K=V" replaces, a bare "K"
 * takes our own value of K or drops it)
 * @spec: the spec
 * @hostname: the container's host name
 * @tty: a terminal is attached
 * @extra: more variables, or NULL
 * @nextra: their number
 * Return: a malloc'd NULL-terminated array (dies on OOM).
 */
extern char **dl_spec_environ(const struct dl_spec *spec, const char *hostname,
			      bool tty, char *const *extra, size_t nextra);

/**
 * dl_spec_hostname() - the container's host name
 * @spec: the spec
 * @id: the full container ID
 * Return: a malloc'd string.
 */
extern char *dl_spec_hostname(const struct dl_spec *spec, const char *id);

/**
 * dl_lxc_config() - make the LXC config of a container from its spec, from
 * scratch (no lxc.include of the distribution defaults)
 * @spec: the spec
 * @id: the full container ID (the LXC name)
 * @dir: the absolute containers/ID directory
 * @seccomp: the absolute path of the seccomp profile, or NULL for none
 * @console: the host path of the terminal to bind on /dev/console, or NULL
 * @out: receives the malloc'd config text
 * @reason: receives the failure text
 * Return: 0 or DL_EXIT_REJECT (a value the config cannot hold).
 */
extern int dl_lxc_config(const struct dl_spec *spec, const char *id,
			 const char *dir, const char *seccomp,
			 const char *console, char **out, char **reason);

/**
 * dl_seccomp_profile() - the seccomp profile of a container: @base (LXC v2
 * denylist format), without the block headed "# unless cap_sys_admin" when
 * the container holds CAP_SYS_ADMIN
 * @base: the text of share/dl.seccomp
 * @sys_admin: the container holds CAP_SYS_ADMIN
 * Return: a malloc'd text.
 */
extern char *dl_seccomp_profile(const char *base, bool sys_admin);

/**
 * dl_sharedir() - the directory of dl.seccomp: $DL_SHAREDIR, else beside
 * the running helper (../share/dockerlite, ../../share/dockerlite,
 * ../share)
 * Return: a malloc'd path, or NULL when none holds dl.seccomp.
 */
extern char *dl_sharedir(void);

/**
 * dl_lxc_rexec() - re-execute the running program from a sealed memfd
 * unless it already runs from one, so that no process in a container can
 * reach the helper's binary through /proc/PID/exe (CVE-2019-5736); sets
 * LXC_MEMFD_REXEC=1, which liblxc's constructor then finds satisfied
 * @argv: main's argv
 * Return: 0 when already running from a sealed memfd; otherwise does not
 * return, or returns -1 with errno set.
 */
extern int dl_lxc_rexec(char **argv);

/**
 * dl_lxc_log() - send this process's liblxc log (errors only) to
 * containers/ID/lxc.log; liblxc also prints them to stderr whatever its
 * "quiet" setting, so the caller points fd 2 elsewhere while it matters
 * @id: the full container ID, or NULL to drop every message below FATAL
 * @truncate: empty the file first
 */
extern void dl_lxc_log(const char *id, bool truncate);

/**
 * dl_lxc_error() - the text of the first ERROR line of containers/ID/
 * lxc.log at or after offset @from: the cause, where later lines only say
 * what failed because of it
 * @id: the full container ID
 * @from: where this run's lines start
 * Return: a malloc'd string, or NULL.
 */
extern char *dl_lxc_error(const char *id, long from);

/**
 * dl_lxc_log_size() - the size of containers/ID/lxc.log, to give to
 * dl_lxc_error() later
 * @id: the full container ID
 * Return: the size, 0 when there is none.
 */
extern long dl_lxc_log_size(const char *id);

/**
 * dl_lxc_init_pid() - the host pid of a running container's init
 * @id: the full container ID
 * Return: the pid, or 0 when it does not run.  Needs root.
 */
extern pid_t dl_lxc_init_pid(const char *id);

/**
 * dl_lxc_kill() - send a signal to a running container's init, which
 * forwards it to the command (SIGKILL and SIGSTOP act on init itself: the
 * whole container)
 * @id: the full container ID
 * @sig: the signal
 * Return: 0, DL_EXIT_NO when it does not run, or DL_EXIT_FAIL.  Needs root.
 */
extern int dl_lxc_kill(const char *id, int sig);

struct dl_state;

/**
 * dl_lxc_state() - the state of a container, checked against what runs:
 * recorded "running" (or "starting") while no supervisor (dl-spawn) holds
 * the container's lock (dl_state_lock()) means the supervisor died; then
 * it is "running" with the init liblxc reports, or, when the container
 * does not run either, the state is rewritten: "exited" with exit_code -1
 * (unknown) for "running", the state before the start for "starting"
 * @id: the full container ID
 * @st: receives the state
 * @reason: receives the failure text
 * Return: 0, DL_EXIT_NO (no such container), DL_EXIT_REJECT (bad
 * state.json) or DL_EXIT_FAIL.  Needs root.
 */
extern int dl_lxc_state(const char *id, struct dl_state *st, char **reason);

/**
 * dl_root_find_exec() - find @file as execve(2) would in the container:
 * through PATH of @envp when it has no slash, relative to @cwd otherwise;
 * symbolic links resolve inside @rootfd
 * @rootfd: the container's root directory
 * @cwd: the absolute working directory in the container
 * @file: the command
 * @envp: its environment
 * @reason: receives the Docker-style failure text ("exec: \"foo\": ...")
 * Return: 0, DL_EXIT_NOT_FOUND (127) or DL_EXIT_CANNOT_INVOKE (126).
 */
extern int dl_root_find_exec(int rootfd, const char *cwd, const char *file,
			     char *const envp[], char **reason);

/**
 * dl_root_prepare() - check that every bind source exists (it is never
 * created), then make the mount points and the working directory inside
 * the root (dl_root_mkdir_p(), dl-rootpath.h: nothing leads out of it)
 * @rootfd: the container's root directory
 * @spec: the spec
 * @reason: receives the failure text
 * Return: 0 or DL_EXIT_FAIL.
 */
extern int dl_root_prepare(int rootfd, const struct dl_spec *spec,
			   char **reason);

/**
 * dl_init_arm() - make the container's init dockerlite's own: liblxc 5 runs
 * the init of an application container inside the forked image of the
 * caller; when it forks the command, a fork handler takes over instead.
 * The init (liblxc starts it as root in "/", lxc.init.uid 0 and cwd "/")
 * first closes every descriptor but 0-2 and @readyfd (liblxc's, the
 * host's), makes the mount tree slave (private, but for rslave volumes)
 * and every mount that came with a read-only bind, a --read-only root, a
 * read-only path or /sys (unless privileged) read-only (mount_setattr(2)
 * one by one: read-only all the way down), then takes the spec's user
 * and groups, and keeps no capability outside the bounding set
 * (effective, permitted, inheritable; ambient cleared), not dumpable.
 * It then forwards every signal to the command, reaps orphans, and exits
 * as soon as the command does, with its status (128+N for signal N),
 * which ends the container.  The command gets exactly @envp, fds 0-2
 * only, a new session with stdin as its controlling terminal when a tty,
 * and the working directory process.cwd, entered only once nothing of
 * the host is open and checked to be inside the root (getcwd(3)).  A
 * failure of any of these prints "PROG: fatal: unable to start container
 * 'ID': ..." and exits 125; an exec failure prints "...: exec: ..." and
 * exits 127 or 126.
 * @argv: main's argv (its memory is overwritten with "dl-init" in the init)
 * @spec: the spec: the command (process.args), user, cwd and mounts; it
 *        must live until the start
 * @envp: the command's environment
 * @id: the container ID, for messages
 * @errfd: the descriptor the init finds the command's stderr at (2, or
 *         another when fd 2 of the liblxc caller must be kept for liblxc's
 *         own error messages); it becomes fd 2 in the init and the command
 * @readyfd: the descriptor the init finds the write end of a pipe at, to
 *           which it writes one byte, then closes, once the command is
 *           exec'd (or failed to be): the event a supervisor waits for
 *           instead of polling liblxc; -1 for none.  The command never
 *           holds it (it is closed in the child before the exec).
 */
extern void dl_init_arm(char **argv, const struct dl_spec *spec,
			char *const *envp, const char *id, int errfd,
			int readyfd);

/**
 * dl_exec_in() - PATH search and execve(2) of @cmd with @envp, as the
 * container's init does; on failure print "PROG: fatal: unable to VERB
 * container 'ID': exec: ..." to stderr
 * @cmd: the command and its arguments
 * @envp: the environment
 * @verb: "start" or "exec in"
 * @id: the container ID, for messages
 * Return: only on failure: 127 (not found) or 126.
 */
extern int dl_exec_in(char *const *cmd, char *const *envp, const char *verb,
		      const char *id);

/*
 * The stdio of a process in a container: pipes (or a pseudo-terminal) whose
 * far ends the process gets as 0, 1 and 2, so that no host file is ever
 * passed into a container.
 */
struct dl_stdio {
	int child[3];	/* the process's 0, 1, 2 */
	int in;		/* we write its stdin here, or -1 */
	int out;	/* we read its stdout here (the pty master with a tty) */
	int err;	/* we read its stderr here, or -1 */
	bool tty;
};

/**
 * dl_stdio_open() - make the stdio of a process in a container
 * @io: receives the descriptors (all O_CLOEXEC)
 * @tty: a pseudo-terminal instead of pipes; its window size is our
 *       terminal's
 * @in: attach stdin; otherwise the process reads /dev/null (or, with @tty,
 *      a terminal nobody writes to)
 * @devpts: a descriptor of the container's devpts, to take the terminal
 *          from its ptmx (a /dev/pts/N of the container's own); -1 for
 *          openpty(3) on the host's
 * @reason: receives the failure text
 * Return: 0 or DL_EXIT_FAIL.
 */
extern int dl_stdio_open(struct dl_stdio *io, bool tty, bool in, int devpts,
			 char **reason);

/**
 * dl_stdio_close_child() - close the process's ends, once it has them
 * @io: the stdio
 */
extern void dl_stdio_close_child(struct dl_stdio *io);

/*
 * A session: copy our stdio to and from a process in a container, forward
 * the signals we get to it, and wait for @child.  Copies are byte-exact;
 * our stdin goes raw while a terminal is attached.
 */
struct dl_session {
	struct dl_stdio *io;
	int in_src;		/* our stdin, or -1 */
	int out_dst;		/* our stdout */
	int err_dst;		/* our stderr */
	int log_fd;		/* > 2: output also appended there, as
				 * container.log (dl-ctrlog.h); else none */
	pid_t child;		/* waited for */
	pid_t target;		/* forwarded signals go here; 0 holds them */
	/* when set: called once, as soon as @ev_fd polls readable (data,
	 * end of file or error), and @ev_fd is polled no more (the callback
	 * owns it); returns 0 or a DL_EXIT_* code; signals held until then
	 * go to @target once it sets it */
	int (*on_event)(struct dl_session *s);
	int ev_fd;
	void *data;
	int status;		/* wait status of @child */
};

/**
 * dl_session_signals() - block the signals a session forwards or handles
 * (HUP INT QUIT TERM USR1 USR2 ALRM WINCH CHLD), ignore SIGPIPE; call
 * before forking the child, whose mask the child must reset
 * @old: receives the previous mask
 */
extern void dl_session_signals(sigset_t *old);

/**
 * dl_session_run() - run a session until @child has exited and its output
 * has been copied
 * @s: the session
 * @reason: receives the failure text
 * Return: 0 (the status is in @s->status) or a DL_EXIT_* code.
 */
extern int dl_session_run(struct dl_session *s, char **reason);


#endif
