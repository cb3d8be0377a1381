#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# 005-completion.bats: bash and zsh completion (share/dl.bash, share/_dl)
# offer the commands, options, option values and operands that the help
# and the option tables give, and cannot drift from what the commands
# accept.
# shellcheck disable=SC2154 # run sets $lines

load helpers
load lib-btrfs

# complete WORD...: the candidates bash offers for the last WORD
complete_words() {
	# shellcheck source=share/dl.bash
	. "$DL_TOP/share/dl.bash"
	COMP_WORDS=("$@")
	COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
	_dl
	printf '%s\n' "${COMPREPLY[@]}"
}

@test "completion: commands, verbs of a noun, options, option values" {
	run -0 complete_words dl st
	assert_output $'start\nstop\nstats'
	run -0 complete_words dl image ""
	assert_line save
	assert_line prune
	assert_line bootstrap
	run -0 complete_words dl system ""
	assert_output $'check\nprune\ndf'
	run -0 complete_words dl ps --
	assert_line --all
	assert_line --no-trunc
	assert_line --format
	run -0 complete_words dl system check --format ""
	assert_output json
	run -0 complete_words dl run --network ""
	assert_output $'bridge\nnone\nhost'
	run -0 complete_words dl stop -t ""
	assert_output ''
}

@test "completion: every long option of dl run's table is offered, and each offered one is in the table" {
	local table offered
	# the option table of dl-container-new, which dl run and dl create parse
	table=$(sed -n '/^static const struct option longopts/,/^};/s/^\t{ "\([a-z-]*\)".*/--\1/p' \
		"$DL_TOP/helpers/dl-container-new.c" | grep -vx -e --help -e --net | sort)
	[ -n "$table" ]
	offered=$(complete_words dl run -- | grep -v -e '^--help$' | sort)
	run diff <(echo "$table") <(echo "$offered")
	assert_success
	run -0 complete_words dl create --
	assert_line --network
	assert_line --memory
}

@test "completion: every long option a front command parses is in its help, so it is offered" {
	local f verb opt bad=
	for f in "$DL_TOP"/bin/dl-*; do
		noun=${f##*/dl-}
		# each cmd_VERB's case labels of long options
		while read -r verb opt; do
			[ "$opt" != --help ] || continue
			if [ "$noun" = container ] && [ "$verb" != prune ]; then
				words=(dl "$verb")
			else
				words=(dl "$noun" "$verb")
			fi
			run complete_words "${words[@]}" "$opt"
			if ! grep -qx -- "$opt" <<<"$output"; then
				echo "${words[*]}: $opt is parsed but not offered"
				bad=1
			fi
		done < <(awk '
			/^cmd_[a-z_]*\(\) \{/ { verb = substr($1, 5); sub(/\(\)/, "", verb); gsub(/_/, "-", verb) }
			/^}/ { verb = "" }
			verb != "" && /^\t\t-[-a-z|]*\)$/ {
				n = split(substr($1, 1, length($1) - 1), alt, "|")
				for (i = 1; i <= n; i++)
					if (alt[i] ~ /^--[a-z]/)
						print verb, alt[i]
			}' "$f")
	done
	[ -z "$bad" ]
}

@test "completion: operands by kind: containers, images, files" {
	busybox_store
	dl run -d --name web busybox sleep 1000 >/dev/null
	run -0 complete_words dl stop ""
	assert_output web
	run -0 complete_words dl exec -i w
	assert_output web
	run -0 complete_words dl run -d --name x ""
	assert_output busybox:latest
	run -0 complete_words dl image rm bu
	assert_output busybox:latest
	# COMMAND after the image: nothing of dl's
	run -0 complete_words dl run busybox ""
	assert_output ''
	cd "$BATS_TEST_TMPDIR"
	touch some-file
	run -0 complete_words dl image load -i some
	assert_output some-file
	dl rm -f web
}

@test "completion: zsh runs the same through bashcompinit" {
	command -v zsh >/dev/null || fail "zsh is not installed (make deps)"
	run -0 zsh -fc "autoload -U +X compinit && compinit -u -d '$BATS_TEST_TMPDIR/zcd'
		autoload -U +X bashcompinit && bashcompinit
		source '$DL_TOP/share/dl.bash'
		COMP_WORDS=(dl image ''); COMP_CWORD=2; _dl; print -l -- \$COMPREPLY
		COMP_WORDS=(dl run --network ''); COMP_CWORD=3; _dl; print -l -- \$COMPREPLY"
	assert_line prune
	assert_line bridge
	assert_line none
	# the installed _dl sources the installed bash file
	make -s -C "$DL_TOP" install DESTDIR="$BATS_TEST_TMPDIR/d" PREFIX=/opt/dlc >/dev/null
	assert_file_exists "$BATS_TEST_TMPDIR/d/opt/dlc/share/bash-completion/completions/dl"
	run -0 grep -c "source '/opt/dlc/share/bash-completion/completions/dl'" \
		"$BATS_TEST_TMPDIR/d/opt/dlc/share/zsh/site-functions/_dl"
}
