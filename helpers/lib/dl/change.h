/* SPDX-License-Identifier: Apache-2.0 */
/* change.h: OCI image configs: Dockerfile-like changes, shape checks */
#ifndef DL_CHANGE_H
#define DL_CHANGE_H

#include <stdbool.h>

#include <jansson.h>

/* What earlier changes of one set did, for the rules that depend on it. */
struct dl_change_state {
	bool cmd_set; /* a CMD came earlier: ENTRYPOINT then keeps Cmd */
};

/**
 * dl_change_apply() - apply one change line to the "config" object of an
 * OCI image config
 * @cfg: the object under the "config" key (Env, Cmd, Entrypoint, ...)
 * @line: "KEYWORD ARGS": CMD, ENTRYPOINT (exec form ["a","b"] or shell
 *        form; "[]" removes), ENV K=V... or ENV K V, LABEL k=v...,
 *        WORKDIR DIR (relative to the previous one), USER U[:G],
 *        EXPOSE PORT[-END][/PROTO]..., VOLUME DIR... or ["DIR",...],
 *        STOPSIGNAL SIG, SHELL ["sh","-c"] (the shell of later shell
 *        forms of CMD and ENTRYPOINT), ONBUILD INSTRUCTION, HEALTHCHECK
 *        NONE or [--interval=D --timeout=D --start-period=D
 *        --start-interval=D --retries=N] CMD COMMAND; the keyword in any
 *        case
 * @st: state across the changes of one set (zero it first), or NULL
 * @reason: receives the failure text
 *
 * As Dockerfile, an ENTRYPOINT removes the Cmd unless a CMD came earlier in
 * the same set.  On failure @cfg is left as it was.
 *
 * Return: 0 or DL_EXIT_USAGE (2).
 */
extern int dl_change_apply(json_t *cfg, const char *line,
			   struct dl_change_state *st, char **reason);

/**
 * dl_image_config_check() - check the shape of an OCI image config: an
 * object with architecture, os and rootfs{type,diff_ids}; where present,
 * created (RFC 3339), author, history[] and the known config fields (Env,
 * Cmd, Entrypoint, Labels, ExposedPorts, Volumes, User, WorkingDir...) of
 * the right types; unknown fields are allowed
 * @j: the document
 * Return: NULL when good, else a malloc'd text naming the bad field.
 */
extern char *dl_image_config_check(json_t *j);

/**
 * dl_image_meta_check() - check the shape of a dl meta.json, strictly:
 * {"id":ID, "parent":""|ID, "created":RFC3339, "comment":S, "author":S,
 * "size":N>=0}, id and created required; of a loaded image also
 * "hidden":BOOL, "layer":{..}, "manifest":{..}, "layers":[..]; no other key
 * @j: the document
 * Return: NULL when good, else a malloc'd text naming the bad field.
 */
extern char *dl_image_meta_check(json_t *j);

#endif
