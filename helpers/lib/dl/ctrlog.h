/* SPDX-License-Identifier: Apache-2.0 */
/* ctrlog.h: the container log, containers/ID/container.log */
#ifndef DL_CTRLOG_H
#define DL_CTRLOG_H

#include <stddef.h>

/*
 * The format is the one of CRI and podman's k8s-file driver, one record a
 * line: "TIMESTAMP STREAM TAG CONTENT\n", TIMESTAMP the time the chunk was
 * read (RFC 3339, UTC, 9 digits: fixed width, so that times compare as
 * strings), STREAM "stdout" or "stderr", TAG "F" for a whole line (its
 * newline dropped) or "P" for a part of one that the next record of the
 * stream goes on with.
 */

/**
 * dl_ctrlog_write() - append what a container wrote to its log, one
 * record a line, in one write(2)
 * @fd: the log, opened O_APPEND
 * @stream: "stdout" or "stderr"
 * @buf: the bytes read
 * @n: how many
 * Return: 0, or -1 with errno set.
 */
extern int dl_ctrlog_write(int fd, const char *stream, const char *buf,
			   size_t n);

#endif
