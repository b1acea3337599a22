#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# make check: every check and test of the series, each stage timed. Ends
# with "N passed, N failed, N skipped"; exits non-zero on any failure.
set -uo pipefail
STAGE=check
. "$(dirname "$0")/lib.sh"

RES=$OUT/results
rm -rf "$RES"
mkdir -p "$RES"
KBUILD=$OUT/build/kernel
SELFTESTS=$OUT/build/selftests
total_start=$SECONDS

# stage NAME CMD...: run one stage, timed; its result lines go to $RES/NAME.txt
stage() {
	local name=$1 start=$SECONDS rc=0
	shift
	printf '\n==> %s\n' "$name"
	RESULTS=$RES/$name.txt STAGE=$name "$@" || rc=$?
	if [ $rc -ne 0 ] && ! grep -q '^fail ' "$RES/$name.txt" 2>/dev/null; then
		echo "fail $name -- stage failed (exit $rc); see its output above" >>"$RES/$name.txt"
	fi
	printf '==> %s: %ds\n' "$name" $((SECONDS - start))
	echo "$name $((SECONDS - start))" >>"$RES/times"
	return $rc
}

cd "$TOP" || exit 1
setup() {
	"$TOP/scripts/import-base.sh" && "$TOP/scripts/apply-series.sh" &&
		result pass "base and series applied to linux/"
}
build() {
	local ok=0
	if "$TOP/scripts/build-kernel.sh" "$LINUX" "$KBUILD" "${TEST_CONFIGS[@]}"; then
		result pass "kernel: bzImage and modules"
	else
		result fail "kernel: bzImage and modules" "see $KBUILD/build.log"; ok=1
	fi
	if [ $ok -eq 0 ] && "$TOP/scripts/build-selftests.sh" "$LINUX" "$KBUILD" "$SELFTESTS"; then
		result pass "KVM selftests"
	else
		result fail "KVM selftests" "see $SELFTESTS/build.log"; ok=1
	fi
	return $ok
}

stage setup setup
setup_rc=$?
stage lint "$TOP/scripts/lint.sh"
stage apply "$TOP/scripts/check-apply.sh"
build_rc=1
[ $setup_rc -eq 0 ] && stage build build && build_rc=0
stage tooling "$TOP/scripts/test-tooling.sh"
if [ $build_rc -eq 0 ]; then
	stage boot "$TOP/scripts/boot-test.sh" "$KBUILD" "$SELFTESTS" "$OUT/boot"
	stage model "$TOP/scripts/model-check.sh" "$KBUILD"
else
	echo "fail boot -- not run: the build failed" >"$RES/boot.txt"
	echo "fail model -- not run: the build failed" >"$RES/model.txt"
fi

printf '\n==> summary (%ds in all)\n' $((SECONDS - total_start))
sed 's/^/    /' "$RES/times"
[ -f "$OUT/boot/summary.txt" ] && sed -n '1p' "$OUT/boot/summary.txt" | sed 's/^/    /'
cat "$RES"/*.txt >"$RES/all"
grep '^fail ' "$RES/all" | sed 's/^fail /    FAILED: /'
grep '^skip ' "$RES/all" | sed 's/^skip /    skipped: /'
# The last output of each failed test that names its console log (the
# first three), here at the end where a CI log's tail shows it.
grep '^fail ' "$RES/all" | grep -oE 'console: [^ )]+console\.log' | cut -d' ' -f2 |
	awk '!seen[$0]++' | head -n 3 | while read -r c; do
	[ -f "$c" ] || continue
	echo "    last lines of $c:"
	tail -n 100 "$c" | sed 's/^/      | /'
done
p=$(grep -c '^pass ' "$RES/all")
f=$(grep -c '^fail ' "$RES/all")
s=$(grep -c '^skip ' "$RES/all")
echo "Results: $RES/all; boot test: $OUT/boot/summary.txt"
echo "$p passed, $f failed, $s skipped"
[ "$f" -eq 0 ]
