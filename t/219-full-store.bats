#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# 219-full-store.bats: on a full store every command that writes to it
# fails with 125 and one line "unable to ...: No space left on device",
# and leaves nothing behind.

load helpers
load lib-btrfs

# A small btrfs of its own (never $DL_TEST_BTRFS_DIR: it is filled up),
# holding a store with the image busybox and the container c1.
setup_file() {
	DL_TEST_BTRFS_DIR='' DL_TEST_BTRFS_SIZE=256M dl_btrfs_setup
	[ -n "${DL_TEST_MNT:-}" ] || return 0
	export DL_ROOT="$DL_TEST_MNT/store"
	dl init >/dev/null
	dl image bootstrap busybox >/dev/null
	dl create --name c1 busybox true >/dev/null
	mkdir "$BATS_FILE_TMPDIR/dir"
	echo hello >"$BATS_FILE_TMPDIR/dir/f"
	head -c 300000 /dev/urandom >"$BATS_FILE_TMPDIR/dir/big"
	tar -C "$BATS_FILE_TMPDIR/dir" -cf "$BATS_FILE_TMPDIR/dir.tar" .
}

teardown_file() {
	dl_btrfs_teardown
}

# fill: the store's filesystem full, data and metadata, once more (the
# space a failed command freed is taken again)
fill() {
	require_btrfs
	local i=0
	dd if=/dev/zero of="$DL_TEST_MNT/fill.$RANDOM" bs=1M \
		status=none 2>/dev/null || true
	sync
	while [ "$i" -lt 10000 ] &&
		echo x >"$DL_TEST_MNT/small.$i.$RANDOM" 2>/dev/null; do
		i=$((i + 1))
	done
	sync
}

# snap: what the store holds, to compare before and after
snap() {
	btrfs subvolume list "$DL_TEST_MNT" | awk '{ print $NF }' | sort
	find "$DL_ROOT/images" "$DL_ROOT/containers" -mindepth 1 -maxdepth 1 |
		sort
	find "$DL_ROOT/refs" "$DL_ROOT/tmp" -mindepth 1 | sort
	dl image ls --format json
}

# full_fails CMD...: CMD fails with 125 and one line in the one format
# ending in "No space left on device", and the store is as it was
# shellcheck disable=SC2154 # $stderr is set by run --separate-stderr
full_fails() {
	fill
	local before
	before=$(snap)
	run -125 --separate-stderr "$@"
	assert_output ''
	[[ "$stderr" != *$'\n'* ]] || fail "more than one line: $stderr"
	[[ "$stderr" =~ ^dl([- ][a-z]+)*:\ fatal:\ unable\ to\ [a-z\ -]+\ \'[^\']*\':\ .*No\ space\ left\ on\ device$ ]] ||
		fail "not the one format: $stderr"
	assert_equal "$(snap)" "$before"
	run -0 find "$DL_ROOT/tmp" -mindepth 1
	assert_output ''
}

@test "full store: dl image bootstrap busybox fails (125), leaves nothing" {
	full_fails dl image bootstrap busybox bb:new
}

@test "full store: dl image create from a tar is refused (4) before it is written, leaves nothing" {
	# the tar's data is more than the free space: refused by its headers
	fill
	local before
	before=$(snap)
	run -4 --separate-stderr dl image create fromtar "$BATS_FILE_TMPDIR/dir.tar"
	assert_output ''
	[[ "$stderr" == *"bytes would pass the limit of "*" bytes of file data" ]]
	run -4 --separate-stderr dl image create fromtar - <"$BATS_FILE_TMPDIR/dir.tar"
	assert_equal "$(snap)" "$before"
	run -0 find "$DL_ROOT/tmp" -mindepth 1
	assert_output ''
}

@test "full store: dl image create from a directory fails (125), leaves nothing" {
	full_fails dl image create fromdir "$BATS_FILE_TMPDIR/dir"
}

@test "full store: dl run fails (125), leaves no container" {
	require_lxc
	full_fails dl run --rm busybox true
	full_fails dl create --name c2 busybox true
}

@test "full store: dl commit fails (125), leaves no image" {
	full_fails dl commit c1 committed:1
}

@test "full store: dl image tag fails (125), leaves no name" {
	full_fails dl image tag busybox other:1
	full_fails dl image tag busybox a/b/c:1
}
