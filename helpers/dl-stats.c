/* SPDX-License-Identifier: Apache-2.0 */
/* dl-stats: sample the resource use of running containers */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>
#include <lxc/lxccontainer.h>

#include "dl.h"
#include "dl/json.h"
#include "dl/live.h"
#include "dl/lxc.h"
#include "dl/state.h"

#define USAGE "dl-stats [-i MS] ID..."
#define OPTIONS                                                                \
	"  -i MS   the interval of the two CPU samples, in milliseconds\n"     \
	"          (default 500)\n"                                            \
	"\nPrints a JSON array, one object a container: id, cpu_percent,\n"   \
	"mem_usage, mem_limit, pids, net_rx, net_tx, blk_read, blk_write\n"  \
	"(bytes; mem_limit 0 when there is none).\n"

/* No memory limit, as the v1 controller says it: a page-rounded 2^63. */
#define V1_UNLIMITED (UINT64_C(1) << 62)

struct sample {
	const char *id;
	struct lxc_container *c;
	pid_t pid;
	uint64_t cpu_ns;
	struct timespec at;
};

/* One cgroup file of @c, whole, or NULL when the controller has none. */
static char *item(struct lxc_container *c, const char *key)
{
	char buf[8192];
	int n = c->get_cgroup_item(c, key, buf, sizeof(buf) - 1);

	if (n <= 0)
		return NULL;
	buf[n < (int)sizeof(buf) - 1 ? n : (int)sizeof(buf) - 1] = '\0';
	return dl_xstrdup(buf);
}

static uint64_t item_u64(struct lxc_container *c, const char *key, bool *ok)
{
	_cleanup_free_ char *s = item(c, key);

	*ok = s && s[0] >= '0' && s[0] <= '9';
	return *ok ? strtoull(s, NULL, 10) : 0;
}

/* The value of line "@key N" in @text ("key N\n" lines, as memory.stat
 * and cpu.stat), 0 when it has none. */
static uint64_t keyed(const char *text, const char *key)
{
	size_t n = strlen(key);
	const char *p;

	for (p = text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
		if (!strncmp(p, key, n) && p[n] == ' ')
			return strtoull(p + n + 1, NULL, 10);
	return 0;
}

/* CPU time of the whole container, in nanoseconds (v1 cpuacct, or v2
 * cpu.stat in microseconds). */
static uint64_t cpu_ns(struct lxc_container *c)
{
	_cleanup_free_ char *stat = NULL;
	bool ok;
	uint64_t v = item_u64(c, "cpuacct.usage", &ok);

	if (ok)
		return v;
	stat = item(c, "cpu.stat");
	return stat ? keyed(stat, "usage_usec") * 1000 : 0;
}

/* Memory in use, page cache that can be dropped left out, as Docker
 * counts it; and the limit, 0 when there is none. */
static void memory(struct lxc_container *c, uint64_t *use, uint64_t *limit)
{
	_cleanup_free_ char *stat = NULL;
	_cleanup_free_ char *max = NULL;
	uint64_t inactive;
	bool ok;

	*use = item_u64(c, "memory.usage_in_bytes", &ok);
	if (ok) {
		stat = item(c, "memory.stat");
		inactive = stat ? keyed(stat, "total_inactive_file") : 0;
		*limit = item_u64(c, "memory.limit_in_bytes", &ok);
		if (!ok || *limit >= V1_UNLIMITED)
			*limit = 0;
	} else {
		*use = item_u64(c, "memory.current", &ok);
		stat = item(c, "memory.stat");
		inactive = stat ? keyed(stat, "inactive_file") : 0;
		max = item(c, "memory.max");
		*limit = max && max[0] >= '0' && max[0] <= '9' ?
				 strtoull(max, NULL, 10) : 0;
	}
	*use = *use > inactive ? *use - inactive : *use;
}

/* Bytes read and written on block devices: v1 "MAJ:MIN Read N" lines of
 * blkio.throttle.io_service_bytes, or v2 "MAJ:MIN rbytes=N wbytes=N". */
static void block_io(struct lxc_container *c, uint64_t *rd, uint64_t *wr)
{
	_cleanup_free_ char *v1 = item(c, "blkio.throttle.io_service_bytes");
	_cleanup_free_ char *v2 = NULL;
	const char *p, *q;
	uint64_t n;

	*rd = *wr = 0;
	if (v1) {
		for (p = v1; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
			char dev[32], op[16];

			if (sscanf(p, "%31s %15s %" SCNu64, dev, op, &n) != 3)
				continue;
			if (!strcmp(op, "Read"))
				*rd += n;
			else if (!strcmp(op, "Write"))
				*wr += n;
		}
		return;
	}
	if (!(v2 = item(c, "io.stat")))
		return;
	for (p = v2; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
		const char *end = strchr(p, '\n');

		if ((q = strstr(p, "rbytes=")) && (!end || q < end))
			*rd += strtoull(q + 7, NULL, 10);
		if ((q = strstr(p, "wbytes=")) && (!end || q < end))
			*wr += strtoull(q + 7, NULL, 10);
	}
}

/* Bytes received and sent on the container's interfaces but lo, from
 * /proc/PID/net/dev, which shows the network namespace of PID. */
static void net_io(pid_t pid, uint64_t *rx, uint64_t *tx)
{
	_cleanup_free_ char *path = dl_xasprintf("/proc/%d/net/dev", (int)pid);
	FILE *f = fopen(path, "re");
	char line[512];

	*rx = *tx = 0;
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		char *colon = strchr(line, ':'), *name = line;
		uint64_t v[9];

		if (!colon)
			continue;
		*colon = '\0';
		while (*name == ' ')
			name++;
		if (!strcmp(name, "lo"))
			continue;
		if (sscanf(colon + 1, "%" SCNu64 " %" SCNu64 " %" SCNu64
			   " %" SCNu64 " %" SCNu64 " %" SCNu64 " %" SCNu64
			   " %" SCNu64 " %" SCNu64, &v[0], &v[1], &v[2], &v[3],
			   &v[4], &v[5], &v[6], &v[7], &v[8]) == 9) {
			*rx += v[0];
			*tx += v[8];
		}
	}
	fclose(f);
}

static double elapsed_ns(const struct timespec *a, const struct timespec *b)
{
	return (double)(b->tv_sec - a->tv_sec) * 1e9 +
	       (double)(b->tv_nsec - a->tv_nsec);
}

static json_t *report(struct sample *s)
{
	struct timespec now;
	uint64_t cpu, use, limit, rx, tx, rd, wr, pids;
	double wall, pct;
	bool ok;

	cpu = cpu_ns(s->c);
	clock_gettime(CLOCK_MONOTONIC, &now);
	wall = elapsed_ns(&s->at, &now);
	pct = wall > 0 && cpu >= s->cpu_ns ?
		      (double)(cpu - s->cpu_ns) / wall * 100.0 : 0.0;
	memory(s->c, &use, &limit);
	pids = item_u64(s->c, "pids.current", &ok);
	net_io(s->pid, &rx, &tx);
	block_io(s->c, &rd, &wr);
	return json_pack("{s:s, s:f, s:I, s:I, s:I, s:I, s:I, s:I, s:I}",
			 "id", s->id, "cpu_percent", pct,
			 "mem_usage", (json_int_t)use,
			 "mem_limit", (json_int_t)limit,
			 "pids", (json_int_t)pids, "net_rx", (json_int_t)rx,
			 "net_tx", (json_int_t)tx, "blk_read", (json_int_t)rd,
			 "blk_write", (json_int_t)wr);
}

int main(int argc, char **argv)
{
	_cleanup_free_ char *dir = NULL;
	struct sample *s;
	json_t *out, *o;
	long ms = 500;
	char *end;
	int c, i, n;

	dl_set_prog(argv[0]);
	opterr = 0;
	if (dl_want_help(argc, argv))
		dl_help(USAGE, OPTIONS);
	while ((c = getopt(argc, argv, "+i:")) != -1) {
		if (c != 'i')
			dl_usage(USAGE);
		errno = 0;
		ms = strtol(optarg, &end, 10);
		if (errno || *end || !*optarg || ms < 0 || ms > 60000)
			dl_usage(USAGE);
	}
	n = argc - optind;
	if (n < 1)
		dl_usage(USAGE);
	for (i = optind; i < argc; i++)
		if (!dl_is_id(argv[i]))
			dl_die(DL_EXIT_USAGE, "unable to read stats of container "
			       "'%s': " DL_ID_INVALID, argv[i]);
	dl_store_need();
	dir = dl_path("containers");
	s = dl_xcalloc((size_t)n, sizeof(*s));
	for (i = 0; i < n; i++) {
		_cleanup_free_ char *reason = NULL;
		struct dl_state st;
		int r;

		s[i].id = argv[optind + i];
		if ((r = dl_live_state(s[i].id, &st, &reason)))
			dl_die(r, "unable to read stats of container '%s': %s",
			       s[i].id, reason);
		if (st.status != DL_STATUS_RUNNING)
			dl_die(DL_EXIT_NO, "unable to read stats of container "
			       "'%s': not running", s[i].id);
		s[i].c = lxc_container_new(s[i].id, dir);
		if (!s[i].c)
			dl_die(DL_EXIT_FAIL, "unable to read stats of container "
			       "'%s': liblxc failed", s[i].id);
		s[i].pid = st.pid;
		s[i].cpu_ns = cpu_ns(s[i].c);
		clock_gettime(CLOCK_MONOTONIC, &s[i].at);
	}
	if (ms > 0) {
		struct timespec t = { ms / 1000, (ms % 1000) * 1000000L };

		while (nanosleep(&t, &t) < 0 && errno == EINTR)
			;
	}
	out = json_array();
	for (i = 0; i < n; i++) {
		if (!(o = report(&s[i])) || json_array_append_new(out, o))
			dl_oom();
		lxc_container_put(s[i].c);
	}
	free(s);
	if (dl_json_print(out) < 0)
		dl_die_sys(DL_EXIT_FAIL, "unable to write 'stdout'");
	json_decref(out);
	return dl_finish_stdout();
}
