/* SPDX-License-Identifier: Apache-2.0 */
/* specload.h: the OCI runtime spec of a container as read from
 * containers/ID/spec.json and checked, for running it */
#ifndef DL_SPECLOAD_H
#define DL_SPECLOAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <jansson.h>

/* One entry of spec.mounts[]. */
struct dl_mount {
	const char *dest;
	const char *type;
	const char *source;
	const char **options;
	size_t nopts;
};

/*
 * The parts of an OCI runtime spec (containers/ID/spec.json) dockerlite
 * uses.  Strings point into @doc.  Limits are 0 when unset.
 */
/* One of process.rlimits: name as LXC's lxc.prlimit takes it ("nofile"),
 * -1 for unlimited. */
struct dl_rlimit {
	char name[16];
	int64_t soft, hard;
};

struct dl_spec {
	json_t *doc;
	const char **args;
	size_t nargs;
	const char **env;
	size_t nenv;
	const char *cwd;
	bool terminal;
	uid_t uid;
	gid_t gid;
	gid_t *gids;
	size_t ngids;
	bool caps_set;		/* process.capabilities given */
	const char **caps;	/* its bounding set, "CAP_CHOWN"... */
	size_t ncaps;
	bool nnp;
	const char *hostname;	/* NULL: the first 12 digits of the ID */
	bool root_ro;
	struct dl_mount *mounts;
	size_t nmounts;
	int64_t mem_limit;
	int64_t pids_limit;
	int64_t cpu_quota;
	uint64_t cpu_period;
	const char *network;	/* "bridge", "none" (default) or "host" */
	const char *netns;	/* linux.namespaces network path, or NULL */
	bool masked_set;	/* linux.maskedPaths given (else Docker's) */
	const char **masked;
	size_t nmasked;
	bool ro_set;		/* linux.readonlyPaths given (else Docker's) */
	const char **ro_paths;
	size_t nro;
	bool privileged;
	bool rm;
	bool interactive;	/* -i: a detached run keeps stdin open */
	const char *stop_signal; /* annotation org.dockerlite.stop-signal */
	const char *stop_timeout; /* annotation org.dockerlite.stop-timeout */
	struct dl_rlimit *rlimits; /* process.rlimits */
	size_t nrlimits;
	bool oom_set;		/* process.oomScoreAdj given */
	int oom_score_adj;
	const char **sysctl_keys; /* linux.sysctl */
	const char **sysctl_vals;
	size_t nsysctl;
	const char *cpuset_cpus; /* linux.resources.cpu.cpus, or NULL */
	int64_t cpu_shares;	/* linux.resources.cpu.shares, 0: none */
	int64_t mem_swap;	/* linux.resources.memory.swap, 0: none */
	char **dns;		/* --dns, --dns-search, --add-host (NAME:IP) */
	size_t ndns;
	char **dns_search;
	size_t ndns_search;
	char **add_hosts;
	size_t nadd_hosts;
	char **volumes;		/* org.dockerlite.volumes: the volumes used */
	size_t nvolumes;
	char **publish;		/* -p, as dl_port_string() writes them */
	size_t npublish;
	/* linux.namespaces given without "pid" or "ipc": the host's */
	bool pid_host, ipc_host;
	/* annotations org.dockerlite.pid and .ipc "container:ID": the ID */
	const char *pid_join, *ipc_join;
	/* what dl-spawn found for them: /proc/PID/ns/pid and ipc
	 * (malloc'd, freed by dl_spec_free()) */
	char *pidns, *ipcns;
	/* dl-spawn: the descriptor at which the init finds the /dev/shm of
	 * the container whose IPC namespace it joins (dl_shm_clone()), to
	 * move onto its own; 0: none */
	int shm_fd;
	int64_t shm_size;	/* org.dockerlite.shm-size, 0: the default */
	/* org.dockerlite.devices "HOST:CTR:PERMS,...": --device */
	char **devices;
	size_t ndevices;
};

/**
 * dl_spec_load() - read and check an OCI runtime spec
 * @path: the file
 * @spec: receives the parsed spec; free with dl_spec_free()
 * @reason: receives the failure text
 * Return: 0, DL_EXIT_REJECT (invalid document) or DL_EXIT_FAIL.
 */
extern int dl_spec_load(const char *path, struct dl_spec *spec,
			char **reason);

/**
 * dl_spec_free() - release what dl_spec_load() allocated
 * @spec: the spec (may be zeroed)
 */
extern void dl_spec_free(struct dl_spec *spec);

/**
 * dl_spec_has_cap() - tell whether the container holds a capability
 * @spec: the spec
 * @name: "SYS_ADMIN" (without the CAP_ prefix)
 * Return: true for a privileged container or when in its bounding set.
 */
extern bool dl_spec_has_cap(const struct dl_spec *spec, const char *name);

/**
 * dl_spec_environ() - the environment of a process in the container: the
 * spec's env, plus HOSTNAME and a default PATH when missing (as Docker),
 * TERM=xterm when @tty and missing, then @extra ("K=V" replaces, a bare "K"
 * takes our own value of K or drops it)
 * @spec: the spec
 * @hostname: the container's host name
 * @tty: a terminal is attached
 * @extra: more variables, or NULL
 * @nextra: their number
 * Return: a malloc'd NULL-terminated array (dies on OOM).
 */
extern char **dl_spec_environ(const struct dl_spec *spec, const char *hostname,
			      bool tty, char *const *extra, size_t nextra);

/**
 * dl_spec_hostname() - the container's host name
 * @spec: the spec
 * @id: the full container ID
 * Return: a malloc'd string.
 */
extern char *dl_spec_hostname(const struct dl_spec *spec, const char *id);

/**
 * dl_mount_has_opt() - tell whether a mount has option @opt
 * @m: the mount
 * @opt: the option, "ro"...
 * Return: true or false.
 */
extern bool dl_mount_has_opt(const struct dl_mount *m, const char *opt);

/**
 * dl_mount_has_bind_opt() - tell whether a mount has a "bind" or "rbind"
 * option
 * @m: the mount
 * Return: true or false.
 */
extern bool dl_mount_has_bind_opt(const struct dl_mount *m);

/**
 * dl_mount_is_bind() - tell whether a mount is a bind mount: type "bind",
 * or a "bind" or "rbind" option
 * @m: the mount
 * Return: true or false.
 */
extern bool dl_mount_is_bind(const struct dl_mount *m);

/**
 * dl_mount_lxc_owns() - tell whether LXC itself makes this mount
 * (lxc.autodev, lxc.mount.auto: /proc, /sys, /dev...), which an OCI spec
 * may list too: it is skipped, unless a bind mount
 * @m: the mount
 * Return: true or false.
 */
extern bool dl_mount_lxc_owns(const struct dl_mount *m);

#endif
