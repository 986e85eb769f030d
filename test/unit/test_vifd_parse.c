/* vifd's packet parser: 5-tuples of IPv4/IPv6 TCP, UDP, ICMP echo, oriented
 * from the host; fragments, unknown protocols and truncated headers refused. */
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>

#include <cmocka.h>

#include "parse.h"

/* IPv4 header + 8 bytes of L4: 10.0.0.1:1234 -> 10.0.0.2:80. */
static size_t ip4(uint8_t *b, uint8_t proto, uint16_t frag)
{
	memset(b, 0, 28);
	b[0] = 0x45;
	b[2] = 0;
	b[3] = 28;
	b[6] = (uint8_t)(frag >> 8);
	b[7] = (uint8_t)frag;
	b[8] = 64;
	b[9] = proto;
	uint8_t s[4] = {10, 0, 0, 1}, d[4] = {10, 0, 0, 2};
	memcpy(b + 12, s, 4);
	memcpy(b + 16, d, 4);
	b[20] = 0x04; b[21] = 0xd2;   /* 1234 */
	b[22] = 0x00; b[23] = 0x50;   /* 80 */
	return 28;
}

static size_t ip6(uint8_t *b, uint8_t nh, const uint8_t *ext, size_t extlen, uint8_t l4proto)
{
	memset(b, 0, 40 + extlen + 8);
	b[0] = 0x60;
	uint16_t plen = (uint16_t)(extlen + 8);
	b[4] = (uint8_t)(plen >> 8);
	b[5] = (uint8_t)plen;
	b[6] = nh;
	b[7] = 64;
	b[8] = 0x20; b[9] = 0x01; b[23] = 1;    /* 2001::1 */
	b[24] = 0x20; b[25] = 0x01; b[39] = 2;  /* 2001::2 */
	if (extlen)
		memcpy(b + 40, ext, extlen);
	uint8_t *l4 = b + 40 + extlen;
	(void)l4proto;
	l4[0] = 0x13; l4[1] = 0x88;   /* 5000 */
	l4[2] = 0x00; l4[3] = 0x35;   /* 53 */
	return 40 + extlen + 8;
}

static void ipv4_tcp_egress_is_local_source(void **state)
{
	(void)state;
	uint8_t b[64];
	size_t n = ip4(b, IPPROTO_TCP, 0);
	struct vn_flow f;
	assert_int_equal(vd_parse_flow(b, (uint32_t)n, VN_EGRESS, &f), 0);
	assert_int_equal(f.family, AF_INET);
	assert_int_equal(f.proto, IPPROTO_TCP);
	assert_int_equal(f.lport, 1234);
	assert_int_equal(f.rport, 80);
	assert_int_equal(f.laddr[3], 1);
	assert_int_equal(f.raddr[3], 2);
	for (int i = 4; i < 16; i++)
		assert_int_equal(f.laddr[i] | f.raddr[i], 0);
}

static void ipv4_udp_ingress_is_local_destination(void **state)
{
	(void)state;
	uint8_t b[64];
	size_t n = ip4(b, IPPROTO_UDP, 0);
	struct vn_flow f;
	assert_int_equal(vd_parse_flow(b, (uint32_t)n, VN_INGRESS, &f), 0);
	assert_int_equal(f.proto, IPPROTO_UDP);
	assert_int_equal(f.lport, 80);
	assert_int_equal(f.rport, 1234);
	assert_int_equal(f.laddr[3], 2);
}

static void icmp_echo_uses_identifier(void **state)
{
	(void)state;
	uint8_t b[64];
	size_t n = ip4(b, IPPROTO_ICMP, 0);
	b[20] = 8;        /* echo request */
	b[21] = 0;
	b[24] = 0x12; b[25] = 0x34;
	struct vn_flow f;
	assert_int_equal(vd_parse_flow(b, (uint32_t)n, VN_EGRESS, &f), 0);
	assert_int_equal(f.proto, IPPROTO_ICMP);
	assert_int_equal(f.lport, 0x1234);
	assert_int_equal(f.rport, 0);
	b[20] = 3;        /* unreachable: no identifier */
	assert_int_equal(vd_parse_flow(b, (uint32_t)n, VN_EGRESS, &f), 0);
	assert_int_equal(f.lport, 0);
}

static void ipv4_fragments_and_unknown_protocols_refused(void **state)
{
	(void)state;
	uint8_t b[64];
	struct vn_flow f;
	size_t n = ip4(b, IPPROTO_TCP, 0x2000);           /* MF */
	assert_int_equal(vd_parse_flow(b, (uint32_t)n, VN_EGRESS, &f), -1);
	n = ip4(b, IPPROTO_UDP, 0x0010);                  /* offset 128 */
	assert_int_equal(vd_parse_flow(b, (uint32_t)n, VN_EGRESS, &f), -1);
	n = ip4(b, IPPROTO_TCP, 0x4000);                  /* DF only: fine */
	assert_int_equal(vd_parse_flow(b, (uint32_t)n, VN_EGRESS, &f), 0);
	n = ip4(b, 47, 0);                                /* GRE */
	assert_int_equal(vd_parse_flow(b, (uint32_t)n, VN_EGRESS, &f), -1);
}

static void truncated_and_bad_headers_refused(void **state)
{
	(void)state;
	uint8_t b[64];
	struct vn_flow f;
	size_t n = ip4(b, IPPROTO_TCP, 0);
	for (size_t k = 0; k < 24; k++)
		assert_int_equal(vd_parse_flow(b, (uint32_t)k, VN_EGRESS, &f), -1);
	b[0] = 0x44;                                      /* IHL 16 bytes */
	assert_int_equal(vd_parse_flow(b, (uint32_t)n, VN_EGRESS, &f), -1);
	b[0] = 0x4f;                                      /* IHL 60 > len */
	assert_int_equal(vd_parse_flow(b, (uint32_t)n, VN_EGRESS, &f), -1);
	b[0] = 0x55;                                      /* version 5 */
	assert_int_equal(vd_parse_flow(b, (uint32_t)n, VN_EGRESS, &f), -1);
	assert_int_equal(vd_parse_flow(NULL, 0, VN_EGRESS, &f), -1);
	/* total length shorter than the header: refused */
	ip4(b, IPPROTO_TCP, 0);
	b[3] = 10;
	assert_int_equal(vd_parse_flow(b, (uint32_t)n, VN_EGRESS, &f), -1);
	/* total length cutting the ports off: refused */
	b[3] = 22;
	assert_int_equal(vd_parse_flow(b, (uint32_t)n, VN_EGRESS, &f), -1);
}

static void ipv6_udp_through_extension_headers(void **state)
{
	(void)state;
	uint8_t b[128];
	struct vn_flow f;
	size_t n = ip6(b, IPPROTO_UDP, NULL, 0, IPPROTO_UDP);
	assert_int_equal(vd_parse_flow(b, (uint32_t)n, VN_EGRESS, &f), 0);
	assert_int_equal(f.family, AF_INET6);
	assert_int_equal(f.lport, 5000);
	assert_int_equal(f.rport, 53);
	assert_int_equal(f.laddr[15], 1);
	assert_int_equal(f.raddr[15], 2);
	/* hop-by-hop (8 bytes) then destination options (16 bytes) then TCP */
	uint8_t ext[24] = {60, 0, 0, 0, 0, 0, 0, 0, IPPROTO_TCP, 1};
	n = ip6(b, 0, ext, sizeof ext, IPPROTO_TCP);
	assert_int_equal(vd_parse_flow(b, (uint32_t)n, VN_INGRESS, &f), 0);
	assert_int_equal(f.proto, IPPROTO_TCP);
	assert_int_equal(f.lport, 53);
	assert_int_equal(f.laddr[15], 2);
	/* an extension header running past the packet */
	ext[9] = 200;
	n = ip6(b, 0, ext, sizeof ext, IPPROTO_TCP);
	assert_int_equal(vd_parse_flow(b, (uint32_t)n, VN_INGRESS, &f), -1);
}

static void ipv6_fragment_and_unknown_refused(void **state)
{
	(void)state;
	uint8_t b[128];
	struct vn_flow f;
	uint8_t frag[8] = {IPPROTO_UDP, 0, 0, 0, 0, 0, 0, 1};
	size_t n = ip6(b, 44, frag, sizeof frag, IPPROTO_UDP);
	assert_int_equal(vd_parse_flow(b, (uint32_t)n, VN_EGRESS, &f), -1);
	n = ip6(b, 132, NULL, 0, 132);                    /* SCTP */
	assert_int_equal(vd_parse_flow(b, (uint32_t)n, VN_EGRESS, &f), -1);
	n = ip6(b, IPPROTO_UDP, NULL, 0, IPPROTO_UDP);
	assert_int_equal(vd_parse_flow(b, 43, VN_EGRESS, &f), -1);
}

static void icmpv6_echo(void **state)
{
	(void)state;
	uint8_t b[128];
	struct vn_flow f;
	size_t n = ip6(b, IPPROTO_ICMPV6, NULL, 0, IPPROTO_ICMPV6);
	b[40] = 129;                                      /* echo reply */
	b[44] = 0; b[45] = 7;
	assert_int_equal(vd_parse_flow(b, (uint32_t)n, VN_INGRESS, &f), 0);
	assert_int_equal(f.proto, IPPROTO_ICMPV6);
	assert_int_equal(f.lport, 7);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(ipv4_tcp_egress_is_local_source),
		cmocka_unit_test(ipv4_udp_ingress_is_local_destination),
		cmocka_unit_test(icmp_echo_uses_identifier),
		cmocka_unit_test(ipv4_fragments_and_unknown_protocols_refused),
		cmocka_unit_test(truncated_and_bad_headers_refused),
		cmocka_unit_test(ipv6_udp_through_extension_headers),
		cmocka_unit_test(ipv6_fragment_and_unknown_refused),
		cmocka_unit_test(icmpv6_echo),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
