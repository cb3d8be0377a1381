# SPDX-License-Identifier: Apache-2.0
# lib-net.bash: the bridge and subnet of a network test file ($BR,
# $SUBNET), its store, and the removal of what dl keeps of a bridge.
# shellcheck shell=bash

# net_forget BRIDGE SUBNET: the bridge gone from the host, with its
# elements of dl's nftables table and its lease directory
net_forget() {
	ip link del "$1" 2>/dev/null || true
	nft delete element inet dockerlite bridges "{ \"$1\" }" 2>/dev/null || true
	nft delete element inet dockerlite subnets "{ $2 }" 2>/dev/null || true
	rm -rf "/run/dockerlite/net/$1"
}

# net_setup: a busybox store whose bridge network is $BR on $SUBNET
net_setup() {
	busybox_store
	dl-net-set --bridge "$BR" --subnet "$SUBNET"
}

# net_teardown: every container of the test's store removed
net_teardown() {
	dl ps -aq 2>/dev/null | xargs -r dl rm -f >/dev/null 2>&1 || true
}

# net_poll CMD...: CMD run until it succeeds, for at most 20 s: a
# container's network namespace, and its veth pair with it, goes in the
# kernel's own time once its last process is gone
net_poll() {
	local end=$((SECONDS + 20))
	until "$@"; do
		[ "$SECONDS" -lt "$end" ] || return 1
		sleep 0.05
	done
}

# net_links: the host's link names, sorted
net_links() {
	ip -d -o link | sed 's/^[0-9]*: //' | awk '{print $1}' | sort
}

# net_links_are TEXT: the host's links are TEXT (net_links)
net_links_are() {
	[ "$(net_links)" = "$1" ]
}
