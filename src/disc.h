/* Scheduling disciplines: how a VIF chooses among its eligible classes (its
 * children and its own queue). Each discipline is one small ops table; the
 * scheduler (sched.c) never knows which one it drives.
 *
 * Invariants the scheduler keeps for them:
 *  - a class is activated when it becomes eligible and deactivated when it
 *    stops being eligible, never twice in a row;
 *  - select is called only while at least one class is listed, and returns a
 *    listed class without scanning the children;
 *  - charge follows every packet that left through a listed class. */
#ifndef VN_DISC_H
#define VN_DISC_H

#include "vif_internal.h"

struct vn_disc_ops {
	const char *name;
	enum vn_type type;
	bool passes;                   /* false: nothing enters or leaves (block) */
	/* The list a class joins (0 first) and its credit per round in bytes. */
	unsigned (*prio)(const struct vn_cls *c);
	int64_t (*quantum)(const struct vn_cls *c);
};

extern const struct vn_disc_ops vn_disc_fifo, vn_disc_wfq, vn_disc_pq, vn_disc_block;
const struct vn_disc_ops *vn_disc_for(enum vn_type type);

/* Surplus round robin over priority lists (disc_srr.c), the one mechanism
 * every discipline runs with its own prio() and quantum(): a class sends
 * while its credit is positive, may overdraw by one packet, and then waits a
 * round for `quantum` more bytes, so long-run shares follow the quanta
 * whatever the packet sizes; a list is served only while all lists before it
 * are empty. Each call is O(1) (select amortised). */
void vn_disc_activate(const struct vn_disc_ops *ops, struct vn_half *h, struct vn_cls *c);
void vn_disc_deactivate(struct vn_half *h, struct vn_cls *c);
struct vn_cls *vn_disc_select(const struct vn_disc_ops *ops, struct vn_half *h);
void vn_disc_charge(const struct vn_disc_ops *ops, struct vn_half *h, struct vn_cls *c, uint32_t bytes);

#endif
