#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# 141-commit.bats: dl-commit makes a read-only image from a container.

# shellcheck disable=SC2154 # $stderr is set by run --separate-stderr

load helpers
load lib-btrfs
load lib-store

# a store, an image and a container of it running "echo hi": $img, $cid, $r
setup_container() {
	mk_store
	img=$(mk_image '{"Cmd":["/bin/sh"],"Env":["A=1"]}')
	run -0 --separate-stderr dl-container-new "$img" echo hi
	cid=$output
	r="$DL_ROOT/containers/$cid/rootfs"
}

images_count() {
	find "$DL_ROOT/images" -mindepth 1 -maxdepth 1 | wc -l
}

@test "dl-commit: --help prints the synopsis on stdout" {
	run -0 --separate-stderr dl-commit --help
	assert_line --index 0 'usage: dl-commit [-C CONFIG] [-m MESSAGE] [-a AUTHOR] [-t NAME] CONTAINER_ID'
}

@test "dl-commit: a bad operand is a usage error" {
	run -2 --separate-stderr dl-commit not-an-id
	assert_output ''
	[[ "$stderr" == dl-commit:\ usage:* ]]
}

@test "dl-commit: makes a read-only image holding the container's files" {
	setup_container
	echo changed >"$r/etc/motd"
	rm "$r/bin/ls"
	run -0 --separate-stderr dl-commit "$cid"
	new=$output
	[[ "$new" =~ ^[0-9a-f]{64}$ ]]
	assert_equal "$stderr" ''
	d="$DL_ROOT/images/$new"
	run -0 btrfs property get -ts "$d/rootfs" ro
	assert_output 'ro=true'
	run -0 cat "$d/rootfs/etc/motd"
	assert_output changed
	assert_file_not_exists "$d/rootfs/bin/ls"
	run -0 find "$DL_ROOT/tmp" -mindepth 1
	assert_output ''
	# the container is untouched and still writable
	run -0 btrfs property get -ts "$r" ro
	assert_output 'ro=false'
}

@test "dl-commit: config and meta come from the container's image, stamped" {
	setup_container
	run -0 --separate-stderr dl-commit -m 'a message' -a 'Ann <a@b>' "$cid"
	new=$output
	d="$DL_ROOT/images/$new"
	run -0 jq -c '[.config, .author, .rootfs, (.history | length), (.history[-1] | del(.created)), (.created == .history[-1].created)]' "$d/config.json"
	assert_output '[{"Cmd":["/bin/sh"],"Env":["A=1"]},"Ann <a@b>",{"diff_ids":[],"type":"layers"},1,{"author":"Ann <a@b>","comment":"a message","created_by":"echo hi"},true]'
	run -0 jq -c 'del(.created)' "$d/meta.json"
	assert_output "{\"author\":\"Ann <a@b>\",\"comment\":\"a message\",\"id\":\"$new\",\"parent\":\"$img\",\"size\":0}"
	run -0 jq -r .created "$d/meta.json"
	[[ "$output" =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z$ ]]
}

@test "dl-commit: -C gives the config" {
	setup_container
	printf '{"architecture":"amd64","os":"linux","config":{"Cmd":["/bin/true"],"User":"nobody"}}\n' >"$BATS_TEST_TMPDIR/cfg.json"
	run -0 --separate-stderr dl-commit -C "$BATS_TEST_TMPDIR/cfg.json" "$cid"
	run -0 jq -c .config "$DL_ROOT/images/$output/config.json"
	assert_output '{"Cmd":["/bin/true"],"User":"nobody"}'
}

@test "dl-commit: -C - reads the config from stdin" {
	setup_container
	run -0 --separate-stderr dl-commit -C - "$cid" <<<'{"config":{"Cmd":["x"]}}'
	run -0 jq -c .config.Cmd "$DL_ROOT/images/$output/config.json"
	assert_output '["x"]'
}

@test "dl-commit: -t names the image" {
	setup_container
	run -0 --separate-stderr dl-commit -t test/app:v1 "$cid"
	new=$output
	run -0 cat "$DL_ROOT/refs/images/test/app/:v1"
	assert_output "$new"
}

@test "dl-commit: files in nested subvolumes are in the image, never an empty directory" {
	setup_container
	btrfs -q subvolume create "$r/data"
	echo top >"$r/data/f"
	mkdir "$r/data/dir"
	echo deep >"$r/data/dir/g"
	btrfs -q subvolume create "$r/data/inner"
	echo inner >"$r/data/inner/h"
	run -0 --separate-stderr dl-commit "$cid"
	d="$DL_ROOT/images/$output/rootfs"
	run -0 cat "$d/data/f" "$d/data/dir/g" "$d/data/inner/h"
	assert_output $'top\ndeep\ninner'
	# flattened: the image is one read-only subvolume
	run ! btrfs subvolume show "$d/data"
	run -0 btrfs property get -ts "$d" ro
	assert_output 'ro=true'
	run -0 btrfs subvolume show "$r/data/inner"
}

@test "dl-commit: a missing container is 1 and leaves nothing" {
	mk_store
	id=$(new_id)
	run -1 --separate-stderr dl-commit -t test/none "$id"
	assert_output ''
	assert_equal "$stderr" "dl-commit: fatal: unable to commit container '$id': no such container"
	store_is_clean
	assert_equal "$(images_count)" 0
	assert_file_not_exists "$DL_ROOT/refs/images/test/none/:latest"
}

@test "dl-commit: a bad -C is refused before anything is made" {
	setup_container
	printf '{"config": [' >"$BATS_TEST_TMPDIR/bad.json"
	run -4 --separate-stderr dl-commit -C "$BATS_TEST_TMPDIR/bad.json" "$cid"
	assert_output ''
	[[ "$stderr" == "dl-commit: fatal: unable to load '$BATS_TEST_TMPDIR/bad.json': "* ]]
	run -1 --separate-stderr dl-commit -C "$BATS_TEST_TMPDIR/none.json" "$cid"
	[[ "$stderr" == "dl-commit: fatal: unable to load '$BATS_TEST_TMPDIR/none.json': "* ]]
	assert_equal "$(images_count)" 1
	run -0 find "$DL_ROOT/tmp" -mindepth 1
	assert_output ''
}

@test "dl-commit: a bad -t name is a usage error and leaves nothing" {
	setup_container
	run -2 --separate-stderr dl-commit -t 'Bad Name' "$cid"
	assert_output ''
	[[ "$stderr" == "dl-commit: fatal: unable to use name 'Bad Name': "* ]]
	assert_equal "$(images_count)" 1
}
