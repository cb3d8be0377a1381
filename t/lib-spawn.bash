# SPDX-License-Identifier: Apache-2.0
# lib-spawn.bash: containers made by hand, a busybox root and an OCI runtime
# spec written with jq, for the tests of dl-spawn, dl-attach, dl-kill,
# dl-stop and dl-state (13x).  Load after helpers, lib-btrfs and lib-store.
# Loading it defines setup and teardown (spawn_setup, spawn_teardown); a
# file that needs more in them defines its own, calling those two.
# shellcheck shell=bash

# The 14 capabilities Docker grants (CapEff/CapBnd 00000000a80425fb)
DOCKER_CAPS='["CAP_CHOWN","CAP_DAC_OVERRIDE","CAP_FSETID","CAP_FOWNER",
"CAP_MKNOD","CAP_NET_RAW","CAP_SETGID","CAP_SETUID","CAP_SETFCAP",
"CAP_SETPCAP","CAP_NET_BIND_SERVICE","CAP_SYS_CHROOT","CAP_KILL",
"CAP_AUDIT_WRITE"]'

# spawn_spec: the spec `dl run busybox true` writes, in its shape
spawn_spec() {
	jq -n --argjson caps "$DOCKER_CAPS" '{
		ociVersion: "1.0.2",
		process: {
			terminal: false,
			user: {uid: 0, gid: 0, additionalGids: []},
			args: ["true"],
			env: ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],
			cwd: "/",
			capabilities: {bounding: $caps, effective: $caps,
				permitted: $caps, inheritable: [], ambient: []},
			noNewPrivileges: false
		},
		root: {path: "rootfs", readonly: false},
		hostname: "",
		mounts: [],
		linux: {resources: {}, namespaces: [{type: "pid"}, {type: "ipc"},
			{type: "uts"}, {type: "mount"}, {type: "network"}]},
		annotations: {"org.dockerlite.network": "none"}
	}'
}

# mk_container [JQ-FILTER [JQ-ARG...]]: a container whose spec is
# spawn_spec passed through FILTER (with the extra jq arguments, such as
# --arg s 'echo hi'); prints its ID
mk_container() {
	local filter=${1:-.} id d
	[ $# -eq 0 ] || shift
	id=$(new_id)
	d="$DL_ROOT/containers/$id"
	mkdir -p "$d"
	btrfs -q subvolume create "$d/rootfs" >/dev/null
	mk_busybox_root "$d/rootfs"
	spawn_spec | jq "$@" "$filter" >"$d/spec.json"
	printf '%s\n' "$id"
}

# mk_sh SCRIPT [JQ-FILTER [JQ-ARG...]]: a container running sh -c SCRIPT
mk_sh() {
	local script=$1 filter=${2:-.}
	shift
	[ $# -eq 0 ] || shift
	mk_container ".process.args = [\"sh\", \"-c\", \$script] | $filter" \
		--arg script "$script" "$@"
}

# cdir ID: the directory of a container
cdir() {
	printf '%s/containers/%s\n' "$DL_ROOT" "$1"
}

# lock_holder ID: the processes that have the container's directory open,
# whose flock(2) is its lock: its supervisor while it starts or runs
lock_holder() {
	find /proc/[0-9]*/fd -maxdepth 1 -lname "$(cdir "$1")" 2>/dev/null |
		cut -d/ -f3 | sort -un
}

# state_of ID: the recorded status, or "created"
state_of() {
	jq -r .status "$(cdir "$1")/state.json" 2>/dev/null || echo created
}

# wait_status ID STATUS: wait up to 10 s until the recorded status is STATUS
wait_status() {
	local _
	for _ in $(seq 200); do
		[ "$(state_of "$1")" = "$2" ] && return 0
		sleep 0.05
	done
	echo "container $1 is $(state_of "$1"), not $2" >&2
	return 1
}

# spawn_setup: root, btrfs, LXC and a fresh store
spawn_setup() {
	require_lxc
	mk_store
}

# spawn_teardown: kill what a test left running in its store
spawn_teardown() {
	local c
	[ -n "${DL_ROOT:-}" ] && [ -d "$DL_ROOT/containers" ] || return 0
	for c in "$DL_ROOT"/containers/*/; do
		[ -d "$c" ] || continue
		dl-kill "$(basename "$c")" >/dev/null 2>&1 || true
	done
	for c in "$DL_ROOT"/containers/*/; do
		[ -d "$c" ] || continue
		dl-stop -t 0 "$(basename "$c")" >/dev/null 2>&1 || true
	done
	# the lock files liblxc keeps for this store's containers
	case "$DL_ROOT" in
	/?*) rm -rf "/run/lxc/lock$DL_ROOT" ;;
	esac
}

setup() {
	spawn_setup
}

teardown() {
	spawn_teardown
}

# build_probe: the static confinement probe, in $BATS_FILE_TMPDIR/probe
build_probe() {
	[ -x "$BATS_FILE_TMPDIR/probe" ] && return 0
	command -v cc >/dev/null || skip "no C compiler"
	cc -static -O2 -o "$BATS_FILE_TMPDIR/probe" \
		"$BATS_TEST_DIRNAME/fixtures/probe.c" ||
		skip "cannot build a static binary (libc6-dev static libraries?)"
}
