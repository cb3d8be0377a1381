/* SPDX-License-Identifier: Apache-2.0 */
/* session.h: the stdio of a process in a container and the session
 * that copies it to and from ours */
#ifndef DL_SESSION_H
#define DL_SESSION_H

#include <signal.h>
#include <stdbool.h>
#include <sys/types.h>

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
