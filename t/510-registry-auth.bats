#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# 510-registry-auth.bats: dl login, dl logout, and pulls and pushes with
# credentials: docker-registry with htpasswd behind TLS (a test CA), Basic
# and Bearer stubs, no Authorization after a redirect to another port.

# shellcheck disable=SC2030,SC2031,SC2154 # run sets $stderr; tests are subshells

load helpers
load lib-btrfs
load lib-registry

PW=s3cret-Pw-91

setup_file() {
	dl_btrfs_setup
	[ "$(id -u)" = 0 ] || return 0
	local f=$BATS_FILE_TMPDIR l=$BATS_FILE_TMPDIR/lay
	# a CA and a certificate for 127.0.0.1 it signed
	openssl req -x509 -newkey rsa:2048 -nodes -keyout "$f/ca.key" \
		-out "$f/ca.crt" -subj /CN=dl-test-ca -days 2 2>/dev/null
	openssl req -newkey rsa:2048 -nodes -keyout "$f/srv.key" \
		-out "$f/srv.csr" -subj /CN=127.0.0.1 2>/dev/null
	printf 'subjectAltName=IP:127.0.0.1\n' >"$f/san"
	openssl x509 -req -in "$f/srv.csr" -CA "$f/ca.crt" -CAkey "$f/ca.key" \
		-CAcreateserial -out "$f/srv.crt" -days 2 -extfile "$f/san" \
		2>/dev/null
	htpasswd -Bbn alice "$PW" >"$f/htpasswd"
	registry_start tls "$(printf '  tls:\n    certificate: %s\n    key: %s' \
		"$f/srv.crt" "$f/srv.key")" \
		"$(printf 'auth:\n  htpasswd:\n    realm: dl-test\n    path: %s' \
			"$f/htpasswd")"
	mkdir -p "$f/certs/$REG"
	cp "$f/ca.crt" "$f/certs/$REG/ca.crt"
	mk_busybox_root "$f/r1"
	echo secret-image >"$f/r1/etc/hello"
	tar -C "$f/r1" -cf "$f/r1.tar" .
	umoci init --layout "$l"
	umoci new --image "$l:bb"
	umoci raw add-layer --image "$l:bb" "$f/r1.tar"
	umoci config --image "$l:bb" --config.cmd /bin/sh
	skopeo copy -q --dest-creds "alice:$PW" --dest-cert-dir "$f/certs/$REG" \
		"oci:$l:bb" "docker://$REG/bb:1" >/dev/null
	echo "$REG" >"$f/reg"
}

teardown_file() {
	registry_stop tls
	stub_stop a
	stub_stop b
	dl_btrfs_teardown
}

setup() {
	REG=$(cat "$BATS_FILE_TMPDIR/reg")
	export DL_CERTS_DIR=$BATS_FILE_TMPDIR/certs
	export REGISTRY_AUTH_FILE=$BATS_TEST_TMPDIR/auth.json
}

# no_secret: the password is in no output of the last run
no_secret() {
	[[ "$output$stderr" != *"$PW"* ]] || fail "the password was printed"
}

@test "dl pull: a registry that asks for credentials, none kept: exit 4" {
	store
	run -4 --separate-stderr dl pull "$REG/bb:1"
	assert_fatal 'dl pull'
	[[ "$stderr" == *"asks for credentials (dl login $REG)"* ]]
	assert_no_trace
}

@test "dl login: TLS is verified, with the registry's CA from the certs directory" {
	DL_CERTS_DIR=$BATS_TEST_TMPDIR/none
	run -125 --separate-stderr dl login -u alice --password-stdin "$REG" <<<"$PW"
	assert_fatal 'dl login'
	[[ "$stderr" == *certificate* ]]
	no_secret
	assert_file_not_exists "$REGISTRY_AUTH_FILE"
	run -0 --separate-stderr dl login --tls-verify=false -u alice \
		--password-stdin "$REG" <<<"$PW"
	assert_output 'Login Succeeded!'
}

@test "dl login: a wrong password is refused clearly and nothing is kept" {
	run -4 --separate-stderr dl login -u alice --password-stdin "$REG" <<<"wrong-$PW"
	assert_fatal 'dl login'
	[[ "$stderr" == *"refused the user name or password"* ]]
	no_secret
	assert_file_not_exists "$REGISTRY_AUTH_FILE"
	run -2 --separate-stderr dl login -u alice --password-stdin "$REG" </dev/null
	assert_fatal 'dl login'
}

@test "dl login, push, pull, logout over TLS with Basic credentials; skopeo reads the auth file" {
	store
	run -0 --separate-stderr dl login -u alice --password-stdin "$REG" <<<"$PW"
	no_secret
	assert_equal "$(stat -c %a "$REGISTRY_AUTH_FILE")" 600
	assert_equal "$(jq -r --arg r "$REG" '.auths[$r].auth' "$REGISTRY_AUTH_FILE" |
		base64 -d)" "alice:$PW"
	run -0 --separate-stderr dl pull -q "$REG/bb:1"
	no_secret
	run -0 --separate-stderr dl push -q "$REG/bb:1" "$REG/copy:1"
	d=$output
	skopeo inspect --raw --authfile "$REGISTRY_AUTH_FILE" \
		--cert-dir "$DL_CERTS_DIR/$REG" "docker://$REG/copy:1" \
		>"$BATS_TEST_TMPDIR/m"
	assert_equal "sha256:$(sha256sum <"$BATS_TEST_TMPDIR/m" | cut -d' ' -f1)" "$d"
	run -0 dl logout "$REG"
	run -1 --separate-stderr dl logout "$REG"
	assert_fatal 'dl logout'
	run -4 --separate-stderr dl pull "$REG/bb:1"
	# ~/.docker/config.json is read too
	mkdir -p "$BATS_TEST_TMPDIR/home/.docker"
	jq -n --arg r "$REG" --arg a "$(printf 'alice:%s' "$PW" | base64)" \
		'{auths: {($r): {auth: $a}}}' >"$BATS_TEST_TMPDIR/home/.docker/config.json"
	HOME=$BATS_TEST_TMPDIR/home run -0 dl pull -q "$REG/bb:1"
}

@test "dl pull: a blob redirected to another port gets no Authorization" {
	store
	local d=$BATS_TEST_TMPDIR/fake b
	stub_dir "$BATS_FILE_TMPDIR/lay" bb "$d"
	stub_start b "$d" --log "$BATS_TEST_TMPDIR/b.log"
	b=$STUB
	stub_start a "$d" --basic "alice:$PW" --redirect-blobs "http://$b/v2/x" \
		--log "$BATS_TEST_TMPDIR/a.log"
	run -0 dl login -u alice --password-stdin "$STUB" <<<"$PW"
	run -0 --separate-stderr dl pull -q "$STUB/bb:1"
	stub_stop a
	stub_stop b
	grep -q "^GET /v2/bb/manifests/1 Basic " "$BATS_TEST_TMPDIR/a.log"
	grep -q "^GET /v2/bb/blobs/" "$BATS_TEST_TMPDIR/a.log"
	run -0 grep -c '^GET /v2/x/blobs/' "$BATS_TEST_TMPDIR/b.log"
	run -1 grep -v ' -$' "$BATS_TEST_TMPDIR/b.log"
}

@test "dl pull: a Bearer token from the challenge's realm, asked for with the credentials" {
	store
	local d=$BATS_TEST_TMPDIR/fake
	stub_dir "$BATS_FILE_TMPDIR/lay" bb "$d"
	stub_start a "$d" --bearer "alice:$PW" --log "$BATS_TEST_TMPDIR/a.log"
	run -4 --separate-stderr dl pull -q "$STUB/bb:1"
	assert_fatal 'dl pull'
	[[ "$stderr" == *"token server"* ]]
	run -4 --separate-stderr dl login -u alice --password-stdin "$STUB" <<<"x$PW"
	no_secret
	run -0 dl login -u alice --password-stdin "$STUB" <<<"$PW"
	run -0 --separate-stderr dl pull -q "$STUB/bb:1"
	stub_stop a
	grep -q '^GET /token?service=stub&scope=repository%3Abb%3Apull Basic ' \
		"$BATS_TEST_TMPDIR/a.log"
	grep -q '^GET /v2/bb/manifests/1 Bearer stub-token-1$' "$BATS_TEST_TMPDIR/a.log"
}

@test "dl login, dl logout: usage errors" {
	run -2 --separate-stderr dl login
	[[ "$stderr" == "dl login: usage: "* ]]
	run -2 --separate-stderr dl login --password-stdin "$REG" </dev/null
	assert_fatal 'dl login'
	run -2 --separate-stderr dl-registry-login "$REG"
	run -2 --separate-stderr dl logout
	run -2 --separate-stderr dl-registry-logout
}

@test "dl pull: plain http only to localhost by default; another address needs --tls-verify=false" {
	store
	local d=$BATS_TEST_TMPDIR/fake port
	stub_dir "$BATS_FILE_TMPDIR/lay" bb "$d"
	stub_start a "$d" --addr 127.0.0.2 --basic "alice:$PW" \
		--log "$BATS_TEST_TMPDIR/a.log"
	port=${STUB##*:}
	run -125 --separate-stderr dl login -u alice --password-stdin \
		"127.0.0.2:$port" <<<"$PW"
	assert_fatal 'dl login'
	no_secret
	# nothing reached it over plain http, credentials least of all
	[ ! -s "$BATS_TEST_TMPDIR/a.log" ]
	run -0 dl login --tls-verify=false -u alice --password-stdin \
		"127.0.0.2:$port" <<<"$PW"
	run -0 --separate-stderr dl pull -q --tls-verify=false "127.0.0.2:$port/bb:1"
	stub_stop a
}
