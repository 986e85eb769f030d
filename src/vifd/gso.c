/* Offloads (--offload): the virtio-net header in front of every frame of a
 * device opened with IFF_VNET_HDR, and the wire bytes of a GSO super-packet.
 *
 * With TUNSETOFFLOAD(TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6) the host stack
 * hands vifd TCP super-packets of up to 64 KB (one header, gso_size bytes of
 * payload per segment) with a partial checksum. vifd carries them whole and
 * writes them, header and all, into the peer device, whose stack takes them
 * as one large segment (as GRO would have made). What the caps charge is what
 * the segments would cost on a wire: the payload plus one copy of the
 * headers per segment. */
#include <linux/virtio_net.h>
#include <string.h>

#include "vifd.h"

uint32_t vd_gso_wire_len(const uint8_t *vh, const uint8_t *frame, uint32_t len, int l3off)
{
	struct virtio_net_hdr h;
	memcpy(&h, vh, sizeof h);
	unsigned type = h.gso_type & ~VIRTIO_NET_HDR_GSO_ECN;
	uint32_t mss = h.gso_size;     /* little-endian: the host's order on x86 */
	if (type == VIRTIO_NET_HDR_GSO_NONE || mss == 0 || l3off < 0 || (uint32_t)l3off >= len)
		return len;
	/* Headers repeated in each segment: link, IP and transport. The
	 * header's hdr_len is only a hint; measure them. */
	const uint8_t *ip = frame + l3off;
	uint32_t room = len - (uint32_t)l3off, iphl, proto;
	if ((ip[0] >> 4) == 4 && room >= 20) {
		iphl = (uint32_t)(ip[0] & 15) * 4;
		proto = ip[9];
	} else if ((ip[0] >> 4) == 6 && room >= 40) {
		iphl = 40;
		proto = ip[6];
	} else {
		return len;
	}
	uint32_t l4hl;
	if (proto == 6 && room >= iphl + 20)
		l4hl = (uint32_t)(ip[iphl + 12] >> 4) * 4;
	else if (proto == 17)
		l4hl = 8;
	else
		return len;                /* extension headers etc.: charge what we hold */
	uint32_t hdrs = (uint32_t)l3off + iphl + l4hl;
	if (hdrs >= len)
		return len;
	uint32_t payload = len - hdrs;
	uint32_t segs = (payload + mss - 1) / mss;
	return len + (segs - 1) * hdrs;
}
