/* External queues (the VIFlet hook): packets enter the queue from the VIF
 * and below, leave in the queue's order within the VIF's cap, "nothing now"
 * waits for a wake-up, an abort gives every packet back in order, drops are
 * counted, both directions pass, one queue per path. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "vn_sched.h"

#define MAXQ 256

/* A test queue: LIFO or FIFO, optionally holding everything until `until`,
 * optionally aborting on the nth dequeue. */
struct tq {
	struct vn_pkt *pkts[MAXQ];
	int n;
	bool lifo;
	vn_time_t until, *clock;
	int abort_at, dequeues;
	bool detached, aborted;
	struct vn_vif *vif;
	struct vn_timer timer;
};

static int tq_enqueue(void *ctx, struct vn_pkt *p)
{
	struct tq *q = ctx;
	q->pkts[q->n++] = p;
	return 0;
}

static struct vn_pkt *tq_dequeue(void *ctx, bool *abort)
{
	struct tq *q = ctx;
	if (q->abort_at && ++q->dequeues == q->abort_at) {
		*abort = true;
		return NULL;
	}
	if (q->n == 0 || (q->clock && *q->clock < q->until))
		return NULL;
	struct vn_pkt *p;
	if (q->lifo) {
		p = q->pkts[--q->n];
	} else {
		p = q->pkts[0];
		memmove(q->pkts, q->pkts + 1, --q->n * sizeof(*q->pkts));
	}
	return p;
}

static struct vn_pkt *tq_take(void *ctx)
{
	bool abort = false;
	struct tq *q = ctx;
	bool lifo = q->lifo;
	q->lifo = false;
	q->abort_at = 0;
	vn_time_t *c = q->clock;
	q->clock = NULL;
	struct vn_pkt *p = tq_dequeue(ctx, &abort);
	q->lifo = lifo;
	q->clock = c;
	return p;
}

static uint32_t tq_length(void *ctx) { return (uint32_t)((struct tq *)ctx)->n; }
static void tq_detach(void *ctx, bool aborted)
{
	struct tq *q = ctx;
	q->detached = true;
	q->aborted = aborted;
}

static const struct vn_qdisc_ops tq_ops = {
	.enqueue = tq_enqueue, .dequeue = tq_dequeue, .take = tq_take,
	.length = tq_length, .detach = tq_detach,
};

static struct vn_pkt pk[MAXQ];

static struct vn_pkt *mkpkt(int i, struct vn_vif *v, enum vn_dir d)
{
	memset(&pk[i], 0, sizeof(pk[i]));
	pk[i].vif = v;
	pk[i].dir = d;
	pk[i].len = pk[i].wire_len = 1000;
	pk[i].seq = (uint64_t)i;
	return &pk[i];
}

static void released(void *ctx, struct vn_pkt *p)
{
	(void)p;
	(*(int *)ctx)++;
}

static void queue_orders_packets_from_vif_and_below(void **state)
{
	(void)state;
	struct vn_tree *t = vn_tree_new("tun0");
	struct vn_vif *a, *b;
	vn_vif_create(vn_tree_root(t), "a", 0, 0, 0755, &a);
	vn_vif_create(a, "b", 0, 0, 0755, &b);
	vn_vif_set_bandwidth(a, 8000, 0);   /* 1 packet/s: nothing leaves yet */
	vn_sched_enqueue(t, mkpkt(0, b, VN_EGRESS), 0);
	vn_sched_enqueue(t, mkpkt(1, a, VN_EGRESS), 0);
	assert_non_null(vn_sched_dequeue(t, VN_EGRESS, 0));   /* the burst lets one out */
	struct tq q = { .lifo = true };
	assert_int_equal(vn_sched_set_qdisc(a, &tq_ops, &q), 0);
	assert_int_equal(q.n, 1);                      /* the waiting one moved in */
	assert_int_equal(vn_vif_type(a), VN_TYPE_VIFLET);
	assert_int_equal(vn_vif_set_type(a, VN_TYPE_WFQ), -EBUSY);
	struct tq q2 = { 0 };
	assert_int_equal(vn_sched_set_qdisc(b, &tq_ops, &q2), -EBUSY);
	assert_int_equal(vn_sched_set_qdisc(vn_tree_root(t), &tq_ops, &q2), -EBUSY);
	vn_vif_set_bandwidth(a, VN_BW_UNLIMITED, 0);
	for (int i = 2; i < 6; i++)
		vn_sched_enqueue(t, mkpkt(i, b, VN_EGRESS), 0);
	struct vn_vif_stats st;
	vn_vif_stats(b, &st);
	assert_int_equal(st.out_packets, 5);           /* counted as they entered a's queue */
	int order[5];
	for (int i = 0; i < 5; i++) {
		struct vn_pkt *p = vn_sched_dequeue(t, VN_EGRESS, 0);
		assert_non_null(p);
		assert_ptr_equal(p->vif, a);
		order[i] = (int)p->seq;
	}
	assert_null(vn_sched_dequeue(t, VN_EGRESS, 0));
	int want[5] = { 5, 4, 3, 2, 1 };
	assert_memory_equal(order, want, sizeof(want));
	vn_sched_clear_qdisc(a);
	assert_true(q.detached && !q.aborted);
	assert_int_equal(vn_vif_type(a), VN_TYPE_FIFO);
	vn_tree_free(t);
}

static void nothing_now_waits_for_wake(void **state)
{
	(void)state;
	struct vn_tree *t = vn_tree_new("tun0");
	struct vn_vif *a;
	vn_vif_create(vn_tree_root(t), "a", 0, 0, 0755, &a);
	vn_time_t clock = 0;
	struct tq q = { .clock = &clock, .until = 5000 };
	vn_sched_set_qdisc(a, &tq_ops, &q);
	vn_sched_enqueue(t, mkpkt(0, a, VN_EGRESS), 0);
	assert_null(vn_sched_dequeue(t, VN_EGRESS, 0));
	assert_true(vn_sched_next(t, 0) == VN_TIME_NEVER || vn_sched_next(t, 0) > 0);
	clock = 6000;
	assert_null(vn_sched_dequeue(t, VN_EGRESS, clock));   /* idle until woken */
	vn_sched_qdisc_wake(a);
	assert_true(vn_sched_next(t, clock) == clock);
	assert_ptr_equal(vn_sched_dequeue(t, VN_EGRESS, clock), &pk[0]);
	assert_int_equal(vn_sched_backlog(t), 0);
	vn_tree_free(t);
}

static void abort_gives_every_packet_back_in_order(void **state)
{
	(void)state;
	struct vn_tree *t = vn_tree_new("tun0");
	struct vn_vif *a;
	vn_vif_create(vn_tree_root(t), "a", 0, 0, 0755, &a);
	struct tq q = { .lifo = true, .abort_at = 2 };
	vn_sched_set_qdisc(a, &tq_ops, &q);
	for (int i = 0; i < 6; i++)
		vn_sched_enqueue(t, mkpkt(i, a, VN_EGRESS), 0);
	assert_int_equal((int)vn_sched_dequeue(t, VN_EGRESS, 0)->seq, 5);
	/* The second dequeue aborts: the queue goes, packets 0-4 come back. */
	for (int i = 0; i < 5; i++) {
		struct vn_pkt *p = vn_sched_dequeue(t, VN_EGRESS, 0);
		assert_non_null(p);
		assert_int_equal((int)p->seq, i);
	}
	assert_true(q.detached && q.aborted);
	assert_false(vn_sched_has_qdisc(a));
	assert_int_equal(vn_sched_backlog(t), 0);
	vn_tree_free(t);
}

static void drops_are_counted_and_both_directions_pass(void **state)
{
	(void)state;
	int nrel = 0;
	struct vn_tree *t = vn_tree_new("tun0");
	vn_tree_set_release(t, released, &nrel);
	struct vn_vif *a;
	vn_vif_create(vn_tree_root(t), "a", 0, 0, 0755, &a);
	struct tq q = { 0 };
	vn_sched_set_qdisc(a, &tq_ops, &q);
	vn_sched_enqueue(t, mkpkt(0, a, VN_INGRESS), 0);
	vn_sched_enqueue(t, mkpkt(1, a, VN_EGRESS), 0);
	vn_sched_enqueue(t, mkpkt(2, a, VN_EGRESS), 0);
	q.n--;                                   /* the queue discards packet 2 */
	vn_sched_qdisc_drop(a, &pk[2]);
	assert_int_equal(nrel, 1);
	struct vn_vif_stats st;
	vn_vif_stats(a, &st);
	assert_int_equal(st.drops, 1);
	/* Egress first: the queue hands out the ingress packet, set aside. */
	assert_ptr_equal(vn_sched_dequeue(t, VN_EGRESS, 0), &pk[1]);
	assert_ptr_equal(vn_sched_dequeue(t, VN_INGRESS, 0), &pk[0]);
	assert_int_equal(vn_sched_backlog(t), 0);
	vn_tree_free(t);
	assert_true(q.detached);
}

static void capped_queue_keeps_its_rate_and_removal_keeps_packets(void **state)
{
	(void)state;
	struct vn_tree *t = vn_tree_new("tun0");
	struct vn_vif *a;
	vn_vif_create(vn_tree_root(t), "a", 0, 0, 0755, &a);
	vn_vif_set_bandwidth(a, 800000, 0);    /* 100 packets/s */
	struct tq q = { 0 };
	vn_sched_set_qdisc(a, &tq_ops, &q);
	for (int i = 0; i < 200; i++)
		vn_sched_enqueue(t, mkpkt(i, a, VN_EGRESS), 0);
	vn_time_t now = 0;
	int sent = 0;
	while (now < VN_NSEC_PER_SEC) {
		while (vn_sched_dequeue(t, VN_EGRESS, now))
			sent++;
		vn_time_t next = vn_sched_next(t, now);
		now = next > now ? next : now + 1;
	}
	assert_in_range(sent, 100, 103);          /* 1 s at 100/s, plus the burst */
	int nrel = 0;
	vn_tree_set_release(t, released, &nrel);
	assert_int_equal(vn_vif_remove(a), 0);   /* packets go to the root, none lost */
	assert_true(q.detached);
	int rest = 0;
	while (vn_sched_dequeue(t, VN_EGRESS, now))
		rest++;
	assert_int_equal(sent + rest, 200);
	assert_int_equal(nrel, 0);
	vn_tree_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(queue_orders_packets_from_vif_and_below),
		cmocka_unit_test(nothing_now_waits_for_wake),
		cmocka_unit_test(abort_gives_every_packet_back_in_order),
		cmocka_unit_test(drops_are_counted_and_both_directions_pass),
		cmocka_unit_test(capped_queue_keeps_its_rate_and_removal_keeps_packets),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
