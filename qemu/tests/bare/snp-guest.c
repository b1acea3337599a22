// SPDX-License-Identifier: GPL-2.0
/*
 * Tests of the model's SNP-active guests, run with the PSP model
 * ("snp=psp": -device amd-psp): a mini-hypervisor that initialises SNP
 * and launches a guest through the firmware (only SNP_LAUNCH_UPDATE makes
 * pages validated), then runs it through a sequence of accesses whose
 * faults it answers as a hypervisor would (qemu/docs/model-sev-es-snp-
 * guests.md; AMD APM vol. 2, 15.36.10, vol. 3 PVALIDATE; SEV-SNP ABI
 * 56860 for the commands):
 *
 *  - VMRUN of an SNP guest whose VMSA page is not in the VMSA state, and
 *    whose ASID the firmware has not activated, is VMEXIT_INVALID;
 *  - SEV_STATUS reads SEV | SEV-ES | SNP in the guest;
 *  - a private access to a page the guest does not own: #NPF with RMP and
 *    ENC; once the page is assigned 4K under a 2M nested mapping: #NPF
 *    with RMP and SIZEM; once mapped 4K: #VC 0x404 until the guest
 *    validates it, then the access completes;
 *  - PVALIDATE of a page already validated: success, CF set;
 *  - a shared access to a page the guest owns: #NPF with RMP, not ENC,
 *    until the hypervisor makes it shared;
 *  - a 4K PVALIDATE inside a 2M RMP entry: #NPF with RMP and SIZEM, then,
 *    after PSMASH, success; the rescinded page then takes #VC 0x404.
 *
 * The guest lives in a 2M region of its own (code, page tables, GDT, IDT,
 * stack), launched as one 2M page; it talks to the host through a shared
 * page, the host's to write.
 */
#include "rt.h"
#include "svm.h"

#define MSR_SYSCFG		0xc0010010
#define SYSCFG_MFDM		(1UL << 19)
#define SYSCFG_SNP_EN		(1UL << 24)
#define SYSCFG_VMPL_EN		(1UL << 25)

/* The PSP: PCI 1022:14ca, its registers in BAR 2. */
#define PSP_DEVICE		0x14ca1022
#define PSP_CMDRESP		0x10980
#define PSP_BUF_LO		0x109e0
#define PSP_BUF_HI		0x109e4
#define PSP_RESP		(1U << 31)
#define SNP_INIT		0x081
#define SNP_DF_FLUSH		0x084
#define SNP_ACTIVATE		0x091
#define SNP_GCTX_CREATE		0x093
#define SNP_LAUNCH_START	0x0a0
#define SNP_LAUNCH_UPDATE	0x0a1
#define SNP_LAUNCH_FINISH	0x0a2
#define LU_2M			(1U << 0)
#define LU_TYPE(t)		((t) << 1)
#define PAGE_NORMAL		1
#define PAGE_VMSA		2

/* Memory: each in a 2M region of its own, all within 256M of RAM. */
#define GUEST_2M	(64 * MiB)	/* the guest, launched as one 2M page */
#define G_PML4		(GUEST_2M + 0x1000)
#define G_PDPT		(GUEST_2M + 0x2000)
#define G_PD_PRIV	(GUEST_2M + 0x3000)
#define G_PD_SHARED	(GUEST_2M + 0x4000)
#define G_GDT		(GUEST_2M + 0x5000)
#define G_IDT		(GUEST_2M + 0x6000)
#define G_STACK_TOP	(GUEST_2M + 0x9000)
#define G_SCRATCH	(GUEST_2M + 0xa000)
#define P_2M		(66 * MiB)	/* P: a hypervisor page, then the guest's */
#define P_PA		(P_2M + 0x3000)
#define SHARED_PA	(68 * MiB)	/* the host<->guest page */
#define VMSA_PA		(70 * MiB)
#define GCTX_PA		(72 * MiB)
#define SHARED_ALIAS	GiB		/* guest VA of the shared mappings */
#define VMSA_GPA	0xfffffffff000UL
#define ASID		1
#define CBIT		(1UL << 51)

/* The shared page: what the guest reports. */
#define SH_VAL		0x00
#define SH_PV_RC	0x08
#define SH_PV_CF	0x10
#define SH_VC_N		0x18
#define SH_VC_ERR	0x20
#define SH_VC_RC	0x28
#define SH_VC_CF	0x30
#define SH_PAGE		0x38	/* the page the #VC handler validates */
#define SH_STATUS	0x40

#define NPF_RMP			(1UL << 31)
#define NPF_GPA			(1UL << 32)
#define NPF_ENC			(1UL << 34)
#define NPF_SIZEM		(1UL << 35)

struct rmp_state {
	u64 gpa;
	u8 assigned;
	u8 pagesize;
	u8 immutable;
	u8 rsvd;
	u32 asid;
} __attribute__((packed));

static u8 vmcb[4096] __attribute__((aligned(4096)));
static u8 hsave[4096] __attribute__((aligned(4096)));
static u64 npt[3][512] __attribute__((aligned(4096)));
static u64 npt_4k[2][512] __attribute__((aligned(4096)));
static u8 cmdbuf[4096] __attribute__((aligned(4096)));
static volatile u8 *psp;
static char why[200];

void snp_vmrun(u64 vmcb_pa);
extern const u8 snp_gblob[], snp_gblob_end[], snp_g_entry[], snp_g_vc[];

/*
 * The guest, copied to GUEST_2M: each step ends in VMGEXIT; the #VC
 * handler validates the page the guest names in SH_PAGE, reports, and
 * returns to the access.  Position-independent: only absolute addresses
 * of its data, which are fixed.
 */
#define STR(x) #x
#define XSTR(x) STR(x)
#define SH(off) XSTR(SHARED_ALIAS + SHARED_PA + off)
__asm__(
	".text\n"
	".globl snp_vmrun\n"
	"snp_vmrun:\n"
	"	push %rbx; push %rbp; push %r12; push %r13; push %r14; push %r15\n"
	"	movq %rdi, %rax\n"
	"	vmrun\n"
	"	pop %r15; pop %r14; pop %r13; pop %r12; pop %rbp; pop %rbx\n"
	"	ret\n"
	".balign 16\n"
	".globl snp_gblob, snp_gblob_end, snp_g_entry, snp_g_vc\n"
	"snp_gblob:\n"
	"snp_g_entry:\n"
	/* 1: SEV_STATUS */
	"	movl $0xc0010131, %ecx; rdmsr\n"
	"	movq %rax, " SH(SH_STATUS) "\n"
	"	.byte 0xf3, 0x0f, 0x01, 0xd9\n"
	/* 2: a private read of P */
	"	movq $" XSTR(P_PA) ", %rax; movq %rax, " SH(SH_PAGE) "\n"
	"	movq (%rax), %rbx; movq %rbx, " SH(SH_VAL) "\n"
	"	.byte 0xf3, 0x0f, 0x01, 0xd9\n"
	/* 3: PVALIDATE P again */
	"	movq $" XSTR(P_PA) ", %rax; xorl %ecx, %ecx; movl $1, %edx\n"
	"	.byte 0xf2, 0x0f, 0x01, 0xff\n"
	"	setc %bl; movzbq %bl, %rbx\n"
	"	movq %rax, " SH(SH_PV_RC) "; movq %rbx, " SH(SH_PV_CF) "\n"
	"	.byte 0xf3, 0x0f, 0x01, 0xd9\n"
	/* 4: a shared read of P */
	"	movq $" XSTR(SHARED_ALIAS + P_PA) ", %rax\n"
	"	movq (%rax), %rbx; movq %rbx, " SH(SH_VAL) "\n"
	"	.byte 0xf3, 0x0f, 0x01, 0xd9\n"
	/* 5: rescind the scratch page, 4K inside the 2M entry */
	"	movq $" XSTR(G_SCRATCH) ", %rax; xorl %ecx, %ecx; xorl %edx, %edx\n"
	"	.byte 0xf2, 0x0f, 0x01, 0xff\n"
	"	setc %bl; movzbq %bl, %rbx\n"
	"	movq %rax, " SH(SH_PV_RC) "; movq %rbx, " SH(SH_PV_CF) "\n"
	"	.byte 0xf3, 0x0f, 0x01, 0xd9\n"
	/* 6: a private read of the rescinded page */
	"	movq $" XSTR(G_SCRATCH) ", %rax; movq %rax, " SH(SH_PAGE) "\n"
	"	movq (%rax), %rbx; movq %rbx, " SH(SH_VAL) "\n"
	"	.byte 0xf3, 0x0f, 0x01, 0xd9\n"
	"	ud2\n"
	/* #VC: count it, validate SH_PAGE, report, return to the access */
	"snp_g_vc:\n"
	"	push %rax; push %rbx; push %rcx; push %rdx\n"
	"	movq 32(%rsp), %rax; movq %rax, " SH(SH_VC_ERR) "\n"
	"	incq " SH(SH_VC_N) "\n"
	"	movq " SH(SH_PAGE) ", %rax; xorl %ecx, %ecx; movl $1, %edx\n"
	"	.byte 0xf2, 0x0f, 0x01, 0xff\n"
	"	setc %bl; movzbq %bl, %rbx\n"
	"	movq %rax, " SH(SH_VC_RC) "; movq %rbx, " SH(SH_VC_CF) "\n"
	"	.byte 0xf3, 0x0f, 0x01, 0xd9\n"
	"	pop %rdx; pop %rcx; pop %rbx; pop %rax\n"
	"	addq $8, %rsp\n"
	"	iretq\n"
	"snp_gblob_end:\n");

static u32 pci_read(u32 dev, u32 reg)
{
	outl(0xcf8, 0x80000000U | dev << 11 | reg);
	return inl(0xcfc);
}

static void put64(u64 pa, u64 v) { *(volatile u64 *)pa = v; }
static u64 get64(u64 pa) { return *(volatile u64 *)pa; }
static void put32(u64 pa, u32 v) { *(volatile u32 *)pa = v; }

static void copy(u64 dst, const void *src, u64 n)
{
	const u8 *s = src;
	u8 *d = (u8 *)dst;

	while (n--)
		*d++ = *s++;
}

/* The PSP's registers: bus 0, the first device that is 1022:14ca. */
static int psp_find(void)
{
	u32 dev, bar;

	for (dev = 0; dev < 32; dev++) {
		if (pci_read(dev, 0) != PSP_DEVICE)
			continue;
		bar = pci_read(dev, 0x18);
		psp = (volatile u8 *)((u64)(bar & ~0xfU) |
				      ((bar & 6) == 4 ?
				       (u64)pci_read(dev, 0x1c) << 32 : 0));
		return psp != 0;
	}
	return 0;
}

static u32 psp_cmd(u32 cmd, const void *buf)
{
	volatile u32 *cmdresp = (volatile u32 *)(psp + PSP_CMDRESP);

	*(volatile u32 *)(psp + PSP_BUF_LO) = (u32)(u64)buf;
	*(volatile u32 *)(psp + PSP_BUF_HI) = (u64)buf >> 32;
	*cmdresp = cmd << 16;
	while (!(*cmdresp & PSP_RESP))
		;
	return *cmdresp & 0xffff;
}

static u64 rmpupdate(u64 spa, u64 gpa, int assigned, int size_2m,
		     int immutable, u32 asid)
{
	struct rmp_state st = {
		.gpa = gpa, .assigned = assigned, .pagesize = size_2m,
		.immutable = immutable, .asid = asid,
	};
	struct op op = { .rax = spa, .rcx = (u64)&st };

	return catch_call(op_rmpupdate, &op) == NO_EXC ? (u32)op.out : ~0UL;
}

static u64 psmash(u64 spa)
{
	struct op op = { .rax = spa };

	return catch_call(op_psmash, &op) == NO_EXC ? (u32)op.out : ~0UL;
}

/* The guest's own memory: code, page tables, GDT, IDT. */
static void guest_build(void)
{
	u64 vc = GUEST_2M + (u64)(snp_g_vc - snp_gblob);
	int i;

	memset((void *)GUEST_2M, 0, 2 * MiB);
	copy(GUEST_2M, snp_gblob, snp_gblob_end - snp_gblob);
	put64(G_PML4, G_PDPT | CBIT | 3);
	put64(G_PDPT, G_PD_PRIV | CBIT | 3);
	put64(G_PDPT + 8, G_PD_SHARED | CBIT | 3);
	for (i = 0; i < 512; i++) {
		/* 0-1G private, 1G-2G the same memory shared */
		put64(G_PD_PRIV + i * 8, (u64)i * 2 * MiB | CBIT | 0x83);
		put64(G_PD_SHARED + i * 8, (u64)i * 2 * MiB | 0x83);
	}
	put64(G_GDT + 8, 0x00af9b000000ffffUL);		/* 0x08: code */
	put64(G_GDT + 16, 0x00cf93000000ffffUL);	/* 0x10: data */
	/* IDT vector 29 (#VC): an interrupt gate to the handler */
	put64(G_IDT + 29 * 16, (vc & 0xffff) | 0x08UL << 16 |
	      0x8eUL << 40 | ((vc >> 16) & 0xffff) << 48);
	put64(G_IDT + 29 * 16 + 8, vc >> 32);
}

static void seg(u64 sa, int n, u16 sel, u16 attr, u32 limit, u64 base)
{
	u64 s = sa + n * 16;

	*(volatile u16 *)s = sel;
	*(volatile u16 *)(s + 2) = attr;
	put32(s + 4, limit);
	put64(s + 8, base);
}

static void vmsa_build(void)
{
	int i;

	memset((void *)VMSA_PA, 0, 4096);
	for (i = 0; i < 4; i++)		/* ES CS SS DS */
		seg(VMSA_PA, i, i == 1 ? 0x08 : 0x10, i == 1 ? 0xa9b : 0xc93,
		    0xffffffff, 0);
	seg(VMSA_PA, 6, 0, 0, 23, G_GDT);		/* GDTR */
	seg(VMSA_PA, 8, 0, 0, 30 * 16 - 1, G_IDT);	/* IDTR */
	seg(VMSA_PA, 9, 0, 0x8b, 0x67, 0);		/* TR */
	put64(VMSA_PA + SA_EFER, msr_read(MSR_EFER));
	put64(VMSA_PA + SA_CR0, RDCR(0));
	put64(VMSA_PA + SA_CR3, G_PML4 | CBIT);
	put64(VMSA_PA + SA_CR4, RDCR(4));
	put64(VMSA_PA + SA_RFLAGS, 2);
	put64(VMSA_PA + SA_RIP, GUEST_2M + (u64)(snp_g_entry - snp_gblob));
	put64(VMSA_PA + SA_RSP, G_STACK_TOP);
	put64(VMSA_PA + SA_GPAT, 0x0007040600070406UL);
	put64(VMSA_PA + SA_XCR0, 1);
	put64(VMSA_PA + SA_SEV_FEATURES, 1);		/* SNPActive */
}

static void npt_build(void)
{
	int i;

	memset(npt, 0, sizeof(npt));
	npt[0][0] = (u64)npt[1] | 7;
	npt[1][0] = (u64)npt[2] | 7;
	for (i = 0; i < 512; i++)
		npt[2][i] = (u64)i * 2 * MiB | 0x87;
}

/* Map the 2M region at @base through 4K nested pages. */
static void npt_split(int n, u64 base)
{
	int i;

	for (i = 0; i < 512; i++)
		npt_4k[n][i] = (base + i * 4 * KiB) | 7;
	npt[2][base / (2 * MiB)] = (u64)npt_4k[n] | 7;
}

static void vmcb_build(void)
{
	memset(vmcb, 0, sizeof(vmcb));
	put64((u64)vmcb + VMCB_INTERCEPT, I_VMRUN);
	*(u32 *)(vmcb + VMCB_ASID) = ASID;
	put64((u64)vmcb + VMCB_NESTED_CTL, NP | SEV | SEV_ES);
	put64((u64)vmcb + VMCB_NCR3, (u64)npt[0]);
	put64((u64)vmcb + VMCB_VIRT_EXT, 1);
	put64((u64)vmcb + VMCB_VMSA, VMSA_PA);
}

static u64 run(void)
{
	__asm__ volatile("vmsave" : : "a"((u64)hsave) : "memory");
	put64((u64)hsave + VMCB_SAVE + SA_XCR0, 1);
	snp_vmrun((u64)vmcb);
	return get64((u64)vmcb + VMCB_EXIT_CODE);
}

static u64 info1(void) { return get64((u64)vmcb + VMCB_EXIT_INFO1); }
static u64 info2(void) { return get64((u64)vmcb + VMCB_EXIT_INFO2); }
static u64 sh(u64 off) { return get64(SHARED_PA + off); }

/* Expect #NPF at @gpa with exactly the bits @bits above the low ones. */
static int expect_npf(u64 code, u64 gpa, u64 bits, const char *name)
{
	u64 i1 = info1();

	csnprintf(why, sizeof(why), "exit %#lx, EXITINFO1 %#lx, EXITINFO2 %#lx",
		  code, i1, info2());
	return tap_why(code == EXIT_NPF && info2() == gpa &&
		       (i1 & ~0xffffffffUL & ~NPF_RMP) == (bits & ~NPF_RMP) &&
		       (i1 & NPF_RMP) == (bits & NPF_RMP) && (i1 & 1),
		       why, "%s", name);
}

static int expect_gexit(u64 code, const char *name)
{
	csnprintf(why, sizeof(why), "exit %#lx, EXITINFO1 %#lx, EXITINFO2 %#lx, #VCs %lu",
		  code, info1(), info2(), sh(SH_VC_N));
	return tap_why(code == EXIT_VMGEXIT, why, "%s", name);
}

/* SNP on, the firmware initialised: 0, or why not. */
static const char *snp_setup(void)
{
	u64 v = msr_read(MSR_SYSCFG);
	u32 st;

	if (!psp_find())
		return "no PSP (1022:14ca) on bus 0";
	msr_write(MSR_SYSCFG, v | SYSCFG_SNP_EN | SYSCFG_VMPL_EN | SYSCFG_MFDM);
	msr_write(MSR_EFER, msr_read(MSR_EFER) | EFER_SVME);
	st = psp_cmd(SNP_INIT, 0);
	if (st) {
		csnprintf(why, sizeof(why), "SNP_INIT status %#x", st);
		return why;
	}
	msr_write(MSR_VM_HSAVE_PA, (u64)hsave);
	return 0;
}

/* The launch; 0, or why it failed. */
static const char *launch(void)
{
	u64 *b = (u64 *)cmdbuf;
	u32 st;

	if (rmpupdate(GCTX_PA, 0, 1, 0, 1, 0))
		return "RMPUPDATE of the context page";
	memset(cmdbuf, 0, sizeof(cmdbuf));
	b[0] = GCTX_PA;
	if ((st = psp_cmd(SNP_GCTX_CREATE, cmdbuf)))
		goto fail;
	b[1] = 1UL << 17 | 1UL << 16;			/* policy: SMT, bit 17 */
	if ((st = psp_cmd(SNP_LAUNCH_START, cmdbuf)))
		goto fail;
	/* The refused VMRUN left the ASID to be flushed. */
	__asm__ volatile("wbinvd" : : : "memory");
	if ((st = psp_cmd(SNP_DF_FLUSH, 0)))
		goto fail;
	memset(cmdbuf, 0, sizeof(cmdbuf));
	b[0] = GCTX_PA;
	b[1] = ASID;
	if ((st = psp_cmd(SNP_ACTIVATE, cmdbuf)))
		goto fail;
	if (rmpupdate(GUEST_2M, GUEST_2M, 1, 1, 1, ASID) ||
	    rmpupdate(VMSA_PA, VMSA_GPA, 1, 0, 1, ASID))
		return "RMPUPDATE of the guest's pages";
	memset(cmdbuf, 0, sizeof(cmdbuf));
	b[0] = GCTX_PA;
	b[1] = LU_2M | LU_TYPE(PAGE_NORMAL);
	b[2] = GUEST_2M;
	if ((st = psp_cmd(SNP_LAUNCH_UPDATE, cmdbuf)))
		goto fail;
	b[1] = LU_TYPE(PAGE_VMSA);
	b[2] = VMSA_PA;
	if ((st = psp_cmd(SNP_LAUNCH_UPDATE, cmdbuf)))
		goto fail;
	memset(cmdbuf, 0, sizeof(cmdbuf));
	b[0] = GCTX_PA;
	if ((st = psp_cmd(SNP_LAUNCH_FINISH, cmdbuf)))
		goto fail;
	return 0;
fail:
	csnprintf(why, sizeof(why), "a launch command failed: status %#x", st);
	return why;
}

void test_snp_guest(void);
void test_snp_guest(void)
{
	const char *err;
	u64 code;

	err = snp_setup();
	if (!tap_why(!err, err ? err : "", "SNP guests: SNP_INIT through the PSP"))
		return;
	guest_build();
	vmsa_build();
	npt_build();
	vmcb_build();
	memset((void *)SHARED_PA, 0, 4096);
	put64(P_PA, 0x1234567890abcdefUL);
	put64(G_SCRATCH, 0x5ca7c4);

	/* Before the launch: the VMSA page is the hypervisor's. */
	csnprintf(why, sizeof(why), "exit %#lx", code = run());
	tap_why(code == EXIT_INVALID, why,
		"SNP VMRUN refused: VMSA page not the guest's, ASID not activated");

	err = launch();
	if (!tap_why(!err, err ? err : "", "SNP guests: the launch through the PSP"))
		return;

	/* 1: the guest runs; SEV_STATUS */
	code = run();
	expect_gexit(code, "SNP guest: VMRUN enters it, VMGEXIT leaves it");
	csnprintf(why, sizeof(why), "SEV_STATUS %#lx", sh(SH_STATUS));
	tap_why(sh(SH_STATUS) == 7, why,
		"SNP guest: SEV_STATUS reads SEV | SEV-ES | SNP");

	/* 2: a private read of P, the hypervisor's */
	code = run();
	expect_npf(code, P_PA, NPF_RMP | NPF_GPA | NPF_ENC,
		   "private read of a hypervisor page: #NPF RMP|ENC at its GPA");
	rmpupdate(P_PA, P_PA, 1, 0, 0, ASID);
	code = run();
	expect_npf(code, P_PA, NPF_RMP | NPF_GPA | NPF_ENC | NPF_SIZEM,
		   "its 4K RMP entry under a 2M nested page: #NPF RMP|SIZEM");
	npt_split(0, P_2M);
	code = run();
	expect_gexit(code, "the 4K-mapped page unvalidated: #VC in the guest");
	csnprintf(why, sizeof(why), "#VCs %lu, error %#lx, PVALIDATE %#lx CF %lu",
		  sh(SH_VC_N), sh(SH_VC_ERR), sh(SH_VC_RC), sh(SH_VC_CF));
	tap_why(sh(SH_VC_N) == 1 && sh(SH_VC_ERR) == 0x404 &&
		sh(SH_VC_RC) == 0 && sh(SH_VC_CF) == 0, why,
		"#VC 0x404 for the unvalidated page; PVALIDATE validates it");
	code = run();
	expect_gexit(code, "the access completes once validated");
	csnprintf(why, sizeof(why), "read %#lx", sh(SH_VAL));
	tap_why(sh(SH_VAL) == 0x1234567890abcdefUL, why,
		"the private read returns the page's contents (plaintext model)");

	/* 3: PVALIDATE of a validated page */
	code = run();
	csnprintf(why, sizeof(why), "exit %#lx, EAX %#lx, CF %lu", code,
		  sh(SH_PV_RC), sh(SH_PV_CF));
	tap_why(code == EXIT_VMGEXIT && sh(SH_PV_RC) == 0 && sh(SH_PV_CF) == 1,
		why, "PVALIDATE of a page validated already: success, CF set");

	/* 4: a shared read of P, the guest's */
	code = run();
	expect_npf(code, P_PA, NPF_RMP | NPF_GPA,
		   "shared read of the guest's page: #NPF RMP, not ENC");
	rmpupdate(P_PA, 0, 0, 0, 0, 0);
	code = run();
	csnprintf(why, sizeof(why), "exit %#lx, read %#lx", code, sh(SH_VAL));
	tap_why(code == EXIT_VMGEXIT && sh(SH_VAL) == 0x1234567890abcdefUL, why,
		"the shared read completes once the page is the hypervisor's");

	/* 5: a 4K PVALIDATE inside the 2M entry */
	code = run();
	expect_npf(code, G_SCRATCH, NPF_RMP | NPF_GPA | NPF_ENC | NPF_SIZEM,
		   "4K PVALIDATE inside a 2M RMP entry: #NPF RMP|SIZEM");
	code = psmash(GUEST_2M);
	csnprintf(why, sizeof(why), "PSMASH %#lx", code);
	tap_why(code == 0, why, "PSMASH of the guest's 2M entry");
	npt_split(1, GUEST_2M);
	code = run();
	csnprintf(why, sizeof(why), "exit %#lx, EAX %#lx, CF %lu", code,
		  sh(SH_PV_RC), sh(SH_PV_CF));
	tap_why(code == EXIT_VMGEXIT && sh(SH_PV_RC) == 0 && sh(SH_PV_CF) == 0,
		why, "after PSMASH, the 4K PVALIDATE rescinds: success, CF clear");

	/* 6: the rescinded page */
	code = run();
	expect_gexit(code, "a private read of the rescinded page: #VC");
	csnprintf(why, sizeof(why), "#VCs %lu, error %#lx", sh(SH_VC_N),
		  sh(SH_VC_ERR));
	tap_why(sh(SH_VC_N) == 2 && sh(SH_VC_ERR) == 0x404, why,
		"#VC 0x404 for the rescinded page");
	code = run();
	csnprintf(why, sizeof(why), "exit %#lx, read %#lx", code, sh(SH_VAL));
	tap_why(code == EXIT_VMGEXIT && sh(SH_VAL) == 0x5ca7c4, why,
		"revalidated, the read completes");
}
