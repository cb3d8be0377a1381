/* SPDX-License-Identifier: Apache-2.0 */
/* dfexpand.h: Dockerfile variable expansion ($V, ${V}, ${V:-x}, ${V:+x}) */
#ifndef DL_DFEXPAND_H
#define DL_DFEXPAND_H

#include <stdbool.h>

/**
 * typedef dl_df_lookup_fn - the value of a variable, or NULL when unset
 * @name: the variable's name
 * @ctx: the caller's context
 */
typedef const char *dl_df_lookup_fn(const char *name, void *ctx);

/* Flags of dl_df_expand(). */
enum {
	/* Keep the quotes in the output (the text goes to a parser that
	 * splits words itself); else they are removed, as of one word. */
	DL_DF_KEEP_QUOTES = 1u << 0,
	/* Quotes mean nothing: only variables and the escape character
	 * before '$' (the content of a here-document). */
	DL_DF_NO_QUOTES = 1u << 1,
};

/**
 * dl_df_expand() - expand the variables of @s as a Dockerfile builder
 * does: $NAME, ${NAME}, ${NAME:-WORD} and ${NAME-WORD} (WORD when unset,
 * or also empty with ':'), ${NAME:+WORD} and ${NAME+WORD} (WORD when set);
 * nothing inside '...'; @esc before any character keeps it as it is
 * (removed, unless DL_DF_KEEP_QUOTES keeps it too)
 * @s: the text
 * @esc: the escape character ('\\' or '`')
 * @flags: DL_DF_* flags
 * @get: the lookup of a variable
 * @ctx: passed to @get
 * @out: receives the malloc'd result
 * @reason: receives the failure text
 *
 * A '$' not followed by a name or '{' is kept.  Return: 0, or
 * DL_EXIT_REJECT (an unterminated ${ or quote, a bad modifier or name).
 */
extern int dl_df_expand(const char *s, char esc, unsigned flags,
			dl_df_lookup_fn *get, void *ctx, char **out,
			char **reason);

#endif
