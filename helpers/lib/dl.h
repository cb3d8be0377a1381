/* SPDX-License-Identifier: Apache-2.0 */
/* dl.h: the core of libdl, the internal library every helper links.
 *
 * Library modules: one job a file, its header named after it (dl-NAME.h
 * for NAME.c; dl.h declares the small core ones):
 *   err        the message format, dl_fail(), dl_die() (for main only)
 *   xalloc     allocators that die on out-of-memory
 *   fault      crash points for tests (DL_FAULT)
 *   id, path, file   IDs, the store layout, whole-file I/O
 *   json, time, tmp  jansson I/O, timestamps, temporary subvolumes
 *   btrfs, node, copy, archive   subvolumes, owner and mode, tree copies
 *              (dl-tree.h), tar
 *   ref        names, tags and the references of the store
 *   imgconfig, change, image, publish   image configs, diffs, images
 *   container, state, freeze, live   containers, state.json, freezing
 *   caps       capability names and Docker's default set
 *   spec       building spec.json from options and the image config
 *   specload   reading and checking spec.json to run it
 *   lxcconf    the LXC config and seccomp profile made from a spec
 *   lxc        liblxc glue: memfd re-exec, liblxc's log, pid, kill, state
 *   rootpath   paths and users inside a container's root
 *   rootprep   the mount points of a spec, made inside the root
 *   exec       the PATH walk and execve(2) as in the container
 *   init       the container's PID 1
 *   session    a process's stdio and the I/O pump of a session
 *   status     exit statuses and signal names
 *
 * The library never prints and never exits: a function returns 0 or a
 * DL_EXIT_* code with a bare reason made by dl_fail() (or -1 with errno,
 * as its header says), and main builds "PROG: fatal: unable to VERB
 * 'OBJ': REASON".  Out of memory dies in xalloc (dl_oom()).  The one
 * other exception is code that runs in a process of its own with no main
 * to return to: the container's init (init.c, a fork of liblxc's), the
 * command's exec child (exec.c, dl_exec_in()) and the freeze guard
 * (freeze.c); they write their error to their stderr and _exit(2).
 */
#ifndef DL_H
#define DL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdnoreturn.h>
#include <sys/types.h>

#include "cleanup.h"

#ifndef DL_VERSION
#define DL_VERSION "0.0.0"
#endif

/* The one exit-code table of every helper and front script (MANUAL.md). */
enum {
	DL_EXIT_OK = 0,
	DL_EXIT_NO = 1,
	DL_EXIT_USAGE = 2,
	DL_EXIT_CONFLICT = 3,
	DL_EXIT_REJECT = 4,
	DL_EXIT_CANNOT_INVOKE = 126,
	DL_EXIT_NOT_FOUND = 127,
	DL_EXIT_FAIL = 125,
};

/* err.c: messages in the one format "PROG: fatal: unable to VERB 'OBJ': REASON" */

/* The program name used in every message; set by dl_set_prog(). */
extern const char *dl_prog;

/* Exit code of dl_usage(); helpers of the run family set it to 125. */
extern int dl_usage_exit;

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
 * dl_usage() - print "PROG: usage: USAGE" to stderr and exit dl_usage_exit
 * @usage: the synopsis
 */
extern noreturn void dl_usage(const char *usage);

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

/* fault.c: crash points for tests */

/**
 * dl_fault() - die by SIGKILL here when DL_FAULT names @step
 * @step: the name of this point, "PROG:WHAT" (MANUAL.md lists them)
 *
 * DL_FAULT is a comma-separated list of step names.  The process kills
 * itself as a crash or "kill -9" would, so the tests can check that every
 * step of an operation leaves a store that the next command or
 * "dl system check --repair" brings back.  Unset, this costs one getenv().
 */
extern void dl_fault(const char *step);

/* xalloc.c: allocators that die with 125 on out-of-memory.  Helpers are
 * short-lived processes, so dying is the right answer there. */
extern noreturn void dl_oom(void); /* "unable to allocate 'memory'", 125 */
extern void *dl_xmalloc(size_t n);
extern void *dl_xcalloc(size_t nmemb, size_t n);
extern void *dl_xrealloc(void *p, size_t n);
extern char *dl_xstrdup(const char *s);
extern char *dl_xasprintf(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));
extern char *dl_xvasprintf(const char *fmt, va_list ap)
	__attribute__((format(printf, 1, 0)));

/* id.c: object identifiers */

/* Length of an ID: 64 lowercase hex digits (256 bits, as Docker's). */
#define DL_ID_LEN 64

/**
 * dl_is_id() - tell whether @s is a full ID (64 lowercase hex digits)
 * @s: the string
 * Return: true or false.
 */
extern bool dl_is_id(const char *s);

/**
 * dl_is_id_prefix() - tell whether @s is 1 to 64 lowercase hex digits
 * @s: the string
 * Return: true or false.
 */
extern bool dl_is_id_prefix(const char *s);

/**
 * dl_new_id() - make a fresh random ID
 * @out: receives 64 hex digits and a NUL
 * Return: 0, or -1 with errno set (getrandom failed).
 */
extern int dl_new_id(char out[DL_ID_LEN + 1]);

/* path.c: the on-disk layout of the store */

/**
 * dl_root() - the store path: $DL_ROOT, or /var/lib/dockerlite
 * Return: a static string, never NULL.
 */
extern const char *dl_root(void);

/**
 * dl_path() - a path inside the store, dl_root() + "/" + formatted rest
 * @fmt: printf format of the part below the store
 * Return: a malloc'd string (dies on OOM).
 */
extern char *dl_path(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/**
 * dl_is_safe_relpath() - tell whether @p is relative with no ".." component
 * @p: the path
 * Return: true when @p is non-empty, not absolute and has no "..".
 */
extern bool dl_is_safe_relpath(const char *p);

/* file.c: whole-file I/O */

/**
 * dl_write_file_atomic() - write @len bytes to @path by temp file + fsync
 * + rename(2) + fsync of the directory, so readers see old or new, never half
 * @path: destination
 * @buf: content
 * @len: its length
 * @mode: permission bits of the new file
 * Return: 0, or -1 with errno set; nothing is left behind on failure.
 */
extern int dl_write_file_atomic(const char *path, const void *buf, size_t len,
				mode_t mode);

/* Flags of dl_write_file_atomic_flags(). */
#define DL_WRITE_NOSYNC 0x1U /* no fsync(2) of the file nor its directory */

/**
 * dl_write_file_atomic_flags() - dl_write_file_atomic() with @flags
 * @path: destination
 * @buf: content
 * @len: its length
 * @mode: permission bits of the new file
 * @flags: 0, or DL_WRITE_NOSYNC: still temp file + rename(2), so readers
 *         see old or new, never half, but nothing is made durable: for
 *         files rebuilt from others at every use, or for a tree that the
 *         caller makes durable with one sync before publishing it
 *         (dl_image_sync())
 * Return: 0, or -1 with errno set; nothing is left behind on failure.
 */
extern int dl_write_file_atomic_flags(const char *path, const void *buf,
				      size_t len, mode_t mode,
				      unsigned int flags);

/**
 * dl_read_file() - read a whole file (or stdin when @path is "-")
 * @path: the file
 * @out: receives a malloc'd NUL-terminated buffer
 * @len: receives the length, may be NULL
 * Return: 0, or -1 with errno set.
 */
extern int dl_read_file(const char *path, char **out, size_t *len);

/**
 * dl_mkdir_p() - make a directory and its parents
 * @path: the directory
 * @mode: mode of the directories made
 * Return: 0 (also when it exists), or -1 with errno set.
 */
extern int dl_mkdir_p(const char *path, mode_t mode);

#endif
