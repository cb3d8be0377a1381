/* SPDX-License-Identifier: Apache-2.0 */
/* path.h: the on-disk layout of the store */
#ifndef DL_PATH_H
#define DL_PATH_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdnoreturn.h>
#include <sys/types.h>

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
 * dl_store_check() - tell whether the store exists (dl init made it:
 * $DL_ROOT/.dockerlite is there)
 * @reason: receives the reason on failure
 *
 * Every helper that reads or writes the store calls it after its usage
 * checks and before anything else, and prints
 * "unable to open store 'DL_ROOT': REASON".
 * Return: 0, DL_EXIT_NO when the store is not initialised, DL_EXIT_FAIL
 * when it cannot be looked at.
 */
extern int dl_store_check(char **reason);

/**
 * dl_is_safe_relpath() - tell whether @p is relative with no ".." component
 * @p: the path
 * Return: true when @p is non-empty, not absolute and has no "..".
 */
extern bool dl_is_safe_relpath(const char *p);

#endif
