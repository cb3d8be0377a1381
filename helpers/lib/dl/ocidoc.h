/* SPDX-License-Identifier: Apache-2.0 */
/* ocidoc.h: the OCI documents an image travels with (image manifest, image
 * index, image config) and docker-archive's manifest.json, read with a
 * size limit and strict type checks */
#ifndef DL_OCIDOC_H
#define DL_OCIDOC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "dl/digest.h"

/* The largest document read: 4 MiB (registries refuse larger manifests). */
#define DL_OCIDOC_MAX (4U << 20)

/* The media types dl reads and writes. */
#define DL_MT_OCI_MANIFEST "application/vnd.oci.image.manifest.v1+json"
#define DL_MT_OCI_INDEX "application/vnd.oci.image.index.v1+json"
#define DL_MT_OCI_CONFIG "application/vnd.oci.image.config.v1+json"
#define DL_MT_OCI_LAYER "application/vnd.oci.image.layer.v1.tar"
#define DL_MT_OCI_LAYER_GZIP DL_MT_OCI_LAYER "+gzip"
#define DL_MT_OCI_LAYER_ZSTD DL_MT_OCI_LAYER "+zstd"
#define DL_MT_DOCKER_MANIFEST                                                  \
	"application/vnd.docker.distribution.manifest.v2+json"
#define DL_MT_DOCKER_LIST                                                      \
	"application/vnd.docker.distribution.manifest.list.v2+json"
#define DL_MT_DOCKER_CONFIG "application/vnd.docker.container.image.v1+json"
#define DL_MT_DOCKER_LAYER "application/vnd.docker.image.rootfs.diff.tar.gzip"

/* What a document is. */
enum dl_ocidoc_kind {
	DL_OCIDOC_ANY,	    /* not known: told by content */
	DL_OCIDOC_MANIFEST, /* an image manifest (OCI or Docker schema 2) */
	DL_OCIDOC_INDEX,    /* an image index (or a Docker manifest list) */
	DL_OCIDOC_CONFIG,   /* an image config */
	DL_OCIDOC_ARCHIVE,  /* docker-archive's manifest.json */
};

/* A descriptor, as dl_ocidoc_desc() reads it; strings borrowed from the
 * document. */
struct dl_oci_desc {
	const char *media_type;
	char digest[DL_DIGEST_LEN + 1];
	int64_t size;
	json_t *annotations; /* an object of strings, or NULL */
	json_t *platform;    /* an object, or NULL */
};

/*
 * The int functions return 0, or a DL_EXIT_* code with @reason set to a
 * malloc'd text naming the field refused ("'layers[1].digest': not a
 * valid digest ..."), without the document's name.  They need nothing.
 */

/**
 * dl_ocidoc_kind_name() - the name of a kind: "manifest", "index",
 * "config", "docker-archive" (or "any")
 * @kind: the kind
 * Return: a static string.
 */
extern const char *dl_ocidoc_kind_name(enum dl_ocidoc_kind kind);

/**
 * dl_ocidoc_kind_parse() - the kind a name of dl_ocidoc_kind_name() says
 * @name: the name
 * @kind: receives the kind
 * Return: 0, or -1 when @name is no kind's.
 */
extern int dl_ocidoc_kind_parse(const char *name, enum dl_ocidoc_kind *kind);

/**
 * dl_ocidoc_media_kind() - the kind of document a media type names
 * @media_type: the media type
 * Return: DL_OCIDOC_MANIFEST, _INDEX or _CONFIG, or DL_OCIDOC_ANY when
 * it names none of those (a layer, or unknown).
 */
extern enum dl_ocidoc_kind dl_ocidoc_media_kind(const char *media_type);

/**
 * dl_ocidoc_layer_type() - whether dl can apply a layer of @media_type:
 * an OCI layer (tar, +gzip, +zstd) or a Docker schema 2 one
 * @media_type: the media type
 * Return: true or false (non-distributable and foreign layers: false).
 */
extern bool dl_ocidoc_layer_type(const char *media_type);

/**
 * dl_ocidoc_desc() - read and check a descriptor: an object with string
 * mediaType, valid digest, integer size >= 0, where present annotations
 * an object of strings and platform an object with string os and
 * architecture
 * @d: the JSON value
 * @what: its place, for the reason ("config", "layers[2]")
 * @out: receives the descriptor (strings borrowed from @d)
 * @reason: receives the failure text
 * Return: 0 or DL_EXIT_REJECT.
 */
extern int dl_ocidoc_desc(json_t *d, const char *what,
			  struct dl_oci_desc *out, char **reason);

/**
 * dl_ocidoc_parse() - parse and check a document
 * @buf: its bytes (at most DL_OCIDOC_MAX; no NUL needed)
 * @len: how many
 * @want: the kind it must be, or DL_OCIDOC_ANY to tell it by content
 * @media_type: the media type of the descriptor that pointed at it, or
 *              NULL: it must name a document of @want, and the
 *              document's own mediaType, where present, must equal it
 * @kind: receives the kind it is, may be NULL
 * @out: receives the document (a new reference), may be NULL
 * @reason: receives the failure text
 *
 * Checks: JSON with no duplicate key and nothing after it;
 * manifest and index: schemaVersion 2, a mediaType (where present) of
 * their kind, never both "manifests" and "layers" (nor "config" in an
 * index), descriptors as dl_ocidoc_desc() with media types of their place
 * (a config type for "config", an applicable layer type for "layers", a
 * manifest or index type for "manifests"); config: as
 * dl_image_config_check(), and rootfs.type "layers", rootfs.diff_ids
 * valid digests; docker-archive manifest.json: a non-empty array of
 * objects with "Config" a safe relative path, "Layers" an array of them,
 * "RepoTags" null or an array of strings.
 *
 * Return: 0 or DL_EXIT_REJECT.
 */
extern int dl_ocidoc_parse(const char *buf, size_t len,
			   enum dl_ocidoc_kind want, const char *media_type,
			   enum dl_ocidoc_kind *kind, json_t **out,
			   char **reason);

/**
 * dl_ocidoc_load() - dl_ocidoc_parse() of a file, refused unread when
 * larger than DL_OCIDOC_MAX
 * @path: the file, or "-" for stdin
 * @want: as dl_ocidoc_parse()
 * @media_type: as dl_ocidoc_parse()
 * @kind: as dl_ocidoc_parse()
 * @out: as dl_ocidoc_parse()
 * @reason: receives the failure text
 * Return: 0, DL_EXIT_NO when @path does not exist, DL_EXIT_REJECT,
 * DL_EXIT_FAIL.
 */
extern int dl_ocidoc_load(const char *path, enum dl_ocidoc_kind want,
			  const char *media_type, enum dl_ocidoc_kind *kind,
			  json_t **out, char **reason);

/**
 * dl_ocidoc_pair() - check that a manifest and its config agree: as many
 * rootfs.diff_ids as layers
 * @manifest: a checked manifest
 * @config: a checked config
 * @reason: receives the failure text
 * Return: 0 or DL_EXIT_REJECT.
 */
extern int dl_ocidoc_pair(json_t *manifest, json_t *config, char **reason);

/**
 * dl_ocidoc_read_fd() - read a whole document from @fd, refusing one
 * larger than DL_OCIDOC_MAX as soon as a byte too many comes
 * @fd: the stream
 * @buf: receives the malloc'd bytes, NUL-terminated
 * @len: receives their count
 * @reason: receives the failure text
 * Return: 0, DL_EXIT_REJECT (too large) or DL_EXIT_FAIL.
 */
extern int dl_ocidoc_read_fd(int fd, char **buf, size_t *len, char **reason);

#endif
