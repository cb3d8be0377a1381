/* SPDX-License-Identifier: Apache-2.0 */
/* err.c: the one message format of dockerlite */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dl.h"

const char *dl_prog = "dl";

void dl_set_prog(const char *argv0)
{
	const char *s = getenv("DL_PROG");

	/* run by dl for a command: messages name what the user typed */
	if (s && *s) {
		dl_prog = s;
		return;
	}
	if (!argv0 || !*argv0)
		return;
	s = strrchr(argv0, '/');
	dl_prog = s ? s + 1 : argv0;
}

static void vmsg(const char *level, const char *fmt, va_list ap,
		 const char *reason)
{
	fflush(stdout);
	fprintf(stderr, "%s: %s: ", dl_prog, level);
	vfprintf(stderr, fmt, ap);
	if (reason)
		fprintf(stderr, ": %s", reason);
	fputc('\n', stderr);
}

int dl_fail(char **reason, int code, const char *fmt, ...)
{
	va_list ap;

	if (!reason)
		return code;
	va_start(ap, fmt);
	*reason = dl_xvasprintf(fmt, ap);
	va_end(ap);
	return code;
}

void dl_die(int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg("fatal", fmt, ap, NULL);
	va_end(ap);
	exit(code);
}

void dl_die_sys(int code, const char *fmt, ...)
{
	const char *reason = strerror(errno);
	va_list ap;

	va_start(ap, fmt);
	vmsg("fatal", fmt, ap, reason);
	va_end(ap);
	exit(code);
}

void dl_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg("warning", fmt, ap, NULL);
	va_end(ap);
}

void dl_info(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg("info", fmt, ap, NULL);
	va_end(ap);
}

void dl_usage(const char *usage)
{
	fprintf(stderr, "%s: usage: %s\n", dl_prog, usage);
	exit(DL_EXIT_USAGE);
}

void dl_store_need(void)
{
	_cleanup_free_ char *reason = NULL;
	int r = dl_store_check(&reason);

	if (r)
		dl_die(r, "unable to open store '%s': %s", dl_root(), reason);
}

void dl_help(const char *usage, const char *options)
{
	printf("usage: %s\n", usage);
	if (options && *options)
		printf("\n%s", options);
	exit(dl_finish_stdout());
}

bool dl_want_help(int argc, char **argv)
{
	return argc > 1 &&
	       (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"));
}

int dl_finish_stdout(void)
{
	int bad = fflush(stdout) != 0 || ferror(stdout);

	if (fclose(stdout) != 0)
		bad = 1;
	if (bad && errno != EPIPE)
		dl_die_sys(DL_EXIT_FAIL, "unable to write 'stdout'");
	return bad ? DL_EXIT_FAIL : DL_EXIT_OK;
}
