#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# make bisect: check that every prefix of the series builds. For each
# patch, build with W=1 the directories of the C files it touches (and the
# KVM selftests, and the uAPI header test, when it touches those), before
# and after the patch; an error, or a W=1 warning that the patch adds,
# fails the patch. Names the first failing patch.
set -euo pipefail
STAGE=bisect
. "$(dirname "$0")/lib.sh"

work=$OUT/bisect
src=$work/src
build=$work/build
configs=("${TEST_CONFIGS[@]}" "$TOP/configs/uapi-test.config")
mkdir -p "$work"
cc=gcc
command -v ccache >/dev/null && cc="ccache gcc"

if [ ! -d "$src/.git" ]; then
	msg "checking out the base into $src"
	git clone -q --shared --no-checkout "$LINUX" "$src"
	git -C "$src" checkout -q --detach base
fi
git -C "$src" config user.name "$SERIES_NAME"
git -C "$src" config user.email "$SERIES_EMAIL"
git -C "$src" fetch -q "$LINUX" 'refs/tags/base:refs/tags/base'
git -C "$src" checkout -q -f --detach base
git -C "$src" clean -qfdx
"$TOP/scripts/config-kernel.sh" "$src" "$build" "${configs[@]}"

series_ident
mapfile -t patches < <(series_patches)
total=${#patches[@]}

# Build TARGETS in $src; warnings go to FILE (normalised: no line numbers).
# The targets' objects are rebuilt from scratch (ccache replays the
# warnings of cached ones), so that the warnings before and after a patch
# are those of the same set of files, not of what happened to be stale.
# Line and column numbers are dropped (kernel-doc gives a line only), so
# that a warning moved by a patch is not a new one.
kbuild() { # FILE TARGET...
	local out=$1 t
	shift
	for t in "$@"; do
		[ -d "$build/$t" ] && find "$build/$t" -name '*.o' -delete
	done
	make -C "$src" O="$build" -j"$(jobs_n)" CC="$cc" HOSTCC="$cc" LOCALVERSION= \
		W=1 "$@" >"$out.log" 2>&1 || return 1
	{ grep -E ': warning: ' "$out.log" || true; } | sed -E 's/:[0-9]+(:[0-9]+)?: /: /' | sort -u >"$out"
}
# Build the KVM selftests with -k; list the ones that built in FILE.
selftests() { # FILE
	rm -rf "$work/selftests"
	make -s -C "$src" O="$build" headers >/dev/null 2>&1 || return 1
	make -k -C "$src/tools/testing/selftests/kvm" -j"$(jobs_n)" CC="$cc" \
		OUTPUT="$work/selftests" INSTALL_HDR_PATH="$build/usr" \
		KHDR_INCLUDES="-isystem $build/usr/include" >"$work/selftests.log" 2>&1 || true
	(cd "$work/selftests" && find . -type f -perm -u+x ! -name '*.o' ! -path './lib/*' | sort) >"$1"
}

fail() { # N PATCH WHY LOG
	[ -n "${4:-}" ] && [ -f "$4" ] && grep -E 'error|Error|warning' "$4" | head -n 20 | sed 's/^/    /'
	die "patch $1/$total, $2: $3"
}

# BISECT_FROM=N: take patches 1..N-1 as checked (applied, not built), to
# check what was added on top of a series that passed already.
from=${BISECT_FROM:-1}
case "$from" in ''|*[!0-9]*) die "BISECT_FROM=$from: not a patch number" ;; esac
[ "$from" -ge 1 ] && [ "$from" -le "$total" ] || die "BISECT_FROM=$from: the series has $total patches"
n=0
for p in "${patches[@]}"; do
	n=$((n + 1))
	if [ "$n" -lt "$from" ]; then
		git -C "$src" am -q --committer-date-is-author-date "$TOP/patches/$p" >"$work/am.log" 2>&1 ||
			{ git -C "$src" am --abort 2>/dev/null || true; fail "$n" "$p" "does not apply" "$work/am.log"; }
		continue
	fi
	start=$SECONDS
	f=$TOP/patches/$p
	files=$(sed -n 's|^diff --git a/[^ ]* b/\(.*\)$|\1|p' "$f" | sort -u)
	dirs=$(printf '%s\n' "$files" | { grep -E '\.c$' || true; } | { grep -v '^tools/' || true; } |
		xargs -r -n1 dirname | sort -u | sed 's|$|/|')
	uapi=$(printf '%s\n' "$files" | grep -E '(^|/)include/uapi/' || true)
	st=$(printf '%s\n' "$files" | grep -E '^tools/testing/selftests/kvm/' || true)

	# before the patch
	[ -n "$st$uapi" ] && selftests "$work/st-before"
	if [ -n "$dirs" ]; then
		kbuild "$work/before" $dirs || fail "$n" "$p" "the tree before it does not build" "$work/before.log"
	fi
	git -C "$src" am -q --committer-date-is-author-date "$f" >"$work/am.log" 2>&1 ||
		{ git -C "$src" am --abort 2>/dev/null || true; fail "$n" "$p" "does not apply" "$work/am.log"; }

	what=()
	if [ -n "$dirs" ]; then
		kbuild "$work/after" $dirs || fail "$n" "$p" "build error in $(echo $dirs)" "$work/after.log"
		new=$(comm -13 "$work/before" "$work/after")
		if [ -n "$new" ]; then
			printf '%s\n' "$new" | sed 's/^/    /'
			fail "$n" "$p" "adds W=1 warnings"
		fi
		what+=("$(echo $dirs)")
	fi
	if [ -n "$uapi" ]; then
		kbuild "$work/uapi" usr/ || fail "$n" "$p" "the UAPI header test fails" "$work/uapi.log"
		what+=("uAPI header test")
	fi
	if [ -n "$st$uapi" ]; then
		# No selftest that built before may break; those the patch
		# touches must build after it.
		selftests "$work/st-after"
		lost=$(comm -23 "$work/st-before" "$work/st-after")
		[ -z "$lost" ] || fail "$n" "$p" "breaks the build of KVM selftests: $(echo $lost)" "$work/selftests.log"
		for t in $(printf '%s\n' "$st" | sed -n 's|^tools/testing/selftests/kvm/\(.*\)\.c$|\1|p'); do
			[ -d "$src/tools/testing/selftests/kvm/$t" ] && continue
			grep -qx "./$t" "$work/st-after" ||
				case "$t" in lib/*|include/*) ;; *) fail "$n" "$p" "selftest $t does not build" "$work/selftests.log" ;; esac
		done
		fixed=$(comm -13 "$work/st-before" "$work/st-after" | tr '\n' ' ')
		what+=("KVM selftests${fixed:+ (now building: ${fixed% })}")
	fi
	[ ${#what[@]} -gt 0 ] || what=("nothing to build")
	msg "ok $n/$total $p: ${what[*]} ($((SECONDS - start))s)"
done
if [ "$from" -gt 1 ]; then
	msg "prefixes $from-$total of the series build (1-$((from - 1)) applied, not built: BISECT_FROM=$from)"
else
	msg "all $total prefixes of the series build"
fi
