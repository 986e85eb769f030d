/* The Sieve benchmark in C (seed VI.2.1.1: "sieve.c"), the same algorithm as
 * Sieve.java: prints "primes N ms T" for ROUNDS rounds over 8191 flags. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static int sieve(volatile bool *flags, int size)
{
	int count = 0;
	for (int i = 0; i <= size; i++)
		flags[i] = true;
	for (int i = 2; i <= size; i++) {
		if (flags[i]) {
			for (int k = i + i; k <= size; k += i)
				flags[k] = false;
			count++;
		}
	}
	return count;
}

int main(int argc, char **argv)
{
	int rounds = argc > 1 ? atoi(argv[1]) : 2000, c = 0;
	static volatile bool flags[8192];
	struct timespec a, b;
	clock_gettime(CLOCK_MONOTONIC, &a);
	for (int r = 0; r < rounds; r++)
		c = sieve(flags, 8191);
	clock_gettime(CLOCK_MONOTONIC, &b);
	printf("primes %d ms %lld\n", c, (long long)((b.tv_sec - a.tv_sec) * 1000 + (b.tv_nsec - a.tv_nsec) / 1000000));
	return 0;
}
