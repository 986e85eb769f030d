/* cpu_spin — how fast this CPU runs now, for bench_vifd.sh.
 *   cpu_spin          prints the µs a fixed loop of dependent additions took
 * Run pinned (taskset -c N). On a shared VM the host can take much of a vCPU's
 * time away for seconds at a time while the guest sees itself idle (no steal
 * is reported here); every latency measured on that vCPU then grows, the
 * baseline's too. The loop's time against the fastest seen tells when. */
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#define ROUNDS 20000000u            /* ~8 ms at full speed on the bench machine */

static double now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

int main(void)
{
	volatile uint64_t sink = 0;
	uint64_t acc = 1;
	double t0 = now_us();
	for (uint32_t i = 0; i < ROUNDS; i++)
		acc = acc * 3 + i;          /* a dependency chain: one CPU's speed, not memory's */
	sink = acc;
	(void)sink;
	printf("%.0f\n", now_us() - t0);
	return 0;
}
