/* SPDX-License-Identifier: Apache-2.0 */
/* netmember.c: the networks a container is on, as its directory and the
 * leases record them (no netlink: for dl-container-inspect, dl-spawn) */
#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "dl.h"
#include "dl/lease.h"
#include "dl/netconf.h"
#include "dl/netfiles.h"
#include "dl/netjoin.h"
#include "dl/netmember.h"


char *dl_net_own(const char *dir)
{
	_cleanup_free_ char *path = dl_xasprintf("%s/spec.json", dir);
	json_t *j = json_load_file(path, 0, NULL);
	const char *n = json_string_value(json_object_get(
		json_object_get(j, "annotations"), "org.dockerlite.network"));
	char *out = dl_xstrdup(n ? n : "bridge");

	json_decref(j);
	return out;
}

bool dl_net_own_left(const char *dir)
{
	_cleanup_free_ char *path = dl_xasprintf("%s/" DL_NET_LEFT, dir);

	return access(path, F_OK) == 0;
}

int dl_net_own_leave(const char *dir, bool left)
{
	_cleanup_free_ char *path = dl_xasprintf("%s/" DL_NET_LEFT, dir);

	if (!left)
		return unlink(path) < 0 && errno != ENOENT ? -1 : 0;
	return dl_write_file_atomic(path, "", 0, 0644);
}

/* The lines of containers/ID/networks (@n of them; a missing file: 0):
 * "NAME[ ALIAS...]", one a network it was connected to. */
static char **record_lines(const char *dir, size_t *n)
{
	_cleanup_free_ char *path = dl_xasprintf("%s/networks", dir);
	_cleanup_free_ char *text = NULL;
	char **v = NULL, *save = NULL;

	*n = 0;
	if (dl_read_file(path, &text, NULL) < 0)
		return NULL;
	for (char *l = strtok_r(text, "\n", &save); l;
	     l = strtok_r(NULL, "\n", &save)) {
		v = dl_xrealloc(v, (*n + 1) * sizeof(*v));
		v[(*n)++] = dl_xstrdup(l);
	}
	return v;
}

/* Whether line @l of the record is network @name's. */
static bool line_is(const char *l, const char *name)
{
	size_t len = strlen(name);

	return !strncmp(l, name, len) && (l[len] == ' ' || !l[len]);
}

char **dl_net_connected(const char *dir, size_t *n)
{
	char **v = record_lines(dir, n);

	for (size_t i = 0; i < *n; i++)
		v[i][strcspn(v[i], " ")] = '\0';
	return v;
}

char **dl_net_connected_aliases(const char *dir, const char *name,
				size_t *n)
{
	size_t nl = 0;
	char **lines = record_lines(dir, &nl), **v = NULL, *save = NULL;

	*n = 0;
	for (size_t i = 0; i < nl; i++) {
		if (!line_is(lines[i], name) || *n)
			continue;
		/* the first word is the name */
		(void)strtok_r(lines[i], " ", &save);
		for (char *a = strtok_r(NULL, " ", &save); a;
		     a = strtok_r(NULL, " ", &save)) {
			v = dl_xrealloc(v, (*n + 1) * sizeof(*v));
			v[(*n)++] = dl_xstrdup(a);
		}
	}
	dl_net_list_free(lines, nl);
	return v;
}

void dl_net_list_free(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

int dl_net_connected_save(const char *dir, const char *drop,
			  const char *add, char *const *aliases,
			  size_t nalias)
{
	_cleanup_free_ char *path = dl_xasprintf("%s/networks", dir);
	size_t n = 0;
	char **v = record_lines(dir, &n);
	char *text = dl_xstrdup(""), *next;
	int r;

	for (size_t i = 0; i < n; i++) {
		if ((drop && line_is(v[i], drop)) || (add && line_is(v[i], add)))
			continue;
		next = dl_xasprintf("%s%s\n", text, v[i]);
		free(text);
		text = next;
	}
	dl_net_list_free(v, n);
	if (add) {
		next = dl_xasprintf("%s%s", text, add);
		free(text);
		text = next;
		for (size_t i = 0; i < nalias; i++) {
			next = dl_xasprintf("%s %s", text, aliases[i]);
			free(text);
			text = next;
		}
		next = dl_xasprintf("%s\n", text);
		free(text);
		text = next;
	}
	/* it outlives the run: fsync'd */
	if (!*text)
		r = unlink(path) < 0 && errno != ENOENT ? -1 : 0;
	else
		r = dl_write_file_atomic(path, text, strlen(text), 0644);
	free(text);
	return r;
}

/* The address @dir holds on @net, if any. */
bool dl_net_lease_of(const struct dl_net *net, const char *dir,
		     struct in_addr *a)
{
	_cleanup_free_ struct dl_lease *l = NULL;
	_cleanup_free_ char *why = NULL;
	size_t n = 0;

	if (dl_lease_list(net, &l, &n, &why))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!strcmp(l[i].owner, dir)) {
			*a = l[i].addr;
			return true;
		}
	return false;
}

/* The host's end of a connection: dl, 4 hex of the ID, the address in
 * hex (unique: no two networks overlap). */
char *dl_net_host_end(const char *id, struct in_addr a)
{
	return dl_xasprintf("dl%.4s%08x", id, ntohl(a.s_addr));
}

void dl_net_mac(struct in_addr a, unsigned char mac[6])
{
	uint32_t h = ntohl(a.s_addr);

	mac[0] = 0x02;
	mac[1] = 0x42;
	mac[2] = h >> 24;
	mac[3] = (h >> 16) & 0xff;
	mac[4] = (h >> 8) & 0xff;
	mac[5] = h & 0xff;
}

/* Its lines of network @net gone from the container in @dir. */
void dl_net_forget_lines(const char *dir, const struct dl_net *net)
{
	_cleanup_free_ char *frag = dl_xasprintf("%s/hosts.net.%s", dir,
						 net->bridge);
	_cleanup_free_ char *al = dl_xasprintf("%s/aliases.%s", dir,
					       net->bridge);

	(void)unlink(frag);
	(void)unlink(al);
	(void)dl_net_hosts_rebuild(dir);
}

int dl_net_connected_drop(const char *dir, char **reason)
{
	_cleanup_free_ char *own = dl_net_own(dir);
	size_t n = 0;
	char **v = dl_net_connected(dir, &n);
	int r = 0;

	*reason = NULL;
	for (size_t i = 0; i < n; i++) {
		_cleanup_free_ char *why = NULL;
		struct dl_net net;
		int e;

		/* a network removed meanwhile holds nothing of ours */
		if (dl_net_load_named(v[i], &net, NULL, &why))
			continue;
		free(dl_steal_pointer(&why));
		e = dl_lease_drop(&net, dir, &why);
		if (!e) {
			dl_net_forget_lines(dir, &net);
			e = dl_net_hosts_refresh(&net, &why);
		}
		if (e && !r) {
			r = DL_EXIT_FAIL;
			*reason = dl_steal_pointer(&why);
		}
	}
	/* back on its own network: its starts join it as their own */
	for (size_t i = 0; i < n; i++)
		if (!strcmp(v[i], own) &&
		    dl_net_connected_save(dir, own, NULL, NULL, 0) < 0 && !r)
			r = dl_fail(reason, DL_EXIT_FAIL, "%s/networks: %s",
				    dir, strerror(errno));
	dl_net_list_free(v, n);
	return r;
}

/* One member of NetworkSettings.Networks. */
static json_t *settings_of(const char *dir, const char *name)
{
	_cleanup_free_ char *why = NULL, *own = NULL;
	char ip[INET_ADDRSTRLEN] = "", gw[INET_ADDRSTRLEN] = "", mac[18] = "";
	json_t *aliases = json_array(), *o;
	struct dl_net net;
	struct in_addr a;
	char **kept = NULL;
	size_t nkept = 0;
	bool has;

	if (!aliases)
		dl_oom();
	if (dl_net_load_named(name, &net, NULL, &why)) {
		json_decref(aliases);
		return NULL;
	}
	has = dl_net_lease_of(&net, dir, &a);
	if (has) {
		unsigned char m[6];

		inet_ntop(AF_INET, &a, ip, sizeof(ip));
		inet_ntop(AF_INET, &net.gateway, gw, sizeof(gw));
		dl_net_mac(a, m);
		snprintf(mac, sizeof(mac), "%02x:%02x:%02x:%02x:%02x:%02x",
			 m[0], m[1], m[2], m[3], m[4], m[5]);
	}
	own = dl_net_own(dir);
	if (!strcmp(own, name)) {
		/* --network-alias, given at its creation */
		_cleanup_free_ char *sp = dl_xasprintf("%s/spec.json", dir);
		json_t *j = json_load_file(sp, 0, NULL);
		const char *more = json_string_value(json_object_get(
			json_object_get(j, "annotations"),
			"org.dockerlite.network-aliases"));
		_cleanup_free_ char *copy = dl_xstrdup(more ? more : "");
		char *save = NULL;

		for (char *l = strtok_r(copy, ",", &save); l;
		     l = strtok_r(NULL, ",", &save))
			json_array_append_new(aliases, json_string(l));
		json_decref(j);
	}
	/* dl network connect --alias: kept with the connection */
	kept = dl_net_connected_aliases(dir, name, &nkept);
	for (size_t i = 0; i < nkept; i++)
		json_array_append_new(aliases, json_string(kept[i]));
	dl_net_list_free(kept, nkept);
	o = json_pack("{s:s,s:s,s:i,s:s,s:s,s:o}", "NetworkID", name,
		      "IPAddress", ip, "IPPrefixLen", has ? (int)net.prefix : 0,
		      "Gateway", gw, "MacAddress", mac, "Aliases", aliases);
	if (!o)
		dl_oom();
	return o;
}

json_t *dl_net_settings(const char *id)
{
	_cleanup_free_ char *path = dl_path("containers/%s", id);
	_cleanup_free_ char *dir = realpath(path, NULL), *own = NULL;
	json_t *out = json_object(), *o;
	char **v;
	size_t n = 0;

	if (!out)
		dl_oom();
	if (!dir)
		return out;
	own = dl_net_own(dir);
	if (strcmp(own, "none") && strcmp(own, "host") &&
	    strncmp(own, "container:", 10) && !dl_net_own_left(dir) &&
	    (o = settings_of(dir, own)))
		json_object_set_new(out, own, o);
	v = dl_net_connected(dir, &n);
	for (size_t i = 0; i < n; i++)
		if ((o = settings_of(dir, v[i])))
			json_object_set_new(out, v[i], o);
	dl_net_list_free(v, n);
	return out;
}
