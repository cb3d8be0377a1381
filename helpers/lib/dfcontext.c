/* SPDX-License-Identifier: Apache-2.0 */
/* dfcontext.c: a build context: .dockerignore, COPY sources */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <inttypes.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "dl.h"
#include "dl/dfcontext.h"

/* ---- paths ---------------------------------------------------------------- */

/* @p cleaned as Go's filepath.Clean, relative: "" for the top; NULL when
 * it climbs above the top */
static char *clean(const char *p)
{
	char *out = dl_xmalloc(strlen(p) + 2);
	size_t len = 0;

	while (*p) {
		size_t n;

		p += strspn(p, "/");
		n = strcspn(p, "/");
		if (!n)
			break;
		if (n == 1 && p[0] == '.') {
			/* nothing */
		} else if (n == 2 && p[0] == '.' && p[1] == '.') {
			char *slash;

			if (!len) {
				free(out);
				return NULL;
			}
			out[len] = '\0';
			slash = strrchr(out, '/');
			len = slash ? (size_t)(slash - out) : 0;
		} else {
			if (len)
				out[len++] = '/';
			memcpy(out + len, p, n);
			len += n;
		}
		p += n;
	}
	out[len] = '\0';
	return out;
}

/* ---- .dockerignore -------------------------------------------------------- */

struct pattern {
	regex_t re;
	bool negate;
};

struct dl_ignore {
	struct pattern *v;
	size_t n;
	bool negations;
};

static void put(char **s, size_t *len, const char *add)
{
	size_t n = strlen(add);

	*s = dl_xrealloc(*s, *len + n + 1);
	memcpy(*s + *len, add, n + 1);
	*len += n;
}

/* The regular expression of a pattern, as moby's patternmatcher makes it */
static char *to_regex(const char *p)
{
	char *re = dl_xstrdup("^");
	size_t len = 1;

	for (; *p; p++) {
		char c[3] = { *p, 0, 0 };

		if (*p == '*') {
			if (p[1] == '*') {
				p++;
				if (p[1] == '/')
					p++;
				put(&re, &len, p[1] ? "(.*/)?" : ".*");
			} else {
				put(&re, &len, "[^/]*");
			}
		} else if (*p == '?') {
			put(&re, &len, "[^/]");
		} else if (*p == '\\' && p[1]) {
			c[0] = '\\';
			c[1] = *++p;
			put(&re, &len, c);
		} else if (strchr(".+()|{}^$", *p)) {
			c[0] = '\\';
			c[1] = *p;
			put(&re, &len, c);
		} else {
			put(&re, &len, c);
		}
	}
	put(&re, &len, "$");
	return re;
}

static int add_pattern(struct dl_ignore *ig, const char *line, char **reason)
{
	_cleanup_free_ char *c = NULL, *re = NULL;
	struct pattern pt = { .negate = false };
	const char *p = line;
	size_t len;

	p += strspn(p, " \t");
	len = strlen(p);
	while (len && (p[len - 1] == ' ' || p[len - 1] == '\t' ||
		       p[len - 1] == '\r'))
		len--;
	if (!len || *p == '#')
		return 0;
	if (*p == '!') {
		pt.negate = true;
		p++;
		len--;
	}
	{
		_cleanup_free_ char *raw = dl_xasprintf("%.*s", (int)len, p);

		c = clean(raw);
	}
	if (!c || !*c)
		return 0;
	re = to_regex(c);
	if (regcomp(&pt.re, re, REG_EXTENDED | REG_NOSUB))
		return dl_fail(reason, DL_EXIT_REJECT,
			       "invalid .dockerignore pattern '%s'", line);
	ig->v = dl_xrealloc(ig->v, (ig->n + 1) * sizeof(*ig->v));
	ig->v[ig->n++] = pt;
	if (pt.negate)
		ig->negations = true;
	return 0;
}

int dl_ignore_load(int ctxfd, struct dl_ignore **out, char **reason)
{
	static const char *const names[] = { ".dockerignore",
					     ".containerignore" };
	struct dl_ignore *ig = dl_xcalloc(1, sizeof(*ig));
	_cleanup_fclose_ FILE *f = NULL;
	char *line = NULL;
	size_t cap = 0, i;
	int rc = 0;

	for (i = 0; i < 2 && !f; i++) {
		int fd = openat(ctxfd, names[i], O_RDONLY | O_CLOEXEC);

		if (fd < 0 && errno == ENOENT)
			continue;
		if (fd < 0 || !(f = fdopen(fd, "r"))) {
			if (fd >= 0)
				close(fd);
			free(ig);
			return dl_fail(reason, DL_EXIT_FAIL,
				       "unable to read '%s': %s", names[i],
				       strerror(errno));
		}
	}
	while (f && !rc && getline(&line, &cap, f) >= 0) {
		line[strcspn(line, "\n")] = '\0';
		rc = add_pattern(ig, line, reason);
	}
	free(line);
	if (rc) {
		dl_ignore_free(ig);
		return rc;
	}
	*out = ig;
	return 0;
}

bool dl_ignore_match(const struct dl_ignore *ig, const char *rel)
{
	_cleanup_free_ char *buf = NULL;
	bool match = false;
	size_t i;

	if (!ig || !ig->n || !*rel)
		return false;
	buf = dl_xstrdup(rel);
	for (i = 0; i < ig->n; i++) {
		char *p = buf;
		bool m = false;

		/* the path and each of its parents */
		for (;;) {
			char *slash = strchr(p, '/');

			if (slash)
				*slash = '\0';
			m = !regexec(&ig->v[i].re, buf, 0, NULL, 0);
			if (slash)
				*slash = '/';
			if (m || !slash)
				break;
			p = slash + 1;
		}
		if (m)
			match = !ig->v[i].negate;
	}
	return match;
}

void dl_ignore_free(struct dl_ignore *ig)
{
	size_t i;

	if (!ig)
		return;
	for (i = 0; i < ig->n; i++)
		regfree(&ig->v[i].re);
	free(ig->v);
	free(ig);
}

/* ---- sources -------------------------------------------------------------- */

struct list {
	char **v;
	size_t n;
};

static void add(struct list *l, char *s)
{
	l->v = dl_xrealloc(l->v, (l->n + 1) * sizeof(*l->v));
	l->v[l->n++] = s;
}

static int cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The names of directory @fd, sorted */
static int names(int fd, struct list *l)
{
	int dup_fd = fcntl(fd, F_DUPFD_CLOEXEC, 0);
	DIR *d = dup_fd < 0 ? NULL : fdopendir(dup_fd);
	struct dirent *e;

	if (!d) {
		if (dup_fd >= 0)
			close(dup_fd);
		return -1;
	}
	rewinddir(d);
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			add(l, dl_xstrdup(e->d_name));
	closedir(d);
	qsort(l->v, l->n, sizeof(*l->v), cmp);
	return 0;
}

static void list_free(struct list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	*l = (struct list){ 0 };
}

/* Match the components @comp[@i..] below directory @fd (at @rel) */
static int glob_at(int fd, const char *rel, char **comp, size_t ncomp,
		   size_t i, const struct dl_ignore *ig, struct list *out)
{
	struct list l = { 0 };
	size_t j;
	int rc = 0;

	if (i == ncomp) {
		if (!dl_ignore_match(ig, rel))
			add(out, dl_xstrdup(rel));
		return 0;
	}
	if (!comp[i][strcspn(comp[i], "*?[\\")]) {
		/* no pattern in it: one lookup */
		add(&l, dl_xstrdup(comp[i]));
	} else if (names(fd, &l) < 0) {
		return errno == ENOTDIR ? 0 : -1;
	}
	for (j = 0; j < l.n && !rc; j++) {
		_cleanup_free_ char *sub = NULL;
		struct stat st;
		int sfd;

		if (fnmatch(comp[i], l.v[j], 0))
			continue;
		if (fstatat(fd, l.v[j], &st, AT_SYMLINK_NOFOLLOW) < 0) {
			if (errno == ENOENT)
				continue;
			rc = -1;
			break;
		}
		sub = *rel ? dl_xasprintf("%s/%s", rel, l.v[j])
			   : dl_xstrdup(l.v[j]);
		if (i + 1 == ncomp) {
			rc = glob_at(fd, sub, comp, ncomp, i + 1, ig, out);
			continue;
		}
		if (!S_ISDIR(st.st_mode))
			continue;
		sfd = openat(fd, l.v[j], O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
					   O_CLOEXEC);
		if (sfd < 0) {
			rc = -1;
			break;
		}
		rc = glob_at(sfd, sub, comp, ncomp, i + 1, ig, out);
		close(sfd);
	}
	list_free(&l);
	return rc;
}

int dl_ctx_glob(int ctxfd, const char *pattern, const struct dl_ignore *ig,
		char ***paths, size_t *n, char **reason)
{
	_cleanup_free_ char *c = clean(pattern);
	struct list comp = { 0 }, out = { 0 };
	char *p, *save = NULL;
	int rc;

	if (!c)
		return dl_fail(reason, DL_EXIT_REJECT,
			       "'%s' is outside the context", pattern);
	for (p = strtok_r(c, "/", &save); p; p = strtok_r(NULL, "/", &save))
		add(&comp, dl_xstrdup(p));
	if (!comp.n) {
		add(&out, dl_xstrdup(""));
		rc = 0;
	} else {
		rc = glob_at(ctxfd, "", comp.v, comp.n, 0, ig, &out);
	}
	list_free(&comp);
	if (rc < 0) {
		list_free(&out);
		return dl_fail(reason, DL_EXIT_FAIL, "unable to read '%s': %s",
			       pattern, strerror(errno));
	}
	if (!out.n) {
		free(out.v);
		return dl_fail(reason, DL_EXIT_NO, "no such file or directory");
	}
	*paths = out.v;
	*n = out.n;
	return 0;
}

/* ---- the walk ------------------------------------------------------------- */

int dl_ctx_walk(int dirfd, const char *name, const char *rel,
		const struct dl_ignore *ig, const struct dl_ctx_visit *v,
		char **reason)
{
	struct list l = { 0 };
	struct stat st;
	size_t i;
	int fd, rc;

	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return dl_fail(reason, DL_EXIT_FAIL, "unable to stat '%s': %s",
			       *rel ? rel : ".", strerror(errno));
	if (dl_ignore_match(ig, rel) && (!S_ISDIR(st.st_mode) ||
					 !ig->negations))
		return 0;
	rc = v->enter(dirfd, name, rel, &st, v->ctx, reason);
	if (rc || !S_ISDIR(st.st_mode))
		return rc;
	fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
				     O_CLOEXEC);
	if (fd < 0 || names(fd, &l) < 0) {
		rc = dl_fail(reason, DL_EXIT_FAIL, "unable to read '%s': %s",
			     *rel ? rel : ".", strerror(errno));
		if (fd >= 0)
			close(fd);
		return rc;
	}
	for (i = 0; i < l.n && !rc; i++) {
		_cleanup_free_ char *sub = *rel ? dl_xasprintf("%s/%s", rel,
							       l.v[i])
					       : dl_xstrdup(l.v[i]);

		rc = dl_ctx_walk(fd, l.v[i], sub, ig, v, reason);
	}
	list_free(&l);
	close(fd);
	if (!rc && v->leave)
		rc = v->leave(dirfd, name, rel, &st, v->ctx, reason);
	return rc;
}
