#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# 211-image-bootstrap.bats: dl image bootstrap makes images with no
# registry: busybox from the host's static binary, Debian with debootstrap.

load helpers
load lib-btrfs

# require_busybox: the host's busybox, static
require_busybox() {
	command -v busybox >/dev/null || skip "busybox-static is not installed"
	if ! ldd "$(command -v busybox)" 2>&1 | grep -q 'not a dynamic'; then
		skip "busybox is not static (install busybox-static)"
	fi
}

# require_debootstrap: debootstrap, and the host's Debian mirror answering
require_debootstrap() {
	command -v debootstrap >/dev/null || skip "debootstrap is not installed"
	local m
	m=$(sed -n 's/^URIs:[[:space:]]*\([^[:space:]]*\).*/\1/p' \
		/etc/apt/sources.list.d/*.sources 2>/dev/null |
		grep -v -- -security | head -n 1)
	m=${m:-http://deb.debian.org/debian}
	curl -fsI --max-time 20 "$m/dists/bookworm/Release" >/dev/null ||
		skip "the Debian mirror $m does not answer"
}

@test "dl image bootstrap busybox: makes busybox:latest and prints its ID" {
	store
	require_busybox
	run -0 --separate-stderr dl image bootstrap busybox
	[ -z "$stderr" ]
	assert_output --regexp '^[0-9a-f]{64}$'
	local id=$output
	run -0 dl image inspect busybox:latest
	assert_equal "$(jq -r '.[0].Id' <<<"$output")" "sha256:$id"
	assert_equal "$(jq -c '.[0].RepoTags' <<<"$output")" '["busybox:latest"]'
	run -0 btrfs property get -ts "$DL_ROOT/images/$id/rootfs" ro
	assert_output 'ro=true'
	run -0 ls -A "$DL_ROOT/tmp"
	assert_output ''
}

@test "dl image bootstrap busybox: the root has /bin/busybox and links to it" {
	store
	require_busybox
	local id r l bad=
	id=$(dl image bootstrap busybox)
	r="$DL_ROOT/images/$id/rootfs"
	assert_file_executable "$r/bin/busybox"
	[ ! -L "$r/bin/busybox" ]
	cmp "$(command -v busybox)" "$r/bin/busybox"
	assert_equal "$(readlink "$r/bin/sh")" /bin/busybox
	# every link points at the root's own /bin/busybox, never the host's
	while IFS= read -r l; do
		[ "$(readlink "$l")" = /bin/busybox ] || bad="$bad $l"
	done < <(find "$r" -type l)
	[ -z "$bad" ] || fail "links not to /bin/busybox:$bad"
	[ "$(find "$r" -type l | wc -l)" -gt 100 ]
	grep -q '^root:x:0:0:' "$r/etc/passwd"
	grep -q '^root:x:0:' "$r/etc/group"
	assert_equal "$(stat -c %a "$r/tmp")" 1777
	local d
	for d in proc sys dev etc root; do
		assert_dir_exists "$r/$d"
	done
}

@test "dl image bootstrap busybox: Cmd is [\"sh\"] and Env sets PATH" {
	store
	require_busybox
	dl image bootstrap busybox >/dev/null
	run -0 dl image inspect busybox
	assert_equal "$(jq -c '.[0].Config.Cmd' <<<"$output")" '["sh"]'
	assert_equal "$(jq -c '.[0].Config.Env' <<<"$output")" \
		'["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"]'
	jq -e '.[0].Comment | test("^busybox ")' <<<"$output" >/dev/null
}

@test "dl image bootstrap busybox NAME: the image gets that name only" {
	store
	require_busybox
	local id
	id=$(dl image bootstrap busybox tools/bb:1.0)
	run -0 dl image inspect tools/bb:1.0
	assert_equal "$(jq -r '.[0].Id' <<<"$output")" "sha256:$id"
	assert_equal "$(jq -c '.[0].RepoTags' <<<"$output")" '["tools/bb:1.0"]'
	run -1 --separate-stderr dl image inspect busybox:latest
	run -0 ls -A "$DL_ROOT/tmp"
	assert_output ''
}

@test "dl image bootstrap busybox: again moves busybox:latest to a new image" {
	store
	require_busybox
	local a b
	a=$(dl image bootstrap busybox)
	b=$(dl image bootstrap busybox)
	[ "$a" != "$b" ]
	run -0 dl image inspect busybox
	assert_equal "$(jq -r '.[0].Id' <<<"$output")" "sha256:$b"
}

@test "dl image bootstrap: an unknown kind is a usage error and makes nothing" {
	store
	run -2 --separate-stderr dl image bootstrap alpine
	assert_fatal
	assert_equal "$stderr" "dl-image: fatal: unable to bootstrap 'alpine': unknown kind (busybox or debian[:SUITE])"
	assert_no_trace
}

@test "dl image bootstrap: bad usage or a bad NAME is refused (2)" {
	store
	local syn='dl-image: usage: dl image bootstrap busybox|debian[:SUITE] [NAME[:TAG]]'
	run -2 --separate-stderr dl image bootstrap
	assert_output ''
	assert_equal "$stderr" "$syn"
	run -2 --separate-stderr dl image bootstrap busybox a b
	assert_output ''
	assert_equal "$stderr" "$syn"
	run -2 --separate-stderr dl image bootstrap busybox 'Bad Name'
	assert_fatal
	[[ "$stderr" == "dl-ref-parse: fatal: unable to parse 'Bad Name': "* ]]
	assert_no_trace
}

@test "dl image bootstrap: --help prints the synopsis on stdout" {
	run -0 --separate-stderr dl image bootstrap --help
	assert_line --index 0 'usage: dl image bootstrap busybox|debian[:SUITE] [NAME[:TAG]]'
	[ -z "$stderr" ]
}

@test "dl image bootstrap busybox: without a store it says so (1)" {
	require_root
	DL_ROOT="$BATS_TEST_TMPDIR/nostore" run -1 --separate-stderr \
		dl image bootstrap busybox
	assert_fatal
	[[ "$stderr" == *"not initialised (run 'dl init')" ]]
	assert_not_exists "$BATS_TEST_TMPDIR/nostore"
}

@test "dl image bootstrap busybox: a dynamic busybox is refused (125)" {
	store
	mkdir "$BATS_TEST_TMPDIR/fake"
	ln -s "$(command -v ls)" "$BATS_TEST_TMPDIR/fake/busybox"
	PATH="$BATS_TEST_TMPDIR/fake:$PATH" run -125 --separate-stderr \
		dl image bootstrap busybox
	assert_fatal
	[[ "$stderr" == *"is not static"* ]]
	assert_no_trace
}

@test "dl image bootstrap debian:bookworm: a minbase Debian image" {
	store
	require_debootstrap
	run -0 --separate-stderr dl image bootstrap debian:bookworm deb:test
	assert_output --regexp '^[0-9a-f]{64}$'
	local id=$output r
	r="$DL_ROOT/images/$id/rootfs"
	[[ "$(cat "$r/etc/debian_version")" == 12.* ]] ||
		fail "debian_version: $(cat "$r/etc/debian_version")"
	assert_file_executable "$r/usr/bin/bash"
	assert_file_executable "$r/usr/bin/apt-get"
	# no downloaded packages or lists kept in the image
	run -0 find "$r/var/cache/apt/archives" -name '*.deb'
	assert_output ''
	run -0 dl image inspect deb:test
	assert_equal "$(jq -c '.[0].Config.Cmd' <<<"$output")" '["bash"]'
	assert_equal "$(jq -c '.[0].Config.Env' <<<"$output")" \
		'["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"]'
	assert_equal "$(jq -c '.[0].RepoTags' <<<"$output")" '["deb:test"]'
	jq -e '.[0].Comment | test("^debian bookworm minbase from ")' \
		<<<"$output" >/dev/null
	run -0 btrfs property get -ts "$r" ro
	assert_output 'ro=true'
	run -0 ls -A "$DL_ROOT/tmp"
	assert_output ''
}

@test "dl image bootstrap debian: a failing debootstrap is 125 and leaves nothing" {
	store
	command -v debootstrap >/dev/null || skip "debootstrap is not installed"
	run -125 --separate-stderr dl image bootstrap debian:nosuchsuite
	assert_output ''
	assert_equal "${stderr##*$'\n'}" "dl-image: fatal: unable to bootstrap 'debian:nosuchsuite': debootstrap failed"
	assert_no_trace
	run -1 --separate-stderr dl image inspect debian:nosuchsuite
}
