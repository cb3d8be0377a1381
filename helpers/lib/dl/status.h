/* SPDX-License-Identifier: Apache-2.0 */
/* status.h: exit statuses and signal names */
#ifndef DL_STATUS_H
#define DL_STATUS_H

/**
 * dl_exit_status() - the exit code of a wait status: its exit code, or
 * 128+N for signal N
 * @wstatus: the status from waitpid(2), or liblxc's c->error_num (which
 *           reports an init killed by signal N as if stopped by N)
 * Return: 0-255.
 */
extern int dl_exit_status(int wstatus);

/**
 * dl_signal_parse() - a signal by name ("KILL", "SIGKILL", "kill") or number
 * @s: the text
 * Return: the signal number, or -1.
 */
extern int dl_signal_parse(const char *s);

#endif
