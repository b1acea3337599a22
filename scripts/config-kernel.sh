#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Configure a kernel build directory from allnoconfig plus fragments, and
# check that every symbol a fragment asks for ended up as asked.
#   config-kernel.sh SRC BUILD FRAGMENT...
set -euo pipefail
STAGE=${STAGE:-config}
. "$(dirname "$0")/lib.sh"

src=$(realpath "$1") build=$(realpath -m "$2")
shift 2
mkdir -p "$build"
all=$build/fragments.config
cat "$@" >"$all.new"
if [ -f "$build/.config" ] && cmp -s "$all" "$all.new"; then
	rm -f "$all.new"
	exit 0
fi
mv "$all.new" "$all"

make -s -C "$src" O="$build" KCONFIG_ALLCONFIG="$all" allnoconfig >"$build/config.log" 2>&1 ||
	{ cat "$build/config.log" >&2; die "allnoconfig with $* failed"; }

bad=0
while IFS= read -r line; do
	case "$line" in
	CONFIG_*=n)
		sym=${line%%=*}
		if grep -q "^$sym=" "$build/.config"; then
			warn "$sym: fragment says n, .config has $(grep "^$sym=" "$build/.config")"
			bad=1
		fi ;;
	CONFIG_*=*)
		sym=${line%%=*}
		# A symbol the series adds does not exist in an earlier tree
		# (make bisect configures the base): nothing to grant there.
		if ! grep -rqsE "^[[:space:]]*(menu)?config ${sym#CONFIG_}\$" --include='Kconfig*' "$src"; then
			msg "$sym: no Kconfig of this tree defines it; left out"
			continue
		fi
		if ! grep -qxF "$line" "$build/.config"; then
			got=$(grep "^$sym=" "$build/.config" || echo "unset (a dependency is missing)")
			warn "$sym: fragment says ${line#*=}, .config has $got"
			bad=1
		fi ;;
	esac
done < <(grep -h '^CONFIG_' "$@")
if [ $bad -ne 0 ]; then
	rm -f "$build/.config"
	die "the fragments ($*) ask for symbols that Kconfig did not grant; fix the fragments"
fi
