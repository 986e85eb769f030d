/* JIT == interpreter on randomly generated valid programs: for every packet,
 * the same return value and the same 16 scratch words afterwards (the words
 * carry over from packet to packet, so a divergence anywhere shows up).
 * The generator favours what the JIT treats specially: absolute loads near
 * the packet end (the hoisted bounds checks), far offsets, indirect loads,
 * divisions by powers of two and by X == 0, shifts by X >= 32, jumps that
 * skip loads, and stores between loads. */
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

/* jit/bpf_interp.c built again with switch dispatch (see meson.build) */
uint32_t vn_bpf_interp_switch(const struct vn_bpf_insn *prog, const uint8_t *pkt,
			      uint32_t caplen, uint32_t wirelen, uint32_t *mem);

/* xorshift64*: deterministic, so a failure names a reproducible seed */
static uint64_t rng_state;
static uint32_t rnd(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return (uint32_t)((rng_state * 2685821657736338717ull) >> 32);
}
static uint32_t below(uint32_t n) { return n ? rnd() % n : 0; }

static uint32_t pick_k(void)
{
	static const uint32_t special[] = {
		0, 1, 2, 3, 4, 7, 8, 16, 31, 32, 33, 0x7f, 0x80, 0xff, 0x100, 0xffff, 0x10000,
		0x7ffffffe, 0x7fffffff, 0x80000000, 0xfffffffc, 0xfffffffe, 0xffffffff,
	};
	switch (below(4)) {
	case 0: return special[below(sizeof(special) / sizeof(special[0]))];
	case 1: return rnd();
	default: return below(72);          /* a packet offset, often in range */
	}
}

static uint32_t pick_offset(void)
{
	if (below(16) == 0)
		return pick_k();
	return below(72);
}

static void gen_insn(struct bpf_insn *in, size_t pc, size_t n)
{
	static const uint16_t ld_modes[] = {
		BPF_LD | BPF_W | BPF_ABS, BPF_LD | BPF_H | BPF_ABS, BPF_LD | BPF_B | BPF_ABS,
		BPF_LD | BPF_W | BPF_IND, BPF_LD | BPF_H | BPF_IND, BPF_LD | BPF_B | BPF_IND,
		BPF_LD | BPF_W | BPF_LEN, BPF_LD | BPF_IMM, BPF_LD | BPF_MEM,
		BPF_LDX | BPF_W | BPF_LEN, BPF_LDX | BPF_B | BPF_MSH, BPF_LDX | BPF_IMM,
		BPF_LDX | BPF_MEM,
	};
	static const uint16_t alu_ops[] = {
		BPF_ADD, BPF_SUB, BPF_MUL, BPF_DIV, BPF_OR, BPF_AND, BPF_LSH, BPF_RSH,
		BPF_MOD, BPF_XOR,
	};
	static const uint16_t jmp_ops[] = { BPF_JEQ, BPF_JGT, BPF_JGE, BPF_JSET };
	size_t room = n - 2 - pc;            /* instructions after the next one, before the end */
	memset(in, 0, sizeof(*in));
	switch (below(10)) {
	case 0: case 1: case 2: {            /* loads */
		in->code = ld_modes[below(sizeof(ld_modes) / sizeof(ld_modes[0]))];
		uint16_t mode = in->code & 0xe0;
		if (mode == BPF_MEM)
			in->k = below(16);
		else if (mode == BPF_ABS || mode == BPF_IND || mode == BPF_MSH)
			in->k = pick_offset();
		else
			in->k = pick_k();
		break;
	}
	case 3:                              /* stores */
		in->code = below(2) ? BPF_ST : BPF_STX;
		in->k = below(16);
		break;
	case 4: case 5: {                    /* ALU */
		uint16_t op = alu_ops[below(sizeof(alu_ops) / sizeof(alu_ops[0]))];
		if (below(8) == 0) {
			in->code = BPF_ALU | BPF_NEG;
			break;
		}
		if (below(2)) {
			in->code = BPF_ALU | op | BPF_X;
			break;
		}
		in->code = BPF_ALU | op | BPF_K;
		in->k = pick_k();
		if (op == BPF_LSH || op == BPF_RSH)
			in->k &= 31;
		if ((op == BPF_DIV || op == BPF_MOD) && in->k == 0)
			in->k = 1u << below(32);
		break;
	}
	case 6: case 7: {                    /* conditional jumps */
		uint16_t op = jmp_ops[below(4)];
		in->code = BPF_JMP | op | (below(2) ? BPF_X : BPF_K);
		in->k = pick_k();
		uint32_t lim = room > 255 ? 255 : (uint32_t)room;
		in->jt = (uint8_t)below(lim + 1);
		in->jf = (uint8_t)(below(4) == 0 ? in->jt : below(lim + 1));
		break;
	}
	case 8:
		if (below(2)) {
			in->code = BPF_JMP | BPF_JA;
			in->k = below((uint32_t)room + 1);
		} else {
			in->code = BPF_MISC | (below(2) ? BPF_TAX : BPF_TXA);
		}
		break;
	default:                             /* an early return */
		if (below(3) == 0) {
			in->code = BPF_RET | (below(2) ? BPF_A : BPF_K);
			in->k = below(2) ? 0 : pick_k();
		} else {
			in->code = BPF_LD | BPF_B | BPF_ABS;
			in->k = below(72);
		}
		break;
	}
}

static size_t gen_program(struct bpf_insn *p, size_t max)
{
	static const uint16_t abs_ld[] = {
		BPF_LD | BPF_W | BPF_ABS, BPF_LD | BPF_H | BPF_ABS, BPF_LD | BPF_B | BPF_ABS,
		BPF_LDX | BPF_B | BPF_MSH,
	};
	static const uint32_t shifty[] = { 0, 1, 31, 32, 33, 0xffffffff };
	size_t n = 2 + below((uint32_t)max - 1);
	for (size_t pc = 0; pc + 1 < n; pc++) {
		gen_insn(&p[pc], pc, n);
		if (pc + 2 >= n || below(6))
			continue;
		/* idioms the JIT treats specially, as adjacent pairs */
		if (below(3) == 0) {     /* a 16/32-bit load tested at once (byte-swap elision) */
			static const uint16_t ld[] = {
				BPF_LD | BPF_H | BPF_ABS, BPF_LD | BPF_W | BPF_ABS,
				BPF_LD | BPF_H | BPF_IND, BPF_LD | BPF_W | BPF_IND,
			};
			p[pc] = (struct bpf_insn)BPF_STMT(ld[below(4)], below(40));
			uint32_t lim = n - 3 - pc > 255 ? 255 : (uint32_t)(n - 3 - pc);
			p[pc + 1] = (struct bpf_insn)BPF_JUMP(BPF_JMP | (below(2) ? BPF_JEQ : BPF_JSET) | BPF_K,
				below(2) ? rnd() & 0xffff : pick_k(), (uint8_t)below(lim + 1),
				(uint8_t)below(lim + 1));
		} else if (below(2)) {   /* X set to an edge value, then used */
			p[pc] = (struct bpf_insn)BPF_STMT(BPF_LDX | BPF_IMM, shifty[below(6)]);
			gen_insn(&p[pc + 1], pc + 1, n);
			p[pc + 1].code = BPF_ALU | BPF_X | (below(2) ? BPF_LSH : below(2) ? BPF_RSH : BPF_DIV);
		} else {                 /* a run of absolute loads: one hoisted check */
			p[pc] = (struct bpf_insn)BPF_STMT(abs_ld[below(4)], below(64));
			p[pc + 1] = (struct bpf_insn)BPF_STMT(abs_ld[below(4)], below(64));
		}
		pc++;
	}
	p[n - 1].code = BPF_RET | (below(2) ? BPF_A : BPF_K);
	p[n - 1].k = below(3) ? 0 : pick_k();
	p[n - 1].jt = p[n - 1].jf = 0;
	return n;
}

static void compare_on_packets(const struct bpf_insn *p, size_t n, uint64_t seed)
{
	char err[200];
	struct vn_bpf *fi, *fj;
	const struct vn_bpf_insn *prog = (const struct vn_bpf_insn *)p;
	if (vn_bpf_new(prog, n, VN_BPF_F_INTERP, &fi, err, sizeof(err)))
		fail_msg("seed %llu: generated program rejected: %s", (unsigned long long)seed, err);
	/* odd seeds place the code through the mmap + mprotect fallback */
	assert_int_equal(vn_bpf_new(prog, n, seed & 1 ? VN_BPF_F_NO_MEMFD : 0, &fj, err,
				    sizeof(err)), 0);
	assert_true(vn_bpf_jitted(fj));
	uint32_t mem[VN_BPF_MEMWORDS];
	for (int i = 0; i < VN_BPF_MEMWORDS; i++)
		mem[i] = below(4) ? below(80) : rnd();
	vn_bpf_set_mem(fi, mem);
	vn_bpf_set_mem(fj, mem);
	uint32_t mem_sw[VN_BPF_MEMWORDS];
	memcpy(mem_sw, mem, sizeof(mem));
	uint8_t pkt[96];
	for (int t = 0; t < 24; t++) {
		for (size_t i = 0; i < sizeof(pkt); i++)
			pkt[i] = (uint8_t)rnd();
		if (below(2))
			pkt[14] = 0x45;                      /* a plausible IPv4 header length */
		/* often right at the end of some load, where checks matter */
		uint32_t caplen = below(sizeof(pkt) + 1);
		if (below(2)) {
			const struct bpf_insn *in = &p[below((uint32_t)n)];
			if (in->k < sizeof(pkt) - 4)
				caplen = in->k + below(5);
		}
		uint32_t wirelen = caplen + (below(2) ? below(2000) : 0);
		uint32_t ri = vn_bpf_run(fi, pkt, caplen, wirelen);
		uint32_t rj = vn_bpf_run(fj, pkt, caplen, wirelen);
		uint32_t rs = vn_bpf_interp_switch(prog, pkt, caplen, wirelen, mem_sw);
		if (ri != rj || memcmp(vn_bpf_mem(fi), vn_bpf_mem(fj), sizeof(mem)) ||
		    ri != rs || memcmp(vn_bpf_mem(fi), mem_sw, sizeof(mem))) {
			fprintf(stderr, "switch interpreter: %u\n", rs);
			fprintf(stderr, "seed %llu packet %d caplen %u wirelen %u: interp %u jit %u\n",
				(unsigned long long)seed, t, caplen, wirelen, ri, rj);
			for (size_t i = 0; i < n; i++)
				fprintf(stderr, "  %3zu: code 0x%02x jt %u jf %u k 0x%x\n", i,
					p[i].code, p[i].jt, p[i].jf, p[i].k);
			for (int i = 0; i < VN_BPF_MEMWORDS; i++)
				fprintf(stderr, "  mem%d %u %u\n", i, vn_bpf_mem(fi)[i], vn_bpf_mem(fj)[i]);
			fail();
		}
		/* the data path's entry (the VIF hook: the packet record in, a
		 * bool out) on the same packet, from the same scratch words */
		struct vn_pkt pk = {.data = pkt, .len = caplen, .wire_len = wirelen};
		bool hi = t % 2 ? vn_bpf_vif_hook(fi, &pk) : vn_bpf_hook(fi)(fi, &pk);
		bool hj = t % 2 ? vn_bpf_vif_hook(fj, &pk) : vn_bpf_hook(fj)(fj, &pk);
		rs = vn_bpf_interp_switch(prog, pkt, caplen, wirelen, mem_sw);
		if (hi != (rs != 0) || hj != hi || memcmp(vn_bpf_mem(fj), mem_sw, sizeof(mem)))
			fail_msg("seed %llu packet %d: hook interp %d jit %d, value %u", (unsigned long long)seed,
				 t, hi, hj, rs);
	}
	assert_int_equal(vn_bpf_accepts(fi), vn_bpf_accepts(fj));
	assert_int_equal(vn_bpf_drops(fi), vn_bpf_drops(fj));
	vn_bpf_free(fi);
	vn_bpf_free(fj);
}

static void jit_matches_interpreter_on_random_programs(void **state)
{
	(void)state;
	if (!vn_bpf_jit_available())
		skip();
	static struct bpf_insn prog[300];
	for (uint64_t seed = 1; seed <= 3000; seed++) {
		rng_state = seed * 0x9e3779b97f4a7c15ull;
		size_t n = gen_program(prog, seed % 10 == 0 ? 300 : 40);
		compare_on_packets(prog, n, seed);
	}
}

/* Loads at offsets beyond 2 GB succeed when the packet is that long: point
 * pkt 2^31 bytes before a real buffer so the far-offset code paths (offset
 * and bound in a register) read real memory. */
static void far_offsets_load_from_the_right_place(void **state)
{
	(void)state;
	uint8_t buf[16];
	for (int i = 0; i < 16; i++)
		buf[i] = (uint8_t)(0xa0 + i);
	const uint32_t base = 0x80000000u;
	const uint8_t *pkt = (const uint8_t *)((uintptr_t)buf - base);
	struct bpf_insn p[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, base + 1),    /* a1a2a3a4 */
		BPF_STMT(BPF_ST, 0),
		BPF_STMT(BPF_LD | BPF_H | BPF_ABS, base + 14),   /* aeaf */
		BPF_STMT(BPF_ST, 1),
		BPF_STMT(BPF_LDX | BPF_B | BPF_MSH, base + 5),   /* 4 * (0xa5 & 15) = 20 */
		BPF_STMT(BPF_STX, 2),
		BPF_STMT(BPF_LDX | BPF_IMM, 3),
		BPF_STMT(BPF_LD | BPF_B | BPF_IND, base + 9),    /* [base + 12] = ac */
		BPF_STMT(BPF_ST, 3),
		BPF_STMT(BPF_RET | BPF_K, 1),
	};
	const struct vn_bpf_insn *prog = (const struct vn_bpf_insn *)p;
	size_t n = sizeof(p) / sizeof(p[0]);
	for (unsigned flags = 0; flags <= VN_BPF_F_INTERP; flags++) {
		struct vn_bpf *f;
		assert_int_equal(vn_bpf_new(prog, n, flags, &f, NULL, 0), 0);
		assert_int_equal(vn_bpf_run(f, pkt, base + 16, base + 16), 1);
		assert_int_equal(vn_bpf_mem(f)[0], 0xa1a2a3a4);
		assert_int_equal(vn_bpf_mem(f)[1], 0xaeaf);
		assert_int_equal(vn_bpf_mem(f)[2], 20);
		assert_int_equal(vn_bpf_mem(f)[3], 0xac);
		/* one byte short: the hoisted check fails before any store */
		uint32_t zero[VN_BPF_MEMWORDS] = { 0 };
		vn_bpf_set_mem(f, zero);
		assert_int_equal(vn_bpf_run(f, pkt, base + 15, base + 16), 0);
		assert_int_equal(vn_bpf_mem(f)[0], 0xa1a2a3a4);   /* store before the failing load */
		assert_int_equal(vn_bpf_mem(f)[1], 0);
		vn_bpf_free(f);
	}
}

/* A check hoisted over a run of loads must not jump over a store: the store
 * happens when the later load fails. */
static void hoisted_bounds_checks_keep_stores_exact(void **state)
{
	(void)state;
	struct bpf_insn p[] = {
		BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 0),
		BPF_STMT(BPF_ST, 0),
		BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 1),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 20),
		BPF_STMT(BPF_ST, 1),
		BPF_STMT(BPF_RET | BPF_K, 1),
	};
	uint8_t pkt[24] = { 7, 8 };
	for (unsigned flags = 0; flags <= VN_BPF_F_INTERP; flags++) {
		struct vn_bpf *f;
		assert_int_equal(vn_bpf_new((const struct vn_bpf_insn *)p, 6, flags, &f, NULL, 0), 0);
		assert_int_equal(vn_bpf_run(f, pkt, 10, 24), 0);
		assert_int_equal(vn_bpf_mem(f)[0], 7);
		assert_int_equal(vn_bpf_mem(f)[1], 0);
		assert_int_equal(vn_bpf_run(f, pkt, 24, 24), 1);
		vn_bpf_free(f);
	}
}

/* Bounds checks on branching paths: one that returns 0 without reading
 * further, one with a store between loads, one ending in `ret A`. Every
 * first byte and every length, against the interpreter: value, scratch
 * words, counters (a check placed or merged wrongly shows here). */
static void bounds_checks_are_exact_on_every_branch(void **state)
{
	(void)state;
	struct bpf_insn p[] = {
		BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 0),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 1, 0, 3),
		BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 30),    /* 31 bytes, then a store */
		BPF_STMT(BPF_ST, 0),
		BPF_STMT(BPF_RET | BPF_K, 5),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 2, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, 0),              /* 1 byte read, returns 0 */
		BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 20),    /* 21 bytes: the entry check */
		BPF_STMT(BPF_ST, 1),
		BPF_STMT(BPF_LD | BPF_H | BPF_ABS, 34),    /* 36 bytes, after a store */
		BPF_STMT(BPF_RET | BPF_A, 0),
	};
	const size_t n = sizeof(p) / sizeof(p[0]);
	uint8_t pkt[40];
	for (int i = 0; i < 40; i++)
		pkt[i] = (uint8_t)(i + 1);
	struct vn_bpf *fi, *fj;
	assert_int_equal(vn_bpf_new((const struct vn_bpf_insn *)p, n, VN_BPF_F_INTERP, &fi, NULL, 0), 0);
	assert_int_equal(vn_bpf_new((const struct vn_bpf_insn *)p, n, 0, &fj, NULL, 0), 0);
	for (uint8_t first = 1; first <= 3; first++) {
		pkt[0] = first;
		for (uint32_t caplen = 0; caplen <= sizeof(pkt); caplen++) {
			uint32_t ri = vn_bpf_run(fi, pkt, caplen, 60), rj = vn_bpf_run(fj, pkt, caplen, 60);
			if (ri != rj || memcmp(vn_bpf_mem(fi), vn_bpf_mem(fj), VN_BPF_MEMWORDS * 4))
				fail_msg("first byte %u caplen %u: interp %u jit %u", first, caplen, ri, rj);
		}
	}
	assert_int_equal(vn_bpf_accepts(fi), vn_bpf_accepts(fj));
	assert_int_equal(vn_bpf_drops(fi), vn_bpf_drops(fj));
	assert_int_equal(vn_bpf_mem(fj)[0], 31);      /* the stores did happen */
	assert_int_equal(vn_bpf_mem(fj)[1], 21);
	vn_bpf_free(fi);
	vn_bpf_free(fj);
}

/* A and X start at 0 although the entry zeroes only those some path reads
 * before setting: whatever the caller left in the registers (the run entry
 * gets wirelen where X lives) never shows. */
static void registers_read_before_set_start_at_zero(void **state)
{
	(void)state;
	struct bpf_insn p[] = {
		BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 0),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 1, 0, 2),
		BPF_STMT(BPF_LDX | BPF_IMM, 40),
		BPF_STMT(BPF_ALU | BPF_ADD | BPF_K, 2),        /* X set on this path only */
		BPF_STMT(BPF_ALU | BPF_ADD | BPF_X, 0),
		BPF_STMT(BPF_RET | BPF_A, 0),
	};
	uint8_t pkt[4] = { 1 };
	for (unsigned flags = 0; flags <= VN_BPF_F_INTERP; flags++) {
		struct vn_bpf *f;
		assert_int_equal(vn_bpf_new((const struct vn_bpf_insn *)p, 6, flags, &f, NULL, 0), 0);
		assert_int_equal(vn_bpf_run(f, pkt, 4, 0xdead), 43);
		pkt[0] = 5;
		assert_int_equal(vn_bpf_run(f, pkt, 4, 0xdead), 5);   /* X read unset: 0 */
		struct vn_pkt pk = {.data = pkt, .len = 4, .wire_len = 0xbeef};
		pkt[0] = 0;
		assert_false(vn_bpf_hook(f)(f, &pk));                  /* 0 + X (0) */
		pkt[0] = 1;
		vn_bpf_free(f);
	}
}

/* The code buffer is sized from a per-instruction bound: 4096 of the longest
 * instructions (far-offset loads with their checks, indirect loads, RET A)
 * must still compile, and run like the interpreter. */
static void largest_programs_compile(void **state)
{
	(void)state;
	if (!vn_bpf_jit_available())
		skip();
	static struct bpf_insn p[VN_BPF_MAXINSNS];
	const uint16_t worst[] = {
		BPF_LDX | BPF_B | BPF_MSH, BPF_LD | BPF_W | BPF_ABS, BPF_LD | BPF_H | BPF_IND,
		BPF_ALU | BPF_MOD | BPF_K, BPF_ALU | BPF_LSH | BPF_X,
	};
	for (size_t i = 0; i + 1 < VN_BPF_MAXINSNS; i++) {
		p[i] = (struct bpf_insn)BPF_STMT(worst[i % 5], 0xfffffff0u - (uint32_t)i);
		if (i % 5 == 3)
			p[i].k = 7;
		if (i % 97 == 96 && i + 300 < VN_BPF_MAXINSNS)      /* and some jumps */
			p[i] = (struct bpf_insn)BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, 0x12345678, 0, 255);
	}
	p[VN_BPF_MAXINSNS - 1] = (struct bpf_insn)BPF_STMT(BPF_RET | BPF_A, 0);
	struct vn_bpf *fj, *fi;
	const struct vn_bpf_insn *prog = (const struct vn_bpf_insn *)p;
	assert_int_equal(vn_bpf_new(prog, VN_BPF_MAXINSNS, 0, &fj, NULL, 0), 0);
	assert_int_equal(vn_bpf_new(prog, VN_BPF_MAXINSNS, VN_BPF_F_INTERP, &fi, NULL, 0), 0);
	assert_true(vn_bpf_jitted(fj));
	assert_true(vn_bpf_code_size(fj) > 10 * VN_BPF_MAXINSNS);
	uint8_t pkt[64] = { 0x45 };
	assert_int_equal(vn_bpf_run(fj, pkt, 64, 64), vn_bpf_run(fi, pkt, 64, 64));
	vn_bpf_free(fj);
	vn_bpf_free(fi);
}

static void code_is_not_writable(void **state)
{
	(void)state;
	if (!vn_bpf_jit_available())
		skip();
	struct bpf_insn p[] = { BPF_STMT(BPF_RET | BPF_K, 1) };
	struct vn_bpf *f, *g;
	assert_int_equal(vn_bpf_new((const struct vn_bpf_insn *)p, 1, 0, &f, NULL, 0), 0);
	assert_int_equal(vn_bpf_new((const struct vn_bpf_insn *)p, 1, VN_BPF_F_NO_MEMFD, &g, NULL, 0), 0);
	assert_true(vn_bpf_code_size(f) > 0);
	assert_int_equal(vn_bpf_run(f, NULL, 0, 0), 1);
	assert_int_equal(vn_bpf_run(g, NULL, 0, 0), 1);
	/* no mapping of the process is writable and executable at once */
	FILE *m = fopen("/proc/self/maps", "r");
	assert_non_null(m);
	char line[512];
	int wx = 0;
	while (fgets(line, sizeof(line), m)) {
		char perms[8];
		if (sscanf(line, "%*x-%*x %7s", perms) == 1 && perms[1] == 'w' && perms[2] == 'x')
			wx++;
	}
	fclose(m);
	assert_int_equal(wx, 0);
	vn_bpf_free(f);
	vn_bpf_free(g);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(jit_matches_interpreter_on_random_programs),
		cmocka_unit_test(far_offsets_load_from_the_right_place),
		cmocka_unit_test(hoisted_bounds_checks_keep_stores_exact),
		cmocka_unit_test(bounds_checks_are_exact_on_every_branch),
		cmocka_unit_test(registers_read_before_set_start_at_zero),
		cmocka_unit_test(largest_programs_compile),
		cmocka_unit_test(code_is_not_writable),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
