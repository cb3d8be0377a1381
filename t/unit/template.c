/* SPDX-License-Identifier: Apache-2.0 */
/* template.c: TAP unit test of the Go template subset (dl_template_parse,
 * dl_template_render, dl_template_render_header), Docker's --format text
 * (dl_template_docker_text) and Go's tabwriter (dl_tabwriter) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "dl.h"
#include "dl/template.h"
#include "tap.h"

/* @s with its newlines and tabs shown as \n and \t, for one TAP line */
static const char *esc(const char *s)
{
	static char b[4][256];
	static int k;
	char *o = b[k++ % 4];
	size_t i = 0;

	for (; *s && i < sizeof(b[0]) - 3; s++) {
		if (*s == '\n' || *s == '\t') {
			o[i++] = '\\';
			o[i++] = *s == '\n' ? 'n' : 't';
		} else {
			o[i++] = *s;
		}
	}
	o[i] = '\0';
	return o;
}

/* @tmpl over the JSON @data renders @want, or fails with a reason that
 * holds @want when @code is not 0 */
static void r(const char *tmpl, const char *data, int code, const char *want)
{
	struct dl_template *t = NULL;
	char *why = NULL, *out = NULL;
	json_t *d = parse(data);
	size_t len;
	int got = dl_template_parse(tmpl, &t, &why);

	if (!got)
		got = dl_template_render(t, d, &out, &len, &why);
	if (code) {
		ok(got == code && why && strstr(why, want), "refuses", esc(tmpl));
		if (got != code || !why || !strstr(why, want))
			printf("# got %d '%s', want %d '%s'\n", got,
			       why ? why : out, code, want);
	} else {
		ok(!got && !strcmp(out, want), "renders", esc(tmpl));
		if (got || strcmp(out, want))
			printf("# got %d '%s', want '%s'\n", got,
			       got ? why : out, want);
	}
	free(why);
	free(out);
	dl_template_free(t);
	json_decref(d);
}

static void header(const char *tmpl, char *const *names, const char *want)
{
	struct dl_template *t = NULL;
	char *why = NULL, *out = NULL;
	int got = dl_template_parse(tmpl, &t, &why);

	if (!got)
		got = dl_template_render_header(t, names, &out, &why);
	ok(!got && !strcmp(out, want), "header of", esc(tmpl));
	if (got || strcmp(out, want))
		printf("# got '%s', want '%s'\n", got ? why : out, want);
	free(why);
	free(out);
	dl_template_free(t);
}

static const char *C = "{\"ID\":\"abc\",\"Names\":\"web\",\"N\":3,"
		       "\"F\":2.5,\"B\":true,\"Z\":null,\"E\":\"\","
		       "\"A\":[\"x\",\"y\"],\"Labels\":{\"k\":\"v\","
		       "\"a\":\"1\"},\"Config\":{\"Labels\":{\"app\":\"db\"},"
		       "\"Env\":[\"A=1\"]}}";

static void fields(void)
{
	r("{{.ID}}", C, 0, "abc");
	r("id={{.ID}} name={{ .Names }}", C, 0, "id=abc name=web");
	r("{{.Config.Labels.app}}", C, 0, "db");
	r("{{.Config.Labels.none}}", C, 0, "");
	r("{{json .Labels}} {{index .Labels \"x\"}}", "{}", 0, "null ");
	r("{{.N}} {{.F}} {{.B}} {{.Z}} [{{.E}}]", C, 0, "3 2.5 true <nil> []");
	r("{{.A}}", C, 0, "[x y]");
	r("{{.Labels}}", C, 0, "map[a:1 k:v]");
	r("{{.}}", "{\"s\":\"t\"}", 0, "map[s:t]");
	r("{{$.ID}}{{$}}", "{\"ID\":1}", 0, "1map[ID:1]");
	r("{{.Nope}}", C, DL_EXIT_USAGE, "no field 'Nope'");
	r("{{.Config.Nope}}", C, DL_EXIT_USAGE, "no field 'Nope'");
	r("{{.ID.X}}", C, DL_EXIT_USAGE,
	  "can't evaluate field X in type string");
	r("{{1234567.0}} {{100000.0}} {{0.00001}} {{-3}} {{0x10}}", "{}", 0,
	  "1.234567e+06 100000 1e-05 -3 16");
	r("{{\"a\\tb\\\"\\u00e9\"}}{{`r\\n`}}", "{}", 0, "a\tb\"\xc3\xa9r\\n");
}

static void functions(void)
{
	r("{{json .}}", "{\"b\":1,\"a\":[true,null]}", 0,
	  "{\"a\":[true,null],\"b\":1}");
	r("{{json .Config.Labels}}", C, 0, "{\"app\":\"db\"}");
	r("{{json .ID}}", C, 0, "\"abc\"");
	r("{{index .Labels \"k\"}}|{{index .Labels \"none\"}}", C, 0, "v|");
	r("{{index .A 1}}", C, 0, "y");
	r("{{.Label \"k\"}}|{{.Label \"none\"}}|{{\"a\" | .Config.Label}}",
	  C, 0, "v||");
	r("{{.Label \"b\"}}", "{\"Labels\":\"a=1,b=x=y,c=\"}", 0, "x=y");
	r("{{index .A 5}}", C, DL_EXIT_USAGE, "index out of range");
	r("{{index . \"Config\" \"Labels\" \"app\"}}", C, 0, "db");
	r("{{len .A}} {{len .Names}} {{len .Labels}}", C, 0, "2 3 2");
	r("{{len .N}}", C, DL_EXIT_USAGE, "len of type int");
	r("{{printf \"%s-%5d|%-4s|%q|%.2f|%x|%v\" .ID .N .Names .ID .F 255 .A}}",
	  C, 0, "abc-    3|web |\"abc\"|2.50|ff|[x y]");
	r("{{printf \"%d\" .ID}}", C, 0, "%!d(string=abc)");
	r("{{printf \"%s %s\" .ID}}", C, 0, "abc %!s(MISSING)");
	r("{{println .ID .N}}", C, 0, "abc 3\n");
	r("{{print .ID .N 1 2}}", C, 0, "abc3 1 2");
	r("{{join .A \", \"}}", C, 0, "x, y");
	r("{{join (split \"a:b:c\" \":\") \"-\"}}", "{}", 0, "a-b-c");
	r("{{lower \"AbC\"}} {{upper .Names}} {{title \"hello world\"}}",
	  C, 0, "abc WEB Hello World");
	r("{{truncate .Names 2}} [{{pad .ID 1 2}}]", C, 0, "we [ abc  ]");
	r("{{.Names | upper}} {{.A | len}} {{\"x\" | printf \"%s%s\" .ID}}",
	  C, 0, "WEB 2 abcx");
	r("{{upper .N}}", C, DL_EXIT_USAGE, "upper wants a string");
	r("{{eq .ID \"abc\"}} {{eq .N 3}} {{eq .N 1 2 3}} {{ne .ID \"x\"}}",
	  C, 0, "true true true true");
	r("{{lt 1 2}} {{gt .N 5}} {{le 2 2}} {{ge \"b\" \"a\"}}", C, 0,
	  "true false true true");
	r("{{not .E}} {{and .B .N}} {{or .E .ID}} {{and .E .ID}}", C, 0,
	  "true 3 abc ");
	r("{{eq .ID 3}}", C, DL_EXIT_USAGE, "incompatible types");
	r("{{upper}}", C, DL_EXIT_USAGE, "wrong number of args for upper");
	r("{{nosuch .ID}}", C, DL_EXIT_USAGE, "unknown function 'nosuch'");
	r("{{.ID | nosuch}}", C, DL_EXIT_USAGE, "unknown function 'nosuch'");
}

static void control(void)
{
	r("{{if .B}}yes{{end}}", C, 0, "yes");
	r("{{if .E}}yes{{else}}no{{end}}", C, 0, "no");
	r("{{if .E}}1{{else if .Z}}2{{else if .N}}3{{else}}4{{end}}", C, 0,
	  "3");
	r("{{if .A}}a{{end}}{{if .Labels}}l{{end}}{{if 0}}z{{end}}"
	  "{{if \"\"}}e{{end}}{{if .Z}}n{{end}}{{if false}}f{{end}}", C, 0,
	  "al");
	r("{{if not (eq .ID \"abc\")}}no{{else}}yes{{end}}", C, 0, "yes");
	r("{{range .A}}[{{.}}]{{end}}", C, 0, "[x][y]");
	r("{{range $i, $e := .A}}{{$i}}={{$e}} {{end}}", C, 0, "0=x 1=y ");
	r("{{range $k, $v := .Labels}}{{$k}}:{{$v}},{{end}}", C, 0,
	  "a:1,k:v,");
	r("{{range .Nope2}}{{end}}", "{\"Nope2\":[]}", 0, "");
	r("{{range .E}}{{end}}", C, DL_EXIT_USAGE, "range can't iterate");
	r("{{range .Config.Env}}{{.}}{{else}}none{{end}}", C, 0, "A=1");
	r("{{range .X}}{{.}}{{else}}none{{end}}", "{\"X\":[]}", 0, "none");
	r("{{range .A}}{{$.ID}}{{end}}", C, 0, "abcabc");
	r("{{with .Config}}{{.Labels.app}}{{end}}", C, 0, "db");
	r("{{with .E}}x{{else}}empty{{end}}", C, 0, "empty");
	r("{{$x := .ID}}{{$x}}{{$x = \"n\"}}{{$x}}", C, 0, "abcn");
	r("{{if .B}}{{$y := 1}}{{end}}{{$y}}", C, DL_EXIT_USAGE,
	  "undefined variable '$y'");
	r("{{/* a comment */}}a {{- /* trimmed */ -}} b", C, 0, "ab");
	r("a  {{- .ID -}}  \n b", C, 0, "aabcb");
	r("{{-3}}", C, 0, "-3");
	r("{{if .B}}x", C, DL_EXIT_USAGE, "no {{end}}");
	r("{{end}}", C, DL_EXIT_USAGE, "unexpected {{end}}");
	r("{{.ID", C, DL_EXIT_USAGE, "unclosed action");
	r("{{\"abc}}", C, DL_EXIT_USAGE, "unterminated quoted string");
	r("{{define \"x\"}}{{end}}", C, DL_EXIT_USAGE, "not supported");
	r("x\n{{.ID}\n", C, DL_EXIT_USAGE, "2:6:");
}

static void headers(void)
{
	char *names[] = { "ID=CONTAINER ID", "RunningFor=CREATED", NULL };

	header("{{.ID}}\t{{.Names}}\t{{.RunningFor}}\t{{.CreatedAt}}", names,
	       "CONTAINER ID\tNAMES\tCREATED\tCREATED AT");
	header("{{.ID}} {{.HTTPPort}} {{.Size}}", NULL, "ID HTTP PORT SIZE");
	header("{{json .Labels}}|{{upper .Names}}|{{index .Labels \"x\"}}|"
	       "{{join .A \",\"}}", NULL, "LABELS|NAMES|LABELS|A");
	header("{{.A}}{{range .B}}x{{end}}{{len .C}}", NULL, "A1");
}

static void docker_text(void)
{
	bool table;
	char *s = dl_template_docker_text("table {{.ID}}\\t{{.Names}}\\n ",
					  &table);

	ok(table && !strcmp(s, "{{.ID}}\t{{.Names}}\n"), "docker text of",
	   "table {{.ID}}\\t...");
	free(s);
	s = dl_template_docker_text("  {{.ID}}  ", &table);
	ok(!table && !strcmp(s, "{{.ID}}"), "docker text of", "  {{.ID}}  ");
	free(s);
	s = dl_template_docker_text("tablet", &table);
	ok(!table && !strcmp(s, "tablet"), "docker text of", "tablet");
	free(s);
}

static void tw(const char *in, const char *want)
{
	char *out = dl_tabwriter(in, strlen(in), 10, 3);

	ok(!strcmp(out, want), "tabwriter aligns", esc(in));
	if (strcmp(out, want))
		printf("# got '%s', want '%s'\n", out, want);
	free(out);
}

static void tabwriter(void)
{
	tw("A\tB\tC\n1\t2\t3\n", "A         B         C\n"
				 "1         2         3\n");
	tw("NAME\tX\nverylongname1234\ty\n",
	   "NAME               X\nverylongname1234   y\n");
	/* a line with fewer cells ends the column block */
	tw("a\tb\tc\nno tabs\naaaaaaaaaaaaa\tb\n",
	   "a         b         c\nno tabs\naaaaaaaaaaaaa   b\n");
	/* widths in UTF-8 characters */
	tw("\xc3\xa9\tx\nab\ty\n", "\xc3\xa9         x\nab        y\n");
	tw("", "");
}

int main(void)
{
	fields();
	functions();
	control();
	headers();
	docker_text();
	tabwriter();
	return tap_done();
}
