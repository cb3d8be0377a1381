/* SPDX-License-Identifier: Apache-2.0 */
/* dockerfile.c: Dockerfiles parsed into instructions, ARG and ENV applied */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "dl.h"
#include "dl/dfexpand.h"
#include "dl/dockerfile.h"

/* ---- lists ------------------------------------------------------------ */

static void push(char ***v, size_t *n, char *s)
{
	*v = dl_xrealloc(*v, (*n + 1) * sizeof(**v));
	(*v)[(*n)++] = s;
}

static void strv_free(char **v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/* ---- the instructions and their flags ------------------------------------ */

enum { WORDS, TEXT, EXEC }; /* how the shell form's arguments are kept */

static const struct kind {
	const char *cmd;
	int form;          /* WORDS: split in words; TEXT: one; EXEC: JSON too */
	bool expand;       /* ARG and ENV expand in it */
	const char *flags; /* the known flags, " name name " */
} kinds[] = {
	{ "ADD", WORDS, true, " chown chmod link checksum keep-git-dir " },
	{ "ARG", WORDS, false, "" },
	{ "CMD", EXEC, false, "" },
	{ "COPY", WORDS, true, " from chown chmod link " },
	{ "ENTRYPOINT", EXEC, false, "" },
	{ "ENV", WORDS, true, "" },
	{ "EXPOSE", WORDS, true, "" },
	{ "FROM", WORDS, true, " platform " },
	{ "HEALTHCHECK", TEXT, false,
	  " interval timeout start-period start-interval retries " },
	{ "LABEL", WORDS, true, "" },
	{ "MAINTAINER", TEXT, false, "" },
	{ "ONBUILD", TEXT, false, "" },
	{ "RUN", EXEC, false, " network " },
	{ "SHELL", EXEC, false, "" },
	{ "STOPSIGNAL", WORDS, true, "" },
	{ "USER", WORDS, true, "" },
	{ "VOLUME", EXEC, true, "" },
	{ "WORKDIR", TEXT, true, "" },
};

static const struct kind *kind_of(const char *cmd)
{
	size_t i;

	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (!strcmp(kinds[i].cmd, cmd))
			return &kinds[i];
	return NULL;
}

/* ---- physical lines -------------------------------------------------------- */

struct lines {
	char **v;
	size_t n;
};

static void split_lines(const char *text, struct lines *l)
{
	const char *p = text;

	while (*p) {
		size_t len = strcspn(p, "\n");
		char *s = dl_xasprintf("%.*s", (int)len, p);

		if (len && s[len - 1] == '\r')
			s[len - 1] = '\0';
		push(&l->v, &l->n, s);
		p += len;
		if (*p)
			p++;
	}
}

static bool blank(const char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	return !*s;
}

static bool comment(const char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	return *s == '#';
}

/* "# key=value" at the top: 1 and the escape set, 0 not a directive */
static int directive(const char *s, char *esc, char **reason, unsigned line)
{
	const char *k, *v;
	size_t klen, vlen;

	while (isspace((unsigned char)*s))
		s++;
	if (*s++ != '#')
		return 0;
	while (isspace((unsigned char)*s))
		s++;
	k = s;
	while (isalnum((unsigned char)*s) || *s == '_' || *s == '-')
		s++;
	klen = (size_t)(s - k);
	while (*s == ' ' || *s == '\t')
		s++;
	if (!klen || *s != '=')
		return 0;
	s++;
	while (*s == ' ' || *s == '\t')
		s++;
	v = s;
	vlen = strlen(v);
	while (vlen && isspace((unsigned char)v[vlen - 1]))
		vlen--;
	if (klen == 6 && !strncasecmp(k, "escape", 6)) {
		if (vlen != 1 || (*v != '\\' && *v != '`'))
			return dl_fail(reason, DL_EXIT_REJECT,
				       "line %u: invalid escape '%.*s' (\\ or `)",
				       line, (int)vlen, v);
		*esc = *v;
	}
	return 1;
}

/* ---- words ----------------------------------------------------------------- */

/* Split @s on unquoted blanks, quotes and escapes kept in the words. */
static int words(const char *s, char esc, char ***v, size_t *n)
{
	for (;;) {
		const char *start;
		char q = 0;

		while (isspace((unsigned char)*s))
			s++;
		if (!*s)
			return 0;
		start = s;
		while (*s && (q || !isspace((unsigned char)*s))) {
			if (*s == esc && s[1] && q != '\'') {
				s += 2;
				continue;
			}
			if ((*s == '"' || *s == '\'') && (!q || q == *s))
				q = q ? 0 : *s;
			s++;
		}
		if (q)
			return -1;
		push(v, n, dl_xasprintf("%.*s", (int)(s - start), start));
	}
}

/* ---- one instruction --------------------------------------------------------- */

static bool json_form(const char *text, char ***v, size_t *n)
{
	json_t *j, *e;
	size_t i;

	if (*text != '[')
		return false;
	j = json_loads(text, JSON_DECODE_ANY, NULL);
	if (!json_is_array(j)) {
		json_decref(j);
		return false;
	}
	json_array_foreach(j, i, e)
		if (!json_is_string(e)) {
			json_decref(j);
			return false;
		}
	json_array_foreach(j, i, e)
		push(v, n, dl_xstrdup(json_string_value(e)));
	json_decref(j);
	return true;
}

#define BAD(...) dl_fail(reason, DL_EXIT_REJECT, __VA_ARGS__)

/* The here-documents named in @in's words, their bodies from @l at *@next */
static int heredocs(struct dl_df_insn *in, const struct lines *l,
		    size_t *next, char **reason)
{
	size_t i;

	for (i = 0; i < in->nargs; i++) {
		const char *w = in->args[i], *name;
		struct dl_df_heredoc d = { 0 };
		bool strip = false, found = false;
		char q = 0;
		size_t len;
		struct {
			char *s;
			size_t len;
		} body = { dl_xstrdup(""), 0 };

		if (strncmp(w, "<<", 2))
			continue;
		w += 2;
		if (*w == '-') {
			strip = true;
			w++;
		}
		if (*w == '"' || *w == '\'')
			q = *w++;
		name = w;
		len = strspn(name, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstu"
				   "vwxyz0123456789_.-");
		if (!len || (q && name[len] != q) || name[len + (q != 0)]) {
			free(body.s);
			continue;
		}
		d.name = dl_xasprintf("%.*s", (int)len, name);
		d.expand = !q;
		while (*next < l->n) {
			const char *s = l->v[(*next)++];

			if (strip)
				s += strspn(s, "\t");
			if (!strcmp(s, d.name)) {
				found = true;
				break;
			}
			body.s = dl_xrealloc(body.s, body.len + strlen(s) + 2);
			strcpy(body.s + body.len, s);
			body.len += strlen(s);
			strcpy(body.s + body.len++, "\n");
		}
		if (!found) {
			free(body.s);
			free(d.name);
			return BAD("line %u: %s: unterminated here-document "
				   "'%s'", in->line, in->cmd, name);
		}
		d.body = body.s;
		in->docs = dl_xrealloc(in->docs,
				       (in->ndocs + 1) * sizeof(*in->docs));
		in->docs[in->ndocs++] = d;
		in->end_line = (unsigned)*next;
	}
	return 0;
}

/* Check the arguments of @in for its instruction. */
static int check(const struct dl_df_insn *in, char **reason)
{
	const char *c = in->cmd;
	size_t n = in->nargs;

	if (!strcmp(c, "FROM") && n != 1 &&
	    !(n == 3 && !strcasecmp(in->args[1], "AS")))
		return BAD("line %u: FROM: needs IMAGE [AS NAME]", in->line);
	if ((!strcmp(c, "COPY") || !strcmp(c, "ADD")) && n < 2)
		return BAD("line %u: %s: needs a source and a destination",
			   in->line, c);
	if ((!strcmp(c, "USER") || !strcmp(c, "STOPSIGNAL")) && n != 1)
		return BAD("line %u: %s: takes exactly one argument", in->line,
			   c);
	if (!strcmp(c, "SHELL") && (!in->json || !n))
		return BAD("line %u: SHELL: needs a JSON array, as "
			   "[\"/bin/sh\", \"-c\"]", in->line);
	if (!n && strcmp(c, "CMD") && strcmp(c, "ENTRYPOINT") &&
	    strcmp(c, "VOLUME"))
		return BAD("line %u: %s: needs an argument", in->line, c);
	if (!strcmp(c, "ONBUILD")) {
		char w[16] = "";
		size_t i;

		sscanf(in->text, "%15s", w);
		for (i = 0; w[i]; i++)
			w[i] = (char)toupper((unsigned char)w[i]);
		if (!kind_of(w) || !strcmp(w, "ONBUILD") ||
		    !strcmp(w, "FROM") || !strcmp(w, "MAINTAINER"))
			return BAD("line %u: ONBUILD: '%s' not allowed",
				   in->line, w);
	}
	return 0;
}

static int flags(struct dl_df_insn *in, const struct kind *k, char **rest,
		 char **reason)
{
	char *p = *rest;

	while (!strncmp(p, "--", 2)) {
		size_t len = strcspn(p, " \t");
		size_t nlen = strcspn(p + 2, "= \t");
		_cleanup_free_ char *name = dl_xasprintf("%.*s", (int)nlen,
							 p + 2);
		_cleanup_free_ char *pat = dl_xasprintf(" %s ", name);

		if (!strstr(k->flags, pat))
			return BAD("line %u: %s: unknown flag '--%s'", in->line,
				   in->cmd, name);
		push(&in->flags, &in->nflags,
		     dl_xasprintf("%.*s", (int)len, p));
		p += len;
		while (isspace((unsigned char)*p))
			p++;
	}
	*rest = p;
	return 0;
}

static int insn(struct dl_df_insn *in, char *logical, char esc,
		const struct lines *l, size_t *next, char **reason)
{
	const struct kind *k;
	char *p = logical, *rest;
	size_t len, i;
	int rc;

	while (isspace((unsigned char)*p))
		p++;
	len = strspn(p, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz");
	if (!len || len >= sizeof(in->cmd) || (p[len] && !isspace((unsigned char)p[len])))
		return BAD("line %u: unknown instruction '%.*s'", in->line,
			   (int)strcspn(p, " \t"), p);
	for (i = 0; i < len; i++)
		in->cmd[i] = (char)toupper((unsigned char)p[i]);
	k = kind_of(in->cmd);
	if (!k)
		return BAD("line %u: unknown instruction '%.*s'", in->line,
			   (int)len, p);
	rest = p + len;
	while (isspace((unsigned char)*rest))
		rest++;
	len = strlen(rest);
	while (len && isspace((unsigned char)rest[len - 1]))
		rest[--len] = '\0';
	rc = flags(in, k, &rest, reason);
	if (rc)
		return rc;
	in->text = dl_xstrdup(rest);
	if (k->form == EXEC && json_form(rest, &in->args, &in->nargs)) {
		in->json = true;
	} else if (k->form == TEXT || (k->form == EXEC &&
				       strcmp(in->cmd, "VOLUME"))) {
		if (*rest)
			push(&in->args, &in->nargs, dl_xstrdup(rest));
	} else if (words(rest, esc, &in->args, &in->nargs) < 0) {
		return BAD("line %u: %s: unterminated quote", in->line,
			   in->cmd);
	}
	if (!in->json && (!strcmp(in->cmd, "RUN") || !strcmp(in->cmd, "COPY") ||
			  !strcmp(in->cmd, "ADD"))) {
		char **w = NULL;
		size_t nw = 0;

		/* RUN keeps its text whole: its words name the documents */
		if (!strcmp(in->cmd, "RUN")) {
			if (words(rest, esc, &w, &nw) < 0)
				nw = 0;
			strv_free(in->args, in->nargs);
			in->args = w;
			in->nargs = nw;
			rc = heredocs(in, l, next, reason);
			in->args = NULL;
			in->nargs = 0;
			strv_free(w, nw);
			if (*rest)
				push(&in->args, &in->nargs, dl_xstrdup(rest));
		} else {
			rc = heredocs(in, l, next, reason);
		}
		if (rc)
			return rc;
	}
	return check(in, reason);
}

int dl_dockerfile_parse(const char *text, struct dl_dockerfile *df,
			char **reason)
{
	struct lines l = { 0 };
	size_t i = 0;
	int rc = 0;

	*df = (struct dl_dockerfile){ .esc = '\\' };
	split_lines(text, &l);
	for (; i < l.n; i++) {
		rc = directive(l.v[i], &df->esc, reason, (unsigned)i + 1);
		if (rc < 0 || rc > 1)
			goto out;
		if (!rc)
			break;
	}
	rc = 0;
	while (i < l.n) {
		struct dl_df_insn in = { 0 };
		struct {
			char *s;
			size_t len;
		} lg = { dl_xstrdup(""), 0 };
		bool more = true;

		if (blank(l.v[i]) || comment(l.v[i])) {
			i++;
			free(lg.s);
			continue;
		}
		in.line = (unsigned)i + 1;
		while (more && i < l.n) {
			char *s = l.v[i++];
			size_t len = strlen(s), tr = len;

			if (lg.len && (comment(s) || blank(s)))
				continue;
			while (tr && (s[tr - 1] == ' ' || s[tr - 1] == '\t'))
				tr--;
			more = tr && s[tr - 1] == df->esc;
			if (more)
				len = tr - 1;
			lg.s = dl_xrealloc(lg.s, lg.len + len + 1);
			memcpy(lg.s + lg.len, s, len);
			lg.len += len;
			lg.s[lg.len] = '\0';
			in.end_line = (unsigned)i;
		}
		rc = insn(&in, lg.s, df->esc, &l, &i, reason);
		free(lg.s);
		df->v = dl_xrealloc(df->v, (df->n + 1) * sizeof(*df->v));
		df->v[df->n++] = in;
		if (rc)
			goto out;
	}
out:
	strv_free(l.v, l.n);
	if (rc)
		dl_dockerfile_free(df);
	return rc;
}

void dl_dockerfile_free(struct dl_dockerfile *df)
{
	size_t i, j;

	for (i = 0; i < df->n; i++) {
		struct dl_df_insn *in = &df->v[i];

		strv_free(in->flags, in->nflags);
		strv_free(in->args, in->nargs);
		strv_free(in->env, in->nenv);
		free(in->text);
		for (j = 0; j < in->ndocs; j++) {
			free(in->docs[j].name);
			free(in->docs[j].body);
		}
		free(in->docs);
	}
	free(df->v);
	*df = (struct dl_dockerfile){ .esc = '\\' };
}

/* ---- ARG and ENV ------------------------------------------------------------ */

/* A list of variables, K=V (V NULL: declared, no value). */
struct vars {
	char **k, **v;
	size_t n;
};

static ssize_t vfind(const struct vars *vs, const char *k)
{
	size_t i;

	for (i = 0; i < vs->n; i++)
		if (!strcmp(vs->k[i], k))
			return (ssize_t)i;
	return -1;
}

static void vset(struct vars *vs, const char *k, const char *v)
{
	ssize_t i = vfind(vs, k);

	if (i < 0) {
		vs->k = dl_xrealloc(vs->k, (vs->n + 1) * sizeof(char *));
		vs->v = dl_xrealloc(vs->v, (vs->n + 1) * sizeof(char *));
		vs->k[vs->n] = dl_xstrdup(k);
		vs->v[vs->n] = v ? dl_xstrdup(v) : NULL;
		vs->n++;
		return;
	}
	free(vs->v[i]);
	vs->v[i] = v ? dl_xstrdup(v) : NULL;
}

static const char *vget(const struct vars *vs, const char *k)
{
	ssize_t i = vfind(vs, k);

	return i < 0 ? NULL : vs->v[i];
}

static void vfree(struct vars *vs)
{
	strv_free(vs->k, vs->n);
	strv_free(vs->v, vs->n);
	*vs = (struct vars){ 0 };
}

static void vcopy(struct vars *to, const struct vars *from)
{
	size_t i;

	vfree(to);
	for (i = 0; i < from->n; i++)
		vset(to, from->k[i], from->v[i]);
}

/* A stage's name and the ENV it ends with (a later FROM NAME starts there). */
struct stage {
	char *name;
	struct vars env;
};

struct eval {
	char *const *benv;
	size_t nbenv;
	struct vars meta, bargs, env, args;
	struct stage *st;
	size_t nst;
	bool in_stage;
};

static const char *lookup(const char *name, void *ctx)
{
	struct eval *e = ctx;
	const char *v;

	if (!e->in_stage)
		return vget(&e->meta, name);
	if ((v = vget(&e->env, name)))
		return v;
	return vget(&e->args, name);
}

static const char *const proxies[] = {
	"HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy",
	"FTP_PROXY", "ftp_proxy", "NO_PROXY", "no_proxy", "ALL_PROXY",
	"all_proxy", NULL,
};

static int expand_in(struct dl_df_insn *in, struct eval *e, char esc,
		     char **reason)
{
	_cleanup_free_ char *why = NULL;
	char *s;
	size_t i;

	if (dl_df_expand(in->text, esc, DL_DF_KEEP_QUOTES, lookup, e, &s, &why))
		return BAD("line %u: %s: %s", in->line, in->cmd, why);
	free(in->text);
	in->text = s;
	for (i = 0; i < in->nargs; i++) {
		if (dl_df_expand(in->args[i], esc,
				 in->json ? DL_DF_NO_QUOTES : 0, lookup, e, &s,
				 &why))
			return BAD("line %u: %s: %s", in->line, in->cmd, why);
		free(in->args[i]);
		in->args[i] = s;
	}
	for (i = 0; i < in->nflags; i++) {
		if (dl_df_expand(in->flags[i], esc, 0, lookup, e, &s, &why))
			return BAD("line %u: %s: %s", in->line, in->cmd, why);
		free(in->flags[i]);
		in->flags[i] = s;
	}
	for (i = 0; i < in->ndocs; i++) {
		if (!in->docs[i].expand || strcmp(in->cmd, "COPY"))
			continue;
		if (dl_df_expand(in->docs[i].body, esc, DL_DF_NO_QUOTES,
				 lookup, e, &s, &why))
			return BAD("line %u: %s: %s", in->line, in->cmd, why);
		free(in->docs[i].body);
		in->docs[i].body = s;
	}
	return 0;
}

static int arg(struct dl_df_insn *in, struct eval *e, char esc,
	       char **reason)
{
	size_t i;

	for (i = 0; i < in->nargs; i++) {
		_cleanup_free_ char *why = NULL, *k = NULL, *def = NULL;
		const char *w = in->args[i], *eq = strchr(w, '='), *v;

		k = eq ? dl_xasprintf("%.*s", (int)(eq - w), w)
		       : dl_xstrdup(w);
		if (!*k || k[strspn(k, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklm"
				       "nopqrstuvwxyz0123456789_")])
			return BAD("line %u: ARG: invalid name '%s'", in->line,
				   k);
		if (eq && dl_df_expand(eq + 1, esc, 0, lookup, e, &def, &why))
			return BAD("line %u: ARG: %s", in->line, why);
		v = vget(&e->bargs, k);
		if (vfind(&e->bargs, k) < 0)
			v = def ? def : (e->in_stage ? vget(&e->meta, k) : NULL);
		vset(e->in_stage ? &e->args : &e->meta, k, v);
	}
	return 0;
}

static int env(struct dl_df_insn *in, struct eval *e, char esc, char **reason)
{
	_cleanup_free_ char *why = NULL;
	struct vars set = { 0 };
	size_t i;

	if (in->nargs && !strchr(in->args[0], '=')) {
		/* the legacy ENV K V: the value is the rest of the text */
		const char *t = in->text + strcspn(in->text, " \t");
		char *v;

		t += strspn(t, " \t");
		if (dl_df_expand(t, esc, 0, lookup, e, &v, &why))
			return BAD("line %u: ENV: %s", in->line, why);
		vset(&set, in->args[0], v);
		free(v);
	} else {
		for (i = 0; i < in->nargs; i++) {
			_cleanup_free_ char *v = NULL, *k = NULL;
			char *eq;

			if (dl_df_expand(in->args[i], esc, 0, lookup, e, &v,
					 &why))
				return BAD("line %u: ENV: %s", in->line, why);
			eq = strchr(v, '=');
			if (!eq || eq == v) {
				vfree(&set);
				return BAD("line %u: ENV: '%s' is not "
					   "NAME=VALUE", in->line, v);
			}
			k = dl_xasprintf("%.*s", (int)(eq - v), v);
			vset(&set, k, eq + 1);
		}
	}
	for (i = 0; i < set.n; i++)
		vset(&e->env, set.k[i], set.v[i]);
	vfree(&set);
	return 0;
}

static int from(struct dl_df_insn *in, struct eval *e)
{
	size_t i;

	if (e->nst) {
		struct stage *s = &e->st[e->nst - 1];

		vcopy(&s->env, &e->env);
	}
	vfree(&e->env);
	vfree(&e->args);
	for (i = 0; i < e->nst; i++)
		if (e->st[i].name && !strcasecmp(e->st[i].name, in->args[0]))
			break;
	if (i < e->nst) {
		vcopy(&e->env, &e->st[i].env);
	} else {
		/* the base image's ENV, as the builder has it */
		for (i = 0; i < e->nbenv; i++) {
			char *end, *eq;
			unsigned long k = strtoul(e->benv[i], &end, 10);
			_cleanup_free_ char *name = NULL;

			if (end == e->benv[i] || *end != ':' || k != e->nst ||
			    !(eq = strchr(end + 1, '=')) || eq == end + 1)
				continue;
			name = dl_xasprintf("%.*s", (int)(eq - end - 1),
					    end + 1);
			vset(&e->env, name, eq + 1);
		}
	}
	e->st = dl_xrealloc(e->st, (e->nst + 1) * sizeof(*e->st));
	e->st[e->nst] = (struct stage){ 0 };
	if (in->nargs == 3)
		e->st[e->nst].name = dl_xstrdup(in->args[2]);
	e->nst++;
	e->in_stage = true;
	return 0;
}

int dl_dockerfile_eval(struct dl_dockerfile *df, char *const *bargs,
		       size_t nbargs, char *const *benv, size_t nbenv,
		       char **reason)
{
	struct eval e = { .benv = benv, .nbenv = nbenv };
	size_t i, j;
	int rc = 0;

	for (i = 0; i < nbargs; i++) {
		const char *eq = strchr(bargs[i], '=');
		_cleanup_free_ char *k = eq ? dl_xasprintf("%.*s",
				(int)(eq - bargs[i]), bargs[i]) : NULL;

		if (k)
			vset(&e.bargs, k, eq + 1);
	}
	for (i = 0; i < df->n && !rc; i++) {
		struct dl_df_insn *in = &df->v[i];
		const struct kind *k = kind_of(in->cmd);

		if (!e.in_stage && strcmp(in->cmd, "ARG") &&
		    strcmp(in->cmd, "FROM")) {
			rc = BAD("line %u: %s: only ARG may come before the "
				 "first FROM", in->line, in->cmd);
			break;
		}
		if (k->expand && (rc = expand_in(in, &e, df->esc, reason)))
			break;
		if (!strcmp(in->cmd, "FROM"))
			rc = from(in, &e);
		else if (!strcmp(in->cmd, "ARG"))
			rc = arg(in, &e, df->esc, reason);
		else if (!strcmp(in->cmd, "ENV"))
			rc = env(in, &e, df->esc, reason);
		in->stage = e.in_stage ? (int)e.nst - 1 : -1;
		/* an ENV (the base image's too) hides an ARG of its name */
		for (j = 0; e.in_stage && j < e.args.n; j++)
			if (e.args.v[j] && vfind(&e.env, e.args.k[j]) < 0)
				push(&in->env, &in->nenv,
				     dl_xasprintf("%s=%s", e.args.k[j],
						  e.args.v[j]));
		for (j = 0; e.in_stage && proxies[j]; j++)
			if (vget(&e.bargs, proxies[j]) &&
			    vfind(&e.args, proxies[j]) < 0 &&
			    vfind(&e.env, proxies[j]) < 0)
				push(&in->env, &in->nenv,
				     dl_xasprintf("%s=%s", proxies[j],
						  vget(&e.bargs, proxies[j])));
	}
	vfree(&e.meta);
	vfree(&e.bargs);
	vfree(&e.env);
	vfree(&e.args);
	for (i = 0; i < e.nst; i++) {
		free(e.st[i].name);
		vfree(&e.st[i].env);
	}
	free(e.st);
	return rc;
}
