/* SPDX-License-Identifier: Apache-2.0 */
/* exec.c: finding and executing a command as execve(2) would in the
 * container: the PATH walk, with Docker's default PATH */
#include <errno.h>
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

int dl_root_find_exec(int rootfd, const char *cwd, const char *file,
		      char *const envp[], char **reason)
{
	const char *path, *p;
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
	path = env_get(envp, "PATH");
	for (p = path ? path : DL_DEFAULT_PATH;; p++) {
		size_t n = strcspn(p, ":");
		_cleanup_free_ char *cand = NULL;

		if (n == 0)
			cand = dl_xasprintf("%s/%s", cwd, file);
		else if (p[0] == '/')
			cand = dl_xasprintf("%.*s/%s", (int)n, p, file);
		else
			cand = dl_xasprintf("%s/%.*s/%s", cwd, (int)n, p, file);
		if (check_exec(rootfd, cand) == 0)
			return 0;
		p += n;
		if (!*p)
			break;
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
	const char *file = cmd[0], *path, *p;
	char buf[PATH_MAX];
	struct stat sb;
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
	path = env_get(envp, "PATH");
	for (p = path ? path : DL_DEFAULT_PATH;; p++) {
		size_t n = strcspn(p, ":");
		int len = n ? snprintf(buf, sizeof(buf), "%.*s/%s", (int)n, p, file) :
			      snprintf(buf, sizeof(buf), "%s", file);

		if (len > 0 && (size_t)len < sizeof(buf)) {
			execve(buf, cmd, envp);
			e = errno;
			if (e != ENOENT && e != ENOTDIR && e != EACCES &&
			    e != ELOOP && e != ENAMETOOLONG) {
				exec_fail(verb, id, file, strerror(e));
				return DL_EXIT_CANNOT_INVOKE;
			}
		}
		p += n;
		if (!*p)
			break;
	}
	exec_fail(verb, id, file, "executable file not found in $PATH");
	return DL_EXIT_NOT_FOUND;
}

