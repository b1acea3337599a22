#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Unpack the pinned qemu source package (Debian's patches applied) into
# qemu/src as one commit with a fixed identity and date, tagged "base",
# then apply qemu/series with git am. Like linux/, qemu/src is where the
# model is edited: one commit per patch. Does nothing to a tree that
# already holds this base and the series; refuses to touch one with work
# that is not in qemu/patches.
set -euo pipefail
STAGE=qemu-import
. "$(dirname "$0")/lib.sh"
# shellcheck source=../qemu/qemu.conf
. "$TOP/qemu/qemu.conf"

src=$TOP/qemu/src
want="Debian $QEMU_PKG $QEMU_VERSION"
qpatches() { { grep -v '^[[:space:]]*#' "$TOP/qemu/series" || true; } | awk 'NF { print $1 }'; }

if [ -e "$src" ]; then
	git -C "$src" rev-parse -q --verify refs/tags/base >/dev/null 2>&1 ||
		die "$src exists but was not imported by this script (no 'base' tag); move it away"
	git -C "$src" log -1 --format=%s base | grep -qF "$want" ||
		die "$src holds another base; qemu/qemu.conf pins $want"
	[ -z "$(git -C "$src" status --porcelain)" ] ||
		die "$src has uncommitted changes; commit them (one commit per patch) before make qemu"
	n=$(git -C "$src" rev-list --count base..HEAD)
	want_n=$(qpatches | wc -l)
	[ "$n" -eq "$want_n" ] || warn "$src has $n commits on base, qemu/series lists $want_n: build uses the tree as it is"
	exit 0
fi

dsc=$("$TOP/scripts/qemu-fetch.sh")
command -v dpkg-source >/dev/null || die "dpkg-source is missing (Debian package dpkg-dev)"
tmp=$TOP/qemu/src.tmp
rm -rf "$tmp"
msg "unpacking $(basename "$dsc") with Debian's patches"
dpkg-source --no-copy -x "$dsc" "$tmp" >"$OUT/dl/qemu/dpkg-source.log" 2>&1 ||
	{ tail -n 5 "$OUT/dl/qemu/dpkg-source.log" >&2; die "dpkg-source -x failed (log: $OUT/dl/qemu/dpkg-source.log)"; }
rm -rf "$tmp/.pc"

cd "$tmp"
git init -q -b model
git config core.autocrlf false
git config user.name "$SERIES_NAME"
git config user.email "$SERIES_EMAIL"
git config gc.auto 0
git add -A -f .
export GIT_AUTHOR_NAME="$QEMU_IDENT_NAME" GIT_AUTHOR_EMAIL="$QEMU_IDENT_EMAIL"
export GIT_COMMITTER_NAME="$QEMU_IDENT_NAME" GIT_COMMITTER_EMAIL="$QEMU_IDENT_EMAIL"
export GIT_AUTHOR_DATE="$QEMU_DATE" GIT_COMMITTER_DATE="$QEMU_DATE"
git commit -q -m "$want" -m "Debian's source package with its patches applied."
git tag base
unset GIT_AUTHOR_NAME GIT_AUTHOR_EMAIL GIT_COMMITTER_NAME GIT_COMMITTER_EMAIL \
	GIT_AUTHOR_DATE GIT_COMMITTER_DATE

qpatches | while read -r p; do
	[ -f "$TOP/qemu/patches/$p" ] || die "qemu/series names $p, which qemu/patches/ lacks"
	git am -q --committer-date-is-author-date "$TOP/qemu/patches/$p" || {
		git am --show-current-patch=diff | head -n 20 >&2
		die "qemu/patches/$p does not apply (git am stopped in $tmp)"
	}
done
cd "$TOP"
mv "$tmp" "$src"
msg "qemu/src: $want + $(qpatches | wc -l) patch(es), tag base"
