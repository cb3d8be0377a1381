# SPDX-License-Identifier: Apache-2.0
# dockerlite: build, test, install.  GNU make.
.DELETE_ON_ERROR:
.SUFFIXES:

VERSION = 0.1.0

PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
LIBEXECDIR ?= $(PREFIX)/libexec
DATADIR ?= $(PREFIX)/share
MANDIR ?= $(DATADIR)/man
BASHCOMPDIR ?= $(DATADIR)/bash-completion/completions
ZSHCOMPDIR ?= $(DATADIR)/zsh/site-functions
# the systemd unit of dl start --boot; empty: none installed
UNITDIR ?= $(PREFIX)/lib/systemd/system
DESTDIR ?=

CC ?= cc
AR ?= ar
PKG_CONFIG ?= pkg-config
CFLAGS ?= -O2 -g
BATS ?= bats
SHELLCHECK ?= shellcheck

# Our flags are added to the user's CFLAGS, never replacing them.
# WERROR=1 (as CI sets) turns warnings into errors.
WARN = -Wall -Wextra -Wformat=2 -Wshadow -Wno-unused-parameter
ifeq ($(WERROR),1)
WARN += -Werror
endif
PKGS_ALL = jansson libbtrfsutil lxc libarchive zlib libcrypto libseccomp \
	libnl-route-3.0 libnftables libcurl
DL_CFLAGS = -std=gnu11 $(WARN) -D_GNU_SOURCE -DDL_VERSION='"$(VERSION)"' \
	-Ihelpers/lib $(shell $(PKG_CONFIG) --cflags $(PKGS_ALL))

# One line a helper: the pkg-config modules it links, and nothing more.
PKGS_dl-subvol-new = libbtrfsutil
PKGS_dl-snapshot = libbtrfsutil
PKGS_dl-subvol-set-ro = libbtrfsutil
PKGS_dl-subvol-get-ro = libbtrfsutil
PKGS_dl-subvol-rm = libbtrfsutil
PKGS_dl-subvol-ls = libbtrfsutil
PKGS_dl-subvol-test = libbtrfsutil
PKGS_dl-store-info = jansson lxc libarchive zlib
PKGS_dl-clone = libbtrfsutil jansson
PKGS_dl-image-config = jansson
PKGS_dl-image-get = jansson
PKGS_dl-image-validate = jansson
PKGS_dl-image-inspect = jansson
PKGS_dl-image-ls = jansson
PKGS_dl-image-new = libbtrfsutil jansson libarchive zlib
PKGS_dl-extract = libarchive zlib
PKGS_dl-layer-apply = libarchive zlib libcrypto
PKGS_dl-net-up = jansson libnl-route-3.0 libnftables
PKGS_dl-net-set = jansson
PKGS_dl-net-inspect = jansson
PKGS_dl-net-down = jansson libnl-route-3.0 libnftables
PKGS_dl-net-publish = jansson libnftables
PKGS_dl-net-create = jansson
PKGS_dl-net-rm = jansson libnl-route-3.0 libnftables
PKGS_dl-net-unpublish = jansson libnftables
PKGS_dl-net-connect = jansson libnl-route-3.0
PKGS_dl-net-disconnect = jansson libnl-route-3.0
PKGS_dl-ref-parse = jansson
PKGS_dl-ref-get = jansson
PKGS_dl-ref-set = jansson
PKGS_dl-ref-rm = jansson
PKGS_dl-ref-ls = jansson
PKGS_dl-ref-resolve = jansson
PKGS_dl-spawn = lxc jansson libbtrfsutil libseccomp zlib libnl-route-3.0
PKGS_dl-attach = lxc jansson libseccomp zlib
PKGS_dl-console = jansson
PKGS_dl-kill = lxc jansson
PKGS_dl-pause = lxc jansson
PKGS_dl-unpause = lxc jansson
PKGS_dl-stats = lxc jansson
PKGS_dl-update = lxc jansson libbtrfsutil
PKGS_dl-sysctl-set = jansson libbtrfsutil
PKGS_dl-stop = lxc jansson
PKGS_dl-state = lxc jansson
PKGS_dl-cp = jansson libarchive zlib libzstd libcrypto
LIBS_dl-cp = -pthread
PKGS_dl-diff = jansson libbtrfsutil
PKGS_dl-container-new = libbtrfsutil jansson
PKGS_dl-commit = libbtrfsutil jansson lxc
PKGS_dl-container-rm = libbtrfsutil jansson lxc libnftables
PKGS_dl-container-inspect = jansson lxc
PKGS_dl-store-sweep = libbtrfsutil jansson
PKGS_dl-image-rm = libbtrfsutil jansson
PKGS_dl-store-check = libbtrfsutil jansson
PKGS_dl-layer-diff = libbtrfsutil jansson libarchive zlib libzstd libcrypto
# libbtrfs (the send stream parser) has no pkg-config module
LIBS_dl-layer-diff = -lbtrfs -pthread
PKGS_dl-blob-put = libcrypto libbtrfsutil
PKGS_dl-blob-cat = libcrypto libbtrfsutil
PKGS_dl-ocidoc-validate = jansson libcrypto
PKGS_dl-archive-import = jansson libcrypto libbtrfsutil libarchive zlib
LIBS_dl-archive-import = -pthread
PKGS_dl-image-unpack = jansson libcrypto libbtrfsutil libarchive zlib
LIBS_dl-image-unpack = -pthread
PKGS_dl-image-layers = libbtrfsutil jansson libarchive zlib libzstd libcrypto
LIBS_dl-image-layers = -lbtrfs -pthread
PKGS_dl-image-save = jansson libcrypto libbtrfsutil libarchive
PKGS_dl-volume-new = libbtrfsutil jansson
PKGS_dl-volume-rm = libbtrfsutil jansson
PKGS_dl-volume-ls = libbtrfsutil jansson
PKGS_dl-volume-inspect = libbtrfsutil jansson
PKGS_dl-volume-clone = libbtrfsutil jansson
PKGS_dl-volume-import = libbtrfsutil jansson libarchive zlib
PKGS_dl-template = jansson
PKGS_dl-container-rename = jansson
PKGS_dl-dockerfile = jansson
PKGS_dl-build-sum = libcrypto
PKGS_dl-build-copy = libarchive zlib libcrypto jansson libbtrfsutil
PKGS_dl-image-derive = jansson libbtrfsutil
PKGS_dl-registry-get = libcurl jansson libcrypto libbtrfsutil libarchive zlib
LIBS_dl-registry-get = -pthread
PKGS_dl-registry-put = libcurl jansson libcrypto libbtrfsutil
PKGS_dl-registry-login = libcurl jansson libcrypto
PKGS_dl-registry-logout = libcurl jansson libcrypto
PKGS_dl-registry-digest = libcurl jansson libcrypto

HELPER_SRC = $(wildcard helpers/dl-*.c)
HELPERS = $(HELPER_SRC:.c=)
LIB_SRC = $(wildcard helpers/lib/*.c)
LIB_OBJ = $(LIB_SRC:.c=.o)
LIB_HDR = $(wildcard helpers/lib/*.h helpers/lib/dl/*.h)
LIBDL = helpers/lib/libdl.a
UNIT_SRC = $(wildcard t/unit/*.c)
UNITS = $(UNIT_SRC:.c=.t)
SCRIPTS = $(wildcard bin/dl bin/dl-*)

all: $(HELPERS) $(UNITS)

helpers/lib/%.o: helpers/lib/%.c $(LIB_HDR)
	$(CC) $(DL_CFLAGS) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

$(LIBDL): $(LIB_OBJ)
	rm -f $@
	$(AR) rcs $@ $(LIB_OBJ)

helpers/dl-%: helpers/dl-%.c $(LIBDL) $(LIB_HDR)
	$(CC) $(DL_CFLAGS) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $< $(LIBDL) \
		$(shell $(PKG_CONFIG) --libs $(PKGS_dl-$*)) $(LIBS_dl-$*)

t/unit/%.t: t/unit/%.c t/unit/tap.h $(LIBDL) $(LIB_HDR)
	$(CC) $(DL_CFLAGS) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $< $(LIBDL) \
		$(shell $(PKG_CONFIG) --libs $(PKGS_ALL))

# The whole suite: bats (root and btrfs tests skip with a reason elsewhere),
# then shellcheck.
check: all
	BATS=$(BATS) t/run
	$(MAKE) lint

installcheck:
	DL_TEST_INSTALLED=$(DESTDIR)$(BINDIR) BATS=$(BATS) t/run

lint:
	$(SHELLCHECK) -s sh -x $(SCRIPTS) share/dl-sh-setup
	$(SHELLCHECK) -s bash .ci/run t/run
	$(SHELLCHECK) -s bash -x t/*.bash t/*.bats t/bench/*.sh share/dl.bash

bench: all
	bash t/bench/run.sh

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(LIBEXECDIR)/dockerlite \
		$(DESTDIR)$(DATADIR)/dockerlite
	for s in $(SCRIPTS); do \
		sed -e 's|@LIBEXECDIR@|$(LIBEXECDIR)/dockerlite|g' \
		    -e 's|@DATADIR@|$(DATADIR)/dockerlite|g' \
		    -e 's|@VERSION@|$(VERSION)|g' "$$s" \
			>$(DESTDIR)$(BINDIR)/$${s#bin/} && \
		chmod 755 $(DESTDIR)$(BINDIR)/$${s#bin/} || exit 1; \
	done
	install -m 755 $(HELPERS) $(DESTDIR)$(LIBEXECDIR)/dockerlite/
	sed -e 's|@LIBEXECDIR@|$(LIBEXECDIR)/dockerlite|g' \
	    -e 's|@DATADIR@|$(DATADIR)/dockerlite|g' \
	    -e 's|@VERSION@|$(VERSION)|g' share/dl-sh-setup \
		>$(DESTDIR)$(DATADIR)/dockerlite/dl-sh-setup
	chmod 644 $(DESTDIR)$(DATADIR)/dockerlite/dl-sh-setup
	for f in share/*.seccomp; do \
		test -e "$$f" || continue; \
		install -m 644 "$$f" $(DESTDIR)$(DATADIR)/dockerlite/ || exit 1; \
	done
	install -d $(DESTDIR)$(BASHCOMPDIR) $(DESTDIR)$(ZSHCOMPDIR)
	install -m 644 share/dl.bash $(DESTDIR)$(BASHCOMPDIR)/dl
	sed -e 's|@BASHCOMPDIR@|$(BASHCOMPDIR)|g' share/_dl \
		>$(DESTDIR)$(ZSHCOMPDIR)/_dl
	chmod 644 $(DESTDIR)$(ZSHCOMPDIR)/_dl
	if test -n "$(UNITDIR)"; then \
		install -d $(DESTDIR)$(UNITDIR) && \
		sed -e 's|@BINDIR@|$(BINDIR)|g' share/dockerlite.service \
			>$(DESTDIR)$(UNITDIR)/dockerlite.service && \
		chmod 644 $(DESTDIR)$(UNITDIR)/dockerlite.service; \
	fi
	$(MAKE) man
	for f in share/man/*.1 share/man/*.7; do \
		test -e "$$f" || continue; \
		s=$${f##*.}; \
		install -d $(DESTDIR)$(MANDIR)/man$$s && \
		install -m 644 "$$f" $(DESTDIR)$(MANDIR)/man$$s/ || exit 1; \
	done

# Man pages from MANUAL.md, one a program, when go-md2man is there: a
# missing converter leaves them out and never fails the build.
MD2MAN ?= go-md2man
man:
	@if command -v $(MD2MAN) >/dev/null 2>&1; then \
		rm -rf share/man && mkdir -p share/man && \
		awk -v out=share/man -v version=$(VERSION) -f share/man.awk \
			MANUAL.md && \
		for f in share/man/*.md; do \
			$(MD2MAN) -in "$$f" -out "$${f%.md}" && rm -f "$$f" || \
				exit 1; \
		done; \
	else \
		rm -rf share/man; \
		echo "make man: no $(MD2MAN): no man pages"; \
	fi

uninstall:
	for s in $(SCRIPTS); do rm -f $(DESTDIR)$(BINDIR)/$${s#bin/}; done
	rm -rf $(DESTDIR)$(LIBEXECDIR)/dockerlite $(DESTDIR)$(DATADIR)/dockerlite
	rm -f $(DESTDIR)$(MANDIR)/man1/dl.1 $(DESTDIR)$(MANDIR)/man1/dl-*.1 \
		$(DESTDIR)$(MANDIR)/man7/dockerlite.7
	rm -f $(DESTDIR)$(BASHCOMPDIR)/dl $(DESTDIR)$(ZSHCOMPDIR)/_dl
	test -z "$(UNITDIR)" || rm -f $(DESTDIR)$(UNITDIR)/dockerlite.service

# Debian 12 packages that build, run and test dockerlite (INSTALL.md).
DEBIAN_DEPS = build-essential pkg-config libjansson-dev libbtrfsutil-dev \
	lxc-dev lxc libarchive-dev zlib1g-dev libcurl4-openssl-dev libssl-dev \
	btrfs-progs busybox-static debootstrap util-linux iproute2 \
	bats bats-support bats-assert bats-file shellcheck \
	zstd xz-utils bzip2 gzip tar file jq python3 libcap2-bin e2fsprogs \
	hyperfine libseccomp-dev libzstd-dev libbtrfs-dev \
	libnl-route-3-dev libnftables-dev nftables curl \
	podman skopeo umoci oci-image-tool crun runc parallel procps \
	go-md2man zsh docker-registry apache2-utils openssl

deps:
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(DEBIAN_DEPS)

clean:
	rm -f $(HELPERS) $(LIB_OBJ) $(LIBDL) $(UNITS)
	rm -rf share/man

.PHONY: all check installcheck lint bench install uninstall deps clean man
