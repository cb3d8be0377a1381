/* SPDX-License-Identifier: Apache-2.0 */
/* seccomp.h: a seccomp profile (LXC's v2 denylist text, share/dl.seccomp)
 * compiled to a BPF program with libseccomp, once per profile: the
 * program is cached in the store, under cache/seccomp/ */
#ifndef DL_SECCOMP_H
#define DL_SECCOMP_H

#include <stddef.h>

/* A compiled filter: @len instructions of struct sock_filter (8 bytes). */
struct dl_bpf {
	void *insns;
	size_t len;
};

/**
 * dl_seccomp_compile() - compile a profile
 * @text: the profile: "2", "denylist", then lines "NAME ACTION [ARG]...",
 *        ACTION "errno N", "kill", "trap" or "allow", ARG
 *        "[INDEX,VALUE,OP]" or "[INDEX,VALUE,SCMP_CMP_MASKED_EQ,MASK]"
 *        (OP SCMP_CMP_NE, _LT, _LE, _EQ, _GE, _GT); "[all]" applies what
 *        follows to the native, x86 and x32 ABIs (as LXC); "#" starts a
 *        comment; a NAME the running libseccomp does not know is skipped
 * @out: receives the program (insns malloc'd)
 * @reason: receives the failure text ("line N: ...")
 * Return: 0, DL_EXIT_REJECT for a malformed profile, or DL_EXIT_FAIL.
 */
extern int dl_seccomp_compile(const char *text, struct dl_bpf *out,
			      char **reason);

/**
 * dl_seccomp_cached() - the program of a profile, from the store's cache
 * $DL_ROOT/cache/seccomp/CRC.bpf: a header line (format, architecture,
 * libseccomp version, profile length), the profile, the program; CRC the
 * CRC-32 of header and profile. The program is used only when the file
 * holds this very profile, whole, and a program of whole instructions;
 * else it is compiled and published there: an unnamed file (O_TMPFILE)
 * linked in once whole, so no reader sees half of one and a crash leaves
 * nothing
 * @text: the profile
 * @out: receives the program (insns malloc'd)
 * @reason: receives the failure text
 * Return: 0, DL_EXIT_REJECT for a malformed profile, or DL_EXIT_FAIL.
 */
extern int dl_seccomp_cached(const char *text, struct dl_bpf *out,
			     char **reason);

/**
 * dl_seccomp_load() - load a compiled filter on the calling thread; it
 * needs CAP_SYS_ADMIN or no_new_privs, and stays for every descendant
 * @prog: the program
 * Return: 0, or -1 with errno set.
 */
extern int dl_seccomp_load(const struct dl_bpf *prog);

#endif
