#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# 141-commit.bats: dl-commit makes a read-only image from a container.

# shellcheck disable=SC2016,SC2154 # scripts expand in the container; run sets $stderr

load helpers
load lib-btrfs
load lib-store
load lib-spawn

# each test makes its own store; teardown stops what it left running
setup() {
	:
}

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

# running SCRIPT [FILL]: a store, an image, and a container of it running
# sh -c SCRIPT, its root prepared by the function FILL first; waits until
# SCRIPT made /started: $img, $cid, $r
running() {
	local _
	spawn_setup
	img=$(mk_image)
	cid=$(mk_sh "$1" '.annotations["org.dockerlite.image"] = $img' \
		--arg img "$img")
	r="$DL_ROOT/containers/$cid/rootfs"
	if [ -n "${2:-}" ]; then
		"$2" "$r"
	fi
	dl-spawn -d "$cid" >/dev/null 3>&-
	for _ in $(seq 200); do
		[ -e "$r/started" ] && return 0
		sleep 0.05
	done
	echo "container $cid did not start" >&2
	return 1
}

# lxc_state: RUNNING, FROZEN... of the container $cid, as liblxc tells
lxc_state() {
	lxc-info -P "$DL_ROOT/containers" -n "$cid" -sH
}

# subvols_of_store: the subvolumes of this store, one path a line
subvols_of_store() {
	btrfs subvolume list "$DL_TEST_MNT" | grep -oE "$(basename "$DL_ROOT")/.*" | sort
}

# fill_nested ROOT: /a/sub, a nested subvolume holding f ("inside")
fill_nested() {
	mkdir "$1/a"
	btrfs -q subvolume create "$1/a/sub"
	echo inside >"$1/a/sub/f"
}

# fill_bulk ROOT: /data, a nested subvolume holding 2000 files in bulk/,
# copied before what the container writes there later (readdir order)
fill_bulk() {
	local i
	btrfs -q subvolume create "$1/data"
	mkdir "$1/data/bulk"
	for i in $(seq 2000); do
		: >"$1/data/bulk/$i"
	done
}

# the nested subvolume of fill_nested in image ROOT is whole, at /a/sub or
# (renamed when the snapshot was taken) /a.old/sub, and no host file came in
assert_nested_kept() {
	local d=$1
	run -0 find "$d" -name marker
	assert_output ''
	if [ -d "$d/a.old/sub" ]; then
		assert_equal "$(cat "$d/a.old/sub/f")" inside
	else
		assert_equal "$(cat "$d/a/sub/f")" inside
	fi
}

@test "dl-commit: --help prints the synopsis on stdout" {
	run -0 --separate-stderr dl-commit --help
	assert_line --index 0 'usage: dl-commit [-P] [-H] [-C CONFIG] [-m MESSAGE] [-a AUTHOR] [-t NAME] CONTAINER_ID'
}

@test "dl-commit: an operand that is not an ID is 2, in the one wording" {
	run -2 --separate-stderr dl-commit not-an-id
	assert_output ''
	assert_equal "$stderr" "dl-commit: fatal: unable to commit container 'not-an-id': not a valid ID (64 lowercase hex digits)"
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

@test "dl-commit: a running container is frozen while its root is copied, and runs again after" {
	local i k new n t t0
	# n, in a nested subvolume copied after its 2000 files, is written
	# just before t, at the top: frozen, the image holds t = n or n - 1
	running 'i=0; while :; do i=$((i+1)); echo $i >/data/n.tmp
		mv /data/n.tmp /data/n; echo $i >/t.tmp; mv /t.tmp /t
		[ -e /started ] || : >/started; done' fill_bulk
	for k in 1 2 3; do
		run -0 --separate-stderr dl-commit "$cid"
		new=$output
		assert_equal "$stderr" ''
		n=$(cat "$DL_ROOT/images/$new/rootfs/data/n")
		t=$(cat "$DL_ROOT/images/$new/rootfs/t")
		echo "commit $k: n=$n t=$t" >&2
		[ "$n" -eq "$t" ] || [ "$n" -eq $((t + 1)) ]
		assert_equal "$(lxc_state)" RUNNING
	done
	# and it goes on counting
	t0=$(cat "$r/t")
	for i in $(seq 200); do
		[ "$(cat "$r/t")" != "$t0" ] && break
		sleep 0.05
	done
	[ "$(cat "$r/t")" != "$t0" ]
}

@test "dl-commit: a container frozen already stays frozen" {
	running ': >/started; while :; do sleep 0.1; done' fill_nested
	lxc-freeze -P "$DL_ROOT/containers" -n "$cid"
	assert_equal "$(lxc_state)" FROZEN
	run -0 --separate-stderr dl-commit "$cid"
	assert_equal "$(cat "$DL_ROOT/images/$output/rootfs/a/sub/f")" inside
	assert_equal "$(lxc_state)" FROZEN
	lxc-unfreeze -P "$DL_ROOT/containers" -n "$cid"
}

# a script that keeps renaming /a, the parent of a nested subvolume, and
# putting a symlink to the host directory $victim in its place
swapper() {
	printf '%s' ': >/started; while :; do mv /a /a.old; ln -s '"$1"' /a
		rm /a; mv /a.old /a; done'
}

@test "dl-commit: a symlink swapped in for a nested subvolume's parent never brings host files into the image" {
	local i victim=$BATS_TEST_TMPDIR/victim
	mkdir -p "$victim/sub"
	echo host >"$victim/sub/marker"
	running "$(swapper "$victim")" fill_nested
	for i in $(seq 25); do
		run -0 --separate-stderr dl-commit "$cid"
		assert_nested_kept "$DL_ROOT/images/$output/rootfs"
	done
	assert_equal "$(lxc_state)" RUNNING
	assert_file_exists "$victim/sub/marker"
}

@test "dl-commit: -P copies the running container beneath its root, or fails with 3, never drops or follows" {
	local i new victim=$BATS_TEST_TMPDIR/victim ok=0
	mkdir -p "$victim/sub"
	echo host >"$victim/sub/marker"
	running "$(swapper "$victim")" fill_nested
	for i in $(seq 25); do
		run --separate-stderr dl-commit -P "$cid"
		if [ "$status" -eq 3 ]; then
			[[ "$stderr" == "dl-commit: fatal: unable to commit container '$cid': its nested subvolumes moved while being copied (commit it paused)" ]]
			continue
		fi
		assert_equal "$status" 0
		new=$output
		assert_nested_kept "$DL_ROOT/images/$new/rootfs"
		ok=$((ok + 1))
	done
	echo "$ok of 25 made" >&2
	run -0 find "$DL_ROOT/tmp" -mindepth 1
	assert_output ''
}

@test "dl-commit: killed at any step, it leaves nothing the sweep does not remove, and the container runs" {
	local step subs0 new
	running ': >/started; while :; do sleep 0.1; done' fill_nested
	subs0=$(subvols_of_store)
	for step in tmp frozen snapshot copied thawed meta record published; do
		DL_FAULT=dl-commit:$step run -137 dl-commit -t test/killed "$cid"
		assert_equal "$(lxc_state)" RUNNING
		# a publish not complete is never listed
		run -0 --separate-stderr dl images -q
		assert_output "${img:0:12}"
		assert_equal "$stderr" ''
		run -0 dl-store-sweep
		assert_equal "$(subvols_of_store)" "$subs0"
		assert_equal "$(images_count)" 1
		run -0 find "$DL_ROOT/tmp" -mindepth 1
		assert_output ''
		assert_file_not_exists "$DL_ROOT/refs/images/test/killed/:latest"
	done
	# untagged, killed after the rename: the commit is whole and listed
	DL_FAULT=dl-commit:published run -137 dl-commit "$cid"
	assert_equal "$(lxc_state)" RUNNING
	assert_equal "$(images_count)" 2
	run -0 find "$DL_ROOT/tmp" -mindepth 1
	assert_output ''
	new=$(basename "$(find "$DL_ROOT/images" -mindepth 1 -maxdepth 1 -newer "$DL_ROOT/images/$img")")
	assert_equal "$(cat "$DL_ROOT/images/$new/rootfs/a/sub/f")" inside
	run -0 btrfs property get -ts "$DL_ROOT/images/$new/rootfs" ro
	assert_output 'ro=true'
	assert_file_exists "$DL_ROOT/images/$new/meta.json"
}

@test "dl commit: adds exactly one history entry, stamped with the message and author" {
	setup_container
	run -0 --separate-stderr dl commit -c 'ENV B=2' -m 'one step' -a 'Ann <a@b>' \
		"$cid" one:1
	d="$DL_ROOT/images/$output"
	run -0 jq -c '[(.history | length), (.history[-1] | del(.created)),
		.author, (.created == .history[-1].created), .config.Env]' \
		"$d/config.json"
	assert_output '[1,{"author":"Ann <a@b>","comment":"one step","created_by":"dl commit"},"Ann <a@b>",true,["A=1","B=2"]]'
	run -0 --separate-stderr dl image history -q one:1
	assert_equal "${#lines[@]}" 2
}

@test "dl commit: a second commit adds one more entry, and no author unless given" {
	setup_container
	run -0 --separate-stderr dl commit -a me "$cid" first:1
	first=$output
	run -0 --separate-stderr dl-container-new "$first" echo hi
	run -0 --separate-stderr dl commit -m again "$output" second:1
	d="$DL_ROOT/images/$output"
	run -0 jq -c '[(.history | length), [.history[].comment], .author]' \
		"$d/config.json"
	assert_output '[2,[null,"again"],null]'
}

@test "dl image create: adds exactly one history entry, with or without options" {
	mk_store
	mkdir -p "$BATS_TEST_TMPDIR/root/etc"
	echo hi >"$BATS_TEST_TMPDIR/root/etc/motd"
	run -0 --separate-stderr dl image create plain "$BATS_TEST_TMPDIR/root"
	run -0 jq -c '[.history[] | del(.created)]' \
		"$DL_ROOT/images/$output/config.json"
	assert_output '[{"created_by":"dl image create"}]'
	run -0 --separate-stderr dl image create -c 'CMD ["sh"]' -m made -a me \
		opts "$BATS_TEST_TMPDIR/root"
	run -0 jq -c '[.history[] | del(.created)]' \
		"$DL_ROOT/images/$output/config.json"
	assert_output '[{"author":"me","comment":"made","created_by":"dl image create"}]'
}
