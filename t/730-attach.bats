#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# 730-attach.bats: dl attach to a detached container (its monitor's
# relay), run -a/--attach, --sig-proxy, a terminal driven through a pty.
# shellcheck disable=SC2154 # run sets $stderr

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
