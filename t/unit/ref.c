/* SPDX-License-Identifier: Apache-2.0 */
/* ref.c: TAP unit test of the name grammar (dl_ref_parse), and of the
 * RFC 3339 timestamps that refs and metadata carry (dl-time.h) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dl.h"
#include "dl/ref.h"
#include "dl/time.h"
#include "tap.h"


/* @name parses to @repo and @tag */
static void good(const char *name, const char *repo, const char *tag)
{
	struct dl_ref r = { 0 };
	char *reason = NULL;
	int rc = dl_ref_parse(name, &r, &reason);

	ok(rc == 0 && !strcmp(r.repo, repo) && !strcmp(r.tag, tag),
	   "valid name", name);
	if (rc)
		printf("# reason: %s\n", reason);
	else if (strcmp(r.repo, repo) || strcmp(r.tag, tag))
		printf("# got repo '%s' tag '%s'\n", r.repo, r.tag);
	dl_ref_free(&r);
	free(reason);
}

/* @name is refused with a reason containing @why */
static void bad(const char *name, const char *why)
{
	struct dl_ref r = { 0 };
	char *reason = NULL;
	int rc = dl_ref_parse(name, &r, &reason);

	ok(rc == DL_EXIT_USAGE && reason && strstr(reason, why) && !r.repo &&
		   !r.tag,
	   "invalid name", name);
	if (rc != DL_EXIT_USAGE || !reason || !strstr(reason, why))
		printf("# rc %d reason '%s'\n", rc, reason ? reason : "");
	dl_ref_free(&r);
	free(reason);
}

static void cname(const char *name, bool want)
{
	ok(dl_is_container_name(name) == want,
	   want ? "valid container name" : "invalid container name", name);
}

/* @s parses to @sec.@nsec, or fails when @sec is -1 */
static void tparse(const char *s, long long sec, long nsec)
{
	struct timespec ts = { 0, 0 };
	int rc = dl_time_parse(s, &ts);

	if (sec < 0)
		ok(rc < 0, "invalid time", s);
	else
		ok(rc == 0 && ts.tv_sec == sec && ts.tv_nsec == nsec,
		   "valid time", s);
}

static void times(void)
{
	struct timespec ts = { 1795366153, 123456789 }, back;
	char buf[DL_TIME_LEN + 1];

	ok(dl_time_format(&ts, buf) == 0 &&
		   !strcmp(buf, "2026-11-22T16:49:13.123456789Z"),
	   "format", buf);
	ts.tv_nsec = 5;
	ok(dl_time_format(&ts, buf) == 0 &&
		   !strcmp(buf, "2026-11-22T16:49:13.000000005Z"),
	   "format pads nanoseconds", buf);
	ok(dl_time_now(buf) == 0 && strlen(buf) == DL_TIME_LEN &&
		   dl_time_parse(buf, &back) == 0,
	   "now round-trips", buf);
	tparse("2026-11-22T16:49:13.123456789Z", 1795366153, 123456789);
	tparse("2026-11-22T16:49:13Z", 1795366153, 0);
	tparse("2026-11-22t16:49:13.5z", 1795366153, 500000000);
	tparse("2026-11-22 16:49:13.5Z", 1795366153, 500000000);
	tparse("2026-11-22T18:49:13+02:00", 1795366153, 0);
	tparse("2026-11-22T14:19:13.1-02:30", 1795366153, 100000000);
	tparse("1970-01-01T00:00:00Z", 0, 0);
	tparse("2024-02-29T00:00:00Z", 1709164800, 0);
	tparse("2026-02-29T00:00:00Z", -1, 0);
	tparse("2026-13-01T00:00:00Z", -1, 0);
	tparse("2026-11-22T24:00:00Z", -1, 0);
	tparse("2026-11-22T16:49:13", -1, 0);
	tparse("2026-11-22T16:49:13.Z", -1, 0);
	tparse("2026-11-22T16:49:13.1234567890Z", -1, 0);
	tparse("2026-11-22T16:49:13Zjunk", -1, 0);
	tparse("2026-11-22T16:49:13+0200", -1, 0);
	tparse("26-11-22T16:49:13Z", -1, 0);
	tparse("", -1, 0);
}

int main(void)
{
	char *s;

	good("busybox", "busybox", "latest");
	good("busybox:1.36", "busybox", "1.36");
	good("library/busybox:latest", "library/busybox", "latest");
	good("a/b/c/d:v_1.2-rc", "a/b/c/d", "v_1.2-rc");
	good("a.b__c-d--e_f:x", "a.b__c-d--e_f", "x");
	good("localhost/app", "localhost/app", "latest");
	good("localhost:5000/a/b:v1", "localhost:5000/a/b", "v1");
	good("localhost:5000", "localhost", "5000");
	good("Registry.Example.com/ns/app:V1", "Registry.Example.com/ns/app",
	     "V1");
	good("my-reg.io:443/x", "my-reg.io:443/x", "latest");
	good("docker.io/library/busybox", "docker.io/library/busybox",
	     "latest");
	good("abc:_tag", "abc", "_tag");
	good("0123abcd", "0123abcd", "latest");

	bad("", "empty");
	bad("Busybox", "lowercase");
	bad("ns/Busybox", "lowercase");
	bad("Foo/bar", "lowercase");
	bad("..", "invalid path component");
	bad("a/../b", "invalid path component");
	bad("a/./b", "invalid path component");
	bad("/a", "empty path component");
	bad("a/", "empty path component");
	bad("a//b", "empty path component");
	bad("-a", "invalid path component");
	bad("a-", "invalid path component");
	bad("a..b", "invalid path component");
	bad("a___b", "invalid path component");
	bad("a b", "invalid path component");
	bad("a:", "invalid tag");
	bad("a:-x", "invalid tag");
	bad("a:.x", "invalid tag");
	bad("a:x/y", "invalid registry host");
	bad("a:b:c", "invalid tag");
	bad("a@sha256:0000", "digest references are not supported");
	bad("localhost:/a", "invalid registry host");
	bad("host:5x/a", "invalid registry host");
	bad("-bad.com/a", "invalid registry host");
	bad("bad-.com/a", "invalid registry host");
	bad("bad..com/a", "invalid registry host");
	bad("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
	    "64-digit hexadecimal");

	/* the tag may be 128 characters, not 129 */
	s = dl_xasprintf("a:%0128d", 0);
	good(s, "a", s + 2);
	free(s);
	s = dl_xasprintf("a:%0129d", 0);
	bad(s, "invalid tag");
	free(s);
	/* the repository may be 255 characters, not 256 */
	s = dl_xasprintf("%0255d", 0);
	good(s, s, "latest");
	free(s);
	s = dl_xasprintf("%0256d:v", 0);
	bad(s, "longer than 255");
	free(s);

	cname("web", true);
	cname("Web_1.a-b", true);
	cname("0", true);
	cname("", false);
	cname("_web", false);
	cname(".web", false);
	cname("a/b", false);
	cname("a:b", false);

	times();

	return tap_done();
}
