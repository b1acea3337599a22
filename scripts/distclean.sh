#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# make distclean: remove out/ and linux/, but only when linux/ holds no
# work that is missing from patches/.
set -euo pipefail
STAGE=distclean
. "$(dirname "$0")/lib.sh"

if [ -d "$LINUX/.git" ]; then
	[ -z "$(linux_dirty)" ] || die "linux/ has uncommitted changes; commit and 'make export' them first"
	read -r _ s_head <"$OUT/.series-applied" 2>/dev/null || s_head=
	head=$(git -C "$LINUX" rev-parse HEAD)
	if [ "$head" != "$(git -C "$LINUX" rev-parse base)" ] && [ "$head" != "$s_head" ]; then
		die "linux/ has commits that were never exported; run 'make export' first"
	fi
fi
rm -rf "$LINUX" "$OUT"
msg "removed linux/ and out/"
