#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# 142-diff.bats: dl-diff lists what a container changed against its image.

# shellcheck disable=SC2154 # $stderr is set by run --separate-stderr

load helpers
load lib-btrfs
load lib-store

add_tree() {
	mkdir -p "$1/srv/keep" "$1/srv/gone/sub"
	echo k >"$1/srv/keep/k"
	echo g >"$1/srv/gone/sub/g"
	echo same >"$1/srv/same"
}

# a store, an image and a container of it: $img, $cid, $r
setup_container() {
	mk_store
	img=$(mk_image '{"Cmd":["/bin/sh"]}' add_tree)
	run -0 --separate-stderr dl-container-new "$img"
	cid=$output
	r="$DL_ROOT/containers/$cid/rootfs"
}

@test "dl-diff: --help prints the synopsis on stdout" {
	run -0 --separate-stderr dl-diff --help
	assert_line --index 0 'usage: dl-diff [-j] CONTAINER_ID'
}

@test "dl-diff: a bad operand is a usage error" {
	run -2 --separate-stderr dl-diff -x
	assert_output ''
	[[ "$stderr" == dl-diff:\ usage:* ]]
}

@test "dl-diff: a fresh container has no changes" {
	setup_container
	run -0 --separate-stderr dl-diff "$cid"
	assert_output ''
	assert_equal "$stderr" ''
	run -0 --separate-stderr dl-diff -j "$cid"
	assert_output '[]'
}

@test "dl-diff: added, changed and deleted files, with their parents changed" {
	setup_container
	echo new >"$r/etc/new"
	echo more >>"$r/srv/keep/k"
	rm "$r/bin/ls"
	run -0 --separate-stderr dl-diff "$cid"
	assert_output - <<'OUT'
C /bin
D /bin/ls
C /etc
A /etc/new
C /srv
C /srv/keep
C /srv/keep/k
OUT
}

@test "dl-diff: a deleted directory is one line, an added one lists its contents" {
	setup_container
	rm -r "$r/srv/gone"
	mkdir -p "$r/opt/a/b"
	touch "$r/opt/a/b/f"
	run -0 --separate-stderr dl-diff "$cid"
	assert_output - <<'OUT'
A /opt
A /opt/a
A /opt/a/b
A /opt/a/b/f
C /srv
D /srv/gone
OUT
}

@test "dl-diff: mode, owner and replaced files are changes; a directory's mtime is not" {
	setup_container
	chmod 600 "$r/srv/same"
	chown 1:1 "$r/srv/keep"
	cp -p "$r/etc/group" "$r/etc/group.new"
	mv "$r/etc/group.new" "$r/etc/group"
	touch "$r/root/tmpfile"
	rm "$r/root/tmpfile"
	run -0 --separate-stderr dl-diff "$cid"
	assert_output - <<'OUT'
C /etc
C /etc/group
C /srv
C /srv/keep
C /srv/same
OUT
}

@test "dl-diff: a file turned into a directory is changed, its contents added" {
	setup_container
	rm "$r/srv/same"
	mkdir "$r/srv/same"
	touch "$r/srv/same/x"
	run -0 --separate-stderr dl-diff "$cid"
	assert_output - <<'OUT'
C /srv
C /srv/same
A /srv/same/x
OUT
}

@test "dl-diff: -j prints Docker's JSON shape, kinds 0 modified, 1 added, 2 deleted" {
	setup_container
	echo new >"$r/etc/new"
	rm "$r/srv/same"
	run -0 --separate-stderr dl-diff -j "$cid"
	assert_output '[{"Kind":0,"Path":"/etc"},{"Kind":1,"Path":"/etc/new"},{"Kind":0,"Path":"/srv"},{"Kind":2,"Path":"/srv/same"}]'
}

layer_two() {
	echo two >"$1/srv/same"
	mkdir -p "$1/srv/keep"
	echo two >"$1/srv/keep/two"
}

@test "dl-diff: a container of several images is compared with their merged view" {
	mk_store
	one=$(mk_image '{"Cmd":["sh"]}' add_tree)
	two=$(mk_image '{"Cmd":["sh"]}' layer_two)
	run -0 --separate-stderr dl-container-new "$one+$two"
	cid=$output
	r="$DL_ROOT/containers/$cid/rootfs"
	run -0 --separate-stderr dl-diff "$cid"
	assert_output ''
	echo changed >"$r/srv/keep/two"
	rm "$r/srv/gone/sub/g"
	run -0 --separate-stderr dl-diff "$cid"
	assert_output - <<'OUT'
C /srv
C /srv/gone
C /srv/gone/sub
D /srv/gone/sub/g
C /srv/keep
C /srv/keep/two
OUT
}

@test "dl-diff: a missing container is 1" {
	mk_store
	id=$(new_id)
	run -1 --separate-stderr dl-diff "$id"
	assert_output ''
	assert_equal "$stderr" "dl-diff: fatal: unable to diff container '$id': no such container"
}
