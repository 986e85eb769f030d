/* The filter object: a validated program, its native code if any, its 16
 * persistent scratch words and its accept/drop counters. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bpf_internal.h"
#include "vn_pkt.h"

_Static_assert(sizeof(struct vn_bpf_insn) == 8, "struct vn_bpf_insn is struct sock_filter");

/* head.run of a filter without native code (the JIT's code counts itself) */
static uint32_t interp_run(struct vn_bpf *f, const uint8_t *pkt, uint32_t caplen, uint32_t wirelen)
{
	uint32_t r = vn_bpf_interp(f->insns, pkt, caplen, wirelen, f->mem);
	uint64_t *c = &f->counts[r == 0];     /* no branch to mispredict */
	__atomic_store_n(c, *c + 1, __ATOMIC_RELAXED);   /* untorn for readers */
	return r;
}

/* hook of a filter without native code */
static bool interp_hook(void *ctx, const struct vn_pkt *p)
{
	return interp_run(ctx, p->data, p->len, p->wire_len) != 0;
}

int vn_bpf_new(const struct vn_bpf_insn *prog, size_t n, unsigned flags,
	       struct vn_bpf **out, char *err, size_t errlen)
{
	int rc = vn_bpf_validate(prog, n, err, errlen);
	if (rc)
		return rc;
	struct vn_bpf *f = calloc(1, sizeof(*f) + n * sizeof(prog[0]));
	if (!f) {
		if (err && errlen)
			snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	memcpy(f->insns, prog, n * sizeof(prog[0]));
	f->n = n;
	f->head.run = interp_run;
	f->hook = interp_hook;
	/* A JIT failure (no memory for a mapping) is not fatal: the interpreter
	 * gives the same results, only slower. */
	size_t hook_off;
	if (!(flags & VN_BPF_F_INTERP) && vn_bpf_jit_available() &&
	    vn_bpf_jit(f->insns, n, flags, &f->code, &f->code_map, &f->code_len, &hook_off) == 0) {
		f->head.run = (uint32_t (*)(struct vn_bpf *, const uint8_t *, uint32_t, uint32_t))f->code;
		f->hook = (vn_bpf_hook_fn)((uint8_t *)f->code + hook_off);
	}
	*out = f;
	return 0;
}

void vn_bpf_free(struct vn_bpf *f)
{
	if (!f)
		return;
	if (f->code)
		vn_bpf_jit_release(f->code, f->code_map);
	free(f);
}

/* One hook for every filter, jumping to the filter's own entry: on x86-64 a
 * tail jump through f->hook (no second call). The VIFs hold f->hook itself
 * (vn_bpf_hook), which saves that jump; this stays for callers that want a
 * single function. */
#if defined(__x86_64__)
#define STR_(x) #x
#define STR(x) STR_(x)
__asm__(".pushsection .text\n"
	".globl vn_bpf_vif_hook\n"
	".type vn_bpf_vif_hook, @function\n"
	".p2align 4\n"
	"vn_bpf_vif_hook:\n"
	"\tjmp *" STR(VN_BPF_OFF_HOOK) "(%rdi)\n"
	".size vn_bpf_vif_hook, .-vn_bpf_vif_hook\n"
	".popsection\n");
#else
bool vn_bpf_vif_hook(void *ctx, const struct vn_pkt *p)
{
	return ((struct vn_bpf *)ctx)->hook(ctx, p);
}
#endif

int vn_bpf_format(const struct vn_bpf *f, char *buf, size_t n)
{
	size_t len = 0;
	int r = snprintf(buf, n, "insns %zu\njit %s\naccepts %" PRIu64 "\ndrops %" PRIu64 "\n",
			 f->n, f->code ? "yes" : "no", vn_bpf_accepts(f), vn_bpf_drops(f));
	if (r < 0)
		return r;
	len = (size_t)r;
	for (int i = 0; i < VN_BPF_MEMWORDS; i++) {
		r = snprintf(len < n ? buf + len : NULL, len < n ? n - len : 0,
			     "mem%d %" PRIu32 "\n", i, __atomic_load_n(&f->mem[i], __ATOMIC_RELAXED));
		if (r < 0)
			return r;
		len += (size_t)r;
	}
	return (int)len;
}

vn_bpf_hook_fn vn_bpf_hook(const struct vn_bpf *f) { return f->hook; }
size_t vn_bpf_len(const struct vn_bpf *f) { return f->n; }
const struct vn_bpf_insn *vn_bpf_insns(const struct vn_bpf *f) { return f->insns; }
bool vn_bpf_jitted(const struct vn_bpf *f) { return f->code != NULL; }
size_t vn_bpf_code_size(const struct vn_bpf *f) { return f->code ? f->code_len : 0; }
uint64_t vn_bpf_accepts(const struct vn_bpf *f) { return __atomic_load_n(&f->counts[0], __ATOMIC_RELAXED); }
uint64_t vn_bpf_drops(const struct vn_bpf *f) { return __atomic_load_n(&f->counts[1], __ATOMIC_RELAXED); }
const uint32_t *vn_bpf_mem(const struct vn_bpf *f) { return f->mem; }

void vn_bpf_set_mem(struct vn_bpf *f, const uint32_t mem[VN_BPF_MEMWORDS])
{
	memcpy(f->mem, mem, sizeof(f->mem));
}
