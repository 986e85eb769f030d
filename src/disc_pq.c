/* pq: strict priority by child `priority` (0 highest): a class is served
 * only while no class of a higher priority is eligible. Classes of equal
 * priority share by weight. The VIF's own queue has priority 0, weight 1. */
#include "disc.h"

static unsigned pq_prio(const struct vn_cls *c)
{
	return c->self ? 0 : c->vif->priority;
}

static int64_t pq_quantum(const struct vn_cls *c)
{
	return c->self ? VN_QUANTUM : (int64_t)c->vif->weight * VN_QUANTUM;
}

const struct vn_disc_ops vn_disc_pq = {
	.name = "pq", .type = VN_TYPE_PQ, .passes = true,
	.prio = pq_prio, .quantum = pq_quantum,
};
