/* SPDX-License-Identifier: Apache-2.0 */
/* registry.c: remote references, a session with a registry, its auth
 * challenge (libcurl) */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <curl/curl.h>
#include <jansson.h>
#include <openssl/evp.h>

#include "dl.h"
#include "dl/auth.h"
#include "dl/digest.h"
#include "dl/ocidoc.h"
#include "dl/refname.h"
#include "dl/registry.h"

struct dl_registry {
	char *name;	/* as named, the auth files' key */
	char *base;	/* "https://HOST" */
	char *repo;	/* or NULL */
	char *auth;	/* "Authorization: ...", or NULL */
	char *cainfo;	/* CERTS/HOST/ca.crt, or NULL */
	bool verify;	/* TLS verified */
	bool insecure;	/* plain http allowed */
};

/* ---- references ---- */

/* The first of registries.conf's unqualified-search-registries, or NULL */
static char *search_registry(void)
{
	const char *conf = getenv("DL_REGISTRIES_CONF");
	_cleanup_free_ char *text = NULL;
	char *p, *q, *end;

	if (!conf || !*conf)
		conf = "/etc/containers/registries.conf";
	if (dl_read_file(conf, &text, NULL) < 0)
		return NULL;
	for (p = text; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (strncmp(p, "unqualified-search-registries", 29))
			continue;
		p += 29;
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p != '=')
			continue;
		p = strchr(p, '[');
		end = p ? strchr(p, ']') : NULL;
		if (!end)
			return NULL;
		q = memchr(p, '"', (size_t)(end - p));
		if (!q)
			return NULL; /* an empty list: the default */
		p = q + 1;
		q = memchr(p, '"', (size_t)(end - p));
		if (!q || q == p)
			return NULL;
		return strndup(p, (size_t)(q - p));
	}
	return NULL;
}

int dl_registry_tls_verify(const char *arg, int *out, char **reason)
{
	*reason = NULL;
	if (!strcmp(arg, "true"))
		*out = 1;
	else if (!strcmp(arg, "false"))
		*out = 0;
	else
		return dl_fail(reason, DL_EXIT_USAGE, "--tls-verify takes "
			       "true or false, not '%s'", arg);
	return 0;
}

bool dl_registry_insecure_host(const char *name)
{
	static const char *const local[] = { "localhost", "127.0.0.1",
					     "[::1]" };

	for (size_t i = 0; i < sizeof(local) / sizeof(*local); i++) {
		size_t n = strlen(local[i]);

		if (!strncmp(name, local[i], n) &&
		    (!name[n] || name[n] == ':'))
			return true;
	}
	return false;
}

/* A host component: Docker's rule */
static bool is_host(const char *s, size_t n)
{
	return memchr(s, '.', n) || memchr(s, ':', n) ||
	       (n == 9 && !strncmp(s, "localhost", 9));
}

int dl_regref_parse(const char *s, struct dl_regref *out, char **reason)
{
	_cleanup_free_ char *copy = dl_xstrdup(s), *why = NULL;
	char *at = strchr(copy, '@'), *path = copy, *slash, *colon;
	struct dl_ref check = { 0 };
	char *local;

	memset(out, 0, sizeof(*out));
	if (at) {
		*at++ = '\0';
		if (!dl_digest_valid(at))
			return dl_fail(reason, DL_EXIT_USAGE,
				       "'%s': " DL_DIGEST_INVALID, at);
		out->digest = dl_xstrdup(at);
	}
	slash = strchr(copy, '/');
	if (slash && is_host(copy, (size_t)(slash - copy))) {
		out->name = strndup(copy, (size_t)(slash - copy));
		path = slash + 1;
	} else {
		out->name = search_registry();
		if (!out->name)
			out->name = dl_xstrdup("docker.io");
	}
	if (!out->name)
		dl_oom();
	slash = strrchr(path, '/');
	colon = strrchr(slash ? slash : path, ':');
	if (colon)
		*colon++ = '\0';
	if (!*path)
		goto bad;
	/* the grammar of the name, with and without the registry */
	local = dl_xstrdup(copy);
	check.repo = local;
	check.tag = colon ? colon : (char *)"latest";
	if (!dl_ref_valid(&check, &why)) {
		free(local);
		dl_regref_free(out);
		return dl_fail(reason, DL_EXIT_USAGE, "%s", why);
	}
	if (!strcmp(out->name, "docker.io") && !strchr(path, '/'))
		out->repo = dl_xasprintf("library/%s", path);
	else
		out->repo = dl_xstrdup(path);
	out->host = dl_xstrdup(!strcmp(out->name, "docker.io") ||
					       !strcmp(out->name, "index.docker.io")
				       ? "registry-1.docker.io"
				       : out->name);
	if (colon || !out->digest) {
		out->tag = dl_xstrdup(colon ? colon : "latest");
		out->local = dl_xasprintf("%s:%s", local, out->tag);
	}
	free(local);
	return 0;
bad:
	dl_regref_free(out);
	return dl_fail(reason, DL_EXIT_USAGE, "not a valid image reference");
}

void dl_regref_free(struct dl_regref *r)
{
	free(r->name);
	free(r->host);
	free(r->repo);
	free(r->tag);
	free(r->digest);
	free(r->local);
	memset(r, 0, sizeof(*r));
}

/* ---- answers ---- */

void dl_registry_resp_free(struct dl_registry_resp *resp)
{
	free(resp->body);
	free(resp->digest);
	free(resp->location);
	free(resp->type);
	free(resp->challenge);
	memset(resp, 0, sizeof(*resp));
	resp->length = -1;
}

/* Set *@field to the value of header line @buf (@n bytes) named @name */
static bool header_is(const char *buf, size_t n, const char *name,
		      char **field)
{
	size_t k = strlen(name);

	if (n <= k || strncasecmp(buf, name, k) || buf[k] != ':')
		return false;
	buf += k + 1;
	n -= k + 1;
	while (n && (*buf == ' ' || *buf == '\t'))
		buf++, n--;
	while (n && (buf[n - 1] == '\r' || buf[n - 1] == '\n' ||
		     buf[n - 1] == ' '))
		n--;
	free(*field);
	*field = strndup(buf, n);
	if (!*field)
		dl_oom();
	return true;
}

size_t dl_registry_header(char *buf, size_t size, size_t n, void *data)
{
	struct dl_registry_resp *resp = data;
	_cleanup_free_ char *len = NULL;

	n *= size;
	if (n > 5 && !strncmp(buf, "HTTP/", 5)) {
		/* a new answer (after a redirect or a 100): forget the last */
		const char *sp = memchr(buf, ' ', n);

		free(resp->digest);
		free(resp->location);
		free(resp->type);
		free(resp->challenge);
		resp->digest = resp->location = resp->type = NULL;
		resp->challenge = NULL;
		resp->length = -1;
		resp->status = sp ? strtol(sp + 1, NULL, 10) : 0;
		return n;
	}
	if (header_is(buf, n, "Docker-Content-Digest", &resp->digest) ||
	    header_is(buf, n, "Location", &resp->location) ||
	    header_is(buf, n, "Content-Type", &resp->type) ||
	    header_is(buf, n, "WWW-Authenticate", &resp->challenge))
		return n;
	if (header_is(buf, n, "Content-Length", &len))
		resp->length = strtoll(len, NULL, 10);
	return n;
}

struct sink {
	struct dl_registry_resp *resp;
	size_t cap;
	bool big;
};

static size_t body_write(char *buf, size_t size, size_t n, void *data)
{
	struct sink *s = data;
	struct dl_registry_resp *resp = s->resp;

	n *= size;
	if (resp->len + n > DL_OCIDOC_MAX) {
		s->big = true;
		return 0;
	}
	if (resp->len + n + 1 > s->cap) {
		s->cap = (resp->len + n + 1) * 2;
		resp->body = dl_xrealloc(resp->body, s->cap);
	}
	memcpy(resp->body + resp->len, buf, n);
	resp->len += n;
	resp->body[resp->len] = '\0';
	return n;
}

/* A body read from a file: so many bytes from where it stands */
struct fd_body {
	int fd;
	size_t left;
};

static size_t fd_read(char *buf, size_t size, size_t n, void *data)
{
	struct fd_body *b = data;
	size_t want = size * n < b->left ? size * n : b->left;
	ssize_t got;

	do
		got = read(b->fd, buf, want);
	while (got < 0 && errno == EINTR);
	if (got < 0)
		return CURL_READFUNC_ABORT;
	b->left -= (size_t)got;
	return (size_t)got;
}

/* ---- the session ---- */

/* The result of the last transfer of perform(), for do_open() */
static CURLcode last_rc;

char *dl_registry_url(const struct dl_registry *r, const char *fmt, ...)
{
	_cleanup_free_ char *rest = NULL;
	va_list ap;

	va_start(ap, fmt);
	if (vasprintf(&rest, fmt, ap) < 0)
		dl_oom();
	va_end(ap);
	return dl_xasprintf("%s/v2/%s/%s", r->base, r->repo ? r->repo : "",
			    rest);
}

bool dl_registry_authenticated(const struct dl_registry *r)
{
	return r->auth != NULL;
}

/* Whether @url is the registry's own (same scheme, host and port) */
static bool own_url(const struct dl_registry *r, const char *url)
{
	size_t n = strlen(r->base);

	return !strncmp(url, r->base, n) && (url[n] == '/' || !url[n]);
}

static CURL *easy(const struct dl_registry *r, const char *url)
{
	CURL *c = curl_easy_init();

	if (!c)
		dl_oom();
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
	curl_easy_setopt(c, CURLOPT_MAXREDIRS, 5L);
	/* the Authorization we set is dropped on a redirect to another
	 * host or port: never CURLOPT_UNRESTRICTED_AUTH */
	curl_easy_setopt(c, CURLOPT_UNRESTRICTED_AUTH, 0L);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 30L);
	curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1L);
	curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, 120L);
	curl_easy_setopt(c, CURLOPT_USERAGENT, "dockerlite/" DL_VERSION);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, r->verify ? 1L : 0L);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, r->verify ? 2L : 0L);
	if (r->cainfo) {
		/* the registry's CA and the system's */
		curl_easy_setopt(c, CURLOPT_CAINFO, r->cainfo);
		curl_easy_setopt(c, CURLOPT_CAPATH, "/etc/ssl/certs");
	}
	return c;
}

CURL *dl_registry_easy(struct dl_registry *r, const char *url,
		       struct curl_slist **headers)
{
	CURL *c = easy(r, url);
	struct curl_slist *l;

	if (r->auth && own_url(r, url)) {
		l = curl_slist_append(*headers, r->auth);
		if (!l)
			dl_oom();
		*headers = l;
	}
	if (*headers)
		curl_easy_setopt(c, CURLOPT_HTTPHEADER, *headers);
	return c;
}

/* Run @c, its answer in @resp */
static int perform(CURL *c, const char *method, const void *body,
		   size_t blen, int body_fd, struct dl_registry_resp *resp,
		   char **reason)
{
	char err[CURL_ERROR_SIZE] = "";
	struct sink s = { .resp = resp };
	struct fd_body fb = { .fd = body_fd, .left = blen };
	CURLcode rc;

	memset(resp, 0, sizeof(*resp));
	resp->length = -1;
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, err);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, dl_registry_header);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, resp);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, body_write);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &s);
	if (!strcmp(method, "HEAD")) {
		curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
	} else if (body_fd >= 0) {
		curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
		curl_easy_setopt(c, CURLOPT_READFUNCTION, fd_read);
		curl_easy_setopt(c, CURLOPT_READDATA, &fb);
		curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE,
				 (curl_off_t)blen);
		curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
	} else if (body || strcmp(method, "GET")) {
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, body ? body : "");
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE,
				 (curl_off_t)(body ? blen : 0));
		curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
	}
	rc = curl_easy_perform(c);
	last_rc = rc;
	if (s.big)
		return dl_fail(reason, DL_EXIT_REJECT, "an answer larger than "
			       "%u bytes", DL_OCIDOC_MAX);
	if (rc != CURLE_OK)
		return dl_fail(reason, DL_EXIT_FAIL, "%s",
			       *err ? err : curl_easy_strerror(rc));
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &resp->status);
	if (!resp->body)
		resp->body = dl_xstrdup("");
	return 0;
}

int dl_registry_call(struct dl_registry *r, const char *method,
		     const char *url, struct curl_slist *headers,
		     const void *body, size_t blen, int body_fd,
		     struct dl_registry_resp *resp, char **reason)
{
	struct curl_slist *h = NULL, *l;
	CURL *c;
	int code;

	for (l = headers; l; l = l->next)
		if (!(h = curl_slist_append(h, l->data)))
			dl_oom();
	/* no "Expect: 100-continue" wait before a body */
	if (!(h = curl_slist_append(h, "Expect:")))
		dl_oom();
	c = dl_registry_easy(r, url, &h);
	code = perform(c, method, body, blen, body_fd, resp, reason);
	curl_easy_cleanup(c);
	curl_slist_free_all(h);
	return code;
}

int dl_registry_status(const struct dl_registry_resp *resp, char **reason)
{
	json_t *doc = resp->body && *resp->body
			      ? json_loads(resp->body, 0, NULL)
			      : NULL;
	json_t *e = json_array_get(json_object_get(doc, "errors"), 0);
	const char *code = json_string_value(json_object_get(e, "code"));
	const char *msg = json_string_value(json_object_get(e, "message"));
	int r = resp->status == 404		  ? DL_EXIT_NO
		: resp->status == 401 || resp->status == 403 ||
				resp->status == 400 ? DL_EXIT_REJECT
					    : DL_EXIT_FAIL;

	if (code && msg)
		dl_fail(reason, r, "the registry answered %ld: %s: %s",
			resp->status, code, msg);
	else
		dl_fail(reason, r, "the registry answered %ld", resp->status);
	json_decref(doc);
	return r;
}

/* ---- auth ---- */

/* The value of parameter @key of a challenge, "Bearer k=\"v\",..." */
static char *challenge_param(const char *ch, const char *key)
{
	size_t k = strlen(key);
	const char *p = strchr(ch, ' ');

	while (p && *p) {
		const char *v, *e;

		while (*p == ' ' || *p == ',')
			p++;
		v = strchr(p, '=');
		if (!v)
			return NULL;
		if (*++v == '"') {
			e = strchr(++v, '"');
			if (!e)
				return NULL;
		} else {
			e = v + strcspn(v, ",");
		}
		if (!strncasecmp(p, key, k) && p[k] == '=')
			return strndup(v, (size_t)(e - v));
		p = *e == '"' ? e + 1 : e;
	}
	return NULL;
}

/* "Authorization: Basic base64(USER:PASSWORD)" */
static char *basic(const char *user, const char *password)
{
	_cleanup_free_ char *plain = dl_xasprintf("%s:%s", user, password);
	size_t len = strlen(plain);
	_cleanup_free_ unsigned char *b64 = dl_xmalloc((len + 2) / 3 * 4 + 1);
	char *h;

	EVP_EncodeBlock(b64, (unsigned char *)plain, (int)len);
	h = dl_xasprintf("Authorization: Basic %s", b64);
	explicit_bzero(plain, len);
	explicit_bzero(b64, strlen((char *)b64));
	return h;
}

/* A Bearer token from the realm of @ch; credentials with it when given */
static int bearer(struct dl_registry *r, const char *ch, bool push,
		  const char *user, const char *password, char **reason)
{
	_cleanup_free_ char *realm = challenge_param(ch, "realm");
	_cleanup_free_ char *service = challenge_param(ch, "service");
	_cleanup_free_ char *scope = NULL, *url = NULL, *cred = NULL;
	struct dl_registry_resp resp = { 0 };
	struct curl_slist *h = NULL;
	const char *token;
	json_t *doc;
	CURL *c;
	int code;

	if (!realm || (strncmp(realm, "https://", 8) &&
		       strncmp(realm, "http://", 7)))
		return dl_fail(reason, DL_EXIT_REJECT, "a Bearer challenge "
			       "without an http(s) realm");
	url = dl_xstrdup(realm);
	if (service) {
		char *e = curl_easy_escape(NULL, service, 0);
		char *u = dl_xasprintf("%s%sservice=%s", url,
				       strchr(url, '?') ? "&" : "?", e);

		curl_free(e);
		free(url);
		url = u;
	}
	if (r->repo) {
		char *e, *u;

		scope = dl_xasprintf("repository:%s:%s", r->repo,
				     push ? "pull,push" : "pull");
		e = curl_easy_escape(NULL, scope, 0);
		u = dl_xasprintf("%s%sscope=%s", url,
				 strchr(url, '?') ? "&" : "?", e);
		curl_free(e);
		free(url);
		url = u;
	}
	c = easy(r, url);
	/* credentials to the token server only over TLS, or when the
	 * registry is insecure anyway */
	if (user && (!strncmp(url, "https://", 8) || r->insecure)) {
		cred = basic(user, password);
		if (!(h = curl_slist_append(h, cred)))
			dl_oom();
		curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	}
	code = perform(c, "GET", NULL, 0, -1, &resp, reason);
	curl_easy_cleanup(c);
	curl_slist_free_all(h);
	if (cred)
		explicit_bzero(cred, strlen(cred));
	if (code) {
		char *w = dl_xasprintf("unable to get a token from '%s': %s",
				       realm, *reason);

		free(*reason);
		*reason = w;
		return code;
	}
	if (resp.status == 401 || resp.status == 403) {
		dl_registry_resp_free(&resp);
		return dl_fail(reason, DL_EXIT_REJECT, "unauthorized: the "
			       "token server '%s' refused the credentials",
			       realm);
	}
	if (resp.status != 200) {
		code = dl_registry_status(&resp, reason);
		dl_registry_resp_free(&resp);
		return code;
	}
	doc = json_loads(resp.body, 0, NULL);
	token = json_string_value(json_object_get(doc, "token"));
	if (!token)
		token = json_string_value(json_object_get(doc, "access_token"));
	if (token && *token && !strpbrk(token, "\r\n"))
		r->auth = dl_xasprintf("Authorization: Bearer %s", token);
	json_decref(doc);
	dl_registry_resp_free(&resp);
	if (!r->auth)
		return dl_fail(reason, DL_EXIT_REJECT, "the token server '%s' "
			       "gave no token", realm);
	return 0;
}

/* GET /v2/ */
static int ping(struct dl_registry *r, struct dl_registry_resp *resp,
		char **reason)
{
	_cleanup_free_ char *url = dl_xasprintf("%s/v2/", r->base);

	return dl_registry_call(r, "GET", url, NULL, NULL, 0, -1, resp,
				reason);
}

static int do_open(struct dl_registry *r, const struct dl_regref *ref,
		   const struct dl_registry_opts *o, char **reason)
{
	_cleanup_free_ char *user = NULL, *password = NULL;
	struct dl_registry_resp resp = { 0 };
	const char *certs = getenv("DL_CERTS_DIR");
	struct stat st;
	int code;

	if (!certs || !*certs)
		certs = "/etc/containers/certs.d";
	r->cainfo = dl_xasprintf("%s/%s/ca.crt", certs, ref->name);
	if (stat(r->cainfo, &st) < 0) {
		free(r->cainfo);
		r->cainfo = NULL;
	}
	code = ping(r, &resp, reason);
	if (code == DL_EXIT_FAIL && r->insecure &&
	    last_rc != CURLE_PEER_FAILED_VERIFICATION) {
		/* an insecure registry may speak plain http only; one that
		 * speaks TLS with a certificate we do not trust is refused */
		free(*reason);
		*reason = NULL;
		free(r->base);
		r->base = dl_xasprintf("http://%s", ref->host);
		code = ping(r, &resp, reason);
	}
	if (code)
		return code;
	if (resp.status == 200 || (resp.status != 401 && resp.status < 500 &&
				   !resp.challenge)) {
		/* anonymous: some registries answer /v2/ 404 */
		dl_registry_resp_free(&resp);
		if (o->user)
			return dl_fail(reason, DL_EXIT_REJECT, "the registry "
				       "asks for no credentials");
		return 0;
	}
	if (resp.status != 401 || !resp.challenge) {
		code = dl_registry_status(&resp, reason);
		dl_registry_resp_free(&resp);
		return code;
	}
	if (o->user) {
		user = dl_xstrdup(o->user);
		password = dl_xstrdup(o->password ? o->password : "");
	} else {
		code = dl_auth_get(ref->name, &user, &password, reason);
		if (code && code != DL_EXIT_NO)
			goto out;
		free(*reason);
		*reason = NULL;
	}
	if (!strncasecmp(resp.challenge, "Bearer ", 7)) {
		code = bearer(r, resp.challenge, o->push, user, password,
			      reason);
		goto out;
	}
	if (strncasecmp(resp.challenge, "Basic", 5)) {
		code = dl_fail(reason, DL_EXIT_REJECT, "an authentication "
			       "scheme dl does not know");
		goto out;
	}
	if (!user) {
		code = dl_fail(reason, DL_EXIT_REJECT, "unauthorized: the "
			       "registry asks for credentials (dl login %s)",
			       ref->name);
		goto out;
	}
	if (strncmp(r->base, "https://", 8) && !r->insecure) {
		code = dl_fail(reason, DL_EXIT_REJECT, "credentials are sent "
			       "over TLS only");
		goto out;
	}
	r->auth = basic(user, password);
	dl_registry_resp_free(&resp);
	code = ping(r, &resp, reason);
	if (!code && resp.status == 401)
		code = dl_fail(reason, DL_EXIT_REJECT, "unauthorized: the "
			       "registry refused the user name or password");
	else if (!code && resp.status != 200)
		code = dl_registry_status(&resp, reason);
out:
	if (password)
		explicit_bzero(password, strlen(password));
	dl_registry_resp_free(&resp);
	return code;
}

int dl_registry_open(const struct dl_regref *ref,
		     const struct dl_registry_opts *o,
		     struct dl_registry **out, char **reason)
{
	static const struct dl_registry_opts defaults = { .tls_verify = 1 };
	struct dl_registry *r = dl_xcalloc(1, sizeof(*r));
	int code;

	if (!o)
		o = &defaults;
	curl_global_init(CURL_GLOBAL_DEFAULT);
	r->name = dl_xstrdup(ref->name);
	r->repo = ref->repo ? dl_xstrdup(ref->repo) : NULL;
	r->base = dl_xasprintf("https://%s", ref->host);
	r->verify = o->tls_verify != 0;
	r->insecure = !o->tls_verify || dl_registry_insecure_host(ref->name);
	code = do_open(r, ref, o, reason);
	if (code) {
		dl_registry_close(r);
		r = NULL;
	}
	*out = r;
	return code;
}

void dl_registry_close(struct dl_registry *r)
{
	if (!r)
		return;
	if (r->auth)
		explicit_bzero(r->auth, strlen(r->auth));
	free(r->auth);
	free(r->name);
	free(r->base);
	free(r->repo);
	free(r->cainfo);
	free(r);
}
