# SPDX-License-Identifier: Apache-2.0
# lib-btrfs.bash: each bats file gets its own freshly made, loop-mounted
# btrfs (or $DL_TEST_BTRFS_DIR when set).  Call dl_btrfs_setup from
# setup_file and dl_btrfs_teardown from teardown_file.
# shellcheck shell=bash

dl_btrfs_setup() {
	if [ -n "${DL_TEST_BTRFS_DIR:-}" ]; then
		export DL_TEST_MNT="$DL_TEST_BTRFS_DIR"
		return 0
	fi
	[ "$(id -u)" = 0 ] || return 0
	command -v mkfs.btrfs >/dev/null || return 0
	local img="$BATS_FILE_TMPDIR/btrfs.img" mnt="$BATS_FILE_TMPDIR/mnt"
	truncate -s "${DL_TEST_BTRFS_SIZE:-4G}" "$img" &&
		mkfs.btrfs -q "$img" &&
		mkdir -p "$mnt" &&
		mount -o loop "$img" "$mnt" || return 0
	export DL_TEST_MNT="$mnt"
	export DL_TEST_OWN_MNT=1
}

dl_btrfs_teardown() {
	[ -n "${DL_TEST_MNT:-}" ] || return 0
	local c
	# stop any container a failed test left running, then unmount
	for c in "$DL_TEST_MNT"/store-*/containers/*/; do
		[ -d "$c" ] || continue
		lxc-stop -k -P "${c%/*/}" -n "$(basename "$c")" >/dev/null 2>&1 || true
	done
	if [ -n "${DL_TEST_OWN_MNT:-}" ]; then
		umount "$DL_TEST_MNT" 2>/dev/null || umount -l "$DL_TEST_MNT"
	fi
}
