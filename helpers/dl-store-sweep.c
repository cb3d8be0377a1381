/* SPDX-License-Identifier: Apache-2.0 */
/* dl-store-sweep: delete what dead owners left in $DL_ROOT/tmp */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dl.h"
#include "dl/image.h"
#include "dl/publish.h"
#include "dl/tmp.h"

#define USAGE "dl-store-sweep [-n]"
#define OPTIONS                                                                \
	"  -n          dry run: print what would be deleted, delete nothing\n" \
	"\nEvery entry of $DL_ROOT/tmp that no live process holds locked is\n" \
	"deleted whole, and its path printed; a record of an image publish\n" \
	"cut short (ID.publish) is undone first (dl-image.h).\n"

/* The names in directory @fd (which this closes), sorted. */
static char **list(int fd, size_t *n)
{
	char **v = NULL;
	size_t cap = 0;
	struct dirent *e;
	DIR *d = fdopendir(fd);

	*n = 0;
	if (!d)
		return NULL;
	while ((errno = 0, e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if (*n == cap) {
			cap = cap ? 2 * cap : 16;
			v = dl_xrealloc(v, cap * sizeof(*v));
		}
		v[(*n)++] = dl_xstrdup(e->d_name);
	}
	if (errno) {
		int e2 = errno;

		closedir(d);
		errno = e2;
		return NULL;
	}
	closedir(d);
	if (!v)
		v = dl_xcalloc(1, sizeof(*v));
	return v;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv)
{
	_cleanup_free_ char *top = NULL;
	_cleanup_close_ int tfd = -1;
	bool dry = false;
	size_t n, i, failed = 0;
	int opt, code = 0;
	char **names;

	dl_set_prog(argv[0]);
	opterr = 0; /* dl_usage() says it, in the one format */
	if (dl_want_help(argc, argv))
		dl_help(USAGE, OPTIONS);
	while ((opt = getopt(argc, argv, "+n")) != -1) {
		if (opt != 'n')
			dl_usage(USAGE);
		dry = true;
	}
	if (optind != argc)
		dl_usage(USAGE);

	/* never sweep the tmp/ of something that is not a store */
	dl_store_need();
	top = dl_path("tmp");
	tfd = open(top, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (tfd < 0 && errno == ENOENT)
		return dl_finish_stdout();
	if (tfd < 0)
		dl_die_sys(DL_EXIT_FAIL, "unable to open '%s'", top);
	names = list(fcntl(tfd, F_DUPFD_CLOEXEC, 0), &n);
	if (!names)
		dl_die_sys(DL_EXIT_FAIL, "unable to list '%s'", top);
	qsort(names, n, sizeof(*names), cmp_str);

	for (i = 0; i < n; i++) {
		_cleanup_free_ char *why = NULL;
		bool swept;
		/* a publish cut short is undone, not merely deleted */
		int ret = dl_image_intent_undo(tfd, names[i], dry, &swept,
					       &why);

		if (!ret && !swept)
			ret = dl_tmp_sweep_at(tfd, names[i], dry, &swept, &why);

		if (ret) {
			/* one entry that resists must not keep the others */
			dl_warn("unable to delete '%s/%s': %s", top, names[i],
				why);
			code = code ? code : ret;
			failed++;
		} else if (swept) {
			printf("%s/%s\n", top, names[i]);
		}
		free(names[i]);
	}
	free(names);
	if (failed)
		dl_die(code, "unable to sweep '%s': %zu %s left", top, failed,
		       failed == 1 ? "entry" : "entries");
	return dl_finish_stdout();
}
