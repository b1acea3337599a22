#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Tests of the SNP platform model's CPU side, as a bare program booted on
# it (qemu/tests/bare/): RMPUPDATE, PSMASH, the RMP checks on host writes
# and the MSR rules that come with SNPEn. Build the program into
# out/qemu/bare/, boot it on out/qemu/build with sev-snp-host=on and
# again with sev-snp-host=off (where the instructions must #UD), and check
# its TAP: every case ok, the number of cases, the exit code. With
# sev-snp-host=on the machine has two CPUs; the second waits for a test
# to start it (tcg.c).
#   qemu-bare-test.sh [on|off]...        (default: on off)
# Environment: BARE_TIMEOUT (s, default 60) for each boot.
set -euo pipefail
STAGE=${STAGE:-qemu-bare}
. "$(dirname "$0")/lib.sh"

src=$TOP/qemu/tests/bare
dir=$OUT/qemu/bare
qemu=${QEMU_MODEL:-$OUT/qemu/build/qemu-system-x86_64}
tmo=${BARE_TIMEOUT:-60}
# The number of cases each mode runs (snp-test.c): a case that goes
# missing fails the run.
declare -A cases=([on]=163 [off]=9 [psp]=20)
modes=("$@")
[ ${#modes[@]} -gt 0 ] || modes=(on off psp)
for m in "${modes[@]}"; do
	[ -n "${cases[$m]:-}" ] || die "unknown mode '$m' (on, off or psp)"
done
[ -x "$qemu" ] || die "no model at $qemu; run make qemu"
for t in gcc ld objcopy timeout; do
	command -v "$t" >/dev/null || die "$t is missing"
done

# Build: a freestanding 64-bit program, linked at 1M and loaded as a flat
# Multiboot image (QEMU refuses ELF64 Multiboot kernels).
mkdir -p "$dir"
cflags=(-m64 -O2 -g -std=gnu11 -Wall -Wextra -Werror -ffreestanding -nostdlib
	-fno-pic -fno-pie -fno-stack-protector -fno-asynchronous-unwind-tables
	-fcf-protection=none -mno-red-zone -mgeneral-regs-only -mcmodel=small)
objs=()
for f in entry.S rt.c snp-test.c sev-es.c xsave.c snp-guest.c tcg.c; do
	o=$dir/${f%.*}.o
	gcc "${cflags[@]}" -c "$src/$f" -o "$o" 2>"$dir/build.log" ||
		{ cat "$dir/build.log" >&2; die "build: $f does not compile"; }
	objs+=("$o")
done
ld -nostdlib -static -no-pie -z max-page-size=0x1000 -z noexecstack \
	--no-warn-rwx-segments --build-id=none -T "$src/bare.ld" \
	-o "$dir/snp-test.elf" "${objs[@]}" 2>"$dir/build.log" ||
	{ cat "$dir/build.log" >&2; die "build: the link failed"; }
objcopy -O binary "$dir/snp-test.elf" "$dir/snp-test.bin"
msg "built $dir/snp-test.bin ($(stat -c %s "$dir/snp-test.bin") bytes)"

# Boot in one mode and check its TAP; 1 if anything failed.
run() {
	local mode=$1 tap=$dir/snp-$1.tap log=$dir/snp-$1.qemu.log
	local rc n=0 plan='' bad=0 line num rest name why
	# psp: SNP guests, launched through the PSP model.
	# on: two CPUs, for tcg.c's cross-modifying code; psp: one, as
	# the firmware's SNP_INIT wants SNP enabled on every CPU.
	local host=$mode extra=() smp=1
	[ "$mode" != on ] || smp=2
	if [ "$mode" = psp ]; then
		host=on,sev-snp-guests=on
		extra=(-device amd-psp)
	fi
	rm -f "$tap"
	set +e
	timeout --kill-after=5 "$tmo" "$qemu" -L /usr/share/seabios -L /usr/share/qemu \
		-machine q35,sev-snp-rmp=on -accel tcg "${extra[@]}" \
		-cpu "max,family=25,model=1,stepping=1,-hypervisor,sev-snp-host=$host" \
		-m 256M -smp "$smp" -nic none -vga none -display none -monitor none \
		-serial none -no-reboot -debugcon "file:$tap" \
		-device isa-debug-exit,iobase=0xf4,iosize=0x04 \
		-kernel "$dir/snp-test.bin" -append "snp=$mode" \
		</dev/null >"$log" 2>&1
	rc=$?
	set -e
	[ -f "$tap" ] || touch "$tap"
	while IFS= read -r line; do
		case $line in
		'ok '* | 'not ok '*)
			rest=${line#ok }
			rest=${rest#not ok }
			num=${rest%% *}
			rest=${rest#* - }
			n=$((n + 1))
			if [ "$num" != "$n" ]; then
				result fail "snp=$mode: TAP numbering" "case $num where $n was due"
				bad=1
			fi
			if [ "${line#ok }" != "$line" ]; then
				result pass "snp=$mode: $rest"
			else
				# The reason is the last parenthesised group.
				name=${rest% (*}
				why=${rest##* (}
				[ "$name" != "$rest" ] || why=
				result fail "snp=$mode: $name" "${why%)}"
				bad=1
			fi
			;;
		[0-9]*..[0-9]*) plan=${line#1..} ;;
		'#'*) ;;
		'Bail out!'*)
			result fail "snp=$mode: the program bailed out" "${line#Bail out! }"
			bad=1
			;;
		*)
			result fail "snp=$mode: unexpected console line" "$line"
			bad=1
			;;
		esac
	done <"$tap"
	if [ "$n" -eq "${cases[$mode]}" ] && [ "$plan" = "$n" ]; then
		result pass "snp=$mode: all ${cases[$mode]} cases ran"
	else
		result fail "snp=$mode: all ${cases[$mode]} cases ran" \
			"$n ran, plan '${plan:-none}' (TAP: $tap)"
		bad=1
	fi
	# isa-debug-exit: 1 (code 0) when every case passed, 3 when one failed.
	case $rc in
	1) result pass "snp=$mode: exit code says all passed" ;;
	3) result fail "snp=$mode: exit code says all passed" "the program reports failures"
	   bad=1 ;;
	124 | 137) result fail "snp=$mode: exit code says all passed" "timed out after ${tmo}s"
	   bad=1 ;;
	0) result fail "snp=$mode: exit code says all passed" "QEMU exited without isa-debug-exit (triple fault?)"
	   bad=1 ;;
	*) result fail "snp=$mode: exit code says all passed" "QEMU exited with $rc: $(tail -n 2 "$log" | tr '\n' ' ')"
	   bad=1 ;;
	esac
	return $bad
}

failed=0
for m in "${modes[@]}"; do
	start=$SECONDS
	run "$m" || failed=1
	msg "snp=$m: $((SECONDS - start))s (TAP: $dir/snp-$m.tap)"
done
exit $failed
