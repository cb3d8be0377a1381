#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# 143-cp.bats: dl-cp copies between a container's root and the host, as
# docker cp, never following a container's symlink out of its root.

# shellcheck disable=SC2154 # $stderr is set by run --separate-stderr

load helpers
load lib-btrfs
load lib-store

# a store, a container ($cid, rootfs $r) and a host tree $h/src:
# src/f (mode 4755, uid 1000), src/sub/g
setup() {
	mk_store
	img=$(mk_image)
	run -0 --separate-stderr dl-container-new "$img"
	cid=$output
	r="$DL_ROOT/containers/$cid/rootfs"
	h="$BATS_TEST_TMPDIR/host"
	mkdir -p "$h/src/sub"
	echo hello >"$h/src/f"
	echo deep >"$h/src/sub/g"
	chown -R 1000:1000 "$h/src"
	chmod 4755 "$h/src/f"
	touch -d '2001-02-03 04:05:06' "$h/src/f"
}

@test "dl-cp: --help prints the synopsis on stdout" {
	run -0 --separate-stderr dl-cp --help
	assert_line --index 0 'usage: dl-cp [-a] SOURCE DEST'
}

@test "dl-cp: exactly one side must be in a container" {
	run -2 --separate-stderr dl-cp "$h/src" "$h/dst"
	assert_output ''
	[[ "$stderr" == dl-cp:\ usage:* ]]
	run -2 --separate-stderr dl-cp "$cid:/a" "$cid:/b"
	[[ "$stderr" == dl-cp:\ usage:* ]]
}

@test "dl-cp: a file into a new path keeps mode and mtime, owned by root" {
	run -0 --separate-stderr dl-cp "$h/src/f" "$cid:/etc/f2"
	assert_output ''
	assert_equal "$stderr" ''
	run -0 stat -c '%a %u:%g %Y' "$r/etc/f2"
	assert_output "4755 0:0 $(stat -c %Y "$h/src/f")"
	run -0 cat "$r/etc/f2"
	assert_output hello
}

@test "dl-cp: -a keeps the owners" {
	run -0 --separate-stderr dl-cp -a "$h/src" "$cid:/x"
	run -0 stat -c '%a %u:%g' "$r/x/f" "$r/x/sub/g"
	assert_output $'4755 1000:1000\n644 1000:1000'
}

@test "dl-cp: a file into an existing directory goes inside" {
	run -0 --separate-stderr dl-cp "$h/src/f" "$cid:/tmp"
	assert_file_exists "$r/tmp/f"
}

@test "dl-cp: a file onto a file overwrites it" {
	run -0 --separate-stderr dl-cp "$h/src/f" "$cid:/etc/passwd"
	run -0 cat "$r/etc/passwd"
	assert_output hello
}

@test "dl-cp: a directory to a missing path creates it with the contents" {
	run -0 --separate-stderr dl-cp "$h/src" "$cid:/srv"
	run -0 cat "$r/srv/f" "$r/srv/sub/g"
	assert_output $'hello\ndeep'
	run -0 stat -c '%u:%g' "$r/srv" "$r/srv/sub" "$r/srv/sub/g"
	assert_output $'0:0\n0:0\n0:0'
}

@test "dl-cp: a directory to an existing directory goes inside" {
	run -0 --separate-stderr dl-cp "$h/src" "$cid:/tmp"
	run -0 cat "$r/tmp/src/f" "$r/tmp/src/sub/g"
	assert_output $'hello\ndeep'
}

@test "dl-cp: SOURCE/. copies the contents; the directory keeps its mode" {
	run -0 --separate-stderr dl-cp "$h/src/." "$cid:/tmp"
	run -0 cat "$r/tmp/f" "$r/tmp/sub/g"
	assert_output $'hello\ndeep'
	run -0 stat -c '%a %u:%g' "$r/tmp"
	assert_output '1777 0:0'
}

@test "dl-cp: a directory onto a file is 3" {
	run -3 --separate-stderr dl-cp "$h/src" "$cid:/etc/passwd"
	assert_output ''
	[[ "$stderr" == "dl-cp: fatal: unable to copy '$h/src' to '$cid:/etc/passwd': cannot copy a directory to a file" ]]
}

@test "dl-cp: out of the container: a file, a directory, contents" {
	mkdir "$h/out"
	run -0 --separate-stderr dl-cp "$cid:/etc/passwd" "$h/out/pw"
	cmp "$r/etc/passwd" "$h/out/pw"
	run -0 --separate-stderr dl-cp "$cid:/etc" "$h/out"
	cmp "$r/etc/group" "$h/out/etc/group"
	run -0 --separate-stderr dl-cp "$cid:/etc/." "$h/out/copy"
	cmp "$r/etc/group" "$h/out/copy/group"
}

@test "dl-cp: out of the container, owners are the caller's unless -a" {
	mkdir "$r/data"
	echo x >"$r/data/x"
	chown -R 1234:1234 "$r/data"
	run -0 --separate-stderr dl-cp "$cid:/data" "$h/plain"
	run -0 stat -c '%u:%g' "$h/plain" "$h/plain/x"
	assert_output "$(id -u):$(id -g)"$'\n'"$(id -u):$(id -g)"
	run -0 --separate-stderr dl-cp -a "$cid:/data" "$h/kept"
	run -0 stat -c '%u:%g' "$h/kept/x"
	assert_output 1234:1234
}

@test "dl-cp: a symlink is copied as a symlink, never followed out" {
	ln -s /etc/shadow "$r/link"
	run -0 --separate-stderr dl-cp "$cid:/link" "$h/link"
	run -0 readlink "$h/link"
	assert_output /etc/shadow
}

# a host directory a container must never reach: $secret/s
plant_secret() {
	secret="$BATS_TEST_TMPDIR/secret"
	mkdir -p "$secret"
	echo sentinel >"$secret/s"
}

@test "dl-cp: a container symlink to a host path resolves inside the root when read" {
	plant_secret
	ln -s "$secret" "$r/leak"
	run -1 --separate-stderr dl-cp "$cid:/leak/" "$h/got"
	assert_output ''
	assert_equal "$stderr" "dl-cp: fatal: unable to copy '$cid:/leak/': no such file or directory"
	run -1 --separate-stderr dl-cp "$cid:/leak/s" "$h/got"
	assert_file_not_exists "$h/got"
	# inside the root, the same path is what is read
	mkdir -p "$r$secret"
	echo inside >"$r$secret/s"
	run -0 --separate-stderr dl-cp "$cid:/leak/s" "$h/got"
	run -0 cat "$h/got"
	assert_output inside
}

@test "dl-cp: a container symlink to a host path resolves inside the root when written" {
	plant_secret
	ln -s "$secret" "$r/drop"
	ln -s "$secret/s" "$r/drop-file"
	run -1 --separate-stderr dl-cp "$h/src/f" "$cid:/drop/"
	run -1 --separate-stderr dl-cp "$h/src/f" "$cid:/drop/s"
	run -1 --separate-stderr dl-cp "$h/src/f" "$cid:/drop-file"
	run -0 cat "$secret/s"
	assert_output sentinel
	run -0 ls "$secret"
	assert_output s
	# inside the root, the symlink's target is what is written
	mkdir -p "$r$secret"
	echo old >"$r$secret/s"
	run -0 --separate-stderr dl-cp "$h/src/f" "$cid:/drop-file"
	run -0 cat "$r$secret/s" "$secret/s"
	assert_output $'hello\nsentinel'
	run -0 --separate-stderr dl-cp "$h/src/f" "$cid:/drop/"
	assert_file_exists "$r$secret/f"
	assert_file_not_exists "$secret/f"
}

@test "dl-cp: merging over a container symlink replaces it, never writes through it" {
	plant_secret
	mkdir -p "$r/data"
	ln -s "$secret" "$r/data/sub"
	run -0 --separate-stderr dl-cp "$h/src/." "$cid:/data"
	run -0 ls "$secret"
	assert_output s
	assert_dir_exists "$r/data/sub"
	run -0 cat "$r/data/sub/g"
	assert_output deep
}

@test "dl-cp: a missing source is 1" {
	run -1 --separate-stderr dl-cp "$cid:/no/such" "$h/x"
	assert_output ''
	assert_equal "$stderr" "dl-cp: fatal: unable to copy '$cid:/no/such': no such file or directory"
	run -1 --separate-stderr dl-cp "$h/nope" "$cid:/tmp"
	assert_equal "$stderr" "dl-cp: fatal: unable to copy '$h/nope': no such file or directory"
}

@test "dl-cp: a missing destination parent is 1" {
	run -1 --separate-stderr dl-cp "$h/src/f" "$cid:/no/such/f"
	assert_output ''
	assert_equal "$stderr" "dl-cp: fatal: unable to copy to '$cid:/no/such/f': no such file or directory"
}

@test "dl-cp: a missing container is 1" {
	id=$(new_id)
	run -1 --separate-stderr dl-cp "$h/src/f" "$id:/tmp"
	assert_output ''
	assert_equal "$stderr" "dl-cp: fatal: unable to copy '$id:/tmp': no such container"
}

@test "dl-cp: a failed directory copy leaves nothing" {
	mkdir -p "$r/big" "$h/small"
	head -c 1048576 /dev/zero >"$r/big/file"
	mount -t tmpfs -o size=64k tmpfs "$h/small"
	run -125 --separate-stderr dl-cp "$cid:/big" "$h/small/big"
	ls=$(ls -A "$h/small")
	umount "$h/small"
	assert_output ''
	[[ "$stderr" == "dl-cp: fatal: unable to copy to '$h/small/big': "* ]]
	assert_equal "$ls" ''
}

# xattr_of FILE NAME: the value of xattr NAME of FILE, hex (no follow)
xattr_of() {
	python3 -c 'import os, sys; print(os.getxattr(sys.argv[1], sys.argv[2], follow_symlinks=False).hex())' "$1" "$2"
}

@test "dl-cp: a file's large xattr is copied in and out whole" {
	local big hb
	# a host side on btrfs too: other filesystems may not hold 5000 bytes
	hb="$DL_TEST_MNT/host-$BATS_TEST_NUMBER-$RANDOM"
	mkdir "$hb"
	big=$(head -c 5000 /dev/zero | tr '\0' x)
	echo data >"$hb/f"
	python3 -c 'import os, sys; os.setxattr(sys.argv[1], "user.big", sys.argv[2].encode())' \
		"$hb/f" "$big"
	run -0 --separate-stderr dl-cp "$hb/f" "$cid:/etc/big"
	assert_equal "$(xattr_of "$r/etc/big" user.big)" "$(xattr_of "$hb/f" user.big)"
	run -0 --separate-stderr dl-cp "$cid:/etc/big" "$hb/big-out"
	assert_equal "$(xattr_of "$hb/big-out" user.big)" "$(xattr_of "$hb/f" user.big)"
	assert_equal "$(xattr_of "$hb/big-out" user.big | wc -c)" 10001
	rm -rf "$hb"
}

@test "dl-cp: a file capability survives the change of owner, in and out" {
	cp /bin/true "$h/src/ping"
	chown 1000:1000 "$h/src/ping"
	setcap cap_net_raw+ep "$h/src/ping"
	run -0 --separate-stderr dl-cp "$h/src/ping" "$cid:/usr/capped"
	run -0 stat -c '%u:%g' "$r/usr/capped"
	assert_output '0:0'
	run -0 getcap "$r/usr/capped"
	assert_output --partial 'cap_net_raw=ep'
	run -0 --separate-stderr dl-cp "$cid:/usr/capped" "$h/ping-out"
	run -0 getcap "$h/ping-out"
	assert_output --partial 'cap_net_raw=ep'
}

@test "dl-cp: an xattr the destination refuses fails the copy, and leaves nothing" {
	python3 -c 'import os, sys; os.setxattr(sys.argv[1], "user.keep", b"me")' "$r/etc/passwd"
	mkdir "$h/ram"
	mount -t ramfs ramfs "$h/ram"
	run --separate-stderr dl-cp "$cid:/etc/passwd" "$h/ram/pw"
	ls=$(ls -A "$h/ram")
	umount "$h/ram"
	assert_equal "$status" 125
	assert_output ''
	assert_equal "$stderr" "dl-cp: fatal: unable to copy to '$h/ram/pw': unable to set xattr 'user.keep' of 'passwd': Operation not supported"
	assert_equal "$ls" ''
}

@test "dl-cp: a destination that cannot be written is an error, with nothing left" {
	mkdir -p "$h/ro"
	mount -t tmpfs -o ro tmpfs "$h/ro"
	run --separate-stderr dl-cp "$cid:/etc/passwd" "$h/ro/pw"
	umount "$h/ro"
	assert_equal "$status" 125
	assert_output ''
	[[ "$stderr" == "dl-cp: fatal: unable to copy to '$h/ro/pw': "*"Read-only file system" ]]
}

@test "dl-cp: - as DEST writes a tar of the path that GNU tar reads, owners, modes and times kept" {
	mkdir -p "$r/data/sub"
	echo hello >"$r/data/f"
	echo deep >"$r/data/sub/g"
	ln -s /etc/passwd "$r/data/link"
	chown -R 12:34 "$r/data"
	chmod 0751 "$r/data/sub"
	touch -h -d '2001-02-03 04:05:06' "$r/data/f"
	run -0 bash -c "dl-cp '$cid:/data' - >'$BATS_TEST_TMPDIR/d.tar'"
	run -0 tar -tvf "$BATS_TEST_TMPDIR/d.tar" --numeric-owner
	assert_line --regexp '^drwxr-xr-x 12/34 +0 .* data/$'
	assert_line --regexp '^-rw-r--r-- 12/34 +6 2001-02-03 04:05 data/f$'
	assert_line --regexp '^lrwxrwxrwx 12/34 +0 .* data/link -> /etc/passwd$'
	assert_line --regexp '^drwxr-x--x 12/34 +0 .* data/sub/$'
	mkdir "$BATS_TEST_TMPDIR/x"
	tar -xf "$BATS_TEST_TMPDIR/d.tar" -C "$BATS_TEST_TMPDIR/x"
	run -0 cat "$BATS_TEST_TMPDIR/x/data/sub/g"
	assert_output deep
	# one file: one member, by its name
	run -0 bash -c "dl-cp '$cid:/data/f' - | tar -tf -"
	assert_output f
	run -1 --separate-stderr dl-cp "$cid:/no/such" -
	assert_output ''
	[[ "$stderr" == "dl-cp: fatal: unable to copy '$cid:/no/such': "* ]]
}

@test "dl-cp: - as SOURCE extracts GNU tar's stream into the directory, owners kept, nothing outside the root" {
	mkdir -p "$BATS_TEST_TMPDIR/t/top/sub"
	echo one >"$BATS_TEST_TMPDIR/t/top/f"
	echo two >"$BATS_TEST_TMPDIR/t/top/sub/g"
	chown -R 56:78 "$BATS_TEST_TMPDIR/t/top"
	chmod 4755 "$BATS_TEST_TMPDIR/t/top/f"
	mkdir -p "$r/dest"
	run -0 bash -c "tar -C '$BATS_TEST_TMPDIR/t' -cf - top | dl-cp - '$cid:/dest'"
	run -0 stat -c '%u:%g %a' "$r/dest/top/f" "$r/dest/top/sub/g"
	assert_output $'56:78 4755\n56:78 644'
	run -0 cat "$r/dest/top/sub/g"
	assert_output two
	# an entry that climbs out is refused (exit 4), nothing lands outside
	python3 -c '
import io, tarfile, sys
t = tarfile.open(fileobj=sys.stdout.buffer, mode="w|")
i = tarfile.TarInfo("../../../../escaped"); d = b"x"; i.size = 1
t.addfile(i, io.BytesIO(d)); t.close()' >"$BATS_TEST_TMPDIR/evil.tar"
	run -4 --separate-stderr dl-cp - "$cid:/dest" <"$BATS_TEST_TMPDIR/evil.tar"
	[[ "$stderr" == "dl-cp: fatal: unable to extract '-' into '$cid:/dest': "* ]]
	assert_file_not_exists "$DL_ROOT/containers/escaped"
	assert_file_not_exists "$DL_ROOT/escaped"
	# a symlink in the root leading out is resolved inside it
	ln -s / "$r/out"
	run -0 bash -c "tar -C '$BATS_TEST_TMPDIR/t' -cf - top | dl-cp - '$cid:/out/dest'"
	assert_file_exists "$r/dest/top/f"
	run -1 --separate-stderr dl-cp - "$cid:/dest/top/f" </dev/null
	[[ "$stderr" == *"not a directory" ]]
	run -1 --separate-stderr dl-cp - "$cid:/nowhere" </dev/null
	[[ "$stderr" == *"no such directory" ]]
}

@test "dl cp: - both ways through the front command" {
	local name
	name=$(dl-container-new --name cpdash "$img" >/dev/null; echo cpdash)
	mkdir -p "$r/../../$(dl-ref-resolve -c cpdash)/rootfs/srv"
	run -0 bash -c "tar -C '$h' -cf - src | dl cp - '$name:/srv'"
	run -0 bash -c "dl cp '$name:/srv/src/sub' - | tar -tf -"
	assert_output $'sub/\nsub/g'
}
