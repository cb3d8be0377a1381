/* SPDX-License-Identifier: Apache-2.0 */
/* dl-ref-resolve: the full ID of an image or container name, ID or ID
 * prefix */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dl.h"
#include "dl/ref.h"
#include "dl/refopt.h"

#define USAGE "dl-ref-resolve [-c] SPEC"
#define OPTIONS "  -c  resolve a container, not an image\n"

int main(int argc, char **argv)
{
	bool containers;
	char id[DL_ID_LEN + 1];
	char *reason = NULL;
	const char *spec;

	containers = dl_ref_options(argc, argv, USAGE, OPTIONS, 1, 1, true);
	spec = argv[optind];
	if (containers)
		dl_ref_check(dl_container_resolve(spec, id, &reason), "resolve",
			     spec, &reason);
	else
		dl_ref_check(dl_image_resolve(spec, id, &reason), "resolve",
			     spec, &reason);
	puts(id);
	return dl_finish_stdout();
}
