/* viflet_jit_rt.c — the VIFlet JIT's run time: code memory (W^X), the mode
 * switch and statistics, and the helpers compiled code calls for everything
 * that is not worth inlining (calls, allocation, throws, casts, floating
 * point). Each helper does exactly what the interpreter's block for the same
 * instruction does (vm/interp.c), messages included, on the frame memory the
 * compiled code keeps in sync (fr->sp = operand top, fr->ip = next insn). */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "viflet_jit.h"
#include "viflet_jit_int.h"
#include "vn_jit.h"

/* Code memory. Preferred: per VM, regions of one memfd each, mapped twice:
 * read+execute (the code runs there) and read+write (the compiler copies
 * methods in there). No mapping is ever writable and executable; installing
 * a method is a memcpy into the writable view, which the executable one
 * sees at once (the same pages): no system call, no mprotect (a permission
 * downgrade flushes the TLB), no page fault (both views are populated).
 * Fallback (no memfd, or the double mapping refused): each method in its own
 * anonymous pages, read+write while copied, then read+execute. All are
 * unmapped when the VM is freed. */
struct jit_map {
	uint8_t *p; size_t len;
	uint8_t *w;             /* memfd region: the writable view of p; NULL: anonymous pages */
	size_t used;            /* memfd region: bytes written */
};

struct vn_jit {
	struct jit_map *maps; size_t nmaps, capmaps;
	struct vn_jit_stat *stats; size_t nstats, capstats;
	bool no_memfd;
	const void *call_stub;  /* the call sequence compiled code shares (viflet_jit.c) */
	void *scratch; size_t scratch_len;   /* the compiler's working memory */
	uint64_t region_ns;     /* spent setting up code memory for the method being compiled */
	uint64_t region_in_install_ns;   /* of which: a new region made while installing it */
};

#define REGION_MIN (64u << 10)
#define SCRATCH_MIN (48u << 10)
#define CODE_ALIGN 16

#ifndef MFD_EXEC
#define MFD_EXEC 0x0010U        /* Linux >= 6.3: this memfd may be mapped executable */
#endif

void vn_jit_init(struct vn_vm *vm)
{
#if defined(__x86_64__)
	vm->jit_threshold = VN_JIT_DEFAULT_THRESHOLD;
	const char *e = getenv("VIFNET_JIT_THRESHOLD");   /* for experiments */
	if (e)
		vm->jit_threshold = (uint32_t)strtoul(e, NULL, 0);
	jit_read_env();
#else
	vm->jit_threshold = 0;
#endif
}

/* One freed VM's first code region and scratch block, kept for the next VM
 * of the process (vifd loads VIFlets one after another): that VM's set-up
 * then enters the kernel for no memfd, mapping or first touch of a page
 * (malloc gives a freed block back to the kernel at times). Each entry costs
 * far more than its own time here: on a machine without PCID under PTI
 * (our Firecracker VMs) it empties the TLB, which the compilation that
 * follows then refills page by page. The freed VM's code is overwritten
 * with int3 (it goes with its VM), and the next VM places its code after
 * it: no address ever runs two different codes, so nothing that caches
 * code by address (valgrind's translations) sees stale code; a region less
 * than half free is not kept. The slot: 0
 * empty, 1 being changed, 2 full; a fork's child drops the slot (the
 * region's memfd pages would be shared with the parent). */
static struct jit_map spare;
static int spare_state;
static void *spare_scratch;     /* SCRATCH_MIN bytes, or NULL */

static void spare_forget(void)
{
	int full = 2;
	if (__atomic_compare_exchange_n(&spare_state, &full, 1, false, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED)) {
		munmap(spare.p, spare.len);
		munmap(spare.w, spare.len);
		__atomic_store_n(&spare_state, 0, __ATOMIC_RELEASE);
	}
}

static void spare_once(void) { pthread_atfork(NULL, NULL, spare_forget); }

void vn_jit_trim(void)
{
	spare_forget();
	free(__atomic_exchange_n(&spare_scratch, NULL, __ATOMIC_ACQUIRE));
}

/* Keeps m (a memfd region of the first size) in the slot if it is empty. */
static bool spare_put(const struct jit_map *m)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	int empty = 0;
	if (!m->w || m->len != REGION_MIN || m->len - m->used < REGION_MIN / 2 || pthread_once(&once, spare_once))
		return false;
	if (!__atomic_compare_exchange_n(&spare_state, &empty, 1, false, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
		return false;
	/* the freed VM's code goes with it: what stays is int3 */
	memset(m->w, 0xcc, m->used);
	spare = *m;
	__atomic_store_n(&spare_state, 2, __ATOMIC_RELEASE);
	return true;
}

/* The kept region into m (its free part follows the old code); -1: none. */
static int spare_take(struct jit_map *m)
{
	int full = 2;
	if (!__atomic_compare_exchange_n(&spare_state, &full, 1, false, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
		return -1;
	*m = spare;
	__atomic_store_n(&spare_state, 0, __ATOMIC_RELEASE);
	return 0;
}

void vn_jit_free(struct vn_vm *vm)
{
	struct vn_jit *jt = vm->jit;
	if (!jt)
		return;
	for (size_t i = 0; i < jt->nmaps; i++) {
		if (i == 0 && spare_put(&jt->maps[0]))
			continue;
		munmap(jt->maps[i].p, jt->maps[i].len);
		if (jt->maps[i].w)
			munmap(jt->maps[i].w, jt->maps[i].len);
	}
	free(jt->maps);
	free(jt->stats);
	void *none = NULL;
	if (jt->scratch_len != SCRATCH_MIN ||
	    !__atomic_compare_exchange_n(&spare_scratch, &none, jt->scratch, false, __ATOMIC_RELEASE, __ATOMIC_RELAXED))
		free(jt->scratch);
	free(jt);
	vm->jit = NULL;
}

void vn_vm_set_jit(struct vn_vm *vm, uint32_t threshold)
{
#if defined(__x86_64__)
	vm->jit_threshold = threshold;
#else
	(void)threshold;
	vm->jit_threshold = 0;
#endif
}

uint32_t vn_vm_jit_threshold(const struct vn_vm *vm) { return vm->jit_threshold; }

size_t vn_vm_jit_stats(const struct vn_vm *vm, const struct vn_jit_stat **st)
{
	*st = vm->jit ? vm->jit->stats : NULL;
	return vm->jit ? vm->jit->nstats : 0;
}

static struct jit_map *new_map(struct vn_jit *jt);
static int region_new(struct jit_map *m, size_t len);
static void *scratch_get(struct vn_jit *jt, size_t n);

/* The VM's JIT state, set up by its first compilation: the first code
 * region and the compiler's scratch memory, both touched now (a page's
 * first write faults), and the VM's call stub, generated and placed first
 * in the region; so the methods' compile times do not include them: the
 * set-up time is reported apart (region_ns of the first method). */
static struct vn_jit *jit_of(struct vn_vm *vm)
{
	if (vm->jit)
		return vm->jit;
	uint64_t t0 = vn_jit_now_ns();
	struct vn_jit *jt = vm->jit = calloc(1, sizeof(*vm->jit));
	if (!jt)
		return NULL;
	if (getenv("VIFNET_JIT_NO_MEMFD"))   /* tests the fallback */
		jt->no_memfd = true;
	struct jit_map *m = jt->no_memfd ? NULL : new_map(jt);
	if (m && (spare_take(m) == 0 || region_new(m, 0) == 0))
		jt->nmaps++;
	scratch_get(jt, 0);
#if defined(__x86_64__)
	jit_call_stub(vm);      /* the VM's shared call sequence, once (NULL: call sites take the helper) */
#endif
	jt->region_ns = vn_jit_now_ns() - t0;
	return jt;
}

static struct jit_map *new_map(struct vn_jit *jt)
{
	if (jt->nmaps == jt->capmaps) {
		size_t nc = jt->capmaps ? 2 * jt->capmaps : 16;
		struct jit_map *nm = realloc(jt->maps, nc * sizeof(*nm));
		if (!nm)
			return NULL;
		jt->maps = nm;
		jt->capmaps = nc;
	}
	struct jit_map *m = &jt->maps[jt->nmaps];
	memset(m, 0, sizeof(*m));
	return m;
}

/* A memfd region of at least len bytes, mapped read+execute and (elsewhere)
 * read+write, both populated so that neither copying nor running fresh code
 * faults. The descriptor is not needed once mapped. 0 or -1. */
static int region_new(struct jit_map *m, size_t len)
{
	size_t sz = REGION_MIN;
	while (sz < len)
		sz *= 2;
	/* MFD_EXEC: newer kernels otherwise warn or (vm.memfd_noexec) seal the
	 * memfd non-executable; older ones do not know it (EINVAL). */
	int fd = memfd_create("vn_viflet_jit", MFD_CLOEXEC | MFD_EXEC);
	if (fd < 0 && errno == EINVAL)
		fd = memfd_create("vn_viflet_jit", MFD_CLOEXEC);
	if (fd < 0)
		return -1;
	void *x = MAP_FAILED, *w = MAP_FAILED;
	if (ftruncate(fd, (off_t)sz) == 0) {
		w = mmap(NULL, sz, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, fd, 0);
		if (w != MAP_FAILED)
			x = mmap(NULL, sz, PROT_READ | PROT_EXEC, MAP_SHARED | MAP_POPULATE, fd, 0);
	}
	close(fd);
	if (x == MAP_FAILED) {
		if (w != MAP_FAILED)
			munmap(w, sz);
		return -1;
	}
	/* MAP_POPULATE maps a shared mapping's pages for reading only: the first
	 * write to each would still fault (in installs, one in a few methods) */
	for (size_t o = 0; o < sz; o += 4096)
		((volatile uint8_t *)w)[o] = 0;
	m->p = x;
	m->w = w;
	m->len = sz;
	m->used = 0;
	return 0;
}

static void *install_memfd(struct vn_jit *jt, const uint8_t *code, size_t len)
{
	struct jit_map *m = NULL;
	for (size_t i = jt->nmaps; i-- > 0;)
		if (jt->maps[i].w) {
			m = &jt->maps[i];
			break;
		}
	if (!m || m->len - m->used < len) {
		uint64_t t0 = vn_jit_now_ns();
		m = new_map(jt);
		if (!m || region_new(m, len))
			return NULL;
		jt->nmaps++;
		jt->region_in_install_ns = vn_jit_now_ns() - t0;
		jt->region_ns += jt->region_in_install_ns;
	}
	size_t at = m->used;
	memcpy(m->w + at, code, len);
	m->used = (at + len + CODE_ALIGN - 1) / CODE_ALIGN * CODE_ALIGN;
	if (m->used > m->len)
		m->used = m->len;
	return m->p + at;
}

static void *install_anon(struct vn_jit *jt, const uint8_t *code, size_t len)
{
	struct jit_map *m = new_map(jt);
	if (!m)
		return NULL;
	size_t pg = (size_t)sysconf(_SC_PAGESIZE);
	size_t sz = (len + pg - 1) / pg * pg;
	void *p = mmap(NULL, sz, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	memcpy(p, code, len);
	if (mprotect(p, sz, PROT_READ | PROT_EXEC)) {
		munmap(p, sz);
		return NULL;
	}
	m->p = p;
	m->len = sz;
	jt->nmaps++;
	return p;
}

/* At least n bytes of scratch (SCRATCH_MIN at first, enough for methods of
 * a few hundred instructions: a freed VM's if kept), touched when allocated. */
static void *scratch_get(struct vn_jit *jt, size_t n)
{
	if (!jt->scratch && n <= SCRATCH_MIN &&
	    (jt->scratch = __atomic_exchange_n(&spare_scratch, NULL, __ATOMIC_ACQUIRE)) != NULL) {
		jt->scratch_len = SCRATCH_MIN;
		return jt->scratch;
	}
	if (jt->scratch_len < n || !jt->scratch) {
		size_t len = n < SCRATCH_MIN ? SCRATCH_MIN : n + n / 2;
		free(jt->scratch);
		jt->scratch = malloc(len);
		jt->scratch_len = jt->scratch ? len : 0;
		if (jt->scratch)
			memset(jt->scratch, 0, len);
	}
	return jt->scratch;
}

void *vn_jit_scratch(struct vn_vm *vm, size_t n, size_t *cap)
{
	struct vn_jit *jt = jit_of(vm);
	void *p = jt ? scratch_get(jt, n) : NULL;
	*cap = p ? jt->scratch_len : 0;
	return p;
}

const void **vn_jit_call_stub(struct vn_vm *vm)
{
	struct vn_jit *jt = jit_of(vm);
	return jt ? &jt->call_stub : NULL;
}

/* Places code where it can run: never writable and executable at once. */
void *vn_jit_install(struct vn_vm *vm, const uint8_t *code, size_t len)
{
	struct vn_jit *jt = jit_of(vm);
	if (!jt)
		return NULL;
	if (!jt->no_memfd) {
		void *p = install_memfd(jt, code, len);
		if (p)
			return p;
		jt->no_memfd = true;
	}
	return install_anon(jt, code, len);
}

void vn_jit_record(struct vn_vm *vm, const struct vn_method *m, uint32_t code_bytes, uint64_t ns,
		   uint64_t install_ns, bool ok)
{
	struct vn_jit *jt = jit_of(vm);
	if (!jt)
		return;
	if (jt->nstats == jt->capstats) {
		size_t nc = jt->capstats ? 2 * jt->capstats : 16;
		struct vn_jit_stat *ns2 = realloc(jt->stats, nc * sizeof(*ns2));
		if (!ns2)
			return;
		jt->stats = ns2;
		jt->capstats = nc;
	}
	struct vn_jit_stat *s = &jt->stats[jt->nstats++];
	s->cls = m->cls->name;
	s->name = m->name;
	s->desc = m->desc;
	s->bytecode_bytes = m->code_len;
	s->insns = m->prep ? m->prep->n : 0;
	s->code_bytes = code_bytes;
	s->ns = ns;
	s->region_ns = jt->region_ns;
	s->install_ns = install_ns >= jt->region_in_install_ns ? install_ns - jt->region_in_install_ns : 0;
	jt->region_ns = jt->region_in_install_ns = 0;
	s->compiled = ok;
}

uint64_t vn_jit_now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

int vn_jit_run_entry(struct vn_vm *vm, struct vn_frame *fr, vn_slot *ret)
{
	if (((vn_jit_fn)fr->m->jit_code)(vm, fr, ret) == 0) {
		vm->nframes--;
		return 0;
	}
	return vn_interp_run(vm, ret, true);
}

/* ---- helpers called from compiled code ---- */

int vn_jit_throw(struct vn_vm *vm, struct vn_frame *fr, const struct vn_insn *in, int kind,
		 int64_t idx, const struct vn_obj *arr)
{
	fr->ip = (struct vn_insn *)in + 1;
	fr->sp = fr->lv + fr->m->max_locals;   /* the operand stack dies with the throw */
	switch (kind) {
	case VN_JIT_NPE:
		vn_throw(vm, "java/lang/NullPointerException", NULL);
		break;
	case VN_JIT_AIOOBE:
		vn_throw_index(vm, (int32_t)idx, arr->len);
		break;
	default:
		vn_throw_div0(vm);
		break;
	}
	return 1;
}

static int npe(struct vn_vm *vm)
{
	vn_throw(vm, "java/lang/NullPointerException", NULL);
	return 1;
}

/* The interpreter's call sequence (natives, preparation, budget, depth and
 * stack limits, frame push), then compiled or interpreted execution. The
 * result goes where the arguments were. */
static int call(struct vn_vm *vm, struct vn_method *cm, vn_slot *args)
{
	if (cm->native) {
		vn_slot r;
		r.raw = 0;
		cm->native(vm, args, &r);
		if (vm->exc)
			return 1;
		if (cm->ret != 'V')
			*args = r;
		return 0;
	}
	if (!cm->prep) {
		if (!cm->code) {
			vn_throw_abstract(vm, cm);
			return 1;
		}
		if (vn_prepare(vm, cm))
			vn_abort(vm, "%s", vm->err);
	}
	if (--vm->budget < 0)
		vn_budget_out(vm);
	if (vm->nframes >= vm->lim.max_depth)
		vn_call_limit_abort(vm, cm, 0);
	if (args + cm->max_locals + cm->max_stack > vm->stack_end)
		vn_call_limit_abort(vm, cm, 1);
	struct vn_frame *nf = &vm->frames[vm->nframes++];
	vn_frame_enter(nf, cm, args);
	vn_slot rv;
	int r = vn_jit_hot(vm, cm) ? vn_jit_run_entry(vm, nf, &rv) : vn_interp_run(vm, &rv, false);
	if (r)
		return 1;
	if (cm->ret != 'V')
		*args = rv;
	return 0;
}

int vn_jit_invoke(struct vn_vm *vm, struct vn_frame *fr, const struct vn_insn *in)
{
	vn_slot *sp = fr->sp;
	struct vn_method *cm;
	switch (in->op) {
	case Q_INVOKESTATIC:
		cm = in->u.m;
		if (cm->cls->state != CS_INITIALIZED && vn_class_init(vm, cm->cls))
			return 1;
		break;
	case Q_INVOKEVIRTUAL: {
		struct vn_obj *o = sp[-(int)in->b].a;
		if (!o)
			return npe(vm);
		cm = o->cls->vtable[in->a];
		break;
	}
	case Q_INVOKEIFACE: {
		struct vn_obj *o = sp[-(int)in->b].a;
		if (!o)
			return npe(vm);
		struct vn_icache *ic = in->u.p;
		if (ic->last == o->cls) {
			cm = ic->target;
		} else {
			cm = vn_iface_target(vm, ic, o->cls);
			if (!cm)
				return 1;
		}
		break;
	}
	default:   /* special, final */
		cm = in->u.m;
		if (!sp[-(int)in->b].a)
			return npe(vm);
		break;
	}
	return call(vm, cm, sp - cm->nargs);
}

int vn_jit_clinit(struct vn_vm *vm, struct vn_class *c)
{
	return c->state != CS_INITIALIZED && vn_class_init(vm, c) ? 1 : 0;
}

/* putfield/putstatic/aastore of a reference where a Packet is involved */
void vn_jit_pkt_store(struct vn_vm *vm, struct vn_obj **slot, struct vn_obj *v)
{
	vn_pkt_store(vm, *slot, v);
	*slot = v;
}

#define ISPKT(o) ((o) && (o)->cls == vm->c_packet)

/* Object instructions on the synced frame (fr->sp is the operand top). */
int vn_jit_op(struct vn_vm *vm, struct vn_frame *fr, const struct vn_insn *in)
{
	vn_slot *sp = fr->sp;
	switch (in->op) {
	case Q_NEW: {
		struct vn_class *c = in->u.c;
		if (c->state != CS_INITIALIZED && vn_class_init(vm, c))
			return 1;
		sp->a = vn_new_object(vm, c);
		return 0;
	}
	case Q_NEWARRAY: case Q_ANEWARRAY: {
		int32_t n = sp[-1].i;
		if (n < 0) {
			vn_throw_negsize(vm, n);
			return 1;
		}
		sp[-1].a = vn_new_array(vm, in->u.c, n);
		return 0;
	}
	case Q_MULTIANEWARRAY: {
		int nd = in->b;
		int32_t lens[256];
		for (int k = 0; k < nd; k++) {
			lens[k] = sp[k - nd].i;
			if (lens[k] < 0) {
				vn_throw_negsize(vm, lens[k]);
				return 1;
			}
		}
		if (nd > VN_MAX_TMPROOTS / 2)
			vn_abort(vm, "multianewarray with %d dimensions", nd);
		sp[-nd].a = vn_multianew(vm, in->u.c, lens, nd);
		return 0;
	}
	case Q_CHECKCAST: {
		struct vn_obj *o = sp[-1].a;
		if (o && o->cls != in->u.c && !vn_class_sub(o->cls, in->u.c)) {
			vn_throw_cast(vm, o->cls, in->u.c);
			return 1;
		}
		return 0;
	}
	case Q_INSTANCEOF: {
		struct vn_obj *o = sp[-1].a;
		sp[-1].j = o && (o->cls == in->u.c || vn_class_sub(o->cls, in->u.c));
		return 0;
	}
	case Q_CONCAT: {
		struct vn_concat *k = in->u.p;
		vn_slot *args = sp - k->nslots;
		struct vn_obj *s = vn_concat(vm, k, args);
		if (!s)
			return 1;
		args->a = s;
		return 0;
	}
	case VN_JOP_AASTORE: {
		struct vn_obj *o = sp[-3].a, *v = sp[-1].a;
		int32_t i = sp[-2].i;
		if (!o)
			return npe(vm);
		if ((uint32_t)i >= (uint32_t)o->len) {
			vn_throw_index(vm, i, o->len);
			return 1;
		}
		if (v && v->cls != o->cls->comp && !vn_class_sub(v->cls, o->cls->comp)) {
			vn_throw_store(vm, v->cls);
			return 1;
		}
		struct vn_obj **slot = &((struct vn_obj **)VN_ADATA(o))[i];
		if (ISPKT(v) || ISPKT(*slot))
			vn_pkt_store(vm, *slot, v);
		*slot = v;
		return 0;
	}
	case VN_JOP_ATHROW: {
		struct vn_obj *o = sp[-1].a;
		if (!o)
			return npe(vm);
		vm->exc = o;
		return 1;
	}
	default:
		vn_abort(vm, "internal error: JIT helper for opcode %u", in->op);
	}
}

int64_t vn_jit_nanotime(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* ---- floating point, exactly as the interpreter ---- */

#define TOPI(k)  (sp[-(k)].i)
#define TOPJ(k)  (sp[-(k) * 2].j)
#define TOPF(k)  (sp[-(k)].f)
#define TOPD(k)  (sp[-(k) * 2].d)
#define SETI(k, v) (sp[-(k)].j = (int32_t)(v))
#define SETF(k, v) do { float f_ = (v); sp[-(k)].raw = 0; sp[-(k)].f = f_; } while (0)

/* One floating-point or conversion instruction on the operand top sp (the
 * first free slot); the compiled code knows the stack effect. */
void vn_jit_fop(vn_slot *sp, uint32_t op)
{
	switch (op) {
	case 98: { float r = TOPF(2) + TOPF(1); sp--; SETF(1, r); break; }
	case 102: { float r = TOPF(2) - TOPF(1); sp--; SETF(1, r); break; }
	case 106: { float r = TOPF(2) * TOPF(1); sp--; SETF(1, r); break; }
	case 110: { float r = TOPF(2) / TOPF(1); sp--; SETF(1, r); break; }
	case 114: { float r = fmodf(TOPF(2), TOPF(1)); sp--; SETF(1, r); break; }
	case 118: SETF(1, -TOPF(1)); break;
	case 99: sp -= 2; TOPD(1) = TOPD(1) + sp->d; break;
	case 103: sp -= 2; TOPD(1) = TOPD(1) - sp->d; break;
	case 107: sp -= 2; TOPD(1) = TOPD(1) * sp->d; break;
	case 111: sp -= 2; TOPD(1) = TOPD(1) / sp->d; break;
	case 115: sp -= 2; TOPD(1) = fmod(TOPD(1), sp->d); break;
	case 119: TOPD(1) = -TOPD(1); break;
	case 149: { int r = vn_fcmp(TOPF(2), TOPF(1), -1); sp--; SETI(1, r); break; }
	case 150: { int r = vn_fcmp(TOPF(2), TOPF(1), 1); sp--; SETI(1, r); break; }
	case 151: { int r = vn_fcmp(TOPD(2), TOPD(1), -1); sp -= 3; SETI(1, r); break; }
	case 152: { int r = vn_fcmp(TOPD(2), TOPD(1), 1); sp -= 3; SETI(1, r); break; }
	case 134: SETF(1, (float)TOPI(1)); break;                                   /* i2f */
	case 135: sp[-1].d = (double)sp[-1].i; break;                               /* i2d */
	case 137: { float f = (float)TOPJ(1); sp--; SETF(1, f); break; }            /* l2f */
	case 138: TOPD(1) = (double)TOPJ(1); break;                                 /* l2d */
	case 139: SETI(1, vn_f2i(TOPF(1))); break;                                     /* f2i */
	case 140: sp[-1].j = vn_d2l(sp[-1].f); break;                                  /* f2l */
	case 141: sp[-1].d = (double)sp[-1].f; break;                               /* f2d */
	case 142: { int32_t r = vn_f2i(TOPD(1)); sp--; SETI(1, r); break; }           /* d2i */
	case 143: TOPJ(1) = vn_d2l(TOPD(1)); break;                                    /* d2l */
	case 144: { float f = (float)TOPD(1); sp--; SETF(1, f); break; }           /* d2f */
	default: break;
	}
}
