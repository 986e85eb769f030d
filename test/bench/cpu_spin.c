/* cpu_spin — how fast this CPU runs now, for the benchmarks' notes.
 *   cpu_spin          prints the µs a fixed loop of dependent additions took
 *   cpu_spin mem      prints the ns a load takes, chasing pointers at random
 *                     through 16 MB (beyond the caches of one core)
 * Run pinned (taskset -c N). On a shared VM the host can take much of a vCPU's
 * time away for seconds at a time while the guest sees itself idle (no steal
 * is reported here); every latency measured on that vCPU then grows, the
 * baseline's too. The loop's time against the fastest seen tells when. The
 * host can also slow memory alone (work that misses the caches 30% slower
 * while the loop's time stays): `mem` tells that. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define ROUNDS 20000000u            /* ~8 ms at full speed on the bench machine */
#define MEM_SLOTS (2u << 20)        /* 16 MB of 8-byte slots */
#define MEM_LOADS 2000000u

static double now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static int spin(void)
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

/* One cycle through all slots in a random order (Sattolo's shuffle), so
 * that each load depends on the last and no prefetcher can guess it. */
static int mem(void)
{
	uint64_t *next = malloc(MEM_SLOTS * sizeof(*next));
	if (!next) {
		fprintf(stderr, "cpu_spin: out of memory\n");
		return 1;
	}
	for (uint32_t i = 0; i < MEM_SLOTS; i++)
		next[i] = i;
	uint64_t r = 88172645463325252ull;
	for (uint32_t i = MEM_SLOTS - 1; i > 0; i--) {
		r ^= r << 13, r ^= r >> 7, r ^= r << 17;
		uint32_t k = (uint32_t)(r % i);
		uint64_t t = next[i];
		next[i] = next[k];
		next[k] = t;
	}
	volatile uint64_t sink = 0;
	uint64_t at = 0;
	double t0 = now_us();
	for (uint32_t i = 0; i < MEM_LOADS; i++)
		at = next[at];
	double t = now_us() - t0;
	sink = at;
	(void)sink;
	free(next);
	printf("%.1f\n", t * 1000 / MEM_LOADS);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 1)
		return spin();
	if (argc == 2 && !strcmp(argv[1], "mem"))
		return mem();
	fprintf(stderr, "usage: cpu_spin [mem]\n");
	return 2;
}
