#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The checks that run on the SEV-SNP platform model (qemu/): the model's
# own bare-metal tests, the oracle (Debian's 6.12) and the series' kernel.
# A stage of make check, and make qemu-check.
#
# The model binary is built from qemu/src (make qemu) and kept in a cache
# keyed by everything it is built from (qemu/qemu.conf, qemu/series and
# qemu/patches/, the build script, the compiler), like ccache keeps the
# objects: a run whose model did not change reuses it. qemu/src must hold
# exactly what qemu/patches/ says; run make qemu-export first.
# With QEMU_MODEL set, that binary is used instead (make qemu-check: the
# model as qemu/src builds it, exported or not).
#   model-check.sh [KERNEL_BUILD_DIR]
# ORACLE_L2=1 adds the L2 oracle's plain boot and its SNP launch (make
# oracle-l2).
set -euo pipefail
STAGE=${STAGE:-model}
. "$(dirname "$0")/lib.sh"

kbuild=${1:-$OUT/build/kernel}
bzimage=$kbuild/arch/x86/boot/bzImage
[ -f "$bzimage" ] || die "no kernel at $bzimage; run make"
cache_root=${SNP_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/snp-host-series}/qemu-model

model_digest() {
	{
		cat "$TOP/qemu/qemu.conf" "$TOP/qemu/series" "$TOP/scripts/qemu-build.sh"
		{ grep -v '^[[:space:]]*#' "$TOP/qemu/series" || true; } | awk 'NF { print $1 }' |
			while read -r p; do cat "$TOP/qemu/patches/$p"; done
		gcc -dumpfullversion
	} | sha256sum | cut -c1-16
}

# qemu/src holds base + exactly the exported patches, and nothing else.
src_matches_export() {
	local src=$TOP/qemu/src tmp rc=0
	[ -z "$(git -C "$src" status --porcelain)" ] || return 1
	tmp=$(mktemp -d)
	git -C "$src" -c core.abbrev=12 format-patch -q --no-signature --zero-commit \
		-o "$tmp" base..HEAD
	for f in "$tmp"/[0-9][0-9][0-9][0-9]-*.patch; do
		[ -e "$f" ] || continue
		cmp -s "$f" "$TOP/qemu/patches/$(basename "${f#"$tmp"/????-}")" || rc=1
	done
	[ "$(find "$tmp" -name '*.patch' | wc -l)" -eq "$(find "$TOP/qemu/patches" -name '*.patch' | wc -l)" ] || rc=1
	rm -rf "$tmp"
	return $rc
}

start=$SECONDS
digest=$(model_digest)
model=$cache_root/$digest/qemu-system-x86_64
if [ -n "${QEMU_MODEL:-}" ]; then
	# make qemu-check: the model as built from qemu/src, exported or not.
	model=$QEMU_MODEL
	[ -x "$model" ] || die "QEMU_MODEL=$model is not an executable"
	msg "model $model (QEMU_MODEL)"
elif [ -x "$model" ]; then
	msg "model $digest from the cache ($model)"
else
	msg "model $digest not in the cache: building it"
	"$TOP/scripts/deps.sh" qemu
	"$TOP/scripts/qemu-import.sh"
	src_matches_export ||
		die "qemu/src differs from qemu/patches/ (uncommitted or unexported work): run make qemu-export, or move qemu/src away"
	STAGE=qemu-build "$TOP/scripts/qemu-build.sh" >/dev/null
	mkdir -p "$cache_root/$digest"
	cp "$OUT/qemu/build/qemu-system-x86_64" "$model.tmp"
	mv "$model.tmp" "$model"
	# Keep the three most recent models.
	find "$cache_root" -mindepth 1 -maxdepth 1 -type d -printf '%T@ %p\n' | sort -rn |
		tail -n +4 | cut -d' ' -f2- | xargs -r rm -rf
fi
msg "model ready in $((SECONDS - start))s"
export QEMU_MODEL=$model

# The model's patches follow QEMU's own rules: its checkpatch.pl, from
# qemu/src or else from the source tarball, finds no error and no
# warning but one: a new file has no MAINTAINERS entry, which the model,
# not meant for QEMU itself, does not add.
cpq=$(mktemp -d)
if [ -f "$TOP/qemu/src/scripts/checkpatch.pl" ]; then
	cp "$TOP/qemu/src/scripts/checkpatch.pl" "$cpq/"
else
	dsc=$("$TOP/scripts/qemu-fetch.sh")
	orig=$(find "$(dirname "$dsc")" -maxdepth 1 -name '*.orig.tar.*' | head -n1)
	[ -n "$orig" ] && tar -xf "$orig" -C "$cpq" --wildcards --strip-components=2 \
		'*/scripts/checkpatch.pl' 2>/dev/null || true
fi
if [ -f "$cpq/checkpatch.pl" ]; then
	bad=
	while read -r p; do
		out=$(perl "$cpq/checkpatch.pl" --no-tree "$TOP/qemu/patches/$p" 2>&1 |
			grep -E '^(ERROR|WARNING): ' |
			grep -vxF 'WARNING: added, moved or deleted file(s), does MAINTAINERS need updating?' || true)
		[ -z "$out" ] || { printf '%s: %s\n' "$p" "$out" | sed 's/^/    /'; bad="$bad $p"; }
	done < <({ grep -v '^[[:space:]]*#' "$TOP/qemu/series" || true; } | awk 'NF { print $1 }')
	if [ -z "$bad" ]; then
		result pass "model patches: QEMU's checkpatch.pl"
	else
		result fail "model patches: QEMU's checkpatch.pl" "reports on:$bad"
	fi
else
	result skip "model patches: QEMU's checkpatch.pl" "no checkpatch.pl in qemu/src or the QEMU source tarball"
fi
rm -rf "$cpq"

# The programs the module boots run (the /dev/sev commands, kexec),
# static, built against the series' uAPI headers (upstream's are the
# same for what they use).
mkdir -p "$OUT/qemu/guest"
make -s -C "$LINUX" O="$kbuild" headers >"$OUT/qemu/headers.log" 2>&1 ||
	die "make headers failed (log: $OUT/qemu/headers.log)"
for p in sev-ioctl kexec-reboot; do
	gcc -static -O2 -Wall -Wextra -Werror -isystem "$kbuild/usr/include" \
		-o "$OUT/qemu/guest/$p" "$TOP/qemu/tests/guest/$p.c" ||
		die "qemu/tests/guest/$p.c does not build"
done
# The test module of the PSP model (qemu/tests/guest/psp-test), built
# against the series' kernel from a copy under $OUT: kbuild writes its
# objects next to the sources of an M= directory.
pt=$OUT/qemu/guest/psp-test
rm -rf "$pt"
mkdir -p "$pt"
cp "$TOP/qemu/tests/guest/psp-test/psp_test.c" "$TOP/qemu/tests/guest/psp-test/Kbuild" "$pt/"
make -s -C "$LINUX" O="$kbuild" M="$pt" W=1 KCFLAGS=-Werror modules >"$OUT/qemu/psp-test.log" 2>&1 ||
	die "qemu/tests/guest/psp-test does not build (log: $OUT/qemu/psp-test.log)"

rc=0
run() { "$@" || rc=1; }
run "$TOP/scripts/qemu-bare-test.sh"
run "$TOP/scripts/qemu-oracle.sh"
run "$TOP/scripts/qemu-model-test.sh" series-kernel-no-rmp "$bzimage" \
	"$TOP/qemu/tests/series-kernel-no-rmp.txt" off on
run "$TOP/scripts/qemu-model-test.sh" series-kernel-no-iommu-snp "$bzimage" \
	"$TOP/qemu/tests/series-kernel-no-iommu-snp.txt" on off
# With the PSP, KVM, the /dev/sev commands, the PSP model's test module,
# a kexec and a panic; KUnit at boot.  nogbpages: the direct map then
# has 2M pages for the RMP helpers' KUnit tests to split.  avic=1: the
# model's CPU lacks HvInUseWrAllowed, so kvm_amd must refuse AVIC.  The
# model's IOMMU reports the event and PPR logs each kernel programs.
run env QEMU_PSP_DEVICE=amd-psp SEV_IOCTL=series PSP_TEST=1 KEXEC=1 PANIC=1 \
	KERNEL_ARGS=nogbpages KVM_AMD_ARGS="avic=1 sev_snp=1" \
	KVM_SELFTESTS="x86_64/sev_init2_test" \
	MODEL_EXPECTED="$TOP/qemu/tests/series-kernel-psp.model.txt" \
	"$TOP/scripts/qemu-model-boot.sh" series-kernel-psp "$bzimage" "$kbuild" \
	"$TOP/qemu/tests/series-kernel-psp.txt" ccp kvm_amd
# SNP VMs launched and torn down (snp_launch_test) in a boot of their
# own: the ASIDs they leave behind need an SNP_DF_FLUSH before the next
# SNP_ACTIVATE, which the PSP model's test module would trip over.
run env QEMU_PSP_DEVICE=amd-psp KERNEL_ARGS=nogbpages KVM_AMD_ARGS=sev_snp=1 \
	KVM_SELFTESTS="x86_64/snp_launch_test" \
	MODEL_EXPECTED="$TOP/qemu/tests/series-kernel-snp-launch.model.txt" \
	"$TOP/scripts/qemu-model-boot.sh" series-kernel-snp-launch "$bzimage" "$kbuild" \
	"$TOP/qemu/tests/series-kernel-snp-launch.txt" ccp kvm_amd
# The PSP driver unbound while firmware pages are out: they are leaked,
# and with them, and firmware older than API 1.53, kexec is refused.
run env QEMU_PSP_DEVICE=amd-psp,api-minor=52 PSP_TEST=1 PSP_TEST_ARGS=unbind=1 \
	KEXEC_REFUSED=1 \
	"$TOP/scripts/qemu-model-boot.sh" series-kernel-psp-unbind "$bzimage" "$kbuild" \
	"$TOP/qemu/tests/series-kernel-psp-unbind.txt" ccp
# The RMP table sharing its first and last 2M pages with RAM (the model
# carves it out of RAM at 513M): the RAM next to it leaves every e820 map,
# /sys/firmware/memmap included.  At 1M its first 2M page holds memory
# in use since boot: SNP must be refused, before anything changes.
run env QEMU_PSP_DEVICE=amd-psp QEMU_EXTRA_ARGS="-m 2304M -machine sev-snp-rmp-base=513M" \
	"$TOP/scripts/qemu-model-boot.sh" series-kernel-rmp-bookends "$bzimage" "$kbuild" \
	"$TOP/qemu/tests/series-kernel-rmp-bookends.txt" ccp
run env QEMU_EXTRA_ARGS="-machine sev-snp-rmp-base=1M" \
	"$TOP/scripts/qemu-model-boot.sh" series-kernel-rmp-in-use "$bzimage" "$kbuild" \
	"$TOP/qemu/tests/series-kernel-rmp-in-use.txt" ccp
# QEMU 10.0 on the series' kernel launches an SNP guest (issue 16) and
# must reach the oracle's launch digest: the two expected model logs name
# the same digest, the series' run must show it.  About 20 s; cold, the
# VMM's download adds a minute.  With ORACLE_L2, the oracle's own launch
# is run too, to show that the digest is still the oracle's.
digest() { sed -n 's/^count 1: launch digest \([0-9a-f]\{96\}\)$/\1/p' "$1"; }
d_oracle=$(digest "$TOP/qemu/tests/oracle-6.12-l2-snp-launch.model.txt")
d_series=$(digest "$TOP/qemu/tests/series-l1-l2-snp-launch.model.txt")
if [ -n "$d_oracle" ] && [ "$d_oracle" = "$d_series" ]; then
	result pass "model: the series' expected SNP launch digest is the oracle's"
else
	result fail "model: the series' expected SNP launch digest is the oracle's" \
		"oracle ${d_oracle:-none}, series ${d_series:-none} (qemu/tests/*-snp-launch.model.txt)"
	rc=1
fi
run env L1=series KBUILD="$kbuild" "$TOP/scripts/oracle-l2.sh" snp-launch
# SEV-ES guests (issue 15): QEMU 10.0 with OVMF boots Debian's 6.12 as an
# SEV-ES L2 guest to its init, with the oracle's kernel as L1 and with
# the series' (KVM_SEV_INIT2, SEV-ES VM type): the PSP model's legacy
# guest commands and the CPU model's SEV-ES guests, run by code tested on
# silicon.  About 70 s and 90 s.  L2=oracle: the series' 6.1 guest build
# would add about 15 minutes cold.
run env L2=oracle "$TOP/scripts/oracle-l2.sh" sev-es
run env L1=series L2=oracle KBUILD="$kbuild" "$TOP/scripts/oracle-l2.sh" sev-es
# SNP guests (issue 15): the same VMM and firmware boot Debian's 6.12 as
# an SEV-SNP guest of the oracle's kernel, with the model's SNP-active
# guests on (sev-snp-guests=on; off by default while the series' KVM
# does not run SNP guests, issue 17, so that its launch test still ends
# at the first VMRUN).  About 90 s.
run env L2=oracle QEMU_CPU_EXTRA=sev-snp-guests=on "$TOP/scripts/oracle-l2.sh" snp
# SNP guests of the series' KVM (issue 17): the same VMM and firmware
# boot the same guest on the series' kernel: GHCB version 2, page state
# changes through QEMU's KVM_HC_MAP_GPA_RANGE exits, RMP faults, guest
# requests, attested.  About 60 s.
run env L1=series L2=oracle KBUILD="$kbuild" \
	QEMU_CPU_EXTRA=sev-snp-guests=on "$TOP/scripts/oracle-l2.sh" snp
# With two vCPUs, the AP started by AP creation, the same guest on the
# oracle's kernel and on the series': about 45 s each.  (Both stalled in
# about one boot of two until the model stopped delivering an interrupt
# that VMRUN injects a second time, with interrupts off: model patch
# "Deliver an interrupt injected by VMRUN only once".)
run env L2=oracle L2_SMP=2 QEMU_CPU_EXTRA=sev-snp-guests=on \
	"$TOP/scripts/oracle-l2.sh" snp
run env L1=series L2=oracle L2_SMP=2 KBUILD="$kbuild" \
	QEMU_CPU_EXTRA=sev-snp-guests=on "$TOP/scripts/oracle-l2.sh" snp
# The RMP operations each kernel issued for the same guest, and its
# nested page mappings at the end of its boot, side by side (the
# issue's goal: fewer operations than the oracle, which maps private
# memory at 4K only).
ours=$OUT/qemu/test/series-l1-l2-snp-guest-6.12/rmp-ops.txt
theirs=$OUT/qemu/test/oracle-6.12-l2-snp-guest-6.12/rmp-ops.txt
if [ -f "$ours" ] && [ -f "$theirs" ]; then
	msg "RMP operations and nested mappings for the same SNP guest, series | oracle:"
	paste -d'|' "$ours" "$theirs" | sed 's/|/  |  /; s/^/    /'
fi
# The selftests that run SNP guests (issue 17), in a boot of their own
# with the model's SNP guests on: a guest that follows the GHCB spec and
# a hostile one.  About 30 s.
run env QEMU_PSP_DEVICE=amd-psp KERNEL_ARGS=nogbpages \
	QEMU_CPU_EXTRA=sev-snp-guests=on \
	KVM_SELFTESTS="x86_64/snp_runtime_test x86_64/snp_hostile_guest_test" \
	MODEL_EXPECTED="$TOP/qemu/tests/series-kernel-snp-guests.model.txt" \
	"$TOP/scripts/qemu-model-boot.sh" series-kernel-snp-guests "$bzimage" "$kbuild" \
	"$TOP/qemu/tests/series-kernel-snp-guests.txt" ccp kvm_amd
# The L2 oracle (scripts/oracle-l2.sh) with the series' own 6.1 guest:
# plain, the oracle's SNP launch, and the SNP guest attested: not by
# default. Warm they add about three minutes; cold, the L2 kernel's build
# adds about 17 minutes.
if [ -n "${ORACLE_L2:-}" ]; then
	run env KBUILD="$kbuild" "$TOP/scripts/oracle-l2.sh" snp-launch
	run "$TOP/scripts/oracle-l2.sh" plain
	run env QEMU_CPU_EXTRA=sev-snp-guests=on "$TOP/scripts/oracle-l2.sh" snp
fi
msg "model checks done in $((SECONDS - start))s"
exit $rc
