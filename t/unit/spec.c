/* SPDX-License-Identifier: Apache-2.0 */
/* spec.c: TAP unit test of the OCI runtime spec: loading and checking it
 * (dl_spec_load, dl_spec_has_cap, dl_spec_environ, dl/specload.h) and building
 * it from options and an image config (dl-spec.h), loaded back */
#include <errno.h>
#include <linux/capability.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "dl.h"
#include "dl/json.h"
#include "dl/spec.h"
#include "dl/specload.h"
#include "tap.h"

static char dir[] = "/tmp/dl-unit-spec.XXXXXX";
static char *file; /* dir/spec.json */

static void bail(const char *what)
{
	printf("Bail out! %s: %s\n", what, strerror(errno));
	exit(1);
}

static void write_spec(const char *text)
{
	FILE *f = fopen(file, "we");

	if (!f || fputs(text, f) < 0 || fclose(f) < 0)
		bail(file);
}

/* Load the spec @text; 0 or the code, with @sp filled */
static int load(const char *text, struct dl_spec *sp, char **reason)
{
	write_spec(text);
	return dl_spec_load(file, sp, reason);
}

/* ---- capability numbers, from the kernel's header ---------------- */

#define C(x) { "CAP_" #x, CAP_##x }
static const struct {
	const char *name;
	int nr;
} kcaps[] = {
	C(CHOWN), C(DAC_OVERRIDE), C(DAC_READ_SEARCH), C(FOWNER), C(FSETID),
	C(KILL), C(SETGID), C(SETUID), C(SETPCAP), C(LINUX_IMMUTABLE),
	C(NET_BIND_SERVICE), C(NET_BROADCAST), C(NET_ADMIN), C(NET_RAW),
	C(IPC_LOCK), C(IPC_OWNER), C(SYS_MODULE), C(SYS_RAWIO), C(SYS_CHROOT),
	C(SYS_PTRACE), C(SYS_PACCT), C(SYS_ADMIN), C(SYS_BOOT), C(SYS_NICE),
	C(SYS_RESOURCE), C(SYS_TIME), C(SYS_TTY_CONFIG), C(MKNOD), C(LEASE),
	C(AUDIT_WRITE), C(AUDIT_CONTROL), C(SETFCAP), C(MAC_OVERRIDE),
	C(MAC_ADMIN), C(SYSLOG), C(WAKE_ALARM), C(BLOCK_SUSPEND),
	C(AUDIT_READ), C(PERFMON), C(BPF), C(CHECKPOINT_RESTORE),
};

/* The capability mask of @names, as /proc/PID/status CapEff shows it; all
 * ones when a name is unknown or repeated */
static uint64_t cap_mask(const char *const *names, size_t count)
{
	uint64_t m = 0;
	size_t i, k;

	for (i = 0; i < count; i++) {
		for (k = 0; k < sizeof(kcaps) / sizeof(*kcaps); k++)
			if (!strcmp(names[i], kcaps[k].name))
				break;
		if (k == sizeof(kcaps) / sizeof(*kcaps) ||
		    (m & (1ULL << kcaps[k].nr)))
			return ~0ULL;
		m |= 1ULL << kcaps[k].nr;
	}
	return m;
}

/* Every capability of this kernel, as --privileged gives them */
static uint64_t all_caps(void)
{
	FILE *f = fopen("/proc/sys/kernel/cap_last_cap", "re");
	int last = CAP_LAST_CAP;

	if (f) {
		if (fscanf(f, "%d", &last) != 1)
			last = CAP_LAST_CAP;
		fclose(f);
	}
	if (last > CAP_LAST_CAP)
		last = CAP_LAST_CAP;
	return (1ULL << (last + 1)) - 1;
}

#define DOCKER_CAPS 0xa80425fbULL

/* ---- dl_spec_load ------------------------------------------------ */

#define GOOD                                                                   \
	"{\"ociVersion\":\"1.0.2\",\"process\":{\"terminal\":true,"            \
	"\"user\":{\"uid\":1000,\"gid\":100,\"additionalGids\":[10,20]},"      \
	"\"args\":[\"/bin/sh\",\"-c\",\"echo hi\"],"                           \
	"\"env\":[\"PATH=/bin\",\"HOME=/home/u\",\"A=1=2\"],"                  \
	"\"cwd\":\"/work/dir\",\"capabilities\":{\"bounding\":"                \
	"[\"CAP_CHOWN\",\"CAP_SYS_ADMIN\"],\"effective\":[\"CAP_CHOWN\"]},"    \
	"\"noNewPrivileges\":true},"                                           \
	"\"root\":{\"path\":\"rootfs\",\"readonly\":true},"                    \
	"\"hostname\":\"box-1.example\","                                      \
	"\"mounts\":[{\"destination\":\"/data\",\"type\":\"bind\","            \
	"\"source\":\"/srv/data\",\"options\":[\"rbind\",\"ro\"]},"            \
	"{\"destination\":\"/tmp\",\"type\":\"tmpfs\",\"source\":\"tmpfs\","   \
	"\"options\":[\"nosuid\",\"size=1m\"]}],"                              \
	"\"linux\":{\"resources\":{\"memory\":{\"limit\":67108864},"           \
	"\"pids\":{\"limit\":100},\"cpu\":{\"quota\":50000,"                   \
	"\"period\":100000}},\"namespaces\":[{\"type\":\"pid\"},"              \
	"{\"type\":\"network\",\"path\":\"/run/netns/n1\"}],"                  \
	"\"maskedPaths\":[\"/proc/kcore\"],"                                   \
	"\"readonlyPaths\":[\"/proc/sys\",\"/proc/bus\"]},"                    \
	"\"annotations\":{\"org.dockerlite.network\":\"n1\","                  \
	"\"org.dockerlite.rm\":\"true\","                                      \
	"\"org.dockerlite.stop-signal\":\"SIGUSR1\"}}"

static bool streq(const char *a, const char *b)
{
	return a && b && !strcmp(a, b);
}

static void load_good(void)
{
	struct dl_spec sp;
	char *reason = NULL;
	int rc = load(GOOD, &sp, &reason);

	ok(rc == 0, "a full spec loads", reason ? reason : "");
	if (rc) {
		dl_spec_free(&sp);
		free(reason);
		return;
	}
	ok(sp.nargs == 3 && streq(sp.args[0], "/bin/sh") &&
		   streq(sp.args[2], "echo hi"),
	   "process.args", sp.args[0]);
	ok(sp.nenv == 3 && streq(sp.env[1], "HOME=/home/u") &&
		   streq(sp.env[2], "A=1=2"),
	   "process.env", sp.env[0]);
	ok(streq(sp.cwd, "/work/dir"), "process.cwd", sp.cwd);
	ok(sp.terminal && sp.nnp, "process.terminal and noNewPrivileges",
	   "true");
	ok(sp.uid == 1000 && sp.gid == 100 && sp.ngids == 2 &&
		   sp.gids[0] == 10 && sp.gids[1] == 20,
	   "process.user", "1000:100 10,20");
	ok(sp.caps_set && sp.ncaps == 2 &&
		   cap_mask(sp.caps, sp.ncaps) ==
			   ((1ULL << CAP_CHOWN) | (1ULL << CAP_SYS_ADMIN)),
	   "process.capabilities: the bounding set", "CHOWN SYS_ADMIN");
	ok(sp.root_ro, "root.readonly", "true");
	ok(streq(sp.hostname, "box-1.example"), "hostname", sp.hostname);
	ok(sp.nmounts == 2 && streq(sp.mounts[0].dest, "/data") &&
		   streq(sp.mounts[0].type, "bind") &&
		   streq(sp.mounts[0].source, "/srv/data") &&
		   sp.mounts[0].nopts == 2 &&
		   streq(sp.mounts[0].options[1], "ro") &&
		   streq(sp.mounts[1].dest, "/tmp") &&
		   streq(sp.mounts[1].type, "tmpfs") &&
		   streq(sp.mounts[1].options[1], "size=1m"),
	   "mounts", "/data /tmp");
	ok(sp.mem_limit == 67108864 && sp.pids_limit == 100 &&
		   sp.cpu_quota == 50000 && sp.cpu_period == 100000,
	   "linux.resources", "64m 100 50000/100000");
	ok(streq(sp.netns, "/run/netns/n1") && streq(sp.network, "n1"),
	   "the network namespace", "/run/netns/n1");
	ok(sp.masked_set && sp.nmasked == 1 &&
		   streq(sp.masked[0], "/proc/kcore") && sp.ro_set &&
		   sp.nro == 2 && streq(sp.ro_paths[1], "/proc/bus"),
	   "linux.maskedPaths and readonlyPaths", "/proc/kcore");
	ok(sp.rm && !sp.privileged && streq(sp.stop_signal, "SIGUSR1"),
	   "annotations", "rm stop-signal");
	dl_spec_free(&sp);
	free(reason);
}

static void load_minimal(void)
{
	struct dl_spec sp;
	char *reason = NULL;
	int rc = load("{\"process\":{\"args\":[\"x\"]}}", &sp, &reason);
	char *h;

	ok(rc == 0, "a minimal spec loads", reason ? reason : "");
	if (rc == 0) {
		ok(streq(sp.cwd, "/") && sp.nenv == 0 && !sp.terminal &&
			   sp.uid == 0 && sp.gid == 0 && !sp.caps_set &&
			   !sp.hostname && !sp.root_ro && sp.nmounts == 0 &&
			   !sp.masked_set && !sp.ro_set && !sp.privileged &&
			   !sp.rm && streq(sp.network, "none") && !sp.netns &&
			   !sp.mem_limit && !sp.pids_limit && !sp.stop_signal,
		   "the defaults of a minimal spec", "cwd / network none");
		h = dl_spec_hostname(&sp, "0123456789abcdef0123");
		ok(streq(h, "0123456789ab"),
		   "no hostname: the first 12 digits of the ID", h);
		free(h);
	}
	dl_spec_free(&sp);
	free(reason);
	rc = load("{\"process\":{\"args\":[\"x\"]},\"hostname\":\"h\"}", &sp,
		  &reason);
	h = rc ? NULL : dl_spec_hostname(&sp, "0123456789abcdef0123");
	ok(streq(h, "h"), "the spec's hostname", h ? h : "");
	free(h);
	dl_spec_free(&sp);
	free(reason);
}

/* The spec @text is refused with @code and a reason */
static void load_bad_todo(const char *text, int code, const char *todo)
{
	struct dl_spec sp;
	char *reason = NULL;
	int rc = load(text, &sp, &reason);

	ok_todo(rc == code && reason && *reason, "bad spec refused", text,
		todo);
	if (rc != code || !reason)
		printf("# rc %d (want %d) reason '%s'\n", rc, code,
		       reason ? reason : "");
	dl_spec_free(&sp);
	free(reason);
}

static void load_bad(const char *text)
{
	load_bad_todo(text, DL_EXIT_REJECT, NULL);
}

#define P(x) "{\"process\":{\"args\":[\"x\"]," x "}}"
#define S(x) "{\"process\":{\"args\":[\"x\"]}," x "}"
#define M(x) S("\"mounts\":[" x "]")
#define L(x) S("\"linux\":{" x "}")

static void load_bads(void)
{
	struct dl_spec sp;
	char *reason = NULL;
	int rc;

	/* the document */
	load_bad("[]");
	load_bad("{}");
	load_bad("{\"process\":[]}");
	load_bad("{\"process\":{\"args\":[\"x\"],\"args\":[\"y\"]}}");
	load_bad("{\"process\":{\"args\":[\"x\"]}");
	/* process */
	load_bad("{\"process\":{}}");
	load_bad("{\"process\":{\"args\":[]}}");
	load_bad("{\"process\":{\"args\":\"sh\"}}");
	load_bad("{\"process\":{\"args\":[1]}}");
	load_bad("{\"process\":{\"args\":[\"\"]}}");
	load_bad(P("\"env\":\"A=1\""));
	load_bad(P("\"env\":[1]"));
	load_bad(P("\"env\":[\"NOEQUALS\"]"));
	load_bad(P("\"env\":[\"=x\"]"));
	load_bad(P("\"cwd\":\"work\""));
	load_bad(P("\"cwd\":\"\""));
	load_bad(P("\"cwd\":1"));
	load_bad(P("\"cwd\":\"/a/../b\""));
	load_bad(P("\"cwd\":\"/a\\nb\""));
	load_bad(P("\"cwd\":\"/a\\rb\""));
	load_bad(P("\"terminal\":\"yes\""));
	load_bad(P("\"noNewPrivileges\":1"));
	load_bad(P("\"user\":[]"));
	load_bad(P("\"user\":{\"uid\":\"0\"}"));
	load_bad(P("\"user\":{\"uid\":-1}"));
	load_bad(P("\"user\":{\"gid\":-1}"));
	load_bad(P("\"user\":{\"additionalGids\":[-1]}"));
	load_bad(P("\"user\":{\"additionalGids\":[\"wheel\"]}"));
	load_bad(P("\"capabilities\":[]"));
	load_bad(P("\"capabilities\":{\"bounding\":\"CAP_CHOWN\"}"));
	load_bad(P("\"capabilities\":{\"bounding\":[1]}"));
	load_bad(P("\"capabilities\":{\"bounding\":[\"CAP_NOSUCH\"]}"));
	load_bad(P("\"capabilities\":{\"bounding\":[\"CAP_CHOWN\","
		   "\"CAP_CHOWNX\"]}"));
	load_bad(P("\"capabilities\":{\"effective\":[\"NOSUCH\"]}"));
	/* root, hostname */
	load_bad(S("\"root\":{\"path\":\"/abs/rootfs\"}"));
	load_bad(S("\"root\":{\"readonly\":\"true\"}"));
	load_bad(S("\"root\":\"rootfs\""));
	load_bad(S("\"hostname\":1"));
	load_bad(S("\"hostname\":\"a b\""));
	load_bad(S("\"hostname\":\"a\\nb\""));
	load_bad(S("\"hostname\":\"a;b\""));
	load_bad(S("\"hostname\":\"" "0123456789012345678901234567890123456789"
		   "0123456789012345678901234\""));
	/* mounts */
	load_bad(S("\"mounts\":{}"));
	load_bad(M("1"));
	load_bad(M("{\"type\":\"tmpfs\"}"));
	load_bad(M("{\"destination\":\"data\",\"type\":\"tmpfs\"}"));
	load_bad(M("{\"destination\":\"/\",\"type\":\"tmpfs\"}"));
	load_bad(M("{\"destination\":\"/a/../b\",\"type\":\"tmpfs\"}"));
	load_bad(M("{\"destination\":\"/a\\nb\",\"type\":\"tmpfs\"}"));
	load_bad(M("{\"destination\":1}"));
	load_bad(M("{\"destination\":\"/d\",\"type\":\"bind\","
		   "\"source\":\"/a\\nb\"}"));
	load_bad(M("{\"destination\":\"/d\",\"type\":\"bind\","
		   "\"source\":\"\"}"));
	load_bad(M("{\"destination\":\"/d\",\"type\":\"tm pfs\"}"));
	load_bad(M("{\"destination\":\"/d\",\"type\":\"tmpfs\\n\"}"));
	load_bad(M("{\"destination\":\"/d\",\"type\":\"tmpfs\","
		   "\"options\":\"ro\"}"));
	load_bad(M("{\"destination\":\"/d\",\"type\":\"tmpfs\","
		   "\"options\":[1]}"));
	load_bad(M("{\"destination\":\"/d\",\"type\":\"tmpfs\","
		   "\"options\":[\"ro\\nlxc.x=1\"]}"));
	load_bad(M("{\"destination\":\"/d\",\"type\":\"tmpfs\","
		   "\"options\":[\"ro,exec\"]}"));
	/* linux */
	load_bad(S("\"linux\":[]"));
	load_bad(L("\"maskedPaths\":[\"proc/kcore\"]"));
	load_bad(L("\"maskedPaths\":[\"/proc/a\\nb\"]"));
	load_bad(L("\"maskedPaths\":[1]"));
	load_bad(L("\"readonlyPaths\":[\"/\"]"));
	load_bad(L("\"readonlyPaths\":[\"/proc/../etc\"]"));
	load_bad(L("\"resources\":{\"memory\":{\"limit\":\"1\"}}"));
	load_bad(L("\"resources\":{\"memory\":{\"limit\":-1}}"));
	load_bad(L("\"resources\":{\"pids\":{\"limit\":-1}}"));
	load_bad(L("\"resources\":{\"cpu\":{\"quota\":1.5}}"));
	load_bad(L("\"namespaces\":[{\"path\":\"/x\"}]"));
	load_bad(L("\"namespaces\":{}"));
	load_bad(L("\"namespaces\":[{\"type\":\"network\","
		   "\"path\":\"run/netns/x\"}]"));
	/* annotations */
	load_bad(S("\"annotations\":[]"));
	load_bad(S("\"annotations\":{\"org.dockerlite.network\":\"br 0\"}"));
	load_bad(S("\"annotations\":{\"org.dockerlite.network\":\"container:x\"}"));
	load_bad(S("\"annotations\":{\"org.dockerlite.network\":\"none\","
		   "\"org.dockerlite.publish\":\"0.0.0.0:0:80/tcp\"}"));

	/* a file that cannot be read */
	memset(&sp, 0, sizeof(sp));
	rc = dl_spec_load("/nonexistent/spec.json", &sp, &reason);
	ok(rc == DL_EXIT_FAIL && reason && *reason, "a missing file fails",
	   "/nonexistent/spec.json");
	dl_spec_free(&sp);
	free(reason);
}

/* ---- dl_spec_has_cap ---------------------------------------------- */

static void has(const char *text, const char *cap, bool want)
{
	struct dl_spec sp;
	char *reason = NULL;
	int rc = load(text, &sp, &reason);
	bool got = rc == 0 && dl_spec_has_cap(&sp, cap);

	ok(rc == 0 && got == want, want ? "holds" : "does not hold", cap);
	if (rc)
		printf("# rc %d reason '%s'\n", rc, reason);
	dl_spec_free(&sp);
	free(reason);
}

#define NOCAPS "{\"process\":{\"args\":[\"x\"]}}"
#define CAPS(x) P("\"capabilities\":{\"bounding\":[" x "]}")
#define PRIV(x)                                                                \
	"{\"process\":{\"args\":[\"x\"]" x "},\"annotations\":"                \
	"{\"org.dockerlite.privileged\":\"true\"}}"

static void caps(void)
{
	size_t i;

	/* no capabilities given: Docker's 14 */
	for (i = 0; i < sizeof(kcaps) / sizeof(*kcaps); i++)
		has(NOCAPS, kcaps[i].name + 4,
		    !!(DOCKER_CAPS & (1ULL << kcaps[i].nr)));
	has(CAPS("\"CAP_SYS_ADMIN\",\"CAP_NET_ADMIN\""), "SYS_ADMIN", true);
	has(CAPS("\"CAP_SYS_ADMIN\",\"CAP_NET_ADMIN\""), "NET_ADMIN", true);
	has(CAPS("\"CAP_SYS_ADMIN\",\"CAP_NET_ADMIN\""), "CHOWN", false);
	has(CAPS(""), "CHOWN", false);
	has(CAPS(""), "KILL", false);
	has(P("\"capabilities\":{\"effective\":[\"CAP_BPF\"]}"), "BPF", true);
	has(PRIV(""), "SYS_ADMIN", true);
	has(PRIV(""), "SYS_MODULE", true);
	has(PRIV(",\"capabilities\":{\"bounding\":[]}"), "SYS_ADMIN", true);
}

/* ---- dl_spec_environ ---------------------------------------------- */

/* @got (NULL-terminated) holds exactly the strings of @want
 * (NULL-terminated), each once, in the same order when @ordered */
static void env_is(char **got, const char *const *want, bool ordered,
		   const char *desc)
{
	size_t i, k, ngot = 0, nwant = 0;
	bool same = true;

	while (got[ngot])
		ngot++;
	while (want[nwant])
		nwant++;
	same = ngot == nwant;
	for (i = 0; same && i < nwant; i++) {
		size_t seen = 0;

		if (ordered) {
			same = !strcmp(got[i], want[i]);
			continue;
		}
		for (k = 0; k < ngot; k++)
			seen += !strcmp(got[k], want[i]);
		same = seen == 1;
	}
	ok(same, desc, want[0] ? want[0] : "");
	if (!same)
		for (i = 0; got[i]; i++)
			printf("# got[%zu] %s\n", i, got[i]);
}

static void environ_(const char *text, bool tty, char *const *extra,
		     size_t nextra, const char *const *want, const char *desc)
{
	struct dl_spec sp;
	char *reason = NULL, **env;
	size_t i;
	int rc = load(text, &sp, &reason);

	if (rc) {
		ok(false, desc, reason);
	} else {
		env = dl_spec_environ(&sp, "host1", tty, extra, nextra);
		env_is(env, want, false, desc);
		for (i = 0; env[i]; i++)
			free(env[i]);
		free(env);
	}
	dl_spec_free(&sp);
	free(reason);
}

#define DPATH "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
#define ENV(x) P("\"env\":[" x "]")

static void environ_tests(void)
{
	if (setenv("DL_UNIT_OURS", "our value", 1) < 0)
		bail("setenv");
	unsetenv("DL_UNIT_UNSET");
	environ_(NOCAPS, false, NULL, 0,
		 (const char *const[]){ DPATH, "HOSTNAME=host1", NULL },
		 "no env: the default PATH and HOSTNAME");
	environ_(ENV("\"PATH=/mine\",\"HOME=/root\",\"A=1\""), false, NULL, 0,
		 (const char *const[]){ "HOSTNAME=host1", "PATH=/mine",
					"HOME=/root", "A=1", NULL },
		 "the spec's PATH and HOME are kept, no default PATH");
	environ_(ENV("\"A=1\",\"HOSTNAME=mine\""), false, NULL, 0,
		 (const char *const[]){ DPATH, "HOSTNAME=mine", "A=1", NULL },
		 "the spec's HOSTNAME wins");
	environ_(ENV("\"A=1\""), true, NULL, 0,
		 (const char *const[]){ DPATH, "HOSTNAME=host1", "A=1",
					"TERM=xterm", NULL },
		 "TERM=xterm with a terminal");
	environ_(ENV("\"TERM=vt100\""), true, NULL, 0,
		 (const char *const[]){ DPATH, "HOSTNAME=host1", "TERM=vt100",
					NULL },
		 "the spec's TERM is kept with a terminal");
	environ_(ENV("\"A=1\",\"B=2\""), false,
		 (char *const[]){ "B=3", "C=4", "PATH=/x", "HOSTNAME=h2" }, 4,
		 (const char *const[]){ "PATH=/x", "HOSTNAME=h2", "A=1", "B=3",
					"C=4", NULL },
		 "extra K=V replace and add");
	environ_(ENV("\"A=1\""), false,
		 (char *const[]){ "DL_UNIT_OURS", "DL_UNIT_UNSET" }, 2,
		 (const char *const[]){ DPATH, "HOSTNAME=host1", "A=1",
					"DL_UNIT_OURS=our value", NULL },
		 "a bare extra K takes our value, or is dropped");
	environ_(ENV("\"DL_UNIT_OURS=theirs\""), false,
		 (char *const[]){ "DL_UNIT_OURS" }, 1,
		 (const char *const[]){ DPATH, "HOSTNAME=host1",
					"DL_UNIT_OURS=our value", NULL },
		 "a bare extra K replaces the spec's value with ours");
}

/* ---- building a spec ---------------------------------------------- */

static void clean(const char *in, const char *want)
{
	char *got = dl_clean_path(in);

	ok(streq(got, want), "clean path", in);
	if (!streq(got, want))
		printf("# got '%s', want '%s'\n", got, want);
	free(got);
}

/* Take the options @kv ({key, value}... NULL), expecting success */
static void opts(struct dl_spec_opts *o, const char *const *kv)
{
	char *reason = NULL;

	if (dl_spec_opts_init(o) < 0)
		bail("dl_spec_opts_init");
	for (; kv[0]; kv += 2) {
		int rc = dl_spec_opt(o, kv[0], kv[1], &reason);

		if (rc) {
			printf("Bail out! option %s=%s: %d %s\n", kv[0],
			       kv[1] ? kv[1] : "", rc, reason);
			exit(1);
		}
	}
}

#define IMAGE_ID "1111111111111111111111111111111111111111111111111111111111111111"
#define CTR_ID "abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789"

/*
 * Build the spec of options @o with @args and @env (both stolen), user
 * 1000:100 (10, 20), cwd @cwd, hostname "h", save it and load it back
 * into @sp.  Return: dl_spec_load()'s code.
 */
static int build(const struct dl_spec_opts *o, json_t *args, json_t *env,
		 const char *cwd, struct dl_spec *sp)
{
	gid_t gids[] = { 10, 20 };
	struct dl_user u = { 1000, 100, gids, 2, (char *)"/home/u" };
	char *ids[] = { (char *)IMAGE_ID };
	char *reason = NULL;
	json_t *doc;
	int rc;

	if (!args)
		args = json_pack("[s]", "/bin/true");
	if (!env)
		env = json_pack("[s]", "A=1");
	doc = dl_spec_build(o, args, env, cwd, &u, "h", ids, 1,
			    "2024-01-02T03:04:05Z");
	json_decref(args);
	json_decref(env);
	if (!doc || dl_json_save(file, doc) < 0)
		bail("dl_spec_build");
	json_decref(doc);
	rc = dl_spec_load(file, sp, &reason);
	if (rc)
		printf("# the built spec does not load: %d %s\n", rc, reason);
	free(reason);
	return rc;
}

/* The options @kv give the capability mask @want */
static void caps_of(const char *const *kv, uint64_t want, const char *desc)
{
	struct dl_spec_opts o;
	struct dl_spec sp;
	uint64_t got = 0;
	int rc;

	opts(&o, kv);
	rc = build(&o, NULL, NULL, "/", &sp);
	if (rc == 0)
		got = cap_mask(sp.caps, sp.ncaps);
	ok(rc == 0 && sp.caps_set && got == want, desc,
	   kv[0] ? kv[1] ? kv[1] : kv[0] : "no options");
	if (got != want)
		printf("# CapEff %016llx, want %016llx\n",
		       (unsigned long long)got, (unsigned long long)want);
	dl_spec_free(&sp);
	dl_spec_opts_free(&o);
}

static void build_caps(void)
{
	uint64_t all = all_caps();

	caps_of((const char *const[]){ NULL }, DOCKER_CAPS,
		"Docker's 14 capabilities (CapEff 00000000a80425fb)");
	caps_of((const char *const[]){ "cap-add", "SYS_ADMIN", NULL },
		DOCKER_CAPS | 1ULL << CAP_SYS_ADMIN, "cap-add");
	caps_of((const char *const[]){ "cap-add", "cap_net_admin", "cap-add",
				       "Sys_Ptrace", NULL },
		DOCKER_CAPS | 1ULL << CAP_NET_ADMIN | 1ULL << CAP_SYS_PTRACE,
		"cap-add in any case, with or without CAP_");
	caps_of((const char *const[]){ "cap-drop", "CHOWN", "cap-drop",
				       "CAP_NET_RAW", NULL },
		DOCKER_CAPS & ~(1ULL << CAP_CHOWN | 1ULL << CAP_NET_RAW),
		"cap-drop");
	caps_of((const char *const[]){ "cap-drop", "ALL", "cap-add",
				       "NET_BIND_SERVICE", NULL },
		1ULL << CAP_NET_BIND_SERVICE, "cap-drop ALL, then cap-add");
	caps_of((const char *const[]){ "cap-drop", "all", NULL }, 0,
		"cap-drop all");
	caps_of((const char *const[]){ "cap-add", "ALL", "cap-drop", "MKNOD",
				       NULL },
		all & ~(1ULL << CAP_MKNOD), "cap-add ALL, then cap-drop");
	caps_of((const char *const[]){ "privileged", NULL, NULL }, all,
		"privileged: every capability");
	caps_of((const char *const[]){ "privileged", NULL, "cap-drop", "CHOWN",
				       NULL },
		all, "privileged: every capability, whatever cap-drop says");
}

static void build_full(void)
{
	struct dl_spec_opts o;
	struct dl_spec sp;
	json_t *cfg, *args, *env;
	char *vol = dl_xasprintf("%s:/data/:ro", dir);
	char *mnt = dl_xasprintf("type=bind,source=%s,target=/src", dir);
	bool found[3] = { false, false, false };
	size_t i, k;
	int rc;

	if (setenv("DL_UNIT_B", "bee", 1) < 0)
		bail("setenv");
	unsetenv("DL_UNIT_D");
	opts(&o, (const char *const[]){
			 "env", "A=1", "env", "DL_UNIT_B", "env", "DL_UNIT_D",
			 "workdir", "/w", "hostname", "box", "volume", vol,
			 "tmpfs", "/run:size=1m", "mount", mnt, "memory",
			 "64m", "pids-limit", "100", "cpus", "0.5",
			 "security-opt", "no-new-privileges", "read-only",
			 NULL, "tty", NULL, "rm", NULL, "name", "web",
			 NULL });
	cfg = json_pack("{s:[s],s:[s],s:[ssss]}", "Entrypoint", "/e", "Cmd",
			"c", "Env", "PATH=/img", "C=3", "A=0", "DL_UNIT_D=4");
	args = dl_spec_args(&o, cfg, NULL, 0);
	env = dl_spec_env(&o, json_object_get(cfg, "Env"), "box");
	rc = build(&o, args, env, "/w", &sp);
	ok(rc == 0, "a built spec loads back", "all options");
	if (rc) {
		dl_spec_free(&sp);
		goto out;
	}
	ok(sp.nargs == 2 && streq(sp.args[0], "/e") && streq(sp.args[1], "c"),
	   "args: the image's Entrypoint and Cmd", "/e c");
	env_is((char **)sp.env,
	       (const char *const[]){ "PATH=/img", "HOSTNAME=box",
				      "TERM=xterm", "A=1", "DL_UNIT_B=bee",
				      "C=3", NULL },
	       true, "env: PATH HOSTNAME TERM, -e values, then the image's");
	for (i = 0, k = 0; i < sp.nenv; i++)
		k += !strncmp(sp.env[i], "DL_UNIT_D=", 10);
	ok(k == 0, "env: a bare -e K with K unset unsets the image's K",
	   "DL_UNIT_D");
	ok(streq(sp.cwd, "/w"), "cwd", sp.cwd);
	ok(sp.uid == 1000 && sp.gid == 100 && sp.ngids == 2 &&
		   sp.gids[0] == 10 && sp.gids[1] == 20,
	   "user", "1000:100 10,20");
	ok(sp.terminal && sp.nnp && sp.root_ro && sp.rm && !sp.privileged,
	   "tty, no-new-privileges, read-only, rm", "true");
	ok(streq(sp.hostname, "h"), "hostname", sp.hostname);
	ok(streq(sp.network, "bridge") && !sp.netns, "network bridge (the default)",
	   sp.network);
	ok(sp.mem_limit == 64 << 20 && sp.pids_limit == 100 &&
		   sp.cpu_quota == 50000 && sp.cpu_period == 100000,
	   "resources", "64m 100 0.5");
	ok(sp.masked_set && sp.nmasked == dl_spec_nmasked_paths &&
		   sp.ro_set && sp.nro == dl_spec_nreadonly_paths,
	   "Docker's masked and read-only paths", "/proc/kcore");
	ok(sp.nmounts == 3, "three mounts", "/data /run /src");
	for (i = 0; i < sp.nmounts; i++) {
		const struct dl_mount *m = &sp.mounts[i];
		bool ro = false, rbind = false, noexec = false, size = false;

		for (k = 0; k < m->nopts; k++) {
			ro |= streq(m->options[k], "ro");
			rbind |= streq(m->options[k], "rbind");
			noexec |= streq(m->options[k], "noexec");
			size |= streq(m->options[k], "size=1m");
		}
		if (streq(m->dest, "/data"))
			found[0] = streq(m->type, "bind") &&
				   streq(m->source, dir) && rbind && ro;
		else if (streq(m->dest, "/run"))
			found[1] = streq(m->type, "tmpfs") && noexec && size &&
				   !ro;
		else if (streq(m->dest, "/src"))
			found[2] = streq(m->type, "bind") &&
				   streq(m->source, dir) && rbind && !ro;
	}
	ok(found[0], "volume: a read-only bind, its target cleaned", vol);
	ok(found[1], "tmpfs: noexec and the size", "/run:size=1m");
	ok(found[2], "mount type=bind", mnt);
	dl_spec_free(&sp);
out:
	json_decref(cfg);
	dl_spec_opts_free(&o);
	free(vol);
	free(mnt);

	/* privileged: no masked paths, and the spec says privileged */
	opts(&o, (const char *const[]){ "privileged", NULL, "network", "host",
					NULL });
	rc = build(&o, NULL, NULL, "/", &sp);
	ok(rc == 0 && !sp.masked_set && !sp.ro_set && sp.privileged &&
		   streq(sp.network, "host") &&
		   dl_spec_has_cap(&sp, "SYS_MODULE"),
	   "privileged, network host", "no masked paths");
	dl_spec_free(&sp);
	dl_spec_opts_free(&o);
}

/* The option @key=@val is refused with @code */
static void opt_bad(const char *key, const char *val, int code)
{
	struct dl_spec_opts o;
	char *reason = NULL;
	int rc;

	if (dl_spec_opts_init(&o) < 0)
		bail("dl_spec_opts_init");
	rc = dl_spec_opt(&o, key, val, &reason);
	ok(rc == code && reason && *reason, "bad option refused",
	   val ? val : key);
	if (rc != code)
		printf("# rc %d (want %d) reason '%s'\n", rc, code,
		       reason ? reason : "");
	free(reason);
	dl_spec_opts_free(&o);
}

/* The options @kv pass one by one, and dl_spec_opts_check() says @code */
static void opts_check(const char *const *kv, int code, const char *desc)
{
	struct dl_spec_opts o;
	char *reason = NULL;
	int rc;

	opts(&o, kv);
	rc = dl_spec_opts_check(&o, &reason);
	ok(rc == code && (code == 0 || (reason && *reason)), desc, kv[1]);
	if (rc != code)
		printf("# rc %d (want %d) reason '%s'\n", rc, code,
		       reason ? reason : "");
	free(reason);
	dl_spec_opts_free(&o);
}

static void build_opts(void)
{
	char *missing = dl_xasprintf("%s/nonexistent:/x", dir);
	char *twice = dl_xasprintf("%s:/data", dir);

	opt_bad("no-such-option", "x", DL_EXIT_USAGE);
	opt_bad("cap-add", "NOSUCH", DL_EXIT_USAGE);
	opt_bad("cap-drop", "CAP_", DL_EXIT_USAGE);
	opt_bad("workdir", "rel", DL_EXIT_USAGE);
	opt_bad("workdir", NULL, DL_EXIT_USAGE);
	opt_bad("memory", "1k", DL_EXIT_USAGE);
	opt_bad("memory", "lots", DL_EXIT_USAGE);
	opt_bad("network", "-overlay", DL_EXIT_USAGE);
	opt_bad("network", "container:", DL_EXIT_USAGE);
	opt_bad("dns", "nope", DL_EXIT_USAGE);
	opt_bad("dns-search", "a b", DL_EXIT_USAGE);
	opt_bad("add-host", "db", DL_EXIT_USAGE);
	opt_bad("add-host", "db:nope", DL_EXIT_USAGE);
	opt_bad("hostname", "a b", DL_EXIT_USAGE);
	opt_bad("name", "-x", DL_EXIT_USAGE);
	opt_bad("env", "=x", DL_EXIT_USAGE);
	opt_bad("volume", "r!l:/x", DL_EXIT_USAGE);
	opt_bad("volume", "x:/x", DL_EXIT_USAGE);
	opt_bad("volume", "db:/x:rshared", DL_EXIT_USAGE);
	opt_bad("volume", "rel", DL_EXIT_USAGE);
	opt_bad("volume", "/tmp:/", DL_EXIT_USAGE);
	opt_bad("volume", "/tmp:rel", DL_EXIT_USAGE);
	opt_bad("volume", missing, DL_EXIT_NO);
	opt_bad("tmpfs", "rel", DL_EXIT_USAGE);
	opt_bad("mount", "type=volume,src=/abs,target=/x", DL_EXIT_USAGE);
	opt_bad("mount", "type=volume,target=/x,tmpfs-size=1m", DL_EXIT_USAGE);
	opt_bad("mount", "type=bind,src=/tmp,target=/x,volume-nocopy",
		DL_EXIT_USAGE);
	opt_bad("mount", "type=volume,src=db", DL_EXIT_USAGE);
	opt_bad("security-opt", "seccomp=unconfined", DL_EXIT_USAGE);
	opt_bad("pid", "private", DL_EXIT_USAGE);
	opt_bad("pid", "container:", DL_EXIT_USAGE);
	opt_bad("ipc", "none", DL_EXIT_USAGE);
	opt_bad("device", "/dev/null:/dev/n:rwx", DL_EXIT_USAGE);
	opt_bad("device", "/dev/null:/dev/n:rr", DL_EXIT_USAGE);
	opt_bad("device", "/dev/null:/dev/n:", DL_EXIT_USAGE);
	opt_bad("device", "/dev/null:rel", DL_EXIT_USAGE);
	opt_bad("device", "/dev/null:/", DL_EXIT_USAGE);
	opt_bad("device", "/dev/null,x", DL_EXIT_USAGE);
	opt_bad("device", "/etc/passwd", DL_EXIT_USAGE);
	opt_bad("device", "/no/such/node", DL_EXIT_NO);
	opt_bad("shm-size", "lots", DL_EXIT_USAGE);
	opt_bad("cpus", "-1", DL_EXIT_USAGE);
	opt_bad("memory-swap", "-2", DL_EXIT_USAGE);
	opts_check((const char *const[]){ "ipc", "host", "sysctl",
					  "kernel.shmmax=1", NULL },
		   DL_EXIT_USAGE, "no IPC sysctl with --ipc host");
	opts_check((const char *const[]){ "ipc", "private", "sysctl",
					  "kernel.shmmax=1", "memory", "0",
					  "cpus", "0", "device",
					  "/dev/null:rw", NULL },
		   0, "IPC sysctl, zero limits, a device");
	opts_check((const char *const[]){ "volume", twice, "tmpfs", "/data/",
					  NULL },
		   DL_EXIT_USAGE, "two mounts on one destination");
	opts_check((const char *const[]){ "volume", twice, "tmpfs", "/data2",
					  NULL },
		   0, "two mounts on two destinations");
	free(missing);
	free(twice);
}

/* -v NAME:DST, -v DST, --mount type=volume and an image's VOLUME: bind
 * mounts of volumes/NAME/_data, each named in the volumes list */
static void volume_mounts(void)
{
	struct dl_spec_opts o;
	json_t *cfg = json_pack("{s:{s:{},s:{}}}", "Volumes", "/img", "/a");
	char *reason = NULL;
	const char *src, *name;
	json_t *m, *v;
	int rc;

	opts(&o, (const char *const[]){ "volume", "db:/data:ro,nocopy",
					"volume", "/anon", "mount",
					"type=volume,src=m.1,dst=/m,readonly",
					"mount", "dst=/m2", NULL });
	rc = dl_spec_image_volumes(&o, cfg, &reason);
	ok(rc == 0, "image volumes added", "");
	ok(json_array_size(o.mounts) == 6 && json_array_size(o.volumes) == 6,
	   "a mount and a volume each", "");
	m = json_array_get(o.mounts, 0);
	v = json_array_get(o.volumes, 0);
	src = json_string_value(json_object_get(m, "source"));
	ok(src && strstr(src, "/volumes/db/_data") &&
		   streq(json_string_value(json_object_get(m, "type")), "bind") &&
		   json_array_size(json_object_get(m, "options")) == 3 &&
		   json_is_true(json_object_get(v, "nocopy")) &&
		   json_is_false(json_object_get(v, "anonymous")),
	   "-v NAME:DST:ro,nocopy", "");
	v = json_array_get(o.volumes, 1);
	name = json_string_value(json_object_get(v, "name"));
	ok(name && dl_is_id(name) &&
		   json_is_true(json_object_get(v, "anonymous")),
	   "-v DST is anonymous", "");
	v = json_array_get(o.volumes, 2);
	ok(streq(json_string_value(json_object_get(v, "name")), "m.1") &&
		   json_array_size(json_object_get(
			   json_array_get(o.mounts, 2), "options")) == 3,
	   "--mount type=volume,readonly", "");
	v = json_array_get(o.volumes, 3);
	ok(json_is_true(json_object_get(v, "anonymous")),
	   "--mount without type or source is anonymous", "");
	ok(streq(json_string_value(json_object_get(json_array_get(o.volumes, 4),
						    "destination")), "/a") &&
		   streq(json_string_value(json_object_get(
			   json_array_get(o.volumes, 5), "destination")),
			 "/img"),
	   "image VOLUME entries", "");
	rc = dl_spec_image_volumes(&o, cfg, &reason);
	ok(rc == 0 && json_array_size(o.volumes) == 6,
	   "an image VOLUME already mounted is skipped", "");
	dl_spec_opts_free(&o);
	json_decref(cfg);
	cfg = json_pack("{s:{s:{}}}", "Volumes", "rel");
	opts(&o, (const char *const[]){ NULL });
	rc = dl_spec_image_volumes(&o, cfg, &reason);
	ok(rc == DL_EXIT_REJECT, "a relative image VOLUME is rejected", "");
	free(reason);
	dl_spec_opts_free(&o);
	json_decref(cfg);
}

/* dl_spec_args() of options @kv, image config @cfg and command @cmd */
static void args_of(const char *const *kv, const char *cfg,
		    char *const *cmd, int ncmd, const char *want)
{
	struct dl_spec_opts o;
	json_t *c = cfg ? json_loads(cfg, 0, NULL) : NULL;
	json_t *w = json_loads(want, 0, NULL), *got;
	char *s;

	opts(&o, kv);
	got = dl_spec_args(&o, c, cmd, ncmd);
	ok(got && w && json_equal(got, w), "command line", want);
	if (!got || !w || !json_equal(got, w)) {
		s = got ? json_dumps(got, JSON_COMPACT) : NULL;
		printf("# got %s\n", s ? s : "(null)");
		free(s);
	}
	json_decref(c);
	json_decref(w);
	json_decref(got);
	dl_spec_opts_free(&o);
}

#define EC "{\"Entrypoint\":[\"/e\",\"-x\"],\"Cmd\":[\"c\",\"d\"]}"

static void build_args(void)
{
	const char *const none[] = { NULL };

	args_of(none, EC, NULL, 0, "[\"/e\",\"-x\",\"c\",\"d\"]");
	args_of(none, EC, (char *const[]){ "sh", "-l" }, 2,
		"[\"/e\",\"-x\",\"sh\",\"-l\"]");
	args_of(none, "{\"Cmd\":[\"c\"]}", NULL, 0, "[\"c\"]");
	args_of(none, "{\"Cmd\":[\"c\"]}", (char *const[]){ "sh" }, 1,
		"[\"sh\"]");
	args_of((const char *const[]){ "entrypoint", "/x", NULL }, EC, NULL,
		0, "[\"/x\"]");
	args_of((const char *const[]){ "entrypoint", "/x", NULL }, EC,
		(char *const[]){ "a" }, 1, "[\"/x\",\"a\"]");
	args_of((const char *const[]){ "entrypoint", "", NULL }, EC,
		(char *const[]){ "a" }, 1, "[\"a\"]");
	args_of((const char *const[]){ "entrypoint", "", NULL }, EC, NULL, 0,
		"[]");
	args_of(none, NULL, NULL, 0, "[]");
}

static void hostnames(void)
{
	struct dl_spec_opts o;
	char out[65], host[65] = "";

	opts(&o, (const char *const[]){ NULL });
	dl_spec_make_hostname(&o, CTR_ID, out);
	ok(streq(out, "abcdef012345"), "hostname: the first 12 digits", out);
	dl_spec_opts_free(&o);
	opts(&o, (const char *const[]){ "hostname", "web.local", NULL });
	dl_spec_make_hostname(&o, CTR_ID, out);
	ok(streq(out, "web.local"), "hostname: --hostname", out);
	dl_spec_opts_free(&o);
	opts(&o, (const char *const[]){ "network", "host", NULL });
	dl_spec_make_hostname(&o, CTR_ID, out);
	if (gethostname(host, 64) < 0)
		bail("gethostname");
	ok(streq(out, host), "hostname: the host's with network host", out);
	dl_spec_opts_free(&o);
}

int main(void)
{
	if (!mkdtemp(dir))
		bail("mkdtemp");
	file = dl_xasprintf("%s/spec.json", dir);

	load_good();
	load_minimal();
	load_bads();
	caps();
	environ_tests();

	clean("/a//b/./c/../d/", "/a/b/d");
	clean("", "/");
	clean("/", "/");
	clean("/..", "/");
	clean("/a/../..", "/");
	clean("/a/b/..", "/a");
	clean("//x", "/x");
	build_caps();
	build_full();
	build_opts();
	volume_mounts();
	build_args();
	hostnames();

	unlink(file);
	rmdir(dir);
	free(file);
	return tap_done();
}
