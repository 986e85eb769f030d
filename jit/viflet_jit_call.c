/* viflet_jit_call.c — the VIFlet JIT's calling sequences: the call stub
 * (the interpreter's call sequence in machine code, emitted once per VM),
 * the same work done in place for a callee known when compiling, call
 * sites (known, virtual through the vtable, interface through the call
 * site's cache, else the helper) and natives called directly. x86-64 only;
 * the compiler's state and the templates these build on: viflet_jit_cc.h. */
#include <stddef.h>
#include <stdio.h>

#include "viflet_jit_int.h"

#if defined(__x86_64__)

#include "viflet_jit_cc.h"

/* A call whose target is known when compiling (static with the class
 * initialized, special, final) to a bytecode method, or a native one. */
bool jit_direct_call_ok(struct cc *c, const struct vn_insn *in, bool native)
{
	if (c->env.nodirect)
		return false;
	if (in->op != Q_INVOKESTATIC && in->op != Q_INVOKESPECIAL && in->op != Q_INVOKEFINAL)
		return false;
	const struct vn_method *cm = in->u.m;
	if (native ? !cm->native : (cm->native || !cm->code))
		return false;
	return in->op != Q_INVOKESTATIC || cm->cls->state == CS_INITIALIZED;
}

/* The call stub's work for a callee known when compiling (rsi = cm, rcx =
 * its arguments, the callee compiled), at the call site: its frame size a
 * constant, no call into the stub and back. The same checks in the same
 * order, with the same aborts; a callee that threw goes to the interpreter
 * on its frame, as from the stub. eax as the stub returns it, at `out`;
 * a return without exception goes to `ok` (past the test of eax). */
static void direct_frame_call(struct cc *c, const struct vn_method *cm, uint32_t out, uint32_t ok)
{
	struct x86_jit *j = &c->j;
	const int32_t res = 16;       /* [rsp+16]: the callee's result */
	uint32_t threw = jit_newlabel(c), lim = jit_newlabel(c);
	jit_budget_tick(c);
	jit_cmp_depth(j);
	emit_jcc(j, X86_CC_AE, lim);
	emit_lea(j, 1, X86_RDX, X86_RCX, -1, 1, (int32_t)(((uint32_t)cm->max_locals + cm->max_stack) * sizeof(vn_slot)));
	emit_alu_load(j, 1, X86_CMP, X86_RDX, X86_RBX, (int32_t)offsetof(struct vn_vm, stack_end));
	emit_jcc(j, X86_CC_A, lim);
	jit_frame_push(j);     /* rax = the callee's frame */
	emit_store(j, 8, X86_RSI, X86_RAX, (int32_t)offsetof(struct vn_frame, m));
	emit_store(j, 8, X86_RCX, X86_RAX, (int32_t)offsetof(struct vn_frame, lv));
	emit_lea(j, 1, X86_RDX, X86_RCX, -1, 1, (int32_t)(cm->max_locals * sizeof(vn_slot)));
	emit_store(j, 8, X86_RDX, X86_RAX, (int32_t)offsetof(struct vn_frame, sp));
	if (cm->prep) {         /* prepared already: its code stays where it is */
		emit_mov_imm64(j, X86_RDX, (uint64_t)(uintptr_t)cm->prep->code);
	} else {
		emit_load(j, 8, X86_RDX, X86_RSI, (int32_t)offsetof(struct vn_method, prep));   /* compiled, so prepared */
		emit_load(j, 8, X86_RDX, X86_RDX, (int32_t)offsetof(struct vn_prep, code));
	}
	emit_store(j, 8, X86_RDX, X86_RAX, (int32_t)offsetof(struct vn_frame, ip));
	emit_store_imm32(j, 1, X86_RAX, (int32_t)offsetof(struct vn_frame, entry), 1);
	/* r8: a cached local's register maybe, but synced and reloaded after the call */
	emit_load(j, 8, X86_R8, X86_RSI, (int32_t)offsetof(struct vn_method, jit_code));
	emit_mov64(j, X86_RSI, X86_RAX);
	emit_mov64(j, X86_RDI, X86_RBX);
	emit_lea(j, 1, X86_RDX, X86_RSP, -1, 1, res);
	jit_budget_wb(c);
	emit_call_reg(j, X86_R8);
	emit_load(j, 8, X86_R13, X86_RBX, (int32_t)offsetof(struct vn_vm, budget));
	emit_test32(j, X86_RAX, X86_RAX);
	emit_jcc(j, X86_CC_NE, threw);
	emit_alu_mem_imm32(j, 0, X86_SUB, X86_RBX, (int32_t)offsetof(struct vn_vm, nframes), 1);
	emit_jmp(j, ok);
	/* the callee threw: the interpreter dispatches from its frame (entry);
	 * 0 if a handler there finished the call, the result in place */
	x86_bind(j, threw);
	emit_mov64(j, X86_RDI, X86_RBX);
	emit_lea(j, 1, X86_RSI, X86_RSP, -1, 1, res);
	emit_mov_imm32(j, X86_RDX, 1);
	jit_call_helper(c, (const void *)vn_interp_run);
	emit_jmp(j, out);
	/* a limit: the depth (edx 0) if it is the one broken, else the stack
	 * (1); abort with the interpreter's message */
	x86_bind(j, lim);
	jit_limit_kind(j);
	emit_mov64(j, X86_RDI, X86_RBX);
	jit_call_helper(c, (const void *)vn_call_limit_abort);   /* rsi = the callee */
}

/* The receiver class an interface call site will most likely see, and
 * its target: the cache's class if it is filled, else the one concrete
 * loaded class implementing the interface (a VIFlet's classifier site is
 * compiled before its first call). NULL: no guess. The site checks the
 * receiver's class against it at run time (a later class takes the cache). */
static struct vn_method *iface_guess(const struct cc *c, const struct vn_icache *ic, struct vn_class **cls)
{
	if (ic->last) {
		*cls = ic->last;
		return ic->target && !ic->target->native && ic->target->code ? ic->target : NULL;
	}
	const struct vn_vm *vm = c->vm;
	struct vn_class *one = NULL;
	for (uint32_t b = 0; b < vm->ctab_size; b++)
		for (struct vn_class *k = vm->ctab[b]; k; k = k->next) {
			if ((k->access & (ACC_INTERFACE | ACC_ABSTRACT)) || k->name[0] == '[' || !k->vtable_len ||
			    !vn_class_sub(k, ic->im->cls))
				continue;
			if (one)
				return NULL;
			one = k;
		}
	*cls = one;
	struct vn_method *t = one ? vn_vtable_find(one, ic->im) : NULL;
	return t && !t->native && t->code ? t : NULL;
}

/* A call to a compiled method without the C helper. The call site finds the
 * callee: known (CALL_KNOWN), through the receiver's vtable (CALL_VIRTUAL),
 * or through the interface call site's cache (CALL_IFACE: a hit only when the
 * receiver's class is the cached one); checks it is compiled, and calls the
 * VM's call stub (emit_call_stub, emitted once per VM) with rsi =
 * the callee, rcx = its arguments — or, for the known callee, the
 * virtual call's resolved method (when the vtable gives it) and the
 * interface call's guessed class (iface_guess), does the stub's work in
 * place (direct_frame_call). Otherwise (not compiled, cache miss) it falls
 * through to the helper call; returns the label after that. checked: the
 * receiver passed its null check already (an inlined call's guard). */
uint32_t jit_call_site(struct cc *c, const struct vn_insn *in, int nargs, int kind, bool checked)
{
	struct x86_jit *j = &c->j;
	char ret = kind == CALL_IFACE ? ((const struct vn_icache *)in->u.p)->im->ret : in->u.m->ret;
	int32_t args = jit_slot_off(c, c->d - nargs);
	uint32_t slow = jit_newlabel(c), done = jit_newlabel(c), out = jit_newlabel(c), ok = jit_newlabel(c), stub = 0;
	const struct vn_method *known = NULL;
	if (kind == CALL_KNOWN)
		known = in->u.m;
	else if (kind == CALL_VIRTUAL && in->a >= 0 && (uint32_t)in->a < in->u.m->cls->vtable_len &&
		 in->u.m->cls->vtable[in->a] == in->u.m)
		known = in->u.m;
	if (in->op != Q_INVOKESTATIC) {     /* (checked: by the inlined call's site, whose guard failed) */
		emit_load(j, 8, X86_RAX, X86_R12, args);
		if (!checked)
			jit_null_check(c, X86_RAX);
	}
	if (kind == CALL_KNOWN) {
		emit_mov_imm64(j, X86_RSI, (uint64_t)(uintptr_t)in->u.m);
	} else {
		emit_load(j, 8, X86_RAX, X86_RAX, (int32_t)offsetof(struct vn_obj, cls));
		if (kind == CALL_VIRTUAL) {
			emit_load(j, 8, X86_RSI, X86_RAX, (int32_t)offsetof(struct vn_class, vtable));
			emit_load(j, 8, X86_RSI, X86_RSI, in->a * (int32_t)sizeof(void *));
			if (known) {    /* another override: the stub */
				stub = jit_newlabel(c);
				emit_mov_imm64(j, X86_RDX, (uint64_t)(uintptr_t)known);
				emit_alu64(j, X86_CMP, X86_RSI, X86_RDX);
				emit_jcc(j, X86_CC_NE, stub);
			}
		} else {
			struct vn_class *gc = NULL;
			known = iface_guess(c, in->u.p, &gc);
			if (known) {    /* the guessed class: its target in place; another: the cache */
				stub = jit_newlabel(c);
				emit_mov_imm64(j, X86_RDX, (uint64_t)(uintptr_t)gc);
				emit_alu64(j, X86_CMP, X86_RAX, X86_RDX);
				emit_jcc(j, X86_CC_NE, stub);
				emit_mov_imm64(j, X86_RSI, (uint64_t)(uintptr_t)known);
			}
		}
	}
	if (known) {
		emit_cmp8_mem_imm(j, X86_RSI, (int32_t)offsetof(struct vn_method, jit_state), VN_JIT_COMPILED);
		emit_jcc(j, X86_CC_NE, slow);
		emit_lea(j, 1, X86_RCX, X86_R12, -1, 1, args);
		direct_frame_call(c, known, out, ok);
	}
	if (!known || stub) {
		if (stub)
			x86_bind(j, stub);
		if (kind == CALL_IFACE) {       /* rax = the receiver's class */
			emit_mov_imm64(j, X86_RDX, (uint64_t)(uintptr_t)in->u.p);
			emit_alu_load(j, 1, X86_CMP, X86_RAX, X86_RDX, (int32_t)offsetof(struct vn_icache, last));
			emit_jcc(j, X86_CC_NE, slow);
			emit_load(j, 8, X86_RSI, X86_RDX, (int32_t)offsetof(struct vn_icache, target));
		}
		emit_cmp8_mem_imm(j, X86_RSI, (int32_t)offsetof(struct vn_method, jit_state), VN_JIT_COMPILED);
		emit_jcc(j, X86_CC_NE, slow);
		emit_lea(j, 1, X86_RCX, X86_R12, -1, 1, args);
		emit_call_abs(j, c->call_stub, X86_RAX);
	}
	x86_bind(j, out);
	emit_test32(j, X86_RAX, X86_RAX);
	emit_jcc(j, X86_CC_NE, L_EXC(c));
	x86_bind(j, ok);
	jit_reload_volatile(c);
	if (ret != 'V') {
		emit_load(j, 8, X86_RAX, X86_RSP, 16);
		emit_store(j, 8, X86_RAX, X86_R12, args);
	}
	emit_jmp(j, done);
	x86_bind(j, slow);
	return done;
}

/* The interpreter's call sequence, shared by every call site of compiled
 * code in a VM (emitted once, by call_stub): with rbx = vm, r13 = the
 * budget, rsi = the compiled callee, rcx = its arguments: budget, depth and
 * stack limits, frame push, the call, frame pop; the result goes to the
 * caller's [rsp+16]. Returns eax 0, or not 0 with an exception pending in
 * the caller (the callee threw and the interpreter found no handler in it). */
static void emit_call_stub(struct x86_jit *j)
{
	const int32_t res = 8 + 8 + 16;     /* the caller's [rsp+16]: past the alignment and the return address */
	enum { L_THREW, L_LIM, L_OUT, L_BUDGET, L_NSTUB };
	emit_alu64_imm32(j, X86_SUB, X86_RSP, 8);
	emit_alu64_imm32(j, X86_SUB, X86_R13, 1);
	emit_jcc(j, X86_CC_S, L_BUDGET);
	jit_cmp_depth(j);
	emit_jcc(j, X86_CC_AE, L_LIM);
	emit_load(j, 2, X86_RDX, X86_RSI, (int32_t)offsetof(struct vn_method, max_locals));
	emit_load(j, 2, X86_RDI, X86_RSI, (int32_t)offsetof(struct vn_method, max_stack));
	emit_alu32(j, X86_ADD, X86_RDX, X86_RDI);
	emit_lea(j, 1, X86_RDX, X86_RCX, X86_RDX, (int)sizeof(vn_slot), 0);
	emit_alu_load(j, 1, X86_CMP, X86_RDX, X86_RBX, (int32_t)offsetof(struct vn_vm, stack_end));
	emit_jcc(j, X86_CC_A, L_LIM);
	/* rdi = &vm->frames[vm->nframes++] */
	emit_imul_imm32(j, 1, X86_RAX, X86_RAX, (int32_t)sizeof(struct vn_frame));
	emit_load(j, 8, X86_RDI, X86_RBX, (int32_t)offsetof(struct vn_vm, frames));
	emit_alu64(j, X86_ADD, X86_RDI, X86_RAX);
	emit_inc_mem(j, 0, X86_RBX, (int32_t)offsetof(struct vn_vm, nframes));
	emit_store(j, 8, X86_RSI, X86_RDI, (int32_t)offsetof(struct vn_frame, m));
	emit_store(j, 8, X86_RCX, X86_RDI, (int32_t)offsetof(struct vn_frame, lv));
	emit_load(j, 2, X86_RDX, X86_RSI, (int32_t)offsetof(struct vn_method, max_locals));
	emit_lea(j, 1, X86_RAX, X86_RCX, X86_RDX, (int)sizeof(vn_slot), 0);
	emit_store(j, 8, X86_RAX, X86_RDI, (int32_t)offsetof(struct vn_frame, sp));
	emit_load(j, 8, X86_RAX, X86_RSI, (int32_t)offsetof(struct vn_method, prep));   /* compiled, so prepared */
	emit_load(j, 8, X86_RAX, X86_RAX, (int32_t)offsetof(struct vn_prep, code));
	emit_store(j, 8, X86_RAX, X86_RDI, (int32_t)offsetof(struct vn_frame, ip));
	emit_store_imm32(j, 1, X86_RDI, (int32_t)offsetof(struct vn_frame, entry), 1);
	emit_load(j, 8, X86_RAX, X86_RSI, (int32_t)offsetof(struct vn_method, jit_code));
	emit_mov64(j, X86_RSI, X86_RDI);
	emit_mov64(j, X86_RDI, X86_RBX);
	emit_lea(j, 1, X86_RDX, X86_RSP, -1, 1, res);
	emit_store(j, 8, X86_R13, X86_RBX, (int32_t)offsetof(struct vn_vm, budget));
	emit_call_reg(j, X86_RAX);
	emit_load(j, 8, X86_R13, X86_RBX, (int32_t)offsetof(struct vn_vm, budget));
	emit_test32(j, X86_RAX, X86_RAX);
	emit_jcc(j, X86_CC_NE, L_THREW);
	emit_alu_mem_imm32(j, 0, X86_SUB, X86_RBX, (int32_t)offsetof(struct vn_vm, nframes), 1);
	x86_bind(j, L_OUT);
	emit_alu64_imm32(j, X86_ADD, X86_RSP, 8);
	emit_ret(j);
	/* the callee threw: the interpreter dispatches from its frame (entry);
	 * 0 if a handler there finished the call, the result in place */
	x86_bind(j, L_THREW);
	emit_mov64(j, X86_RDI, X86_RBX);
	emit_lea(j, 1, X86_RSI, X86_RSP, -1, 1, res);
	emit_mov_imm32(j, X86_RDX, 1);
	emit_store(j, 8, X86_R13, X86_RBX, (int32_t)offsetof(struct vn_vm, budget));
	emit_call_abs(j, (const void *)vn_interp_run, X86_RAX);
	emit_load(j, 8, X86_R13, X86_RBX, (int32_t)offsetof(struct vn_vm, budget));
	emit_jmp(j, L_OUT);
	/* a limit: the depth (edx 0) if it is the one broken, else the stack
	 * (1); abort with the interpreter's message */
	x86_bind(j, L_LIM);
	jit_limit_kind(j);
	emit_mov64(j, X86_RDI, X86_RBX);
	emit_store(j, 8, X86_R13, X86_RBX, (int32_t)offsetof(struct vn_vm, budget));
	emit_call_abs(j, (const void *)vn_call_limit_abort, X86_RAX);   /* rsi = the callee, rdx = kind */
	x86_bind(j, L_BUDGET);
	emit_mov64(j, X86_RDI, X86_RBX);
	emit_store(j, 8, X86_R13, X86_RBX, (int32_t)offsetof(struct vn_vm, budget));
	emit_call_abs(j, (const void *)vn_budget_out, X86_RAX);
}

/* The VM's call stub (emit_call_stub), made on first use; NULL if it
 * cannot be (the call sites then take the helper). */
const void *jit_call_stub(struct vn_vm *vm)
{
	const void **slot = vn_jit_call_stub(vm);
	if (!slot || *slot)
		return slot ? *slot : NULL;
	uint8_t buf[512];
	uint32_t labels[4];
	struct x86_fixup fix[16];
	struct x86_jit j;
	x86_init_lent(&j, buf, sizeof buf, labels, 4, fix, 16);
	emit_call_stub(&j);
	int r = x86_finish(&j);
	size_t len = j.off;
	x86_release(&j);
	if (r == 0)
		*slot = vn_jit_install(vm, buf, len);
	return *slot;
}

/* A native known when compiling, called directly as the interpreter calls
 * it (null check of the receiver; no budget, no frame): native(vm, args,
 * &result); a pending exception leaves through the exception exit. */
void jit_native_call(struct cc *c, const struct vn_insn *in, int nargs)
{
	struct x86_jit *j = &c->j;
	const struct vn_method *cm = in->u.m;
	int32_t args = jit_slot_off(c, c->d - nargs);
	if (in->op != Q_INVOKESTATIC) {
		emit_load(j, 8, X86_RAX, X86_R12, args);
		jit_null_check(c, X86_RAX);
	}
	emit_store_imm32(j, 8, X86_RSP, 16, 0);
	emit_mov64(j, X86_RDI, X86_RBX);
	emit_lea(j, 1, X86_RSI, X86_R12, -1, 1, args);
	emit_lea(j, 1, X86_RDX, X86_RSP, -1, 1, 16);
	jit_call_helper(c, (const void *)cm->native);
	emit_alu_mem_imm32(j, 1, X86_CMP, X86_RBX, (int32_t)offsetof(struct vn_vm, exc), 0);
	emit_jcc(j, X86_CC_NE, L_EXC(c));
	if (cm->ret != 'V') {
		emit_load(j, 8, X86_RAX, X86_RSP, 16);
		emit_store(j, 8, X86_RAX, X86_R12, args);
	}
}

#endif
