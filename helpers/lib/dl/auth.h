/* SPDX-License-Identifier: Apache-2.0 */
/* auth.h: registry credentials in the containers auth file, as podman
 * and skopeo keep them */
#ifndef DL_AUTH_H
#define DL_AUTH_H

/*
 * The auth file is $REGISTRY_AUTH_FILE, else
 * $XDG_RUNTIME_DIR/containers/auth.json, else
 * /run/containers/UID/auth.json: {"auths": {"REGISTRY": {"auth":
 * base64("USER:PASSWORD")}}}, REGISTRY as named ("docker.io",
 * "127.0.0.1:5000").  Credentials are looked for there, then in
 * ~/.docker/config.json (its "https://index.docker.io/v1/" key for
 * docker.io too).  The file is written mode 0600 as a temp file renamed
 * over it; other keys of it are kept.  No secret is ever put in a reason.
 *
 * The int functions return 0, or a DL_EXIT_* code with @reason set to a
 * malloc'd text naming the file.
 */

/**
 * dl_auth_file() - the auth file written by dl login
 * Return: a malloc'd path.
 */
extern char *dl_auth_file(void);

/**
 * dl_auth_get() - the credentials kept for a registry
 * @registry: HOST[:PORT] as named
 * @user: receives the malloc'd user name
 * @password: receives the malloc'd password
 * @reason: receives the failure text
 * Return: 0, DL_EXIT_NO when there are none, DL_EXIT_REJECT when a file
 * is malformed, or DL_EXIT_FAIL.
 */
extern int dl_auth_get(const char *registry, char **user, char **password,
		       char **reason);

/**
 * dl_auth_set() - keep credentials for a registry in the auth file
 * @registry: HOST[:PORT]
 * @user: the user name (no ':')
 * @password: the password
 * @reason: receives the failure text
 * Return: 0, DL_EXIT_REJECT when the file is malformed, or DL_EXIT_FAIL.
 */
extern int dl_auth_set(const char *registry, const char *user,
		       const char *password, char **reason);

/**
 * dl_auth_rm() - forget the credentials of a registry in the auth file
 * @registry: HOST[:PORT]
 * @reason: receives the failure text
 * Return: 0, DL_EXIT_NO when there were none, DL_EXIT_REJECT, or
 * DL_EXIT_FAIL.
 */
extern int dl_auth_rm(const char *registry, char **reason);

#endif
