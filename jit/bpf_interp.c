/* The portable classic BPF interpreter: one short block per opcode.
 *
 * It runs validated programs only (bpf_validate.c), so it does not check
 * opcodes, jump ranges or scratch indices; it checks what only run time
 * knows: packet bounds (a load past caplen returns 0, the BPF convention)
 * and division or modulo by X == 0 (returns 0). Semantics are libpcap's
 * bpf_filter: 32-bit unsigned arithmetic, big-endian loads, an indirect
 * offset X + k computed without wrapping, shifts by X >= 32 give 0, and
 * BPF_LEN reads the wire length.
 *
 * Dispatch (as in Lua's lvm.c): the opcode blocks are written once with
 * vmcase/vmbreak and compile either to computed-goto threading (GCC and
 * clang: each block ends in its own indirect jump, which predicts better) or
 * to a plain switch (other compilers, or -DVN_BPF_INTERP_SWITCH). */
#include "bpf_internal.h"

#if defined(__GNUC__) && !defined(__clang__)
/* Keep one dispatch per block: GCC's cross-jumping would merge them all back
 * into a single indirect jump, which is the switch again. */
#pragma GCC optimize("no-crossjumping")
#endif

static inline uint32_t get16(const uint8_t *p) { return (uint32_t)p[0] << 8 | p[1]; }
static inline uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Does [off, off+size) fit in the caplen bytes present? (No overflow: off is
 * at most 2^33, computed in 64 bits.) */
#define FITS(off, size) ((uint64_t)(off) + (size) <= caplen)

/* Every opcode: its code and the name of its block. */
#define BPF_OPS(X) \
	X(BC_RET | BC_K, ret_k) X(BC_RET | BC_A, ret_a) \
	X(BC_LD | BC_W | BC_ABS, ld_w_abs) X(BC_LD | BC_H | BC_ABS, ld_h_abs) \
	X(BC_LD | BC_B | BC_ABS, ld_b_abs) X(BC_LD | BC_W | BC_IND, ld_w_ind) \
	X(BC_LD | BC_H | BC_IND, ld_h_ind) X(BC_LD | BC_B | BC_IND, ld_b_ind) \
	X(BC_LDX | BC_B | BC_MSH, ldx_msh) X(BC_LD | BC_W | BC_LEN, ld_len) \
	X(BC_LDX | BC_W | BC_LEN, ldx_len) X(BC_LD | BC_IMM, ld_imm) \
	X(BC_LDX | BC_IMM, ldx_imm) X(BC_LD | BC_MEM, ld_mem) X(BC_LDX | BC_MEM, ldx_mem) \
	X(BC_ST, st) X(BC_STX, stx) \
	X(BC_ALU | BC_ADD | BC_K, add_k) X(BC_ALU | BC_ADD | BC_X, add_x) \
	X(BC_ALU | BC_SUB | BC_K, sub_k) X(BC_ALU | BC_SUB | BC_X, sub_x) \
	X(BC_ALU | BC_MUL | BC_K, mul_k) X(BC_ALU | BC_MUL | BC_X, mul_x) \
	X(BC_ALU | BC_DIV | BC_K, div_k) X(BC_ALU | BC_DIV | BC_X, div_x) \
	X(BC_ALU | BC_MOD | BC_K, mod_k) X(BC_ALU | BC_MOD | BC_X, mod_x) \
	X(BC_ALU | BC_AND | BC_K, and_k) X(BC_ALU | BC_AND | BC_X, and_x) \
	X(BC_ALU | BC_OR | BC_K, or_k) X(BC_ALU | BC_OR | BC_X, or_x) \
	X(BC_ALU | BC_XOR | BC_K, xor_k) X(BC_ALU | BC_XOR | BC_X, xor_x) \
	X(BC_ALU | BC_LSH | BC_K, lsh_k) X(BC_ALU | BC_LSH | BC_X, lsh_x) \
	X(BC_ALU | BC_RSH | BC_K, rsh_k) X(BC_ALU | BC_RSH | BC_X, rsh_x) \
	X(BC_ALU | BC_NEG, neg) \
	X(BC_JMP | BC_JA, ja) \
	X(BC_JMP | BC_JEQ | BC_K, jeq_k) X(BC_JMP | BC_JEQ | BC_X, jeq_x) \
	X(BC_JMP | BC_JGT | BC_K, jgt_k) X(BC_JMP | BC_JGT | BC_X, jgt_x) \
	X(BC_JMP | BC_JGE | BC_K, jge_k) X(BC_JMP | BC_JGE | BC_X, jge_x) \
	X(BC_JMP | BC_JSET | BC_K, jset_k) X(BC_JMP | BC_JSET | BC_X, jset_x) \
	X(BC_MISC | BC_TAX, tax) X(BC_MISC | BC_TXA, txa)

#if (defined(__GNUC__) || defined(__clang__)) && !defined(VN_BPF_INTERP_SWITCH)

/* dense opcode numbers; 0 is "not an opcode" (never reached when validated) */
enum {
	OP_bad,
#define OP_ENUM(code, name) OP_##name,
	BPF_OPS(OP_ENUM)
#undef OP_ENUM
};
static const uint8_t opnum[256] = {
#define OP_NUM(code, name) [code] = OP_##name,
	BPF_OPS(OP_NUM)
#undef OP_NUM
};
#define vmdispatch(c)      goto *disp[opnum[c]];
#define vmcase(code, name) L_##name:
#define vmbreak            do { pc++; k = pc->k; goto *disp[opnum[pc->code]]; } while (0)
#define vmdefault          L_bad:

#else

#define vmdispatch(c)      switch (c)
#define vmcase(code, name) case code:
#define vmbreak            break
#define vmdefault          default:

#endif

/* The tests build this file a second time as the switch variant under
 * another name, to compare the two dispatch forms. */
#ifndef VN_BPF_INTERP_NAME
#define VN_BPF_INTERP_NAME vn_bpf_interp
#endif

uint32_t VN_BPF_INTERP_NAME(const struct vn_bpf_insn *prog, const uint8_t *pkt,
			    uint32_t caplen, uint32_t wirelen, uint32_t *mem)
{
	uint32_t A = 0, X = 0, k;
	uint64_t off;
	const struct vn_bpf_insn *pc = prog;
#if (defined(__GNUC__) || defined(__clang__)) && !defined(VN_BPF_INTERP_SWITCH)
	static const void *const disp[] = {
		&&L_bad,
#define OP_LABEL(code, name) &&L_##name,
		BPF_OPS(OP_LABEL)
#undef OP_LABEL
	};
#endif
	for (;; pc++) {
		k = pc->k;
		vmdispatch(pc->code) {
		vmcase(BC_RET | BC_K, ret_k)
			return k;
		vmcase(BC_RET | BC_A, ret_a)
			return A;

		vmcase(BC_LD | BC_W | BC_ABS, ld_w_abs)
			if (!FITS(k, 4))
				return 0;
			A = get32(pkt + k);
			vmbreak;
		vmcase(BC_LD | BC_H | BC_ABS, ld_h_abs)
			if (!FITS(k, 2))
				return 0;
			A = get16(pkt + k);
			vmbreak;
		vmcase(BC_LD | BC_B | BC_ABS, ld_b_abs)
			if (!FITS(k, 1))
				return 0;
			A = pkt[k];
			vmbreak;
		vmcase(BC_LD | BC_W | BC_IND, ld_w_ind)
			off = (uint64_t)X + k;
			if (!FITS(off, 4))
				return 0;
			A = get32(pkt + off);
			vmbreak;
		vmcase(BC_LD | BC_H | BC_IND, ld_h_ind)
			off = (uint64_t)X + k;
			if (!FITS(off, 2))
				return 0;
			A = get16(pkt + off);
			vmbreak;
		vmcase(BC_LD | BC_B | BC_IND, ld_b_ind)
			off = (uint64_t)X + k;
			if (!FITS(off, 1))
				return 0;
			A = pkt[off];
			vmbreak;
		vmcase(BC_LDX | BC_B | BC_MSH, ldx_msh)
			if (!FITS(k, 1))
				return 0;
			X = (uint32_t)(pkt[k] & 0xf) << 2;
			vmbreak;
		vmcase(BC_LD | BC_W | BC_LEN, ld_len)
			A = wirelen;
			vmbreak;
		vmcase(BC_LDX | BC_W | BC_LEN, ldx_len)
			X = wirelen;
			vmbreak;
		vmcase(BC_LD | BC_IMM, ld_imm)
			A = k;
			vmbreak;
		vmcase(BC_LDX | BC_IMM, ldx_imm)
			X = k;
			vmbreak;
		vmcase(BC_LD | BC_MEM, ld_mem)
			A = mem[k];
			vmbreak;
		vmcase(BC_LDX | BC_MEM, ldx_mem)
			X = mem[k];
			vmbreak;
		vmcase(BC_ST, st)
			__atomic_store_n(&mem[k], A, __ATOMIC_RELAXED);   /* read by other threads */
			vmbreak;
		vmcase(BC_STX, stx)
			__atomic_store_n(&mem[k], X, __ATOMIC_RELAXED);
			vmbreak;

		vmcase(BC_ALU | BC_ADD | BC_K, add_k) A += k; vmbreak;
		vmcase(BC_ALU | BC_ADD | BC_X, add_x) A += X; vmbreak;
		vmcase(BC_ALU | BC_SUB | BC_K, sub_k) A -= k; vmbreak;
		vmcase(BC_ALU | BC_SUB | BC_X, sub_x) A -= X; vmbreak;
		vmcase(BC_ALU | BC_MUL | BC_K, mul_k) A *= k; vmbreak;
		vmcase(BC_ALU | BC_MUL | BC_X, mul_x) A *= X; vmbreak;
		vmcase(BC_ALU | BC_DIV | BC_K, div_k) A /= k; vmbreak;    /* k != 0: validated */
		vmcase(BC_ALU | BC_DIV | BC_X, div_x)
			if (X == 0)
				return 0;
			A /= X;
			vmbreak;
		vmcase(BC_ALU | BC_MOD | BC_K, mod_k) A %= k; vmbreak;
		vmcase(BC_ALU | BC_MOD | BC_X, mod_x)
			if (X == 0)
				return 0;
			A %= X;
			vmbreak;
		vmcase(BC_ALU | BC_AND | BC_K, and_k) A &= k; vmbreak;
		vmcase(BC_ALU | BC_AND | BC_X, and_x) A &= X; vmbreak;
		vmcase(BC_ALU | BC_OR | BC_K, or_k) A |= k; vmbreak;
		vmcase(BC_ALU | BC_OR | BC_X, or_x) A |= X; vmbreak;
		vmcase(BC_ALU | BC_XOR | BC_K, xor_k) A ^= k; vmbreak;
		vmcase(BC_ALU | BC_XOR | BC_X, xor_x) A ^= X; vmbreak;
		vmcase(BC_ALU | BC_LSH | BC_K, lsh_k) A <<= k; vmbreak;   /* k < 32: validated */
		vmcase(BC_ALU | BC_LSH | BC_X, lsh_x) A = X < 32 ? A << X : 0; vmbreak;
		vmcase(BC_ALU | BC_RSH | BC_K, rsh_k) A >>= k; vmbreak;
		vmcase(BC_ALU | BC_RSH | BC_X, rsh_x) A = X < 32 ? A >> X : 0; vmbreak;
		vmcase(BC_ALU | BC_NEG, neg) A = 0u - A; vmbreak;

		vmcase(BC_JMP | BC_JA, ja) pc += k; vmbreak;
		/* conditional jumps: a real branch on each way, each with its own
		 * dispatch, rather than a conditional move that would put the
		 * comparison on the critical path to the next instruction */
		vmcase(BC_JMP | BC_JEQ | BC_K, jeq_k)
			if (A == k) { pc += pc->jt; vmbreak; } pc += pc->jf; vmbreak;
		vmcase(BC_JMP | BC_JEQ | BC_X, jeq_x)
			if (A == X) { pc += pc->jt; vmbreak; } pc += pc->jf; vmbreak;
		vmcase(BC_JMP | BC_JGT | BC_K, jgt_k)
			if (A > k) { pc += pc->jt; vmbreak; } pc += pc->jf; vmbreak;
		vmcase(BC_JMP | BC_JGT | BC_X, jgt_x)
			if (A > X) { pc += pc->jt; vmbreak; } pc += pc->jf; vmbreak;
		vmcase(BC_JMP | BC_JGE | BC_K, jge_k)
			if (A >= k) { pc += pc->jt; vmbreak; } pc += pc->jf; vmbreak;
		vmcase(BC_JMP | BC_JGE | BC_X, jge_x)
			if (A >= X) { pc += pc->jt; vmbreak; } pc += pc->jf; vmbreak;
		vmcase(BC_JMP | BC_JSET | BC_K, jset_k)
			if (A & k) { pc += pc->jt; vmbreak; } pc += pc->jf; vmbreak;
		vmcase(BC_JMP | BC_JSET | BC_X, jset_x)
			if (A & X) { pc += pc->jt; vmbreak; } pc += pc->jf; vmbreak;

		vmcase(BC_MISC | BC_TAX, tax) X = A; vmbreak;
		vmcase(BC_MISC | BC_TXA, txa) A = X; vmbreak;

		vmdefault         /* unreachable for a validated program */
			return 0;
		}
	}
}
