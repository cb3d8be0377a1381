/* SPDX-License-Identifier: Apache-2.0 */
/* ctrlog.c: the container log, containers/ID/container.log */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "dl.h"
#include "dl/ctrlog.h"
#include "dl/time.h"

int dl_ctrlog_write(int fd, const char *stream, const char *buf, size_t n)
{
	_cleanup_free_ char *out = NULL;
	char ts[DL_TIME_LEN + 1];
	size_t lines = 1, head, len = 0, i = 0;

	if (n == 0)
		return 0;
	if (dl_time_now(ts) < 0)
		return -1;
	for (size_t k = 0; k < n; k++)
		lines += buf[k] == '\n';
	head = DL_TIME_LEN + strlen(stream) + 5;	/* "TS STREAM F " */
	out = dl_xmalloc(n + lines * (head + 1));
	while (i < n) {
		const char *nl = memchr(buf + i, '\n', n - i);
		size_t end = nl ? (size_t)(nl - buf) : n;

		len += (size_t)sprintf(out + len, "%s %s %c ", ts, stream,
				       nl ? 'F' : 'P');
		memcpy(out + len, buf + i, end - i);
		len += end - i;
		out[len++] = '\n';
		i = nl ? end + 1 : n;
	}
	for (i = 0; i < len;) {
		ssize_t w = write(fd, out + i, len - i);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -1;
		i += (size_t)w;
	}
	return 0;
}
