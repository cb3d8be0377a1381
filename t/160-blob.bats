#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# 160-blob.bats: the content store: dl-blob-put checks size and digest as it
# streams and leaves nothing on refusal; dl-blob-cat prints what is stored.

load helpers
load lib-btrfs

# blob TEXT: set $B to the digest of TEXT (no newline)
blob() {
	B=sha256:$(printf '%s' "$1" | sha256sum | cut -c1-64)
}

# nothing_left: no blob but those before, nothing in tmp/
nothing_left() {
	assert_equal "$(find "$DL_ROOT/tmp" -mindepth 1)" ''
	assert_equal "$(ls "$DL_ROOT/blobs/sha256")" "${1:-}"
}

@test "dl-blob-put: stores a blob under its digest and prints it; dl-blob-cat prints it" {
	dl_test_store
	blob hello
	printf hello >"$BATS_TEST_TMPDIR/f"
	run -0 --separate-stderr dl-blob-put -s 5 "$B" "$BATS_TEST_TMPDIR/f"
	assert_output "$B"
	assert_file_exists "$DL_ROOT/blobs/sha256/${B#sha256:}"
	run -0 --separate-stderr dl-blob-cat "$B"
	assert_output hello
	nothing_left "${B#sha256:}"
}

@test "dl-blob-put: a blob from stdin with no size" {
	dl_test_store
	blob world
	run -0 --separate-stderr bash -c "printf world | dl-blob-put '$B' -"
	assert_output "$B"
	run -0 dl-blob-cat "$B"
	assert_output world
}

@test "dl-blob-put: a digest mismatch is refused with 4, nothing left" {
	dl_test_store
	blob other
	printf hello >"$BATS_TEST_TMPDIR/f"
	run -4 --separate-stderr dl-blob-put "$B" "$BATS_TEST_TMPDIR/f"
	assert_fatal dl-blob-put
	# shellcheck disable=SC2154 # set by run --separate-stderr
	[[ "$stderr" == *"the content's digest is sha256:2cf24dba"* ]]
	nothing_left
}

@test "dl-blob-put: a blob one byte longer than its size is refused at that byte" {
	dl_test_store
	blob aaaa
	printf aaaaa >"$BATS_TEST_TMPDIR/f"
	run -4 --separate-stderr dl-blob-put -s 4 "$B" "$BATS_TEST_TMPDIR/f"
	assert_fatal dl-blob-put
	[[ "$stderr" == *"longer than its size 4"* ]]
	nothing_left
	# an endless stream is not read whole: refused at byte 5
	run -4 --separate-stderr timeout 10 dl-blob-put -s 4 "$B" - </dev/zero
	[[ "$stderr" == *"longer than its size 4"* ]]
	nothing_left
}

@test "dl-blob-put: a blob one byte shorter than its size is refused" {
	dl_test_store
	blob aaa
	printf aaa >"$BATS_TEST_TMPDIR/f"
	run -4 --separate-stderr dl-blob-put -s 4 "$B" "$BATS_TEST_TMPDIR/f"
	assert_fatal dl-blob-put
	[[ "$stderr" == *"3 bytes, shorter than its size 4"* ]]
	nothing_left
}

@test "dl-blob-put: digests not of the grammar are usage errors, before any path is made" {
	dl_test_store
	printf hello >"$BATS_TEST_TMPDIR/f"
	for d in 'sha256:../../../etc/passwd' 'sha256:../..' sha512:abc \
		"sha256:$(printf hello | sha256sum | cut -c1-64 | tr a-f A-F)" \
		"$(printf hello | sha256sum | cut -c1-64)"; do
		run -2 --separate-stderr dl-blob-put "$d" "$BATS_TEST_TMPDIR/f"
		assert_fatal dl-blob-put
		[[ "$stderr" == *"not a valid digest"* ]]
		run -2 --separate-stderr dl-blob-cat "$d"
		[[ "$stderr" == *"not a valid digest"* ]]
	done
	nothing_left
}

@test "dl-blob-put: a blob present is not read again; -s must agree with it" {
	dl_test_store
	blob hello
	printf hello | dl-blob-put "$B" - >/dev/null
	# an endless stdin is not read at all
	run -0 --separate-stderr timeout 10 dl-blob-put "$B" - </dev/zero
	assert_output "$B"
	run -4 --separate-stderr timeout 10 dl-blob-put -s 6 "$B" - </dev/zero
	[[ "$stderr" == *"the stored blob has 5"* ]]
	run -0 dl-blob-cat "$B"
	assert_output hello
}

@test "dl-blob-cat: an absent blob is 1; dl-blob-put of a missing file is 1" {
	dl_test_store
	blob absent
	run -1 --separate-stderr dl-blob-cat "$B"
	assert_fatal dl-blob-cat
	[[ "$stderr" == *"no such blob"* ]]
	run -1 --separate-stderr dl-blob-put "$B" "$BATS_TEST_TMPDIR/none"
	assert_fatal dl-blob-put
	nothing_left
}

@test "dl-blob-put: a writer killed before the rename leaves a tmp/ entry the sweep removes" {
	dl_test_store
	blob hello
	printf hello >"$BATS_TEST_TMPDIR/f"
	DL_FAULT=dl-blob:rename run -137 dl-blob-put "$B" "$BATS_TEST_TMPDIR/f"
	assert_equal "$(ls "$DL_ROOT/blobs/sha256")" ''
	run -0 ls "$DL_ROOT/tmp"
	assert_output --regexp '^[0-9a-f]{64}\.blob$'
	run -0 dl-store-sweep
	assert_equal "$(find "$DL_ROOT/tmp" -mindepth 1)" ''
	run -0 dl-blob-put "$B" "$BATS_TEST_TMPDIR/f"
	assert_output "$B"
}

@test "dl-blob-put: usage errors" {
	run -2 --separate-stderr dl-blob-put sha256:x
	[[ "$stderr" == "dl-blob-put: usage: dl-blob-put "* ]]
	run -2 --separate-stderr dl-blob-put -s -1 sha256:x f
	[[ "$stderr" == *"unable to use size '-1'"* ]]
	run -2 --separate-stderr dl-blob-cat
	[[ "$stderr" == "dl-blob-cat: usage: dl-blob-cat DIGEST" ]]
}
