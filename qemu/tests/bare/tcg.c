// SPDX-License-Identifier: GPL-2.0
/*
 * Bare tests of what the model changes in QEMU's TCG x86 front end, for
 * the host CPU's own instructions.
 */
#include "rt.h"
#include "svm.h"

#define FLAGS_ARITH	0x8d5UL	/* CF PF AF ZF SF OF */
#define FLAGS_ZF	0x40UL
#define FLAGS_FIXED	0x2UL	/* bit 1, always one */

/*
 * CMPXCHG16B and CMPXCHG8B get their flags from a helper that computes
 * the old flags from the condition-code state in env.  An instruction
 * that sets the flags earlier in the same translation block keeps that
 * state in TCG's globals only; the helper then took the CC_OP_EFLAGS that
 * POPF (which ends its block) left, with the ADD's source operand as the
 * flags, and RFLAGS got that operand's bits: TF, DF, reserved ones.
 */
static char why[96];

/* POPF, ADD and then CMPXCHG16B (or CMPXCHG8B): RFLAGS right after it. */
#define CMPXCHG_FLAGS(insn)						\
({									\
	static u64 mem[2] __attribute__((aligned(16)));			\
	u64 saved, flags, scratch = 0;					\
									\
	mem[0] = 0;							\
	mem[1] = 0;							\
	asm volatile("pushf\n\t"						\
		     "pop %[saved]\n\t"					\
		     "push $0x2\n\t"					\
		     "popf\n\t"						\
		     "add %[addend], %[scratch]\n\t"			\
		     insn " %[mem]\n\t"					\
		     "pushf\n\t"						\
		     "pop %[flags]\n\t"					\
		     "push %[saved]\n\t"					\
		     "popf"							\
		     : [saved] "=&r" (saved), [flags] "=&r" (flags),	\
		       [scratch] "+&r" (scratch), [mem] "+m" (mem)		\
		     : [addend] "r" (0xff00000000000500ULL),			\
		       "a" (0UL), "d" (0UL), "b" (1UL), "c" (1UL)		\
		     : "cc", "memory");					\
	flags;								\
})

/*
 * Code one CPU rewrites while the other runs it.  The model translates
 * code into blocks (TBs) and drops those of a page when it is written; a
 * TB translated from the old bytes while the write landed used to stay
 * (Linux guests died of "Oops: int3" after text_poke_bp()).  The BSP
 * rewrites the immediate of "mov $imm, %eax; ret", each value larger
 * than the last, then publishes the value; the AP reads the last value
 * published, serializes (CPUID, as cross-modifying code must) and calls
 * the code, which must return at least that value.  One deviation of the
 * model stays: it checks a store to code once more when the storing CPU
 * starts its next block, so the publishing store must be in a later
 * block; the JMP ends the block.  Linux always has a call in between.
 */
#define SMC_ROUNDS	20000U	/* rewrites, each after a call on the AP */
#define SMC_IMM		4	/* aligned: the CPU sees the old or the new */
static u8 smc_code[4096] __attribute__((aligned(4096)));
static volatile u32 smc_published, smc_stop, smc_calls, smc_stale;
static volatile u32 smc_stale_got, smc_stale_want;

static void smc_ap(void)
{
	u32 (*fn)(void) = (u32 (*)(void))(void *)smc_code;
	u32 want, got, a, b, c, d;

	while (!smc_stop) {
		want = smc_published;
		cpuid(0, 0, &a, &b, &c, &d);
		got = fn();
		smc_calls++;
		if (got < want && !smc_stale++) {
			smc_stale_got = got;
			smc_stale_want = want;
		}
	}
	smc_stop = 2;
}

static void test_cross_modifying_code(void)
{
	volatile u32 *imm = (volatile u32 *)(smc_code + SMC_IMM);
	u32 v, calls;
	u64 spin;

	smc_code[0] = 0x90;			/* nop */
	smc_code[1] = 0x90;
	smc_code[2] = 0x90;
	smc_code[3] = 0xb8;			/* mov $imm32, %eax */
	*imm = 0;
	smc_code[8] = 0xc3;			/* ret */
	start_ap(smc_ap);
	for (spin = 0; !smc_calls && spin < 1000000000UL; spin++)
		__asm__ volatile("pause");
	if (!smc_calls) {
		tap(0, "TCG: a second CPU runs code this one rewrites (it did not start)");
		return;
	}
	for (v = 1; v <= SMC_ROUNDS; v++) {
		calls = smc_calls;
		*imm = v;
		__asm__ volatile("jmp 1f\n1:" : : : "memory");
		smc_published = v;
		/* Let the AP call the code again: it runs while this writes. */
		for (spin = 0; smc_calls == calls && spin < 100000000UL; spin++)
			__asm__ volatile("pause");
	}
	calls = smc_calls;
	smc_stop = 1;
	for (spin = 0; smc_stop != 2 && spin < 1000000000UL; spin++)
		__asm__ volatile("pause");
	csnprintf(why, sizeof(why), "%u stale of %u calls, first got %u after %u",
		  smc_stale, calls, smc_stale_got, smc_stale_want);
	cprintf("# %u rewrites, %u calls on the AP, %u of them stale\n",
		v - 1, calls, smc_stale);
	tap_why(!smc_stale && calls >= SMC_ROUNDS && smc_stop == 2, why,
		"TCG: a second CPU runs code this one rewrites, never the old code");
}

/*
 * State the CPU keeps for nested paging, against FPU instructions on the
 * other CPU.  QEMU keeps a CPU's GIF and whether nested paging is on in
 * one word, which that CPU's thread updates without a lock; every FXRSTOR
 * or FLDENV on any CPU also cleared IGNNE# there for the first CPU, by a
 * plain read and write back.  A store that came back over a VMRUN or a
 * #VMEXIT of the first CPU undid it: the guest ran without nested paging
 * or the host with it (L1 Linux froze with GIF clear, SNP guests died
 * after an #NPF in the host).  The BSP runs a guest that reads a page
 * its nested tables move elsewhere, and reads that page itself after
 * each #VMEXIT, while the AP runs FXRSTOR.
 */
#define NPT_RUNS		100000U
#define MAGIC_P			0x5050505050505050UL	/* the page's own */
#define MAGIC_Q			0x5151515151515151UL	/* what the guest finds */

static u8 np_vmcb[4096] __attribute__((aligned(4096)));
static u8 np_hsave[4096] __attribute__((aligned(4096)));
static u64 np_tables[4][512] __attribute__((aligned(4096)));
static volatile u64 np_page_p[512] __attribute__((aligned(4096)));
static volatile u64 np_page_q[512] __attribute__((aligned(4096)));
static u8 fx_area[512] __attribute__((aligned(16)));
static volatile u32 fx_stop, fx_started;

void np_vmrun(u64 vmcb_pa);
void g_np_read(void);
__asm__(
	".text\n"
	".globl np_vmrun, g_np_read\n"
	"np_vmrun:\n"
	"	push %rbx; push %rbp; push %r12; push %r13; push %r14; push %r15\n"
	"	movq %rdi, %rax\n"
	"	clgi; vmrun; stgi\n"
	"	pop %r15; pop %r14; pop %r13; pop %r12; pop %rbp; pop %rbx\n"
	"	ret\n"
	/* The guest: RAX is the page's first quadword, in the VMCB. */
	"g_np_read: movq np_page_p, %rax; vmmcall; ud2\n"
);

static void fx_ap(void)
{
	__asm__ volatile("fninit; fxsave %0" : "=m"(fx_area));
	fx_started = 1;
	while (!fx_stop)
		__asm__ volatile("fxrstor %0" : : "m"(fx_area));
	fx_stop = 2;
}

static void np_setup(void)
{
	struct { u16 limit; u64 base; } __attribute__((packed)) gdtr, idtr;
	u64 p = (u64)np_page_p, pd_i = p >> 21;
	u8 *sa = np_vmcb + VMCB_SAVE;
	int i;

	msr_write(MSR_EFER, msr_read(MSR_EFER) | EFER_SVME);
	msr_write(MSR_VM_HSAVE_PA, (u64)np_hsave);
	/* 0-1G identity, 2M pages; 4K around P, whose GPA leads to Q */
	for (i = 0; i < 512; i++) {
		np_tables[2][i] = (u64)i << 21 | 0x87;	/* P RW US PS */
		np_tables[3][i] = (pd_i << 21 | (u64)i << 12) | 7;
	}
	np_tables[3][(p >> 12) & 511] = (u64)np_page_q | 7;
	np_tables[2][pd_i] = (u64)np_tables[3] | 7;
	np_tables[1][0] = (u64)np_tables[2] | 7;
	np_tables[0][0] = (u64)np_tables[1] | 7;
	np_page_p[0] = MAGIC_P;
	np_page_q[0] = MAGIC_Q;

	memset(np_vmcb, 0, sizeof(np_vmcb));
	*(volatile u64 *)(np_vmcb + VMCB_INTERCEPT) = I_VMRUN | I_VMMCALL;
	*(volatile u32 *)(np_vmcb + VMCB_ASID) = 1;
	np_vmcb[VMCB_TLB_CTL] = 1;		/* flush at each VMRUN */
	*(volatile u64 *)(np_vmcb + VMCB_NESTED_CTL) = NP;
	*(volatile u64 *)(np_vmcb + VMCB_NCR3) = (u64)np_tables[0];
	__asm__ volatile("sgdt %0; sidt %1" : "=m"(gdtr), "=m"(idtr));
	for (i = 0; i < 4; i++)		/* ES CS SS DS */
		svm_seg(sa, i, i == 1 ? 0x08 : 0x10, i == 1 ? 0xa9b : 0xc93,
			0xffffffff, 0);
	svm_seg(sa, 6, 0, 0, gdtr.limit, gdtr.base);
	svm_seg(sa, 8, 0, 0, idtr.limit, idtr.base);
	*(volatile u64 *)(sa + SA_EFER) = msr_read(MSR_EFER);
	*(volatile u64 *)(sa + SA_CR0) = RDCR(0);
	*(volatile u64 *)(sa + SA_CR3) = RDCR(3);
	*(volatile u64 *)(sa + SA_CR4) = RDCR(4);
	*(volatile u64 *)(sa + SA_RFLAGS) = 2;
	*(volatile u64 *)(sa + SA_GPAT) = 0x0007040600070406UL;
}

static void test_npt_vs_fxrstor(void)
{
	u8 *sa = np_vmcb + VMCB_SAVE;
	u32 run, bad_exit = 0, guest_bare = 0, host_nested = 0;
	u64 spin, code = 0;

	np_setup();
	fx_stop = fx_started = 0;
	start_ap(fx_ap);
	for (spin = 0; !fx_started && spin < 1000000000UL; spin++)
		__asm__ volatile("pause");
	for (run = 0; run < NPT_RUNS; run++) {
		*(volatile u64 *)(sa + SA_RIP) = (u64)g_np_read;
		*(volatile u64 *)(sa + SA_RAX) = 0;
		np_vmrun((u64)np_vmcb);
		code = *(volatile u64 *)(np_vmcb + VMCB_EXIT_CODE);
		if (code != EXIT_VMMCALL) {
			if (!bad_exit++)
				csnprintf(why, sizeof(why), "run %u: exit 0x%lx",
					  run, code);
		} else if (*(volatile u64 *)(sa + SA_RAX) != MAGIC_Q) {
			guest_bare++;
		}
		if (np_page_p[0] != MAGIC_P)
			host_nested++;
	}
	fx_stop = 1;
	for (spin = 0; fx_stop != 2 && spin < 1000000000UL; spin++)
		__asm__ volatile("pause");
	if (!bad_exit)
		csnprintf(why, sizeof(why),
			  "%u guest reads missed the nested tables, %u host reads took them",
			  guest_bare, host_nested);
	cprintf("# %u VMRUNs beside FXRSTOR on the AP (%s): %u guest reads without nested paging, %u host reads with it\n",
		run, fx_started ? "started" : "did not start", guest_bare,
		host_nested);
	tap_why(fx_started && fx_stop == 2 && !bad_exit && !guest_bare &&
		!host_nested, why,
		"TCG: FXRSTOR on one CPU leaves another's nested paging as VMRUN and #VMEXIT set it");
}

/*
 * A virtual interrupt that VMRUN finds pending, against IPIs from the
 * other CPU.  VMRUN notes the virtual interrupt in the word of the CPU's
 * pending interrupt requests; each IPI to this CPU notes itself there
 * too, from the sender's thread under the iothread lock, which VMRUN did
 * not take: either plain update could undo the other.  The BSP runs a
 * guest with IF set, V_IRQ set and V_INTR_MASKING, which must take the
 * virtual interrupt before its first instruction, while the AP sends the
 * BSP IPIs that its clear IF leaves pending.  The guest leaves by VMMCALL
 * from the handler (RAX 'V') or from its first instructions (RAX 'M').
 */
#define VIRQ_VEC	0x41
#define VIRQ_RUNS	100000U
static volatile u32 ipi_stop, ipi_sent;
static u8 virq_stack[4096] __attribute__((aligned(16)));

void g_virq_main(void), g_virq_handler(void);
__asm__(
	".text\n"
	".globl g_virq_main, g_virq_handler\n"
	"g_virq_main: movl $0x4d, %eax; vmmcall; ud2\n"
	"g_virq_handler: movl $0x56, %eax; vmmcall; ud2\n"
);

static void ipi_ap(void)
{
	while (!ipi_stop) {
		send_ipi(0, VIRQ_VEC + 1);
		ipi_sent++;
	}
	ipi_stop = 2;
}

static void test_virq_vs_ipi(void)
{
	u8 *sa = np_vmcb + VMCB_SAVE;
	u32 run, bad_exit = 0, late = 0;
	u64 spin, code, rax;

	np_setup();
	set_irq_gate(VIRQ_VEC, g_virq_handler);
	outb(0x21, 0xff);		/* the 8259s' IRQs (the PIT's) masked */
	outb(0xa1, 0xff);
	*(volatile u32 *)(LAPIC + LAPIC_SVR) |= 0x100;	/* APIC enabled */
	ipi_stop = ipi_sent = 0;
	start_ap(ipi_ap);
	for (spin = 0; !ipi_sent && spin < 1000000000UL; spin++)
		__asm__ volatile("pause");
	for (run = 0; run < VIRQ_RUNS; run++) {
		*(volatile u32 *)(np_vmcb + VMCB_INT_CTL) =
			V_IRQ | V_IGN_TPR | V_INTR_MASKING;
		*(volatile u32 *)(np_vmcb + VMCB_INT_VECTOR) = VIRQ_VEC;
		*(volatile u64 *)(sa + SA_RIP) = (u64)g_virq_main;
		*(volatile u64 *)(sa + SA_RSP) = (u64)virq_stack + sizeof(virq_stack);
		*(volatile u64 *)(sa + SA_RFLAGS) = 0x202;
		*(volatile u64 *)(sa + SA_RAX) = 0;
		np_vmrun((u64)np_vmcb);
		code = *(volatile u64 *)(np_vmcb + VMCB_EXIT_CODE);
		rax = *(volatile u64 *)(sa + SA_RAX);
		if (code != EXIT_VMMCALL || (rax != 'V' && rax != 'M')) {
			if (!bad_exit++)
				csnprintf(why, sizeof(why), "run %u: exit 0x%lx, RAX 0x%lx",
					  run, code, rax);
		} else if (rax == 'M') {
			late++;
		}
	}
	ipi_stop = 1;
	for (spin = 0; ipi_stop != 2 && spin < 1000000000UL; spin++)
		__asm__ volatile("pause");
	/* The last IPI stays pending: no later code may open a window to it. */
	*(volatile u32 *)(LAPIC + LAPIC_SVR) &= ~0x100U;
	if (!bad_exit)
		csnprintf(why, sizeof(why), "%u of %u guests ran before their virtual interrupt",
			  late, run);
	cprintf("# %u VMRUNs with V_IRQ beside %u IPIs from the AP: %u guests ran first\n",
		run, ipi_sent, late);
	tap_why(ipi_sent && ipi_stop == 2 && !bad_exit && !late, why,
		"TCG: VMRUN's pending virtual interrupt survives IPIs from another CPU");
}

void test_tcg(void);
void test_tcg(void)
{
	u64 f;

	f = CMPXCHG_FLAGS("cmpxchg16b");
	csnprintf(why, sizeof(why), "RFLAGS 0x%lx", f);
	tap_why((f & ~FLAGS_ARITH) == FLAGS_FIXED && (f & FLAGS_ZF), why,
		"TCG: CMPXCHG16B after ADD in one block: ZF set, no other bits");
	f = CMPXCHG_FLAGS("cmpxchg8b");
	csnprintf(why, sizeof(why), "RFLAGS 0x%lx", f);
	tap_why((f & ~FLAGS_ARITH) == FLAGS_FIXED && (f & FLAGS_ZF), why,
		"TCG: CMPXCHG8B after ADD in one block: ZF set, no other bits");
	test_cross_modifying_code();
	test_npt_vs_fxrstor();
	test_virq_vs_ipi();
}
