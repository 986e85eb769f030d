/* The hierarchical scheduler (seed IV.1.1.2), both directions.
 *
 * Invariants, per direction:
 *  - a packet waits only in the own queue of the VIF it is attached to;
 *  - h->backlog counts the packets waiting in the subtree of h's VIF;
 *  - a VIF's `self` class is listed in its discipline iff its own queue is
 *    not empty; a child's `as_child` class is listed iff the child is eligible;
 *  - eligible == !throttled && nactive > 0, so a packet can leave now
 *    through every eligible VIF down to one of its own queues (a VIF that
 *    does not admit has only diverted packets below it: compute_eligible);
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

/* Below a VIF that does not admit (turning it so flushes its subtree) wait
 * only packets of its port (seed IV.2.2): ingress ones written back to it,
 * which have passed it and leave through it towards the host; and, while a
 * reader holds the port, egress ones on their way to be diverted there,
 * which leave the subtree at the VIF itself (divert_drain), never above. */
static bool compute_eligible(const struct vn_half *h)
{
	return !h->throttled && h->nactive > 0 && (h->dir == VN_INGRESS || admits(h->vif));
}

/* Egress packets below h's VIF can reach it now: list it for the drain. */
static void note_divert(struct vn_half *h)
{
	if (h->dlisted || h->throttled || h->nactive == 0 || h->dir != VN_EGRESS || admits(h->vif))
		return;
	struct vn_tree *t = h->vif->tree;
	h->dlisted = true;
	h->dnext = t->diverts;
	t->diverts = h;
}

/* Has p already crossed u (a diverted packet, at or above its port's VIF)? */
static bool crossed(const struct vn_vif *u, const struct vn_pkt *p)
{
	return (p->flags & VN_PKT_F_DIVERTED) && u->depth <= p->from_depth;
}

/* Should v's own queue take part in its discipline in this direction? */
static bool self_wanted(const struct vn_vif *v, const struct vn_half *h)
{
	if (!vn_pktq_empty(&h->own))
		return true;
	return v->qops && !h->qidle && v->qops->length(v->qctx) > 0;
}

static void propagate(struct vn_half *h);

/* Does v pass a packet on without holding it (no block, no cap, no external
 * queue)? Then a packet that finds nothing queued ahead of it leaves at once. */
static bool passes_at_once(const struct vn_vif *v)
{
	return v->disc->passes && v->bandwidth == VN_BW_UNLIMITED && !v->qops;
}

/* v's parameters or external queue changed: recompute open_path for v's
 * subtree (control path only: O(subtree)). */
static void reopen(struct vn_vif *v)
{
	v->open_path = passes_at_once(v) && (!v->parent || v->parent->open_path);
	for (struct vn_vif *c = v->first_child; c; c = c->next_sibling)
		reopen(c);
}

/* List or unlist v's self class in direction h as self_wanted says. */
static void relist_self(struct vn_vif *v, struct vn_half *h)
{
	bool want = self_wanted(v, h);
	if (want && !h->self.listed)
		vn_disc_activate(v->disc, h, &h->self);
	else if (!want && h->self.listed)
		vn_disc_deactivate(h, &h->self);
	propagate(h);
}

/* Recompute eligibility of h and carry any change towards the root. */
static void propagate(struct vn_half *h)
{
	for (;;) {
		bool e = compute_eligible(h);
		if (!e)
			note_divert(h);
		if (e == h->eligible)
			return;
		h->eligible = e;
		struct vn_vif *p = h->vif->parent;
		if (!p)
			return;
		struct vn_half *ph = &p->half[h->dir];
		if (e)
			vn_disc_activate(p->disc, ph, &h->as_child);
		else
			vn_disc_deactivate(ph, &h->as_child);
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
	reopen(v);
}

static void drop_count(struct vn_vif *v, uint64_t n)
{
	VN_STAT_ADD(v->st.drops, n);
}

static void count_pass(struct vn_vif *u, const struct vn_pkt *p)
{
	if (p->dir == VN_EGRESS) {
		VN_STAT_ADD(u->st.out_packets, 1);
		VN_STAT_ADD(u->st.out_bytes, p->wire_len);
	} else {
		VN_STAT_ADD(u->st.in_packets, 1);
		VN_STAT_ADD(u->st.in_bytes, p->wire_len);
	}
	/* the port a packet was diverted through showed it already */
	if (u->tap && !((p->flags & VN_PKT_F_DIVERTED) && u->depth == p->from_depth))
		u->tap(u->tap_ctx, u, p);
}

static void qdisc_abort(struct vn_vif *v);

/* Hand p (already counted in the backlog) to v's external queue. */
static void qdisc_give(struct vn_vif *v, struct vn_pkt *p)
{
	v->in_qcall = true;
	int rc = v->qops->enqueue(v->qctx, p);
	v->in_qcall = false;
	v->half[p->dir].qidle = false;
	if (rc == VN_QDISC_ABORT)
		qdisc_abort(v);
	else
		relist_self(v, &v->half[p->dir]);
}

int vn_sched_enqueue(struct vn_tree *t, struct vn_pkt *p, vn_time_t now)
{
	struct vn_vif *v = p->vif;
	enum vn_dir d = p->dir;
	struct vn_vif *const *path = (struct vn_vif *const *)v->path;
	unsigned n = v->depth + 1;
	struct vn_vif *q = NULL;

	vn_timerq_run(t->timers, now);
	/* Every VIF on the path may refuse the packet, in the order it would
	 * cross them: leaf to root on egress, root to leaf on ingress. */
	for (unsigned k = 0; k < n; k++) {
		struct vn_vif *u = path[d == VN_EGRESS ? k : n - 1 - k];
		/* On its way out to a port that diverts it, past VIFs of its
		 * own that pace it: it waits below u (divert_drain). */
		if (d == VN_EGRESS && k > 0 && u->tap && !admits(u))
			break;
		if (u->qops)
			q = u;
		if (crossed(u, p))
			continue;
		if (!admits(u)) {
			/* A blocking VIF's port still sees what reaches it:
			 * that is how packets are diverted (seed IV.2.2). */
			if (u->tap)
				u->tap(u->tap_ctx, u, p);
			drop_count(u, 1);
			return -EPERM;
		}
		if (u->filter && !u->filter(u->filter_ctx, p)) {
			drop_count(u, 1);
			return -EACCES;
		}
	}
	struct vn_vif *hold = q ? q : v;
	struct vn_half *h = &hold->half[d];
	/* An external queue chooses its own drops; only a runaway one is cut
	 * off, at VN_QDISC_HELD_MAX packets. */
	uint32_t held = q ? q->qops->length(q->qctx) : h->own.n;
	if (held >= (q ? VN_QDISC_HELD_MAX : hold->qlimit)) {
		drop_count(hold, 1);
		return -ENOBUFS;
	}
	p->arrival = now;
	if (q) {
		/* The packet enters the external queue: it has passed the VIFs
		 * below it, and is attached to q from now on. */
		for (unsigned k = 0; path[k] != q; k++)
			count_pass(path[k], p);
		p->vif = q;
		for (unsigned k = 0; k <= q->depth; k++)
			q->path[k]->half[d].backlog++;
		qdisc_give(q, p);
		return 0;
	}
	vn_pktq_push(&h->own, p);
	for (unsigned k = 0; k < n; k++)
		path[k]->half[d].backlog++;
	if (!h->self.listed) {
		vn_disc_activate(v->disc, h, &h->self);
		propagate(h);
	}
	return 0;
}

int vn_sched_send(struct vn_tree *t, struct vn_pkt *p, vn_time_t now)
{
	struct vn_vif *v = p->vif;
	enum vn_dir d = p->dir;
	/* Nothing queued in this direction anywhere in the tree, and no VIF on
	 * the path that could hold the packet: the dequeue that would follow
	 * the enqueue takes this packet through this path at once, activating
	 * and deactivating the classes on the way (which resets their credit)
	 * and charging no cap. So do only what is seen of that: the admission
	 * in crossing order, then the counts and taps leaf to root. */
	vn_timerq_run(t->timers, now);
	if (!v->open_path || t->root->half[d].backlog || !v->qlimit)
		return vn_sched_enqueue(t, p, now);
	struct vn_vif *const *path = (struct vn_vif *const *)v->path;
	unsigned n = v->depth + 1;
	/* filters in crossing order: leaf to root on egress, root to leaf on ingress */
	for (unsigned k = 0; k < n; k++) {
		struct vn_vif *u = path[d == VN_EGRESS ? k : n - 1 - k];
		if (__builtin_expect(u->filter != NULL, 0) && !u->filter(u->filter_ctx, p)) {
			drop_count(u, 1);
			return -EACCES;
		}
	}
	p->arrival = now;
	for (unsigned k = 0; k < n; k++)
		count_pass(path[k], p);
	return VN_SCHED_SENT;
}

/* Charge a departure of `bytes` to u's cap at time now. */
static void charge_cap(struct vn_tree *t, struct vn_vif *u, struct vn_half *uh,
		       uint32_t bytes, vn_time_t now)
{
	/* (a cap of 0 blocks: only diverted packets cross it, uncharged) */
	if (u->bandwidth == VN_BW_UNLIMITED || u->bandwidth == 0)
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

/* The next packet of v's external queue for direction d, or NULL (then v's
 * self class has been unlisted or the queue removed). Packets of the other
 * direction are set aside in that direction's own queue. */
static struct vn_pkt *qdisc_next(struct vn_vif *v, enum vn_dir d)
{
	for (;;) {
		bool abort = false;
		v->in_qcall = true;
		struct vn_pkt *p = v->qops->dequeue(v->qctx, &abort);
		v->in_qcall = false;
		if (abort) {
			qdisc_abort(v);
			return NULL;
		}
		if (!p) {
			v->half[d].qidle = true;
			relist_self(v, &v->half[d]);
			return NULL;
		}
		if (p->dir == d)
			return p;
		struct vn_half *oh = &v->half[p->dir];
		vn_pktq_push(&oh->own, p);
		relist_self(v, oh);
	}
}

/* The first packet of the subtree of `top` (eligible, or ready to divert)
 * in direction d, chosen down the disciplines, and the VIF it is attached
 * to; NULL when an external queue had nothing after all. */
static struct vn_pkt *choose(struct vn_vif *top, enum vn_dir d, struct vn_vif **at)
{
	struct vn_vif *v = top;
	for (;;) {
		struct vn_cls *c = vn_disc_select(v->disc, &v->half[d]);
		if (c->self)
			break;
		v = c->vif;
	}
	*at = v;
	struct vn_pkt *p = vn_pktq_pop(&v->half[d].own);
	if (!p && v->qops)
		p = qdisc_next(v, d);
	return p;
}

/* p departs from v up to the root, or, diverted, up to `divert` (its port
 * shows it there; the VIFs above neither count nor pace it). Every VIF on
 * the way updates its backlog and lists, and its parent's listing of it. */
static void depart(struct vn_tree *t, struct vn_vif *v, struct vn_pkt *p, enum vn_dir d,
		   const struct vn_vif *divert, vn_time_t now)
{
	uint32_t bytes = p->wire_len;
	struct vn_vif *const *path = (struct vn_vif *const *)v->path;
	for (unsigned i = 0; i <= v->depth; i++) {
		struct vn_vif *u = path[i];
		struct vn_half *uh = &u->half[d];
		if (divert && u->depth < divert->depth) {
			uh->backlog--;     /* counted on the whole path at enqueue */
			continue;
		}
		struct vn_cls *c = i == 0 ? &uh->self : &path[i - 1]->half[d].as_child;
		uh->backlog--;
		if (i == 0 && !self_wanted(u, uh)) {
			if (c->listed)
				vn_disc_deactivate(uh, c);
		} else if (c->listed) {
			vn_disc_charge(u->disc, uh, c, bytes);
		}
		if (u == divert) {
			if (u->tap)
				u->tap(u->tap_ctx, u, p);
			drop_count(u, 1);
			continue;
		}
		charge_cap(t, u, uh, bytes, now);
		count_pass(u, p);
		/* Only this level's change is carried up here; the parent's own
		 * change is handled when the loop reaches it. */
		bool e = compute_eligible(uh);
		if (e != uh->eligible) {
			uh->eligible = e;
			if (u->parent) {
				struct vn_half *ph = &u->parent->half[d];
				if (e)
					vn_disc_activate(u->parent->disc, ph, &uh->as_child);
				else
					vn_disc_deactivate(ph, &uh->as_child);
			}
		}
	}
}

/* Egress packets waiting below blocking VIFs whose ports divert them: each
 * that can leave now goes to its port (and is released), paced only by the
 * VIFs it crossed below (seed IV.2.2: the diverting VIF is where it leaves
 * the tree; what its reader writes back enters above it). */
static void divert_drain(struct vn_tree *t, vn_time_t now)
{
	while (t->diverts) {
		struct vn_half *h = t->diverts;
		t->diverts = h->dnext;
		h->dlisted = false;
		struct vn_vif *x = h->vif;
		while (!admits(x) && !h->throttled && h->nactive > 0) {
			struct vn_vif *at;
			struct vn_pkt *p = choose(x, VN_EGRESS, &at);
			if (!p)
				continue;
			depart(t, at, p, VN_EGRESS, x, now);
			if (t->release)
				t->release(t->release_ctx, p);
		}
	}
}

struct vn_pkt *vn_sched_dequeue(struct vn_tree *t, enum vn_dir d, vn_time_t now)
{
	vn_timerq_run(t->timers, now);
	if (d == VN_EGRESS && t->diverts)
		divert_drain(t, now);
	struct vn_vif *v;
	struct vn_pkt *p = NULL;
	/* Choose down the tree; an external queue with nothing to send now
	 * unlists itself, and the choice starts again from the root. */
	while (!p) {
		if (!t->root->half[d].eligible)
			return NULL;
		p = choose(t->root, d, &v);
	}
	depart(t, v, p, d, NULL, now);
	return p;
}

vn_time_t vn_sched_next(struct vn_tree *t, vn_time_t now)
{
	vn_timerq_run(t->timers, now);
	struct vn_vif *r = t->root;
	if (r->half[VN_EGRESS].eligible || r->half[VN_INGRESS].eligible || t->diverts)
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
	if (v->qops) {
		struct vn_pkt *p;
		v->in_qcall = true;
		while ((p = v->qops->take(v->qctx))) {
			total++;
			if (v->tree->release)
				v->tree->release(v->tree->release_ctx, p);
		}
		v->in_qcall = false;
	}
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
			vn_disc_deactivate(h, &h->self);
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
	if (v->qops)
		vn_sched_clear_qdisc(v);
	for (struct vn_half **hp = &t->diverts; *hp; hp = &(*hp)->dnext) {
		if (*hp == &v->half[VN_EGRESS]) {
			*hp = v->half[VN_EGRESS].dnext;
			v->half[VN_EGRESS].dlisted = false;
			break;
		}
	}
	for (int d = 0; d < VN_NDIR; d++) {
		struct vn_half *h = &v->half[d];
		struct vn_half *ph = &p->half[d];
		vn_timerq_cancel(t->timers, &h->wake);
		if (h->self.listed)
			vn_disc_deactivate(h, &h->self);
		if (h->as_child.listed)
			vn_disc_deactivate(ph, &h->as_child);
		h->eligible = false;
		if (vn_pktq_empty(&h->own))
			continue;
		for (struct vn_pkt *q = h->own.head; q; q = q->next)
			q->vif = p;
		/* The packets were already counted in the parent's backlog. */
		vn_pktq_splice(&ph->own, &h->own);
		/* (below a parent that does not admit, they are diverted packets
		 * that passed it: they stay too) */
		if (!ph->self.listed)
			vn_disc_activate(p->disc, ph, &ph->self);
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
				vn_disc_deactivate(h, &h->self);
				vn_disc_activate(v->disc, h, &h->self);
			}
			for (struct vn_vif *c = v->first_child; c; c = c->next_sibling) {
				struct vn_cls *cc = &c->half[d].as_child;
				if (cc->listed) {
					vn_disc_deactivate(h, cc);
					vn_disc_activate(v->disc, h, cc);
				}
			}
		}
		if (v->parent && h->as_child.listed) {
			struct vn_half *ph = &v->parent->half[d];
			vn_disc_deactivate(ph, &h->as_child);
			vn_disc_activate(v->parent->disc, ph, &h->as_child);
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
	reopen(v);
}

/* Take every packet back from v's external queue into v's own queues, in
 * order, and forget the queue. */
static void qdisc_remove(struct vn_vif *v, bool aborted)
{
	const struct vn_qdisc_ops *ops = v->qops;
	void *ctx = v->qctx;
	struct vn_pkt *p;
	v->in_qcall = true;
	while ((p = ops->take(ctx))) {
		p->vif = v;
		vn_pktq_push(&v->half[p->dir].own, p);
	}
	v->qops = NULL;
	v->qctx = NULL;
	ops->detach(ctx, aborted);
	v->in_qcall = false;
	v->type = v->disc->type;
	for (int d = 0; d < VN_NDIR; d++) {
		v->half[d].qidle = false;
		relist_self(v, &v->half[d]);
	}
	reopen(v);
}

static void qdisc_abort(struct vn_vif *v)
{
	qdisc_remove(v, true);
}

static bool qdisc_on_path_or_below(const struct vn_vif *v)
{
	for (const struct vn_vif *a = v; a; a = a->parent)
		if (a->qops)
			return true;
	for (const struct vn_vif *c = v->first_child; c; c = c->next_sibling)
		if (qdisc_on_path_or_below(c))
			return true;
	return false;
}

/* Take the packets waiting in w's subtree out into tmp[dir], counting them
 * as having passed the VIFs below v. */
static void gather(struct vn_vif *v, struct vn_vif *w, struct vn_pktq tmp[VN_NDIR])
{
	for (struct vn_vif *c = w->first_child; c; c = c->next_sibling)
		gather(v, c, tmp);
	for (int d = 0; d < VN_NDIR; d++) {
		struct vn_half *h = &w->half[d];
		struct vn_pkt *p;
		while ((p = vn_pktq_pop(&h->own))) {
			for (struct vn_vif *u = w; u != v; u = u->parent) {
				count_pass(u, p);
				u->half[d].backlog--;
			}
			p->vif = v;
			vn_pktq_push(&tmp[d], p);
		}
		if (w != v)
			relist_self(w, h);
	}
}

int vn_sched_set_qdisc(struct vn_vif *v, const struct vn_qdisc_ops *ops, void *ctx)
{
	if (qdisc_on_path_or_below(v))
		return -EBUSY;
	struct vn_pktq tmp[VN_NDIR];
	vn_pktq_init(&tmp[0]);
	vn_pktq_init(&tmp[1]);
	v->qops = ops;
	v->qctx = ctx;
	v->type = VN_TYPE_VIFLET;
	reopen(v);
	gather(v, v, tmp);
	/* Hand them over; if the queue breaks a rule on the way it is removed
	 * at once and the packets not yet given stay in v's own queues. */
	for (int d = 0; d < VN_NDIR; d++) {
		struct vn_pkt *p;
		while (v->qops && (p = vn_pktq_pop(&tmp[d]))) {
			v->in_qcall = true;
			int rc = ops->enqueue(ctx, p);
			v->in_qcall = false;
			if (rc == VN_QDISC_ABORT)
				qdisc_abort(v);
		}
	}
	for (int d = 0; d < VN_NDIR; d++) {
		vn_pktq_splice(&v->half[d].own, &tmp[d]);
		v->half[d].qidle = false;
		relist_self(v, &v->half[d]);
	}
	return 0;
}

void vn_sched_clear_qdisc(struct vn_vif *v)
{
	if (v->qops)
		qdisc_remove(v, false);
}

void vn_sched_abort_qdisc(struct vn_vif *v)
{
	if (v->qops)
		qdisc_remove(v, true);
}

void *vn_sched_qdisc_ctx(const struct vn_vif *v, const struct vn_qdisc_ops *ops)
{
	return v->qops == ops ? v->qctx : NULL;
}

bool vn_sched_has_qdisc(const struct vn_vif *v)
{
	return v->qops != NULL;
}

void vn_sched_qdisc_wake(struct vn_vif *v)
{
	if (!v->qops)
		return;
	for (int d = 0; d < VN_NDIR; d++) {
		v->half[d].qidle = false;
		if (!v->in_qcall)
			relist_self(v, &v->half[d]);
	}
}

void vn_sched_qdisc_drop(struct vn_vif *v, struct vn_pkt *p)
{
	for (struct vn_vif *u = v; u; u = u->parent)
		u->half[p->dir].backlog--;
	drop_count(v, 1);
	if (v->tree->release)
		v->tree->release(v->tree->release_ctx, p);
	if (!v->in_qcall)
		relist_self(v, &v->half[p->dir]);
}

void vn_sched_qdisc_release(struct vn_vif *v)
{
	if (!v->qops)
		return;
	struct vn_pkt *p;
	while ((p = v->qops->take(v->qctx)))
		if (v->tree->release)
			v->tree->release(v->tree->release_ctx, p);
	v->qops->detach(v->qctx, false);
	v->qops = NULL;
	reopen(v);
}

int vn_tree_timer_arm(struct vn_tree *t, struct vn_timer *tm, vn_time_t when)
{
	return vn_timerq_arm(t->timers, tm, when);
}

void vn_tree_timer_cancel(struct vn_tree *t, struct vn_timer *tm)
{
	vn_timerq_cancel(t->timers, tm);
}
