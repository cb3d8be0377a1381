/* SPDX-License-Identifier: Apache-2.0 */
/* portmap.c: the host's published ports, one file each, and their nftables
 * elements */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "dl.h"
#include "dl/lease.h"
#include "dl/nftnet.h"
#include "dl/portmap.h"
#include "dl/ports.h"

/* Open DL_PORT_DIR, making it if needed, and lock it. */
static int port_lock(int *dirfd, int *lockfd, char **reason)
{
	_cleanup_close_ int fd = -1, lock = -1;

	if (dl_mkdir_p(DL_PORT_DIR, 0700) < 0 ||
	    (fd = open(DL_PORT_DIR, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		return dl_fail(reason, DL_EXIT_FAIL, "%s: %s", DL_PORT_DIR,
			       strerror(errno));
	lock = openat(fd, "lock", O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (lock < 0)
		return dl_fail(reason, DL_EXIT_FAIL, "%s/lock: %s",
			       DL_PORT_DIR, strerror(errno));
	while (flock(lock, LOCK_EX) < 0)
		if (errno != EINTR)
			return dl_fail(reason, DL_EXIT_FAIL, "%s/lock: %s",
				       DL_PORT_DIR, strerror(errno));
	*dirfd = dl_steal_fd(&fd);
	*lockfd = dl_steal_fd(&lock);
	return 0;
}

static void record_name(const struct dl_port *p, char *out, size_t len)
{
	char ip[INET_ADDRSTRLEN];

	inet_ntop(AF_INET, &p->host_ip, ip, sizeof(ip));
	snprintf(out, len, "%s-%s-%u", p->udp ? "udp" : "tcp", ip,
		 p->host_port);
}

/* Read record @name: its port and owner; false when it is none. */
static bool record_read(int dfd, const char *name, struct dl_port *p,
			char owner[4096])
{
	char proto[4], ip[INET_ADDRSTRLEN], tail;
	_cleanup_close_ int fd = -1;
	unsigned port;
	ssize_t n;

	memset(p, 0, sizeof(*p));
	if (sscanf(name, "%3[a-z]-%15[0-9.]-%u%c", proto, ip, &port,
		   &tail) != 3 ||
	    (strcmp(proto, "tcp") && strcmp(proto, "udp")) ||
	    inet_pton(AF_INET, ip, &p->host_ip) != 1 || !port || port > 65535)
		return false;
	p->udp = !strcmp(proto, "udp");
	p->host_port = (uint16_t)port;
	fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return false;
	n = read(fd, owner, 4095);
	owner[n < 0 ? 0 : n] = '\0';
	owner[strcspn(owner, "\n")] = '\0';
	return true;
}

/* Remove the records (and elements) of @owner, and with @sweep the stale
 * ones, in the locked @dfd. */
static int scan(int dfd, const char *owner, bool sweep, unsigned *dropped,
		char **reason)
{
	_cleanup_close_ int fd = dup(dfd);
	struct dirent *e;
	unsigned gone = 0, left = 0;
	DIR *d;
	int r = 0;

	if (fd < 0 || !(d = fdopendir(fd)))
		return dl_fail(reason, DL_EXIT_FAIL, "%s: %s", DL_PORT_DIR,
			       strerror(errno));
	fd = -1;
	while (!r && (e = readdir(d))) {
		char who[4096];
		struct dl_port p;

		if (!record_read(dirfd(d), e->d_name, &p, who))
			continue;
		if (!(owner && !strcmp(who, owner)) &&
		    !(sweep && !dl_owner_supervised(who))) {
			left++;
			continue;
		}
		r = dl_nft_port_del(&p, reason);
		if (!r && unlinkat(dirfd(d), e->d_name, 0) < 0 &&
		    errno != ENOENT)
			r = dl_fail(reason, DL_EXIT_FAIL, "%s: %s", e->d_name,
				    strerror(errno));
		if (!r)
			gone++;
	}
	closedir(d);
	if (dropped)
		*dropped = gone;
	/* the last one out: the table as it was before the first */
	if (!r && gone && !left)
		(void)dl_nft_port_fini();
	return r;
}

int dl_port_publish(const char *owner, struct in_addr to,
		    const struct dl_port *p, size_t n, char **reason)
{
	_cleanup_close_ int dfd = -1, lock = -1;
	size_t made = 0;
	int r;

	*reason = NULL;
	if ((r = port_lock(&dfd, &lock, reason)) ||
	    (r = scan(dfd, owner, true, NULL, reason)))
		return r;
	for (made = 0; made < n; made++) {
		_cleanup_close_ int fd = -1;
		char name[64], who[4096];
		struct dl_port q;

		record_name(&p[made], name, sizeof(name));
		fd = openat(dfd, name, O_WRONLY | O_CREAT | O_EXCL |
					       O_NOFOLLOW | O_CLOEXEC, 0600);
		if (fd < 0 && errno == EEXIST) {
			/* a live owner's: its supervisor holds the port,
			 * which our caller could bind only on another
			 * address of the host */
			if (!record_read(dfd, name, &q, who))
				who[0] = '\0';
			r = dl_fail(reason, DL_EXIT_CONFLICT, "port %s is "
				    "published by %s", name,
				    *who ? who : "another container");
			break;
		}
		if (fd < 0 || dprintf(fd, "%s\n", owner) < 0) {
			r = dl_fail(reason, DL_EXIT_FAIL, "%s: %s", name,
				    strerror(errno));
			break;
		}
	}
	if (!r)
		r = dl_nft_port_add(p, n, to, reason);
	if (!r)
		return 0;
	while (made-- > 0) {
		char name[64];

		record_name(&p[made], name, sizeof(name));
		(void)unlinkat(dfd, name, 0);
	}
	return r;
}

int dl_port_unpublish(const char *owner, char **reason)
{
	_cleanup_close_ int dfd = -1, lock = -1;
	int r;

	*reason = NULL;
	if ((r = port_lock(&dfd, &lock, reason)))
		return r;
	return scan(dfd, owner, false, NULL, reason);
}

int dl_port_sweep(unsigned *dropped, char **reason)
{
	_cleanup_close_ int dfd = -1, lock = -1;
	int r;

	*reason = NULL;
	if (dropped)
		*dropped = 0;
	if ((r = port_lock(&dfd, &lock, reason)))
		return r;
	return scan(dfd, NULL, true, dropped, reason);
}
