#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# 130-spawn.bats: dl-spawn runs a container's command: exit codes, stdio,
# signals, the process, the recorded state, -d.
# shellcheck disable=SC2016,SC2154 # scripts expand in the container; run sets $stderr

load helpers
load lib-btrfs
load lib-store
load lib-spawn

@test "dl-spawn: --help prints the synopsis, a usage error exits 2" {
	run -0 --separate-stderr dl-spawn --help
	assert_line --index 0 'usage: dl-spawn [-d] [-i] [-n] [-w] [-R] ID'
	run -2 --separate-stderr dl-spawn
	assert_output ''
	[[ "$stderr" == 'dl-spawn: usage: dl-spawn [-d] [-i] [-n] [-w] [-R] ID' ]]
	run -2 --separate-stderr dl-spawn -x "$(new_id)"
	[[ "$stderr" == 'dl-spawn: usage: '* ]]
}

@test "dl-spawn: an operand that is not an ID exits 2, no such container 125" {
	run -2 --separate-stderr dl-spawn abc
	assert_output ''
	[[ "$stderr" == "dl-spawn: fatal: unable to start container 'abc': not a valid ID (64 lowercase hex digits)" ]]
	run -125 --separate-stderr dl-spawn "$(new_id)"
	[[ "$stderr" == "dl-spawn: fatal: unable to start container '"*"': no such container" ]]
}

@test "dl-spawn: the exit code is the command's: 0, 1, 42" {
	local id code
	for code in 0 1 42; do
		id=$(mk_sh "exit $code")
		run -"$code" --separate-stderr dl-spawn "$id"
		assert_output ''
		[ -z "$stderr" ]
	done
}

@test "dl-spawn: a command killed by signal N exits 128+N" {
	local id
	id=$(mk_sh 'kill -KILL $$')
	run -137 dl-spawn "$id"
	id=$(mk_sh 'kill -USR1 $$')
	run -138 dl-spawn "$id"
	id=$(mk_sh 'kill -SEGV $$')
	run -139 dl-spawn "$id"
}

@test "dl-spawn: a command not found exits 127, Docker's message, nothing started" {
	local id
	id=$(mk_container '.process.args = ["no-such-command", "x"]')
	run -127 --separate-stderr dl-spawn "$id"
	assert_output ''
	[[ "$stderr" == "dl-spawn: fatal: unable to start container '$id': exec: \"no-such-command\": executable file not found in \$PATH" ]]
	assert_file_not_exists "$(cdir "$id")/state.json"
	assert_file_not_exists "$(cdir "$id")/config"
	id=$(mk_container '.process.args = ["/no/such/file"]')
	run -127 --separate-stderr dl-spawn "$id"
	[[ "$stderr" == *'exec: "/no/such/file": stat /no/such/file: No such file or directory' ]]
}

@test "dl-spawn: a file that is not executable, or a directory, exits 126" {
	local id
	id=$(mk_container '.process.args = ["/etc/passwd"]')
	run -126 --separate-stderr dl-spawn "$id"
	assert_output ''
	[[ "$stderr" == *'exec: "/etc/passwd": Permission denied' ]]
	id=$(mk_container '.process.args = ["/etc"]')
	run -126 --separate-stderr dl-spawn "$id"
	[[ "$stderr" == *'exec: "/etc": is a directory' ]]
	assert_file_not_exists "$(cdir "$id")/state.json"
}

@test "dl-spawn: the command is found through the spec's PATH, relative to cwd, and through links inside the root" {
	local id r
	id=$(mk_container '.process.args = ["hello"] |
		.process.env = ["PATH=/opt/bin"]')
	r="$(cdir "$id")/rootfs"
	mkdir -p "$r/opt/bin" "$r/only-in-root"
	printf '#!/bin/sh\necho hello from $0\n' >"$r/only-in-root/hello"
	chmod 755 "$r/only-in-root/hello"
	# an absolute link: it must resolve in the container, not on the host
	ln -s /only-in-root/hello "$r/opt/bin/hello"
	run -0 dl-spawn "$id"
	assert_output 'hello from /opt/bin/hello'
	id=$(mk_container '.process.args = ["./hello"] | .process.cwd = "/only-in-root"')
	r="$(cdir "$id")/rootfs"
	mkdir -p "$r/only-in-root"
	printf '#!/bin/sh\necho relative\n' >"$r/only-in-root/hello"
	chmod 755 "$r/only-in-root/hello"
	run -0 dl-spawn "$id"
	assert_output 'relative'
}

@test "dl-spawn: SIGTERM, SIGINT and SIGHUP to dl-spawn reach the command" {
	local id sig code pid rc out=$BATS_TEST_TMPDIR/out
	for sig in TERM:3 INT:4 HUP:5; do
		code=${sig#*:}
		sig=${sig%:*}
		id=$(mk_sh "trap 'echo got $sig; exit $code' $sig; echo ready; while :; do sleep 0.1; done")
		dl-spawn "$id" >"$out" 2>&1 3>&- &
		pid=$!
		wait_status "$id" running
		sleep 0.2
		kill -"$sig" "$pid"
		rc=0
		wait "$pid" || rc=$?
		assert_equal "$rc" "$code"
		assert_equal "$(cat "$out")" "ready
got $sig"
	done
}

@test "dl-spawn: the command's exit ends the container at once, orphans included" {
	local id
	id=$(mk_sh 'sleep 30 & sleep 30 & exit 6')
	SECONDS=0
	run -6 dl-spawn "$id"
	[ "$SECONDS" -lt 10 ]
}

@test "dl-spawn: orphans are reaped: no zombie is left in the container" {
	local id
	id=$(mk_sh '(sleep 0.1 &) ; (sleep 0.1 &); sleep 1
		grep -l "^State:.*Z" /proc/[0-9]*/status | wc -l')
	run -0 dl-spawn "$id"
	assert_output '0'
}

@test "dl-spawn: -i passes 5 MiB of binary stdin to stdout byte-exact" {
	local id f=$BATS_TEST_TMPDIR/rand
	head -c 5M /dev/urandom >"$f"
	id=$(mk_container '.process.args = ["cat"]')
	dl-spawn -i "$id" <"$f" >"$f.out"
	cmp "$f" "$f.out"
}

@test "dl-spawn: without -i the command reads an empty stdin" {
	local id
	id=$(mk_sh 'wc -c')
	run -0 dl-spawn "$id" < <(echo something)
	assert_output '0'
}

@test "dl-spawn: stdout and stderr stay apart; large output is exact" {
	local id
	id=$(mk_sh 'echo to-out; echo to-err >&2; head -c 3000000 /dev/zero | tr "\0" x')
	run -0 --separate-stderr dl-spawn "$id"
	[ "$stderr" = to-err ]
	[ "${#output}" -eq 3000007 ]
	[[ "$output" == to-out* ]]
}

@test "dl-spawn: only the spec's environment is visible, plus HOSTNAME" {
	local id
	id=$(mk_container '.process.args = ["env"] |
		.process.env = ["PATH=/bin:/usr/bin", "FOO=bar baz", "EMPTY="]')
	run -0 --separate-stderr env -i SECRET=1 PATH="$PATH" DL_ROOT="$DL_ROOT" \
		dl-spawn "$id"
	assert_equal "$(sort <<<"$output")" "EMPTY=
FOO=bar baz
HOSTNAME=${id:0:12}
PATH=/bin:/usr/bin"
}

@test "dl-spawn: the host name is the spec's, else the first 12 digits of the ID" {
	local id
	id=$(mk_container '.process.args = ["hostname"]')
	run -0 dl-spawn "$id"
	assert_output "${id:0:12}"
	id=$(mk_container '.process.args = ["hostname"] | .hostname = "web-1"')
	run -0 dl-spawn "$id"
	assert_output 'web-1'
}

@test "dl-spawn: user uid, gid and additional gids come from the spec" {
	local id
	id=$(mk_container '.process.args = ["id"] |
		.process.user = {uid: 1000, gid: 1001, additionalGids: [20, 30]}')
	run -0 dl-spawn "$id"
	assert_output 'uid=1000 gid=1001 groups=20,30'
}

@test "dl-spawn: the working directory is made when missing" {
	local id
	id=$(mk_container '.process.args = ["pwd"] | .process.cwd = "/new/work dir"')
	run -0 dl-spawn "$id"
	assert_output '/new/work dir'
	assert_dir_exists "$(cdir "$id")/rootfs/new/work dir"
}

@test "dl-spawn: a working directory that is a file exits 125" {
	local id
	id=$(mk_container '.process.cwd = "/etc/passwd"')
	run -125 --separate-stderr dl-spawn "$id"
	[[ "$stderr" == "dl-spawn: fatal: unable to start container '$id': /etc/passwd: exists and is not a directory" ]]
	assert_file_not_exists "$(cdir "$id")/state.json"
}

@test "dl-spawn: process.terminal gives a real terminal, TERM=xterm, and the console" {
	local id
	id=$(mk_sh 'test -t 0 && test -t 1 && echo tty; echo "$TERM"; tty' \
		'.process.terminal = true')
	run -0 dl-spawn "$id"
	assert_line --index 0 $'tty\r'
	assert_line --index 1 $'xterm\r'
	assert_line --index 2 $'/dev/console\r'
}

@test "dl-spawn: a terminal takes our window size" {
	local id
	command -v script >/dev/null || skip "script(1) is not installed"
	id=$(mk_sh 'stty size' '.process.terminal = true')
	run -0 script -qec "stty rows 33 cols 77; dl-spawn -i $id" /dev/null
	assert_output --partial '33 77'
}

@test "dl-spawn: state.json records running with the init pid, then exited" {
	local id pid rc out=$BATS_TEST_TMPDIR/out
	id=$(mk_sh 'sleep 0.5; exit 9')
	dl-spawn "$id" >"$out" 2>&1 3>&- &
	pid=$!
	wait_status "$id" running
	run -0 jq -r '.pid > 0 and (.started | test("^[0-9-]+T[0-9:.]+Z$"))' \
		"$(cdir "$id")/state.json"
	assert_output true
	rc=0
	wait "$pid" || rc=$?
	assert_equal "$rc" 9
	run -0 jq -c '[.status, .exit_code, .pid, (.finished > .started)]' \
		"$(cdir "$id")/state.json"
	assert_output '["exited",9,0,true]'
}

@test "dl-spawn: the supervisor and the container's init run from a sealed memfd" {
	local id pid sup
	id=$(mk_sh 'sleep 30')
	run -0 dl-spawn -d "$id"
	pid=$(jq .pid "$(cdir "$id")/state.json")
	run -0 readlink "/proc/$pid/exe"
	assert_output --regexp '^/memfd:dl-spawn \(deleted\)$'
	sup=$(lock_holder "$id")
	run -0 readlink "/proc/$sup/exe"
	assert_output --regexp '^/memfd:dl-spawn \(deleted\)$'
}

@test "dl-spawn: a container that runs cannot be started twice" {
	local id pid rc
	id=$(mk_sh 'sleep 30')
	dl-spawn "$id" >/dev/null 2>&1 3>&- &
	pid=$!
	wait_status "$id" running
	run -125 --separate-stderr dl-spawn "$id"
	[[ "$stderr" == "dl-spawn: fatal: unable to start container '$id': it is already running" ]]
	kill "$pid"
	rc=0
	wait "$pid" || rc=$?
	assert_equal "$rc" 143
}

@test "dl-spawn: what LXC fails to set up exits 125 with LXC's reason, state untouched" {
	local id
	id=$(mk_container '.mounts = [{destination: "/x", type: "tmpfs",
		source: "tmpfs", options: ["size=bogus"]}]')
	run -125 --separate-stderr dl-spawn "$id"
	assert_output ''
	[[ "$stderr" == "dl-spawn: fatal: unable to start container '$id': "?* ]]
	assert_file_not_exists "$(cdir "$id")/state.json"
}

@test "dl-spawn: -d returns once running; output goes to container.log; the exit is recorded" {
	local id
	id=$(mk_sh 'echo out; echo err >&2; sleep 1; exit 7')
	run -0 --separate-stderr dl-spawn -d "$id"
	assert_output ''
	[ -z "$stderr" ]
	[ "$(state_of "$id")" = running ]
	wait_status "$id" exited
	run -0 jq .exit_code "$(cdir "$id")/state.json"
	assert_output 7
	run -0 sed -E 's/^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}\.[0-9]{9}Z //' \
		"$(cdir "$id")/container.log"
	assert_line 'stdout F out'
	assert_line 'stderr F err'
	assert_equal "${#lines[@]}" 2
}

@test "dl-spawn: -d reports a command not found with 127 and starts nothing" {
	local id
	id=$(mk_container '.process.args = ["nope"]')
	run -127 --separate-stderr dl-spawn -d "$id"
	assert_output ''
	[[ "$stderr" == *'exec: "nope": executable file not found in $PATH' ]]
	assert_file_not_exists "$(cdir "$id")/state.json"
}

@test "dl-spawn: -d reports an LXC failure with 125" {
	local id
	id=$(mk_container '.mounts = [{destination: "/x", type: "tmpfs",
		source: "tmpfs", options: ["size=bogus"]}]')
	run -125 --separate-stderr dl-spawn -d "$id"
	[[ "$stderr" == "dl-spawn: fatal: unable to start container '$id': "?* ]]
	assert_file_not_exists "$(cdir "$id")/state.json"
}

@test "dl-spawn: -d with org.dockerlite.rm removes the container after it exits" {
	local id i
	id=$(mk_sh 'sleep 0.3' '.annotations["org.dockerlite.rm"] = "true"')
	run -0 dl-spawn -d "$id"
	for i in $(seq 100); do
		[ -d "$(cdir "$id")" ] || break
		sleep 0.1
	done
	assert_dir_not_exists "$(cdir "$id")"
	run -0 find "$DL_ROOT/tmp" -mindepth 1
	assert_output ''
	assert_file_not_exists "/run/lxc/lock$DL_ROOT/containers/.$id"
}

@test "dl-spawn: org.dockerlite.rm removes the container in the foreground too, and when it cannot start" {
	local id
	id=$(mk_sh 'exit 4' '.annotations["org.dockerlite.rm"] = "true"')
	run -4 dl-spawn "$id"
	assert_dir_not_exists "$(cdir "$id")"
	id=$(mk_container '.process.args = ["nope"] |
		.annotations["org.dockerlite.rm"] = "true"')
	run -127 dl-spawn "$id"
	assert_dir_not_exists "$(cdir "$id")"
	id=$(mk_container '.process.args = ["nope"] |
		.annotations["org.dockerlite.rm"] = "true"')
	run -127 dl-spawn -d "$id"
	assert_dir_not_exists "$(cdir "$id")"
	run -0 find "$DL_ROOT/tmp" -mindepth 1
	assert_output ''
}

@test "dl-spawn: 8 containers spawned at once do not collide" {
	local ids=() id i rc pids=()
	for i in 1 2 3 4 5 6 7 8; do
		ids+=("$(mk_sh "hostname; exit $i")")
	done
	for i in 0 1 2 3 4 5 6 7; do
		dl-spawn "${ids[$i]}" >"$BATS_TEST_TMPDIR/out$i" 2>&1 3>&- &
		pids+=($!)
	done
	for i in 0 1 2 3 4 5 6 7; do
		rc=0
		wait "${pids[$i]}" || rc=$?
		assert_equal "$rc" $((i + 1))
		id=${ids[$i]}
		assert_equal "$(cat "$BATS_TEST_TMPDIR/out$i")" "${id:0:12}"
		assert_equal "$(jq .exit_code "$(cdir "$id")/state.json")" $((i + 1))
	done
}
