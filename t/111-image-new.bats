#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# 111-image-new.bats: dl-image-new makes a whole image from a directory or a
# tar, or leaves no trace at all.

load helpers
load lib-btrfs

ID_RE='^[0-9a-f]{64}$'
TIME_RE='^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{9}Z$'

# mkstore: a fresh store in $DL_ROOT and a work directory $W beside it, on
# the same btrfs (so copies can share extents); $W/root is a rich tree
mkstore() {
	dl_test_store
	mkwork
	python3 "$FIX/mktree.py" "$W/root"
	SUBVOLS=$(nsubvols)
}

teardown() {
	if [ -n "${SMALL:-}" ]; then
		umount "$SMALL" 2>/dev/null || umount -l "$SMALL"
	fi
	if [ -n "${W:-}" ] && [ -d "$W" ]; then
		rm -rf "$W"
	fi
}

nsubvols() {
	btrfs subvolume list "$DL_TEST_MNT" | wc -l
}

# nothing_left: images/ and tmp/ are empty and no subvolume was added
nothing_left() {
	run -0 find "$DL_ROOT/images" "$DL_ROOT/tmp" -mindepth 1
	assert_output ''
	[ "$(nsubvols)" = "$SUBVOLS" ]
}

# failed CODE ARGS...: dl-image-new ARGS fails with CODE, says so in the one
# format, prints nothing on stdout and leaves nothing behind
failed() {
	local code=$1
	shift
	run "-$code" --separate-stderr dl-image-new "$@"
	assert_output ''
	[[ "$stderr" == "dl-image-new: fatal: unable to "* ]]
	nothing_left
}

# made ARGS...: dl-image-new ARGS succeeds; the new image is $ID in $IMG
made() {
	run -0 --separate-stderr dl-image-new "$@"
	[[ "$output" =~ $ID_RE ]]
	ID=$output
	IMG="$DL_ROOT/images/$ID"
	run -0 find "$DL_ROOT/tmp" -mindepth 1
	assert_output ''
}

@test "dl-image-new: --help prints the synopsis on stdout" {
	run -0 --separate-stderr dl-image-new --help
	assert_line --index 0 'usage: dl-image-new [-C CONFIG] [-m MESSAGE] [-a AUTHOR] [-p PARENT] [-t NAME]... SOURCE'
	[ -z "$stderr" ]
}

@test "dl-image-new: a missing SOURCE or a bad option is a usage error" {
	run -2 --separate-stderr dl-image-new
	assert_output ''
	[[ "$stderr" == "dl-image-new: usage: dl-image-new "* ]]
	run -2 --separate-stderr dl-image-new a b
	[[ "$stderr" == "dl-image-new: usage: "* ]]
	run -2 --separate-stderr dl-image-new -Z a
	[[ "$stderr" == "dl-image-new: usage: "* ]]
}

@test "dl-image-new: CONFIG and SOURCE cannot both be stdin" {
	mkstore
	failed 2 -C - -
	[[ "$stderr" == *"both CONFIG and SOURCE are '-'" ]]
}

@test "dl-image-new: a store that is not initialised is refused (1)" {
	require_root
	DL_ROOT="$BATS_TEST_TMPDIR/nostore" run -1 --separate-stderr \
		dl-image-new "$BATS_TEST_TMPDIR"
	assert_output ''
	[[ "$stderr" == "dl-image-new: fatal: unable to open store "*"not initialised"* ]]
}

@test "dl-image-new: a directory is copied whole, metadata included" {
	mkstore
	made "$W/root"
	same_as_root "$IMG/rootfs"
	run -0 ls "$DL_ROOT/images"
	assert_output "$ID"
}

@test "dl-image-new: the rootfs is a read-only subvolume" {
	mkstore
	made "$W/root"
	run -0 btrfs property get -ts "$IMG/rootfs" ro
	assert_output 'ro=true'
	run ! touch "$IMG/rootfs/new"
}

@test "dl-image-new: a directory on the same btrfs is cloned, not copied" {
	mkstore
	made "$W/root"
	# every extent of the copy is shared with the source: none exclusive
	run -0 btrfs filesystem du -s --raw "$IMG/rootfs/data/big"
	read -r total exclusive _ <<<"${lines[1]}"
	[ "$total" = 1048576 ]
	[ "$exclusive" = 0 ]
}

@test "dl-image-new: a directory on another filesystem is copied too" {
	mkstore
	python3 "$FIX/mktree.py" "$BATS_TEST_TMPDIR/root"
	made "$BATS_TEST_TMPDIR/root"
	diff -u <(python3 "$FIX/sig.py" "$BATS_TEST_TMPDIR/root") \
		<(python3 "$FIX/sig.py" "$IMG/rootfs")
	rm -rf "$BATS_TEST_TMPDIR/root"
}

@test "dl-image-new: a tar file is extracted whole, metadata included" {
	mkstore
	tar --xattrs --xattrs-include='*' --numeric-owner -C "$W/root" \
		-cJf "$W/root.tar.xz" .
	made "$W/root.tar.xz"
	same_as_root "$IMG/rootfs"
}

@test "dl-image-new: '-' reads a tar from stdin" {
	mkstore
	tar --xattrs --xattrs-include='*' --numeric-owner -C "$W/root" \
		--zstd -cf "$W/root.tar.zst" .
	made - <"$W/root.tar.zst"
	same_as_root "$IMG/rootfs"
}

@test "dl-image-new: meta.json records id, parent, created, comment, author, size" {
	mkstore
	made -m 'first image' -a 'Ann <ann@example.org>' "$W/root"
	run -0 jq -r '[.id, .parent, .comment, .author, .size] | @tsv' \
		"$IMG/meta.json"
	assert_output "$ID		first image	Ann <ann@example.org>	5244009"
	run -0 jq -r '.created' "$IMG/meta.json"
	[[ "$output" =~ $TIME_RE ]]
	run -0 jq -r 'keys | join(",")' "$IMG/meta.json"
	assert_output 'author,comment,created,id,parent,size'
}

@test "dl-image-new: without -C the config is a minimal OCI image config" {
	mkstore
	local arch
	case "$(uname -m)" in
	x86_64) arch=amd64 ;;
	aarch64) arch=arm64 ;;
	*) arch=$(uname -m) ;;
	esac
	made -m hello -a me "$W/root"
	run -0 jq -c '{architecture, os, config, rootfs, author,
		h: [.history[] | {created_by, comment, author}]}' \
		"$IMG/config.json"
	assert_output "{\"architecture\":\"$arch\",\"os\":\"linux\",\"config\":{},\"rootfs\":{\"diff_ids\":[],\"type\":\"layers\"},\"author\":\"me\",\"h\":[{\"created_by\":\"dl image create\",\"comment\":\"hello\",\"author\":\"me\"}]}"
	run -0 jq -r '.created, .history[0].created' "$IMG/config.json"
	[[ "${lines[0]}" =~ $TIME_RE ]]
	[ "${lines[0]}" = "${lines[1]}" ]
	[ "${lines[0]}" = "$(jq -r .created "$IMG/meta.json")" ]
}

@test "dl-image-new: -C takes the image config from a file" {
	mkstore
	cat >"$W/config.json" <<-'EOF'
		{"architecture":"arm64","os":"linux",
		 "config":{"Cmd":["/bin/sh"],"Env":["A=1"]},
		 "rootfs":{"type":"layers","diff_ids":[]}}
	EOF
	made -C "$W/config.json" -a me "$W/root"
	run -0 jq -c '{architecture, config, author}' "$IMG/config.json"
	assert_output '{"architecture":"arm64","config":{"Cmd":["/bin/sh"],"Env":["A=1"]},"author":"me"}'
}

@test "dl-image-new: an empty -m or -a leaves the config's own alone" {
	mkstore
	cat >"$W/config.json" <<-'EOF'
		{"author":"cfg","config":{},
		 "history":[{"created_by":"x","comment":"from config"}]}
	EOF
	made -C "$W/config.json" -m '' -a '' "$W/root"
	run -0 jq -c '[.author, .history[0].comment]' "$IMG/config.json"
	assert_output '["cfg","from config"]'
	run -0 jq -c '[.author, .comment]' "$IMG/meta.json"
	assert_output '["",""]'
}

@test "dl-image-new: -C - reads the config from stdin" {
	mkstore
	made -C - "$W/root" <<<'{"config":{"User":"nobody"}}'
	run -0 jq -r '.config.User, .os, .rootfs.type' "$IMG/config.json"
	assert_output 'nobody
linux
layers'
}

@test "dl-image-new: a config that is no JSON object is refused (4)" {
	mkstore
	echo '[1, 2]' >"$W/array.json"
	failed 4 -C "$W/array.json" "$W/root"
	[[ "$stderr" == *"not a JSON object" ]]
	echo '{"config": "x"}' >"$W/bad.json"
	failed 4 -C "$W/bad.json" "$W/root"
	[[ "$stderr" == *"'config' must be an object" ]]
	echo '{"a": 1, "a": 2}' >"$W/dup.json"
	failed 4 -C "$W/dup.json" "$W/root"
	echo '{' >"$W/broken.json"
	failed 4 -C "$W/broken.json" "$W/root"
	failed 1 -C "$W/missing.json" "$W/root"
}

@test "dl-image-new: -t tags the new image" {
	mkstore
	made -t busybox -t localhost:5000/a/b:v1 "$W/root"
	[ "$(cat "$DL_ROOT/refs/images/busybox/:latest")" = "$ID" ]
	[ "$(cat "$DL_ROOT/refs/images/localhost:5000/a/b/:v1")" = "$ID" ]
}

@test "dl-image-new: -p records the parent image" {
	mkstore
	made "$W/root"
	local parent=$ID
	made -p "$parent" "$W/root"
	run -0 jq -r .parent "$IMG/meta.json"
	assert_output "$parent"
}

@test "dl-image-new: -p must name an existing image by full ID" {
	mkstore
	failed 2 -p abc "$W/root"
	[[ "$stderr" == *"not a valid ID (64 lowercase hex digits)" ]]
	failed 1 -p "$(printf '%064d' 0)" "$W/root"
	[[ "$stderr" == *"no such image" ]]
}

@test "dl-image-new: a missing source fails (1) and leaves nothing" {
	mkstore
	failed 1 "$W/nothere"
	[[ "$stderr" == "dl-image-new: fatal: unable to open '$W/nothere': No such file or directory" ]]
}

@test "dl-image-new: a bad -t name fails (2) before anything is made" {
	mkstore
	failed 2 -t ok -t 'Bad/UPPER' "$W/root"
	[[ "$stderr" == *"unable to use name 'Bad/UPPER'"* ]]
	run -0 find "$DL_ROOT/refs/images" -type f
	assert_output ''
}

@test "dl-image-new: a truncated tar fails (4) and leaves nothing" {
	mkstore
	tar -C "$W/root" -cf "$W/root.tar" .
	head -c 1500000 "$W/root.tar" >"$W/cut.tar"
	failed 4 -t cut "$W/cut.tar"
	[[ "$stderr" == *"unable to extract '$W/cut.tar': "*"malformed archive: Truncated tar archive"* ]]
	run -0 find "$DL_ROOT/refs/images" -type f
	assert_output ''
}

@test "dl-image-new: an unsafe tar fails (4), writes nothing outside" {
	mkstore
	mkdir "$W/outside"
	python3 "$FIX/mktar.py" "$W/evil.tar" f:ok:fine \
		"l:evil:$W/outside" f:evil/file:pwned
	failed 4 "$W/evil.tar"
	[[ "$stderr" == *"entry 'evil/file': 'evil' leads outside the destination" ]]
	run -0 ls -A "$W/outside"
	assert_output ''
}

@test "dl-image-new: a tag failure after publishing undoes everything" {
	mkstore
	made -t keep "$W/root"
	local old=$ID
	SUBVOLS=$(nsubvols)
	# refs/images/blocked is a file, so no tag can be made below it
	: >"$DL_ROOT/refs/images/blocked"
	run -125 --separate-stderr dl-image-new -t keep -t blocked/x "$W/root"
	assert_output ''
	[[ "$stderr" == *"unable to tag 'blocked/x:latest'"* ]]
	# the one image made before is all there is, and keep is restored
	run -0 ls "$DL_ROOT/images"
	assert_output "$old"
	run -0 find "$DL_ROOT/tmp" -mindepth 1
	assert_output ''
	[ "$(nsubvols)" = "$SUBVOLS" ]
	[ "$(cat "$DL_ROOT/refs/images/keep/:latest")" = "$old" ]
}

@test "dl-image-new: a tar bigger than the free space is refused (4) before it is written, and leaves nothing" {
	require_btrfs
	# a store of its own on a small btrfs, and 400 MB of data for it
	W="$DL_TEST_MNT/$(safename)"
	mkdir -p "$W/big" "$W/mnt"
	truncate -s 400M "$W/big/zeros"
	truncate -s 256M "$W/small.img"
	mkfs.btrfs -q "$W/small.img"
	mount -o loop "$W/small.img" "$W/mnt"
	SMALL="$W/mnt"
	export DL_ROOT="$SMALL/store"
	dl init >/dev/null
	SUBVOLS=$(btrfs subvolume list "$SMALL" | wc -l)
	used=$(df --output=used -B1 "$SMALL" | tail -1)
	# streamed through a fifo: SOURCE need not be a regular file
	mkfifo "$W/fifo.tar"
	tar -C "$W/big" -cf "$W/fifo.tar" . 3>&- 2>/dev/null &
	run -4 --separate-stderr dl-image-new -t full "$W/fifo.tar"
	wait || true
	assert_output ''
	[[ "$stderr" == *"entry './zeros': 419430400 bytes would pass the limit of "*" bytes of file data" ]]
	# not a block of it was written
	[ $(($(df --output=used -B1 "$SMALL" | tail -1) - used)) -lt $((8 << 20)) ]
	run -0 find "$DL_ROOT/images" "$DL_ROOT/tmp" "$DL_ROOT/refs/images" -mindepth 1
	assert_output ''
	[ "$(btrfs subvolume list "$SMALL" | wc -l)" = "$SUBVOLS" ]
}
