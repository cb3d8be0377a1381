#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# 133-stop-kill.bats: dl-kill signals a container's command, dl-stop stops
# it (stop signal, then SIGKILL), dl-state reports what runs.
# shellcheck disable=SC2016,SC2154 # scripts expand in the container; run sets $stderr

load helpers
load lib-btrfs
load lib-store
load lib-spawn

# detached SCRIPT [JQ-FILTER]: a container running SCRIPT, started with -d
detached() {
	local id
	id=$(mk_sh "$@")
	dl-spawn -d "$id" >/dev/null 3>&-
	printf '%s\n' "$id"
}

# A script that reports the signals it gets by exiting 10 + N
TRAPS='trap "exit 11" USR1; trap "exit 12" USR2; trap "exit 13" TERM
	trap "exit 14" HUP; while :; do sleep 0.1; done'

@test "dl-kill: --help, usage errors and a bad signal exit 2" {
	run -0 dl-kill --help
	assert_line --index 0 'usage: dl-kill [-s SIGNAL] ID'
	run -2 --separate-stderr dl-kill
	[[ "$stderr" == 'dl-kill: usage: dl-kill [-s SIGNAL] ID' ]]
	run -2 --separate-stderr dl-kill -s NOPE "$(new_id)"
	[[ "$stderr" == "dl-kill: fatal: unable to parse signal 'NOPE': no such signal" ]]
	run -2 dl-kill -s 0 "$(new_id)"
	run -2 dl-kill -s 65 "$(new_id)"
}

@test "dl-kill: no such container, or one not running, exits 1" {
	local id
	run -1 --separate-stderr dl-kill "$(new_id)"
	[[ "$stderr" == "dl-kill: fatal: unable to kill container '"*"': no such container" ]]
	id=$(mk_container)
	run -1 --separate-stderr dl-kill "$id"
	assert_output ''
	[[ "$stderr" == "dl-kill: fatal: unable to kill container '$id': not running" ]]
}

@test "dl-kill: signals by name, SIG name and number reach the command" {
	local id sig code
	for sig in USR1:11 SIGUSR2:12 15:13 hup:14; do
		code=${sig#*:}
		sig=${sig%:*}
		id=$(detached "$TRAPS")
		run -0 --separate-stderr dl-kill -s "$sig" "$id"
		assert_output ''
		[ -z "$stderr" ]
		wait_status "$id" exited
		assert_equal "$(jq .exit_code "$(cdir "$id")/state.json")" "$code"
	done
}

@test "dl-kill: the default is SIGKILL, recorded as 137" {
	local id
	id=$(detached "$TRAPS")
	run -0 dl-kill "$id"
	wait_status "$id" exited
	assert_equal "$(jq .exit_code "$(cdir "$id")/state.json")" 137
}

@test "dl-stop: --help and usage errors exit 2" {
	run -0 dl-stop --help
	assert_line --index 0 'usage: dl-stop [-t SECONDS] ID'
	run -2 --separate-stderr dl-stop -t x "$(new_id)"
	[[ "$stderr" == 'dl-stop: usage: dl-stop [-t SECONDS] ID' ]]
	run -2 dl-stop abc
}

@test "dl-stop: SIGTERM first: a command that handles it exits its way" {
	local id
	id=$(detached "$TRAPS")
	SECONDS=0
	run -0 --separate-stderr dl-stop "$id"
	assert_output ''
	[ -z "$stderr" ]
	[ "$SECONDS" -lt 5 ]
	# returned only once the end is recorded
	run -0 jq -c '[.status, .exit_code]' "$(cdir "$id")/state.json"
	assert_output '["exited",13]'
}

@test "dl-stop: a command that ignores SIGTERM is killed after -t, 137 recorded" {
	local id
	id=$(detached 'trap "" TERM; while :; do sleep 0.1; done')
	SECONDS=0
	run -0 dl-stop -t 1 "$id"
	[ "$SECONDS" -ge 1 ]
	[ "$SECONDS" -lt 6 ]
	run -0 jq -c '[.status, .exit_code]' "$(cdir "$id")/state.json"
	assert_output '["exited",137]'
}

@test "dl-stop: the stop signal annotation replaces SIGTERM" {
	local id
	id=$(detached "$TRAPS" '.annotations["org.dockerlite.stop-signal"] = "SIGUSR1"')
	run -0 dl-stop "$id"
	assert_equal "$(jq .exit_code "$(cdir "$id")/state.json")" 11
}

@test "dl-stop: a container that does not run is a silent success" {
	local id
	id=$(mk_container)
	run -0 --separate-stderr dl-stop "$id"
	assert_output ''
	[ -z "$stderr" ]
	run -1 --separate-stderr dl-stop "$(new_id)"
	[[ "$stderr" == "dl-stop: fatal: unable to stop container '"*"': no such container" ]]
}

@test "dl-state: --help, usage errors and an unknown field exit 2" {
	run -0 dl-state --help
	assert_line --index 0 'usage: dl-state [-w] [-o FIELDS] ID'
	run -2 dl-state
	run -2 dl-state abc
	run -2 --separate-stderr dl-state -o status,nope "$(new_id)"
	[[ "$stderr" == "dl-state: fatal: unable to print field 'nope': no such field" ]]
}

@test "dl-state: created, running, exited, as JSON and as tokens" {
	local id pid
	run -1 --separate-stderr dl-state "$(new_id)"
	[[ "$stderr" == "dl-state: fatal: unable to read state of container '"*"': no such container" ]]
	id=$(mk_sh 'read x; exit 5')
	run -0 dl-state "$id"
	assert_output '{"exit_code":0,"finished":"0001-01-01T00:00:00Z","monitor_pid":0,"pid":0,"started":"0001-01-01T00:00:00Z","status":"created"}'
	mkfifo "$BATS_TEST_TMPDIR/in"
	dl-spawn -i "$id" <"$BATS_TEST_TMPDIR/in" >/dev/null 2>&1 3>&- &
	exec 8>"$BATS_TEST_TMPDIR/in"
	wait_status "$id" running
	run -0 dl-state -o status,pid "$id"
	assert_output --regexp $'^running\t[1-9][0-9]*$'
	pid=${output#*$'\t'}
	[ -d "/proc/$pid" ]
	echo >&8
	exec 8>&-
	wait
	run -0 dl-state -o exit_code,status,pid "$id"
	assert_output $'5\texited\t0'
	run -0 dl-state "$id"
	assert_output --regexp '^\{"exit_code":5,"finished":"[0-9T:.-]+Z","monitor_pid":0,"pid":0,"started":"[0-9T:.-]+Z","status":"exited"\}$'
}

@test "dl-state: monitor_pid is the supervisor's; -w waits for the end" {
	local id mon
	id=$(detached 'sleep 1; exit 8')
	run -0 dl-state -o monitor_pid "$id"
	mon=$output
	[ "$mon" -gt 0 ]
	assert_equal "$(lock_holder "$id")" "$mon"
	SECONDS=0
	run -0 dl-state -w -o status,exit_code,monitor_pid "$id"
	assert_output $'exited\t8\t0'
	[ "$SECONDS" -lt 5 ]
	# a container that does not run: at once
	run -0 dl-state -w -o status "$(mk_container)"
	assert_output created
}

@test "dl-state: a supervisor that died: running while the container runs, then exited -1" {
	local id sup
	id=$(detached 'trap "" TERM; while :; do sleep 0.1; done')
	# the supervisor is the process holding the container's lock
	sup=$(lock_holder "$id")
	[ -n "$sup" ]
	kill -KILL "$sup"
	sleep 0.2
	run -0 dl-state -o status "$id"
	assert_output running
	run -0 dl-stop -t 0 "$id"
	run -0 dl-state -o status,exit_code,pid "$id"
	assert_output $'exited\t-1\t0'
	run -0 jq -c '[.status, .exit_code]' "$(cdir "$id")/state.json"
	assert_output '["exited",-1]'
}
