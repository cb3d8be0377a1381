/* SPDX-License-Identifier: Apache-2.0 */
/* dl-registry-digest: record the digest a registry's repository has for
 * an image of the store (its RepoDigests) */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "dl.h"
#include "dl/digest.h"
#include "dl/registry.h"
#include "dl/registrydigest.h"

#define USAGE "dl-registry-digest ID REF DIGEST"
#define OPTIONS                                                                \
	"  -h   show this help\n"                                              \
	"\nID is an image of the store, REF the reference it was pulled by\n" \
	"or pushed to ([HOST[:PORT]/]PATH[:TAG][@DIGEST]), DIGEST the\n"      \
	"digest of the document the registry has there.\n"

int main(int argc, char **argv)
{
	_cleanup_free_ char *why = NULL, *repo = NULL;
	const char *id, *digest;
	struct dl_regref ref;
	int opt, code;

	dl_set_prog(argv[0]);
	if (dl_want_help(argc, argv))
		dl_help(USAGE, OPTIONS);
	opterr = 0; /* dl_usage() says it, in the one format */
	while ((opt = getopt(argc, argv, "+h")) != -1) {
		if (opt == 'h')
			dl_help(USAGE, OPTIONS);
		dl_usage(USAGE);
	}
	if (argc - optind != 3)
		dl_usage(USAGE);
	id = argv[optind];
	digest = argv[optind + 2];
	if (!dl_is_id(id))
		dl_die(DL_EXIT_USAGE, "unable to use '%s': not an image ID", id);
	if (!dl_digest_valid(digest))
		dl_die(DL_EXIT_USAGE, "unable to use '%s': " DL_DIGEST_INVALID,
		       digest);
	code = dl_regref_parse(argv[optind + 1], &ref, &why);
	if (code)
		dl_die(code, "unable to parse '%s': %s", argv[optind + 1], why);
	/* REF as typed without its tag and digest, as Docker shows it */
	repo = dl_xstrdup(argv[optind + 1]);
	repo[strcspn(repo, "@")] = '\0';
	if (ref.tag && strrchr(repo, ':') &&
	    strrchr(repo, ':') > (strrchr(repo, '/') ?: repo))
		*strrchr(repo, ':') = '\0';
	dl_store_need();
	code = dl_repo_digest_set(id, repo, digest, &why);
	if (code)
		dl_die(code, "unable to record '%s@%s': %s", repo, digest, why);
	dl_regref_free(&ref);
	return dl_finish_stdout();
}
