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

# Kernel messages that fail the run: warnings, BUGs, oopses, and the
# reports of the RCU stall and hung task detectors (listed by the lines
# that name them, so that a summary of two lines says what fired).
bad='WARNING:|BUG:|Oops|Call Trace:|detected stall|stall on CPU|blocked for more than'

# The guest's clock is the host's TSC under TCG. When the host's TSC
# leaps (a paused or migrated CI machine), the guest's jiffies leap with
# it and RCU reports a stall that never happened. Such a run shows a
# guest clock far ahead of the host's: the last printk time beyond twice
# the host's seconds plus a minute. It is run again, once, saying so.
clock_leapt() {
	local host guest
	host=$(cat "$dir/seconds" 2>/dev/null || echo 0)
	guest=$(sed -n 's/^\[ *\([0-9]*\)\.[0-9]*\].*/\1/p' "$dir/console.log" | tail -n 1)
	[ -n "$guest" ] && [ "$guest" -gt $((2 * host + 60)) ] || return 1
	echo "the guest's clock reads ${guest}s after ${host}s on the host"
}

rc=0
"$TOP/scripts/qemu.sh" batch "$kbuild/arch/x86/boot/bzImage" "$dir/initramfs.cpio.gz" "$dir" || rc=$?
if tcg_int3_trap "$dir/console.log"; then
	tcg_int3_retry boot "$dir"
	mv "$dir/results.tap" "$dir/seconds" "$dir/int3/" 2>/dev/null || true
	rc=0
	"$TOP/scripts/qemu.sh" batch "$kbuild/arch/x86/boot/bzImage" "$dir/initramfs.cpio.gz" "$dir" || rc=$?
elif grep -qE "$bad" "$dir/console.log" && leap=$(clock_leapt); then
	warn "$leap: the host's clock leapt, and the kernel log has reports a leap causes:"
	grep -E "$bad" "$dir/console.log" | head -n 4 | sed 's/^/    /' >&2
	warn "running the boot test again, once (first run kept in $dir/leapt)"
	rm -rf "$dir/leapt"
	mkdir -p "$dir/leapt"
	mv "$dir/console.log" "$dir/results.tap" "$dir/seconds" "$dir/leapt/" 2>/dev/null || true
	rc=0
	"$TOP/scripts/qemu.sh" batch "$kbuild/arch/x86/boot/bzImage" "$dir/initramfs.cpio.gz" "$dir" || rc=$?
fi
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
if grep -nE "$bad" "$log" >"$dir/kernel-warnings.txt"; then
	leap=$(clock_leapt) && leap="; $leap (a leap again?)"
	result fail "kernel log: no warnings" "$(head -n 2 "$dir/kernel-warnings.txt" | tr '\n' ' ')(all: $dir/kernel-warnings.txt)${leap:-}"
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
