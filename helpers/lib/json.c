/* SPDX-License-Identifier: Apache-2.0 */
/* json.c: JSON documents via jansson */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "dl.h"
#include "dl/json.h"

json_t *dl_json_load(const char *path, char **reason)
{
	_cleanup_free_ char *buf = NULL;
	json_error_t jerr;
	size_t len;
	json_t *j;

	*reason = NULL;
	if (dl_read_file(path, &buf, &len) < 0) {
		*reason = dl_xstrdup(strerror(errno));
		return NULL;
	}
	j = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!j) {
		*reason = dl_xasprintf("%s:%d:%d: %s", path, jerr.line,
				       jerr.column, jerr.text);
		errno = EBADMSG;
	}
	return j;
}

char *dl_json_dumps(const json_t *j)
{
	char *s = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS |
					JSON_ENCODE_ANY);
	char *out;

	if (!s)
		dl_die(DL_EXIT_FAIL, "unable to encode 'json': out of memory");
	out = dl_xasprintf("%s\n", s);
	free(s);
	return out;
}

int dl_json_save(const char *path, const json_t *j)
{
	return dl_json_save_flags(path, j, 0);
}

int dl_json_save_flags(const char *path, const json_t *j, unsigned int flags)
{
	_cleanup_free_ char *s = dl_json_dumps(j);

	return dl_write_file_atomic_flags(path, s, strlen(s), 0644, flags);
}

int dl_json_print(const json_t *j)
{
	_cleanup_free_ char *s = dl_json_dumps(j);

	return fputs(s, stdout) < 0 ? -1 : 0;
}
