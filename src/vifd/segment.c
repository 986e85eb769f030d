/* Software segmentation (--offload): a GSO super-packet cut into the packets
 * a wire would carry, for VIFs that look at packets (segment.h).
 *
 * Each segment is the super-packet's headers (link, IP, TCP or UDP) followed
 * by gso_size bytes of its payload (the last one gets the rest), made what
 * the kernel's own GSO would have made:
 *   IPv4  total length, an identifier counting up from the first, the
 *         header checksum;
 *   IPv6  payload length;
 *   TCP   sequence number advanced by the payload before it; FIN and PSH
 *         only on the last segment, CWR only on the first;
 *   UDP   length (each segment is a datagram of its own, as UDP_SEGMENT
 *         sends them);
 * and a full TCP/UDP checksum (the host left a partial one: the pseudo-
 * header sum for the device to finish). A packet with a partial checksum
 * and no GSO gets its checksum finished the same way. The first segment
 * stays in the super-packet's buffer; the others come from the pool. */
#include "segment.h"

#include <errno.h>
#include <linux/virtio_net.h>
#include <string.h>

#ifndef VIRTIO_NET_HDR_GSO_UDP_L4
#define VIRTIO_NET_HDR_GSO_UDP_L4 5        /* Linux 4.18; older headers lack it */
#endif
#define SEG_MAX 256                /* more segments than a 64 KB packet at MSS 256: refused */

static inline uint16_t rd16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }
static inline uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}
static inline void wr16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}
static inline void wr32(uint8_t *p, uint32_t v)
{
	wr16(p, (uint16_t)(v >> 16));
	wr16(p + 2, (uint16_t)v);
}

/* One's-complement sum of n bytes, added to sum (not folded). */
static uint64_t csum_add(uint64_t sum, const uint8_t *p, size_t n)
{
	while (n >= 4) {
		sum += rd32(p);
		p += 4;
		n -= 4;
	}
	if (n >= 2) {
		sum += rd16(p);
		p += 2;
		n -= 2;
	}
	if (n)
		sum += (uint32_t)p[0] << 8;
	return sum;
}

static uint16_t csum_fold(uint64_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

uint16_t vd_seg_csum(const uint8_t *p, size_t n)
{
	return csum_fold(csum_add(0, p, n));
}

/* The layout of a TCP or UDP packet over IPv4/IPv6. */
struct layout {
	uint32_t l3, l4, hdrs;     /* offsets: network header, transport header, payload */
	uint8_t proto;
	bool v6;
};

static int find_layout(const uint8_t *f, uint32_t len, uint32_t l3, struct layout *o)
{
	if (l3 >= len)
		return -1;
	const uint8_t *ip = f + l3;
	uint32_t room = len - l3, off;
	uint8_t nh;
	if ((ip[0] >> 4) == 4) {
		off = (uint32_t)(ip[0] & 15) * 4;
		if (room < 20 || off < 20 || off > room || (rd16(ip + 6) & 0x3fff))
			return -1;
		nh = ip[9];
		o->v6 = false;
	} else if ((ip[0] >> 4) == 6) {
		if (room < 40)
			return -1;
		nh = ip[6];
		off = 40;
		/* hop-by-hop, routing, destination options: skipped */
		for (int k = 0; k < 8 && (nh == 0 || nh == 43 || nh == 60); k++) {
			if (off + 8 > room)
				return -1;
			nh = ip[off];
			off += ((uint32_t)ip[off + 1] + 1) * 8;
		}
		o->v6 = true;
	} else {
		return -1;
	}
	uint32_t l4hl;
	if (nh == 6 && off + 20 <= room)
		l4hl = (uint32_t)(ip[off + 12] >> 4) * 4;
	else if (nh == 17)
		l4hl = 8;
	else
		return -1;
	if (l4hl < 8 || off + l4hl > room)
		return -1;
	o->l3 = l3;
	o->l4 = l3 + off;
	o->hdrs = o->l4 + l4hl;
	o->proto = nh;
	return 0;
}

/* Lengths, identifier and checksums of the packet f (len bytes) of layout
 * o: segment k of nseg, whose payload starts `done` bytes into the whole. */
static void fix_headers(uint8_t *f, uint32_t len, const struct layout *o, unsigned k, unsigned nseg,
			uint32_t done, uint16_t id0, uint32_t seq0)
{
	uint8_t *ip = f + o->l3, *l4 = f + o->l4;
	uint32_t l4len = len - o->l4;
	uint64_t sum;
	if (!o->v6) {
		wr16(ip + 2, (uint16_t)(len - o->l3));
		wr16(ip + 4, (uint16_t)(id0 + k));
		wr16(ip + 10, 0);
		wr16(ip + 10, vd_seg_csum(ip, (size_t)(ip[0] & 15) * 4));
		sum = csum_add(0, ip + 12, 8);            /* addresses */
	} else {
		wr16(ip + 4, (uint16_t)(len - o->l3 - 40));
		sum = csum_add(0, ip + 8, 32);
	}
	sum += o->proto;
	sum += l4len;
	if (o->proto == 6) {
		wr32(l4 + 4, seq0 + done);
		uint8_t fl = l4[13];
		if (k + 1 < nseg)
			fl &= (uint8_t)~0x09;                /* FIN, PSH: last segment only */
		if (k > 0)
			fl &= (uint8_t)~0x80;                /* CWR: first segment only */
		l4[13] = fl;
		wr16(l4 + 16, 0);
		wr16(l4 + 16, csum_fold(csum_add(sum, l4, l4len)));
	} else {
		wr16(l4 + 4, (uint16_t)l4len);
		wr16(l4 + 6, 0);
		uint16_t c = csum_fold(csum_add(sum, l4, l4len));
		wr16(l4 + 6, c ? c : 0xffff);
	}
}

bool vd_seg_needed(const uint8_t *vh)
{
	struct virtio_net_hdr h;
	memcpy(&h, vh, sizeof h);
	return h.gso_type != VIRTIO_NET_HDR_GSO_NONE || (h.flags & VIRTIO_NET_HDR_F_NEEDS_CSUM);
}

struct vn_pkt *vd_seg_pool_get(struct vn_pool *pool, uint32_t headroom)
{
	struct vn_pkt *p = vn_pool_get(pool);
	/* The pool keeps data and cap across put/get: move them past the
	 * headroom on a packet's first use. */
	if (p && headroom && p->cap == vn_pool_bufsize(pool)) {
		p->data += headroom;
		p->cap -= headroom;
	}
	return p;
}

/* Finish a partial checksum: the sum from csum_start to the end, where the
 * field at csum_start + csum_offset holds the pseudo-header's sum. */
static int finish_csum(struct vn_pkt *p, const struct virtio_net_hdr *h)
{
	uint32_t start = h->csum_start, at = start + h->csum_offset;
	if (start >= p->len || at + 2 > p->len)
		return -EINVAL;
	uint16_t c = csum_fold(csum_add(0, p->data + start, p->len - start));
	/* UDP (the field 6 bytes in) sends a zero sum as all ones */
	wr16(p->data + at, c == 0 && h->csum_offset == 6 ? 0xffff : c);
	return 0;
}

int vd_seg_segment(struct vn_pkt *p, uint32_t headroom, struct vn_pool *pool, struct vn_pktq *out)
{
	uint8_t *vh = p->data - headroom;
	struct virtio_net_hdr h;
	memcpy(&h, vh, sizeof h);
	unsigned type = h.gso_type & (unsigned)~VIRTIO_NET_HDR_GSO_ECN;
	if (type == VIRTIO_NET_HDR_GSO_NONE) {
		if ((h.flags & VIRTIO_NET_HDR_F_NEEDS_CSUM) && finish_csum(p, &h))
			return -EINVAL;
		memset(vh, 0, headroom);
		vn_pktq_push(out, p);
		return 1;
	}
	struct layout o;
	if (p->l3_off == VN_L3_NONE || find_layout(p->data, p->len, p->l3_off, &o))
		return -EINVAL;
	bool tcp = type == VIRTIO_NET_HDR_GSO_TCPV4 || type == VIRTIO_NET_HDR_GSO_TCPV6;
	if (type == VIRTIO_NET_HDR_GSO_UDP_L4 ? o.proto != 17 : !tcp || o.proto != 6)
		return -EINVAL;            /* UFO (IP fragments) is never asked for */
	uint32_t mss = h.gso_size, payload = p->len - o.hdrs;
	if (mss == 0 || o.hdrs >= p->len)
		return -EINVAL;
	uint32_t nseg = (payload + mss - 1) / mss;
	if (nseg > SEG_MAX)
		return -EINVAL;
	/* All buffers first: a pool running dry leaves p as it was. */
	struct vn_pkt *seg[SEG_MAX];
	seg[0] = p;
	for (uint32_t k = 1; k < nseg; k++) {
		seg[k] = vd_seg_pool_get(pool, headroom);
		if (!seg[k] || seg[k]->cap < o.hdrs + mss) {
			for (uint32_t j = 1; j <= k; j++)
				if (seg[j])
					vn_pool_put(pool, seg[j]);
			return -ENOBUFS;
		}
	}
	uint16_t id0 = o.v6 ? 0 : rd16(p->data + o.l3 + 4);
	uint32_t seq0 = tcp ? rd32(p->data + o.l4 + 4) : 0;
	/* Later segments first: the first keeps its payload in place. */
	for (uint32_t k = nseg; k-- > 0;) {
		struct vn_pkt *q = seg[k];
		uint32_t done = k * mss, n = payload - done < mss ? payload - done : mss;
		if (k > 0) {
			memcpy(q->data, p->data, o.hdrs);
			memcpy(q->data + o.hdrs, p->data + o.hdrs + done, n);
			q->dir = p->dir;
			q->flags = p->flags;
			q->ifindex = p->ifindex;
			q->pid = p->pid;
			q->sock = p->sock;
			q->vif = p->vif;
			q->l3_off = p->l3_off;
			q->arrival = p->arrival;
			q->seq = p->seq;
			q->user = p->user;
		}
		q->len = q->wire_len = o.hdrs + n;
		fix_headers(q->data, q->len, &o, k, nseg, done, id0, seq0);
		memset(q->data - headroom, 0, headroom);   /* a plain packet now */
	}
	for (uint32_t k = 0; k < nseg; k++)
		vn_pktq_push(out, seg[k]);
	return (int)nseg;
}
