#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Download the L2 oracle's VMM and firmware (qemu/oracle-vmm.conf: Debian
# bookworm-backports' QEMU 10.0, the bookworm libraries it links, trixie's
# OVMF) into a cache, check each .deb against its pinned sha256, unpack
# them all (dpkg-deb -x) into one staging tree and print its path. Nothing
# is installed on the host; apt is pointed at a private configuration
# (qemu/apt/oracle-vmm.list) and the system's sources are left alone.
# The cache is $SNP_CACHE_DIR (default ~/.cache/snp-host-series)/oracle-vmm:
# debs/ (the downloads, kept across pins) and root-KEY/ (the tree, keyed by
# the pin file). A run whose pins did not change neither downloads nor
# unpacks anything.
set -euo pipefail
STAGE=${STAGE:-oracle-vmm-fetch}
. "$(dirname "$0")/lib.sh"

conf=$TOP/qemu/oracle-vmm.conf
list=$TOP/qemu/apt/oracle-vmm.list
cache=${SNP_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/snp-host-series}/oracle-vmm
debs=$cache/debs
apt=$cache/apt
[ -f "$conf" ] || die "no $conf"
command -v dpkg-deb >/dev/null || die "dpkg-deb is missing (Debian package dpkg)"
key=$(cat "$conf" "$0" | sha256sum | cut -c1-16)
root=$cache/root-$key
if [ -f "$root/.unpacked" ]; then
	echo "$root"
	exit 0
fi
mkdir -p "$debs" "$apt/lists/partial" "$apt/cache/archives/partial" "$apt/state"
: >"$apt/state/status"

# The pins: NAME VERSION SHA256, '#' comments.
names=() versions=() sums=()
while read -r n v s rest; do
	case $n in '#'* | '') continue ;; esac
	[[ -z $rest && $s =~ ^[0-9a-f]{64}$ ]] ||
		die "$conf: bad line '$n $v $s${rest:+ $rest}': want NAME VERSION SHA256"
	names+=("$n") versions+=("$v") sums+=("$s")
done <"$conf"
[ ${#names[@]} -gt 0 ] || die "$conf pins no package"

# apt-get download names a file NAME_VERSION_ARCH.deb, the epoch's ':'
# written as %3a.
deb_of() { compgen -G "$debs/${1}_${2//:/%3a}_*.deb" | head -n 1 || true; }
ok() { [ -n "$1" ] && [ "$(sha256sum "$1" | cut -d' ' -f1)" = "$2" ]; }

aptopts=(-o "Dir::Etc::SourceList=$list" -o Dir::Etc::SourceParts=/dev/null
	-o "Dir::State=$apt/state" -o "Dir::State::Lists=$apt/lists"
	-o "Dir::State::status=$apt/state/status" -o "Dir::Cache=$apt/cache"
	-o Dir::Etc::Preferences=/dev/null -o Dir::Etc::PreferencesParts=/dev/null
	-o Debug::NoLocking=1 -o APT::Sandbox::User=root)
want=()
for i in "${!names[@]}"; do
	ok "$(deb_of "${names[$i]}" "${versions[$i]}")" "${sums[$i]}" ||
		want+=("${names[$i]}=${versions[$i]}")
done
if [ ${#want[@]} -gt 0 ]; then
	msg "updating the private package lists ($list)" >&2
	apt-get "${aptopts[@]}" update >"$cache/apt-update.log" 2>&1 ||
		{ tail -n 5 "$cache/apt-update.log" >&2; die "apt-get update of $list failed (log: $cache/apt-update.log)"; }
	msg "downloading ${#want[@]} of ${#names[@]} package(s)" >&2
	# All at once; on failure, one by one to name the package at fault.
	(cd "$debs" && apt-get "${aptopts[@]}" download "${want[@]}") >"$cache/apt-download.log" 2>&1 ||
	for p in "${want[@]}"; do
		[ -z "$(deb_of "${p%%=*}" "${p#*=}")" ] || continue
		if ! (cd "$debs" && apt-get "${aptopts[@]}" download "$p") >>"$cache/apt-download.log" 2>&1; then
			served=$(apt-cache "${aptopts[@]}" madison "${p%%=*}" 2>/dev/null |
				awk -F'|' '{ gsub(/ /, "", $2); print $2 }' | paste -sd' ' -)
			tail -n 3 "$cache/apt-download.log" >&2
			die "cannot download $p (log: $cache/apt-download.log); served: ${served:-nothing}. Re-pin ${p%%=*} in $conf."
		fi
	done
fi
# Every pin, downloaded now or before, checked before use.
for i in "${!names[@]}"; do
	n=${names[$i]} v=${versions[$i]} f=$(deb_of "${names[$i]}" "${versions[$i]}")
	[ -n "$f" ] || die "$n=$v: no .deb in $debs after the download"
	if ! ok "$f" "${sums[$i]}"; then
		got=$(sha256sum "$f" | cut -d' ' -f1)
		rm -f "$f"
		die "$n=$v: $f has sha256 $got, $conf pins ${sums[$i]} (file removed; re-run, or re-pin if Debian rebuilt it)"
	fi
done

msg "unpacking ${#names[@]} package(s) into $root" >&2
rm -rf "$root" "$root.tmp"
mkdir -p "$root.tmp"
for i in "${!names[@]}"; do
	dpkg-deb -x "$(deb_of "${names[$i]}" "${versions[$i]}")" "$root.tmp" ||
		die "${names[$i]}=${versions[$i]}: dpkg-deb -x failed"
done
rm -rf "$root.tmp/usr/share/doc" "$root.tmp/usr/share/man" "$root.tmp/usr/share/lintian"
touch "$root.tmp/.unpacked"
mv "$root.tmp" "$root"
# Keep the two most recent trees.
find "$cache" -mindepth 1 -maxdepth 1 -type d -name 'root-*' -printf '%T@ %p\n' |
	sort -rn | tail -n +3 | cut -d' ' -f2- | xargs -r rm -rf
echo "$root"
