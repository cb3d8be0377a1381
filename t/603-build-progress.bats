#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# 603-build-progress.bats: dl build --progress: plain lines, the auto
# mode on a pipe and on a terminal (a pty), tty redrawn in place, quiet.
# shellcheck disable=SC2154 # $stderr is set by run --separate-stderr

load helpers
load lib-btrfs

# ctx: a two-stage Dockerfile whose RUN prints two lines, in $C
ctx() {
	C=$BATS_TEST_TMPDIR/ctx
	mkdir -p "$C"
	cat >"$C/Dockerfile" <<-'XEOF'
		FROM busybox AS b
		RUN echo hi; echo there
		ENV A=1
		FROM b
		COPY Dockerfile /x
	XEOF
}

# on_pty COMMAND...: COMMAND with its stderr on a new pty, stdout a pipe;
# what the terminal got in $BATS_TEST_TMPDIR/tty, stdout in $output
on_pty() {
	run python3 -c '
import os, pty, subprocess, sys
m, s = pty.openpty()
p = subprocess.Popen(sys.argv[2:], stdout=subprocess.PIPE, stderr=s,
                     stdin=subprocess.DEVNULL)
os.close(s)
got = b""
while True:
    try:
        d = os.read(m, 65536)
    except OSError:
        break
    if not d:
        break
    got += d
open(sys.argv[1], "wb").write(got)
sys.stdout.write(p.stdout.read().decode())
sys.exit(p.wait())
' "$BATS_TEST_TMPDIR/tty" "$@"
}

@test "dl build --progress=plain: a line a step, #N [STAGE I/N], RUN's output prefixed, CACHED or DONE" {
	busybox_store
	ctx
	run -0 --separate-stderr dl build --progress=plain --network none "$C"
	[[ "$output" =~ ^[0-9a-f]{64}$ ]]
	grep -vq $'\e' <<<"$stderr"
	grep -qx '#1 \[b 1/3\] FROM busybox' <<<"$stderr"
	grep -qx '#2 \[b 2/3\] RUN echo hi; echo there' <<<"$stderr"
	grep -qx '#2 hi' <<<"$stderr"
	grep -qx '#2 there' <<<"$stderr"
	grep -Eqx '#2 DONE [0-9a-f]{12}' <<<"$stderr"
	grep -qx '#4 \[stage-1 1/2\] FROM b' <<<"$stderr"
	grep -qx '#5 \[stage-1 2/2\] COPY Dockerfile /x' <<<"$stderr"
	# rebuilt: every step but the FROMs is CACHED, and RUN prints nothing
	run -0 --separate-stderr dl build --progress plain --network none "$C"
	assert_equal "$(grep -c '^#[0-9]* CACHED$' <<<"$stderr")" 3
	grep -vqx '#2 hi' <<<"$stderr"
	# one stage without a name: [I/N] alone
	printf 'FROM busybox\nENV X=1\n' >"$C/Dockerfile"
	run -0 --separate-stderr dl build --progress=plain --network none "$C"
	grep -qx '#2 \[2/2\] ENV X=1' <<<"$stderr"
}

@test "dl build: --progress=auto (the default) on a pipe is plain" {
	busybox_store
	ctx
	run -0 --separate-stderr dl build --network none "$C"
	plain=$(grep -v ' DONE \| CACHED$' <<<"$stderr")
	grep -qx '#2 hi' <<<"$stderr"
	grep -vq $'\e' <<<"$stderr"
	run -0 --separate-stderr dl build --progress=auto --no-cache --network none "$C"
	assert_equal "$(grep -v ' DONE \| CACHED$' <<<"$stderr")" "$plain"
}

@test "dl build: on a terminal (auto, or --progress=tty) each step is redrawn in place and RUN's output erased" {
	busybox_store
	ctx
	on_pty dl build --network none "$C"
	assert_success
	[[ "$output" =~ ^[0-9a-f]{64}$ ]]
	t=$(cat "$BATS_TEST_TMPDIR/tty")
	# the header, then the same line redrawn with how the step ended
	[[ "$t" == *$'#2 [b 2/3] RUN echo hi; echo there\e[0m\r\n'* ]]
	[[ "$t" == *$'\e[1A\r\e[K#2 [b 2/3] RUN echo hi; echo there  DONE '* ]]
	# the output shown under it, then erased
	[[ "$t" == *there*$'\e[2A\e[J\e[1A\r\e[K#2 '* ]]
	on_pty dl build --progress=tty --network none "$C"
	assert_success
	t=$(cat "$BATS_TEST_TMPDIR/tty")
	[[ "$t" == *$'\e[1A\r\e[K#5 [stage-1 2/2] COPY Dockerfile /x  CACHED'* ]]
	# --progress=plain on a terminal is plain
	on_pty dl build --progress=plain --network none "$C"
	assert_success
	t=$(cat "$BATS_TEST_TMPDIR/tty")
	[[ "$t" != *$'\e'* ]]
	[[ "$t" == *$'#4 DONE '*$'\r\n#5 [stage-1 2/2] COPY Dockerfile /x\r\n#5 CACHED'* ]]
}

@test "dl build --progress=tty: a failing RUN's output is shown whole" {
	busybox_store
	ctx
	# shellcheck disable=SC2016 # $i is the RUN's
	printf 'FROM busybox\nRUN for i in 1 2 3 4 5 6 7 8; do echo out$i; done; exit 3\n' \
		>"$C/Dockerfile"
	on_pty dl build --progress=tty --network none "$C"
	assert_failure 1
	t=$(cat "$BATS_TEST_TMPDIR/tty")
	[[ "$t" == *$'\e[J'out1$'\r\n'out2$'\r\n'*out8$'\r\n'* ]]
	[[ "$t" == *"exit code 3"* ]]
}

@test "dl build --progress=quiet is -q; an unknown mode is a usage error (2)" {
	busybox_store
	ctx
	run -0 --separate-stderr dl build --progress=quiet --network none "$C"
	[[ "$output" =~ ^[0-9a-f]{64}$ ]]
	assert_equal "$stderr" ''
	run -2 --separate-stderr dl build --progress=fancy "$C"
	assert_fatal 'dl build'
	[[ "$stderr" == *"'fancy'"* ]]
}
