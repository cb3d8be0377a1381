/* SPDX-License-Identifier: Apache-2.0 */
/* dl-container-inspect: describe containers, in Docker's shape or as tokens */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "dl.h"
#include "dl/netmember.h"
#include "dl/healthopt.h"
#include "dl/json.h"
#include "dl/lxc.h"
#include "dl/ports.h"
#include "dl/restart.h"
#include "dl/state.h"

#define USAGE "dl-container-inspect [-r] [-o FIELDS] [ID...]"
#define OPTIONS                                                                \
	"  -r         only running (paused, starting, restarting) containers\n"               \
	"  -o FIELDS  tab-separated fields instead of JSON, one line a\n"     \
	"             container: id,name,image,image_id,command,created,\n"   \
	"             status,exit_code,pid,started,finished,ports (as\n"  \
	"             0.0.0.0:8080->80/tcp, ...; - for none),health\n"   \
	"             (starting, healthy, unhealthy; - for none),\n"       \
	"             restart_policy,restart_count,user_stopped (1 or 0)\n"

/* One container: its spec and its state, as read from the store. */
struct ctr {
	char id[DL_ID_LEN + 1];
	json_t *spec;
	struct dl_state st;
	const char *created;
	bool unknown; /* its state could not be read or was never recorded */
	bool paused;  /* running, and frozen by dl pause */
	bool restarting; /* exited, and its monitor waits to start it again */
};

static const char *annotation(const struct ctr *c, const char *key)
{
	json_t *a = json_object_get(c->spec, "annotations");
	const char *v = json_string_value(json_object_get(a, key));

	return v ? v : "";
}

/* The health of a running container with a check: starting, healthy,
 * unhealthy; "" otherwise */
static const char *health(const struct ctr *c, json_t **state)
{
	json_t *h;

	*state = NULL;
	if (!*annotation(c, "org.dockerlite.healthcheck") ||
	    strstr(annotation(c, "org.dockerlite.healthcheck"), "\"NONE\""))
		return "";
	h = dl_health_state(c->id);
	if (!json_is_object(h)) {
		json_decref(h);
		return "";
	}
	*state = h;
	if (c->unknown || c->st.status != DL_STATUS_RUNNING)
		return "";
	return json_string_value(json_object_get(h, "Status")) ?: "";
}

/* The command as one line: args joined by spaces. */
static char *command_line(const struct ctr *c)
{
	json_t *args = json_object_get(json_object_get(c->spec, "process"),
				       "args");
	char *line = dl_xstrdup("");
	size_t i;
	json_t *v;

	json_array_foreach(args, i, v) {
		char *next = dl_xasprintf("%s%s%s", line, i ? " " : "",
					  json_string_value(v));
		free(line);
		line = next;
	}
	return line;
}

static int load(const char *id, struct ctr *c, char **reason)
{
	_cleanup_free_ char *p = dl_path("containers/%s/spec.json", id);
	_cleanup_free_ char *why = NULL;
	_cleanup_free_ char *st = dl_path("containers/%s/state.json", id);
	int ret;

	memcpy(c->id, id, DL_ID_LEN + 1);
	c->spec = dl_json_load(p, &why);
	if (!c->spec) {
		if (errno == ENOENT)
			return DL_EXIT_NO;
		*reason = dl_xasprintf("%s", why);
		return DL_EXIT_REJECT;
	}
	c->created = annotation(c, "org.dockerlite.created");
	free(why);
	why = NULL;
	ret = dl_state_read(id, &c->st, &why);
	if (ret && ret != DL_EXIT_REJECT) {
		*reason = dl_xasprintf("state: %s", why);
		json_decref(c->spec);
		return ret;
	}
	/* dl-container-new writes state.json before it publishes: one that
	 * is missing or corrupt tells nothing, and is shown as such */
	c->unknown = ret == DL_EXIT_REJECT || access(st, F_OK) < 0;
	/* recorded running, but its supervisor is gone: it died unrecorded */
	if (!c->unknown && (c->st.status == DL_STATUS_RUNNING ||
			    c->st.status == DL_STATUS_STARTING) &&
	    !dl_state_supervised(id))
		c->unknown = true;
	/* exited, but the supervisor died before it could say how */
	if (c->st.status == DL_STATUS_EXITED && c->st.exit_code < 0)
		c->unknown = true;
	if (c->unknown) {
		dl_state_init(&c->st);
		c->st.exit_code = -1;
	}
	c->paused = !c->unknown && c->st.status == DL_STATUS_RUNNING &&
		    dl_lxc_frozen(id);
	c->restarting = !c->unknown && c->st.status == DL_STATUS_EXITED &&
			dl_restart_waiting(id);
	return 0;
}

static const char *status(const struct ctr *c)
{
	if (c->paused)
		return "paused";
	if (c->restarting)
		return "restarting";
	return c->unknown ? "unknown" : dl_status_name(c->st.status);
}

static const char *time_or_zero(const char *t)
{
	return *t ? t : DL_TIME_ZERO;
}

/* The ports a running container has published (its ports.json), as
 * docker ps prints them: "0.0.0.0:8080->80/tcp, ..."; into @map, with
 * @map, Docker's NetworkSettings.Ports. */
static char *ports_line(const struct ctr *c, json_t *map)
{
	_cleanup_free_ char *path = NULL, *why = NULL;
	_cleanup_free_ struct dl_port *p = NULL;
	char *line = dl_xstrdup("");
	struct in_addr a;
	size_t n = 0;

	if (strcmp(status(c), "running"))
		return line;
	path = dl_path("containers/%s/ports.json", c->id);
	if (dl_ports_load(path, &a, NULL, &p, &n, &why))
		return line;
	for (size_t i = 0; i < n; i++) {
		char ip[INET_ADDRSTRLEN], *next, key[16], hp[8];
		json_t *list;

		inet_ntop(AF_INET, &p[i].host_ip, ip, sizeof(ip));
		snprintf(key, sizeof(key), "%u/%s", p[i].ctr_port,
			 p[i].udp ? "udp" : "tcp");
		snprintf(hp, sizeof(hp), "%u", p[i].host_port);
		next = dl_xasprintf("%s%s%s:%s->%s", line, i ? ", " : "", ip,
				    hp, key);
		free(line);
		line = next;
		if (!map)
			continue;
		list = json_object_get(map, key);
		if (!list)
			json_object_set_new(map, key, list = json_array());
		json_array_append_new(list, json_pack("{s:s,s:s}", "HostIp",
						      ip, "HostPort", hp));
	}
	return line;
}

/* HostConfig.PortBindings: what the spec asks for, as Docker shows it
 * ("" for every address, or for a free port). */
static json_t *port_bindings(const struct ctr *c)
{
	_cleanup_free_ char *all = dl_xstrdup(annotation(c,
						"org.dockerlite.publish"));
	json_t *map = json_object();
	char *save = NULL;

	for (char *s = strtok_r(all, ",", &save); s;
	     s = strtok_r(NULL, ",", &save)) {
		_cleanup_free_ char *why = NULL;
		char ip[INET_ADDRSTRLEN], key[16], hp[8];
		struct dl_port p;
		json_t *list;

		if (dl_port_parse(s, &p, &why))
			continue;
		inet_ntop(AF_INET, &p.host_ip, ip, sizeof(ip));
		snprintf(key, sizeof(key), "%u/%s", p.ctr_port,
			 p.udp ? "udp" : "tcp");
		snprintf(hp, sizeof(hp), "%u", p.host_port);
		list = json_object_get(map, key);
		if (!list)
			json_object_set_new(map, key, list = json_array());
		json_array_append_new(list, json_pack(
			"{s:s,s:s}", "HostIp",
			p.host_ip.s_addr == htonl(INADDR_ANY) ? "" : ip,
			"HostPort", p.host_port ? hp : ""));
	}
	return map;
}

/* The spec member at @path ("linux.resources.memory.limit"), or NULL */
static json_t *at(const struct ctr *c, const char *path)
{
	_cleanup_free_ char *copy = dl_xstrdup(path);
	char *save = NULL;
	json_t *v = c->spec;

	for (char *k = strtok_r(copy, ".", &save); v && k;
	     k = strtok_r(NULL, ".", &save))
		v = json_object_get(v, k);
	return v;
}

static json_int_t int_at(const struct ctr *c, const char *path)
{
	return json_integer_value(at(c, path));
}

/* An annotation "a,b,c" as an array of strings */
static json_t *list(const struct ctr *c, const char *key)
{
	_cleanup_free_ char *all = dl_xstrdup(annotation(c, key));
	json_t *a = json_array();
	char *save = NULL;

	for (char *s = strtok_r(all, ",", &save); s;
	     s = strtok_r(NULL, ",", &save))
		json_array_append_new(a, json_string(s));
	return a;
}

static bool has_opt(json_t *m, const char *opt)
{
	json_t *v;
	size_t i;

	json_array_foreach(json_object_get(m, "options"), i, v)
		if (!strcmp(json_string_value(v), opt))
			return true;
	return false;
}

/* The propagation option of a bind mount, "rprivate" when none */
static const char *propagation(json_t *m)
{
	static const char *const p[] = { "private", "rprivate", "shared",
					 "rshared", "slave", "rslave" };

	for (size_t i = 0; i < sizeof(p) / sizeof(*p); i++)
		if (has_opt(m, p[i]))
			return p[i];
	return "rprivate";
}

/* The volume whose data @src is, or NULL */
static const char *volume_of(const struct ctr *c, const char *src,
			     json_t *names)
{
	json_t *v;
	size_t i;

	json_array_foreach(names, i, v) {
		_cleanup_free_ char *data = dl_path("volumes/%s/_data",
						    json_string_value(v));

		if (!strcmp(src, data))
			return json_string_value(v);
	}
	(void)c;
	return NULL;
}

/* Docker's top-level Mounts, HostConfig.Binds and HostConfig.Tmpfs */
static void mounts(const struct ctr *c, json_t *j, json_t *hc)
{
	json_t *all = json_array(), *binds = json_array();
	json_t *tmpfs = json_object(), *m;
	json_auto_t *names = list(c, "org.dockerlite.volumes");
	size_t i;

	json_array_foreach(json_object_get(c->spec, "mounts"), i, m) {
		const char *type = json_string_value(json_object_get(m, "type"));
		const char *src = json_string_value(json_object_get(m, "source"));
		const char *dst = json_string_value(json_object_get(m,
							"destination"));
		const char *vol;
		bool rw = !has_opt(m, "ro");

		if (!type || !src || !dst)
			continue;
		if (!strcmp(type, "tmpfs")) {
			_cleanup_free_ char *o = dl_xstrdup("");
			json_t *v;
			size_t k;

			/* the options as given, without Docker's defaults */
			json_array_foreach(json_object_get(m, "options"), k, v) {
				const char *opt = json_string_value(v);
				char *n;

				if (!strcmp(opt, "noexec") ||
				    !strcmp(opt, "nosuid") ||
				    !strcmp(opt, "nodev"))
					continue;
				n = dl_xasprintf("%s%s%s", o, *o ? "," : "",
						 opt);
				free(o);
				o = n;
			}
			json_object_set_new(tmpfs, dst, json_string(o));
			continue;
		}
		if (strcmp(type, "bind") && !has_opt(m, "bind") &&
		    !has_opt(m, "rbind"))
			continue;
		vol = volume_of(c, src, names);
		if (vol) {
			json_array_append_new(all, json_pack(
				"{s:s,s:s,s:s,s:s,s:s,s:s,s:b,s:s}", "Type",
				"volume", "Name", vol, "Source", src,
				"Destination", dst, "Driver", "local", "Mode",
				"", "RW", rw, "Propagation", ""));
			json_array_append_new(binds, json_sprintf(
				"%s:%s%s", vol, dst, rw ? "" : ":ro"));
			continue;
		}
		json_array_append_new(all, json_pack(
			"{s:s,s:s,s:s,s:s,s:b,s:s}", "Type", "bind", "Source",
			src, "Destination", dst, "Mode", rw ? "" : "ro", "RW",
			rw, "Propagation", propagation(m)));
		json_array_append_new(binds, json_sprintf("%s:%s%s", src, dst,
							  rw ? "" : ":ro"));
	}
	json_object_set_new(j, "Mounts", all);
	json_object_set_new(hc, "Binds", binds);
	json_object_set_new(hc, "Tmpfs", tmpfs);
}

/* "RLIMIT_NOFILE" as Docker's --ulimit name, "nofile" */
static char *rlimit_name(const char *type)
{
	char *n = dl_xstrdup(type && !strncmp(type, "RLIMIT_", 7) ? type + 7 :
							 type ? type : "");

	for (char *p = n; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	return n;
}

/* The run flags as Docker's HostConfig names them, in its units */
static void host_config(const struct ctr *c, json_t *j)
{
	json_t *hc = json_object_get(j, "HostConfig");
	json_t *ul = json_array(), *v, *extra;
	json_int_t mem = int_at(c, "linux.resources.memory.limit");
	json_int_t swap = int_at(c, "linux.resources.memory.swap");
	json_int_t quota = int_at(c, "linux.resources.cpu.quota");
	json_int_t period = int_at(c, "linux.resources.cpu.period");
	const char *pid = annotation(c, "org.dockerlite.pid");
	const char *ipc = annotation(c, "org.dockerlite.ipc");
	const char *shm = annotation(c, "org.dockerlite.shm-size");
	const char *cpuset = json_string_value(at(c,
					"linux.resources.cpu.cpus"));
	json_t *sysctl = at(c, "linux.sysctl");
	size_t i;

	json_array_foreach(at(c, "process.rlimits"), i, v) {
		_cleanup_free_ char *n = rlimit_name(json_string_value(
			json_object_get(v, "type")));

		json_array_append_new(ul, json_pack("{s:s,s:O,s:O}", "Name", n,
			"Soft", json_object_get(v, "soft"), "Hard",
			json_object_get(v, "hard")));
	}
	extra = json_loads(annotation(c, "org.dockerlite.hostconfig"), 0,
			   NULL);
	if (!json_is_object(extra)) {
		json_decref(extra);
		extra = json_pack("{s:[],s:[],s:[],s:[],s:[]}", "CapAdd",
				  "CapDrop", "SecurityOpt", "GroupAdd",
				  "Devices");
	}
	json_object_update_missing(hc, extra);
	json_decref(extra);
	/* dl's memory.swap is memory and swap together, as Docker's;
	 * none: twice the memory (dl_lxc_config() applies that), 0 with no
	 * memory limit */
	json_object_set_new(hc, "MemorySwap",
			    json_integer(swap ? swap : 2 * mem));
	json_object_set_new(hc, "NanoCpus", json_integer(
		quota > 0 ? quota * 1000000000 / (period > 0 ? period : 100000)
			  : 0));
	json_object_set_new(hc, "CpusetCpus", json_string(cpuset ? cpuset : ""));
	json_object_set_new(hc, "CpuShares", json_integer(
		int_at(c, "linux.resources.cpu.shares")));
	json_object_set_new(hc, "Ulimits", ul);
	json_object_set(hc, "Sysctls", json_is_object(sysctl) ? sysctl :
				json_object());
	if (!json_is_object(sysctl))
		json_decref(json_object_get(hc, "Sysctls"));
	json_object_set_new(hc, "OomScoreAdj", json_integer(
		int_at(c, "process.oomScoreAdj")));
	json_object_set_new(hc, "ShmSize", json_integer(
		*shm ? strtoll(shm, NULL, 10) : 64LL << 20));
	json_object_set_new(hc, "PidMode", json_string(pid));
	json_object_set_new(hc, "IpcMode", json_string(*ipc ? ipc :
							    "private"));
	json_object_set_new(hc, "Dns", list(c, "org.dockerlite.dns"));
	json_object_set_new(hc, "DnsSearch", list(c,
						  "org.dockerlite.dns-search"));
	json_object_set_new(hc, "DnsOptions", json_array());
	json_object_set_new(hc, "ExtraHosts", list(c,
						   "org.dockerlite.add-host"));
	mounts(c, j, hc);
	(void)mem;
}

static json_t *docker_shape(const struct ctr *c)
{
	json_t *proc = json_object_get(c->spec, "process");
	json_t *args = json_object_get(proc, "args");
	json_t *user = json_object_get(proc, "user");
	json_t *res = json_object_get(json_object_get(c->spec, "linux"),
				      "resources");
	const char *name = annotation(c, "org.dockerlite.name");
	json_t *rest = json_array();
	_cleanup_free_ char *rootfs = dl_path("containers/%s/rootfs", c->id);
	_cleanup_free_ char *log = dl_path("containers/%s/container.log", c->id);
	_cleanup_free_ char *uname = dl_xasprintf(
		"%" JSON_INTEGER_FORMAT ":%" JSON_INTEGER_FORMAT,
		json_integer_value(json_object_get(user, "uid")),
		json_integer_value(json_object_get(user, "gid")));
	_cleanup_free_ char *slashname = dl_xasprintf("/%s", name);
	_cleanup_free_ char *image = dl_xasprintf(
		"sha256:%s", annotation(c, "org.dockerlite.image"));
	json_t *j, *v, *labels;
	size_t i;

	json_array_foreach(args, i, v)
		if (i > 0)
			json_array_append(rest, v);
	j = json_pack(
		"{s:s, s:s, s:O?, s:o,"
		" s:{s:s, s:b, s:b, s:I, s:o, s:s?, s:s?},"
		" s:s, s:s, s:s,"
		" s:{s:O?, s:s, s:O?, s:O?, s:O?, s:s, s:b, s:b, s:s},"
		" s:{s:s, s:b, s:b, s:I, s:I, s:b},"
		" s:O?, s:{s:s, s:{s:s}}, s:s, s:O?}",
		"Id", c->id, "Created", c->created,
		"Path", json_array_get(args, 0), "Args", rest,
		"State", "Status", status(c),
		"Running", !c->unknown && c->st.status == DL_STATUS_RUNNING,
		"OOMKilled", c->st.exit_code == 137,
		"Pid", (json_int_t)c->st.pid, "ExitCode",
		c->unknown ? json_null() : json_integer(c->st.exit_code),
		"StartedAt", c->unknown ? NULL : time_or_zero(c->st.started),
		"FinishedAt", c->unknown ? NULL : time_or_zero(c->st.finished),
		"Image", image, "Name", slashname, "Driver", "btrfs",
		"Config", "Hostname", json_object_get(c->spec, "hostname"),
		"User", uname, "Env", json_object_get(proc, "env"),
		"Cmd", args, "WorkingDir", json_object_get(proc, "cwd"),
		"Image", annotation(c, "org.dockerlite.image-name"),
		"Tty", json_is_true(json_object_get(proc, "terminal")),
		"OpenStdin", !strcmp(annotation(c, "org.dockerlite.interactive"),
				     "true"),
		"StopSignal", *annotation(c, "org.dockerlite.stop-signal") ?
				      annotation(c, "org.dockerlite.stop-signal") : "SIGTERM",
		"HostConfig", "NetworkMode", annotation(c, "org.dockerlite.network"),
		"Privileged", !strcmp(annotation(c, "org.dockerlite.privileged"),
				      "true"),
		"ReadonlyRootfs", json_is_true(json_object_get(
					  json_object_get(c->spec, "root"),
					  "readonly")),
		"Memory", json_integer_value(json_object_get(
				  json_object_get(res, "memory"), "limit")),
		"PidsLimit", json_integer_value(json_object_get(
				     json_object_get(res, "pids"), "limit")),
		"AutoRemove", !strcmp(annotation(c, "org.dockerlite.rm"), "true"),
		"Mounts", NULL,
		"GraphDriver", "Name", "btrfs", "Data", "Dir", rootfs,
		"LogPath", log, "Spec", c->spec);
	if (!j)
		dl_die(DL_EXIT_FAIL, "unable to describe container '%s': json_pack failed",
		       c->id);
	host_config(c, j);
	{
		const char *t = annotation(c, "org.dockerlite.stop-timeout");

		json_object_set_new(json_object_get(j, "Config"), "StopTimeout",
				    *t ? json_integer(strtol(t, NULL, 10)) :
					 json_null());
	}
	/* the labels, kept as one JSON annotation; {} when none */
	labels = json_loads(annotation(c, "org.dockerlite.labels"), 0, NULL);
	if (!json_is_object(labels)) {
		json_decref(labels);
		labels = json_object();
	}
	if (json_object_set_new(json_object_get(j, "Config"), "Labels",
				labels) < 0)
		dl_die(DL_EXIT_FAIL, "unable to describe container '%s': out "
		       "of memory", c->id);
	{
		json_t *ports = json_object();
		char *line = ports_line(c, ports);

		json_object_set_new(j, "NetworkSettings",
				    json_pack("{s:o,s:o}", "Ports", ports,
					      "Networks",
					      dl_net_settings(c->id)));
		json_object_set_new(j, "Ports", json_string(line));
		json_object_set_new(json_object_get(j, "HostConfig"),
				    "PortBindings", port_bindings(c));
		free(line);
	}
	{
		struct dl_restart_policy p;
		json_t *hs = NULL, *hc;

		dl_restart_policy_of(c->id, &p);
		json_object_set_new(json_object_get(j, "HostConfig"),
				    "RestartPolicy",
				    json_pack("{s:s,s:i}", "Name",
					      dl_restart_policy_name(p.name),
					      "MaximumRetryCount", p.max));
		json_object_set_new(j, "RestartCount",
				    json_integer(dl_restart_count(c->id)));
		json_object_set_new(json_object_get(j, "State"), "Restarting",
				    json_boolean(c->restarting));
		/* Docker: restarting is "running" too */
		if (c->restarting)
			json_object_set_new(json_object_get(j, "State"),
					    "Running", json_true());
		hc = json_loads(annotation(c, "org.dockerlite.healthcheck"), 0,
				NULL);
		if (hc)
			json_object_set_new(json_object_get(j, "Config"),
					    "Healthcheck", hc);
		/* null without a check, as Docker's */
		(void)health(c, &hs);
		json_object_set_new(json_object_get(j, "State"), "Health",
				    hs ? hs : json_null());
	}
	return j;
}

static void print_tokens(const struct ctr *c, const char *fields)
{
	_cleanup_free_ char *copy = dl_xstrdup(fields);
	char *save = NULL;

	for (char *f = strtok_r(copy, ",", &save); f;
	     f = strtok_r(NULL, ",", &save)) {
		if (!strcmp(f, "id"))
			fputs(c->id, stdout);
		else if (!strcmp(f, "name"))
			fputs(annotation(c, "org.dockerlite.name"), stdout);
		else if (!strcmp(f, "image"))
			fputs(annotation(c, "org.dockerlite.image-name"), stdout);
		else if (!strcmp(f, "image_id"))
			fputs(annotation(c, "org.dockerlite.image"), stdout);
		else if (!strcmp(f, "command")) {
			_cleanup_free_ char *cmd = command_line(c);

			/* a tab or newline in an argument would split the row */
			for (char *s = cmd; *s; s++)
				if (*s == '\t' || *s == '\n')
					*s = ' ';
			fputs(cmd, stdout);
		} else if (!strcmp(f, "created"))
			fputs(c->created, stdout);
		else if (!strcmp(f, "status"))
			fputs(status(c), stdout);
		else if (!strcmp(f, "exit_code"))
			printf("%d", c->st.exit_code);
		else if (!strcmp(f, "pid"))
			printf("%d", (int)c->st.pid);
		else if (!strcmp(f, "started"))
			fputs(time_or_zero(c->st.started), stdout);
		else if (!strcmp(f, "finished"))
			fputs(time_or_zero(c->st.finished), stdout);
		else if (!strcmp(f, "health")) {
			json_t *hs = NULL;
			const char *h = health(c, &hs);

			fputs(*h ? h : "-", stdout);
			json_decref(hs);
		} else if (!strcmp(f, "restart_count"))
			printf("%d", dl_restart_count(c->id));
		else if (!strcmp(f, "restart_policy")) {
			struct dl_restart_policy p;

			dl_restart_policy_of(c->id, &p);
			fputs(dl_restart_policy_name(p.name), stdout);
		} else if (!strcmp(f, "user_stopped"))
			fputs(dl_restart_user_stopped(c->id, NULL) ? "1" : "0",
			      stdout);
		else if (!strcmp(f, "ports")) {
			_cleanup_free_ char *line = ports_line(c, NULL);

			/* never empty: a tab-separated row keeps its fields */
			fputs(*line ? line : "-", stdout);
		}
		else
			dl_die(DL_EXIT_USAGE, "unable to print field '%s': not a field",
			       f);
		fputc(save && *save ? '\t' : '\n', stdout);
	}
}

static int by_created_desc(const void *a, const void *b)
{
	const struct ctr *x = a, *y = b;
	int r = strcmp(y->created, x->created);

	return r ? r : strcmp(x->id, y->id);
}

/* Every container of the store. */
static struct ctr *load_all(size_t *n)
{
	_cleanup_free_ char *dir = dl_path("containers");
	struct ctr *v = NULL;
	struct dirent *e;
	DIR *d;

	*n = 0;
	d = opendir(dir);
	if (!d)
		dl_die_sys(DL_EXIT_FAIL, "unable to open '%s'", dir);
	while ((e = readdir(d))) {
		if (!dl_is_id(e->d_name))
			continue;
		_cleanup_free_ char *reason = NULL;
		int r;

		v = dl_xrealloc(v, (*n + 1) * sizeof(*v));
		r = load(e->d_name, &v[*n], &reason);
		if (r == 0)
			(*n)++;
		else if (r != DL_EXIT_NO)
			/* one broken container hides no other */
			dl_warn("unable to read container '%s': %s", e->d_name,
				reason);
	}
	closedir(d);
	qsort(v, *n, sizeof(*v), by_created_desc);
	return v;
}

int main(int argc, char **argv)
{
	json_auto_t *out = json_array();
	const char *fields = NULL;
	bool running_only = false;
	struct ctr *v;
	size_t n, i;
	int opt;

	dl_set_prog(argv[0]);
	if (dl_want_help(argc, argv))
		dl_help(USAGE, OPTIONS);
	opterr = 0;
	while ((opt = getopt(argc, argv, "+ro:")) != -1) {
		switch (opt) {
		case 'r':
			running_only = true;
			break;
		case 'o':
			fields = optarg;
			break;
		default:
			dl_usage(USAGE);
		}
	}
	for (i = (size_t)optind; i < (size_t)argc; i++)
		if (!dl_is_id(argv[i]))
			dl_die(DL_EXIT_USAGE,
			       "unable to inspect container '%s': " DL_ID_INVALID,
			       argv[i]);
	dl_store_need();
	dl_lxc_log(NULL, false);

	if (optind == argc) {
		v = load_all(&n);
	} else {
		n = (size_t)(argc - optind);
		v = dl_xcalloc(n, sizeof(*v));
		for (i = 0; i < n; i++) {
			_cleanup_free_ char *reason = NULL;
			const char *id = argv[optind + (int)i];
			int r = load(id, &v[i], &reason);

			if (r == DL_EXIT_NO)
				dl_die(r, "unable to inspect container '%s': no such container",
				       id);
			if (r)
				dl_die(r, "unable to inspect container '%s': %s",
				       id, reason);
		}
	}
	for (i = 0; i < n; i++) {
		if (running_only && (v[i].unknown ||
				     (v[i].st.status != DL_STATUS_RUNNING &&
				      v[i].st.status != DL_STATUS_STARTING &&
				      !v[i].restarting)))
			continue;
		if (fields)
			print_tokens(&v[i], fields);
		else
			json_array_append_new(out, docker_shape(&v[i]));
	}
	if (!fields && dl_json_print(out) < 0)
		dl_die_sys(DL_EXIT_FAIL, "unable to write 'stdout'");
	return dl_finish_stdout();
}
