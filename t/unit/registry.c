/* SPDX-License-Identifier: Apache-2.0 */
/* registry.c: TAP unit test of remote references (dl_regref_parse):
 * Docker's short-name rules, registries.conf's search registries */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dl.h"
#include "dl/registry.h"
#include "tap.h"

#define D "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

static bool same(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

/* @s parses to these parts */
static void good(const char *s, const char *name, const char *host,
		 const char *repo, const char *tag, const char *digest,
		 const char *local)
{
	struct dl_regref r;
	char *reason = NULL;
	int rc = dl_regref_parse(s, &r, &reason);

	ok(rc == 0 && same(r.name, name) && same(r.host, host) &&
		   same(r.repo, repo) && same(r.tag, tag) &&
		   same(r.digest, digest) && same(r.local, local),
	   "reference", s);
	if (rc)
		printf("# reason: %s\n", reason);
	else
		printf("# %s %s %s %s %s %s\n", r.name, r.host, r.repo,
		       r.tag ? r.tag : "-", r.digest ? r.digest : "-",
		       r.local ? r.local : "-");
	dl_regref_free(&r);
	free(reason);
}

static void bad(const char *s)
{
	struct dl_regref r;
	char *reason = NULL;

	ok(dl_regref_parse(s, &r, &reason) == DL_EXIT_USAGE && reason,
	   "refused reference", s);
	free(reason);
}

int main(void)
{
	static const char text[] = "# x\nunqualified-search-registries = "
				   "[\"quay.io\", \"docker.io\"]\n";
	char conf[] = "/tmp/dl-unit-registries.XXXXXX";
	int fd;

	setenv("DL_REGISTRIES_CONF", "/nonexistent", 1);
	good("alpine", "docker.io", "registry-1.docker.io", "library/alpine",
	     "latest", NULL, "alpine:latest");
	good("alpine:3.19", "docker.io", "registry-1.docker.io",
	     "library/alpine", "3.19", NULL, "alpine:3.19");
	good("user/app", "docker.io", "registry-1.docker.io", "user/app",
	     "latest", NULL, "user/app:latest");
	good("docker.io/library/alpine", "docker.io", "registry-1.docker.io",
	     "library/alpine", "latest", NULL,
	     "docker.io/library/alpine:latest");
	good("docker.io/alpine", "docker.io", "registry-1.docker.io",
	     "library/alpine", "latest", NULL, "docker.io/alpine:latest");
	good("localhost/a", "localhost", "localhost", "a", "latest", NULL,
	     "localhost/a:latest");
	good("127.0.0.1:5000/a/b:1", "127.0.0.1:5000", "127.0.0.1:5000", "a/b",
	     "1", NULL, "127.0.0.1:5000/a/b:1");
	good("quay.io/x/y@" D, "quay.io", "quay.io", "x/y", NULL, D, NULL);
	good("quay.io/x/y:2@" D, "quay.io", "quay.io", "x/y", "2", D,
	     "quay.io/x/y:2");
	good("reg:5000/a", "reg:5000", "reg:5000", "a", "latest", NULL,
	     "reg:5000/a:latest");
	bad("UPPER/case");
	bad("a@sha256:12");
	bad("a:b:c");
	bad("");
	bad("/a");

	ok(dl_registry_insecure_host("localhost:5000"), "insecure", "localhost:5000");
	ok(dl_registry_insecure_host("127.0.0.1"), "insecure", "127.0.0.1");
	ok(!dl_registry_insecure_host("localhost.example.com"), "secure",
	   "localhost.example.com");
	ok(!dl_registry_insecure_host("127.0.0.10:5000"), "secure",
	   "127.0.0.10:5000");

	/* the first unqualified-search registry, with no "library/" */
	fd = mkstemp(conf);
	if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text))
		return 1;
	close(fd);
	setenv("DL_REGISTRIES_CONF", conf, 1);
	good("alpine", "quay.io", "quay.io", "alpine", "latest", NULL,
	     "alpine:latest");
	unlink(conf);
	return tap_done();
}
