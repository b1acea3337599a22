#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# make check-base: the boot test on the unpatched base, then the base's
# and the patched kernel's results side by side, so regressions show.
# Selftests that do not build on the base are reported as not built.
set -euo pipefail
STAGE=check-base
. "$(dirname "$0")/lib.sh"

src=$OUT/base-src
kbuild=$OUT/build/base
st=$OUT/build/base-selftests

if [ ! -d "$src/.git" ]; then
	msg "checking out the base into $src"
	git clone -q --shared --no-checkout "$LINUX" "$src"
fi
git -C "$src" fetch -q "$LINUX" 'refs/tags/base:refs/tags/base'
git -C "$src" checkout -q -f --detach base

"$TOP/scripts/build-kernel.sh" "$src" "$kbuild" "${TEST_CONFIGS[@]}"
cc=gcc
command -v ccache >/dev/null && cc="ccache gcc"
make -s -C "$src" O="$kbuild" headers >/dev/null
mkdir -p "$st"
make -k -C "$src/tools/testing/selftests/kvm" -j"$(jobs_n)" CC="$cc" OUTPUT="$st" \
	INSTALL_HDR_PATH="$kbuild/usr" KHDR_INCLUDES="-isystem $kbuild/usr/include" \
	>"$st/build.log" 2>&1 || warn "some KVM selftests do not build on the base (see $st/build.log)"

rc=0
RESULTS=/dev/null "$TOP/scripts/boot-test.sh" "$kbuild" "$st" "$OUT/boot-base" >/dev/null || rc=$?
[ -f "$OUT/boot/results.tap" ] || die "no patched results in out/boot; run make check first"
msg "base: $(head -n1 "$OUT/boot-base/summary.txt")"
msg "patched: $(head -n1 "$OUT/boot/summary.txt")"
"$TOP/scripts/results.py" side-by-side "$OUT/boot-base/results.tap" "$OUT/boot/results.tap" |
	tee "$OUT/boot-base/side-by-side.txt"
