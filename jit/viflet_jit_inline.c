/* viflet_jit_inline.c — calls the VIFlet JIT compiles in place: the
 * intrinsics (Packet accessors from the object's caches, System.nanoTime)
 * and inlined bodies of small methods (docs/jit.md, "Code generation"). */
#include <stdio.h>
#include <string.h>

#include "viflet_jit_int.h"

#if defined(__x86_64__)
#include "viflet_jit_cc.h"

/* Intrinsics: Packet accessors answered inline from the object's caches of
 * the host's answers (vm/natives.c: pkt_bytes, vn_pkt_l4, pk_length), when the
 * packet is still held and the cache is filled; a held packet's empty
 * protocol and ports cache is filled by vn_pkt_l4 (packet_l4_fill);
 * otherwise — first use of the others, null, a packet that left, an offset
 * out of range — the native itself, which fills the cache or throws
 * exactly as it does interpreted. */
enum { PI_NONE, PI_PROTO, PI_SRC, PI_DST, PI_LEN, PI_BYTE, PI_SHORT, PI_INT };

static int packet_intrinsic_kind(const struct cc *c, const struct vn_method *cm)
{
	static const struct { const char *name, *desc; int kind; } t[] = {
		{ "protocol", "()I", PI_PROTO }, { "srcPort", "()I", PI_SRC }, { "dstPort", "()I", PI_DST },
		{ "length", "()I", PI_LEN }, { "getByte", "(I)I", PI_BYTE }, { "getShort", "(I)I", PI_SHORT },
		{ "getInt", "(I)I", PI_INT },
	};
	if (c->env.nointrinsic || cm->cls != c->vm->c_packet || !cm->native)
		return PI_NONE;
	for (size_t k = 0; k < sizeof t / sizeof t[0]; k++)
		if (!strcmp(cm->name, t[k].name) && !strcmp(cm->desc, t[k].desc))
			return t[k].kind;
	return PI_NONE;
}

/* protocol()/srcPort()/dstPort() of a held packet whose caches are empty
 * (its first use): vn_pkt_l4 fills them — it throws nothing, allocates
 * nothing and looks at no frame, so no frame sync; then back to `got`
 * with rv = the protocol. rr (the receiver) survives the call: spilled to
 * [rsp+16] when a scratch register holds it; the dirty locals cached in
 * caller-saved registers go to their slots first (reloaded after). */
static void packet_l4_fill(struct cc *c, int rr, int rv, uint32_t fill, uint32_t got, uint32_t slow)
{
	struct x86_jit *j = &c->j;
	bool spill = rr != X86_RBP && rr != X86_R14 && rr != X86_R15 && !(c->cmask & (1u << rr));
	x86_bind(j, fill);
	if (spill)
		emit_store(j, 8, rr, X86_RSP, 16);
	jit_store_dirty(c, c->cmask);
	emit_mov64(j, X86_RSI, rr);
	emit_mov64(j, X86_RDI, X86_RBX);
	jit_call_helper(c, (const void *)vn_pkt_l4);
	if (spill)
		emit_load(j, 8, rr, X86_RSP, 16);
	emit_load(j, 4, rv, rr, (int32_t)c->vm->off_pkt_proto);
	emit_test32(j, rv, rv);
	emit_jcc(j, X86_CC_S, slow);
	emit_jmp(j, got);
}

bool jit_packet_intrinsic(struct cc *c, const struct vn_insn *in, int nargs)
{
	int kind = packet_intrinsic_kind(c, in->u.m);
	if (kind == PI_NONE)
		return false;
	struct x86_jit *j = &c->j;
	const struct vn_vm *vm = c->vm;
	/* the arguments stay where they are (a cached local, a register); what
	 * is below them goes to memory, the same on both paths */
	struct ventry off = { .kind = K_MEM }, recv;
	if (nargs == 2)
		off = jit_pop(c, 1);
	recv = jit_pop(c, 1);
	jit_flush(c);
	int32_t args = jit_slot_off(c, c->d);
	int rr = jit_to_reg_ro(c, &recv), ro = nargs == 2 ? jit_to_reg_ro(c, &off) : -1;
	int rv = jit_alloc_reg(c), t = jit_alloc_reg(c);
	uint32_t slow = jit_newlabel(c), done = jit_newlabel(c), fill = slow, got = 0;
	if (kind == PI_PROTO || kind == PI_SRC || kind == PI_DST) {
		fill = jit_newlabel(c);
		got = jit_newlabel(c);
	}
	emit_test64(j, rr, rr);
	emit_jcc(j, X86_CC_E, slow);
	emit_alu_mem_imm32(j, 1, X86_CMP, rr, (int32_t)vm->off_pkt_handle, 0);
	emit_jcc(j, X86_CC_E, slow);
	if (kind == PI_LEN || kind == PI_PROTO || kind == PI_SRC || kind == PI_DST) {
		emit_load(j, 4, rv, rr, (int32_t)(kind == PI_LEN ? vm->off_pkt_wlen : vm->off_pkt_proto));
		emit_test32(j, rv, rv);
		emit_jcc(j, X86_CC_S, fill);         /* -1: not known yet */
		if (got)
			x86_bind(j, got);
		if (kind == PI_SRC) {
			emit_load(j, 4, rv, rr, (int32_t)vm->off_pkt_ports);
			emit_shift_imm(j, 0, X86_SHR, rv, 16);
		} else if (kind == PI_DST) {
			emit_load(j, 2, rv, rr, (int32_t)vm->off_pkt_ports);
		}
	} else {
		int w = kind == PI_BYTE ? 1 : kind == PI_SHORT ? 2 : 4;
		emit_load(j, 4, t, rr, (int32_t)vm->off_pkt_dlen);
		emit_test32(j, t, t);
		emit_jcc(j, X86_CC_S, slow);
		emit_test64(j, ro, ro);              /* the offset: 0 <= off, off + w <= dlen */
		emit_jcc(j, X86_CC_S, slow);
		emit_lea(j, 1, rv, ro, -1, 1, w);
		emit_alu64(j, X86_CMP, rv, t);
		emit_jcc(j, X86_CC_A, slow);
		emit_load(j, 8, t, rr, (int32_t)vm->off_pkt_data);
		emit_load_idx(j, w, rv, t, ro, 1, 0);
		if (w == 2) {
			emit_rol16_8(j, rv);
		} else if (w == 4) {                 /* big-endian (a Java int: upper half zero) */
			emit_bswap(j, 0, rv);
		}
	}
	emit_jmp(j, done);
	if (got)
		packet_l4_fill(c, rr, rv, fill, got, slow);
	/* the native, on a synced frame with the arguments in their slots */
	x86_bind(j, slow);
	emit_store(j, 8, rr, X86_R12, args);
	if (ro >= 0)
		emit_store(j, 8, ro, X86_R12, args + (int32_t)sizeof(vn_slot));
	c->d += nargs;
	jit_sync_frame(c);
	jit_native_call(c, in, nargs);
	c->d -= nargs;
	emit_load(j, 8, rv, X86_R12, args);
	x86_bind(j, done);
	jit_free_reg(c, rr);
	if (ro >= 0)
		jit_free_reg(c, ro);
	jit_free_reg(c, t);
	jit_push_reg(c, rv, 1);
	return true;
}

/* System.nanoTime() inline: a call of the clock, no native frame. */
bool jit_nanotime_intrinsic(struct cc *c, const struct vn_insn *in)
{
	const struct vn_method *cm = in->u.m;
	if (c->env.nointrinsic || in->op != Q_INVOKESTATIC || strcmp(cm->name, "nanoTime") ||
	    strcmp(cm->cls->name, "java/lang/System") || strcmp(cm->desc, "()J"))
		return false;
	jit_writeback(c);           /* the helper clobbers the caller-saved cached locals' registers */
	jit_call_helper(c, (const void *)vn_jit_nanotime);
	emit_store(&c->j, 8, X86_RAX, X86_R12, jit_slot_off(c, c->d));
	return true;
}

/* ---- inlining ----
 *
 * A call whose target is known — static, private, final, constructors, and
 * virtual ones behind a check of the receiver's class — to a small method
 * without an exception table whose body neither calls nor switches (loads
 * and stores of its locals, constants, int/long arithmetic, compares and
 * branches, fields, arrays, initialized statics, new, returns) is compiled
 * in place. The site does everything of the interpreter's call that could
 * show: the receiver's null check, the budget tick, the depth and
 * slot-stack limits (same order, same messages); the body runs on the
 * slots a frame of the callee would have (its locals where the arguments
 * are), and backward branches in it count the budget as the interpreter
 * does. No frame is pushed on the fast path. A slow path that needs one —
 * a fault (null, bounds, division by zero) or a helper that allocates or
 * may throw — makes the callee's frame first, as the call would have had
 * it (jit_inline_frame): the method's cached locals written back, its own
 * frame's ip at the call, the callee's pushed with its ip at the faulting
 * instruction; a helper's success pops it again, an exception (the callee
 * has no handler) pops it and leaves through the method's exception exit,
 * as it would have after the call (deoptimization at the fault). */
#define INLINE_MAX_INSNS 80

/* The cached locals of the method o an inlined body is compiled into, into
 * their slots (the registers hold the current values). */
void jit_outer_writeback(struct x86_jit *j, const struct cc *o)
{
	for (uint32_t k = 0; k < o->nwloc; k++)
		emit_store(j, 8, o->creg[o->wloc[k]], X86_R12, jit_local_off(o, o->wloc[k]));
}

/* On a slow path of a body inlined into o: the frame the call of cm would
 * have pushed, made now — o's locals written back, o's frame's sp and ip as
 * at the call, cm's frame (locals at args, operand top at sp, next insn ip)
 * pushed (its address in rax). The site checked the depth and slot limits
 * as for a push. Clobbers rax, rcx. */
void jit_inline_frame(struct x86_jit *j, const struct cc *o, const struct vn_method *cm, int32_t args,
		      int32_t sp, const struct vn_insn *ip)
{
	jit_outer_writeback(j, o);
	jit_frame_at_insn(j, o);
	emit_load(j, 4, X86_RAX, X86_RBX, (int32_t)offsetof(struct vn_vm, nframes));
	jit_frame_push(j);
	emit_mov_imm64(j, X86_RCX, (uint64_t)(uintptr_t)cm);
	emit_store(j, 8, X86_RCX, X86_RAX, (int32_t)offsetof(struct vn_frame, m));
	emit_lea(j, 1, X86_RCX, X86_R12, -1, 1, args);
	emit_store(j, 8, X86_RCX, X86_RAX, (int32_t)offsetof(struct vn_frame, lv));
	emit_lea(j, 1, X86_RCX, X86_R12, -1, 1, sp);
	emit_store(j, 8, X86_RCX, X86_RAX, (int32_t)offsetof(struct vn_frame, sp));
	emit_mov_imm64(j, X86_RCX, (uint64_t)(uintptr_t)ip);
	emit_store(j, 8, X86_RCX, X86_RAX, (int32_t)offsetof(struct vn_frame, ip));
	emit_store_imm32(j, 1, X86_RAX, (int32_t)offsetof(struct vn_frame, entry), 1);
}

/* A first look at the raw bytecode: only opcodes an inlined body may have
 * (constants without ldc, loads, stores, array loads and stores, int/long
 * arithmetic, compares, branches, getfield/putfield/getstatic, new and
 * arrays of one dimension, returns). Preparing a method that passes
 * allocates nothing (no String literal) and loads classes at most, as its
 * first call would. */
static bool bytecode_inlinable(const struct vn_method *cm)
{
	static const uint8_t ok[256] = {
		[0 ... 17] = 1, [20 ... 22] = 1, [25 ... 33] = 1, [42 ... 47] = 1, [50 ... 55] = 1,
		[58 ... 66] = 1, [75 ... 79] = 1, [80] = 1, [83 ... 86] = 1, [87 ... 89] = 1, [96] = 1,
		[97] = 1, [100] = 1, [101] = 1, [104] = 1, [105] = 1, [108] = 1, [109] = 1, [112] = 1,
		[113] = 1, [116] = 1, [117] = 1, [120 ... 133] = 1, [136] = 1, [145 ... 148] = 1,
		[153 ... 167] = 1, [172] = 1, [173] = 1, [176] = 1, [177] = 1, [178] = 1, [180] = 1,
		[181] = 1, [187 ... 190] = 1, [198] = 1, [199] = 1,
	};
	if (cm->code_len > 4 * INLINE_MAX_INSNS)
		return false;
	for (uint32_t pc = 0, len; pc < cm->code_len; pc += len) {
		len = vn_insn_len(cm->code, cm->code_len, pc);
		if (!len || !ok[cm->code[pc]])
			return false;
	}
	return true;
}

/* Whether a method's body may be inlined (vn_method.jit_inline): not known
 * yet, never, yes; or not now: it reads a static of a class not initialized
 * yet (asked again at the next site). Never and yes do not change: a
 * method's prepared code stays, and an initialized class stays so. */
enum { INL_UNKNOWN, INL_NO, INL_YES, INL_NOT_NOW };

/* Whether the loop from t back to i lies inside a block that a conditional
 * branch before it skips. An inlined body's locals stay in memory (the
 * receiver alone gets a register), so a loop runs slower there than in the
 * callee's own code, which keeps them in registers: the Sieve's sieve(),
 * inlined into main, took 1.7x the instructions. Only a body whose loops sit
 * behind a condition, the mark of a rare path (Queue.enqueue's growth), is
 * inlined; its common path gains the call. */
static bool loop_guarded(const struct vn_prep *p, uint32_t t, uint32_t i)
{
	for (uint32_t j = 0; j < t; j++) {
		int op = p->code[j].op;
		bool cond = jit_is_branch(op) && op != J_GOTO;
		if (cond && p->code[j].a > 0 && (uint32_t)p->code[j].a > i)
			return true;
	}
	return false;
}

static int inline_body_ok(const struct vn_method *cm)
{
	const struct vn_prep *p = cm->prep;
	if (!p || p->nexc || p->n > INLINE_MAX_INSNS || cm->max_locals + cm->max_stack > 64)
		return INL_NO;
	bool is_static = cm->access & ACC_STATIC, not_now = false;
	for (uint32_t i = 0; i < p->n; i++) {
		const struct vn_insn *in = &p->code[i];
		int op = jit_is_fused(in->op) ? J_ILOAD : in->op;
		switch (op) {
		case J_NOP: case Q_ICONST: case Q_LCONST: case Q_ACONST: case J_ILOAD: case J_LLOAD: case J_POP: case J_POP2:
		case J_DUP: case J_IADD: case J_LADD: case J_ISUB: case J_LSUB: case J_IMUL: case J_LMUL:
		case J_INEG: case J_LNEG: case J_ISHL ... J_LXOR: case J_I2L: case J_L2I: case J_I2B: case J_I2C:
		case J_I2S: case J_LCMP: case J_IRETURN: case J_LRETURN: case J_RETURN:
		case J_IALOAD: case J_LALOAD: case J_AALOAD: case J_BALOAD: case J_CALOAD: case J_SALOAD:
		case J_IASTORE: case J_LASTORE: case J_AASTORE: case J_BASTORE: case J_CASTORE: case J_SASTORE:
		case J_ARRAYLENGTH: case J_IDIV: case J_LDIV: case J_IREM: case J_LREM:
		case Q_GETF_B ... Q_GETF_A: case Q_PUTF_B ... Q_PUTF_A: case Q_NEW: case Q_NEWARRAY: case Q_ANEWARRAY:
			break;
		case J_ISTORE: case J_LSTORE: case J_IINC:
			if (!is_static && in->a == 0)
				return INL_NO;
			break;
		case J_IFEQ ... J_IF_ICMPLE: case J_GOTO: case J_IFNULL: case J_IFNONNULL:
			if ((uint32_t)in->a <= i && !loop_guarded(p, (uint32_t)in->a, i))
				return INL_NO;
			break;
		case Q_GETS_B ... Q_GETS_A:
			if (in->u.c->state != CS_INITIALIZED)
				not_now = true;
			break;
		default:
			return INL_NO;
		}
	}
	return not_now ? INL_NOT_NOW : INL_YES;
}

/* The verdict on cm's body, found once: the raw bytecode filter, the
 * preparation (of a class library method, not prepared yet), the body. */
static bool inlinable(struct cc *c, struct vn_method *cm)
{
	if (cm->jit_inline == INL_YES || cm->jit_inline == INL_NO)
		return cm->jit_inline == INL_YES;
	/* the class library's methods are prepared on their first call; a small
	 * one is prepared now (loading classes at most, as its call would) */
	if (!bytecode_inlinable(cm)) {
		cm->jit_inline = INL_NO;
		return false;
	}
	if (!cm->prep && cm->cls->rom && vn_prepare(c->vm, cm)) {
		c->vm->err[0] = 0;
		cm->jit_inline = INL_NO;
		return false;
	}
	cm->jit_inline = (uint8_t)inline_body_ok(cm);
	return cm->jit_inline == INL_YES;
}

/* The method a call site may inline, or NULL; *guard: the class the
 * receiver must have (a virtual call), or NULL. */
struct vn_method *jit_inline_target(struct cc *c, const struct vn_insn *in, struct vn_class **guard)
{
	*guard = NULL;
	if (c->env.noinline || c->env.nodirect || c->inlined)
		return NULL;
	struct vn_method *cm;
	switch (in->op) {
	case Q_INVOKESTATIC:
		cm = in->u.m;
		if (cm->cls->state != CS_INITIALIZED)
			return NULL;
		break;
	case Q_INVOKESPECIAL: case Q_INVOKEFINAL:
		cm = in->u.m;
		break;
	case Q_INVOKEVIRTUAL:
		cm = in->u.m;
		if (in->a < 0 || (uint32_t)in->a >= cm->cls->vtable_len || cm->cls->vtable[in->a] != cm)
			return NULL;
		*guard = cm->cls;
		break;
	default:
		return NULL;
	}
	if (cm->native || !cm->code || (cm->access & (ACC_SYNCHRONIZED | ACC_ABSTRACT)))
		return NULL;
	return inlinable(c, cm) ? cm : NULL;
}

/* Labels an inlined body of cm takes (its instructions, their scratch, its
 * faults' tail, its helpers' exception exit). */
uint32_t jit_inline_labels(const struct vn_method *cm) { return cm->prep->n * (LBL_PER + 1) + 2; }

/* Scratch bytes an inlined body of cm takes (jit_inline_site's arrays). */
size_t jit_inline_scratch(const struct vn_method *cm)
{
	size_t n = cm->prep->n;
	return n * (sizeof(int32_t) + 1 + 2 * sizeof(uint32_t)) + (3 * n + 1) * sizeof(struct stub) +
	       cm->max_locals + 8 * 16;
}

/* The slow paths of the body k inlined into c, after it: its fault stubs
 * and their tail (the callee's frame made, the exception thrown from it,
 * as vn_jit_throw does for a method's own faults), and the exit of a
 * helper's exception (the callee's frame popped: it has no handler), both
 * leaving through c's exception exit with c's frame at the call. */
static void inline_slow_paths(struct cc *c, const struct cc *k, uint32_t l_throw)
{
	struct x86_jit *j = &c->j;
	if (k->nstubs) {
		jit_fault_stubs(j, k->stubs, k->nstubs, l_throw);
		x86_bind(j, l_throw);       /* edx = the callee's insn, ecx = the kind */
		emit_mov64(j, X86_RDI, X86_RCX);   /* not r8..r11: they may hold c's cached locals */
		jit_inline_frame(j, c, k->m, k->base, jit_slot_off(k, 0), k->p->code);   /* rax, rcx */
		emit_mov64(j, X86_RSI, X86_RAX);
		emit_mov64(j, X86_RCX, X86_RDI);
		emit_imul_imm32(j, 1, X86_RDX, X86_RDX, (int32_t)sizeof(struct vn_insn));
		emit_mov_imm64(j, X86_RAX, (uint64_t)(uintptr_t)k->p->code);
		emit_alu64(j, X86_ADD, X86_RDX, X86_RAX);
		emit_load(j, 8, X86_R8, X86_RSP, 24);
		emit_load(j, 8, X86_R9, X86_RSP, 32);
		emit_mov64(j, X86_RDI, X86_RBX);
		jit_call_helper(c, (const void *)vn_jit_throw);
	}
	x86_bind(j, k->l_inl_exc);
	emit_alu_mem_imm32(j, 0, X86_SUB, X86_RBX, (int32_t)offsetof(struct vn_vm, nframes), 1);
	emit_jmp(j, L_EXC(c));
}

/* A caller-saved register for the receiver of an inlined body of cm that
 * reads it at least twice (never written: jit_inline_target), one the
 * method caches none of its locals in; -1: none. Reloaded from its slot
 * after every helper (jit_reload_volatile). */
static int receiver_reg(const struct cc *c, const struct vn_method *cm)
{
	static const int8_t regs[] = { X86_R8, X86_R9, X86_R10, X86_R11 };
	uint32_t uses = 0;
	for (uint32_t i = 0; i < cm->prep->n; i++) {
		const struct vn_insn *in = &cm->prep->code[i];
		uses += (in->op == J_ILOAD || jit_is_fused(in->op)) && in->a == 0;
	}
	if (uses < 2 || c->env.noregcache)
		return -1;
	for (size_t k = 0; k < sizeof regs; k++)
		if (!(c->cmask & (1u << regs[k])))
			return regs[k];
	return -1;
}

/* Compiles the call at the current insn in place if it can be (see above):
 * 0: not inlined; 1: inlined, done; 2: inlined behind a class check, whose
 * failure falls through here: the caller emits the ordinary call next and
 * binds *done after it. The stack is synced. */
int jit_inline_site(struct cc *c, const struct vn_insn *in, int nargs, uint32_t *done)
{
	struct vn_class *guard;
	struct vn_method *cm = jit_inline_target(c, in, &guard);
	if (!cm)
		return 0;
	struct x86_jit *j = &c->j;
	int32_t args = jit_slot_off(c, c->d - nargs);
	uint32_t lim = jit_newlabel(c), slow = guard ? jit_newlabel(c) : 0;
	*done = jit_newlabel(c);
	if (in->op != Q_INVOKESTATIC) {
		emit_load(j, 8, X86_RAX, X86_R12, args);
		jit_null_check(c, X86_RAX);
		if (guard) {
			emit_mov_imm64(j, X86_RDX, (uint64_t)(uintptr_t)guard);
			emit_alu_load(j, 1, X86_CMP, X86_RDX, X86_RAX, (int32_t)offsetof(struct vn_obj, cls));
			emit_jcc(j, X86_CC_NE, slow);
		}
	}
	/* the interpreter's call: budget, depth, slot stack (call_stub's order) */
	jit_budget_tick(c);
	jit_cmp_depth(j);
	emit_jcc(j, X86_CC_AE, lim);
	/* the slots the callee needs: no check when they lie within this
	 * method's own frame (checked when it was called) */
	if (c->d - nargs + cm->max_locals + cm->max_stack > c->m->max_stack) {
		emit_lea(j, 1, X86_RAX, X86_R12, -1, 1, args + (int32_t)((cm->max_locals + cm->max_stack) * sizeof(vn_slot)));
		emit_alu_load(j, 1, X86_CMP, X86_RAX, X86_RBX, (int32_t)offsetof(struct vn_vm, stack_end));
		emit_jcc(j, X86_CC_A, lim);
	}
	/* the body, as a method of its own on the callee's slots */
	struct cc k = *c;
	k.m = cm;
	k.p = cm->prep;
	k.ml = cm->max_locals;
	k.n = cm->prep->n;
	k.base = args;
	k.lbase = *c->lnext;
	k.l_ret = *done;        /* returns go straight to after the call */
	k.l_inl_exc = k.lbase + jit_inline_labels(cm) - 1;
	uint32_t l_throw = k.l_inl_exc - 1;
	*c->lnext += jit_inline_labels(cm);
	k.inlined = true;
	k.outer = c;
	k.framed = 0;
	k.this_nn = !(cm->access & ACC_STATIC);
	k.depth = SC_ARRAY(c->sc, k.n, int32_t, false);
	k.target = SC_ARRAY(c->sc, k.n, uint8_t, true);
	k.creg = SC_ARRAY(c->sc, k.ml + 1, int8_t, false);
	k.nvloc = k.nwloc = 0;
	k.dirty = 0;
	k.stubs = SC_ARRAY(c->sc, 3 * k.n + 1, struct stub, false);
	k.nstubs = 0;
	k.nn = NULL;
	k.d = 0;
	k.ne = 0;
	k.busy = 0;
	k.skip = 0;
	if (!k.depth || !k.target || !k.creg || !k.stubs || *c->lnext > c->nlabels) {
		c->fail = c->inline_failed = true;
		if (c->env.debug)
			fprintf(stderr, "jit: %s.%s: no room to inline %s.%s\n", c->m->cls->name, c->m->name,
				cm->cls->name, cm->name);
		return 1;
	}
	jit_unset_labels(&k, k.lbase, k.n);
	jit_unset_labels(&k, l_throw, 2);       /* l_throw, l_inl_exc (l_ret is the caller's) */
	memset(k.depth, 0xff, k.n * sizeof(int32_t));
	memset(k.creg, 0xff, k.ml + 1);
	uint32_t recv = 0;
	int rr = k.this_nn ? receiver_reg(c, cm) : -1;
	if (rr >= 0) {          /* the receiver, read often: in a register of its own */
		k.creg[0] = (int8_t)rr;
		k.cmask |= (uint16_t)(1u << rr);
		k.vloc = &recv;
		k.nvloc = 1;
		emit_load(&k.j, 8, rr, X86_R12, args);
	}
	if (!jit_analyze(&k))
		k.fail = true;
	else
		jit_body(&k);
	if (k.framed)           /* a frame made without its helper's check: a template this does not know */
		k.fail = true;
	c->j = k.j;             /* the emitter's state, advanced by the body */
	if (k.fail) {
		c->fail = c->inline_failed = true;
		if (c->env.debug)
			fprintf(stderr, "jit: %s.%s: inlining %s.%s failed (compiled again without inlining)\n",
				c->m->cls->name, c->m->name, cm->cls->name, cm->name);
	}
	emit_jmp(j, *done);
	if (!k.fail)
		inline_slow_paths(c, &k, l_throw);
	/* a limit: the depth (kind 0) if it is the one broken, else the stack */
	x86_bind(j, lim);
	jit_limit_kind(j);
	emit_mov_imm64(j, X86_RSI, (uint64_t)(uintptr_t)cm);
	emit_mov64(j, X86_RDI, X86_RBX);
	jit_call_helper(c, (const void *)vn_call_limit_abort);   /* rdx = kind */
	if (!guard) {
		x86_bind(j, *done);
		return 1;
	}
	x86_bind(j, slow);
	return 2;
}

#endif
