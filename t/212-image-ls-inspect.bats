#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# 212-image-ls-inspect.bats: dl image ls (dl images) lists images as a
# table, IDs or JSON; dl image inspect prints them in Docker's shape and
# resolves names, IDs and unique ID prefixes.

load helpers
load lib-btrfs

HEADER='REPOSITORY   TAG   IMAGE ID   CREATED   SIZE'

# mkroot DIR: a small root filesystem
mkroot() {
	mkdir -p "$1/etc"
	echo hello >"$1/etc/motd"
}

# mkimage NAME: a new image NAME from a small root; prints its ID
mkimage() {
	[ -d "$BATS_TEST_TMPDIR/root" ] || mkroot "$BATS_TEST_TMPDIR/root"
	dl image create "$1" "$BATS_TEST_TMPDIR/root"
}

# columns: in $COLS, where each title of the header ${lines[0]} starts
columns() {
	local t before
	COLS=()
	for t in REPOSITORY TAG 'IMAGE ID' CREATED SIZE; do
		before=${lines[0]%%"$t"*}
		COLS+=("${#before}")
	done
}

# cell ROW N: the Nth (0-based) cell of line ROW of $output, by $COLS
cell() {
	local line=${lines[$1]} s
	if [ "$2" -lt 4 ]; then
		s=${line:${COLS[$2]}:$((COLS[$2 + 1] - COLS[$2]))}
	else
		s=${line:${COLS[$2]}}
	fi
	printf '%s\n' "${s%"${s##*[! ]}"}"
}

# assert_table: the header in order, each cell of every row starting
# under its title, three spaces or more after the cell before
assert_table() {
	[[ "${lines[0]}" =~ ^REPOSITORY\ {3,}TAG\ {3,}IMAGE\ ID\ {3,}CREATED\ {3,}SIZE$ ]] ||
		fail "bad header: '${lines[0]}'"
	columns
	local r i line
	for ((r = 1; r < ${#lines[@]}; r++)); do
		line=${lines[$r]}
		for i in 1 2 3 4; do
			if [ "${line:$((COLS[i] - 3)):3}" != '   ' ] ||
				[ "${line:${COLS[i]}:1}" = ' ' ]; then
				fail "row $r, column $i not aligned: '$line'"
			fi
		done
		[[ "$(cell "$r" 2)" =~ ^(sha256:[0-9a-f]{64}|[0-9a-f]{12})$ ]] ||
			fail "row $r: bad IMAGE ID '$(cell "$r" 2)'"
		[[ "$(cell "$r" 3)" =~ ago$ ]] ||
			fail "row $r: bad CREATED '$(cell "$r" 3)'"
		[[ "$(cell "$r" 4)" =~ ^[0-9.]+(B|kB|MB|GB|TB)$ ]] ||
			fail "row $r: bad SIZE '$(cell "$r" 4)'"
	done
}

@test "dl image ls: an empty store shows the header only" {
	dl_test_store
	run -0 --separate-stderr dl image ls
	[ -z "$stderr" ]
	assert_output "$HEADER"
	run -0 --separate-stderr dl images
	assert_output "$HEADER"
	run -0 --separate-stderr dl image ls -q
	assert_output ''
	run -0 --separate-stderr dl image ls --format json
	assert_output '[]'
}

@test "dl image ls: one aligned row a name, newest first, 12-hex IDs" {
	dl_test_store
	local a b c
	a=$(mkimage alpha)
	b=$(mkimage localhost:5000/some/long/repository:with-a-long-tag)
	c=$(mkimage gamma:1)
	run -0 --separate-stderr dl image ls
	[ -z "$stderr" ]
	assert_equal "${#lines[@]}" 4
	assert_table
	assert_equal "$(cell 1 0) $(cell 1 1) $(cell 1 2)" "gamma 1 ${c:0:12}"
	assert_equal "$(cell 2 0) $(cell 2 1) $(cell 2 2)" \
		"localhost:5000/some/long/repository with-a-long-tag ${b:0:12}"
	assert_equal "$(cell 3 0) $(cell 3 1) $(cell 3 2)" "alpha latest ${a:0:12}"
	[[ "$(cell 1 3)" =~ ^(Less\ than\ a\ second|1\ second|[0-9]+\ seconds)\ ago$ ]]
}

@test "dl image ls: SIZE is the bytes of the files, in Docker's units" {
	dl_test_store
	mkdir -p "$BATS_TEST_TMPDIR/small" "$BATS_TEST_TMPDIR/big"
	head -c 999 /dev/zero >"$BATS_TEST_TMPDIR/small/f"
	head -c 1500000 /dev/zero >"$BATS_TEST_TMPDIR/big/f"
	dl image create small "$BATS_TEST_TMPDIR/small" >/dev/null
	dl image create big "$BATS_TEST_TMPDIR/big" >/dev/null
	run -0 dl image ls
	columns
	assert_equal "$(cell 1 0) $(cell 1 4)" 'big 1.5MB'
	assert_equal "$(cell 2 0) $(cell 2 4)" 'small 999B'
	run -0 dl image inspect small big
	assert_equal "$(jq -c '[.[].Size]' <<<"$output")" '[999,1500000]'
}

@test "dl image ls: an image with two names has two rows; -q lists it once" {
	dl_test_store
	local id other
	id=$(mkimage two:a)
	dl image tag two:a two:b
	other=$(mkimage other)
	run -0 dl image ls
	assert_equal "${#lines[@]}" 4
	assert_table
	assert_line --regexp "^two +a +${id:0:12} "
	assert_line --regexp "^two +b +${id:0:12} "
	run -0 --separate-stderr dl image ls -q
	[ -z "$stderr" ]
	assert_output "$(printf '%s\n' "${other:0:12}" "${id:0:12}")"
	run -0 dl image ls --quiet
	assert_equal "${#lines[@]}" 2
}

@test "dl image ls: an untagged image is <none> <none>" {
	dl_test_store
	local old
	old=$(mkimage moving)
	mkimage moving >/dev/null
	run -0 dl image ls
	assert_table
	assert_line --regexp "^<none> +<none> +${old:0:12} "
}

@test "dl image ls --no-trunc: whole sha256:ID" {
	dl_test_store
	local id
	id=$(mkimage full)
	run -0 --separate-stderr dl image ls --no-trunc
	assert_table
	columns
	assert_equal "$(cell 1 2)" "sha256:$id"
	run -0 --separate-stderr dl image ls -q --no-trunc
	assert_output "sha256:$id"
}

@test "dl image ls --format json: an array of images, newest first" {
	dl_test_store
	local a b
	a=$(mkimage first)
	dl image tag first first:again
	b=$(mkimage second)
	run -0 --separate-stderr dl image ls --format json
	[ -z "$stderr" ]
	assert_equal "${#lines[@]}" 1
	assert_equal "$(jq -r 'type' <<<"$output")" array
	assert_equal "$(jq -r '[.[].Id] | join(" ")' <<<"$output")" \
		"sha256:$b sha256:$a"
	assert_equal "$(jq -c '.[1].RepoTags' <<<"$output")" \
		'["first:again","first:latest"]'
	run -0 dl image ls --format=json
	assert_equal "$(jq length <<<"$output")" 2
}

@test "dl images: the alias of dl image ls, options too" {
	dl_test_store
	mkimage one >/dev/null
	mkimage two >/dev/null
	local want
	# CREATED is relative to now: compare what does not move with the clock
	want=$(dl image ls --no-trunc --format json)
	run -0 --separate-stderr dl images --no-trunc --format json
	assert_output "$want"
	run -0 dl image list --no-trunc --format json
	assert_output "$want"
	run -0 dl images --no-trunc
	assert_line --index 0 --regexp '^REPOSITORY +TAG +IMAGE ID +CREATED +SIZE$'
	assert_line --index 1 --regexp "^two +latest +$(dl image ls -q --no-trunc | head -n 1) "
	run -0 dl images -a -q
	assert_output "$(dl image ls -q)"
}

@test "dl image ls: a bad option or format is a usage error" {
	dl_test_store
	run -2 --separate-stderr dl image ls --bogus
	assert_output ''
	assert_equal "$stderr" 'dl image ls: usage: dl image ls [-a] [-q] [--no-trunc] [-f FILTER]... [--format FORMAT] [REPOSITORY[:TAG]]'
	# any other format is a template, as Docker's
	run -2 --separate-stderr dl image ls --format '{{bogus .Tag}}'
	[[ "$stderr" == *"unknown function 'bogus'" ]]
	run -2 --separate-stderr dl images one extra
	assert_output ''
}

@test "dl image ls: without a store it says so (1)" {
	require_root
	DL_ROOT="$BATS_TEST_TMPDIR/nostore" run -1 --separate-stderr dl images
	assert_fatal
	[[ "$stderr" == *"not initialised (run 'dl init')" ]]
}

@test "dl image inspect: by name, full ID, sha256:ID and unique prefix" {
	dl_test_store
	local id spec
	id=$(mkimage insp:v1)
	mkimage unrelated >/dev/null
	for spec in insp:v1 "$id" "sha256:$id" "${id:0:12}" "sha256:${id:0:12}"; do
		run -0 --separate-stderr dl image inspect "$spec"
		[ -z "$stderr" ]
		assert_equal "$(jq -r 'length' <<<"$output")" 1
		assert_equal "$(jq -r '.[0].Id' <<<"$output")" "sha256:$id"
	done
}

@test "dl image inspect: Docker's shape" {
	dl_test_store
	local id arch
	id=$(dl image create -c 'CMD ["sh"]' -m note -a me shape \
		"$(mkroot "$BATS_TEST_TMPDIR/r" && echo "$BATS_TEST_TMPDIR/r")")
	run -0 --separate-stderr dl image inspect shape
	local o
	o=$(jq -c '.[0]' <<<"$output")
	jq -e 'has("Id") and has("RepoTags") and has("RepoDigests") and
		has("Parent") and has("Comment") and has("Created") and
		has("Author") and has("Config") and has("Architecture") and
		has("Os") and has("Size") and has("RootFS") and
		has("Metadata")' <<<"$o" >/dev/null || fail "keys: $o"
	assert_equal "$(jq -r .Id <<<"$o")" "sha256:$id"
	assert_equal "$(jq -c .RepoTags <<<"$o")" '["shape:latest"]'
	assert_equal "$(jq -c .RepoDigests <<<"$o")" '[]'
	assert_equal "$(jq -r .Parent <<<"$o")" ''
	assert_equal "$(jq -r .Comment <<<"$o")" note
	assert_equal "$(jq -r .Author <<<"$o")" me
	assert_equal "$(jq -c .Config.Cmd <<<"$o")" '["sh"]'
	assert_equal "$(jq -r .Os <<<"$o")" linux
	case "$(uname -m)" in
	x86_64) arch=amd64 ;;
	aarch64) arch=arm64 ;;
	*) arch=$(jq -r .Architecture <<<"$o") ;;
	esac
	assert_equal "$(jq -r .Architecture <<<"$o")" "$arch"
	assert_equal "$(jq -r .Created <<<"$o")" \
		"$(jq -r .created "$DL_ROOT/images/$id/meta.json")"
	jq -e '.Created | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z$")' \
		<<<"$o" >/dev/null
	jq -e '(.Size | type) == "number" and .Size == 6' <<<"$o" >/dev/null ||
		fail "Size: $o"
	assert_equal "$(jq -r .RootFS.Type <<<"$o")" layers
	jq -e '.Metadata.LastTagTime | type == "string"' <<<"$o" >/dev/null
}

@test "dl image inspect: a derived image names its Parent" {
	dl_test_store
	local p c
	p=$(mkimage base)
	c=$(dl-image-new -p "$p" -t derived "$BATS_TEST_TMPDIR/root")
	run -0 dl image inspect derived
	assert_equal "$(jq -r '.[0].Id' <<<"$output")" "sha256:$c"
	assert_equal "$(jq -r '.[0].Parent' <<<"$output")" "sha256:$p"
}

@test "dl image inspect: several at once make one array, in order" {
	dl_test_store
	local a b
	a=$(mkimage many-a)
	b=$(mkimage many-b)
	run -0 --separate-stderr dl image inspect many-b "$a" many-b
	[ -z "$stderr" ]
	assert_equal "${#lines[@]}" 1
	assert_equal "$(jq -r '[.[].Id] | join(" ")' <<<"$output")" \
		"sha256:$b sha256:$a sha256:$b"
}

@test "dl image inspect: unknown is 1 with [] on stdout, as Docker" {
	dl_test_store
	run -1 --separate-stderr dl image inspect nosuch
	assert_output '[]'
	assert_equal "$stderr" "dl image inspect: fatal: unable to resolve 'nosuch': no such image"
	run -1 --separate-stderr dl image inspect abcdef012345
	assert_output '[]'
	[[ "$stderr" == *"no such image" ]]
}

@test "dl image inspect: known and unknown: the known printed, exit 1" {
	dl_test_store
	local id
	id=$(mkimage known)
	run -1 --separate-stderr dl image inspect known nosuch
	assert_equal "$(jq -r '[.[].Id] | join(" ")' <<<"$output")" "sha256:$id"
	assert_equal "$stderr" "dl image inspect: fatal: unable to resolve 'nosuch': no such image"
}

@test "dl image inspect: an ambiguous ID prefix is a conflict (3)" {
	dl_test_store
	local ids=() d=
	while [ -z "$d" ]; do
		ids+=("$(mkimage "amb:${#ids[@]}")")
		d=$(printf '%s\n' "${ids[@]}" | cut -c1 | sort | uniq -d | head -n 1)
	done
	run -3 --separate-stderr dl image inspect "$d"
	assert_output '[]'
	[[ "$stderr" == "dl image inspect: fatal: unable to resolve '$d': ambiguous"* ]] ||
		fail "stderr: $stderr"
	# a longer prefix of one of them is unique again
	local one
	one=$(printf '%s\n' "${ids[@]}" | grep "^$d" | head -n 1)
	run -0 dl image inspect "${one:0:12}"
	assert_equal "$(jq -r '.[0].Id' <<<"$output")" "sha256:$one"
}

@test "dl image inspect: no operand or an option is a usage error" {
	dl_test_store
	run -2 --separate-stderr dl image inspect
	assert_output ''
	assert_equal "$stderr" 'dl image inspect: usage: dl image inspect [-f FORMAT] NAME|ID...'
	run -2 --separate-stderr dl image inspect --bogus x
	assert_output ''
	assert_equal "$stderr" 'dl image inspect: usage: dl image inspect [-f FORMAT] NAME|ID...'
}

@test "dl image ls: a broken image is warned about and hides no other" {
	dl_test_store
	local good bad
	good=$(mkimage good)
	bad=$(mkimage bad)
	rm "$DL_ROOT/images/$bad/meta.json"
	run -0 --separate-stderr dl image ls
	assert_equal "${#lines[@]}" 2
	assert_line --index 1 --regexp "^good +latest +${good:0:12} "
	[[ "$stderr" == *": warning: unable to read image '$bad': "* ]] ||
		fail "stderr: $stderr"
	run -0 --separate-stderr dl image ls --format json
	assert_equal "$(jq -r '[.[].Id] | join(" ")' <<<"$output")" "sha256:$good"
}
