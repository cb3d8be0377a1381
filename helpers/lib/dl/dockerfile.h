/* SPDX-License-Identifier: Apache-2.0 */
/* dockerfile.h: Dockerfiles parsed into instructions, ARG and ENV applied */
#ifndef DL_DOCKERFILE_H
#define DL_DOCKERFILE_H

#include <stdbool.h>
#include <stddef.h>

/* A here-document of RUN, COPY or ADD (<<NAME, <<-NAME, <<"NAME"). */
struct dl_df_heredoc {
	char *name;
	char *body;  /* its lines, each ending in a newline */
	bool expand; /* the name was not quoted: variables expand (COPY) */
};

/* One instruction: its logical line, continuations joined. */
struct dl_df_insn {
	unsigned line, end_line; /* first and last physical line */
	char cmd[16];            /* upper case: "RUN" */
	char **flags;            /* "--from=build", as written (expanded) */
	size_t nflags;
	bool json;               /* exec (JSON array) form */
	char *text;              /* the arguments after the flags */
	char **args;             /* JSON: the elements; else the words */
	size_t nargs;
	char **env;              /* after dl_dockerfile_eval(): K=V of the
				  * ARGs in effect (a RUN's environment) */
	size_t nenv;
	struct dl_df_heredoc *docs;
	size_t ndocs;
	int stage;               /* its stage, 0 the first; -1 before FROM */
};

/* A parsed Dockerfile. */
struct dl_dockerfile {
	char esc; /* the escape character: '\\', or '`' by "# escape=`" */
	struct dl_df_insn *v;
	size_t n;
};

/**
 * dl_dockerfile_parse() - parse the text of a Dockerfile
 * @text: the whole file, NUL-terminated
 * @df: receives the instructions (free with dl_dockerfile_free())
 * @reason: receives "line N: INSTRUCTION: why" on failure
 *
 * Parser directives at the top (escape; syntax and check are ignored),
 * comments, blank lines, continuations (the escape character ending a
 * line, comment lines inside skipped), flags, JSON and shell forms and
 * here-documents.  Every instruction is checked for its arguments and
 * known flags.  Return: 0, or DL_EXIT_REJECT with @reason set.
 */
extern int dl_dockerfile_parse(const char *text, struct dl_dockerfile *df,
			       char **reason);

/**
 * dl_dockerfile_eval() - apply ARG and ENV as a builder does: expand the
 * variables of ADD, COPY, ENV, EXPOSE, FROM, LABEL, STOPSIGNAL, USER,
 * VOLUME and WORKDIR (text, words and flags), set each instruction's
 * stage and environment
 * @df: a parsed Dockerfile, changed in place
 * @bargs: the build arguments, K=V (they override ARG defaults)
 * @nbargs: their count
 * @benv: the environment of base images, "N:K=V" for stage N (a stage
 *        FROM an earlier stage starts with that stage's ENV instead)
 * @nbenv: their count
 * @reason: receives "line N: INSTRUCTION: why" on failure
 * Return: 0, or DL_EXIT_REJECT (an instruction before FROM other than
 * ARG, a bad substitution).
 */
extern int dl_dockerfile_eval(struct dl_dockerfile *df, char *const *bargs,
			      size_t nbargs, char *const *benv, size_t nbenv,
			      char **reason);

/**
 * dl_dockerfile_free() - free what dl_dockerfile_parse() made
 * @df: the Dockerfile (its fields are cleared)
 */
extern void dl_dockerfile_free(struct dl_dockerfile *df);

#endif
