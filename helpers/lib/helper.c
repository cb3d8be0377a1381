/* SPDX-License-Identifier: Apache-2.0 */
/* helper.c: running another helper of dockerlite, found beside this one */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "dl.h"
#include "dl/helper.h"

extern char **environ;

char *dl_helper_path(const char *name)
{
	const char *env = getenv("DL_EXEC_PATH");
	char self[PATH_MAX];
	ssize_t n;
	char *slash;

	if (env && *env)
		return dl_xasprintf("%s/%s", env, name);
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n <= 0)
		return dl_xstrdup(name);
	self[n] = '\0';
	slash = strrchr(self, '/');
	if (slash)
		*slash = '\0';
	return dl_xasprintf("%s/%s", self, name);
}

int dl_helper_run(const char *const *argv, int in, int out, int dir)
{
	_cleanup_free_ char *prog = dl_helper_path(argv[0]);
	int status;
	pid_t pid;

	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return DL_EXIT_FAIL;
	if (pid == 0) {
		/* found before the working directory changes */
		int exe = open(prog, O_PATH | O_CLOEXEC);

		if (exe < 0)
			_exit(127);
		if ((in >= 0 && dup2(in, STDIN_FILENO) < 0) ||
		    (out >= 0 && dup2(out, STDOUT_FILENO) < 0) ||
		    (dir >= 0 && fchdir(dir) < 0))
			_exit(DL_EXIT_FAIL);
		execveat(exe, "", (char *const *)argv, environ, AT_EMPTY_PATH);
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return DL_EXIT_FAIL;
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}
