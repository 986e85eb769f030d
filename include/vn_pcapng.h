/* vn_pcapng — writing and parsing single pcapng blocks (the port's stream).
 *
 * libpcap reads pcapng but cannot write it, and a port stream needs what
 * only pcapng carries: a direction per packet (epb_flags) and a comment with
 * the process. Blocks are written in host byte order, as a stream: a Section
 * Header (length unknown), one Interface Description (nanosecond
 * timestamps), Enhanced Packet Blocks, and an Interface Statistics Block when
 * the stream ends. Format: draft-ietf-opsawg-pcapng.
 *
 * Writers follow snprintf: they return the block's length and write it only
 * if it fits in n bytes (nothing is written otherwise). Pure functions: no
 * allocation, any thread. */
#ifndef VN_PCAPNG_H
#define VN_PCAPNG_H

#include <stddef.h>
#include <stdint.h>

#define VN_PCAPNG_SHB 0x0A0D0D0Au
#define VN_PCAPNG_IDB 1u
#define VN_PCAPNG_ISB 5u
#define VN_PCAPNG_EPB 6u
#define VN_PCAPNG_MAGIC 0x1A2B3C4Du

/* epb_flags bits 0-1: the direction. */
#define VN_PCAPNG_DIR_NONE 0u
#define VN_PCAPNG_DIR_IN 1u
#define VN_PCAPNG_DIR_OUT 2u

/* Longest block of each kind for a packet of caplen bytes and a comment of
 * clen bytes (sizes to reserve). */
#define VN_PCAPNG_EPB_MAX(caplen, clen) (28u + (((caplen) + 3u) & ~3u) + 8u + 4u + (((clen) + 3u) & ~3u) + 4u + 4u)
#define VN_PCAPNG_ISB_LEN 76u

/* The pcapng/pcap LINKTYPE_ value of a libpcap DLT_ value (they differ for
 * DLT_RAW: 12 on Linux, LINKTYPE_RAW 101), and back; -1 if unknown. */
int vn_pcapng_linktype(int dlt);
int vn_pcapng_dlt(int linktype);

size_t vn_pcapng_shb(uint8_t *buf, size_t n, const char *app);
/* Interface 0 of the stream: link type (LINKTYPE_), name (e.g. "vna:a/b"). */
size_t vn_pcapng_idb(uint8_t *buf, size_t n, int linktype, uint32_t snaplen, const char *name);
/* ts_ns: nanoseconds since the epoch; dir: VN_PCAPNG_DIR_*; comment may be
 * NULL or empty (then no opt_comment). */
size_t vn_pcapng_epb(uint8_t *buf, size_t n, uint32_t ifid, uint64_t ts_ns, const uint8_t *data,
		     uint32_t caplen, uint32_t origlen, uint32_t dir, const char *comment, size_t clen);
/* isb_starttime, isb_endtime, isb_ifrecv, isb_ifdrop: always VN_PCAPNG_ISB_LEN bytes. */
size_t vn_pcapng_isb(uint8_t *buf, size_t n, uint32_t ifid, uint64_t ts_ns, uint64_t start_ns,
		     uint64_t recv, uint64_t drop);

/* One parsed block. Pointers point into the parsed buffer. */
struct vn_pcapng_block {
	uint32_t type;
	uint32_t len;               /* the block's total length */
	/* IDB */
	int linktype;
	uint32_t snaplen;
	/* EPB */
	uint32_t ifid;
	uint64_t ts;                /* raw 64-bit timestamp, in the IDB's units */
	const uint8_t *data;
	uint32_t caplen, origlen;
	uint32_t flags;             /* epb_flags, 0 if absent */
	const char *comment;        /* first opt_comment, not NUL-terminated */
	uint32_t clen;
};

/* Parse the block at buf (host byte order) of at most len bytes: 0 and b
 * filled, or -EINVAL (bad type or length, lengths that disagree, options
 * running past the block, a section header of the other byte order or
 * version), or -EAGAIN when more bytes are needed (len too short for the
 * block the header announces). Unknown block types parse with only type and
 * len set. */
int vn_pcapng_parse(const uint8_t *buf, size_t len, struct vn_pcapng_block *b);

#endif
