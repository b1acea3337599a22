# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# Common helpers for the series tooling. Source it; do not run it.

TOP=${TOP:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
# shellcheck source=../base.conf
. "$TOP/base.conf"
LINUX=${LINUX:-$TOP/linux}
OUT=${OUT:-$TOP/out}
STAGE=${STAGE:-$(basename "$0" .sh)}
# The config fragments of the test kernel, applied on allnoconfig in order.
TEST_CONFIGS=("$TOP"/configs/base.config "$TOP"/configs/kvm.config
	"$TOP"/configs/sev.config "$TOP"/configs/kunit.config)

# Under set -e, a command that fails unexpectedly ends the script: say
# where, rather than stopping without a word.
case $- in *e*)
	set -E
	trap 'printf "%s: error: %s:%s: command failed (exit %s): %s\n" "$STAGE" \
		"${BASH_SOURCE[0]##*/}" "$LINENO" "$?" "$BASH_COMMAND" >&2' ERR ;;
esac

msg()  { printf '%s: %s\n' "$STAGE" "$*"; }
warn() { printf '%s: warning: %s\n' "$STAGE" "$*" >&2; }
die()  { printf '%s: error: %s\n' "$STAGE" "$*" >&2; exit 1; }

# Patches named by the series file, in order, without comments.
series_patches() {
	grep -v '^[[:space:]]*#' "$TOP/series" | awk 'NF { print $1 }'
}

# A digest of everything that defines the applied series.
series_digest() {
	{
		cat "$TOP/series"
		series_patches | while read -r p; do cat "$TOP/patches/$p"; done
	} | sha256sum | cut -d' ' -f1
}

# Work in linux/ that is not in patches/: uncommitted changes.
linux_dirty() {
	git -C "$LINUX" status --porcelain --untracked-files=no
}

# Export the fixed identities used for commits made by the tooling.
series_ident() {
	export GIT_COMMITTER_NAME="$SERIES_NAME" GIT_COMMITTER_EMAIL="$SERIES_EMAIL"
}

# One job more than CPUs: with ccache hits much of a kernel build waits on I/O.
# Copy into the root directory ROOT the shared libraries that the programs
# under DIR (inside ROOT) need, at the paths the dynamic loader looks for
# them; libgcc_s too, which glibc dlopen()s for pthread_cancel() and ldd
# does not list.
copy_libs() {
	local root=$1 dir=$2 lib
	find "$dir" -type f -exec ldd {} + 2>/dev/null |
		grep -oE '(/[^ ]+\.so[^ ]*)' | sort -u | while read -r lib; do
			mkdir -p "$root$(dirname "$lib")"
			cp -L "$lib" "$root$lib"
		done
	for lib in $(ldconfig -p | awk '/libgcc_s\.so\.1 .*x86-64/ { print $NF }'); do
		mkdir -p "$root$(dirname "$lib")"
		cp -L "$lib" "$root$lib"
	done
}

jobs_n() { echo $(( $(nproc 2>/dev/null || echo 2) + 1 )); }

# Record one check result for 'make check': result pass|fail|skip NAME [WHY].
# Results go to $RESULTS (one file a stage) and to stdout.
result() {
	local r=$1 name=$2
	shift 2
	local why=${*:-}
	printf '%s %s%s\n' "$r" "$name" "${why:+ -- $why}" >>"${RESULTS:-/dev/null}"
	case $r in
	pass) printf '%s: ok   %s\n' "$STAGE" "$name" ;;
	fail) printf '%s: FAIL %s%s\n' "$STAGE" "$name" "${why:+: $why}" ;;
	skip) printf '%s: skip %s%s\n' "$STAGE" "$name" "${why:+: $why}" ;;
	esac
}

# Record whether FILE has the fixed string STRING: has_line NAME FILE STRING.
# Returns 1 (after recording the failure) if it does not.
has_line() {
	if grep -qF -- "$3" "$2"; then
		result pass "$1"
	else
		result fail "$1" "console: $2"
		return 1
	fi
}

# QEMU 7.2's TCG lets a vCPU keep a block it translated while another
# vCPU's store landed in it, with the bytes of before: the int3 that
# text_poke_bp() planted outlives the patching, and the guest dies of an
# int3 trap in code just patched (a static key, an alternative), with no
# fault of its own ("Oops: int3: 0000 [#1]"), once in tens of boots.  The
# model's patch 34 fixes that (qemu/tests/bare/tcg.c tests it), so its
# boots fail on it (tcg_int3_report); Debian's QEMU, which the boot stage
# runs, still has it, and boot-test.sh boots once more (tcg_int3_retry).
# tcg_int3_trap CONSOLE: whether this boot died so.
tcg_int3_trap() {
	grep -qE '(Oops: )?int3: 0000 \[#1\]' "$1"
}

# A boot on the model that died of tcg_int3_trap: say so; it fails.
#   tcg_int3_report NAME CONSOLE
tcg_int3_report() {
	if tcg_int3_trap "$2"; then
		msg "$1: the guest died of an int3 trap in code it had just patched: a stale TCG block, which the model's patch 34 should have prevented" >&2
	fi
}

# After a boot that died of tcg_int3_trap: keep its logs in DIR/int3 and
# say so; the caller boots once more.  tcg_int3_retry NAME DIR
tcg_int3_retry() {
	rm -rf "$2/int3"
	mkdir -p "$2/int3"
	cp "$2"/*.log "$2/int3/" 2>/dev/null || true
	msg "$1: the guest died of an int3 trap in code it had just patched (QEMU 7.2's TCG; logs kept in $2/int3): booting once more" >&2
}
