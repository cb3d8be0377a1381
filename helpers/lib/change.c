/* SPDX-License-Identifier: Apache-2.0 */
/* change.c: Dockerfile-like changes to an OCI image config */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "dl.h"
#include "dl/change.h"
#include "dl/status.h"
#include "dl/time.h"

static void xset(json_t *obj, const char *key, json_t *val)
{
	if (!val || json_object_set_new(obj, key, val) < 0)
		dl_die(DL_EXIT_FAIL, "unable to allocate 'memory'");
}

static void xappend(json_t *arr, json_t *val)
{
	if (!val || json_array_append_new(arr, val) < 0)
		dl_die(DL_EXIT_FAIL, "unable to allocate 'memory'");
}

/* The object or array at @key of @cfg, made when absent or of another type */
static json_t *member(json_t *cfg, const char *key, bool array)
{
	json_t *v = json_object_get(cfg, key);

	if (array ? json_is_array(v) : json_is_object(v))
		return v;
	v = array ? json_array() : json_object();
	xset(cfg, key, v);
	return v;
}

/* ---- words ------------------------------------------------------------ */

/* One word of a change line, quotes removed. */
struct word {
	char *s;
	long eq; /* offset in s of the first unquoted '=', or -1 */
};

static void words_free(struct word *w, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(w[i].s);
	free(w);
}

/*
 * Split @s on unquoted blanks as a shell would: "..." (where \ escapes
 * " \ and $), '...' literally, \ escapes the next character.
 */
static int split_words(const char *s, struct word **out, size_t *n,
		       char **reason)
{
	struct word *w = NULL;
	size_t cnt = 0, cap = 0;

	for (;;) {
		_cleanup_free_ char *buf = NULL;
		size_t len = 0;
		long eq = -1;

		while (isspace((unsigned char)*s))
			s++;
		if (!*s)
			break;
		buf = dl_xmalloc(strlen(s) + 1);
		while (*s && !isspace((unsigned char)*s)) {
			char q = *s;

			if (q == '"' || q == '\'') {
				for (s++; *s && *s != q; s++) {
					if (q == '"' && *s == '\\' && s[1] &&
					    strchr("\"\\$", s[1]))
						s++;
					buf[len++] = *s;
				}
				if (!*s) {
					words_free(w, cnt);
					return dl_fail(reason, DL_EXIT_USAGE,
						    "unterminated %c quote", q);
				}
				s++;
				continue;
			}
			if (q == '\\' && s[1])
				s++;
			else if (q == '=' && eq < 0)
				eq = (long)len;
			buf[len++] = *s++;
		}
		buf[len] = '\0';
		if (cnt == cap) {
			cap = cap ? 2 * cap : 8;
			w = dl_xrealloc(w, cap * sizeof(*w));
		}
		w[cnt].s = dl_steal_pointer(&buf);
		w[cnt++].eq = eq;
	}
	*out = w;
	*n = cnt;
	return 0;
}

/*
 * KEY=VALUE pairs, or the legacy "KEY VALUE" (the value being the rest of
 * the line, verbatim), each passed to @set.
 */
static int name_values(const char *args, const char *what,
		       void (*set)(json_t *, const char *, const char *),
		       json_t *dst, char **reason)
{
	struct word *w = NULL;
	size_t n = 0, i;
	int rc;

	rc = split_words(args, &w, &n, reason);
	if (rc)
		return rc;
	if (n == 0) {
		words_free(w, n);
		return dl_fail(reason, DL_EXIT_USAGE,
			       "%s needs at least one argument", what);
	}
	if (w[0].eq < 0) {
		/* legacy form: the first word is the name */
		const char *v = args;

		words_free(w, n);
		while (isspace((unsigned char)*v))
			v++;
		v += strcspn(v, " \t\n\r\f\v");
		while (isspace((unsigned char)*v))
			v++;
		if (!*v)
			return dl_fail(reason, DL_EXIT_USAGE,
				       "%s needs a value", what);
		rc = split_words(args, &w, &n, reason);
		if (rc)
			return rc;
		set(dst, w[0].s, v);
		words_free(w, n);
		return 0;
	}
	for (i = 0; i < n; i++) {
		if (w[i].eq < 0) {
			rc = dl_fail(reason, DL_EXIT_USAGE,
				     "'%s' is not of the form NAME=VALUE",
				     w[i].s);
			break;
		}
		if (w[i].eq == 0) {
			rc = dl_fail(reason, DL_EXIT_USAGE,
				     "%s names can not be blank", what);
			break;
		}
		w[i].s[w[i].eq] = '\0';
		set(dst, w[i].s, w[i].s + w[i].eq + 1);
	}
	words_free(w, n);
	return rc;
}

/* ---- the changes ------------------------------------------------------ */

static void env_set(json_t *env, const char *key, const char *val)
{
	size_t klen = strlen(key), i;
	json_t *e;
	char *kv = dl_xasprintf("%s=%s", key, val);

	json_array_foreach(env, i, e) {
		const char *s = json_string_value(e);

		if (s && !strncmp(s, key, klen) && s[klen] == '=') {
			json_array_set_new(env, i, json_string(kv));
			free(kv);
			return;
		}
	}
	xappend(env, json_string(kv));
	free(kv);
}

static void label_set(json_t *labels, const char *key, const char *val)
{
	xset(labels, key, json_string(val));
}

/* A JSON array of strings, or NULL with *reason set */
static json_t *exec_form(const char *args, char **reason)
{
	json_error_t jerr;
	json_t *a, *e;
	size_t i;

	a = json_loads(args, JSON_REJECT_DUPLICATES, &jerr);
	if (!a) {
		dl_fail(reason, DL_EXIT_USAGE, "invalid JSON array: %s",
			jerr.text);
		return NULL;
	}
	if (!json_is_array(a)) {
		json_decref(a);
		dl_fail(reason, DL_EXIT_USAGE, "not a JSON array of strings");
		return NULL;
	}
	json_array_foreach(a, i, e) {
		if (!json_is_string(e)) {
			json_decref(a);
			dl_fail(reason, DL_EXIT_USAGE,
				"not a JSON array of strings");
			return NULL;
		}
	}
	return a;
}

static int set_command(json_t *cfg, const char *key, const char *args,
		       char **reason)
{
	json_t *a;

	if (args[0] != '[') {
		/* the shell of an earlier SHELL, as Dockerfile */
		json_t *sh = json_object_get(cfg, "Shell");

		if (json_is_array(sh) && json_array_size(sh)) {
			a = json_deep_copy(sh);
			xappend(a, json_string(args));
			xset(cfg, key, a);
			return 0;
		}
		xset(cfg, key, json_pack("[sss]", "/bin/sh", "-c", args));
		return 0;
	}
	a = exec_form(args, reason);
	if (!a)
		return DL_EXIT_USAGE;
	if (json_array_size(a) == 0) {
		json_decref(a);
		json_object_del(cfg, key);
		return 0;
	}
	xset(cfg, key, a);
	return 0;
}

/* Join @dir to @base (when relative) and normalise "." ".." and "//" */
static char *clean_path(const char *base, const char *dir)
{
	_cleanup_free_ char *in = NULL;
	char *out, *tok, *save = NULL;
	size_t len = 0;

	in = dir[0] == '/' ? dl_xstrdup(dir)
			   : dl_xasprintf("%s/%s", base ? base : "", dir);
	out = dl_xmalloc(strlen(in) + 2);
	for (tok = strtok_r(in, "/", &save); tok;
	     tok = strtok_r(NULL, "/", &save)) {
		if (!strcmp(tok, "."))
			continue;
		if (!strcmp(tok, "..")) {
			while (len > 0 && out[len] != '/')
				len--;
			continue;
		}
		out[len++] = '/';
		strcpy(out + len, tok);
		len += strlen(tok);
	}
	if (len == 0)
		out[len++] = '/';
	out[len] = '\0';
	return out;
}

static int parse_port(const char *s, long *out)
{
	char *end;
	long v;

	if (!isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || v < 1 || v > 65535)
		return -1;
	*out = v;
	return 0;
}

static int expose(json_t *cfg, const char *args, char **reason)
{
	struct word *w = NULL;
	json_t *ports;
	size_t n = 0, i;
	int rc;

	rc = split_words(args, &w, &n, reason);
	if (rc)
		return rc;
	if (n == 0)
		rc = dl_fail(reason, DL_EXIT_USAGE,
			     "EXPOSE needs at least one port");
	ports = member(cfg, "ExposedPorts", false);
	for (i = 0; i < n && !rc; i++) {
		char *proto = strchr(w[i].s, '/'), *dash;
		long lo, hi, p;

		if (proto) {
			char *c;

			*proto++ = '\0';
			for (c = proto; *c; c++)
				*c = (char)tolower((unsigned char)*c);
			if (strcmp(proto, "tcp") && strcmp(proto, "udp") &&
			    strcmp(proto, "sctp")) {
				rc = dl_fail(reason, DL_EXIT_USAGE,
					     "invalid protocol '%s'", proto);
				break;
			}
		}
		dash = strchr(w[i].s, '-');
		if (dash)
			*dash++ = '\0';
		if (parse_port(w[i].s, &lo) < 0 ||
		    (dash ? parse_port(dash, &hi) : (hi = lo, 0)) < 0 ||
		    hi < lo) {
			rc = dl_fail(reason, DL_EXIT_USAGE,
				     "invalid port '%s%s%s'", w[i].s,
				     dash ? "-" : "", dash ? dash : "");
			break;
		}
		for (p = lo; p <= hi; p++) {
			char key[32];

			snprintf(key, sizeof(key), "%ld/%s", p,
				 proto ? proto : "tcp");
			xset(ports, key, json_object());
		}
	}
	words_free(w, n);
	return rc;
}

static int volume(json_t *cfg, const char *args, char **reason)
{
	json_t *list = NULL, *vols, *e;
	struct word *w = NULL;
	size_t n = 0, i;
	int rc;

	if (args[0] == '[') {
		list = exec_form(args, reason);
		if (!list)
			return DL_EXIT_USAGE;
	} else {
		rc = split_words(args, &w, &n, reason);
		if (rc)
			return rc;
		list = json_array();
		for (i = 0; i < n; i++)
			xappend(list, json_string(w[i].s));
		words_free(w, n);
	}
	rc = 0;
	if (json_array_size(list) == 0)
		rc = dl_fail(reason, DL_EXIT_USAGE,
			     "VOLUME needs at least one path");
	json_array_foreach(list, i, e)
	{
		if (json_string_value(e)[0] != '/') {
			rc = dl_fail(reason, DL_EXIT_USAGE,
				     "volume path '%s' is not absolute",
				     json_string_value(e));
			break;
		}
	}
	if (!rc) {
		vols = member(cfg, "Volumes", false);
		json_array_foreach(list, i, e)
			xset(vols, json_string_value(e), json_object());
	}
	json_decref(list);
	return rc;
}

/* A Go duration ("30s", "1m30s", "500ms") in nanoseconds, or -1 */
static long long duration(const char *s)
{
	static const struct {
		const char *unit;
		long long ns;
	} units[] = { { "ns", 1 }, { "us", 1000 }, { "ms", 1000000 },
		      { "s", 1000000000LL }, { "m", 60000000000LL },
		      { "h", 3600000000000LL } };
	long long total = 0;

	if (!*s)
		return -1;
	while (*s) {
		char *end;
		double v = strtod(s, &end);
		size_t i, len;

		if (end == s || v < 0)
			return -1;
		len = strspn(end, "nsumh");
		for (i = 0; i < sizeof(units) / sizeof(units[0]); i++)
			if (strlen(units[i].unit) == len &&
			    !strncmp(end, units[i].unit, len))
				break;
		if (i == sizeof(units) / sizeof(units[0]))
			return -1;
		total += (long long)(v * (double)units[i].ns);
		s = end + len;
	}
	return total;
}

/* HEALTHCHECK NONE, or [--interval=D] [--timeout=D] [--start-period=D]
 * [--start-interval=D] [--retries=N] CMD command */
static int healthcheck(json_t *cfg, const char *args, char **reason)
{
	static const char *const keys[][2] = {
		{ "interval", "Interval" }, { "timeout", "Timeout" },
		{ "start-period", "StartPeriod" },
		{ "start-interval", "StartInterval" },
	};
	json_t *hc = json_object(), *test;
	const char *p = args;

	if (!hc)
		dl_oom();
	if (!strcasecmp(p, "NONE")) {
		xset(hc, "Test", json_pack("[s]", "NONE"));
		xset(cfg, "Healthcheck", hc);
		return 0;
	}
	while (!strncmp(p, "--", 2)) {
		size_t len = strcspn(p, " \t"), i;
		_cleanup_free_ char *opt = dl_xasprintf("%.*s", (int)len - 2, p + 2);
		char *eq = strchr(opt, '=');
		bool done = false;

		if (!eq) {
			json_decref(hc);
			return dl_fail(reason, DL_EXIT_USAGE, "HEALTHCHECK: "
				       "'--%s' needs a value", opt);
		}
		*eq++ = '\0';
		for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
			long long ns;

			if (strcmp(opt, keys[i][0]))
				continue;
			ns = duration(eq);
			if (ns < 0) {
				json_decref(hc);
				return dl_fail(reason, DL_EXIT_USAGE,
					       "HEALTHCHECK: invalid duration "
					       "'%s'", eq);
			}
			xset(hc, keys[i][1], json_integer(ns));
			done = true;
		}
		if (!done && !strcmp(opt, "retries")) {
			char *end;
			long n = strtol(eq, &end, 10);

			if (*end || end == eq || n < 0) {
				json_decref(hc);
				return dl_fail(reason, DL_EXIT_USAGE,
					       "HEALTHCHECK: invalid retries "
					       "'%s'", eq);
			}
			xset(hc, "Retries", json_integer(n));
			done = true;
		}
		if (!done) {
			json_decref(hc);
			return dl_fail(reason, DL_EXIT_USAGE, "HEALTHCHECK: "
				       "unknown option '--%s'", opt);
		}
		p += len;
		p += strspn(p, " \t");
	}
	if (strncasecmp(p, "CMD", 3) || (p[3] && !isspace((unsigned char)p[3]))) {
		json_decref(hc);
		return dl_fail(reason, DL_EXIT_USAGE,
			       "HEALTHCHECK: needs NONE or CMD COMMAND");
	}
	p += 3;
	p += strspn(p, " \t");
	if (!*p) {
		json_decref(hc);
		return dl_fail(reason, DL_EXIT_USAGE,
			       "HEALTHCHECK: CMD needs a command");
	}
	if (*p == '[') {
		json_t *a = exec_form(p, reason);

		if (!a) {
			json_decref(hc);
			return DL_EXIT_USAGE;
		}
		test = json_pack("[s]", "CMD");
		if (!test || json_array_extend(test, a) < 0)
			dl_oom();
		json_decref(a);
	} else {
		test = json_pack("[ss]", "CMD-SHELL", p);
	}
	xset(hc, "Test", test);
	xset(cfg, "Healthcheck", hc);
	return 0;
}

static int one_word(const char *what, const char *args, char **reason)
{
	if (args[strcspn(args, " \t\n\r\f\v")])
		return dl_fail(reason, DL_EXIT_USAGE,
			       "%s takes exactly one argument", what);
	return 0;
}

static int apply(json_t *cfg, const char *kw, const char *args,
		 struct dl_change_state *st, char **reason)
{
	if (!strcasecmp(kw, "CMD")) {
		st->cmd_set = true;
		return set_command(cfg, "Cmd", args, reason);
	}
	if (!strcasecmp(kw, "ENTRYPOINT")) {
		if (!st->cmd_set)
			json_object_del(cfg, "Cmd");
		return set_command(cfg, "Entrypoint", args, reason);
	}
	if (!strcasecmp(kw, "ENV"))
		return name_values(args, "ENV", env_set,
				   member(cfg, "Env", true), reason);
	if (!strcasecmp(kw, "LABEL"))
		return name_values(args, "LABEL", label_set,
				   member(cfg, "Labels", false), reason);
	if (!strcasecmp(kw, "WORKDIR")) {
		const char *old = json_string_value(
			json_object_get(cfg, "WorkingDir"));
		_cleanup_free_ char *dir = clean_path(old, args);

		xset(cfg, "WorkingDir", json_string(dir));
		return 0;
	}
	if (!strcasecmp(kw, "USER")) {
		if (one_word("USER", args, reason))
			return DL_EXIT_USAGE;
		if (args[0] == ':' || args[strlen(args) - 1] == ':')
			return dl_fail(reason, DL_EXIT_USAGE,
				       "invalid user '%s'", args);
		xset(cfg, "User", json_string(args));
		return 0;
	}
	if (!strcasecmp(kw, "EXPOSE"))
		return expose(cfg, args, reason);
	if (!strcasecmp(kw, "VOLUME"))
		return volume(cfg, args, reason);
	if (!strcasecmp(kw, "STOPSIGNAL")) {
		if (one_word("STOPSIGNAL", args, reason))
			return DL_EXIT_USAGE;
		if (dl_signal_parse(args) < 0)
			return dl_fail(reason, DL_EXIT_USAGE,
				       "invalid signal '%s'", args);
		xset(cfg, "StopSignal", json_string(args));
		return 0;
	}
	if (!strcasecmp(kw, "SHELL")) {
		json_t *a = args[0] == '[' ? exec_form(args, reason) : NULL;

		if (!a || !json_array_size(a)) {
			json_decref(a);
			free(*reason);
			return dl_fail(reason, DL_EXIT_USAGE, "SHELL needs a "
				       "JSON array of strings, not empty");
		}
		xset(cfg, "Shell", a);
		return 0;
	}
	if (!strcasecmp(kw, "ONBUILD")) {
		xappend(member(cfg, "OnBuild", true), json_string(args));
		return 0;
	}
	if (!strcasecmp(kw, "HEALTHCHECK"))
		return healthcheck(cfg, args, reason);
	return dl_fail(reason, DL_EXIT_USAGE, "unknown instruction '%s'", kw);
}

int dl_change_apply(json_t *cfg, const char *line, struct dl_change_state *st,
		    char **reason)
{
	_cleanup_free_ char *copy = NULL;
	struct dl_change_state dummy = { 0 }, next;
	json_t *work;
	char *kw, *args, *end;
	int rc;

	*reason = NULL;
	if (!st)
		st = &dummy;
	if (!json_is_object(cfg))
		return dl_fail(reason, DL_EXIT_USAGE,
			       "the config is not an object");
	copy = dl_xstrdup(line ? line : "");
	kw = copy;
	while (isspace((unsigned char)*kw))
		kw++;
	args = kw + strcspn(kw, " \t\n\r\f\v");
	if (*args)
		*args++ = '\0';
	while (isspace((unsigned char)*args))
		args++;
	end = args + strlen(args);
	while (end > args && isspace((unsigned char)end[-1]))
		*--end = '\0';
	if (!*kw)
		return dl_fail(reason, DL_EXIT_USAGE, "empty change");
	if (!*args)
		return dl_fail(reason, DL_EXIT_USAGE, "%s needs an argument",
			       kw);
	work = json_string(args);
	if (!work)
		return dl_fail(reason, DL_EXIT_USAGE, "not valid UTF-8");
	json_decref(work);

	/* apply to a copy, so that a failure leaves @cfg untouched */
	work = json_deep_copy(cfg);
	if (!work)
		dl_die(DL_EXIT_FAIL, "unable to allocate 'memory'");
	next = *st;
	rc = apply(work, kw, args, &next, reason);
	if (rc == 0) {
		json_object_clear(cfg);
		json_object_update(cfg, work);
		*st = next;
	}
	json_decref(work);
	return rc;
}

/* ---- shape checks (a path to the bad field, or NULL when good) ------- */

static char *bad(const char *where, const char *what)
{
	return dl_xasprintf("'%s' %s", where, what);
}

/* Each element of array @a (or value of object @a) is of @type; null ok */
static char *check_each(json_t *parent, const char *key, json_type type,
			bool is_object, const char *tname)
{
	json_t *v = json_object_get(parent, key), *e;
	const char *k;
	size_t i;

	if (!v || json_is_null(v))
		return NULL;
	if (is_object ? !json_is_object(v) : !json_is_array(v))
		return bad(key, is_object ? "must be an object"
					  : "must be an array");
	if (is_object) {
		json_object_foreach(v, k, e)
			if (json_typeof(e) != type)
				return dl_xasprintf("'%s.%s' must be %s", key,
						    k, tname);
	} else {
		json_array_foreach(v, i, e)
			if (json_typeof(e) != type)
				return dl_xasprintf("'%s[%zu]' must be %s",
						    key, i, tname);
	}
	return NULL;
}

static char *check_string(json_t *parent, const char *key, bool required)
{
	json_t *v = json_object_get(parent, key);

	if (!v)
		return required ? bad(key, "is missing") : NULL;
	return json_is_string(v) ? NULL : bad(key, "must be a string");
}

static char *check_time(json_t *parent, const char *key, bool required)
{
	json_t *v = json_object_get(parent, key);
	struct timespec ts;
	char *r = check_string(parent, key, required);

	if (r || !v)
		return r;
	if (dl_time_parse(json_string_value(v), &ts) < 0)
		return bad(key, "must be an RFC 3339 time");
	return NULL;
}

char *dl_image_config_check(json_t *j)
{
	static const char *const strings[] = { "User", "WorkingDir",
					       "StopSignal", "Hostname",
					       "Domainname", "Image" };
	static const char *const lists[] = { "Env", "Cmd", "Entrypoint",
					     "Shell" };
	json_t *c, *rootfs, *h, *e;
	char *r = NULL;
	size_t i;

	if (!json_is_object(j))
		return dl_xstrdup("an image config must be a JSON object");
	if ((r = check_string(j, "architecture", true)) ||
	    (r = check_string(j, "os", true)) ||
	    (r = check_string(j, "author", false)) ||
	    (r = check_time(j, "created", false)))
		return r;
	c = json_object_get(j, "config");
	if (c && !json_is_null(c)) {
		if (!json_is_object(c))
			return bad("config", "must be an object");
		for (i = 0; i < sizeof(strings) / sizeof(*strings); i++)
			if (json_object_get(c, strings[i]) &&
			    !json_is_null(json_object_get(c, strings[i])) &&
			    (r = check_string(c, strings[i], false)))
				return r;
		for (i = 0; i < sizeof(lists) / sizeof(*lists); i++)
			if ((r = check_each(c, lists[i], JSON_STRING, false,
					    "a string")))
				return r;
		if ((r = check_each(c, "Labels", JSON_STRING, true,
				    "a string")) ||
		    (r = check_each(c, "ExposedPorts", JSON_OBJECT, true,
				    "an object")) ||
		    (r = check_each(c, "Volumes", JSON_OBJECT, true,
				    "an object")))
			return r;
	}
	rootfs = json_object_get(j, "rootfs");
	if (!json_is_object(rootfs))
		return bad("rootfs",
			   rootfs ? "must be an object" : "is missing");
	if ((r = check_string(rootfs, "type", true)))
		return r;
	if (!json_is_array(json_object_get(rootfs, "diff_ids")))
		return bad("rootfs.diff_ids",
			   json_object_get(rootfs, "diff_ids")
			       ? "must be an array"
			       : "is missing");
	if ((r = check_each(rootfs, "diff_ids", JSON_STRING, false,
			    "a string")))
		return r;
	h = json_object_get(j, "history");
	if (h && !json_is_array(h))
		return bad("history", "must be an array");
	json_array_foreach(h, i, e) {
		if (!json_is_object(e) ||
		    (r = check_time(e, "created", false)) ||
		    (r = check_string(e, "created_by", false)) ||
		    (r = check_string(e, "author", false)) ||
		    (r = check_string(e, "comment", false))) {
			free(r);
			return dl_xasprintf("'history[%zu]' is malformed", i);
		}
	}
	return NULL;
}

char *dl_image_meta_check(json_t *j)
{
	const char *id, *parent = "", *created, *comment, *author;
	json_int_t size = 0;
	json_error_t jerr;
	struct timespec ts;
	json_t *layer = NULL, *manifest = NULL, *layers = NULL;
	int hidden = 0;

	static const char *const strings[] = { "id", "parent", "created",
					       "comment", "author" };
	char *r;
	size_t i;

	if (!json_is_object(j))
		return dl_xstrdup("meta.json must be a JSON object");
	/* Name the field: jansson's own text says only what it expected. */
	for (i = 0; i < sizeof(strings) / sizeof(*strings); i++)
		if ((r = check_string(j, strings[i], i == 0 || i == 2)))
			return r;
	if (json_object_get(j, "size") &&
	    !json_is_integer(json_object_get(j, "size")))
		return bad("size", "must be an integer");
	/* what a loaded image records of its layers (dl-image-unpack) */
	if (json_unpack_ex(j, &jerr, JSON_STRICT,
			   "{s:s, s?s, s:s, s?s, s?s, s?I, s?b, s?o, s?o, s?o}",
			   "id", &id, "parent", &parent, "created", &created,
			   "comment", &comment, "author", &author, "size",
			   &size, "hidden", &hidden, "layer", &layer,
			   "manifest", &manifest, "layers", &layers) < 0)
		return dl_xasprintf("%s", jerr.text);
	if (!dl_is_id(id))
		return bad("id", "must be an ID (64 lowercase hex digits)");
	if (*parent && !dl_is_id(parent))
		return bad("parent", "must be empty or an ID");
	if (dl_time_parse(created, &ts) < 0)
		return bad("created", "must be an RFC 3339 time");
	if (size < 0)
		return bad("size", "must not be negative");
	if (layer && !json_is_object(layer))
		return bad("layer", "must be an object");
	if (manifest && !json_is_object(manifest))
		return bad("manifest", "must be an object");
	if (layers && !json_is_array(layers))
		return bad("layers", "must be an array");
	return NULL;
}
