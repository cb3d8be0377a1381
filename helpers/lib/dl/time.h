/* SPDX-License-Identifier: Apache-2.0 */
/* time.h: RFC 3339 timestamps, UTC with nanoseconds */
#ifndef DL_TIME_H
#define DL_TIME_H

#include <stdint.h>
#include <time.h>

/* Length of "2026-11-22T16:49:13.123456789Z", without the NUL. */
#define DL_TIME_LEN 30

/**
 * dl_time_format() - format @ts as "YYYY-MM-DDTHH:MM:SS.NNNNNNNNNZ" (UTC)
 * @ts: the time
 * @out: receives the text and a NUL
 * Return: 0, or -1 with errno set to EOVERFLOW (year out of 0..9999).
 */
extern int dl_time_format(const struct timespec *ts,
			  char out[DL_TIME_LEN + 1]);

/**
 * dl_time_now() - the current time (CLOCK_REALTIME) as dl_time_format()
 * @out: receives the text and a NUL
 * Return: 0, or -1 with errno set.
 */
extern int dl_time_now(char out[DL_TIME_LEN + 1]);

/**
 * dl_time_parse() - parse an RFC 3339 date-time
 * @s: "YYYY-MM-DDTHH:MM:SS[.F{1,9}](Z|+HH:MM|-HH:MM)"; 't'/'z' and a
 *     space for 'T' are accepted too, as RFC 3339 allows
 * @out: receives the time
 * Return: 0, or -1 with errno set to EINVAL.
 */
extern int dl_time_parse(const char *s, struct timespec *out);

/**
 * dl_epoch_get() - the source date epoch of a reproducible output: @opt
 * when given, else $SOURCE_DATE_EPOCH when set and not empty
 * @opt: the option's value, or NULL
 * @out: receives the seconds since the epoch
 * @text: receives the text used (for a message), or NULL if none
 * Return: 1 an epoch in *out, 0 none, -1 *text is not a whole number of
 * seconds.
 */
extern int dl_epoch_get(const char *opt, int64_t *out, const char **text);

#endif
