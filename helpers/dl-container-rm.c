/* SPDX-License-Identifier: Apache-2.0 */
/* dl-container-rm: remove a container that is not running */
#include <errno.h>
#include <getopt.h>
#include <stdint.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include <jansson.h>

#include "dl.h"
#include "dl-container.h"
#include "dl-json.h"

#define USAGE "dl-container-rm CONTAINER_ID"

/* Whether state.json says running and its pid is alive. */
static bool is_running(const char *id)
{
	_cleanup_free_ char *path = dl_path("containers/%s/state.json", id);
	_cleanup_free_ char *why = NULL;
	json_t *st = dl_json_load(path, &why), *status, *pid;
	bool running = false;

	if (!st)
		return false;
	status = json_object_get(st, "status");
	pid = json_object_get(st, "pid");
	if (json_is_string(status) && !strcmp(json_string_value(status),
					      "running") &&
	    json_is_integer(pid) && json_integer_value(pid) > 0 &&
	    json_integer_value(pid) <= INT32_MAX)
		running = kill((pid_t)json_integer_value(pid), 0) == 0 ||
			  errno == EPERM;
	json_decref(st);
	return running;
}

int main(int argc, char **argv)
{
	_cleanup_free_ char *why = NULL, *dir = NULL;
	const char *id;
	struct stat st;
	int ret;

	dl_set_prog(argv[0]);
	opterr = 0;
	if (dl_want_help(argc, argv))
		dl_help(USAGE, NULL);
	if (getopt(argc, argv, "+") != -1 || argc - optind != 1)
		dl_usage(USAGE);
	id = argv[optind];
	if (!dl_is_id(id))
		dl_usage(USAGE);

	dir = dl_path("containers/%s", id);
	if (lstat(dir, &st) < 0) {
		if (errno == ENOENT)
			dl_die(DL_EXIT_NO, "unable to remove container '%s': "
			       "no such container", id);
		dl_die_sys(DL_EXIT_FAIL, "unable to remove container '%s'", id);
	}
	if (is_running(id))
		dl_die(DL_EXIT_CONFLICT, "unable to remove container '%s': "
		       "container is running", id);
	ret = dl_container_remove(id, &why);
	if (ret)
		dl_die(ret, "unable to remove container '%s': %s", id, why);
	return dl_finish_stdout();
}
