#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# 170-layer-diff.bats: dl-layer-diff writes the OCI layer between two
# read-only snapshots from btrfs send, reproducibly; dl export writes a
# container's tree.

# shellcheck disable=SC2016,SC2154 # scripts expand in the container; run sets $stderr

load helpers
load lib-btrfs
load lib-store
load lib-spawn

teardown() {
	spawn_teardown
}

EPOCH=1700000000

# fill_parent DIR: what every parent holds
fill_parent() {
	local d=$1
	mkdir -p "$d/usr/share/doc" "$d/d2f/sub" "$d/olddir/sub" "$d/etc"
	echo keep >"$d/keep"
	echo a >"$d/usr/share/doc/a"
	echo b >"$d/usr/share/doc/b"
	echo mod >"$d/mod"
	echo del >"$d/del"
	echo a >"$d/d2f/a"
	echo b >"$d/d2f/sub/b"
	echo f2d >"$d/f2d"
	echo x >"$d/olddir/x"
	echo y >"$d/olddir/sub/y"
	echo link >"$d/link1"
	echo xat >"$d/xat"
	echo pw >"$d/etc/passwd"
	cp /bin/true "$d/suid"
	chmod 4755 "$d/suid"
	chown 1000:1000 "$d/keep"
	ln -s keep "$d/sl"
	mkfifo "$d/fifo"
	mknod "$d/null" c 1 3
	touch -d @1000 "$d/keep" "$d/etc/passwd" "$d/link1"
}

# change_child DIR: add, modify, delete, replace a directory by a file and
# a file by a directory, rename a directory, add a hard link and xattrs
change_child() {
	local d=$1
	echo added >"$d/added"
	echo more >>"$d/mod"
	rm "$d/del" "$d/usr/share/doc/b"
	rm -r "$d/d2f"
	echo now-a-file >"$d/d2f"
	rm "$d/f2d"
	mkdir "$d/f2d"
	echo in >"$d/f2d/in"
	mv "$d/olddir" "$d/newdir"
	ln "$d/link1" "$d/link2"
	python3 - "$d/xat" <<-'EOF'
		import os, sys
		os.setxattr(sys.argv[1], 'user.test', b'value')
		os.setxattr(sys.argv[1], 'security.capability',
		            bytes.fromhex('0100000200200000000000000000000000000000'))
	EOF
}

# The members of the layer of change_child, as members prints them.
EXPECTED='.wh.del 0
.wh.olddir 0
added 0
d2f 0
f2d 5
f2d/in 0
link1 0
link2 1 link1
mod 0
newdir 5
newdir/sub 5
newdir/sub/y 0
newdir/x 0
usr 5
usr/share 5
usr/share/doc 5
usr/share/doc/.wh.b 0
xat 0'

# members TAR: "NAME TYPE [LINKNAME]" a member, in the archive's order
members() {
	python3 - "$1" <<-'EOF'
		import sys, tarfile
		for m in tarfile.open(sys.argv[1]):
		    print(' '.join([m.name, m.type.decode()] +
		                   ([m.linkname] if m.linkname else [])))
	EOF
}

# pair [FILL [CHANGE]]: a store, a parent image made by dl image create
# from a tree filled by FILL (fill_parent), and beside the store a
# read-only snapshot of it changed by CHANGE (change_child): $P, $C, $W
pair() {
	local fill=${1:-fill_parent} change=${2:-change_child} id
	dl_test_store
	mkwork
	mkdir "$W/tree"
	"$fill" "$W/tree"
	id=$(dl image create "parent-$RANDOM" "$W/tree")
	P=$DL_ROOT/images/$id/rootfs
	C=$W/child
	dl-snapshot "$P" "$C"
	"$change" "$C"
	dl-subvol-set-ro "$C" true
}

# layout DIR LAYER...: an OCI layout holding one image, tagged "t", of
# the gzip LAYERs, base first
layout() {
	python3 - "$@" <<-'EOF'
		import gzip, hashlib, json, os, sys
		d, layers = sys.argv[1], sys.argv[2:]
		os.makedirs(d + '/blobs/sha256')
		def blob(b):
		    h = hashlib.sha256(b).hexdigest()
		    open(d + '/blobs/sha256/' + h, 'wb').write(b)
		    return {'digest': 'sha256:' + h, 'size': len(b)}
		descs, diffs = [], []
		for l in layers:
		    b = open(l, 'rb').read()
		    diffs.append('sha256:' +
		                 hashlib.sha256(gzip.decompress(b)).hexdigest())
		    descs.append(dict(blob(b), mediaType=
		        'application/vnd.oci.image.layer.v1.tar+gzip'))
		cfg = {'architecture': 'amd64', 'os': 'linux', 'config': {},
		       'rootfs': {'type': 'layers', 'diff_ids': diffs}}
		c = dict(blob(json.dumps(cfg).encode()),
		         mediaType='application/vnd.oci.image.config.v1+json')
		man = {'schemaVersion': 2, 'config': c, 'layers': descs,
		       'mediaType': 'application/vnd.oci.image.manifest.v1+json'}
		m = dict(blob(json.dumps(man).encode()),
		         mediaType='application/vnd.oci.image.manifest.v1+json',
		         annotations={'org.opencontainers.image.ref.name': 't'})
		json.dump({'schemaVersion': 2, 'manifests': [m]},
		          open(d + '/index.json', 'w'))
		json.dump({'imageLayoutVersion': '1.0.0'},
		          open(d + '/oci-layout', 'w'))
	EOF
}

# tree_sig DIR: the signature of DIR's contents (sig.py), the root itself
# left out: a layer holds no member for it
tree_sig() {
	sig "$1" | sed 1d
}

@test "dl-layer-diff: --help prints the synopsis on stdout" {
	run -0 --separate-stderr dl-layer-diff --help
	assert_line --index 0 'usage: dl-layer-diff [-p PARENT] [-z none|gzip|zstd] [--source-date-epoch=N] -o FILE CHILD'
	[ -z "$stderr" ]
}

@test "dl-layer-diff: no -o, a bad -z or a bad epoch is a usage error" {
	run -2 --separate-stderr dl-layer-diff /
	assert_output ''
	[[ "$stderr" == "dl-layer-diff: usage: "* ]]
	run -2 --separate-stderr dl-layer-diff -z xz -o "$BATS_TEST_TMPDIR/l" /
	[[ "$stderr" == "dl-layer-diff: usage: "* ]]
	run -2 --separate-stderr dl-layer-diff --source-date-epoch=1e9 \
		-o "$BATS_TEST_TMPDIR/l" /
	assert_output ''
	assert_equal "$stderr" "dl-layer-diff: fatal: unable to use source date epoch '1e9': not a whole number of seconds"
	SOURCE_DATE_EPOCH=yesterday run -2 --separate-stderr dl-layer-diff \
		-o "$BATS_TEST_TMPDIR/l" /
	[[ "$stderr" == *"epoch 'yesterday': not a whole number"* ]]
	assert_file_not_exists "$BATS_TEST_TMPDIR/l"
}

@test "dl-layer-diff: the layer holds exactly what changed, deletions as whiteouts" {
	pair
	run -0 --separate-stderr dl-layer-diff -z none -p "$P" -o "$W/l.tar" "$C"
	[ -z "$stderr" ]
	run -0 members "$W/l.tar"
	assert_output "$EXPECTED"
}

@test "dl-layer-diff: the layer over the parent gives the child (umoci raw unpack)" {
	pair
	dl-layer-diff -p "$P" -o "$W/top.tgz" "$C" >/dev/null
	dl-layer-diff -o "$W/base.tgz" "$P" >/dev/null
	layout "$W/oci" "$W/base.tgz" "$W/top.tgz"
	run -0 umoci raw unpack --image "$W/oci:t" "$W/root"
	diff -u <(tree_sig "$C") <(tree_sig "$W/root")
	# and so does dl-extract of the whole child
	dl-layer-diff -o "$W/whole.tgz" "$C" >/dev/null
	mkdir "$W/x"
	dl-extract "$W/whole.tgz" "$W/x"
	diff -u <(tree_sig "$C") <(tree_sig "$W/x")
}

@test "dl-layer-diff: a directory swapped or made again is opaque, its contents whole" {
	swap() {
		mv "$1/olddir" "$1/tmp" && mv "$1/d2f" "$1/olddir" &&
			mv "$1/tmp" "$1/d2f"
		rm -r "${1:?}/usr/share"
		mkdir -p "$1/usr/share/doc"
		echo c >"$1/usr/share/doc/c"
	}
	pair fill_parent swap
	run -0 dl-layer-diff -z none -p "$P" -o "$W/l.tar" "$C"
	run -0 members "$W/l.tar"
	assert_output 'd2f 5
d2f/.wh..wh..opq 0
d2f/sub 5
d2f/sub/y 0
d2f/x 0
olddir 5
olddir/.wh..wh..opq 0
olddir/a 0
olddir/sub 5
olddir/sub/b 0
usr 5
usr/share 5
usr/share/.wh..wh..opq 0
usr/share/doc 5
usr/share/doc/c 0'
	gzip -c "$W/l.tar" >"$W/top.tgz"
	dl-layer-diff -o "$W/base.tgz" "$P" >/dev/null
	layout "$W/oci" "$W/base.tgz" "$W/top.tgz"
	umoci raw unpack --image "$W/oci:t" "$W/root"
	diff -u <(tree_sig "$C") <(tree_sig "$W/root")
}

@test "dl-layer-diff: a new name of a file with links brings all its names" {
	more_links() {
		ln "$1/mod" "$1/usr/mod2"
	}
	relink() {
		echo changed >>"$1/usr/mod2"
	}
	pair fill_parent more_links
	# a child of the child: one name written, the other changed too
	dl-snapshot "$C" "$W/grand"
	relink "$W/grand"
	dl-subvol-set-ro "$W/grand" true
	run -0 dl-layer-diff -z none -p "$C" -o "$W/l.tar" "$W/grand"
	run -0 members "$W/l.tar"
	assert_output 'mod 0
usr 5
usr/mod2 1 mod'
}

@test "dl-layer-diff: the tar is reproducible: sorted, numeric owners, no atime nor ctime, clamped mtimes" {
	pair
	run -0 dl-layer-diff -z none --source-date-epoch=$EPOCH -p "$P" \
		-o "$W/l.tar" "$C"
	python3 - "$W/l.tar" "$EPOCH" <<-'EOF'
		import sys, tarfile
		epoch = int(sys.argv[2])
		t = tarfile.open(sys.argv[1])
		ms = t.getmembers()
		for m in ms:
		    assert m.uname == '' and m.gname == '', (m.name, m.uname)
		    assert m.mtime <= epoch, (m.name, m.mtime)
		    for k in m.pax_headers:
		        assert k.split('.')[0] in ('SCHILY', 'LIBARCHIVE') and \
		            'xattr' in k, (m.name, k)
		    if '.wh.' in m.name:
		        assert m.isreg() and m.mode == 0 and m.uid == 0 and \
		            m.gid == 0 and m.size == 0, m.name
		x = t.getmember('xat')
		assert x.pax_headers['SCHILY.xattr.user.test'] == 'value'
		assert 'SCHILY.xattr.security.capability' in x.pax_headers
		names = [m.name for m in ms]
		assert names == sorted(names, key=lambda n: n.split('/')), names
		# an old mtime is kept, in whole seconds
		assert t.getmember('link1').mtime == 1000
		raw = open(sys.argv[1], 'rb').read()
		# no padding after the two zero blocks of the end
		assert len(raw) % 512 == 0 and raw[-1024:] == bytes(1024)
		assert raw[-1536:-1024] != bytes(512)
	EOF
}

@test "dl-layer-diff: long names and big owners go into pax headers, and back" {
	mkwork
	local long
	long=$(printf 'n%.0s' $(seq 200))
	btrfs -q subvolume create "$W/t"
	mkdir -p "$W/t/$long/$long"
	echo hi >"$W/t/$long/$long/$long"
	chown 3000000:3000001 "$W/t/$long/$long/$long"
	run -0 dl-layer-diff -z none -o "$W/l.tar" "$W/t"
	mkdir "$W/x"
	dl-extract "$W/l.tar" "$W/x"
	diff -u <(tree_sig "$W/t") <(tree_sig "$W/x")
	assert_equal "$(stat -c %u:%g "$W/x/$long/$long/$long")" 3000000:3000001
}

@test "dl-layer-diff: the descriptor: diffID of the tar, digest and size of the file, media type" {
	pair
	local z out
	for z in none gzip zstd; do
		out=$(dl-layer-diff -z "$z" -p "$P" -o "$W/l.$z" "$C")
		case $z in
		none) mt=application/vnd.oci.image.layer.v1.tar ;;
		*) mt=application/vnd.oci.image.layer.v1.tar+$z ;;
		esac
		assert_equal "$(jq -r .mediaType <<<"$out")" "$mt"
		assert_equal "$(jq -r .digest <<<"$out")" \
			"sha256:$(sha256sum <"$W/l.$z" | cut -d' ' -f1)"
		assert_equal "$(jq -r .size <<<"$out")" "$(stat -c %s "$W/l.$z")"
		assert_equal "$(jq -c 'keys' <<<"$out")" \
			'["diffID","digest","mediaType","size"]'
	done
	assert_equal "$(jq -r .diffID <<<"$out")" \
		"sha256:$(zstd -qdc "$W/l.zstd" | sha256sum | cut -d' ' -f1)"
	assert_equal "$(gzip -dc "$W/l.gzip" | sha256sum)" \
		"$(sha256sum <"$W/l.none")"
	# gzip: no name, mtime 0, OS byte 255
	assert_equal "$(head -c 10 "$W/l.gzip" | od -An -tx1 | tr -d ' \n')" \
		1f8b08000000000000ff
	zstd -qt "$W/l.zstd"
}

@test "dl-layer-diff: the same diff twice gives the same digests" {
	pair
	local a b z
	for z in none gzip zstd; do
		a=$(dl-layer-diff -z "$z" -p "$P" -o "$W/a" "$C")
		b=$(dl-layer-diff -z "$z" -p "$P" -o "$W/b" "$C")
		assert_equal "$a" "$b"
		cmp "$W/a" "$W/b"
	done
}

@test "dl-layer-diff: the same content made twice on two stores, later, with SOURCE_DATE_EPOCH gives the same digests" {
	local one two base1 base2 raw1 raw2
	pair
	one=$(SOURCE_DATE_EPOCH=$EPOCH dl-layer-diff -p "$P" -o "$W/l" "$C")
	base1=$(SOURCE_DATE_EPOCH=$EPOCH dl-layer-diff -o "$W/b" "$P")
	raw1=$(dl-layer-diff -p "$P" -o "$W/l" "$C")
	sleep 1.1
	pair
	two=$(SOURCE_DATE_EPOCH=$EPOCH dl-layer-diff -p "$P" -o "$W/l" "$C")
	base2=$(SOURCE_DATE_EPOCH=$EPOCH dl-layer-diff -o "$W/b" "$P")
	raw2=$(dl-layer-diff -p "$P" -o "$W/l" "$C")
	assert_equal "$one" "$two"
	assert_equal "$base1" "$base2"
	# without clamping, the mtimes tell them apart
	[ "$raw1" != "$raw2" ]
}

@test "dl-layer-diff: one file changed over a large parent makes a layer of one file" {
	big() {
		local i j
		for i in $(seq 20); do
			mkdir -p "$1/big/d$i"
			for j in $(seq 100); do
				echo "$i $j" >"$1/big/d$i/f$j"
			done
		done
		head -c 20M /dev/urandom >"$1/blob"
	}
	one() {
		echo changed >>"$1/big/d7/f42"
	}
	pair big one
	run -0 dl-layer-diff -z none -p "$P" -o "$W/l.tar" "$C"
	run -0 members "$W/l.tar"
	assert_output 'big 5
big/d7 5
big/d7/f42 0'
}

@test "dl-layer-diff: files only read (their atime changed) are not in the layer" {
	readfill() {
		mkdir -p "$1/bin" "$1/etc"
		echo tool >"$1/bin/tool"
		echo conf >"$1/etc/conf"
		echo other >"$1/etc/other"
		# an atime before the mtime: relatime updates it at the next read
		touch -a -d 2001-01-01 "$1/bin/tool" "$1/etc/other"
	}
	readone() {
		stat -c %X "$1/bin/tool" >"$W/atime.before"
		cat "$1/bin/tool" "$1/etc/other" >/dev/null
		echo changed >>"$1/etc/conf"
	}
	pair readfill readone
	mount | grep -q " $DL_TEST_MNT .*noatime" && fail "the test btrfs is mounted noatime"
	[ "$(stat -c %X "$C/bin/tool")" != "$(cat "$W/atime.before")" ] ||
		fail "reading did not change the atime"
	run -0 dl-layer-diff -z none -p "$P" -o "$W/l.tar" "$C"
	run -0 members "$W/l.tar"
	assert_output 'etc 5
etc/conf 0'
}

@test "dl-layer-diff: bad operands give their errors and leave no file" {
	pair
	mkdir "$W/plain"
	btrfs -q subvolume create "$W/rw"
	run -1 --separate-stderr dl-layer-diff -p "$P" -o "$W/l" "$W/nope"
	assert_fatal dl-layer-diff
	[[ "$stderr" == *"unable to open '$W/nope': No such file or directory" ]]
	run -1 --separate-stderr dl-layer-diff -p "$W/nope" -o "$W/l" "$C"
	assert_fatal dl-layer-diff
	run -4 --separate-stderr dl-layer-diff -p "$W/plain" -o "$W/l" "$C"
	assert_equal "$stderr" "dl-layer-diff: fatal: unable to diff '$C': parent: not a btrfs subvolume"
	run -4 --separate-stderr dl-layer-diff -p "$W/rw" -o "$W/l" "$C"
	assert_equal "$stderr" "dl-layer-diff: fatal: unable to diff '$C': parent: not read-only"
	run -4 --separate-stderr dl-layer-diff -p "$P" -o "$W/l" "$W/rw"
	assert_equal "$stderr" "dl-layer-diff: fatal: unable to diff '$W/rw': child: not read-only"
	run -4 --separate-stderr dl-layer-diff -p "$P" -o "$W/l" "$C/usr"
	assert_equal "$stderr" "dl-layer-diff: fatal: unable to diff '$C/usr': child: not a btrfs subvolume"
	run -4 --separate-stderr dl-layer-diff -p "$P" -o "$W/l" "$C/keep"
	assert_fatal dl-layer-diff
	run -1 --separate-stderr dl-layer-diff -p "$P" -o "$W/no/such/l" "$C"
	assert_fatal dl-layer-diff
	assert_file_not_exists "$W/l"
	run ls "$W"
	refute_output --partial 'tmp'
}

@test "dl-layer-diff: a failure leaves an old FILE as it was" {
	pair
	echo old >"$W/l"
	run -1 --separate-stderr dl-layer-diff -o "$W/l" "$W/no"
	assert_equal "$(cat "$W/l")" old
	# a FILE that cannot be written (a read-only subvolume)
	run -125 --separate-stderr dl-layer-diff -o "$C/l" "$P"
	assert_fatal dl-layer-diff
	[[ "$stderr" == *"unable to write '$C/l': Read-only file system" ]]
}

@test "dl export: writes the container's tree as a tar, to -o FILE or stdout" {
	mk_store
	local img cid r
	img=$(mk_image '{"Cmd":["/bin/sh"]}' fill_parent)
	cid=$(dl-container-new "$img")
	r=$DL_ROOT/containers/$cid/rootfs
	change_child "$r"
	run -0 --separate-stderr dl export -o "$BATS_TEST_TMPDIR/c.tar" "$cid"
	assert_output ''
	[ -z "$stderr" ]
	dl export "$cid" >"$BATS_TEST_TMPDIR/out.tar"
	cmp "$BATS_TEST_TMPDIR/c.tar" "$BATS_TEST_TMPDIR/out.tar"
	mkwork
	dl-extract "$BATS_TEST_TMPDIR/c.tar" "$W"
	diff -u <(tree_sig "$r") <(tree_sig "$W")
	# a plain tar: no whiteouts, every member there
	run -0 members "$BATS_TEST_TMPDIR/c.tar"
	refute_output --partial '.wh.'
	assert_line 'link2 1 link1'
	assert_line 'null 3'
	assert_line 'fifo 6'
	assert_line 'sl 2 keep'
}

@test "dl export: a running container is exported as it is" {
	spawn_setup
	local cid r _
	cid=$(mk_sh 'i=0; while :; do i=$((i+1)); echo $i >/tmp/n; : >/started; done')
	r=$DL_ROOT/containers/$cid/rootfs
	dl-spawn -d "$cid" >/dev/null 3>&-
	for _ in $(seq 200); do
		[ -e "$r/started" ] && break
		sleep 0.05
	done
	assert_file_exists "$r/started"
	run -0 --separate-stderr dl export -o "$BATS_TEST_TMPDIR/c.tar" "$cid"
	run -0 members "$BATS_TEST_TMPDIR/c.tar"
	assert_line 'started 0'
	assert_line 'tmp/n 0'
	assert_line 'bin/busybox 0'
	dl-kill -s KILL "$cid"
}

@test "dl export: an unknown container, a terminal, a bad option" {
	mk_store
	run -1 --separate-stderr dl export -o "$BATS_TEST_TMPDIR/c.tar" nosuch
	assert_fatal 'dl export'
	assert_file_not_exists "$BATS_TEST_TMPDIR/c.tar"
	run -2 --separate-stderr dl export
	[[ "$stderr" == "dl export: usage: dl export [-o FILE] CONTAINER" ]]
	run -2 --separate-stderr dl export -x c
	[[ "$stderr" == "dl export: usage: "* ]]
	run -2 --separate-stderr script -qec "dl export c" /dev/null
	[[ "$output" == *"refusing to write a tar to a terminal"* ]]
}
