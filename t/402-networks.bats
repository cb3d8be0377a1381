#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# 402-networks.bats: user-defined networks: create, ls, inspect, rm (3
# while in use), dl run --network NAME, names resolved between members and
# gone with them, --internal with no way out, --network container:NAME,
# and the host's links and rules back to what they were.  Traffic goes only to addresses the test
# made.
# shellcheck disable=SC2016,SC2154 # scripts expand in the container; run sets $stderr
# dl-test: serial

load helpers
load lib-btrfs
load lib-net

BR=dlt402
SUBNET=10.199.44.0/24
OUT=dlt402out
HOSTOUT=10.199.45.1

links() {
	ip -o link | sed 's/^[0-9]*: //; s/[@:].*//' | grep -Ev '^dl[0-9a-f]{12}$' | sort
}

setup_file() {
	dl_btrfs_setup
	BASE_LINKS=$(links)
	BASE_RULES=$(nft -s list ruleset 2>/dev/null)
	BASE_LEASES=$(find /run/dockerlite/net -maxdepth 1 -name 'dlb*' 2>/dev/null | sort)
	export BASE_LINKS BASE_RULES BASE_LEASES
}

teardown_file() {
	local b
	ip netns del "$OUT" 2>/dev/null || true
	ip link del dlt402o0 2>/dev/null || true
	for b in $(ip -o link | sed 's/^[0-9]*: //; s/[@:].*//' | grep -E '^dlb[0-9a-f]{12}$' || true); do
		# this file's networks only: their subnets are 10.199.46-49.x
		if ip -4 -o addr show dev "$b" | grep -q ' 10\.199\.4[6-9]\.'; then
			nft delete element inet dockerlite bridges "{ \"$b\" }" 2>/dev/null || true
			nft delete element inet dockerlite internal "{ \"$b\" }" 2>/dev/null || true
			ip link del "$b"
			rm -rf "/run/dockerlite/net/$b"
		fi
	done
	net_forget "$BR" "$SUBNET"
	dl_btrfs_teardown
}

setup() {
	net_setup
}

teardown() {
	net_teardown
	dl network ls -q 2>/dev/null | grep -vxE 'bridge|host|none' |
		xargs -r dl network rm >/dev/null 2>&1 || true
}

outside() {
	ip netns list | grep -qw "$OUT" && return 0
	ip netns add "$OUT"
	ip link add dlt402o0 type veth peer name dlt402o1
	ip link set dlt402o1 netns "$OUT"
	ip addr add "$HOSTOUT/30" dev dlt402o0
	ip link set dlt402o0 up
	ip -n "$OUT" addr add 10.199.45.2/30 dev dlt402o1
	ip -n "$OUT" link set dlt402o1 up
	ip -n "$OUT" link set lo up
}

@test "dl network create, ls, inspect, rm" {
	run -0 dl network create --subnet 10.199.46.0/24 front
	assert_output front
	run -0 dl network ls
	assert_line --regexp '^front +bridge +10\.199\.46\.0/24 +dlb[0-9a-f]{12}$'
	run -0 dl network ls -q
	assert_output 'bridge
host
none
front'
	run -0 dl network inspect front
	assert_equal "$(jq -r '.[0] | [.Name, .Subnet, .Gateway, .Internal, .Up] | @tsv' <<<"$output")" \
		"front	10.199.46.0/24	10.199.46.1	false	false"
	# a name in use, a subnet taken, a bad name
	run -3 --separate-stderr dl network create --subnet 10.199.47.0/24 front
	[[ "$stderr" == *"unable to create network 'front': network name in use"* ]]
	run -3 --separate-stderr dl network create --subnet 10.199.46.128/25 back
	[[ "$stderr" == *"overlaps 10.199.46.0/24"* ]]
	run -3 --separate-stderr dl network create --subnet 10.199.44.0/24 back
	[[ "$stderr" == *"overlaps 10.199.44.0/24 of bridge '$BR'"* ]]
	run -2 --separate-stderr dl network create bridge
	run -2 --separate-stderr dl network create -x y
	# without --subnet: a free /24 of the pool
	run -0 dl network create auto
	run -0 dl network inspect auto
	[[ "$(jq -r '.[0].Subnet' <<<"$output")" =~ ^10\.89\.[0-9]+\.0/24$ ]]
	run -0 dl network rm front auto
	run -1 --separate-stderr dl network rm front
	[[ "$stderr" == *"unable to remove network 'front': no such network"* ]]
	run -1 --separate-stderr dl network inspect front
	run -125 --separate-stderr dl run --rm --network nosuch busybox true
	[[ "$stderr" == *"unable to use network 'nosuch': no such network"* ]]
}

@test "dl run --network NAME: members reach each other by name; a removed one no longer resolves" {
	dl network create --subnet 10.199.47.0/24 app >/dev/null
	dl run -d --name db --network app busybox sh -c \
		'mkdir -p /www && echo db here >/www/index.html && exec httpd -f -p 80 -h /www' >/dev/null
	dl run -d --name web --hostname webhost --network app busybox sleep 60 >/dev/null
	run -0 dl exec web sh -c 'ip -4 -o addr show eth0'
	assert_output --regexp 'inet 10\.199\.47\.[0-9]+/24'
	run -0 dl exec web wget -qO- http://db/
	assert_output 'db here'
	run -0 dl exec web ping -c1 -W2 db
	run -0 dl exec db ping -c1 -W2 web
	run -0 dl exec db ping -c1 -W2 webhost
	run -0 dl exec db cat /etc/hosts
	assert_line --regexp '^10\.199\.47\.[0-9]+	web webhost$'
	# in use: rm refuses
	run -3 --separate-stderr dl network rm app
	[[ "$stderr" == *"network is in use by 2 containers"* ]]
	dl rm -f web >/dev/null
	run -0 dl exec db cat /etc/hosts
	refute_line --partial web
	run ! dl exec db ping -c1 -W1 web
	# a third member: both see it
	dl run -d --name late --network app busybox sleep 60 >/dev/null
	run -0 dl exec late wget -qO- http://db/
	assert_output 'db here'
	run -0 dl exec db ping -c1 -W2 late
	# killed with its supervisor: dl rm gives its address back and the
	# others forget its name
	local id pid
	id=$(dl inspect late | jq -r '.[0].Id')
	kill_both "$id"
	dl rm -f late >/dev/null
	run -0 dl exec db cat /etc/hosts
	refute_line --partial late
	run -0 dl network inspect app
	assert_equal "$(jq -r '.[0].Containers | length' <<<"$output")" 1
	dl rm -f db >/dev/null
	run -0 dl network rm app
}

# kill_both ID: kill -9 the supervisor of container ID, then its init,
# and wait until the init is gone
kill_both() {
	local pid
	pkill -9 -f "dl-spawn -d -n $1"
	pid=$(jq -r .pid "$DL_ROOT/containers/$1/state.json")
	kill -9 "$pid"
	net_poll eval '! kill -0 "$pid" 2>/dev/null'
}

# hosts_lack CONTAINER TEXT: /etc/hosts of CONTAINER has no line with TEXT
hosts_lack() {
	! dl exec "$1" cat /etc/hosts | grep -q -- "$2"
}

@test "dl run --network NAME: a member killed with kill -9 leaves no line in the others' hosts" {
	dl network create --subnet 10.199.47.0/24 kl >/dev/null
	dl run -d --name k0 --network kl busybox sleep 60 >/dev/null
	dl run -d --name k1 --network kl busybox sleep 60 >/dev/null
	dl run -d --name k2 --network kl busybox sleep 60 >/dev/null
	dl run -d --name k3 --network kl busybox sleep 60 >/dev/null
	run -0 dl exec k0 cat /etc/hosts
	assert_line --partial k1
	assert_line --partial k2
	assert_line --partial k3
	# its init killed: its supervisor writes the others' hosts again
	local pid
	pid=$(dl inspect k1 | jq -r '.[0].State.Pid')
	kill -9 "$pid"
	net_poll hosts_lack k0 k1
	# its supervisor and its init killed: the sweep of dl network prune
	# gives its address back and writes the others' hosts again
	kill_both "$(dl inspect k2 | jq -r '.[0].Id')"
	run -0 dl exec k0 cat /etc/hosts
	assert_line --partial k2
	run -0 dl network prune
	refute_output --partial kl
	hosts_lack k0 k2
	hosts_lack k3 k2
	# its supervisor alone killed: the next member change forgets it
	pkill -9 -f "dl-spawn -d -n $(dl inspect k3 | jq -r '.[0].Id')"
	dl run -d --name k4 --network kl busybox sleep 60 >/dev/null
	hosts_lack k0 k3
	run -0 dl exec k4 cat /etc/hosts
	assert_line --partial k0
	refute_line --partial k3
	dl rm -f k0 k1 k2 k3 k4 >/dev/null
	run -0 dl network rm kl
}

@test "dl network prune: every user-defined network no container is on, under \"Deleted Networks:\"" {
	dl network create --subnet 10.199.46.0/24 empty1 >/dev/null
	dl network create --subnet 10.199.48.0/24 empty2 >/dev/null
	dl network create --subnet 10.199.49.0/24 used >/dev/null
	dl run -d --name u --network used busybox sleep 60 >/dev/null
	run -0 dl network inspect empty1
	[[ "$(jq -r '.[0].Created' <<<"$output")" == 20*Z ]]
	# filters: none of them is labelled; none was made a day ago
	run -0 dl network prune -f --filter label=team
	assert_output ''
	run -0 dl network prune -f --filter until=24h
	assert_output ''
	run -2 --separate-stderr dl network prune --filter color=red
	[[ "$stderr" == *"unable to use filter 'color=red'"* ]]
	run -2 --separate-stderr dl network prune --filter until=soon
	# no terminal: no question
	run -0 --separate-stderr dl network prune --filter until=0s --filter 'label!=team' </dev/null
	assert_output 'Deleted Networks:
empty1
empty2'
	assert_equal "$stderr" ''
	run -0 dl network ls -q
	assert_output 'bridge
host
none
used'
	# on a terminal, asked; "n" keeps them
	dl network create --subnet 10.199.46.0/24 asked >/dev/null
	run -0 script -qec 'dl network prune' /dev/null <<<n
	assert_output --partial 'Are you sure you want to continue? [y/N]'
	refute_output --partial 'Deleted Networks:'
	run -0 dl network ls -q
	assert_line asked
	run -0 script -qec 'dl network prune' /dev/null <<<y
	assert_output --partial 'Deleted Networks:'
	run -0 dl network ls -q
	refute_line asked
	run -0 dl network prune -f
	assert_output ''
	dl rm -f u >/dev/null
	run -0 dl network prune -f
	assert_output 'Deleted Networks:
used'
}

@test "dl network create --internal: members reach each other, not the outside" {
	outside
	ip netns exec "$OUT" python3 -c '
import socket
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("10.199.45.2", 8402)); s.listen(4); s.settimeout(30)
while True:
    c, peer = s.accept(); c.sendall(b"hi\n"); c.close()' >/dev/null 2>&1 3>&- &
	local srv=$!
	sleep 0.5
	dl network create --internal --subnet 10.199.48.0/24 priv >/dev/null
	dl network create --subnet 10.199.49.0/24 open >/dev/null
	run -0 dl run --rm --network open busybox nc -w 2 10.199.45.2 8402
	assert_output hi
	run -0 dl network inspect priv
	assert_equal "$(jq -r '.[0].Internal' <<<"$output")" true
	dl run -d --name p1 --network priv busybox sleep 60 >/dev/null
	run -0 dl run --rm --network priv busybox ping -c1 -W2 p1
	run dl run --rm --network priv busybox nc -w 2 10.199.45.2 8402
	refute_output hi
	kill "$srv" 2>/dev/null || true
	dl rm -f p1 >/dev/null
	dl network rm priv open >/dev/null
}

@test "dl run --network container:NAME: the other container's network namespace" {
	dl run -d --name host1 busybox sh -c \
		'mkdir -p /www && echo from host1 >/www/index.html && exec httpd -f -p 8080 -h /www' >/dev/null
	local a
	a=$(dl exec host1 ip -4 -o addr show eth0 | awk '{print $4}')
	[ -n "$a" ]
	run -0 dl run --rm --network container:host1 busybox sh -c \
		'ip -4 -o addr show eth0 | awk "{print \$4}"; wget -qO- http://127.0.0.1:8080/'
	assert_line "$a"
	assert_line 'from host1'
	# by ID prefix too; the files are the other's
	local id
	id=$(dl inspect host1 | jq -r '.[0].Id')
	run -0 dl run --rm --network "container:${id:0:12}" busybox cat /etc/hosts
	assert_output --partial "${a%/*}"
	# its address stays one: no lease of its own
	assert_equal "$(find "/run/dockerlite/net/$BR" -type f ! -name lock ! -name hosts.lock | wc -l)" 1
	run -125 --separate-stderr dl run --rm --network container:nosuch busybox true
	[[ "$stderr" == *"unable to use network 'container:nosuch'"* ]]
	dl stop -t 1 host1 >/dev/null
	run -125 --separate-stderr dl run --rm --network container:host1 busybox true
	[[ "$stderr" == *"the container whose network it joins is not running"* ]]
	run -125 --separate-stderr dl run --rm --network container:host1 -p 80 busybox true
	[[ "$stderr" == *"unable to publish ports: not with --network container:"* ]]
}

@test "dl run --network NAME -p: a port published from a user-defined network" {
	dl network create --subnet 10.199.46.0/24 pub >/dev/null
	dl run -d --name pw --network pub -p 127.0.0.1:24030:80 busybox sh -c \
		'mkdir -p /www && echo from pub >/www/index.html && exec httpd -f -p 80 -h /www' >/dev/null
	run -0 curl -sS -m 3 http://127.0.0.1:24030/
	assert_output 'from pub'
	run -0 dl port pw
	assert_output '80/tcp -> 127.0.0.1:24030'
	dl rm -f pw >/dev/null
	run curl -sS -m 2 http://127.0.0.1:24030/
	assert_failure
	dl network rm pub >/dev/null
}

@test "dl network connect: a running container joins one more network, found by name and alias; disconnect takes it away" {
	dl network create --subnet 10.199.48.0/24 back >/dev/null
	dl run -d --name store --network back busybox sleep 60 >/dev/null
	dl run -d --name app busybox sleep 60 >/dev/null
	run -0 dl network connect --alias api --alias app2 back app
	assert_output ''
	# a second interface, on the network's subnet; eth0 and its route stay
	run -0 dl exec app sh -c 'ip -4 -o addr show eth1; ip route'
	assert_output --regexp 'inet 10\.199\.48\.[0-9]+/24'
	assert_line --regexp '^default via 10\.199\.44\.1 dev eth0'
	# both sides, by name and by alias
	run -0 dl exec app ping -c1 -W2 store
	run -0 dl exec store ping -c1 -W2 app
	run -0 dl exec store ping -c1 -W2 api
	run -0 dl exec store cat /etc/hosts
	assert_line --regexp '^10\.199\.48\.[0-9]+	app [0-9a-f]{12} api app2$'
	run -0 dl inspect app
	[ "$(jq -r '.[0].NetworkSettings.Networks.back.IPAddress' <<<"$output")" != '' ]
	assert_equal "$(jq -c '.[0].NetworkSettings.Networks.back.Aliases' <<<"$output")" '["api","app2"]'
	assert_equal "$(jq -r '.[0].NetworkSettings.Networks.back.Gateway' <<<"$output")" 10.199.48.1
	assert_equal "$(jq -r '.[0].NetworkSettings.Networks.bridge.IPAddress' <<<"$output" | cut -d. -f1-3)" 10.199.44
	run -0 dl network inspect back
	assert_equal "$(jq -r '.[0].Containers | length' <<<"$output")" 2
	# twice: 3
	run -3 --separate-stderr dl network connect back app
	[[ "$stderr" == *"it is on that network already"* ]]
	run -0 dl network disconnect back app
	run ! dl exec app ip link show eth1
	run -0 dl exec store cat /etc/hosts
	refute_line --partial app
	run -0 dl exec app cat /etc/hosts
	refute_line --partial store
	run -1 --separate-stderr dl network disconnect back app
	[[ "$stderr" == *"it is not on that network"* ]]
	run -0 dl network inspect back
	assert_equal "$(jq -r '.[0].Containers | length' <<<"$output")" 1
	run -0 dl inspect app
	assert_equal "$(jq -r '.[0].NetworkSettings.Networks | keys | join(",")' <<<"$output")" bridge
	dl rm -f app store >/dev/null
	run -0 dl network rm back
}

@test "dl network connect: a container with a network of its own, running or not; the run's address ends with it" {
	dl network create --subnet 10.199.48.0/24 side >/dev/null
	dl create --name idle busybox sleep 60 >/dev/null
	# not running: recorded for its next start, as Docker's
	run -0 --separate-stderr dl network connect --alias idler side idle
	assert_output ''
	run -0 dl inspect idle
	assert_equal "$(jq -r '.[0].NetworkSettings.Networks | keys | join(",")' <<<"$output")" bridge,side
	assert_equal "$(jq -c '.[0].NetworkSettings.Networks.side | [.IPAddress, .Aliases]' <<<"$output")" '["",["idler"]]'
	run -3 --separate-stderr dl network connect side idle
	[[ "$stderr" == *"it is on that network already"* ]]
	run -3 --separate-stderr dl network connect bridge idle
	[[ "$stderr" == *"it is on that network already"* ]]
	dl run -d --name lone --network none busybox sleep 60 >/dev/null
	run -3 --separate-stderr dl network connect side lone
	[[ "$stderr" == *"its network is 'none'"* ]]
	run -1 --separate-stderr dl network connect nosuch lone
	run -2 --separate-stderr dl network connect side
	run -2 --separate-stderr dl network connect --alias 'a b' side lone
	dl run -d --name peer --network side busybox sleep 60 >/dev/null
	dl run -d --name brief busybox sleep 60 >/dev/null
	dl network connect side brief
	run -0 dl exec peer ping -c1 -W2 brief
	# stopped: its address on side given back, the others forget it
	dl stop -t 1 brief >/dev/null
	run -0 dl network inspect side
	assert_equal "$(jq -r '.[0].Containers | length' <<<"$output")" 1
	run -0 dl exec peer cat /etc/hosts
	refute_line --partial brief
	# started again: on it again, as Docker's
	dl start brief >/dev/null
	run -0 dl exec brief ip link show eth1
	run -0 dl exec peer ping -c1 -W2 brief
	# the one connected while not running: on it from its start
	dl start idle >/dev/null
	run -0 dl exec idle ip -4 -o addr show eth1
	assert_output --regexp 'inet 10\.199\.48\.[0-9]+/24'
	run -0 dl exec peer ping -c1 -W2 idler
	dl rm -f idle lone peer brief >/dev/null
	run -0 dl network rm side
}

# leases NETWORK: the addresses leased on a network's bridge
leases() {
	find "/run/dockerlite/net/$1" -maxdepth 1 -name '10.*' 2>/dev/null | wc -l
}

@test "dl network connect: the connection lasts until disconnect, as Docker's: joined again at each start, restart and policy restart" {
	local id addr bleases
	bleases=$(leases "$BR")
	dl network create --subnet 10.199.48.0/24 keep >/dev/null
	dl run -d --name peer --network keep busybox sleep 600 >/dev/null
	id=$(dl run -d --name kc busybox sleep 600)
	dl network connect --alias kalias keep kc
	dl stop -t 1 kc >/dev/null
	# stopped: still in inspect, as Docker's, without an address
	run -0 dl inspect kc
	assert_equal "$(jq -r '.[0].NetworkSettings.Networks | keys | join(",")' <<<"$output")" bridge,keep
	assert_equal "$(jq -r '.[0].NetworkSettings.Networks.keep.IPAddress' <<<"$output")" ''
	assert_equal "$(jq -c '.[0].NetworkSettings.Networks.keep.Aliases' <<<"$output")" '["kalias"]'
	run -0 dl network inspect keep
	assert_equal "$(jq -r '.[0].Containers | length' <<<"$output")" 1
	run -0 dl exec peer cat /etc/hosts
	refute_line --partial kc
	# started: on it again, by name, alias and address
	dl start kc >/dev/null
	run -0 dl exec kc ip -4 -o addr show eth1
	assert_output --regexp 'inet 10\.199\.48\.[0-9]+/24'
	run -0 dl inspect -f '{{.NetworkSettings.Networks.keep.IPAddress}}' kc
	addr=$output
	[[ "$addr" == 10.199.48.* ]]
	run -0 dl exec peer ping -c1 -W2 kc
	run -0 dl exec peer ping -c1 -W2 kalias
	run -0 dl exec peer ping -c1 -W2 "$addr"
	run -0 dl exec kc ping -c1 -W2 peer
	run -0 dl exec peer cat /etc/hosts
	assert_line "$addr	kc ${id:0:12} kalias"
	run -0 dl network inspect keep
	assert_equal "$(jq -r '.[0].Containers | length' <<<"$output")" 2
	# dl restart: the same
	dl restart -t 1 kc >/dev/null
	run -0 dl exec kc ip link show eth1
	run -0 dl exec peer ping -c1 -W2 kalias
	# restarted by its policy: the same
	dl run -d --name rp --restart on-failure busybox sh -c \
		'while [ ! -f /go ]; do sleep 0.1; done; rm /go; exit 1' >/dev/null
	dl network connect keep rp
	dl exec rp touch /go
	for _ in $(seq 100); do
		[ "$(dl inspect -f '{{.RestartCount}} {{.State.Status}}' rp)" = '1 running' ] && break
		sleep 0.1
	done
	run -0 dl inspect -f '{{.RestartCount}} {{.State.Status}}' rp
	assert_output '1 running'
	run -0 dl exec rp ip link show eth1
	run -0 dl exec peer ping -c1 -W2 rp
	dl rm -f rp >/dev/null
	# disconnected while stopped: gone from inspect, and from its starts
	dl stop -t 1 kc >/dev/null
	run -0 dl network disconnect keep kc
	run -0 dl inspect -f '{{json .NetworkSettings.Networks}}' kc
	refute_output --partial keep
	dl start kc >/dev/null
	run ! dl exec kc ip link show eth1
	run -0 dl exec peer cat /etc/hosts
	refute_line --partial kc
	# disconnected while running: gone at its next start too
	dl network connect keep kc
	run -0 dl exec peer ping -c1 -W2 kc
	dl network disconnect keep kc
	dl restart -t 1 kc >/dev/null
	run ! dl exec kc ip link show eth1
	run -0 dl network inspect keep
	assert_equal "$(jq -r '.[0].Containers | length' <<<"$output")" 1
	# the network removed while it is stopped: as Docker's, a stopped
	# member does not hold it, and the next start fails, saying why
	dl network connect keep kc
	dl stop -t 1 kc >/dev/null
	dl rm -f peer >/dev/null
	run -0 dl network rm keep
	run -1 --separate-stderr dl start kc
	[[ "$stderr" == *"unable to start container '$id': network 'keep' not found (dl network disconnect takes it off it)" ]]
	run -0 dl inspect -f '{{.State.Running}}' kc
	assert_output false
	assert_equal "$(leases "$BR")" "$bleases"
	# disconnect takes it off a network that is gone
	run -0 dl network disconnect keep kc
	run -1 dl network disconnect keep kc
	dl start kc >/dev/null
	run -0 dl inspect -f '{{json .NetworkSettings.Networks}}' kc
	refute_output --partial keep
	dl rm -f kc >/dev/null
	assert_equal "$(leases "$BR")" "$bleases"
	# the host ends of its connections go with its namespace
	for _ in $(seq 50); do
		ip -o link | grep -q " dl${id:0:4}" || break
		sleep 0.1
	done
	run ip -o link
	refute_output --partial " dl${id:0:4}"
}

@test "dl network disconnect: off the network it was made on, its entry gone from inspect as Docker's; off it until connected again" {
	dl run -d --name solo busybox sleep 60 >/dev/null
	run -0 dl network disconnect bridge solo
	assert_output ''
	run ! dl exec solo ip link show eth0
	run -0 dl inspect solo
	assert_equal "$(jq -c '.[0].NetworkSettings.Networks' <<<"$output")" '{}'
	# the mode it was made with stays, as Docker's
	assert_equal "$(jq -r '.[0].HostConfig.NetworkMode' <<<"$output")" bridge
	run -1 --separate-stderr dl network disconnect bridge solo
	[[ "$stderr" == *"it is not on that network"* ]]
	# started again: still off it
	dl stop -t 1 solo >/dev/null
	dl start solo >/dev/null
	run ! dl exec solo ip link show eth0
	run -0 dl inspect -f '{{json .NetworkSettings.Networks}}' solo
	assert_output '{}'
	# connected again: on it, and at its next start too
	dl network connect bridge solo
	run -0 dl exec solo ip -4 -o addr show
	assert_output --regexp 'inet 10\.199\.44\.[0-9]+/24'
	run -0 dl inspect solo
	assert_equal "$(jq -r '.[0].NetworkSettings.Networks | keys | join(",")' <<<"$output")" bridge
	assert_equal "$(jq -r '.[0].NetworkSettings.Networks.bridge.IPAddress' <<<"$output" | cut -d. -f1-3)" 10.199.44
	dl stop -t 1 solo >/dev/null
	dl start solo >/dev/null
	run -0 dl exec solo ip link show eth0
	run -0 dl inspect -f '{{json .NetworkSettings.Networks}}' solo
	assert_output --partial '"bridge":{'
	# not running: a user-defined network, left for its next start
	dl network create --subnet 10.199.47.0/24 made >/dev/null
	dl create --name idle2 --network made busybox sleep 60 >/dev/null
	run -0 dl inspect -f '{{json .NetworkSettings.Networks}}' idle2
	assert_output --partial '"made":{'
	run -0 dl network disconnect made idle2
	run -0 dl inspect -f '{{json .NetworkSettings.Networks}}' idle2
	assert_output '{}'
	run -1 --separate-stderr dl network disconnect made idle2
	[[ "$stderr" == *"it is not on that network"* ]]
	dl start idle2 >/dev/null
	run ! dl exec idle2 ip link show eth0
	run -0 dl network inspect made
	assert_equal "$(jq -r '.[0].Containers | length' <<<"$output")" 0
	# connected again while not running: on it from its next start
	dl stop -t 1 idle2 >/dev/null
	run -0 dl network connect made idle2
	run -0 dl inspect -f '{{json .NetworkSettings.Networks}}' idle2
	assert_output --partial '"made":{'
	dl start idle2 >/dev/null
	run -0 dl exec idle2 ip -4 -o addr show eth0
	assert_output --regexp 'inet 10\.199\.47\.[0-9]+/24'
	dl rm -f solo idle2 >/dev/null
	run -0 dl network rm made
}

@test "dl network connect: off its own network, the network it was connected to is its eth0 and its route at its next start" {
	dl network create --subnet 10.199.49.0/24 only >/dev/null
	dl run -d --name op --network only busybox sleep 600 >/dev/null
	dl run -d --name oc busybox sleep 600 >/dev/null
	dl network disconnect bridge oc
	dl network connect --alias oalias only oc
	dl restart -t 1 oc >/dev/null
	run -0 dl exec oc sh -c 'ip -4 -o addr show eth0; ip route; ip link show eth1 || echo no-eth1'
	assert_output --regexp 'inet 10\.199\.49\.[0-9]+/24'
	assert_line --regexp '^default via 10\.199\.49\.1 dev eth0'
	assert_line no-eth1
	run -0 dl exec op ping -c1 -W2 oalias
	run -0 dl exec oc ping -c1 -W2 op
	run -0 dl inspect -f '{{json .NetworkSettings.Networks}}' oc
	assert_output --partial '"only":{'
	refute_output --partial '"bridge"'
	dl rm -f oc op >/dev/null
	run -0 dl network rm only
}

@test "dl run --network-alias: the other members find it by its aliases" {
	dl network create --subnet 10.199.49.0/24 al >/dev/null
	dl run -d --name db1 --network al --network-alias database --network-alias=pg busybox sh -c \
		'mkdir -p /www && echo aliased >/www/index.html && exec httpd -f -p 80 -h /www' >/dev/null
	dl run -d --name cl --network al busybox sleep 60 >/dev/null
	run -0 dl exec cl wget -qO- http://database/
	assert_output aliased
	run -0 dl exec cl ping -c1 -W2 pg
	run -0 dl inspect db1
	assert_equal "$(jq -c '.[0].NetworkSettings.Networks.al.Aliases' <<<"$output")" '["database","pg"]'
	run -2 --separate-stderr dl-container-new --network-alias '-x' busybox true
	dl rm -f db1 cl >/dev/null
	run -0 dl network rm al
}

@test "dl network rm: the host's links and nft rules are back to what they were" {
	dl network create --subnet 10.199.46.0/24 tmpnet >/dev/null
	dl run --rm --network tmpnet busybox true
	dl network rm tmpnet >/dev/null
	dl network prune
	ip netns del "$OUT" 2>/dev/null || true
	ip link del dlt402o0 2>/dev/null || true
	assert_equal "$(links)" "$BASE_LINKS"
	assert_equal "$(nft -s list ruleset 2>/dev/null)" "$BASE_RULES"
	assert_equal "$(find /run/dockerlite/net -maxdepth 1 -name 'dlb*' | sort)" "$BASE_LEASES"
}
