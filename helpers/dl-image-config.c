/* SPDX-License-Identifier: Apache-2.0 */
/* dl-image-config: print a new image config, changes applied, stamped */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include <jansson.h>

#include "dl.h"
#include "dl/change.h"
#include "dl/image.h"
#include "dl/imgconfig.h"
#include "dl/json.h"
#include "dl/time.h"

#define USAGE                                                                  \
	"dl-image-config [-c CHANGE]... [-b CREATED_BY] [-a AUTHOR] "          \
	"[-m COMMENT] [-d CREATED] [BASE]"
#define OPTIONS                                                                \
	"  -c CHANGE      a Dockerfile-like line: CMD, ENTRYPOINT, ENV, LABEL,\n" \
	"                 WORKDIR, USER, EXPOSE, VOLUME, STOPSIGNAL, SHELL,\n" \
	"                 ONBUILD, HEALTHCHECK\n"                             \
	"  -b CREATED_BY  the created_by of the history entry (default\n"    \
	"                 \"dl image create\")\n"                            \
	"  -a AUTHOR      the author of the image and of the entry (default:\n" \
	"                 none, even when BASE has one)\n"                    \
	"  -m COMMENT     the comment of the entry\n"                        \
	"  -d CREATED     the time of the config and entry, RFC 3339\n"     \
	"                 (default: now)\n"                                  \
	"\nBASE is a file, - for stdin; default: a minimal config.  The\n"   \
	"config gets created (now) and exactly one new history entry.\n"

int main(int argc, char **argv)
{
	_cleanup_free_ char *why = NULL;
	struct dl_change_state st = { 0 };
	struct dl_history h = { .created_by = "dl image create", .author = "" };
	char now[DL_TIME_LEN + 1];
	const char *created = NULL;
	char **changes;
	size_t nch = 0, i;
	json_t *j, *c;
	int opt, code;

	dl_set_prog(argv[0]);
	opterr = 0; /* dl_usage() says it, in the one format */
	if (dl_want_help(argc, argv))
		dl_help(USAGE, OPTIONS);
	changes = dl_xcalloc((size_t)argc, sizeof(*changes));
	while ((opt = getopt(argc, argv, "+c:a:m:b:d:")) != -1) {
		switch (opt) {
		case 'c':
			changes[nch++] = optarg;
			break;
		case 'a':
			h.author = optarg;
			break;
		case 'm':
			h.comment = optarg;
			break;
		case 'b':
			h.created_by = optarg;
			break;
		case 'd': {
			struct timespec ts;

			if (dl_time_parse(optarg, &ts) < 0)
				dl_die(DL_EXIT_USAGE, "unable to use time '%s': "
				       "not RFC 3339", optarg);
			created = optarg;
			break;
		}
		default:
			dl_usage(USAGE);
		}
	}
	if (argc - optind > 1)
		dl_usage(USAGE);
	if (optind < argc) {
		code = dl_image_doc_load(argv[optind], DL_DOC_CONFIG, &j, &why);
		if (code)
			dl_die(code, "unable to read '%s': %s", argv[optind],
			       why);
	} else if (!(j = dl_imgconfig_new())) {
		dl_die(DL_EXIT_FAIL, "unable to build 'json': out of memory");
	}
	c = json_object_get(j, "config");
	if (!json_is_object(c)) {
		c = json_object();
		if (!c || json_object_set_new(j, "config", c) < 0)
			dl_die(DL_EXIT_FAIL, "unable to build 'json': out of "
					     "memory");
	}
	for (i = 0; i < nch; i++) {
		_cleanup_free_ char *reason = NULL;

		if (dl_change_apply(c, changes[i], &st, &reason))
			dl_die(DL_EXIT_USAGE, "unable to apply change '%s': %s",
			       changes[i], reason);
	}
	free(changes);
	if (dl_time_now(now) < 0)
		dl_die_sys(DL_EXIT_FAIL, "unable to read 'clock'");
	h.created = created ? created : now;
	if (dl_imgconfig_stamp(j, &h) < 0)
		dl_die_sys(errno == EINVAL ? DL_EXIT_USAGE : DL_EXIT_FAIL,
			   "unable to stamp 'config'");
	if (dl_json_print(j) < 0)
		dl_die_sys(DL_EXIT_FAIL, "unable to write 'stdout'");
	json_decref(j);
	return dl_finish_stdout();
}
