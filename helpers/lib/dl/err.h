/* SPDX-License-Identifier: Apache-2.0 */
/* err.h: messages in the one format "PROG: fatal: unable to VERB 'OBJ': REASON" */
#ifndef DL_ERR_H
#define DL_ERR_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdnoreturn.h>
#include <sys/types.h>

/* The program name used in every message; set by dl_set_prog(). */
extern const char *dl_prog;

/**
 * dl_set_prog() - set the program name: $DL_PROG when set (the dl command
 * the user typed, "dl stop", which the front scripts export), else argv[0]
 * @argv0: argv[0]; its basename is kept
 */
extern void dl_set_prog(const char *argv0);

/**
 * dl_fail() - the one failure return of the library: set *@reason to the
 * bare reason (no program name, no "fatal"), to be put in a message
 * "PROG: fatal: unable to VERB 'OBJ': REASON" by main, and return @code
 * @reason: receives the malloc'd text; may be NULL (nothing is kept)
 * @code: the DL_EXIT_* code to return
 * @fmt: printf format of the reason
 *
 * Library functions never print nor exit: they return 0, or a DL_EXIT_*
 * code with a reason made here (or -1 with errno set, as their header
 * says).  Return: @code.
 */
extern int dl_fail(char **reason, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/**
 * dl_die() - print "PROG: fatal: MESSAGE" to stderr and exit
 * @code: the exit code
 * @fmt: printf format of the message
 */
extern noreturn void dl_die(int code, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/**
 * dl_die_sys() - like dl_die(), with ": strerror(errno)" appended
 * @code: the exit code
 * @fmt: printf format of the message
 */
extern noreturn void dl_die_sys(int code, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/**
 * dl_warn() - print "PROG: warning: MESSAGE" to stderr
 * @fmt: printf format of the message
 */
extern void dl_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/**
 * dl_info() - print "PROG: info: MESSAGE" to stderr
 * @fmt: printf format of the message
 */
extern void dl_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/**
 * dl_usage() - print "PROG: usage: USAGE" to stderr and exit 2
 * @usage: the synopsis
 */
extern noreturn void dl_usage(const char *usage);

/**
 * dl_store_need() - exit 1 with "PROG: fatal: unable to open store
 * 'DL_ROOT': not initialised (run 'dl init')" unless the store exists
 * (dl_store_check()); every helper that reads or writes the store calls
 * it after its usage checks, before anything else
 */
extern void dl_store_need(void);

/**
 * dl_help() - print the synopsis and option table to stdout and exit 0
 * @usage: the synopsis
 * @options: the aligned option table, or NULL
 */
extern noreturn void dl_help(const char *usage, const char *options);

/**
 * dl_want_help() - tell whether argv asks for help (first argument -h/--help)
 * @argc: argument count
 * @argv: arguments
 *
 * Return: true when argv[1] is "-h" or "--help".
 */
extern bool dl_want_help(int argc, char **argv);

/**
 * dl_finish_stdout() - flush and close stdout, checking for write errors
 *
 * Return: 0, or dies with 125 when stdout could not be written (full disk,
 * broken pipe), so that such a failure is never reported as success.
 */
extern int dl_finish_stdout(void);

#endif
