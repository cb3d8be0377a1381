#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# 300-run.bats: dl run end to end: flags, image config, exit codes, --rm,
# several images, concurrency.
# shellcheck disable=SC2016,SC2154 # scripts expand in the container; run sets $stderr

load helpers
load lib-btrfs

setup() {
	busybox_store
}

# store_has_no_container: nothing left in containers/, tmp/ or refs
store_has_no_container() {
	run -0 ls -A "$DL_ROOT/containers" "$DL_ROOT/tmp" "$DL_ROOT/refs/containers"
	assert_output "$DL_ROOT/containers:

$DL_ROOT/refs/containers:

$DL_ROOT/tmp:"
}

@test "dl run: runs the command and passes its output through" {
	run -0 --separate-stderr dl run --rm busybox echo hello
	assert_output hello
	assert_equal "$stderr" ''
	store_has_no_container
}

@test "dl run: the image's CMD runs when no command is given" {
	dl image create -c 'CMD ["echo","from","cmd"]' cmdimg \
		"$DL_ROOT/images/$(dl-ref-resolve busybox)/rootfs" >/dev/null
	run -0 dl run --rm cmdimg
	assert_output 'from cmd'
	run -0 dl run --rm cmdimg echo replaced
	assert_output replaced
}

@test "dl run: --entrypoint replaces the ENTRYPOINT and drops the image CMD" {
	dl image create -c 'ENTRYPOINT ["echo","ep"]' -c 'CMD ["c1"]' epimg \
		"$DL_ROOT/images/$(dl-ref-resolve busybox)/rootfs" >/dev/null
	run -0 dl run --rm epimg
	assert_output 'ep c1'
	run -0 dl run --rm epimg arg
	assert_output 'ep arg'
	run -0 dl run --rm --entrypoint /bin/echo epimg x
	assert_output x
}

@test "dl run: exit codes 0, 1, 42 are the command's" {
	run -0 dl run --rm busybox true
	run -1 dl run --rm busybox false
	run -42 dl run --rm busybox sh -c 'exit 42'
	store_has_no_container
}

@test "dl run: 127 for a command not found, 126 for one that cannot run" {
	run -127 --separate-stderr dl run --rm busybox no-such-command
	assert_output ''
	[[ "$stderr" == *"no-such-command"* ]]
	run -126 dl run --rm busybox /etc/passwd
	run -126 dl run --rm busybox /etc
	store_has_no_container
}

@test "dl run: 128+N when the command is killed by signal N" {
	run -137 dl run --rm busybox sh -c 'kill -KILL $$'
	run -143 dl run --rm busybox sh -c 'kill -TERM $$'
}

@test "dl run: an unknown image is 125 and leaves no container" {
	run -125 --separate-stderr dl run --rm no-such-image true
	assert_output ''
	[[ "$stderr" == *"fatal: unable to"*"no-such-image"* ]]
	store_has_no_container
	run -125 dl run no-such-image true
	store_has_no_container
}

@test "dl run: a bad option or no image is 125 (usage)" {
	run -125 --separate-stderr dl run --no-such-flag busybox true
	[[ "$stderr" == "dl run: usage: dl run "* ]]
	run -125 dl run
	run -125 dl run -e
	store_has_no_container
}

@test "dl run: a bad user is 125 and leaves no container" {
	run -125 --separate-stderr dl run --rm -u nosuchuser busybox id
	[[ "$stderr" == *"unable to find user 'nosuchuser'"* ]]
	store_has_no_container
}

@test "dl run: -u by name, by number, with a group; HOME follows the user" {
	run -0 dl run --rm -u nobody busybox sh -c 'id -u; id -g; echo $HOME'
	assert_output $'65534\n65534\n/nonexistent'
	run -0 dl run --rm -u 1234:5678 busybox sh -c 'id -u; id -g'
	assert_output $'1234\n5678'
	run -0 dl run --rm -u daemon:users busybox sh -c 'id -u; id -g'
	assert_output $'1\n100'
}

@test "dl run: -e K=V, -e K from the caller, --env-file; image ENV kept" {
	printf 'A=from-file\n# comment\n\nB\n' >"$BATS_TEST_TMPDIR/env"
	run -0 env B=from-host C=c dl run --rm -e X=1 -e C --env-file "$BATS_TEST_TMPDIR/env" \
		busybox sh -c 'echo $X $C $A $B; echo $PATH'
	assert_line --index 0 '1 c from-file from-host'
	assert_line --index 1 /usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
	# a variable unset in the caller is not set
	run -0 dl run --rm -e NOT_SET_ANYWHERE busybox sh -c 'echo ${NOT_SET_ANYWHERE-unset}'
	assert_output unset
}

@test "dl run: only the spec's environment is visible (no host leak)" {
	run -0 env LEAKME=1 dl run --rm busybox env
	refute_line --partial LEAKME
	assert_line --partial 'HOSTNAME='
	assert_line --partial 'PATH='
}

@test "dl run: -w sets the working directory and makes a missing one" {
	run -0 dl run --rm -w /tmp busybox pwd
	assert_output /tmp
	run -0 dl run --rm -w /new/dir busybox pwd
	assert_output /new/dir
	run -125 dl run --rm -w /etc/passwd busybox pwd
	store_has_no_container
}

@test "dl run: -h and --hostname" {
	run -0 dl run --rm -h myhost busybox hostname
	assert_output myhost
	run -0 dl run --rm --hostname=other busybox hostname
	assert_output other
}

@test "dl run: -v binds a host path read-write or read-only; a missing one is an error" {
	mkdir -p "$BATS_TEST_TMPDIR/vol"
	echo data >"$BATS_TEST_TMPDIR/vol/f"
	run -0 dl run --rm -v "$BATS_TEST_TMPDIR/vol:/mnt" busybox sh -c 'cat /mnt/f; echo new >/mnt/g'
	assert_output data
	assert_file_exists "$BATS_TEST_TMPDIR/vol/g"
	run -1 dl run --rm -v "$BATS_TEST_TMPDIR/vol:/mnt:ro" busybox sh -c 'echo x >/mnt/h'
	assert_file_not_exists "$BATS_TEST_TMPDIR/vol/h"
	run -125 dl run --rm -v "$BATS_TEST_TMPDIR/missing:/mnt" busybox true
	assert_file_not_exists "$BATS_TEST_TMPDIR/missing"
	store_has_no_container
}

@test "dl run: --mount, --tmpfs and --read-only" {
	mkdir -p "$BATS_TEST_TMPDIR/m"
	run -0 dl run --rm --mount "type=bind,source=$BATS_TEST_TMPDIR/m,target=/m,readonly" \
		busybox sh -c 'grep " /m " /proc/mounts'
	assert_output --partial ' ro,'
	run -0 dl run --rm --tmpfs /scratch busybox sh -c 'grep " /scratch " /proc/mounts'
	assert_output --partial tmpfs
	run -1 dl run --rm --read-only busybox touch /x
	run -0 dl run --rm --read-only --tmpfs /tmp busybox touch /tmp/x
}

@test "dl run: -i passes stdin byte-exact; without -i stdin is empty" {
	head -c 3000000 /dev/urandom >"$BATS_TEST_TMPDIR/in"
	dl run --rm -i busybox cat <"$BATS_TEST_TMPDIR/in" >"$BATS_TEST_TMPDIR/out"
	cmp "$BATS_TEST_TMPDIR/in" "$BATS_TEST_TMPDIR/out"
	run -0 dl run --rm busybox sh -c 'wc -c' <"$BATS_TEST_TMPDIR/in"
	assert_output 0
}

@test "dl run: stdout and stderr stay apart" {
	run -0 --separate-stderr dl run --rm busybox sh -c 'echo out; echo err >&2'
	assert_output out
	assert_equal "$stderr" err
}

@test "dl run: -t gives the command a real terminal with TERM=xterm" {
	command -v script >/dev/null || skip "script(1) is not installed"
	run -0 script -qec "dl run --rm -t busybox sh -c 'test -t 0 && test -t 1 && echo tty \$TERM; stty size'" /dev/null
	assert_output --partial 'tty xterm'
}

@test "dl run: SIGTERM sent to dl run reaches the command" {
	dl run --rm busybox sh -c 'trap "echo got-term; exit 3" TERM; echo ready; while :; do sleep 0.1; done' \
		>"$BATS_TEST_TMPDIR/out" 3>&- &
	local pid=$! i
	for i in $(seq 100); do
		grep -q ready "$BATS_TEST_TMPDIR/out" 2>/dev/null && break
		sleep 0.1
	done
	kill -TERM "$pid"
	local rc=0
	wait "$pid" || rc=$?
	assert_equal "$rc" 3
	assert_file_contains "$BATS_TEST_TMPDIR/out" got-term
}

@test "dl run: PID 1 reaps orphaned zombies" {
	run -0 dl run --rm busybox sh -c '(sleep 0.2 &) ; sleep 1; ps -o stat,comm | grep -c "^Z" || true'
	assert_output 0
}

@test "dl run: --rm removes the container; without it the container stays, exited" {
	run -0 dl run --name keepme busybox true
	run -0 dl ps -a --format json
	assert_output --partial '"Name":"/keepme"'
	run -0 dl rm keepme
	store_has_no_container
}

@test "dl run: --name twice is a conflict (125) and the first keeps its name" {
	dl run --name dup busybox true
	run -125 --separate-stderr dl run --name dup busybox true
	[[ "$stderr" == *"dup"* ]]
	run -0 dl rm dup
	store_has_no_container
}

@test "dl run: -d prints the 64-hex ID; the output goes to dl logs" {
	run -0 dl run -d busybox sh -c 'echo one; echo two >&2'
	[[ "$output" =~ ^[0-9a-f]{64}$ ]]
	local id=$output
	run -0 dl wait "$id"
	assert_output 0
	run -0 dl logs "$id"
	assert_line one
	assert_line two
	dl rm "$id"
}

@test "dl run: -d --rm removes the container when it exits" {
	run -0 dl run -d --rm busybox true
	local id=$output i
	for i in $(seq 100); do
		[ -d "$DL_ROOT/containers/$id" ] || break
		sleep 0.1
	done
	assert_dir_not_exists "$DL_ROOT/containers/$id"
}

@test "dl run: --rm after a failed start leaves nothing" {
	run -127 dl run --rm busybox no-such-command
	run -127 dl run -d --rm busybox no-such-command
	store_has_no_container
}

@test "dl run: --memory 64m OOM-kills a process allocating more (137)" {
	run -137 dl run --rm --memory 64m busybox sh -c 'x=$(head -c 200000000 /dev/zero | tr "\0" a); echo survived'
	refute_output --partial survived
}

@test "dl run: --pids-limit stops a fork bomb, the container survives" {
	local bomb='for i in $(seq 60); do sleep 3 & done; echo all-forked'
	# without a limit the 60 forks succeed
	run -0 dl run --rm busybox sh -c "$bomb"
	assert_output all-forked
	# with one, forking fails inside the container only
	run -2 --separate-stderr dl run --rm --pids-limit 20 busybox sh -c "$bomb"
	refute_output all-forked
	[[ "$stderr" == *"can't fork"* ]]
	run -0 dl run --rm busybox echo still-fine
}

@test "dl run: --cpus and --memory land in the container's cgroup" {
	run -0 dl run --rm --cpus 0.5 --memory 32m busybox true
}

@test "dl run: IMG1+IMG2 lays the later image over the first, with its config" {
	local base d="$BATS_TEST_TMPDIR/layer"
	base="$DL_ROOT/images/$(dl-ref-resolve busybox)/rootfs"
	mkdir -p "$d/opt/app" "$d/etc"
	echo app >"$d/opt/app/file"
	echo overridden >"$d/etc/motd"
	dl image create -c 'CMD ["cat","/opt/app/file"]' -c 'ENV FROM=layer' layer "$d" >/dev/null
	run -0 dl run --rm busybox+layer
	assert_output app
	run -0 dl run --rm busybox+layer sh -c 'cat /etc/motd; echo $FROM; test -x /bin/busybox && echo base'
	assert_output $'overridden\nlayer\nbase'
	run -0 dl inspect --type image layer
	test -d "$base/bin"
	run -125 dl run --rm busybox+no-such-image true
	store_has_no_container
}

@test "dl run: 8 concurrent runs of the same image do not collide" {
	local i
	for i in 1 2 3 4 5 6 7 8; do
		dl run --rm busybox sh -c "echo run-$i" >"$BATS_TEST_TMPDIR/out.$i" 3>&- &
	done
	wait
	for i in 1 2 3 4 5 6 7 8; do
		assert_equal "$(cat "$BATS_TEST_TMPDIR/out.$i")" "run-$i"
	done
	store_has_no_container
}

@test "dl run: --network none has loopback only, --network host the host's" {
	run -0 dl run --rm --network none busybox sh -c 'ls /sys/class/net'
	assert_output lo
	run -0 dl run --rm --network host busybox sh -c 'ls /sys/class/net | wc -l'
	[ "$output" -eq "$(find /sys/class/net -mindepth 1 -maxdepth 1 | wc -l)" ]
}

@test "dl create: makes a container without starting it; dl start -a runs it" {
	run -0 dl create --name made busybox sh -c 'echo started; exit 7'
	[[ "$output" =~ ^[0-9a-f]{64}$ ]]
	run -0 dl ps -a
	assert_line --regexp 'Created +made$'
	run -7 dl start -a made
	assert_output started
	run -0 dl ps -a
	assert_line --regexp 'Exited \(7\) .* made$'
	dl rm made
}

@test "dl run: options from the user's argv as given, --env-file and bundled flags" {
	printf '# vars\nA=1\n\nB=x y\n' >"$BATS_TEST_TMPDIR/env"
	run -0 --separate-stderr dl run --rm --env-file="$BATS_TEST_TMPDIR/env" \
		-h box -e C busybox sh -c 'echo "$A/$B/${C-unset}/$(hostname)"'
	assert_output '1/x y/unset/box'
	C=from-here run -0 dl run --rm -e C busybox sh -c 'echo "$C"'
	assert_output from-here
	run -0 dl run --rm -i busybox cat <<<piped
	assert_output piped
	store_has_no_container
}

@test "dl run: an exported DL_RUN_MODE does not turn it into dl create" {
	DL_RUN_MODE=create run -0 --separate-stderr dl run --rm busybox echo ran
	assert_output ran
	store_has_no_container
}

@test "dl exec: -e '' is 125 with one message, no shell error" {
	dl run -d --name exe busybox sleep 1000 >/dev/null
	run -125 --separate-stderr dl exec -e '' exe true
	assert_output ''
	assert_equal "$stderr" "dl exec: fatal: unable to set variable '': empty name"
	run -125 --separate-stderr dl exec -e 1x exe true
	assert_equal "$stderr" "dl exec: fatal: unable to set variable '1x': not a valid name"
	V='a b' run -0 dl exec -e V -e W=2 exe sh -c 'echo "$V/$W"'
	assert_output 'a b/2'
	dl rm -f exe >/dev/null
}

@test "dl run: a bad option value is 125 and names dl run" {
	run -125 --separate-stderr dl run --rm -w rel busybox true
	assert_output ''
	assert_equal "$stderr" "dl run: fatal: unable to use working directory 'rel': it needs to be an absolute path"
	run -125 --separate-stderr dl run --rm nosuch true
	assert_equal "$stderr" "dl run: fatal: unable to resolve 'nosuch': no such image"
	store_has_no_container
}
