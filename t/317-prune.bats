#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# 317-prune.bats: dl container prune, dl image prune [-a], dl system prune
# and dl-image-rm -u: what goes, what stays, the question, the space.
# shellcheck disable=SC2154 # run sets $stderr

load helpers
load lib-btrfs
load lib-store

setup() {
	busybox_store
}

# unique_image NAME KB: an image of its own KB kilobytes of random data
unique_image() {
	mkdir -p "$BATS_TEST_TMPDIR/src-$1"
	head -c "$(($2 * 1000))" /dev/urandom >"$BATS_TEST_TMPDIR/src-$1/data"
	dl image create "$1" "$BATS_TEST_TMPDIR/src-$1" >/dev/null
}

@test "dl container prune: created and exited ones go, running ones stay; the space they held" {
	local run ex cr
	run=$(dl run -d --name up busybox sleep 1000)
	dl run --name ex busybox sh -c 'head -c 300000 /dev/urandom >/big'
	ex=$(dl inspect ex | jq -r '.[0].Id')
	cr=$(dl create --name cr busybox true)
	run -0 dl container prune -f
	assert_line --index 0 'Deleted Containers:'
	assert_line "$ex"
	assert_line "$cr"
	refute_line "$run"
	assert_line --regexp '^Total reclaimed space: 30[0-9]kB$'
	[ ! -e "$DL_ROOT/containers/$ex" ]
	[ ! -e "$DL_ROOT/containers/$cr" ]
	[ -d "$DL_ROOT/containers/$run" ]
	run -0 dl container prune -f
	assert_output 'Total reclaimed space: 0B'
	dl rm -f up
	store_is_clean
}

@test "dl container prune: asks first; only y goes on" {
	local cr
	cr=$(dl create busybox true)
	run -0 --separate-stderr dl container prune <<<"n"
	assert_output ''
	[[ "$stderr" == *'WARNING! This will remove all stopped containers.'*'Are you sure you want to continue? [y/N]'* ]]
	[ -d "$DL_ROOT/containers/$cr" ]
	run -0 --separate-stderr dl container prune </dev/null
	[ -d "$DL_ROOT/containers/$cr" ]
	run -0 --separate-stderr dl container prune <<<"y"
	assert_line "$cr"
	[ ! -e "$DL_ROOT/containers/$cr" ]
	run -2 --separate-stderr dl container prune --bad
	assert_equal "$stderr" 'dl container prune: usage: dl container prune [-f]'
}

@test "dl image prune: dangling images go; named ones and those a container uses stay; -a takes unused named ones" {
	local used dang named
	unique_image named:1 400
	named=$(dl image inspect named:1 | jq -r '.[0].Id | ltrimstr("sha256:")')
	dl run --name c1 busybox true
	dang=$(dl commit c1)
	dang=${dang#sha256:}
	dl run --name c2 busybox true
	used=$(dl commit c2)
	used=${used#sha256:}
	dl create --name user "$used" true >/dev/null
	run -0 dl image prune -f
	assert_line --index 0 'Deleted Images:'
	assert_line "deleted: sha256:$dang"
	refute_line --partial "$used"
	refute_line --partial "$named"
	[ ! -e "$DL_ROOT/images/$dang" ]
	[ -d "$DL_ROOT/images/$used" ]
	run -0 dl images -q --no-trunc
	assert_line "sha256:$named"
	run -0 dl image prune -a -f
	assert_line 'untagged: named:1'
	assert_line "deleted: sha256:$named"
	refute_line --partial "$used"
	refute_line --partial 'busybox'	# c1 and c2 use it
	assert_line --regexp '^Total reclaimed space: 40[0-9]kB$'
	[ -d "$DL_ROOT/images/$used" ]
	dl rm c1 c2 user
	store_is_clean
}

@test "dl system prune -a: stopped containers, then the images they held" {
	unique_image junk:1 200
	dl run --name gone busybox true
	dl run -d --name stays busybox sleep 1000 >/dev/null
	run -0 dl system prune -a -f
	assert_line 'Deleted Containers:'
	assert_line 'Deleted Images:'
	assert_line 'untagged: junk:1'
	refute_line 'untagged: busybox:latest'	# "stays" uses it
	assert_line --regexp '^Total reclaimed space: 20[0-9]kB$'
	run -0 dl ps -a --format json
	run -0 jq -r '.[].Name' <<<"$output"
	assert_output /stays
	run -0 --separate-stderr dl system prune </dev/null
	[[ "$stderr" == *'  - all dangling images'* ]]
	dl rm -f stays
	store_is_clean
}

@test "dl-image-rm -u: every name of an unused image; 3 for one in use; not with -f or -n" {
	local id
	unique_image multi:1 10
	dl image tag multi:1 multi:2
	id=$(dl image inspect multi:1 | jq -r '.[0].Id | ltrimstr("sha256:")')
	dl create --name holder multi:1 true >/dev/null
	run -3 --separate-stderr dl-image-rm -u "$id"
	assert_fatal dl-image-rm
	dl rm holder
	run -0 dl-image-rm -u "$id"
	assert_line 'Untagged: multi:1'
	assert_line 'Untagged: multi:2'
	assert_line "Deleted: sha256:$id"
	run -2 dl-image-rm -u -f "$id"
	run -2 dl-image-rm -u -n multi:1 "$id"
}
