#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# 700-template.bats: dl-template renders Docker's --format over JSON on stdin
# (no root, no btrfs needed).

# shellcheck disable=SC2016 # templates hold $variables of their own

load helpers

ROWS='[{"ID":"4f1c2d3e","Names":"web","Image":"busybox","Labels":{"app":"web","tier":"front"},"Ports":""},
{"ID":"9a8b7c6d5e4f","Names":"database-1","Image":"debian:bookworm","Labels":{},"Ports":"80/tcp"}]'

@test "dl-template: a field of each element, one line each" {
	run -0 --separate-stderr dl-template '{{.Names}}' <<<"$ROWS"
	assert_output $'web\ndatabase-1'
	[ -z "$stderr" ]
}

@test "dl-template: \\t and \\n as Docker's CLI makes them" {
	run -0 dl-template '{{.ID}}\t{{.Names}}\n' <<<"$ROWS"
	assert_output $'4f1c2d3e\tweb\n\n9a8b7c6d5e4f\tdatabase-1'
}

@test "dl-template: table aligns columns as Docker's tabwriter, with headers" {
	run -0 dl-template -H 'ID=CONTAINER ID' 'table {{.ID}}\t{{.Names}}\t{{.Image}}' <<<"$ROWS"
	assert_line --index 0 'CONTAINER ID   NAMES        IMAGE'
	assert_line --index 1 '4f1c2d3e       web          busybox'
	assert_line --index 2 '9a8b7c6d5e4f   database-1   debian:bookworm'
}

@test "dl-template: table with nothing on stdin is the header alone" {
	run -0 dl-template 'table {{.CreatedAt}}\t{{.Names}}' </dev/null
	assert_output 'CREATED AT   NAMES'
	run -0 dl-template '{{.Names}}' <<<'[]'
	assert_output ''
}

@test "dl-template: json, index, range, if/else, printf, join, lower, upper, len, println" {
	run -0 dl-template '{{json .Labels}}' <<<"$ROWS"
	assert_output $'{"app":"web","tier":"front"}\n{}'
	run -0 dl-template '{{index .Labels "app"}}|{{range $k, $v := .Labels}}{{$k}}={{$v}};{{end}}' <<<"$ROWS"
	assert_output $'web|app=web;tier=front;\n|'
	run -0 dl-template '{{if .Ports}}{{.Ports}}{{else}}none{{end}} {{printf "%-6s|" .Names}} {{upper .Image | lower}} {{len .Labels}}' <<<"$ROWS"
	assert_output $'none web   | busybox 2\n80/tcp database-1| debian:bookworm 0'
	run -0 dl-template -s '{{range .}}{{println .Names}}{{end}}{{len .}}' <<<"$ROWS"
	assert_output $'web\ndatabase-1\n2'
	run -0 dl-template '{{join .A ","}}' <<<'{"A":["x","y"]}'
	assert_output 'x,y'
	run -0 dl-template '{{- .A -}}' <<<'{"A":"  trimmed  "}'
	assert_output '  trimmed  '
}

@test "dl-template: JSON documents one after another, as JSON lines" {
	run -0 dl-template '{{.a}}' <<<$'{"a":1}\n{"a":2}\n[{"a":3}]'
	assert_output $'1\n2\n3'
}

@test "dl-template: an unknown field is an error naming it (exit 2), not empty output" {
	run -2 --separate-stderr dl-template '{{.Names}} {{.Nmes}}' <<<"$ROWS"
	assert_output ''
	assert_equal "$stderr" "dl-template: fatal: unable to render '{{.Names}} {{.Nmes}}': at {{.Nmes}}: no field 'Nmes'"
}

@test "dl-template: an unknown function is refused before stdin is read (exit 2)" {
	run -2 --separate-stderr dl-template '{{uppr .Names}}' </dev/null
	assert_output ''
	assert_equal "$stderr" "dl-template: fatal: unable to parse template '{{uppr .Names}}': 1:3: unknown function 'uppr'"
	run -2 --separate-stderr dl-template '{{if .A}}x' </dev/null
	[[ "$stderr" == *"unexpected EOF: no {{end}}" ]]
}

@test "dl-template: stdin that is not JSON is rejected (exit 4)" {
	run -4 --separate-stderr dl-template '{{.}}' <<<'{"a":'
	assert_output ''
	[[ "$stderr" == "dl-template: fatal: unable to read 'stdin': "* ]]
	run -4 --separate-stderr dl-template '{{.}}' <<<'{"a":1,"a":2}'
}

@test "dl-template: usage errors" {
	run -2 --separate-stderr dl-template
	assert_equal "$stderr" 'dl-template: usage: dl-template [-s] [-H FIELD=HEADER]... TEMPLATE'
	run -2 --separate-stderr dl-template -H nothing '{{.}}'
	assert_equal "$stderr" "dl-template: fatal: unable to use header 'nothing': not FIELD=HEADER"
}

@test "dl-template: the same text as podman's Go templates over the same JSON" {
	command -v podman >/dev/null || fail "podman is not installed (make deps)"
	local t='{{.Names}}|{{json .Labels}}|{{index .Labels "app"}}|{{len .Labels}}|{{printf "%5.5s" .Image}}|{{upper .Names}}|{{range $k, $v := .Labels}}{{$k}}{{end}}|{{if eq .Names "web"}}W{{else}}O{{end}}'
	local want
	# podman's --format is Go's text/template: the same template over
	# the JSON podman gives of its own version renders the same text
	mkdir -p "$BATS_TEST_TMPDIR/conf"
	printf '[containers]\ndefault_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]\n' \
		>"$BATS_TEST_TMPDIR/conf/containers.conf"
	export CONTAINERS_CONF="$BATS_TEST_TMPDIR/conf/containers.conf"
	local p=(podman --root "$BATS_TEST_TMPDIR/root" --runroot "$BATS_TEST_TMPDIR/runroot" --storage-driver vfs)
	run -0 "${p[@]}" version --format '{{json .Client}}'
	want=$("${p[@]}" version --format '{{.Client.Version}}|{{printf "%.3s" .Client.GoVersion}}|{{len .Client.OsArch}}|{{upper .Client.Os}}')
	run -0 dl-template '{{.Client.Version}}|{{printf "%.3s" .Client.GoVersion}}|{{len .Client.OsArch}}|{{upper .Client.Os}}' \
		<<<"{\"Client\":$output}"
	assert_output "$want"
	run -0 dl-template "$t" <<<"$ROWS"
	assert_line --index 0 'web|{"app":"web","tier":"front"}|web|2|busyb|WEB|apptier|W'
}
