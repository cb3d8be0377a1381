#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# 165-image-load.bats: dl image load of podman's docker-archive and
# oci-archive, of umoci's OCI layouts: IDs as podman's, names kept, runs,
# shared layers applied once, bad input refused with 4 leaving no trace.

load helpers
load lib-btrfs

EDIT="$BATS_TEST_DIRNAME/fixtures/oci/edit.py"

# podman, with its own storage under this file's temp dir (no registry,
# no network: images come from podman import)
pm() {
	CONTAINERS_CONF="$BATS_FILE_TMPDIR/containers.conf" \
		podman --root "$BATS_FILE_TMPDIR/podman" \
		--runroot "$BATS_FILE_TMPDIR/podman-run" --storage-driver vfs "$@"
}

setup_file() {
	dl_btrfs_setup
	[ "$(id -u)" = 0 ] || return 0
	local f=$BATS_FILE_TMPDIR
	printf '[containers]\ndefault_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]\n' \
		>"$f/containers.conf"
	# two images of one layer each, from rootfs tars
	mk_busybox_root "$f/r1"
	echo one >"$f/r1/etc/hello"
	tar -C "$f/r1" -cf "$f/r1.tar" .
	mk_busybox_root "$f/r2"
	echo two >"$f/r2/etc/hello"
	tar -C "$f/r2" -cf "$f/r2.tar" .
	pm import -q -c 'CMD ["/bin/sh"]' "$f/r1.tar" localhost/one:1 >/dev/null
	pm import -q -c 'CMD ["/bin/sh"]' "$f/r2.tar" localhost/two:1 >/dev/null
	pm save -q -o "$f/one.docker.tar" --format docker-archive localhost/one:1
	pm save -q -o "$f/one.oci.tar" --format oci-archive localhost/one:1
	pm save -q -o "$f/multi.tar" --multi-image-archive localhost/one:1 \
		localhost/two:1
	# an OCI layout with base (r1) and child (r1 + a gzip layer)
	local l=$f/layout
	umoci init --layout "$l"
	umoci new --image "$l:base"
	umoci raw add-layer --image "$l:base" "$f/r1.tar"
	umoci config --image "$l:base" --config.cmd /bin/sh
	umoci tag --image "$l:base" child
	mkdir -p "$f/l2/etc"
	echo second >"$f/l2/etc/second"
	tar -C "$f/l2" -cf "$f/l2.tar" .
	umoci raw add-layer --image "$l:child" "$f/l2.tar"
}

teardown_file() {
	dl_btrfs_teardown
}

# listing: everything of the store but blobs/, and the store's subvolumes
listing() {
	find "$DL_ROOT" -path "$DL_ROOT/blobs" -prune -o -print | sort
	btrfs subvolume list "$DL_TEST_MNT" | awk '{print $NF}' |
		grep "^${DL_ROOT#"$DL_TEST_MNT"/}/" | sort || true
}

# podman_id NAME: podman's full image ID of NAME
podman_id() {
	pm image inspect --format '{{.Id}}' "$1"
}

@test "dl image load: podman's docker-archive, with podman's IMAGE ID, its name, and it runs" {
	require_lxc
	dl_test_store
	run -0 --separate-stderr dl load -i "$BATS_FILE_TMPDIR/one.docker.tar"
	assert_output 'Loaded image: localhost/one:1'
	run -0 dl images -q --no-trunc
	assert_output "sha256:$(podman_id localhost/one:1)"
	run -0 dl run --rm localhost/one:1 cat /etc/hello
	assert_output one
	# config.json is the config blob, byte for byte
	local id
	id=$(podman_id localhost/one:1)
	assert_equal "$(sha256sum <"$DL_ROOT/images/$id/config.json" | cut -c1-64)" "$id"
}

@test "dl image load: podman's oci-archive from stdin, the same ID" {
	require_lxc
	dl_test_store
	run -0 --separate-stderr dl image load <"$BATS_FILE_TMPDIR/one.oci.tar"
	assert_output 'Loaded image: localhost/one:1'
	run -0 dl images -q --no-trunc
	assert_output "sha256:$(podman_id localhost/one:1)"
	run -0 dl run --rm localhost/one:1 cat /etc/hello
	assert_output one
	run -0 dl image inspect localhost/one:1
	assert_equal "$(jq -r '.[0].RootFS.Type' <<<"$output")" layers
	assert_equal "$(jq -r '.[0].RootFS.Layers[0]' <<<"$output")" \
		"sha256:$(sha256sum <"$BATS_FILE_TMPDIR/r1.tar" | cut -c1-64)"
	assert_equal "$(jq -r '.[0].RootFS.LayerDigests | length' <<<"$output")" 1
	assert_equal "$(jq -r '.[0].RepoDigests[0]' <<<"$output")" \
		"localhost/one@$(tar -xOf "$BATS_FILE_TMPDIR/one.oci.tar" index.json |
			jq -r '.manifests[0].digest')"
}

@test "dl image load: a multi-image archive keeps every image's name" {
	require_lxc
	dl_test_store
	run -0 --separate-stderr dl load -i "$BATS_FILE_TMPDIR/multi.tar"
	assert_line 'Loaded image: localhost/one:1'
	assert_line 'Loaded image: localhost/two:1'
	run -0 dl run --rm localhost/two:1 cat /etc/hello
	assert_output two
	run -0 dl image inspect localhost/two:1
	assert_equal "$(jq -r '.[0].Id' <<<"$output")" \
		"sha256:$(podman_id localhost/two:1)"
}

@test "dl image load: an OCI layout by umoci, two layers, chain images hidden" {
	require_lxc
	dl_test_store
	run -0 --separate-stderr dl load -q -i "$BATS_FILE_TMPDIR/layout"
	assert_equal "${#lines[@]}" 2
	run -0 dl run --rm child cat /etc/second /etc/hello
	assert_output $'second\none'
	# base, child; with -a also the two chain images
	run -0 dl images -q
	assert_equal "${#lines[@]}" 2
	run -0 dl images -a -q
	assert_equal "${#lines[@]}" 4
	# the chain ID of the second layer names the chain image
	local cfg d0 d1 chain
	cfg=$(dl image inspect child | jq -r '.[0].RootFS.Layers | join(" ")')
	d0=${cfg% *} d1=${cfg#* }
	chain=$(printf '%s %s' "$d0" "$d1" | sha256sum | cut -c1-64)
	assert_file_exists "$DL_ROOT/images/$chain/meta.json"
	assert_file_exists "$DL_ROOT/images/${d0#sha256:}/meta.json"
	assert_equal "$(jq -r .hidden "$DL_ROOT/images/$chain/meta.json")" true
	assert_equal "$(jq -r .parent "$DL_ROOT/images/$chain/meta.json")" "${d0#sha256:}"
}

@test "dl image load: a second load of a shared base extracts nothing" {
	require_btrfs
	dl_test_store
	local base before after
	dl load -i "$BATS_FILE_TMPDIR/one.docker.tar" >/dev/null
	base=$(sha256sum <"$BATS_FILE_TMPDIR/r1.tar" | cut -c1-64)
	before=$(btrfs subvolume show "$DL_ROOT/images/$base/rootfs" |
		grep -E 'Subvolume ID|Gen at creation')
	# the layout's base has the same first layer (gzip here): reused
	dl load -i "$BATS_FILE_TMPDIR/layout" >/dev/null
	after=$(btrfs subvolume show "$DL_ROOT/images/$base/rootfs" |
		grep -E 'Subvolume ID|Gen at creation')
	assert_equal "$after" "$before"
	# one, base, child, and two chain images: r1's and the child's second
	run -0 dl images -a -q
	assert_equal "${#lines[@]}" 5
	# loading it all again makes nothing
	before=$(listing)
	dl load -i "$BATS_FILE_TMPDIR/layout" >/dev/null
	dl load -i "$BATS_FILE_TMPDIR/one.docker.tar" >/dev/null
	assert_equal "$(listing)" "$before"
}

@test "dl image rm: a loaded image goes with the chain images no other image needs" {
	require_btrfs
	dl_test_store
	dl load -i "$BATS_FILE_TMPDIR/layout" >/dev/null
	run -0 dl images -a -q
	assert_equal "${#lines[@]}" 4
	# child's own chain image goes; the base chain stays, base needs it
	run -0 dl rmi child
	assert_equal "$(grep -c '^Deleted:' <<<"$output")" 2
	run -0 dl images -a -q
	assert_equal "${#lines[@]}" 2
	run -0 dl rmi base
	assert_equal "$(grep -c '^Deleted:' <<<"$output")" 2
	assert_equal "$(ls "$DL_ROOT/images")" ''
}

# refused SOURCE: dl load -i SOURCE exits 4, and the store is as it was,
# blobs/ aside (verified blobs may stay)
refused() {
	local before
	before=$(listing)
	run -4 --separate-stderr dl load -i "$1"
	assert_output ''
	# shellcheck disable=SC2154 # set by run --separate-stderr
	[[ "$stderr" == *"dl load: fatal: unable to "* ]] ||
		fail "stderr: $stderr"
	assert_equal "$(listing)" "$before"
}

# damaged HOW: a copy of the layout damaged by edit.py, in $BAD (a
# directory) and $BAD.tar (an OCI archive of it)
damaged() {
	BAD=$BATS_TEST_TMPDIR/bad-$1
	cp -a "$BATS_FILE_TMPDIR/layout" "$BAD"
	python3 "$EDIT" "$BAD" "$1"
	tar -C "$BAD" -cf "$BAD.tar" .
}

@test "dl image load: a forged blob, one byte longer or shorter, is refused with 4, no trace" {
	require_btrfs
	dl_test_store
	local how
	for how in forge longer shorter; do
		damaged "$how"
		refused "$BAD"
		refused "$BAD.tar"
	done
}

@test "dl image load: a wrong diff_id is refused with 4, no chain image, no subvolume left" {
	require_btrfs
	dl_test_store
	damaged diffid
	refused "$BAD"
	[[ "$stderr" == *"unable to apply layer"* ]]
	refused "$BAD.tar"
}

@test "dl image load: documents that fail the checks are refused with 4" {
	require_btrfs
	dl_test_store
	damaged both
	refused "$BAD"
	refused "$BAD.tar"
	[[ "$stderr" == *"'manifests': a manifest has none"* ]]
	damaged baddigest
	refused "$BAD"
	refused "$BAD.tar"
	[[ "$stderr" == *"not a valid digest"* ]]
	# a manifest where the index says an index is
	damaged mediatype
	refused "$BAD"
	refused "$BAD.tar"
	[[ "$stderr" == *"'layers': an index has none"* ]]
}

@test "dl image load: a truncated archive, and a member leaving the archive, are refused with 4" {
	require_btrfs
	dl_test_store
	local f=$BATS_TEST_TMPDIR/cut.tar
	head -c 600000 "$BATS_FILE_TMPDIR/one.docker.tar" >"$f"
	refused "$f"
	[[ "$stderr" == *"malformed archive"* ]]
	python3 - "$BATS_TEST_TMPDIR/evil.tar" <<-'EOF'
		import io, sys, tarfile
		with tarfile.open(sys.argv[1], 'w') as t:
		    i = tarfile.TarInfo('../escape')
		    i.size = 1
		    t.addfile(i, io.BytesIO(b'x'))
	EOF
	refused "$BATS_TEST_TMPDIR/evil.tar"
	[[ "$stderr" == *"leaves the archive"* ]]
	assert_file_not_exists "$DL_ROOT/escape"
}

@test "dl image load: a second load of a refused archive's good blobs stores nothing twice" {
	require_btrfs
	dl_test_store
	damaged longer
	refused "$BAD.tar"
	local n
	n=$(find "$DL_ROOT/blobs/sha256" -type f | wc -l)
	refused "$BAD.tar"
	assert_equal "$(find "$DL_ROOT/blobs/sha256" -type f | wc -l)" "$n"
}

@test "dl image import: an alias of dl image create" {
	require_btrfs
	dl_test_store
	run -0 --separate-stderr dl image import -c 'CMD ["/bin/sh"]' imp:1 \
		"$BATS_FILE_TMPDIR/r1.tar"
	assert_output --regexp '^[0-9a-f]{64}$'
	run -0 dl image inspect imp:1
	assert_equal "$(jq -c '.[0].Config.Cmd' <<<"$output")" '["/bin/sh"]'
	run -2 --separate-stderr dl image import
	[[ "$stderr" == "dl image import: usage: dl image import "* ]]
}

@test "dl image load: usage errors and a missing input" {
	run -2 --separate-stderr dl image load -x
	[[ "$stderr" == "dl image load: usage: dl image load [-q] [-i FILE|DIR|-]" ]]
	run -1 --separate-stderr dl load -i "$BATS_TEST_TMPDIR/none.tar"
	[[ "$stderr" == *"no such file or directory"* ]]
	run -2 --separate-stderr dl-image-unpack sha256:../..
	[[ "$stderr" == *"not a valid digest"* ]]
}

# docker_archive LAYER OUT [DIFF_ID]: a docker-archive of one image, one
# layer (the file LAYER, given before the config and manifest.json, as
# podman does), named dock:1; its config says DIFF_ID (default: the
# layer's own)
docker_archive() {
	python3 - "$@" <<-'EOF'
		import hashlib, io, json, sys, tarfile
		layer = open(sys.argv[1], 'rb').read()
		diff = sys.argv[3] if len(sys.argv) > 3 else \
		    'sha256:' + hashlib.sha256(layer).hexdigest()
		cfg = json.dumps({'architecture': 'amd64', 'os': 'linux',
		    'config': {}, 'rootfs': {'type': 'layers',
		    'diff_ids': [diff]}}).encode()
		man = json.dumps([{'Config': 'c.json', 'RepoTags': ['dock:1'],
		    'Layers': ['l.tar']}]).encode()
		with tarfile.open(sys.argv[2], 'w') as t:
		    for name, data in (('l.tar', layer), ('c.json', cfg),
		                       ('manifest.json', man)):
		        i = tarfile.TarInfo(name)
		        i.size = len(data)
		        t.addfile(i, io.BytesIO(data))
	EOF
}

@test "dl-archive-import -a: a layer is applied as it is stored, and dl-image-unpack takes its chain" {
	require_btrfs
	dl_test_store
	local base list bin=$BATS_TEST_TMPDIR/bin
	base=$(sha256sum <"$BATS_FILE_TMPDIR/r1.tar" | cut -c1-64)
	run -0 --separate-stderr dl-archive-import -a \
		"$BATS_FILE_TMPDIR/one.docker.tar"
	list=$output
	assert_equal "$(cat "$DL_ROOT/tmp/$base/ahead")" "sha256:$base"
	assert_file_exists "$DL_ROOT/tmp/$base/rootfs/etc/hello"
	# an applier that fails: the layer is not applied again
	mkdir -p "$bin"
	printf '#!/bin/sh\nexit 125\n' >"$bin/dl-layer-apply"
	chmod +x "$bin/dl-layer-apply"
	run -0 env DL_EXEC_PATH="$bin" dl-image-unpack -t one:1 "${list%% *}"
	assert_equal "$(cat "$DL_ROOT/images/$base/rootfs/etc/hello")" one
	assert_equal "$(ls -A "$DL_ROOT/tmp")" ''
	run -0 dl image inspect one:1
	assert_equal "$(jq -r '.[0].RootFS.Layers[0]' <<<"$output")" \
		"sha256:$base"
}

@test "dl-archive-import -a: a chain no image has is not left, nor one that is an image already" {
	require_btrfs
	dl_test_store
	# two images of one base layer each: the second layer was applied
	# onto the first, a chain neither image has
	run -0 dl-archive-import -a "$BATS_FILE_TMPDIR/multi.tar"
	assert_equal "$(find "$DL_ROOT/tmp" -name ahead | wc -l)" 1
	rm -rf "${DL_ROOT:?}"/tmp/*
	dl load -i "$BATS_FILE_TMPDIR/one.docker.tar" >/dev/null
	run -0 dl-archive-import -a "$BATS_FILE_TMPDIR/one.docker.tar"
	assert_equal "$(ls -A "$DL_ROOT/tmp")" ''
}

@test "dl image load: a layer applied as it streams still refuses a wrong diff_id, an unsafe entry and a cut, with 4 and no trace" {
	require_btrfs
	dl_test_store
	local t=$BATS_TEST_TMPDIR
	docker_archive "$BATS_FILE_TMPDIR/r1.tar" "$t/good.tar"
	run -0 dl load -q -i "$t/good.tar"
	dl rmi dock:1 >/dev/null
	docker_archive "$BATS_FILE_TMPDIR/r1.tar" "$t/diff.tar" \
		"sha256:$(printf '%064d' 0)"
	refused "$t/diff.tar"
	[[ "$stderr" == *"unable to apply layer"* ]]
	python3 - "$t/evil-layer.tar" <<-'EOF'
		import io, sys, tarfile
		with tarfile.open(sys.argv[1], 'w') as t:
		    i = tarfile.TarInfo('etc')
		    i.type = tarfile.SYMTYPE
		    i.linkname = '/etc'
		    t.addfile(i)
		    i = tarfile.TarInfo('etc/dl-victim')
		    i.size = 1
		    t.addfile(i, io.BytesIO(b'x'))
	EOF
	docker_archive "$t/evil-layer.tar" "$t/evil.tar"
	refused "$t/evil.tar"
	assert_file_not_exists /etc/dl-victim
	# cut inside the layer, while it is applied
	head -c 300000 "$t/good.tar" >"$t/cut.tar"
	refused "$t/cut.tar"
	[[ "$stderr" == *"malformed archive"* ]]
}
