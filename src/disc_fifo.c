/* fifo: the default. A leaf serves its queue in arrival order; a VIF with
 * children gives every eligible child (and its own queue) the same share, in
 * byte-fair rounds, keeping each child's packets in order. */
#include "disc.h"

static int64_t fifo_quantum(const struct vn_cls *c)
{
	(void)c;
	return VN_QUANTUM;
}

static void fifo_activate(struct vn_half *h, struct vn_cls *c) { vn_srr_add(h, c, 0, VN_QUANTUM); }
static void fifo_deactivate(struct vn_half *h, struct vn_cls *c) { vn_srr_del(h, c); }
static struct vn_cls *fifo_select(struct vn_half *h) { return vn_srr_select(h, fifo_quantum); }
static void fifo_charge(struct vn_half *h, struct vn_cls *c, uint32_t bytes)
{
	vn_srr_charge(h, c, bytes, fifo_quantum);
}

const struct vn_disc_ops vn_disc_fifo = {
	.name = "fifo", .type = VN_TYPE_FIFO, .passes = true,
	.activate = fifo_activate, .deactivate = fifo_deactivate,
	.select = fifo_select, .charge = fifo_charge,
};
