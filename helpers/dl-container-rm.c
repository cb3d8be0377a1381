/* SPDX-License-Identifier: Apache-2.0 */
/* dl-container-rm: remove a container that is not running */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "dl.h"
#include "dl/container.h"
#include "dl/lease.h"
#include "dl/netconf.h"
#include "dl/lxc.h"
#include "dl/netfiles.h"
#include "dl/portmap.h"
#include "dl/state.h"
#include "dl/json.h"
#include "dl/netmember.h"
#include "dl/volume.h"

#define USAGE "dl-container-rm [-v] CONTAINER_ID"
#define OPTIONS                                                                \
	"  -v           remove its anonymous volumes too (those no other "     \
	"container uses)\n"                                                    \
	"  -h, --help   show this help\n"

/* An address and ports its supervisor, killed, did not give back go now. */
static void drop_lease(const char *id)
{
	_cleanup_free_ char *dir = dl_path("containers/%s", id);
	_cleanup_free_ char *real = realpath(dir, NULL), *why = NULL;
	_cleanup_free_ char *spec = NULL;
	const char *name;
	struct dl_net net;
	json_t *j;

	if (real && dl_port_unpublish(real, &why))
		dl_warn("unable to unpublish the ports of container '%s': %s",
			id, why);
	free(why);
	why = NULL;
	if (!real)
		return;
	/* the networks it was connected to */
	if (dl_net_connected_drop(real, &why))
		dl_warn("unable to disconnect container '%s': %s", id, why);
	free(why);
	why = NULL;
	/* the network it ran on: the bridge one unless its spec names
	 * another */
	spec = dl_xasprintf("%s/spec.json", real);
	j = json_load_file(spec, 0, NULL);
	name = json_string_value(json_object_get(
		json_object_get(j, "annotations"), "org.dockerlite.network"));
	if (!name)
		name = "bridge";
	if (!strcmp(name, "none") || !strcmp(name, "host") ||
	    !strncmp(name, "container:", 10) ||
	    dl_net_load_named(name, &net, NULL, &why)) {
		json_decref(j);
		return;
	}
	if (dl_lease_drop(&net, real, &why))
		dl_warn("unable to release the address of container '%s': %s",
			id, why);
	free(why);
	why = NULL;
	/* the others of a user-defined network no longer find it */
	if (strcmp(name, "bridge") && dl_net_hosts_refresh(&net, &why))
		dl_warn("unable to update the hosts of network '%s': %s", name,
			why);
	json_decref(j);
}

/* The volumes the container's spec names (none when it cannot be read:
 * the container still goes). */
static char **spec_volumes(const char *id, size_t *n)
{
	_cleanup_free_ char *path = dl_path("containers/%s/spec.json", id);
	_cleanup_free_ char *why = NULL;
	json_t *spec = dl_json_load(path, &why);
	char **v = dl_volume_of_spec(spec, n);

	json_decref(spec);
	return v;
}

int main(int argc, char **argv)
{
	_cleanup_free_ char *why = NULL;
	_cleanup_close_ int lock = -1;
	char **volumes = NULL;
	bool vols = false;
	size_t nvolumes = 0;
	const char *id;
	int opt, ret;

	dl_set_prog(argv[0]);
	opterr = 0;
	if (dl_want_help(argc, argv))
		dl_help(USAGE, OPTIONS);
	while ((opt = getopt(argc, argv, "+v")) != -1) {
		if (opt != 'v')
			dl_usage(USAGE);
		vols = true;
	}
	if (argc - optind != 1)
		dl_usage(USAGE);
	id = argv[optind];
	if (!dl_is_id(id))
		dl_die(DL_EXIT_USAGE, "unable to remove container '%s': " DL_ID_INVALID,
		       id);
	dl_store_need();

	/* the container's one lock: no start can begin while we hold it,
	 * and a supervisor holds it from before "starting" to the end */
	ret = dl_state_lock(id, true, &lock, &why);
	if (ret == DL_EXIT_CONFLICT)
		dl_die(ret, "unable to remove container '%s': %s", id,
		       dl_container_busy(id));
	if (ret)
		dl_die(ret, "unable to remove container '%s': %s", id, why);
	/* its supervisor killed, the container may still run unwatched */
	dl_lxc_log(NULL, false);
	if (dl_lxc_init_pid(id) > 0)
		dl_die(DL_EXIT_CONFLICT, "unable to remove container '%s': "
		       "container is running", id);
	drop_lease(id);
	if (vols)
		volumes = spec_volumes(id, &nvolumes);
	ret = dl_container_remove_held(id, lock, &why);
	if (ret)
		dl_die(ret, "unable to remove container '%s': %s", id, why);
	free(dl_steal_pointer(&why));
	ret = dl_volume_drop_anonymous(volumes, nvolumes, &why);
	if (ret)
		dl_die(ret, "unable to remove the anonymous volumes of "
		       "container '%s': %s", id, why);
	dl_volume_names_free(volumes);
	return dl_finish_stdout();
}
