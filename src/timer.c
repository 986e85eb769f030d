/* A binary min-heap of intrusive timers keyed by (when, seq). */
#include <errno.h>
#include <stdlib.h>

#include "vn_timer.h"

struct vn_timerq {
	struct vn_timer **heap;
	size_t n, cap;
	uint64_t seq;
};

struct vn_timerq *vn_timerq_new(void)
{
	return calloc(1, sizeof(struct vn_timerq));
}

void vn_timerq_free(struct vn_timerq *q)
{
	if (!q)
		return;
	for (size_t i = 0; i < q->n; i++)
		q->heap[i]->slot = 0;
	free(q->heap);
	free(q);
}

static bool before(const struct vn_timer *a, const struct vn_timer *b)
{
	return a->when < b->when || (a->when == b->when && a->seq < b->seq);
}

static void place(struct vn_timerq *q, size_t i, struct vn_timer *t)
{
	q->heap[i] = t;
	t->slot = (uint32_t)i + 1;
}

static void sift_up(struct vn_timerq *q, size_t i)
{
	struct vn_timer *t = q->heap[i];
	while (i > 0) {
		size_t parent = (i - 1) / 2;
		if (!before(t, q->heap[parent]))
			break;
		place(q, i, q->heap[parent]);
		i = parent;
	}
	place(q, i, t);
}

static void sift_down(struct vn_timerq *q, size_t i)
{
	struct vn_timer *t = q->heap[i];
	for (;;) {
		size_t l = 2 * i + 1, m = i;
		struct vn_timer *best = t;
		if (l < q->n && before(q->heap[l], best)) {
			m = l;
			best = q->heap[l];
		}
		if (l + 1 < q->n && before(q->heap[l + 1], best))
			m = l + 1;
		if (m == i)
			break;
		place(q, i, q->heap[m]);
		i = m;
	}
	place(q, i, t);
}

static void remove_at(struct vn_timerq *q, size_t i)
{
	struct vn_timer *t = q->heap[i];
	t->slot = 0;
	q->n--;
	if (i == q->n)
		return;
	place(q, i, q->heap[q->n]);
	if (i > 0 && before(q->heap[i], q->heap[(i - 1) / 2]))
		sift_up(q, i);
	else
		sift_down(q, i);
}

int vn_timerq_arm(struct vn_timerq *q, struct vn_timer *t, vn_time_t when)
{
	if (t->slot)
		remove_at(q, t->slot - 1);
	if (q->n == q->cap) {
		size_t cap = q->cap ? q->cap * 2 : 64;
		struct vn_timer **h = realloc(q->heap, cap * sizeof(*h));
		if (!h)
			return -ENOMEM;
		q->heap = h;
		q->cap = cap;
	}
	t->when = when;
	t->seq = q->seq++;
	place(q, q->n++, t);
	sift_up(q, q->n - 1);
	return 0;
}

void vn_timerq_cancel(struct vn_timerq *q, struct vn_timer *t)
{
	if (t->slot)
		remove_at(q, t->slot - 1);
}

vn_time_t vn_timerq_next(const struct vn_timerq *q)
{
	return q->n ? q->heap[0]->when : VN_TIME_NEVER;
}

unsigned vn_timerq_run(struct vn_timerq *q, vn_time_t now)
{
	unsigned fired = 0;
	while (q->n && q->heap[0]->when <= now) {
		struct vn_timer *t = q->heap[0];
		remove_at(q, 0);
		fired++;
		t->fn(t, now);
	}
	return fired;
}

size_t vn_timerq_size(const struct vn_timerq *q)
{
	return q->n;
}
