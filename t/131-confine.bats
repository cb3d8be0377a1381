#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# 131-confine.bats: what dl-spawn's containers may and may not do, checked
# from inside: capabilities, seccomp, masked and read-only paths, devices,
# descriptors, privileged, limits, mounts, network.
# shellcheck disable=SC2016,SC2154 # scripts expand in the container; run sets $stderr

load helpers
load lib-btrfs
load lib-store
load lib-spawn

# with_probe ID: put the static probe in the container's root as /probe
with_probe() {
	build_probe
	cp "$BATS_FILE_TMPDIR/probe" "$(cdir "$1")/rootfs/probe"
}

@test "confine: Docker's 14 capabilities, nothing inheritable or ambient" {
	local id
	id=$(mk_sh 'grep ^Cap /proc/self/status')
	run -0 dl-spawn "$id"
	assert_output "CapInh:	0000000000000000
CapPrm:	00000000a80425fb
CapEff:	00000000a80425fb
CapBnd:	00000000a80425fb
CapAmb:	0000000000000000"
}

@test "confine: a seccomp filter; no_new_privs only when the spec asks" {
	local id
	id=$(mk_sh 'grep -E "^(Seccomp|NoNewPrivs):" /proc/self/status')
	run -0 dl-spawn "$id"
	assert_output "NoNewPrivs:	0
Seccomp:	2"
	id=$(mk_sh 'grep -E "^(Seccomp|NoNewPrivs):" /proc/self/status' \
		'.process.noNewPrivileges = true')
	run -0 dl-spawn "$id"
	assert_output "NoNewPrivs:	1
Seccomp:	2"
}

@test "confine: one filter, loaded by dl's init, compiled once per profile and cached in the store" {
	local id share bpf other prof
	id=$(mk_sh 'grep -E "^Seccomp(_filters)?:" /proc/self/status')
	run -0 dl-spawn "$id"
	assert_output "Seccomp:	2
Seccomp_filters:	1"
	# liblxc compiles nothing: the config names no profile
	run -1 grep -c seccomp "$(cdir "$id")/config"
	bpf=$(find "$DL_ROOT/cache/seccomp" -name '*.bpf')
	[ "$(printf '%s\n' "$bpf" | wc -l)" -eq 1 ]
	# the header, the profile the start used, whole, then the program
	prof="$(cdir "$id")/seccomp"
	run -0 head -n 1 "$bpf"
	assert_output --regexp "^dl-seccomp 1 [0-9]+ [0-9.]+ $(stat -c %s "$prof")\$"
	[ "$(tail -n +2 "$bpf" | head -c "$(stat -c %s "$prof")" | cmp - "$prof" && echo same)" = same ]
	# the next start uses it, as it is
	touch -d @1 "$bpf"
	id=$(mk_sh 'true')
	run -0 dl-spawn "$id"
	[ "$(stat -c %Y "$bpf")" -eq 1 ]
	[ "$(find "$DL_ROOT/cache/seccomp" -type f | wc -l)" -eq 1 ]
	# a damaged one is compiled again, whole
	head -c 200 "$bpf" >"$bpf.cut" && mv "$bpf.cut" "$bpf"
	id=$(mk_sh 'grep -E "^Seccomp:" /proc/self/status; mkdir /x && echo mkdir ok')
	run -0 dl-spawn "$id"
	assert_output "Seccomp:	2
mkdir ok"
	[ "$(stat -c %s "$bpf")" -gt $(($(stat -c %s "$prof") + 100)) ]
	# another profile, another program: its rules hold at once
	share=$BATS_TEST_TMPDIR/share
	mkdir -p "$share"
	cp "$DL_TOP/share/dl-sh-setup" "$share/"
	{ cat "$DL_TOP/share/dl.seccomp"; printf 'mkdir errno 13\nmkdirat errno 13\n'; } \
		>"$share/dl.seccomp"
	id=$(mk_sh 'mkdir /x 2>&1')
	DL_SHAREDIR=$share run -1 dl-spawn "$id"
	assert_output "mkdir: can't create directory '/x': Permission denied"
	[ "$(find "$DL_ROOT/cache/seccomp" -name '*.bpf' | wc -l)" -eq 2 ]
	# a file of another profile at our name is not used: ours is made
	other=$(find "$DL_ROOT/cache/seccomp" -name '*.bpf' ! -path "$bpf")
	cp "$other" "$bpf"
	id=$(mk_sh 'mkdir /x && echo mkdir ok')
	run -0 dl-spawn "$id"
	assert_output "mkdir ok"
	[ "$(tail -n +2 "$bpf" | head -c "$(stat -c %s "$prof")" | cmp - "$prof" && echo same)" = same ]
	# a profile that is not one stops the start, and says why
	printf '2\ndenylist\nmkdir errno x\n' >"$share/dl.seccomp"
	id=$(mk_sh 'true')
	DL_SHAREDIR=$share run -125 --separate-stderr dl-spawn "$id"
	assert_equal "$stderr" "dl-spawn: fatal: unable to start container '$id': line 3: not NAME errno N|kill|trap|allow"
}

@test "confine: keys, BPF, perf, userfaultfd, io_uring, namespaces, mount, AF_ALG and AF_VSOCK are refused" {
	local id
	id=$(mk_container '.process.args = ["/probe"]')
	with_probe "$id"
	run -0 dl-spawn "$id"
	assert_output "keyctl EPERM
add_key EPERM
bpf EPERM
perf_event_open EPERM
userfaultfd EPERM
io_uring_setup EPERM
unshare_user EPERM
unshare_ns EPERM
mount EPERM
socket_alg EPERM
socket_vsock EPERM
socket_inet ok
clone_newuser EPERM
fork ok
open_by_handle_at EPERM
kexec_load EPERM
init_module EPERM"
}

@test "confine: /sys and /proc/sys are read-only" {
	local id
	id=$(mk_sh 'awk "\$5 == \"/sys\" || \$5 == \"/proc/sys\" { print \$5, substr(\$6, 1, 3) }" /proc/self/mountinfo | sort -u
		echo x 2>/dev/null >/proc/sys/kernel/hostname || echo refused
		touch /sys/kernel/x 2>/dev/null || echo refused')
	run -0 dl-spawn "$id"
	assert_line --index 0 '/proc/sys ro,'
	assert_line --index 1 '/sys ro,'
	assert_line --index 2 'refused'
	assert_line --index 3 'refused'
}

@test "confine: /proc/keys, /proc/timer_list, /proc/acpi and /sys/firmware are masked; /proc/bus is read-only" {
	local id
	id=$(mk_sh 'cat /proc/keys /proc/timer_list | wc -c
		ls -A /proc/acpi /sys/firmware | grep -v : | grep -c . || true
		awk "\$5 == \"/proc/bus\" { print substr(\$6, 1, 3) }" /proc/self/mountinfo')
	run -0 dl-spawn "$id"
	assert_output "0
0
ro,"
}

@test "confine: /dev holds only the standard nodes" {
	local id
	id=$(mk_sh 'find /dev -type c -o -type b | sort')
	run -0 dl-spawn "$id"
	assert_output "/dev/full
/dev/null
/dev/ptmx
/dev/pts/ptmx
/dev/random
/dev/tty
/dev/urandom
/dev/zero"
}

@test "confine: a device node may be made but not opened (devices cgroup)" {
	local id
	id=$(mk_sh 'mknod /tmp/kmsg c 1 11 && echo made
		head -c 1 /tmp/kmsg 2>&1 || true
		mknod /tmp/sda b 8 0 && echo made
		head -c 1 /tmp/sda 2>&1 || true')
	run -0 dl-spawn "$id"
	assert_line --index 0 'made'
	assert_line --index 1 --partial 'Operation not permitted'
	assert_line --index 2 'made'
	assert_line --index 3 --partial 'Operation not permitted'
}

@test "confine: the command has descriptors 0, 1 and 2 only" {
	local id
	id=$(mk_container '.process.args = ["ls", "/proc/self/fd"]')
	# descriptors of ours must not leak in either
	exec 7</dev/null
	run -0 dl-spawn "$id"
	exec 7<&-
	# 3 is ls's own directory
	assert_output '0
1
2
3'
}

@test "confine: privileged: every capability, no seccomp, no masks, rw /sys, all devices" {
	local id bnd
	bnd=$(awk '/^CapBnd/ { print $2 }' /proc/self/status)
	id=$(mk_sh 'grep -E "^(CapEff|Seccomp):" /proc/self/status
		grep -c " /proc/keys " /proc/self/mountinfo || true
		awk "\$5 == \"/sys\" { print substr(\$6, 1, 3) }" /proc/self/mountinfo
		mknod /tmp/kmsg c 1 11 && head -n 1 /tmp/kmsg >/dev/null && echo opened' \
		'.annotations["org.dockerlite.privileged"] = "true" |
		 .process.capabilities = null')
	run -0 dl-spawn "$id"
	assert_output "CapEff:	$bnd
Seccomp:	0
0
rw,
opened"
}

@test "confine: cap-add and cap-drop change the mask exactly" {
	local id
	id=$(mk_sh 'grep -E "^Cap(Eff|Bnd):" /proc/self/status
		touch /tmp/f; chown 65534 /tmp/f 2>&1 || true' \
		'.process.capabilities.bounding |= (map(select(. != "CAP_CHOWN")) + ["CAP_NET_ADMIN"])')
	run -0 dl-spawn "$id"
	assert_line --index 0 'CapEff:	00000000a80435fa'
	assert_line --index 1 'CapBnd:	00000000a80435fa'
	assert_line --index 2 --partial 'Operation not permitted'
}

@test "confine: with CAP_SYS_ADMIN, mount and unshare are allowed; keys stay refused" {
	local id
	id=$(mk_container '.process.args = ["/probe"] |
		.process.capabilities.bounding += ["CAP_SYS_ADMIN"]')
	with_probe "$id"
	run -0 dl-spawn "$id"
	assert_line 'keyctl EPERM'
	assert_line 'unshare_ns ok'
	assert_line 'mount ok'
	assert_line 'bpf EPERM'
}

@test "confine: a memory limit OOM-kills what allocates more (137)" {
	local id
	id=$(mk_sh 'x=$(head -c 200m /dev/zero | tr "\0" a); echo survived ${#x}' \
		'.linux.resources.memory.limit = 67108864')
	run -137 dl-spawn "$id"
	refute_output --partial survived
}

@test "confine: a pids limit stops a fork bomb; the container survives" {
	local id
	id=$(mk_sh '(i=0; while [ $i -lt 100 ]; do sleep 5 & i=$((i + 1)); done) 2>/dev/null
		echo alive; cat /sys/fs/cgroup/pids/pids.max 2>/dev/null ||
		cat /sys/fs/cgroup/pids.max' '.linux.resources.pids.limit = 20')
	SECONDS=0
	run -0 dl-spawn "$id"
	assert_output 'alive
20'
	[ "$SECONDS" -lt 5 ]
}

@test "confine: a CPU quota reaches the container's cgroup" {
	local id
	id=$(mk_sh 'cat /sys/fs/cgroup/cpu/cpu.cfs_quota_us 2>/dev/null ||
		cut -d" " -f1 /sys/fs/cgroup/cpu.max' \
		'.linux.resources.cpu = {quota: 50000, period: 100000}')
	run -0 dl-spawn "$id"
	assert_output 50000
}

@test "confine: bind mounts, read-only and read-write" {
	local id h=$BATS_TEST_TMPDIR/host
	mkdir -p "$h/ro" "$h/rw"
	echo data >"$h/ro/file"
	echo one >"$h/single"
	id=$(mk_sh 'cat /in/file; echo x 2>/dev/null >/in/new || echo refused
		echo written >/out/file; cat /etc/single' \
		'.mounts = [{destination: "/in", type: "bind", source: $ro,
			options: ["rbind", "ro"]},
		{destination: "/out", type: "bind", source: $rw,
			options: ["rbind", "rprivate"]},
		{destination: "/etc/single", type: "bind", source: $single,
			options: ["rbind", "ro"]}]' \
		--arg ro "$h/ro" --arg rw "$h/rw" --arg single "$h/single")
	run -0 dl-spawn "$id"
	assert_output 'data
refused
one'
	assert_file_not_exists "$h/ro/new"
	assert_equal "$(cat "$h/rw/file")" written
}

@test "confine: a missing bind source exits 125 and starts nothing" {
	local id
	id=$(mk_container '.mounts = [{destination: "/data", type: "bind",
		source: "/no/such/dir", options: ["rbind"]}]')
	run -125 --separate-stderr dl-spawn "$id"
	assert_output ''
	[[ "$stderr" == "dl-spawn: fatal: unable to start container '$id': invalid mount config for type \"bind\": bind source path does not exist: /no/such/dir" ]]
	assert_file_not_exists "$(cdir "$id")/state.json"
	assert_file_not_exists "$(cdir "$id")/rootfs/data"
	assert_file_not_exists /no/such/dir
}

@test "confine: tmpfs mounts with their options" {
	local id
	id=$(mk_sh 'awk "\$5 == \"/scratch\" { print \$9, \$6 }" /proc/self/mountinfo
		head -c 2m /dev/zero >/scratch/big 2>/dev/null || echo full' \
		'.mounts = [{destination: "/scratch", type: "tmpfs", source: "tmpfs",
			options: ["nosuid", "nodev", "size=1m"]}]')
	run -0 dl-spawn "$id"
	assert_line --index 0 --regexp '^tmpfs rw,nosuid,nodev'
	assert_line --index 1 full
}

@test "confine: a read-only root refuses writes, except to its mounts" {
	local id
	id=$(mk_sh 'touch /x 2>&1 || true; touch /tmp/x 2>&1 || true
		touch /dev/shm/x /scratch/x && echo mounts-ok' \
		'.root.readonly = true | .mounts = [{destination: "/scratch",
			type: "tmpfs", source: "tmpfs", options: []}]')
	run -0 dl-spawn "$id"
	assert_line --index 0 --partial 'Read-only file system'
	assert_line --index 1 --partial 'Read-only file system'
	assert_line --index 2 mounts-ok
	assert_file_not_exists "$(cdir "$id")/rootfs/x"
}

@test "confine: network none has loopback only; host shares the host's" {
	local id host
	id=$(mk_sh 'tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d " "')
	run -0 dl-spawn "$id"
	assert_output lo
	host=$(tail -n +3 /proc/net/dev | wc -l)
	id=$(mk_sh 'tail -n +3 /proc/net/dev | wc -l' \
		'.annotations["org.dockerlite.network"] = "host"')
	run -0 dl-spawn "$id"
	assert_output "$host"
}
