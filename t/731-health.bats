#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# 731-health.bats: --health-* and the image's HEALTHCHECK, run by the
# monitor; the status in dl ps and dl inspect.
# shellcheck disable=SC2016,SC2154 # scripts expand in the container; run sets $stderr

load helpers
load lib-btrfs

setup() {
	busybox_store
}

health_is() {
	test "$(dl inspect -f '{{.State.Health.Status}}' "$1")" = "$2"
}

assert_in_stderr() {
	[[ $stderr == *"$1"* ]] || {
		echo "# stderr: $stderr" >&3
		return 1
	}
}

sleeper=(sh -c 'while :; do sleep 0.1; done')

@test "--health-*: usage errors" {
	run -125 --separate-stderr dl run --health-interval 5 busybox true
	assert_in_stderr "unable to set health interval '5': not a duration"
	run -125 --separate-stderr dl run --health-timeout 1x busybox true
	assert_in_stderr "health timeout '1x'"
	run -125 --separate-stderr dl run --health-retries -1 busybox true
	assert_in_stderr "health retries '-1'"
	run -125 --separate-stderr dl run --health-start-period 10us busybox true
	assert_in_stderr 'at least 1ms'
	run -125 --separate-stderr dl run --no-healthcheck --health-cmd true busybox true
	assert_in_stderr '--no-healthcheck conflicts with --health-* options'
	run -2 --separate-stderr dl create --health-interval=bogus busybox true
	run -0 dl ps -aq
	assert_output ''
}

@test "--health-cmd: starting, then healthy; ps and inspect show it" {
	dl run -d --name h --health-cmd 'test -e /tmp/ok && echo fine' \
		--health-interval 200ms --health-retries 1000 busybox "${sleeper[@]}" >/dev/null
	run -0 dl inspect -f '{{.State.Health.Status}} {{.State.Health.FailingStreak}}' h
	assert_output 'starting 0'
	run -0 dl ps
	assert_output --regexp 'Up .* \(health: starting\) .* h$'
	wait_for "a failed probe" sh -c "dl inspect -f '{{len .State.Health.Log}}' h | grep -qv '^0$'"
	run -0 health_is h starting
	dl exec h touch /tmp/ok
	wait_for healthy health_is h healthy
	run -0 dl ps
	assert_output --regexp 'Up .* \(healthy\) .* h$'
	run -0 dl ps --format '{{.Status}}'
	assert_output --regexp '^Up .* \(healthy\)$'
	run -0 dl ps --filter health=healthy --format '{{.Names}}'
	assert_output h
	run -0 dl ps --filter health=unhealthy --format '{{.Names}}'
	assert_output ''
	run -0 dl inspect -f '{{json .Config.Healthcheck}}' h
	assert_output '{"Interval":200000000,"Retries":1000,"Test":["CMD-SHELL","test -e /tmp/ok && echo fine"]}'
	# the log: the last 5 probes, with their output
	wait_for "5 probes" sh -c "dl inspect -f '{{len .State.Health.Log}}' h | grep -qx 5"
	sleep 1
	run -0 dl inspect -f '{{len .State.Health.Log}}' h
	assert_output 5
	run -0 dl inspect -f '{{with index .State.Health.Log 4}}{{.ExitCode}} {{.Output}}{{end}}' h
	assert_output '0 fine'
	dl rm -f h
}

@test "--health-cmd: failures in a row make it unhealthy, a success healthy again" {
	dl run -d --name u --health-cmd 'test ! -e /tmp/bad' --health-interval 100ms \
		--health-retries 2 busybox "${sleeper[@]}" >/dev/null
	wait_for healthy health_is u healthy
	dl exec u touch /tmp/bad
	wait_for unhealthy health_is u unhealthy
	run -0 dl inspect -f '{{ge .State.Health.FailingStreak 2}}' u
	assert_output true
	run -0 dl ps
	assert_output --regexp '\(unhealthy\) .* u$'
	dl exec u rm /tmp/bad
	wait_for "healthy again" health_is u healthy
	run -0 dl inspect -f '{{.State.Health.FailingStreak}}' u
	assert_output 0
	dl rm -f u
}

@test "--health-timeout: a probe that takes too long fails with -1" {
	dl run -d --name t --health-cmd 'sleep 5' --health-interval 100ms \
		--health-timeout 300ms --health-retries 1 busybox "${sleeper[@]}" >/dev/null
	wait_for unhealthy health_is t unhealthy
	run -0 dl inspect -f '{{with index .State.Health.Log 0}}{{.ExitCode}} {{.Output}}{{end}}' t
	assert_output '-1 Health check exceeded timeout (0.3s)'
	dl rm -f t
}

@test "--health-start-period: failures in it do not count" {
	dl run -d --name sp --health-cmd false --health-interval 100ms \
		--health-retries 1 --health-start-period 1h busybox "${sleeper[@]}" >/dev/null
	# at least 3: with probes 100 ms apart, a poll can miss the moment
	# there are exactly 3 (the log keeps the last 5)
	wait_for "3 probes" sh -c "test \"\$(dl inspect -f '{{len .State.Health.Log}}' sp)\" -ge 3"
	run -0 dl inspect -f '{{.State.Health.Status}} {{.State.Health.FailingStreak}}' sp
	assert_output 'starting 0'
	dl rm -f sp
}

@test "image HEALTHCHECK: run by the container; options change one field; --no-healthcheck drops it" {
	dl create --name base busybox true >/dev/null
	dl commit -c 'HEALTHCHECK --interval=100ms --retries=1 CMD ["sh", "-c", "exit 1"]' base hc >/dev/null
	dl rm base
	dl run -d --name img hc "${sleeper[@]}" >/dev/null
	wait_for unhealthy health_is img unhealthy
	run -0 dl inspect -f '{{json .Config.Healthcheck.Test}}' img
	assert_output '["CMD","sh","-c","exit 1"]'
	# an option replaces its field only
	dl run -d --name over --health-cmd true hc "${sleeper[@]}" >/dev/null
	run -0 dl inspect -f '{{json .Config.Healthcheck}}' over
	assert_output '{"Interval":100000000,"Retries":1,"Test":["CMD-SHELL","true"]}'
	wait_for healthy health_is over healthy
	dl run -d --name none --no-healthcheck hc "${sleeper[@]}" >/dev/null
	run -0 dl inspect -f '{{json .Config.Healthcheck.Test}}' none
	assert_output '["NONE"]'
	sleep 1
	run -0 dl inspect -f '{{json .State.Health}}' none
	assert_output 'null'
	run -0 dl ps --filter health=none --format '{{.Names}}'
	assert_output none
	dl rm -f img over none
}

@test "health: a container without a check has no State.Health" {
	dl run -d --name plain busybox "${sleeper[@]}" >/dev/null
	run -0 dl inspect -f '{{json .State.Health}}' plain
	assert_output null
	run -0 dl ps
	refute_output --partial health
	dl rm -f plain
}

@test "health: the same State.Health.Status as podman's for the same checks" {
	command -v podman >/dev/null || fail "podman is not installed (make deps)"
	mkdir -p "$BATS_TEST_TMPDIR/conf"
	printf '[containers]\ndefault_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]\n' \
		>"$BATS_TEST_TMPDIR/conf/containers.conf"
	export CONTAINERS_CONF="$BATS_TEST_TMPDIR/conf/containers.conf"
	local p=(podman --root "$BATS_TEST_TMPDIR/root" --runroot "$BATS_TEST_TMPDIR/runroot" --storage-driver vfs --runtime runc)
	local c want
	dl create --name ex busybox true >/dev/null
	dl export ex | "${p[@]}" import -q - localhost/bb:1 >/dev/null
	dl rm ex
	for c in good bad; do
		case $c in
		good) cmd=true ;;
		bad) cmd=false ;;
		esac
		"${p[@]}" run -d --name "$c" --network none --health-cmd "$cmd" \
			--health-retries 1 --health-interval 1h localhost/bb:1 sleep 60 >/dev/null
		# podman probes when its timer (systemd) or the user asks
		"${p[@]}" healthcheck run "$c" >/dev/null || :
		want=$("${p[@]}" inspect -f '{{.State.Health.Status}}' "$c")
		dl run -d --name "$c" --health-cmd "$cmd" --health-retries 1 \
			--health-interval 100ms busybox sleep 60 >/dev/null
		wait_for "$c: $want" health_is "$c" "$want"
		"${p[@]}" rm -f -t 0 "$c" >/dev/null
		dl rm -f "$c"
	done
}
