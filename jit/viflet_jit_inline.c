/* viflet_jit_inline.c — calls the VIFlet JIT compiles in place: the
 * intrinsics (Packet accessors from the object's caches, System.nanoTime)
 * and inlined bodies of small methods (docs/jit.md, "Code generation"). */
#include <stdio.h>
#include <string.h>

#include "viflet_jit_int.h"

#if defined(__x86_64__)
#include "viflet_jit_cc.h"

/* Intrinsics: Packet accessors answered inline from the object's caches of
 * the host's answers (vm/natives.c: pkt_bytes, pkt_l4, pk_length), when the
 * packet is still held and the cache is filled; otherwise — first use,
 * null, a packet that left, an offset out of range — the native itself,
 * which fills the cache or throws exactly as it does interpreted. */
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
	uint32_t slow = jit_newlabel(c), done = jit_newlabel(c);
	emit_test64(j, rr, rr);
	emit_jcc(j, X86_CC_E, slow);
	emit_alu_mem_imm32(j, 1, X86_CMP, rr, (int32_t)vm->off_pkt_handle, 0);
	emit_jcc(j, X86_CC_E, slow);
	if (kind == PI_LEN || kind == PI_PROTO || kind == PI_SRC || kind == PI_DST) {
		emit_load(j, 4, rv, rr, (int32_t)(kind == PI_LEN ? vm->off_pkt_wlen : vm->off_pkt_proto));
		emit_test32(j, rv, rv);
		emit_jcc(j, X86_CC_S, slow);         /* -1: not known yet */
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
		} else if (w == 4) {                 /* big-endian, then a Java int */
			emit_bswap(j, 0, rv);
			emit_movsx_reg(j, 1, 4, rv, rv);
		}
	}
	emit_jmp(j, done);
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
 * whose body can neither throw, call, allocate nor switch (loads and stores
 * of its locals, constants, int/long arithmetic without division, compares
 * and branches, fields of its receiver, initialized statics, returns) is
 * compiled in place. The site does everything of the interpreter's call
 * that could show: the receiver's null check, the budget tick, the depth
 * and slot-stack limits (same order, same messages); the body runs on the
 * slots a frame of the callee would have (its locals where the arguments
 * are), and backward branches in it count the budget as the interpreter
 * does. No frame is pushed: nothing inside can look for one (no exception,
 * no GC, no call). */
#define INLINE_MAX_INSNS 40

/* A first look at the raw bytecode: only opcodes an inlined body may have
 * (constants without ldc, loads, stores, int/long arithmetic without
 * division, compares, branches, getfield/getstatic, returns). Preparing a
 * method that passes allocates nothing (no String literal) and loads
 * classes at most, as its first call would. */
static bool bytecode_inlinable(const struct vn_method *cm)
{
	static const uint8_t ok[256] = {
		[0 ... 17] = 1, [20 ... 22] = 1, [25 ... 33] = 1, [42 ... 45] = 1, [54] = 1, [55] = 1,
		[58 ... 66] = 1, [75 ... 78] = 1, [87 ... 89] = 1, [96] = 1, [97] = 1, [100] = 1, [101] = 1,
		[104] = 1, [105] = 1, [116] = 1, [117] = 1, [120 ... 133] = 1, [136] = 1, [145 ... 148] = 1,
		[153 ... 167] = 1, [172] = 1, [173] = 1, [176] = 1, [177] = 1, [178] = 1, [180] = 1,
		[198] = 1, [199] = 1,
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
		case J_I2S: case J_LCMP: case J_IFEQ ... J_IF_ICMPLE: case J_GOTO: case J_IFNULL: case J_IFNONNULL:
		case J_IRETURN: case J_LRETURN: case J_RETURN:
			break;
		case J_ISTORE: case J_LSTORE: case J_IINC:
			if (!is_static && in->a == 0)
				return INL_NO;
			break;
		case Q_GETF_B ... Q_GETF_A: {   /* on the receiver, loaded just before */
			const struct vn_insn *prev = i ? &p->code[i - 1] : NULL;
			if (is_static || !prev || !(prev->op == J_ILOAD || jit_is_fused(prev->op)) || prev->a != 0)
				return INL_NO;
			break;
		}
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

/* Labels an inlined body of cm takes (its instructions, their scratch, its return). */
uint32_t jit_inline_labels(const struct vn_method *cm) { return cm->prep->n * (LBL_PER + 1) + 1; }

/* Scratch bytes an inlined body of cm takes (jit_inline_site's arrays). */
size_t jit_inline_scratch(const struct vn_method *cm)
{
	size_t n = cm->prep->n;
	return n * (sizeof(int32_t) + 1 + 2 * sizeof(uint32_t)) + cm->max_locals + 8 * 16;
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
	emit_load(j, 4, X86_RAX, X86_RBX, (int32_t)offsetof(struct vn_vm, nframes));
	emit_alu_load(j, 0, X86_CMP, X86_RAX, X86_RBX, (int32_t)(offsetof(struct vn_vm, lim) + offsetof(struct vn_vm_limits, max_depth)));
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
	k.l_ret = k.lbase + jit_inline_labels(cm) - 1;
	*c->lnext += jit_inline_labels(cm);
	k.inlined = true;
	k.this_nn = !(cm->access & ACC_STATIC);
	k.depth = SC_ARRAY(c->sc, k.n, int32_t, false);
	k.target = SC_ARRAY(c->sc, k.n, uint8_t, true);
	k.creg = SC_ARRAY(c->sc, k.ml + 1, int8_t, false);
	k.nvloc = k.nwloc = 0;
	k.dirty = 0;
	k.stubs = NULL;
	k.nn = NULL;
	k.d = 0;
	k.ne = 0;
	k.busy = 0;
	k.skip = false;
	if (!k.depth || !k.target || !k.creg || *c->lnext > c->nlabels) {
		c->fail = c->inline_failed = true;
		if (c->env.debug)
			fprintf(stderr, "jit: %s.%s: no room to inline %s.%s\n", c->m->cls->name, c->m->name,
				cm->cls->name, cm->name);
		return 1;
	}
	jit_unset_labels(&k, k.lbase, k.n);
	jit_unset_labels(&k, k.l_ret, 1);
	memset(k.depth, 0xff, k.n * sizeof(int32_t));
	memset(k.creg, 0xff, k.ml + 1);
	if (!jit_analyze(&k))
		k.fail = true;
	else
		jit_body(&k);
	x86_bind(&k.j, k.l_ret);
	c->j = k.j;             /* the emitter's state, advanced by the body */
	if (k.fail) {
		c->fail = c->inline_failed = true;
		if (c->env.debug)
			fprintf(stderr, "jit: %s.%s: inlining %s.%s failed (compiled again without inlining)\n",
				c->m->cls->name, c->m->name, cm->cls->name, cm->name);
	}
	emit_jmp(j, *done);
	/* a limit: the depth (kind 0) if it is the one broken, else the stack */
	x86_bind(j, lim);
	emit_zero32(j, X86_RDX);
	emit_load(j, 4, X86_RAX, X86_RBX, (int32_t)offsetof(struct vn_vm, nframes));
	emit_alu_load(j, 0, X86_CMP, X86_RAX, X86_RBX, (int32_t)(offsetof(struct vn_vm, lim) + offsetof(struct vn_vm_limits, max_depth)));
	emit_setcc(j, X86_CC_B, X86_RDX);
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
