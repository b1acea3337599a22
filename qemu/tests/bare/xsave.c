// SPDX-License-Identifier: GPL-2.0
/*
 * Tests of XSAVEC, XSAVES, XRSTORS, the compacted form of XRSTOR and the
 * IA32_XSS MSR (Intel SDM vol. 1, 13.4 and 13.8-13.12; AMD APM vol. 2,
 * 11.5): a Linux SNP guest that sees XSAVE insists on a compacting CPU.
 * The checks hold on hardware too: they look only at components the test
 * put out of their initial configuration.
 */
#include "rt.h"

#define CR0_TS			(1UL << 3)
#define CR4_OSFXSR		(1UL << 9)
#define CR4_OSXSAVE		(1UL << 18)
#define CR4_PKE			(1UL << 22)
#define MSR_IA32_XSS		0xda0

#define X_FP			(1UL << 0)
#define X_SSE			(1UL << 1)
#define X_YMM			(1UL << 2)
#define X_BNDREGS		(1UL << 3)
#define X_PKRU			(1UL << 9)
#define XCOMP_COMPACTED		(1UL << 63)

/* Offsets in an XSAVE area. */
#define XA_MXCSR		24
#define XA_XMM0			160
#define XA_LEGACY_END		512
#define XA_XSTATE_BV		512
#define XA_XCOMP_BV		520
#define XA_HDR_RSVD		528	/* bytes 63:16 of the header */
#define XA_EXT			576

#define AREA_SIZE		4096
#define FILL			0xcc

/* fn(struct op *): EDX:EAX the instruction mask, RCX the area. */
op_fn op_xsave, op_xsavec, op_xsaves, op_xrstor, op_xrstors;
op_fn user_xsavec, user_xsaves, user_xrstors;
__asm__(
	".text\n"
	".macro XOP name, insn\n"
	"	.globl op_\\name\n"
	"op_\\name:\n"
	"	movq (%rdi), %rax; movq 8(%rdi), %rcx; movq 16(%rdi), %rdx\n"
	"	\\insn (%rcx)\n"
	"	ret\n"
	"	.globl user_\\name\n"
	"user_\\name:\n"
	"	movq (%rdi), %rax; movq 8(%rdi), %rcx; movq 16(%rdi), %rdx\n"
	"	\\insn (%rcx)\n"
	"	int $0x80\n"
	".endm\n"
	"XOP xsave, xsave64\n"
	"XOP xsavec, xsavec64\n"
	"XOP xsaves, xsaves64\n"
	"XOP xrstor, xrstor64\n"
	"XOP xrstors, xrstors64\n"
	".purgem XOP\n");

static u8 area[2][AREA_SIZE] __attribute__((aligned(4096)));
static char why[256];
/* The standard offset and size of PKRU state (CPUID leaf 0xD, sub-leaf 9). */
static u32 pkru_std_off;

static void cpuid4(u32 leaf, u32 sub, u32 r[4])
{
	cpuid(leaf, sub, &r[0], &r[1], &r[2], &r[3]);
}

static void xsetbv(u64 v)
{
	__asm__ volatile("xsetbv" : : "a"((u32)v), "d"((u32)(v >> 32)), "c"(0));
}

static void set_ymm0(const u8 *v)
{
	__asm__ volatile("vmovdqu (%0), %%ymm0" : : "r"(v) : "memory");
}

static void get_ymm0(u8 *v)
{
	__asm__ volatile("vmovdqu %%ymm0, (%0)" : : "r"(v) : "memory");
}

static void set_mxcsr(u32 v)
{
	__asm__ volatile("ldmxcsr %0" : : "m"(v));
}

static u32 get_mxcsr(void)
{
	u32 v;

	__asm__ volatile("stmxcsr %0" : "=m"(v));
	return v;
}

static void set_pkru(u32 v)
{
	__asm__ volatile("wrpkru" : : "a"(v), "c"(0), "d"(0));
}

static u32 get_pkru(void)
{
	u32 v;

	__asm__ volatile("rdpkru" : "=a"(v) : "c"(0) : "rdx");
	return v;
}

static u64 get64(const u8 *p, u64 off)
{
	return *(const u64 *)(p + off);
}

static void put64(u8 *p, u64 off, u64 v)
{
	*(u64 *)(p + off) = v;
}

static void put32(u8 *p, u64 off, u32 v)
{
	*(u32 *)(p + off) = v;
}

static u32 get32(const u8 *p, u64 off)
{
	return *(const u32 *)(p + off);
}

static int same(const u8 *a, const u8 *b, u64 n)
{
	while (n--)
		if (*a++ != *b++)
			return 0;
	return 1;
}

/* Whether bytes [from, to) of an area still hold the fill pattern. */
static int untouched(const u8 *p, u64 from, u64 to)
{
	for (; from < to; from++)
		if (p[from] != FILL)
			return 0;
	return 1;
}

static void fill(u8 *p)
{
	u64 i;

	for (i = 0; i < AREA_SIZE; i++)
		p[i] = FILL;
}

/* An area as an OS prepares one: filled, with a zeroed header. */
static void fresh(u8 *p)
{
	u64 i;

	fill(p);
	for (i = XA_XSTATE_BV; i < XA_EXT; i++)
		p[i] = 0;
}

/* Run one instruction on an area; NO_EXC or the vector taken. */
static long run(op_fn *fn, const void *a, u64 mask)
{
	struct op op = { .rax = (u32)mask, .rcx = (u64)a, .rdx = mask >> 32 };

	return catch_call(fn, &op);
}

static long run_user(op_fn *fn, const void *a, u64 mask)
{
	struct op op = { .rax = (u32)mask, .rcx = (u64)a, .rdx = mask >> 32 };

	return catch_user(fn, &op);
}

static const char *vec_name(long vec)
{
	switch (vec) {
	case NO_EXC: return "no exception";
	case 6: return "#UD";
	case 7: return "#NM";
	case 13: return "#GP";
	case 14: return "#PF";
	default: return "another exception";
	}
}

static void expect_vec(long got, long want, const char *name)
{
	csnprintf(why, sizeof(why), "got %s, vector %ld", vec_name(got), got);
	tap_why(got == want, why, "%s", name);
}

/* Values the test loads; none is a component's initial configuration. */
static const u8 pattern_a[32] = {
	0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88,
	0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xf0, 0x01,
	0x12, 0x23, 0x34, 0x45, 0x56, 0x67, 0x78, 0x89,
	0x9a, 0xab, 0xbc, 0xcd, 0xde, 0xef, 0xf1, 0x02,
};
static const u8 pattern_b[32] = {
	0xa5, 0xa5, 0xa5, 0xa5, 0xa5, 0xa5, 0xa5, 0xa5,
	0xa5, 0xa5, 0xa5, 0xa5, 0xa5, 0xa5, 0xa5, 0xa5,
	0x5a, 0x5a, 0x5a, 0x5a, 0x5a, 0x5a, 0x5a, 0x5a,
	0x5a, 0x5a, 0x5a, 0x5a, 0x5a, 0x5a, 0x5a, 0x5a,
};
static const u8 zeros[32];
#define MXCSR_A			0x1fa0	/* FZ clear, RC down, a sticky flag */
#define MXCSR_B			0x7f80
#define MXCSR_INIT		0x1f80
#define PKRU_A			0x55555554
#define PKRU_B			0x0000000c

static void load_a(void)
{
	set_ymm0(pattern_a);
	set_mxcsr(MXCSR_A);
	set_pkru(PKRU_A);
}

static void load_b(void)
{
	set_ymm0(pattern_b);
	set_mxcsr(MXCSR_B);
	set_pkru(PKRU_B);
}

/* Whether the registers hold what load_a() put there. */
static int holds_a(const char **what)
{
	u8 v[32];

	get_ymm0(v);
	*what = "YMM0";
	if (!same(v, pattern_a, 32))
		return 0;
	*what = "MXCSR";
	if (get_mxcsr() != MXCSR_A)
		return 0;
	*what = "PKRU";
	return get_pkru() == PKRU_A;
}

static void test_cpuid(void)
{
	u32 r[4];

	cpuid4(0xd, 1, r);
	csnprintf(why, sizeof(why), "EAX 0x%x", r[0]);
	tap_why((r[0] & 0xa) == 0xa, why,
		"XSAVE: CPUID 0xD.1 EAX reports XSAVEC and XSAVES");

	xsetbv(X_FP | X_SSE);
	cpuid4(0xd, 1, r);
	csnprintf(why, sizeof(why), "EBX %u with XCR0 0x3", r[1]);
	if (r[1] == XA_EXT) {
		xsetbv(X_FP | X_SSE | X_YMM | X_PKRU);
		cpuid4(0xd, 1, r);
		csnprintf(why, sizeof(why), "EBX %u with XCR0 0x207", r[1]);
	}
	tap_why(r[1] == XA_EXT + 256 + 8, why,
		"XSAVE: CPUID 0xD.1 EBX is the compacted size of what XCR0 enables");
}

static void test_xsavec(void)
{
	const u64 all = X_FP | X_SSE | X_YMM | X_PKRU;
	u8 *a = area[0];
	long vec;
	u64 bv;

	fill(a);
	load_a();
	vec = run(op_xsavec, a, -1UL);
	bv = get64(a, XA_XSTATE_BV);
	csnprintf(why, sizeof(why), "%s, XSTATE_BV 0x%lx, XCOMP_BV 0x%lx",
		  vec_name(vec), bv, get64(a, XA_XCOMP_BV));
	tap_why(vec == NO_EXC && (bv & (X_SSE | X_YMM | X_PKRU)) ==
		(X_SSE | X_YMM | X_PKRU) && !(bv & ~all) &&
		get64(a, XA_XCOMP_BV) == (XCOMP_COMPACTED | all), why,
		"XSAVEC: XSTATE_BV is RFBM & XINUSE, XCOMP_BV is RFBM | bit 63");
	csnprintf(why, sizeof(why), "MXCSR 0x%x, PKRU at 832 0x%x",
		  get32(a, XA_MXCSR), get32(a, XA_EXT + 256));
	tap_why(same(a + XA_XMM0, pattern_a, 16) &&
		same(a + XA_EXT, pattern_a + 16, 16) &&
		get32(a, XA_MXCSR) == MXCSR_A &&
		get32(a, XA_EXT + 256) == PKRU_A, why,
		"XSAVEC: XMM0, MXCSR, then YMM0's upper half and PKRU packed at 576");
	tap(untouched(a, 464, XA_LEGACY_END) &&
	    untouched(a, XA_HDR_RSVD, XA_EXT) &&
	    untouched(a, XA_EXT + 256 + 8, AREA_SIZE),
	    "XSAVEC: bytes 511:464, the header's 63:16 and what follows untouched");

	fill(a);
	vec = run(op_xsavec, a, X_FP | X_SSE | X_PKRU);
	csnprintf(why, sizeof(why), "%s, XCOMP_BV 0x%lx, PKRU at 576 0x%x",
		  vec_name(vec), get64(a, XA_XCOMP_BV), get32(a, XA_EXT));
	tap_why(vec == NO_EXC && !(get64(a, XA_XSTATE_BV) & X_YMM) &&
		get64(a, XA_XCOMP_BV) == (XCOMP_COMPACTED | X_FP | X_SSE | X_PKRU) &&
		get32(a, XA_EXT) == PKRU_A && untouched(a, XA_EXT + 8, AREA_SIZE),
		why, "XSAVEC: without AVX in RFBM, PKRU moves up to 576");

	vec = run(op_xsavec, a + 16, -1UL);
	expect_vec(vec, 13, "XSAVEC: an area not 64-byte aligned is #GP");
}

static void test_xrstor_compacted(void)
{
	const char *what = "";
	u8 *a = area[0];
	u8 v[32];
	long vec;
	int ok;

	fresh(a);
	load_a();
	run(op_xsavec, a, -1UL);
	load_b();
	vec = run(op_xrstor, a, -1UL);
	ok = vec == NO_EXC && holds_a(&what);
	csnprintf(why, sizeof(why), "%s, %s differs", vec_name(vec), what);
	tap_why(ok, why, "XRSTOR: the compacted form restores what XSAVEC saved");

	/* RFBM without AVX: PKRU's place still comes from XCOMP_BV. */
	load_b();
	vec = run(op_xrstor, a, X_FP | X_SSE | X_PKRU);
	get_ymm0(v);
	csnprintf(why, sizeof(why), "%s, PKRU 0x%x", vec_name(vec), get_pkru());
	tap_why(vec == NO_EXC && same(v, pattern_a, 16) &&
		same(v + 16, pattern_b + 16, 16) && get_pkru() == PKRU_A, why,
		"XRSTOR: compacted, RFBM without AVX: YMM0's upper half stays, PKRU found by XCOMP_BV");

	/* Components whose XSTATE_BV bit is clear take their initial values. */
	put64(a, XA_XSTATE_BV, get64(a, XA_XSTATE_BV) & ~(X_SSE | X_YMM));
	load_b();
	vec = run(op_xrstor, a, -1UL);
	get_ymm0(v);
	csnprintf(why, sizeof(why), "%s, MXCSR 0x%x", vec_name(vec), get_mxcsr());
	tap_why(vec == NO_EXC && same(v, zeros, 32) &&
		get_mxcsr() == MXCSR_INIT && get_pkru() == PKRU_A, why,
		"XRSTOR: compacted, XSTATE_BV[1] and [2] clear: XMM/YMM zero, MXCSR 0x1f80");

	run(op_xsavec, a, -1UL);
	put64(a, XA_XCOMP_BV, get64(a, XA_XCOMP_BV) | X_BNDREGS);
	expect_vec(run(op_xrstor, a, -1UL), 13,
		   "XRSTOR: compacted, XCOMP_BV naming a component outside XCR0 is #GP");
	run(op_xsavec, a, X_FP | X_SSE | X_PKRU);
	put64(a, XA_XSTATE_BV, get64(a, XA_XSTATE_BV) | X_YMM);
	expect_vec(run(op_xrstor, a, -1UL), 13,
		   "XRSTOR: compacted, XSTATE_BV naming a component XCOMP_BV lacks is #GP");
	run(op_xsavec, a, -1UL);
	a[XA_HDR_RSVD + 20] = 1;
	expect_vec(run(op_xrstor, a, -1UL), 13,
		   "XRSTOR: compacted, a nonzero byte in the header's 63:16 is #GP");
	run(op_xsavec, a, -1UL);
	put32(a, XA_MXCSR, MXCSR_B | 1U << 16);
	load_a();
	vec = run(op_xrstor, a, -1UL);
	csnprintf(why, sizeof(why), "%s, MXCSR now 0x%x", vec_name(vec),
		  get_mxcsr());
	tap_why(vec == 13 && get_mxcsr() == MXCSR_A, why,
		"XRSTOR: compacted, a reserved MXCSR bit is #GP, nothing loaded");
}

static void test_xsaves(void)
{
	const char *what = "";
	u8 *a = area[0], *b = area[1];
	u64 xss = 0;
	struct op op = { .rcx = MSR_IA32_XSS };
	long vec;
	u32 r[4];
	int ok;

	vec = catch_call(op_rdmsr, &op);
	xss = op.out;
	csnprintf(why, sizeof(why), "%s, value 0x%lx", vec_name(vec), xss);
	tap_why(vec == NO_EXC && xss == 0, why, "IA32_XSS: reads 0 after reset");

	/* Bit 0 (x87) is never a supervisor component. */
	cpuid4(0xd, 1, r);
	op = (struct op){ .rcx = MSR_IA32_XSS };
	vec = catch_call(op_wrmsr, &op);
	ok = vec == NO_EXC;
	op = (struct op){ .rcx = MSR_IA32_XSS, .rax = 1 };
	if (ok)
		vec = catch_call(op_wrmsr, &op);
	csnprintf(why, sizeof(why), "%s writing %s (CPUID 0xD.1 ECX 0x%x)",
		  vec_name(vec), ok ? "bit 0" : "0", r[2]);
	tap_why(ok && vec == 13, why,
		"IA32_XSS: takes 0, a bit outside CPUID 0xD.1 ECX:EDX is #GP");

	fresh(a);
	fresh(b);
	load_a();
	run(op_xsavec, a, -1UL);
	vec = run(op_xsaves, b, -1UL);
	csnprintf(why, sizeof(why), "%s, XCOMP_BV 0x%lx", vec_name(vec),
		  get64(b, XA_XCOMP_BV));
	tap_why(vec == NO_EXC && same(a, b, AREA_SIZE), why,
		"XSAVES: with IA32_XSS 0, the image XSAVEC writes");

	load_b();
	vec = run(op_xrstors, b, -1UL);
	ok = vec == NO_EXC && holds_a(&what);
	csnprintf(why, sizeof(why), "%s, %s differs", vec_name(vec), what);
	tap_why(ok, why, "XRSTORS: restores what XSAVES saved");

	fresh(a);
	load_a();
	vec = run(op_xsave, a, -1UL);
	csnprintf(why, sizeof(why), "%s, XCOMP_BV 0x%lx, PKRU at %u 0x%x",
		  vec_name(vec), get64(a, XA_XCOMP_BV), pkru_std_off,
		  get32(a, pkru_std_off));
	tap_why(vec == NO_EXC && get64(a, XA_XCOMP_BV) == 0 &&
		same(a + XA_EXT, pattern_a + 16, 16) &&
		get32(a, pkru_std_off) == PKRU_A, why,
		"XSAVE: the standard form: YMM at 576, PKRU at CPUID's offset, XCOMP_BV left 0");
	expect_vec(run(op_xrstors, a, -1UL), 13,
		   "XRSTORS: an area in the standard format is #GP");

	expect_vec(run_user(user_xsaves, b, -1UL), 13, "XSAVES: at CPL 3 is #GP");
	expect_vec(run_user(user_xrstors, b, -1UL), 13,
		   "XRSTORS: at CPL 3 is #GP");
	expect_vec(run_user(user_xsavec, b, -1UL), NO_EXC,
		   "XSAVEC: at CPL 3 runs");
}

static void test_faults(void)
{
	u64 cr0 = RDCR(0), cr4 = RDCR(4);
	long vec, vec2;

	WRCR(0, cr0 | CR0_TS);
	vec = run(op_xsavec, area[0], -1UL);
	vec2 = run(op_xrstors, area[1], -1UL);
	WRCR(0, cr0);
	csnprintf(why, sizeof(why), "XSAVEC %s, XRSTORS %s", vec_name(vec),
		  vec_name(vec2));
	tap_why(vec == 7 && vec2 == 7, why,
		"XSAVEC, XRSTORS: #NM with CR0.TS set");
	fresh(area[0]);
	run(op_xsavec, area[0], -1UL);
	WRCR(0, cr0 | CR0_TS);
	vec = run(op_xrstor, area[0], -1UL);
	vec2 = run(op_xsave, area[1], -1UL);
	WRCR(0, cr0);
	csnprintf(why, sizeof(why), "XRSTOR %s, XSAVE %s", vec_name(vec),
		  vec_name(vec2));
	tap_why(vec == 7 && vec2 == 7, why,
		"XRSTOR (compacted), XSAVE: #NM with CR0.TS set");

	WRCR(4, cr4 & ~CR4_OSXSAVE);
	vec = run(op_xsavec, area[0], -1UL);
	vec2 = run(op_xsaves, area[1], -1UL);
	WRCR(4, cr4);
	csnprintf(why, sizeof(why), "XSAVEC %s, XSAVES %s", vec_name(vec),
		  vec_name(vec2));
	tap_why(vec == 6 && vec2 == 6, why,
		"XSAVEC, XSAVES: #UD with CR4.OSXSAVE clear");
}

void test_xsave(void);
void test_xsave(void)
{
	u64 cr4 = RDCR(4);
	u32 r[4];

	cpuid4(1, 0, r);
	if (!(r[2] & (1U << 26)) || !(r[2] & (1U << 28))) {
		tap(0, "XSAVE: the CPU reports XSAVE and AVX");
		return;
	}
	cpuid4(7, 0, r);
	if (!(r[2] & (1U << 3))) {
		tap(0, "XSAVE: the CPU reports PKU");
		return;
	}
	cpuid4(0xd, 9, r);
	pkru_std_off = r[1];
	cprintf("# XSAVE: PKRU's standard offset %u\n", pkru_std_off);

	WRCR(4, cr4 | CR4_OSFXSR | CR4_OSXSAVE | CR4_PKE);
	test_cpuid();
	xsetbv(X_FP | X_SSE | X_YMM | X_PKRU);
	test_xsavec();
	test_xrstor_compacted();
	test_xsaves();
	test_faults();
	set_pkru(0);
	xsetbv(X_FP);
	WRCR(4, cr4);
}
