/* SPDX-License-Identifier: Apache-2.0 */
/* xalloc.c: allocators that die on out-of-memory */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dl.h"

void dl_oom(void)
{
	dl_die_sys(DL_EXIT_FAIL, "unable to allocate 'memory'");
}

static void *checked(void *p)
{
	if (!p)
		dl_oom();
	return p;
}

void *dl_xmalloc(size_t n)
{
	return checked(malloc(n ? n : 1));
}

void *dl_xcalloc(size_t nmemb, size_t n)
{
	return checked(calloc(nmemb ? nmemb : 1, n ? n : 1));
}

void *dl_xrealloc(void *p, size_t n)
{
	return checked(realloc(p, n ? n : 1));
}

char *dl_xstrdup(const char *s)
{
	return checked(strdup(s));
}

char *dl_xvasprintf(const char *fmt, va_list ap)
{
	char *s = NULL;

	if (vasprintf(&s, fmt, ap) < 0)
		return checked(NULL);
	return s;
}

char *dl_xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = dl_xvasprintf(fmt, ap);
	va_end(ap);
	return s;
}
