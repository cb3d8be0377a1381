/* SPDX-License-Identifier: Apache-2.0 */
/* imgconfig.c: TAP unit test of the machine's architecture name and of the
 * default image config (dl-imgconfig.h) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#include <jansson.h>

#include "dl.h"
#include "dl/change.h"
#include "dl/imgconfig.h"
#include "tap.h"


/* @j equals the JSON text @want, where "@" stands for dl_goarch() */
static void same(json_t *j, const char *want, const char *desc)
{
	char *w = strdup(want), *at, *s;
	json_t *wj;
	bool good;

	while (w && (at = strchr(w, '@'))) {
		*at = '\0';
		s = dl_xasprintf("%s%s%s", w, dl_goarch(), at + 1);
		free(w);
		w = s;
	}
	wj = parse(w);
	good = j && json_equal(j, wj);
	ok(good, desc, w);
	if (!good) {
		s = j ? json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
		printf("# got %s\n", s ? s : "(null)");
		free(s);
	}
	free(w);
	json_decref(wj);
}

static void goarch(void)
{
	static const char *const map[][2] = {
		{ "x86_64", "amd64" }, { "aarch64", "arm64" },
		{ "armv7l", "arm" },   { "armv6l", "arm" },
		{ "i386", "386" },     { "i686", "386" },
	};
	struct utsname u;
	const char *want;
	size_t i;

	if (uname(&u) < 0) {
		printf("Bail out! uname failed\n");
		exit(1);
	}
	want = u.machine;
	for (i = 0; i < sizeof(map) / sizeof(*map); i++)
		if (!strcmp(u.machine, map[i][0]))
			want = map[i][1];
	ok(dl_goarch() && !strcmp(dl_goarch(), want),
	   "the GOARCH name of this machine", want);
}

static void config(void)
{
	json_t *j = dl_imgconfig_new();
	char *r;

	same(j, "{\"architecture\":\"@\",\"os\":\"linux\",\"config\":{},"
		"\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}",
	     "the minimal config");
	r = j ? dl_image_config_check(j) : dl_xstrdup("none");
	ok(!r, "the minimal config passes the shape check", r ? r : "");
	free(r);
	json_decref(j);

	j = parse("{}");
	ok(dl_imgconfig_fill(j, "2024-01-02T03:04:05Z") == 0, "fill", "{}");
	same(j, "{\"architecture\":\"@\",\"os\":\"linux\",\"rootfs\":"
		"{\"type\":\"layers\",\"diff_ids\":[]},"
		"\"created\":\"2024-01-02T03:04:05Z\"}",
	     "an empty config filled");
	r = dl_image_config_check(j);
	ok(!r, "a filled config passes the shape check", r ? r : "");
	free(r);
	json_decref(j);

	j = parse("{\"config\":{\"Cmd\":[\"sh\"]}}");
	ok(dl_imgconfig_fill(j, NULL) == 0, "fill without a time", "{}");
	same(j, "{\"architecture\":\"@\",\"os\":\"linux\",\"rootfs\":"
		"{\"type\":\"layers\",\"diff_ids\":[]},"
		"\"config\":{\"Cmd\":[\"sh\"]}}",
	     "no created without a time, the rest kept");
	json_decref(j);

	/* what is there stays as it is */
	j = parse("{\"architecture\":\"riscv64\",\"os\":\"freebsd\","
		  "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"sha256:0\"]},"
		  "\"created\":\"2020-01-01T00:00:00Z\"}");
	ok(dl_imgconfig_fill(j, "2024-01-02T03:04:05Z") == 0, "fill",
	   "a full config");
	same(j, "{\"architecture\":\"riscv64\",\"os\":\"freebsd\","
		"\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"sha256:0\"]},"
		"\"created\":\"2020-01-01T00:00:00Z\"}",
	     "a full config unchanged");
	json_decref(j);
}

int main(void)
{
	goarch();
	config();
	return tap_done();
}
