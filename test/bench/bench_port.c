/* bench_port — the port's tapping routine in isolation (seed Figure 4.12):
 * ns per packet that a VIF with one reader adds to a packet's pass through
 * the scheduler, for 64- and 1500-byte packets, with the reader keeping up
 * (a thread draining its ring) and with a stopped reader (ring full).
 *   bench_port [PACKETS]
 * Prints lines "SIZE MODE NS_PER_PACKET" (medians of 5 runs, the producing
 * thread's CPU time). */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "vn_port.h"
#include "vn_sched.h"
#include "vn_vif.h"

/* The producer's own CPU time: other jobs and the reader thread sharing the
 * machine's CPUs do not inflate it. */
static double now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static void no_release(void *ctx, struct vn_pkt *p) { (void)ctx; (void)p; }

struct drainer {
	struct vn_port_reader *r;
	volatile int stop;
};

static void *drain(void *arg)
{
	struct drainer *d = arg;
	static char buf[1 << 17];
	/* like a reader through nnfs: a big read, then a pause when little came
	 * (a spinning reader would bounce the ring's index line every packet) */
	while (!__atomic_load_n(&d->stop, __ATOMIC_ACQUIRE))
		if (vn_port_read(d->r, buf, sizeof buf) < sizeof buf / 2)
			usleep(50);
	return NULL;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

/* ns per packet for n packets of len bytes through VIF a (egress). */
static double run(struct vn_tree *t, struct vn_vif *a, uint32_t len, long n)
{
	static uint8_t data[2048];
	struct vn_pkt p;
	memset(&p, 0, sizeof p);
	memset(data, 0x45, sizeof data);
	p.data = data;
	p.cap = sizeof data;
	p.len = p.wire_len = len;
	p.pid = 1234;
	double t0 = now_ns();
	for (long i = 0; i < n; i++) {
		p.vif = a;
		p.dir = VN_EGRESS;
		vn_sched_enqueue(t, &p, 1);
		vn_sched_dequeue(t, VN_EGRESS, 1);
	}
	return (now_ns() - t0) / (double)n;
}

static size_t comment(void *ctx, const struct vn_pkt *p, char *buf, size_t n)
{
	(void)ctx;
	return (size_t)snprintf(buf, n, "pid=%d comm=iperf3", (int)p->pid);
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 1000000;
	struct vn_tree *t = vn_tree_new("bench");
	vn_tree_set_release(t, no_release, NULL);
	struct vn_vif *a;
	vn_vif_create(vn_tree_root(t), "a", 0, 0, 0755, &a);
	const uint32_t sizes[] = {64, 1500};
	for (int s = 0; s < 2; s++) {
		double none[5], live[5], stopped[5];
		for (int k = 0; k < 5; k++) {
			none[k] = run(t, a, sizes[s], n);
			struct drainer d = {vn_port_reader_new(VN_PORT_RING_DEFAULT, 12, "bench:a"), 0};
			vn_port_attach(a, d.r, comment, NULL);
			pthread_t th;
			pthread_create(&th, NULL, drain, &d);
			live[k] = run(t, a, sizes[s], n);
			__atomic_store_n(&d.stop, 1, __ATOMIC_RELEASE);
			pthread_join(th, NULL);
			run(t, a, sizes[s], 100000);          /* fill the ring: a stopped reader */
			stopped[k] = run(t, a, sizes[s], n);
			vn_port_detach(a, d.r);
			vn_port_reader_free(d.r);
		}
		qsort(none, 5, sizeof(double), cmp);
		qsort(live, 5, sizeof(double), cmp);
		qsort(stopped, 5, sizeof(double), cmp);
		printf("%u none %.1f\n%u reader %.1f\n%u stopped %.1f\n", sizes[s], none[2], sizes[s], live[2],
		       sizes[s], stopped[2]);
	}
	vn_tree_free(t);
	return 0;
}
