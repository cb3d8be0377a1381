#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# 608-build-copy-cold.bats: dl build --no-cache of COPY, where the digest of
# the sources is taken while they are copied: the tree, the key, the errors.
# shellcheck disable=SC2154 # $stderr is set by run --separate-stderr

load helpers
load lib-btrfs

setup_file() {
	dl_btrfs_setup
}

teardown_file() {
	dl_btrfs_teardown
}

# build ARG...: dl build --network none ARG..., the ID in $id
build() {
	run -0 --separate-stderr dl build --network none "$@"
	id=$output
	[[ "$id" =~ ^[0-9a-f]{64}$ ]] || fail "not an image ID: $id"
}

# meta DIR: every entry under DIR with its type, mode, mtime and, but for
# a directory, size and target
meta() {
	(cd "$1" && find . -mindepth 1 \( -type d -printf '%p d %m %T@\n' \) \
		-o -printf '%p %y %m %s %T@ %l\n' | LC_ALL=C sort)
}

# no_leftover: no container, nothing in tmp/, no subvolume but the images'
no_leftover() {
	local left subs
	left=$(find "$DL_ROOT/tmp" "$DL_ROOT/containers" -mindepth 1 -maxdepth 1)
	subs=$(btrfs subvolume list "$DL_TEST_MNT" |
		grep -E "$(basename "$DL_ROOT")/(tmp|containers)/" || true)
	[ -z "$left$subs" ] || fail "left behind: $left $subs"
}

# tree DIR: files before and after subdirectories, three levels, links
tree() {
	local d
	for d in a a/b a/b/c e; do
		mkdir -p "$1/src/$d"
		echo "1 $d" >"$1/src/$d/1"
		echo "z $d" >"$1/src/$d/z"
	done
	echo x >"$1/src/a/b/m"
	chmod 600 "$1/src/a/b/m"
	chmod 700 "$1/src/a/b/c"
	chown 12:34 "$1/src/e/z"
	ln -s ../a/1 "$1/src/e/l"
	touch -d 2020-01-02 "$1/src/a/1" "$1/src/a/b/c"
}

@test "dl build --no-cache: COPY copies the tree exactly, and the image it remembers is the next build's" {
	busybox_store
	C=$BATS_TEST_TMPDIR/ctx
	mkdir -p "$C"
	tree "$C"
	printf 'FROM busybox\nCOPY src /app\n' >"$C/Dockerfile"
	build --no-cache "$C"
	first=$id
	diff -u <(meta "$C/src") <(meta "$DL_ROOT/images/$id/rootfs/app")
	# owned by root, as a COPY without --chown
	assert_equal "$(find "$DL_ROOT/images/$id/rootfs/app" ! -user 0 -o ! -group 0)" ""
	no_leftover
	build "$C"
	assert_equal "$id" "$first"
	grep -q -- '^#[0-9]* CACHED' <<<"$stderr"
	# a changed mode is another key
	chmod 640 "$C/src/a/b/c/z"
	build "$C"
	[ "$id" != "$first" ]
	build --no-cache "$C"
	second=$id
	build "$C"
	assert_equal "$id" "$second"
}

@test "dl build --no-cache: a COPY source that is missing fails once, nothing left behind" {
	busybox_store
	C=$BATS_TEST_TMPDIR/ctx
	mkdir -p "$C"
	printf 'FROM busybox\nCOPY nope /app\n' >"$C/Dockerfile"
	run -1 --separate-stderr dl build --no-cache --network none "$C"
	assert_equal "$(grep -c 'fatal:' <<<"$stderr")" 1
	grep -q "unable to copy 'nope'" <<<"$stderr"
	no_leftover
}

@test "dl build --no-cache: a COPY --chown to a user the image lacks fails, nothing left behind" {
	busybox_store
	C=$BATS_TEST_TMPDIR/ctx
	mkdir -p "$C"
	echo f >"$C/f"
	printf 'FROM busybox\nCOPY --chown=nobody-here f /f\n' >"$C/Dockerfile"
	run --separate-stderr dl build --no-cache --network none "$C"
	[ "$status" -ne 0 ]
	assert_equal "$(grep -c 'fatal:' <<<"$stderr")" 1
	grep -q "nobody-here" <<<"$stderr"
	no_leftover
	printf 'FROM busybox\nCOPY --chown=12:34 --chmod=600 f /x/g\n' >"$C/Dockerfile"
	build --no-cache "$C"
	assert_equal "$(stat -c '%u:%g %a' "$DL_ROOT/images/$id/rootfs/x/g")" "12:34 600"
}

@test "dl-build-sum: a digest is kept for a file changed more than a second ago, not for one just changed" {
	dl_test_store
	C=$BATS_TEST_TMPDIR/ctx
	mkdir -p "$C"
	echo old >"$C/old"
	sleep 1.5
	echo new >"$C/new"
	run -0 dl-build-sum -c "$DL_ROOT/sums" "$C" old new
	grep -q "^$(stat -c '%d %i %s' "$C/old") " "$DL_ROOT/sums"
	run -1 grep -q "^$(stat -c '%d %i %s' "$C/new") " "$DL_ROOT/sums"
}
