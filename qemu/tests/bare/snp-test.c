// SPDX-License-Identifier: GPL-2.0
/*
 * Tests of the QEMU SEV-SNP host model's CPU side, booted on the model:
 * RMPUPDATE, PSMASH, the RMP checks on host writes, and the MSR rules
 * that go with SNPEn.  Each case prints a TAP line on the debug console;
 * the program leaves QEMU through isa-debug-exit (see rt.c).
 *
 * Multiboot command line: "snp=on" (the default) expects
 * -cpu ...,sev-snp-host=on with -machine ...,sev-snp-rmp=on; "snp=off"
 * expects sev-snp-host=off, where none of it exists.
 *
 * References: AMD APM vol. 2, 15.36 (SEV-SNP), vol. 3 (RMPUPDATE, PSMASH,
 * PVALIDATE, RMPADJUST); the RMP entry layout of the family 19h PPR, as
 * Linux reads it.
 */
#include "rt.h"

#define MSR_SYSCFG		0xc0010010
#define SYSCFG_MEM_ENCRYPT	(1UL << 23)
#define SYSCFG_SNP_EN		(1UL << 24)
#define MSR_RMP_BASE		0xc0010132
#define MSR_RMP_END		0xc0010133
#define MSR_VM_PAGE_FLUSH	0xc001011e

/* RMP entry, low quadword. */
#define RMPE_ASSIGNED		(1UL << 0)
#define RMPE_2M			(1UL << 1)
#define RMPE_IMMUTABLE		(1UL << 2)
#define RMPE_GPA_MASK		0x0007fffffffff000UL	/* 50:12 */
#define RMPE_ASID_SHIFT		51			/* 60:51 */
#define RMPE_ASID_MASK		(0x3ffUL << RMPE_ASID_SHIFT)
#define RMPE_VMSA		(1UL << 61)
#define RMPE_VALIDATED		(1UL << 62)
#define RMP_BOOKKEEPING		0x4000

/* RMPUPDATE and PSMASH status codes (EAX). */
#define OK			0
#define FAIL_INPUT		1
#define FAIL_PERMISSION		2
#define FAIL_INUSE		3
#define FAIL_OVERLAP		4
#define FAIL_UNSUPPORTED	7

#define VEC_UD			6
#define VEC_GP			13
#define VEC_PF			14
/* #PF error code bits. */
#define PF_P			(1UL << 0)
#define PF_W			(1UL << 1)
#define PF_U			(1UL << 2)
#define PF_RMP			(1UL << 31)

/* An outcome: a status in EAX, or an exception (EXC | vector). */
#define EXC			0x10000UL
#define NOFAULT			0x20000UL	/* no exception, no status */

/*
 * Test pages, each in a 2M region of its own so that the cases do not
 * meet: all identity-mapped with 2M pages, but REGION_A (MAP4K_BASE),
 * mapped with 4K pages.  RAM is 256M.
 */
#define REGION_A	MAP4K_BASE		/* 32M: 4K mappings */
#define REGION_B	(34 * MiB)		/* 4K page, writes via 2M/1G */
#define REGION_B2	(36 * MiB)		/* B's neighbouring 2M region */
#define REGION_C	(38 * MiB)		/* 2M page, PSMASH */
#define REGION_D	(40 * MiB)		/* 2M update over an assigned 4K */
#define REGION_E	(42 * MiB)		/* immutable 4K page (stays) */
#define REGION_F	(44 * MiB)		/* immutable 2M page (stays) */
#define REGION_G	(46 * MiB)		/* VMSA 2M entry, written directly */
#define REGION_H	(48 * MiB)		/* FAIL_INPUT cases */
#define REGION_I	(50 * MiB)		/* an HV-Fixed 4K entry in it */

/* The new state RMPUPDATE reads at [RCX] (Linux: struct rmp_state). */
struct rmp_state {
	u64 gpa;
	u8 assigned;
	u8 pagesize;		/* 1: 2M */
	u8 immutable;
	u8 rsvd;
	u32 asid;
} __attribute__((packed));

static u64 rmp_base, rmp_end, rmp_pfns;
static char why[256];

/* ---- helpers ---- */

static const char *status_name(u64 r)
{
	static const char *const names[] = {
		"OK", "FAIL_INPUT", "FAIL_PERMISSION", "FAIL_INUSE",
		"FAIL_OVERLAP", "5", "6", "FAIL_UNSUPPORTED",
	};
	static char buf[32];

	if (r == NOFAULT)
		return "no fault";
	if (r & EXC) {
		switch (r & 0xff) {
		case VEC_UD: return "#UD";
		case VEC_GP: return "#GP";
		case VEC_PF: return "#PF";
		}
		csnprintf(buf, sizeof(buf), "exception %lu", r & 0xff);
		return buf;
	}
	if (r < 8)
		return names[r];
	csnprintf(buf, sizeof(buf), "status %#lx", r);
	return buf;
}

static u64 outcome(long vec, struct op *op)
{
	return vec == NO_EXC ? (u32)op->out : EXC | (u64)vec;
}

/* An outcome of code that returns no status: NOFAULT or EXC | vector. */
static u64 fault_outcome(long vec)
{
	return vec == NO_EXC ? NOFAULT : EXC | (u64)vec;
}

static u64 rmpupdate_at(int user, u64 spa, const struct rmp_state *st)
{
	struct op op = { .rax = spa, .rcx = (u64)st };

	return outcome(user ? catch_user(user_rmpupdate, &op) :
			      catch_call(op_rmpupdate, &op), &op);
}

static u64 rmpupdate(u64 spa, u64 gpa, int assigned, int size_2m,
		     int immutable, u32 asid)
{
	struct rmp_state st = {
		.gpa = gpa, .assigned = assigned, .pagesize = size_2m,
		.immutable = immutable, .asid = asid,
	};

	return rmpupdate_at(0, spa, &st);
}

/* Give the page back to the hypervisor: a 4K, unassigned state. */
static u64 rmp_shared(u64 spa)
{
	return rmpupdate(spa, 0, 0, 0, 0, 0);
}

static u64 psmash_at(int user, u64 spa)
{
	struct op op = { .rax = spa };

	return outcome(user ? catch_user(user_psmash, &op) :
			      catch_call(op_psmash, &op), &op);
}

static u64 psmash(u64 spa)
{
	return psmash_at(0, spa);
}

static u64 insn(op_fn *fn, u64 rax, u64 rcx, u64 rdx)
{
	struct op op = { .rax = rax, .rcx = rcx, .rdx = rdx };

	return outcome(catch_call(fn, &op), &op);
}

/* RDMSR/WRMSR: an outcome (EXC | vector on a fault). */
static u64 rdmsr(u32 msr, u64 *val)
{
	struct op op = { .rcx = msr };
	long vec = catch_call(op_rdmsr, &op);

	*val = op.out;
	return vec == NO_EXC ? 0 : EXC | (u64)vec;
}

static u64 wrmsr(u32 msr, u64 val)
{
	struct op op = { .rax = (u32)val, .rcx = msr, .rdx = val >> 32 };
	long vec = catch_call(op_wrmsr, &op);

	return vec == NO_EXC ? 0 : EXC | (u64)vec;
}

/* A byte write or read at a virtual address: NO_EXC or the vector. */
static long write8(int user, u64 va, u8 v)
{
	struct op op = { .rax = v, .rcx = va };

	return user ? catch_user(user_write8, &op) : catch_call(op_write8, &op);
}

static long read8(int user, u64 va, u8 *v)
{
	struct op op = { .rcx = va };
	long vec = user ? catch_user(user_read8, &op) : catch_call(op_read8, &op);

	*v = (u8)op.out;
	return vec;
}

static u64 *rmpe(u64 spa)
{
	return (u64 *)(rmp_base + RMP_BOOKKEEPING + (spa >> 12) * 16);
}

static void expect_status(u64 got, u64 want, const char *name)
{
	csnprintf(why, sizeof(why), "got %s, want %s", status_name(got),
		  status_name(want));
	tap_why(got == want, why, "%s", name);
}

/* An exception with its error code (the whole quadword pushed). */
static void expect_exc(u64 got, u64 vec, u64 err, const char *name)
{
	int ok = got == (EXC | vec) && exc.error_code == err;

	if (got != (EXC | vec)) {
		csnprintf(why, sizeof(why), "got %s, want %s", status_name(got),
			  status_name(fault_outcome(vec)));
	} else {
		csnprintf(why, sizeof(why), "got error code %#lx, want %#lx",
			  exc.error_code, err);
	}
	tap_why(ok, why, "%s", name);
}

/* Field by field: an RMP entry against the one expected. */
static void expect_entry(u64 spa, u64 want, const char *name)
{
	static const struct {
		const char *name;
		u64 mask;
	} fields[] = {
		{ "ASSIGNED", RMPE_ASSIGNED }, { "PAGE_SIZE", RMPE_2M },
		{ "IMMUTABLE", RMPE_IMMUTABLE }, { "GPA", RMPE_GPA_MASK },
		{ "ASID", RMPE_ASID_MASK }, { "VMSA", RMPE_VMSA },
		{ "VALIDATED", RMPE_VALIDATED },
		{ "reserved bits", ~(RMPE_ASSIGNED | RMPE_2M | RMPE_IMMUTABLE |
				     RMPE_GPA_MASK | RMPE_ASID_MASK | RMPE_VMSA |
				     RMPE_VALIDATED) },
	};
	u64 lo = rmpe(spa)[0], hi = rmpe(spa)[1];
	u64 n = 0;
	unsigned int i;

	why[0] = 0;
	for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		u64 m = fields[i].mask;

		if ((lo & m) != (want & m))
			n += csnprintf(why + n, sizeof(why) - n,
				       "%s%s got %#lx want %#lx", n ? "; " : "",
				       fields[i].name, lo & m, want & m);
	}
	if (hi)
		csnprintf(why + n, sizeof(why) - n, "%ssecond quadword %#lx",
			  n ? "; " : "", hi);
	tap_why(lo == want && !hi, why, "%s", name);
}

static u64 entry(u64 gpa, int size_2m, int immutable, u64 asid)
{
	return RMPE_ASSIGNED | (size_2m ? RMPE_2M : 0) |
	       (immutable ? RMPE_IMMUTABLE : 0) | gpa |
	       asid << RMPE_ASID_SHIFT;
}

/* A failing RMPUPDATE: its status, and the entry left as it was. */
static void expect_refused(u64 spa, u64 gpa, int assigned, int size_2m,
			   int immutable, u32 asid, u8 rsvd, u64 want,
			   const char *name)
{
	struct rmp_state st = {
		.gpa = gpa, .assigned = assigned, .pagesize = size_2m,
		.immutable = immutable, .rsvd = rsvd, .asid = asid,
	};
	u64 before = rmpe(spa)[0], got = rmpupdate_at(0, spa, &st);
	u64 after = rmpe(spa)[0];

	if (got != want)
		csnprintf(why, sizeof(why), "got %s, want %s",
			  status_name(got), status_name(want));
	else
		csnprintf(why, sizeof(why), "entry changed from %#lx to %#lx",
			  before, after);
	tap_why(got == want && before == after, why, "%s", name);
}

/*
 * A host write through a mapping that must fault with an RMP #PF: the
 * vector, the whole error code, CR2, and the memory left as it was.
 */
static void expect_rmp_fault(int user, u64 va, const char *name)
{
	u8 before = *(volatile u8 *)va, after;
	u64 err = PF_P | PF_W | PF_RMP | (user ? PF_U : 0);
	long vec = write8(user, va, (u8)~before);

	after = *(volatile u8 *)va;
	if (vec != VEC_PF)
		csnprintf(why, sizeof(why), "got %s, want #PF",
			  vec == NO_EXC ? "no fault" : status_name(fault_outcome(vec)));
	else if (exc.error_code != err)
		csnprintf(why, sizeof(why), "got error code %#lx, want %#lx",
			  exc.error_code, err);
	else if (exc.cr2 != va)
		csnprintf(why, sizeof(why), "got CR2 %#lx, want %#lx", exc.cr2, va);
	else
		csnprintf(why, sizeof(why), "memory changed from %#x to %#x",
			  before, after);
	tap_why(vec == VEC_PF && exc.error_code == err && exc.cr2 == va &&
		before == after, why, "%s", name);
}

/* A host write that must not fault, and must land. */
static void expect_write_ok(int user, u64 va, u8 v, const char *name)
{
	long vec = write8(user, va, v);
	u8 got = *(volatile u8 *)va;

	if (vec != NO_EXC)
		csnprintf(why, sizeof(why), "got %s, error code %#lx, CR2 %#lx",
			  status_name(fault_outcome(vec)), exc.error_code, exc.cr2);
	else
		csnprintf(why, sizeof(why), "memory holds %#x, want %#x", got, v);
	tap_why(vec == NO_EXC && got == v, why, "%s", name);
}

static void expect_read_ok(int user, u64 va, u8 want, const char *name)
{
	u8 got = 0;
	long vec = read8(user, va, &got);

	if (vec != NO_EXC)
		csnprintf(why, sizeof(why), "got %s", status_name(fault_outcome(vec)));
	else
		csnprintf(why, sizeof(why), "read %#x, want %#x", got, want);
	tap_why(vec == NO_EXC && got == want, why, "%s", name);
}

/* ---- snp=on ---- */

static void test_before_snp_en(void)
{
	u32 a, b, c, d;
	u64 v, r, pa = REGION_A + 0x1000;
	long vec;

	cpuid(0x8000001f, 0, &a, &b, &c, &d);
	csnprintf(why, sizeof(why), "CPUID 0x8000001f EAX %#x", a);
	tap_why(a & (1U << 4), why, "CPUID 0x8000001F reports SEV-SNP (EAX bit 4)");

	r = rdmsr(MSR_SYSCFG, &v);
	csnprintf(why, sizeof(why), "%s, SYSCFG %#lx", r ? status_name(r) : "read",
		  v);
	tap_why(!r && (v & SYSCFG_MEM_ENCRYPT) && !(v & SYSCFG_SNP_EN), why,
		"SYSCFG at reset: MemEncryptionModEn set, SNPEn clear");

	rdmsr(MSR_RMP_BASE, &rmp_base);
	rdmsr(MSR_RMP_END, &rmp_end);
	cprintf("# RMP_BASE %#lx RMP_END %#lx\n", rmp_base, rmp_end);
	csnprintf(why, sizeof(why), "RMP_BASE %#lx, RMP_END %#lx", rmp_base,
		  rmp_end);
	tap_why(rmp_base == 4 * GiB && !(rmp_base & 0x1fff) &&
		rmp_end > rmp_base + RMP_BOOKKEEPING && !((rmp_end + 1) & 0x1fff),
		why, "RMP_BASE/RMP_END set at reset: the table at 4G, 8K-aligned");
	if (rmp_base != 4 * GiB || rmp_end <= rmp_base + RMP_BOOKKEEPING ||
	    rmp_end >= 5 * GiB)
		bail_out("no RMP table at 4G: run with -machine q35,sev-snp-rmp=on -m 256M");
	rmp_pfns = (rmp_end + 1 - rmp_base - RMP_BOOKKEEPING) / 16;

	expect_status(rmpupdate(pa, 0, 0, 0, 0, 0), EXC | VEC_UD,
		      "RMPUPDATE #UD before SNPEn");
	expect_status(psmash(REGION_C), EXC | VEC_UD, "PSMASH #UD before SNPEn");

	/* An assigned entry means nothing until SNPEn: no check on writes. */
	rmpe(pa)[0] = entry(0x1000, 0, 0, 1);
	vec = write8(0, pa, 0x5a);
	rmpe(pa)[0] = 0;
	csnprintf(why, sizeof(why), "got %s", status_name(fault_outcome(vec)));
	tap_why(vec == NO_EXC, why,
		"before SNPEn, a write to a page the RMP says is assigned does not fault");

	rdmsr(MSR_SYSCFG, &v);
	r = wrmsr(MSR_SYSCFG, (v & ~SYSCFG_MEM_ENCRYPT) | SYSCFG_SNP_EN);
	rdmsr(MSR_SYSCFG, &v);
	csnprintf(why, sizeof(why), "got %s, SYSCFG %#lx",
		  r ? status_name(r) : "no fault", v);
	tap_why(r == (EXC | VEC_GP) && exc.error_code == 0 && !(v & SYSCFG_SNP_EN),
		why, "WRMSR SYSCFG.SNPEn without MemEncryptionModEn #GP(0)");

	r = wrmsr(MSR_SYSCFG, v | SYSCFG_SNP_EN);
	rdmsr(MSR_SYSCFG, &v);
	csnprintf(why, sizeof(why), "got %s, SYSCFG %#lx",
		  r ? status_name(r) : "no fault", v);
	if (!tap_why(!r && (v & SYSCFG_SNP_EN), why, "WRMSR SYSCFG sets SNPEn"))
		bail_out("SNPEn did not get set");
}

static void test_insn_faults(void)
{
	struct rmp_state st = { 0 };
	u64 v, w, r;

	expect_exc(rmpupdate_at(1, REGION_H, &st), VEC_GP, 0, "RMPUPDATE at CPL 3 #GP(0)");
	expect_exc(psmash_at(1, REGION_C), VEC_GP, 0, "PSMASH at CPL 3 #GP(0)");
	expect_status(fault_outcome(catch_compat(compat_rmpupdate)), EXC | VEC_UD,
		      "RMPUPDATE in compatibility mode #UD");
	expect_status(fault_outcome(catch_compat(compat_psmash)), EXC | VEC_UD,
		      "PSMASH in compatibility mode #UD");
	expect_status(insn(op_pvalidate, REGION_H, 0, 1), EXC | VEC_UD,
		      "PVALIDATE #UD on the host");
	expect_status(insn(op_rmpadjust, REGION_H, 0, 0), EXC | VEC_UD,
		      "RMPADJUST #UD on the host");

	r = wrmsr(MSR_RMP_BASE, rmp_base + 2 * MiB);
	rdmsr(MSR_RMP_BASE, &v);
	csnprintf(why, sizeof(why), "got %s, RMP_BASE %#lx",
		  r ? status_name(r) : "no fault", v);
	tap_why(r == (EXC | VEC_GP) && exc.error_code == 0 && v == rmp_base, why,
		"WRMSR RMP_BASE after SNPEn #GP(0), RMP_BASE unchanged");

	r = wrmsr(MSR_RMP_END, rmp_end - 2 * MiB);
	rdmsr(MSR_RMP_END, &v);
	csnprintf(why, sizeof(why), "got %s, RMP_END %#lx",
		  r ? status_name(r) : "no fault", v);
	tap_why(r == (EXC | VEC_GP) && exc.error_code == 0 && v == rmp_end, why,
		"WRMSR RMP_END after SNPEn #GP(0), RMP_END unchanged");

	rdmsr(MSR_SYSCFG, &v);
	r = wrmsr(MSR_SYSCFG, v & ~SYSCFG_SNP_EN);
	rdmsr(MSR_SYSCFG, &w);
	csnprintf(why, sizeof(why), "got %s, SYSCFG %#lx",
		  r ? status_name(r) : "no fault", w);
	tap_why(r == (EXC | VEC_GP) && exc.error_code == 0 && (w & SYSCFG_SNP_EN),
		why, "WRMSR SYSCFG clearing SNPEn #GP(0), SNPEn stays set");

	/* VM_PAGE_FLUSH: write-only, an ASID the CPU has (1-15). */
	expect_status(wrmsr(MSR_VM_PAGE_FLUSH, REGION_H | 5), 0,
		      "WRMSR VM_PAGE_FLUSH of a page for ASID 5");
	expect_status(wrmsr(MSR_VM_PAGE_FLUSH, REGION_H | 16), EXC | VEC_GP,
		      "WRMSR VM_PAGE_FLUSH for ASID 16 (beyond CPUID's count) #GP");
	expect_status(rdmsr(MSR_VM_PAGE_FLUSH, &v), EXC | VEC_GP,
		      "RDMSR VM_PAGE_FLUSH #GP (write-only)");
}

/* RMPUPDATE of a 4K page, and writes to it through 4K mappings. */
static void test_4k(void)
{
	u64 pa = REGION_A + 0x1000, gpa = 0x3456789ab000UL;

	/* Both writes leave writable TLB entries that RMPUPDATE must end. */
	*(volatile u8 *)pa = 0x11;
	*(volatile u8 *)(pa + 0x1000) = 0x22;

	expect_status(rmpupdate(pa, gpa, 1, 0, 0, 5), OK,
		      "RMPUPDATE assigns a 4K page (GPA 0x3456789ab000, ASID 5)");
	expect_entry(pa, entry(gpa, 0, 0, 5),
		     "RMP entry of the assigned 4K page, field by field");
	tap_why(!rmpe(pa - 0x1000)[0] && !rmpe(pa + 0x1000)[0], "changed",
		"the neighbouring RMP entries are unchanged");

	expect_rmp_fault(0, pa + 0x123,
			 "write to the assigned page (4K mapping): #PF 0x80000003, CR2, no store");
	expect_read_ok(0, pa, 0x11, "read of the assigned page does not fault");
	expect_write_ok(0, pa + 0x1000, 0x33,
			"write to the neighbouring hypervisor page (4K mapping) does not fault");
	expect_rmp_fault(1, pa + 0x7ff,
			 "write to the assigned page at CPL 3: #PF 0x80000007, CR2, no store");
	expect_read_ok(1, pa, 0x11, "read of the assigned page at CPL 3 does not fault");

	expect_status(rmp_shared(pa), OK, "RMPUPDATE gives the 4K page back to the hypervisor");
	expect_entry(pa, 0, "RMP entry of the page given back is all zero");
	expect_write_ok(0, pa + 0x123, 0x44,
			"write to the page given back succeeds (4K mapping)");
	expect_write_ok(1, pa + 0x7ff, 0x55,
			"write to the page given back succeeds at CPL 3");

	/* A 4K mapping of a page of an assigned 2M page. */
	expect_status(rmpupdate(REGION_A, 0x80000000UL, 1, 1, 0, 3), OK,
		      "RMPUPDATE assigns the 4K-mapped region as a 2M page");
	expect_rmp_fault(0, REGION_A + 0x5008,
			 "write through a 4K mapping into the assigned 2M page #PF");
	expect_status(rmpupdate(REGION_A, 0, 0, 1, 0, 0), OK,
		      "RMPUPDATE gives the 2M page back to the hypervisor");
	expect_entry(REGION_A, RMPE_2M,
		     "RMP entry of the 2M page given back: unassigned, 2M");
	expect_write_ok(0, REGION_A + 0x5008, 0x66,
			"write through the 4K mapping succeeds after that");
}

/* Writes through 2M and 1G mappings to a 2M region with an assigned 4K page. */
static void test_large_mappings(void)
{
	u64 pa = REGION_B + 0x1000, other = REGION_B + 0x3008;

	*(volatile u8 *)other = 0x12;
	if (have_1g)	/* the same byte, and a writable TLB entry for the alias */
		*(volatile u8 *)(ALIAS_1G + other) = 0x13;

	expect_status(rmpupdate(pa, 0x100000, 1, 0, 0, 1), OK,
		      "RMPUPDATE assigns a 4K page of a 2M-mapped region");
	expect_rmp_fault(0, other,
			 "write through a 2M mapping to another page of its 2M region #PF");
	expect_rmp_fault(0, REGION_B + 2 * MiB - 1,
			 "write through a 2M mapping to the region's last byte #PF");
	expect_rmp_fault(0, pa, "write through a 2M mapping to the assigned page #PF");
	if (have_1g) {
		expect_rmp_fault(0, ALIAS_1G + other,
				 "write through a 1G mapping to another page of the 2M region #PF");
		expect_write_ok(0, ALIAS_1G + REGION_B2 + 8, 0x14,
				"write through the 1G mapping to the next 2M region succeeds");
	} else {
		tap(0, "write through a 1G mapping #PF (no 1G pages: CPUID PDPE1GB clear)");
		tap(0, "write through a 1G mapping succeeds (no 1G pages)");
	}
	expect_write_ok(0, REGION_B2 + 8, 0x15,
			"write through a 2M mapping to the next 2M region succeeds");
	expect_read_ok(0, other, have_1g ? 0x13 : 0x12, "read through the 2M mapping does not fault");

	expect_status(rmp_shared(pa), OK, "RMPUPDATE gives the page back");
	expect_write_ok(0, other, 0x16, "write through the 2M mapping succeeds after that");
	if (have_1g)
		expect_write_ok(0, ALIAS_1G + other, 0x17,
				"write through the 1G mapping succeeds after that");
	else
		tap(0, "write through the 1G mapping succeeds (no 1G pages)");
}

static void test_fail_input(void)
{
	u64 pa = REGION_H + 0x1000, last = (rmp_pfns - 1) << 12;

	expect_refused(pa, 0x200000, 1, 1, 0, 1, 0, FAIL_INPUT,
		       "RMPUPDATE FAIL_INPUT: 2M state at a SPA not 2M-aligned");
	expect_status(rmpupdate(rmp_pfns << 12, 0x1000, 1, 0, 0, 1), FAIL_INPUT,
		      "RMPUPDATE FAIL_INPUT: the first page the table does not cover");
	expect_status(rmpupdate(rmp_pfns << 12, 0, 0, 0, 0, 0), FAIL_INPUT,
		      "RMPUPDATE FAIL_INPUT: hypervisor state beyond the table");
	expect_status(psmash(((rmp_pfns << 12) + 2 * MiB - 1) & ~(2 * MiB - 1)),
		      FAIL_INPUT, "PSMASH FAIL_INPUT: a 2M page beyond the table");
	/* The last page the table covers (no RAM there; the RMP does not care). */
	expect_status(rmpupdate(last, 0x1000, 1, 0, 0, 1), OK,
		      "RMPUPDATE of the last page the table covers succeeds");
	expect_entry(last, entry(0x1000, 0, 0, 1), "its RMP entry, the table's last");
	expect_status(rmp_shared(last), OK, "and it goes back to the hypervisor");
	expect_refused(pa, 0x1234800, 1, 0, 0, 1, 0, FAIL_INPUT,
		       "RMPUPDATE FAIL_INPUT: GPA not 4K-aligned");
	expect_refused(REGION_H, 0x201000, 1, 1, 0, 1, 0, FAIL_INPUT,
		       "RMPUPDATE FAIL_INPUT: 2M state with a GPA not 2M-aligned");
	expect_refused(pa, 1UL << 51, 1, 0, 0, 1, 0, FAIL_INPUT,
		       "RMPUPDATE FAIL_INPUT: GPA above bit 50");
	expect_refused(pa, 0, 0, 0, 0, 1, 0, FAIL_INPUT,
		       "RMPUPDATE FAIL_INPUT: unassigned state with an ASID");
	expect_refused(pa, 0x1000, 1, 0, 0, 0x400, 0, FAIL_INPUT,
		       "RMPUPDATE FAIL_INPUT: ASID wider than the RMP field");
	expect_refused(pa, 0, 0, 0, 0, 0, 0x01, FAIL_INPUT,
		       "RMPUPDATE FAIL_INPUT: reserved byte 0x01 (hypervisor state)");
	expect_refused(pa, 0x1000, 1, 0, 0, 1, 0x80, FAIL_INPUT,
		       "RMPUPDATE FAIL_INPUT: reserved byte 0x80 (guest state)");
}

static void test_fail_permission(void)
{
	u64 pa = REGION_E + 0x1000;

	expect_status(rmpupdate(pa, 0, 1, 0, 1, 0), OK,
		      "RMPUPDATE makes a 4K page immutable (firmware-owned)");
	expect_entry(pa, entry(0, 0, 1, 0), "RMP entry of the immutable page");
	expect_refused(pa, 0, 0, 0, 0, 0, 0, FAIL_PERMISSION,
		       "RMPUPDATE FAIL_PERMISSION: immutable page back to the hypervisor");
	expect_refused(pa, 0x5000, 1, 0, 0, 2, 0, FAIL_PERMISSION,
		       "RMPUPDATE FAIL_PERMISSION: immutable page to a guest");
	expect_status(rmpupdate(REGION_F, 0, 1, 1, 1, 0), OK,
		      "RMPUPDATE makes a 2M page immutable");
	expect_refused(REGION_F + 0x5000, 0, 0, 0, 0, 0, 0, FAIL_PERMISSION,
		       "RMPUPDATE FAIL_PERMISSION: a 4K page of the immutable 2M page");

	/*
	 * An unassigned immutable entry (HV-Fixed, as SNP_INIT writes for
	 * pages that are not DRAM; only firmware makes one): written
	 * directly.  A 2M entry would govern it.
	 */
	rmpe(REGION_I + 0x3000)[0] = RMPE_IMMUTABLE;
	expect_refused(REGION_I, 0x200000, 1, 1, 0, 1, 0, FAIL_PERMISSION,
		       "RMPUPDATE FAIL_PERMISSION: 2M assignment over an HV-Fixed 4K entry");
	tap(!rmpe(REGION_I)[0] && !rmpe(REGION_I)[1] &&
	    rmpe(REGION_I + 0x3000)[0] == RMPE_IMMUTABLE &&
	    !rmpe(REGION_I + 0x3000)[1],
	    "and leaves the 2M page's entry and the HV-Fixed entry as they were");
	rmpe(REGION_I + 0x3000)[0] = 0;
}

static void test_fail_overlap(void)
{
	u64 pa = REGION_D + 0x5000;

	expect_status(rmpupdate(REGION_C, 0x40000000UL, 1, 1, 0, 7), OK,
		      "RMPUPDATE assigns a 2M page (GPA 0x40000000, ASID 7)");
	expect_entry(REGION_C, entry(0x40000000UL, 1, 0, 7),
		     "RMP entry of the 2M page, field by field");
	tap(!rmpe(REGION_C + 0x1000)[0] && !rmpe(REGION_C + 0x1ff000)[0],
	    "the 2M page's other entries stay zero");
	expect_refused(REGION_C + 0x3000, 0, 0, 0, 0, 0, 0, FAIL_OVERLAP,
		       "RMPUPDATE FAIL_OVERLAP: 4K update inside an assigned 2M page");
	expect_refused(REGION_C + 0x3000, 0x1000, 1, 0, 0, 7, 0, FAIL_OVERLAP,
		       "RMPUPDATE FAIL_OVERLAP: 4K assignment inside an assigned 2M page");
	expect_refused(REGION_C, 0, 0, 0, 0, 0, 0, FAIL_OVERLAP,
		       "RMPUPDATE FAIL_OVERLAP: 4K update of the 2M page's first page");
	expect_rmp_fault(0, REGION_C + 0x10000, "write through a 2M mapping into the 2M page #PF");

	expect_status(rmpupdate(pa, 0x2000, 1, 0, 0, 1), OK,
		      "RMPUPDATE assigns a 4K page inside a 2M region");
	expect_refused(REGION_D, 0x200000, 1, 1, 0, 1, 0, FAIL_OVERLAP,
		       "RMPUPDATE FAIL_OVERLAP: 2M update over an assigned 4K page");
	expect_refused(REGION_D, 0, 0, 1, 0, 0, 0, FAIL_OVERLAP,
		       "RMPUPDATE FAIL_OVERLAP: 2M hypervisor state over an assigned 4K page");
	expect_status(psmash(REGION_D), FAIL_INPUT, "PSMASH FAIL_INPUT on a 4K entry");
	expect_status(rmp_shared(pa), OK, "RMPUPDATE gives the 4K page back");
	expect_status(rmpupdate(REGION_D, 0x200000, 1, 1, 0, 1), OK,
		      "then the 2M update succeeds");
	expect_status(rmpupdate(REGION_D, 0, 0, 1, 0, 0), OK,
		      "and the 2M page goes back to the hypervisor");
}

static void test_psmash(void)
{
	u64 gpa = 0x40000000UL, lo = 0, want = 0, i, bad = 512, r;

	expect_status(psmash(REGION_C + 0x1000), FAIL_INPUT,
		      "PSMASH FAIL_INPUT at a SPA not 2M-aligned");
	expect_status(psmash(REGION_C), OK, "PSMASH of the assigned 2M page succeeds");
	for (i = 0; i < 512 && bad == 512; i++) {
		lo = rmpe(REGION_C + i * 4 * KiB)[0];
		want = entry(gpa + i * 4 * KiB, 0, 0, 7);
		if (lo != want || rmpe(REGION_C + i * 4 * KiB)[1])
			bad = i;
	}
	csnprintf(why, sizeof(why), "entry %lu is %#lx, want %#lx", bad, lo, want);
	tap_why(bad == 512, why,
		"after PSMASH: 512 4K entries, assigned, consecutive GPAs, ASID 7");
	expect_status(psmash(REGION_C), FAIL_INPUT, "PSMASH FAIL_INPUT on the smashed (4K) entry");
	expect_status(rmp_shared(REGION_C + 0x3000), OK,
		      "after PSMASH, a 4K update inside the former 2M page succeeds");
	expect_rmp_fault(0, REGION_C + 0x20000,
			 "write through a 2M mapping still #PF while 4K pages are assigned");
	for (i = 0, bad = 512; i < 512; i++) {
		r = rmp_shared(REGION_C + i * 4 * KiB);
		if ((r != OK || rmpe(REGION_C + i * 4 * KiB)[0]) && bad == 512)
			bad = i;
	}
	csnprintf(why, sizeof(why), "page %lu", bad);
	tap_why(bad == 512, why, "RMPUPDATE gives all 512 pages back; their entries are zero");
	expect_write_ok(0, REGION_C + 0x20000, 0x77,
			"write through the 2M mapping succeeds after that");

	/* A 2M entry with VMSA set (only firmware makes one): written directly. */
	rmpe(REGION_G)[0] = entry(0x600000, 1, 0, 1) | RMPE_VMSA;
	expect_status(psmash(REGION_G), FAIL_UNSUPPORTED,
		      "PSMASH of a 2M VMSA entry fails with 7 (cannot be expanded)");
	tap(rmpe(REGION_G)[0] == (entry(0x600000, 1, 0, 1) | RMPE_VMSA) &&
	    !rmpe(REGION_G + 0x1000)[0], "and leaves its entries as they were");
	rmpe(REGION_G)[0] = 0;
}

/* ---- snp=off: a CPU without SEV-SNP ---- */

static void test_no_snp(void)
{
	struct rmp_state st = { 0 };
	u32 a, b, c, d;
	u64 v = 0, r, pa = REGION_A + 0x1000;
	long vec;

	cpuid(0x80000000, 0, &a, &b, &c, &d);
	if (a >= 0x8000001f)
		cpuid(0x8000001f, 0, &a, &b, &c, &d);
	else
		a = 0;
	csnprintf(why, sizeof(why), "CPUID 0x8000001f EAX %#x", a);
	tap_why(!(a & (1U << 4)), why, "CPUID 0x8000001F does not report SEV-SNP");

	/* The MSR may not exist: either way SNPEn must not come on. */
	wrmsr(MSR_SYSCFG, SYSCFG_MEM_ENCRYPT | SYSCFG_SNP_EN);
	r = rdmsr(MSR_SYSCFG, &v);
	csnprintf(why, sizeof(why), "SYSCFG %#lx", v);
	tap_why(r || !(v & SYSCFG_SNP_EN), why, "WRMSR SYSCFG.SNPEn does not enable SNP");

	expect_status(rmpupdate(pa, 0x1000, 1, 0, 0, 1), EXC | VEC_UD, "RMPUPDATE #UD");
	expect_status(psmash(REGION_C), EXC | VEC_UD, "PSMASH #UD");
	expect_status(insn(op_pvalidate, pa, 0, 1), EXC | VEC_UD, "PVALIDATE #UD");
	expect_status(insn(op_rmpadjust, pa, 0, 0), EXC | VEC_UD, "RMPADJUST #UD");
	/* An opcode the CPU does not have is #UD at any CPL, before privilege. */
	expect_status(rmpupdate_at(1, pa, &st), EXC | VEC_UD, "RMPUPDATE at CPL 3 #UD");
	expect_status(psmash_at(1, REGION_C), EXC | VEC_UD, "PSMASH at CPL 3 #UD");

	/*
	 * The machine's table (sev-snp-rmp=on puts it at 4G with -m 256M)
	 * says the page is assigned: a CPU without SNP does not look.
	 */
	rmp_base = 4 * GiB;
	rmpe(pa)[0] = entry(0x1000, 0, 0, 1);
	vec = write8(0, pa, 0x5a);
	rmpe(pa)[0] = 0;
	csnprintf(why, sizeof(why), "got %s", status_name(fault_outcome(vec)));
	tap_why(vec == NO_EXC, why, "no RMP check on writes");
}

void test_sev_es(void);
void test_xsave(void);
void test_snp_guest(void);
void test_tcg(void);
void main(void);
void main(void)
{
	const char *cl;

	rt_init();
	cl = cmdline();
	cprintf("# SEV-SNP host model: bare tests (command line '%s')\n", cl);
	if (has_word(cl, "snp=off")) {
		test_no_snp();
	} else if (has_word(cl, "snp=psp")) {
		test_snp_guest();
	} else {
		test_before_snp_en();
		test_insn_faults();
		test_4k();
		test_large_mappings();
		test_fail_input();
		test_fail_permission();
		test_fail_overlap();
		test_psmash();
		test_sev_es();
		test_xsave();
		test_tcg();
	}
	finish();
}
