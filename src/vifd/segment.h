/* Software segmentation of GSO super-packets (--offload), for VIFs that look
 * at packets: a filter, a port reader or a VIFlet sees what a wire carries,
 * packets of at most the MTU with complete checksums. Trees without such
 * VIFs keep the super-packets whole (the fast path). */
#ifndef VIFD_SEGMENT_H
#define VIFD_SEGMENT_H

#include <stdbool.h>
#include <stdint.h>

#include "vn_pkt.h"

/* Does a packet whose virtio-net header is vh need finishing: a GSO
 * super-packet, or a partial checksum? */
bool vd_seg_needed(const uint8_t *vh);

/* Cut p (its virtio-net header in the headroom bytes before p->data, its
 * network header at p->l3_off) into wire-sized packets appended to out in
 * order, p itself first, each with a zeroed virtio-net header; or, without
 * GSO, finish its partial checksum. Returns how many packets went to out;
 * -EINVAL for what cannot be segmented (not TCP/UDP over IPv4/IPv6, UFO,
 * bad header, more than 256 segments), -ENOBUFS when the pool ran dry:
 * then nothing went to out and p is unchanged. */
int vd_seg_segment(struct vn_pkt *p, uint32_t headroom, struct vn_pool *pool, struct vn_pktq *out);

/* A packet from pool whose data starts headroom bytes into its buffer. */
struct vn_pkt *vd_seg_pool_get(struct vn_pool *pool, uint32_t headroom);

/* The Internet checksum of n bytes (complemented, host order). */
uint16_t vd_seg_csum(const uint8_t *p, size_t n);

#endif
