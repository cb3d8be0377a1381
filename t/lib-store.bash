# SPDX-License-Identifier: Apache-2.0
# lib-store.bash: a store and images made by hand, for the tests of the
# container helpers (1xx) that must not depend on dl init or dl-image-new.
# shellcheck shell=bash

# mk_store: a fresh empty store on this file's btrfs, in $DL_ROOT
mk_store() {
	require_btrfs
	DL_ROOT="$DL_TEST_MNT/store-${BATS_SUITE_TEST_NUMBER:-0}-$RANDOM"
	export DL_ROOT
	mkdir -p "$DL_ROOT"/{images,tmp,refs,containers,locks,blobs}
	touch "$DL_ROOT/.dockerlite"
}

# new_id: a random 64-hex ID
new_id() {
	od -An -tx1 -N32 /dev/urandom | tr -d ' \n'
	echo
}

# mk_image [CONFIG [FILL]]: make a read-only busybox image whose config
# object ("config" of config.json) is the JSON CONFIG; FILL, a function,
# is called with the rootfs path before it is made read-only.  Prints the
# image ID.
mk_image() {
	local cfg=${1:-'{"Cmd":["/bin/sh"]}'} fill=${2:-} id d
	id=$(new_id)
	d="$DL_ROOT/images/$id"
	mkdir -p "$d"
	btrfs -q subvolume create "$d/rootfs" >/dev/null
	mk_busybox_root "$d/rootfs"
	if [ -n "$fill" ]; then
		"$fill" "$d/rootfs"
	fi
	jq -n --argjson c "$cfg" '{architecture: "amd64", os: "linux",
		created: "2024-01-01T00:00:00Z", config: $c,
		rootfs: {type: "layers", diff_ids: []}, history: []}' \
		>"$d/config.json"
	jq -n --arg id "$id" '{id: $id, parent: "",
		created: "2024-01-01T00:00:00Z", comment: "", author: "",
		size: 0}' >"$d/meta.json"
	btrfs property set -ts "$d/rootfs" ro true
	printf '%s\n' "$id"
}

# store_is_clean: nothing in tmp/ and containers/, and no subvolume of this
# store but the images' rootfs
store_is_clean() {
	local left subs
	left=$(find "$DL_ROOT/tmp" "$DL_ROOT/containers" -mindepth 1 -maxdepth 2)
	subs=$(btrfs subvolume list "$DL_TEST_MNT" |
		grep -E "$(basename "$DL_ROOT")/(tmp|containers)/" || true)
	if [ -n "$left$subs" ]; then
		printf 'left behind:\n%s\n%s\n' "$left" "$subs" >&2
		return 1
	fi
}
