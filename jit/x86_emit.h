/* x86_emit.h — a tiny x86-64 machine-code emitter shared by the JITs (classic
 * BPF now, VIFlet bytecode later).
 *
 * Each helper is named after the encoding it produces and appends it to one
 * state struct (struct x86_jit) that holds the buffer, the current offset, a
 * label -> offset table and the pending jumps. Jumps always take a rel32 and
 * name a label; x86_finish() patches them once every label is bound (the
 * seed's npf_gen/npf_patch). Writing past the buffer never happens: the
 * emitter sets `overflow` and drops bytes, and x86_finish() fails, so a
 * caller can size the buffer from a bound and retry larger if it was wrong.
 *
 * Calls go through a register (emit_call_abs) or to a label inside the code
 * (emit_call_label); emit_align pads function entries.
 *
 * Register numbers are the hardware ones (X86_R8..X86_R15 need REX bits).
 * "32" helpers operate on 32-bit registers (writes zero the upper half),
 * "64" ones set REX.W. Memory operands are [base + disp32] or
 * [base + index*scale + disp32]. */
#ifndef VN_X86_EMIT_H
#define VN_X86_EMIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

enum x86_reg {
	X86_RAX, X86_RCX, X86_RDX, X86_RBX, X86_RSP, X86_RBP, X86_RSI, X86_RDI,
	X86_R8, X86_R9, X86_R10, X86_R11, X86_R12, X86_R13, X86_R14, X86_R15,
};

/* condition codes (the low nibble of Jcc/SETcc/CMOVcc) */
enum x86_cc {
	X86_CC_O = 0x0, X86_CC_NO = 0x1, X86_CC_B = 0x2, X86_CC_AE = 0x3,
	X86_CC_E = 0x4, X86_CC_NE = 0x5, X86_CC_BE = 0x6, X86_CC_A = 0x7,
	X86_CC_S = 0x8, X86_CC_NS = 0x9, X86_CC_P = 0xa, X86_CC_NP = 0xb,
	X86_CC_L = 0xc, X86_CC_GE = 0xd, X86_CC_LE = 0xe, X86_CC_G = 0xf,
};
static inline enum x86_cc x86_cc_not(enum x86_cc cc) { return (enum x86_cc)(cc ^ 1); }

/* two-operand ALU opcodes "op r/m, reg" (the /digit of the 0x81 group is op >> 3) */
enum x86_alu {
	X86_ADD = 0x01, X86_OR = 0x09, X86_ADC = 0x11, X86_SBB = 0x19,
	X86_AND = 0x21, X86_SUB = 0x29, X86_XOR = 0x31, X86_CMP = 0x39,
};

/* shift/rotate group (/digit of 0xc1, 0xd1, 0xd3) */
enum x86_shift { X86_ROL = 0, X86_ROR = 1, X86_SHL = 4, X86_SHR = 5, X86_SAR = 7 };

/* the 0xf7 group (/digit): test is 0, the rest take one register operand */
enum x86_unary { X86_NOT = 2, X86_NEG = 3, X86_MUL = 4, X86_IMUL1 = 5, X86_DIV = 6, X86_IDIV = 7 };

struct x86_fixup {
	uint32_t at;         /* offset of the rel32 field */
	uint32_t label;
};

struct x86_jit {
	uint8_t *buf;
	size_t cap, off;
	bool overflow;       /* a byte did not fit, or a table could not grow */
	uint32_t *labels;    /* label -> offset, X86_UNBOUND until bound */
	size_t nlabels;
	struct x86_fixup *fix;
	size_t nfix, capfix;
	bool lent_labels, lent_fix;   /* the tables are the caller's (x86_init_lent) */
};
#define X86_UNBOUND UINT32_MAX

/* Start emitting into buf[0..cap) with nlabels labels. 0 or -1 (no memory). */
static inline int x86_init(struct x86_jit *j, uint8_t *buf, size_t cap, size_t nlabels)
{
	memset(j, 0, sizeof(*j));
	j->buf = buf;
	j->cap = cap;
	j->nlabels = nlabels;
	j->labels = malloc((nlabels ? nlabels : 1) * sizeof(*j->labels));
	if (!j->labels)
		return -1;
	memset(j->labels, 0xff, nlabels * sizeof(*j->labels));   /* X86_UNBOUND */
	return 0;
}

/* Like x86_init, on tables the caller lends (labels[nlabels], fix[capfix]),
 * so that emitting allocates nothing unless the jumps outgrow fix. */
static inline void x86_init_lent(struct x86_jit *j, uint8_t *buf, size_t cap, uint32_t *labels,
				 size_t nlabels, struct x86_fixup *fix, size_t capfix)
{
	memset(j, 0, sizeof(*j));
	j->buf = buf;
	j->cap = cap;
	j->labels = labels;
	j->nlabels = nlabels;
	memset(labels, 0xff, nlabels * sizeof(*labels));   /* X86_UNBOUND */
	j->fix = fix;
	j->capfix = capfix;
	j->lent_labels = j->lent_fix = true;
}

static inline void x86_release(struct x86_jit *j)
{
	if (!j->lent_labels)
		free(j->labels);
	if (!j->lent_fix)
		free(j->fix);
	j->labels = NULL;
	j->fix = NULL;
}

static inline void emit1(struct x86_jit *j, uint8_t b)
{
	/* off advanced before the byte is stored: a byte store may alias *j,
	 * so the compiler would otherwise read off again to advance it */
	size_t at = j->off;
	j->off = at + 1;
	if (at < j->cap)
		j->buf[at] = b;
	else
		j->overflow = true;
}
/* The n (<= 8) low bytes of v, least significant first: one 8-byte store
 * when the buffer has room for it (the bytes past n are written over by
 * what follows), else byte by byte. */
static inline void emit_upto8(struct x86_jit *j, uint64_t v, size_t n)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	size_t at = j->off;
	if (at <= j->cap && j->cap - at >= 8) {
		j->off = at + n;
		memcpy(j->buf + at, &v, 8);
		return;
	}
#endif
	for (size_t i = 0; i < n; i++)
		emit1(j, (uint8_t)(v >> (8 * i)));
}
static inline void emit2(struct x86_jit *j, uint16_t v) { emit_upto8(j, v, 2); }
static inline void emit4(struct x86_jit *j, uint32_t v) { emit_upto8(j, v, 4); }
static inline void emit8(struct x86_jit *j, uint64_t v) { emit_upto8(j, v, 8); }

static inline bool x86_fits_s8(int64_t v) { return v >= -128 && v <= 127; }
static inline bool x86_fits_s32(int64_t v) { return v >= INT32_MIN && v <= INT32_MAX; }

/* REX prefix: w = 64-bit operand, r = ModRM.reg, x = SIB.index, b = ModRM.rm/base. */
static inline uint8_t x86_rex(int w, int r, int x, int b)
{
	return (uint8_t)(0x40 | (w ? 8 : 0) | ((r >> 3) & 1) << 2 | ((x >> 3) & 1) << 1 | ((b >> 3) & 1));
}
static inline void emit_rex(struct x86_jit *j, int w, int r, int x, int b) { emit1(j, x86_rex(w, r, x, b)); }
static inline uint8_t x86_modrm(int mod, int reg, int rm) { return (uint8_t)((mod & 3) << 6 | (reg & 7) << 3 | (rm & 7)); }
static inline uint8_t x86_sib(int scale, int index, int base)
{
	int ss = scale == 8 ? 3 : scale == 4 ? 2 : scale == 2 ? 1 : 0;
	return (uint8_t)(ss << 6 | (index & 7) << 3 | (base & 7));
}
/* REX.W, opcode op, ModRM for two registers: one store */
static inline void emit_rex_w_op_rr(struct x86_jit *j, uint8_t op, int reg, int rm)
{
	emit_upto8(j, x86_rex(1, reg, 0, rm) | (uint64_t)op << 8 | (uint64_t)x86_modrm(3, reg, rm) << 16, 3);
}
/* A REX only when needed: 64-bit, an extended register, or (byte8) a byte
 * access to SPL/BPL/SIL/DIL through reg. */
static inline void emit_rex_opt(struct x86_jit *j, int w, int reg, int index, int base, bool byte8)
{
	if (w || reg >= 8 || index >= 8 || base >= 8 || (byte8 && reg >= 4))
		emit_rex(j, w, reg, index, base);
}
static inline void emit_modrm(struct x86_jit *j, int mod, int reg, int rm) { emit1(j, x86_modrm(mod, reg, rm)); }
static inline void emit_modrm_reg(struct x86_jit *j, int reg, int rm) { emit_modrm(j, 3, reg, rm); }
/* ModRM (+SIB) (+disp) for [base + disp], or [base + index*scale + disp]
 * when index >= 0 (index may not be RSP). */
static inline uint64_t x86_modrm_mem_bytes(int reg, int base, int index, int scale, int32_t disp, size_t *len)
{
	int mod = disp == 0 && (base & 7) != X86_RBP ? 0 : x86_fits_s8(disp) ? 1 : 2;
	uint64_t v;             /* the bytes, least significant first */
	size_t n;
	if (index >= 0 || (base & 7) == X86_RSP) {   /* a SIB (RSP as the index: none) */
		v = x86_modrm(mod, reg, 4) | (uint64_t)(index < 0 ? x86_sib(1, X86_RSP, base) : x86_sib(scale, index, base)) << 8;
		n = 2;
	} else {
		v = x86_modrm(mod, reg, base);
		n = 1;
	}
	if (mod == 1) {
		v |= (uint64_t)(uint8_t)disp << (8 * n);
		n += 1;
	} else if (mod == 2) {
		v |= (uint64_t)(uint32_t)disp << (8 * n);
		n += 4;
	}
	*len = n;
	return v;
}
static inline void emit_modrm_mem(struct x86_jit *j, int reg, int base, int index, int scale, int32_t disp)
{
	size_t n;
	uint64_t v = x86_modrm_mem_bytes(reg, base, index, scale, disp, &n);
	emit_upto8(j, v, n);     /* written at once */
}
/* REX.W, a one-byte opcode and the memory operand: one store (8 bytes at most) */
static inline void emit_rexw_op_mem(struct x86_jit *j, uint8_t op, int reg, int base, int index, int scale,
				    int32_t disp)
{
	size_t n;
	uint64_t v = x86_modrm_mem_bytes(reg, base, index, scale, disp, &n);
	emit_upto8(j, x86_rex(1, reg, index < 0 ? 0 : index, base) | (uint64_t)op << 8 | v << 16, n + 2);
}

/* --- register/register and register/immediate ALU --- */

/* dst op= src (op is an enum x86_alu; X86_CMP sets flags only) */
static inline void emit_alu32(struct x86_jit *j, enum x86_alu op, int dst, int src)
{
	emit_rex_opt(j, 0, src, 0, dst, false);
	emit1(j, (uint8_t)op);
	emit_modrm_reg(j, src, dst);
}
static inline void emit_alu64(struct x86_jit *j, enum x86_alu op, int dst, int src)
{
	emit_rex_w_op_rr(j, (uint8_t)op, src, dst);
}
static inline void emit_alu_imm32_w(struct x86_jit *j, int w, enum x86_alu op, int dst, int32_t imm)
{
	emit_rex_opt(j, w, 0, 0, dst, false);
	if (x86_fits_s8(imm)) {
		emit1(j, 0x83);
		emit_modrm_reg(j, op >> 3, dst);
		emit1(j, (uint8_t)imm);
	} else if (dst == X86_RAX) {   /* the short accumulator form, op eax, imm32 */
		emit1(j, (uint8_t)((op & 0x38) | 0x05));
		emit4(j, (uint32_t)imm);
	} else {
		emit1(j, 0x81);
		emit_modrm_reg(j, op >> 3, dst);
		emit4(j, (uint32_t)imm);
	}
}
/* dst op= imm (the 64-bit form sign-extends imm) */
static inline void emit_alu32_imm32(struct x86_jit *j, enum x86_alu op, int dst, uint32_t imm)
{
	emit_alu_imm32_w(j, 0, op, dst, (int32_t)imm);
}
static inline void emit_alu64_imm32(struct x86_jit *j, enum x86_alu op, int dst, int32_t imm)
{
	emit_alu_imm32_w(j, 1, op, dst, imm);
}

static inline void emit_mov32(struct x86_jit *j, int dst, int src)
{
	emit_rex_opt(j, 0, src, 0, dst, false);
	emit1(j, 0x89);
	emit_modrm_reg(j, src, dst);
}
static inline void emit_mov64(struct x86_jit *j, int dst, int src) { emit_rex_w_op_rr(j, 0x89, src, dst); }
/* dst = 0 (xor: clobbers the flags) */
static inline void emit_zero32(struct x86_jit *j, int dst) { emit_alu32(j, X86_XOR, dst, dst); }
/* dst = imm, zero-extended to 64 bits (mov r32, imm32; keeps the flags) */
static inline void emit_mov_imm32(struct x86_jit *j, int dst, uint32_t imm)
{
	if (dst >= 8)           /* REX.B */
		emit_upto8(j, 0x41 | (uint64_t)(0xb8 + (dst & 7)) << 8 | (uint64_t)imm << 16, 6);
	else
		emit_upto8(j, (uint64_t)(0xb8 + dst) | (uint64_t)imm << 8, 5);
}
/* dst = imm (shortest of mov r32 / mov r/m64 sign-extended / movabs) */
static inline void emit_mov_imm64(struct x86_jit *j, int dst, uint64_t imm)
{
	if (imm <= UINT32_MAX) {
		emit_mov_imm32(j, dst, (uint32_t)imm);
	} else if (x86_fits_s32((int64_t)imm)) {
		emit_upto8(j, x86_rex(1, 0, 0, dst) | 0xc7u << 8 | (uint64_t)x86_modrm(3, 0, dst) << 16 |
			   (uint64_t)(uint32_t)imm << 24, 7);
	} else {
		emit_upto8(j, x86_rex(1, 0, 0, dst) | (uint64_t)(0xb8 + (dst & 7)) << 8, 2);
		emit8(j, imm);
	}
}

/* test dst, src / test dst, imm (flags only) */
static inline void emit_test32(struct x86_jit *j, int dst, int src)
{
	emit_rex_opt(j, 0, src, 0, dst, false);
	emit1(j, 0x85);
	emit_modrm_reg(j, src, dst);
}
static inline void emit_test64(struct x86_jit *j, int dst, int src) { emit_rex_w_op_rr(j, 0x85, src, dst); }
static inline void emit_test32_imm32(struct x86_jit *j, int dst, uint32_t imm)
{
	if (dst == X86_RAX) {
		emit1(j, 0xa9);
	} else {
		emit_rex_opt(j, 0, 0, 0, dst, false);
		emit1(j, 0xf7);
		emit_modrm_reg(j, 0, dst);
	}
	emit4(j, imm);
}

/* shifts and rotates by an immediate or by CL */
static inline void emit_shift_imm(struct x86_jit *j, int w, enum x86_shift op, int dst, uint8_t n)
{
	emit_rex_opt(j, w, 0, 0, dst, false);
	if (n == 1) {
		emit1(j, 0xd1);
		emit_modrm_reg(j, op, dst);
	} else {
		emit1(j, 0xc1);
		emit_modrm_reg(j, op, dst);
		emit1(j, n);
	}
}
static inline void emit_shift_cl(struct x86_jit *j, int w, enum x86_shift op, int dst)
{
	emit_rex_opt(j, w, 0, 0, dst, false);
	emit1(j, 0xd3);
	emit_modrm_reg(j, op, dst);
}
/* rol r16, 8: swaps the two low bytes (upper half of the register kept) */
static inline void emit_rol16_8(struct x86_jit *j, int dst)
{
	emit1(j, 0x66);
	emit_rex_opt(j, 0, 0, 0, dst, false);
	emit1(j, 0xc1);
	emit_modrm_reg(j, X86_ROL, dst);
	emit1(j, 8);
}
static inline void emit_bswap(struct x86_jit *j, int w, int dst)
{
	emit_rex_opt(j, w, 0, 0, dst, false);
	emit1(j, 0x0f);
	emit1(j, (uint8_t)(0xc8 + (dst & 7)));
}

/* not/neg/mul/div of one register (mul/div use RDX:RAX) */
static inline void emit_unary(struct x86_jit *j, int w, enum x86_unary op, int reg)
{
	emit_rex_opt(j, w, 0, 0, reg, false);
	emit1(j, 0xf7);
	emit_modrm_reg(j, op, reg);
}
/* dst = dst * src (low half; same for signed and unsigned) */
static inline void emit_imul(struct x86_jit *j, int w, int dst, int src)
{
	emit_rex_opt(j, w, dst, 0, src, false);
	emit1(j, 0x0f);
	emit1(j, 0xaf);
	emit_modrm_reg(j, dst, src);
}
/* dst = src * imm */
static inline void emit_imul_imm32(struct x86_jit *j, int w, int dst, int src, int32_t imm)
{
	emit_rex_opt(j, w, dst, 0, src, false);
	if (x86_fits_s8(imm)) {
		emit1(j, 0x6b);
		emit_modrm_reg(j, dst, src);
		emit1(j, (uint8_t)imm);
	} else {
		emit1(j, 0x69);
		emit_modrm_reg(j, dst, src);
		emit4(j, (uint32_t)imm);
	}
}

/* set byte reg to 0/1 from a condition (upper bits untouched) */
static inline void emit_setcc(struct x86_jit *j, enum x86_cc cc, int dst)
{
	if (dst >= 4)        /* SPL..DIL and R8B..R15B need a REX */
		emit_rex(j, 0, 0, 0, dst);
	emit1(j, 0x0f);
	emit1(j, (uint8_t)(0x90 + cc));
	emit_modrm_reg(j, 0, dst);
}
/* if (cc) dst = src */
static inline void emit_cmov(struct x86_jit *j, int w, enum x86_cc cc, int dst, int src)
{
	emit_rex_opt(j, w, dst, 0, src, false);
	emit1(j, 0x0f);
	emit1(j, (uint8_t)(0x40 + cc));
	emit_modrm_reg(j, dst, src);
}

/* dst = zero-extended low size bytes of src (size 1 or 2; 32-bit result) */
static inline void emit_movzx_reg(struct x86_jit *j, int size, int dst, int src)
{
	if (size == 1 && src >= 4 && src < 8)   /* SPL..DIL need a REX */
		emit_rex(j, 0, dst, 0, src);
	else
		emit_rex_opt(j, 0, dst, 0, src, false);
	emit1(j, 0x0f);
	emit1(j, size == 1 ? 0xb6 : 0xb7);
	emit_modrm_reg(j, dst, src);
}
/* dst = sign-extended low size bytes of src (size 1, 2, or 4 with w) to 32
 * bits, or to 64 with w */
static inline void emit_movsx_reg(struct x86_jit *j, int w, int size, int dst, int src)
{
	if (size == 1 && !w && src >= 4 && src < 8)
		emit_rex(j, 0, dst, 0, src);
	else
		emit_rex_opt(j, w, dst, 0, src, false);
	if (size == 4) {
		emit1(j, 0x63);                   /* movsxd (w must be set) */
	} else {
		emit1(j, 0x0f);
		emit1(j, size == 1 ? 0xbe : 0xbf);
	}
	emit_modrm_reg(j, dst, src);
}
/* sign-extend eax into edx (cdq) or rax into rdx (cqo), before idiv */
static inline void emit_cdq(struct x86_jit *j, int w)
{
	if (w)
		emit_rex(j, 1, 0, 0, 0);
	emit1(j, 0x99);
}

/* --- memory --- */

/* dst = zero-extended size-byte load from [base (+ index) + disp] (size 1, 2,
 * 4 or 8; index < 0 for none, scale 1/2/4/8) */
static inline void emit_load_idx(struct x86_jit *j, int size, int dst, int base, int index,
				 int scale, int32_t disp)
{
	int ix = index < 0 ? 0 : index;
	if (size == 8) {
		emit_rexw_op_mem(j, 0x8b, dst, base, index, scale, disp);
		return;
	}
	emit_rex_opt(j, 0, dst, ix, base, false);
	switch (size) {
	case 1: emit1(j, 0x0f); emit1(j, 0xb6); break;
	case 2: emit1(j, 0x0f); emit1(j, 0xb7); break;
	default: emit1(j, 0x8b); break;
	}
	emit_modrm_mem(j, dst, base, index, scale, disp);
}
static inline void emit_load(struct x86_jit *j, int size, int dst, int base, int32_t disp)
{
	emit_load_idx(j, size, dst, base, -1, 1, disp);
}
/* dst (64-bit) = sign-extended size-byte load (size 1, 2 or 4) */
static inline void emit_load_sx(struct x86_jit *j, int size, int dst, int base, int32_t disp)
{
	emit_rex(j, 1, dst, 0, base);
	switch (size) {
	case 1: emit1(j, 0x0f); emit1(j, 0xbe); break;
	case 2: emit1(j, 0x0f); emit1(j, 0xbf); break;
	default: emit1(j, 0x63); break;
	}
	emit_modrm_mem(j, dst, base, -1, 1, disp);
}
/* size-byte store of src to [base (+ index) + disp] */
static inline void emit_store_idx(struct x86_jit *j, int size, int src, int base, int index,
				  int scale, int32_t disp)
{
	int ix = index < 0 ? 0 : index;
	if (size == 8) {
		emit_rexw_op_mem(j, 0x89, src, base, index, scale, disp);
		return;
	}
	if (size == 2)
		emit1(j, 0x66);
	emit_rex_opt(j, 0, src, ix, base, size == 1);
	emit1(j, size == 1 ? 0x88 : 0x89);
	emit_modrm_mem(j, src, base, index, scale, disp);
}
static inline void emit_store(struct x86_jit *j, int size, int src, int base, int32_t disp)
{
	emit_store_idx(j, size, src, base, -1, 1, disp);
}
/* size-byte store of an immediate (the 8-byte form sign-extends imm) */
static inline void emit_store_imm32(struct x86_jit *j, int size, int base, int32_t disp, int32_t imm)
{
	if (size == 2)
		emit1(j, 0x66);
	emit_rex_opt(j, size == 8, 0, 0, base, false);
	emit1(j, size == 1 ? 0xc6 : 0xc7);
	emit_modrm_mem(j, 0, base, -1, 1, disp);
	if (size == 1)
		emit1(j, (uint8_t)imm);
	else if (size == 2)
		emit2(j, (uint16_t)imm);
	else
		emit4(j, (uint32_t)imm);
}
/* inc dword/qword [base + disp] */
static inline void emit_inc_mem(struct x86_jit *j, int w, int base, int32_t disp)
{
	emit_rex_opt(j, w, 0, 0, base, false);
	emit1(j, 0xff);
	emit_modrm_mem(j, 0, base, -1, 1, disp);
}
/* reg op= [base + disp] (op is an enum x86_alu: the "reg, r/m" form is op + 2) */
static inline void emit_alu_load(struct x86_jit *j, int w, enum x86_alu op, int reg, int base,
				 int32_t disp)
{
	if (w) {
		emit_rexw_op_mem(j, (uint8_t)(op + 2), reg, base, -1, 1, disp);
		return;
	}
	emit_rex_opt(j, w, reg, 0, base, false);
	emit1(j, (uint8_t)(op + 2));
	emit_modrm_mem(j, reg, base, -1, 1, disp);
}
/* [base + disp] op= reg */
static inline void emit_alu_store(struct x86_jit *j, int w, enum x86_alu op, int base,
				  int32_t disp, int reg)
{
	emit_rex_opt(j, w, reg, 0, base, false);
	emit1(j, (uint8_t)op);
	emit_modrm_mem(j, reg, base, -1, 1, disp);
}
/* [base + disp] op= imm (32- or 64-bit operand; imm sign-extended) */
static inline void emit_alu_mem_imm32(struct x86_jit *j, int w, enum x86_alu op, int base,
				      int32_t disp, int32_t imm)
{
	emit_rex_opt(j, w, 0, 0, base, false);
	emit1(j, x86_fits_s8(imm) ? 0x83 : 0x81);
	emit_modrm_mem(j, op >> 3, base, -1, 1, disp);
	if (x86_fits_s8(imm))
		emit1(j, (uint8_t)imm);
	else
		emit4(j, (uint32_t)imm);
}
/* dst = base (+ index*scale) + disp */
static inline void emit_lea(struct x86_jit *j, int w, int dst, int base, int index, int scale,
			    int32_t disp)
{
	if (w) {
		emit_rexw_op_mem(j, 0x8d, dst, base, index, scale, disp);
		return;
	}
	emit_rex_opt(j, w, dst, index < 0 ? 0 : index, base, false);
	emit1(j, 0x8d);
	emit_modrm_mem(j, dst, base, index, scale, disp);
}

/* dst (64-bit) = sign-extended size-byte load (size 1, 2 or 4) from
 * [base (+ index*scale) + disp] (index < 0 for none) */
static inline void emit_load_sx_idx(struct x86_jit *j, int size, int dst, int base, int index,
				    int scale, int32_t disp)
{
	emit_rex(j, 1, dst, index < 0 ? 0 : index, base);
	switch (size) {
	case 1: emit1(j, 0x0f); emit1(j, 0xbe); break;
	case 2: emit1(j, 0x0f); emit1(j, 0xbf); break;
	default: emit1(j, 0x63); break;
	}
	emit_modrm_mem(j, dst, base, index, scale, disp);
}
/* dst = dst * [base + disp] (low half; 32- or 64-bit) */
static inline void emit_imul_load(struct x86_jit *j, int w, int dst, int base, int32_t disp)
{
	emit_rex_opt(j, w, dst, 0, base, false);
	emit1(j, 0x0f);
	emit1(j, 0xaf);
	emit_modrm_mem(j, dst, base, -1, 1, disp);
}
/* size-byte store of an immediate to [base (+ index*scale) + disp] (the
 * 8-byte form sign-extends imm) */
static inline void emit_store_imm_idx(struct x86_jit *j, int size, int base, int index, int scale,
				      int32_t disp, int32_t imm)
{
	if (size == 2)
		emit1(j, 0x66);
	emit_rex_opt(j, size == 8, 0, index < 0 ? 0 : index, base, false);
	emit1(j, size == 1 ? 0xc6 : 0xc7);
	emit_modrm_mem(j, 0, base, index, scale, disp);
	if (size == 1)
		emit1(j, (uint8_t)imm);
	else if (size == 2)
		emit2(j, (uint16_t)imm);
	else
		emit4(j, (uint32_t)imm);
}
/* cmp byte [base + disp], imm8 */
static inline void emit_cmp8_mem_imm(struct x86_jit *j, int base, int32_t disp, uint8_t imm)
{
	emit_rex_opt(j, 0, 0, 0, base, false);
	emit1(j, 0x80);
	emit_modrm_mem(j, 7, base, -1, 1, disp);
	emit1(j, imm);
}

/* --- stack, calls, control flow --- */

static inline void emit_push(struct x86_jit *j, int reg)
{
	emit_rex_opt(j, 0, 0, 0, reg, false);
	emit1(j, (uint8_t)(0x50 + (reg & 7)));
}
static inline void emit_pop(struct x86_jit *j, int reg)
{
	emit_rex_opt(j, 0, 0, 0, reg, false);
	emit1(j, (uint8_t)(0x58 + (reg & 7)));
}
static inline void emit_ret(struct x86_jit *j) { emit1(j, 0xc3); }
/* call *reg */
static inline void emit_call_reg(struct x86_jit *j, int reg)
{
	emit_rex_opt(j, 0, 0, 0, reg, false);
	emit1(j, 0xff);
	emit_modrm_reg(j, 2, reg);
}
/* call an absolute address through scratch (caller-saved) register tmp */
static inline void emit_call_abs(struct x86_jit *j, const void *fn, int tmp)
{
	emit_mov_imm64(j, tmp, (uint64_t)(uintptr_t)fn);
	emit_call_reg(j, tmp);
}
static inline void emit_jmp_reg(struct x86_jit *j, int reg)
{
	emit_rex_opt(j, 0, 0, 0, reg, false);
	emit1(j, 0xff);
	emit_modrm_reg(j, 4, reg);
}

static inline void x86_add_fixup(struct x86_jit *j, uint32_t label)
{
	if (j->nfix == j->capfix) {
		size_t nc = j->capfix ? 2 * j->capfix : 64;
		struct x86_fixup *nf = j->lent_fix ? malloc(nc * sizeof(*nf)) : realloc(j->fix, nc * sizeof(*nf));
		if (!nf) {
			j->overflow = true;
			return;
		}
		if (j->lent_fix && j->nfix)
			memcpy(nf, j->fix, j->nfix * sizeof(*nf));
		j->lent_fix = false;
		j->fix = nf;
		j->capfix = nc;
	}
	j->fix[j->nfix].at = (uint32_t)j->off;
	j->fix[j->nfix].label = label;
	j->nfix++;
	emit4(j, 0);
}
/* opcode bytes op (n of them) then a rel32 to label, patched by x86_finish */
static inline void x86_emit_rel32(struct x86_jit *j, uint64_t op, size_t n, uint32_t label)
{
	emit_upto8(j, op, n);
	x86_add_fixup(j, label);
}
/* jmp label / jcc label (rel32, patched by x86_finish) */
static inline void emit_jmp(struct x86_jit *j, uint32_t label) { x86_emit_rel32(j, 0xe9, 1, label); }
static inline void emit_jcc(struct x86_jit *j, enum x86_cc cc, uint32_t label)
{
	x86_emit_rel32(j, 0x0f | (uint64_t)(0x80 + cc) << 8, 2, label);
}

/* call label (rel32, patched by x86_finish): calls within the code */
static inline void emit_call_label(struct x86_jit *j, uint32_t label) { x86_emit_rel32(j, 0xe8, 1, label); }
/* ud2: a guaranteed invalid-opcode trap (unreachable code) */
static inline void emit_ud2(struct x86_jit *j)
{
	emit1(j, 0x0f);
	emit1(j, 0x0b);
}
/* Pad with int3 to a multiple of align (a power of two), e.g. before a
 * function entry: falling into the padding traps. */
static inline void emit_align(struct x86_jit *j, size_t align)
{
	while (j->off & (align - 1))
		emit1(j, 0xcc);
}

/* Bind label to the current offset. */
static inline void x86_bind(struct x86_jit *j, uint32_t label)
{
	if (label < j->nlabels)
		j->labels[label] = (uint32_t)j->off;
	else
		j->overflow = true;
}

/* The offset label is bound to, or X86_UNBOUND. */
static inline uint32_t x86_label_offset(const struct x86_jit *j, uint32_t label)
{
	return label < j->nlabels ? j->labels[label] : X86_UNBOUND;
}

/* Patch every pending jump and call. 0, or -1 if the buffer overflowed or a
 * jump names an unbound label. */
static inline int x86_finish(struct x86_jit *j)
{
	if (j->overflow)
		return -1;
	for (size_t i = 0; i < j->nfix; i++) {
		const struct x86_fixup *f = &j->fix[i];
		if (f->label >= j->nlabels || j->labels[f->label] == X86_UNBOUND)
			return -1;
		int32_t rel = (int32_t)((int64_t)j->labels[f->label] - (int64_t)(f->at + 4));
		uint32_t u = (uint32_t)rel;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
		memcpy(j->buf + f->at, &u, 4);     /* one store */
#else
		j->buf[f->at] = (uint8_t)u;
		j->buf[f->at + 1] = (uint8_t)(u >> 8);
		j->buf[f->at + 2] = (uint8_t)(u >> 16);
		j->buf[f->at + 3] = (uint8_t)(u >> 24);
#endif
	}
	return 0;
}

#endif
