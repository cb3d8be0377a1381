#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# 310-lifecycle.bats: dl ps, exec, logs, stop, kill, wait, rm, inspect,
# commit, diff and cp on real containers.
# shellcheck disable=SC2016,SC2154 # scripts expand in the container; run sets $stderr

load helpers
load lib-btrfs

setup() {
	busybox_store
}

# start_sleeper NAME: a detached container that runs until stopped
start_sleeper() {
	dl run -d --name "$1" busybox sh -c 'echo up; while :; do sleep 0.1; done'
}

@test "dl ps: running containers only, -a all, -q IDs, --no-trunc, --format json" {
	local id
	id=$(start_sleeper runner)
	dl run --name finished busybox true
	run -0 dl ps
	assert_line --index 0 --regexp '^CONTAINER ID +IMAGE +COMMAND +CREATED +STATUS +PORTS +NAMES$'
	assert_line --regexp "^${id:0:12} +busybox +\"sh -c .*Up .* runner$"
	refute_line --partial ' finished'
	run -0 dl ps -a
	assert_line --regexp 'Exited \(0\) .* finished$'
	run -0 dl ps -q
	assert_output "${id:0:12}"
	run -0 dl ps -q --no-trunc
	assert_output "$id"
	run -0 dl ps -a --format json
	run -0 jq -r '.[] | .Name + " " + .State.Status' <<<"$output"
	assert_line '/runner running'
	assert_line '/finished exited'
	dl rm -f runner finished
}

@test "dl exec: runs in the container with its env; exit codes 0/42/126/127" {
	start_sleeper ex >/dev/null
	run -0 dl exec ex sh -c 'echo $PATH; hostname'
	assert_line --index 0 /usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
	run -42 dl exec ex sh -c 'exit 42'
	run -127 dl exec ex no-such-command
	run -126 dl exec ex /etc/passwd
	run -126 dl exec -w /no/such/dir ex pwd
	run -0 dl exec -w /tmp -e FOO=bar -u nobody ex sh -c 'pwd; echo $FOO; id -u'
	assert_output $'/tmp\nbar\n65534'
	echo piped | dl exec -i ex cat >"$BATS_TEST_TMPDIR/o"
	assert_file_contains "$BATS_TEST_TMPDIR/o" piped
	dl rm -f ex
}

@test "dl exec: a container not running is 125; an unknown one too" {
	dl create --name stopped busybox true >/dev/null
	run -125 --separate-stderr dl exec stopped true
	assert_output ''
	run -125 dl exec no-such-container true
	dl rm stopped
}

@test "dl logs: whole log, --tail, -f until the container stops" {
	local id
	id=$(dl run -d busybox sh -c 'for i in 1 2 3 4 5; do echo line$i; done; sleep 1; echo last')
	run -0 dl logs -f "$id"
	assert_line --index 0 line1
	assert_line last
	run -0 dl logs --tail 2 "$id"
	assert_output $'line5\nlast'
	dl rm "$id"
}

@test "dl stop: SIGTERM first; SIGKILL after -t when ignored (137)" {
	start_sleeper polite >/dev/null
	run -0 dl stop -t 5 polite
	assert_output polite
	run -0 dl wait polite
	assert_output 143
	dl run -d --name stubborn busybox sh -c 'trap "" TERM; while :; do sleep 0.1; done' >/dev/null
	SECONDS=0
	run -0 dl stop -t 1 stubborn
	[ "$SECONDS" -lt 10 ]
	run -0 dl wait stubborn
	assert_output 137
	dl rm polite stubborn
}

@test "dl kill: signals by name and number; -s default KILL" {
	dl run -d --name k busybox sh -c 'trap "exit 10" HUP; trap "exit 12" USR2; while :; do sleep 0.1; done' >/dev/null
	sleep 0.5
	run -0 dl kill -s HUP k
	run -0 dl wait k
	assert_output 10
	dl start k >/dev/null
	sleep 0.5
	run -0 dl kill -s 12 k
	run -0 dl wait k
	assert_output 12
	dl start k >/dev/null
	run -0 dl kill k
	run -0 dl wait k
	assert_output 137
	run -1 dl kill k
	run -2 dl kill -s NOSUCHSIG k
	dl rm k
}

@test "dl rm: refuses a running container without -f; -f kills and removes" {
	start_sleeper busy >/dev/null
	run -3 --separate-stderr dl rm busy
	[[ "$stderr" == *"unable to remove container 'busy': container is running"* ]]
	run -0 dl rm -f busy
	assert_output busy
	run -0 ls -A "$DL_ROOT/containers"
	assert_output ''
	run -1 dl rm busy
}

@test "dl rm: deletes subvolumes the container made inside its root" {
	local id
	id=$(dl create --privileged busybox true)
	btrfs subvolume create "$DL_ROOT/containers/$id/rootfs/nested" >/dev/null
	btrfs subvolume create "$DL_ROOT/containers/$id/rootfs/nested/deeper" >/dev/null
	run -0 dl rm "$id"
	run -0 btrfs subvolume list "$DL_ROOT"
	refute_output --partial "$id"
}

@test "dl inspect: a container in Docker's shape; an image; unknown is 1" {
	local id
	id=$(dl create --name insp -e K=V -w /tmp busybox echo hi)
	run -0 dl inspect insp
	run -0 jq -r '.[0] | .Id, .Name, .State.Status, .Path, (.Args|join(" ")), .Config.WorkingDir, (.Config.Env|index("K=V") != null)' <<<"$output"
	assert_output "$id
/insp
created
echo
hi
/tmp
true"
	run -0 dl inspect busybox
	run -0 jq -r '.[0].RepoTags[0]' <<<"$output"
	assert_output busybox:latest
	run -1 dl inspect nothing-here
	dl rm insp
}

@test "dl commit: a read-only image of the container, with changes; history shows the parent" {
	dl run --name c1 busybox sh -c 'echo made >/made' >/dev/null
	run -0 dl commit -c 'CMD ["cat","/made"]' -m 'my commit' c1 committed:1
	[[ "$output" =~ ^[0-9a-f]{64}$ ]]
	local img=$output
	run -0 btrfs property get -ts "$DL_ROOT/images/$img/rootfs" ro
	assert_output ro=true
	run -0 dl run --rm committed:1
	assert_output made
	run -0 dl image history -q committed:1
	assert_line --index 0 "${img:0:12}"
	assert_line --index 1 "$(dl-ref-resolve busybox | cut -c1-12)"
	dl rm c1
}

@test "dl commit: subvolumes made inside the container are kept, never an empty dir" {
	local id
	id=$(dl create busybox true)
	btrfs subvolume create "$DL_ROOT/containers/$id/rootfs/sub" >/dev/null
	echo inside >"$DL_ROOT/containers/$id/rootfs/sub/f"
	dl commit "$id" withsub >/dev/null
	run -0 dl run --rm withsub cat /sub/f
	assert_output inside
	dl rm "$id"
}

@test "dl commit: a running container is paused while copied and runs after; --pause=false copies it running" {
	local id
	id=$(start_sleeper pz)
	run -0 dl commit pz paused:1
	run -0 dl commit -p pz paused:2
	run -0 dl commit --pause=true pz paused:3
	run -0 dl commit --pause=false pz running:1
	run -2 --separate-stderr dl commit --pause=maybe pz
	run -0 lxc-info -P "$DL_ROOT/containers" -n "$id" -sH
	assert_output RUNNING
	run -0 dl ps -q --no-trunc
	assert_output "$id"
	run -0 dl run --rm running:1 echo ok
	assert_output ok
	dl rm -f pz
}

@test "dl diff: A, C and D lines against the image; --format json" {
	dl run --name d1 busybox sh -c 'echo x >/tmp/new; rm /etc/group; echo y >>/etc/passwd' >/dev/null
	run -0 dl diff d1
	assert_line 'A /tmp/new'
	assert_line 'D /etc/group'
	assert_line 'C /etc/passwd'
	assert_line 'C /etc'
	run -0 dl diff --format json d1
	run -0 jq -r '.[] | select(.Path == "/tmp/new") | .Kind' <<<"$output"
	assert_output 1
	dl rm d1
}

@test "dl cp: in and out of a container; a container symlink never leads out" {
	local id
	id=$(dl create --name cp1 busybox true)
	echo host >"$BATS_TEST_TMPDIR/h"
	run -0 dl cp "$BATS_TEST_TMPDIR/h" cp1:/tmp/h
	assert_equal "$(cat "$DL_ROOT/containers/$id/rootfs/tmp/h")" host
	run -0 dl cp cp1:/etc/passwd "$BATS_TEST_TMPDIR/passwd"
	assert_file_contains "$BATS_TEST_TMPDIR/passwd" '^root:x:0:0'
	# a symlink SOURCE is copied as the link, never as the host file it names
	ln -s /etc/shadow "$DL_ROOT/containers/$id/rootfs/evil"
	run -0 dl cp cp1:/evil "$BATS_TEST_TMPDIR/evil"
	assert_output ''
	assert_link_exists "$BATS_TEST_TMPDIR/evil"
	assert_equal "$(readlink "$BATS_TEST_TMPDIR/evil")" /etc/shadow
	# a path through a container symlink resolves in the container's root
	ln -s /etc "$DL_ROOT/containers/$id/rootfs/evildir"
	run -0 dl cp cp1:/evildir/passwd "$BATS_TEST_TMPDIR/passwd2"
	cmp "$DL_ROOT/containers/$id/rootfs/etc/passwd" "$BATS_TEST_TMPDIR/passwd2"
	run -1 dl cp cp1:/evildir/shadow "$BATS_TEST_TMPDIR/shadow"
	assert_file_not_exists "$BATS_TEST_TMPDIR/shadow"
	run -1 dl cp cp1:/no/such "$BATS_TEST_TMPDIR/x"
	dl rm cp1
}

@test "dl start: restarts an exited container in the background" {
	dl run --name again busybox sh -c 'echo ran' >/dev/null
	run -0 dl start again
	assert_output again
	run -0 dl wait again
	assert_output 0
	run -0 dl logs again
	assert_line ran
	dl rm again
}

@test "dl ps: a container with a broken spec is warned about and hides no other" {
	dl create --name good busybox true >/dev/null
	local bad
	bad=$(dl create busybox true)
	printf '{broken' >"$DL_ROOT/containers/$bad/spec.json"
	run -0 --separate-stderr dl ps -a -q --no-trunc
	assert_output "$(dl-ref-get -c good)"
	[[ "$stderr" == *"warning: unable to read container '$bad'"* ]]
	run -4 --separate-stderr dl-container-inspect "$bad"
	[[ "$stderr" == *"fatal: unable to inspect container '$bad'"* ]]
	dl rm good
}
