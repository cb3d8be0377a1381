/* SPDX-License-Identifier: Apache-2.0 */
/* dl-image-derive: make an image from another one's root with a new
 * config, without a container (a config-only step of dl build) */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include <jansson.h>

#include "dl.h"
#include "dl/derive.h"
#include "dl/imgconfig.h"

#define USAGE "dl-image-derive [-H] IMAGE_ID CONFIG"
#define OPTIONS                                                                \
	"  -H   a hidden image: listed by dl-image-ls -a only, and removed\n" \
	"       with its last child (the steps of dl build)\n"              \
	"\nCONFIG is the new image's config, used as it is (a file, - for\n" \
	"stdin; make it with dl-image-config -b).  Prints the new image ID.\n"

static struct dl_derive d = { .lock = -1 };

static void undo(void)
{
	_cleanup_free_ char *why = NULL;

	if (dl_derive_undo(&d, &why))
		dl_warn("%s", why);
}

int main(int argc, char **argv)
{
	_cleanup_free_ char *why = NULL;
	bool hidden = false;
	json_t *cfg = NULL;
	int c, ret;

	dl_set_prog(argv[0]);
	opterr = 0;
	if (dl_want_help(argc, argv))
		dl_help(USAGE, OPTIONS);
	while ((c = getopt(argc, argv, "+H")) != -1) {
		switch (c) {
		case 'H':
			hidden = true;
			break;
		default:
			dl_usage(USAGE);
		}
	}
	if (argc - optind != 2)
		dl_usage(USAGE);
	if (!dl_is_id(argv[optind]))
		dl_die(DL_EXIT_USAGE, "unable to derive from image '%s': "
		       DL_ID_INVALID, argv[optind]);
	dl_store_need();
	ret = dl_imgconfig_load(argv[optind + 1], &cfg, &why);
	if (ret)
		dl_die(ret, "%s", why);
	atexit(undo);
	ret = dl_derive_begin(&d, argv[optind], &why);
	if (!ret)
		ret = dl_derive_publish(&d, cfg, hidden, &why);
	if (ret)
		dl_die(ret, "%s", why);
	printf("%s\n", d.id);
	json_decref(cfg);
	return dl_finish_stdout();
}
