#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The boot test: an initramfs with busybox, the KVM selftests and the test
# plan from tests/expected-results.txt; boot it under QEMU TCG; keep the
# raw TAP/KTAP and a summary in OUTDIR; compare with the expected results.
#   boot-test.sh KBUILD SELFTESTS OUTDIR [EXPECTED]
set -euo pipefail
STAGE=${STAGE:-boot}
. "$(dirname "$0")/lib.sh"

kbuild=$(realpath -m "$1") st=$(realpath -m "$2") dir=$(realpath -m "$3")
expected=${4:-$TOP/tests/expected-results.txt}
mkdir -p "$dir"
"$TOP/scripts/results.py" plan "$expected" >"$dir/plan"
"$TOP/scripts/mkinitramfs.sh" "$kbuild" "$st" "$dir/plan" "$dir/initramfs.cpio.gz"
rc=0
"$TOP/scripts/qemu.sh" batch "$kbuild/arch/x86/boot/bzImage" "$dir/initramfs.cpio.gz" "$dir" || rc=$?
touch "$dir/results.tap"
"$TOP/scripts/results.py" compare "$expected" "$dir/results.tap" "$dir/summary.txt" >"$dir/results.txt"
while read -r r kind rest; do
	name=${rest%% -- *}
	why=
	[ "$name" != "$rest" ] && why=${rest#* -- }
	result "$r" "$kind: $name" "$why"
done <"$dir/results.txt"
msg "raw results: $dir/results.tap, console: $dir/console.log, summary: $dir/summary.txt"
exit $rc
