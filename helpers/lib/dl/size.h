/* SPDX-License-Identifier: Apache-2.0 */
/* size.h: sizes in bytes as users write them */
#ifndef DL_SIZE_H
#define DL_SIZE_H

/**
 * dl_parse_bytes() - a size as Docker's RAMInBytes reads it: "1024",
 * "512m", "64mb", "1.5g", "2GiB" (binary units b, k, m, g, t, p)
 * @s: the text
 * Return: the bytes, or -1 if @s is not a size.
 */
extern long long dl_parse_bytes(const char *s);

#endif
