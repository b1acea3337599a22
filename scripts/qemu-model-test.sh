#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Boot a kernel on the SNP platform model (out/qemu/build) up to the point
# where it looks for init (firmware: Debian's SeaBIOS), and check that its
# console has every line of an expected-lines file (fixed strings, one a
# line; '#' comments).
#   qemu-model-test.sh NAME KERNEL EXPECTED [RMP [IOMMU_SNP]]
# RMP and IOMMU_SNP (on, the default, or off) take away the firmware's RMP
# table or the IOMMU's SNP support, for the host's refusal paths.
set -euo pipefail
STAGE=${STAGE:-qemu-model}
. "$(dirname "$0")/lib.sh"

name=$1 kernel=$2 expected=$3 rmp=${4:-on} iommu_snp=${5:-on}
qemu=${QEMU_MODEL:-$OUT/qemu/build/qemu-system-x86_64}
[ -x "$qemu" ] || die "no model at $qemu; run make qemu"
[ -f "$kernel" ] || die "no kernel at $kernel"
dir=$OUT/qemu/test/$name
mkdir -p "$dir"
# Family 19h, bare metal: what the SNP host code insists on.
cpu="max,family=25,model=1,stepping=1,-hypervisor,sev-snp-host=on"
machine="q35,sev-snp-rmp=$rmp"
set +e
timeout --kill-after=5 300 "$qemu" -L /usr/share/seabios -L /usr/share/qemu \
	-machine "$machine" -accel tcg -cpu "$cpu" -nic none -vga none \
	-device "amd-iommu,snp=$iommu_snp" \
	-smp 2 -m 2G -no-reboot -display none -monitor none \
	-serial "file:$dir/console.log" -kernel "$kernel" \
	-append "console=ttyS0 panic=-1 rdinit=/nonexistent init=/nonexistent" \
	</dev/null >"$dir/qemu.log" 2>&1
rc=$?
set -e
tcg_int3_report "$name" "$dir/console.log"
[ $rc -eq 124 ] && die "$name: the kernel did not reach init within 300s (console: $dir/console.log)"
failed=0
while IFS= read -r line; do
	case $line in '#'* | '') continue ;; esac
	has_line "$name: console has '$line'" "$dir/console.log" "$line" || failed=1
done <"$expected"
# The boot ends in the panic for the missing root: a complete boot.
if grep -qE 'Unable to mount root fs|No working init found' "$dir/console.log"; then
	result pass "$name: boots to the point of mounting root"
else
	result fail "$name: boots to the point of mounting root" "console: $dir/console.log"
	failed=1
fi
# Before that panic, nothing may warn.
sed '/Kernel panic - not syncing/,$d' "$dir/console.log" |
	grep -nE 'WARNING:|BUG:|Oops|Call Trace:' | head -n 3 >"$dir/warnings.txt" || true
if [ -s "$dir/warnings.txt" ]; then
	result fail "$name: no kernel warnings" "$(tr '\n' ' ' <"$dir/warnings.txt")"
	failed=1
else
	result pass "$name: no kernel warnings"
fi
exit $failed
