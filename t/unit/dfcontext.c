/* SPDX-License-Identifier: Apache-2.0 */
/* dfcontext.c: TAP unit test of .dockerignore matching (dl_ignore_load,
 * dl_ignore_match): Go's filepath.Match, parents, ** and ! exceptions */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dl.h"
#include "dl/dfcontext.h"
#include "tap.h"

static struct dl_ignore *load(const char *patterns)
{
	char dir[] = "/tmp/dfcontext.XXXXXX", *file, *why = NULL;
	struct dl_ignore *ig = NULL;
	FILE *f;
	int fd;

	if (!mkdtemp(dir)) {
		printf("Bail out! mkdtemp\n");
		exit(1);
	}
	file = dl_xasprintf("%s/.dockerignore", dir);
	f = fopen(file, "w");
	if (!f || fputs(patterns, f) < 0 || fclose(f)) {
		printf("Bail out! writing '%s'\n", file);
		exit(1);
	}
	fd = open(dir, O_RDONLY | O_DIRECTORY);
	if (fd < 0 || dl_ignore_load(fd, &ig, &why)) {
		printf("Bail out! loading '%s': %s\n", file, why ? why : "");
		exit(1);
	}
	close(fd);
	unlink(file);
	rmdir(dir);
	free(file);
	return ig;
}

static void is(const struct dl_ignore *ig, const char *path, bool want)
{
	ok(dl_ignore_match(ig, path) == want,
	   want ? "is excluded" : "is kept", path);
}

int main(void)
{
	struct dl_ignore *ig;

	ig = load("# a comment\n*.o\n/build\ndocs\n!docs/keep.md\n"
		  "**/*.tmp\nsrc/**/gen\nlog?.txt\n[ab].c\n  spaced  \n");
	is(ig, "x.o", true);
	is(ig, "src/x.o", false);       /* * stops at '/' */
	is(ig, "build", true);
	is(ig, "build/out/bin", true);  /* a parent matches */
	is(ig, "src/build", false);
	is(ig, "docs/drop.md", true);
	is(ig, "docs/keep.md", false);  /* the later ! wins */
	is(ig, "a.tmp", true);          /* ** is no directory too */
	is(ig, "deep/er/b.tmp", true);
	is(ig, "src/gen", true);
	is(ig, "src/a/b/gen/file", true);
	is(ig, "log1.txt", true);
	is(ig, "log12.txt", false);
	is(ig, "a.c", true);
	is(ig, "c.c", false);
	is(ig, "spaced", true);
	is(ig, "main.c", false);
	is(ig, "", false);
	dl_ignore_free(ig);
	ig = load("*\n!keep\n!dir/**\n");
	is(ig, "any", true);
	is(ig, "keep", false);
	is(ig, "dir/x/y", false);
	dl_ignore_free(ig);
	is(NULL, "x", false);
	return tap_done();
}
