/* SPDX-License-Identifier: Apache-2.0 */
/* exec.h: finding and executing a command as execve(2) would in the
 * container */
#ifndef DL_EXEC_H
#define DL_EXEC_H

/* Docker's PATH, when the environment has none. */
#define DL_DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

/**
 * dl_root_find_exec() - find @file as execve(2) would in the container:
 * through PATH of @envp when it has no slash, relative to @cwd otherwise;
 * symbolic links resolve inside @rootfd
 * @rootfd: the container's root directory
 * @cwd: the absolute working directory in the container
 * @file: the command
 * @envp: its environment
 * @reason: receives the Docker-style failure text ("exec: \"foo\": ...")
 * Return: 0, DL_EXIT_NOT_FOUND (127) or DL_EXIT_CANNOT_INVOKE (126).
 */
extern int dl_root_find_exec(int rootfd, const char *cwd, const char *file,
			     char *const envp[], char **reason);

/**
 * dl_exec_in() - PATH search and execve(2) of @cmd with @envp, as the
 * container's init does; on failure print "PROG: fatal: unable to VERB
 * container 'ID': exec: ..." to stderr
 * @cmd: the command and its arguments
 * @envp: the environment
 * @verb: "start" or "exec in"
 * @id: the container ID, for messages
 * Return: only on failure: 127 (not found) or 126.
 */
extern int dl_exec_in(char *const *cmd, char *const *envp, const char *verb,
		      const char *id);

#endif
