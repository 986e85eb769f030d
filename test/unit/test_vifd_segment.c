/* vifd's software segmentation (segment.c): super-packets built here as the
 * host hands them to a TUN device with offloads (a virtio-net header, one
 * set of headers, a partial checksum), cut and checked field by field with
 * a checksum computed independently of the one under test. */
#include <errno.h>
#include <linux/virtio_net.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "segment.h"

#define HR 10                       /* sizeof(struct virtio_net_hdr) */
#define BUF 65600
#ifndef VIRTIO_NET_HDR_GSO_UDP_L4
#define VIRTIO_NET_HDR_GSO_UDP_L4 5
#endif

enum { TCP4, TCP6, UDP4, UDP6 };

static const uint8_t A4[4] = {198, 18, 0, 1}, B4[4] = {198, 18, 0, 2};
static const uint8_t A6[16] = {0xfd, 0, 1, 0x98, 0, 0x18, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
static const uint8_t B6[16] = {0xfd, 0, 1, 0x98, 0, 0x18, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2};

static uint16_t g16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }
static uint32_t g32(const uint8_t *p) { return (uint32_t)g16(p) << 16 | g16(p + 2); }
static void p16(uint8_t *p, uint32_t v) { p[0] = (uint8_t)(v >> 8); p[1] = (uint8_t)v; }
static void p32(uint8_t *p, uint32_t v) { p16(p, v >> 16); p16(p + 2, v & 0xffff); }

/* The one's-complement sum, folded, not complemented: byte pairs one by one. */
static uint32_t sum16(const uint8_t *p, size_t n, uint32_t s)
{
	for (size_t i = 0; i + 1 < n; i += 2)
		s += g16(p + i);
	if (n & 1)
		s += (uint32_t)p[n - 1] << 8;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return s;
}

/* The pseudo-header sum of an L4 segment of l4len bytes. */
static uint32_t pseudo(const uint8_t *ip, bool v6, uint8_t proto, uint32_t l4len)
{
	uint32_t s = v6 ? sum16(ip + 8, 32, 0) : sum16(ip + 12, 8, 0);
	return sum16((const uint8_t[]){0, proto, (uint8_t)(l4len >> 8), (uint8_t)l4len}, 4, s);
}

static size_t hdrs_of(int kind) { return (kind == TCP4 || kind == UDP4 ? 20 : 40) + (kind <= TCP6 ? 32 : 8); }

/* A super-packet: kind, payload bytes, gso_size mss (0: no GSO, only a
 * partial checksum), TCP flags. Payload byte i is (i * 7 + 3). */
static struct vn_pkt *build(struct vn_pool *pool, int kind, uint32_t payload, uint16_t mss, uint8_t tflags)
{
	struct vn_pkt *p = vd_seg_pool_get(pool, HR);
	assert_non_null(p);
	bool v6 = kind == TCP6 || kind == UDP6, tcp = kind <= TCP6;
	uint32_t iphl = v6 ? 40 : 20, l4hl = tcp ? 32 : 8, len = iphl + l4hl + payload;
	uint8_t *f = p->data;
	memset(f, 0, iphl + l4hl);
	if (!v6) {
		f[0] = 0x45;
		p16(f + 2, len);
		p16(f + 4, 0xfffe);           /* identifiers wrap */
		f[6] = 0x40;                  /* DF */
		f[8] = 64;
		f[9] = tcp ? 6 : 17;
		memcpy(f + 12, A4, 4);
		memcpy(f + 16, B4, 4);
		p16(f + 10, (uint16_t)~sum16(f, 20, 0));
	} else {
		f[0] = 0x60;
		p16(f + 4, len - 40);
		f[6] = tcp ? 6 : 17;
		f[7] = 64;
		memcpy(f + 8, A6, 16);
		memcpy(f + 24, B6, 16);
	}
	uint8_t *l4 = f + iphl;
	p16(l4, 40000);
	p16(l4 + 2, 5201);
	if (tcp) {
		p32(l4 + 4, 0xfffff000);      /* sequence numbers wrap */
		p32(l4 + 8, 77);
		l4[12] = 8 << 4;              /* 32 bytes: NOP NOP timestamps */
		l4[13] = tflags;
		p16(l4 + 14, 512);
		l4[20] = 1;
		l4[21] = 1;
		l4[22] = 8;
		l4[23] = 10;
		p32(l4 + 24, 0x01020304);
		p32(l4 + 28, 0x05060708);
	} else {
		p16(l4 + 4, l4hl + payload);
	}
	for (uint32_t i = 0; i < payload; i++)
		f[iphl + l4hl + i] = (uint8_t)(i * 7 + 3);
	/* partial checksum as the host leaves it: the pseudo-header's sum */
	p16(l4 + (tcp ? 16 : 6), pseudo(f, v6, tcp ? 6 : 17, l4hl + payload));
	struct virtio_net_hdr h = {.flags = VIRTIO_NET_HDR_F_NEEDS_CSUM,
				   .hdr_len = (uint16_t)(iphl + l4hl),
				   .gso_size = mss,
				   .csum_start = (uint16_t)iphl,
				   .csum_offset = tcp ? 16 : 6};
	h.gso_type = mss == 0 ? VIRTIO_NET_HDR_GSO_NONE
		   : kind == TCP4 ? VIRTIO_NET_HDR_GSO_TCPV4
		   : kind == TCP6 ? VIRTIO_NET_HDR_GSO_TCPV6 : VIRTIO_NET_HDR_GSO_UDP_L4;
	memcpy(p->data - HR, &h, HR);
	p->len = p->wire_len = len;
	p->l3_off = 0;
	p->dir = VN_EGRESS;
	p->pid = 42;
	p->sock = 7;
	return p;
}

/* Cut a super-packet and check every segment. */
static void check_cut(int kind, uint32_t payload, uint16_t mss, uint8_t tflags)
{
	struct vn_pool *pool = vn_pool_new(BUF, 8, 256);
	struct vn_pkt *p = build(pool, kind, payload, mss, tflags);
	assert_true(vd_seg_needed(p->data - HR));
	struct vn_pktq q;
	vn_pktq_init(&q);
	int n = vd_seg_segment(p, HR, pool, &q);
	uint32_t want = mss ? (payload + mss - 1) / mss : 1;
	assert_int_equal(n, (int)want);
	assert_int_equal(q.n, want);
	assert_ptr_equal(q.head, p);
	bool v6 = kind == TCP6 || kind == UDP6, tcp = kind <= TCP6;
	uint32_t iphl = v6 ? 40 : 20, hl = (uint32_t)hdrs_of(kind), done = 0;
	for (uint32_t k = 0; k < want; k++) {
		struct vn_pkt *s = vn_pktq_pop(&q);
		const uint8_t *f = s->data, *l4 = f + iphl;
		uint32_t n_pl = mss && payload - done > mss ? mss : payload - done;
		assert_int_equal(s->len, hl + n_pl);
		assert_int_equal(s->wire_len, s->len);
		assert_int_equal(s->pid, 42);
		assert_int_equal(s->sock, 7);
		assert_int_equal(s->l3_off, 0);
		static const uint8_t zero[HR];
		assert_memory_equal(s->data - HR, zero, HR);   /* a plain packet now */
		assert_false(vd_seg_needed(s->data - HR));
		if (!v6) {
			assert_int_equal(g16(f + 2), s->len);
			assert_int_equal(g16(f + 4), (uint16_t)(0xfffe + k));
			assert_int_equal(sum16(f, 20, 0), 0xffff);         /* header checksum */
		} else {
			assert_int_equal(g16(f + 4), s->len - 40);
		}
		uint32_t l4len = s->len - iphl;
		assert_int_equal(sum16(l4, l4len, pseudo(f, v6, tcp ? 6 : 17, l4len)), 0xffff);
		if (tcp) {
			assert_int_equal(g32(l4 + 4), 0xfffff000u + done);
			uint8_t fl = l4[13];
			bool last = k + 1 == want;
			assert_int_equal(fl & 0x10, tflags & 0x10);             /* ACK: all */
			assert_int_equal(fl & 0x09, last ? tflags & 0x09 : 0);  /* FIN, PSH: last */
			assert_int_equal(fl & 0x80, k == 0 ? tflags & 0x80 : 0);/* CWR: first */
			assert_int_equal(g32(l4 + 24), 0x01020304);             /* options copied */
		} else {
			assert_int_equal(g16(l4 + 4), l4len);
			assert_int_not_equal(g16(l4 + 6), 0);
		}
		for (uint32_t i = 0; i < n_pl; i++)
			assert_int_equal(f[hl + i], (uint8_t)((done + i) * 7 + 3));
		done += n_pl;
		vn_pool_put(pool, s);
	}
	assert_int_equal(done, payload);
	assert_int_equal(vn_pool_in_use(pool), 0);
	vn_pool_free(pool);
}

static void tcp4_cut(void **st)
{
	(void)st;
	check_cut(TCP4, 64000, 1448, 0x10 | 0x08 | 0x01 | 0x80);   /* ACK PSH FIN CWR */
	check_cut(TCP4, 2896, 1448, 0x18);                          /* exactly two */
	check_cut(TCP4, 1449, 1448, 0x10);                          /* one byte over */
}

static void tcp6_cut(void **st)
{
	(void)st;
	check_cut(TCP6, 60000, 1428, 0x18);
}

static void udp_cut(void **st)
{
	(void)st;
	check_cut(UDP4, 14000, 1400, 0);
	check_cut(UDP4, 1401, 1400, 0);
	check_cut(UDP6, 9000, 1200, 0);
}

static void partial_checksum_finished(void **st)
{
	(void)st;
	check_cut(TCP4, 100, 0, 0x18);
	check_cut(TCP6, 1000, 0, 0x10);
	check_cut(UDP4, 1, 0, 0);
	check_cut(UDP6, 0, 0, 0);
}

static void refused(void **st)
{
	(void)st;
	struct vn_pool *pool = vn_pool_new(BUF, 8, 256);
	struct vn_pktq q;
	vn_pktq_init(&q);
	/* a plain packet needs nothing */
	struct vn_pkt *p = build(pool, TCP4, 100, 0, 0x10);
	memset(p->data - HR, 0, HR);
	assert_false(vd_seg_needed(p->data - HR));
	vn_pool_put(pool, p);
	/* UDP_L4 on a TCP packet, TCPV4 on UDP */
	p = build(pool, TCP4, 3000, 1000, 0x10);
	p->data[-HR + 1] = VIRTIO_NET_HDR_GSO_UDP_L4;
	assert_int_equal(vd_seg_segment(p, HR, pool, &q), -EINVAL);
	vn_pool_put(pool, p);
	p = build(pool, UDP4, 3000, 1000, 0);
	p->data[-HR + 1] = VIRTIO_NET_HDR_GSO_TCPV4;
	assert_int_equal(vd_seg_segment(p, HR, pool, &q), -EINVAL);
	vn_pool_put(pool, p);
	/* UFO, gso_size 0 with GSO, too many segments, no network header, truncated */
	p = build(pool, UDP4, 3000, 1000, 0);
	p->data[-HR + 1] = VIRTIO_NET_HDR_GSO_UDP;
	assert_int_equal(vd_seg_segment(p, HR, pool, &q), -EINVAL);
	vn_pool_put(pool, p);
	p = build(pool, TCP4, 3000, 1000, 0x10);
	p->data[-HR + 4] = p->data[-HR + 5] = 0;
	assert_int_equal(vd_seg_segment(p, HR, pool, &q), -EINVAL);
	vn_pool_put(pool, p);
	p = build(pool, TCP4, 3000, 10, 0x10);
	assert_int_equal(vd_seg_segment(p, HR, pool, &q), -EINVAL);
	p->l3_off = VN_L3_NONE;
	p->data[-HR + 4] = 200;
	assert_int_equal(vd_seg_segment(p, HR, pool, &q), -EINVAL);
	p->l3_off = 0;
	p->len = 30;
	assert_int_equal(vd_seg_segment(p, HR, pool, &q), -EINVAL);
	vn_pool_put(pool, p);
	/* a partial checksum pointing past the end */
	p = build(pool, TCP4, 100, 0, 0x10);
	p->data[-HR + 6] = 0xff;
	assert_int_equal(vd_seg_segment(p, HR, pool, &q), -EINVAL);
	vn_pool_put(pool, p);
	assert_int_equal(q.n, 0);
	assert_int_equal(vn_pool_in_use(pool), 0);
	vn_pool_free(pool);
}

static void pool_dry_leaves_packet(void **st)
{
	(void)st;
	struct vn_pool *pool = vn_pool_new(BUF, 4, 4);
	struct vn_pkt *p = build(pool, TCP4, 14480, 1448, 0x18);
	uint8_t before[BUF];
	uint32_t len = p->len;
	memcpy(before, p->data - HR, len + HR);
	struct vn_pktq q;
	vn_pktq_init(&q);
	assert_int_equal(vd_seg_segment(p, HR, pool, &q), -ENOBUFS);
	assert_int_equal(q.n, 0);
	assert_int_equal(p->len, len);
	assert_memory_equal(p->data - HR, before, len + HR);
	assert_int_equal(vn_pool_in_use(pool), 1);
	vn_pool_put(pool, p);
	vn_pool_free(pool);
}

static void checksum_reference(void **st)
{
	(void)st;
	/* RFC 1071's example: 00 01 f2 03 f4 f5 f6 f7 sums to 0xddf2 */
	const uint8_t b[] = {0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7};
	assert_int_equal(vd_seg_csum(b, sizeof b), (uint16_t)~0xddf2);
	assert_int_equal(vd_seg_csum(b, 3), (uint16_t)~(0x0001 + 0xf200));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(checksum_reference),
		cmocka_unit_test(tcp4_cut),
		cmocka_unit_test(tcp6_cut),
		cmocka_unit_test(udp_cut),
		cmocka_unit_test(partial_checksum_finished),
		cmocka_unit_test(refused),
		cmocka_unit_test(pool_dry_leaves_packet),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
