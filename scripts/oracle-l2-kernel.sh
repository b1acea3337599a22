#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Build the L2 oracle's guest kernel (configs/snp-guest.config) from a
# commit of linux/ (default HEAD: the series' own tree; L2_REV=base for the
# unpatched base) and print its bzImage. linux/ is only read: the commit is
# exported with git archive into out/oracle-l2/src and built there with
# O=out/oracle-l2/build, with ccache. The bzImage is kept in
# $SNP_CACHE_DIR (default ~/.cache/snp-host-series)/oracle-l2/, keyed by
# the commit, the config fragment, this script and the compiler: a run
# whose inputs did not change builds nothing. Cold, the build takes about
# 13 minutes on 2 cores.
set -euo pipefail
STAGE=${STAGE:-oracle-l2-kernel}
. "$(dirname "$0")/lib.sh"

frag=$TOP/configs/snp-guest.config
rev=${L2_REV:-HEAD}
[ -d "$LINUX/.git" ] || die "no git tree at $LINUX: run make (or set LINUX=)"
commit=$(git -C "$LINUX" rev-parse -q --verify "$rev^{commit}") ||
	die "$LINUX has no commit '$rev' (L2_REV)"
key=$({
	echo "$commit"
	cat "$frag" "$0" "$TOP/scripts/config-kernel.sh"
	gcc -dumpfullversion
} | sha256sum | cut -c1-16)
cache=${SNP_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/snp-host-series}/oracle-l2/$key
if [ -f "$cache/bzImage" ]; then
	msg "L2 kernel ${commit:0:12} ($key) from the cache" >&2
	echo "$cache/bzImage"
	exit 0
fi

src=$OUT/oracle-l2/src build=$OUT/oracle-l2/build
start=$SECONDS
if [ "$(cat "$src/.commit" 2>/dev/null)" != "$commit" ]; then
	msg "exporting $rev (${commit:0:12}) of $LINUX into $src" >&2
	rm -rf "$src"
	mkdir -p "$src"
	git -C "$LINUX" archive --format=tar "$commit" | tar -x -C "$src"
	echo "$commit" >"$src/.commit"
fi
"$TOP/scripts/config-kernel.sh" "$src" "$build" "$frag" >&2
cc=gcc
command -v ccache >/dev/null && cc="ccache gcc"
log=$build/build.log
msg "building bzImage in $build (cold: about 13 minutes)" >&2
# LOCALVERSION= : no '+' from setlocalversion (the export has no .git).
if ! make -C "$src" O="$build" -j"$(jobs_n)" CC="$cc" HOSTCC="$cc" LOCALVERSION= \
	bzImage >"$log" 2>&1; then
	grep -E ': error:|Error [0-9]|undefined reference' "$log" | head -n 30 >&2
	die "L2 kernel build failed in $build (log: $log)"
fi
mkdir -p "$cache"
cp "$build/arch/x86/boot/bzImage" "$cache/bzImage.tmp"
cp "$build/.config" "$cache/config"
echo "$commit" >"$cache/commit"
mv "$cache/bzImage.tmp" "$cache/bzImage"
# Keep the three most recent kernels.
find "${cache%/*}" -mindepth 1 -maxdepth 1 -type d -printf '%T@ %p\n' | sort -rn |
	tail -n +4 | cut -d' ' -f2- | xargs -r rm -rf
msg "L2 kernel ${commit:0:12} built in $((SECONDS - start))s: $(cat "$build/include/config/kernel.release")" >&2
echo "$cache/bzImage"
