#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# 600-build.bats: dl-dockerfile, dl build (instructions, the cache,
# stages, .dockerignore, Dockerfiles built first, failures) and dl builder.
# shellcheck disable=SC2154 # $stderr is set by run --separate-stderr

load helpers
load lib-btrfs

# pm: podman on a root of this file's own
pm() {
	CONTAINERS_CONF="$BATS_FILE_TMPDIR/containers.conf" \
		podman --root "$BATS_FILE_TMPDIR/podman" \
		--runroot "$BATS_FILE_TMPDIR/podman-run" --storage-driver vfs "$@"
}

setup_file() {
	dl_btrfs_setup
	[ "$(id -u)" = 0 ] || return 0
	printf '[containers]\ndefault_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]\n' \
		>"$BATS_FILE_TMPDIR/containers.conf"
}

teardown_file() {
	if [ -d "$BATS_FILE_TMPDIR/podman" ]; then
		pm rmi -a -f >/dev/null 2>&1 || true
	fi
	dl_btrfs_teardown
}

# ctx: a context directory of the test, in $C
ctx() {
	C=$BATS_TEST_TMPDIR/ctx
	mkdir -p "$C"
}

# build ARG...: dl build --network none ARG..., the ID in $id
build() {
	run -0 --separate-stderr dl build --network none "$@"
	id=$output
	[[ "$id" =~ ^[0-9a-f]{64}$ ]] || fail "not an image ID: $id"
}

# cfg ID FILTER: jq FILTER of the config of image ID
cfg() {
	jq -c "$2" "$DL_ROOT/images/$1/config.json"
}

# nimages: how many images the store holds
nimages() {
	find "$DL_ROOT/images" -mindepth 1 -maxdepth 1 -type d | wc -l
}

# no_leftover: no container, nothing in tmp/, no subvolume but the images'
no_leftover() {
	local left subs
	left=$(find "$DL_ROOT/tmp" "$DL_ROOT/containers" -mindepth 1 -maxdepth 1)
	subs=$(btrfs subvolume list "$DL_TEST_MNT" |
		grep -E "$(basename "$DL_ROOT")/(tmp|containers)/" || true)
	[ -z "$left$subs" ] || fail "left behind: $left $subs"
}

@test "dl-dockerfile: continuations, comments, directives, forms, flags and here-documents as records" {
	ctx
	cat >"$C/Dockerfile" <<-'XEOF'
		# syntax=docker/dockerfile:1
		# escape=\
		ARG BASE=busybox
		FROM $BASE AS build
		ENV A=x \
		    # a comment inside
		    B="y z"
		COPY --chown=1:2 a* /dst/
		RUN <<-EOF sh
			echo $A
			EOF
		CMD ["sh", "-c", "echo"]
	XEOF
	run -0 --separate-stderr dl-dockerfile -j "$C/Dockerfile"
	assert_equal "${#lines[@]}" 6
	assert_equal "$(jq -c '[.line, .cmd, .stage, .args]' <<<"${lines[1]}")" '[4,"FROM",0,["busybox","AS","build"]]'
	assert_equal "$(jq -c '[.line, .end_line, .args]' <<<"${lines[2]}")" '[5,7,["A=x","B=y z"]]'
	assert_equal "$(jq -c '[.flags, .args]' <<<"${lines[3]}")" '[["--chown=1:2"],["a*","/dst/"]]'
	# shellcheck disable=SC2016 # the $A of the document
	assert_equal "$(jq -c '[.heredocs[0].name, .heredocs[0].body, .end_line]' <<<"${lines[4]}")" '["EOF","echo $A\n",11]'
	assert_equal "$(jq -c '[.form, .args]' <<<"${lines[5]}")" '["json",["sh","-c","echo"]]'
	# the sh records: one call a field, single-quoted
	run -0 dl-dockerfile -a BASE=alpine "$C/Dockerfile"
	assert_line "df_insn 4 4 FROM shell 0 'alpine AS build' "
	assert_line "df_flag '--chown=1:2' "
}

@test "dl-dockerfile: a syntax error names the file, the line and the instruction (exit 4)" {
	ctx
	printf 'FROM busybox\nRUN true\nCOPY onlyone\n' >"$C/Dockerfile"
	run -4 --separate-stderr dl-dockerfile "$C/Dockerfile"
	assert_output ''
	assert_equal "$stderr" "dl-dockerfile: fatal: unable to parse '$C/Dockerfile': line 3: COPY: needs a source and a destination"
	printf 'FROM busybox\nFOO bar\n' | {
		run -4 --separate-stderr dl-dockerfile -
		assert_equal "$stderr" "dl-dockerfile: fatal: unable to parse '-': line 2: unknown instruction 'FOO'"
	}
	printf 'RUN true\n' >"$C/Dockerfile"
	run -4 --separate-stderr dl-dockerfile "$C/Dockerfile"
	[[ "$stderr" == *"line 1: RUN: only ARG may come before the first FROM" ]]
	run -1 --separate-stderr dl-dockerfile "$C/none"
	run -2 --separate-stderr dl-dockerfile -a novalue "$C/Dockerfile"
}

@test "dl build: each instruction, in the image's files and config" {
	busybox_store
	ctx
	echo one >"$C/one.txt"
	echo two >"$C/two.txt"
	mkdir -p "$C/dir/sub"
	echo deep >"$C/dir/sub/deep"
	python3 -c '
import io, sys, tarfile
with tarfile.open(sys.argv[1] + "/t.tar.gz", "w:gz") as t:
    d = b"in the tar\n"
    i = tarfile.TarInfo("x/from-tar"); i.size = len(d); i.uid = 7; i.gid = 8
    t.addfile(i, io.BytesIO(d))
' "$C"
	cat >"$C/Dockerfile" <<-'XEOF'
		FROM busybox
		MAINTAINER someone
		ARG WHO=world
		ENV GREETING="hello $WHO" EMPTY=
		# the base image's variables expand too
		ENV P=$PATH:/opt
		RUN echo "$GREETING $WHO" >/greeting
		RUN ["/bin/sh", "-c", "echo exec >/exec"]
		SHELL ["/bin/sh", "-ec"]
		RUN test "$(cat /greeting)" = "hello there there"
		COPY *.txt /texts/
		COPY --chown=nobody:nogroup --chmod=600 dir /owned
		ADD t.tar.gz /added/
		ADD one.txt /added/plain.txt
		WORKDIR rel/work
		USER nobody
		LABEL a=b "c d"=e
		EXPOSE 80 53/udp
		VOLUME /data
		STOPSIGNAL SIGUSR1
		HEALTHCHECK --interval=30s --retries=2 CMD true
		ONBUILD RUN echo child
		ENTRYPOINT ["/bin/echo"]
		CMD ["default"]
	XEOF
	build --build-arg WHO=there -t "$(safename)" "$C"
	r=$DL_ROOT/images/$id/rootfs
	assert_equal "$(cat "$r/greeting")" 'hello there there'
	assert_equal "$(cat "$r/exec")" exec
	assert_equal "$(cat "$r/texts/one.txt" "$r/texts/two.txt")" $'one\ntwo'
	assert_equal "$(stat -c '%U:%G %a' "$r/owned/sub/deep")" 'nobody:nogroup 600'
	assert_equal "$(cat "$r/added/x/from-tar")" 'in the tar'
	assert_equal "$(stat -c '%u:%g' "$r/added/x/from-tar")" '7:8'
	assert_equal "$(cat "$r/added/plain.txt")" one
	assert [ -d "$r/rel/work" ]
	assert_equal "$(cfg "$id" .author)" '"someone"'
	assert_equal "$(cfg "$id" '.config.Env')" '["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin","GREETING=hello there","EMPTY=","P=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:/opt"]'
	assert_equal "$(cfg "$id" '[.config.WorkingDir, .config.User, .config.StopSignal]')" '["/rel/work","nobody","SIGUSR1"]'
	assert_equal "$(cfg "$id" '.config.Labels')" '{"a":"b","c d":"e"}'
	assert_equal "$(cfg "$id" '.config.ExposedPorts')" '{"53/udp":{},"80/tcp":{}}'
	assert_equal "$(cfg "$id" '.config.Volumes')" '{"/data":{}}'
	assert_equal "$(cfg "$id" '.config.Healthcheck')" '{"Interval":30000000000,"Retries":2,"Test":["CMD-SHELL","true"]}'
	assert_equal "$(cfg "$id" '[.config.OnBuild, .config.Shell]')" '[["RUN echo child"],["/bin/sh","-ec"]]'
	assert_equal "$(cfg "$id" '[.config.Entrypoint, .config.Cmd]')" '[["/bin/echo"],["default"]]'
	run -0 dl run --rm --network none "$id"
	assert_output default
	no_leftover
}

@test "dl build: ADD of a URL is refused clearly, and nothing is left" {
	busybox_store
	ctx
	printf 'FROM busybox\nADD https://example.com/x /x\n' >"$C/Dockerfile"
	run -4 --separate-stderr dl build --network none "$C"
	assert_fatal 'dl build'
	[[ "$stderr" == *"URLs are not supported"* ]]
	no_leftover
}

@test "dl build: rebuilt unchanged, every step is CACHED and nothing new is made; touch hits, content misses from its step" {
	busybox_store
	ctx
	echo a >"$C/a"
	echo b >"$C/b"
	# older than the racy window: their digests are kept
	touch -d '-1 min' "$C/a" "$C/b"
	sleep 3
	cat >"$C/Dockerfile" <<-'XEOF'
		FROM busybox
		RUN echo first >/first
		COPY a /a
		ARG N=1
		RUN echo "n=$N" >/n
		COPY b /b
		CMD ["cat", "/b"]
	XEOF
	build "$C"
	first=$id
	n=$(nimages)
	# the digest of a is kept by its device, inode, size, mtime and ctime
	grep -q "^$(stat -c '%d %i %s' "$C/a") " "$DL_ROOT/build/sums"
	build "$C"
	assert_equal "$id" "$first"
	assert_equal "$(nimages)" "$n"
	assert_equal "$(grep -c -- '^#[0-9]* CACHED' <<<"$stderr")" 5
	# a touch changes no content: still cached (and the file is not read
	# again: its digest is kept by inode, size, mtime and ctime)
	touch -d '2020-01-01' "$C/a"
	sleep 3
	touch "$C/b"
	build "$C"
	assert_equal "$id" "$first"
	assert_equal "$(nimages)" "$n"
	# b changed: only from its COPY on
	echo B >"$C/b"
	build "$C"
	[ "$id" != "$first" ]
	assert_equal "$(grep -c -- '^#[0-9]* CACHED' <<<"$stderr")" 3
	assert_equal "$(cat "$DL_ROOT/images/$id/rootfs/b")" B
	# a build argument changes the RUN that sees it, and what follows
	second=$id
	build --build-arg N=2 "$C"
	assert_equal "$(grep -c -- '^#[0-9]* CACHED' <<<"$stderr")" 2
	assert_equal "$(cat "$DL_ROOT/images/$id/rootfs/n")" n=2
	# --no-cache builds all again
	build --no-cache "$C"
	[ "$id" != "$second" ]
	assert_equal "$(grep -c -- '^#[0-9]* CACHED' <<<"$stderr")" 0
	no_leftover
}

@test "dl build: a changed ADD tarball misses, the same one hits" {
	busybox_store
	ctx
	mkdir "$C/t"
	echo 1 >"$C/t/f"
	tar -C "$C/t" -czf "$C/t.tgz" f
	printf 'FROM busybox\nADD t.tgz /x/\n' >"$C/Dockerfile"
	build "$C"
	first=$id
	tar -C "$C/t" -czf "$C/t.tgz" f
	build "$C"
	assert_equal "$id" "$first"
	echo 2 >"$C/t/f"
	tar -C "$C/t" -czf "$C/t.tgz" f
	build "$C"
	[ "$id" != "$first" ]
	assert_equal "$(cat "$DL_ROOT/images/$id/rootfs/x/f")" 2
}

@test "dl build: stages, COPY --from, --target; a stage the target does not need is not built" {
	busybox_store
	ctx
	cat >"$C/Dockerfile" <<-'XEOF'
		FROM busybox AS build
		RUN <<EOF
		echo built >/out
		mkdir /o && echo two >/o/two
		EOF
		FROM busybox AS broken
		RUN exit 3
		FROM busybox AS tools
		RUN echo tool >/tool
		FROM scratch AS final
		COPY --from=build /out /
		COPY --from=build /o /o/
		COPY --from=tools /tool /
		COPY <<EOF /note
		note
		EOF
	XEOF
	build "$C"
	r=$DL_ROOT/images/$id/rootfs
	assert_equal "$(find "$r" -mindepth 1 -maxdepth 1 -printf '%f\n' | sort | tr '\n' ' ')" 'note o out tool '
	assert_equal "$(cat "$r/out" "$r/o/two" "$r/note")" $'built\ntwo\nnote'
	[[ "$stderr" != *"exit 3"* ]]
	build --target tools "$C"
	assert_equal "$(cat "$DL_ROOT/images/$id/rootfs/tool")" tool
	[[ "$stderr" != *"echo built"* ]]
	run -1 --separate-stderr dl build --network none --target broken "$C"
	[[ "$stderr" == *"RUN exit 3: exit code 3" ]]
	run -1 --separate-stderr dl build --network none --target nosuch "$C"
	assert_fatal 'dl build'
	no_leftover
}

@test "dl build: .dockerignore and .containerignore: globs, ** and ! exceptions" {
	busybox_store
	ctx
	mkdir -p "$C/src/deep/er" "$C/logs" "$C/docs"
	echo 1 >"$C/src/main.c"
	echo 2 >"$C/src/main.o"
	echo 3 >"$C/src/deep/er/x.o"
	echo 4 >"$C/logs/a.log"
	echo 5 >"$C/docs/keep.md"
	echo 6 >"$C/docs/drop.md"
	echo 7 >"$C/secret"
	printf '# build outputs\n**/*.o\nlogs\n/secret\ndocs\n!docs/keep.md\n' >"$C/.dockerignore"
	printf 'FROM busybox\nCOPY . /app/\nRUN cd /app && find . -type f | sort >/list\n' >"$C/Dockerfile"
	build "$C"
	assert_equal "$(tr '\n' ' ' <"$DL_ROOT/images/$id/rootfs/list")" './.dockerignore ./Dockerfile ./docs/keep.md ./src/main.c '
	# what is ignored does not count for the cache
	echo changed >"$C/src/main.o"
	first=$id
	build "$C"
	assert_equal "$id" "$first"
	# an ignored file named as a source is not there
	printf 'FROM busybox\nCOPY secret /\n' >"$C/Dockerfile"
	run -1 --separate-stderr dl build --network none "$C"
	[[ "$stderr" == *"unable to copy 'secret': no such file or directory" ]]
	mv "$C/.dockerignore" "$C/.containerignore"
	run -1 --separate-stderr dl build --network none "$C"
	rm "$C/.containerignore"
	build "$C"
	no_leftover
}

@test "dl build: FROM ./b builds b first, b FROM ./c builds c; a change rebuilds what depends on it only; cycles refused" {
	busybox_store
	ctx
	mkdir -p "$C/b/c"
	printf 'FROM ./b\nRUN cat /c /b >/a\n' >"$C/Dockerfile"
	printf 'FROM ./c\nRUN echo b >/b\n' >"$C/b/Dockerfile"
	printf 'FROM busybox\nRUN echo c >/c\n' >"$C/b/c/Containerfile"
	build "$C"
	assert_equal "$(cat "$DL_ROOT/images/$id/rootfs/a")" $'c\nb'
	first=$id
	n=$(nimages)
	# unchanged: nothing is built
	build "$C"
	assert_equal "$id" "$first"
	assert_equal "$(nimages)" "$n"
	# c changed: c, b and A are built again
	printf 'FROM busybox\nRUN echo C >/c\n' >"$C/b/c/Containerfile"
	build "$C"
	assert_equal "$(cat "$DL_ROOT/images/$id/rootfs/a")" $'C\nb'
	assert_equal "$(nimages)" $((n + 3))
	# A changed: A alone
	n=$(nimages)
	printf 'FROM ./b\nRUN cat /b /c >/a\n' >"$C/Dockerfile"
	build "$C"
	assert_equal "$(cat "$DL_ROOT/images/$id/rootfs/a")" $'b\nC'
	assert_equal "$(nimages)" $((n + 1))
	# a cycle
	printf 'FROM ../..\n' >"$C/b/c/Containerfile"
	run -4 --separate-stderr dl build --network none "$C"
	[[ "$stderr" == *"a dependency cycle"* ]]
	no_leftover
}

@test "dl build: the Dockerfile from stdin, -f FILE, Containerfile, and the context as a tar on stdin" {
	busybox_store
	ctx
	echo hi >"$C/hi"
	run -0 --separate-stderr dl build --network none -q -f - "$C" <<<$'FROM busybox\nCOPY hi /hi'
	assert_equal "$stderr" ''
	assert_equal "$(cat "$DL_ROOT/images/$output/rootfs/hi")" hi
	printf 'FROM busybox\nCMD ["x"]\n' >"$BATS_TEST_TMPDIR/other"
	build -f "$BATS_TEST_TMPDIR/other" "$C"
	assert_equal "$(cfg "$id" .config.Cmd)" '["x"]'
	printf 'FROM busybox\nCMD ["y"]\n' >"$C/Containerfile"
	build "$C"
	assert_equal "$(cfg "$id" .config.Cmd)" '["y"]'
	# the context as a tar on stdin, -f inside it
	printf 'FROM busybox\nCOPY hi /from-tar\n' >"$C/in-tar"
	run -0 --separate-stderr dl build --network none -q -f in-tar - < <(tar -C "$C" -c .)
	assert_equal "$(cat "$DL_ROOT/images/$output/rootfs/from-tar")" hi
	run -2 --separate-stderr dl build -f - - </dev/null
	run -1 --separate-stderr dl build "$BATS_TEST_TMPDIR/nosuch"
	run -2 --separate-stderr dl build
	run -2 --separate-stderr dl build --network bogus "$C"
}

@test "dl build: a failing RUN shows its output and exit code and leaves nothing; so does SIGINT" {
	busybox_store
	ctx
	printf 'FROM busybox\nRUN echo before >/b\nRUN echo to-see; exit 7\n' >"$C/Dockerfile"
	n=$(nimages)
	run -1 --separate-stderr dl build --network none -q "$C"
	assert_output ''
	[[ "$stderr" == *to-see* ]]
	[[ "$stderr" == *"dl build: fatal: unable to run line 3: RUN echo to-see; exit 7: exit code 7" ]]
	no_leftover
	# the step that worked is kept in the cache
	assert_equal "$(nimages)" $((n + 1))
	printf 'FROM busybox\nRUN echo started; sleep 60\n' >"$C/Dockerfile"
	# as from a terminal: a process group of its own, SIGINT not ignored
	# (bats starts background jobs with SIGINT ignored)
	setsid python3 -c 'import os, signal, sys
signal.signal(signal.SIGINT, signal.SIG_DFL)
os.execvp(sys.argv[1], sys.argv[1:])' dl build --network none "$C" \
		>"$BATS_TEST_TMPDIR/out" 2>&1 3>&- &
	pid=$!
	for _ in $(seq 100); do
		grep -qx '#2 started' "$BATS_TEST_TMPDIR/out" && break
		sleep 0.1
	done
	grep -qx '#2 started' "$BATS_TEST_TMPDIR/out"
	kill -INT -- "-$pid"
	SECONDS=0
	wait "$pid" || true
	[ "$SECONDS" -lt 30 ] || fail "the build went on after SIGINT"
	grep -q "^dl build: fatal: unable to build '$C': interrupted$" "$BATS_TEST_TMPDIR/out"
	no_leftover
	assert_equal "$(nimages)" $((n + 1))
}

@test "dl build: podman loads the saved image and runs it with the files and config dl built" {
	busybox_store
	ctx
	n=$(safename)
	echo data >"$C/data"
	cat >"$C/Dockerfile" <<-'XEOF'
		FROM busybox
		RUN mkdir -p /srv && echo from-run >/srv/run && chmod 640 /srv/run
		COPY --chown=12:34 data /srv/
		WORKDIR /srv
		ENV WHERE=podman
		CMD ["sh", "-c", "cat run data; echo $WHERE; pwd; stat -c '%u:%g %a' data run"]
	XEOF
	build -t "$n:1" "$C"
	run -0 dl save -o "$BATS_TEST_TMPDIR/i.tar" "$n:1"
	run -0 pm load -q -i "$BATS_TEST_TMPDIR/i.tar"
	run -0 pm run --rm --runtime runc --net none "localhost/$n:1"
	assert_output $'from-run\ndata\npodman\n/srv\n12:34 644\n0:0 640'
}

@test "dl build: --source-date-epoch: two builds on two stores save to the same digests" {
	busybox_store
	ctx
	echo same >"$C/f"
	dl save -o "$BATS_TEST_TMPDIR/base.tar" busybox
	printf 'FROM busybox\nCOPY f /f\nRUN echo run >/r\nENV X=1\nCMD ["cat", "/f"]\n' >"$C/Dockerfile"
	# two stores with the same base (a loaded image keeps its blobs)
	for s in one two; do
		dl_test_store
		dl load -i "$BATS_TEST_TMPDIR/base.tar" >/dev/null
		build --source-date-epoch 1700000000 -t r:1 "$C"
		dl save --source-date-epoch 1700000000 --format oci-dir \
			-o "$BATS_TEST_TMPDIR/$s" r:1
		sleep 1
	done
	assert_equal "$(cat "$BATS_TEST_TMPDIR/two/index.json")" "$(cat "$BATS_TEST_TMPDIR/one/index.json")"
	assert_equal "$(cfg "$id" .created)" '"2023-11-14T22:13:20Z"'
}

@test "dl builder prune: removes the cache entries and images no named image uses" {
	busybox_store
	ctx
	printf 'FROM busybox\nRUN echo 1 >/x\nENV A=1\n' >"$C/Dockerfile"
	build -t kept "$C"
	kept=$id
	printf 'FROM busybox\nRUN echo 2 >/x\nENV A=2\n' >"$C/Dockerfile"
	build "$C"
	dropped=$id
	run -0 --separate-stderr dl builder prune
	assert_equal "${#lines[@]}" 2
	assert_line "$dropped"
	assert [ ! -d "$DL_ROOT/images/$dropped" ]
	assert [ -d "$DL_ROOT/images/$kept" ]
	# what the named image is built on is still cached
	printf 'FROM busybox\nRUN echo 1 >/x\nENV A=1\n' >"$C/Dockerfile"
	build "$C"
	assert_equal "$id" "$kept"
	run -2 --separate-stderr dl builder prune extra
}

@test "dl build and podman build of the same Dockerfiles give the same files, modes, owners and config" {
	busybox_store
	ctx
	dl save -o "$BATS_TEST_TMPDIR/bb.tar" busybox
	pm load -q -i "$BATS_TEST_TMPDIR/bb.tar" >/dev/null
	mkdir -p "$C/dir/sub"
	echo a >"$C/a"
	echo d >"$C/dir/d"
	echo s >"$C/dir/sub/s"
	chmod 750 "$C/dir"
	chmod 640 "$C/dir/d"
	cat >"$C/one" <<-'XEOF2'
		FROM busybox
		COPY a /x/
		COPY --chown=12:34 dir /y
		RUN mkdir -p /r && echo r >/r/f && chmod 600 /r/f
		WORKDIR /w
		ENV K=v
		USER 1:2
		LABEL l=1
		EXPOSE 80
		CMD ["sh"]
	XEOF2
	cat >"$C/two" <<-'XEOF2'
		FROM busybox AS base
		ARG V=3
		ENV WHERE /opt/app
		RUN mkdir -p "$WHERE" && echo "$V" >"$WHERE/v"
		FROM busybox
		COPY --from=base /opt/app /app/
		COPY --chmod=700 a dir/d /bin2/
		WORKDIR app
		WORKDIR sub
		VOLUME /data
		STOPSIGNAL SIGTERM
		ENTRYPOINT echo hi
	XEOF2
	# what both list of the trees (run in podman: the same filesystem)
	# shellcheck disable=SC2016
	local list='find /x /y /r /w /app /bin2 2>/dev/null | sort | while read -r p; do stat -c "%n %F %a %u:%g %s" "$p"; done'
	local fmt='{{json .Config.Env}} {{.Config.WorkingDir}} {{.Config.User}} {{json .Config.ExposedPorts}} {{json .Config.Cmd}} {{json .Config.Entrypoint}} {{json .Config.Volumes}} {{.Config.StopSignal}} {{.Config.Labels.l}}'
	for f in one two; do
		n=$(safename)
		pm build -q --runtime runc --network none -f "$C/$f" \
			-t "localhost/pb-$n:1" "$C" >/dev/null
		build -f "$C/$f" -t "db-$n:1" "$C"
		dl save -o "$BATS_TEST_TMPDIR/$f.tar" "db-$n:1"
		pm load -q -i "$BATS_TEST_TMPDIR/$f.tar" >/dev/null
		run -0 pm run --rm --runtime runc --net none -u 0 --entrypoint '' "localhost/pb-$n:1" sh -c "$list"
		want=$output
		[ "$(wc -l <<<"$want")" -ge 5 ] || fail "too little listed: $want"
		run -0 pm run --rm --runtime runc --net none -u 0 --entrypoint '' "localhost/db-$n:1" sh -c "$list"
		assert_equal "$output" "$want"
		want=$(pm inspect --format "$fmt" "localhost/pb-$n:1")
		assert_equal "$(pm inspect --format "$fmt" "localhost/db-$n:1")" "$want"
	done
}

@test "dl build: the images of the steps are hidden, and go with the image built" {
	busybox_store
	ctx
	n=$(safename)
	printf 'FROM busybox\nRUN echo 1 >/x\nENV A=1\nCMD ["sh"]\n' >"$C/Dockerfile"
	build -t "$n" "$C"
	run -0 --separate-stderr dl images -q
	assert_equal "${#lines[@]}" 2
	# busybox, and RUN, ENV and CMD, the last one named
	run -0 --separate-stderr dl images -a -q
	assert_equal "${#lines[@]}" 4
	before=$(nimages)
	run -0 --separate-stderr dl rmi "$n"
	assert_equal "$(nimages)" $((before - 3))
	# and the cache knows they are gone
	build "$C"
	assert_equal "$(grep -c -- '^#[0-9]* CACHED' <<<"$stderr")" 0
}
