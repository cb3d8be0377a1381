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
	assert_line "broken-container containers/${ghost//a/c}: rootfs or spec.json is missing"
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
	[[ "$stderr" == "dl-system: usage: dl system check [--repair] [--format json]" ]]
	run -2 dl system check --format yaml
	run -2 dl system nosuch
	run -0 dl system check --help
	assert_line --index 0 'usage: dl system check [--repair] [--format json]'
}
