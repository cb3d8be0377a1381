#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# 200-init.bats: dl init makes the store (on btrfs as is, else a sparse
# loopback file), dl info describes it, and a store unmounted by a reboot
# comes back by itself.

load helpers
load lib-btrfs

# Every loop file a test made under $BATS_TEST_TMPDIR: unmount what is
# mounted from it, then detach its loop devices.
teardown() {
	local img dev mnt
	for img in "$BATS_TEST_TMPDIR"/*.img; do
		[ -f "$img" ] || continue
		for dev in $(losetup -j "$img" | cut -d: -f1); do
			for mnt in $(findmnt -n -o TARGET --source "$dev"); do
				umount "$mnt" || umount -l "$mnt"
			done
			losetup -d "$dev" 2>/dev/null || true
		done
	done
}

# loop_store: $DL_ROOT, a store path on ext4 (/tmp), where dl init must make
# a loopback file
loop_store() {
	require_root
	command -v mkfs.btrfs >/dev/null || skip "mkfs.btrfs is not installed"
	export DL_ROOT="$BATS_TEST_TMPDIR/store"
	[ "$(stat -f -c %T "$BATS_TEST_TMPDIR")" != btrfs ] ||
		skip "\$BATS_TEST_TMPDIR is on btrfs: no loopback file would be made"
}

# btrfs_root: $DL_ROOT, a fresh path on the test btrfs, not initialised
btrfs_root() {
	require_btrfs
	DL_ROOT="$DL_TEST_MNT/$(safename)"
	export DL_ROOT
}

# missing_root: $DL_ROOT, a path where nothing is
missing_root() {
	require_root
	export DL_ROOT="$BATS_TEST_TMPDIR/none"
}

# tree DIR: a listing of DIR that changes when anything in it does
tree() {
	find "$1" -printf '%P %y %m %u %s %T@\n' | sort
}

@test "dl init: a path on btrfs is used as is, no loopback file" {
	btrfs_root
	run -0 --separate-stderr dl init
	assert_output ''
	[ -z "$stderr" ]
	assert_file_exists "$DL_ROOT/.dockerlite"
	local d
	for d in images containers refs/images refs/containers blobs/sha256 \
		tmp locks net; do
		assert_dir_exists "$DL_ROOT/$d"
	done
	assert_equal "$(stat -c %a "$DL_ROOT")" 700
	assert_not_exists "$DL_ROOT.img"
	assert_not_exists "$DL_ROOT.img.tmp"
	run ! mountpoint -q "$DL_ROOT"
	assert_equal "$(stat -f -c %T "$DL_ROOT")" btrfs
}

@test "dl init: a path on btrfs that holds files is used as is" {
	btrfs_root
	mkdir "$DL_ROOT"
	echo keep >"$DL_ROOT/mine"
	run -0 --separate-stderr dl init
	assert_output ''
	assert_file_exists "$DL_ROOT/.dockerlite"
	assert_equal "$(cat "$DL_ROOT/mine")" keep
	assert_not_exists "$DL_ROOT.img"
}

@test "dl init: elsewhere it makes a sparse btrfs loopback file of --size" {
	loop_store
	run -0 --separate-stderr dl init --size 300M
	assert_output ''
	assert_equal "$stderr" "dl init: info: creating sparse btrfs file '$DL_ROOT.img' (300M)"
	assert_file_exists "$DL_ROOT.img"
	assert_not_exists "$DL_ROOT.img.tmp"
	# --size is the apparent size; sparse: almost nothing is allocated
	assert_equal "$(stat -c %s "$DL_ROOT.img")" $((300 * 1024 * 1024))
	local used
	used=$(du -k "$DL_ROOT.img" | cut -f1)
	[ "$used" -lt $((300 * 1024 / 4)) ] ||
		fail "loop file is not sparse: ${used}K used of 300M"
	assert_equal "$(stat -f -c %T "$DL_ROOT")" btrfs
	run -0 mountpoint -q "$DL_ROOT"
	run -0 losetup -j "$DL_ROOT.img"
	assert_equal "${#lines[@]}" 1
	assert_file_exists "$DL_ROOT/.dockerlite"
	assert_dir_exists "$DL_ROOT/images"
	assert_dir_exists "$DL_ROOT/refs/images"
	assert_equal "$(stat -c %a "$DL_ROOT")" 700
}

@test "dl init: the loopback file is 32G by default, and still sparse" {
	loop_store
	run -0 --separate-stderr dl init
	assert_output ''
	assert_equal "$(stat -c %s "$DL_ROOT.img")" $((32 * 1024 * 1024 * 1024))
	[ "$(du -k "$DL_ROOT.img" | cut -f1)" -lt $((64 * 1024)) ]
	assert_equal "$(stat -f -c %T "$DL_ROOT")" btrfs
}

@test "dl init: --size=SIZE and lowercase units are accepted" {
	loop_store
	run -0 --separate-stderr dl init --size=256m
	assert_equal "$(stat -c %s "$DL_ROOT.img")" $((256 * 1024 * 1024))
}

@test "dl init: running it again changes nothing" {
	loop_store
	dl init --size 300M 2>/dev/null
	echo data >"$DL_ROOT/images/keep"
	local before
	before=$(tree "$DL_ROOT")
	run -0 --separate-stderr dl init --size 300M
	assert_output ''
	[ -z "$stderr" ]
	assert_equal "$(tree "$DL_ROOT")" "$before"
	assert_equal "$(cat "$DL_ROOT/images/keep")" data
	# mounted once, one loop device
	run -0 findmnt -n -o TARGET --mountpoint "$DL_ROOT"
	assert_equal "${#lines[@]}" 1
	run -0 losetup -j "$DL_ROOT.img"
	assert_equal "${#lines[@]}" 1
	assert_equal "$(stat -c %s "$DL_ROOT.img")" $((300 * 1024 * 1024))
}

@test "dl init: running it again on btrfs changes nothing" {
	dl_test_store
	echo data >"$DL_ROOT/images/keep"
	local before
	before=$(tree "$DL_ROOT")
	run -0 --separate-stderr dl init
	assert_output ''
	[ -z "$stderr" ]
	assert_equal "$(tree "$DL_ROOT")" "$before"
}

@test "dl init: after the store is unmounted, dl init mounts it again" {
	loop_store
	dl init --size 300M 2>/dev/null
	echo data >"$DL_ROOT/images/keep"
	umount "$DL_ROOT"
	run ! mountpoint -q "$DL_ROOT"
	run -0 --separate-stderr dl init --size 300M
	assert_output ''
	run -0 mountpoint -q "$DL_ROOT"
	assert_equal "$(cat "$DL_ROOT/images/keep")" data
}

@test "dl images: an unmounted loopback store is mounted again by itself" {
	loop_store
	dl init --size 300M 2>/dev/null
	echo data >"$DL_ROOT/net/keep"
	umount "$DL_ROOT"
	run ! mountpoint -q "$DL_ROOT"
	run -0 --separate-stderr dl images
	assert_output 'REPOSITORY   TAG   IMAGE ID   CREATED   SIZE'
	run -0 mountpoint -q "$DL_ROOT"
	assert_equal "$(stat -f -c %T "$DL_ROOT")" btrfs
	assert_equal "$(cat "$DL_ROOT/net/keep")" data
	run -0 losetup -j "$DL_ROOT.img"
	assert_equal "${#lines[@]}" 1
}

@test "dl run: an unmounted loopback store is mounted again, names resolve" {
	loop_store
	require_lxc
	dl init --size 300M 2>/dev/null
	mk_busybox_root "$BATS_TEST_TMPDIR/root"
	dl image create bb "$BATS_TEST_TMPDIR/root" >/dev/null
	umount "$DL_ROOT"
	run ! mountpoint -q "$DL_ROOT"
	run -0 --separate-stderr dl run --rm bb echo back
	assert_output back
	assert_equal "$stderr" ''
	run -0 mountpoint -q "$DL_ROOT"
	umount "$DL_ROOT"
	run -0 --separate-stderr dl create bb true
	[[ "$output" =~ ^[0-9a-f]{64}$ ]]
	dl rm "$output" >/dev/null
}

@test "dl info: an unmounted loopback store is mounted again by itself" {
	loop_store
	dl init --size 300M 2>/dev/null
	umount "$DL_ROOT"
	run -0 --separate-stderr dl info
	assert_line --index 0 "Store:       $(realpath "$DL_ROOT")"
	run -0 mountpoint -q "$DL_ROOT"
	run -0 losetup -j "$DL_ROOT.img"
	assert_equal "${#lines[@]}" 1
}

@test "dl info: a missing store is 'not initialised', and nothing is made" {
	missing_root
	run -1 --separate-stderr dl info
	assert_fatal "dl info"
	assert_equal "$stderr" "dl info: fatal: unable to open store '$DL_ROOT': not initialised (run 'dl init')"
	assert_not_exists "$DL_ROOT"
	assert_not_exists "$DL_ROOT.img"
	run -1 --separate-stderr dl info --format json
	assert_fatal "dl info"
	run -1 --separate-stderr dl images
	assert_fatal "dl images"
	[[ "$stderr" == *"not initialised (run 'dl init')" ]]
	assert_not_exists "$DL_ROOT"
}

@test "dl info: a btrfs directory without the marker is not a store" {
	btrfs_root
	mkdir -p "$DL_ROOT/images"
	run -1 --separate-stderr dl info
	assert_fatal "dl info"
	[[ "$stderr" == *"not initialised (run 'dl init')" ]]
}

@test "dl init: a bad --size is a usage error and makes nothing" {
	loop_store
	local s
	for s in abc 10X 1G2 300MM 1.5G -5 '' G 12GB; do
		run -2 --separate-stderr dl init --size "$s"
		assert_fatal "dl init"
		assert_equal "$stderr" "dl init: fatal: unable to use size '$s': not a size (e.g. 32G)"
		assert_not_exists "$DL_ROOT"
		assert_not_exists "$DL_ROOT.img"
		assert_not_exists "$DL_ROOT.img.tmp"
	done
}

@test "dl init: a bad option or a missing --size value is a usage error" {
	loop_store
	run -2 --separate-stderr dl init --bogus
	assert_output ''
	assert_equal "$stderr" 'dl init: usage: dl init [--size SIZE] [--bridge NAME] [--subnet CIDR]'
	run -2 --separate-stderr dl init --size
	assert_output ''
	assert_equal "$stderr" 'dl init: usage: dl init [--size SIZE] [--bridge NAME] [--subnet CIDR]'
	run -2 --separate-stderr dl init extra
	assert_output ''
	assert_not_exists "$DL_ROOT"
}

@test "dl init: a size too small for btrfs fails and leaves nothing" {
	loop_store
	run -125 --separate-stderr dl init --size 10M
	assert_fatal "dl init"
	assert_equal "${stderr##*$'\n'}" "dl init: fatal: unable to create '$DL_ROOT.img': truncate or mkfs.btrfs failed"
	assert_not_exists "$DL_ROOT"
	assert_not_exists "$DL_ROOT.img"
	assert_not_exists "$DL_ROOT.img.tmp"
}

@test "dl init: a non-empty directory not on btrfs is refused (3)" {
	loop_store
	mkdir "$DL_ROOT"
	echo mine >"$DL_ROOT/file"
	run -3 --separate-stderr dl init --size 300M
	assert_fatal "dl init"
	assert_equal "$stderr" "dl init: fatal: unable to initialise store '$DL_ROOT': not empty and not on btrfs"
	assert_not_exists "$DL_ROOT.img"
	assert_not_exists "$DL_ROOT.img.tmp"
	run ! mountpoint -q "$DL_ROOT"
	run -0 ls -A "$DL_ROOT"
	assert_output 'file'
	assert_equal "$(cat "$DL_ROOT/file")" mine
}

@test "dl info: the text shows store, backing, sizes, counts and versions" {
	loop_store
	dl init --size 300M 2>/dev/null
	local dev
	dev=$(losetup -j "$DL_ROOT.img" | cut -d: -f1)
	run -0 --separate-stderr dl info
	[ -z "$stderr" ]
	assert_line --index 0 "Store:       $(realpath "$DL_ROOT")"
	assert_line --index 1 'Driver:      btrfs'
	assert_line --index 2 "Backing:     loop file $(realpath "$DL_ROOT.img") ($dev)"
	assert_line --index 3 'Size:        300M'
	assert_line --index 4 --regexp '^Used:        [0-9.]+[KMG]?$'
	assert_line --index 5 --regexp '^Free:        [0-9.]+[KMG]?$'
	assert_line --index 6 'Images:      0'
	assert_line --index 7 'Containers:  0'
	assert_line --index 8 'Versions:'
	assert_line --index 9 "  dl           $(dl --version | cut -d' ' -f3)"
	assert_line --index 10 --regexp '^  liblxc       [0-9]+\.[0-9]+'
	assert_line --index 11 --regexp '^  libbtrfsutil [0-9]+\.[0-9]+\.[0-9]+$'
	assert_line --index 12 --regexp '^  jansson      [0-9]+\.[0-9]+'
	assert_line --index 13 --regexp '^  libarchive   [0-9]+\.[0-9]+'
	assert_line --index 14 "  kernel       $(uname -r)"
	assert_equal "${#lines[@]}" 15
}

@test "dl info --format json: one document with the store's facts" {
	loop_store
	dl init --size 300M 2>/dev/null
	local dev
	dev=$(losetup -j "$DL_ROOT.img" | cut -d: -f1)
	run -0 --separate-stderr dl info --format json
	[ -z "$stderr" ]
	assert_equal "${#lines[@]}" 1
	jq -e . <<<"$output" >/dev/null
	assert_equal "$(jq -r .root <<<"$output")" "$(realpath "$DL_ROOT")"
	assert_equal "$(jq -r .driver <<<"$output")" btrfs
	assert_equal "$(jq -r .backing.type <<<"$output")" loop
	assert_equal "$(jq -r .backing.file <<<"$output")" "$(realpath "$DL_ROOT.img")"
	assert_equal "$(jq -r .backing.device <<<"$output")" "$dev"
	assert_equal "$(jq -r .size <<<"$output")" $((300 * 1024 * 1024))
	jq -e '(.used | type == "number") and .used > 0 and .used < .size' \
		<<<"$output" >/dev/null
	jq -e '(.free | type == "number") and .free > 0 and .free <= .size' \
		<<<"$output" >/dev/null
	assert_equal "$(jq -r .images <<<"$output")" 0
	assert_equal "$(jq -r .containers <<<"$output")" 0
	assert_equal "$(jq -r .versions.dl <<<"$output")" "$(dl --version | cut -d' ' -f3)"
	assert_equal "$(jq -r .versions.kernel <<<"$output")" "$(uname -r)"
	local k
	for k in liblxc libbtrfsutil jansson libarchive; do
		jq -e --arg k "$k" '.versions[$k] | test("^[0-9]+\\.[0-9]+")' \
			<<<"$output" >/dev/null || fail "versions.$k: $output"
	done
	if command -v pkg-config >/dev/null && pkg-config --exists lxc; then
		assert_equal "$(jq -r .versions.liblxc <<<"$output")" \
			"$(pkg-config --modversion lxc)"
	fi
}

@test "dl info --format json: a store on btrfs reports its backing" {
	dl_test_store
	run -0 --separate-stderr dl info --format json
	assert_equal "$(jq -r .root <<<"$output")" "$(realpath "$DL_ROOT")"
	jq -e '.backing.type == "loop" or .backing.type == "device"' \
		<<<"$output" >/dev/null
	jq -e '.backing.device | type == "string" and length > 0' \
		<<<"$output" >/dev/null
	if [ -n "${DL_TEST_OWN_MNT:-}" ]; then
		# lib-btrfs.bash mounted a loop file of its own
		assert_equal "$(jq -r .backing.type <<<"$output")" loop
		assert_equal "$(jq -r .backing.file <<<"$output")" \
			"$(realpath "$BATS_FILE_TMPDIR/btrfs.img")"
	fi
	assert_equal "$(jq -r .images <<<"$output")" 0
}

@test "dl info: Images counts the images of the store" {
	dl_test_store
	mkdir "$BATS_TEST_TMPDIR/root"
	echo x >"$BATS_TEST_TMPDIR/root/f"
	dl image create one "$BATS_TEST_TMPDIR/root" >/dev/null
	dl image create two "$BATS_TEST_TMPDIR/root" >/dev/null
	run -0 --separate-stderr dl info --format json
	assert_equal "$(jq -r .images <<<"$output")" 2
	run -0 --separate-stderr dl info
	assert_line 'Images:      2'
}

@test "dl info: a bad --format or option is a usage error" {
	dl_test_store
	# any other format is a template: one that does not fit is refused
	run -2 --separate-stderr dl info --format '{{.Yaml}}'
	assert_fatal "dl info"
	assert_equal "$stderr" "dl info: fatal: unable to render '{{.Yaml}}': at {{.Yaml}}: no field 'Yaml'"
	run -2 --separate-stderr dl info --bogus
	assert_output ''
	assert_equal "$stderr" 'dl info: usage: dl info [-f FORMAT]'
	run -2 --separate-stderr dl info --format
	assert_output ''
}
