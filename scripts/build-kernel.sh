#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Configure and build bzImage and modules, with ccache.
#   build-kernel.sh SRC BUILD [FRAGMENT...]   (default: the test kernel's)
set -euo pipefail
STAGE=${STAGE:-build}
. "$(dirname "$0")/lib.sh"

src=$(realpath "$1") build=$(realpath -m "$2")
shift 2
[ $# -gt 0 ] || set -- "${TEST_CONFIGS[@]}"
"$TOP/scripts/config-kernel.sh" "$src" "$build" "$@"

cc=gcc
command -v ccache >/dev/null && cc="ccache gcc"
log=$build/build.log
start=$SECONDS
# LOCALVERSION= keeps setlocalversion from appending '+' for the git tree.
if ! make -C "$src" O="$build" -j"$(jobs_n)" CC="$cc" HOSTCC="$cc" LOCALVERSION= \
	bzImage modules >"$log" 2>&1; then
	grep -E ': error:|Error [0-9]|undefined reference' "$log" | head -n 30 >&2
	die "kernel build failed in $build (log: $log)"
fi
grep -E ': warning:' "$log" | sort -u >"$build/warnings.txt" || true
release=$(cat "$build/include/config/kernel.release")
msg "built in $((SECONDS - start))s: $build/arch/x86/boot/bzImage ($release)"
[ -s "$build/warnings.txt" ] && warn "$(wc -l <"$build/warnings.txt") compiler warning(s); see $build/warnings.txt"
exit 0
