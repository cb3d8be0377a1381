#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# 151-fault.bats: a helper killed (DL_FAULT) at each step leaves nothing
# half-made listed, no name taken, and what dl system check --repair clears.
# shellcheck disable=SC2154 # run sets $stderr

load helpers
load lib-btrfs

setup() {
	busybox_store
}

# listings_clean: every listing works, without a word on stderr
listings_clean() {
	run -0 --separate-stderr dl ps -a
	assert_equal "$stderr" ''
	run -0 --separate-stderr dl images
	assert_equal "$stderr" ''
	run -0 --separate-stderr dl image ls -a
	assert_equal "$stderr" ''
}

# repaired: check --repair fixes all, then the store is consistent and
# nothing is left in tmp/
repaired() {
	run -0 --separate-stderr dl system check --repair
	run -0 --separate-stderr dl system check
	assert_output ''
	assert_equal "$stderr" ''
	run -0 find "$DL_ROOT/tmp" -mindepth 1
	assert_output ''
}

@test "dl-container-new: killed at each step, the name is free again" {
	local step
	for step in tmp name clone; do
		run -137 env DL_FAULT="dl-container-new:$step" \
			dl-container-new --name web "$(dl image inspect busybox | jq -r '.[0].Id | sub("sha256:"; "")')" true
		listings_clean
		run -0 dl ps -a
		refute_output --partial web
		# the name is usable at once, before any repair
		run -0 dl create --name web busybox true
		dl rm web
		repaired
	done
}

@test "dl create: the front killed with its helper keeps no name" {
	run -137 env DL_FAULT=dl-container-new:clone dl create --name web busybox true
	assert_output ""
	run -0 dl create --name web busybox true
	dl rm web
	repaired
}

@test "dl-container-new: killed after publishing, the container is whole" {
	run -137 env DL_FAULT=dl-container-new:publish dl create --name web busybox true
	listings_clean
	run -0 dl ps -a
	assert_line --regexp ' web$'
	repaired
	run -0 dl rm web
	run -0 dl create --name web busybox true
	dl rm web
}

@test "dl rm: killed after unpublishing or after the name goes, the name is free" {
	local step
	for step in unpublish name; do
		dl create --name web busybox true >/dev/null
		run -137 env DL_FAULT="container-remove:$step" dl rm web
		listings_clean
		run -0 dl ps -a
		refute_output --partial web
		run -0 dl create --name web busybox true
		dl rm web
		repaired
	done
}

@test "dl image create: killed between publish and tag, the image is never listed" {
	local a b step
	mkdir "$BATS_TEST_TMPDIR/src"
	echo one >"$BATS_TEST_TMPDIR/src/f"
	a=$(dl image create img "$BATS_TEST_TMPDIR/src" | tail -n 1)
	for step in record publish; do
		run -137 env DL_FAULT="dl-image-new:$step" dl image create img "$BATS_TEST_TMPDIR/src"
		listings_clean
		# the half-made image, named by its record, is never listed
		b=$(find "$DL_ROOT/tmp" -maxdepth 1 -name '*.publish' -printf '%f\n')
		b=${b%.publish}
		[ ${#b} -eq 64 ]
		run -0 dl image ls -q -a --no-trunc
		refute_output --partial "$b"
		run -0 dl-ref-get img
		assert_output "$a"
		run -1 dl system check
		assert_line --regexp '^pending-publish tmp/[0-9a-f]{64}\.publish: '
		repaired
		# only busybox and img remain
		run -0 find "$DL_ROOT/images" -mindepth 1 -maxdepth 1
		assert_equal "${#lines[@]}" 2
	done
}

@test "dl image rm: killed after unpublishing, the names left go with repair" {
	local id
	mkdir "$BATS_TEST_TMPDIR/src"
	id=$(dl image create gone "$BATS_TEST_TMPDIR/src" | tail -n 1)
	run -137 env DL_FAULT=dl-image-rm:unpublish dl image rm gone
	listings_clean
	run -0 dl images
	refute_output --partial gone
	run -1 dl system check
	assert_output --partial "dangling-name refs/images/gone/:latest: image ${id:0:12} does not exist"
	repaired
	run -1 dl-ref-get gone
}

@test "dl-image-rm: an image a container uses is refused (3), all or nothing" {
	local id
	id=$(dl-ref-resolve busybox)
	dl create --name user busybox true >/dev/null
	run -3 --separate-stderr dl-image-rm "$id"
	assert_equal "$stderr" "dl-image-rm: fatal: unable to remove image '$id': in use by container $(dl-ref-resolve -c user | cut -c1-12)"
	run -0 dl-ref-get busybox
	assert [ -d "$DL_ROOT/images/$id/rootfs" ]
	dl rm user
}

@test "dl rm -f: a container already gone is not an error" {
	run -0 --separate-stderr dl rm -f nosuch
	assert_output ''
	assert_equal "$stderr" ''
	run -1 dl rm nosuch
}

@test "dl ps, dl inspect: a state that cannot be read is Unknown, not a fake exit" {
	local id
	id=$(dl create --name lost busybox true)
	echo 'not json' >"$DL_ROOT/containers/$id/state.json"
	run -0 --separate-stderr dl ps -a
	assert_equal "$stderr" ''
	assert_line --regexp ' Unknown +lost$'
	run -0 dl inspect lost
	run -0 jq -c '.[0].State | [.Status, .ExitCode, .FinishedAt]' <<<"$output"
	assert_output '["unknown",null,null]'
	jq -n '{status: "exited", pid: 0, monitor_pid: 0, exit_code: -1,
		started: "", finished: ""}' >"$DL_ROOT/containers/$id/state.json"
	run -0 --separate-stderr dl ps -a
	assert_line --regexp ' Unknown +lost$'
	refute_output --partial 'years ago'
	rm "$DL_ROOT/containers/$id/state.json"
	run -0 --separate-stderr dl ps -a
	assert_line --regexp ' Unknown +lost$'
	dl rm lost
}

@test "dl image rm racing dl create of the same image: never a container without its image" {
	local rmst c img
	mkdir "$BATS_TEST_TMPDIR/src"
	echo x >"$BATS_TEST_TMPDIR/src/f"
	for _ in $(seq 1 15); do
		dl image create victim "$BATS_TEST_TMPDIR/src" >/dev/null
		dl create victim /f >/dev/null 2>&1 &
		rmst=0
		dl image rm victim >/dev/null 2>&1 || rmst=$?
		wait $! || true
		# removed (0), or refused because the container came first (3)
		[[ "$rmst" == 0 || "$rmst" == 3 ]] || fail "dl image rm exited $rmst"
		# every container's image is there
		for c in "$DL_ROOT"/containers/*/spec.json; do
			test -e "$c" || continue
			img=$(jq -r '.annotations["org.dockerlite.image"]' "$c")
			assert_file_exists "$DL_ROOT/images/$img/meta.json"
		done
		run -0 --separate-stderr dl system check
		assert_output ''
		# shellcheck disable=SC2046 # one operand an ID
		dl rm -f $(dl ps -aq) >/dev/null 2>&1 || true
		dl image rm victim >/dev/null 2>&1 || true
	done
	repaired
}

@test "dl rm -f racing a --rm container's own removal exits 0" {
	local id
	for _ in $(seq 1 10); do
		id=$(dl run -d --rm busybox true)
		run -0 --separate-stderr dl rm -f "$id"
		assert_equal "$stderr" ''
	done
	listings_clean
	repaired
	run -0 dl ps -aq
	assert_output ''
}
