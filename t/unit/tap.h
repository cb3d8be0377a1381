/* SPDX-License-Identifier: Apache-2.0 */
/* tap.h: the TAP output of the unit test programs in t/unit (each one
 * program, so the state lives here, static) */
#ifndef DL_TAP_H
#define DL_TAP_H

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include <jansson.h>

static int n, failed;

/* One TAP line; @todo names a known bug, and a failure then does not count */
static inline void ok_todo(bool cond, const char *desc, const char *arg,
			   const char *todo)
{
	n++;
	if (!cond && !todo)
		failed++;
	printf("%sok %d - %s '%s'%s%s\n", cond ? "" : "not ", n, desc, arg,
	       todo ? " # TODO " : "", todo ? todo : "");
}

static inline void ok(bool cond, const char *desc, const char *arg)
{
	ok_todo(cond, desc, arg, NULL);
}

/* The plan, last, and the exit status of the program */
static inline int tap_done(void)
{
	printf("1..%d\n", n);
	return failed ? 1 : 0;
}

/* A JSON document of the test itself; a bad one stops the program */
static inline json_t *parse(const char *text)
{
	json_error_t jerr;
	json_t *j = json_loads(text, JSON_REJECT_DUPLICATES, &jerr);

	if (!j) {
		printf("Bail out! bad test JSON '%s': %s\n", text, jerr.text);
		exit(1);
	}
	return j;
}

#endif
