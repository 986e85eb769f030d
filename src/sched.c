/* The hierarchical scheduler (seed IV.1.1.2), both directions.
 *
 * Invariants, per direction:
 *  - a packet waits only in the own queue of the VIF it is attached to;
 *  - h->backlog counts the packets waiting in the subtree of h's VIF;
 *  - a VIF's `self` class is listed in its discipline iff its own queue is
 *    not empty; a child's `as_child` class is listed iff the child is eligible;
 *  - eligible == passes && !throttled && nactive > 0, so a packet can leave
 *    now through every eligible VIF down to one of its own queues;
 *  - a VIF is throttled iff its cap's t_next is in the future, and then its
 *    wake timer is armed for t_next.
 * Enqueue and dequeue touch only the VIFs of one path: O(depth). */
#include <errno.h>
#include <stddef.h>

#include "disc.h"
#include "vif_internal.h"

#define container_of(ptr, type, member) ((type *)((char *)(ptr) - offsetof(type, member)))

static bool admits(const struct vn_vif *v)
{
	return v->disc->passes && v->bandwidth != 0;
}

static bool compute_eligible(const struct vn_half *h)
{
	return !h->throttled && h->nactive > 0 && admits(h->vif);
}

/* Recompute eligibility of h and carry any change towards the root. */
static void propagate(struct vn_half *h)
{
	for (;;) {
		bool e = compute_eligible(h);
		if (e == h->eligible)
			return;
		h->eligible = e;
		struct vn_vif *p = h->vif->parent;
		if (!p)
			return;
		struct vn_half *ph = &p->half[h->dir];
		if (e)
			p->disc->activate(ph, &h->as_child);
		else
			p->disc->deactivate(ph, &h->as_child);
		h = ph;
	}
}

static void wake(struct vn_timer *tm, vn_time_t now)
{
	(void)now;
	struct vn_half *h = container_of(tm, struct vn_half, wake);
	h->throttled = false;
	propagate(h);
}

void vn_sched_vif_init(struct vn_vif *v)
{
	for (int d = 0; d < VN_NDIR; d++) {
		struct vn_half *h = &v->half[d];
		vn_pktq_init(&h->own);
		h->vif = v;
		h->dir = (uint8_t)d;
		h->as_child.vif = v;
		h->self.vif = v;
		h->self.self = true;
		vn_timer_init(&h->wake, wake);
	}
}

static void drop_count(struct vn_vif *v, uint64_t n)
{
	VN_STAT_ADD(v->st.drops, n);
}

int vn_sched_enqueue(struct vn_tree *t, struct vn_pkt *p, vn_time_t now)
{
	struct vn_vif *v = p->vif;
	enum vn_dir d = p->dir;
	struct vn_vif *const *path = (struct vn_vif *const *)v->path;
	unsigned n = v->depth + 1;

	vn_timerq_run(t->timers, now);
	/* Every VIF on the path may refuse the packet, in the order it would
	 * cross them: leaf to root on egress, root to leaf on ingress. */
	for (unsigned k = 0; k < n; k++) {
		struct vn_vif *u = path[d == VN_EGRESS ? k : n - 1 - k];
		if (!admits(u)) {
			drop_count(u, 1);
			return -EPERM;
		}
		if (u->filter && !u->filter(u->filter_ctx, p)) {
			drop_count(u, 1);
			return -EACCES;
		}
	}
	struct vn_half *h = &v->half[d];
	if (h->own.n >= v->qlimit) {
		drop_count(v, 1);
		return -ENOBUFS;
	}
	p->arrival = now;
	vn_pktq_push(&h->own, p);
	for (unsigned k = 0; k < n; k++)
		path[k]->half[d].backlog++;
	if (!h->self.listed) {
		v->disc->activate(h, &h->self);
		propagate(h);
	}
	return 0;
}

/* Charge a departure of `bytes` to u's cap at time now. */
static void charge_cap(struct vn_tree *t, struct vn_vif *u, struct vn_half *uh,
		       uint32_t bytes, vn_time_t now)
{
	if (u->bandwidth == VN_BW_UNLIMITED)
		return;
	/* Credit for lateness (waiting behind siblings, timer slack) is kept
	 * up to the tree's burst time, or two quanta of this cap, whichever is
	 * longer: a token bucket of that depth. */
	vn_time_t burst = t->burst > u->burst_min ? t->burst : u->burst_min;
	vn_time_t floor = now > burst ? now - burst : 0;
	vn_time_t tn = uh->t_next > floor ? uh->t_next : floor;
	tn += ((uint64_t)bytes * 8 * VN_NSEC_PER_SEC + u->bandwidth - 1) / u->bandwidth;
	uh->t_next = tn;
	if (tn > now) {
		uh->throttled = true;
		vn_timerq_arm(t->timers, &uh->wake, tn);
	}
}

struct vn_pkt *vn_sched_dequeue(struct vn_tree *t, enum vn_dir d, vn_time_t now)
{
	vn_timerq_run(t->timers, now);
	struct vn_vif *v = t->root;
	if (!v->half[d].eligible)
		return NULL;
	for (;;) {
		struct vn_cls *c = v->disc->select(&v->half[d]);
		if (c->self)
			break;
		v = c->vif;
	}
	struct vn_half *lh = &v->half[d];
	struct vn_pkt *p = vn_pktq_pop(&lh->own);
	uint32_t bytes = p->wire_len;
	struct vn_vif *const *path = (struct vn_vif *const *)v->path;

	for (unsigned i = 0; i <= v->depth; i++) {
		struct vn_vif *u = path[i];
		struct vn_half *uh = &u->half[d];
		struct vn_cls *c = i == 0 ? &uh->self : &path[i - 1]->half[d].as_child;
		uh->backlog--;
		if (i == 0 && vn_pktq_empty(&uh->own))
			u->disc->deactivate(uh, c);
		else if (c->listed)
			u->disc->charge(uh, c, bytes);
		charge_cap(t, u, uh, bytes, now);
		if (d == VN_EGRESS) {
			VN_STAT_ADD(u->st.out_packets, 1);
			VN_STAT_ADD(u->st.out_bytes, bytes);
		} else {
			VN_STAT_ADD(u->st.in_packets, 1);
			VN_STAT_ADD(u->st.in_bytes, bytes);
		}
		if (u->tap)
			u->tap(u->tap_ctx, u, p);
		/* Only this level's change is carried up here; the parent's own
		 * change is handled when the loop reaches it. */
		bool e = compute_eligible(uh);
		if (e != uh->eligible) {
			uh->eligible = e;
			if (u->parent) {
				struct vn_half *ph = &u->parent->half[d];
				if (e)
					u->parent->disc->activate(ph, &uh->as_child);
				else
					u->parent->disc->deactivate(ph, &uh->as_child);
			}
		}
	}
	return p;
}

vn_time_t vn_sched_next(struct vn_tree *t, vn_time_t now)
{
	vn_timerq_run(t->timers, now);
	struct vn_vif *r = t->root;
	if (r->half[VN_EGRESS].eligible || r->half[VN_INGRESS].eligible)
		return now;
	if (r->half[VN_EGRESS].backlog == 0 && r->half[VN_INGRESS].backlog == 0)
		return VN_TIME_NEVER;
	return vn_timerq_next(t->timers);
}

uint64_t vn_sched_backlog(const struct vn_tree *t)
{
	return t->root->half[VN_EGRESS].backlog + t->root->half[VN_INGRESS].backlog;
}

/* Remove n packets' worth of backlog from v's ancestors (v excluded). */
static void unbacklog_above(struct vn_vif *v, enum vn_dir d, uint64_t n)
{
	for (struct vn_vif *a = v->parent; a; a = a->parent)
		a->half[d].backlog -= n;
}

/* Drop everything queued in v's subtree, counting the drops at v. */
static uint64_t flush_subtree(struct vn_vif *v)
{
	uint64_t total = 0;
	for (struct vn_vif *c = v->first_child; c; c = c->next_sibling)
		total += flush_subtree(c);
	for (int d = 0; d < VN_NDIR; d++) {
		struct vn_half *h = &v->half[d];
		struct vn_pkt *p;
		uint64_t n = 0;
		while ((p = vn_pktq_pop(&h->own))) {
			n++;
			if (v->tree->release)
				v->tree->release(v->tree->release_ctx, p);
		}
		if (h->self.listed)
			v->disc->deactivate(h, &h->self);
		h->backlog = 0;
		total += n;
		propagate(h);
	}
	return total;
}

void vn_sched_flush(struct vn_vif *v)
{
	uint64_t before[VN_NDIR] = { v->half[0].backlog, v->half[1].backlog };
	uint64_t n = flush_subtree(v);
	for (int d = 0; d < VN_NDIR; d++)
		unbacklog_above(v, d, before[d]);
	drop_count(v, n);
}

void vn_sched_vif_detach(struct vn_vif *v)
{
	struct vn_vif *p = v->parent;
	struct vn_tree *t = v->tree;
	for (int d = 0; d < VN_NDIR; d++) {
		struct vn_half *h = &v->half[d];
		struct vn_half *ph = &p->half[d];
		vn_timerq_cancel(t->timers, &h->wake);
		if (h->self.listed)
			v->disc->deactivate(h, &h->self);
		if (h->as_child.listed)
			p->disc->deactivate(ph, &h->as_child);
		h->eligible = false;
		if (vn_pktq_empty(&h->own))
			continue;
		for (struct vn_pkt *q = h->own.head; q; q = q->next)
			q->vif = p;
		/* The packets were already counted in the parent's backlog. */
		vn_pktq_splice(&ph->own, &h->own);
		if (!admits(p)) {
			uint64_t n = 0;
			struct vn_pkt *q;
			while ((q = vn_pktq_pop(&ph->own))) {
				n++;
				if (t->release)
					t->release(t->release_ctx, q);
			}
			ph->backlog -= n;
			unbacklog_above(p, d, n);
			drop_count(p, n);
		} else if (!ph->self.listed) {
			p->disc->activate(ph, &ph->self);
		}
		propagate(ph);
	}
}

/* Rebuild v's discipline lists (its type changed) and v's place in its
 * parent's lists (its weight or priority changed). */
static void relist(struct vn_vif *v, const struct vn_disc_ops *old)
{
	for (int d = 0; d < VN_NDIR; d++) {
		struct vn_half *h = &v->half[d];
		if (old != v->disc) {
			if (h->self.listed) {
				old->deactivate(h, &h->self);
				v->disc->activate(h, &h->self);
			}
			for (struct vn_vif *c = v->first_child; c; c = c->next_sibling) {
				struct vn_cls *cc = &c->half[d].as_child;
				if (cc->listed) {
					old->deactivate(h, cc);
					v->disc->activate(h, cc);
				}
			}
		}
		if (v->parent && h->as_child.listed) {
			struct vn_half *ph = &v->parent->half[d];
			v->parent->disc->deactivate(ph, &h->as_child);
			v->parent->disc->activate(ph, &h->as_child);
		}
	}
}

void vn_sched_change(struct vn_vif *v, const struct vn_disc_ops *old_disc, bool new_rate,
		     vn_time_t now)
{
	relist(v, old_disc);
	if (!admits(v))
		vn_sched_flush(v);
	for (int d = 0; d < VN_NDIR; d++) {
		struct vn_half *h = &v->half[d];
		if (!new_rate) {
			propagate(h);
			continue;
		}
		/* A new cap applies from now: forget debt accrued at the old rate. */
		if (h->t_next > now)
			h->t_next = now;
		if (h->throttled) {
			vn_timerq_cancel(v->tree->timers, &h->wake);
			h->throttled = false;
		}
		propagate(h);
	}
}
