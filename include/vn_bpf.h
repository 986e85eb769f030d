/* vn_bpf — the per-VIF packet filter: classic BPF, validated, JIT-compiled.
 *
 * A filter is loaded from one of three input forms (see vn_bpf_load), checked
 * by the validator with the kernel's classic rules, and translated to x86-64
 * code where the CPU is x86-64 (the portable interpreter runs it elsewhere, or
 * when asked). Running it on a packet returns the BPF program's value: 0
 * drops, anything else passes. Each filter owns 16 scratch words (M[0..15])
 * that start at zero and persist across packets, so a program can keep
 * statistics in them; reading the filter (vn_bpf_format) shows them with the
 * accept/drop counters.
 *
 * Single-threaded like the VIF tree it hangs on: a filter is run and read by
 * the tree's thread only. */
#ifndef VN_BPF_H
#define VN_BPF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct vn_pkt;
struct vn_bpf;

/* One classic BPF instruction, laid out like Linux's struct sock_filter and
 * libpcap's struct bpf_insn (8 bytes, host byte order). */
struct vn_bpf_insn {
	uint16_t code;
	uint8_t jt;
	uint8_t jf;
	uint32_t k;
};

#define VN_BPF_MAXINSNS 4096
#define VN_BPF_MEMWORDS 16

/* Flags for vn_bpf_load_flags / vn_bpf_new. */
#define VN_BPF_F_INTERP 0x1      /* never JIT-compile: run the interpreter */
#define VN_BPF_F_NO_MEMFD 0x2    /* place JIT code with mmap + mprotect instead of
				    through a memfd (the fallback path; for tests) */

/* Build a filter from buf[0..len), which is one of:
 *  - binary: an array of struct vn_bpf_insn (struct sock_filter), recognised
 *    by containing a NUL byte (every valid instruction has one: opcodes fit in
 *    a byte, so the high byte of `code` is 0); len must be a multiple of 8;
 *  - the text of `tcpdump -ddd` (a count line, then "code jt jf k" lines, all
 *    decimal), recognised by holding only digits and white space; the C form
 *    of `tcpdump -dd` ("{ 0x28, 0, 0, 0x0000000c },") is accepted too;
 *  - otherwise a pcap filter expression, compiled by libpcap with its
 *    optimizer for `linktype` (a DLT_ value, e.g. DLT_EN10MB or DLT_RAW).
 * The program is validated and, unless flags has VN_BPF_F_INTERP or the CPU
 * is not x86-64, JIT-compiled. Returns 0 and *out, or -EINVAL (err holds the
 * reason; for a rejected program it names the instruction index, e.g.
 * "instruction 3: jump target 9 out of range (program has 8 instructions)")
 * or -ENOMEM. err may be NULL. Leading/trailing white space in text forms is
 * ignored. */
int vn_bpf_load(const void *buf, size_t len, int linktype, struct vn_bpf **out,
		char *err, size_t errlen);
int vn_bpf_load_flags(const void *buf, size_t len, int linktype, unsigned flags,
		      struct vn_bpf **out, char *err, size_t errlen);
/* Build a filter from n instructions (validated; copied). Same results. */
int vn_bpf_new(const struct vn_bpf_insn *prog, size_t n, unsigned flags,
	       struct vn_bpf **out, char *err, size_t errlen);
void vn_bpf_free(struct vn_bpf *f);

/* Is buf the word `none` (surrounding white space ignored)? Writing it to a
 * `filter` file removes the filter; callers check this before vn_bpf_load. */
bool vn_bpf_is_none(const void *buf, size_t len);

/* Check a program against the classic rules: 1..4096 instructions, known
 * opcodes only, jumps forward and inside the program, scratch index < 16, no
 * division or modulo by a constant 0, no shift by a constant >= 32, last
 * instruction a RET. 0, or -EINVAL with the index and reason in err. Unlike
 * the kernel, reading a scratch word before writing it is allowed: scratch
 * memory persists across packets, so reading it first is how counters work. */
int vn_bpf_validate(const struct vn_bpf_insn *prog, size_t n, char *err, size_t errlen);

/* Every filter starts with this header: the entry that runs it, which is the
 * JIT-compiled code itself or the interpreter. It is public only so that
 * vn_bpf_run below is one indirect call on the data path; the rest of the
 * filter stays opaque. */
struct vn_bpf_head {
	uint32_t (*run)(struct vn_bpf *f, const uint8_t *pkt, uint32_t caplen, uint32_t wirelen);
};

/* Run the filter on a packet of caplen bytes present at pkt that was wirelen
 * bytes on the wire (BPF_LEN loads wirelen). A load past caplen makes the
 * program return 0. Counts the packet as accepted (result != 0) or dropped.
 * Returns the program's result. */
static inline uint32_t vn_bpf_run(struct vn_bpf *f, const uint8_t *pkt, uint32_t caplen,
				  uint32_t wirelen)
{
	return ((const struct vn_bpf_head *)(const void *)f)->run(f, pkt, caplen, wirelen);
}

/* The filter's own entry for a VIF's filter hook (a vn_filter_fn of
 * vn_vif.h): called as hook(f, p), it runs f over p->data, p->len with
 * wirelen p->wire_len, counts, and returns result != 0. For a JIT-compiled
 * filter it is the native code itself, so the data path's call
 * u->filter(u->filter_ctx, p) lands in it directly:
 *     vn_vif_set_filter(v, vn_bpf_hook(f), f);
 * vn_bpf_vif_hook does the same for any filter through one more jump. */
typedef bool (*vn_bpf_hook_fn)(void *ctx, const struct vn_pkt *p);
vn_bpf_hook_fn vn_bpf_hook(const struct vn_bpf *f);
bool vn_bpf_vif_hook(void *ctx, const struct vn_pkt *p);

/* What reading the `filter` file shows, as "key value\n" lines:
 *   insns N / jit yes|no / accepts N / drops N / mem0 V ... mem15 V
 * Returns the length (snprintf semantics). */
int vn_bpf_format(const struct vn_bpf *f, char *buf, size_t n);

/* Introspection (tests, tools). */
size_t vn_bpf_len(const struct vn_bpf *f);
const struct vn_bpf_insn *vn_bpf_insns(const struct vn_bpf *f);
bool vn_bpf_jitted(const struct vn_bpf *f);
size_t vn_bpf_code_size(const struct vn_bpf *f);     /* bytes of native code, 0 if none */
uint64_t vn_bpf_accepts(const struct vn_bpf *f);
uint64_t vn_bpf_drops(const struct vn_bpf *f);
const uint32_t *vn_bpf_mem(const struct vn_bpf *f);  /* the 16 scratch words */
void vn_bpf_set_mem(struct vn_bpf *f, const uint32_t mem[VN_BPF_MEMWORDS]);
/* Is a JIT available on this build/CPU? */
bool vn_bpf_jit_available(void);

#endif
