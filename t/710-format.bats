#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# 710-format.bats: --format templates, --filter and labels of dl ps, images,
# history, inspect, info, version and network ls, on a real store.
# shellcheck disable=SC2016,SC2154 # templates hold $variables; run sets $stderr

load helpers
load lib-btrfs

setup() {
	busybox_store
}

@test "dl ps --format: Docker's fields, one line a container" {
	local id
	id=$(dl create --name web -l app=web -l tier=front busybox sleep 1000)
	dl run --name exited3 busybox sh -c 'exit 3' || true
	run -0 --separate-stderr dl ps -a --format '{{.Names}}|{{.State}}|{{.Image}}|{{.Command}}|{{.Labels}}|{{.Networks}}'
	assert_line 'web|created|busybox|"sleep 1000"|app=web,tier=front|bridge'
	assert_line 'exited3|exited|busybox|"sh -c exit 3"||bridge'
	[ -z "$stderr" ]
	run -0 dl ps -a --format '{{.ID}} {{.Status}}' --filter name=exited3
	assert_output --regexp '^[0-9a-f]{12} Exited \(3\) (Less than a second|[0-9]+ seconds?) ago$'
	run -0 dl ps -a --no-trunc --format '{{.ID}}' --filter name=web
	assert_output "$id"
	run -0 dl ps -a --format '{{.CreatedAt}}|{{.RunningFor}}' --filter name=web
	assert_output --regexp '^20[0-9]{2}-[0-9]{2}-[0-9]{2} [0-9:]{8} \+0000 UTC\|.* ago$'
	run -0 dl ps -a --format '{{.Label "tier"}}|{{.Label "none"}}' --filter name=web
	assert_output 'front|'
	run -0 dl ps -a --format '{{json .}}' --filter name=web
	run -0 jq -r '.Names + " " + .Labels + " " + .State' <<<"$output"
	assert_output 'web app=web,tier=front created'
}

@test "dl ps --format table: Docker's header names, aligned as Docker's tabwriter" {
	dl create --name a-long-name busybox true >/dev/null
	run -0 dl ps -a --format 'table {{.ID}}\t{{.Names}}\t{{.RunningFor}}\t{{.State}}'
	assert_line --index 0 --regexp '^CONTAINER ID   NAMES         CREATED +STATE$'
	assert_line --index 1 --regexp '^[0-9a-f]{12}   a-long-name   .* ago +created$'
	run -0 dl ps -a --format table
	assert_line --index 0 --regexp '^CONTAINER ID +IMAGE +COMMAND +CREATED +STATUS +PORTS +NAMES$'
	run -0 dl ps --format 'table {{.Names}}'
	assert_output 'NAMES'
}

@test "dl ps --format: an unknown field is exit 2 naming it; json as before; -q wins" {
	dl create --name c1 busybox true >/dev/null
	run -2 --separate-stderr dl ps -a --format '{{.Nmes}}'
	assert_output ''
	assert_equal "$stderr" "dl ps: fatal: unable to render '{{.Nmes}}': at {{.Nmes}}: no field 'Nmes'"
	run -2 --separate-stderr dl ps -a --format '{{bogus .Names}}'
	[[ "$stderr" == *"unknown function 'bogus'" ]]
	run -0 dl ps -a --format json
	run -0 jq -r '.[0].Name' <<<"$output"
	assert_output '/c1'
	run -0 dl ps -a -q --format '{{.Names}}'
	assert_output --regexp '^[0-9a-f]{12}$'
}

@test "dl ps --filter: id, name, label, status, exited, ancestor, before, since, volume" {
	local a b c
	mkdir -p "$BATS_TEST_TMPDIR/v"
	a=$(dl create --name fa -l app=web -l tier=front busybox true)
	dl run --name fb -l app=db busybox sh -c 'exit 2' || true
	b=$(dl inspect -f '{{.Id}}' fb)
	dl commit fa child:1 >/dev/null
	c=$(dl create --name fc -v "$BATS_TEST_TMPDIR/v:/data" child:1 true)
	run -0 dl ps -a -f name=f --format '{{.Names}}'
	assert_equal "$(sort <<<"$output" | tr '\n' ' ')" 'fa fb fc '
	run -0 dl ps -a -f "id=${a:0:8}" -q
	assert_output "${a:0:12}"
	# the same key ORed, keys ANDed, labels ANDed
	run -0 dl ps -a -f name=fa -f name=fb --format '{{.Names}}'
	assert_equal "$(sort <<<"$output" | tr '\n' ' ')" 'fa fb '
	run -0 dl ps -a -f name=fa -f label=app=db -q
	assert_output ''
	# fc's image, committed from fa, has fa's labels
	run -0 dl ps -a -f label=app=web -f label=tier --format '{{.Names}}'
	assert_equal "$(sort <<<"$output" | tr '\n' ' ')" 'fa fc '
	run -0 dl ps -a -f label=app -f label=tier=back -q
	assert_output ''
	run -0 dl ps -a -f label=app --format '{{.Names}}'
	assert_equal "$(sort <<<"$output" | tr '\n' ' ')" 'fa fb fc '
	# a status filter lists stopped containers without -a, as Docker's
	run -0 dl ps -f status=exited --format '{{.Names}}'
	assert_output 'fb'
	run -0 dl ps -a -f exited=2 -q
	assert_output "${b:0:12}"
	run -0 dl ps -a -f exited=0 -q
	assert_output ''
	# ancestor: the image, or one made from it
	run -0 dl ps -a -f ancestor=child:1 --format '{{.Names}}'
	assert_output 'fc'
	run -0 dl ps -a -f ancestor=busybox --format '{{.Names}}'
	assert_equal "$(sort <<<"$output" | tr '\n' ' ')" 'fa fb fc '
	run -0 dl ps -a -f ancestor=no-such-image -q
	assert_output ''
	run -0 dl ps -a -f since=fa --format '{{.Names}}'
	assert_equal "$(sort <<<"$output" | tr '\n' ' ')" 'fb fc '
	run -0 dl ps -a -f before=fb --format '{{.Names}}'
	assert_output 'fa'
	run -0 dl ps -a -f volume=/data -q
	assert_output "${c:0:12}"
	# the default table keeps only the filtered rows
	run -0 dl ps -a -f name=fb
	assert_equal "${#lines[@]}" 2
	assert_line --index 1 --regexp ' fb$'
}

@test "dl ps --filter: refusals" {
	run -2 --separate-stderr dl ps -f nosuch=1
	assert_equal "$stderr" "dl ps: fatal: unable to filter by 'nosuch=1': no filter 'nosuch' (one of: id name label status exited ancestor before since volume health)"
	run -2 --separate-stderr dl ps -f name
	assert_equal "$stderr" "dl ps: fatal: unable to filter by 'name': not KEY=VALUE"
	run -2 --separate-stderr dl ps -f status=sleeping
	[[ "$stderr" == "dl ps: fatal: unable to filter by 'status=sleeping': not a status"* ]]
	run -2 --separate-stderr dl ps -f exited=x
	run -1 --separate-stderr dl ps -f before=no-such-container
	assert_output ''
}

@test "dl images --format and --filter: reference globs, label, dangling, before, since" {
	local base
	base=$(dl images -q busybox)
	dl create --name src -l app=web busybox true >/dev/null
	dl commit src web:1 >/dev/null
	dl commit -l extra=yes src web:2 >/dev/null
	dl commit src >/dev/null
	run -0 --separate-stderr dl images --format '{{.Repository}}:{{.Tag}}|{{.Digest}}'
	assert_line 'busybox:latest|<none>'
	assert_line 'web:1|<none>'
	assert_line '<none>:<none>|<none>'
	run -0 dl images --format '{{.ID}} {{.Size}} {{.CreatedAt}}' busybox
	assert_output --regexp "^$base [0-9.]+[kM]B 20[0-9-]+ [0-9:]+ \+0000 UTC$"
	run -0 dl images --no-trunc --format '{{.ID}}' busybox
	assert_output --regexp '^sha256:[0-9a-f]{64}$'
	run -0 dl images -f 'reference=we*' --format '{{.Repository}}:{{.Tag}}'
	assert_equal "$(sort <<<"$output" | tr '\n' ' ')" 'web:1 web:2 '
	run -0 dl images -f 'reference=web:2' -f 'reference=busy*' --format '{{.Repository}}:{{.Tag}}'
	assert_equal "$(sort <<<"$output" | tr '\n' ' ')" 'busybox:latest web:2 '
	run -0 dl images 'web:*' --format '{{.Tag}}'
	assert_equal "$(sort <<<"$output" | tr '\n' ' ')" '1 2 '
	run -0 dl images -f label=extra --format '{{.Repository}}:{{.Tag}}'
	assert_output 'web:2'
	run -0 dl images -f label=app=web -f label=extra=yes --format '{{.Tag}}'
	assert_output '2'
	run -0 dl images -f dangling=true --format '{{.Repository}}'
	assert_output '<none>'
	run -0 dl images -f dangling=false -f since=busybox --format '{{.Repository}}:{{.Tag}}'
	assert_equal "$(sort <<<"$output" | tr '\n' ' ')" 'web:1 web:2 '
	run -0 dl images -f before=web:1 --format '{{.Repository}}'
	assert_output 'busybox'
	run -0 dl images -f reference=web:1 --format json
	run -0 jq -r '.[].RepoTags[]' <<<"$output"
	assert_output 'web:1'
	run -0 dl images --format 'table {{.Repository}}\t{{.Tag}}\t{{.ID}}\t{{.CreatedSince}}' busybox
	assert_line --index 0 --regexp '^REPOSITORY   TAG       IMAGE ID       CREATED$'
	run -2 --separate-stderr dl images -f dangling=maybe
	run -2 --separate-stderr dl images -f name=x
	run -1 --separate-stderr dl images -f since=no-such
}

@test "dl image history --format, dl inspect -f and dl image inspect -f" {
	dl create --name hs -l app=web busybox true >/dev/null
	dl commit -m 'the commit' hs h:1 >/dev/null
	run -0 dl image history --format '{{.CreatedBy}}|{{.Comment}}|{{.Size}}' h:1
	assert_line --index 0 'dl commit|the commit|0B'
	assert_line --index 1 --regexp '^dl image bootstrap busybox\|busybox .*\|[0-9.]+[kM]B$'
	run -0 dl image history --format table h:1
	assert_line --index 0 --regexp '^IMAGE +CREATED +CREATED BY +SIZE +COMMENT$'
	run -0 dl image history --format json h:1
	run -0 jq -r .CreatedBy <<<"${lines[0]}"
	assert_output 'dl commit'
	run -0 dl inspect -f '{{.Name}} {{.State.Status}} {{index .Config.Labels "app"}} {{json .Config.Labels}}' hs
	assert_output '/hs created web {"app":"web"}'
	run -0 dl inspect --format '{{range $k, $v := .Config.Labels}}{{$k}}={{$v}}{{end}} {{len .RepoTags}}' h:1
	assert_output 'app=web 1'
	run -0 dl image inspect -f '{{json .Config.Cmd}} {{index .RepoTags 0}}' h:1 busybox
	assert_output $'["sh"] h:1\n["sh"] busybox:latest'
	run -0 dl image inspect -f '{{json .Config.Labels}}' busybox
	assert_output 'null'
	run -2 --separate-stderr dl inspect -f '{{.State.NoSuch}}' hs
	assert_equal "$stderr" "dl inspect: fatal: unable to render '{{.State.NoSuch}}': at {{.State.NoSuch}}: no field 'NoSuch'"
	# options after the operands, as Docker's
	run -0 dl inspect hs -f '{{.Name}}' --type container
	assert_output /hs
	run -0 dl inspect -f json hs
	run -0 jq -r '.[0].Config.Labels.app' <<<"$output"
	assert_output web
}

@test "dl info -f, dl version -f, dl network ls --format" {
	dl create busybox true >/dev/null
	run -0 dl info -f '{{.Driver}} {{.Images}} {{.Containers}} {{.ContainersRunning}} {{.DockerRootDir}}'
	assert_output "btrfs 1 1 0 $DL_ROOT"
	run -0 dl info --format json
	run -0 jq -r .driver <<<"$output"
	assert_output btrfs
	run -0 dl version -f '{{.Client.Version}} {{.Server.Version}} {{.Client.Os}}'
	assert_output --regexp '^[0-9]+\.[0-9]+\.[0-9]+ [0-9.]+ linux$'
	run -0 dl version
	assert_line --index 0 'Client:'
	run -0 dl network ls --format '{{.Name}}/{{.Driver}}'
	assert_output $'bridge/bridge\nhost/host\nnone/null'
	run -0 dl network ls --format table
	assert_line --index 0 --regexp '^NETWORK ID +NAME +DRIVER +SCOPE$'
}

@test "labels: --label and --label-file on run, create and commit; the image's are merged under them" {
	printf 'from=file\n# a comment\n\nbare\n' >"$BATS_TEST_TMPDIR/labels"
	dl create --name l1 -l app=web --label 'note=a "quoted" value' \
		--label-file "$BATS_TEST_TMPDIR/labels" busybox true >/dev/null
	run -0 dl inspect -f '{{json .Config.Labels}}' l1
	assert_output '{"app":"web","bare":"","from":"file","note":"a \"quoted\" value"}'
	dl commit -l app=override l1 limg:1 >/dev/null
	run -0 dl image inspect -f '{{json .Config.Labels}}' limg:1
	assert_output '{"app":"override","bare":"","from":"file","note":"a \"quoted\" value"}'
	dl create --name l2 -l mine=1 -l from=run limg:1 true >/dev/null
	run -0 dl inspect -f '{{json .Config.Labels}}' l2
	assert_output '{"app":"override","bare":"","from":"run","mine":"1","note":"a \"quoted\" value"}'
	run -0 dl run --rm -l x=1 busybox true
	run -2 --separate-stderr dl create -l =x busybox true
	assert_equal "$stderr" "dl create: fatal: unable to set label '=x': empty key"
	run -1 --separate-stderr dl create --label-file /no/such busybox true
	run -1 --separate-stderr dl commit --label-file /no/such l1
}

@test "dl ps and dl inspect -f: the same text as podman's templates for the same container" {
	command -v podman >/dev/null || fail "podman is not installed (make deps)"
	local t='{{.State.Status}}|{{.State.ExitCode}}|{{json .Config.Cmd}}|{{index .Config.Labels "app"}}|{{.Config.WorkingDir}}|{{len .Config.Labels}}'
	mkdir -p "$BATS_TEST_TMPDIR/conf"
	printf '[containers]\ndefault_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]\n' \
		>"$BATS_TEST_TMPDIR/conf/containers.conf"
	export CONTAINERS_CONF="$BATS_TEST_TMPDIR/conf/containers.conf"
	local p=(podman --root "$BATS_TEST_TMPDIR/root" --runroot "$BATS_TEST_TMPDIR/runroot" --storage-driver vfs --runtime runc)
	dl create --name pm -l app=web -l tier=front busybox sleep 5 >/dev/null
	dl export pm | "${p[@]}" import -q - localhost/bb:1 >/dev/null
	"${p[@]}" create -q --name pm -l app=web -l tier=front localhost/bb:1 sleep 5 >/dev/null
	run -0 "${p[@]}" inspect -f "$t" pm
	local want=$output
	run -0 dl inspect -f "$t" pm
	assert_output "$want"
	# ps: podman's .State ("Created") and .Command (unquoted) are not
	# Docker's ("created", "\"sleep 5\""), which dl follows
	run -0 "${p[@]}" ps -a --format '{{.Names}} {{.ID}}'
	want=${output%% *}
	run -0 dl ps -a --format '{{.Names}}|{{.State}}|{{.Command}}'
	assert_output "$want|created|\"sleep 5\""
	"${p[@]}" rm -f pm >/dev/null
}
