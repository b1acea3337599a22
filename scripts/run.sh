#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# make run: boot the built kernel under QEMU TCG with a shell on the
# terminal; the KVM selftests are in /kvm. 'poweroff -f' quits.
#   run.sh KBUILD
set -euo pipefail
STAGE=run
. "$(dirname "$0")/lib.sh"

kbuild=$1
st=$OUT/build/selftests
dir=$OUT/run
mkdir -p "$dir"
[ -d "$st" ] || "$TOP/scripts/build-selftests.sh" "$LINUX" "$kbuild" "$st"
"$TOP/scripts/results.py" plan "$TOP/tests/expected-results.txt" >"$dir/plan"
"$TOP/scripts/mkinitramfs.sh" "$kbuild" "$st" "$dir/plan" "$dir/initramfs.cpio.gz"
exec "$TOP/scripts/qemu.sh" run "$kbuild/arch/x86/boot/bzImage" "$dir/initramfs.cpio.gz"
