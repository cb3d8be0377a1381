/* SPDX-License-Identifier: Apache-2.0 */
/* netconf.c: the store's bridge network: its bridge, subnet and gateway */
#include <arpa/inet.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
