#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Lint the series: series and patches/ agree; every patch has a subject
# with a known prefix, a changelog, a Signed-off-by of its author; and
# checkpatch.pl --strict with codespell reports no error and no warning.
set -euo pipefail
STAGE=lint
. "$(dirname "$0")/lib.sh"

PREFIXES=(
	"x86/sev:" "x86/fault:" "x86/cpufeatures:" "x86/mm:" "x86/traps:"
	"iommu/amd:" "crypto: ccp:" "KVM: SVM:" "KVM: SEV:" "KVM: x86:"
	"KVM: x86/mmu:" "KVM: selftests:" "Documentation:"
)

cd "$TOP"
# 1. series and patches/ agree
bad=
while read -r p; do
	[ -f "patches/$p" ] || bad="$bad $p"
done < <(series_patches)
[ -z "$bad" ] && result pass "series: every entry is in patches/" ||
	result fail "series: every entry is in patches/" "missing:$bad"
bad=
# The list is read once: a pipe into grep -q would fail, under pipefail,
# whenever grep quit before series_patches had written it all.
listed=$(series_patches)
for f in patches/*.patch; do
	b=$(basename "$f")
	[ "$b" = 0000-cover-letter.patch ] && continue
	grep -qxF "$b" <<<"$listed" || bad="$bad $b"
done
[ -z "$bad" ] && result pass "series: names every file of patches/" ||
	result fail "series: names every file of patches/" "not in series:$bad"
[ -f patches/0000-cover-letter.patch ] && result pass "series: cover letter present" ||
	result fail "series: cover letter present" "run make export"
dups=$(series_patches | sort | uniq -d)
[ -z "$dups" ] && result pass "series: no patch listed twice" ||
	result fail "series: no patch listed twice" "$dups"



# codespell's dictionary: checkpatch's auto-detection fails on Debian.
dict=$(/usr/bin/python3 -c 'import codespell_lib, os; print(os.path.join(os.path.dirname(codespell_lib.__file__), "data", "dictionary.txt"))' 2>/dev/null) &&
	[ -f "$dict" ] || die "codespell's dictionary not found; apt-get install codespell"

[ -x "$LINUX/scripts/checkpatch.pl" ] || die "no $LINUX/scripts/checkpatch.pl; run make first"

# checkpatch takes seconds a patch: run it for all of them at once, a job
# a CPU, and read its output below.
# linux/ is a tarball import without upstream history, so checkpatch
# cannot resolve the commit ids of Fixes: tags; it would flag every one.
# It also asks about MAINTAINERS for every added file; answer that below
# instead, with get_maintainer.pl.  Its SPDX check runs the python3 in
# PATH and needs Debian's python3-ply and python3-git, so put /usr/bin
# first.
cpdir=$(mktemp -d)
trap 'rm -rf "$cpdir"' EXIT
export LINUX TOP dict cpdir
series_patches | xargs -r -P "$(nproc)" -I{} sh -c '
	cd "$LINUX" && PATH=/usr/bin:$PATH ./scripts/checkpatch.pl --strict --codespell \
		--codespellfile "$dict" --ignore UNKNOWN_COMMIT_ID,FILE_PATH_CHANGES \
		--terse --no-summary --showfile "$TOP/patches/$1" >"$cpdir/$1.out" 2>&1 || true' sh {}

# 2. each patch
while read -r p; do
	f=patches/$p
	[ -f "$f" ] || continue
	errs=()
	subj=$(sed -n '/^Subject: /{s/^Subject: //;N;s/\n / /;s/\n.*//;p;q}' "$f")
	summary=$(printf '%s' "$subj" | sed -E 's/^\[[^]]*\] *//')
	ok=
	for pre in "${PREFIXES[@]}"; do
		case "$summary" in "$pre "[A-Z]*) ok=1 ;; esac
	done
	[ -n "$ok" ] || errs+=("subject '$summary' lacks a known prefix followed by a capitalised summary")
	[ ${#summary} -le 75 ] || errs+=("subject is ${#summary} chars (max 75)")
	# changelog: lines between the headers and '---' that are not trailers
	body=$(awk 'h && /^---$/ { exit } h { print } /^$/ && !h { h = 1 }' "$f" |
		grep -vE '^[A-Za-z-]+: ' | grep -c '[[:alnum:]]' || true)
	[ "$body" -ge 2 ] || errs+=("no changelog body")
	author=$(sed -n 's/^From: //p' "$f" | head -n1)
	grep -qxF "Signed-off-by: $author" "$f" || errs+=("no 'Signed-off-by: $author'")
	if [ ${#errs[@]} -eq 0 ]; then
		result pass "format: $p"
	else
		result fail "format: $p" "$(IFS=';'; echo "${errs[*]}")"
	fi

	out=$(cat "$cpdir/$p.out" 2>/dev/null || echo "checkpatch did not run")
	# cpufeatures.h writes every flag as (WORD*32+ BIT), in columns; a new
	# flag follows the file, not checkpatch's spacing rule.
	out=$(printf '%s\n' "$out" | grep -vE '^arch/x86/include/asm/cpufeatures\.h:[0-9]+: CHECK: spaces preferred around that' || true)
	# codespell takes some kernel identifiers for typos (iput(), the VFS's
	# inode release, for "input"); a call to one is not a misspelling.
	out=$(printf '%s\n' "$out" | grep -vE "^[^:]+:[0-9]+: WARNING: '(iput)' may be misspelled - perhaps" || true)
	# Each file the patch adds must have a MAINTAINERS entry other than
	# THE REST (files a later patch removes again are not in the tree).
	for new in $(awk '/^diff --git / { p = $4 } /^new file mode/ { sub(/^b\//, "", p); print p }' "$f"); do
		[ -e "$LINUX/$new" ] || continue
		who=$(cd "$LINUX" && ./scripts/get_maintainer.pl --no-git --no-git-fallback \
			--no-rolestats -f "$new" 2>&1 | grep -vxF 'linux-kernel@vger.kernel.org' || true)
		[ -n "$who" ] || out+="${out:+$'\n'}$new: no MAINTAINERS entry covers this new file"
	done
	if [ -z "$out" ]; then
		result pass "checkpatch: $p"
	else
		printf '%s\n' "$out" | sed 's/^/    /'
		result fail "checkpatch: $p" "$(printf '%s\n' "$out" | wc -l) report(s)"
	fi
done < <(series_patches)

# 3. the tooling's own scripts
out=$(cd "$TOP" && shellcheck -x -S warning -e SC2034 scripts/*.sh .ci/run tests/guest/init \
	qemu/tests/guest/init qemu/tests/guest/oracle-l2/l1-run \
	qemu/tests/guest/oracle-l2/l2-init 2>&1) || true
if [ -z "$out" ]; then
	result pass "shellcheck: scripts/, .ci/run, tests/guest/init, qemu/tests/guest/init and oracle-l2/"
else
	printf '%s\n' "$out" | head -n 30 | sed 's/^/    /'
	result fail "shellcheck: scripts/, .ci/run, tests/guest/init, qemu/tests/guest/init and oracle-l2/" "see above"
fi
