#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# 312-logs.bats: dl logs of foreground and detached runs: container.log,
# stdout and stderr apart, -t, --since, --until.
# shellcheck disable=SC2154 # run sets $stderr

load helpers
load lib-btrfs

setup() {
	busybox_store
}

# stamps NAME: the times of the records of its container.log
stamps() {
	cut -d' ' -f1 "$DL_ROOT/containers/$(dl-ref-resolve -c "$1")/container.log"
}

@test "dl logs: a foreground run's output is kept, stdout and stderr apart" {
	run -0 --separate-stderr dl run --name fg busybox sh -c 'echo out; echo err >&2; echo more'
	assert_output $'out\nmore'
	assert_equal "$stderr" err
	run -0 --separate-stderr dl logs fg
	assert_output $'out\nmore'
	assert_equal "$stderr" err
	# a second run appends, as Docker keeps the log of every start
	run -0 dl start -a fg
	run -0 --separate-stderr dl logs --tail 2 fg
	assert_output more
	assert_equal "$stderr" err
	dl rm fg
}

@test "dl logs: container.log holds one record a line, TIME STREAM F|P CONTENT" {
	local log
	dl run --name rec busybox sh -c 'echo one; printf two' >/dev/null
	log=$DL_ROOT/containers/$(dl-ref-resolve -c rec)/container.log
	run -0 cat "$log"
	assert_line --index 0 --regexp '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{9}Z stdout F one$'
	assert_line --index 1 --regexp '^[0-9T:.-]{29}Z stdout P two$'
	# a part without its newline is printed as it came
	run -0 dl logs rec
	assert_output $'one\ntwo'
	dl rm rec
}

@test "dl logs -t: each line starts with its RFC 3339 nano time" {
	local t
	dl run --name ts busybox sh -c 'echo hello; echo oops >&2' >/dev/null 2>&1
	t=$(stamps ts | head -n 1)
	run -0 --separate-stderr dl logs -t ts
	assert_output --regexp '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{9}Z hello$'
	assert_output "$t hello"
	[[ "$stderr" =~ ^[0-9T:.-]{29}Z\ oops$ ]]
	dl rm ts
}

@test "dl logs --since, --until: RFC 3339, Unix seconds, durations before now" {
	local t1 t2
	dl run -d --name win busybox sh -c 'echo a; sleep 1; echo b' >/dev/null
	dl wait win >/dev/null
	t1=$(stamps win | sed -n 1p)
	t2=$(stamps win | sed -n 2p)
	[[ "$t1" < "$t2" ]]
	run -0 dl logs --since "$t2" win
	assert_output b
	run -0 dl logs --until "$t1" win
	assert_output a
	run -0 dl logs --since "$t1" --until "$t1" win
	assert_output a
	run -0 dl logs --since 0 win
	assert_output $'a\nb'
	run -0 dl logs --since "$(date -d "${t2%.*}Z" +%s)" -t win
	assert_output "$t2 b"
	run -0 dl logs --since 1h win
	assert_output $'a\nb'
	run -0 dl logs --until 1h30m win
	assert_output ''
	run -0 dl logs --since=2000-01-01T00:00:00+02:00 --tail 1 win
	assert_output b
	run -2 --separate-stderr dl logs --since soon win
	assert_output ''
	[[ "$stderr" == *"unable to use --since 'soon': not a time"* ]]
	dl rm win
}

@test "dl logs -f: a foreground run is followed until it ends" {
	dl run --name fol busybox sh -c 'echo first; sleep 1; echo second' >/dev/null 3>&- &
	local _ id=
	# its first line logged (written after "running"), or give up after 20 s
	for _ in $(seq 400); do
		id=$(dl-ref-resolve -c fol 2>/dev/null) &&
			[ -s "$DL_ROOT/containers/$id/container.log" ] && break
		sleep 0.05
	done
	[ -s "$DL_ROOT/containers/$id/container.log" ] || fail "nothing logged"
	run -0 dl logs -f fol
	assert_output $'first\nsecond'
	wait
	dl rm fol
}
