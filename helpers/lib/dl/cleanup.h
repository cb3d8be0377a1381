/* SPDX-License-Identifier: Apache-2.0 */
/* cleanup.h: scope-bound cleanup attributes (as bubblewrap, crun and lxc) */
#ifndef DL_CLEANUP_H
#define DL_CLEANUP_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static inline void dl_freep(void *p)
{
	free(*(void **)p);
}

static inline void dl_closep(int *fd)
{
	if (*fd >= 0) {
		int saved = errno;
		close(*fd);
		errno = saved;
	}
	*fd = -1;
}

static inline void dl_fclosep(FILE **f)
{
	if (*f) {
		int saved = errno;
		fclose(*f);
		errno = saved;
	}
	*f = NULL;
}

#define _cleanup_free_ __attribute__((cleanup(dl_freep)))
#define _cleanup_close_ __attribute__((cleanup(dl_closep)))
#define _cleanup_fclose_ __attribute__((cleanup(dl_fclosep)))

/* _cleanup_lxc_ exists only where <lxc/lxccontainer.h> was included first. */
#ifdef __LXC_CONTAINER_H
static inline void dl_lxc_putp(struct lxc_container **c)
{
	if (*c)
		lxc_container_put(*c);
	*c = NULL;
}
#define _cleanup_lxc_ __attribute__((cleanup(dl_lxc_putp)))
#endif

/* Hand off ownership: return the value and leave NULL behind. */
#define dl_steal_pointer(pp)                                                   \
	({                                                                     \
		__typeof__(*(pp)) _v = *(pp);                                  \
		*(pp) = NULL;                                                  \
		_v;                                                            \
	})

/* Hand off a file descriptor: return it and leave -1 behind. */
#define dl_steal_fd(fdp)                                                       \
	({                                                                     \
		int _fd = *(fdp);                                              \
		*(fdp) = -1;                                                   \
		_fd;                                                           \
	})

#endif
