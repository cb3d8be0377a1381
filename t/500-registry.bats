#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# 500-registry.bats: dl pull and dl push against Debian's docker-registry
# on 127.0.0.1 (plain http), with skopeo and podman as the other clients;
# a stub registry for forged blobs and a pull killed midway.

# shellcheck disable=SC2030,SC2031,SC2154 # run sets $stderr; tests are subshells

load helpers
load lib-btrfs
load lib-registry

# podman, with its own storage under this file's temp dir
pm() {
	CONTAINERS_CONF="$BATS_FILE_TMPDIR/containers.conf" \
		podman --root "$BATS_FILE_TMPDIR/podman" \
		--runroot "$BATS_FILE_TMPDIR/podman-run" --storage-driver vfs "$@"
}

setup_file() {
	dl_btrfs_setup
	[ "$(id -u)" = 0 ] || return 0
	local f=$BATS_FILE_TMPDIR l=$BATS_FILE_TMPDIR/lay
	printf '[containers]\ndefault_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]\n' \
		>"$f/containers.conf"
	registry_start plain
	# an image of two layers, a busybox root and one file over it
	mk_busybox_root "$f/r1"
	echo base >"$f/r1/etc/hello"
	tar -C "$f/r1" -cf "$f/r1.tar" .
	mkdir -p "$f/r2/etc"
	echo two >"$f/r2/etc/hello"
	tar -C "$f/r2" -cf "$f/r2.tar" .
	umoci init --layout "$l"
	umoci new --image "$l:bb"
	umoci raw add-layer --image "$l:bb" "$f/r1.tar"
	umoci raw add-layer --image "$l:bb" "$f/r2.tar"
	umoci config --image "$l:bb" --config.cmd /bin/sh
	# the same root for two platforms, each saying which it is
	local arch
	for arch in amd64 arm64; do
		mkdir -p "$f/p-$arch/etc"
		echo "$arch" >"$f/p-$arch/etc/arch"
		tar -C "$f/p-$arch" -cf "$f/p-$arch.tar" .
		umoci new --image "$l:$arch"
		umoci raw add-layer --image "$l:$arch" "$f/r1.tar"
		umoci raw add-layer --image "$l:$arch" "$f/p-$arch.tar"
		umoci config --image "$l:$arch" --architecture "$arch" \
			--config.cmd /bin/sh
	done
	skopeo copy -q --dest-tls-verify=false "oci:$l:bb" \
		"docker://$REG/bb:1" >/dev/null
	echo "$REG" >"$f/reg"
}

teardown_file() {
	registry_stop plain
	stub_stop fake
	dl_btrfs_teardown
}

setup() {
	REG=$(cat "$BATS_FILE_TMPDIR/reg")
	REG_LOG=$BATS_FILE_TMPDIR/plain/log
}

# digest_of REF: the digest of the manifest skopeo reads for REF
digest_of() {
	skopeo inspect --raw --tls-verify=false "docker://$1" |
		sha256sum | sed 's/^/sha256:/; s/ .*//'
}

# listing: everything of the store, and its subvolumes
listing() {
	find "$DL_ROOT" -printf '%p %s\n' | sort
	btrfs subvolume list "$DL_TEST_MNT" | awk '{print $NF}' |
		grep "^${DL_ROOT#"$DL_TEST_MNT"/}/" | sort || true
}

# blobs_ok: every blob of the store has its name's digest
blobs_ok() {
	local b
	for b in "$DL_ROOT"/blobs/sha256/*; do
		[ -e "$b" ] || continue
		[ "$(sha256sum <"$b" | cut -d' ' -f1)" = "${b##*/}" ] ||
			fail "blob ${b##*/} is not its digest's content"
	done
}

@test "dl pull: an image skopeo pushed is made as its layout says, and runs" {
	require_lxc
	dl_test_store
	run -0 --separate-stderr dl pull "$REG/bb:1"
	assert_line "Digest: $(digest_of "$REG/bb:1")"
	assert_line "Pulled image: $REG/bb:1"
	run -0 dl run --rm --network none "$REG/bb:1" cat /etc/hello
	assert_output two
	# the image ID is the config digest, as skopeo says
	run -0 dl image inspect "$REG/bb:1"
	assert_equal "$(jq -r '.[0].Id' <<<"$output")" \
		"$(skopeo inspect --tls-verify=false "docker://$REG/bb:1" |
			jq -r .Digest | sed 's/.*/x/' >/dev/null;
			skopeo inspect --raw --config --tls-verify=false \
				"docker://$REG/bb:1" | sha256sum |
			sed 's/^/sha256:/; s/ .*//')"
	assert_equal "$(jq -r '.[0].RepoDigests[0]' <<<"$output")" \
		"$REG/bb@$(digest_of "$REG/bb:1")"
	blobs_ok
}

@test "dl pull: pulling again fetches no blob and creates nothing" {
	dl_test_store
	run -0 dl pull -q "$REG/bb:1"
	before=$(listing)
	gets=$(grep -c '"GET /v2/bb/blobs/' "$REG_LOG")
	run -0 --separate-stderr dl pull -q "$REG/bb:1"
	assert_output --regexp '^sha256:[0-9a-f]{64}$'
	assert_equal "$stderr" ''
	assert_equal "$(listing)" "$before"
	assert_equal "$(grep -c '"GET /v2/bb/blobs/' "$REG_LOG")" "$gets"
}

@test "dl pull: by digest, verified, with no name" {
	dl_test_store
	d=$(digest_of "$REG/bb:1")
	run -0 --separate-stderr dl pull "$REG/bb@$d"
	assert_line "Digest: $d"
	assert_line --regexp '^Pulled image ID: sha256:[0-9a-f]{64}$'
	id=${output##*sha256:}
	run -0 dl image inspect "$id"
	assert_equal "$(jq -c '.[0].RepoTags' <<<"$output")" '[]'
	# a digest the registry does not have
	run -1 --separate-stderr dl pull "$REG/bb@sha256:$(printf '%064d' 0)"
	assert_fatal 'dl pull'
	[[ "$stderr" == *"manifest unknown"* ]]
}

@test "dl pull: a missing repository or tag exits 1" {
	store
	run -1 --separate-stderr dl pull "$REG/bb:nosuchtag"
	assert_fatal 'dl pull'
	run -1 --separate-stderr dl pull "$REG/nosuch/repo:1"
	assert_fatal 'dl pull'
	assert_no_trace
}

@test "dl push: a pulled image goes back byte for byte; pushing again uploads no blob" {
	dl_test_store
	dl pull -q "$REG/bb:1" >/dev/null
	d=$(digest_of "$REG/bb:1")
	puts=$(registry_count PUT)
	run -0 --separate-stderr dl push "$REG/bb:1" "$REG/copy:1"
	assert_output "$d"
	assert_equal "$(digest_of "$REG/copy:1")" "$d"
	# the registry held them in bb: mounted, none uploaded
	[[ "$stderr" == *"mounted blob"* ]]
	assert_equal "$(registry_count PUT)" "$puts"
	posts=$(registry_count POST)
	puts=$(registry_count PUT)
	run -0 --separate-stderr dl push -q "$REG/bb:1" "$REG/copy:1"
	assert_output "$d"
	assert_equal "$stderr" ''
	assert_equal "$(registry_count POST)" "$posts"
	assert_equal "$(registry_count PUT)" "$puts"
	# skopeo reads every blob of it back, checked
	run -0 skopeo copy -q --src-tls-verify=false "docker://$REG/copy:1" \
		"oci:$BATS_TEST_TMPDIR/out:x"
}

@test "dl push: a blob larger than --chunk-size goes in PATCH chunks, a smaller one whole; skopeo and podman pull it" {
	require_lxc
	dl_test_store
	local big small d chunks
	dl pull -q "$REG/bb:1" >/dev/null
	d=$(digest_of "$REG/bb:1")
	big=$(skopeo inspect --raw --tls-verify=false "docker://$REG/bb:1" |
		jq -r '.layers[0].size')
	small=$(skopeo inspect --raw --tls-verify=false "docker://$REG/bb:1" |
		jq -r '.layers[1].size')
	[ "$big" -gt 300000 ] && [ "$small" -lt 65536 ]
	patches=$(registry_count PATCH)
	puts=$(registry_count PUT)
	# IMAGE in another repository would be mounted: a name of its own
	run -0 dl image tag "$REG/bb:1" localhost/chunked:1
	run -0 --separate-stderr dl push --chunk-size 64k localhost/chunked:1 \
		"$REG/chunked:1"
	assert_output "$d"
	[[ "$stderr" == *"in chunks"* ]]
	chunks=$(((big + 65535) / 65536))
	assert_equal "$(registry_count PATCH)" "$((patches + chunks))"
	# one PUT a blob (config and both layers), chunked or not
	assert_equal "$(registry_count PUT)" "$((puts + 3))"
	assert_equal "$(digest_of "$REG/chunked:1")" "$d"
	run -0 skopeo copy -q --src-tls-verify=false "docker://$REG/chunked:1" \
		"oci:$BATS_TEST_TMPDIR/out:x"
	run -0 pm pull -q --tls-verify=false "docker://$REG/chunked:1"
	run -0 pm run --rm --runtime runc --net none "$REG/chunked:1" cat /etc/hello
	assert_output two
	pm rmi -f "$REG/chunked:1" >/dev/null
	# by default (32m), these blobs go whole: no PATCH
	patches=$(registry_count PATCH)
	run -0 dl image tag "$REG/bb:1" localhost/whole:1
	run -0 --separate-stderr dl push localhost/whole:1 "$REG/whole:1"
	assert_equal "$(registry_count PATCH)" "$patches"
	assert_equal "$(digest_of "$REG/whole:1")" "$d"
	run -0 skopeo copy -q --src-tls-verify=false "docker://$REG/whole:1" \
		"oci:$BATS_TEST_TMPDIR/out:y"
	run -2 --separate-stderr dl push --chunk-size lots localhost/whole:1 "$REG/whole:1"
}

# media_types REF: the media types of REF's manifest, its config and its
# layers, as skopeo reads them
media_types() {
	skopeo inspect --raw --tls-verify=false "docker://$1" |
		jq -r '.mediaType, .config.mediaType, .layers[].mediaType'
}

@test "dl push --format: docker or oci media types, the blobs the same; no change of format pushes byte for byte" {
	require_lxc
	dl_test_store
	local d dd od
	dl pull -q "$REG/bb:1" >/dev/null
	d=$(digest_of "$REG/bb:1")
	run -0 dl image tag "$REG/bb:1" localhost/fmt:1
	run -0 --separate-stderr dl push --format docker localhost/fmt:1 "$REG/fmt:docker"
	dd=$output
	assert_equal "$(digest_of "$REG/fmt:docker")" "$dd"
	[ "$dd" != "$d" ]
	run -0 media_types "$REG/fmt:docker"
	assert_output "application/vnd.docker.distribution.manifest.v2+json
application/vnd.docker.container.image.v1+json
application/vnd.docker.image.rootfs.diff.tar.gzip
application/vnd.docker.image.rootfs.diff.tar.gzip"
	# the same config and layers
	assert_equal "$(skopeo inspect --raw --tls-verify=false "docker://$REG/fmt:docker" |
		jq -c '[.config.digest, .layers[].digest]')" \
		"$(skopeo inspect --raw --tls-verify=false "docker://$REG/bb:1" |
		jq -c '[.config.digest, .layers[].digest]')"
	# the manifest pushed is kept in the store
	run -0 dl-blob-cat "$dd"
	run -0 pm pull -q --tls-verify=false "docker://$REG/fmt:docker"
	run -0 pm run --rm --runtime runc --net none "$REG/fmt:docker" cat /etc/hello
	assert_output two
	pm rmi -f "$REG/fmt:docker" >/dev/null
	# the format it has already: byte for byte
	run -0 dl push -q --format oci localhost/fmt:1 "$REG/fmt:oci"
	assert_output "$d"
	# converted the same way again
	run -0 dl push -q --format docker localhost/fmt:1 "$REG/fmt:docker2"
	assert_output "$dd"
	# pulled in the docker format (into a store of its own: the image ID
	# is the config's, the same), pushed back as it is, then as oci
	dl_test_store
	dl pull -q "$REG/fmt:docker" >/dev/null
	run -0 dl push -q "$REG/fmt:docker" "$REG/fmt:same"
	assert_output "$dd"
	run -0 dl push -q --format=oci "$REG/fmt:docker" "$REG/fmt:back"
	od=$output
	run -0 media_types "$REG/fmt:back"
	assert_output "application/vnd.oci.image.manifest.v1+json
application/vnd.oci.image.config.v1+json
application/vnd.oci.image.layer.v1.tar+gzip
application/vnd.oci.image.layer.v1.tar+gzip"
	assert_equal "$(digest_of "$REG/fmt:back")" "$od"
	run -0 skopeo copy -q --src-tls-verify=false "docker://$REG/fmt:back" \
		"oci:$BATS_TEST_TMPDIR/out:x"
	run -2 --separate-stderr dl push --format appc "$REG/fmt:docker" "$REG/fmt:x"
}

@test "dl push: a snapshot image, then podman pulls and runs it" {
	require_lxc
	dl_test_store
	mkdir -p "$BATS_TEST_TMPDIR/s/etc"
	echo snap >"$BATS_TEST_TMPDIR/s/etc/snap"
	dl pull -q "$REG/bb:1" >/dev/null
	run -0 dl run --name c1 --network none "$REG/bb:1" \
		sh -c 'echo changed >/etc/hello'
	run -0 dl commit c1 localhost/mine:1
	run -0 --separate-stderr dl push localhost/mine:1 "$REG/mine:1"
	d=$output
	assert_equal "$(digest_of "$REG/mine:1")" "$d"
	# RepoDigests: the digest pushed, in the repository pushed to
	run -0 dl image inspect localhost/mine:1
	assert_equal "$(jq -c '.[0].RepoDigests' <<<"$output")" "[\"$REG/mine@$d\"]"
	run -0 pm pull -q --tls-verify=false "docker://$REG/mine:1"
	run -0 pm run --rm --runtime runc --net none "$REG/mine:1" cat /etc/hello
	assert_output changed
	# the same layers again: nothing uploaded, the same digest
	posts=$(registry_count POST)
	run -0 dl push -q localhost/mine:1 "$REG/mine:1"
	assert_output "$d"
	assert_equal "$(registry_count POST)" "$posts"
	pm rmi -f "$REG/mine:1" >/dev/null
}

@test "dl pull: of a multi-platform index, this machine's platform or --platform's" {
	dl_test_store
	local l=$BATS_FILE_TMPDIR/lay arch m idx='[]'
	for arch in amd64 arm64; do
		skopeo copy -q --dest-tls-verify=false "oci:$l:$arch" \
			"docker://$REG/multi:$arch" >/dev/null
		m=$BATS_TEST_TMPDIR/$arch.json
		skopeo inspect --raw --tls-verify=false \
			"docker://$REG/multi:$arch" >"$m"
		idx=$(jq -c --arg d "$(sha256sum <"$m" | cut -d' ' -f1)" \
			--argjson s "$(stat -c %s "$m")" --arg a "$arch" \
			'. + [{mediaType: "application/vnd.oci.image.manifest.v1+json",
			digest: ("sha256:" + $d), size: $s,
			platform: {os: "linux", architecture: $a}}]' <<<"$idx")
	done
	jq -c -n --argjson m "$idx" '{schemaVersion: 2,
		mediaType: "application/vnd.oci.image.index.v1+json",
		manifests: $m}' >"$BATS_TEST_TMPDIR/index.json"
	curl -fsS -X PUT -H 'Content-Type: application/vnd.oci.image.index.v1+json' \
		--data-binary @"$BATS_TEST_TMPDIR/index.json" \
		"http://$REG/v2/multi/manifests/1"
	run -0 dl pull -q "$REG/multi:1"
	run -0 dl image inspect "$REG/multi:1"
	assert_equal "$(jq -r '.[0].Architecture' <<<"$output")" amd64
	# RepoDigests name the index, as Docker's do
	assert_equal "$(jq -c '.[0].RepoDigests' <<<"$output")" \
		"[\"$REG/multi@sha256:$(sha256sum <"$BATS_TEST_TMPDIR/index.json" | cut -d' ' -f1)\"]"
	run -0 dl pull -q --platform linux/arm64 "$REG/multi:1"
	run -0 dl image inspect "$REG/multi:1"
	assert_equal "$(jq -r '.[0].Architecture' <<<"$output")" arm64
	assert_equal "$(jq -r '.[0].RepoDigests[0]' <<<"$output")" \
		"$REG/multi@sha256:$(sha256sum <"$BATS_TEST_TMPDIR/index.json" | cut -d' ' -f1)"
	run -1 --separate-stderr dl pull --platform linux/s390x "$REG/multi:1"
	assert_fatal 'dl pull'
	[[ "$stderr" == *"no manifest for platform linux/s390x (the image has: linux/amd64, linux/arm64)"* ]]
}

@test "dl pull: a blob whose content is not its digest exits 4 and is not stored" {
	store
	local d=$BATS_TEST_TMPDIR/fake layer
	stub_dir "$BATS_FILE_TMPDIR/lay" bb "$d"
	layer=$(jq -r '.layers[1].digest' "$d/manifests/1")
	stub_start fake "$d" --bad-blob "$layer"
	run -4 --separate-stderr dl pull "$STUB/bad:1"
	stub_stop fake
	assert_fatal 'dl pull'
	[[ "$stderr" == *"blob '$layer': "*"digest"* ]]
	assert_file_not_exists "$DL_ROOT/blobs/sha256/${layer#sha256:}"
	assert_no_trace
	blobs_ok
}

@test "dl pull: killed midway (SIGKILL), then pulled again: the image whole, no partial blob" {
	dl_test_store
	local d=$BATS_TEST_TMPDIR/fake pid
	stub_dir "$BATS_FILE_TMPDIR/lay" bb "$d"
	stub_start fake "$d" --slow --log "$BATS_TEST_TMPDIR/log"
	dl-registry-get -q "$STUB/slow:1" >/dev/null 2>&1 3>&- &
	pid=$!
	# until a blob is being written in tmp/
	for _ in $(seq 100); do
		[ -n "$(find "$DL_ROOT/tmp" -type f -size +1k)" ] && break
		sleep 0.1
	done
	kill -9 "$pid"
	wait "$pid" || true
	blobs_ok
	run -0 dl pull -q "$STUB/slow:1"
	stub_stop fake
	blobs_ok
	# the blob begun was continued from the bytes it had
	grep -q '^GET /v2/slow/blobs/sha256:[0-9a-f]* - bytes=[1-9][0-9]*-$' \
		"$BATS_TEST_TMPDIR/log"
	run -0 dl image inspect "$STUB/slow:1"
	assert_equal "$(jq -r '.[0].Id' <<<"$output")" \
		"$(jq -r .config.digest "$d/manifests/1")"
	# what the killed pull left in tmp/ is dead work for the sweep
	run -0 dl-store-sweep
	run -0 find "$DL_ROOT/tmp" -mindepth 1
	assert_output ''
}

# cut_layer: the digest of the image's large layer, served by the stub
# in $BATS_TEST_TMPDIR/fake
# part_free DIR: wait until no process of the cut pull holds the kept
# part's lock (a late one makes the next pull start the blob over)
part_free() {
	for _ in $(seq 300)
	do
		flock -n "$1" true 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}

cut_layer() {
	jq -r '.layers[0].digest' "$BATS_TEST_TMPDIR/fake/manifests/1"
}

@test "dl pull: a blob cut midway is kept unpublished, and the next pull resumes it with a Range" {
	store
	local d=$BATS_TEST_TMPDIR/fake layer part
	stub_dir "$BATS_FILE_TMPDIR/lay" bb "$d"
	layer=$(cut_layer)
	part=$DL_ROOT/tmp/${layer#sha256:}.part
	stub_start fake "$d" --cut 100000 --log "$BATS_TEST_TMPDIR/log"
	run -125 --separate-stderr dl pull "$STUB/cut:1"
	assert_fatal 'dl pull'
	[[ "$stderr" == *"blob '$layer': "* ]]
	assert_file_not_exists "$DL_ROOT/blobs/sha256/${layer#sha256:}"
	# the bytes that came are kept under tmp/, and nothing else
	assert_equal "$(stat -c %s "$part/data")" 100000
	assert_equal "$(head -c 100000 "$d/blobs/$layer" | sha256sum)" \
		"$(sha256sum <"$part/data")"
	part_free "$part"
	run -0 dl pull -q "$STUB/cut:1"
	stub_stop fake
	grep -qx "GET /v2/cut/blobs/$layer - bytes=100000-" "$BATS_TEST_TMPDIR/log"
	assert_equal "$(grep -c "^GET /v2/cut/blobs/$layer " "$BATS_TEST_TMPDIR/log")" 2
	blobs_ok
	assert_file_exists "$DL_ROOT/blobs/sha256/${layer#sha256:}"
	run -0 find "$DL_ROOT/tmp" -mindepth 1
	assert_output ''
	run -0 dl run --rm --network none "$STUB/cut:1" cat /etc/hello
	assert_output two
}

@test "dl pull: a server that ignores Range sends the blob whole again, and the pull starts it over" {
	store
	local d=$BATS_TEST_TMPDIR/fake layer
	stub_dir "$BATS_FILE_TMPDIR/lay" bb "$d"
	layer=$(cut_layer)
	stub_start fake "$d" --cut 100000 --no-range --log "$BATS_TEST_TMPDIR/log"
	run -125 dl pull -q "$STUB/cut:1"
	assert_file_exists "$DL_ROOT/tmp/${layer#sha256:}.part/data"
	run -0 dl pull -q "$STUB/cut:1"
	stub_stop fake
	grep -qx "GET /v2/cut/blobs/$layer - bytes=100000-" "$BATS_TEST_TMPDIR/log"
	blobs_ok
	assert_file_exists "$DL_ROOT/blobs/sha256/${layer#sha256:}"
	run -0 find "$DL_ROOT/tmp" -mindepth 1
	assert_output ''
}

@test "dl pull: bytes kept of a blob that are not its content: refused at the end, nothing published, the next pull whole" {
	store
	local d=$BATS_TEST_TMPDIR/fake layer part
	stub_dir "$BATS_FILE_TMPDIR/lay" bb "$d"
	layer=$(cut_layer)
	part=$DL_ROOT/tmp/${layer#sha256:}.part
	stub_start fake "$d" --cut 100000
	run -125 dl pull -q "$STUB/cut:1"
	part_free "$part"
	# a byte of the kept part changed (flipped: a byte written over it
	# may be the one it had)
	python3 -c 'import sys
with open(sys.argv[1], "r+b") as f:
    f.seek(50)
    b = f.read(1)
    f.seek(50)
    f.write(bytes([b[0] ^ 0xff]))' "$part/data"
	run -4 --separate-stderr dl pull -q "$STUB/cut:1"
	[[ "$stderr" == *"blob '$layer': "*"digest"* ]]
	assert_file_not_exists "$DL_ROOT/blobs/sha256/${layer#sha256:}"
	assert_file_not_exists "$part"
	run -0 dl pull -q "$STUB/cut:1"
	stub_stop fake
	blobs_ok
	run -0 find "$DL_ROOT/tmp" -mindepth 1
	assert_output ''
}

@test "dl pull: usage errors" {
	run -2 --separate-stderr dl pull
	[[ "$stderr" == "dl pull: usage: "* ]]
	run -2 --separate-stderr dl pull a b
	run -2 --separate-stderr dl pull --bogus a
	run -2 --separate-stderr dl-registry-get --platform=amd64 a
	assert_fatal dl-registry-get
	run -2 --separate-stderr dl-registry-get 'UPPER/case:1'
	assert_fatal dl-registry-get
	run -2 --separate-stderr dl push
	[[ "$stderr" == "dl push: usage: "* ]]
	run -2 --separate-stderr dl-registry-put sha256:12 "$REG/x:1"
	assert_fatal dl-registry-put
}

@test "dl-registry-put: --mount-from mounts the blobs the registry holds in another repository" {
	dl_test_store
	dl pull -q "$REG/bb:1" >/dev/null
	d=$(digest_of "$REG/bb:1")
	puts=$(registry_count PUT)
	run -0 --separate-stderr dl-registry-put --mount-from=bb "$d" "$REG/mounted:1"
	assert_output "$d"
	[[ "$stderr" == *"mounted blob"* ]]
	assert_equal "$(registry_count PUT)" "$puts"
	assert_equal "$(digest_of "$REG/mounted:1")" "$d"
}

@test "dl run, dl create: a missing image is pulled (--pull missing, the default), always, or never" {
	require_lxc
	dl_test_store
	run -125 --separate-stderr dl run --pull never --rm --network none "$REG/bb:1" true
	[[ "$stderr" == *"no such image"* ]]
	run -0 --separate-stderr dl run --rm -e A=1 --network none -w / "$REG/bb:1" cat /etc/hello
	assert_output two
	assert_equal "$stderr" "dl run: info: pulled image '$REG/bb:1'"
	gets=$(grep -c '"GET /v2/bb/manifests/1' "$REG_LOG")
	run -0 --separate-stderr dl run --rm --network none "$REG/bb:1" true
	assert_equal "$stderr" ''
	assert_equal "$(grep -c '"GET /v2/bb/manifests/1' "$REG_LOG")" "$gets"
	run -0 dl run --pull=always --rm --network none "$REG/bb:1" true
	[ "$(grep -c '"GET /v2/bb/manifests/1' "$REG_LOG")" -gt "$gets" ]
	run -125 --separate-stderr dl run --pull sometimes --rm "$REG/bb:1" true
	# nothing to pull there: the one message of a missing image
	run -125 --separate-stderr dl run --rm "$REG/nosuch:1" true
	assert_equal "$stderr" "dl run: fatal: unable to resolve '$REG/nosuch:1': no such image"
	dl_test_store
	run -0 --separate-stderr dl create -it --name made "$REG/bb:1" true
	run -0 dl image inspect "$REG/bb:1"
	run -0 dl rm made
}

@test "dl-registry-get: the base layer is applied as it arrives, and dl-image-unpack takes its chain" {
	dl_test_store
	local base out
	base=$(sha256sum <"$BATS_FILE_TMPDIR/r1.tar" | cut -c1-64)
	run -0 --separate-stderr dl-registry-get -q "$REG/bb:1"
	out=$output
	assert_equal "$(cat "$DL_ROOT/tmp/$base/ahead")" "sha256:$base"
	assert_equal "$(cat "$DL_ROOT/tmp/$base/rootfs/etc/hello")" base
	run -0 dl-image-unpack -t "$REG/bb:1" "${out%% *}"
	assert_equal "$(cat "$DL_ROOT/images/$base/rootfs/etc/hello")" base
	assert_equal "$(ls -A "$DL_ROOT/tmp")" ''
	run -0 dl image inspect "$REG/bb:1"
	assert_equal "$(jq -r '.[0].RootFS.Layers[0]' <<<"$output")" "sha256:$base"
}

@test "dl pull, dl push: a Docker schema 2 image keeps its media types and digest" {
	dl_test_store
	skopeo copy -q --format v2s2 --dest-tls-verify=false \
		"oci:$BATS_FILE_TMPDIR/lay:bb" "docker://$REG/v2s2:1" >/dev/null
	d=$(digest_of "$REG/v2s2:1")
	skopeo inspect --raw --tls-verify=false "docker://$REG/v2s2:1" |
		jq -e '.mediaType == "application/vnd.docker.distribution.manifest.v2+json"'
	run -0 dl pull -q "$REG/v2s2:1"
	run -0 dl push -q "$REG/v2s2:1" "$REG/v2s2-copy:1"
	assert_output "$d"
	assert_equal "$(digest_of "$REG/v2s2-copy:1")" "$d"
}

@test "dl pull: progress on a terminal, one line a blob redrawn; none with -q" {
	command -v script >/dev/null || skip "script (util-linux) is not installed"
	dl_test_store
	run -0 script -qec "dl pull $REG/bb:1" /dev/null
	[[ "$output" == *$'\033['*A* ]] || fail "no line redrawn: $output"
	[[ "$output" == *"MB/s"*done* ]]
	dl_test_store
	run -0 script -qec "dl pull -q $REG/bb:1" /dev/null
	[[ "$output" != *"MB/s"* ]]
	dl_test_store
	run -0 --separate-stderr dl pull "$REG/bb:1"
	[[ "$stderr" == *"dl pull: info: fetched blob sha256:"* ]]
	[[ "$stderr" != *$'\033'* ]]
}

@test "dl run --pull: the options it knows take a value are those of dl-container-new --help" {
	local have want
	have=$(sed -n "s/^DL_RUN_VALUE_OPTIONS='\(.*\)'$/\1/p" "$DL_TOP/share/dl-sh-setup" |
		tr ' ' '\n' | sort)
	want=$(dl-container-new --help |
		sed -n 's/^ *\(-\([a-zA-Z]\), \)\{0,1\}\(--[a-z-]*\) [^ ].*/-\2\n\3/p' |
		grep -vx -- - | sort)
	assert_equal "$have" "$want"
}

@test "dl push: killed after the blobs (fault point), pushed again: no blob uploaded twice" {
	dl_test_store
	dl pull -q "$REG/bb:1" >/dev/null
	d=$(digest_of "$REG/bb:1")
	run -137 env DL_FAULT=dl-registry-put:manifest dl push -q "$REG/bb:1" "$REG/faulted:1"
	run -1 --separate-stderr dl pull -q "$REG/faulted:1"
	posts=$(registry_count POST)
	puts=$(registry_count PUT)
	run -0 dl push -q "$REG/bb:1" "$REG/faulted:1"
	assert_output "$d"
	assert_equal "$(registry_count POST)" "$posts"
	assert_equal "$(registry_count PUT)" "$puts"
}
