#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Download the pinned Debian linux-source package and check its tarball
# against the sha256 kept in base.conf. Prints the tarball's path.
set -euo pipefail
STAGE=fetch-base
. "$(dirname "$0")/lib.sh"

dl=$OUT/dl
tar=$dl/$BASE_PKG-$BASE_VERSION.tar.xz
mkdir -p "$dl"

check() { [ "$(sha256sum "$1" | cut -d' ' -f1)" = "$BASE_TAR_SHA256" ]; }

if [ -f "$tar" ] && check "$tar"; then
	echo "$tar"
	exit 0
fi

deb=$dl/${BASE_PKG}_${BASE_VERSION}_all.deb
if [ ! -f "$deb" ]; then
	msg "downloading $BASE_PKG=$BASE_VERSION" >&2
	if ! (cd "$dl" && apt-get download "$BASE_PKG=$BASE_VERSION") >"$dl/apt-download.log" 2>&1; then
		served=$(apt-cache madison "$BASE_PKG" 2>/dev/null | awk -F'|' '{gsub(/ /,"",$2); print $2}' | paste -sd' ' -)
		cat "$dl/apt-download.log" >&2
		[ -n "$served" ] || served="none (run 'apt-get update' first?)"
		die "$BASE_PKG $BASE_VERSION is not served by the configured apt sources; versions served: $served. Update BASE_VERSION and BASE_TAR_SHA256 in base.conf to re-pin."
	fi
	# apt-get may URL-encode the epoch-less name; find what it wrote
	got=$(ls "$dl"/${BASE_PKG}_*"${BASE_VERSION}"*_all.deb 2>/dev/null | head -n1)
	[ -n "$got" ] || die "apt-get download wrote no ${BASE_PKG} .deb into $dl"
	[ "$got" = "$deb" ] || mv "$got" "$deb"
fi

dpkg-deb --fsys-tarfile "$deb" | tar -xO "./usr/src/$BASE_PKG.tar.xz" >"$tar.tmp" ||
	die "$deb holds no usr/src/$BASE_PKG.tar.xz"
if ! check "$tar.tmp"; then
	sum=$(sha256sum "$tar.tmp" | cut -d' ' -f1)
	rm -f "$tar.tmp" "$deb"
	die "tarball sha256 mismatch: got $sum, base.conf pins $BASE_TAR_SHA256"
fi
mv "$tar.tmp" "$tar"
rm -f "$deb"
echo "$tar"
