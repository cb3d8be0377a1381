#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# 302-run-flags.bats: the dl run flags of the process and the kernel:
# --stop-signal, --stop-timeout, --ulimit, --sysctl, --oom-score-adj,
# --cpuset-cpus, --cpu-shares, --memory-swap, --group-add, --cidfile; each
# seen from inside a real container, and each bad value refused.
# shellcheck disable=SC2016,SC2154 # scripts expand in the container; run sets $stderr

load helpers
load lib-btrfs
load lib-store

setup() {
	busybox_store
}

@test "--ulimit: soft and hard limits, unlimited, the last one wins" {
	run -0 dl run --rm --ulimit nofile=512:1024 --ulimit nproc=100 \
		--ulimit core=-1 busybox sh -c 'ulimit -n; ulimit -Hn; ulimit -u; ulimit -c'
	assert_output $'512\n1024\n100\nunlimited'
	run -0 dl run --rm --ulimit nofile=100 --ulimit nofile=200:300 busybox sh -c 'ulimit -n; ulimit -Hn'
	assert_output $'200\n300'
	run -125 --separate-stderr dl run --rm --ulimit nofiles=1 busybox true
	[[ "$stderr" == *"unable to set ulimit 'nofiles=1': not NAME=SOFT[:HARD]"* ]]
	run -125 --separate-stderr dl run --rm --ulimit nofile=20:10 busybox true
	[[ "$stderr" == *"the soft limit is above the hard one" ]]
	run -125 --separate-stderr dl run --rm --ulimit nofile=x busybox true
	store_is_clean
}

@test "--sysctl: net.* and IPC keys set in the container's namespaces only; host ones refused" {
	local shm port
	shm=$(cat /proc/sys/kernel/shmmax)
	port=$(cat /proc/sys/net/ipv4/ip_unprivileged_port_start)
	run -0 dl run --rm --sysctl net.ipv4.ip_unprivileged_port_start=80 \
		--sysctl kernel.shmmax=123456 --sysctl 'kernel.sem=250 32000 100 128' \
		busybox cat /proc/sys/net/ipv4/ip_unprivileged_port_start \
		/proc/sys/kernel/shmmax /proc/sys/kernel/sem
	assert_output $'80\n123456\n250\t32000\t100\t128'
	# the host's are untouched
	[ "$(cat /proc/sys/kernel/shmmax)" = "$shm" ]
	[ "$(cat /proc/sys/net/ipv4/ip_unprivileged_port_start)" = "$port" ]
	# detached too: the hook runs before the command
	dl run -d --name sy --sysctl kernel.shmmni=1234 busybox sleep 1000 >/dev/null
	run -0 dl exec sy cat /proc/sys/kernel/shmmni
	assert_output 1234
	dl rm -f sy
	run -125 --separate-stderr dl run --rm --sysctl kernel.hostname=x busybox true
	[[ "$stderr" == *"unable to set sysctl 'kernel.hostname': not one of the container's namespaces"* ]]
	run -125 --separate-stderr dl run --rm --network host --sysctl net.ipv4.ip_forward=1 busybox true
	[[ "$stderr" == *"unable to set sysctl 'net.ipv4.ip_forward'"* ]]
	run -125 --separate-stderr dl run --rm --sysctl '../x=1' busybox true
	[[ "$stderr" == *"not KEY=VALUE" ]]
	run -125 --separate-stderr dl run --rm --sysctl net.ipv4.no_such_key=1 busybox true
	[[ "$stderr" == *"unable to start container"* ]]
	store_is_clean
}

@test "--oom-score-adj, --cpuset-cpus, --cpu-shares, --memory-swap: in the process and its cgroup" {
	local id
	id=$(dl run -d --oom-score-adj 300 --cpuset-cpus 0 --cpu-shares 512 \
		-m 64m --memory-swap 128m busybox sleep 1000)
	run -0 dl exec "$id" sh -c 'cat /proc/1/oom_score_adj; grep Cpus_allowed_list /proc/self/status'
	assert_output $'300\nCpus_allowed_list:\t0'
	run -0 jq -c '.linux.resources | [.cpu.cpus, .cpu.shares, .memory.swap]' \
		"$DL_ROOT/containers/$id/spec.json"
	assert_output "[\"0\",512,$((128 * 1024 * 1024))]"
	run -0 grep -E '^lxc\.(cgroup2?\.cpu\.(shares|weight)|cgroup\.memory\.memsw\.limit_in_bytes|cgroup2\.memory\.swap\.max) = ' \
		"$DL_ROOT/containers/$id/config"
	assert_line --regexp '^lxc\.cgroup\.cpu\.shares = 512$|^lxc\.cgroup2\.cpu\.weight = 20$'
	dl rm -f "$id"
	run -125 dl run --rm --oom-score-adj 1001 busybox true
	run -125 dl run --rm --cpuset-cpus 0-99999 busybox true
	run -125 dl run --rm --cpuset-cpus 'a' busybox true
	run -125 dl run --rm --cpu-shares -1 busybox true
	run -125 --separate-stderr dl run --rm --memory-swap 64m busybox true
	[[ "$stderr" == *"--memory-swap needs --memory" ]]
	run -125 --separate-stderr dl run --rm -m 64m --memory-swap 32m busybox true
	[[ "$stderr" == *"--memory-swap must be at least --memory" ]]
	store_is_clean
}

# memsw NAME: the memory limit and the memory+swap limit of container NAME,
# as its cgroup has them (v1) or memory.max and memory+swap from
# memory.swap.max (v2); "max" for none
memsw() {
	dl exec "$1" sh -c '
		c=/sys/fs/cgroup/memory
		if [ -f $c/memory.limit_in_bytes ]; then
			m=$(cat $c/memory.limit_in_bytes)
			s=$(cat $c/memory.memsw.limit_in_bytes)
			[ "$m" -ge 9223372036854771712 ] && m=max
			[ "$s" -ge 9223372036854771712 ] && s=max
		else
			m=$(cat /sys/fs/cgroup/memory.max)
			s=$(cat /sys/fs/cgroup/memory.swap.max)
			[ "$m" = max ] || [ "$s" = max ] || s=$((m + s))
		fi
		echo "$m $s"'
}

@test "--memory, --memory-swap: HostConfig.MemorySwap as Docker shows it, the limit its cgroup has the same" {
	[ -f /sys/fs/cgroup/memory/memory.memsw.limit_in_bytes ] ||
		[ -f /sys/fs/cgroup/unified/memory.swap.max ] || [ -f /sys/fs/cgroup/memory.swap.max ] ||
		fail "the kernel accounts no swap (swapaccount=1)"
	local m=$((64 * 1024 * 1024))
	# --memory alone: memory and swap together twice the memory (Docker's
	# default: as much swap again)
	dl run -d --name ms1 -m 64m busybox sleep 1000 >/dev/null
	run -0 dl inspect -f '{{.HostConfig.Memory}} {{.HostConfig.MemorySwap}}' ms1
	assert_output "$m $((2 * m))"
	run -0 memsw ms1
	assert_output "$m $((2 * m))"
	# dl update -m: the same default for the new limit, both at once
	dl update -m 32m ms1 >/dev/null
	run -0 dl inspect -f '{{.HostConfig.Memory}} {{.HostConfig.MemorySwap}}' ms1
	assert_output "$((m / 2)) $m"
	run -0 memsw ms1
	assert_output "$((m / 2)) $m"
	# --memory-swap SIZE: that, memory and swap together
	dl run -d --name ms2 -m 64m --memory-swap 100m busybox sleep 1000 >/dev/null
	run -0 dl inspect -f '{{.HostConfig.MemorySwap}}' ms2
	assert_output $((100 * 1024 * 1024))
	run -0 memsw ms2
	assert_output "$m $((100 * 1024 * 1024))"
	# --memory-swap equal to --memory: no swap
	dl run -d --name ms3 -m 64m --memory-swap 64m busybox sleep 1000 >/dev/null
	run -0 dl inspect -f '{{.HostConfig.MemorySwap}}' ms3
	assert_output "$m"
	run -0 memsw ms3
	assert_output "$m $m"
	# -1: swap unlimited
	dl run -d --name ms4 -m 64m --memory-swap -1 busybox sleep 1000 >/dev/null
	run -0 dl inspect -f '{{.HostConfig.MemorySwap}}' ms4
	assert_output -1
	run -0 memsw ms4
	assert_output "$m max"
	# no memory limit: 0, and none
	dl run -d --name ms5 busybox sleep 1000 >/dev/null
	run -0 dl inspect -f '{{.HostConfig.Memory}} {{.HostConfig.MemorySwap}}' ms5
	assert_output '0 0'
	run -0 memsw ms5
	assert_output 'max max'
	# dl update -m of one made with --memory-swap: that swap limit stays,
	# as Docker's, and a memory above it is refused, nothing changed
	dl update -m 32m ms2 >/dev/null
	run -0 dl inspect -f '{{.HostConfig.Memory}} {{.HostConfig.MemorySwap}}' ms2
	assert_output "$((m / 2)) $((100 * 1024 * 1024))"
	run -0 memsw ms2
	assert_output "$((m / 2)) $((100 * 1024 * 1024))"
	run -2 --separate-stderr dl update -m 128m ms2
	assert_output ''
	assert_equal "$stderr" "dl update: fatal: unable to update container '$(dl inspect -f '{{.Id}}' ms2)': memory limit should be smaller than already set memoryswap limit, update the memoryswap at the same time"
	run -0 dl inspect -f '{{.HostConfig.Memory}} {{.HostConfig.MemorySwap}}' ms2
	assert_output "$((m / 2)) $((100 * 1024 * 1024))"
	run -0 memsw ms2
	assert_output "$((m / 2)) $((100 * 1024 * 1024))"
	# up to it, and kept at the next start
	dl update -m 100m ms2 >/dev/null
	dl restart -t 0 ms2 >/dev/null
	run -0 memsw ms2
	assert_output "$((100 * 1024 * 1024)) $((100 * 1024 * 1024))"
	# --memory-swap -1 stays unlimited
	dl update -m 32m ms4 >/dev/null
	run -0 dl inspect -f '{{.HostConfig.Memory}} {{.HostConfig.MemorySwap}}' ms4
	assert_output "$((m / 2)) -1"
	run -0 memsw ms4
	assert_output "$((m / 2)) max"
	run -0 dl update -m 1g ms4
	# --memory-swap with it: both, as Docker's; alone: for the limit it has
	run -0 dl update -m 128m --memory-swap 200m ms2
	run -0 dl inspect -f '{{.HostConfig.Memory}} {{.HostConfig.MemorySwap}}' ms2
	assert_output "$((2 * m)) $((200 * 1024 * 1024))"
	run -0 memsw ms2
	assert_output "$((2 * m)) $((200 * 1024 * 1024))"
	run -0 dl update --memory-swap 150m ms2
	run -0 memsw ms2
	assert_output "$((2 * m)) $((150 * 1024 * 1024))"
	run -0 dl update --memory-swap -1 ms2
	run -0 memsw ms2
	assert_output "$((2 * m)) max"
	run -0 dl update --memory-swap 0 ms2
	run -0 dl inspect -f '{{.HostConfig.MemorySwap}}' ms2
	assert_output -1
	run -2 --separate-stderr dl update --memory-swap 100m ms2
	[[ "$stderr" == *"minimum memoryswap limit should be larger than memory limit" ]]
	run -2 --separate-stderr dl update -m 64m --memory-swap 32m ms2
	[[ "$stderr" == *"minimum memoryswap limit should be larger than memory limit" ]]
	run -2 --separate-stderr dl update --memory-swap 100m ms5
	[[ "$stderr" == *"you should always set the memory limit when using memoryswap limit" ]]
	run -0 memsw ms5
	assert_output 'max max'
	run -0 memsw ms2
	assert_output "$((2 * m)) max"
	dl rm -f ms1 ms2 ms3 ms4 ms5 >/dev/null
	store_is_clean
}

@test "--group-add: by number and by the image's group name; an unknown name is refused" {
	run -0 dl run --rm --group-add 10 --group-add nogroup -u 1000 busybox id -G
	assert_output '0 10 65534'
	run -125 --separate-stderr dl run --rm --group-add no-such-group busybox true
	[[ "$stderr" == *"unable to add group 'no-such-group': no such group in the image" ]]
	store_is_clean
}

@test "--stop-signal, --stop-timeout, the image's StopSignal: what dl stop sends and waits" {
	local id
	id=$(dl run -d --stop-signal USR1 busybox sh -c 'trap "exit 9" USR1; while :; do sleep 0.05; done')
	sleep 0.3
	run -0 dl stop "$id"
	run -0 jq -r '.[0].State.ExitCode' < <(dl inspect "$id")
	assert_output 9
	run -0 jq -r '.[0].Config.StopSignal' < <(dl inspect "$id")
	assert_output USR1
	dl rm "$id"
	# ignores TERM: --stop-timeout 1 kills it after a second, not ten
	id=$(dl run -d --stop-timeout 1 busybox sh -c 'trap "" TERM; while :; do sleep 0.05; done')
	sleep 0.3
	SECONDS=0
	run -0 dl stop "$id"
	[ "$SECONDS" -lt 5 ]
	run -0 jq -r '.[0].State.ExitCode' < <(dl inspect "$id")
	assert_output 137
	dl rm "$id"
	# the image's StopSignal, and -t over --stop-timeout
	dl run --name sig busybox true
	dl commit -c 'STOPSIGNAL SIGUSR2' sig sigimg >/dev/null
	id=$(dl run -d --stop-timeout 30 sigimg sh -c 'trap "exit 12" USR2; while :; do sleep 0.05; done')
	sleep 0.3
	run -0 dl stop -t 2 "$id"
	run -0 jq -r '.[0].State.ExitCode' < <(dl inspect "$id")
	assert_output 12
	dl rm "$id" sig
	run -125 --separate-stderr dl run --rm --stop-signal NOPE busybox true
	[[ "$stderr" == *"unable to set stop signal 'NOPE': no such signal" ]]
	run -125 dl run --rm --stop-timeout x busybox true
}

@test "--cidfile: the ID written once the container exists; an existing file is refused before anything is made" {
	local f=$BATS_TEST_TMPDIR/cid id
	id=$(dl run -d --cidfile "$f" busybox sleep 1000)
	run -0 cat "$f"
	assert_output "$id"
	run -125 --separate-stderr dl run -d --cidfile "$f" busybox true
	[[ "$stderr" == *"unable to write container ID file '$f': it exists"* ]]
	dl rm -f "$id"
	store_is_clean
	# a failed create leaves no file
	rm "$f"
	run -125 dl run --cidfile "$f" busybox-no-such-image true
	[ ! -e "$f" ]
	run -125 dl run --cidfile "$f" --group-add no-such-group busybox true
	[ ! -e "$f" ]
	store_is_clean
}
