/* SPDX-License-Identifier: Apache-2.0 */
/* relay.h: a detached container's stdio, relayed to attached clients
 * over containers/ID/attach.sock */
#ifndef DL_RELAY_H
#define DL_RELAY_H

#include <stdbool.h>
#include <sys/types.h>

/*
 * The wire: a SOCK_SEQPACKET unix socket, one message a frame, its first
 * byte the frame's kind, the rest its payload.
 *   relay to client: 'h' hello, payload "t" (a terminal) and/or "i"
 *                    (stdin open), sent first; 'o' stdout bytes, 'e'
 *                    stderr bytes; 'x' the command's exit code, in
 *                    decimal, the last frame.
 *   client to relay: 'i' stdin bytes; 'c' close the command's stdin;
 *                    'w' a struct winsize for the terminal.
 * Output reaches a client that keeps up; a frame its socket has no room
 * for is dropped for it alone (the log and the command never wait).
 */
#define DL_RELAY_SOCK "attach.sock"
#define DL_RELAY_FRAME 32768	/* the largest payload */

/* The relay process, as its supervisor sees it. */
struct dl_relay {
	pid_t pid;
	int ctl;	/* the exit code is written here at the end */
	int in;		/* the session reads the command's stdin here, or -1 */
	int out;	/* the session writes the command's stdout here */
	int err;	/* ...and its stderr */
	int first;	/* @hold: readable once the first client came */
};

/**
 * dl_relay_start() - listen on @dir/attach.sock (mode 0600, published by
 * rename over a stale one: dl_relay_clear()) and fork the relay process
 * that serves it
 * @r: receives the relay's ends (all O_CLOEXEC)
 * @dir: the container's directory
 * @master: the pty master of the command's terminal, or -1
 * @in: the command's stdin is fed from attached clients
 * @hold: keep the output (up to 1 MiB) until the first client attaches,
 *        for a client that starts right after the command
 * @reason: receives the failure text
 * Requires: root (the socket is root's). SIGCHLD handling is the caller's.
 * Return: 0 or DL_EXIT_FAIL.
 */
extern int dl_relay_start(struct dl_relay *r, const char *dir, int master,
			  bool in, bool hold, char **reason);

/**
 * dl_relay_clear() - remove @dir/attach.sock when nobody listens on it
 * (connect(2) refused: the relay of a supervisor killed before it could
 * remove it); a socket served, or none, is left as it is
 * @dir: the container's directory
 * Requires: root; the caller holds the container's lock (dl_state_lock())
 * or is about to publish a new socket over it.
 * Return: 1 when a stale socket was removed, 0 when there was none to
 * remove, -1 with errno set.
 */
extern int dl_relay_clear(const char *dir);

/**
 * dl_relay_wait_first() - with @hold, wait until the first client has
 * attached (or the relay is gone), @timeout_ms at most; at once otherwise
 * @r: the relay
 * @timeout_ms: the longest wait
 */
extern void dl_relay_wait_first(struct dl_relay *r, int timeout_ms);

/**
 * dl_relay_end() - the command ended with @code: the relay sends what is
 * left and @code to its clients, removes the socket and exits; wait for it
 * @r: the relay (its descriptors are closed)
 * @code: the command's exit code
 */
extern void dl_relay_end(struct dl_relay *r, int code);

#endif
