#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# 900-install.bats: make install into a DESTDIR, use it, make uninstall.

load helpers

setup() {
	DEST="$BATS_TEST_TMPDIR/dest"
	PFX=/opt/dltest
}

install_tree() {
	make -s -C "$DL_TOP" install DESTDIR="$DEST" PREFIX="$PFX" >/dev/null
}

@test "install: scripts on BINDIR, helpers in LIBEXECDIR/dockerlite, library in DATADIR" {
	install_tree
	assert_file_executable "$DEST$PFX/bin/dl"
	assert_file_executable "$DEST$PFX/bin/dl-image"
	assert_file_executable "$DEST$PFX/bin/dl-run"
	assert_file_executable "$DEST$PFX/libexec/dockerlite/dl-snapshot"
	assert_file_executable "$DEST$PFX/libexec/dockerlite/dl-spawn"
	assert_file_exists "$DEST$PFX/share/dockerlite/dl-sh-setup"
	assert_file_exists "$DEST$PFX/share/dockerlite/dl.seccomp"
	run -0 stat -c %a "$DEST$PFX/share/dockerlite/dl-sh-setup"
	assert_output 644
	# helpers are plumbing: never on PATH
	run -0 ls "$DEST$PFX/bin"
	refute_output --partial dl-snapshot
	# the paths are substituted
	run -1 grep -l '@LIBEXECDIR@\|@DATADIR@\|@VERSION@' -r "$DEST$PFX"
}

@test "install: the installed dl finds its helpers and library" {
	install_tree
	# the installed scripts name the final paths, not the DESTDIR ones
	run -0 grep -c "DL_SHAREDIR='$PFX/share/dockerlite'" "$DEST$PFX/bin/dl-image"
	run -0 grep -c "dl__libexec='$PFX/libexec/dockerlite'" \
		"$DEST$PFX/share/dockerlite/dl-sh-setup"
	# staged under DESTDIR, they are pointed at it by the environment
	run -0 env DL_SHAREDIR="$DEST$PFX/share/dockerlite" \
		DL_EXEC_PATH="$DEST$PFX/libexec/dockerlite" \
		"$DEST$PFX/bin/dl" --exec-path
	assert_output "$DEST$PFX/libexec/dockerlite"
	run -0 env DL_SHAREDIR="$DEST$PFX/share/dockerlite" "$DEST$PFX/bin/dl" --version
	assert_output --regexp '^dl version [0-9.]+$'
	run -0 env DL_SHAREDIR="$DEST$PFX/share/dockerlite" \
		DL_EXEC_PATH="$DEST$PFX/libexec/dockerlite" \
		"$DEST$PFX/bin/dl" image --help
	assert_line --index 0 'usage: dl image [--help] COMMAND [ARG...]'
}

@test "install: uninstall removes everything install put there" {
	install_tree
	make -s -C "$DL_TOP" uninstall DESTDIR="$DEST" PREFIX="$PFX" >/dev/null
	run -0 find "$DEST" -type f
	assert_output ''
	run -0 find "$DEST" -type l
	assert_output ''
}

@test "install: man pages from MANUAL.md, one a program, when go-md2man is there; none and no failure without it" {
	command -v go-md2man >/dev/null || fail "go-md2man is not installed (make deps)"
	install_tree
	assert_file_exists "$DEST$PFX/share/man/man1/dl.1"
	assert_file_exists "$DEST$PFX/share/man/man1/dl-run.1"
	assert_file_exists "$DEST$PFX/share/man/man1/dl-extract.1"
	assert_file_exists "$DEST$PFX/share/man/man7/dockerlite.7"
	run -0 man -l "$DEST$PFX/share/man/man1/dl-run.1"
	assert_line --index 0 --regexp '^DL-RUN\(1\) +dockerlite Manual +DL-RUN\(1\)$'
	assert_line --regexp '^ +dl run - run a command in a new container$'
	assert_line --regexp '^ +dl run \[options\] IMAGE'
	# every "## dl..." section of MANUAL.md has its page
	run -0 bash -c "grep -c '^## dl' '$DL_TOP/MANUAL.md'"
	[ "$(find "$DEST$PFX/share/man/man1" -name '*.1' | wc -l)" -eq "$output" ]
	make -s -C "$DL_TOP" uninstall DESTDIR="$DEST" PREFIX="$PFX"
	[ ! -e "$DEST$PFX/share/man/man1/dl.1" ]
	[ ! -e "$DEST$PFX/share/man/man7/dockerlite.7" ]
	# no converter: the install goes on without pages
	make -s -C "$DL_TOP" install DESTDIR="$DEST/b" PREFIX="$PFX" \
		MD2MAN=no-such-converter >/dev/null
	assert_file_executable "$DEST/b$PFX/bin/dl"
	[ ! -e "$DEST/b$PFX/share/man/man1/dl.1" ]
	make -s -C "$DL_TOP" man >/dev/null
}
