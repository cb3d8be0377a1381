#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# 303-run-ns-dev.bats: the dl run flags of namespaces, devices and sizes:
# --pid, --ipc, --device, --shm-size, and the zero values of --memory,
# --memory-swap and --cpus; each seen from inside a real container.
# shellcheck disable=SC2016,SC2154 # scripts expand in the container; run sets $stderr

load helpers
load lib-btrfs
load lib-store

setup() {
	busybox_store
}

teardown() {
	dl ps -aq 2>/dev/null | xargs -r dl rm -f >/dev/null 2>&1 || true
}

@test "--pid host: the host's PID namespace, Docker's capabilities still" {
	run -0 dl run --rm --pid host busybox readlink /proc/self/ns/pid
	assert_output "$(readlink /proc/self/ns/pid)"
	# the host's processes are seen: pid 1 is the host's init
	run -0 dl run --rm --pid host busybox cat /proc/1/comm
	assert_output "$(cat /proc/1/comm)"
	run -0 dl run --rm --pid host busybox grep CapEff /proc/self/status
	assert_output $'CapEff:\t00000000a80425fb'
	# without it: a namespace of its own
	run -0 dl run --rm busybox readlink /proc/self/ns/pid
	[ "$output" != "$(readlink /proc/self/ns/pid)" ]
	run -3 dl run --rm --pid host busybox sh -c 'exit 3'
	# detached: exec, stop and its status work as with a namespace of its own
	dl run -d --name ph --pid host busybox sleep 1000 >/dev/null
	run -0 dl exec ph readlink /proc/self/ns/pid
	assert_output "$(readlink /proc/self/ns/pid)"
	run -0 dl stop -t 1 ph
	run -0 dl inspect -f '{{.State.Status}} {{.HostConfig.PidMode}}' ph
	assert_output 'exited host'
	dl rm ph >/dev/null
	store_is_clean
}

@test "--pid container:NAME: another container's PID namespace" {
	dl run -d --name pa busybox sleep 1000 >/dev/null
	run -0 dl run --rm --pid container:pa busybox ps -o comm
	assert_line sleep
	run -0 dl exec pa readlink /proc/self/ns/pid
	local want=$output
	run -0 dl run --rm --pid container:pa busybox readlink /proc/self/ns/pid
	assert_output "$want"
	dl rm -f pa >/dev/null
	run -125 --separate-stderr dl run --rm --pid container:pa busybox true
	[[ "$stderr" == *"unable to use pid mode 'container:pa': no such container"* ]]
	run -125 --separate-stderr dl run --rm --pid nope busybox true
	[[ "$stderr" == *"unable to use pid mode 'nope': not host nor container:CONTAINER"* ]]
	store_is_clean
}

@test "--ipc host: the host's IPC namespace and /dev/shm" {
	run -0 dl run --rm --ipc host busybox readlink /proc/self/ns/ipc
	assert_output "$(readlink /proc/self/ns/ipc)"
	local f
	f=$(mktemp /dev/shm/dl-test.XXXXXX)
	run -0 dl run --rm --ipc host busybox ls "$f"
	rm -f "$f"
	run -0 dl run --rm --ipc private busybox readlink /proc/self/ns/ipc
	[ "$output" != "$(readlink /proc/self/ns/ipc)" ]
	run -0 dl run --rm --ipc shareable busybox readlink /proc/self/ns/ipc
	[ "$output" != "$(readlink /proc/self/ns/ipc)" ]
	# the host's IPC sysctls are no container's to set
	run -125 --separate-stderr dl run --rm --ipc host --sysctl kernel.shmmax=1234 busybox true
	[[ "$stderr" == *"unable to set sysctl 'kernel.shmmax'"* ]]
	run -125 --separate-stderr dl run --rm --ipc none busybox true
	[[ "$stderr" == *"unable to use ipc mode 'none'"* ]]
	store_is_clean
}

@test "--ipc container:NAME: its IPC namespace and its /dev/shm" {
	dl run -d --name ia --ipc shareable busybox sleep 1000 >/dev/null
	run -0 dl exec ia readlink /proc/self/ns/ipc
	local want=$output
	run -0 dl run --rm --ipc container:ia busybox readlink /proc/self/ns/ipc
	assert_output "$want"
	dl stop -t 0 ia >/dev/null
	dl rm ia >/dev/null
	# and its /dev/shm, both ways, as Docker's: its size, not our own
	dl run -d --name ia --ipc shareable --shm-size 32m busybox sh -c 'echo from-ia >/dev/shm/a; sleep 1000' >/dev/null
	run -0 dl run --rm --shm-size 128m --ipc container:ia busybox sh -c 'cat /dev/shm/a; echo from-joiner >/dev/shm/b; df -k /dev/shm'
	assert_line from-ia
	assert_line --regexp '^shm +32768 '
	run -0 dl exec ia cat /dev/shm/b
	assert_output from-joiner
	# private (the default) and shareable: a /dev/shm of their own
	run -0 dl run --rm busybox ls -A /dev/shm
	assert_output ''
	run -0 dl run --rm --ipc shareable busybox ls -A /dev/shm
	assert_output ''
	run -0 dl run --rm --ipc private busybox sh -c 'echo mine >/dev/shm/c; ls -A /dev/shm'
	assert_output c
	run -0 dl exec ia ls -A /dev/shm
	assert_output $'a\nb'
	# made while it runs, started once it is stopped: refused then, as
	# Docker's
	dl create --name ij --ipc container:ia busybox true >/dev/null
	dl stop -t 0 ia >/dev/null
	run -125 --separate-stderr dl run --rm --ipc container:ia busybox true
	[[ "$stderr" == *"cannot join IPC of a non running container"* ]]
	run -125 --separate-stderr dl start ij
	[[ "$stderr" == *"unable to start container '"*"': cannot join IPC of a non running container"* ]]
	dl rm ia ij >/dev/null
	store_is_clean
}

@test "--ipc container:NAME: a private IPC (dl's default) is no one's to join, as Docker's" {
	dl run -d --name ip0 busybox sleep 1000 >/dev/null
	dl run -d --name ip1 --ipc private busybox sleep 1000 >/dev/null
	run -0 dl inspect -f '{{.HostConfig.IpcMode}}' ip0
	assert_output private
	for d in ip0 ip1; do
		run -125 --separate-stderr dl run --rm --ipc "container:$d" busybox true
		assert_output ''
		[[ "$stderr" == *"unable to use ipc mode 'container:"*"': non-shareable IPC (hint: use IpcMode:shareable for the donor container)" ]]
		run -125 --separate-stderr dl create --ipc "container:$d" busybox true
		assert_output ''
		[[ "$stderr" == *"non-shareable IPC (hint: use IpcMode:shareable for the donor container)" ]]
	done
	# nothing was made
	assert_equal "$(find "$DL_ROOT/containers" -mindepth 1 -maxdepth 1 | wc -l)" 2
	# one that joins a shareable one may be joined in its turn, as the
	# host's
	dl run -d --name ip2 --ipc shareable busybox sleep 1000 >/dev/null
	dl run -d --name ip3 --ipc container:ip2 busybox sleep 1000 >/dev/null
	run -0 dl exec ip2 readlink /proc/self/ns/ipc
	local want=$output
	run -0 dl run --rm --ipc container:ip3 busybox readlink /proc/self/ns/ipc
	assert_output "$want"
	dl run -d --name ip4 --ipc host busybox sleep 1000 >/dev/null
	run -0 dl run --rm --ipc container:ip4 busybox readlink /proc/self/ns/ipc
	assert_output "$(readlink /proc/self/ns/ipc)"
	dl rm -f ip0 ip1 ip2 ip3 ip4 >/dev/null
	store_is_clean
}

@test "--device: the node in the container, readable and writable as asked" {
	run -0 dl run --rm --device /dev/zero busybox sh -c 'head -c 4 /dev/zero | od -An -tx1'
	assert_output ' 00 00 00 00'
	# at another path, and the cgroup lets it be used there
	run -0 dl run --rm --device /dev/full:/dev/myfull:rw busybox sh -c \
		'ls -l /dev/myfull; echo x 2>&1 >/dev/myfull || true'
	assert_output --partial '1,   7'
	assert_output --partial 'No space left on device'
	# read-only: writes refused by the devices cgroup
	run -0 dl run --rm --device /dev/full:r busybox sh -c 'head -c 1 /dev/full | od -An -tx1; echo x >/dev/full || echo refused'
	assert_output --partial refused
	assert_output --partial ' 00'
	run -0 dl run --rm --device /dev/zero:/tmp/z busybox sh -c 'head -c 1 /tmp/z | od -An -tx1'
	assert_output ' 00'
	store_is_clean
}

@test "--device: a loop device, a block node" {
	local img loop
	img="$BATS_TEST_TMPDIR/disk"
	head -c 1048576 /dev/zero >"$img"
	printf 'dockerlite' | dd of="$img" conv=notrunc status=none
	loop=$(losetup -f --show "$img")
	local mm
	mm=$(stat -c '%t %T' "$loop")
	run dl run --rm --device "$loop:/dev/xvda" busybox sh -c 'head -c 10 /dev/xvda; echo; test -b /dev/xvda && echo block'
	local with=$output st=$status
	# without it, the devices cgroup keeps it out, even as a node made
	run -0 dl run --rm busybox sh -c "mknod /tmp/b b $((0x${mm% *})) $((0x${mm#* })) && head -c 1 /tmp/b || echo refused"
	local without=$output
	losetup -d "$loop"
	[[ "$without" == *refused* ]]
	[ "$st" -eq 0 ]
	[ "$with" = $'dockerlite\nblock' ]
	store_is_clean
}

@test "--device: a path that is no device, bad permissions, a missing node" {
	run -125 --separate-stderr dl run --rm --device /etc/passwd busybox true
	[[ "$stderr" == *"unable to add device '/etc/passwd': not a device node" ]]
	run -125 --separate-stderr dl run --rm --device /dev/null:/dev/n:rwx busybox true
	[[ "$stderr" == *"unable to add device '/dev/null:/dev/n:rwx': invalid permissions 'rwx'"* ]]
	run -125 --separate-stderr dl run --rm --device /dev/null:/dev/n:rr busybox true
	[[ "$stderr" == *"invalid permissions"* ]]
	run -125 --separate-stderr dl run --rm --device /dev/no-such-node busybox true
	[[ "$stderr" == *"unable to add device '/dev/no-such-node': no such file or directory" ]]
	run -125 --separate-stderr dl run --rm --device dev/null busybox true
	[[ "$stderr" == *"absolute paths" ]]
	store_is_clean
}

@test "--shm-size: the size of /dev/shm, 64m by default as Docker" {
	run -0 dl run --rm busybox df -k /dev/shm
	assert_line --regexp '^shm +65536 '
	run -0 dl run --rm --shm-size 128m busybox df -k /dev/shm
	assert_line --regexp '^shm +131072 '
	run -0 dl run --rm --shm-size 0 busybox df -k /dev/shm
	assert_line --regexp '^shm +65536 '
	run -125 --separate-stderr dl run --rm --shm-size lots busybox true
	[[ "$stderr" == *"unable to set shm size 'lots': invalid size" ]]
	store_is_clean
}

@test "--memory 0, --memory-swap 0, --cpus 0: no limit, as Docker" {
	local id
	id=$(dl create --memory 0 --cpus 0 busybox true)
	run -0 jq -c '.linux.resources' "$DL_ROOT/containers/$id/spec.json"
	assert_output '{}'
	dl rm "$id" >/dev/null
	id=$(dl create --memory 64m --memory-swap 0 busybox true)
	run -0 jq -c '.linux.resources.memory' "$DL_ROOT/containers/$id/spec.json"
	assert_output '{"limit":67108864}'
	dl rm "$id" >/dev/null
	run -0 dl run --rm --memory 0 busybox true
	run -125 --separate-stderr dl run --rm --memory 1m busybox true
	[[ "$stderr" == *"the minimum is 6MB" ]]
	run -125 --separate-stderr dl run --rm --cpus -1 busybox true
	[[ "$stderr" == *"not a positive decimal number" ]]
	# a running container is given limits, not 0
	dl run -d --name u0 busybox sleep 1000 >/dev/null
	run -2 --separate-stderr dl update --memory 0 u0
	[[ "$stderr" == *"unable to set memory '0': the minimum is 6MB" ]]
	run -2 --separate-stderr dl update --cpus 0 u0
	[[ "$stderr" == *"unable to set cpus '0': the minimum is 0.01" ]]
	dl rm -f u0 >/dev/null
	store_is_clean
}

@test "dl inspect: HostConfig and Mounts carry the run flags, as podman inspect shows them" {
	command -v podman >/dev/null || fail "podman is not installed (make deps)"
	mkdir -p "$BATS_TEST_TMPDIR/conf"
	printf '[containers]\ndefault_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]\n' \
		>"$BATS_TEST_TMPDIR/conf/containers.conf"
	export CONTAINERS_CONF="$BATS_TEST_TMPDIR/conf/containers.conf"
	local p=(podman --root "$BATS_TEST_TMPDIR/root" --runroot "$BATS_TEST_TMPDIR/runroot" --storage-driver vfs --runtime runc)
	local flags=(-m 64m --memory-swap 128m --cpus 0.5 --cpuset-cpus 0 --cpu-shares 512
		--pids-limit 50 --sysctl kernel.shmmax=1234 --oom-score-adj 100
		--group-add 10 --device /dev/zero:/dev/z:r --shm-size 32m --pid host
		--tmpfs /run:size=1m --dns 1.1.1.1 --add-host a:1.2.3.4
		--stop-timeout 7 --stop-signal SIGINT -v /tmp:/h:ro)
	local t='{{.HostConfig.Memory}}|{{.HostConfig.MemorySwap}}|{{.HostConfig.NanoCpus}}|{{.HostConfig.CpusetCpus}}|{{.HostConfig.CpuShares}}|{{.HostConfig.PidsLimit}}|{{.HostConfig.OomScoreAdj}}|{{json .HostConfig.GroupAdd}}|{{range .HostConfig.Devices}}{{.PathOnHost}}:{{.PathInContainer}}{{end}}|{{.HostConfig.ShmSize}}|{{.HostConfig.PidMode}}|{{json .HostConfig.Dns}}|{{json .HostConfig.ExtraHosts}}|{{.Config.StopTimeout}}'
	dl create --name pm "${flags[@]}" busybox sleep 5 >/dev/null
	dl export pm | "${p[@]}" import -q - localhost/bb:1 >/dev/null
	"${p[@]}" create -q --name pm "${flags[@]}" localhost/bb:1 sleep 5 >/dev/null
	run -0 "${p[@]}" inspect -f "$t" pm
	local want=$output
	"${p[@]}" rm -f pm >/dev/null
	run -0 dl inspect -f "$t" pm
	assert_output "$want"
	# where podman is not Docker: Docker's own shapes
	run -0 dl inspect -f '{{json .HostConfig.Sysctls}}|{{json .HostConfig.Devices}}|{{json .HostConfig.Tmpfs}}|{{json .HostConfig.Binds}}|{{.Config.StopSignal}}|{{.HostConfig.IpcMode}}' pm
	assert_output '{"kernel.shmmax":"1234"}|[{"CgroupPermissions":"r","PathInContainer":"/dev/z","PathOnHost":"/dev/zero"}]|{"/run":"size=1m"}|["/tmp:/h:ro"]|SIGINT|private'
	dl rm pm >/dev/null
}

@test "dl inspect: Ulimits, caps, security options, volumes in Mounts, as Docker shows them" {
	dl volume create vv >/dev/null
	dl create --name ins --ulimit nofile=100:200 --cap-add NET_ADMIN --cap-drop CHOWN \
		--security-opt no-new-privileges --ipc host -v vv:/data -v /tmp:/h:ro busybox true >/dev/null
	run -0 dl inspect -f '{{json .HostConfig.Ulimits}}|{{json .HostConfig.CapAdd}}|{{json .HostConfig.CapDrop}}|{{json .HostConfig.SecurityOpt}}|{{.HostConfig.IpcMode}}|{{.HostConfig.ShmSize}}|{{.HostConfig.MemorySwap}}|{{.HostConfig.NanoCpus}}' ins
	assert_output '[{"Hard":200,"Name":"nofile","Soft":100}]|["NET_ADMIN"]|["CHOWN"]|["no-new-privileges"]|host|67108864|0|0'
	run -0 dl inspect -f '{{range .Mounts}}{{.Type}} {{.Source}} {{.Destination}} {{.RW}};{{end}}' ins
	assert_output "volume $DL_ROOT/volumes/vv/_data /data true;bind /tmp /h false;"
	run -0 dl inspect -f '{{with index .Mounts 0}}{{.Name}} {{.Driver}}{{end}}' ins
	assert_output 'vv local'
	dl rm ins >/dev/null
	dl volume rm vv >/dev/null
}
