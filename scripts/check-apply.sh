#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Apply the whole series to a fresh checkout of the base three ways, as its
# users do: git am of patches/, quilt push -a with series, and b4 am of the
# 'make mbox' output. All three must give the same tree.
set -euo pipefail
STAGE=apply
. "$(dirname "$0")/lib.sh"

work=$OUT/apply
rm -rf "$work"
mkdir -p "$work"
"$TOP/scripts/mbox.sh" "$work/series.mbx" >/dev/null

# Only the files the series touches are checked out (a sparse clone that
# shares linux/'s objects): applying needs no others, and a full checkout
# of the kernel three times over would dominate the stage's time.
paths=$(series_patches | sed "s|^|$TOP/patches/|" | xargs -r cat |
	sed -n 's|^diff --git a/\([^ ]*\) b/\([^ ]*\)$|\1\n\2|p' | sort -u)
fresh() { # DIR: a clean checkout of base
	git clone -q --shared --no-checkout "$LINUX" "$1"
	git -C "$1" config user.name "$SERIES_NAME"
	git -C "$1" config user.email "$SERIES_EMAIL"
	printf '%s\n' "$paths" | sed 's|^|/|' >"$work/sparse"
	git -C "$1" sparse-checkout set --no-cone --stdin <"$work/sparse"
	git -C "$1" checkout -q --detach base
}
tree_of() { # DIR: tree id of the work tree, quilt's metadata left out
	(cd "$1" && rm -rf .pc && git add -A -f . && git write-tree)
}
series_ident
n=$(series_patches | wc -l)

# git am
fresh "$work/gitam"
want=
if (cd "$work/gitam" && series_patches | sed "s|^|$TOP/patches/|" |
	xargs -r git am -q >"$work/gitam.log" 2>&1); then
	want=$(tree_of "$work/gitam")
	result pass "git am: $n patches"
else
	tail -n 15 "$work/gitam.log"
	result fail "git am: $n patches" "see $work/gitam.log"
fi

# quilt
fresh "$work/quilt"
if (cd "$work/quilt" && QUILT_PATCHES=$TOP/patches QUILT_SERIES=$TOP/series \
	quilt push -a -q >"$work/quilt.log" 2>&1); then
	got=$(tree_of "$work/quilt")
	if [ -n "$want" ] && [ "$got" != "$want" ]; then
		result fail "quilt push -a: $n patches" "tree differs from git am's"
	else
		result pass "quilt push -a: $n patches"
	fi
else
	tail -n 15 "$work/quilt.log"
	result fail "quilt push -a: $n patches" "see $work/quilt.log"
fi

# b4
fresh "$work/b4"
mkdir -p "$work/b4out"
root=$(grep -m1 '^Message-Id:' "$work/series.mbx" | sed 's/^Message-Id: *//')
if (cd "$work/b4" && b4 -q --offline-mode am -m "$work/series.mbx" -o "$work/b4out" \
	"$root" >"$work/b4.log" 2>&1) &&
   mbx=$(ls "$work"/b4out/*.mbx 2>/dev/null | head -n1) && [ -n "$mbx" ] &&
   got_n=$(grep -c '^Subject: ' "$mbx") && [ "$got_n" -eq "$n" ] &&
   (cd "$work/b4" && git am -q "$mbx" >>"$work/b4.log" 2>&1); then
	got=$(tree_of "$work/b4")
	if [ -n "$want" ] && [ "$got" != "$want" ]; then
		result fail "b4 am: $n patches" "tree differs from git am's"
	else
		result pass "b4 am: $n patches"
	fi
else
	tail -n 15 "$work/b4.log"
	result fail "b4 am: $n patches" "b4 found ${got_n:-no} of $n patches; see $work/b4.log"
fi
