/* SPDX-License-Identifier: Apache-2.0 */
/* lxc.c: running containers with liblxc: spec, LXC config, init, stdio */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/magic.h>
#include <poll.h>
#include <pthread.h>
#include <pty.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <grp.h>
#include <linux/capability.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/sendfile.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>
#include <lxc/lxccontainer.h>

#include "dl.h"
#include "dl-ctrlog.h"
#include "dl-json.h"
#include "dl-lxc.h"
#include "dl-rootpath.h"
#include "dl-spec.h"
#include "dl-state.h"

extern char **environ;

#define DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

/* Docker's default capabilities: CapEff/CapBnd 00000000a80425fb. */
static const char *const default_caps[] = {
	"CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER",
	"CAP_MKNOD", "CAP_NET_RAW", "CAP_SETGID", "CAP_SETUID",
	"CAP_SETFCAP", "CAP_SETPCAP", "CAP_NET_BIND_SERVICE",
	"CAP_SYS_CHROOT", "CAP_KILL", "CAP_AUDIT_WRITE",
};

/* Capability names by number, as lxc.cap.keep takes them. */
static const char *const cap_names[] = {
	"chown", "dac_override", "dac_read_search", "fowner", "fsetid",
	"kill", "setgid", "setuid", "setpcap", "linux_immutable",
	"net_bind_service", "net_broadcast", "net_admin", "net_raw",
	"ipc_lock", "ipc_owner", "sys_module", "sys_rawio", "sys_chroot",
	"sys_ptrace", "sys_pacct", "sys_admin", "sys_boot", "sys_nice",
	"sys_resource", "sys_time", "sys_tty_config", "mknod", "lease",
	"audit_write", "audit_control", "setfcap", "mac_override",
	"mac_admin", "syslog", "wake_alarm", "block_suspend", "audit_read",
	"perfmon", "bpf", "checkpoint_restore",
};

/* ------------------------------------------------------------------ */
/* The spec */

static int bad(char **reason, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int bad(char **reason, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	*reason = dl_xvasprintf(fmt, ap);
	va_end(ap);
	return DL_EXIT_REJECT;
}

/* An optional member of type @type (JSON_TRUE: any boolean); NULL when
 * absent or null, @err set on a wrong type. */
static json_t *member(json_t *obj, const char *key, json_type type, bool *err)
{
	json_t *v = obj ? json_object_get(obj, key) : NULL;

	if (!v || json_is_null(v))
		return NULL;
	if (json_typeof(v) != type &&
	    !(type == JSON_TRUE && json_is_boolean(v))) {
		*err = true;
		return NULL;
	}
	return v;
}

static int str_array(json_t *a, const char ***out, size_t *n)
{
	size_t i;
	json_t *v;

	*out = dl_xcalloc(json_array_size(a) + 1, sizeof(**out));
	*n = json_array_size(a);
	json_array_foreach(a, i, v) {
		if (!json_is_string(v))
			return -1;
		(*out)[i] = json_string_value(v);
	}
	return 0;
}

static bool has_nl(const char *s)
{
	return strchr(s, '\n') || strchr(s, '\r');
}

static bool safe_abs(const char *p)
{
	return p && p[0] == '/' && !has_nl(p) &&
	       (p[1] == '\0' || dl_is_safe_relpath(p + 1));
}

static int load_process(json_t *p, struct dl_spec *sp, char **reason)
{
	json_t *args, *env, *cwd, *user, *caps, *v;
	bool err = false;
	size_t i;

	args = member(p, "args", JSON_ARRAY, &err);
	env = member(p, "env", JSON_ARRAY, &err);
	cwd = member(p, "cwd", JSON_STRING, &err);
	user = member(p, "user", JSON_OBJECT, &err);
	caps = member(p, "capabilities", JSON_OBJECT, &err);
	if ((v = member(p, "terminal", JSON_TRUE, &err)))
		sp->terminal = json_is_true(v);
	if ((v = member(p, "noNewPrivileges", JSON_TRUE, &err)))
		sp->nnp = json_is_true(v);
	if (err)
		return bad(reason, "process: a member has the wrong type");
	if (!args || json_array_size(args) == 0 ||
	    str_array(args, &sp->args, &sp->nargs) < 0 || !*sp->args[0])
		return bad(reason, "process.args: not a non-empty string array");
	if (env && str_array(env, &sp->env, &sp->nenv) < 0)
		return bad(reason, "process.env: not a string array");
	for (i = 0; i < sp->nenv; i++)
		if (!strchr(sp->env[i], '=') || sp->env[i][0] == '=')
			return bad(reason, "process.env: invalid entry '%s'",
				   sp->env[i]);
	sp->cwd = cwd ? json_string_value(cwd) : "/";
	if (!safe_abs(sp->cwd) || isspace((unsigned char)
			sp->cwd[strlen(sp->cwd) - 1]))
		return bad(reason, "process.cwd: not a clean absolute path");
	if (user) {
		json_t *uid = member(user, "uid", JSON_INTEGER, &err);
		json_t *gid = member(user, "gid", JSON_INTEGER, &err);
		json_t *more = member(user, "additionalGids", JSON_ARRAY, &err);

		if (err || (uid && json_integer_value(uid) < 0) ||
		    (gid && json_integer_value(gid) < 0))
			return bad(reason, "process.user: invalid ids");
		sp->uid = uid ? (uid_t)json_integer_value(uid) : 0;
		sp->gid = gid ? (gid_t)json_integer_value(gid) : 0;
		if (more) {
			sp->gids = dl_xcalloc(json_array_size(more) + 1,
					      sizeof(gid_t));
			json_array_foreach(more, i, v) {
				if (!json_is_integer(v) ||
				    json_integer_value(v) < 0)
					return bad(reason, "process.user: invalid additionalGids");
				sp->gids[sp->ngids++] =
					(gid_t)json_integer_value(v);
			}
		}
	}
	if (caps) {
		json_t *set = member(caps, "bounding", JSON_ARRAY, &err);

		if (!set)
			set = member(caps, "effective", JSON_ARRAY, &err);
		if (!set)
			set = member(caps, "permitted", JSON_ARRAY, &err);
		if (err || (set && str_array(set, &sp->caps, &sp->ncaps) < 0))
			return bad(reason, "process.capabilities: not string arrays");
		sp->caps_set = set != NULL;
	}
	return 0;
}

static int cap_index(const char *name)
{
	size_t i;

	if (strncasecmp(name, "CAP_", 4) == 0)
		name += 4;
	for (i = 0; i < sizeof(cap_names) / sizeof(cap_names[0]); i++)
		if (!strcasecmp(name, cap_names[i]))
			return (int)i;
	return -1;
}

static int load_mounts(json_t *a, struct dl_spec *sp, char **reason)
{
	size_t i;
	json_t *m;

	sp->mounts = dl_xcalloc(json_array_size(a) + 1, sizeof(*sp->mounts));
	json_array_foreach(a, i, m) {
		struct dl_mount *mp = &sp->mounts[sp->nmounts++];
		bool err = !json_is_object(m);
		json_t *dest = member(m, "destination", JSON_STRING, &err);
		json_t *type = member(m, "type", JSON_STRING, &err);
		json_t *src = member(m, "source", JSON_STRING, &err);
		json_t *opts = member(m, "options", JSON_ARRAY, &err);
		size_t k;

		if (err || !dest)
			return bad(reason, "mounts[%zu]: invalid entry", i);
		mp->dest = json_string_value(dest);
		mp->type = type ? json_string_value(type) : "none";
		mp->source = src ? json_string_value(src) : mp->type;
		if (opts && str_array(opts, &mp->options, &mp->nopts) < 0)
			return bad(reason, "mounts[%zu].options: not a string array", i);
		if (!safe_abs(mp->dest) || !strcmp(mp->dest, "/"))
			return bad(reason, "mounts[%zu].destination: not a clean absolute path", i);
		if (has_nl(mp->source) || has_nl(mp->type) || !*mp->source ||
		    strpbrk(mp->type, " \t,"))
			return bad(reason, "mounts[%zu]: invalid source or type", i);
		for (k = 0; k < mp->nopts; k++)
			if (has_nl(mp->options[k]) ||
			    strpbrk(mp->options[k], " \t,"))
				return bad(reason, "mounts[%zu]: invalid option", i);
	}
	return 0;
}

static int load_linux(json_t *lx, struct dl_spec *sp, char **reason)
{
	json_t *res, *ns, *v, *o;
	bool err = false;
	size_t i;

	res = member(lx, "resources", JSON_OBJECT, &err);
	ns = member(lx, "namespaces", JSON_ARRAY, &err);
	if ((v = member(lx, "maskedPaths", JSON_ARRAY, &err))) {
		sp->masked_set = true;
		if (str_array(v, &sp->masked, &sp->nmasked) < 0)
			return bad(reason, "linux.maskedPaths: not a string array");
	}
	if ((v = member(lx, "readonlyPaths", JSON_ARRAY, &err))) {
		sp->ro_set = true;
		if (str_array(v, &sp->ro_paths, &sp->nro) < 0)
			return bad(reason, "linux.readonlyPaths: not a string array");
	}
	for (i = 0; i < sp->nmasked + sp->nro; i++) {
		const char *m = i < sp->nmasked ? sp->masked[i] :
						  sp->ro_paths[i - sp->nmasked];

		if (!safe_abs(m) || !strcmp(m, "/") || strpbrk(m, " \t"))
			return bad(reason, "linux: invalid masked or read-only path '%s'", m);
	}
	if ((o = member(res, "memory", JSON_OBJECT, &err)) &&
	    (v = member(o, "limit", JSON_INTEGER, &err)))
		sp->mem_limit = json_integer_value(v);
	if ((o = member(res, "pids", JSON_OBJECT, &err)) &&
	    (v = member(o, "limit", JSON_INTEGER, &err)))
		sp->pids_limit = json_integer_value(v);
	if ((o = member(res, "cpu", JSON_OBJECT, &err))) {
		if ((v = member(o, "quota", JSON_INTEGER, &err)))
			sp->cpu_quota = json_integer_value(v);
		if ((v = member(o, "period", JSON_INTEGER, &err)))
			sp->cpu_period = (uint64_t)json_integer_value(v);
	}
	if (err)
		return bad(reason, "linux.resources: a member has the wrong type");
	json_array_foreach(ns, i, o) {
		json_t *type = member(o, "type", JSON_STRING, &err);
		json_t *path = member(o, "path", JSON_STRING, &err);

		if (err || !type)
			return bad(reason, "linux.namespaces[%zu]: invalid entry", i);
		if (!strcmp(json_string_value(type), "network") && path) {
			sp->netns = json_string_value(path);
			if (!safe_abs(sp->netns))
				return bad(reason, "linux.namespaces[%zu].path: not a clean absolute path", i);
		}
	}
	return 0;
}

static const char *annotation(json_t *ann, const char *key)
{
	json_t *v = ann ? json_object_get(ann, key) : NULL;

	return json_is_string(v) ? json_string_value(v) : NULL;
}

int dl_spec_load(const char *path, struct dl_spec *sp, char **reason)
{
	json_t *p, *root, *host, *mounts, *lx, *ann, *v;
	bool err = false;
	const char *s;
	size_t i;
	int r;

	memset(sp, 0, sizeof(*sp));
	sp->doc = dl_json_load(path, reason);
	if (!sp->doc)
		return errno == EBADMSG ? DL_EXIT_REJECT : DL_EXIT_FAIL;
	if (!json_is_object(sp->doc))
		return bad(reason, "%s: not a JSON object", path);
	p = member(sp->doc, "process", JSON_OBJECT, &err);
	root = member(sp->doc, "root", JSON_OBJECT, &err);
	host = member(sp->doc, "hostname", JSON_STRING, &err);
	mounts = member(sp->doc, "mounts", JSON_ARRAY, &err);
	lx = member(sp->doc, "linux", JSON_OBJECT, &err);
	ann = member(sp->doc, "annotations", JSON_OBJECT, &err);
	if (err || !p)
		return bad(reason, "%s: missing process, or a member has the wrong type",
			   path);
	if ((r = load_process(p, sp, reason)) ||
	    (mounts && (r = load_mounts(mounts, sp, reason))) ||
	    (lx && (r = load_linux(lx, sp, reason))))
		return r;
	if (root) {
		v = member(root, "path", JSON_STRING, &err);
		if (v && strcmp(json_string_value(v), "rootfs"))
			return bad(reason, "root.path: only \"rootfs\" is supported");
		if ((v = member(root, "readonly", JSON_TRUE, &err)))
			sp->root_ro = json_is_true(v);
		if (err)
			return bad(reason, "root: a member has the wrong type");
	}
	if (host && *json_string_value(host)) {
		sp->hostname = json_string_value(host);
		if (strlen(sp->hostname) > 64 ||
		    strspn(sp->hostname, "abcdefghijklmnopqrstuvwxyz"
				"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_") !=
			    strlen(sp->hostname))
			return bad(reason, "hostname: invalid '%s'", sp->hostname);
	}
	sp->network = annotation(ann, "org.dockerlite.network");
	if (!sp->network || !*sp->network)
		sp->network = "none";
	if (strcmp(sp->network, "none") && strcmp(sp->network, "host") &&
	    !sp->netns)
		return bad(reason, "network '%s' needs linux.namespaces network path",
			   sp->network);
	s = annotation(ann, "org.dockerlite.privileged");
	sp->privileged = s && !strcmp(s, "true");
	s = annotation(ann, "org.dockerlite.rm");
	sp->rm = s && !strcmp(s, "true");
	sp->stop_signal = annotation(ann, "org.dockerlite.stop-signal");
	for (i = 0; i < sp->ncaps; i++)
		if (cap_index(sp->caps[i]) < 0)
			return bad(reason, "process.capabilities: unknown '%s'",
				   sp->caps[i]);
	if (sp->mem_limit < 0 || sp->pids_limit < 0 || sp->cpu_quota < 0)
		return bad(reason, "linux.resources: negative limit");
	return 0;
}

void dl_spec_free(struct dl_spec *sp)
{
	size_t i;

	for (i = 0; i < sp->nmounts; i++)
		free(sp->mounts[i].options);
	free(sp->mounts);
	free(sp->args);
	free(sp->env);
	free(sp->gids);
	free(sp->caps);
	free(sp->masked);
	free(sp->ro_paths);
	if (sp->doc)
		json_decref(sp->doc);
	memset(sp, 0, sizeof(*sp));
}

bool dl_spec_has_cap(const struct dl_spec *sp, const char *name)
{
	const char *const *set = sp->caps_set ? sp->caps : default_caps;
	size_t n = sp->caps_set ? sp->ncaps :
				  sizeof(default_caps) / sizeof(default_caps[0]);
	int want = cap_index(name);
	size_t i;

	if (sp->privileged)
		return true;
	for (i = 0; i < n; i++)
		if (cap_index(set[i]) == want)
			return true;
	return false;
}

char *dl_spec_hostname(const struct dl_spec *sp, const char *id)
{
	if (sp->hostname)
		return dl_xstrdup(sp->hostname);
	return dl_xasprintf("%.12s", id);
}

/* Put "K=V" in @env (of @n), replacing an entry with the same name. */
static void env_put(char **env, size_t *n, char *kv)
{
	size_t klen = strcspn(kv, "="), i;

	for (i = 0; i < *n; i++) {
		if (!strncmp(env[i], kv, klen) && env[i][klen] == '=') {
			free(env[i]);
			env[i] = kv;
			return;
		}
	}
	env[(*n)++] = kv;
}

static bool env_has(char **env, size_t n, const char *key)
{
	size_t klen = strlen(key), i;

	for (i = 0; i < n; i++)
		if (!strncmp(env[i], key, klen) && env[i][klen] == '=')
			return true;
	return false;
}

char **dl_spec_environ(const struct dl_spec *sp, const char *hostname,
		       bool tty, char *const *extra, size_t nextra)
{
	char **env = dl_xcalloc(sp->nenv + nextra + 4, sizeof(*env));
	size_t n = 0, i;

	if (!env_has((char **)sp->env, sp->nenv, "PATH"))
		env[n++] = dl_xstrdup("PATH=" DEFAULT_PATH);
	env[n++] = dl_xasprintf("HOSTNAME=%s", hostname);
	for (i = 0; i < sp->nenv; i++)
		env_put(env, &n, dl_xstrdup(sp->env[i]));
	if (tty && !env_has(env, n, "TERM"))
		env[n++] = dl_xstrdup("TERM=xterm");
	for (i = 0; i < nextra; i++) {
		const char *val;

		if (strchr(extra[i], '=')) {
			env_put(env, &n, dl_xstrdup(extra[i]));
		} else if ((val = getenv(extra[i]))) {
			env_put(env, &n, dl_xasprintf("%s=%s", extra[i], val));
		}
	}
	env[n] = NULL;
	return env;
}

/* ------------------------------------------------------------------ */
/* The LXC config */

/* Is controller @ctrl mounted as a cgroup v1 hierarchy? */
static bool cg_v1(const char *ctrl)
{
	_cleanup_free_ char *p = dl_xasprintf("/sys/fs/cgroup/%s", ctrl);
	struct statfs sf;

	return statfs(p, &sf) == 0 && sf.f_type == CGROUP_SUPER_MAGIC;
}

/* fstab-style escaping of a mount entry field, as getmntent(3) reads it */
static void put_field(FILE *f, const char *s)
{
	for (; *s; s++) {
		if (*s == ' ' || *s == '\t' || *s == '\\')
			fprintf(f, "\\%03o", (unsigned char)*s);
		else
			fputc(*s, f);
	}
}

/* Has the mount a "bind" or "rbind" option? */
static bool bind_opt(const struct dl_mount *m)
{
	size_t i;

	for (i = 0; i < m->nopts; i++)
		if (!strcmp(m->options[i], "bind") ||
		    !strcmp(m->options[i], "rbind"))
			return true;
	return false;
}

static bool is_bind(const struct dl_mount *m)
{
	return !strcmp(m->type, "bind") || bind_opt(m);
}

/* Mounts LXC itself makes (lxc.autodev, lxc.mount.auto), which an OCI
 * spec may list too: skipped unless bind mounts. */
static bool lxc_owns(const struct dl_mount *m)
{
	static const char *const owned[] = {
		"/proc", "/sys", "/dev", "/dev/pts", "/dev/shm", "/dev/mqueue",
		"/sys/fs/cgroup",
	};
	size_t i;

	if (is_bind(m))
		return false;
	for (i = 0; i < sizeof(owned) / sizeof(owned[0]); i++)
		if (!strcmp(m->dest, owned[i]))
			return true;
	return false;
}

static void put_mount(FILE *f, const struct dl_mount *m)
{
	bool bind = is_bind(m), sep = false;
	size_t i;

	fputs("lxc.mount.entry = ", f);
	put_field(f, m->source);
	fputc(' ', f);
	put_field(f, m->dest + 1);
	fprintf(f, " %s ", bind ? "none" : m->type);
	/* type "bind" alone: recursive, as Docker's -v */
	if (bind && !bind_opt(m)) {
		fputs("rbind", f);
		sep = true;
	}
	for (i = 0; i < m->nopts; i++) {
		fprintf(f, "%s%s", sep ? "," : "", m->options[i]);
		sep = true;
	}
	if (!sep)
		fputs("defaults", f);
	fputs(" 0 0\n", f);
}

/* Masked paths: /dev/null over files, an empty read-only tmpfs over
 * directories (the kind as on the host: /proc and /sys are the kernel's);
 * read-only paths: the container's own path bound over itself, seen
 * through lxc.rootfs.mount while the container is set up.  Every entry is
 * optional: not every kernel has them all. */
static void put_masks(FILE *f, const struct dl_spec *sp, const char *rootfs)
{
	const char *const *masked = sp->masked_set ? sp->masked :
						     dl_spec_masked_paths;
	const char *const *ro = sp->ro_set ? sp->ro_paths :
					     dl_spec_readonly_paths;
	size_t nm = sp->masked_set ? sp->nmasked : dl_spec_nmasked_paths;
	size_t nr = sp->ro_set ? sp->nro : dl_spec_nreadonly_paths;
	size_t i;

	for (i = 0; i < nr; i++) {
		fputs("lxc.mount.entry = ", f);
		put_field(f, rootfs);
		fprintf(f, "%s %s none bind,ro,nosuid,nodev,noexec,optional 0 0\n",
			ro[i], ro[i] + 1);
	}
	for (i = 0; i < nm; i++) {
		struct stat sb;

		if (stat(masked[i], &sb) == 0 && S_ISDIR(sb.st_mode))
			fprintf(f, "lxc.mount.entry = tmpfs %s tmpfs ro,nosuid,nodev,noexec,optional 0 0\n",
				masked[i] + 1);
		else
			fprintf(f, "lxc.mount.entry = /dev/null %s none bind,optional 0 0\n",
				masked[i] + 1);
	}
}

static void put_devices(FILE *f, bool privileged)
{
	static const char *const allow[] = {
		"c *:* m", "b *:* m",
		"c 1:3 rwm", "c 1:5 rwm", "c 1:7 rwm", "c 1:8 rwm", "c 1:9 rwm",
		"c 5:0 rwm", "c 5:1 rwm", "c 5:2 rwm", "c 136:* rwm",
	};
	const char *key = cg_v1("devices") ? "lxc.cgroup.devices" :
					     "lxc.cgroup2.devices";
	size_t i;

	if (privileged) {
		fprintf(f, "%s.allow = a\n", key);
		return;
	}
	fprintf(f, "%s.deny = a\n", key);
	for (i = 0; i < sizeof(allow) / sizeof(allow[0]); i++)
		fprintf(f, "%s.allow = %s\n", key, allow[i]);
}

static void put_limits(FILE *f, const struct dl_spec *sp)
{
	if (sp->mem_limit > 0) {
		if (cg_v1("memory")) {
			fprintf(f, "lxc.cgroup.memory.limit_in_bytes = %lld\n",
				(long long)sp->mem_limit);
			if (access("/sys/fs/cgroup/memory/memory.memsw.limit_in_bytes",
				   F_OK) == 0)
				fprintf(f, "lxc.cgroup.memory.memsw.limit_in_bytes = %lld\n",
					(long long)sp->mem_limit);
		} else {
			fprintf(f, "lxc.cgroup2.memory.max = %lld\n",
				(long long)sp->mem_limit);
			fputs("lxc.cgroup2.memory.swap.max = 0\n", f);
		}
	}
	if (sp->pids_limit > 0)
		fprintf(f, "%s = %lld\n", cg_v1("pids") ? "lxc.cgroup.pids.max" :
						      "lxc.cgroup2.pids.max",
			(long long)sp->pids_limit);
	if (sp->cpu_quota > 0) {
		unsigned long long period = sp->cpu_period ? sp->cpu_period :
							     100000;

		if (cg_v1("cpu")) {
			fprintf(f, "lxc.cgroup.cpu.cfs_period_us = %llu\n", period);
			fprintf(f, "lxc.cgroup.cpu.cfs_quota_us = %lld\n",
				(long long)sp->cpu_quota);
		} else {
			fprintf(f, "lxc.cgroup2.cpu.max = %lld %llu\n",
				(long long)sp->cpu_quota, period);
		}
	}
}

static void put_caps(FILE *f, const struct dl_spec *sp)
{
	const char *const *set = sp->caps_set ? sp->caps : default_caps;
	size_t n = sp->caps_set ? sp->ncaps :
				  sizeof(default_caps) / sizeof(default_caps[0]);
	size_t i;

	if (sp->privileged)
		return;
	fputs("lxc.cap.keep =", f);
	if (n == 0)
		fputs(" none", f);
	for (i = 0; i < n; i++)
		fprintf(f, " %s", cap_names[cap_index(set[i])]);
	fputc('\n', f);
}

int dl_lxc_config(const struct dl_spec *sp, const char *id, const char *dir,
		  const char *seccomp, const char *console, char **out,
		  char **reason)
{
	_cleanup_free_ char *host = dl_spec_hostname(sp, id);
	_cleanup_free_ char *rootfs = dl_xasprintf("%s/rootfs", dir);
	char *buf = NULL;
	size_t len = 0, i;
	FILE *f;

	if (has_nl(dir) || strpbrk(dir, " \t"))
		return bad(reason, "'%s': LXC cannot hold this path", dir);
	f = open_memstream(&buf, &len);
	if (!f)
		dl_die_sys(DL_EXIT_FAIL, "unable to allocate 'memory'");
	fprintf(f, "# LXC config of container %s, made by dockerlite from spec.json\n", id);
	fprintf(f, "lxc.uts.name = %s\n", host);
	fprintf(f, "lxc.rootfs.path = dir:%s\n", rootfs);
	fprintf(f, "lxc.rootfs.mount = %s\n", rootfs);
	if (sp->root_ro)
		fputs("lxc.rootfs.options = ro\n", f);
	fputs("lxc.autodev = 1\n", f);
	fputs("lxc.tty.max = 0\n", f);
	fputs("lxc.pty.max = 1024\n", f);
	fputs("lxc.console.path = none\n", f);
	fprintf(f, "lxc.mount.auto = %s\n",
		sp->privileged ? "proc:rw sys:rw cgroup:rw" :
				 "proc:mixed sys:ro cgroup:ro");
	fputs("lxc.mount.entry = shm dev/shm tmpfs rw,nosuid,nodev,noexec,mode=1777,size=65536k,create=dir 0 0\n", f);
	fputs("lxc.mount.entry = mqueue dev/mqueue mqueue rw,nosuid,nodev,noexec,create=dir 0 0\n", f);
	/* the terminal is also the console, as with docker run -t */
	if (console && !has_nl(console) && !strpbrk(console, " \t\\"))
		fprintf(f, "lxc.mount.entry = %s dev/console none bind,create=file 0 0\n",
			console);
	for (i = 0; i < sp->nmounts; i++)
		if (!lxc_owns(&sp->mounts[i]))
			put_mount(f, &sp->mounts[i]);
	if (!sp->privileged)
		put_masks(f, sp, rootfs);
	put_caps(f, sp);
	if (sp->nnp)
		fputs("lxc.no_new_privs = 1\n", f);
	if (seccomp)
		fprintf(f, "lxc.seccomp.profile = %s\n", seccomp);
	put_devices(f, sp->privileged);
	put_limits(f, sp);
	if (sp->netns)
		fprintf(f, "lxc.namespace.share.net = %s\n", sp->netns);
	else
		fprintf(f, "lxc.net.0.type = %s\n",
			!strcmp(sp->network, "host") ? "none" : "empty");
	/* The init starts as root in "/", with liblxc's descriptors still
	 * open: the user, the groups and the working directory are dl's
	 * init's to set, once those are closed (dl_init_arm()). */
	fputs("lxc.init.uid = 0\n", f);
	fputs("lxc.init.gid = 0\n", f);
	fputs("lxc.init.cwd = /\n", f);
	if (fclose(f) != 0)
		dl_die_sys(DL_EXIT_FAIL, "unable to allocate 'memory'");
	*out = buf;
	return 0;
}

char *dl_seccomp_profile(const char *base, bool sys_admin)
{
	char *buf = NULL;
	size_t len = 0;
	bool skip = false;
	const char *line = base;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		dl_die_sys(DL_EXIT_FAIL, "unable to allocate 'memory'");
	while (*line) {
		size_t n = strcspn(line, "\n");

		if (line[0] == '#')
			skip = sys_admin &&
			       !strncmp(line, "# unless cap_sys_admin", 22);
		if (!skip || line[0] == '#')
			fprintf(f, "%.*s\n", (int)n, line);
		line += n;
		if (*line)
			line++;
	}
	if (fclose(f) != 0)
		dl_die_sys(DL_EXIT_FAIL, "unable to allocate 'memory'");
	return buf;
}

/* ------------------------------------------------------------------ */
/* liblxc glue */

char *dl_sharedir(void)
{
	static const char *const rel[] = {
		"../share/dockerlite", "../../share/dockerlite", "../share",
	};
	const char *env = getenv("DL_SHAREDIR");
	char exe[PATH_MAX];
	ssize_t n;
	size_t i;

	if (env && *env) {
		_cleanup_free_ char *f = dl_xasprintf("%s/dl.seccomp", env);

		if (access(f, R_OK) == 0)
			return dl_xstrdup(env);
	}
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0)
		return NULL;
	exe[n] = '\0';
	*strrchr(exe, '/') = '\0';
	for (i = 0; i < sizeof(rel) / sizeof(rel[0]); i++) {
		_cleanup_free_ char *d = dl_xasprintf("%s/%s", exe, rel[i]);
		_cleanup_free_ char *f = dl_xasprintf("%s/dl.seccomp", d);
		char *r;

		if (access(f, R_OK) == 0 && (r = realpath(d, NULL)))
			return r;
	}
	return NULL;
}

/* The seals liblxc's constructor checks for (rexec.c): keep them equal. */
#define REXEC_SEALS (F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE)

int dl_lxc_rexec(char **argv)
{
	_cleanup_close_ int exe = -1, mfd = -1;
	struct stat sb;
	off_t off = 0;

	exe = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	if (exe < 0)
		return -1;
	if (fcntl(exe, F_GET_SEALS) == REXEC_SEALS)
		return 0;
	if (fstat(exe, &sb) < 0)
		return -1;
	mfd = memfd_create(dl_prog, MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (mfd < 0)
		return -1;
	while (off < sb.st_size) {
		ssize_t w = sendfile(mfd, exe, &off, (size_t)(sb.st_size - off));

		if (w < 0 && errno != EINTR)
			return -1;
		if (w == 0)
			break;
	}
	if (fcntl(mfd, F_ADD_SEALS, REXEC_SEALS) < 0)
		return -1;
	if (setenv("LXC_MEMFD_REXEC", "1", 1) < 0)
		return -1;
	fexecve(mfd, argv, environ);
	return -1;
}

void dl_lxc_log(const char *id, bool truncate)
{
	_cleanup_free_ char *dir = dl_path("containers");
	_cleanup_free_ char *file = NULL;
	struct lxc_log log = {
		.name = id, .lxcpath = dir, .file = "none", .level = "ERROR",
		.prefix = dl_prog, .quiet = true,
	};

	if (!id)
		log.level = "FATAL";
	if (id) {
		file = dl_path("containers/%s/lxc.log", id);
		if (truncate)
			close(open(file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
				   0600));
		log.file = file;
	}
	lxc_log_init(&log);
}

long dl_lxc_log_size(const char *id)
{
	_cleanup_free_ char *path = dl_path("containers/%s/lxc.log", id);
	struct stat sb;

	return stat(path, &sb) == 0 ? (long)sb.st_size : 0;
}

char *dl_lxc_error(const char *id, long from)
{
	_cleanup_free_ char *path = dl_path("containers/%s/lxc.log", id);
	_cleanup_free_ char *buf = NULL;
	char *line, *save = NULL;
	size_t len;

	if (dl_read_file(path, &buf, &len) < 0 || from < 0 || (size_t)from > len)
		return NULL;
	for (line = strtok_r(buf + from, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char *text;

		if (!strstr(line, " ERROR "))
			continue;
		/* "PREFIX NAME TIME ERROR    conf - ../src/lxc/conf.c:f:1 - TEXT" */
		text = strstr(line, ".c:");
		text = strstr(text ? text : line, " - ");
		return dl_xstrdup(text ? text + 3 : line);
	}
	return NULL;
}

pid_t dl_lxc_init_pid(const char *id)
{
	_cleanup_free_ char *dir = dl_path("containers");
	struct lxc_container *c = lxc_container_new(id, dir);
	pid_t pid = 0;

	if (!c)
		return 0;
	if (c->is_running(c))
		pid = c->init_pid(c);
	lxc_container_put(c);
	return pid > 0 ? pid : 0;
}

int dl_lxc_kill(const char *id, int sig)
{
	_cleanup_free_ char *dir = dl_path("containers");
	struct lxc_container *c = lxc_container_new(id, dir);
	int ret = DL_EXIT_NO, fd;
	pid_t pid;

	if (!c)
		return DL_EXIT_FAIL;
	if (!c->is_running(c))
		goto out;
	/* a pidfd cannot hit a recycled pid */
	fd = c->init_pidfd(c);
	if (fd >= 0) {
		if (syscall(SYS_pidfd_send_signal, fd, sig, NULL, 0) == 0)
			ret = 0;
		else if (errno != ESRCH)
			ret = DL_EXIT_FAIL;
		close(fd);
		goto out;
	}
	pid = c->init_pid(c);
	if (pid > 0 && kill(pid, sig) == 0)
		ret = 0;
	else if (pid > 0 && errno != ESRCH)
		ret = DL_EXIT_FAIL;
out:
	lxc_container_put(c);
	return ret;
}

int dl_lxc_state(const char *id, struct dl_state *st, char **reason)
{
	_cleanup_close_ int lock = -1;
	pid_t pid;
	int r;

	r = dl_state_read(id, st, reason);
	if (r || (st->status != DL_STATUS_RUNNING &&
		  st->status != DL_STATUS_STARTING) || dl_state_supervised(id))
		return r;
	st->monitor_pid = 0;
	pid = dl_lxc_init_pid(id);
	if (pid > 0) {
		st->status = DL_STATUS_RUNNING;
		st->pid = pid;
		return 0;
	}
	/* Nobody watches it and it does not run: record what we know,
	 * under the lock, so that a new dl-spawn cannot be overwritten. */
	if (dl_state_lock(id, true, &lock, reason))
		return dl_state_read(id, st, reason);
	free(*reason);
	*reason = NULL;
	if ((r = dl_state_read(id, st, reason)))
		return r;
	if (st->status == DL_STATUS_STARTING) {
		/* a start killed before the command ran: the state of
		 * before, which "starting" kept */
		st->status = strcmp(st->finished, DL_TIME_ZERO) ?
				     DL_STATUS_EXITED : DL_STATUS_CREATED;
		st->monitor_pid = 0;
		return dl_state_write(id, st, reason);
	}
	if (st->status != DL_STATUS_RUNNING)
		return 0;
	st->status = DL_STATUS_EXITED;
	st->pid = 0;
	st->monitor_pid = 0;
	st->exit_code = -1;
	dl_time_now(st->finished);
	return dl_state_write(id, st, reason);
}

/* ------------------------------------------------------------------ */
/* Paths inside the container's root, resolved as the container sees them */

/* 0 when @path is an executable regular file in the root, else an errno */
static int check_exec(int rootfd, const char *path)
{
	_cleanup_close_ int fd = dl_root_open(rootfd, path, O_PATH, 0);
	struct stat sb;

	if (fd < 0 || fstat(fd, &sb) < 0)
		return errno;
	if (S_ISDIR(sb.st_mode))
		return EISDIR;
	if (!S_ISREG(sb.st_mode) || !(sb.st_mode & 0111))
		return EACCES;
	return 0;
}

static const char *env_get(char *const envp[], const char *key)
{
	size_t klen = strlen(key);

	for (; envp && *envp; envp++)
		if (!strncmp(*envp, key, klen) && (*envp)[klen] == '=')
			return *envp + klen + 1;
	return NULL;
}

int dl_root_find_exec(int rootfd, const char *cwd, const char *file,
		      char *const envp[], char **reason)
{
	const char *path, *p;
	int e;

	if (strchr(file, '/')) {
		_cleanup_free_ char *abs = file[0] == '/' ?
			dl_xstrdup(file) : dl_xasprintf("%s/%s", cwd, file);

		e = check_exec(rootfd, abs);
		if (e == 0)
			return 0;
		if (e == ENOENT || e == ENOTDIR || e == ELOOP) {
			*reason = dl_xasprintf("exec: \"%s\": stat %s: %s", file,
					       file, strerror(e));
			return DL_EXIT_NOT_FOUND;
		}
		*reason = dl_xasprintf("exec: \"%s\": %s", file,
				       e == EISDIR ? "is a directory" :
						     strerror(e));
		return DL_EXIT_CANNOT_INVOKE;
	}
	path = env_get(envp, "PATH");
	for (p = path ? path : DEFAULT_PATH;; p++) {
		size_t n = strcspn(p, ":");
		_cleanup_free_ char *cand = NULL;

		if (n == 0)
			cand = dl_xasprintf("%s/%s", cwd, file);
		else if (p[0] == '/')
			cand = dl_xasprintf("%.*s/%s", (int)n, p, file);
		else
			cand = dl_xasprintf("%s/%.*s/%s", cwd, (int)n, p, file);
		if (check_exec(rootfd, cand) == 0)
			return 0;
		p += n;
		if (!*p)
			break;
	}
	*reason = dl_xasprintf("exec: \"%s\": executable file not found in $PATH",
			       file);
	return DL_EXIT_NOT_FOUND;
}

/* Make an empty file at @path (a bind mount point), the rest of the path
 * resolved inside the root; an existing one, even a symlink, is left. */
static int root_touch(int rootfd, const char *path)
{
	_cleanup_free_ char *name = NULL;
	_cleanup_close_ int pfd = dl_root_open_parent(rootfd, path, &name);
	int fd;

	if (pfd < 0)
		return -1;
	if (!name) {
		errno = EISDIR;
		return -1;
	}
	fd = openat(pfd, name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC |
			       O_NOFOLLOW | O_NOCTTY, 0644);
	if (fd < 0)
		return errno == EEXIST ? 0 : -1;
	close(fd);
	return 0;
}

/* dl_root_mkdir_p() with the failure told in @reason */
static int root_mkdir(int rootfd, const char *path, char **reason)
{
	if (dl_root_mkdir_p(rootfd, path, 0755) == 0)
		return 0;
	*reason = dl_xasprintf("%s: %s", path, errno == ENOTDIR ?
			       "exists and is not a directory" :
			       strerror(errno));
	return DL_EXIT_FAIL;
}

int dl_root_prepare(int rootfd, const struct dl_spec *sp, char **reason)
{
	struct stat sb;
	size_t i;

	/* first every check, so that a failure leaves nothing behind */
	for (i = 0; i < sp->nmounts; i++) {
		const struct dl_mount *m = &sp->mounts[i];

		if (!lxc_owns(m) && is_bind(m) &&
		    (m->source[0] != '/' || stat(m->source, &sb) < 0)) {
			*reason = dl_xasprintf("invalid mount config for type \"bind\": bind source path does not exist: %s",
					       m->source);
			return DL_EXIT_FAIL;
		}
	}
	for (i = 0; i < sp->nmounts; i++) {
		const struct dl_mount *m = &sp->mounts[i];
		_cleanup_free_ char *parent = NULL;
		int r;

		if (lxc_owns(m))
			continue;
		if (!is_bind(m) || (stat(m->source, &sb) == 0 &&
				    S_ISDIR(sb.st_mode))) {
			if ((r = root_mkdir(rootfd, m->dest, reason)))
				return r;
			continue;
		}
		parent = dl_xstrdup(m->dest);
		*strrchr(parent, '/') = '\0';
		if (*parent && (r = root_mkdir(rootfd, parent, reason)))
			return r;
		if (root_touch(rootfd, m->dest) < 0) {
			*reason = dl_xasprintf("%s: %s", m->dest, strerror(errno));
			return DL_EXIT_FAIL;
		}
	}
	return root_mkdir(rootfd, sp->cwd, reason);
}

/* ------------------------------------------------------------------ */
/* The container's init */

static void exec_fail(const char *verb, const char *id, const char *file,
		      const char *why)
{
	dprintf(STDERR_FILENO,
		"%s: fatal: unable to %s container '%s': exec: \"%s\": %s\n",
		dl_prog, verb, id, file, why);
}

int dl_exec_in(char *const *cmd, char *const *envp, const char *verb,
	       const char *id)
{
	const char *file = cmd[0], *path, *p;
	char buf[PATH_MAX];
	struct stat sb;
	int e;

	if (strchr(file, '/')) {
		execve(file, cmd, envp);
		e = errno;
		if (e == ENOENT || e == ENOTDIR || e == ELOOP) {
			snprintf(buf, sizeof(buf), "stat %s: %s", file,
				 strerror(e));
			exec_fail(verb, id, file, buf);
			return DL_EXIT_NOT_FOUND;
		}
		if (e == EACCES && stat(file, &sb) == 0 && S_ISDIR(sb.st_mode))
			exec_fail(verb, id, file, "is a directory");
		else
			exec_fail(verb, id, file, strerror(e));
		return DL_EXIT_CANNOT_INVOKE;
	}
	path = env_get(envp, "PATH");
	for (p = path ? path : DEFAULT_PATH;; p++) {
		size_t n = strcspn(p, ":");
		int len = n ? snprintf(buf, sizeof(buf), "%.*s/%s", (int)n, p, file) :
			      snprintf(buf, sizeof(buf), "%s", file);

		if (len > 0 && (size_t)len < sizeof(buf)) {
			execve(buf, cmd, envp);
			e = errno;
			if (e != ENOENT && e != ENOTDIR && e != EACCES &&
			    e != ELOOP && e != ENAMETOOLONG) {
				exec_fail(verb, id, file, strerror(e));
				return DL_EXIT_CANNOT_INVOKE;
			}
		}
		p += n;
		if (!*p)
			break;
	}
	exec_fail(verb, id, file, "executable file not found in $PATH");
	return DL_EXIT_NOT_FOUND;
}

static struct {
	bool armed;
	bool registered;
	char *const *cmd;
	char *const *envp;
	const char *id;
	const struct dl_spec *spec;
	char *title;
	size_t title_len;
	int errfd;
	int readyfd;
} dl_init;

static void close_from(unsigned int fd)
{
	if (syscall(SYS_close_range, fd, ~0U, 0) == 0)
		return;
	for (int i = (int)fd; i < 1024; i++)
		close(i);
}

/* Close every descriptor from 3 on but @keep (-1: none). */
static void close_but(int keep)
{
	if (keep < 3) {
		close_from(3);
		return;
	}
	if (keep > 3)
		syscall(SYS_close_range, 3U, (unsigned int)keep - 1, 0);
	close_from((unsigned int)keep + 1);
}

static noreturn void init_die(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

static noreturn void init_die(const char *fmt, ...)
{
	_cleanup_free_ char *why = NULL;
	va_list ap;

	va_start(ap, fmt);
	why = dl_xvasprintf(fmt, ap);
	va_end(ap);
	dprintf(STDERR_FILENO, "%s: fatal: unable to start container '%s': %s\n",
		dl_prog, dl_init.id, why);
	_exit(DL_EXIT_FAIL);
}

/* Is @path at or below @dir (both absolute and clean)? */
static bool path_under(const char *path, const char *dir)
{
	size_t n = strlen(dir);

	if (!strcmp(dir, "/"))
		return true;
	return !strncmp(path, dir, n) && (path[n] == '\0' || path[n] == '/');
}

static bool has_opt(const struct dl_mount *m, const char *opt)
{
	for (size_t i = 0; i < m->nopts; i++)
		if (!strcmp(m->options[i], opt))
			return true;
	return false;
}

/*
 * Whether the mount at @mnt must be read-only: the nearest of the places
 * the spec says something of, the root, /dev, /proc, /sys, its mounts,
 * its read-only and masked paths, decides.  A mount that came with a
 * read-only bind (a submount of its source) is so read-only too, as is
 * one that came with the root under --read-only; a later mount of the
 * spec inside a read-only one keeps its own mode.
 */
static bool want_ro(const struct dl_spec *sp, const char *mnt)
{
	const char *const *ro = sp->ro_set ? sp->ro_paths : dl_spec_readonly_paths;
	const char *const *masked = sp->masked_set ? sp->masked :
						     dl_spec_masked_paths;
	size_t nr = sp->ro_set ? sp->nro : dl_spec_nreadonly_paths;
	size_t nm = sp->masked_set ? sp->nmasked : dl_spec_nmasked_paths;
	size_t best = 1;
	bool r = sp->root_ro;

#define CLAIM(p, v)                                                     \
	do {                                                            \
		size_t n_ = strlen(p);                                  \
		if (path_under(mnt, p) &&                               \
		    (n_ > best || (n_ == best && (v))))                 \
			best = n_, r = (v);                             \
	} while (0)

	CLAIM("/dev", false);
	CLAIM("/proc", false);
	CLAIM("/sys", !sp->privileged);
	for (size_t i = 0; i < sp->nmounts; i++)
		CLAIM(sp->mounts[i].dest, has_opt(&sp->mounts[i], "ro"));
	for (size_t i = 0; !sp->privileged && i < nr; i++)
		CLAIM(ro[i], true);
	for (size_t i = 0; !sp->privileged && i < nm; i++)
		CLAIM(masked[i], false);
#undef CLAIM
	return r;
}

/* Undo the octal escapes of a /proc/self/mountinfo field, in place. */
static void unescape(char *s)
{
	char *d = s;

	for (; *s; s++) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' &&
		    s[2] >= '0' && s[2] <= '7' && s[3] >= '0' && s[3] <= '7') {
			*d++ = (char)((s[1] - '0') << 6 | (s[2] - '0') << 3 |
				      (s[3] - '0'));
			s += 3;
		} else {
			*d++ = *s;
		}
	}
	*d = '\0';
}

/* The flags by which the profile (dl.seccomp) tells dl's init's own
 * mount calls from any other: they only pass those. */
#define INIT_MS_FLAGS (MS_SLAVE | MS_REC)
#define INIT_AT_FLAGS (AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT)

/*
 * The mount tree, as the spec says: liblxc shares its new root (and so
 * every mount below it) at pivot_root; make every mount a slave, which
 * leaves those of the container private and the rslave volumes slaves.
 * Then read-only all the way down: liblxc's bind,ro and rootfs ro set
 * the flag on the top mount only, which leaves the submounts of a source
 * writable.
 */
static void init_mounts(const struct dl_spec *sp)
{
	_cleanup_free_ char *buf = NULL;
	struct mount_attr attr = { .attr_set = MOUNT_ATTR_RDONLY };
	struct statx stx;
	char *line, *save = NULL;
	size_t len;

	if (mount(NULL, "/", NULL, INIT_MS_FLAGS, NULL) < 0)
		init_die("make the mounts private: %s", strerror(errno));
	if (dl_read_file("/proc/self/mountinfo", &buf, &len) < 0)
		init_die("read '/proc/self/mountinfo': %s", strerror(errno));
	for (line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char *f[6], *p = line;
		int n;

		for (n = 0; n < 6 && (f[n] = strsep(&p, " ")); n++)
			;
		if (n < 6)
			continue;
		unescape(f[4]);
		if (!strncmp(f[5], "ro", 2) && (f[5][2] == ',' || !f[5][2]))
			continue;
		if (!want_ro(sp, f[4]))
			continue;
		/* a mount under another one at its place, or under a bind
		 * of its parent, is out of reach: the one seen there counts */
		if (statx(AT_FDCWD, f[4], AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT,
			  STATX_MNT_ID, &stx) < 0 ||
		    !(stx.stx_mask & STATX_MNT_ID) ||
		    stx.stx_mnt_id != strtoull(f[0], NULL, 10))
			continue;
		if (mount_setattr(AT_FDCWD, f[4], INIT_AT_FLAGS, &attr,
				  sizeof(attr)) < 0)
			init_die("make '%s' read-only: %s", f[4], strerror(errno));
	}
}

/* The user of the spec, then no capability outside the bounding set
 * liblxc left (the container's), none inheritable or ambient. */
static void init_drop(const struct dl_spec *sp)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];
	uint64_t bnd = 0;

	if (setgroups(sp->ngids, sp->gids) < 0 ||
	    setresgid(sp->gid, sp->gid, sp->gid) < 0 ||
	    setresuid(sp->uid, sp->uid, sp->uid) < 0)
		init_die("set the user %u:%u: %s", (unsigned)sp->uid,
			 (unsigned)sp->gid, strerror(errno));
	for (int i = 0; i < 64; i++) {
		int r = prctl(PR_CAPBSET_READ, i, 0, 0, 0);

		if (r < 0)
			break;
		if (r)
			bnd |= 1ULL << i;
	}
	if (syscall(SYS_capget, &h, d) < 0)
		init_die("read the capabilities: %s", strerror(errno));
	for (int k = 0; k < 2; k++) {
		uint32_t b = (uint32_t)(bnd >> (32 * k));

		d[k].effective &= b;
		d[k].permitted &= b;
		d[k].inheritable &= b;
	}
	if (syscall(SYS_capset, &h, d) < 0 ||
	    prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0)
		init_die("drop the capabilities: %s", strerror(errno));
	/* nothing in the container may read our memory or descriptors */
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
}

/*
 * Into the working directory, now that no descriptor of the host is open
 * (CVE-2024-21626): then check that it is inside the root, as runc does:
 * a directory the root does not reach has no path from it ("(unreachable)"
 * from the kernel, ENOENT from getcwd(3)).
 */
static void init_chdir(const char *cwd)
{
	char buf[PATH_MAX];

	if (chdir(cwd) < 0)
		init_die("chdir to cwd (\"%s\"): %s", cwd, strerror(errno));
	if (!getcwd(buf, sizeof(buf)) || buf[0] != '/')
		init_die("the working directory '%s' is outside the container's root",
			 cwd);
}

static noreturn void init_run(void)
{
	const struct dl_spec *sp = dl_init.spec;
	sigset_t all, none;
	pid_t child;

	sigfillset(&all);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &all, NULL);
	if (dl_init.errfd != STDERR_FILENO)
		dup2(dl_init.errfd, STDERR_FILENO);
	/* First of all, no descriptor of liblxc's (of the host) stays.
	 * Closing them, the synchronisation socket among them, is also what
	 * tells the monitor that init is up (as lxc-init). */
	close_but(dl_init.readyfd);
	init_mounts(sp);
	init_drop(sp);
	/* A raw clone(2): no fork handlers run again in the child.
	 * CLONE_VFORK (without CLONE_VM: the child has its own copy) holds
	 * us until the command is exec'd, or failed to be. */
	child = (pid_t)syscall(SYS_clone, SIGCHLD | CLONE_VFORK, 0, 0, 0, 0);
	if (child < 0)
		init_die("fork: %s", strerror(errno));
	if (child == 0) {
		struct sigaction dfl = { .sa_handler = SIG_DFL };

		for (int i = 1; i < NSIG; i++)
			sigaction(i, &dfl, NULL);
		sigprocmask(SIG_SETMASK, &none, NULL);
		setsid();
		if (isatty(STDIN_FILENO))
			ioctl(STDIN_FILENO, TIOCSCTTY, 0);
		close_from(3);
		init_chdir(sp->cwd);
		_exit(dl_exec_in(dl_init.cmd, dl_init.envp, "start", dl_init.id));
	}
	/* The command runs: say so once to the supervisor, which waits
	 * for this instead of asking liblxc again and again. */
	if (dl_init.readyfd >= 0) {
		while (write(dl_init.readyfd, "R", 1) < 0 && errno == EINTR)
			;
		close(dl_init.readyfd);
	}
	if (dl_init.title) {
		memset(dl_init.title, 0, dl_init.title_len);
		strncpy(dl_init.title, "dl-init", dl_init.title_len - 1);
	}
	prctl(PR_SET_NAME, "dl-init", 0, 0, 0);
	for (;;) {
		siginfo_t si;
		int sig = sigwaitinfo(&all, &si), st;
		pid_t w;

		if (sig < 0)
			continue;
		if (sig != SIGCHLD) {
			kill(child, sig);
			continue;
		}
		while ((w = waitpid(-1, &st, WNOHANG)) > 0)
			if (w == child)
				_exit(dl_exit_status(st));
	}
}

/* The fork handler: only the container's init, pid 1 with the environment
 * liblxc just gave it, takes over; every other fork goes on. */
static void init_prepare(void)
{
	if (!dl_init.armed || getpid() != 1 || !getenv("container"))
		return;
	dl_init.armed = false;
	init_run();
}

void dl_init_arm(char **argv, const struct dl_spec *spec, char *const *envp,
		 const char *id, int errfd, int readyfd)
{
	int n = 0;

	while (argv[n])
		n++;
	if (n > 0) {
		dl_init.title = argv[0];
		dl_init.title_len = (size_t)(argv[n - 1] + strlen(argv[n - 1]) + 1 -
					     argv[0]);
	}
	dl_init.cmd = (char *const *)spec->args;
	dl_init.spec = spec;
	dl_init.envp = envp;
	dl_init.id = id;
	dl_init.errfd = errfd;
	dl_init.readyfd = readyfd;
	/* Our own environment must not look like the container's. */
	unsetenv("container");
	if (!dl_init.registered)
		pthread_atfork(init_prepare, NULL, NULL);
	dl_init.registered = true;
	dl_init.armed = true;
}

/* ------------------------------------------------------------------ */
/* Stdio and sessions */

static int cloexec(int fd)
{
	int fl = fcntl(fd, F_GETFD);

	return fl < 0 ? -1 : fcntl(fd, F_SETFD, fl | FD_CLOEXEC);
}

static int nonblock(int fd)
{
	int fl = fcntl(fd, F_GETFL);

	return fl < 0 ? -1 : fcntl(fd, F_SETFL, fl | O_NONBLOCK);
}

/* Our terminal, for its window size: stdin, else stdout. */
static int our_tty(void)
{
	if (isatty(STDIN_FILENO))
		return STDIN_FILENO;
	if (isatty(STDOUT_FILENO))
		return STDOUT_FILENO;
	return -1;
}

static void copy_winsize(int master)
{
	struct winsize ws;
	int t = our_tty();

	if (t >= 0 && ioctl(t, TIOCGWINSZ, &ws) == 0)
		ioctl(master, TIOCSWINSZ, &ws);
}

/* A terminal from the container's own devpts instance. */
static int pty_in(int devpts, int *master, int *slave)
{
	*master = openat(devpts, "ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (*master < 0)
		return -1;
	if (unlockpt(*master) < 0)
		return -1;
	*slave = ioctl(*master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
	return *slave < 0 ? -1 : 0;
}

int dl_stdio_open(struct dl_stdio *io, bool tty, bool in, int devpts,
		  char **reason)
{
	int p[2];

	io->child[0] = io->child[1] = io->child[2] = -1;
	io->in = io->out = io->err = -1;
	io->tty = tty;
	if (tty) {
		int master = -1, slave = -1;

		if (devpts < 0 || pty_in(devpts, &master, &slave) < 0) {
			if (master >= 0)
				close(master);
			if (openpty(&master, &slave, NULL, NULL, NULL) < 0 ||
			    cloexec(master) < 0 || cloexec(slave) < 0)
				goto fail;
		}
		if (nonblock(master) < 0)
			goto fail;
		copy_winsize(master);
		io->child[0] = io->child[1] = io->child[2] = slave;
		io->out = master;
		io->in = in ? master : -1;
		return 0;
	}
	if (pipe2(p, O_CLOEXEC) < 0)
		goto fail;
	io->out = p[0];
	io->child[1] = p[1];
	if (pipe2(p, O_CLOEXEC) < 0)
		goto fail;
	io->err = p[0];
	io->child[2] = p[1];
	if (in) {
		if (pipe2(p, O_CLOEXEC) < 0 || nonblock(p[1]) < 0)
			goto fail;
		io->child[0] = p[0];
		io->in = p[1];
	} else {
		io->child[0] = open("/dev/null", O_RDONLY | O_CLOEXEC);
		if (io->child[0] < 0)
			goto fail;
	}
	return 0;

fail:
	*reason = dl_xasprintf("%s: %s", tty ? "openpty" : "pipe",
			       strerror(errno));
	return DL_EXIT_FAIL;
}

void dl_stdio_close_child(struct dl_stdio *io)
{
	for (int i = 0; i < 3; i++) {
		if (io->child[i] < 0)
			continue;
		for (int k = i + 1; k < 3; k++)
			if (io->child[k] == io->child[i])
				io->child[k] = -1;
		close(io->child[i]);
		io->child[i] = -1;
	}
}

static sigset_t session_set(void)
{
	static const int sigs[] = {
		SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGUSR1, SIGUSR2, SIGALRM,
		SIGWINCH, SIGCHLD,
	};
	sigset_t set;

	sigemptyset(&set);
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaddset(&set, sigs[i]);
	return set;
}

void dl_session_signals(sigset_t *old)
{
	sigset_t set = session_set();

	signal(SIGPIPE, SIG_IGN);
	sigprocmask(SIG_BLOCK, &set, old);
}

static struct termios saved_tio;
static int saved_tio_fd = -1;

static void restore_tty(void)
{
	if (saved_tio_fd >= 0)
		tcsetattr(saved_tio_fd, TCSADRAIN, &saved_tio);
	saved_tio_fd = -1;
}

static void raw_tty(int fd)
{
	struct termios t;
	static bool registered;

	if (tcgetattr(fd, &saved_tio) < 0)
		return;
	t = saved_tio;
	cfmakeraw(&t);
	if (tcsetattr(fd, TCSADRAIN, &t) < 0)
		return;
	saved_tio_fd = fd;
	if (!registered)
		atexit(restore_tty);
	registered = true;
}

/* Write it all to one of our own (blocking) descriptors. */
static int write_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN) {
				struct pollfd pfd = { .fd = fd, .events = POLLOUT };

				poll(&pfd, 1, -1);
				continue;
			}
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

#define BUFSZ 65536

struct pump {
	int *src;
	int dst;
	int log;		/* > 2: container.log (dl-ctrlog.h) */
	const char *stream;
};

/* Copy what is ready on *src to dst; close *src at its end. */
static void pump(struct pump *p, char *buf)
{
	ssize_t r = read(*p->src, buf, BUFSZ);

	if (r < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	if (r <= 0) {
		/* EOF, or EIO from a pty master whose slave is gone */
		close_fd(p->src);
		return;
	}
	/* the log first: a reader of ours that stopped loses nothing */
	if (p->log > 2 && dl_ctrlog_write(p->log, p->stream, buf, (size_t)r) < 0)
		p->log = -1;
	if (write_all(p->dst, buf, (size_t)r) < 0)
		close_fd(p->src);	/* EPIPE: the process gets its own */
}

int dl_session_run(struct dl_session *s, char **reason)
{
	struct dl_stdio *io = s->io;
	_cleanup_close_ int sfd = -1;
	_cleanup_free_ char *obuf = dl_xmalloc(BUFSZ);
	_cleanup_free_ char *ibuf = dl_xmalloc(BUFSZ);
	size_t ilen = 0, ioff = 0;
	sigset_t set = session_set();
	uint64_t pending = 0;
	bool done = false;
	int in_src = s->in_src, out = io->out, err = io->err, in = io->in;
	int ev = s->on_event ? s->ev_fd : -1;
	struct pump pout = { &out, s->out_dst, s->log_fd, "stdout" };
	struct pump perr = { &err, s->err_dst, s->log_fd, "stderr" };

	sfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	if (sfd < 0) {
		*reason = dl_xasprintf("signalfd: %s", strerror(errno));
		return DL_EXIT_FAIL;
	}
	if (in < 0)
		in_src = -1;
	if (io->tty && in_src >= 0 && isatty(in_src))
		raw_tty(in_src);
	/* the pty master serves both directions: never close it twice */
	if (io->tty)
		in = in >= 0 ? dup(in) : -1;
	for (;;) {
		struct pollfd fds[6];
		int nfds = 0, timeout = -1, i_sig, i_src = -1, i_in = -1,
		    i_out = -1, i_err = -1, i_ev = -1, r;

		if (done && out < 0 && err < 0)
			break;
		fds[i_sig = nfds++] = (struct pollfd){ .fd = sfd, .events = POLLIN };
		if (in_src >= 0 && in >= 0 && ilen == 0)
			fds[i_src = nfds++] = (struct pollfd){ .fd = in_src, .events = POLLIN };
		if (in >= 0 && ilen > 0)
			fds[i_in = nfds++] = (struct pollfd){ .fd = in, .events = POLLOUT };
		if (out >= 0)
			fds[i_out = nfds++] = (struct pollfd){ .fd = out, .events = POLLIN };
		if (err >= 0)
			fds[i_err = nfds++] = (struct pollfd){ .fd = err, .events = POLLIN };
		if (ev >= 0)
			fds[i_ev = nfds++] = (struct pollfd){ .fd = ev, .events = POLLIN };
		if (done)
			timeout = 250;	/* orphans may keep a pipe open */
		r = poll(fds, (nfds_t)nfds, timeout);
		if (r < 0 && errno != EINTR) {
			*reason = dl_xasprintf("poll: %s", strerror(errno));
			return DL_EXIT_FAIL;
		}
		if (r == 0 && done)
			break;
		if (r <= 0)
			continue;
		/* first: a command that ran and ended at once is seen running */
		if (i_ev >= 0 && fds[i_ev].revents) {
			ev = -1;
			if ((r = s->on_event(s))) {
				*reason = dl_xstrdup("the watch of the container failed");
				return r;
			}
			for (int sig = 1; s->target > 0 && pending && sig < 64; sig++)
				if (pending & (1ULL << sig)) {
					kill(s->target, sig);
					pending &= ~(1ULL << sig);
				}
		}
		if (fds[i_sig].revents) {
			struct signalfd_siginfo si;

			while (read(sfd, &si, sizeof(si)) == sizeof(si)) {
				int sig = (int)si.ssi_signo, st;

				if (sig == SIGCHLD) {
					if (!done && waitpid(s->child, &st, WNOHANG) == s->child) {
						s->status = st;
						done = true;
						close_fd(&in);
						in_src = -1;
					}
				} else if (sig == SIGWINCH) {
					if (io->tty)
						copy_winsize(io->out);
				} else if (s->target > 0) {
					kill(s->target, sig);
				} else {
					pending |= 1ULL << sig;
				}
			}
		}
		if (i_src >= 0 && fds[i_src].revents) {
			ssize_t n = read(in_src, ibuf, BUFSZ);

			if (n > 0) {
				ilen = (size_t)n;
				ioff = 0;
			} else if (n == 0 || (errno != EINTR && errno != EAGAIN)) {
				in_src = -1;
				if (!io->tty)
					close_fd(&in);	/* the process reads EOF */
			}
		}
		if (i_in >= 0 && fds[i_in].revents) {
			ssize_t w = write(in, ibuf + ioff, ilen);

			if (w > 0) {
				ioff += (size_t)w;
				ilen -= (size_t)w;
			} else if (w < 0 && errno != EAGAIN && errno != EINTR) {
				close_fd(&in);	/* it closed its stdin */
				ilen = 0;
			}
		}
		if (i_out >= 0 && fds[i_out].revents)
			pump(&pout, obuf);
		if (i_err >= 0 && fds[i_err].revents)
			pump(&perr, obuf);
		/* a pty master polls POLLHUP at once when the last slave
		 * closes: the loop above has read what was left */
	}
	close_fd(&in);
	close_fd(&out);
	close_fd(&err);
	io->in = io->out = io->err = -1;
	restore_tty();
	return 0;
}
