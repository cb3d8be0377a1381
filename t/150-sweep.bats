#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# 150-sweep.bats: dl-store-sweep deletes what dead owners left in tmp/, and
# never what a live process holds locked.

# shellcheck disable=SC2154 # $stderr is set by run --separate-stderr

load helpers
load lib-btrfs
load lib-store

teardown() {
	release_lock
	stop_image_new
}

# hold_lock DIR: a live process (util-linux flock(1), which locks a
# directory as our helpers do) holds DIR locked; sets $holder
hold_lock() {
	local i
	flock "$1" sleep 60 3>&- &
	holder=$!
	for i in $(seq 100); do
		flock -n "$1" true || return 0
		sleep 0.05
	done
	echo "flock(1) never took '$1' (after $i tries)" >&2
	return 1
}

# release_lock: end flock(1) and the command it runs, by their IDs
release_lock() {
	local kids
	[ -n "${holder:-}" ] || return 0
	mapfile -t kids < <(ps -o pid= --ppid "$holder" | tr -d ' ')
	kill "$holder" "${kids[@]}" 2>/dev/null || true
	wait "$holder" 2>/dev/null || true
	holder=
}

stop_image_new() {
	local p
	for p in "${helper:-}" "${writer:-}"; do
		[ -n "$p" ] || continue
		kill -9 "$p" 2>/dev/null || true
		wait "$p" 2>/dev/null || true
	done
	helper='' writer=''
}

# half_made_image: what a dl-image-new killed half-way leaves: tmp/ID with a
# rootfs subvolume holding files and a nested read-only subvolume; prints
# the entry
half_made_image() {
	local e
	e="$DL_ROOT/tmp/$(new_id)"
	mkdir "$e"
	btrfs -q subvolume create "$e/rootfs"
	mkdir -p "$e/rootfs/etc/deep/er"
	echo data >"$e/rootfs/etc/deep/er/file"
	ln -s / "$e/rootfs/root-link"
	btrfs -q subvolume create "$e/rootfs/etc/nested"
	echo more >"$e/rootfs/etc/nested/file"
	btrfs property set -ts "$e/rootfs/etc/nested" ro true
	echo '{}' >"$e/config.json"
	printf '%s\n' "$e"
}

# tmp_subvols: the subvolumes of this store under tmp/
tmp_subvols() {
	btrfs subvolume list "$DL_TEST_MNT" |
		grep -E "$(basename "$DL_ROOT")/tmp/" || true
}

# slow_write FILE: FILE to stdout, 64 KiB every 50 ms
slow_write() {
	local size i
	size=$(stat -c %s "$1")
	for ((i = 0; i * 65536 < size; i++)); do
		dd if="$1" bs=65536 skip="$i" count=1 status=none || return 0
		sleep 0.05
	done
}

@test "dl-store-sweep: --help prints the synopsis on stdout" {
	run -0 --separate-stderr dl-store-sweep --help
	assert_line --index 0 'usage: dl-store-sweep [-n]'
	assert_equal "$stderr" ''
}

@test "dl-store-sweep: an operand or a bad option is a usage error" {
	run -2 --separate-stderr dl-store-sweep extra
	assert_output ''
	[[ "$stderr" == dl-store-sweep:\ usage:* ]]
	run -2 --separate-stderr dl-store-sweep -x
	assert_output ''
	[[ "$stderr" == dl-store-sweep:\ usage:* ]]
}

# no_store: $DL_ROOT is a directory with a tmp/, but no store
no_store() {
	DL_ROOT="$BATS_TEST_TMPDIR/nostore"
	export DL_ROOT
	mkdir -p "$DL_ROOT/tmp/x"
}

@test "dl-store-sweep: a directory that is no store is left alone, with 1" {
	no_store
	run -1 --separate-stderr dl-store-sweep
	assert_output ''
	assert_equal "$stderr" "dl-store-sweep: fatal: unable to open store '$DL_ROOT': not initialised (run 'dl init')"
	assert_dir_exists "$DL_ROOT/tmp/x"
}

@test "dl-store-sweep: an empty tmp/ is nothing to do" {
	mk_store
	run -0 --separate-stderr dl-store-sweep
	assert_output ''
	assert_equal "$stderr" ''
}

@test "dl-store-sweep: a dead owner's half-made image goes whole, subvolumes too" {
	mk_store
	e=$(half_made_image)
	[ -n "$(tmp_subvols)" ]
	run -0 --separate-stderr dl-store-sweep
	assert_output "$e"
	assert_equal "$stderr" ''
	assert_file_not_exists "$e"
	run -0 tmp_subvols
	assert_output ''
	store_is_clean
}

@test "dl-store-sweep: an entry a live process holds locked stays" {
	mk_store
	e=$(half_made_image)
	hold_lock "$e"
	run -0 --separate-stderr dl-store-sweep
	assert_output ''
	assert_equal "$stderr" ''
	assert_file_exists "$e/rootfs/etc/nested/file"
	# its owner gone, it goes
	release_lock
	run -0 --separate-stderr dl-store-sweep
	assert_output "$e"
	store_is_clean
}

@test "dl-store-sweep: -n prints what would go and keeps it" {
	mk_store
	e=$(half_made_image)
	run -0 --separate-stderr dl-store-sweep -n
	assert_output "$e"
	assert_equal "$stderr" ''
	assert_file_exists "$e/rootfs/etc/deep/er/file"
	assert_file_exists "$e/rootfs/etc/nested/file"
	# and leaves no lock behind
	run -0 flock -n "$e" true
}

@test "dl-store-sweep: never follows a symlink out of tmp/" {
	mk_store
	out="$BATS_TEST_TMPDIR/outside"
	mkdir -p "$out/dir"
	echo keep >"$out/dir/file"
	mkdir -p "$DL_ROOT/tmp/plain/a/b"
	ln -s "$out/dir" "$DL_ROOT/tmp/plain/a/link"
	ln -s "$out" "$DL_ROOT/tmp/plain/a/b/link"
	ln -s "$out" "$DL_ROOT/tmp/toplink"
	echo junk >"$DL_ROOT/tmp/file"
	run -0 --separate-stderr dl-store-sweep
	assert_output - <<-EOF
		$DL_ROOT/tmp/file
		$DL_ROOT/tmp/plain
		$DL_ROOT/tmp/toplink
	EOF
	run -0 cat "$out/dir/file"
	assert_output keep
	store_is_clean
}

@test "dl-store-sweep: something mounted inside is refused with 3, the rest goes" {
	mk_store
	e=$(half_made_image)
	mkdir -p "$DL_ROOT/tmp/busy/mnt"
	mount -t tmpfs dl-test "$DL_ROOT/tmp/busy/mnt"
	echo inside >"$DL_ROOT/tmp/busy/mnt/file"
	run -3 --separate-stderr dl-store-sweep
	umount "$DL_ROOT/tmp/busy/mnt"
	assert_output "$e"
	[[ "$stderr" == *"warning: unable to delete '$DL_ROOT/tmp/busy': busy/mnt: Device or resource busy"* ]]
	[[ "$stderr" == *"fatal: unable to sweep '$DL_ROOT/tmp': 1 entry left" ]]
	run -0 dl-store-sweep
	assert_output "$DL_ROOT/tmp/busy"
	store_is_clean
}

@test "dl-store-sweep: what a killed dl-image-new left goes, the store is clean" {
	mk_store
	src="$BATS_TEST_TMPDIR/src"
	mkdir -p "$src"
	for i in $(seq 64); do
		head -c 65536 /dev/urandom >"$src/f$i"
	done
	tar -C "$src" -cf "$BATS_TEST_TMPDIR/big.tar" .
	mkfifo "$BATS_TEST_TMPDIR/fifo"
	dl-image-new -t half "$BATS_TEST_TMPDIR/fifo" >/dev/null 2>&1 3>&- &
	helper=$!
	slow_write "$BATS_TEST_TMPDIR/big.tar" >"$BATS_TEST_TMPDIR/fifo" 3>&- &
	writer=$!
	# wait until the extraction is under way
	for i in $(seq 200); do
		compgen -G "$DL_ROOT/tmp/*/rootfs/f*" >/dev/null && break
		sleep 0.05
	done
	run -0 find "$DL_ROOT/tmp" -mindepth 1 -maxdepth 1
	e=$output
	[[ "$e" =~ /tmp/[0-9a-f]{64}$ ]]
	# the live helper holds its entry, as flock(1) sees it: no sweep
	run -1 flock -n "$e" true
	run -0 --separate-stderr dl-store-sweep
	assert_output ''
	assert_dir_exists "$e/rootfs"
	stop_image_new
	run -0 --separate-stderr dl-store-sweep
	assert_output "$e"
	assert_equal "$stderr" ''
	store_is_clean
	run -0 find "$DL_ROOT/images" "$DL_ROOT/refs" -mindepth 1
	assert_output ''
}
