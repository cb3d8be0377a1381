/* SPDX-License-Identifier: Apache-2.0 */
/* relay.c: a detached container's stdio, relayed to attached clients */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "dl.h"
#include "dl/relay.h"

#define MAXCLIENTS 16
#define HOLDMAX (1 << 20)

struct relay {
	int lfd, out, err, in, ctl, master;
	int cl[MAXCLIENTS];
	size_t ncl;
	bool tty, stdin_open, hold;
	int first;		/* -w: a byte here once the first client came */
	char *held;		/* frames kept for the first client */
	size_t nheld;
	char inbuf[DL_RELAY_FRAME];	/* stdin not yet taken */
	size_t inlen, inoff;
};

static void drop_client(struct relay *r, size_t i)
{
	close(r->cl[i]);
	r->cl[i] = r->cl[--r->ncl];
}

/* Send one frame to every client; one with no room loses it. */
static void broadcast(struct relay *r, char kind, const char *p, size_t n)
{
	char frame[DL_RELAY_FRAME + 1];

	frame[0] = kind;
	memcpy(frame + 1, p, n);
	if (r->hold) {
		/* [u32 length][frame] records, for the first client */
		uint32_t len = (uint32_t)n + 1;

		if (r->nheld + sizeof(len) + len <= HOLDMAX) {
			r->held = dl_xrealloc(r->held,
					      r->nheld + sizeof(len) + len);
			memcpy(r->held + r->nheld, &len, sizeof(len));
			memcpy(r->held + r->nheld + sizeof(len), frame, len);
			r->nheld += sizeof(len) + len;
		}
		return;
	}
	for (size_t i = 0; i < r->ncl;) {
		if (send(r->cl[i], frame, n + 1, MSG_DONTWAIT | MSG_NOSIGNAL) < 0 &&
		    errno != EAGAIN && errno != EWOULDBLOCK && errno != ENOBUFS) {
			drop_client(r, i);
			continue;
		}
		i++;
	}
}

static void hello(struct relay *r, int fd)
{
	char h[4] = "h";
	size_t n = 1;

	if (r->tty)
		h[n++] = 't';
	if (r->stdin_open)
		h[n++] = 'i';
	(void)send(fd, h, n, MSG_DONTWAIT | MSG_NOSIGNAL);
}

static void on_accept(struct relay *r)
{
	struct ucred uc;
	socklen_t len = sizeof(uc);
	int fd = accept4(r->lfd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);

	if (fd < 0)
		return;
	/* the socket is 0600, but a descriptor may have been passed on */
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &uc, &len) < 0 ||
	    uc.uid != 0 || r->ncl == MAXCLIENTS) {
		close(fd);
		return;
	}
	(void)setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &(int){ 1 << 20 },
			 sizeof(int));
	hello(r, fd);
	r->cl[r->ncl++] = fd;
	if (r->hold) {
		/* the output of before, one client, once: waiting for it a
		 * second at most, then dropping the rest (never the log's) */
		struct timeval tv = { 1, 0 }, none = { 0, 0 };
		int fl = fcntl(fd, F_GETFL);

		r->hold = false;
		if (r->first >= 0) {
			(void)write(r->first, "", 1);
			close(r->first);
			r->first = -1;
		}
		fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
		setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
		for (size_t off = 0; off < r->nheld;) {
			uint32_t n;

			memcpy(&n, r->held + off, sizeof(n));
			off += sizeof(n);
			if (send(fd, r->held + off, n, MSG_NOSIGNAL) < 0)
				break;
			off += n;
		}
		setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &none, sizeof(none));
		fcntl(fd, F_SETFL, fl);
		free(r->held);
		r->held = NULL;
		r->nheld = 0;
	}
}

/* A frame from client @i. */
static void on_client(struct relay *r, size_t i)
{
	char frame[DL_RELAY_FRAME + 1];
	ssize_t n = recv(r->cl[i], frame, sizeof(frame), MSG_DONTWAIT);

	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		drop_client(r, i);
		return;
	}
	switch (frame[0]) {
	case 'i':
		if (r->in >= 0 && n > 1) {
			memcpy(r->inbuf, frame + 1, (size_t)n - 1);
			r->inlen = (size_t)n - 1;
			r->inoff = 0;
		}
		break;
	case 'c':
		if (r->in >= 0)
			close(r->in);
		r->in = -1;
		r->inlen = 0;
		break;
	case 'w':
		if (r->master >= 0 && n == 1 + (ssize_t)sizeof(struct winsize)) {
			struct winsize ws;

			memcpy(&ws, frame + 1, sizeof(ws));
			(void)ioctl(r->master, TIOCSWINSZ, &ws);
		}
		break;
	}
}

/* Read what the command wrote; false at its end. */
static bool on_output(struct relay *r, int *fd, char kind)
{
	char buf[DL_RELAY_FRAME];
	ssize_t n = read(*fd, buf, sizeof(buf));

	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return true;
	if (n <= 0) {
		close(*fd);
		*fd = -1;
		return false;
	}
	broadcast(r, kind, buf, (size_t)n);
	return true;
}

static void on_stdin(struct relay *r)
{
	ssize_t w = write(r->in, r->inbuf + r->inoff, r->inlen);

	if (w > 0) {
		r->inoff += (size_t)w;
		r->inlen -= (size_t)w;
	} else if (w < 0 && errno != EAGAIN && errno != EINTR) {
		close(r->in);
		r->in = -1;
		r->inlen = 0;
	}
}

/* The end: the output left, then the exit code, to every client. */
static noreturn void finish(struct relay *r, const char *sock)
{
	char code[16] = "";
	ssize_t n;

	do
		n = read(r->ctl, code, sizeof(code) - 1);
	while (n < 0 && errno == EINTR);
	code[n > 0 ? n : 0] = '\0';
	while (r->out >= 0 && on_output(r, &r->out, 'o'))
		;
	while (r->err >= 0 && on_output(r, &r->err, 'e'))
		;
	(void)unlink(sock);
	r->hold = false;
	for (size_t i = 0; i < r->ncl; i++) {
		struct timeval tv = { 2, 0 };
		char frame[20];
		int fl = fcntl(r->cl[i], F_GETFL);

		if (!code[0])
			break;	/* the supervisor died: no code to give */
		fcntl(r->cl[i], F_SETFL, fl & ~O_NONBLOCK);
		setsockopt(r->cl[i], SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
		frame[0] = 'x';
		memcpy(frame + 1, code, strlen(code));
		(void)send(r->cl[i], frame, 1 + strlen(code), MSG_NOSIGNAL);
	}
	_exit(0);
}

static noreturn void serve(struct relay *r, const char *sock)
{
	signal(SIGPIPE, SIG_IGN);
	for (;;) {
		struct pollfd fds[5 + MAXCLIENTS];
		int nfds = 0, i_l, i_c, i_o = -1, i_e = -1, i_in = -1;
		size_t ncl = r->ncl;

		fds[i_l = nfds++] = (struct pollfd){ .fd = r->lfd, .events = POLLIN };
		fds[i_c = nfds++] = (struct pollfd){ .fd = r->ctl, .events = POLLIN };
		if (r->out >= 0)
			fds[i_o = nfds++] = (struct pollfd){ .fd = r->out, .events = POLLIN };
		if (r->err >= 0)
			fds[i_e = nfds++] = (struct pollfd){ .fd = r->err, .events = POLLIN };
		if (r->in >= 0 && r->inlen)
			fds[i_in = nfds++] = (struct pollfd){ .fd = r->in, .events = POLLOUT };
		/* one stdin frame at a time: the next waits in the socket */
		for (size_t i = 0; i < ncl; i++)
			fds[nfds++] = (struct pollfd){ .fd = r->cl[i],
				.events = r->inlen ? 0 : POLLIN };
		if (poll(fds, (nfds_t)nfds, -1) < 0) {
			if (errno == EINTR)
				continue;
			_exit(DL_EXIT_FAIL);
		}
		if (fds[i_c].revents)
			finish(r, sock);
		if (i_o >= 0 && fds[i_o].revents)
			(void)on_output(r, &r->out, 'o');
		if (i_e >= 0 && fds[i_e].revents)
			(void)on_output(r, &r->err, 'e');
		if (i_in >= 0 && fds[i_in].revents)
			on_stdin(r);
		/* from the last: a client dropped takes the last one's slot */
		for (size_t i = ncl; i-- > 0;)
			if (fds[nfds - (int)ncl + (int)i].revents && i < r->ncl)
				on_client(r, i);
		if (fds[i_l].revents)
			on_accept(r);
	}
}

/* The socket, bound under a temporary name and renamed over a stale one;
 * named through /proc/self/fd, as a store's path may not fit sun_path. */
static int listen_on(const char *dir, char **reason)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	_cleanup_free_ char *tmp = dl_xasprintf(DL_RELAY_SOCK ".%d",
						(int)getpid());
	_cleanup_close_ int dfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	mode_t old;
	int fd = -1, r, e;

	if (dfd < 0)
		goto fail;
	snprintf(sa.sun_path, sizeof(sa.sun_path), "/proc/self/fd/%d/%s", dfd,
		 tmp);
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		goto fail;
	(void)unlinkat(dfd, tmp, 0);
	old = umask(077);
	r = bind(fd, (struct sockaddr *)&sa, sizeof(sa));
	umask(old);
	if (r < 0)
		goto fail;
	if (listen(fd, 16) < 0 || renameat(dfd, tmp, dfd, DL_RELAY_SOCK) < 0) {
		e = errno;
		(void)unlinkat(dfd, tmp, 0);
		errno = e;
		goto fail;
	}
	return fd;

fail:
	e = errno;
	if (fd >= 0)
		close(fd);
	dl_fail(reason, DL_EXIT_FAIL, "'%s/%s': %s", dir, DL_RELAY_SOCK,
		strerror(e));
	return -1;
}

int dl_relay_clear(const char *dir)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	_cleanup_close_ int dfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	_cleanup_close_ int fd = -1;
	struct stat sb;

	if (dfd < 0)
		return -1;
	if (fstatat(dfd, DL_RELAY_SOCK, &sb, AT_SYMLINK_NOFOLLOW) < 0)
		return errno == ENOENT ? 0 : -1;
	if (!S_ISSOCK(sb.st_mode)) {
		errno = ENOTSOCK;
		return -1;
	}
	snprintf(sa.sun_path, sizeof(sa.sun_path), "/proc/self/fd/%d/%s", dfd,
		 DL_RELAY_SOCK);
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -1;
	/* served (EAGAIN: its backlog is full): it is someone's */
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0)
		return 0;
	if (errno != ECONNREFUSED)
		return errno == ENOENT || errno == EAGAIN ? 0 : -1;
	if (unlinkat(dfd, DL_RELAY_SOCK, 0) < 0)
		return errno == ENOENT ? 0 : -1;
	return 1;
}

/* Move @fd to the number @to (above the ones kept). */
static int place(int fd, int to)
{
	if (fd < 0)
		return -1;
	if (dup2(fd, to) < 0)
		_exit(DL_EXIT_FAIL);
	return to;
}

int dl_relay_start(struct dl_relay *r, const char *dir, int master,
		   bool in, bool hold, char **reason)
{
	_cleanup_free_ char *sock = dl_xasprintf("%s/" DL_RELAY_SOCK, dir);
	int po[2] = { -1, -1 }, pe[2] = { -1, -1 }, pi[2] = { -1, -1 };
	int pc[2] = { -1, -1 }, pf[2] = { -1, -1 }, lfd;

	*r = (struct dl_relay){ .pid = -1, .ctl = -1, .in = -1, .out = -1,
				.err = -1, .first = -1 };
	lfd = listen_on(dir, reason);
	if (lfd < 0)
		return DL_EXIT_FAIL;
	if (pipe2(po, O_CLOEXEC) < 0 || pipe2(pe, O_CLOEXEC) < 0 ||
	    pipe2(pc, O_CLOEXEC) < 0 || (in && pipe2(pi, O_CLOEXEC) < 0) ||
	    (hold && pipe2(pf, O_CLOEXEC) < 0))
		goto fail;
	r->pid = fork();
	if (r->pid < 0)
		goto fail;
	if (r->pid == 0) {
		struct relay rl = { .tty = master >= 0, .stdin_open = in,
				    .hold = hold };
		sigset_t none;

		/* ours at 3..9, nothing else: the supervisor's lock and
		 * pipes are not kept open by us */
		int keep[7] = { lfd, po[0], pe[0], pi[1], pc[0], master,
				pf[1] };
		int hi[7];

		for (int k = 0; k < 7; k++)
			hi[k] = keep[k] < 0 ? -1 : fcntl(keep[k], F_DUPFD, 100);
		syscall(SYS_close_range, 3, 99, 0);
		syscall(SYS_close_range, 106, ~0U, 0);
		rl.lfd = place(hi[0], 3);
		rl.out = place(hi[1], 4);
		rl.err = place(hi[2], 5);
		rl.in = place(hi[3], 6);
		rl.ctl = place(hi[4], 7);
		rl.master = place(hi[5], 8);
		rl.first = place(hi[6], 9);
		syscall(SYS_close_range, 10, ~0U, 0);
		if (rl.in >= 0)
			fcntl(rl.in, F_SETFL, O_NONBLOCK);
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		signal(SIGINT, SIG_IGN);
		signal(SIGHUP, SIG_IGN);
		serve(&rl, sock);
	}
	close(lfd);
	close(po[0]);
	close(pe[0]);
	close(pc[0]);
	if (pi[1] >= 0)
		close(pi[1]);
	if (pf[1] >= 0)
		close(pf[1]);
	r->first = pf[0];
	r->out = po[1];
	r->err = pe[1];
	r->ctl = pc[1];
	r->in = pi[0];
	return 0;

fail:
	{
		int e = errno;

		for (int k = 0; k < 2; k++) {
			if (po[k] >= 0)
				close(po[k]);
			if (pe[k] >= 0)
				close(pe[k]);
			if (pc[k] >= 0)
				close(pc[k]);
			if (pi[k] >= 0)
				close(pi[k]);
			if (pf[k] >= 0)
				close(pf[k]);
		}
		close(lfd);
		(void)unlink(sock);
		return dl_fail(reason, DL_EXIT_FAIL, "pipe: %s", strerror(e));
	}
}

void dl_relay_wait_first(struct dl_relay *r, int timeout_ms)
{
	struct pollfd p = { .fd = r->first, .events = POLLIN };

	if (r->first < 0)
		return;
	/* a byte: it came; end of file: the relay is gone */
	while (poll(&p, 1, timeout_ms) < 0 && errno == EINTR)
		;
	close(r->first);
	r->first = -1;
}

void dl_relay_end(struct dl_relay *r, int code)
{
	char buf[16];
	int n = snprintf(buf, sizeof(buf), "%d", code);

	if (r->pid <= 0)
		return;
	if (r->out >= 0)
		close(r->out);
	if (r->err >= 0)
		close(r->err);
	if (r->in >= 0)
		close(r->in);
	r->out = r->err = r->in = -1;
	if (write(r->ctl, buf, (size_t)n) < 0) {
		/* it is gone: the wait below reaps it */
	}
	close(r->ctl);
	r->ctl = -1;
	while (waitpid(r->pid, NULL, 0) < 0 && errno == EINTR)
		;
	r->pid = -1;
}
