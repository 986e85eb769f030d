/* viflet_jit.c — the VIFlet JIT's compiler: prepared code (struct vn_insn,
 * vm/prep.c) to x86-64, one template per instruction, on the shared emitter
 * (x86_emit.h).
 *
 * Registers: rbx = vm, r12 = locals (fr->lv), r13 = the instruction budget
 * (written back around calls out and at exit), rbp/r14/r15 and then
 * r11..r8 = the most used locals (pick_cached_locals), [rsp] = where the result goes,
 * [rsp+8] = fr. Locals always live in the frame's slot memory; so does the operand
 * stack at every label, call, allocation and throw, which keeps the GC's
 * root scan and the interpreter's view (exception dispatch) exact. Between
 * those points the top of the operand stack is cached (seed OPT_REGCACHE):
 * a "deferred" entry is a constant, a copy of a local, or a value in a
 * scratch register, and is written to its slot only when needed — so
 * `iload a; iload b; iadd; istore c` becomes a load, an add with a memory
 * operand and a store. Branches on constants are folded.
 *
 * An int in a register or slot has its upper 32 bits either zero or the
 * sign extension of the low 32 (the interpreter and natives write them
 * sign-extended and read only `.i`; compiled code leaves the zero extension
 * of its 32-bit operations). Everything reading an int uses its low 32 bits
 * (32-bit ALU ops, compares, stores), but for i2l, which sign-extends, and
 * 64-bit addressing after an unsigned 32-bit bounds check (an index below
 * the length has bit 31 clear: either extension is the value). Values are
 * otherwise copied raw, whole slots (8 bytes) at a time. Inline checks
 * (null, bounds, division by zero) jump to out-of-line stubs that throw and
 * return 1; the interpreter then dispatches the exception from this frame.
 * Backward branches and switches count the budget exactly as the
 * interpreter does (decrement, abort below zero). */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "viflet_jit_int.h"

#if defined(__x86_64__)

#include "viflet_jit_cc.h"


static const int8_t scratch[] = { X86_RAX, X86_RCX, X86_RDX, X86_RSI, X86_RDI,
	X86_R8, X86_R9, X86_R10, X86_R11 };
/* registers that may cache locals: callee-saved first, then caller-saved ones
 * (reloaded from the slots after every call; no code uses them implicitly) */
static const int8_t cache_regs[] = { X86_RBP, X86_R14, X86_R15, X86_R11, X86_R10, X86_R9, X86_R8 };
#define NCACHE_NV 3


uint32_t jit_newlabel(struct cc *c)
{
	if (c->nlbl >= LBL_PER) {
		c->fail = true;
		return L_EXC(c);
	}
	uint32_t l = c->lbase + c->n + c->cur * LBL_PER + (uint32_t)c->nlbl++;
	jit_unset_labels(c, l, 1);
	return l;
}

/* ---- slots ---- */



/* Write deferred entry i to its slot. */
static void materialize(struct cc *c, int i)
{
	struct ventry *v = &c->e[i];
	int32_t off = jit_slot_off(c, v->pos);
	switch (v->kind) {
	case K_CONST:
		emit_store_imm32(&c->j, 8, X86_R12, off, v->v);
		break;
	case K_LOCAL: {
		if (v->reg >= 0) {
			emit_store(&c->j, 8, v->reg, X86_R12, off);
			break;
		}
		int r = jit_alloc_reg(c);
		emit_load(&c->j, 8, r, X86_R12, jit_local_off(c, (uint32_t)v->v));
		emit_store(&c->j, 8, r, X86_R12, off);
		jit_free_reg(c, r);
		break;
	}
	case K_REG:
		emit_store(&c->j, 8, v->reg, X86_R12, off);
		jit_free_reg(c, v->reg);
		break;
	default:
		break;
	}
	v->kind = K_MEM;
}

int jit_alloc_reg(struct cc *c)
{
	for (;;) {
		for (size_t k = 0; k < sizeof scratch; k++)
			if (!((c->busy | c->cmask) & (1u << scratch[k]))) {
				c->busy |= (uint16_t)(1u << scratch[k]);
				return scratch[k];
			}
		/* spill the deepest register entry */
		int i;
		for (i = 0; i < c->ne && c->e[i].kind != K_REG; i++)
			;
		if (i == c->ne) {
			c->fail = true;
			return X86_RAX;
		}
		materialize(c, i);
	}
}

/* Make sure register r is free (spilling whoever holds it). */
static void claim(struct cc *c, int r)
{
	if (!(c->busy & (1u << r)))
		return;
	for (int i = 0; i < c->ne; i++)
		if (c->e[i].kind == K_REG && c->e[i].reg == r) {
			materialize(c, i);
			return;
		}
	c->fail = true;   /* held by a temporary: a compiler bug */
}

void jit_flush(struct cc *c)
{
	for (int i = 0; i < c->ne; i++)
		materialize(c, i);
	c->ne = 0;
}

static void push(struct cc *c, int kind, int w, int reg, int32_t v)
{
	if (c->ne == MAXDEF) {
		materialize(c, 0);
		memmove(&c->e[0], &c->e[1], (MAXDEF - 1) * sizeof(c->e[0]));
		c->ne--;
	}
	struct ventry *e = &c->e[c->ne++];
	e->kind = (uint8_t)kind;
	e->w = (uint8_t)w;
	e->reg = (int8_t)reg;
	e->v = v;
	e->pos = c->d;
	c->d += w;
}
void jit_push_reg(struct cc *c, int r, int w) { push(c, K_REG, w, r, 0); }

struct ventry jit_pop(struct cc *c, int w)
{
	struct ventry v;
	if (c->ne && c->e[c->ne - 1].w != w)
		jit_flush(c);
	if (c->ne) {
		v = c->e[--c->ne];
	} else {
		v.kind = K_MEM;
		v.w = (uint8_t)w;
		v.reg = -1;
		v.v = 0;
		v.pos = c->d - w;
	}
	c->d -= w;
	if (c->d < 0)
		c->fail = true;
	return v;
}

/* The value of v in a register the caller owns (and must free or push). */
static int to_reg(struct cc *c, const struct ventry *v)
{
	if (v->kind == K_REG)
		return v->reg;
	int r = jit_alloc_reg(c);
	switch (v->kind) {
	case K_CONST: emit_mov_imm64(&c->j, r, (uint64_t)(int64_t)v->v); break;
	case K_LOCAL:
		if (v->reg >= 0)
			emit_mov64(&c->j, r, v->reg);
		else
			emit_load(&c->j, 8, r, X86_R12, jit_local_off(c, (uint32_t)v->v));
		break;
	default: emit_load(&c->j, 8, r, X86_R12, jit_slot_off(c, v->pos)); break;
	}
	return r;
}

/* Like to_reg, but a cached local's own register when the caller only
 * reads it (free_reg of a cached register is a no-op). */
int jit_to_reg_ro(struct cc *c, const struct ventry *v)
{
	if (v->kind == K_LOCAL && v->reg >= 0)
		return v->reg;
	return to_reg(c, v);
}

static bool is_scratch(const struct cc *c, int r) { return r != X86_RBP && r != X86_R14 && r != X86_R15 && !(c->cmask & (1u << r)); }

static void release(struct cc *c, const struct ventry *v)
{
	if (v->kind == K_REG)
		jit_free_reg(c, v->reg);
}

/* dst op= v (w: 0 32-bit, 1 64-bit) */
static void alu_with(struct cc *c, int w, enum x86_alu op, int dst, const struct ventry *v)
{
	switch (v->kind) {
	case K_CONST: emit_alu_imm32_w(&c->j, w, op, dst, v->v); break;
	case K_LOCAL:
		if (v->reg >= 0 && w)
			emit_alu64(&c->j, op, dst, v->reg);
		else if (v->reg >= 0)
			emit_alu32(&c->j, op, dst, v->reg);
		else
			emit_alu_load(&c->j, w, op, dst, X86_R12, jit_local_off(c, (uint32_t)v->v));
		break;
	case K_MEM: emit_alu_load(&c->j, w, op, dst, X86_R12, jit_slot_off(c, v->pos)); break;
	default:
		if (w)
			emit_alu64(&c->j, op, dst, v->reg);
		else
			emit_alu32(&c->j, op, dst, v->reg);
		jit_free_reg(c, v->reg);
		break;
	}
}

/* Before local n is written: entries still reading it take their value now. */
static void local_written(struct cc *c, int32_t n)
{
	for (int i = 0; i < c->ne; i++)
		if (c->e[i].kind == K_LOCAL && c->e[i].v == n)
			materialize(c, i);
}

/* Cached locals the method writes, into their slots (the registers hold
 * the current values; the slots are brought up to date before anything that
 * reads them: calls, allocation, throws). */
/* The dirty cached locals whose register is in regs, into their slots
 * (still dirty: the caller says when they stop being so). */
void jit_store_dirty(struct cc *c, uint16_t regs)
{
	for (uint32_t k = 0; k < c->nwloc; k++)
		if ((c->dirty & (1u << k)) && (regs & (1u << c->creg[c->wloc[k]])))
			emit_store(&c->j, 8, c->creg[c->wloc[k]], X86_R12, jit_local_off(c, c->wloc[k]));
}

void jit_writeback(struct cc *c)
{
	jit_store_dirty(c, 0xffff);
	c->dirty = 0;
}

/* A cached local written (its slot now stale). Within a block the compiler
 * knows which are; at every branch target all count as written. */
static void mark_dirty(struct cc *c, int32_t l)
{
	for (uint32_t k = 0; k < c->nwloc; k++)
		if (c->wloc[k] == (uint32_t)l)
			c->dirty |= 1u << k;
}

/* Slot memory exact: deferred entries flushed, cached locals written back,
 * fr->sp and fr->ip set. */
static void sync(struct cc *c)
{
	jit_flush(c);
	jit_sync_frame(c);
	c->dirty = 0;
}

/* sync's code after a flush, on one path only: the cached locals written
 * back (their dirty marks kept: other paths did not write them), fr->sp
 * and fr->ip set. */
void jit_sync_frame(struct cc *c)
{
	if (c->inlined) {       /* the callee's frame, made now; jit_check_exc pops it */
		jit_inline_frame(&c->j, c->outer, c->m, c->base, jit_slot_off(c, c->d), c->p->code + c->cur + 1);
		c->framed++;
		return;
	}
	jit_store_dirty(c, 0xffff);
	jit_frame_at_insn(&c->j, c);
}

/* c's frame's sp and ip as at its current instruction: its operand top,
 * the next instruction. Clobbers rax, rcx. */
void jit_frame_at_insn(struct x86_jit *j, const struct cc *c)
{
	emit_lea(j, 1, X86_RAX, X86_R12, -1, 1, jit_slot_off(c, c->d));
	emit_load(j, 8, X86_RCX, X86_RSP, FR_AT);
	emit_store(j, 8, X86_RAX, X86_RCX, (int32_t)offsetof(struct vn_frame, sp));
	emit_mov_imm64(j, X86_RAX, (uint64_t)(uintptr_t)(c->p->code + c->cur + 1));
	emit_store(j, 8, X86_RAX, X86_RCX, (int32_t)offsetof(struct vn_frame, ip));
}

/* The budget lives in r13 while compiled code runs: written back around
 * every call out (helpers and the code they run count it too) and at exit. */
void jit_budget_wb(struct cc *c)
{
	emit_store(&c->j, 8, X86_R13, X86_RBX, (int32_t)offsetof(struct vn_vm, budget));
}

/* Locals cached in caller-saved registers, after a call: from their slots
 * (always exact: the cache is write-through). */
static void reload_volatile_of(struct x86_jit *j, const struct cc *c)
{
	for (uint32_t k = 0; k < c->nvloc; k++)
		emit_load(j, 8, c->creg[c->vloc[k]], X86_R12, jit_local_off(c, c->vloc[k]));
}

/* (in an inlined body: the method's, and the body's receiver) */
void jit_reload_volatile(struct cc *c)
{
	if (c->outer)
		reload_volatile_of(&c->j, c->outer);
	reload_volatile_of(&c->j, c);
}

void jit_call_helper(struct cc *c, const void *fn)
{
	if (c->outer)           /* in an inlined body: the method's cached locals, as at a call */
		jit_outer_writeback(&c->j, c->outer);
	jit_budget_wb(c);
	emit_call_abs(&c->j, fn, X86_RAX);
	emit_load(&c->j, 8, X86_R13, X86_RBX, (int32_t)offsetof(struct vn_vm, budget));
	jit_reload_volatile(c);
}

/* rdi = vm, rsi = fr, rdx = the current insn; in an inlined body fr is
 * the callee's frame jit_sync_frame made, the top one */
void jit_args_vm_fr_in(struct cc *c)
{
	emit_mov64(&c->j, X86_RDI, X86_RBX);
	if (c->inlined) {
		emit_load(&c->j, 4, X86_RSI, X86_RBX, (int32_t)offsetof(struct vn_vm, nframes));
		emit_imul_imm32(&c->j, 1, X86_RSI, X86_RSI, (int32_t)sizeof(struct vn_frame));
		emit_alu_load(&c->j, 1, X86_ADD, X86_RSI, X86_RBX, (int32_t)offsetof(struct vn_vm, frames));
		emit_alu64_imm32(&c->j, X86_SUB, X86_RSI, (int32_t)sizeof(struct vn_frame));
	} else {
		emit_load(&c->j, 8, X86_RSI, X86_RSP, FR_AT);
	}
	emit_mov_imm64(&c->j, X86_RDX, (uint64_t)(uintptr_t)(c->p->code + c->cur));
}

void jit_check_exc(struct cc *c)
{
	emit_test32(&c->j, X86_RAX, X86_RAX);
	if (c->inlined) {       /* after a helper on the callee's frame: popped, or its exception */
		if (c->framed-- <= 0)
			c->fail = true;
		emit_jcc(&c->j, X86_CC_NE, c->l_inl_exc);
		emit_alu_mem_imm32(&c->j, 0, X86_SUB, X86_RBX, (int32_t)offsetof(struct vn_vm, nframes), 1);
		return;
	}
	emit_jcc(&c->j, X86_CC_NE, L_EXC(c));
}

static uint32_t add_stub(struct cc *c, int kind, int arr, int idx, int32_t imm)
{
	if (!c->stubs) {        /* an inlined body may not fault: jit_inline_target is wrong */
		c->fail = true;
		return L_EXC(c);
	}
	struct stub *s = &c->stubs[c->nstubs++];
	s->label = jit_newlabel(c);
	s->insn = c->cur;
	s->kind = kind;
	s->arr = (int8_t)arr;
	s->idx = (int8_t)idx;
	s->imm = imm;
	return s->label;
}

void jit_null_check(struct cc *c, int r)
{
	emit_test64(&c->j, r, r);
	emit_jcc(&c->j, X86_CC_E, add_stub(c, VN_JIT_NPE, -1, -1, 0));
}

void jit_budget_tick(struct cc *c)
{
	emit_alu64_imm32(&c->j, X86_SUB, X86_R13, 1);
	emit_jcc(&c->j, X86_CC_S, L_BUDG(c));
}

/* ---- stack effects, for the depth analysis ---- */

static int ret_slots(char r) { return r == 'V' ? 0 : (r == 'J' || r == 'D') ? 2 : 1; }

/* pops/pushes in slots; false for an instruction the JIT does not know */
static bool effect(const struct vn_insn *in, int *po, int *pu)
{
	int op = jit_is_fused(in->op) ? J_ILOAD : in->op;
	*po = *pu = 0;
	switch (op) {
	case J_NOP: case J_IINC: case J_GOTO: case J_RETURN: return true;
	case Q_ICONST: case Q_ACONST: case J_ILOAD: *pu = 1; return true;
	case Q_LCONST: case J_LLOAD: *pu = 2; return true;
	case J_ISTORE: case J_POP: case J_IRETURN: case J_ATHROW: case J_IFNULL: case J_IFNONNULL:
	case J_TABLESWITCH: case J_LOOKUPSWITCH: *po = 1; return true;
	case J_LSTORE: case J_POP2: case J_LRETURN: *po = 2; return true;
	case J_IALOAD: case J_AALOAD: case J_BALOAD: case J_CALOAD: case J_SALOAD: *po = 2; *pu = 1; return true;
	case J_LALOAD: *po = 2; *pu = 2; return true;
	case J_IASTORE: case J_AASTORE: case J_BASTORE: case J_CASTORE: case J_SASTORE: *po = 3; return true;
	case J_LASTORE: *po = 4; return true;
	case J_ARRAYLENGTH: *po = 1; *pu = 1; return true;
	case J_DUP: *po = 1; *pu = 2; return true;
	case J_DUP_X1: *po = 2; *pu = 3; return true;
	case J_DUP_X2: *po = 3; *pu = 4; return true;
	case J_DUP2: *po = 2; *pu = 4; return true;
	case J_DUP2_X1: *po = 3; *pu = 5; return true;
	case J_DUP2_X2: *po = 4; *pu = 6; return true;
	case J_SWAP: *po = 2; *pu = 2; return true;
	case J_LCMP: *po = 4; *pu = 1; return true;
	case J_I2L: *po = 1; *pu = 2; return true;
	case J_L2I: *po = 2; *pu = 1; return true;
	case J_I2B: case J_I2C: case J_I2S: case J_INEG: *po = 1; *pu = 1; return true;
	case J_LNEG: *po = 2; *pu = 2; return true;
	case J_IF_ICMPEQ ... J_IF_ACMPNE: *po = 2; return true;
	case J_IFEQ ... J_IFLE: *po = 1; return true;
	case Q_GETF_B: case Q_GETF_C: case Q_GETF_S: case Q_GETF_I: case Q_GETF_A: *po = 1; *pu = 1; return true;
	case Q_GETF_J: *po = 1; *pu = 2; return true;
	case Q_PUTF_B: case Q_PUTF_Z: case Q_PUTF_S: case Q_PUTF_I: case Q_PUTF_A: *po = 2; return true;
	case Q_PUTF_J: *po = 3; return true;
	case Q_GETS_B: case Q_GETS_C: case Q_GETS_S: case Q_GETS_I: case Q_GETS_A: *pu = 1; return true;
	case Q_GETS_J: *pu = 2; return true;
	case Q_PUTS_B: case Q_PUTS_Z: case Q_PUTS_S: case Q_PUTS_I: case Q_PUTS_A: *po = 1; return true;
	case Q_PUTS_J: *po = 2; return true;
	case Q_INVOKESTATIC: case Q_INVOKESPECIAL: case Q_INVOKEVIRTUAL: case Q_INVOKEFINAL:
		*po = in->b;
		*pu = ret_slots(in->u.m->ret);
		return true;
	case Q_INVOKEIFACE:
		*po = in->b;
		*pu = ret_slots(((struct vn_icache *)in->u.p)->im->ret);
		return true;
	case Q_NEW: *pu = 1; return true;
	case Q_NEWARRAY: case Q_ANEWARRAY: case Q_CHECKCAST: case Q_INSTANCEOF: *po = 1; *pu = 1; return true;
	case Q_MULTIANEWARRAY: *po = in->b; *pu = 1; return true;
	case Q_CONCAT: *po = (int)((struct vn_concat *)in->u.p)->nslots; *pu = 1; return true;
	default: break;
	}
	/* arithmetic: int/float binary 2->1, long/double binary 4->2 */
	if (op >= J_IADD && op <= 115) {
		bool wide = (op - J_IADD) % 2;
		*po = wide ? 4 : 2;
		*pu = wide ? 2 : 1;
		return true;
	}
	switch (op) {
	case 118: *po = 1; *pu = 1; return true;                  /* fneg */
	case 119: *po = 2; *pu = 2; return true;                  /* dneg */
	case J_ISHL: case J_ISHR: case J_IUSHR: *po = 2; *pu = 1; return true;
	case J_LSHL: case J_LSHR: case J_LUSHR: *po = 3; *pu = 2; return true;
	case J_IAND: case J_IOR: case J_IXOR: *po = 2; *pu = 1; return true;
	case J_LAND: case J_LOR: case J_LXOR: *po = 4; *pu = 2; return true;
	case 134: case 139: *po = 1; *pu = 1; return true;        /* i2f f2i */
	case 135: case 140: case 141: *po = 1; *pu = 2; return true;  /* i2d f2l f2d */
	case 137: case 142: case 144: *po = 2; *pu = 1; return true;  /* l2f d2i d2f */
	case 138: case 143: *po = 2; *pu = 2; return true;        /* l2d d2l */
	case 149: case 150: *po = 2; *pu = 1; return true;        /* fcmpl fcmpg */
	case 151: case 152: *po = 4; *pu = 1; return true;        /* dcmpl dcmpg */
	default: return false;
	}
}

static bool is_fop(int op)
{
	if (op >= 98 && op <= 119)
		return (op - 96) % 4 >= 2;      /* fadd dadd fsub dsub ... fneg dneg */
	return (op >= 134 && op <= 144 && op != J_L2I) || (op >= 149 && op <= 152);
}

static bool set_depth(struct cc *c, int32_t t, int32_t d, uint32_t *work, uint32_t *nw)
{
	if (t < 0 || (uint32_t)t >= c->n)
		return false;
	if (c->depth[t] == -1) {
		c->depth[t] = d;
		work[(*nw)++] = (uint32_t)t;
		return true;
	}
	return c->depth[t] == d;
}

static int loop_test(const struct cc *c, int32_t t, struct ventry *a, struct ventry *b, int *k, int32_t *exit);

/* The body of a loop invert_loop may invert (a backward goto i to its test)
 * is entered from the goto too: a branch target. */
static void mark_inverted_body(struct cc *c, const struct vn_insn *in, uint32_t i)
{
	struct ventry a, b;
	int k, len;
	int32_t exit;
	if (!c->env.noinvert && in->op == J_GOTO && (uint32_t)in->a <= i &&
	    (len = loop_test(c, in->a, &a, &b, &k, &exit)))
		c->target[in->a + len] = 1;
}

/* Operand depth at every instruction (the verifier guarantees it is unique). */
bool jit_analyze(struct cc *c)
{
	uint32_t *work = SC_ARRAY(c->sc, (c->n + c->p->nexc + 1) * 2, uint32_t, false);
	if (!work)
		return false;
	uint32_t nw = 0;
	bool ok = set_depth(c, 0, 0, work, &nw);
	for (uint32_t k = 0; k < c->p->nexc && ok; k++) {
		ok = set_depth(c, (int32_t)c->p->exc[k].handler, 1, work, &nw);
		c->target[c->p->exc[k].handler] = 1;
	}
	while (ok && nw) {
		uint32_t i = work[--nw];
		const struct vn_insn *in = &c->p->code[i];
		int po, pu;
		if (!effect(in, &po, &pu)) {
			ok = false;
			break;
		}
		int32_t d = c->depth[i] - po;
		if (d < 0 || d + pu > (int32_t)c->m->max_stack) {
			ok = false;
			break;
		}
		d += pu;
		int op = jit_is_fused(in->op) ? J_ILOAD : in->op;
		bool falls = !jit_no_fallthrough(op);
		if (jit_is_branch(op)) {
			ok = set_depth(c, in->a, d, work, &nw);
			c->target[in->a] = 1;
			if (!falls && ok)
				mark_inverted_body(c, in, i);
		} else if (op == J_TABLESWITCH || op == J_LOOKUPSWITCH) {
			const struct vn_switch *s = in->u.p;
			ok = set_depth(c, s->def, d, work, &nw);
			c->target[s->def] = 1;
			for (int32_t k = 0; k < s->n && ok; k++) {
				ok = set_depth(c, s->targets[k], d, work, &nw);
				c->target[s->targets[k]] = 1;
			}
		}
		if (falls && ok)
			ok = set_depth(c, (int32_t)i + 1, d, work, &nw);
	}
	return ok;
}

/* ---- locals known non-null (null checks that can be left out) ----
 *
 * A forward "must" analysis over the prepared code: nn[i] has bit l when
 * local l (< 64) holds a non-null reference before insn i on every path: its
 * value passed a null check (array access, field access, arraylength, a call
 * on it) and the local was not written since. Within a block the stack
 * records which local each operand was loaded from (as the code generator's
 * deferred entries do); at block starts nothing is known about operands.
 * Entry and exception handlers start with nothing known. */

/* The operand the insn null-checks, as a position from the top (1 = top), or 0. */
static int checked_pos(const struct vn_insn *in)
{
	switch (in->op) {
	case J_IALOAD: case J_LALOAD: case J_AALOAD: case J_BALOAD: case J_CALOAD: case J_SALOAD: return 2;
	case J_IASTORE: case J_AASTORE: case J_BASTORE: case J_CASTORE: case J_SASTORE: return 3;
	case J_LASTORE: return 4;
	case J_ARRAYLENGTH: case Q_GETF_B: case Q_GETF_C: case Q_GETF_S: case Q_GETF_I: case Q_GETF_J:
	case Q_GETF_A: return 1;
	case Q_PUTF_B: case Q_PUTF_Z: case Q_PUTF_S: case Q_PUTF_I: case Q_PUTF_A: return 2;
	case Q_PUTF_J: return 3;
	case Q_INVOKESPECIAL: case Q_INVOKEFINAL: case Q_INVOKEVIRTUAL: case Q_INVOKEIFACE: return in->b;
	default: return 0;
	}
}

static uint64_t lbit(int32_t l) { return l >= 0 && l < 64 ? (uint64_t)1 << l : 0; }

/* Runs the block starting at insn s from state in: records c->nn[i],
 * leaves the state at its end in c->nn_out and returns the end index. A
 * block ends at a branch, return, throw or switch, or before a branch
 * target (c->target, from jit_analyze). */
static uint32_t nn_block(struct cc *c, uint32_t s, uint64_t in, int8_t *src)
{
	uint64_t cur = in;
	int32_t d = c->depth[s];
	for (int32_t k = 0; k < d; k++)
		src[k] = -1;
	uint32_t i = s;
	for (;; i++) {
		const struct vn_insn *x = &c->p->code[i];
		int op = jit_is_fused(x->op) ? J_ILOAD : x->op;
		c->nn[i] = cur;
		int cp = checked_pos(x), po, pu;
		if (cp > 0 && cp <= d && src[d - cp] >= 0)
			cur |= lbit(src[d - cp]);
		if (op == J_ISTORE || op == J_LSTORE || op == J_IINC) {
			cur &= ~lbit(x->a);
			for (int32_t k = 0; k < d; k++)
				if (src[k] == x->a)
					src[k] = -1;
		}
		if (op == J_ILOAD) {
			src[d] = (int8_t)(x->a < 64 ? x->a : -1);
			d++;
		} else if (op == J_DUP) {
			src[d] = src[d - 1];
			d++;
		} else {
			effect(x, &po, &pu);
			d -= po;
			for (int k = 0; k < pu; k++)
				src[d++] = -1;
		}
		bool ends = jit_is_branch(op) || jit_no_fallthrough(op);
		if (ends || i + 1 >= c->n || c->target[i + 1] || c->depth[i + 1] < 0)
			break;
	}
	c->nn_out = cur;
	return i;
}

/* seen[t]: bit 0 reached, bit 1 queued */
static void nn_merge(struct cc *c, uint64_t *bin, uint8_t *seen, uint32_t *work, uint32_t *nw, int32_t t, uint64_t v)
{
	if (t < 0 || (uint32_t)t >= c->n || c->depth[t] < 0)
		return;
	uint64_t nv = (seen[t] & 1) ? (bin[t] & v) : v;
	if ((seen[t] & 1) && nv == bin[t])
		return;
	bin[t] = nv;
	if (!(seen[t] & 2))
		work[(*nw)++] = (uint32_t)t;
	seen[t] = 3;
}

static void nonnull_analysis(struct cc *c)
{
	uint64_t *bin = SC_ARRAY(c->sc, c->n, uint64_t, true);
	uint8_t *seen = SC_ARRAY(c->sc, c->n, uint8_t, true);
	uint32_t *work = SC_ARRAY(c->sc, c->n + 8, uint32_t, false);
	int8_t *src = SC_ARRAY(c->sc, c->m->max_stack + 8, int8_t, false);
	uint32_t nw = 0, steps = 0;
	if (!bin || !seen || !work || !src || c->env.nonull)
		goto out;
	nn_merge(c, bin, seen, work, &nw, 0, 0);
	for (uint32_t k = 0; k < c->p->nexc; k++)
		nn_merge(c, bin, seen, work, &nw, (int32_t)c->p->exc[k].handler, 0);
	while (nw && steps++ < 64 * c->n) {
		uint32_t s = work[--nw];
		seen[s] &= 1;
		uint32_t e = nn_block(c, s, bin[s], src);
		uint64_t out = c->nn_out;
		const struct vn_insn *x = &c->p->code[e];
		int op = jit_is_fused(x->op) ? J_ILOAD : x->op;
		if (jit_is_branch(op)) {
			nn_merge(c, bin, seen, work, &nw, x->a, out);
			if (op != J_GOTO)
				nn_merge(c, bin, seen, work, &nw, (int32_t)e + 1, out);
		} else if (op == J_TABLESWITCH || op == J_LOOKUPSWITCH) {
			const struct vn_switch *sw = x->u.p;
			nn_merge(c, bin, seen, work, &nw, sw->def, out);
			for (int32_t k = 0; k < sw->n; k++)
				nn_merge(c, bin, seen, work, &nw, sw->targets[k], out);
		} else if (!jit_no_fallthrough(op)) {
			nn_merge(c, bin, seen, work, &nw, (int32_t)e + 1, out);
		}
	}
	if (nw) {          /* did not settle: assume nothing */
		memset(c->nn, 0, c->n * sizeof(uint64_t));
	}
out:
	if (!bin || !seen || !work || !src || c->env.nonull)
		memset(c->nn, 0, c->n * sizeof(uint64_t));
}

/* Is v a local known non-null here? */
static bool known_nonnull(const struct cc *c, const struct ventry *v)
{
	if (v->kind != K_LOCAL)
		return false;
	if (c->inlined)         /* an inlined body: only its receiver is known */
		return c->this_nn && v->v == 0;
	return c->nn[c->cur] & lbit(v->v);
}

/* ---- templates ---- */

static enum x86_cc jcc_of(int k)   /* k: 0 eq, 1 ne, 2 lt, 3 ge, 4 gt, 5 le */
{
	static const enum x86_cc t[] = { X86_CC_E, X86_CC_NE, X86_CC_L, X86_CC_GE, X86_CC_G, X86_CC_LE };
	return t[k];
}
static enum x86_cc swap_cc(enum x86_cc cc)
{
	switch (cc) {
	case X86_CC_L: return X86_CC_G;
	case X86_CC_G: return X86_CC_L;
	case X86_CC_LE: return X86_CC_GE;
	case X86_CC_GE: return X86_CC_LE;
	default: return cc;
	}
}
static bool eval_cc(int k, int64_t a, int64_t b)
{
	switch (k) {
	case 0: return a == b;
	case 1: return a != b;
	case 2: return a < b;
	case 3: return a >= b;
	case 4: return a > b;
	default: return a <= b;
	}
}

/* Jump to insn t if cc (after the flags are set; the stack is flushed). */
static void branch(struct cc *c, enum x86_cc cc, bool always, int32_t t)
{
	bool back = (uint32_t)t <= c->cur;
	if (!back) {
		if (always)
			emit_jmp(&c->j, LBL(c, t));
		else
			emit_jcc(&c->j, cc, LBL(c, t));
		return;
	}
	uint32_t skip = 0;
	if (!always) {
		skip = jit_newlabel(c);
		emit_jcc(&c->j, x86_cc_not(cc), skip);
	}
	jit_budget_tick(c);
	emit_jmp(&c->j, LBL(c, t));
	if (!always)
		x86_bind(&c->j, skip);
}

/* The register holding v's value without loading: its own, or the one
 * caching its local; -1 if none. */
static int vreg(const struct ventry *v)
{
	return v->kind == K_REG || v->kind == K_LOCAL ? v->reg : -1;
}

/* Compare a with b (w: 0 int, 1 reference/long) for cc k: flushes the
 * stack, emits the compare, returns the condition to jump on. Not for two
 * constants. */
static enum x86_cc cmp_emit(struct cc *c, int w, int k, struct ventry a, struct ventry b)
{
	enum x86_cc cc = jcc_of(k);
	if (a.kind == K_CONST) {        /* compare b with a instead */
		struct ventry x = a;
		a = b;
		b = x;
		cc = swap_cc(cc);
	}
	if (vreg(&b) >= 0 && vreg(&a) < 0) {
		struct ventry x = a;
		a = b;
		b = x;
		cc = swap_cc(cc);
	}
	/* a in a register (owned or a cached local), or memory against a constant */
	int ra = vreg(&a);
	bool own_a = a.kind == K_REG;
	if (ra < 0 && b.kind == K_CONST) {
		int32_t off = a.kind == K_LOCAL ? jit_local_off(c, (uint32_t)a.v) : jit_slot_off(c, a.pos);
		jit_flush(c);
		emit_alu_mem_imm32(&c->j, w, X86_CMP, X86_R12, off, b.v);
		return cc;
	}
	if (ra < 0) {
		ra = to_reg(c, &a);
		own_a = true;
	}
	int rb = vreg(&b);
	jit_flush(c);
	if (rb >= 0) {
		if (w)
			emit_alu64(&c->j, X86_CMP, ra, rb);
		else
			emit_alu32(&c->j, X86_CMP, ra, rb);
	} else if (b.kind == K_CONST && b.v == 0 && (cc == X86_CC_E || cc == X86_CC_NE || cc == X86_CC_L ||
						     cc == X86_CC_GE)) {
		if (w)                  /* same flags for these conditions */
			emit_test64(&c->j, ra, ra);
		else
			emit_test32(&c->j, ra, ra);
		cc = cc == X86_CC_L ? X86_CC_S : cc == X86_CC_GE ? X86_CC_NS : cc;
	} else if (b.kind == K_CONST) {
		emit_alu_imm32_w(&c->j, w, X86_CMP, ra, b.v);
	} else {
		int32_t off = b.kind == K_LOCAL ? jit_local_off(c, (uint32_t)b.v) : jit_slot_off(c, b.pos);
		emit_alu_load(&c->j, w, X86_CMP, ra, X86_R12, off);
	}
	if (b.kind == K_REG)
		jit_free_reg(c, b.reg);
	if (own_a)
		jit_free_reg(c, ra);
	return cc;
}

/* Compare a with b and branch to insn t on cc k. */
static void cmp_branch(struct cc *c, int w, int k, struct ventry a, struct ventry b, int32_t t)
{
	if (a.kind == K_CONST && b.kind == K_CONST) {
		bool taken = eval_cc(k, a.v, b.v);
		jit_flush(c);
		if (taken)
			branch(c, jcc_of(k), true, t);
		return;
	}
	branch(c, cmp_emit(c, w, k, a, b), false, t);
}

/* A backward goto to a loop's test (iload; iload|iconst; if_icmpXX, or
 * iload; ifXX) whose exit branch is forward: the test is compiled again at
 * the goto, so an iteration takes one jump instead of two (loop inversion).
 * Counted as in the interpreter: the goto's tick, then the test, which does
 * not count (forward). */
/* The loop test at t (see invert_loop): its length (2 or 3), operands,
 * condition and exit; 0 if t is not one. */
static int loop_test(const struct cc *c, int32_t t, struct ventry *a, struct ventry *b, int *k, int32_t *exit)
{
	const struct vn_insn *code = c->p->code;
	if (t < 0 || (uint32_t)t + 3 > c->n)
		return 0;
	const struct vn_insn *x = &code[t], *y = &code[t + 1];
	if (!(x->op == J_ILOAD || jit_is_fused(x->op)) || x->a < 0 || (uint32_t)x->a >= c->ml)
		return 0;
	*a = (struct ventry){ .kind = K_LOCAL, .w = 1, .reg = c->creg[x->a], .v = x->a };
	*b = (struct ventry){ .kind = K_CONST, .w = 1, .reg = -1, .v = 0 };
	int yop = jit_is_fused(y->op) ? J_ILOAD : y->op, len;
	if (yop >= J_IFEQ && yop <= J_IFLE) {
		len = 2;
		*k = yop - J_IFEQ;
		*exit = y->a;
	} else {
		const struct vn_insn *z = &code[t + 2];
		if (z->op < J_IF_ICMPEQ || z->op > J_IF_ICMPLE)
			return 0;
		if (yop == J_ILOAD && y->a >= 0 && (uint32_t)y->a < c->ml)
			*b = (struct ventry){ .kind = K_LOCAL, .w = 1, .reg = c->creg[y->a], .v = y->a };
		else if (yop == Q_ICONST)
			b->v = y->a;
		else
			return 0;
		len = 3;
		*k = z->op - J_IF_ICMPEQ;
		*exit = z->a;
	}
	if (*exit < t + len || (uint32_t)(t + len) >= c->n)
		return 0;
	return len;
}

/* (analyze marks the loop body's first instruction t + len as a branch target.) */
static bool invert_loop(struct cc *c, int32_t t)
{
	struct ventry a, b;
	int k;
	int32_t exit;
	if (c->env.noinvert || c->ne || t < 0 || c->depth[t] != c->d)
		return false;
	int len = loop_test(c, t, &a, &b, &k, &exit);
	if (!len || !c->target[t + len])
		return false;
	jit_budget_tick(c);
	enum x86_cc cc = cmp_emit(c, 0, k, a, b);
	emit_jcc(&c->j, x86_cc_not(cc), LBL(c, t + len));
	emit_jmp(&c->j, LBL(c, exit));
	return true;
}

/* v's value into register r (v's own register is freed). */
static void load_into(struct cc *c, int r, const struct ventry *v)
{
	switch (v->kind) {
	case K_CONST: emit_mov_imm64(&c->j, r, (uint64_t)(int64_t)v->v); break;
	case K_LOCAL:
		if (v->reg >= 0)
			emit_mov64(&c->j, r, v->reg);
		else
			emit_load(&c->j, 8, r, X86_R12, jit_local_off(c, (uint32_t)v->v));
		break;
	case K_REG:
		emit_mov64(&c->j, r, v->reg);
		jit_free_reg(c, v->reg);
		break;
	default: emit_load(&c->j, 8, r, X86_R12, jit_slot_off(c, v->pos)); break;
	}
}

/* The next instruction stores the result (w: long) to a local cached in a
 * register, and nothing jumps to it: its local, or -1. */
static int32_t store_next(struct cc *c, int w)
{
	uint32_t i = c->cur + 1;
	if (i >= c->n || c->target[i])
		return -1;
	const struct vn_insn *in = &c->p->code[i];
	if (in->op != (w ? J_LSTORE : J_ISTORE) || in->a < 0 || (uint32_t)in->a >= c->ml || c->creg[in->a] < 0)
		return -1;
	return in->a;
}

static void int_binop(struct cc *c, int w, enum x86_alu op)
{
	struct ventry b = jit_pop(c, w ? 2 : 1), a = jit_pop(c, w ? 2 : 1);
	if (!w && a.kind == K_CONST && b.kind == K_CONST) {   /* fold */
		uint32_t x = (uint32_t)a.v, y = (uint32_t)b.v, r;
		switch (op) {
		case X86_ADD: r = x + y; break;
		case X86_SUB: r = x - y; break;
		case X86_AND: r = x & y; break;
		case X86_OR: r = x | y; break;
		default: r = x ^ y; break;
		}
		push(c, K_CONST, 1, -1, (int32_t)r);
		return;
	}
	int32_t n = store_next(c, w);
	if (n >= 0) {   /* `a op b; store n` computed in n's register */
		bool a_is = a.kind == K_LOCAL && a.v == n, b_is = b.kind == K_LOCAL && b.v == n;
		if (b_is && !a_is && op != X86_SUB) {
			struct ventry x = a;
			a = b;
			b = x;
			a_is = true;
			b_is = false;
		}
		if (a_is || !b_is) {
			int cr = c->creg[n];
			local_written(c, n);
			mark_dirty(c, n);
			if (!a_is)
				load_into(c, cr, &a);
			alu_with(c, w, op, cr, &b);
			c->skip = 1;
			return;
		}
	}
	if (a.kind != K_REG && b.kind == K_REG && op != X86_SUB) {   /* commutative: reuse b's register */
		struct ventry x = a;
		a = b;
		b = x;
	}
	int ra = to_reg(c, &a);
	alu_with(c, w, op, ra, &b);
	jit_push_reg(c, ra, w ? 2 : 1);
}

static void mul_op(struct cc *c, int w)
{
	struct ventry b = jit_pop(c, w ? 2 : 1), a = jit_pop(c, w ? 2 : 1);
	if (a.kind != K_REG && b.kind == K_REG) {
		struct ventry x = a;
		a = b;
		b = x;
	}
	int ra;
	if (b.kind == K_CONST) {
		int rs = to_reg(c, &a);
		ra = rs;
		emit_imul_imm32(&c->j, w, ra, rs, b.v);
	} else {
		ra = to_reg(c, &a);
		if (b.kind == K_REG) {
			emit_imul(&c->j, w, ra, b.reg);
			jit_free_reg(c, b.reg);
		} else {
			if (b.kind == K_LOCAL && b.reg >= 0)
				emit_imul(&c->j, w, ra, b.reg);
			else
				emit_imul_load(&c->j, w, ra, X86_R12, b.kind == K_LOCAL ? jit_local_off(c, (uint32_t)b.v) : jit_slot_off(c, b.pos));
		}
	}
	jit_push_reg(c, ra, w ? 2 : 1);
}

/* A popped operand written to its own slot (freeing its register). */
static void to_mem(struct cc *c, struct ventry *v)
{
	if (v->kind == K_MEM)
		return;
	struct ventry t = *v;
	int r = to_reg(c, &t);
	emit_store(&c->j, 8, r, X86_R12, jit_slot_off(c, v->pos));
	jit_free_reg(c, r);
	v->kind = K_MEM;
}

/* int x / 2^k and x % 2^k (k = 1..30) without a division, rounding toward
 * zero as Java does: a negative x is biased by 2^k - 1 first. */
static void div_pow2(struct cc *c, struct ventry a, int k, bool rem)
{
	struct x86_jit *j = &c->j;
	int rx = to_reg(c, &a), rt = jit_alloc_reg(c);
	uint32_t neg = jit_newlabel(c), done = jit_newlabel(c);
	/* x >= 0 (`type % 4` of a class number): a mask or a shift */
	emit_test32(j, rx, rx);
	emit_jcc(j, X86_CC_S, neg);
	if (rem)
		emit_alu32_imm32(j, X86_AND, rx, (1u << k) - 1);
	else
		emit_shift_imm(j, 0, X86_SHR, rx, (uint8_t)k);
	emit_jmp(j, done);
	x86_bind(j, neg);
	emit_mov32(j, rt, rx);
	emit_shift_imm(j, 0, X86_SAR, rt, 31);
	emit_shift_imm(j, 0, X86_SHR, rt, (uint8_t)(32 - k));     /* 2^k - 1 if x < 0, else 0 */
	if (rem) {              /* ((x + t) & (2^k - 1)) - t */
		emit_alu32(j, X86_ADD, rx, rt);
		emit_alu32_imm32(j, X86_AND, rx, (1u << k) - 1);
		emit_alu32(j, X86_SUB, rx, rt);
	} else {                /* (x + t) >> k */
		emit_alu32(j, X86_ADD, rx, rt);
		emit_shift_imm(j, 0, X86_SAR, rx, (uint8_t)k);
	}
	x86_bind(j, done);
	jit_free_reg(c, rt);
	jit_push_reg(c, rx, 1);
}

/* idiv/irem/ldiv/lrem: b == 0 throws, b == -1 gives -a / 0 (no #DE on
 * MIN / -1); rax = a, b in any other register. */
static void div_op(struct cc *c, int w, bool rem)
{
	struct ventry b = jit_pop(c, w ? 2 : 1), a = jit_pop(c, w ? 2 : 1);
	if (!w && b.kind == K_CONST && b.v >= 2 && b.v <= (1 << 30) && !(b.v & (b.v - 1))) {
		div_pow2(c, a, __builtin_ctz((unsigned)b.v), rem);
		return;
	}
	/* idiv takes rax and rdx: only the deferred entries there are spilled
	 * (the rest stay deferred); b in a register of its own, a in rax */
	const uint16_t ax_dx = (uint16_t)(1u << X86_RAX | 1u << X86_RDX);
	for (int i = 0; i < c->ne; i++)
		if (c->e[i].kind == K_REG && (ax_dx & (1u << c->e[i].reg)))
			materialize(c, i);
	int rb;
	bool cached_b = b.kind == K_LOCAL && b.reg >= 0;     /* only read: not ours to free */
	if ((b.kind == K_REG || cached_b) && !(ax_dx & (1u << b.reg))) {
		rb = b.reg;
	} else {
		cached_b = false;
		uint16_t busy = c->busy;
		c->busy |= ax_dx;   /* not rax or rdx */
		rb = jit_alloc_reg(c);
		c->busy = (uint16_t)((c->busy & ~ax_dx) | (busy & ax_dx));
		load_into(c, rb, &b);   /* frees b's register */
	}
	if (!(a.kind == K_REG && a.reg == X86_RAX))
		load_into(c, X86_RAX, &a);
	if (c->busy & (1u << X86_RDX))
		c->fail = true;     /* cannot be: entries there were spilled, a and b moved */
	uint32_t minus1 = jit_newlabel(c), done = jit_newlabel(c), general = jit_newlabel(c);
	/* 0 <= a < b (so b > 0): the quotient is 0, the remainder a, without
	 * idiv (tens of cycles): the ring index `(i + 1) % ring.length` */
	if (w) {
		emit_alu64(&c->j, X86_CMP, X86_RAX, rb);
		emit_jcc(&c->j, X86_CC_GE, general);
		emit_test64(&c->j, X86_RAX, X86_RAX);
	} else {
		emit_alu32(&c->j, X86_CMP, X86_RAX, rb);
		emit_jcc(&c->j, X86_CC_GE, general);
		emit_test32(&c->j, X86_RAX, X86_RAX);
	}
	emit_jcc(&c->j, X86_CC_S, general);
	if (!rem)
		emit_zero32(&c->j, X86_RAX);
	emit_jmp(&c->j, done);
	x86_bind(&c->j, general);
	emit_alu_imm32_w(&c->j, w, X86_CMP, rb, 0);
	emit_jcc(&c->j, X86_CC_E, add_stub(c, VN_JIT_DIV0, -1, -1, 0));
	emit_alu_imm32_w(&c->j, w, X86_CMP, rb, -1);
	emit_jcc(&c->j, X86_CC_E, minus1);
	emit_cdq(&c->j, w);
	emit_unary(&c->j, w, X86_IDIV, rb);
	if (!cached_b)
		jit_free_reg(c, rb);
	if (rem)
		emit_mov64(&c->j, X86_RAX, X86_RDX);
	emit_jmp(&c->j, done);
	x86_bind(&c->j, minus1);
	if (rem)
		emit_zero32(&c->j, X86_RAX);
	else
		emit_unary(&c->j, w, X86_NEG, X86_RAX);
	x86_bind(&c->j, done);
	c->busy |= 1u << X86_RAX;
	jit_push_reg(c, X86_RAX, w ? 2 : 1);
}

static void shift_op(struct cc *c, int w, enum x86_shift sh)
{
	struct ventry b = jit_pop(c, 1), a = jit_pop(c, w ? 2 : 1);
	if (b.kind == K_CONST) {
		int ra = to_reg(c, &a);
		uint8_t n = (uint8_t)(b.v & (w ? 63 : 31));
		if (n)
			emit_shift_imm(&c->j, w, sh, ra, n);
		jit_push_reg(c, ra, w ? 2 : 1);
		return;
	}
	to_mem(c, &b);
	to_mem(c, &a);
	claim(c, X86_RCX);
	c->busy |= 1u << X86_RCX;
	emit_load(&c->j, 8, X86_RCX, X86_R12, jit_slot_off(c, b.pos));
	int ra = to_reg(c, &a);
	emit_shift_cl(&c->j, w, sh, ra);    /* the hardware masks the count like Java */
	jit_free_reg(c, X86_RCX);
	jit_push_reg(c, ra, w ? 2 : 1);
}

/* Array reference and index into registers (index may stay a constant),
 * with the null and bounds checks. */
static void array_addr(struct cc *c, int *ra, int *ri, int32_t *ci, bool *cidx)
{
	struct ventry i = jit_pop(c, 1), a = jit_pop(c, 1);
	*ra = jit_to_reg_ro(c, &a);
	if (!known_nonnull(c, &a))
		jit_null_check(c, *ra);
	int32_t len_off = (int32_t)offsetof(struct vn_obj, len);
	if (i.kind == K_CONST && i.v >= 0 && i.v < (1 << 24)) {
		*cidx = true;
		*ci = i.v;
		*ri = -1;
		emit_alu_mem_imm32(&c->j, 0, X86_CMP, *ra, len_off, i.v);
		emit_jcc(&c->j, X86_CC_BE, add_stub(c, VN_JIT_AIOOBE, *ra, -1, i.v));
	} else {
		*cidx = false;
		*ri = jit_to_reg_ro(c, &i);
		emit_alu_load(&c->j, 0, X86_CMP, *ri, *ra, len_off);
		emit_jcc(&c->j, X86_CC_AE, add_stub(c, VN_JIT_AIOOBE, *ra, *ri, 0));
	}
}

static void array_load(struct cc *c, int size, bool sx, int w)
{
	int ra, ri;
	int32_t ci;
	bool cidx;
	array_addr(c, &ra, &ri, &ci, &cidx);
	int32_t disp = (int32_t)VN_OBJ_HDR + (cidx ? ci * size : 0);
	int idx = cidx ? -1 : ri;
	int dst = is_scratch(c, ra) ? ra : jit_alloc_reg(c);
	if (sx)
		emit_load_sx_idx(&c->j, size, dst, ra, idx, size, disp);
	else
		emit_load_idx(&c->j, size, dst, ra, idx, size, disp);
	if (!cidx)
		jit_free_reg(c, ri);
	jit_push_reg(c, dst, w);
}

static void array_store(struct cc *c, int size, bool is_bool_capable, int w)
{
	struct ventry v = jit_pop(c, w);
	if (is_bool_capable && v.kind == K_CONST && (v.v & 1) == v.v)
		is_bool_capable = false;     /* 0 or 1: the same in a byte[] and a boolean[] */
	bool cval = !is_bool_capable && v.kind == K_CONST && size <= 4;
	int rv = cval ? -1 : is_bool_capable ? to_reg(c, &v) : jit_to_reg_ro(c, &v);
	int ra, ri;
	int32_t ci;
	bool cidx;
	array_addr(c, &ra, &ri, &ci, &cidx);
	if (cval) {
		emit_store_imm_idx(&c->j, size, ra, cidx ? -1 : ri, size,
				   (int32_t)VN_OBJ_HDR + (cidx ? ci * size : 0), v.v);
		jit_free_reg(c, ra);
		if (!cidx)
			jit_free_reg(c, ri);
		return;
	}
	if (is_bool_capable) {   /* bastore on a boolean[] stores v & 1 */
		uint32_t skip = jit_newlabel(c);
		int t = jit_alloc_reg(c);
		emit_load(&c->j, 8, t, ra, (int32_t)offsetof(struct vn_obj, cls));
		emit_cmp8_mem_imm(&c->j, t, (int32_t)offsetof(struct vn_class, ek), EK_Z);
		jit_free_reg(c, t);
		emit_jcc(&c->j, X86_CC_NE, skip);
		emit_alu32_imm32(&c->j, X86_AND, rv, 1);
		x86_bind(&c->j, skip);
	}
	int32_t disp = (int32_t)VN_OBJ_HDR + (cidx ? ci * size : 0);
	emit_store_idx(&c->j, size, rv, ra, cidx ? -1 : ri, size, disp);
	jit_free_reg(c, rv);
	jit_free_reg(c, ra);
	if (!cidx)
		jit_free_reg(c, ri);
}

static void field_load(struct cc *c, int size, bool sx, int32_t off, int w)
{
	struct ventry o = jit_pop(c, 1);
	int r = jit_to_reg_ro(c, &o);
	if (!known_nonnull(c, &o))
		jit_null_check(c, r);
	int dst = is_scratch(c, r) ? r : jit_alloc_reg(c);
	if (sx)
		emit_load_sx_idx(&c->j, size, dst, r, -1, 1, off);
	else
		emit_load(&c->j, size, dst, r, off);
	jit_push_reg(c, dst, w);
}

static void field_store(struct cc *c, int size, bool boolean, int32_t off)
{
	struct ventry v = jit_pop(c, size == 8 ? 2 : 1), o = jit_pop(c, 1);
	int ro = jit_to_reg_ro(c, &o);
	if (!known_nonnull(c, &o))
		jit_null_check(c, ro);
	if (v.kind == K_CONST && size <= 4) {
		emit_store_imm32(&c->j, size, ro, off, boolean ? v.v & 1 : v.v);
	} else {
		int rv = boolean ? to_reg(c, &v) : jit_to_reg_ro(c, &v);
		if (boolean)
			emit_alu32_imm32(&c->j, X86_AND, rv, 1);
		emit_store(&c->j, size, rv, ro, off);
		jit_free_reg(c, rv);
	}
	jit_free_reg(c, ro);
}

/* putfield/putstatic of a reference: the packet rule needs the helper when
 * either the old or the new value is a Packet. Operands are in memory. */
static void ref_store(struct cc *c, int slot_reg, int v_reg)
{
	uint32_t slow = jit_newlabel(c), store = jit_newlabel(c), done = jit_newlabel(c), chk_old = jit_newlabel(c);
	emit_mov_imm64(&c->j, X86_RDX, (uint64_t)(uintptr_t)c->vm->c_packet);
	emit_test64(&c->j, v_reg, v_reg);
	emit_jcc(&c->j, X86_CC_E, chk_old);
	emit_alu_load(&c->j, 1, X86_CMP, X86_RDX, v_reg, 0);
	emit_jcc(&c->j, X86_CC_E, slow);
	x86_bind(&c->j, chk_old);
	emit_load(&c->j, 8, X86_RSI, slot_reg, 0);
	emit_test64(&c->j, X86_RSI, X86_RSI);
	emit_jcc(&c->j, X86_CC_E, store);
	emit_alu_load(&c->j, 1, X86_CMP, X86_RDX, X86_RSI, 0);
	emit_jcc(&c->j, X86_CC_E, slow);
	x86_bind(&c->j, store);
	emit_store(&c->j, 8, v_reg, slot_reg, 0);
	emit_jmp(&c->j, done);
	x86_bind(&c->j, slow);
	emit_mov64(&c->j, X86_RSI, slot_reg);
	emit_mov64(&c->j, X86_RDX, v_reg);
	emit_mov64(&c->j, X86_RDI, X86_RBX);
	jit_call_helper(c, (const void *)vn_jit_pkt_store);
	x86_bind(&c->j, done);
}

/* aastore's fast path once the array is known non-null and the index in
 * range: the store check when the value's class is exactly the element
 * class (anything else to slow), then the store with the packet rule
 * (vn_pkt_store): the old element's count of places down, the new one's up,
 * a second place aborts through vn_pkt_twice. ra/idx/disp address the
 * element (idx -1: none), rv is the value; t and pk are scratch. Jumps to
 * done; the abort call falls through (it does not return). */
static void emit_aastore_fast(struct cc *c, int ra, int idx, int32_t disp, int rv, int t, int pk,
			      uint32_t slow, uint32_t done)
{
	struct x86_jit *j = &c->j;
	const int32_t len = (int32_t)offsetof(struct vn_obj, len), cls = (int32_t)offsetof(struct vn_obj, cls);
	uint32_t nw = jit_newlabel(c), store = jit_newlabel(c), twice = jit_newlabel(c), old = jit_newlabel(c);
	emit_test64(j, rv, rv);
	emit_jcc(j, X86_CC_E, old);
	emit_load(j, 8, t, ra, cls);
	emit_load(j, 8, t, t, (int32_t)offsetof(struct vn_class, comp));
	emit_alu_load(j, 1, X86_CMP, t, rv, cls);
	emit_jcc(j, X86_CC_NE, slow);
	x86_bind(j, old);
	emit_mov_imm64(j, pk, (uint64_t)(uintptr_t)c->vm->c_packet);
	emit_load_idx(j, 8, t, ra, idx, 8, disp);      /* the old element */
	emit_test64(j, t, t);
	emit_jcc(j, X86_CC_E, nw);
	emit_alu_load(j, 1, X86_CMP, pk, t, cls);
	emit_jcc(j, X86_CC_NE, nw);
	emit_alu_mem_imm32(j, 0, X86_SUB, t, len, 1);
	x86_bind(j, nw);
	emit_test64(j, rv, rv);
	emit_jcc(j, X86_CC_E, store);
	emit_alu_load(j, 1, X86_CMP, pk, rv, cls);
	emit_jcc(j, X86_CC_NE, store);
	emit_alu_mem_imm32(j, 0, X86_ADD, rv, len, 1);
	emit_alu_mem_imm32(j, 0, X86_CMP, rv, len, 1);
	emit_jcc(j, X86_CC_G, twice);
	x86_bind(j, store);
	emit_store_idx(j, 8, rv, ra, idx, 8, disp);
	emit_jmp(j, done);
	x86_bind(j, twice);
	emit_mov64(j, X86_RDI, X86_RBX);
	jit_call_helper(c, (const void *)vn_pkt_twice);
}

/* aastore inline, on synced memory ([array, index, value] on the stack):
 * the null and bounds checks, the store check when the value's class is
 * exactly the element class, and the packet rule (vn_pkt_store: the old
 * element's count of places down, the new one's up, two places abort).
 * Anything else (null array, bad index, another class) goes to the helper,
 * which throws or stores exactly as the interpreter. Uses only registers
 * that cache no locals. */
static void aastore_inline(struct cc *c)
{
	struct x86_jit *j = &c->j;
	const int32_t len = (int32_t)offsetof(struct vn_obj, len);
	uint32_t slow = jit_newlabel(c), done = jit_newlabel(c);
	emit_load(j, 8, X86_RAX, X86_R12, jit_slot_off(c, c->d - 3));
	emit_test64(j, X86_RAX, X86_RAX);
	emit_jcc(j, X86_CC_E, slow);
	emit_load(j, 8, X86_RCX, X86_R12, jit_slot_off(c, c->d - 2));
	emit_alu_load(j, 0, X86_CMP, X86_RCX, X86_RAX, len);
	emit_jcc(j, X86_CC_AE, slow);
	emit_load(j, 8, X86_RDX, X86_R12, jit_slot_off(c, c->d - 1));
	emit_aastore_fast(c, X86_RAX, X86_RCX, (int32_t)VN_OBJ_HDR, X86_RDX, X86_RSI, X86_RDI, slow, done);
	x86_bind(j, slow);
	if (c->inlined)         /* the callee's frame, on this path only */
		jit_sync_frame(c);
	jit_args_vm_fr_in(c);
	jit_call_helper(c, (const void *)vn_jit_op);
	jit_check_exc(c);
	x86_bind(j, done);
}

/* aastore of the constant null (`ring[k] = null`): the interpreter's null
 * and bounds checks (their exceptions through the fault stubs), no store
 * check (null is assignable to any element type), and of the packet rule
 * only the old element's count of places down. Nothing is called, so the
 * frame needs no sync and the operands stay where they are. */
static void aastore_null(struct cc *c)
{
	struct x86_jit *j = &c->j;
	jit_pop(c, 1);
	int ra, ri;
	int32_t ci;
	bool cidx;
	array_addr(c, &ra, &ri, &ci, &cidx);
	int idx = cidx ? -1 : ri;
	int32_t disp = (int32_t)VN_OBJ_HDR + (cidx ? ci * 8 : 0);
	uint32_t store = jit_newlabel(c);
	int old = jit_alloc_reg(c), pk = jit_alloc_reg(c);
	emit_load_idx(j, 8, old, ra, idx, 8, disp);
	emit_test64(j, old, old);
	emit_jcc(j, X86_CC_E, store);
	emit_mov_imm64(j, pk, (uint64_t)(uintptr_t)c->vm->c_packet);
	emit_alu_load(j, 1, X86_CMP, pk, old, (int32_t)offsetof(struct vn_obj, cls));
	emit_jcc(j, X86_CC_NE, store);
	emit_alu_mem_imm32(j, 0, X86_SUB, old, (int32_t)offsetof(struct vn_obj, len), 1);
	x86_bind(j, store);
	emit_store_imm_idx(j, 8, ra, idx, 8, disp, 0);
	jit_free_reg(c, old);
	jit_free_reg(c, pk);
	jit_free_reg(c, ra);
	if (!cidx)
		jit_free_reg(c, ri);
}

/* aastore with nothing deferred below its three operands: aastore_inline's
 * fast path on the operands where they are (registers, cached locals), the
 * null and bounds checks through the fault stubs; only the helper's path
 * (a store check that needs the class hierarchy) puts them in their slots
 * and syncs the frame, on that path alone. */
static void aastore_regs(struct cc *c)
{
	struct x86_jit *j = &c->j;
	struct ventry v = jit_pop(c, 1);
	int rv = jit_to_reg_ro(c, &v);
	int ra, ri;
	int32_t ci;
	bool cidx;
	array_addr(c, &ra, &ri, &ci, &cidx);
	int idx = cidx ? -1 : ri;
	int32_t disp = (int32_t)VN_OBJ_HDR + (cidx ? ci * 8 : 0);
	uint32_t slow = jit_newlabel(c), done = jit_newlabel(c);
	int t = jit_alloc_reg(c), pk = jit_alloc_reg(c);
	emit_aastore_fast(c, ra, idx, disp, rv, t, pk, slow, done);
	/* the helper, as the interpreter: [array, index, value] in their slots */
	x86_bind(j, slow);
	emit_store(j, 8, ra, X86_R12, jit_slot_off(c, c->d));
	if (cidx)
		emit_store_imm32(j, 8, X86_R12, jit_slot_off(c, c->d + 1), ci);
	else
		emit_store(j, 8, ri, X86_R12, jit_slot_off(c, c->d + 1));
	emit_store(j, 8, rv, X86_R12, jit_slot_off(c, c->d + 2));
	c->d += 3;
	jit_sync_frame(c);      /* clobbers rax, rcx: the operands are stored */
	c->d -= 3;
	jit_args_vm_fr_in(c);
	jit_call_helper(c, (const void *)vn_jit_op);
	jit_check_exc(c);
	x86_bind(j, done);
	jit_free_reg(c, t);
	jit_free_reg(c, pk);
	jit_free_reg(c, ra);
	if (!cidx)
		jit_free_reg(c, ri);
	jit_free_reg(c, rv);    /* a cached local's register: no-op */
}

/* getstatic/putstatic: a class not yet initialized when the method was
 * compiled is checked (and initialized) at run time, on synced memory. */
static void ensure_init(struct cc *c, struct vn_class *k)
{
	if (k->state == CS_INITIALIZED)
		return;
	sync(c);
	uint32_t ok = jit_newlabel(c);
	emit_mov_imm64(&c->j, X86_RSI, (uint64_t)(uintptr_t)k);
	emit_alu_mem_imm32(&c->j, 0, X86_CMP, X86_RSI, (int32_t)offsetof(struct vn_class, state), CS_INITIALIZED);
	emit_jcc(&c->j, X86_CC_E, ok);
	emit_mov64(&c->j, X86_RDI, X86_RBX);
	jit_call_helper(c, (const void *)vn_jit_clinit);
	jit_check_exc(c);
	x86_bind(&c->j, ok);
}

/* `o.f++`, `o.f -= k` (dup; getfield int; iconst k; iadd|isub; putfield
 * the same field; nothing jumps into it) on the object where it is: one
 * add to memory, wrapping as iadd does; a null object throws at the
 * getfield, as interpreted. */
static bool field_increment(struct cc *c, uint32_t i)
{
	const struct vn_insn *x = &c->p->code[i];
	if (i + 4 >= c->n || !c->ne || x[1].op != Q_GETF_I || x[2].op != Q_ICONST ||
	    (x[3].op != J_IADD && x[3].op != J_ISUB) || x[4].op != Q_PUTF_I || x[4].a != x[1].a)
		return false;
	for (uint32_t q = i + 1; q <= i + 4; q++)
		if (c->target[q])
			return false;
	const struct ventry *t = &c->e[c->ne - 1];
	if (t->w != 1 || (t->kind != K_LOCAL && t->kind != K_REG))
		return false;
	struct ventry o = jit_pop(c, 1);
	int r = jit_to_reg_ro(c, &o);
	c->cur = i + 1;         /* the getfield's check */
	if (!known_nonnull(c, &o))
		jit_null_check(c, r);
	c->cur = i;
	uint32_t k = (uint32_t)x[2].a;
	emit_alu_mem_imm32(&c->j, 0, X86_ADD, r, x[1].a, (int32_t)(x[3].op == J_IADD ? k : 0u - k));
	jit_free_reg(c, r);
	c->skip = 4;
	return true;
}

/* ireturn, lreturn (areturn is ireturn once prepared), return: the result
 * where the caller finds it, then the epilogue — or, in an inlined body,
 * where its arguments were, then after the call (a jump unless last: this
 * is the body's last instruction, which falls through to its end). */
static void compile_return(struct cc *c, int op, bool last)
{
	struct x86_jit *j = &c->j;
	struct ventry v = { .kind = K_MEM };
	if (op != J_RETURN)
		v = jit_pop(c, op == J_IRETURN ? 1 : 2);
	if (c->inlined) {
		if (op != J_RETURN && v.kind == K_CONST) {
			emit_store_imm32(j, 8, X86_R12, jit_local_off(c, 0), v.v);
		} else if (op != J_RETURN) {
			int r = to_reg(c, &v);
			emit_store(j, 8, r, X86_R12, jit_local_off(c, 0));
			jit_free_reg(c, r);
		}
		c->ne = 0;
		c->busy = 0;
		if (!last)
			emit_jmp(j, c->l_ret);
		return;
	}
	int rp = jit_alloc_reg(c);
	emit_load(j, 8, rp, X86_RSP, 0);     /* the result pointer */
	if (op == J_RETURN || v.kind == K_CONST) {
		emit_store_imm32(j, 8, rp, 0, op == J_RETURN ? 0 : v.v);
	} else {
		int r = to_reg(c, &v);
		emit_store(j, 8, r, rp, 0);
		jit_free_reg(c, r);
	}
	c->ne = 0;          /* the operand stack dies here */
	c->busy = 0;
	emit_zero32(j, X86_RAX);
	emit_jmp(j, L_EPI(c));
}

/* The return at insn t compiled here, on the value where it is (no flush
 * to t's slot): at a forward goto to it (`cond ? a : b` before ireturn),
 * and where the code falls through into it at a label. */
static bool return_at(struct cc *c, int32_t t)
{
	if (t < 0 || (uint32_t)t >= c->n || c->depth[t] != c->d)
		return false;
	int op = c->p->code[t].op;
	if (op != J_IRETURN && op != J_LRETURN && op != J_RETURN)
		return false;
	if (op != J_RETURN && !(c->ne && c->e[c->ne - 1].w == (op == J_IRETURN ? 1 : 2)))
		return false;
	compile_return(c, op, false);
	return true;
}

static void compile_insn(struct cc *c, uint32_t i)
{
	const struct vn_insn *in = &c->p->code[i];
	struct x86_jit *j = &c->j;
	int op = jit_is_fused(in->op) ? J_ILOAD : in->op;
	switch (op) {
	case J_NOP: break;
	case Q_ICONST: push(c, K_CONST, 1, -1, in->a); break;
	case Q_LCONST: case Q_ACONST: {
		if (op == Q_ACONST && !in->u.p) {   /* null: a constant (aastore_null, compares) */
			push(c, K_CONST, 1, -1, 0);
			break;
		}
		int r = jit_alloc_reg(c);
		emit_mov_imm64(j, r, op == Q_LCONST ? (uint64_t)in->u.j : (uint64_t)(uintptr_t)in->u.p);
		jit_push_reg(c, r, op == Q_LCONST ? 2 : 1);
		break;
	}
	case J_ILOAD: push(c, K_LOCAL, 1, c->creg[in->a], in->a); break;
	case J_LLOAD: push(c, K_LOCAL, 2, c->creg[in->a], in->a); break;
	case J_ISTORE: case J_LSTORE: {
		struct ventry v = jit_pop(c, op == J_ISTORE ? 1 : 2);
		local_written(c, in->a);
		if (v.kind == K_LOCAL && v.v == in->a)
			break;
		int cr = c->creg[in->a];
		if (cr >= 0) {      /* the register only: written back at sync points */
			mark_dirty(c, in->a);
			if (v.kind == K_CONST) {
				emit_mov_imm64(j, cr, (uint64_t)(int64_t)v.v);
			} else {
				int r = to_reg(c, &v);
				emit_mov64(j, cr, r);
				jit_free_reg(c, r);
			}
		} else if (v.kind == K_CONST) {
			emit_store_imm32(j, 8, X86_R12, jit_local_off(c, (uint32_t)in->a), v.v);
		} else {
			int r = to_reg(c, &v);
			emit_store(j, 8, r, X86_R12, jit_local_off(c, (uint32_t)in->a));
			jit_free_reg(c, r);
		}
		break;
	}
	case J_IINC: {
		local_written(c, in->a);
		if (c->creg[in->a] >= 0) {
			int cr = c->creg[in->a];
			mark_dirty(c, in->a);
			emit_alu32_imm32(j, X86_ADD, cr, (uint32_t)(int32_t)(int16_t)in->b);
			break;
		}
		int r = jit_alloc_reg(c);
		emit_load(j, 4, r, X86_R12, jit_local_off(c, (uint32_t)in->a));
		emit_alu32_imm32(j, X86_ADD, r, (uint32_t)(int32_t)(int16_t)in->b);
		emit_store(j, 8, r, X86_R12, jit_local_off(c, (uint32_t)in->a));   /* all 8 bytes */
		jit_free_reg(c, r);
		break;
	}
	case J_IALOAD: array_load(c, 4, true, 1); break;
	case J_LALOAD: array_load(c, 8, false, 2); break;
	case J_AALOAD: array_load(c, 8, false, 1); break;
	case J_BALOAD: array_load(c, 1, true, 1); break;
	case J_CALOAD: array_load(c, 2, false, 1); break;
	case J_SALOAD: array_load(c, 2, true, 1); break;
	case J_IASTORE: array_store(c, 4, false, 1); break;
	case J_LASTORE: array_store(c, 8, false, 2); break;
	case J_BASTORE: array_store(c, 1, true, 1); break;
	case J_CASTORE: case J_SASTORE: array_store(c, 2, false, 1); break;
	case J_ARRAYLENGTH: {
		struct ventry o = jit_pop(c, 1);
		bool nn = known_nonnull(c, &o);
		int r = to_reg(c, &o);
		if (!nn)
			jit_null_check(c, r);
		emit_load_sx_idx(j, 4, r, r, -1, 1, (int32_t)offsetof(struct vn_obj, len));
		jit_push_reg(c, r, 1);
		break;
	}
	case J_POP: case J_POP2: {
		int need = op == J_POP ? 1 : 2;
		while (need > 0) {
			if (c->ne && c->e[c->ne - 1].w <= need) {
				struct ventry v = c->e[--c->ne];
				release(c, &v);
				need -= v.w;
				c->d -= v.w;
			} else {
				jit_flush(c);
				c->d -= need;
				need = 0;
			}
		}
		break;
	}
	case J_DUP: {
		if (field_increment(c, i))
			break;
		if (c->ne && c->e[c->ne - 1].w == 1) {
			struct ventry t = c->e[c->ne - 1];
			if (t.kind == K_REG) {
				int r = jit_alloc_reg(c);
				emit_mov64(j, r, c->e[c->ne - 1].reg);
				jit_push_reg(c, r, 1);
			} else if (t.kind == K_MEM) {
				int r = to_reg(c, &t);
				jit_push_reg(c, r, 1);
			} else {
				push(c, t.kind, 1, t.reg, t.v);
			}
		} else {
			jit_flush(c);
			struct ventry t = { .kind = K_MEM, .w = 1, .pos = c->d - 1 };
			int r = to_reg(c, &t);
			jit_push_reg(c, r, 1);
		}
		break;
	}
	case J_DUP_X1: case J_DUP_X2: case J_DUP2: case J_DUP2_X1: case J_DUP2_X2: case J_SWAP: {
		/* raw slot shuffles, as the interpreter does them, on flushed memory */
		static const struct { int k; int n; int8_t out[6]; } sh[] = {
			[J_DUP_X1 - J_DUP_X1] = { 2, 3, { 1, 0, 1 } },
			[J_DUP_X2 - J_DUP_X1] = { 3, 4, { 2, 0, 1, 2 } },
			[J_DUP2 - J_DUP_X1] = { 2, 4, { 0, 1, 0, 1 } },
			[J_DUP2_X1 - J_DUP_X1] = { 3, 5, { 1, 2, 0, 1, 2 } },
			[J_DUP2_X2 - J_DUP_X1] = { 4, 6, { 2, 3, 0, 1, 2, 3 } },
			[J_SWAP - J_DUP_X1] = { 2, 2, { 1, 0 } },
		};
		static const int8_t regs[] = { X86_RAX, X86_RCX, X86_RDX, X86_RSI };
		const int s = op - J_DUP_X1;
		jit_flush(c);
		if (c->busy)
			c->fail = true;
		int32_t base = c->d - sh[s].k;
		for (int k = 0; k < sh[s].k; k++)
			emit_load(j, 8, regs[k], X86_R12, jit_slot_off(c, base + k));
		for (int k = 0; k < sh[s].n; k++)
			emit_store(j, 8, regs[sh[s].out[k]], X86_R12, jit_slot_off(c, base + k));
		c->d = base + sh[s].n;
		break;
	}
	case J_IADD: int_binop(c, 0, X86_ADD); break;
	case J_LADD: int_binop(c, 1, X86_ADD); break;
	case J_ISUB: int_binop(c, 0, X86_SUB); break;
	case J_LSUB: int_binop(c, 1, X86_SUB); break;
	case J_IAND: int_binop(c, 0, X86_AND); break;
	case J_LAND: int_binop(c, 1, X86_AND); break;
	case J_IOR: int_binop(c, 0, X86_OR); break;
	case J_LOR: int_binop(c, 1, X86_OR); break;
	case J_IXOR: int_binop(c, 0, X86_XOR); break;
	case J_LXOR: int_binop(c, 1, X86_XOR); break;
	case J_IMUL: mul_op(c, 0); break;
	case J_LMUL: mul_op(c, 1); break;
	case J_IDIV: div_op(c, 0, false); break;
	case J_LDIV: div_op(c, 1, false); break;
	case J_IREM: div_op(c, 0, true); break;
	case J_LREM: div_op(c, 1, true); break;
	case J_INEG: case J_LNEG: {
		int w = op == J_LNEG;
		struct ventry a = jit_pop(c, w ? 2 : 1);
		int r = to_reg(c, &a);
		emit_unary(j, w, X86_NEG, r);
		jit_push_reg(c, r, w ? 2 : 1);
		break;
	}
	case J_ISHL: shift_op(c, 0, X86_SHL); break;
	case J_ISHR: shift_op(c, 0, X86_SAR); break;
	case J_IUSHR: shift_op(c, 0, X86_SHR); break;
	case J_LSHL: shift_op(c, 1, X86_SHL); break;
	case J_LSHR: shift_op(c, 1, X86_SAR); break;
	case J_LUSHR: shift_op(c, 1, X86_SHR); break;
	case J_I2L: {
		/* an int's upper half may be zero (see the top): the long is
		 * its sign extension */
		struct ventry a = jit_pop(c, 1);
		int r;
		if (a.kind == K_CONST) {
			r = jit_alloc_reg(c);
			emit_mov_imm64(j, r, (uint64_t)(int64_t)a.v);
		} else if (a.kind == K_REG) {
			r = a.reg;
			emit_movsx_reg(j, 1, 4, r, r);
		} else if (vreg(&a) >= 0) {         /* a cached local: its register only read */
			r = jit_alloc_reg(c);
			emit_movsx_reg(j, 1, 4, r, a.reg);
		} else {
			r = jit_alloc_reg(c);
			emit_load_sx_idx(j, 4, r, X86_R12, -1, 1, a.kind == K_LOCAL ?
					 jit_local_off(c, (uint32_t)a.v) : jit_slot_off(c, a.pos));
		}
		jit_push_reg(c, r, 2);
		break;
	}
	case J_L2I: {
		struct ventry a = jit_pop(c, 2);
		int r = to_reg(c, &a);
		emit_movsx_reg(j, 1, 4, r, r);  /* the long's upper half dropped */
		jit_push_reg(c, r, 1);
		break;
	}
	case J_I2B: case J_I2C: case J_I2S: {
		struct ventry a = jit_pop(c, 1);
		int r = to_reg(c, &a);
		if (op == J_I2B)
			emit_movsx_reg(j, 1, 1, r, r);
		else if (op == J_I2C)
			emit_movzx_reg(j, 2, r, r);
		else
			emit_movsx_reg(j, 1, 2, r, r);
		jit_push_reg(c, r, 1);
		break;
	}
	case J_LCMP: {
		struct ventry b = jit_pop(c, 2), a = jit_pop(c, 2);
		int ra = to_reg(c, &a);
		int rb = to_reg(c, &b);
		int r1 = jit_alloc_reg(c), r2 = jit_alloc_reg(c);
		emit_mov_imm32(j, r1, 0);
		emit_mov_imm32(j, r2, 0);
		emit_alu64(j, X86_CMP, ra, rb);
		emit_setcc(j, X86_CC_G, r1);
		emit_setcc(j, X86_CC_L, r2);
		emit_alu32(j, X86_SUB, r1, r2);
		jit_free_reg(c, ra);
		jit_free_reg(c, rb);
		jit_free_reg(c, r2);
		jit_push_reg(c, r1, 1);
		break;
	}
	case J_IFEQ ... J_IFLE: {
		struct ventry a = jit_pop(c, 1);
		struct ventry z = { .kind = K_CONST, .w = 1, .v = 0 };
		cmp_branch(c, 0, op - J_IFEQ, a, z, in->a);
		break;
	}
	case J_IF_ICMPEQ ... J_IF_ICMPLE: {
		struct ventry b = jit_pop(c, 1), a = jit_pop(c, 1);
		cmp_branch(c, 0, op - J_IF_ICMPEQ, a, b, in->a);
		break;
	}
	case J_IF_ACMPEQ: case J_IF_ACMPNE: {
		struct ventry b = jit_pop(c, 1), a = jit_pop(c, 1);
		if (a.kind == K_CONST || b.kind == K_CONST)
			c->fail = true;
		cmp_branch(c, 1, op - J_IF_ACMPEQ, a, b, in->a);
		break;
	}
	case J_IFNULL: case J_IFNONNULL: {
		struct ventry a = jit_pop(c, 1);
		int r = to_reg(c, &a);
		jit_flush(c);
		emit_test64(j, r, r);
		jit_free_reg(c, r);
		branch(c, op == J_IFNULL ? X86_CC_E : X86_CC_NE, false, in->a);
		break;
	}
	case J_GOTO:
		if ((uint32_t)in->a > c->cur && return_at(c, in->a))
			break;
		jit_flush(c);
		if ((uint32_t)in->a <= c->cur && invert_loop(c, in->a))
			break;
		branch(c, X86_CC_E, true, in->a);
		break;
	case J_TABLESWITCH: case J_LOOKUPSWITCH: {
		const struct vn_switch *s = in->u.p;
		struct ventry k = jit_pop(c, 1);
		int r = to_reg(c, &k);
		jit_flush(c);
		if (r != X86_RCX)
			emit_mov64(j, X86_RCX, r);
		jit_budget_tick(c);         /* a switch always counts, as in the interpreter */
		for (int32_t q = 0; q < s->n; q++) {
			int32_t key = s->keys ? s->keys[q] : (int32_t)((uint32_t)s->low + (uint32_t)q);
			emit_alu32_imm32(j, X86_CMP, X86_RCX, (uint32_t)key);
			emit_jcc(j, X86_CC_E, LBL(c, s->targets[q]));
		}
		emit_jmp(j, LBL(c, s->def));
		jit_free_reg(c, r);
		break;
	}
	case J_IRETURN: case J_LRETURN: case J_RETURN:
		compile_return(c, op, c->cur + 1 == c->n);
		break;
	case Q_GETF_B: field_load(c, 1, true, in->a, 1); break;
	case Q_GETF_C: field_load(c, 2, false, in->a, 1); break;
	case Q_GETF_S: field_load(c, 2, true, in->a, 1); break;
	case Q_GETF_I: field_load(c, 4, true, in->a, 1); break;
	case Q_GETF_J: field_load(c, 8, false, in->a, 2); break;
	case Q_GETF_A: field_load(c, 8, false, in->a, 1); break;
	case Q_PUTF_B: field_store(c, 1, false, in->a); break;
	case Q_PUTF_Z: field_store(c, 1, true, in->a); break;
	case Q_PUTF_S: field_store(c, 2, false, in->a); break;
	case Q_PUTF_I: field_store(c, 4, false, in->a); break;
	case Q_PUTF_J: field_store(c, 8, false, in->a); break;
	case Q_PUTF_A: {
		if (c->inlined)     /* the helper takes no frame: an inlined body makes none */
			jit_flush(c);
		else
			sync(c);
		/* [obj, v] on the stack */
		emit_load(j, 8, X86_RCX, X86_R12, jit_slot_off(c, c->d - 2));
		emit_test64(j, X86_RCX, X86_RCX);
		emit_jcc(j, X86_CC_E, add_stub(c, VN_JIT_NPE, -1, -1, 0));
		emit_lea(j, 1, X86_RCX, X86_RCX, -1, 1, in->a);
		emit_load(j, 8, X86_RAX, X86_R12, jit_slot_off(c, c->d - 1));
		ref_store(c, X86_RCX, X86_RAX);
		c->d -= 2;
		break;
	}
	case Q_GETS_B: case Q_GETS_C: case Q_GETS_S: case Q_GETS_I: case Q_GETS_J: case Q_GETS_A: {
		static const struct { int size; bool sx; } t[] = { { 1, true }, { 2, false }, { 2, true },
			{ 4, true }, { 8, false }, { 8, false } };
		const int q = op - Q_GETS_B;
		ensure_init(c, in->u.c);
		int r = jit_alloc_reg(c);
		emit_mov_imm64(j, r, (uint64_t)(uintptr_t)in->u.c->statics);
		if (t[q].sx)
			emit_load_sx_idx(j, t[q].size, r, r, -1, 1, in->a);
		else
			emit_load(j, t[q].size, r, r, in->a);
		jit_push_reg(c, r, op == Q_GETS_J ? 2 : 1);
		break;
	}
	case Q_PUTS_B: case Q_PUTS_Z: case Q_PUTS_S: case Q_PUTS_I: case Q_PUTS_J: {
		static const int size[] = { 1, 1, 2, 4, 8 };
		const int q = op - Q_PUTS_B;
		ensure_init(c, in->u.c);
		struct ventry v = jit_pop(c, op == Q_PUTS_J ? 2 : 1);
		int rv = to_reg(c, &v);
		int rb = jit_alloc_reg(c);
		emit_mov_imm64(j, rb, (uint64_t)(uintptr_t)in->u.c->statics);
		if (op == Q_PUTS_Z)
			emit_alu32_imm32(j, X86_AND, rv, 1);
		emit_store(j, size[q], rv, rb, in->a);
		jit_free_reg(c, rv);
		jit_free_reg(c, rb);
		break;
	}
	case Q_PUTS_A: {
		sync(c);
		ensure_init(c, in->u.c);
		emit_mov_imm64(j, X86_RCX, (uint64_t)(uintptr_t)(in->u.c->statics + in->a));
		emit_load(j, 8, X86_RAX, X86_R12, jit_slot_off(c, c->d - 1));
		ref_store(c, X86_RCX, X86_RAX);
		c->d -= 1;
		break;
	}
	case Q_INVOKESTATIC: case Q_INVOKESPECIAL: case Q_INVOKEVIRTUAL: case Q_INVOKEFINAL:
	case Q_INVOKEIFACE: {
		int po, pu;
		effect(in, &po, &pu);
		if (jit_direct_call_ok(c, in, true) && jit_packet_intrinsic(c, in, po))
			break;          /* the result pushed */
		/* nanoTime and inlined calls need the arguments in their slots
		 * only; their slow paths, and the rest, a synced frame */
		jit_flush(c);
		if (jit_direct_call_ok(c, in, true)) {
			if (!jit_nanotime_intrinsic(c, in)) {
				sync(c);
				jit_native_call(c, in, po);
			}
			c->d += pu - po;
			break;
		}
		/* inlined (1), or inlined behind a class check whose failure
		 * takes the ordinary call below (2) */
		uint32_t done = 0, inl_done = 0;
		int inl = jit_inline_site(c, in, po, &inl_done);
		if (inl == 1) {
			c->d += pu - po;
			break;
		}
		if (inl == 2)
			jit_sync_frame(c);
		else
			sync(c);
		if (!c->call_stub)
			;
		else if (jit_direct_call_ok(c, in, false))
			done = jit_call_site(c, in, po, CALL_KNOWN, inl == 2);
		else if (op == Q_INVOKEVIRTUAL && !c->env.nodirect)
			done = jit_call_site(c, in, po, CALL_VIRTUAL, inl == 2);
		else if (op == Q_INVOKEIFACE && !c->env.nodirect)
			done = jit_call_site(c, in, po, CALL_IFACE, inl == 2);
		jit_args_vm_fr_in(c);
		jit_call_helper(c, (const void *)vn_jit_invoke);
		jit_check_exc(c);
		if (done)
			x86_bind(j, done);
		if (inl == 2)
			x86_bind(j, inl_done);
		c->d += pu - po;
		break;
	}
	case J_AASTORE:
		if (c->ne && c->e[c->ne - 1].kind == K_CONST && c->e[c->ne - 1].v == 0) {
			aastore_null(c);
			break;
		}
		if (c->ne <= 3 && !(c->ne && c->e[c->ne - 1].kind == K_CONST)) {
			aastore_regs(c);
			break;
		}
		if (c->inlined)     /* the frame on the helper's path only (aastore_inline) */
			jit_flush(c);
		else
			sync(c);
		aastore_inline(c);
		c->d -= 3;
		break;
	case Q_NEW: case Q_NEWARRAY: case Q_ANEWARRAY: case Q_MULTIANEWARRAY: case Q_CHECKCAST:
	case Q_INSTANCEOF: case Q_CONCAT: case J_ATHROW: {
		int po, pu;
		effect(in, &po, &pu);
		sync(c);
		jit_args_vm_fr_in(c);
		jit_call_helper(c, (const void *)vn_jit_op);
		jit_check_exc(c);
		c->d += pu - po;
		break;
	}
	default:
		if (is_fop(op)) {
			int po, pu;
			effect(in, &po, &pu);
			jit_flush(c);
			jit_writeback(c);     /* the volatile cached locals are reloaded after the call */
			emit_lea(j, 1, X86_RDI, X86_R12, -1, 1, jit_slot_off(c, c->d));
			emit_mov_imm32(j, X86_RSI, (uint32_t)op);
			jit_call_helper(c, (const void *)vn_jit_fop);
			c->d += pu - po;
			break;
		}
		c->fail = true;
		break;
	}
}

/* Callee-saved registers the code uses: rbx, r12, r13 always; rbp, r14 and
 * r15 when they cache locals. */
static const int8_t saved_regs[] = { X86_RBP, X86_RBX, X86_R12, X86_R13, X86_R14, X86_R15 };

static bool saves(const struct cc *c, int r)
{
	return r == X86_RBX || r == X86_R12 || r == X86_R13 || (c->nvmask & (1u << r));
}

/* FRAME_BYTES, or 8 more so that rsp stays 16-byte aligned below an odd
 * number of saved registers (the return address makes it even). */
static int32_t frame_bytes(const struct cc *c)
{
	int n = 0;
	for (size_t k = 0; k < sizeof saved_regs; k++)
		n += saves(c, saved_regs[k]);
	return FRAME_BYTES + (n % 2 ? 8 : 0);
}

/* The inline checks' out-of-line stubs: the index and array of a bounds
 * fault into [rsp+24]/[rsp+32], edx = the insn index, ecx = the kind, then
 * the common tail. */
void jit_fault_stubs(struct x86_jit *j, const struct stub *s, uint32_t n, uint32_t tail)
{
	for (; n--; s++) {
		x86_bind(j, s->label);
		if (s->kind == VN_JIT_AIOOBE) {     /* index and array, for the message */
			if (s->idx >= 0)
				emit_store(j, 8, s->idx, X86_RSP, 24);
			else
				emit_store_imm32(j, 8, X86_RSP, 24, s->imm);
			emit_store(j, 8, s->arr, X86_RSP, 32);
		}
		emit_mov_imm32(j, X86_RDX, s->insn);
		emit_mov_imm32(j, X86_RCX, (uint32_t)s->kind);
		emit_jmp(j, tail);
	}
}

static void emit_stubs(struct cc *c)
{
	struct x86_jit *j = &c->j;
	jit_fault_stubs(j, c->stubs, c->nstubs, L_THROW(c));
	/* the faults' common tail: rdx = insn index, rcx = kind */
	x86_bind(j, L_THROW(c));
	c->dirty = ~0u;
	jit_writeback(c);       /* a handler in this method runs interpreted, on the slots */
	emit_load(j, 8, X86_R8, X86_RSP, 24);
	emit_load(j, 8, X86_R9, X86_RSP, 32);
	emit_imul_imm32(j, 1, X86_RDX, X86_RDX, (int32_t)sizeof(struct vn_insn));
	emit_mov_imm64(j, X86_RAX, (uint64_t)(uintptr_t)c->p->code);
	emit_alu64(j, X86_ADD, X86_RDX, X86_RAX);
	emit_mov64(j, X86_RDI, X86_RBX);
	emit_load(j, 8, X86_RSI, X86_RSP, FR_AT);
	jit_call_helper(c, (const void *)vn_jit_throw);
	emit_jmp(j, L_EXC(c));
	x86_bind(j, L_BUDG(c));
	emit_mov64(j, X86_RDI, X86_RBX);
	jit_call_helper(c, (const void *)vn_budget_out);
	x86_bind(j, L_EXC(c));
	emit_mov_imm32(j, X86_RAX, 1);
	x86_bind(j, L_EPI(c));
	jit_budget_wb(c);
	emit_alu64_imm32(j, X86_ADD, X86_RSP, frame_bytes(c));
	for (int k = (int)sizeof saved_regs - 1; k >= 0; k--)
		if (saves(c, saved_regs[k]))
			emit_pop(j, saved_regs[k]);
	emit_ret(j);
}

/* The most used locals (loads, stores, iinc) get registers; the slots of
 * those the method writes are brought up to date where something else reads
 * them (writeback: calls, allocation, faults). Callee-saved
 * registers go to the most used; caller-saved ones (reloaded after each
 * call) to the next, when the method's calls are fewer than the uses. */
static void pick_cached_locals(struct cc *c)
{
	uint32_t *uses = SC_ARRAY(c->sc, c->ml + 1, uint32_t, true);
	c->vloc = SC_ARRAY(c->sc, c->ml + 1, uint32_t, true);
	c->wloc = SC_ARRAY(c->sc, c->ml + 1, uint32_t, true);
	uint8_t *wr = SC_ARRAY(c->sc, c->ml + 1, uint8_t, true);
	c->nvloc = c->nwloc = 0;
	c->cmask = c->nvmask = 0;
	for (uint32_t l = 0; l < c->ml; l++)
		c->creg[l] = -1;
	if (!uses || !c->vloc || !c->wloc || !wr || c->env.noregcache)
		return;
	uint32_t calls = 0;
	for (uint32_t i = 0; i < c->n; i++) {
		const struct vn_insn *in = &c->p->code[i];
		int op = jit_is_fused(in->op) ? J_ILOAD : in->op;
		if ((op == J_ILOAD || op == J_LLOAD || op == J_ISTORE || op == J_LSTORE || op == J_IINC) &&
		    in->a >= 0 && (uint32_t)in->a < c->ml) {
			uses[in->a]++;
			if (op == J_ISTORE || op == J_LSTORE || op == J_IINC)
				wr[in->a] = 1;
		}
		else if (op >= Q_INVOKESTATIC && op <= Q_CONCAT)
			calls++;
	}
	for (size_t r = 0; r < sizeof cache_regs; r++) {
		uint32_t best = 0, bl = 0;
		for (uint32_t l = 0; l < c->ml; l++)
			if (c->creg[l] < 0 && uses[l] > best) {
				best = uses[l];
				bl = l;
			}
		if (best < 2 || (r >= NCACHE_NV && best <= calls))
			break;
		c->creg[bl] = cache_regs[r];
		if (r < NCACHE_NV)
			c->nvmask |= (uint16_t)(1u << cache_regs[r]);
		if (r >= NCACHE_NV) {
			c->cmask |= (uint16_t)(1u << cache_regs[r]);
			c->vloc[c->nvloc++] = bl;
		}
		if (wr[bl])
			c->wloc[c->nwloc++] = bl;
	}
}

static int generate(struct cc *c, uint8_t *buf, size_t cap)
{
	c->d = 0;
	c->ne = 0;
	c->busy = 0;
	c->nstubs = 0;
	c->dirty = 0;
	c->fail = false;
	c->inline_failed = false;
	c->lnext_val = (uint32_t)NLABELS(c->n);
	c->lnext = &c->lnext_val;
	c->l_exits = c->n * (LBL_PER + 1);
	/* the label table is not filled (most of it, LBL_PER scratch labels an
	 * instruction, stays unused): the instructions' and the exits' labels
	 * are marked unbound here, a scratch label when jit_newlabel hands it
	 * out, an inlined body's by jit_inline_site */
	x86_init_lent(&c->j, buf, cap, c->labels, 0, c->fix, NFIX(c->n));
	c->j.nlabels = c->nlabels;
	jit_unset_labels(c, c->lbase, c->n);
	jit_unset_labels(c, c->l_exits, 8);     /* NLABELS: 8 after the scratch labels */
	struct x86_jit *j = &c->j;
	for (size_t k = 0; k < sizeof saved_regs; k++)
		if (saves(c, saved_regs[k]))
			emit_push(j, saved_regs[k]);
	emit_alu64_imm32(j, X86_SUB, X86_RSP, frame_bytes(c));
	emit_mov64(j, X86_RBX, X86_RDI);
	emit_store(j, 8, X86_RDX, X86_RSP, 0);
	emit_store(j, 8, X86_RSI, X86_RSP, FR_AT);
	emit_load(j, 8, X86_R12, X86_RSI, (int32_t)offsetof(struct vn_frame, lv));
	emit_load(j, 8, X86_R13, X86_RBX, (int32_t)offsetof(struct vn_vm, budget));
	for (uint32_t l = 0; l < c->ml; l++)
		if (c->creg[l] >= 0)
			emit_load(j, 8, c->creg[l], X86_R12, jit_local_off(c, l));
	jit_body(c);
	if (!c->fail)
		emit_stubs(c);
	int r = c->fail ? -1 : x86_finish(j);
	if (c->j.overflow)
		r = -2;
	x86_release(j);
	return r;
}

/* The instructions, one template each (the method's, or an inlined body's). */
void jit_body(struct cc *c)
{
	struct x86_jit *j = &c->j;
	bool live = true;       /* the previous instruction falls through */
	for (uint32_t i = 0; i < c->n && !c->fail; i++) {
		c->cur = i;
		c->nlbl = 0;
		if (c->depth[i] < 0) {   /* unreachable */
			x86_bind(j, LBL(c, i));
			live = false;
			continue;
		}
		if (c->target[i] || !live) {
			if (live && return_at(c, (int32_t)i))
				live = false;   /* the path falling in here returned already */
			if (live)
				jit_flush(c);
			if (live && c->d != c->depth[i])
				c->fail = true;
			c->ne = 0;
			c->d = c->depth[i];
			c->busy = 0;
			c->dirty = ~0u;     /* reached from elsewhere: what was written is unknown */
		} else if (c->d != c->depth[i]) {
			c->fail = true;
			break;
		}
		x86_bind(j, LBL(c, i));
		compile_insn(c, i);
		int op = jit_is_fused(c->p->code[i].op) ? J_ILOAD : c->p->code[i].op;
		for (; c->skip; c->skip--)   /* the next ones are done too (their labels: nothing jumps there) */
			x86_bind(j, LBL(c, ++i));
		live = !jit_no_fallthrough(op);
	}
	if (live && !c->fail)
		c->fail = true;      /* falling off the end: the verifier forbids it */
	if (c->fail && c->env.debug)
		fprintf(stderr, "jit: %s.%s: cannot compile insn %u (op %u)\n", c->m->cls->name, c->m->name,
			c->cur, c->cur < c->n ? c->p->code[c->cur].op : 0);
}

/* The experiment switches, read once per process: when the first VM is
 * made (vn_jit_init), not by its first compilation, which would otherwise
 * pay the environment's scan and the first touch of these variables' page
 * (a page fault, 10-50 us on the VMs we measure on). Every thread reads the
 * same values, so a race only repeats the work. */
static struct jit_env jit_env;
static bool jit_env_read;

void jit_read_env(void)
{
	if (__atomic_load_n(&jit_env_read, __ATOMIC_ACQUIRE))
		return;
	jit_env.nodirect = getenv("VIFNET_JIT_NODIRECT") != NULL;
	jit_env.noregcache = getenv("VIFNET_JIT_NOREGCACHE") != NULL;
	jit_env.debug = getenv("VIFNET_JIT_DEBUG") != NULL;
	jit_env.noinvert = getenv("VIFNET_JIT_NOINVERT") != NULL;
	jit_env.nonull = getenv("VIFNET_JIT_NONULLELIM") != NULL;
	jit_env.nointrinsic = getenv("VIFNET_JIT_NOINTRINSIC") != NULL;
	jit_env.noinline = getenv("VIFNET_JIT_NOINLINE") != NULL;
	jit_env.dump = getenv("VIFNET_JIT_DUMP");
	__atomic_store_n(&jit_env_read, true, __ATOMIC_RELEASE);
}

int vn_jit_compile(struct vn_vm *vm, struct vn_method *m)
{
	uint64_t t0 = vn_jit_now_ns();
	if (m->jit_state != VN_JIT_NONE)
		return m->jit_state == VN_JIT_COMPILED ? 0 : -1;
	m->jit_state = VN_JIT_FAILED;
	if (!m->prep || m->native)
		return -1;
	/* A class initializer runs once: compiling it cannot pay (it stays
	 * interpreted; not counted as a compilation). */
	if (!strcmp(m->name, "<clinit>"))
		return -1;
	struct cc c = { .vm = vm, .m = m, .p = m->prep, .ml = m->max_locals, .n = m->prep->n };
	jit_read_env();
	c.env = jit_env;
	/* every array below, each rounded up to 16 bytes, then the code */
	/* the call sites that will be inlined: their labels, scratch and code */
	size_t n = c.n, ml = c.ml, inl_scratch = 0, inl_insns = 0, calls = 0;
	c.nlabels = (uint32_t)NLABELS(n);
	for (uint32_t i = 0; i < c.n; i++) {
		const struct vn_insn *in = &c.p->code[i];
		if (in->op < Q_INVOKESTATIC || in->op > Q_CONCAT)
			continue;
		calls++;
		struct vn_class *guard;
		const struct vn_method *cm = jit_inline_target(&c, in, &guard);
		if (cm) {
			c.nlabels += jit_inline_labels(cm);
			inl_scratch += jit_inline_scratch(cm);
			inl_insns += cm->prep->n;
		}
	}
	/* code bytes: 64 an instruction, and a call site's sequence (the direct
	 * frame push, the helper path) takes about 250 more */
	size_t code_cap = 256 + (n + inl_insns) * 64 + calls * 256;
	size_t need = n * (sizeof(int32_t) + 1 + 3 * sizeof(struct stub) + 2 * sizeof(uint64_t) + 2 + 3 * sizeof(uint32_t)) +
		      (ml + 1) * (3 * sizeof(uint32_t) + 2) + (c.p->nexc + 9) * 2 * sizeof(uint32_t) + m->max_stack +
		      sizeof(struct stub) + c.nlabels * sizeof(uint32_t) + NFIX(n) * sizeof(struct x86_fixup) +
		      16 * 22 + 64 + code_cap + inl_scratch;
	struct scratch sc = { 0 };
	sc.p = vn_jit_scratch(vm, need, &sc.cap);
	c.sc = &sc;
	c.depth = SC_ARRAY(&sc, n, int32_t, false);
	c.target = SC_ARRAY(&sc, n, uint8_t, true);
	c.stubs = SC_ARRAY(&sc, 3 * n + 1, struct stub, false);
	c.creg = SC_ARRAY(&sc, ml + 1, int8_t, false);
	c.labels = SC_ARRAY(&sc, c.nlabels, uint32_t, false);
	c.fix = SC_ARRAY(&sc, NFIX(n), struct x86_fixup, false);
	uint8_t *buf = NULL, *big = NULL;
	int r = -1;
	size_t len = 0;
	uint64_t t_inst = 0;
	if (!sc.p || !c.depth || !c.target || !c.stubs || !c.creg || !c.labels || !c.fix)
		goto out;
	memset(c.depth, 0xff, n * sizeof(int32_t));    /* -1: not reached (yet) */
	pick_cached_locals(&c);
	c.call_stub = jit_call_stub(vm);
	if (!jit_analyze(&c)) {
		if (c.env.debug)
			fprintf(stderr, "jit: %s.%s: depth analysis failed\n", m->cls->name, m->name);
		goto out;
	}
	c.nn = SC_ARRAY(&sc, n, uint64_t, true);
	if (!c.nn)
		goto out;
	nonnull_analysis(&c);
	/* the code: in the scratch block — the bound, or all of the block left
	 * past what the inlined bodies take, if more (a buffer found too small
	 * costs a second generate) — or, bigger than that, on the heap */
	size_t left = sc.cap - ((sc.used + 15) & ~(size_t)15);
	if (left > code_cap + inl_scratch + 64)
		code_cap = left - inl_scratch - 64;
	buf = SC_ARRAY(&sc, code_cap, uint8_t, false);
	size_t mark = sc.used;  /* each attempt allocates its inlined bodies' arrays afresh */
	for (size_t cap = code_cap; buf && cap <= (64u << 20); cap *= 2) {
		sc.used = mark;
		r = generate(&c, buf, cap);
		if (r == -1 && c.inline_failed && !c.env.noinline) {
			c.env.noinline = true;      /* a body jit_inline_target let through did not compile */
			cap /= 2;
			continue;
		}
		if (r != -2)
			break;
		free(big);
		buf = big = malloc(2 * cap);
	}
	if (r == 0) {
		len = c.j.off;
		const char *dump = c.env.dump;   /* a directory, for objdump -b binary */
		if (dump) {
			char path[512];
			snprintf(path, sizeof path, "%s/%s.%s.%s.bin", dump, m->cls->name, m->name, m->desc);
			for (char *q = path + strlen(dump) + 1; *q; q++)
				if (*q == '/')
					*q = '_';
			FILE *f = fopen(path, "wb");
			if (f) {
				fwrite(buf, 1, len, f);
				fclose(f);
			}
		}
		t_inst = vn_jit_now_ns();
		void *code = vn_jit_install(vm, buf, len);
		t_inst = vn_jit_now_ns() - t_inst;
		if (code) {
			m->jit_code = code;
			m->jit_state = VN_JIT_COMPILED;
		} else {
			r = -1;
		}
	}
out:
	free(big);
	vn_jit_record(vm, m, (uint32_t)len, vn_jit_now_ns() - t0, t_inst, r == 0);
	return r == 0 ? 0 : -1;
}

#else   /* not x86-64: everything stays interpreted */

int vn_jit_compile(struct vn_vm *vm, struct vn_method *m)
{
	(void)vm;
	m->jit_state = VN_JIT_FAILED;
	return -1;
}

#endif
