#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# 730-restart.bats: dl run --restart: the monitor's policies and back-off,
# the counts, stops of the user, dl update --restart, dl start --boot.
# shellcheck disable=SC2016,SC2154 # scripts expand in the container; run sets $stderr

load helpers
load lib-btrfs

setup() {
	busybox_store
}

# assert_in_stderr TEXT: the stderr of the last run holds TEXT
assert_in_stderr() {
	[[ $stderr == *"$1"* ]] || {
		echo "# stderr: $stderr" >&3
		return 1
	}
}

# field C TEMPLATE: one inspect field
field() {
	dl inspect -f "$2" "$1"
}

count_is() {
	test "$(field "$1" '{{.RestartCount}}')" = "$2"
}

count_at_least() {
	test "$(field "$1" '{{.RestartCount}}')" -ge "$2"
}

status_is() {
	test "$(field "$1" '{{.State.Status}}')" = "$2"
}

# settled C: exited, and no monitor waits to start it again
settled() {
	status_is "$1" exited && ! test -e "$DL_ROOT/containers/$(field "$1" '{{.Id}}')/restarting"
}

@test "dl run --restart: bad policies and --rm are usage errors" {
	run -125 --separate-stderr dl run --restart sometimes busybox true
	assert_output ''
	assert_in_stderr "unable to set restart policy 'sometimes'"
	run -125 --separate-stderr dl run --restart always:3 busybox true
	assert_in_stderr 'only on-failure takes a maximum retry count'
	run -125 --separate-stderr dl run --restart on-failure:x busybox true
	assert_in_stderr "restart policy 'on-failure:x'"
	run -125 --separate-stderr dl run --rm --restart always busybox true
	assert_in_stderr 'conflicting options --restart and --rm'
	run -2 --separate-stderr dl create --restart=on-failure:-1 busybox true
	# --rm with no is fine
	run -0 dl run --rm --restart no busybox true
	run -0 dl ps -aq
	assert_output ''
}

@test "dl inspect: HostConfig.RestartPolicy, RestartCount, State.Restarting" {
	dl create --name plain busybox true >/dev/null
	run -0 field plain '{{json .HostConfig.RestartPolicy}} {{.RestartCount}} {{.State.Restarting}}'
	assert_output '{"MaximumRetryCount":0,"Name":"no"} 0 false'
	dl create --name of --restart on-failure:3 busybox true >/dev/null
	run -0 field of '{{json .HostConfig.RestartPolicy}}'
	assert_output '{"MaximumRetryCount":3,"Name":"on-failure"}'
	dl create --name us --restart unless-stopped busybox true >/dev/null
	run -0 field us '{{.HostConfig.RestartPolicy.Name}}'
	assert_output unless-stopped
	dl rm plain of us
}

@test "dl run --restart on-failure:2: restarts a failing command twice, then stays exited" {
	dl run -d --name f2 --restart on-failure:2 busybox sh -c 'echo run; exit 3' >/dev/null
	wait_for "two restarts" count_is f2 2
	wait_for "the end" settled f2
	sleep 1
	run -0 field f2 '{{.RestartCount}} {{.State.ExitCode}} {{.State.Restarting}}'
	assert_output '2 3 false'
	run -0 dl logs f2
	assert_output $'run\nrun\nrun'
	dl rm f2
}

@test "dl run --restart on-failure: a command that succeeds is not restarted" {
	dl run -d --name ok --restart on-failure busybox true >/dev/null
	wait_for "the end" settled ok
	sleep 1
	run -0 field ok '{{.RestartCount}} {{.State.ExitCode}}'
	assert_output '0 0'
	dl rm ok
}

@test "dl run --restart always: restarts a command that exits 0; dl stop ends the loop" {
	dl run -d --name al --restart always busybox sh -c 'echo run; sleep 0.2' >/dev/null
	wait_for "three restarts" count_at_least al 3
	run -0 dl ps
	assert_output --partial ' al'
	run -0 dl stop al
	wait_for "the end" settled al
	n=$(field al '{{.RestartCount}}')
	sleep 2
	run -0 field al '{{.RestartCount}} {{.State.Status}}'
	assert_output "$n exited"
	# a start by the user sets the count back, and the policy works again
	dl start al
	wait_for "a restart" count_at_least al 1
	dl rm -f al
	run -0 dl ps -aq
	assert_output ''
}

@test "dl ps: Restarting (N) while the monitor waits" {
	dl run -d --name rs --restart always busybox sh -c 'exit 7' >/dev/null
	# the back-off doubles: soon a wait of seconds
	wait_for "Restarting" sh -c 'dl ps | grep -q "Restarting (7) .* rs$"'
	run -0 field rs '{{.State.Status}} {{.State.Restarting}}'
	assert_output 'restarting true'
	run -3 --separate-stderr dl rm rs
	run -0 dl rm -f rs
	run -0 dl ps -aq
	assert_output ''
}

@test "dl kill: SIGKILL ends always; another signal ends unless-stopped only" {
	dl run -d --name k1 --restart always busybox sh -c 'trap "exit 1" HUP; while :; do sleep 0.1; done' >/dev/null
	dl kill k1
	wait_for "the end" settled k1
	sleep 1
	run -0 field k1 '{{.RestartCount}}'
	assert_output 0
	dl run -d --name k2 --restart always --stop-signal TERM busybox sh -c 'trap "exit 1" HUP; echo up; while :; do sleep 0.1; done' >/dev/null
	wait_for "running" status_is k2 running
	sleep 0.5
	dl kill -s HUP k2
	wait_for "a restart" count_is k2 1
	dl run -d --name k3 --restart unless-stopped --stop-signal TERM busybox sh -c 'trap "exit 1" HUP; while :; do sleep 0.1; done' >/dev/null
	wait_for "running" status_is k3 running
	sleep 0.5
	dl kill -s HUP k3
	wait_for "the end" settled k3
	sleep 1
	run -0 field k3 '{{.RestartCount}}'
	assert_output 0
	dl rm -f k1 k2 k3
}

@test "dl update --restart: the policy of an existing container" {
	dl create --name up busybox sh -c 'exit 1' >/dev/null
	run -0 dl update --restart on-failure:1 up
	run -0 field up '{{json .HostConfig.RestartPolicy}}'
	assert_output '{"MaximumRetryCount":1,"Name":"on-failure"}'
	dl start up
	wait_for "one restart" count_is up 1
	wait_for "the end" settled up
	run -2 --separate-stderr dl update --restart bogus up
	dl rm up
}

@test "dl run --restart without -d: the first run's status, restarts behind" {
	run -3 dl run --name fg --restart on-failure:1 busybox sh -c 'echo run; exit 3'
	assert_output run
	wait_for "one restart" count_is fg 1
	wait_for "the end" settled fg
	run -0 dl logs fg
	assert_output $'run\nrun'
	dl rm fg
}

# reboot C...: what a host reboot leaves: the monitors and the commands
# killed with SIGKILL, state.json still saying running
reboot() {
	local c id mon pid
	for c; do
		id=$(field "$c" '{{.Id}}')
		mon=$(jq -r .monitor_pid "$DL_ROOT/containers/$id/state.json")
		pid=$(jq -r .pid "$DL_ROOT/containers/$id/state.json")
		kill -KILL "$mon" "$pid"
	done
	for c; do
		wait_for "$c gone" sh -c "! dl ps -q --no-trunc | grep -q $(field "$c" '{{.Id}}')"
	done
}

@test "dl start --boot: always and unless-stopped ones not stopped by the user" {
	local c
	for c in al us ustopped of no; do
		case $c in
		al) p=always ;; us|ustopped) p=unless-stopped ;; of) p=on-failure ;; no) p=no ;;
		esac
		dl run -d --name "$c" --restart "$p" busybox sh -c 'while :; do sleep 0.1; done' >/dev/null
	done
	dl stop -t 0 ustopped
	reboot al us of no
	run -0 jq -r .status "$DL_ROOT/containers/$(field al '{{.Id}}')/state.json"
	assert_output running
	run -0 dl start --boot
	run -0 dl ps --format '{{.Names}}'
	assert_line al
	assert_line us
	refute_line ustopped
	refute_line of
	refute_line no
	# twice is nothing more
	run -0 dl start --boot
	dl rm -f al us ustopped of no
}

@test "dl start --boot: takes no operand" {
	run -2 --separate-stderr dl start --boot foo
	assert_in_stderr usage
}

@test "make install: share/dockerlite.service in UNITDIR, calling dl start --boot; none with UNITDIR empty" {
	local dest=$BATS_TEST_TMPDIR/dest unit
	make -s -C "$DL_TOP" install DESTDIR="$dest" PREFIX=/opt/dlt >/dev/null
	unit=$dest/opt/dlt/lib/systemd/system/dockerlite.service
	assert_file_exists "$unit"
	run -0 grep -x 'ExecStart=/opt/dlt/bin/dl start --boot' "$unit"
	run -0 grep -x 'KillMode=process' "$unit"
	make -s -C "$DL_TOP" uninstall DESTDIR="$dest" PREFIX=/opt/dlt >/dev/null
	assert_file_not_exists "$unit"
	make -s -C "$DL_TOP" install DESTDIR="$dest/b" PREFIX=/opt/dlt UNITDIR= >/dev/null
	run -0 find "$dest/b" -name dockerlite.service
	assert_output ''
}
