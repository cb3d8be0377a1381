#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# 132-attach.bats: dl-attach runs a command in a running container, as
# docker exec: exit codes, environment, user, directory, stdio, signals,
# confinement.
# shellcheck disable=SC2016,SC2154 # scripts expand in the container; run sets $stderr

load helpers
load lib-btrfs
load lib-store
load lib-spawn

# running [JQ-FILTER [JQ-ARG...]]: a container running sleep, detached
running() {
	local id
	id=$(mk_container ".process.args = [\"sleep\", \"60\"] | ${1:-.}" "${@:2}")
	dl-spawn -d "$id" >/dev/null 3>&-
	printf '%s\n' "$id"
}

@test "dl-attach: --help prints the synopsis, a usage error exits 2" {
	run -0 --separate-stderr dl-attach --help
	assert_line --index 0 'usage: dl-attach [-i] [-t] [-d] [-e K=V]... [-w DIR] [-u USER[:GROUP]] ID COMMAND [ARG...]'
	run -2 --separate-stderr dl-attach "$(new_id)"
	assert_output ''
	[[ "$stderr" == 'dl-attach: usage: dl-attach '* ]]
	run -2 --separate-stderr dl-attach -x "$(new_id)" true
	[[ "$stderr" == 'dl-attach: usage: '* ]]
}

@test "dl-attach: a container that does not run exits 125" {
	local id
	id=$(mk_container)
	run -125 --separate-stderr dl-attach "$id" true
	assert_output ''
	[[ "$stderr" == "dl-attach: fatal: unable to exec in container '$id': not running" ]]
	run -125 --separate-stderr dl-attach "$(new_id)" true
	[[ "$stderr" == "dl-attach: fatal: unable to exec in container '"*"': "* ]]
}

@test "dl-attach: the exit code is the command's: 0, 42, 128+N" {
	local id
	id=$(running)
	run -0 dl-attach "$id" true
	run -42 dl-attach "$id" sh -c 'exit 42'
	run -137 dl-attach "$id" sh -c 'kill -KILL $$'
	[ "$(state_of "$id")" = running ]
}

@test "dl-attach: a command not found exits 127, one not executable 126" {
	local id
	id=$(running)
	run -127 --separate-stderr dl-attach "$id" no-such-command
	assert_output ''
	[[ "$stderr" == "dl-attach: fatal: unable to exec in container '$id': exec: \"no-such-command\": executable file not found in \$PATH" ]]
	run -126 --separate-stderr dl-attach "$id" /etc/passwd
	[[ "$stderr" == *'exec: "/etc/passwd": Permission denied' ]]
}

@test "dl-attach: the environment is the container's, HOSTNAME, then -e" {
	local id
	id=$(running '.process.env = ["PATH=/bin:/usr/bin", "A=1", "B=2"]')
	BARE=mine run -0 dl-attach -e B=3 -e C=4 -e BARE -e UNSET_HERE "$id" env
	assert_equal "$(sort <<<"$output")" "A=1
B=3
BARE=mine
C=4
HOSTNAME=${id:0:12}
PATH=/bin:/usr/bin"
}

@test "dl-attach: -w sets the directory; a missing one exits 126" {
	local id
	id=$(running '.process.cwd = "/tmp"')
	run -0 dl-attach "$id" pwd
	assert_output /tmp
	run -0 dl-attach -w /etc "$id" pwd
	assert_output /etc
	run -126 --separate-stderr dl-attach -w /nope "$id" pwd
	assert_output ''
	[[ "$stderr" == "dl-attach: fatal: unable to exec in container '$id': chdir to cwd (\"/nope\"): No such file or directory" ]]
}

@test "dl-attach: the user is the container's, or -u by number or name" {
	local id
	id=$(running '.process.user = {uid: 1000, gid: 1000, additionalGids: [5]}')
	run -0 dl-attach "$id" id
	assert_output 'uid=1000 gid=1000 groups=5'
	run -0 dl-attach -u 0 "$id" id
	assert_output 'uid=0(root) gid=0(root)'
	run -0 dl-attach -u nobody "$id" id -u
	assert_output 65534
	run -0 dl-attach -u 123:456 "$id" id
	assert_output 'uid=123 gid=456'
	run -125 --separate-stderr dl-attach -u nosuchuser "$id" id
	[[ "$stderr" == *"unable to find user 'nosuchuser': no matching entries in passwd file" ]]
}

@test "dl-attach: -u sets HOME and the groups from the root's passwd and group; no entry gives HOME=/" {
	local id r
	id=$(running '.process.env = ["PATH=/bin", "HOME=/root"]')
	r=$(cdir "$id")/rootfs
	printf 'root:x:0:0:root:/root:/bin/sh\nalice:x:1000:1000::/home/alice:/bin/sh\n' >"$r/etc/passwd"
	printf 'root:x:0:\nwheel:x:10:alice\naudio:x:29:bob,alice\nother:x:30:bob\n' >"$r/etc/group"
	run -0 dl-attach "$id" sh -c 'echo $HOME; id -G'
	assert_output $'/root\n0'
	run -0 dl-attach -u alice "$id" sh -c 'echo $HOME; id -u; id -G'
	assert_output $'/home/alice\n1000\n1000 10 29'
	run -0 dl-attach -u 1000 "$id" sh -c 'echo $HOME'
	assert_output /home/alice
	run -0 dl-attach -u 4242 "$id" sh -c 'echo $HOME; id -G'
	assert_output $'/\n0'
	run -0 dl-attach -u alice -e HOME=/mine "$id" sh -c 'echo $HOME'
	assert_output /mine
}

@test "dl-attach: -i passes binary stdin byte-exact; without it stdin is empty" {
	local id f=$BATS_TEST_TMPDIR/rand
	id=$(running)
	head -c 3M /dev/urandom >"$f"
	dl-attach -i "$id" cat <"$f" >"$f.out"
	cmp "$f" "$f.out"
	run -0 dl-attach "$id" wc -c <"$f"
	assert_output 0
}

@test "dl-attach: -t gives a terminal of the container's own devpts" {
	local id
	id=$(running)
	run -0 dl-attach -t "$id" sh -c 'test -t 0 && test -t 1 && echo tty; echo $TERM; tty'
	assert_line --index 0 $'tty\r'
	assert_line --index 1 $'xterm\r'
	assert_line --index 2 --regexp $'^/dev/pts/[0-9]+\r$'
}

@test "dl-attach: -d returns at once and the command runs" {
	local id _
	id=$(running)
	run -0 --separate-stderr dl-attach -d "$id" sh -c 'sleep 0.3; touch /tmp/done'
	assert_output ''
	[ -z "$stderr" ]
	assert_file_not_exists "$(cdir "$id")/rootfs/tmp/done"
	for _ in $(seq 50); do
		[ -e "$(cdir "$id")/rootfs/tmp/done" ] && break
		sleep 0.1
	done
	assert_file_exists "$(cdir "$id")/rootfs/tmp/done"
}

@test "dl-attach: -d of a command not found exits 127, not executable 126, as in the foreground" {
	local id
	id=$(running)
	run -127 --separate-stderr dl-attach -d "$id" no-such-command
	assert_output ''
	[[ "$stderr" == "dl-attach: fatal: unable to exec in container '$id': exec: \"no-such-command\": executable file not found in \$PATH" ]]
	run -126 --separate-stderr dl-attach -d "$id" /etc/passwd
	[[ "$stderr" == *'exec: "/etc/passwd": Permission denied' ]]
	run -126 --separate-stderr dl-attach -d -w /no/such/dir "$id" true
	[[ "$stderr" == *'chdir to cwd ("/no/such/dir"): No such file or directory' ]]
	# one that starts and runs long returns at once
	SECONDS=0
	run -0 --separate-stderr dl-attach -d "$id" sleep 30
	assert_output ''
	[ "$SECONDS" -lt 5 ]
}

@test "dl-attach: SIGTERM to dl-attach reaches the command" {
	local id pid rc=0 out=$BATS_TEST_TMPDIR/out
	id=$(running)
	dl-attach "$id" sh -c 'trap "echo got TERM; exit 3" TERM; echo ready
		while :; do sleep 0.1; done' >"$out" 2>&1 3>&- &
	pid=$!
	for _ in $(seq 50); do
		grep -q ready "$out" && break
		sleep 0.1
	done
	kill -TERM "$pid"
	wait "$pid" || rc=$?
	assert_equal "$rc" 3
	assert_equal "$(cat "$out")" 'ready
got TERM'
}

@test "dl-attach: the command is confined as the container: caps, seccomp, no_new_privs, namespaces, descriptors" {
	local id
	id=$(running '.process.noNewPrivileges = true')
	run -0 dl-attach "$id" sh -c 'grep -E "^(CapEff|CapBnd|NoNewPrivs|Seccomp):" /proc/self/status
		cat /proc/1/comm; hostname; ls /proc/self/fd'
	assert_output "CapEff:	00000000a80425fb
CapBnd:	00000000a80425fb
NoNewPrivs:	1
Seccomp:	2
dl-init
${id:0:12}
0
1
2
3"
}
