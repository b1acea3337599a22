/* SPDX-License-Identifier: GPL-2.0 */
/* The bare test program's runtime: console, TAP, exceptions, paging. */
#ifndef BARE_RT_H
#define BARE_RT_H

typedef unsigned char u8;
typedef unsigned short u16;
typedef unsigned int u32;
typedef unsigned long u64;
typedef long s64;

#define KiB	0x400UL
#define MiB	0x100000UL
#define GiB	0x40000000UL

/* Operands of an instruction stub (entry.S: op_* at CPL 0, user_* at CPL 3). */
struct op {
	u64 rax, rcx, rdx;
	u64 out;		/* RAX after the instruction (op_rdmsr: EDX:EAX) */
};

typedef void op_fn(struct op *op);
op_fn op_rmpupdate, op_psmash, op_pvalidate, op_rmpadjust;
op_fn op_wrmsr, op_rdmsr, op_write8, op_read8;
op_fn user_rmpupdate, user_psmash, user_pvalidate, user_rmpadjust;
op_fn user_write8, user_read8;
void compat_rmpupdate(void), compat_psmash(void);

/* What the last exception pushed, as the handler found it. */
struct exc_info {
	u64 vector;
	u64 error_code;		/* the whole quadword of the frame */
	u64 cr2;
	u64 rip;
	u64 cs;
};
extern struct exc_info exc;

#define NO_EXC	(-1L)
/* Run fn at CPL 0 / CPL 3: NO_EXC, or the vector of the exception taken. */
long catch_call(op_fn *fn, struct op *op);
long catch_user(op_fn *fn, struct op *op);
/* Jump to 32-bit code in compatibility mode at CPL 0. */
long catch_compat(void (*fn)(void));

void rt_init(void);
const char *cmdline(void);
int has_word(const char *s, const char *word);

void cprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* One TAP line; returns cond. */
int tap(int cond, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A TAP line that fails with the reason given in why (may be empty). */
int tap_why(int cond, const char *why, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Returns the length written (without the NUL). */
u64 csnprintf(char *buf, u64 size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void bail_out(const char *why) __attribute__((noreturn));
/* The plan line, then leave QEMU: isa-debug-exit code 1 (all ok) or 3. */
void finish(void) __attribute__((noreturn));
/* Start the second CPU at fn(), on its own stack; it halts if fn() returns. */
void start_ap(void (*fn)(void));
/* The local APIC's registers, identity-mapped */
#define LAPIC		0xfee00000UL
#define LAPIC_SVR	0x0f0
/* Send a fixed IPI of @vec to the CPU with APIC ID @apic_id. */
void send_ipi(u32 apic_id, u8 vec);
/* Point vector @vec at @handler through an interrupt gate (CPL 0). */
void set_irq_gate(int vec, void (*handler)(void));

/*
 * Addresses.  Physical memory is identity-mapped with 2M pages, except
 * the 2M region at MAP4K_BASE, mapped with 4K pages; ALIAS_1G maps
 * physical 0-1G through a single 1G page.
 */
#define MAP4K_BASE	(32 * MiB)
#define ALIAS_1G	(8 * GiB)
/* Whether the 1G alias exists (CPUID PDPE1GB). */
extern int have_1g;

static inline void outb(u16 port, u8 v)
{
	__asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline void outl(u16 port, u32 v)
{
	__asm__ volatile("outl %0, %1" : : "a"(v), "Nd"(port));
}

static inline void cpuid(u32 leaf, u32 sub, u32 *a, u32 *b, u32 *c, u32 *d)
{
	__asm__ volatile("cpuid" : "=a"(*a), "=b"(*b), "=c"(*c), "=d"(*d)
			 : "a"(leaf), "c"(sub));
}

static inline u32 inl(u16 port)
{
	u32 v;

	__asm__ volatile("inl %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

/* RDMSR and WRMSR that are expected not to fault. */
static inline u64 msr_read(u32 msr)
{
	u32 lo, hi;

	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return lo | (u64)hi << 32;
}

static inline void msr_write(u32 msr, u64 v)
{
	__asm__ volatile("wrmsr" : : "c"(msr), "a"((u32)v), "d"((u32)(v >> 32)));
}

#define RDCR(n) ({ u64 v; __asm__ volatile("mov %%cr" #n ", %0" : "=r"(v)); v; })
#define WRCR(n, v) __asm__ volatile("mov %0, %%cr" #n : : "r"((u64)(v)) : "memory")

static inline u64 rd64(u64 pa)
{
	return *(volatile u64 *)pa;
}

static inline void wr64(u64 pa, u64 v)
{
	*(volatile u64 *)pa = v;
}

void *memset(void *s, int c, u64 n);

#endif
