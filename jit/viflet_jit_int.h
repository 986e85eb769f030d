/* viflet_jit_int.h — between the VIFlet JIT's compiler (viflet_jit.c) and
 * its run time (viflet_jit_rt.c): the helpers compiled code calls. */
#ifndef VIFLET_JIT_INT_H
#define VIFLET_JIT_INT_H

#include "viflet_jit.h"

/* exception kinds thrown from inline checks */
enum { VN_JIT_NPE = 1, VN_JIT_AIOOBE = 2, VN_JIT_DIV0 = 3 };
/* JVM opcodes vn_jit_op handles besides the quickened Q_* ones */
enum { VN_JOP_AASTORE = 83, VN_JOP_ATHROW = 191 };

void *vn_jit_install(struct vn_vm *vm, const uint8_t *code, size_t len);
/* The VM's scratch block for compilations, at least n bytes, *cap its
 * whole size (contents not kept from one call to the next); NULL: no memory. */
void *vn_jit_scratch(struct vn_vm *vm, size_t n, size_t *cap);
/* Where the VM's shared call stub (viflet_jit_call.c) is kept; NULL: no memory. */
const void **vn_jit_call_stub(struct vn_vm *vm);
#if defined(__x86_64__)
/* The VM's call stub, generated and placed on first use (the JIT's set-up). */
const void *jit_call_stub(struct vn_vm *vm);
/* The VIFNET_JIT_* experiment switches, read once per process (vn_jit_init). */
void jit_read_env(void);
#endif
void vn_jit_record(struct vn_vm *vm, const struct vn_method *m, uint32_t code_bytes, uint64_t ns,
		   uint64_t install_ns, bool ok);
uint64_t vn_jit_now_ns(void);

/* Called by compiled code. Those taking fr expect fr->sp (operand top) and
 * fr->ip (next instruction) synced; they return 0, or 1 with vm->exc set. */
int vn_jit_throw(struct vn_vm *vm, struct vn_frame *fr, const struct vn_insn *in, int kind,
		 int64_t idx, const struct vn_obj *arr);
int vn_jit_invoke(struct vn_vm *vm, struct vn_frame *fr, const struct vn_insn *in);
int vn_jit_clinit(struct vn_vm *vm, struct vn_class *c);
void vn_jit_pkt_store(struct vn_vm *vm, struct vn_obj **slot, struct vn_obj *v);
int vn_jit_op(struct vn_vm *vm, struct vn_frame *fr, const struct vn_insn *in);
void vn_jit_fop(vn_slot *sp, uint32_t op);
int64_t vn_jit_nanotime(void);   /* System.nanoTime(), as its native */

#endif
