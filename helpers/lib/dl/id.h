/* SPDX-License-Identifier: Apache-2.0 */
/* id.h: object identifiers */
#ifndef DL_ID_H
#define DL_ID_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdnoreturn.h>
#include <sys/types.h>

/* Length of an ID: 64 lowercase hex digits (256 bits, as Docker's). */
#define DL_ID_LEN 64

/* The one reason given for an operand that should be a full ID and is
 * not: "unable to VERB 'X': " DL_ID_INVALID, exit DL_EXIT_USAGE. */
#define DL_ID_INVALID "not a valid ID (64 lowercase hex digits)"

/**
 * dl_is_id() - tell whether @s is a full ID (64 lowercase hex digits)
 * @s: the string
 * Return: true or false.
 */
extern bool dl_is_id(const char *s);

/**
 * dl_is_id_prefix() - tell whether @s is 1 to 64 lowercase hex digits
 * @s: the string
 * Return: true or false.
 */
extern bool dl_is_id_prefix(const char *s);

/**
 * dl_new_id() - make a fresh random ID
 * @out: receives 64 hex digits and a NUL
 * Return: 0, or -1 with errno set (getrandom failed).
 */
extern int dl_new_id(char out[DL_ID_LEN + 1]);

#endif
