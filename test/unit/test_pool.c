/* Packet pool and clocks: buffers are reused, the pool grows in chunks up to
 * its maximum and then says no; metadata is reset; virtual time only moves
 * forward. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "vn_clock.h"
#include "vn_pkt.h"

static void pool_recycles_and_respects_max(void **state)
{
	(void)state;
	struct vn_pool *pool = vn_pool_new(2048, 4, 100);
	struct vn_pkt *got[100];
	assert_int_equal(vn_pool_total(pool), 4);
	for (int i = 0; i < 100; i++) {
		got[i] = vn_pool_get(pool);
		assert_non_null(got[i]);
		assert_int_equal(got[i]->cap, 2048);
		assert_int_equal(got[i]->l3_off, VN_L3_NONE);
		assert_int_equal(got[i]->sock, -1);
		got[i]->len = 99;
		got[i]->pid = 7;
	}
	assert_null(vn_pool_get(pool));
	assert_int_equal(vn_pool_in_use(pool), 100);
	assert_int_equal(vn_pool_total(pool), 100);
	for (int i = 0; i < 100; i++)
		vn_pool_put(pool, got[i]);
	struct vn_pkt *p = vn_pool_get(pool);
	assert_int_equal(p->len, 0);
	assert_int_equal(p->pid, 0);
	assert_ptr_equal(p, got[99]);     /* LIFO: the warmest buffer first */
	vn_pool_put(pool, p);
	assert_int_equal(vn_pool_in_use(pool), 0);
	vn_pool_free(pool);
	assert_null(vn_pool_new(0, 1, 1));
	assert_null(vn_pool_new(64, 5, 4));
}

static void queues_splice_in_order(void **state)
{
	(void)state;
	struct vn_pkt p[4] = { 0 };
	struct vn_pktq a, b;
	vn_pktq_init(&a);
	vn_pktq_init(&b);
	for (int i = 0; i < 4; i++) {
		p[i].wire_len = 100 * (i + 1);
		vn_pktq_push(i < 2 ? &a : &b, &p[i]);
	}
	vn_pktq_splice(&a, &b);
	assert_true(vn_pktq_empty(&b));
	assert_int_equal(a.n, 4);
	assert_int_equal(a.bytes, 1000);
	for (int i = 0; i < 4; i++)
		assert_ptr_equal(vn_pktq_pop(&a), &p[i]);
	assert_null(vn_pktq_pop(&a));
}

static void clocks(void **state)
{
	(void)state;
	struct vn_clock *v = vn_clock_virtual_new(100);
	assert_true(vn_clock_is_virtual(v));
	assert_true(vn_clock_now(v) == 100);
	assert_int_equal(vn_clock_advance(v, 50), -EINVAL);
	assert_int_equal(vn_clock_advance(v, 500), 0);
	assert_true(vn_clock_now(v) == 500);
	vn_clock_free(v);
	struct vn_clock *r = vn_clock_real();
	assert_false(vn_clock_is_virtual(r));
	vn_time_t a = vn_clock_now(r), b = vn_clock_now(r);
	assert_true(b >= a && a > 0);
	assert_int_equal(vn_clock_advance(r, b + 1), -EINVAL);
	vn_clock_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(pool_recycles_and_respects_max),
		cmocka_unit_test(queues_splice_in_order),
		cmocka_unit_test(clocks),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
