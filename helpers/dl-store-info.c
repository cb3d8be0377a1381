/* SPDX-License-Identifier: Apache-2.0 */
/* dl-store-info: describe the store: path, backing, usage, versions */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statvfs.h>
#include <sys/utsname.h>

#include <archive.h>
#include <jansson.h>
#include <btrfsutil.h>
#include <lxc/lxccontainer.h>

#include "dl.h"
#include "dl/json.h"

#define USAGE "dl-store-info [-o FIELDS]"
#define OPTIONS                                                                \
	"  -o FIELDS  print these fields, tab-separated, instead of JSON:\n"   \
	"             root,driver,backing,device,file,size,used,free,\n"        \
	"             images,containers, versions.NAME (dl, liblxc,\n"         \
	"             libbtrfsutil, jansson, libarchive, kernel)\n"

/* The mount source of the filesystem holding @path (longest mount prefix). */
static char *mount_source(const char *path)
{
	_cleanup_fclose_ FILE *f = fopen("/proc/self/mountinfo", "re");
	_cleanup_free_ char *line = NULL;
	char *best = NULL;
	size_t cap = 0, bestlen = 0;

	if (!f)
		return NULL;
	while (getline(&line, &cap, f) > 0) {
		char mnt[4096], src[4096];
		size_t n;

		/* id parent major:minor root mountpoint opts... - type source */
		if (sscanf(line, "%*s %*s %*s %*s %4095s", mnt) != 1)
			continue;
		{
			char *dash = strstr(line, " - ");

			if (!dash || sscanf(dash, " - %*s %4095s", src) != 1)
				continue;
		}
		n = strlen(mnt);
		if (strncmp(path, mnt, n) != 0 ||
		    (path[n] != '/' && path[n] != '\0' && n > 1))
			continue;
		if (n >= bestlen) {
			free(best);
			best = dl_xstrdup(src);
			bestlen = n;
		}
	}
	return best;
}

/* The backing file of a loop device, or NULL. */
static char *loop_backing(const char *dev)
{
	_cleanup_free_ char *p = NULL, *buf = NULL;
	const char *base = strrchr(dev, '/');

	if (!base || strncmp(base + 1, "loop", 4) != 0)
		return NULL;
	p = dl_xasprintf("/sys/block/%s/loop/backing_file", base + 1);
	if (dl_read_file(p, &buf, NULL) < 0)
		return NULL;
	buf[strcspn(buf, "\n")] = '\0';
	return dl_steal_pointer(&buf);
}

static json_int_t count_ids(const char *dir)
{
	_cleanup_free_ char *p = dl_path("%s", dir);
	DIR *d = opendir(p);
	struct dirent *e;
	json_int_t n = 0;

	if (!d)
		return 0;
	while ((e = readdir(d)))
		if (dl_is_id(e->d_name))
			n++;
	closedir(d);
	return n;
}

static void print_field(json_t *info, const char *field)
{
	json_t *backing = json_object_get(info, "backing");
	json_t *v = json_object_get(info, field);

	if (!strncmp(field, "versions.", 9))
		v = json_object_get(json_object_get(info, "versions"), field + 9);

	if (!strcmp(field, "backing"))
		v = json_object_get(backing, "type");
	else if (!strcmp(field, "device") || !strcmp(field, "file"))
		v = json_object_get(backing, field);
	if (json_is_string(v))
		fputs(json_string_value(v), stdout);
	else if (json_is_integer(v))
		printf("%" JSON_INTEGER_FORMAT, json_integer_value(v));
	else if (!v || json_is_null(v))
		fputs("-", stdout);
	else
		dl_die(DL_EXIT_USAGE, "unable to print field '%s': not a field",
		       field);
}

int main(int argc, char **argv)
{
	_cleanup_free_ char *root = NULL, *src = NULL;
	_cleanup_free_ char *file = NULL, *fields = NULL;
	json_auto_t *info = NULL;
	struct statvfs sv;
	struct utsname un;
	char btrfsver[32];
	int opt;

	dl_set_prog(argv[0]);
	if (dl_want_help(argc, argv))
		dl_help(USAGE, OPTIONS);
	opterr = 0;
	while ((opt = getopt(argc, argv, "+o:")) != -1) {
		switch (opt) {
		case 'o':
			free(fields);
			fields = dl_xstrdup(optarg);
			break;
		default:
			dl_usage(USAGE);
		}
	}
	if (optind != argc)
		dl_usage(USAGE);

	dl_store_need();
	root = realpath(dl_root(), NULL);
	if (!root)
		dl_die_sys(DL_EXIT_FAIL, "unable to open store '%s'", dl_root());
	if (statvfs(root, &sv) < 0)
		dl_die_sys(DL_EXIT_FAIL, "unable to stat store '%s'", root);
	uname(&un);
	snprintf(btrfsver, sizeof(btrfsver), "%d.%d.%d",
		 BTRFS_UTIL_VERSION_MAJOR, BTRFS_UTIL_VERSION_MINOR,
		 BTRFS_UTIL_VERSION_PATCH);
	src = mount_source(root);
	file = src ? loop_backing(src) : NULL;

	info = json_pack(
		"{s:s, s:s, s:{s:s, s:s?, s:s?}, s:I, s:I, s:I, s:I, s:I,"
		" s:{s:s, s:s, s:s, s:s, s:s, s:s}}",
		"root", root, "driver", "btrfs",
		"backing", "type", file ? "loop" : "device", "device", src,
		"file", file,
		"size", (json_int_t)sv.f_blocks * (json_int_t)sv.f_frsize,
		"used", (json_int_t)(sv.f_blocks - sv.f_bfree) *
				(json_int_t)sv.f_frsize,
		"free", (json_int_t)sv.f_bavail * (json_int_t)sv.f_frsize,
		"images", count_ids("images"),
		"containers", count_ids("containers"),
		"versions", "dl", DL_VERSION, "liblxc", lxc_get_version(),
		"libbtrfsutil", btrfsver, "jansson", JANSSON_VERSION,
		"libarchive", archive_version_string() + strlen("libarchive "),
		"kernel", un.release);
	if (!info)
		dl_die(DL_EXIT_FAIL, "unable to describe store '%s': json_pack failed",
		       root);

	if (!fields) {
		if (dl_json_print(info) < 0)
			dl_die_sys(DL_EXIT_FAIL, "unable to write 'stdout'");
		return dl_finish_stdout();
	}
	for (char *save = NULL, *f = strtok_r(fields, ",", &save); f;
	     f = strtok_r(NULL, ",", &save)) {
		print_field(info, f);
		fputc(save && *save ? '\t' : '\n', stdout);
	}
	return dl_finish_stdout();
}
