#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# t/bench/run.sh: time dockerlite against the raw primitives and its peers,
# all measured in one run, and print ratios and targets (make bench)
#
# Everything happens on a fresh loop-mounted btrfs in a temp dir that is
# removed at the end, whatever happens.  No network traffic.  Exit status
# 0 even when a target is missed: the numbers are for people, not CI.
#
# BENCH_PARTS="1 2 3 4 5 6 7 8 9" picks the parts (1 image create, 2 clone,
# 3 run, 4 layers: dl-layer-diff, 5 image load, 6 image save, 7 network,
# 8 registry: pull and push against a docker-registry on 127.0.0.1,
# 9 build: dl build against podman build).

# cleanup and part1..3 are called through trap and "part$p":
# shellcheck disable=SC2317

# 'make bench' starts this with sh: go on in bash.
if test -z "${BASH_VERSION:-}"
then
	exec bash "$0" "$@"
fi
set -uo pipefail

BENCH_DIR=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd -- "$BENCH_DIR/../.." && pwd)
# shellcheck source=t/bench/lib.sh
. "$BENCH_DIR/lib.sh"

: "${BENCH_PARTS:=1 2 3 4 5 6 7 8 9}"
RUNS_CREATE=10
RUNS_CLONE=50
RUNS_RUN=20
RUNS_LAYER=10
RUNS_FULL=3
MIB=$((1024 * 1024))
BIG_BYTES=$((160 * MIB))	# the big root (the tar must reach 150 MiB)
SMALL_BYTES=$((3 * MIB))
DROP='sync; echo 3 >/proc/sys/vm/drop_caches'
HELPERS=$REPO/helpers

# --- checks ---------------------------------------------------------------

test "$(id -u)" = 0 || bench_die "run me as root (loop devices, btrfs, LXC)"
for t in hyperfine jq btrfs mkfs.btrfs losetup findmnt busybox tar awk curl
do
	command -v "$t" >/dev/null || bench_die "'$t' is not installed"
done
test -x "$HELPERS/dl-clone" || bench_die "build first: make"

# --- the temp dir, the btrfs, the store; all undone by cleanup ------------

BENCH_TMP=
LOOPDEV=
PODMAN_DIR=
CRUN_STATE=

# What the peers make outside the temp dir whatever they are told (c/image's
# blob info cache, runc's and crun's state roots, netavark's run dir, LXC's
# lock dirs): removed at the end when they were not there before,
# directories only if empty.  Deepest first.  (LXC's lock dir for our
# lxcpaths, /run/lxc/lock$BENCH_TMP, is removed in any case.)
HOST_PATHS=(/var/lib/containers/cache/blob-info-cache-v1.boltdb
	/var/lib/containers/cache /var/lib/containers /run/runc /run/crun
	/run/containers/networks /run/containers /run/lxc/lock/tmp
	/run/lxc/lock /run/lxc)
HOST_NEW=()
for h in "${HOST_PATHS[@]}"
do
	test -e "$h" || HOST_NEW+=("$h")
done
# podman's cgroupfs parent (libpod_parent, and its conmon child in each
# hierarchy), when this run makes it
PODMAN_CGROUP_NEW=
if ! compgen -G '/sys/fs/cgroup/*/libpod_parent' >/dev/null &&
	! test -d /sys/fs/cgroup/libpod_parent
then
	PODMAN_CGROUP_NEW=1
fi

# unmount_under DIR: unmount every mount at or under DIR, deepest first
unmount_under() {
	local m

	findmnt -rn -o TARGET | awk -v d="$1" \
		'$0 == d || index($0, d "/") == 1' | sort -r |
		while read -r m
		do
			umount -- "$m" 2>/dev/null ||
				{ sleep 1; umount -- "$m" 2>/dev/null; } ||
				umount -l -- "$m"
		done
}

cleanup() {
	local rc=$? id

	trap - EXIT INT TERM
	set +e
	case "$rc" in
	130|143)
		log "interrupted: cleaning up"
		;;
	esac
	if test -n "$PODMAN_DIR" && test -d "$PODMAN_DIR/root"
	then
		podman_cmd rm -fa >/dev/null 2>&1
		podman_cmd system reset -f >/dev/null 2>&1
	fi
	if test -n "$CRUN_STATE" && test -d "$CRUN_STATE"
	then
		for id in $(crun --root "$CRUN_STATE" list -q 2>/dev/null)
		do
			crun --root "$CRUN_STATE" delete -f "$id" >/dev/null 2>&1
		done
	fi
	# part 8's registry, by its PID
	if test -n "$BENCH_TMP" && test -s "$BENCH_TMP/registry.pid"
	then
		kill "$(cat "$BENCH_TMP/registry.pid")" 2>/dev/null
	fi
	if test -n "$BENCH_TMP"
	then
		unmount_under "$BENCH_TMP"
	fi
	if test -n "$LOOPDEV"
	then
		losetup -d "$LOOPDEV" 2>/dev/null
	fi
	if test -n "$BENCH_TMP"
	then
		rm -rf -- "/run/lxc/lock$BENCH_TMP"
	fi
	if test -n "$PODMAN_CGROUP_NEW" && test -n "$PODMAN_DIR" &&
		test -d "$PODMAN_DIR"
	then
		# empty cgroups only: rmdir fails on one still in use
		find /sys/fs/cgroup -maxdepth 3 -depth -type d \
			-path '*/libpod_parent*' -exec rmdir {} \; 2>/dev/null
	fi
	for id in "${HOST_NEW[@]}"
	do
		if test -f "$id"
		then
			rm -f -- "$id"
		elif test -d "$id"
		then
			rmdir -- "$id" 2>/dev/null
		fi
	done
	if test -n "$BENCH_TMP" && test -d "$BENCH_TMP"
	then
		if findmnt -rn -o TARGET | grep -q -F -- "$BENCH_TMP"
		then
			log "warning: '$BENCH_TMP' is still mounted, left in place"
		else
			rm -rf -- "$BENCH_TMP"
		fi
	fi
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

BENCH_TMP=$(mktemp -d /tmp/dl-bench.XXXXXX) || bench_die "mktemp failed"
case "$BENCH_TMP" in
*[!A-Za-z0-9/._-]*)
	bench_die "unsafe temp dir name '$BENCH_TMP'"
	;;
esac
BENCH_RESULTS=$BENCH_TMP/results.tsv
# set here, not in the parts (subshells), for cleanup to see them
PODMAN_DIR=$BENCH_TMP/podman
CRUN_STATE=$BENCH_TMP/crun-state
: >"$BENCH_RESULTS"
MNT=$BENCH_TMP/mnt

if ! { truncate -s 8G "$BENCH_TMP/btrfs.img" &&
	mkfs.btrfs -q "$BENCH_TMP/btrfs.img" >/dev/null; }
then
	bench_die "unable to make the btrfs image"
fi
LOOPDEV=$(losetup --find --show "$BENCH_TMP/btrfs.img") ||
	bench_die "unable to attach a loop device"
if ! { mkdir -p "$MNT" && mount -o noatime "$LOOPDEV" "$MNT"; }
then
	bench_die "unable to mount $LOOPDEV"
fi

# The build tree's dl, never an installed one.
unset DL_EXEC_PATH DL_SHAREDIR
export PATH="$REPO/bin:$PATH"
export DL_ROOT=$MNT/store
dl init >/dev/null || bench_die "dl init failed"
# Before a timed run: commit, so that the cleaner drops deleted subvolumes
# now (subvolume sync alone waits for the next commit, up to 30 s), and
# wait for it.
SETTLE="btrfs filesystem sync $MNT; btrfs subvolume sync $MNT >/dev/null; sync"

printf '== dockerlite bench ==\n'
# the commit, and whether the tree differs from it (read only: no index
# refresh)
rev=$(git -C "$REPO" rev-parse --short HEAD 2>/dev/null) || rev='?'
if test -n "$(GIT_OPTIONAL_LOCKS=0 git -C "$REPO" status --porcelain \
	--untracked-files=no 2>/dev/null | head -n 1)"
then
	rev="$rev+changes"
fi
printf 'host: %s, %s CPUs, %s; dl %s\n' "$(uname -r)" "$(nproc)" \
	"$(hyperfine --version)" "$rev"
printf 'store: %s on %s (fresh btrfs, removed at the end)\n' "$DL_ROOT" \
	"$LOOPDEV"

# image_id NAME: the full ID of image NAME in the bench store
image_id() {
	"$HELPERS/dl-ref-resolve" "$1"
}

# image_size ID: its size in bytes (meta.json)
image_size() {
	"$HELPERS/dl-image-get" "$DL_ROOT/images/$1/meta.json" size
}

# ensure_big: the big tar and an image of it, bench-big (part 1 makes
# both; part 2 alone makes them here)
ensure_big_tar() {
	local size

	test -f "$MNT/big.tar" && return 0
	log "building a rootfs tar of busybox and host files (>= 150 MiB)"
	mk_rootfs_tar "$MNT/big.tar" "$BIG_BYTES" "$MNT/work-big" ||
		bench_die "unable to build the big tar"
	size=$(stat -c %s "$MNT/big.tar")
	test "$size" -ge $((150 * MIB)) ||
		bench_die "the big tar is only $(bytes_h "$size")"
	log "big tar: $(bytes_h "$size"), $(tar -tf "$MNT/big.tar" | wc -l) entries"
}

# --- part 1: dl image create vs btrfs subvolume create + tar -x -----------

part1() {
	local tarsize

	printf '\n== 1. image create from a tar ==\n'
	ensure_big_tar
	tarsize=$(bytes_h "$(stat -c %s "$MNT/big.tar")")
	# Same tar, same filesystem, cold caches and no pending btrfs
	# cleanup before every run, on both sides, taken in turn.
	hf_set "$RUNS_CREATE" 1 \
		create-raw \
		"btrfs subvolume delete $MNT/raw >/dev/null 2>&1; $SETTLE; $DROP" \
		"btrfs subvolume create $MNT/raw >/dev/null && tar -xf $MNT/big.tar -C $MNT/raw" \
		create-raw-sync \
		"btrfs subvolume delete $MNT/raw >/dev/null 2>&1; $SETTLE; $DROP" \
		"btrfs subvolume create $MNT/raw >/dev/null && tar -xf $MNT/big.tar -C $MNT/raw && sync" \
		create-dl \
		"dl image rm bench-big >/dev/null 2>&1; $SETTLE; $DROP" \
		"dl image create bench-big $MNT/big.tar >/dev/null"
	btrfs subvolume delete "$MNT/raw" >/dev/null
	# dl makes the image durable before it publishes it: the line to
	# match is the one that syncs too; the bare one is shown beside it
	compare "image create, $tarsize tar" create-dl create-raw-sync \
		"subvol create + tar -x + sync:" 1.0
	compare "image create, $tarsize tar, vs no sync" create-dl create-raw \
		"subvol create + tar -x:" 1.1
}

# big_and_small: the images bench-big (150 MB+) and bench-small (3 MB),
# made when missing; their IDs in BIG and SMALL, their sizes (for people)
# in BSIZE and SSIZE
big_and_small() {
	if ! BIG=$(image_id bench-big 2>/dev/null)
	then
		ensure_big_tar
		dl image create bench-big "$MNT/big.tar" >/dev/null
		BIG=$(image_id bench-big)
	fi
	if ! SMALL=$(image_id bench-small 2>/dev/null)
	then
		mk_rootfs_tar "$MNT/small.tar" "$SMALL_BYTES" "$MNT/work-small"
		dl image create bench-small "$MNT/small.tar" >/dev/null
		SMALL=$(image_id bench-small)
		rm -f -- "$MNT/small.tar"
	fi
	BSIZE=$(bytes_h "$(image_size "$BIG")")
	SSIZE=$(bytes_h "$(image_size "$SMALL")")
}

# --- part 2: dl-clone of a small and a big image ---------------------------

part2() {
	local small big ssize bsize prep

	printf '\n== 2. dl-clone: small vs big image ==\n'
	big_and_small
	big=$BIG small=$SMALL ssize=$SSIZE bsize=$BSIZE
	log "images: small $ssize, big $bsize"
	prep="btrfs subvolume delete $MNT/clone >/dev/null 2>&1; $SETTLE"
	HF_NOSHELL=1 hf_set "$RUNS_CLONE" 2 \
		clone-small "$prep" \
		"$HELPERS/dl-clone $MNT/clone $DL_ROOT/images/$small/rootfs" \
		clone-big "$prep" \
		"$HELPERS/dl-clone $MNT/clone $DL_ROOT/images/$big/rootfs"
	btrfs subvolume delete "$MNT/clone" >/dev/null
	compare "dl-clone, $bsize image" clone-big clone-small \
		"dl-clone, $ssize image:" 1.2
}

# --- part 3: dl run vs raw LXC, crun, podman -------------------------------

# podman_cmd ARGS...: podman on its own storage under the temp dir
podman_cmd() {
	CONTAINERS_CONF=$PODMAN_DIR/containers.conf TMPDIR=$PODMAN_DIR/tmp \
		podman --root "$PODMAN_DIR/root" \
		--runroot "$PODMAN_DIR/runroot" "$@"
}

# podman_setup: podman's directories and containers.conf under the temp dir
podman_setup() {
	mkdir -p "$PODMAN_DIR"/{root,runroot,tmp,net}
	cat >"$PODMAN_DIR/containers.conf" <<-EOF
		[containers]
		default_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]

		[network]
		network_config_dir = "$PODMAN_DIR/net"
		default_subnet = "10.199.251.0/24"

		[engine]
		cgroup_manager = "cgroupfs"
		events_logger = "file"
		events_logfile_path = "$PODMAN_DIR/events.log"
		tmp_dir = "$PODMAN_DIR/tmp"
		image_copy_tmp_dir = "$PODMAN_DIR/tmp"
	EOF
}

# short TEXT: the last non-empty line of TEXT, cut to 70 characters
short() {
	printf '%s\n' "$1" | grep . | tail -n 1 | cut -c 1-70
}

# peak_rss COMMAND: the max RSS in KiB of COMMAND's largest process (sh -c),
# the highest of three runs
peak_rss() {
	local k max=0

	test -x /usr/bin/time || return 1
	for _ in 1 2 3
	do
		/usr/bin/time -f %M -o "$BENCH_TMP/rss" sh -c "$1" \
			>/dev/null 2>&1 || return 1
		k=$(tail -n 1 "$BENCH_TMP/rss")
		test "$k" -le "$max" || max=$k
	done
	echo "$max"
}

# parallel8 IMAGE_ROOT: 8 containers at once, dl run vs the raw LXC line
# (each on its own snapshot and config): containers per second as the
# ratio of the times of one batch
parallel8() {
	local i lxcpar='' dlpar=''

	for i in 1 2 3 4 5 6 7 8
	do
		mkdir -p "$MNT/lxc/p$i"
		sed "s|$MNT/lxc/bench/rootfs|$MNT/lxc/p$i/rootfs|; s|= bench$|= p$i|" \
			"$MNT/lxc/bench.conf" >"$MNT/lxc/p$i.conf"
		lxcpar="$lxcpar(btrfs subvolume snapshot $1 $MNT/lxc/p$i/rootfs >/dev/null && lxc-execute -n p$i -P $MNT/lxc -f $MNT/lxc/p$i.conf -- true && btrfs subvolume delete $MNT/lxc/p$i/rootfs >/dev/null) & "
		dlpar="$dlpar$dlrun & "
	done
	hf_set "$RUNS_RUN" 1 \
		run-lxc-par8 "" "${lxcpar}wait" \
		run-dl-par8 "" "${dlpar}wait"
	compare "run: 8 in parallel, dl / raw LXC line (time of 8; containers/s inverse)" \
		run-dl-par8 run-lxc-par8 "8 raw LXC lines at once:" 1.0
}

# stages: where the time of dl run goes, each helper of it timed alone
# (bash's $EPOCHREALTIME around each step, RUNS_RUN rounds, medians)
stages() {
	local i t0 t1 t2 t3 t4 cid f
	local -a res=() new=() spawn=() rm=() total=()

	for ((i = 0; i < RUNS_RUN; i++))
	do
		t0=$EPOCHREALTIME
		id=$("$HELPERS/dl-ref-resolve" busybox) || return 0
		t1=$EPOCHREALTIME
		cid=$("$HELPERS/dl-container-new" --network none "$id" true) ||
			return 0
		t2=$EPOCHREALTIME
		"$HELPERS/dl-spawn" "$cid" || return 0
		t3=$EPOCHREALTIME
		"$HELPERS/dl-container-rm" "$cid" || return 0
		t4=$EPOCHREALTIME
		res+=("$(us "$t0" "$t1")")
		new+=("$(us "$t1" "$t2")")
		spawn+=("$(us "$t2" "$t3")")
		rm+=("$(us "$t3" "$t4")")
		total+=("$(us "$t0" "$t4")")
	done
	printf 'bench: where dl run goes (medians of %d, each helper alone):\n' \
		"$RUNS_RUN"
	for f in res new spawn rm total
	do
		local -n v=$f
		printf '%s\n' "${v[@]}" | sort -n |
			awk -v what="$f" -v n="${#v[@]}" '
			{ a[NR] = $1 }
			END {
				m = n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
				split("res=name resolution (dl-ref-resolve)|new=container creation (dl-container-new: snapshot, spec)|spawn=start, run true, record the exit (dl-spawn)|rm=teardown (dl-container-rm)|total=sum", t, "|")
				for (i in t) {
					split(t[i], kv, "=")
					if (kv[1] == what)
						printf "bench:   %-58s %7.1f ms\n", kv[2], m / 1000
				}
			}'
		row "run: where dl run goes: $f" "$(printf '%s\n' "${v[@]}" | sort -n | awk '{ a[NR] = $1 } END { printf "%.1f ms", a[int((NR + 1) / 2)] / 1000 }')" \
			- - - info
	done
}

# us T0 T1: microseconds from $EPOCHREALTIME T0 to T1
us() {
	echo $((${2/./} - ${1/./}))
}

part3() {
	local id img dlrun lxcline lxcconfline crunline podline podimg podrt=crun err cid
	local dl_ok=1 before left
	local rss_dl rss_lxc='' rss_pod='' rss_ratio=-

	printf '\n== 3. run a container: dl run vs raw LXC, crun, podman ==\n'
	image_id busybox >/dev/null 2>&1 ||
		dl image bootstrap busybox >/dev/null
	id=$(image_id busybox)
	img=$DL_ROOT/images/$id/rootfs
	dlrun="dl run --rm --network none busybox true"

	if ! err=$(timeout 120 sh -c "$dlrun" 2>&1 </dev/null)
	then
		dl_ok=
		err=$(printf '%s\n' "$err" | tail -n 1)
		printf 'dl run: not measurable yet: %s\n' "${err:-exit status != 0}"
	fi

	# 3a. the raw primitives in one shell line; a minimal LXC config
	if command -v lxc-execute >/dev/null
	then
		mkdir -p "$MNT/lxc/bench"
		cat >"$MNT/lxc/bench.conf" <<-EOF
			lxc.uts.name = bench
			lxc.rootfs.path = dir:$MNT/lxc/bench/rootfs
			lxc.net.0.type = empty
			lxc.autodev = 1
			lxc.mount.auto = proc:mixed sys:ro
		EOF
		lxcline="btrfs subvolume snapshot $img $MNT/lxc/bench/rootfs >/dev/null && lxc-execute -n bench -P $MNT/lxc -f $MNT/lxc/bench.conf -- true && btrfs subvolume delete $MNT/lxc/bench/rootfs >/dev/null"
		if err=$(sh -c "$lxcline" 2>&1 </dev/null)
		then
			hf run-lxc "$RUNS_RUN" 2 "" "$lxcline"
			rss_lxc=$(peak_rss "$lxcline") || rss_lxc=
		else
			lxcline=
			btrfs subvolume delete "$MNT/lxc/bench/rootfs" \
				>/dev/null 2>&1
			printf 'raw LXC: not measurable here: %s\n' \
				"$(printf '%s\n' "$err" | grep . | tail -n 1)"
		fi
	else
		lxcline=
		printf 'raw LXC: skipped: lxc-execute is not installed\n'
	fi

	# 3b. crun on a snapshot, with a generated config.json
	crunline=
	if command -v crun >/dev/null
	then
		mkdir -p "$CRUN_STATE" "$MNT/crun"
		(cd "$MNT/crun" && crun spec) &&
			jq '.process.args = ["true"] | .process.terminal = false |
				.root = {"path": "rootfs", "readonly": false} |
				.hostname = "bench"' "$MNT/crun/config.json" \
				>"$MNT/crun/config.json.new" &&
			mv "$MNT/crun/config.json.new" "$MNT/crun/config.json"
		crunline="btrfs subvolume snapshot $img $MNT/crun/rootfs >/dev/null && crun --root $CRUN_STATE run --bundle $MNT/crun bench && btrfs subvolume delete $MNT/crun/rootfs >/dev/null"
		if ! err=$(sh -c "$crunline" 2>&1 </dev/null)
		then
			crunline=
			crun --root "$CRUN_STATE" delete -f bench >/dev/null 2>&1
			btrfs subvolume delete "$MNT/crun/rootfs" >/dev/null 2>&1
			printf 'crun: not measurable here: %s\n' \
				"$(printf '%s\n' "$err" | grep . | tail -n 1)"
			row "run: dl / crun run" - \
				"crun: not measurable: $(short "$err")" - - SKIPPED
		else
			hf run-crun "$RUNS_RUN" 2 "" "$crunline"
		fi
	else
		printf 'crun: skipped: not installed\n'
		row "run: dl / crun run" - "crun: not installed" - - SKIPPED
	fi

	# 3c. podman, on its own storage, the same busybox root imported;
	# its default runtime is crun: when crun refuses the host, runc
	podline=
	if command -v podman >/dev/null
	then
		podman_setup
		tar -C "$img" -cf "$BENCH_TMP/busybox.tar" .
		podline="CONTAINERS_CONF=$PODMAN_DIR/containers.conf TMPDIR=$PODMAN_DIR/tmp podman --root $PODMAN_DIR/root --runroot $PODMAN_DIR/runroot run --rm --network=none --pull=never"
		podimg="localhost/dl-bench-busybox true"
		if ! err=$(podman_cmd import "$BENCH_TMP/busybox.tar" \
			localhost/dl-bench-busybox 2>&1 </dev/null)
		then
			podline=
		elif ! err=$(sh -c "$podline $podimg" 2>&1 </dev/null)
		then
			if command -v runc >/dev/null
			then
				printf 'podman: default runtime fails (%s): using --runtime runc\n' \
					"$(short "$err")"
				podline="$podline --runtime runc"
				podrt=runc
				err=$(sh -c "$podline $podimg" 2>&1 </dev/null) ||
					podline=
			else
				podline=
			fi
		fi
		rm -f -- "$BENCH_TMP/busybox.tar"
		if test -z "$podline"
		then
			printf 'podman: not measurable here: %s\n' "$(short "$err")"
			row "run: dl / podman run" - \
				"podman: not measurable: $(short "$err")" - \
				"<= 0.1x" SKIPPED
		else
			podline="$podline $podimg"
			hf run-podman "$RUNS_RUN" 2 "" "$podline"
			rss_pod=$(peak_rss "$podline") || rss_pod=
		fi
	else
		printf 'podman: skipped: not installed\n'
		row "run: dl / podman run" - "podman: not installed" - \
			"<= 0.1x" SKIPPED
	fi

	# 3d. dl run itself, then the rows that need it
	if test -z "$dl_ok"
	then
		row "run: dl run --rm" "not measurable yet" - - - SKIPPED
		return 0
	fi
	# 3a'. the raw LXC line again, with the confinement dl gives (the
	# LXC config dl-spawn generates, and the seccomp profile for liblxc
	# to compile, as LXC does at each start): what dl adds of its own
	lxcconfline=
	if test -n "$lxcline" &&
		cid=$("$HELPERS/dl-container-new" --network none "$id" true) &&
		"$HELPERS/dl-spawn" "$cid" >/dev/null
	then
		mkdir -p "$MNT/lxc/conf"
		cp "$DL_ROOT/containers/$cid/seccomp" "$MNT/lxc/conf.seccomp"
		{
			sed -e "s|$DL_ROOT/containers/$cid|$MNT/lxc/conf|g" \
				-e 's|^lxc.uts.name = .*|lxc.uts.name = conf|' \
				"$DL_ROOT/containers/$cid/config"
			printf 'lxc.seccomp.profile = %s\n' "$MNT/lxc/conf.seccomp"
		} >"$MNT/lxc/conf.conf"
		"$HELPERS/dl-container-rm" "$cid" >/dev/null
		lxcconfline="btrfs subvolume snapshot $img $MNT/lxc/conf/rootfs >/dev/null && lxc-execute -n conf -P $MNT/lxc -f $MNT/lxc/conf.conf -- true && btrfs subvolume delete $MNT/lxc/conf/rootfs >/dev/null"
		if err=$(sh -c "$lxcconfline" 2>&1 </dev/null)
		then
			hf run-lxc-conf "$RUNS_RUN" 2 "" "$lxcconfline"
		else
			lxcconfline=
			btrfs subvolume delete "$MNT/lxc/conf/rootfs" \
				>/dev/null 2>&1
			printf 'raw LXC with dl'"'"'s config: not measurable: %s\n' \
				"$(short "$err")"
		fi
	fi

	before=$(find "$DL_ROOT/containers" -mindepth 1 -maxdepth 1 | wc -l)
	hf run-dl "$RUNS_RUN" 2 "" "$dlrun"
	left=$(($(find "$DL_ROOT/containers" -mindepth 1 -maxdepth 1 |
		wc -l) - before))
	rss_dl=$(peak_rss "$dlrun") || rss_dl=-

	# Moving a task into a cgroup waits for an RCU grace period
	# (cgroup_threadgroup_rwsem) unless another move happened within
	# the last one: back to back, a command that loops fast keeps that
	# path warm and a slower one does not.  So time them all again the
	# way a user runs one command: in turn, after 100 ms idle each.
	set --
	if test -n "$lxcline"
	then
		set -- "$@" run-lxc-idle "sleep 0.1" "$lxcline"
	fi
	if test -n "$lxcconfline"
	then
		set -- "$@" run-lxc-conf-idle "sleep 0.1" "$lxcconfline"
	fi
	set -- "$@" run-dl-idle "sleep 0.1" "$dlrun"
	if test -n "$podline"
	then
		set -- "$@" run-podman-idle "sleep 0.1" "$podline"
	fi
	hf_set "$RUNS_RUN" 2 "$@"

	if test -n "$lxcline"
	then
		compare "run: dl / raw LXC line, back to back" run-dl run-lxc \
			"snapshot+lxc-execute+delete:" 1.0
		compare "run: dl / raw LXC line, in turn, idle" run-dl-idle \
			run-lxc-idle "snapshot+lxc-execute+delete:" 1.0
		parallel8 "$img"
	else
		row "run: dl / raw LXC line" "$(hf_show run-dl)" \
			"raw LXC: not measurable" - "<= 1.0x" SKIPPED
	fi
	if test -n "$lxcconfline"
	then
		compare "run: dl / raw LXC line with dl's confinement, back to back" \
			run-dl run-lxc-conf "the same with dl's LXC config:" 1.0
		compare "run: dl / raw LXC line with dl's confinement, in turn" \
			run-dl-idle run-lxc-conf-idle "the same with dl's LXC config:" 1.0
	fi
	stages
	if test -n "$podline"
	then
		compare "run: dl / podman run, back to back" run-dl run-podman \
			"podman run --rm ($podrt):" 0.1
		compare "run: dl / podman run, in turn, idle" run-dl-idle \
			run-podman-idle "podman run --rm ($podrt):" 0.1
	fi
	if test "$left" -gt 0
	then
		printf 'bench: warning: dl run --rm left %s containers in the store: their removal was not timed\n' "$left"
		row "run: dl run --rm removes its container" \
			"$left of $((RUNS_RUN + 2)) left" "0 left" - "0 left" MISSED
	fi
	if test -n "$crunline"
	then
		row "run: dl / crun run" "$(hf_show run-dl)" \
			"snapshot+crun run+delete: $(hf_show run-crun)" \
			"$(ratio "$(hf_mean run-dl)" "$(hf_mean run-crun)")x" \
			- info
	fi
	if test -n "$rss_lxc" && test "$rss_dl" != -
	then
		rss_ratio="$(ratio "$rss_dl" "$rss_lxc")x vs lxc"
	fi
	row "run: peak RSS (largest process)" "${rss_dl} KiB" \
		"lxc line: ${rss_lxc:--} KiB; podman: ${rss_pod:--} KiB" \
		"$rss_ratio" - info
	printf 'bench: peak RSS (/usr/bin/time %%M: the largest single process, not the sum): dl run %s KiB, raw LXC line %s KiB, podman %s KiB (conmon and the runtime are not its children: not counted)\n' \
		"$rss_dl" "${rss_lxc:--}" "${rss_pod:--}"
}

# --- part 4: layers: dl-layer-diff of a one-file change, a whole layer -----

# child_of ID DEST: a read-only snapshot of image ID's root at DEST with
# one file changed
child_of() {
	btrfs subvolume snapshot "$DL_ROOT/images/$1/rootfs" "$2" >/dev/null &&
		echo 'bench:x:1000:1000::/home/bench:/bin/sh' >>"$2/etc/passwd" &&
		btrfs property set -ts "$2" ro true
}

part4() {
	local small big ssize bsize broot

	printf '\n== 4. layers: dl-layer-diff ==\n'
	big_and_small
	big=$BIG small=$SMALL ssize=$SSIZE bsize=$BSIZE
	broot=$DL_ROOT/images/$big/rootfs
	child_of "$small" "$MNT/child-small"
	child_of "$big" "$MNT/child-big"

	# 4a. the layer of one changed file: what save computes per step
	HF_NOSHELL=1 hf_set "$RUNS_LAYER" 2 \
		layer-small "" \
		"$HELPERS/dl-layer-diff -p $DL_ROOT/images/$small/rootfs -o $MNT/l-small.tgz $MNT/child-small" \
		layer-big "" \
		"$HELPERS/dl-layer-diff -p $broot -o $MNT/l-big.tgz $MNT/child-big"
	compare "layer of a one-file change, over a $bsize image" layer-big \
		layer-small "over a $ssize image:" 1.5
	log "layer of one file over $bsize: $(tar -tzf "$MNT/l-big.tgz" | wc -l) members"

	# 4b. a whole layer (gzip) vs tar -c | gzip of the same tree, warm
	hf_set "$RUNS_FULL" 1 \
		layer-full "" \
		"$HELPERS/dl-layer-diff -o $MNT/full.tgz $broot >/dev/null" \
		layer-tar-gzip "" \
		"tar -C $broot -cf - . | gzip >$MNT/full-ref.tgz"
	compare "whole layer (gzip) of a $bsize image" layer-full \
		layer-tar-gzip "tar -c | gzip:" 1.0
	log "sizes: dl-layer-diff $(bytes_h "$(stat -c %s "$MNT/full.tgz")"), tar | gzip $(bytes_h "$(stat -c %s "$MNT/full-ref.tgz")")"
	HF_NOSHELL=1 hf_set "$RUNS_FULL" 1 \
		layer-full-zstd "" \
		"$HELPERS/dl-layer-diff -z zstd -o $MNT/full.tzst $broot" \
		layer-full-none "" \
		"$HELPERS/dl-layer-diff -z none -o $MNT/full.tar $broot"
	row "whole layer, zstd / none" "$(hf_show layer-full-zstd)" \
		"uncompressed: $(hf_show layer-full-none)" \
		"$(ratio "$(hf_mean layer-full-zstd)" "$(hf_mean layer-full-none)")x" \
		- info
	rm -f -- "$MNT"/l-*.tgz "$MNT"/full*
	btrfs subvolume delete "$MNT/child-small" "$MNT/child-big" >/dev/null
}

# --- part 5: dl image load vs tar -x of its layer, and podman load ---------

part5() {
	local tarsize prep raw pod

	printf '\n== 5. image load ==\n'
	ensure_big_tar
	tarsize=$(bytes_h "$(stat -c %s "$MNT/big.tar")")
	# a docker-archive of one uncompressed layer (podman save), an OCI
	# layout of one gzip layer (umoci), and the gzip layer itself
	command -v podman >/dev/null || bench_die "podman is not installed"
	command -v umoci >/dev/null || bench_die "umoci is not installed"
	podman_setup
	podman_cmd import -q "$MNT/big.tar" localhost/bench-load:1 >/dev/null
	podman_cmd save -q --format docker-archive -o "$MNT/load.docker.tar" \
		localhost/bench-load:1
	umoci init --layout "$MNT/load.oci"
	umoci new --image "$MNT/load.oci:1"
	umoci raw add-layer --image "$MNT/load.oci:1" "$MNT/big.tar"
	gzip -c "$MNT/big.tar" >"$MNT/big.tgz"
	log "layer: $tarsize, gzip $(bytes_h "$(stat -c %s "$MNT/big.tgz")")"

	# dl: no image, no blob before each run (the archive is read whole);
	# the raw line syncs as dl does before it publishes
	prep="dl image rm -f localhost/bench-load:1 1:latest >/dev/null 2>&1; rm -rf $DL_ROOT/blobs/sha256/*; $SETTLE; $DROP"
	raw="btrfs subvolume delete $MNT/raw >/dev/null 2>&1; $SETTLE; $DROP"
	hf_set "$RUNS_CREATE" 1 \
		load-dl "$prep" \
		"dl load -q -i $MNT/load.docker.tar >/dev/null" \
		load-tar "$raw" \
		"btrfs subvolume create $MNT/raw >/dev/null && tar -xf $MNT/big.tar -C $MNT/raw && sync"
	compare "load, docker-archive of a $tarsize layer" load-dl load-tar \
		"subvol create + tar -x + sync:" 1.1
	hf_set "$RUNS_CREATE" 1 \
		load-dl-gzip "$prep" \
		"dl load -q -i $MNT/load.oci >/dev/null" \
		load-tar-gzip "$raw" \
		"btrfs subvolume create $MNT/raw >/dev/null && tar -xzf $MNT/big.tgz -C $MNT/raw && sync"
	compare "load, OCI layout of a gzip $tarsize layer" load-dl-gzip \
		load-tar-gzip "subvol create + tar -xzf + sync:" 1.0
	pod="CONTAINERS_CONF=$PODMAN_DIR/containers.conf TMPDIR=$PODMAN_DIR/tmp podman --root $PODMAN_DIR/root --runroot $PODMAN_DIR/runroot"
	hf_set "$RUNS_FULL" 1 \
		load-podman "$pod rmi -a -f >/dev/null 2>&1; $DROP" \
		"$pod load -q -i $MNT/load.docker.tar >/dev/null"
	compare "load, docker-archive of a $tarsize layer, vs podman" \
		load-dl load-podman "podman load:" 0.3
	btrfs subvolume delete "$MNT/raw" >/dev/null 2>&1 || true
	dl image rm -f localhost/bench-load:1 1:latest >/dev/null 2>&1 || true
	rm -rf -- "$MNT/load.docker.tar" "$MNT/load.oci" "$MNT/big.tgz"
}

# --- part 6: dl image save of a one-file child, of a whole image ----------

# child_image PARENT NAME: image NAME, a commit of PARENT with one file
# changed (no container is run: the file is changed in its root)
child_image() {
	local cid

	image_id "$2" >/dev/null 2>&1 && return 0
	cid=$("$HELPERS/dl-container-new" --network none "$1" true)
	echo 'bench:x:1000:1000::/home/bench:/bin/sh' \
		>>"$DL_ROOT/containers/$cid/rootfs/etc/passwd"
	dl commit "$cid" "$2" >/dev/null
	dl rm "$cid" >/dev/null
}

part6() {
	local ssize bsize broot drop

	printf '\n== 6. image save ==\n'
	big_and_small
	ssize=$SSIZE bsize=$BSIZE
	broot=$DL_ROOT/images/$BIG/rootfs
	child_image bench-small bench-child-small:1
	child_image bench-big bench-child-big:1
	# drop.sh ID...: the layer cache of each image (layer.json and the
	# blobs it names), so that the timed save computes the layer
	cat >"$BENCH_TMP/drop.sh" <<-EOF
		for id
		do
		    f=$DL_ROOT/images/\$id/layer.json
		    test -f "\$f" || continue
		    for d in \$(jq -r '.[].digest' "\$f")
		    do
		        rm -f "$DL_ROOT/blobs/sha256/\${d#sha256:}"
		    done
		    rm -f "\$f"
		done
	EOF
	drop="sh $BENCH_TMP/drop.sh"

	# 6a. a child of one changed file: its parent's layer is computed
	# once (the warm-up) and kept, the child's is computed every time
	hf_set "$RUNS_LAYER" 1 \
		save-child-small \
		"$drop $(image_id bench-child-small:1)" \
		"dl save --format oci-archive -o $MNT/save-small.tar bench-child-small:1" \
		save-child-big \
		"$drop $(image_id bench-child-big:1)" \
		"dl save --format oci-archive -o $MNT/save-big.tar bench-child-big:1"
	compare "save (oci-archive, to the store's btrfs) of a one-file child, over a $bsize parent" \
		save-child-big save-child-small "over a $ssize parent:" 1.5
	# the same to an OCI layout on the store's btrfs: a blob the store
	# holds is a reflink there too, so only the child's layer costs
	hf_set "$RUNS_LAYER" 1 \
		save-dir-small \
		"rm -rf $MNT/save-small.d; $drop $(image_id bench-child-small:1)" \
		"dl save --format oci-dir -o $MNT/save-small.d bench-child-small:1" \
		save-dir-big \
		"rm -rf $MNT/save-big.d; $drop $(image_id bench-child-big:1)" \
		"dl save --format oci-dir -o $MNT/save-big.d bench-child-big:1"
	compare "save (oci-dir, blobs reflinked) of a one-file child, over a $bsize parent" \
		save-dir-big save-dir-small "over a $ssize parent:" 1.5
	rm -rf -- "$MNT/save-small.d" "$MNT/save-big.d"

	# 6b. a whole image of one layer, computed, vs tar -c | gzip, warm
	hf_set "$RUNS_FULL" 1 \
		save-full "$drop $BIG" \
		"dl save --format oci-archive -o $MNT/save-full.tar bench-big" \
		save-tar-gzip "" \
		"tar -C $broot -cf - . | gzip >$MNT/save-ref.tgz"
	compare "save (oci-archive) of a $bsize single-layer image" save-full \
		save-tar-gzip "tar -c | gzip:" 1.0
	log "sizes: dl save $(bytes_h "$(stat -c %s "$MNT/save-full.tar")"), tar | gzip $(bytes_h "$(stat -c %s "$MNT/save-ref.tgz")")"
	rm -f -- "$MNT"/save-*.tar "$MNT/save-ref.tgz"
}

# --- part 7: dl run on the bridge network vs --network none; -p ------------

part7() {
	local d

	printf '\n== 7. network: dl run on the default bridge ==\n'
	image_id busybox >/dev/null 2>&1 ||
		dl image bootstrap busybox >/dev/null
	# a bridge and subnet of the bench's own
	"$HELPERS/dl-net-set" --bridge dlbench0 --subnet 10.199.250.0/24
	dl run --rm busybox true >/dev/null
	HF_NOSHELL=1 hf_set "$RUNS_RUN" 3 \
		run-bridge "" "$REPO/bin/dl run --rm busybox true" \
		run-none "" "$REPO/bin/dl run --rm --network none busybox true"
	d=$(awk -v a="$(hf_mean run-bridge)" -v b="$(hf_mean run-none)" \
		'BEGIN { printf "%+.1f", (a - b) * 1000 }')
	row "dl run, bridge network vs --network none (added ms)" \
		"$(hf_show run-bridge)" "none: $(hf_show run-none)" "$d ms" \
		"<= +5 ms" "$(awk -v d="$d" 'BEGIN { print (d <= 5) ? "MET" : "MISSED" }')"
	log "bridge adds $d ms (a namespace and veth pair made by dl-spawn, removed by the kernel in the background)"

	# 7b. a published port: each run is a new TCP connection, the first
	# of its flow through the port's DNAT (127.0.0.1: the output chain,
	# route_localnet and masquerade), against one straight to the
	# container's address
	local addr t0 t1
	t0=$(date +%s%N)
	dl run -d --name bench-web -p 127.0.0.1:24190:80 busybox sh -c \
		'mkdir -p /www && echo ok >/www/index.html && exec httpd -f -p 80 -h /www' >/dev/null
	until curl -s -o /dev/null http://127.0.0.1:24190/
	do
		sleep 0.005
	done
	t1=$(date +%s%N)
	log "dl run -d -p 127.0.0.1:24190:80 until the first connect answers: $(( (t1 - t0) / 1000000 )) ms"
	addr=$(dl exec bench-web ip -4 -o addr show eth0 | awk '{ print $4 }')
	addr=${addr%/*}
	HF_NOSHELL=1 hf_set "$RUNS_CLONE" 5 \
		connect-published "" "curl -s -o /dev/null http://127.0.0.1:24190/" \
		connect-direct "" "curl -s -o /dev/null http://$addr:80/"
	compare "-p: a new TCP connect + GET (curl) through 127.0.0.1:PORT vs the container's address" \
		connect-published connect-direct "direct:" 1.2
	dl rm -f bench-web >/dev/null

	# 7c. podman on its default network (netavark: a bridge, a veth pair
	# and firewall rules a run), its subnet the bench's own, vs dl run on
	# its bridge; runc, as crun fails on this host (part 3)
	local podline rt='' tables t
	if command -v podman >/dev/null
	then
		tables=$(nft list tables 2>/dev/null)
		podman_setup
		command -v runc >/dev/null && rt="--runtime runc"
		tar -C "$DL_ROOT/images/$(image_id busybox)/rootfs" -cf \
			"$BENCH_TMP/busybox.tar" .
		podman_cmd import "$BENCH_TMP/busybox.tar" \
			localhost/dl-bench-busybox >/dev/null 2>&1 || true
		podline="env CONTAINERS_CONF=$PODMAN_DIR/containers.conf TMPDIR=$PODMAN_DIR/tmp podman --root $PODMAN_DIR/root --runroot $PODMAN_DIR/runroot run --rm --pull=never $rt localhost/dl-bench-busybox true"
		if $podline >/dev/null 2>&1 </dev/null
		then
			HF_NOSHELL=1 hf_set "$RUNS_RUN" 2 \
				run-bridge2 "" "$REPO/bin/dl run --rm busybox true" \
				run-podman-bridge "" "$podline"
			compare "run on the default bridge: dl run / podman run --rm (netavark)" \
				run-bridge2 run-podman-bridge "podman run, its bridge:" 0.1
		else
			row "run on the default bridge: dl / podman" - \
				"podman: not measurable here" - - SKIPPED
		fi
		# netavark leaves its iptables-nft tables: the ones it made go
		nft list tables 2>/dev/null | while read -r t
		do
			case "$tables" in
			*"$t"*) ;;
			*) nft "delete $t" 2>/dev/null || true ;;
			esac
		done
	fi
	"$HELPERS/dl-net-down" || true
}

# --- part 8: dl pull and dl push vs skopeo copy and podman ----------------

part8() {
	local l=$MNT/reg.oci port reg size usize pod reset prep_dl prep_sk prep_pm

	printf '\n== 8. registry: pull and push ==\n'
	for t in docker-registry skopeo umoci podman python3
	do
		command -v "$t" >/dev/null || bench_die "'$t' is not installed"
	done
	ensure_big_tar
	# a three-layer image: the big root and two smaller ones over it
	if ! mk_rootfs_tar "$MNT/reg-l2.tar" $((8 * MIB)) "$MNT/work-l2" ||
		! mk_rootfs_tar "$MNT/reg-l3.tar" $((20 * MIB)) "$MNT/work-l3"
	then
		bench_die "unable to build the small layers"
	fi
	rm -rf -- "$l"
	umoci init --layout "$l"
	umoci new --image "$l:1"
	for t in big reg-l2 reg-l3
	do
		umoci raw add-layer --image "$l:1" "$MNT/$t.tar"
	done
	umoci config --image "$l:1" --config.cmd /bin/sh
	size=$(du -s -B1 --apparent-size "$l/blobs" | cut -f1)
	usize=$(cat "$MNT/big.tar" "$MNT/reg-l2.tar" "$MNT/reg-l3.tar" | wc -c)
	# the registry, started anew on empty storage by reset.sh (before each
	# push)
	port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	reg=127.0.0.1:$port
	cat >"$BENCH_TMP/registry.yml" <<-EOF
		version: 0.1
		log:
		  level: error
		  accesslog:
		    disabled: true
		storage:
		  filesystem:
		    rootdirectory: $MNT/registry
		http:
		  addr: $reg
	EOF
	cat >"$BENCH_TMP/reset.sh" <<-EOF
		test -s $BENCH_TMP/registry.pid && kill \$(cat $BENCH_TMP/registry.pid) 2>/dev/null
		sleep 0.2
		rm -rf $MNT/registry
		docker-registry serve $BENCH_TMP/registry.yml >>$BENCH_TMP/registry.log 2>&1 &
		echo \$! >$BENCH_TMP/registry.pid
		for i in \$(seq 100)
		do
		    python3 -c 'import socket; socket.create_connection(("127.0.0.1", $port), 1)' 2>/dev/null && break
		    sleep 0.1
		done
	EOF
	reset="sh $BENCH_TMP/reset.sh"
	$reset
	skopeo copy -q --dest-tls-verify=false "oci:$l:1" "docker://$reg/bench:1" >/dev/null
	log "image: 3 layers, $(bytes_h "$usize") of tar, $(bytes_h "$size") of gzip blobs, in $reg"
	podman_setup
	pod="CONTAINERS_CONF=$PODMAN_DIR/containers.conf TMPDIR=$PODMAN_DIR/tmp podman --root $PODMAN_DIR/root --runroot $PODMAN_DIR/runroot"

	# pull: nothing stored before each run; skopeo stores an OCI layout,
	# dl also applies the layers
	prep_dl="dl image rm -f $reg/bench:1 >/dev/null 2>&1; rm -rf $DL_ROOT/blobs/sha256/*; $SETTLE; $DROP"
	prep_sk="rm -rf $MNT/sk.oci; $DROP"
	prep_pm="$pod rmi -a -f >/dev/null 2>&1; $DROP"
	hf_set "$RUNS_FULL" 0 \
		pull-dl "$prep_dl" "dl pull -q $reg/bench:1 >/dev/null" \
		pull-skopeo "$prep_sk" \
		"skopeo copy -q --src-tls-verify=false docker://$reg/bench:1 oci:$MNT/sk.oci:1" \
		pull-podman "$prep_pm" \
		"$pod pull -q --tls-verify=false $reg/bench:1 >/dev/null"
	compare "pull of a 3-layer image ($(bytes_h "$usize"), gzip $(bytes_h "$size"))" \
		pull-dl pull-skopeo "skopeo copy to an OCI dir:" 1.0
	compare "pull of that image vs podman pull" pull-dl pull-podman \
		"podman pull:" 0.3
	# what a pull that unpacks costs at least: each layer fetched with
	# curl into tar -xz, one after the other, on a subvolume, then sync
	local layers=() u
	for u in $(jq -r '.layers[].digest' \
		"$l/blobs/sha256/$(jq -r '.manifests[0].digest' "$l/index.json" |
			cut -c8-)")
	do
		layers+=("curl -s http://$reg/v2/bench/blobs/$u | tar -xzf - -C $MNT/raw")
	done
	hf_set "$RUNS_FULL" 0 \
		pull-raw "btrfs subvolume delete $MNT/raw >/dev/null 2>&1; $SETTLE; $DROP" \
		"btrfs subvolume create $MNT/raw >/dev/null && $(printf '%s && ' "${layers[@]}")sync"
	compare "pull of that image vs curl | tar -xz of each layer + sync" \
		pull-dl pull-raw "curl | tar -xz:" 1.1
	btrfs subvolume delete "$MNT/raw" >/dev/null 2>&1 || true

	# push: an empty registry before each run (then the source's blobs
	# only, from the store, the OCI dir, podman's storage)
	dl pull -q "$reg/bench:1" >/dev/null
	rm -rf -- "$MNT/sk.oci"
	skopeo copy -q --src-tls-verify=false "docker://$reg/bench:1" "oci:$MNT/sk.oci:1"
	podman_cmd pull -q --tls-verify=false "$reg/bench:1" >/dev/null
	hf_set "$RUNS_FULL" 0 \
		push-dl "$reset; $DROP" \
		"dl push -q $reg/bench:1 $reg/other:1 >/dev/null" \
		push-skopeo "$reset; $DROP" \
		"skopeo copy -q --dest-tls-verify=false oci:$MNT/sk.oci:1 docker://$reg/other:1" \
		push-podman "$reset; $DROP" \
		"$pod push -q --tls-verify=false $reg/bench:1 docker://$reg/other:1"
	compare "push of that image, store to registry" push-dl push-skopeo \
		"skopeo copy from an OCI dir:" 1.0
	compare "push of that image vs podman push" push-dl push-podman \
		"podman push:" 0.3
	kill "$(cat "$BENCH_TMP/registry.pid")" 2>/dev/null || true
	rm -f -- "$BENCH_TMP/registry.pid"
	podman_cmd rmi -a -f >/dev/null 2>&1 || true
	dl image rm -f "$reg/bench:1" >/dev/null 2>&1 || true
	rm -rf -- "$l" "$MNT/sk.oci" "$MNT/registry" "$MNT"/reg-l?.tar
}

# --- part 9: dl build vs podman build --------------------------------------

part9() {
	local ctx=$MNT/build-ctx big=$MNT/build-big pod i n

	printf '\n== 9. build: dl build vs podman build ==\n'
	command -v podman >/dev/null || bench_die "'podman' is not installed"
	image_id busybox >/dev/null 2>&1 ||
		dl image bootstrap busybox >/dev/null
	podman_setup
	pod="CONTAINERS_CONF=$PODMAN_DIR/containers.conf TMPDIR=$PODMAN_DIR/tmp podman --root $PODMAN_DIR/root --runroot $PODMAN_DIR/runroot"
	dl save -o "$MNT/busybox.tar" busybox
	podman_cmd load -q -i "$MNT/busybox.tar" >/dev/null
	rm -f -- "$MNT/busybox.tar"

	# 9a. ten instructions: four RUNs, a COPY, the rest config
	rm -rf -- "$ctx"
	mkdir -p "$ctx"
	echo hello >"$ctx/f1"
	cat >"$ctx/Dockerfile" <<-'EOF'
		FROM busybox
		RUN echo one >/one
		ENV A=1
		RUN echo two >/two
		WORKDIR /w
		COPY f1 /w/f1
		RUN cat /w/f1 >/w/f2
		LABEL bench=yes
		RUN ls / >/w/ls
		CMD ["sh"]
	EOF
	hf_set "$RUNS_FULL" 1 \
		build-cold-dl "" \
		"dl build -q --no-cache --network none -t bench-b:1 $ctx >/dev/null" \
		build-cold-podman "" \
		"$pod build -q --no-cache --runtime runc --network none -t bench-b:1 $ctx >/dev/null"
	compare "build of a 10-step Dockerfile, cold" build-cold-dl \
		build-cold-podman "podman build:" 0.5
	dl build -q --network none -t bench-b:1 "$ctx" >/dev/null
	podman_cmd build -q --runtime runc --network none -t bench-b:1 "$ctx" >/dev/null
	hf_set "$RUNS_LAYER" 1 \
		build-warm-dl "" \
		"dl build -q --network none -t bench-b:1 $ctx >/dev/null" \
		build-warm-podman "" \
		"$pod build -q --runtime runc --network none -t bench-b:1 $ctx >/dev/null"
	compare "rebuild of that Dockerfile, every step cached" build-warm-dl \
		build-warm-podman "podman build:" 0.1
	log "cached rebuild: $(hf_show build-warm-dl) (target <= 100 ms)"

	# 9b. COPY . /app of 5,000 files, 160 MiB, on the store's btrfs
	rm -rf -- "$big"
	mkdir -p "$big/src"
	n=0
	for i in $(seq 0 49)
	do
		mkdir -p "$big/src/d$i"
		head -c $((100 * 32 * 1024)) /dev/urandom |
			split -b $((32 * 1024)) -a 3 - "$big/src/d$i/f"
		n=$((n + 100))
	done
	printf 'FROM busybox\nCOPY . /app\n' >"$big/src/Dockerfile"
	log "context: $n files, $(bytes_h "$(du -s -B1 --apparent-size "$big/src" | cut -f1)")"
	hf_set "$RUNS_FULL" 1 \
		copy-cold-dl "$DROP" \
		"dl build -q --no-cache --network none -t bench-c:1 $big/src >/dev/null" \
		copy-cold-podman "$DROP" \
		"$pod build -q --no-cache --runtime runc --network none -t bench-c:1 $big/src >/dev/null" \
		copy-cp "rm -rf $big/cp; $DROP" \
		"cp -a --reflink=auto $big/src $big/cp"
	compare "build of COPY . /app, a context of $n files, cold" \
		copy-cold-dl copy-cold-podman "podman build:" 0.2
	compare "the same vs cp -a --reflink=auto of the context" \
		copy-cold-dl copy-cp "cp -a --reflink=auto:" 1.2
	dl build -q --network none -t bench-c:1 "$big/src" >/dev/null
	hf_set "$RUNS_LAYER" 1 \
		copy-warm-dl "" \
		"dl build -q --network none -t bench-c:1 $big/src >/dev/null"
	row "rebuild of that COPY, the context unchanged" \
		"$(hf_show copy-warm-dl)" "" "" "<= 100 ms" \
		"$(awk -v t="$(hf_mean copy-warm-dl)" 'BEGIN { print (t <= 0.1) ? "MET" : "MISSED" }')"
	dl image rm -f bench-b:1 bench-c:1 >/dev/null 2>&1 || true
	dl builder prune >/dev/null 2>&1 || true
	podman_cmd rmi -a -f >/dev/null 2>&1 || true
	rm -rf -- "$ctx" "$big"
}

# --- run the parts; one failing does not stop the others -------------------

for p in $BENCH_PARTS
do
	case "$p" in
	1|2|3|4|5|6|7|8|9)
		;;
	*)
		bench_die "unknown part '$p' (BENCH_PARTS: 1 2 3 4 5 6 7 8 9)"
		;;
	esac
	# A subshell resets the traps: set them again, so that Ctrl-C
	# stops the part even when hyperfine takes the signal and exits 0
	(
		set -e
		trap 'exit 130' INT
		trap 'exit 143' TERM
		"part$p"
	)
	rc=$?
	if test "$rc" != 0
	then
		case "$rc" in
		130|143)
			exit "$rc"
			;;
		esac
		log "part $p failed (exit status $rc)"
		row "part $p" - - - - "FAILED (status $rc, see above)"
	fi
done

summary
exit 0
