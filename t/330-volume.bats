#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# 330-volume.bats: named and anonymous volumes: dl volume, -v NAME:/PATH,
# --mount type=volume, copy-up of image files, rm -v, clone, export/import.
# shellcheck disable=SC2016,SC2154 # scripts expand in the container; run sets $stderr

load helpers
load lib-btrfs

setup() {
	busybox_store
}

# img NAME [CHANGE...]: an image of busybox plus /srv/app (owned 42:43,
# mode 0750) holding seed (1234:5678, 0640) and sub/deep, and /data/init
img() {
	local name=$1 r="$BATS_TEST_TMPDIR/root-$1" c
	shift
	cp -a "$DL_ROOT/images/$(dl-ref-resolve busybox)/rootfs" "$r"
	mkdir -p "$r/srv/app/sub" "$r/data"
	echo seed >"$r/srv/app/seed"
	echo deep >"$r/srv/app/sub/deep"
	echo init >"$r/data/init"
	chown 1234:5678 "$r/srv/app/seed"
	chmod 0640 "$r/srv/app/seed"
	chown 42:43 "$r/srv/app"
	chmod 0750 "$r/srv/app"
	python3 -c 'import os, sys; os.setxattr(sys.argv[1], "user.k", b"v")' "$r/srv/app/seed"
	set -- "$@"
	for c; do
		set -- "$@" -c "$c"
		shift
	done
	dl image create "$@" "$name" "$r" >/dev/null
}

# anon: the anonymous volumes, by name
anon() {
	dl-volume-ls -a
}

# vol_store_clean: nothing in tmp/, no subvolume left in it
vol_store_clean() {
	run -0 ls -A "$DL_ROOT/tmp"
	assert_output ''
}

@test "dl volume: create, ls, inspect and rm" {
	run -0 --separate-stderr dl volume create --label a=1 -l b= v1
	assert_output v1
	run -0 dl volume create v1
	assert_output v1
	run -0 dl volume create
	assert_output --regexp '^[0-9a-f]{64}$'
	local r=$output
	run -0 dl volume ls -q
	assert_output "$(printf '%s\nv1' "$r")"
	run -0 dl volume ls
	assert_line --index 0 'DRIVER    VOLUME NAME'
	assert_line --index 2 'local     v1'
	run -0 dl volume ls --format json
	assert_line --index 1 --partial '"Name":"v1"'
	run -0 jq -r 'select(.Name=="v1") | .Labels + " " + .Driver' <<<"$output"
	assert_output 'a=1,b= local'
	run -0 --separate-stderr dl volume inspect v1
	run -0 jq -r '.[0] | [.Name, .Driver, .Scope, .Mountpoint, (.Labels|tojson),
		(.Options|tojson), (.CreatedAt|test("^[0-9-]{10}T[0-9:]{8}Z$"))] | @tsv' <<<"$output"
	assert_output "$(printf 'v1\tlocal\tlocal\t%s\t{"a":"1","b":""}\t{}\ttrue' "$DL_ROOT/volumes/v1/_data")"
	btrfs subvolume show "$DL_ROOT/volumes/v1/_data" >/dev/null
	run -0 --separate-stderr dl volume rm v1 "$r"
	assert_output "$(printf 'v1\n%s' "$r")"
	run -0 dl volume ls -q
	assert_output ''
	run -1 --separate-stderr dl volume rm v1
	assert_output ''
	assert_equal "$stderr" "dl volume rm: fatal: unable to remove volume 'v1': no such volume"
	run -0 dl volume rm -f v1
	run -1 --separate-stderr dl volume inspect v1
	assert_equal "$stderr" "dl volume inspect: fatal: unable to inspect volume 'v1': no such volume"
	vol_store_clean
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

@test "dl volume: inspect has podman's fields, and tars go both ways between dl and podman volumes" {
	pm volume create --label a=1 pv >/dev/null
	dl volume create -l a=1 dv >/dev/null
	run -0 jq -c '.[0] | {Name, Driver, Labels, Scope, Options}' <<<"$(pm volume inspect pv)"
	assert_output '{"Name":"pv","Driver":"local","Labels":{"a":"1"},"Scope":"local","Options":{}}'
	run -0 jq -c '.[0] | {Name, Driver, Labels, Scope, Options}' <<<"$(dl volume inspect dv)"
	assert_output '{"Name":"dv","Driver":"local","Labels":{"a":"1"},"Scope":"local","Options":{}}'
	# every field dl shows, podman shows too, with the same type
	run -0 jq -r --argjson p "$(pm volume inspect pv)" '.[0] | to_entries[] |
		select((.value | type) != ($p[0][.key] | type)) | .key' <<<"$(dl volume inspect dv)"
	assert_output ''
	dl run --rm -v dv:/d busybox sh -c 'mkdir /d/sub; echo from-dl >/d/sub/f; chown -R 12:34 /d/sub; chmod 0751 /d/sub'
	dl volume export -o "$BATS_TEST_TMPDIR/dv.tar" dv
	pm volume import pv "$BATS_TEST_TMPDIR/dv.tar"
	local pdata
	pdata=$(pm volume inspect pv | jq -r '.[0].Mountpoint')
	run -0 stat -c '%n %u:%g %a' "$pdata/sub" "$pdata/sub/f"
	assert_output "$(printf '%s/sub 12:34 751\n%s/sub/f 12:34 644' "$pdata" "$pdata")"
	echo from-podman >"$pdata/p"
	chown 56:78 "$pdata/p"
	pm volume export -o "$BATS_TEST_TMPDIR/pv.tar" pv
	run -0 dl volume import back "$BATS_TEST_TMPDIR/pv.tar"
	run -0 dl run --rm -v back:/b busybox sh -c 'cat /b/p /b/sub/f; stat -c "%u:%g" /b/p'
	assert_output "$(printf 'from-podman\nfrom-dl\n56:78')"
}

@test "dl volume ls --filter: dangling, name and label, each filter applied" {
	dl volume create -l env=prod -l tier db-a >/dev/null
	dl volume create -l env=dev db-b >/dev/null
	dl volume create cache >/dev/null
	id=$(dl create -v db-a:/d busybox true)
	run -0 dl volume ls -q -f dangling=true
	assert_output "$(printf 'cache\ndb-b')"
	run -0 dl volume ls -q --filter dangling=false
	assert_output db-a
	run -0 dl volume ls -q -f name=db
	assert_output "$(printf 'db-a\ndb-b')"
	run -0 dl volume ls -q -f label=env
	assert_output "$(printf 'db-a\ndb-b')"
	run -0 dl volume ls -q -f label=env=dev
	assert_output db-b
	run -0 dl volume ls -q -f label=tier -f dangling=false
	assert_output db-a
	run -0 dl volume ls -f name=cache
	assert_output "$(printf 'DRIVER    VOLUME NAME\nlocal     cache')"
	run -0 dl volume ls -q -f name=nothing
	assert_output ''
	run -2 --separate-stderr dl volume ls -f size=1
	assert_equal "$stderr" "dl volume ls: fatal: unable to filter volumes by 'size=1': not dangling=BOOL, name=TEXT or label=KEY[=VALUE]"
	dl rm "$id" >/dev/null
}

@test "dl volume: a bad name exits 2 with the format error, and makes nothing" {
	local n
	for n in 'a!' a -x. '.hidden' '_u' 'a/b' "$(printf 'x%.0s' {1..256})"; do
		run -2 --separate-stderr dl-volume-new -- "$n"
		assert_output ''
		[[ "$stderr" == "dl-volume-new: fatal: unable to create volume '$n': invalid volume name: it must match [a-zA-Z0-9][a-zA-Z0-9_.-]+ (2 to 255 characters); a host directory is an absolute path" ]]
	done
	run -2 --separate-stderr dl volume create 'a!'
	[[ "$stderr" == "dl volume create: fatal: unable to create volume 'a!': invalid volume name"* ]]
	run -125 --separate-stderr dl run --rm -v 'b@d:/x' busybox true
	assert_output ''
	[[ "$stderr" == "dl run: fatal: unable to mount 'b@d': invalid volume name"* ]]
	run -2 --separate-stderr dl create --mount type=volume,src=x!,dst=/x busybox true
	[[ "$stderr" == "dl create: fatal: unable to mount 'x!': invalid volume name"* ]]
	run -2 --separate-stderr dl create -v vol:relative busybox true
	[[ "$stderr" == *"the target must be an absolute path" ]]
	run -0 dl volume ls -q
	assert_output ''
	run -0 dl ps -aq
	assert_output ''
}

@test "dl run -v NAME:/PATH: makes the volume, and its data persists across containers" {
	run -0 dl run --rm -v data:/data busybox sh -c 'echo kept >/data/f'
	run -0 dl volume ls -q
	assert_output data
	run -0 dl run --rm -v data:/other busybox cat /other/f
	assert_output kept
	run -0 dl run --rm --mount type=volume,source=data,target=/m busybox cat /m/f
	assert_output kept
	run -0 dl run --rm --mount type=volume,src=m2,dst=/m busybox sh -c 'echo x >/m/y'
	run -0 cat "$DL_ROOT/volumes/m2/_data/y"
	assert_output x
	# named volumes stay after --rm
	run -0 dl volume ls -q
	assert_output "$(printf 'data\nm2')"
}

@test "dl create -v NAME:/PATH: containers made at once share the one volume they make" {
	local i
	for i in 1 2 3 4; do
		dl create -v shared:/s busybox true >"$BATS_TEST_TMPDIR/c$i" 3>&- &
		dl volume create shared >/dev/null 3>&- &
	done
	wait
	run -0 dl volume ls -q
	assert_output shared
	run -0 dl ps -aq
	assert_equal "${#lines[@]}" 4
	run -3 dl volume rm shared
	vol_store_clean
}

@test "dl run -v NAME:/PATH:ro and --mount ...,readonly refuse writes" {
	dl volume create rov >/dev/null
	run -1 dl run --rm -v rov:/d:ro busybox touch /d/x
	assert_output --partial 'Read-only file system'
	run -1 dl run --rm --mount type=volume,src=rov,dst=/d,readonly busybox touch /d/x
	run -0 dl run --rm -v rov:/d:rw busybox touch /d/x
	assert_file_exists "$DL_ROOT/volumes/rov/_data/x"
}

@test "dl run -v: an empty volume is first filled with the image's files, owners and modes kept" {
	img appimg
	run -0 dl run --rm -v app:/srv/app appimg sh -c 'cat /srv/app/seed /srv/app/sub/deep; stat -c "%u:%g %a" /srv/app/seed /srv/app'
	assert_output "$(printf 'seed\ndeep\n1234:5678 640\n42:43 750')"
	run -0 stat -c '%u:%g %a' "$DL_ROOT/volumes/app/_data" "$DL_ROOT/volumes/app/_data/seed"
	assert_output "$(printf '42:43 750\n1234:5678 640')"
	run -0 python3 -c 'import os, sys; print(os.getxattr(sys.argv[1], "user.k").decode())' "$DL_ROOT/volumes/app/_data/seed"
	assert_output v
	# once: what the first container changed stays, nothing copied again
	run -0 dl run --rm -v app:/srv/app appimg sh -c 'rm /srv/app/seed; echo mine >/srv/app/own'
	run -0 dl run --rm -v app:/srv/app appimg ls /srv/app
	assert_output "$(printf 'own\nsub')"
}

@test "dl run -v: no copy-up into a volume with content, nor with nocopy" {
	img appimg
	dl run --rm -v full:/x busybox sh -c 'echo mine >/x/own'
	run -0 dl run --rm -v full:/srv/app appimg ls /srv/app
	assert_output own
	run -0 dl run --rm -v nc:/srv/app:nocopy appimg ls -A /srv/app
	assert_output ''
	run -0 dl run --rm --mount type=volume,src=nc2,dst=/srv/app,volume-nocopy appimg ls -A /srv/app
	assert_output ''
}

@test "dl volume rm: a volume a container uses, running or not, exits 3" {
	id=$(dl create -v used:/d busybox true)
	run -3 --separate-stderr dl volume rm used
	assert_output ''
	assert_equal "$stderr" "dl volume rm: fatal: unable to remove volume 'used': volume is in use by container ${id:0:12}"
	run -3 dl volume rm -f used
	dl rm "$id" >/dev/null
	run -0 dl volume rm used
	id=$(dl run -d -v busy:/d busybox sleep 60)
	run -3 dl-volume-rm busy
	dl rm -f "$id" >/dev/null
	run -0 dl-volume-rm busy
	vol_store_clean
}

@test "dl rm -v and --rm remove anonymous volumes and keep named ones" {
	id=$(dl create -v /anon -v named:/n busybox true)
	run -0 anon
	assert_output --regexp '^[0-9a-f]{64}$'
	local a=$output
	run -0 jq -r '.annotations["org.dockerlite.volumes"]' "$DL_ROOT/containers/$id/spec.json"
	assert_output "$a,named"
	run -0 dl rm -v "$id"
	run -0 dl volume ls -q
	assert_output named
	# without -v they stay
	id=$(dl create -v /anon busybox true)
	dl rm "$id" >/dev/null
	run -0 anon
	assert_output --regexp '^[0-9a-f]{64}$'
	dl volume prune >/dev/null
	# --rm takes them, in the foreground and detached
	run -0 dl run --rm -v /anon -v named:/n --mount type=volume,dst=/m busybox sh -c 'echo x >/anon/f; echo y >/m/g'
	run -0 dl volume ls -q
	assert_output named
	id=$(dl run --rm -d -v /anon busybox true)
	dl wait "$id" >/dev/null || true
	for _ in $(seq 50); do
		[ -z "$(anon)" ] && break
		sleep 0.1
	done
	run -0 anon
	assert_output ''
	vol_store_clean
}

@test "dl create: an image's VOLUME gets an anonymous volume, filled from the image" {
	img volimg 'VOLUME ["/data", "/srv/app"]'
	id=$(dl create volimg true)
	run -0 anon
	assert_equal "${#lines[@]}" 2
	run -0 dl volume inspect "${lines[0]}"
	run -0 jq -r '.[0].Labels | keys[]' <<<"$output"
	assert_output com.docker.volume.anonymous
	run -0 dl start -a "$id"
	run -0 jq -r '.mounts[] | select(.destination == "/data") | .source' "$DL_ROOT/containers/$id/spec.json"
	run -0 cat "$output/init"
	assert_output init
	# a user's -v on the same path takes its place
	id2=$(dl create -v mine:/data volimg true)
	run -0 anon
	assert_equal "${#lines[@]}" 3
	dl rm -v "$id" "$id2" >/dev/null
	run -0 dl volume ls -q
	assert_output mine
}

@test "dl volume prune: anonymous unused volumes only, or every unused one with -a" {
	dl volume create keep >/dev/null
	dl create -v /a1 busybox true >/dev/null
	id=$(dl create -v used:/u -v /a2 busybox true)
	dl rm "$(dl ps -aq | grep -v "^${id:0:12}")" >/dev/null
	run -0 dl volume prune
	assert_output --regexp '^[0-9a-f]{64}$'
	run -0 dl volume ls -q
	assert_equal "${#lines[@]}" 3
	run -0 dl volume prune -a
	assert_output keep
	run -0 dl volume ls -q
	assert_line used
	assert_equal "${#lines[@]}" 2
}

@test "dl volume clone: an O(1) snapshot, independent of its source" {
	dl run --rm -v src:/d busybox sh -c 'echo one >/d/f'
	dl volume create -l k=v labelled >/dev/null
	run -0 --separate-stderr dl volume clone src copy
	assert_output copy
	# a snapshot: its parent is the source's subvolume
	local uuid
	uuid=$(btrfs subvolume show "$DL_ROOT/volumes/src/_data" | awk '$1 == "UUID:" {print $2}')
	run -0 btrfs subvolume show "$DL_ROOT/volumes/copy/_data"
	assert_line --regexp "^[[:space:]]*Parent UUID:[[:space:]]+$uuid\$"
	run -0 dl run --rm -v copy:/d busybox sh -c 'cat /d/f; echo two >/d/f'
	assert_output one
	run -0 cat "$DL_ROOT/volumes/src/_data/f"
	assert_output one
	run -0 cat "$DL_ROOT/volumes/copy/_data/f"
	assert_output two
	run -0 dl volume clone labelled l2
	run -0 jq -c '.[0].Labels' <<<"$(dl volume inspect l2)"
	assert_output '{"k":"v"}'
	run -1 --separate-stderr dl volume clone nosuch x2
	assert_equal "$stderr" "dl volume clone: fatal: unable to clone volume 'nosuch': no such volume 'nosuch'"
	run -3 --separate-stderr dl volume clone src copy
	assert_equal "$stderr" "dl volume clone: fatal: unable to create volume 'copy': volume already exists"
	vol_store_clean
}

@test "dl volume export | dl volume import: a round trip, owners and modes kept" {
	img appimg
	dl run --rm -v app:/srv/app appimg true
	run -0 dl volume export -o "$BATS_TEST_TMPDIR/app.tar" app
	run -0 tar -tvf "$BATS_TEST_TMPDIR/app.tar"
	assert_line --partial '1234/5678'
	run -0 dl volume import back "$BATS_TEST_TMPDIR/app.tar"
	assert_output back
	run -0 stat -c '%n %u:%g %a' "$DL_ROOT/volumes/back/_data/seed"
	assert_output "$DL_ROOT/volumes/back/_data/seed 1234:5678 640"
	dl volume export app | dl volume import piped -
	run -0 diff -r "$DL_ROOT/volumes/app/_data" "$DL_ROOT/volumes/piped/_data"
	run -0 dl run --rm -v piped:/p busybox cat /p/sub/deep
	assert_output deep
	run -1 dl volume export -o "$BATS_TEST_TMPDIR/x.tar" nosuch
	run -3 dl volume import back "$BATS_TEST_TMPDIR/app.tar"
	vol_store_clean
}

@test "dl volume import: a bad tar exits 4 and leaves nothing" {
	python3 - "$BATS_TEST_TMPDIR/bad.tar" <<'PY'
import io, sys, tarfile
with tarfile.open(sys.argv[1], "w") as t:
    i = tarfile.TarInfo("ok")
    i.size = 2
    t.addfile(i, io.BytesIO(b"ok"))
    i = tarfile.TarInfo("../escape")
    i.size = 1
    t.addfile(i, io.BytesIO(b"x"))
PY
	local sv0
	sv0=$(btrfs subvolume list "$DL_TEST_MNT" | grep -c "$(basename "$DL_ROOT")/" || true)
	run -4 --separate-stderr dl volume import bad "$BATS_TEST_TMPDIR/bad.tar"
	assert_output ''
	[[ "$stderr" == "dl volume import: fatal: unable to import volume 'bad': "* ]]
	run -4 dl volume import bad - <<<"not a tar at all"
	run -1 dl volume inspect bad
	vol_store_clean
	run -0 dl volume ls -q
	assert_output ''
	assert_equal "$(btrfs subvolume list "$DL_TEST_MNT" | grep -c "$(basename "$DL_ROOT")/" || true)" "$sv0"
}

@test "dl volume: a crash leaves a half-made volume in tmp/, which the sweep takes" {
	run -137 env DL_FAULT=volume-make:data dl volume create half
	run -1 dl volume inspect half
	run -0 ls "$DL_ROOT/tmp"
	assert_output --regexp '^[0-9a-f]{64}$'
	local t=$output
	run -1 dl system check
	assert_line "unowned-tmp tmp/$t: no live process owns it"
	run -0 dl system check --repair
	run -0 ls -A "$DL_ROOT/tmp"
	assert_output ''
	# a dl create killed after making its volume leaves it unused
	run -137 env DL_FAULT=dl-container-new:volume dl create -v made:/m busybox true
	dl-store-sweep >/dev/null
	run -0 dl-volume-ls -u
	assert_output made
	vol_store_clean
}

@test "dl create: a failure takes back the volumes it made, and only those" {
	dl volume create old >/dev/null
	run -125 --separate-stderr sh -c 'exec dl create -v old:/o -v new:/n -v /anon busybox true >/dev/full'
	[[ "$stderr" == *"unable to write 'stdout'"* ]]
	run -0 dl volume ls -q
	assert_output old
	run -0 dl ps -aq
	assert_output ''
	vol_store_clean
}

@test "dl system check: a broken volume is found, and repaired" {
	dl volume create good >/dev/null
	dl volume create broken >/dev/null
	rm "$DL_ROOT/volumes/broken/volume.json"
	mkdir "$DL_ROOT/volumes/not!a!name"
	run -1 dl-store-check
	assert_line "broken-volume volumes/broken: _data or volume.json is missing or unreadable"
	assert_line "stray-entry volumes/not!a!name: not a volume name"
	run -0 dl-store-check -r
	run -0 dl-store-check
	run -0 dl volume ls -q
	assert_output good
}
