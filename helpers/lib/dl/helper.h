/* SPDX-License-Identifier: Apache-2.0 */
/* helper.h: running another helper of dockerlite, found beside this one */
#ifndef DL_HELPER_H
#define DL_HELPER_H

/**
 * dl_helper_path() - where helper @name is: in $DL_EXEC_PATH, else in the
 * directory of the running program
 * @name: the helper, for example "dl-extract"
 * Return: a malloc'd path (never NULL).
 */
extern char *dl_helper_path(const char *name);

/**
 * dl_helper_run() - run helper @argv[0] (a name, found by dl_helper_path())
 * and wait for it; its messages go to our stderr
 * @argv: the name and its arguments, NULL-terminated
 * @in: its stdin, or -1 for ours
 * @out: its stdout, or -1 for ours
 * @dir: its working directory, or -1 for ours
 * Return: its exit code; 128+N when signal N ended it; DL_EXIT_FAIL (with
 * errno set) when it could not be started, 127 when it could not be run.
 */
extern int dl_helper_run(const char *const *argv, int in, int out, int dir);

#endif
