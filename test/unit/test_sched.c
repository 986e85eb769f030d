/* Scheduler accuracy in virtual time: caps, wfq shares, idle-share
 * redistribution, strict priority, nested caps, ingress pacing, block,
 * qlimit, leaf removal with a full queue, parameter changes. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "vn_pkt.h"
#include "vn_sched.h"
#include "vn_vif.h"

#define SEC VN_NSEC_PER_SEC
#define MAXSRC 8

struct source {
	struct vn_vif *vif;
	enum vn_dir dir;
	uint32_t size;          /* wire bytes per packet */
	uint64_t rate;          /* offered bits/s */
	uint64_t tapped_bytes;  /* bytes a port (src_tap) saw */
	uint8_t flags;          /* VN_PKT_F_* of its packets (with from_depth) */
	uint8_t from_depth;
	vn_time_t start, stop, next;
	uint64_t sent_bytes;    /* bytes that left the tree, by source */
	uint64_t win_bytes;     /* ... within the measurement window */
};

struct sim {
	struct vn_tree *tree;
	struct vn_pool *pool;
	struct source src[MAXSRC];
	int nsrc;
	vn_time_t win_start, win_end;
	uint64_t dropped;
};

static void release(void *ctx, struct vn_pkt *p)
{
	vn_pool_put(ctx, p);
}

static void sim_init(struct sim *s, const char *root)
{
	memset(s, 0, sizeof(*s));
	s->tree = vn_tree_new(root);
	s->pool = vn_pool_new(64, 256, 1 << 20);
	assert_non_null(s->tree);
	assert_non_null(s->pool);
	vn_tree_set_release(s->tree, release, s->pool);
}

static void sim_done(struct sim *s)
{
	vn_tree_free(s->tree);
	assert_int_equal(vn_pool_in_use(s->pool), 0);
	vn_pool_free(s->pool);
}

static struct source *add_src(struct sim *s, struct vn_vif *v, enum vn_dir d, uint32_t size,
			      uint64_t rate, double start, double stop)
{
	struct source *x = &s->src[s->nsrc++];
	x->vif = v;
	x->dir = d;
	x->size = size;
	x->rate = rate;
	x->start = x->next = (vn_time_t)(start * SEC);
	x->stop = (vn_time_t)(stop * SEC);
	return x;
}

static struct vn_vif *mk(struct vn_vif *parent, const char *name, const char *bw)
{
	struct vn_vif *v;
	assert_int_equal(vn_vif_create(parent, name, 0, 0, 0755, &v), 0);
	if (bw)
		assert_int_equal(vn_vif_param_set(v, "bandwidth", bw, 0), 0);
	return v;
}

static void depart(struct sim *s, struct vn_pkt *p, vn_time_t now)
{
	struct source *x = p->user;
	x->sent_bytes += p->wire_len;
	if (now >= s->win_start && now < s->win_end)
		x->win_bytes += p->wire_len;
	vn_pool_put(s->pool, p);
}

/* Run until `end` seconds of virtual time. */
static void sim_run(struct sim *s, double end)
{
	vn_time_t now = 0, t_end = (vn_time_t)(end * SEC);
	while (now < t_end) {
		for (int d = 0; d < VN_NDIR; d++) {
			struct vn_pkt *p;
			while ((p = vn_sched_dequeue(s->tree, d, now)))
				depart(s, p, now);
		}
		vn_time_t next = vn_sched_next(s->tree, now);
		if (next <= now)
			continue;
		for (int i = 0; i < s->nsrc; i++)
			if (s->src[i].next < s->src[i].stop && s->src[i].next < next)
				next = s->src[i].next;
		if (next > t_end)
			next = t_end;
		now = next;
		for (int i = 0; i < s->nsrc; i++) {
			struct source *x = &s->src[i];
			while (x->next <= now && x->next < x->stop) {
				struct vn_pkt *p = vn_pool_get(s->pool);
				assert_non_null(p);
				p->vif = x->vif;
				p->dir = x->dir;
				p->wire_len = p->len = x->size;
				p->user = x;
				p->flags = x->flags;
				p->from_depth = x->from_depth;
				if (vn_sched_enqueue(s->tree, p, now) < 0) {
					vn_pool_put(s->pool, p);
					s->dropped++;
				}
				x->next += (uint64_t)x->size * 8 * SEC / x->rate;
			}
		}
	}
}

static double win_rate(const struct sim *s, const struct source *x)
{
	return (double)x->win_bytes * 8 / ((double)(s->win_end - s->win_start) / SEC);
}

static void assert_within(double got, double want, double tol)
{
	if (got < want * (1 - tol) || got > want * (1 + tol))
		fail_msg("got %.0f, want %.0f +-%.1f%%", got, want, tol * 100);
}

static void saturated_cap_delivers_its_rate(void **state)
{
	(void)state;
	struct sim s;
	sim_init(&s, "tun0");
	struct vn_vif *a = mk(vn_tree_root(s.tree), "a", "10M");
	struct source *x = add_src(&s, a, VN_EGRESS, 1500, 20000000, 0, 12);
	s.win_start = 1 * SEC;
	s.win_end = 11 * SEC;
	sim_run(&s, 12);
	assert_within(win_rate(&s, x), 10e6, 0.005);
	sim_done(&s);
}

static void wfq_splits_two_to_one(void **state)
{
	(void)state;
	struct sim s;
	sim_init(&s, "tun0");
	struct vn_vif *r = mk(vn_tree_root(s.tree), "r", "6M");
	assert_int_equal(vn_vif_param_set(r, "type", "wfq\n", 0), 0);
	struct vn_vif *a = mk(r, "a", NULL), *b = mk(r, "b", NULL);
	assert_int_equal(vn_vif_param_set(a, "weight", "2", 0), 0);
	/* Different packet sizes: shares are in bytes, not packets. */
	struct source *xa = add_src(&s, a, VN_EGRESS, 1500, 10000000, 0, 12);
	struct source *xb = add_src(&s, b, VN_EGRESS, 400, 10000000, 0, 12);
	s.win_start = 1 * SEC;
	s.win_end = 11 * SEC;
	sim_run(&s, 12);
	double ra = win_rate(&s, xa), rb = win_rate(&s, xb);
	assert_within(ra / rb, 2.0, 0.01);
	assert_within(ra + rb, 6e6, 0.005);
	sim_done(&s);
}

static void idle_wfq_share_goes_to_busy_sibling(void **state)
{
	(void)state;
	struct sim s;
	sim_init(&s, "tun0");
	struct vn_vif *r = mk(vn_tree_root(s.tree), "r", "4M");
	vn_vif_param_set(r, "type", "wfq", 0);
	struct vn_vif *a = mk(r, "a", NULL);
	mk(r, "b", NULL);
	vn_vif_param_set(a, "weight", "1", 0);
	struct source *xa = add_src(&s, a, VN_EGRESS, 1000, 8000000, 0, 6);
	s.win_start = 1 * SEC;
	s.win_end = 5 * SEC;
	sim_run(&s, 6);
	assert_within(win_rate(&s, xa), 4e6, 0.005);
	sim_done(&s);
}

static void pq_starves_lower_priority(void **state)
{
	(void)state;
	struct sim s;
	sim_init(&s, "tun0");
	struct vn_vif *r = mk(vn_tree_root(s.tree), "r", "5M");
	vn_vif_param_set(r, "type", "pq", 0);
	struct vn_vif *hi = mk(r, "hi", NULL), *lo = mk(r, "lo", NULL);
	vn_vif_param_set(hi, "priority", "0", 0);
	vn_vif_param_set(lo, "priority", "3", 0);
	struct source *xh = add_src(&s, hi, VN_EGRESS, 1000, 8000000, 0, 6);
	struct source *xl = add_src(&s, lo, VN_EGRESS, 1000, 8000000, 0, 6);
	s.win_start = 1 * SEC;
	s.win_end = 5 * SEC;
	sim_run(&s, 6);
	assert_within(win_rate(&s, xh), 5e6, 0.005);
	assert_true(xl->win_bytes == 0);
	sim_done(&s);
}

static void pq_gives_rest_to_lower_priority(void **state)
{
	(void)state;
	struct sim s;
	sim_init(&s, "tun0");
	struct vn_vif *r = mk(vn_tree_root(s.tree), "r", "5M");
	vn_vif_param_set(r, "type", "pq", 0);
	struct vn_vif *hi = mk(r, "hi", NULL), *lo = mk(r, "lo", NULL);
	vn_vif_param_set(lo, "priority", "7", 0);
	struct source *xh = add_src(&s, hi, VN_EGRESS, 1000, 2000000, 0, 6);
	struct source *xl = add_src(&s, lo, VN_EGRESS, 1000, 8000000, 0, 6);
	s.win_start = 1 * SEC;
	s.win_end = 5 * SEC;
	sim_run(&s, 6);
	assert_within(win_rate(&s, xh), 2e6, 0.01);
	assert_within(win_rate(&s, xl), 3e6, 0.01);
	sim_done(&s);
}

static void cap_inside_wfq_child_inside_cap(void **state)
{
	(void)state;
	struct sim s;
	sim_init(&s, "tun0");
	struct vn_vif *r = mk(vn_tree_root(s.tree), "r", "8M");
	vn_vif_param_set(r, "type", "wfq", 0);
	struct vn_vif *a = mk(r, "a", NULL), *b = mk(r, "b", NULL);
	struct vn_vif *a1 = mk(a, "a1", "1M");   /* a's only child, capped below its share */
	struct source *x1 = add_src(&s, a1, VN_EGRESS, 1200, 5000000, 0, 6);
	struct source *xb = add_src(&s, b, VN_EGRESS, 1200, 20000000, 0, 6);
	s.win_start = 1 * SEC;
	s.win_end = 5 * SEC;
	sim_run(&s, 6);
	assert_within(win_rate(&s, x1), 1e6, 0.005);
	assert_within(win_rate(&s, xb), 7e6, 0.005);
	sim_done(&s);
}

static void ingress_is_paced_by_receiver_cap(void **state)
{
	(void)state;
	struct sim s;
	sim_init(&s, "tun0");
	struct vn_vif *v = mk(vn_tree_root(s.tree), "rx", "8192K");
	struct vn_vif *tx = mk(vn_tree_root(s.tree), "tx", "2M");
	struct source *xi = add_src(&s, v, VN_INGRESS, 1500, 20000000, 0, 6);
	struct source *xo = add_src(&s, tx, VN_EGRESS, 1500, 20000000, 0, 6);
	s.win_start = 1 * SEC;
	s.win_end = 5 * SEC;
	sim_run(&s, 6);
	assert_within(win_rate(&s, xi), 8192000, 0.005);
	assert_within(win_rate(&s, xo), 2e6, 0.005);
	struct vn_vif_stats st;
	vn_vif_stats(v, &st);
	assert_true(st.in_packets > 0 && st.out_packets == 0);
	sim_done(&s);
}

static void block_passes_nothing_and_counts_drops(void **state)
{
	(void)state;
	struct sim s;
	sim_init(&s, "tun0");
	struct vn_vif *a = mk(vn_tree_root(s.tree), "a", NULL);
	struct vn_vif *a1 = mk(a, "a1", NULL);
	vn_vif_param_set(a, "type", "block", 0);
	struct source *x = add_src(&s, a1, VN_EGRESS, 1000, 1000000, 0, 2);
	sim_run(&s, 2);
	assert_int_equal(x->sent_bytes, 0);
	struct vn_vif_stats st;
	vn_vif_stats(a, &st);
	assert_int_equal(st.drops, 250);
	assert_int_equal(st.queued, 0);
	sim_done(&s);
}

static void count_tap(void *ctx, const struct vn_vif *v, const struct vn_pkt *p)
{
	(void)v;
	(void)p;
	++*(uint64_t *)ctx;
}

/* An ingress packet refused by a blocked VIF a (shown by a's port) and
 * written back to a's port continues below a: the caps of a's children and
 * of a's ancestors pace it, every VIF on its path counts it, and a's port
 * does not show it twice. A blocked VIF below a still refuses it. */
static void diverted_ingress_continues_below_block(void **state)
{
	(void)state;
	struct sim s;
	sim_init(&s, "tun0");
	struct vn_vif *r = vn_tree_root(s.tree);
	assert_int_equal(vn_vif_param_set(r, "bandwidth", "2M", 0), 0);
	struct vn_vif *a = mk(r, "a", NULL);
	struct vn_vif *a1 = mk(a, "a1", NULL), *a2 = mk(a, "a2", "500K"), *a3 = mk(a, "a3", NULL);
	vn_vif_param_set(a, "type", "block", 0);
	vn_vif_param_set(a3, "type", "block", 0);
	uint64_t seen_a = 0, seen_a1 = 0, seen_a3 = 0;
	vn_vif_set_tap(a, count_tap, &seen_a);
	vn_vif_set_tap(a1, count_tap, &seen_a1);
	vn_vif_set_tap(a3, count_tap, &seen_a3);
	struct source *x1 = add_src(&s, a1, VN_INGRESS, 1000, 3000000, 0, 6);
	struct source *x2 = add_src(&s, a2, VN_INGRESS, 1000, 3000000, 0, 6);
	struct source *x3 = add_src(&s, a3, VN_INGRESS, 1000, 1000000, 0, 6);
	struct source *plain = add_src(&s, a1, VN_INGRESS, 1000, 800000, 0, 6);
	x1->flags = x2->flags = x3->flags = VN_PKT_F_DIVERTED;
	x1->from_depth = x2->from_depth = x3->from_depth = 1;
	s.win_start = 1 * SEC;
	s.win_end = 5 * SEC;
	sim_run(&s, 6);
	assert_within(win_rate(&s, x2), 500000, 0.01);
	assert_within(win_rate(&s, x1) + win_rate(&s, x2), 2e6, 0.01);
	assert_int_equal(x3->sent_bytes, 0);
	assert_int_equal(plain->sent_bytes, 0);
	struct vn_vif_stats sa, sa1, sa3;
	vn_vif_stats(a, &sa);
	vn_vif_stats(a1, &sa1);
	vn_vif_stats(a3, &sa3);
	assert_int_equal(sa.in_packets, (x1->sent_bytes + x2->sent_bytes) / 1000);
	assert_int_equal(sa1.in_packets, x1->sent_bytes / 1000);
	assert_int_equal(seen_a, sa.drops);          /* only the plain packets it refused */
	assert_int_equal(sa.drops, 600);             /* 800 kbit/s of 1000-byte packets for 6 s */
	assert_int_equal(seen_a1, sa1.in_packets);
	assert_int_equal(seen_a3, sa3.drops);
	assert_int_equal(sa3.drops, 750);
	vn_vif_set_tap(a, NULL, NULL);
	vn_vif_set_tap(a1, NULL, NULL);
	vn_vif_set_tap(a3, NULL, NULL);
	sim_done(&s);
}

static void src_tap(void *ctx, const struct vn_vif *v, const struct vn_pkt *p)
{
	(void)v;
	++*(uint64_t *)ctx;
	((struct source *)p->user)->tapped_bytes += p->wire_len;
}

/* Egress through a blocked VIF a whose port has a reader: a packet is paced
 * by the VIFs below a (a1's cap), counted by them, then leaves the tree at
 * a into its port; nothing goes above a. Without a reader a drops at once. */
static void diverted_egress_is_paced_below_block(void **state)
{
	(void)state;
	struct sim s;
	sim_init(&s, "tun0");
	struct vn_vif *r = vn_tree_root(s.tree);
	struct vn_vif *a = mk(r, "a", NULL), *b = mk(r, "b", NULL);
	struct vn_vif *a1 = mk(a, "a1", "1M"), *a2 = mk(a, "a2", NULL);
	vn_vif_param_set(a, "type", "block", 0);
	uint64_t seen = 0;
	vn_vif_set_tap(a, src_tap, &seen);
	struct source *x1 = add_src(&s, a1, VN_EGRESS, 1000, 3000000, 0, 6);
	struct source *x2 = add_src(&s, a2, VN_EGRESS, 1000, 2000000, 0, 6);
	struct source *xa = add_src(&s, a, VN_EGRESS, 1000, 400000, 0, 6);
	struct source *xb = add_src(&s, b, VN_EGRESS, 1000, 1000000, 0, 6);
	sim_run(&s, 6.5);
	/* a1's cap paced what a's port saw of it (6.5 s at 1 Mbit/s, its
	 * queue still draining, and the cap's burst); the rest reached it as
	 * offered */
	assert_true(x1->tapped_bytes >= 812500 && x1->tapped_bytes <= 815000);
	assert_int_equal(x2->tapped_bytes, 1500000);
	assert_int_equal(xa->tapped_bytes, 300000);
	assert_int_equal(x1->sent_bytes + x2->sent_bytes + xa->sent_bytes, 0);
	assert_int_equal(xb->sent_bytes, 750000);
	struct vn_vif_stats sr, sa, sa1;
	vn_vif_stats(r, &sr);
	vn_vif_stats(a, &sa);
	vn_vif_stats(a1, &sa1);
	assert_int_equal(sa1.out_packets, x1->tapped_bytes / 1000);
	assert_int_equal(sa.out_packets, 0);
	assert_int_equal(sr.out_packets, 750);          /* b's only */
	assert_int_equal(seen, (x1->tapped_bytes + x2->tapped_bytes + xa->tapped_bytes) / 1000);
	assert_int_equal(sa.drops, seen);
	assert_int_equal(vn_sched_backlog(s.tree), sa1.queued);   /* a1's queue, still draining */
	/* the reader gone, a refuses at once again */
	vn_vif_set_tap(a, NULL, NULL);
	uint64_t before = x2->tapped_bytes, drops = sa.drops;
	x2->stop = (vn_time_t)(8 * SEC);
	sim_run(&s, 8);
	vn_vif_stats(a, &sa);
	assert_int_equal(x2->tapped_bytes, before);
	assert_true(sa.drops > drops);
	sim_done(&s);
}

static void qlimit_tail_drops_and_counts(void **state)
{
	(void)state;
	struct sim s;
	sim_init(&s, "tun0");
	struct vn_vif *a = mk(vn_tree_root(s.tree), "a", "8K");  /* 1 packet/s */
	vn_vif_param_set(a, "qlimit", "10", 0);
	add_src(&s, a, VN_EGRESS, 1000, 8000000, 0, 0.1);           /* 100 packets at once */
	sim_run(&s, 0.2);
	struct vn_vif_stats st;
	vn_vif_stats(a, &st);
	/* The queue holds 10; the cap's burst let the first few leave at once. */
	assert_int_equal(st.queued, 10);
	assert_true(st.out_packets >= 1 && st.out_packets <= 3);
	assert_int_equal(st.drops, 100 - st.queued - st.out_packets);
	sim_done(&s);
}

static void removing_leaf_with_full_queue_loses_nothing(void **state)
{
	(void)state;
	struct sim s;
	sim_init(&s, "tun0");
	struct vn_vif *a = mk(vn_tree_root(s.tree), "a", "1M");
	struct vn_vif *leaf = mk(a, "leaf", "8K");
	struct source *x = add_src(&s, leaf, VN_EGRESS, 1000, 8000000, 0, 0.05);
	sim_run(&s, 0.1);
	struct vn_vif_stats st;
	vn_vif_stats(leaf, &st);
	uint64_t held = st.queued, left = st.out_packets;
	assert_true(held > 40);
	assert_int_equal(vn_vif_remove(a), -ENOTEMPTY);
	assert_int_equal(vn_vif_remove(vn_tree_root(s.tree)), -EBUSY);
	assert_int_equal(vn_vif_remove(leaf), 0);
	vn_vif_stats(a, &st);
	assert_int_equal(st.queued, held);
	x->stop = 0;
	sim_run(&s, 2);   /* a's 1 Mbit/s drains them all */
	assert_int_equal(x->sent_bytes / 1000, held + left);
	assert_int_equal(vn_sched_backlog(s.tree), 0);
	sim_done(&s);
}

static void cap_change_applies_at_once(void **state)
{
	(void)state;
	struct sim s;
	sim_init(&s, "tun0");
	struct vn_vif *a = mk(vn_tree_root(s.tree), "a", "1K");
	struct source *x = add_src(&s, a, VN_EGRESS, 1000, 4000000, 0, 4);
	sim_run(&s, 1);   /* one packet out, the cap is now 8 s in debt */
	assert_int_equal(vn_vif_param_set(a, "bandwidth", "2M", 1 * SEC), 0);
	s.win_start = (vn_time_t)(1.1 * SEC);
	s.win_end = 3 * SEC;
	/* continue from t = 1 s */
	vn_time_t t0 = 1 * SEC;
	(void)t0;
	sim_run(&s, 4);
	assert_within(win_rate(&s, x), 2e6, 0.01);
	sim_done(&s);
}

static void invalid_parameter_writes_keep_old_value(void **state)
{
	(void)state;
	struct vn_tree *t = vn_tree_new("tun0");
	struct vn_vif *a;
	char buf[64];
	assert_int_equal(vn_vif_create(vn_tree_root(t), "a", 1000, 1000, 0755, &a), 0);
	assert_int_equal(vn_vif_param_set(a, "bandwidth", "4Mbps", 0), 0);
	const char *bad_bw[] = { "", "abc", "-1", "4Q", "1.5.2M", "99999999999999999999", "2P",
				 "1.0005K", "4 M", "0x10", "nan", "4Mbytes", NULL };
	for (int i = 0; bad_bw[i]; i++) {
		assert_int_equal(vn_vif_param_set(a, "bandwidth", bad_bw[i], 0), -EINVAL);
		vn_vif_param_get(a, "bandwidth", buf, sizeof(buf));
		assert_string_equal(buf, "4000000");
	}
	const char *bad_w[] = { "0", "65536", "-3", "1.5", "x", "", NULL };
	for (int i = 0; bad_w[i]; i++)
		assert_int_equal(vn_vif_param_set(a, "weight", bad_w[i], 0), -EINVAL);
	vn_vif_param_get(a, "weight", buf, sizeof(buf));
	assert_string_equal(buf, "1");
	assert_int_equal(vn_vif_param_set(a, "priority", "8", 0), -EINVAL);
	assert_int_equal(vn_vif_param_set(a, "type", "viflet", 0), -EINVAL);
	assert_int_equal(vn_vif_param_set(a, "type", "lifo", 0), -EINVAL);
	vn_vif_param_get(a, "type", buf, sizeof(buf));
	assert_string_equal(buf, "fifo");
	assert_int_equal(vn_vif_param_set(a, "qlimit", "0", 0), -EINVAL);
	assert_int_equal(vn_vif_param_set(a, "colour", "red", 0), -ENOENT);
	vn_tree_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(saturated_cap_delivers_its_rate),
		cmocka_unit_test(wfq_splits_two_to_one),
		cmocka_unit_test(idle_wfq_share_goes_to_busy_sibling),
		cmocka_unit_test(pq_starves_lower_priority),
		cmocka_unit_test(pq_gives_rest_to_lower_priority),
		cmocka_unit_test(cap_inside_wfq_child_inside_cap),
		cmocka_unit_test(ingress_is_paced_by_receiver_cap),
		cmocka_unit_test(block_passes_nothing_and_counts_drops),
		cmocka_unit_test(diverted_ingress_continues_below_block),
		cmocka_unit_test(diverted_egress_is_paced_below_block),
		cmocka_unit_test(qlimit_tail_drops_and_counts),
		cmocka_unit_test(removing_leaf_with_full_queue_loses_nothing),
		cmocka_unit_test(cap_change_applies_at_once),
		cmocka_unit_test(invalid_parameter_writes_keep_old_value),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
