/* A filter on a real VIF tree: vn_bpf_load + vn_vif_set_filter(v,
 * vn_bpf_hook(f), f) is all it takes (or vn_bpf_vif_hook, one jump more). Packets of both directions through a
 * VIF with `not tcp port 5201` are dropped when they are iperf3 traffic
 * (counted in the VIF's drops and the filter's counters), the rest pass; a
 * filter on the root sees everything; a counting program keeps statistics in
 * its scratch words. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>
#include <pcap/pcap.h>

#include "vn_bpf.h"
#include "vn_pkt.h"
#include "vn_sched.h"
#include "vn_vif.h"

/* IPv4/TCP (raw IP, as a TUN device sees it) from sport to dport. */
static void tcp_packet(struct vn_pkt *p, uint16_t sport, uint16_t dport)
{
	uint8_t *b = p->data;
	memset(b, 0, 40);
	b[0] = 0x45;
	b[3] = 40;
	b[8] = 64;
	b[9] = 6;
	memcpy(b + 12, "\xc6\x12\x00\x01\xc6\x12\x00\x02", 8);
	b[20] = (uint8_t)(sport >> 8);
	b[21] = (uint8_t)sport;
	b[22] = (uint8_t)(dport >> 8);
	b[23] = (uint8_t)dport;
	b[32] = 0x50;
	p->len = 40;
	p->wire_len = 40;
	p->l3_off = 0;
}

static struct vn_bpf *load(const char *expr)
{
	struct vn_bpf *f;
	char err[256];
	if (vn_bpf_load(expr, strlen(expr), DLT_RAW, &f, err, sizeof(err)))
		fail_msg("%s: %s", expr, err);
	return f;
}

static void filter_on_a_vif_drops_iperf3_both_ways(void **state)
{
	(void)state;
	struct vn_pool *pool = vn_pool_new(2048, 64, 64);
	struct vn_tree *t = vn_tree_new("tun0");
	struct vn_vif *root = vn_tree_root(t), *a, *b;
	assert_int_equal(vn_vif_create(root, "a", 0, 0, 0755, &a), 0);
	assert_int_equal(vn_vif_create(root, "b", 0, 0, 0755, &b), 0);
	struct vn_bpf *f = load("not tcp port 5201");
	assert_true(vn_bpf_jitted(f));
	vn_vif_set_filter(a, vn_bpf_hook(f), f);         /* the native code itself */

	const struct { struct vn_vif *v; uint16_t sport, dport; enum vn_dir dir; int ok; } cases[] = {
		{ a, 40000, 5201, VN_EGRESS, 0 },    /* iperf3 client -> server */
		{ a, 5201, 40000, VN_INGRESS, 0 },   /* and its replies */
		{ a, 40000, 80, VN_EGRESS, 1 },
		{ a, 80, 40000, VN_INGRESS, 1 },
		{ b, 40000, 5201, VN_EGRESS, 1 },    /* not a's traffic: no filter */
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct vn_pkt *p = vn_pool_get(pool);
		tcp_packet(p, cases[i].sport, cases[i].dport);
		p->vif = cases[i].v;
		p->dir = (uint8_t)cases[i].dir;
		int rc = vn_sched_enqueue(t, p, 0);
		if (cases[i].ok) {
			assert_int_equal(rc, 0);
		} else {
			assert_int_equal(rc, -EACCES);
			vn_pool_put(pool, p);
		}
	}
	struct vn_pkt *p;
	int out = 0;
	for (int d = 0; d < VN_NDIR; d++)
		while ((p = vn_sched_dequeue(t, (enum vn_dir)d, 0))) {
			vn_pool_put(pool, p);
			out++;
		}
	assert_int_equal(out, 3);
	struct vn_vif_stats st;
	vn_vif_stats(a, &st);
	assert_int_equal(st.drops, 2);
	assert_int_equal(vn_bpf_drops(f), 2);
	assert_int_equal(vn_bpf_accepts(f), 2);

	/* `none`: the hook comes off before the filter is freed */
	assert_true(vn_bpf_is_none("none\n", 5));
	vn_vif_set_filter(a, NULL, NULL);
	vn_bpf_free(f);
	p = vn_pool_get(pool);
	tcp_packet(p, 40000, 5201);
	p->vif = a;
	p->dir = VN_EGRESS;
	assert_int_equal(vn_sched_enqueue(t, p, 0), 0);
	assert_ptr_equal(vn_sched_dequeue(t, VN_EGRESS, 0), p);
	vn_pool_put(pool, p);

	vn_tree_free(t);
	vn_pool_free(pool);
}

static void scratch_words_count_what_a_root_filter_sees(void **state)
{
	(void)state;
	/* M[0] counts packets, M[1] TCP ones, M[2] sums wire bytes; accept all */
	const char *ddd =
		"13\n"
		"96 0 0 0\n4 0 0 1\n2 0 0 0\n"               /* M[0]++ */
		"128 0 0 0\n97 0 0 2\n12 0 0 0\n2 0 0 2\n"   /* M[2] += len */
		"48 0 0 9\n21 0 3 6\n"                       /* ldb [9]; jeq #6 else -> 12 */
		"96 0 0 1\n4 0 0 1\n2 0 0 1\n"               /* M[1]++ */
		"6 0 0 262144\n";
	struct vn_bpf *f;
	char err[256];
	assert_int_equal(vn_bpf_load(ddd, strlen(ddd), DLT_RAW, &f, err, sizeof(err)), 0);
	struct vn_pool *pool = vn_pool_new(2048, 8, 8);
	struct vn_tree *t = vn_tree_new("tun0");
	vn_vif_set_filter(vn_tree_root(t), vn_bpf_vif_hook, f);
	for (int i = 0; i < 5; i++) {
		struct vn_pkt *p = vn_pool_get(pool);
		tcp_packet(p, 1000, 2000);
		if (i == 4)
			p->data[9] = 17;            /* one UDP */
		p->wire_len = 100;
		p->vif = vn_tree_root(t);
		p->dir = VN_EGRESS;
		assert_int_equal(vn_sched_enqueue(t, p, 0), 0);
		vn_pool_put(pool, vn_sched_dequeue(t, VN_EGRESS, 0));
	}
	char buf[512];
	vn_bpf_format(f, buf, sizeof(buf));
	assert_non_null(strstr(buf, "accepts 5\ndrops 0\nmem0 5\nmem1 4\nmem2 500\n"));
	vn_tree_free(t);
	vn_pool_free(pool);
	vn_bpf_free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(filter_on_a_vif_drops_iperf3_both_ways),
		cmocka_unit_test(scratch_words_count_what_a_root_filter_sees),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
