#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# 316-pause-top-stats.bats: dl pause and unpause (the cgroup freezer), dl
# restart, dl top (the host's ps over the container's processes) and dl
# stats (its cgroup counters) and dl update (its limits) on real containers.
# shellcheck disable=SC2016,SC2154 # scripts expand in the container; run sets $stderr

load helpers
load lib-btrfs

setup() {
	busybox_store
}

# counter NAME: a detached container that appends a line to /tmp/n
# every 50 ms
counter() {
	dl run -d --name "$1" busybox sh -c \
		'while :; do echo x >>/tmp/n; sleep 0.05; done'
}

lines() {
	dl exec "$1" sh -c 'wc -l </tmp/n'
}

@test "dl pause: the processes stop; ps and inspect say paused; unpause goes on" {
	local id a b
	id=$(counter pz)
	sleep 0.3
	run -0 dl pause pz
	assert_output pz
	a=$(wc -l <"$DL_ROOT/containers/$id/rootfs/tmp/n")
	sleep 0.4
	b=$(wc -l <"$DL_ROOT/containers/$id/rootfs/tmp/n")
	[ "$a" -eq "$b" ]
	run -0 dl ps
	assert_line --regexp "^${id:0:12} .* Up .* \(Paused\) +pz$"
	run -0 dl inspect pz
	run -0 jq -r '.[0].State | "\(.Status) \(.Running)"' <<<"$output"
	assert_output 'paused true'
	run -0 dl unpause pz
	assert_output pz
	sleep 0.3
	b=$(lines pz)
	[ "$b" -gt "$a" ]
	run -0 dl inspect pz
	run -0 jq -r '.[0].State.Status' <<<"$output"
	assert_output running
	dl rm -f pz
}

@test "dl pause: twice is 3, unpause of a running one is 3, a stopped one is 1; exec refuses a paused one" {
	counter pz2 >/dev/null
	dl create --name idle busybox true >/dev/null
	dl pause pz2
	run -3 --separate-stderr dl pause pz2
	assert_fatal 'dl pause'
	[[ "$stderr" =~ unable\ to\ pause\ container\ \'[0-9a-f]{64}\':\ paused\ already$ ]]
	run -125 --separate-stderr dl exec pz2 true
	[[ "$stderr" == *": paused (dl unpause it first)" ]]
	dl unpause pz2
	run -3 --separate-stderr dl unpause pz2
	assert_fatal 'dl unpause'
	[[ "$stderr" =~ unable\ to\ unpause\ container\ \'[0-9a-f]{64}\':\ not\ paused$ ]]
	run -1 --separate-stderr dl pause idle
	assert_fatal 'dl pause'
	[[ "$stderr" =~ unable\ to\ pause\ container\ \'[0-9a-f]{64}\':\ not\ running$ ]]
	run -1 --separate-stderr dl pause no-such-container
	run -2 --separate-stderr dl pause
	assert_equal "$stderr" 'dl pause: usage: dl pause CONTAINER...'
	dl rm -f pz2 idle
}

@test "dl stop, dl kill and dl rm -f of a paused container deliver the signal" {
	local id
	dl run -d --name ps1 busybox sh -c 'trap "exit 7" TERM; while :; do sleep 0.05; done' >/dev/null
	sleep 0.3
	dl pause ps1
	run --separate-stderr dl stop -t 5 ps1
	[ "$status" -eq 0 ] || fail "dl stop: $status: $stderr"
	run -0 dl inspect ps1
	run -0 jq -r '.[0].State | "\(.Status) \(.ExitCode)"' <<<"$output"
	assert_output 'exited 7'
	counter ps2 >/dev/null
	dl pause ps2
	run -0 dl kill ps2
	run dl wait ps2
	assert_output 137
	id=$(counter ps3)
	dl pause ps3
	run -0 dl rm -f ps3
	[ ! -e "$DL_ROOT/containers/$id" ]
	dl rm ps1 ps2
}

@test "dl restart: a running container runs again with a new start; a stopped one is started" {
	local s1 s2
	dl run -d --name rs busybox sleep 1000 >/dev/null
	s1=$(dl inspect rs | jq -r '.[0].State.StartedAt')
	run -0 dl restart -t 0 rs
	assert_output rs
	run -0 dl inspect rs
	run -0 jq -r '.[0].State | "\(.Status) \(.StartedAt)"' <<<"$output"
	s2=${output#running }
	[ "$output" = "running $s2" ]
	[ "$s2" != "$s1" ]
	dl create --name rs2 busybox sleep 1000 >/dev/null
	run -0 dl restart rs2
	run -0 dl inspect rs2
	run -0 jq -r '.[0].State.Status' <<<"$output"
	assert_output running
	run -1 dl restart no-such-container
	dl rm -f rs rs2
}

@test "dl top: the container's processes and no other, ps options passed" {
	local pid
	dl run -d --name tp busybox sh -c 'sleep 1000 & sleep 2000' >/dev/null
	sleep 0.3
	run -0 dl top tp
	assert_line --index 0 --regexp '^UID +PID +PPID +C +STIME +TTY +TIME +CMD$'
	assert_line --regexp ' sleep 1000$'
	assert_line --regexp ' sleep 2000$'
	[ "${#lines[@]}" -eq 4 ]	# header, init, two sleeps
	refute_output --partial bats
	pid=$(dl inspect tp | jq -r '.[0].State.Pid')
	run -0 dl top tp -o pid,comm
	assert_line --index 0 --regexp '^ *PID COMMAND$'
	assert_line --regexp "^ *$pid "
	run -1 --separate-stderr dl top tp -o comm
	assert_fatal 'dl top'
	[[ "$stderr" == *'unable to list processes: no PID column in the output of ps' ]]
	dl stop -t 0 tp >/dev/null
	run -1 --separate-stderr dl top tp
	assert_fatal 'dl top'
	[[ "$stderr" =~ unable\ to\ list\ processes\ of\ container\ \'[0-9a-f]{64}\':\ not\ running$ ]]
	dl rm tp
}

@test "dl stats --no-stream: CPU of a busy container, memory and its limit, pids, JSON" {
	local id
	id=$(dl run -d --name busy --memory 64m busybox sh -c 'sleep 1000 & while :; do :; done')
	dl run -d --name calm busybox sleep 1000 >/dev/null
	sleep 0.3
	run -0 dl stats --no-stream
	assert_line --index 0 --regexp '^CONTAINER ID +NAME +CPU % +MEM USAGE / LIMIT +MEM % +NET I/O +BLOCK I/O +PIDS$'
	assert_line --regexp "^${id:0:12} +busy +[0-9.]+% +[0-9.]+[KMG]?i?B / 64MiB +[0-9.]+% +[0-9.]+k?B / [0-9.]+k?B +[0-9.]+[kMG]?B / [0-9.]+[kMG]?B +3$"
	assert_line --regexp '^[0-9a-f]{12} +calm '
	run -0 dl stats --no-stream --format json busy
	run -0 jq -r '"\(.Name) \(.PIDs) \(.CPUPerc | rtrimstr("%") | tonumber > 20) \(.MemUsage | endswith("/ 64MiB"))"' <<<"$output"
	assert_output 'busy 3 true true'
	run -0 dl-stats -i 200 "$id"
	run -0 jq -r '.[0] | "\(.pids) \(.mem_limit) \(.mem_usage > 0) \(.cpu_percent > 20)"' <<<"$output"
	assert_output "3 $((64 * 1024 * 1024)) true true"
	dl stop -t 0 calm >/dev/null
	run -0 dl stats --no-stream calm
	assert_line --regexp '^[0-9a-f]{12} +calm +0\.00% +0B / [0-9.]+GiB +0\.00% +0B / 0B +0B / 0B +0$'
	dl rm -f busy calm
}

@test "dl update: a running container's cgroup gets the limits at once, and the next start keeps them" {
	local id
	id=$(dl run -d --name up1 --memory 64m busybox sleep 1000)
	run -0 dl update --memory 96m --cpus 0.5 --pids-limit 40 up1
	assert_output up1
	run -0 dl-stats -i 0 "$id"
	run -0 jq -r '.[0].mem_limit' <<<"$output"
	assert_output $((96 * 1024 * 1024))
	# the cgroup refuses a 41st process
	run dl exec up1 sh -c 'i=0; while [ $i -lt 60 ]; do sleep 5 & i=$((i + 1)); done; wait'
	assert_failure
	run -0 jq -c '.[0].HostConfig | [.Memory, .PidsLimit]' < <(dl inspect up1)
	assert_output "[$((96 * 1024 * 1024)),40]"
	run -0 jq -c '.linux.resources.cpu' "$DL_ROOT/containers/$id/spec.json"
	assert_output '{"period":100000,"quota":50000}'
	dl restart -t 0 up1 >/dev/null
	run -0 dl-stats -i 0 "$id"
	run -0 jq -r '.[0].mem_limit' <<<"$output"
	assert_output $((96 * 1024 * 1024))
	run -2 --separate-stderr dl update -m 3m up1
	[[ "$stderr" == *"unable to set memory '3m': the minimum is 6MB" ]]
	run -2 --separate-stderr dl update up1
	assert_equal "$stderr" 'dl update: usage: dl update [-m SIZE] [--memory-swap SIZE] [--cpus N] [--pids-limit N] [--restart POLICY] CONTAINER...'
	run -1 dl update -m 64m no-such-container
	dl stop -t 0 up1 >/dev/null
	run -0 dl update -m 80m up1
	run -0 jq -c '.linux.resources.memory' "$DL_ROOT/containers/$id/spec.json"
	assert_output "{\"limit\":$((80 * 1024 * 1024))}"
	dl rm up1
}
