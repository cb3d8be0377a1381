/* SPDX-License-Identifier: Apache-2.0 */
/* dl-image-validate: check an image config or a meta.json */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "dl.h"
#include "dl/image.h"

#define USAGE "dl-image-validate [-t KIND] FILE"
#define OPTIONS                                                                \
	"  -t KIND  what FILE is: config (an OCI image config, the default)\n" \
	"           or meta (a dockerlite meta.json)\n"

int main(int argc, char **argv)
{
	enum dl_image_doc kind = DL_DOC_CONFIG;
	_cleanup_free_ char *why = NULL;
	json_t *j;
	int opt, code;

	dl_set_prog(argv[0]);
	opterr = 0;
	if (dl_want_help(argc, argv))
		dl_help(USAGE, OPTIONS);
	while ((opt = getopt(argc, argv, "+t:")) != -1) {
		if (opt == 't' && !strcmp(optarg, "config"))
			kind = DL_DOC_CONFIG;
		else if (opt == 't' && !strcmp(optarg, "meta"))
			kind = DL_DOC_META;
		else
			dl_usage(USAGE);
	}
	if (argc - optind != 1)
		dl_usage(USAGE);
	code = dl_image_doc_load(argv[optind], kind, &j, &why);
	if (code)
		dl_die(code, "unable to validate '%s': %s", argv[optind], why);
	json_decref(j);
	return dl_finish_stdout();
}
