#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# 602-build-pull.bats: dl build --pull against Debian's docker-registry on
# 127.0.0.1: a tag given new content between two builds.
# shellcheck disable=SC2154 # $stderr is set by run --separate-stderr

load helpers
load lib-btrfs
load lib-registry

setup_file() {
	dl_btrfs_setup
	[ "$(id -u)" = 0 ] || return 0
	local f=$BATS_FILE_TMPDIR l=$BATS_FILE_TMPDIR/lay v
	registry_start plain
	mk_busybox_root "$f/r"
	tar -C "$f/r" -cf "$f/r.tar" .
	umoci init --layout "$l"
	# two versions of one image: /etc/version says which
	for v in 1 2; do
		mkdir -p "$f/v$v/etc"
		echo "$v" >"$f/v$v/etc/version"
		tar -C "$f/v$v" -cf "$f/v$v.tar" .
		umoci new --image "$l:v$v"
		umoci raw add-layer --image "$l:v$v" "$f/r.tar"
		umoci raw add-layer --image "$l:v$v" "$f/v$v.tar"
		umoci config --image "$l:v$v" --config.cmd /bin/sh
	done
	echo "$REG" >"$f/reg"
}

teardown_file() {
	registry_stop plain
	dl_btrfs_teardown
}

setup() {
	REG=$(cat "$BATS_FILE_TMPDIR/reg")
}

# push_version V: the tag bb:latest of the registry is version V
push_version() {
	skopeo copy -q --dest-tls-verify=false \
		"oci:$BATS_FILE_TMPDIR/lay:v$1" "docker://$REG/bb:latest" >/dev/null
}

# build ARG...: dl build --network none ARG..., the ID in $id
build() {
	run -0 --separate-stderr dl build --network none "$@"
	id=$output
	[[ "$id" =~ ^[0-9a-f]{64}$ ]] || fail "not an image ID: $id"
}

# ctx: a context whose Dockerfile copies the base's version
ctx() {
	C=$BATS_TEST_TMPDIR/ctx
	mkdir -p "$C"
	printf 'FROM %s/bb:latest\nRUN cp /etc/version /seen\n' "$REG" \
		>"$C/Dockerfile"
}

@test "dl build --pull: a newer image of the tag is pulled and built on; without it the stored one is used" {
	require_lxc
	dl_test_store
	ctx
	push_version 1
	# missing: pulled
	build "$C"
	assert_equal "$(cat "$DL_ROOT/images/$id/rootfs/seen")" 1
	first=$id
	push_version 2
	# the default policy (missing): the stored image, every step cached
	build "$C"
	assert_equal "$id" "$first"
	build --pull=missing "$C"
	assert_equal "$id" "$first"
	build --pull=never "$C"
	assert_equal "$id" "$first"
	# --pull: the registry's new content, and the steps over it again
	build --pull "$C"
	[ "$id" != "$first" ]
	assert_equal "$(cat "$DL_ROOT/images/$id/rootfs/seen")" 2
	[[ "$stderr" == *"pulling '$REG/bb:latest'"* ]]
	second=$id
	# pulled again unchanged: the same image, from the cache
	build --pull=always "$C"
	assert_equal "$id" "$second"
	build --pull=true "$C"
	assert_equal "$id" "$second"
	# back to version 1
	push_version 1
	build --pull=newer "$C"
	assert_equal "$id" "$first"
}

@test "dl build --pull=never: a missing image is an error; --pull=newer keeps the stored image when the registry is gone" {
	require_lxc
	dl_test_store
	ctx
	push_version 1
	run -1 --separate-stderr dl build --network none --pull=never "$C"
	assert_fatal 'dl build'
	[[ "$stderr" == *"no such image (and --pull=never)"* ]]
	build "$C"
	first=$id
	registry_stop plain
	build --pull=newer "$C"
	assert_equal "$id" "$first"
	[[ "$stderr" == *"warning: unable to pull '$REG/bb:latest'"* ]]
	run -1 --separate-stderr dl build --network none --pull "$C"
	assert_fatal 'dl build'
	build "$C"
	assert_equal "$id" "$first"
}

@test "dl build --pull=VALUE: an unknown policy is a usage error (2)" {
	run -2 --separate-stderr dl build --pull=sometimes .
	assert_fatal 'dl build'
	[[ "$stderr" == *"'sometimes'"* ]]
}
