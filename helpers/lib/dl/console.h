/* SPDX-License-Identifier: Apache-2.0 */
/* console.h: attach our stdio to a detached container's (relay.h) */
#ifndef DL_CONSOLE_H
#define DL_CONSOLE_H

#include <stdbool.h>
#include <stddef.h>

#define DL_CONSOLE_KEYS_MAX 16
#define DL_CONSOLE_STOPPED \
	"You cannot attach to a stopped container, start it first"

struct dl_console {
	const char *id;		/* the full container ID */
	bool in, out, err;	/* the streams attached */
	bool sig_proxy;		/* signals go to the command (not with a
				 * terminal, as Docker's) */
	bool stdin_once;	/* the end of our stdin closes the command's */
	unsigned char keys[DL_CONSOLE_KEYS_MAX];	/* the detach keys */
	size_t nkeys;		/* 0: none */
};

/**
 * dl_console_keys() - parse Docker's detach keys ("ctrl-p,ctrl-q": each
 * "ctrl-" and a letter or one of @[\]^_, or one character)
 * @c: receives them
 * @spec: the text; "" for none
 * Return: 0, or -1 when @spec is not valid.
 */
extern int dl_console_keys(struct dl_console *c, const char *spec);

/**
 * dl_console_run() - attach until the command ends or the detach keys are
 * typed: its output to our stdout and stderr, our stdin to it (raw, and
 * the window size passed on, when it has a terminal)
 * @c: what to attach
 * @code: receives the command's exit code, or -1 when we detached
 * @reason: receives the failure text
 * Requires: root.
 * Return: 0; DL_EXIT_NO when the container is not running (the reason
 * DL_CONSOLE_STOPPED) or runs in the foreground of its dl-spawn;
 * DL_EXIT_FAIL.
 */
extern int dl_console_run(const struct dl_console *c, int *code,
			  char **reason);

#endif
