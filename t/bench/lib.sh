#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# t/bench/lib.sh: timing, ratio and report helpers for t/bench/run.sh
# shellcheck shell=bash
# (sourced; it expects $BENCH_TMP and $BENCH_RESULTS from run.sh)

# log MESSAGE...: progress on stderr
log() {
	printf 'bench: %s\n' "$*" >&2
}

# bench_die MESSAGE...: give up (the EXIT trap cleans up)
bench_die() {
	printf 'bench: fatal: %s\n' "$*" >&2
	exit 1
}

# hf NAME RUNS WARMUP PREPARE COMMAND [noshell]: time COMMAND with
# hyperfine (PREPARE before every run, '' for none), keep its JSON as
# NAME.json and its report on stderr; fails when a run fails.  With
# noshell, COMMAND is a plain command line run without a shell (-N: for
# commands of a few ms, where the shell's start-up is as long as they are)
hf() {
	local name=$1 runs=$2 warmup=$3 prepare=$4 cmd=$5 noshell=${6:-}
	local args=(--style basic --runs "$runs" --warmup "$warmup"
		--export-json "$BENCH_TMP/$name.json" --command-name "$name")

	if test -n "$noshell"
	then
		args+=(-N)
		# -N runs PREPARE without a shell too
		test -z "$prepare" || prepare="sh -c '$prepare'"
	fi
	if test -n "$prepare"
	then
		args+=(--prepare "$prepare")
	fi
	log "hyperfine $name: $cmd"
	hyperfine "${args[@]}" "$cmd" >&2
}

# hf_set ROUNDS WARMUP NAME PREPARE COMMAND [NAME PREPARE COMMAND]...:
# time the commands in turn, one run of each per round, so that a change
# in the machine's load (other jobs, writeback) hits them all alike; each
# run is one hyperfine invocation (PREPARE before it, WARMUP untimed runs
# in the first round), and the runs of NAME are merged into NAME.json.
# HF_NOSHELL=1: run the commands without a shell (as hf ... noshell)
hf_set() {
	local rounds=$1 warmup=$2 r i n
	local -a names=() preps=() cmds=() args

	shift 2
	while test $# -ge 3
	do
		names+=("$1")
		preps+=("$2")
		cmds+=("$3")
		shift 3
	done
	n=${#names[@]}
	for ((i = 0; i < n; i++))
	do
		log "hyperfine ${names[i]} (in turn with the others, $rounds rounds): ${cmds[i]}"
	done
	for ((r = 1; r <= rounds; r++))
	do
		for ((i = 0; i < n; i++))
		do
			args=(--style none --runs 1
				--export-json "$BENCH_TMP/${names[i]}.r$r.json"
				--command-name "${names[i]}")
			if test "$r" = 1 && test "$warmup" -gt 0
			then
				args+=(--warmup "$warmup")
			fi
			if test -n "${HF_NOSHELL:-}"
			then
				args+=(-N)
				if test -n "${preps[i]}"
				then
					args+=(--prepare "sh -c '${preps[i]}'")
				fi
			elif test -n "${preps[i]}"
			then
				args+=(--prepare "${preps[i]}")
			fi
			if ! hyperfine "${args[@]}" "${cmds[i]}" \
				>"$BENCH_TMP/hf.log" 2>&1
			then
				cat -- "$BENCH_TMP/hf.log" >&2
				return 1
			fi
		done
	done
	for ((i = 0; i < n; i++))
	do
		jq -s --arg name "${names[i]}" '
			[.[].results[0].times[]] as $t |
			($t | length) as $n |
			($t | add / $n) as $m |
			{results: [{command: $name, mean: $m,
				stddev: (if $n > 1 then
					(($t | map((. - $m) * (. - $m)) | add) /
					 ($n - 1) | sqrt) else 0 end),
				min: ($t | min), max: ($t | max), times: $t}]}' \
			"$BENCH_TMP/${names[i]}".r*.json >"$BENCH_TMP/${names[i]}.json" ||
			return 1
		rm -f -- "$BENCH_TMP/${names[i]}".r*.json
		log "  ${names[i]}: $(hf_show "${names[i]}"), median $(hf_median "${names[i]}"), range $(hf_range "${names[i]}"), $rounds runs"
	done
}

# hf_median_s NAME: the median of NAME in seconds; hf_median: "11.2 ms"
hf_median_s() {
	jq -r '.results[0].times | sort |
		if length % 2 == 1 then .[length / 2 | floor]
		else (.[length / 2 - 1] + .[length / 2]) / 2 end' \
		"$BENCH_TMP/$1.json"
}

hf_median() {
	awk -v m="$(hf_median_s "$1")" 'BEGIN { printf "%.1f ms\n", m * 1000 }'
}

# hf_range NAME: "10.1 … 12.3 ms"
hf_range() {
	jq -r '.results[0] | "\(.min * 1000 * 10 | round / 10) … \(.max * 1000 * 10 | round / 10) ms"' \
		"$BENCH_TMP/$1.json"
}

# hf_mean NAME: the mean of NAME in seconds; hf_sd NAME: its deviation
hf_mean() {
	jq -r '.results[0].mean' "$BENCH_TMP/$1.json"
}

hf_sd() {
	jq -r '.results[0].stddev // 0' "$BENCH_TMP/$1.json"
}

# hf_show NAME: "12.3 ms ± 0.4" (mean and standard deviation)
hf_show() {
	awk -v m="$(hf_mean "$1")" -v s="$(hf_sd "$1")" 'BEGIN {
		if (m >= 1)
			printf "%.3f s ± %.3f\n", m, s
		else
			printf "%.1f ms ± %.1f\n", m * 1000, s * 1000
	}'
}

# ratio A B: A / B with three decimals
ratio() {
	awk -v a="$1" -v b="$2" 'BEGIN {
		if (b == 0)
			print "inf"
		else
			printf "%.3f\n", a / b
	}'
}

# verdict RATIO MAX: MET when RATIO <= MAX, else MISSED
verdict() {
	if awk -v r="$1" -v m="$2" 'BEGIN { exit !(r <= m) }'
	then
		echo MET
	else
		echo MISSED
	fi
}

# row METRIC DL REFERENCE RATIO TARGET RESULT: one line of the summary
row() {
	printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$@" >>"$BENCH_RESULTS"
}

# compare METRIC DLNAME REFNAME REFLABEL MAX: a summary row from two
# hyperfine results, with the verdict of mean(DL) / mean(REF) <= MAX
compare() {
	local metric=$1 dl=$2 ref=$3 label=$4 max=$5 r v

	r=$(ratio "$(hf_mean "$dl")" "$(hf_mean "$ref")")
	v=$(verdict "$r" "$max")
	row "$metric" "$(hf_show "$dl")" "$label $(hf_show "$ref")" \
		"${r}x" "<= ${max}x" "$v"
	printf 'bench: %s: %s / %s = %sx (target <= %sx): %s\n' "$metric" \
		"$(hf_show "$dl")" "$(hf_show "$ref")" "$r" "$max" "$v"
	# the medians too: one stray slow run moves a mean of few runs
	printf 'bench:   medians: %s / %s = %sx\n' "$(hf_median "$dl")" \
		"$(hf_median "$ref")" "$(ratio "$(hf_median_s "$dl")" \
		"$(hf_median_s "$ref")")"
}

# summary: the results as an aligned table
summary() {
	printf '\n== summary ==\n'
	{
		printf 'METRIC\tDL\tREFERENCE\tRATIO\tTARGET\tRESULT\n'
		cat -- "$BENCH_RESULTS"
	} | awk -F '\t' '{
		for (i = 1; i <= NF; i++) {
			cell[NR, i] = $i
			# count characters, not bytes (the "±")
			n = length($i)
			if ($i ~ /±/)
				n -= 1
			len[NR, i] = n
			if (n > w[i])
				w[i] = n
		}
		if (NF > nf)
			nf = NF
		rows = NR
	} END {
		for (r = 1; r <= rows; r++) {
			line = ""
			for (i = 1; i < nf; i++) {
				pad = w[i] - len[r, i] + 2
				line = line cell[r, i] sprintf("%" pad "s", "")
			}
			print line cell[r, nf]
		}
	}'
}

# mk_busybox_root DIR: a minimal root from the host's static busybox
mk_busybox_root() {
	local d=$1 bb a

	bb=$(command -v busybox) || return 1
	mkdir -p -- "$d"/{bin,sbin,etc,proc,sys,dev,tmp,root,usr/bin,usr/sbin}
	cp -- "$bb" "$d/bin/busybox"
	for a in $("$bb" --list-full)
	do
		test -e "$d/$a" || test -L "$d/$a" || ln -s /bin/busybox "$d/$a"
	done
	printf 'root:x:0:0:root:/root:/bin/sh\n' >"$d/etc/passwd"
	printf 'root:x:0:\n' >"$d/etc/group"
	chmod 1777 -- "$d/tmp"
}

# mk_rootfs_tar OUT BYTES WORK: a tar of a busybox root plus real files
# of the host (/usr/bin, then /usr/lib/x86_64-linux-gnu or the machine's
# multiarch directory, in C sort order,
# regular files with plain names, none a busybox applet path, none above
# BYTES/8 or 8 MiB) added until the root holds BYTES; WORK is a scratch
# directory, removed after
mk_rootfs_tar() {
	local out=$1 want=$2 work=$3 have cap lib

	# no single file above want/8 (at most 8 MiB): many files, as in a
	# real root, and little overshoot
	cap=$((want / 8))
	test "$cap" -le $((8 * 1024 * 1024)) || cap=$((8 * 1024 * 1024))

	mkdir -p -- "$work/root"
	mk_busybox_root "$work/root" || return 1
	have=$(du -s -B1 --apparent-size -- "$work/root" | cut -f1)
	busybox --list-full | LC_ALL=C sort >"$work/applets"
	lib=usr/lib/$(uname -m)-linux-gnu
	test -d "/$lib" || lib=usr/lib
	(
		cd / &&
			find usr/bin "$lib" -type f -printf '%s\t%p\n'
	) | LC_ALL=C sort -t "$(printf '\t')" -k2,2 |
		awk -F '\t' -v have="$have" -v want="$want" -v cap="$cap" '
			NR == FNR { applet[$0] = 1; next }
			have >= want { next }
			$1 <= cap && $2 ~ /^[A-Za-z0-9._+\/-]+$/ && !($2 in applet) {
				have += $1
				print $2
			}' "$work/applets" - >"$work/list"
	tar -C / -cf - --no-recursion -T "$work/list" |
		tar -C "$work/root" -xf - || return 1
	tar -C "$work/root" --sort=name --numeric-owner -cf "$out" . || return 1
	rm -rf -- "$work"
}

# bytes_h BYTES: "157.3 MB"
bytes_h() {
	awk -v b="$1" 'BEGIN { printf "%.1f MB\n", b / 1000000 }'
}
