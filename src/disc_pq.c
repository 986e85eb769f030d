/* pq: strict priority by child `priority` (0 highest): a class is served
 * only while no class of a higher priority is eligible. Classes of equal
 * priority share by weight. The VIF's own queue has priority 0, weight 1. */
#include "disc.h"

static int64_t pq_quantum(const struct vn_cls *c)
{
	return c->self ? VN_QUANTUM : (int64_t)c->vif->weight * VN_QUANTUM;
}

static void pq_activate(struct vn_half *h, struct vn_cls *c)
{
	vn_srr_add(h, c, c->self ? 0 : c->vif->priority, pq_quantum(c));
}
static void pq_deactivate(struct vn_half *h, struct vn_cls *c) { vn_srr_del(h, c); }
static struct vn_cls *pq_select(struct vn_half *h) { return vn_srr_select(h, pq_quantum); }
static void pq_charge(struct vn_half *h, struct vn_cls *c, uint32_t bytes)
{
	vn_srr_charge(h, c, bytes, pq_quantum);
}

const struct vn_disc_ops vn_disc_pq = {
	.name = "pq", .type = VN_TYPE_PQ, .passes = true,
	.activate = pq_activate, .deactivate = pq_deactivate,
	.select = pq_select, .charge = pq_charge,
};
