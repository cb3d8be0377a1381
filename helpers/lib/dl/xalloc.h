/* SPDX-License-Identifier: Apache-2.0 */
/* xalloc.h: allocators that die with 125 on out-of-memory.  Helpers are
 * short-lived processes, so dying is the right answer there. */
#ifndef DL_XALLOC_H
#define DL_XALLOC_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdnoreturn.h>
#include <sys/types.h>

extern noreturn void dl_oom(void); /* "unable to allocate 'memory'", 125 */
extern void *dl_xmalloc(size_t n);
extern void *dl_xcalloc(size_t nmemb, size_t n);
extern void *dl_xrealloc(void *p, size_t n);
extern char *dl_xstrdup(const char *s);
extern char *dl_xasprintf(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));
extern char *dl_xvasprintf(const char *fmt, va_list ap)
	__attribute__((format(printf, 1, 0)));

#endif
