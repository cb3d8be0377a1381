/* SPDX-License-Identifier: Apache-2.0 */
/* freeze.h: freeze a running container for as long as the caller lives */
#ifndef DL_FREEZE_H
#define DL_FREEZE_H

#include <stdbool.h>
#include <sys/types.h>

/*
 * The freeze is held by a guard: a child process in a session of its own,
 * with signals that a terminal or a process group sends ignored, which
 * freezes the container (liblxc c->freeze) and thaws it (c->unfreeze) when
 * the caller says so or ends, however it ends: the guard waits on a pipe
 * whose only writer is the caller, so even a SIGKILL of the caller thaws
 * the container.  The guard keeps the caller's stdout and stderr open until
 * it has thawed, so a shell reading the caller's output sees the end of
 * it only once the container runs again.
 */
struct dl_freeze {
	pid_t pid;	/* the guard, 0 when none runs */
	int ctl;	/* the caller's end of the pipe the guard waits on */
	int ack;	/* the guard's replies */
	bool frozen;	/* the guard froze the container */
};

/**
 * dl_freeze_start() - freeze container @id if it runs and is not frozen
 * @id: the full container ID
 * @fz: receives the guard; fz->frozen false when the container does not
 *      run or was frozen already (it is then left as it is)
 * @reason: receives the failure text
 *
 * Needs root.
 *
 * Return: 0, or DL_EXIT_FAIL (the container is not frozen then).
 */
extern int dl_freeze_start(const char *id, struct dl_freeze *fz,
			   char **reason);

/**
 * dl_freeze_end() - thaw what dl_freeze_start() froze and reap the guard;
 * nothing when it froze nothing, or was ended already
 * @fz: the guard
 * @reason: receives the failure text
 *
 * Return: 0, or DL_EXIT_FAIL when the guard could not thaw the container.
 */
extern int dl_freeze_end(struct dl_freeze *fz, char **reason);

#endif
