# SPDX-License-Identifier: Apache-2.0
# dl.bash: bash completion of dl (and, through bashcompinit, zsh's)
#
# Nothing here lists a command or an option: the commands come from the
# "Commands" parts of 'dl --help' and 'dl NOUN --help', the options from
# the option lines of 'dl COMMAND --help', the help every command prints
# from its own tables.  What an operand is comes from the synopsis:
# CONTAINER, IMAGE, NAME|ID, VOLUME, NETWORK, FILE, DIR.
# shellcheck shell=bash

# _dl_help WORDS...: 'dl WORDS --help'
_dl_help() {
	dl "$@" --help 2>/dev/null
}

# _dl_commands WORDS...: the commands of 'dl WORDS --help' (two spaces,
# then a lower-case word)
_dl_commands() {
	_dl_help "$@" | sed -n 's/^  \([a-z][a-z-]*\)\( .*\)\{0,1\}$/\1/p'
}

# _dl_options WORDS...: "OPTION ARG" lines of 'dl WORDS --help' (ARG
# empty for a flag): an option line starts with a dash; its options and
# argument are what comes before two spaces
_dl_options() {
	_dl_help "$@" | awk '
		/^ +-/ {
			sub(/^ +/, "")
			split($0, part, /  +/)
			n = split(part[1], w, " ")
			arg = ""
			for (i = 1; i <= n; i++)
				if (w[i] !~ /^-/)
					arg = arg (arg == "" ? "" : " ") w[i]
			for (i = 1; i <= n; i++)
				if (w[i] ~ /^-/) {
					o = w[i]
					sub(/,$/, "", o)
					sub(/=.*/, "", o)
					print o " " arg
				}
		}'
}

# _dl_synopsis WORDS...: the synopsis of 'dl WORDS'
_dl_synopsis() {
	_dl_help "$@" | sed -n '1s/^usage: //p'
}

_dl_exec() {
	local p
	p=$(dl --exec-path 2>/dev/null) || return 0
	p=$p/$1
	shift
	"$p" "$@" 2>/dev/null
}

_dl_containers() {
	_dl_exec dl-container-inspect -o name
}

_dl_images() {
	_dl_exec dl-image-ls -o repo,tag | awk -F '\t' '$1 != "<none>" { print $1 ":" $2 }'
}

_dl_networks() {
	dl network ls 2>/dev/null | awk 'NR > 1 { print $1 }'
}

_dl_volumes() {
	dl volume ls -q 2>/dev/null
}

# _dl_operand SYNOPSIS N: the kind of the Nth operand (from 1) of a
# synopsis: container, image, volume, network, file, other or nothing.
# The operands are the upper-case words outside an option's brackets
# ("[-t SECONDS]"), optional ones ("[COMMAND") too; one written with
# "..." repeats (CONTAINER...).
_dl_operand() {
	awk -v syn="$1" -v n="$2" '
	function brackets(s,   t) {
		t = s
		return gsub(/\[/, "", t) - gsub(/\]/, "", s)
	}
	BEGIN {
		m = split(syn, w, " ")
		k = depth = og = 0
		for (i = 1; i <= m; i++) {
			x = w[i]
			if (og) {
				depth += brackets(x)
				if (depth <= base)
					og = 0
				continue
			}
			if (x ~ /^\[+-/) {
				base = depth
				depth += brackets(x)
				og = depth > base
				continue
			}
			depth += brackets(x)
			y = x
			sub(/^\[+/, "", y)
			if (y !~ /^[A-Z]/)
				continue
			if (y ~ /CONTAINER/) kind = "container"
			else if (y ~ /IMAGE/ || y ~ /^NAME\|ID/) kind = "image"
			else if (y ~ /VOLUME/) kind = "volume"
			else if (y ~ /NETWORK/) kind = "network"
			else if (y ~ /^(SOURCE|DEST)/)
				kind = syn ~ /^dl image / ? "image" : "file"
			else if (y ~ /FILE|DIR|PATH/) kind = "file"
			else kind = "other"
			kinds[++k] = kind
			rep[k] = x ~ /\.\.\./
		}
		if (n <= k)
			print kinds[n]
		else if (k && rep[k])
			print kinds[k]
	}'
}

# _dl_reply WORDS: COMPREPLY, the words (one a line) that start with $cur
_dl_reply() {
	local IFS='
'
	# shellcheck disable=SC2207 # one candidate a line
	COMPREPLY=($(compgen -W "$1" -- "$cur"))
}

_dl_files() {
	local IFS='
'
	# shellcheck disable=SC2207 # one candidate a line
	COMPREPLY=($(compgen -f -- "$cur"))
}

_dl() {
	# zsh, through bashcompinit: arrays from 0, words split, as in bash
	[ -z "${ZSH_VERSION:-}" ] || emulate -L ksh
	local cur=${COMP_WORDS[COMP_CWORD]} cmd=() i w opts kind argof
	local prev=${COMP_WORDS[COMP_CWORD - 1]} nouns
	COMPREPLY=()
	# the command words: dl [NOUN] [VERB], options skipped
	for ((i = 1; i < COMP_CWORD; i++)); do
		w=${COMP_WORDS[i]}
		case "$w" in -*) break ;; esac
		if [ ${#cmd[@]} -eq 0 ]; then
			cmd=("$w")
			continue
		fi
		nouns=$(_dl_commands "${cmd[@]}")
		if [ ${#cmd[@]} -eq 1 ] && grep -qx -- "$w" <<<"$nouns"; then
			cmd+=("$w")
			continue
		fi
		break
	done
	if [ ${#cmd[@]} -eq 0 ]; then
		_dl_reply "$(_dl_commands; printf '%s\n' help --version --exec-path)"
		return
	fi
	if [ ${#cmd[@]} -eq 1 ] && [ "$i" -eq "$COMP_CWORD" ] &&
		[ -n "$(_dl_commands "${cmd[@]}")" ] && [[ "$cur" != -* ]]; then
		_dl_reply "$(_dl_commands "${cmd[@]}")"
		return
	fi
	opts=$(_dl_options "${cmd[@]}")
	# the value of an option that takes one
	argof=$(awk -v o="$prev" '$1 == o { print $2 }' <<<"$opts")
	if [ -n "$argof" ] && [[ "$prev" == -* ]]; then
		case "$argof" in
		*FILE* | *DIR* | SRC*) _dl_files ;;
		[a-z]*) _dl_reply "$(printf '%s\n' "$argof" | tr '|' '\n')" ;;
		esac
		return
	fi
	if [[ "$cur" == -* ]]; then
		_dl_reply "$(awk '{ print $1 }' <<<"$opts"; echo --help)"
		return
	fi
	# which operand this is: words after the command, option values out
	local n=1
	for ((; i < COMP_CWORD; i++)); do
		w=${COMP_WORDS[i]}
		if [[ "$w" == -* ]]; then
			[ -z "$(awk -v o="$w" '$1 == o { print $2 }' <<<"$opts")" ] || i=$((i + 1))
			continue
		fi
		n=$((n + 1))
	done
	kind=$(_dl_operand "$(_dl_synopsis "${cmd[@]}")" "$n")
	case "$kind" in
	container) _dl_reply "$(_dl_containers)" ;;
	image) _dl_reply "$(_dl_images)" ;;
	volume) _dl_reply "$(_dl_volumes)" ;;
	network) _dl_reply "$(_dl_networks)" ;;
	file) _dl_files ;;
	esac
}

complete -F _dl dl
