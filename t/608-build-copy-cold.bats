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

# images: the IDs under images/, sorted
images() {
	find "$DL_ROOT/images" -mindepth 1 -maxdepth 1 -printf '%f\n' | LC_ALL=C sort
}

@test "dl build: COPY, ADD, WORKDIR and the config steps make no container: without dl-container-new and dl-commit the build still works" {
	busybox_store
	C=$BATS_TEST_TMPDIR/ctx
	mkdir -p "$C/t" "$BATS_TEST_TMPDIR/exec"
	echo inner >"$C/t/x"
	tar -C "$C" -czf "$C/a.tgz" t
	echo f >"$C/f"
	cp -a "$DL_TOP/helpers/." "$BATS_TEST_TMPDIR/exec/"
	for h in dl-container-new dl-commit; do
		rm -f "$BATS_TEST_TMPDIR/exec/$h"
		printf '#!/bin/sh\necho "%s must not run" >&2\nexit 1\n' "$h" \
			>"$BATS_TEST_TMPDIR/exec/$h"
		chmod 755 "$BATS_TEST_TMPDIR/exec/$h"
	done
	cat >"$C/Dockerfile" <<-'EOF2'
		FROM busybox
		ENV A=1
		WORKDIR /w/x
		COPY f g
		ADD a.tgz /opt/
		USER 1:1
		LABEL k=v
		CMD ["sh"]
	EOF2
	for nc in --no-cache ''; do
		# shellcheck disable=SC2086 # $nc: one option or none
		run -0 --separate-stderr env DL_EXEC_PATH="$BATS_TEST_TMPDIR/exec" \
			dl build $nc --network none -t nocontainer "$C"
		id=$output
		r=$DL_ROOT/images/$id/rootfs
		assert_equal "$(cat "$r/w/x/g" "$r/opt/t/x")" "f
inner"
		assert_equal "$(dl-image-get "$DL_ROOT/images/$id/config.json" config.User)" "1:1"
		assert_equal "$(dl-image-get "$DL_ROOT/images/$id/config.json" config.WorkingDir)" "/w/x"
		assert_equal "$(dl-image-get "$DL_ROOT/images/$id/config.json" config.Labels.k)" "v"
		run -0 btrfs property get "$r" ro
		assert_output "ro=true"
	done
	# the history has one entry a step, as a commit's
	run -0 dl image history -q --no-trunc nocontainer
	assert_equal "${#lines[@]}" 8
	no_leftover
}

@test "dl-image-derive: an image of IMAGE's root with CONFIG, IMAGE its parent; the errors leave nothing" {
	busybox_store
	local base before cfg
	base=$(dl-ref-resolve busybox)
	cfg=$BATS_TEST_TMPDIR/cfg.json
	echo '{"architecture":"amd64","os":"linux","config":{"Cmd":["derived"]}}' >"$cfg"
	before=$(images)
	run -0 --separate-stderr dl-image-derive -H "$base" "$cfg"
	id=$output
	[[ "$id" =~ ^[0-9a-f]{64}$ ]] || fail "not an image ID: $id"
	assert_equal "$(dl-image-get "$DL_ROOT/images/$id/meta.json" parent)" "$base"
	assert_equal "$(dl-image-get "$DL_ROOT/images/$id/meta.json" hidden)" "true"
	assert_equal "$(dl-image-get "$DL_ROOT/images/$id/config.json" config.Cmd.0)" "derived"
	diff -r "$DL_ROOT/images/$base/rootfs" "$DL_ROOT/images/$id/rootfs"
	run -0 btrfs property get "$DL_ROOT/images/$id/rootfs" ro
	assert_output "ro=true"
	# stdin for CONFIG, and no -H: listed
	run -0 --separate-stderr dl-image-derive "$base" - <"$cfg"
	assert_equal "$(dl-image-get "$DL_ROOT/images/$output/meta.json" hidden 2>/dev/null || echo none)" "none"
	before=$(images)
	run -1 --separate-stderr dl-image-derive "$(printf '%064d' 0)" "$cfg"
	assert_equal "$stderr" "dl-image-derive: fatal: unable to open image '$(printf '%064d' 0)': no such image"
	run -1 --separate-stderr dl-image-derive "$base" "$BATS_TEST_TMPDIR/none.json"
	assert_equal "$stderr" "dl-image-derive: fatal: unable to load '$BATS_TEST_TMPDIR/none.json': No such file or directory"
	echo '[1]' >"$BATS_TEST_TMPDIR/bad.json"
	run -4 --separate-stderr dl-image-derive "$base" "$BATS_TEST_TMPDIR/bad.json"
	assert_equal "$stderr" "dl-image-derive: fatal: unable to load '$BATS_TEST_TMPDIR/bad.json': not an image config"
	run -2 --separate-stderr dl-image-derive "$base"
	assert_equal "$stderr" "dl-image-derive: usage: dl-image-derive [-H] IMAGE_ID CONFIG"
	assert_equal "$(images)" "$before"
	no_leftover
}

@test "dl-build-copy: killed before the publish, nothing is listed and a sweep leaves nothing; the modes and owners it copies" {
	busybox_store
	local base before r
	base=$(dl-ref-resolve busybox)
	C=$BATS_TEST_TMPDIR/ctx
	mkdir -p "$C/d" "$C/s"
	echo a >"$C/d/a"
	echo w >"$C/d/w"
	echo u >"$C/d/u"
	echo p >"$C/d/p"
	chmod 666 "$C/d/w"
	chmod 4755 "$C/d/u"
	chmod 600 "$C/d/p"
	chmod 2775 "$C/s"
	chown 7:8 "$C/d/a"
	before=$(images)
	run -137 env DL_FAULT=dl-build-copy:copied dl-build-copy -I "$C" "$base" /app/ .
	assert_equal "$(images)" "$before"
	run -0 dl-store-sweep
	no_leftover
	# killed under dl build: the build fails with its code and sweeps
	printf 'FROM busybox\nCOPY d /d\n' >"$C/Dockerfile"
	for nc in --no-cache ''; do
		# shellcheck disable=SC2086 # $nc: one option or none
		run -137 env DL_FAULT=dl-build-copy:copied dl build $nc --network none "$C"
		assert_equal "$(images)" "$before"
		no_leftover
	done
	run -0 --separate-stderr dl-build-copy -I "$C" "$base" /app/ .
	r=$DL_ROOT/images/$output/rootfs/app
	assert_equal "$(cd "$r" && stat -c '%n %a %u:%g' d/a d/w d/u d/p s)" "d/a 644 0:0
d/w 666 0:0
d/u 4755 0:0
d/p 600 0:0
s 2775 0:0"
	run -0 --separate-stderr dl-build-copy -I -u 5:6 -m 640 "$C" "$base" /app/ .
	r=$DL_ROOT/images/$output/rootfs/app
	assert_equal "$(cd "$r" && stat -c '%n %a %u:%g' d/a d/u s)" "d/a 640 5:6
d/u 640 5:6
s 640 5:6"
	no_leftover
}
