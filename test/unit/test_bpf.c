/* Filter module: the validator's rules (each rejection names the instruction
 * and the reason), the semantics of every opcode class (checked on the
 * interpreter and on the JIT, which must agree), persistence of the scratch
 * words, counters, the `filter` file text, the three input forms and the VIF
 * hook. Opcodes are spelled with libpcap's macros so our own table is checked
 * against an independent one. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <pcap/pcap.h>

#include "vn_bpf.h"
#include "vn_pkt.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define PROG(a) ((const struct vn_bpf_insn *)(a)), N(a)

/* Validation must fail with a message starting with `want`. */
static void expect_reject(const struct vn_bpf_insn *p, size_t n, const char *want)
{
	char err[256] = "";
	assert_int_equal(vn_bpf_validate(p, n, err, sizeof(err)), -22);
	if (strncmp(err, want, strlen(want)) != 0)
		fail_msg("error \"%s\" does not start with \"%s\"", err, want);
	struct vn_bpf *f = (struct vn_bpf *)1;
	assert_int_equal(vn_bpf_new(p, n, 0, &f, NULL, 0), -22);
	assert_ptr_equal(f, (struct vn_bpf *)1);     /* *out untouched on failure */
}

static void validator_rejects_bad_lengths(void **state)
{
	(void)state;
	struct bpf_insn ok = BPF_STMT(BPF_RET | BPF_K, 1);
	expect_reject((const struct vn_bpf_insn *)&ok, 0, "empty program");
	struct bpf_insn *big = calloc(VN_BPF_MAXINSNS + 1, sizeof(*big));
	for (size_t i = 0; i <= VN_BPF_MAXINSNS; i++)
		big[i] = ok;
	expect_reject((const struct vn_bpf_insn *)big, VN_BPF_MAXINSNS + 1,
		      "program has 4097 instructions (at most 4096)");
	assert_int_equal(vn_bpf_validate((const struct vn_bpf_insn *)big, VN_BPF_MAXINSNS, NULL, 0), 0);
	free(big);
}

static void validator_rejects_unknown_opcodes(void **state)
{
	(void)state;
	/* LD|H|MEM, JMP|JA|X, RET|X, ALU|NEG|X, MISC 0x0f, LDX|H|MSH, 0x100 */
	const uint16_t bad[] = { 0x68, 0x0d, 0x0e, 0x8c, 0x0f, 0xa9, 0x100, 0xc4, 0xe0 };
	for (size_t i = 0; i < N(bad); i++) {
		struct bpf_insn p[] = {
			BPF_STMT(BPF_LD | BPF_IMM, 1),
			BPF_STMT(BPF_LD | BPF_IMM, 2),
			{ bad[i], 0, 0, 0 },
			BPF_STMT(BPF_RET | BPF_A, 0),
		};
		char want[64];
		snprintf(want, sizeof(want), "instruction 2: unknown opcode 0x%04x", bad[i]);
		expect_reject(PROG(p), want);
	}
}

static void validator_rejects_scratch_index_16(void **state)
{
	(void)state;
	const uint16_t ops[] = { BPF_LD | BPF_MEM, BPF_LDX | BPF_MEM, BPF_ST, BPF_STX };
	for (size_t i = 0; i < N(ops); i++) {
		struct bpf_insn p[] = {
			BPF_STMT(BPF_LD | BPF_IMM, 1),
			BPF_STMT(ops[i], 16),
			BPF_STMT(BPF_RET | BPF_A, 0),
		};
		expect_reject(PROG(p), "instruction 1: scratch index 16 out of range (0-15)");
		p[1].k = 15;
		assert_int_equal(vn_bpf_validate(PROG(p), NULL, 0), 0);
	}
}

static void validator_rejects_constant_division_by_zero(void **state)
{
	(void)state;
	struct bpf_insn p[] = {
		BPF_STMT(BPF_LD | BPF_IMM, 7),
		BPF_STMT(BPF_ALU | BPF_DIV | BPF_K, 0),
		BPF_STMT(BPF_RET | BPF_A, 0),
	};
	expect_reject(PROG(p), "instruction 1: division by constant zero");
	p[1].code = BPF_ALU | BPF_MOD | BPF_K;
	expect_reject(PROG(p), "instruction 1: modulo by constant zero");
	p[1].code = BPF_ALU | BPF_DIV | BPF_X;       /* by X: checked at run time */
	assert_int_equal(vn_bpf_validate(PROG(p), NULL, 0), 0);
}

static void validator_rejects_constant_shift_of_32(void **state)
{
	(void)state;
	struct bpf_insn p[] = {
		BPF_STMT(BPF_ALU | BPF_LSH | BPF_K, 32),
		BPF_STMT(BPF_RET | BPF_A, 0),
	};
	expect_reject(PROG(p), "instruction 0: shift by constant 32 (must be < 32)");
	p[0].code = BPF_ALU | BPF_RSH | BPF_K;
	p[0].k = 0xffffffff;
	expect_reject(PROG(p), "instruction 0: shift by constant 4294967295");
	p[0].k = 31;
	assert_int_equal(vn_bpf_validate(PROG(p), NULL, 0), 0);
}

static void validator_rejects_jumps_out_of_range(void **state)
{
	(void)state;
	struct bpf_insn p[] = {
		BPF_STMT(BPF_LD | BPF_IMM, 1),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 1, 2, 0),    /* jt -> 4: out */
		BPF_STMT(BPF_RET | BPF_K, 1),
		BPF_STMT(BPF_RET | BPF_K, 0),
	};
	expect_reject(PROG(p), "instruction 1: jump target 4 out of range (program has 4 instructions)");
	p[1].jt = 0;
	p[1].jf = 200;
	expect_reject(PROG(p), "instruction 1: jump target 202 out of range");
	p[1].jf = 1;
	assert_int_equal(vn_bpf_validate(PROG(p), NULL, 0), 0);

	struct bpf_insn ja[] = {
		BPF_STMT(BPF_JMP | BPF_JA, 2),
		BPF_STMT(BPF_RET | BPF_K, 1),
		BPF_STMT(BPF_RET | BPF_K, 0),
	};
	expect_reject(PROG(ja), "instruction 0: jump target 3 out of range");
	ja[0].k = 0x7fffffff;
	expect_reject(PROG(ja), "instruction 0: jump target 2147483648 out of range");
	ja[0].k = 1;
	assert_int_equal(vn_bpf_validate(PROG(ja), NULL, 0), 0);
}

static void validator_rejects_backward_jumps(void **state)
{
	(void)state;
	struct bpf_insn p[] = {
		BPF_STMT(BPF_LD | BPF_IMM, 1),
		BPF_STMT(BPF_JMP | BPF_JA, (uint32_t)-2),
		BPF_STMT(BPF_RET | BPF_K, 0),
	};
	expect_reject(PROG(p), "instruction 1: backward jump (ja -2)");
	p[1].k = (uint32_t)-1;
	expect_reject(PROG(p), "instruction 1: backward jump (ja -1)");
}

static void validator_rejects_a_program_not_ending_in_ret(void **state)
{
	(void)state;
	struct bpf_insn p[] = {
		BPF_STMT(BPF_RET | BPF_K, 1),
		BPF_STMT(BPF_LD | BPF_IMM, 1),
	};
	expect_reject(PROG(p), "instruction 1: program does not end in RET");
	struct bpf_insn j[] = {
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 1, 0, 0),
	};
	expect_reject(PROG(j), "instruction 0: jump target 1 out of range");
}

static void validator_accepts_scratch_reads_before_writes(void **state)
{
	(void)state;
	/* the counter idiom: M[0]++ on every packet */
	struct bpf_insn p[] = {
		BPF_STMT(BPF_LD | BPF_MEM, 0),
		BPF_STMT(BPF_ALU | BPF_ADD | BPF_K, 1),
		BPF_STMT(BPF_ST, 0),
		BPF_STMT(BPF_RET | BPF_K, 1),
	};
	assert_int_equal(vn_bpf_validate(PROG(p), NULL, 0), 0);
}

/* --- semantics, on both engines --- */

static const uint8_t PKT[] = {
	0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77,
	0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0x4e, 0xff,
};

/* Run p on pkt under the interpreter and the JIT (when there is one) from the
 * same scratch words; both must give the same value and scratch. */
static uint32_t run_both(const struct vn_bpf_insn *p, size_t n, const uint8_t *pkt,
			 uint32_t caplen, uint32_t wirelen)
{
	struct vn_bpf *fi, *fj;
	char err[128];
	if (vn_bpf_new(p, n, VN_BPF_F_INTERP, &fi, err, sizeof(err)) != 0)
		fail_msg("rejected: %s", err);
	assert_int_equal(vn_bpf_new(p, n, 0, &fj, err, sizeof(err)), 0);
	assert_false(vn_bpf_jitted(fi));
	assert_int_equal(vn_bpf_jitted(fj), vn_bpf_jit_available());
	uint32_t ri = vn_bpf_run(fi, pkt, caplen, wirelen);
	uint32_t rj = vn_bpf_run(fj, pkt, caplen, wirelen);
	assert_int_equal(ri, rj);
	assert_memory_equal(vn_bpf_mem(fi), vn_bpf_mem(fj), 4 * VN_BPF_MEMWORDS);
	vn_bpf_free(fi);
	vn_bpf_free(fj);
	return ri;
}
#define RUN(a, caplen, wirelen) run_both(PROG(a), PKT, caplen, wirelen)

static void absolute_loads_are_big_endian_and_bounded(void **state)
{
	(void)state;
	struct bpf_insn w[] = { BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 2), BPF_STMT(BPF_RET | BPF_A, 0) };
	assert_int_equal(RUN(w, 16, 16), 0x22334455);
	struct bpf_insn h[] = { BPF_STMT(BPF_LD | BPF_H | BPF_ABS, 9), BPF_STMT(BPF_RET | BPF_A, 0) };
	assert_int_equal(RUN(h, 16, 16), 0x99aa);
	struct bpf_insn b[] = { BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 15), BPF_STMT(BPF_RET | BPF_A, 0) };
	assert_int_equal(RUN(b, 16, 16), 0xff);
	/* a load ending exactly at caplen passes, one byte further returns 0,
	 * whatever the wire length */
	w[0].k = 12;
	assert_int_equal(RUN(w, 16, 16), 0xccdd4eff);
	assert_int_equal(RUN(w, 15, 1500), 0);
	h[0].k = 14;
	assert_int_equal(RUN(h, 16, 16), 0x4eff);
	assert_int_equal(RUN(h, 15, 16), 0);
	b[0].k = 16;
	assert_int_equal(RUN(b, 16, 16), 0);
	/* offsets near 2^32 never wrap around */
	const uint32_t far[] = { 0x7ffffffe, 0x7fffffff, 0x80000000, 0xfffffffc, 0xffffffff };
	for (size_t i = 0; i < N(far); i++) {
		w[0].k = h[0].k = b[0].k = far[i];
		assert_int_equal(RUN(w, 16, 16), 0);
		assert_int_equal(RUN(h, 16, 16), 0);
		assert_int_equal(RUN(b, 16, 16), 0);
	}
}

static void indirect_loads_add_x_without_wrapping(void **state)
{
	(void)state;
	struct bpf_insn p[] = {
		BPF_STMT(BPF_LDX | BPF_IMM, 4),
		BPF_STMT(BPF_LD | BPF_H | BPF_IND, 3),
		BPF_STMT(BPF_RET | BPF_A, 0),
	};
	assert_int_equal(RUN(p, 16, 16), 0x7788);
	p[1].code = BPF_LD | BPF_W | BPF_IND;
	assert_int_equal(RUN(p, 16, 16), 0x778899aa);
	p[1].code = BPF_LD | BPF_B | BPF_IND;
	assert_int_equal(RUN(p, 16, 16), 0x77);
	p[1].k = 11;                     /* X + k = 15: last byte */
	assert_int_equal(RUN(p, 16, 16), 0xff);
	p[1].k = 12;
	assert_int_equal(RUN(p, 16, 16), 0);
	/* X + k would wrap to 2 in 32 bits: must fail, not read PKT[2] */
	p[0].k = 0xffffffff;
	p[1].k = 3;
	assert_int_equal(RUN(p, 16, 16), 0);
	p[0].k = 3;
	p[1].k = 0xffffffff;
	p[1].code = BPF_LD | BPF_W | BPF_IND;
	assert_int_equal(RUN(p, 16, 16), 0);
}

static void msh_loads_the_ip_header_length(void **state)
{
	(void)state;
	struct bpf_insn p[] = {
		BPF_STMT(BPF_LDX | BPF_B | BPF_MSH, 14),    /* 0x4e -> 4 * 14 */
		BPF_STMT(BPF_MISC | BPF_TXA, 0),
		BPF_STMT(BPF_RET | BPF_A, 0),
	};
	assert_int_equal(RUN(p, 16, 16), 56);
	assert_int_equal(RUN(p, 14, 16), 0);
}

static void len_loads_the_wire_length(void **state)
{
	(void)state;
	struct bpf_insn a[] = { BPF_STMT(BPF_LD | BPF_W | BPF_LEN, 0), BPF_STMT(BPF_RET | BPF_A, 0) };
	assert_int_equal(RUN(a, 16, 1514), 1514);
	struct bpf_insn x[] = {
		BPF_STMT(BPF_LDX | BPF_W | BPF_LEN, 0),
		BPF_STMT(BPF_MISC | BPF_TXA, 0),
		BPF_STMT(BPF_RET | BPF_A, 0),
	};
	assert_int_equal(RUN(x, 10, 99), 99);
}

static void immediates_scratch_and_register_moves(void **state)
{
	(void)state;
	struct bpf_insn p[] = {
		BPF_STMT(BPF_LD | BPF_IMM, 0xdeadbeef),
		BPF_STMT(BPF_ST, 3),
		BPF_STMT(BPF_LDX | BPF_IMM, 0x1234),
		BPF_STMT(BPF_STX, 15),
		BPF_STMT(BPF_LD | BPF_MEM, 15),      /* A = 0x1234 */
		BPF_STMT(BPF_LDX | BPF_MEM, 3),      /* X = 0xdeadbeef */
		BPF_STMT(BPF_ALU | BPF_ADD | BPF_X, 0),
		BPF_STMT(BPF_MISC | BPF_TAX, 0),
		BPF_STMT(BPF_LD | BPF_IMM, 0),
		BPF_STMT(BPF_MISC | BPF_TXA, 0),
		BPF_STMT(BPF_RET | BPF_A, 0),
	};
	assert_int_equal(RUN(p, 16, 16), 0xdeadbeefu + 0x1234u);
	/* A and X start at 0 */
	struct bpf_insn z[] = {
		BPF_STMT(BPF_ALU | BPF_ADD | BPF_X, 0),
		BPF_STMT(BPF_ALU | BPF_ADD | BPF_K, 5),
		BPF_STMT(BPF_RET | BPF_A, 0),
	};
	assert_int_equal(RUN(z, 0, 0), 5);
}

/* A op= operand, with the operand given as K and, separately, as X. */
static uint32_t alu(uint16_t op, uint32_t a, uint32_t operand, int use_x)
{
	struct bpf_insn p[] = {
		BPF_STMT(BPF_LD | BPF_IMM, a),
		BPF_STMT(BPF_LDX | BPF_IMM, operand),
		BPF_STMT((uint16_t)(BPF_ALU | op | (use_x ? BPF_X : BPF_K)), operand),
		BPF_STMT(BPF_ST, 0),                 /* return 0 is ambiguous: keep A */
		BPF_STMT(BPF_RET | BPF_K, 1),
	};
	struct vn_bpf *f;
	assert_int_equal(vn_bpf_new(PROG(p), 0, &f, NULL, 0), 0);
	uint32_t r = vn_bpf_run(f, PKT, 16, 16);
	uint32_t m = vn_bpf_mem(f)[0];
	vn_bpf_free(f);
	uint32_t r2 = RUN(p, 16, 16);
	assert_int_equal(r, r2);
	return r ? m : 0xfa11fa11;    /* the program returned 0 (division by X = 0) */
}

static void alu_operations_wrap_at_32_bits(void **state)
{
	(void)state;
	for (int x = 0; x < 2; x++) {
		assert_int_equal(alu(BPF_ADD, 0xffffffff, 2, x), 1);
		assert_int_equal(alu(BPF_SUB, 1, 2, x), 0xffffffff);
		assert_int_equal(alu(BPF_MUL, 0x10000, 0x10001, x), 0x10000);
		assert_int_equal(alu(BPF_MUL, 0xffffffff, 0xffffffff, x), 1);
		assert_int_equal(alu(BPF_DIV, 0xffffffff, 2, x), 0x7fffffff);
		assert_int_equal(alu(BPF_DIV, 100, 7, x), 14);
		assert_int_equal(alu(BPF_DIV, 100, 8, x), 12);
		assert_int_equal(alu(BPF_DIV, 100, 1, x), 100);
		assert_int_equal(alu(BPF_MOD, 100, 7, x), 2);
		assert_int_equal(alu(BPF_MOD, 100, 8, x), 4);
		assert_int_equal(alu(BPF_MOD, 0xffffffff, 0x80000000, x), 0x7fffffff);
		assert_int_equal(alu(BPF_AND, 0xf0f0, 0xff00, x), 0xf000);
		assert_int_equal(alu(BPF_OR, 0xf0f0, 0xff00, x), 0xfff0);
		assert_int_equal(alu(BPF_XOR, 0xf0f0, 0xff00, x), 0x0ff0);
		assert_int_equal(alu(BPF_LSH, 0x80000001, 1, x), 2);
		assert_int_equal(alu(BPF_LSH, 1, 31, x), 0x80000000);
		assert_int_equal(alu(BPF_RSH, 0x80000000, 31, x), 1);
		assert_int_equal(alu(BPF_RSH, 0x80000000, 0, x), 0x80000000);
		assert_int_equal(alu(BPF_ADD, 5, 0x80000000, x), 0x80000005);
		assert_int_equal(alu(BPF_AND, 0xffffffff, 0x7f, x), 0x7f);
	}
	assert_int_equal(alu(BPF_NEG, 1, 0, 0), 0xffffffff);
	assert_int_equal(alu(BPF_NEG, 0x80000000, 0, 0), 0x80000000);
}

static void division_by_x_zero_returns_0_and_shifts_by_x_of_32_give_0(void **state)
{
	(void)state;
	assert_int_equal(alu(BPF_DIV, 100, 0, 1), 0xfa11fa11);
	assert_int_equal(alu(BPF_MOD, 100, 0, 1), 0xfa11fa11);
	assert_int_equal(alu(BPF_LSH, 0xffffffff, 32, 1), 0);
	assert_int_equal(alu(BPF_RSH, 0xffffffff, 33, 1), 0);
	assert_int_equal(alu(BPF_LSH, 0xffffffff, 0xffffffff, 1), 0);
}

/* Which way does `jop A, operand` go? 1 = jt, 0 = jf. */
static int jump(uint16_t op, uint32_t a, uint32_t operand, int use_x)
{
	struct bpf_insn p[] = {
		BPF_STMT(BPF_LD | BPF_IMM, a),
		BPF_STMT(BPF_LDX | BPF_IMM, operand),
		BPF_JUMP((uint16_t)(BPF_JMP | op | (use_x ? BPF_X : BPF_K)), operand, 1, 2),
		BPF_STMT(BPF_RET | BPF_K, 7),
		BPF_STMT(BPF_RET | BPF_K, 11),       /* jt */
		BPF_STMT(BPF_RET | BPF_K, 22),       /* jf */
	};
	uint32_t r = RUN(p, 16, 16);
	assert_true(r == 11 || r == 22);
	return r == 11;
}

static void conditional_jumps_compare_unsigned(void **state)
{
	(void)state;
	for (int x = 0; x < 2; x++) {
		assert_true(jump(BPF_JEQ, 5, 5, x));
		assert_false(jump(BPF_JEQ, 5, 6, x));
		assert_true(jump(BPF_JEQ, 0, 0, x));
		assert_false(jump(BPF_JEQ, 1, 0, x));
		assert_true(jump(BPF_JGT, 0x80000000, 1, x));   /* unsigned */
		assert_false(jump(BPF_JGT, 5, 5, x));
		assert_true(jump(BPF_JGT, 1, 0, x));
		assert_false(jump(BPF_JGT, 0, 0, x));
		assert_true(jump(BPF_JGE, 5, 5, x));
		assert_false(jump(BPF_JGE, 4, 5, x));
		assert_true(jump(BPF_JGE, 0, 0, x));
		assert_true(jump(BPF_JGE, 0xffffffff, 0xfffffffe, x));
		assert_true(jump(BPF_JSET, 0x10, 0x30, x));
		assert_false(jump(BPF_JSET, 0x10, 0x20, x));
		assert_false(jump(BPF_JSET, 0xffffffff, 0, x));
	}
}

static void unconditional_and_degenerate_jumps(void **state)
{
	(void)state;
	struct bpf_insn p[] = {
		BPF_STMT(BPF_JMP | BPF_JA, 1),
		BPF_STMT(BPF_RET | BPF_K, 1),
		BPF_STMT(BPF_JMP | BPF_JA, 0),                   /* no-op */
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0, 0, 0),    /* both to next */
		BPF_JUMP(BPF_JMP | BPF_JGT | BPF_K, 0, 1, 1),    /* both skip one */
		BPF_STMT(BPF_RET | BPF_K, 2),
		BPF_STMT(BPF_RET | BPF_K, 3),
	};
	assert_int_equal(RUN(p, 0, 0), 3);
}

static void returns_k_or_a(void **state)
{
	(void)state;
	struct bpf_insn k[] = { BPF_STMT(BPF_RET | BPF_K, 0xffffffff) };
	assert_int_equal(RUN(k, 0, 0), 0xffffffff);
	struct bpf_insn a[] = { BPF_STMT(BPF_LD | BPF_IMM, 42), BPF_STMT(BPF_RET | BPF_A, 0) };
	assert_int_equal(RUN(a, 0, 0), 42);
}

/* --- the filter object --- */

static const struct bpf_insn COUNTER[] = {
	/* M[0] counts packets, M[1] sums wire bytes; accept if byte 0 is 0 */
	BPF_STMT(BPF_LD | BPF_MEM, 0),
	BPF_STMT(BPF_ALU | BPF_ADD | BPF_K, 1),
	BPF_STMT(BPF_ST, 0),
	BPF_STMT(BPF_LD | BPF_MEM, 1),
	BPF_STMT(BPF_LDX | BPF_W | BPF_LEN, 0),
	BPF_STMT(BPF_ALU | BPF_ADD | BPF_X, 0),
	BPF_STMT(BPF_ST, 1),
	BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 0),
	BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0, 0, 1),
	BPF_STMT(BPF_RET | BPF_K, 0xffff),
	BPF_STMT(BPF_RET | BPF_K, 0),
};

static void scratch_words_persist_and_counters_count(void **state)
{
	(void)state;
	for (unsigned flags = 0; flags <= VN_BPF_F_INTERP; flags += VN_BPF_F_INTERP) {
		struct vn_bpf *f;
		assert_int_equal(vn_bpf_new(PROG(COUNTER), flags, &f, NULL, 0), 0);
		uint8_t one = 1;
		assert_int_equal(vn_bpf_run(f, PKT, 16, 100), 0xffff);
		assert_int_equal(vn_bpf_run(f, &one, 1, 60), 0);
		assert_int_equal(vn_bpf_run(f, PKT, 0, 40), 0);          /* load fails */
		assert_int_equal(vn_bpf_mem(f)[0], 3);
		assert_int_equal(vn_bpf_mem(f)[1], 200);
		assert_int_equal(vn_bpf_accepts(f), 1);
		assert_int_equal(vn_bpf_drops(f), 2);
		uint32_t m[VN_BPF_MEMWORDS] = { 10, 20 };
		m[15] = 7;
		vn_bpf_set_mem(f, m);
		vn_bpf_run(f, PKT, 16, 5);
		assert_int_equal(vn_bpf_mem(f)[0], 11);
		assert_int_equal(vn_bpf_mem(f)[1], 25);
		assert_int_equal(vn_bpf_mem(f)[15], 7);
		vn_bpf_free(f);
	}
	vn_bpf_free(NULL);
}

static void format_shows_size_jit_counters_and_scratch(void **state)
{
	(void)state;
	struct vn_bpf *f;
	assert_int_equal(vn_bpf_new(PROG(COUNTER), 0, &f, NULL, 0), 0);
	vn_bpf_run(f, PKT, 16, 100);
	vn_bpf_run(f, PKT, 16, 50);
	vn_bpf_run(f, PKT, 0, 50);
	char buf[512];
	int len = vn_bpf_format(f, buf, sizeof(buf));
	assert_int_equal(len, (int)strlen(buf));
	char want[512];
	snprintf(want, sizeof(want),
		 "insns 11\njit %s\naccepts 2\ndrops 1\nmem0 3\nmem1 200\nmem2 0\nmem3 0\n"
		 "mem4 0\nmem5 0\nmem6 0\nmem7 0\nmem8 0\nmem9 0\nmem10 0\nmem11 0\nmem12 0\n"
		 "mem13 0\nmem14 0\nmem15 0\n", vn_bpf_jit_available() ? "yes" : "no");
	assert_string_equal(buf, want);
	/* snprintf semantics: the full length even when truncated */
	char small[8];
	assert_int_equal(vn_bpf_format(f, small, sizeof(small)), len);
	assert_string_equal(small, "insns 1");
	assert_int_equal(vn_bpf_format(f, NULL, 0), len);
	vn_bpf_free(f);

	assert_int_equal(vn_bpf_new(PROG(COUNTER), VN_BPF_F_INTERP, &f, NULL, 0), 0);
	vn_bpf_format(f, buf, sizeof(buf));
	assert_non_null(strstr(buf, "jit no\n"));
	assert_int_equal(vn_bpf_code_size(f), 0);
	vn_bpf_free(f);
}

/* --- input forms --- */

/* Ethernet + IPv4 + TCP from port 1234 to port dport. */
static size_t tcp_frame(uint8_t *b, uint16_t dport)
{
	memset(b, 0, 54);
	b[12] = 0x08;                               /* ethertype IPv4 */
	b[14] = 0x45;
	b[16] = 0;
	b[17] = 40;                                 /* total length */
	b[23] = 6;                                  /* TCP */
	memcpy(b + 26, "\xc6\x12\x00\x01\xc6\x12\x00\x02", 8);   /* 198.18.0.1 -> .2 */
	b[34] = 1234 >> 8;
	b[35] = 1234 & 0xff;
	b[36] = (uint8_t)(dport >> 8);
	b[37] = (uint8_t)dport;
	return 54;
}

static void expression_compiles_for_the_link_type(void **state)
{
	(void)state;
	uint8_t f80[64], f81[64];
	size_t n = tcp_frame(f80, 80);
	tcp_frame(f81, 81);
	struct vn_bpf *f;
	char err[256];
	const char *e = "  tcp port 80\n";
	assert_int_equal(vn_bpf_load(e, strlen(e), DLT_EN10MB, &f, err, sizeof(err)), 0);
	assert_true(vn_bpf_run(f, f80, (uint32_t)n, (uint32_t)n) != 0);
	assert_int_equal(vn_bpf_run(f, f81, (uint32_t)n, (uint32_t)n), 0);
	assert_int_equal(vn_bpf_run(f, f80, 30, (uint32_t)n), 0);     /* truncated */
	vn_bpf_free(f);
	/* the same packet without its Ethernet header, for a raw-IP device */
	e = "host 198.18.0.1 and dst port 80";
	assert_int_equal(vn_bpf_load(e, strlen(e), DLT_RAW, &f, err, sizeof(err)), 0);
	assert_true(vn_bpf_run(f, f80 + 14, (uint32_t)n - 14, (uint32_t)n - 14) != 0);
	assert_int_equal(vn_bpf_run(f, f81 + 14, (uint32_t)n - 14, (uint32_t)n - 14), 0);
	vn_bpf_free(f);
	/* a libpcap syntax error is reported as such */
	e = "tcp port eighty";
	assert_int_equal(vn_bpf_load(e, strlen(e), DLT_EN10MB, &f, err, sizeof(err)), -22);
	assert_true(strlen(err) > 0);
	assert_int_equal(vn_bpf_load(" \n", 2, DLT_EN10MB, &f, err, sizeof(err)), -22);
	assert_string_equal(err, "empty filter");
}

static const char DDD[] =
	"4\n"
	"40 0 0 12\n"
	"21 0 1 2048\n"
	"6 0 0 65535\n"
	"6 0 0 0\n";

static void ddd_and_dd_text_load(void **state)
{
	(void)state;
	uint8_t ip[64], arp[64];
	size_t n = tcp_frame(ip, 80);
	memcpy(arp, ip, n);
	arp[13] = 0x06;
	struct vn_bpf *f;
	char err[256];
	assert_int_equal(vn_bpf_load(DDD, strlen(DDD), DLT_EN10MB, &f, err, sizeof(err)), 0);
	assert_int_equal(vn_bpf_len(f), 4);
	assert_int_equal(vn_bpf_run(f, ip, (uint32_t)n, (uint32_t)n), 65535);
	assert_int_equal(vn_bpf_run(f, arp, (uint32_t)n, (uint32_t)n), 0);
	vn_bpf_free(f);

	/* ddd is decimal: 022 is 22 (ret a), not octal 18 (no such opcode) */
	assert_int_equal(vn_bpf_load("1\n022 0 0 1\n", 12, DLT_EN10MB, &f, err, sizeof(err)), 0);
	assert_int_equal(vn_bpf_insns(f)[0].code, 22);
	vn_bpf_free(f);

	const char *dd = "{ 0x28, 0, 0, 0x0000000c },\n{ 0x15, 0, 1, 0x00000800 },\n"
			 "{ 0x6, 0, 0, 0x0000ffff },\n{ 0x6, 0, 0, 0x00000000 },\n";
	assert_int_equal(vn_bpf_load(dd, strlen(dd), DLT_EN10MB, &f, err, sizeof(err)), 0);
	assert_int_equal(vn_bpf_len(f), 4);
	assert_int_equal(vn_bpf_run(f, ip, (uint32_t)n, (uint32_t)n), 65535);
	vn_bpf_free(f);

	const char *bad[][2] = {
		{ "3\n6 0 0 1\n", "ddd: 3 instructions announced, 1 given" },
		{ "1\n6 0 0 1\n6 0 0 1\n", "ddd: line 3: more than 1 instructions" },
		{ "2\n6 0 0 1\n6 0 0\n", "ddd: line 3: expected" },
		{ "1\n6 0 256 1\n", "ddd: line 2: expected" },
		{ "1\n65536 0 0 1\n", "ddd: line 2: expected" },
		{ "1\n6 0 0 4294967296\n", "ddd: line 2: expected" },
		{ "0\n", "ddd: first line must be the instruction count" },
		{ "2\n6 0 0 1\n7 0 0 0\n", "instruction 1: program does not end in RET" },
		{ "{ 0x6, 0, 0, 1 },\n{ 0x6, 0 0, 1 }", "dd: line 2: expected" },
	};
	for (size_t i = 0; i < N(bad); i++) {
		f = NULL;
		assert_int_equal(vn_bpf_load(bad[i][0], strlen(bad[i][0]), DLT_EN10MB, &f, err,
					     sizeof(err)), -22);
		assert_null(f);
		if (strncmp(err, bad[i][1], strlen(bad[i][1])))
			fail_msg("%zu: \"%s\" does not start with \"%s\"", i, err, bad[i][1]);
	}
}

static void binary_sock_filter_loads(void **state)
{
	(void)state;
	struct bpf_insn p[] = {
		BPF_STMT(BPF_LD | BPF_H | BPF_ABS, 12),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0x0800, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, 1),
		BPF_STMT(BPF_RET | BPF_K, 0),
	};
	uint8_t raw[1 + sizeof(p)];
	memcpy(raw + 1, p, sizeof(p));           /* deliberately misaligned */
	struct vn_bpf *f;
	char err[256];
	assert_int_equal(vn_bpf_load(raw + 1, sizeof(p), DLT_EN10MB, &f, err, sizeof(err)), 0);
	assert_int_equal(vn_bpf_len(f), 4);
	assert_memory_equal(vn_bpf_insns(f), p, sizeof(p));
	uint8_t ip[64];
	size_t n = tcp_frame(ip, 80);
	assert_int_equal(vn_bpf_run(f, ip, (uint32_t)n, (uint32_t)n), 1);
	vn_bpf_free(f);

	assert_int_equal(vn_bpf_load(raw + 1, sizeof(p) - 3, DLT_EN10MB, &f, err, sizeof(err)), -22);
	assert_string_equal(err, "binary program of 29 bytes is not a whole number of 8-byte instructions");
	p[1].jf = 9;
	memcpy(raw + 1, p, sizeof(p));
	assert_int_equal(vn_bpf_load(raw + 1, sizeof(p), DLT_EN10MB, &f, err, sizeof(err)), -22);
	assert_string_equal(err, "instruction 1: jump target 11 out of range (program has 4 instructions)");
}

/* Load f's program again in form `form` (0 binary, 1 ddd, 2 dd) and check the
 * instructions come back identical. */
static void reload_as(const struct vn_bpf *f, int form)
{
	size_t n = vn_bpf_len(f);
	const struct vn_bpf_insn *in = vn_bpf_insns(f);
	char *text = malloc(64 * (n + 1));
	size_t len = 0;
	if (form == 0) {
		memcpy(text, in, n * sizeof(*in));
		len = n * sizeof(*in);
	} else {
		if (form == 1)
			len += (size_t)sprintf(text, "%zu\n", n);
		for (size_t i = 0; i < n; i++)
			len += (size_t)sprintf(text + len, form == 1 ? "%u %u %u %u\n"
						: "{ 0x%x, %u, %u, 0x%08x },\n",
					       in[i].code, in[i].jt, in[i].jf, in[i].k);
	}
	struct vn_bpf *g;
	char err[256];
	if (vn_bpf_load(text, len, DLT_EN10MB, &g, err, sizeof(err)))
		fail_msg("form %d: %s", form, err);
	assert_int_equal(vn_bpf_len(g), n);
	assert_memory_equal(vn_bpf_insns(g), in, n * sizeof(*in));
	vn_bpf_free(g);
	free(text);
}

static void every_form_of_a_program_loads_the_same_program(void **state)
{
	(void)state;
	const char *exprs[] = {
		"tcp port 80", "host 198.18.0.1 or host 10.0.0.1", "ip[6:2] & 0x1fff != 0",
		"udp and len > 1000", "vlan and tcp[tcpflags] & tcp-syn != 0", "arp",
		"ether[0] & 1 = 0 and ip6",
	};
	for (size_t e = 0; e < N(exprs); e++) {
		struct vn_bpf *f;
		char err[256];
		if (vn_bpf_load(exprs[e], strlen(exprs[e]), DLT_EN10MB, &f, err, sizeof(err)))
			fail_msg("%s: %s", exprs[e], err);
		for (int form = 0; form < 3; form++)
			reload_as(f, form);
		vn_bpf_free(f);
	}
}

static void none_is_recognised(void **state)
{
	(void)state;
	assert_true(vn_bpf_is_none("none", 4));
	assert_true(vn_bpf_is_none(" none\n", 6));
	assert_true(vn_bpf_is_none("none\0", 5));
	assert_false(vn_bpf_is_none("nonex", 5));
	assert_false(vn_bpf_is_none("", 0));
	assert_false(vn_bpf_is_none("no ne", 5));
}

static void vif_hook_runs_over_the_packet_record(void **state)
{
	(void)state;
	struct vn_bpf *f;
	const char *e = "len > 100";
	assert_int_equal(vn_bpf_load(e, strlen(e), DLT_RAW, &f, NULL, 0), 0);
	uint8_t data[40] = { 0x45 };
	struct vn_pkt p = { .data = data, .len = sizeof(data), .wire_len = 1500 };
	assert_true(vn_bpf_vif_hook(f, &p));      /* wire length, not captured bytes */
	p.wire_len = 40;
	assert_false(vn_bpf_vif_hook(f, &p));
	assert_int_equal(vn_bpf_accepts(f), 1);
	assert_int_equal(vn_bpf_drops(f), 1);
	vn_bpf_free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(validator_rejects_bad_lengths),
		cmocka_unit_test(validator_rejects_unknown_opcodes),
		cmocka_unit_test(validator_rejects_scratch_index_16),
		cmocka_unit_test(validator_rejects_constant_division_by_zero),
		cmocka_unit_test(validator_rejects_constant_shift_of_32),
		cmocka_unit_test(validator_rejects_jumps_out_of_range),
		cmocka_unit_test(validator_rejects_backward_jumps),
		cmocka_unit_test(validator_rejects_a_program_not_ending_in_ret),
		cmocka_unit_test(validator_accepts_scratch_reads_before_writes),
		cmocka_unit_test(absolute_loads_are_big_endian_and_bounded),
		cmocka_unit_test(indirect_loads_add_x_without_wrapping),
		cmocka_unit_test(msh_loads_the_ip_header_length),
		cmocka_unit_test(len_loads_the_wire_length),
		cmocka_unit_test(immediates_scratch_and_register_moves),
		cmocka_unit_test(alu_operations_wrap_at_32_bits),
		cmocka_unit_test(division_by_x_zero_returns_0_and_shifts_by_x_of_32_give_0),
		cmocka_unit_test(conditional_jumps_compare_unsigned),
		cmocka_unit_test(unconditional_and_degenerate_jumps),
		cmocka_unit_test(returns_k_or_a),
		cmocka_unit_test(scratch_words_persist_and_counters_count),
		cmocka_unit_test(format_shows_size_jit_counters_and_scratch),
		cmocka_unit_test(expression_compiles_for_the_link_type),
		cmocka_unit_test(ddd_and_dd_text_load),
		cmocka_unit_test(binary_sock_filter_loads),
		cmocka_unit_test(every_form_of_a_program_loads_the_same_program),
		cmocka_unit_test(none_is_recognised),
		cmocka_unit_test(vif_hook_runs_over_the_packet_record),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
