/* SPDX-License-Identifier: Apache-2.0 */
/* spec.c: the OCI runtime spec of a container, from docker-run-like
 * options and the image config */
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <ctype.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <jansson.h>

#include "dl.h"
#include "dl/caps.h"
#include "dl/exec.h"
#include "dl/netconf.h"
#include "dl/ports.h"
#include "dl/healthopt.h"
#include "dl/ref.h"
#include "dl/restart.h"
#include "dl/size.h"
#include "dl/spec.h"
#include "dl/status.h"
#include "dl/volume.h"

#define MIN_MEMORY (6 << 20) /* Docker's minimum memory limit */
#define OOM "unable to build 'spec.json': out of memory"
#define ARRAY_SIZE(a) (sizeof(a) / sizeof(*(a)))

const char *const dl_spec_masked_paths[] = {
	"/proc/asound", "/proc/acpi", "/proc/kcore", "/proc/keys",
	"/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats",
	"/proc/sched_debug", "/proc/scsi", "/sys/firmware",
	"/sys/devices/virtual/powercap",
};
const size_t dl_spec_nmasked_paths = ARRAY_SIZE(dl_spec_masked_paths);

const char *const dl_spec_readonly_paths[] = {
	"/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger",
};
const size_t dl_spec_nreadonly_paths = ARRAY_SIZE(dl_spec_readonly_paths);

/* Append @v to array @a, stealing it: -1 when either is missing. */
static int append(json_t *a, json_t *v)
{
	if (!v)
		return -1;
	return json_array_append_new(a, v);
}

char *dl_clean_path(const char *p)
{
	char *out = dl_xmalloc(strlen(p) + 2);
	size_t len = 0;

	while (*p) {
		size_t n;

		while (*p == '/')
			p++;
		n = strcspn(p, "/");
		if (n == 2 && p[0] == '.' && p[1] == '.') {
			while (len > 0 && out[len - 1] != '/')
				len--;
			if (len > 0)
				len--;
		} else if (n > 0 && !(n == 1 && p[0] == '.')) {
			out[len++] = '/';
			memcpy(out + len, p, n);
			len += n;
		}
		p += n;
	}
	if (len == 0)
		out[len++] = '/';
	out[len] = '\0';
	return out;
}

/* ---- scalar values ------------------------------------------------- */

static bool is_true(const char *v, bool *out)
{
	if (!v || !strcmp(v, "true") || !strcmp(v, "1"))
		*out = true;
	else if (!strcmp(v, "false") || !strcmp(v, "0"))
		*out = false;
	else
		return false;
	return true;
}

static bool valid_hostname(const char *h)
{
	size_t n = strlen(h);

	if (n == 0 || n > 64 || *h == '-' || *h == '.')
		return false;
	return strspn(h, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
			 "0123456789.-_") == n;
}

/* ---- capabilities --------------------------------------------------- */

static int set_cap(struct dl_spec_opts *o, const char *s, bool add,
		   char **reason)
{
	int n;

	if (append(add ? o->cap_add_names : o->cap_drop_names,
		   json_string(s)) < 0)
		return dl_fail(reason, DL_EXIT_FAIL, OOM);
	if (!strcasecmp(s, "ALL")) {
		*(add ? &o->add_all : &o->drop_all) = true;
		return 0;
	}
	n = dl_cap_number(s);
	if (n < 0)
		return dl_fail(reason, DL_EXIT_USAGE, "unable to %s capability "
			    "'%s': unknown capability", add ? "add" : "drop",
			    s);
	*(add ? &o->cap_add : &o->cap_drop) |= 1ULL << n;
	return 0;
}

static int opt_cap_add(struct dl_spec_opts *o, const char *s, char **reason)
{
	return set_cap(o, s, true, reason);
}

static int opt_cap_drop(struct dl_spec_opts *o, const char *s, char **reason)
{
	return set_cap(o, s, false, reason);
}

/* Every capability this kernel knows, as Docker's --privileged. */
static uint64_t all_caps(void)
{
	_cleanup_free_ char *buf = NULL;
	long last = DL_CAP_LAST;

	if (dl_read_file("/proc/sys/kernel/cap_last_cap", &buf, NULL) == 0)
		last = strtol(buf, NULL, 10);
	if (last <= 0 || last > DL_CAP_LAST)
		last = DL_CAP_LAST;
	return last == 63 ? ~0ULL : (1ULL << (last + 1)) - 1;
}

/* The capability set, as Docker's CLI and daemon together compute it. */
static uint64_t effective_caps(const struct dl_spec_opts *o)
{
	uint64_t drop = o->cap_drop & ~o->cap_add;

	if (o->privileged)
		return all_caps();
	if (o->add_all)
		return all_caps() & ~(o->drop_all ? 0 : drop);
	if (o->drop_all)
		return o->cap_add;
	return (DL_CAPS_DOCKER & ~drop) | o->cap_add;
}

static json_t *caps_json(uint64_t caps)
{
	json_t *a = json_array();
	int i;

	for (i = 0; a && i <= DL_CAP_LAST; i++)
		if ((caps & (1ULL << i)) &&
		    append(a, json_sprintf("CAP_%s", dl_cap_names[i])) < 0) {
			json_decref(a);
			return NULL;
		}
	return a;
}

static int opt_security(struct dl_spec_opts *o, const char *s, char **reason)
{
	size_t n = strlen("no-new-privileges");

	if (!strncmp(s, "no-new-privileges", n) &&
	    (!s[n] || s[n] == '=' || s[n] == ':') &&
	    is_true(s[n] ? s + n + 1 : NULL, &o->nnp))
		return append(o->security_opts, json_string(s)) < 0
			       ? dl_fail(reason, DL_EXIT_FAIL, OOM)
			       : 0;
	return dl_fail(reason, DL_EXIT_USAGE, "unable to use security option "
		    "'%s': not supported", s);
}

/* ---- mounts --------------------------------------------------------- */

/* A mount target: absolute, cleaned, not "/". */
static int target_path(const char *spec, const char *t, char **out,
		       char **reason)
{
	if (!t || *t != '/')
		return dl_fail(reason, DL_EXIT_USAGE, "unable to parse mount "
			    "'%s': the target must be an absolute path", spec);
	*out = dl_clean_path(t);
	if (!strcmp(*out, "/")) {
		free(dl_steal_pointer(out));
		return dl_fail(reason, DL_EXIT_USAGE, "unable to parse mount "
			    "'%s': the target cannot be '/'", spec);
	}
	return 0;
}

static int add_bind(struct dl_spec_opts *o, const char *src, const char *dst,
		    bool ro, const char *prop, const char *spec,
		    char **reason)
{
	_cleanup_free_ char *s = NULL, *d = NULL;
	struct stat st;
	json_t *opt;
	int ret;

	ret = target_path(spec, dst, &d, reason);
	if (ret)
		return ret;
	if (!src || !*src)
		return dl_fail(reason, DL_EXIT_USAGE, "unable to parse mount "
			    "'%s': a bind mount needs a source", spec);
	if (*src != '/')
		return dl_fail(reason, DL_EXIT_USAGE, "unable to mount '%s': "
			    "named volumes are not supported", src);
	s = dl_clean_path(src);
	if (stat(s, &st) < 0) {
		if (errno == ENOENT || errno == ENOTDIR)
			return dl_fail(reason, DL_EXIT_NO, "unable to mount "
				    "'%s': no such file or directory", src);
		return dl_fail(reason, DL_EXIT_FAIL, "unable to mount '%s': %s",
			    src, strerror(errno));
	}
	opt = json_pack("[ss]", "rbind", prop ? prop : "rprivate");
	if (opt && ro && append(opt, json_string("ro")) < 0)
		opt = NULL;
	if (append(o->mounts, json_pack("{s:s,s:s,s:s,s:o}", "destination",
					d, "type", "bind", "source", s,
					"options", opt)) < 0)
		return dl_fail(reason, DL_EXIT_FAIL, OOM);
	return 0;
}

static bool is_propagation(const char *s)
{
	static const char *const p[] = { "private", "rprivate", "shared",
					 "rshared", "slave", "rslave" };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(p); i++)
		if (!strcmp(s, p[i]))
			return true;
	return false;
}

/* -v SRC:DST[:OPTS] */
static int opt_volume(struct dl_spec_opts *o, const char *spec,
		      char **reason)
{
	_cleanup_free_ char *copy = dl_xstrdup(spec);
	char *src = copy, *dst, *mode, *save = NULL, *m;
	const char *prop = NULL;
	bool ro = false, nocopy = false;

	dst = strchr(src, ':');
	/* -v /PATH: an anonymous volume */
	if (!dst)
		return dl_spec_add_volume(o, NULL, src, false, false, spec,
					  reason);
	*dst++ = '\0';
	mode = strchr(dst, ':');
	if (mode)
		*mode++ = '\0';
	for (m = mode ? strtok_r(mode, ",", &save) : NULL; m;
	     m = strtok_r(NULL, ",", &save)) {
		if (!strcmp(m, "ro") || !strcmp(m, "rw"))
			ro = !strcmp(m, "ro");
		else if (is_propagation(m))
			prop = m;
		else if (!strcmp(m, "nocopy"))
			nocopy = true;
		else if (strcmp(m, "z") && strcmp(m, "Z") &&
			 strcmp(m, "consistent") &&
			 strcmp(m, "cached") && strcmp(m, "delegated"))
			return dl_fail(reason, DL_EXIT_USAGE, "unable to parse "
				    "mount '%s': invalid mode '%s'", spec, m);
	}
	/* a source that is no absolute path names a volume */
	if (*src && *src != '/') {
		if (prop)
			return dl_fail(reason, DL_EXIT_USAGE, "unable to parse "
				    "mount '%s': a volume has no propagation",
				    spec);
		return dl_spec_add_volume(o, src, dst, ro, nocopy, spec,
					  reason);
	}
	return add_bind(o, src, dst, ro, prop, spec, reason);
}

int dl_spec_add_volume(struct dl_spec_opts *o, const char *name,
		       const char *dst, bool ro, bool nocopy,
		       const char *spec, char **reason)
{
	_cleanup_free_ char *d = NULL, *why = NULL, *data = NULL;
	char id[DL_ID_LEN + 1];
	json_t *opt;
	int ret;

	ret = target_path(spec, dst, &d, reason);
	if (ret)
		return ret;
	if (!name) {
		if (dl_new_id(id) < 0)
			return dl_fail(reason, DL_EXIT_FAIL, "unable to mount "
				    "'%s': %s", spec, strerror(errno));
	} else if ((ret = dl_volume_name_check(name, &why))) {
		return dl_fail(reason, ret, "unable to mount '%s': %s", name,
			    why);
	}
	data = dl_volume_data(name ? name : id);
	opt = json_pack("[ss]", "rbind", "rprivate");
	if (opt && ro && append(opt, json_string("ro")) < 0)
		opt = NULL;
	if (append(o->mounts, json_pack("{s:s,s:s,s:s,s:o}", "destination",
					d, "type", "bind", "source", data,
					"options", opt)) < 0 ||
	    append(o->volumes, json_pack("{s:s,s:s,s:b,s:b}", "name",
					 name ? name : id, "destination", d,
					 "nocopy", nocopy, "anonymous",
					 !name)) < 0)
		return dl_fail(reason, DL_EXIT_FAIL, OOM);
	return 0;
}

static int str_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int dl_spec_image_volumes(struct dl_spec_opts *o, json_t *cfg, char **reason)
{
	json_t *vols = json_object_get(cfg, "Volumes"), *v, *m;
	_cleanup_free_ const char **keys = NULL;
	const char *dst;
	size_t i, k, n = 0;

	/* in path order, whatever the order of the config */
	keys = dl_xcalloc(json_object_size(vols) + 1, sizeof(*keys));
	json_object_foreach(vols, dst, v)
		keys[n++] = dst;
	qsort(keys, n, sizeof(*keys), str_cmp);
	for (k = 0; k < n; k++) {
		_cleanup_free_ char *d = NULL;
		bool taken = false;
		int ret;

		dst = keys[k];
		if (*dst != '/')
			return dl_fail(reason, DL_EXIT_REJECT, "unable to use "
				    "image volume '%s': not an absolute path",
				    dst);
		d = dl_clean_path(dst);
		if (!strcmp(d, "/"))
			continue;
		json_array_foreach(o->mounts, i, m)
			taken |= !strcmp(d, json_string_value(json_object_get(
						    m, "destination")));
		if (taken)
			continue;
		ret = dl_spec_add_volume(o, NULL, d, false, false, dst,
					 reason);
		if (ret)
			return ret;
	}
	return 0;
}

/* A tmpfs at @dst with Docker's noexec,nosuid,nodev unless @extra (an
 * array of options, stolen) says otherwise. */
static int add_tmpfs(struct dl_spec_opts *o, const char *dst, json_t *extra,
		     const char *spec, char **reason)
{
	_cleanup_free_ char *d = NULL;
	json_t *opt, *v;
	size_t i, j;
	int ret;

	ret = target_path(spec, dst, &d, reason);
	if (ret) {
		json_decref(extra);
		return ret;
	}
	opt = json_pack("[sss]", "noexec", "nosuid", "nodev");
	/* a user's exec, suid or dev overrides Docker's default */
	json_array_foreach(opt ? extra : NULL, i, v) {
		const char *s = json_string_value(v);
		const char *bare = !strncmp(s, "no", 2) ? s + 2 : s;

		for (j = 0; j < 3; j++) {
			const char *def = json_string_value(
				json_array_get(opt, j));
			if (!strcmp(def + 2, bare)) {
				json_array_set(opt, j, v);
				break;
			}
		}
		if (j == 3)
			json_array_append(opt, v);
	}
	json_decref(extra);
	if (append(o->mounts, json_pack("{s:s,s:s,s:s,s:o}", "destination",
					d, "type", "tmpfs", "source",
					"tmpfs", "options", opt)) < 0)
		return dl_fail(reason, DL_EXIT_FAIL, OOM);
	return 0;
}

/* --tmpfs DST[:OPTS] */
static int opt_tmpfs(struct dl_spec_opts *o, const char *spec, char **reason)
{
	_cleanup_free_ char *copy = dl_xstrdup(spec);
	char *dst = copy, *opts = strchr(copy, ':'), *save = NULL, *m;
	json_t *extra = json_array();

	if (opts)
		*opts++ = '\0';
	for (m = opts ? strtok_r(opts, ",", &save) : NULL; m;
	     m = strtok_r(NULL, ",", &save))
		if (append(extra, json_string(m)) < 0) {
			json_decref(extra);
			return dl_fail(reason, DL_EXIT_FAIL, OOM);
		}
	if (!extra)
		return dl_fail(reason, DL_EXIT_FAIL, OOM);
	return add_tmpfs(o, dst, extra, spec, reason);
}

/* The tmpfs options of --mount: size, mode and ro, as --tmpfs takes them */
static json_t *tmpfs_extra(long long size, long mode, bool ro)
{
	json_t *extra = json_array();

	if (extra && ((size >= 0 &&
		       append(extra, json_sprintf("size=%lld", size)) < 0) ||
		      (mode >= 0 &&
		       append(extra, json_sprintf("mode=%lo", mode)) < 0) ||
		      (ro && append(extra, json_string("ro")) < 0))) {
		json_decref(extra);
		return NULL;
	}
	return extra;
}

/* --mount type=bind|tmpfs,source=,target=,readonly,tmpfs-size=,tmpfs-mode= */
static int opt_mount(struct dl_spec_opts *o, const char *spec, char **reason)
{
	_cleanup_free_ char *copy = dl_xstrdup(spec);
	const char *type = "volume", *src = NULL, *dst = NULL, *prop = NULL;
	char *save = NULL, *kv;
	long long size = -1;
	long mode = -1;
	bool ro = false, nocopy = false, volopt = false;
	json_t *extra;

	for (kv = strtok_r(copy, ",", &save); kv;
	     kv = strtok_r(NULL, ",", &save)) {
		char *v = strchr(kv, '='), *end;

		if (v)
			*v++ = '\0';
		if (!strcmp(kv, "type") && v)
			type = v;
		else if ((!strcmp(kv, "source") || !strcmp(kv, "src")) && v)
			src = v;
		else if ((!strcmp(kv, "target") || !strcmp(kv, "dst") ||
			  !strcmp(kv, "destination")) && v)
			dst = v;
		else if ((!strcmp(kv, "readonly") || !strcmp(kv, "ro")) &&
			 is_true(v, &ro))
			continue;
		else if (!strcmp(kv, "bind-propagation") && v &&
			 is_propagation(v))
			prop = v;
		else if (!strcmp(kv, "tmpfs-size") && v &&
			 (size = dl_parse_bytes(v)) >= 0)
			continue;
		else if (!strcmp(kv, "tmpfs-mode") && v && *v &&
			 (mode = strtol(v, &end, 8)) >= 0 && !*end &&
			 mode <= 07777)
			continue;
		else if (!strcmp(kv, "consistency") && v)
			continue;
		else if (!strcmp(kv, "volume-nocopy") && is_true(v, &nocopy))
			volopt = true;
		else
			return dl_fail(reason, DL_EXIT_USAGE, "unable to parse "
				    "mount '%s': unexpected key or value '%s'",
				    spec, kv);
	}
	if (!strcmp(type, "volume")) {
		if (size >= 0 || mode >= 0 || prop)
			return dl_fail(reason, DL_EXIT_USAGE, "unable to parse "
				    "mount '%s': bind or tmpfs options on a "
				    "volume", spec);
		return dl_spec_add_volume(o, src && *src ? src : NULL, dst, ro,
					  nocopy, spec, reason);
	}
	if (volopt)
		return dl_fail(reason, DL_EXIT_USAGE, "unable to parse mount "
			    "'%s': volume options on a %s mount", spec, type);
	if (!strcmp(type, "bind")) {
		if (size >= 0 || mode >= 0)
			return dl_fail(reason, DL_EXIT_USAGE, "unable to parse "
				    "mount '%s': tmpfs options on a bind mount",
				    spec);
		return add_bind(o, src, dst, ro, prop, spec, reason);
	}
	if (strcmp(type, "tmpfs"))
		return dl_fail(reason, DL_EXIT_USAGE, "unable to mount '%s': "
			    "mount type '%s' is not supported", spec, type);
	if (src || prop)
		return dl_fail(reason, DL_EXIT_USAGE, "unable to parse mount "
			    "'%s': a tmpfs has no source", spec);
	extra = tmpfs_extra(size, mode, ro);
	if (!extra)
		return dl_fail(reason, DL_EXIT_FAIL, OOM);
	return add_tmpfs(o, dst, extra, spec, reason);
}

static bool sysctl_namespaced(const char *k, const char *network,
			      const char *ipc);

int dl_spec_opts_check(const struct dl_spec_opts *o, char **reason)
{
	const char *k;
	size_t i, j;
	json_t *a, *b;

	json_object_foreach(o->sysctl, k, a)
		if (!sysctl_namespaced(k, o->network, o->ipc_mode))
			return dl_fail(reason, DL_EXIT_USAGE, "unable to set "
				    "sysctl '%s': not one of the container's "
				    "namespaces (kernel.msg*, kernel.sem, "
				    "kernel.shm*, fs.mqueue.* but with --ipc "
				    "host, net.* but with --network host)", k);
	if (o->memory_swap && !o->memory)
		return dl_fail(reason, DL_EXIT_USAGE, "unable to set memory "
			    "swap: --memory-swap needs --memory");
	/* as Docker: a --rm container has no restart policy */
	if (o->rm && o->restart && strcmp(o->restart, "no"))
		return dl_fail(reason, DL_EXIT_USAGE, "unable to set restart "
			    "policy '%s': conflicting options --restart and "
			    "--rm", o->restart);
	if (o->no_healthcheck &&
	    (o->health_cmd || o->health_interval || o->health_timeout ||
	     o->health_retries || o->health_start_period))
		return dl_fail(reason, DL_EXIT_USAGE, "unable to set health "
			    "check: --no-healthcheck conflicts with "
			    "--health-* options");
	if (o->memory_swap > 0 && o->memory_swap < o->memory)
		return dl_fail(reason, DL_EXIT_USAGE, "unable to set memory "
			    "swap: --memory-swap must be at least --memory");

	json_array_foreach(o->mounts, i, a)
		json_array_foreach(o->mounts, j, b)
			if (j > i &&
			    json_equal(json_object_get(a, "destination"),
				       json_object_get(b, "destination")))
				return dl_fail(reason, DL_EXIT_USAGE,
					    "unable to mount '%s': duplicate "
					    "mount point",
					    json_string_value(json_object_get(
						    a, "destination")));
	if ((json_array_size(o->publish) || o->publish_all) &&
	    (!strcmp(o->network, "none") || !strcmp(o->network, "host") ||
	     !strncmp(o->network, "container:", 10)))
		return dl_fail(reason, DL_EXIT_USAGE, "unable to publish ports: "
			       "not with --network %s", o->network);
	return 0;
}

/* ---- resources ------------------------------------------------------ */

static int opt_memory(struct dl_spec_opts *o, const char *s, char **reason)
{
	o->memory = dl_parse_bytes(s);
	if (o->memory < 0)
		return dl_fail(reason, DL_EXIT_USAGE, "unable to set memory '%s': "
			    "invalid size", s);
	/* 0: no limit, as Docker */
	if (o->memory > 0 && o->memory < MIN_MEMORY)
		return dl_fail(reason, DL_EXIT_USAGE, "unable to set memory '%s': "
			    "the minimum is 6MB", s);
	return 0;
}

static int opt_cpus(struct dl_spec_opts *o, const char *s, char **reason)
{
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (end == s || *end || errno || !(v >= 0) || *s == '+' || *s == '-')
		return dl_fail(reason, DL_EXIT_USAGE, "unable to set cpus '%s': "
			    "not a positive decimal number", s);
	/* 0: no limit, as Docker */
	if (v == 0) {
		o->cpu_quota = 0;
		return 0;
	}
	if (ncpu > 0 && v > (double)ncpu)
		return dl_fail(reason, DL_EXIT_USAGE, "unable to set cpus '%s': "
			    "the range is 0.01 to %ld.00, as there are only "
			    "%ld CPUs", s, ncpu, ncpu);
	o->cpu_quota = (long long)(v * 100000 + 0.5);
	if (o->cpu_quota < 1000)
		return dl_fail(reason, DL_EXIT_USAGE, "unable to set cpus '%s': "
			    "the minimum is 0.01", s);
	return 0;
}

static int opt_pids(struct dl_spec_opts *o, const char *s, char **reason)
{
	char *end;

	errno = 0;
	o->pids = strtoll(s, &end, 10);
	if (end == s || *end || errno)
		return dl_fail(reason, DL_EXIT_USAGE, "unable to set pids-limit "
			    "'%s': not an integer", s);
	return 0;
}

/* ---- the other options ---------------------------------------------- */

static int opt_name(struct dl_spec_opts *o, const char *s, char **reason)
{
	/* "/web" is web, as Docker's names are shown (inspect's Name) */
	if (*s == '/')
		s++;
	if (!dl_is_container_name(s))
		return dl_fail(reason, DL_EXIT_USAGE, "unable to use name '%s': "
			    "invalid container name, must match "
			    "[a-zA-Z0-9][a-zA-Z0-9_.-]*", s);
	o->name = s;
	return 0;
}

static int opt_env(struct dl_spec_opts *o, const char *s, char **reason)
{
	if (*s == '=' || !*s)
		return dl_fail(reason, DL_EXIT_USAGE, "unable to set variable "
			    "'%s': invalid environment variable", s);
	if (append(o->env, json_string(s)) < 0)
		return dl_fail(reason, DL_EXIT_FAIL, OOM);
	return 0;
}

static int opt_workdir(struct dl_spec_opts *o, const char *s, char **reason)
{
	if (*s != '/')
		return dl_fail(reason, DL_EXIT_USAGE, "unable to use working "
			    "directory '%s': it needs to be an absolute path",
			    s);
	o->workdir = s;
	return 0;
}

static int opt_hostname(struct dl_spec_opts *o, const char *s, char **reason)
{
	if (!valid_hostname(s))
		return dl_fail(reason, DL_EXIT_USAGE, "unable to use hostname "
			    "'%s': invalid hostname", s);
	o->hostname = s;
	return 0;
}

static int opt_network(struct dl_spec_opts *o, const char *s, char **reason)
{
	if (!strncmp(s, "container:", 10) && s[10]) {
		o->network = s;
		return 0;
	}
	if (strcmp(s, "bridge") && strcmp(s, "none") && strcmp(s, "host") &&
	    !dl_net_name_valid(s))
		return dl_fail(reason, DL_EXIT_USAGE, "unable to use network "
			    "'%s': not bridge, none, host nor the name of a "
			    "network", s);
	o->network = s;
	return 0;
}

static bool is_ip(const char *s)
{
	unsigned char buf[sizeof(struct in6_addr)];

	return inet_pton(AF_INET, s, buf) == 1 ||
	       inet_pton(AF_INET6, s, buf) == 1;
}

static int opt_dns(struct dl_spec_opts *o, const char *s, char **reason)
{
	if (!is_ip(s))
		return dl_fail(reason, DL_EXIT_USAGE, "unable to use name "
			    "server '%s': not an IP address", s);
	if (append(o->dns, json_string(s)) < 0)
		return dl_fail(reason, DL_EXIT_FAIL, OOM);
	return 0;
}

static int opt_dns_search(struct dl_spec_opts *o, const char *s,
			  char **reason)
{
	if (!valid_hostname(s) && strcmp(s, "."))
		return dl_fail(reason, DL_EXIT_USAGE, "unable to use search "
			    "domain '%s': invalid domain", s);
	if (append(o->dns_search, json_string(s)) < 0)
		return dl_fail(reason, DL_EXIT_FAIL, OOM);
	return 0;
}

/* ---- --network-alias ------------------------------------------------- */

static int opt_network_alias(struct dl_spec_opts *o, const char *s,
			     char **reason)
{
	if (!dl_net_alias_valid(s))
		return dl_fail(reason, DL_EXIT_USAGE, "unable to use alias "
			       "'%s': invalid name", s);
	if (!o->aliases && !(o->aliases = json_array()))
		return dl_fail(reason, DL_EXIT_FAIL, OOM);
	if (append(o->aliases, json_string(s)) < 0)
		return dl_fail(reason, DL_EXIT_FAIL, OOM);
	return 0;
}

static int opt_add_host(struct dl_spec_opts *o, const char *s, char **reason)
{
	const char *colon = strchr(s, ':');
	_cleanup_free_ char *name = NULL;

	if (colon)
		name = dl_xasprintf("%.*s", (int)(colon - s), s);
	if (!colon || !valid_hostname(name) || !is_ip(colon + 1))
		return dl_fail(reason, DL_EXIT_USAGE, "unable to add host "
			    "'%s': not NAME:IP", s);
	if (append(o->hosts, json_string(s)) < 0)
		return dl_fail(reason, DL_EXIT_FAIL, OOM);
	return 0;
}

/* ---- the process and the kernel ------------------------------------ */

static int opt_stop_signal(struct dl_spec_opts *o, const char *s, char **reason)
{
	if (dl_signal_parse(s) <= 0)
		return dl_fail(reason, DL_EXIT_USAGE, "unable to set stop signal "
			    "'%s': no such signal", s);
	o->stop_signal = s;
	return 0;
}

static int opt_stop_timeout(struct dl_spec_opts *o, const char *s,
			    char **reason)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (end == s || *end || errno || v < -1 || v > 86400 * 365)
		return dl_fail(reason, DL_EXIT_USAGE, "unable to set stop timeout "
			    "'%s': not a number of seconds (-1: for ever)", s);
	o->stop_timeout = s;
	return 0;
}

/* The rlimits Docker's --ulimit takes, as OCI and LXC name them. */
static const char *const rlimit_names[] = {
	"core", "cpu", "data", "fsize", "locks", "memlock", "msgqueue",
	"nice", "nofile", "nproc", "rss", "rtprio", "rttime", "sigpending",
	"stack",
};

static int ulimit_value(const char *s, const char *end, long long *v)
{
	char *e;

	if (end - s == 9 && !strncmp(s, "unlimited", 9)) {
		*v = -1;
		return 0;
	}
	errno = 0;
	*v = strtoll(s, &e, 10);
	return e == end && e != s && !errno && *v >= -1 ? 0 : -1;
}

/* --ulimit NAME=SOFT[:HARD] (-1 or "unlimited": no limit) */
static int opt_ulimit(struct dl_spec_opts *o, const char *s, char **reason)
{
	const char *eq = strchr(s, '='), *colon;
	_cleanup_free_ char *type = NULL;
	long long soft, hard;
	size_t i, n = eq ? (size_t)(eq - s) : 0;
	json_t *r;

	for (i = 0; eq && i < ARRAY_SIZE(rlimit_names); i++)
		if (strlen(rlimit_names[i]) == n && !strncmp(s, rlimit_names[i], n))
			break;
	if (!eq || i == ARRAY_SIZE(rlimit_names))
		return dl_fail(reason, DL_EXIT_USAGE, "unable to set ulimit '%s': "
			    "not NAME=SOFT[:HARD] with NAME one of core, cpu, "
			    "data, fsize, locks, memlock, msgqueue, nice, nofile, "
			    "nproc, rss, rtprio, rttime, sigpending, stack", s);
	colon = strchr(eq + 1, ':');
	if (ulimit_value(eq + 1, colon ? colon : eq + 1 + strlen(eq + 1),
			 &soft) < 0 ||
	    (colon && ulimit_value(colon + 1, colon + 1 + strlen(colon + 1),
				   &hard) < 0))
		return dl_fail(reason, DL_EXIT_USAGE, "unable to set ulimit '%s': "
			    "not a number", s);
	if (!colon)
		hard = soft;
	if (hard != -1 && (soft == -1 || soft > hard))
		return dl_fail(reason, DL_EXIT_USAGE, "unable to set ulimit '%s': "
			    "the soft limit is above the hard one", s);
	type = dl_xasprintf("RLIMIT_%.*s", (int)n, s);
	for (char *p = type + 7; *p; p++)
		*p = (char)toupper((unsigned char)*p);
	/* OCI's rlimits are unsigned: "unlimited" is all ones */
	r = json_pack("{s:s,s:I,s:I}", "type", type, "soft",
		      (json_int_t)soft, "hard", (json_int_t)hard);
	/* a later one for the same limit replaces the earlier */
	for (i = 0; i < json_array_size(o->rlimits); i++)
		if (!strcmp(json_string_value(json_object_get(
				    json_array_get(o->rlimits, i), "type")),
			    type))
			json_array_remove(o->rlimits, i--);
	if (append(o->rlimits, r) < 0)
		return dl_fail(reason, DL_EXIT_FAIL, OOM);
	return 0;
}

/* The sysctls a container may set, as Docker allows them: those of the
 * namespaces it has of its own (IPC, and network unless --network host) */
static bool sysctl_namespaced(const char *k, const char *network,
			      const char *ipc_mode)
{
	bool own_ipc = !ipc_mode || !strcmp(ipc_mode, "private") ||
		       !strcmp(ipc_mode, "shareable");

	static const char *const ipc[] = {
		"kernel.msgmax", "kernel.msgmnb", "kernel.msgmni",
		"kernel.sem", "kernel.shmall", "kernel.shmmax",
		"kernel.shmmni", "kernel.shm_rmid_forced",
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(ipc); i++)
		if (!strcmp(k, ipc[i]))
			return own_ipc;
	if (!strncmp(k, "fs.mqueue.", 10))
		return own_ipc;
	return !strncmp(k, "net.", 4) && strcmp(network, "host");
}

/* --sysctl K=V; checked against the network in dl_spec_opts_check() */
static int opt_sysctl(struct dl_spec_opts *o, const char *s, char **reason)
{
	const char *eq = strchr(s, '=');
	_cleanup_free_ char *k = NULL;

	if (!eq || eq == s || !eq[1] || strchr(s, '\n'))
		return dl_fail(reason, DL_EXIT_USAGE, "unable to set sysctl "
			    "'%s': not KEY=VALUE", s);
	k = dl_xasprintf("%.*s", (int)(eq - s), s);
	if (strspn(k, "abcdefghijklmnopqrstuvwxyz0123456789._-") != strlen(k))
		return dl_fail(reason, DL_EXIT_USAGE, "unable to set sysctl "
			    "'%s': not KEY=VALUE", s);
	if (json_object_set_new(o->sysctl, k, json_string(eq + 1)) < 0)
		return dl_fail(reason, DL_EXIT_FAIL, OOM);
	return 0;
}

static int opt_oom_score_adj(struct dl_spec_opts *o, const char *s,
			     char **reason)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (end == s || *end || errno || v < -1000 || v > 1000)
		return dl_fail(reason, DL_EXIT_USAGE, "unable to set oom score "
			    "adjustment '%s': not in -1000..1000", s);
	o->oom_score_adj = (int)v;
	o->oom_set = true;
	return 0;
}

/* --cpuset-cpus 0-2,4: CPU numbers and ranges */
static int opt_cpuset(struct dl_spec_opts *o, const char *s, char **reason)
{
	long ncpu = sysconf(_SC_NPROCESSORS_CONF);
	const char *p = s;

	while (*p) {
		char *end;
		long a = strtol(p, &end, 10), b = a;

		if (end == p || a < 0)
			goto bad;
		if (*end == '-') {
			p = end + 1;
			b = strtol(p, &end, 10);
			if (end == p || b < a)
				goto bad;
		}
		if (ncpu > 0 && b >= ncpu)
			return dl_fail(reason, DL_EXIT_USAGE, "unable to set cpuset "
				    "'%s': this host has CPUs 0 to %ld", s,
				    ncpu - 1);
		if (*end && *end != ',')
			goto bad;
		p = *end ? end + 1 : end;
		if (*end && !*p)
			goto bad;
	}
	if (!*s)
		goto bad;
	o->cpuset_cpus = s;
	return 0;
bad:
	return dl_fail(reason, DL_EXIT_USAGE, "unable to set cpuset '%s': not "
		    "a list of CPUs such as 0-2,4", s);
}

static int opt_cpu_shares(struct dl_spec_opts *o, const char *s,
			  char **reason)
{
	char *end;

	errno = 0;
	o->cpu_shares = strtoll(s, &end, 10);
	if (end == s || *end || errno || o->cpu_shares < 0 ||
	    o->cpu_shares > 262144)
		return dl_fail(reason, DL_EXIT_USAGE, "unable to set cpu shares "
			    "'%s': not in 0..262144", s);
	if (o->cpu_shares > 0 && o->cpu_shares < 2)
		o->cpu_shares = 2;
	return 0;
}

/* --memory-swap SIZE: memory and swap together; -1: swap unlimited */
static int opt_memory_swap(struct dl_spec_opts *o, const char *s,
			   char **reason)
{
	if (!strcmp(s, "-1")) {
		o->memory_swap = -1;
		return 0;
	}
	/* 0: unset (as much as --memory, no swap), as Docker */
	o->memory_swap = dl_parse_bytes(s);
	if (o->memory_swap < 0)
		return dl_fail(reason, DL_EXIT_USAGE, "unable to set memory swap "
			    "'%s': invalid size", s);
	return 0;
}

static int opt_group_add(struct dl_spec_opts *o, const char *s, char **reason)
{
	if (!*s || strchr(s, ':'))
		return dl_fail(reason, DL_EXIT_USAGE, "unable to add group '%s': "
			    "not a group name or number", s);
	if (append(o->group_add, json_string(s)) < 0)
		return dl_fail(reason, DL_EXIT_FAIL, OOM);
	return 0;
}

static int opt_label(struct dl_spec_opts *o, const char *s, char **reason)
{
	size_t n = strcspn(s, "=");
	_cleanup_free_ char *key = dl_xasprintf("%.*s", (int)n, s);
	json_t *v = json_string(s[n] ? s + n + 1 : "");

	if (!n) {
		json_decref(v);
		return dl_fail(reason, DL_EXIT_USAGE, "unable to set label "
			    "'%s': empty key", s);
	}
	if (!v)
		return dl_fail(reason, DL_EXIT_USAGE, "unable to set label "
			    "'%s': not UTF-8", s);
	if (json_object_set_new(o->labels, key, v) < 0)
		return dl_fail(reason, DL_EXIT_FAIL, OOM);
	return 0;
}

int dl_spec_labels_merge(struct dl_spec_opts *o, json_t *image_labels)
{
	const char *k;
	json_t *v;

	if (!json_is_object(image_labels))
		return 0;
	json_object_foreach(image_labels, k, v)
		if (json_is_string(v) && !json_object_get(o->labels, k) &&
		    json_object_set(o->labels, k, v) < 0)
			return -1;
	return 0;
}

static int opt_publish(struct dl_spec_opts *o, const char *s, char **reason)
{
	char text[DL_PORT_STRLEN];
	struct dl_port p;
	int r;

	if ((r = dl_port_parse(s, &p, reason)))
		return r;
	dl_port_string(&p, text);
	if (append(o->publish, json_string(text)) < 0)
		return dl_fail(reason, DL_EXIT_FAIL, OOM);
	return 0;
}

int dl_spec_publish_exposed(struct dl_spec_opts *o, json_t *cfg,
			    char **reason)
{
	json_t *exposed = json_object_get(cfg, "ExposedPorts"), *v, *w;
	const char *key;
	size_t i;

	*reason = NULL;
	if (!o->publish_all || !json_is_object(exposed))
		return 0;
	json_object_foreach(exposed, key, v) {
		char text[DL_PORT_STRLEN];
		struct dl_port p, q;
		bool have = false;

		if (strchr(key, ':') || dl_port_parse(key, &p, reason)) {
			free(*reason);
			*reason = NULL;
			return dl_fail(reason, DL_EXIT_REJECT, "unable to "
				       "publish port '%s': the image's "
				       "ExposedPorts has no such port", key);
		}
		json_array_foreach(o->publish, i, w) {
			_cleanup_free_ char *why = NULL;

			if (!dl_port_parse(json_string_value(w), &q, &why) &&
			    q.ctr_port == p.ctr_port && q.udp == p.udp)
				have = true;
		}
		dl_port_string(&p, text);
		if (!have && append(o->publish, json_string(text)) < 0)
			return dl_fail(reason, DL_EXIT_FAIL, OOM);
	}
	return 0;
}

/* ---- namespaces, devices and /dev/shm ------------------------------ */

/* --pid host|container:NAME */
static int opt_pid(struct dl_spec_opts *o, const char *s, char **reason)
{
	if (!strcmp(s, "host") || (!strncmp(s, "container:", 10) && s[10])) {
		o->pid_mode = s;
		return 0;
	}
	return dl_fail(reason, DL_EXIT_USAGE, "unable to use pid mode '%s': "
		    "not host nor container:CONTAINER", s);
}

/* --ipc host|container:NAME|private|shareable */
static int opt_ipc(struct dl_spec_opts *o, const char *s, char **reason)
{
	if (!strcmp(s, "host") || !strcmp(s, "private") ||
	    !strcmp(s, "shareable") ||
	    (!strncmp(s, "container:", 10) && s[10])) {
		o->ipc_mode = s;
		return 0;
	}
	return dl_fail(reason, DL_EXIT_USAGE, "unable to use ipc mode '%s': "
		    "not host, private, shareable nor container:CONTAINER", s);
}

/* "rwm" and its non-empty subsets, each letter once */
static bool device_perms(const char *p)
{
	size_t n = strlen(p);

	return n > 0 && n <= 3 && strspn(p, "rwm") == n &&
	       !(strchr(p, 'r') != strrchr(p, 'r') ||
		 strchr(p, 'w') != strrchr(p, 'w') ||
		 strchr(p, 'm') != strrchr(p, 'm'));
}

/* --device HOST[:CTR][:PERMS], as Docker reads it: a second field that is
 * permissions is no path */
static int opt_device(struct dl_spec_opts *o, const char *spec, char **reason)
{
	_cleanup_free_ char *copy = dl_xstrdup(spec), *host = NULL;
	_cleanup_free_ char *ctr = NULL;
	char *f2 = strchr(copy, ':'), *f3 = NULL;
	const char *perms = "rwm";
	struct stat st;

	if (f2) {
		*f2++ = '\0';
		f3 = strchr(f2, ':');
		if (f3)
			*f3++ = '\0';
	}
	if (f2 && !f3 && device_perms(f2)) {
		perms = f2;
		f2 = NULL;
	} else if (f3) {
		perms = f3;
	}
	if (!device_perms(perms))
		return dl_fail(reason, DL_EXIT_USAGE, "unable to add device "
			    "'%s': invalid permissions '%s' (a subset of rwm)",
			    spec, perms);
	if (*copy != '/' || (f2 && *f2 != '/') || strchr(spec, ','))
		return dl_fail(reason, DL_EXIT_USAGE, "unable to add device "
			    "'%s': not HOST[:CONTAINER][:PERMS] with absolute "
			    "paths", spec);
	host = dl_clean_path(copy);
	ctr = dl_clean_path(f2 ? f2 : copy);
	if (!strcmp(ctr, "/"))
		return dl_fail(reason, DL_EXIT_USAGE, "unable to add device "
			    "'%s': the container path cannot be '/'", spec);
	if (stat(host, &st) < 0) {
		if (errno == ENOENT || errno == ENOTDIR)
			return dl_fail(reason, DL_EXIT_NO, "unable to add device "
				    "'%s': no such file or directory", host);
		return dl_fail(reason, DL_EXIT_FAIL, "unable to add device "
			    "'%s': %s", host, strerror(errno));
	}
	if (!S_ISCHR(st.st_mode) && !S_ISBLK(st.st_mode))
		return dl_fail(reason, DL_EXIT_USAGE, "unable to add device "
			    "'%s': not a device node", host);
	if (append(o->devices, json_pack(
			"{s:s,s:s,s:s,s:s,s:I,s:I,s:I,s:I,s:I}", "host", host,
			"path", ctr, "perms", perms, "type",
			S_ISCHR(st.st_mode) ? "c" : "b", "major",
			(json_int_t)major(st.st_rdev), "minor",
			(json_int_t)minor(st.st_rdev), "mode",
			(json_int_t)(st.st_mode & 07777), "uid",
			(json_int_t)st.st_uid, "gid",
			(json_int_t)st.st_gid)) < 0)
		return dl_fail(reason, DL_EXIT_FAIL, OOM);
	return 0;
}

/* --shm-size SIZE: the tmpfs of /dev/shm; 0 is Docker's default */
static int opt_shm_size(struct dl_spec_opts *o, const char *s, char **reason)
{
	o->shm_size = dl_parse_bytes(s);
	if (o->shm_size < 0)
		return dl_fail(reason, DL_EXIT_USAGE, "unable to set shm size "
			    "'%s': invalid size", s);
	return 0;
}

/* ---- the monitor: restart policy, health check ---------------------- */

static int opt_restart(struct dl_spec_opts *o, const char *s, char **reason)
{
	struct dl_restart_policy p;
	int r = dl_restart_parse(s, &p, reason);

	if (!r)
		o->restart = s;
	return r;
}

static int opt_health_interval(struct dl_spec_opts *o, const char *s,
			       char **reason)
{
	int r = dl_health_duration_check("interval", s, reason);

	if (!r)
		o->health_interval = s;
	return r;
}

static int opt_health_timeout(struct dl_spec_opts *o, const char *s,
			      char **reason)
{
	int r = dl_health_duration_check("timeout", s, reason);

	if (!r)
		o->health_timeout = s;
	return r;
}

static int opt_health_start_period(struct dl_spec_opts *o, const char *s,
				   char **reason)
{
	int r = dl_health_duration_check("start-period", s, reason);

	if (!r)
		o->health_start_period = s;
	return r;
}

static int opt_health_retries(struct dl_spec_opts *o, const char *s,
			      char **reason)
{
	int r = dl_health_retries_check(s, reason);

	if (!r)
		o->health_retries = s;
	return r;
}

#define FIELD(f) offsetof(struct dl_spec_opts, f)

/* An option: a parser, or a string field to keep, or a flag to set. */
static const struct {
	const char *key;
	int (*parse)(struct dl_spec_opts *o, const char *v, char **reason);
	size_t field;
	bool flag;
} options[] = {
	{ "name", opt_name, 0, false },
	{ "env", opt_env, 0, false },
	{ "workdir", opt_workdir, 0, false },
	{ "user", NULL, FIELD(user), false },
	{ "entrypoint", NULL, FIELD(entrypoint), false },
	{ "hostname", opt_hostname, 0, false },
	{ "volume", opt_volume, 0, false },
	{ "mount", opt_mount, 0, false },
	{ "tmpfs", opt_tmpfs, 0, false },
	{ "memory", opt_memory, 0, false },
	{ "cpus", opt_cpus, 0, false },
	{ "pids-limit", opt_pids, 0, false },
	{ "cap-add", opt_cap_add, 0, false },
	{ "cap-drop", opt_cap_drop, 0, false },
	{ "security-opt", opt_security, 0, false },
	{ "network", opt_network, 0, false },
	{ "net", opt_network, 0, false },
	{ "dns", opt_dns, 0, false },
	{ "dns-search", opt_dns_search, 0, false },
	{ "add-host", opt_add_host, 0, false },
	{ "network-alias", opt_network_alias, 0, false },
	{ "label", opt_label, 0, false },
	{ "publish", opt_publish, 0, false },
	{ "publish-all", NULL, FIELD(publish_all), true },
	{ "image-name", NULL, FIELD(image_name), false },
	{ "read-only", NULL, FIELD(readonly), true },
	{ "privileged", NULL, FIELD(privileged), true },
	{ "tty", NULL, FIELD(tty), true },
	{ "interactive", NULL, FIELD(interactive), true },
	{ "rm", NULL, FIELD(rm), true },
	{ "init", NULL, FIELD(init), true },
	{ "stop-signal", opt_stop_signal, 0, false },
	{ "stop-timeout", opt_stop_timeout, 0, false },
	{ "ulimit", opt_ulimit, 0, false },
	{ "sysctl", opt_sysctl, 0, false },
	{ "oom-score-adj", opt_oom_score_adj, 0, false },
	{ "cpuset-cpus", opt_cpuset, 0, false },
	{ "cpu-shares", opt_cpu_shares, 0, false },
	{ "memory-swap", opt_memory_swap, 0, false },
	{ "group-add", opt_group_add, 0, false },
	{ "cidfile", NULL, FIELD(cidfile), false },
	{ "pid", opt_pid, 0, false },
	{ "ipc", opt_ipc, 0, false },
	{ "device", opt_device, 0, false },
	{ "shm-size", opt_shm_size, 0, false },
	/* the monitor's: restart policy and health check */
	{ "restart", opt_restart, 0, false },
	{ "health-cmd", NULL, FIELD(health_cmd), false },
	{ "health-interval", opt_health_interval, 0, false },
	{ "health-timeout", opt_health_timeout, 0, false },
	{ "health-start-period", opt_health_start_period, 0, false },
	{ "health-retries", opt_health_retries, 0, false },
	{ "no-healthcheck", NULL, FIELD(no_healthcheck), true },
};

int dl_spec_opts_init(struct dl_spec_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->network = "bridge";
	o->env = json_array();
	o->mounts = json_array();
	o->dns = json_array();
	o->dns_search = json_array();
	o->hosts = json_array();
	o->rlimits = json_array();
	o->sysctl = json_object();
	o->group_add = json_array();
	o->volumes = json_array();
	o->labels = json_object();
	o->publish = json_array();
	o->devices = json_array();
	o->cap_add_names = json_array();
	o->cap_drop_names = json_array();
	o->security_opts = json_array();
	return o->env && o->mounts && o->dns && o->dns_search && o->hosts &&
			       o->rlimits && o->sysctl && o->group_add &&
			       o->volumes && o->labels && o->publish &&
			       o->devices && o->cap_add_names &&
			       o->cap_drop_names && o->security_opts
		       ? 0
		       : -1;
}

void dl_spec_opts_free(struct dl_spec_opts *o)
{
	free(o->healthcheck);
	o->healthcheck = NULL;
	json_decref(o->env);
	json_decref(o->mounts);
	json_decref(o->dns);
	json_decref(o->dns_search);
	json_decref(o->hosts);
	json_decref(o->rlimits);
	json_decref(o->sysctl);
	json_decref(o->group_add);
	json_decref(o->volumes);
	json_decref(o->labels);
	json_decref(o->publish);
	o->env = o->mounts = o->dns = o->dns_search = o->hosts = NULL;
	o->rlimits = o->sysctl = o->group_add = o->volumes = o->labels = NULL;
	o->publish = NULL;
	json_decref(o->aliases);
	o->aliases = NULL;
	json_decref(o->devices);
	json_decref(o->cap_add_names);
	json_decref(o->cap_drop_names);
	json_decref(o->security_opts);
	o->devices = o->cap_add_names = o->cap_drop_names = NULL;
	o->security_opts = NULL;
}

int dl_spec_opt(struct dl_spec_opts *o, const char *key, const char *val,
		char **reason)
{
	size_t i;

	*reason = NULL;
	for (i = 0; i < ARRAY_SIZE(options); i++) {
		char *p = (char *)o + options[i].field;

		if (strcmp(key, options[i].key))
			continue;
		if (options[i].flag) {
			*(bool *)p = true;
			return 0;
		}
		if (!val)
			break;
		if (options[i].parse)
			return options[i].parse(o, val, reason);
		*(const char **)p = val;
		return 0;
	}
	return dl_fail(reason, DL_EXIT_USAGE, "unable to use option '%s': %s",
		    key, i < ARRAY_SIZE(options) ? "it needs a value"
						 : "unknown option");
}

/* ---- process -------------------------------------------------------- */

/* The key of "K=V" or "K": its length. */
static size_t key_len(const char *kv)
{
	return strcspn(kv, "=");
}

ssize_t dl_spec_env_find(json_t *env, const char *kv)
{
	size_t i, n = key_len(kv);
	json_t *v;

	json_array_foreach(env, i, v) {
		const char *s = json_string_value(v);

		if (s && key_len(s) == n && !strncmp(s, kv, n))
			return (ssize_t)i;
	}
	return -1;
}

/* The -e values, a bare "K" taking the caller's value, then the image's
 * variables they do not name. */
static json_t *user_env(const struct dl_spec_opts *o, json_t *image_env)
{
	json_t *user = json_array(), *v;
	size_t i;

	json_array_foreach(user ? o->env : NULL, i, v) {
		const char *s = json_string_value(v), *val;

		if (!strchr(s, '=') && (val = getenv(s)))
			v = json_sprintf("%s=%s", s, val);
		else
			json_incref(v);
		if (append(user, v) < 0)
			goto oom;
	}
	json_array_foreach(user ? image_env : NULL, i, v)
		if (json_is_string(v) &&
		    dl_spec_env_find(user, json_string_value(v)) < 0 &&
		    json_array_append(user, v) < 0)
			goto oom;
	return user;
oom:
	json_decref(user);
	return NULL;
}

json_t *dl_spec_env(const struct dl_spec_opts *o, json_t *image_env,
		    const char *hostname)
{
	json_t *env = json_array(), *user = user_env(o, image_env), *v;
	size_t i;
	int r = 0;

	if (!env || !user ||
	    append(env, json_string("PATH=" DL_DEFAULT_PATH)) < 0 ||
	    append(env, json_sprintf("HOSTNAME=%s", hostname)) < 0 ||
	    (o->tty && append(env, json_string("TERM=xterm")) < 0))
		goto oom;
	json_array_foreach(user, i, v) {
		const char *s = json_string_value(v);
		ssize_t at = dl_spec_env_find(env, s);

		if (!strchr(s, '=')) {
			if (at >= 0)
				r = json_array_remove(env, (size_t)at);
		} else if (at >= 0) {
			r = json_array_set(env, (size_t)at, v);
		} else {
			r = json_array_append(env, v);
		}
		if (r < 0)
			goto oom;
	}
	json_decref(user);
	return env;
oom:
	json_decref(user);
	json_decref(env);
	return NULL;
}

/* Append the strings of array @from to @to. */
static int append_strings(json_t *to, json_t *from)
{
	size_t i;
	json_t *v;

	json_array_foreach(from, i, v)
		if (json_is_string(v) && json_array_append(to, v) < 0)
			return -1;
	return 0;
}

json_t *dl_spec_args(const struct dl_spec_opts *o, json_t *cfg,
		     char *const *cmd, int ncmd)
{
	json_t *args = json_array();
	json_t *ep = json_object_get(cfg, "Entrypoint");
	json_t *icmd = json_object_get(cfg, "Cmd");
	int k;

	if (!args)
		return NULL;
	if (o->entrypoint) {
		if (*o->entrypoint &&
		    append(args, json_string(o->entrypoint)) < 0)
			goto oom;
	} else if (append_strings(args, ep) < 0) {
		goto oom;
	}
	if (ncmd > 0) {
		for (k = 0; k < ncmd; k++)
			if (append(args, json_string(cmd[k])) < 0)
				goto oom;
	} else if (!o->entrypoint && append_strings(args, icmd) < 0) {
		goto oom;
	}
	return args;
oom:
	json_decref(args);
	return NULL;
}

void dl_spec_make_hostname(const struct dl_spec_opts *o, const char *id,
			   char out[65])
{
	if (o->hostname)
		snprintf(out, 65, "%s", o->hostname);
	else if (!strcmp(o->network, "host") && gethostname(out, 64) == 0)
		out[64] = '\0';
	else
		snprintf(out, 65, "%.12s", id);
}

/* ---- the document --------------------------------------------------- */

static json_t *strings(const char *const *v, size_t n)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; a && i < n; i++)
		if (append(a, json_string(v[i])) < 0) {
			json_decref(a);
			return NULL;
		}
	return a;
}

/* {"limit": N} when N > 0, else nothing */
static int set_limit(json_t *res, const char *key, long long n)
{
	if (n <= 0)
		return 0;
	return json_object_set_new(res, key,
				   json_pack("{s:I}", "limit", (json_int_t)n));
}

/* linux.devices: the nodes of --device, as the host has them */
static json_t *device_nodes(const struct dl_spec_opts *o)
{
	json_t *a = json_array(), *d;
	size_t i;

	json_array_foreach(a ? o->devices : NULL, i, d)
		if (append(a, json_pack("{s:O,s:O,s:O,s:O,s:O,s:O,s:O}", "path",
					json_object_get(d, "path"), "type",
					json_object_get(d, "type"), "major",
					json_object_get(d, "major"), "minor",
					json_object_get(d, "minor"), "fileMode",
					json_object_get(d, "mode"), "uid",
					json_object_get(d, "uid"), "gid",
					json_object_get(d, "gid"))) < 0) {
			json_decref(a);
			return NULL;
		}
	return a;
}

/* linux.resources.devices: the devices cgroup rules of --device */
static json_t *device_rules(const struct dl_spec_opts *o)
{
	json_t *a = json_array(), *d;
	size_t i;

	json_array_foreach(a ? o->devices : NULL, i, d)
		if (append(a, json_pack("{s:b,s:O,s:O,s:O,s:O}", "allow", 1,
					"type", json_object_get(d, "type"),
					"major", json_object_get(d, "major"),
					"minor", json_object_get(d, "minor"),
					"access",
					json_object_get(d, "perms"))) < 0) {
			json_decref(a);
			return NULL;
		}
	return a;
}

static json_t *make_linux(const struct dl_spec_opts *o)
{
	json_t *res = json_object(), *ns, *lx;

	json_t *cpu = json_object(), *mem;

	if (!res || !cpu || set_limit(res, "memory", o->memory) < 0 ||
	    set_limit(res, "pids", o->pids) < 0 ||
	    (o->cpu_quota > 0 &&
	     (json_object_set_new(cpu, "quota",
				  json_integer(o->cpu_quota)) < 0 ||
	      json_object_set_new(cpu, "period", json_integer(100000)) < 0)) ||
	    (o->cpu_shares > 0 &&
	     json_object_set_new(cpu, "shares",
				 json_integer(o->cpu_shares)) < 0) ||
	    (o->cpuset_cpus &&
	     json_object_set_new(cpu, "cpus",
				 json_string(o->cpuset_cpus)) < 0) ||
	    (json_object_size(cpu) &&
	     json_object_set(res, "cpu", cpu) < 0)) {
		json_decref(cpu);
		json_decref(res);
		return NULL;
	}
	json_decref(cpu);
	/* memory.swap is memory and swap together, as OCI and Docker say */
	mem = json_object_get(res, "memory");
	if (mem && o->memory_swap &&
	    json_object_set_new(mem, "swap", json_integer(o->memory_swap)) < 0) {
		json_decref(res);
		return NULL;
	}
	/* a namespace left out is the host's, as OCI says: --pid host,
	 * --ipc host; container:ID gets its path when it starts */
	ns = json_array();
	if (ns && !(o->pid_mode && !strcmp(o->pid_mode, "host")) &&
	    append(ns, json_pack("{s:s}", "type", "pid")) < 0)
		json_decref(dl_steal_pointer(&ns));
	if (ns && !(o->ipc_mode && !strcmp(o->ipc_mode, "host")) &&
	    append(ns, json_pack("{s:s}", "type", "ipc")) < 0)
		json_decref(dl_steal_pointer(&ns));
	if (ns && (append(ns, json_pack("{s:s}", "type", "uts")) < 0 ||
		   append(ns, json_pack("{s:s}", "type", "mount")) < 0))
		json_decref(dl_steal_pointer(&ns));
	if (ns && strcmp(o->network, "host") &&
	    append(ns, json_pack("{s:s}", "type", "network")) < 0)
		json_decref(dl_steal_pointer(&ns));
	if (res && json_array_size(o->devices) &&
	    json_object_set_new(res, "devices", device_rules(o)) < 0) {
		json_decref(res);
		json_decref(ns);
		return NULL;
	}
	lx = json_pack("{s:o,s:o}", "resources", res, "namespaces", ns);
	if (lx && json_array_size(o->devices) &&
	    json_object_set_new(lx, "devices", device_nodes(o)) < 0)
		json_decref(dl_steal_pointer(&lx));
	if (lx && json_object_size(o->sysctl) &&
	    json_object_set(lx, "sysctl", o->sysctl) < 0)
		json_decref(dl_steal_pointer(&lx));
	if (!lx || o->privileged)
		return lx;
	if (json_object_set_new(lx, "maskedPaths",
				strings(dl_spec_masked_paths,
					dl_spec_nmasked_paths)) < 0 ||
	    json_object_set_new(lx, "readonlyPaths",
				strings(dl_spec_readonly_paths,
					dl_spec_nreadonly_paths)) < 0) {
		json_decref(lx);
		return NULL;
	}
	return lx;
}

static const char *yes(bool b)
{
	return b ? "true" : "false";
}

/* annotation @key: the strings of @arr joined by commas, if any */
static int set_joined(json_t *a, const char *key, json_t *arr)
{
	_cleanup_free_ char *all = NULL;
	json_t *v;
	size_t i;

	if (!json_array_size(arr))
		return 0;
	all = dl_xstrdup("");
	json_array_foreach(arr, i, v) {
		char *s = dl_xasprintf("%s%s%s", all, i ? "," : "",
				       json_string_value(v));

		free(all);
		all = s;
	}
	return json_object_set_new(a, key, json_string(all));
}

/* org.dockerlite.volumes: the names of the volumes, which hold no comma */
static int set_volumes(json_t *a, json_t *volumes)
{
	json_auto_t *names = json_array();
	json_t *v;
	size_t i;

	json_array_foreach(names ? volumes : NULL, i, v)
		if (json_array_append(names, json_object_get(v, "name")) < 0)
			return -1;
	return names ? set_joined(a, "org.dockerlite.volumes", names) : -1;
}

static int set_mode(json_t *a, const char *key, const char *mode)
{
	return mode ? json_object_set_new(a, key, json_string(mode)) : 0;
}

/* org.dockerlite.devices: HOST:CTR:PERMS of each --device (no comma) */
static int set_devices(json_t *a, json_t *devices)
{
	json_auto_t *all = json_array();
	json_t *d;
	size_t i;

	json_array_foreach(all ? devices : NULL, i, d)
		if (append(all, json_sprintf("%s:%s:%s",
			json_string_value(json_object_get(d, "host")),
			json_string_value(json_object_get(d, "path")),
			json_string_value(json_object_get(d, "perms")))) < 0)
			return -1;
	return all ? set_joined(a, "org.dockerlite.devices", all) : -1;
}

/* org.dockerlite.hostconfig: what inspect shows of the options as given
 * and nothing else keeps, one JSON object */
static int set_hostconfig(json_t *a, const struct dl_spec_opts *o)
{
	json_auto_t *devs = json_array(), *hc = NULL;
	_cleanup_free_ char *text = NULL;
	json_t *d;
	size_t i;

	if (!json_array_size(o->devices) && !json_array_size(o->group_add) &&
	    !json_array_size(o->cap_add_names) &&
	    !json_array_size(o->cap_drop_names) &&
	    !json_array_size(o->security_opts))
		return 0;

	json_array_foreach(devs ? o->devices : NULL, i, d)
		if (append(devs, json_pack("{s:O,s:O,s:O}", "PathOnHost",
					   json_object_get(d, "host"),
					   "PathInContainer",
					   json_object_get(d, "path"),
					   "CgroupPermissions",
					   json_object_get(d, "perms"))) < 0)
			return -1;
	hc = json_pack("{s:O,s:O,s:O,s:O,s:O}", "CapAdd", o->cap_add_names,
		       "CapDrop", o->cap_drop_names, "SecurityOpt",
		       o->security_opts, "GroupAdd", o->group_add,
		       "Devices", devs);
	text = hc ? json_dumps(hc, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	if (!text)
		return -1;
	return json_object_set_new(a, "org.dockerlite.hostconfig",
				   json_string(text));
}

static json_t *make_annotations(const struct dl_spec_opts *o,
				char *const *ids, size_t n,
				const char *created)
{
	_cleanup_free_ char *all = dl_xstrdup("");
	json_t *a;
	size_t i;

	for (i = 0; i < n; i++) {
		char *s = dl_xasprintf("%s%s%s", all, i ? "," : "", ids[i]);

		free(all);
		all = s;
	}
	a = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s}",
		      "org.dockerlite.image", ids[n - 1],
		      "org.dockerlite.images", all, "org.dockerlite.created",
		      created, "org.dockerlite.network", o->network,
		      "org.dockerlite.init", yes(o->init),
		      "org.dockerlite.privileged", yes(o->privileged),
		      "org.dockerlite.rm", yes(o->rm),
		      "org.dockerlite.interactive", yes(o->interactive));
	if (a && ((o->name && json_object_set_new(a, "org.dockerlite.name",
						  json_string(o->name)) < 0) ||
		  (o->image_name &&
		   json_object_set_new(a, "org.dockerlite.image-name",
				       json_string(o->image_name)) < 0))) {
		json_decref(a);
		return NULL;
	}
	if (a && ((o->stop_signal &&
		   json_object_set_new(a, "org.dockerlite.stop-signal",
				       json_string(o->stop_signal)) < 0) ||
		  (o->stop_timeout &&
		   json_object_set_new(a, "org.dockerlite.stop-timeout",
				       json_string(o->stop_timeout)) < 0) ||
		  (o->restart &&
		   json_object_set_new(a, "org.dockerlite.restart",
				       json_string(o->restart)) < 0) ||
		  (o->healthcheck &&
		   json_object_set_new(a, "org.dockerlite.healthcheck",
				       json_string(o->healthcheck)) < 0))) {
		json_decref(a);
		return NULL;
	}
	/* lists of IPs and names, which hold no comma */
	if (a && (set_joined(a, "org.dockerlite.dns", o->dns) < 0 ||
		  set_joined(a, "org.dockerlite.dns-search", o->dns_search) < 0 ||
		  set_joined(a, "org.dockerlite.add-host", o->hosts) < 0 ||
		  set_volumes(a, o->volumes) < 0 ||
		  set_joined(a, "org.dockerlite.publish", o->publish) < 0 ||
		  (o->aliases && set_joined(a, "org.dockerlite.network-aliases",
					    o->aliases) < 0))) {
		json_decref(a);
		return NULL;
	}
	if (a && (set_mode(a, "org.dockerlite.pid", o->pid_mode) < 0 ||
		  set_devices(a, o->devices) < 0 ||
		  set_mode(a, "org.dockerlite.ipc", o->ipc_mode) < 0 ||
		  (o->shm_size > 0 &&
		   json_object_set_new(a, "org.dockerlite.shm-size",
				       json_sprintf("%lld", o->shm_size)) < 0) ||
		  set_hostconfig(a, o) < 0)) {
		json_decref(a);
		return NULL;
	}
	/* the labels, one JSON object (an annotation is a string) */
	if (a && json_object_size(o->labels)) {
		char *l = json_dumps(o->labels, JSON_COMPACT | JSON_SORT_KEYS);

		if (!l || json_object_set_new(a, "org.dockerlite.labels",
					      json_string(l)) < 0) {
			free(l);
			json_decref(a);
			return NULL;
		}
		free(l);
	}
	return a;
}

static json_t *make_user(const struct dl_user *u)
{
	json_t *g = json_array();
	size_t i;

	for (i = 0; g && i < u->ngids; i++)
		if (append(g, json_integer(u->gids[i])) < 0)
			json_decref(dl_steal_pointer(&g));
	return json_pack("{s:I,s:I,s:o}", "uid", (json_int_t)u->uid, "gid",
			 (json_int_t)u->gid, "additionalGids", g);
}

json_t *dl_spec_build(const struct dl_spec_opts *o, json_t *args,
		      json_t *env, const char *cwd,
		      const struct dl_user *user, const char *hostname,
		      char *const *ids, size_t nids, const char *created)
{
	uint64_t caps = effective_caps(o);
	json_t *spec, *proc;

	/* json_pack() fails on any NULL part: out of memory, or not UTF-8 */
	spec = json_pack(
		"{s:s,s:{s:b,s:o,s:O,s:O,s:s,s:{s:o,s:o,s:o,s:[],s:[]},s:b},"
		"s:{s:s,s:b},s:s,s:O,s:o,s:o}",
		"ociVersion", "1.0.2", "process", "terminal", o->tty, "user",
		make_user(user), "args", args, "env", env, "cwd", cwd,
		"capabilities", "bounding", caps_json(caps), "effective",
		caps_json(caps), "permitted", caps_json(caps), "inheritable",
		"ambient", "noNewPrivileges", o->nnp, "root", "path", "rootfs",
		"readonly", o->readonly, "hostname", hostname, "mounts",
		o->mounts, "linux", make_linux(o), "annotations",
		make_annotations(o, ids, nids, created));
	proc = json_object_get(spec, "process");
	if (proc && ((json_array_size(o->rlimits) &&
		      json_object_set(proc, "rlimits", o->rlimits) < 0) ||
		     (o->oom_set &&
		      json_object_set_new(proc, "oomScoreAdj",
					  json_integer(o->oom_score_adj)) < 0)))
		json_decref(dl_steal_pointer(&spec));
	return spec;
}
