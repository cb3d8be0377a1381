/* SPDX-License-Identifier: Apache-2.0 */
/* nftnet.c: dl's own nftables table, inet dockerlite (libnftables) */
#include <stdio.h>
#include <string.h>

#include <jansson.h>
#include <nftables/libnftables.h>

#include "dl.h"
#include "dl/netconf.h"
#include "dl/nftnet.h"

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
