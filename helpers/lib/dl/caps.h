/* SPDX-License-Identifier: Apache-2.0 */
/* caps.h: Linux capabilities by name and number, and Docker's default
 * set: the one table both the spec builder (spec.c) and the spec loader
 * and LXC config (specload.c, lxcconf.c) use */
#ifndef DL_CAPS_H
#define DL_CAPS_H

#include <stdint.h>

/* CAP_CHECKPOINT_RESTORE, the last capability dockerlite knows. */
#define DL_CAP_LAST 40

/* Docker's 14 default capabilities, bit N for capability N
 * (CapEff/CapBnd 00000000a80425fb). */
#define DL_CAPS_DOCKER 0xa80425fbULL

/* Capability names by number, upper case, without "CAP_": "CHOWN"... */
extern const char *const dl_cap_names[DL_CAP_LAST + 1];

/**
 * dl_cap_number() - the number of a capability
 * @name: its name, with or without "CAP_", in any case
 * Return: 0 to DL_CAP_LAST, or -1 when unknown.
 */
extern int dl_cap_number(const char *name);

#endif
