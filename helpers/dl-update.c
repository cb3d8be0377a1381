/* SPDX-License-Identifier: Apache-2.0 */
/* dl-update: change the memory, CPU and process limits of a container */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <lxc/lxccontainer.h>

#include "dl.h"
#include "dl/json.h"
#include "dl/live.h"
#include "dl/lxc.h"
#include "dl/spec.h"
#include "dl/state.h"

#define USAGE "dl-update [-m SIZE] [-s SIZE] [-c CPUS] [-p N] [-r POLICY] ID"
#define OPTIONS                                                                \
	"  -m SIZE   memory limit (as dl run --memory)\n"                    \
	"  -s SIZE   memory and swap together (as dl run --memory-swap;\n"   \
	"            -1: swap unlimited)\n"                                  \
	"  -c CPUS   CPU limit (as dl run --cpus)\n"                         \
	"  -p N      process limit (as dl run --pids-limit; 0 or less: "     \
	"none)\n"                                                              \
	"  -r POLICY the restart policy (as dl run --restart), from the\n"    \
	"            next exit on\n"                                           \
	"\nThe spec changes for later starts; a running container gets the\n" \
	"new limits in its cgroup at once.\n"

#define PERIOD 100000

static const char *id;

#define VERB "unable to update container '%s': "

/* Set cgroup file @key of the running container @c to @val. */
static void set_item(struct lxc_container *c, const char *key, const char *val)
{
	if (!c->set_cgroup_item(c, key, val)) {
		_cleanup_free_ char *r = dl_xasprintf(
			"%s = %s refused%s", key, val,
			!strncmp(key, "memory.", 7) ?
				" (below what it uses?)" : "");
		dl_die(DL_EXIT_FAIL, VERB "%s", id, r);
	}
}

/* Whether the container's cgroup has file @key. */
static bool has_item(struct lxc_container *c, const char *key)
{
	char buf[64];

	return c->get_cgroup_item(c, key, buf, sizeof(buf)) > 0;
}

/* The memory limit, and memory+swap: @swap (-1: swap unlimited), or
 * twice the limit when 0 (Docker's default), as dl_lxc_config() applies
 * them at a start. */
static void apply_memory(struct lxc_container *c, long long bytes,
			 long long swap)
{
	_cleanup_free_ char *v = dl_xasprintf("%lld", bytes);
	_cleanup_free_ char *both = swap < 0 ? dl_xstrdup("-1") :
				    dl_xasprintf("%lld", swap ? swap : 2 * bytes);
	_cleanup_free_ char *extra = swap < 0 ? dl_xstrdup("max") :
				     dl_xasprintf("%lld", swap ? swap - bytes : bytes);
	char cur[64];
	long long old;

	if (!has_item(c, "memory.limit_in_bytes")) {
		set_item(c, "memory.max", v);
		if (has_item(c, "memory.swap.max"))
			set_item(c, "memory.swap.max", extra);
		return;
	}
	/* v1: memory+swap may never be below memory: raise it first when
	 * growing, lower it last when shrinking */
	if (!has_item(c, "memory.memsw.limit_in_bytes")) {
		set_item(c, "memory.limit_in_bytes", v);
		return;
	}
	if (c->get_cgroup_item(c, "memory.limit_in_bytes", cur, sizeof(cur)) <= 0)
		dl_die(DL_EXIT_FAIL, VERB "memory.limit_in_bytes unreadable", id);
	old = strtoll(cur, NULL, 10);
	if (bytes > old) {
		set_item(c, "memory.memsw.limit_in_bytes", both);
		set_item(c, "memory.limit_in_bytes", v);
	} else {
		set_item(c, "memory.limit_in_bytes", v);
		set_item(c, "memory.memsw.limit_in_bytes", both);
	}
}

static void apply_cpu(struct lxc_container *c, long long quota)
{
	_cleanup_free_ char *q = dl_xasprintf("%lld", quota);
	_cleanup_free_ char *max = dl_xasprintf("%lld %d", quota, PERIOD);

	if (has_item(c, "cpu.cfs_quota_us")) {
		set_item(c, "cpu.cfs_period_us", "100000");
		set_item(c, "cpu.cfs_quota_us", q);
	} else {
		set_item(c, "cpu.max", max);
	}
}

static void apply_pids(struct lxc_container *c, long long n)
{
	_cleanup_free_ char *v = n > 0 ? dl_xasprintf("%lld", n) :
					 dl_xstrdup("max");

	set_item(c, "pids.max", v);
}

/* res.KEY = {"limit": N}, or no KEY when N <= 0 */
static void put_limit(json_t *res, const char *key, long long n)
{
	if (n <= 0) {
		json_object_del(res, key);
		return;
	}
	if (json_object_set_new(res, key, json_pack("{s:I}", "limit",
						    (json_int_t)n)))
		dl_oom();
}

int main(int argc, char **argv)
{
	_cleanup_free_ char *reason = NULL, *path = NULL, *dir = NULL;
	struct dl_spec_opts o;
	bool mem = false, cpu = false, pids = false, restart = false;
	bool swap_opt = false, swapped = false;
	long long mem_swap = 0, mem_limit = 0;
	struct lxc_container *c;
	struct dl_state st;
	json_t *spec, *lx, *res;
	int opt, r;

	dl_set_prog(argv[0]);
	opterr = 0;
	if (dl_want_help(argc, argv))
		dl_help(USAGE, OPTIONS);
	if (dl_spec_opts_init(&o) < 0)
		dl_oom();
	while ((opt = getopt(argc, argv, "+m:s:c:p:r:")) != -1) {
		const char *key = opt == 'm' ? "memory" :
				  opt == 's' ? "memory-swap" :
				  opt == 'c' ? "cpus" :
				  opt == 'p' ? "pids-limit" :
				  opt == 'r' ? "restart" : NULL;

		if (!key)
			dl_usage(USAGE);
		if ((r = dl_spec_opt(&o, key, optarg, &reason)))
			dl_die(r, "%s", reason);
		mem |= opt == 'm';
		/* 0 changes nothing, as Docker's */
		swap_opt |= opt == 's';
		swapped = swap_opt && o.memory_swap;
		cpu |= opt == 'c';
		pids |= opt == 'p';
		restart |= opt == 'r';
	}
	if (!(id = dl_live_operand(argc, argv)) ||
	    !(mem || cpu || pids || restart || swap_opt))
		dl_usage(USAGE);
	/* dl run's 0 (no limit) is no value to change a running one to */
	if ((mem && o.memory == 0) || (cpu && o.cpu_quota == 0))
		dl_die(DL_EXIT_USAGE, "unable to set %s '0': the minimum is %s",
		       mem && o.memory == 0 ? "memory" : "cpus",
		       mem && o.memory == 0 ? "6MB" : "0.01");
	if (!dl_is_id(id))
		dl_die(DL_EXIT_USAGE, VERB DL_ID_INVALID, id);
	dl_store_need();
	if ((r = dl_live_state(id, &st, &reason)))
		dl_die(r, VERB "%s", id, reason);
	if ((r = dl_live_wait_started(id, &st, &reason)))
		dl_die(r, VERB "%s", id, reason);

	/* the spec first: the next start keeps what this one gets */
	path = dl_path("containers/%s/spec.json", id);
	if (!(spec = dl_json_load(path, &reason)))
		dl_die(errno == ENOENT ? DL_EXIT_NO : DL_EXIT_REJECT, VERB "%s",
		       id, errno == ENOENT ? "no such container" : reason);
	lx = json_object_get(spec, "linux");
	res = json_object_get(lx, "resources");
	if (!json_is_object(res)) {
		if (!json_is_object(lx))
			dl_die(DL_EXIT_REJECT, VERB "spec.json: no linux object", id);
		res = json_object();
		if (!res || json_object_set_new(lx, "resources", res))
			dl_oom();
	}
	if (restart) {
		json_t *a = json_object_get(spec, "annotations");

		/* as Docker: a --rm container keeps no policy */
		if (strcmp(o.restart, "no") &&
		    !strcmp(json_string_value(json_object_get(
				    a, "org.dockerlite.rm")) ?: "", "true"))
			dl_die(DL_EXIT_USAGE, VERB "the restart policy cannot be "
			       "set on a container that removes itself (--rm)",
			       id);
		if (!json_is_object(a) ||
		    json_object_set_new(a, "org.dockerlite.restart",
					json_string(o.restart)))
			dl_die(DL_EXIT_REJECT, VERB "spec.json: no annotations", id);
	}
	if (mem || swapped) {
		/* memory+swap given to dl run stays, as Docker's; the
		 * memory may not go above it */
		json_t *m = json_object_get(res, "memory");
		json_int_t swap = json_integer_value(json_object_get(m, "swap"));

		mem_limit = mem ? o.memory :
			    json_integer_value(json_object_get(m, "limit"));
		if (swapped && mem_limit <= 0)
			dl_die(DL_EXIT_USAGE, VERB "you should always set the "
			       "memory limit when using memoryswap limit", id);
		if (swapped && o.memory_swap > 0 && o.memory_swap < mem_limit)
			dl_die(DL_EXIT_USAGE, VERB "minimum memoryswap limit "
			       "should be larger than memory limit", id);
		if (swapped)
			swap = o.memory_swap;
		else if (swap > 0 && o.memory > swap)
			dl_die(DL_EXIT_USAGE, VERB "memory limit should be "
			       "smaller than already set memoryswap limit, "
			       "update the memoryswap at the same time", id);
		put_limit(res, "memory", mem_limit);
		if (swap && json_object_set_new(json_object_get(res, "memory"),
						"swap", json_integer(swap)))
			dl_oom();
		mem_swap = swap;
	}
	if (pids)
		put_limit(res, "pids", o.pids);
	if (cpu && json_object_set_new(res, "cpu",
				       json_pack("{s:I,s:I}", "quota",
						 (json_int_t)o.cpu_quota,
						 "period", (json_int_t)PERIOD)))
		dl_oom();
	if (dl_json_save(path, spec) < 0)
		dl_die_sys(DL_EXIT_FAIL, VERB "%s", id, path);
	json_decref(spec);

	if (st.status == DL_STATUS_RUNNING) {
		dir = dl_path("containers");
		c = lxc_container_new(id, dir);
		if (!c)
			dl_die(DL_EXIT_FAIL, VERB "liblxc failed", id);
		if (c->is_running(c)) {
			if (mem || swapped)
				apply_memory(c, mem_limit, mem_swap);
			if (cpu)
				apply_cpu(c, o.cpu_quota);
			if (pids)
				apply_pids(c, o.pids);
		}
		lxc_container_put(c);
	}
	dl_spec_opts_free(&o);
	return dl_finish_stdout();
}
