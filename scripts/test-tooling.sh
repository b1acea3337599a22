#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Tests of the pipeline itself: each feeds a script bad input and checks
# that it fails, and says why. Run by make check (stage "tooling").
set -uo pipefail
STAGE=tooling
. "$(dirname "$0")/lib.sh"

t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT

expect() { # NAME WANT-RC REGEX CMD...: CMD exits WANT-RC and prints REGEX
	local name=$1 want=$2 re=$3 rc=0
	shift 3
	"$@" >"$t/out" 2>&1 || rc=$?
	if [ "$rc" -ne "$want" ]; then
		result fail "$name" "exit $rc, expected $want: $(tail -n 3 "$t/out" | tr '\n' ' ')"
	elif ! grep -qE -- "$re" "$t/out"; then
		result fail "$name" "output lacks /$re/: $(tail -n 3 "$t/out" | tr '\n' ' ')"
	else
		result pass "$name"
	fi
}

# --- results.py: the comparison with the expected results ---
cat >"$t/expected" <<'X'
kvm a_test pass
kvm b_test pass
kvm c_test skip -- needs hardware
kvm d_test notrun -- too slow
kvm e_test pass
kunit s1 pass
X
cat >"$t/tap" <<'X'
# KUNIT-BEGIN
# KUNIT-SUITE s1
#| KTAP version 1
#|     ok 1 case_one
#|     not ok 2 case_two
#|     ok 3 case_three # SKIP no device
#| not ok 1 s1
# KUNIT-SUITE s2
#|     ok 1 other
# KUNIT-END
# KVM-BEGIN
#  some output of a_test
ok 1 a_test # time=1s
#  ==== Test Assertion Failure ====
not ok 2 b_test # exit=254
ok 3 c_test # SKIP Requirement not met: X
ok 4 z_test
# KVM-END
# SNPTEST-DONE
X
"$TOP/scripts/results.py" compare "$t/expected" "$t/tap" "$t/summary" >"$t/res" 2>&1
chk() { # NAME LINE-REGEX [FILE]: FILE (default: results.py's output) has the line
	local f=${3:-$t/res}
	if grep -qE -- "$2" "$f"; then result pass "$1"; else
		result fail "$1" "no line /$2/ in: $(tr '\n' ';' <"$f")"; fi
}
chk "results.py: expected pass that passed counts as passed" '^pass kvm a_test$'
chk "results.py: expected pass that failed fails, with its output" '^fail kvm b_test -- exit=254: ==== Test Assertion'
chk "results.py: a skip keeps the test's reason" '^skip kvm c_test -- Requirement not met: X \[expected: needs hardware\]'
chk "results.py: notrun is a skip with the file's reason" '^skip kvm d_test -- not run: too slow'
chk "results.py: expected test missing from the results fails" '^fail kvm e_test -- missing'
chk "results.py: test missing from the expected file fails" '^fail kvm z_test -- not in tests/expected-results.txt'
chk "results.py: failing KUnit case fails" '^fail kunit s1.case_two'
chk "results.py: skipped KUnit case keeps its reason" '^skip kunit s1.case_three -- no device'
chk "results.py: KUnit suite missing from the expected file fails" '^fail kunit s2 -- suite not in'
grep -q '^Boot test: 2 passed, 5 failed, 3 skipped' "$t/summary" &&
	result pass "results.py: summary counts" ||
	result fail "results.py: summary counts" "$(head -n1 "$t/summary")"
echo 'kvm x_test maybe' >"$t/bad"
expect "results.py: rejects an unknown expectation" 1 'bad line' \
	"$TOP/scripts/results.py" plan "$t/bad"
echo 'kvm x_test notrun' >"$t/bad"
expect "results.py: notrun needs a reason" 1 'needs a reason' \
	"$TOP/scripts/results.py" plan "$t/bad"

# --- lint.sh: a series with a bad patch ---
mkdir -p "$t/top/patches"
cp "$TOP/base.conf" "$t/top/"
cat >"$t/top/patches/bad.patch" <<'X'
From 0000000000000000000000000000000000000000 Mon Sep 17 00:00:00 2001
From: Some One <someone@example.org>
Date: Wed, 25 Nov 2026 00:00:00 +0000
Subject: [PATCH] kvm: fix stuff

---
 virt/kvm/kvm_main.c | 2 +-
 1 file changed, 1 insertion(+), 1 deletion(-)

diff --git a/virt/kvm/kvm_main.c b/virt/kvm/kvm_main.c
index 1111111..2222222 100644
--- a/virt/kvm/kvm_main.c
+++ b/virt/kvm/kvm_main.c
@@ -1,3 +1,3 @@
 // SPDX-License-Identifier: GPL-2.0-only
-/*
+/* 
  * Kernel-based Virtual Machine driver for Linux
diff --git a/README b/README
new file mode 100644
index 0000000..3333333
--- /dev/null
+++ b/README
@@ -0,0 +1 @@
+Linux kernel
X
printf 'bad.patch\nmissing.patch\n' >"$t/top/series"
lint=$TOP/scripts/lint.sh
TOP=$t/top LINUX=$LINUX RESULTS=$t/lint "$lint" >"$t/out" 2>&1
lchk() { chk "lint: $1" "$2" "$t/lint"; }
lchk "names a series entry missing from patches/" '^fail series: every entry.*missing.patch'
lchk "wants a cover letter" '^fail series: cover letter'
lchk "rejects an unknown subject prefix" "^fail format: bad.patch.*lacks a known prefix"
lchk "wants a changelog" '^fail format: bad.patch.*no changelog body'
lchk "wants the author's Signed-off-by" "^fail format: bad.patch.*no 'Signed-off-by: Some One"
lchk "runs checkpatch" '^fail checkpatch: bad.patch'
chk "lint: wants a MAINTAINERS entry for a new file" '^ *README: no MAINTAINERS entry' "$t/out"

# --- fetch-base.sh: a version Debian does not serve ---
mkdir -p "$t/pin"
sed 's/^BASE_VERSION=.*/BASE_VERSION=6.1.0-0snp0/' "$TOP/base.conf" >"$t/pin/base.conf"
expect "fetch-base: an unserved pin names the versions served" 1 'versions served: [0-9]' \
	env TOP="$t/pin" OUT="$t/pin/out" "$TOP/scripts/fetch-base.sh"

# --- qemu.sh: a guest that hangs is killed, its console shown ---
kernel=$OUT/build/kernel/arch/x86/boot/bzImage
if [ -f "$kernel" ]; then
	mkdir -p "$t/hang/bin"
	cp /bin/busybox "$t/hang/bin/"
	printf '#!/bin/busybox sh\necho hang-test: sleeping forever\nexec /bin/busybox sleep 100000\n' >"$t/hang/init"
	chmod +x "$t/hang/init"
	(cd "$t/hang" && find . | cpio -o -H newc --quiet) | gzip -1 >"$t/hang.cpio.gz"
	expect "qemu.sh: a hung guest is killed and its console shown" 1 'hang-test: sleeping forever' \
		env BOOT_TIMEOUT=12 "$TOP/scripts/qemu.sh" batch "$kernel" "$t/hang.cpio.gz" "$t/hangout"
else
	result skip "qemu.sh: a hung guest is killed" "no kernel built"
fi
