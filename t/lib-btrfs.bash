# SPDX-License-Identifier: Apache-2.0
# lib-btrfs.bash: each bats file gets its own freshly made, loop-mounted
# btrfs (or $DL_TEST_BTRFS_DIR when set).  Loading it defines setup_file
# and teardown_file, which bats calls by name; a file that needs more in
# them defines its own, calling dl_btrfs_setup and dl_btrfs_teardown.
# shellcheck shell=bash

dl_btrfs_setup() {
	if [ -n "${DL_TEST_BTRFS_DIR:-}" ]; then
		export DL_TEST_MNT="$DL_TEST_BTRFS_DIR"
		return 0
	fi
	# Not root: the tests that need btrfs skip, saying so.  As root a
	# filesystem that cannot be made is a failure, never a skip.
	[ "$(id -u)" = 0 ] || return 0
	local img="$BATS_FILE_TMPDIR/btrfs.img" mnt="$BATS_FILE_TMPDIR/mnt"
	if ! command -v mkfs.btrfs >/dev/null; then
		echo "lib-btrfs: mkfs.btrfs is not installed (btrfs-progs)" >&2
		return 1
	fi
	if ! { truncate -s "${DL_TEST_BTRFS_SIZE:-4G}" "$img" &&
		mkfs.btrfs -q "$img" >/dev/null &&
		mkdir -p "$mnt" &&
		mount -o loop "$img" "$mnt"; }; then
		echo "lib-btrfs: unable to make the test btrfs in '$img'" >&2
		return 1
	fi
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
		# liblxc keeps a lock directory per containers path
		rm -rf "/run/lxc/lock$DL_TEST_MNT"
		rmdir -p "$(dirname "/run/lxc/lock$DL_TEST_MNT")" 2>/dev/null || true
	fi
}

setup_file() {
	dl_btrfs_setup
}

teardown_file() {
	dl_btrfs_teardown
}

# subvols: every subvolume of the test filesystem
subvols() {
	btrfs subvolume list "$DL_TEST_MNT" | awk '{ print $NF }' | sort
}

# mkwork: a fresh work directory for this test on the test btrfs, in $W
mkwork() {
	require_btrfs
	W="$DL_TEST_MNT/$(safename)"
	mkdir "$W"
}
