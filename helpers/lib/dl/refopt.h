/* SPDX-License-Identifier: Apache-2.0 */
/* refopt.h: the command line of the dl-ref-* programs, for their main
 * only: like dl_usage(), these print and exit */
#ifndef DL_REFOPT_H
#define DL_REFOPT_H

#include <stdbool.h>

#include "dl/refname.h"

/**
 * dl_ref_options() - parse -c (container names) and -h, check that @min
 * to @max operands follow, and (@store) that the store is there
 * @argc: argument count
 * @argv: arguments; optind is left at the first operand
 * @usage: the synopsis
 * @options: the option table of --help
 * @min: the fewest operands
 * @max: the most operands
 * @store: whether the program needs the store (dl_store_need())
 *
 * Sets the program name.  Exits 0 for help, 2 on wrong usage, 1 when the
 * store is missing.  Return: true when -c was given.
 */
extern bool dl_ref_options(int argc, char **argv, const char *usage,
			   const char *options, int min, int max, bool store);

/**
 * dl_ref_check() - exit @code with "unable to VERB 'OBJ': REASON" unless
 * @code is 0; then free *@reason and set it to NULL
 * @code: a DL_EXIT_* code from a library call
 * @verb: what was being done
 * @obj: on what
 * @reason: the call's reason (a pointer: the call fills it in)
 */
extern void dl_ref_check(int code, const char *verb, const char *obj,
			 char **reason);

/**
 * dl_ref_operand() - check NAME: an image name, parsed into @r, or with
 * @container a container name; exit 2 when it is not one
 * @name: the operand
 * @container: whether it is a container name (-c)
 * @r: receives repo and tag of an image name (free with dl_ref_free())
 */
extern void dl_ref_operand(const char *name, bool container,
			   struct dl_ref *r);

#endif
