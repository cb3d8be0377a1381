/* SPDX-License-Identifier: Apache-2.0 */
/* imgconfig.c: OCI image configs: the machine's architecture, the default
 * config, the fields every config must have */
#include <errno.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <jansson.h>

#include "dl.h"
#include "dl/imgconfig.h"
#include "dl/json.h"

const char *dl_goarch(void)
{
	static const char *const map[][2] = {
		{ "x86_64", "amd64" },	  { "aarch64", "arm64" },
		{ "armv7l", "arm" },	  { "armv6l", "arm" },
		{ "i386", "386" },	  { "i686", "386" },
		{ "ppc64le", "ppc64le" }, { "s390x", "s390x" },
		{ "riscv64", "riscv64" }, { "mips64", "mips64" },
	};
	static struct utsname u;
	size_t i;

	if (uname(&u) < 0)
		return "amd64";
	for (i = 0; i < sizeof(map) / sizeof(*map); i++)
		if (!strcmp(u.machine, map[i][0]))
			return map[i][1];
	return u.machine;
}

json_t *dl_imgconfig_new(void)
{
	return json_pack("{s:s, s:s, s:{}, s:{s:s, s:[]}}", "architecture",
			 dl_goarch(), "os", "linux", "config", "rootfs", "type",
			 "layers", "diff_ids");
}

/* Set @key to @v (stolen) unless @j has it: 0, or -1 when @v is NULL. */
static int set_default(json_t *j, const char *key, json_t *v)
{
	if (json_object_get(j, key)) {
		json_decref(v);
		return 0;
	}
	return json_object_set_new(j, key, v);
}

int dl_imgconfig_fill(json_t *j, const char *created)
{
	if (set_default(j, "architecture", json_string(dl_goarch())) < 0 ||
	    set_default(j, "os", json_string("linux")) < 0 ||
	    set_default(j, "rootfs", json_pack("{s:s, s:[]}", "type", "layers",
					       "diff_ids")) < 0)
		return -1;
	if (created && set_default(j, "created", json_string(created)) < 0)
		return -1;
	return 0;
}

/* Set @key of @o to the string @s: 0, or -1 (EINVAL: not UTF-8). */
static int set_str(json_t *o, const char *key, const char *s)
{
	json_t *v = json_string(s);

	if (!v) {
		errno = EINVAL;
		return -1;
	}
	if (json_object_set_new(o, key, v) < 0) {
		errno = ENOMEM;
		return -1;
	}
	return 0;
}

int dl_imgconfig_stamp(json_t *j, const struct dl_history *h)
{
	json_t *hist = json_object_get(j, "history"), *e;

	if (hist && !json_is_array(hist)) {
		errno = EINVAL;
		return -1;
	}
	e = json_object();
	if (!e) {
		errno = ENOMEM;
		return -1;
	}
	if (set_str(e, "created", h->created) < 0 ||
	    set_str(e, "created_by", h->created_by) < 0 ||
	    (h->author && *h->author && set_str(e, "author", h->author) < 0) ||
	    (h->comment && *h->comment &&
	     set_str(e, "comment", h->comment) < 0) ||
	    (h->empty_layer &&
	     json_object_set_new(e, "empty_layer", json_true()) < 0) ||
	    set_str(j, "created", h->created) < 0 ||
	    (h->author && *h->author && set_str(j, "author", h->author) < 0))
		goto on_error;
	if (h->author && !*h->author)
		json_object_del(j, "author");
	if (!hist) {
		hist = json_array();
		if (!hist || json_object_set_new(j, "history", hist) < 0) {
			errno = ENOMEM;
			goto on_error;
		}
	}
	if (json_array_append_new(hist, e) < 0) {
		errno = ENOMEM;
		return -1;
	}
	return 0;

on_error:
	json_decref(e);
	return -1;
}

int dl_imgconfig_load(const char *path, json_t **out, char **reason)
{
	_cleanup_free_ char *why = NULL;
	json_t *cfg;

	*out = NULL;
	if (strcmp(path, "-") && access(path, F_OK) < 0)
		return dl_fail(reason, errno == ENOENT ? DL_EXIT_NO : DL_EXIT_FAIL,
			       "unable to load '%s': %s", path, strerror(errno));
	cfg = dl_json_load(path, &why);
	if (!cfg)
		return dl_fail(reason, DL_EXIT_REJECT, "unable to load '%s': %s",
			       path, why);
	if (!json_is_object(cfg) ||
	    (json_object_get(cfg, "config") &&
	     !json_is_object(json_object_get(cfg, "config")))) {
		json_decref(cfg);
		return dl_fail(reason, DL_EXIT_REJECT, "unable to load '%s': "
			       "not an image config", path);
	}
	*out = cfg;
	return 0;
}
