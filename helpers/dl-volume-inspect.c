/* SPDX-License-Identifier: Apache-2.0 */
/* dl-volume-inspect: show volumes as docker volume inspect does */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "dl.h"
#include "dl/json.h"
#include "dl/volume.h"

#define USAGE "dl-volume-inspect [-o FIELD[,FIELD...]] NAME..."
#define OPTIONS                                                                \
	"  -o FIELDS    print these string fields of each volume (Name, "      \
	"Driver,\n"                                                            \
	"               Mountpoint, CreatedAt, Scope), tab-separated, one "   \
	"line each\n"                                                          \
	"  -h, --help   show this help\n"

static const char *const fields[] = { "Name", "Driver", "Mountpoint",
				      "CreatedAt", "Scope" };

static bool field_ok(const char *f, size_t len)
{
	size_t i;

	for (i = 0; i < sizeof(fields) / sizeof(*fields); i++)
		if (strlen(fields[i]) == len && !strncmp(f, fields[i], len))
			return true;
	return false;
}

static void print_fields(json_t *v, const char *list)
{
	const char *f = list;

	while (*f) {
		size_t len = strcspn(f, ",");
		_cleanup_free_ char *key = dl_xasprintf("%.*s", (int)len, f);

		printf("%s%s", f == list ? "" : "\t",
		       json_string_value(json_object_get(v, key)));
		f += len + (f[len] == ',');
	}
	printf("\n");
}

int main(int argc, char **argv)
{
	json_t *all = json_array();
	const char *list = NULL, *f;
	int opt, i, ret;

	dl_set_prog(argv[0]);
	if (dl_want_help(argc, argv))
		dl_help(USAGE, OPTIONS);
	opterr = 0;
	while ((opt = getopt(argc, argv, "+o:")) != -1) {
		if (opt != 'o')
			dl_usage(USAGE);
		list = optarg;
	}
	if (argc == optind)
		dl_usage(USAGE);
	for (f = list; f && *f; f += strcspn(f, ",") + (f[strcspn(f, ",")]
							 == ','))
		if (!field_ok(f, strcspn(f, ",")))
			dl_die(DL_EXIT_USAGE, "unable to print field '%.*s': "
			       "not one of Name, Driver, Mountpoint, "
			       "CreatedAt, Scope", (int)strcspn(f, ","), f);
	if (list && !*list)
		dl_usage(USAGE);
	for (i = optind; i < argc; i++) {
		_cleanup_free_ char *reason = NULL;

		ret = dl_volume_name_check(argv[i], &reason);
		if (ret)
			dl_die(ret, "unable to inspect volume '%s': %s",
			       argv[i], reason);
	}
	dl_store_need();

	for (i = optind; i < argc; i++) {
		_cleanup_free_ char *reason = NULL;
		json_t *v = NULL;

		ret = dl_volume_inspect(argv[i], &v, &reason);
		if (ret)
			dl_die(ret, "unable to inspect volume '%s': %s",
			       argv[i], reason);
		if (list)
			print_fields(v, list);
		if (json_array_append_new(all, v) < 0)
			dl_die(DL_EXIT_FAIL, "unable to inspect volume '%s': "
			       "out of memory", argv[i]);
	}
	if (!list && dl_json_print(all) < 0)
		dl_die_sys(DL_EXIT_FAIL, "unable to write 'stdout'");
	json_decref(all);
	return dl_finish_stdout();
}
