/* SPDX-License-Identifier: Apache-2.0 */
/* dl-image-get: print one field of a JSON document as bare lines */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "dl.h"
#include "dl/json.h"

#define USAGE "dl-image-get [-j] FILE KEY"
#define OPTIONS "  -j  print the value as JSON\n"

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

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

/* The value at dotted @path in @v; an array index may be negative */
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

/* An object one key=value line a key, sorted; a {} value prints its key */
static void print_object(json_t *v)
{
	_cleanup_free_ const char **keys = NULL;
	size_t n = json_object_size(v), i = 0;
	const char *k;
	json_t *e;

	keys = dl_xcalloc(n ? n : 1, sizeof(*keys));
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
}

int main(int argc, char **argv)
{
	_cleanup_free_ char *why = NULL, *path = NULL;
	bool as_json = false;
	const char *file;
	json_t *j, *v, *e;
	size_t i;
	int opt;

	dl_set_prog(argv[0]);
	opterr = 0;
	if (dl_want_help(argc, argv))
		dl_help(USAGE, OPTIONS);
	while ((opt = getopt(argc, argv, "+j")) != -1) {
		if (opt != 'j')
			dl_usage(USAGE);
		as_json = true;
	}
	if (argc - optind != 2)
		dl_usage(USAGE);
	file = argv[optind];
	if (strcmp(file, "-") && access(file, F_OK) < 0)
		dl_die_sys(errno == ENOENT ? DL_EXIT_NO : DL_EXIT_FAIL,
			   "unable to read '%s'", file);
	j = dl_json_load(file, &why);
	if (!j)
		dl_die(DL_EXIT_REJECT, "unable to read '%s': %s", file, why);
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
		print_object(v);
	} else {
		print_bare(v, "");
	}
	json_decref(j);
	return dl_finish_stdout();
}
