/* SPDX-License-Identifier: Apache-2.0 */
/* refname.h: the grammar of image names (OCI) and container names */
#ifndef DL_REFNAME_H
#define DL_REFNAME_H

#include <stdbool.h>

/* An image reference, as the OCI grammar: [host[:port]/]path[:tag]. */
struct dl_ref {
	char *repo; /* "busybox", "localhost:5000/a/b" */
	char *tag;  /* "latest" when none was given */
};

/**
 * dl_ref_parse() - parse and validate an image name
 * @name: the name as the user typed it
 * @out: receives repo and tag (free with dl_ref_free())
 * @reason: receives the failure text
 * Return: 0 or DL_EXIT_USAGE.
 */
extern int dl_ref_parse(const char *name, struct dl_ref *out, char **reason);

/**
 * dl_ref_free() - free what dl_ref_parse() allocated
 * @r: the reference; may be zeroed
 */
extern void dl_ref_free(struct dl_ref *r);

/**
 * dl_is_container_name() - tell whether @name is a valid container name,
 * [a-zA-Z0-9][a-zA-Z0-9_.-]*, at most 255 characters
 * @name: the name
 * Return: true or false.
 */
extern bool dl_is_container_name(const char *name);

/**
 * dl_ref_valid() - check a parsed image name against the grammar
 * @r: repo and tag
 * @reason: receives the failure text
 * Return: true, or false with @reason set.
 */
extern bool dl_ref_valid(const struct dl_ref *r, char **reason);

/**
 * dl_ref_tag_valid() - tell whether @t is a valid tag,
 * [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}
 * @t: the tag
 * Return: true or false.
 */
extern bool dl_ref_tag_valid(const char *t);

#endif
