/* SPDX-License-Identifier: Apache-2.0 */
/* change.c: TAP unit test of the Dockerfile-like changes to an image config
 * (dl_change_apply) and of the shape checks of image configs and meta.json
 * (dl_image_config_check, dl_image_meta_check) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "dl.h"
#include "dl/change.h"
#include "tap.h"


static void show(const char *what, const json_t *j)
{
	char *s = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);

	printf("# %s %s\n", what, s ? s : "(null)");
	free(s);
}

/*
 * Applying @lines (NULL-terminated), in order, as one set of changes to the
 * config @before gives @after.
 */
static void set(const char *before, const char *const *lines,
		const char *after)
{
	json_t *cfg = parse(before), *want = parse(after);
	struct dl_change_state st = { 0 };
	char *reason = NULL;
	bool good = true;
	size_t i;

	for (i = 0; lines[i] && good; i++) {
		int rc = dl_change_apply(cfg, lines[i], &st, &reason);

		if (rc) {
			printf("# '%s': rc %d reason '%s'\n", lines[i], rc,
			       reason ? reason : "");
			good = false;
		}
		free(reason);
		reason = NULL;
	}
	good = good && json_equal(cfg, want);
	ok(good, "change set starting", lines[0]);
	if (!good) {
		show("got", cfg);
		show("want", want);
	}
	json_decref(cfg);
	json_decref(want);
}

/* Applying @line alone (a NULL state) to @before gives @after. */
static void one(const char *before, const char *line, const char *after)
{
	json_t *cfg = parse(before), *want = parse(after);
	char *reason = NULL;
	int rc = dl_change_apply(cfg, line, NULL, &reason);
	bool good = rc == 0 && json_equal(cfg, want);

	ok(good, "change", line);
	if (!good) {
		printf("# rc %d reason '%s'\n", rc, reason ? reason : "");
		show("got", cfg);
		show("want", want);
	}
	free(reason);
	json_decref(cfg);
	json_decref(want);
}

/* @line is refused on @before with DL_EXIT_USAGE and a reason, and the
 * config is left exactly as it was */
static void bad_todo(const char *before, const char *line, const char *todo)
{
	json_t *cfg = parse(before), *orig = parse(before);
	char *reason = NULL;
	int rc = dl_change_apply(cfg, line, NULL, &reason);
	bool good = rc == DL_EXIT_USAGE && reason && *reason &&
		    json_equal(cfg, orig);

	ok_todo(good, "bad change refused", line ? line : "(null)", todo);
	if (!good) {
		printf("# rc %d reason '%s'\n", rc, reason ? reason : "");
		show("config now", cfg);
	}
	free(reason);
	json_decref(cfg);
	json_decref(orig);
}

static void bad(const char *before, const char *line)
{
	bad_todo(before, line, NULL);
}

static void commands(void)
{
	one("{}", "CMD echo hi", "{\"Cmd\":[\"/bin/sh\",\"-c\",\"echo hi\"]}");
	one("{}", "CMD [\"echo\",\"a b\"]", "{\"Cmd\":[\"echo\",\"a b\"]}");
	one("{\"Cmd\":[\"x\"]}", "CMD [\"y\"]", "{\"Cmd\":[\"y\"]}");
	one("{\"Cmd\":[\"x\"],\"User\":\"u\"}", "CMD []",
	    "{\"User\":\"u\"}");
	one("{}", "ENTRYPOINT [\"/init\",\"-v\"]",
	    "{\"Entrypoint\":[\"/init\",\"-v\"]}");
	one("{}", "ENTRYPOINT exec top -b",
	    "{\"Entrypoint\":[\"/bin/sh\",\"-c\",\"exec top -b\"]}");
	one("{\"Entrypoint\":[\"x\"],\"Env\":[]}", "ENTRYPOINT []",
	    "{\"Env\":[]}");
	/* an ENTRYPOINT removes the image's Cmd... */
	one("{\"Cmd\":[\"sh\"]}", "ENTRYPOINT [\"/e\"]",
	    "{\"Entrypoint\":[\"/e\"]}");
	set("{\"Cmd\":[\"sh\"]}", (const char *const[]){ "ENTRYPOINT [\"/e\"]",
							 NULL },
	    "{\"Entrypoint\":[\"/e\"]}");
	set("{\"Cmd\":[\"sh\"]}",
	    (const char *const[]){ "ENV A=1", "ENTRYPOINT /e", NULL },
	    "{\"Env\":[\"A=1\"],\"Entrypoint\":[\"/bin/sh\",\"-c\",\"/e\"]}");
	/* ...unless a CMD came earlier in the same set */
	set("{\"Cmd\":[\"sh\"]}",
	    (const char *const[]){ "CMD [\"c\"]", "ENTRYPOINT [\"/e\"]", NULL },
	    "{\"Cmd\":[\"c\"],\"Entrypoint\":[\"/e\"]}");
	set("{}",
	    (const char *const[]){ "CMD [\"c\"]", "ENV X=y",
				   "ENTRYPOINT [\"/e\"]", NULL },
	    "{\"Cmd\":[\"c\"],\"Env\":[\"X=y\"],\"Entrypoint\":[\"/e\"]}");
	set("{\"Cmd\":[\"sh\"]}",
	    (const char *const[]){ "ENTRYPOINT [\"/e\"]", "CMD [\"c\"]", NULL },
	    "{\"Cmd\":[\"c\"],\"Entrypoint\":[\"/e\"]}");
	/* an ENTRYPOINT that fails removes nothing */
	bad("{\"Cmd\":[\"sh\"]}", "ENTRYPOINT [\"/e\"");
	bad("{}", "CMD [\"a\",1]");
	bad("{}", "CMD [\"a\"");
	/* only a line starting with '[' is the exec form */
	one("{}", "CMD {\"a\":\"b\"}",
	    "{\"Cmd\":[\"/bin/sh\",\"-c\",\"{\\\"a\\\":\\\"b\\\"}\"]}");
	bad("{\"Cmd\":[\"x\"]}", "CMD");
	bad("{}", "ENTRYPOINT ");
}

static void env_labels(void)
{
	one("{}", "ENV A=1", "{\"Env\":[\"A=1\"]}");
	one("{\"Env\":[\"PATH=/bin\"]}", "ENV A=1 B=two",
	    "{\"Env\":[\"PATH=/bin\",\"A=1\",\"B=two\"]}");
	one("{\"Env\":[\"A=0\",\"B=0\"]}", "ENV A=1",
	    "{\"Env\":[\"A=1\",\"B=0\"]}");
	one("{}", "ENV A=\"x y\" B='$z' C=a\\ b",
	    "{\"Env\":[\"A=x y\",\"B=$z\",\"C=a b\"]}");
	one("{}", "ENV A=", "{\"Env\":[\"A=\"]}");
	one("{}", "ENV A=b=c", "{\"Env\":[\"A=b=c\"]}");
	/* the legacy form: the value is the rest of the line */
	one("{}", "ENV GREETING hello  world",
	    "{\"Env\":[\"GREETING=hello  world\"]}");
	one("{\"Env\":[\"K=0\"]}", "ENV K v", "{\"Env\":[\"K=v\"]}");
	bad("{}", "ENV A");
	bad("{\"Env\":[\"A=0\"]}", "ENV A=1 B");
	bad("{\"Env\":[\"A=0\"]}", "ENV =1");
	bad("{}", "ENV A=\"open");
	bad("{}", "ENV");

	one("{}", "LABEL a=b", "{\"Labels\":{\"a\":\"b\"}}");
	one("{\"Labels\":{\"x\":\"0\",\"a\":\"0\"}}",
	    "LABEL a=1 org.example.v=\"2 3\"",
	    "{\"Labels\":{\"x\":\"0\",\"a\":\"1\",\"org.example.v\":\"2 3\"}}");
	bad("{\"Labels\":{\"a\":\"0\"}}", "LABEL a=1 =2");
	bad("{}", "LABEL");
}

static void others(void)
{
	one("{}", "WORKDIR /app", "{\"WorkingDir\":\"/app\"}");
	one("{\"WorkingDir\":\"/app\"}", "WORKDIR src",
	    "{\"WorkingDir\":\"/app/src\"}");
	one("{\"WorkingDir\":\"/a/b\"}", "WORKDIR ../c/./d/",
	    "{\"WorkingDir\":\"/a/c/d\"}");
	one("{\"WorkingDir\":\"/a/b\"}", "WORKDIR /x//y",
	    "{\"WorkingDir\":\"/x/y\"}");
	one("{}", "WORKDIR rel", "{\"WorkingDir\":\"/rel\"}");
	set("{}", (const char *const[]){ "WORKDIR /a", "WORKDIR b",
					 "WORKDIR c", NULL },
	    "{\"WorkingDir\":\"/a/b/c\"}");
	bad("{\"WorkingDir\":\"/a\"}", "WORKDIR");

	one("{}", "USER nobody", "{\"User\":\"nobody\"}");
	one("{\"User\":\"root\"}", "USER 1000:1000",
	    "{\"User\":\"1000:1000\"}");
	bad("{\"User\":\"root\"}", "USER a b");
	bad("{}", "USER :0");
	bad("{}", "USER");

	one("{}", "EXPOSE 80", "{\"ExposedPorts\":{\"80/tcp\":{}}}");
	one("{\"ExposedPorts\":{\"22/tcp\":{}}}", "EXPOSE 53/udp 9/SCTP",
	    "{\"ExposedPorts\":{\"22/tcp\":{},\"53/udp\":{},\"9/sctp\":{}}}");
	one("{}", "EXPOSE 8000-8002/tcp 65535",
	    "{\"ExposedPorts\":{\"8000/tcp\":{},\"8001/tcp\":{},"
	    "\"8002/tcp\":{},\"65535/tcp\":{}}}");
	one("{}", "EXPOSE 7-7/udp", "{\"ExposedPorts\":{\"7/udp\":{}}}");
	bad("{}", "EXPOSE 0");
	bad("{}", "EXPOSE 65536");
	bad("{}", "EXPOSE 80/icmp");
	bad("{}", "EXPOSE 90-80");
	bad("{}", "EXPOSE http");
	bad("{}", "EXPOSE 80-");
	bad("{}", "EXPOSE -80");
	bad("{}", "EXPOSE +80");
	bad("{\"ExposedPorts\":{\"22/tcp\":{}}}", "EXPOSE 80 0");

	one("{}", "VOLUME /data", "{\"Volumes\":{\"/data\":{}}}");
	one("{\"Volumes\":{\"/a\":{}}}", "VOLUME /b /c",
	    "{\"Volumes\":{\"/a\":{},\"/b\":{},\"/c\":{}}}");
	one("{}", "VOLUME [\"/x y\",\"/z\"]",
	    "{\"Volumes\":{\"/x y\":{},\"/z\":{}}}");
	bad("{}", "VOLUME data");
	bad("{\"Volumes\":{\"/a\":{}}}", "VOLUME /b rel");
	bad("{}", "VOLUME []");
	bad("{}", "VOLUME [\"/a\",2]");
	bad("{}", "VOLUME [\"/a\"");

	one("{}", "STOPSIGNAL SIGUSR1", "{\"StopSignal\":\"SIGUSR1\"}");
	one("{\"StopSignal\":\"9\"}", "STOPSIGNAL 15",
	    "{\"StopSignal\":\"15\"}");
	bad("{}", "STOPSIGNAL TERM KILL");
	one("{}", "SHELL [\"/bin/ash\",\"-c\"]", "{\"Shell\":[\"/bin/ash\",\"-c\"]}");
	bad("{}", "SHELL /bin/ash -c");
	bad("{}", "SHELL []");
	set("{}", (const char *const[]){ "SHELL [\"/bin/ash\",\"-e\"]",
					 "CMD echo", NULL },
	    "{\"Shell\":[\"/bin/ash\",\"-e\"],\"Cmd\":[\"/bin/ash\",\"-e\",\"echo\"]}");
	one("{}", "ONBUILD RUN make", "{\"OnBuild\":[\"RUN make\"]}");
	one("{}", "HEALTHCHECK NONE", "{\"Healthcheck\":{\"Test\":[\"NONE\"]}}");
	one("{}", "HEALTHCHECK --interval=1m30s --timeout=500ms --retries=2 CMD true",
	    "{\"Healthcheck\":{\"Interval\":90000000000,\"Timeout\":500000000,\"Retries\":2,\"Test\":[\"CMD-SHELL\",\"true\"]}}");
	one("{}", "HEALTHCHECK CMD [\"/bin/check\",\"-q\"]",
	    "{\"Healthcheck\":{\"Test\":[\"CMD\",\"/bin/check\",\"-q\"]}}");
	bad("{}", "HEALTHCHECK --interval=soon CMD true");
	bad("{}", "HEALTHCHECK --bogus=1 CMD true");
	bad("{}", "HEALTHCHECK true");
	bad("{}", "STOPSIGNAL NOSUCHSIGNAL");

	/* keywords in any case, surrounding blanks ignored */
	one("{}", "cmd [\"a\"]", "{\"Cmd\":[\"a\"]}");
	one("{}", "Env A=1", "{\"Env\":[\"A=1\"]}");
	one("{}", "  workdir   /w  ", "{\"WorkingDir\":\"/w\"}");
	one("{}", "eXpOsE 1", "{\"ExposedPorts\":{\"1/tcp\":{}}}");
	one("{}", "label a=b", "{\"Labels\":{\"a\":\"b\"}}");
	one("{}", "user u", "{\"User\":\"u\"}");
	one("{}", "volume /v", "{\"Volumes\":{\"/v\":{}}}");
	one("{}", "stopsignal KILL", "{\"StopSignal\":\"KILL\"}");
	one("{\"Cmd\":[\"c\"]}", "entrypoint [\"e\"]",
	    "{\"Entrypoint\":[\"e\"]}");

	bad("{\"User\":\"u\"}", "RUN make");
	bad("{}", "FROM scratch");
	bad("{}", "");
	bad("{}", "   ");
	bad("{}", NULL);
	bad("{}", "ENV A=\xff");
}

static void state_and_types(void)
{
	struct dl_change_state st = { 0 };
	json_t *arr = json_array();
	char *reason = NULL;
	int rc;

	rc = dl_change_apply(arr, "CMD x", &st, &reason);
	ok(rc == DL_EXIT_USAGE && reason && json_array_size(arr) == 0,
	   "a config that is not an object is refused", "[]");
	free(reason);
	json_decref(arr);
	arr = parse("{}");
	rc = dl_change_apply(arr, "CMD x", &st, &reason);
	ok(rc == 0 && st.cmd_set, "a CMD is recorded in the state", "CMD x");
	free(reason);
	json_decref(arr);
}

/* ---- the shape checks ---------------------------------------------- */

#define MINCFG                                                                 \
	"\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":"              \
	"{\"type\":\"layers\",\"diff_ids\":[]}"

static void cfg_good(const char *doc)
{
	json_t *j = parse(doc);
	char *r = dl_image_config_check(j);

	ok(r == NULL, "good image config", doc);
	if (r)
		printf("# reason '%s'\n", r);
	free(r);
	json_decref(j);
}

/* @doc is refused with a reason naming @field */
static void cfg_bad_todo(const char *doc, const char *field, const char *todo)
{
	json_t *j = parse(doc);
	char *r = dl_image_config_check(j);

	ok_todo(r && strstr(r, field), "bad image config", doc, todo);
	if (!r || !strstr(r, field))
		printf("# reason '%s', want it to name '%s'\n", r ? r : "",
		       field);
	free(r);
	json_decref(j);
}

static void cfg_bad(const char *doc, const char *field)
{
	cfg_bad_todo(doc, field, NULL);
}

static void config_check(void)
{
	cfg_good("{" MINCFG "}");
	cfg_good("{" MINCFG ",\"created\":\"2024-01-02T03:04:05.5Z\","
		 "\"author\":\"me\",\"config\":{\"Env\":[\"A=1\"],"
		 "\"Cmd\":[\"sh\"],\"Entrypoint\":[\"/e\"],"
		 "\"Labels\":{\"a\":\"b\"},\"ExposedPorts\":{\"80/tcp\":{}},"
		 "\"Volumes\":{\"/v\":{}},\"User\":\"1:1\","
		 "\"WorkingDir\":\"/w\",\"StopSignal\":\"SIGTERM\"},"
		 "\"history\":[{\"created\":\"2024-01-02T03:04:05Z\","
		 "\"created_by\":\"x\",\"comment\":\"c\",\"author\":\"a\"},"
		 "{\"empty_layer\":true}]}");
	cfg_good("{\"architecture\":\"arm64\",\"os\":\"linux\",\"rootfs\":"
		 "{\"type\":\"layers\",\"diff_ids\":[\"sha256:00\"]}}");
	/* unknown fields are allowed */
	cfg_good("{" MINCFG ",\"variant\":\"v8\",\"x\":[1],"
		 "\"config\":{\"Healthcheck\":{},\"Foo\":1}}");

	cfg_bad("[]", "object");
	cfg_bad("{\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\","
		"\"diff_ids\":[]}}", "architecture");
	cfg_bad("{\"architecture\":\"amd64\",\"rootfs\":{\"type\":\"layers\","
		"\"diff_ids\":[]}}", "os");
	cfg_bad("{\"architecture\":\"amd64\",\"os\":\"linux\"}", "rootfs");
	cfg_bad("{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":[]}",
		"rootfs");
	cfg_bad("{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":"
		"{\"diff_ids\":[]}}", "type");
	cfg_bad("{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":"
		"{\"type\":\"layers\"}}", "diff_ids");
	cfg_bad("{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":"
		"{\"type\":\"layers\",\"diff_ids\":\"sha256:00\"}}", "diff_ids");
	cfg_bad("{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":"
		"{\"type\":\"layers\",\"diff_ids\":[1]}}", "diff_ids");
	cfg_bad("{\"architecture\":1,\"os\":\"linux\",\"rootfs\":"
		"{\"type\":\"layers\",\"diff_ids\":[]}}", "architecture");
	cfg_bad("{" MINCFG ",\"created\":\"yesterday\"}", "created");
	cfg_bad("{" MINCFG ",\"created\":0}", "created");
	cfg_bad("{" MINCFG ",\"author\":[]}", "author");
	cfg_bad("{" MINCFG ",\"config\":[]}", "config");
	cfg_bad("{" MINCFG ",\"config\":{\"Env\":\"A=1\"}}", "Env");
	cfg_bad("{" MINCFG ",\"config\":{\"Env\":[\"A=1\",2]}}", "Env");
	cfg_bad("{" MINCFG ",\"config\":{\"Cmd\":\"sh\"}}", "Cmd");
	cfg_bad("{" MINCFG ",\"config\":{\"Entrypoint\":{}}}", "Entrypoint");
	cfg_bad("{" MINCFG ",\"config\":{\"Labels\":[]}}", "Labels");
	cfg_bad("{" MINCFG ",\"config\":{\"Labels\":{\"a\":1}}}", "Labels");
	cfg_bad("{" MINCFG ",\"config\":{\"ExposedPorts\":[\"80\"]}}",
		"ExposedPorts");
	cfg_bad("{" MINCFG ",\"config\":{\"ExposedPorts\":{\"80/tcp\":1}}}",
		"ExposedPorts");
	cfg_bad("{" MINCFG ",\"config\":{\"Volumes\":{\"/v\":\"x\"}}}",
		"Volumes");
	cfg_bad("{" MINCFG ",\"config\":{\"User\":0}}", "User");
	cfg_bad("{" MINCFG ",\"config\":{\"WorkingDir\":[]}}", "WorkingDir");
	cfg_bad("{" MINCFG ",\"history\":{}}", "history");
	cfg_bad("{" MINCFG ",\"history\":[\"x\"]}", "history");
	cfg_bad("{" MINCFG ",\"history\":[{\"created\":\"soon\"}]}",
		"history");
	cfg_bad("{" MINCFG ",\"history\":[{},{\"created_by\":1}]}",
		"history[1]");
}

#define ID "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define ID2 "fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210"
#define T "\"created\":\"2024-01-02T03:04:05Z\""

static void meta_good(const char *doc)
{
	json_t *j = parse(doc);
	char *r = dl_image_meta_check(j);

	ok(r == NULL, "good meta", doc);
	if (r)
		printf("# reason '%s'\n", r);
	free(r);
	json_decref(j);
}

/* @doc is refused with a reason naming @field */
static void meta_bad_todo(const char *doc, const char *field,
			  const char *todo)
{
	json_t *j = parse(doc);
	char *r = dl_image_meta_check(j);

	ok_todo(r && strstr(r, field), "bad meta", doc, todo);
	if (!r || !strstr(r, field))
		printf("# reason '%s', want it to name '%s'\n", r ? r : "",
		       field);
	free(r);
	json_decref(j);
}

static void meta_bad(const char *doc, const char *field)
{
	meta_bad_todo(doc, field, NULL);
}

static void meta_check(void)
{
	meta_good("{\"id\":\"" ID "\"," T "}");
	meta_good("{\"id\":\"" ID "\",\"parent\":\"\"," T ",\"comment\":\"\","
		  "\"author\":\"a\",\"size\":0}");
	meta_good("{\"id\":\"" ID "\",\"parent\":\"" ID2 "\"," T
		  ",\"size\":123456789012}");

	meta_bad("[]", "object");
	meta_bad("{" T "}", "id");
	meta_bad("{\"id\":\"" ID "\"}", "created");
	meta_bad("{\"id\":\"" ID "\"," T ",\"names\":[]}", "names");
	meta_bad("{\"id\":\"" ID "\"," T ",\"size\":1,\"Size\":1}", "Size");
	meta_bad("{\"id\":\"ABC\"," T "}", "id");
	meta_bad("{\"id\":\"" ID "0\"," T "}", "id");
	meta_bad("{\"id\":\"" ID "\",\"parent\":\"abc\"," T "}", "parent");
	meta_bad("{\"id\":\"" ID "\",\"created\":\"now\"}", "created");
	meta_bad("{\"id\":\"" ID "\"," T ",\"size\":-1}", "size");
	meta_bad("{\"id\":1," T "}", "id");
	meta_bad("{\"id\":\"" ID "\"," T ",\"size\":\"1\"}", "size");
	meta_bad("{\"id\":\"" ID "\"," T ",\"comment\":1}", "comment");
	meta_bad("{\"id\":\"" ID "\",\"parent\":null," T "}", "parent");
}

int main(void)
{
	commands();
	env_labels();
	others();
	state_and_types();
	config_check();
	meta_check();
	return tap_done();
}
