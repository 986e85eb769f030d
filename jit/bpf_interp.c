/* The portable classic BPF interpreter: one short case per opcode.
 *
 * It runs validated programs only (bpf_validate.c), so it does not check
 * opcodes, jump ranges or scratch indices; it checks what only run time
 * knows: packet bounds (a load past caplen returns 0, the BPF convention)
 * and division or modulo by X == 0 (returns 0). Semantics are libpcap's
 * bpf_filter: 32-bit unsigned arithmetic, big-endian loads, an indirect
 * offset X + k computed without wrapping, shifts by X >= 32 give 0, and
 * BPF_LEN reads the wire length. */
#include "bpf_internal.h"

static inline uint32_t get16(const uint8_t *p) { return (uint32_t)p[0] << 8 | p[1]; }
static inline uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Does [off, off+size) fit in the caplen bytes present? (No overflow: off is
 * at most 2^33, computed in 64 bits.) */
#define FITS(off, size) ((uint64_t)(off) + (size) <= caplen)

uint32_t vn_bpf_interp(const struct vn_bpf_insn *prog, const uint8_t *pkt,
		       uint32_t caplen, uint32_t wirelen, uint32_t *mem)
{
	uint32_t A = 0, X = 0;
	uint64_t off;
	for (const struct vn_bpf_insn *pc = prog;; pc++) {
		uint32_t k = pc->k;
		switch (pc->code) {
		case BC_RET | BC_K:
			return k;
		case BC_RET | BC_A:
			return A;

		case BC_LD | BC_W | BC_ABS:
			if (!FITS(k, 4))
				return 0;
			A = get32(pkt + k);
			break;
		case BC_LD | BC_H | BC_ABS:
			if (!FITS(k, 2))
				return 0;
			A = get16(pkt + k);
			break;
		case BC_LD | BC_B | BC_ABS:
			if (!FITS(k, 1))
				return 0;
			A = pkt[k];
			break;
		case BC_LD | BC_W | BC_IND:
			off = (uint64_t)X + k;
			if (!FITS(off, 4))
				return 0;
			A = get32(pkt + off);
			break;
		case BC_LD | BC_H | BC_IND:
			off = (uint64_t)X + k;
			if (!FITS(off, 2))
				return 0;
			A = get16(pkt + off);
			break;
		case BC_LD | BC_B | BC_IND:
			off = (uint64_t)X + k;
			if (!FITS(off, 1))
				return 0;
			A = pkt[off];
			break;
		case BC_LDX | BC_B | BC_MSH:
			if (!FITS(k, 1))
				return 0;
			X = (uint32_t)(pkt[k] & 0xf) << 2;
			break;
		case BC_LD | BC_W | BC_LEN:
			A = wirelen;
			break;
		case BC_LDX | BC_W | BC_LEN:
			X = wirelen;
			break;
		case BC_LD | BC_IMM:
			A = k;
			break;
		case BC_LDX | BC_IMM:
			X = k;
			break;
		case BC_LD | BC_MEM:
			A = mem[k];
			break;
		case BC_LDX | BC_MEM:
			X = mem[k];
			break;
		case BC_ST:
			mem[k] = A;
			break;
		case BC_STX:
			mem[k] = X;
			break;

		case BC_ALU | BC_ADD | BC_K: A += k; break;
		case BC_ALU | BC_ADD | BC_X: A += X; break;
		case BC_ALU | BC_SUB | BC_K: A -= k; break;
		case BC_ALU | BC_SUB | BC_X: A -= X; break;
		case BC_ALU | BC_MUL | BC_K: A *= k; break;
		case BC_ALU | BC_MUL | BC_X: A *= X; break;
		case BC_ALU | BC_DIV | BC_K: A /= k; break;    /* k != 0: validated */
		case BC_ALU | BC_DIV | BC_X:
			if (X == 0)
				return 0;
			A /= X;
			break;
		case BC_ALU | BC_MOD | BC_K: A %= k; break;
		case BC_ALU | BC_MOD | BC_X:
			if (X == 0)
				return 0;
			A %= X;
			break;
		case BC_ALU | BC_AND | BC_K: A &= k; break;
		case BC_ALU | BC_AND | BC_X: A &= X; break;
		case BC_ALU | BC_OR | BC_K: A |= k; break;
		case BC_ALU | BC_OR | BC_X: A |= X; break;
		case BC_ALU | BC_XOR | BC_K: A ^= k; break;
		case BC_ALU | BC_XOR | BC_X: A ^= X; break;
		case BC_ALU | BC_LSH | BC_K: A <<= k; break;   /* k < 32: validated */
		case BC_ALU | BC_LSH | BC_X: A = X < 32 ? A << X : 0; break;
		case BC_ALU | BC_RSH | BC_K: A >>= k; break;
		case BC_ALU | BC_RSH | BC_X: A = X < 32 ? A >> X : 0; break;
		case BC_ALU | BC_NEG: A = 0u - A; break;

		case BC_JMP | BC_JA: pc += k; break;
		case BC_JMP | BC_JEQ | BC_K: pc += A == k ? pc->jt : pc->jf; break;
		case BC_JMP | BC_JEQ | BC_X: pc += A == X ? pc->jt : pc->jf; break;
		case BC_JMP | BC_JGT | BC_K: pc += A > k ? pc->jt : pc->jf; break;
		case BC_JMP | BC_JGT | BC_X: pc += A > X ? pc->jt : pc->jf; break;
		case BC_JMP | BC_JGE | BC_K: pc += A >= k ? pc->jt : pc->jf; break;
		case BC_JMP | BC_JGE | BC_X: pc += A >= X ? pc->jt : pc->jf; break;
		case BC_JMP | BC_JSET | BC_K: pc += (A & k) ? pc->jt : pc->jf; break;
		case BC_JMP | BC_JSET | BC_X: pc += (A & X) ? pc->jt : pc->jf; break;

		case BC_MISC | BC_TAX: X = A; break;
		case BC_MISC | BC_TXA: A = X; break;

		default:        /* unreachable for a validated program */
			return 0;
		}
	}
}
