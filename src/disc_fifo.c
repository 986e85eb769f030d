/* fifo: the default. A leaf serves its queue in arrival order; a VIF with
 * children gives every eligible child (and its own queue) the same share, in
 * byte-fair rounds, keeping each child's packets in order. */
#include "disc.h"

static unsigned fifo_prio(const struct vn_cls *c)
{
	(void)c;
	return 0;
}

static int64_t fifo_quantum(const struct vn_cls *c)
{
	(void)c;
	return VN_QUANTUM;
}

const struct vn_disc_ops vn_disc_fifo = {
	.name = "fifo", .type = VN_TYPE_FIFO, .passes = true,
	.prio = fifo_prio, .quantum = fifo_quantum,
};
