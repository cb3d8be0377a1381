/* SPDX-License-Identifier: Apache-2.0 */
/* fault.h: crash points for tests */
#ifndef DL_FAULT_H
#define DL_FAULT_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdnoreturn.h>
#include <sys/types.h>

/**
 * dl_fault() - die by SIGKILL here when DL_FAULT names @step
 * @step: the name of this point, "PROG:WHAT" (MANUAL.md lists them)
 *
 * DL_FAULT is a comma-separated list of step names.  The process kills
 * itself as a crash or "kill -9" would, so the tests can check that every
 * step of an operation leaves a store that the next command or
 * "dl system check --repair" brings back.  Unset, this costs one getenv().
 */
extern void dl_fault(const char *step);

#endif
