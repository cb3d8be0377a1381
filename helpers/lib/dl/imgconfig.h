/* SPDX-License-Identifier: Apache-2.0 */
/* imgconfig.h: OCI image configs: the machine's architecture, the
 * default config, the fields every config must have */
#ifndef DL_IMGCONFIG_H
#define DL_IMGCONFIG_H

#include <stdbool.h>

#include <jansson.h>

/**
 * dl_goarch() - the GOARCH name of this machine's architecture, as OCI
 * image configs say it: uname(2) x86_64 is "amd64", aarch64 "arm64",
 * armv7l and armv6l "arm", i386 and i686 "386"; any other machine name as
 * it is, and "amd64" when uname(2) fails
 * Return: a static string, never NULL.
 */
extern const char *dl_goarch(void);

/**
 * dl_imgconfig_new() - the minimal image config: {"architecture":GOARCH,
 * "os":"linux","config":{},"rootfs":{"type":"layers","diff_ids":[]}}
 * Return: a new reference, or NULL when jansson is out of memory.
 */
extern json_t *dl_imgconfig_new(void);

/**
 * dl_imgconfig_fill() - add to image config @j the fields a config must
 * have when they are missing: architecture (GOARCH), os ("linux"), rootfs
 * (no layers), and created when @created is given
 * @j: an image config object
 * @created: an RFC 3339 time, or NULL
 * Return: 0, or -1 when jansson is out of memory.
 */
extern int dl_imgconfig_fill(json_t *j, const char *created);

/**
 * dl_imgconfig_load() - read an image config: a JSON object whose
 * "config", when there, is an object
 * @path: the file, or "-" for stdin
 * @out: receives a new reference
 * @reason: receives the failure text ("unable to load 'PATH': ...")
 * Return: 0, DL_EXIT_NO when @path does not exist, DL_EXIT_REJECT when it
 * is not an image config, or DL_EXIT_FAIL.
 */
extern int dl_imgconfig_load(const char *path, json_t **out, char **reason);

/* One change of an image, as its history entry tells it. */
struct dl_history {
	const char *created;	/* RFC 3339, required */
	const char *created_by; /* what made it, required */
	const char *author;	/* NULL: keep the config's; "": none */
	const char *comment;	/* NULL or "": none */
	bool empty_layer;	/* the change made no layer (config only) */
};

/**
 * dl_imgconfig_stamp() - record one change in image config @j, the one way
 * every writer of an image does it: "created" is set to @h->created,
 * "author" to @h->author (removed when it is "", kept when NULL), and
 * exactly one entry is appended to "history" (made when missing):
 * {"created", "created_by", "author" and "comment" when not empty,
 * "empty_layer": true when set}
 * @j: an image config object
 * @h: the change
 * Return: 0, or -1 with errno EINVAL ("history" is not an array, a string
 * is not valid UTF-8) or ENOMEM.
 */
extern int dl_imgconfig_stamp(json_t *j, const struct dl_history *h);

#endif
