#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# 720-docker-habits.bats: dl wait, rm -f, --name /NAME, run -it without a
# terminal and dl rename behave as Docker's.
# shellcheck disable=SC2154 # run sets $stderr

load helpers
load lib-btrfs

setup() {
	busybox_store
}

@test "dl wait: prints each exit code and exits 0" {
	dl run --name w1 busybox sh -c 'exit 3' || true
	dl run --name w2 busybox sh -c 'exit 0'
	run -0 --separate-stderr dl wait w1 w2
	assert_output $'3\n0'
	run -125 --separate-stderr dl wait no-such
}

@test "dl rm -f: SIGKILL at once, a command that ignores SIGTERM too" {
	dl run -d --name stubborn busybox sh -c 'trap "" TERM; while :; do sleep 0.1; done' >/dev/null
	SECONDS=0
	run -0 dl rm -f stubborn
	assert_output stubborn
	[ "$SECONDS" -lt 5 ]
	run -1 dl inspect stubborn
}

@test "dl run --name /NAME: the leading / is dropped, as Docker's" {
	dl create --name /slashed busybox true >/dev/null
	run -0 dl inspect -f '{{.Name}}' slashed
	assert_output /slashed
	run -0 dl ps -a --format '{{.Names}}'
	assert_output slashed
}

@test "dl run -it: a stdin that is not a terminal is refused, nothing left" {
	run -125 --separate-stderr dl run -it --name notty busybox true </dev/null
	assert_output ''
	assert_equal "$stderr" "dl run: fatal: unable to attach 'stdin': the input device is not a TTY"
	run -1 dl inspect notty
	[ -z "$(ls "$DL_ROOT/containers")" ]
	# detached, or created, it needs none
	run -0 dl create -it --name created-tty busybox true
	run -0 dl run -d -it --rm busybox true
}

@test "dl rename: a created or running container; its old name is free again" {
	local id
	id=$(dl run -d --name old busybox sleep 30)
	run -0 --separate-stderr dl rename old /new
	assert_output ''
	run -0 dl inspect -f '{{.Name}} {{.State.Status}}' new
	assert_output '/new running'
	run -0 dl ps --format '{{.Names}}'
	assert_output new
	run -1 dl inspect --type container old
	# the old name is free
	dl create --name old busybox true >/dev/null
	run -3 --separate-stderr dl rename new old
	assert_equal "$stderr" "dl rename: fatal: unable to rename container '$id': name 'old' already in use"
	run -3 --separate-stderr dl rename new new
	run -2 --separate-stderr dl rename new 'bad name'
	run -1 --separate-stderr dl rename no-such x
	run -2 --separate-stderr dl rename new
	assert_equal "$stderr" 'dl rename: usage: dl rename CONTAINER NEW_NAME'
	dl rm -f new old >/dev/null
}

@test "dl rename: killed after taking the name, the same rename completes it" {
	local id
	id=$(dl create --name before busybox true)
	run ! env DL_FAULT=dl-container-rename:name dl rename before after
	run -0 dl inspect -f '{{.Name}}' "$id"
	assert_output /before
	run -0 dl rename before after
	run -0 dl inspect -f '{{.Name}}' after
	assert_output /after
	run -1 dl inspect --type container before
}
