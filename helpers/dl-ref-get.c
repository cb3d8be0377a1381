/* SPDX-License-Identifier: Apache-2.0 */
/* dl-ref-get: print the ID an image or container name points at */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dl.h"
#include "dl/ref.h"
#include "dl/refopt.h"

#define USAGE "dl-ref-get [-c] NAME"
#define OPTIONS "  -c  a container name, not an image name\n"

/* The ID container name @name holds: the exact name, never an ID prefix */
static void container_get(const char *name, char id[DL_ID_LEN + 1])
{
	struct dl_ref_entry *v = NULL;
	char *reason = NULL;
	size_t n = 0, i;

	dl_ref_check(dl_ref_container_list(&v, &n, &reason), "get", name,
		     &reason);
	for (i = 0; i < n && strcmp(v[i].name, name); i++)
		;
	if (i == n)
		dl_die(DL_EXIT_NO, "unable to get '%s': no such name", name);
	memcpy(id, v[i].id, DL_ID_LEN + 1);
	dl_ref_entries_free(v, n);
}

int main(int argc, char **argv)
{
	bool containers;
	struct dl_ref r = { 0 };
	char id[DL_ID_LEN + 1];
	char *reason = NULL;
	const char *name;

	containers = dl_ref_options(argc, argv, USAGE, OPTIONS, 1, 1, true);
	name = argv[optind];
	dl_ref_operand(name, containers, &r);
	if (containers)
		container_get(name, id);
	else
		dl_ref_check(dl_ref_image_get(&r, id, &reason), "get", name,
			     &reason);
	puts(id);
	dl_ref_free(&r);
	return dl_finish_stdout();
}
