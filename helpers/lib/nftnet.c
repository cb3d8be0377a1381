/* SPDX-License-Identifier: Apache-2.0 */
/* nftnet.c: dl's own nftables table, inet dockerlite (libnftables) */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>
#include <nftables/libnftables.h>

#include "dl.h"
#include "dl/netconf.h"
#include "dl/nftnet.h"
#include "dl/ports.h"

#define T "inet " DL_NFT_TABLE

/* The table, its sets, chains and rules: one transaction, which fails
 * whole when the table exists already ("create"). */
static const char table[] =
	"create table " T "\n"
	"add set " T " bridges { type ifname; }\n"
	"add set " T " subnets { type ipv4_addr; flags interval; }\n"
	"add chain " T " postrouting { type nat hook postrouting priority "
	"srcnat; policy accept; }\n"
	"add chain " T " forward { type filter hook forward priority filter; "
	"policy accept; }\n"
	"add rule " T " postrouting ip saddr @subnets oifname != @bridges "
	"masquerade\n"
	"add rule " T " forward iifname @bridges accept\n"
	"add rule " T " forward oifname @bridges ct state established,related "
	"accept\n"
	"add rule " T " forward oifname @bridges ct status dnat accept\n"
	"add rule " T " forward oifname @bridges drop\n";

static const char guard_rule[] =
	"add rule " T " forward iifname != @bridges oifname != @bridges drop\n";

/* Run @cmds in a context of its own: 0, or -1 with *err nftables' text. */
static int run(const char *cmds, char **err)
{
	struct nft_ctx *ctx = nft_ctx_new(NFT_CTX_DEFAULT);
	const char *e;
	int r;

	if (!ctx)
		dl_oom();
	nft_ctx_buffer_output(ctx);
	nft_ctx_buffer_error(ctx);
	r = nft_run_cmd_from_buffer(ctx, cmds);
	if (r && err) {
		e = nft_ctx_get_error_buffer(ctx);
		*err = dl_xstrdup(e && *e ? e : "nftables failed");
		(*err)[strcspn(*err, "\n")] = '\0';
	}
	nft_ctx_free(ctx);
	return r ? -1 : 0;
}

int dl_nft_net_add(const struct dl_net *net, bool guard, char **reason)
{
	_cleanup_free_ char *cmds = NULL, *err = NULL;

	*reason = NULL;
	cmds = dl_xasprintf("%s%s", table, guard ? guard_rule : "");
	/* the table is made once, by whoever comes first */
	(void)run(cmds, NULL);
	free(cmds);
	cmds = dl_xasprintf("add element " T " bridges { \"%s\" }\n"
			    "add element " T " subnets { %s }\n",
			    net->bridge, net->cidr);
	if (run(cmds, &err) < 0)
		return dl_fail(reason, DL_EXIT_FAIL, "nftables: %s", err);
	return 0;
}

int dl_nft_net_del(const struct dl_net *net, char **reason)
{
	_cleanup_free_ char *cmds = NULL, *err = NULL;
	struct nft_ctx *ctx;
	const char *out;
	bool empty;

	*reason = NULL;
	cmds = dl_xasprintf("delete element " T " bridges { \"%s\" }\n"
			    "delete element " T " subnets { %s }\n",
			    net->bridge, net->cidr);
	(void)run(cmds, NULL); /* gone already: fine */
	/* the last network out removes the table; the set read as JSON */
	ctx = nft_ctx_new(NFT_CTX_DEFAULT);
	if (!ctx)
		dl_oom();
	nft_ctx_output_set_flags(ctx, NFT_CTX_OUTPUT_JSON);
	nft_ctx_buffer_output(ctx);
	nft_ctx_buffer_error(ctx);
	if (nft_run_cmd_from_buffer(ctx, "list set " T " bridges") != 0) {
		nft_ctx_free(ctx);
		return 0; /* no table */
	}
	out = nft_ctx_get_output_buffer(ctx);
	empty = true;
	if (out) {
		json_t *j = json_loads(out, 0, NULL), *v;
		size_t i;

		json_array_foreach(json_object_get(j, "nftables"), i, v)
			if (json_object_get(json_object_get(v, "set"), "elem"))
				empty = false;
		json_decref(j);
	}
	nft_ctx_free(ctx);
	if (empty && run("delete table " T "\n", &err) < 0)
		return dl_fail(reason, DL_EXIT_FAIL, "nftables: %s", err);
	return 0;
}

/* The maps and chains of published ports: made if missing, their rules
 * made again (a table of an older dl has none of them). */
static const char port_chains[] =
	"add table " T "\n"
	"add set " T " bridges { type ifname; }\n"
	"add map " T " ports { type inet_proto . inet_service : "
	"ipv4_addr . inet_service; }\n"
	"add map " T " hostports { type ipv4_addr . inet_proto . inet_service "
	": ipv4_addr . inet_service; }\n"
	"add chain " T " ports_pre { type nat hook prerouting priority dstnat; "
	"policy accept; }\n"
	"add chain " T " ports_out { type nat hook output priority -100; "
	"policy accept; }\n"
	"add chain " T " ports_post { type nat hook postrouting priority "
	"srcnat; policy accept; }\n"
	"flush chain " T " ports_pre\n"
	"flush chain " T " ports_out\n"
	"flush chain " T " ports_post\n"
	/* a packet from elsewhere to 127.0.0.0/8 is never redirected */
	"add rule " T " ports_pre ip daddr 127.0.0.0/8 return\n"
	"add rule " T " ports_pre fib daddr type local dnat ip to "
	"meta l4proto . th dport map @ports\n"
	"add rule " T " ports_pre dnat ip to ip daddr . meta l4proto . "
	"th dport map @hostports\n"
	"add rule " T " ports_out fib daddr type local dnat ip to "
	"meta l4proto . th dport map @ports\n"
	"add rule " T " ports_out dnat ip to ip daddr . meta l4proto . "
	"th dport map @hostports\n"
	"add rule " T " ports_post ip saddr 127.0.0.0/8 oifname @bridges "
	"masquerade\n";

/* The key of @p's element, and the map it is in. */
static char *port_key(const struct dl_port *p, const char **map)
{
	char ip[INET_ADDRSTRLEN];
	const char *proto = p->udp ? "udp" : "tcp";

	if (p->host_ip.s_addr == htonl(INADDR_ANY)) {
		*map = "ports";
		return dl_xasprintf("%s . %u", proto, p->host_port);
	}
	*map = "hostports";
	inet_ntop(AF_INET, &p->host_ip, ip, sizeof(ip));
	return dl_xasprintf("%s . %s . %u", ip, proto, p->host_port);
}

int dl_nft_port_add(const struct dl_port *p, size_t n, struct in_addr to,
		    char **reason)
{
	_cleanup_free_ char *cmds = dl_xstrdup(port_chains), *err = NULL;
	char a[INET_ADDRSTRLEN];

	*reason = NULL;
	inet_ntop(AF_INET, &to, a, sizeof(a));
	for (size_t i = 0; i < n; i++) {
		_cleanup_free_ char *key = NULL;
		const char *map;
		char *next;

		key = port_key(&p[i], &map);
		next = dl_xasprintf("%sadd element " T " %s { %s : %s . %u }\n",
				    cmds, map, key, a, p[i].ctr_port);
		free(cmds);
		cmds = next;
	}
	if (run(cmds, &err) < 0)
		return dl_fail(reason, DL_EXIT_FAIL, "nftables: %s", err);
	return 0;
}

int dl_nft_port_del(const struct dl_port *p, char **reason)
{
	_cleanup_free_ char *cmds = NULL, *key = NULL, *err = NULL;
	const char *map;

	*reason = NULL;
	key = port_key(p, &map);
	cmds = dl_xasprintf("delete element " T " %s { %s }\n", map, key);
	/* gone already (with the table, or never added): fine */
	if (run(cmds, &err) < 0 && !strstr(err, "No such file"))
		return dl_fail(reason, DL_EXIT_FAIL, "nftables: %s", err);
	return 0;
}

int dl_nft_port_fini(void)
{
	return run("delete chain " T " ports_pre\n"
		   "delete chain " T " ports_out\n"
		   "delete chain " T " ports_post\n"
		   "delete map " T " ports\n"
		   "delete map " T " hostports\n", NULL);
}

int dl_nft_net_internal(const struct dl_net *net, bool add, char **reason)
{
	_cleanup_free_ char *cmds = NULL, *err = NULL;

	*reason = NULL;
	if (!add) {
		struct nft_ctx *ctx;
		const char *out;
		bool empty = true;

		cmds = dl_xasprintf("delete element " T " internal { \"%s\" }\n",
				    net->bridge);
		(void)run(cmds, NULL);
		/* the last internal network out takes the set and chain */
		ctx = nft_ctx_new(NFT_CTX_DEFAULT);
		if (!ctx)
			dl_oom();
		nft_ctx_output_set_flags(ctx, NFT_CTX_OUTPUT_JSON);
		nft_ctx_buffer_output(ctx);
		nft_ctx_buffer_error(ctx);
		if (nft_run_cmd_from_buffer(ctx, "list set " T " internal")) {
			nft_ctx_free(ctx);
			return 0;
		}
		out = nft_ctx_get_output_buffer(ctx);
		if (out) {
			json_t *j = json_loads(out, 0, NULL), *v;
			size_t i;

			json_array_foreach(json_object_get(j, "nftables"), i, v)
				if (json_object_get(json_object_get(v, "set"),
						    "elem"))
					empty = false;
			json_decref(j);
		}
		nft_ctx_free(ctx);
		if (empty)
			(void)run("delete chain " T " internal\n"
				  "delete set " T " internal\n", NULL);
		return 0;
	}
	cmds = dl_xasprintf(
		"add table " T "\n"
		"add set " T " internal { type ifname; }\n"
		"add chain " T " internal { type filter hook forward "
		"priority -1; policy accept; }\n"
		"flush chain " T " internal\n"
		"add rule " T " internal iifname @internal oifname != @internal "
		"drop\n"
		"add element " T " internal { \"%s\" }\n", net->bridge);
	if (run(cmds, &err) < 0)
		return dl_fail(reason, DL_EXIT_FAIL, "nftables: %s", err);
	return 0;
}
