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

# The kernel log of the whole run: no warning, BUG or oops; and the PSP
# driver, which finds no PSP under QEMU, says nothing, as on the base.
log=$dir/console.log
if grep -nE 'WARNING:|BUG:|Oops|Call Trace:' "$log" >"$dir/kernel-warnings.txt"; then
	result fail "kernel log: no warnings" "$(head -n 2 "$dir/kernel-warnings.txt" | tr '\n' ' ')(all: $dir/kernel-warnings.txt)"
else
	result pass "kernel log: no warnings"
fi
if grep -nE '(^|[] ])(ccp|psp)( |:)|SEV(-SNP)?: ' "$log" >"$dir/psp-lines.txt"; then
	result fail "kernel log: the PSP driver is silent without a PSP" "$(head -n 2 "$dir/psp-lines.txt" | tr '\n' ' ')(all: $dir/psp-lines.txt)"
else
	result pass "kernel log: the PSP driver is silent without a PSP"
fi
msg "raw results: $dir/results.tap, console: $dir/console.log, summary: $dir/summary.txt"
exit $rc
