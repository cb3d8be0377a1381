/* SPDX-License-Identifier: Apache-2.0 */
/* dl-volume-clone: make a volume a snapshot of another (O(1) on btrfs) */
#include <getopt.h>
#include <stdio.h>

#include <jansson.h>

#include "dl.h"
#include "dl/volume.h"

#define USAGE "dl-volume-clone SOURCE NAME"

int main(int argc, char **argv)
{
	_cleanup_free_ char *reason = NULL;
	const char *src, *name;
	json_t *labels = NULL;
	int ret;

	dl_set_prog(argv[0]);
	if (dl_want_help(argc, argv))
		dl_help(USAGE, NULL);
	opterr = 0;
	if (getopt(argc, argv, "+") != -1 || argc - optind != 2)
		dl_usage(USAGE);
	src = argv[optind];
	name = argv[optind + 1];
	ret = dl_volume_name_check(src, &reason);
	if (ret)
		dl_die(ret, "unable to clone volume '%s': %s", src, reason);
	ret = dl_volume_name_check(name, &reason);
	if (ret)
		dl_die(ret, "unable to create volume '%s': %s", name, reason);
	dl_store_need();

	/* the labels go with the data, but a named copy is no one's
	 * anonymous volume */
	if (!dl_volume_is_anonymous(src)) {
		json_t *info = NULL;

		if (dl_volume_inspect(src, &info, &reason) == 0)
			labels = json_incref(json_object_get(info, "Labels"));
		json_decref(info);
		free(dl_steal_pointer(&reason));
	}
	ret = dl_volume_make(name, labels, src, NULL, NULL, 0, NULL, &reason);
	if (ret == DL_EXIT_CONFLICT)
		dl_die(ret, "unable to create volume '%s': %s", name, reason);
	if (ret)
		dl_die(ret, "unable to clone volume '%s': %s", src, reason);
	json_decref(labels);
	printf("%s\n", name);
	return dl_finish_stdout();
}
