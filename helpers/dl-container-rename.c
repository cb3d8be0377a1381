/* SPDX-License-Identifier: Apache-2.0 */
/* dl-container-rename: give a container another name */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "dl.h"
#include "dl/json.h"
#include "dl/ref.h"
#include "dl/refname.h"

#define USAGE "dl-container-rename ID NAME"

/* Whether NAME names ID already: a rename of ID to NAME cut short after
 * it took the name (refs/containers/NAME holds the ID and a newline) */
static bool names_it(const char *name, const char *id)
{
	_cleanup_free_ char *p = dl_path("refs/containers/%s", name);
	_cleanup_free_ char *text = NULL;
	size_t len;

	return dl_read_file(p, &text, &len) == 0 && len >= DL_ID_LEN &&
	       !strncmp(text, id, DL_ID_LEN) &&
	       (len == DL_ID_LEN || text[DL_ID_LEN] == '\n');
}

int main(int argc, char **argv)
{
	_cleanup_free_ char *why = NULL, *spath = NULL, *old = NULL;
	const char *id, *name;
	json_t *spec, *ann, *cur;
	int ret;

	dl_set_prog(argv[0]);
	opterr = 0;
	if (dl_want_help(argc, argv))
		dl_help(USAGE, NULL);
	if (getopt(argc, argv, "+") != -1 || argc - optind != 2)
		dl_usage(USAGE);
	id = argv[optind];
	name = argv[optind + 1];
	/* "/web" is web, as Docker's names are shown */
	if (*name == '/')
		name++;
	if (!dl_is_id(id))
		dl_die(DL_EXIT_USAGE, "unable to rename container '%s': "
		       DL_ID_INVALID, id);
	if (!dl_is_container_name(name))
		dl_die(DL_EXIT_USAGE, "unable to use name '%s': invalid "
		       "container name, must match [a-zA-Z0-9][a-zA-Z0-9_.-]*",
		       name);
	dl_store_need();

	/* the new name, the spec and the old name change under one take
	 * of the refs lock: no dl run --name nor dl rm sees half of it */
	ret = dl_ref_lock(&why);
	if (ret)
		dl_die(ret, "unable to lock 'refs': %s", why);
	spath = dl_path("containers/%s/spec.json", id);
	spec = dl_json_load(spath, &why);
	if (!spec)
		dl_die(errno == ENOENT ? DL_EXIT_NO : DL_EXIT_REJECT,
		       "unable to rename container '%s': %s", id,
		       errno == ENOENT ? "no such container" : why);
	ann = json_object_get(spec, "annotations");
	if (!json_is_object(ann))
		dl_die(DL_EXIT_REJECT, "unable to rename container '%s': "
		       "spec.json has no annotations", id);
	cur = json_object_get(ann, "org.dockerlite.name");
	if (json_is_string(cur))
		old = dl_xstrdup(json_string_value(cur));
	if (old && !strcmp(old, name))
		dl_die(DL_EXIT_CONFLICT, "unable to rename container '%s': it "
		       "is named '%s' already", id, name);
	free(why);
	why = NULL;
	ret = names_it(name, id) ? 0 : dl_ref_container_set(name, id, &why);
	if (ret == DL_EXIT_CONFLICT)
		dl_die(ret, "unable to rename container '%s': name '%s' "
		       "already in use", id, name);
	if (ret)
		dl_die(ret, "unable to rename container '%s': %s", id, why);
	dl_fault("dl-container-rename:name");
	if (json_object_set_new(ann, "org.dockerlite.name",
				json_string(name)) < 0 ||
	    dl_json_save(spath, spec) < 0) {
		int saved = errno;

		free(why);
		why = NULL;
		if (dl_ref_container_rm_if(name, id, &why))
			dl_warn("unable to release name '%s': %s", name, why);
		errno = saved;
		dl_die_sys(DL_EXIT_FAIL, "unable to write '%s'", spath);
	}
	/* renamed: an old name left behind is a name of no container's,
	 * which the next taker and dl system check --repair take */
	if (old) {
		free(why);
		why = NULL;
		ret = dl_ref_container_rm_if(old, id, &why);
		if (ret && ret != DL_EXIT_NO)
			dl_warn("unable to release name '%s': %s", old, why);
	}
	dl_ref_unlock();
	json_decref(spec);
	return dl_finish_stdout();
}
