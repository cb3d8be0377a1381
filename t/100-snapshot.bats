#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# 100-snapshot.bats: dl-snapshot creates, snapshots, flags, deletes and
# lists btrfs subvolumes.

load helpers
load lib-btrfs

teardown() {
	local p
	[ -n "${W:-}" ] && [ -d "$W" ] || return 0
	for p in "$W"/* "$W"/*/*; do
		if dl-snapshot is-subvolume "$p"; then
			dl-snapshot delete "$p" || true
		fi
	done
	rm -rf "$W"
}

# subvols_under DIR: the subvolumes the filesystem has below DIR (btrfs-progs)
subvols_under() {
	local rel=${1#"$DL_TEST_MNT"/}
	btrfs subvolume list "$DL_TEST_MNT" | awk -v p="$rel/" \
		'index($NF, p) == 1 { print $NF }'
}

@test "dl-snapshot: --help lists every subcommand on stdout" {
	local c
	run -0 --separate-stderr dl-snapshot --help
	[ -z "$stderr" ]
	assert_line --index 0 'usage: dl-snapshot create PATH'
	for c in 'snapshot [-r] SOURCE DEST' 'set-ro PATH true|false' \
		'get-ro PATH' 'delete PATH' 'list PATH' 'is-subvolume PATH'; do
		assert_line "   or: dl-snapshot $c"
	done
}

@test "dl-snapshot: no subcommand or an unknown one is a usage error" {
	run -2 --separate-stderr dl-snapshot
	assert_output ''
	[[ "$stderr" == "dl-snapshot: usage: dl-snapshot create PATH"* ]]
	run -2 --separate-stderr dl-snapshot frobnicate x
	assert_output ''
	[[ "$stderr" == "dl-snapshot: usage: "* ]]
}

@test "dl-snapshot: a bad option or operand count shows that subcommand's usage" {
	run -2 --separate-stderr dl-snapshot snapshot -x a b
	assert_output ''
	assert_equal "$stderr" 'dl-snapshot: usage: dl-snapshot snapshot [-r] SOURCE DEST'
	run -2 --separate-stderr dl-snapshot snapshot a
	assert_equal "$stderr" 'dl-snapshot: usage: dl-snapshot snapshot [-r] SOURCE DEST'
	run -2 --separate-stderr dl-snapshot create
	assert_equal "$stderr" 'dl-snapshot: usage: dl-snapshot create PATH'
	run -2 --separate-stderr dl-snapshot delete a b
	assert_equal "$stderr" 'dl-snapshot: usage: dl-snapshot delete PATH'
	run -2 --separate-stderr dl-snapshot create -r a
	assert_equal "$stderr" 'dl-snapshot: usage: dl-snapshot create PATH'
}

@test "dl-snapshot: set-ro takes only true or false" {
	run -2 --separate-stderr dl-snapshot set-ro /nonexistent yes
	assert_output ''
	assert_equal "$stderr" 'dl-snapshot: usage: dl-snapshot set-ro PATH true|false'
	run -2 --separate-stderr dl-snapshot set-ro /nonexistent
	assert_output ''
}

@test "dl-snapshot: a subcommand's --help shows its synopsis" {
	run -0 --separate-stderr dl-snapshot snapshot --help
	assert_line --index 0 'usage: dl-snapshot snapshot [-r] SOURCE DEST'
	assert_line --partial '-r'
}

@test "dl-snapshot: create makes an empty writable subvolume, silently" {
	mkwork
	run -0 --separate-stderr dl-snapshot create "$W/sv"
	assert_output ''
	[ -z "$stderr" ]
	run -0 btrfs subvolume show "$W/sv"
	run -0 ls -A "$W/sv"
	assert_output ''
	run -0 dl-snapshot get-ro "$W/sv"
	assert_output 'false'
	touch "$W/sv/file"
}

@test "dl-snapshot: create over an existing path is a conflict" {
	mkwork
	mkdir "$W/d"
	touch "$W/d/keep"
	run -3 --separate-stderr dl-snapshot create "$W/d"
	assert_output ''
	[[ "$stderr" == "dl-snapshot: fatal: unable to create '$W/d': "*"File exists" ]]
	assert_file_exists "$W/d/keep"
	run -1 dl-snapshot is-subvolume "$W/d"
}

@test "dl-snapshot: create under a missing directory fails with 1" {
	mkwork
	run -1 --separate-stderr dl-snapshot create "$W/no/sv"
	assert_output ''
	assert_equal "$stderr" "dl-snapshot: fatal: unable to create '$W/no/sv': No such file or directory"
	run -0 ls -A "$W"
	assert_output ''
}

@test "dl-snapshot: snapshot copies content and is writable and independent" {
	mkwork
	dl-snapshot create "$W/src"
	echo one >"$W/src/f"
	run -0 --separate-stderr dl-snapshot snapshot "$W/src" "$W/snap"
	assert_output ''
	[ -z "$stderr" ]
	assert_equal "$(cat "$W/snap/f")" one
	run -0 dl-snapshot get-ro "$W/snap"
	assert_output false
	echo two >"$W/snap/f"
	touch "$W/snap/new"
	assert_equal "$(cat "$W/src/f")" one
	assert_file_not_exists "$W/src/new"
}

@test "dl-snapshot: snapshot -r makes a read-only snapshot" {
	mkwork
	dl-snapshot create "$W/src"
	run -0 --separate-stderr dl-snapshot snapshot -r "$W/src" "$W/snap"
	run -0 dl-snapshot get-ro "$W/snap"
	assert_output true
	run -0 dl-snapshot get-ro "$W/src"
	assert_output false
	run ! touch "$W/snap/x"
}

@test "dl-snapshot: snapshot of a plain directory fails with 1 and makes nothing" {
	mkwork
	mkdir "$W/plain"
	run -1 --separate-stderr dl-snapshot snapshot "$W/plain" "$W/snap"
	assert_output ''
	assert_equal "$stderr" "dl-snapshot: fatal: unable to snapshot '$W/plain' to '$W/snap': Not a Btrfs subvolume"
	assert_not_exists "$W/snap"
	run -1 --separate-stderr dl-snapshot snapshot "$W/missing" "$W/snap"
	[[ "$stderr" == "dl-snapshot: fatal: unable to snapshot '$W/missing' to '$W/snap': "* ]]
	assert_not_exists "$W/snap"
}

@test "dl-snapshot: snapshot onto an existing path is a conflict" {
	mkwork
	dl-snapshot create "$W/src"
	mkdir "$W/snap"
	run -3 --separate-stderr dl-snapshot snapshot "$W/src" "$W/snap"
	assert_output ''
	[[ "$stderr" == "dl-snapshot: fatal: unable to snapshot "*"File exists" ]]
	run -1 dl-snapshot is-subvolume "$W/snap"
}

@test "dl-snapshot: set-ro sets and clears the read-only flag" {
	mkwork
	dl-snapshot create "$W/sv"
	run -0 --separate-stderr dl-snapshot set-ro "$W/sv" true
	assert_output ''
	run -0 dl-snapshot get-ro "$W/sv"
	assert_output true
	run ! touch "$W/sv/x"
	run -0 dl-snapshot set-ro "$W/sv" false
	run -0 dl-snapshot get-ro "$W/sv"
	assert_output false
	touch "$W/sv/x"
}

@test "dl-snapshot: set-ro and get-ro refuse a plain directory or a missing path" {
	mkwork
	mkdir "$W/plain"
	run -1 --separate-stderr dl-snapshot set-ro "$W/plain" true
	assert_output ''
	assert_equal "$stderr" "dl-snapshot: fatal: unable to set read-only flag of '$W/plain': Not a Btrfs subvolume"
	run -1 --separate-stderr dl-snapshot get-ro "$W/plain"
	assert_output ''
	assert_equal "$stderr" "dl-snapshot: fatal: unable to read read-only flag of '$W/plain': Not a Btrfs subvolume"
	run -1 --separate-stderr dl-snapshot get-ro "$W/missing"
	assert_output ''
	[[ "$stderr" == "dl-snapshot: fatal: unable to read read-only flag of '$W/missing': "* ]]
	run -1 --separate-stderr dl-snapshot set-ro "$W/missing" false
	assert_output ''
}

@test "dl-snapshot: is-subvolume answers by exit code only" {
	mkwork
	dl-snapshot create "$W/sv"
	mkdir "$W/plain"
	touch "$W/file"
	run -0 --separate-stderr dl-snapshot is-subvolume "$W/sv"
	assert_output ''
	[ -z "$stderr" ]
	local p
	for p in "$W/plain" "$W/file" "$W/missing" "$W/file/x" /proc; do
		run -1 --separate-stderr dl-snapshot is-subvolume "$p"
		assert_output ''
		[ -z "$stderr" ]
	done
}

@test "dl-snapshot: delete removes nested subvolumes, read-only ones too" {
	mkwork
	dl-snapshot create "$W/top"
	mkdir "$W/top/dir"
	dl-snapshot create "$W/top/dir/n1"
	dl-snapshot create "$W/top/dir/n1/n2"
	echo x >"$W/top/dir/n1/n2/file"
	dl-snapshot create "$W/top/ro"
	dl-snapshot set-ro "$W/top/ro" true
	dl-snapshot set-ro "$W/top/dir/n1/n2" true
	dl-snapshot set-ro "$W/top/dir/n1" true
	dl-snapshot set-ro "$W/top" true
	run -0 subvols_under "$W"
	assert_equal "${#lines[@]}" 4
	run -0 --separate-stderr dl-snapshot delete "$W/top"
	assert_output ''
	[ -z "$stderr" ]
	assert_not_exists "$W/top"
	run -0 subvols_under "$W"
	assert_output ''
}

@test "dl-snapshot: delete refuses a plain directory, a missing path, a symlink" {
	mkwork
	mkdir "$W/plain"
	touch "$W/plain/keep"
	dl-snapshot create "$W/sv"
	ln -s sv "$W/link"
	run -1 --separate-stderr dl-snapshot delete "$W/plain"
	assert_output ''
	assert_equal "$stderr" "dl-snapshot: fatal: unable to delete '$W/plain': Not a Btrfs subvolume"
	assert_file_exists "$W/plain/keep"
	run -1 --separate-stderr dl-snapshot delete "$W/missing"
	assert_output ''
	assert_equal "$stderr" "dl-snapshot: fatal: unable to delete '$W/missing': No such file or directory"
	run -1 --separate-stderr dl-snapshot delete "$W/link"
	assert_output ''
	run -0 dl-snapshot is-subvolume "$W/sv"
	assert_symlink_to "$W/sv" "$W/link"
}

@test "dl-snapshot: list prints nested subvolumes relative to a subvolume, sorted" {
	mkwork
	dl-snapshot create "$W/top"
	mkdir -p "$W/top/a/b"
	dl-snapshot create "$W/top/z"
	dl-snapshot create "$W/top/a/b/n"
	dl-snapshot create "$W/top/a/b/n/deep"
	dl-snapshot create "$W/other"
	run -0 --separate-stderr dl-snapshot list "$W/top"
	[ -z "$stderr" ]
	assert_output "$(printf '%s\n' a/b/n a/b/n/deep z)"
}

@test "dl-snapshot: list on a plain directory lists only what is below it" {
	mkwork
	mkdir -p "$W/d/sub" "$W/d2" "$W/e"
	dl-snapshot create "$W/d/sub/one"
	dl-snapshot create "$W/d/sub/one/two"
	dl-snapshot create "$W/d/three"
	# unrelated subvolumes elsewhere on the same filesystem
	dl-snapshot create "$W/d2/not-me"
	dl-snapshot create "$W/e/nor-me"
	dl-snapshot create "$W/dsv"
	run -0 --separate-stderr dl-snapshot list "$W/d"
	[ -z "$stderr" ]
	assert_output "$(printf '%s\n' sub/one sub/one/two three)"
	run -0 --separate-stderr dl-snapshot list "$W/d/sub/"
	assert_output "$(printf '%s\n' one one/two)"
	run -0 --separate-stderr dl-snapshot list "$W/e"
	assert_output 'nor-me'
}

@test "dl-snapshot: list on a directory inside a nested subvolume" {
	mkwork
	dl-snapshot create "$W/top"
	dl-snapshot create "$W/top/inner"
	mkdir "$W/top/inner/dir"
	dl-snapshot create "$W/top/inner/dir/leaf"
	dl-snapshot create "$W/top/inner/sibling"
	run -0 --separate-stderr dl-snapshot list "$W/top/inner/dir"
	assert_output 'leaf'
}

@test "dl-snapshot: list prints nothing when there is nothing below" {
	mkwork
	mkdir "$W/empty"
	dl-snapshot create "$W/sv"
	run -0 --separate-stderr dl-snapshot list "$W/empty"
	assert_output ''
	[ -z "$stderr" ]
	run -0 --separate-stderr dl-snapshot list "$W/sv"
	assert_output ''
}

@test "dl-snapshot: list refuses a missing path or a file" {
	mkwork
	touch "$W/file"
	run -1 --separate-stderr dl-snapshot list "$W/missing"
	assert_output ''
	assert_equal "$stderr" "dl-snapshot: fatal: unable to list '$W/missing': No such file or directory"
	run -1 --separate-stderr dl-snapshot list "$W/file"
	assert_output ''
	assert_equal "$stderr" "dl-snapshot: fatal: unable to list '$W/file': Not a directory"
}

@test "dl-snapshot: list refuses a directory not on btrfs" {
	require_root
	run -1 --separate-stderr dl-snapshot list /proc
	assert_output ''
	assert_equal "$stderr" "dl-snapshot: fatal: unable to list '/proc': Not a Btrfs filesystem"
}
