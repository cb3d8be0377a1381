/* SPDX-License-Identifier: Apache-2.0 */
/* ports.c: TAP unit test of -p's syntax (dl_port_parse, dl_port_string)
 * and of the names of user-defined networks (dl_net_name_valid) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dl.h"
#include "dl/netconf.h"
#include "dl/ports.h"
#include "tap.h"

/* @in is read as the port @want (dl_port_string()'s text) */
static void good(const char *in, const char *want)
{
	char text[DL_PORT_STRLEN] = "";
	struct dl_port p, q;
	char *reason = NULL;
	int r = dl_port_parse(in, &p, &reason);

	if (!r)
		dl_port_string(&p, text);
	ok(!r && !strcmp(text, want), "publish", in);
	if (r || strcmp(text, want))
		printf("# got %d '%s' (%s), want '%s'\n", r, text,
		       reason ? reason : "", want);
	free(reason);
	reason = NULL;
	/* the stored text reads back as the same port */
	r = dl_port_parse(text, &q, &reason);
	ok(!r && !memcmp(&p, &q, sizeof(p)), "stored text reads back", text);
	free(reason);
}

static void bad(const char *in)
{
	struct dl_port p;
	char *reason = NULL;
	int r = dl_port_parse(in, &p, &reason);

	ok(r == DL_EXIT_USAGE && reason && strstr(reason, "unable to publish "
						  "port"),
	   "refused", in);
	free(reason);
}

int main(void)
{
	good("80", "0.0.0.0:0:80/tcp");
	good("8080:80", "0.0.0.0:8080:80/tcp");
	good("8080:80/udp", "0.0.0.0:8080:80/udp");
	good("127.0.0.1:8080:80", "127.0.0.1:8080:80/tcp");
	good("127.0.0.1::53/udp", "127.0.0.1:0:53/udp");
	good(":80", "0.0.0.0:0:80/tcp");
	good("65535:1/tcp", "0.0.0.0:65535:1/tcp");
	bad("");
	bad("0");
	bad("65536");
	bad("80/sctp");
	bad("80/");
	bad("x");
	bad("1:2:3:4");
	bad("a.b.c.d:1:80");
	bad("1.2.3.4:80");
	bad("::1:80:80");
	bad("99999:80");
	bad("8080:-80");
	bad("+80");
	ok(dl_net_name_valid("app"), "network name", "app");
	ok(dl_net_name_valid("a.b_c-1"), "network name", "a.b_c-1");
	ok(!dl_net_name_valid("bridge"), "not a network name", "bridge");
	ok(!dl_net_name_valid("host"), "not a network name", "host");
	ok(!dl_net_name_valid("-x"), "not a network name", "-x");
	ok(!dl_net_name_valid("a/b"), "not a network name", "a/b");
	ok(!dl_net_name_valid(""), "not a network name", "");
	return tap_done();
}
