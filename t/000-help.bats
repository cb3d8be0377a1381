#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# 000-help.bats: every program has conforming help and usage errors, and its
# synopsis is in MANUAL.md (the fail-fast set: no root, no btrfs needed).

load helpers

# programs: every helper, then every front command as "dl NOUN"
programs() {
	local f
	for f in "$DL_TOP"/helpers/dl-*.c; do
		basename "$f" .c
	done
	for f in "$DL_TOP"/bin/dl-*; do
		printf 'dl %s\n' "${f##*/dl-}"
	done
}

# the exit code of a usage error: 125 for the run family, else 2
usage_code() {
	case "$1" in
	dl-spawn | dl-attach | dl-container-new | "dl run") echo 125 ;;
	*) echo 2 ;;
	esac
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

@test "help: every program refuses a bad option with its usage on stderr" {
	local p code bad=
	while read -r p; do
		code=$(usage_code "$p")
		# shellcheck disable=SC2086 # "dl NOUN" is two words
		run --separate-stderr $p --no-such-option
		if [ "$status" -ne "$code" ] || [ -n "$output" ] ||
			[[ "$stderr" != *"usage: "* ]]; then
			echo "$p --no-such-option: status $status (want $code), stdout '$output', stderr '$stderr'"
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
}
