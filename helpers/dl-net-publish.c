/* SPDX-License-Identifier: Apache-2.0 */
/* dl-net-publish: redirect the host ports of a container's ports.json to
 * it, in dl's nftables table */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dl.h"
#include "dl/netconf.h"
#include "dl/portmap.h"
#include "dl/ports.h"

#define USAGE "dl-net-publish CONTAINER_ID"
#define OPTIONS                                                                \
	"  -h, --help   show this help\n"                                      \
	"\nReads containers/ID/ports.json (written by dl-spawn, which holds "  \
	"the\nhost ports while the container lives).\n"

/* A packet from 127.0.0.0/8 may leave on the bridge (masqueraded). */
static int localnet_on(const char *bridge)
{
	_cleanup_free_ char *path = dl_xasprintf(
		"/proc/sys/net/ipv4/conf/%s/route_localnet", bridge);
	int fd = open(path, O_WRONLY | O_CLOEXEC), r;

	if (fd < 0)
		return -1;
	r = write(fd, "1\n", 2) == 2 ? 0 : -1;
	close(fd);
	return r;
}

int main(int argc, char **argv)
{
	_cleanup_free_ char *reason = NULL, *file = NULL, *dir = NULL;
	_cleanup_free_ char *owner = NULL;
	_cleanup_free_ struct dl_port *p = NULL;
	char bridge[IF_NAMESIZE];
	struct in_addr to;
	const char *id;
	size_t n;
	int r;

	dl_set_prog(argv[0]);
	if (dl_want_help(argc, argv))
		dl_help(USAGE, OPTIONS);
	if (argc != 2 || argv[1][0] == '-')
		dl_usage(USAGE);
	id = argv[1];
	if (!dl_is_id(id))
		dl_die(DL_EXIT_USAGE, "unable to publish the ports of '%s': "
		       DL_ID_INVALID, id);
	dl_store_need();
	dir = dl_path("containers/%s", id);
	owner = realpath(dir, NULL);
	if (!owner)
		dl_die(errno == ENOENT ? DL_EXIT_NO : DL_EXIT_FAIL,
		       "unable to publish the ports of '%s': %s", id,
		       errno == ENOENT ? "no such container" : strerror(errno));
	file = dl_xasprintf("%s/ports.json", owner);
	if ((r = dl_ports_load(file, &to, bridge, &p, &n, &reason)))
		dl_die(r, "unable to publish the ports of '%s': %s", id,
		       reason);
	if (!dl_bridge_name_valid(bridge) || localnet_on(bridge) < 0)
		dl_die_sys(DL_EXIT_FAIL, "unable to publish the ports of '%s': "
			   "route_localnet of '%s'", id, bridge);
	if ((r = dl_port_publish(owner, to, p, n, &reason)))
		dl_die(r, "unable to publish the ports of '%s': %s", id,
		       reason);
	return dl_finish_stdout();
}
