/* SPDX-License-Identifier: Apache-2.0 */
/* dl-image-meta: make, read, check and show image configs and metadata */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "dl.h"
#include "dl-change.h"
#include "dl-image.h"
#include "dl-imgconfig.h"
#include "dl-json.h"
#include "dl-ref.h"
#include "dl-time.h"

#define USAGE "dl-image-meta COMMAND [ARG]..."
#define U_CONFIG                                                               \
	"dl-image-meta config [-c CHANGE]... [-a AUTHOR] [-m COMMENT] "        \
	"[-b CREATED_BY] [BASE]"
#define U_GET "dl-image-meta get [-j] FILE KEY"
#define U_VALIDATE "dl-image-meta validate [-t config|meta] FILE"
#define U_INSPECT "dl-image-meta inspect ID..."
#define U_LS "dl-image-meta ls [-o FIELDS]"
#define U_SET_SIZE "dl-image-meta set-size ID BYTES"
#define OPTIONS                                                                \
	"commands:\n"                                                          \
	"  " U_CONFIG "\n"                                                     \
	"      print a new image config: BASE (a file, - for stdin, or a\n"    \
	"      minimal default) with each CHANGE applied and a history entry\n" \
	"      -c CHANGE      a Dockerfile-like line: CMD, ENTRYPOINT, ENV,\n" \
	"                     LABEL, WORKDIR, USER, EXPOSE, VOLUME, STOPSIGNAL\n" \
	"      -a AUTHOR      the author of the image\n"                       \
	"      -m COMMENT     the comment of the history entry\n"              \
	"      -b CREATED_BY  the created_by of the history entry\n"           \
	"  " U_GET "\n"                                                        \
	"      print the field at dotted path KEY as bare lines\n"             \
	"      -j             print it as JSON instead\n"                      \
	"  " U_VALIDATE "\n"                                                   \
	"      check an image config (default) or a meta.json\n"               \
	"  " U_INSPECT "\n"                                                    \
	"      print images as one JSON array of Docker-shaped objects\n"      \
	"  " U_LS "\n"                                                         \
	"      every image, newest first, as inspect or as tab-separated\n"    \
	"      FIELDS (id,repo,tag,created,size,parent,comment) a tag a line\n" \
	"  " U_SET_SIZE "\n"                                                   \
	"      record the size of image ID in its meta.json\n"

static json_t *load(const char *verb, const char *path,
		    enum dl_image_doc kind)
{
	_cleanup_free_ char *why = NULL;
	json_t *j;
	int code;

	code = dl_image_doc_load(path, kind, &j, &why);
	if (code)
		dl_die(code, "unable to %s '%s': %s", verb, path, why);
	return j;
}

/* --- config ------------------------------------------------------------ */

static void xset(json_t *o, const char *k, json_t *v)
{
	if (!v || json_object_set_new(o, k, v) < 0)
		dl_die(DL_EXIT_FAIL, "unable to build 'json': invalid UTF-8 "
				     "or out of memory");
}

static int cmd_config(int argc, char **argv)
{
	struct dl_change_state st = { 0 };
	const char *author = NULL, *comment = NULL, *by = "dl image create";
	char now[DL_TIME_LEN + 1];
	json_t *j, *c, *h, *entry;
	char **changes;
	size_t nch = 0, i;
	int opt;

	changes = dl_xcalloc((size_t)argc, sizeof(*changes));
	while ((opt = getopt(argc, argv, "+c:a:m:b:")) != -1) {
		switch (opt) {
		case 'c':
			changes[nch++] = optarg;
			break;
		case 'a':
			author = optarg;
			break;
		case 'm':
			comment = optarg;
			break;
		case 'b':
			by = optarg;
			break;
		default:
			dl_usage(U_CONFIG);
		}
	}
	if (argc - optind > 1)
		dl_usage(U_CONFIG);
	if (optind < argc) {
		j = load("read", argv[optind], DL_DOC_CONFIG);
	} else {
		j = dl_imgconfig_new();
		if (!j)
			dl_die(DL_EXIT_FAIL, "unable to build 'json': out of "
					     "memory");
	}
	c = json_object_get(j, "config");
	if (!json_is_object(c)) {
		c = json_object();
		xset(j, "config", c);
	}
	for (i = 0; i < nch; i++) {
		_cleanup_free_ char *why = NULL;

		if (dl_change_apply(c, changes[i], &st, &why))
			dl_die(DL_EXIT_USAGE, "unable to apply change '%s': %s",
			       changes[i], why);
	}
	free(changes);
	if (dl_time_now(now) < 0)
		dl_die_sys(DL_EXIT_FAIL, "unable to read 'clock'");
	xset(j, "created", json_string(now));
	entry = json_pack("{s:s, s:s}", "created", now, "created_by", by);
	if (!entry)
		dl_die(DL_EXIT_USAGE, "unable to use '%s': invalid UTF-8", by);
	if (author) {
		xset(j, "author", json_string(author));
		xset(entry, "author", json_string(author));
	}
	if (comment)
		xset(entry, "comment", json_string(comment));
	h = json_object_get(j, "history");
	if (!json_is_array(h)) {
		h = json_array();
		xset(j, "history", h);
	}
	json_array_append_new(h, entry);
	if (dl_json_print(j) < 0)
		dl_die_sys(DL_EXIT_FAIL, "unable to write 'stdout'");
	json_decref(j);
	return dl_finish_stdout();
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* --- get --------------------------------------------------------------- */

/* A scalar as bare text; anything else as compact JSON */
static void print_bare(const json_t *v, const char *prefix)
{
	_cleanup_free_ char *s = NULL;

	if (json_is_string(v)) {
		printf("%s%s\n", prefix, json_string_value(v));
		return;
	}
	s = dl_json_dumps(v); /* ends in a newline */
	printf("%s%s", prefix, s);
}

static json_t *walk(json_t *v, char *path)
{
	char *save = NULL, *k;

	for (k = strtok_r(path, ".", &save); k && v;
	     k = strtok_r(NULL, ".", &save)) {
		char *end;
		long i;

		if (json_is_object(v)) {
			v = json_object_get(v, k);
			continue;
		}
		if (!json_is_array(v))
			return NULL;
		errno = 0;
		i = strtol(k, &end, 10);
		if (errno || *end || end == k)
			return NULL;
		if (i < 0)
			i += (long)json_array_size(v);
		v = i < 0 ? NULL : json_array_get(v, (size_t)i);
	}
	return v;
}

static int cmd_get(int argc, char **argv)
{
	_cleanup_free_ char *why = NULL, *path = NULL;
	bool as_json = false;
	json_t *j, *v, *e;
	const char *k;
	size_t i;
	int opt;

	while ((opt = getopt(argc, argv, "+j")) != -1) {
		if (opt != 'j')
			dl_usage(U_GET);
		as_json = true;
	}
	if (argc - optind != 2)
		dl_usage(U_GET);
	if (strcmp(argv[optind], "-") && access(argv[optind], F_OK) < 0)
		dl_die_sys(errno == ENOENT ? DL_EXIT_NO : DL_EXIT_FAIL,
			   "unable to read '%s'", argv[optind]);
	j = dl_json_load(argv[optind], &why);
	if (!j)
		dl_die(DL_EXIT_REJECT, "unable to read '%s': %s", argv[optind],
		       why);
	path = dl_xstrdup(argv[optind + 1]);
	v = walk(j, path);
	if (!v || json_is_null(v))
		return DL_EXIT_NO;
	if (as_json) {
		if (dl_json_print(v) < 0)
			dl_die_sys(DL_EXIT_FAIL, "unable to write 'stdout'");
	} else if (json_is_array(v)) {
		json_array_foreach(v, i, e)
			print_bare(e, "");
	} else if (json_is_object(v)) {
		_cleanup_free_ const char **keys = NULL;
		size_t n = json_object_size(v);

		/* sorted, for stable output */
		keys = dl_xcalloc(n ? n : 1, sizeof(*keys));
		i = 0;
		json_object_foreach(v, k, e)
			keys[i++] = k;
		qsort(keys, n, sizeof(*keys), cmp_str);
		for (i = 0; i < n; i++) {
			_cleanup_free_ char *pre = NULL;

			e = json_object_get(v, keys[i]);
			if (json_is_object(e) && json_object_size(e) == 0) {
				printf("%s\n", keys[i]);
				continue;
			}
			pre = dl_xasprintf("%s=", keys[i]);
			print_bare(e, pre);
		}
	} else {
		print_bare(v, "");
	}
	json_decref(j);
	return dl_finish_stdout();
}

/* --- validate ---------------------------------------------------------- */

static int cmd_validate(int argc, char **argv)
{
	enum dl_image_doc kind = DL_DOC_CONFIG;
	json_t *j;
	int opt;

	while ((opt = getopt(argc, argv, "+t:")) != -1) {
		if (opt != 't')
			dl_usage(U_VALIDATE);
		if (!strcmp(optarg, "config"))
			kind = DL_DOC_CONFIG;
		else if (!strcmp(optarg, "meta"))
			kind = DL_DOC_META;
		else
			dl_usage(U_VALIDATE);
	}
	if (argc - optind != 1)
		dl_usage(U_VALIDATE);
	j = load("validate", argv[optind], kind);
	json_decref(j);
	return dl_finish_stdout();
}

/* --- inspect and ls ---------------------------------------------------- */

static void load_refs(struct dl_ref_entry **refs, size_t *n)
{
	_cleanup_free_ char *why = NULL;
	int code = dl_ref_image_list(NULL, refs, n, &why);

	if (code)
		dl_die(code, "unable to list 'refs/images': %s", why);
}

static int cmd_inspect(int argc, char **argv)
{
	struct dl_ref_entry *refs = NULL;
	size_t nrefs = 0;
	json_t *out;
	int i;

	if (getopt(argc, argv, "+") != -1 || optind >= argc)
		dl_usage(U_INSPECT);
	for (i = optind; i < argc; i++)
		if (!dl_is_id(argv[i]))
			dl_die(DL_EXIT_USAGE,
			       "unable to inspect '%s': not a full image ID",
			       argv[i]);
	load_refs(&refs, &nrefs);
	out = json_array();
	for (i = optind; i < argc; i++) {
		_cleanup_free_ char *why = NULL;
		struct dl_image_info img;
		int code = dl_image_inspect(argv[i], refs, nrefs, &img, &why);

		if (code)
			dl_die(code, "unable to inspect '%s': %s", argv[i], why);
		json_array_append_new(out, img.obj);
	}
	dl_ref_entries_free(refs, nrefs);
	if (dl_json_print(out) < 0)
		dl_die_sys(DL_EXIT_FAIL, "unable to write 'stdout'");
	json_decref(out);
	return dl_finish_stdout();
}

static const char *str(json_t *o, const char *key, const char *dflt)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s && *s ? s : dflt;
}

static const char *const fields[] = { "id",   "repo",	"tag",	   "created",
				      "size", "parent", "comment", NULL };

/* Print @s for a tab-separated line: "<none>" when empty, no tab/newline */
static void put_field(const char *s, bool first)
{
	if (!first)
		putchar('\t');
	if (!s || !*s)
		s = "<none>";
	for (; *s; s++)
		putchar(*s == '\t' || *s == '\n' || *s == '\r' ? ' ' : *s);
}

static void print_row(json_t *o, const char *name, const int *sel, size_t n)
{
	_cleanup_free_ char *repo = dl_xstrdup(name ? name : "");
	char *tag = strrchr(repo, ':');
	const char *parent = str(o, "Parent", "");
	char buf[32];
	size_t i;

	if (tag)
		*tag++ = '\0';
	for (i = 0; i < n; i++) {
		switch (sel[i]) {
		case 0:
			put_field(str(o, "Id", "") + 7, i == 0);
			break;
		case 1:
			put_field(repo, i == 0);
			break;
		case 2:
			put_field(tag, i == 0);
			break;
		case 3:
			put_field(str(o, "Created", ""), i == 0);
			break;
		case 4:
			snprintf(buf, sizeof(buf), "%" JSON_INTEGER_FORMAT,
				 json_integer_value(json_object_get(o, "Size")));
			put_field(buf, i == 0);
			break;
		case 5:
			put_field(*parent ? parent + 7 : "", i == 0);
			break;
		default:
			put_field(str(o, "Comment", ""), i == 0);
		}
	}
	putchar('\n');
}

/* -o FIELDS: the index in fields[] of each, into @sel; how many */
static size_t parse_fields(char *list, int *sel, size_t max)
{
	char *f, *save = NULL;
	size_t nsel = 0;

	for (f = strtok_r(list, ",", &save); f; f = strtok_r(NULL, ",", &save)) {
		int k;

		for (k = 0; fields[k] && strcmp(fields[k], f); k++)
			;
		if (!fields[k])
			dl_die(DL_EXIT_USAGE, "unable to use field '%s': not "
			       "one of id,repo,tag,created,size,parent,comment",
			       f);
		if (nsel == max)
			dl_usage(U_LS);
		sel[nsel++] = k;
	}
	if (nsel == 0)
		dl_usage(U_LS);
	return nsel;
}

static int cmd_ls(int argc, char **argv)
{
	_cleanup_free_ struct dl_image_info *v = NULL;
	_cleanup_free_ char *list = NULL, *why = NULL;
	_cleanup_free_ char **ids = NULL;
	struct dl_ref_entry *refs = NULL;
	size_t n = 0, nids = 0, nrefs = 0, nsel = 0, i;
	int sel[64], opt, code;

	while ((opt = getopt(argc, argv, "+o:")) != -1) {
		if (opt != 'o')
			dl_usage(U_LS);
		free(list);
		list = dl_xstrdup(optarg);
		nsel = parse_fields(list, sel, sizeof(sel) / sizeof(*sel));
	}
	if (optind != argc)
		dl_usage(U_LS);
	load_refs(&refs, &nrefs);
	code = dl_image_ids(&ids, &nids, &why);
	if (code)
		dl_die(code, "unable to list '%s/images': %s", dl_root(), why);
	v = dl_xcalloc(nids ? nids : 1, sizeof(*v));
	for (i = 0; i < nids; i++) {
		_cleanup_free_ char *w = NULL;

		code = dl_image_inspect(ids[i], refs, nrefs, &v[n], &w);
		/* one broken image must not hide the others */
		if (code)
			dl_warn("unable to read image '%s': %s", ids[i], w);
		else
			n++;
		free(ids[i]);
	}
	dl_image_info_sort(v, n);
	if (nsel == 0) {
		json_t *out = json_array();

		for (i = 0; i < n; i++)
			json_array_append(out, v[i].obj);
		if (dl_json_print(out) < 0)
			dl_die_sys(DL_EXIT_FAIL, "unable to write 'stdout'");
		json_decref(out);
	}
	for (i = 0; i < n; i++) {
		json_t *tags = json_object_get(v[i].obj, "RepoTags"), *t;
		size_t k;

		if (nsel && json_array_size(tags) == 0)
			print_row(v[i].obj, NULL, sel, nsel);
		json_array_foreach(tags, k, t)
			if (nsel)
				print_row(v[i].obj, json_string_value(t), sel,
					  nsel);
		json_decref(v[i].obj);
	}
	dl_ref_entries_free(refs, nrefs);
	return dl_finish_stdout();
}

/* --- set-size ---------------------------------------------------------- */

static int cmd_set_size(int argc, char **argv)
{
	_cleanup_free_ char *path = NULL;
	json_int_t size;
	json_t *meta;
	char *end;

	if (getopt(argc, argv, "+") != -1 || argc - optind != 2)
		dl_usage(U_SET_SIZE);
	if (!dl_is_id(argv[optind]))
		dl_die(DL_EXIT_USAGE, "unable to use '%s': not a full image ID",
		       argv[optind]);
	errno = 0;
	size = strtoll(argv[optind + 1], &end, 10);
	if (errno || *end || end == argv[optind + 1] || size < 0 ||
	    argv[optind + 1][0] == '-' || argv[optind + 1][0] == '+')
		dl_die(DL_EXIT_USAGE, "unable to use size '%s': not a count "
				      "of bytes", argv[optind + 1]);
	path = dl_path("images/%s/meta.json", argv[optind]);
	meta = load("update", path, DL_DOC_OBJECT);
	xset(meta, "size", json_integer(size));
	if (dl_json_save(path, meta) < 0)
		dl_die_sys(DL_EXIT_FAIL, "unable to update '%s'", path);
	json_decref(meta);
	return dl_finish_stdout();
}

int main(int argc, char **argv)
{
	static const struct {
		const char *name, *usage;
		int (*fn)(int, char **);
	} cmds[] = {
		{ "config", U_CONFIG, cmd_config },
		{ "get", U_GET, cmd_get },
		{ "validate", U_VALIDATE, cmd_validate },
		{ "inspect", U_INSPECT, cmd_inspect },
		{ "ls", U_LS, cmd_ls },
		{ "set-size", U_SET_SIZE, cmd_set_size },
	};
	size_t i;

	dl_set_prog(argv[0]);
	opterr = 0; /* dl_usage() says it, in the one format */
	if (dl_want_help(argc, argv))
		dl_help(USAGE, OPTIONS);
	if (argc < 2)
		dl_usage(USAGE);
	for (i = 0; i < sizeof(cmds) / sizeof(*cmds); i++) {
		if (strcmp(argv[1], cmds[i].name))
			continue;
		if (dl_want_help(argc - 1, argv + 1))
			dl_help(cmds[i].usage, NULL);
		return cmds[i].fn(argc - 1, argv + 1);
	}
	dl_usage(USAGE);
}
