#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# 115-layer-apply.bats: dl-layer-apply applies OCI layers as umoci does
# (whiteouts, opaque directories, hard links, nodes, setuid, xattrs), gives
# the diff_id of plain, gzip and zstd layers, and refuses unsafe layers and
# bombs with 4, leaving everything outside its directory as it was.
# shellcheck disable=SC2016,SC2154 # scripts for bash -c; run sets $stderr

load helpers
load lib-btrfs

OCI="$BATS_TEST_DIRNAME/fixtures/oci"

setup_file() {
	dl_btrfs_setup
}

teardown_file() {
	dl_btrfs_teardown
}

# mkwork: $W (on the test btrfs), the layer's directory $W/box/dest and,
# next to it, $W/box/victim with a file, whose signature is $W/victim.sig
mkwork() {
	require_root
	W="${DL_TEST_MNT:-$BATS_TEST_TMPDIR}/$(safename)"
	mkdir -p "$W/box/dest" "$W/box/victim/etc"
	echo 'root:x:0:0::/root:/bin/sh' >"$W/box/victim/etc/passwd"
	sig "$W/box/victim" >"$W/victim.sig"
}

teardown() {
	if [ -n "${W:-}" ] && [ -d "$W" ]; then
		rm -rf "$W"
	fi
}

mktar() {
	python3 "$FIX/mktar.py" "$@"
}

# refused [OPTION...] LAYER: dl-layer-apply refuses LAYER with 4 and its
# message, and the victim is unchanged
refused() {
	run -4 --separate-stderr dl-layer-apply "$@" "$W/box/dest"
	assert_output ''
	[[ "$stderr" == "dl-layer-apply: fatal: unable to apply '${*: -1}': "* ]] ||
		fail "stderr: $stderr"
	diff -u "$W/victim.sig" <(sig "$W/box/victim")
}

# apply LAYER...: apply the layers in order onto $W/box/dest
apply() {
	local l
	for l; do
		dl-layer-apply "$l" "$W/box/dest" >/dev/null
	done
}

@test "dl-layer-apply: --help, usage errors, a bad diff_id, a missing layer" {
	run -0 --separate-stderr dl-layer-apply --help
	assert_line --index 0 'usage: dl-layer-apply [--diff-id=DIGEST] [--max-size=BYTES] [--max-entries=N] [--max-header=BYTES] [--max-depth=N] LAYER DIRECTORY'
	run -2 --separate-stderr dl-layer-apply onlyone
	[[ "$stderr" == "dl-layer-apply: usage: "* ]]
	run -2 --separate-stderr dl-layer-apply --diff-id=sha256:../.. a b
	[[ "$stderr" == "dl-layer-apply: fatal: unable to use diff_id 'sha256:../..': not a valid digest"* ]]
	mkwork
	run -1 --separate-stderr dl-layer-apply "$W/nope.tar" "$W/box/dest"
	[[ "$stderr" == "dl-layer-apply: fatal: unable to open '$W/nope.tar': No such file or directory" ]]
}

@test "dl-layer-apply: three layers give what umoci raw unpack gives, trusted.* dropped" {
	mkwork
	python3 "$OCI/mklayers.py" "$W"
	apply "$W/l1.tar" "$W/l2.tar" "$W/l3.tar"
	umoci init --layout "$W/layout"
	umoci new --image "$W/layout:t"
	for l in l1 l2 l3; do
		umoci raw add-layer --image "$W/layout:t" "$W/$l.tar"
	done
	umoci raw unpack --image "$W/layout:t" "$W/umoci" 2>/dev/null
	# names, types, modes, owners, mtimes, sizes, contents, link targets,
	# hard link groups, device numbers, xattrs; the root itself is the
	# caller's, and umoci keeps trusted.* where dl drops it
	sig "$W/box/dest" | sed 1d >"$W/dl.sig"
	sig "$W/umoci" | sed 1d | sed 's/ xattr:trusted\.[^ ]*//g' >"$W/umoci.sig"
	diff -u "$W/umoci.sig" "$W/dl.sig"
	# what the comparison shows, said plainly
	local d=$W/box/dest
	[ ! -e "$d/etc/gonedir" ]
	[ -d "$d/etc/gone" ] && [ -f "$d/etc/gone/again" ]
	run -0 ls -A "$d/opq1" "$d/opq2"
	assert_output "$d/opq1:
new

$d/opq2:
e"
	[ ! -e "$d/becomes-dir" ] && [ -f "$d/becomes-file" ]
	[ "$(stat -c %i "$d/etc/base")" = "$(stat -c %i "$d/etc/base-link")" ]
	run -0 stat -c '%a %u:%g' "$d/usr/bin/suid"
	assert_output '4750 1000:1001'
	run -0 python3 -c 'import os, sys; print(*sorted(os.listxattr(sys.argv[1])))' \
		"$d/usr/bin/ping"
	assert_output 'security.capability user.note'
	run -0 find "$d" -name '.wh.*'
	assert_output ''
}

@test "dl-layer-apply: the diff_id of a plain, gzip and zstd layer is the sha256 of the uncompressed tar" {
	mkwork
	python3 "$OCI/mklayers.py" "$W"
	# record padding after the end-of-archive marker counts too
	head -c 20480 /dev/zero >>"$W/l1.tar"
	want=sha256:$(sha256sum <"$W/l1.tar" | cut -c1-64)
	gzip -n -c "$W/l1.tar" >"$W/l1.gz"
	zstd -q -c "$W/l1.tar" >"$W/l1.zst"
	for f in l1.tar l1.gz l1.zst; do
		rm -rf "$W/box/dest" && mkdir "$W/box/dest"
		run -0 --separate-stderr dl-layer-apply "$W/$f" "$W/box/dest"
		assert_output "$want"
		rm -rf "$W/box/dest" && mkdir "$W/box/dest"
		run -0 dl-layer-apply "--diff-id=$want" - "$W/box/dest" <"$W/$f"
		assert_output "$want"
	done
	[ -f "$W/box/dest/usr/bin/ping" ]
	# a wrong one is refused
	rm -rf "$W/box/dest" && mkdir "$W/box/dest"
	bad=sha256:$(printf '%064d' 0)
	refused "--diff-id=$bad" "$W/l1.gz"
	[[ "$stderr" == *": diff_id $want, expected $bad" ]]
}

@test "dl-layer-apply: a layer's whiteouts spare its own entries, in either order" {
	mkwork
	mktar "$W/lower.tar" d:a f:a/x:lower f:a/y:lower d:b f:b/z:lower
	mktar "$W/upper.tar" f:a/x:upper f:a/.wh.x f:a/.wh.y f:b/.wh..wh..opq \
		f:b/z:upper f:.wh.a
	apply "$W/lower.tar" "$W/upper.tar"
	run -0 find "$W/box/dest" -type f -printf '%P=' -exec cat {} \; -exec echo \;
	assert_output "a/x=upper
b/z=upper"
}

@test "dl-layer-apply: a whiteout of nothing is fine, a whiteout under a file too" {
	mkwork
	mktar "$W/lower.tar" f:f:x
	mktar "$W/upper.tar" f:.wh.nothing f:none/.wh.x f:f/.wh.x
	apply "$W/lower.tar" "$W/upper.tar"
	run -0 ls -A "$W/box/dest"
	assert_output f
}

@test "dl-layer-apply: names that leave the root are refused (4)" {
	mkwork
	mktar "$W/dotdot.tar" f:../victim/etc/passwd:pwned
	refused "$W/dotdot.tar"
	[[ "$stderr" == *"name has a '..' component" ]]
	mktar "$W/abs.tar" "f:$W/box/victim/etc/passwd:pwned"
	refused "$W/abs.tar"
	[[ "$stderr" == *"absolute name" ]]
}

@test "dl-layer-apply: symlinks out of the root are never followed (4)" {
	mkwork
	local tag="dl-layer-apply-$$"
	# a symlink to /etc, then a file through it
	mktar "$W/etc.tar" l:etc:/etc "f:etc/$tag:pwned"
	refused "$W/etc.tar"
	[[ "$stderr" == *"leads outside the destination" ]]
	[ ! -e "/etc/$tag" ]
	rm -rf "$W/box/dest" && mkdir "$W/box/dest"
	# to the victim, then a file and a whiteout through it
	mktar "$W/v.tar" "l:v:$W/box/victim/etc" f:v/passwd:pwned
	refused "$W/v.tar"
	rm -rf "$W/box/dest" && mkdir "$W/box/dest"
	mktar "$W/v.tar" "l:v:$W/box/victim/etc" f:v/.wh.passwd
	refused "$W/v.tar"
	rm -rf "$W/box/dest" && mkdir "$W/box/dest"
	mktar "$W/v.tar" "l:v:$W/box/victim/etc" f:v/.wh..wh..opq
	refused "$W/v.tar"
	rm -rf "$W/box/dest" && mkdir "$W/box/dest"
	# a chain of two relative hops out
	mktar "$W/hop.tar" l:one:two l:two:../victim f:one/etc/passwd:pwned
	refused "$W/hop.tar"
	rm -rf "$W/box/dest" && mkdir "$W/box/dest"
	# "." as a symlink: the root is never anything but a directory
	mktar "$W/dot.tar" l:.:../victim f:etc/passwd:pwned
	refused "$W/dot.tar"
	[[ "$stderr" == *"the root is not a directory" ]]
	[ -d "$W/box/dest" ] && [ ! -L "$W/box/dest" ]
	# a hard link to a file outside
	rm -rf "$W/box/dest" && mkdir "$W/box/dest"
	mktar "$W/hl.tar" h:pw:../victim/etc/passwd
	refused "$W/hl.tar"
	mktar "$W/hl2.tar" l:v:../victim h:pw:v/etc/passwd
	refused "$W/hl2.tar"
}

@test "dl-layer-apply: invalid whiteouts are refused (4)" {
	mkwork
	local name
	for name in .wh. .wh.. .wh... d/.wh.. .wh..wh.plnk .wh..wh.; do
		rm -rf "$W/box/dest" && mkdir "$W/box/dest"
		mktar "$W/wh.tar" d:d "f:$name"
		refused "$W/wh.tar"
		[[ "$stderr" == *"whiteout '${name##*/}'" ]] ||
			fail "$name: $stderr"
	done
	# a whiteout never removes the root
	mktar "$W/wh.tar" f:.wh..wh..opq
	run -0 dl-layer-apply "$W/wh.tar" "$W/box/dest"
	[ -d "$W/box/dest" ]
}

@test "dl-layer-apply: a truncated layer is refused (4)" {
	mkwork
	python3 "$OCI/mklayers.py" "$W"
	head -c 15000 "$W/l1.tar" >"$W/cut.tar"
	refused "$W/cut.tar"
	gzip -n -c "$W/l1.tar" | head -c -20 >"$W/cut.gz"
	rm -rf "$W/box/dest" && mkdir "$W/box/dest"
	refused "$W/cut.gz"
	[[ "$stderr" == *"malformed archive: "* ]]
}

# bomb: a tar header for a 20 GiB file of zeros, then the zeros, streamed
# (nothing is written to disk)
bomb() {
	python3 -c '
import sys, tarfile
ti = tarfile.TarInfo("zeros")
ti.size = 20 << 30
out = sys.stdout.buffer
out.write(ti.tobuf(format=tarfile.GNU_FORMAT))
z = bytes(1 << 20)
try:
    for _ in range(20 << 10):
        out.write(z)
except BrokenPipeError:
    pass'
}

@test "dl-layer-apply: a 20 GiB gzip bomb stops at the free space of the destination (4) and fills nothing" {
	mkwork
	local used
	used=$(df --output=used -B1 "$W/box/dest" | tail -1)
	run -4 --separate-stderr bash -c \
		'bomb() { '"$(declare -f bomb | sed 1,2d | sed '$d')"'; }; bomb | gzip -1 | dl-layer-apply - "$1"' \
		_ "$W/box/dest"
	[[ "$stderr" == "dl-layer-apply: fatal: unable to apply '-': entry 'zeros': 21474836480 bytes would pass the limit of "*" bytes of file data" ]]
	[ $(($(df --output=used -B1 "$W/box/dest" | tail -1) - used)) -lt $((8 << 20)) ]
	[ ! -e "$W/box/dest/zeros" ]
	diff -u "$W/victim.sig" <(sig "$W/box/victim")
	# 20 GiB of zeros after the end of the archive stop at the limit too
	run -4 --separate-stderr bash -c \
		'head -c 20G /dev/zero | gzip -1 | dl-layer-apply --max-size=64m - "$1"' \
		_ "$W/box/dest"
	[[ "$stderr" == *": more than 67108864 bytes after the end of the archive" ]]
}

@test "dl-layer-apply: the limits on entries, depth and header size apply to layers" {
	mkwork
	mktar "$W/many.tar" d:a f:a/1:x f:a/.wh.2 f:a/3:x
	refused --max-entries=3 "$W/many.tar"
	[[ "$stderr" == *"more entries than the limit of 3" ]]
	mktar "$W/deep.tar" f:a/b/c/.wh.d
	refused --max-depth=3 "$W/deep.tar"
	mktar "$W/long.tar" "f:$(printf 'x%.0s' $(seq 300))/.wh.y"
	refused --max-header=256 "$W/long.tar"
}
