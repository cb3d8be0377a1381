#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# 304-size-df.bats: dl ps -s and {{.Size}}, dl system df: the bytes of
# containers, images and volumes as btrfs holds them (shared extents
# counted once).

load helpers
load lib-btrfs
load lib-store

setup() {
	busybox_store
}

teardown() {
	dl ps -aq 2>/dev/null | xargs -r dl rm -f >/dev/null 2>&1 || true
}

@test "dl ps -s: the bytes a container wrote, and with its image's (virtual)" {
	local isize
	dl run --name sz busybox sh -c 'head -c 1000000 /dev/urandom >/big' >/dev/null
	dl create --name sz0 busybox true >/dev/null
	isize=$(dl images --format '{{.Size}}' busybox)
	run -0 dl ps -a -s --format '{{.Names}} {{.Size}}'
	assert_line --regexp "^sz 1(\.0[0-9]*)?MB \(virtual [0-9.]+MB\)$"
	assert_line "sz0 0B (virtual $isize)"
	# {{.Size}} alone asks for it, as Docker's
	run -0 dl ps -a --format '{{.Size}}' --filter name=sz0
	assert_output "0B (virtual $isize)"
	# the table gets a SIZE column
	run -0 dl ps -as
	assert_line --index 0 --regexp 'NAMES +SIZE$'
	assert_output --regexp "sz0 +0B \(virtual $isize\)"
	# a copy of the image's files is no byte of the container's own
	dl run --name cp0 busybox cp /bin/busybox /bin/bb2 >/dev/null
	run -0 dl ps -a -s --format '{{.Names}} {{.Size}}' --filter name=cp0
	assert_output --regexp '^cp0 [0-9.]+(MB|kB|B) '
}
