/* SPDX-License-Identifier: Apache-2.0 */
/* init.h: the container's PID 1, dockerlite's own */
#ifndef DL_INIT_H
#define DL_INIT_H

struct dl_bpf;
struct dl_spec;

/**
 * dl_init_arm() - make the container's init dockerlite's own: liblxc 5 runs
 * the init of an application container inside the forked image of the
 * caller; when it forks the command, a fork handler takes over instead.
 * The init (liblxc starts it as root in "/", lxc.init.uid 0 and cwd "/")
 * first closes every descriptor but 0-2 and @readyfd (liblxc's, the
 * host's), makes the mount tree slave (private, but for rslave volumes)
 * and every mount that came with a read-only bind, a --read-only root, a
 * read-only path or /sys (unless privileged) read-only (mount_setattr(2)
 * one by one: read-only all the way down), loads the seccomp filter
 * (dl_init_seccomp()), then takes the spec's user
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
 * @readyfd: the descriptor the init finds the write end of a pipe (or a
 *           connected socket) at, to which it writes one byte, then
 *           closes, once the command is exec'd (or failed to be): the
 *           event a supervisor waits for instead of polling liblxc (on
 *           a socket with SO_PASSCRED, the kernel adds the init's pid as
 *           the supervisor sees it); -1 for none.  The command never
 *           holds it (it is closed in the child before the exec).
 */
extern void dl_init_arm(char **argv, const struct dl_spec *spec,
			char *const *envp, const char *id, int errfd,
			int readyfd);

/**
 * dl_init_seccomp() - the seccomp filter the init loads once its mounts
 * are made, before it takes the spec's user and drops its capabilities
 * (so the command and everything it starts run under it, and the init's
 * own mount calls do not); a filter that fails to load ends the start
 * @prog: the program (it must live until the start), or NULL for none
 */
extern void dl_init_seccomp(const struct dl_bpf *prog);

#endif
