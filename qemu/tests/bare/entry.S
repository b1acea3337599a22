/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Boot and exception plumbing of the bare test program.
 *
 * QEMU's -kernel loads it as a Multiboot image (the a.out kludge: a flat
 * binary whose header says where it goes), in 32-bit protected mode
 * without paging.  The 32-bit entry builds identity page tables for the
 * first 5 GiB with 2M pages (low RAM and the RMP table at 4 GiB), enters
 * long mode and calls main(); rt.c refines the tables.
 *
 * Exceptions: every vector 0-31 and 0x80 (a DPL 3 gate, the way back
 * from CPL 3 and compatibility mode) goes to exc_entry(), which records
 * what the CPU pushed.  Inside catch_call() or catch_user() it then
 * resumes after the call, which returns the vector (or -1 when the
 * function finished without one, or reached int $0x80).
 */

#define MB_MAGIC	0x1badb002
#define MB_FLAGS	0x00010000	/* the header has the load addresses */

#define KCODE	0x08
#define KDATA	0x10
#define UDATA	0x1b
#define UCODE	0x23
#define CODE32	0x38

/*
 * From 32-bit protected mode to long mode, on the page tables at %eax,
 * then to \entry (64-bit code).  Both CPUs come this way.
 */
.macro LONG_MODE entry
	movl	%eax, %cr3
	movl	%cr4, %eax
	orl	$0x20, %eax			/* PAE */
	movl	%eax, %cr4
	movl	$0xc0000080, %ecx		/* EFER.LME */
	rdmsr
	orl	$0x100, %eax
	wrmsr
	movl	%cr0, %eax
	orl	$0x80010001, %eax		/* PG, WP, PE */
	movl	%eax, %cr0
	lgdt	gdt_desc
	ljmp	$KCODE, $\entry
.endm

/* In long mode: the data segments, the stack at \stack, then \fn(). */
.macro LONG_START stack, fn
	movw	$KDATA, %ax
	movw	%ax, %ds
	movw	%ax, %es
	movw	%ax, %ss
	movw	%ax, %fs
	movw	%ax, %gs
	movq	$\stack, %rsp
	call	\fn
1:	hlt
	jmp	1b
.endm

	.section .multiboot, "a"
	.balign 4
mb_header:
	.long MB_MAGIC
	.long MB_FLAGS
	.long -(MB_MAGIC + MB_FLAGS)
	.long mb_header			/* header_addr */
	.long __load_start		/* load_addr */
	.long _edata			/* load_end_addr */
	.long _end			/* bss_end_addr */
	.long _start32			/* entry_addr */

	.text
	.code32
	.globl _start32
_start32:
	cli
	movl	%ebx, mb_info
	movl	%eax, mb_magic
	movl	$boot_stack_top, %esp

	/* PML4[0] -> pdpt; PDPT[0..4] -> boot_pd + i * 4K. */
	movl	$pdpt, %eax
	orl	$7, %eax
	movl	%eax, pml4
	xorl	%ecx, %ecx
1:	movl	%ecx, %eax
	shll	$12, %eax
	addl	$boot_pd, %eax
	orl	$7, %eax
	movl	%eax, pdpt(,%ecx,8)
	incl	%ecx
	cmpl	$5, %ecx
	jb	1b

	/* 2560 2M pages, present, writable, user, PS: 0-5 GiB. */
	xorl	%ecx, %ecx
2:	movl	%ecx, %eax
	shll	$21, %eax
	orl	$0x87, %eax
	movl	%eax, boot_pd(,%ecx,8)
	movl	%ecx, %eax
	shrl	$11, %eax
	movl	%eax, boot_pd+4(,%ecx,8)
	incl	%ecx
	cmpl	$2560, %ecx
	jb	2b

	movl	$pml4, %eax
	LONG_MODE long_entry

	.code64
long_entry:
	LONG_START boot_stack_top, main

/*
 * The second CPU's way in (rt.c's start_ap()): ap_tramp..ap_tramp_end
 * is copied below 1M, where INIT and SIPI start the CPU in real mode at
 * its first byte.  It loads the GDT through ap_tramp_gdt, which the BSP
 * fills in, and goes the BSP's way to long mode, on the page tables at
 * ap_cr3 and its own stack, to ap_main().
 */
	.code16
	.globl ap_tramp, ap_tramp_gdt, ap_tramp_end
ap_tramp:
	cli
	movw	%cs, %ax
	movw	%ax, %ds
	lgdtl	(ap_tramp_gdt - ap_tramp)
	movl	%cr0, %eax
	orl	$1, %eax			/* PE */
	movl	%eax, %cr0
	ljmpl	$CODE32, $ap_start32
	.balign 8
ap_tramp_gdt:
	.word	0				/* limit, */
	.long	0				/* base: from the BSP */
ap_tramp_end:

	.code32
ap_start32:
	movw	$KDATA, %ax
	movw	%ax, %ds
	movw	%ax, %es
	movw	%ax, %ss
	movl	ap_cr3, %eax
	LONG_MODE ap_long

	.code64
ap_long:
	LONG_START ap_stack_top, ap_main

/* Exception entry: vector and (for those without one) a zero error code. */
.macro EXC vec, has_err
	.balign 16
exc\vec:
	.if \has_err == 0
	pushq	$0
	.endif
	pushq	$\vec
	jmp	exc_common
.endm

	EXC 0, 0
	EXC 1, 0
	EXC 2, 0
	EXC 3, 0
	EXC 4, 0
	EXC 5, 0
	EXC 6, 0
	EXC 7, 0
	EXC 8, 1
	EXC 9, 0
	EXC 10, 1
	EXC 11, 1
	EXC 12, 1
	EXC 13, 1
	EXC 14, 1
	EXC 15, 0
	EXC 16, 0
	EXC 17, 1
	EXC 18, 0
	EXC 19, 0
	EXC 20, 0
	EXC 21, 1
	EXC 22, 0
	EXC 23, 0
	EXC 24, 0
	EXC 25, 0
	EXC 26, 0
	EXC 27, 0
	EXC 28, 0
	EXC 29, 1
	EXC 30, 1
	EXC 31, 0
	EXC 128, 0

exc_common:
	pushq	%rax
	pushq	%rbx
	pushq	%rcx
	pushq	%rdx
	pushq	%rsi
	pushq	%rdi
	pushq	%rbp
	pushq	%r8
	pushq	%r9
	pushq	%r10
	pushq	%r11
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	movq	%rsp, %rdi
	cld
	call	exc_entry		/* may rewrite the frame to resume elsewhere */
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%r11
	popq	%r10
	popq	%r9
	popq	%r8
	popq	%rbp
	popq	%rdi
	popq	%rsi
	popq	%rdx
	popq	%rcx
	popq	%rbx
	popq	%rax
	addq	$16, %rsp		/* vector, error code */
	iretq

	.section .rodata
	.balign 8
	.globl exc_stubs
exc_stubs:
	.irp v, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	.quad exc\v
	.endr
	.globl exc_stub_0x80
exc_stub_0x80:
	.quad exc128
	.text

/*
 * long catch_call(void (*fn)(struct op *), struct op *op): call fn(op) at
 * CPL 0; -1 if it returns, else the vector of the exception it took
 * (details in 'exc').  The handler resumes at catch_resume with the stack
 * as it was at the call.
 */
.macro CATCH_PROLOGUE
	pushq	%rbx
	pushq	%rbp
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	movq	%rsp, catch_rsp
	leaq	catch_resume(%rip), %rax
	movq	%rax, catch_rip
.endm

	.globl catch_call
catch_call:
	CATCH_PROLOGUE
	movq	%rdi, %rax
	movq	%rsi, %rdi
	call	*%rax
	movq	$-1, %rax
	jmp	catch_done
catch_resume:
	movq	exc_result, %rax
catch_done:
	movq	$0, catch_rip
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%rbp
	popq	%rbx
	ret

/*
 * long catch_user(void (*fn)(struct op *), struct op *op): run fn(op) at
 * CPL 3 on the user stack with interrupts off; fn ends with int $0x80.
 */
	.globl catch_user
catch_user:
	CATCH_PROLOGUE
	pushq	$UDATA
	pushq	$user_stack_top
	pushq	$0x2
	pushq	$UCODE
	pushq	%rdi
	movq	%rsi, %rdi
	iretq

/*
 * long catch_compat(void (*fn)(void)): far-jump to fn (32-bit code below
 * 4 GiB) in compatibility mode; fn ends with int $0x80.
 */
	.globl catch_compat
catch_compat:
	CATCH_PROLOGUE
	pushq	$CODE32
	pushq	%rdi
	lretq

/* Instruction stubs, fn(struct op *) for catch_call/catch_user. */
#define OP_RAX	0
#define OP_RCX	8
#define OP_RDX	16
#define OP_OUT	24

.macro OP_LOAD
	movq	OP_RAX(%rdi), %rax
	movq	OP_RCX(%rdi), %rcx
	movq	OP_RDX(%rdi), %rdx
.endm

.macro OP_STUB name, b0, b1, b2, b3
	.globl op_\name
op_\name:
	OP_LOAD
	.byte	\b0, \b1, \b2, \b3
	movq	%rax, OP_OUT(%rdi)
	ret
	.globl user_\name
user_\name:
	OP_LOAD
	.byte	\b0, \b1, \b2, \b3
	movq	%rax, OP_OUT(%rdi)
	int	$0x80
.endm

	OP_STUB rmpupdate, 0xf2, 0x0f, 0x01, 0xfe
	OP_STUB psmash, 0xf3, 0x0f, 0x01, 0xff
	OP_STUB pvalidate, 0xf2, 0x0f, 0x01, 0xff
	OP_STUB rmpadjust, 0xf3, 0x0f, 0x01, 0xfe

	.globl op_wrmsr
op_wrmsr:			/* ECX = msr, EDX:EAX = value */
	OP_LOAD
	wrmsr
	ret

	.globl op_rdmsr
op_rdmsr:			/* OUT = EDX:EAX */
	OP_LOAD
	rdmsr
	shlq	$32, %rdx
	movl	%eax, %eax
	orq	%rdx, %rax
	movq	%rax, OP_OUT(%rdi)
	ret

	.globl op_write8
op_write8:			/* byte [RCX] = AL */
	OP_LOAD
	movb	%al, (%rcx)
	ret

	.globl user_write8
user_write8:
	OP_LOAD
	movb	%al, (%rcx)
	int	$0x80

	.globl op_read8
op_read8:			/* OUT = byte [RCX] */
	OP_LOAD
	movzbq	(%rcx), %rax
	movq	%rax, OP_OUT(%rdi)
	ret

	.globl user_read8
user_read8:
	OP_LOAD
	movzbq	(%rcx), %rax
	movq	%rax, OP_OUT(%rdi)
	int	$0x80

/* Compatibility-mode code (runs with CS = CODE32): the instructions #UD. */
	.code32
	.globl compat_rmpupdate
compat_rmpupdate:
	.byte	0xf2, 0x0f, 0x01, 0xfe
	int	$0x80
	.globl compat_psmash
compat_psmash:
	.byte	0xf3, 0x0f, 0x01, 0xff
	int	$0x80
	.code64

	.data
	.balign 8
gdt:
	.quad	0				/* null */
	.quad	0x00af9a000000ffff		/* 0x08 kernel code, 64-bit */
	.quad	0x00cf92000000ffff		/* 0x10 kernel data */
	.quad	0x00cff2000000ffff		/* 0x18 user data */
	.quad	0x00affa000000ffff		/* 0x20 user code, 64-bit */
	.globl gdt_tss
gdt_tss:
	.quad	0, 0				/* 0x28 TSS, filled by rt.c */
	.quad	0x00cf9a000000ffff		/* 0x38 kernel code, 32-bit */
gdt_end:
	.balign 8
	.word	0, 0, 0
gdt_desc:
	.word	gdt_end - gdt - 1
	.quad	gdt

	.globl mb_info, mb_magic, catch_rsp, catch_rip, exc_result, ap_cr3
ap_cr3:		.quad 0
mb_info:	.quad 0
mb_magic:	.quad 0
catch_rsp:	.quad 0
catch_rip:	.quad 0
exc_result:	.quad 0

	.bss
	.balign 4096
	.globl pml4, pdpt, boot_pd
pml4:		.skip 4096
pdpt:		.skip 4096
boot_pd:	.skip 5 * 4096
		.skip 16384
boot_stack_top:
	.globl exc_stack_top, user_stack_top
		.skip 16384
exc_stack_top:
		.skip 8192
user_stack_top:
		.skip 16384
ap_stack_top:

	.section .note.GNU-stack, "", @progbits
