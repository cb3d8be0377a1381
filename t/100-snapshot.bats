#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# 100-snapshot.bats: dl-subvol-new creates, dl-snapshot snapshots,
# dl-subvol-set-ro and -get-ro flag, dl-subvol-rm deletes, dl-subvol-ls
# lists and dl-subvol-test tells btrfs subvolumes.

load helpers
load lib-btrfs

teardown() {
	local p
	[ -n "${W:-}" ] && [ -d "$W" ] || return 0
	for p in "$W"/* "$W"/*/*; do
		if dl-subvol-test "$p"; then
			dl-subvol-rm "$p" || true
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

@test "dl-subvol-*: each --help prints its one synopsis on stdout" {
	local p
	for p in 'dl-subvol-new PATH' 'dl-snapshot [-r] SOURCE DEST' \
		'dl-subvol-set-ro PATH true|false' 'dl-subvol-get-ro PATH' \
		'dl-subvol-rm PATH' 'dl-subvol-ls PATH' 'dl-subvol-test PATH'; do
		run -0 --separate-stderr "${p%% *}" --help
		[ -z "$stderr" ]
		assert_line --index 0 "usage: $p"
		refute_output --partial 'or:'
	done
	run -0 --separate-stderr dl-snapshot --help
	assert_line --partial '-r'
}

@test "dl-subvol-*: a bad option or operand count is a usage error" {
	run -2 --separate-stderr dl-snapshot
	assert_output ''
	assert_equal "$stderr" 'dl-snapshot: usage: dl-snapshot [-r] SOURCE DEST'
	run -2 --separate-stderr dl-snapshot -x a b
	assert_output ''
	assert_equal "$stderr" 'dl-snapshot: usage: dl-snapshot [-r] SOURCE DEST'
	run -2 --separate-stderr dl-snapshot a
	assert_equal "$stderr" 'dl-snapshot: usage: dl-snapshot [-r] SOURCE DEST'
	run -2 --separate-stderr dl-subvol-new
	assert_equal "$stderr" 'dl-subvol-new: usage: dl-subvol-new PATH'
	run -2 --separate-stderr dl-subvol-rm a b
	assert_equal "$stderr" 'dl-subvol-rm: usage: dl-subvol-rm PATH'
	run -2 --separate-stderr dl-subvol-new -r a
	assert_equal "$stderr" 'dl-subvol-new: usage: dl-subvol-new PATH'
	run -2 --separate-stderr dl-subvol-ls
	assert_equal "$stderr" 'dl-subvol-ls: usage: dl-subvol-ls PATH'
	run -2 --separate-stderr dl-subvol-test a b
	assert_equal "$stderr" 'dl-subvol-test: usage: dl-subvol-test PATH'
	run -2 --separate-stderr dl-subvol-get-ro
	assert_equal "$stderr" 'dl-subvol-get-ro: usage: dl-subvol-get-ro PATH'
}

@test "dl-subvol-set-ro: takes only true or false" {
	run -2 --separate-stderr dl-subvol-set-ro /nonexistent yes
	assert_output ''
	assert_equal "$stderr" 'dl-subvol-set-ro: usage: dl-subvol-set-ro PATH true|false'
	run -2 --separate-stderr dl-subvol-set-ro /nonexistent
	assert_output ''
}

@test "dl-subvol-new: makes an empty writable subvolume, silently" {
	mkwork
	run -0 --separate-stderr dl-subvol-new "$W/sv"
	assert_output ''
	[ -z "$stderr" ]
	run -0 btrfs subvolume show "$W/sv"
	run -0 ls -A "$W/sv"
	assert_output ''
	run -0 dl-subvol-get-ro "$W/sv"
	assert_output 'false'
	touch "$W/sv/file"
}

@test "dl-subvol-new: over an existing path is a conflict" {
	mkwork
	mkdir "$W/d"
	touch "$W/d/keep"
	run -3 --separate-stderr dl-subvol-new "$W/d"
	assert_output ''
	[[ "$stderr" == "dl-subvol-new: fatal: unable to create '$W/d': "*"File exists" ]]
	assert_file_exists "$W/d/keep"
	run -1 dl-subvol-test "$W/d"
}

@test "dl-subvol-new: under a missing directory fails with 1" {
	mkwork
	run -1 --separate-stderr dl-subvol-new "$W/no/sv"
	assert_output ''
	assert_equal "$stderr" "dl-subvol-new: fatal: unable to create '$W/no/sv': No such file or directory"
	run -0 ls -A "$W"
	assert_output ''
}

@test "dl-snapshot: copies content and is writable and independent" {
	mkwork
	dl-subvol-new "$W/src"
	echo one >"$W/src/f"
	run -0 --separate-stderr dl-snapshot "$W/src" "$W/snap"
	assert_output ''
	[ -z "$stderr" ]
	assert_equal "$(cat "$W/snap/f")" one
	run -0 dl-subvol-get-ro "$W/snap"
	assert_output false
	echo two >"$W/snap/f"
	touch "$W/snap/new"
	assert_equal "$(cat "$W/src/f")" one
	assert_file_not_exists "$W/src/new"
}

@test "dl-snapshot: -r makes a read-only snapshot" {
	mkwork
	dl-subvol-new "$W/src"
	run -0 --separate-stderr dl-snapshot -r "$W/src" "$W/snap"
	run -0 dl-subvol-get-ro "$W/snap"
	assert_output true
	run -0 dl-subvol-get-ro "$W/src"
	assert_output false
	run ! touch "$W/snap/x"
}

@test "dl-snapshot: of a plain directory fails with 1 and makes nothing" {
	mkwork
	mkdir "$W/plain"
	run -1 --separate-stderr dl-snapshot "$W/plain" "$W/snap"
	assert_output ''
	assert_equal "$stderr" "dl-snapshot: fatal: unable to snapshot '$W/plain' to '$W/snap': Not a Btrfs subvolume"
	assert_not_exists "$W/snap"
	run -1 --separate-stderr dl-snapshot "$W/missing" "$W/snap"
	[[ "$stderr" == "dl-snapshot: fatal: unable to snapshot '$W/missing' to '$W/snap': "* ]]
	assert_not_exists "$W/snap"
}

@test "dl-snapshot: onto an existing path is a conflict" {
	mkwork
	dl-subvol-new "$W/src"
	mkdir "$W/snap"
	run -3 --separate-stderr dl-snapshot "$W/src" "$W/snap"
	assert_output ''
	[[ "$stderr" == "dl-snapshot: fatal: unable to snapshot "*"File exists" ]]
	run -1 dl-subvol-test "$W/snap"
}

@test "dl-subvol-set-ro: sets and clears the read-only flag" {
	mkwork
	dl-subvol-new "$W/sv"
	run -0 --separate-stderr dl-subvol-set-ro "$W/sv" true
	assert_output ''
	run -0 dl-subvol-get-ro "$W/sv"
	assert_output true
	run ! touch "$W/sv/x"
	run -0 dl-subvol-set-ro "$W/sv" false
	run -0 dl-subvol-get-ro "$W/sv"
	assert_output false
	touch "$W/sv/x"
}

@test "dl-subvol-set-ro, dl-subvol-get-ro: refuse a plain directory or a missing path" {
	mkwork
	mkdir "$W/plain"
	run -1 --separate-stderr dl-subvol-set-ro "$W/plain" true
	assert_output ''
	assert_equal "$stderr" "dl-subvol-set-ro: fatal: unable to set read-only flag of '$W/plain': Not a Btrfs subvolume"
	run -1 --separate-stderr dl-subvol-get-ro "$W/plain"
	assert_output ''
	assert_equal "$stderr" "dl-subvol-get-ro: fatal: unable to read read-only flag of '$W/plain': Not a Btrfs subvolume"
	run -1 --separate-stderr dl-subvol-get-ro "$W/missing"
	assert_output ''
	[[ "$stderr" == "dl-subvol-get-ro: fatal: unable to read read-only flag of '$W/missing': "* ]]
	run -1 --separate-stderr dl-subvol-set-ro "$W/missing" false
	assert_output ''
}

@test "dl-subvol-test: answers by exit code only" {
	mkwork
	dl-subvol-new "$W/sv"
	mkdir "$W/plain"
	touch "$W/file"
	run -0 --separate-stderr dl-subvol-test "$W/sv"
	assert_output ''
	[ -z "$stderr" ]
	local p
	for p in "$W/plain" "$W/file" "$W/missing" "$W/file/x" /proc; do
		run -1 --separate-stderr dl-subvol-test "$p"
		assert_output ''
		[ -z "$stderr" ]
	done
}

@test "dl-subvol-rm: removes nested subvolumes, read-only ones too" {
	mkwork
	dl-subvol-new "$W/top"
	mkdir "$W/top/dir"
	dl-subvol-new "$W/top/dir/n1"
	dl-subvol-new "$W/top/dir/n1/n2"
	echo x >"$W/top/dir/n1/n2/file"
	dl-subvol-new "$W/top/ro"
	dl-subvol-set-ro "$W/top/ro" true
	dl-subvol-set-ro "$W/top/dir/n1/n2" true
	dl-subvol-set-ro "$W/top/dir/n1" true
	dl-subvol-set-ro "$W/top" true
	run -0 subvols_under "$W"
	assert_equal "${#lines[@]}" 4
	run -0 --separate-stderr dl-subvol-rm "$W/top"
	assert_output ''
	[ -z "$stderr" ]
	assert_not_exists "$W/top"
	run -0 subvols_under "$W"
	assert_output ''
}

@test "dl-subvol-rm: refuses a plain directory, a missing path, a symlink" {
	mkwork
	mkdir "$W/plain"
	touch "$W/plain/keep"
	dl-subvol-new "$W/sv"
	ln -s sv "$W/link"
	run -1 --separate-stderr dl-subvol-rm "$W/plain"
	assert_output ''
	assert_equal "$stderr" "dl-subvol-rm: fatal: unable to delete '$W/plain': Not a Btrfs subvolume"
	assert_file_exists "$W/plain/keep"
	run -1 --separate-stderr dl-subvol-rm "$W/missing"
	assert_output ''
	assert_equal "$stderr" "dl-subvol-rm: fatal: unable to delete '$W/missing': No such file or directory"
	run -1 --separate-stderr dl-subvol-rm "$W/link"
	assert_output ''
	run -0 dl-subvol-test "$W/sv"
	assert_symlink_to "$W/sv" "$W/link"
}

@test "dl-subvol-ls: prints nested subvolumes relative to a subvolume, sorted" {
	mkwork
	dl-subvol-new "$W/top"
	mkdir -p "$W/top/a/b"
	dl-subvol-new "$W/top/z"
	dl-subvol-new "$W/top/a/b/n"
	dl-subvol-new "$W/top/a/b/n/deep"
	dl-subvol-new "$W/other"
	run -0 --separate-stderr dl-subvol-ls "$W/top"
	[ -z "$stderr" ]
	assert_output "$(printf '%s\n' a/b/n a/b/n/deep z)"
}

@test "dl-subvol-ls: on a plain directory lists only what is below it" {
	mkwork
	mkdir -p "$W/d/sub" "$W/d2" "$W/e"
	dl-subvol-new "$W/d/sub/one"
	dl-subvol-new "$W/d/sub/one/two"
	dl-subvol-new "$W/d/three"
	# unrelated subvolumes elsewhere on the same filesystem
	dl-subvol-new "$W/d2/not-me"
	dl-subvol-new "$W/e/nor-me"
	dl-subvol-new "$W/dsv"
	run -0 --separate-stderr dl-subvol-ls "$W/d"
	[ -z "$stderr" ]
	assert_output "$(printf '%s\n' sub/one sub/one/two three)"
	run -0 --separate-stderr dl-subvol-ls "$W/d/sub/"
	assert_output "$(printf '%s\n' one one/two)"
	run -0 --separate-stderr dl-subvol-ls "$W/e"
	assert_output 'nor-me'
}

@test "dl-subvol-ls: on a directory inside a nested subvolume" {
	mkwork
	dl-subvol-new "$W/top"
	dl-subvol-new "$W/top/inner"
	mkdir "$W/top/inner/dir"
	dl-subvol-new "$W/top/inner/dir/leaf"
	dl-subvol-new "$W/top/inner/sibling"
	run -0 --separate-stderr dl-subvol-ls "$W/top/inner/dir"
	assert_output 'leaf'
}

@test "dl-subvol-ls: prints nothing when there is nothing below" {
	mkwork
	mkdir "$W/empty"
	dl-subvol-new "$W/sv"
	run -0 --separate-stderr dl-subvol-ls "$W/empty"
	assert_output ''
	[ -z "$stderr" ]
	run -0 --separate-stderr dl-subvol-ls "$W/sv"
	assert_output ''
}

@test "dl-subvol-ls: refuses a missing path or a file" {
	mkwork
	touch "$W/file"
	run -1 --separate-stderr dl-subvol-ls "$W/missing"
	assert_output ''
	assert_equal "$stderr" "dl-subvol-ls: fatal: unable to list '$W/missing': No such file or directory"
	run -1 --separate-stderr dl-subvol-ls "$W/file"
	assert_output ''
	assert_equal "$stderr" "dl-subvol-ls: fatal: unable to list '$W/file': Not a directory"
}

@test "dl-subvol-ls: refuses a directory not on btrfs" {
	require_root
	run -1 --separate-stderr dl-subvol-ls /proc
	assert_output ''
	assert_equal "$stderr" "dl-subvol-ls: fatal: unable to list '/proc': Not a Btrfs filesystem"
}
