#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# 121-image-meta.bats: dl-image-config (changes), dl-image-get,
# dl-image-validate, dl-image-inspect, dl-image-ls.  Needs neither root nor btrfs: the store is a plain directory.

load helpers
load lib-btrfs

A=aa00000000000000000000000000000000000000000000000000000000000001
B=bb00000000000000000000000000000000000000000000000000000000000002
C=cc00000000000000000000000000000000000000000000000000000000000003
RFC3339_NS='^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{9}Z$'

setup() {
	export DL_ROOT="$BATS_TEST_TMPDIR/store"
	mkdir -p "$DL_ROOT"/{images,refs,tmp,locks,containers}
	touch "$DL_ROOT/.dockerlite"
	CFG="$BATS_TEST_TMPDIR/config.json"
}

# mkimage ID CREATED [PARENT [COMMENT [SIZE]]]: a fake image in the store
mkimage() {
	local d="$DL_ROOT/images/$1"
	mkdir -p "$d"
	dl-image-config -c "CMD [\"/bin/echo\",\"$1\"]" >"$d/config.json"
	jq -cn --arg id "$1" --arg c "$2" --arg p "${3:-}" --arg m "${4:-}" \
		--argjson s "${5:-0}" \
		'{id:$id, parent:$p, created:$c, comment:$m, author:"", size:$s}' \
		>"$d/meta.json"
}

# change CHANGE...: the config made with these changes, into $CFG
change() {
	local a=()
	for c in "$@"; do
		a+=(-c "$c")
	done
	dl-image-config "${a[@]}" >"$CFG"
}

# cfg FILTER: jq -c FILTER on $CFG
cfg() {
	jq -c "$1" "$CFG"
}

# assert_fatal VERB: stdout empty, stderr in the one error format
assert_fatal() {
	assert_output ''
	# shellcheck disable=SC2154 # set by run --separate-stderr
	[[ "$stderr" == "dl-image-"*": fatal: unable to $1 "* ]] ||
		fail "unexpected stderr: $stderr"
}

# --- usage -------------------------------------------------------------

@test "dl-image-*: each --help prints its one synopsis to stdout" {
	local p
	for p in 'dl-image-config [-c CHANGE]... [-b CREATED_BY] [-a AUTHOR] [-m COMMENT] [-d CREATED] [BASE]' \
		'dl-image-get [-j] FILE KEY' 'dl-image-validate [-t KIND] FILE' \
		'dl-image-inspect ID...' 'dl-image-ls [-a] [-o FIELDS]'; do
		run -0 --separate-stderr "${p%% *}" --help
		assert_line --index 0 "usage: $p"
		refute_output --partial 'or:'
		[ -z "$stderr" ]
	done
}

@test "dl-image-*: bad usage exits 2 with the synopsis on stderr" {
	run -2 --separate-stderr dl-image-config -z
	assert_output ''
	[[ "$stderr" == "dl-image-config: usage: dl-image-config "* ]]
	run -2 --separate-stderr dl-image-config a b
	run -2 --separate-stderr dl-image-get onlyfile
	[[ "$stderr" == "dl-image-get: usage: dl-image-get [-j] FILE KEY" ]]
	run -2 --separate-stderr dl-image-validate -t other x
	[[ "$stderr" == "dl-image-validate: usage: dl-image-validate "* ]]
	run -2 --separate-stderr dl-image-inspect
	[[ "$stderr" == "dl-image-inspect: usage: dl-image-inspect ID..." ]]
	run -2 --separate-stderr dl-image-ls extra
	[[ "$stderr" == "dl-image-ls: usage: dl-image-ls [-a] [-o FIELDS]" ]]
}

# --- config ------------------------------------------------------------

@test "dl-image-config: the default is a minimal OCI config" {
	run -0 --separate-stderr dl-image-config
	printf '%s\n' "$output" >"$CFG"
	assert_equal "$(cfg 'keys')" \
		'["architecture","config","created","history","os","rootfs"]'
	assert_equal "$(cfg '.os')" '"linux"'
	assert_equal "$(cfg '.config')" '{}'
	assert_equal "$(cfg '.rootfs')" '{"diff_ids":[],"type":"layers"}'
	[[ "$(jq -r .created "$CFG")" =~ $RFC3339_NS ]]
	assert_equal "$(cfg '.history')" \
		"[{\"created\":$(cfg .created),\"created_by\":\"dl image create\"}]"
}

@test "dl-image-config: the architecture is the host's, Go-style" {
	local want
	case "$(uname -m)" in
	x86_64) want=amd64 ;;
	aarch64) want=arm64 ;;
	*) skip "no expectation for $(uname -m)" ;;
	esac
	run -0 dl-image-config
	assert_equal "$(jq -r .architecture <<<"$output")" "$want"
}

@test "dl-image-config: output is compact with sorted keys" {
	run -0 --separate-stderr dl-image-config -c 'LABEL z=1 a=2'
	assert_equal "${#lines[@]}" 1
	assert_equal "$output" "$(jq -cS . <<<"$output")"
}

@test "dl-image-config: -a -m -b fill author and the history entry" {
	dl-image-config -a 'Ann <a@x>' -m 'first cut' -b 'dl commit' >"$CFG"
	assert_equal "$(cfg .author)" '"Ann <a@x>"'
	assert_equal "$(cfg '.history[0] | del(.created)')" \
		'{"author":"Ann <a@x>","comment":"first cut","created_by":"dl commit"}'
}

@test "dl-image-config: BASE keeps its fields and gains a history entry" {
	dl-image-config -c 'ENV A=1' -m one >"$BATS_TEST_TMPDIR/base.json"
	dl-image-config -c 'ENV B=2' -m two "$BATS_TEST_TMPDIR/base.json" >"$CFG"
	assert_equal "$(cfg .config.Env)" '["A=1","B=2"]'
	assert_equal "$(cfg '[.history[].comment]')" '["one","two"]'
	dl-image-config -m three - <"$CFG" >"$BATS_TEST_TMPDIR/c3.json"
	assert_equal "$(jq -c '[.history[].comment]' "$BATS_TEST_TMPDIR/c3.json")" \
		'["one","two","three"]'
}

@test "dl-image-config: a missing BASE exits 1" {
	run -1 --separate-stderr dl-image-config "$BATS_TEST_TMPDIR/none.json"
	assert_fatal read
}

@test "dl-image-config: a BASE that is not valid JSON exits 4" {
	printf '{"os":' >"$BATS_TEST_TMPDIR/bad.json"
	run -4 --separate-stderr dl-image-config "$BATS_TEST_TMPDIR/bad.json"
	assert_fatal read
	[[ "$stderr" == *"bad.json:1:"* ]]
}

@test "dl-image-config: a BASE of the wrong shape exits 4" {
	echo '{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]},"config":{"Env":"A=1"}}' \
		>"$BATS_TEST_TMPDIR/bad.json"
	run -4 --separate-stderr dl-image-config "$BATS_TEST_TMPDIR/bad.json"
	assert_fatal read
	[[ "$stderr" == *"'Env' must be an array" ]]
}

@test "dl-image-config: CMD shell form runs /bin/sh -c" {
	change 'CMD echo "hi there" && ls'
	assert_equal "$(cfg .config.Cmd)" '["/bin/sh","-c","echo \"hi there\" && ls"]'
}

@test "dl-image-config: CMD exec form is a JSON array" {
	change 'CMD ["/bin/echo", "a b", "c"]'
	assert_equal "$(cfg .config.Cmd)" '["/bin/echo","a b","c"]'
}

@test "dl-image-config: CMD [] and ENTRYPOINT [] clear" {
	change 'CMD ["a"]' 'ENTRYPOINT ["b"]' 'CMD []' 'ENTRYPOINT []'
	assert_equal "$(cfg .config)" '{}'
}

@test "dl-image-config: ENTRYPOINT takes both forms" {
	change 'ENTRYPOINT ["/bin/tini","--"]'
	assert_equal "$(cfg .config.Entrypoint)" '["/bin/tini","--"]'
	change 'ENTRYPOINT exec app'
	assert_equal "$(cfg .config.Entrypoint)" '["/bin/sh","-c","exec app"]'
}

@test "dl-image-config: ENTRYPOINT drops an inherited CMD, not a new one" {
	dl-image-config -c 'CMD ["old"]' >"$BATS_TEST_TMPDIR/base.json"
	dl-image-config -c 'ENTRYPOINT ["ep"]' "$BATS_TEST_TMPDIR/base.json" >"$CFG"
	assert_equal "$(cfg .config)" '{"Entrypoint":["ep"]}'
	dl-image-config -c 'CMD ["new"]' -c 'ENTRYPOINT ["ep"]' \
		"$BATS_TEST_TMPDIR/base.json" >"$CFG"
	assert_equal "$(cfg .config)" '{"Cmd":["new"],"Entrypoint":["ep"]}'
}

@test "dl-image-config: ENV takes several K=V with quoting" {
	change "ENV A=1 B=\"two words\" C='single \$quoted' D=back\\ slash E="
	# shellcheck disable=SC2016 # a literal $
	assert_equal "$(cfg .config.Env)" \
		'["A=1","B=two words","C=single $quoted","D=back slash","E="]'
}

@test "dl-image-config: ENV K V is the legacy one-variable form" {
	change 'ENV GREETING hello   big world'
	assert_equal "$(cfg .config.Env)" '["GREETING=hello   big world"]'
}

@test "dl-image-config: ENV replaces a variable in place" {
	change 'ENV A=1 B=2 C=3' 'ENV B=new'
	assert_equal "$(cfg .config.Env)" '["A=1","B=new","C=3"]'
}

@test "dl-image-config: WORKDIR is absolute or relative to the last one" {
	change 'WORKDIR /app'
	assert_equal "$(cfg .config.WorkingDir)" '"/app"'
	change 'WORKDIR /app' 'WORKDIR src//lib/.' 'WORKDIR ../bin'
	assert_equal "$(cfg .config.WorkingDir)" '"/app/src/bin"'
	change 'WORKDIR rel'
	assert_equal "$(cfg .config.WorkingDir)" '"/rel"'
	change 'WORKDIR /../..'
	assert_equal "$(cfg .config.WorkingDir)" '"/"'
}

@test "dl-image-config: USER takes a name and an optional group" {
	change 'USER nobody'
	assert_equal "$(cfg .config.User)" '"nobody"'
	change 'USER 1000:1000'
	assert_equal "$(cfg .config.User)" '"1000:1000"'
}

@test "dl-image-config: LABEL sets several labels with quoting" {
	change 'LABEL a=1 "b c"="d e"' 'LABEL org.x.y=z a=2'
	assert_equal "$(cfg .config.Labels)" '{"a":"2","b c":"d e","org.x.y":"z"}'
}

@test "dl-image-config: EXPOSE adds ports, tcp by default, and ranges" {
	change 'EXPOSE 80 443/tcp 53/UDP 8000-8002/tcp'
	assert_equal "$(cfg '.config.ExposedPorts | keys')" \
		'["443/tcp","53/udp","80/tcp","8000/tcp","8001/tcp","8002/tcp"]'
	assert_equal "$(cfg '.config.ExposedPorts."80/tcp"')" '{}'
}

@test "dl-image-config: VOLUME takes words or a JSON array" {
	change 'VOLUME /data /logs' 'VOLUME ["/x y"]'
	assert_equal "$(cfg .config.Volumes)" '{"/data":{},"/logs":{},"/x y":{}}'
}

@test "dl-image-config: STOPSIGNAL sets StopSignal" {
	change 'STOPSIGNAL SIGQUIT'
	assert_equal "$(cfg .config.StopSignal)" '"SIGQUIT"'
}

@test "dl-image-config: keywords are case-insensitive" {
	change 'cmd ["x"]' 'Env A=1' 'workdir /w' 'user u' 'label l=1' \
		'expose 1' 'volume /v' 'entrypoint ["e"]'
	assert_equal "$(cfg '.config | keys')" \
		'["Cmd","Entrypoint","Env","ExposedPorts","Labels","User","Volumes","WorkingDir"]'
}

@test "dl-image-config: an invalid change exits 2 and names it" {
	local c
	for c in 'FROB x' 'CMD' '' '   ' 'CMD ["a",' 'CMD ["a", 1]' \
		'ENV' 'ENV A' 'ENV =x' 'ENV A=1 B' 'ENV A="open' 'LABEL k' \
		'USER a b' 'USER :g' 'EXPOSE' 'EXPOSE 0' 'EXPOSE 65536' \
		'EXPOSE 80/icmp' 'EXPOSE 9-8' 'EXPOSE http' 'VOLUME rel' \
		'VOLUME []' 'STOPSIGNAL a b' 'ONBUILD' 'SHELL sh' 'HEALTHCHECK x'; do
		run -2 --separate-stderr dl-image-config -c 'ENV OK=1' -c "$c"
		assert_output ''
		[[ "$stderr" == "dl-image-config: fatal: unable to apply change '$c': "?* ]] ||
			fail "change '$c': stderr: $stderr"
	done
}

@test "dl-image-config: an invalid change gives a clear reason" {
	run -2 --separate-stderr dl-image-config -c 'FROB x'
	assert_equal "$stderr" \
		"dl-image-config: fatal: unable to apply change 'FROB x': unknown instruction 'FROB'"
	run -2 --separate-stderr dl-image-config -c 'EXPOSE 99999'
	assert_equal "$stderr" \
		"dl-image-config: fatal: unable to apply change 'EXPOSE 99999': invalid port '99999'"
}

# --- get ---------------------------------------------------------------

setup_get() {
	dl-image-config -c 'CMD ["/bin/sh","-c","echo hi"]' -c 'ENV A=1 B=2' \
		-c 'LABEL z=last a=first' -c 'EXPOSE 80 53/udp' -c 'WORKDIR /w' \
		-b 'step one' -m 'a comment' >"$CFG"
	mkimage "$A" 2026-01-01T00:00:00.5Z "" "hello" 1234
	META="$DL_ROOT/images/$A/meta.json"
}

@test "dl-image-get: a string prints raw" {
	setup_get
	run -0 --separate-stderr dl-image-get "$CFG" config.WorkingDir
	assert_output '/w'
	run -0 --separate-stderr dl-image-get "$META" id
	assert_output "$A"
}

@test "dl-image-get: a number prints as a number" {
	setup_get
	run -0 --separate-stderr dl-image-get "$META" size
	assert_output '1234'
}

@test "dl-image-get: an array prints one element a line" {
	setup_get
	run -0 --separate-stderr dl-image-get "$CFG" config.Cmd
	assert_equal "$output" $'/bin/sh\n-c\necho hi'
}

@test "dl-image-get: an object prints sorted key=value lines" {
	setup_get
	run -0 --separate-stderr dl-image-get "$CFG" config.Labels
	assert_equal "$output" $'a=first\nz=last'
}

@test "dl-image-get: an object of empty objects prints its keys" {
	setup_get
	run -0 --separate-stderr dl-image-get "$CFG" config.ExposedPorts
	assert_equal "$output" $'53/udp\n80/tcp'
}

@test "dl-image-get: array indices, negative from the end" {
	setup_get
	run -0 --separate-stderr dl-image-get "$CFG" history.-1.created_by
	assert_output 'step one'
	run -0 --separate-stderr dl-image-get "$CFG" config.Env.1
	assert_output 'B=2'
}

@test "dl-image-get: a missing key exits 1 silently" {
	setup_get
	local k
	for k in nope config.Nope config.Env.9 config.Env.x history.-5.comment \
		config.WorkingDir.deeper; do
		run -1 --separate-stderr dl-image-get "$CFG" "$k"
		assert_output ''
		assert_equal "$stderr" ''
	done
}

@test "dl-image-get -j: prints the JSON value" {
	setup_get
	run -0 --separate-stderr dl-image-get -j "$CFG" config.Labels
	assert_output '{"a":"first","z":"last"}'
	run -0 --separate-stderr dl-image-get -j "$CFG" config.WorkingDir
	assert_output '"/w"'
}

@test "dl-image-get: reads stdin with -" {
	run -0 --separate-stderr dl-image-get - a.b <<<'{"a":{"b":[1,2]}}'
	assert_equal "$output" $'1\n2'
}

@test "dl-image-get: a missing file exits 1, bad JSON 4" {
	run -1 --separate-stderr dl-image-get "$BATS_TEST_TMPDIR/no.json" id
	assert_fatal read
	printf '{"a":1,"a":2}' >"$CFG"
	run -4 --separate-stderr dl-image-get "$CFG" a
	assert_fatal read
	[[ "$stderr" == *"duplicate object key"* ]]
}

# --- validate ----------------------------------------------------------

@test "dl-image-validate: a good config and a good meta.json pass" {
	mkimage "$A" 2026-01-01T00:00:00Z
	run -0 --separate-stderr dl-image-validate "$DL_ROOT/images/$A/config.json"
	assert_output ''
	run -0 --separate-stderr dl-image-validate -t meta "$DL_ROOT/images/$A/meta.json"
	assert_output ''
}

@test "dl-image-validate: duplicate keys exit 4 with FILE:LINE:COLUMN" {
	printf '{"os":"linux",\n "os":"linux"}\n' >"$CFG"
	run -4 --separate-stderr dl-image-validate "$CFG"
	assert_fatal validate
	[[ "$stderr" == *"$CFG:2:"*"duplicate object key"* ]]
}

@test "dl-image-validate: a config of the wrong shape exits 4" {
	local doc
	for doc in '[]' '{"os":"linux","rootfs":{"type":"layers","diff_ids":[]}}' \
		'{"architecture":"amd64","os":"linux"}' \
		'{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[1]}}' \
		'{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]},"created":"yesterday"}' \
		'{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]},"config":{"Labels":{"a":1}}}' \
		'{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]},"history":[{"comment":5}]}'; do
		printf '%s\n' "$doc" >"$CFG"
		run -4 --separate-stderr dl-image-validate "$CFG"
		assert_fatal validate
	done
}

@test "dl-image-validate: a config may carry fields we do not know" {
	echo '{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]},"config":{"Cmd":null,"OnBuild":null,"Hostname":""},"container":"x"}' >"$CFG"
	run -0 --separate-stderr dl-image-validate "$CFG"
}

@test "dl-image-validate -t meta: is strict about the shape" {
	local doc
	for doc in "{\"id\":\"$A\",\"created\":\"2026-01-01T00:00:00Z\",\"extra\":1}" \
		"{\"id\":\"ABC\",\"created\":\"2026-01-01T00:00:00Z\"}" \
		"{\"id\":\"$A\"}" \
		"{\"id\":\"$A\",\"created\":\"2026-13-01T00:00:00Z\"}" \
		"{\"id\":\"$A\",\"created\":\"2026-01-01T00:00:00Z\",\"parent\":\"x\"}" \
		"{\"id\":\"$A\",\"created\":\"2026-01-01T00:00:00Z\",\"size\":-1}" \
		"{\"id\":\"$A\",\"created\":\"2026-01-01T00:00:00Z\",\"size\":\"1\"}"; do
		printf '%s\n' "$doc" >"$CFG"
		run -4 --separate-stderr dl-image-validate -t meta "$CFG"
		assert_fatal validate
	done
	printf '{"id":"%s","created":"2026-01-01T00:00:00+02:00","parent":"%s"}\n' \
		"$A" "$B" >"$CFG"
	run -0 dl-image-validate -t meta "$CFG"
}

@test "dl-image-validate: a missing file exits 1" {
	run -1 --separate-stderr dl-image-validate "$BATS_TEST_TMPDIR/none"
	assert_fatal validate
}

# --- inspect -----------------------------------------------------------

@test "dl-image-inspect: prints Docker's keys" {
	mkimage "$A" 2026-01-01T00:00:00.5Z "" "first" 100
	mkimage "$B" 2026-01-02T00:00:00Z "$A" "second" 200
	dl-ref-set app:v1 "$B"
	dl-ref-set app:v2 "$B"
	run -0 --separate-stderr dl-image-inspect "$B"
	assert_equal "$(jq -c '.[0] | keys' <<<"$output")" \
		'["Architecture","Author","Comment","Config","Created","Id","Metadata","Os","Parent","RepoDigests","RepoTags","RootFS","Size"]'
	assert_equal "$(jq -c '.[0] | [.Id, .Parent, .Comment, .Created, .Size, .Os]' <<<"$output")" \
		"[\"sha256:$B\",\"sha256:$A\",\"second\",\"2026-01-02T00:00:00Z\",200,\"linux\"]"
	assert_equal "$(jq -c '.[0] | [.RepoTags, .RepoDigests, .Config.Cmd]' <<<"$output")" \
		"[[\"app:v1\",\"app:v2\"],[],[\"/bin/echo\",\"$B\"]]"
	assert_equal "$(jq -c '.[0].RootFS' <<<"$output")" '{"Layers":[],"Type":"layers"}'
	[[ "$(jq -r '.[0].Metadata.LastTagTime' <<<"$output")" =~ $RFC3339_NS ]]
}

@test "dl-image-inspect: an untagged parentless image" {
	mkimage "$A" 2026-01-01T00:00:00Z
	run -0 --separate-stderr dl-image-inspect "$A"
	assert_equal "$(jq -c '.[0] | [.RepoTags, .Parent, .Metadata.LastTagTime]' <<<"$output")" \
		'[[],"","0001-01-01T00:00:00Z"]'
}

@test "dl-image-inspect: several IDs give one array, in order" {
	mkimage "$A" 2026-01-01T00:00:00Z
	mkimage "$B" 2026-01-02T00:00:00Z
	run -0 --separate-stderr dl-image-inspect "$A" "$B" "$A"
	assert_equal "${#lines[@]}" 1
	assert_equal "$(jq -c '[.[].Id]' <<<"$output")" \
		"[\"sha256:$A\",\"sha256:$B\",\"sha256:$A\"]"
}

@test "dl-image-inspect: an unknown ID exits 1 with nothing on stdout" {
	mkimage "$A" 2026-01-01T00:00:00Z
	run -1 --separate-stderr dl-image-inspect "$A" "$C"
	assert_fatal inspect
	[[ "$stderr" == *"'$C': no such image" ]]
}

@test "dl-image-inspect: a name or short ID is refused with 2" {
	mkimage "$A" 2026-01-01T00:00:00Z
	run -2 --separate-stderr dl-image-inspect aa
	assert_fatal inspect
}

@test "dl-image-inspect: a corrupt config exits 4" {
	mkimage "$A" 2026-01-01T00:00:00Z
	printf '{' >"$DL_ROOT/images/$A/config.json"
	run -4 --separate-stderr dl-image-inspect "$A"
	assert_fatal inspect
}

# --- ls ----------------------------------------------------------------

setup_ls() {
	mkimage "$A" 2026-01-01T00:00:00.000000001Z "" "oldest" 10
	mkimage "$B" 2026-03-01T00:00:00Z "$A" "newest" 30
	mkimage "$C" 2026-02-01T00:00:00Z "$A" $'tab\there' 20
	dl-ref-set app:v1 "$B"
	dl-ref-set app:v0 "$A"
	dl-ref-set other "$A"
}

@test "dl-image-ls: prints every image as inspect, newest first" {
	setup_ls
	run -0 --separate-stderr dl-image-ls
	assert_equal "$(jq -c '[.[].Id]' <<<"$output")" \
		"[\"sha256:$B\",\"sha256:$C\",\"sha256:$A\"]"
	assert_equal "$(jq -c '.[2].RepoTags' <<<"$output")" '["app:v0","other:latest"]'
}

@test "dl-image-ls -o: a tab-separated line a tag, <none> when untagged" {
	setup_ls
	run -0 --separate-stderr dl-image-ls -o id,repo,tag,created,size,parent,comment
	assert_equal "$output" "$B	app	v1	2026-03-01T00:00:00Z	30	$A	newest
$C	<none>	<none>	2026-02-01T00:00:00Z	20	$A	tab here
$A	app	v0	2026-01-01T00:00:00.000000001Z	10	<none>	oldest
$A	other	latest	2026-01-01T00:00:00.000000001Z	10	<none>	oldest"
}

@test "dl-image-ls -o: fields come in the order asked" {
	setup_ls
	run -0 --separate-stderr dl-image-ls -o size,id
	assert_equal "${lines[0]}" "30	$B"
}

@test "dl-image-ls: an empty store prints [] or nothing" {
	run -0 --separate-stderr dl-image-ls
	assert_output '[]'
	run -0 --separate-stderr dl-image-ls -o id
	assert_output ''
}

@test "dl-image-ls -o: an unknown field exits 2" {
	run -2 --separate-stderr dl-image-ls -o id,bogus
	assert_fatal use
}

@test "dl-image-ls: a broken image is skipped with a warning" {
	setup_ls
	rm "$DL_ROOT/images/$C/meta.json"
	run -0 --separate-stderr dl-image-ls -o id
	assert_equal "$output" "$B
$A
$A"
	[[ "$stderr" == "dl-image-ls: warning: unable to read image '$C': "* ]]
}
