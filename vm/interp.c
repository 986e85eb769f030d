/* The interpreter: one function, one short block per (quickened) opcode.
 *
 * Dispatch follows Lua's lvm.c: vmdispatch/vmcase/vmbreak compile to a
 * computed-goto jump table with GCC/Clang and to a switch elsewhere
 * (-DVN_NO_COMPUTED_GOTO forces the switch). Operands were pre-resolved by
 * prep.c, so no opcode decodes bytecode or looks anything up by name.
 *
 * Register state: `ip` (next instruction), `lv` (locals), `sp` (first free
 * operand slot), `code` (the method's instruction array) and `fr` (the running
 * frame). SAVE() writes ip/sp back into the frame before anything that can
 * allocate (GC scans the slot stack up to the top frame's sp), throw, or
 * re-enter the interpreter; a template JIT keeps the same contract.
 *
 * Java semantics pinned here: int/long arithmetic wraps (computed unsigned),
 * MIN_VALUE / -1 is MIN_VALUE and MIN_VALUE % -1 is 0, shift counts are masked
 * (31/63), float/double to int/long saturate and map NaN to 0, fcmpl/dcmpl
 * give -1 and fcmpg/dcmpg +1 on NaN, % on floating point is C's fmod. */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "vm_int.h"
#include "viflet_jit.h"

enum {
	OP_NOP = 0, OP_ILOAD = 21, OP_LLOAD = 22, OP_IALOAD = 46, OP_LALOAD = 47, OP_AALOAD = 50,
	OP_BALOAD = 51, OP_CALOAD = 52, OP_SALOAD = 53, OP_ISTORE = 54, OP_LSTORE = 55,
	OP_IASTORE = 79, OP_LASTORE = 80, OP_AASTORE = 83, OP_BASTORE = 84, OP_CASTORE = 85,
	OP_SASTORE = 86, OP_POP = 87, OP_POP2, OP_DUP, OP_DUP_X1, OP_DUP_X2, OP_DUP2, OP_DUP2_X1,
	OP_DUP2_X2, OP_SWAP, OP_IADD, OP_LADD, OP_FADD, OP_DADD, OP_ISUB, OP_LSUB, OP_FSUB, OP_DSUB,
	OP_IMUL, OP_LMUL, OP_FMUL, OP_DMUL, OP_IDIV, OP_LDIV, OP_FDIV, OP_DDIV, OP_IREM, OP_LREM,
	OP_FREM, OP_DREM, OP_INEG, OP_LNEG, OP_FNEG, OP_DNEG, OP_ISHL, OP_LSHL, OP_ISHR, OP_LSHR,
	OP_IUSHR, OP_LUSHR, OP_IAND, OP_LAND, OP_IOR, OP_LOR, OP_IXOR, OP_LXOR, OP_IINC, OP_I2L,
	OP_I2F, OP_I2D, OP_L2I, OP_L2F, OP_L2D, OP_F2I, OP_F2L, OP_F2D, OP_D2I, OP_D2L, OP_D2F,
	OP_I2B, OP_I2C, OP_I2S, OP_LCMP, OP_FCMPL, OP_FCMPG, OP_DCMPL, OP_DCMPG, OP_IFEQ, OP_IFNE,
	OP_IFLT, OP_IFGE, OP_IFGT, OP_IFLE, OP_IF_ICMPEQ, OP_IF_ICMPNE, OP_IF_ICMPLT, OP_IF_ICMPGE,
	OP_IF_ICMPGT, OP_IF_ICMPLE, OP_IF_ACMPEQ, OP_IF_ACMPNE, OP_GOTO,
	OP_TABLESWITCH = 170, OP_LOOKUPSWITCH, OP_IRETURN, OP_LRETURN, OP_RETURN = 177,
	OP_ARRAYLENGTH = 190, OP_ATHROW = 191, OP_IFNULL = 198, OP_IFNONNULL = 199,
};

/* ---- decode helpers ---- */
#define A_     (in->a)
#define B_     (in->b)
#define LOCAL(n) (lv[n])
#define PUSHI(v) ((sp++)->j = (int32_t)(v))
#define PUSHJ(v) do { sp->j = (v); sp += 2; } while (0)
#define PUSHF(v) do { float f_ = (v); sp->raw = 0; sp->f = f_; sp++; } while (0)
#define PUSHD(v) do { sp->d = (v); sp += 2; } while (0)
#define PUSHA(v) ((sp++)->a = (v))
#define TOPI(k)  (sp[-(k)].i)          /* k = 1: top int */
#define TOPJ(k)  (sp[-(k) * 2].j)      /* k = 1: top long */
#define TOPF(k)  (sp[-(k)].f)
#define TOPD(k)  (sp[-(k) * 2].d)
#define SETI(k, v) (sp[-(k)].j = (int32_t)(v))
#define SETF(k, v) do { float f_ = (v); sp[-(k)].raw = 0; sp[-(k)].f = f_; } while (0)

#define SAVE() (fr->ip = ip, fr->sp = sp)
#define THROW(cls, ...) do { SAVE(); vn_throw(vm, cls, __VA_ARGS__); goto exc; } while (0)
#define THROWF(fn, ...) do { SAVE(); fn(vm, __VA_ARGS__); goto exc; } while (0)
#define NPE() THROW("java/lang/NullPointerException", NULL)
#define NULLCHK(o) do { if (!(o)) NPE(); } while (0)
#define IDXCHK(o, i) do { if (!(o)) NPE(); if ((uint32_t)(i) >= (uint32_t)(o)->len) \
	THROWF(vn_throw_index, (i), (o)->len); } while (0)
#define AELEM(o, i, T) (((T *)VN_ADATA(o))[i])
#define JUMP() do { struct vn_insn *t_ = code + A_; \
	if (t_ <= in && --vm->budget < 0) { SAVE(); vn_budget_out(vm); } ip = t_; } while (0)
/* a fused branch: the original branch instruction sat at in + back */
#define JUMPTO(tgt, back) do { struct vn_insn *t_ = code + (tgt); \
	if (t_ <= in + (back) && --vm->budget < 0) { SAVE(); vn_budget_out(vm); } ip = t_; } while (0)
#define CLINIT(c) do { if ((c)->state != CS_INITIALIZED) { SAVE(); \
	if (vn_class_init(vm, (c))) goto exc; } } while (0)
#define ISPKT(o) ((o) && (o)->cls == vm->c_packet)

#if defined(__GNUC__) && !defined(VN_NO_COMPUTED_GOTO)
#define VN_CGOTO 1
#define vmdispatch(x) goto *disptab[x];
#define vmcase(l)     L_##l:
#define vmbreak       do { in = ip++; goto *disptab[in->op]; } while (0)
#else
#define vmdispatch(x) switch (x)
#define vmcase(l)     case l:
#define vmbreak       break
#endif

/* Shared with the JIT's helpers (jit/viflet_jit_rt.c) through vm_int.h, so
 * compiled and interpreted code cannot drift apart. */

_Noreturn void vn_budget_out(struct vn_vm *vm)
{
	vn_abort(vm, "instruction budget exhausted (%llu branches and calls per call)",
		 (unsigned long long)vm->lim.budget);
}

_Noreturn void vn_call_limit_abort(struct vn_vm *vm, const struct vn_method *cm, int stack)
{
	if (stack)
		vn_abort(vm, "stack size limit exceeded (%u slots) calling %s.%s",
			 vm->lim.stack_slots, cm->cls->name, cm->name);
	vn_abort(vm, "stack depth limit exceeded (%u frames) calling %s.%s",
		 vm->lim.max_depth, cm->cls->name, cm->name);
}

/* The exceptions both the interpreter and compiled code throw, with their messages. */
void vn_throw_index(struct vn_vm *vm, int32_t i, int32_t len)
{
	vn_throw(vm, "java/lang/ArrayIndexOutOfBoundsException", "Index %d out of bounds for length %d",
		 (int)i, (int)len);
}

void vn_throw_div0(struct vn_vm *vm)
{
	vn_throw(vm, "java/lang/ArithmeticException", "/ by zero");
}

void vn_throw_negsize(struct vn_vm *vm, int32_t n)
{
	vn_throw(vm, "java/lang/NegativeArraySizeException", "%d", (int)n);
}

void vn_throw_cast(struct vn_vm *vm, const struct vn_class *from, const struct vn_class *to)
{
	char a[256], b[256];
	vn_throw(vm, "java/lang/ClassCastException", "class %s cannot be cast to class %s",
		 vn_dotted(from->name, a, sizeof a), vn_dotted(to->name, b, sizeof b));
}

void vn_throw_store(struct vn_vm *vm, const struct vn_class *c)
{
	char b[256];
	vn_throw(vm, "java/lang/ArrayStoreException", "%s", vn_dotted(c->name, b, sizeof b));
}

void vn_throw_abstract(struct vn_vm *vm, const struct vn_method *m)
{
	vn_throw(vm, "java/lang/AbstractMethodError", "%s.%s%s", m->cls->name, m->name, m->desc);
}

struct vn_obj *vn_multianew(struct vn_vm *vm, struct vn_class *c, const int32_t *lens, int n)
{
	struct vn_obj *a = vn_new_array(vm, c, lens[0]);
	if (n > 1 && c->comp && c->comp->ek) {
		vn_root_push(vm, a);
		for (int32_t i = 0; i < lens[0]; i++) {
			struct vn_obj *s = vn_multianew(vm, c->comp, lens + 1, n - 1);
			AELEM(a, i, struct vn_obj *) = s;
		}
		vn_root_pop(vm, 1);
	}
	return a;
}

const char *vn_dotted(const char *n, char *buf, size_t cap)
{
	size_t i = 0;
	for (; n[i] && i + 1 < cap; i++)
		buf[i] = n[i] == '/' ? '.' : n[i];
	buf[i] = 0;
	return buf;
}

struct vn_method *vn_vtable_find(const struct vn_class *rc, const struct vn_method *im)
{
	for (uint32_t v = 0; v < rc->vtable_len; v++) {
		struct vn_method *t = rc->vtable[v];
		if ((t->name == im->name || !strcmp(t->name, im->name)) && !strcmp(t->desc, im->desc))
			return t;
	}
	return NULL;
}

struct vn_method *vn_iface_target(struct vn_vm *vm, struct vn_icache *ic, struct vn_class *rc)
{
	struct vn_method *im = ic->im;
	if (!vn_class_sub(rc, im->cls)) {
		char a[256], b[256];
		vn_throw(vm, "java/lang/IncompatibleClassChangeError", "Class %s does not implement the requested interface %s",
			 vn_dotted(rc->name, a, sizeof a), vn_dotted(im->cls->name, b, sizeof b));
		return NULL;
	}
	struct vn_method *t = vn_vtable_find(rc, im);
	if (t) {
		ic->last = rc;
		ic->target = t;
		return t;
	}
	vn_throw(vm, "java/lang/AbstractMethodError", "%s.%s%s", rc->name, im->name, im->desc);
	return NULL;
}

/* Runs from the frame on top of the frame stack until that (entry) frame
 * returns (0, result in *ret) or an exception escapes it (-1, vm->exc).
 * exc_pending: start by dispatching vm->exc from the top frame (the JIT). */
static int run(struct vn_vm *vm, vn_slot *ret, bool exc_pending)
{
#ifdef VN_CGOTO
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wpragmas"
#pragma GCC diagnostic ignored "-Woverride-init"
#pragma GCC diagnostic ignored "-Winitializer-overrides"
#pragma GCC diagnostic ignored "-Wunknown-warning-option"
#pragma GCC diagnostic ignored "-Wpedantic"
#define T_(x) [x] = &&L_##x
	static const void *const disptab[Q_LAST] = {
		[0 ... Q_LAST - 1] = &&L_bad,
		T_(OP_NOP), T_(OP_ILOAD), T_(OP_LLOAD), T_(OP_IALOAD), T_(OP_LALOAD), T_(OP_AALOAD),
		T_(OP_BALOAD), T_(OP_CALOAD), T_(OP_SALOAD), T_(OP_ISTORE), T_(OP_LSTORE),
		T_(OP_IASTORE), T_(OP_LASTORE), T_(OP_AASTORE), T_(OP_BASTORE), T_(OP_CASTORE),
		T_(OP_SASTORE), T_(OP_POP), T_(OP_POP2), T_(OP_DUP), T_(OP_DUP_X1), T_(OP_DUP_X2),
		T_(OP_DUP2), T_(OP_DUP2_X1), T_(OP_DUP2_X2), T_(OP_SWAP), T_(OP_IADD), T_(OP_LADD),
		T_(OP_FADD), T_(OP_DADD), T_(OP_ISUB), T_(OP_LSUB), T_(OP_FSUB), T_(OP_DSUB),
		T_(OP_IMUL), T_(OP_LMUL), T_(OP_FMUL), T_(OP_DMUL), T_(OP_IDIV), T_(OP_LDIV),
		T_(OP_FDIV), T_(OP_DDIV), T_(OP_IREM), T_(OP_LREM), T_(OP_FREM), T_(OP_DREM),
		T_(OP_INEG), T_(OP_LNEG), T_(OP_FNEG), T_(OP_DNEG), T_(OP_ISHL), T_(OP_LSHL),
		T_(OP_ISHR), T_(OP_LSHR), T_(OP_IUSHR), T_(OP_LUSHR), T_(OP_IAND), T_(OP_LAND),
		T_(OP_IOR), T_(OP_LOR), T_(OP_IXOR), T_(OP_LXOR), T_(OP_IINC), T_(OP_I2L),
		T_(OP_I2F), T_(OP_I2D), T_(OP_L2I), T_(OP_L2F), T_(OP_L2D), T_(OP_F2I), T_(OP_F2L),
		T_(OP_F2D), T_(OP_D2I), T_(OP_D2L), T_(OP_D2F), T_(OP_I2B), T_(OP_I2C), T_(OP_I2S),
		T_(OP_LCMP), T_(OP_FCMPL), T_(OP_FCMPG), T_(OP_DCMPL), T_(OP_DCMPG), T_(OP_IFEQ),
		T_(OP_IFNE), T_(OP_IFLT), T_(OP_IFGE), T_(OP_IFGT), T_(OP_IFLE), T_(OP_IF_ICMPEQ),
		T_(OP_IF_ICMPNE), T_(OP_IF_ICMPLT), T_(OP_IF_ICMPGE), T_(OP_IF_ICMPGT),
		T_(OP_IF_ICMPLE), T_(OP_IF_ACMPEQ), T_(OP_IF_ACMPNE), T_(OP_GOTO),
		T_(OP_TABLESWITCH), T_(OP_LOOKUPSWITCH), T_(OP_IRETURN), T_(OP_LRETURN),
		T_(OP_RETURN), T_(OP_ARRAYLENGTH), T_(OP_ATHROW), T_(OP_IFNULL), T_(OP_IFNONNULL),
		T_(Q_ICONST), T_(Q_LCONST), T_(Q_ACONST),
		T_(Q_GETF_B), T_(Q_GETF_C), T_(Q_GETF_S), T_(Q_GETF_I), T_(Q_GETF_J), T_(Q_GETF_A),
		T_(Q_PUTF_B), T_(Q_PUTF_Z), T_(Q_PUTF_S), T_(Q_PUTF_I), T_(Q_PUTF_J), T_(Q_PUTF_A),
		T_(Q_GETS_B), T_(Q_GETS_C), T_(Q_GETS_S), T_(Q_GETS_I), T_(Q_GETS_J), T_(Q_GETS_A),
		T_(Q_PUTS_B), T_(Q_PUTS_Z), T_(Q_PUTS_S), T_(Q_PUTS_I), T_(Q_PUTS_J), T_(Q_PUTS_A),
		T_(Q_INVOKESTATIC), T_(Q_INVOKESPECIAL), T_(Q_INVOKEVIRTUAL), T_(Q_INVOKEFINAL),
		T_(Q_INVOKEIFACE), T_(Q_NEW), T_(Q_NEWARRAY), T_(Q_ANEWARRAY), T_(Q_MULTIANEWARRAY),
		T_(Q_CHECKCAST), T_(Q_INSTANCEOF), T_(Q_CONCAT),
		T_(Q_LOAD2), T_(Q_LLCMP_EQ), T_(Q_LLCMP_NE), T_(Q_LLCMP_LT), T_(Q_LLCMP_GE), T_(Q_LLCMP_GT),
		T_(Q_LLCMP_LE), T_(Q_LKCMP_EQ), T_(Q_LKCMP_NE), T_(Q_LKCMP_LT), T_(Q_LKCMP_GE), T_(Q_LKCMP_GT),
		T_(Q_LKCMP_LE), T_(Q_LIF_EQ), T_(Q_LIF_NE), T_(Q_LIF_LT), T_(Q_LIF_GE), T_(Q_LIF_GT),
		T_(Q_LIF_LE), T_(Q_LLADD_S), T_(Q_LLSUB_S), T_(Q_LGETF_I), T_(Q_LGETF_A),
	};
#undef T_
#pragma GCC diagnostic pop
#endif
	struct vn_frame *fr = &vm->frames[vm->nframes - 1];
	struct vn_insn *code = fr->m->prep->code, *ip = fr->ip, *in;
	vn_slot *lv = fr->lv, *sp = fr->sp;
	struct vn_method *callee;
	vn_slot rv;
	int nret;

	if (exc_pending)
		goto exc;
	for (;;) {
		in = ip++;
		vmdispatch(in->op) {
		vmcase(OP_NOP) vmbreak;
		vmcase(Q_ICONST) PUSHI(A_); vmbreak;
		vmcase(Q_LCONST) PUSHJ(in->u.j); vmbreak;
		vmcase(Q_ACONST) PUSHA(in->u.p); vmbreak;
		vmcase(OP_ILOAD) *sp++ = LOCAL(A_); vmbreak;
		vmcase(OP_LLOAD) *sp = LOCAL(A_); sp += 2; vmbreak;
		vmcase(OP_ISTORE) LOCAL(A_) = *--sp; vmbreak;
		vmcase(OP_LSTORE) sp -= 2; LOCAL(A_) = *sp; vmbreak;
		vmcase(OP_IINC) LOCAL(A_).j = (int32_t)((uint32_t)LOCAL(A_).i + (uint32_t)(int16_t)B_); vmbreak;

		/* ---- arrays ---- */
		vmcase(OP_IALOAD) { struct vn_obj *o = sp[-2].a; int32_t i = sp[-1].i;
			IDXCHK(o, i); sp--; sp[-1].j = AELEM(o, i, int32_t); vmbreak; }
		vmcase(OP_LALOAD) { struct vn_obj *o = sp[-2].a; int32_t i = sp[-1].i;
			IDXCHK(o, i); sp[-2].j = AELEM(o, i, int64_t); vmbreak; }
		vmcase(OP_AALOAD) { struct vn_obj *o = sp[-2].a; int32_t i = sp[-1].i;
			IDXCHK(o, i); sp--; sp[-1].a = AELEM(o, i, struct vn_obj *); vmbreak; }
		vmcase(OP_BALOAD) { struct vn_obj *o = sp[-2].a; int32_t i = sp[-1].i;
			IDXCHK(o, i); sp--; sp[-1].j = AELEM(o, i, int8_t); vmbreak; }
		vmcase(OP_CALOAD) { struct vn_obj *o = sp[-2].a; int32_t i = sp[-1].i;
			IDXCHK(o, i); sp--; sp[-1].j = AELEM(o, i, uint16_t); vmbreak; }
		vmcase(OP_SALOAD) { struct vn_obj *o = sp[-2].a; int32_t i = sp[-1].i;
			IDXCHK(o, i); sp--; sp[-1].j = AELEM(o, i, int16_t); vmbreak; }
		vmcase(OP_IASTORE) { struct vn_obj *o = sp[-3].a; int32_t i = sp[-2].i;
			IDXCHK(o, i); AELEM(o, i, int32_t) = sp[-1].i; sp -= 3; vmbreak; }
		vmcase(OP_LASTORE) { struct vn_obj *o = sp[-4].a; int32_t i = sp[-3].i;
			IDXCHK(o, i); AELEM(o, i, int64_t) = sp[-2].j; sp -= 4; vmbreak; }
		vmcase(OP_BASTORE) { struct vn_obj *o = sp[-3].a; int32_t i = sp[-2].i;
			IDXCHK(o, i); AELEM(o, i, int8_t) = (int8_t)(o->cls->ek == EK_Z ? sp[-1].i & 1 : sp[-1].i);
			sp -= 3; vmbreak; }
		vmcase(OP_CASTORE) { struct vn_obj *o = sp[-3].a; int32_t i = sp[-2].i;
			IDXCHK(o, i); AELEM(o, i, uint16_t) = (uint16_t)sp[-1].i; sp -= 3; vmbreak; }
		vmcase(OP_SASTORE) { struct vn_obj *o = sp[-3].a; int32_t i = sp[-2].i;
			IDXCHK(o, i); AELEM(o, i, int16_t) = (int16_t)sp[-1].i; sp -= 3; vmbreak; }
		vmcase(OP_AASTORE) { struct vn_obj *o = sp[-3].a, *v = sp[-1].a; int32_t i = sp[-2].i;
			IDXCHK(o, i);
			if (v && v->cls != o->cls->comp && !vn_class_sub(v->cls, o->cls->comp))
				THROWF(vn_throw_store, v->cls);
			struct vn_obj **slot = &AELEM(o, i, struct vn_obj *);
			if (ISPKT(v) || ISPKT(*slot)) { SAVE(); vn_pkt_store(vm, *slot, v); }
			*slot = v; sp -= 3; vmbreak; }
		vmcase(OP_ARRAYLENGTH) { struct vn_obj *o = sp[-1].a; NULLCHK(o); SETI(1, o->len); vmbreak; }

		/* ---- stack ---- */
		vmcase(OP_POP) sp--; vmbreak;
		vmcase(OP_POP2) sp -= 2; vmbreak;
		vmcase(OP_DUP) sp[0] = sp[-1]; sp++; vmbreak;
		vmcase(OP_DUP_X1) sp[0] = sp[-1]; sp[-1] = sp[-2]; sp[-2] = sp[0]; sp++; vmbreak;
		vmcase(OP_DUP_X2) sp[0] = sp[-1]; sp[-1] = sp[-2]; sp[-2] = sp[-3]; sp[-3] = sp[0]; sp++; vmbreak;
		vmcase(OP_DUP2) sp[0] = sp[-2]; sp[1] = sp[-1]; sp += 2; vmbreak;
		vmcase(OP_DUP2_X1) sp[1] = sp[-1]; sp[0] = sp[-2]; sp[-1] = sp[-3]; sp[-2] = sp[1];
			sp[-3] = sp[0]; sp += 2; vmbreak;
		vmcase(OP_DUP2_X2) sp[1] = sp[-1]; sp[0] = sp[-2]; sp[-1] = sp[-3]; sp[-2] = sp[-4];
			sp[-3] = sp[1]; sp[-4] = sp[0]; sp += 2; vmbreak;
		vmcase(OP_SWAP) { vn_slot t = sp[-1]; sp[-1] = sp[-2]; sp[-2] = t; vmbreak; }

		/* ---- int ---- */
		vmcase(OP_IADD) SETI(2, (uint32_t)TOPI(2) + (uint32_t)TOPI(1)); sp--; vmbreak;
		vmcase(OP_ISUB) SETI(2, (uint32_t)TOPI(2) - (uint32_t)TOPI(1)); sp--; vmbreak;
		vmcase(OP_IMUL) SETI(2, (uint32_t)TOPI(2) * (uint32_t)TOPI(1)); sp--; vmbreak;
		vmcase(OP_IDIV) { int32_t b = TOPI(1), a = TOPI(2);
			if (b == 0) { SAVE(); vn_throw_div0(vm); goto exc; }
			SETI(2, b == -1 ? (int32_t)(0u - (uint32_t)a) : a / b); sp--; vmbreak; }
		vmcase(OP_IREM) { int32_t b = TOPI(1), a = TOPI(2);
			if (b == 0) { SAVE(); vn_throw_div0(vm); goto exc; }
			SETI(2, b == -1 ? 0 : a % b); sp--; vmbreak; }
		vmcase(OP_INEG) SETI(1, 0u - (uint32_t)TOPI(1)); vmbreak;
		vmcase(OP_ISHL) SETI(2, (uint32_t)TOPI(2) << (TOPI(1) & 31)); sp--; vmbreak;
		vmcase(OP_ISHR) SETI(2, TOPI(2) >> (TOPI(1) & 31)); sp--; vmbreak;
		vmcase(OP_IUSHR) SETI(2, (int32_t)((uint32_t)TOPI(2) >> (TOPI(1) & 31))); sp--; vmbreak;
		vmcase(OP_IAND) SETI(2, TOPI(2) & TOPI(1)); sp--; vmbreak;
		vmcase(OP_IOR) SETI(2, TOPI(2) | TOPI(1)); sp--; vmbreak;
		vmcase(OP_IXOR) SETI(2, TOPI(2) ^ TOPI(1)); sp--; vmbreak;

		/* ---- long ---- */
		vmcase(OP_LADD) sp -= 2; TOPJ(1) = (int64_t)((uint64_t)TOPJ(1) + (uint64_t)sp->j); vmbreak;
		vmcase(OP_LSUB) sp -= 2; TOPJ(1) = (int64_t)((uint64_t)TOPJ(1) - (uint64_t)sp->j); vmbreak;
		vmcase(OP_LMUL) sp -= 2; TOPJ(1) = (int64_t)((uint64_t)TOPJ(1) * (uint64_t)sp->j); vmbreak;
		vmcase(OP_LDIV) { int64_t b = TOPJ(1), a = TOPJ(2);
			if (b == 0) { SAVE(); vn_throw_div0(vm); goto exc; }
			sp -= 2; TOPJ(1) = b == -1 ? (int64_t)(0u - (uint64_t)a) : a / b; vmbreak; }
		vmcase(OP_LREM) { int64_t b = TOPJ(1), a = TOPJ(2);
			if (b == 0) { SAVE(); vn_throw_div0(vm); goto exc; }
			sp -= 2; TOPJ(1) = b == -1 ? 0 : a % b; vmbreak; }
		vmcase(OP_LNEG) TOPJ(1) = (int64_t)(0u - (uint64_t)TOPJ(1)); vmbreak;
		vmcase(OP_LSHL) { int s = TOPI(1) & 63; sp--; TOPJ(1) = (int64_t)((uint64_t)TOPJ(1) << s); vmbreak; }
		vmcase(OP_LSHR) { int s = TOPI(1) & 63; sp--; TOPJ(1) = TOPJ(1) >> s; vmbreak; }
		vmcase(OP_LUSHR) { int s = TOPI(1) & 63; sp--; TOPJ(1) = (int64_t)((uint64_t)TOPJ(1) >> s); vmbreak; }
		vmcase(OP_LAND) sp -= 2; TOPJ(1) &= sp->j; vmbreak;
		vmcase(OP_LOR) sp -= 2; TOPJ(1) |= sp->j; vmbreak;
		vmcase(OP_LXOR) sp -= 2; TOPJ(1) ^= sp->j; vmbreak;
		vmcase(OP_LCMP) { int64_t b = TOPJ(1), a = TOPJ(2); sp -= 3;
			sp[-1].j = a < b ? -1 : a > b; vmbreak; }

		/* ---- float / double ---- */
		vmcase(OP_FADD) { float r = TOPF(2) + TOPF(1); sp--; SETF(1, r); vmbreak; }
		vmcase(OP_FSUB) { float r = TOPF(2) - TOPF(1); sp--; SETF(1, r); vmbreak; }
		vmcase(OP_FMUL) { float r = TOPF(2) * TOPF(1); sp--; SETF(1, r); vmbreak; }
		vmcase(OP_FDIV) { float r = TOPF(2) / TOPF(1); sp--; SETF(1, r); vmbreak; }
		vmcase(OP_FREM) { float r = fmodf(TOPF(2), TOPF(1)); sp--; SETF(1, r); vmbreak; }
		vmcase(OP_FNEG) SETF(1, -TOPF(1)); vmbreak;
		vmcase(OP_DADD) sp -= 2; TOPD(1) = TOPD(1) + sp->d; vmbreak;
		vmcase(OP_DSUB) sp -= 2; TOPD(1) = TOPD(1) - sp->d; vmbreak;
		vmcase(OP_DMUL) sp -= 2; TOPD(1) = TOPD(1) * sp->d; vmbreak;
		vmcase(OP_DDIV) sp -= 2; TOPD(1) = TOPD(1) / sp->d; vmbreak;
		vmcase(OP_DREM) sp -= 2; TOPD(1) = fmod(TOPD(1), sp->d); vmbreak;
		vmcase(OP_DNEG) TOPD(1) = -TOPD(1); vmbreak;
		vmcase(OP_FCMPL) { int r = vn_fcmp(TOPF(2), TOPF(1), -1); sp--; SETI(1, r); vmbreak; }
		vmcase(OP_FCMPG) { int r = vn_fcmp(TOPF(2), TOPF(1), 1); sp--; SETI(1, r); vmbreak; }
		vmcase(OP_DCMPL) { int r = vn_fcmp(TOPD(2), TOPD(1), -1); sp -= 3; SETI(1, r); vmbreak; }
		vmcase(OP_DCMPG) { int r = vn_fcmp(TOPD(2), TOPD(1), 1); sp -= 3; SETI(1, r); vmbreak; }

		/* ---- conversions ---- */
		vmcase(OP_I2L) sp[-1].j = sp[-1].i; sp++; vmbreak;
		vmcase(OP_I2F) SETF(1, (float)TOPI(1)); vmbreak;
		vmcase(OP_I2D) sp[-1].d = (double)sp[-1].i; sp++; vmbreak;
		vmcase(OP_L2I) sp--; SETI(1, (int32_t)(uint32_t)(uint64_t)sp[-1].j); vmbreak;
		vmcase(OP_L2F) { float f = (float)TOPJ(1); sp--; SETF(1, f); vmbreak; }
		vmcase(OP_L2D) TOPD(1) = (double)TOPJ(1); vmbreak;
		vmcase(OP_F2I) SETI(1, vn_f2i(TOPF(1))); vmbreak;
		vmcase(OP_F2L) sp[-1].j = vn_d2l(sp[-1].f); sp++; vmbreak;
		vmcase(OP_F2D) sp[-1].d = (double)sp[-1].f; sp++; vmbreak;
		vmcase(OP_D2I) { int32_t r = vn_f2i(TOPD(1)); sp--; SETI(1, r); vmbreak; }
		vmcase(OP_D2L) TOPJ(1) = vn_d2l(TOPD(1)); vmbreak;
		vmcase(OP_D2F) { float f = (float)TOPD(1); sp--; SETF(1, f); vmbreak; }
		vmcase(OP_I2B) SETI(1, (int8_t)TOPI(1)); vmbreak;
		vmcase(OP_I2C) SETI(1, (uint16_t)TOPI(1)); vmbreak;
		vmcase(OP_I2S) SETI(1, (int16_t)TOPI(1)); vmbreak;

		/* ---- branches ---- */
		vmcase(OP_IFEQ) if ((--sp)->i == 0) JUMP(); vmbreak;
		vmcase(OP_IFNE) if ((--sp)->i != 0) JUMP(); vmbreak;
		vmcase(OP_IFLT) if ((--sp)->i < 0) JUMP(); vmbreak;
		vmcase(OP_IFGE) if ((--sp)->i >= 0) JUMP(); vmbreak;
		vmcase(OP_IFGT) if ((--sp)->i > 0) JUMP(); vmbreak;
		vmcase(OP_IFLE) if ((--sp)->i <= 0) JUMP(); vmbreak;
		vmcase(OP_IF_ICMPEQ) sp -= 2; if (sp[0].i == sp[1].i) JUMP(); vmbreak;
		vmcase(OP_IF_ICMPNE) sp -= 2; if (sp[0].i != sp[1].i) JUMP(); vmbreak;
		vmcase(OP_IF_ICMPLT) sp -= 2; if (sp[0].i < sp[1].i) JUMP(); vmbreak;
		vmcase(OP_IF_ICMPGE) sp -= 2; if (sp[0].i >= sp[1].i) JUMP(); vmbreak;
		vmcase(OP_IF_ICMPGT) sp -= 2; if (sp[0].i > sp[1].i) JUMP(); vmbreak;
		vmcase(OP_IF_ICMPLE) sp -= 2; if (sp[0].i <= sp[1].i) JUMP(); vmbreak;
		vmcase(OP_IF_ACMPEQ) sp -= 2; if (sp[0].a == sp[1].a) JUMP(); vmbreak;
		vmcase(OP_IF_ACMPNE) sp -= 2; if (sp[0].a != sp[1].a) JUMP(); vmbreak;
		vmcase(OP_IFNULL) if ((--sp)->a == NULL) JUMP(); vmbreak;
		vmcase(OP_IFNONNULL) if ((--sp)->a != NULL) JUMP(); vmbreak;
		vmcase(OP_GOTO) JUMP(); vmbreak;
		vmcase(OP_TABLESWITCH) { struct vn_switch *s = in->u.p; int32_t k = (--sp)->i;
			int64_t d = (int64_t)k - s->low;
			int32_t t = (d >= 0 && d < s->n) ? s->targets[d] : s->def;
			if (--vm->budget < 0) { SAVE(); vn_budget_out(vm); }
			ip = code + t; vmbreak; }
		vmcase(OP_LOOKUPSWITCH) { struct vn_switch *s = in->u.p; int32_t k = (--sp)->i;
			int32_t lo = 0, hi = s->n - 1, t = s->def;
			while (lo <= hi) {
				int32_t mid = lo + (hi - lo) / 2;
				if (s->keys[mid] == k) { t = s->targets[mid]; break; }
				if (s->keys[mid] < k) lo = mid + 1; else hi = mid - 1;
			}
			if (--vm->budget < 0) { SAVE(); vn_budget_out(vm); }
			ip = code + t; vmbreak; }

		/* ---- fields ---- */
		vmcase(Q_GETF_B) { struct vn_obj *o = sp[-1].a; NULLCHK(o); sp[-1].j = VN_FIELD(o, A_, int8_t); vmbreak; }
		vmcase(Q_GETF_C) { struct vn_obj *o = sp[-1].a; NULLCHK(o); sp[-1].j = VN_FIELD(o, A_, uint16_t); vmbreak; }
		vmcase(Q_GETF_S) { struct vn_obj *o = sp[-1].a; NULLCHK(o); sp[-1].j = VN_FIELD(o, A_, int16_t); vmbreak; }
		vmcase(Q_GETF_I) { struct vn_obj *o = sp[-1].a; NULLCHK(o); sp[-1].j = VN_FIELD(o, A_, int32_t); vmbreak; }
		vmcase(Q_GETF_J) { struct vn_obj *o = sp[-1].a; NULLCHK(o); sp[-1].j = VN_FIELD(o, A_, int64_t); sp++; vmbreak; }
		vmcase(Q_GETF_A) { struct vn_obj *o = sp[-1].a; NULLCHK(o); sp[-1].a = VN_FIELD(o, A_, struct vn_obj *); vmbreak; }
		vmcase(Q_PUTF_B) { struct vn_obj *o = sp[-2].a; NULLCHK(o); VN_FIELD(o, A_, int8_t) = (int8_t)sp[-1].i; sp -= 2; vmbreak; }
		vmcase(Q_PUTF_Z) { struct vn_obj *o = sp[-2].a; NULLCHK(o); VN_FIELD(o, A_, int8_t) = (int8_t)(sp[-1].i & 1); sp -= 2; vmbreak; }
		vmcase(Q_PUTF_S) { struct vn_obj *o = sp[-2].a; NULLCHK(o); VN_FIELD(o, A_, int16_t) = (int16_t)sp[-1].i; sp -= 2; vmbreak; }
		vmcase(Q_PUTF_I) { struct vn_obj *o = sp[-2].a; NULLCHK(o); VN_FIELD(o, A_, int32_t) = sp[-1].i; sp -= 2; vmbreak; }
		vmcase(Q_PUTF_J) { struct vn_obj *o = sp[-3].a; NULLCHK(o); VN_FIELD(o, A_, int64_t) = sp[-2].j; sp -= 3; vmbreak; }
		vmcase(Q_PUTF_A) { struct vn_obj *o = sp[-2].a, *v = sp[-1].a; NULLCHK(o);
			struct vn_obj **slot = &VN_FIELD(o, A_, struct vn_obj *);
			if (ISPKT(v) || ISPKT(*slot)) { SAVE(); vn_pkt_store(vm, *slot, v); }
			*slot = v; sp -= 2; vmbreak; }
		vmcase(Q_GETS_B) CLINIT(in->u.c); PUSHI(*(int8_t *)(in->u.c->statics + A_)); vmbreak;
		vmcase(Q_GETS_C) CLINIT(in->u.c); PUSHI(*(uint16_t *)(in->u.c->statics + A_)); vmbreak;
		vmcase(Q_GETS_S) CLINIT(in->u.c); PUSHI(*(int16_t *)(in->u.c->statics + A_)); vmbreak;
		vmcase(Q_GETS_I) CLINIT(in->u.c); PUSHI(*(int32_t *)(in->u.c->statics + A_)); vmbreak;
		vmcase(Q_GETS_J) CLINIT(in->u.c); PUSHJ(*(int64_t *)(in->u.c->statics + A_)); vmbreak;
		vmcase(Q_GETS_A) CLINIT(in->u.c); PUSHA(*(struct vn_obj **)(in->u.c->statics + A_)); vmbreak;
		vmcase(Q_PUTS_B) CLINIT(in->u.c); *(int8_t *)(in->u.c->statics + A_) = (int8_t)(--sp)->i; vmbreak;
		vmcase(Q_PUTS_Z) CLINIT(in->u.c); *(int8_t *)(in->u.c->statics + A_) = (int8_t)((--sp)->i & 1); vmbreak;
		vmcase(Q_PUTS_S) CLINIT(in->u.c); *(int16_t *)(in->u.c->statics + A_) = (int16_t)(--sp)->i; vmbreak;
		vmcase(Q_PUTS_I) CLINIT(in->u.c); *(int32_t *)(in->u.c->statics + A_) = (--sp)->i; vmbreak;
		vmcase(Q_PUTS_J) CLINIT(in->u.c); sp -= 2; *(int64_t *)(in->u.c->statics + A_) = sp->j; vmbreak;
		vmcase(Q_PUTS_A) { CLINIT(in->u.c); struct vn_obj *v = sp[-1].a;
			struct vn_obj **slot = (struct vn_obj **)(in->u.c->statics + A_);
			if (ISPKT(v) || ISPKT(*slot)) { SAVE(); vn_pkt_store(vm, *slot, v); }
			*slot = v; sp--; vmbreak; }

		/* ---- objects ---- */
		vmcase(Q_NEW) { struct vn_class *c = in->u.c; CLINIT(c); SAVE();
			struct vn_obj *o = vn_new_object(vm, c); PUSHA(o); vmbreak; }
		vmcase(Q_NEWARRAY) { int32_t n = sp[-1].i;
			if (n < 0) THROWF(vn_throw_negsize, n);
			SAVE(); sp[-1].a = vn_new_array(vm, in->u.c, n); vmbreak; }
		vmcase(Q_ANEWARRAY) { int32_t n = sp[-1].i;
			if (n < 0) THROWF(vn_throw_negsize, n);
			SAVE(); sp[-1].a = vn_new_array(vm, in->u.c, n); vmbreak; }
		vmcase(Q_MULTIANEWARRAY) { int nd = B_; int32_t lens[256];
			for (int k = 0; k < nd; k++) {
				lens[k] = sp[k - nd].i;
				if (lens[k] < 0) THROWF(vn_throw_negsize, lens[k]);
			}
			if (nd > VN_MAX_TMPROOTS / 2) { SAVE(); vn_abort(vm, "multianewarray with %d dimensions", nd); }
			SAVE();
			struct vn_obj *a = vn_multianew(vm, in->u.c, lens, nd);
			sp -= nd; PUSHA(a); vmbreak; }
		vmcase(Q_CHECKCAST) { struct vn_obj *o = sp[-1].a;
			if (o && o->cls != in->u.c && !vn_class_sub(o->cls, in->u.c))
				THROWF(vn_throw_cast, o->cls, in->u.c);
			vmbreak; }
		vmcase(Q_INSTANCEOF) { struct vn_obj *o = sp[-1].a;
			SETI(1, o && (o->cls == in->u.c || vn_class_sub(o->cls, in->u.c))); vmbreak; }
		vmcase(OP_ATHROW) { struct vn_obj *o = sp[-1].a; NULLCHK(o);
			SAVE(); vm->exc = o; goto exc; }
		vmcase(Q_CONCAT) { struct vn_concat *k = in->u.p; vn_slot *args = sp - k->nslots;
			SAVE(); struct vn_obj *s = vn_concat(vm, k, args);
			if (!s) goto exc;
			sp = args; PUSHA(s); vmbreak; }

		/* ---- superinstructions (see fuse() in prep.c) ---- */
		vmcase(Q_LOAD2) sp[0] = LOCAL(A_); sp[1] = LOCAL(B_); sp += 2; ip = in + 2; vmbreak;
#define LLCMP(OP, cond) vmcase(OP) { int32_t x_ = LOCAL(A_).i, y_ = LOCAL(B_).i; \
			if (cond) JUMPTO((int32_t)in->u.j, 2); else ip = in + 3; vmbreak; }
		LLCMP(Q_LLCMP_EQ, x_ == y_) LLCMP(Q_LLCMP_NE, x_ != y_) LLCMP(Q_LLCMP_LT, x_ < y_)
		LLCMP(Q_LLCMP_GE, x_ >= y_) LLCMP(Q_LLCMP_GT, x_ > y_) LLCMP(Q_LLCMP_LE, x_ <= y_)
#define LKCMP(OP, cond) vmcase(OP) { int32_t x_ = LOCAL(A_).i, y_ = (int32_t)(in->u.j >> 32); \
			if (cond) JUMPTO((int32_t)(uint32_t)in->u.j, 2); else ip = in + 3; vmbreak; }
		LKCMP(Q_LKCMP_EQ, x_ == y_) LKCMP(Q_LKCMP_NE, x_ != y_) LKCMP(Q_LKCMP_LT, x_ < y_)
		LKCMP(Q_LKCMP_GE, x_ >= y_) LKCMP(Q_LKCMP_GT, x_ > y_) LKCMP(Q_LKCMP_LE, x_ <= y_)
#define LIF(OP, cond) vmcase(OP) { int32_t x_ = LOCAL(A_).i; \
			if (cond) JUMPTO((int32_t)in->u.j, 1); else ip = in + 2; vmbreak; }
		LIF(Q_LIF_EQ, x_ == 0) LIF(Q_LIF_NE, x_ != 0) LIF(Q_LIF_LT, x_ < 0)
		LIF(Q_LIF_GE, x_ >= 0) LIF(Q_LIF_GT, x_ > 0) LIF(Q_LIF_LE, x_ <= 0)
		vmcase(Q_LLADD_S) LOCAL(in->u.j).j = (int32_t)((uint32_t)LOCAL(A_).i + (uint32_t)LOCAL(B_).i);
			ip = in + 4; vmbreak;
		vmcase(Q_LLSUB_S) LOCAL(in->u.j).j = (int32_t)((uint32_t)LOCAL(A_).i - (uint32_t)LOCAL(B_).i);
			ip = in + 4; vmbreak;
		vmcase(Q_LGETF_I) { struct vn_obj *o = LOCAL(A_).a;
			if (!o) { ip = in + 2; NPE(); }
			(sp++)->j = VN_FIELD(o, B_, int32_t); ip = in + 2; vmbreak; }
		vmcase(Q_LGETF_A) { struct vn_obj *o = LOCAL(A_).a;
			if (!o) { ip = in + 2; NPE(); }
			(sp++)->a = VN_FIELD(o, B_, struct vn_obj *); ip = in + 2; vmbreak; }

		/* ---- calls ---- */
		vmcase(Q_INVOKESTATIC) callee = in->u.m; CLINIT(callee->cls); goto call;
		vmcase(Q_INVOKESPECIAL) callee = in->u.m; NULLCHK(sp[-(int)B_].a); goto call;
		vmcase(Q_INVOKEFINAL) callee = in->u.m; NULLCHK(sp[-(int)B_].a); goto call;
		vmcase(Q_INVOKEVIRTUAL) { struct vn_obj *o = sp[-(int)B_].a; NULLCHK(o);
			callee = o->cls->vtable[A_]; goto call; }
		vmcase(Q_INVOKEIFACE) { struct vn_obj *o = sp[-(int)B_].a; NULLCHK(o);
			struct vn_icache *ic = in->u.p;
			if (ic->last == o->cls) {
				callee = ic->target;
			} else {
				SAVE();
				callee = vn_iface_target(vm, ic, o->cls);
				if (!callee) goto exc;
			}
			goto call; }

		vmcase(OP_IRETURN) rv = sp[-1]; nret = 1; goto ret;
		vmcase(OP_LRETURN) rv = sp[-2]; nret = 2; goto ret;
		vmcase(OP_RETURN) rv.raw = 0; nret = 0; goto ret;

#ifdef VN_CGOTO
		L_bad:
#else
		default:
#endif
			SAVE();
			vn_abort(vm, "internal error: opcode %u in %s.%s", in->op, fr->m->cls->name, fr->m->name);
		}
		continue;

	call: {
		struct vn_method *cm = callee;
		vn_slot *args = sp - cm->nargs;
		if (cm->native) {
			SAVE();
			vn_slot r;
			r.raw = 0;
			cm->native(vm, args, &r);
			if (vm->exc)
				goto exc;
			sp = args;
			switch (cm->ret) {
			case 'V': break;
			case 'J': case 'D': *sp = r; sp += 2; break;
			default: *sp++ = r; break;
			}
			continue;
		}
		if (!cm->prep) {
			SAVE();
			if (!cm->code)
				THROWF(vn_throw_abstract, cm);
			if (vn_prepare(vm, cm))
				vn_abort(vm, "%s", vm->err);
		}
		if (--vm->budget < 0) {
			SAVE();
			vn_budget_out(vm);
		}
		if (vm->nframes >= vm->lim.max_depth) {
			SAVE();
			vn_call_limit_abort(vm, cm, 0);
		}
		if (args + cm->max_locals + cm->max_stack > vm->stack_end) {
			SAVE();
			vn_call_limit_abort(vm, cm, 1);
		}
		fr->ip = ip;
		fr->sp = args;
		fr = &vm->frames[vm->nframes++];
		fr->m = cm;
		fr->lv = lv = args;
		fr->entry = false;
		sp = lv + cm->max_locals;
		fr->sp = sp;
		code = ip = cm->prep->code;
		fr->ip = ip;
		if (vn_jit_hot(vm, cm)) {   /* compiled: run it on the frame just pushed */
			if (((vn_jit_fn)cm->jit_code)(vm, fr, &rv))
				goto exc;
			nret = cm->ret == 'V' ? 0 : cm->ret == 'J' || cm->ret == 'D' ? 2 : 1;
			goto ret;
		}
		continue;
	}

	ret: {
		bool entry = fr->entry;
		vm->nframes--;
		if (entry) {
			*ret = rv;
			return 0;
		}
		fr = &vm->frames[vm->nframes - 1];
		lv = fr->lv;
		sp = fr->sp;
		ip = fr->ip;
		code = fr->m->prep->code;
		if (nret == 1)
			*sp++ = rv;
		else if (nret == 2) {
			*sp = rv;
			sp += 2;
		}
		continue;
	}

	exc: {
		struct vn_obj *e = vm->exc;
		for (;;) {
			struct vn_prep *p = fr->m->prep;
			uint32_t cur = (uint32_t)(fr->ip - p->code) - 1;
			const struct vn_pexc *h = NULL;
			for (uint32_t k = 0; k < p->nexc; k++) {
				const struct vn_pexc *x = &p->exc[k];
				if (cur >= x->start && cur < x->end &&
				    (!x->type || e->cls == x->type || vn_class_sub(e->cls, x->type))) {
					h = x;
					break;
				}
			}
			if (h) {
				vm->exc = NULL;
				lv = fr->lv;
				sp = lv + fr->m->max_locals;
				PUSHA(e);
				code = p->code;
				ip = code + h->handler;
				break;
			}
			bool entry = fr->entry;
			vm->nframes--;
			if (entry)
				return -1;
			fr = &vm->frames[vm->nframes - 1];
		}
		continue;
	}
	}
}

static _Noreturn void stack_limit_abort(struct vn_vm *vm)
{
	vn_abort(vm, "stack size limit exceeded (%u slots)", vm->lim.stack_slots);
}

/* Push the frame of a call from the host (its arguments already at base). */
static struct vn_frame *push_entry_frame(struct vn_vm *vm, struct vn_method *m, vn_slot *base)
{
	struct vn_frame *fr = &vm->frames[vm->nframes++];
	vn_frame_enter(fr, m, base);
	vm->c_depth++;
	return fr;
}

int vn_call(struct vn_vm *vm, struct vn_method *m, const vn_slot *args, vn_slot *ret)
{
	ret->raw = 0;
	vn_slot *base = vm->nframes ? vm->frames[vm->nframes - 1].sp : vm->stack;
	if (vm->ntop && vm->ntop > base)
		base = vm->ntop;
	if (m->native) {
		if (base + m->nargs > vm->stack_end)
			stack_limit_abort(vm);
		if (m->nargs)
			memcpy(base, args, m->nargs * sizeof(vn_slot));
		vn_slot *saved = vm->ntop;
		vm->ntop = base + m->nargs;
		m->native(vm, base, ret);
		vm->ntop = saved;
		return vm->exc ? -1 : 0;
	}
	if (!m->prep && vn_prepare(vm, m))
		vn_abort(vm, "%s", vm->err);
	if (vm->c_depth >= 200)
		vn_abort(vm, "nested calls from native code too deep");
	if (vm->nframes >= vm->lim.max_depth)
		vn_abort(vm, "stack depth limit exceeded (%u frames) calling %s.%s",
			 vm->lim.max_depth, m->cls->name, m->name);
	if (base + m->max_locals + m->max_stack > vm->stack_end)
		stack_limit_abort(vm);
	switch (m->nargs) {     /* the host's calls pass one or two: no memcpy call for those */
	case 2: base[1] = args[1]; /* fall through */
	case 1: base[0] = args[0]; /* fall through */
	case 0: break;
	default: memcpy(base, args, m->nargs * sizeof(vn_slot)); break;
	}
	struct vn_frame *fr = push_entry_frame(vm, m, base);
	int r = vn_jit_hot(vm, m) ? vn_jit_run_entry(vm, fr, ret) : run(vm, ret, false);
	vm->c_depth--;
	return r;
}

int vn_interp_run(struct vn_vm *vm, vn_slot *ret, bool exc_pending)
{
	return run(vm, ret, exc_pending);
}
