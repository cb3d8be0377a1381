/* SPDX-License-Identifier: Apache-2.0 */
/* dl-registry-login: check credentials with a registry and keep them in
 * the auth file */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dl.h"
#include "dl/auth.h"
#include "dl/registry.h"

#define USAGE "dl-registry-login [--tls-verify=false] -u USER REGISTRY"
#define OPTIONS                                                                \
	"  -u USER               the user name\n"                             \
	"  --tls-verify=false    do not verify TLS; allow plain http\n"        \
	"  -h                    show this help\n"                             \
	"\nThe password is the first line of stdin.  REGISTRY is\n"           \
	"HOST[:PORT].  The credentials are kept only once the registry took\n" \
	"them.\n"

/* The first line of stdin, without its newline */
static char *read_password(void)
{
	size_t cap = 0;
	char *line = NULL;
	ssize_t n = getline(&line, &cap, stdin);

	if (n < 0) {
		free(line);
		return NULL;
	}
	while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
		line[--n] = '\0';
	return line;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "tls-verify", required_argument, NULL, 'k' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct dl_registry_opts o = { .tls_verify = 1 };
	_cleanup_free_ char *why = NULL, *password = NULL, *spec = NULL;
	struct dl_regref ref;
	struct dl_registry *r;
	const char *reg;
	int opt, code;

	dl_set_prog(argv[0]);
	if (dl_want_help(argc, argv))
		dl_help(USAGE, OPTIONS);
	opterr = 0; /* dl_usage() says it, in the one format */
	while ((opt = getopt_long(argc, argv, "+u:h", longopts, NULL)) != -1) {
		switch (opt) {
		case 'u':
			o.user = optarg;
			break;
		case 'k':
			if (dl_registry_tls_verify(optarg, &o.tls_verify,
						   &why))
				dl_usage(USAGE);
			break;
		case 'h':
			dl_help(USAGE, OPTIONS);
		default:
			dl_usage(USAGE);
		}
	}
	if (argc - optind != 1 || !o.user)
		dl_usage(USAGE);
	reg = argv[optind];
	if (!*o.user || strchr(o.user, ':'))
		dl_die(DL_EXIT_USAGE, "unable to log in to '%s': a user name "
		       "must be non-empty, without ':'", reg);
	if (!*reg || strchr(reg, '/'))
		dl_die(DL_EXIT_USAGE, "unable to log in to '%s': not "
		       "HOST[:PORT]", reg);
	/* "REGISTRY/x" parsed for the registry's name and host alone */
	spec = dl_xasprintf("%s/x", reg);
	code = dl_regref_parse(spec, &ref, &why);
	if (code)
		dl_die(code, "unable to log in to '%s': %s", reg, why);
	free(ref.repo);
	ref.repo = NULL;
	password = read_password();
	if (!password || !*password)
		dl_die(DL_EXIT_USAGE, "unable to log in to '%s': no password "
		       "on stdin", reg);
	o.password = password;
	code = dl_registry_open(&ref, &o, &r, &why);
	if (!code && !dl_registry_authenticated(r))
		code = dl_fail(&why, DL_EXIT_REJECT, "the registry asks for "
			       "no credentials");
	if (!code)
		code = dl_auth_set(ref.name, o.user, password, &why);
	explicit_bzero(password, strlen(password));
	if (code)
		dl_die(code, "unable to log in to '%s': %s", reg, why);
	dl_registry_close(r);
	dl_regref_free(&ref);
	return dl_finish_stdout();
}
