/* SPDX-License-Identifier: Apache-2.0 */
/* netfiles.c: a container's /etc/resolv.conf, /etc/hosts, /etc/hostname */
#include <arpa/inet.h>
#include <dirent.h>
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
	char *dir, *names;
	char addr[INET_ADDRSTRLEN];
};

/* The aliases the container in @dir has on network @bridge
 * (containers/ID/aliases.BRIDGE, one a line), each after a space. */
static char *member_aliases(const char *dir, const char *bridge)
{
	_cleanup_free_ char *path = dl_xasprintf("%s/aliases.%s", dir, bridge);
	_cleanup_free_ char *text = NULL;
	char *out = dl_xstrdup(""), *save = NULL, *next;

	if (dl_read_file(path, &text, NULL) < 0)
		return out;
	for (char *a = strtok_r(text, "\n", &save); a;
	     a = strtok_r(NULL, "\n", &save)) {
		next = dl_xasprintf("%s %s", out, a);
		free(out);
		out = next;
	}
	return out;
}

/* "NAME HOSTNAME ALIAS..." of the container in @dir on @bridge, or NULL. */
static char *member_names(const char *dir, const char *bridge)
{
	_cleanup_free_ char *path = dl_xasprintf("%s/spec.json", dir);
	_cleanup_free_ char *aliases = NULL;
	json_t *j = json_load_file(path, 0, NULL);
	const char *host, *name;
	char *out;

	if (!j)
		return NULL;
	host = json_string_value(json_object_get(j, "hostname"));
	name = json_string_value(json_object_get(
		json_object_get(j, "annotations"), "org.dockerlite.name"));
	aliases = member_aliases(dir, bridge);
	{
		/* --network-alias: on the network it was made with */
		const char *own = json_string_value(json_object_get(
			json_object_get(j, "annotations"),
			"org.dockerlite.network"));
		const char *more = json_string_value(json_object_get(
			json_object_get(j, "annotations"),
			"org.dockerlite.network-aliases"));
		_cleanup_free_ char *why = NULL;
		struct dl_net onet;

		if (own && more && *more &&
		    !dl_net_load_named(own, &onet, NULL, &why) &&
		    !strcmp(onet.bridge, bridge)) {
			char *next = dl_xasprintf("%s %s", aliases, more);

			for (char *c = next; *c; c++)
				if (*c == ',')
					*c = ' ';
			free(aliases);
			aliases = next;
		}
	}
	if (name && host && strcmp(name, host))
		out = dl_xasprintf("%s %s%s", name, host, aliases);
	else if (name || host)
		out = dl_xasprintf("%s%s", name ? name : host, aliases);
	else
		out = *aliases ? dl_xstrdup(aliases + 1) : NULL;
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

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int dl_net_hosts_rebuild(const char *dir)
{
	_cleanup_free_ char *base = dl_xasprintf("%s/hosts.base", dir);
	_cleanup_free_ char *path = dl_xasprintf("%s/hosts", dir);
	_cleanup_free_ char *text = NULL;
	_cleanup_close_ int lock = -1;
	char **frags = NULL;
	size_t n = 0;
	struct dirent *e;
	DIR *d;

	/* the base's flock: a refresh of another network of the same
	 * container waits, so that neither writes the other's old lines */
	lock = open(base, O_RDONLY | O_CLOEXEC);
	if (lock < 0)
		return -1;
	while (flock(lock, LOCK_EX) < 0)
		if (errno != EINTR)
			return -1;
	if (dl_read_file(base, &text, NULL) < 0)
		return -1;
	d = opendir(dir);
	if (!d)
		return -1;
	while ((e = readdir(d)))
		if (!strncmp(e->d_name, "hosts.net.", 10)) {
			frags = dl_xrealloc(frags, (n + 1) * sizeof(*frags));
			frags[n++] = dl_xstrdup(e->d_name);
		}
	closedir(d);
	if (n)
		qsort(frags, n, sizeof(*frags), by_name);
	for (size_t i = 0; i < n; i++) {
		_cleanup_free_ char *fp = dl_xasprintf("%s/%s", dir, frags[i]);
		_cleanup_free_ char *lines = NULL;
		char *next;

		if (dl_read_file(fp, &lines, NULL) == 0) {
			next = dl_xasprintf("%s%s", text, lines);
			free(text);
			text = next;
		}
		free(frags[i]);
	}
	free(frags);
	return write_in_place(path, text);
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
		if (access(bp, F_OK) < 0)
			continue;
		x->names = member_names(l[i].owner, net->bridge);
		if (!x->names)
			continue;
		x->dir = l[i].owner;
		inet_ntop(AF_INET, &l[i].addr, x->addr, sizeof(x->addr));
		nm++;
	}
	/* each member's lines of this network, containers/ID/hosts.net.BRIDGE,
	 * then its hosts made again from its base and all its networks' */
	for (size_t i = 0; i < nm; i++) {
		_cleanup_free_ char *path = dl_xasprintf("%s/hosts.net.%s",
							 m[i].dir, net->bridge);
		char *text = dl_xstrdup(""), *next;

		for (size_t k = 0; k < nm; k++) {
			if (k == i)
				continue;
			next = dl_xasprintf("%s%s\t%s\n", text, m[k].addr,
					    m[k].names);
			free(text);
			text = next;
		}
		/* a member gone meanwhile has no file to write: fine */
		if (dl_write_file_atomic_flags(path, text, strlen(text), 0644,
					       DL_WRITE_NOSYNC) == 0)
			(void)dl_net_hosts_rebuild(m[i].dir);
		free(text);
	}
	for (size_t i = 0; i < nm; i++)
		free(m[i].names);
	return 0;
}
