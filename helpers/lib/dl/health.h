/* SPDX-License-Identifier: Apache-2.0 */
/* health.h: health checks, run by a container's monitor */
#ifndef DL_HEALTH_H
#define DL_HEALTH_H

#include <stdbool.h>
#include <sys/types.h>

struct dl_spec;

/*
 * The check is Docker's Healthcheck object {"Test":["CMD",ARG...] or
 * ["CMD-SHELL",LINE] or ["NONE"],"Interval":NS,"Timeout":NS,
 * "StartPeriod":NS,"Retries":N}, kept in spec.json as annotation
 * org.dockerlite.healthcheck.  Its state is containers/ID/health.json,
 * {"Status":"starting|healthy|unhealthy","FailingStreak":N,
 * "Log":[{"Start","End","ExitCode","Output"}...]} (the last 5 probes),
 * written by rename(2) after each probe.
 */

/**
 * dl_health_start() - fork the prober of running container @id: every
 * interval it runs the check in the container (attached as dl exec, as
 * the container's user, with its environment and seccomp filter), kills
 * it after the timeout, and records the result in health.json (first
 * "starting").  It dies with its parent.
 * @spec: the container's spec (its annotation names the check)
 * @id: the full container ID
 * @lxcpath: the store's containers directory
 * @env: the environment of the container's processes
 * Return: the prober's pid, 0 when the container has no check, or -1 with
 * errno set.
 */
extern pid_t dl_health_start(const struct dl_spec *spec, const char *id,
			     const char *lxcpath, char **env);

/**
 * dl_health_stop() - end the prober @pid (if > 0) and reap it
 * @pid: from dl_health_start()
 */
extern void dl_health_stop(pid_t pid);

#endif
