/* SPDX-License-Identifier: Apache-2.0 */
/* dl-imgconfig.h: OCI image configs: the machine's architecture, the
 * default config, the fields every config must have */
#ifndef DL_IMGCONFIG_H
#define DL_IMGCONFIG_H

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

#endif
