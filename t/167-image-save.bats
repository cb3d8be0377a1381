#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# 167-image-save.bats: dl image save as docker-archive, oci-archive and
# oci-dir: podman loads and runs what dl saves and sees dl's tree, skopeo
# and oci-image-tool read it, podman's archives keep every digest through
# dl load and dl save, layers are computed once and reproducible, bad
# input leaves nothing.

load helpers
load lib-btrfs

# podman, with its own storage under this file's temp dir
pm() {
	CONTAINERS_CONF="$BATS_FILE_TMPDIR/containers.conf" \
		podman --root "$BATS_FILE_TMPDIR/podman" \
		--runroot "$BATS_FILE_TMPDIR/podman-run" --storage-driver vfs "$@"
}

# what both runs list of the tree the child changed (run by the
# container's shell)
# shellcheck disable=SC2016
LIST='cd /srv && find . | sort | while read -r f; do if [ -d "$f" ]; then stat -c "%n %F %a %u:%g" "$f"; else stat -c "%n %F %a %u:%g %s" "$f"; fi; done; cat keep/y dir'

setup_file() {
	dl_btrfs_setup
	[ "$(id -u)" = 0 ] || return 0
	local f=$BATS_FILE_TMPDIR
	printf '[containers]\ndefault_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]\n' \
		>"$f/containers.conf"
	# the base tree: busybox, and /srv with what the child changes
	mk_busybox_root "$f/tree"
	mkdir -p "$f/tree/srv/keep" "$f/tree/srv/dir/b"
	echo x >"$f/tree/srv/keep/x"
	echo a >"$f/tree/srv/dir/a"
	echo c >"$f/tree/srv/dir/b/c"
	echo gone >"$f/tree/srv/gone"
	chmod 640 "$f/tree/srv/keep/x"
	chown 12:34 "$f/tree/srv/dir/a" "$f/tree/srv/keep/x"
	# a podman image, saved both ways
	mk_busybox_root "$f/r1"
	echo one >"$f/r1/etc/hello"
	tar -C "$f/r1" -cf "$f/r1.tar" .
	pm import -q -c 'CMD ["/bin/sh"]' "$f/r1.tar" localhost/one:1 >/dev/null
	pm save -q -o "$f/one.docker.tar" --format docker-archive localhost/one:1
	pm save -q -o "$f/one.oci.tar" --format oci-archive localhost/one:1
}

teardown_file() {
	dl_btrfs_teardown
}

# base_and_child NAME: images NAME-base:1 (the tree) and NAME-child:1 (a
# commit that deletes a file, replaces a directory with a file, adds one)
base_and_child() {
	dl image create "$1-base:1" "$BATS_FILE_TMPDIR/tree" >/dev/null
	dl run --name "$1-c" "$1-base:1" sh -c \
		'rm /srv/gone && rm -r /srv/dir && echo file >/srv/dir && echo y >/srv/keep/y'
	dl commit "$1-c" "$1-child:1" >/dev/null
	dl rm "$1-c" >/dev/null
}

# oci_manifest FILE: the manifest of the first image of an OCI archive
oci_manifest() {
	local d
	d=$(tar -xOf "$1" index.json | jq -r '.manifests[0].digest')
	tar -xOf "$1" "blobs/sha256/${d#sha256:}"
}

# same_tree_in_podman IMAGE REF: podman sees in REF the /srv dl run sees in IMAGE
same_tree_in_podman() {
	local img=$1 ref=$2 want
	want=$(dl run --rm "$img" sh -c "$LIST")
	run -0 pm run --rm --runtime runc --net none "$ref" sh -c "$LIST"
	assert_output "$want"
	[[ "$want" == *"./dir regular file 644 0:0 5"* ]]
	[[ "$want" != *"./gone"* ]]
	[[ "$want" == *"./keep/x regular file 640 12:34 2"* ]]
}

# blobs: the content store's listing
blobs() {
	ls -l --time-style=+%s.%N "$DL_ROOT/blobs/sha256"
	find "$DL_ROOT/images" -name layer.json -printf '%p %T@\n' | sort
}

@test "dl image save: a created image and its committed child as docker-archive: podman loads and runs them as dl does" {
	require_lxc
	dl_test_store
	local n f
	n=$(safename)
	f=$BATS_TEST_TMPDIR/d.tar
	base_and_child "$n"
	run -0 --separate-stderr dl save -o "$f" "$n-child:1"
	assert_output ''
	run -0 pm load -q -i "$f"
	assert_output --partial "localhost/$n-child:1"
	same_tree_in_podman "$n-child:1" "localhost/$n-child:1"
	# two layers, uncompressed (their digests are their diff IDs)
	run -0 tar -xOf "$f" manifest.json
	assert_equal "$(jq -r '.[0].RepoTags[0]' <<<"$output")" "$n-child:1"
	assert_equal "$(jq -r '.[0].Layers | length' <<<"$output")" 2
	local top cfg
	top=$(jq -r '.[0].Layers[1]' <<<"$output")
	cfg=$(jq -r '.[0].Config' <<<"$output")
	assert_equal "$(tar -xOf "$f" "$top" | sha256sum | cut -c1-64).tar" "$top"
	assert_equal "$(tar -xOf "$f" "$cfg" | jq -r '.rootfs.diff_ids[1]')" \
		"sha256:${top%.tar}"
	# the deleted file is whited out, the directory replaced by a file
	run -0 tar -tvf <(tar -xOf "$f" "$top")
	assert_line --regexp '^---------- 0/0 +0 .* srv/\.wh\.gone$'
	assert_line --regexp '^-rw-r--r-- 0/0 +5 .* srv/dir$'
	assert_line --regexp ' srv/keep/y$'
	refute_line --regexp ' srv/dir/'
	refute_line --regexp ' srv/keep/x$'
	# one history entry a layer
	run -0 tar -xOf "$f" "$cfg"
	assert_equal "$(jq '[.history[] | select(.empty_layer != true)] | length' <<<"$output")" 2
}

@test "dl image save: the same child as oci-archive: gzip layers, podman loads and runs it" {
	require_lxc
	dl_test_store
	local n f
	n=$(safename)
	f=$BATS_TEST_TMPDIR/o.tar
	base_and_child "$n"
	run -0 --separate-stderr dl image save --format oci-archive -o "$f" "$n-child:1"
	run -0 tar -xOf "$f" index.json
	assert_equal "$(jq -r '.manifests[0].annotations["io.containerd.image.name"]' <<<"$output")" "$n-child:1"
	assert_equal "$(jq -r '.manifests[0].annotations["org.opencontainers.image.ref.name"]' <<<"$output")" 1
	run -0 oci_manifest "$f"
	assert_equal "$(jq -r '[.layers[].mediaType] | unique[]' <<<"$output")" \
		application/vnd.oci.image.layer.v1.tar+gzip
	local top
	top=$(jq -r '.layers[1].digest' <<<"$output")
	run -0 tar -tzvf <(tar -xOf "$f" "blobs/sha256/${top#sha256:}")
	assert_line --regexp ' srv/\.wh\.gone$'
	run -0 pm load -q -i "$f"
	same_tree_in_podman "$n-child:1" "localhost/$n-child:1"
}

@test "dl image save: oci-dir passes oci-image-tool; skopeo reads the layout and both archives" {
	require_lxc
	dl_test_store
	local n d=$BATS_TEST_TMPDIR/layout
	n=$(safename)
	base_and_child "$n"
	run -0 --separate-stderr dl save --format oci-dir -o "$d" "$n-child:1"
	assert_output ''
	assert [ -f "$d/oci-layout" ] && assert [ -f "$d/index.json" ]
	run -0 oci-image-tool validate --type image "$d"
	assert_output --partial 'Validation succeeded'
	run -0 skopeo inspect "oci:$d"
	assert_equal "$(jq '.Layers | length' <<<"$output")" 2
	local layers=$output
	dl save --format oci-archive -o "$BATS_TEST_TMPDIR/o.tar" "$n-child:1"
	run -0 skopeo inspect "oci-archive:$BATS_TEST_TMPDIR/o.tar"
	assert_equal "$(jq -c .Layers <<<"$output")" "$(jq -c .Layers <<<"$layers")"
	dl save -o "$BATS_TEST_TMPDIR/d.tar" "$n-child:1"
	run -0 skopeo inspect "docker-archive:$BATS_TEST_TMPDIR/d.tar"
	assert_equal "$(jq '.Layers | length' <<<"$output")" 2
	# nothing of the layout was built in tmp/
	assert_equal "$(ls -A "$DL_ROOT/tmp")" ''
}

@test "dl image save: podman's archives through dl load and dl save keep the config, layer and manifest digests" {
	require_lxc
	dl_test_store
	local f=$BATS_FILE_TMPDIR o=$BATS_TEST_TMPDIR
	dl load -q -i "$f/one.docker.tar" >/dev/null
	dl save -o "$o/d.tar" localhost/one:1
	run -0 tar -xOf "$o/d.tar" manifest.json
	assert_equal "$(jq -c '[.[0].Config, .[0].Layers]' <<<"$output")" \
		"$(tar -xOf "$f/one.docker.tar" manifest.json | jq -c '[.[0].Config, .[0].Layers]')"
	assert_equal "$(jq -c '.[0].RepoTags' <<<"$output")" '["localhost/one:1"]'
	dl image rm localhost/one:1 >/dev/null
	dl load -q -i "$f/one.oci.tar" >/dev/null
	dl save --format oci-archive -o "$o/o.tar" localhost/one:1
	run -0 skopeo inspect --raw "oci-archive:$o/o.tar"
	assert_equal "$output" "$(skopeo inspect --raw "oci-archive:$f/one.oci.tar")"
	assert_equal "$(tar -xOf "$o/o.tar" index.json | jq -r '.manifests[0].digest')" \
		"$(tar -xOf "$f/one.oci.tar" index.json | jq -r '.manifests[0].digest')"
	# and dl load reads dl's own archive back, with its name
	dl_test_store
	run -0 dl load -i "$o/o.tar"
	assert_output 'Loaded image: localhost/one:1'
	run -0 dl run --rm localhost/one:1 cat /etc/hello
	assert_output one
}

@test "dl image save: a child of a loaded image reuses its stored layers" {
	require_lxc
	dl_test_store
	dl load -q -i "$BATS_FILE_TMPDIR/one.oci.tar" >/dev/null
	dl run --name c localhost/one:1 sh -c 'echo two >/etc/hello'
	dl commit c two:1 >/dev/null
	dl rm c >/dev/null
	local o=$BATS_TEST_TMPDIR
	dl save --format oci-archive -o "$o/two.tar" two:1
	run -0 oci_manifest "$o/two.tar"
	assert_equal "$(jq '.layers | length' <<<"$output")" 2
	assert_equal "$(jq -cS '.layers[0]' <<<"$output")" \
		"$(skopeo inspect --raw "oci-archive:$BATS_FILE_TMPDIR/one.oci.tar" | jq -cS '.layers[0]')"
	run -0 pm load -q -i "$o/two.tar"
	run -0 pm run --rm --runtime runc --net none localhost/two:1 cat /etc/hello
	assert_output two
}

@test "dl image save: a second save computes nothing and writes the same bytes" {
	require_lxc
	dl_test_store
	local n o=$BATS_TEST_TMPDIR before
	n=$(safename)
	base_and_child "$n"
	dl save --format oci-archive -o "$o/1.tar" "$n-child:1"
	dl save -o "$o/d1.tar" "$n-child:1"
	before=$(blobs)
	dl save --format oci-archive -o "$o/2.tar" "$n-child:1"
	dl save "$n-child:1" >"$o/d2.tar"
	assert_equal "$(blobs)" "$before"
	cmp "$o/1.tar" "$o/2.tar"
	cmp "$o/d1.tar" "$o/d2.tar"
	assert_equal "$(ls -A "$DL_ROOT/tmp")" ''
}

@test "dl image save: in an archive on the store's btrfs the layers are reflinks of the stored blobs; the same bytes to a pipe" {
	require_lxc
	dl_test_store
	local n o=$DL_TEST_MNT/save-$BATS_TEST_NUMBER excl layer
	n=$(safename)
	base_and_child "$n"
	mkdir -p "$o"
	for fmt in oci-archive docker-archive; do
		dl save --format "$fmt" -o "$o/$fmt.tar" "$n-child:1"
		dl save --format "$fmt" "$n-child:1" | cat >"$BATS_TEST_TMPDIR/$fmt.tar"
		cmp "$o/$fmt.tar" "$BATS_TEST_TMPDIR/$fmt.tar"
		# every layer's data starts on a 4096-byte block, the blob's
		python3 - "$o/$fmt.tar" "$DL_ROOT/blobs/sha256" <<-'PY'
			import os, sys, tarfile
			t = tarfile.open(sys.argv[1])
			n = 0
			for m in t.getmembers():
			    h = os.path.basename(m.name).split(".")[0]
			    p = os.path.join(sys.argv[2], h)
			    if m.isfile() and m.size > 4096 and os.path.exists(p):
			        assert m.offset_data % 4096 == 0, (m.name, m.offset_data)
			        assert t.extractfile(m).read() == open(p, "rb").read(), m.name
			        n += 1
			assert n >= 1, n
		PY
		# the archive's blocks are the blobs' but for headers and tails
		layer=$(du -b --apparent-size "$o/$fmt.tar" | cut -f1)
		excl=$(btrfs filesystem du --raw "$o/$fmt.tar" | awk 'NR == 2 { print $2 }')
		[ "$excl" -lt $((layer / 4)) ] ||
			fail "$fmt: $excl of $layer bytes not shared"
	done
	# podman and skopeo read them
	run -0 skopeo inspect --raw "oci-archive:$o/oci-archive.tar"
	run -0 pm load -q -i "$o/docker-archive.tar"
	rm -rf "$o"
}

@test "dl image save: --source-date-epoch: the same tree made twice at other times gives the same layers" {
	require_root
	dl_test_store
	local t=$BATS_TEST_TMPDIR o=$BATS_TEST_TMPDIR
	mkdir "$t/a" "$t/b"
	echo same >"$t/a/f"
	touch -d @1000000000 "$t/a/f" "$t/a"
	dl image create a:1 "$t/a" >/dev/null
	echo same >"$t/b/f"
	touch -d @1000000100 "$t/b/f" "$t/b"
	dl image create b:1 "$t/b" >/dev/null
	dl save --format oci-archive -o "$o/a.tar" a:1
	dl save --format oci-archive -o "$o/b.tar" b:1
	[ "$(oci_manifest "$o/a.tar" | jq -c .layers)" != "$(oci_manifest "$o/b.tar" | jq -c .layers)" ]
	dl save --format oci-archive --source-date-epoch 999999999 -o "$o/a.tar" a:1
	SOURCE_DATE_EPOCH=999999999 dl save --format oci-archive -o "$o/b.tar" b:1
	assert_equal "$(oci_manifest "$o/a.tar" | jq -c .layers)" \
		"$(oci_manifest "$o/b.tar" | jq -c .layers)"
	run -0 tar -tzvf <(tar -xOf "$o/a.tar" "blobs/sha256/$(oci_manifest "$o/a.tar" | jq -r '.layers[0].digest' | cut -c8-)")
	assert_line --partial '2001-09-09 01:46 f'
}

@test "dl image save: several images in one archive, each with its names" {
	require_lxc
	dl_test_store
	local n o=$BATS_TEST_TMPDIR
	n=$(safename)
	base_and_child "$n"
	dl image tag "$n-child:1" "$n-child:2"
	dl save -o "$o/d.tar" "$n-base:1" "$n-child:1" "$n-child:2"
	run -0 tar -xOf "$o/d.tar" manifest.json
	assert_equal "$(jq -c '[.[].RepoTags]' <<<"$output")" \
		"[[\"$n-base:1\"],[\"$n-child:1\",\"$n-child:2\"]]"
	dl save --format oci-archive -o "$o/o.tar" "$n-base:1" "$n-child:1" "$n-child:2"
	run -0 tar -xOf "$o/o.tar" index.json
	assert_equal "$(jq -c '[.manifests[].annotations["io.containerd.image.name"]]' <<<"$output")" \
		"[\"$n-base:1\",\"$n-child:1\",\"$n-child:2\"]"
	run -0 pm load -i "$o/d.tar"
	assert_output --partial "localhost/$n-base:1"
	assert_output --partial "localhost/$n-child:2"
}

@test "dl image save: an unknown image, a missing directory, a terminal, a bad format: refused, nothing written" {
	require_lxc
	dl_test_store
	local o=$BATS_TEST_TMPDIR/out
	mkdir "$o"
	dl image bootstrap busybox >/dev/null
	run -1 --separate-stderr dl save -o "$o/x.tar" busybox no-such-image
	assert_fatal 'dl save'
	# shellcheck disable=SC2154 # $stderr is set by run --separate-stderr
	[[ "$stderr" == *"'no-such-image': no such image"* ]]
	run -1 --separate-stderr dl save -o "$o/missing/x.tar" busybox
	assert_fatal 'dl save'
	run -1 --separate-stderr dl save --format oci-dir -o "$o/missing/x" busybox
	assert_fatal 'dl save'
	run -2 --separate-stderr dl save --format tgz -o "$o/x.tar" busybox
	assert_fatal 'dl save'
	run -2 --separate-stderr dl save --format oci-dir busybox
	assert_fatal 'dl save'
	run -2 --separate-stderr dl save
	run -2 script -qec 'dl save busybox' /dev/null
	assert_output --partial "unable to write 'stdout': it is a terminal"
	run -2 script -qec 'dl-image-save -o - busybox' /dev/null
	assert_output --partial "it is a terminal"
	mkdir "$o/exists"
	run -3 --separate-stderr dl save --format oci-dir -o "$o/exists" busybox
	assert_equal "$(ls -A "$o/exists")" ''
	assert_equal "$(ls -A "$o")" exists
	assert_equal "$(ls -A "$DL_ROOT/tmp")" ''
}

@test "dl image save: killed before the layout is published, no layout; the sweep removes the rest" {
	require_lxc
	dl_test_store
	dl image bootstrap busybox >/dev/null
	local d=$DL_TEST_MNT/layout-$RANDOM
	run -137 env DL_FAULT=dl-image-save:publish dl save --format oci-dir -o "$d" busybox
	assert [ ! -e "$d" ]
	run -0 dl-store-sweep
	assert_output --partial '.save'
	assert_equal "$(ls -A "$DL_ROOT/tmp")" ''
	run -0 dl save --format oci-dir -o "$d" busybox
	assert [ -f "$d/index.json" ]
	rm -rf "$d"
}

@test "dl-image-layers: prints the layers, base first; usage errors" {
	require_lxc
	dl_test_store
	local n
	n=$(safename)
	base_and_child "$n"
	run -0 --separate-stderr dl-image-layers -z none "$n-child:1"
	assert_equal "$(jq length <<<"$output")" 2
	assert_equal "$(jq -r '.[1].mediaType' <<<"$output")" application/vnd.oci.image.layer.v1.tar
	assert_equal "$(jq -r '.[1].digest' <<<"$output")" "$(jq -r '.[1].diffID' <<<"$output")"
	run -2 --separate-stderr dl-image-layers -z lzma "$n-child:1"
	run -2 --separate-stderr dl-image-layers
	run -2 --separate-stderr dl-image-save -o - 
	run -2 --separate-stderr dl-image-save -f tgz -o x busybox
}
