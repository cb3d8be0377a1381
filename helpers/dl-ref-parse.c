/* SPDX-License-Identifier: Apache-2.0 */
/* dl-ref-parse: check an image or container name and print it in full */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dl.h"
#include "dl/ref.h"
#include "dl/refopt.h"

#define USAGE "dl-ref-parse [-c] NAME"
#define OPTIONS "  -c  a container name, not an image name\n"

int main(int argc, char **argv)
{
	bool containers;
	struct dl_ref r = { 0 };
	const char *name;

	containers = dl_ref_options(argc, argv, USAGE, OPTIONS, 1, 1, false);
	name = argv[optind];
	dl_ref_operand(name, containers, &r);
	if (containers)
		puts(name);
	else
		printf("%s:%s\n", r.repo, r.tag);
	dl_ref_free(&r);
	return dl_finish_stdout();
}
