/* Surplus round robin over up to eight priority lists: the machinery of
 * every discipline (see disc.h). */
#include "disc.h"

static void list_append(struct vn_clist *l, struct vn_cls *c)
{
	c->next = NULL;
	c->prev = l->tail;
	if (l->tail)
		l->tail->next = c;
	else
		l->head = c;
	l->tail = c;
}

static void list_unlink(struct vn_clist *l, struct vn_cls *c)
{
	if (c->prev)
		c->prev->next = c->next;
	else
		l->head = c->next;
	if (c->next)
		c->next->prev = c->prev;
	else
		l->tail = c->prev;
	c->prev = c->next = NULL;
}

void vn_disc_activate(const struct vn_disc_ops *ops, struct vn_half *h, struct vn_cls *c)
{
	unsigned prio = ops->prio(c);
	int64_t quantum = ops->quantum(c);
	if (prio >= VN_NPRIO)
		prio = VN_NPRIO - 1;
	c->prio = prio;
	c->deficit = quantum;
	c->listed = true;
	list_append(&h->active[prio], c);
	h->prio_mask |= 1u << prio;
	h->nactive++;
}

void vn_disc_deactivate(struct vn_half *h, struct vn_cls *c)
{
	struct vn_clist *l = &h->active[c->prio];
	list_unlink(l, c);
	if (!l->head)
		h->prio_mask &= ~(1u << c->prio);
	c->listed = false;
	h->nactive--;
}

struct vn_cls *vn_disc_select(const struct vn_disc_ops *ops, struct vn_half *h)
{
	struct vn_clist *l = &h->active[__builtin_ctz(h->prio_mask)];
	struct vn_cls *c = l->head;
	/* A class that overdrew waits for rounds until its credit is positive
	 * again; a new round for everyone ends the loop quickly since each pass
	 * adds at least one quantum (>= VN_QUANTUM bytes). */
	while (c->deficit <= 0) {
		c->deficit += ops->quantum(c);
		if (l->head != l->tail) {
			list_unlink(l, c);
			list_append(l, c);
		}
		c = l->head;
	}
	return c;
}

void vn_disc_charge(const struct vn_disc_ops *ops, struct vn_half *h, struct vn_cls *c, uint32_t bytes)
{
	c->deficit -= bytes;
	if (c->deficit > 0)
		return;
	struct vn_clist *l = &h->active[c->prio];
	c->deficit += ops->quantum(c);
	if (l->head != l->tail) {
		list_unlink(l, c);
		list_append(l, c);
	}
}
