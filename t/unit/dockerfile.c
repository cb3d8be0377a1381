/* SPDX-License-Identifier: Apache-2.0 */
/* dockerfile.c: TAP unit test of Dockerfile variable expansion
 * (dl_df_expand) and of the parser's ARG and ENV (dl_dockerfile_parse,
 * dl_dockerfile_eval) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dl.h"
#include "dl/dfexpand.h"
#include "dl/dockerfile.h"
#include "tap.h"

/* A=a, EMPTY is set and empty, SP="x y"; nothing else is set */
static const char *get(const char *name, void *ctx)
{
	if (!strcmp(name, "A"))
		return "a";
	if (!strcmp(name, "EMPTY"))
		return "";
	if (!strcmp(name, "SP"))
		return "x y";
	return NULL;
}

static void ex(const char *in, unsigned flags, const char *want)
{
	char *out = NULL, *why = NULL;
	int rc = dl_df_expand(in, '\\', flags, get, NULL, &out, &why);

	ok(!rc && !strcmp(out, want), "expands to what a builder gives", in);
	if (rc || strcmp(out, want))
		printf("# got '%s' (%s), want '%s'\n", out ? out : "",
		       why ? why : "", want);
	free(out);
	free(why);
}

static void bad(const char *in)
{
	char *out = NULL, *why = NULL;
	int rc = dl_df_expand(in, '\\', 0, get, NULL, &out, &why);

	ok(rc == DL_EXIT_REJECT && why, "is refused", in);
	free(out);
	free(why);
}

/* The Dockerfile @text, evaluated with @barg (or none): instruction @i
 * has the text @want */
static void df(const char *text, const char *barg, size_t i, const char *want)
{
	struct dl_dockerfile d;
	char *why = NULL, *bargs[1] = { (char *)barg };
	int rc = dl_dockerfile_parse(text, &d, &why);

	if (!rc)
		rc = dl_dockerfile_eval(&d, bargs, barg ? 1 : 0, NULL, 0, &why);
	ok(!rc && i < d.n && !strcmp(d.v[i].text, want),
	   "evaluates as a builder does", text);
	if (rc || i >= d.n || strcmp(d.v[i].text, want))
		printf("# got '%s' (%s), want '%s'\n",
		       !rc && i < d.n ? d.v[i].text : "", why ? why : "", want);
	if (!rc)
		dl_dockerfile_free(&d);
	free(why);
}

static void df_bad(const char *text, const char *part)
{
	struct dl_dockerfile d;
	char *why = NULL;
	int rc = dl_dockerfile_parse(text, &d, &why);

	if (!rc) {
		rc = dl_dockerfile_eval(&d, NULL, 0, NULL, 0, &why);
		dl_dockerfile_free(&d);
	}
	ok(rc == DL_EXIT_REJECT && why && strstr(why, part),
	   "is refused, naming line and instruction", text);
	if (why && !strstr(why, part))
		printf("# got '%s', want '%s'\n", why, part);
	free(why);
}

int main(void)
{
	ex("$A", 0, "a");
	ex("${A}b", 0, "ab");
	ex("$Ab", 0, "");
	ex("${NO:-x}", 0, "x");
	ex("${EMPTY:-x}", 0, "x");
	ex("${EMPTY-x}", 0, "");
	ex("${NO-x}", 0, "x");
	ex("${A:+x}", 0, "x");
	ex("${EMPTY:+x}", 0, "");
	ex("${EMPTY+x}", 0, "x");
	ex("${NO:+x}", 0, "");
	ex("${NO:-${A}}", 0, "a");
	ex("'$A'", 0, "$A");
	ex("\"$A\"", 0, "a");
	ex("\\$A", 0, "$A");
	ex("a$", 0, "a$");
	ex("$1", 0, "$1");
	ex("\"$SP\" '$A'", DL_DF_KEEP_QUOTES, "\"x y\" '$A'");
	ex("it's $A", DL_DF_NO_QUOTES, "it's a");
	bad("${A");
	bad("${A:x}");
	bad("${1}");
	bad("'$A");

	df("FROM s\nARG V=1\nENV E=$V\n", NULL, 2, "E=1");
	df("FROM s\nARG V=1\nENV E=$V\n", "V=2", 2, "E=2");
	df("ARG B=x\nFROM $B\n", NULL, 1, "x");
	df("ARG B=x\nFROM $B\n", "B=y", 1, "y");
	df("ARG V=g\nFROM s\nARG V\nWORKDIR /$V\n", NULL, 3, "/g");
	df("ARG V=g\nFROM s\nWORKDIR /$V\n", NULL, 2, "/");
	df("FROM s\nENV A=1\nENV A=2 B=$A\nLABEL l=$B\n", NULL, 3, "l=1");
	df("FROM s\nRUN echo \\\n  # c\n  $A\n", NULL, 1, "echo   $A");
	df("# escape=`\nFROM s\nRUN a `\n b\n", NULL, 1, "a  b");
	df("FROM s AS one\nENV P=1\nFROM one\nUSER $P\n", NULL, 3, "1");
	df_bad("RUN x\n", "line 1: RUN: only ARG");
	df_bad("FROM s\nBOGUS x\n", "line 2: unknown instruction 'BOGUS'");
	df_bad("FROM s\nCOPY a\n", "line 2: COPY: needs a source");
	df_bad("FROM s\nCOPY --nope=1 a b\n", "line 2: COPY: unknown flag");
	df_bad("FROM s\nRUN <<EOF\nx\n", "line 2: RUN: unterminated here");
	df_bad("FROM s\nSHELL sh -c\n", "line 2: SHELL: needs a JSON");
	df_bad("FROM s\nWORKDIR ${A\n", "line 2: WORKDIR: bad substitution");
	df_bad("FROM s\nONBUILD FROM x\n", "line 2: ONBUILD: 'FROM'");
	return tap_done();
}
