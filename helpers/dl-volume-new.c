/* SPDX-License-Identifier: Apache-2.0 */
/* dl-volume-new: make an empty named volume */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "dl.h"
#include "dl/volume.h"

#define USAGE "dl-volume-new [-p] [-l KEY=VALUE]... NAME"
#define OPTIONS                                                                \
	"  -p                 a volume of that name already is success\n"     \
	"  -l KEY=VALUE       a label (repeatable; KEY alone: an empty "      \
	"value)\n"                                                             \
	"  -h, --help         show this help\n"

int main(int argc, char **argv)
{
	_cleanup_free_ char *reason = NULL;
	json_t *labels = json_object();
	unsigned flags = 0;
	const char *name;
	int opt, ret;

	dl_set_prog(argv[0]);
	if (dl_want_help(argc, argv))
		dl_help(USAGE, OPTIONS);
	if (!labels)
		dl_die(DL_EXIT_FAIL, "unable to make labels: out of memory");
	opterr = 0;
	while ((opt = getopt(argc, argv, "+pl:")) != -1) {
		_cleanup_free_ char *key = NULL;
		const char *eq;

		switch (opt) {
		case 'p':
			flags |= DL_VOLUME_EXIST_OK;
			break;
		case 'l':
			eq = strchr(optarg, '=');
			key = eq ? strndup(optarg, (size_t)(eq - optarg))
				 : strdup(optarg);
			if (!key || !*key)
				dl_die(DL_EXIT_USAGE, "unable to use label "
				       "'%s': no key", optarg);
			if (json_object_set_new(labels, key,
						json_string(eq ? eq + 1 : "")))
				dl_die(DL_EXIT_USAGE, "unable to use label "
				       "'%s': not UTF-8", optarg);
			break;
		default:
			dl_usage(USAGE);
		}
	}
	if (argc - optind != 1)
		dl_usage(USAGE);
	name = argv[optind];
	ret = dl_volume_name_check(name, &reason);
	if (ret)
		dl_die(ret, "unable to create volume '%s': %s", name, reason);
	dl_store_need();

	ret = dl_volume_make(name, labels, NULL, NULL, NULL, flags, NULL,
			     &reason);
	if (ret)
		dl_die(ret, "unable to create volume '%s': %s", name, reason);
	json_decref(labels);
	printf("%s\n", name);
	return dl_finish_stdout();
}
