/* SPDX-License-Identifier: Apache-2.0 */
/* lxcconf.h: the LXC config of a container, made from its spec, and
 * the seccomp profile it names */
#ifndef DL_LXCCONF_H
#define DL_LXCCONF_H

#include <stdbool.h>

struct dl_spec;

/* A container's interface on a bridge: LXC makes the veth pair, puts one
 * end on the bridge and gives the other, eth0, the address. */
struct dl_lxc_net {
	const char *bridge;
	const char *addr;    /* "10.88.0.2" */
	unsigned prefix;
	const char *gateway; /* "10.88.0.1" */
};

/**
 * dl_lxc_config() - make the LXC config of a container from its spec, from
 * scratch (no lxc.include of the distribution defaults)
 * @spec: the spec
 * @id: the full container ID (the LXC name)
 * @dir: the absolute containers/ID directory
 * @console: the host path of the terminal to bind on /dev/console, or NULL
 * @net: with network "bridge", its interface; else NULL
 * @out: receives the malloc'd config text
 * @reason: receives the failure text
 * Return: 0, DL_EXIT_REJECT (a value the config cannot hold, a --device
 * that is no device node) or DL_EXIT_NO (a --device that is gone).
 */
extern int dl_lxc_config(const struct dl_spec *spec, const char *id,
			 const char *dir, const char *console,
			 const struct dl_lxc_net *net, char **out,
			 char **reason);

/**
 * dl_seccomp_profile() - the seccomp profile of a container: @base (LXC v2
 * denylist format), without the block headed "# unless cap_sys_admin" when
 * the container holds CAP_SYS_ADMIN
 * @base: the text of share/dl.seccomp
 * @sys_admin: the container holds CAP_SYS_ADMIN
 * Return: a malloc'd text.
 */
extern char *dl_seccomp_profile(const char *base, bool sys_admin);

/**
 * dl_sharedir() - the directory of dl.seccomp: $DL_SHAREDIR, else beside
 * the running helper (../share/dockerlite, ../../share/dockerlite,
 * ../share)
 * Return: a malloc'd path, or NULL when none holds dl.seccomp.
 */
extern char *dl_sharedir(void);

#endif
