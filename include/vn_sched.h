/* vn_sched — the hierarchical packet scheduler (seed IV.1.1.2), both directions.
 *
 * A packet waits only in the queue of the VIF it is attached to (p->vif) and
 * leaves the tree at once when every VIF on its path admits it: each VIF's
 * discipline (type) chooses among its own queue and its eligible children, and
 * each VIF's cap (bandwidth, a token bucket measured in wire bytes) holds the
 * VIF back until its next departure time. Egress travels leaf -> root, ingress
 * root -> leaf; the two directions have separate state and the same caps.
 *
 * Cost per packet: O(depth) to enqueue and to dequeue, independent of the
 * number of siblings (active children live in lists, throttled VIFs in one
 * timer heap). The caller sleeps until vn_sched_next(): one timer per tree. */
#ifndef VN_SCHED_H
#define VN_SCHED_H

#include <errno.h>
#include <stdbool.h>

#include "vn_clock.h"
#include "vn_pkt.h"
#include "vn_timer.h"
#include "vn_vif.h"

/* Queue p (p->vif and p->dir set; p->wire_len > 0) at time now.
 * 0: the tree owns p. -ENOBUFS (qlimit), -EPERM (block / bandwidth 0) or
 * -EACCES (a filter said no): p was dropped, counted in the drops of the VIF
 * that refused it, and is still the caller's to free.
 * An ingress packet marked VN_PKT_F_DIVERTED (written to the port of the VIF
 * at depth from_depth on its path) is judged only by the VIFs below that
 * one; it departs through all of them, capped and counted by each, and that
 * VIF's tap does not see it again. An egress packet meeting, above its own
 * VIF, a VIF that blocks and has a tap (a port reader) waits below that VIF
 * and is handed to the tap when the VIFs below let it go (vn_sched_dequeue
 * drains such subtrees first; the packet is released, never returned). */
int vn_sched_enqueue(struct vn_tree *t, struct vn_pkt *p, vn_time_t now);
/* Queue p as vn_sched_enqueue does, or, when nothing waits in p's direction
 * in the tree and every VIF on p's path passes packets without holding them
 * (no block, no cap, no external queue), let it leave at once: what the
 * enqueue and the dequeue that would follow it observably do (filters,
 * counters, taps, the leaf's qlimit) is done in one walk of the path.
 * VN_SCHED_SENT: p left the tree (as if returned by vn_sched_dequeue) and is
 * the caller's to send; otherwise as vn_sched_enqueue. */
#define VN_SCHED_SENT 1
int vn_sched_send(struct vn_tree *t, struct vn_pkt *p, vn_time_t now);
/* The next packet allowed to leave in direction dir at time now, or NULL.
 * Stats of every VIF on its path are updated and taps called. */
struct vn_pkt *vn_sched_dequeue(struct vn_tree *t, enum vn_dir dir, vn_time_t now);
/* Earliest time at which vn_sched_dequeue may return a packet: a time <= now
 * if one is ready, VN_TIME_NEVER if the tree is empty. Fires due cap timers. */
vn_time_t vn_sched_next(struct vn_tree *t, vn_time_t now);
/* Packets queued in the tree (both directions). */
uint64_t vn_sched_backlog(const struct vn_tree *t);

/* External queues (VIFlets, seed VI.1.1): a VIF whose packets are held and
 * ordered by code outside the scheduler. Every packet entering the VIF —
 * attached to it or to a VIF below it — is handed to enqueue(); while the
 * queue holds packets, the VIF sends whenever it and its ancestors may by
 * calling dequeue(), in either direction (a packet of the other direction is
 * kept aside for that direction's turn). dequeue() returning NULL means
 * "nothing now": the VIF waits for the next enqueue or vn_sched_qdisc_wake().
 * Packets of VIFs below count in those VIFs' statistics when they enter the
 * queue. One external queue per path: none above or below another.
 * The callbacks run on the tree's thread and must not call back into the
 * scheduler except vn_sched_qdisc_drop(). */
#define VN_QDISC_ABORT (-ECANCELED)
/* qlimit does not apply to an external queue (it drops what it wants);
 * packets beyond this many held are refused. */
#define VN_QDISC_HELD_MAX 65536
struct vn_qdisc_ops {
	/* Take p. 0, or VN_QDISC_ABORT: the queue broke a rule; it still
	 * holds p, and the scheduler removes the queue at once (see take). */
	int (*enqueue)(void *ctx, struct vn_pkt *p);
	/* The next packet to send, or NULL. *abort = true: the queue broke a
	 * rule (return NULL then); the scheduler removes it. */
	struct vn_pkt *(*dequeue)(void *ctx, bool *abort);
	/* Give back held packets one by one in the order they were given,
	 * NULL when none is left. Used when the queue is removed. */
	struct vn_pkt *(*take)(void *ctx);
	uint32_t (*length)(void *ctx);          /* packets held */
	/* The scheduler has taken every packet back and forgets ctx.
	 * aborted: removed because the queue broke a rule. */
	void (*detach)(void *ctx, bool aborted);
};
/* Install ops/ctx on v: packets already waiting in v's subtree move into it,
 * v's type reads `viflet`. -EBUSY if v, an ancestor or a descendant already
 * has one. */
int vn_sched_set_qdisc(struct vn_vif *v, const struct vn_qdisc_ops *ops, void *ctx);
/* Remove v's external queue: its packets come back in order into v's own
 * queue, v returns to its previous type, detach(ctx, false) is called. */
void vn_sched_clear_qdisc(struct vn_vif *v);
/* The same, for a queue that broke a rule outside a callback (a timer
 * handler): detach(ctx, true). */
void vn_sched_abort_qdisc(struct vn_vif *v);
bool vn_sched_has_qdisc(const struct vn_vif *v);
/* The ctx installed with ops on v, or NULL if v runs no such queue. */
void *vn_sched_qdisc_ctx(const struct vn_vif *v, const struct vn_qdisc_ops *ops);
/* The external queue of v may have something to send now (its timer fired). */
void vn_sched_qdisc_wake(struct vn_vif *v);
/* The external queue of v discards p (which it holds): counted as a drop of
 * v and released through the tree's release function. */
void vn_sched_qdisc_drop(struct vn_vif *v, struct vn_pkt *p);

/* Timers on the tree's clock, in the heap whose earliest expiry
 * vn_sched_next() reports (VIFlet timers, seed VII.1). They fire inside
 * vn_sched_next/enqueue/dequeue. */
int vn_tree_timer_arm(struct vn_tree *t, struct vn_timer *tm, vn_time_t when);
void vn_tree_timer_cancel(struct vn_tree *t, struct vn_timer *tm);

#endif
