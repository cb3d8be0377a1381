/* SPDX-License-Identifier: Apache-2.0 */
/* healthopt.h: health checks: the --health-* options, the merge with the
 * image's HEALTHCHECK, the state the prober records (dl/health.h) */
#ifndef DL_HEALTHOPT_H
#define DL_HEALTHOPT_H

struct dl_spec_opts;
struct json_t;

/**
 * dl_health_duration() - parse a Go duration ("30s", "1m30s", "500ms";
 * "0")
 * @s: the text
 * @ns: receives nanoseconds
 * Return: 0, or -1 when @s is not one (or is negative).
 */
extern int dl_health_duration(const char *s, long long *ns);

/**
 * dl_health_duration_check() - check the value of --health-@what
 * @what: "interval", "timeout" or "start-period"
 * @s: the value
 * @reason: receives the failure text
 * Return: 0 or DL_EXIT_USAGE.
 */
extern int dl_health_duration_check(const char *what, const char *s,
				    char **reason);

/**
 * dl_health_retries_check() - check the value of --health-retries
 * @s: the value
 * @reason: receives the failure text
 * Return: 0 or DL_EXIT_USAGE.
 */
extern int dl_health_retries_check(const char *s, char **reason);

/**
 * dl_health_merge() - the container's check: the image's Healthcheck
 * with each --health-* option in place of its field (as Docker), or
 * ["NONE"] with --no-healthcheck
 * @o: the options (checked)
 * @image: the image config's Healthcheck (may be NULL)
 * Return: the check as compact JSON (free it), or NULL when there is none.
 */
extern char *dl_health_merge(const struct dl_spec_opts *o,
			     struct json_t *image);

/**
 * dl_health_state() - the recorded state of @id's check (health.json)
 * @id: the full container ID
 * Return: a new reference, or NULL when none is recorded.
 */
extern struct json_t *dl_health_state(const char *id);

#endif
