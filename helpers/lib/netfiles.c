/* SPDX-License-Identifier: Apache-2.0 */
/* netfiles.c: a container's /etc/resolv.conf, /etc/hosts, /etc/hostname */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include <jansson.h>

#include "dl.h"
#include "dl/lease.h"
#include "dl/netconf.h"
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

/* One member of a network, for dl_net_hosts_refresh(). */
struct member {
	char *dir, *base, *names;
	char addr[INET_ADDRSTRLEN];
};

/* "NAME HOSTNAME" of the container in @dir, or NULL. */
static char *member_names(const char *dir)
{
	_cleanup_free_ char *path = dl_xasprintf("%s/spec.json", dir);
	json_t *j = json_load_file(path, 0, NULL);
	const char *host, *name;
	char *out;

	if (!j)
		return NULL;
	host = json_string_value(json_object_get(j, "hostname"));
	name = json_string_value(json_object_get(
		json_object_get(j, "annotations"), "org.dockerlite.name"));
	if (name && host && strcmp(name, host))
		out = dl_xasprintf("%s %s", name, host);
	else
		out = name || host ? dl_xstrdup(name ? name : host) : NULL;
	json_decref(j);
	return out;
}

/* Write @text over the file @path in place: the container has it bound,
 * so the inode must stay. */
static int write_in_place(const char *path, const char *text)
{
	_cleanup_close_ int fd = open(path, O_WRONLY | O_NOFOLLOW | O_CLOEXEC);
	size_t len = strlen(text), off = 0;

	if (fd < 0)
		return -1;
	while (off < len) {
		ssize_t n = pwrite(fd, text + off, len - off, (off_t)off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		off += (size_t)n;
	}
	return ftruncate(fd, (off_t)len);
}

int dl_net_hosts_refresh(const struct dl_net *net, char **reason)
{
	_cleanup_free_ char *lockpath = NULL;
	_cleanup_free_ struct dl_lease *l = NULL;
	_cleanup_free_ struct member *m = NULL;
	_cleanup_close_ int lock = -1;
	size_t n = 0, nm = 0;
	int r;

	*reason = NULL;
	lockpath = dl_xasprintf(DL_LEASE_DIR "/%s/hosts.lock", net->bridge);
	lock = open(lockpath, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (lock < 0)
		return dl_fail(reason, DL_EXIT_FAIL, "%s: %s", lockpath,
			       strerror(errno));
	while (flock(lock, LOCK_EX) < 0)
		if (errno != EINTR)
			return dl_fail(reason, DL_EXIT_FAIL, "%s: %s",
				       lockpath, strerror(errno));
	if ((r = dl_lease_list(net, &l, &n, reason)))
		return r;
	m = dl_xcalloc(n + 1, sizeof(*m));
	for (size_t i = 0; i < n; i++) {
		_cleanup_free_ char *bp = NULL;
		struct member *x = &m[nm];

		if (!l[i].live)
			continue;
		bp = dl_xasprintf("%s/hosts.base", l[i].owner);
		if (dl_read_file(bp, &x->base, NULL) < 0)
			continue;
		x->names = member_names(l[i].owner);
		if (!x->names) {
			free(x->base);
			continue;
		}
		x->dir = l[i].owner;
		inet_ntop(AF_INET, &l[i].addr, x->addr, sizeof(x->addr));
		nm++;
	}
	for (size_t i = 0; i < nm; i++) {
		_cleanup_free_ char *path = dl_xasprintf("%s/hosts", m[i].dir);
		char *text = dl_xstrdup(m[i].base), *next;

		for (size_t k = 0; k < nm; k++) {
			if (k == i)
				continue;
			next = dl_xasprintf("%s%s\t%s\n", text, m[k].addr,
					    m[k].names);
			free(text);
			text = next;
		}
		/* a member gone meanwhile has no file to write: fine */
		(void)write_in_place(path, text);
		free(text);
	}
	for (size_t i = 0; i < nm; i++) {
		free(m[i].base);
		free(m[i].names);
	}
	return 0;
}
