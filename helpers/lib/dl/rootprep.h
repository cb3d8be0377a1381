/* SPDX-License-Identifier: Apache-2.0 */
/* rootprep.h: the mount points and the working directory of a spec,
 * made inside the container's root before it starts */
#ifndef DL_ROOTPREP_H
#define DL_ROOTPREP_H

struct dl_spec;

/**
 * dl_root_prepare() - check that every bind source exists (it is never
 * created), then make the mount points and the working directory inside
 * the root (dl_root_mkdir_p(), dl-rootpath.h: nothing leads out of it)
 * @rootfd: the container's root directory
 * @spec: the spec
 * @reason: receives the failure text
 * Return: 0 or DL_EXIT_FAIL.
 */
extern int dl_root_prepare(int rootfd, const struct dl_spec *spec,
			   char **reason);

#endif
