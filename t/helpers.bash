# SPDX-License-Identifier: Apache-2.0
# helpers.bash: loaded by every bats file (as podman's test/system/helpers.bash)
# shellcheck shell=bash

bats_require_minimum_version 1.5.0

load /usr/lib/bats/bats-support/load.bash
load /usr/lib/bats/bats-assert/load.bash
load /usr/lib/bats/bats-file/load.bash

DL_TOP=$(cd "$BATS_TEST_DIRNAME/.." && pwd)
export DL_TOP
if [ -n "${DL_TEST_INSTALLED:-}" ]; then
	PATH="$DL_TEST_INSTALLED:$PATH"
	PATH="$("$DL_TEST_INSTALLED/dl" --exec-path):$PATH"
	unset DL_EXEC_PATH DL_SHAREDIR
else
	PATH="$DL_TOP/bin:$DL_TOP/helpers:$PATH"
fi
export PATH

# The rich trees and tars of the extraction and copy tests: mktree.py DIR
# makes every kind of object, mktar.py OUT SPEC... a tar of exactly these
# entries, sig.py DIR prints a tree's signature, metadata included
FIX="$BATS_TEST_DIRNAME/fixtures/tree"

# safename: a short name unique to this test, for images and containers
safename() {
	printf 't%s-%s\n' "${BATS_SUITE_TEST_NUMBER:-0}" \
		"$(tr -dc a-z0-9 </dev/urandom | head -c 8)"
}

require_root() {
	[ "$(id -u)" = 0 ] || skip "not root: this test needs root"
}

# As root, what a test needs is there or the test fails: the btrfs of the
# file (t/lib-btrfs.bash) and LXC are never a reason to skip.
require_btrfs() {
	require_root
	[ -n "${DL_TEST_MNT:-}" ] ||
		fail "no btrfs test filesystem: the file must load lib-btrfs"
}

require_lxc() {
	require_btrfs
	command -v lxc-execute >/dev/null ||
		fail "LXC is not installed (make deps)"
}

# sig DIR: the signature of a tree (t/fixtures/tree/sig.py)
sig() {
	python3 "$FIX/sig.py" "$1"
}

# same_as_root DIR: DIR is identical to $W/root, metadata included
same_as_root() {
	diff -u <(sig "$W/root") <(sig "$1")
}

# mk_busybox_root DIR: a minimal root filesystem from the host's static busybox
mk_busybox_root() {
	local d=$1 bb a
	bb=$(command -v busybox) || skip "busybox-static is not installed"
	mkdir -p "$d"/{bin,sbin,etc,proc,sys,dev,tmp,root,usr/bin,usr/sbin}
	cp "$bb" "$d/bin/busybox"
	# links inside the root, to the root's own /bin/busybox
	for a in $("$bb" --list-full); do
		[ -e "$d/$a" ] || [ -L "$d/$a" ] || ln -s /bin/busybox "$d/$a"
	done
	printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' >"$d/etc/passwd"
	printf 'root:x:0:\nnogroup:x:65534:\n' >"$d/etc/group"
	chmod 1777 "$d/tmp"
}

# dl_test_store: a fresh initialised store on this file's btrfs, in $DL_ROOT
dl_test_store() {
	require_btrfs
	export DL_ROOT="$DL_TEST_MNT/store-${BATS_SUITE_TEST_NUMBER:-0}-$RANDOM"
	dl init >/dev/null
}

# busybox_store: LXC, and a fresh store holding the image busybox
busybox_store() {
	require_lxc
	dl_test_store
	dl image bootstrap busybox >/dev/null
}

# store: a fresh store (dl_test_store), and what the test filesystem held
# then in $SV0, for assert_no_trace
store() {
	dl_test_store
	SV0=$(subvols)
}

# assert_no_trace: no image, no name, nothing in tmp/, no new subvolume
# since store
assert_no_trace() {
	local what
	what=$(find "$DL_ROOT/tmp" "$DL_ROOT/images" "$DL_ROOT/refs/images" \
		-mindepth 1)
	[ -z "$what" ] || fail "left behind: $what"
	assert_equal "$(subvols)" "$SV0"
}

# assert_fatal [PROG]: stdout is empty and the last line of stderr is
# "PROG: fatal: unable to ...", PROG being any dl program when not given.
# (A file whose messages all come from one helper may define a stricter
# assert_fatal of its own.)
# shellcheck disable=SC2154 # $stderr is set by run --separate-stderr
assert_fatal() {
	assert_output ''
	if [ $# -gt 0 ]; then
		[[ "${stderr##*$'\n'}" == "$1: fatal: unable to "* ]] ||
			fail "stderr is not '$1: fatal: unable to ...': $stderr"
	else
		[[ "${stderr##*$'\n'}" =~ ^dl([- ][a-z]+)*:\ fatal:\ unable\ to\  ]] ||
			fail "stderr is not 'PROG: fatal: unable to ...': $stderr"
	fi
}

# damaged_streams DIR NAME: DIR/NAME.tar compressed four ways
# (NAME.gz, .xz, .zst, .bz2), and each damaged: crc.gz fails its gzip CRC,
# cut.* lose their last 20 bytes, junk.gz has garbage after its member,
# bad.bz2 a flipped byte in its middle.  Give the tar big records (tar -b
# 2048) so the end-of-archive marker comes long before the stream's end.
damaged_streams() {
	local d=$1 n=$2
	gzip -c "$d/$n.tar" >"$d/$n.gz"
	xz -c "$d/$n.tar" >"$d/$n.xz"
	zstd -q -c "$d/$n.tar" >"$d/$n.zst"
	bzip2 -c "$d/$n.tar" >"$d/$n.bz2"
	python3 - "$d" "$n" <<-'EOF'
		import sys
		d, n = sys.argv[1], sys.argv[2]
		def rd(z):
		    return bytearray(open(d + '/' + n + '.' + z, 'rb').read())
		b = rd('gz')
		b[-8] ^= 0xff  # the CRC32 of the trailer
		open(d + '/crc.gz', 'wb').write(b)
		for z in ('gz', 'xz', 'zst', 'bz2'):
		    open(d + '/cut.' + z, 'wb').write(rd(z)[:-20])
		open(d + '/junk.gz', 'wb').write(rd('gz') + b'trailing junk')
		b = rd('bz2')
		b[len(b) // 2] ^= 0xff
		open(d + '/bad.bz2', 'wb').write(b)
	EOF
}

# wait_for DESC CMD...: poll CMD until it succeeds, for up to a minute
wait_for() {
	local what=$1 i
	shift
	for ((i = 0; i < 600; i++)); do
		if "$@" >/dev/null 2>&1; then
			return 0
		fi
		sleep 0.1
	done
	echo "# timed out waiting for: $what" >&3
	return 1
}
