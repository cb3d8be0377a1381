#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# 120-ref.bats: dl-ref-parse, -get, -set, -rm, -ls, -resolve and the ref library (name grammar, refs/, resolution).
# Needs neither root nor btrfs: the store is a plain directory.

load helpers
load lib-btrfs

# Two images sharing the prefix "ab", one starting "cd"
A=ab10000000000000000000000000000000000000000000000000000000000001
B=ab20000000000000000000000000000000000000000000000000000000000002
C=cd00000000000000000000000000000000000000000000000000000000000003

setup() {
	export DL_ROOT="$BATS_TEST_TMPDIR/store"
	mkdir -p "$DL_ROOT"/{images,refs,tmp,locks,containers}
	touch "$DL_ROOT/.dockerlite"
	local id
	for id in "$A" "$B" "$C"; do
		mkdir "$DL_ROOT/images/$id"
	done
}

# assert_fatal VERB: stdout empty, stderr in the one error format
assert_fatal() {
	assert_output ''
	[[ "$stderr" == "dl-ref-"*": fatal: unable to $1 "* ]] ||
		fail "unexpected stderr: $stderr"
}

# assert_no_temp: no half-written ref anywhere in the store
assert_no_temp() {
	run -0 find "$DL_ROOT/refs" -name '*.tmp.*'
	assert_output ''
}

@test "dl-ref-*: each --help prints its one synopsis to stdout" {
	local p
	for p in 'dl-ref-parse [-c] NAME' 'dl-ref-get [-c] NAME' \
		'dl-ref-set [-c] NAME ID' 'dl-ref-rm [-c] NAME' \
		'dl-ref-ls [-c] [ID]' 'dl-ref-resolve [-c] SPEC'; do
		run -0 --separate-stderr "${p%% *}" --help
		assert_line --index 0 "usage: $p"
		assert_output --partial '-c'
		refute_output --partial 'or:'
		[ -z "$stderr" ]
	done
}

@test "dl-ref-*: bad usage exits 2 with the synopsis on stderr" {
	local args p
	# shellcheck disable=SC2086 # split on purpose
	for args in 'get' 'get a b' 'set a' 'set a b c' 'ls a b' 'ls -x' \
		'resolve' 'parse' 'rm' 'rm a b'; do
		set -- $args
		p=dl-ref-$1
		shift
		run -2 --separate-stderr "$p" "$@"
		assert_output ''
		[[ "$stderr" == "$p: usage: $p [-c] "* ]]
	done
}

@test "dl-ref-parse: prints repo:tag, latest by default" {
	run -0 --separate-stderr dl-ref-parse busybox
	assert_output 'busybox:latest'
	run -0 --separate-stderr dl-ref-parse library/busybox:1.36
	assert_output 'library/busybox:1.36'
}

@test "dl-ref-parse: keeps host:port and does not add docker.io" {
	run -0 --separate-stderr dl-ref-parse localhost:5000/a/b:v1
	assert_output 'localhost:5000/a/b:v1'
	run -0 --separate-stderr dl-ref-parse Reg.Example.com:443/ns/app
	assert_output 'Reg.Example.com:443/ns/app:latest'
	run -0 --separate-stderr dl-ref-parse localhost:5000
	assert_output 'localhost:5000'
}

@test "dl-ref-parse: refuses an uppercase repository" {
	run -2 --separate-stderr dl-ref-parse BusyBox
	assert_fatal parse
	assert_equal "$stderr" \
		"dl-ref-parse: fatal: unable to parse 'BusyBox': repository name must be lowercase"
}

@test "dl-ref-parse: refuses an empty name" {
	run -2 --separate-stderr dl-ref-parse ''
	assert_fatal parse
	[[ "$stderr" == *"name is empty" ]]
}

@test "dl-ref-parse: refuses .. and other bad path components" {
	local n
	for n in .. a/../b ./a a//b /a a/ -a 'a b' a..b; do
		run -2 --separate-stderr dl-ref-parse -- "$n"
		assert_fatal parse
	done
}

@test "dl-ref-parse: refuses a name longer than 255 characters" {
	run -0 --separate-stderr dl-ref-parse "$(printf 'a%.0s' {1..255})"
	run -2 --separate-stderr dl-ref-parse "$(printf 'a%.0s' {1..256})"
	assert_fatal parse
	[[ "$stderr" == *"longer than 255 characters" ]]
}

@test "dl-ref-parse: refuses a bad tag" {
	local n
	for n in 'a:' 'a:-x' 'a:.x' 'a:x y' "a:$(printf 'v%.0s' {1..129})"; do
		run -2 --separate-stderr dl-ref-parse -- "$n"
		assert_fatal parse
		[[ "$stderr" == *"invalid tag"* ]]
	done
	run -0 dl-ref-parse "a:$(printf 'v%.0s' {1..128})"
}

@test "dl-ref-parse: refuses a bad registry host or port" {
	local n
	for n in localhost:/a host:5x/a -bad.com/a bad..com/a; do
		run -2 --separate-stderr dl-ref-parse -- "$n"
		assert_fatal parse
		[[ "$stderr" == *"invalid registry host"* ]]
	done
}

@test "dl-ref-parse: refuses digests with a clear reason" {
	run -2 --separate-stderr dl-ref-parse "busybox@sha256:$A"
	assert_fatal parse
	[[ "$stderr" == *"digest references are not supported" ]]
}

@test "dl-ref-set: writes refs/images/REPO/:TAG holding the ID" {
	run -0 --separate-stderr dl-ref-set busybox "$A"
	assert_output ''
	assert_file_exists "$DL_ROOT/refs/images/busybox/:latest"
	assert_equal "$(cat "$DL_ROOT/refs/images/busybox/:latest")" "$A"
	run -0 --separate-stderr dl-ref-get busybox:latest
	assert_output "$A"
	assert_no_temp
}

@test "dl-ref-set: keeps host:port repositories as directories" {
	run -0 dl-ref-set localhost:5000/a/b:v1 "$B"
	assert_file_exists "$DL_ROOT/refs/images/localhost:5000/a/b/:v1"
	run -0 --separate-stderr dl-ref-get localhost:5000/a/b:v1
	assert_output "$B"
}

@test "dl-ref-set: creates locks/ when it is missing" {
	rmdir "$DL_ROOT/locks"
	run -0 dl-ref-set busybox "$A"
	assert_file_exists "$DL_ROOT/locks/refs"
}

@test "dl-ref-set: moves an existing tag to the new image" {
	run -0 dl-ref-set app:v1 "$A"
	run -0 dl-ref-set app:v1 "$B"
	run -0 --separate-stderr dl-ref-get app:v1
	assert_output "$B"
	run -0 --separate-stderr dl-ref-ls "$A"
	assert_output ''
}

@test "dl-ref-set: to a missing image exits 1 and leaves nothing" {
	run -1 --separate-stderr dl-ref-set newrepo/x:v1 \
		"$(printf '%064d' 7)"
	assert_fatal set
	[[ "$stderr" == *"no such image"* ]]
	assert_not_exist "$DL_ROOT/refs/images/newrepo"
}

@test "dl-ref-set: refuses an ID that is not a full ID" {
	run -2 --separate-stderr dl-ref-set app ab
	assert_fatal set
	run -2 --separate-stderr dl-ref-set BAD "$A"
	assert_fatal parse
	assert_not_exist "$DL_ROOT/refs/images/app"
}

@test "dl-ref-get: of an unknown name exits 1" {
	run -1 --separate-stderr dl-ref-get nothere
	assert_fatal get
	[[ "$stderr" == *"no such name" ]]
}

@test "dl-ref-rm: removes the name and prunes empty directories" {
	run -0 dl-ref-set localhost:5000/a/b:v1 "$A"
	run -0 dl-ref-set localhost:5000/a:v1 "$A"
	run -0 --separate-stderr dl-ref-rm localhost:5000/a/b:v1
	assert_output ''
	assert_not_exist "$DL_ROOT/refs/images/localhost:5000/a/b"
	assert_file_exists "$DL_ROOT/refs/images/localhost:5000/a/:v1"
	run -0 dl-ref-rm localhost:5000/a:v1
	assert_not_exist "$DL_ROOT/refs/images/localhost:5000"
	assert_dir_exists "$DL_ROOT/refs/images"
	run -1 dl-ref-get localhost:5000/a:v1
}

@test "dl-ref-rm: of an unknown name exits 1" {
	run -1 --separate-stderr dl-ref-rm nothere:v9
	assert_fatal remove
}

@test "dl-ref-ls: lists REPO:TAG ID sorted, or only those of one ID" {
	dl-ref-set zeta "$A"
	dl-ref-set alpha:2 "$B"
	dl-ref-set alpha:1 "$A"
	dl-ref-set localhost:5000/x "$C"
	run -0 --separate-stderr dl-ref-ls
	assert_equal "$output" "alpha:1 $A
alpha:2 $B
localhost:5000/x:latest $C
zeta:latest $A"
	run -0 --separate-stderr dl-ref-ls "$A"
	assert_equal "$output" "alpha:1 $A
zeta:latest $A"
}

@test "dl-ref-ls: of an empty store succeeds with no output" {
	rm -rf "$DL_ROOT/refs"
	run -0 --separate-stderr dl-ref-ls
	assert_output ''
	run -0 --separate-stderr dl-ref-ls "$A"
	assert_output ''
	run -2 --separate-stderr dl-ref-ls abc
	assert_fatal list
}

@test "dl-ref-resolve: takes a name, a full ID or sha256:ID" {
	dl-ref-set web:1 "$C"
	run -0 --separate-stderr dl-ref-resolve web:1
	assert_output "$C"
	run -0 --separate-stderr dl-ref-resolve "$A"
	assert_output "$A"
	run -0 --separate-stderr dl-ref-resolve "sha256:$B"
	assert_output "$B"
}

@test "dl-ref-resolve: takes a unique ID prefix" {
	run -0 --separate-stderr dl-ref-resolve c
	assert_output "$C"
	run -0 --separate-stderr dl-ref-resolve sha256:ab2
	assert_output "$B"
}

@test "dl-ref-resolve: of an ambiguous ID prefix exits 3" {
	run -3 --separate-stderr dl-ref-resolve ab
	assert_fatal resolve
	assert_equal "$stderr" \
		"dl-ref-resolve: fatal: unable to resolve 'ab': ambiguous ID prefix, 2 images match"
}

@test "dl-ref-resolve: of an unknown name or ID exits 1" {
	local s
	for s in ef nothere nothere:v1 "sha256:ef"; do
		run -1 --separate-stderr dl-ref-resolve "$s"
		assert_fatal resolve
		[[ "$stderr" == *"no such image" ]]
	done
}

@test "dl-ref-resolve: of a malformed spec exits 2" {
	run -2 --separate-stderr dl-ref-resolve Upper
	assert_fatal resolve
	run -2 --separate-stderr dl-ref-resolve sha256:xyz
	assert_fatal resolve
}

@test "dl-ref: a name wins over an ID prefix" {
	dl-ref-set ab "$C"
	run -0 --separate-stderr dl-ref-resolve ab
	assert_output "$C"
}

@test "dl-ref: 20 parallel sets of different tags all land" {
	local i pids=() rc=0
	for i in $(seq 1 20); do
		dl-ref-set "par/app:t$i" "$A" 3>&- &
		pids+=("$!")
	done
	for i in "${pids[@]}"; do
		wait "$i" || rc=1
	done
	assert_equal "$rc" 0
	run -0 --separate-stderr dl-ref-ls "$A"
	assert_equal "${#lines[@]}" 20
	assert_line "par/app:t7 $A"
	assert_no_temp
}

@test "dl-ref: a held lock makes set wait for it" {
	command -v flock >/dev/null || skip "flock(1) is not installed"
	flock "$DL_ROOT/locks/refs" sleep 0.5 3>&- &
	sleep 0.1
	run -0 dl-ref-set busybox "$A"
	wait
	run -0 dl-ref-get busybox
	assert_output "$A"
}

@test "dl-ref -c: set, get, resolve, ls and rm a container name" {
	run -0 --separate-stderr dl-ref-set -c web "$A"
	assert_equal "$(cat "$DL_ROOT/refs/containers/web")" "$A"
	run -0 --separate-stderr dl-ref-get -c web
	assert_output "$A"
	run -0 --separate-stderr dl-ref-resolve -c web
	assert_output "$A"
	dl-ref-set -c db "$B"
	run -0 --separate-stderr dl-ref-ls -c 
	assert_equal "$output" "db $B
web $A"
	run -0 --separate-stderr dl-ref-ls -c "$B"
	assert_output "db $B"
	run -0 dl-ref-rm -c web
	assert_not_exist "$DL_ROOT/refs/containers/web"
	run -1 --separate-stderr dl-ref-get -c web
	assert_fatal get
}

@test "dl-ref -c: a name in use by another container exits 3" {
	dl-ref-set -c web "$A"
	run -0 dl-ref-set -c web "$A"
	run -3 --separate-stderr dl-ref-set -c web "$B"
	assert_fatal set
	[[ "$stderr" == *"name is in use by container $A" ]]
	assert_equal "$(cat "$DL_ROOT/refs/containers/web")" "$A"
	assert_no_temp
}

@test "dl-ref -c: container names follow Docker's grammar" {
	local n
	for n in _web .web a/b 'a b' 'a:b'; do
		run -2 --separate-stderr dl-ref-set -c "$n" "$A"
		assert_fatal parse
	done
	run -0 dl-ref-set -c Web_1.a-b "$A"
}

@test "dl-ref -c: resolve takes a unique container ID prefix" {
	mkdir "$DL_ROOT/containers/$A" "$DL_ROOT/containers/$B"
	run -0 --separate-stderr dl-ref-resolve -c ab1
	assert_output "$A"
	run -3 --separate-stderr dl-ref-resolve -c ab
	assert_fatal resolve
	[[ "$stderr" == *"ambiguous ID prefix, 2 containers match" ]]
	run -1 --separate-stderr dl-ref-resolve -c cd
	assert_fatal resolve
	[[ "$stderr" == *"no such container" ]]
}
