#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Build the boot-test initramfs: busybox-static, tests/guest/init, the KVM
# selftests with the shared libraries they load, the test plan, and the
# kernel's modules, if any.
#   mkinitramfs.sh KBUILD SELFTESTS PLAN OUT.cpio.gz
set -euo pipefail
STAGE=${STAGE:-initramfs}
. "$(dirname "$0")/lib.sh"

kbuild=$1 st=$2 plan=$3 out=$4
[ -x /bin/busybox ] || die "/bin/busybox missing; apt-get install busybox-static"
case "$(ldd /bin/busybox 2>&1 || true)" in *'not a dynamic'*) ;; *)
	die "/bin/busybox is not static; apt-get install busybox-static" ;;
esac

root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,proc,sys,dev,tmp,run,kvm,tests,lib64}
cp /bin/busybox "$root/bin/busybox"
install -m 0755 "$TOP/tests/guest/init" "$root/init"
cp "$plan" "$root/tests/plan"

# The selftests, as built (x86_64/ keeps its subdirectory).
(cd "$st" && find . -type f -perm -u+x ! -name '*.o' ! -name '*.d' ! -path './lib/*') |
	while read -r f; do
		mkdir -p "$root/kvm/$(dirname "$f")"
		cp "$st/$f" "$root/kvm/$f"
	done

# Their libraries, at the paths the dynamic loader looks for them.
copy_libs "$root" "$root/kvm"

if grep -q '^CONFIG_MODULES=y' "$kbuild/.config" && [ -f "$kbuild/modules.order" ] &&
   [ -s "$kbuild/modules.order" ]; then
	make -s -C "$kbuild" INSTALL_MOD_PATH="$root" modules_install >/dev/null
fi

(cd "$root" && find . -print0 | sort -z | cpio --null -o -H newc --quiet) | gzip -1 >"$out.tmp"
mv "$out.tmp" "$out"
msg "$(basename "$out"): $(du -h "$out" | cut -f1), $(find "$root/kvm" -type f | wc -l) selftests"
