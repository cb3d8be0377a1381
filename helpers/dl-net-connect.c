/* SPDX-License-Identifier: Apache-2.0 */
/* dl-net-connect: connect a container to one more network */
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "dl.h"
#include "dl/netconf.h"
#include "dl/netjoin.h"

#define USAGE "dl-net-connect [-a ALIAS]... NETWORK ID"
#define OPTIONS                                                                \
	"  -a ALIAS     a name the network's other members find it by\n"      \
	"               (repeatable)\n"                                        \
	"  -h, --help   show this help\n"                                      \
	"\nPrints the container's address on NETWORK (nothing when it does\n"  \
	"not run: its next start joins NETWORK).\n"

int main(int argc, char **argv)
{
	_cleanup_free_ char *reason = NULL;
	_cleanup_free_ char **aliases = NULL;
	char addr[INET_ADDRSTRLEN];
	size_t nalias = 0;
	int c, r;

	dl_set_prog(argv[0]);
	if (dl_want_help(argc, argv))
		dl_help(USAGE, OPTIONS);
	aliases = dl_xcalloc((size_t)argc, sizeof(*aliases));
	opterr = 0;
	while ((c = getopt(argc, argv, "+a:")) != -1) {
		if (c != 'a')
			dl_usage(USAGE);
		aliases[nalias++] = optarg;
	}
	if (argc - optind != 2)
		dl_usage(USAGE);
	if (!dl_is_id(argv[optind + 1]))
		dl_die(DL_EXIT_USAGE, "unable to connect container '%s': "
		       DL_ID_INVALID, argv[optind + 1]);
	for (size_t i = 0; i < nalias; i++)
		if (!dl_net_alias_valid(aliases[i]))
			dl_die(DL_EXIT_USAGE, "unable to use alias '%s': "
			       "invalid name", aliases[i]);
	dl_store_need();
	if ((r = dl_net_connect(argv[optind + 1], argv[optind], aliases,
				nalias, addr, &reason)))
		dl_die(r, "unable to connect container '%s' to network "
		       "'%s': %s", argv[optind + 1], argv[optind], reason);
	/* not running: recorded for its next start, no address yet */
	if (*addr)
		printf("%s\n", addr);
	return dl_finish_stdout();
}
