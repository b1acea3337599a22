#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Download the oracle kernel (qemu/qemu.conf: Debian's linux-image with
# upstream's SNP host code), boot it on the model and check its console
# against qemu/tests/oracle-6.12*.txt.
set -euo pipefail
STAGE=qemu-oracle
. "$(dirname "$0")/lib.sh"
# shellcheck source=../qemu/qemu.conf
. "$TOP/qemu/qemu.conf"

dl=$OUT/dl/oracle
mkdir -p "$dl/x"
vmlinuz=$(ls "$dl"/x/boot/vmlinuz-* 2>/dev/null | head -n1 || true)
if [ -z "$vmlinuz" ]; then
	msg "downloading $ORACLE_PKG=$ORACLE_VERSION"
	(cd "$dl" && apt-get download "$ORACLE_PKG=$ORACLE_VERSION") >"$dl/apt.log" 2>&1 ||
		{ tail -n 5 "$dl/apt.log" >&2; die "cannot download $ORACLE_PKG=$ORACLE_VERSION (log: $dl/apt.log); re-pin ORACLE_VERSION in qemu/qemu.conf"; }
	deb=$(ls "$dl"/"${ORACLE_PKG}"_*.deb | head -n1)
	dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$dl/x" ./boot/
	vmlinuz=$(ls "$dl"/x/boot/vmlinuz-* | head -n1)
fi
"$TOP/scripts/qemu-model-test.sh" oracle-6.12 "$vmlinuz" "$TOP/qemu/tests/oracle-6.12.txt"
# Its refusals, without the firmware's RMP table and with an IOMMU that
# lacks SNP, beside the series' kernel's.
"$TOP/scripts/qemu-model-test.sh" oracle-6.12-no-rmp "$vmlinuz" \
	"$TOP/qemu/tests/oracle-6.12-no-rmp.txt" off on
"$TOP/scripts/qemu-model-test.sh" oracle-6.12-no-iommu-snp "$vmlinuz" \
	"$TOP/qemu/tests/oracle-6.12-no-iommu-snp.txt" on off
