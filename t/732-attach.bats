#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# 732-attach.bats: dl attach to a detached container (its monitor's
# relay), run -a/--attach, --sig-proxy, a terminal driven through a pty.
# shellcheck disable=SC2016,SC2154 # scripts expand in the container; run sets $stderr

load helpers
load lib-btrfs

setup() {
	busybox_store
}

# ptydrive [-e TEXT | -s BYTES | -w ROWSxCOLS]... -- COMMAND [ARG...]: run
# COMMAND on a new terminal; -e waits (10 s at most) until its output
# holds TEXT, -s types BYTES (python escapes: \x10 is ctrl-p), -w sets
# the window size; then prints all its output and exits with its status
ptydrive() {
	python3 - "$@" <<'EOF'
import fcntl, os, pty, select, struct, sys, termios, time
args = sys.argv[1:]
steps = []
while args[0] != '--':
    steps.append((args[0], args[1]))
    args = args[2:]
cmd = args[1:]
pid, fd = pty.fork()
if pid == 0:
    os.execvp(cmd[0], cmd)
out = b''
def pump(t):
    global out
    r, _, _ = select.select([fd], [], [], t)
    if r:
        try:
            d = os.read(fd, 65536)
        except OSError:
            return False
        if not d:
            return False
        out += d
    return True
for kind, val in steps:
    if kind == '-e':
        end = time.time() + 10
        while val.encode() not in out and time.time() < end:
            if not pump(0.1):
                break
    elif kind == '-s':
        time.sleep(0.2)
        os.write(fd, val.encode().decode('unicode_escape').encode('latin-1'))
    elif kind == '-w':
        r, c = val.split('x')
        fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack('HHHH', int(r), int(c), 0, 0))
end = time.time() + 20
while time.time() < end and pump(0.2):
    pass
_, st = os.waitpid(pid, 0)
sys.stdout.write(out.decode('latin-1').replace('\r\n', '\n'))
sys.exit(os.waitstatus_to_exitcode(st) & 255)
EOF
}

@test "dl attach: the output of a -d container reaches the attached, and its exit code" {
	dl run -d --name a1 busybox sh -c "sleep 1; echo out; echo err >&2; exit 3" >/dev/null || { cat "$DL_ROOT"/containers/*/console.log; false; }
	run -3 --separate-stderr dl attach a1 </dev/null
	assert_output out
	assert_equal "$stderr" err
	# the log has it whole, whoever attached
	run -0 --separate-stderr dl logs a1
	assert_output out
	assert_equal "$stderr" err
}

@test "dl attach: a stopped container is refused as Docker refuses it, exit 1" {
	dl create --name a2 busybox true >/dev/null
	run -1 --separate-stderr dl attach a2
	assert_output ''
	assert_equal "$stderr" "dl attach: fatal: unable to attach to container '$(dl-ref-resolve -c a2)': You cannot attach to a stopped container, start it first"
	dl start a2
	dl wait a2 >/dev/null
	run -1 --separate-stderr dl attach a2
	[[ "$stderr" == *'You cannot attach to a stopped container, start it first' ]]
	run -125 --separate-stderr dl attach no-such
	run -125 --separate-stderr dl attach
	[[ "$stderr" == 'dl attach: usage: dl attach '* ]]
}

@test "dl attach: -dit: a terminal, raw; input, window size, ctrl-p ctrl-q detaches" {
	dl run -dit --name a3 busybox sh >/dev/null
	run -0 ptydrive -w 33x77 -s 'stty size; echo "x$((6*7))"\n' -e x42 -s '\x10\x11' -- dl attach a3
	assert_output --partial '33 77'
	assert_output --partial x42
	[ "$(dl inspect -f '{{.State.Status}}' a3)" = running ]
	# again, and the shell's exit ends attach with its code
	run -5 ptydrive -s 'exit 5\n' -- dl attach a3
	run -0 dl inspect -f '{{.State.ExitCode}}' a3
	assert_output 5
}

@test "dl attach: ctrl-p then another key is typed through; --detach-keys" {
	dl run -dit --name a4 busybox sh -c 'head -c 4 | od -b; exec sh' >/dev/null
	# ctrl-p b: both reach the command (ctrl-p is not the whole sequence)
	run -0 ptydrive -s 'a\x10b\n' -e '012' -s '\x10\x11' -- dl attach a4
	assert_output --partial '141 020 142 012'
	run -0 ptydrive -s 'echo y$((2+3))\n' -e y5 -s 'q' -- dl attach --detach-keys q a4
	assert_output --partial y5
	[ "$(dl inspect -f '{{.State.Status}}' a4)" = running ]
	run -125 --separate-stderr dl attach --detach-keys ctrl-1 a4 </dev/null
	[[ "$stderr" == *"unable to use detach keys 'ctrl-1'"* ]]
	dl rm -f a4 >/dev/null
}

@test "dl attach: -di without a terminal: stdin from the attached, the end of it keeps the container's open" {
	dl run -di --name a5 busybox sh -c 'while read -r l; do echo "got $l"; done; echo eof' >/dev/null
	run -0 --separate-stderr bash -c 'printf "one\ntwo\n" | timeout -s KILL 3 dl attach a5; echo rc=$?'
	# our stdin ends, the container's does not: attach stays until killed
	assert_output $'got one\ngot two\nrc=137'
	[ "$(dl inspect -f '{{.State.Status}}' a5)" = running ]
	dl rm -f a5 >/dev/null
}

@test "dl attach: --no-stdin sends nothing; two clients both get the output" {
	dl run -di --name a6 busybox sh -c 'read -r l; echo "got $l"; sleep 2; echo late' >/dev/null
	timeout 10 dl attach a6 >"$BATS_TEST_TMPDIR/second" 2>&1 </dev/null &
	run -0 --separate-stderr bash -c 'echo ignored | timeout -s KILL 1 dl attach --no-stdin a6; echo rc=$?'
	assert_output rc=137
	run -0 bash -c '{ echo hello; sleep 5; } | dl attach a6'
	assert_output $'got hello\nlate'
	wait
	run cat "$BATS_TEST_TMPDIR/second"
	assert_output $'got hello\nlate'
}

@test "dl attach: a slow client never holds the container nor its log back" {
	dl run -d --name a7 busybox sh -c 'sleep 1; i=0; while [ $i -lt 3000 ]; do echo "line $i xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"; i=$((i+1)); done; echo done' >/dev/null
	# a client that reads nothing: its socket fills, the rest is dropped for it
	{ dl attach a7 </dev/null | { sleep 30; cat >/dev/null; }; } 3>&- &
	run -0 dl wait a7
	assert_output 0
	run -0 bash -c "dl logs a7 | wc -l"
	assert_output 3001
	kill %1 2>/dev/null || true
}

@test "dl attach: a container of a foreground dl run cannot be attached" {
	dl run --name a8 busybox sleep 3 &
	sleep 1
	run -1 --separate-stderr dl attach a8 </dev/null
	[[ "$stderr" == *"it runs in the foreground of the 'dl run' or 'dl start -a' that started it" ]]
	wait
}

# kill_monitor NAME: SIGKILL the supervisor of detached container NAME and
# its children (the relay among them), all stopped first so that none can
# clean up after the others
kill_monitor() {
	local id mon kids
	id=$(dl-ref-resolve -c "$1")
	mon=$(sed 's/.*"monitor_pid":\([0-9]*\).*/\1/' "$DL_ROOT/containers/$id/state.json")
	[ "$mon" -gt 0 ]
	kids=$(ps -o pid= --ppid "$mon")
	# shellcheck disable=SC2086 # one pid a word
	kill -STOP "$mon" $kids
	# shellcheck disable=SC2086
	kill -KILL "$mon" $kids
	while kill -0 "$mon" 2>/dev/null; do sleep 0.05; done
}

@test "dl attach: a supervisor killed with its relay: not running, exit 1; the socket it left goes; a start serves anew" {
	dl run -d --name m1 busybox sh -c 'if [ -e /first ]; then sleep 2; echo again; exit 4; fi; touch /first; sleep 100' >/dev/null
	local id sock
	id=$(dl-ref-resolve -c m1)
	sock=$DL_ROOT/containers/$id/attach.sock
	kill_monitor m1
	# nobody listens on it any more
	[ -S "$sock" ]
	run -1 --separate-stderr dl attach m1 </dev/null
	assert_output ''
	assert_equal "$stderr" "dl attach: fatal: unable to attach to container '$id': You cannot attach to a stopped container, start it first"
	[ ! -e "$sock" ]
	# a start serves a socket of its own, the restarted command attachable
	dl start m1 >/dev/null
	run -4 --separate-stderr dl attach m1 </dev/null
	assert_output again
	[ ! -e "$sock" ]
	# killed again, then started in the foreground: the stale socket goes
	dl rm -f m1 >/dev/null
	dl run -d --name m2 busybox sh -c 'if [ -e /first ]; then sleep 2; echo again; exit 4; fi; touch /first; sleep 100' >/dev/null
	id=$(dl-ref-resolve -c m2)
	sock=$DL_ROOT/containers/$id/attach.sock
	kill_monitor m2
	[ -S "$sock" ]
	dl start -a m2 >"$BATS_TEST_TMPDIR/fg" 3>&- &
	local pid=$!
	sleep 1
	[ ! -e "$sock" ]
	run -1 --separate-stderr dl attach m2 </dev/null
	[[ "$stderr" == *"it runs in the foreground of the 'dl run' or 'dl start -a' that started it" ]]
	rc=0; wait "$pid" || rc=$?; assert_equal "$rc" 4
	run cat "$BATS_TEST_TMPDIR/fg"
	assert_output again
	dl rm -f m2 >/dev/null
}

@test "dl attach: signals go to the command (--sig-proxy), or end attach alone (--sig-proxy=false)" {
	dl run -d --name s1 busybox sh -c 'trap "echo got-usr1" USR1; trap "echo got-term; exit 9" TERM; while :; do sleep 0.1; done' >/dev/null
	dl attach s1 >"$BATS_TEST_TMPDIR/out" </dev/null 3>&- &
	local pid=$!
	sleep 1
	kill -USR1 "$pid"
	sleep 0.5
	kill -TERM "$pid"
	rc=0; wait "$pid" || rc=$?; assert_equal "$rc" 9
	run cat "$BATS_TEST_TMPDIR/out"
	assert_output $'got-usr1\ngot-term'
	dl run -d --name s2 busybox sh -c 'trap "echo got-term" TERM; while :; do sleep 0.1; done' >/dev/null
	dl attach --sig-proxy=false s2 >"$BATS_TEST_TMPDIR/out2" </dev/null 3>&- &
	pid=$!
	sleep 1
	kill -TERM "$pid"
	rc=0; wait "$pid" || rc=$?; assert_equal "$rc" 143
	sleep 0.5
	run -0 dl inspect -f '{{.State.Status}}' s2
	assert_output running
	run cat "$BATS_TEST_TMPDIR/out2"
	assert_output ''
	dl rm -f s1 s2 >/dev/null
}

@test "dl run -a: only the streams named are connected, as Docker's" {
	run -0 --separate-stderr dl run --rm -a stderr busybox sh -c 'echo out; echo err >&2'
	assert_output ''
	assert_equal "$stderr" err
	run -0 --separate-stderr dl run -a stdout --name r1 busybox sh -c 'sleep 0.2; echo out; echo err >&2'
	assert_output out
	assert_equal "$stderr" ''
	# the log keeps both, and the exit code is the command's
	run -0 --separate-stderr dl logs r1
	assert_output out
	assert_equal "$stderr" err
	run -7 dl run --rm -a STDOUT busybox sh -c 'exit 7'
	# stdin only with -a stdin
	run -0 --separate-stderr bash -c 'echo hi | dl run --rm -i -a stdout busybox sh -c "read -t 1 l || echo none"'
	assert_output none
	run -0 --separate-stderr bash -c 'echo hi | dl run --rm -i -a stdin -a stdout busybox sh -c "cat; echo done"'
	assert_output $'hi\ndone'
	run -125 --separate-stderr dl run -d -a stdout busybox true
	[[ "$stderr" == *'conflicting options: -a and -d' ]]
	run -125 --separate-stderr dl run -a stdbad busybox true
	[[ "$stderr" == *"unable to attach 'stdbad': valid streams are STDIN, STDOUT and STDERR" ]]
	# a --rm container is gone once dl run returns
	run -0 dl ps -aq
	assert_output "$(dl-ref-resolve -c r1 | cut -c1-12)"
}

@test "dl run --sig-proxy=false: SIGTERM to dl run leaves the container running" {
	dl run --sig-proxy=false --name p1 busybox sh -c 'trap "echo got-term" TERM; echo up; while :; do sleep 0.1; done' >"$BATS_TEST_TMPDIR/out" 3>&- &
	local pid=$!
	sleep 1.5
	kill -TERM "$pid"
	rc=0; wait "$pid" || rc=$?; assert_equal "$rc" 143
	run -0 dl inspect -f '{{.State.Status}}' p1
	assert_output running
	run cat "$BATS_TEST_TMPDIR/out"
	assert_output up
	# with the proxy (the default), the command gets it
	dl run --name p2 busybox sh -c 'trap "echo got-term; exit 4" TERM; echo up; while :; do sleep 0.1; done' >"$BATS_TEST_TMPDIR/out2" 3>&- &
	pid=$!
	sleep 1.5
	kill -TERM "$pid"
	rc=0; wait "$pid" || rc=$?; assert_equal "$rc" 4
	run cat "$BATS_TEST_TMPDIR/out2"
	assert_output $'up\ngot-term'
	run -125 --separate-stderr dl run --sig-proxy=maybe busybox true
	[[ "$stderr" == *"unable to use '--sig-proxy=maybe': not true or false" ]]
	dl rm -f p1 >/dev/null
}

# pm: podman, with its own storage and config under this test's temp dir
pm() {
	local d=$BATS_TEST_TMPDIR/podman
	if [ ! -f "$d/containers.conf" ]; then
		mkdir -p "$d"
		printf '[containers]\ndefault_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]\n' \
			>"$d/containers.conf"
	fi
	CONTAINERS_CONF="$d/containers.conf" podman --root "$d/root" \
		--runroot "$d/run" --storage-driver vfs "$@"
}

@test "dl run -a: the same streams as podman run -a, over the same image" {
	command -v podman >/dev/null || fail "podman is not installed (make deps)"
	dl image save -o "$BATS_TEST_TMPDIR/bb.tar" busybox
	pm load -q -i "$BATS_TEST_TMPDIR/bb.tar" >/dev/null
	local s streams cmd='echo out; echo err >&2; exit 3'
	for streams in stderr stdout 'stdout stderr'; do
		local a=()
		for s in $streams; do a+=(-a "$s"); done
		run -3 --separate-stderr pm run --runtime runc --rm --network none "${a[@]}" busybox sh -c "$cmd"
		local pout=$output perr=$stderr
		run -3 --separate-stderr dl run --rm "${a[@]}" busybox sh -c "$cmd"
		assert_equal "$output" "$pout"
		assert_equal "$stderr" "$perr"
	done
}

@test "dl exec -d: a command that cannot start exits 127 or 126 with Docker's message; dl start: attachable" {
	dl create -i --name e1 busybox sh -c 'read -r l; echo "got $l"; sleep 30' >/dev/null
	dl start e1 >/dev/null
	run -127 --separate-stderr dl exec -d e1 no-such-command
	[[ "$stderr" == *'exec: "no-such-command": executable file not found in $PATH' ]]
	run -126 --separate-stderr dl exec -d e1 /etc
	[[ "$stderr" == *'exec: "/etc": '* ]]
	run -0 --separate-stderr dl exec -d e1 sleep 5
	assert_output ''
	# started by dl start, with -i: stdin from the attached
	run -0 --separate-stderr bash -c '{ echo hi; sleep 1; } | timeout -s KILL 3 dl attach e1; true'
	assert_output 'got hi'
	dl rm -f e1 >/dev/null
}

@test "dl run -a: a command that ends before its client attaches still gives it its output and code, 8 at once" {
	local i rc pids=()
	for i in 1 2 3 4 5 6 7 8
	do
		dl run --rm -a stdout busybox sh -c "echo run$i; exit $i" \
			>"$BATS_TEST_TMPDIR/out$i" 2>&1 &
		pids[i]=$!
	done
	for i in 1 2 3 4 5 6 7 8
	do
		rc=0; wait "${pids[i]}" || rc=$?
		assert_equal "$rc" "$i"
		run cat "$BATS_TEST_TMPDIR/out$i"
		assert_output "run$i"
	done
	run -0 dl ps -aq
	assert_output ''
}
