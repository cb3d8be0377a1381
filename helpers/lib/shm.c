/* SPDX-License-Identifier: Apache-2.0 */
/* shm.c: the /dev/shm of a running container, for one that joins its IPC
 * namespace */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <jansson.h>

#include "dl.h"
#include "dl/shm.h"

/* In the child: the clone, sent on @sock with the errno of a failure. */
static noreturn void clone_in(pid_t pid, int sock)
{
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(int))];
	} ctl;
	char ns[64];
	int e = 0, nfd, fd = -1;
	struct iovec iov = { &e, sizeof(e) };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };

	snprintf(ns, sizeof(ns), "/proc/%d/ns/mnt", (int)pid);
	nfd = open(ns, O_RDONLY | O_CLOEXEC);
	if (nfd < 0 || setns(nfd, CLONE_NEWNS) < 0)
		e = errno;
	else if ((fd = open_tree(AT_FDCWD, "/dev/shm", OPEN_TREE_CLONE |
				 OPEN_TREE_CLOEXEC | AT_SYMLINK_NOFOLLOW)) < 0)
		e = errno;
	if (fd >= 0) {
		msg.msg_control = ctl.buf;
		msg.msg_controllen = sizeof(ctl.buf);
		CMSG_FIRSTHDR(&msg)->cmsg_level = SOL_SOCKET;
		CMSG_FIRSTHDR(&msg)->cmsg_type = SCM_RIGHTS;
		CMSG_FIRSTHDR(&msg)->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(CMSG_FIRSTHDR(&msg)), &fd, sizeof(int));
	}
	_exit(sendmsg(sock, &msg, MSG_NOSIGNAL) < 0);
}

int dl_shm_clone(pid_t pid, int *fd, char **reason)
{
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(int))];
	} ctl;
	int e = 0, sv[2];
	struct iovec iov = { &e, sizeof(e) };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = ctl.buf, .msg_controllen = sizeof(ctl.buf),
	};
	struct cmsghdr *cm;
	ssize_t n;
	pid_t child;

	*fd = -1;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return dl_fail(reason, DL_EXIT_FAIL, "socketpair: %s",
			       strerror(errno));
	child = fork();
	if (child < 0) {
		e = errno;
		close(sv[0]);
		close(sv[1]);
		return dl_fail(reason, DL_EXIT_FAIL, "fork: %s", strerror(e));
	}
	if (child == 0) {
		close(sv[0]);
		clone_in(pid, sv[1]);
	}
	close(sv[1]);
	do
		n = recvmsg(sv[0], &msg, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		e = errno;
	close(sv[0]);
	while (waitpid(child, NULL, 0) < 0 && errno == EINTR)
		;
	cm = n == (ssize_t)sizeof(e) ? CMSG_FIRSTHDR(&msg) : NULL;
	if (cm && cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_RIGHTS)
		memcpy(fd, CMSG_DATA(cm), sizeof(int));
	if (*fd >= 0)
		return 0;
	return dl_fail(reason, DL_EXIT_FAIL, "the /dev/shm of process %d: %s",
		       (int)pid, strerror(e ? e : EPROTO));
}

bool dl_shm_shareable(const char *id)
{
	_cleanup_free_ char *path = dl_path("containers/%s/spec.json", id);
	json_auto_t *j = json_load_file(path, 0, NULL);
	const char *m = json_string_value(json_object_get(
		json_object_get(j, "annotations"), "org.dockerlite.ipc"));

	return m && (!strcmp(m, "shareable") || !strcmp(m, "host") ||
		     !strncmp(m, "container:", 10));
}
