/* Scheduler cost per packet (enqueue + dequeue) against a plain FIFO queue
 * measured in the same run, for trees 1-8 deep and 1-10,000 wide, in the
 * style of the seed's Figure 4.10.
 *
 * Tree: a chain of `depth` VIFs (each wfq, optionally capped at a rate too
 * high to throttle, so the cap arithmetic runs), the last with `width` leaf
 * children. A steady backlog of packets circulates: each step dequeues the
 * next packet and enqueues it again at the next leaf in turn.
 * Output: one line per configuration, medians of REPS runs. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "vn_pkt.h"
#include "vn_sched.h"
#include "vn_vif.h"

#define REPS 5
static int steps = 400000;
#define STEPS steps

static double now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static int cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
	qsort(v, n, sizeof(*v), cmp_d);
	return v[n / 2];
}

/* Plain FIFO baseline: push and pop the same circulating packets. */
static double fifo_ns(struct vn_pkt *pkts, int backlog)
{
	struct vn_pktq q;
	vn_pktq_init(&q);
	for (int i = 0; i < backlog; i++)
		vn_pktq_push(&q, &pkts[i]);
	double t0 = now_ns();
	for (int s = 0; s < STEPS; s++) {
		struct vn_pkt *p = vn_pktq_pop(&q);
		__asm__ volatile("" : : "r"(p) : "memory");
		vn_pktq_push(&q, p);
	}
	double t = (now_ns() - t0) / STEPS;
	while (vn_pktq_pop(&q))
		;
	return t;
}

static double sched_ns(int depth, int width, bool capped, struct vn_pkt *pkts, int backlog)
{
	struct vn_tree *t = vn_tree_new("bench0");
	struct vn_vif *v = vn_tree_root(t), **leaves = malloc(width * sizeof(*leaves));
	char name[32];
	if (capped)
		vn_vif_set_bandwidth(v, 1000000000000000ull, 0);
	for (int d = 1; d < depth; d++) {
		snprintf(name, sizeof(name), "l%d", d);
		vn_vif_create(v, name, 0, 0, 0755, &v);
		vn_vif_set_type(v, VN_TYPE_WFQ);
		if (capped)
			vn_vif_set_bandwidth(v, 1000000000000000ull, 0);
	}
	vn_vif_set_type(v, VN_TYPE_WFQ);
	for (int w = 0; w < width; w++) {
		snprintf(name, sizeof(name), "leaf%d", w);
		vn_vif_create(v, name, 0, 0, 0755, &leaves[w]);
		vn_vif_set_weight(leaves[w], 1 + (unsigned)(w % 3));
	}
	int next = 0;
	for (int i = 0; i < backlog; i++) {
		pkts[i].vif = leaves[next];
		next = (next + 1) % width;
		pkts[i].dir = VN_EGRESS;
		vn_sched_enqueue(t, &pkts[i], 0);
	}
	vn_time_t clock = 0;
	double t0 = now_ns();
	for (int s = 0; s < STEPS; s++) {
		struct vn_pkt *p = vn_sched_dequeue(t, VN_EGRESS, clock);
		p->vif = leaves[next];
		if (++next == width)
			next = 0;
		vn_sched_enqueue(t, p, clock);
		clock += 12;   /* 1500 bytes at 1 Tbit/s: caps never throttle */
	}
	double ns = (now_ns() - t0) / STEPS;
	while (vn_sched_dequeue(t, VN_EGRESS, clock))
		;
	vn_tree_free(t);
	free(leaves);
	return ns;
}

int main(int argc, char **argv)
{
	int depths[] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	int widths[] = { 1, 10, 100, 1000, 10000 };
	bool quick = argc > 1 && strcmp(argv[1], "--quick") == 0;
	int backlog = 20000;
	struct vn_pkt *pkts = calloc(backlog, sizeof(*pkts));
	for (int i = 0; i < backlog; i++)
		pkts[i].wire_len = pkts[i].len = 1500;
	/* --one DEPTH WIDTH CAPPED STEPS: one configuration, for instruction
	 * counting under callgrind (run twice with different STEPS and subtract). */
	if (argc == 6 && strcmp(argv[1], "--one") == 0) {
		steps = atoi(argv[5]);
		sched_ns(atoi(argv[2]), atoi(argv[3]), atoi(argv[4]) != 0, pkts, backlog);
		free(pkts);
		return 0;
	}
	double f[REPS];
	for (int r = 0; r < REPS; r++)
		f[r] = fifo_ns(pkts, backlog);
	double base = median(f, REPS);
	printf("# scheduler cost per packet (enqueue+dequeue), medians of %d runs of %d packets\n", REPS, STEPS);
	printf("fifo_baseline_ns %.1f\n", base);
	printf("%-6s %-6s %-7s %10s %10s\n", "depth", "width", "capped", "ns/pkt", "x_fifo");
	for (int c = 0; c < 2; c++) {
		for (size_t di = 0; di < sizeof(depths) / sizeof(*depths); di++) {
			for (size_t wi = 0; wi < sizeof(widths) / sizeof(*widths); wi++) {
				if (quick && (di % 3 || wi % 2))
					continue;
				double v[REPS];
				for (int r = 0; r < REPS; r++)
					v[r] = sched_ns(depths[di], widths[wi], c, pkts, backlog);
				double m = median(v, REPS);
				printf("%-6d %-6d %-7s %10.1f %10.2f\n", depths[di], widths[wi], c ? "yes" : "no", m, m / base);
			}
		}
	}
	free(pkts);
	return 0;
}
