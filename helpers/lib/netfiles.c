/* SPDX-License-Identifier: Apache-2.0 */
/* netfiles.c: a container's /etc/resolv.conf, /etc/hosts, /etc/hostname */
#include <arpa/inet.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dl.h"
#include "dl/netfiles.h"

static bool loopback(const char *ip)
{
	struct in6_addr a6;
	struct in_addr a;

	if (inet_pton(AF_INET, ip, &a) == 1)
		return (ntohl(a.s_addr) >> 24) == 127;
	return inet_pton(AF_INET6, ip, &a6) == 1 && IN6_IS_ADDR_LOOPBACK(&a6);
}

/* The lines of @path: "nameserver" ones not on loopback into @ns,
 * "search"/"domain" into @search, "options" into @opts; *had_lo tells
 * whether a loopback server was dropped. */
static void read_conf(const char *path, FILE *ns, FILE *search, FILE *opts,
		      bool *had_lo)
{
	_cleanup_fclose_ FILE *f = fopen(path, "re");
	char *line = NULL;
	size_t cap = 0;

	if (!f)
		return;
	while (getline(&line, &cap, f) >= 0) {
		char key[32], val[256];

		if (sscanf(line, "%31s %255[^\n]", key, val) != 2)
			continue;
		if (!strcmp(key, "nameserver")) {
			val[strcspn(val, " \t#;")] = '\0';
			if (loopback(val))
				*had_lo = true;
			else if (ns)
				fprintf(ns, "nameserver %s\n", val);
		} else if ((!strcmp(key, "search") || !strcmp(key, "domain")) &&
			   search) {
			fprintf(search, "search %s\n", val);
		} else if (!strcmp(key, "options") && opts) {
			fprintf(opts, "options %s\n", val);
		}
	}
	free(line);
}

static FILE *mem(char **buf, size_t *len)
{
	FILE *f = open_memstream(buf, len);

	if (!f)
		dl_oom();
	return f;
}

char *dl_resolv_conf(char *const *dns, size_t ndns, char *const *search,
		     size_t nsearch)
{
	char *nsb = NULL, *sb = NULL, *ob = NULL, *out;
	size_t nsl = 0, sl = 0, ol = 0;
	FILE *ns = mem(&nsb, &nsl), *s = mem(&sb, &sl), *o = mem(&ob, &ol);
	bool had_lo = false;
	size_t i;

	read_conf("/etc/resolv.conf", ndns ? NULL : ns, nsearch ? NULL : s, o,
		  &had_lo);
	fflush(ns);
	if (!ndns && !nsl && had_lo)
		read_conf("/run/systemd/resolve/resolv.conf", ns, NULL, NULL,
			  &had_lo);
	for (i = 0; i < ndns; i++)
		fprintf(ns, "nameserver %s\n", dns[i]);
	if (nsearch) {
		fputs("search", s);
		for (i = 0; i < nsearch; i++)
			fprintf(s, " %s", search[i]);
		fputs("\n", s);
	}
	if (fclose(ns) || fclose(s) || fclose(o))
		dl_oom();
	out = dl_xasprintf("%s%s%s", sb, nsb, ob);
	free(nsb);
	free(sb);
	free(ob);
	return out;
}

char *dl_hosts_file(const char *addr, const char *hostname, const char *name,
		    char *const *add, size_t nadd)
{
	char *buf = NULL;
	size_t len = 0, i;
	FILE *f = mem(&buf, &len);

	fputs("127.0.0.1\tlocalhost\n"
	      "::1\tlocalhost ip6-localhost ip6-loopback\n"
	      "fe00::0\tip6-localnet\n"
	      "ff00::0\tip6-mcastprefix\n"
	      "ff02::1\tip6-allnodes\n"
	      "ff02::2\tip6-allrouters\n", f);
	if (addr) {
		fprintf(f, "%s\t%s", addr, hostname);
		if (name && strcmp(name, hostname))
			fprintf(f, " %s", name);
		fputs("\n", f);
	}
	for (i = 0; i < nadd; i++) {
		const char *colon = strchr(add[i], ':');

		if (colon)
			fprintf(f, "%s\t%.*s\n", colon + 1,
				(int)(colon - add[i]), add[i]);
	}
	if (fclose(f))
		dl_oom();
	return buf;
}
