/* SPDX-License-Identifier: Apache-2.0 */
/* session.c: the stdio of a process in a container (pipes or a
 * pseudo-terminal) and the session that pumps it to and from ours */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "dl.h"
#include "dl/ctrlog.h"
#include "dl/session.h"

static int cloexec(int fd)
{
	int fl = fcntl(fd, F_GETFD);

	return fl < 0 ? -1 : fcntl(fd, F_SETFD, fl | FD_CLOEXEC);
}

static int nonblock(int fd)
{
	int fl = fcntl(fd, F_GETFL);

	return fl < 0 ? -1 : fcntl(fd, F_SETFL, fl | O_NONBLOCK);
}

/* Our terminal, for its window size: stdin, else stdout. */
static int our_tty(void)
{
	if (isatty(STDIN_FILENO))
		return STDIN_FILENO;
	if (isatty(STDOUT_FILENO))
		return STDOUT_FILENO;
	return -1;
}

static void copy_winsize(int master)
{
	struct winsize ws;
	int t = our_tty();

	if (t >= 0 && ioctl(t, TIOCGWINSZ, &ws) == 0)
		ioctl(master, TIOCSWINSZ, &ws);
}

/* A terminal from the container's own devpts instance. */
static int pty_in(int devpts, int *master, int *slave)
{
	*master = openat(devpts, "ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (*master < 0)
		return -1;
	if (unlockpt(*master) < 0)
		return -1;
	*slave = ioctl(*master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
	return *slave < 0 ? -1 : 0;
}

int dl_stdio_open(struct dl_stdio *io, bool tty, bool in, int devpts,
		  char **reason)
{
	int p[2];

	io->child[0] = io->child[1] = io->child[2] = -1;
	io->in = io->out = io->err = -1;
	io->tty = tty;
	if (tty) {
		int master = -1, slave = -1;

		if (devpts < 0 || pty_in(devpts, &master, &slave) < 0) {
			if (master >= 0)
				close(master);
			if (openpty(&master, &slave, NULL, NULL, NULL) < 0 ||
			    cloexec(master) < 0 || cloexec(slave) < 0)
				goto fail;
		}
		if (nonblock(master) < 0)
			goto fail;
		copy_winsize(master);
		io->child[0] = io->child[1] = io->child[2] = slave;
		io->out = master;
		io->in = in ? master : -1;
		return 0;
	}
	if (pipe2(p, O_CLOEXEC) < 0)
		goto fail;
	io->out = p[0];
	io->child[1] = p[1];
	if (pipe2(p, O_CLOEXEC) < 0)
		goto fail;
	io->err = p[0];
	io->child[2] = p[1];
	if (in) {
		if (pipe2(p, O_CLOEXEC) < 0 || nonblock(p[1]) < 0)
			goto fail;
		io->child[0] = p[0];
		io->in = p[1];
	} else {
		io->child[0] = open("/dev/null", O_RDONLY | O_CLOEXEC);
		if (io->child[0] < 0)
			goto fail;
	}
	return 0;

fail:
	*reason = dl_xasprintf("%s: %s", tty ? "openpty" : "pipe",
			       strerror(errno));
	return DL_EXIT_FAIL;
}

void dl_stdio_close_child(struct dl_stdio *io)
{
	for (int i = 0; i < 3; i++) {
		if (io->child[i] < 0)
			continue;
		for (int k = i + 1; k < 3; k++)
			if (io->child[k] == io->child[i])
				io->child[k] = -1;
		close(io->child[i]);
		io->child[i] = -1;
	}
}

static sigset_t session_set(void)
{
	static const int sigs[] = {
		SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGUSR1, SIGUSR2, SIGALRM,
		SIGWINCH, SIGCHLD,
	};
	sigset_t set;

	sigemptyset(&set);
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaddset(&set, sigs[i]);
	return set;
}

void dl_session_signals(sigset_t *old)
{
	sigset_t set = session_set();

	signal(SIGPIPE, SIG_IGN);
	sigprocmask(SIG_BLOCK, &set, old);
}

static struct termios saved_tio;
static int saved_tio_fd = -1;

/* Our terminal goes back to its mode before every return of
 * dl_session_run(), a failure too: the caller may then print and exit. */
static void restore_tty(void)
{
	if (saved_tio_fd >= 0)
		tcsetattr(saved_tio_fd, TCSADRAIN, &saved_tio);
	saved_tio_fd = -1;
}

static void raw_tty(int fd)
{
	struct termios t;

	if (tcgetattr(fd, &saved_tio) < 0)
		return;
	t = saved_tio;
	cfmakeraw(&t);
	if (tcsetattr(fd, TCSADRAIN, &t) < 0)
		return;
	saved_tio_fd = fd;
}

/* Write it all to one of our own (blocking) descriptors. */
static int write_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN) {
				struct pollfd pfd = { .fd = fd, .events = POLLOUT };

				poll(&pfd, 1, -1);
				continue;
			}
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

#define BUFSZ 65536

struct pump {
	int *src;
	int dst;
	int log;		/* > 2: container.log (dl-ctrlog.h) */
	const char *stream;
};

/* Copy what is ready on *src to dst; close *src at its end. */
static void pump(struct pump *p, char *buf)
{
	ssize_t r = read(*p->src, buf, BUFSZ);

	if (r < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	if (r <= 0) {
		/* EOF, or EIO from a pty master whose slave is gone */
		close_fd(p->src);
		return;
	}
	/* the log first: a reader of ours that stopped loses nothing */
	if (p->log > 2 && dl_ctrlog_write(p->log, p->stream, buf, (size_t)r) < 0)
		p->log = -1;
	if (write_all(p->dst, buf, (size_t)r) < 0)
		close_fd(p->src);	/* EPIPE: the process gets its own */
}

int dl_session_run(struct dl_session *s, char **reason)
{
	struct dl_stdio *io = s->io;
	_cleanup_close_ int sfd = -1;
	_cleanup_free_ char *obuf = dl_xmalloc(BUFSZ);
	_cleanup_free_ char *ibuf = dl_xmalloc(BUFSZ);
	size_t ilen = 0, ioff = 0;
	sigset_t set = session_set();
	uint64_t pending = 0;
	bool done = false;
	int in_src = s->in_src, out = io->out, err = io->err, in = io->in;
	int ev = s->on_event ? s->ev_fd : -1;
	struct pump pout = { &out, s->out_dst, s->log_fd, "stdout" };
	struct pump perr = { &err, s->err_dst, s->log_fd, "stderr" };

	sfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	if (sfd < 0) {
		*reason = dl_xasprintf("signalfd: %s", strerror(errno));
		return DL_EXIT_FAIL;
	}
	if (in < 0)
		in_src = -1;
	if (io->tty && in_src >= 0 && isatty(in_src))
		raw_tty(in_src);
	/* the pty master serves both directions: never close it twice */
	if (io->tty)
		in = in >= 0 ? dup(in) : -1;
	for (;;) {
		struct pollfd fds[6];
		int nfds = 0, timeout = -1, i_sig, i_src = -1, i_in = -1,
		    i_out = -1, i_err = -1, i_ev = -1, r;

		if (done && out < 0 && err < 0)
			break;
		fds[i_sig = nfds++] = (struct pollfd){ .fd = sfd, .events = POLLIN };
		if (in_src >= 0 && in >= 0 && ilen == 0)
			fds[i_src = nfds++] = (struct pollfd){ .fd = in_src, .events = POLLIN };
		if (in >= 0 && ilen > 0)
			fds[i_in = nfds++] = (struct pollfd){ .fd = in, .events = POLLOUT };
		if (out >= 0)
			fds[i_out = nfds++] = (struct pollfd){ .fd = out, .events = POLLIN };
		if (err >= 0)
			fds[i_err = nfds++] = (struct pollfd){ .fd = err, .events = POLLIN };
		if (ev >= 0)
			fds[i_ev = nfds++] = (struct pollfd){ .fd = ev, .events = POLLIN };
		if (done)
			timeout = 250;	/* orphans may keep a pipe open */
		r = poll(fds, (nfds_t)nfds, timeout);
		if (r < 0 && errno != EINTR) {
			restore_tty();
			return dl_fail(reason, DL_EXIT_FAIL, "poll: %s",
				       strerror(errno));
		}
		if (r == 0 && done)
			break;
		if (r <= 0)
			continue;
		/* first: a command that ran and ended at once is seen running */
		if (i_ev >= 0 && fds[i_ev].revents) {
			ev = -1;
			if ((r = s->on_event(s))) {
				restore_tty();
				return dl_fail(reason, r, "the watch of the container failed");
			}
			for (int sig = 1; s->target > 0 && pending && sig < 64; sig++)
				if (pending & (1ULL << sig)) {
					kill(s->target, sig);
					pending &= ~(1ULL << sig);
				}
		}
		if (fds[i_sig].revents) {
			struct signalfd_siginfo si;

			while (read(sfd, &si, sizeof(si)) == sizeof(si)) {
				int sig = (int)si.ssi_signo, st;

				if (sig == SIGCHLD) {
					if (!done && waitpid(s->child, &st, WNOHANG) == s->child) {
						s->status = st;
						done = true;
						close_fd(&in);
						in_src = -1;
					}
				} else if (sig == SIGWINCH) {
					if (io->tty)
						copy_winsize(io->out);
				} else if (s->target > 0) {
					kill(s->target, sig);
				} else {
					pending |= 1ULL << sig;
				}
			}
		}
		if (i_src >= 0 && fds[i_src].revents) {
			ssize_t n = read(in_src, ibuf, BUFSZ);

			if (n > 0) {
				ilen = (size_t)n;
				ioff = 0;
			} else if (n == 0 || (errno != EINTR && errno != EAGAIN)) {
				in_src = -1;
				if (!io->tty)
					close_fd(&in);	/* the process reads EOF */
			}
		}
		if (i_in >= 0 && fds[i_in].revents) {
			ssize_t w = write(in, ibuf + ioff, ilen);

			if (w > 0) {
				ioff += (size_t)w;
				ilen -= (size_t)w;
			} else if (w < 0 && errno != EAGAIN && errno != EINTR) {
				close_fd(&in);	/* it closed its stdin */
				ilen = 0;
			}
		}
		if (i_out >= 0 && fds[i_out].revents)
			pump(&pout, obuf);
		if (i_err >= 0 && fds[i_err].revents)
			pump(&perr, obuf);
		/* a pty master polls POLLHUP at once when the last slave
		 * closes: the loop above has read what was left */
	}
	close_fd(&in);
	close_fd(&out);
	close_fd(&err);
	io->in = io->out = io->err = -1;
	restore_tty();
	return 0;
}

