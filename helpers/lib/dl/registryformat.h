/* SPDX-License-Identifier: Apache-2.0 */
/* registryformat.h: an image manifest told in the other format (OCI or
 * Docker schema 2) for a push */
#ifndef DL_REGISTRYFORMAT_H
#define DL_REGISTRYFORMAT_H

#include <stddef.h>

#include <jansson.h>

/* The format of a manifest pushed. */
enum dl_regformat {
	DL_REGFORMAT_KEEP,   /* as it is stored */
	DL_REGFORMAT_OCI,    /* application/vnd.oci.image.manifest.v1+json */
	DL_REGFORMAT_DOCKER, /* application/vnd.docker.distribution.manifest.v2+json */
};

/**
 * dl_regformat_parse() - the format named by --format
 * @s: "oci" or "docker"
 * @out: receives it
 * @reason: receives the failure text
 * Return: 0 or DL_EXIT_USAGE.
 */
extern int dl_regformat_parse(const char *s, enum dl_regformat *out,
			      char **reason);

/**
 * dl_regformat_convert() - an image manifest in format @f: the media
 * types of the manifest, its config and its layers changed (the config
 * and layer blobs are the same bytes in both formats), the descriptors'
 * other fields kept (those Docker schema 2 has no place for dropped:
 * annotations, artifactType, data, platform; the manifest's annotations
 * and subject too)
 * @doc: the manifest (checked by dl_ocidoc_parse())
 * @f: the format
 * @out: receives the new manifest's malloc'd bytes (JSON_COMPACT,
 *       JSON_SORT_KEYS), or NULL when @doc is in format @f already (or
 *       @f is DL_REGFORMAT_KEEP): then it is pushed as it is
 * @len: receives their count
 * @reason: receives the failure text
 * Return: 0, or DL_EXIT_REJECT for a layer type the format has not
 * (zstd in Docker schema 2, or a type dl does not know).
 */
extern int dl_regformat_convert(json_t *doc, enum dl_regformat f, char **out,
				size_t *len, char **reason);

#endif
