/* SPDX-License-Identifier: Apache-2.0 */
/* path.c: the on-disk layout of the store */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dl.h"

const char *dl_root(void)
{
	const char *r = getenv("DL_ROOT");

	return r && *r ? r : "/var/lib/dockerlite";
}

char *dl_path(const char *fmt, ...)
{
	_cleanup_free_ char *rest = NULL;
	va_list ap;

	va_start(ap, fmt);
	rest = dl_xvasprintf(fmt, ap);
	va_end(ap);
	return dl_xasprintf("%s/%s", dl_root(), rest);
}

int dl_store_check(char **reason)
{
	_cleanup_free_ char *marker = dl_path(".dockerlite");

	if (access(marker, F_OK) == 0)
		return 0;
	if (errno == ENOENT || errno == ENOTDIR)
		return dl_fail(reason, DL_EXIT_NO,
			       "not initialised (run 'dl init')");
	return dl_fail(reason, DL_EXIT_FAIL, "%s", strerror(errno));
}

bool dl_is_safe_relpath(const char *p)
{
	const char *s = p;

	if (!p || !*p || *p == '/')
		return false;
	while (*s) {
		size_t n = strcspn(s, "/");

		if (n == 2 && s[0] == '.' && s[1] == '.')
			return false;
		s += n;
		while (*s == '/')
			s++;
	}
	return true;
}
