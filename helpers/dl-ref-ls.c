/* SPDX-License-Identifier: Apache-2.0 */
/* dl-ref-ls: list the image or container names */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dl.h"
#include "dl/ref.h"
#include "dl/refopt.h"

#define USAGE "dl-ref-ls [-c] [ID]"
#define OPTIONS "  -c  list container names, not image names\n"

int main(int argc, char **argv)
{
	bool containers;
	struct dl_ref_entry *v = NULL;
	char *reason = NULL;
	const char *id;
	size_t n = 0, i;

	containers = dl_ref_options(argc, argv, USAGE, OPTIONS, 0, 1, false);
	id = optind < argc ? argv[optind] : NULL;
	if (id && !dl_is_id(id))
		dl_die(DL_EXIT_USAGE, "unable to list '%s': " DL_ID_INVALID,
		       id);
	dl_store_need();
	if (containers)
		dl_ref_check(dl_ref_container_list(&v, &n, &reason), "list",
			     "refs/containers", &reason);
	else
		dl_ref_check(dl_ref_image_list(id, &v, &n, &reason), "list",
			     "refs/images", &reason);
	for (i = 0; i < n; i++)
		if (!id || !strcmp(id, v[i].id))
			printf("%s %s\n", v[i].name, v[i].id);
	dl_ref_entries_free(v, n);
	return dl_finish_stdout();
}
