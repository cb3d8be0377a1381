#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# 134-escape.bats: no way out of the container: no host descriptor behind
# the working directory (CVE-2024-21626) for run, start, exec and an
# image's WorkingDir; read-only all the way down; the init's capabilities;
# the mounts' propagation.
# shellcheck disable=SC2016,SC2154 # scripts expand in the container; run sets $stderr

load helpers
load lib-btrfs

setup() {
	busybox_store
	# a marker on the host, and where an escaped command would write
	MARK=$BATS_TEST_TMPDIR/marker
	OUT=$BATS_TEST_TMPDIR/escaped
	SECRET="host-secret-$RANDOM$RANDOM"
	printf '%s\n' "$SECRET" >"$MARK"
	# climb from wherever the command starts up to the host's root
	UP=$(printf '../%.0s' $(seq 16))
	PROBE="cat $UP${MARK#/} 2>/dev/null; echo pwned 2>/dev/null >$UP${OUT#/}"
}

teardown() {
	local c
	for c in $(dl ps -a -q --no-trunc 2>/dev/null); do
		dl rm -f "$c" >/dev/null 2>&1 || true
	done
	case "${DL_ROOT:-}" in
	/?*) rm -rf "/run/lxc/lock$DL_ROOT" ;;
	esac
	[ -z "${SUBMNT:-}" ] || umount "$SUBMNT" 2>/dev/null || true
}

# assert_confined N: the last run started in /proc/self/fd/N either ran
# inside the container or was refused with 125 and a message; nothing of
# the host was seen or written
assert_confined() {
	case "$status" in
	0) ;;
	125) [[ "$stderr" == *"fatal: unable to "*"container"*"/proc/self/fd/$1"* ]] ||
		fail "fd $1: 125 without a clear message: $stderr" ;;
	*) fail "fd $1: exit $status: $stderr" ;;
	esac
	[[ "$output" != *"$SECRET"* ]] || fail "fd $1: the host's marker was read"
	[ ! -e "$OUT" ] || fail "fd $1: a file was written on the host"
}

@test "escape: dl run -w /proc/self/fd/N, N = 3..64, stays in the container" {
	local n
	for n in $(seq 3 64); do
		run --separate-stderr dl run --rm -w "/proc/self/fd/$n" busybox sh -c "$PROBE"
		assert_confined "$n"
	done
}

@test "escape: dl run --privileged -w /proc/self/fd/N, N = 3..64, stays in the container" {
	local n
	for n in $(seq 3 64); do
		run --separate-stderr dl run --rm --privileged -w "/proc/self/fd/$n" busybox sh -c "$PROBE"
		assert_confined "$n"
	done
}

@test "escape: an image's WorkingDir /proc/self/fd/N, N = 3..64, with a plain dl run" {
	local n root
	root="$DL_ROOT/images/$(dl-ref-resolve busybox)/rootfs"
	for n in $(seq 3 64); do
		dl image create -c "WORKDIR /proc/self/fd/$n" "wd$n" "$root" >/dev/null
		run --separate-stderr dl run --rm "wd$n" sh -c "$PROBE"
		assert_confined "$n"
		dl rmi "wd$n" >/dev/null
	done
}

@test "escape: dl start of a container made with -w /proc/self/fd/N, N = 3..64" {
	local n id
	for n in $(seq 3 64); do
		id=$(dl create -w "/proc/self/fd/$n" busybox sh -c "$PROBE")
		run --separate-stderr dl start -a "$id"
		assert_confined "$n"
		dl rm -f "$id" >/dev/null
	done
}

@test "escape: dl exec -w /proc/self/fd/N, N = 3..64, stays in the container" {
	local n id
	id=$(dl run -d busybox sleep 600)
	for n in $(seq 3 64); do
		run --separate-stderr dl exec -w "/proc/self/fd/$n" "$id" sh -c "$PROBE"
		case "$status" in
		126) [[ "$stderr" == *"chdir to cwd (\"/proc/self/fd/$n\")"* ]] ||
			fail "fd $n: 126 without a clear message: $stderr"
			status=0 ;;
		esac
		assert_confined "$n"
	done
	# and a working directory in the root still works
	run -0 dl exec -w /tmp "$id" pwd
	assert_output /tmp
}

@test "escape: a refused working directory exits 125 with the reason" {
	run -125 --separate-stderr dl run --rm -w /proc/self/fd/9 busybox true
	assert_output ''
	[[ "$stderr" == "dl run: fatal: unable to start container '"*"': chdir to cwd (\"/proc/self/fd/9\"): "* ]] ||
		fail "stderr: $stderr"
}

@test "read-only: a tmpfs under the source of -v SRC:DST:ro is read-only too" {
	local src=$BATS_TEST_TMPDIR/src
	mkdir -p "$src/sub" "$src/other"
	SUBMNT=$src/sub
	mount -t tmpfs dltest "$SUBMNT"
	run -0 dl run --rm -v "$src:/data:ro" busybox sh -c \
		'touch /data/sub/x 2>&1; awk "\$5 == \"/data/sub\" { print substr(\$6, 1, 3) }" /proc/self/mountinfo'
	assert_line --index 0 --partial 'Read-only file system'
	assert_line --index 1 'ro,'
	assert_file_not_exists "$src/sub/x"
	# a rw volume inside the ro one keeps its own mode; the host's
	# tmpfs stays writable
	run -0 dl run --rm -v "$src:/data:ro" -v "$BATS_TEST_TMPDIR:/data/other" busybox sh -c \
		'touch /data/other/y && echo rw-ok'
	assert_output rw-ok
	touch "$src/sub/z"
}

@test "read-only: --read-only leaves only /dev, /proc and the volumes writable" {
	local id
	id=$(dl create --read-only -v "$BATS_TEST_TMPDIR:/data" busybox sh -c \
		'touch /mnt/sub/x 2>&1; touch /dev/shm/y /data/y && echo mounts-ok
		awk "\$6 !~ /^ro/ { print \$5 }" /proc/self/mountinfo |
			grep -v -E "^/(dev|proc|data)(/|\$)" || true')
	# a mount of the host's under the container's root
	mkdir -p "$DL_ROOT/containers/$id/rootfs/mnt/sub"
	SUBMNT=$DL_ROOT/containers/$id/rootfs/mnt/sub
	mount -t tmpfs dltest "$SUBMNT"
	run -0 dl start -a "$id"
	assert_output --partial 'Read-only file system'
	assert_line --index 1 mounts-ok
	assert_equal "${#lines[@]}" 2
	assert_file_not_exists "$SUBMNT/x"
	umount "$SUBMNT"
	SUBMNT=
}

@test "read-only: the mounts under /sys (/sys/fs/cgroup) and /proc/sys are read-only" {
	run -0 dl run --rm busybox sh -c \
		'mkdir /sys/fs/cgroup/x 2>&1; awk "\$5 ~ \"^/(sys|proc/sys)(/|\$)\" && \$6 !~ /^ro/ { print \"rw:\", \$5 }" /proc/self/mountinfo'
	assert_output --partial 'Read-only file system'
	refute_output --partial 'rw:'
	# privileged: /sys is the host's, read-write, as with Docker
	run -0 dl run --rm --privileged busybox sh -c \
		'awk "\$5 == \"/sys\" { print substr(\$6, 1, 3) }" /proc/self/mountinfo'
	assert_output 'rw,'
}

@test "init: pid 1 holds the container's capabilities, no more" {
	run -0 dl run --rm busybox grep ^Cap /proc/1/status /proc/self/status
	assert_output "/proc/1/status:CapInh:	0000000000000000
/proc/1/status:CapPrm:	00000000a80425fb
/proc/1/status:CapEff:	00000000a80425fb
/proc/1/status:CapBnd:	00000000a80425fb
/proc/1/status:CapAmb:	0000000000000000
/proc/self/status:CapInh:	0000000000000000
/proc/self/status:CapPrm:	00000000a80425fb
/proc/self/status:CapEff:	00000000a80425fb
/proc/self/status:CapBnd:	00000000a80425fb
/proc/self/status:CapAmb:	0000000000000000"
	run -0 dl run --rm --cap-drop CHOWN --cap-add NET_ADMIN busybox \
		grep ^CapEff /proc/1/status /proc/self/status
	assert_output "/proc/1/status:CapEff:	00000000a80435fa
/proc/self/status:CapEff:	00000000a80435fa"
	# another user: the init is that user too, with nothing
	run -0 dl run --rm -u 1000 busybox sh -c \
		'grep -E "^(Uid|CapEff)" /proc/1/status; id -u'
	assert_output "Uid:	1000	1000	1000	1000
CapEff:	0000000000000000
1000"
}

@test "propagation: no mount in the container is shared" {
	run -0 dl run --rm -v "$BATS_TEST_TMPDIR:/data" busybox sh -c \
		'grep -c " shared:" /proc/self/mountinfo || true'
	assert_output 0
	run -0 dl run --rm --privileged busybox sh -c \
		'grep -c " shared:" /proc/self/mountinfo || true'
	assert_output 0
}
