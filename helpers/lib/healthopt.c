/* SPDX-License-Identifier: Apache-2.0 */
/* healthopt.c: health checks: the options, the merge with the image's,
 * the recorded state */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "dl.h"
#include "dl/healthopt.h"
#include "dl/json.h"
#include "dl/spec.h"

int dl_health_duration(const char *s, long long *ns)
{
	static const struct {
		const char *unit;
		long long ns;
	} units[] = {
		{ "ns", 1 }, { "us", 1000 }, { "\xc2\xb5s", 1000 },
		{ "ms", 1000000 }, { "s", 1000000000LL },
		{ "m", 60 * 1000000000LL }, { "h", 3600 * 1000000000LL },
	};
	long long total = 0;

	if (!s || !*s)
		return -1;
	if (!strcmp(s, "0")) {
		*ns = 0;
		return 0;
	}
	while (*s) {
		char *end;
		double v;
		size_t i, len;

		if (*s == '-' || *s == '+')
			return -1;
		errno = 0;
		v = strtod(s, &end);
		if (end == s || errno || v < 0)
			return -1;
		len = strcspn(end, "0123456789.");
		for (i = 0; i < sizeof(units) / sizeof(units[0]); i++)
			if (strlen(units[i].unit) == len &&
			    !strncmp(end, units[i].unit, len))
				break;
		if (!len || i == sizeof(units) / sizeof(units[0]))
			return -1;
		total += (long long)(v * (double)units[i].ns);
		s = end + len;
	}
	*ns = total;
	return 0;
}

int dl_health_duration_check(const char *what, const char *s, char **reason)
{
	long long ns;

	if (dl_health_duration(s, &ns) < 0)
		return dl_fail(reason, DL_EXIT_USAGE, "unable to set health "
			       "%s '%s': not a duration (e.g. 30s, 1m30s, "
			       "500ms)", what, s);
	/* as Docker: zero is the default, else at least 1 ms */
	if (ns && ns < 1000000)
		return dl_fail(reason, DL_EXIT_USAGE, "unable to set health "
			       "%s '%s': at least 1ms (or 0, the default)",
			       what, s);
	return 0;
}

int dl_health_retries_check(const char *s, char **reason)
{
	char *end;
	long n;

	errno = 0;
	n = strtol(s, &end, 10);
	if (end == s || *end || errno || n < 0 || n > 1000000000)
		return dl_fail(reason, DL_EXIT_USAGE, "unable to set health "
			       "retries '%s': not a number of 0 or more", s);
	return 0;
}

static void set_ns(json_t *hc, const char *key, const char *opt)
{
	long long ns;

	if (opt && !dl_health_duration(opt, &ns) &&
	    json_object_set_new(hc, key, json_integer(ns)) < 0)
		dl_oom();
}

char *dl_health_merge(const struct dl_spec_opts *o, json_t *image)
{
	json_auto_t *hc = NULL;
	char *text;

	if (o->no_healthcheck)
		hc = json_pack("{s:[s]}", "Test", "NONE");
	else if (json_is_object(image))
		hc = json_deep_copy(image);
	else if (o->health_cmd || o->health_interval || o->health_timeout ||
		 o->health_retries || o->health_start_period)
		hc = json_object();
	else
		return NULL;
	if (!hc)
		dl_oom();
	if (o->health_cmd &&
	    json_object_set_new(hc, "Test", json_pack("[ss]", "CMD-SHELL",
						      o->health_cmd)) < 0)
		dl_oom();
	set_ns(hc, "Interval", o->health_interval);
	set_ns(hc, "Timeout", o->health_timeout);
	set_ns(hc, "StartPeriod", o->health_start_period);
	if (o->health_retries &&
	    json_object_set_new(hc, "Retries",
				json_integer(strtol(o->health_retries, NULL,
						    10))) < 0)
		dl_oom();
	text = json_dumps(hc, JSON_COMPACT | JSON_SORT_KEYS);
	if (!text)
		dl_oom();
	return text;
}

json_t *dl_health_state(const char *id)
{
	_cleanup_free_ char *path = dl_path("containers/%s/health.json", id);
	_cleanup_free_ char *why = NULL;

	return dl_json_load(path, &why);
}
