/* SPDX-License-Identifier: Apache-2.0 */
/* template.c: Go text/template's subset for --format, over jansson values */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "dl.h"
#include "dl/template.h"

/* A growing byte buffer (NULs allowed), always NUL-terminated. */
struct buf {
	char *s;
	size_t len, cap;
};

static void buf_add(struct buf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		b->cap = (b->len + n + 1) * 2;
		b->s = dl_xrealloc(b->s, b->cap);
	}
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

static void buf_str(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

static void buf_printf(struct buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = dl_xvasprintf(fmt, ap);
	va_end(ap);
	buf_str(b, s);
	free(s);
}

static char *buf_take(struct buf *b)
{
	if (!b->s)
		buf_add(b, "", 0);
	return b->s;
}

/* The tree */

enum op_kind { OP_DOT, OP_FIELD, OP_VAR, OP_LIT, OP_FUNC, OP_PIPE };

struct pipe;

struct operand {
	enum op_kind kind;
	char *name; /* variable (with its $) or function */
	char **fields; /* the .A.B after the term */
	size_t nfields;
	json_t *lit;
	struct pipe *pipe;
	const struct func *fn;
};

struct cmd {
	struct operand **args;
	size_t n;
};

struct pipe {
	char *vars[2];
	size_t nvars;
	bool decl; /* := (else =) */
	struct cmd **cmds;
	size_t n;
	char *src; /* the action's text, for messages */
};

enum node_kind { N_TEXT, N_ACTION, N_IF, N_RANGE, N_WITH };

struct list {
	struct node **v;
	size_t n;
};

struct node {
	enum node_kind kind;
	char *text;
	size_t len;
	struct pipe *pipe;
	struct list body, alt;
};

struct dl_template {
	struct list root;
};

/* Values and functions */

struct ctx;
typedef json_t *(*func_fn)(struct ctx *c, json_t **a, size_t n);

struct func {
	const char *name;
	int min, max; /* max -1: any */
	func_fn fn;
	bool header_same; /* in a header, gives back its first argument */
};

struct var {
	char *name;
	json_t *v;
};

struct ctx {
	json_t *root;
	struct buf out;
	struct var *vars;
	size_t nvars, capvars;
	bool header;
	char *const *names;
	char *err; /* the failure, set once */
	const char *where;
};

static json_t *fail_v(struct ctx *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static json_t *fail_v(struct ctx *c, const char *fmt, ...)
{
	va_list ap;

	if (!c->err) {
		va_start(ap, fmt);
		c->err = dl_xvasprintf(fmt, ap);
		va_end(ap);
	}
	return NULL;
}

static bool truth(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT:
		return json_object_size(v) > 0;
	case JSON_ARRAY:
		return json_array_size(v) > 0;
	case JSON_STRING:
		return json_string_length(v) > 0;
	case JSON_INTEGER:
		return json_integer_value(v) != 0;
	case JSON_REAL:
		return json_real_value(v) != 0;
	case JSON_TRUE:
		return true;
	default:
		return false;
	}
}

/* A real as Go's %v prints a float64: the shortest digits that read
 * back, in %e form when the exponent is below -4 or over 5, as
 * strconv's 'g' with the shortest precision does (1e+06, 123456) */
static void put_real(struct buf *b, double d)
{
	char s[64];
	int p, e;

	if (isnan(d)) {
		buf_str(b, "NaN");
		return;
	}
	if (isinf(d)) {
		buf_str(b, d > 0 ? "+Inf" : "-Inf");
		return;
	}
	for (p = 1; p < 17; p++) {
		snprintf(s, sizeof(s), "%.*e", p - 1, d);
		if (strtod(s, NULL) == d)
			break;
	}
	snprintf(s, sizeof(s), "%.*e", p - 1, d);
	e = atoi(strchr(s, 'e') + 1);
	if (e >= -4 && e < 6)
		snprintf(s, sizeof(s), "%.*f", p - 1 - e > 0 ? p - 1 - e : 0,
			 d);
	buf_str(b, s);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* @v as Go's fmt prints it in a template */
static void put_value(struct buf *b, const json_t *v)
{
	const char *k;
	json_t *e;
	size_t i, n;
	const char **keys;

	switch (json_typeof(v)) {
	case JSON_STRING:
		buf_add(b, json_string_value(v), json_string_length(v));
		break;
	case JSON_INTEGER:
		buf_printf(b, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		break;
	case JSON_REAL:
		put_real(b, json_real_value(v));
		break;
	case JSON_TRUE:
		buf_str(b, "true");
		break;
	case JSON_FALSE:
		buf_str(b, "false");
		break;
	case JSON_NULL:
		buf_str(b, "<nil>");
		break;
	case JSON_ARRAY:
		buf_str(b, "[");
		json_array_foreach(v, i, e) {
			if (i)
				buf_str(b, " ");
			put_value(b, e);
		}
		buf_str(b, "]");
		break;
	case JSON_OBJECT:
		n = json_object_size(v);
		keys = dl_xcalloc(n, sizeof(*keys));
		i = 0;
		json_object_foreach((json_t *)v, k, e)
			keys[i++] = k;
		qsort(keys, n, sizeof(*keys), cmp_str);
		buf_str(b, "map[");
		for (i = 0; i < n; i++) {
			if (i)
				buf_str(b, " ");
			buf_str(b, keys[i]);
			buf_str(b, ":");
			put_value(b, json_object_get(v, keys[i]));
		}
		buf_str(b, "]");
		free(keys);
		break;
	}
}

/* The parser */

struct parser {
	const char *src; /* the whole template */
	const char *p;
	const char *action; /* start of the current action, for messages */
	bool trim_next; /* the last action ended in -}} */
	char *err;
};

static const struct func funcs[];

static const struct func *func_find(const char *name)
{
	size_t i;

	for (i = 0; funcs[i].name; i++)
		if (!strcmp(funcs[i].name, name))
			return &funcs[i];
	return NULL;
}

/* Set the parse error (once), at @at: "LINE:COL: message" */
static void perr(struct parser *ps, const char *at, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void perr(struct parser *ps, const char *at, const char *fmt, ...)
{
	va_list ap;
	char *m;
	int line = 1, col = 1;
	const char *q;

	if (ps->err)
		return;
	for (q = ps->src; q < at && *q; q++) {
		if (*q == '\n') {
			line++;
			col = 1;
		} else {
			col++;
		}
	}
	va_start(ap, fmt);
	m = dl_xvasprintf(fmt, ap);
	va_end(ap);
	ps->err = dl_xasprintf("%d:%d: %s", line, col, m);
	free(m);
}

static bool is_space(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r';
}

static bool is_ident(char ch)
{
	return isalnum((unsigned char)ch) || ch == '_' ||
	       (unsigned char)ch >= 0x80;
}

/* At the end of an action: "}}" or " -}}" */
static bool at_close(const char *p)
{
	return (p[0] == '}' && p[1] == '}') ||
	       (p[0] == '-' && p[1] == '}' && p[2] == '}');
}

static void skip_space(struct parser *ps)
{
	while (is_space(*ps->p))
		ps->p++;
}

static void list_add(struct list *l, struct node *n)
{
	l->v = dl_xrealloc(l->v, (l->n + 1) * sizeof(*l->v));
	l->v[l->n++] = n;
}

static void pipe_free(struct pipe *pp);

static void operand_free(struct operand *o)
{
	size_t i;

	if (!o)
		return;
	free(o->name);
	for (i = 0; i < o->nfields; i++)
		free(o->fields[i]);
	free(o->fields);
	json_decref(o->lit);
	pipe_free(o->pipe);
	free(o);
}

static void pipe_free(struct pipe *pp)
{
	size_t i, j;

	if (!pp)
		return;
	for (i = 0; i < pp->n; i++) {
		for (j = 0; j < pp->cmds[i]->n; j++)
			operand_free(pp->cmds[i]->args[j]);
		free(pp->cmds[i]->args);
		free(pp->cmds[i]);
	}
	free(pp->cmds);
	free(pp->vars[0]);
	free(pp->vars[1]);
	free(pp->src);
	free(pp);
}

static void list_free(struct list *l);

static void node_free(struct node *n)
{
	if (!n)
		return;
	free(n->text);
	pipe_free(n->pipe);
	list_free(&n->body);
	list_free(&n->alt);
	free(n);
}

static void list_free(struct list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		node_free(l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

/* A Go quoted string at ps->p (on its '"'), unquoted into a new string */
static json_t *parse_quoted(struct parser *ps)
{
	struct buf b = { 0 };
	const char *start = ps->p;
	json_t *j;

	ps->p++;
	for (;;) {
		char ch = *ps->p;

		if (!ch || ch == '\n') {
			perr(ps, start, "unterminated quoted string");
			free(b.s);
			return NULL;
		}
		ps->p++;
		if (ch == '"')
			break;
		if (ch != '\\') {
			buf_add(&b, &ch, 1);
			continue;
		}
		ch = *ps->p++;
		switch (ch) {
		case 'n': buf_add(&b, "\n", 1); break;
		case 't': buf_add(&b, "\t", 1); break;
		case 'r': buf_add(&b, "\r", 1); break;
		case 'a': buf_add(&b, "\a", 1); break;
		case 'b': buf_add(&b, "\b", 1); break;
		case 'f': buf_add(&b, "\f", 1); break;
		case 'v': buf_add(&b, "\v", 1); break;
		case '\\': buf_add(&b, "\\", 1); break;
		case '"': buf_add(&b, "\"", 1); break;
		case '\t': buf_add(&b, "\t", 1); break; /* \t made a tab */
		case '\n': buf_add(&b, "\n", 1); break;
		case 'x':
		case 'u':
		case 'U': {
			int nd = ch == 'x' ? 2 : ch == 'u' ? 4 : 8, i;
			unsigned long cp = 0;
			char u[4];

			for (i = 0; i < nd; i++) {
				if (!isxdigit((unsigned char)ps->p[i])) {
					perr(ps, ps->p, "invalid escape in string");
					free(b.s);
					return NULL;
				}
				cp = cp * 16 + (unsigned long)(isdigit(
					(unsigned char)ps->p[i]) ? ps->p[i] - '0' :
					(tolower((unsigned char)ps->p[i]) - 'a' + 10));
			}
			ps->p += nd;
			if (ch == 'x' || cp < 0x80) {
				u[0] = (char)cp;
				buf_add(&b, u, 1);
			} else if (cp < 0x800) {
				u[0] = (char)(0xc0 | (cp >> 6));
				u[1] = (char)(0x80 | (cp & 0x3f));
				buf_add(&b, u, 2);
			} else if (cp < 0x10000) {
				u[0] = (char)(0xe0 | (cp >> 12));
				u[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
				u[2] = (char)(0x80 | (cp & 0x3f));
				buf_add(&b, u, 3);
			} else {
				u[0] = (char)(0xf0 | (cp >> 18));
				u[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
				u[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
				u[3] = (char)(0x80 | (cp & 0x3f));
				buf_add(&b, u, 4);
			}
			break;
		}
		default:
			perr(ps, ps->p - 2, "invalid escape '\\%c' in string",
			     ch ? ch : ' ');
			free(b.s);
			return NULL;
		}
	}
	j = json_stringn(buf_take(&b), b.len);
	free(b.s);
	if (!j)
		perr(ps, start, "string is not valid UTF-8");
	return j;
}

/* The .A.B after a term: appended to @o */
static bool parse_fields(struct parser *ps, struct operand *o)
{
	while (ps->p[0] == '.' && is_ident(ps->p[1]) &&
	       !isdigit((unsigned char)ps->p[1])) {
		const char *s = ++ps->p;

		while (is_ident(*ps->p))
			ps->p++;
		o->fields = dl_xrealloc(o->fields,
					(o->nfields + 1) * sizeof(*o->fields));
		o->fields[o->nfields++] = strndup(s, (size_t)(ps->p - s));
		if (!o->fields[o->nfields - 1])
			dl_oom();
	}
	if (ps->p[0] == '.' && !is_space(ps->p[1]) && !at_close(ps->p + 1) &&
	    ps->p[1] != ')' && ps->p[1] != '|') {
		perr(ps, ps->p, "bad character after '.'");
		return false;
	}
	return true;
}

static struct pipe *parse_pipe(struct parser *ps, bool in_paren,
			       bool allow_decl);

static struct operand *parse_operand(struct parser *ps)
{
	struct operand *o = dl_xcalloc(1, sizeof(*o));
	const char *s = ps->p;
	char ch = *s;

	if (ch == '.' && (is_ident(s[1]) && !isdigit((unsigned char)s[1]))) {
		o->kind = OP_FIELD;
	} else if (ch == '.') {
		o->kind = OP_DOT;
		ps->p++;
	} else if (ch == '$') {
		ps->p++;
		while (is_ident(*ps->p))
			ps->p++;
		o->kind = OP_VAR;
		o->name = strndup(s, (size_t)(ps->p - s));
	} else if (ch == '"') {
		o->kind = OP_LIT;
		o->lit = parse_quoted(ps);
		if (!o->lit)
			goto on_error;
	} else if (ch == '`') {
		const char *e = strchr(s + 1, '`');

		if (!e) {
			perr(ps, s, "unterminated raw quoted string");
			goto on_error;
		}
		o->kind = OP_LIT;
		o->lit = json_stringn(s + 1, (size_t)(e - s - 1));
		ps->p = e + 1;
		if (!o->lit) {
			perr(ps, s, "string is not valid UTF-8");
			goto on_error;
		}
	} else if (isdigit((unsigned char)ch) ||
		   ((ch == '-' || ch == '+') && isdigit((unsigned char)s[1]))) {
		char *end;
		long long ll;
		double d;

		errno = 0;
		ll = strtoll(s, &end, 0);
		if (!errno && !strchr(".eE", *end) && !is_ident(*end)) {
			o->lit = json_integer(ll);
		} else {
			d = strtod(s, &end);
			if (is_ident(*end)) {
				perr(ps, s, "bad number syntax");
				goto on_error;
			}
			o->lit = json_real(d);
		}
		o->kind = OP_LIT;
		ps->p = end;
	} else if (ch == '(') {
		ps->p++;
		o->kind = OP_PIPE;
		o->pipe = parse_pipe(ps, true, false);
		if (!o->pipe)
			goto on_error;
	} else if (is_ident(ch) && !isdigit((unsigned char)ch)) {
		while (is_ident(*ps->p))
			ps->p++;
		o->name = strndup(s, (size_t)(ps->p - s));
		if (!strcmp(o->name, "true") || !strcmp(o->name, "false")) {
			o->kind = OP_LIT;
			o->lit = json_boolean(o->name[0] == 't');
		} else if (!strcmp(o->name, "nil")) {
			o->kind = OP_LIT;
			o->lit = json_null();
		} else {
			o->kind = OP_FUNC;
			o->fn = func_find(o->name);
			if (!o->fn) {
				perr(ps, s, "unknown function '%s'", o->name);
				goto on_error;
			}
			return o;
		}
	} else {
		if (!ch)
			perr(ps, s, "unclosed action");
		else
			perr(ps, s, "unexpected '%c' in action", ch);
		goto on_error;
	}
	if (!parse_fields(ps, o))
		goto on_error;
	if (o->nfields && o->kind == OP_LIT) {
		perr(ps, s, "a constant has no fields");
		goto on_error;
	}
	return o;
on_error:
	operand_free(o);
	return NULL;
}

/* "$x :=", "$x =" or "$i, $e :=" at ps->p: read into @pp, or leave p */
static void parse_decl(struct parser *ps, struct pipe *pp, bool allow_two)
{
	const char *save = ps->p, *s;
	size_t n = 0;
	char *names[2] = { NULL, NULL };

	for (;;) {
		if (*ps->p != '$')
			goto none;
		s = ps->p++;
		while (is_ident(*ps->p))
			ps->p++;
		names[n++] = strndup(s, (size_t)(ps->p - s));
		skip_space(ps);
		if (*ps->p == ',' && n == 1 && allow_two) {
			ps->p++;
			skip_space(ps);
			continue;
		}
		break;
	}
	if (ps->p[0] == ':' && ps->p[1] == '=') {
		pp->decl = true;
		ps->p += 2;
	} else if (ps->p[0] == '=' && ps->p[1] != '=' && n == 1) {
		ps->p++;
	} else {
		goto none;
	}
	pp->vars[0] = names[0];
	pp->vars[1] = names[1];
	pp->nvars = n;
	return;
none:
	free(names[0]);
	free(names[1]);
	ps->p = save;
}

/* A pipeline, up to the end of the action (or the ')' of @in_paren) */
static struct pipe *parse_pipe(struct parser *ps, bool in_paren,
			       bool allow_decl)
{
	struct pipe *pp = dl_xcalloc(1, sizeof(*pp));
	struct cmd *cmd = NULL;

	skip_space(ps);
	parse_decl(ps, pp, allow_decl);
	for (;;) {
		struct operand *o;

		skip_space(ps);
		if (in_paren ? *ps->p == ')' : at_close(ps->p)) {
			if (in_paren)
				ps->p++;
			break;
		}
		if (!in_paren && *ps->p == ')') {
			perr(ps, ps->p, "unexpected ')' in action");
			goto on_error;
		}
		if (*ps->p == '|') {
			if (!cmd || !cmd->n) {
				perr(ps, ps->p, "missing command before '|'");
				goto on_error;
			}
			cmd = NULL;
			ps->p++;
			continue;
		}
		if (!cmd) {
			cmd = dl_xcalloc(1, sizeof(*cmd));
			pp->cmds = dl_xrealloc(pp->cmds,
					       (pp->n + 1) * sizeof(*pp->cmds));
			pp->cmds[pp->n++] = cmd;
		}
		o = parse_operand(ps);
		if (!o)
			goto on_error;
		cmd->args = dl_xrealloc(cmd->args,
					(cmd->n + 1) * sizeof(*cmd->args));
		cmd->args[cmd->n++] = o;
		if (*ps->p && !is_space(*ps->p) && *ps->p != '|' &&
		    *ps->p != ')' && !at_close(ps->p)) {
			perr(ps, ps->p, "unexpected '%c' after operand", *ps->p);
			goto on_error;
		}
	}
	if (!pp->n || !cmd || !cmd->n) {
		perr(ps, ps->p, pp->n ? "missing command after '|'" :
					"missing value");
		goto on_error;
	}
	return pp;
on_error:
	pipe_free(pp);
	return NULL;
}

/* Past the end of an action ("}}" or "-}}", after spaces) */
static bool end_action(struct parser *ps)
{
	skip_space(ps);
	if (ps->p[0] == '-' && ps->p[1] == '}' && ps->p[2] == '}') {
		ps->trim_next = true;
		ps->p += 3;
		return true;
	}
	if (ps->p[0] == '}' && ps->p[1] == '}') {
		ps->p += 2;
		return true;
	}
	if (!*ps->p)
		perr(ps, ps->p, "unclosed action");
	else
		perr(ps, ps->p, "unexpected '%c' in action", *ps->p);
	return false;
}

/* A keyword at ps->p (if, else, end, range, with): it, advanced past */
static const char *keyword(struct parser *ps)
{
	static const char *const kw[] = { "if", "else", "end", "range", "with",
					  "break", "continue", "define",
					  "template", "block", NULL };
	size_t i, n;

	for (i = 0; kw[i]; i++) {
		n = strlen(kw[i]);
		if (!strncmp(ps->p, kw[i], n) && !is_ident(ps->p[n])) {
			ps->p += n;
			return kw[i];
		}
	}
	return NULL;
}

enum stop { STOP_EOF, STOP_END, STOP_ELSE, STOP_ELSE_IF, STOP_ERR };

static enum stop parse_list(struct parser *ps, struct list *l, int depth);

/* if, range or with: the pipeline, the body, an else (if) and end */
static struct node *parse_control(struct parser *ps, enum node_kind kind,
				  int depth)
{
	struct node *n = dl_xcalloc(1, sizeof(*n));
	const char *start = ps->action;
	enum stop st;

	n->kind = kind;
	n->pipe = parse_pipe(ps, false, kind == N_RANGE);
	if (!n->pipe || !end_action(ps))
		goto on_error;
	n->pipe->src = strndup(start, (size_t)(ps->p - start));
	st = parse_list(ps, &n->body, depth + 1);
	if (st == STOP_ELSE) {
		st = parse_list(ps, &n->alt, depth + 1);
		if (st == STOP_ELSE || st == STOP_ELSE_IF) {
			perr(ps, ps->action, "expected end; found else");
			goto on_error;
		}
	} else if (st == STOP_ELSE_IF) {
		/* {{else if P}} is {{else}}{{if P}}...{{end}}{{end}} */
		struct node *sub = parse_control(ps, N_IF, depth);

		if (!sub)
			goto on_error;
		list_add(&n->alt, sub);
		return n;
	}
	if (st == STOP_EOF)
		perr(ps, start, "unexpected EOF: no {{end}}");
	if (st != STOP_END)
		goto on_error;
	return n;
on_error:
	node_free(n);
	return NULL;
}

/* Nodes up to {{end}}, {{else}} or the end of the template */
static enum stop parse_list(struct parser *ps, struct list *l, int depth)
{
	for (;;) {
		const char *open = strstr(ps->p, "{{");
		const char *text_end = open ? open : ps->p + strlen(ps->p);
		const char *ts = ps->p, *kw;
		bool trim_before;
		struct node *n;

		if (depth > 100) {
			perr(ps, ps->p, "template nested too deep");
			return STOP_ERR;
		}
		trim_before = open && open[2] == '-' && is_space(open[3]);
		if (ps->trim_next)
			while (ts < text_end && is_space(*ts))
				ts++;
		ps->trim_next = false;
		if (trim_before)
			while (text_end > ts && is_space(text_end[-1]))
				text_end--;
		if (text_end > ts) {
			n = dl_xcalloc(1, sizeof(*n));
			n->kind = N_TEXT;
			n->len = (size_t)(text_end - ts);
			n->text = strndup(ts, n->len);
			list_add(l, n);
		}
		if (!open)
			return depth ? STOP_EOF : STOP_END;
		ps->action = open;
		ps->p = open + (trim_before ? 4 : 2);
		skip_space(ps);
		if (ps->p[0] == '/' && ps->p[1] == '*') {
			const char *e = strstr(ps->p + 2, "*/");

			if (!e) {
				perr(ps, open, "unclosed comment");
				return STOP_ERR;
			}
			ps->p = e + 2;
			if (!end_action(ps))
				return STOP_ERR;
			continue;
		}
		kw = keyword(ps);
		if (kw && !strcmp(kw, "end")) {
			if (!end_action(ps))
				return STOP_ERR;
			if (!depth) {
				perr(ps, open, "unexpected {{end}}");
				return STOP_ERR;
			}
			return STOP_END;
		}
		if (kw && !strcmp(kw, "else")) {
			skip_space(ps);
			if (!depth) {
				perr(ps, open, "unexpected {{else}}");
				return STOP_ERR;
			}
			if (!strncmp(ps->p, "if", 2) && !is_ident(ps->p[2])) {
				ps->p += 2;
				return STOP_ELSE_IF;
			}
			if (!end_action(ps))
				return STOP_ERR;
			return STOP_ELSE;
		}
		if (kw && (!strcmp(kw, "if") || !strcmp(kw, "range") ||
			   !strcmp(kw, "with"))) {
			n = parse_control(ps, kw[0] == 'i' ? N_IF :
					  kw[0] == 'r' ? N_RANGE : N_WITH,
					  depth);
			if (!n)
				return STOP_ERR;
			list_add(l, n);
			continue;
		}
		if (kw) {
			perr(ps, open, "'%s' is not supported", kw);
			return STOP_ERR;
		}
		n = dl_xcalloc(1, sizeof(*n));
		n->kind = N_ACTION;
		n->pipe = parse_pipe(ps, false, false);
		if (!n->pipe || !end_action(ps)) {
			node_free(n);
			return STOP_ERR;
		}
		n->pipe->src = strndup(open, (size_t)(ps->p - open));
		list_add(l, n);
	}
}

int dl_template_parse(const char *text, struct dl_template **out,
		      char **reason)
{
	struct parser ps = { .src = text, .p = text };
	struct dl_template *t = dl_xcalloc(1, sizeof(*t));
	enum stop st;

	*out = NULL;
	st = parse_list(&ps, &t->root, 0);
	if (st != STOP_END || ps.err) {
		int code = dl_fail(reason, DL_EXIT_USAGE, "%s",
				   ps.err ? ps.err : "bad template");

		free(ps.err);
		dl_template_free(t);
		return code;
	}
	*out = t;
	return 0;
}

void dl_template_free(struct dl_template *t)
{
	if (!t)
		return;
	list_free(&t->root);
	free(t);
}

/* The evaluator */

static void var_push(struct ctx *c, const char *name, json_t *v)
{
	if (c->nvars == c->capvars) {
		c->capvars = c->capvars ? c->capvars * 2 : 8;
		c->vars = dl_xrealloc(c->vars, c->capvars * sizeof(*c->vars));
	}
	c->vars[c->nvars].name = dl_xstrdup(name);
	c->vars[c->nvars].v = json_incref(v);
	c->nvars++;
}

static void var_pop(struct ctx *c, size_t mark)
{
	while (c->nvars > mark) {
		c->nvars--;
		free(c->vars[c->nvars].name);
		json_decref(c->vars[c->nvars].v);
	}
}

static struct var *var_find(struct ctx *c, const char *name)
{
	size_t i = c->nvars;

	while (i-- > 0)
		if (!strcmp(c->vars[i].name, name))
			return &c->vars[i];
	return NULL;
}

static const char *type_name(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT:
		return "map";
	case JSON_ARRAY:
		return "array";
	case JSON_STRING:
		return "string";
	case JSON_INTEGER:
		return "int";
	case JSON_REAL:
		return "float";
	case JSON_TRUE:
	case JSON_FALSE:
		return "bool";
	default:
		return "nil";
	}
}

/* The header of field @name: from c->names, else split at capitals */
static json_t *header_of(struct ctx *c, const char *name)
{
	size_t n = strlen(name), i;
	struct buf b = { 0 };
	json_t *j;

	for (i = 0; c->names && c->names[i]; i++)
		if (!strncmp(c->names[i], name, n) && c->names[i][n] == '=')
			return json_string(c->names[i] + n + 1);
	for (i = 0; i < n; i++) {
		char ch = (char)toupper((unsigned char)name[i]);

		/* a capital after a small letter, or before one after a
		 * capital, starts a word: CreatedAt, HTTPPort */
		if (i && isupper((unsigned char)name[i]) &&
		    (islower((unsigned char)name[i - 1]) ||
		     (i + 1 < n && islower((unsigned char)name[i + 1]) &&
		      isupper((unsigned char)name[i - 1]))))
			buf_add(&b, " ", 1);
		buf_add(&b, &ch, 1);
	}
	j = json_string(buf_take(&b));
	free(b.s);
	return j ? j : json_string("");
}

/* @v.F1.F2...: a new reference, or NULL with c->err set */
static json_t *walk_fields(struct ctx *c, json_t *v, char **fields, size_t n,
			   const char *via)
{
	size_t i;

	json_incref(v);
	for (i = 0; i < n; i++) {
		json_t *next;

		if (!json_is_object(v)) {
			fail_v(c, "at %s: can't evaluate field %s in type %s",
			       c->where, fields[i], type_name(v));
			json_decref(v);
			return NULL;
		}
		next = json_object_get(v, fields[i]);
		if (!next) {
			const char *parent = i ? fields[i - 1] : via;

			if (parent && !strcmp(parent, "Labels")) {
				json_decref(v);
				return json_string("");
			}
			/* no labels at all: Docker's null map */
			if (!strcmp(fields[i], "Labels")) {
				json_decref(v);
				return json_null();
			}
			fail_v(c, "at %s: no field '%s'", c->where,
			       fields[i]);
			json_decref(v);
			return NULL;
		}
		json_incref(next);
		json_decref(v);
		v = next;
	}
	return v;
}

static json_t *eval_pipe(struct ctx *c, struct pipe *pp, json_t *dot);

static json_t *eval_operand(struct ctx *c, struct operand *o, json_t *dot)
{
	json_t *base, *v;
	struct var *var;

	switch (o->kind) {
	case OP_DOT:
		return c->header ? json_object() : json_incref(dot);
	case OP_LIT:
		return json_incref(o->lit);
	case OP_FIELD:
		if (c->header)
			return header_of(c, o->fields[0]);
		return walk_fields(c, dot, o->fields, o->nfields, NULL);
	case OP_VAR:
		var = var_find(c, o->name);
		if (!var)
			return fail_v(c, "at %s: undefined variable '%s'",
				      c->where, o->name);
		if (c->header && o->nfields && !strcmp(o->name, "$"))
			return header_of(c, o->fields[0]);
		return walk_fields(c, var->v, o->fields, o->nfields, NULL);
	case OP_PIPE:
		base = eval_pipe(c, o->pipe, dot);
		if (!base)
			return NULL;
		v = walk_fields(c, base, o->fields, o->nfields, NULL);
		json_decref(base);
		return v;
	case OP_FUNC:
		break;
	}
	return fail_v(c, "at %s: '%s' is a function, not a value", c->where,
		      o->name);
}

/* Docker's method .Label KEY of a row (ps): the value of KEY in the row's
 * Labels, an object or Docker's "k=v,k2=v2" string; "" when not there */
static json_t *label_method(struct ctx *c, struct operand *f,
			    struct operand *karg, json_t *dot, json_t *last)
{
	json_t *base, *labels, *key, *r = NULL;
	const char *k, *s;
	size_t kl;

	if (c->header)
		return json_string("LABEL");
	base = walk_fields(c, dot, f->fields, f->nfields - 1, NULL);
	if (!base)
		return NULL;
	key = karg ? eval_operand(c, karg, dot) : json_incref(last);
	if (!key || !json_is_string(key)) {
		json_decref(base);
		json_decref(key);
		return key ? fail_v(c, "at %s: Label wants a string", c->where)
			   : NULL;
	}
	labels = json_object_get(base, "Labels");
	k = json_string_value(key);
	kl = strlen(k);
	if (json_is_object(labels)) {
		json_t *v = json_object_get(labels, k);

		r = v ? json_incref(v) : NULL;
	} else if (json_is_string(labels)) {
		for (s = json_string_value(labels); *s && !r;) {
			size_t n = strcspn(s, ",");

			if (n > kl && !strncmp(s, k, kl) && s[kl] == '=')
				r = json_stringn(s + kl + 1, n - kl - 1);
			s += n + (s[n] == ',');
		}
	}
	json_decref(base);
	json_decref(key);
	return r ? r : json_string("");
}

/* One command: a function call, or one operand; @last, when not NULL, is
 * the value piped in: the function's last argument */
static json_t *eval_cmd(struct ctx *c, struct cmd *cmd, json_t *dot,
			json_t *last)
{
	struct operand *f = cmd->args[0];
	json_t **a, *r = NULL;
	size_t n = 0, i;
	int want;

	if (f->kind == OP_FIELD && !strcmp(f->fields[f->nfields - 1], "Label") &&
	    cmd->n + (last ? 1 : 0) == 2)
		return label_method(c, f, cmd->n == 2 ? cmd->args[1] : NULL,
				    dot, last);
	if (f->kind != OP_FUNC) {
		if (cmd->n > 1 || last)
			return fail_v(c, "at %s: can't give argument to "
				      "non-function", c->where);
		return eval_operand(c, f, dot);
	}
	want = (int)cmd->n - 1 + (last ? 1 : 0);
	if (want < f->fn->min || (f->fn->max >= 0 && want > f->fn->max))
		return fail_v(c, "at %s: wrong number of args for %s: "
			      "want %d%s got %d", c->where, f->name,
			      f->fn->min, f->fn->max < 0 ? " or more," :
			      f->fn->max != f->fn->min ? " to ..." : ",",
			      want);
	a = dl_xcalloc((size_t)want + 1, sizeof(*a));
	for (i = 1; i < cmd->n; i++) {
		a[n] = eval_operand(c, cmd->args[i], dot);
		if (!a[n])
			goto out;
		n++;
	}
	if (last)
		a[n++] = json_incref(last);
	if (c->header && f->fn->header_same)
		r = json_incref(a[0]);
	else
		r = f->fn->fn(c, a, n);
out:
	for (i = 0; i < n; i++)
		json_decref(a[i]);
	free(a);
	return r;
}

static json_t *eval_pipe(struct ctx *c, struct pipe *pp, json_t *dot)
{
	json_t *v = NULL, *next;
	size_t i;

	for (i = 0; i < pp->n; i++) {
		next = eval_cmd(c, pp->cmds[i], dot, v);
		json_decref(v);
		v = next;
		if (!v)
			return NULL;
	}
	if (pp->nvars == 1 && !pp->decl) {
		struct var *var = var_find(c, pp->vars[0]);

		if (!var) {
			json_decref(v);
			return fail_v(c, "at %s: undefined variable '%s'",
				      c->where, pp->vars[0]);
		}
		json_decref(var->v);
		var->v = json_incref(v);
	} else if (pp->nvars == 1) {
		var_push(c, pp->vars[0], v);
	}
	return v;
}

static bool exec_list(struct ctx *c, struct list *l, json_t *dot);

static bool exec_range(struct ctx *c, struct node *n, json_t *dot)
{
	json_t *v, *e;
	size_t i, mark = c->nvars, count = 0;
	bool ok = true;
	struct pipe *pp = n->pipe;
	size_t nv = pp->nvars;

	/* the variables are the range's, not set by the pipeline */
	pp->nvars = 0;
	v = eval_pipe(c, pp, dot);
	pp->nvars = nv;
	if (!v)
		return false;
	if (json_is_array(v)) {
		json_array_foreach(v, i, e) {
			json_t *ix = json_integer((json_int_t)i);

			if (nv == 2) {
				var_push(c, pp->vars[0], ix);
				var_push(c, pp->vars[1], e);
			} else if (nv == 1) {
				var_push(c, pp->vars[0], e);
			}
			json_decref(ix);
			ok = exec_list(c, &n->body, e);
			var_pop(c, mark);
			count++;
			if (!ok)
				break;
		}
	} else if (json_is_object(v)) {
		const char *k, **keys;
		size_t nk = json_object_size(v);

		keys = dl_xcalloc(nk, sizeof(*keys));
		i = 0;
		json_object_foreach(v, k, e)
			keys[i++] = k;
		qsort(keys, nk, sizeof(*keys), cmp_str);
		for (i = 0; i < nk && ok; i++) {
			json_t *kj = json_string(keys[i]);

			e = json_object_get(v, keys[i]);
			if (nv == 2) {
				var_push(c, pp->vars[0], kj);
				var_push(c, pp->vars[1], e);
			} else if (nv == 1) {
				var_push(c, pp->vars[0], e);
			}
			json_decref(kj);
			ok = exec_list(c, &n->body, e);
			var_pop(c, mark);
			count++;
		}
		free(keys);
	} else if (!json_is_null(v) && !c->header) {
		fail_v(c, "at %s: range can't iterate over %s", c->where,
		       type_name(v));
		ok = false;
	}
	json_decref(v);
	if (ok && !count)
		ok = exec_list(c, &n->alt, dot);
	return ok;
}

static bool exec_list(struct ctx *c, struct list *l, json_t *dot)
{
	size_t i, mark = c->nvars;
	bool ok = true;

	for (i = 0; i < l->n && ok; i++) {
		struct node *n = l->v[i];
		json_t *v;

		if (n->kind == N_TEXT) {
			buf_add(&c->out, n->text, n->len);
			continue;
		}
		c->where = n->pipe->src;
		if (n->kind == N_RANGE) {
			ok = exec_range(c, n, dot);
			continue;
		}
		if (n->kind == N_ACTION) {
			v = eval_pipe(c, n->pipe, dot);
			if (!v) {
				ok = false;
				continue;
			}
			/* a declaration prints nothing */
			if (!n->pipe->nvars)
				put_value(&c->out, v);
			json_decref(v);
			continue;
		}
		{
			size_t m2 = c->nvars;

			v = eval_pipe(c, n->pipe, dot);
			if (!v) {
				ok = false;
				continue;
			}
			if (truth(v))
				ok = exec_list(c, &n->body,
					       n->kind == N_WITH ? v : dot);
			else
				ok = exec_list(c, &n->alt, dot);
			var_pop(c, m2);
			json_decref(v);
		}
	}
	var_pop(c, mark);
	return ok;
}

static int render(const struct dl_template *t, json_t *data, bool header,
		  char *const *names, char **out, size_t *len, char **reason)
{
	struct ctx c = { .root = data, .header = header, .names = names };
	bool ok;

	var_push(&c, "$", data);
	ok = exec_list(&c, (struct list *)&t->root, data);
	var_pop(&c, 0);
	free(c.vars);
	/* as Docker, a header is what renders of it: errors are not its */
	if (!ok && !header) {
		int code = dl_fail(reason, DL_EXIT_USAGE, "%s",
				   c.err ? c.err : "bad template");

		free(c.err);
		free(c.out.s);
		*out = NULL;
		return code;
	}
	free(c.err);
	if (len)
		*len = c.out.len;
	*out = buf_take(&c.out);
	return 0;
}

int dl_template_render(const struct dl_template *t, json_t *data,
		       char **out, size_t *len, char **reason)
{
	return render(t, data, false, NULL, out, len, reason);
}

int dl_template_render_header(const struct dl_template *t,
			      char *const *names, char **out, char **reason)
{
	json_auto_t *empty = json_object();

	return render(t, empty, true, names, out, NULL, reason);
}

/* The functions */

/* @v as text (as fmt's %v): a new string */
static char *to_text(const json_t *v, size_t *len)
{
	struct buf b = { 0 };

	put_value(&b, v);
	if (len)
		*len = b.len;
	return buf_take(&b);
}

static json_t *need_string(struct ctx *c, const char *fn, json_t *v)
{
	if (!json_is_string(v))
		return fail_v(c, "at %s: %s wants a string, not %s",
			      c->where, fn, type_name(v));
	return v;
}

static json_t *f_json(struct ctx *c, json_t **a, size_t n)
{
	char *s = json_dumps(a[0], JSON_COMPACT | JSON_SORT_KEYS |
				   JSON_ENCODE_ANY);
	json_t *r;

	if (!s)
		dl_oom();
	r = json_string(s);
	free(s);
	return r;
}

static json_t *f_len(struct ctx *c, json_t **a, size_t n)
{
	switch (json_typeof(a[0])) {
	case JSON_STRING:
		return json_integer((json_int_t)json_string_length(a[0]));
	case JSON_ARRAY:
		return json_integer((json_int_t)json_array_size(a[0]));
	case JSON_OBJECT:
		return json_integer((json_int_t)json_object_size(a[0]));
	default:
		return fail_v(c, "at %s: error calling len: len of type %s",
			      c->where, type_name(a[0]));
	}
}

static json_t *f_index(struct ctx *c, json_t **a, size_t n)
{
	json_t *v = a[0];
	size_t i;

	for (i = 1; i < n; i++) {
		if (json_is_object(v) && json_is_string(a[i])) {
			json_t *e = json_object_get(v, json_string_value(a[i]));

			if (!e)
				return json_string("");
			v = e;
		} else if (json_is_array(v) && json_is_integer(a[i])) {
			json_int_t k = json_integer_value(a[i]);

			if (k < 0 || (size_t)k >= json_array_size(v))
				return fail_v(c, "at %s: error calling "
					      "index: index out of range: %"
					      JSON_INTEGER_FORMAT, c->where, k);
			v = json_array_get(v, (size_t)k);
		} else if (json_is_null(v)) {
			return json_string("");
		} else {
			return fail_v(c, "at %s: error calling index: can't "
				      "index item of type %s with %s", c->where,
				      type_name(v), type_name(a[i]));
		}
	}
	return json_incref(v);
}

/* Sprint: a space between operands when neither is a string */
static json_t *f_print(struct ctx *c, json_t **a, size_t n)
{
	struct buf b = { 0 };
	size_t i;
	json_t *r;

	for (i = 0; i < n; i++) {
		if (i && !json_is_string(a[i]) && !json_is_string(a[i - 1]))
			buf_str(&b, " ");
		put_value(&b, a[i]);
	}
	r = json_stringn(buf_take(&b), b.len);
	free(b.s);
	return r ? r : json_string("");
}

static json_t *f_println(struct ctx *c, json_t **a, size_t n)
{
	struct buf b = { 0 };
	size_t i;
	json_t *r;

	for (i = 0; i < n; i++) {
		if (i)
			buf_str(&b, " ");
		put_value(&b, a[i]);
	}
	buf_str(&b, "\n");
	r = json_stringn(buf_take(&b), b.len);
	free(b.s);
	return r ? r : json_string("\n");
}

/* Go's %q of a string */
static void put_quoted(struct buf *b, const char *s, size_t n)
{
	size_t i;

	buf_str(b, "\"");
	for (i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];

		switch (ch) {
		case '"': buf_str(b, "\\\""); break;
		case '\\': buf_str(b, "\\\\"); break;
		case '\n': buf_str(b, "\\n"); break;
		case '\t': buf_str(b, "\\t"); break;
		case '\r': buf_str(b, "\\r"); break;
		default:
			if (ch < 0x20 || ch == 0x7f)
				buf_printf(b, "\\x%02x", ch);
			else
				buf_add(b, (const char *)&ch, 1);
		}
	}
	buf_str(b, "\"");
}

static double num_of(const json_t *v)
{
	if (json_is_integer(v))
		return (double)json_integer_value(v);
	if (json_is_real(v))
		return json_real_value(v);
	return 0;
}

/* The spec given to printf(3) is made here of checked flags, digits and
 * one verb, and its one argument is of the type the verb wants. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"

/* Go's Sprintf for the verbs scripts use: %s %v %q %d %f %e %g %x %X %t
 * %c %%, with flags, width and precision; a missing or bad argument is
 * printed as Go does (%!d(string=x), %!s(MISSING)) */
static json_t *f_printf(struct ctx *c, json_t **a, size_t n)
{
	struct buf b = { 0 };
	const char *f;
	size_t ai = 1;
	json_t *r;

	if (!json_is_string(a[0]))
		return need_string(c, "printf", a[0]);
	for (f = json_string_value(a[0]); *f; f++) {
		char spec[32], verb;
		size_t sl = 0;
		json_t *v;

		if (*f != '%') {
			buf_add(&b, f, 1);
			continue;
		}
		spec[sl++] = *f++;
		while (*f && strchr("+-# 0", *f) && sl < 10)
			spec[sl++] = *f++;
		while (isdigit((unsigned char)*f) && sl < 20)
			spec[sl++] = *f++;
		if (*f == '.') {
			spec[sl++] = *f++;
			while (isdigit((unsigned char)*f) && sl < 28)
				spec[sl++] = *f++;
		}
		verb = *f;
		if (!verb) {
			buf_str(&b, "%!(NOVERB)");
			break;
		}
		if (verb == '%') {
			buf_str(&b, "%");
			continue;
		}
		if (ai >= n) {
			buf_printf(&b, "%%!%c(MISSING)", verb);
			continue;
		}
		v = a[ai++];
		spec[sl] = '\0';
		switch (verb) {
		case 's':
		case 'v': {
			char *t = to_text(v, NULL);

			memcpy(spec + sl, "s", 2);
			buf_printf(&b, spec, t);
			free(t);
			break;
		}
		case 'q':
			if (json_is_string(v)) {
				struct buf q = { 0 };

				put_quoted(&q, json_string_value(v),
					   json_string_length(v));
				memcpy(spec + sl, "s", 2);
				buf_printf(&b, spec, buf_take(&q));
				free(q.s);
			} else {
				buf_printf(&b, "%%!q(%s)", type_name(v));
			}
			break;
		case 'd':
		case 'x':
		case 'X':
		case 'o':
		case 'c':
			if (json_is_integer(v) && verb == 'c') {
				spec[sl] = 'c';
				spec[sl + 1] = '\0';
				buf_printf(&b, spec, (int)json_integer_value(v));
			} else if (json_is_integer(v)) {
				spec[sl] = 'l';
				spec[sl + 1] = 'l';
				spec[sl + 2] = verb;
				spec[sl + 3] = '\0';
				buf_printf(&b, spec,
					   (long long)json_integer_value(v));
			} else if ((verb == 'x' || verb == 'X') &&
				   json_is_string(v)) {
				const char *s = json_string_value(v);
				size_t i;

				for (i = 0; i < json_string_length(v); i++)
					buf_printf(&b, verb == 'x' ? "%02x" :
						   "%02X", (unsigned char)s[i]);
			} else {
				char *t = to_text(v, NULL);

				buf_printf(&b, "%%!%c(%s=%s)", verb,
					   type_name(v), t);
				free(t);
			}
			break;
		case 'f':
		case 'F':
		case 'e':
		case 'E':
		case 'g':
		case 'G':
			if (json_is_number(v)) {
				spec[sl] = verb;
				spec[sl + 1] = '\0';
				buf_printf(&b, spec, num_of(v));
			} else {
				char *t = to_text(v, NULL);

				buf_printf(&b, "%%!%c(%s=%s)", verb,
					   type_name(v), t);
				free(t);
			}
			break;
		case 't':
			if (json_is_boolean(v)) {
				memcpy(spec + sl, "s", 2);
				buf_printf(&b, spec, json_is_true(v) ? "true" :
					   "false");
			} else {
				buf_printf(&b, "%%!t(%s)", type_name(v));
			}
			break;
		default:
			buf_printf(&b, "%%!%c(%s)", verb, type_name(v));
		}
	}
	while (ai < n) {
		char *t = to_text(a[ai], NULL);

		buf_printf(&b, "%s%s=%s%s", ai == n - 1 || b.len == 0 ?
			   "%!(EXTRA " : "", type_name(a[ai]), t,
			   ai == n - 1 ? ")" : ", ");
		free(t);
		ai++;
	}
	r = json_stringn(buf_take(&b), b.len);
	free(b.s);
	return r ? r : json_string("");
}
#pragma GCC diagnostic pop

static json_t *f_join(struct ctx *c, json_t **a, size_t n)
{
	struct buf b = { 0 };
	json_t *e, *r;
	size_t i;

	if (!need_string(c, "join", a[1]))
		return NULL;
	if (json_is_string(a[0]))
		return json_incref(a[0]);
	if (json_is_null(a[0]))
		return json_string("");
	if (!json_is_array(a[0]))
		return fail_v(c, "at %s: join wants an array, not %s",
			      c->where, type_name(a[0]));
	json_array_foreach(a[0], i, e) {
		if (i)
			buf_add(&b, json_string_value(a[1]),
				json_string_length(a[1]));
		put_value(&b, e);
	}
	r = json_stringn(buf_take(&b), b.len);
	free(b.s);
	return r ? r : json_string("");
}

static json_t *f_split(struct ctx *c, json_t **a, size_t n)
{
	const char *s, *sep, *e;
	size_t sl;
	json_t *r;

	if (!need_string(c, "split", a[0]) || !need_string(c, "split", a[1]))
		return NULL;
	s = json_string_value(a[0]);
	sep = json_string_value(a[1]);
	sl = strlen(sep);
	r = json_array();
	if (!sl) {
		/* as Go: each UTF-8 character */
		while (*s) {
			size_t k = 1;

			while (((unsigned char)s[k] & 0xc0) == 0x80)
				k++;
			json_array_append_new(r, json_stringn(s, k));
			s += k;
		}
		return r;
	}
	while ((e = strstr(s, sep))) {
		json_array_append_new(r, json_stringn(s, (size_t)(e - s)));
		s = e + sl;
	}
	json_array_append_new(r, json_string(s));
	return r;
}

static json_t *change_case(struct ctx *c, json_t *v, const char *fn,
			   int mode)
{
	char *s;
	size_t i, len;
	bool word = false;
	json_t *r;

	if (!need_string(c, fn, v))
		return NULL;
	s = dl_xstrdup(json_string_value(v));
	len = strlen(s);
	for (i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)s[i];

		if (mode == 0)
			s[i] = (char)tolower(ch);
		else if (mode == 1 || (mode == 2 && !word))
			s[i] = (char)toupper(ch);
		word = isalnum(ch) || ch >= 0x80;
	}
	r = json_string(s);
	free(s);
	return r;
}

static json_t *f_lower(struct ctx *c, json_t **a, size_t n)
{
	return change_case(c, a[0], "lower", 0);
}

static json_t *f_upper(struct ctx *c, json_t **a, size_t n)
{
	return change_case(c, a[0], "upper", 1);
}

static json_t *f_title(struct ctx *c, json_t **a, size_t n)
{
	return change_case(c, a[0], "title", 2);
}

/* truncate S N: the first N characters (UTF-8) of S */
static json_t *f_truncate(struct ctx *c, json_t **a, size_t n)
{
	const char *s;
	size_t i = 0;
	json_int_t k, count = 0;

	if (!need_string(c, "truncate", a[0]))
		return NULL;
	if (!json_is_integer(a[1]))
		return fail_v(c, "at %s: truncate wants a number, not %s",
			      c->where, type_name(a[1]));
	s = json_string_value(a[0]);
	k = json_integer_value(a[1]);
	while (s[i] && count < k) {
		i++;
		while (((unsigned char)s[i] & 0xc0) == 0x80)
			i++;
		count++;
	}
	return json_stringn(s, i);
}

/* pad S LEFT RIGHT: S with spaces before and after */
static json_t *f_pad(struct ctx *c, json_t **a, size_t n)
{
	struct buf b = { 0 };
	json_int_t l, r, i;
	char *t;
	json_t *res;

	if (!json_is_integer(a[1]) || !json_is_integer(a[2]))
		return fail_v(c, "at %s: pad wants numbers", c->where);
	l = json_integer_value(a[1]);
	r = json_integer_value(a[2]);
	for (i = 0; i < l && i < 4096; i++)
		buf_str(&b, " ");
	t = to_text(a[0], NULL);
	buf_str(&b, t);
	free(t);
	for (i = 0; i < r && i < 4096; i++)
		buf_str(&b, " ");
	res = json_string(buf_take(&b));
	free(b.s);
	return res ? res : json_string("");
}

/* Go's comparison of two basic values: -2 when they do not compare */
static int compare(const json_t *x, const json_t *y)
{
	if (json_is_number(x) && json_is_number(y)) {
		double a = num_of(x), b = num_of(y);

		return a < b ? -1 : a > b;
	}
	if (json_is_string(x) && json_is_string(y)) {
		int k = strcmp(json_string_value(x), json_string_value(y));

		return k < 0 ? -1 : k > 0;
	}
	if (json_is_boolean(x) && json_is_boolean(y))
		return json_is_true(x) == json_is_true(y) ? 0 : 2;
	if (json_is_null(x) && json_is_null(y))
		return 0;
	return -2;
}

static json_t *f_eq(struct ctx *c, json_t **a, size_t n)
{
	size_t i;

	for (i = 1; i < n; i++) {
		int k = compare(a[0], a[i]);

		if (k == -2 && json_typeof(a[0]) != json_typeof(a[i]))
			return fail_v(c, "at %s: error calling eq: "
				      "incompatible types for comparison",
				      c->where);
		if (k == 0 || (k == -2 && json_equal(a[0], a[i])))
			return json_true();
	}
	return json_false();
}

static json_t *f_ne(struct ctx *c, json_t **a, size_t n)
{
	json_t *r = f_eq(c, a, n);

	if (!r)
		return NULL;
	return json_boolean(!json_is_true(r));
}

static json_t *ordered(struct ctx *c, json_t **a, const char *fn, int lo,
		       int hi)
{
	int k = compare(a[0], a[1]);

	if (k == -2 || k == 2 || json_is_boolean(a[0]))
		return fail_v(c, "at %s: error calling %s: incompatible "
			      "types for comparison", c->where, fn);
	return json_boolean(k >= lo && k <= hi);
}

static json_t *f_lt(struct ctx *c, json_t **a, size_t n)
{
	return ordered(c, a, "lt", -1, -1);
}

static json_t *f_le(struct ctx *c, json_t **a, size_t n)
{
	return ordered(c, a, "le", -1, 0);
}

static json_t *f_gt(struct ctx *c, json_t **a, size_t n)
{
	return ordered(c, a, "gt", 1, 1);
}

static json_t *f_ge(struct ctx *c, json_t **a, size_t n)
{
	return ordered(c, a, "ge", 0, 1);
}

static json_t *f_not(struct ctx *c, json_t **a, size_t n)
{
	return json_boolean(!truth(a[0]));
}

/* and, or: the first false (true) argument, else the last */
static json_t *f_and(struct ctx *c, json_t **a, size_t n)
{
	size_t i;

	for (i = 0; i < n - 1; i++)
		if (!truth(a[i]))
			return json_incref(a[i]);
	return json_incref(a[n - 1]);
}

static json_t *f_or(struct ctx *c, json_t **a, size_t n)
{
	size_t i;

	for (i = 0; i < n - 1; i++)
		if (truth(a[i]))
			return json_incref(a[i]);
	return json_incref(a[n - 1]);
}

static const struct func funcs[] = {
	{ "json", 1, 1, f_json, true },
	{ "index", 1, -1, f_index, true },
	{ "len", 1, 1, f_len, false },
	{ "printf", 1, -1, f_printf, false },
	{ "print", 0, -1, f_print, false },
	{ "println", 0, -1, f_println, false },
	{ "join", 2, 2, f_join, true },
	{ "split", 2, 2, f_split, true },
	{ "lower", 1, 1, f_lower, true },
	{ "upper", 1, 1, f_upper, true },
	{ "title", 1, 1, f_title, true },
	{ "truncate", 2, 2, f_truncate, true },
	{ "pad", 3, 3, f_pad, true },
	{ "eq", 2, -1, f_eq, false },
	{ "ne", 2, 2, f_ne, false },
	{ "lt", 2, 2, f_lt, false },
	{ "le", 2, 2, f_le, false },
	{ "gt", 2, 2, f_gt, false },
	{ "ge", 2, 2, f_ge, false },
	{ "not", 1, 1, f_not, false },
	{ "and", 1, -1, f_and, false },
	{ "or", 1, -1, f_or, false },
	{ NULL, 0, 0, NULL, false },
};

/* Docker's command line and Go's tabwriter */

char *dl_template_docker_text(const char *format, bool *table)
{
	struct buf b = { 0 };
	const char *s = format, *e;

	*table = false;
	if (!strncmp(s, "table", 5) && (!s[5] || is_space(s[5]))) {
		*table = true;
		s += 5;
	}
	while (*s == ' ')
		s++;
	e = s + strlen(s);
	while (e > s && e[-1] == ' ')
		e--;
	for (; s < e; s++) {
		if (s[0] == '\\' && s + 1 < e && (s[1] == 't' || s[1] == 'n')) {
			buf_add(&b, s[1] == 't' ? "\t" : "\n", 1);
			s++;
		} else {
			buf_add(&b, s, 1);
		}
	}
	return buf_take(&b);
}

struct tw_line {
	const char **cell;
	size_t *size, *width;
	size_t n;
};

struct tw {
	struct tw_line *lines;
	size_t nlines;
	size_t *widths;
	size_t nwidths;
	size_t minwidth, padding;
	struct buf out;
};

static size_t utf8_width(const char *s, size_t n)
{
	size_t i, w = 0;

	for (i = 0; i < n; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			w++;
	return w;
}

static void tw_write_lines(struct tw *t, size_t l0, size_t l1)
{
	size_t i, j, k;

	for (i = l0; i < l1; i++) {
		struct tw_line *ln = &t->lines[i];

		for (j = 0; j < ln->n; j++) {
			buf_add(&t->out, ln->cell[j], ln->size[j]);
			if (j < t->nwidths)
				for (k = ln->width[j]; k < t->widths[j]; k++)
					buf_add(&t->out, " ", 1);
		}
		if (i + 1 < t->nlines)
			buf_add(&t->out, "\n", 1);
	}
}

/* Go's tabwriter format(): the column blocks of column nwidths, lines
 * l0 to l1, each formatted with the widths of the columns to its left */
static void tw_format(struct tw *t, size_t l0, size_t l1)
{
	size_t column = t->nwidths, i;

	for (i = l0; i < l1; i++) {
		size_t width = t->minwidth;

		if (column + 1 >= t->lines[i].n)
			continue;
		tw_write_lines(t, l0, i);
		l0 = i;
		for (; i < l1; i++) {
			struct tw_line *ln = &t->lines[i];

			if (column + 1 >= ln->n)
				break;
			if (ln->width[column] + t->padding > width)
				width = ln->width[column] + t->padding;
		}
		t->widths = dl_xrealloc(t->widths,
					(t->nwidths + 1) * sizeof(*t->widths));
		t->widths[t->nwidths++] = width;
		tw_format(t, l0, i);
		t->nwidths--;
		l0 = i;
		i--;
	}
	tw_write_lines(t, l0, l1);
}

char *dl_tabwriter(const char *text, size_t len, size_t minwidth,
		   size_t padding)
{
	struct tw t = { .minwidth = minwidth, .padding = padding };
	const char *p = text, *end = text + len;
	size_t i;

	/* lines, each cells split at tabs; the last line is what follows
	 * the last newline (empty when the text ends in one) */
	for (;;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end, *q = p;
		struct tw_line *ln;

		t.lines = dl_xrealloc(t.lines, (t.nlines + 1) *
				      sizeof(*t.lines));
		ln = &t.lines[t.nlines++];
		memset(ln, 0, sizeof(*ln));
		for (;;) {
			const char *tab = memchr(q, '\t', (size_t)(le - q));
			const char *ce = tab ? tab : le;

			ln->cell = dl_xrealloc(ln->cell, (ln->n + 1) *
					       sizeof(*ln->cell));
			ln->size = dl_xrealloc(ln->size, (ln->n + 1) *
					       sizeof(*ln->size));
			ln->width = dl_xrealloc(ln->width, (ln->n + 1) *
						sizeof(*ln->width));
			ln->cell[ln->n] = q;
			ln->size[ln->n] = (size_t)(ce - q);
			ln->width[ln->n] = utf8_width(q, (size_t)(ce - q));
			ln->n++;
			if (!tab)
				break;
			q = tab + 1;
		}
		if (!nl)
			break;
		p = nl + 1;
	}
	tw_format(&t, 0, t.nlines);
	for (i = 0; i < t.nlines; i++) {
		free(t.lines[i].cell);
		free(t.lines[i].size);
		free(t.lines[i].width);
	}
	free(t.lines);
	free(t.widths);
	return buf_take(&t.out);
}
