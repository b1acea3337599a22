#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Make sure the Debian packages the pipeline needs are installed (with the
# argument 'qemu': those the QEMU model's build needs; 'oracle': the L2
# oracle's): install the missing ones when running as root, otherwise
# print the one command that installs them.
set -euo pipefail
STAGE=deps
. "$(dirname "$0")/lib.sh"

# package:command-or-file that proves it is there
PKGS=(
	build-essential:/usr/bin/gcc
	bc:/usr/bin/bc
	bison:/usr/bin/bison
	flex:/usr/bin/flex
	libelf-dev:/usr/include/libelf.h
	libssl-dev:/usr/include/openssl/ssl.h
	cpio:/usr/bin/cpio
	ccache:/usr/bin/ccache
	xz-utils:/usr/bin/xz
	git:/usr/bin/git
	quilt:/usr/bin/quilt
	b4:/usr/bin/b4
	codespell:/usr/bin/codespell
	sparse:/usr/bin/sparse
	busybox-static:/bin/busybox
	qemu-system-x86:/usr/bin/qemu-system-x86_64
	ovmf:/usr/share/ovmf/OVMF.fd
	python3:/usr/bin/python3
	openssl:/usr/bin/openssl
	kmod:/usr/bin/kmod
	rsync:/usr/bin/rsync
	perl:/usr/bin/perl
	shellcheck:/usr/bin/shellcheck
	python3-ply:/usr/lib/python3/dist-packages/ply/__init__.py
	python3-git:/usr/lib/python3/dist-packages/git/__init__.py
)

# 'deps.sh qemu': what building the QEMU model (make qemu) needs instead.
if [ "${1:-}" = qemu ]; then
	PKGS=(
		build-essential:/usr/bin/gcc
		ccache:/usr/bin/ccache
		git:/usr/bin/git
		dpkg-dev:/usr/bin/dpkg-source
		meson:/usr/bin/meson
		ninja-build:/usr/bin/ninja
		pkg-config:/usr/bin/pkg-config
		libglib2.0-dev:/usr/include/glib-2.0/glib.h
		libpixman-1-dev:/usr/include/pixman-1/pixman.h
		libfdt-dev:/usr/include/libfdt.h
		python3:/usr/bin/python3
		gdb:/usr/bin/gdb
	)
fi

# 'deps.sh oracle': what the L2 oracle (make oracle-l2) needs besides the
# model: dpkg-deb and apt for the pinned .debs, the archive keys of
# bookworm-backports and trixie, busybox and cpio for the initramfs.
if [ "${1:-}" = oracle ]; then
	PKGS=(
		build-essential:/usr/bin/gcc
		binutils:/usr/bin/ar
		dpkg:/usr/bin/dpkg-deb
		apt:/usr/bin/apt-get
		debian-archive-keyring:/usr/share/keyrings/debian-archive-keyring.gpg
		busybox-static:/bin/busybox
		cpio:/usr/bin/cpio
		kmod:/usr/bin/kmod
		xz-utils:/usr/bin/xz
		ccache:/usr/bin/ccache
		bc:/usr/bin/bc
		bison:/usr/bin/bison
		flex:/usr/bin/flex
		libelf-dev:/usr/include/libelf.h
		libssl-dev:/usr/include/openssl/ssl.h
		linux-libc-dev:/usr/include/linux/sev-guest.h
	)
fi

missing=()
for e in "${PKGS[@]}"; do
	pkg=${e%%:*} path=${e#*:}
	[ -e "$path" ] || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0

msg "missing Debian packages: ${missing[*]}"
if [ "$(id -u)" -ne 0 ]; then
	die "install them with: sudo apt-get install --no-install-recommends ${missing[*]}"
fi

export DEBIAN_FRONTEND=noninteractive
mkdir -p "$OUT"
if ! apt-get install -y --no-install-recommends "${missing[@]}" >"$OUT/apt.log" 2>&1; then
	msg "apt-get install failed; refreshing the package lists and retrying"
	apt-get update >>"$OUT/apt.log" 2>&1 || true
	apt-get install -y --no-install-recommends "${missing[@]}" >>"$OUT/apt.log" 2>&1 ||
		{ tail -n 20 "$OUT/apt.log" >&2; die "could not install: ${missing[*]} (log: $OUT/apt.log)"; }
fi
for e in "${PKGS[@]}"; do
	pkg=${e%%:*} path=${e#*:}
	[ -e "$path" ] || die "package $pkg installed but $path is still missing"
done
msg "installed: ${missing[*]}"
