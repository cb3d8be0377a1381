/* SPDX-License-Identifier: Apache-2.0 */
/* dl-ref-set: point an image name at an image, or reserve a container name */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dl.h"
#include "dl/ref.h"
#include "dl/refopt.h"

#define USAGE "dl-ref-set [-c] NAME ID"
#define OPTIONS "  -c  reserve container name NAME for container ID\n"

int main(int argc, char **argv)
{
	bool containers;
	struct dl_ref r = { 0 };
	char *reason = NULL;
	const char *name, *id;

	containers = dl_ref_options(argc, argv, USAGE, OPTIONS, 2, 2, true);
	name = argv[optind];
	id = argv[optind + 1];
	dl_ref_operand(name, containers, &r);
	if (containers)
		dl_ref_check(dl_ref_container_set(name, id, &reason), "set",
			     name, &reason);
	else
		dl_ref_check(dl_ref_image_set(&r, id, &reason), "set", name,
			     &reason);
	dl_ref_free(&r);
	return dl_finish_stdout();
}
