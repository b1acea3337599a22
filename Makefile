# SPDX-License-Identifier: GPL-2.0
#
# SEV-SNP host series for Linux 6.1: build, check and test the series.
# 'make help' lists the targets.

SHELL := /bin/bash
TOP := $(CURDIR)
OUT := $(TOP)/out
LINUX := $(TOP)/linux
KBUILD := $(OUT)/build/kernel
SELFTESTS := $(OUT)/build/selftests

# ccache: share hits between clones of this tree in other directories.
export CCACHE_BASEDIR := $(TOP)
export CCACHE_NOHASHDIR := 1
# A fresh clone's sources and generated headers are all new: without this,
# ccache's direct mode rejects many of them as "too new" and falls back to
# running the preprocessor for every object.
export CCACHE_SLOPPINESS := include_file_mtime,include_file_ctime,time_macros
export TOP OUT LINUX

.DEFAULT_GOAL := all
.PHONY: all deps base apply kernel selftests check check-base lint check-apply matrix qemu qemu-export qemu-check oracle-l2 \
	boot export mbox bisect run clean distclean help

all: kernel

help:
	@echo 'Targets:'
	@echo '  make             install missing packages, unpack the base into linux/,'
	@echo '                   apply the series, build bzImage and modules'
	@echo '  make check       lint, apply (git am, quilt, b4), build, boot test;'
	@echo '                   ends with "N passed, N failed, N skipped"'
	@echo '  make check-base  the boot test on the unpatched base, beside the patched results'
	@echo '  make export      write the commits of linux/ (base..HEAD) to patches/ and series'
	@echo '  make mbox        write out/series.mbx (cover letter, base-commit, change-id)'
	@echo '  make bisect      build every prefix of the series (W=1 on the touched directories;'
	@echo '                   BISECT_FROM=N starts at patch N, applying the earlier ones)'
	@echo '  make matrix      build the kernel with SEV in KVM off, memory encryption off, KVM built in,'
	@echo '                   the PSP driver as a module'
	@echo '                   (VARIANTS="no-kvm-amd-sev ..." picks some)'
	@echo '  make qemu        unpack Debian qemu into qemu/src, apply qemu/series, build'
	@echo '                   out/qemu/build/qemu-system-x86_64 (the SNP model; TCG only)'
	@echo '  make qemu-export commits of qemu/src (base..HEAD) -> qemu/patches/ and qemu/series'
	@echo '  make qemu-check  boot the oracle (Debian 6.12) and the series kernel on the model'
	@echo '  make oracle-l2   the L2 oracle on the model: Debian 6.12 runs QEMU 10.0 with KVM and'
	@echo '                   OVMF, which boots the series kernel as a guest (ORACLE_MODES="plain"'
	@echo '                   by default; sev-es and snp do not boot yet; snp-launch: the SNP'
	@echo '                   launch alone, for its digest; L1=series: the series kernel as L1)'
	@echo '  make run         boot the kernel in QEMU with a shell on the terminal'
	@echo '  make lint | check-apply | selftests | boot   single stages of make check'
	@echo '  make clean       remove build outputs (out/build); linux/ is kept'
	@echo '  make distclean   remove out/ and linux/, if linux/ holds nothing unexported'
	@echo 'Variables: BOOT_TIMEOUT (s, default 1800), QEMU_MEM, QEMU_SMP, BOOT_APPEND'

deps:
	@mkdir -p $(OUT)
	@scripts/deps.sh

base: deps
	@scripts/import-base.sh

apply: base
	@scripts/apply-series.sh

kernel: apply
	@STAGE=build scripts/build-kernel.sh $(LINUX) $(KBUILD)

selftests: kernel
	@scripts/build-selftests.sh $(LINUX) $(KBUILD) $(SELFTESTS)

check: deps
	@scripts/check.sh

check-base: kernel
	@scripts/check-base.sh

lint: deps
	@mkdir -p $(OUT)/results
	@RESULTS=$(OUT)/results/lint.txt scripts/lint.sh

check-apply: base
	@mkdir -p $(OUT)/results
	@RESULTS=$(OUT)/results/apply.txt scripts/check-apply.sh

boot: selftests
	@scripts/boot-test.sh $(KBUILD) $(SELFTESTS) $(OUT)/boot

export: base
	@scripts/export.sh

mbox:
	@scripts/mbox.sh

bisect: base
	@scripts/bisect.sh

matrix: apply
	@scripts/build-matrix.sh $(LINUX) $(OUT)/matrix $(VARIANTS)

# The SNP platform model: Debian's qemu with qemu/series, TCG only.
qemu:
	@scripts/deps.sh qemu
	@scripts/qemu-import.sh
	@STAGE=qemu-build scripts/qemu-build.sh

qemu-export:
	@scripts/qemu-export.sh

# The model against the oracle (Debian's 6.12) and against our kernel: each
# boots to the point of mounting root (with and without the RMP table and the
# IOMMU's SNP), then again with an initramfs that loads its modules.
qemu-check: qemu kernel
	@QEMU_MODEL=$(OUT)/qemu/build/qemu-system-x86_64 scripts/model-check.sh $(KBUILD)

# The L2 oracle (issue 15): Debian's 6.12 on the model (as make qemu-check
# builds it) hosts the series' 6.1 tree as a guest of QEMU 10.0.
ORACLE_MODES ?= plain
oracle-l2: qemu
	@scripts/deps.sh oracle
	@rc=0; for m in $(ORACLE_MODES); do \
		QEMU_MODEL=$(OUT)/qemu/build/qemu-system-x86_64 scripts/oracle-l2.sh $$m || rc=1; \
	done; exit $$rc

run: kernel
	@scripts/run.sh $(KBUILD)

clean:
	rm -rf $(OUT)/build $(OUT)/boot $(OUT)/boot-base $(OUT)/apply $(OUT)/bisect $(OUT)/results

distclean:
	@scripts/distclean.sh
