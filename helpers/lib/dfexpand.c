/* SPDX-License-Identifier: Apache-2.0 */
/* dfexpand.c: Dockerfile variable expansion */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "dl.h"
#include "dl/dfexpand.h"

struct buf {
	char *s;
	size_t len, cap;
};

static void put(struct buf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		b->cap = 2 * (b->len + n + 1) + 32;
		b->s = dl_xrealloc(b->s, b->cap);
	}
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

struct ex {
	char esc;
	unsigned flags;
	dl_df_lookup_fn *get;
	void *ctx;
	char **reason;
};

static bool name_start(char c)
{
	return c == '_' || isalpha((unsigned char)c);
}

static bool name_char(char c)
{
	return c == '_' || isalnum((unsigned char)c);
}

static int run(struct ex *x, const char **pp, bool in_word, struct buf *out);

/* ${...} at *@pp (just past "${"): its value appended to @out */
static int braced(struct ex *x, const char **pp, struct buf *out)
{
	const char *p = *pp, *start = p, *val;
	_cleanup_free_ char *name = NULL;
	struct buf word = { 0 };
	bool colon = false;
	char op = 0;
	int rc;

	if (!name_start(*p))
		return dl_fail(x->reason, DL_EXIT_REJECT,
			       "bad substitution '${%.*s'",
			       (int)strcspn(p, "}"), p);
	while (name_char(*p))
		p++;
	name = dl_xasprintf("%.*s", (int)(p - start), start);
	if (*p == ':') {
		colon = true;
		p++;
	}
	if (*p == '-' || *p == '+') {
		op = *p++;
	} else if (colon || *p != '}') {
		return dl_fail(x->reason, DL_EXIT_REJECT,
			       "bad substitution '${%s%s%.1s': only ${%s}, "
			       "${%s:-WORD} and ${%s:+WORD}",
			       name, colon ? ":" : "", p, name, name, name);
	}
	if (op) {
		word.s = dl_xstrdup("");
		rc = run(x, &p, true, &word);
		if (rc) {
			free(word.s);
			return rc;
		}
	}
	if (*p != '}') {
		free(word.s);
		return dl_fail(x->reason, DL_EXIT_REJECT,
			       "missing '}' after '${%s'", name);
	}
	*pp = p + 1;
	val = x->get(name, x->ctx);
	if (op == '-') {
		if (!val || (colon && !*val))
			val = word.s;
	} else if (op == '+') {
		val = val && (!colon || *val) ? word.s : "";
	}
	if (val)
		put(out, val, strlen(val));
	free(word.s);
	return 0;
}

/* $... at *@pp (on the '$') */
static int dollar(struct ex *x, const char **pp, struct buf *out)
{
	const char *p = *pp + 1, *start = p, *val;
	_cleanup_free_ char *name = NULL;

	if (*p == '{') {
		*pp = p + 1;
		return braced(x, pp, out);
	}
	if (!name_start(*p)) {
		put(out, "$", 1);
		*pp = p;
		return 0;
	}
	while (name_char(*p))
		p++;
	name = dl_xasprintf("%.*s", (int)(p - start), start);
	val = x->get(name, x->ctx);
	if (val)
		put(out, val, strlen(val));
	*pp = p;
	return 0;
}

/*
 * Expand from *@pp to the end, or (@in_word) to the '}' closing a
 * ${NAME:-WORD}, left at *@pp.
 */
static int run(struct ex *x, const char **pp, bool in_word, struct buf *out)
{
	bool keep = x->flags & DL_DF_KEEP_QUOTES;
	bool quotes = !(x->flags & DL_DF_NO_QUOTES);
	const char *p = *pp;
	char q = 0;
	int rc;

	while (*p) {
		if (!q && in_word && *p == '}')
			break;
		if (*p == x->esc && p[1] && q != '\'') {
			/* in a here-document only "\$" is special */
			if (!quotes && p[1] != '$') {
				put(out, p, 1);
				p++;
				continue;
			}
			if (keep)
				put(out, p, 2);
			else
				put(out, p + 1, 1);
			p += 2;
			continue;
		}
		if (quotes && (*p == '\'' || *p == '"') && (!q || q == *p)) {
			q = q ? 0 : *p;
			if (keep)
				put(out, p, 1);
			p++;
			continue;
		}
		if (*p == '$' && q != '\'') {
			rc = dollar(x, &p, out);
			if (rc)
				return rc;
			continue;
		}
		put(out, p, 1);
		p++;
	}
	if (q)
		return dl_fail(x->reason, DL_EXIT_REJECT, "unterminated %c quote",
			       q);
	*pp = p;
	return 0;
}

int dl_df_expand(const char *s, char esc, unsigned flags,
		 dl_df_lookup_fn *get, void *ctx, char **out, char **reason)
{
	struct ex x = { esc, flags, get, ctx, reason };
	struct buf b = { 0 };
	const char *p = s;
	int rc;

	put(&b, "", 0);
	rc = run(&x, &p, false, &b);
	if (rc) {
		free(b.s);
		return rc;
	}
	*out = b.s;
	return 0;
}
