#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# 210-image-create.bats: dl image create makes an image from a directory, a
# tar file or stdin, keeps what a root filesystem needs, applies --change,
# and refuses bad names and unsafe archives leaving no trace.

load helpers
load lib-btrfs

# no_store: $DL_ROOT, a path where no store is
no_store() {
	require_root
	export DL_ROOT="$BATS_TEST_TMPDIR/nostore"
}

# mkroot DIR: a small root filesystem
mkroot() {
	mkdir -p "$1/etc" "$1/bin" "$1/empty"
	printf 'root:x:0:0:root:/root:/bin/sh\n' >"$1/etc/passwd"
	echo hello >"$1/etc/motd"
	printf '#!/bin/sh\necho hi\n' >"$1/bin/hi"
	chmod 755 "$1/bin/hi"
	ln -s motd "$1/etc/motd.link"
}

# image_id NAME: the full ID of image NAME
image_id() {
	dl image inspect "$1" | jq -r '.[0].Id | ltrimstr("sha256:")'
}

# rawtar TAR DIR EXPR MEMBER...: tar MEMBERs of DIR into TAR, renamed by the
# GNU tar --transform EXPR, keeping '..' and leading '/' (-P)
rawtar() {
	local tar=$1 dir=$2 expr=$3
	shift 3
	tar -C "$dir" -P --transform="$expr" -cf "$tar" "$@" 2>/dev/null
}

# listing DIR: owner, mode, type, device numbers, size, mtime of each file
listing() {
	(
		cd "$1" || exit 1
		find . -mindepth 1 | LC_ALL=C sort | while IFS= read -r p; do
			if [ -L "$p" ]; then
				stat -c '%n %u:%g %F' "$p"
				printf '%s -> %s\n' "$p" "$(readlink "$p")"
			elif [ -d "$p" ]; then
				stat -c '%n %u:%g %a %F %Y' "$p"
			else
				stat -c '%n %u:%g %a %F %t:%T %s %Y' "$p"
			fi
		done
	)
}

# mkspecial DIR: a tree with everything an image root needs kept
mkspecial() {
	local d=$1
	mkdir -p "$d/bin" "$d/dev" "$d/srv" "$d/tmp"
	cp /bin/true "$d/bin/su"
	chmod 4755 "$d/bin/su"
	cp /bin/true "$d/bin/wall"
	chown 0:5 "$d/bin/wall"
	chmod 2755 "$d/bin/wall"
	cp /bin/true "$d/bin/ping"
	setcap cap_net_raw+ep "$d/bin/ping"
	chmod 1777 "$d/tmp"
	chown 1234:5678 "$d/srv"
	chmod 2710 "$d/srv"
	mknod -m 666 "$d/dev/null" c 1 3
	mknod -m 660 "$d/dev/loop9" b 7 9
	mkfifo -m 600 "$d/dev/fifo"
	echo secret >"$d/srv/file"
	chown 42:43 "$d/srv/file"
	chmod 640 "$d/srv/file"
	touch -d '2001-02-03 04:05:06' "$d/srv/file"
	ln "$d/srv/file" "$d/srv/hardlink"
	ln -s /bin/su "$d/bin/sudo"
	chown -h 7:8 "$d/bin/sudo"
	touch -d '2002-03-04 05:06:07' "$d/srv"
}

# assert_kept SRC ROOTFS: ROOTFS has what mkspecial made in SRC
assert_kept() {
	assert_equal "$(listing "$2")" "$(listing "$1")"
	assert_equal "$(stat -c %a "$2/bin/su")" 4755
	assert_equal "$(stat -c %a "$2/bin/wall")" 2755
	assert_equal "$(stat -c %a "$2/tmp")" 1777
	assert_equal "$(stat -c '%F %t:%T' "$2/dev/null")" 'character special file 1:3'
	assert_equal "$(stat -c '%F %t:%T' "$2/dev/loop9")" 'block special file 7:9'
	assert_equal "$(stat -c %F "$2/dev/fifo")" fifo
	assert_equal "$(stat -c %i "$2/srv/file")" "$(stat -c %i "$2/srv/hardlink")"
	assert_equal "$(getcap "$2/bin/ping" | awk '{ print $2 }')" cap_net_raw=ep
}

@test "dl image create: from a directory, prints the new ID only" {
	store
	mkroot "$BATS_TEST_TMPDIR/root"
	run -0 --separate-stderr dl image create img "$BATS_TEST_TMPDIR/root"
	[ -z "$stderr" ]
	assert_output --regexp '^[0-9a-f]{64}$'
	local id=$output
	assert_dir_exists "$DL_ROOT/images/$id/rootfs"
	assert_file_exists "$DL_ROOT/images/$id/config.json"
	assert_file_exists "$DL_ROOT/images/$id/meta.json"
	run -0 diff -r --no-dereference "$BATS_TEST_TMPDIR/root" \
		"$DL_ROOT/images/$id/rootfs"
	assert_equal "$(image_id img)" "$id"
	assert_equal "$(cat "$DL_ROOT/refs/images/img/:latest")" "$id"
	run -0 ls -A "$DL_ROOT/tmp"
	assert_output ''
}

@test "dl image create: meta.json records id, no parent, created, size" {
	store
	mkroot "$BATS_TEST_TMPDIR/root"
	local id m
	id=$(dl image create img "$BATS_TEST_TMPDIR/root")
	m="$DL_ROOT/images/$id/meta.json"
	assert_equal "$(jq -r .id "$m")" "$id"
	assert_equal "$(jq -r .parent "$m")" ''
	jq -e '.created | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}\\.[0-9]{9}Z$")' \
		"$m" >/dev/null
	jq -e '.size | type == "number" and . > 0' "$m" >/dev/null
	jq -e '.architecture != null and .os == "linux" and
		.rootfs.type == "layers" and (.history | length) == 1' \
		"$DL_ROOT/images/$id/config.json" >/dev/null
}

@test "dl image create: the rootfs is a read-only subvolume" {
	store
	mkroot "$BATS_TEST_TMPDIR/root"
	local id r
	id=$(dl image create img "$BATS_TEST_TMPDIR/root")
	r="$DL_ROOT/images/$id/rootfs"
	run -0 btrfs subvolume show "$r"
	run -0 btrfs property get -ts "$r" ro
	assert_output 'ro=true'
	run ! touch "$r/new"
	run ! rm "$r/etc/motd"
	assert_file_exists "$r/etc/motd"
	# the one new subvolume is that rootfs
	run -0 comm -13 <(echo "$SV0") <(subvols)
	assert_output "${r#"$DL_TEST_MNT"/}"
}

@test "dl image create: from tar files, plain, gzip, xz, zstd and bzip2" {
	store
	mkroot "$BATS_TEST_TMPDIR/root"
	local t="$BATS_TEST_TMPDIR/root.tar" c id
	tar -C "$BATS_TEST_TMPDIR/root" -cf "$t" .
	gzip -k "$t"
	xz -k "$t"
	zstd -q "$t"
	bzip2 -k "$t"
	for c in tar tar.gz tar.xz tar.zst tar.bz2; do
		run -0 --separate-stderr dl image create "img:${c/./-}" \
			"$BATS_TEST_TMPDIR/root.$c"
		[ -z "$stderr" ]
		assert_output --regexp '^[0-9a-f]{64}$'
		id=$output
		run -0 diff -r --no-dereference "$BATS_TEST_TMPDIR/root" \
			"$DL_ROOT/images/$id/rootfs"
		assert_equal "$(image_id "img:${c/./-}")" "$id"
	done
	run -0 ls -A "$DL_ROOT/tmp"
	assert_output ''
}

@test "dl image create: - reads a tar from stdin" {
	store
	mkroot "$BATS_TEST_TMPDIR/root"
	tar -C "$BATS_TEST_TMPDIR/root" -czf "$BATS_TEST_TMPDIR/root.tgz" .
	run -0 --separate-stderr dl image create piped - \
		<"$BATS_TEST_TMPDIR/root.tgz"
	assert_output --regexp '^[0-9a-f]{64}$'
	run -0 diff -r --no-dereference "$BATS_TEST_TMPDIR/root" \
		"$DL_ROOT/images/$output/rootfs"
}

@test "dl image create: --change lines end up in the image Config" {
	store
	mkroot "$BATS_TEST_TMPDIR/root"
	run -0 --separate-stderr dl image create \
		--change 'CMD ["echo", "hi"]' \
		-c 'ENTRYPOINT ["/bin/tini", "--"]' \
		-c 'ENV A=1 B="two words"' \
		--change='ENV C 3' \
		-c 'WORKDIR /srv/app' \
		-c 'USER 1000:1000' \
		-c 'LABEL org.example.a=x "b c"="d e"' \
		-c 'EXPOSE 80 53/udp' \
		img "$BATS_TEST_TMPDIR/root"
	run -0 dl image inspect img
	local c
	c=$(jq -c '.[0].Config' <<<"$output")
	assert_equal "$(jq -c .Cmd <<<"$c")" '["echo","hi"]'
	assert_equal "$(jq -c .Entrypoint <<<"$c")" '["/bin/tini","--"]'
	assert_equal "$(jq -c .Env <<<"$c")" '["A=1","B=two words","C=3"]'
	assert_equal "$(jq -r .WorkingDir <<<"$c")" /srv/app
	assert_equal "$(jq -r .User <<<"$c")" 1000:1000
	assert_equal "$(jq -c .Labels <<<"$c")" '{"b c":"d e","org.example.a":"x"}'
	assert_equal "$(jq -c .ExposedPorts <<<"$c")" '{"53/udp":{},"80/tcp":{}}'
}

@test "dl image create: CMD and ENTRYPOINT in shell form run under /bin/sh -c" {
	store
	mkroot "$BATS_TEST_TMPDIR/root"
	dl image create -c 'CMD echo hi there' -c 'ENTRYPOINT exec env' img \
		"$BATS_TEST_TMPDIR/root" >/dev/null
	run -0 dl image inspect img
	assert_equal "$(jq -c '.[0].Config.Cmd' <<<"$output")" \
		'["/bin/sh","-c","echo hi there"]'
	assert_equal "$(jq -c '.[0].Config.Entrypoint' <<<"$output")" \
		'["/bin/sh","-c","exec env"]'
}

@test "dl image create: --message and --author are the Comment and Author" {
	store
	mkroot "$BATS_TEST_TMPDIR/root"
	local id
	id=$(dl image create --message 'first cut' --author 'Ann <a@b.c>' img \
		"$BATS_TEST_TMPDIR/root")
	run -0 dl image inspect img
	assert_equal "$(jq -r '.[0].Comment' <<<"$output")" 'first cut'
	assert_equal "$(jq -r '.[0].Author' <<<"$output")" 'Ann <a@b.c>'
	# the short options, and the config's own history entry
	dl image create -m short -a me img2 "$BATS_TEST_TMPDIR/root" >/dev/null
	run -0 dl image inspect img2
	assert_equal "$(jq -r '.[0].Comment' <<<"$output")" short
	assert_equal "$(jq -r '.[0].Author' <<<"$output")" me
	jq -e '.history[-1].comment == "first cut" and .author == "Ann <a@b.c>"' \
		"$DL_ROOT/images/$id/config.json" >/dev/null
}

@test "dl image create: a NAME without a tag is NAME:latest" {
	store
	mkroot "$BATS_TEST_TMPDIR/root"
	local id
	id=$(dl image create plain "$BATS_TEST_TMPDIR/root")
	run -0 dl image inspect plain:latest
	assert_equal "$(jq -c '.[0].RepoTags' <<<"$output")" '["plain:latest"]'
	assert_equal "$(jq -r '.[0].Id' <<<"$output")" "sha256:$id"
	assert_file_exists "$DL_ROOT/refs/images/plain/:latest"
}

@test "dl image create: host:port/path:tag names are kept whole" {
	store
	mkroot "$BATS_TEST_TMPDIR/root"
	local id
	id=$(dl image create localhost:5000/team/app:v1.2 "$BATS_TEST_TMPDIR/root")
	run -0 dl image inspect localhost:5000/team/app:v1.2
	assert_equal "$(jq -c '.[0].RepoTags' <<<"$output")" \
		'["localhost:5000/team/app:v1.2"]'
	assert_equal "$(cat "$DL_ROOT/refs/images/localhost:5000/team/app/:v1.2")" "$id"
	dl image create registry.example.com/a/b "$BATS_TEST_TMPDIR/root" >/dev/null
	run -0 dl image ls
	assert_line --regexp '^localhost:5000/team/app +v1\.2 +[0-9a-f]{12} '
	assert_line --regexp '^registry\.example\.com/a/b +latest +[0-9a-f]{12} '
}

@test "dl image create: an invalid name is a usage error and makes nothing" {
	store
	mkroot "$BATS_TEST_TMPDIR/root"
	local n long tag
	long=$(printf 'a%.0s' {1..256})
	tag=x:$(printf 't%.0s' {1..129})
	for n in Upper 'a b' ':tag' "$long" "$tag" 'a:' 'a//b' 'a:b:c' \
		"$(printf '%064d' 0)" 'a@b' '.a'; do
		run -2 --separate-stderr dl image create "$n" "$BATS_TEST_TMPDIR/root"
		assert_fatal
		[[ "$stderr" == "dl image create: fatal: unable to parse '$n': "* ]] ||
			fail "for '$n': $stderr"
		assert_no_trace
	done
}

@test "dl image create: bad usage is refused before anything is made" {
	store
	mkroot "$BATS_TEST_TMPDIR/root"
	local syn='dl image create: usage: dl image create [-c CHANGE]... [-m MESSAGE] [-a AUTHOR] NAME[:TAG] SOURCE'
	run -2 --separate-stderr dl image create
	assert_output ''
	assert_equal "$stderr" "$syn"
	run -2 --separate-stderr dl image create img
	assert_equal "$stderr" "$syn"
	run -2 --separate-stderr dl image create img "$BATS_TEST_TMPDIR/root" extra
	assert_equal "$stderr" "$syn"
	run -2 --separate-stderr dl image create --bogus img "$BATS_TEST_TMPDIR/root"
	assert_equal "$stderr" "$syn"
	run -2 --separate-stderr dl image create img "$BATS_TEST_TMPDIR/root" -c
	assert_output ''
	assert_no_trace
}

@test "dl image create: a bad --change is a usage error and makes nothing" {
	store
	mkroot "$BATS_TEST_TMPDIR/root"
	run -2 --separate-stderr dl image create -c 'FROB x' img \
		"$BATS_TEST_TMPDIR/root"
	assert_fatal
	[[ "$stderr" == *"unable to apply change 'FROB x': "* ]]
	run -2 --separate-stderr dl image create -c 'EXPOSE notaport' img \
		"$BATS_TEST_TMPDIR/root"
	assert_fatal
	assert_no_trace
}

@test "dl image create: a missing source is 'not found' (1)" {
	store
	run -1 --separate-stderr dl image create img "$BATS_TEST_TMPDIR/nothing"
	assert_fatal
	assert_equal "$stderr" "dl image create: fatal: unable to read '$BATS_TEST_TMPDIR/nothing': no such file or directory"
	assert_no_trace
}

@test "dl image create: without a store it says so (1)" {
	no_store
	mkroot "$BATS_TEST_TMPDIR/root"
	run -1 --separate-stderr dl image create img "$BATS_TEST_TMPDIR/root"
	assert_fatal
	[[ "$stderr" == *"not initialised (run 'dl init')" ]]
	assert_not_exists "$DL_ROOT"
}

@test "dl image create: a tar entry with '..' is rejected (4), nothing escapes" {
	store
	local w="$BATS_TEST_TMPDIR/w" out="$BATS_TEST_TMPDIR/outside" up
	mkdir -p "$w" "$out"
	echo evil >"$w/f"
	echo ok >"$w/ok"
	up=$(printf '../%.0s' {1..40})
	rawtar "$BATS_TEST_TMPDIR/deep.tar" "$w" "s,^f\$,$up${out#/}/dotdot," ok f
	run -0 tar -tPf "$BATS_TEST_TMPDIR/deep.tar"
	assert_line "$up${out#/}/dotdot"
	rawtar "$BATS_TEST_TMPDIR/near.tar" "$w" 's,^f$,../escape-near,' ok f
	local t
	for t in deep near; do
		run -4 --separate-stderr dl image create bad "$BATS_TEST_TMPDIR/$t.tar"
		assert_fatal
		[[ "$stderr" == *"unable to extract '$BATS_TEST_TMPDIR/$t.tar'"* ]]
		assert_no_trace
	done
	run -0 ls -A "$out"
	assert_output ''
	run -0 find "$DL_TEST_MNT" "$BATS_TEST_TMPDIR" -name 'escape-*'
	assert_output ''
}

@test "dl image create: an absolute tar entry is rejected (4), nothing written" {
	store
	local w="$BATS_TEST_TMPDIR/w" out="$BATS_TEST_TMPDIR/outside"
	mkdir -p "$w" "$out"
	echo evil >"$w/f"
	rawtar "$BATS_TEST_TMPDIR/abs.tar" "$w" "s,^f\$,$out/abs," f
	run -0 tar -tPf "$BATS_TEST_TMPDIR/abs.tar"
	assert_output "$out/abs"
	run -4 --separate-stderr dl image create bad "$BATS_TEST_TMPDIR/abs.tar"
	assert_fatal
	[[ "$stderr" == *"absolute"* ]]
	assert_no_trace
	run -0 ls -A "$out"
	assert_output ''
}

@test "dl image create: a path through a symlink out of the root is rejected (4)" {
	store
	local w="$BATS_TEST_TMPDIR/w" out="$BATS_TEST_TMPDIR/outside" up t
	mkdir -p "$w/x" "$out"
	echo evil >"$w/x/f"
	up=$(printf '../%.0s' {1..40})
	ln -s "$out" "$w/abs"
	ln -s "$up${out#/}" "$w/rel"
	# the symlink first, then a file "through" it
	rawtar "$BATS_TEST_TMPDIR/abs.tar" "$w" 's,^x/f$,abs/pwned-abs,S' abs x/f
	rawtar "$BATS_TEST_TMPDIR/rel.tar" "$w" 's,^x/f$,rel/pwned-rel,S' rel x/f
	run -0 tar -tvPf "$BATS_TEST_TMPDIR/rel.tar"
	assert_line --partial "rel -> $up${out#/}"
	assert_line --partial "rel/pwned-rel"
	for t in abs rel; do
		run -4 --separate-stderr dl image create bad "$BATS_TEST_TMPDIR/$t.tar"
		assert_fatal
		[[ "$stderr" == *"leads outside"* ]]
		assert_no_trace
	done
	run -0 ls -A "$out"
	assert_output ''
}

@test "dl image create: a hard link to a file outside the root is rejected (4)" {
	store
	local w="$BATS_TEST_TMPDIR/w" out="$BATS_TEST_TMPDIR/outside" up t
	mkdir -p "$w" "$out"
	echo victim >"$out/victim"
	echo a >"$w/h"
	ln "$w/h" "$w/h2"
	up=$(printf '../%.0s' {1..40})
	# only the link target is rewritten (flags RSh)
	rawtar "$BATS_TEST_TMPDIR/abs.tar" "$w" "s,^h\$,$out/victim,RSh" h h2
	rawtar "$BATS_TEST_TMPDIR/rel.tar" "$w" "s,^h\$,$up${out#/}/victim,RSh" h h2
	for t in abs rel; do
		run -4 --separate-stderr dl image create bad "$BATS_TEST_TMPDIR/$t.tar"
		assert_fatal
		[[ "$stderr" == *"hard link target"* ]]
		assert_no_trace
	done
	assert_equal "$(cat "$out/victim")" victim
	assert_equal "$(stat -c %h "$out/victim")" 1
}

@test "dl image create: a file replacing a symlink never writes through it" {
	store
	local w="$BATS_TEST_TMPDIR/w" out="$BATS_TEST_TMPDIR/outside"
	mkdir -p "$w/x" "$out"
	echo victim >"$out/victim"
	ln -s "$out/victim" "$w/evil"
	echo PWNED >"$w/x/evil"
	rawtar "$BATS_TEST_TMPDIR/over.tar" "$w" 's,^x/evil$,evil,S' evil x/evil
	run --separate-stderr dl image create over "$BATS_TEST_TMPDIR/over.tar"
	assert_equal "$(cat "$out/victim")" victim
	if [ "$status" -eq 0 ]; then
		# the file replaced the link inside the image
		local r="$DL_ROOT/images/$output/rootfs"
		assert_not_symlink_to "$out/victim" "$r/evil"
		assert_equal "$(cat "$r/evil")" PWNED
	else
		assert_equal "$status" 4
		assert_fatal
		assert_no_trace
	fi
}

@test "dl image create: a truncated tar fails and leaves no trace" {
	store
	local w="$BATS_TEST_TMPDIR/w"
	mkdir -p "$w"
	head -c 200000 /dev/urandom >"$w/big"
	mkroot "$w/root"
	tar -C "$w" -cf "$BATS_TEST_TMPDIR/full.tar" big root
	head -c 100000 "$BATS_TEST_TMPDIR/full.tar" >"$BATS_TEST_TMPDIR/cut.tar"
	gzip -c "$BATS_TEST_TMPDIR/full.tar" | head -c 150000 \
		>"$BATS_TEST_TMPDIR/cut.tar.gz"
	local t
	for t in cut.tar cut.tar.gz; do
		run -4 --separate-stderr dl image create cut "$BATS_TEST_TMPDIR/$t"
		assert_fatal
		[[ "$stderr" == *"unable to extract '$BATS_TEST_TMPDIR/$t'"* ]]
		assert_no_trace
	done
}

@test "dl image create: corrupt compressed tars fail (4) and leave no trace" {
	store
	local w="$BATS_TEST_TMPDIR/w" t
	mkdir -p "$w"
	head -c 300000 /dev/urandom >"$w/big"
	mkroot "$w/root"
	# 1 MiB records: the stream goes on long after the end-of-archive
	tar -b 2048 -C "$w" -cf "$w/full.tar" big root
	damaged_streams "$w" full
	for t in crc.gz cut.gz cut.xz cut.zst cut.bz2 bad.bz2; do
		run -4 --separate-stderr dl image create bad "$w/$t"
		assert_fatal "dl image create"
		[[ "$stderr" == *"unable to extract '$w/$t': "*"malformed archive: "* ]]
		assert_no_trace
		run -4 --separate-stderr dl image create bad - <"$w/$t"
		assert_fatal "dl image create"
		assert_no_trace
	done
	# undamaged, the same tar makes an image
	run -0 dl image create good "$w/full.gz"
}

@test "dl image create: a file that is not a tar is rejected (4)" {
	store
	echo 'not a tar' >"$BATS_TEST_TMPDIR/junk"
	run -4 --separate-stderr dl image create junk "$BATS_TEST_TMPDIR/junk"
	assert_fatal
	assert_no_trace
	run -4 --separate-stderr dl image create junk - <"$BATS_TEST_TMPDIR/junk"
	assert_fatal
	assert_no_trace
}

# tmpfs_src: a tmpfs of its own in $SRC (another filesystem than the
# store's, so nothing can be cloned), unmounted by teardown
tmpfs_src() {
	SRC="$BATS_TEST_TMPDIR/src"
	mkdir -p "$SRC"
	mount -t tmpfs -o size=64m tmpfs "$SRC"
}

teardown() {
	if [ -n "${SRC:-}" ] && mountpoint -q "$SRC"; then
		umount "$SRC" || umount -l "$SRC"
	fi
}

@test "dl image create: from a directory, a 100 GiB sparse file stays sparse" {
	store
	tmpfs_src
	truncate -s 100G "$SRC/huge"
	printf head | dd of="$SRC/huge" conv=notrunc status=none
	printf tail | dd of="$SRC/huge" bs=1 seek=$((100 * 1024 * 1024 * 1024 - 4)) \
		conv=notrunc status=none
	run -0 --separate-stderr dl image create sparse "$SRC"
	local f="$DL_ROOT/images/$output/rootfs/huge"
	assert_equal "$(stat -c %s "$f")" $((100 * 1024 * 1024 * 1024))
	assert_equal "$(head -c 4 "$f")" head
	assert_equal "$(tail -c 4 "$f")" tail
	# two data blocks at most, a few KiB: 512-byte blocks allocated
	[ "$(stat -c %b "$f")" -le 1024 ] ||
		fail "$(stat -c %b "$f") blocks allocated"
}

@test "dl image create: from a directory, data, a hole, data: holes kept" {
	store
	tmpfs_src
	head -c 1M /dev/urandom >"$SRC/f"
	truncate -s 33M "$SRC/f"
	head -c 1M /dev/urandom >>"$SRC/f"
	truncate -s 40M "$SRC/f"
	run -0 --separate-stderr dl image create holes "$SRC"
	local f="$DL_ROOT/images/$output/rootfs/f"
	cmp "$SRC/f" "$f"
	assert_equal "$(stat -c %s "$f")" $((40 * 1024 * 1024))
	# 2 MiB of data, not 40: 4096 512-byte blocks, and a little room
	[ "$(stat -c %b "$f")" -le 5000 ] ||
		fail "$(stat -c %b "$f") blocks allocated"
	# the holes are where they were
	run -0 python3 -c 'import os, sys
fd = os.open(sys.argv[1], os.O_RDONLY)
print(os.lseek(fd, 0, os.SEEK_HOLE), os.lseek(fd, 2 << 20, os.SEEK_DATA),
      os.lseek(fd, 33 << 20, os.SEEK_HOLE))' "$f"
	assert_output "$((1 << 20)) $((33 << 20)) $((34 << 20))"
}

@test "dl image create: from a directory keeps owners, modes, caps, devices, links" {
	store
	local src="$BATS_TEST_TMPDIR/special" id
	mkspecial "$src"
	run -0 --separate-stderr dl image create special "$src"
	id=$output
	assert_kept "$src" "$DL_ROOT/images/$id/rootfs"
}

@test "dl image create: from a tar keeps owners, modes, caps, devices, links" {
	store
	local src="$BATS_TEST_TMPDIR/special" id
	mkspecial "$src"
	tar --xattrs --xattrs-include='*' -C "$src" -cf "$BATS_TEST_TMPDIR/s.tar" .
	run -0 --separate-stderr dl image create special "$BATS_TEST_TMPDIR/s.tar"
	id=$output
	assert_kept "$src" "$DL_ROOT/images/$id/rootfs"
}

@test "dl image create: tar owners are numeric IDs, never names of this host" {
	store
	local w="$BATS_TEST_TMPDIR/w" id
	mkdir -p "$w"
	echo x >"$w/f"
	tar -C "$w" --owner=root:4242 --group=root:4343 -cf "$BATS_TEST_TMPDIR/o.tar" f
	id=$(dl image create owners "$BATS_TEST_TMPDIR/o.tar")
	assert_equal "$(stat -c %u:%g "$DL_ROOT/images/$id/rootfs/f")" 4242:4343
}

@test "dl image create: the same name again moves it; the old image is <none>" {
	store
	mkroot "$BATS_TEST_TMPDIR/root"
	local old new
	old=$(dl image create same:v1 "$BATS_TEST_TMPDIR/root")
	new=$(dl image create same:v1 "$BATS_TEST_TMPDIR/root")
	[ "$old" != "$new" ]
	assert_equal "$(image_id same:v1)" "$new"
	run -0 dl image inspect "$old"
	assert_equal "$(jq -c '.[0].RepoTags' <<<"$output")" '[]'
	run -0 dl image ls
	assert_line --regexp "^same +v1 +${new:0:12} "
	assert_line --regexp "^<none> +<none> +${old:0:12} "
	assert_dir_exists "$DL_ROOT/images/$old/rootfs"
}
