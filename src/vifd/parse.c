/* Packet parser: IPv4 (options skipped), IPv6 (hop-by-hop, routing and
 * destination-option headers followed), TCP, UDP, ICMP, ICMPv6. Fragments go
 * nowhere: later fragments carry no ports, and a first fragment alone could
 * send the rest of its datagram to another VIF, so all of them go to the root. */
#include "parse.h"

#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

static inline uint16_t rd16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }

static int l4_ports(uint8_t proto, const uint8_t *l4, uint32_t len, uint16_t *src, uint16_t *dst,
		    int *echo_id)
{
	*echo_id = -1;
	switch (proto) {
	case IPPROTO_TCP:
	case IPPROTO_UDP:
		if (len < 4)
			return -1;
		*src = rd16(l4);
		*dst = rd16(l4 + 2);
		return 0;
	case IPPROTO_ICMP:
	case IPPROTO_ICMPV6:
		if (len < 8)
			return -1;
		*src = *dst = 0;
		/* echo request/reply: 8/0 (ICMP), 128/129 (ICMPv6) */
		if ((proto == IPPROTO_ICMP && (l4[0] == 8 || l4[0] == 0)) ||
		    (proto == IPPROTO_ICMPV6 && (l4[0] == 128 || l4[0] == 129)))
			*echo_id = rd16(l4 + 4);
		return 0;
	default:
		return -1;
	}
}

/* Inlined into parse4 and parse6, so that alen is a constant there and the
 * copies are a few moves instead of calls (twice per packet: egress and
 * the peer's ingress). */
static inline __attribute__((always_inline)) void orient(struct vn_flow *f, enum vn_dir dir, const uint8_t *sa, const uint8_t *da,
		   size_t alen, uint16_t sp, uint16_t dp, int echo_id)
{
	memset(f->laddr, 0, sizeof f->laddr);
	memset(f->raddr, 0, sizeof f->raddr);
	if (dir == VN_EGRESS) {
		memcpy(f->laddr, sa, alen);
		memcpy(f->raddr, da, alen);
		f->lport = sp;
		f->rport = dp;
	} else {
		memcpy(f->laddr, da, alen);
		memcpy(f->raddr, sa, alen);
		f->lport = dp;
		f->rport = sp;
	}
	if (echo_id >= 0) {
		f->lport = (uint16_t)echo_id;
		f->rport = 0;
	}
}

static int parse4(const uint8_t *p, uint32_t len, enum vn_dir dir, struct vn_flow *f)
{
	if (len < 20)
		return -1;
	uint32_t ihl = (uint32_t)(p[0] & 0x0f) * 4;
	if (ihl < 20 || ihl > len)
		return -1;
	uint32_t tot = rd16(p + 2);
	if (tot < ihl)
		return -1;
	if (tot < len)
		len = tot;                 /* ignore link padding */
	if (rd16(p + 6) & 0x3fff)          /* MF or a fragment offset */
		return -1;
	uint16_t sp, dp;
	int echo;
	if (l4_ports(p[9], p + ihl, len - ihl, &sp, &dp, &echo))
		return -1;
	f->family = AF_INET;
	f->proto = p[9];
	orient(f, dir, p + 12, p + 16, 4, sp, dp, echo);
	return 0;
}

static int parse6(const uint8_t *p, uint32_t len, enum vn_dir dir, struct vn_flow *f)
{
	if (len < 40)
		return -1;
	uint32_t plen = rd16(p + 4);
	if (40 + plen < len)
		len = 40 + plen;
	uint8_t nh = p[6];
	uint32_t off = 40;
	for (int hops = 0; hops < 8; hops++) {
		if (nh == 0 || nh == 43 || nh == 60) {   /* hop-by-hop, routing, dest opts */
			if (off + 8 > len)
				return -1;
			uint32_t hl = ((uint32_t)p[off + 1] + 1) * 8;
			nh = p[off];
			off += hl;
			if (off > len)
				return -1;
			continue;
		}
		if (nh == 44)                                /* fragment */
			return -1;
		uint16_t sp, dp;
		int echo;
		if (l4_ports(nh, p + off, len - off, &sp, &dp, &echo))
			return -1;
		f->family = AF_INET6;
		f->proto = nh;
		orient(f, dir, p + 8, p + 24, 16, sp, dp, echo);
		return 0;
	}
	return -1;
}

int vd_parse_flow(const uint8_t *l3, uint32_t len, enum vn_dir dir, struct vn_flow *f)
{
	if (!l3 || len < 1)
		return -1;
	switch (l3[0] >> 4) {
	case 4:
		return parse4(l3, len, dir, f);
	case 6:
		return parse6(l3, len, dir, f);
	default:
		return -1;
	}
}
