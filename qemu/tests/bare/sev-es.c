// SPDX-License-Identifier: GPL-2.0
/*
 * Tests of the model's SEV and SEV-ES guests (qemu/docs/model-sev-es-snp-
 * guests.md, AMD APM vol. 2, 15.34-15.35): a mini-hypervisor that runs a
 * 64-bit guest sharing its page tables, under nested paging with 2M
 * identity maps, and checks each VMRUN refusal, the VMSA world switch,
 * the host state restored from the save area, automatic exits and #VC,
 * VMGEXIT, the write traps, the GHCB and SEV_STATUS MSRs and the C-bit.
 */
#include "rt.h"
#include "svm.h"

#define VEC_UD			6
#define VEC_GP			13

static u8 vmcb[4096] __attribute__((aligned(4096)));
static u8 vmsa[4096] __attribute__((aligned(4096)));
static u8 hsave[4096] __attribute__((aligned(4096)));
static u64 npt[3][512] __attribute__((aligned(4096)));
static u64 gidt[32 * 2] __attribute__((aligned(16)));
static u8 gstack[16384] __attribute__((aligned(16)));
static char why[160];

/* Written by the guest. */
u64 g_vc_err, g_vc_rip, g_vc_n, g_bad, g_status, g_ghcb;
/* The host's GPRs after VMRUN: RBX RCX RDX RSI RDI RBP R8-R15. */
u64 es_after[14];

void es_vmrun(u64 vmcb_pa);
void g_gexit(void), g_gexit_next(void), g_cpuid(void), g_cpuid_insn(void);
void g_hlt(void), g_hlt_next(void), g_cr4(void), g_cr4_next(void);
void g_efer(void), g_efer_next(void), g_msrs(void), g_vc(void), g_exc(void);
void g_pvalidate(void), g_rmpadjust(void), g_ud(void);
op_fn op_vmgexit;

__asm__(
	".text\n"
	".globl es_vmrun\n"
	"es_vmrun:\n"
	"	push %rbx; push %rbp; push %r12; push %r13; push %r14; push %r15\n"
	"	movq %rdi, %rax\n"
	"	vmrun\n"
	"	movq %rbx, es_after+0;  movq %rcx, es_after+8\n"
	"	movq %rdx, es_after+16; movq %rsi, es_after+24\n"
	"	movq %rdi, es_after+32; movq %rbp, es_after+40\n"
	"	movq %r8, es_after+48;  movq %r9, es_after+56\n"
	"	movq %r10, es_after+64; movq %r11, es_after+72\n"
	"	movq %r12, es_after+80; movq %r13, es_after+88\n"
	"	movq %r14, es_after+96; movq %r15, es_after+104\n"
	"	pop %r15; pop %r14; pop %r13; pop %r12; pop %rbp; pop %rbx\n"
	"	ret\n"
	/* Guest code: each ends in VMGEXIT. */
	".globl g_gexit, g_gexit_next\n"
	"g_gexit: movq $0x1111, %rbx; movq $0x2222, %r15\n"
	"	.byte 0xf3, 0x0f, 0x01, 0xd9\n"
	"g_gexit_next: ud2\n"
	".globl g_cpuid, g_cpuid_insn\n"
	"g_cpuid: xorl %eax, %eax\n"
	"g_cpuid_insn: cpuid\n"
	"	.byte 0xf3, 0x0f, 0x01, 0xd9; ud2\n"
	".globl g_hlt, g_hlt_next\n"
	"g_hlt: hlt\n"
	"g_hlt_next: .byte 0xf3, 0x0f, 0x01, 0xd9; ud2\n"
	".globl g_cr4, g_cr4_next\n"
	"g_cr4: movq %cr4, %rax; movq %rax, %cr4\n"
	"g_cr4_next: .byte 0xf3, 0x0f, 0x01, 0xd9; ud2\n"
	".globl g_efer, g_efer_next\n"
	"g_efer: movl $0xc0000080, %ecx; rdmsr; andl $~0x1000, %eax; wrmsr\n"
	"g_efer_next: .byte 0xf3, 0x0f, 0x01, 0xd9; ud2\n"
	".globl g_msrs\n"
	"g_msrs: movl $0xc0010131, %ecx; rdmsr; movl %eax, g_status\n"
	"	movl $0xc0010130, %ecx; rdmsr; movl %eax, g_ghcb\n"
	"	movl %edx, g_ghcb+4\n"
	"	movl $0x5000, %eax; xorl %edx, %edx; wrmsr\n"
	"	.byte 0xf3, 0x0f, 0x01, 0xd9; ud2\n"
	".globl g_vc\n"
	"g_vc: popq g_vc_err; movq (%rsp), %rax; movq %rax, g_vc_rip\n"
	"	incq g_vc_n; .byte 0xf3, 0x0f, 0x01, 0xd9; ud2\n"
	".globl g_exc\n"
	"g_exc: movq $1, g_bad; .byte 0xf3, 0x0f, 0x01, 0xd9; ud2\n"
	/* The SNP guest's instructions: 4K, validate / VMPL 1, no perms. */
	".globl g_pvalidate, g_rmpadjust, g_ud\n"
	"g_pvalidate: movq $0x200000, %rax; xorl %ecx, %ecx; movl $1, %edx\n"
	"	.byte 0xf2, 0x0f, 0x01, 0xff\n"
	"	.byte 0xf3, 0x0f, 0x01, 0xd9; ud2\n"
	"g_rmpadjust: movq $0x200000, %rax; xorl %ecx, %ecx; movl $1, %edx\n"
	"	.byte 0xf3, 0x0f, 0x01, 0xfe\n"
	"	.byte 0xf3, 0x0f, 0x01, 0xd9; ud2\n"
	"g_ud: movq $6, g_bad; .byte 0xf3, 0x0f, 0x01, 0xd9; ud2\n"
	".globl op_vmgexit\n"
	"op_vmgexit: .byte 0xf3, 0x0f, 0x01, 0xd9; ret\n"
);

static void put64(u8 *p, u64 off, u64 v) { *(volatile u64 *)(p + off) = v; }
static u64 get64(u8 *p, u64 off) { return *(volatile u64 *)(p + off); }

/* A fresh SEV-ES guest at @rip: VMCB, VMSA, host save area. */
static void setup(void (*rip)(void), u64 intercepts)
{
	struct { u16 limit; u64 base; } __attribute__((packed)) gdtr;
	u8 *sa = vmsa;
	int i;

	memset(vmcb, 0, sizeof(vmcb));
	memset(vmsa, 0, sizeof(vmsa));
	memset(hsave, 0, sizeof(hsave));
	put64(vmcb, VMCB_INTERCEPT, I_VMRUN | intercepts);
	*(u32 *)(vmcb + VMCB_ASID) = 1;
	put64(vmcb, VMCB_NESTED_CTL, NP | SEV | SEV_ES);
	put64(vmcb, VMCB_NCR3, (u64)npt[0]);
	put64(vmcb, VMCB_VIRT_EXT, 1);
	put64(vmcb, VMCB_VMSA, (u64)vmsa);
	put64(vmcb, VMCB_GHCB, 0x3000);
	/* A poison the model must leave in the VMCB's save area */
	for (i = 0; i < 0x300; i += 8)
		put64(vmcb, VMCB_SAVE + i, 0x5a5a5a5a5a5a5a5aUL);

	__asm__ volatile("sgdt %0" : "=m"(gdtr));
	for (i = 0; i < 4; i++)		/* ES CS SS DS */
		svm_seg(sa, i, i == 1 ? 0x08 : 0x10, i == 1 ? 0xa9b : 0xc93,
			0xffffffff, 0);
	svm_seg(sa, 6, 0, 0, gdtr.limit, gdtr.base);		/* GDTR */
	svm_seg(sa, 8, 0, 0, sizeof(gidt) - 1, (u64)gidt);	/* IDTR */
	svm_seg(sa, 9, 0, 0x8b, 0x67, 0);	/* TR: a busy TSS, never used */
	put64(sa, SA_EFER, msr_read(MSR_EFER));
	put64(sa, SA_CR0, RDCR(0));
	put64(sa, SA_CR3, RDCR(3));
	put64(sa, SA_CR4, RDCR(4));
	put64(sa, SA_RFLAGS, 2);
	put64(sa, SA_RIP, (u64)rip);
	put64(sa, SA_RSP, (u64)gstack + sizeof(gstack));
	put64(sa, SA_GPAT, 0x0007040600070406UL);
	put64(sa, SA_XCR0, 1);
	/* The host's type B state: VMSAVE's, XCR0, GPR sentinels */
	__asm__ volatile("vmsave" : : "a"((u64)hsave) : "memory");
	put64(hsave, VMCB_SAVE + SA_XCR0, 1);
	put64(hsave, VMCB_SAVE + SA_RBX, 0xb0b0);
	for (i = 0; i < 8; i++)
		put64(hsave, VMCB_SAVE + SA_R8 + i * 8, 0x800 + i);
	g_vc_n = g_bad = 0;
	g_vc_err = g_vc_rip = 0;
}

static u64 run(void)
{
	__asm__ volatile("vmsave" : : "a"((u64)hsave) : "memory");
	es_vmrun((u64)vmcb);
	return get64(vmcb, VMCB_EXIT_CODE);
}

static int vmcb_save_untouched(void)
{
	int i;

	for (i = 0; i < 0x300; i += 8)
		if (get64(vmcb, VMCB_SAVE + i) != 0x5a5a5a5a5a5a5a5aUL)
			return 0;
	return 1;
}

static void expect_invalid(const char *name)
{
	u64 rip = get64(vmsa, SA_RIP);
	u64 code = run();

	csnprintf(why, sizeof(why), "exit %lx, VMSA RIP %lx", code,
		  get64(vmsa, SA_RIP));
	tap_why(code == EXIT_INVALID && get64(vmsa, SA_RIP) == rip &&
		es_after[0] == 0xb0b0 && es_after[13] == 0x807, why,
		"SEV VMRUN refused: %s", name);
}

static void test_vmrun_checks(void)
{
	setup(g_gexit, 0);
	put64(vmcb, VMCB_NESTED_CTL, NP | SEV_ES);
	expect_invalid("SEV-ES without SEV");
	setup(g_gexit, 0);
	put64(vmcb, VMCB_NESTED_CTL, SEV | SEV_ES);
	expect_invalid("without nested paging");
	setup(g_gexit, 0);
	put64(vmcb, VMCB_VIRT_EXT, 0);
	expect_invalid("SEV-ES without LBR virtualization");
	setup(g_gexit, 0);
	*(u32 *)(vmcb + VMCB_ASID) = 16;
	expect_invalid("ASID 16, beyond CPUID 0x8000001F ECX");
	setup(g_gexit, 0);
	*(u32 *)(vmcb + VMCB_ASID) = 0;
	expect_invalid("ASID 0");
	setup(g_gexit, 0);
	put64(vmcb, VMCB_VMSA, (u64)vmsa + 8);
	expect_invalid("unaligned VMSA pointer");
	setup(g_gexit, 0);
	put64(vmcb, VMCB_VMSA, 1UL << 52);
	expect_invalid("VMSA pointer beyond the address width");
	setup(g_gexit, 0);
	put64(vmsa, SA_SEV_FEATURES, 1);
	expect_invalid("SEV_FEATURES.SNPActive");
	setup(g_gexit, 0);
	put64(vmsa, SA_SEV_FEATURES, 1UL << 5);
	expect_invalid("SEV_FEATURES.DebugSwap, not offered");
	setup(g_gexit, 0);
	vmsa[SA_VMPL] = 1;
	expect_invalid("VMPL 1 without SNP");
	setup(g_gexit, 0);
	put64(vmsa, SA_XCR0, 0);
	expect_invalid("XCR0 0 in the VMSA");
	setup(g_gexit, 0);
	put64(vmsa, SA_EFER, get64(vmsa, SA_EFER) & ~EFER_SVME);
	expect_invalid("guest EFER.SVME clear");
	setup(g_gexit, 0);
	*(u32 *)(vmcb + VMCB_EVENT_INJ) = 0x80000000 | 4 << 8 | 0x80;
	expect_invalid("software interrupt injected");
	setup(g_gexit, 0);
	*(u32 *)(vmcb + VMCB_EVENT_INJ) = 0x80000000 | 3 << 8 | 3;
	expect_invalid("#BP injected");
	setup(g_gexit, 0);
	put64(vmcb, VMCB_NESTED_CTL, NP | SEV);
	*(u32 *)(vmcb + VMCB_ASID) = 7;
	csnprintf(why, sizeof(why), "exit %lx", run());
	tap_why(get64(vmcb, VMCB_EXIT_CODE) == EXIT_INVALID, why,
		"SEV VMRUN refused: SEV without SEV-ES at ASID 7");
}

static void test_world_switch(void)
{
	u64 code;

	setup(g_gexit, 0);
	code = run();
	csnprintf(why, sizeof(why), "exit %lx, RIP %lx, RBX %lx, R15 %lx",
		  code, get64(vmsa, SA_RIP), get64(vmsa, SA_RBX),
		  get64(vmsa, SA_R15));
	tap_why(code == 0x403 && get64(vmsa, SA_RIP) == (u64)g_gexit_next &&
		get64(vmsa, SA_RBX) == 0x1111 && get64(vmsa, SA_R15) == 0x2222,
		why, "VMGEXIT: exit 0x403, RIP past it, GPRs in the VMSA");
	tap(vmcb_save_untouched(), "the VMCB save area is not written");
	tap(get64(vmcb, VMCB_NEXT_RIP) == 0, "NEXT_RIP is 0");
	csnprintf(why, sizeof(why), "RBX %lx R8 %lx R15 %lx", es_after[0],
		  es_after[6], es_after[13]);
	tap_why(es_after[0] == 0xb0b0 && es_after[6] == 0x800 &&
		es_after[13] == 0x807, why,
		"host RBX, R8-R15 come from the host save area");
	tap(get64(vmsa, SA_CPL) % 256 == 0 && get64(vmsa, SA_CR3) == RDCR(3),
	    "CR3 and CPL saved in the VMSA");

	setup(g_msrs, 0);
	code = run();
	csnprintf(why, sizeof(why), "exit %lx, SEV_STATUS %lx, GHCB %lx/%lx",
		  code, g_status, g_ghcb, get64(vmcb, VMCB_GHCB));
	tap_why(code == 0x403 && g_status == 3, why,
		"SEV_STATUS reads SEV | SEV-ES in the guest");
	tap_why(g_ghcb == 0x3000 && get64(vmcb, VMCB_GHCB) == 0x5000, why,
		"GHCB MSR: from VMCB 0xa0 at VMRUN, back at #VMEXIT");

	/* Intercepting the MSRs changes nothing: they are not interceptable */
	setup(g_msrs, 1UL << (0x7c - 0x60));
	code = run();
	tap(code == 0x403 && g_status == 3 && g_vc_n == 0,
	    "SEV_STATUS and the GHCB MSR bypass the MSR intercept");
}

static void test_exits(void)
{
	u64 code;

	setup(g_cpuid, I_CPUID);
	code = run();
	csnprintf(why, sizeof(why), "exit %lx, #VC %lu err %lx rip %lx", code,
		  g_vc_n, g_vc_err, g_vc_rip);
	tap_why(code == 0x403 && g_vc_n == 1 && g_vc_err == 0x72 &&
		g_vc_rip == (u64)g_cpuid_insn && !g_bad, why,
		"intercepted CPUID: #VC 0x72 at the CPUID, no exit");
	setup(g_cpuid, 0);
	code = run();
	tap(code == 0x403 && g_vc_n == 0, "CPUID not intercepted: no #VC");

	setup(g_hlt, I_HLT);
	code = run();
	csnprintf(why, sizeof(why), "exit %lx, RIP %lx", code,
		  get64(vmsa, SA_RIP));
	tap_why(code == 0x78 && get64(vmsa, SA_RIP) == (u64)g_hlt_next, why,
		"HLT: automatic exit 0x78, RIP past it");
	tap((*(u32 *)(vmcb + VMCB_INT_STATE) & 2) == 0,
	    "int_state bit 1 clear with IF 0");
	/* IF 1: a pending host interrupt may exit first (INTR, also AE) */
	setup(g_hlt, I_HLT | 1);
	put64(vmsa, SA_RFLAGS, 0x202);
	code = run();
	csnprintf(why, sizeof(why), "exit %lx int_state %x RIP %lx bad %lu",
		  code, *(u32 *)(vmcb + VMCB_INT_STATE), get64(vmsa, SA_RIP),
		  g_bad);
	tap_why((code == 0x78 || code == 0x60) &&
		(*(u32 *)(vmcb + VMCB_INT_STATE) & 2), why,
		"int_state bit 1 set with IF 1");

	setup(g_cr4, I_CR4_TRAP);
	code = run();
	csnprintf(why, sizeof(why), "exit %lx info1 %lx RIP %lx", code,
		  get64(vmcb, VMCB_EXIT_INFO1), get64(vmsa, SA_RIP));
	tap_why(code == 0x94 && get64(vmcb, VMCB_EXIT_INFO1) == RDCR(4) &&
		get64(vmsa, SA_RIP) == (u64)g_cr4_next, why,
		"CR4 write trap: exit 0x94 after the write, new value");
	setup(g_cr4, 0);
	tap(run() == 0x403, "no CR4 write trap without its intercept bit");

	setup(g_efer, I_EFER_TRAP);
	code = run();
	csnprintf(why, sizeof(why), "exit %lx info1 %lx", code,
		  get64(vmcb, VMCB_EXIT_INFO1));
	tap_why(code == 0x8f &&
		(get64(vmcb, VMCB_EXIT_INFO1) & EFER_SVME) &&
		get64(vmsa, SA_RIP) == (u64)g_efer_next &&
		(get64(vmsa, SA_EFER) & EFER_SVME), why,
		"EFER write trap: exit 0x8f, SVME kept");

	/* VMMCALL intercepted: VMGEXIT ignores it */
	setup(g_gexit, I_VMMCALL);
	tap(run() == 0x403, "VMGEXIT is no VMMCALL in an SEV-ES guest");
	/* In the host, VMGEXIT is VMMCALL: #UD */
	{
		struct op op = { 0 };
		long vec = catch_call(op_vmgexit, &op);

		tap(vec == VEC_UD, "VMGEXIT in the host: #UD");
	}
}

static void test_cbit(void)
{
	u64 code;

	setup(g_gexit, 0);
	put64(vmsa, SA_CR3, RDCR(3) | 1UL << 51);
	code = run();
	csnprintf(why, sizeof(why), "exit %lx", code);
	tap_why(code == 0x403, why,
		"C-bit in an SEV-ES guest's CR3: not reserved");
}

/*
 * PVALIDATE and RMPADJUST belong to SNP-active guests: #UD in an SEV-ES
 * guest (and in the host, tested by snp-test.c).
 */
static void test_snp_insns(void)
{
	u64 code;

	setup(g_pvalidate, 0);
	code = run();
	tap(code == 0x403 && g_bad == VEC_UD, "PVALIDATE in an SEV-ES guest: #UD");
	setup(g_rmpadjust, 0);
	code = run();
	tap(code == 0x403 && g_bad == VEC_UD, "RMPADJUST in an SEV-ES guest: #UD");
}

static void test_host_msrs(void)
{
	struct op op = { .rcx = MSR_GHCB };

	tap(catch_call(op_rdmsr, &op) == VEC_GP, "GHCB MSR in the host: #GP");
	op = (struct op){ .rcx = MSR_SEV_STATUS };
	tap(catch_call(op_rdmsr, &op) == NO_EXC && op.out == 0,
	    "SEV_STATUS in the host: 0");
}

void test_sev_es(void);
void test_sev_es(void)
{
	int i;

	for (i = 0; i < 512; i++)
		npt[2][i] = (u64)i << 21 | 0x87;	/* P RW US PS */
	npt[1][0] = (u64)npt[2] | 7;
	npt[0][0] = (u64)npt[1] | 7;
	for (i = 0; i < 32; i++) {
		u64 h = (u64)(i == 29 ? g_vc : i == VEC_UD ? g_ud : g_exc);

		gidt[i * 2] = (h & 0xffff) | 0x08UL << 16 | 0x8eUL << 40 |
			      (h >> 16 & 0xffff) << 48;
		gidt[i * 2 + 1] = h >> 32;
	}
	msr_write(MSR_EFER, msr_read(MSR_EFER) | EFER_SVME);
	msr_write(MSR_VM_HSAVE_PA, (u64)hsave);
	test_vmrun_checks();
	test_world_switch();
	test_exits();
	test_cbit();
	test_snp_insns();
	test_host_msrs();
}
