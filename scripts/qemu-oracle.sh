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
# shellcheck source=../qemu/qemu.conf
. "$TOP/qemu/qemu.conf"

dl=$OUT/dl/oracle
deb=$dl/${ORACLE_PKG}_${ORACLE_VERSION//:/%3a}_amd64.deb
mkdir -p "$dl"
if [ ! -f "$deb" ]; then
	msg "downloading $ORACLE_PKG=$ORACLE_VERSION"
	(cd "$dl" && apt-get download "$ORACLE_PKG=$ORACLE_VERSION") >"$dl/apt.log" 2>&1 ||
		{ tail -n 5 "$dl/apt.log" >&2; die "cannot download $ORACLE_PKG=$ORACLE_VERSION (log: $dl/apt.log); re-pin ORACLE_VERSION in qemu/qemu.conf"; }
	[ -f "$deb" ] || die "apt-get download did not write $deb (log: $dl/apt.log)"
fi
# The kernel and its modules, unpacked once a version.
stamp=$dl/x/.unpacked-$ORACLE_VERSION
if [ ! -f "$stamp" ]; then
	msg "unpacking the kernel and its modules"
	rm -rf "$dl/x" "$dl/x.tmp"
	mkdir -p "$dl/x.tmp"
	dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$dl/x.tmp" ./boot/ ./lib/modules/
	touch "$dl/x.tmp/${stamp##*/}"
	mv "$dl/x.tmp" "$dl/x"
fi
vmlinuz=$(ls "$dl"/x/boot/vmlinuz-* | head -n1)
moddir=$dl/x/lib/modules/${vmlinuz##*/vmlinuz-}
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
