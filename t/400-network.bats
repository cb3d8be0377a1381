#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# 400-network.bats: the bridge network: addresses from a lease store safe
# under concurrency, NAT to an "outside" host (a network namespace of the
# test), resolv.conf, hosts and hostname, unpublished ports closed from
# outside, leases reclaimed from killed supervisors, and the host's links,
# rules and leases back to what they were.  Traffic goes only to
# addresses the test made: its bridge, its containers, its namespace.
# shellcheck disable=SC2016,SC2154 # scripts expand in the container; run sets $stderr
# dl-test: serial

load helpers
load lib-btrfs
load lib-net

# this file's own bridge and subnet, and an "outside" namespace
BR=dlt400
SUBNET=10.199.40.0/24
OUT=dlt400out

setup_file() {
	dl_btrfs_setup
}

teardown_file() {
	ip netns del "$OUT" 2>/dev/null || true
	ip link del dlt400o0 2>/dev/null || true
	net_forget "$BR" "$SUBNET"
	ip link del dlt400b 2>/dev/null || true
	dl_btrfs_teardown
}

setup() {
	net_setup
}

teardown() {
	net_teardown
}

# leases: the addresses held on this file's bridge, one a line
leases() {
	local f
	for f in "/run/dockerlite/net/$BR"/*; do
		case "${f##*/}" in
		lock|\*)
			;;
		*)
			printf '%s\n' "${f##*/}"
			;;
		esac
	done
}

# outside: the namespace $OUT, 10.199.41.2/30, reached from the host over
# a veth pair (host side 10.199.41.1)
outside() {
	ip netns list | grep -qw "$OUT" && return 0
	ip netns add "$OUT"
	ip link add dlt400o0 type veth peer name dlt400o1
	ip link set dlt400o1 netns "$OUT"
	ip addr add 10.199.41.1/30 dev dlt400o0
	ip link set dlt400o0 up
	ip -n "$OUT" addr add 10.199.41.2/30 dev dlt400o1
	ip -n "$OUT" link set dlt400o1 up
	ip -n "$OUT" link set lo up
}

# kill_both ID: kill -9 the supervisor of container ID, then its command,
# and wait until the command is gone
kill_both() {
	local pid
	pkill -9 -f "dl-spawn -d -n $1"
	pid=$(jq -r .pid "$DL_ROOT/containers/$1/state.json")
	kill -9 "$pid"
	for _ in $(seq 50); do
		kill -0 "$pid" 2>/dev/null || return 0
		sleep 0.1
	done
	return 1
}

@test "dl run: the default network gives eth0 an address of the store's subnet, the gateway answers" {
	run -0 dl run --rm busybox sh -c \
		'ip -4 -o addr show eth0; ip route; ping -c1 -W2 10.199.40.1 >/dev/null && echo pong'
	assert_line --regexp '^2: eth0 +inet 10\.199\.40\.[0-9]+/24 brd 10\.199\.40\.255 '
	assert_line 'default via 10.199.40.1 dev eth0 '
	assert_line pong
	run -0 dl network inspect
	[ "$(jq -r '.[0].Bridge' <<<"$output")" = "$BR" ]
	[ "$(jq -r '.[0].Subnet' <<<"$output")" = "$SUBNET" ]
	# given back at the end
	assert_equal "$(leases)" ''
}

@test "dl run: eth0's MAC follows its address, lo is up, the host's end is on the bridge and goes with the container" {
	dl run -d --name n1 busybox sleep 60 >/dev/null
	local id veth a
	id=$(dl inspect n1 | jq -r '.[0].Id')
	veth=dl${id:0:12}
	run -0 dl exec n1 sh -c 'ip -o link show lo; ip -o link show eth0; ip -4 -o addr show eth0'
	assert_line --regexp '^1: lo: <LOOPBACK,UP,LOWER_UP>'
	a=$(awk '/inet /{print $4}' <<<"$output")
	a=${a%/*}
	# 02:42 and the four bytes of the address, as Docker's
	local o1 o2 o3 o4
	IFS=. read -r o1 o2 o3 o4 <<<"$a"
	assert_output --partial "link/ether $(printf '02:42:%02x:%02x:%02x:%02x' "$o1" "$o2" "$o3" "$o4")"
	run -0 ip -o link show "$veth"
	assert_output --partial "master $BR"
	assert_output --partial 'state UP'
	dl rm -f n1 >/dev/null
	net_poll eval '! ip link show "$veth" 2>/dev/null'
}

@test "dl start: a container whose old namespace another one holds still gets its network" {
	dl run -d --name first busybox sleep 60 >/dev/null
	dl run -d --name joiner --network container:first busybox sleep 60 >/dev/null
	dl stop -t 1 first >/dev/null
	# the joiner keeps the namespace, and the pair with it
	run -0 dl exec joiner ip -o link show eth0
	dl start first >/dev/null
	run -0 dl exec first sh -c 'ping -c1 -W2 10.199.40.1 >/dev/null && echo pong'
	assert_output pong
	dl rm -f joiner first >/dev/null
	assert_equal "$(leases)" ''
}

@test "dl run: resolv.conf from the host without loopback servers, hosts and hostname" {
	run -0 dl run --rm --name web1 busybox sh -c \
		'cat /etc/resolv.conf; echo ==; cat /etc/hosts; echo ==; cat /etc/hostname; hostname'
	local want
	want=$(grep '^nameserver' /etc/resolv.conf | grep -v -E ' (127\.|::1)' || true)
	[ -z "$want" ] || assert_line "$(head -n1 <<<"$want")"
	refute_line --regexp '^nameserver (127\.|::1)'
	assert_line --regexp '^127\.0\.0\.1	localhost$'
	assert_line --regexp '^10\.199\.40\.[0-9]+	[0-9a-f]{12}$'
	run -0 dl run --rm --hostname box --dns 10.199.40.53 --dns-search test.example \
		--add-host db:10.199.40.77 busybox sh -c \
		'cat /etc/resolv.conf /etc/hosts /etc/hostname; hostname'
	assert_line 'nameserver 10.199.40.53'
	assert_line 'search test.example'
	assert_line --regexp '^10\.199\.40\.[0-9]+	box$'
	assert_line '10.199.40.77	db'
	assert_line box
	# the run family's usage errors are 125, as Docker's
	run -125 --separate-stderr dl run --rm --dns nope busybox true
	[[ "$stderr" == *"unable to use name server 'nope': not an IP address"* ]]
	run -125 --separate-stderr dl run --rm --add-host db busybox true
	[[ "$stderr" == *"unable to add host 'db': not NAME:IP"* ]]
}

@test "dl run: an image's /etc/resolv.conf, hosts or hostname symlink is never followed" {
	local root=$BATS_TEST_TMPDIR/evil victim=$BATS_TEST_TMPDIR/victim
	mkdir -p "$victim"
	echo precious >"$victim/file"
	cp -a "$DL_ROOT/images/$(dl-ref-resolve busybox)/rootfs" "$root"
	rm -f "$root/etc/resolv.conf" "$root/etc/hosts" "$root/etc/hostname"
	ln -s "$victim/file" "$root/etc/resolv.conf"
	ln -s "../../../../../../../../../..$victim/file" "$root/etc/hosts"
	ln -s "/proc/self/root$victim/file" "$root/etc/hostname"
	dl image create evil "$root" >/dev/null
	run -0 dl run --rm evil sh -c 'cat /etc/hosts; readlink /etc/resolv.conf || echo plain'
	assert_line --regexp '^127\.0\.0\.1	localhost$'
	assert_equal "$(cat "$victim/file")" precious
}

@test "dl run: 20 containers started at once get 20 different addresses, given back by dl rm" {
	local i
	for i in $(seq 20); do
		dl run -d --name "par$i" busybox sleep 60 >/dev/null &
	done
	wait
	run -0 leases
	assert_equal "${#lines[@]}" 20
	assert_equal "$(printf '%s\n' "${lines[@]}" | sort -u | wc -l)" 20
	# each container has the address its lease says
	for i in 1 7 20; do
		a=$(dl exec "par$i" ip -4 -o addr show eth0 | awk '{print $4}')
		[[ "$a" == 10.199.40.*/24 ]]
		printf '%s\n' "${lines[@]}" | grep -qx "${a%/24}"
	done
	dl ps -aq | xargs dl rm -f >/dev/null
	assert_equal "$(leases)" ''
}

@test "dl run: a /28 holds 13 containers; the next is refused with 3 and leaves nothing" {
	dl-net-set --subnet 10.199.42.0/28
	ip link del "$BR" 2>/dev/null || true
	local i
	for i in $(seq 13); do
		dl run -d busybox sleep 60 >/dev/null
	done
	assert_equal "$(leases | wc -l)" 13
	run -3 --separate-stderr dl run --rm --name extra busybox true
	[[ "$stderr" == *"no free address in 10.199.42.0/28"* ]]
	assert_equal "$(dl ps -aq | wc -l)" 13
	assert_equal "$(leases | wc -l)" 13
	dl ps -aq | xargs dl rm -f >/dev/null
	assert_equal "$(leases)" ''
	dl network prune
	dl-net-set --subnet "$SUBNET"
}

@test "dl run: a container reaches an outside host through NAT, seen from the host's address" {
	outside
	ip netns exec "$OUT" python3 -c '
import socket
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("10.199.41.2", 8400)); s.listen(1); s.settimeout(20)
c, peer = s.accept(); print(peer[0], flush=True); c.sendall(b"hello from outside\n"); c.close()' \
		>"$BATS_TEST_TMPDIR/peer" &
	local srv=$!
	sleep 0.5
	run -0 dl run --rm busybox nc 10.199.41.2 8400
	assert_output 'hello from outside'
	wait "$srv"
	assert_equal "$(cat "$BATS_TEST_TMPDIR/peer")" 10.199.41.1
}

@test "dl run: an unpublished container port is not reachable from outside the host" {
	outside
	ip -n "$OUT" route replace 10.199.40.0/24 via 10.199.41.1
	dl run -d --name srv busybox sh -c \
		'while :; do echo hi | nc -l -p 8401; done' >/dev/null
	local a
	a=$(dl exec srv ip -4 -o addr show eth0 | awk '{print $4}')
	a=${a%/*}
	# the host itself reaches it
	run -0 timeout 5 busybox nc "$a" 8401 </dev/null
	assert_output hi
	# from outside: dropped
	run ip netns exec "$OUT" timeout 3 busybox nc -w 2 "$a" 8401 </dev/null
	assert_failure
	refute_output hi
}

@test "dl run: the address of a killed supervisor is reclaimed" {
	dl run -d --name victim busybox sleep 60 >/dev/null
	local id addr
	id=$(dl ps -q --no-trunc)
	addr=$(leases)
	[ -n "$addr" ]
	# the supervisor, then the container's command, killed
	kill_both "$id"
	# the lease is left behind, stale: the next container takes it back
	assert_equal "$(leases)" "$addr"
	run -0 dl run --rm busybox ip -4 -o addr show eth0
	assert_output --partial "inet $addr/24 "
	assert_equal "$(leases)" ''
	dl rm -f victim >/dev/null
	# with no run between, dl rm gives it back
	dl run -d --name victim2 busybox sleep 60 >/dev/null
	id=$(dl ps -q --no-trunc)
	kill_both "$id"
	[ -n "$(leases)" ]
	dl rm -f victim2 >/dev/null
	assert_equal "$(leases)" ''
}

@test "dl run: killed right after its address is leased, nothing is lost (fault point)" {
	run -137 env DL_FAULT=dl-spawn:leased dl run -d --name cut busybox sleep 60
	local addr
	addr=$(leases)
	[ -n "$addr" ]
	run -0 dl run --rm busybox ip -4 -o addr show eth0
	assert_output --partial "inet $addr/24 "
	dl rm -f cut >/dev/null
	assert_equal "$(leases)" ''
}

@test "dl rm: the host's links, dl's rules and the leases are back to what they were" {
	dl run --rm busybox true # the bridge and the table exist from here on
	local links rules
	links=$(net_links)
	rules=$(nft -s list ruleset 2>/dev/null)
	dl run -d --name a1 busybox sleep 60 >/dev/null
	dl run -d --name a2 busybox sleep 60 >/dev/null
	[ "$(leases | wc -l)" = 2 ]
	dl stop -t 1 a1 >/dev/null
	[ "$(leases | wc -l)" = 1 ]
	dl rm -f a1 a2 >/dev/null
	net_poll net_links_are "$links" || true
	assert_equal "$(net_links)" "$links"
	assert_equal "$(nft -s list ruleset 2>/dev/null)" "$rules"
	assert_equal "$(leases)" ''
}

@test "dl network: ls, inspect, prune; prune keeps the bridge while a container has an address" {
	run -0 dl network ls -q
	assert_output 'bridge
host
none'
	dl run -d --name keep busybox sleep 60 >/dev/null
	run -0 dl network inspect bridge
	[ "$(jq -r '.[0].Containers | length' <<<"$output")" = 1 ]
	# in use: kept, as Docker keeps it
	run -0 dl network prune
	[ -e "/sys/class/net/$BR" ]
	run -3 --separate-stderr dl-net-down
	[[ "$stderr" == *"unable to remove bridge '$BR': 1 running container has an address"* ]]
	dl rm -f keep >/dev/null
	run -0 dl network prune
	[ ! -e "/sys/class/net/$BR" ]
	run -1 --separate-stderr dl network inspect nope
}

@test "dl init --subnet: a bad subnet is refused (2), one that overlaps the host's is refused (3)" {
	run -2 --separate-stderr dl-net-set --subnet 10.199.40.1/24
	[[ "$stderr" == *"host bits are set"* ]]
	run -2 --separate-stderr dl-net-set --subnet 10.0.0.0/33
	run -2 --separate-stderr dl-net-set --bridge 'a/b'
	outside
	dl-net-set --bridge dlt400b --subnet 10.199.41.0/24
	run -3 --separate-stderr dl run --rm busybox true
	[[ "$stderr" == *"10.199.41.0/24 overlaps 10.199.41.1/30 of dlt400o0"* ]]
	# nothing made: a second try is refused the same way
	[ ! -e /sys/class/net/dlt400b ]
	run -3 --separate-stderr dl run --rm busybox true
	[ ! -e /sys/class/net/dlt400b ]
	dl-net-set --bridge "$BR" --subnet "$SUBNET"
}
