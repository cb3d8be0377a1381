/* SPDX-License-Identifier: Apache-2.0 */
/* digest.c: TAP unit test of the OCI digest grammar and of sha256 (known
 * answers: FIPS 180-2 vectors, and a stream fed in pieces) */
#include <string.h>

#include "dl.h"
#include "dl/digest.h"
#include "tap.h"

#define EMPTY "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
#define ABC "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
#define MILLION_A "sha256:cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"

static void grammar(void)
{
	static const char *bad[] = {
		"", "sha256:", "sha256", EMPTY "0",
		"sha256:E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855",
		"sha512:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
		"sha256:../../../../etc/passwd",
		"sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b85",
		"sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b85/",
		"SHA256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
		" sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
		"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
	};

	ok(dl_digest_valid(EMPTY), "valid digest", EMPTY);
	ok(!strcmp(dl_digest_hex(EMPTY), EMPTY + 7), "hex part of", EMPTY);
	ok(!dl_digest_valid(NULL), "refused digest", "(null)");
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++)
		ok(!dl_digest_valid(bad[i]), "refused digest", bad[i]);
}

static void sha256(void)
{
	char out[DL_DIGEST_LEN + 1];
	char chunk[1000];
	struct dl_sha256 *h;

	dl_sha256_buf("", 0, out);
	ok(!strcmp(out, EMPTY), "sha256 of", "");
	dl_sha256_buf("abc", 3, out);
	ok(!strcmp(out, ABC), "sha256 of", "abc");
	memset(chunk, 'a', sizeof(chunk));
	h = dl_sha256_new();
	for (int i = 0; i < 1000; i++)
		dl_sha256_update(h, chunk, sizeof(chunk));
	ok(dl_sha256_bytes(h) == 1000000, "bytes counted of", "a million a");
	dl_sha256_final(h, out);
	ok(!strcmp(out, MILLION_A), "sha256 in pieces of", "a million a");
	ok(dl_digest_valid(out), "a computed digest is valid:", out);
	dl_sha256_free(dl_sha256_new());
	dl_sha256_free(NULL);
	ok(true, "an unfinished context is freed", "");
}

int main(void)
{
	grammar();
	sha256();
	return tap_done();
}
