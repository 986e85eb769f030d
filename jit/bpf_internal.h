/* Internals of the classic BPF filter shared by the loader, validator,
 * interpreter and JIT. Opcode names follow the classic BPF ones with a BC_
 * prefix so they never clash with <pcap/bpf.h> or <linux/filter.h>. */
#ifndef VN_BPF_INTERNAL_H
#define VN_BPF_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vn_bpf.h"

struct vn_pkt;

/* instruction classes */
#define BC_CLASS(c) ((c) & 0x07)
#define BC_LD   0x00
#define BC_LDX  0x01
#define BC_ST   0x02
#define BC_STX  0x03
#define BC_ALU  0x04
#define BC_JMP  0x05
#define BC_RET  0x06
#define BC_MISC 0x07

/* load sizes and modes */
#define BC_SIZE(c) ((c) & 0x18)
#define BC_W 0x00
#define BC_H 0x08
#define BC_B 0x10
#define BC_MODE(c) ((c) & 0xe0)
#define BC_IMM 0x00
#define BC_ABS 0x20
#define BC_IND 0x40
#define BC_MEM 0x60
#define BC_LEN 0x80
#define BC_MSH 0xa0

/* ALU and jump operations */
#define BC_OP(c) ((c) & 0xf0)
#define BC_ADD 0x00
#define BC_SUB 0x10
#define BC_MUL 0x20
#define BC_DIV 0x30
#define BC_OR  0x40
#define BC_AND 0x50
#define BC_LSH 0x60
#define BC_RSH 0x70
#define BC_NEG 0x80
#define BC_MOD 0x90
#define BC_XOR 0xa0
#define BC_JA   0x00
#define BC_JEQ  0x10
#define BC_JGT  0x20
#define BC_JGE  0x30
#define BC_JSET 0x40

/* operand source */
#define BC_SRC(c) ((c) & 0x08)
#define BC_K 0x00
#define BC_X 0x08
#define BC_A 0x10     /* RET A */

/* misc */
#define BC_MISCOP(c) ((c) & 0xf8)
#define BC_TAX 0x00
#define BC_TXA 0x80

/* A filter. The JIT-compiled code is called as head.run(f, pkt, caplen,
 * wirelen): it reads the scratch words and updates the counters through f
 * itself, at the offsets below (kept small so they encode as disp8). The
 * data path calls it as hook(f, p) instead (a vn_filter_fn: the packet
 * record, a bool back): the VIF holds hook itself (vn_bpf_hook), so it
 * reaches the native code with its one call; vn_bpf_vif_hook, for callers
 * that want one function for every filter, is one `jmp *hook(%rdi)`.
 * Counters and scratch words are written by the filter's thread only, with
 * single untorn stores (relaxed atomics in C, one mov/inc in native code),
 * so another thread may read them (vn_bpf_format) without a lock. */
struct vn_bpf {
	struct vn_bpf_head head;         /* first: vn_bpf_run calls head.run */
	uint64_t counts[2];              /* [0] accepted, [1] dropped */
	uint32_t mem[VN_BPF_MEMWORDS];   /* scratch words, persistent */
	vn_bpf_hook_fn hook;             /* the data path's entry (vn_bpf_hook) */
	void *code;                      /* mapping holding the native code, or NULL */
	size_t code_map;                 /* its length */
	size_t code_len;                 /* bytes of code in it */
	size_t n;
	struct vn_bpf_insn insns[];
};
#define VN_BPF_OFF_COUNTS 8
#define VN_BPF_OFF_MEM 24
#define VN_BPF_OFF_HOOK 88
_Static_assert(offsetof(struct vn_bpf, counts) == VN_BPF_OFF_COUNTS, "layout");
_Static_assert(offsetof(struct vn_bpf, mem) == VN_BPF_OFF_MEM, "layout");
_Static_assert(offsetof(struct vn_bpf, hook) == VN_BPF_OFF_HOOK, "layout");

/* The interpreter: runs a validated program. */
uint32_t vn_bpf_interp(const struct vn_bpf_insn *prog, const uint8_t *pkt,
		       uint32_t caplen, uint32_t wirelen, uint32_t *mem);

/* The JIT: translate a validated program to native code in a fresh mapping
 * that is read+execute only (flags: VN_BPF_F_NO_MEMFD): the run entry at
 * *code, the hook entry (same program, reading the vn_pkt, returning a bool)
 * at *code + *hook_off. 0, -ENOTSUP (not x86-64), -ENOMEM, or -EFAULT (the
 * code outgrew its bound: a JIT bug). */
int vn_bpf_jit(const struct vn_bpf_insn *prog, size_t n, unsigned flags, void **code,
	       size_t *map_len, size_t *code_len, size_t *hook_off);
void vn_bpf_jit_release(void *code, size_t map_len);

#endif
