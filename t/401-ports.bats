#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# 401-ports.bats: published ports (-p, -P): tcp and udp reached from an
# "outside" host and from the host itself (127.0.0.1 and its address), a
# "LAN" host that reaches a port published on 0.0.0.0 but neither a
# 127.0.0.1-published port nor an
# unpublished one, host ports in use refused with 3 and nothing left,
# dl port, dl ps and dl inspect, rules gone after stop, rm and a killed
# supervisor, and the host's links and rules back to what they were.
# Traffic goes only to addresses the test made.
# shellcheck disable=SC2016,SC2154 # scripts expand in the container; run sets $stderr
# dl-test: serial

load helpers
load lib-btrfs
load lib-net

BR=dlt401
SUBNET=10.199.42.0/24
OUT=dlt401out
LAN=dlt401lan
HOSTOUT=10.199.43.1 # the host, as the outside namespace sees it
HOSTLAN=10.199.43.5 # the host, as the LAN namespace sees it

setup_file() {
	dl_btrfs_setup
	# a static udp echo server for busybox containers (its nc has no -u)
	cat >"$BATS_FILE_TMPDIR/udpecho.c" <<'C'
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
int main(int argc, char **argv)
{
	struct sockaddr_in a = { .sin_family = AF_INET }, p;
	socklen_t l = sizeof(p);
	char b[512];
	int s = socket(AF_INET, SOCK_DGRAM, 0);
	ssize_t n;

	a.sin_port = htons(atoi(argv[1]));
	if (bind(s, (struct sockaddr *)&a, sizeof(a)) < 0)
		return 1;
	for (;;) {
		n = recvfrom(s, b, sizeof(b), 0, (struct sockaddr *)&p, &l);
		if (n > 0) {
			printf("%.*s\n", (int)n, b);
			fflush(stdout);
			sendto(s, b, n, 0, (struct sockaddr *)&p, l);
		}
		l = sizeof(p);
	}
}
C
	mkdir -p "$BATS_FILE_TMPDIR/bin"
	cc -static -O -o "$BATS_FILE_TMPDIR/bin/udpecho" "$BATS_FILE_TMPDIR/udpecho.c"
	# the host before this file
	BASE_LINKS=$(links)
	BASE_RULES=$(nft -s list ruleset 2>/dev/null)
	export BASE_LINKS BASE_RULES
}

# links: the host's links, but the veths of containers (other stores' come
# and go meanwhile; this file's are checked gone by their names)
links() {
	ip -o link | sed 's/^[0-9]*: //; s/[@:].*//' | grep -Ev '^dl[0-9a-f]{12}$' | sort
}

teardown_file() {
	ip netns del "$OUT" 2>/dev/null || true
	ip netns del "$LAN" 2>/dev/null || true
	ip link del dlt401o0 2>/dev/null || true
	ip link del dlt401l0 2>/dev/null || true
	net_forget "$BR" "$SUBNET"
	dl_btrfs_teardown
}

setup() {
	net_setup
}

teardown() {
	net_teardown
}

# netns NAME HOSTDEV HOSTIP NSIP: a namespace reached from the host over a
# veth pair, a /30
netns() {
	ip netns list | grep -qw "$1" && return 0
	ip netns add "$1"
	ip link add "$2" type veth peer name "${2%0}1"
	ip link set "${2%0}1" netns "$1"
	ip addr add "$3/30" dev "$2"
	ip link set "$2" up
	ip -n "$1" addr add "$4/30" dev "${2%0}1"
	ip -n "$1" link set "${2%0}1" up
	ip -n "$1" link set lo up
}

outside() {
	netns "$OUT" dlt401o0 "$HOSTOUT" 10.199.43.2
}

lan() {
	netns "$LAN" dlt401l0 "$HOSTLAN" 10.199.43.6
	# the LAN host knows the way to the containers, through the host
	ip -n "$LAN" route replace "$SUBNET" via "$HOSTLAN"
}

# ports_of: the elements of dl's port maps that lead to this file's subnet
ports_of() {
	{
		nft list map inet dockerlite ports 2>/dev/null || true
		nft list map inet dockerlite hostports 2>/dev/null || true
	} | grep -o '[^{,]*: 10\.199\.42\.[0-9]* \. [0-9]*' || true
}

# records: the port records the host holds for this file's containers
records() {
	grep -lr "$DL_ROOT/" /run/dockerlite/ports 2>/dev/null | sed 's,.*/,,' || true
}

# web NAME ARGS...: a detached busybox httpd on port 80 serving "hello
# NAME", published with ARGS
web() {
	local name=$1
	shift
	dl run -d --name "$name" "$@" busybox sh -c \
		"mkdir -p /www && echo hello $name >/www/index.html && exec httpd -f -p 80 -h /www" >/dev/null
}

# get URL [NS]: the page, from the host or from namespace NS
get() {
	if [ -n "${2:-}" ]; then
		ip netns exec "$2" curl -sS -m 3 "$1"
	else
		curl -sS -m 3 "$1"
	fi
}

# udp HOST PORT TEXT [NS]: send TEXT, print the echo (from NS if given)
udp() {
	local py='import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.settimeout(3)
s.sendto(sys.argv[3].encode(), (sys.argv[1], int(sys.argv[2])))
print(s.recv(512).decode())'
	if [ -n "${4:-}" ]; then
		ip netns exec "$4" python3 -c "$py" "$1" "$2" "$3"
	else
		python3 -c "$py" "$1" "$2" "$3"
	fi
}

@test "dl run -p: tcp reached from outside, from the host's address and from 127.0.0.1" {
	outside
	web w1 -p 24010:80
	run -0 get "http://$HOSTOUT:24010/" "$OUT"
	assert_output 'hello w1'
	run -0 get "http://$HOSTOUT:24010/"
	assert_output 'hello w1'
	run -0 get http://127.0.0.1:24010/
	assert_output 'hello w1'
	run -0 dl port w1
	assert_output '80/tcp -> 0.0.0.0:24010'
	run -0 dl port w1 80
	assert_output '0.0.0.0:24010'
	run -0 dl port w1 80/tcp
	assert_output '0.0.0.0:24010'
	run -1 --separate-stderr dl port w1 81
	[[ "$stderr" == *"no public port '81/tcp' published for 'w1'"* ]]
	run -0 dl ps
	assert_line --index 0 --regexp '^CONTAINER ID +IMAGE +COMMAND +CREATED +STATUS +PORTS +NAMES$'
	assert_line --index 1 --regexp ' 0\.0\.0\.0:24010->80/tcp +w1$'
	run -0 dl inspect w1
	assert_equal "$(jq -c '.[0].NetworkSettings.Ports' <<<"$output")" \
		'{"80/tcp":[{"HostIp":"0.0.0.0","HostPort":"24010"}]}'
	assert_equal "$(jq -c '.[0].HostConfig.PortBindings' <<<"$output")" \
		'{"80/tcp":[{"HostIp":"","HostPort":"24010"}]}'
	run -0 dl ps --format json
	assert_equal "$(jq -r '.[0].Ports' <<<"$output")" '0.0.0.0:24010->80/tcp'
}

@test "dl run -p: udp reached from outside and from the host" {
	outside
	dl run -d --name u1 -v "$BATS_FILE_TMPDIR/bin:/x:ro" -p 24053:53/udp \
		busybox sh -c 'exec /x/udpecho 53' >/dev/null
	sleep 0.3
	run -0 udp "$HOSTOUT" 24053 from-outside "$OUT"
	assert_output from-outside
	run -0 udp 127.0.0.1 24053 from-host
	assert_output from-host
	run -0 udp "$HOSTOUT" 24053 from-host-address
	assert_output from-host-address
	run -0 dl logs u1
	assert_line from-outside
	assert_line from-host
	run -0 dl port u1
	assert_output '53/udp -> 0.0.0.0:24053'
}

@test "dl run -p: a LAN host reaches a port published on 0.0.0.0, not one on 127.0.0.1 nor an unpublished one" {
	lan
	web lo1 -p 127.0.0.1:24011:80
	run -0 get http://127.0.0.1:24011/
	assert_output 'hello lo1'
	# the LAN host does reach a port published on 0.0.0.0, through the
	# host's address on its link: what it cannot reach below is refused
	# by dl's rules, not out of its way
	dl run -d --name pub -p 24012:80 busybox sh -c \
		'mkdir -p /www && echo hello pub >/www/index.html && httpd -p 8080 -h /www && exec httpd -f -p 80 -h /www' >/dev/null
	run -0 get "http://$HOSTLAN:24012/" "$LAN"
	assert_output 'hello pub'
	# its port 8080, published nowhere: the host reaches it, the LAN not
	local pa
	pa=$(jq -r .Address "$DL_ROOT/containers/$(dl inspect pub | jq -r '.[0].Id')/ports.json")
	run -0 get "http://$pa:8080/"
	assert_output 'hello pub'
	run get "http://$pa:8080/" "$LAN"
	assert_failure
	refute_output 'hello pub'
	# nor through the host's address: 8080 is no host port
	run get "http://$HOSTLAN:8080/" "$LAN"
	assert_failure
	refute_output 'hello pub'
	# not on the host's other addresses
	run get "http://$HOSTLAN:24011/"
	assert_failure
	run get "http://$HOSTLAN:24011/" "$LAN"
	assert_failure
	refute_output 'hello lo1'
	# a LAN host sending to 127.0.0.1 through the host reaches nothing:
	# its datagrams never arrive (a reply would not come back anyway)
	dl run -d --name lo2 -v "$BATS_FILE_TMPDIR/bin:/x:ro" -p 127.0.0.1:24054:53/udp \
		busybox sh -c 'exec /x/udpecho 53' >/dev/null
	ip -n "$LAN" link set lo down
	ip -n "$LAN" route replace 127.0.0.1/32 via "$HOSTLAN"
	run get http://127.0.0.1:24011/ "$LAN"
	assert_failure
	refute_output 'hello lo1'
	run udp 127.0.0.1 24054 from-lan "$LAN"
	assert_failure
	ip -n "$LAN" link set lo up
	run -0 udp 127.0.0.1 24054 from-host
	assert_output from-host
	run -0 dl logs lo2
	assert_output from-host
	# an unpublished port of a container with a published one: closed
	local a
	a=$(jq -r .Address "$DL_ROOT/containers/$(dl inspect lo1 | jq -r '.[0].Id')/ports.json")
	run get "http://$a:80/" "$LAN"
	assert_failure
	refute_output 'hello lo1'
	run -0 dl port lo1
	assert_output '80/tcp -> 127.0.0.1:24011'
}

@test "dl run -p CTRPORT and -P: free host ports, the image's EXPOSE ports" {
	outside
	web f1 -p 80
	local port
	port=$(dl port f1 80)
	[[ "$port" =~ ^0\.0\.0\.0:[0-9]+$ ]]
	run -0 get "http://$HOSTOUT:${port#*:}/" "$OUT"
	assert_output 'hello f1'
	# an image that exposes 80/tcp and 53/udp
	local id
	id=$(dl create busybox true)
	dl commit --change 'EXPOSE 80' --change 'EXPOSE 53/udp' "$id" exposing >/dev/null
	dl rm "$id" >/dev/null
	dl run -d --name p1 -P exposing sh -c \
		'mkdir -p /www && echo hello p1 >/www/index.html && exec httpd -f -p 80 -h /www' >/dev/null
	run -0 dl port p1
	assert_line --regexp '^80/tcp -> 0\.0\.0\.0:[0-9]+$'
	assert_line --regexp '^53/udp -> 0\.0\.0\.0:[0-9]+$'
	port=$(dl port p1 80/tcp)
	run -0 get "http://$HOSTOUT:${port#*:}/" "$OUT"
	assert_output 'hello p1'
	# -p before -P keeps its host port
	dl run -d --name p2 -P -p 24012:80 exposing sleep 60 >/dev/null
	run -0 dl port p2 80
	assert_output '0.0.0.0:24012'
	# dl create keeps them in the spec, published at each start
	dl create --name c1 -p 24013:80 busybox httpd -f -p 80 -h / >/dev/null
	run -0 dl port c1
	assert_output ''
	dl start c1 >/dev/null
	run -0 dl port c1
	assert_output '80/tcp -> 0.0.0.0:24013'
}

@test "dl run -p: bad values are usage errors; not with --network none or host" {
	local v
	for v in 0 65536 x 1:2:3:4 80/sctp ::80 'a.b.c.d:1:80' 1.2.3.4:80 99999:80; do
		run -125 --separate-stderr dl run --rm -p "$v" busybox true
		[[ "$stderr" == *"unable to publish port '$v'"* ]] || fail "$v: $stderr"
	done
	run -125 --separate-stderr dl run --rm --network none -p 80 busybox true
	[[ "$stderr" == *"unable to publish ports: not with --network none"* ]] || fail "$stderr"
	run -125 --separate-stderr dl run --rm --network host -P busybox true
	[[ "$stderr" == *"unable to publish ports: not with --network host"* ]] || fail "$stderr"
}

@test "dl run -p: a host port in use (by dl or another process) exits 3 and leaves nothing" {
	web a1 -p 24014:80
	local before
	before=$(ports_of)
	run -3 --separate-stderr dl run -d --name a2 -p 24014:80 busybox sleep 60
	[[ "$stderr" == *"port 0.0.0.0:24014/tcp is already in use"* ]]
	run -3 --separate-stderr dl run --name a3 -p 127.0.0.1:24014:80 busybox sleep 60
	[[ "$stderr" == *"port 127.0.0.1:24014/tcp is already in use"* ]]
	# no container, no address, no rule, no record left
	run -0 dl ps -aq
	assert_equal "$(wc -l <<<"$output")" 1
	assert_equal "$(find "/run/dockerlite/net/$BR" -type f ! -name lock | wc -l)" 1
	assert_equal "$(ports_of)" "$before"
	assert_equal "$(records | wc -l)" 1
	# a host process holds a port: the same
	python3 -c 'import socket, time
s = socket.socket()
for _ in range(50):
    try:
        s.bind(("127.0.0.1", 24015)); break
    except OSError:
        time.sleep(0.1)
s.listen(1); time.sleep(30)' &
	local holder=$!
	for _ in $(seq 50); do
		ss -Hltn 'sport = :24015' | grep -q . && break
		sleep 0.1
	done
	run -3 --separate-stderr dl run -d -p 24015:80 busybox sleep 60
	[[ "$stderr" == *"port 0.0.0.0:24015/tcp is already in use"* ]]
	kill "$holder"
	wait "$holder" || true
	run -0 dl ps -aq
	assert_equal "$(wc -l <<<"$output")" 1
	assert_equal "$(ports_of)" "$before"
	# udp is another port: free
	dl run -d --name a4 -p 24014:80/udp busybox sleep 60 >/dev/null
	# dl start of a container whose port went meanwhile: 3, the container kept
	dl create --name a5 -p 24014:80 busybox sleep 60 >/dev/null
	run -3 --separate-stderr dl start a5
	[[ "$stderr" == *"port 0.0.0.0:24014/tcp is already in use"* ]]
	run -0 dl ps -a --format json
	[[ "$(jq -r '.[].Name' <<<"$output")" == *a5* ]]
}

@test "dl run -p: rules and records gone after stop, rm, --rm and a killed supervisor" {
	web s1 -p 24016:80
	[ -n "$(ports_of)" ]
	dl stop -t 1 s1 >/dev/null
	assert_equal "$(ports_of)" ''
	assert_equal "$(records)" ''
	run -0 dl port s1
	assert_output ''
	# started again: published again
	dl start s1 >/dev/null
	run -0 get http://127.0.0.1:24016/
	assert_output 'hello s1'
	dl rm -f s1 >/dev/null
	assert_equal "$(ports_of)" ''
	run -0 dl run --rm -p 24016:80 busybox true
	assert_equal "$(ports_of)" ''
	assert_equal "$(records)" ''
	# the supervisor killed: dl rm takes them back
	web k1 -p 24017:80
	local id pid
	id=$(dl ps -q --no-trunc)
	pkill -9 -f "dl-spawn -d -n $id"
	pid=$(jq -r .pid "$DL_ROOT/containers/$id/state.json")
	kill -9 "$pid"
	sleep 0.3
	[ -n "$(ports_of)" ]
	dl rm -f k1 >/dev/null
	assert_equal "$(ports_of)" ''
	assert_equal "$(records)" ''
	# killed again: the next publication takes the stale port back
	web k2 -p 24018:80
	id=$(dl ps -q --no-trunc)
	pkill -9 -f "dl-spawn -d -n $id"
	pid=$(jq -r .pid "$DL_ROOT/containers/$id/state.json")
	kill -9 "$pid"
	sleep 0.3
	web k3 -p 24018:80
	run -0 get http://127.0.0.1:24018/
	assert_output 'hello k3'
	# and dl network prune too
	dl rm -f k3 >/dev/null
	web k4 -p 24019:80
	id=$(dl ps -q --no-trunc)
	pkill -9 -f "dl-spawn -d -n $id"
	pid=$(jq -r .pid "$DL_ROOT/containers/$id/state.json")
	kill -9 "$pid"
	sleep 0.3
	[ -n "$(ports_of)" ]
	dl network prune
	assert_equal "$(ports_of)" ''
	assert_equal "$(records)" ''
}

@test "dl rm: the host's links and nft rules are back to what they were before this file" {
	web b1 -p 24020:80 -p 127.0.0.1:24021:80 -p 24022:53/udp
	local veth
	veth=dl$(dl inspect b1 | jq -r '.[0].Id' | cut -c1-12)
	ip link show "$veth" >/dev/null
	dl rm -f b1 >/dev/null
	net_poll eval '! ip link show "$veth" 2>/dev/null'
	run ! ip link show "$veth"
	dl network prune
	ip netns del "$OUT" 2>/dev/null || true
	ip netns del "$LAN" 2>/dev/null || true
	ip link del dlt401o0 2>/dev/null || true
	ip link del dlt401l0 2>/dev/null || true
	assert_equal "$(links)" "$BASE_LINKS"
	assert_equal "$(nft -s list ruleset 2>/dev/null)" "$BASE_RULES"
}
