/* block: holds nothing and passes nothing. Packets whose path crosses a
 * blocked VIF are dropped at enqueue (counted there); setting a VIF to block
 * drops what its subtree held. Classes are still tracked so that switching
 * back to another type finds a consistent state. */
#include "disc.h"

static int64_t block_quantum(const struct vn_cls *c)
{
	(void)c;
	return VN_QUANTUM;
}

static void block_activate(struct vn_half *h, struct vn_cls *c) { vn_srr_add(h, c, 0, VN_QUANTUM); }
static void block_deactivate(struct vn_half *h, struct vn_cls *c) { vn_srr_del(h, c); }
static struct vn_cls *block_select(struct vn_half *h) { return vn_srr_select(h, block_quantum); }
static void block_charge(struct vn_half *h, struct vn_cls *c, uint32_t bytes)
{
	vn_srr_charge(h, c, bytes, block_quantum);
}

const struct vn_disc_ops vn_disc_block = {
	.name = "block", .type = VN_TYPE_BLOCK, .passes = false,
	.activate = block_activate, .deactivate = block_deactivate,
	.select = block_select, .charge = block_charge,
};

const struct vn_disc_ops *vn_disc_for(enum vn_type type)
{
	switch (type) {
	case VN_TYPE_FIFO: return &vn_disc_fifo;
	case VN_TYPE_WFQ: return &vn_disc_wfq;
	case VN_TYPE_PQ: return &vn_disc_pq;
	case VN_TYPE_BLOCK: return &vn_disc_block;
	default: return NULL;
	}
}
