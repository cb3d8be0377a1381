/* SPDX-License-Identifier: Apache-2.0 */
/* dl-volume-ls: list the volumes by name */
#include <getopt.h>
#include <stdio.h>

#include "dl.h"
#include "dl/volume.h"

#define USAGE "dl-volume-ls [-a] [-u]"
#define OPTIONS                                                                \
	"  -a           anonymous volumes only\n"                              \
	"  -u           volumes no container uses only\n"                      \
	"  -h, --help   show this help\n"

int main(int argc, char **argv)
{
	_cleanup_free_ char *reason = NULL;
	bool anon = false, unused = false;
	char **names = NULL;
	size_t i, n;
	int opt, ret;

	dl_set_prog(argv[0]);
	if (dl_want_help(argc, argv))
		dl_help(USAGE, OPTIONS);
	opterr = 0;
	while ((opt = getopt(argc, argv, "+au")) != -1) {
		if (opt == 'a')
			anon = true;
		else if (opt == 'u')
			unused = true;
		else
			dl_usage(USAGE);
	}
	if (argc != optind)
		dl_usage(USAGE);
	dl_store_need();

	ret = dl_volume_list(&names, &n, &reason);
	if (ret)
		dl_die(ret, "unable to list 'volumes': %s", reason);
	for (i = 0; i < n; i++) {
		char **users = NULL;
		size_t nu = 0;

		if (anon && !dl_volume_is_anonymous(names[i]))
			continue;
		if (unused) {
			ret = dl_volume_users(names[i], &users, &nu, &reason);
			dl_volume_names_free(users);
			if (ret)
				dl_die(ret, "unable to list the users of "
				       "volume '%s': %s", names[i], reason);
			if (nu)
				continue;
		}
		printf("%s\n", names[i]);
	}
	dl_volume_names_free(names);
	return dl_finish_stdout();
}
