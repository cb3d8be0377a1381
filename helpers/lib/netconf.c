/* SPDX-License-Identifier: Apache-2.0 */
/* netconf.c: the store's bridge network: its bridge, subnet and gateway */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "dl.h"
#include "dl/bridge.h"
#include "dl/netconf.h"

static uint32_t mask_of(unsigned prefix)
{
	return prefix ? ~UINT32_C(0) << (32 - prefix) : 0;
}

int dl_cidr_parse(const char *s, struct dl_net *net, char **reason)
{
	_cleanup_free_ char *addr = dl_xstrdup(s);
	char *slash = strchr(addr, '/'), *end;
	struct in_addr a;
	unsigned long n;
	uint32_t h;

	if (!slash)
		return dl_fail(reason, DL_EXIT_USAGE, "not A.B.C.D/N");
	*slash = '\0';
	errno = 0;
	n = strtoul(slash + 1, &end, 10);
	if (inet_pton(AF_INET, addr, &a) != 1 || !slash[1] || *end || errno ||
	    slash[1] < '0' || slash[1] > '9')
		return dl_fail(reason, DL_EXIT_USAGE, "not A.B.C.D/N");
	if (n < 8 || n > 30)
		return dl_fail(reason, DL_EXIT_USAGE, "the prefix must be from "
			       "8 to 30");
	h = ntohl(a.s_addr);
	if (h & ~mask_of((unsigned)n))
		return dl_fail(reason, DL_EXIT_USAGE, "host bits are set "
			       "(the network is %s/%lu?)",
			       inet_ntoa((struct in_addr){ htonl(h & mask_of((unsigned)n)) }),
			       n);
	net->subnet = a;
	net->prefix = (unsigned)n;
	net->gateway.s_addr = htonl(h + 1);
	snprintf(net->cidr, sizeof(net->cidr), "%s/%lu", addr, n);
	return 0;
}

bool dl_bridge_name_valid(const char *s)
{
	size_t n = strlen(s);

	if (!n || n >= IF_NAMESIZE || !strcmp(s, ".") || !strcmp(s, ".."))
		return false;
	return strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
			 "0123456789-_.") == n;
}

int dl_net_load(struct dl_net *net, char **reason)
{
	_cleanup_free_ char *path = dl_path("net/bridge.json");
	_cleanup_free_ char *why = NULL;
	const char *bridge, *subnet;
	json_error_t err;
	json_t *j;
	int r;

	memset(net, 0, sizeof(*net));
	j = json_load_file(path, JSON_REJECT_DUPLICATES, &err);
	if (!j) {
		if (access(path, F_OK) < 0 && errno == ENOENT) {
			snprintf(net->bridge, sizeof(net->bridge), "%s",
				 DL_NET_BRIDGE);
			return dl_cidr_parse(DL_NET_SUBNET, net, reason);
		}
		return dl_fail(reason, DL_EXIT_REJECT, "%s: %s", path,
			       err.text);
	}
	if (json_unpack(j, "{s:s,s:s}", "bridge", &bridge, "subnet",
			&subnet) < 0 ||
	    !dl_bridge_name_valid(bridge)) {
		json_decref(j);
		return dl_fail(reason, DL_EXIT_REJECT, "%s: not "
			       "{\"bridge\": NAME, \"subnet\": CIDR}", path);
	}
	snprintf(net->bridge, sizeof(net->bridge), "%s", bridge);
	r = dl_cidr_parse(subnet, net, &why);
	json_decref(j);
	if (r)
		return dl_fail(reason, DL_EXIT_REJECT, "%s: subnet: %s", path,
			       why);
	return 0;
}

int dl_net_save(const struct dl_net *net, char **reason)
{
	_cleanup_free_ char *path = dl_path("net/bridge.json");
	_cleanup_free_ char *text = NULL;
	json_t *j = json_pack("{s:s,s:s}", "bridge", net->bridge, "subnet",
			      net->cidr);

	if (!j)
		dl_oom();
	text = json_dumps(j, JSON_INDENT(2) | JSON_SORT_KEYS);
	json_decref(j);
	if (!text)
		dl_oom();
	if (dl_write_file_atomic(path, text, strlen(text), 0644) < 0)
		return dl_fail(reason, DL_EXIT_FAIL, "%s: %s", path,
			       strerror(errno));
	return 0;
}

bool dl_net_contains(const struct dl_net *net, struct in_addr a)
{
	uint32_t m = mask_of(net->prefix), h = ntohl(a.s_addr);
	uint32_t base = ntohl(net->subnet.s_addr);

	return (h & m) == base && h != base && h != (base | ~m) &&
	       h != ntohl(net->gateway.s_addr);
}

bool dl_bridge_exists(const struct dl_net *net)
{
	return if_nametoindex(net->bridge) != 0;
}

bool dl_net_name_valid(const char *s)
{
	size_t n = strlen(s);

	if (!n || n > 64 || !strcmp(s, "bridge") || !strcmp(s, "none") ||
	    !strcmp(s, "host") || !strchr("abcdefghijklmnopqrstuvwxyz"
					  "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
					  "0123456789", s[0]))
		return false;
	return strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
			 "0123456789-_.") == n;
}

static char *def_path(const char *name)
{
	return dl_path("net/networks/%s.json", name);
}

static int load_def(const char *path, struct dl_net *net, bool *internal,
		    char **reason)
{
	_cleanup_free_ char *why = NULL;
	const char *bridge, *subnet;
	json_error_t err;
	json_t *j;
	int in = 0, r;

	memset(net, 0, sizeof(*net));
	j = json_load_file(path, JSON_REJECT_DUPLICATES, &err);
	if (!j)
		return dl_fail(reason, errno == ENOENT &&
				       access(path, F_OK) < 0 ? DL_EXIT_NO
							      : DL_EXIT_REJECT,
			       "%s: %s", path, err.text);
	if (json_unpack_ex(j, &err, JSON_STRICT, "{s:s,s:s,s:b}", "bridge",
			   &bridge, "subnet", &subnet, "internal", &in) < 0 ||
	    !dl_bridge_name_valid(bridge)) {
		json_decref(j);
		return dl_fail(reason, DL_EXIT_REJECT, "%s: not {\"bridge\", "
			       "\"subnet\", \"internal\"}", path);
	}
	snprintf(net->bridge, sizeof(net->bridge), "%s", bridge);
	r = dl_cidr_parse(subnet, net, &why);
	json_decref(j);
	if (r)
		return dl_fail(reason, DL_EXIT_REJECT, "%s: subnet: %s", path,
			       why);
	if (internal)
		*internal = in;
	return 0;
}

int dl_net_load_named(const char *name, struct dl_net *net, bool *internal,
		      char **reason)
{
	_cleanup_free_ char *path = NULL;
	int r;

	*reason = NULL;
	if (internal)
		*internal = false;
	if (!strcmp(name, "bridge"))
		return dl_net_load(net, reason);
	if (!dl_net_name_valid(name))
		return dl_fail(reason, DL_EXIT_NO, "no such network");
	path = def_path(name);
	r = load_def(path, net, internal, reason);
	if (r == DL_EXIT_NO) {
		free(*reason);
		*reason = NULL;
		return dl_fail(reason, DL_EXIT_NO, "no such network");
	}
	return r;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int dl_net_names(char ***out, size_t *n)
{
	_cleanup_free_ char *dir = dl_path("net/networks");
	struct dirent *e;
	DIR *d;

	*out = NULL;
	*n = 0;
	d = opendir(dir);
	if (!d)
		return errno == ENOENT ? 0 : -1;
	while ((e = readdir(d))) {
		size_t len = strlen(e->d_name);
		char *name;

		if (len < 6 || strcmp(e->d_name + len - 5, ".json"))
			continue;
		name = dl_xasprintf("%.*s", (int)(len - 5), e->d_name);
		if (!dl_net_name_valid(name)) {
			free(name);
			continue;
		}
		*out = dl_xrealloc(*out, (*n + 1) * sizeof(**out));
		(*out)[(*n)++] = name;
	}
	closedir(d);
	if (*n)
		qsort(*out, *n, sizeof(**out), by_name);
	return 0;
}

static bool nets_overlap(const struct dl_net *a, const struct dl_net *b)
{
	uint32_t m = mask_of(a->prefix < b->prefix ? a->prefix : b->prefix);

	return (ntohl(a->subnet.s_addr) & m) == (ntohl(b->subnet.s_addr) & m);
}

/* Why @want cannot be had: another network of the store, or an address
 * of the host (of a link that is not one of the store's bridges); NULL
 * when it can. */
static char *taken(const struct dl_net *want, const struct dl_net *nets,
		   size_t n, struct ifaddrs *ifa)
{
	for (size_t i = 0; i < n; i++)
		if (nets_overlap(want, &nets[i]))
			return dl_xasprintf("%s overlaps %s of bridge '%s'",
					    want->cidr, nets[i].cidr,
					    nets[i].bridge);
	for (struct ifaddrs *p = ifa; p; p = p->ifa_next) {
		struct dl_net h = { 0 };
		uint32_t a, m;
		unsigned pfx = 0;
		bool ours = false;

		if (!p->ifa_addr || p->ifa_addr->sa_family != AF_INET ||
		    !p->ifa_netmask)
			continue;
		for (size_t i = 0; i < n; i++)
			ours |= !strcmp(p->ifa_name, nets[i].bridge);
		if (ours)
			continue;
		a = ntohl(((struct sockaddr_in *)p->ifa_addr)->sin_addr.s_addr);
		m = ntohl(((struct sockaddr_in *)p->ifa_netmask)->sin_addr.s_addr);
		while (pfx < 32 && (m & (UINT32_C(1) << (31 - pfx))))
			pfx++;
		h.subnet.s_addr = htonl(a & mask_of(pfx));
		h.prefix = pfx;
		if (nets_overlap(want, &h))
			return dl_xasprintf("%s overlaps an address of %s",
					    want->cidr, p->ifa_name);
	}
	return NULL;
}

int dl_net_define(const char *name, const struct dl_net *subnet,
		  bool internal, struct dl_net *out, char **reason)
{
	_cleanup_free_ char *dir = dl_path("net/networks"), *path = NULL;
	_cleanup_free_ char *lockpath = NULL, *text = NULL, *why = NULL;
	_cleanup_free_ struct dl_net *nets = NULL;
	_cleanup_close_ int lock = -1;
	char **names = NULL, id[DL_ID_LEN + 1];
	struct ifaddrs *ifa = NULL;
	size_t n = 0, nn = 0;
	int r = 0;
	json_t *j;

	*reason = NULL;
	if (dl_mkdir_p(dir, 0700) < 0)
		return dl_fail(reason, DL_EXIT_FAIL, "%s: %s", dir,
			       strerror(errno));
	lockpath = dl_xasprintf("%s/.lock", dir);
	lock = open(lockpath, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (lock < 0 || flock(lock, LOCK_EX) < 0)
		return dl_fail(reason, DL_EXIT_FAIL, "%s: %s", lockpath,
			       strerror(errno));
	path = def_path(name);
	if (access(path, F_OK) == 0)
		return dl_fail(reason, DL_EXIT_CONFLICT, "network name in use");
	/* every network of the store: the bridge one and the others */
	nets = dl_xcalloc(1, sizeof(*nets));
	if ((r = dl_net_load(&nets[0], reason)))
		return r;
	n = 1;
	if (dl_net_names(&names, &nn) < 0)
		return dl_fail(reason, DL_EXIT_FAIL, "%s: %s", dir,
			       strerror(errno));
	for (size_t i = 0; i < nn; i++) {
		_cleanup_free_ char *p = def_path(names[i]), *w = NULL;

		nets = dl_xrealloc(nets, (n + 1) * sizeof(*nets));
		if (!load_def(p, &nets[n], NULL, &w))
			n++;
		free(names[i]);
	}
	free(names);
	if (getifaddrs(&ifa) < 0)
		return dl_fail(reason, DL_EXIT_FAIL, "getifaddrs: %s",
			       strerror(errno));
	if (subnet) {
		*out = *subnet;
		why = taken(out, nets, n, ifa);
		if (why)
			r = dl_fail(reason, DL_EXIT_CONFLICT, "%s", why);
	} else {
		struct dl_net pool;

		r = dl_cidr_parse(DL_NET_POOL, &pool, reason);
		for (unsigned i = 0; !r && i < 256; i++) {
			_cleanup_free_ char *cidr = NULL, *w = NULL;
			struct in_addr a = { htonl(ntohl(pool.subnet.s_addr) +
						   (i << 8)) };
			char txt[INET_ADDRSTRLEN];

			inet_ntop(AF_INET, &a, txt, sizeof(txt));
			cidr = dl_xasprintf("%s/24", txt);
			if (dl_cidr_parse(cidr, out, &w))
				continue;
			free(w);
			w = taken(out, nets, n, ifa);
			if (!w)
				break;
			if (i == 255)
				r = dl_fail(reason, DL_EXIT_CONFLICT, "no free "
					    "subnet in %s", DL_NET_POOL);
		}
	}
	freeifaddrs(ifa);
	if (r)
		return r;
	if (dl_new_id(id) < 0)
		return dl_fail(reason, DL_EXIT_FAIL, "random: %s",
			       strerror(errno));
	snprintf(out->bridge, sizeof(out->bridge), "dlb%.12s", id);
	j = json_pack("{s:s,s:s,s:b}", "bridge", out->bridge, "subnet",
		      out->cidr, "internal", internal);
	if (!j)
		dl_oom();
	text = json_dumps(j, JSON_INDENT(2) | JSON_SORT_KEYS);
	json_decref(j);
	if (!text)
		dl_oom();
	if (dl_write_file_atomic(path, text, strlen(text), 0644) < 0)
		return dl_fail(reason, DL_EXIT_FAIL, "%s: %s", path,
			       strerror(errno));
	return 0;
}

int dl_net_undefine(const char *name, char **reason)
{
	_cleanup_free_ char *path = NULL;

	*reason = NULL;
	if (!dl_net_name_valid(name))
		return dl_fail(reason, DL_EXIT_NO, "no such network");
	path = def_path(name);
	if (unlink(path) < 0)
		return dl_fail(reason, errno == ENOENT ? DL_EXIT_NO
						       : DL_EXIT_FAIL,
			       "%s", errno == ENOENT ? "no such network"
						     : strerror(errno));
	return 0;
}

bool dl_net_alias_valid(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > 64 || *s == '-' || *s == '.')
		return false;
	return strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
			 "0123456789.-_") == n;
}

int dl_net_created(const char *name, struct timespec *out)
{
	_cleanup_free_ char *path = def_path(name);
	struct stat st;

	if (stat(path, &st) < 0)
		return -1;
	*out = st.st_mtim;
	return 0;
}
