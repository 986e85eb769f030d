/* wfq: children share the VIF by weight (quantum weight * VN_QUANTUM); an
 * idle or capped child's share goes to the others because only eligible
 * children are listed. The VIF's own queue counts as one more child of
 * weight 1. */
#include "disc.h"

static unsigned wfq_prio(const struct vn_cls *c)
{
	(void)c;
	return 0;
}

static int64_t wfq_quantum(const struct vn_cls *c)
{
	return c->self ? VN_QUANTUM : (int64_t)c->vif->weight * VN_QUANTUM;
}

const struct vn_disc_ops vn_disc_wfq = {
	.name = "wfq", .type = VN_TYPE_WFQ, .passes = true,
	.prio = wfq_prio, .quantum = wfq_quantum,
};
