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
