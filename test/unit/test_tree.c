/* The VIF tree: creation rules, lookup, paths, removal, hooks, ids, and
 * lookups that stay O(1) with many siblings. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "vn_sched.h"
#include "vn_timer.h"
#include "vn_vif.h"

static void create_lookup_and_paths(void **state)
{
	(void)state;
	struct vn_tree *t = vn_tree_new("tun0");
	struct vn_vif *root = vn_tree_root(t), *a, *b, *x;
	char buf[64];
	assert_int_equal(vn_vif_create(root, "a", 1000, 100, 0750, &a), 0);
	assert_int_equal(vn_vif_create(a, "b", 1000, 100, 0755, &b), 0);
	assert_int_equal(vn_vif_create(a, "b", 1000, 100, 0755, &x), -EEXIST);
	assert_int_equal(vn_vif_create(a, "qlimit", 0, 0, 0755, &x), -EINVAL);
	assert_int_equal(vn_vif_create(a, "a/b", 0, 0, 0755, &x), -EINVAL);
	assert_ptr_equal(vn_tree_lookup(t, "a/b"), b);
	assert_ptr_equal(vn_tree_lookup(t, "./a/b/"), b);
	assert_ptr_equal(vn_tree_lookup(t, "."), root);
	assert_null(vn_tree_lookup(t, "a/c"));
	vn_vif_path_str(b, buf, sizeof(buf));
	assert_string_equal(buf, "a/b");
	vn_vif_path_str(root, buf, sizeof(buf));
	assert_string_equal(buf, ".");
	assert_int_equal(vn_vif_depth(b), 2);
	assert_ptr_equal(vn_vif_path(b)[2], root);
	assert_true(vn_vif_is_ancestor(a, b));
	assert_true(vn_vif_is_ancestor(b, b));
	assert_false(vn_vif_is_ancestor(b, a));
	assert_int_equal(vn_vif_uid(a), 1000);
	assert_int_equal(vn_vif_mode(a), 0750);
	assert_ptr_equal(vn_tree_find_id(t, vn_vif_id(b)), b);
	assert_int_equal(vn_vif_id(root), 1);
	assert_int_equal(vn_tree_count(t), 3);
	assert_string_equal(vn_tree_ifname(t), "tun0");
	vn_tree_free(t);
}

static int hook_calls;
static struct vn_vif *hook_gone, *hook_heir;
static void on_remove(void *ctx, struct vn_vif *gone, struct vn_vif *heir)
{
	(void)ctx;
	hook_calls++;
	hook_gone = gone;
	hook_heir = heir;
}

static void only_leaves_are_removed_and_hook_sees_heir(void **state)
{
	(void)state;
	struct vn_tree *t = vn_tree_new("tun0");
	struct vn_vif *a, *b;
	vn_tree_set_remove_hook(t, on_remove, NULL);
	vn_vif_create(vn_tree_root(t), "a", 0, 0, 0755, &a);
	vn_vif_create(a, "b", 0, 0, 0755, &b);
	assert_int_equal(vn_vif_remove(vn_tree_root(t)), -EBUSY);
	assert_int_equal(vn_vif_remove(a), -ENOTEMPTY);
	uint64_t bid = vn_vif_id(b);
	assert_int_equal(vn_vif_remove(b), 0);
	assert_int_equal(hook_calls, 1);
	assert_ptr_equal(hook_gone, b);
	assert_ptr_equal(hook_heir, a);
	assert_null(vn_tree_find_id(t, bid));
	assert_null(vn_vif_first_child(a));
	assert_int_equal(vn_vif_remove(a), 0);
	assert_int_equal(vn_tree_count(t), 1);
	vn_tree_free(t);
}

static void ten_thousand_siblings(void **state)
{
	(void)state;
	struct vn_tree *t = vn_tree_new("tun0");
	char name[32];
	for (int i = 0; i < 10000; i++) {
		snprintf(name, sizeof(name), "v%d", i);
		assert_int_equal(vn_vif_create(vn_tree_root(t), name, 0, 0, 0755, NULL), 0);
	}
	assert_int_equal(vn_vif_nchildren(vn_tree_root(t)), 10000);
	assert_non_null(vn_tree_lookup(t, "v9999"));
	int n = 0;
	for (struct vn_vif *c = vn_vif_first_child(vn_tree_root(t)); c; c = vn_vif_next_sibling(c))
		n++;
	assert_int_equal(n, 10000);
	for (int i = 0; i < 10000; i += 2) {
		snprintf(name, sizeof(name), "v%d", i);
		assert_int_equal(vn_vif_remove(vn_tree_lookup(t, name)), 0);
	}
	assert_null(vn_tree_lookup(t, "v0"));
	assert_non_null(vn_tree_lookup(t, "v1"));
	vn_tree_free(t);
}

static void depth_is_limited(void **state)
{
	(void)state;
	struct vn_tree *t = vn_tree_new("tun0");
	struct vn_vif *v = vn_tree_root(t);
	int rc = 0, depth = 0;
	while ((rc = vn_vif_create(v, "d", 0, 0, 0755, &v)) == 0)
		depth++;
	assert_int_equal(rc, -EMLINK);
	assert_int_equal(depth, VN_DEPTH_MAX - 1);
	vn_tree_free(t);
}

static int fired[8], nfired;
static void on_timer(struct vn_timer *tm, vn_time_t now)
{
	(void)now;
	fired[nfired++] = (int)(tm->when / 10);
}

static void timers_fire_in_order_and_cancel(void **state)
{
	(void)state;
	struct vn_timerq *q = vn_timerq_new();
	struct vn_timer tm[5];
	vn_time_t when[5] = { 50, 10, 40, 20, 30 };
	for (int i = 0; i < 5; i++) {
		vn_timer_init(&tm[i], on_timer);
		vn_timerq_arm(q, &tm[i], when[i]);
	}
	vn_timerq_cancel(q, &tm[2]);
	assert_false(vn_timer_armed(&tm[2]));
	vn_timerq_arm(q, &tm[0], 5);   /* re-arm earlier */
	assert_true(vn_timerq_next(q) == 5);
	assert_int_equal(vn_timerq_run(q, 25), 3);
	assert_int_equal(fired[0], 0);
	assert_int_equal(fired[1], 1);
	assert_int_equal(fired[2], 2);
	assert_int_equal(vn_timerq_size(q), 1);
	vn_timerq_free(q);
}

static void conf_and_log(void **state)
{
	(void)state;
	struct vn_tree *t = vn_tree_new("tun0");
	struct vn_vif *v = vn_tree_root(t);
	char buf[VN_LOG_MAX + 16];
	const char good[] = "# shaper\nrate=5000000\n  burst = 3000 \n\nrate=6000000\n";
	assert_int_equal(vn_vif_conf_set(v, good, strlen(good)), 0);
	assert_string_equal(vn_vif_conf_get(v, "rate"), "6000000");
	assert_string_equal(vn_vif_conf_get(v, "burst"), "3000");
	assert_null(vn_vif_conf_get(v, "limit"));
	vn_vif_conf_text(v, buf, sizeof(buf));
	assert_string_equal(buf, good);
	const char *bad[] = { "rate", "=5", "ra te=5\n", "rate=5\001\n", NULL };
	for (int i = 0; bad[i]; i++)
		assert_int_equal(vn_vif_conf_set(v, bad[i], strlen(bad[i])), -EINVAL);
	char big[VN_CONF_MAX + 2];
	memset(big, '#', sizeof(big));
	assert_int_equal(vn_vif_conf_set(v, big, sizeof(big)), -EFBIG);
	assert_string_equal(vn_vif_conf_get(v, "rate"), "6000000");   /* unchanged */
	assert_int_equal(vn_vif_conf_set(v, "", 0), 0);
	assert_null(vn_vif_conf_get(v, "rate"));
	assert_int_equal(vn_vif_log_text(v, buf, sizeof(buf)), 0);
	for (int i = 0; i < 1000; i++) {
		char line[32];
		int n = snprintf(line, sizeof(line), "line %d\n", i);
		vn_vif_log(v, line, (size_t)n);
	}
	int len = vn_vif_log_text(v, buf, sizeof(buf));
	assert_true(len <= VN_LOG_MAX && len > VN_LOG_MAX - 16);
	assert_true(strncmp(buf, "line ", 5) == 0);          /* whole lines kept */
	assert_non_null(strstr(buf, "line 999\n"));
	vn_tree_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(create_lookup_and_paths),
		cmocka_unit_test(only_leaves_are_removed_and_hook_sees_heir),
		cmocka_unit_test(ten_thousand_siblings),
		cmocka_unit_test(depth_is_limited),
		cmocka_unit_test(timers_fire_in_order_and_cancel),
		cmocka_unit_test(conf_and_log),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
