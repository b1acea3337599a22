#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Boot a kernel and initramfs under QEMU TCG with -cpu max (SVM and NPT,
# no SEV), as the boot test and 'make run' do.
#   qemu.sh batch KERNEL INITRD OUTDIR   (console and TAP to OUTDIR, bounded)
#   qemu.sh run   KERNEL INITRD          (interactive shell on the terminal)
set -euo pipefail
STAGE=${STAGE:-qemu}
. "$(dirname "$0")/lib.sh"

mode=$1 kernel=$2 initrd=$3
[ -f "$kernel" ] || die "no kernel at $kernel; run make"
[ -f "$initrd" ] || die "no initramfs at $initrd"
: "${QEMU_MEM:=4G}" "${QEMU_SMP:=2}" "${BOOT_TIMEOUT:=1800}"
append="console=ttyS0 panic=-1 oops=panic printk.time=1 tsc=reliable clocksource=tsc ${BOOT_APPEND:-}"
qemu=(qemu-system-x86_64 -machine q35 -accel "tcg,thread=multi" -cpu max
	-smp "$QEMU_SMP" -m "$QEMU_MEM" -no-reboot
	-kernel "$kernel" -initrd "$initrd")

if [ "$mode" = run ]; then
	exec "${qemu[@]}" -nographic -append "$append snptest=shell"
fi

dir=$4
mkdir -p "$dir"
rm -f "$dir/console.log" "$dir/results.tap"
start=$SECONDS
set +e
timeout --kill-after=10 "$BOOT_TIMEOUT" "${qemu[@]}" -display none -monitor none \
	-serial "file:$dir/console.log" -serial "file:$dir/results.tap" \
	-append "$append snptest=run" </dev/null >"$dir/qemu.log" 2>&1
rc=$?
set -e
echo "$((SECONDS - start))" >"$dir/seconds"
if [ $rc -eq 124 ] || [ $rc -eq 137 ]; then
	msg "QEMU did not finish within ${BOOT_TIMEOUT}s and was killed; last console lines:" >&2
	tail -n 25 "$dir/console.log" | sed 's/^/    /' >&2
	msg "last results lines:" >&2
	tail -n 10 "$dir/results.tap" 2>/dev/null | sed 's/^/    /' >&2
	die "guest hung (raise BOOT_TIMEOUT=$BOOT_TIMEOUT if it was only slow); console: $dir/console.log"
fi
if [ $rc -ne 0 ]; then
	cat "$dir/qemu.log" >&2
	die "QEMU exited with $rc"
fi
if ! grep -q 'SNPTEST-DONE' "$dir/results.tap" 2>/dev/null; then
	msg "the guest stopped before the tests finished; last console lines:" >&2
	tail -n 25 "$dir/console.log" | sed 's/^/    /' >&2
	die "boot test incomplete; console: $dir/console.log"
fi
msg "guest ran for $((SECONDS - start))s"
