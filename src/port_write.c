/* Diverted writes (SPEC section 7 `port`, seed IV.2.2): the checks of what
 * is written to a port, and the injection queue that carries the accepted
 * packets to the data path.
 *
 * Queue invariants: head (producers, under pmu) and tail (the consumer) only
 * grow; head - tail <= cap; [tail, head) holds whole records, 8-byte aligned,
 * published by one release store of head per write. A record that would
 * cross the end of the buffer is preceded by a pad record, or by nothing when
 * less than a record header is left there (both sides skip those bytes). */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "vn_pcapng.h"
#include "vn_port.h"

#define LD(x) __atomic_load_n(&(x), __ATOMIC_ACQUIRE)
#define ST(x, v) __atomic_store_n(&(x), (v), __ATOMIC_RELEASE)

/* ------------------------------------------------------------ checks */

static int check_ip(const uint8_t *f, uint32_t len, bool padded, int *ipver, const uint8_t **dst)
{
	if (len < 1)
		return -EINVAL;
	if (f[0] >> 4 == 4) {
		if (len < 20 || (f[0] & 15) < 5)
			return -EINVAL;
		uint32_t tot = (uint32_t)f[2] << 8 | f[3];
		if (tot < (uint32_t)(f[0] & 15) * 4 || tot > len || (tot != len && !padded))
			return -EINVAL;
		*ipver = 4;
		*dst = f + 16;
		return 0;
	}
	if (f[0] >> 4 == 6) {
		if (len < 40)
			return -EINVAL;
		uint32_t tot = 40 + ((uint32_t)f[4] << 8 | f[5]);
		if (tot > len || (tot != len && !padded))
			return -EINVAL;
		*ipver = 6;
		*dst = f + 24;
		return 0;
	}
	return -EINVAL;
}

int vn_port_check_frame(int dlt, const uint8_t *f, uint32_t len, int *ipver, const uint8_t **dst)
{
	*ipver = 0;
	*dst = NULL;
	if (len == 0 || len > VN_PORT_SNAPLEN)
		return -EINVAL;
	switch (vn_pcapng_linktype(dlt)) {
	case 101:
		return check_ip(f, len, false, ipver, dst);
	case 1: {
		if (len < 14 || len > 1522)
			return -EINVAL;
		uint32_t off = 12;
		uint16_t et = (uint16_t)(f[off] << 8 | f[off + 1]);
		while ((et == 0x8100 || et == 0x88a8) && off + 6 <= len) {
			off += 4;
			et = (uint16_t)(f[off] << 8 | f[off + 1]);
		}
		if (et == 0x8100 || et == 0x88a8)
			return -EINVAL;
		if (et != 0x0800 && et != 0x86dd)
			return 0;                       /* ARP and the like: no IP check */
		int r = check_ip(f + off + 2, len - off - 2, len <= 60, ipver, dst);
		if (r == 0 && *ipver != (et == 0x0800 ? 4 : 6))
			return -EINVAL;
		return r;
	}
	default:
		return -EINVAL;
	}
}

/* The pcapng block at buf (at most len bytes): 1 with its packet, 0 for a
 * header block (*ws updated), -EINVAL if malformed; *used is its length.
 * -ENOENT: not a known pcapng block (a raw frame, or garbage). */
static int parse_block(struct vn_port_wstate *ws, int dlt, const uint8_t *buf, size_t len, size_t *used,
		       const uint8_t **pkt, uint32_t *plen, unsigned *dir)
{
	struct vn_pcapng_block b;
	int lt = vn_pcapng_linktype(dlt), ipver;
	const uint8_t *dst;

	if (len < 12 || vn_pcapng_parse(buf, len, &b) != 0 || b.len > len ||
	    !(b.type == VN_PCAPNG_SHB || b.type == VN_PCAPNG_IDB || b.type == VN_PCAPNG_EPB ||
	      b.type == VN_PCAPNG_ISB))
		return -ENOENT;
	*used = b.len;
	switch (b.type) {
	case VN_PCAPNG_SHB:
		ws->nif = 0;
		return 0;
	case VN_PCAPNG_IDB:
		if (b.linktype != lt || ws->nif == sizeof ws->linktype / sizeof ws->linktype[0])
			return -EINVAL;
		ws->linktype[ws->nif++] = b.linktype;
		return 0;
	case VN_PCAPNG_ISB:
		return 0;
	default:
		break;
	}
	/* EPB: of an interface of the device's link type (interface 0 when no
	 * IDB was written), whole, of a direction or none */
	if (ws->nif ? b.ifid >= ws->nif || ws->linktype[b.ifid] != lt : b.ifid != 0)
		return -EINVAL;
	if (b.caplen != b.origlen || (b.flags & 3) == 3)
		return -EINVAL;
	if (vn_port_check_frame(dlt, b.data, b.caplen, &ipver, &dst))
		return -EINVAL;
	*pkt = b.data;
	*plen = b.caplen;
	*dir = b.flags & 3;
	return 1;
}

int vn_port_parse_write(struct vn_port_wstate *ws, int dlt, const uint8_t *buf, size_t len,
			const uint8_t **pkt, uint32_t *plen, unsigned *dir)
{
	int ipver;
	const uint8_t *dst;
	size_t used = 0;

	*pkt = NULL;
	*plen = 0;
	*dir = VN_PCAPNG_DIR_NONE;
	if (vn_pcapng_linktype(dlt) < 0 || len == 0)
		return -EINVAL;
	/* A write is a pcapng block if it parses as exactly one known block;
	 * else it is a raw frame (an IP header starts 0x4_/0x6_, never a
	 * block type in host order). */
	struct vn_port_wstate w = *ws;
	int r = parse_block(&w, dlt, buf, len, &used, pkt, plen, dir);
	if (r != -ENOENT && used == len) {
		if (r >= 0)
			*ws = w;
		return r;
	}
	*pkt = NULL;
	*plen = 0;
	*dir = VN_PCAPNG_DIR_NONE;
	if (len > VN_PORT_SNAPLEN || vn_port_check_frame(dlt, buf, (uint32_t)len, &ipver, &dst))
		return -EINVAL;
	*pkt = buf;
	*plen = (uint32_t)len;
	return 1;
}

/* --------------------------------------------------- the injection queue */

struct rec {                   /* a record's header; the packet follows */
	uint32_t rlen;         /* the whole record, 8-byte aligned */
	uint32_t len;          /* the packet, or PAD */
	uint64_t vif;
	uint32_t tree;
	uint8_t dir, ipver;
	uint16_t dst_off;
};
#define PAD UINT32_MAX

struct vn_port_inq {
	/* producers' line */
	_Alignas(64) uint64_t head;
	pthread_mutex_t pmu;   /* producers only: the consumer never waits */
	/* consumer's line */
	_Alignas(64) uint64_t tail;
	_Alignas(64) int kicked;   /* a drain is scheduled */
	uint8_t *buf;
	size_t cap;            /* a power of two */
};

struct vn_port_inq *vn_port_inq_new(size_t bytes)
{
	size_t cap = 1u << 16;
	while (cap < bytes && cap < ((size_t)1 << 30))
		cap <<= 1;
	struct vn_port_inq *q = aligned_alloc(64, sizeof *q);
	if (!q)
		return NULL;
	memset(q, 0, sizeof *q);
	q->cap = cap;
	if (!(q->buf = aligned_alloc(8, cap))) {
		free(q);
		return NULL;
	}
	pthread_mutex_init(&q->pmu, NULL);
	return q;
}

void vn_port_inq_free(struct vn_port_inq *q)
{
	if (!q)
		return;
	pthread_mutex_destroy(&q->pmu);
	free(q->buf);
	free(q);
}

/* Producer, pmu held: place a packet's record at *h (not yet published).
 * false if the queue has no room. */
static bool put(struct vn_port_inq *q, uint64_t *h, const struct rec *hd, const uint8_t *data)
{
	uint32_t rlen = (uint32_t)((sizeof *hd + hd->len + 7) & ~(size_t)7);
	size_t off = (size_t)*h & (q->cap - 1), skip = 0;
	if (q->cap - off < sizeof *hd || q->cap - off < rlen)
		skip = q->cap - off;
	if ((*h - LD(q->tail)) + skip + rlen > q->cap)
		return false;
	if (skip >= sizeof *hd) {
		struct rec pad = {.rlen = (uint32_t)skip, .len = PAD};
		memcpy(q->buf + off, &pad, sizeof pad);
	}
	*h += skip;
	off = (size_t)*h & (q->cap - 1);
	struct rec r = *hd;
	r.rlen = rlen;
	memcpy(q->buf + off, &r, sizeof r);
	memcpy(q->buf + off + sizeof r, data, hd->len);
	*h += rlen;
	return true;
}

int vn_port_inq_write(struct vn_port_inq *q, struct vn_port_wstate *ws, int dlt, uint32_t max_frame,
		      uint32_t tree, uint64_t vif, const uint8_t *buf, size_t len, bool *kick)
{
	struct vn_port_wstate w = *ws;
	const uint8_t *pkt;
	uint32_t plen;
	unsigned dir;
	size_t used = 0;
	int n = 0, r;

	*kick = false;
	if (vn_pcapng_linktype(dlt) < 0 || len == 0)
		return -EINVAL;
	pthread_mutex_lock(&q->pmu);
	uint64_t h = q->head;
	/* pcapng if the write starts with a known block, then all of it must
	 * be whole blocks; else one raw frame */
	bool blocks = parse_block(&w, dlt, buf, len, &used, &pkt, &plen, &dir) != -ENOENT;
	w = *ws;
	for (size_t off = 0; off < len; off += used) {
		if (blocks) {
			r = parse_block(&w, dlt, buf + off, len - off, &used, &pkt, &plen, &dir);
		} else {
			r = vn_port_parse_write(&w, dlt, buf, len, &pkt, &plen, &dir);
			used = len;
		}
		if (r < 0 || (r == 1 && plen > max_frame)) {
			r = -EINVAL;     /* -ENOENT too: garbage after the blocks */
			goto out;
		}
		if (r == 0)
			continue;
		int ipver;
		const uint8_t *dst;
		vn_port_check_frame(dlt, pkt, plen, &ipver, &dst);
		struct rec hd = {.len = plen, .vif = vif, .tree = tree, .dir = (uint8_t)dir,
				 .ipver = (uint8_t)ipver, .dst_off = dst ? (uint16_t)(dst - pkt) : 0};
		if (!put(q, &h, &hd, pkt)) {
			r = -ENOBUFS;
			goto out;
		}
		n++;
	}
	r = n;
	*ws = w;
	if (n) {
		ST(q->head, h);
		/* Dekker with the drain: head published, then the flag read */
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
		*kick = !__atomic_exchange_n(&q->kicked, 1, __ATOMIC_ACQ_REL);
	}
out:
	pthread_mutex_unlock(&q->pmu);
	return r;
}

size_t vn_port_inq_drain(struct vn_port_inq *q, void (*fn)(void *ctx, const struct vn_port_inj *j),
			 void *ctx)
{
	size_t n = 0;
	/* From here on a commit schedules another drain (Dekker with the
	 * producers: flag cleared, then head read). */
	__atomic_store_n(&q->kicked, 0, __ATOMIC_RELAXED);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	uint64_t t = __atomic_load_n(&q->tail, __ATOMIC_RELAXED), h = LD(q->head);
	while (t != h) {
		size_t off = (size_t)t & (q->cap - 1);
		struct rec r;
		if (q->cap - off < sizeof r) {
			t += q->cap - off;
			continue;
		}
		memcpy(&r, q->buf + off, sizeof r);
		if (r.len != PAD && fn) {
			struct vn_port_inj j = {.vif = r.vif, .tree = r.tree, .len = r.len, .dir = r.dir,
						.ipver = r.ipver, .dst_off = r.dst_off,
						.data = q->buf + off + sizeof r};
			fn(ctx, &j);
		}
		n += r.len != PAD;
		t += r.rlen;
		ST(q->tail, t);          /* its bytes may be written again */
	}
	ST(q->tail, t);
	return n;
}

void vn_port_inq_unkick(struct vn_port_inq *q)
{
	__atomic_store_n(&q->kicked, 0, __ATOMIC_RELEASE);
}

size_t vn_port_inq_pending(struct vn_port_inq *q)
{
	return (size_t)(LD(q->head) - LD(q->tail));
}
