/* SPDX-License-Identifier: Apache-2.0 */
/* netjoin.c: a running container connected to more networks */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "dl.h"
#include "dl/bridge.h"
#include "dl/lease.h"
#include "dl/netconf.h"
#include "dl/netfiles.h"
#include "dl/netjoin.h"
#include "dl/netmember.h"
#include "dl/state.h"

/* A container not running: the connection recorded for its next starts,
 * as Docker's. */
static int connect_stopped(const char *dir, const char *own,
			   const char *name, char *const *aliases,
			   size_t nalias, char **reason)
{
	size_t n = 0;
	char **v;
	bool on;

	if (!strcmp(own, name)) {
		if (!dl_net_own_left(dir))
			return dl_fail(reason, DL_EXIT_CONFLICT, "it is on "
				       "that network already");
		if (dl_net_own_leave(dir, false) < 0)
			return dl_fail(reason, DL_EXIT_FAIL, "%s/" DL_NET_LEFT
				       ": %s", dir, strerror(errno));
		return 0;
	}
	v = dl_net_connected(dir, &n);
	on = false;
	for (size_t i = 0; i < n; i++)
		on |= !strcmp(v[i], name);
	dl_net_list_free(v, n);
	if (on)
		return dl_fail(reason, DL_EXIT_CONFLICT, "it is on that "
			       "network already");
	if (dl_net_connected_save(dir, NULL, name, aliases, nalias) < 0)
		return dl_fail(reason, DL_EXIT_FAIL, "%s/networks: %s", dir,
			       strerror(errno));
	return 0;
}

int dl_net_connect(const char *id, const char *name, char *const *aliases,
		   size_t nalias, char *addr, char **reason)
{
	_cleanup_free_ char *dir = NULL, *path = NULL, *own = NULL;
	_cleanup_free_ char *ns = NULL, *host_if = NULL, *al = NULL;
	_cleanup_free_ char *base = NULL, *hosts = NULL;
	_cleanup_close_ int nsfd = -1;
	char ifname[IF_NAMESIZE];
	unsigned char mac[6];
	struct dl_state st;
	struct dl_net net;
	struct in_addr a;
	bool running;
	int r;

	*reason = NULL;
	path = dl_path("containers/%s", id);
	dir = realpath(path, NULL);
	if (!dir)
		return dl_fail(reason, DL_EXIT_NO, "no such container");
	running = !dl_state_read(id, &st, reason) &&
		  st.status == DL_STATUS_RUNNING && st.pid > 0 &&
		  dl_state_supervised(id);
	free(*reason);
	*reason = NULL;
	own = dl_net_own(dir);
	if (!strcmp(own, "none") || !strcmp(own, "host") ||
	    !strncmp(own, "container:", 10))
		return dl_fail(reason, DL_EXIT_CONFLICT, "its network is "
			       "'%s': it has no network of its own to add to",
			       own);
	if ((r = dl_net_load_named(name, &net, NULL, reason)))
		return r;
	if (!running) {
		*addr = '\0';
		return connect_stopped(dir, own, name, aliases, nalias,
				       reason);
	}
	if (!dl_bridge_exists(&net))
		return dl_fail(reason, DL_EXIT_FAIL, "its bridge '%s' is not "
			       "up (dl-net-up)", net.bridge);
	if (dl_net_lease_of(&net, dir, &a))
		return dl_fail(reason, DL_EXIT_CONFLICT, "it is on that "
			       "network already");
	ns = dl_xasprintf("/proc/%d/ns/net", (int)st.pid);
	nsfd = open(ns, O_RDONLY | O_CLOEXEC);
	if (nsfd < 0)
		return dl_fail(reason, DL_EXIT_FAIL, "%s: %s", ns,
			       strerror(errno));
	if ((r = dl_lease_take(&net, dir, &a, reason)))
		return r;
	host_if = dl_net_host_end(id, a);
	dl_net_mac(a, mac);
	if ((r = dl_bridge_attach(&net, host_if, nsfd, a, mac, ifname,
				  reason)))
		goto undo_lease;
	/* a member of the network has its own lines (hosts.base): the
	 * hosts it has now, for a container of the default bridge */
	base = dl_xasprintf("%s/hosts.base", dir);
	if (access(base, F_OK) < 0) {
		free(path);
		path = dl_xasprintf("%s/hosts", dir);
		if (dl_read_file(path, &hosts, NULL) < 0 ||
		    dl_write_file_atomic_flags(base, hosts, strlen(hosts),
					       0644, DL_WRITE_NOSYNC) < 0) {
			r = dl_fail(reason, DL_EXIT_FAIL, "%s: %s", base,
				    strerror(errno));
			goto undo_link;
		}
	}
	al = dl_xasprintf("%s/aliases.%s", dir, net.bridge);
	if (nalias) {
		char *text = dl_xstrdup(""), *next;

		for (size_t i = 0; i < nalias; i++) {
			next = dl_xasprintf("%s%s\n", text, aliases[i]);
			free(text);
			text = next;
		}
		r = dl_write_file_atomic_flags(al, text, strlen(text), 0644,
					       DL_WRITE_NOSYNC);
		free(text);
		if (r < 0) {
			r = dl_fail(reason, DL_EXIT_FAIL, "%s: %s", al,
				    strerror(errno));
			goto undo_link;
		}
	}
	if (dl_net_connected_save(dir, NULL, name, aliases, nalias) < 0) {
		r = dl_fail(reason, DL_EXIT_FAIL, "%s/networks: %s", dir,
			    strerror(errno));
		goto undo_aliases;
	}
	/* back on its own network: its next starts join it again */
	if (!strcmp(own, name) && dl_net_own_leave(dir, false) < 0) {
		r = dl_fail(reason, DL_EXIT_FAIL, "%s/" DL_NET_LEFT ": %s",
			    dir, strerror(errno));
		goto undo_list;
	}
	if ((r = dl_net_hosts_refresh(&net, reason)))
		return r;
	inet_ntop(AF_INET, &a, addr, INET_ADDRSTRLEN);
	return 0;

undo_list:
	(void)dl_net_connected_save(dir, name, NULL, NULL, 0);

undo_aliases:
	(void)unlink(al);
undo_link:
	{
		_cleanup_free_ char *why = NULL;

		(void)dl_bridge_detach(host_if, &why);
	}
undo_lease:
	{
		_cleanup_free_ char *why = NULL;

		(void)dl_lease_drop(&net, dir, &why);
	}
	return r;
}

/* Off its own network: the mark its next starts and inspect read. */
static int leave_own(const char *dir, char **reason)
{
	if (dl_net_own_leave(dir, true) < 0)
		return dl_fail(reason, DL_EXIT_FAIL, "%s/" DL_NET_LEFT ": %s",
			       dir, strerror(errno));
	return 0;
}

/* The connection to network @name gone from the record. */
static int drop_record(const char *dir, const char *name, char **reason)
{
	if (dl_net_connected_save(dir, name, NULL, NULL, 0) < 0)
		return dl_fail(reason, DL_EXIT_FAIL, "%s/networks: %s", dir,
			       strerror(errno));
	return 0;
}

int dl_net_disconnect(const char *id, const char *name, char **reason)
{
	_cleanup_free_ char *dir = NULL, *path = NULL, *own = NULL;
	_cleanup_free_ char *host_if = NULL;
	char **v;
	struct dl_net net;
	struct in_addr a;
	size_t n = 0;
	bool mine = false;
	int r;

	*reason = NULL;
	path = dl_path("containers/%s", id);
	dir = realpath(path, NULL);
	if (!dir)
		return dl_fail(reason, DL_EXIT_NO, "no such container");
	own = dl_net_own(dir);
	v = dl_net_connected(dir, &n);
	for (size_t i = 0; i < n; i++)
		mine |= !strcmp(v[i], name);
	dl_net_list_free(v, n);
	if ((r = dl_net_load_named(name, &net, NULL, reason))) {
		/* removed meanwhile (no one runs on it): the connection
		 * goes, as Docker's, its next start no longer fails on it */
		if (r != DL_EXIT_NO || !mine)
			return r;
		free(*reason);
		*reason = NULL;
		return drop_record(dir, name, reason);
	}
	if (!dl_net_lease_of(&net, dir, &a)) {
		if (mine)
			return drop_record(dir, name, reason);
		/* not running: off its own network from its next start on */
		if (!strcmp(own, name) && !dl_net_own_left(dir))
			return leave_own(dir, reason);
		return dl_fail(reason, DL_EXIT_NO, "it is not on that network");
	}
	/* its own network's end is named after its ID alone */
	host_if = mine ? dl_net_host_end(id, a) : dl_xasprintf("dl%.12s", id);
	if ((r = dl_bridge_detach(host_if, reason)))
		return r;
	if (mine && (r = drop_record(dir, name, reason)))
		return r;
	if (!strcmp(own, name) && (r = leave_own(dir, reason)))
		return r;
	if ((r = dl_lease_drop(&net, dir, reason)))
		return r;
	dl_net_forget_lines(dir, &net);
	return dl_net_hosts_refresh(&net, reason);
}

