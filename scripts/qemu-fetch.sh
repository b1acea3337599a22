#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Download the pinned Debian qemu source package through a private apt
# configuration (qemu/apt/sources.list; the system's sources are left
# alone), check its .dsc against the sha256 in qemu/qemu.conf, and print
# the .dsc's path. dpkg-source checks every other file against the .dsc.
set -euo pipefail
STAGE=qemu-fetch
. "$(dirname "$0")/lib.sh"
# shellcheck source=../qemu/qemu.conf
. "$TOP/qemu/qemu.conf"

ver=${QEMU_VERSION#*:}
dl=$OUT/dl/qemu
apt=$OUT/qemu-apt
dsc=$dl/${QEMU_PKG}_$ver.dsc
mkdir -p "$dl" "$apt/lists/partial" "$apt/cache/archives/partial"

check() { [ -f "$1" ] && [ "$(sha256sum "$1" | cut -d' ' -f1)" = "$QEMU_DSC_SHA256" ]; }

if check "$dsc"; then
	echo "$dsc"
	exit 0
fi

aptopts=(-o "Dir::Etc::SourceList=$TOP/qemu/apt/sources.list"
	-o Dir::Etc::SourceParts=/dev/null -o "Dir::State::Lists=$apt/lists"
	-o "Dir::Cache=$apt/cache" -o Debug::NoLocking=1
	-o APT::Sandbox::User=root)
msg "updating the private source lists ($TOP/qemu/apt/sources.list)" >&2
apt-get "${aptopts[@]}" update >"$dl/apt-update.log" 2>&1 ||
	{ tail -n 5 "$dl/apt-update.log" >&2; die "apt-get update of the deb-src lists failed (log: $dl/apt-update.log)"; }
msg "downloading $QEMU_PKG=$QEMU_VERSION" >&2
if ! (cd "$dl" && apt-get "${aptopts[@]}" source --download-only \
	"$QEMU_PKG=$QEMU_VERSION") >"$dl/apt-source.log" 2>&1; then
	served=$(apt-cache "${aptopts[@]}" showsrc "$QEMU_PKG" 2>/dev/null |
		awk '/^Version:/ { print $2 }' | paste -sd' ' -)
	tail -n 5 "$dl/apt-source.log" >&2
	die "$QEMU_PKG $QEMU_VERSION is not served by qemu/apt/sources.list; versions served: ${served:-none}. Re-pin QEMU_VERSION and QEMU_DSC_SHA256 in qemu/qemu.conf."
fi
check "$dsc" || die "$dsc: sha256 $(sha256sum "$dsc" | cut -d' ' -f1), qemu/qemu.conf pins $QEMU_DSC_SHA256"
echo "$dsc"
