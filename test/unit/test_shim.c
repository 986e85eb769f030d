/* libvifshim's pure part: control messages vifd's parser accepts, address
 * normalization (IPv4-mapped IPv6 is IPv4 on the wire), the exec hand-over
 * value and its in-place patching. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>

#include "shim_msg.h"

static void test_register_sanitizes_comm(void **st)
{
	(void)st;
	char b[64];
	assert_int_equal(vs_fmt_register(b, sizeof b, 42, "my prog\tx"), strlen("register 42 my_prog_x"));
	assert_string_equal(b, "register 42 my_prog_x");
	vs_fmt_register(b, sizeof b, 1, "averyveryverylongcommandname");
	assert_string_equal(b, "register 1 averyveryverylo");
	vs_fmt_register(b, sizeof b, 7, NULL);
	assert_string_equal(b, "register 7");
}

static void test_flow_ipv4(void **st)
{
	(void)st;
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(40000)};
	inet_pton(AF_INET, "198.18.0.1", &a.sin_addr);
	struct vs_end l, r;
	assert_int_equal(vs_end_from_sa((struct sockaddr *)&a, sizeof a, &l), 0);
	vs_end_any(AF_INET, &r);
	char b[160];
	vs_fmt_flow(b, sizeof b, 5, IPPROTO_TCP, &l, &r);
	assert_string_equal(b, "sock 5 tcp 198.18.0.1 40000 0.0.0.0 0");
}

static void test_flow_ipv6_uncompressed_and_mapped(void **st)
{
	(void)st;
	struct sockaddr_in6 a = {.sin6_family = AF_INET6, .sin6_port = htons(5201)};
	inet_pton(AF_INET6, "fd00:198:18::2", &a.sin6_addr);
	struct vs_end l, r;
	assert_int_equal(vs_end_from_sa((struct sockaddr *)&a, sizeof a, &r), 0);
	assert_int_equal(r.family, AF_INET6);
	vs_end_any(AF_INET6, &l);
	l.port = 33000;
	char b[160];
	vs_fmt_flow(b, sizeof b, 12, IPPROTO_UDP, &l, &r);
	assert_string_equal(b, "sock 12 udp 0:0:0:0:0:0:0:0 33000 fd00:198:18:0:0:0:0:2 5201");
	/* What we print, inet_pton reads back. */
	struct in6_addr back;
	assert_int_equal(inet_pton(AF_INET6, "fd00:198:18:0:0:0:0:2", &back), 1);
	assert_memory_equal(&back, r.addr, 16);

	inet_pton(AF_INET6, "::ffff:198.18.0.2", &a.sin6_addr);
	assert_int_equal(vs_end_from_sa((struct sockaddr *)&a, sizeof a, &r), 0);
	assert_int_equal(r.family, AF_INET);
	assert_int_equal(r.addr[0], 198);
	assert_int_equal(r.addr[3], 2);
}

/* ICMP sockets: the echo identifier is the local port; raw sockets give it
 * in the echo requests they send. */
static void test_icmp_flows(void **st)
{
	(void)st;
	struct vs_end l, r;
	vs_end_any(AF_INET, &l);
	vs_end_any(AF_INET, &r);
	l.port = 0x27eb;
	char b[160];
	vs_fmt_flow(b, sizeof b, 3, IPPROTO_ICMP, &l, &r);
	assert_string_equal(b, "sock 3 icmp 0.0.0.0 10219 0.0.0.0 0");
	vs_end_any(AF_INET6, &l);
	vs_end_any(AF_INET6, &r);
	l.port = 7;
	vs_fmt_flow(b, sizeof b, 4, IPPROTO_ICMPV6, &l, &r);
	assert_string_equal(b, "sock 4 icmp6 0:0:0:0:0:0:0:0 7 0:0:0:0:0:0:0:0 0");
	const uint8_t req4[8] = {8, 0, 0x12, 0x34, 0x27, 0xeb, 0, 1};
	const uint8_t req6[8] = {128, 0, 0, 0, 0x00, 0x07, 0, 1};
	const uint8_t reply4[8] = {0, 0, 0, 0, 0x27, 0xeb, 0, 1};
	assert_int_equal(vs_echo_id(req4, 8, false), 0x27eb);
	assert_int_equal(vs_echo_id(req6, 8, true), 7);
	assert_int_equal(vs_echo_id(req4, 8, true), -1);       /* not ICMPv6 echo */
	assert_int_equal(vs_echo_id(req6, 8, false), -1);
	assert_int_equal(vs_echo_id(reply4, 8, false), -1);    /* a reply is not sent by ping */
	assert_int_equal(vs_echo_id(req4, 7, false), -1);
	assert_int_equal(vs_echo_id(NULL, 8, false), -1);
}

static void test_bad_inputs(void **st)
{
	(void)st;
	struct sockaddr_in a = {.sin_family = AF_INET};
	struct vs_end e, f;
	assert_int_equal(vs_end_from_sa((struct sockaddr *)&a, 4, &e), -1);   /* short */
	struct sockaddr su = {.sa_family = AF_UNIX};
	assert_int_equal(vs_end_from_sa(&su, sizeof su, &e), -1);
	assert_int_equal(vs_end_from_sa(NULL, 16, &e), -1);
	vs_end_any(AF_INET, &e);
	vs_end_any(AF_INET6, &f);
	char b[160];
	assert_int_equal(vs_fmt_flow(b, sizeof b, 3, IPPROTO_TCP, &e, &f), 0);     /* mixed families */
	assert_int_equal(vs_fmt_flow(b, 10, 3, IPPROTO_TCP, &e, &e), 0);           /* too small */
	assert_int_equal(vs_fmt_flow(b, sizeof b, 3, IPPROTO_ICMPV6, &e, &e), 0);  /* ICMPv6 over IPv4 */
	assert_int_equal(vs_fmt_flow(b, sizeof b, 3, IPPROTO_SCTP, &e, &e), 0);
	assert_string_equal(b, "");
}

static void test_dup_close_sock(void **st)
{
	(void)st;
	char b[32];
	vs_fmt_dup(b, sizeof b, 3, 1023);
	assert_string_equal(b, "dup 3 1023");
	vs_fmt_close(b, sizeof b, 0);
	assert_string_equal(b, "close 0");
	vs_fmt_sock(b, sizeof b, 2147483647);
	assert_string_equal(b, "sock 2147483647");
}

static void test_reply_ok(void **st)
{
	(void)st;
	assert_true(vs_reply_ok("ok", 2));
	assert_true(vs_reply_ok("ok 1234", 7));
	assert_true(vs_reply_ok("ok\nproc", 7));
	assert_false(vs_reply_ok("okay", 4));
	assert_false(vs_reply_ok("error EPERM x", 13));
	assert_false(vs_reply_ok("o", 1));
}

static void test_env_roundtrip_and_patch(void **st)
{
	(void)st;
	char v[VS_ENV_LEN + 1];
	vs_env_fmt(v, 1000, 4242);
	assert_string_equal(v, "0001000:0000004242");
	int fd;
	pid_t pid;
	assert_int_equal(vs_env_parse(v, &fd, &pid), 0);
	assert_int_equal(fd, 1000);
	assert_int_equal(pid, 4242);
	/* A fork child rewrites the pid in place: same length, still parses. */
	char nv[VS_ENV_LEN + 1];
	vs_env_fmt(nv, 1000, 99999);
	memcpy(v, nv, VS_ENV_LEN);
	assert_int_equal(vs_env_parse(v, &fd, &pid), 0);
	assert_int_equal(pid, 99999);
	assert_int_equal(vs_env_parse("off", &fd, &pid), -1);
	assert_int_equal(vs_env_parse("0001000:000000424x", &fd, &pid), -1);
	assert_int_equal(vs_env_parse("0001000-0000004242", &fd, &pid), -1);
	assert_int_equal(vs_env_parse("0001000:0000000000", &fd, &pid), -1);   /* pid 0 */
	assert_int_equal(vs_env_parse(NULL, &fd, &pid), -1);
}

static void test_utoa(void **st)
{
	(void)st;
	char b[24];
	assert_int_equal(vs_utoa(b, 0), 1);
	assert_memory_equal(b, "0", 1);
	assert_int_equal(vs_utoa(b, 65535), 5);
	assert_memory_equal(b, "65535", 5);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_register_sanitizes_comm),
		cmocka_unit_test(test_flow_ipv4),
		cmocka_unit_test(test_flow_ipv6_uncompressed_and_mapped),
		cmocka_unit_test(test_icmp_flows),
		cmocka_unit_test(test_bad_inputs),
		cmocka_unit_test(test_dup_close_sock),
		cmocka_unit_test(test_reply_ok),
		cmocka_unit_test(test_env_roundtrip_and_patch),
		cmocka_unit_test(test_utoa),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
