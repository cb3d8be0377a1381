/* SPDX-License-Identifier: Apache-2.0 */
/* dl-image-ls: list the images of the store, newest first */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "dl.h"
#include "dl/image.h"
#include "dl/json.h"
#include "dl/ref.h"

#define USAGE "dl-image-ls [-a] [-o FIELDS]"
#define OPTIONS                                                                \
	"  -a         list the hidden images too (a layer chain's, with no\n" \
	"             name)\n"                                               \
	"  -o FIELDS  print these comma-separated fields, tab-separated, a\n" \
	"             name a line: id,repo,tag,created,size,parent,comment\n"

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
			dl_usage(USAGE);
		sel[nsel++] = k;
	}
	if (nsel == 0)
		dl_usage(USAGE);
	return nsel;
}

int main(int argc, char **argv)
{
	_cleanup_free_ struct dl_image_info *v = NULL;
	_cleanup_free_ char *list = NULL, *why = NULL;
	_cleanup_free_ char **ids = NULL;
	struct dl_ref_entry *refs = NULL;
	size_t n = 0, nids = 0, nrefs = 0, nsel = 0, i;
	int sel[64], opt, code;
	bool all = false;

	dl_set_prog(argv[0]);
	opterr = 0;
	if (dl_want_help(argc, argv))
		dl_help(USAGE, OPTIONS);
	while ((opt = getopt(argc, argv, "+ao:")) != -1) {
		if (opt == 'a') {
			all = true;
			continue;
		}
		if (opt != 'o')
			dl_usage(USAGE);
		free(list);
		list = dl_xstrdup(optarg);
		nsel = parse_fields(list, sel, sizeof(sel) / sizeof(*sel));
	}
	if (optind != argc)
		dl_usage(USAGE);
	dl_store_need();
	code = dl_ref_image_list(NULL, &refs, &nrefs, &why);
	if (code)
		dl_die(code, "unable to list 'refs/images': %s", why);
	free(why);
	why = NULL;
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
		else if (!all && v[n].hidden &&
			 !json_array_size(json_object_get(v[n].obj,
							  "RepoTags")))
			json_decref(v[n].obj);
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
