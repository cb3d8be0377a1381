/* SPDX-License-Identifier: Apache-2.0 */
/* dl-console: attach our stdio to a detached container's, as docker attach */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "dl.h"
#include "dl/console.h"

#define USAGE "dl-console [-a STREAM]... [-S] [-1] [-k KEYS] ID"
#define OPTIONS \
	"  -a STREAM  attach stdin, stdout or stderr (repeatable; default: " \
	"all three)\n" \
	"  -S         no signal proxy: a signal we get ends us, not the " \
	"command\n" \
	"  -1         the end of our stdin closes the command's\n" \
	"  -k KEYS    the detach keys (default ctrl-p,ctrl-q; \"\" for none)\n"

int main(int argc, char **argv)
{
	struct dl_console c = { .sig_proxy = true };
	_cleanup_free_ char *reason = NULL;
	const char *keys = "ctrl-p,ctrl-q";
	bool some = false;
	int opt, r, code;

	dl_set_prog(argv[0]);
	if (dl_want_help(argc, argv))
		dl_help(USAGE, OPTIONS);
	opterr = 0;
	while ((opt = getopt(argc, argv, "+a:S1k:")) != -1) {
		switch (opt) {
		case 'a':
			some = true;
			if (!strcmp(optarg, "stdin"))
				c.in = true;
			else if (!strcmp(optarg, "stdout"))
				c.out = true;
			else if (!strcmp(optarg, "stderr"))
				c.err = true;
			else
				dl_die(DL_EXIT_FAIL, "unable to attach '%s': "
				       "not stdin, stdout or stderr", optarg);
			break;
		case 'S':
			c.sig_proxy = false;
			break;
		case '1':
			c.stdin_once = true;
			break;
		case 'k':
			keys = optarg;
			break;
		default:
			dl_usage(USAGE);
		}
	}
	if (argc - optind != 1)
		dl_usage(USAGE);
	c.id = argv[optind];
	if (!dl_is_id(c.id))
		dl_die(DL_EXIT_USAGE, "unable to attach to container '%s': "
		       DL_ID_INVALID, c.id);
	if (!some)
		c.in = c.out = c.err = true;
	if (dl_console_keys(&c, keys) < 0)
		dl_die(DL_EXIT_FAIL, "unable to use detach keys '%s': not "
		       "a list of ctrl-X or single characters", keys);
	dl_store_need();
	r = dl_console_run(&c, &code, &reason);
	if (r)
		dl_die(r == DL_EXIT_NO ? DL_EXIT_NO : DL_EXIT_FAIL,
		       "unable to attach to container '%s': %s", c.id, reason);
	return code < 0 ? 0 : code;
}
