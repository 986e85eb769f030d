/* vn_jit — the VIFlet VM's JIT (issue 9): mode switch and compile statistics.
 *
 * Methods are compiled to x86-64 lazily, when a method's invocation count
 * reaches the threshold (1: on its first call, the default on x86-64; 0: the
 * interpreter only, the only mode elsewhere). Compiled and interpreted
 * methods call each other freely; a method the JIT cannot compile stays
 * interpreted. Results, limits and aborts are those of the interpreter. */
#ifndef VN_JIT_H
#define VN_JIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct vn_vm;

void vn_vm_set_jit(struct vn_vm *vm, uint32_t threshold);
uint32_t vn_vm_jit_threshold(const struct vn_vm *vm);

/* One compilation (or failed attempt). Names point into the VM's classes. */
struct vn_jit_stat {
	const char *cls, *name, *desc;
	uint32_t bytecode_bytes;    /* the method's bytecode length */
	uint32_t insns;             /* instructions (prepared code) */
	uint32_t code_bytes;        /* machine code emitted */
	uint64_t ns;                /* compile time, all included */
	uint64_t install_ns;        /* of ns: placing the code (a copy into the code region) */
	uint64_t region_ns;         /* of ns, apart from install_ns: setting up code memory (the
	                               VM's first region and the compiler's scratch at its first
	                               compilation, then a region per 64 KB or more of code) */
	bool compiled;
};
/* The compilations so far, in order; valid until the next call into the VM. */
size_t vn_vm_jit_stats(const struct vn_vm *vm, const struct vn_jit_stat **st);

/* A freed VM's first code region and the compiler's scratch block are kept
 * (one of each per process) for the next VM's JIT set-up; this gives them
 * back to the system. */
void vn_jit_trim(void);

#endif
