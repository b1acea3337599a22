#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Download the oracle kernel (qemu/qemu.conf: Debian's linux-image with
# upstream's SNP host code) into out/dl/oracle, unpack its kernel and
# modules once a version, and print two lines: the vmlinuz, and the
# directory of its modules (lib/modules/VERSION).
set -euo pipefail
STAGE=${STAGE:-oracle-kernel}
. "$(dirname "$0")/lib.sh"
# shellcheck source=../qemu/qemu.conf
. "$TOP/qemu/qemu.conf"

dl=$OUT/dl/oracle
deb=$dl/${ORACLE_PKG}_${ORACLE_VERSION//:/%3a}_amd64.deb
mkdir -p "$dl"
if [ ! -f "$deb" ]; then
	msg "downloading $ORACLE_PKG=$ORACLE_VERSION" >&2
	(cd "$dl" && apt-get download "$ORACLE_PKG=$ORACLE_VERSION") >"$dl/apt.log" 2>&1 ||
		{ tail -n 5 "$dl/apt.log" >&2; die "cannot download $ORACLE_PKG=$ORACLE_VERSION (log: $dl/apt.log); re-pin ORACLE_VERSION in qemu/qemu.conf"; }
	[ -f "$deb" ] || die "apt-get download did not write $deb (log: $dl/apt.log)"
fi
# The kernel and its modules, unpacked once a version.
stamp=$dl/x/.unpacked-$ORACLE_VERSION
if [ ! -f "$stamp" ]; then
	msg "unpacking the kernel and its modules" >&2
	rm -rf "$dl/x" "$dl/x.tmp"
	mkdir -p "$dl/x.tmp"
	dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$dl/x.tmp" ./boot/ ./lib/modules/
	touch "$dl/x.tmp/${stamp##*/}"
	mv "$dl/x.tmp" "$dl/x"
fi
vmlinuz=$(find "$dl/x/boot" -name 'vmlinuz-*' | head -n 1)
[ -n "$vmlinuz" ] || die "no vmlinuz in $deb"
echo "$vmlinuz"
echo "$dl/x/lib/modules/${vmlinuz##*/vmlinuz-}"
