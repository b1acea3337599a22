/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the bare mini-hypervisors share: SVM's MSRs, VMCB and save-area
 * (VMSA) offsets, intercept bits and exit codes (AMD APM vol. 2,
 * 15.5-15.36 and Appendix B).
 */
#ifndef BARE_SVM_H
#define BARE_SVM_H

#include "rt.h"

#define MSR_EFER		0xc0000080
#define EFER_SVME		(1UL << 12)
#define MSR_VM_HSAVE_PA		0xc0010117
#define MSR_GHCB		0xc0010130
#define MSR_SEV_STATUS		0xc0010131

/* VMCB control area */
#define VMCB_INTERCEPT		0x00c	/* words 3 and 4 */
#define VMCB_ASID		0x058
#define VMCB_TLB_CTL		0x05c
#define VMCB_INT_CTL		0x060
#define VMCB_INT_VECTOR		0x064
#define VMCB_INT_STATE		0x068
#define VMCB_EXIT_CODE		0x070
#define VMCB_EXIT_INFO1		0x078
#define VMCB_EXIT_INFO2		0x080
#define VMCB_NESTED_CTL		0x090
#define VMCB_GHCB		0x0a0
#define VMCB_EVENT_INJ		0x0a8
#define VMCB_NCR3		0x0b0
#define VMCB_VIRT_EXT		0x0b8
#define VMCB_NEXT_RIP		0x0c8
#define VMCB_VMSA		0x108
#define VMCB_SAVE		0x400

/* Save area, in the VMCB at VMCB_SAVE or an SEV-ES guest's VMSA */
#define SA_CS			0x010
#define SA_VMPL			0x0ca
#define SA_CPL			0x0cb
#define SA_EFER			0x0d0
#define SA_CR4			0x148
#define SA_CR3			0x150
#define SA_CR0			0x158
#define SA_RFLAGS		0x170
#define SA_RIP			0x178
#define SA_RSP			0x1d8
#define SA_RAX			0x1f8
#define SA_GPAT			0x268
#define SA_RBX			0x318
#define SA_R8			0x340
#define SA_R15			0x378
#define SA_SEV_FEATURES		0x3b0
#define SA_XCR0			0x3e8

/* VMCB_INT_CTL */
#define V_IRQ			(1U << 8)
#define V_IGN_TPR		(1U << 20)
#define V_INTR_MASKING		(1U << 24)

/* VMCB_NESTED_CTL */
#define NP			(1UL << 0)
#define SEV			(1UL << 1)
#define SEV_ES			(1UL << 2)

/* Intercept bits of the 64-bit word at VMCB_INTERCEPT: exit code - 0x60 */
#define I_CPUID			(1UL << (0x72 - 0x60))
#define I_HLT			(1UL << (0x78 - 0x60))
#define I_VMRUN			(1UL << (0x80 - 0x60))
#define I_VMMCALL		(1UL << (0x81 - 0x60))
#define I_EFER_TRAP		(1UL << (0x8f - 0x60))
#define I_CR4_TRAP		(1UL << (0x94 - 0x60))

#define EXIT_VMMCALL		0x81UL
#define EXIT_NPF		0x400
#define EXIT_VMGEXIT		0x403
#define EXIT_INVALID		0xffffffffffffffffUL

/* Segment @n of the save area at @sa: ES CS SS DS FS GS GDTR LDTR IDTR TR */
static inline void svm_seg(u8 *sa, int n, u16 sel, u16 attr, u32 limit,
			   u64 base)
{
	u8 *s = sa + n * 16;

	*(volatile u16 *)s = sel;
	*(volatile u16 *)(s + 2) = attr;
	*(volatile u32 *)(s + 4) = limit;
	*(volatile u64 *)(s + 8) = base;
}

#endif
