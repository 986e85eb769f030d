/* vn_sched_send: a packet on an open, idle path leaves at once, and what
 * can be seen of it (departure order, counters, drops, taps, filters) is
 * what vn_sched_enqueue followed by vn_sched_dequeue gives. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "vn_pkt.h"
#include "vn_sched.h"
#include "vn_vif.h"

static void release(void *ctx, struct vn_pkt *p)
{
	vn_pool_put(ctx, p);
}

static struct vn_vif *mk(struct vn_vif *parent, const char *name)
{
	struct vn_vif *v;
	assert_int_equal(vn_vif_create(parent, name, 0, 0, 0755, &v), 0);
	return v;
}

static struct vn_pkt *pkt(struct vn_pool *pool, struct vn_vif *v, enum vn_dir d, uint32_t len)
{
	struct vn_pkt *p = vn_pool_get(pool);
	assert_non_null(p);
	p->vif = v;
	p->dir = (uint8_t)d;
	p->len = p->wire_len = len;
	return p;
}

static uint64_t out_packets(const struct vn_vif *v)
{
	struct vn_vif_stats st;
	vn_vif_stats(v, &st);
	return st.out_packets;
}

static void open_idle_path_leaves_at_once(void **state)
{
	(void)state;
	struct vn_pool *pool = vn_pool_new(64, 16, 64);
	struct vn_tree *t = vn_tree_new("tun0");
	vn_tree_set_release(t, release, pool);
	struct vn_vif *r = vn_tree_root(t), *a = mk(r, "a"), *b = mk(a, "b");
	for (int d = 0; d < VN_NDIR; d++) {
		struct vn_pkt *p = pkt(pool, b, (enum vn_dir)d, 100);
		assert_int_equal(vn_sched_send(t, p, 5), VN_SCHED_SENT);
		assert_ptr_equal(p->vif, b);
		assert_int_equal(p->arrival, 5);
		vn_pool_put(pool, p);
	}
	struct vn_vif_stats st;
	for (struct vn_vif *v = b; v; v = vn_vif_parent(v)) {
		vn_vif_stats(v, &st);
		assert_int_equal(st.out_packets, 1);
		assert_int_equal(st.out_bytes, 100);
		assert_int_equal(st.in_packets, 1);
		assert_int_equal(st.in_bytes, 100);
		assert_int_equal(st.queued, 0);
	}
	assert_int_equal(vn_sched_backlog(t), 0);
	assert_int_equal(vn_sched_next(t, 5), VN_TIME_NEVER);
	vn_tree_free(t);
	vn_pool_free(pool);
}

/* A cap, a block or an external queue anywhere above holds the path: the
 * packet is queued (or dropped) as by vn_sched_enqueue; so is one behind
 * packets already waiting. */
static void held_paths_queue(void **state)
{
	(void)state;
	struct vn_pool *pool = vn_pool_new(64, 16, 64);
	struct vn_tree *t = vn_tree_new("tun0");
	vn_tree_set_release(t, release, pool);
	struct vn_vif *r = vn_tree_root(t), *a = mk(r, "a"), *b = mk(a, "b");

	assert_int_equal(vn_vif_param_set(a, "bandwidth", "1M", 0), 0);
	struct vn_vif *c = mk(b, "c");            /* made below a cap: held too */
	struct vn_pkt *p = pkt(pool, c, VN_EGRESS, 100);
	assert_int_equal(vn_sched_send(t, p, 0), 0);
	assert_int_equal(vn_sched_backlog(t), 1);
	assert_ptr_equal(vn_sched_dequeue(t, VN_EGRESS, 0), p);
	vn_pool_put(pool, p);

	/* Unlimited again: open again, for the VIFs below too. */
	assert_int_equal(vn_vif_param_set(a, "bandwidth", "unlimited", 1), 0);
	p = pkt(pool, c, VN_EGRESS, 100);
	assert_int_equal(vn_sched_send(t, p, 1), VN_SCHED_SENT);
	vn_pool_put(pool, p);

	/* A packet waiting anywhere in the direction: the next one queues
	 * behind it (the other direction is not held). */
	struct vn_pkt *first = pkt(pool, r, VN_EGRESS, 100);
	assert_int_equal(vn_sched_enqueue(t, first, 2), 0);
	p = pkt(pool, c, VN_EGRESS, 100);
	assert_int_equal(vn_sched_send(t, p, 2), 0);
	struct vn_pkt *in = pkt(pool, c, VN_INGRESS, 100);
	assert_int_equal(vn_sched_send(t, in, 2), VN_SCHED_SENT);
	vn_pool_put(pool, in);
	assert_ptr_equal(vn_sched_dequeue(t, VN_EGRESS, 2), first);
	assert_ptr_equal(vn_sched_dequeue(t, VN_EGRESS, 2), p);
	vn_pool_put(pool, first);
	vn_pool_put(pool, p);

	/* block: refused and counted where it blocks. */
	assert_int_equal(vn_vif_param_set(b, "type", "block", 0), 0);
	p = pkt(pool, c, VN_EGRESS, 100);
	assert_int_equal(vn_sched_send(t, p, 3), -EPERM);
	vn_pool_put(pool, p);
	struct vn_vif_stats st;
	vn_vif_stats(b, &st);
	assert_int_equal(st.drops, 1);
	assert_int_equal(vn_vif_param_set(b, "type", "fifo", 0), 0);
	p = pkt(pool, c, VN_EGRESS, 100);
	assert_int_equal(vn_sched_send(t, p, 4), VN_SCHED_SENT);
	vn_pool_put(pool, p);
	assert_int_equal(out_packets(c), 4);
	assert_int_equal(vn_sched_backlog(t), 0);
	vn_tree_free(t);
	vn_pool_free(pool);
}

static int refuse_count;
static bool refuse_odd(void *ctx, const struct vn_pkt *p)
{
	(void)ctx;
	refuse_count++;
	return p->len % 2 == 0;
}

static const struct vn_vif *tapped[8];
static int ntapped;
static void tap(void *ctx, const struct vn_vif *v, const struct vn_pkt *p)
{
	(void)ctx;
	(void)p;
	if (ntapped < 8)
		tapped[ntapped++] = v;
}

static void filters_and_taps_run_on_the_open_path(void **state)
{
	(void)state;
	struct vn_pool *pool = vn_pool_new(64, 16, 64);
	struct vn_tree *t = vn_tree_new("tun0");
	vn_tree_set_release(t, release, pool);
	struct vn_vif *r = vn_tree_root(t), *a = mk(r, "a"), *b = mk(a, "b");
	vn_vif_set_filter(a, refuse_odd, NULL);
	vn_vif_set_tap(r, tap, NULL);
	vn_vif_set_tap(b, tap, NULL);
	struct vn_pkt *p = pkt(pool, b, VN_EGRESS, 101);
	assert_int_equal(vn_sched_send(t, p, 0), -EACCES);
	vn_pool_put(pool, p);
	struct vn_vif_stats st;
	vn_vif_stats(a, &st);
	assert_int_equal(st.drops, 1);
	assert_int_equal(ntapped, 0);
	p = pkt(pool, b, VN_INGRESS, 100);
	assert_int_equal(vn_sched_send(t, p, 0), VN_SCHED_SENT);
	vn_pool_put(pool, p);
	assert_int_equal(refuse_count, 2);
	/* Taps as at a dequeue: leaf to root. */
	assert_int_equal(ntapped, 2);
	assert_ptr_equal(tapped[0], b);
	assert_ptr_equal(tapped[1], r);
	vn_tree_free(t);
	vn_pool_free(pool);
}

/* The same random traffic through two identical trees, one fed by
 * vn_sched_enqueue + draining, the other by vn_sched_send + draining: the
 * same packets leave in the same order at the same times, with the same
 * counters everywhere. Caps, wfq, pq and a filter make both paths run. */
#define NV 7
struct twin {
	struct vn_tree *t;
	struct vn_vif *v[NV];
	uint32_t out[4096];
	unsigned nout;
};

static bool drop_len_7(void *ctx, const struct vn_pkt *p)
{
	(void)ctx;
	return p->len % 16 != 7;
}

static void twin_init(struct twin *w, struct vn_pool *pool)
{
	memset(w, 0, sizeof *w);
	w->t = vn_tree_new("tun0");
	vn_tree_set_release(w->t, release, pool);
	struct vn_vif *r = vn_tree_root(w->t);
	w->v[0] = r;
	w->v[1] = mk(r, "a");
	w->v[2] = mk(w->v[1], "a1");
	w->v[3] = mk(w->v[1], "a2");
	w->v[4] = mk(r, "b");
	w->v[5] = mk(w->v[4], "b1");
	w->v[6] = mk(w->v[5], "b11");
	assert_int_equal(vn_vif_param_set(w->v[1], "type", "wfq", 0), 0);
	assert_int_equal(vn_vif_param_set(w->v[3], "weight", "3", 0), 0);
	assert_int_equal(vn_vif_param_set(w->v[3], "bandwidth", "2M", 0), 0);
	assert_int_equal(vn_vif_param_set(r, "type", "pq", 0), 0);
	assert_int_equal(vn_vif_param_set(w->v[4], "priority", "1", 0), 0);
	vn_vif_set_filter(w->v[5], drop_len_7, NULL);
}

static void twin_drain(struct twin *w, struct vn_pool *pool, vn_time_t now)
{
	for (int d = 0; d < VN_NDIR; d++) {
		struct vn_pkt *p;
		while ((p = vn_sched_dequeue(w->t, (enum vn_dir)d, now))) {
			assert_true(w->nout < 4096);
			w->out[w->nout++] = (uint32_t)p->seq;
			vn_pool_put(pool, p);
		}
	}
}

static void send_matches_enqueue_and_dequeue(void **state)
{
	(void)state;
	struct vn_pool *pool = vn_pool_new(64, 256, 8192);
	struct twin x, y;
	twin_init(&x, pool);
	twin_init(&y, pool);
	srand(7);
	vn_time_t now = 0;
	for (uint32_t seq = 0; seq < 3000; seq++) {
		now += (vn_time_t)(rand() % 4000) * 1000;     /* 0-4 ms apart */
		if (seq == 1500)                               /* a cap change mid-way */
			for (int k = 0; k < 2; k++)
				vn_vif_param_set((k ? &y : &x)->v[1], "bandwidth", "5M", now);
		unsigned which = (unsigned)rand() % NV;
		enum vn_dir d = rand() % 3 == 0 ? VN_INGRESS : VN_EGRESS;
		uint32_t len = 40 + (uint32_t)rand() % 1460;
		struct vn_pkt *p = pkt(pool, x.v[which], d, len);
		struct vn_pkt *q = pkt(pool, y.v[which], d, len);
		p->seq = q->seq = seq;
		twin_drain(&x, pool, now);
		twin_drain(&y, pool, now);
		int rx = vn_sched_enqueue(x.t, p, now);
		int ry = vn_sched_send(y.t, q, now);
		if (rx < 0)
			vn_pool_put(pool, p);
		if (ry < 0)
			vn_pool_put(pool, q);
		if (ry == VN_SCHED_SENT) {
			y.out[y.nout++] = seq;
			vn_pool_put(pool, q);
			ry = 0;
		}
		assert_int_equal(rx, ry);
		twin_drain(&x, pool, now);
		twin_drain(&y, pool, now);
		assert_int_equal(vn_sched_next(x.t, now), vn_sched_next(y.t, now));
	}
	for (; vn_sched_backlog(x.t) || vn_sched_backlog(y.t); now += 1000000) {
		twin_drain(&x, pool, now);
		twin_drain(&y, pool, now);
	}
	assert_int_equal(x.nout, y.nout);
	assert_memory_equal(x.out, y.out, x.nout * sizeof x.out[0]);
	assert_true(x.nout > 1000);
	for (int k = 0; k < NV; k++) {
		struct vn_vif_stats a, b;
		vn_vif_stats(x.v[k], &a);
		vn_vif_stats(y.v[k], &b);
		assert_memory_equal(&a, &b, sizeof a);
	}
	vn_tree_free(x.t);
	vn_tree_free(y.t);
	vn_pool_free(pool);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(open_idle_path_leaves_at_once),
		cmocka_unit_test(held_paths_queue),
		cmocka_unit_test(filters_and_taps_run_on_the_open_path),
		cmocka_unit_test(send_matches_enqueue_and_dequeue),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
