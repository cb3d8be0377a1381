/* SPDX-License-Identifier: Apache-2.0 */
/* file.h: whole-file I/O */
#ifndef DL_FILE_H
#define DL_FILE_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdnoreturn.h>
#include <sys/types.h>

/**
 * dl_write_file_atomic() - write @len bytes to @path by temp file + fsync
 * + rename(2) + fsync of the directory, so readers see old or new, never half
 * @path: destination
 * @buf: content
 * @len: its length
 * @mode: permission bits of the new file
 * Return: 0, or -1 with errno set; nothing is left behind on failure.
 */
extern int dl_write_file_atomic(const char *path, const void *buf, size_t len,
				mode_t mode);

/* Flags of dl_write_file_atomic_flags(). */
#define DL_WRITE_NOSYNC 0x1U /* no fsync(2) of the file nor its directory */

/**
 * dl_write_file_atomic_flags() - dl_write_file_atomic() with @flags
 * @path: destination
 * @buf: content
 * @len: its length
 * @mode: permission bits of the new file
 * @flags: 0, or DL_WRITE_NOSYNC: still temp file + rename(2), so readers
 *         see old or new, never half, but nothing is made durable: for
 *         files rebuilt from others at every use, or for a tree that the
 *         caller makes durable with one sync before publishing it
 *         (dl_image_sync())
 * Return: 0, or -1 with errno set; nothing is left behind on failure.
 */
extern int dl_write_file_atomic_flags(const char *path, const void *buf,
				      size_t len, mode_t mode,
				      unsigned int flags);

/**
 * dl_read_file() - read a whole file (or stdin when @path is "-")
 * @path: the file
 * @out: receives a malloc'd NUL-terminated buffer
 * @len: receives the length, may be NULL
 * Return: 0, or -1 with errno set.
 */
extern int dl_read_file(const char *path, char **out, size_t *len);

/**
 * dl_mkdir_p() - make a directory and its parents
 * @path: the directory
 * @mode: mode of the directories made
 * Return: 0 (also when it exists), or -1 with errno set.
 */
/**
 * dl_file_new() - an unnamed file in the directory @file is to be in
 * (O_TMPFILE), for dl_file_publish()
 * @file: the name it will have
 * Return: an O_WRONLY descriptor, or -1 with errno set.
 */
extern int dl_file_new(const char *file);

/**
 * dl_file_publish() - make @fd, from dl_file_new(), durable and @file:
 * fsync'd, linked in under a temporary name, renamed over @file; nothing
 * is left behind on failure
 * @fd: the file
 * @file: its name
 * Return: 0, or -1 with errno set.
 */
extern int dl_file_publish(int fd, const char *file);

extern int dl_mkdir_p(const char *path, mode_t mode);

#endif
