/* The shim's request ring (src/vifd/ctlring.h): entries come out whole and
 * in reservation order, a full ring refuses, the consumer clamps a length a
 * producer corrupted, and several producer threads lose nothing. */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ctlring.h"

static struct vd_ring *ring_new(void)
{
	struct vd_ring *r = calloc(1, sizeof *r);
	assert_non_null(r);
	return r;
}

static void test_order_and_wrap(void **state)
{
	(void)state;
	struct vd_ring *r = ring_new();
	uint32_t tail = 0;
	char buf[VD_RING_TEXT + 1];
	size_t len;
	assert_false(vd_ring_take(r, &tail, buf, &len));
	/* three laps, a few entries at a time */
	unsigned next_put = 0, next_take = 0;
	while (next_take < 3 * VD_RING_SLOTS) {
		for (int k = 0; k < 7; k++) {
			char m[32];
			int n = snprintf(m, sizeof m, "close %u", next_put);
			if (vd_ring_put(r, m, (size_t)n) < 0)
				break;
			next_put++;
		}
		while (vd_ring_take(r, &tail, buf, &len)) {
			char want[32];
			int n = snprintf(want, sizeof want, "close %u", next_take);
			assert_int_equal(len, (size_t)n);
			assert_memory_equal(buf, want, len);
			next_take++;
		}
	}
	assert_int_equal(atomic_load(&r->tail), tail);
	free(r);
}

static void test_full_and_limits(void **state)
{
	(void)state;
	struct vd_ring *r = ring_new();
	for (unsigned i = 0; i < VD_RING_SLOTS; i++)
		assert_int_equal(vd_ring_put(r, "sync", 4), (int)i + 1);   /* the fill */
	assert_false(vd_ring_room(r));
	assert_int_equal(vd_ring_put(r, "sync", 4), -1);
	char big[VD_RING_TEXT + 1];
	memset(big, 'a', sizeof big);
	assert_int_equal(vd_ring_put(r, big, sizeof big), -2);
	assert_int_equal(vd_ring_put(r, big, 0), -2);
	uint32_t tail = 0;
	char buf[VD_RING_TEXT];
	size_t len;
	assert_true(vd_ring_take(r, &tail, buf, &len));
	assert_true(vd_ring_room(r));
	assert_int_equal(vd_ring_put(r, big, VD_RING_TEXT), (int)VD_RING_SLOTS);
	free(r);
}

/* The producer is not trusted: a length past the slot is clamped. */
static void test_corrupt_length(void **state)
{
	(void)state;
	struct vd_ring *r = ring_new();
	assert_int_equal(vd_ring_put(r, "close 3", 7), 1);
	r->slot[0].len = 65535;
	uint32_t tail = 0;
	char buf[VD_RING_TEXT];
	size_t len;
	assert_true(vd_ring_take(r, &tail, buf, &len));
	assert_int_equal(len, VD_RING_TEXT);
	/* a slot whose seq is not the expected one is not taken */
	atomic_store(&r->slot[1].seq, 77);
	assert_false(vd_ring_take(r, &tail, buf, &len));
	free(r);
}

enum { PRODUCERS = 4, PER = 20000 };

struct prod {
	struct vd_ring *r;
	int id;
};

static void *producer(void *arg)
{
	struct prod *p = arg;
	for (int i = 0; i < PER; i++) {
		char m[32];
		int n = snprintf(m, sizeof m, "dup %d %d", p->id, i);
		while (vd_ring_put(p->r, m, (size_t)n) < 0)
			;                        /* full: the consumer makes room */
	}
	return NULL;
}

static void test_threads(void **state)
{
	(void)state;
	struct vd_ring *r = ring_new();
	pthread_t t[PRODUCERS];
	struct prod p[PRODUCERS];
	for (int i = 0; i < PRODUCERS; i++) {
		p[i] = (struct prod){r, i};
		assert_int_equal(pthread_create(&t[i], NULL, producer, &p[i]), 0);
	}
	int next[PRODUCERS] = {0};
	uint32_t tail = 0;
	char buf[VD_RING_TEXT + 1];
	size_t len;
	for (int got = 0; got < PRODUCERS * PER;) {
		if (!vd_ring_take(r, &tail, buf, &len))
			continue;
		buf[len] = '\0';
		int id, i;
		assert_int_equal(sscanf(buf, "dup %d %d", &id, &i), 2);
		assert_true(id >= 0 && id < PRODUCERS);
		assert_int_equal(i, next[id]);          /* each thread's entries in its order */
		next[id]++;
		got++;
	}
	for (int i = 0; i < PRODUCERS; i++)
		pthread_join(t[i], NULL);
	assert_false(vd_ring_take(r, &tail, buf, &len));
	free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_order_and_wrap),
		cmocka_unit_test(test_full_and_limits),
		cmocka_unit_test(test_corrupt_length),
		cmocka_unit_test(test_threads),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
