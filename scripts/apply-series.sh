#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Apply series/patches to linux/ with git am, on top of the base tag.
# Re-applies only when series or patches/ changed since the last apply or
# export, and refuses to drop commits or changes that were never exported.
set -euo pipefail
STAGE=apply
. "$(dirname "$0")/lib.sh"

stamp=$OUT/.series-applied
mkdir -p "$OUT"
[ -f "$TOP/series" ] || die "no series file in $TOP"
series_patches | while read -r p; do
	[ -f "$TOP/patches/$p" ] || die "series names $p, which is not in patches/"
done

digest=$(series_digest)
head=$(git -C "$LINUX" rev-parse HEAD)
base=$(git -C "$LINUX" rev-parse base)
s_digest='' s_head=''
[ -f "$stamp" ] && read -r s_digest s_head <"$stamp"

if [ -d "$LINUX/.git/rebase-apply" ] || [ -d "$LINUX/.git/rebase-merge" ]; then
	die "linux/ is in the middle of a rebase or git am; finish or abort it (git -C linux rebase --abort / am --abort) and re-run make"
fi

if [ "$digest" = "$s_digest" ] && [ "$head" = "$s_head" ]; then
	exit 0
fi

dirty=$(linux_dirty)
if [ -n "$dirty" ]; then
	printf '%s\n' "$dirty" >&2
	die "linux/ has uncommitted changes; commit them and run 'make export', or stash them, then re-run make"
fi
if [ "$head" != "$base" ] && [ "$head" != "$s_head" ]; then
	git -C "$LINUX" log --oneline "${s_head:-base}..HEAD" >&2 2>/dev/null ||
		git -C "$LINUX" log --oneline base..HEAD >&2
	die "linux/ has commits that were never exported to patches/; run 'make export' to keep them (or 'git -C linux reset --hard base' to drop them), then re-run make"
fi

if [ "$head" != "$base" ]; then
	# Already exported, but keep a ref anyway: re-applying is cheap to undo.
	git -C "$LINUX" update-ref refs/series-backup/last "$head"
fi
git -C "$LINUX" checkout -q -B series base
rm -f "$stamp"

series_ident
n=0
total=$(series_patches | wc -l)
while read -r p; do
	n=$((n + 1))
	if ! git -C "$LINUX" am -q --committer-date-is-author-date "$TOP/patches/$p" >"$OUT/am.log" 2>&1; then
		cat "$OUT/am.log" >&2
		msg "patch $n/$total, patches/$p, does not apply; the hunks that fail:" >&2
		git -C "$LINUX" apply --check -v "$TOP/patches/$p" 2>&1 | grep -v '^Checking patch' | sed 's/^/    /' >&2 || true
		git -C "$LINUX" am --abort >/dev/null 2>&1 || true
		die "patches/$p (patch $n of $total in series) does not apply on $(git -C "$LINUX" log -1 --format='%h %s' HEAD); refresh it and re-run make"
	fi
done < <(series_patches)

echo "$digest $(git -C "$LINUX" rev-parse HEAD)" >"$stamp"
msg "applied $total patches on base $(git -C "$LINUX" rev-parse --short=12 base)"
