#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# 110-extract.bats: dl-extract keeps every kind of object and metadata, and
# refuses any archive that would write outside its directory.

load helpers
load lib-btrfs

# mkwork: a fresh work directory in $W (on the test btrfs when there is
# one), with an empty destination $W/box/dest; $W/box is "outside" it
mkwork() {
	require_root
	W="${DL_TEST_MNT:-$BATS_TEST_TMPDIR}/$(safename)"
	mkdir -p "$W/box/dest"
}

teardown() {
	if [ -n "${W:-}" ] && mountpoint -q "$W/mnt" 2>/dev/null; then
		umount "$W/mnt"
	fi
	if [ -n "${W:-}" ] && [ -d "$W" ]; then
		rm -rf "$W"
	fi
}

# mktar OUT SPEC...: a tar of exactly these entries (t/fixtures/tree/mktar.py)
mktar() {
	python3 "$FIX/mktar.py" "$@"
}

# rich_tar: $W/root, every kind of object, and $W/root.tar made by GNU tar
rich_tar() {
	python3 "$FIX/mktree.py" "$W/root"
	tar --xattrs --xattrs-include='*' --numeric-owner -C "$W/root" \
		-cf "$W/root.tar" .
}

# refused ARCHIVE: dl-extract refuses ARCHIVE with exit 4 and the message
refused() {
	run -4 --separate-stderr dl-extract "$1" "$W/box/dest"
	assert_output ''
	[[ "$stderr" == "dl-extract: fatal: unable to extract '$1': "* ]]
}

@test "dl-extract: --help prints the synopsis on stdout" {
	run -0 --separate-stderr dl-extract --help
	assert_line --index 0 'usage: dl-extract [-s] [--max-size=BYTES] [--max-entries=N] [--max-header=BYTES] [--max-depth=N] ARCHIVE DIRECTORY'
	[ -z "$stderr" ]
}

@test "dl-extract: a missing operand or a bad option is a usage error" {
	run -2 --separate-stderr dl-extract
	assert_output ''
	[[ "$stderr" == "dl-extract: usage: dl-extract [-s] [--max-size=BYTES] [--max-entries=N] [--max-header=BYTES] [--max-depth=N] ARCHIVE DIRECTORY" ]]
	run -2 --separate-stderr dl-extract x.tar
	[[ "$stderr" == "dl-extract: usage: "* ]]
	run -2 --separate-stderr dl-extract -x x.tar dir
	[[ "$stderr" == "dl-extract: usage: "* ]]
	run -2 --separate-stderr dl-extract a b c
	[[ "$stderr" == "dl-extract: usage: "* ]]
}

@test "dl-extract: a missing archive or directory is not found (1)" {
	mkwork
	run -1 --separate-stderr dl-extract "$W/nope.tar" "$W/box/dest"
	assert_output ''
	[[ "$stderr" == "dl-extract: fatal: unable to open '$W/nope.tar': No such file or directory" ]]
	mktar "$W/a.tar" f:a:x
	run -1 --separate-stderr dl-extract "$W/a.tar" "$W/nope"
	[[ "$stderr" == "dl-extract: fatal: unable to open '$W/nope': "* ]]
}

@test "dl-extract: a plain tar extracts identically, metadata included" {
	mkwork
	rich_tar
	run -0 --separate-stderr dl-extract "$W/root.tar" "$W/box/dest"
	assert_output ''
	[ -z "$stderr" ]
	same_as_root "$W/box/dest"
}

@test "dl-extract: gzip, xz, zstd and bzip2 tars extract identically" {
	mkwork
	rich_tar
	gzip -c "$W/root.tar" >"$W/root.tar.gz"
	xz -c "$W/root.tar" >"$W/root.tar.xz"
	zstd -q -c "$W/root.tar" >"$W/root.tar.zst"
	bzip2 -c "$W/root.tar" >"$W/root.tar.bz2"
	for z in gz xz zst bz2; do
		mkdir "$W/$z"
		# a misleading name: the compression is told by content
		cp "$W/root.tar.$z" "$W/archive-$z"
		run -0 dl-extract "$W/archive-$z" "$W/$z"
		same_as_root "$W/$z"
	done
}

@test "dl-extract: owners, setuid/setgid/sticky modes and mtimes are kept" {
	mkwork
	rich_tar
	run -0 dl-extract "$W/root.tar" "$W/box/dest"
	local d="$W/box/dest"
	run -0 stat -c '%a %u:%g %Y' "$d/usr/bin/suid" "$d/usr/bin/sgid" \
		"$d/tmp" "$d/ro" "$d/home/user" "$d/srv"
	assert_output "4755 1000:1001 1600017000
2755 0:50 1600016000
1777 0:0 1600023000
555 0:0 1600022000
700 1000:1000 1600021000
2775 0:50 1600020000"
}

@test "dl-extract: xattrs are kept, security.capability included" {
	mkwork
	rich_tar
	run -0 dl-extract "$W/root.tar" "$W/box/dest"
	run -0 python3 -c 'import os, sys
p = sys.argv[1]
print(os.getxattr(p + "/usr/bin/ping", "security.capability").hex())
print(os.getxattr(p + "/usr/bin/ping", "user.note").decode())
print(os.getxattr(p + "/home", "user.dir").decode())' "$W/box/dest"
	assert_output "0100000200200000000000000000000000000000
hello
a directory xattr"
}

@test "dl-extract: device nodes, fifos, hard links and symlinks are kept" {
	mkwork
	rich_tar
	run -0 dl-extract "$W/root.tar" "$W/box/dest"
	local d="$W/box/dest"
	run -0 stat -c '%F %t,%T %a %u:%g' "$d/dev/null" "$d/dev/loop9"
	assert_output "character special file 1,3 666 0:0
block special file 7,9 660 0:6"
	run -0 stat -c '%F %a %u:%g' "$d/run/fifo"
	assert_output "fifo 600 1000:1000"
	[ "$(stat -c %i "$d/etc/passwd")" = "$(stat -c %i "$d/etc/passwd-hl")" ]
	[ "$(stat -c %h "$d/bin/tool")" = 2 ]
	[ "$(readlink "$d/etc/abs")" = /etc/nowhere ]
	[ "$(readlink "$d/lib")" = usr/lib ]
}

@test "dl-extract: xattrs the kernel does not support are skipped" {
	mkwork
	python3 - "$W/x.tar" <<-'EOF'
		import io, sys, tarfile
		with tarfile.open(sys.argv[1], 'w', format=tarfile.PAX_FORMAT) as t:
		    ti = tarfile.TarInfo('f')
		    ti.size = 1
		    ti.pax_headers = {'SCHILY.xattr.com.apple.provenance': 'mac',
		                      'SCHILY.xattr.user.ok': 'yes'}
		    t.addfile(ti, io.BytesIO(b'x'))
	EOF
	run -0 dl-extract "$W/x.tar" "$W/box/dest"
	run -0 python3 -c 'import os, sys; print(os.listxattr(sys.argv[1]))' \
		"$W/box/dest/f"
	assert_output "['user.ok']"
}

@test "dl-extract: holes of a sparse file stay holes" {
	mkwork
	rich_tar
	tar --sparse -C "$W/root" -cf "$W/sparse.tar" ./data/sparse
	run -0 dl-extract "$W/sparse.tar" "$W/box/dest"
	cmp "$W/root/data/sparse" "$W/box/dest/data/sparse"
	[ "$(stat -c %b "$W/box/dest/data/sparse")" -lt 64 ]
}

@test "dl-extract: -s prints the bytes and objects written" {
	mkwork
	rich_tar
	local bytes
	run -0 --separate-stderr dl-extract -s "$W/root.tar" "$W/box/dest"
	# the file data (hard links once) and every object below the root
	bytes=$(find "$W/root" -type f -links 1 -printf '%s\n' |
		awk '{ s += $1 } END { print s }')
	bytes=$((bytes + $(stat -c %s "$W/root/etc/passwd" "$W/root/bin/tool" |
		awk '{ s += $1 } END { print s }')))
	assert_output "$bytes $(find "$W/root" -mindepth 1 | wc -l)"
}

@test "dl-extract: '-' reads the archive from stdin" {
	mkwork
	rich_tar
	gzip -c "$W/root.tar" >"$W/root.tar.gz"
	run -0 --separate-stderr dl-extract - "$W/box/dest" <"$W/root.tar.gz"
	assert_output ''
	same_as_root "$W/box/dest"
}

@test "dl-extract: a symlink that stays inside the root is followed" {
	mkwork
	mktar "$W/in.tar" d:d l:in:d f:in/f:one l:up:d/../d f:up/g:two
	run -0 dl-extract "$W/in.tar" "$W/box/dest"
	[ "$(cat "$W/box/dest/d/f")" = one ]
	[ "$(cat "$W/box/dest/d/g")" = two ]
	[ -L "$W/box/dest/in" ]
}

@test "dl-extract: missing parent directories are made" {
	mkwork
	mktar "$W/deep.tar" f:./a/b/c/file:deep
	run -0 dl-extract -s "$W/deep.tar" "$W/box/dest"
	assert_output '4 4'
	[ "$(cat "$W/box/dest/a/b/c/file")" = deep ]
}

@test "dl-extract: an existing symlink is replaced, never written through" {
	mkwork
	echo precious >"$W/box/victim"
	ln -s ../victim "$W/box/dest/f"
	mktar "$W/f.tar" f:f:new
	run -0 dl-extract "$W/f.tar" "$W/box/dest"
	[ ! -L "$W/box/dest/f" ]
	[ "$(cat "$W/box/dest/f")" = new ]
	[ "$(cat "$W/box/victim")" = precious ]
}

@test "dl-extract: a '..' name is refused (4) and nothing lands outside" {
	mkwork
	mktar "$W/up.tar" f:ok:fine f:../escape:evil
	refused "$W/up.tar"
	[[ "$stderr" == *"entry '../escape': name has a '..' component" ]]
	[ ! -e "$W/box/escape" ]
	mktar "$W/mid.tar" d:a f:a/../../escape:evil
	refused "$W/mid.tar"
	[ ! -e "$W/box/escape" ]
}

@test "dl-extract: an absolute name is refused (4)" {
	mkwork
	mktar "$W/abs.tar" "f:$W/box/abs:evil"
	refused "$W/abs.tar"
	[[ "$stderr" == *"entry '$W/box/abs': absolute name" ]]
	[ ! -e "$W/box/abs" ]
}

@test "dl-extract: writing through a symlink that leads outside is refused" {
	mkwork
	mkdir "$W/box/outside"
	mktar "$W/abs.tar" "l:evil:$W/box/outside" f:evil/file:evil
	refused "$W/abs.tar"
	[[ "$stderr" == *"entry 'evil/file': 'evil' leads outside the destination" ]]
	mktar "$W/rel.tar" l:evil2:../outside f:evil2/file:evil
	refused "$W/rel.tar"
	mktar "$W/dir.tar" l:evil3:.. d:evil3/made
	refused "$W/dir.tar"
	run -0 ls -A "$W/box/outside"
	assert_output ''
	[ ! -e "$W/box/made" ]
}

@test "dl-extract: a hard link to outside the root is refused" {
	mkwork
	local before
	before=$(stat -c %h /etc/passwd)
	mktar "$W/abs.tar" h:pw:/etc/passwd
	refused "$W/abs.tar"
	[[ "$stderr" == *"hard link target '/etc/passwd': absolute name" ]]
	mktar "$W/up.tar" h:pw:../../../../../../etc/passwd
	refused "$W/up.tar"
	mktar "$W/via.tar" l:etc:/etc h:pw:etc/passwd
	refused "$W/via.tar"
	[[ "$stderr" == *"'etc' leads outside the destination" ]]
	[ ! -e "$W/box/dest/pw" ]
	[ "$(stat -c %h /etc/passwd)" = "$before" ]
}

@test "dl-extract: a hard link to a missing entry is refused" {
	mkwork
	mktar "$W/miss.tar" h:pw:nothere
	refused "$W/miss.tar"
	[[ "$stderr" == *"hard link target 'nothere' does not exist" ]]
}

@test "dl-extract: a hard link to a symlink links the symlink itself" {
	mkwork
	echo secret >"$W/box/secret"
	mktar "$W/hl.tar" l:s:../secret h:h:s
	run -0 dl-extract "$W/hl.tar" "$W/box/dest"
	[ -L "$W/box/dest/h" ]
	[ "$(stat -c %h "$W/box/secret")" = 1 ]
}

@test "dl-extract: a truncated archive is refused (4)" {
	mkwork
	rich_tar
	head -c 100000 "$W/root.tar" >"$W/cut.tar"
	refused "$W/cut.tar"
	[[ "$stderr" == *"malformed archive: "* ]]
	gzip -c "$W/root.tar" | head -c 30000 >"$W/cut.tar.gz"
	refused "$W/cut.tar.gz"
}

# corrupt_tars: in $W, a tar with 1 MiB records of the rich tree, and its
# damaged streams (damaged_streams in helpers.bash), big.* the good ones
corrupt_tars() {
	rich_tar
	tar --xattrs --xattrs-include='*' --numeric-owner -b 2048 \
		-C "$W/root" -cf "$W/big.tar" .
	damaged_streams "$W" big
}

@test "dl-extract: a gzip tar failing its CRC is refused (4)" {
	mkwork
	corrupt_tars
	refused "$W/crc.gz"
	[[ "$stderr" == *"malformed archive: gzip: incorrect data check" ]]
	# the same tar, undamaged, is fine
	mkdir "$W/ok"
	run -0 dl-extract "$W/big.gz" "$W/ok"
	same_as_root "$W/ok"
}

@test "dl-extract: a stream cut short after the tar's end is refused (4)" {
	mkwork
	corrupt_tars
	local z
	for z in gz xz zst bz2; do
		rm -rf "$W/box/dest" && mkdir "$W/box/dest"
		refused "$W/cut.$z"
		[[ "$stderr" == *"malformed archive: "* ]]
	done
	refused - <"$W/cut.gz"
}

@test "dl-extract: garbage after a gzip stream is refused (4)" {
	mkwork
	corrupt_tars
	refused "$W/junk.gz"
	# members one after the other, and zero padding, are fine
	cat "$W/big.gz" "$W/big.gz" >"$W/two.gz"
	head -c 4096 /dev/zero >>"$W/two.gz"
	mkdir "$W/two"
	run -0 dl-extract "$W/two.gz" "$W/two"
	same_as_root "$W/two"
}

@test "dl-extract: a corrupt bzip2 stream is refused (4)" {
	mkwork
	corrupt_tars
	refused "$W/bad.bz2"
}

@test "dl-extract: a tar header failing its checksum is refused (4)" {
	mkwork
	mktar "$W/a.tar" f:a:aaa f:b:bbb f:c:ccc
	# the checksum field of the second header (a: header + one block)
	printf '0000000\0' | dd of="$W/a.tar" bs=1 seek=$((1024 + 148)) \
		conv=notrunc status=none
	refused "$W/a.tar"
	[[ "$stderr" == *"malformed archive: Damaged tar archive" ]]
}

@test "dl-extract: a file that is no archive is refused (4)" {
	mkwork
	head -c 4096 /dev/urandom >"$W/noise"
	refused "$W/noise"
	: >"$W/empty"
	refused "$W/empty"
}

# small_fs: a 256 MB btrfs of its own mounted on $W/mnt (unmounted by
# teardown), and $W/big with a 400 MB file of zeros
small_fs() {
	require_btrfs
	mkdir -p "$W/big" "$W/mnt"
	truncate -s 400M "$W/big/zeros"
	truncate -s 256M "$W/small.img"
	mkfs.btrfs -q "$W/small.img"
	mount -o loop "$W/small.img" "$W/mnt"
}

# refused_with OPTION... ARCHIVE: as refused, with options
refused_with() {
	rm -rf "$W/box/dest" && mkdir "$W/box/dest"
	run -4 --separate-stderr dl-extract "$@" "$W/box/dest"
	assert_output ''
	[[ "$stderr" == "dl-extract: fatal: unable to extract '${*: -1}': "* ]]
}

@test "dl-extract: more data than the free space is refused (4) before a block is written" {
	mkwork
	small_fs
	used=$(df --output=used -B1 "$W/mnt" | tail -1)
	run -4 --separate-stderr dl-extract - "$W/mnt" \
		< <(tar -C "$W/big" -cf - .)
	assert_output ''
	[[ "$stderr" == *"entry './zeros': 419430400 bytes would pass the limit of "*" bytes of file data" ]]
	[ $(($(df --output=used -B1 "$W/mnt" | tail -1) - used)) -lt $((8 << 20)) ]
	[ ! -e "$W/mnt/zeros" ]
}

@test "dl-extract: with --max-size over the free space, a full filesystem half-way fails (125)" {
	mkwork
	small_fs
	run -125 --separate-stderr dl-extract --max-size=1g - "$W/mnt" \
		< <(tar -C "$W/big" -cf - .)
	[[ "$stderr" == *"No space left on device"* ]]
}

@test "dl-extract: the limits refuse an archive over them (4)" {
	mkwork
	mktar "$W/many.tar" d:a f:a/1:x f:a/2:x f:a/3:x
	refused_with --max-entries=3 "$W/many.tar"
	[[ "$stderr" == *"entry 'a/3': more entries than the limit of 3" ]]
	run -0 dl-extract --max-entries=4 "$W/many.tar" "$W/box/dest"

	mktar "$W/deep.tar" f:a/b/c/d:x
	refused_with --max-depth=3 "$W/deep.tar"
	[[ "$stderr" == *"entry 'a/b/c/d': 4 path components pass the limit of 3" ]]
	# the default is 256
	deep=$(printf 'd/%.0s' $(seq 256))x
	mktar "$W/deeper.tar" "f:$deep:x"
	refused_with "$W/deeper.tar"
	[[ "$stderr" == *"257 path components pass the limit of 256" ]]

	mktar "$W/data.tar" f:a:0123456789 f:b:0123456789
	refused_with --max-size=15 "$W/data.tar"
	[[ "$stderr" == *"entry 'b': 10 bytes would pass the limit of 15 bytes of file data" ]]

	mktar "$W/link.tar" "l:a:$(printf 'x%.0s' $(seq 2000))"
	refused_with --max-header=1k "$W/link.tar"
	[[ "$stderr" == *"entry 'a': a header of 2001 bytes passes the limit of 1024" ]]
	# the default is 1 MiB, xattrs counted too (a pax header that big is
	# refused by libarchive itself)
	python3 -c '
import io, sys, tarfile
with tarfile.open(sys.argv[1], "w", format=tarfile.PAX_FORMAT) as t:
    ti = tarfile.TarInfo("big")
    ti.pax_headers = {"SCHILY.xattr.user.big": "y" * (1 << 20)}
    t.addfile(ti, io.BytesIO(b""))' "$W/xattr.tar"
	refused_with "$W/xattr.tar"
	[[ "$stderr" == *"header too large" ]]
	python3 -c '
import io, sys, tarfile
with tarfile.open(sys.argv[1], "w", format=tarfile.PAX_FORMAT) as t:
    ti = tarfile.TarInfo("x" * 1000)
    ti.pax_headers = {"SCHILY.xattr.user.a": "y" * 600}
    t.addfile(ti, io.BytesIO(b""))' "$W/xattr.tar"
	refused_with --max-header=1600 "$W/xattr.tar"
	[[ "$stderr" == *"a header of 1606 bytes passes the limit of 1600" ]]

	run -2 --separate-stderr dl-extract --max-size=lots "$W/data.tar" "$W/box/dest"
	[[ "$stderr" == "dl-extract: fatal: unable to use limit 'lots': not a positive number" ]]
	run -2 --separate-stderr dl-extract --max-depth=1.5 "$W/data.tar" "$W/box/dest"
	run -2 --separate-stderr dl-extract --max-entries=0 "$W/data.tar" "$W/box/dest"
}
