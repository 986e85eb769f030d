/* wfq: children share the VIF by weight (surplus round robin with quantum
 * weight * VN_QUANTUM); an idle or capped child's share goes to the others
 * because only eligible children are listed. The VIF's own queue counts as
 * one more child of weight 1. */
#include "disc.h"

static int64_t wfq_quantum(const struct vn_cls *c)
{
	return c->self ? VN_QUANTUM : (int64_t)c->vif->weight * VN_QUANTUM;
}

static void wfq_activate(struct vn_half *h, struct vn_cls *c) { vn_srr_add(h, c, 0, wfq_quantum(c)); }
static void wfq_deactivate(struct vn_half *h, struct vn_cls *c) { vn_srr_del(h, c); }
static struct vn_cls *wfq_select(struct vn_half *h) { return vn_srr_select(h, wfq_quantum); }
static void wfq_charge(struct vn_half *h, struct vn_cls *c, uint32_t bytes)
{
	vn_srr_charge(h, c, bytes, wfq_quantum);
}

const struct vn_disc_ops vn_disc_wfq = {
	.name = "wfq", .type = VN_TYPE_WFQ, .passes = true,
	.activate = wfq_activate, .deactivate = wfq_deactivate,
	.select = wfq_select, .charge = wfq_charge,
};
