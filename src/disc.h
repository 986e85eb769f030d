/* Scheduling disciplines: how a VIF chooses among its eligible classes (its
 * children and its own queue). Each discipline is one small ops table; the
 * scheduler (sched.c) never knows which one it drives.
 *
 * Invariants every discipline keeps:
 *  - a class is handed to activate() when it becomes eligible and to
 *    deactivate() when it stops being eligible, never twice in a row;
 *  - select() is called only while at least one class is listed and returns a
 *    listed class in O(1) (amortised), never scanning all children;
 *  - charge() is called after a packet of `bytes` left through a listed class. */
#ifndef VN_DISC_H
#define VN_DISC_H

#include "vif_internal.h"

struct vn_disc_ops {
	const char *name;
	enum vn_type type;
	bool passes;                   /* false: nothing enters or leaves (block) */
	void (*activate)(struct vn_half *h, struct vn_cls *c);
	void (*deactivate)(struct vn_half *h, struct vn_cls *c);
	struct vn_cls *(*select)(struct vn_half *h);
	void (*charge)(struct vn_half *h, struct vn_cls *c, uint32_t bytes);
};

extern const struct vn_disc_ops vn_disc_fifo, vn_disc_wfq, vn_disc_pq, vn_disc_block;
const struct vn_disc_ops *vn_disc_for(enum vn_type type);

/* Surplus round robin over priority lists (disc_srr.c): the machinery fifo,
 * wfq and pq share. A class sends while its deficit is positive, may overdraw
 * by one packet, and then waits a round for `quantum` more bytes, so long-run
 * shares follow the quanta whatever the packet sizes. */
void vn_srr_add(struct vn_half *h, struct vn_cls *c, unsigned prio, int64_t quantum);
void vn_srr_del(struct vn_half *h, struct vn_cls *c);
struct vn_cls *vn_srr_select(struct vn_half *h, int64_t (*quantum)(const struct vn_cls *c));
void vn_srr_charge(struct vn_half *h, struct vn_cls *c, uint32_t bytes,
		   int64_t (*quantum)(const struct vn_cls *c));

#endif
