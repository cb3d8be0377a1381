/* SPDX-License-Identifier: Apache-2.0 */
/* live.c: the one container a runtime helper acts on, and its live state */
#include <stdbool.h>
#include <stdlib.h>
#include <unistd.h>

#include "dl.h"
#include "dl-live.h"
#include "dl-lxc.h"
#include "dl-state.h"

void dl_live_state(const char *id, const char *verb, struct dl_state *st)
{
	static bool quiet;
	_cleanup_free_ char *reason = NULL;
	int r;

	if (!quiet) {
		dl_lxc_log(NULL, false);
		quiet = true;
	}
	r = dl_lxc_state(id, st, &reason);
	if (r)
		dl_die(r, "unable to %s container '%s': %s", verb, id, reason);
}

const char *dl_live_operand(int argc, char **argv, const char *usage,
			    const char *verb, struct dl_state *st)
{
	const char *id;

	if (argc - optind != 1 || !dl_is_id(argv[optind]))
		dl_usage(usage);
	id = argv[optind];
	dl_live_state(id, verb, st);
	return id;
}
