#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Build qemu-system-x86_64 from qemu/src, TCG only, with ccache, into
# out/qemu/build. Prints the binary's path.
set -euo pipefail
STAGE=qemu-build
. "$(dirname "$0")/lib.sh"

src=$TOP/qemu/src build=$OUT/qemu/build
[ -d "$src" ] || die "$src is missing: run make qemu"
mkdir -p "$build"
cc=gcc
command -v ccache >/dev/null && cc="ccache gcc"
start=$SECONDS
if [ ! -f "$build/build.ninja" ]; then
	msg "configuring (x86_64-softmmu, TCG)" >&2
	(cd "$build" && "$src/configure" --target-list=x86_64-softmmu \
		--cc="$cc" --host-cc="$cc" --disable-kvm --disable-xen \
		--disable-docs --disable-guest-agent --disable-tools \
		--disable-werror --without-default-features --enable-tcg \
		--enable-fdt=system \
		--with-git-submodules=ignore --meson=meson) \
		>"$build/configure.log" 2>&1 ||
		{ tail -n 20 "$build/configure.log" >&2; die "configure failed (log: $build/configure.log)"; }
fi
ninja -C "$build" -j"$(jobs_n)" qemu-system-x86_64 >"$build/build.log" 2>&1 ||
	{ grep -E 'error|FAILED' "$build/build.log" | head -n 20 >&2; die "build failed (log: $build/build.log)"; }
msg "built in $((SECONDS - start))s" >&2
echo "$build/qemu-system-x86_64"
