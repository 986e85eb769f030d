/* Text forms of parameters: every accepted bandwidth spelling and the
 * rejected ones, names, integers. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "vn_param.h"

static void bandwidth_accepts_si_forms(void **state)
{
	(void)state;
	struct { const char *in; uint64_t want; } ok[] = {
		{ "unlimited", VN_BW_UNLIMITED }, { "0", 0 }, { "512K", 512000 },
		{ "4Mbps", 4000000 }, { "1.5M", 1500000 }, { "1000000", 1000000 },
		{ "8192Kbit", 8192000 }, { "10Gbit/s", 10000000000ull }, { "1000Mbps\n", 1000000000 },
		{ "  2k \n", 2000 }, { "1.25G", 1250000000 }, { "4096Kbps", 4096000 }, { "3bit", 3 },
		{ "1T", 1000000000000ull }, { "0.5K", 500 },
	};
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		uint64_t v = 1;
		assert_int_equal(vn_bw_parse(ok[i].in, &v), 0);
		assert_true(v == ok[i].want);
	}
}

static void bandwidth_rejects_garbage(void **state)
{
	(void)state;
	const char *bad[] = { "", "\n", "-1", "+5", "1e6", "0x10", "4 M", "4MB", "4Mbytes", "1.",
			      "1.2.3", "0.0001", "1.0005K", "99999999999999999999", "2000T", "unlimitedx",
			      "M", "4M 5M", "4\n5", NULL };
	for (int i = 0; bad[i]; i++) {
		uint64_t v = 42;
		assert_int_equal(vn_bw_parse(bad[i], &v), -EINVAL);
		assert_true(v == 42);
	}
}

static void bandwidth_formats_as_integer_or_unlimited(void **state)
{
	(void)state;
	char buf[32];
	vn_bw_format(VN_BW_UNLIMITED, buf, sizeof(buf));
	assert_string_equal(buf, "unlimited");
	vn_bw_format(4096000, buf, sizeof(buf));
	assert_string_equal(buf, "4096000");
}

static void names_follow_the_spec(void **state)
{
	(void)state;
	assert_true(vn_name_valid("vif1"));
	assert_true(vn_name_valid("a.b-c_D9"));
	assert_false(vn_name_valid(""));
	assert_false(vn_name_valid("."));
	assert_false(vn_name_valid(".."));
	assert_false(vn_name_valid("a/b"));
	assert_false(vn_name_valid("a b"));
	assert_false(vn_name_valid("bandwidth"));
	assert_false(vn_name_valid("stat"));
	char longname[80];
	memset(longname, 'x', 64);
	longname[64] = '\0';
	assert_false(vn_name_valid(longname));
	longname[63] = '\0';
	assert_true(vn_name_valid(longname));
}

static void integers_and_types(void **state)
{
	(void)state;
	uint64_t v;
	enum vn_type t;
	assert_int_equal(vn_uint_parse("65535\n", 1, 65535, &v), 0);
	assert_int_equal(vn_uint_parse("65536", 1, 65535, &v), -EINVAL);
	assert_int_equal(vn_uint_parse("18446744073709551616", 0, UINT64_MAX, &v), -EINVAL);
	assert_int_equal(vn_type_parse("pq\n", &t), 0);
	assert_int_equal(t, VN_TYPE_PQ);
	assert_int_equal(vn_type_parse("viflet", &t), -EINVAL);
	assert_string_equal(vn_type_name(VN_TYPE_BLOCK), "block");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(bandwidth_accepts_si_forms),
		cmocka_unit_test(bandwidth_rejects_garbage),
		cmocka_unit_test(bandwidth_formats_as_integer_or_unlimited),
		cmocka_unit_test(names_follow_the_spec),
		cmocka_unit_test(integers_and_types),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
