/* The public face of the VM (include/vn_vm.h): instances, limits, entry
 * points for the host, aborts. Every entry point sets an abort target
 * (setjmp); vn_abort() records the reason, marks the instance dead and
 * unwinds to it, so no limit or rule violation ever reaches the host as a
 * crash. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vm_int.h"
#include "viflet_jit.h"

void vn_seterr(struct vn_vm *vm, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(vm->err, sizeof vm->err, fmt, ap);
	va_end(ap);
}

_Noreturn void vn_abort(struct vn_vm *vm, const char *fmt, ...)
{
	char why[VN_ERRLEN - 16];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(why, sizeof why, fmt, ap);
	va_end(ap);
	snprintf(vm->err, sizeof vm->err, "aborted: %s", why);
	vm->aborted = true;
	vm->nframes = 0;
	vm->ntmp = 0;
	vm->ntop = NULL;
	vm->exc = NULL;
	if (!vm->abort_jb) {
		/* only reachable through a bug: an entry point without ENTER */
		fprintf(stderr, "vifnet vm: %s (no abort target)\n", vm->err);
		abort();
	}
	VN_LONGJMP(*vm->abort_jb);
}

#define ENTER(vm) \
	vn_jmpbuf jb_; \
	if ((vm)->aborted) return VN_VM_ABORTED; \
	if (VN_SETJMP(jb_)) { (vm)->abort_jb = NULL; return VN_VM_ABORTED; } \
	(vm)->abort_jb = &jb_; \
	(vm)->nframes = 0; (vm)->ntmp = 0; (vm)->exc = NULL; (vm)->c_depth = 0; (vm)->ntop = NULL; \
	(vm)->budget = (vm)->lim.budget ? (int64_t)(vm)->lim.budget : INT64_MAX; \
	(vm)->err[0] = 0
#define LEAVE(vm, rc) do { (vm)->abort_jb = NULL; return (rc); } while (0)

/* Loads the core classes of the ROM library. */
static int boot(struct vn_vm *vm)
{
	vn_jmpbuf jb;
	if (VN_SETJMP(jb))
		return -1;
	vm->abort_jb = &jb;
	vm->c_object = vn_class_load(vm, "java/lang/Object");
	vm->c_string = vn_class_load(vm, "java/lang/String");
	vm->c_throwable = vn_class_load(vm, "java/lang/Throwable");
	vm->c_packet = vn_class_load(vm, "Packet");
	vm->c_viflet = vn_class_load(vm, "VIFlet");
	int rc = 0;
	if (!vm->c_object || !vm->c_string || !vm->c_throwable || !vm->c_packet || !vm->c_viflet ||
	    vn_natives_init(vm)) {
		fprintf(stderr, "vifnet vm: class library broken: %s\n", vm->err);
		rc = -1;
	}
	vm->abort_jb = NULL;
	return rc;
}

struct vn_vm *vn_vm_new(const struct vn_vm_limits *lim, const struct vn_vm_host *host)
{
	struct vn_vm *vm = calloc(1, sizeof(*vm));
	if (!vm)
		return NULL;
	if (lim)
		vm->lim = *lim;
	if (!vm->lim.heap_bytes)
		vm->lim.heap_bytes = 64u << 20;
	if (!vm->lim.max_depth)
		vm->lim.max_depth = 2048;
	if (!vm->lim.stack_slots)
		vm->lim.stack_slots = 256u << 10;
	if (host)
		vm->host = *host;
	vm->stack = calloc(vm->lim.stack_slots, sizeof(vn_slot));
	vm->frames = calloc(vm->lim.max_depth + 1, sizeof(struct vn_frame));
	if (!vm->stack || !vm->frames || vn_heap_new(vm)) {
		vn_vm_free(vm);
		return NULL;
	}
	vm->stack_end = vm->stack + vm->lim.stack_slots;
	vm->no_fuse = getenv("VIFNET_VM_NOFUSE") != NULL;  /* an experiment switch, read once */
	vn_jit_init(vm);   /* JIT on by default where it exists (x86-64) */
	if (boot(vm)) {
		vn_vm_free(vm);
		return NULL;
	}
	return vm;
}

void vn_vm_free(struct vn_vm *vm)
{
	if (!vm)
		return;
	vn_jit_free(vm);
	vn_heap_free(vm);
	vn_classes_free(vm);
	vn_cpath_free(vm);
	free(vm->stack);
	free(vm->frames);
	free(vm->pkts);
	free(vm);
}

int vn_vm_add_classpath(struct vn_vm *vm, const char *path)
{
	return vn_cpath_add(vm, path) ? VN_VM_ERROR : VN_VM_OK;
}

int vn_vm_add_bytes(struct vn_vm *vm, const uint8_t *data, size_t len)
{
	return vn_cpath_add_bytes(vm, data, len) ? VN_VM_REJECTED : VN_VM_OK;
}

const char *vn_vm_first_class(const struct vn_vm *vm) { return vm->first_class; }
bool vn_vm_aborted(const struct vn_vm *vm) { return vm->aborted; }
const char *vn_vm_error(const struct vn_vm *vm) { return vm->err; }

static void slashed(const char *in, char *out, size_t cap)
{
	size_t i = 0;
	for (; in[i] && i + 1 < cap; i++)
		out[i] = in[i] == '.' ? '/' : in[i];
	out[i] = 0;
}

/* Prepares every method of every user class loaded so far (and of those
 * that preparation loads in turn), so unsupported features are rejected now. */
static int prepare_user_classes(struct vn_vm *vm)
{
	bool again = true;
	while (again) {
		again = false;
		for (uint32_t b = 0; b < vm->ctab_size; b++)
			for (struct vn_class *c = vm->ctab[b]; c; c = c->next) {
				if (c->rom || c->prepared || c->state == CS_ERROR)
					continue;
				c->prepared = true;
				again = true;
				for (uint16_t i = 0; i < c->nmethods; i++)
					if (c->methods[i].code && vn_prepare(vm, &c->methods[i]))
						return -1;
				/* the table may have grown: restart the scan */
				b = vm->ctab_size;
				break;
			}
	}
	return 0;
}

static struct vn_class *load_linked(struct vn_vm *vm, const char *name)
{
	char n[1024];
	slashed(name, n, sizeof n);
	struct vn_class *c = vn_class_load(vm, n);
	if (!c)
		return NULL;
	if (prepare_user_classes(vm))
		return NULL;
	return c;
}

int vn_vm_load(struct vn_vm *vm, const char *cls)
{
	if (!cls) {
		vn_seterr(vm, "no class name");
		return VN_VM_ERROR;
	}
	ENTER(vm);
	LEAVE(vm, load_linked(vm, cls) ? VN_VM_OK : VN_VM_REJECTED);
}

static const char *find_viflet(struct vn_vm *vm)
{
	size_t n;
	char **names = vn_cpath_user_classes(vm, &n);
	const char *found = NULL;
	for (size_t i = 0; i < n; i++) {
		if (!found) {
			struct vn_class *c = vn_class_load(vm, names[i]);
			if (c && vn_class_sub(c, vm->c_viflet) && !(c->access & (ACC_ABSTRACT | ACC_INTERFACE)) &&
			    !prepare_user_classes(vm)) {
				snprintf(vm->viflet_name, sizeof vm->viflet_name, "%s", c->name);
				found = vm->viflet_name;
			}
		}
		free(names[i]);
	}
	free(names);
	if (!found && !vm->err[0])
		vn_seterr(vm, "no VIFlet subclass among the classes given");
	return found;
}

const char *vn_vm_find_viflet(struct vn_vm *vm)
{
	vn_jmpbuf jb;
	if (vm->aborted)
		return NULL;
	if (VN_SETJMP(jb)) {
		vm->abort_jb = NULL;
		return NULL;
	}
	vm->abort_jb = &jb;
	vm->err[0] = 0;
	const char *r = find_viflet(vm);
	vm->abort_jb = NULL;
	return r;
}

int vn_vm_check_class(struct vn_vm *vm, const uint8_t *data, size_t len)
{
	if (vn_vm_add_bytes(vm, data, len))
		return VN_VM_REJECTED;
	if (vm->first_class)
		return vn_vm_load(vm, vm->first_class);
	/* a jar: every class in it */
	size_t n;
	char **names = vn_cpath_user_classes(vm, &n);
	int rc = n ? VN_VM_OK : VN_VM_REJECTED;
	if (!n)
		vn_seterr(vm, "no classes");
	for (size_t i = 0; i < n; i++) {
		if (rc == VN_VM_OK)
			rc = vn_vm_load(vm, names[i]);
		free(names[i]);
	}
	free(names);
	return rc;
}

/* Appends "toString()\n<trace>" of exception e to buf (at *n, bounded). */
static void exc_text(struct vn_vm *vm, struct vn_obj *e, char *buf, size_t cap, size_t *n)
{
	char cn[256], msg[VN_ERRLEN];
	size_t i = 0;
	for (const char *p = e->cls->name; *p && i + 1 < sizeof cn; p++)
		cn[i++] = *p == '/' ? '.' : *p;
	cn[i] = 0;
	snprintf(msg, sizeof msg, "%s", cn);
	struct vn_method *m = vn_method_resolve(e->cls, "toString", "()Ljava/lang/String;");
	if (m && m->vindex >= 0)
		m = e->cls->vtable[m->vindex];
	vn_slot a, r;
	a.a = e;
	if (m && !vn_call(vm, m, &a, &r) && r.a)
		vn_str_utf8(vm, r.a, msg, sizeof msg);
	vm->exc = NULL;
	char tr[VN_ERRLEN];
	tr[0] = 0;
	struct vn_obj *t = VN_FIELD(e, vm->off_thr_trace, struct vn_obj *);
	if (t)
		vn_str_utf8(vm, t, tr, sizeof tr);
	const char *parts[3] = { msg, "\n", tr };
	for (int k = 0; k < 3; k++) {
		size_t l = strlen(parts[k]);
		if (*n + 1 >= cap)
			return;
		if (l > cap - *n - 1)
			l = cap - *n - 1;
		memcpy(buf + *n, parts[k], l);
		*n += l;
		buf[*n] = 0;
	}
}

/* Describes the pending exception like java's default handler does: the
 * exception, its trace, then "Caused by: " each cause (up to 4). */
static void describe_exc(struct vn_vm *vm)
{
	struct vn_obj *e = vm->exc;
	vm->exc = NULL;
	vn_root_push(vm, e);
	size_t n = 0;
	vm->err[0] = 0;
	exc_text(vm, e, vm->err, sizeof vm->err, &n);
	struct vn_field *cf = vn_field_resolve(vm->c_throwable, "cause", "Ljava/lang/Throwable;");
	struct vn_obj *c = cf ? VN_FIELD(e, cf->off, struct vn_obj *) : NULL;
	for (int k = 0; k < 4 && c && c != e; k++) {
		if (n + 12 < sizeof vm->err) {
			memcpy(vm->err + n, "Caused by: ", 11);
			n += 11;
			vm->err[n] = 0;
		}
		exc_text(vm, c, vm->err, sizeof vm->err, &n);
		c = VN_FIELD(c, cf->off, struct vn_obj *);
	}
	while (n && vm->err[n - 1] == '\n')
		vm->err[--n] = 0;
	vn_root_pop(vm, 1);
}

int vn_vm_run_main(struct vn_vm *vm, const char *cls, int argc, char **argv)
{
	ENTER(vm);
	struct vn_class *c = load_linked(vm, cls);
	if (!c)
		LEAVE(vm, VN_VM_REJECTED);
	struct vn_method *m = vn_method_find(c, "main", "([Ljava/lang/String;)V");
	if (!m || !(m->access & ACC_STATIC)) {
		vn_seterr(vm, "%s: no static main(String[])", cls);
		LEAVE(vm, VN_VM_ERROR);
	}
	struct vn_class *sa = vn_class_array_of(vm, vm->c_string);
	if (!sa)
		LEAVE(vm, VN_VM_ERROR);
	struct vn_obj *args = vn_new_array(vm, sa, argc);
	vn_root_push(vm, args);
	for (int i = 0; i < argc; i++) {
		struct vn_obj *s = vn_str_new(vm, argv[i], strlen(argv[i]));
		((struct vn_obj **)VN_ADATA(args))[i] = s;
	}
	vn_slot a, r;
	a.a = args;
	int rc = VN_VM_OK;
	if (vn_class_init(vm, c) || vn_call(vm, m, &a, &r)) {
		describe_exc(vm);
		rc = VN_VM_EXCEPTION;
	}
	vn_root_pop(vm, 1);
	LEAVE(vm, rc);
}

static struct vn_method *viflet_method(struct vn_vm *vm, const char *name, const char *desc)
{
	struct vn_class *c = vm->viflet->cls;
	struct vn_method *m = vn_method_resolve(c, name, desc);
	if (m && m->vindex >= 0 && (uint32_t)m->vindex < c->vtable_len)
		m = c->vtable[m->vindex];
	return m;
}

int vn_vm_viflet_start(struct vn_vm *vm, const char *cls)
{
	ENTER(vm);
	struct vn_class *c = load_linked(vm, cls);
	if (!c)
		LEAVE(vm, VN_VM_REJECTED);
	if (!vn_class_sub(c, vm->c_viflet) || (c->access & (ACC_ABSTRACT | ACC_INTERFACE))) {
		vn_seterr(vm, "%s is not a concrete subclass of VIFlet", cls);
		LEAVE(vm, VN_VM_REJECTED);
	}
	struct vn_method *init = vn_method_find(c, "<init>", "()V");
	if (!init) {
		vn_seterr(vm, "%s has no constructor without arguments", cls);
		LEAVE(vm, VN_VM_REJECTED);
	}
	if (vn_class_init(vm, c)) {
		describe_exc(vm);
		LEAVE(vm, VN_VM_EXCEPTION);
	}
	vm->viflet = vn_new_object(vm, c);
	vn_slot a, r;
	a.a = vm->viflet;
	if (vn_call(vm, init, &a, &r)) {
		describe_exc(vm);
		vm->viflet = NULL;
		LEAVE(vm, VN_VM_EXCEPTION);
	}
	/* The handlers are looked up once: a packet costs no name lookups. */
	vm->m_enqueue = viflet_method(vm, "enqueue", "(LPacket;)V");
	vm->m_dequeue = viflet_method(vm, "dequeue", "()LPacket;");
	vm->m_timeout = viflet_method(vm, "timeout", "()V");
	LEAVE(vm, VN_VM_OK);
}

/* A Packet object for host packet pkt, listed among the held packets: a
 * recycled one when there is one (no allocation), else a new one. */
static struct vn_obj *packet_for(struct vn_vm *vm, void *pkt)
{
	if (vm->npkts == vm->pkts_cap) {
		uint32_t nc = vm->pkts_cap ? vm->pkts_cap * 2 : 64;
		struct vn_obj **np = realloc(vm->pkts, nc * sizeof(*np));
		if (!np)
			vn_abort(vm, "out of memory");
		vm->pkts = np;
		vm->pkts_cap = nc;
	}
	struct vn_obj *p = vm->npkt_free ? vm->pkt_free[--vm->npkt_free]
					 : vn_new_object(vm, vm->c_packet);
	vn_pkt_reset(vm, p, pkt);
	VN_FIELD(p, vm->off_pkt_slot, uint32_t) = vm->npkts;
	vm->pkts[vm->npkts++] = p;
	return p;
}

/* A VIFlet handler called by the host right after ENTER (no frame on the
 * VM stack, no native's arguments, c_depth 0). Compiled, with one or two
 * arguments: its entry frame is pushed here and the code called directly —
 * vn_call without what cannot apply (natives, preparation, nested entries,
 * the depth limit: max_depth >= 1); this runs twice per packet (issue 9).
 * Otherwise, or when the frame would not fit (vn_call aborts with the
 * interpreter's message), vn_call. */
static inline int call_handler(struct vn_vm *vm, int h, struct vn_method *m, vn_slot a0, vn_slot a1, vn_slot *ret)
{
	vn_slot *base = vm->stack;
	/* checked once per handler: a method stays compiled, and its frame and
	 * the VM's stack keep their sizes */
	if (vm->fast_handler[h] != m) {
		if (m->jit_state != VN_JIT_COMPILED || m->nargs > 2 || !m->nargs ||
		    base + m->max_locals + m->max_stack > vm->stack_end) {
			vn_slot a[2] = { a0, a1 };
			return vn_call(vm, m, a, ret);
		}
		vm->fast_handler[h] = m;
	}
	ret->raw = 0;
	base[0] = a0;
	if (m->nargs == 2)
		base[1] = a1;
	struct vn_frame *fr = &vm->frames[0];
	vn_frame_enter(fr, m, base);
	vm->nframes = 1;
	vm->c_depth = 1;
	int r = 0;
	if (((vn_jit_fn)m->jit_code)(vm, fr, ret))
		r = vn_interp_run(vm, ret, true);   /* the exception from the handler's frame */
	else
		vm->nframes = 0;
	vm->c_depth = 0;
	return r;
}

int vn_vm_enqueue(struct vn_vm *vm, void *pkt)
{
	ENTER(vm);
	if (!vm->viflet) {
		vn_seterr(vm, "no VIFlet started");
		LEAVE(vm, VN_VM_ERROR);
	}
	vn_slot a0, a1, r;
	a0.a = vm->viflet;
	a1.a = packet_for(vm, pkt);
	if (call_handler(vm, 0, vm->m_enqueue, a0, a1, &r)) {
		describe_exc(vm);
		LEAVE(vm, VN_VM_EXCEPTION);
	}
	LEAVE(vm, VN_VM_OK);
}

int vn_vm_dequeue(struct vn_vm *vm, void **pkt)
{
	*pkt = NULL;
	ENTER(vm);
	if (!vm->viflet) {
		vn_seterr(vm, "no VIFlet started");
		LEAVE(vm, VN_VM_ERROR);
	}
	vn_slot a, r;
	a.a = vm->viflet;
	if (call_handler(vm, 1, vm->m_dequeue, a, a, &r)) {
		describe_exc(vm);
		LEAVE(vm, VN_VM_EXCEPTION);
	}
	struct vn_obj *p = r.a;
	if (p) {
		void *h = VN_FIELD(p, vm->off_pkt_handle, void *);
		if (!h)
			vn_abort(vm, "dequeue() returned a packet that already left the VIFlet");
		if (p->len > 0)
			vn_abort(vm, "packet rule violated: dequeue() returned a packet still stored in the heap");
		vn_pkt_forget(vm, p);
		*pkt = h;
		/* Stored nowhere (p->len counts the places, seed VI.1.3.4) and no
		 * Java frame is left: nothing can reach p, so it can carry the
		 * next packet. */
		if (vm->npkt_free < VN_PKT_FREE_MAX)
			vm->pkt_free[vm->npkt_free++] = p;
	}
	LEAVE(vm, VN_VM_OK);
}

int vn_vm_timeout(struct vn_vm *vm)
{
	ENTER(vm);
	if (!vm->viflet)
		LEAVE(vm, VN_VM_OK);
	struct vn_method *m = vm->m_timeout;
	vn_slot a, r;
	a.a = vm->viflet;
	if (m && vn_call(vm, m, &a, &r)) {
		describe_exc(vm);
		LEAVE(vm, VN_VM_EXCEPTION);
	}
	LEAVE(vm, VN_VM_OK);
}

int32_t vn_vm_viflet_length(const struct vn_vm *vm)
{
	if (!vm->viflet || vm->aborted)
		return 0;
	return VN_FIELD(vm->viflet, vm->off_viflet_length, int32_t);
}

size_t vn_vm_release_held(struct vn_vm *vm, void (*cb)(void *arg, void *pkt), void *arg)
{
	size_t n = 0;
	for (uint32_t i = 0; i < vm->npkts; i++) {
		void **hp = &VN_FIELD(vm->pkts[i], vm->off_pkt_handle, void *);
		if (*hp) {
			if (cb)
				cb(arg, *hp);
			*hp = NULL;
			n++;
		}
	}
	vm->npkts = 0;
	return n;
}

void vn_vm_get_stats(const struct vn_vm *vm, struct vn_vm_stats *st)
{
	memset(st, 0, sizeof *st);
	vn_heap_stats((struct vn_vm *)vm, st);
	st->classes = vm->nclasses;
}
