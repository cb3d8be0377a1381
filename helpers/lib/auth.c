/* SPDX-License-Identifier: Apache-2.0 */
/* auth.c: registry credentials in the containers auth file */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>
#include <openssl/evp.h>

#include "dl.h"
#include "dl/auth.h"
#include "dl/json.h"

char *dl_auth_file(void)
{
	const char *env = getenv("REGISTRY_AUTH_FILE");
	const char *run = getenv("XDG_RUNTIME_DIR");

	if (env && *env)
		return dl_xstrdup(env);
	if (run && *run)
		return dl_xasprintf("%s/containers/auth.json", run);
	return dl_xasprintf("/run/containers/%u/auth.json",
			    (unsigned int)getuid());
}

/* The document of @path: NULL and 0 when there is none */
static int load(const char *path, json_t **out, char **reason)
{
	_cleanup_free_ char *why = NULL;
	json_t *j = dl_json_load(path, &why);

	*out = NULL;
	if (!j && errno == ENOENT)
		return 0;
	if (!j)
		return dl_fail(reason,
			       errno == EBADMSG ? DL_EXIT_REJECT : DL_EXIT_FAIL,
			       "unable to read '%s': %s", path, why);
	if (!json_is_object(j) ||
	    (json_object_get(j, "auths") &&
	     !json_is_object(json_object_get(j, "auths")))) {
		json_decref(j);
		return dl_fail(reason, DL_EXIT_REJECT, "unable to read '%s': "
			       "not an object with an object \"auths\"", path);
	}
	*out = j;
	return 0;
}

/* "USER:PASSWORD" of a base64 "auth", split */
static int decode(const char *b64, const char *path, char **user,
		  char **password, char **reason)
{
	size_t len = strlen(b64);
	_cleanup_free_ unsigned char *buf = dl_xmalloc(len / 4 * 3 + 4);
	int n = len % 4 ? -1 : EVP_DecodeBlock(buf, (const unsigned char *)b64,
					       (int)len);
	char *colon;

	if (n < 0)
		return dl_fail(reason, DL_EXIT_REJECT, "unable to read '%s': "
			       "an \"auth\" that is not base64", path);
	/* EVP_DecodeBlock counts the padding as zero bytes */
	while (len && b64[len - 1] == '=' && n > 0) {
		len--;
		n--;
	}
	buf[n] = '\0';
	colon = memchr(buf, ':', (size_t)n);
	if (!colon || strlen((char *)buf) != (size_t)n)
		return dl_fail(reason, DL_EXIT_REJECT, "unable to read '%s': "
			       "an \"auth\" that is not USER:PASSWORD", path);
	*colon = '\0';
	*user = dl_xstrdup((char *)buf);
	*password = dl_xstrdup(colon + 1);
	explicit_bzero(buf, (size_t)n);
	return 0;
}

/* The entry of @key in the auths of @path, if any */
static int lookup(const char *path, const char *key, char **user,
		  char **password, char **reason)
{
	json_t *doc = NULL, *e;
	const char *b64;
	int r = load(path, &doc, reason);

	if (r)
		return r;
	if (!doc)
		return DL_EXIT_NO;
	e = json_object_get(json_object_get(doc, "auths"), key);
	b64 = json_string_value(json_object_get(e, "auth"));
	r = b64 ? decode(b64, path, user, password, reason) : DL_EXIT_NO;
	json_decref(doc);
	return r;
}

int dl_auth_get(const char *registry, char **user, char **password,
		char **reason)
{
	_cleanup_free_ char *file = dl_auth_file(), *docker = NULL;
	const char *home = getenv("HOME");
	int r = lookup(file, registry, user, password, reason);

	if (r != DL_EXIT_NO)
		return r;
	if (!home || !*home)
		return DL_EXIT_NO;
	docker = dl_xasprintf("%s/.docker/config.json", home);
	r = lookup(docker, registry, user, password, reason);
	if (r == DL_EXIT_NO && !strcmp(registry, "docker.io"))
		r = lookup(docker, "https://index.docker.io/v1/", user,
			   password, reason);
	return r;
}

/* Write @doc to @path, 0600, by rename; its directory made 0700 */
static int save(const char *path, json_t *doc, char **reason)
{
	_cleanup_free_ char *text = dl_json_dumps(doc);
	_cleanup_free_ char *dir = dl_xstrdup(path);
	char *slash = strrchr(dir, '/');
	int r = 0;

	if (slash && slash != dir) {
		*slash = '\0';
		if (dl_mkdir_p(dir, 0700) < 0)
			r = dl_fail(reason, DL_EXIT_FAIL, "unable to create "
				    "'%s': %s", dir, strerror(errno));
	}
	if (!r && dl_write_file_atomic(path, text, strlen(text), 0600) < 0)
		r = dl_fail(reason, DL_EXIT_FAIL, "unable to write '%s': %s",
			    path, strerror(errno));
	explicit_bzero(text, strlen(text));
	return r;
}

int dl_auth_set(const char *registry, const char *user, const char *password,
		char **reason)
{
	_cleanup_free_ char *file = dl_auth_file();
	_cleanup_free_ char *plain = dl_xasprintf("%s:%s", user, password);
	size_t len = strlen(plain);
	_cleanup_free_ unsigned char *b64 = dl_xmalloc((len + 2) / 3 * 4 + 1);
	json_t *doc = NULL, *auths;
	int r = load(file, &doc, reason);

	if (r)
		return r;
	if (!doc)
		doc = json_object();
	auths = json_object_get(doc, "auths");
	if (!auths) {
		auths = json_object();
		json_object_set_new(doc, "auths", auths);
	}
	EVP_EncodeBlock(b64, (unsigned char *)plain, (int)len);
	explicit_bzero(plain, len);
	json_object_set_new(auths, registry,
			    json_pack("{s:s}", "auth", (char *)b64));
	r = save(file, doc, reason);
	explicit_bzero(b64, strlen((char *)b64));
	json_decref(doc);
	return r;
}

int dl_auth_rm(const char *registry, char **reason)
{
	_cleanup_free_ char *file = dl_auth_file();
	json_t *doc = NULL;
	int r = load(file, &doc, reason);

	if (r)
		return r;
	if (!doc || json_object_del(json_object_get(doc, "auths"), registry)) {
		json_decref(doc);
		return dl_fail(reason, DL_EXIT_NO, "not logged in");
	}
	r = save(file, doc, reason);
	json_decref(doc);
	return r;
}
