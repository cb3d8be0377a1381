#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# 001-suite.bats: the suite cannot pass by skipping: as root a test file whose
# btrfs cannot be made fails, and t/run counts a skip as a failure.

load helpers

# a bats file in $BATS_TEST_TMPDIR that loads the suite's libraries and
# needs the file's btrfs
mk_needs_btrfs() {
	# (printf: bats would rewrite a test line of a here-document)
	# shellcheck disable=SC2016 # the inner file expands $DL_TEST_MNT
	printf '%s\n' "load $BATS_TEST_DIRNAME/helpers" \
		"load $BATS_TEST_DIRNAME/lib-btrfs" \
		'@test "needs btrfs" {' \
		'	require_btrfs' \
		'	mountpoint -q "$DL_TEST_MNT"' \
		'}' >"$BATS_TEST_TMPDIR/needs-btrfs.bats"
}

# a PATH without the libexec directory of the bats running this file, and
# an environment without its BATS_* variables, for bats run inside a test
clean_path() {
	local IFS=: d out=
	for d in $PATH; do
		[[ "$d" == *bats-core* ]] || out+="${out:+:}$d"
	done
	printf '%s\n' "$out"
}

inner_bats() {
	env -i PATH="$(clean_path)" HOME="$HOME" bats "$@"
}

# a mkfs.btrfs that fails, first on PATH
mk_broken_mkfs() {
	mkdir -p "$BATS_TEST_TMPDIR/bin"
	printf '#!/bin/sh\necho "mkfs.btrfs: broken" >&2\nexit 1\n' \
		>"$BATS_TEST_TMPDIR/bin/mkfs.btrfs"
	chmod +x "$BATS_TEST_TMPDIR/bin/mkfs.btrfs"
}

@test "suite: as root, a btrfs that cannot be made fails the file, it does not skip" {
	require_root
	mk_needs_btrfs
	mk_broken_mkfs
	PATH="$BATS_TEST_TMPDIR/bin:$PATH" run -1 inner_bats --tap "$BATS_TEST_TMPDIR/needs-btrfs.bats"
	assert_output --partial 'not ok'
	assert_output --partial 'unable to make the test btrfs'
	refute_output --partial '# skip'
}

@test "suite: as root, the btrfs of a file is made and mounted" {
	require_root
	mk_needs_btrfs
	run -0 inner_bats --tap "$BATS_TEST_TMPDIR/needs-btrfs.bats"
	assert_output --partial 'ok 1 needs btrfs'
	refute_output --partial '# skip'
}

@test "suite: t/run counts a skip as a failure in CI" {
	printf '@test "skips" {\n\tskip "for no reason"\n}\n' \
		>"$BATS_TEST_TMPDIR/skips.bats"
	run -1 env -i PATH="$(clean_path)" CI=true \
		"$BATS_TEST_DIRNAME/run" "$BATS_TEST_TMPDIR/skips.bats"
	assert_line '0 passed, 1 failed, 0 skipped'
	assert_output --partial 'nothing may skip here'
}

@test "suite: t/run lets a skip pass where DL_TEST_ALLOW_SKIP is set, outside CI" {
	[ "$(id -u)" = 0 ] || skip "not root: t/run allows skips anyway"
	printf '@test "skips" {\n\tskip "for no reason"\n}\n' \
		>"$BATS_TEST_TMPDIR/skips.bats"
	run -0 env -i PATH="$(clean_path)" DL_TEST_ALLOW_SKIP=1 \
		"$BATS_TEST_DIRNAME/run" "$BATS_TEST_TMPDIR/skips.bats"
	assert_line '0 passed, 0 failed, 1 skipped'
}
