#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# 000-help.bats: every program has conforming help and usage errors, and its
# synopsis is in MANUAL.md (the fail-fast set: no root, no btrfs needed).

# shellcheck disable=SC2030,SC2031,SC2154 # each test is a subshell; run sets $stderr and $stderr_lines

load helpers

# verbs FILE: the VERBS list a noun script dispatches on (dl_dispatch)
verbs() {
	sed -n "s/^VERBS='\(.*\)'$/\1/p" "$1"
}

# programs: every helper, every front command as "dl NOUN", then every
# subcommand each noun script dispatches: "dl image create", and the
# container ones as dl runs them, "dl stop"
programs() {
	local f noun v
	for f in "$DL_TOP"/helpers/dl-*.c; do
		basename "$f" .c
	done
	for f in "$DL_TOP"/bin/dl-*; do
		noun=${f##*/dl-}
		printf 'dl %s\n' "$noun"
		for v in $(verbs "$f"); do
			# each container verb is also "dl VERB", as in
			# Docker, but prune
			if [ "$noun" = container ] && [ "$v" != prune ]; then
				printf 'dl %s\n' "$v"
			else
				printf 'dl %s %s\n' "$noun" "$v"
			fi
		done
	done
}

# the exit code of a usage error: 125 for the run family's front
# commands, else 2 (dl-spawn and dl-attach, the helpers they become, too)
usage_code() {
	case "$1" in
	"dl run" | "dl exec" | "dl attach" | "dl wait") echo 125 ;;
	*) echo 2 ;;
	esac
}

@test "help: the subcommands are derived from the scripts' dispatch" {
	run -0 programs
	assert_line 'dl image bootstrap'
	assert_line 'dl image history'
	assert_line 'dl create'
	assert_line 'dl cp'
	assert_line 'dl system check'
	assert_line 'dl init'
}

# check_synopsis PROG LINE: operands upper case, option groups ([-x ARG])
# before every operand; option arguments inside a group are not operands
check_synopsis() {
	local prog=$1 line=$2 rest c next depth=0 group='' seen_operand='' i
	[[ "$line" == "usage: $prog"* ]] || {
		echo "$prog: help does not start with 'usage: $prog': $line"
		return 1
	}
	rest=${line#usage: "$prog"}
	for ((i = 0; i < ${#rest}; i++)); do
		c=${rest:i:1}
		next=${rest:i+1:1}
		if [ "$depth" -eq 0 ]; then
			if [ "$c" = "[" ] && [ "$next" = "-" ]; then
				if [ -n "$seen_operand" ]; then
					echo "$prog: option group after an operand: $line"
					return 1
				fi
				group=option
			elif [ "$c" = "[" ]; then
				group=operand
			elif [[ "$c" == [A-Z] ]]; then
				seen_operand=1
			elif [ "$c" = "-" ] && [ -n "$seen_operand" ] &&
				[ "${rest:i-1:1}" = " " ]; then
				echo "$prog: option after an operand: $line"
				return 1
			fi
		fi
		case "$c" in
		"[") depth=$((depth + 1)) ;;
		"]")
			depth=$((depth - 1))
			[ "$depth" -ne 0 ] || [ "$group" != operand ] || seen_operand=1
			;;
		esac
	done
}

@test "help: dl --help, dl help and dl --version" {
	run -0 --separate-stderr dl --help
	assert_line --index 0 --partial 'usage: dl '
	[ -z "$stderr" ]
	run -0 dl help
	assert_line --partial 'image'
	run -0 dl --version
	assert_output --regexp '^dl version [0-9]+\.[0-9]+\.[0-9]+$'
	run -0 dl --exec-path
	assert [ -x "$output/dl-store-info" ]
}

@test "help: dl with no command or an unknown one is a usage error" {
	run -2 --separate-stderr dl
	assert_output ''
	[[ "$stderr" == "dl: usage: dl "* ]]
	run -2 --separate-stderr dl no-such-command
	assert_output ''
	[[ "$stderr" == "dl: fatal: unable to run 'no-such-command': not a dl command"* ]]
	run -2 --separate-stderr dl ../etc
	[[ "$stderr" == "dl: fatal: unable to run "* ]]
}

@test "help: every program's --help exits 0 with a conforming synopsis on stdout" {
	local p bad=
	while read -r p; do
		# shellcheck disable=SC2086 # "dl NOUN" is two words
		run --separate-stderr $p --help
		if [ "$status" -ne 0 ] || [ -n "$stderr" ]; then
			echo "$p --help: status $status, stderr: $stderr"
			bad=1
			continue
		fi
		check_synopsis "$p" "${lines[0]}" || bad=1
	done < <(programs)
	[ -z "$bad" ]
}

@test "help: every program refuses a bad option with one usage line on stderr" {
	local p code syn err bad=
	while read -r p; do
		code=$(usage_code "$p")
		# shellcheck disable=SC2086 # "dl NOUN" is two words
		syn=$($p --help | head -n 1)
		syn=${syn#usage: }
		# shellcheck disable=SC2086
		run --separate-stderr $p --no-such-option
		# dl-snapshot is several commands: its usage lists them all
		err=$stderr
		[ "$p" != dl-snapshot ] || err=${err%%$'\n'*}
		if [ "$status" -ne "$code" ] || [ -n "$output" ] ||
			[ "$err" != "$p: usage: $syn" ]; then
			echo "$p --no-such-option: status $status (want $code), stdout '$output', stderr '$stderr' (want '$p: usage: $syn')"
			bad=1
		fi
	done < <(programs)
	[ -z "$bad" ]
}

@test "help: a bad short option is one usage line too (no getopt message)" {
	local p code bad=
	while read -r p; do
		case "$p" in dl\ * | dl-snapshot) continue ;; esac
		code=$(usage_code "$p")
		run --separate-stderr "$p" -Z
		if [ "$status" -ne "$code" ] || [ -n "$output" ] ||
			[ "${#stderr_lines[@]}" -ne 1 ] ||
			[[ "$stderr" != "$p: usage: "* ]]; then
			echo "$p -Z: status $status (want $code), stdout '$output', stderr '$stderr'"
			bad=1
		fi
	done < <(programs)
	[ -z "$bad" ]
}

@test "help: every program's synopsis is in MANUAL.md" {
	local p syn bad=
	while read -r p; do
		# shellcheck disable=SC2086
		syn=$($p --help | head -n 1)
		syn=${syn#usage: }
		if ! grep -qF -- "$syn" "$DL_TOP/MANUAL.md"; then
			echo "MANUAL.md lacks the synopsis of $p: $syn"
			bad=1
		fi
	done < <(programs)
	[ -z "$bad" ]
}

@test "help: dl help COMMAND shows that command's help" {
	run -0 dl help image
	assert_line --index 0 'usage: dl image [--help] COMMAND [ARG...]'
	run -0 dl image create --help
	assert_line --index 0 --partial 'usage: dl image create '
	run -0 --separate-stderr dl help run
	assert_line --index 0 'usage: dl run [options] IMAGE[+IMAGE...] [COMMAND [ARG...]]'
	assert_line --partial '--env-file FILE'
}

@test "help: dl run --help is dl-container-new's option table" {
	run -0 --separate-stderr dl run --help
	local run_help=("${lines[@]:1}")
	run -0 --separate-stderr dl-container-new --help
	assert_equal "${run_help[*]}" "${lines[*]:1}"
	run -0 --separate-stderr dl create --help
	assert_line --index 0 'usage: dl create [options] IMAGE[+IMAGE...] [COMMAND [ARG...]]'
}

@test "help: a usage error names the command as typed" {
	run -2 --separate-stderr dl container stop --no-such-option
	assert_equal "$stderr" 'dl container stop: usage: dl stop [-t SECONDS] CONTAINER...'
	run -2 --separate-stderr dl image nosuch
	assert_equal "$stderr" "dl image: fatal: unable to run 'image nosuch': not a 'dl image' command (see 'dl image --help')"
	run -2 --separate-stderr dl images --no-such-option
	assert_equal "$stderr" 'dl images: usage: dl image ls [-a] [-q] [--no-trunc] [-f FILTER]... [--format FORMAT] [REPOSITORY[:TAG]]'
	run -2 --separate-stderr dl image bootstrap --no-such-option
	assert_equal "$stderr" 'dl image bootstrap: usage: dl image bootstrap busybox|debian[:SUITE] [NAME[:TAG]]'
}

@test "help: an exported DL_RUN_MODE, DL_USAGE_EXIT or DL_DIE_EXIT changes nothing" {
	export DL_RUN_MODE=create DL_USAGE_EXIT=0 DL_DIE_EXIT=0
	export DL_ROOT="$BATS_TEST_TMPDIR/nostore"
	run -125 --separate-stderr dl run busybox true
	assert_output ''
	assert_equal "$stderr" "dl run: fatal: unable to open store '$DL_ROOT': not initialised (run 'dl init')"
	run -2 --separate-stderr dl ps --no-such-option
	run -1 --separate-stderr dl ps
}

# every command that needs a store: 1 when there is none, 125 in the run
# family, with the same message, naming the command
@test "help: a missing store is 1 (125 for the run family) from every command" {
	local c code prog bad=
	export DL_ROOT="$BATS_TEST_TMPDIR/nostore"
	while IFS='|' read -r code prog c; do
		# shellcheck disable=SC2086 # the command and its operands
		run --separate-stderr $prog $c
		if [ "$status" -ne "$code" ] || [ -n "$output" ] ||
			[ "$stderr" != "$prog: fatal: unable to open store '$DL_ROOT': not initialised (run 'dl init')" ]; then
			echo "$prog $c: status $status (want $code), stdout '$output', stderr '$stderr'"
			bad=1
		fi
	done <<-EOF
		125|dl run|busybox true
		125|dl exec|c true
		125|dl wait|c
		125|dl start|-a c
		1|dl create|busybox true
		1|dl start|c
		1|dl ps|
		1|dl logs|c
		1|dl stop|c
		1|dl kill|c
		1|dl rm|c
		1|dl commit|c
		1|dl diff|c
		1|dl cp|c:/a /tmp/b
		1|dl image create|n:t /
		1|dl image ls|
		1|dl image inspect|busybox
		1|dl image rm|busybox
		1|dl image tag|busybox b:1
		1|dl image history|busybox
		1|dl inspect|busybox
		1|dl info|
		1|dl system check|
	EOF
	[ -z "$bad" ]
}

@test "help: a missing store is 1 and one message from every helper that uses it" {
	local p a root bad='' id=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
	export DL_ROOT="$BATS_TEST_TMPDIR/nostore"
	for root in "$DL_ROOT" "$BATS_TEST_TMPDIR/empty"; do
		mkdir -p "$BATS_TEST_TMPDIR/empty"
		export DL_ROOT=$root
		while IFS='|' read -r p a; do
			# shellcheck disable=SC2086 # the operands
			run --separate-stderr "$p" ${a//ID/$id}
			if [ "$status" -ne 1 ] || [ -n "$output" ] ||
				[ "$stderr" != "$p: fatal: unable to open store '$DL_ROOT': not initialised (run 'dl init')" ]; then
				echo "$p $a: status $status (want 1), stdout '$output', stderr '$stderr'"
				bad=1
			fi
		done <<-EOF
			dl-ref-get|n
			dl-ref-ls|
			dl-ref-resolve|n
			dl-ref-rm|n
			dl-ref-set|n ID
			dl-image-ls|
			dl-image-inspect|ID
			dl-image-rm|ID
			dl-image-new|/
			dl-container-new|busybox
			dl-container-inspect|
			dl-container-rm|ID
			dl-spawn|ID
			dl-attach|ID true
			dl-state|ID
			dl-stop|ID
			dl-kill|ID
			dl-commit|ID
			dl-diff|ID
			dl-cp|ID:/a /tmp/b
			dl-store-check|
			dl-store-sweep|
			dl-store-info|
		EOF
	done
	[ -z "$bad" ]
}

@test "help: an operand that is not an ID is 2 and one wording from every helper" {
	local p verb a bad=
	while IFS='|' read -r p verb a; do
		# shellcheck disable=SC2086 # the operands
		run --separate-stderr "$p" $a
		if [ "$status" -ne 2 ] || [ -n "$output" ] ||
			[ "$stderr" != "$p: fatal: unable to $verb 'abc': not a valid ID (64 lowercase hex digits)" ]; then
			echo "$p $a: status $status (want 2), stdout '$output', stderr '$stderr'"
			bad=1
		fi
	done <<-EOF
		dl-spawn|start container|abc
		dl-attach|exec in container|abc true
		dl-state|read state of container|abc
		dl-stop|stop container|abc
		dl-kill|kill container|abc
		dl-commit|commit container|abc
		dl-diff|diff container|abc
		dl-container-rm|remove container|abc
		dl-container-inspect|inspect container|abc
		dl-image-rm|remove image|abc
		dl-image-inspect|inspect|abc
		dl-ref-ls|list|abc
		dl-image-derive|derive from image|abc x
		dl-build-copy|copy into image|/tmp abc /x .
	EOF
	[ -z "$bad" ]
}

@test "help: the run family's own usage errors are 125, an empty -e name too" {
	run --separate-stderr dl exec --bogus c true
	[ "$status" -eq 125 ]
	run --separate-stderr dl run --bogus busybox
	[ "$status" -eq 125 ]
	run --separate-stderr dl exec -e =X c true
	[ "$status" -eq 125 ]
	[ "$stderr" = "dl exec: fatal: unable to set variable '': empty name" ]
}
