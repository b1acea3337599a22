#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The L2 oracle (issue 15): the oracle kernel (Debian's 6.12) as L1 on the
# SNP platform model, with the PSP, its ccp and kvm_amd modules, running
# the pinned QEMU 10.0 (qemu/oracle-vmm.conf) with KVM and OVMF (-bios),
# which boots the series' own 6.1 tree (configs/snp-guest.config) as an L2
# guest, plain, SEV-ES or SEV-SNP:
#   oracle-l2.sh plain|sev-es|snp|snp-launch
# The L1 initramfs is the model boot's (scripts/qemu-model-boot.sh) with a
# payload: the unpacked VMM and its libraries, OVMF.fd,
# qemu/tests/guest/oracle-l2/l1-run (which starts QEMU) and the L2 kernel
# and initramfs (busybox-static, qemu/tests/guest/oracle-l2/l2-init and
# snp-report). The console must hold qemu/tests/oracle-6.12-l2-MODE.txt;
# the L2 console is in it, every line prefixed "L2: ".
# With L1=series, the series' own kernel (out/build/kernel, built by
# 'make') is L1 instead, with kvm_amd.sev_snp=1: QEMU 10.0 must launch the
# same guest on it (issue 16); the expected lines are then
# qemu/tests/series-l1-l2-MODE.txt.  Either way, the SNP launch commands
# the model's PSP ran, and their status, are summed up from its log.
# snp-launch is the SNP guest's launch alone, for its launch digest: the
# model cannot run SNP guests yet and refuses their first VMRUN, after
# which l1-run stops QEMU and the VM is torn down; the model's log
# (amd_psp_snp_launch_digest, checked against qemu/tests/NAME.model.txt)
# gives the digest LAUNCH_FINISH saw.  What
# QEMU measures is OVMF and the VMSA: the L2 kernel is loaded through
# fw_cfg and not measured (kernel-hashes is off), so any bzImage does,
# and by default it is the series' own, to save the L2 kernel's build.
# Environment: L2_REV (the linux/ commit the L2 kernel is built from,
# default HEAD), L2_KERNEL (a bzImage to boot as L2 instead, e.g. the
# oracle's own vmlinuz; the expected lines then do not hold), L2=oracle
# (Debian's 6.12, the oracle's own kernel, is the L2 guest: no L2 build;
# the expected lines are then NAME-guest-6.12.txt), L2_TIMEOUT
# (s, QEMU 10.0's run in L1, default 300), L2_SMP (its vCPUs, default
# 1), L2_APPEND (more parameters for the L2 kernel), L2_QEMU_ARGS (more
# arguments for it, without spaces in any, e.g. "-trace
# kvm_hc_map_gpa_range" to debug; its log is in the console), L1_TRACE
# (trace events of the L1 kernel while the guest runs, each
# subsystem:event[@filter], e.g. "kvm:kvm_hypercall
# kvm:kvm_exit@exit_reason==0x78"; the oracle's kernel has them, and the
# last 4000 lines come out in the console, prefixed "trace: "),
# MODEL_TRACE (more of the model's trace events, e.g. "svm_es_*" for
# where each vCPU of an SEV-ES or SNP guest enters and leaves; they go to
# its log, model.log), MODEL_BOOT_TIMEOUT (s, the whole L1 boot, default
# 600), QEMU_MODEL.
set -euo pipefail
STAGE=${STAGE:-oracle-l2}
. "$(dirname "$0")/lib.sh"

mode=${1:-}
case $mode in
plain | sev-es | snp | snp-launch) ;;
*) die "usage: $0 plain|sev-es|snp|snp-launch" ;;
esac
case ${L1:-oracle} in
oracle) name=oracle-6.12-l2-$mode ;;
series) name=series-l1-l2-$mode ;;
*) die "L1=$L1: oracle or series" ;;
esac
case ${L2:-} in
'') ;;
oracle) name=$name-guest-6.12 ;;
*) die "L2=$L2: empty (the series' 6.1 guest build) or oracle" ;;
esac
# More than one vCPU: a test of its own.
[ "${L2_SMP:-1}" -le 1 ] || name=$name-smp$L2_SMP
expected=$TOP/qemu/tests/$name.txt
[ -f "$expected" ] || die "no expected lines at $expected"
guest=$TOP/qemu/tests/guest/oracle-l2
[ -x /bin/busybox ] || die "/bin/busybox missing; apt-get install busybox-static"
start=$SECONDS

kvm_amd_args=
if [ "${L1:-oracle}" = series ]; then
	moddir=${KBUILD:-$OUT/build/kernel}
	vmlinuz=$moddir/arch/x86/boot/bzImage
	[ -f "$vmlinuz" ] || die "no series kernel at $vmlinuz; run make"
	kvm_amd_args=sev_snp=1
else
	k=$("$TOP/scripts/oracle-kernel.sh")
	vmlinuz=${k%%$'\n'*} moddir=${k#*$'\n'}
fi
vmm=$("$TOP/scripts/oracle-vmm-fetch.sh")
# What the model's own log must hold, if anything (snp-launch: the digest).
model_expected=$TOP/qemu/tests/$name.model.txt
if [ "$mode" = snp-launch ]; then
	[ -f "$model_expected" ] || die "no expected model log lines at $model_expected"
	: "${L2_KERNEL:=${KBUILD:-$OUT/build/kernel}/arch/x86/boot/bzImage}"
fi
[ -f "$model_expected" ] || model_expected=''
l2mods=
if [ "${L2:-}" = oracle ]; then
	k=$("$TOP/scripts/oracle-kernel.sh")
	L2_KERNEL=${k%%$'\n'*}
	# Debian's SNP guest driver is a module.
	l2mods=${k#*$'\n'}/kernel
fi
if [ -n "${L2_KERNEL:-}" ]; then
	l2kernel=$L2_KERNEL
	[ -f "$l2kernel" ] || die "L2_KERNEL=$l2kernel: no such file"
else
	l2kernel=$("$TOP/scripts/oracle-l2-kernel.sh")
fi

work=$OUT/oracle-l2/$mode
payload=$work/payload
rm -rf "$payload"
mkdir -p "$payload/payload/l2" "$payload/usr/bin" "$payload/usr/share/ovmf" "$work"

# The L2 initramfs: busybox, its /init, the attestation program (static,
# against 6.1's uAPI: the host's linux-libc-dev is Debian 12's 6.1).
gcc -static -O2 -Wall -Wextra -Werror -o "$work/snp-report" "$guest/snp-report.c" ||
	die "qemu/tests/guest/oracle-l2/snp-report.c does not build"
l2root=$(mktemp -d)
trap 'rm -rf "$l2root"' EXIT
mkdir -p "$l2root"/{bin,sbin,usr/bin,usr/sbin,proc,sys,dev}
cp /bin/busybox "$l2root/bin/busybox"
install -m 0755 "$guest/l2-init" "$l2root/init"
install -m 0755 "$work/snp-report" "$l2root/bin/snp-report"
if [ -n "$l2mods" ]; then
	# sev-guest with what it depends on (modinfo's depends=), and what the
	# crypto API loads on demand for its gcm(aes): the GCM template and
	# GHASH (ctr and aes are built in). l2-init loads them in name order,
	# so each is numbered after its dependencies.
	mkdir -p "$l2root/lib/modules"
	n=0 loaded=' '
	l2mod() {
		local f dep
		case $loaded in *" $1 "*) return 0 ;; esac
		f=$(find "$l2mods" \( -name "$1.ko.xz" -o -name "${1//_/-}.ko.xz" \) | head -n 1)
		[ -n "$f" ] || die "L2 module $1 not in $l2mods"
		for dep in $(xz -dc "$f" | strings | sed -n 's/^depends=//p' | tr ',' ' '); do
			l2mod "$dep"
		done
		n=$((n + 1))
		xz -dc "$f" >"$l2root/lib/modules/$(printf %02d "$n")-$1.ko"
		loaded="$loaded$1 "
	}
	for m in ghash-generic gcm sev-guest; do
		l2mod "$m"
	done
fi
(cd "$l2root" && find . -print0 | sort -z | cpio --null -o -H newc --quiet) |
	gzip -1 >"$payload/payload/l2/initramfs.cpio.gz"
cp "$l2kernel" "$payload/payload/l2/bzImage"

# The VMM: the binary, the libraries, the x86 ROMs and OVMF. The other
# architectures' firmware in qemu-system-data stays out.
cp -a "$vmm/lib" "$vmm/lib64" "$payload/"
mkdir -p "$payload/usr/lib"
cp -a "$vmm/usr/lib/x86_64-linux-gnu" "$payload/usr/lib/"
cp -a "$vmm/usr/bin/qemu-system-x86_64" "$payload/usr/bin/"
cp -a "$vmm/usr/share/qemu" "$payload/usr/share/"
(cd "$payload/usr/share/qemu" && rm -rf hppa-* openbios-* palcode-* s390-* skiboot.lid \
	slof.bin u-boot* npcm* QEMU,cgthree.bin QEMU,tcx.bin ./*.dtb vof.bin)
cp "$vmm/usr/share/ovmf/OVMF.fd" "$payload/usr/share/ovmf/"
install -m 0755 "$guest/l1-run" "$payload/payload/run"
echo "$mode" >"$payload/payload/mode"
echo "${L2_TIMEOUT:-300}" >"$payload/payload/timeout"
echo "${L2_SMP:-1}" >"$payload/payload/smp"
echo "${L2_QEMU_ARGS:-}" >"$payload/payload/qemu-args"
echo "${L2_APPEND:-}" >"$payload/payload/append"
echo "${L1_TRACE:-}" >"$payload/payload/trace"
msg "$name: payload $(du -sh "$payload" | cut -f1) (L2: $l2kernel)"

# L1: 4G for the payload in its initramfs and a 512M L2 guest; the model's
# PSP, for kvm_amd's SEV, SEV-ES and SNP. no_timer_check: on a loaded host
# TCG's timer sometimes misses the kernel's IO-APIC timer check, which
# panics ("timer doesn't work through Interrupt-remapped IO-APIC") before
# anything the oracle tests has run.
# With an SNP guest, the model traces each RMPUPDATE and PSMASH, to be
# counted below; and, printed below if they come, an access to a page not
# validated (#VC 0x404), and a guest's request to be terminated with the
# last events it took, since its own message is lost with it.
rc=0
model_args="-m 4G"
case $mode in snp*) model_args+=" -trace snp_rmpupdate -trace snp_psmash -trace snp_page_not_validated -trace svm_es_guest_terminate -trace svm_es_guest_event -trace svm_es_guest_ghcb" ;; esac
read -ra model_trace <<<"${MODEL_TRACE:-}"
for t in "${model_trace[@]}"; do model_args+=" -trace $t"; done
MODEL_BOOT_TIMEOUT=${MODEL_BOOT_TIMEOUT:-600} QEMU_PSP_DEVICE=amd-psp \
	QEMU_EXTRA_ARGS=$model_args PAYLOAD=$payload KERNEL_ARGS=no_timer_check \
	KVM_AMD_ARGS=$kvm_amd_args MODEL_EXPECTED=$model_expected \
	"$TOP/scripts/qemu-model-boot.sh" "$name" "$vmlinuz" "$moddir" "$expected" \
	ccp kvm_amd || rc=1
# The launch as the model's PSP saw it: each SNP guest command's count and
# statuses, in the order they first came.
mlog=$OUT/qemu/test/$name/model.log
if [ -f "$mlog" ] && grep -qE 'svm_es_guest_terminate|snp_page_not_validated' "$mlog"; then
	msg "$name: the model saw the guest terminate or touch a page not validated:" >&2
	grep -E 'svm_es_guest_(terminate|event|ghcb)|snp_page_not_validated' "$mlog" |
		head -n 60 | sed 's/^/    /' >&2
fi
if [ -f "$mlog" ]; then
	grep -oE 'amd_psp_command SNP_(GCTX_CREATE|LAUNCH_[A-Z]+|ACTIVATE|DECOMMISSION|DF_FLUSH) \(0x[0-9a-f]+\) buffer 0x[0-9a-f]+: status 0x[0-9a-f]+' "$mlog" |
		sed -E 's/^amd_psp_command (SNP_[A-Z_]+) .*: (status 0x[0-9a-f]+)$/\1 \2/' |
		awk '!n[$0]++ { order[++k] = $0 } END { for (i = 1; i <= k; i++) print order[i] ": " n[order[i]] }' |
		sed "s/^/$STAGE: $name: PSP: /"
fi
log=$OUT/qemu/test/$name/console.log
# The RMP operations the host issued for the guest, as the model traced
# them: for its launch (from SNP_LAUNCH_START to SNP_LAUNCH_FINISH), and
# after it, for its boot, its run and its teardown; and the guest's
# nested page mappings by size when they mapped the most memory.
# Written to rmp-ops.txt too, for scripts/model-check.sh to compare the
# two kernels.
if [ -f "$mlog" ] && grep -q 'snp_rmpupdate' "$mlog"; then
	awk '
	/amd_psp_command SNP_LAUNCH_START/ { p = 1 }
	/snp_rmpupdate/ { u[p]++; if ($0 ~ / 2M 1:/) h[p]++ }
	/snp_psmash/ { s[p]++ }
	/amd_psp_command SNP_LAUNCH_FINISH/ { p = 2 }
	END {
		split("launch|boot to teardown", n, "|")
		for (i = 1; i <= 2; i++)
			printf "%s: RMPUPDATE %d (%d at 2M), PSMASH %d\n", n[i], u[i], h[i], s[i]
	}' "$mlog" >"$OUT/qemu/test/$name/rmp-ops.txt"
	tr -d '\r' <"$log" | sed -n 's/^oracle-l1: NPT: 4K pages \([0-9]*\), 2M pages \([0-9]*\)$/\1 \2/p' |
		tail -n 1 | awk '{ t = $1 + 512 * $2; if (t) printf "NPT at most: 4K pages %d, 2M pages %d (%d%% of the memory at 2M)\n", $1, $2, 100 * 512 * $2 / t }' \
		>>"$OUT/qemu/test/$name/rmp-ops.txt"
	sed "s/^/$STAGE: $name: /" "$OUT/qemu/test/$name/rmp-ops.txt"
fi
# An attestation report from the guest, wherever one is expected or was
# printed: its MEASUREMENT must be the model's launch digest, and OpenSSL
# must verify its signature under the model's public key.
if grep -q 'snp-report: ok' "$expected" || grep -q 'snp-report: raw ' "$log" 2>/dev/null; then
	if why=$(python3 "$TOP/scripts/snp-report-verify.py" "$log" "$mlog" 2>&1); then
		result pass "$name: attestation report verified" "$why"
	else
		result fail "$name: attestation report verified" "$why"
		rc=1
	fi
fi
l1=$(cat "$OUT/qemu/test/$name/seconds" 2>/dev/null || echo '?')
# The serial console's lines end in CR LF.
l2=$(tr -d '\r' <"$log" | sed -n 's/^oracle-l1: QEMU exited with .* after \([0-9]*\)s$/\1/p' | tail -n 1)
msg "$name: L1 ran ${l1}s, its L2 guest ${l2:-?}s; ${mode} $([ $rc -eq 0 ] && echo passed || echo FAILED) in $((SECONDS - start))s"
exit $rc
