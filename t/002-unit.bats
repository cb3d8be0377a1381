#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# 002-unit.bats: the TAP unit tests of the pure lib modules (t/unit/*.c,
# built by make all). Needs neither root nor btrfs.

load helpers

# run_unit NAME: t/unit/NAME.t passes: exit status 0, a plan "1..N" that
# counts every test line, and no "not ok" but those marked "# TODO" (a
# known bug, named in the line)
run_unit() {
	local plan count
	run -0 "$DL_TOP/t/unit/$1.t"
	assert_line --regexp '^1\.\.[1-9][0-9]*$'
	plan=$(printf '%s\n' "$output" | sed -n 's/^1\.\.\([0-9]*\)$/\1/p')
	count=$(printf '%s\n' "$output" | grep -cE '^(not )?ok [0-9]+ ')
	[ "$plan" -eq "$count" ] || fail "plan 1..$plan, but $count tests ran"
	if printf '%s\n' "$output" | grep '^not ok' | grep -qv ' # TODO '; then
		fail "a test failed"
	fi
}

@test "unit: the name grammar and RFC 3339 times (ref.c)" {
	run_unit ref
}

@test "unit: image config changes and shape checks (change.c)" {
	run_unit change
}

@test "unit: the machine's architecture and the default image config (imgconfig.c)" {
	run_unit imgconfig
}

@test "unit: runtime spec loading, capabilities, environment and building (spec.c)" {
	run_unit spec
}

@test "unit: exit statuses and signal names (status.c)" {
	run_unit status
}

@test "unit: the OCI digest grammar and sha256 (digest.c)" {
	run_unit digest
}

@test "unit: the seccomp profile compiler, in all three x86 ABIs (seccomp.c)" {
	run_unit seccomp
}

@test "unit: OCI manifests, indexes, configs and docker-archive manifests (ocidoc.c)" {
	run_unit ocidoc
}

@test "unit: Go templates of --format, Docker's header line and tabwriter (template.c)" {
	run_unit template
}

@test "unit: -p's syntax and network names (ports.c, netconf.c)" {
	run_unit ports
}

@test "unit: Dockerfile variable expansion, ARG and ENV, parse errors (dfexpand.c, dockerfile.c)" {
	run_unit dockerfile
}

@test "unit: .dockerignore patterns, parents, ** and ! exceptions (dfcontext.c)" {
	run_unit dfcontext
}

@test "unit: remote references, Docker's short names (registry.c)" {
	run_unit registry
}
