/* The classic BPF validator: the kernel's rules for socket filters, checked
 * before anything runs or is translated (it never emits code).
 *
 * Invariants a valid program gives the interpreter and the JIT:
 *  - 1 <= n <= VN_BPF_MAXINSNS, every opcode is one of the table below;
 *  - every jump goes forward and lands inside the program, so execution
 *    always ends and it ends at a RET (the last instruction is one);
 *  - scratch indices are < VN_BPF_MEMWORDS;
 *  - DIV/MOD by a constant are by a non-zero constant, shifts by a constant
 *    are by less than 32.
 * Packet bounds and division by X == 0 are checked at run time (result 0).
 * Reading a scratch word before writing it is allowed on purpose: the words
 * persist across packets (the kernel rejects it because its scratch is not). */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>

#include "bpf_internal.h"

static int reject(char *err, size_t errlen, const char *fmt, ...)
{
	if (err && errlen) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

/* Is code one of the classic opcodes? (Exactly the kernel's list.) */
static int known_opcode(uint16_t code)
{
	switch (code) {
	case BC_LD | BC_W | BC_ABS: case BC_LD | BC_H | BC_ABS: case BC_LD | BC_B | BC_ABS:
	case BC_LD | BC_W | BC_IND: case BC_LD | BC_H | BC_IND: case BC_LD | BC_B | BC_IND:
	case BC_LD | BC_W | BC_LEN: case BC_LD | BC_IMM: case BC_LD | BC_MEM:
	case BC_LDX | BC_W | BC_LEN: case BC_LDX | BC_B | BC_MSH: case BC_LDX | BC_IMM:
	case BC_LDX | BC_MEM:
	case BC_ST: case BC_STX:
	case BC_ALU | BC_ADD | BC_K: case BC_ALU | BC_ADD | BC_X:
	case BC_ALU | BC_SUB | BC_K: case BC_ALU | BC_SUB | BC_X:
	case BC_ALU | BC_MUL | BC_K: case BC_ALU | BC_MUL | BC_X:
	case BC_ALU | BC_DIV | BC_K: case BC_ALU | BC_DIV | BC_X:
	case BC_ALU | BC_MOD | BC_K: case BC_ALU | BC_MOD | BC_X:
	case BC_ALU | BC_AND | BC_K: case BC_ALU | BC_AND | BC_X:
	case BC_ALU | BC_OR | BC_K: case BC_ALU | BC_OR | BC_X:
	case BC_ALU | BC_XOR | BC_K: case BC_ALU | BC_XOR | BC_X:
	case BC_ALU | BC_LSH | BC_K: case BC_ALU | BC_LSH | BC_X:
	case BC_ALU | BC_RSH | BC_K: case BC_ALU | BC_RSH | BC_X:
	case BC_ALU | BC_NEG:
	case BC_JMP | BC_JA:
	case BC_JMP | BC_JEQ | BC_K: case BC_JMP | BC_JEQ | BC_X:
	case BC_JMP | BC_JGT | BC_K: case BC_JMP | BC_JGT | BC_X:
	case BC_JMP | BC_JGE | BC_K: case BC_JMP | BC_JGE | BC_X:
	case BC_JMP | BC_JSET | BC_K: case BC_JMP | BC_JSET | BC_X:
	case BC_RET | BC_K: case BC_RET | BC_A:
	case BC_MISC | BC_TAX: case BC_MISC | BC_TXA:
		return 1;
	}
	return 0;
}

int vn_bpf_validate(const struct vn_bpf_insn *prog, size_t n, char *err, size_t errlen)
{
	if (n == 0)
		return reject(err, errlen, "empty program");
	if (n > VN_BPF_MAXINSNS)
		return reject(err, errlen, "program has %zu instructions (at most %d)",
			      n, VN_BPF_MAXINSNS);
	for (size_t pc = 0; pc < n; pc++) {
		const struct vn_bpf_insn *in = &prog[pc];
		uint16_t c = in->code;
		if (!known_opcode(c))
			return reject(err, errlen, "instruction %zu: unknown opcode 0x%04x", pc, c);
		switch (BC_CLASS(c)) {
		case BC_LD:
		case BC_LDX:
			if (BC_MODE(c) == BC_MEM && in->k >= VN_BPF_MEMWORDS)
				return reject(err, errlen,
					      "instruction %zu: scratch index %" PRIu32 " out of range (0-%d)",
					      pc, in->k, VN_BPF_MEMWORDS - 1);
			break;
		case BC_ST:
		case BC_STX:
			if (in->k >= VN_BPF_MEMWORDS)
				return reject(err, errlen,
					      "instruction %zu: scratch index %" PRIu32 " out of range (0-%d)",
					      pc, in->k, VN_BPF_MEMWORDS - 1);
			break;
		case BC_ALU:
			if (BC_SRC(c) != BC_K || BC_OP(c) == BC_NEG)
				break;
			if (BC_OP(c) == BC_DIV && in->k == 0)
				return reject(err, errlen, "instruction %zu: division by constant zero", pc);
			if (BC_OP(c) == BC_MOD && in->k == 0)
				return reject(err, errlen, "instruction %zu: modulo by constant zero", pc);
			if ((BC_OP(c) == BC_LSH || BC_OP(c) == BC_RSH) && in->k >= 32)
				return reject(err, errlen,
					      "instruction %zu: shift by constant %" PRIu32 " (must be < 32)",
					      pc, in->k);
			break;
		case BC_JMP:
			if (BC_OP(c) == BC_JA) {
				if ((int32_t)in->k < 0)
					return reject(err, errlen,
						      "instruction %zu: backward jump (ja %+" PRId32 ")",
						      pc, (int32_t)in->k);
				uint64_t t = (uint64_t)pc + 1 + in->k;
				if (t >= n)
					return reject(err, errlen,
						      "instruction %zu: jump target %" PRIu64
						      " out of range (program has %zu instructions)", pc, t, n);
			} else {
				size_t tt = pc + 1 + in->jt, tf = pc + 1 + in->jf;
				size_t bad = tt >= n ? tt : tf;
				if (tt >= n || tf >= n)
					return reject(err, errlen,
						      "instruction %zu: jump target %zu out of range"
						      " (program has %zu instructions)", pc, bad, n);
			}
			break;
		}
	}
	if (BC_CLASS(prog[n - 1].code) != BC_RET)
		return reject(err, errlen, "instruction %zu: program does not end in RET", n - 1);
	return 0;
}
