/* SPDX-License-Identifier: Apache-2.0 */
/* specload.c: reading and checking the OCI runtime spec of a container
 * (containers/ID/spec.json), as dl-spawn and dl-attach run it */
#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "dl.h"
#include "dl/netconf.h"
#include "dl/caps.h"
#include "dl/exec.h"
#include "dl/json.h"
#include "dl/specload.h"

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
		return dl_fail(reason, DL_EXIT_REJECT, "process: a member has the wrong type");
	if (!args || json_array_size(args) == 0 ||
	    str_array(args, &sp->args, &sp->nargs) < 0 || !*sp->args[0])
		return dl_fail(reason, DL_EXIT_REJECT, "process.args: not a non-empty string array");
	if (env && str_array(env, &sp->env, &sp->nenv) < 0)
		return dl_fail(reason, DL_EXIT_REJECT, "process.env: not a string array");
	for (i = 0; i < sp->nenv; i++)
		if (!strchr(sp->env[i], '=') || sp->env[i][0] == '=')
			return dl_fail(reason, DL_EXIT_REJECT, "process.env: invalid entry '%s'",
				   sp->env[i]);
	sp->cwd = cwd ? json_string_value(cwd) : "/";
	if (!safe_abs(sp->cwd) || isspace((unsigned char)
			sp->cwd[strlen(sp->cwd) - 1]))
		return dl_fail(reason, DL_EXIT_REJECT, "process.cwd: not a clean absolute path");
	if (user) {
		json_t *uid = member(user, "uid", JSON_INTEGER, &err);
		json_t *gid = member(user, "gid", JSON_INTEGER, &err);
		json_t *more = member(user, "additionalGids", JSON_ARRAY, &err);

		if (err || (uid && json_integer_value(uid) < 0) ||
		    (gid && json_integer_value(gid) < 0))
			return dl_fail(reason, DL_EXIT_REJECT, "process.user: invalid ids");
		sp->uid = uid ? (uid_t)json_integer_value(uid) : 0;
		sp->gid = gid ? (gid_t)json_integer_value(gid) : 0;
		if (more) {
			sp->gids = dl_xcalloc(json_array_size(more) + 1,
					      sizeof(gid_t));
			json_array_foreach(more, i, v) {
				if (!json_is_integer(v) ||
				    json_integer_value(v) < 0)
					return dl_fail(reason, DL_EXIT_REJECT, "process.user: invalid additionalGids");
				sp->gids[sp->ngids++] =
					(gid_t)json_integer_value(v);
			}
		}
	}
	if ((v = member(p, "oomScoreAdj", JSON_INTEGER, &err))) {
		if (json_integer_value(v) < -1000 || json_integer_value(v) > 1000)
			return dl_fail(reason, DL_EXIT_REJECT, "process.oomScoreAdj: not in -1000..1000");
		sp->oom_set = true;
		sp->oom_score_adj = (int)json_integer_value(v);
	}
	if ((v = member(p, "rlimits", JSON_ARRAY, &err))) {
		json_t *r;

		sp->rlimits = dl_xcalloc(json_array_size(v) + 1,
					 sizeof(*sp->rlimits));
		json_array_foreach(v, i, r) {
			const char *t = json_string_value(json_object_get(r, "type"));
			json_t *so = json_object_get(r, "soft");
			json_t *ha = json_object_get(r, "hard");
			struct dl_rlimit *l = &sp->rlimits[sp->nrlimits++];
			size_t k;

			if (!t || strncmp(t, "RLIMIT_", 7) || strlen(t + 7) == 0 ||
			    strlen(t + 7) >= sizeof(l->name) ||
			    strspn(t + 7, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != strlen(t + 7) ||
			    !json_is_integer(so) || !json_is_integer(ha) ||
			    json_integer_value(so) < -1 || json_integer_value(ha) < -1)
				return dl_fail(reason, DL_EXIT_REJECT, "process.rlimits[%zu]: invalid", i);
			for (k = 0; t[7 + k]; k++)
				l->name[k] = (char)tolower((unsigned char)t[7 + k]);
			l->soft = json_integer_value(so);
			l->hard = json_integer_value(ha);
		}
	}
	if (caps) {
		json_t *set = member(caps, "bounding", JSON_ARRAY, &err);

		if (!set)
			set = member(caps, "effective", JSON_ARRAY, &err);
		if (!set)
			set = member(caps, "permitted", JSON_ARRAY, &err);
		if (err || (set && str_array(set, &sp->caps, &sp->ncaps) < 0))
			return dl_fail(reason, DL_EXIT_REJECT, "process.capabilities: not string arrays");
		sp->caps_set = set != NULL;
	}
	return 0;
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
			return dl_fail(reason, DL_EXIT_REJECT, "mounts[%zu]: invalid entry", i);
		mp->dest = json_string_value(dest);
		mp->type = type ? json_string_value(type) : "none";
		mp->source = src ? json_string_value(src) : mp->type;
		if (opts && str_array(opts, &mp->options, &mp->nopts) < 0)
			return dl_fail(reason, DL_EXIT_REJECT, "mounts[%zu].options: not a string array", i);
		if (!safe_abs(mp->dest) || !strcmp(mp->dest, "/"))
			return dl_fail(reason, DL_EXIT_REJECT, "mounts[%zu].destination: not a clean absolute path", i);
		if (has_nl(mp->source) || has_nl(mp->type) || !*mp->source ||
		    strpbrk(mp->type, " \t,"))
			return dl_fail(reason, DL_EXIT_REJECT, "mounts[%zu]: invalid source or type", i);
		for (k = 0; k < mp->nopts; k++)
			if (has_nl(mp->options[k]) ||
			    strpbrk(mp->options[k], " \t,"))
				return dl_fail(reason, DL_EXIT_REJECT, "mounts[%zu]: invalid option", i);
	}
	return 0;
}

static int load_linux(json_t *lx, struct dl_spec *sp, char **reason)
{
	json_t *res, *ns, *v, *o;
	bool err = false, pid = false, ipc = false;
	size_t i;

	res = member(lx, "resources", JSON_OBJECT, &err);
	ns = member(lx, "namespaces", JSON_ARRAY, &err);
	if ((v = member(lx, "maskedPaths", JSON_ARRAY, &err))) {
		sp->masked_set = true;
		if (str_array(v, &sp->masked, &sp->nmasked) < 0)
			return dl_fail(reason, DL_EXIT_REJECT, "linux.maskedPaths: not a string array");
	}
	if ((v = member(lx, "readonlyPaths", JSON_ARRAY, &err))) {
		sp->ro_set = true;
		if (str_array(v, &sp->ro_paths, &sp->nro) < 0)
			return dl_fail(reason, DL_EXIT_REJECT, "linux.readonlyPaths: not a string array");
	}
	for (i = 0; i < sp->nmasked + sp->nro; i++) {
		const char *m = i < sp->nmasked ? sp->masked[i] :
						  sp->ro_paths[i - sp->nmasked];

		if (!safe_abs(m) || !strcmp(m, "/") || strpbrk(m, " \t"))
			return dl_fail(reason, DL_EXIT_REJECT, "linux: invalid masked or read-only path '%s'", m);
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
		if ((v = member(o, "shares", JSON_INTEGER, &err)))
			sp->cpu_shares = json_integer_value(v);
		if ((v = member(o, "cpus", JSON_STRING, &err)))
			sp->cpuset_cpus = json_string_value(v);
	}
	if ((o = member(res, "memory", JSON_OBJECT, &err)) &&
	    (v = member(o, "swap", JSON_INTEGER, &err)))
		sp->mem_swap = json_integer_value(v);
	if (sp->cpuset_cpus && (!*sp->cpuset_cpus ||
				strspn(sp->cpuset_cpus, "0123456789,-") !=
					strlen(sp->cpuset_cpus)))
		return dl_fail(reason, DL_EXIT_REJECT, "linux.resources.cpu.cpus: invalid");
	if (sp->cpu_shares < 0 || sp->mem_swap < -1)
		return dl_fail(reason, DL_EXIT_REJECT, "linux.resources: negative limit");
	if ((o = member(lx, "sysctl", JSON_OBJECT, &err))) {
		const char *k;
		size_t n = 0;

		sp->sysctl_keys = dl_xcalloc(json_object_size(o) + 1, sizeof(char *));
		sp->sysctl_vals = dl_xcalloc(json_object_size(o) + 1, sizeof(char *));
		json_object_foreach(o, k, v) {
			if (!json_is_string(v) || !*k ||
			    strspn(k, "abcdefghijklmnopqrstuvwxyz0123456789._-") != strlen(k) ||
			    strchr(json_string_value(v), '\n'))
				return dl_fail(reason, DL_EXIT_REJECT, "linux.sysctl: invalid '%s'", k);
			sp->sysctl_keys[n] = k;
			sp->sysctl_vals[n++] = json_string_value(v);
		}
		sp->nsysctl = n;
	}
	if (err)
		return dl_fail(reason, DL_EXIT_REJECT, "linux.resources: a member has the wrong type");
	json_array_foreach(ns, i, o) {
		json_t *type = member(o, "type", JSON_STRING, &err);
		json_t *path = member(o, "path", JSON_STRING, &err);

		if (err || !type)
			return dl_fail(reason, DL_EXIT_REJECT, "linux.namespaces[%zu]: invalid entry", i);
		if (!strcmp(json_string_value(type), "pid"))
			pid = true;
		if (!strcmp(json_string_value(type), "ipc"))
			ipc = true;
		if (!strcmp(json_string_value(type), "network") && path) {
			sp->netns = json_string_value(path);
			if (!safe_abs(sp->netns))
				return dl_fail(reason, DL_EXIT_REJECT, "linux.namespaces[%zu].path: not a clean absolute path", i);
		}
	}
	sp->pid_host = ns && !pid;
	sp->ipc_host = ns && !ipc;
	return 0;
}

static const char *annotation(json_t *ann, const char *key)
{
	json_t *v = ann ? json_object_get(ann, key) : NULL;

	return json_is_string(v) ? json_string_value(v) : NULL;
}

/* "a,b,c" as a NULL-ended array of copies; NULL or "" gives none */
static char **split(const char *s, size_t *n)
{
	char **v = dl_xcalloc(1, sizeof(*v));

	*n = 0;
	while (s && *s) {
		size_t len = strcspn(s, ",");

		v = dl_xrealloc(v, (*n + 2) * sizeof(*v));
		v[(*n)++] = dl_xasprintf("%.*s", (int)len, s);
		v[*n] = NULL;
		s += len;
		if (*s == ',')
			s++;
	}
	return v;
}

/* "container:ID", or NULL for any other mode */
static const char *join_id(const char *mode)
{
	return mode && !strncmp(mode, "container:", 10) &&
			       dl_is_id(mode + 10)
		       ? mode + 10
		       : NULL;
}

/* --pid, --ipc container:ID, --shm-size and --device */
static int load_modes(json_t *ann, struct dl_spec *sp, char **reason)
{
	const char *s = annotation(ann, "org.dockerlite.shm-size");
	char *end;
	size_t i;

	sp->pid_join = join_id(annotation(ann, "org.dockerlite.pid"));
	sp->ipc_join = join_id(annotation(ann, "org.dockerlite.ipc"));
	if (s) {
		errno = 0;
		sp->shm_size = strtoll(s, &end, 10);
		if (!*s || *end || errno || sp->shm_size < 0)
			return dl_fail(reason, DL_EXIT_REJECT, "org.dockerlite.shm-size: not a size");
	}
	sp->devices = split(annotation(ann, "org.dockerlite.devices"),
			    &sp->ndevices);
	for (i = 0; i < sp->ndevices; i++) {
		_cleanup_free_ char *d = dl_xstrdup(sp->devices[i]);
		char *c = strchr(d, ':'), *p = c ? strchr(c + 1, ':') : NULL;

		if (!c || !p)
			return dl_fail(reason, DL_EXIT_REJECT, "org.dockerlite.devices: not HOST:CTR:PERMS");
		*c++ = '\0';
		*p++ = '\0';
		if (!safe_abs(d) || !safe_abs(c) || !strcmp(c, "/") ||
		    strpbrk(d, " \t") || strpbrk(c, " \t") || !*p ||
		    strspn(p, "rwm") != strlen(p))
			return dl_fail(reason, DL_EXIT_REJECT, "org.dockerlite.devices: invalid '%s'",
				   sp->devices[i]);
	}
	return 0;
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
		return dl_fail(reason, DL_EXIT_REJECT, "%s: not a JSON object", path);
	p = member(sp->doc, "process", JSON_OBJECT, &err);
	root = member(sp->doc, "root", JSON_OBJECT, &err);
	host = member(sp->doc, "hostname", JSON_STRING, &err);
	mounts = member(sp->doc, "mounts", JSON_ARRAY, &err);
	lx = member(sp->doc, "linux", JSON_OBJECT, &err);
	ann = member(sp->doc, "annotations", JSON_OBJECT, &err);
	if (err || !p)
		return dl_fail(reason, DL_EXIT_REJECT, "%s: missing process, or a member has the wrong type",
			   path);
	if ((r = load_process(p, sp, reason)) ||
	    (mounts && (r = load_mounts(mounts, sp, reason))) ||
	    (lx && (r = load_linux(lx, sp, reason))))
		return r;
	if (root) {
		v = member(root, "path", JSON_STRING, &err);
		if (v && strcmp(json_string_value(v), "rootfs"))
			return dl_fail(reason, DL_EXIT_REJECT, "root.path: only \"rootfs\" is supported");
		if ((v = member(root, "readonly", JSON_TRUE, &err)))
			sp->root_ro = json_is_true(v);
		if (err)
			return dl_fail(reason, DL_EXIT_REJECT, "root: a member has the wrong type");
	}
	if (host && *json_string_value(host)) {
		sp->hostname = json_string_value(host);
		if (strlen(sp->hostname) > 64 ||
		    strspn(sp->hostname, "abcdefghijklmnopqrstuvwxyz"
				"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_") !=
			    strlen(sp->hostname))
			return dl_fail(reason, DL_EXIT_REJECT, "hostname: invalid '%s'", sp->hostname);
	}
	sp->network = annotation(ann, "org.dockerlite.network");
	if (!sp->network || !*sp->network)
		sp->network = "none";
	if (strcmp(sp->network, "none") && strcmp(sp->network, "host") &&
	    strcmp(sp->network, "bridge") && !dl_net_name_valid(sp->network) &&
	    !(!strncmp(sp->network, "container:", 10) &&
	      dl_is_id(sp->network + 10)) &&
	    !sp->netns)
		return dl_fail(reason, DL_EXIT_REJECT, "network '%s' needs linux.namespaces network path",
			   sp->network);
	s = annotation(ann, "org.dockerlite.privileged");
	sp->privileged = s && !strcmp(s, "true");
	s = annotation(ann, "org.dockerlite.rm");
	sp->rm = s && !strcmp(s, "true");
	s = annotation(ann, "org.dockerlite.interactive");
	sp->interactive = s && !strcmp(s, "true");
	sp->stop_signal = annotation(ann, "org.dockerlite.stop-signal");
	sp->stop_timeout = annotation(ann, "org.dockerlite.stop-timeout");
	sp->dns = split(annotation(ann, "org.dockerlite.dns"), &sp->ndns);
	sp->dns_search = split(annotation(ann, "org.dockerlite.dns-search"),
			       &sp->ndns_search);
	sp->add_hosts = split(annotation(ann, "org.dockerlite.add-host"),
			      &sp->nadd_hosts);
	sp->volumes = split(annotation(ann, "org.dockerlite.volumes"),
			    &sp->nvolumes);
	sp->publish = split(annotation(ann, "org.dockerlite.publish"),
			    &sp->npublish);
	if (sp->npublish && (!strcmp(sp->network, "none") ||
			     !strcmp(sp->network, "host") || sp->netns ||
			     !strncmp(sp->network, "container:", 10)))
		return dl_fail(reason, DL_EXIT_REJECT, "org.dockerlite.publish: not with network %s",
			   sp->network);
	if ((r = load_modes(ann, sp, reason)))
		return r;
	for (i = 0; i < sp->ncaps; i++)
		if (dl_cap_number(sp->caps[i]) < 0)
			return dl_fail(reason, DL_EXIT_REJECT, "process.capabilities: unknown '%s'",
				   sp->caps[i]);
	if (sp->mem_limit < 0 || sp->pids_limit < 0 || sp->cpu_quota < 0)
		return dl_fail(reason, DL_EXIT_REJECT, "linux.resources: negative limit");
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
	free(sp->rlimits);
	free(sp->sysctl_keys);
	free(sp->sysctl_vals);
	free(sp->caps);
	free(sp->masked);
	free(sp->ro_paths);
	for (i = 0; i < sp->ndns; i++)
		free(sp->dns[i]);
	for (i = 0; i < sp->ndns_search; i++)
		free(sp->dns_search[i]);
	for (i = 0; i < sp->nadd_hosts; i++)
		free(sp->add_hosts[i]);
	for (i = 0; i < sp->npublish; i++)
		free(sp->publish[i]);
	free(sp->publish);
	free(sp->dns);
	free(sp->dns_search);
	free(sp->add_hosts);
	for (i = 0; i < sp->nvolumes; i++)
		free(sp->volumes[i]);
	free(sp->volumes);
	for (i = 0; i < sp->ndevices; i++)
		free(sp->devices[i]);
	free(sp->devices);
	free(sp->pidns);
	free(sp->ipcns);
	if (sp->doc)
		json_decref(sp->doc);
	memset(sp, 0, sizeof(*sp));
}

bool dl_spec_has_cap(const struct dl_spec *sp, const char *name)
{
	int want = dl_cap_number(name);
	size_t i;

	if (sp->privileged)
		return true;
	if (!sp->caps_set)
		return want >= 0 && (DL_CAPS_DOCKER >> want & 1);
	for (i = 0; i < sp->ncaps; i++)
		if (dl_cap_number(sp->caps[i]) == want)
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
		env[n++] = dl_xstrdup("PATH=" DL_DEFAULT_PATH);
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
/* Mounts */

bool dl_mount_has_opt(const struct dl_mount *m, const char *opt)
{
	for (size_t i = 0; i < m->nopts; i++)
		if (!strcmp(m->options[i], opt))
			return true;
	return false;
}

bool dl_mount_has_bind_opt(const struct dl_mount *m)
{
	return dl_mount_has_opt(m, "bind") || dl_mount_has_opt(m, "rbind");
}

bool dl_mount_is_bind(const struct dl_mount *m)
{
	return !strcmp(m->type, "bind") || dl_mount_has_bind_opt(m);
}

/* Mounts LXC itself makes (lxc.autodev, lxc.mount.auto), which an OCI
 * spec may list too: skipped unless bind mounts. */
bool dl_mount_lxc_owns(const struct dl_mount *m)
{
	static const char *const owned[] = {
		"/proc", "/sys", "/dev", "/dev/pts", "/dev/shm", "/dev/mqueue",
		"/sys/fs/cgroup",
	};
	size_t i;

	if (dl_mount_is_bind(m))
		return false;
	for (i = 0; i < sizeof(owned) / sizeof(owned[0]); i++)
		if (!strcmp(m->dest, owned[i]))
			return true;
	return false;
}
