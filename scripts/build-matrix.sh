#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Build the series' kernel in the configurations that turn its code off
# or build it differently: each is the test configuration with a few
# symbols overridden. Every variant must build, with no new warnings in
# the directories the series touches.
#   build-matrix.sh SRC OUTDIR [VARIANT...]
set -euo pipefail
STAGE=${STAGE:-matrix}
. "$(dirname "$0")/lib.sh"

# name:SYMBOL=VALUE[,SYMBOL=VALUE...]
VARIANTS=(
	"no-kvm-amd-sev:CONFIG_KVM_AMD_SEV=n"
	"no-mem-encrypt:CONFIG_AMD_MEM_ENCRYPT=n"
	"kvm-builtin:CONFIG_KVM=y,CONFIG_KVM_AMD=y"
	"ccp-module:CONFIG_CRYPTO_DEV_CCP_DD=m"
)

src=$(realpath "$1") outdir=$(realpath -m "$2")
shift 2
want=("$@")
cc="gcc"
command -v ccache >/dev/null && cc="ccache gcc"
failed=0

for v in "${VARIANTS[@]}"; do
	name=${v%%:*} sets=${v#*:}
	if [ ${#want[@]} -gt 0 ] && ! printf '%s\n' "${want[@]}" | grep -qxF "$name"; then
		continue
	fi
	build=$outdir/$name
	mkdir -p "$build"
	start=$SECONDS
	# The test fragments without the overridden symbols, then the overrides.
	syms=$(printf '%s\n' "${sets//,/$'\n'}" | sed 's/=.*//')
	frag=$build/variant.config
	{
		cat "${TEST_CONFIGS[@]}" | grep -vE "^($(echo "$syms" | paste -sd'|'))="
		printf '%s\n' "${sets//,/$'\n'}"
	} >"$frag"
	if ! STAGE=matrix "$TOP/scripts/config-kernel.sh" "$src" "$build" "$frag"; then
		result fail "$name: configure" "see above"
		failed=1
		continue
	fi
	if make -C "$src" O="$build" -j"$(jobs_n)" CC="$cc" HOSTCC="$cc" LOCALVERSION= \
		vmlinux modules >"$build/build.log" 2>&1; then
		result pass "$name: builds ($sets, $((SECONDS - start))s)"
	else
		grep -E 'error|Error' "$build/build.log" | head -n 20 | sed 's/^/    /'
		result fail "$name: build ($sets)" "log: $build/build.log"
		failed=1
	fi
done
exit $failed
