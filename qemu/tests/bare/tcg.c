// SPDX-License-Identifier: GPL-2.0
/*
 * Bare tests of what the model changes in QEMU's TCG x86 front end, for
 * the host CPU's own instructions.
 */
#include "rt.h"

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
}
