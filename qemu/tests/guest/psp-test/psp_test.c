// SPDX-License-Identifier: GPL-2.0
/*
 * Tests of the SEV-SNP firmware model (-device amd-psp, qemu/) itself:
 * page-state transitions and hostile command buffers, each command's
 * status checked against the SEV-SNP firmware ABI (AMD publication
 * 56860).  Loaded by the series' kernel in the model boot
 * (scripts/qemu-model-boot.sh, PSP_TEST=1); prints one line a case,
 * "psp-test: PASS <what>" or "psp-test: FAIL <what>: got ..., want ...",
 * and a summary.  Its init always returns 0: the summary is the result.
 *
 * The refusals it provokes are deliberate, and the boot's check "the PSP
 * refused no command" must tell them from the kernel's own.  So the test
 * runs between two marker commands, IDs the firmware does not know
 * (PSP_TEST_MARK_START and PSP_TEST_MARK_END, each refused with
 * INVALID_COMMAND), and counts the commands of its own that the firmware
 * refused ("psp-test: the firmware refused K of the test's commands").
 * The harness requires exactly K refusals in the model's log between the
 * markers, and none outside them: a refusal of a command the kernel
 * issues meanwhile (the reclaims behind snp_reclaim_firmware_pages(), for
 * one) is one too many, and is caught as any other.
 *
 * Every page given to the firmware or to a guest is the hypervisor's
 * again before the module returns (checked in the RMP); one that cannot
 * be taken back is leaked, never freed, and is a failure.
 */
#define pr_fmt(fmt) "psp-test: " fmt

#include <linux/bitfield.h>
#include <linux/err.h>
#include <linux/fs.h>
#include <linux/gfp.h>
#include <linux/io.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/pci.h>
#include <linux/slab.h>
#include <linux/psp-sev.h>
#include <linux/smp.h>
#include <asm/msr.h>
#include <asm/unaligned.h>
#include <asm/sev-host.h>

/* Command IDs the firmware does not have: the test's window in its log. */
#define PSP_TEST_MARK_START	0x7f0
#define PSP_TEST_MARK_END	0x7f1

#define PSP_TEST_ASID		1	/* an SEV-ES/SNP ASID (CPUID 0x8000001F) */
#define PSP_TEST_OTHER_ASID	2
#define PSP_TEST_POLICY		BIT_ULL(17)	/* ABI 0.0, bit 17 set */
#define PSP_TEST_RMP_BOOKKEEPING	0x4000
#define PSP_TEST_RMP_ENTRY_SIZE		16
#define PCI_DEVICE_ID_AMD_PSP_MODEL	0x14ca
#define PSP_TEST_PSP_BAR		2
#define PSP_TEST_PSP_REGS		0x10000	/* the page of CMDRESP */

static struct file *sev_filp;
static unsigned int passed, failed, refused;

static bool unbind;
module_param(unbind, bool, 0444);
MODULE_PARM_DESC(unbind,
		 "unbind the PSP driver with firmware pages out, and check that they are leaked");

static void check(bool ok, const char *what, const char *fmt, long long got,
		  long long want)
{
	if (ok) {
		passed++;
		pr_info("PASS %s\n", what);
	} else {
		failed++;
		pr_info("FAIL %s: got %s %#llx, want %#llx\n", what, fmt, got,
			want);
	}
}

/* Issue @cmd; return the firmware's status, or -errno if none. */
static int fw_cmd(unsigned int cmd, void *data)
{
	int error = SEV_RET_NO_FW_CALL;
	int ret;

	ret = sev_issue_cmd_external_user(sev_filp, cmd, data, &error);
	if (error > 0)
		refused++;
	if (ret && error <= 0)
		return ret < 0 ? ret : -EIO;
	return error;
}

/* Issue @cmd and check that its status is @want. */
static void expect(const char *what, unsigned int cmd, void *data, int want)
{
	int got = fw_cmd(cmd, data);

	check(got == want, what, "status", got, want);
}

static void expect_addr(const char *what, unsigned int cmd, u64 addr, int want)
{
	struct sev_data_snp_addr a = { .address = addr };

	expect(what, cmd, &a, want);
}

/* Whether @pfn's RMP entry is as described (asid < 0: unassigned). */
static void expect_rmp(const char *what, u64 pfn, int asid, bool immutable,
		       bool validated, bool vmsa)
{
	struct snp_rmpentry e;
	int ret = snp_lookup_rmpentry(pfn, &e);
	u64 got, want;

	if (ret) {
		check(false, what, "snp_lookup_rmpentry", ret, 0);
		return;
	}
	got = (u64)e.assigned << 32 | (u64)e.asid << 3 | e.immutable << 2 |
	      e.validated << 1 | e.vmsa;
	if (asid < 0)
		want = 0;
	else
		want = 1ULL << 32 | (u64)asid << 3 | immutable << 2 |
		       validated << 1 | vmsa;
	check(got == want && e.level == PG_LEVEL_4K, what,
	      "RMP (assigned<<32|asid<<3|immutable<<2|validated<<1|vmsa)",
	      got, want);
}

static bool rmp_is_hypervisor(u64 pfn)
{
	struct snp_rmpentry e;

	return !snp_lookup_rmpentry(pfn, &e) && !e.assigned;
}

/*
 * Give @page back to the hypervisor if it is not its already
 * (SNP_PAGE_RECLAIM and RMPUPDATE, through the PSP driver), and free
 * it; leak it if that fails.
 */
static void put_test_page(struct page *page, const char *what)
{
	u64 pfn = page_to_pfn(page);
	struct snp_rmpentry e;
	int ret;

	if (!snp_lookup_rmpentry(pfn, &e) && e.assigned && e.asid) {
		/* A guest's page: make it mutable, then shared. */
		if (e.immutable) {
			struct sev_data_snp_page_reclaim r = {
				.paddr = PFN_PHYS(pfn),
			};

			fw_cmd(SEV_CMD_SNP_PAGE_RECLAIM, &r);
		}
		rmp_make_shared(pfn, PG_LEVEL_4K);
	}
	if (!rmp_is_hypervisor(pfn)) {
		ret = snp_reclaim_firmware_pages(pfn, 1);
		if (ret) {
			/* Leaked by the driver already. */
			check(false, what, "snp_reclaim_firmware_pages", ret, 0);
			return;
		}
	}
	if (!rmp_is_hypervisor(pfn)) {
		snp_leak_pages(pfn, 1);
		check(false, what, "page not the hypervisor's, leaked: pfn", pfn,
		      0);
		return;
	}
	passed++;
	pr_info("PASS %s\n", what);
	__free_page(page);
}

static void launch_start_policy(const char *what, u64 gctx, u64 policy,
				int want)
{
	struct sev_data_snp_launch_start l = {
		.gctx_paddr = gctx,
		.policy = policy,
	};

	expect(what, SEV_CMD_SNP_LAUNCH_START, &l, want);
}

/*
 * SNP_LAUNCH_START with a policy the firmware does not support: the
 * Guest Policy table of 56860 has bits 63:25 reserved, must be zero.
 * The model once accepted them; should it ever again, its success is
 * printed as "psp-test: KNOWN ..." (and the summary's count changes, so
 * the boot's expected line fails).
 */
static void known_divergence(const char *what, u64 gctx, u64 policy,
			     int want)
{
	struct sev_data_snp_launch_start l = {
		.gctx_paddr = gctx,
		.policy = policy,
	};
	int got = fw_cmd(SEV_CMD_SNP_LAUNCH_START, &l);

	if (got == SEV_RET_SUCCESS)
		pr_info("KNOWN %s: got status %#x, want %#x (a model divergence)\n",
			what, got, want);
	else
		check(got == want, what, "status", got, want);
}

static void activate(const char *what, u64 gctx, u32 asid, int want)
{
	struct sev_data_snp_activate a = { .gctx_paddr = gctx, .asid = asid };

	expect(what, SEV_CMD_SNP_ACTIVATE, &a, want);
}

static void launch_update(const char *what, u64 gctx, u64 addr, u32 flags,
			  int want)
{
	struct sev_data_snp_launch_update u = {
		.gctx_paddr = gctx,
		.flags = flags,
		.address = addr,
	};

	expect(what, SEV_CMD_SNP_LAUNCH_UPDATE, &u, want);
}

/*
 * A guest message (56860, "Guest Messages") asking for a report: the
 * header fields the firmware checks, and an authentication tag nobody
 * computed.
 */
static void guest_msg(void *page, u64 seqno, u8 algo, u8 vmpck, u16 size)
{
	u8 *m = page;

	memset(m, 0, PAGE_SIZE);
	memset(m, 0xa5, 32);			/* AUTHTAG */
	put_unaligned_le64(seqno, m + 0x20);	/* MSG_SEQNO */
	m[0x30] = algo;				/* ALGO: 1 is AES-256-GCM */
	m[0x31] = 1;				/* HDR_VERSION */
	put_unaligned_le16(0x60, m + 0x32);	/* HDR_SIZE */
	m[0x34] = 5;				/* MSG_TYPE: MSG_REPORT_REQ */
	m[0x35] = 1;				/* MSG_VERSION */
	put_unaligned_le16(size, m + 0x36);	/* MSG_SIZE */
	m[0x3c] = vmpck;			/* MSG_VMPCK */
}

static void guest_request(const char *what, u64 gctx, u64 req, u64 res,
			  int want)
{
	struct sev_data_snp_guest_request g = {
		.gctx_paddr = gctx, .req_paddr = req, .res_paddr = res,
	};

	expect(what, SEV_CMD_SNP_GUEST_REQUEST, &g, want);
}

/*
 * A CPUID page (56860, "CPUID Reporting"): @count, then leaf 1 as this
 * CPU reports it with @ecx_extra set in ECX, and leaf 0xD sub-leaf 1 for
 * XCR0_IN 1 with @xsave_size in EBX.
 */
#define CPUID_FN(n)	(16 + (n) * 48)
#define CPUID_REG(n, r)	(CPUID_FN(n) + 24 + 4 * (r))

static void cpuid_page(void *page, u32 count, u32 ecx_extra, u32 xsave_size)
{
	u32 eax, ebx, ecx, edx;
	u8 *p = page;

	memset(p, 0, PAGE_SIZE);
	put_unaligned_le32(count, p);
	cpuid(1, &eax, &ebx, &ecx, &edx);
	put_unaligned_le32(1, p + CPUID_FN(0));
	put_unaligned_le32(eax, p + CPUID_REG(0, 0));
	put_unaligned_le32(ebx, p + CPUID_REG(0, 1));
	put_unaligned_le32(ecx | ecx_extra, p + CPUID_REG(0, 2));
	put_unaligned_le32(edx, p + CPUID_REG(0, 3));
	put_unaligned_le32(0xd, p + CPUID_FN(1));
	put_unaligned_le32(1, p + CPUID_FN(1) + 4);
	put_unaligned_le64(1, p + CPUID_FN(1) + 8);
	cpuid_count(0xd, 1, &eax, &ebx, &ecx, &edx);
	put_unaligned_le32(eax, p + CPUID_REG(1, 0));
	put_unaligned_le32(xsave_size, p + CPUID_REG(1, 1));
}

static void reclaim(const char *what, u64 paddr, int want)
{
	struct sev_data_snp_page_reclaim r = { .paddr = paddr };

	expect(what, SEV_CMD_SNP_PAGE_RECLAIM, &r, want);
}

/* The RMP page that holds @pfn's entry. */
static u64 rmp_page_of(u64 pfn)
{
	u64 base;

	rdmsrl(MSR_AMD64_RMP_BASE, base);
	return PAGE_ALIGN_DOWN(base + PSP_TEST_RMP_BOOKKEEPING +
			       pfn * PSP_TEST_RMP_ENTRY_SIZE);
}

/* The page after the RMP table, which the firmware places above all RAM. */
static u64 rmp_next_page(void)
{
	u64 end;

	rdmsrl(MSR_AMD64_RMP_END, end);
	return PAGE_ALIGN(end + 1);
}

/* The page of the PSP's own registers, or 0 if there is no PSP. */
static u64 psp_regs_page(void)
{
	struct pci_dev *pdev;
	u64 addr = 0;

	pdev = pci_get_device(PCI_VENDOR_ID_AMD, PCI_DEVICE_ID_AMD_PSP_MODEL,
			      NULL);
	if (pdev) {
		addr = pci_resource_start(pdev, PSP_TEST_PSP_BAR);
		if (addr)
			addr += PSP_TEST_PSP_REGS;
		pci_dev_put(pdev);
	}
	return addr;
}

static void run_tests(void)
{
	struct page *hv, *fw, *fw2, *guest, *other, *msg, *res, *cp, *cp65;
	struct page *vmsa[3];
	u64 gctx, gctx2, hv_pa, guest_pa, other_pa, mmio, msg_pa, res_pa;
	u32 lu_cpuid = FIELD_PREP(SNP_LAUNCH_UPDATE_PAGE_TYPE,
				  SNP_PAGE_TYPE_CPUID);
	u32 lu_vmsa = FIELD_PREP(SNP_LAUNCH_UPDATE_PAGE_TYPE,
				 SNP_PAGE_TYPE_VMSA);
	int i;
	u32 eax, ebx, max_asid, min_sev_asid;
	u32 lu_normal = FIELD_PREP(SNP_LAUNCH_UPDATE_PAGE_TYPE,
				   SNP_PAGE_TYPE_NORMAL);
	struct sev_data_snp_launch_finish f = {};
	void *p;

	cpuid(0x8000001f, &eax, &ebx, &max_asid, &min_sev_asid);

	hv = alloc_page(GFP_KERNEL | __GFP_ZERO);
	guest = alloc_page(GFP_KERNEL | __GFP_ZERO);
	other = alloc_page(GFP_KERNEL | __GFP_ZERO);
	p = snp_alloc_firmware_page(GFP_KERNEL | __GFP_ZERO);
	fw = p ? virt_to_page(p) : NULL;
	p = snp_alloc_firmware_page(GFP_KERNEL | __GFP_ZERO);
	fw2 = p ? virt_to_page(p) : NULL;
	msg = alloc_page(GFP_KERNEL | __GFP_ZERO);
	p = snp_alloc_firmware_page(GFP_KERNEL | __GFP_ZERO);
	res = p ? virt_to_page(p) : NULL;
	cp = alloc_page(GFP_KERNEL | __GFP_ZERO);
	cp65 = alloc_page(GFP_KERNEL | __GFP_ZERO);
	for (i = 0; i < ARRAY_SIZE(vmsa); i++)
		vmsa[i] = alloc_page(GFP_KERNEL | __GFP_ZERO);
	if (!hv || !guest || !other || !fw || !fw2 || !msg || !res || !cp ||
	    !cp65 || !vmsa[0] || !vmsa[1] || !vmsa[2]) {
		check(false, "allocate the test's pages", "missing pages", 0, 12);
		goto out;
	}
	msg_pa = page_to_phys(msg);
	res_pa = page_to_phys(res);
	hv_pa = page_to_phys(hv);
	guest_pa = page_to_phys(guest);
	other_pa = page_to_phys(other);
	gctx = page_to_phys(fw);
	gctx2 = page_to_phys(fw2);
	expect_rmp("snp_alloc_firmware_page gives a Firmware page",
		   page_to_pfn(fw), 0, true, false, false);

	/* SNP_GCTX_CREATE: only a 4K Firmware page becomes a context. */
	expect_addr("SNP_GCTX_CREATE of a Hypervisor page: INVALID_PAGE_STATE",
		    SEV_CMD_SNP_GCTX_CREATE, hv_pa, SEV_RET_INVALID_PAGE_STATE);
	expect_rmp("the Hypervisor page stays the hypervisor's",
		   page_to_pfn(hv), -1, false, false, false);
	expect_addr("SNP_GCTX_CREATE of an unaligned address: INVALID_PARAM",
		    SEV_CMD_SNP_GCTX_CREATE, gctx + 0x800,
		    SEV_RET_INVALID_PARAM);
	expect_addr("SNP_GCTX_CREATE of the page after the RMP (beyond RAM): refused",
		    SEV_CMD_SNP_GCTX_CREATE, rmp_next_page(),
		    SEV_RET_INVALID_PAGE_STATE);
	expect_addr("SNP_GCTX_CREATE of the last page below the C-bit: refused",
		    SEV_CMD_SNP_GCTX_CREATE, BIT_ULL(51) - PAGE_SIZE,
		    SEV_RET_INVALID_PAGE_STATE);
	expect_addr("SNP_GCTX_CREATE of the RMP page holding its own entry: refused",
		    SEV_CMD_SNP_GCTX_CREATE, rmp_page_of(page_to_pfn(fw)),
		    SEV_RET_INVALID_PAGE_STATE);
	expect_rmp("the RMP is not written: the Firmware page's entry stands",
		   page_to_pfn(fw), 0, true, false, false);
	mmio = psp_regs_page();
	if (mmio)
		expect_addr("SNP_GCTX_CREATE of the PSP's own registers (MMIO): refused",
			    SEV_CMD_SNP_GCTX_CREATE, mmio,
			    SEV_RET_INVALID_PAGE_STATE);
	else
		check(false, "find the PSP's registers", "BAR", 0, 1);
	expect_addr("SNP_GCTX_CREATE of a Firmware page: success",
		    SEV_CMD_SNP_GCTX_CREATE, gctx, SEV_RET_SUCCESS);
	expect_rmp("the guest context page is a Context page (VMSA, ASID 0)",
		   page_to_pfn(fw), 0, true, false, true);
	expect_addr("SNP_GCTX_CREATE of a Context page: INVALID_PAGE_STATE",
		    SEV_CMD_SNP_GCTX_CREATE, gctx, SEV_RET_INVALID_PAGE_STATE);

	/* SNP_LAUNCH_START: the context and the policy. */
	launch_start_policy("SNP_LAUNCH_START of a Hypervisor page: INVALID_GUEST",
			    hv_pa, PSP_TEST_POLICY, SEV_RET_INVALID_GUEST);
	activate("SNP_ACTIVATE of a guest not launched: INVALID_GUEST_STATE",
		 gctx, PSP_TEST_ASID, SEV_RET_INVALID_GUEST_STATE);
	launch_start_policy("SNP_LAUNCH_START with policy bit 17 clear: POLICY_FAILURE",
			    gctx, 0, SEV_RET_POLICY_FAILURE);
	launch_start_policy("SNP_LAUNCH_START with ABI_MAJOR 255: POLICY_FAILURE",
			    gctx, PSP_TEST_POLICY | 0xff00,
			    SEV_RET_POLICY_FAILURE);
	launch_start_policy("SNP_LAUNCH_START with a good policy: success",
			    gctx, PSP_TEST_POLICY, SEV_RET_SUCCESS);
	launch_start_policy("SNP_LAUNCH_START again: INVALID_GUEST_STATE",
			    gctx, PSP_TEST_POLICY, SEV_RET_INVALID_GUEST_STATE);

	/* SNP_ACTIVATE: an ASID of the SNP range, nothing else. */
	launch_update("SNP_LAUNCH_UPDATE before SNP_ACTIVATE: INACTIVE",
		      gctx, guest_pa, lu_normal, SEV_RET_INACTIVE);
	activate("SNP_ACTIVATE with ASID 0: INVALID_ASID", gctx, 0,
		 SEV_RET_INVALID_ASID);
	activate("SNP_ACTIVATE with ASID above CPUID's count: INVALID_ASID",
		 gctx, max_asid + 1, SEV_RET_INVALID_ASID);
	activate("SNP_ACTIVATE with ASID 0xffffffff: INVALID_ASID", gctx,
		 U32_MAX, SEV_RET_INVALID_ASID);
	activate("SNP_ACTIVATE with a good ASID: success", gctx,
		 PSP_TEST_ASID, SEV_RET_SUCCESS);

	/* SNP_LAUNCH_UPDATE: only a Pre-Guest page of the guest's ASID. */
	launch_update("SNP_LAUNCH_UPDATE of a Hypervisor page: INVALID_PAGE_STATE",
		      gctx, guest_pa, lu_normal, SEV_RET_INVALID_PAGE_STATE);
	launch_update("SNP_LAUNCH_UPDATE of a page of the RMP: INVALID_PAGE_STATE",
		      gctx, rmp_page_of(page_to_pfn(guest)), lu_normal,
		      SEV_RET_INVALID_PAGE_STATE);
	launch_update("SNP_LAUNCH_UPDATE of the PSP's registers: INVALID_PAGE_STATE",
		      gctx, mmio, lu_normal, SEV_RET_INVALID_PAGE_STATE);
	if (rmp_make_private(page_to_pfn(guest), 0, PG_LEVEL_4K,
			     PSP_TEST_ASID, false))
		check(false, "rmp_make_private (mutable)", "error", 1, 0);
	expect_rmp("RMPUPDATE, mutable: Guest-Invalid", page_to_pfn(guest),
		   PSP_TEST_ASID, false, false, false);
	launch_update("SNP_LAUNCH_UPDATE of a Guest-Invalid page: INVALID_PAGE_STATE",
		      gctx, guest_pa, lu_normal, SEV_RET_INVALID_PAGE_STATE);
	if (rmp_make_shared(page_to_pfn(guest), PG_LEVEL_4K))
		check(false, "rmp_make_shared of Guest-Invalid", "error", 1, 0);
	if (rmp_make_private(page_to_pfn(guest), 0, PG_LEVEL_4K,
			     PSP_TEST_ASID, true))
		check(false, "rmp_make_private (immutable)", "error", 1, 0);
	expect_rmp("RMPUPDATE, immutable: Pre-Guest", page_to_pfn(guest),
		   PSP_TEST_ASID, true, false, false);
	if (rmp_make_private(page_to_pfn(other), PAGE_SIZE, PG_LEVEL_4K,
			     PSP_TEST_OTHER_ASID, true))
		check(false, "rmp_make_private (other ASID)", "error", 1, 0);
	launch_update("SNP_LAUNCH_UPDATE of another ASID's page: INVALID_PAGE_OWNER",
		      gctx, other_pa, lu_normal, SEV_RET_INVALID_PAGE_OWNER);
	launch_update("SNP_LAUNCH_UPDATE with an unaligned address: INVALID_PARAM",
		      gctx, guest_pa + 8, lu_normal, SEV_RET_INVALID_PARAM);
	launch_update("SNP_LAUNCH_UPDATE with PAGE_TYPE 0: INVALID_PARAM",
		      gctx, guest_pa, 0, SEV_RET_INVALID_PARAM);
	launch_update("SNP_LAUNCH_UPDATE with PAGE_TYPE 7: INVALID_PARAM",
		      gctx, guest_pa,
		      FIELD_PREP(SNP_LAUNCH_UPDATE_PAGE_TYPE, 7),
		      SEV_RET_INVALID_PARAM);
	launch_update("SNP_LAUNCH_UPDATE with reserved flags: INVALID_PARAM",
		      gctx, guest_pa, lu_normal | BIT(31),
		      SEV_RET_INVALID_PARAM);
	launch_update("SNP_LAUNCH_UPDATE of a 4K page as 2M: INVALID_PARAM (unaligned)",
		      gctx, (guest_pa & (PMD_SIZE - 1)) ?
		      guest_pa : guest_pa + PAGE_SIZE,
		      lu_normal | SNP_LAUNCH_UPDATE_PAGE_2M,
		      SEV_RET_INVALID_PARAM);
	launch_update("SNP_LAUNCH_UPDATE of a Pre-Guest page: success",
		      gctx, guest_pa, lu_normal, SEV_RET_SUCCESS);
	expect_rmp("the page is Guest-Valid", page_to_pfn(guest),
		   PSP_TEST_ASID, false, true, false);
	launch_update("SNP_LAUNCH_UPDATE of a Guest-Valid page: INVALID_PAGE_STATE",
		      gctx, guest_pa, lu_normal, SEV_RET_INVALID_PAGE_STATE);

	/*
	 * A CPUID page: more than 64 functions is refused; a function that
	 * offers more than the CPU has (TSC-deadline, which the model's CPU
	 * lacks) or a wrong XSAVE size is refused and corrected in place,
	 * the page staying Pre-Guest; the corrected page is taken.
	 */
	cpuid_page(page_address(cp65), 65, 0, 0x240);
	cpuid_page(page_address(cp), 2, BIT(24), 0x100);
	if (rmp_make_private(page_to_pfn(cp65), 3 * PAGE_SIZE, PG_LEVEL_4K,
			     PSP_TEST_ASID, true) ||
	    rmp_make_private(page_to_pfn(cp), 4 * PAGE_SIZE, PG_LEVEL_4K,
			     PSP_TEST_ASID, true))
		check(false, "rmp_make_private of the CPUID pages", "error", 1, 0);
	launch_update("SNP_LAUNCH_UPDATE of a CPUID page of 65 functions: INVALID_PARAM",
		      gctx, page_to_phys(cp65), lu_cpuid, SEV_RET_INVALID_PARAM);
	launch_update("SNP_LAUNCH_UPDATE of a CPUID page beyond the CPU: INVALID_PARAM",
		      gctx, page_to_phys(cp), lu_cpuid, SEV_RET_INVALID_PARAM);
	check(!(get_unaligned_le32((u8 *)page_address(cp) + CPUID_REG(0, 2)) &
		BIT(24)),
	      "the refused CPUID page comes back without TSC-deadline",
	      "1.ECX", get_unaligned_le32((u8 *)page_address(cp) +
					  CPUID_REG(0, 2)), 0);
	check(get_unaligned_le32((u8 *)page_address(cp) + CPUID_REG(1, 1)) ==
	      0x240, "the refused CPUID page comes back with 0xD.1 EBX 0x240",
	      "0xD.1 EBX", get_unaligned_le32((u8 *)page_address(cp) +
					      CPUID_REG(1, 1)), 0x240);
	expect_rmp("the refused CPUID page is still Pre-Guest",
		   page_to_pfn(cp), PSP_TEST_ASID, true, false, false);
	launch_update("SNP_LAUNCH_UPDATE of the corrected CPUID page: success",
		      gctx, page_to_phys(cp), lu_cpuid, SEV_RET_SUCCESS);
	expect_rmp("the CPUID page is Guest-Valid", page_to_pfn(cp),
		   PSP_TEST_ASID, false, true, false);

	/*
	 * VMSA pages: SEV_FEATURES (0x3b0) must be SNPActive alone and the
	 * VMPL (0xca) at most 3 (the model's rule: the ABI does not list the
	 * firmware's checks).
	 */
	put_unaligned_le64(0, (u8 *)page_address(vmsa[0]) + 0x3b0);
	put_unaligned_le64(1, (u8 *)page_address(vmsa[1]) + 0x3b0);
	((u8 *)page_address(vmsa[1]))[0xca] = 4;
	put_unaligned_le64(1, (u8 *)page_address(vmsa[2]) + 0x3b0);
	for (i = 0; i < ARRAY_SIZE(vmsa); i++)
		if (rmp_make_private(page_to_pfn(vmsa[i]), (5 + i) * PAGE_SIZE,
				     PG_LEVEL_4K, PSP_TEST_ASID, true))
			check(false, "rmp_make_private of a VMSA page", "error", 1,
			      0);
	launch_update("SNP_LAUNCH_UPDATE of a VMSA without SNPActive: INVALID_PARAM",
		      gctx, page_to_phys(vmsa[0]), lu_vmsa,
		      SEV_RET_INVALID_PARAM);
	launch_update("SNP_LAUNCH_UPDATE of a VMSA at VMPL 4: INVALID_PARAM",
		      gctx, page_to_phys(vmsa[1]), lu_vmsa,
		      SEV_RET_INVALID_PARAM);
	launch_update("SNP_LAUNCH_UPDATE of a VMSA of an SNP guest at VMPL 0: success",
		      gctx, page_to_phys(vmsa[2]), lu_vmsa, SEV_RET_SUCCESS);
	expect_rmp("the VMSA page is Guest-Valid, marked VMSA",
		   page_to_pfn(vmsa[2]), PSP_TEST_ASID, false, true, true);

	/* SNP_PAGE_RECLAIM of a Pre-Guest page: Guest-Invalid. */
	reclaim("SNP_PAGE_RECLAIM with reserved bits: INVALID_PARAM",
		other_pa | 2, SEV_RET_INVALID_PARAM);
	reclaim("SNP_PAGE_RECLAIM of the RMP: INVALID_PARAM",
		rmp_page_of(page_to_pfn(other)), SEV_RET_INVALID_PARAM);
	reclaim("SNP_PAGE_RECLAIM of a Pre-Guest page: success", other_pa,
		SEV_RET_SUCCESS);
	expect_rmp("the reclaimed Pre-Guest page is Guest-Invalid",
		   page_to_pfn(other), PSP_TEST_OTHER_ASID, false, false,
		   false);
	check(!rmp_make_shared(page_to_pfn(other), PG_LEVEL_4K),
	      "rmp_make_shared of the Guest-Invalid page", "error", 1, 0);

	/* SNP_GUEST_REQUEST needs a running guest. */
	guest_msg(page_address(msg), 1, 1, 0, 0x60);
	guest_request("SNP_GUEST_REQUEST before SNP_LAUNCH_FINISH: INVALID_GUEST_STATE",
		      gctx, msg_pa, res_pa, SEV_RET_INVALID_GUEST_STATE);

	/* SNP_LAUNCH_FINISH, SNP_DECOMMISSION. */
	f.gctx_paddr = gctx;
	f.flags = SNP_LAUNCH_FINISH_AUTH_KEY_EN;
	expect("SNP_LAUNCH_FINISH with AUTH_KEY_EN but no ID block: INVALID_PARAM",
	       SEV_CMD_SNP_LAUNCH_FINISH, &f, SEV_RET_INVALID_PARAM);
	f.flags = 0;
	expect("SNP_LAUNCH_FINISH: success", SEV_CMD_SNP_LAUNCH_FINISH, &f,
	       SEV_RET_SUCCESS);
	expect("SNP_LAUNCH_FINISH again: INVALID_GUEST_STATE",
	       SEV_CMD_SNP_LAUNCH_FINISH, &f, SEV_RET_INVALID_GUEST_STATE);

	/*
	 * SNP_GUEST_REQUEST: the pages, then the message's header, sequence
	 * number and tag, each refused before a response is written (the
	 * statuses for the message are the model's choice: INVALID_PARAM).
	 */
	guest_request("SNP_GUEST_REQUEST of a Firmware page as the context: INVALID_GUEST",
		      gctx2, msg_pa, res_pa, SEV_RET_INVALID_GUEST);
	guest_request("SNP_GUEST_REQUEST with a Hypervisor response page: INVALID_PAGE_STATE",
		      gctx, msg_pa, hv_pa, SEV_RET_INVALID_PAGE_STATE);
	guest_request("SNP_GUEST_REQUEST with a Firmware request page: INVALID_PAGE_STATE",
		      gctx, res_pa, res_pa, SEV_RET_INVALID_PAGE_STATE);
	guest_request("SNP_GUEST_REQUEST with an unaligned request page: INVALID_PARAM",
		      gctx, msg_pa + 8, res_pa, SEV_RET_INVALID_PARAM);
	guest_msg(page_address(msg), 1, 2, 0, 0x60);
	guest_request("SNP_GUEST_REQUEST with ALGO 2: INVALID_PARAM", gctx,
		      msg_pa, res_pa, SEV_RET_INVALID_PARAM);
	guest_msg(page_address(msg), 1, 1, 4, 0x60);
	guest_request("SNP_GUEST_REQUEST with MSG_VMPCK 4: INVALID_PARAM", gctx,
		      msg_pa, res_pa, SEV_RET_INVALID_PARAM);
	guest_msg(page_address(msg), 1, 1, 0, PAGE_SIZE - 0x60 + 1);
	guest_request("SNP_GUEST_REQUEST with MSG_SIZE beyond the page: INVALID_PARAM",
		      gctx, msg_pa, res_pa, SEV_RET_INVALID_PARAM);
	guest_msg(page_address(msg), 0, 1, 0, 0x60);
	guest_request("SNP_GUEST_REQUEST with MSG_SEQNO 0: INVALID_PARAM", gctx,
		      msg_pa, res_pa, SEV_RET_INVALID_PARAM);
	guest_msg(page_address(msg), 1, 1, 0, 0x60);
	guest_request("SNP_GUEST_REQUEST of a message that does not authenticate: INVALID_PARAM",
		      gctx, msg_pa, res_pa, SEV_RET_INVALID_PARAM);
	check(!memchr_inv(page_address(res), 0, PAGE_SIZE),
	      "SNP_GUEST_REQUEST refused: nothing written to the response page",
	      "first nonzero byte at", memchr_inv(page_address(res), 0,
						  PAGE_SIZE) ?
	      (u8 *)memchr_inv(page_address(res), 0, PAGE_SIZE) -
	      (u8 *)page_address(res) : 0, 0);
	expect_rmp("the response page is still a Firmware page",
		   page_to_pfn(res), 0, true, false, false);
	launch_update("SNP_LAUNCH_UPDATE after SNP_LAUNCH_FINISH: INVALID_GUEST_STATE",
		      gctx, guest_pa, lu_normal, SEV_RET_INVALID_GUEST_STATE);
	expect_addr("SNP_DECOMMISSION of a Firmware page: INVALID_GUEST",
		    SEV_CMD_SNP_DECOMMISSION, gctx2, SEV_RET_INVALID_GUEST);
	expect_addr("SNP_DECOMMISSION: success", SEV_CMD_SNP_DECOMMISSION, gctx,
		    SEV_RET_SUCCESS);
	expect_rmp("the decommissioned context is a Firmware page again",
		   page_to_pfn(fw), 0, true, false, false);
	expect_addr("SNP_DECOMMISSION again: INVALID_GUEST",
		    SEV_CMD_SNP_DECOMMISSION, gctx, SEV_RET_INVALID_GUEST);

	/* The ASID is dirty: SNP_DF_FLUSH needs a WBINVD on every CPU. */
	expect("SNP_DF_FLUSH without WBINVD: WBINVD_REQUIRED",
	       SEV_CMD_SNP_DF_FLUSH, NULL, SEV_RET_WBINVD_REQUIRED);
	wbinvd_on_all_cpus();
	expect("SNP_DF_FLUSH after WBINVD: success", SEV_CMD_SNP_DF_FLUSH,
	       NULL, SEV_RET_SUCCESS);

	/* The guest's page: SNP_PAGE_RECLAIM, then the hypervisor's. */
	reclaim("SNP_PAGE_RECLAIM of the Guest-Valid page: success", guest_pa,
		SEV_RET_SUCCESS);
	check(!rmp_make_shared(page_to_pfn(guest), PG_LEVEL_4K),
	      "rmp_make_shared of the guest's page", "error", 1, 0);
	expect_rmp("the guest's page is the hypervisor's", page_to_pfn(guest),
		   -1, false, false, false);

	/* A second context: a reserved policy bit must be refused. */
	expect_addr("SNP_GCTX_CREATE of a second Firmware page: success",
		    SEV_CMD_SNP_GCTX_CREATE, gctx2, SEV_RET_SUCCESS);
	known_divergence("SNP_LAUNCH_START with reserved policy bit 63: POLICY_FAILURE",
			 gctx2, PSP_TEST_POLICY | BIT_ULL(63),
			 SEV_RET_POLICY_FAILURE);
	expect_addr("SNP_DECOMMISSION of the second context: success",
		    SEV_CMD_SNP_DECOMMISSION, gctx2, SEV_RET_SUCCESS);

out:
	for (i = 0; i < ARRAY_SIZE(vmsa); i++)
		if (vmsa[i])
			put_test_page(vmsa[i], "a VMSA page is the hypervisor's again");
	if (cp)
		put_test_page(cp, "the CPUID page is the hypervisor's again");
	if (cp65)
		put_test_page(cp65, "the refused CPUID page is the hypervisor's again");
	if (res)
		put_test_page(res, "the response page is the hypervisor's again");
	if (msg)
		put_test_page(msg, "the request page is freed");
	if (fw)
		put_test_page(fw, "the guest context page is the hypervisor's again");
	if (fw2)
		put_test_page(fw2, "the second context page is the hypervisor's again");
	if (guest)
		put_test_page(guest, "the guest's page is freed");
	if (other)
		put_test_page(other, "the other ASID's page is freed");
	if (hv)
		put_test_page(hv, "the Hypervisor page is freed");
}

/* GUEST_STATUS of @handle: its state, ASID and policy as expected. */
static void guest_status(const char *what, u32 handle, u8 state, u32 asid,
			 u32 policy)
{
	struct sev_data_guest_status st = { .handle = handle };
	int ret = fw_cmd(SEV_CMD_GUEST_STATUS, &st);

	check(!ret && st.state == state && st.asid == asid &&
	      st.policy == policy, what, "status/state/asid/policy",
	      (long long)ret << 48 | (u64)st.state << 40 | (u64)st.asid << 32 |
	      st.policy,
	      (u64)state << 40 | (u64)asid << 32 | policy);
}

static u32 sev_launch_start(const char *what, u32 share, u32 policy,
			    int want)
{
	struct sev_data_launch_start l = { .handle = share, .policy = policy };
	int ret = fw_cmd(SEV_CMD_LAUNCH_START, &l);

	check(ret == want && (ret || l.handle), what, "status", ret, want);
	return ret ? 0 : l.handle;
}

static void sev_activate(const char *what, u32 handle, u32 asid, int want)
{
	struct sev_data_activate a = { .handle = handle, .asid = asid };

	expect(what, SEV_CMD_ACTIVATE, &a, want);
}

static void sev_handle_cmd(const char *what, unsigned int cmd, u32 handle,
			   int want)
{
	struct sev_data_deactivate h = { .handle = handle };

	expect(what, cmd, &h, want);
}

static void sev_update(const char *what, unsigned int cmd, u32 handle,
		       u64 addr, u32 len, int want)
{
	struct sev_data_launch_update_data u = {
		.handle = handle, .address = addr, .len = len,
	};

	expect(what, cmd, &u, want);
}

/*
 * The legacy SEV and SEV-ES guest commands (SEV API 55766, "Guest
 * Management"): the guest state machine LUPDATE, LSECRET, RUNNING; the
 * ASID rules of ACTIVATE (the SEV-ES and SEV ranges of CPUID 0x8000001F,
 * one guest per ASID, DF_FLUSH after an ASID was in use); the platform
 * WORKING while guests exist.  The kernel gives the guest memory and the
 * measurement buffer to the firmware for each command, as SNP requires,
 * and takes them back: checked in the RMP.
 */
static void run_legacy_tests(void)
{
	const u32 es = 0x5, sev = 0x1;	/* NODBG, with and without ES */
	struct sev_user_data_status ps = {};
	struct sev_data_launch_measure m = {};
	u32 eax, ebx, max_asid, min_sev_asid, es_asid;
	struct page *data, *vmsa;
	u32 a, b, c;
	u8 *blob;

	cpuid(0x8000001f, &eax, &ebx, &max_asid, &min_sev_asid);
	es_asid = min_sev_asid - 1;
	data = alloc_page(GFP_KERNEL | __GFP_ZERO);
	vmsa = alloc_page(GFP_KERNEL | __GFP_ZERO);
	blob = kzalloc(64, GFP_KERNEL);
	if (!data || !vmsa || !blob || min_sev_asid < 2) {
		check(false, "legacy guests: pages and an SEV-ES ASID", "missing",
		      0, 1);
		goto out;
	}

	wbinvd_on_all_cpus();
	expect("DF_FLUSH before the legacy guests: success",
	       SEV_CMD_DF_FLUSH, NULL, SEV_RET_SUCCESS);
	sev_handle_cmd("DEACTIVATE before any guest: INVALID_PLATFORM_STATE",
		       SEV_CMD_DEACTIVATE, 1, SEV_RET_INVALID_PLATFORM_STATE);

	a = sev_launch_start("LAUNCH_START, SEV-ES policy: success", 0, es,
			     SEV_RET_SUCCESS);
	sev_launch_start("LAUNCH_START sharing the key of no guest: INVALID_GUEST",
			 0x7fff, es, SEV_RET_INVALID_GUEST);
	sev_launch_start("LAUNCH_START sharing a key with another policy: POLICY_FAILURE",
			 a, es | BIT(1), SEV_RET_POLICY_FAILURE);
	b = sev_launch_start("LAUNCH_START sharing the SEV-ES guest's key: success",
			     a, es, SEV_RET_SUCCESS);
	c = sev_launch_start("LAUNCH_START, SEV policy: success", 0, sev,
			     SEV_RET_SUCCESS);
	expect("PLATFORM_STATUS", SEV_CMD_PLATFORM_STATUS, &ps,
	       SEV_RET_SUCCESS);
	check(ps.state == 2 && ps.guest_count == 3,
	      "the platform is WORKING with 3 guests", "state/guests",
	      ps.state << 8 | ps.guest_count, 2 << 8 | 3);
	guest_status("GUEST_STATUS of a new guest: LUPDATE, inactive", a, 1, 0,
		     es);

	sev_update("LAUNCH_UPDATE_DATA before ACTIVATE: INACTIVE",
		   SEV_CMD_LAUNCH_UPDATE_DATA, a, page_to_phys(data), PAGE_SIZE,
		   SEV_RET_INACTIVE);
	sev_activate("ACTIVATE with ASID 0: INVALID_ASID", a, 0,
		     SEV_RET_INVALID_ASID);
	sev_activate("ACTIVATE of an SEV-ES guest with an SEV ASID: INVALID_ASID",
		     a, min_sev_asid, SEV_RET_INVALID_ASID);
	sev_activate("ACTIVATE of an SEV guest with an SEV-ES ASID: INVALID_ASID",
		     c, es_asid, SEV_RET_INVALID_ASID);
	sev_activate("ACTIVATE beyond the ASIDs: INVALID_ASID", c,
		     max_asid + 1, SEV_RET_INVALID_ASID);
	sev_activate("ACTIVATE of no guest: INVALID_GUEST", 0x7fff, es_asid,
		     SEV_RET_INVALID_GUEST);
	sev_activate("ACTIVATE: success", a, es_asid, SEV_RET_SUCCESS);
	sev_activate("ACTIVATE of a second guest with the same ASID: ASID_OWNED",
		     b, es_asid, SEV_RET_ASID_OWNED);
	if (es_asid > 1)
		sev_activate("ACTIVATE of an active guest: ACTIVE", a,
			     es_asid - 1, SEV_RET_ACTIVE);
	guest_status("GUEST_STATUS of an active guest", a, 1, es_asid, es);

	sev_update("LAUNCH_UPDATE_DATA, unaligned address: INVALID_ADDRESS",
		   SEV_CMD_LAUNCH_UPDATE_DATA, a, page_to_phys(data) + 8, 16,
		   SEV_RET_INVALID_ADDRESS);
	sev_update("LAUNCH_UPDATE_DATA, length 0: INVALID_LEN",
		   SEV_CMD_LAUNCH_UPDATE_DATA, a, page_to_phys(data), 0,
		   SEV_RET_INVALID_LEN);
	sev_update("LAUNCH_UPDATE_DATA, length 15: INVALID_LEN",
		   SEV_CMD_LAUNCH_UPDATE_DATA, a, page_to_phys(data), 15,
		   SEV_RET_INVALID_LEN);
	sev_update("LAUNCH_UPDATE_DATA: success", SEV_CMD_LAUNCH_UPDATE_DATA,
		   a, page_to_phys(data), PAGE_SIZE, SEV_RET_SUCCESS);
	check(rmp_is_hypervisor(page_to_pfn(data)),
	      "the kernel took the updated page back from the firmware",
	      "hypervisor", 0, 1);
	sev_update("LAUNCH_UPDATE_VMSA of half a page: INVALID_LEN",
		   SEV_CMD_LAUNCH_UPDATE_VMSA, a, page_to_phys(vmsa),
		   PAGE_SIZE / 2, SEV_RET_INVALID_LEN);
	sev_update("LAUNCH_UPDATE_VMSA of an SEV guest: UNSUPPORTED",
		   SEV_CMD_LAUNCH_UPDATE_VMSA, c, page_to_phys(vmsa), PAGE_SIZE,
		   SEV_RET_UNSUPPORTED);
	sev_update("LAUNCH_UPDATE_VMSA: success", SEV_CMD_LAUNCH_UPDATE_VMSA,
		   a, page_to_phys(vmsa), PAGE_SIZE, SEV_RET_SUCCESS);
	check(rmp_is_hypervisor(page_to_pfn(vmsa)),
	      "the kernel took the VMSA page back from the firmware",
	      "hypervisor", 0, 1);
	sev_handle_cmd("LAUNCH_FINISH in LUPDATE: INVALID_GUEST_STATE",
		       SEV_CMD_LAUNCH_FINISH, a, SEV_RET_INVALID_GUEST_STATE);

	m.handle = a;
	expect("LAUNCH_MEASURE without a buffer: INVALID_LEN",
	       SEV_CMD_LAUNCH_MEASURE, &m, SEV_RET_INVALID_LEN);
	check(m.len == 48, "LAUNCH_MEASURE returns the length it needs", "len",
	      m.len, 48);
	m.address = __psp_pa(blob);
	m.len = 64;
	expect("LAUNCH_MEASURE: success", SEV_CMD_LAUNCH_MEASURE, &m,
	       SEV_RET_SUCCESS);
	/* The firmware leaves LEN as it was on success. */
	check(m.len == 64 && memchr_inv(blob, 0, 48) &&
	      !memchr_inv(blob + 48, 0, 16),
	      "LAUNCH_MEASURE writes 48 bytes of measurement and nonce",
	      "len", m.len, 64);
	guest_status("GUEST_STATUS after LAUNCH_MEASURE: LSECRET", a, 2,
		     es_asid, es);
	sev_update("LAUNCH_UPDATE_DATA in LSECRET: INVALID_GUEST_STATE",
		   SEV_CMD_LAUNCH_UPDATE_DATA, a, page_to_phys(data), PAGE_SIZE,
		   SEV_RET_INVALID_GUEST_STATE);
	sev_handle_cmd("LAUNCH_FINISH: success", SEV_CMD_LAUNCH_FINISH, a,
		       SEV_RET_SUCCESS);
	guest_status("GUEST_STATUS after LAUNCH_FINISH: RUNNING", a, 3,
		     es_asid, es);

	sev_handle_cmd("DECOMMISSION of an active guest: ACTIVE",
		       SEV_CMD_DECOMMISSION, a, SEV_RET_ACTIVE);
	sev_handle_cmd("DEACTIVATE: success", SEV_CMD_DEACTIVATE, a,
		       SEV_RET_SUCCESS);
	sev_handle_cmd("DEACTIVATE again: INACTIVE", SEV_CMD_DEACTIVATE, a,
		       SEV_RET_INACTIVE);
	sev_activate("ACTIVATE of an ASID a running guest had: DFFLUSH_REQUIRED",
		     b, es_asid, SEV_RET_DFFLUSH_REQUIRED);
	wbinvd_on_all_cpus();
	expect("DF_FLUSH: success", SEV_CMD_DF_FLUSH, NULL, SEV_RET_SUCCESS);
	sev_activate("ACTIVATE of the flushed ASID: success", b, es_asid,
		     SEV_RET_SUCCESS);
	sev_handle_cmd("DEACTIVATE of a guest that never ran: success",
		       SEV_CMD_DEACTIVATE, b, SEV_RET_SUCCESS);
	sev_activate("ACTIVATE of an ASID no guest ran with: success", a,
		     es_asid, SEV_RET_SUCCESS);
	sev_handle_cmd("DEACTIVATE: success", SEV_CMD_DEACTIVATE, a,
		       SEV_RET_SUCCESS);
	sev_activate("ACTIVATE of an SEV guest: success", c, min_sev_asid,
		     SEV_RET_SUCCESS);
	sev_handle_cmd("DEACTIVATE of the SEV guest: success",
		       SEV_CMD_DEACTIVATE, c, SEV_RET_SUCCESS);

	sev_handle_cmd("DECOMMISSION: success", SEV_CMD_DECOMMISSION, a,
		       SEV_RET_SUCCESS);
	sev_handle_cmd("DECOMMISSION again: INVALID_GUEST",
		       SEV_CMD_DECOMMISSION, a, SEV_RET_INVALID_GUEST);
	guest_status("GUEST_STATUS of a decommissioned guest: UNINIT", a, 0, 0,
		     0);
	sev_handle_cmd("DECOMMISSION of the second guest: success",
		       SEV_CMD_DECOMMISSION, b, SEV_RET_SUCCESS);
	sev_handle_cmd("DECOMMISSION of the SEV guest: success",
		       SEV_CMD_DECOMMISSION, c, SEV_RET_SUCCESS);
	memset(&ps, 0, sizeof(ps));
	expect("PLATFORM_STATUS", SEV_CMD_PLATFORM_STATUS, &ps,
	       SEV_RET_SUCCESS);
	check(ps.state == 1 && ps.guest_count == 0,
	      "the platform is INIT again without guests", "state/guests",
	      ps.state << 8 | ps.guest_count, 1 << 8);
	wbinvd_on_all_cpus();
	expect("DF_FLUSH after the legacy guests: success", SEV_CMD_DF_FLUSH,
	       NULL, SEV_RET_SUCCESS);
out:
	kfree(blob);
	if (vmsa)
		put_test_page(vmsa, "the VMSA page is freed");
	if (data)
		put_test_page(data, "the guest data page is freed");
}

/*
 * Firmware pages that outlive the PSP driver (issue 13, bug 7): a page
 * KVM holds when the PSP device is unbound, and freed afterwards, is
 * still the firmware's in the RMP, and nothing can reclaim it once SNP
 * is shut down.  snp_free_firmware_page() and snp_reclaim_firmware_pages()
 * must then leak it (one more reference, from snp_leak_pages()), never
 * free it, and must not warn: unbinding is not a kernel bug.
 */
static void run_unbind_tests(void)
{
	struct pci_dev *pdev;
	struct page *p1, *p2;
	void *a1, *a2;
	int ret;

	pdev = pci_get_device(PCI_VENDOR_ID_AMD, PCI_DEVICE_ID_AMD_PSP_MODEL,
			      NULL);
	a1 = snp_alloc_firmware_page(GFP_KERNEL);
	a2 = snp_alloc_firmware_page(GFP_KERNEL);
	if (!pdev || !a1 || !a2) {
		check(false, "a PSP device and two firmware pages", "found",
		      !!pdev << 2 | !!a1 << 1 | !!a2, 7);
		snp_free_firmware_page(a1);
		snp_free_firmware_page(a2);
		pci_dev_put(pdev);
		return;
	}
	p1 = virt_to_page(a1);
	p2 = virt_to_page(a2);
	expect_rmp("a firmware page before the unbind", page_to_pfn(p1), 0,
		   true, false, false);

	/* What 'echo ... > /sys/bus/pci/drivers/ccp/unbind' does. */
	device_release_driver(&pdev->dev);
	pci_dev_put(pdev);
	check(!pdev->dev.driver, "the PSP driver is unbound", "driver bound",
	      !!pdev->dev.driver, 0);
	expect_rmp("the firmware page is still the firmware's after the unbind",
		   page_to_pfn(p1), 0, true, false, false);

	snp_free_firmware_page(a1);
	check(page_ref_count(p1) == 2,
	      "snp_free_firmware_page() after the unbind leaks the page",
	      "page count", page_ref_count(p1), 2);
	expect_rmp("the leaked page is still the firmware's", page_to_pfn(p1),
		   0, true, false, false);

	ret = snp_reclaim_firmware_pages(page_to_pfn(p2), 1);
	check(ret == -EPERM,
	      "snp_reclaim_firmware_pages() after the unbind refuses", "ret",
	      ret, -EPERM);
	check(page_ref_count(p2) == 2,
	      "snp_reclaim_firmware_pages() after the unbind leaks the page",
	      "page count", page_ref_count(p2), 2);
}

static int __init psp_test_init(void)
{
	int mark;

	sev_filp = filp_open("/dev/sev", O_RDWR, 0);
	if (IS_ERR(sev_filp)) {
		pr_info("FAIL open /dev/sev: got %ld, want 0\n",
			PTR_ERR(sev_filp));
		pr_info("0 passed, 1 failed\n");
		return 0;
	}

	mark = fw_cmd(PSP_TEST_MARK_START, NULL);
	refused = 0;
	check(mark == SEV_RET_INVALID_COMMAND, "the start marker is refused",
	      "status", mark, SEV_RET_INVALID_COMMAND);
	if (!unbind) {
		run_tests();
		run_legacy_tests();
	}
	pr_info("the firmware refused %u of the test's commands\n", refused);
	mark = fw_cmd(PSP_TEST_MARK_END, NULL);
	check(mark == SEV_RET_INVALID_COMMAND, "the end marker is refused",
	      "status", mark, SEV_RET_INVALID_COMMAND);

	filp_close(sev_filp, NULL);
	/* After the markers: the unbind issues commands of the kernel's. */
	if (unbind)
		run_unbind_tests();
	pr_info("%u passed, %u failed\n", passed, failed);
	return 0;
}

static void __exit psp_test_exit(void)
{
}

module_init(psp_test_init);
module_exit(psp_test_exit);

MODULE_DESCRIPTION("Tests of the SEV-SNP firmware model's page states and refusals");
MODULE_LICENSE("GPL");
