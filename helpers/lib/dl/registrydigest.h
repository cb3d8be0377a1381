/* SPDX-License-Identifier: Apache-2.0 */
/* registrydigest.h: the digests registries have for an image of the
 * store, its RepoDigests */
#ifndef DL_REGISTRYDIGEST_H
#define DL_REGISTRYDIGEST_H

#include <jansson.h>

/*
 * images/ID/repo-digests.json maps a repository ("127.0.0.1:5000/app",
 * "alpine") to the digest of the document that repository serves for the
 * image: the index a multi-platform image was pulled by, or the manifest
 * pushed there.  Written by dl pull and dl push; shown by dl image
 * inspect as RepoDigests ("REPO@DIGEST").  The file is written temp,
 * fsync, rename, under an exclusive flock(2) of images/ID.
 */

/**
 * dl_repo_digest_set() - record that @repo has @digest for image @id
 * @id: the image ID (checked by the caller)
 * @repo: the repository, without tag or digest
 * @digest: a digest dl_digest_valid() accepts (checked by the caller)
 * @reason: receives the failure text
 * Return: 0, DL_EXIT_NO when there is no such image, DL_EXIT_REJECT when
 * the file is not a JSON object, or DL_EXIT_FAIL.  Needs root.
 */
extern int dl_repo_digest_set(const char *id, const char *repo,
			      const char *digest, char **reason);

/**
 * dl_repo_digests_load() - what images/ID/repo-digests.json records
 * @id: the image ID
 * Return: a new reference to its object, or NULL when there is none (or
 * it cannot be read: RepoDigests then come from meta.json alone).
 */
extern json_t *dl_repo_digests_load(const char *id);

#endif
