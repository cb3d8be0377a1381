#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# 311-starting.bats: a container while dl-spawn starts it: dl ps, dl rm,
# dl rm -f, dl stop and dl kill against the one lock of the container; a
# start killed half-way.
# shellcheck disable=SC2154 # run sets $stderr

load helpers
load lib-btrfs

setup() {
	busybox_store
	SHARE=$(cd "$BATS_TEST_DIRNAME/../share" && pwd)
	# A share directory whose dl.seccomp is a FIFO: dl-spawn reads the
	# profile once it holds the lock and has written "starting", so a
	# start using it stays there until release_start writes the profile.
	SLOW=$BATS_TEST_TMPDIR/share
	mkdir -p "$SLOW"
	ln -s "$SHARE/dl-sh-setup" "$SLOW/dl-sh-setup"
	mkfifo "$SLOW/dl.seccomp"
}

teardown() {
	local fd
	# a start left waiting by a failed test: let it go (empty profile)
	exec {fd}<>"$SLOW/dl.seccomp"
	exec {fd}>&-
}

# release_start: give the waiting start its seccomp profile
release_start() {
	cat "$SHARE/dl.seccomp" >"$SLOW/dl.seccomp"
}

# status_of NAME: the status recorded in its state.json
status_of() {
	jq -r .status "$DL_ROOT/containers/$(dl-ref-resolve -c "$1")/state.json" \
		2>/dev/null || echo none
}

# wait_for NAME STATUS: until the recorded status is STATUS (the start
# waits on the FIFO, so "starting" is reached and kept); gives up after
# 20 s, so that a start that never gets there fails instead of hanging
wait_for() {
	local _
	for _ in $(seq 400); do
		[ "$(status_of "$1")" = "$2" ] && return 0
		sleep 0.05
	done
	fail "container $1 is $(status_of "$1"), not $2"
}

# slow_start NAME: a container being started in the background, held in
# "starting"; sets $START to the pid of that dl start
slow_start() {
	dl create --name "$1" busybox sh -c 'while :; do sleep 0.1; done' >/dev/null
	DL_SHAREDIR=$SLOW dl start "$1" >/dev/null 3>&- &
	START=$!
	wait_for "$1" starting
}

@test "dl ps: a container being started is Starting, in dl ps and dl ps -a" {
	local id
	slow_start slow
	id=$(dl-ref-resolve -c slow)
	run -0 dl ps
	assert_line --regexp "^${id:0:12} +busybox +\"sh -c .* Starting +slow$"
	run -0 dl ps -a --format json
	run -0 jq -r '.[] | .Name + " " + .State.Status' <<<"$output"
	assert_output '/slow starting'
	release_start
	wait "$START"
	assert_equal "$(status_of slow)" running
	dl rm -f slow
}

@test "dl rm: a container being started is refused with 3 and nothing is removed" {
	local id
	slow_start slow
	id=$(dl-ref-resolve -c slow)
	run -3 --separate-stderr dl rm slow
	assert_output ''
	[[ "$stderr" == *"unable to remove container 'slow': container is starting (stop it first, or use -f)" ]]
	# the helper decides under the container's lock, whatever the front saw
	run -3 --separate-stderr dl-container-rm "$id"
	assert_equal "$stderr" "dl-container-rm: fatal: unable to remove container '$id': container is starting"
	assert_file_exists "$DL_ROOT/containers/$id/spec.json"
	assert_equal "$(dl-ref-resolve -c slow)" "$id"
	release_start
	wait "$START"
	assert_equal "$(status_of slow)" running
	run -3 --separate-stderr dl-container-rm "$id"
	assert_equal "$stderr" "dl-container-rm: fatal: unable to remove container '$id': container is running"
	dl rm -f slow
}

@test "dl rm -f: a container being started is stopped once it runs, then removed" {
	local id rm
	slow_start slow
	id=$(dl-ref-resolve -c slow)
	dl rm -f slow >"$BATS_TEST_TMPDIR/out" 2>&1 3>&- &
	rm=$!
	release_start
	wait "$rm"
	assert_equal "$(cat "$BATS_TEST_TMPDIR/out")" slow
	wait "$START"
	assert_dir_not_exists "$DL_ROOT/containers/$id"
	run -1 dl-ref-resolve -c slow
	run -0 dl ps -aq
	assert_output ''
}

@test "dl stop, dl kill: on a container being started, wait until it runs, then act" {
	local stop
	slow_start slow
	dl stop -t 1 slow >"$BATS_TEST_TMPDIR/out" 2>&1 3>&- &
	stop=$!
	release_start
	wait "$stop"
	assert_equal "$(cat "$BATS_TEST_TMPDIR/out")" slow
	wait "$START"
	# stopped, not left running: dl stop did not return before the start
	run -0 dl-state -o status,exit_code "$(dl-ref-resolve -c slow)"
	assert_output $'exited\t143'

	DL_SHAREDIR=$SLOW dl start slow >/dev/null 3>&- &
	START=$!
	wait_for slow starting
	dl kill slow >"$BATS_TEST_TMPDIR/out" 2>&1 3>&- &
	stop=$!
	release_start
	wait "$stop"
	assert_equal "$(cat "$BATS_TEST_TMPDIR/out")" slow
	wait "$START"
	run -0 dl-state -w -o status,exit_code "$(dl-ref-resolve -c slow)"
	assert_output $'exited\t137'
	dl rm slow
}

@test "dl start: killed while starting, the state before comes back and it starts again" {
	local id
	id=$(dl create --name f busybox sh -c 'exit 3')
	run -137 env DL_FAULT=dl-spawn:starting dl start f
	assert_equal "$(status_of f)" starting
	run -0 dl ps -a
	assert_line --regexp "^${id:0:12} .* Unknown +f$"
	# no supervisor holds the lock: the state of before (never started)
	run -0 dl-state -o status,exit_code "$id"
	assert_output $'created\t0'
	assert_equal "$(status_of f)" created
	run -3 dl start -a f
	# once it ran, a killed start puts back "exited" and its code
	run -137 env DL_FAULT=dl-spawn:starting dl start f
	run -0 dl-state -o status,exit_code "$id"
	assert_output $'exited\t3'
	run -0 dl rm f
}
