/* SPDX-License-Identifier: Apache-2.0 */
/* dl-sysctl-set: set a container's --sysctl values in its namespaces */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dl.h"
#include "dl/specload.h"

#define USAGE "dl-sysctl-set [-p PID] ID"
#define OPTIONS                                                                \
	"  -p PID   a process of the container (default: $LXC_PID, as LXC's\n" \
	"           start-host hook has it)\n"                               \
	"\nWrites each linux.sysctl value of the container's spec under\n"    \
	"/proc/sys, from inside the container's network namespace (net.*)\n"  \
	"or IPC namespace (the others), before its command runs: LXC's\n"     \
	"lxc.hook.start-host.  Extra operands after ID (LXC's) are ignored\n" \
	"when LXC_HOOK_VERSION is set.\n"

static const char *id;

/* Enter namespace @ns ("net", "ipc") of @pid. */
static void enter(pid_t pid, const char *ns)
{
	_cleanup_free_ char *p = dl_xasprintf("/proc/%d/ns/%s", (int)pid, ns);
	_cleanup_close_ int fd = open(p, O_RDONLY | O_CLOEXEC);

	if (fd < 0 || setns(fd, 0) < 0)
		dl_die_sys(DL_EXIT_FAIL, "unable to set sysctls of container "
			   "'%s': %s", id, p);
}

/* /proc/sys/K with K's dots as slashes; K is a checked key */
static void put(const char *key, const char *val)
{
	_cleanup_free_ char *path = dl_xasprintf("/proc/sys/%s", key);
	_cleanup_close_ int fd = -1;
	size_t n = strlen(val);
	char *p;

	for (p = path + 10; *p; p++)
		if (*p == '.')
			*p = '/';
	fd = open(path, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0 || write(fd, val, n) != (ssize_t)n)
		dl_die_sys(DL_EXIT_FAIL, "unable to set sysctl '%s' of "
			   "container '%s'", key, id);
}

int main(int argc, char **argv)
{
	_cleanup_free_ char *reason = NULL, *path = NULL;
	const char *pidstr = getenv("LXC_PID");
	struct dl_spec sp;
	bool hook = getenv("LXC_HOOK_VERSION") != NULL;
	char *end;
	long pid;
	size_t i;
	int c, r, pass;

	dl_set_prog(argv[0]);
	opterr = 0;
	if (dl_want_help(argc, argv))
		dl_help(USAGE, OPTIONS);
	while ((c = getopt(argc, argv, "+p:")) != -1) {
		if (c != 'p')
			dl_usage(USAGE);
		pidstr = optarg;
	}
	if (optind >= argc || (!hook && argc - optind != 1) || !pidstr)
		dl_usage(USAGE);
	id = argv[optind];
	if (!dl_is_id(id))
		dl_die(DL_EXIT_USAGE, "unable to set sysctls of container '%s': "
		       DL_ID_INVALID, id);
	errno = 0;
	pid = strtol(pidstr, &end, 10);
	if (errno || *end || pid <= 0)
		dl_usage(USAGE);
	dl_store_need();
	path = dl_path("containers/%s/spec.json", id);
	if ((r = dl_spec_load(path, &sp, &reason)))
		dl_die(r, "unable to set sysctls of container '%s': %s", id,
		       reason);
	/* a key was checked when the spec was read: [a-z0-9._-], no ".." */
	for (i = 0; i < sp.nsysctl; i++)
		if (strstr(sp.sysctl_keys[i], "..") || sp.sysctl_keys[i][0] == '.')
			dl_die(DL_EXIT_REJECT, "unable to set sysctl '%s' of "
			       "container '%s': invalid key", sp.sysctl_keys[i], id);
	/* the network ones first, then the IPC ones, one setns each */
	for (pass = 0; pass < 2; pass++) {
		bool entered = false;

		for (i = 0; i < sp.nsysctl; i++) {
			bool net = !strncmp(sp.sysctl_keys[i], "net.", 4);

			if (net != (pass == 0))
				continue;
			if (!entered)
				enter((pid_t)pid, net ? "net" : "ipc");
			entered = true;
			put(sp.sysctl_keys[i], sp.sysctl_vals[i]);
		}
	}
	dl_spec_free(&sp);
	return 0;
}
