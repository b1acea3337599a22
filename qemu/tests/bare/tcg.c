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
}
