/* pcapng blocks: a small writer (SHB, IDB, EPB, ISB) and a parser of one
 * block at a time (what a port write carries). Host byte order throughout;
 * every block is a multiple of 4 bytes with its length at both ends. */
#include <errno.h>
#include <string.h>

#include "vn_pcapng.h"

#define OPT_END 0
#define OPT_COMMENT 1
#define SHB_USERAPPL 4
#define IF_NAME 2
#define IF_TSRESOL 9
#define EPB_FLAGS 2
#define ISB_STARTTIME 2
#define ISB_ENDTIME 3
#define ISB_IFRECV 4
#define ISB_IFDROP 5

static uint32_t pad4(uint32_t n) { return (n + 3u) & ~3u; }

/* A cursor that writes nothing past its end (the caller checked the size). */
struct out {
	uint8_t *p;
};

static void put32(struct out *o, uint32_t v) { memcpy(o->p, &v, 4); o->p += 4; }
static void put16(struct out *o, uint16_t v) { memcpy(o->p, &v, 2); o->p += 2; }
static void put64(struct out *o, uint64_t v) { memcpy(o->p, &v, 8); o->p += 8; }
static void putbytes(struct out *o, const void *d, uint32_t n)
{
	if (n)
		memcpy(o->p, d, n);
	memset(o->p + n, 0, pad4(n) - n);
	o->p += pad4(n);
}
static void putopt(struct out *o, uint16_t code, const void *d, uint32_t n)
{
	put16(o, code);
	put16(o, (uint16_t)n);
	putbytes(o, d, n);
}
static uint32_t optlen(uint32_t n) { return 4 + pad4(n); }

int vn_pcapng_linktype(int dlt)
{
	switch (dlt) {
	case 1: return 1;            /* Ethernet */
	case 12: return 101;         /* DLT_RAW (Linux) -> LINKTYPE_RAW */
	case 14: return 101;         /* DLT_RAW (BSD) */
	case 101: return 101;
	case 228: return 228;        /* IPv4 */
	case 229: return 229;        /* IPv6 */
	default: return -1;
	}
}

int vn_pcapng_dlt(int linktype)
{
	switch (linktype) {
	case 1: return 1;
	case 101: return 12;
	case 228: return 228;
	case 229: return 229;
	default: return -1;
	}
}

size_t vn_pcapng_shb(uint8_t *buf, size_t n, const char *app)
{
	uint32_t alen = app ? (uint32_t)strnlen(app, 256) : 0;
	uint32_t len = 28 + (alen ? optlen(alen) : 0) + 4;
	if (len > n)
		return len;
	struct out o = {buf};
	put32(&o, VN_PCAPNG_SHB);
	put32(&o, len);
	put32(&o, VN_PCAPNG_MAGIC);
	put16(&o, 1);
	put16(&o, 0);
	put64(&o, UINT64_MAX);       /* section length unknown: a live stream */
	if (alen)
		putopt(&o, SHB_USERAPPL, app, alen);
	put32(&o, OPT_END);
	put32(&o, len);
	return len;
}

size_t vn_pcapng_idb(uint8_t *buf, size_t n, int linktype, uint32_t snaplen, const char *name)
{
	uint32_t nlen = name ? (uint32_t)strnlen(name, 256) : 0;
	uint32_t len = 16 + (nlen ? optlen(nlen) : 0) + optlen(1) + 4 + 4;
	if (len > n)
		return len;
	struct out o = {buf};
	uint8_t tsresol = 9;         /* 10^-9 s */
	put32(&o, VN_PCAPNG_IDB);
	put32(&o, len);
	put16(&o, (uint16_t)linktype);
	put16(&o, 0);
	put32(&o, snaplen);
	if (nlen)
		putopt(&o, IF_NAME, name, nlen);
	putopt(&o, IF_TSRESOL, &tsresol, 1);
	put32(&o, OPT_END);
	put32(&o, len);
	return len;
}

size_t vn_pcapng_epb(uint8_t *buf, size_t n, uint32_t ifid, uint64_t ts_ns, const uint8_t *data,
		     uint32_t caplen, uint32_t origlen, uint32_t dir, const char *comment, size_t clen)
{
	if (!comment || clen > 0xffff)
		clen = 0;
	uint32_t len = 28 + pad4(caplen) + optlen(4) + (clen ? optlen((uint32_t)clen) : 0) + 4 + 4;
	if (len > n)
		return len;
	struct out o = {buf};
	put32(&o, VN_PCAPNG_EPB);
	put32(&o, len);
	put32(&o, ifid);
	put32(&o, (uint32_t)(ts_ns >> 32));
	put32(&o, (uint32_t)ts_ns);
	put32(&o, caplen);
	put32(&o, origlen);
	putbytes(&o, data, caplen);
	putopt(&o, EPB_FLAGS, &dir, 4);
	if (clen)
		putopt(&o, OPT_COMMENT, comment, (uint32_t)clen);
	put32(&o, OPT_END);
	put32(&o, len);
	return len;
}

size_t vn_pcapng_isb(uint8_t *buf, size_t n, uint32_t ifid, uint64_t ts_ns, uint64_t start_ns,
		     uint64_t recv, uint64_t drop)
{
	uint32_t len = VN_PCAPNG_ISB_LEN;
	if (len > n)
		return len;
	struct out o = {buf};
	/* pcapng timestamps are two 32-bit halves, high first */
	uint32_t st[2] = {(uint32_t)(start_ns >> 32), (uint32_t)start_ns};
	uint32_t en[2] = {(uint32_t)(ts_ns >> 32), (uint32_t)ts_ns};
	put32(&o, VN_PCAPNG_ISB);
	put32(&o, len);
	put32(&o, ifid);
	put32(&o, en[0]);
	put32(&o, en[1]);
	putopt(&o, ISB_STARTTIME, st, 8);
	putopt(&o, ISB_ENDTIME, en, 8);
	putopt(&o, ISB_IFRECV, &recv, 8);
	putopt(&o, ISB_IFDROP, &drop, 8);
	put32(&o, OPT_END);
	put32(&o, len);
	return len;
}

static uint32_t get32(const uint8_t *p) { uint32_t v; memcpy(&v, p, 4); return v; }
static uint16_t get16(const uint8_t *p) { uint16_t v; memcpy(&v, p, 2); return v; }

/* Walk the options in [p, end): the EPB's flags and first comment. */
static int parse_opts(const uint8_t *p, const uint8_t *end, struct vn_pcapng_block *b)
{
	while (p < end) {
		if (end - p < 4)
			return -EINVAL;
		uint16_t code = get16(p), olen = get16(p + 2);
		p += 4;
		if (code == OPT_END)
			return 0;
		if ((size_t)(end - p) < pad4(olen))
			return -EINVAL;
		if (b->type == VN_PCAPNG_EPB && code == EPB_FLAGS) {
			if (olen != 4)
				return -EINVAL;
			b->flags = get32(p);
		} else if (code == OPT_COMMENT && !b->comment) {
			b->comment = (const char *)p;
			b->clen = olen;
		}
		p += pad4(olen);
	}
	return 0;
}

int vn_pcapng_parse(const uint8_t *buf, size_t len, struct vn_pcapng_block *b)
{
	memset(b, 0, sizeof *b);
	if (len < 8)
		return len == 0 ? -EINVAL : -EAGAIN;
	b->type = get32(buf);
	b->len = get32(buf + 4);
	if (b->type == VN_PCAPNG_SHB && len >= 12 && get32(buf + 8) != VN_PCAPNG_MAGIC)
		return -EINVAL;          /* the other byte order (or not pcapng) */
	if (b->len < 12 || b->len % 4 || b->len > (1u << 24))
		return -EINVAL;
	if (b->len > len)
		return -EAGAIN;
	if (get32(buf + b->len - 4) != b->len)
		return -EINVAL;
	const uint8_t *end = buf + b->len - 4;
	switch (b->type) {
	case VN_PCAPNG_SHB:
		if (b->len < 28 || get16(buf + 12) != 1)
			return -EINVAL;
		return parse_opts(buf + 24, end, b);
	case VN_PCAPNG_IDB:
		if (b->len < 20)
			return -EINVAL;
		b->linktype = get16(buf + 8);
		b->snaplen = get32(buf + 12);
		return parse_opts(buf + 16, end, b);
	case VN_PCAPNG_EPB:
		if (b->len < 32)
			return -EINVAL;
		b->ifid = get32(buf + 8);
		b->ts = (uint64_t)get32(buf + 12) << 32 | get32(buf + 16);
		b->caplen = get32(buf + 20);
		b->origlen = get32(buf + 24);
		if (b->caplen > b->len - 32 || pad4(b->caplen) > b->len - 32)
			return -EINVAL;
		b->data = buf + 28;
		return parse_opts(buf + 28 + pad4(b->caplen), end, b);
	default:
		return 0;
	}
}
