/* SPDX-License-Identifier: Apache-2.0 */
/* dl-layer-diff: write the OCI layer of a read-only snapshot over its
 * parent (or of a whole tree) as a reproducible tar */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "dl.h"
#include "dl/json.h"
#include "dl/senddiff.h"
#include "dl/tarwrite.h"
#include "dl/time.h"

#define USAGE                                                                  \
	"dl-layer-diff [-p PARENT] [-z none|gzip|zstd] "                       \
	"[--source-date-epoch=N] -o FILE CHILD"
#define OPTIONS                                                                \
	"  -p PARENT                the read-only subvolume CHILD was "       \
	"made from\n"                                                          \
	"  -z none|gzip|zstd        the compression (gzip)\n"                  \
	"  --source-date-epoch=N    clamp mtimes to N seconds "                \
	"($SOURCE_DATE_EPOCH)\n"                                               \
	"  -o FILE                  where the layer goes (- for stdout)\n"     \
	"  -h, --help               show this help\n"                          \
	"\nPrints {\"diffID\",\"digest\",\"size\",\"mediaType\"} "             \
	"unless FILE is -.\n"

static int open_dir(const char *path)
{
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0)
		dl_die_sys(errno == ENOENT ? DL_EXIT_NO
			   : errno == ENOTDIR ? DL_EXIT_REJECT
					      : DL_EXIT_FAIL,
			   "unable to open '%s'", path);
	return fd;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "source-date-epoch", required_argument, NULL, 'E' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	_cleanup_close_ int pfd = -1, cfd = -1, out = -1;
	_cleanup_free_ char *reason = NULL;
	struct dl_tar_opts o = { .compress = DL_COMPRESS_GZIP };
	struct dl_tar_list l = { 0 };
	const char *parent = NULL, *file = NULL, *child, *text;
	const char *epoch = NULL;
	struct dl_tar_desc d;
	bool to_stdout;
	json_t *j;
	int opt, r;

	dl_set_prog(argv[0]);
	if (dl_want_help(argc, argv))
		dl_help(USAGE, OPTIONS);
	opterr = 0;
	while ((opt = getopt_long(argc, argv, "+p:z:o:h", longopts, NULL)) !=
	       -1) {
		switch (opt) {
		case 'p':
			parent = optarg;
			break;
		case 'z':
			if (dl_compress_parse(optarg, &o.compress) < 0)
				dl_usage(USAGE);
			break;
		case 'o':
			file = optarg;
			break;
		case 'E':
			epoch = optarg;
			break;
		case 'h':
			dl_help(USAGE, OPTIONS);
		default:
			dl_usage(USAGE);
		}
	}
	if (argc - optind != 1 || !file || !*file || !*argv[optind] ||
	    (parent && !*parent))
		dl_usage(USAGE);
	child = argv[optind];
	r = dl_epoch_get(epoch, &o.epoch, &text);
	if (r < 0)
		dl_die(DL_EXIT_USAGE, "unable to use source date epoch '%s': "
		       "not a whole number of seconds", text);
	o.clamp = r > 0;
	to_stdout = !strcmp(file, "-");

	cfd = open_dir(child);
	if (parent) {
		pfd = open_dir(parent);
		r = dl_senddiff(pfd, cfd, &l, &reason);
	} else {
		r = dl_senddiff_tree(cfd, &l, &reason);
	}
	if (r)
		dl_die(r, "unable to diff '%s': %s", child, reason);

	out = to_stdout ? dup(STDOUT_FILENO) : dl_file_new(file);
	if (out < 0)
		dl_die_sys(errno == ENOENT && !to_stdout ? DL_EXIT_NO
							 : DL_EXIT_FAIL,
			   "unable to write '%s'", file);
	r = dl_tar_write(cfd, &l, &o, out, &d, &reason);
	dl_tar_list_free(&l);
	if (r)
		dl_die(r, "unable to write '%s': %s", file, reason);
	if (to_stdout)
		return 0;
	if (dl_file_publish(out, file) < 0)
		dl_die_sys(DL_EXIT_FAIL, "unable to write '%s'", file);

	j = json_pack("{s:s,s:s,s:I,s:s}", "diffID", d.diff_id, "digest",
		      d.digest, "size", (json_int_t)d.size, "mediaType",
		      dl_compress_media_type(o.compress));
	if (!j)
		dl_oom();
	if (dl_json_print(j) < 0)
		dl_die_sys(DL_EXIT_FAIL, "unable to write 'stdout'");
	json_decref(j);
	return dl_finish_stdout();
}
