#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Install the kernel headers of a build directory and build the KVM
# selftests against them.
#   build-selftests.sh SRC KBUILD OUTPUT
set -euo pipefail
STAGE=${STAGE:-selftests}
. "$(dirname "$0")/lib.sh"

src=$(realpath "$1") kbuild=$(realpath -m "$2") output=$(realpath -m "$3")
mkdir -p "$output"
cc="gcc"
command -v ccache >/dev/null && cc="ccache gcc"

make -s -C "$src" O="$kbuild" headers >"$output/headers.log" 2>&1 ||
	{ tail -n 30 "$output/headers.log" >&2; die "make headers failed (log: $output/headers.log)"; }

log=$output/build.log
if ! make -C "$src/tools/testing/selftests/kvm" -j"$(jobs_n)" CC="$cc" \
	OUTPUT="$output" INSTALL_HDR_PATH="$kbuild/usr" \
	KHDR_INCLUDES="-isystem $kbuild/usr/include" >"$log" 2>&1; then
	grep -E 'error|undefined reference' "$log" | head -n 30 >&2
	die "KVM selftests failed to build (log: $log)"
fi
n=$(find "$output" -type f -perm -u+x ! -name '*.o' ! -path '*/lib/*' | wc -l)
msg "built $n KVM selftests into $output"
