/* viflet_jit.h — the VIFlet JIT's interface to the VM (internal; issue 9).
 *
 * Mixed mode: the interpreter (vm/interp.c) counts a method's invocations and
 * asks vn_jit_hot() whether to run compiled code. A compiled method is a C
 * function   int code(struct vn_vm *vm, struct vn_frame *fr, vn_slot *ret)
 * run on a frame its caller pushed (locals and operand stack in the same slot
 * memory the interpreter uses; registers only cache values between calls).
 * It returns 0 with the result in *ret, or 1 with an exception pending in
 * vm->exc and fr->ip one past the throwing instruction, its frame still on
 * the frame stack: the interpreter then dispatches the exception from that
 * frame (a handler in the compiled method runs interpreted from there on).
 * Limits abort through vn_abort() (longjmp) as in the interpreter. */
#ifndef VIFLET_JIT_H
#define VIFLET_JIT_H

#include "vm_int.h"

enum { VN_JIT_NONE = 0, VN_JIT_COMPILED = 1, VN_JIT_FAILED = 2 };

/* The default threshold (invocations before compiling; 1 = on first call). */
#define VN_JIT_DEFAULT_THRESHOLD 1

typedef int (*vn_jit_fn)(struct vn_vm *vm, struct vn_frame *fr, vn_slot *ret);

/* Compile m (prepared). 0, or -1: m stays interpreted (jit_state FAILED). */
int vn_jit_compile(struct vn_vm *vm, struct vn_method *m);
/* Code memory and statistics of an instance, released by vn_vm_free. */
void vn_jit_free(struct vn_vm *vm);
void vn_jit_init(struct vn_vm *vm);

/* Run the compiled m on the entry frame fr on top of the frame stack (pushed
 * with entry = true); pops it. vn_call's results: 0, or -1 with vm->exc. */
int vn_jit_run_entry(struct vn_vm *vm, struct vn_frame *fr, vn_slot *ret);

/* Should the call to m about to run use compiled code? Counts the call and
 * compiles at the threshold. */
static inline bool vn_jit_hot(struct vn_vm *vm, struct vn_method *m)
{
	if (m->jit_state == VN_JIT_COMPILED)
		return true;
	if (!vm->jit_threshold || m->jit_state == VN_JIT_FAILED || ++m->jit_calls < vm->jit_threshold)
		return false;
	return vn_jit_compile(vm, m) == 0;
}

#endif
