/* The heap of one VM instance and its garbage collector (mark-sweep,
 * stop-the-world, non-moving).
 *
 * Invariants:
 *  1. Small objects (<= 256 bytes, sizes rounded to 16) live in 64 KiB pages,
 *     one size per page, found by address through the page table; a slot
 *     holds an object iff its class word is non-NULL (free slots have NULL
 *     there and the free-list link after it). Large objects come from malloc
 *     and are in the large-object set (open addressing). Nothing else is an
 *     object. live_bytes is the sum of the object sizes and never exceeds the
 *     limit after vn_alloc returns; an allocation that cannot fit even after a
 *     collection aborts the instance.
 *  2. Mark bits are clear outside a collection.
 *  3. Roots: the slot stack from its base to the top frame's saved sp (or the
 *     arguments of a native called from C, vm->ntop), scanned conservatively
 *     (a slot is a root only if its value is in the object set); statics of
 *     every class and the String literals of every class (precisely); the
 *     temporary roots natives push; the pending exception; the VIFlet. Every
 *     interpreter path that can allocate saves sp first (SAVE() in interp.c).
 *  4. Objects are scanned precisely: instances through their class's
 *     reference-field offsets, reference arrays element by element.
 *  5. Packets: a Packet's reference count (its header len) counts heap slots
 *     (fields, array elements, statics) holding it. Sweeping an object that
 *     held a live packet decrements the count; sweeping a Packet that still
 *     carries a host handle hands the packet back to the host as a drop. */
#include <stdlib.h>
#include <string.h>

#include "vm_int.h"

#define PAGE_SHIFT 16
#define PAGE_SIZE (1u << PAGE_SHIFT)
#define SMALL_MAX 256u
#define NSIZES (SMALL_MAX / 16)

struct page {
	uint8_t *base;
	uint32_t sz, nslots, live;
	struct page *next;
};

struct freeslot { struct vn_class *cls; struct freeslot *next; };   /* cls == NULL */

struct vn_heap {
	struct page *pages[NSIZES];
	struct freeslot *free[NSIZES];
	struct page **ptab; size_t ptcap, npages;   /* page table: open addressing by base */
	struct vn_obj **set; size_t cap, n;         /* large objects */
	size_t nsmall;
	size_t live_bytes, total_alloc;
	size_t soft;            /* collect when live_bytes would pass this (<= the limit) */
	uint64_t gc_runs;
	struct vn_obj **gray; size_t ngray, graycap;
	bool oom;
};

static inline size_t hptr(const void *p, size_t cap)
{
	uintptr_t x = (uintptr_t)p >> 4;
	x ^= x >> 17;
	x *= 0x9E3779B97F4A7C15ull;
	return (size_t)(x >> 20) & (cap - 1);
}

static void set_put(struct vn_obj **set, size_t cap, struct vn_obj *o)
{
	size_t i = hptr(o, cap);
	while (set[i])
		i = (i + 1) & (cap - 1);
	set[i] = o;
}

static bool set_has(const struct vn_heap *h, const void *p)
{
	size_t i = hptr(p, h->cap);
	while (h->set[i]) {
		if (h->set[i] == p)
			return true;
		i = (i + 1) & (h->cap - 1);
	}
	return false;
}

static int set_grow(struct vn_heap *h)
{
	size_t nc = h->cap * 2;
	struct vn_obj **ns = calloc(nc, sizeof(*ns));
	if (!ns)
		return -1;
	for (size_t i = 0; i < h->cap; i++)
		if (h->set[i])
			set_put(ns, nc, h->set[i]);
	free(h->set);
	h->set = ns;
	h->cap = nc;
	return 0;
}

static inline size_t hpage(uintptr_t base, size_t cap)
{
	uint64_t x = (uint64_t)(base >> PAGE_SHIFT) * 0x9E3779B97F4A7C15ull;
	return (size_t)(x >> 32) & (cap - 1);
}

static void ptab_put(struct page **t, size_t cap, struct page *pg)
{
	size_t i = hpage((uintptr_t)pg->base, cap);
	while (t[i])
		i = (i + 1) & (cap - 1);
	t[i] = pg;
}

static struct page *ptab_find(const struct vn_heap *h, uintptr_t base)
{
	if (!h->ptcap)
		return NULL;
	size_t i = hpage(base, h->ptcap);
	while (h->ptab[i]) {
		if ((uintptr_t)h->ptab[i]->base == base)
			return h->ptab[i];
		i = (i + 1) & (h->ptcap - 1);
	}
	return NULL;
}

/* Rebuilds the page table from the page lists (after pages were freed). */
static int ptab_rebuild(struct vn_heap *h, size_t want)
{
	size_t cap = 64;
	while (cap < want * 2 + 2)
		cap *= 2;
	struct page **t = calloc(cap, sizeof(*t));
	if (!t)
		return -1;
	for (unsigned k = 0; k < NSIZES; k++)
		for (struct page *pg = h->pages[k]; pg; pg = pg->next)
			ptab_put(t, cap, pg);
	free(h->ptab);
	h->ptab = t;
	h->ptcap = cap;
	return 0;
}

/* Is p the address of an object? (conservative root test) */
static bool is_object(const struct vn_heap *h, const void *p)
{
	if (!p || ((uintptr_t)p & 15))
		return false;
	uintptr_t base = (uintptr_t)p & ~(uintptr_t)(PAGE_SIZE - 1);
	struct page *pg = ptab_find(h, base);
	if (pg) {
		uintptr_t off = (uintptr_t)p - base;
		return off % pg->sz == 0 && off / pg->sz < pg->nslots && ((const struct vn_obj *)p)->cls;
	}
	return set_has(h, p);
}

int vn_heap_new(struct vn_vm *vm)
{
	struct vn_heap *h = calloc(1, sizeof(*h));
	if (!h)
		return -1;
	h->cap = 256;
	h->soft = vm->lim.heap_bytes < (4u << 20) ? vm->lim.heap_bytes : (4u << 20);
	h->set = calloc(h->cap, sizeof(*h->set));
	if (!h->set || ptab_rebuild(h, 0)) {
		free(h->set);
		free(h);
		return -1;
	}
	vm->heap = h;
	return 0;
}

void vn_heap_free(struct vn_vm *vm)
{
	struct vn_heap *h = vm->heap;
	if (!h)
		return;
	for (unsigned k = 0; k < NSIZES; k++)
		for (struct page *pg = h->pages[k], *nx; pg; pg = nx) {
			nx = pg->next;
			free(pg->base);
			free(pg);
		}
	for (size_t i = 0; i < h->cap; i++)
		free(h->set[i]);
	free(h->set);
	free(h->ptab);
	free(h->gray);
	free(h);
	vm->heap = NULL;
}

static void mark(struct vn_heap *h, struct vn_obj *o)
{
	if (!o || (o->gcword & 1))
		return;
	o->gcword |= 1;
	if (h->ngray == h->graycap) {
		size_t nc = h->graycap ? h->graycap * 2 : 256;
		struct vn_obj **ng = realloc(h->gray, nc * sizeof(*ng));
		if (!ng) {
			h->oom = true;   /* vn_gc aborts the instance after marking */
			return;
		}
		h->gray = ng;
		h->graycap = nc;
	}
	h->gray[h->ngray++] = o;
}

static void scan(struct vn_heap *h, struct vn_obj *o)
{
	struct vn_class *c = o->cls;
	if (c->ek == EK_REF) {
		struct vn_obj **e = (struct vn_obj **)VN_ADATA(o);
		for (int32_t i = 0; i < o->len; i++)
			mark(h, e[i]);
	} else if (!c->ek) {
		for (uint32_t i = 0; i < c->nrefs; i++)
			mark(h, VN_FIELD(o, c->ref_offs[i], struct vn_obj *));
	}
}

/* Decrement the counts of live packets referenced by a dead object. */
static void unref_packets(struct vn_vm *vm, struct vn_obj *o)
{
	struct vn_class *c = o->cls, *pc = vm->c_packet;
	if (!pc)
		return;
	if (c->ek == EK_REF) {
		struct vn_obj **e = (struct vn_obj **)VN_ADATA(o);
		for (int32_t i = 0; i < o->len; i++)
			if (e[i] && e[i]->cls == pc && (e[i]->gcword & 1))
				e[i]->len--;
	} else if (!c->ek) {
		for (uint32_t i = 0; i < c->nrefs; i++) {
			struct vn_obj *p = VN_FIELD(o, c->ref_offs[i], struct vn_obj *);
			if (p && p->cls == pc && (p->gcword & 1))
				p->len--;
		}
	}
}

static size_t obj_size(const struct vn_obj *o)
{
	const struct vn_class *c = o->cls;
	size_t s = c->ek ? VN_OBJ_HDR + (size_t)o->len * c->esize : c->inst_size;
	return (s + 15) & ~(size_t)15;
}

void vn_gc(struct vn_vm *vm)
{
	struct vn_heap *h = vm->heap;
	h->gc_runs++;
	vm->npkt_free = 0;   /* recycled Packet objects are garbage like any other */
	/* roots: the slot stack, conservatively */
	vn_slot *top = vm->nframes ? vm->frames[vm->nframes - 1].sp : vm->stack;
	if (vm->ntop && vm->ntop > top)
		top = vm->ntop;
	for (vn_slot *s = vm->stack; s < top; s++)
		if (is_object(h, s->a))
			mark(h, s->a);
	for (uint32_t b = 0; b < vm->ctab_size; b++)
		for (struct vn_class *c = vm->ctab[b]; c; c = c->next) {
			for (uint32_t i = 0; i < c->nsrefs; i++)
				mark(h, *(struct vn_obj **)(c->statics + c->sref_offs[i]));
			for (uint32_t i = 0; i < c->nlits; i++)
				mark(h, c->lits[i]);
		}
	for (uint32_t i = 0; i < vm->ntmp; i++)
		mark(h, vm->tmproots[i]);
	mark(h, vm->exc);
	mark(h, vm->viflet);
	while (h->ngray)
		scan(h, h->gray[--h->ngray]);
	if (h->oom)
		vn_abort(vm, "out of memory during garbage collection");

	/* sweep, phase 1: dead holders release their packets */
	for (unsigned k = 0; k < NSIZES; k++)
		for (struct page *pg = h->pages[k]; pg; pg = pg->next)
			for (uint32_t i = 0; i < pg->nslots; i++) {
				struct vn_obj *o = (struct vn_obj *)(pg->base + (size_t)i * pg->sz);
				if (o->cls && !(o->gcword & 1))
					unref_packets(vm, o);
			}
	for (size_t i = 0; i < h->cap; i++) {
		struct vn_obj *o = h->set[i];
		if (o && !(o->gcword & 1))
			unref_packets(vm, o);
	}
	/* packets that became garbage while still inside the VM go back to the host */
	for (uint32_t i = 0; i < vm->npkts;) {
		struct vn_obj *p = vm->pkts[i];
		if (!(p->gcword & 1)) {
			void *hp = VN_FIELD(p, vm->off_pkt_handle, void *);
			if (hp && vm->host.pkt_drop)
				vm->host.pkt_drop(vm->host.ctx, hp);
			vn_pkt_unlist(vm, i);
		} else {
			i++;
		}
	}
	/* phase 2: free the dead, unmark the live, rebuild free lists; empty
	 * pages are kept for reuse (fresh pages cost page faults) unless the
	 * pages would outgrow the heap limit */
	size_t bytes = 0, nsmall = 0, npages = 0, total_pages = h->npages;
	size_t keep_pages = vm->lim.heap_bytes / PAGE_SIZE + NSIZES;
	bool freed_page = false;
	for (unsigned k = 0; k < NSIZES; k++) {
		h->free[k] = NULL;
		struct page **pp = &h->pages[k];
		while (*pp) {
			struct page *pg = *pp;
			struct freeslot *fl = h->free[k];
			uint32_t live = 0;
			for (uint32_t i = pg->nslots; i-- > 0;) {
				struct vn_obj *o = (struct vn_obj *)(pg->base + (size_t)i * pg->sz);
				if (o->cls && (o->gcword & 1)) {
					o->gcword &= ~1u;
					live++;
					continue;
				}
				struct freeslot *f = (struct freeslot *)o;
				f->cls = NULL;
				f->next = fl;
				fl = f;
			}
			if (!live && total_pages > keep_pages) {
				/* an empty page goes back to the system */
				total_pages--;
				*pp = pg->next;
				free(pg->base);
				free(pg);
				freed_page = true;
				continue;
			}
			h->free[k] = fl;
			pg->live = live;
			nsmall += live;
			bytes += (size_t)live * pg->sz;
			npages++;
			pp = &pg->next;
		}
	}
	h->nsmall = nsmall;
	if (freed_page && ptab_rebuild(h, npages))
		vn_abort(vm, "out of memory during garbage collection");
	h->npages = npages;
	struct vn_obj **ns = calloc(h->cap, sizeof(*ns));
	if (!ns)
		vn_abort(vm, "out of memory during garbage collection");
	size_t n = 0;
	for (size_t i = 0; i < h->cap; i++) {
		struct vn_obj *o = h->set[i];
		if (!o)
			continue;
		if (o->gcword & 1) {
			o->gcword &= ~1u;
			set_put(ns, h->cap, o);
			n++;
			bytes += obj_size(o);
		} else {
			free(o);
		}
	}
	free(h->set);
	h->set = ns;
	h->n = n;
	h->live_bytes = bytes;
	/* next collection after the heap has doubled (young garbage dies young),
	 * at least 4 MiB on, never past the hard limit */
	h->soft = bytes * 2 > (4u << 20) ? bytes * 2 : (4u << 20);
	if (h->soft > vm->lim.heap_bytes)
		h->soft = vm->lim.heap_bytes;
	/* shrink an oversized large-object set */
	while (h->cap > 256 && n * 8 < h->cap) {
		size_t nc = h->cap / 2;
		struct vn_obj **sm = calloc(nc, sizeof(*sm));
		if (!sm)
			break;
		for (size_t i = 0; i < h->cap; i++)
			if (h->set[i])
				set_put(sm, nc, h->set[i]);
		free(h->set);
		h->set = sm;
		h->cap = nc;
	}
}

/* A fresh page for size class k, its slots on the free list. */
static void new_page(struct vn_vm *vm, unsigned k)
{
	struct vn_heap *h = vm->heap;
	struct page *pg = calloc(1, sizeof(*pg));
	uint8_t *base = aligned_alloc(PAGE_SIZE, PAGE_SIZE);
	if (!pg || !base) {
		free(pg);
		free(base);
		vn_abort(vm, "out of memory");
	}
	pg->base = base;
	pg->sz = (k + 1) * 16;
	pg->nslots = PAGE_SIZE / pg->sz;
	memset(base, 0, PAGE_SIZE);
	struct freeslot *fl = h->free[k];
	for (uint32_t i = pg->nslots; i-- > 0;) {
		struct freeslot *f = (struct freeslot *)(base + (size_t)i * pg->sz);
		f->next = fl;
		fl = f;
	}
	h->free[k] = fl;
	pg->next = h->pages[k];
	h->pages[k] = pg;
	h->npages++;
	if (h->npages * 2 > h->ptcap) {
		if (ptab_rebuild(h, h->npages))
			vn_abort(vm, "out of memory");
	} else {
		ptab_put(h->ptab, h->ptcap, pg);
	}
}

struct vn_obj *vn_alloc(struct vn_vm *vm, struct vn_class *c, uint32_t size)
{
	struct vn_heap *h = vm->heap;
	size = (size + 15) & ~15u;
	if (size > vm->lim.heap_bytes)
		vn_abort(vm, "heap limit exceeded: %u bytes requested, limit %zu", size, vm->lim.heap_bytes);
	if (h->live_bytes + size > h->soft) {
		vn_gc(vm);
		if (h->live_bytes + size > vm->lim.heap_bytes)
			vn_abort(vm, "heap limit exceeded: %zu bytes live, %u requested, limit %zu",
				 h->live_bytes, size, vm->lim.heap_bytes);
	}
	struct vn_obj *o;
	if (size <= SMALL_MAX) {
		unsigned k = size / 16 - 1;
		if (!h->free[k])
			new_page(vm, k);
		struct freeslot *f = h->free[k];
		h->free[k] = f->next;
		o = (struct vn_obj *)f;
		memset(o, 0, size);
		h->nsmall++;
	} else {
		if ((h->n + 1) * 2 > h->cap && set_grow(h))
			vn_abort(vm, "out of memory");
		o = calloc(1, size);
		if (!o)
			vn_abort(vm, "out of memory");
		set_put(h->set, h->cap, o);
		h->n++;
	}
	o->cls = c;
	h->live_bytes += size;
	h->total_alloc += size;
	return o;
}

struct vn_obj *vn_new_object(struct vn_vm *vm, struct vn_class *c)
{
	return vn_alloc(vm, c, c->inst_size);
}

struct vn_obj *vn_new_array(struct vn_vm *vm, struct vn_class *ac, int32_t len)
{
	uint64_t size = VN_OBJ_HDR + (uint64_t)(uint32_t)len * ac->esize;
	if (size > vm->lim.heap_bytes)
		vn_abort(vm, "heap limit exceeded: array of %d elements, limit %zu bytes", (int)len,
			 vm->lim.heap_bytes);
	struct vn_obj *a = vn_alloc(vm, ac, (uint32_t)size);
	a->len = len;
	return a;
}

void vn_heap_stats(struct vn_vm *vm, struct vn_vm_stats *st)
{
	struct vn_heap *h = vm->heap;
	st->gc_runs = h->gc_runs;
	st->allocated_bytes = h->total_alloc;
	st->live_bytes = h->live_bytes;
	st->live_objects = h->n + h->nsmall;
}
