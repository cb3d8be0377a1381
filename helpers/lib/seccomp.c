/* SPDX-License-Identifier: Apache-2.0 */
/* seccomp.c: a seccomp profile compiled once with libseccomp and cached
 * in the store as a BPF program */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>
#include <zlib.h>

#include "dl.h"
#include "dl/file.h"
#include "dl/path.h"
#include "dl/seccomp.h"

#define BPF_INSN 8 /* sizeof(struct sock_filter) */
#define BPF_MAX 4096 /* BPF_MAXINSNS */

static void release(scmp_filter_ctx *ctx)
{
	if (*ctx)
		seccomp_release(*ctx);
}

static const struct {
	const char *name;
	enum scmp_compare op;
} ops[] = {
	{ "SCMP_CMP_NE", SCMP_CMP_NE }, { "SCMP_CMP_LT", SCMP_CMP_LT },
	{ "SCMP_CMP_LE", SCMP_CMP_LE }, { "SCMP_CMP_EQ", SCMP_CMP_EQ },
	{ "SCMP_CMP_GE", SCMP_CMP_GE }, { "SCMP_CMP_GT", SCMP_CMP_GT },
	{ "SCMP_CMP_MASKED_EQ", SCMP_CMP_MASKED_EQ },
};

/* One "[INDEX,VALUE,OP(,MASK)]". */
static bool parse_arg(const char *s, struct scmp_arg_cmp *a)
{
	char op[32], end;
	unsigned int idx;
	uint64_t val, mask = 0;
	int n = sscanf(s, "[%u,%" SCNu64 ",%31[A-Z_]%c", &idx, &val, op, &end);
	size_t i;

	if (n != 4 || idx > 5)
		return false;
	if (end == ',') {
		const char *m = strchr(strchr(strchr(s, ',') + 1, ',') + 1, ',');

		if (sscanf(m, ",%" SCNu64 "%c", &mask, &end) != 2)
			return false;
	}
	if (end != ']')
		return false;
	for (i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		if (!strcmp(op, ops[i].name))
			break;
	if (i == sizeof(ops) / sizeof(ops[0]))
		return false;
	/* as LXC: a masked compare takes the mask first, the value second */
	if (ops[i].op == SCMP_CMP_MASKED_EQ)
		*a = (struct scmp_arg_cmp){ idx, ops[i].op, mask, val };
	else if (end == ']' && mask == 0)
		*a = (struct scmp_arg_cmp){ idx, ops[i].op, val, 0 };
	else
		return false;
	return true;
}

static bool parse_action(char **save, uint32_t *act)
{
	char *w = strtok_r(NULL, " \t", save), *e;
	long n;

	if (!w)
		return false;
	if (!strcmp(w, "kill"))
		*act = SCMP_ACT_KILL;
	else if (!strcmp(w, "trap"))
		*act = SCMP_ACT_TRAP;
	else if (!strcmp(w, "allow"))
		*act = SCMP_ACT_ALLOW;
	else if (!strcmp(w, "errno")) {
		w = strtok_r(NULL, " \t", save);
		if (!w)
			return false;
		errno = 0;
		n = strtol(w, &e, 10);
		if (errno || *e || n < 0 || n > 4095)
			return false;
		*act = SCMP_ACT_ERRNO((uint16_t)n);
	} else {
		return false;
	}
	return true;
}

/* One rule line: NAME ACTION [ARG]...; a NAME unknown here is skipped. */
static int add_rule(scmp_filter_ctx ctx, char *line, unsigned int no,
		    char **reason)
{
	struct scmp_arg_cmp args[6];
	unsigned int nargs = 0;
	char *save = NULL, *name = strtok_r(line, " \t", &save), *w;
	uint32_t act;
	int nr, r;

	if (!parse_action(&save, &act))
		return dl_fail(reason, DL_EXIT_REJECT,
			       "line %u: not NAME errno N|kill|trap|allow", no);
	while ((w = strtok_r(NULL, " \t", &save))) {
		if (nargs == 6 || !parse_arg(w, &args[nargs]))
			return dl_fail(reason, DL_EXIT_REJECT,
				       "line %u: bad argument '%s'", no, w);
		nargs++;
	}
	nr = seccomp_syscall_resolve_name(name);
	if (nr == __NR_SCMP_ERROR)
		return 0;
	r = seccomp_rule_add_array(ctx, act, nr, nargs, args);
	/* a pseudo-syscall that none of the filter's ABIs has */
	if (r == -EDOM || (r == -EINVAL && nr < 0))
		return 0;
	if (r < 0)
		return dl_fail(reason, DL_EXIT_FAIL, "line %u: %s: %s", no, name,
			       strerror(-r));
	return 0;
}

static int add_all_arches(scmp_filter_ctx ctx, char **reason)
{
	static const uint32_t extra[] = { SCMP_ARCH_X86, SCMP_ARCH_X32 };

	if (seccomp_arch_native() != SCMP_ARCH_X86_64)
		return 0;
	for (size_t i = 0; i < sizeof(extra) / sizeof(extra[0]); i++) {
		int r = seccomp_arch_add(ctx, extra[i]);

		if (r < 0 && r != -EEXIST)
			return dl_fail(reason, DL_EXIT_FAIL,
				       "unable to add an ABI: %s", strerror(-r));
	}
	return 0;
}

/* The exported program, read back from a memfd. */
static int export(scmp_filter_ctx ctx, struct dl_bpf *out, char **reason)
{
	_cleanup_close_ int fd = memfd_create("dl-seccomp", MFD_CLOEXEC);
	struct stat st;
	char *buf;
	int r;

	if (fd < 0)
		return dl_fail(reason, DL_EXIT_FAIL, "memfd: %s", strerror(errno));
	if ((r = seccomp_export_bpf(ctx, fd)) < 0)
		return dl_fail(reason, DL_EXIT_FAIL, "unable to export: %s",
			       strerror(-r));
	if (fstat(fd, &st) < 0)
		return dl_fail(reason, DL_EXIT_FAIL, "%s", strerror(errno));
	if (st.st_size <= 0 || st.st_size % BPF_INSN ||
	    st.st_size > BPF_MAX * BPF_INSN)
		return dl_fail(reason, DL_EXIT_FAIL,
			       "the program has %lld bytes", (long long)st.st_size);
	buf = dl_xmalloc((size_t)st.st_size);
	if (pread(fd, buf, (size_t)st.st_size, 0) != st.st_size) {
		free(buf);
		return dl_fail(reason, DL_EXIT_FAIL, "memfd: short read");
	}
	out->insns = buf;
	out->len = (size_t)st.st_size / BPF_INSN;
	return 0;
}

int dl_seccomp_compile(const char *text, struct dl_bpf *out, char **reason)
{
	__attribute__((cleanup(release))) scmp_filter_ctx ctx = NULL;
	_cleanup_free_ char *copy = dl_xstrdup(text);
	char *line;
	unsigned int no = 0;
	int r;

	ctx = seccomp_init(SCMP_ACT_ALLOW);
	if (!ctx)
		return dl_fail(reason, DL_EXIT_FAIL, "seccomp_init failed");
	/* loaded by dl's init, which holds CAP_SYS_ADMIN then: setting
	 * no_new_privs is the spec's choice, not the filter's */
	seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0);
	for (line = text[0] ? copy : NULL; line;) {
		char *next = strchr(line, '\n');

		if (next)
			*next++ = '\0';
		no++;
		line += strspn(line, " \t");
		if (no == 1 && strcmp(line, "2"))
			return dl_fail(reason, DL_EXIT_REJECT,
				       "line 1: not version 2");
		if (no == 2 && strcmp(line, "denylist") && strcmp(line, "blacklist"))
			return dl_fail(reason, DL_EXIT_REJECT,
				       "line 2: not a denylist");
		if (no <= 2 || !line[0] || line[0] == '#') {
			line = next;
			continue;
		}
		if (line[0] == '[') {
			if (strcmp(line, "[all]") && strcmp(line, "[ALL]"))
				return dl_fail(reason, DL_EXIT_REJECT,
					       "line %u: only [all] is known", no);
			if ((r = add_all_arches(ctx, reason)))
				return r;
		} else if ((r = add_rule(ctx, line, no, reason))) {
			return r;
		}
		line = next;
	}
	if (no < 2)
		return dl_fail(reason, DL_EXIT_REJECT, "not a version 2 denylist");
	return export(ctx, out, reason);
}

/*
 * A cache file: the header line "dl-seccomp 1 ABI VERSION LEN", then the
 * LEN bytes of the profile, then the program. Its name is the CRC-32 of
 * the header and profile, which only spreads profiles over names: the
 * profile in the file is compared with ours, whole, before the program
 * is used.
 */
static char *cache_header(const char *text)
{
	const struct scmp_version *v = seccomp_version();

	return dl_xasprintf("dl-seccomp 1 %" PRIu32 " %u.%u.%u %zu\n",
			    seccomp_arch_native(), v->major, v->minor, v->micro,
			    strlen(text));
}

static char *cache_name(const char *head, const char *text)
{
	uLong crc = crc32(0L, Z_NULL, 0);

	crc = crc32(crc, (const Bytef *)head, (uInt)strlen(head));
	crc = crc32(crc, (const Bytef *)text, (uInt)strlen(text));
	return dl_path("cache/seccomp/%08lx.bpf", (unsigned long)crc);
}

static bool read_cached(const char *path, const char *head, const char *text,
			struct dl_bpf *out)
{
	_cleanup_free_ char *buf = NULL;
	size_t len, hl = strlen(head), tl = strlen(text), pl;

	if (dl_read_file(path, &buf, &len) < 0 || len < hl + tl ||
	    memcmp(buf, head, hl) || memcmp(buf + hl, text, tl))
		return false;
	pl = len - hl - tl;
	if (!pl || pl % BPF_INSN || pl > BPF_MAX * BPF_INSN)
		return false;
	out->insns = dl_xmalloc(pl);
	memcpy(out->insns, buf + hl + tl, pl);
	out->len = pl / BPF_INSN;
	return true;
}

/* Link a whole unnamed file in at @path (another one is replaced). */
static int publish(const char *path, const char *head, const char *text,
		   const struct dl_bpf *p, char **reason)
{
	_cleanup_free_ char *dir = dl_xstrdup(path);
	_cleanup_close_ int fd = -1;
	char proc[64];
	size_t len = p->len * BPF_INSN;
	struct iovec iov[3] = {
		{ (void *)head, strlen(head) },
		{ (void *)text, strlen(text) },
		{ p->insns, len },
	};

	*strrchr(dir, '/') = '\0';
	if (dl_mkdir_p(dir, 0700) < 0)
		return dl_fail(reason, DL_EXIT_FAIL, "unable to make '%s': %s",
			       dir, strerror(errno));
	fd = open(dir, O_TMPFILE | O_WRONLY | O_CLOEXEC, 0600);
	if (fd < 0 ||
	    writev(fd, iov, 3) != (ssize_t)(iov[0].iov_len + iov[1].iov_len + len))
		return dl_fail(reason, DL_EXIT_FAIL, "unable to write in '%s': %s",
			       dir, strerror(errno));
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	if (linkat(AT_FDCWD, proc, AT_FDCWD, path, AT_SYMLINK_FOLLOW) == 0)
		return 0;
	if (errno != EEXIST)
		return dl_fail(reason, DL_EXIT_FAIL, "unable to link '%s': %s",
			       path, strerror(errno));
	/* another start published the same program, or this one is
	 * damaged or another profile's: replace it, one rename of a new
	 * whole file */
	{
		_cleanup_free_ char *tmp = dl_xasprintf("%s.%d", path, (int)getpid());

		if (linkat(AT_FDCWD, proc, AT_FDCWD, tmp, AT_SYMLINK_FOLLOW) < 0 ||
		    rename(tmp, path) < 0) {
			int e = errno;

			unlink(tmp);
			return dl_fail(reason, DL_EXIT_FAIL, "unable to link '%s': %s",
				       path, strerror(e));
		}
	}
	return 0;
}

int dl_seccomp_cached(const char *text, struct dl_bpf *out, char **reason)
{
	_cleanup_free_ char *head = cache_header(text);
	_cleanup_free_ char *path = cache_name(head, text);
	int r;

	if (read_cached(path, head, text, out))
		return 0;
	if ((r = dl_seccomp_compile(text, out, reason)))
		return r;
	if ((r = publish(path, head, text, out, reason))) {
		free(out->insns);
		out->insns = NULL;
		return r;
	}
	return 0;
}

int dl_seccomp_load(const struct dl_bpf *prog)
{
	struct sock_fprog fp = {
		.len = (unsigned short)prog->len,
		.filter = prog->insns,
	};

	if (!prog->len || prog->len > BPF_MAX) {
		errno = EINVAL;
		return -1;
	}
	return syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &fp) < 0 ? -1 : 0;
}
