/* SPDX-License-Identifier: Apache-2.0 */
/* registry.h: the client side of the OCI distribution spec on libcurl:
 * remote references, one session with a registry, its auth challenge */
#ifndef DL_REGISTRY_H
#define DL_REGISTRY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <curl/curl.h>

#include "dl/digest.h"

/*
 * A session talks to one repository of one registry.  It is opened by
 * dl_registry_open(), which pings /v2/: over https, verified with the
 * system CA store and CERTS/HOST/ca.crt (CERTS: $DL_CERTS_DIR, else
 * /etc/containers/certs.d), or over plain http when the registry is
 * insecure (localhost, 127.0.0.1, ::1, or tls_verify false) and https
 * fails.  A 401 answer is met through its WWW-Authenticate challenge:
 * Basic with the credentials of the auth files (dl/auth.h), sent only over
 * TLS or to an insecure registry, or Bearer: a token fetched from the
 * challenge's realm for its service and the scope
 * repository:REPO:pull[,push].  Redirects are followed (http and https
 * only, 5 at most) and the Authorization header never goes to another
 * host or port than the registry's (libcurl drops it).  No secret is ever
 * put in a reason.
 *
 * The int functions return 0, or a DL_EXIT_* code with @reason set to a
 * malloc'd text: DL_EXIT_NO for 404, DL_EXIT_REJECT for credentials
 * refused (401, 403) or an answer that breaks the protocol, DL_EXIT_FAIL
 * for the network or another status.  They need nothing but the network.
 */

/* A remote reference: [HOST[:PORT]/]PATH[:TAG][@DIGEST], Docker's rules. */
struct dl_regref {
	char *name;   /* the registry as named: "docker.io", "127.0.0.1:5000" */
	char *host;   /* where it is served: "registry-1.docker.io" */
	char *repo;   /* "library/alpine" */
	char *tag;    /* "latest" when neither a tag nor a digest was given;
			 NULL with a digest alone */
	char *digest; /* or NULL */
	char *local;  /* the store's name for it: "alpine:latest",
			 "127.0.0.1:5000/a:1"; NULL for a digest alone */
};

/**
 * dl_regref_parse() - parse a remote reference with Docker's short-name
 * rules: a first component with a dot, a colon or "localhost" is a host,
 * else the registry is the first of registries.conf's
 * unqualified-search-registries ($DL_REGISTRIES_CONF, else
 * /etc/containers/registries.conf) when it has some, else docker.io,
 * where a one-component path gets "library/"; docker.io is served by
 * registry-1.docker.io
 * @s: the reference
 * @out: receives its parts (free with dl_regref_free())
 * @reason: receives the failure text
 * Return: 0 or DL_EXIT_USAGE.
 */
extern int dl_regref_parse(const char *s, struct dl_regref *out,
			   char **reason);

/**
 * dl_regref_free() - free what dl_regref_parse() allocated
 * @r: the reference, may be zeroed
 */
extern void dl_regref_free(struct dl_regref *r);

/**
 * dl_registry_insecure_host() - whether plain http is allowed by default
 * @name: the registry, HOST[:PORT]
 * Return: true for localhost, 127.0.0.1 and [::1], with any port.
 */
extern bool dl_registry_insecure_host(const char *name);

/**
 * dl_registry_tls_verify() - parse the value of --tls-verify
 * @arg: "true" or "false"
 * @out: receives 1 for true, 0 for false
 * @reason: receives the failure text
 * Return: 0, or DL_EXIT_USAGE when @arg is neither.
 */
extern int dl_registry_tls_verify(const char *arg, int *out, char **reason);

/* How a session is opened. */
struct dl_registry_opts {
	int tls_verify;	      /* 1 verify (default), 0 not, and allow http */
	bool push;	      /* ask for push access too */
	const char *user;     /* credentials to use instead of the auth
				 files', or NULL */
	const char *password; /* with @user */
};

/* A session; opaque. */
struct dl_registry;

/**
 * dl_registry_open() - ping a registry and meet its auth challenge
 * @ref: the registry and repository (repo may be NULL: /v2/ only)
 * @o: the options, or NULL for the defaults
 * @out: receives the session
 * @reason: receives the failure text
 * Return: 0, DL_EXIT_REJECT when the credentials are refused, or
 * DL_EXIT_FAIL.
 */
extern int dl_registry_open(const struct dl_regref *ref,
			    const struct dl_registry_opts *o,
			    struct dl_registry **out, char **reason);

/**
 * dl_registry_close() - end a session
 * @r: the session, or NULL
 */
extern void dl_registry_close(struct dl_registry *r);

/**
 * dl_registry_authenticated() - whether the session sends credentials
 * @r: the session
 * Return: true when it sends a Basic or Bearer Authorization.
 */
extern bool dl_registry_authenticated(const struct dl_registry *r);

/**
 * dl_registry_url() - the URL of a path of the registry
 * @r: the session
 * @fmt: printf format of the path after /v2/REPO/ ("blobs/%s")
 * Return: a malloc'd URL.
 */
extern char *dl_registry_url(const struct dl_registry *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/**
 * dl_registry_easy() - a curl handle set up for a request to the
 * registry: URL, Authorization, TLS, redirects, timeouts
 * @r: the session (must outlive the handle)
 * @url: the URL (of dl_registry_url(), or a Location the registry gave)
 * @headers: the request headers (*@headers NULL for none), to which the
 *           Authorization is added when @url is the registry's; the
 *           caller frees them with curl_slist_free_all() once the
 *           request ended
 * Return: the handle; the caller sets the method, body and callbacks,
 * and frees it with curl_easy_cleanup().
 */
extern CURL *dl_registry_easy(struct dl_registry *r, const char *url,
			      struct curl_slist **headers);

/* The answer to dl_registry_call(). */
struct dl_registry_resp {
	long status;
	char *body; /* NUL-terminated, at most DL_OCIDOC_MAX bytes kept */
	size_t len;
	char *digest;	/* Docker-Content-Digest, or NULL */
	char *location; /* Location, or NULL */
	char *type;	/* Content-Type, or NULL */
	char *challenge; /* WWW-Authenticate, or NULL */
	int64_t length; /* Content-Length, or -1 */
};

/**
 * dl_registry_call() - one request with a small body or none, its answer
 * kept in memory
 * @r: the session
 * @method: "GET", "HEAD", "PUT", "POST"
 * @url: the URL
 * @headers: more request headers, or NULL (left to the caller)
 * @body: the body to send, or NULL
 * @blen: its length
 * @body_fd: a file to send instead: @blen bytes from its offset, or -1
 * @resp: receives the answer (free with dl_registry_resp_free())
 * @reason: receives the failure text
 * Return: 0 when an answer came (whatever its status), DL_EXIT_REJECT
 * when it is larger than DL_OCIDOC_MAX, or DL_EXIT_FAIL.
 */
extern int dl_registry_call(struct dl_registry *r, const char *method,
			    const char *url, struct curl_slist *headers,
			    const void *body, size_t blen, int body_fd,
			    struct dl_registry_resp *resp, char **reason);

/**
 * dl_registry_resp_free() - free an answer
 * @resp: the answer, may be zeroed
 */
extern void dl_registry_resp_free(struct dl_registry_resp *resp);

/**
 * dl_registry_status() - the failure a status says
 * @resp: an answer that was not the one wanted
 * @reason: receives the failure text: the status and the registry's
 *          error message (its JSON "errors"), never a secret
 * Return: DL_EXIT_NO (404), DL_EXIT_REJECT (401, 403, 400), or
 * DL_EXIT_FAIL.
 */
extern int dl_registry_status(const struct dl_registry_resp *resp,
			      char **reason);

/**
 * dl_registry_header() - a header callback for handles of
 * dl_registry_easy() that fills @resp's digest, location, type, length
 * and status (CURLOPT_HEADERDATA: the struct dl_registry_resp)
 */
extern size_t dl_registry_header(char *buf, size_t size, size_t n, void *resp);

/* The size above which dl-registry-put uploads a blob in chunks, and
 * theirs, by default. */
#define DL_REGISTRY_CHUNK (32LL << 20)

/* The Accept header of a manifest GET: every kind dl reads. */
#define DL_REGISTRY_ACCEPT                                                     \
	"Accept: application/vnd.oci.image.index.v1+json, "                    \
	"application/vnd.oci.image.manifest.v1+json, "                         \
	"application/vnd.docker.distribution.manifest.list.v2+json, "         \
	"application/vnd.docker.distribution.manifest.v2+json"

#endif
