/* SPDX-License-Identifier: Apache-2.0 */
/* template.h: the subset of Go's text/template that Docker's --format
 * takes, rendered over JSON (jansson), and Go's tabwriter for its tables
 *
 * The language: text and {{actions}}; {{- and -}} trim the white space
 * beside them; a comment is an action of slash-star ... star-slash.
 * Operands: . (dot), .A.B (fields of dot), $ (the data), $x and $x.A (variables), "strings" with Go's
 * escapes, `raw strings`, numbers, true, false, nil, and (pipelines).
 * A pipeline is commands joined by |, each result passed as the last
 * argument of the next; {{$x := PIPELINE}} declares a variable.
 * Control: if/else if/else/end, range (with $i, $e := or $e :=, and an
 * else for nothing to iterate), with/else/end.  Functions: json, index,
 * len, printf, print, println, join, split, lower, upper, title,
 * truncate, pad, eq, ne, lt, le, gt, ge, not, and, or; and Docker's method
 * .Label KEY (KEY in the object's Labels, an object or "k=v,..." string).
 *
 * Values print as Go prints them: a string as is, an integer in decimal,
 * a real in the shortest form that reads back (%g), true/false, null as
 * "<nil>", an array as [a b], an object as map[k:v] (keys sorted).
 * Truth is Go's: false, 0, null, "" and an empty array or object are
 * false.  A field missing from an object is an error naming the field,
 * except in an object reached through a key "Labels" (there, and from
 * index, a missing key is "", as Go does for map[string]string), and a
 * missing "Labels" itself is null (Docker's nil map).
 */
#ifndef DL_TEMPLATE_H
#define DL_TEMPLATE_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

/* A parsed template; opaque. */
struct dl_template;

/**
 * dl_template_parse() - parse a template
 * @text: the template (Docker's "\t" and "\n" already replaced, see
 *        dl_template_docker_text())
 * @out: receives the template, to free with dl_template_free()
 * @reason: receives the reason of a failure ("1:7: unknown function
 *          'foo'", "1:3: unclosed action")
 *
 * Every function named must exist: an unknown one is refused here, before
 * any data is read.
 *
 * Return: 0, or DL_EXIT_USAGE for a template that is not valid.
 */
extern int dl_template_parse(const char *text, struct dl_template **out,
			     char **reason);

/**
 * dl_template_free() - free a template (NULL is fine)
 * @t: the template
 */
extern void dl_template_free(struct dl_template *t);

/**
 * dl_template_render() - render a template with @data as dot and $
 * @t: the template
 * @data: the data (not changed)
 * @out: receives the text, malloc'd and NUL-terminated (it may hold NULs
 *       of the data too: @len counts them)
 * @len: receives the length of the text
 * @reason: receives the reason of a failure, naming the action ("at
 *          <.Foo>: no field 'Foo'")
 *
 * Return: 0, or DL_EXIT_USAGE when the template does not fit the data
 * (an unknown field, a function given the wrong kind of value).
 */
extern int dl_template_render(const struct dl_template *t, json_t *data,
			      char **out, size_t *len, char **reason);

/**
 * dl_template_render_header() - render the header line of a table: as
 * Docker does, the template with each field .F (of dot, its first name)
 * printed as its header, and json, index, join, split, lower, upper, title,
 * truncate and pad giving back their argument unchanged
 * @t: the template
 * @names: pairs of field name and header (NULL-terminated list of
 *         "FIELD=HEADER"), or NULL
 * @out: receives the text, malloc'd
 * @reason: receives the reason of a failure
 *
 * A field without a header in @names gets its name split at its capitals
 * and upper-cased ("CreatedAt" gives "CREATED AT", "ID" gives "ID").
 *
 * Return: 0, or DL_EXIT_USAGE.
 */
extern int dl_template_render_header(const struct dl_template *t,
				     char *const *names, char **out,
				     char **reason);

/**
 * dl_template_docker_text() - the text of a --format as Docker's command
 * line makes it: a leading "table" taken off (and *@table set), spaces
 * trimmed at both ends, and the two-character sequences \t and \n made a
 * tab and a newline
 * @format: the --format argument
 * @table: receives whether it began with "table"
 *
 * Return: the template text, malloc'd.
 */
extern char *dl_template_docker_text(const char *format, bool *table);

/**
 * dl_tabwriter() - align tab-terminated cells in columns as Go's
 * text/tabwriter with Docker's settings (minimum width 10, padding 3,
 * spaces, left aligned): a column is a run of lines that have that cell,
 * its width that of its widest cell (in UTF-8 characters) plus 3; the
 * text after a line's last tab is not a cell
 * @text: the text
 * @len: its length
 * @minwidth: the minimum column width (Docker: 10)
 * @padding: added to the widest cell (Docker: 3)
 *
 * Return: the aligned text, malloc'd and NUL-terminated.
 */
extern char *dl_tabwriter(const char *text, size_t len, size_t minwidth,
			  size_t padding);

#endif
