/* SPDX-License-Identifier: Apache-2.0 */
/* registrydigest.c: the digests registries have for an image, recorded */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include <jansson.h>

#include "dl.h"
#include "dl/json.h"
#include "dl/registrydigest.h"

#define FILE_NAME "repo-digests.json"

json_t *dl_repo_digests_load(const char *id)
{
	_cleanup_free_ char *path = dl_path("images/%s/" FILE_NAME, id);
	_cleanup_free_ char *why = NULL;
	json_t *o = dl_json_load(path, &why);

	if (o && !json_is_object(o))
		json_decref(dl_steal_pointer(&o));
	return o;
}

int dl_repo_digest_set(const char *id, const char *repo, const char *digest,
		       char **reason)
{
	_cleanup_free_ char *dir = dl_path("images/%s", id);
	_cleanup_free_ char *path = dl_path("images/%s/" FILE_NAME, id);
	_cleanup_free_ char *why = NULL;
	_cleanup_close_ int lock = -1;
	json_auto_t *o = NULL;

	*reason = NULL;
	lock = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (lock < 0)
		return dl_fail(reason, errno == ENOENT ? DL_EXIT_NO
						       : DL_EXIT_FAIL,
			       "%s: %s", dir, errno == ENOENT ? "no such image"
							      : strerror(errno));
	while (flock(lock, LOCK_EX) < 0)
		if (errno != EINTR)
			return dl_fail(reason, DL_EXIT_FAIL, "%s: %s", dir,
				       strerror(errno));
	o = dl_json_load(path, &why);
	if (!o && errno != ENOENT)
		return dl_fail(reason, errno == EBADMSG ? DL_EXIT_REJECT
							: DL_EXIT_FAIL,
			       "%s", why);
	if (o && !json_is_object(o))
		return dl_fail(reason, DL_EXIT_REJECT, "%s: not an object",
			       path);
	if (!o && !(o = json_object()))
		dl_oom();
	if (json_object_set_new(o, repo, json_string(digest)) < 0)
		dl_oom();
	if (dl_json_save(path, o) < 0)
		return dl_fail(reason, DL_EXIT_FAIL, "%s: %s", path,
			       strerror(errno));
	return 0;
}
