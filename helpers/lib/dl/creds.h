/* SPDX-License-Identifier: Apache-2.0 */
/* creds.h: a process inside a container takes its user, groups and
 * capabilities (dl's init, and dl-attach's command) */
#ifndef DL_CREDS_H
#define DL_CREDS_H

#include <stddef.h>
#include <sys/types.h>

/**
 * dl_creds_take() - become @uid:@gid with exactly the groups @gids, then
 * keep no capability outside the bounding set (effective, permitted,
 * inheritable), none ambient, and be no longer dumpable: nothing in the
 * container may read our memory or descriptors
 * @uid: the user
 * @gid: the group
 * @ngids: how many supplementary groups
 * @gids: the supplementary groups
 * @reason: receives the failure text ("set the user 1:1: ...")
 * Return: 0 or DL_EXIT_FAIL.
 */
extern int dl_creds_take(uid_t uid, gid_t gid, size_t ngids,
			 const gid_t *gids, char **reason);

#endif
