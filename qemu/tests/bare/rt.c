// SPDX-License-Identifier: GPL-2.0
/*
 * The bare test program's runtime: the debug console (port 0xe9), TAP
 * lines, the IDT and TSS, the page tables beyond the boot ones, and the
 * exit through isa-debug-exit (port 0xf4).
 */
#include <stdarg.h>
#include "rt.h"

#define DEBUGCON	0xe9
#define DEBUG_EXIT	0xf4
#define KCODE		0x08
#define KDATA		0x10
#define TSS_SEL		0x28
#define MB_BOOT_MAGIC	0x2badb002

extern u64 pml4[512], pdpt[512], boot_pd[5 * 512];
extern u64 gdt_tss[2];
extern u64 exc_stubs[32], exc_stub_0x80;
extern u64 mb_info, mb_magic, catch_rsp, catch_rip, exc_result;
extern char exc_stack_top[];

struct exc_info exc;
int have_1g;

static u64 pt_4k[512] __attribute__((aligned(4096)));
static u64 idt[256 * 2] __attribute__((aligned(16)));
static u8 tss[104] __attribute__((aligned(16)));
static int tap_n, tap_failed;

void *memset(void *s, int c, u64 n)
{
	u8 *p = s;

	while (n--)
		*p++ = (u8)c;
	return s;
}

/* Formatting: %s %c %d %u %x %p, with '#', '0', a width and 'l'. */
struct sink {
	char *buf;
	u64 size, len;		/* buf == 0: the console */
};

static void put(struct sink *s, char c)
{
	if (!s->buf)
		outb(DEBUGCON, (u8)c);
	else if (s->len + 1 < s->size)
		s->buf[s->len] = c;
	s->len++;
}

static void put_num(struct sink *s, u64 v, unsigned int base, int neg,
		    int alt, int zero, int width)
{
	char tmp[24];
	int n = 0, pre = neg + (alt ? 2 : 0);

	do {
		tmp[n++] = "0123456789abcdef"[v % base];
		v /= base;
	} while (v);
	if (!zero)
		for (; width > n + pre; width--)
			put(s, ' ');
	if (neg)
		put(s, '-');
	if (alt) {
		put(s, '0');
		put(s, 'x');
	}
	for (; width > n + pre; width--)
		put(s, '0');
	while (n)
		put(s, tmp[--n]);
}

static void vformat(struct sink *s, const char *fmt, va_list ap)
{
	for (; *fmt; fmt++) {
		int alt = 0, zero = 0, width = 0, lng = 0;
		const char *str;

		if (*fmt != '%') {
			put(s, *fmt);
			continue;
		}
		fmt++;
		for (;; fmt++) {
			if (*fmt == '#')
				alt = 1;
			else if (*fmt == '0')
				zero = 1;
			else
				break;
		}
		while (*fmt >= '0' && *fmt <= '9')
			width = width * 10 + (*fmt++ - '0');
		while (*fmt == 'l') {
			lng = 1;
			fmt++;
		}
		switch (*fmt) {
		case 'd': {
			s64 v = lng ? va_arg(ap, s64) : va_arg(ap, int);

			put_num(s, v < 0 ? -(u64)v : (u64)v, 10, v < 0, 0, zero, width);
			break;
		}
		case 'u':
			put_num(s, lng ? va_arg(ap, u64) : va_arg(ap, u32), 10, 0, 0,
				zero, width);
			break;
		case 'x':
			put_num(s, lng ? va_arg(ap, u64) : va_arg(ap, u32), 16, 0, alt,
				zero, width);
			break;
		case 'p':
			put_num(s, (u64)va_arg(ap, void *), 16, 0, 1, 0, 0);
			break;
		case 'c':
			put(s, (char)va_arg(ap, int));
			break;
		case 's':
			for (str = va_arg(ap, const char *); *str; str++)
				put(s, *str);
			break;
		case '%':
			put(s, '%');
			break;
		default:
			put(s, '?');
			if (!*fmt)
				return;
		}
	}
}

void cprintf(const char *fmt, ...)
{
	struct sink s = { 0 };
	va_list ap;

	va_start(ap, fmt);
	vformat(&s, fmt, ap);
	va_end(ap);
}

u64 csnprintf(char *buf, u64 size, const char *fmt, ...)
{
	struct sink s = { buf, size, 0 };
	va_list ap;

	va_start(ap, fmt);
	vformat(&s, fmt, ap);
	va_end(ap);
	if (s.len >= size)
		s.len = size - 1;
	buf[s.len] = 0;
	return s.len;
}

static int vtap(int cond, const char *why, const char *fmt, va_list ap)
{
	struct sink s = { 0 };

	tap_n++;
	if (!cond)
		tap_failed++;
	cprintf("%sok %d - ", cond ? "" : "not ", tap_n);
	vformat(&s, fmt, ap);
	if (!cond && why && *why)
		cprintf(" (%s)", why);
	cprintf("\n");
	return cond;
}

int tap(int cond, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vtap(cond, 0, fmt, ap);
	va_end(ap);
	return cond;
}

int tap_why(int cond, const char *why, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vtap(cond, why, fmt, ap);
	va_end(ap);
	return cond;
}

static void leave(int code) __attribute__((noreturn));
static void leave(int code)
{
	/* isa-debug-exit: QEMU exits with (code << 1) | 1. */
	outl(DEBUG_EXIT, code);
	for (;;)
		__asm__ volatile("cli; hlt");
}

void bail_out(const char *why)
{
	cprintf("Bail out! %s\n", why);
	leave(1);
}

void finish(void)
{
	cprintf("1..%d\n", tap_n);
	cprintf("# %d of %d failed\n", tap_failed, tap_n);
	leave(tap_failed ? 1 : 0);
}

/* The frame exc_common builds: its registers, then what the CPU pushed. */
struct frame {
	u64 r15, r14, r13, r12, r11, r10, r9, r8, rbp, rdi, rsi, rdx, rcx, rbx, rax;
	u64 vector, error_code;
	u64 rip, cs, rflags, rsp, ss;
};

void exc_entry(struct frame *f);
void exc_entry(struct frame *f)
{
	char buf[160];
	u64 cr2 = 0;

	if (f->vector == 14)
		__asm__ volatile("mov %%cr2, %0" : "=r"(cr2));
	if (f->vector != 0x80) {
		exc.vector = f->vector;
		exc.error_code = f->error_code;
		exc.cr2 = cr2;
		exc.rip = f->rip;
		exc.cs = f->cs;
	}
	if (!catch_rip) {
		csnprintf(buf, sizeof(buf),
			  "unexpected exception %lu at rip %#lx cs %#lx, error code %#lx, cr2 %#lx",
			  f->vector, f->rip, f->cs, f->error_code, cr2);
		bail_out(buf);
	}
	/* Resume in catch_call/catch_user/catch_compat, at CPL 0 in 64-bit mode. */
	exc_result = f->vector == 0x80 ? (u64)NO_EXC : f->vector;
	f->rip = catch_rip;
	f->cs = KCODE;
	f->rflags = 0x2;
	f->rsp = catch_rsp;
	f->ss = KDATA;
}

static void set_gate(int vec, u64 handler, int dpl)
{
	idt[vec * 2] = (handler & 0xffff) | ((u64)KCODE << 16) |
		       ((u64)(0x8e | dpl << 5) << 40) |
		       ((handler >> 16 & 0xffff) << 48);
	idt[vec * 2 + 1] = handler >> 32;
}

const char *cmdline(void)
{
	const u32 *mbi = (const u32 *)mb_info;

	if (mb_magic != MB_BOOT_MAGIC || !mbi || !(mbi[0] & 4))
		return "";
	return (const char *)(u64)mbi[4];
}

/* Whether s holds word as a whole space-separated word. */
int has_word(const char *s, const char *word)
{
	const char *p, *w;

	for (p = s; *p; p++) {
		if (p != s && p[-1] != ' ')
			continue;
		for (w = word; *w && p[w - word] == *w; w++)
			;
		if (!*w && (p[w - word] == ' ' || !p[w - word]))
			return 1;
	}
	return 0;
}

void rt_init(void)
{
	struct {
		u16 limit;
		u64 base;
	} __attribute__((packed)) idtr = { sizeof(idt) - 1, (u64)idt };
	u64 base = (u64)tss, a, i;
	u32 eax, ebx, ecx, edx;

	if (mb_magic != MB_BOOT_MAGIC)
		bail_out("not started by a Multiboot loader");

	/* IDT: exceptions at DPL 0, int $0x80 at DPL 3. */
	for (i = 0; i < 32; i++)
		set_gate(i, exc_stubs[i], 0);
	set_gate(0x80, exc_stub_0x80, 3);
	__asm__ volatile("lidt %0" : : "m"(idtr));

	/* TSS: the stack for exceptions taken at CPL 3. */
	memset(tss, 0, sizeof(tss));
	*(u64 *)(tss + 4) = (u64)exc_stack_top;			/* RSP0 */
	*(u16 *)(tss + 102) = sizeof(tss);			/* no I/O bitmap */
	gdt_tss[0] = (sizeof(tss) - 1) | (base & 0xffffff) << 16 |
		     0x89UL << 40 | (base >> 24 & 0xff) << 56;
	gdt_tss[1] = base >> 32;
	__asm__ volatile("ltr %w0" : : "r"(TSS_SEL));

	/* The 2M region at MAP4K_BASE through 4K pages. */
	for (i = 0; i < 512; i++)
		pt_4k[i] = (MAP4K_BASE + i * 4 * KiB) | 7;
	boot_pd[MAP4K_BASE / (2 * MiB)] = (u64)pt_4k | 7;

	/* Physical 0-1G at ALIAS_1G through one 1G page, if the CPU has them. */
	cpuid(0x80000001, 0, &eax, &ebx, &ecx, &edx);
	have_1g = !!(edx & (1U << 26));
	if (have_1g)
		pdpt[ALIAS_1G / GiB] = 0 | 0x87;

	__asm__ volatile("mov %%cr3, %0; mov %0, %%cr3" : "=r"(a) : : "memory");
}

/* The second CPU (APIC ID 1), started by start_ap(). */
#define AP_TRAMP	0x8000UL	/* below 1M, page aligned: the SIPI vector */
#define LAPIC_ICR_LO	0x300
#define LAPIC_ICR_HI	0x310
#define ICR_FIXED	0x00004000U	/* fixed, level assert */
#define ICR_INIT	0x00004500U	/* INIT, level assert */
#define ICR_SIPI	0x00004600U	/* start-up, vector in bits 7:0 */
#define ICR_BUSY	(1U << 12)

extern char ap_tramp[], ap_tramp_gdt[], ap_tramp_end[];
extern u64 ap_cr3;
static void (*volatile ap_fn)(void);

static void lapic_icr(u32 hi, u32 lo)
{
	volatile u32 *icr_lo = (volatile u32 *)(LAPIC + LAPIC_ICR_LO);

	*(volatile u32 *)(LAPIC + LAPIC_ICR_HI) = hi;
	*icr_lo = lo;
	while (*icr_lo & ICR_BUSY)
		;
}

void ap_main(void);
void ap_main(void)
{
	struct {
		u16 limit;
		u64 base;
	} __attribute__((packed)) idtr = { sizeof(idt) - 1, (u64)idt };

	__asm__ volatile("lidt %0" : : "m"(idtr));
	ap_fn();
	for (;;)
		__asm__ volatile("cli; hlt");
}

void send_ipi(u32 apic_id, u8 vec)
{
	lapic_icr(apic_id << 24, ICR_FIXED | vec);
}

void set_irq_gate(int vec, void (*handler)(void))
{
	set_gate(vec, (u64)handler, 0);
}

void start_ap(void (*fn)(void))
{
	struct {
		u16 limit;
		u64 base;
	} __attribute__((packed)) gdtr;
	u8 *dst = (u8 *)AP_TRAMP;
	u64 i, gdt_off = ap_tramp_gdt - ap_tramp;

	for (i = 0; i < (u64)(ap_tramp_end - ap_tramp); i++)
		dst[i] = ap_tramp[i];
	__asm__ volatile("sgdt %0" : "=m"(gdtr));
	*(u16 *)(dst + gdt_off) = gdtr.limit;
	*(u32 *)(dst + gdt_off + 2) = (u32)gdtr.base;
	ap_cr3 = RDCR(3);
	ap_fn = fn;
	lapic_icr(1U << 24, ICR_INIT);
	lapic_icr(1U << 24, ICR_SIPI | (u32)(AP_TRAMP >> 12));
}
