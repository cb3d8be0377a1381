/* SPDX-License-Identifier: Apache-2.0 */
/* lxcconf.c: the LXC config of a container, made from its spec, and the
 * seccomp profile it names */
#include <arpa/inet.h>
#include <ctype.h>
#include <limits.h>
#include <linux/magic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>
#include <errno.h>
#include <unistd.h>

#include "dl.h"
#include "dl/caps.h"
#include "dl/lxcconf.h"
#include "dl/spec.h"
#include "dl/specload.h"

static bool has_nl(const char *s)
{
	return strchr(s, '\n') || strchr(s, '\r');
}

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

static void put_mount(FILE *f, const struct dl_mount *m)
{
	bool bind = dl_mount_is_bind(m), sep = false;
	size_t i;

	fputs("lxc.mount.entry = ", f);
	put_field(f, m->source);
	fputc(' ', f);
	put_field(f, m->dest + 1);
	fprintf(f, " %s ", bind ? "none" : m->type);
	/* type "bind" alone: recursive, as Docker's -v */
	if (bind && !dl_mount_has_bind_opt(m)) {
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

/* --device: the host's node bound at its place, and allowed in the
 * devices cgroup (not needed, but harmless, when privileged) */
static int put_user_devices(FILE *f, const struct dl_spec *sp, char **reason)
{
	const char *key = cg_v1("devices") ? "lxc.cgroup.devices" :
					     "lxc.cgroup2.devices";
	size_t i;

	for (i = 0; i < sp->ndevices; i++) {
		_cleanup_free_ char *d = dl_xstrdup(sp->devices[i]);
		char *ctr = strchr(d, ':') + 1, *perms = strchr(ctr, ':');
		struct stat st;

		ctr[-1] = '\0';
		*perms++ = '\0';
		if (stat(d, &st) < 0)
			return dl_fail(reason, DL_EXIT_NO, "unable to add device '%s': %s",
				       d, strerror(errno));
		if (!S_ISCHR(st.st_mode) && !S_ISBLK(st.st_mode))
			return dl_fail(reason, DL_EXIT_REJECT, "unable to add device '%s': not a device node",
				       d);
		fputs("lxc.mount.entry = ", f);
		put_field(f, d);
		fputc(' ', f);
		put_field(f, ctr + 1);
		fputs(" none bind,create=file 0 0\n", f);
		if (!sp->privileged)
			fprintf(f, "%s.allow = %c %u:%u %s\n", key,
				S_ISCHR(st.st_mode) ? 'c' : 'b', major(st.st_rdev),
				minor(st.st_rdev), perms);
	}
	return 0;
}

/* The namespaces of --pid and --ipc, and /dev/shm: the host's with --ipc
 * host, else a tmpfs of its own */
static void put_namespaces(FILE *f, const struct dl_spec *sp)
{
	/* the host's: those of the supervisor, where dl runs (with
	 * lxc.namespace.keep, liblxc 5 fails to make /dev) */
	if (sp->pid_host)
		fputs("lxc.namespace.share.pid = /proc/self/ns/pid\n", f);
	if (sp->ipc_host)
		fputs("lxc.namespace.share.ipc = /proc/self/ns/ipc\n", f);
	if (sp->pidns)
		fprintf(f, "lxc.namespace.share.pid = %s\n", sp->pidns);
	if (sp->ipcns)
		fprintf(f, "lxc.namespace.share.ipc = %s\n", sp->ipcns);
	if (sp->ipc_host) {
		fputs("lxc.mount.entry = /dev/shm dev/shm none rbind,create=dir 0 0\n", f);
	} else {
		fprintf(f, "lxc.mount.entry = shm dev/shm tmpfs rw,nosuid,nodev,noexec,mode=1777,size=%lld,create=dir 0 0\n",
			sp->shm_size > 0 ? (long long)sp->shm_size :
					   DL_SHM_SIZE_DEFAULT);
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
		/* memory and swap together: twice memory (as much swap
		 * again), as Docker's, unless --memory-swap says how much,
		 * or -1 for unlimited */
		long long both = sp->mem_swap ? (long long)sp->mem_swap :
						2 * (long long)sp->mem_limit;

		if (cg_v1("memory")) {
			fprintf(f, "lxc.cgroup.memory.limit_in_bytes = %lld\n",
				(long long)sp->mem_limit);
			if (both > 0 &&
			    access("/sys/fs/cgroup/memory/memory.memsw.limit_in_bytes",
				   F_OK) == 0)
				fprintf(f, "lxc.cgroup.memory.memsw.limit_in_bytes = %lld\n",
					both);
		} else {
			fprintf(f, "lxc.cgroup2.memory.max = %lld\n",
				(long long)sp->mem_limit);
			if (both > 0)
				fprintf(f, "lxc.cgroup2.memory.swap.max = %lld\n",
					both - (long long)sp->mem_limit);
		}
	}
	if (sp->cpuset_cpus)
		fprintf(f, "%s = %s\n", cg_v1("cpuset") ? "lxc.cgroup.cpuset.cpus" :
						       "lxc.cgroup2.cpuset.cpus",
			sp->cpuset_cpus);
	if (sp->cpu_shares > 0) {
		if (cg_v1("cpu"))
			fprintf(f, "lxc.cgroup.cpu.shares = %lld\n",
				(long long)sp->cpu_shares);
		else	/* runc's conversion of shares to a v2 weight */
			fprintf(f, "lxc.cgroup2.cpu.weight = %lld\n",
				1 + ((long long)sp->cpu_shares - 2) * 9999 / 262142);
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

/* --ulimit, --oom-score-adj and --sysctl, as LXC sets them */
static void put_process(FILE *f, const struct dl_spec *sp, const char *id)
{
	size_t i;

	for (i = 0; i < sp->nrlimits; i++) {
		const struct dl_rlimit *l = &sp->rlimits[i];

		fprintf(f, "lxc.prlimit.%s = ", l->name);
		if (l->soft < 0)
			fputs("unlimited", f);
		else
			fprintf(f, "%lld", (long long)l->soft);
		if (l->hard < 0)
			fputs(":unlimited\n", f);
		else
			fprintf(f, ":%lld\n", (long long)l->hard);
	}
	if (sp->oom_set)
		fprintf(f, "lxc.proc.oom_score_adj = %d\n", sp->oom_score_adj);
	/* LXC's lxc.sysctl comes after /proc/sys is read-only: dl-sysctl-set
	 * writes them from the host, in the container's namespaces, once
	 * they are made and before the command runs */
	if (sp->nsysctl) {
		const char *dir = getenv("DL_EXEC_PATH");

		if (dir && !strpbrk(dir, " \t\n"))
			fprintf(f, "lxc.hook.start-host = %s/dl-sysctl-set %s\n",
				dir, id);
		else
			for (i = 0; i < sp->nsysctl; i++)
				fprintf(f, "lxc.sysctl.%s = %s\n",
					sp->sysctl_keys[i], sp->sysctl_vals[i]);
	}
}

/* A capability as lxc.cap.keep takes it: lower case, without "cap_". */
static void put_cap(FILE *f, int n)
{
	fputc(' ', f);
	for (const char *p = dl_cap_names[n]; *p; p++)
		fputc(tolower((unsigned char)*p), f);
}

static void put_caps(FILE *f, const struct dl_spec *sp)
{
	size_t i;

	if (sp->privileged)
		return;
	fputs("lxc.cap.keep =", f);
	if (sp->caps_set) {
		if (sp->ncaps == 0)
			fputs(" none", f);
		for (i = 0; i < sp->ncaps; i++)
			put_cap(f, dl_cap_number(sp->caps[i]));
	} else {
		for (int n = 0; n <= DL_CAP_LAST; n++)
			if (DL_CAPS_DOCKER >> n & 1)
				put_cap(f, n);
	}
	fputc('\n', f);
}

int dl_lxc_config(const struct dl_spec *sp, const char *id, const char *dir,
		  const char *console, const struct dl_lxc_net *net, char **out,
		  char **reason)
{
	_cleanup_free_ char *host = dl_spec_hostname(sp, id);
	_cleanup_free_ char *rootfs = dl_xasprintf("%s/rootfs", dir);
	char *buf = NULL;
	size_t len = 0, i;
	FILE *f;
	int r;

	if (has_nl(dir) || strpbrk(dir, " \t"))
		return dl_fail(reason, DL_EXIT_REJECT, "'%s': LXC cannot hold this path", dir);
	f = open_memstream(&buf, &len);
	if (!f)
		dl_oom();
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
	put_namespaces(f, sp);
	fputs("lxc.mount.entry = mqueue dev/mqueue mqueue rw,nosuid,nodev,noexec,create=dir 0 0\n", f);
	/* the terminal is also the console, as with docker run -t */
	if (console && !has_nl(console) && !strpbrk(console, " \t\\"))
		fprintf(f, "lxc.mount.entry = %s dev/console none bind,create=file 0 0\n",
			console);
	for (i = 0; i < sp->nmounts; i++)
		if (!dl_mount_lxc_owns(&sp->mounts[i]))
			put_mount(f, &sp->mounts[i]);
	if (!sp->privileged)
		put_masks(f, sp, rootfs);
	put_caps(f, sp);
	if (sp->nnp)
		fputs("lxc.no_new_privs = 1\n", f);
	/* no lxc.seccomp.profile: dl's init loads the filter, compiled once
	 * per profile (dl_init_seccomp()); dl-attach names the profile to
	 * liblxc for the commands it runs */
	put_devices(f, sp->privileged);
	if ((r = put_user_devices(f, sp, reason))) {
		fclose(f);
		free(buf);
		return r;
	}
	put_limits(f, sp);
	put_process(f, sp, id);
	if (sp->netns) {
		fprintf(f, "lxc.namespace.share.net = %s\n", sp->netns);
	} else if (net) {
		struct in_addr a = { 0 };
		uint32_t h;

		inet_pton(AF_INET, net->addr, &a);
		h = ntohl(a.s_addr);
		/* the host end is named after the container, and the MAC
		 * after the address, as Docker makes them (02:42:IP) */
		fprintf(f, "lxc.net.0.type = veth\n"
			   "lxc.net.0.link = %s\n"
			   "lxc.net.0.flags = up\n"
			   "lxc.net.0.name = eth0\n"
			   "lxc.net.0.veth.pair = dl%.12s\n"
			   "lxc.net.0.hwaddr = 02:42:%02x:%02x:%02x:%02x\n"
			   "lxc.net.0.ipv4.address = %s/%u %s\n"
			   "lxc.net.0.ipv4.gateway = %s\n",
			net->bridge, id, h >> 24, (h >> 16) & 0xff,
			(h >> 8) & 0xff, h & 0xff, net->addr, net->prefix,
			inet_ntoa((struct in_addr){ htonl(h | ~(~UINT32_C(0) << (32 - net->prefix))) }),
			net->gateway);
	} else {
		fprintf(f, "lxc.net.0.type = %s\n",
			!strcmp(sp->network, "host") ? "none" : "empty");
	}
	/* The init starts as root in "/", with liblxc's descriptors still
	 * open: the user, the groups and the working directory are dl's
	 * init's to set, once those are closed (dl_init_arm()). */
	fputs("lxc.init.uid = 0\n", f);
	fputs("lxc.init.gid = 0\n", f);
	fputs("lxc.init.cwd = /\n", f);
	if (fclose(f) != 0)
		dl_oom();
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
		dl_oom();
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
		dl_oom();
	return buf;
}

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

