/* SPDX-License-Identifier: Apache-2.0 */
/* exec.c: finding and executing a command as execve(2) would in the
 * container: the PATH walk, with Docker's default PATH */
#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dl.h"
#include "dl/exec.h"
#include "dl/rootpath.h"

/* 0 when @path is an executable regular file in the root, else an errno */
static int check_exec(int rootfd, const char *path)
{
	_cleanup_close_ int fd = dl_root_open(rootfd, path, O_PATH, 0);
	struct stat sb;

	if (fd < 0 || fstat(fd, &sb) < 0)
		return errno;
	if (S_ISDIR(sb.st_mode))
		return EISDIR;
	if (!S_ISREG(sb.st_mode) || !(sb.st_mode & 0111))
		return EACCES;
	return 0;
}

static const char *env_get(char *const envp[], const char *key)
{
	size_t klen = strlen(key);

	for (; envp && *envp; envp++)
		if (!strncmp(*envp, key, klen) && (*envp)[klen] == '=')
			return *envp + klen + 1;
	return NULL;
}

/*
 * The next candidate of a PATH walk for @file, in @buf: "DIR/FILE", or
 * FILE for an empty entry (the working directory), as execvp(3) tries
 * them; *@fit tells whether it fitted.  @p walks the PATH value and is
 * NULL at the end.  Return: false when there is no next.
 */
static bool path_next(const char **p, const char *file, char *buf,
		      size_t size, bool *fit)
{
	size_t n;
	int len;

	if (!*p)
		return false;
	n = strcspn(*p, ":");
	len = n ? snprintf(buf, size, "%.*s/%s", (int)n, *p, file) :
		  snprintf(buf, size, "%s", file);
	*fit = len > 0 && (size_t)len < size;
	*p = (*p)[n] ? *p + n + 1 : NULL;
	return true;
}

int dl_root_find_exec(int rootfd, const char *cwd, const char *file,
		      char *const envp[], char **reason)
{
	const char *p;
	char buf[PATH_MAX];
	bool fit;
	int e;

	if (strchr(file, '/')) {
		_cleanup_free_ char *abs = file[0] == '/' ?
			dl_xstrdup(file) : dl_xasprintf("%s/%s", cwd, file);

		e = check_exec(rootfd, abs);
		if (e == 0)
			return 0;
		if (e == ENOENT || e == ENOTDIR || e == ELOOP) {
			*reason = dl_xasprintf("exec: \"%s\": stat %s: %s", file,
					       file, strerror(e));
			return DL_EXIT_NOT_FOUND;
		}
		*reason = dl_xasprintf("exec: \"%s\": %s", file,
				       e == EISDIR ? "is a directory" :
						     strerror(e));
		return DL_EXIT_CANNOT_INVOKE;
	}
	p = env_get(envp, "PATH");
	for (p = p ? p : DL_DEFAULT_PATH; path_next(&p, file, buf, sizeof(buf), &fit);) {
		_cleanup_free_ char *cand = NULL;

		if (!fit)
			continue;
		/* the root is walked from outside: a relative entry is
		 * relative to the working directory the command gets */
		cand = buf[0] == '/' ? dl_xstrdup(buf) :
				       dl_xasprintf("%s/%s", cwd, buf);
		if (check_exec(rootfd, cand) == 0)
			return 0;
	}
	*reason = dl_xasprintf("exec: \"%s\": executable file not found in $PATH",
			       file);
	return DL_EXIT_NOT_FOUND;
}

static void exec_fail(const char *verb, const char *id, const char *file,
		      const char *why)
{
	dprintf(STDERR_FILENO,
		"%s: fatal: unable to %s container '%s': exec: \"%s\": %s\n",
		dl_prog, verb, id, file, why);
}

int dl_exec_in(char *const *cmd, char *const *envp, const char *verb,
	       const char *id)
{
	const char *file = cmd[0], *p;
	char buf[PATH_MAX];
	struct stat sb;
	bool fit;
	int e;

	if (strchr(file, '/')) {
		execve(file, cmd, envp);
		e = errno;
		if (e == ENOENT || e == ENOTDIR || e == ELOOP) {
			snprintf(buf, sizeof(buf), "stat %s: %s", file,
				 strerror(e));
			exec_fail(verb, id, file, buf);
			return DL_EXIT_NOT_FOUND;
		}
		if (e == EACCES && stat(file, &sb) == 0 && S_ISDIR(sb.st_mode))
			exec_fail(verb, id, file, "is a directory");
		else
			exec_fail(verb, id, file, strerror(e));
		return DL_EXIT_CANNOT_INVOKE;
	}
	p = env_get(envp, "PATH");
	for (p = p ? p : DL_DEFAULT_PATH; path_next(&p, file, buf, sizeof(buf), &fit);) {
		if (!fit)
			continue;
		execve(buf, cmd, envp);
		e = errno;
		if (e != ENOENT && e != ENOTDIR && e != EACCES && e != ELOOP &&
		    e != ENAMETOOLONG) {
			exec_fail(verb, id, file, strerror(e));
			return DL_EXIT_CANNOT_INVOKE;
		}
	}
	exec_fail(verb, id, file, "executable file not found in $PATH");
	return DL_EXIT_NOT_FOUND;
}

