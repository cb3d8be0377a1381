/* SPDX-License-Identifier: Apache-2.0 */
/* json.h: JSON documents via jansson, stable on output, strict on input */
#ifndef DL_JSON_H
#define DL_JSON_H

#include <jansson.h>

/**
 * dl_json_load() - load a JSON document, refusing duplicate keys
 * @path: the file, or "-" for stdin
 * @reason: on failure, receives a malloc'd "FILE:LINE:COLUMN: text" or
 *          strerror text
 * Return: a new reference, or NULL with errno set: EBADMSG when the file
 * was read but is not valid JSON, else the errno of the read.
 */
extern json_t *dl_json_load(const char *path, char **reason);

/**
 * dl_json_dumps() - dump compact with sorted keys, plus a newline
 * @j: the document
 * Return: a malloc'd string (dies on OOM).
 */
extern char *dl_json_dumps(const json_t *j);

/**
 * dl_json_save() - write @j to @path atomically (temp, fsync, rename)
 * @path: the destination
 * @j: the document
 * Return: 0, or -1 with errno set.
 */
extern int dl_json_save(const char *path, const json_t *j);

/**
 * dl_json_save_flags() - dl_json_save() with dl_write_file_atomic_flags()
 * @flags (DL_WRITE_NOSYNC: temp and rename, no fsync)
 * @path: the destination
 * @j: the document
 * @flags: 0 or DL_WRITE_NOSYNC
 * Return: 0, or -1 with errno set.
 */
extern int dl_json_save_flags(const char *path, const json_t *j,
			      unsigned int flags);

/**
 * dl_json_print() - write @j to stdout, compact with sorted keys, newline
 * @j: the document
 * Return: 0, or -1 with errno set.
 */
extern int dl_json_print(const json_t *j);

#endif
