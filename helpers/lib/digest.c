/* SPDX-License-Identifier: Apache-2.0 */
/* digest.c: OCI digests: the grammar and sha256 (libcrypto's EVP) */
#include <string.h>

#include <openssl/evp.h>

#include "dl.h"
#include "dl/digest.h"

struct dl_sha256 {
	EVP_MD_CTX *ctx;
	uint64_t bytes;
};

bool dl_digest_valid(const char *s)
{
	if (!s || strncmp(s, "sha256:", 7))
		return false;
	s += 7;
	for (size_t i = 0; i < DL_DIGEST_HEX_LEN; i++)
		if (!s[i] || !strchr("0123456789abcdef", s[i]))
			return false;
	return s[DL_DIGEST_HEX_LEN] == '\0';
}

const char *dl_digest_hex(const char *s)
{
	return s + 7;
}

struct dl_sha256 *dl_sha256_new(void)
{
	struct dl_sha256 *h = dl_xcalloc(1, sizeof(*h));

	h->ctx = EVP_MD_CTX_new();
	if (!h->ctx || EVP_DigestInit_ex(h->ctx, EVP_sha256(), NULL) != 1)
		dl_oom();
	return h;
}

void dl_sha256_update(struct dl_sha256 *h, const void *buf, size_t len)
{
	if (len && EVP_DigestUpdate(h->ctx, buf, len) != 1)
		dl_oom();
	h->bytes += len;
}

uint64_t dl_sha256_bytes(const struct dl_sha256 *h)
{
	return h->bytes;
}

void dl_sha256_final(struct dl_sha256 *h, char out[DL_DIGEST_LEN + 1])
{
	static const char hex[] = "0123456789abcdef";
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;

	if (EVP_DigestFinal_ex(h->ctx, md, &n) != 1 || n != DL_DIGEST_HEX_LEN / 2)
		dl_oom();
	memcpy(out, "sha256:", 7);
	for (unsigned int i = 0; i < n; i++) {
		out[7 + 2 * i] = hex[md[i] >> 4];
		out[7 + 2 * i + 1] = hex[md[i] & 15];
	}
	out[DL_DIGEST_LEN] = '\0';
	dl_sha256_free(h);
}

void dl_sha256_free(struct dl_sha256 *h)
{
	if (!h)
		return;
	EVP_MD_CTX_free(h->ctx);
	free(h);
}

void dl_sha256_buf(const void *buf, size_t len, char out[DL_DIGEST_LEN + 1])
{
	struct dl_sha256 *h = dl_sha256_new();

	dl_sha256_update(h, buf, len);
	dl_sha256_final(h, out);
}
