#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# 320-system-check.bats: dl system check [--repair] finds and repairs what
# crashes leave in a store; dl init repairs the same.
# shellcheck disable=SC2154 # run sets $stderr

load helpers
load lib-btrfs

setup() {
	dl_test_store
}

@test "dl system check: a consistent store exits 0 and prints nothing" {
	run -0 --separate-stderr dl system check
	assert_output ''
	assert_equal "$stderr" ''
	run -0 dl system check --format json
	assert_output '{"problems":[],"repaired":false}'
}

@test "dl system check: each kind of leftover is one line, exit 1; --repair clears all" {
	local ghost=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa
	mkdir -p "$DL_ROOT/refs/containers" "$DL_ROOT/refs/images/gone"
	printf '%s\n' "$ghost" >"$DL_ROOT/refs/containers/web"
	printf '%s\n' "$ghost" >"$DL_ROOT/refs/images/gone/:latest"
	printf 'junk\n' >"$DL_ROOT/refs/containers/bad"
	mkdir "$DL_ROOT/tmp/leftover" "$DL_ROOT/images/stray" \
		"$DL_ROOT/containers/${ghost//a/c}"
	btrfs -q subvolume create "$DL_ROOT/tmp/leftover/rootfs"
	run -1 --separate-stderr dl system check
	assert_line "dangling-name refs/containers/web: container ${ghost:0:12} does not exist"
	assert_line "dangling-name refs/images/gone/:latest: image ${ghost:0:12} does not exist"
	assert_line "corrupt-ref refs/containers/bad: not a name file holding an ID"
	assert_line "unowned-tmp tmp/leftover: no live process owns it"
	assert_line "stray-entry images/stray: not an image ID"
	assert_line "broken-container containers/${ghost//a/c}: rootfs or spec.json is missing or unreadable"
	run -1 dl system check --format json
	run -0 jq -r '.problems[] | .kind + " " + .path' <<<"$output"
	assert_line 'unowned-tmp tmp/leftover'
	assert_equal "${#lines[@]}" 6
	run -0 --separate-stderr dl system check --repair
	assert_equal "${#lines[@]}" 6
	run -0 --separate-stderr dl system check
	assert_output ''
	run -0 find "$DL_ROOT/tmp" "$DL_ROOT/images" "$DL_ROOT/containers" \
		"$DL_ROOT/refs" -mindepth 1 -not -type d
	assert_output ''
	run -0 btrfs subvolume list -o "$DL_TEST_MNT"
	refute_output --partial leftover
}

# drop_image ID: delete image ID by hand, as an older dl without the lock
# could have done under a container made from it
drop_image() {
	btrfs -q property set -ts "$DL_ROOT/images/$1/rootfs" ro false
	btrfs -q subvolume delete "$DL_ROOT/images/$1/rootfs"
	rm -rf "$DL_ROOT/images/$1"
}

@test "dl system check: an image whose parent is gone and a container whose image is gone are repaired" {
	local base kid cid
	busybox_store
	base=$(dl-ref-resolve busybox)
	cid=$(dl create --name orphan busybox true)
	kid=$(dl commit orphan kid:1)
	drop_image "$base"
	run -1 --separate-stderr dl system check
	assert_line "dangling-name refs/images/busybox/:latest: image ${base:0:12} does not exist"
	assert_line "missing-parent images/$kid: its parent image ${base:0:12} does not exist"
	assert_line "missing-image containers/$cid: its image ${base:0:12} does not exist"
	run -0 dl system check --repair
	run -0 --separate-stderr dl system check
	assert_output ''
	run -0 jq -r .parent "$DL_ROOT/images/$kid/meta.json"
	assert_output ''
	# every listing reads the store without a warning
	run -0 --separate-stderr dl ps -a
	assert_equal "$stderr" ''
	assert_output --partial orphan
	run -0 --separate-stderr dl images
	assert_equal "$stderr" ''
	run -0 --separate-stderr dl image history kid:1
	assert_equal "$stderr" ''
	assert_equal "${#lines[@]}" 2
	# the container still runs and commits, with a new config
	run -0 dl start -a orphan
	run -0 --separate-stderr dl commit orphan again:1
	assert_equal "$stderr" ''
	run -4 --separate-stderr dl diff orphan
	[[ "$stderr" == *"its spec names no image"* ]]
}

@test "dl system check: a subvolume no object keeps is an orphan, removed by --repair" {
	local img
	busybox_store
	img=$(dl-ref-resolve busybox)
	btrfs -q subvolume create "$DL_ROOT/left"
	btrfs -q subvolume create "$DL_ROOT/images/$img/extra"
	run -1 --separate-stderr dl system check
	assert_line "orphan-subvolume left: a subvolume no object keeps"
	assert_line "orphan-subvolume images/$img/extra: a subvolume no object keeps"
	assert_equal "${#lines[@]}" 2
	run -0 dl system check --repair
	run -0 dl system check
	assert_output ''
	assert_file_not_exists "$DL_ROOT/left"
	assert_file_not_exists "$DL_ROOT/images/$img/extra"
	# the image itself is untouched
	run -0 dl run --rm busybox true
}

@test "dl system check: a container whose spec.json a power loss emptied is broken, and removed" {
	local id
	busybox_store
	id=$(dl create --name torn busybox true)
	: >"$DL_ROOT/containers/$id/spec.json"
	run -1 dl system check
	assert_output "broken-container containers/$id: rootfs or spec.json is missing or unreadable"
	run -0 dl system check --repair
	run -0 --separate-stderr dl ps -a
	assert_equal "$stderr" ''
	refute_output --partial torn
	# the name is free again
	run -0 dl create --name torn busybox true
}

@test "dl init: repairs what dl system check --repair does" {
	local ghost=bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb
	mkdir -p "$DL_ROOT/refs/containers"
	printf '%s\n' "$ghost" >"$DL_ROOT/refs/containers/web"
	run -0 dl init
	run -0 dl system check
	assert_output ''
}

@test "dl system check: work a live process holds is no problem" {
	mkdir "$DL_ROOT/tmp/busy"
	exec 9<"$DL_ROOT/tmp/busy"
	flock -x 9
	run -0 dl system check --repair
	assert [ -d "$DL_ROOT/tmp/busy" ]
	exec 9<&-
	run -1 dl system check
	assert_output 'unowned-tmp tmp/busy: no live process owns it'
}

@test "dl system check: usage errors exit 2" {
	run -2 --separate-stderr dl system check --bogus
	[[ "$stderr" == "dl system check: usage: dl system check [--repair] [--format json]" ]]
	run -2 dl system check --format yaml
	run -2 dl system nosuch
	run -0 dl system check --help
	assert_line --index 0 'usage: dl system check [--repair] [--format json]'
}
