/* viflet_jit_cc.h — the VIFlet JIT compiler's state, shared by its code
 * generator (viflet_jit.c) and the calls it compiles in place
 * (viflet_jit_inline.c: inlined bodies, intrinsics). x86-64 only. */
#ifndef VIFLET_JIT_CC_H
#define VIFLET_JIT_CC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "viflet_jit_int.h"
#include "x86_emit.h"

/* JVM opcodes the prepared code keeps (vm/interp.c has the same list) */
enum {
	J_NOP = 0, J_ILOAD = 21, J_LLOAD = 22, J_IALOAD = 46, J_LALOAD = 47, J_AALOAD = 50, J_BALOAD = 51,
	J_CALOAD = 52, J_SALOAD = 53, J_ISTORE = 54, J_LSTORE = 55, J_IASTORE = 79, J_LASTORE = 80,
	J_AASTORE = 83, J_BASTORE = 84, J_CASTORE = 85, J_SASTORE = 86, J_POP = 87, J_POP2 = 88,
	J_DUP = 89, J_DUP_X1 = 90, J_DUP_X2 = 91, J_DUP2 = 92, J_DUP2_X1 = 93, J_DUP2_X2 = 94,
	J_SWAP = 95, J_IADD = 96, J_LADD = 97, J_ISUB = 100, J_LSUB = 101, J_IMUL = 104, J_LMUL = 105,
	J_IDIV = 108, J_LDIV = 109, J_IREM = 112, J_LREM = 113, J_INEG = 116, J_LNEG = 117,
	J_ISHL = 120, J_LSHL = 121, J_ISHR = 122, J_LSHR = 123, J_IUSHR = 124, J_LUSHR = 125,
	J_IAND = 126, J_LAND = 127, J_IOR = 128, J_LOR = 129, J_IXOR = 130, J_LXOR = 131,
	J_IINC = 132, J_I2L = 133, J_L2I = 136, J_I2B = 145, J_I2C = 146, J_I2S = 147, J_LCMP = 148,
	J_IFEQ = 153, J_IFLE = 158, J_IF_ICMPEQ = 159, J_IF_ICMPLE = 164, J_IF_ACMPEQ = 165,
	J_IF_ACMPNE = 166, J_GOTO = 167, J_TABLESWITCH = 170, J_LOOKUPSWITCH = 171, J_IRETURN = 172,
	J_LRETURN = 173, J_RETURN = 177, J_ARRAYLENGTH = 190, J_ATHROW = 191, J_IFNULL = 198,
	J_IFNONNULL = 199,
};

enum { K_MEM, K_CONST, K_LOCAL, K_REG };

struct ventry {
	uint8_t kind, w;        /* w: slots (1, or 2 for long/double) */
	int8_t reg;
	int32_t v;              /* K_CONST: the int; K_LOCAL: local index */
	/* reg: K_REG: the scratch register owned; K_LOCAL: the register caching the local, or -1 */
	int32_t pos;            /* operand slot index */
};

struct stub { uint32_t label, insn; int kind; int8_t arr, idx; int32_t imm; };

/* Scratch memory of one compilation: a block the VM keeps for all its
 * compilations, bump-allocated (nothing is freed one by one); sized for the
 * method before compiling (scratch_need), so an allocation cannot fail. */
struct scratch { uint8_t *p; size_t cap, used; };

static inline void *sc_alloc(struct scratch *s, size_t n, bool zero)
{
	size_t at = (s->used + 15) & ~(size_t)15;
	if (at > s->cap || s->cap - at < n + 1)
		return NULL;
	s->used = at + n;
	if (zero)
		memset(s->p + at, 0, n);
	return s->p + at;
}
#define SC_ARRAY(s, n, T, zero) ((T *)sc_alloc((s), (size_t)(n) * sizeof(T), (zero)))

/* The VIFNET_JIT_* experiment switches (docs/jit.md) */
struct jit_env { bool nodirect, noregcache, noinvert, nonull, nointrinsic, noinline, debug; const char *dump; };

#define MAXDEF 12
#define FR_AT 8             /* [rsp + FR_AT]: the frame */
#define LBL_PER 12          /* scratch labels per instruction */

struct cc {
	struct x86_jit j;
	struct vn_vm *vm;
	struct vn_method *m;
	struct vn_prep *p;
	int32_t base;           /* byte offset of local 0 from r12 (an inlined body's: its arguments) */
	uint32_t lbase, l_exits;   /* first label of the instructions; the exits' (L_EXC...) */
	uint32_t *lnext;        /* the next free label for an inlined body (the method's counter) */
	bool inlined;           /* an inlined body (jit_inline_site) */
	bool this_nn;           /* an inlined body: local 0 is the receiver, checked, never written */
	bool inline_failed;     /* an inlined body could not be compiled: compile again without */
	uint32_t nlabels, lnext_val;
	uint32_t l_ret;         /* an inlined body: where its returns go (after the call) */
	struct scratch *sc;
	uint32_t *labels;       /* the emitter's tables */
	struct x86_fixup *fix;
	int32_t *depth;         /* operand depth at each insn, -1: unreachable */
	uint8_t *target;        /* insn is a branch target */
	uint32_t ml, n;
	int32_t d;              /* current depth */
	struct ventry e[MAXDEF];
	int ne;
	uint16_t busy;          /* scratch registers holding deferred values or temporaries */
	int8_t *creg;           /* local -> register caching it, or -1 */
	uint16_t cmask;         /* caller-saved registers caching locals (not scratch) */
	uint16_t nvmask;        /* callee-saved registers caching locals (saved by the prologue) */
	uint32_t *vloc; uint32_t nvloc;  /* locals cached in caller-saved registers */
	uint32_t *wloc; uint32_t nwloc;  /* cached locals the method writes */
	uint64_t *nn;           /* per insn: locals known non-null (nonnull_analysis) */
	uint64_t nn_out;
	int skip;               /* the next instructions compiled with this one (their number) */
	const void *call_stub;  /* the VM's shared call sequence (emit_call_stub), or NULL */
	uint32_t dirty;         /* bit k: wloc[k]'s slot is stale */
	struct jit_env env;     /* experiments */
	struct stub *stubs; uint32_t nstubs;
	uint32_t cur;           /* insn being compiled */
	int nlbl;               /* scratch labels used by the current insn */
	bool fail;
	/* an inlined body (jit_inline_site): the method it is compiled into,
	 * where a helper's exception goes (the callee's frame made for it is
	 * popped there), and the frames made by jit_sync_frame that no
	 * jit_check_exc has closed yet */
	const struct cc *outer;
	uint32_t l_inl_exc;
	int framed;
};

/* Labels: this body's instructions (lbase + i), then LBL_PER scratch labels
 * per instruction, then the method's exits (shared by inlined bodies, whose
 * label ranges follow: jit_inline_site). */
#define LBL(c, i) ((c)->lbase + (uint32_t)(i))
/* Marks labels from..from+n-1 unbound before their first use (the table is
 * not filled as a whole: generate) */
static inline void jit_unset_labels(struct cc *c, uint32_t from, uint32_t n)
{
	memset(c->j.labels + from, 0xff, (size_t)n * sizeof(uint32_t));     /* X86_UNBOUND */
}
#define L_EXC(c)  ((c)->l_exits)
#define NLABELS(n) ((size_t)(n) * (LBL_PER + 1) + 8)
#define NFIX(n) ((size_t)(n) * 4 + 64)       /* jumps: usually fewer (more: the emitter allocates) */
#define L_EPI(c)  (L_EXC(c) + 1)
#define L_BUDG(c) (L_EXC(c) + 2)
#define L_THROW(c) (L_EXC(c) + 3)
#define FRAME_BYTES 40      /* [rsp] result pointer, [rsp+8] fr, [rsp+16] a callee's result,
			       [rsp+24]/[rsp+32] index/array of a bounds fault; 16-byte aligned */

/* viflet_jit.c: the operand stack, registers, labels and templates the
 * in-place calls build on (see there) */
/* byte offsets from r12 of local n and of operand slot pos */
static inline int32_t jit_local_off(const struct cc *c, uint32_t n) { return c->base + (int32_t)(n * sizeof(vn_slot)); }
static inline int32_t jit_slot_off(const struct cc *c, int32_t pos)
{
	return c->base + (int32_t)((c->ml + (uint32_t)pos) * sizeof(vn_slot));
}
static inline void jit_free_reg(struct cc *c, int r) { c->busy &= (uint16_t)~(1u << r); }
/* prep.c fuses sequences starting with a load into superinstructions but
 * leaves the sequence in place with the load's operand; the JIT compiles the
 * sequence itself, so a fused op is just that load. */
static inline bool jit_is_fused(uint16_t op) { return op >= Q_LOAD2 && op < Q_LAST; }
/* if<cond>, if_icmp<cond>, ifnull, ifnonnull and goto: a jump to insn a */
static inline bool jit_is_branch(int op)
{
	return (op >= J_IFEQ && op <= J_GOTO) || op == J_IFNULL || op == J_IFNONNULL;
}
/* An instruction the next one does not follow: goto, a return, athrow, a switch */
static inline bool jit_no_fallthrough(int op)
{
	return op == J_GOTO || op == J_IRETURN || op == J_LRETURN || op == J_RETURN || op == J_ATHROW ||
	       op == J_TABLESWITCH || op == J_LOOKUPSWITCH;
}
int jit_alloc_reg(struct cc *c);
void jit_push_reg(struct cc *c, int r, int w);
struct ventry jit_pop(struct cc *c, int w);
void jit_flush(struct cc *c);
int jit_to_reg_ro(struct cc *c, const struct ventry *v);
uint32_t jit_newlabel(struct cc *c);
void jit_null_check(struct cc *c, int r);
void jit_budget_tick(struct cc *c);
void jit_writeback(struct cc *c);
void jit_store_dirty(struct cc *c, uint16_t regs);
void jit_sync_frame(struct cc *c);
void jit_frame_at_insn(struct x86_jit *j, const struct cc *c);
void jit_call_helper(struct cc *c, const void *fn);
void jit_native_call(struct cc *c, const struct vn_insn *in, int nargs);
bool jit_analyze(struct cc *c);
void jit_body(struct cc *c);
void jit_budget_wb(struct cc *c);
void jit_reload_volatile(struct cc *c);
void jit_args_vm_fr_in(struct cc *c);   /* rdi = vm, rsi = fr, rdx = the current insn */
void jit_check_exc(struct cc *c);       /* eax != 0: to the exception exit */
void jit_fault_stubs(struct x86_jit *j, const struct stub *s, uint32_t n, uint32_t tail);

/* eax = vm->nframes, compared with the depth limit (a frame may be pushed
 * while it is below) */
static inline void jit_cmp_depth(struct x86_jit *j)
{
	emit_load(j, 4, X86_RAX, X86_RBX, (int32_t)offsetof(struct vn_vm, nframes));
	emit_alu_load(j, 0, X86_CMP, X86_RAX, X86_RBX,
		      (int32_t)(offsetof(struct vn_vm, lim) + offsetof(struct vn_vm_limits, max_depth)));
}
/* For vn_call_limit_abort: edx = 0 if the depth is the limit broken, else
 * 1 (the slot stack). Clobbers eax. */
static inline void jit_limit_kind(struct x86_jit *j)
{
	emit_zero32(j, X86_RDX);
	jit_cmp_depth(j);
	emit_setcc(j, X86_CC_B, X86_RDX);
}
/* rax (= vm->nframes) = &vm->frames[vm->nframes++] */
static inline void jit_frame_push(struct x86_jit *j)
{
	emit_imul_imm32(j, 1, X86_RAX, X86_RAX, (int32_t)sizeof(struct vn_frame));
	emit_alu_load(j, 1, X86_ADD, X86_RAX, X86_RBX, (int32_t)offsetof(struct vn_vm, frames));
	emit_inc_mem(j, 0, X86_RBX, (int32_t)offsetof(struct vn_vm, nframes));
}

/* viflet_jit_call.c: calling sequences */
enum { CALL_KNOWN, CALL_VIRTUAL, CALL_IFACE };
bool jit_direct_call_ok(struct cc *c, const struct vn_insn *in, bool native);
uint32_t jit_call_site(struct cc *c, const struct vn_insn *in, int nargs, int kind, bool checked);
const void *jit_call_stub(struct vn_vm *vm);

/* viflet_jit_inline.c: calls compiled in place */
bool jit_packet_intrinsic(struct cc *c, const struct vn_insn *in, int nargs);
bool jit_nanotime_intrinsic(struct cc *c, const struct vn_insn *in);
struct vn_method *jit_inline_target(struct cc *c, const struct vn_insn *in, struct vn_class **guard);
uint32_t jit_inline_labels(const struct vn_method *cm);
size_t jit_inline_scratch(const struct vn_method *cm);
int jit_inline_site(struct cc *c, const struct vn_insn *in, int nargs, uint32_t *done);
void jit_inline_frame(struct x86_jit *j, const struct cc *o, const struct vn_method *cm, int32_t args,
		      int32_t sp, const struct vn_insn *ip);
void jit_outer_writeback(struct x86_jit *j, const struct cc *o);

#endif
