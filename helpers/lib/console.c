/* SPDX-License-Identifier: Apache-2.0 */
/* console.c: attach our stdio to a detached container's, through the
 * relay of its monitor (relay.h) */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

#include "dl.h"
#include "dl/console.h"
#include "dl/relay.h"
#include "dl/state.h"

int dl_console_keys(struct dl_console *c, const char *spec)
{
	_cleanup_free_ char *copy = dl_xstrdup(spec);
	char *save = NULL;

	c->nkeys = 0;
	if (!*spec)
		return 0;
	for (char *k = strtok_r(copy, ",", &save); k;
	     k = strtok_r(NULL, ",", &save)) {
		unsigned char v;

		if (c->nkeys == DL_CONSOLE_KEYS_MAX)
			return -1;
		if (!strncmp(k, "ctrl-", 5) && k[5] && !k[6]) {
			char ch = k[5];

			if (ch >= 'a' && ch <= 'z')
				v = (unsigned char)(ch - 'a' + 1);
			else if (ch >= 'A' && ch <= 'Z')
				v = (unsigned char)(ch - 'A' + 1);
			else if (strchr("@[\\]^_", ch))
				v = (unsigned char)(ch - '@');
			else
				return -1;
		} else if (k[0] && !k[1]) {
			v = (unsigned char)k[0];
		} else {
			return -1;
		}
		c->keys[c->nkeys++] = v;
	}
	return c->nkeys ? 0 : -1;
}

static int write_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

static struct termios saved;
static bool raw;

static void tty_raw(void)
{
	struct termios t;

	if (tcgetattr(STDIN_FILENO, &saved) < 0)
		return;
	t = saved;
	cfmakeraw(&t);
	raw = tcsetattr(STDIN_FILENO, TCSADRAIN, &t) == 0;
}

static void tty_restore(void)
{
	if (raw)
		tcsetattr(STDIN_FILENO, TCSADRAIN, &saved);
	raw = false;
}

static void send_winsize(int fd)
{
	char frame[1 + sizeof(struct winsize)] = "w";
	struct winsize ws;
	int t = isatty(STDIN_FILENO) ? STDIN_FILENO : STDOUT_FILENO;

	if (ioctl(t, TIOCGWINSZ, &ws) < 0)
		return;
	memcpy(frame + 1, &ws, sizeof(ws));
	(void)send(fd, frame, sizeof(frame), MSG_NOSIGNAL);
}

static void send_input(int fd, const unsigned char *p, size_t n)
{
	char frame[DL_RELAY_FRAME + 1];

	while (n > 0) {
		size_t k = n > DL_RELAY_FRAME ? DL_RELAY_FRAME : n;

		frame[0] = 'i';
		memcpy(frame + 1, p, k);
		if (send(fd, frame, k + 1, MSG_NOSIGNAL) < 0)
			return;
		p += k;
		n -= k;
	}
}

/* Not running: stopped, its supervisor gone, or running without a relay
 * (in the foreground). */
static int not_attachable(const char *id, char **reason)
{
	_cleanup_free_ char *why = NULL, *dir = NULL;
	_cleanup_close_ int lock = -1;
	struct dl_state st;
	int r = dl_state_read(id, &st, &why);

	if (r)
		return dl_fail(reason, r == DL_EXIT_NO ? DL_EXIT_NO : DL_EXIT_FAIL,
			       "%s", why);
	if ((st.status == DL_STATUS_RUNNING || st.status == DL_STATUS_STARTING) &&
	    dl_state_supervised(id))
		return dl_fail(reason, DL_EXIT_NO, "it runs in the foreground "
			       "of the 'dl run' or 'dl start -a' that started "
			       "it");
	/* Nobody supervises it: a socket left by a relay killed with its
	 * supervisor goes, under the lock, so that the next start's is not
	 * the one removed. */
	if (dl_state_lock(id, true, &lock, &why) == 0) {
		dir = dl_path("containers/%s", id);
		(void)dl_relay_clear(dir);
	}
	return dl_fail(reason, DL_EXIT_NO, DL_CONSOLE_STOPPED);
}

static int connect_to(const char *id, int *out, char **reason)
{
	_cleanup_free_ char *dir = dl_path("containers/%s", id);
	_cleanup_close_ int dfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd;

	if (dfd < 0)
		return not_attachable(id, reason);
	/* through /proc/self/fd: a store's path may not fit sun_path */
	snprintf(sa.sun_path, sizeof(sa.sun_path), "/proc/self/fd/%d/%s", dfd,
		 DL_RELAY_SOCK);
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return dl_fail(reason, DL_EXIT_FAIL, "socket: %s", strerror(errno));
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int e = errno;

		close(fd);
		if (e == ENOENT || e == ECONNREFUSED)
			return not_attachable(id, reason);
		return dl_fail(reason, DL_EXIT_FAIL, "'%s/%s': %s", dir,
			       DL_RELAY_SOCK, strerror(e));
	}
	*out = fd;
	return 0;
}

/* Our stdin, through the detach keys; true when they were typed. */
static bool on_stdin(const struct dl_console *c, int fd, bool can_send,
		     size_t *matched, const unsigned char *p, size_t n)
{
	unsigned char out[8192 + DL_CONSOLE_KEYS_MAX];
	size_t no = 0;

	for (size_t i = 0; i < n; i++) {
		if (c->nkeys && p[i] == c->keys[*matched]) {
			if (++*matched == c->nkeys)
				return true;
			continue;
		}
		/* not the sequence after all: what was held goes on */
		memcpy(out + no, c->keys, *matched);
		no += *matched;
		*matched = 0;
		if (c->nkeys && p[i] == c->keys[0]) {
			*matched = 1;
			continue;
		}
		out[no++] = p[i];
	}
	if (can_send && no)
		send_input(fd, out, no);
	return false;
}

static void signal_command(const char *id, int sig)
{
	struct dl_state st;

	if (dl_state_read(id, &st, NULL) == 0 &&
	    st.status == DL_STATUS_RUNNING && st.pid > 0)
		kill(st.pid, sig);
}

int dl_console_run(const struct dl_console *c, int *code, char **reason)
{
	static const int sigs[] = { SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGUSR1,
				    SIGUSR2, SIGALRM, SIGWINCH };
	_cleanup_close_ int fd = -1, sfd = -1;
	char frame[DL_RELAY_FRAME + 1];
	bool tty, stdin_open, proxy, reading;
	size_t matched = 0;
	sigset_t set, old;
	ssize_t n;
	int r;

	*code = -1;
	if ((r = connect_to(c->id, &fd, reason)))
		return r;
	do
		n = recv(fd, frame, sizeof(frame) - 1, 0);
	while (n < 0 && errno == EINTR);
	if (n < 1 || frame[0] != 'h')
		return not_attachable(c->id, reason);
	frame[n] = '\0';
	tty = strchr(frame + 1, 't') != NULL;
	stdin_open = strchr(frame + 1, 'i') != NULL;
	proxy = c->sig_proxy && !tty;
	reading = c->in;
	sigemptyset(&set);
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaddset(&set, sigs[i]);
	signal(SIGPIPE, SIG_IGN);
	sigprocmask(SIG_BLOCK, &set, &old);
	sfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	if (sfd < 0) {
		sigprocmask(SIG_SETMASK, &old, NULL);
		return dl_fail(reason, DL_EXIT_FAIL, "signalfd: %s",
			       strerror(errno));
	}
	if (tty) {
		if (reading && isatty(STDIN_FILENO))
			tty_raw();
		send_winsize(fd);
	}
	for (;;) {
		struct pollfd fds[3] = {
			{ .fd = fd, .events = POLLIN },
			{ .fd = sfd, .events = POLLIN },
			{ .fd = reading ? STDIN_FILENO : -1, .events = POLLIN },
		};

		if (poll(fds, 3, -1) < 0) {
			if (errno == EINTR)
				continue;
			tty_restore();
			return dl_fail(reason, DL_EXIT_FAIL, "poll: %s",
				       strerror(errno));
		}
		if (fds[1].revents) {
			struct signalfd_siginfo si;

			while (read(sfd, &si, sizeof(si)) == sizeof(si)) {
				int sig = (int)si.ssi_signo;

				if (sig == SIGWINCH) {
					if (tty)
						send_winsize(fd);
				} else if (proxy) {
					signal_command(c->id, sig);
				} else if (sig != SIGALRM && sig != SIGUSR1 &&
					   sig != SIGUSR2) {
					/* we go; the container stays */
					tty_restore();
					signal(sig, SIG_DFL);
					sigprocmask(SIG_SETMASK, &old, NULL);
					raise(sig);
				}
			}
		}
		if (fds[2].revents) {
			unsigned char buf[8192];
			ssize_t got = read(STDIN_FILENO, buf, sizeof(buf));

			if (got > 0 && on_stdin(c, fd, stdin_open, &matched, buf,
					      (size_t)got)) {
				tty_restore();
				sigprocmask(SIG_SETMASK, &old, NULL);
				return 0;	/* detached */
			}
			if (got == 0 || (got < 0 && errno != EINTR && errno != EAGAIN)) {
				reading = false;
				if (c->stdin_once && stdin_open)
					(void)send(fd, "c", 1, MSG_NOSIGNAL);
			}
		}
		if (fds[0].revents) {
			n = recv(fd, frame, sizeof(frame) - 1, MSG_DONTWAIT);
			if (n < 0 && (errno == EAGAIN || errno == EINTR))
				continue;
			if (n <= 0)
				break;
			if (frame[0] == 'o' && c->out)
				(void)write_all(STDOUT_FILENO, frame + 1, (size_t)n - 1);
			else if (frame[0] == 'e' && c->err)
				(void)write_all(STDERR_FILENO, frame + 1, (size_t)n - 1);
			else if (frame[0] == 'x') {
				frame[n] = '\0';
				*code = atoi(frame + 1);
				tty_restore();
				sigprocmask(SIG_SETMASK, &old, NULL);
				return 0;
			}
		}
	}
	/* the relay went without a word: its supervisor died */
	tty_restore();
	sigprocmask(SIG_SETMASK, &old, NULL);
	return dl_fail(reason, DL_EXIT_FAIL, "the monitor of the container "
		       "ended without its exit code");
}
