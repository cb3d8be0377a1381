/* SPDX-License-Identifier: Apache-2.0 */
/* lease.c: the addresses of a bridge's containers, one file each */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dl.h"
#include "dl/lease.h"
#include "dl/netconf.h"

/* One lease read back. */
struct lease {
	struct in_addr addr;
	char owner[4096];
};

/* Open the leases of @net, making the directory if needed, and lock them
 * (*lockfd: closing it lets go). */
static int lease_lock(const struct dl_net *net, int *dirfd, int *lockfd,
		      char **reason)
{
	_cleanup_free_ char *dir = dl_xasprintf(DL_LEASE_DIR "/%s",
						net->bridge);
	_cleanup_close_ int fd = -1, lock = -1;

	if (dl_mkdir_p(dir, 0700) < 0)
		return dl_fail(reason, DL_EXIT_FAIL, "%s: %s", dir,
			       strerror(errno));
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return dl_fail(reason, DL_EXIT_FAIL, "%s: %s", dir,
			       strerror(errno));
	lock = openat(fd, "lock", O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (lock < 0)
		return dl_fail(reason, DL_EXIT_FAIL, "%s/lock: %s", dir,
			       strerror(errno));
	while (flock(lock, LOCK_EX) < 0)
		if (errno != EINTR)
			return dl_fail(reason, DL_EXIT_FAIL, "%s/lock: %s",
				       dir, strerror(errno));
	*dirfd = dl_steal_fd(&fd);
	*lockfd = dl_steal_fd(&lock);
	return 0;
}

/* Whether someone supervises the container whose directory is @owner:
 * its dl-spawn holds an exclusive lock on it while it starts or runs. */
bool dl_owner_supervised(const char *owner)
{
	_cleanup_close_ int fd = open(owner, O_RDONLY | O_DIRECTORY |
					     O_NOFOLLOW | O_CLOEXEC);

	if (fd < 0)
		return false;
	if (flock(fd, LOCK_SH | LOCK_NB) == 0)
		return false;
	return errno == EWOULDBLOCK;
}

/* Read lease @name in @dfd; false when it is no lease (another file). */
static bool lease_read(int dfd, const char *name, struct lease *l)
{
	_cleanup_close_ int fd = -1;
	ssize_t n;

	if (inet_pton(AF_INET, name, &l->addr) != 1)
		return false;
	fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return false;
	n = read(fd, l->owner, sizeof(l->owner) - 1);
	if (n < 0)
		n = 0;
	l->owner[n] = '\0';
	l->owner[strcspn(l->owner, "\n")] = '\0';
	return true;
}

/*
 * Go over the leases of the locked directory @dfd: drop those of @drop
 * (if not NULL) and, with @sweep, the stale ones; *mine receives the
 * address of @keep (if not NULL) and *used marks the others.
 */
struct scan {
	const char *drop, *keep;
	bool sweep;
	bool found;
	struct in_addr mine;
	uint8_t *used; /* a bit an address of the subnet */
	const struct dl_net *net;
	unsigned dropped;
};

static int scan(int dfd, struct scan *s, char **reason)
{
	_cleanup_close_ int fd = dup(dfd);
	struct dirent *e;
	DIR *d;

	if (fd < 0 || !(d = fdopendir(fd)))
		return dl_fail(reason, DL_EXIT_FAIL, "%s: %s", DL_LEASE_DIR,
			       strerror(errno));
	fd = -1;
	rewinddir(d);
	while ((errno = 0, e = readdir(d))) {
		struct lease l;

		if (!lease_read(dirfd(d), e->d_name, &l))
			continue;
		if ((s->drop && !strcmp(l.owner, s->drop)) ||
		    (s->sweep && (!s->keep || strcmp(l.owner, s->keep)) &&
		     !dl_owner_supervised(l.owner))) {
			if (unlinkat(dirfd(d), e->d_name, 0) < 0 &&
			    errno != ENOENT) {
				closedir(d);
				return dl_fail(reason, DL_EXIT_FAIL,
					       "%s: %s", e->d_name,
					       strerror(errno));
			}
			s->dropped++;
			continue;
		}
		if (s->keep && !strcmp(l.owner, s->keep)) {
			s->found = true;
			s->mine = l.addr;
		}
		if (s->used && dl_net_contains(s->net, l.addr)) {
			uint32_t i = ntohl(l.addr.s_addr) -
				     ntohl(s->net->subnet.s_addr);

			s->used[i / 8] |= (uint8_t)(1u << (i % 8));
		}
	}
	closedir(d);
	return 0;
}

int dl_lease_list(const struct dl_net *net, struct dl_lease **out,
		  size_t *n, char **reason)
{
	_cleanup_close_ int dfd = -1, lock = -1;
	struct dirent *e;
	DIR *d;
	int r;

	*reason = NULL;
	*out = NULL;
	*n = 0;
	r = lease_lock(net, &dfd, &lock, reason);
	if (r)
		return r;
	d = fdopendir(dl_steal_fd(&dfd));
	if (!d)
		return dl_fail(reason, DL_EXIT_FAIL, "%s: %s", DL_LEASE_DIR,
			       strerror(errno));
	while ((e = readdir(d))) {
		struct lease l;
		struct dl_lease *o;

		if (!lease_read(dirfd(d), e->d_name, &l))
			continue;
		*out = dl_xrealloc(*out, (*n + 1) * sizeof(**out));
		o = &(*out)[(*n)++];
		o->addr = l.addr;
		memcpy(o->owner, l.owner, sizeof(o->owner));
		o->live = dl_owner_supervised(l.owner);
	}
	closedir(d);
	return 0;
}

int dl_lease_take(const struct dl_net *net, const char *owner,
		  struct in_addr *out, char **reason)
{
	_cleanup_close_ int dfd = -1, lock = -1;
	_cleanup_free_ uint8_t *used = NULL;
	uint32_t size = UINT32_C(1) << (32 - net->prefix), i;
	struct scan s = { .keep = owner, .sweep = true, .net = net };
	int r;

	*reason = NULL;
	r = lease_lock(net, &dfd, &lock, reason);
	if (r)
		return r;
	used = dl_xcalloc(size / 8 + 1, 1);
	s.used = used;
	r = scan(dfd, &s, reason);
	if (r)
		return r;
	if (s.found) {
		*out = s.mine;
		return 0;
	}
	/* the first free address after the gateway */
	for (i = 2; i < size - 1; i++) {
		_cleanup_close_ int fd = -1;
		char name[INET_ADDRSTRLEN];
		struct in_addr a;

		if (used[i / 8] & (1u << (i % 8)))
			continue;
		a.s_addr = htonl(ntohl(net->subnet.s_addr) + i);
		inet_ntop(AF_INET, &a, name, sizeof(name));
		fd = openat(dfd, name, O_WRONLY | O_CREAT | O_EXCL |
					       O_NOFOLLOW | O_CLOEXEC,
			    0600);
		if (fd < 0 && errno == EEXIST)
			continue;
		if (fd < 0 || dprintf(fd, "%s\n", owner) < 0)
			return dl_fail(reason, DL_EXIT_FAIL, "%s: %s", name,
				       strerror(errno));
		*out = a;
		return 0;
	}
	return dl_fail(reason, DL_EXIT_CONFLICT, "no free address in %s",
		       net->cidr);
}

int dl_lease_drop(const struct dl_net *net, const char *owner, char **reason)
{
	_cleanup_close_ int dfd = -1, lock = -1;
	struct scan s = { .drop = owner, .net = net };
	int r;

	*reason = NULL;
	r = lease_lock(net, &dfd, &lock, reason);
	if (r)
		return r;
	return scan(dfd, &s, reason);
}

int dl_lease_forget(const struct dl_net *net)
{
	_cleanup_free_ char *dir = dl_xasprintf(DL_LEASE_DIR "/%s",
						net->bridge);
	_cleanup_close_ int fd = open(dir, O_RDONLY | O_DIRECTORY |
					     O_CLOEXEC);

	if (fd < 0)
		return errno == ENOENT ? 0 : -1;
	(void)unlinkat(fd, "lock", 0);
	(void)unlinkat(fd, "hosts.lock", 0);
	return rmdir(dir) < 0 && errno != ENOENT ? -1 : 0;
}

int dl_lease_sweep(const struct dl_net *net, unsigned *dropped,
		   char **reason)
{
	_cleanup_close_ int dfd = -1, lock = -1;
	struct scan s = { .sweep = true, .net = net };
	int r;

	*reason = NULL;
	r = lease_lock(net, &dfd, &lock, reason);
	if (!r)
		r = scan(dfd, &s, reason);
	if (dropped)
		*dropped = s.dropped;
	return r;
}
