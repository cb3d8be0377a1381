#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# 101-clone.bats: dl-clone makes a writable subvolume from image roots,
# whole or not at all.

load helpers
load lib-btrfs

teardown() {
	local p
	[ -n "${W:-}" ] && [ -d "$W" ] || return 0
	for p in "$W"/*; do
		if btrfs subvolume show "$p" >/dev/null 2>&1; then
			btrfs property set -f "$p" ro false
			btrfs subvolume delete "$p" >/dev/null
		fi
	done
	rm -rf "$W"
}

# mkimage NAME: an empty subvolume $W/NAME, filled by the caller; then
# seal NAME makes it read-only, as an image root is.  btrfs-progs only, so
# these tests do not lean on dl-snapshot.
mkimage() {
	btrfs subvolume create "$W/$1" >/dev/null
}

seal() {
	btrfs property set "$W/$1" ro true
}

# uuid PATH / parent_uuid PATH: as btrfs subvolume show reports them
uuid() {
	btrfs subvolume show "$1" | awk '$1 == "UUID:" { print $2 }'
}

parent_uuid() {
	btrfs subvolume show "$1" | awk '$1 == "Parent" && $2 == "UUID:" { print $3 }'
}

# describe DIR: one line per entry: path type owner mode [link target|content]
describe() {
	(
		cd "$1" || exit 1
		find . -mindepth 1 -printf '%p %y %u:%g %m %l\n' | sort
		find . -type f -printf '%p\n' | sort | while read -r f; do
			printf '%s=%s\n' "$f" "$(cat "$f")"
		done
	)
}

@test "dl-clone: --help prints the synopsis on stdout" {
	run -0 --separate-stderr dl-clone --help
	assert_output 'usage: dl-clone DEST SOURCE...'
	[ -z "$stderr" ]
}

@test "dl-clone: too few operands or a bad option is a usage error" {
	run -2 --separate-stderr dl-clone
	assert_output ''
	assert_equal "$stderr" 'dl-clone: usage: dl-clone DEST SOURCE...'
	run -2 --separate-stderr dl-clone /x
	assert_output ''
	assert_equal "$stderr" 'dl-clone: usage: dl-clone DEST SOURCE...'
	run -2 --separate-stderr dl-clone -x /x /y
	assert_output ''
	assert_equal "$stderr" 'dl-clone: usage: dl-clone DEST SOURCE...'
	run -2 --separate-stderr dl-clone '' /y
	assert_output ''
	assert_equal "$stderr" 'dl-clone: usage: dl-clone DEST SOURCE...'
}

@test "dl-clone: one source gives a writable snapshot with the same content" {
	mkwork
	mkimage img
	mkdir -p "$W/img/etc" "$W/img/tmp"
	echo hello >"$W/img/etc/motd"
	chown 1234:2345 "$W/img/etc/motd"
	chmod 0640 "$W/img/etc/motd"
	chmod 1777 "$W/img/tmp"
	ln -s etc/motd "$W/img/link"
	seal img
	run -0 --separate-stderr dl-clone "$W/c" "$W/img"
	assert_output ''
	[ -z "$stderr" ]
	assert_equal "$(describe "$W/c")" "$(describe "$W/img")"
	run -0 btrfs property get "$W/c" ro
	assert_output 'ro=false'
	touch "$W/c/new"
}

@test "dl-clone: one source is an O(1) snapshot of it" {
	mkwork
	mkimage img
	echo x >"$W/img/f"
	seal img
	dl-clone "$W/c" "$W/img"
	local want
	want=$(uuid "$W/img")
	[ -n "$want" ]
	assert_equal "$(parent_uuid "$W/c")" "$want"
}

@test "dl-clone: writing in the clone leaves the source as it was" {
	mkwork
	mkimage img
	mkdir "$W/img/d"
	echo orig >"$W/img/d/f"
	seal img
	btrfs property set "$W/img" ro false
	dl-clone "$W/c" "$W/img"
	echo changed >"$W/c/d/f"
	rm -r "$W/c/d"
	touch "$W/c/extra"
	assert_equal "$(cat "$W/img/d/f")" orig
	assert_file_not_exists "$W/img/extra"
}

@test "dl-clone: later sources are laid over earlier ones" {
	mkwork
	mkimage a
	mkimage b
	mkimage c
	# a: the base
	mkdir -p "$W/a/etc" "$W/a/both" "$W/a/dir2file" "$W/a/usr/bin"
	echo a >"$W/a/etc/only-a"
	echo a >"$W/a/both/f"
	echo a >"$W/a/dir2file/inner"
	echo a >"$W/a/file2dir"
	echo a >"$W/a/shared"
	echo a >"$W/a/usr/bin/tool"
	# b: overrides some of a
	mkdir -p "$W/b/etc" "$W/b/both" "$W/b/usr/bin"
	echo b >"$W/b/etc/only-b"
	echo b >"$W/b/both/f"
	echo b >"$W/b/shared"
	echo b >"$W/b/dir2file"
	mkdir "$W/b/file2dir"
	echo b >"$W/b/file2dir/inner"
	ln -s tool "$W/b/usr/bin/alias"
	# c: the top
	mkdir -p "$W/c/etc" "$W/c/srv"
	echo c >"$W/c/shared"
	echo c >"$W/c/etc/only-c"
	echo c >"$W/c/srv/owned"
	chown 4321:5432 "$W/c/srv/owned" "$W/c/srv"
	chmod 0604 "$W/c/srv/owned"
	chmod 0710 "$W/c/srv"
	chmod 4755 "$W/c/etc/only-c"
	ln -s /nowhere "$W/c/dangling"
	seal a
	seal b
	seal c
	run -0 --separate-stderr dl-clone "$W/out" "$W/a" "$W/b" "$W/c"
	assert_output ''
	[ -z "$stderr" ]
	# directories merge
	assert_equal "$(cat "$W/out/etc/only-a")" a
	assert_equal "$(cat "$W/out/etc/only-b")" b
	assert_equal "$(cat "$W/out/etc/only-c")" c
	assert_equal "$(cat "$W/out/usr/bin/tool")" a
	# a file in several sources: the last one wins
	assert_equal "$(cat "$W/out/shared")" c
	assert_equal "$(cat "$W/out/both/f")" b
	# file against directory: the later type wins, either way
	assert_file_exists "$W/out/dir2file"
	assert_equal "$(cat "$W/out/dir2file")" b
	assert_dir_exists "$W/out/file2dir"
	assert_equal "$(cat "$W/out/file2dir/inner")" b
	# owners, modes and symlinks are kept
	assert_equal "$(stat -c '%u:%g %a' "$W/out/srv/owned")" '4321:5432 604'
	assert_equal "$(stat -c '%u:%g %a' "$W/out/srv")" '4321:5432 710'
	assert_equal "$(stat -c '%a' "$W/out/etc/only-c")" 4755
	assert_equal "$(readlink "$W/out/usr/bin/alias")" tool
	assert_equal "$(readlink "$W/out/dangling")" /nowhere
	# a writable subvolume based on the first source
	run -0 btrfs property get "$W/out" ro
	assert_output 'ro=false'
	assert_equal "$(parent_uuid "$W/out")" "$(uuid "$W/a")"
	# the sources are untouched
	assert_equal "$(cat "$W/a/shared")" a
	assert_dir_exists "$W/a/dir2file"
	assert_file_exists "$W/a/file2dir"
	run -0 ls -A "$W"
	assert_output "$(printf '%s\n' a b c out)"
}

@test "dl-clone: an existing DEST is a conflict and nothing changes" {
	mkwork
	mkimage img
	echo new >"$W/img/f"
	seal img
	mkdir "$W/dest"
	echo old >"$W/dest/f"
	run -3 --separate-stderr dl-clone "$W/dest" "$W/img"
	assert_output ''
	assert_equal "$stderr" "dl-clone: fatal: unable to clone '$W/dest': File exists"
	assert_equal "$(cat "$W/dest/f")" old
	run -0 ls -A "$W"
	assert_output "$(printf '%s\n' dest img)"
	# a dangling symlink is in the way too
	ln -s nowhere "$W/link"
	run -3 --separate-stderr dl-clone "$W/link" "$W/img"
	assert_not_exists "$W/nowhere"
}

@test "dl-clone: a missing source fails with 1 and leaves no temporary" {
	mkwork
	mkimage a
	echo a >"$W/a/f"
	seal a
	run -1 --separate-stderr dl-clone "$W/out" "$W/a" "$W/missing"
	assert_output ''
	assert_equal "$stderr" "dl-clone: fatal: unable to clone '$W/out': source '$W/missing': No such file or directory"
	run -0 ls -A "$W"
	assert_output 'a'
	run -1 --separate-stderr dl-clone "$W/out" "$W/missing" "$W/a"
	run -0 ls -A "$W"
	assert_output 'a'
}

@test "dl-clone: a source that is not a subvolume fails with 1" {
	mkwork
	mkimage a
	seal a
	mkdir "$W/plain"
	touch "$W/plain/f"
	run -1 --separate-stderr dl-clone "$W/out" "$W/plain"
	assert_output ''
	assert_equal "$stderr" "dl-clone: fatal: unable to clone '$W/out': source '$W/plain': Not a Btrfs subvolume"
	run -1 --separate-stderr dl-clone "$W/out" "$W/a" "$W/plain"
	assert_output ''
	run -0 ls -A "$W"
	assert_output "$(printf '%s\n' a plain)"
}

@test "dl-clone: a missing parent of DEST fails with 1" {
	mkwork
	mkimage a
	seal a
	run -1 --separate-stderr dl-clone "$W/no/out" "$W/a"
	assert_output ''
	assert_equal "$stderr" "dl-clone: fatal: unable to clone '$W/no/out': No such file or directory"
	run -0 ls -A "$W"
	assert_output 'a'
}

@test "dl-clone: a failure while laying a source over leaves nothing" {
	mkwork
	mkimage a
	mkimage b
	echo a >"$W/a/f"
	# an immutable file cannot be replaced, not even by root
	chattr +i "$W/a/f" || skip "chattr +i is not supported here"
	echo b >"$W/b/f"
	seal a
	seal b
	run -125 --separate-stderr dl-clone "$W/out" "$W/a" "$W/b"
	assert_output ''
	[[ "$stderr" == "dl-clone: fatal: unable to clone '$W/out': source '$W/b': "* ]]
	run -0 ls -A "$W"
	assert_output "$(printf '%s\n' a b)"
}
