#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Download the oracle kernel (qemu/qemu.conf: Debian's linux-image with
# upstream's SNP host code), boot it on the model and check its console
# against qemu/tests/oracle-6.12*.txt: without an initramfs, up to the
# point of mounting root, and with an initramfs that loads its ccp, kvm
# and kvm_amd modules (scripts/qemu-model-boot.sh).
set -euo pipefail
STAGE=qemu-oracle
. "$(dirname "$0")/lib.sh"

k=$("$TOP/scripts/oracle-kernel.sh")
vmlinuz=${k%%$'\n'*} moddir=${k#*$'\n'}
# Every boot runs; the script fails if any of them did.
rc=0
# Its refusals, without the firmware's RMP table and with an IOMMU that
# lacks SNP, beside the series' kernel's.
"$TOP/scripts/qemu-model-test.sh" oracle-6.12-no-rmp "$vmlinuz" \
	"$TOP/qemu/tests/oracle-6.12-no-rmp.txt" off on || rc=1
"$TOP/scripts/qemu-model-test.sh" oracle-6.12-no-iommu-snp "$vmlinuz" \
	"$TOP/qemu/tests/oracle-6.12-no-iommu-snp.txt" on off || rc=1
# With the PSP: its PSP driver, then KVM, which asks it to initialise
# SNP; the /dev/sev commands it shares with the series; a kexec; a
# panic.
QEMU_PSP_DEVICE=amd-psp SEV_IOCTL=common KEXEC=1 PANIC=1 \
	MODEL_EXPECTED="$TOP/qemu/tests/oracle-6.12-psp.model.txt" \
	"$TOP/scripts/qemu-model-boot.sh" oracle-6.12-psp "$vmlinuz" "$moddir" \
	"$TOP/qemu/tests/oracle-6.12-psp.txt" ccp kvm_amd || rc=1
# The RMP table sharing 2M pages with RAM (series-kernel-rmp-bookends).
QEMU_PSP_DEVICE=amd-psp QEMU_EXTRA_ARGS="-m 2304M -machine sev-snp-rmp-base=513M" \
	"$TOP/scripts/qemu-model-boot.sh" oracle-6.12-rmp-bookends "$vmlinuz" "$moddir" \
	"$TOP/qemu/tests/oracle-6.12-rmp-bookends.txt" ccp || rc=1
exit $rc
