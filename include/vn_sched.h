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

#include "vn_clock.h"
#include "vn_pkt.h"
#include "vn_vif.h"

/* Queue p (p->vif and p->dir set; p->wire_len > 0) at time now.
 * 0: the tree owns p. -ENOBUFS (qlimit), -EPERM (block / bandwidth 0) or
 * -EACCES (a filter said no): p was dropped, counted in the drops of the VIF
 * that refused it, and is still the caller's to free. */
int vn_sched_enqueue(struct vn_tree *t, struct vn_pkt *p, vn_time_t now);
/* The next packet allowed to leave in direction dir at time now, or NULL.
 * Stats of every VIF on its path are updated and taps called. */
struct vn_pkt *vn_sched_dequeue(struct vn_tree *t, enum vn_dir dir, vn_time_t now);
/* Earliest time at which vn_sched_dequeue may return a packet: a time <= now
 * if one is ready, VN_TIME_NEVER if the tree is empty. Fires due cap timers. */
vn_time_t vn_sched_next(struct vn_tree *t, vn_time_t now);
/* Packets queued in the tree (both directions). */
uint64_t vn_sched_backlog(const struct vn_tree *t);

#endif
