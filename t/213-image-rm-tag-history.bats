#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# 213-image-rm-tag-history.bats: dl image tag names images, dl image rm
# (dl rmi) removes names and then images, keeping those containers use,
# dl image history walks the parent chain.

load helpers
load lib-btrfs

# mkimage NAME: a new image NAME from a small root; prints its ID
mkimage() {
	if [ ! -d "$BATS_TEST_TMPDIR/root" ]; then
		mkdir -p "$BATS_TEST_TMPDIR/root/etc"
		echo hello >"$BATS_TEST_TMPDIR/root/etc/motd"
	fi
	dl image create "$1" "$BATS_TEST_TMPDIR/root"
}

# mkchild PARENT NAME [CREATED_BY]: an image derived from image ID PARENT
mkchild() {
	dl-image-config -b "${3:-dl commit}" -m "child of ${1:0:12}" |
		dl-image-new -C - -m "child of ${1:0:12}" -p "$1" -t "$2" \
			"$BATS_TEST_TMPDIR/root"
}

# idof NAME: the full ID NAME points at
idof() {
	dl image inspect "$1" | jq -r '.[0].Id | ltrimstr("sha256:")'
}

# fake_container IMAGE: a container made from image ID IMAGE, as far as
# dl image rm can tell; prints the container ID
fake_container() {
	local c
	c=$(od -An -tx1 -N32 /dev/urandom | tr -d ' \n')
	mkdir -p "$DL_ROOT/containers/$c"
	printf '{"annotations":{"org.dockerlite.image":"%s"}}\n' "$1" \
		>"$DL_ROOT/containers/$c/spec.json"
	printf '%s\n' "$c"
}

# assert_image_gone ID: no directory, no subvolume, nothing in tmp/
assert_image_gone() {
	assert_not_exists "$DL_ROOT/images/$1"
	run -0 subvols
	refute_line --partial "$1"
	run -0 ls -A "$DL_ROOT/tmp"
	assert_output ''
	run -1 --separate-stderr dl image inspect "$1"
}

# assert_image_kept ID: still there, its rootfs too
assert_image_kept() {
	assert_dir_exists "$DL_ROOT/images/$1/rootfs"
	run -0 btrfs subvolume show "$DL_ROOT/images/$1/rootfs"
}

# --- tag -------------------------------------------------------------------

@test "dl image tag: gives an image another name, silently" {
	dl_test_store
	local id
	id=$(mkimage src:v1)
	run -0 --separate-stderr dl image tag src:v1 dst:v2
	assert_output ''
	[ -z "$stderr" ]
	assert_equal "$(idof dst:v2)" "$id"
	assert_equal "$(idof src:v1)" "$id"
	run -0 dl image inspect "$id"
	assert_equal "$(jq -c '.[0].RepoTags' <<<"$output")" '["dst:v2","src:v1"]'
}

@test "dl image tag: the source may be an ID or a prefix, the target a registry name" {
	dl_test_store
	local id
	id=$(mkimage src)
	run -0 --separate-stderr dl image tag "$id" byid
	run -0 --separate-stderr dl image tag "${id:0:12}" localhost:5000/a/b:c
	assert_equal "$(idof byid:latest)" "$id"
	assert_equal "$(idof localhost:5000/a/b:c)" "$id"
}

@test "dl image tag: to a name in use moves it; the old image is <none>" {
	dl_test_store
	local a b
	a=$(mkimage first)
	b=$(mkimage second)
	run -0 --separate-stderr dl image tag second first
	assert_output ''
	assert_equal "$(idof first)" "$b"
	run -0 dl image inspect "$a"
	assert_equal "$(jq -c '.[0].RepoTags' <<<"$output")" '[]'
	assert_image_kept "$a"
	run -0 dl image ls
	assert_line --regexp "^<none> +<none> +${a:0:12} "
}

@test "dl image tag: an unknown source is 1, nothing named" {
	dl_test_store
	run -1 --separate-stderr dl image tag nosuch newname
	assert_fatal
	assert_equal "$stderr" "dl image tag: fatal: unable to resolve 'nosuch': no such image"
	run -0 find "$DL_ROOT/refs/images" -mindepth 1
	assert_output ''
}

@test "dl image tag: a bad target name or usage is 2, nothing named" {
	dl_test_store
	mkimage src >/dev/null
	run -2 --separate-stderr dl image tag src 'Bad:name'
	assert_fatal
	[[ "$stderr" == "dl image tag: fatal: unable to parse 'Bad:name': "* ]]
	run -2 --separate-stderr dl image tag src
	assert_output ''
	assert_equal "$stderr" 'dl image tag: usage: dl image tag SOURCE TARGET'
	run -2 --separate-stderr dl image tag src a b
	assert_equal "$stderr" 'dl image tag: usage: dl image tag SOURCE TARGET'
	run -0 dl-ref-ls
	assert_output --regexp '^src:latest [0-9a-f]{64}$'
}

# --- rm --------------------------------------------------------------------

@test "dl image rm: by one of two names removes that name only" {
	dl_test_store
	local id
	id=$(mkimage keep:a)
	dl image tag keep:a keep:b
	run -0 --separate-stderr dl image rm keep:a
	[ -z "$stderr" ]
	assert_output 'Untagged: keep:a'
	assert_image_kept "$id"
	assert_equal "$(idof keep:b)" "$id"
	run -1 --separate-stderr dl image inspect keep:a
	assert_not_exists "$DL_ROOT/refs/images/keep/:a"
}

@test "dl image rm: by its last name deletes the image, subvolume and all" {
	dl_test_store
	local id sv
	id=$(mkimage last)
	sv=$(subvols)
	[[ "$sv" == *"$id/rootfs"* ]]
	run -0 --separate-stderr dl image rm last
	[ -z "$stderr" ]
	assert_output "$(printf '%s\n' 'Untagged: last:latest' "Deleted: sha256:$id")"
	assert_image_gone "$id"
	assert_not_exists "$DL_ROOT/refs/images/last/:latest"
}

@test "dl image rm: by ID of an image with one name deletes it" {
	dl_test_store
	local id
	id=$(mkimage single)
	run -0 --separate-stderr dl image rm "${id:0:12}"
	assert_output "$(printf '%s\n' 'Untagged: single:latest' "Deleted: sha256:$id")"
	assert_image_gone "$id"
}

@test "dl image rm: by ID of an untagged image deletes it" {
	dl_test_store
	local old
	old=$(mkimage moved)
	mkimage moved >/dev/null
	run -0 --separate-stderr dl image rm "$old"
	assert_output "Deleted: sha256:$old"
	assert_image_gone "$old"
	run -0 dl image inspect moved
}

@test "dl image rm: by ID of an image with several names needs -f (3)" {
	dl_test_store
	local id
	id=$(mkimage multi:a)
	dl image tag multi:a multi:b
	run -3 --separate-stderr dl image rm "$id"
	assert_fatal
	assert_equal "$stderr" "dl image rm: fatal: unable to remove image '$id': referenced by several names (use -f)"
	assert_image_kept "$id"
	assert_equal "$(idof multi:a)" "$id"
	assert_equal "$(idof multi:b)" "$id"
	run -0 --separate-stderr dl image rm -f "$id"
	assert_line 'Untagged: multi:a'
	assert_line 'Untagged: multi:b'
	assert_line --index 2 "Deleted: sha256:$id"
	assert_equal "${#lines[@]}" 3
	assert_image_gone "$id"
}

@test "dl image rm: an image a container uses is kept (3)" {
	dl_test_store
	local id c
	id=$(mkimage used)
	c=$(fake_container "$id")
	run -3 --separate-stderr dl image rm used
	assert_fatal
	assert_equal "$stderr" "dl image rm: fatal: unable to remove image 'used': in use by container ${c:0:12}"
	assert_image_kept "$id"
	assert_equal "$(idof used)" "$id"
	run -3 --separate-stderr dl image rm "$id"
	assert_fatal
	[[ "$stderr" == *"in use by container ${c:0:12}" ]]
	assert_image_kept "$id"
	assert_equal "$(idof used)" "$id"
}

@test "dl image rm -f: an image in use loses its names but stays" {
	dl_test_store
	local id c
	id=$(mkimage used)
	c=$(fake_container "$id")
	run -0 --separate-stderr dl image rm -f used
	assert_output 'Untagged: used:latest'
	assert_image_kept "$id"
	# once the container is gone, the image can go
	rm -r "${DL_ROOT:?}/containers/$c"
	run -0 --separate-stderr dl image rm "$id"
	assert_output "Deleted: sha256:$id"
	assert_image_gone "$id"
}

@test "dl image rm: one of two names of an image in use may go" {
	dl_test_store
	local id
	id=$(mkimage used:a)
	dl image tag used:a used:b
	fake_container "$id" >/dev/null
	run -0 --separate-stderr dl image rm used:b
	assert_output 'Untagged: used:b'
	run -3 --separate-stderr dl image rm used:a
	assert_fatal
	assert_image_kept "$id"
}

@test "dl rmi: the alias of dl image rm" {
	dl_test_store
	local id
	id=$(mkimage alias)
	run -0 --separate-stderr dl rmi alias
	assert_output "$(printf '%s\n' 'Untagged: alias:latest' "Deleted: sha256:$id")"
	assert_image_gone "$id"
}

@test "dl image rm: unknown is 1 with nothing on stdout" {
	dl_test_store
	run -1 --separate-stderr dl image rm nosuch
	assert_fatal
	assert_equal "$stderr" "dl image rm: fatal: unable to resolve 'nosuch': no such image"
	run -1 --separate-stderr dl rmi 0123456789ab
	assert_fatal
}

@test "dl image rm: several at once go on past an unknown one, exit 1" {
	dl_test_store
	local a b
	a=$(mkimage one)
	b=$(mkimage two)
	run -1 --separate-stderr dl image rm one nosuch two
	assert_output "$(printf '%s\n' 'Untagged: one:latest' "Deleted: sha256:$a" \
		'Untagged: two:latest' "Deleted: sha256:$b")"
	assert_equal "$stderr" "dl image rm: fatal: unable to resolve 'nosuch': no such image"
	assert_image_gone "$a"
	assert_image_gone "$b"
}

@test "dl image rm: no operand or a bad option is a usage error" {
	dl_test_store
	run -2 --separate-stderr dl image rm
	assert_output ''
	assert_equal "$stderr" 'dl image rm: usage: dl image rm [-f] NAME|ID...'
	run -2 --separate-stderr dl rmi --bogus x
	assert_output ''
	assert_equal "$stderr" 'dl rmi: usage: dl image rm [-f] NAME|ID...'
}

# --- history ---------------------------------------------------------------

@test "dl image history: one image, one row" {
	dl_test_store
	local id
	id=$(dl image create -m 'a comment' hist "$(mkdir -p "$BATS_TEST_TMPDIR/r" &&
		echo "$BATS_TEST_TMPDIR/r")")
	run -0 --separate-stderr dl image history hist
	[ -z "$stderr" ]
	assert_equal "${#lines[@]}" 2
	[[ "${lines[0]}" =~ ^IMAGE\ {3,}CREATED\ {3,}CREATED\ BY\ {3,}SIZE\ {3,}COMMENT$ ]] ||
		fail "header: ${lines[0]}"
	[[ "${lines[1]}" =~ ^${id:0:12}\ {3,}(Less\ than\ a\ second|1\ second|[0-9]+\ seconds)\ ago\ {3,}dl\ image\ create\ {3,}0B\ {3,}a\ comment$ ]] ||
		fail "row: ${lines[1]}"
	# the columns line up under the header
	local h=${lines[0]%%CREATED BY*} r=${lines[1]%%dl image create*}
	assert_equal "${#h}" "${#r}"
}

@test "dl image history: -q prints IDs, --no-trunc whole ones" {
	dl_test_store
	local id
	id=$(mkimage hist)
	run -0 --separate-stderr dl image history -q hist
	assert_output "${id:0:12}"
	run -0 --separate-stderr dl image history -q --no-trunc hist
	assert_output "sha256:$id"
	run -0 --separate-stderr dl image history --no-trunc "$id"
	assert_line --index 1 --regexp "^sha256:$id +"
}

@test "dl image history: a long CREATED BY is cut unless --no-trunc" {
	dl_test_store
	local by id
	by="/bin/sh -c set -e; apt-get update && apt-get install -y --no-install-recommends curl"
	mkimage hist >/dev/null
	id=$(mkchild "$(idof hist)" long "$by")
	run -0 dl image history long
	assert_line --index 1 --partial "${by:0:44}…"
	refute_line --partial "$by"
	run -0 dl image history --no-trunc long
	assert_line --index 1 --regexp "^sha256:$id +"
	assert_line --index 1 --partial "$by"
}

@test "dl image history: walks the parent chain, newest first" {
	dl_test_store
	local a b c
	a=$(mkimage base)
	b=$(mkchild "$a" mid)
	c=$(mkchild "$b" top)
	run -0 --separate-stderr dl image history -q top
	assert_output "$(printf '%s\n' "${c:0:12}" "${b:0:12}" "${a:0:12}")"
	run -0 --separate-stderr dl image history top
	assert_equal "${#lines[@]}" 4
	assert_line --index 1 --regexp "^${c:0:12} .* dl commit +[0-9.]+[kMG]?B +child of ${b:0:12}$"
	assert_line --index 2 --regexp "^${b:0:12} .* dl commit +[0-9.]+[kMG]?B +child of ${a:0:12}$"
	assert_line --index 3 --regexp "^${a:0:12} .* dl image create +[0-9.]+[kMG]?B +$"
	run -0 dl image history -q mid
	assert_output "$(printf '%s\n' "${b:0:12}" "${a:0:12}")"
}

@test "dl image history: the chain stops where a parent was removed" {
	dl_test_store
	local a b
	a=$(mkimage base)
	b=$(mkchild "$a" child)
	dl rmi base >/dev/null
	run -0 --separate-stderr dl image history -q child
	assert_output "${b:0:12}"
}

@test "dl image history: a parent chain that loops is rejected (4)" {
	dl_test_store
	local a b m
	a=$(mkimage base)
	b=$(mkchild "$a" child)
	# make base a child of child, by hand
	m="$DL_ROOT/images/$a/meta.json"
	jq -c --arg p "$b" '.parent = $p' "$m" >"$m.new"
	mv "$m.new" "$m"
	run -4 --separate-stderr dl image history child
	assert_fatal
	assert_equal "$stderr" "dl image history: fatal: unable to walk history of 'child': parent chain loops"
	run -4 --separate-stderr dl image history -q child
	assert_fatal
}

@test "dl image history: unknown is 1, bad usage 2" {
	dl_test_store
	run -1 --separate-stderr dl image history nosuch
	assert_fatal
	assert_equal "$stderr" "dl image history: fatal: unable to resolve 'nosuch': no such image"
	run -2 --separate-stderr dl image history
	assert_output ''
	assert_equal "$stderr" 'dl image history: usage: dl image history [-q] [--no-trunc] [--format FORMAT] NAME|ID'
	run -2 --separate-stderr dl image history a b
	assert_output ''
	run -2 --separate-stderr dl image history --bogus a
	assert_output ''
}
