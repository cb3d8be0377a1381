#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# 604-build-docker-rules.bats: dl build follows Docker's rules for ARG and
# ENV, the predefined proxy arguments, the escape directive, COPY --link,
# --chmod and --from=IMAGE, HEALTHCHECK NONE.
# shellcheck disable=SC2016 # the Dockerfiles' $VARS are theirs

load helpers
load lib-btrfs

@test "dl build: an ENV hides an ARG of its name from RUN, as in Docker; a proxy argument needs no ARG" {
	busybox_store
	C=$BATS_TEST_TMPDIR/ctx
	mkdir -p "$C"
	cat >"$C/Dockerfile" <<-'XEOF'
		FROM busybox
		ARG A=from-arg
		ENV E=from-env
		ARG E=from-arg
		RUN echo "A=$A E=$E P=$HTTP_PROXY" >/seen && env >/env
	XEOF
	run -0 --separate-stderr dl build --network none \
		--build-arg HTTP_PROXY=http://proxy:3128 --build-arg E=from-cli "$C"
	r=$DL_ROOT/images/$output/rootfs
	assert_equal "$(cat "$r/seen")" 'A=from-arg E=from-env P=http://proxy:3128'
	assert_equal "$(grep -c '^E=' "$r/env")" 1
	# the proxy is not kept in the image's config
	run -0 jq -c '.config.Env' "$DL_ROOT/images/$output/config.json"
	[[ "$output" != *PROXY* ]]
}

@test "dl build: # escape=\`, COPY --link --chmod, COPY --from=IMAGE, HEALTHCHECK NONE" {
	busybox_store
	C=$BATS_TEST_TMPDIR/ctx
	mkdir -p "$C"
	echo hello >"$C/f"
	cat >"$C/Dockerfile" <<-'XEOF'
		# escape=`
		FROM busybox
		RUN echo one `
		    two >/cont
		COPY --link --chmod=0750 f /f
		COPY --from=busybox /etc/passwd /passwd
		HEALTHCHECK NONE
	XEOF
	run -0 --separate-stderr dl build --network none "$C"
	id=$output
	r=$DL_ROOT/images/$id/rootfs
	assert_equal "$(cat "$r/cont")" 'one two'
	assert_equal "$(stat -c '%a %u:%g' "$r/f")" '750 0:0'
	cmp "$r/passwd" "$r/etc/passwd"
	run -0 jq -c '.config.Healthcheck' "$DL_ROOT/images/$id/config.json"
	assert_output '{"Test":["NONE"]}'
}
