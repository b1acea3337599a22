#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Boot a kernel on the SNP platform model (out/qemu/build) with an
# initramfs that loads some of its modules (busybox-static and
# qemu/tests/guest/init), and check the console against an expected-lines
# file (fixed strings, one a line; '#' comments; with KEXEC, a line
# 'both: STRING' must be printed before the kexec and after it), as
# qemu-model-test.sh does for the boot without an initramfs.
#   qemu-model-boot.sh NAME KERNEL MODDIR EXPECTED MODULE...
# MODDIR holds the kernel's modules and their modules.order (and
# modules.builtin): a kernel build directory, or an unpacked package's
# lib/modules/VERSION. Each MODULE is loaded after the modules it depends
# on (modinfo's depends, resolved on the host); a MODULE built into the
# kernel is skipped. Compressed modules (.xz, .zst, .gz) are decompressed
# here, as busybox insmod takes only plain ones.
# Environment: QEMU_PSP_DEVICE, a -device argument for the model's PSP
# (empty, the default: no PSP); SEV_IOCTL, the mode (series or common) in
# which /init runs the /dev/sev test program $OUT/qemu/guest/sev-ioctl
# (qemu/tests/guest/sev-ioctl.c) once /dev/sev exists (empty: not run);
# PSP_TEST=1: /init of the first kernel then loads the PSP model's test
# module $OUT/qemu/guest/psp-test/psp_test.ko (qemu/tests/guest/psp-test,
# built by scripts/model-check.sh), whose deliberate refusals the check
# "the PSP refused no command" then tells from the kernel's (below);
# PSP_TEST_ARGS, that module's parameters (unbind=1: the firmware pages
# it holds across an unbind of the PSP driver, instead of its tests);
# KEXEC_REFUSED=1: /init tries the same kexec, which the kernel must
# refuse (the expected lines say how), and goes on to its end;
# KEXEC=1: /init then kexecs into the same kernel with the same
# initramfs, whose /init runs again and ends the boot (the console has
# both kernels); PANIC=1: the boot ends in a panic (sysrq c), after which
# the PSP's last command must be an SNP_SHUTDOWN_EX that succeeded (the
# model logs its commands and rejections to model.log);
# KVM_AMD_ARGS, kvm_amd's module parameters when it is loaded;
# KERNEL_ARGS, more kernel parameters, for both kernels of a kexec boot;
# MODEL_EXPECTED, lines the model's own log (model.log) must hold, as
# EXPECTED's for the console (a line 'count N: STRING': exactly N lines
# hold STRING; a line 'known-refusal: STRING': the firmware refuses a
# command on purpose, and its log lines hold STRING); the IOMMU reports there each event and PPR log a kernel
# programs, with its size (trace events amdvi_evtlog_base and
# amdvi_pprlog_base);
# KVM_SELFTESTS, KVM selftests (paths under SELFTESTS_DIR, default
# out/build/selftests) that /init of the first kernel runs once its modules
# are loaded, printing "selftest NAME: pass", "skip: REASON" or "FAIL"
# with the test's last lines;
# PAYLOAD, a directory merged into the initramfs's root: /init runs its
# /payload/run, if there is one, after the checks above and before the
# kexec test, and prints its exit status ("model-boot: payload: exit N";
# scripts/oracle-l2.sh puts a VMM and an L2 guest there);
# QEMU_CPU_EXTRA, more properties of the model's CPU (e.g.
# sev-snp-guests=on);
# QEMU_EXTRA_ARGS, more QEMU arguments, after the others (a later -m
# wins; -machine options add to q35's), one a word;
# MODEL_ACCEL, the model's -accel (default tcg; tcg,thread=single runs
# every vCPU in one thread, to tell a race of the model's vCPUs from the
# guests' own);
# MODEL_BOOT_TIMEOUT (s, default 300);
# MODEL_STALL_SECS (s, default 180): when the console stays silent that
# long, or the kernel reports an RCU stall (a CPU that stopped taking
# interrupts, even NMIs), the model's threads are written to
# model-stall.txt once (state,
# wchan, and with gdb each vCPU's state, scripts/gdb-model-cpus.py, and
# the threads' backtraces), to tell a deadlock of the model from a guest
# that hangs; the boot goes on to its timeout;
# QEMU_MODEL, the model binary (default out/qemu/build/qemu-system-x86_64).
set -euo pipefail
STAGE=${STAGE:-qemu-model-boot}
. "$(dirname "$0")/lib.sh"

[ $# -ge 5 ] || die "usage: $0 NAME KERNEL MODDIR EXPECTED MODULE..."
name=$1 kernel=$2 moddir=$3 expected=$4
shift 4
qemu=${QEMU_MODEL:-$OUT/qemu/build/qemu-system-x86_64}
psp=${QEMU_PSP_DEVICE:-}
tmo=${MODEL_BOOT_TIMEOUT:-300}
[ -x "$qemu" ] || die "no model at $qemu; run make qemu"
[ -f "$kernel" ] || die "no kernel at $kernel"
[ -f "$moddir/modules.order" ] || die "no modules.order in $moddir"
[ -f "$expected" ] || die "no expected lines at $expected"
[ -z "${MODEL_EXPECTED:-}" ] || [ -f "$MODEL_EXPECTED" ] ||
	die "no expected model log lines at $MODEL_EXPECTED"
[ -x /bin/busybox ] || die "/bin/busybox missing; apt-get install busybox-static"
dir=$OUT/qemu/test/$name
mkdir -p "$dir"

# The modules the kernel has (modules.order), by name ('-' read as '_').
declare -A path=() builtin=() seen=()
while read -r e; do
	e=${e%.o} && e=${e%.ko}
	for f in "$moddir/$e.ko" "$moddir/$e.ko".{xz,zst,gz}; do
		if [ -f "$f" ]; then
			n=${e##*/}
			path[${n//-/_}]=$f
			break
		fi
	done
done <"$moddir/modules.order"
if [ -f "$moddir/modules.builtin" ]; then
	while read -r e; do
		n=${e##*/} && n=${n%.ko}
		builtin[${n//-/_}]=1
	done <"$moddir/modules.builtin"
fi

# Each module after its dependencies.
load=()
add() {
	local n=${1//-/_} d
	[ -z "${seen[$n]:-}" ] || return 0
	seen[$n]=1
	if [ -z "${path[$n]:-}" ]; then
		[ -n "${builtin[$n]:-}" ] || die "$name: no module $n in $moddir"
		msg "$name: $n is built in"
		return 0
	fi
	for d in $(modinfo -F depends "${path[$n]}" | tr ',' ' '); do
		add "$d"
	done
	load+=("$n")
}
for m in "$@"; do
	add "$m"
done

root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,proc,sys,dev,tmp,lib/modules,etc/model-boot}
cp /bin/busybox "$root/bin/busybox"
install -m 0755 "$TOP/qemu/tests/guest/init" "$root/init"
: >"$root/etc/model-boot/modules"
for n in "${load[@]}"; do
	f=${path[$n]}
	case $f in
	*.xz) xz -dc "$f" ;;
	*.zst) zstd -dc "$f" ;;
	*.gz) gzip -dc "$f" ;;
	*) cat "$f" ;;
	esac >"$root/lib/modules/$n.ko"
	args=
	[ "$n" != kvm_amd ] || args=${KVM_AMD_ARGS:-}
	echo "$n${args:+ $args}" >>"$root/etc/model-boot/modules"
done
if [ -n "${SEV_IOCTL:-}" ]; then
	[ -x "$OUT/qemu/guest/sev-ioctl" ] || die "no $OUT/qemu/guest/sev-ioctl (scripts/model-check.sh builds it)"
	cp "$OUT/qemu/guest/sev-ioctl" "$root/bin/sev-ioctl"
	echo "$SEV_IOCTL" >"$root/etc/model-boot/sev-ioctl"
fi
if [ -n "${PSP_TEST:-}" ]; then
	ko=$OUT/qemu/guest/psp-test/psp_test.ko
	[ -f "$ko" ] || die "no $ko (scripts/model-check.sh builds it)"
	mkdir -p "$root/lib/psp-test"
	cp "$ko" "$root/lib/psp-test/psp_test.ko"
	echo "${PSP_TEST_ARGS:-}" >"$root/etc/model-boot/psp-test"
fi
if [ -n "${KEXEC:-}${KEXEC_REFUSED:-}" ]; then
	[ -x "$OUT/qemu/guest/kexec-reboot" ] || die "no $OUT/qemu/guest/kexec-reboot (scripts/model-check.sh builds it)"
	mkdir -p "$root/boot"
	cp "$kernel" "$root/boot/vmlinuz"
	cp "$OUT/qemu/guest/kexec-reboot" "$root/bin/kexec-reboot"
	echo "${KERNEL_ARGS:-}" >"$root/etc/model-boot/kexec"
fi
[ -z "${PANIC:-}" ] || : >"$root/etc/model-boot/panic"
if [ -n "${KVM_SELFTESTS:-}" ]; then
	st=${SELFTESTS_DIR:-$OUT/build/selftests}
	mkdir -p "$root/kvm"
	for t in $KVM_SELFTESTS; do
		[ -x "$st/$t" ] || die "no KVM selftest $st/$t (make selftests builds them)"
		mkdir -p "$root/kvm/$(dirname "$t")"
		cp "$st/$t" "$root/kvm/$t"
		echo "$t" >>"$root/etc/model-boot/selftests"
	done
	copy_libs "$root" "$root/kvm"
fi
if [ -n "${PAYLOAD:-}" ]; then
	[ -d "$PAYLOAD" ] || die "PAYLOAD=$PAYLOAD is not a directory"
	cp -a "$PAYLOAD/." "$root/"
fi
(cd "$root" && find . -print0 | sort -z | cpio --null -o -H newc --quiet) | gzip -1 >"$dir/initramfs.cpio.gz"
msg "$name: initramfs loads: ${load[*]:-nothing}${psp:+; PSP: -device $psp}"

# Family 19h, bare metal: what the SNP host code insists on.
cpu="max,family=25,model=1,stepping=1,-hypervisor,sev-snp-host=on${QEMU_CPU_EXTRA:+,$QEMU_CPU_EXTRA}"
dev=(-device "amd-iommu,snp=on")
[ -z "$psp" ] || dev+=(-device "$psp")
read -ra extra <<<"${QEMU_EXTRA_ARGS:-}"
# Once the console has been silent for MODEL_STALL_SECS: the model's
# threads, their state and wchan and, with gdb, their innermost frames,
# to model-stall.txt.  $1 is timeout's PID, the model its child.
stall_watch() {
	local tpid=$1 limit=${MODEL_STALL_SECS:-180} last=-1 size quiet=0 qpid t why
	while sleep 5 && kill -0 "$tpid" 2>/dev/null; do
		size=$(stat -c %s "$dir/console.log" 2>/dev/null || echo 0)
		if grep -q '^rcu: INFO: rcu_.* detected stalls' "$dir/console.log" 2>/dev/null; then
			why="the kernel reported an RCU stall"
		elif [ "$size" != "$last" ]; then
			last=$size
			quiet=0
			continue
		else
			quiet=$((quiet + 5))
			[ $quiet -ge "$limit" ] || continue
			why="console silent for ${quiet}s"
		fi
		qpid=$(pgrep -P "$tpid" | head -n 1) || return 0
		{
			echo "$why; model PID $qpid"
			for t in /proc/"$qpid"/task/*; do
				echo "thread ${t##*/} '$(cat "$t/comm")' state $(cut -d' ' -f3 "$t/stat") wchan $(cat "$t/wchan")"
			done
			if command -v gdb >/dev/null; then
				timeout 60 gdb -p "$qpid" -batch -x "$TOP/scripts/gdb-model-cpus.py" \
					-ex 'thread apply all bt 12' 2>&1 |
					grep -E '^(vCPU|Thread|#)' | cut -c1-200
			fi
		} >"$dir/model-stall.txt" 2>&1
		msg "$name: $why; the model's threads: $dir/model-stall.txt" >&2
		return 0
	done
}

rm -rf "$dir/console.log" "$dir/model.log" "$dir/model-stall.txt" "$dir/int3"
start=$SECONDS
set +e
timeout --kill-after=5 "$tmo" "$qemu" -L /usr/share/seabios -L /usr/share/qemu \
	-machine q35,sev-snp-rmp=on -accel "${MODEL_ACCEL:-tcg}" -cpu "$cpu" -nic none -vga none \
	"${dev[@]}" -smp 2 -m 2G -no-reboot -display none -monitor none \
	-serial "file:$dir/console.log" -kernel "$kernel" -initrd "$dir/initramfs.cpio.gz" \
	-d guest_errors -trace amd_psp_command -trace amd_psp_snp_launch_digest -trace amd_psp_snp_report -trace 'amdvi_*log_base' -D "$dir/model.log" \
	-append "console=ttyS0 panic=-1 loglevel=7${KERNEL_ARGS:+ $KERNEL_ARGS}" \
	"${extra[@]}" \
	</dev/null >"$dir/qemu.log" 2>&1 &
tpid=$!
stall_watch "$tpid" &
wpid=$!
rc=0
wait "$tpid" || rc=$?
kill "$wpid" 2>/dev/null || true
wait "$wpid" 2>/dev/null || true
set -e
tcg_int3_report "$name" "$dir/console.log"
secs=$((SECONDS - start))
echo "$secs" >"$dir/seconds"
touch "$dir/console.log"
if [ $rc -eq 124 ] || [ $rc -eq 137 ]; then
	msg "$name: killed after ${tmo}s; last console lines:" >&2
	tail -n 20 "$dir/console.log" | sed 's/^/    /' >&2
	if [ -s "$dir/model-stall.txt" ]; then
		msg "$name: the model's threads when the guest stalled:" >&2
		sed 's/^/    /' "$dir/model-stall.txt" >&2
	fi
elif [ $rc -ne 0 ]; then
	sed 's/^/    /' "$dir/qemu.log" >&2
	die "$name: QEMU exited with $rc (log: $dir/qemu.log)"
else
	msg "$name: guest ran for ${secs}s"
fi

failed=0
log=$dir/console.log
: >"$dir/known-warnings"
while IFS= read -r line; do
	case $line in
	'#'* | '') continue ;;
	'known-warning: '*)
		# A warning the kernel gives today, with the reason in a comment:
		# it must be there, and its block (or its line, if it has none)
		# does not count below.
		w=${line#known-warning: }
		echo "$w" >>"$dir/known-warnings"
		if grep -F 'WARNING:' "$log" | grep -qF -- "$w"; then
			result pass "$name: console has the known warning '$w'"
		else
			result fail "$name: console lacks the known warning '$w'" "gone? then take it out of $expected"
			failed=1
		fi
		continue ;;
	esac
	case $line in
	'both: '*)
		# Printed by each kernel: before the kexec, and after it.
		line=${line#both: }
		if [ -z "${KEXEC:-}" ]; then
			die "$expected: 'both:' lines need KEXEC=1"
		fi
		first=$(sed '/model-boot: kexec: into the same kernel/,$d' "$log" | grep -cF -- "$line" || true)
		second=$(sed -n '/model-boot: kexec: into the same kernel/,$p' "$log" | grep -cF -- "$line" || true)
		if [ "$first" -gt 0 ] && [ "$second" -gt 0 ]; then
			result pass "$name: both kernels print '$line'"
		else
			result fail "$name: both kernels print '$line'" "first: $first, second: $second times (console: $log)"
			failed=1
		fi
		continue ;;
	esac
	has_line "$name: console has '$line'" "$log" "$line" || failed=1
done <"$expected"
# The model's own log: what its devices saw the kernels do.
known_refusals=()
while IFS= read -r line; do
	case $line in
	'#'* | '') continue ;;
	'known-refusal: '*)
		# A refusal a kernel provokes on purpose (the reason is in a
		# comment): checked with the refusals below.
		known_refusals+=("${line#known-refusal: }")
		continue ;;
	'count '*': '*)
		n=${line#count } && n=${n%%:*} && want=${line#count "$n": }
		[[ $n =~ ^[0-9]+$ ]] || die "$MODEL_EXPECTED: bad count in '$line'"
		got=$(grep -cF -- "$want" "$dir/model.log" || true)
		if [ "$got" -eq "$n" ]; then
			result pass "$name: model log has '$want' $n time(s)"
		else
			result fail "$name: model log has '$want' $n time(s)" "$got time(s) (model log: $dir/model.log)"
			failed=1
		fi ;;
	*) has_line "$name: model log has '$line'" "$dir/model.log" "$line" || failed=1 ;;
	esac
done <"${MODEL_EXPECTED:-/dev/null}"
# With KEXEC, the first kernel's /init kexecs; the second one's ends the
# boot, and each check below holds for both kernels.
kernels=("model-boot:")
[ -z "${KEXEC:-}" ] || kernels+=("model-boot: [second kernel]")
has_line "$name: /init reached its end marker" "$log" \
	"${kernels[-1]} end of module boot" || failed=1
# With a PSP, the PSP driver binds to it and offers /dev/sev.
for k in "${kernels[@]}"; do
	w=${k#model-boot:}
	if [ -n "$psp" ]; then
		has_line "$name:$w /dev/sev exists with the PSP" "$log" \
			"$k /dev/sev: present" || failed=1
	fi
	for n in "${load[@]}"; do
		has_line "$name:$w $n loads" "$log" "$k insmod $n: ok" || failed=1
	done
done
# KUnit runs at boot (the series' kernel): no test case may fail.
notok=$(grep -E '^[[:space:]]*not ok [0-9]+ ' "$log" || true)
if [ -z "$notok" ]; then
	result pass "$name: no KUnit test failed"
else
	result fail "$name: no KUnit test failed" "$(printf '%s\n' "$notok" | head -n 3 | tr '\n' ' ')(console: $log)"
	failed=1
fi

# With a PSP: the firmware refused nothing (every rejection is logged
# with its reason and the ABI section; every command with its status).
# The PSP model's test module (PSP_TEST) provokes refusals on purpose: it
# runs between two marker commands the firmware does not know (IDs 0x7f0
# and 0x7f1, each refused) and prints how many of its own commands were
# refused ("psp-test: the firmware refused K of the test's commands").
# Between the markers the log must hold exactly that many refusals, so
# that one of a command the kernel issues meanwhile is still caught;
# outside them, none.  A window left open (no end marker) is a failure.
if [ -n "$psp" ]; then
	split=$dir/model-refusals
	awk -v out="$split.outside" -v win="$split.windows" '
		BEGIN { inw = 0; printf "" >out; printf "" >win }
		/amd_psp_command .*\(0x7f0\) / { if (inw) print "unterminated" >win; inw = 1; n = 0; next }
		/amd_psp_command .*\(0x7f1\) / { print (inw ? n : "unopened") >win; inw = 0; next }
		/^amd-psp: .*command 0x7f[01] is not modelled/ { next }
		inw { if ($0 ~ /amd_psp_command .*: status 0x[1-9a-f]/) n++; next }
		/^amd-psp: |amd_psp_command .*: status 0x[1-9a-f]/ { print >out }
		END { if (inw) print "unterminated" >win }
	' "$dir/model.log"
	for k in "${known_refusals[@]}"; do
		if grep -qF -- "$k" "$split.outside"; then
			result pass "$name: the PSP refused, as expected, '$k'"
			grep -vF -- "$k" "$split.outside" >"$split.rest" || true
			mv "$split.rest" "$split.outside"
		else
			result fail "$name: the PSP refused, as expected, '$k'" "no such refusal: gone? then take it out of $MODEL_EXPECTED"
			failed=1
		fi
	done
	refused=$(cat "$split.outside")
	if [ -z "$refused" ]; then
		result pass "$name: the PSP refused no command ($(grep -c amd_psp_command "$dir/model.log" || true) commands)"
	else
		result fail "$name: the PSP refused no command" "$(printf '%s\n' "$refused" | head -n 2 | tr '\n' ' ')(model log: $dir/model.log)"
		failed=1
	fi
	windows=$(tr '\n' ' ' <"$split.windows")
	said=$(sed -n "s/.*psp-test: the firmware refused \([0-9][0-9]*\) of the test's commands.*/\1/p" "$log" | tr '\n' ' ')
	if [ -n "${PSP_TEST:-}" ] || [ -n "$windows" ] || [ -n "$said" ]; then
		if [ -n "$windows" ] && [ "$windows" = "$said" ]; then
			result pass "$name: the PSP refused only the test module's commands while it ran (${windows% })"
		else
			result fail "$name: the PSP refused only the test module's commands while it ran" \
				"refusals between the markers: ${windows:-no window}; the module's own: ${said:-none} (model log: $dir/model.log)"
			failed=1
		fi
	fi
fi

# The panic test: the crash /init asked for, and then the PSP driver's
# panic notifier shutting SNP down: the model's last command.
checked=$log
if [ -n "${PANIC:-}" ]; then
	has_line "$name: the kernel panics (sysrq c)" "$log" \
		'Kernel panic - not syncing: sysrq triggered crash' || failed=1
	# One SNP_SHUTDOWN_EX for the kexec, if there was one, and one on panic.
	want=1
	[ -z "${KEXEC:-}" ] || want=2
	nshut=$(grep -c 'amd_psp_command SNP_SHUTDOWN_EX (0x86) .*: status 0x0$' "$dir/model.log" || true)
	if [ "$nshut" -eq "$want" ]; then
		result pass "$name: SNP shut down $want time(s) (kexec, panic)"
	else
		result fail "$name: SNP shut down $want time(s) (kexec, panic)" "$nshut successful SNP_SHUTDOWN_EX (model log: $dir/model.log)"
		failed=1
	fi
	last=$(grep 'amd_psp_command' "$dir/model.log" | tail -n 1)
	case $last in
	*'SNP_SHUTDOWN_EX (0x86) '*': status 0x0')
		result pass "$name: SNP shut down on panic (the PSP's last command: SNP_SHUTDOWN_EX, success)" ;;
	*)
		result fail "$name: SNP shut down on panic (the PSP's last command: SNP_SHUTDOWN_EX, success)" \
			"last command: ${last:-none} (model log: $dir/model.log)"
		failed=1 ;;
	esac
	# The crash's own report is not a warning.
	sed '/sysrq: Trigger a crash/,$d' "$log" >"$dir/console-before-panic.log"
	checked=$dir/console-before-panic.log
fi

# No WARNING, BUG, oops or panic, but for the blocks ("[ cut here ]" to
# "---[ end trace") of the known warnings.
awk -v known="$dir/known-warnings" '
	function bad(s) { return s ~ /WARNING:|BUG:|Oops|Call Trace:|Kernel panic/ }
	function flush(i) {
		if (!ok)
			for (i = 1; i <= nb; i++)
				if (bad(b[i])) print b[i]
		inblk = 0; nb = 0; ok = 0
	}
	BEGIN { while ((getline k <known) > 0) if (k != "") ks[++nk] = k }
	index($0, "[ cut here ]") { flush(); inblk = 1 }
	inblk {
		b[++nb] = FNR ":" $0
		if ($0 ~ /WARNING:/)
			for (i = 1; i <= nk; i++)
				if (index($0, ks[i])) ok = 1
		if (index($0, "---[ end trace")) flush()
		next
	}
	bad($0) {
		# A known warning of one line, outside any block.
		for (i = 1; i <= nk; i++)
			if (index($0, ks[i])) next
		print FNR ":" $0
	}
	END { flush() }
' "$checked" >"$dir/warnings.txt"
nknown=$(grep -c . "$dir/known-warnings" || true)
but=
[ "$nknown" -eq 0 ] || but=" but the $nknown known"
if [ -s "$dir/warnings.txt" ]; then
	result fail "$name: no kernel warnings" "$(head -n 3 "$dir/warnings.txt" | tr '\n' ' ')(all: $dir/warnings.txt)"
	failed=1
else
	result pass "$name: no kernel warnings$but"
fi
exit $failed
