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

# df_bytes TYPE: the SIZE and RECLAIMABLE bytes of row TYPE of dl system df
df_bytes() {
	dl system df --format json | jq -r --arg t "$1" 'select(.Type == $t) | "\(.TotalCount) \(.Active) \(.Size) \(.Reclaimable)"'
}

@test "dl system df: Images, Containers, Local Volumes, Build Cache, as Docker's table" {
	run -0 dl system df
	assert_line --index 0 --regexp '^TYPE +TOTAL +ACTIVE +SIZE +RECLAIMABLE$'
	assert_line --index 1 --regexp '^Images +1 +0 +[0-9.]+MB +[0-9.]+MB \(100%\)$'
	assert_line --index 2 --regexp '^Containers +0 +0 +0B +0B$'
	assert_line --index 3 --regexp '^Local Volumes +0 +0 +0B +0B$'
	assert_line --index 4 --regexp '^Build Cache +0 +0 +0B +0B$'
	run -0 dl system df --format '{{.Type}}|{{.TotalCount}}'
	assert_output $'Images|1\nContainers|0\nLocal Volumes|0\nBuild Cache|0'
}

@test "dl system df: shared extents counted once; what removing the unused gives back" {
	local before
	before=$(dl system df --format '{{.Size}}' | head -1)
	# a snapshot of the image, committed: a second image, no second copy
	dl run --name c1 busybox sh -c 'head -c 2000000 /dev/urandom >/big' >/dev/null
	dl commit c1 bb2 >/dev/null
	dl rm c1 >/dev/null
	dl run -d --name up busybox sleep 1000 >/dev/null
	dl create --name idle bb2 sh -c 'head -c 1000000 /dev/urandom >/more' >/dev/null
	dl start -a idle
	dl volume create v1 >/dev/null
	dl volume create v2 >/dev/null
	dl run --rm -v v1:/v busybox sh -c 'head -c 3000000 /dev/urandom >/v/f' >/dev/null
	dl volume clone v1 v3 >/dev/null
	dl run -d --name vu -v v2:/v busybox sleep 1000 >/dev/null
	run -0 dl system df --format json
	# images: busybox and its 2MB more, once (about 4MB, not 6)
	local n a s r
	read -r n a s r < <(df_bytes Images)
	[ "$n" = 2 ] && [ "$a" = 2 ]
	[[ "$s" =~ ^(3\.9|4\.0|4\.1)[0-9]*MB$ ]] || fail "images size $s (before: $before)"
	[ "$r" = "0B (0%)" ] || fail "images reclaimable $r"
	read -r n a s r < <(df_bytes Containers)
	[ "$n" = 3 ] && [ "$a" = 2 ]
	[ "$s" = 1MB ] && [ "$r" = "1MB (100%)" ]
	# v1 and its clone share 3MB: 3MB in all, and removing one alone
	# gives nothing back
	read -r n a s r < <(df_bytes "Local Volumes")
	[ "$n" = 3 ] && [ "$a" = 1 ]
	[ "$s" = 3MB ] || fail "volumes size $s"
	[ "$r" = "0B (0%)" ] || fail "volumes reclaimable $r"
	run -0 dl system df -v
	assert_line 'Images space usage:'
	assert_line --regexp '^bb2 +latest +[0-9a-f]{12} '
	assert_line --regexp '^[0-9a-f]{12} +busybox +"sleep 1000" +0 +0B .* up$'
	assert_line --regexp '^v2 +1 +0B$'
	assert_line --regexp '^v1 +0 +0B$'
	assert_line 'Build cache usage: 0B'
}
