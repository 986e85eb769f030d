/* port (issue 8): the pcapng writer and parser (with libpcap reading back
 * exactly what was written), the per-reader rings fed by a VIF's tap (counts,
 * directions, drops when full, the end block, a reader on another thread),
 * the checks of diverted writes, and batched writes through the injection
 * queue (whole or not at all, in order, round the ring, from two threads). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <pcap/pcap.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vn_pcapng.h"
#include "vn_pkt.h"
#include "vn_port.h"
#include "vn_sched.h"
#include "vn_vif.h"

/* ------------------------------------------------------------ helpers */

/* An IPv4/UDP packet of len bytes (>= 28) carrying seq in its payload. */
static uint32_t mk_ipv4(uint8_t *b, uint32_t len, uint32_t seq, const uint8_t dst[4])
{
	memset(b, 0, len);
	b[0] = 0x45;
	b[2] = (uint8_t)(len >> 8);
	b[3] = (uint8_t)len;
	b[8] = 64;
	b[9] = 17;
	b[12] = 10; b[13] = 0; b[14] = 0; b[15] = 1;
	memcpy(b + 16, dst, 4);
	b[24] = (uint8_t)((len - 20) >> 8);
	b[25] = (uint8_t)(len - 20);
	if (len >= 32)
		memcpy(b + 28, &seq, 4);
	return len;
}

static const uint8_t DST[4] = {10, 0, 0, 2};

/* Everything left in the reader's ring. */
static size_t drain(struct vn_port_reader *r, uint8_t *buf, size_t n)
{
	size_t got = 0, k;
	while ((k = vn_port_read(r, buf + got, n - got)) > 0)
		got += k;
	return got;
}

struct blocks {
	unsigned shb, idb, epb, isb, in, out;
	uint32_t first_seq, last_seq;
	uint64_t isb_drop;
	char comment[64];
};

/* Parse a whole stream; every block must parse. */
static void walk(const uint8_t *buf, size_t n, struct blocks *bl)
{
	memset(bl, 0, sizeof *bl);
	size_t off = 0;
	while (off < n) {
		struct vn_pcapng_block b;
		assert_int_equal(vn_pcapng_parse(buf + off, n - off, &b), 0);
		switch (b.type) {
		case VN_PCAPNG_SHB: bl->shb++; break;
		case VN_PCAPNG_IDB: bl->idb++; assert_int_equal(b.linktype, 101); break;
		case VN_PCAPNG_EPB: {
			bl->epb++;
			if ((b.flags & 3) == VN_PCAPNG_DIR_IN)
				bl->in++;
			else if ((b.flags & 3) == VN_PCAPNG_DIR_OUT)
				bl->out++;
			uint32_t seq = 0;
			if (b.caplen >= 32)
				memcpy(&seq, b.data + 28, 4);
			if (bl->epb == 1)
				bl->first_seq = seq;
			bl->last_seq = seq;
			if (b.comment)
				snprintf(bl->comment, sizeof bl->comment, "%.*s", (int)b.clen, b.comment);
			break;
		}
		case VN_PCAPNG_ISB: {
			bl->isb++;
			/* isb_ifdrop is the last option: 8 bytes before endofopt and the trailer */
			memcpy(&bl->isb_drop, buf + off + b.len - 16, 8);
			break;
		}
		default:
			fail_msg("unexpected block type %u", b.type);
		}
		off += b.len;
	}
	assert_int_equal(off, n);
}

struct fixture {
	struct vn_tree *t;
	struct vn_vif *a;
	struct vn_pkt pk[8];
	uint8_t data[8][2048];
};

static void no_release(void *ctx, struct vn_pkt *p) { (void)ctx; (void)p; }

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	f->t = vn_tree_new("vt0");
	vn_tree_set_release(f->t, no_release, NULL);
	assert_int_equal(vn_vif_create(vn_tree_root(f->t), "a", 0, 0, 0755, &f->a), 0);
	for (int i = 0; i < 8; i++)
		f->pk[i].data = f->data[i];
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	vn_tree_free(f->t);
	free(f);
	return 0;
}

/* One packet of VIF v through the scheduler in direction d (it departs at once). */
static int pass(struct fixture *f, struct vn_vif *v, enum vn_dir d, uint32_t len, uint32_t seq,
		int32_t pid)
{
	struct vn_pkt *p = &f->pk[0];
	p->len = p->wire_len = mk_ipv4(p->data, len, seq, DST);
	p->cap = 2048;
	p->dir = (uint8_t)d;
	p->vif = v;
	p->pid = pid;
	int r = vn_sched_enqueue(f->t, p, 1);
	if (r)
		return r;
	assert_ptr_equal(vn_sched_dequeue(f->t, d, 1), p);
	return 0;
}

static size_t comment_fn(void *ctx, const struct vn_pkt *p, char *buf, size_t n)
{
	(void)ctx;
	return p->pid ? (size_t)snprintf(buf, n, "pid=%d comm=test", (int)p->pid) : 0;
}

/* ------------------------------------------------------------- pcapng */

static void test_pcapng_blocks_parse_back(void **state)
{
	(void)state;
	static uint8_t buf[1 << 16];
	uint8_t pkt[300];
	size_t n = vn_pcapng_shb(buf, sizeof buf, "test");
	n += vn_pcapng_idb(buf + n, sizeof buf - n, 101, 65535, "vt0:a");
	for (uint32_t len = 0; len < 70; len++) {
		for (uint32_t i = 0; i < len; i++)
			pkt[i] = (uint8_t)(i * 7 + len);
		char c[16];
		int cl = snprintf(c, sizeof c, "pid=%u", len);
		n += vn_pcapng_epb(buf + n, sizeof buf - n, 0, 1000000000ull * len + len, pkt, len, len + 3,
				   len % 3, len % 2 ? c : NULL, (size_t)cl);
	}
	n += vn_pcapng_isb(buf + n, sizeof buf - n, 0, 5, 1, 70, 9);
	size_t off = 0;
	struct vn_pcapng_block b;
	assert_int_equal(vn_pcapng_parse(buf, n, &b), 0);
	assert_int_equal(b.type, VN_PCAPNG_SHB);
	off += b.len;
	assert_int_equal(vn_pcapng_parse(buf + off, n - off, &b), 0);
	assert_int_equal(b.type, VN_PCAPNG_IDB);
	assert_int_equal(b.linktype, 101);
	assert_int_equal(b.snaplen, 65535);
	off += b.len;
	for (uint32_t len = 0; len < 70; len++) {
		assert_int_equal(vn_pcapng_parse(buf + off, n - off, &b), 0);
		assert_int_equal(b.type, VN_PCAPNG_EPB);
		assert_int_equal(b.caplen, len);
		assert_int_equal(b.origlen, len + 3);
		assert_int_equal(b.flags, len % 3);
		assert_true(b.ts == 1000000000ull * len + len);
		for (uint32_t i = 0; i < len; i++)
			assert_int_equal(b.data[i], (uint8_t)(i * 7 + len));
		if (len % 2) {
			char c[16];
			snprintf(c, sizeof c, "pid=%u", len);
			assert_int_equal(b.clen, strlen(c));
			assert_memory_equal(b.comment, c, b.clen);
		} else {
			assert_null(b.comment);
		}
		/* every proper prefix of a block asks for more */
		assert_int_equal(vn_pcapng_parse(buf + off, b.len - 1, &b), -EAGAIN);
		assert_int_equal(vn_pcapng_parse(buf + off, n - off, &b), 0);
		off += b.len;
	}
	assert_int_equal(vn_pcapng_parse(buf + off, n - off, &b), 0);
	assert_int_equal(b.type, VN_PCAPNG_ISB);
	off += b.len;
	assert_int_equal(off, n);
}

static void test_pcapng_parse_refuses_broken_blocks(void **state)
{
	(void)state;
	uint8_t buf[256], pkt[40] = {0x45};
	struct vn_pcapng_block b;
	size_t n = vn_pcapng_epb(buf, sizeof buf, 0, 1, pkt, 40, 40, 1, "x", 1);
	uint8_t bad[256];
	memcpy(bad, buf, n);
	bad[n - 4] ^= 4;                               /* trailer length disagrees */
	assert_int_equal(vn_pcapng_parse(bad, n, &b), -EINVAL);
	memcpy(bad, buf, n);
	uint32_t big = 1000;                           /* caplen past the block */
	memcpy(bad + 20, &big, 4);
	assert_int_equal(vn_pcapng_parse(bad, n, &b), -EINVAL);
	memcpy(bad, buf, n);
	uint16_t olen = 200;                           /* an option past the block */
	memcpy(bad + 28 + 40 + 2, &olen, 2);
	assert_int_equal(vn_pcapng_parse(bad, n, &b), -EINVAL);
	memcpy(bad, buf, n);
	uint32_t odd = (uint32_t)n - 2;                /* not a multiple of 4 */
	memcpy(bad + 4, &odd, 4);
	assert_int_equal(vn_pcapng_parse(bad, n, &b), -EINVAL);
	/* a section header of the other byte order */
	n = vn_pcapng_shb(buf, sizeof buf, NULL);
	uint32_t swapped = __builtin_bswap32(VN_PCAPNG_MAGIC);
	memcpy(buf + 8, &swapped, 4);
	assert_int_equal(vn_pcapng_parse(buf, n, &b), -EINVAL);
	assert_int_equal(vn_pcapng_parse(buf, 0, &b), -EINVAL);
	assert_int_equal(vn_pcapng_parse(buf, 5, &b), -EAGAIN);
	/* snprintf semantics: too small a buffer gets nothing, the length back */
	memset(buf, 0xee, sizeof buf);
	assert_int_equal(vn_pcapng_epb(buf, 10, 0, 0, pkt, 40, 40, 0, NULL, 0), 28 + 40 + 8 + 4 + 4);
	assert_int_equal(buf[0], 0xee);
}

/* Differential: libpcap reads back exactly what the writer wrote. */
static void test_pcapng_libpcap_reads_it_back(void **state)
{
	(void)state;
	static uint8_t buf[1 << 20];
	static uint8_t pkts[200][1500];
	uint32_t lens[200];
	uint64_t ts[200];
	size_t n = vn_pcapng_shb(buf, sizeof buf, "test");
	n += vn_pcapng_idb(buf + n, sizeof buf - n, vn_pcapng_linktype(DLT_RAW), 65535, "vt0:.");
	srand(7);
	for (int i = 0; i < 200; i++) {
		lens[i] = 28 + (uint32_t)(rand() % 1400);
		mk_ipv4(pkts[i], lens[i], (uint32_t)i, DST);
		for (uint32_t k = 32; k < lens[i]; k++)
			pkts[i][k] = (uint8_t)rand();
		ts[i] = 1700000000ull * 1000000000ull + (uint64_t)i * 123456789ull + (uint64_t)rand() % 1000;
		n += vn_pcapng_epb(buf + n, sizeof buf - n, 0, ts[i], pkts[i], lens[i], lens[i],
				   i % 2 ? VN_PCAPNG_DIR_IN : VN_PCAPNG_DIR_OUT, i % 3 ? "pid=1 comm=x" : NULL, 12);
	}
	n += vn_pcapng_isb(buf + n, sizeof buf - n, 0, ts[199], ts[0], 200, 0);
	FILE *fp = fmemopen(buf, n, "rb");
	assert_non_null(fp);
	char err[PCAP_ERRBUF_SIZE];
	pcap_t *pc = pcap_fopen_offline_with_tstamp_precision(fp, PCAP_TSTAMP_PRECISION_NANO, err);
	assert_non_null(pc);
	assert_int_equal(pcap_datalink(pc), DLT_RAW);
	struct pcap_pkthdr *h;
	const u_char *d;
	int i = 0, r;
	while ((r = pcap_next_ex(pc, &h, &d)) == 1) {
		assert_true(i < 200);
		assert_int_equal(h->caplen, lens[i]);
		assert_int_equal(h->len, lens[i]);
		assert_memory_equal(d, pkts[i], lens[i]);
		assert_true((uint64_t)h->ts.tv_sec == ts[i] / 1000000000ull);
		assert_true((uint64_t)h->ts.tv_usec == ts[i] % 1000000000ull);   /* ns with NANO precision */
		i++;
	}
	assert_int_equal(r, PCAP_ERROR_BREAK);
	assert_int_equal(i, 200);
	pcap_close(pc);                /* closes fp */
}

/* ---------------------------------------------------------- the rings */

static void test_port_stream_counts_match_stat(void **state)
{
	struct fixture *f = *state;
	static uint8_t buf[1 << 20];
	struct vn_port_reader *r = vn_port_reader_new(1 << 20, DLT_RAW, "vt0:a");
	assert_non_null(r);
	assert_null(vn_vif_tap(f->a, NULL));
	assert_int_equal(vn_port_attach(f->a, r, comment_fn, NULL), 0);
	assert_non_null(vn_vif_tap(f->a, NULL));
	for (uint32_t i = 0; i < 100; i++)
		assert_int_equal(pass(f, f->a, i % 4 ? VN_EGRESS : VN_INGRESS, 100, i, 42), 0);
	/* the root's traffic of its own is not a's */
	assert_int_equal(pass(f, vn_tree_root(f->t), VN_EGRESS, 100, 999, 0), 0);
	struct blocks bl;
	walk(buf, drain(r, buf, sizeof buf), &bl);
	struct vn_vif_stats st;
	vn_vif_stats(f->a, &st);
	assert_int_equal(bl.shb, 1);
	assert_int_equal(bl.idb, 1);
	assert_int_equal(bl.epb, st.out_packets + st.in_packets);
	assert_int_equal(bl.out, st.out_packets);
	assert_int_equal(bl.in, st.in_packets);
	assert_int_equal(bl.in, 25);
	assert_int_equal(bl.last_seq, 99);
	assert_string_equal(bl.comment, "pid=42 comm=test");
	assert_false(vn_port_readable(r));
	struct vn_port_stats ps;
	assert_true(vn_port_stats(f->a, &ps));
	assert_int_equal(ps.readers, 1);
	assert_int_equal(ps.captured, 100);
	vn_port_detach(f->a, r);
	/* no reader: the tap is off (one branch per packet), counters stay */
	assert_null(vn_vif_tap(f->a, NULL));
	assert_int_equal(pass(f, f->a, VN_EGRESS, 100, 1, 0), 0);
	assert_true(vn_port_stats(f->a, &ps));
	assert_int_equal(ps.readers, 0);
	assert_int_equal(ps.captured, 100);
	char text[256];
	vn_port_stats_format(f->a, text, sizeof text);
	assert_string_equal(text, "port_readers 0\nport_captured 100\nport_drops 0\n");
	vn_port_reader_free(r);
}

static void test_port_full_ring_drops_and_end_block(void **state)
{
	struct fixture *f = *state;
	static uint8_t buf[1 << 20];
	struct vn_port_reader *r1 = vn_port_reader_new(0, DLT_RAW, "vt0:a");   /* 64 KiB */
	struct vn_port_reader *r2 = vn_port_reader_new(1 << 20, DLT_RAW, "vt0:a");
	assert_int_equal(vn_port_attach(f->a, r1, NULL, NULL), 0);
	assert_int_equal(vn_port_attach(f->a, r2, NULL, NULL), 0);
	for (uint32_t i = 0; i < 200; i++)   /* 200 x ~1.5 KB: r1 overflows, r2 does not */
		assert_int_equal(pass(f, f->a, VN_EGRESS, 1400, i, 0), 0);
	uint64_t d1 = vn_port_reader_drops(r1);
	assert_true(d1 > 100);
	assert_int_equal(vn_port_reader_drops(r2), 0);
	assert_int_equal(vn_port_reader_packets(r1), 200);
	struct vn_port_stats ps;
	vn_port_stats(f->a, &ps);
	assert_int_equal(ps.drops, d1);
	/* r2 reads everything now; r1 still has its whole blocks (the first ones) */
	struct blocks bl;
	walk(buf, drain(r2, buf, sizeof buf), &bl);
	assert_int_equal(bl.epb, 200);
	/* the VIF goes: both streams end with a statistics block, then EOF */
	assert_false(vn_port_at_end(r1));
	assert_int_equal(vn_vif_remove(f->a), 0);
	f->a = NULL;
	assert_true(vn_port_readable(r2));
	walk(buf, drain(r1, buf, sizeof buf), &bl);
	assert_int_equal(bl.epb, 200 - d1);
	assert_int_equal(bl.first_seq, 0);
	assert_int_equal(bl.isb, 1);
	assert_int_equal(bl.isb_drop, d1);
	assert_true(vn_port_at_end(r1));
	walk(buf, drain(r2, buf, sizeof buf), &bl);
	assert_int_equal(bl.isb, 1);
	assert_int_equal(bl.isb_drop, 0);
	assert_true(vn_port_at_end(r2));
	vn_port_reader_free(r1);
	vn_port_reader_free(r2);
}

static void test_port_blocked_vif_shows_what_it_refuses(void **state)
{
	struct fixture *f = *state;
	static uint8_t buf[1 << 16];
	struct vn_port_reader *r = vn_port_reader_new(0, DLT_RAW, "vt0:a");
	assert_int_equal(vn_port_attach(f->a, r, NULL, NULL), 0);
	assert_int_equal(vn_vif_param_set(f->a, "type", "block", 0), 0);
	assert_int_equal(pass(f, f->a, VN_EGRESS, 60, 1, 0), -EPERM);
	assert_int_equal(pass(f, f->a, VN_INGRESS, 60, 2, 0), -EPERM);
	struct blocks bl;
	walk(buf, drain(r, buf, sizeof buf), &bl);
	assert_int_equal(bl.epb, 2);
	assert_int_equal(bl.out, 1);
	assert_int_equal(bl.in, 1);
	struct vn_vif_stats st;
	vn_vif_stats(f->a, &st);
	assert_int_equal(st.drops, 2);
	vn_port_detach(f->a, r);
	vn_port_reader_free(r);
}

/* The producer (the tree's thread) and a consumer on another thread: every
 * packet is either read, in order, or counted as a drop. */
struct consumer {
	struct vn_port_reader *r;
	volatile int done;
	uint64_t epb, gaps, lastseq;
	int bad;
};

static void *consume(void *arg)
{
	struct consumer *c = arg;
	static uint8_t buf[1 << 18];
	size_t have = 0;
	int64_t last = -1;
	for (;;) {
		int fin = __atomic_load_n(&c->done, __ATOMIC_ACQUIRE);
		size_t k = vn_port_read(c->r, buf + have, sizeof buf - have);
		have += k;
		size_t off = 0;
		struct vn_pcapng_block b;
		while (have - off >= 8) {
			int pr = vn_pcapng_parse(buf + off, have - off, &b);
			if (pr == -EAGAIN)
				break;
			if (pr) {
				c->bad = 1;
				return NULL;
			}
			if (b.type == VN_PCAPNG_EPB) {
				uint32_t seq;
				memcpy(&seq, b.data + 28, 4);
				if ((int64_t)seq <= last)
					c->bad = 1;
				if ((int64_t)seq != last + 1)
					c->gaps++;
				last = seq;
				c->epb++;
			}
			off += b.len;
		}
		memmove(buf, buf + off, have - off);
		have -= off;
		if (fin && k == 0)
			break;
	}
	c->lastseq = (uint64_t)last;
	return NULL;
}

static void test_port_reader_on_another_thread(void **state)
{
	struct fixture *f = *state;
	struct consumer c = {.r = vn_port_reader_new(1 << 16, DLT_RAW, "vt0:a")};
	assert_int_equal(vn_port_attach(f->a, c.r, NULL, NULL), 0);
	pthread_t th;
	pthread_create(&th, NULL, consume, &c);
	const uint32_t N = 200000;
	for (uint32_t i = 0; i < N; i++) {
		assert_int_equal(pass(f, f->a, VN_EGRESS, 40 + i % 1400, i, 0), 0);
		if (i % 64 == 0)
			usleep(1);           /* let the reader keep up part of the time */
	}
	__atomic_store_n(&c.done, 1, __ATOMIC_RELEASE);
	pthread_join(th, NULL);
	assert_false(c.bad);
	assert_int_equal(c.epb + vn_port_reader_drops(c.r), N);
	assert_true(c.gaps <= vn_port_reader_drops(c.r));
	print_message("   %u packets: %llu read, %llu dropped by the reader\n", N,
		      (unsigned long long)c.epb, (unsigned long long)vn_port_reader_drops(c.r));
	vn_port_detach(f->a, c.r);
	vn_port_reader_free(c.r);
}

/* ------------------------------------------------------ diverted writes */

static void test_port_writes_checked(void **state)
{
	(void)state;
	struct vn_port_wstate ws = {0};
	uint8_t pkt[2000], blk[2200];
	const uint8_t *out;
	uint32_t olen;
	unsigned dir;
	mk_ipv4(pkt, 100, 1, DST);
	/* a raw IPv4 packet: direction left to the caller */
	assert_int_equal(vn_port_parse_write(&ws, DLT_RAW, pkt, 100, &out, &olen, &dir), 1);
	assert_ptr_equal(out, pkt);
	assert_int_equal(olen, 100);
	assert_int_equal(dir, VN_PCAPNG_DIR_NONE);
	int ipver;
	const uint8_t *dst;
	assert_int_equal(vn_port_check_frame(DLT_RAW, pkt, 100, &ipver, &dst), 0);
	assert_int_equal(ipver, 4);
	assert_memory_equal(dst, DST, 4);
	/* truncated: the IP length says more than the write holds; and trailing bytes */
	assert_int_equal(vn_port_parse_write(&ws, DLT_RAW, pkt, 99, &out, &olen, &dir), -EINVAL);
	assert_int_equal(vn_port_parse_write(&ws, DLT_RAW, pkt, 10, &out, &olen, &dir), -EINVAL);
	mk_ipv4(pkt, 100, 1, DST);
	assert_int_equal(vn_port_parse_write(&ws, DLT_RAW, pkt, 101, &out, &olen, &dir), -EINVAL);
	/* garbage, an Ethernet frame on a raw-IP device, oversized */
	memset(blk, 0x99, sizeof blk);
	assert_int_equal(vn_port_parse_write(&ws, DLT_RAW, blk, 64, &out, &olen, &dir), -EINVAL);
	uint8_t eth[114] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 0x08, 0x00};
	mk_ipv4(eth + 14, 100, 1, DST);
	assert_int_equal(vn_port_parse_write(&ws, DLT_RAW, eth, 114, &out, &olen, &dir), -EINVAL);
	assert_int_equal(vn_port_parse_write(&ws, DLT_EN10MB, eth, 114, &out, &olen, &dir), 1);
	static uint8_t huge[70000];
	assert_int_equal(vn_port_parse_write(&ws, DLT_RAW, huge, sizeof huge, &out, &olen, &dir), -EINVAL);
	assert_int_equal(vn_port_parse_write(&ws, DLT_RAW, pkt, 0, &out, &olen, &dir), -EINVAL);
	/* an EPB: its flags give the direction */
	size_t n = vn_pcapng_epb(blk, sizeof blk, 0, 5, pkt, 100, 100, VN_PCAPNG_DIR_IN, "pid=1", 5);
	assert_int_equal(vn_port_parse_write(&ws, DLT_RAW, blk, n, &out, &olen, &dir), 1);
	assert_int_equal(dir, VN_PCAPNG_DIR_IN);
	assert_int_equal(olen, 100);
	assert_memory_equal(out, pkt, 100);
	/* a truncated capture cannot be sent */
	n = vn_pcapng_epb(blk, sizeof blk, 0, 5, pkt, 100, 1500, VN_PCAPNG_DIR_OUT, NULL, 0);
	assert_int_equal(vn_port_parse_write(&ws, DLT_RAW, blk, n, &out, &olen, &dir), -EINVAL);
	/* an EPB cut short, or with a packet of the wrong link type */
	n = vn_pcapng_epb(blk, sizeof blk, 0, 5, pkt, 100, 100, VN_PCAPNG_DIR_OUT, NULL, 0);
	assert_int_equal(vn_port_parse_write(&ws, DLT_RAW, blk, n - 8, &out, &olen, &dir), -EINVAL);
	n = vn_pcapng_epb(blk, sizeof blk, 0, 5, eth, 114, 114, VN_PCAPNG_DIR_OUT, NULL, 0);
	assert_int_equal(vn_port_parse_write(&ws, DLT_RAW, blk, n, &out, &olen, &dir), -EINVAL);
	/* header blocks: an IDB of another link type is refused, the right one declares interface 0 */
	n = vn_pcapng_shb(blk, sizeof blk, NULL);
	assert_int_equal(vn_port_parse_write(&ws, DLT_RAW, blk, n, &out, &olen, &dir), 0);
	n = vn_pcapng_idb(blk, sizeof blk, 1, 65535, NULL);
	assert_int_equal(vn_port_parse_write(&ws, DLT_RAW, blk, n, &out, &olen, &dir), -EINVAL);
	n = vn_pcapng_idb(blk, sizeof blk, 101, 65535, NULL);
	assert_int_equal(vn_port_parse_write(&ws, DLT_RAW, blk, n, &out, &olen, &dir), 0);
	assert_int_equal(ws.nif, 1);
	/* an EPB of an interface never declared */
	n = vn_pcapng_epb(blk, sizeof blk, 3, 5, pkt, 100, 100, VN_PCAPNG_DIR_OUT, NULL, 0);
	assert_int_equal(vn_port_parse_write(&ws, DLT_RAW, blk, n, &out, &olen, &dir), -EINVAL);
	/* IPv6 */
	uint8_t v6[60] = {0x60};
	v6[5] = 20;
	v6[24] = 0xfd;
	assert_int_equal(vn_port_parse_write(&ws, DLT_RAW, v6, 60, &out, &olen, &dir), 1);
	assert_int_equal(vn_port_check_frame(DLT_RAW, v6, 60, &ipver, &dst), 0);
	assert_int_equal(ipver, 6);
	assert_int_equal(dst[0], 0xfd);
	assert_int_equal(vn_port_parse_write(&ws, DLT_RAW, v6, 59, &out, &olen, &dir), -EINVAL);
}

/* ------------------------------------------ batched writes, the queue */

struct drained {
	unsigned n;
	uint32_t seq[4096];
	unsigned dir[4096];
	uint64_t vif;
	uint32_t tree;
	bool bad;
};

static void collect(void *ctx, const struct vn_port_inj *j)
{
	struct drained *d = ctx;
	uint32_t seq = 0;
	if (j->len >= 32)
		memcpy(&seq, j->data + 28, 4);
	/* the record is the packet as written: IP length, destination */
	if (j->ipver != 4 || (uint32_t)(j->data[2] << 8 | j->data[3]) != j->len ||
	    memcmp(j->data + j->dst_off, DST, 4) != 0 || d->n == 4096)
		d->bad = true;
	d->vif = j->vif;
	d->tree = j->tree;
	if (d->n < 4096) {
		d->seq[d->n] = seq;
		d->dir[d->n] = j->dir;
	}
	d->n++;
}

/* k EPBs of len-byte packets seq0, seq0+1, ..., directions alternating,
 * after an SHB and an IDB if hdr: the write's length. */
static size_t mk_batch(uint8_t *b, size_t cap, bool hdr, unsigned k, uint32_t len, uint32_t seq0)
{
	uint8_t pkt[2048];
	size_t n = 0;
	if (hdr) {
		n += vn_pcapng_shb(b + n, cap - n, NULL);
		n += vn_pcapng_idb(b + n, cap - n, 101, 65535, NULL);
	}
	for (unsigned i = 0; i < k; i++) {
		mk_ipv4(pkt, len, seq0 + i, DST);
		n += vn_pcapng_epb(b + n, cap - n, 0, 1, pkt, len, len,
				   i % 2 ? VN_PCAPNG_DIR_IN : VN_PCAPNG_DIR_OUT, "pid=1", 5);
	}
	return n;
}

static void test_port_batched_writes(void **state)
{
	(void)state;
	static uint8_t b[1 << 18];
	struct vn_port_inq *q = vn_port_inq_new(0);
	struct vn_port_wstate ws = {0};
	static struct drained d;
	bool kick;
	assert_non_null(q);
	/* headers and three packets in one write: all queued, one drain asked for */
	size_t n = mk_batch(b, sizeof b, true, 3, 100, 7);
	assert_int_equal(vn_port_inq_write(q, &ws, DLT_RAW, 1500, 2, 42, b, n, &kick), 3);
	assert_true(kick);
	assert_int_equal(ws.nif, 1);
	n = mk_batch(b, sizeof b, false, 2, 60, 10);
	assert_int_equal(vn_port_inq_write(q, &ws, DLT_RAW, 1500, 2, 42, b, n, &kick), 2);
	assert_false(kick);              /* the first write's drain takes these too */
	memset(&d, 0, sizeof d);
	assert_int_equal(vn_port_inq_drain(q, collect, &d), 5);
	assert_false(d.bad);
	assert_int_equal(d.n, 5);
	for (unsigned i = 0; i < 5; i++)
		assert_int_equal(d.seq[i], i < 3 ? 7 + i : 10 + i - 3);
	assert_int_equal(d.dir[0], VN_PCAPNG_DIR_OUT);
	assert_int_equal(d.dir[1], VN_PCAPNG_DIR_IN);
	assert_int_equal(d.vif, 42);
	assert_int_equal(d.tree, 2);
	assert_int_equal(vn_port_inq_pending(q), 0);
	/* a raw frame is one packet; header blocks alone queue nothing */
	uint8_t pkt[200];
	mk_ipv4(pkt, 200, 99, DST);
	assert_int_equal(vn_port_inq_write(q, &ws, DLT_RAW, 1500, 0, 1, pkt, 200, &kick), 1);
	assert_true(kick);
	n = vn_pcapng_shb(b, sizeof b, NULL);
	assert_int_equal(vn_port_inq_write(q, &ws, DLT_RAW, 1500, 0, 1, b, n, &kick), 0);
	assert_int_equal(ws.nif, 0);
	memset(&d, 0, sizeof d);
	assert_int_equal(vn_port_inq_drain(q, collect, &d), 1);
	assert_int_equal(d.seq[0], 99);

	/* one bad block refuses the whole write: nothing queued, *ws unchanged */
	struct vn_port_wstate before = ws;
	n = mk_batch(b, sizeof b, true, 4, 100, 1);
	size_t third = n - 2 * (n - vn_pcapng_shb(b, 1024, NULL) - vn_pcapng_idb(b, 1024, 101, 65535, NULL)) / 4;
	b[third + 28] = 0x99;            /* the third EPB's packet is not IP */
	assert_int_equal(vn_port_inq_write(q, &ws, DLT_RAW, 1500, 0, 1, b, n, &kick), -EINVAL);
	assert_memory_equal(&ws, &before, sizeof ws);
	assert_int_equal(vn_port_inq_pending(q), 0);
	/* a block cut short at the end, trailing garbage, a packet over max_frame */
	n = mk_batch(b, sizeof b, false, 4, 100, 1);
	assert_int_equal(vn_port_inq_write(q, &ws, DLT_RAW, 1500, 0, 1, b, n - 4, &kick), -EINVAL);
	memset(b + n, 0x45, 16);
	assert_int_equal(vn_port_inq_write(q, &ws, DLT_RAW, 1500, 0, 1, b, n + 16, &kick), -EINVAL);
	assert_int_equal(vn_port_inq_write(q, &ws, DLT_RAW, 99, 0, 1, b, n, &kick), -EINVAL);
	assert_int_equal(vn_port_inq_write(q, &ws, DLT_RAW, 1500, 0, 1, b, 0, &kick), -EINVAL);
	assert_int_equal(vn_port_inq_pending(q), 0);
	assert_int_equal(vn_port_inq_drain(q, collect, &d), 0);

	/* full: a write that does not fit whole is refused whole */
	unsigned total = 0, k = 0;
	for (;;) {
		n = mk_batch(b, sizeof b, false, 10, 1400, total);
		int r = vn_port_inq_write(q, &ws, DLT_RAW, 1500, 0, 1, b, n, &kick);
		if (r == -ENOBUFS)
			break;
		assert_int_equal(r, 10);
		total += 10;
		assert_true(++k < 100);
	}
	memset(&d, 0, sizeof d);
	assert_int_equal(vn_port_inq_drain(q, collect, &d), total);
	assert_false(d.bad);
	for (unsigned i = 0; i < total; i++)
		assert_int_equal(d.seq[i], i);

	/* round and round the ring (records wrap at its end, sizes vary) */
	uint32_t seq = 0, got = 0;
	for (unsigned round = 0; round < 400; round++) {
		uint32_t len = 28 + (round * 37) % 1400;
		unsigned cnt = 1 + round % 17;
		n = mk_batch(b, sizeof b, false, cnt, len, seq);
		assert_int_equal(vn_port_inq_write(q, &ws, DLT_RAW, 1500, 0, 1, b, n, &kick), (int)cnt);
		seq += cnt;
		if (round % 2 == 1) {
			memset(&d, 0, sizeof d);
			size_t m = vn_port_inq_drain(q, collect, &d);
			assert_false(d.bad);
			for (unsigned i = 0; i < m; i++)
				assert_int_equal(d.seq[i], got + i);
			got += (uint32_t)m;
		}
	}
	memset(&d, 0, sizeof d);
	got += (uint32_t)vn_port_inq_drain(q, collect, &d);
	assert_int_equal(got, seq);
	vn_port_inq_free(q);
}

/* Writers on two threads, the drain on a third: every packet arrives once,
 * each writer's in its order, and every committed write gets drained. */
struct qwriter {
	struct vn_port_inq *q;
	uint64_t vif;
	unsigned writes;
	unsigned kicks;
	_Atomic unsigned *wanted;
};

static void *qwriter_main(void *arg)
{
	struct qwriter *w = arg;
	static _Thread_local uint8_t b[16384];
	struct vn_port_wstate ws = {0};
	for (unsigned i = 0; i < w->writes;) {
		size_t n = mk_batch(b, sizeof b, false, 4, 64 + i % 500, 4 * i);
		bool kick;
		int r = vn_port_inq_write(w->q, &ws, DLT_RAW, 1500, 0, w->vif, b, n, &kick);
		if (r == -ENOBUFS) {
			usleep(50);
			continue;
		}
		assert_int_equal(r, 4);
		if (kick)
			*w->wanted += 1;
		i++;
	}
	return NULL;
}

struct qcheck {
	uint32_t next[2];
	unsigned n;
	bool bad;
};

static void qcheck(void *ctx, const struct vn_port_inj *j)
{
	struct qcheck *c = ctx;
	uint32_t seq;
	memcpy(&seq, j->data + 28, 4);
	if (j->vif > 1 || seq != c->next[j->vif])
		c->bad = true;
	else
		c->next[j->vif]++;
	c->n++;
}

static void test_port_queue_threads(void **state)
{
	(void)state;
	struct vn_port_inq *q = vn_port_inq_new(1 << 16);
	_Atomic unsigned wanted = 0;
	struct qwriter w[2] = {{q, 0, 3000, 0, &wanted}, {q, 1, 3000, 0, &wanted}};
	pthread_t th[2];
	for (int i = 0; i < 2; i++)
		assert_int_equal(pthread_create(&th[i], NULL, qwriter_main, &w[i]), 0);
	struct qcheck c = {{0, 0}, 0, false};
	unsigned drains = 0;
	while (c.n < 2 * 4 * 3000) {
		/* a drain runs only when a commit asked for one (like the posted call) */
		if (wanted > drains) {
			drains++;
			vn_port_inq_drain(q, qcheck, &c);
		} else {
			sched_yield();
		}
		assert_false(c.bad);
	}
	for (int i = 0; i < 2; i++)
		pthread_join(th[i], NULL);
	assert_int_equal(c.n, 2 * 4 * 3000);
	assert_int_equal(vn_port_inq_pending(q), 0);
	vn_port_inq_free(q);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pcapng_blocks_parse_back),
		cmocka_unit_test(test_pcapng_parse_refuses_broken_blocks),
		cmocka_unit_test(test_pcapng_libpcap_reads_it_back),
		cmocka_unit_test_setup_teardown(test_port_stream_counts_match_stat, setup, teardown),
		cmocka_unit_test_setup_teardown(test_port_full_ring_drops_and_end_block, setup, teardown),
		cmocka_unit_test_setup_teardown(test_port_blocked_vif_shows_what_it_refuses, setup, teardown),
		cmocka_unit_test_setup_teardown(test_port_reader_on_another_thread, setup, teardown),
		cmocka_unit_test(test_port_writes_checked),
		cmocka_unit_test(test_port_batched_writes),
		cmocka_unit_test(test_port_queue_threads),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
