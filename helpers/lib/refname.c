/* SPDX-License-Identifier: Apache-2.0 */
/* refname.c: the grammar of image names (OCI) and container names */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "dl.h"
#include "dl/refname.h"

#define NAME_MAX_LEN 255
#define TAG_MAX_LEN 128

static bool is_lower_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

static bool is_alnum(char c)
{
	return is_lower_alnum(c) || (c >= 'A' && c <= 'Z');
}

static bool is_word(char c)
{
	return is_alnum(c) || c == '_';
}

/* [a-z0-9]+(([._]|__|[-]+)[a-z0-9]+)* over s[0..n) */
static bool valid_path_component(const char *s, size_t n)
{
	size_t i = 0;

	if (n == 0 || !is_lower_alnum(s[0]) || !is_lower_alnum(s[n - 1]))
		return false;
	while (i < n) {
		size_t sep;

		while (i < n && is_lower_alnum(s[i]))
			i++;
		if (i == n)
			return true;
		sep = i;
		if (s[i] == '.') {
			i++;
		} else if (s[i] == '_') {
			i++;
			if (i < n && s[i] == '_')
				i++;
		} else if (s[i] == '-') {
			while (i < n && s[i] == '-')
				i++;
		} else {
			return false;
		}
		/* a separator must be followed by an alphanumeric */
		if (i == sep || i == n || !is_lower_alnum(s[i]))
			return false;
	}
	return true;
}

/* [a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])? over s[0..n) */
static bool valid_domain_component(const char *s, size_t n)
{
	size_t i;

	if (n == 0 || !is_alnum(s[0]) || !is_alnum(s[n - 1]))
		return false;
	for (i = 0; i < n; i++)
		if (!is_alnum(s[i]) && s[i] != '-')
			return false;
	return true;
}

/* domain-component(\.domain-component)*(:[0-9]+)? over s[0..n) */
static bool valid_domain(const char *s, size_t n)
{
	const char *colon = memchr(s, ':', n);
	size_t host = colon ? (size_t)(colon - s) : n;
	size_t i = 0;

	if (colon) {
		size_t p = host + 1;

		if (p == n)
			return false;
		for (; p < n; p++)
			if (s[p] < '0' || s[p] > '9')
				return false;
	}
	while (i <= host) {
		const char *dot = memchr(s + i, '.', host - i);
		size_t end = dot ? (size_t)(dot - s) : host;

		if (!valid_domain_component(s + i, end - i))
			return false;
		i = end + 1;
	}
	return true;
}

/* [A-Za-z0-9_][A-Za-z0-9_.-]{0,127} */
bool dl_ref_tag_valid(const char *t)
{
	size_t i;

	if (!t || !is_word(t[0]))
		return false;
	for (i = 1; t[i]; i++)
		if (i >= TAG_MAX_LEN || (!is_word(t[i]) && t[i] != '.' &&
					 t[i] != '-'))
			return false;
	return true;
}

static bool has_upper(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] >= 'A' && s[i] <= 'Z')
			return true;
	return false;
}

/* Check a repository path; on failure set *reason and return false. */
static bool valid_repo(const char *repo, char **reason)
{
	size_t len = strlen(repo);
	const char *s = repo, *slash = strchr(repo, '/');

	if (len == 0) {
		dl_fail(reason, DL_EXIT_USAGE, "repository name is empty");
		return false;
	}
	if (len > NAME_MAX_LEN) {
		dl_fail(reason, DL_EXIT_USAGE,
		     "repository name is longer than %d characters",
		     NAME_MAX_LEN);
		return false;
	}
	if (len == DL_ID_LEN && dl_is_id(repo)) {
		dl_fail(reason, DL_EXIT_USAGE,
		     "repository name must not be a 64-digit hexadecimal ID");
		return false;
	}
	if (slash) {
		size_t n = (size_t)(slash - repo);

		/* The first component is a host only when it looks like one. */
		if (memchr(repo, '.', n) || memchr(repo, ':', n) ||
		    (n == 9 && !memcmp(repo, "localhost", 9))) {
			if (!valid_domain(repo, n)) {
				dl_fail(reason, DL_EXIT_USAGE,
				     "invalid registry host '%.*s'", (int)n,
				     repo);
				return false;
			}
			s = slash + 1;
		}
	}
	for (;;) {
		size_t n = strcspn(s, "/");

		if (!valid_path_component(s, n)) {
			if (has_upper(s, n))
				dl_fail(reason, DL_EXIT_USAGE,
				     "repository name must be lowercase");
			else if (n == 0)
				dl_fail(reason, DL_EXIT_USAGE,
				     "repository name has an empty path component");
			else
				dl_fail(reason, DL_EXIT_USAGE,
				     "invalid path component '%.*s'", (int)n,
				     s);
			return false;
		}
		if (!s[n])
			return true;
		s += n + 1;
	}
}

bool dl_ref_valid(const struct dl_ref *r, char **reason)
{
	if (!r || !r->repo) {
		dl_fail(reason, DL_EXIT_USAGE, "name is empty");
		return false;
	}
	if (!valid_repo(r->repo, reason))
		return false;
	if (!dl_ref_tag_valid(r->tag)) {
		dl_fail(reason, DL_EXIT_USAGE, "invalid tag '%s'",
		     r->tag ? r->tag : "");
		return false;
	}
	return true;
}

int dl_ref_parse(const char *name, struct dl_ref *out, char **reason)
{
	_cleanup_free_ char *repo = NULL;
	const char *slash, *colon;

	*reason = NULL;
	out->repo = out->tag = NULL;
	if (!name || !*name)
		return dl_fail(reason, DL_EXIT_USAGE, "name is empty");
	if (strchr(name, '@'))
		return dl_fail(reason, DL_EXIT_USAGE,
			    "digest references are not supported");
	slash = strrchr(name, '/');
	colon = strchr(slash ? slash : name, ':');
	repo = colon ? strndup(name, (size_t)(colon - name))
		     : dl_xstrdup(name);
	if (!repo)
		dl_die(DL_EXIT_FAIL, "unable to allocate 'memory'");
	if (!valid_repo(repo, reason))
		return DL_EXIT_USAGE;
	if (colon && !dl_ref_tag_valid(colon + 1))
		return dl_fail(reason, DL_EXIT_USAGE, "invalid tag '%s'",
			    colon + 1);
	out->tag = dl_xstrdup(colon ? colon + 1 : "latest");
	out->repo = dl_steal_pointer(&repo);
	return 0;
}

void dl_ref_free(struct dl_ref *r)
{
	if (!r)
		return;
	free(r->repo);
	free(r->tag);
	r->repo = r->tag = NULL;
}

bool dl_is_container_name(const char *name)
{
	size_t i;

	if (!name || !is_alnum(name[0]))
		return false;
	for (i = 1; name[i]; i++)
		if (i >= NAME_MAX_LEN ||
		    (!is_word(name[i]) && name[i] != '.' && name[i] != '-'))
			return false;
	return true;
}
