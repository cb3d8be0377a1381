#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# 140-container-new.bats: dl-container-new (rootfs, runtime spec, names,
# rollback) and dl-container-rm.

# shellcheck disable=SC2030,SC2031,SC2154 # each test is a subshell; run sets $stderr

load helpers
load lib-btrfs
load lib-store

# new_ctr ARGS...: run dl-container-new, expect success, set $cid
new_ctr() {
	run -0 --separate-stderr dl-container-new "$@"
	assert_equal "$stderr" ''
	cid=$output
	[[ "$cid" =~ ^[0-9a-f]{64}$ ]]
}

# spec FILTER: the spec.json of $cid through jq -c
spec() {
	jq -c "$1" "$DL_ROOT/containers/$cid/spec.json"
}

store_tmp_empty() {
	run -0 find "$DL_ROOT/tmp" -mindepth 1
	assert_output ''
}

# users in an image: app (1000) in groups wheel and audio
add_users() {
	printf 'app:x:1000:1000:app:/home/app:/bin/sh\n' >>"$1/etc/passwd"
	printf 'app:x:1000:\nwheel:x:10:root,app\naudio:x:29:app\n' \
		>>"$1/etc/group"
}

@test "dl-container-new: --help prints the synopsis on stdout" {
	run -0 --separate-stderr dl-container-new --help
	assert_line --index 0 'usage: dl-container-new [options] IMAGE[+IMAGE...] [COMMAND [ARG...]]'
	assert_equal "$stderr" ''
}

@test "dl-container-new: a bad option is a usage error, 2 as for any helper" {
	run -2 --separate-stderr dl-container-new --no-such-option x
	assert_output ''
	assert_equal "$stderr" 'dl-container-new: usage: dl-container-new [options] IMAGE[+IMAGE...] [COMMAND [ARG...]]'
}

@test "dl-container-new: a name that no image has is 1" {
	mk_store
	run -1 --separate-stderr dl-container-new nosuch
	assert_output ''
	assert_equal "$stderr" "dl-container-new: fatal: unable to resolve 'nosuch': no such image"
	store_is_clean
}

@test "dl-container-new: a missing store is 1, after the usage check" {
	export DL_ROOT="$BATS_TEST_TMPDIR/nostore"
	run -1 --separate-stderr dl-container-new busybox
	assert_output ''
	assert_equal "$stderr" "dl-container-new: fatal: unable to open store '$DL_ROOT': not initialised (run 'dl init')"
	run -2 --separate-stderr dl-container-new --bad busybox
}

@test "dl-container-new: names the image by name and --sh prints the mode flags" {
	mk_store
	img=$(mk_image)
	dl-ref-set web:1 "$img"
	run -0 --separate-stderr dl-container-new --sh -dit --rm web:1
	assert_equal "$stderr" ''
	[[ "$output" =~ ^id=[0-9a-f]{64}\ detach=1\ interactive=1\ tty=1\ rm=1\ attach=\ sigproxy=1$ ]]
	cid=${output#id=}
	cid=${cid%% *}
	run -0 spec '[.annotations["org.dockerlite.image"], .annotations["org.dockerlite.image-name"]]'
	assert_output "[\"$img\",\"web:1\"]"
	run -0 --separate-stderr dl-container-new --sh "$img"
	[[ "$output" =~ ^id=[0-9a-f]{64}\ detach=\ interactive=\ tty=\ rm=\ attach=\ sigproxy=1$ ]]
}

@test "dl-container-new: --env-file adds its K=V lines, skipping comments" {
	mk_store
	img=$(mk_image)
	printf '# a comment\n\nA=1\r\nB=two words\n' >"$BATS_TEST_TMPDIR/env"
	new_ctr --env-file "$BATS_TEST_TMPDIR/env" "$img"
	run -0 spec '[.process.env[] | select(startswith("A=") or startswith("B="))]'
	assert_output '["A=1","B=two words"]'
	run -1 --separate-stderr dl-container-new --env-file /no/such "$img"
	assert_equal "$stderr" "dl-container-new: fatal: unable to read env file '/no/such': No such file or directory"
}

@test "dl-container-new: makes containers/ID with a writable rootfs, spec and state" {
	mk_store
	img=$(mk_image)
	new_ctr "$img"
	d="$DL_ROOT/containers/$cid"
	assert_file_exists "$d/rootfs/bin/busybox"
	run -0 btrfs subvolume show "$d/rootfs"
	run -0 btrfs property get -ts "$d/rootfs" ro
	assert_output 'ro=false'
	run -0 jq -r .status "$d/state.json"
	assert_output created
	run -0 spec '[.ociVersion, .root, .hostname]'
	assert_output "[\"1.0.2\",{\"path\":\"rootfs\",\"readonly\":false},\"${cid:0:12}\"]"
	store_tmp_empty
}

@test "dl-container-new: args are the image Entrypoint and Cmd" {
	mk_store
	img=$(mk_image '{"Entrypoint":["/bin/echo","e"],"Cmd":["c1","c2"]}')
	new_ctr "$img"
	run -0 spec .process.args
	assert_output '["/bin/echo","e","c1","c2"]'
}

@test "dl-container-new: COMMAND replaces the image Cmd and keeps the Entrypoint" {
	mk_store
	img=$(mk_image '{"Entrypoint":["/bin/echo"],"Cmd":["c1"]}')
	new_ctr "$img" x y
	run -0 spec .process.args
	assert_output '["/bin/echo","x","y"]'
}

@test "dl-container-new: --entrypoint replaces the Entrypoint and clears the image Cmd" {
	mk_store
	img=$(mk_image '{"Entrypoint":["/bin/echo"],"Cmd":["c1"]}')
	new_ctr --entrypoint /bin/ls "$img"
	run -0 spec .process.args
	assert_output '["/bin/ls"]'
	new_ctr --entrypoint /bin/ls "$img" -l /
	run -0 spec .process.args
	assert_output '["/bin/ls","-l","/"]'
}

@test "dl-container-new: --entrypoint '' clears the entrypoint" {
	mk_store
	img=$(mk_image '{"Entrypoint":["/bin/echo"],"Cmd":["c1"]}')
	new_ctr --entrypoint '' "$img" /bin/true
	run -0 spec .process.args
	assert_output '["/bin/true"]'
}

@test "dl-container-new: no command at all is 125 and leaves nothing" {
	mk_store
	img=$(mk_image '{"Entrypoint":["/bin/echo"],"Cmd":["c1"]}')
	run -125 --separate-stderr dl-container-new --entrypoint '' "$img"
	assert_output ''
	[[ "$stderr" == *"dl-container-new: fatal: unable to create container from image '$img': no command specified" ]]
	img2=$(mk_image '{}')
	run -125 --separate-stderr dl-container-new "$img2"
	[[ "$stderr" == *"no command specified" ]]
	store_is_clean
}

@test "dl-container-new: env is PATH, HOSTNAME, -e values, then the image's" {
	mk_store
	img=$(mk_image '{"Cmd":["sh"],"Env":["A=img","B=img"]}')
	new_ctr --hostname box -e B=cli -e C=cli "$img"
	run -0 spec .process.env
	assert_output '["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin","HOSTNAME=box","B=cli","C=cli","A=img","HOME=/root"]'
	run -0 spec .hostname
	assert_output '"box"'
}

@test "dl-container-new: an image PATH replaces the default one" {
	mk_store
	img=$(mk_image '{"Cmd":["sh"],"Env":["PATH=/opt/bin"]}')
	new_ctr "$img"
	run -0 spec '[.process.env[] | select(startswith("PATH="))]'
	assert_output '["PATH=/opt/bin"]'
}

@test "dl-container-new: -e K takes the caller's value or unsets K" {
	mk_store
	img=$(mk_image '{"Cmd":["sh"],"Env":["GONE=img"]}')
	FROMHOST=yes new_ctr -e FROMHOST -e GONE -e HOME=/h "$img"
	run -0 spec .process.env
	assert_output "[\"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\",\"HOSTNAME=${cid:0:12}\",\"FROMHOST=yes\",\"HOME=/h\"]"
}

@test "dl-container-new: -t sets terminal and TERM" {
	mk_store
	img=$(mk_image)
	new_ctr -t "$img"
	run -0 spec '[.process.terminal, (.process.env | index("TERM=xterm") != null)]'
	assert_output '[true,true]'
}

@test "dl-container-new: workdir is -w, else the image's, else /, and is created" {
	mk_store
	img=$(mk_image '{"Cmd":["sh"],"WorkingDir":"/srv/app"}')
	new_ctr "$img"
	run -0 spec .process.cwd
	assert_output '"/srv/app"'
	assert_dir_exists "$DL_ROOT/containers/$cid/rootfs/srv/app"
	new_ctr -w /w/./x/../y "$img"
	run -0 spec .process.cwd
	assert_output '"/w/y"'
	assert_dir_exists "$DL_ROOT/containers/$cid/rootfs/w/y"
	img2=$(mk_image)
	new_ctr "$img2"
	run -0 spec .process.cwd
	assert_output '"/"'
}

@test "dl-container-new: a relative -w is refused" {
	mk_store
	img=$(mk_image)
	run -2 --separate-stderr dl-container-new -w rel "$img"
	assert_output ''
	[[ "$stderr" == "dl-container-new: fatal: unable to use working directory 'rel'"* ]]
}

@test "dl-container-new: -u NAME takes uid, gid, home and groups from the image" {
	mk_store
	img=$(mk_image '{"Cmd":["sh"]}' add_users)
	new_ctr -u app "$img"
	run -0 spec '[.process.user, (.process.env | map(select(startswith("HOME="))))]'
	assert_output '[{"additionalGids":[10,29],"gid":1000,"uid":1000},["HOME=/home/app"]]'
}

@test "dl-container-new: the image User is used when there is no -u" {
	mk_store
	img=$(mk_image '{"Cmd":["sh"],"User":"app:audio"}' add_users)
	new_ctr "$img"
	run -0 spec .process.user
	assert_output '{"additionalGids":[],"gid":29,"uid":1000}'
}

@test "dl-container-new: numeric ids work without passwd entries" {
	mk_store
	img=$(mk_image '{"Cmd":["sh"]}' add_users)
	new_ctr -u 4242 "$img"
	run -0 spec '[.process.user, (.process.env | map(select(startswith("HOME="))))]'
	assert_output '[{"additionalGids":[],"gid":0,"uid":4242},["HOME=/"]]'
	new_ctr -u 1000:4343 "$img"
	run -0 spec .process.user
	assert_output '{"additionalGids":[],"gid":4343,"uid":1000}'
	new_ctr -u app:wheel "$img"
	run -0 spec .process.user
	assert_output '{"additionalGids":[],"gid":10,"uid":1000}'
	new_ctr "$img"
	run -0 spec '[.process.user, (.process.env | map(select(startswith("HOME="))))]'
	assert_output '[{"additionalGids":[10],"gid":0,"uid":0},["HOME=/root"]]'
}

@test "dl-container-new: an unknown user is 1 and leaves nothing" {
	mk_store
	img=$(mk_image)
	run -1 --separate-stderr dl-container-new --name keep -u nosuch "$img"
	assert_output ''
	assert_equal "$stderr" "dl-container-new: fatal: unable to find user 'nosuch': no matching entries in passwd file"
	store_is_clean
	assert_file_not_exists "$DL_ROOT/refs/containers/keep"
	run -1 --separate-stderr dl-container-new -u root:nogroup2 "$img"
	assert_equal "$stderr" "dl-container-new: fatal: unable to find group 'nogroup2': no matching entries in group file"
	store_is_clean
}

plant_passwd_link() {
	rm "$1/etc/passwd"
	ln -s "$HOST_PASSWD" "$1/etc/passwd"
}

@test "dl-container-new: /etc/passwd is read inside the root, never through a symlink out" {
	mk_store
	export HOST_PASSWD="$BATS_TEST_TMPDIR/passwd"
	printf 'evil:x:4242:4242::/evil:/bin/sh\n' >"$HOST_PASSWD"
	img=$(mk_image '{"Cmd":["sh"]}' plant_passwd_link)
	run -1 --separate-stderr dl-container-new -u evil "$img"
	[[ "$stderr" == *"unable to find user 'evil'"* ]]
	store_is_clean
}

@test "dl-container-new: Docker's 14 default capabilities, inheritable and ambient empty" {
	mk_store
	img=$(mk_image)
	new_ctr "$img"
	run -0 spec '.process.capabilities | [(.bounding | sort), .bounding == .effective, .bounding == .permitted, .inheritable, .ambient]'
	assert_output '[["CAP_AUDIT_WRITE","CAP_CHOWN","CAP_DAC_OVERRIDE","CAP_FOWNER","CAP_FSETID","CAP_KILL","CAP_MKNOD","CAP_NET_BIND_SERVICE","CAP_NET_RAW","CAP_SETFCAP","CAP_SETGID","CAP_SETPCAP","CAP_SETUID","CAP_SYS_CHROOT"],true,true,[],[]]'
}

@test "dl-container-new: --cap-add and --cap-drop, any case, with or without CAP_" {
	mk_store
	img=$(mk_image)
	new_ctr --cap-add sys_admin --cap-drop CAP_CHOWN --cap-drop net_raw "$img"
	run -0 spec '.process.capabilities.effective | [length, index("CAP_SYS_ADMIN") != null, index("CAP_CHOWN"), index("CAP_NET_RAW")]'
	assert_output '[13,true,null,null]'
}

@test "dl-container-new: --cap-drop ALL keeps only the added ones, --cap-add ALL all but the dropped" {
	mk_store
	img=$(mk_image)
	new_ctr --cap-drop ALL --cap-add KILL "$img"
	run -0 spec .process.capabilities.bounding
	assert_output '["CAP_KILL"]'
	last=$(cat /proc/sys/kernel/cap_last_cap)
	new_ctr --cap-add all --cap-drop SYS_ADMIN "$img"
	run -0 spec '.process.capabilities.bounding | [length, index("CAP_SYS_ADMIN")]'
	assert_output "[$last,null]"
}

@test "dl-container-new: --privileged has every capability and no masked paths" {
	mk_store
	img=$(mk_image)
	last=$(cat /proc/sys/kernel/cap_last_cap)
	new_ctr --privileged "$img"
	run -0 spec '[(.process.capabilities.bounding | length), .linux.maskedPaths, .annotations["org.dockerlite.privileged"]]'
	assert_output "[$((last + 1)),null,\"true\"]"
}

@test "dl-container-new: an unknown capability is 2 and leaves nothing" {
	mk_store
	img=$(mk_image)
	run -2 --separate-stderr dl-container-new --cap-add CAP_NOPE "$img"
	assert_output ''
	assert_equal "$stderr" "dl-container-new: fatal: unable to add capability 'CAP_NOPE': unknown capability"
	store_is_clean
}

@test "dl-container-new: --security-opt no-new-privileges, others refused" {
	mk_store
	img=$(mk_image)
	new_ctr --security-opt no-new-privileges "$img"
	run -0 spec .process.noNewPrivileges
	assert_output true
	new_ctr --security-opt no-new-privileges=false "$img"
	run -0 spec .process.noNewPrivileges
	assert_output false
	run -2 --separate-stderr dl-container-new --security-opt seccomp=x "$img"
	[[ "$stderr" == "dl-container-new: fatal: unable to use security option 'seccomp=x': not supported" ]]
}

@test "dl-container-new: --memory, --cpus and --pids-limit set resources" {
	mk_store
	img=$(mk_image)
	new_ctr --memory 64m --cpus 0.5 --pids-limit 100 "$img"
	run -0 spec .linux.resources
	assert_output '{"cpu":{"period":100000,"quota":50000},"memory":{"limit":67108864},"pids":{"limit":100}}'
	new_ctr -m 1g "$img"
	run -0 spec .linux.resources
	assert_output '{"memory":{"limit":1073741824}}'
	run -2 --separate-stderr dl-container-new --memory 1k "$img"
	[[ "$stderr" == *"unable to set memory '1k'"* ]]
	run -2 --separate-stderr dl-container-new --cpus abc "$img"
	[[ "$stderr" == *"unable to set cpus 'abc'"* ]]
}

@test "dl-container-new: -v, --mount and --tmpfs become spec mounts" {
	mk_store
	img=$(mk_image)
	mkdir "$BATS_TEST_TMPDIR/vol"
	new_ctr -v "$BATS_TEST_TMPDIR/vol:/data:ro" \
		--mount "type=bind,source=$BATS_TEST_TMPDIR/vol,target=/b" \
		--tmpfs /run:size=1m,exec \
		--mount type=tmpfs,target=/t,tmpfs-size=2m,tmpfs-mode=1777 "$img"
	run -0 spec .mounts
	assert_output "[{\"destination\":\"/data\",\"options\":[\"rbind\",\"rprivate\",\"ro\"],\"source\":\"$BATS_TEST_TMPDIR/vol\",\"type\":\"bind\"},{\"destination\":\"/b\",\"options\":[\"rbind\",\"rprivate\"],\"source\":\"$BATS_TEST_TMPDIR/vol\",\"type\":\"bind\"},{\"destination\":\"/run\",\"options\":[\"exec\",\"nosuid\",\"nodev\",\"size=1m\"],\"source\":\"tmpfs\",\"type\":\"tmpfs\"},{\"destination\":\"/t\",\"options\":[\"noexec\",\"nosuid\",\"nodev\",\"size=2097152\",\"mode=1777\"],\"source\":\"tmpfs\",\"type\":\"tmpfs\"}]"
}

@test "dl-container-new: a missing -v source is 1 and leaves nothing" {
	mk_store
	img=$(mk_image)
	run -1 --separate-stderr dl-container-new -v /no/such/dir:/data "$img"
	assert_output ''
	assert_equal "$stderr" "dl-container-new: fatal: unable to mount '/no/such/dir': no such file or directory"
	store_is_clean
}

@test "dl-container-new: bad volume names and duplicate mount points are refused" {
	mk_store
	img=$(mk_image)
	run -2 --separate-stderr dl-container-new -v 'my vol:/data' "$img"
	[[ "$stderr" == "dl-container-new: fatal: unable to mount 'my vol': invalid volume name: "* ]]
	run -2 --separate-stderr dl-container-new -v myvol:/data --tmpfs /data "$img"
	[[ "$stderr" == "dl-container-new: fatal: unable to mount '/data': duplicate mount point" ]]
	run -2 --separate-stderr dl-container-new --tmpfs /a --tmpfs /a/ "$img"
	[[ "$stderr" == "dl-container-new: fatal: unable to mount '/a': duplicate mount point" ]]
	store_is_clean
}

@test "dl-container-new: --read-only, network and annotations" {
	mk_store
	img=$(mk_image)
	new_ctr --read-only --name web -i --rm --init --image-name busybox:latest "$img"
	run -0 spec '[.root.readonly, (.linux.namespaces | map(.type)), (.annotations | del(.["org.dockerlite.created"]))]'
	assert_output "[true,[\"pid\",\"ipc\",\"uts\",\"mount\",\"network\"],{\"org.dockerlite.image\":\"$img\",\"org.dockerlite.image-name\":\"busybox:latest\",\"org.dockerlite.images\":\"$img\",\"org.dockerlite.init\":\"true\",\"org.dockerlite.interactive\":\"true\",\"org.dockerlite.name\":\"web\",\"org.dockerlite.network\":\"bridge\",\"org.dockerlite.privileged\":\"false\",\"org.dockerlite.rm\":\"true\"}]"
	run -0 cat "$DL_ROOT/refs/containers/web"
	assert_output "$cid"
	new_ctr --network host "$img"
	run -0 spec '[(.linux.namespaces | map(.type)), .annotations["org.dockerlite.network"], .hostname]'
	assert_output "[[\"pid\",\"ipc\",\"uts\",\"mount\"],\"host\",\"$(hostname)\"]"
	run -1 --separate-stderr dl-container-new --network overlay "$img"
	[[ "$stderr" == *"unable to use network 'overlay': no such network"* ]]
	run -2 --separate-stderr dl-container-new --network '-bad' "$img"
	[[ "$stderr" == *"unable to use network '-bad': not bridge, none, host nor the name of a network"* ]]
	new_ctr --dns 10.0.0.53 --dns 10.0.0.54 --dns-search a.example \
		--add-host db:10.0.0.7 "$img"
	run -0 spec '[.annotations["org.dockerlite.dns"], .annotations["org.dockerlite.dns-search"], .annotations["org.dockerlite.add-host"]]'
	assert_output '["10.0.0.53,10.0.0.54","a.example","db:10.0.0.7"]'
}

@test "dl-container-new: a name in use is 3 and leaves nothing" {
	mk_store
	img=$(mk_image)
	new_ctr --name web "$img"
	first=$cid
	run -3 --separate-stderr dl-container-new --name web "$img"
	assert_output ''
	assert_equal "$stderr" "dl-container-new: fatal: unable to create container 'web': name already in use"
	run -0 ls "$DL_ROOT/containers"
	assert_output "$first"
	store_tmp_empty
	run -0 cat "$DL_ROOT/refs/containers/web"
	assert_output "$first"
}

layer_one() {
	echo one >"$1/both"
	echo one >"$1/a"
	mkdir -p "$1/d"
	echo one >"$1/d/x"
}

layer_two() {
	echo two >"$1/both"
	echo two >"$1/b"
	mkdir -p "$1/d"
	echo two >"$1/d/y"
}

@test "dl-container-new: several images are laid over each other, the last config wins" {
	mk_store
	one=$(mk_image '{"Cmd":["one"]}' layer_one)
	two=$(mk_image '{"Cmd":["two"]}' layer_two)
	new_ctr "$one+$two"
	r="$DL_ROOT/containers/$cid/rootfs"
	run -0 cat "$r/a" "$r/b" "$r/both" "$r/d/x" "$r/d/y"
	assert_output $'one\ntwo\ntwo\none\ntwo'
	run -0 spec '[.process.args, .annotations["org.dockerlite.image"], .annotations["org.dockerlite.images"]]'
	assert_output "[[\"two\"],\"$two\",\"$one,$two\"]"
}

@test "dl-container-new: a missing image is 1 and leaves nothing" {
	mk_store
	id=$(new_id)
	run -1 --separate-stderr dl-container-new "$id"
	assert_output ''
	assert_equal "$stderr" "dl-container-new: fatal: unable to resolve '$id': no such image"
	store_is_clean
}

@test "dl-container-rm: removes the container, nested subvolumes and its name" {
	mk_store
	img=$(mk_image)
	new_ctr --name gone "$img"
	btrfs -q subvolume create "$DL_ROOT/containers/$cid/rootfs/nested"
	btrfs -q subvolume create "$DL_ROOT/containers/$cid/rootfs/nested/deeper"
	btrfs property set -ts "$DL_ROOT/containers/$cid/rootfs/nested/deeper" ro true
	run -0 --separate-stderr dl-container-rm "$cid"
	assert_output ''
	assert_equal "$stderr" ''
	store_is_clean
	assert_file_not_exists "$DL_ROOT/refs/containers/gone"
}

@test "dl-container-rm: a missing container is 1" {
	mk_store
	id=$(new_id)
	run -1 --separate-stderr dl-container-rm "$id"
	assert_output ''
	assert_equal "$stderr" "dl-container-rm: fatal: unable to remove container '$id': no such container"
}

@test "dl-container-rm: a container its supervisor holds is 3 and stays; a stale record is not" {
	local st
	mk_store
	img=$(mk_image)
	new_ctr "$img"
	for st in running starting; do
		jq -n --arg st "$st" '{status: $st, pid: 0, exit_code: 0,
			started: "0001-01-01T00:00:00Z",
			finished: "0001-01-01T00:00:00Z"}' \
			>"$DL_ROOT/containers/$cid/state.json"
		# the container's lock, as dl-spawn holds it
		flock "$DL_ROOT/containers/$cid" sleep 1.5 3>&- &
		holder=$!
		for _ in $(seq 100); do
			flock -n "$DL_ROOT/containers/$cid" true || break
			sleep 0.01
		done
		run -3 --separate-stderr dl-container-rm "$cid"
		wait "$holder"
		assert_output ''
		assert_equal "$stderr" "dl-container-rm: fatal: unable to remove container '$cid': container is $st"
		assert_dir_exists "$DL_ROOT/containers/$cid/rootfs"
	done
	# recorded running, but no supervisor and nothing runs: removable
	run -0 dl-container-rm "$cid"
	store_is_clean
}

@test "dl-container-rm: a bad ID is a usage error" {
	run -2 --separate-stderr dl-container-rm nope
	assert_output ''
	[[ "$stderr" == "dl-container-rm: fatal: unable to remove container 'nope': not a valid ID (64 lowercase hex digits)" ]]
}

@test "dl-container-rm: a name that now names another container is kept" {
	mk_store
	img=$(mk_image)
	new_ctr --name moved "$img"
	other=$(new_id)
	printf '%s\n' "$other" >"$DL_ROOT/refs/containers/moved"
	run -0 --separate-stderr dl-container-rm "$cid"
	assert_output ''
	assert_equal "$stderr" ''
	store_is_clean
	run -0 cat "$DL_ROOT/refs/containers/moved"
	assert_output "$other"
}

@test "dl-container-rm: a corrupt name file is left alone" {
	mk_store
	img=$(mk_image)
	new_ctr --name junk "$img"
	echo garbage >"$DL_ROOT/refs/containers/junk"
	run -0 --separate-stderr dl-container-rm "$cid"
	assert_equal "$stderr" ''
	store_is_clean
	run -0 cat "$DL_ROOT/refs/containers/junk"
	assert_output garbage
}

@test "dl-container-rm: a container another process holds locked is 3 and stays" {
	mk_store
	img=$(mk_image)
	new_ctr "$img"
	flock "$DL_ROOT/containers/$cid" sleep 1.5 3>&- &
	holder=$!
	for _ in $(seq 100); do
		flock -n "$DL_ROOT/containers/$cid" true || break
		sleep 0.01
	done
	run -3 --separate-stderr dl-container-rm "$cid"
	wait "$holder"
	assert_output ''
	assert_equal "$stderr" "dl-container-rm: fatal: unable to remove container '$cid': container is running"
	assert_dir_exists "$DL_ROOT/containers/$cid/rootfs"
	run -0 dl-container-rm "$cid"
	store_is_clean
}

@test "dl-container-rm: the leftover of an interrupted removal is deleted first" {
	mk_store
	img=$(mk_image)
	new_ctr "$img"
	mkdir -p "$DL_ROOT/tmp/$cid/dir"
	btrfs -q subvolume create "$DL_ROOT/tmp/$cid/rootfs"
	echo old >"$DL_ROOT/tmp/$cid/rootfs/file"
	run -0 --separate-stderr dl-container-rm "$cid"
	assert_equal "$stderr" ''
	store_is_clean
}
