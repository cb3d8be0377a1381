#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# 601-build-debian.bats: a real-world dl build: a Debian image whose RUN
# installs a package with apt-get from the host's Debian mirror, over the
# default bridge network.

load helpers
load lib-btrfs

@test "dl build: FROM a debootstrapped Debian, RUN apt-get install jq, on the default network" {
	require_lxc
	dl_test_store
	dl image bootstrap debian:bookworm >/dev/null
	C=$BATS_TEST_TMPDIR/ctx
	mkdir -p "$C"
	cat >"$C/Dockerfile" <<-'XEOF2'
		FROM debian:bookworm
		RUN apt-get update -qq && \
		    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
		        --no-install-recommends jq >/dev/null && \
		    rm -rf /var/lib/apt/lists/*
		CMD ["jq", "-n", "1+1"]
	XEOF2
	run -0 --separate-stderr dl build -t debjq "$C"
	run -0 dl run --rm --network none debjq
	assert_output 2
	# built again: from the cache, without the network
	run -0 --separate-stderr dl build --network none -t debjq "$C"
	# shellcheck disable=SC2154 # $stderr is set by run --separate-stderr
	grep -q "^#[0-9]* CACHED" <<<"$stderr"
}
