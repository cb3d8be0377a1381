/* SPDX-License-Identifier: Apache-2.0 */
/* digest.h: OCI content digests ("sha256:HEX"): the grammar, and sha256
 * over a stream (OpenSSL libcrypto) */
#ifndef DL_DIGEST_H
#define DL_DIGEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* "sha256:" and 64 lowercase hex digits. */
#define DL_DIGEST_HEX_LEN 64
#define DL_DIGEST_LEN (7 + DL_DIGEST_HEX_LEN)

/* The one reason given for a digest that is not valid. */
#define DL_DIGEST_INVALID "not a valid digest (sha256: and 64 lowercase hex digits)"

/**
 * dl_digest_valid() - tell whether @s is a digest dl can use: the OCI
 * grammar (algorithm ":" encoded), restricted to the registered sha256
 * with its exact encoding, so that the hex part is safe as a file name
 * @s: the string
 * Return: true or false.
 */
extern bool dl_digest_valid(const char *s);

/**
 * dl_digest_hex() - the encoded part of a valid digest
 * @s: a string dl_digest_valid() accepts
 * Return: a pointer into @s, after "sha256:".
 */
extern const char *dl_digest_hex(const char *s);

/* A sha256 being computed over a stream; opaque. */
struct dl_sha256;

/**
 * dl_sha256_new() - start a sha256
 * Return: the context; never NULL (dies on allocation failure).
 */
extern struct dl_sha256 *dl_sha256_new(void);

/**
 * dl_sha256_update() - hash @len more bytes
 * @h: the context
 * @buf: the bytes
 * @len: how many
 */
extern void dl_sha256_update(struct dl_sha256 *h, const void *buf, size_t len);

/**
 * dl_sha256_bytes() - how many bytes @h has hashed so far
 * @h: the context
 * Return: the count.
 */
extern uint64_t dl_sha256_bytes(const struct dl_sha256 *h);

/**
 * dl_sha256_final() - finish: write "sha256:HEX" and free @h
 * @h: the context (freed)
 * @out: receives the digest and a NUL
 */
extern void dl_sha256_final(struct dl_sha256 *h, char out[DL_DIGEST_LEN + 1]);

/**
 * dl_sha256_free() - drop an unfinished context (NULL is fine)
 * @h: the context
 */
extern void dl_sha256_free(struct dl_sha256 *h);

/**
 * dl_sha256_buf() - the digest of @len bytes in memory
 * @buf: the bytes
 * @len: how many
 * @out: receives "sha256:HEX" and a NUL
 */
extern void dl_sha256_buf(const void *buf, size_t len,
			  char out[DL_DIGEST_LEN + 1]);

#endif
