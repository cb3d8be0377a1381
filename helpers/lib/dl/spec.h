/* SPDX-License-Identifier: Apache-2.0 */
/* spec.h: the OCI runtime spec of a container, from docker-run-like
 * options and the image config */
#ifndef DL_SPEC_H
#define DL_SPEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <jansson.h>

#include "dl/rootpath.h"

/*
 * The int functions here return 0, or a DL_EXIT_* code with @reason set to
 * a malloc'd whole message ("unable to mount '/x': no such file or
 * directory"), to print after "PROG: fatal: ".  DL_EXIT_USAGE means a bad
 * option value, DL_EXIT_NO a missing bind source, DL_EXIT_FAIL a system or
 * jansson failure.  The json_t * functions return a new reference, or NULL
 * when jansson fails (out of memory, or a string that is not UTF-8).
 * Nothing here needs privileges; none prints or exits.
 */

/*
 * Docker's masked paths (linux.maskedPaths: hidden from the container) and
 * read-only paths (linux.readonlyPaths), which dl_spec_build() writes for
 * every container but a privileged one, and the LXC config applies when a
 * spec has none; dl_spec_nmasked_paths and dl_spec_nreadonly_paths count
 * them.
 */
extern const char *const dl_spec_masked_paths[];
extern const size_t dl_spec_nmasked_paths;
extern const char *const dl_spec_readonly_paths[];
extern const size_t dl_spec_nreadonly_paths;

/* What the options ask for; fill with dl_spec_opt(). */
struct dl_spec_opts {
	const char *name, *workdir, *user, *entrypoint, *hostname;
	const char *image_name, *network;
	bool readonly, tty, interactive, rm, init, privileged, nnp;
	bool add_all, drop_all;
	uint64_t cap_add, cap_drop;
	long long memory, pids, cpu_quota;
	json_t *env;	/* the -e values, in order */
	json_t *mounts; /* spec mounts, in order */
	json_t *dns, *dns_search, *hosts; /* strings, in order */
	const char *stop_signal, *stop_timeout, *cpuset_cpus, *cidfile;
	long long memory_swap;	/* 0: as memory (no swap), -1: unlimited */
	long long cpu_shares;	/* 0: the default */
	int oom_score_adj;
	bool oom_set;
	json_t *rlimits;	/* OCI process.rlimits, in order */
	json_t *sysctl;		/* OCI linux.sysctl */
	json_t *group_add;	/* --group-add values (names or numbers) */
	/* the volumes of the mounts: {"name","destination","nocopy",
	 * "anonymous"}, in order (dl/volume.h) */
	json_t *volumes;
	json_t *labels; /* --label K=V, an object */
	json_t *publish; /* -p, as dl_port_string() writes them */
	bool publish_all; /* -P: what dl_spec_publish_exposed() adds */
	json_t *aliases; /* --network-alias, strings, in order */
	/* --pid, --ipc: NULL (private), "host", "container:NAME" (an ID once
	 * dl-container-new resolved it), and for --ipc "private" or
	 * "shareable" */
	const char *pid_mode, *ipc_mode;
	long long shm_size;	/* --shm-size bytes, 0: Docker's 64 MiB */
	/* --device: {"host","path","perms","type","major","minor",
	 * "mode","uid","gid"}, in order */
	json_t *devices;
	json_t *cap_add_names, *cap_drop_names; /* as given, for inspect */
	json_t *security_opts;	/* --security-opt values, as given */
	/* --restart, as given (checked); NULL: no */
	const char *restart;
	/* --health-*: as given (checked); --no-healthcheck */
	const char *health_cmd, *health_interval, *health_timeout;
	const char *health_retries, *health_start_period;
	bool no_healthcheck;
	/* the healthcheck, merged with the image's (dl_health_merge()): a
	 * Docker Healthcheck object as compact JSON, or NULL; kept as
	 * annotation org.dockerlite.healthcheck */
	char *healthcheck;
};

/* Docker's default size of a container's /dev/shm */
#define DL_SHM_SIZE_DEFAULT (64LL << 20)

/**
 * dl_spec_opts_init() - set @o to no options at all (network "bridge")
 * @o: the options
 * Return: 0, or -1 when jansson is out of memory.
 */
extern int dl_spec_opts_init(struct dl_spec_opts *o);

/**
 * dl_spec_opts_free() - free what dl_spec_opts_init() and dl_spec_opt()
 * allocated
 * @o: the options; may be zeroed
 */
extern void dl_spec_opts_free(struct dl_spec_opts *o);

/**
 * dl_spec_opt() - take one option, as `docker run` does
 * @o: the options so far
 * @key: the long option name: name, env, workdir, user, entrypoint
 *       ('' clears), hostname, volume (SRC:DST[:OPTS]), mount
 *       (type=bind|tmpfs,...), tmpfs (DST[:OPTS]), memory (N[bkmg]), cpus
 *       (DECIMAL), pids-limit, cap-add, cap-drop (CAP or ALL), security-opt
 *       (no-new-privileges[=BOOL]), network or net (bridge|none|host),
 *       dns (IP), dns-search (DOMAIN), add-host (NAME:IP), image-name,
 *       stop-signal, stop-timeout, ulimit (NAME=SOFT[:HARD]), sysctl
 *       (K=V), oom-score-adj, cpuset-cpus, cpu-shares, memory-swap,
 *       group-add, cidfile, pid (host|container:NAME), ipc
 *       (host|container:NAME|private|shareable), device
 *       (HOST[:CTR][:PERMS], HOST a device node: stat(2) here),
 *       shm-size (N[bkmg]), restart (no|on-failure[:N]|always|
 *       unless-stopped), health-cmd, health-interval, health-timeout,
 *       health-start-period (Go durations), health-retries;
 *       label (K=V, or K for an empty value; the last one of K wins),
 *       publish ([HOSTIP:][HOSTPORT:]CTRPORT[/PROTO]); the flags
 *       read-only, privileged, tty, interactive, rm, init, publish-all and
 *       no-healthcheck
 * @val: the value, NULL for a flag; kept by pointer, so it must outlive @o
 *       (argv strings do)
 * @reason: receives the failure text
 *
 * A bind source must be an absolute path that exists (stat(2) here).
 *
 * Return: 0 or a DL_EXIT_* code (DL_EXIT_USAGE for an unknown @key).
 */
extern int dl_spec_opt(struct dl_spec_opts *o, const char *key,
		       const char *val, char **reason);

/**
 * dl_spec_labels_merge() - add to the --label values those of the image
 * config's Labels they do not name (as Docker: the container's own win)
 * @o: the options
 * @image_labels: the image config's Labels object (may be NULL)
 * Return: 0, or -1 when jansson is out of memory.
 */
extern int dl_spec_labels_merge(struct dl_spec_opts *o, json_t *image_labels);

/**
 * dl_spec_opts_check() - check what depends on several options: no two
 * mounts on the same destination
 * @o: the options
 * @reason: receives the failure text
 * Return: 0 or DL_EXIT_USAGE.
 */
extern int dl_spec_opts_check(const struct dl_spec_opts *o, char **reason);

/**
 * dl_spec_add_volume() - mount volume @name (made when missing by
 * dl-container-new) at @dst, as -v NAME:DST does
 * @o: the options
 * @name: the volume, or NULL for a new anonymous one (a fresh 64-hex name)
 * @dst: the target, absolute
 * @ro: mount it read-only
 * @nocopy: never fill it with the image's files at @dst
 * @spec: the option as given, for messages
 * @reason: receives the failure text
 * Return: 0, DL_EXIT_USAGE (a bad name or target) or DL_EXIT_FAIL.
 */
extern int dl_spec_add_volume(struct dl_spec_opts *o, const char *name,
			      const char *dst, bool ro, bool nocopy,
			      const char *spec, char **reason);

/**
 * dl_spec_image_volumes() - an anonymous volume for each VOLUME of the
 * image (config.Volumes) that no mount of @o covers already
 * @o: the options
 * @cfg: the "config" object of the image config (may be NULL)
 * @reason: receives the failure text
 * Return: 0, DL_EXIT_REJECT (a VOLUME that is no absolute path) or
 * DL_EXIT_FAIL.
 */
extern int dl_spec_image_volumes(struct dl_spec_opts *o, json_t *cfg,
				 char **reason);

/**
 * dl_spec_publish_exposed() - with -P, publish each port of the image's
 * ExposedPorts ("80/tcp") on a free host port, unless -p publishes it
 * @o: the options
 * @cfg: the "config" object of the image config (may be NULL)
 * @reason: receives the failure text
 * Return: 0, DL_EXIT_REJECT for an exposed port that is no port, or
 * DL_EXIT_FAIL.
 */
extern int dl_spec_publish_exposed(struct dl_spec_opts *o, json_t *cfg,
				   char **reason);

/**
 * dl_spec_args() - the command line: the image Entrypoint and Cmd, with
 * Docker's precedence of --entrypoint and COMMAND
 * @o: the options
 * @cfg: the "config" object of the image config (may be NULL)
 * @cmd: COMMAND [ARG...], replacing the image Cmd
 * @ncmd: how many, 0 for none
 * Return: a new array (possibly empty: no command at all), or NULL.
 */
extern json_t *dl_spec_args(const struct dl_spec_opts *o, json_t *cfg,
			    char *const *cmd, int ncmd);

/**
 * dl_spec_env() - the environment as Docker makes it: PATH, HOSTNAME (and
 * TERM with a terminal) first, then the -e values, then the image's
 * variables they do not name; a bare "K" takes the caller's value
 * (getenv(3)), or unsets K
 * @o: the options
 * @image_env: the image's Env array (may be NULL)
 * @hostname: the container's hostname
 * Return: a new array of "K=V" strings, or NULL.
 */
extern json_t *dl_spec_env(const struct dl_spec_opts *o, json_t *image_env,
			   const char *hostname);

/**
 * dl_spec_env_find() - the index of variable K of "K=V" (or "K") in @env
 * @env: an array of "K=V" strings
 * @kv: "K=V" or "K"
 * Return: the index, or -1 when K is not set.
 */
extern ssize_t dl_spec_env_find(json_t *env, const char *kv);

/**
 * dl_spec_make_hostname() - the container's hostname: --hostname, the host's
 * with --network host, else the first 12 digits of @id
 * @o: the options
 * @id: the container ID
 * @out: receives the name and a NUL
 */
extern void dl_spec_make_hostname(const struct dl_spec_opts *o,
				  const char *id, char out[65]);

/**
 * dl_clean_path() - clean a path lexically, as Go's filepath.Clean:
 * "/a//b/./c/../d/" is "/a/b/d", "" is "/"
 * @p: an absolute path
 * Return: a malloc'd path (dies on out-of-memory, as dl_xmalloc()).
 */
extern char *dl_clean_path(const char *p);

/**
 * dl_spec_build() - the runtime spec document (spec.json of a container)
 * @o: the options: capabilities, mounts, resources, namespaces, masked
 *     paths, annotations
 * @args: process.args (a reference is taken)
 * @env: process.env (a reference is taken)
 * @cwd: process.cwd, an absolute clean path
 * @user: process.user
 * @hostname: the hostname
 * @ids: the image IDs the root is made of, the last one on top
 * @nids: how many, at least 1
 * @created: the org.dockerlite.created annotation, RFC 3339
 * Return: the document, or NULL.
 */
extern json_t *dl_spec_build(const struct dl_spec_opts *o, json_t *args,
			     json_t *env, const char *cwd,
			     const struct dl_user *user, const char *hostname,
			     char *const *ids, size_t nids,
			     const char *created);

#endif
