# SPDX-License-Identifier: Apache-2.0
# lib-registry.bash: Debian's docker-registry on 127.0.0.1, started by a
# test file with a config and storage under its temp dir, stopped by PID.
# shellcheck shell=bash

# free_port: a TCP port nobody listens on now
free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# wait_port PORT: until something listens on 127.0.0.1:PORT (10 s)
wait_port() {
	for _ in $(seq 100); do
		if python3 -c 'import socket, sys; socket.create_connection(("127.0.0.1", int(sys.argv[1])), 1)' "$1" 2>/dev/null; then
			return 0
		fi
		sleep 0.1
	done
	return 1
}

# registry_start NAME [HTTP-YAML [TOP-YAML]]: a registry in
# $BATS_FILE_TMPDIR/NAME on a free port; sets REG (127.0.0.1:PORT) and
# REG_LOG, and records the PID in NAME/pid.  HTTP-YAML goes into its http:
# section (tls:, indented by 2), TOP-YAML at the top level (auth:).
registry_start() {
	local d=$BATS_FILE_TMPDIR/$1 port
	command -v docker-registry >/dev/null ||
		skip "docker-registry is not installed"
	port=$(free_port)
	mkdir -p "$d/storage"
	{
		printf 'version: 0.1\nlog:\n  level: info\n'
		printf '  accesslog:\n    disabled: false\n'
		printf 'storage:\n  filesystem:\n    rootdirectory: %s\n' "$d/storage"
		printf '  delete:\n    enabled: true\n'
		printf 'http:\n  addr: 127.0.0.1:%s\n' "$port"
		printf '%s\n' "${2:-}" "${3:-}"
	} >"$d/config.yml"
	docker-registry serve "$d/config.yml" >"$d/log" 2>&1 3>&- &
	echo $! >"$d/pid"
	wait_port "$port" || {
		cat "$d/log" >&2
		return 1
	}
	REG=127.0.0.1:$port
	REG_LOG=$d/log
	echo "$REG" >"$d/addr"
}

# registry_stop NAME: stop the registry NAME by its PID
registry_stop() {
	local p=$BATS_FILE_TMPDIR/$1/pid
	[ -f "$p" ] || return 0
	kill "$(cat "$p")" 2>/dev/null || true
	rm -f "$p"
}

# registry_count METHOD: how many METHOD requests on blob uploads the
# registry's access log shows
registry_count() {
	grep -c "\"$1 /v2/[^ ]*/blobs/uploads/" "$REG_LOG" || true
}

# stub_start NAME DIR [OPTION...]: t/fixtures/registry/stub.py serving
# DIR on a free port; sets STUB (127.0.0.1:PORT)
stub_start() {
	local dir=$2 f=$BATS_FILE_TMPDIR/stub-$1
	shift 2
	rm -f "$f.port"
	python3 "$BATS_TEST_DIRNAME/fixtures/registry/stub.py" "$@" \
		"$f.port" "$dir" >"$f.log" 2>&1 3>&- &
	echo $! >"$f.pid"
	for _ in $(seq 100); do
		[ -s "$f.port" ] && break
		sleep 0.1
	done
	# the port is written once the socket listens; STUB is for the caller
	# shellcheck disable=SC2034
	STUB=127.0.0.1:$(cat "$f.port")
}

# stub_stop NAME: stop the stub NAME by its PID
stub_stop() {
	local p=$BATS_FILE_TMPDIR/stub-$1.pid
	[ -f "$p" ] || return 0
	kill "$(cat "$p")" 2>/dev/null || true
	rm -f "$p"
}

# stub_dir LAYOUT TAG DIR: DIR/manifests/1 and DIR/blobs/DIGEST, the
# image TAG of the OCI layout LAYOUT, for stub_start
stub_dir() {
	local l=$1 tag=$2 d=$3 m b
	mkdir -p "$d/manifests" "$d/blobs"
	m=$(jq -r --arg t "$tag" '.manifests[] |
		select(.annotations["org.opencontainers.image.ref.name"] == $t) |
		.digest' "$l/index.json")
	cp "$l/blobs/sha256/${m#sha256:}" "$d/manifests/1"
	for b in "$m" $(jq -r '.config.digest, .layers[].digest' \
		"$l/blobs/sha256/${m#sha256:}"); do
		cp "$l/blobs/sha256/${b#sha256:}" "$d/blobs/$b"
	done
}
