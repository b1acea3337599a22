#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Unpack the pinned base into linux/ as one commit with a fixed author,
# committer and date, so that its id is the same on every machine, and tag
# it "base". Does nothing when linux/ already holds that base.
set -euo pipefail
STAGE=import-base
. "$(dirname "$0")/lib.sh"

if [ -e "$LINUX" ]; then
	git -C "$LINUX" rev-parse -q --verify refs/tags/base >/dev/null 2>&1 ||
		die "$LINUX exists but is not a tree imported by this script (no 'base' tag); move it away and re-run make"
	want="Debian $BASE_PKG $BASE_VERSION"
	git -C "$LINUX" log -1 --format=%s base | grep -qF "$want" ||
		die "$LINUX holds another base ($(git -C "$LINUX" log -1 --format=%s base)); base.conf pins $want. Export your work, move linux/ away and re-run make"
	exit 0
fi

tarball=$("$TOP/scripts/fetch-base.sh")
start=$SECONDS
tmp=$TOP/linux.tmp
rm -rf "$tmp"
mkdir -p "$tmp"
msg "unpacking $(basename "$tarball")"
tar -xJf "$tarball" -C "$tmp" --strip-components=1

cd "$tmp"
git init -q -b series
git config core.autocrlf false
git config user.name "$SERIES_NAME"
git config user.email "$SERIES_EMAIL"
git config am.threeWay false
# The import leaves ~80k loose objects; git's automatic gc would repack
# them in the background, competing with the kernel build that follows.
git config gc.auto 0
# The tarball is the source of truth: add every file, ignored or not.
git add -A -f .
export GIT_AUTHOR_NAME="$BASE_IDENT_NAME" GIT_AUTHOR_EMAIL="$BASE_IDENT_EMAIL"
export GIT_COMMITTER_NAME="$BASE_IDENT_NAME" GIT_COMMITTER_EMAIL="$BASE_IDENT_EMAIL"
export GIT_AUTHOR_DATE="$BASE_DATE" GIT_COMMITTER_DATE="$BASE_DATE"
git commit -q --no-verify -F - <<MSG
Debian $BASE_PKG $BASE_VERSION ($BASE_UPSTREAM)

Imported from usr/src/$BASE_PKG.tar.xz of the Debian package
$BASE_PKG $BASE_VERSION, sha256 $BASE_TAR_SHA256.
MSG
git tag base
cd "$TOP"
mv "$tmp" "$LINUX"
msg "base $(git -C "$LINUX" rev-parse --short=12 base) imported in $((SECONDS - start))s"
