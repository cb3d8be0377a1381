/* SPDX-License-Identifier: Apache-2.0 */
/* dl-image-inspect: print images as Docker-shaped JSON objects */
#include <getopt.h>
#include <stdlib.h>

#include <jansson.h>

#include "dl.h"
#include "dl/image.h"
#include "dl/json.h"
#include "dl/ref.h"

#define USAGE "dl-image-inspect ID..."

int main(int argc, char **argv)
{
	_cleanup_free_ char *why = NULL;
	struct dl_ref_entry *refs = NULL;
	size_t nrefs = 0;
	json_t *out;
	int i, code;

	dl_set_prog(argv[0]);
	opterr = 0;
	if (dl_want_help(argc, argv))
		dl_help(USAGE, NULL);
	if (getopt(argc, argv, "+") != -1 || optind >= argc)
		dl_usage(USAGE);
	for (i = optind; i < argc; i++)
		if (!dl_is_id(argv[i]))
			dl_die(DL_EXIT_USAGE,
			       "unable to inspect '%s': " DL_ID_INVALID,
			       argv[i]);
	dl_store_need();
	code = dl_ref_image_list(NULL, &refs, &nrefs, &why);
	if (code)
		dl_die(code, "unable to list 'refs/images': %s", why);
	out = json_array();
	for (i = optind; i < argc; i++) {
		struct dl_image_info img;

		code = dl_image_inspect(argv[i], refs, nrefs, &img, &why);
		if (code)
			dl_die(code, "unable to inspect '%s': %s", argv[i], why);
		json_array_append_new(out, img.obj);
	}
	dl_ref_entries_free(refs, nrefs);
	if (dl_json_print(out) < 0)
		dl_die_sys(DL_EXIT_FAIL, "unable to write 'stdout'");
	json_decref(out);
	return dl_finish_stdout();
}
