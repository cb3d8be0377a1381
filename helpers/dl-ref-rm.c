/* SPDX-License-Identifier: Apache-2.0 */
/* dl-ref-rm: remove an image or container name */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dl.h"
#include "dl/ref.h"
#include "dl/refopt.h"

#define USAGE "dl-ref-rm [-c] NAME"
#define OPTIONS "  -c  a container name, not an image name\n"

int main(int argc, char **argv)
{
	bool containers;
	struct dl_ref r = { 0 };
	char *reason = NULL;
	const char *name;

	containers = dl_ref_options(argc, argv, USAGE, OPTIONS, 1, 1, true);
	name = argv[optind];
	dl_ref_operand(name, containers, &r);
	if (containers)
		dl_ref_check(dl_ref_container_rm(name, &reason), "remove", name,
			     &reason);
	else
		dl_ref_check(dl_ref_image_rm(&r, &reason), "remove", name,
			     &reason);
	dl_ref_free(&r);
	return dl_finish_stdout();
}
