/* ctlring — the shim's request ring: a shared-memory queue of control
 * requests from one registered process to vifd (docs/control.md, `ring`).
 *
 * Why: a control request on the socket costs the sending program a system
 * call and, when vifd sleeps, the wake-up of vifd — together about 8 µs on
 * the 2-vCPU VM of docs/evaluation.md, twice per short connection. A ring
 * entry costs a few stores. vifd reads the ring when it must (before it
 * classifies the first packet of an unknown flow, before it serves any
 * request of that client's socket) and every VD_RING_PERIOD_MS otherwise.
 *
 * Layout of the memfd vifd hands out (VD_RING_BYTES):
 *   [0]    uint32 head: next slot to reserve (producers: the client's threads)
 *   [64]   uint32 tail: next slot vifd will read (written by vifd only)
 *   [128]  VD_RING_SLOTS slots of VD_RING_SLOT bytes:
 *          uint32 seq (n + 1 once slot n is complete), uint16 len, text
 * A producer reserves slot n = head by compare-and-swap while n - tail <
 * VD_RING_SLOTS, writes the text, then stores seq = n + 1 (release). vifd
 * takes slot t while its seq is t + 1, in order, then publishes tail. So
 * entries are taken in reservation order; several threads (and a signal
 * handler interrupting one of them) may produce at once without a lock.
 *
 * vifd never trusts the shared words: it keeps its own tail, reads each
 * slot's len and text once into private memory and parses them like a
 * socket request of that connection (same SO_PEERCRED identity). Only
 * `sock`, `dup` and `close` are accepted from a ring; they get no reply. */
#ifndef VIFD_CTLRING_H
#define VIFD_CTLRING_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define VD_RING_SLOTS 256u
#define VD_RING_SLOT 128u
#define VD_RING_TEXT (VD_RING_SLOT - 8u)       /* longest request in a slot */
#define VD_RING_HDR 128u
#define VD_RING_BYTES (VD_RING_HDR + VD_RING_SLOTS * VD_RING_SLOT)
#define VD_RING_PERIOD_MS 10                   /* vifd reads idle rings this often */
#define VD_RING_NUDGE (VD_RING_SLOTS / 2)      /* the shim wakes vifd at this fill */

struct vd_ring_slot {
	_Atomic uint32_t seq;
	uint16_t len;
	uint16_t pad;
	char text[VD_RING_TEXT];
};

struct vd_ring {
	_Atomic uint32_t head;
	uint8_t pad0[60];
	_Atomic uint32_t tail;
	uint8_t pad1[60];
	struct vd_ring_slot slot[VD_RING_SLOTS];
};
_Static_assert(sizeof(struct vd_ring) == VD_RING_BYTES, "ring layout");

/* Producer: append one request. Returns how many entries the ring held with
 * it (>= 1: the caller may nudge vifd when that reaches VD_RING_NUDGE), or
 * -1 if the ring is full (len too long: -2). No system call, no lock:
 * async-signal-safe. */
static inline int vd_ring_put(struct vd_ring *r, const char *text, size_t len)
{
	if (len == 0 || len > VD_RING_TEXT)
		return -2;
	uint32_t h = atomic_load_explicit(&r->head, memory_order_relaxed), t;
	do {
		t = atomic_load_explicit(&r->tail, memory_order_acquire);
		if (h - t >= VD_RING_SLOTS)
			return -1;
	} while (!atomic_compare_exchange_weak_explicit(&r->head, &h, h + 1, memory_order_acquire,
							memory_order_relaxed));
	struct vd_ring_slot *s = &r->slot[h % VD_RING_SLOTS];
	memcpy(s->text, text, len);
	s->len = (uint16_t)len;
	atomic_store_explicit(&s->seq, h + 1, memory_order_release);
	return (int)(h + 1 - t);
}

/* Is there room for one more entry (a hint: another thread may take it)? */
static inline bool vd_ring_room(struct vd_ring *r)
{
	uint32_t h = atomic_load_explicit(&r->head, memory_order_relaxed);
	uint32_t t = atomic_load_explicit(&r->tail, memory_order_acquire);
	return h - t < VD_RING_SLOTS;
}

/* Consumer: take the entry at *tail if it is complete: copy its text into
 * buf (VD_RING_TEXT bytes), set *len, advance *tail and publish it. Returns
 * false when the next slot is not complete yet. *tail is the consumer's
 * private copy; a length the producer corrupted comes back clamped. */
static inline bool vd_ring_take(struct vd_ring *r, uint32_t *tail, char *buf, size_t *len)
{
	struct vd_ring_slot *s = &r->slot[*tail % VD_RING_SLOTS];
	if (atomic_load_explicit(&s->seq, memory_order_acquire) != *tail + 1)
		return false;
	size_t n = *(volatile uint16_t *)&s->len;
	if (n > VD_RING_TEXT)
		n = VD_RING_TEXT;
	memcpy(buf, s->text, n);
	*len = n;
	*tail += 1;
	atomic_store_explicit(&r->tail, *tail, memory_order_release);
	return true;
}

#endif
