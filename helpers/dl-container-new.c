/* SPDX-License-Identifier: Apache-2.0 */
/* dl-container-new: create a container from images, with its runtime spec */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "dl.h"
#include "dl-btrfs.h"
#include "dl-json.h"
#include "dl-ref.h"
#include "dl-reflist.h"
#include "dl-rootpath.h"
#include "dl-time.h"

#define USAGE                                                                  \
	"dl-container-new [options] IMAGE_ID[+IMAGE_ID...] [COMMAND [ARG...]]"
#define OPTIONS                                                                \
	"  --name NAME              name the container\n"                     \
	"  -e, --env K=V|K          set (K alone: copy or unset) a variable\n" \
	"  -w, --workdir DIR        working directory (absolute)\n"           \
	"  -u, --user U[:G]         user and group, names or numbers\n"       \
	"  --entrypoint CMD         replace the image entrypoint ('' clears)\n" \
	"  --hostname NAME          hostname (default: the short ID)\n"       \
	"  -v, --volume SRC:DST[:ro|rw]   bind mount an absolute host path\n" \
	"  --mount type=bind|tmpfs,...    bind or tmpfs mount\n"              \
	"  --tmpfs DST[:OPTS]       mount a tmpfs\n"                          \
	"  --read-only              read-only root filesystem\n"              \
	"  -m, --memory N[bkmg]     memory limit\n"                           \
	"  --cpus DECIMAL           CPU limit\n"                              \
	"  --pids-limit N           process limit (0 or less: none)\n"        \
	"  --cap-add CAP            add a capability (ALL: all)\n"            \
	"  --cap-drop CAP           drop a capability (ALL: all)\n"           \
	"  --security-opt no-new-privileges[=true|false]\n"                   \
	"  --privileged             all capabilities, no masked paths\n"      \
	"  --network none|host      network (default none)\n"                 \
	"  -t, --tty                allocate a terminal\n"                    \
	"  -i, --interactive        keep stdin open\n"                        \
	"  --rm                     remove the container when it exits\n"     \
	"  --init                   run an init as PID 1\n"                   \
	"  --image-name NAME        the image name to show\n"

#define DEFAULT_PATH                                                           \
	"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
#define CAP_MAX 40 /* CAP_CHECKPOINT_RESTORE, the last one we know */
#define MIN_MEMORY (6 << 20) /* Docker's minimum memory limit */

static const char *const cap_names[CAP_MAX + 1] = {
	"CHOWN", "DAC_OVERRIDE", "DAC_READ_SEARCH", "FOWNER", "FSETID", "KILL",
	"SETGID", "SETUID", "SETPCAP", "LINUX_IMMUTABLE", "NET_BIND_SERVICE",
	"NET_BROADCAST", "NET_ADMIN", "NET_RAW", "IPC_LOCK", "IPC_OWNER",
	"SYS_MODULE", "SYS_RAWIO", "SYS_CHROOT", "SYS_PTRACE", "SYS_PACCT",
	"SYS_ADMIN", "SYS_BOOT", "SYS_NICE", "SYS_RESOURCE", "SYS_TIME",
	"SYS_TTY_CONFIG", "MKNOD", "LEASE", "AUDIT_WRITE", "AUDIT_CONTROL",
	"SETFCAP", "MAC_OVERRIDE", "MAC_ADMIN", "SYSLOG", "WAKE_ALARM",
	"BLOCK_SUSPEND", "AUDIT_READ", "PERFMON", "BPF", "CHECKPOINT_RESTORE",
};

/* Docker's 14 default capabilities (CapEff 00000000a80425fb). */
#define DEFAULT_CAPS 0xa80425fbULL

static const char *const masked_paths[] = {
	"/proc/asound", "/proc/acpi", "/proc/kcore", "/proc/keys",
	"/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats",
	"/proc/sched_debug", "/proc/scsi", "/sys/firmware",
	"/sys/devices/virtual/powercap",
};

static const char *const readonly_paths[] = {
	"/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger",
};

struct opts {
	const char *name, *workdir, *user, *entrypoint, *hostname;
	const char *image_name, *network;
	bool readonly, tty, interactive, rm, init, privileged, nnp;
	bool add_all, drop_all;
	uint64_t cap_add, cap_drop;
	long long memory, pids, cpu_quota;
	json_t *env;	/* the -e values, in order */
	json_t *mounts; /* spec mounts, in order */
};

/* What exists so far, undone at exit unless published. */
static struct {
	char *tmpdir, *rootfs, *name;
	bool made_dir, made_rootfs, published;
} undo;

static void undo_all(void)
{
	char *why = NULL;

	if (undo.published)
		return;
	if (undo.made_rootfs && dl_subvol_delete(undo.rootfs, &why))
		dl_warn("unable to delete '%s': %s", undo.rootfs, why);
	if (undo.made_dir) {
		int fd = open(undo.tmpdir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

		if (fd >= 0) {
			unlinkat(fd, "spec.json", 0);
			unlinkat(fd, "state.json", 0);
			close(fd);
		}
		if (rmdir(undo.tmpdir) < 0)
			dl_warn("unable to remove '%s': %s", undo.tmpdir,
				strerror(errno));
	}
	free(why);
	why = NULL;
	if (undo.name && dl_ref_container_rm(undo.name, &why))
		dl_warn("unable to release name '%s': %s", undo.name, why);
	free(why);
}

static json_t *jcheck(json_t *j)
{
	if (!j)
		dl_die(DL_EXIT_FAIL, "unable to build 'spec.json': out of memory");
	return j;
}

/* "/a//b/./c/../d/" -> "/a/b/d": lexical, as Go's filepath.Clean. */
static char *clean_path(const char *p)
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

/* ---- option values --------------------------------------------------- */

/* Docker's RAMInBytes: "1024", "512m", "64mb", "1.5g" (binary units). */
static long long parse_bytes(const char *s)
{
	static const char units[] = "bkmgtp";
	const char *u;
	char *end;
	double v;
	int i = 0;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtod(s, &end);
	if (end == s || errno)
		return -1;
	if (*end == ' ')
		end++;
	if (*end && (u = strchr(units, *end | 0x20))) {
		i = (int)(u - units);
		end++;
		if (i > 0 && (*end | 0x20) == 'i')
			end++;
		if (i > 0 && (*end | 0x20) == 'b')
			end++;
	}
	if (*end)
		return -1;
	while (i-- > 0)
		v *= 1024;
	return v >= 9.2e18 ? -1 : (long long)v;
}

/* A capability name, with or without CAP_, any case; -1 when unknown. */
static int cap_number(const char *s)
{
	int i;

	if (!strncasecmp(s, "CAP_", 4))
		s += 4;
	for (i = 0; i <= CAP_MAX; i++)
		if (!strcasecmp(s, cap_names[i]))
			return i;
	return -1;
}

static void add_cap(struct opts *o, const char *s, bool add)
{
	int n;

	if (!strcasecmp(s, "ALL")) {
		*(add ? &o->add_all : &o->drop_all) = true;
		return;
	}
	n = cap_number(s);
	if (n < 0)
		dl_die(DL_EXIT_FAIL, "unable to %s capability '%s': unknown "
		       "capability", add ? "add" : "drop", s);
	*(add ? &o->cap_add : &o->cap_drop) |= 1ULL << n;
}

/* Every capability this kernel knows, as Docker's --privileged. */
static uint64_t all_caps(void)
{
	_cleanup_free_ char *buf = NULL;
	long last = CAP_MAX;

	if (dl_read_file("/proc/sys/kernel/cap_last_cap", &buf, NULL) == 0)
		last = strtol(buf, NULL, 10);
	if (last <= 0 || last > CAP_MAX)
		last = CAP_MAX;
	return last == 63 ? ~0ULL : (1ULL << (last + 1)) - 1;
}

/* The capability set, as Docker's CLI and daemon together compute it. */
static uint64_t effective_caps(const struct opts *o)
{
	uint64_t drop = o->cap_drop & ~o->cap_add;

	if (o->privileged)
		return all_caps();
	if (o->add_all)
		return all_caps() & ~(o->drop_all ? 0 : drop);
	if (o->drop_all)
		return o->cap_add;
	return (DEFAULT_CAPS & ~drop) | o->cap_add;
}

static json_t *caps_json(uint64_t caps)
{
	json_t *a = jcheck(json_array());
	int i;

	for (i = 0; i <= CAP_MAX; i++)
		if (caps & (1ULL << i))
			json_array_append_new(
				a, jcheck(json_sprintf("CAP_%s", cap_names[i])));
	return a;
}

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

static void security_opt(struct opts *o, const char *s)
{
	size_t n = strlen("no-new-privileges");

	if (!strncmp(s, "no-new-privileges", n) &&
	    (!s[n] || s[n] == '=' || s[n] == ':') &&
	    is_true(s[n] ? s + n + 1 : NULL, &o->nnp))
		return;
	dl_die(DL_EXIT_FAIL, "unable to use security option '%s': not "
	       "supported", s);
}

/* A mount target: absolute, cleaned, not "/". */
static char *target_path(const char *spec, const char *t)
{
	char *c;

	if (!t || *t != '/')
		dl_die(DL_EXIT_FAIL, "unable to parse mount '%s': the target "
		       "must be an absolute path", spec);
	c = clean_path(t);
	if (!strcmp(c, "/"))
		dl_die(DL_EXIT_FAIL, "unable to parse mount '%s': the target "
		       "cannot be '/'", spec);
	return c;
}

static void add_bind(struct opts *o, const char *src, const char *dst,
		     bool ro, const char *prop, const char *spec)
{
	_cleanup_free_ char *s = NULL, *d = target_path(spec, dst);
	struct stat st;
	json_t *opt;

	if (!src || !*src)
		dl_die(DL_EXIT_FAIL, "unable to parse mount '%s': a bind mount "
		       "needs a source", spec);
	if (*src != '/')
		dl_die(DL_EXIT_FAIL, "unable to mount '%s': named volumes are "
		       "not supported", src);
	s = clean_path(src);
	if (stat(s, &st) < 0) {
		if (errno == ENOENT || errno == ENOTDIR)
			dl_die(DL_EXIT_FAIL, "unable to mount '%s': no such "
			       "file or directory", src);
		dl_die_sys(DL_EXIT_FAIL, "unable to mount '%s'", src);
	}
	opt = jcheck(json_pack("[ss]", "rbind", prop ? prop : "rprivate"));
	if (ro)
		json_array_append_new(opt, jcheck(json_string("ro")));
	json_array_append_new(o->mounts,
			      jcheck(json_pack("{s:s,s:s,s:s,s:o}", "destination",
					       d, "type", "bind", "source", s,
					       "options", opt)));
}

static bool is_propagation(const char *s)
{
	static const char *const p[] = { "private", "rprivate", "shared",
					 "rshared", "slave", "rslave" };
	size_t i;

	for (i = 0; i < sizeof(p) / sizeof(*p); i++)
		if (!strcmp(s, p[i]))
			return true;
	return false;
}

/* -v SRC:DST[:OPTS] */
static void volume_opt(struct opts *o, const char *spec)
{
	_cleanup_free_ char *copy = dl_xstrdup(spec);
	char *src = copy, *dst, *mode, *save = NULL, *m;
	const char *prop = NULL;
	bool ro = false;

	dst = strchr(src, ':');
	if (!dst)
		dl_die(DL_EXIT_FAIL, "unable to mount '%s': anonymous volumes "
		       "are not supported", spec);
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
		else if (strcmp(m, "z") && strcmp(m, "Z") &&
			 strcmp(m, "nocopy") && strcmp(m, "consistent") &&
			 strcmp(m, "cached") && strcmp(m, "delegated"))
			dl_die(DL_EXIT_FAIL, "unable to parse mount '%s': "
			       "invalid mode '%s'", spec, m);
	}
	add_bind(o, src, dst, ro, prop, spec);
}

static void add_tmpfs(struct opts *o, const char *dst, json_t *extra,
		      const char *spec)
{
	_cleanup_free_ char *d = target_path(spec, dst);
	json_t *opt = jcheck(json_pack("[sss]", "noexec", "nosuid", "nodev"));
	size_t i, j;
	json_t *v;

	/* a user's exec, suid or dev overrides Docker's default */
	json_array_foreach(extra, i, v) {
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
	json_array_append_new(o->mounts,
			      jcheck(json_pack("{s:s,s:s,s:s,s:o}", "destination",
					       d, "type", "tmpfs", "source",
					       "tmpfs", "options", opt)));
}

/* --tmpfs DST[:OPTS] */
static void tmpfs_opt(struct opts *o, const char *spec)
{
	_cleanup_free_ char *copy = dl_xstrdup(spec);
	char *dst = copy, *opts = strchr(copy, ':'), *save = NULL, *m;
	json_t *extra = jcheck(json_array());

	if (opts)
		*opts++ = '\0';
	for (m = opts ? strtok_r(opts, ",", &save) : NULL; m;
	     m = strtok_r(NULL, ",", &save))
		json_array_append_new(extra, jcheck(json_string(m)));
	add_tmpfs(o, dst, extra, spec);
}

/* --mount type=bind|tmpfs,source=,target=,readonly,tmpfs-size=,tmpfs-mode= */
static void mount_opt(struct opts *o, const char *spec)
{
	_cleanup_free_ char *copy = dl_xstrdup(spec);
	const char *type = "volume", *src = NULL, *dst = NULL, *prop = NULL;
	char *save = NULL, *kv;
	long long size = -1;
	long mode = -1;
	bool ro = false;
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
			 (size = parse_bytes(v)) >= 0)
			continue;
		else if (!strcmp(kv, "tmpfs-mode") && v && *v &&
			 (mode = strtol(v, &end, 8)) >= 0 && !*end &&
			 mode <= 07777)
			continue;
		else if (!strcmp(kv, "consistency") && v)
			continue;
		else
			dl_die(DL_EXIT_FAIL, "unable to parse mount '%s': "
			       "unexpected key or value '%s'", spec, kv);
	}
	if (!strcmp(type, "bind")) {
		if (size >= 0 || mode >= 0)
			dl_die(DL_EXIT_FAIL, "unable to parse mount '%s': "
			       "tmpfs options on a bind mount", spec);
		add_bind(o, src, dst, ro, prop, spec);
		return;
	}
	if (strcmp(type, "tmpfs"))
		dl_die(DL_EXIT_FAIL, "unable to mount '%s': mount type '%s' is "
		       "not supported", spec, type);
	if (src || prop)
		dl_die(DL_EXIT_FAIL, "unable to parse mount '%s': a tmpfs has "
		       "no source", spec);
	extra = jcheck(json_array());
	if (size >= 0)
		json_array_append_new(extra, jcheck(json_sprintf("size=%lld",
								 size)));
	if (mode >= 0)
		json_array_append_new(extra, jcheck(json_sprintf("mode=%lo",
								 mode)));
	if (ro)
		json_array_append_new(extra, jcheck(json_string("ro")));
	add_tmpfs(o, dst, extra, spec);
}

static void cpus_opt(struct opts *o, const char *s)
{
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (end == s || *end || errno || !(v > 0) || *s == '+')
		dl_die(DL_EXIT_FAIL, "unable to set cpus '%s': not a positive "
		       "decimal number", s);
	if (ncpu > 0 && v > (double)ncpu)
		dl_die(DL_EXIT_FAIL, "unable to set cpus '%s': the range is "
		       "0.01 to %ld.00, as there are only %ld CPUs", s, ncpu,
		       ncpu);
	o->cpu_quota = (long long)(v * 100000 + 0.5);
	if (o->cpu_quota < 1000)
		dl_die(DL_EXIT_FAIL, "unable to set cpus '%s': the minimum is "
		       "0.01", s);
}

static long long int_opt(const char *what, const char *s)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (end == s || *end || errno)
		dl_die(DL_EXIT_FAIL, "unable to set %s '%s': not an integer",
		       what, s);
	return v;
}

static bool valid_hostname(const char *h)
{
	size_t n = strlen(h);

	if (n == 0 || n > 64 || *h == '-' || *h == '.')
		return false;
	return strspn(h, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
			 "0123456789.-_") == n;
}

enum {
	OPT_NAME = 256, OPT_ENTRYPOINT, OPT_HOSTNAME, OPT_MOUNT, OPT_TMPFS,
	OPT_READONLY, OPT_CPUS, OPT_PIDS, OPT_CAP_ADD, OPT_CAP_DROP,
	OPT_SECURITY, OPT_PRIVILEGED, OPT_NETWORK, OPT_RM, OPT_INIT,
	OPT_IMAGE_NAME,
};

static const struct option longopts[] = {
	{ "name", required_argument, NULL, OPT_NAME },
	{ "env", required_argument, NULL, 'e' },
	{ "workdir", required_argument, NULL, 'w' },
	{ "user", required_argument, NULL, 'u' },
	{ "entrypoint", required_argument, NULL, OPT_ENTRYPOINT },
	{ "hostname", required_argument, NULL, OPT_HOSTNAME },
	{ "volume", required_argument, NULL, 'v' },
	{ "mount", required_argument, NULL, OPT_MOUNT },
	{ "tmpfs", required_argument, NULL, OPT_TMPFS },
	{ "read-only", no_argument, NULL, OPT_READONLY },
	{ "memory", required_argument, NULL, 'm' },
	{ "cpus", required_argument, NULL, OPT_CPUS },
	{ "pids-limit", required_argument, NULL, OPT_PIDS },
	{ "cap-add", required_argument, NULL, OPT_CAP_ADD },
	{ "cap-drop", required_argument, NULL, OPT_CAP_DROP },
	{ "security-opt", required_argument, NULL, OPT_SECURITY },
	{ "privileged", no_argument, NULL, OPT_PRIVILEGED },
	{ "network", required_argument, NULL, OPT_NETWORK },
	{ "net", required_argument, NULL, OPT_NETWORK },
	{ "tty", no_argument, NULL, 't' },
	{ "interactive", no_argument, NULL, 'i' },
	{ "rm", no_argument, NULL, OPT_RM },
	{ "init", no_argument, NULL, OPT_INIT },
	{ "image-name", required_argument, NULL, OPT_IMAGE_NAME },
	{ NULL, 0, NULL, 0 },
};

static void parse_opts(int argc, char **argv, struct opts *o)
{
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "+e:w:u:v:m:ti", longopts,
				NULL)) != -1) {
		switch (c) {
		case OPT_NAME:
			if (!dl_is_container_name(optarg))
				dl_die(DL_EXIT_FAIL, "unable to use name '%s': "
				       "invalid container name, must match "
				       "[a-zA-Z0-9][a-zA-Z0-9_.-]*", optarg);
			o->name = optarg;
			break;
		case 'e':
			if (*optarg == '=' || !*optarg)
				dl_die(DL_EXIT_FAIL, "unable to set variable "
				       "'%s': invalid environment variable",
				       optarg);
			json_array_append_new(o->env,
					      jcheck(json_string(optarg)));
			break;
		case 'w':
			if (*optarg != '/')
				dl_die(DL_EXIT_FAIL, "unable to use working "
				       "directory '%s': it needs to be an "
				       "absolute path", optarg);
			o->workdir = optarg;
			break;
		case 'u':
			o->user = optarg;
			break;
		case OPT_ENTRYPOINT:
			o->entrypoint = optarg;
			break;
		case OPT_HOSTNAME:
			if (!valid_hostname(optarg))
				dl_die(DL_EXIT_FAIL, "unable to use hostname "
				       "'%s': invalid hostname", optarg);
			o->hostname = optarg;
			break;
		case 'v':
			volume_opt(o, optarg);
			break;
		case OPT_MOUNT:
			mount_opt(o, optarg);
			break;
		case OPT_TMPFS:
			tmpfs_opt(o, optarg);
			break;
		case OPT_READONLY:
			o->readonly = true;
			break;
		case 'm':
			o->memory = parse_bytes(optarg);
			if (o->memory < 0)
				dl_die(DL_EXIT_FAIL, "unable to set memory "
				       "'%s': invalid size", optarg);
			if (o->memory < MIN_MEMORY)
				dl_die(DL_EXIT_FAIL, "unable to set memory "
				       "'%s': the minimum is 6MB", optarg);
			break;
		case OPT_CPUS:
			cpus_opt(o, optarg);
			break;
		case OPT_PIDS:
			o->pids = int_opt("pids-limit", optarg);
			break;
		case OPT_CAP_ADD:
		case OPT_CAP_DROP:
			add_cap(o, optarg, c == OPT_CAP_ADD);
			break;
		case OPT_SECURITY:
			security_opt(o, optarg);
			break;
		case OPT_PRIVILEGED:
			o->privileged = true;
			break;
		case OPT_NETWORK:
			if (strcmp(optarg, "none") && strcmp(optarg, "host"))
				dl_die(DL_EXIT_FAIL, "unable to use network "
				       "'%s': only none and host are "
				       "supported", optarg);
			o->network = optarg;
			break;
		case 't':
			o->tty = true;
			break;
		case 'i':
			o->interactive = true;
			break;
		case OPT_RM:
			o->rm = true;
			break;
		case OPT_INIT:
			o->init = true;
			break;
		case OPT_IMAGE_NAME:
			o->image_name = optarg;
			break;
		default:
			dl_usage(USAGE);
		}
	}
}

/* ---- the spec -------------------------------------------------------- */

/* The key of "K=V" or "K": its length. */
static size_t key_len(const char *kv)
{
	return strcspn(kv, "=");
}

static ssize_t env_find(json_t *env, const char *kv)
{
	size_t i, n = key_len(kv);
	json_t *v;

	json_array_foreach(env, i, v) {
		const char *s = json_string_value(v);

		if (key_len(s) == n && !strncmp(s, kv, n))
			return (ssize_t)i;
	}
	return -1;
}

/*
 * The environment as Docker makes it: PATH, HOSTNAME (and TERM with a
 * terminal) first, then the user's -e values, then the image's variables
 * they do not name; a bare "K" takes the caller's value, or unsets K.
 */
static json_t *make_env(const struct opts *o, json_t *image_env,
			const char *hostname)
{
	json_t *env = jcheck(json_array()), *user = jcheck(json_array());
	size_t i;
	json_t *v;

	json_array_foreach(o->env, i, v) {
		const char *s = json_string_value(v), *val;

		if (!strchr(s, '=') && (val = getenv(s)))
			v = jcheck(json_sprintf("%s=%s", s, val));
		else
			json_incref(v);
		json_array_append_new(user, v);
	}
	json_array_foreach(image_env, i, v)
		if (json_is_string(v) && env_find(user, json_string_value(v)) < 0)
			json_array_append(user, v);

	json_array_append_new(env, jcheck(json_string(DEFAULT_PATH)));
	json_array_append_new(env, jcheck(json_sprintf("HOSTNAME=%s",
						       hostname)));
	if (o->tty)
		json_array_append_new(env, jcheck(json_string("TERM=xterm")));
	json_array_foreach(user, i, v) {
		const char *s = json_string_value(v);
		ssize_t at = env_find(env, s);

		if (!strchr(s, '=')) {
			if (at >= 0)
				json_array_remove(env, (size_t)at);
		} else if (at >= 0) {
			json_array_set(env, (size_t)at, v);
		} else {
			json_array_append(env, v);
		}
	}
	json_decref(user);
	return env;
}

/* args = Entrypoint + Cmd, with Docker's precedence of the options. */
static json_t *make_args(const struct opts *o, json_t *cfg, char **cmd,
			 int ncmd)
{
	json_t *args = jcheck(json_array());
	json_t *ep = json_object_get(cfg, "Entrypoint");
	json_t *icmd = json_object_get(cfg, "Cmd");
	size_t i;
	json_t *v;
	int k;

	if (o->entrypoint) {
		if (*o->entrypoint)
			json_array_append_new(
				args, jcheck(json_string(o->entrypoint)));
	} else {
		json_array_foreach(ep, i, v)
			if (json_is_string(v))
				json_array_append(args, v);
	}
	if (ncmd > 0) {
		for (k = 0; k < ncmd; k++)
			json_array_append_new(args, jcheck(json_string(cmd[k])));
	} else if (!o->entrypoint) {
		json_array_foreach(icmd, i, v)
			if (json_is_string(v))
				json_array_append(args, v);
	}
	return args;
}

static const char *image_string(json_t *cfg, const char *key)
{
	json_t *v = json_object_get(cfg, key);

	return json_is_string(v) ? json_string_value(v) : "";
}

static json_t *make_linux(const struct opts *o)
{
	json_t *res = jcheck(json_object()), *ns, *lx;
	size_t i;

	if (o->memory > 0)
		json_object_set_new(res, "memory",
				    jcheck(json_pack("{s:I}", "limit",
						     (json_int_t)o->memory)));
	if (o->pids > 0)
		json_object_set_new(res, "pids",
				    jcheck(json_pack("{s:I}", "limit",
						     (json_int_t)o->pids)));
	if (o->cpu_quota > 0)
		json_object_set_new(res, "cpu",
				    jcheck(json_pack("{s:I,s:I}", "quota",
						     (json_int_t)o->cpu_quota,
						     "period", (json_int_t)100000)));
	ns = jcheck(json_pack("[{s:s},{s:s},{s:s},{s:s}]", "type", "pid",
			      "type", "ipc", "type", "uts", "type", "mount"));
	if (strcmp(o->network, "host"))
		json_array_append_new(ns, jcheck(json_pack("{s:s}", "type",
							   "network")));
	lx = jcheck(json_pack("{s:o,s:o}", "resources", res, "namespaces", ns));
	if (!o->privileged) {
		json_t *m = jcheck(json_array()), *r = jcheck(json_array());

		for (i = 0; i < sizeof(masked_paths) / sizeof(*masked_paths); i++)
			json_array_append_new(m, jcheck(json_string(
							 masked_paths[i])));
		for (i = 0; i < sizeof(readonly_paths) / sizeof(*readonly_paths);
		     i++)
			json_array_append_new(r, jcheck(json_string(
							 readonly_paths[i])));
		json_object_set_new(lx, "maskedPaths", m);
		json_object_set_new(lx, "readonlyPaths", r);
	}
	return lx;
}

static json_t *make_annotations(const struct opts *o, char **ids, size_t n)
{
	char now[DL_TIME_LEN + 1];
	json_t *a, *all = jcheck(json_string(""));
	size_t i;

	if (dl_time_now(now) < 0)
		dl_die_sys(DL_EXIT_FAIL, "unable to read 'the clock'");
	for (i = 0; i < n; i++) {
		json_t *s = jcheck(json_sprintf("%s%s%s", json_string_value(all),
						i ? "," : "", ids[i]));
		json_decref(all);
		all = s;
	}
	a = jcheck(json_pack(
		"{s:s,s:o,s:s,s:s,s:s,s:s,s:s,s:s}", "org.dockerlite.image",
		ids[n - 1], "org.dockerlite.images", all,
		"org.dockerlite.created", now, "org.dockerlite.network",
		o->network, "org.dockerlite.init", o->init ? "true" : "false",
		"org.dockerlite.privileged", o->privileged ? "true" : "false",
		"org.dockerlite.rm", o->rm ? "true" : "false",
		"org.dockerlite.interactive",
		o->interactive ? "true" : "false"));
	if (o->name)
		json_object_set_new(a, "org.dockerlite.name",
				    jcheck(json_string(o->name)));
	if (o->image_name)
		json_object_set_new(a, "org.dockerlite.image-name",
				    jcheck(json_string(o->image_name)));
	return a;
}

static json_t *make_user(const struct dl_user *u)
{
	json_t *g = jcheck(json_array());
	size_t i;

	for (i = 0; i < u->ngids; i++)
		json_array_append_new(g, jcheck(json_integer(u->gids[i])));
	return jcheck(json_pack("{s:I,s:I,s:o}", "uid", (json_int_t)u->uid,
				"gid", (json_int_t)u->gid, "additionalGids", g));
}

static void check_mounts(json_t *mounts)
{
	size_t i, j;
	json_t *a, *b;

	json_array_foreach(mounts, i, a)
		json_array_foreach(mounts, j, b)
			if (j > i &&
			    json_equal(json_object_get(a, "destination"),
				       json_object_get(b, "destination")))
				dl_die(DL_EXIT_FAIL, "unable to mount '%s': "
				       "duplicate mount point",
				       json_string_value(json_object_get(
					       a, "destination")));
}

/* ---- main ------------------------------------------------------------ */

/* Split "ID+ID..." into @ids; check each image has a rootfs. */
static size_t parse_images(char *spec, char ***ids, char ***roots)
{
	size_t n = 1, i = 0;
	char *s, *save = NULL;

	for (s = spec; *s; s++)
		n += *s == '+';
	*ids = dl_xcalloc(n, sizeof(char *));
	*roots = dl_xcalloc(n, sizeof(char *));
	for (s = strtok_r(spec, "+", &save); s; s = strtok_r(NULL, "+", &save)) {
		if (!dl_is_id(s) || i >= n)
			dl_usage(USAGE);
		(*ids)[i] = s;
		(*roots)[i] = dl_path("images/%s/rootfs", s);
		if (access((*roots)[i], F_OK) < 0)
			dl_die_sys(DL_EXIT_FAIL, "unable to open image '%s'", s);
		i++;
	}
	if (i != n)
		dl_usage(USAGE);
	return n;
}

int main(int argc, char **argv)
{
	struct opts o = { .network = "none" };
	_cleanup_free_ char *cfgpath = NULL, *pub = NULL, *spath = NULL;
	_cleanup_free_ char *stpath = NULL, *workdir = NULL, *why = NULL;
	_cleanup_free_ char **ids = NULL, **roots = NULL;
	_cleanup_close_ int rootfd = -1;
	json_t *image, *cfg, *env, *args, *spec, *state;
	struct dl_user user = { 0 };
	char id[DL_ID_LEN + 1], host[65];
	const char *uspec;
	size_t nimg, i;
	int ret;

	dl_set_prog(argv[0]);
	dl_usage_exit = DL_EXIT_FAIL;
	if (dl_want_help(argc, argv))
		dl_help(USAGE, OPTIONS);
	o.env = jcheck(json_array());
	o.mounts = jcheck(json_array());
	parse_opts(argc, argv, &o);
	if (optind >= argc)
		dl_usage(USAGE);
	check_mounts(o.mounts);
	nimg = parse_images(argv[optind], &ids, &roots);

	cfgpath = dl_path("images/%s/config.json", ids[nimg - 1]);
	image = dl_json_load(cfgpath, &why);
	if (!image)
		dl_die(DL_EXIT_FAIL, "unable to load '%s': %s", cfgpath, why);
	cfg = json_object_get(image, "config");
	args = make_args(&o, cfg, argv + optind + 1, argc - optind - 1);
	if (json_array_size(args) == 0)
		dl_die(DL_EXIT_FAIL, "unable to create container from image "
		       "'%s': no command specified", ids[nimg - 1]);
	workdir = clean_path(o.workdir ? o.workdir
				       : image_string(cfg, "WorkingDir"));
	uspec = o.user ? o.user : image_string(cfg, "User");

	if (dl_new_id(id) < 0)
		dl_die_sys(DL_EXIT_FAIL, "unable to make 'container ID'");
	if (o.hostname)
		snprintf(host, sizeof(host), "%s", o.hostname);
	else if (!strcmp(o.network, "host") && gethostname(host, 64) == 0)
		host[64] = '\0';
	else
		snprintf(host, sizeof(host), "%.12s", id);
	env = make_env(&o, json_object_get(cfg, "Env"), host);

	/* side effects from here on: undone at exit unless published */
	undo.tmpdir = dl_path("tmp/%s", id);
	undo.rootfs = dl_path("tmp/%s/rootfs", id);
	atexit(undo_all);
	if (o.name) {
		ret = dl_ref_container_set(o.name, id, &why);
		if (ret == DL_EXIT_CONFLICT)
			dl_die(DL_EXIT_CONFLICT, "unable to create container "
			       "'%s': name already in use", o.name);
		if (ret)
			dl_die(DL_EXIT_FAIL, "unable to create container "
			       "'%s': %s", o.name, why);
		undo.name = dl_xstrdup(o.name);
	}
	if (mkdir(undo.tmpdir, 0700) < 0)
		dl_die_sys(DL_EXIT_FAIL, "unable to create '%s'", undo.tmpdir);
	undo.made_dir = true;
	ret = dl_clone(undo.rootfs, (const char *const *)roots, nimg, &why);
	if (ret)
		dl_die(DL_EXIT_FAIL, "unable to clone '%s': %s", undo.rootfs,
		       why);
	undo.made_rootfs = true;

	rootfd = open(undo.rootfs, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0)
		dl_die_sys(DL_EXIT_FAIL, "unable to open '%s'", undo.rootfs);
	ret = dl_root_user(rootfd, uspec, &user, &why);
	if (ret)
		dl_die(DL_EXIT_FAIL, "%s", why);
	if (dl_root_mkdir_p(rootfd, workdir, 0755) < 0)
		dl_die_sys(DL_EXIT_FAIL, "unable to create working directory "
			   "'%s'", workdir);
	if (env_find(env, "HOME") < 0)
		json_array_append_new(env, jcheck(json_sprintf("HOME=%s",
							       user.home)));

	spec = jcheck(json_pack(
		"{s:s,s:{s:b,s:o,s:o,s:o,s:s,s:{s:o,s:o,s:o,s:[],s:[]},s:b},"
		"s:{s:s,s:b},s:s,s:O,s:o,s:o}",
		"ociVersion", "1.0.2", "process", "terminal", o.tty, "user",
		make_user(&user), "args", args, "env", env, "cwd", workdir,
		"capabilities", "bounding", caps_json(effective_caps(&o)),
		"effective", caps_json(effective_caps(&o)), "permitted",
		caps_json(effective_caps(&o)), "inheritable", "ambient",
		"noNewPrivileges", o.nnp, "root", "path", "rootfs", "readonly",
		o.readonly, "hostname", host, "mounts", o.mounts, "linux",
		make_linux(&o), "annotations", make_annotations(&o, ids, nimg)));
	spath = dl_path("tmp/%s/spec.json", id);
	if (dl_json_save(spath, spec) < 0)
		dl_die_sys(DL_EXIT_FAIL, "unable to write '%s'", spath);
	state = jcheck(json_pack("{s:s}", "status", "created"));
	stpath = dl_path("tmp/%s/state.json", id);
	if (dl_json_save(stpath, state) < 0)
		dl_die_sys(DL_EXIT_FAIL, "unable to write '%s'", stpath);

	/* the ID reaches the caller before the container is published, so
	 * a failed write leaves no container nobody knows of */
	printf("%s\n", id);
	if (fflush(stdout) != 0 || ferror(stdout))
		dl_die_sys(DL_EXIT_FAIL, "unable to write 'stdout'");
	pub = dl_path("containers/%s", id);
	if (rename(undo.tmpdir, pub) < 0)
		dl_die_sys(DL_EXIT_FAIL, "unable to publish '%s'", pub);
	undo.published = true;

	for (i = 0; i < nimg; i++)
		free(roots[i]);
	dl_user_free(&user);
	json_decref(spec);
	json_decref(state);
	json_decref(image);
	json_decref(o.env);
	json_decref(o.mounts);
	free(undo.tmpdir);
	free(undo.rootfs);
	free(undo.name);
	return dl_finish_stdout();
}
