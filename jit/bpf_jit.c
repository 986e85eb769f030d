/* The classic BPF JIT: a validated program in, two x86-64 functions out,
 *     uint32_t run(struct vn_bpf *f, const uint8_t *pkt, uint32_t caplen, uint32_t wirelen)
 *     bool hook(struct vn_bpf *f, const struct vn_pkt *p)
 * with the interpreter's exact semantics (bpf_interp.c). run is the filter's
 * head.run (vn_bpf_run); hook is the same program translated a second time,
 * entered with the packet record (data, len, wire_len are loaded from it) and
 * returning result != 0 as a bool, which is what the VIF's filter hook wants:
 * the data path reaches the native code through one call (docs/filter.md).
 * Both count the packet as accepted or dropped in f.
 *
 * Registers (System V: the arguments arrive in rdi, rsi, rdx, rcx; the code
 * calls nothing, so it only uses caller-saved registers and needs no frame):
 *   eax  A              ecx  X (so shifts by X use cl; rcx's upper half stays
 *   rdi  f: scratch words       zero because X is only written by 32-bit ops)
 *        and counters   r10  caplen, zero-extended (moved from rdx, which div
 *   rsi  packet              clobbers)       r9  wirelen (moved from rcx)
 *   rdx, r11  temporaries
 *
 * Bounds checks: a forward pass over the program computes, for each
 * instruction, how many packet bytes are already known to be present on every
 * path reaching it (jumps only go forward, so one pass in order suffices). An
 * absolute load inside that length needs no check. An absolute load that does
 * need one checks, at once, the furthest byte any absolute load reads in the
 * straight-line run that follows it (up to the next jump, RET or store). That
 * is exact: if the check fails, the original program would have reached the
 * failing load with no visible effect in between (no store; a division by
 * X == 0 also returns 0) and returned 0 there. Indirect loads are checked each
 * time.
 *
 * Memory: the code is emitted into an ordinary buffer, then placed in a
 * mapping of just the pages it needs that is never writable and executable at
 * once. Preferred: write it into a fresh memfd and map that read+execute (the
 * mapping is never writable at all; the fd is closed at once, so nothing can
 * write the pages afterwards). Fallback (no memfd_create): map anonymous
 * read+write, copy, mprotect to read+execute. Both are freed with munmap. The
 * memfd path avoids mprotect, whose permission downgrade costs a TLB flush:
 * on the 2-vCPU VM of docs/evaluation.md it took 10-50 µs, more than the
 * whole translation. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "bpf_internal.h"
#include "vn_pkt.h"

#if defined(__x86_64__)
#include "x86_emit.h"

bool vn_bpf_jit_available(void) { return true; }

#define REG_A    X86_RAX
#define REG_X    X86_RCX
#define REG_F    X86_RDI
#define REG_PKT  X86_RSI
#define REG_CAP  X86_R10
#define REG_WIRE X86_R9
#define REG_T1   X86_RDX
#define REG_T2   X86_R11

#define MEM(k)   ((int32_t)(VN_BPF_OFF_MEM + 4 * (k)))
#define ACCEPTS  VN_BPF_OFF_COUNTS
#define DROPS    (VN_BPF_OFF_COUNTS + 8)

/* Upper bound of code bytes per BPF instruction (the longest: an absolute
 * load with a far offset and its check, ~36 bytes) and for the rest. */
#define MAX_INSN_BYTES 48
#define FIXED_BYTES 32

static bool is_abs_load(uint16_t code)
{
	return code == (BC_LD | BC_W | BC_ABS) || code == (BC_LD | BC_H | BC_ABS) ||
	       code == (BC_LD | BC_B | BC_ABS) || code == (BC_LDX | BC_B | BC_MSH);
}

static unsigned load_size(uint16_t code)
{
	if (BC_CLASS(code) == BC_LDX)
		return 1;
	return BC_SIZE(code) == BC_W ? 4 : BC_SIZE(code) == BC_H ? 2 : 1;
}

/* Does a straight-line run end after this instruction? */
static bool ends_run(uint16_t code)
{
	unsigned c = BC_CLASS(code);
	return c == BC_JMP || c == BC_RET || c == BC_ST || c == BC_STX;
}

/* chk[pc] = bytes to check before pc (0: none). See the comment at the top. */
static void plan_checks(const struct vn_bpf_insn *prog, size_t n, uint64_t *known, uint64_t *chk)
{
	for (size_t pc = 0; pc < n; pc++)
		known[pc] = UINT64_MAX;      /* no path seen yet */
	known[0] = 0;
	for (size_t pc = 0; pc < n; pc++) {
		const struct vn_bpf_insn *in = &prog[pc];
		uint64_t kn = known[pc] == UINT64_MAX ? 0 : known[pc];   /* unreachable: any */
		chk[pc] = 0;
		if (is_abs_load(in->code) && (uint64_t)in->k + load_size(in->code) > kn) {
			uint64_t max = (uint64_t)in->k + load_size(in->code);
			for (size_t q = pc + 1; q < n && !ends_run(prog[q - 1].code); q++) {
				if (is_abs_load(prog[q].code)) {
					uint64_t e = (uint64_t)prog[q].k + load_size(prog[q].code);
					if (e > max)
						max = e;
				}
			}
			chk[pc] = max;
			kn = max;
		}
		unsigned c = BC_CLASS(in->code);
		if (c == BC_RET)
			continue;
		if (c == BC_JMP) {
			size_t t[2] = { pc + 1 + in->jt, pc + 1 + in->jf };
			if (BC_OP(in->code) == BC_JA)
				t[0] = t[1] = pc + 1 + in->k;
			for (int i = 0; i < 2; i++)
				if (kn < known[t[i]])
					known[t[i]] = kn;
		} else if (kn < known[pc + 1]) {
			known[pc + 1] = kn;
		}
	}
}

/* Byte-swap elision. A 16/32-bit packet load reads big-endian data; putting it
 * in host order costs a rol/bswap on the way from the load to the branch
 * that usually follows. When the loaded A is only ever compared for equality
 * or tested against constants (jeq #k, jset #k) before being overwritten, the
 * swap can be left out and the constants swapped instead, at translation time.
 * need[pc]: some path from pc reads A in a way that needs its real value
 * before A is overwritten (computed backwards: jumps only go forward).
 * rep[pc]: the form A has on entry to pc: REP_REAL, or swapped (REP_SWAP16,
 * REP_SWAP32), or REP_MIXED when paths disagree. If a compare sees REP_MIXED
 * (different loads meeting), no load is left unswapped: all stays REP_REAL. */
enum { REP_REAL, REP_SWAP16, REP_SWAP32, REP_MIXED, REP_UNSET };

static bool swappable_load(uint16_t c)
{
	return BC_CLASS(c) == BC_LD && (BC_MODE(c) == BC_ABS || BC_MODE(c) == BC_IND) &&
	       (BC_SIZE(c) == BC_H || BC_SIZE(c) == BC_W);
}

static void plan_swaps(const struct vn_bpf_insn *prog, size_t n, uint8_t *need, uint8_t *rep)
{
	for (size_t i = n; i-- > 0;) {
		const struct vn_bpf_insn *in = &prog[i];
		uint16_t c = in->code;
		bool nd;
		switch (BC_CLASS(c)) {
		case BC_RET: nd = c == (BC_RET | BC_A); break;
		case BC_LD: nd = false; break;                   /* A overwritten */
		case BC_LDX: case BC_STX: nd = need[i + 1]; break;
		case BC_MISC: nd = c == (BC_MISC | BC_TAX); break;
		case BC_JMP:
			if (BC_OP(c) == BC_JA)
				nd = need[i + 1 + in->k];
			else if (BC_SRC(c) == BC_K && (BC_OP(c) == BC_JEQ || BC_OP(c) == BC_JSET))
				nd = need[i + 1 + in->jt] || need[i + 1 + in->jf];
			else
				nd = true;
			break;
		default: nd = true; break;                       /* ALU, ST */
		}
		need[i] = nd;
	}
	for (size_t i = 0; i < n; i++)
		rep[i] = REP_UNSET;
	rep[0] = REP_REAL;
	bool mixed = false;
	for (size_t i = 0; i < n; i++) {
		const struct vn_bpf_insn *in = &prog[i];
		uint16_t c = in->code;
		uint8_t r = rep[i] == REP_UNSET ? REP_REAL : rep[i];
		rep[i] = r;
		if (r == REP_MIXED && BC_CLASS(c) == BC_JMP && BC_OP(c) != BC_JA)
			mixed = true;
		if (BC_CLASS(c) == BC_LD)
			r = swappable_load(c) && !need[i + 1]
			    ? (BC_SIZE(c) == BC_H ? REP_SWAP16 : REP_SWAP32) : REP_REAL;
		else if (c == (BC_MISC | BC_TXA))
			r = REP_REAL;
		else if (BC_CLASS(c) == BC_RET)
			continue;
		size_t t[2] = { i + 1, i + 1 };
		if (BC_CLASS(c) == BC_JMP) {
			t[0] = i + 1 + (BC_OP(c) == BC_JA ? in->k : in->jt);
			t[1] = i + 1 + (BC_OP(c) == BC_JA ? in->k : in->jf);
		}
		for (int k = 0; k < 2; k++)
			rep[t[k]] = rep[t[k]] == REP_UNSET || rep[t[k]] == r ? r : REP_MIXED;
	}
	if (mixed)                  /* keep it simple: swap everything, as before */
		for (size_t i = 0; i < n; i++)
			rep[i] = REP_REAL, need[i] = true;
}

/* A and X start at 0, but most programs set them before reading them: only
 * a register that some path reads first is zeroed at the entry.
 * set[pc]: registers set on every path reaching pc (jumps only go forward,
 * so one pass in order). Returns R_A | R_X for those to zero. */
enum { R_A = 1, R_X = 2 };

static unsigned reg_reads(const struct vn_bpf_insn *in)
{
	uint16_t c = in->code;
	switch (BC_CLASS(c)) {
	case BC_LD: return BC_MODE(c) == BC_IND ? R_X : 0;
	case BC_ST: return R_A;
	case BC_STX: return R_X;
	case BC_ALU: return BC_OP(c) != BC_NEG && BC_SRC(c) == BC_X ? R_A | R_X : R_A;
	case BC_JMP: return BC_OP(c) == BC_JA ? 0 : BC_SRC(c) == BC_X ? R_A | R_X : R_A;
	case BC_RET: return c == (BC_RET | BC_A) ? R_A : 0;
	case BC_MISC: return c == (BC_MISC | BC_TAX) ? R_A : R_X;
	default: return 0;                                  /* BC_LDX */
	}
}

static unsigned reg_writes(uint16_t c)
{
	switch (BC_CLASS(c)) {
	case BC_LD: case BC_ALU: return R_A;
	case BC_LDX: return R_X;
	case BC_MISC: return c == (BC_MISC | BC_TAX) ? R_X : R_A;
	default: return 0;
	}
}

static unsigned plan_zeroing(const struct vn_bpf_insn *prog, size_t n, uint8_t *set)
{
	memset(set, R_A | R_X, n);       /* unreachable code never asks */
	set[0] = 0;
	unsigned zero = 0;
	for (size_t pc = 0; pc < n; pc++) {
		const struct vn_bpf_insn *in = &prog[pc];
		unsigned s = set[pc];
		zero |= reg_reads(in) & ~s;
		s |= reg_writes(in->code);
		if (BC_CLASS(in->code) == BC_RET)
			continue;
		size_t t = pc + 1, f = pc + 1;
		if (BC_CLASS(in->code) == BC_JMP) {
			t = pc + 1 + (BC_OP(in->code) == BC_JA ? in->k : in->jt);
			f = pc + 1 + (BC_OP(in->code) == BC_JA ? in->k : in->jf);
		}
		set[t] &= (uint8_t)s;
		set[f] &= (uint8_t)s;
	}
	return zero;
}

/* ret #k: count the packet and return (k is the program's result; the hook
 * entry returns a bool) */
static void emit_ret_k(struct x86_jit *j, uint32_t k, bool hook)
{
	emit_inc_mem(j, 1, REG_F, k ? ACCEPTS : DROPS);
	if (k)
		emit_mov_imm32(j, REG_A, hook ? 1 : k);
	else
		emit_zero32(j, REG_A);
	emit_ret(j);
}

/* Go to BPF instruction t: a jump, or, when t is a `ret #k`, that return
 * itself (a few bytes, and one taken jump less on the way out). */
static void emit_goto(struct x86_jit *j, const struct vn_bpf_insn *prog, uint32_t t, bool hook)
{
	if (prog[t].code == (BC_RET | BC_K))
		emit_ret_k(j, prog[t].k, hook);
	else
		emit_jmp(j, t);
}

/* A conditional jump on cc with BPF offsets jt/jf; label n is "return 0". */
static void emit_branch(struct x86_jit *j, enum x86_cc cc, const struct vn_bpf_insn *prog,
			size_t pc, bool hook)
{
	const struct vn_bpf_insn *in = &prog[pc];
	uint32_t t = (uint32_t)(pc + 1 + in->jt), f = (uint32_t)(pc + 1 + in->jf);
	if (in->jt == in->jf) {
		if (in->jt)
			emit_goto(j, prog, t, hook);
	} else if (in->jt == 0) {
		emit_jcc(j, x86_cc_not(cc), f);
	} else {
		emit_jcc(j, cc, t);
		if (in->jf)
			emit_goto(j, prog, f, hook);
	}
}

/* Zero-extending load of size bytes at packet offset k into reg. */
static void emit_pkt_load_abs(struct x86_jit *j, unsigned size, int reg, uint32_t k)
{
	if ((uint64_t)k + size <= INT32_MAX) {
		emit_load(j, (int)size, reg, REG_PKT, (int32_t)k);
	} else {
		emit_mov_imm32(j, REG_T2, k);
		emit_load_idx(j, (int)size, reg, REG_PKT, REG_T2, 1, 0);
	}
}

/* Put a big-endian size-byte value just loaded into eax in host order. */
static void emit_fix_order(struct x86_jit *j, unsigned size)
{
	if (size == 4)
		emit_bswap(j, 0, REG_A);
	else if (size == 2)
		emit_rol16_8(j, REG_A);
}

static bool pow2(uint32_t k) { return k && !(k & (k - 1)); }
static uint8_t log2u(uint32_t k) { return (uint8_t)__builtin_ctz(k); }

static void translate(struct x86_jit *j, const struct vn_bpf_insn *prog, size_t n,
		      const uint64_t *chk, const uint8_t *need, const uint8_t *rep, unsigned zero,
		      bool hook)
{
	const uint32_t ret0 = (uint32_t)n;
	bool uses_len = false;
	for (size_t pc = 0; pc < n; pc++) {
		uint16_t c = prog[pc].code;
		uses_len |= (BC_CLASS(c) == BC_LD || BC_CLASS(c) == BC_LDX) && BC_MODE(c) == BC_LEN;
	}
	if (hook) {                               /* rsi: the struct vn_pkt */
		emit_load(j, 4, REG_CAP, X86_RSI, (int32_t)offsetof(struct vn_pkt, len));
		if (uses_len)
			emit_load(j, 4, REG_WIRE, X86_RSI, (int32_t)offsetof(struct vn_pkt, wire_len));
		emit_load(j, 8, REG_PKT, X86_RSI, (int32_t)offsetof(struct vn_pkt, data));
	} else {
		emit_mov32(j, REG_CAP, X86_RDX);      /* zero-extends */
		if (uses_len)
			emit_mov32(j, REG_WIRE, X86_RCX);
	}
	/* X is only ever written by 32-bit operations, which clear rcx's upper
	 * half: rcx is a clean X once set, zeroed or not here */
	if (zero & R_A)
		emit_zero32(j, REG_A);
	if (zero & R_X)
		emit_zero32(j, REG_X);

	for (size_t pc = 0; pc < n; pc++) {
		const struct vn_bpf_insn *in = &prog[pc];
		uint32_t k = in->k;
		unsigned size;
		x86_bind(j, (uint32_t)pc);
		if (chk[pc]) {
			if (chk[pc] <= INT32_MAX) {
				emit_alu64_imm32(j, X86_CMP, REG_CAP, (int32_t)chk[pc]);
			} else {
				emit_mov_imm64(j, REG_T2, chk[pc]);
				emit_alu64(j, X86_CMP, REG_CAP, REG_T2);
			}
			emit_jcc(j, X86_CC_B, ret0);
		}
		switch (in->code) {
		case BC_RET | BC_K:
			/* inline, not a jump to ret0: most packets leave here */
			emit_ret_k(j, k, hook);
			break;
		case BC_RET | BC_A:
			emit_test32(j, REG_A, REG_A);
			emit_jcc(j, X86_CC_E, ret0);
			emit_inc_mem(j, 1, REG_F, ACCEPTS);
			if (hook)
				emit_mov_imm32(j, REG_A, 1);
			emit_ret(j);
			break;

		case BC_LD | BC_W | BC_ABS:
		case BC_LD | BC_H | BC_ABS:
		case BC_LD | BC_B | BC_ABS:
			size = load_size(in->code);
			emit_pkt_load_abs(j, size, REG_A, k);
			if (need[pc + 1])          /* else A stays swapped: see plan_swaps */
				emit_fix_order(j, size);
			break;
		case BC_LD | BC_W | BC_IND:
		case BC_LD | BC_H | BC_IND:
		case BC_LD | BC_B | BC_IND:
			size = load_size(in->code);
			if ((uint64_t)k + size <= INT32_MAX) {
				/* rcx is X zero-extended: X + k + size cannot wrap */
				emit_lea(j, 1, REG_T1, REG_X, -1, 1, (int32_t)(k + size));
				emit_alu64(j, X86_CMP, REG_T1, REG_CAP);
				emit_jcc(j, X86_CC_A, ret0);
				emit_load_idx(j, (int)size, REG_A, REG_PKT, REG_X, 1, (int32_t)k);
			} else {
				emit_mov32(j, REG_T2, REG_X);
				emit_mov_imm32(j, REG_T1, k);
				emit_alu64(j, X86_ADD, REG_T2, REG_T1);
				emit_lea(j, 1, REG_T1, REG_T2, -1, 1, (int32_t)size);
				emit_alu64(j, X86_CMP, REG_T1, REG_CAP);
				emit_jcc(j, X86_CC_A, ret0);
				emit_load_idx(j, (int)size, REG_A, REG_PKT, REG_T2, 1, 0);
			}
			if (need[pc + 1])
				emit_fix_order(j, size);
			break;
		case BC_LDX | BC_B | BC_MSH:
			emit_pkt_load_abs(j, 1, REG_X, k);
			emit_alu32_imm32(j, X86_AND, REG_X, 0xf);
			emit_shift_imm(j, 0, X86_SHL, REG_X, 2);
			break;
		case BC_LD | BC_W | BC_LEN:
			emit_mov32(j, REG_A, REG_WIRE);
			break;
		case BC_LDX | BC_W | BC_LEN:
			emit_mov32(j, REG_X, REG_WIRE);
			break;
		case BC_LD | BC_IMM:
			emit_mov_imm32(j, REG_A, k);
			break;
		case BC_LDX | BC_IMM:
			emit_mov_imm32(j, REG_X, k);
			break;
		case BC_LD | BC_MEM:
			emit_load(j, 4, REG_A, REG_F, MEM(k));
			break;
		case BC_LDX | BC_MEM:
			emit_load(j, 4, REG_X, REG_F, MEM(k));
			break;
		case BC_ST:
			emit_store(j, 4, REG_A, REG_F, MEM(k));
			break;
		case BC_STX:
			emit_store(j, 4, REG_X, REG_F, MEM(k));
			break;

		case BC_ALU | BC_ADD | BC_K: emit_alu32_imm32(j, X86_ADD, REG_A, k); break;
		case BC_ALU | BC_SUB | BC_K: emit_alu32_imm32(j, X86_SUB, REG_A, k); break;
		case BC_ALU | BC_AND | BC_K: emit_alu32_imm32(j, X86_AND, REG_A, k); break;
		case BC_ALU | BC_OR | BC_K:  emit_alu32_imm32(j, X86_OR, REG_A, k); break;
		case BC_ALU | BC_XOR | BC_K: emit_alu32_imm32(j, X86_XOR, REG_A, k); break;
		case BC_ALU | BC_MUL | BC_K: emit_imul_imm32(j, 0, REG_A, REG_A, (int32_t)k); break;
		case BC_ALU | BC_LSH | BC_K:
			if (k)
				emit_shift_imm(j, 0, X86_SHL, REG_A, (uint8_t)k);
			break;
		case BC_ALU | BC_RSH | BC_K:
			if (k)
				emit_shift_imm(j, 0, X86_SHR, REG_A, (uint8_t)k);
			break;
		case BC_ALU | BC_DIV | BC_K:
		case BC_ALU | BC_MOD | BC_K:
			if (pow2(k)) {
				if (BC_OP(in->code) == BC_MOD)
					emit_alu32_imm32(j, X86_AND, REG_A, k - 1);
				else if (k > 1)
					emit_shift_imm(j, 0, X86_SHR, REG_A, log2u(k));
				break;
			}
			emit_mov_imm32(j, REG_T2, k);
			emit_zero32(j, REG_T1);
			emit_unary(j, 0, X86_DIV, REG_T2);
			if (BC_OP(in->code) == BC_MOD)
				emit_mov32(j, REG_A, REG_T1);
			break;

		case BC_ALU | BC_ADD | BC_X: emit_alu32(j, X86_ADD, REG_A, REG_X); break;
		case BC_ALU | BC_SUB | BC_X: emit_alu32(j, X86_SUB, REG_A, REG_X); break;
		case BC_ALU | BC_AND | BC_X: emit_alu32(j, X86_AND, REG_A, REG_X); break;
		case BC_ALU | BC_OR | BC_X:  emit_alu32(j, X86_OR, REG_A, REG_X); break;
		case BC_ALU | BC_XOR | BC_X: emit_alu32(j, X86_XOR, REG_A, REG_X); break;
		case BC_ALU | BC_MUL | BC_X: emit_imul(j, 0, REG_A, REG_X); break;
		case BC_ALU | BC_DIV | BC_X:
		case BC_ALU | BC_MOD | BC_X:
			emit_test32(j, REG_X, REG_X);
			emit_jcc(j, X86_CC_E, ret0);
			emit_zero32(j, REG_T1);
			emit_unary(j, 0, X86_DIV, REG_X);
			if (BC_OP(in->code) == BC_MOD)
				emit_mov32(j, REG_A, REG_T1);
			break;
		case BC_ALU | BC_LSH | BC_X:
		case BC_ALU | BC_RSH | BC_X:
			/* x86 masks the count to 5 bits; BPF wants 0 for X >= 32 */
			emit_shift_cl(j, 0, BC_OP(in->code) == BC_LSH ? X86_SHL : X86_SHR, REG_A);
			emit_zero32(j, REG_T1);
			emit_alu32_imm32(j, X86_CMP, REG_X, 32);
			emit_cmov(j, 0, X86_CC_AE, REG_A, REG_T1);
			break;
		case BC_ALU | BC_NEG:
			emit_unary(j, 0, X86_NEG, REG_A);
			break;

		case BC_JMP | BC_JA:
			if (k)
				emit_goto(j, prog, (uint32_t)(pc + 1 + k), hook);
			break;
		case BC_JMP | BC_JEQ | BC_K:
		case BC_JMP | BC_JGT | BC_K:
		case BC_JMP | BC_JGE | BC_K:
		case BC_JMP | BC_JSET | BC_K:
		case BC_JMP | BC_JEQ | BC_X:
		case BC_JMP | BC_JGT | BC_X:
		case BC_JMP | BC_JGE | BC_X:
		case BC_JMP | BC_JSET | BC_X: {
			if (in->jt == in->jf) {        /* both ways lead to the same place */
				emit_branch(j, X86_CC_E, prog, pc, hook);
				break;
			}
			bool set = BC_OP(in->code) == BC_JSET;
			/* A kept swapped by a load: swap the constant instead (a 16-bit A
			 * never equals a k above 0xffff, swapped or not) */
			if (rep[pc] == REP_SWAP32)
				k = __builtin_bswap32(k);
			else if (rep[pc] == REP_SWAP16 && (set || k <= 0xffff))
				k = __builtin_bswap16((uint16_t)k);
			if (BC_SRC(in->code) == BC_X)
				set ? emit_test32(j, REG_A, REG_X) : emit_alu32(j, X86_CMP, REG_A, REG_X);
			else if (set)
				emit_test32_imm32(j, REG_A, k);
			else if (k == 0 && BC_OP(in->code) != BC_JGE)
				emit_test32(j, REG_A, REG_A);  /* A > 0 is A != 0 */
			else
				emit_alu32_imm32(j, X86_CMP, REG_A, k);
			enum x86_cc cc;
			switch (BC_OP(in->code)) {
			case BC_JEQ: cc = X86_CC_E; break;
			case BC_JGT: cc = k == 0 && BC_SRC(in->code) == BC_K ? X86_CC_NE : X86_CC_A; break;
			case BC_JGE: cc = X86_CC_AE; break;
			default: cc = X86_CC_NE; break;   /* JSET: some bit in common */
			}
			emit_branch(j, cc, prog, pc, hook);
			break;
		}

		case BC_MISC | BC_TAX:
			emit_mov32(j, REG_X, REG_A);
			break;
		case BC_MISC | BC_TXA:
			emit_mov32(j, REG_A, REG_X);
			break;
		}
	}
	x86_bind(j, ret0);
	emit_inc_mem(j, 1, REG_F, DROPS);
	emit_zero32(j, REG_A);
	emit_ret(j);
}

/* Through a memfd: the pages are written with write(2) and mapped
 * read+execute only. NULL if memfd_create is unavailable or fails. */
#ifndef MFD_EXEC
#define MFD_EXEC 0x0010U      /* Linux >= 6.3: this memfd may be mapped executable */
#endif

static uint8_t *map_code_memfd(const uint8_t *buf, size_t used, size_t len)
{
	/* Say that the memfd will be executable: newer kernels otherwise log a
	 * warning or (vm.memfd_noexec) seal it non-executable. Older kernels
	 * do not know the flag (EINVAL): ask again without it. */
	int fd = memfd_create("vn_bpf", MFD_CLOEXEC | MFD_EXEC);
	if (fd < 0 && errno == EINVAL)
		fd = memfd_create("vn_bpf", MFD_CLOEXEC);
	if (fd < 0)
		return NULL;
	uint8_t *mem = NULL;
	size_t done = 0;
	while (done < used) {
		ssize_t w = write(fd, buf + done, used - done);
		if (w <= 0) {
			if (w < 0 && errno == EINTR)
				continue;
			goto out;
		}
		done += (size_t)w;
	}
	mem = mmap(NULL, len, PROT_READ | PROT_EXEC, MAP_PRIVATE | MAP_POPULATE, fd, 0);
	if (mem == MAP_FAILED)
		mem = NULL;
out:
	close(fd);
	return mem;
}

/* Anonymous memory: read+write while filled, then read+execute. */
static uint8_t *map_code_anon(const uint8_t *buf, size_t used, size_t len)
{
	uint8_t *mem = mmap(NULL, len, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (mem == MAP_FAILED)
		return NULL;
	memcpy(mem, buf, used);
	if (mprotect(mem, len, PROT_READ | PROT_EXEC) != 0) {
		munmap(mem, len);
		return NULL;
	}
	return mem;
}

static uint8_t *map_code(const uint8_t *buf, size_t used, size_t len, unsigned flags)
{
	uint8_t *mem = flags & VN_BPF_F_NO_MEMFD ? NULL : map_code_memfd(buf, used, len);
	return mem ? mem : map_code_anon(buf, used, len);
}

/* One translation into buf[0..cap): its length, or 0 if it did not fit. */
static size_t translate_into(uint8_t *buf, size_t cap, const struct vn_bpf_insn *prog, size_t n,
			     const uint64_t *chk, const uint8_t *need, const uint8_t *rep, unsigned zero,
			     bool hook)
{
	struct x86_jit j;
	if (x86_init(&j, buf, cap, n + 1))
		return 0;
	translate(&j, prog, n, chk, need, rep, zero, hook);
	size_t used = x86_finish(&j) == 0 ? j.off : 0;
	x86_release(&j);
	return used;
}

int vn_bpf_jit(const struct vn_bpf_insn *prog, size_t n, unsigned flags, void **code,
	       size_t *map_len, size_t *code_len, size_t *hook_off)
{
	size_t bound = n * MAX_INSN_BYTES + FIXED_BYTES;    /* one translation */
	uint64_t *tab = malloc(2 * n * sizeof(*tab) + 2 * n + 2 * bound + 16);
	if (!tab)
		return -ENOMEM;
	uint8_t *need = (uint8_t *)(tab + 2 * n), *rep = need + n, *buf = rep + n;
	plan_checks(prog, n, tab, tab + n);
	plan_swaps(prog, n, need, rep);
	unsigned zero = plan_zeroing(prog, n, buf);        /* buf: scratch until translated */

	int rc = -EFAULT;    /* a translation outgrew its bound: cannot happen */
	size_t run_len = translate_into(buf, bound, prog, n, tab + n, need, rep, zero, false);
	size_t hoff = (run_len + 15) & ~(size_t)15;         /* the hook entry, aligned */
	memset(buf + run_len, 0xcc, hoff - run_len);         /* int3 between the two */
	size_t hook_len = run_len ? translate_into(buf + hoff, bound, prog, n, tab + n, need, rep, zero, true) : 0;
	if (!hook_len)
		goto out;
	size_t used = hoff + hook_len;

	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	size_t len = (used + page - 1) & ~(page - 1);
	uint8_t *mem = map_code(buf, used, len, flags);
	rc = -ENOMEM;
	if (!mem)
		goto out;
	*code = mem;
	*map_len = len;
	*code_len = used;
	*hook_off = hoff;
	rc = 0;
out:
	free(tab);
	return rc;
}

void vn_bpf_jit_release(void *code, size_t map_len)
{
	munmap(code, map_len);
}

#else /* not x86-64: the interpreter runs every filter */

bool vn_bpf_jit_available(void) { return false; }

int vn_bpf_jit(const struct vn_bpf_insn *prog, size_t n, unsigned flags, void **code,
	       size_t *map_len, size_t *code_len, size_t *hook_off)
{
	(void)prog; (void)n; (void)flags; (void)code; (void)map_len; (void)code_len; (void)hook_off;
	return -ENOTSUP;
}

void vn_bpf_jit_release(void *code, size_t map_len)
{
	(void)code; (void)map_len;
}

#endif
