/* block: holds nothing and passes nothing. Packets whose path crosses a
 * blocked VIF are dropped at enqueue (counted there, shown on its port);
 * setting a VIF to block drops what its subtree held. Only packets of its
 * port wait below it (sched.c): ingress ones written back to it, which leave
 * through it, and, while the port has a reader, egress ones on their way to
 * be diverted there. Classes are tracked like fifo's: its subtree is chosen
 * from by the same round robin, and switching back finds a consistent state. */
#include "disc.h"

static unsigned block_prio(const struct vn_cls *c)
{
	(void)c;
	return 0;
}

static int64_t block_quantum(const struct vn_cls *c)
{
	(void)c;
	return VN_QUANTUM;
}

const struct vn_disc_ops vn_disc_block = {
	.name = "block", .type = VN_TYPE_BLOCK, .passes = false,
	.prio = block_prio, .quantum = block_quantum,
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
