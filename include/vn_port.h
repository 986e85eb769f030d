/* vn_port — live per-VIF capture streams and the checks of diverted writes
 * (SPEC section 7 `port`, seed IV.2).
 *
 * Each reader (one open of a VIF's `port`) owns a bounded byte ring that
 * holds a pcapng stream: a Section Header and an Interface Description are in
 * it from the start, then one Enhanced Packet Block per packet passing the
 * VIF (both directions, epb_flags direction bits, "pid=N comm=NAME" comment
 * when the packet's process is known), and an Interface Statistics Block when
 * the stream ends because the VIF went away.
 *
 * Threads: the tree's thread (vifd's data path) is the only producer; one
 * consumer thread per reader. The producer never waits: a block that does not
 * fit in a reader's ring is dropped for that reader and counted. The ring is
 * single-producer single-consumer with two indices (no lock); a consumer that
 * wants to sleep arms a wake-up, which the producer delivers by calling the
 * reader's wake function once (e.g. an eventfd write) after its next block.
 *
 * The port of a VIF is created by its first reader and installed as the VIF's
 * tap (vn_vif_set_tap); with no reader left, the tap is unset (one branch per
 * packet) and the port keeps only its counters. It is freed with the VIF;
 * readers still attached then get the statistics block and end of stream. */
#ifndef VN_PORT_H
#define VN_PORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vn_pkt.h"
#include "vn_vif.h"

struct vn_port_reader;

#define VN_PORT_RING_DEFAULT (1u << 20)
#define VN_PORT_SNAPLEN 65535u

/* --- any thread (before attach / after detach) --- */

/* A reader with a ring of ring_bytes (rounded up to a power of two, at least
 * 64 KiB) already holding the stream's headers for link type dlt (DLT_*) and
 * interface name `name` (e.g. "vna:a/b"). NULL on ENOMEM or unknown dlt. */
struct vn_port_reader *vn_port_reader_new(size_t ring_bytes, int dlt, const char *name);
void vn_port_reader_free(struct vn_port_reader *r);
/* fn(ctx) is called on the producer's thread when an armed reader gets data
 * or its end; it must not block. */
void vn_port_reader_set_wake(struct vn_port_reader *r, void (*fn)(void *ctx), void *ctx);

/* --- the tree's thread --- */

/* The comment of a packet's EPB ("pid=12 comm=iperf3"), or 0 for none. */
typedef size_t (*vn_port_comment_fn)(void *ctx, const struct vn_pkt *p, char *buf, size_t n);

/* Start feeding r with the packets of v from now on. 0 or -ENOMEM. */
int vn_port_attach(struct vn_vif *v, struct vn_port_reader *r, vn_port_comment_fn fn, void *ctx);
/* Stop feeding r (no-op if it is not attached to v). Afterwards the producer
 * never touches r again. */
void vn_port_detach(struct vn_vif *v, struct vn_port_reader *r);

struct vn_port_stats {
	uint64_t readers;    /* attached now */
	uint64_t captured;   /* packets the port saw (with at least one reader) */
	uint64_t drops;      /* blocks lost by slow readers, all readers ever */
};
/* false if v never had a reader. */
bool vn_port_stats(const struct vn_vif *v, struct vn_port_stats *st);
/* "port_readers N\nport_captured N\nport_drops N\n" (empty if never had a
 * reader); snprintf semantics. */
int vn_port_stats_format(const struct vn_vif *v, char *buf, size_t n);

/* --- the reader's consumer thread --- */

/* Up to n bytes of the stream (whole blocks or not: it is a byte stream). */
size_t vn_port_read(struct vn_port_reader *r, void *buf, size_t n);
/* Bytes waiting to be read. */
size_t vn_port_pending(const struct vn_port_reader *r);
/* Bytes waiting, or the end of the stream (VIF gone) reached. */
bool vn_port_readable(const struct vn_port_reader *r);
/* The VIF went away and everything has been read: end of file. */
bool vn_port_at_end(const struct vn_port_reader *r);
/* Ask for one wake-up. Returns true if the reader is readable already (then
 * read instead of sleeping; a wake-up may still come). */
bool vn_port_arm(struct vn_port_reader *r);
uint64_t vn_port_reader_packets(const struct vn_port_reader *r);   /* offered to this reader */
uint64_t vn_port_reader_drops(const struct vn_port_reader *r);

/* --- writes (diverting) --- */

/* What one open has declared by writing pcapng header blocks. */
struct vn_port_wstate {
	unsigned nif;
	int linktype[16];
};

/* One write(2) to `port` of a device of link type dlt: a raw frame of that
 * link type, or one pcapng block (SHB, IDB, EPB, ISB) in host byte order.
 * Returns 1 with the packet in *pkt and *plen and its direction in *dir
 * (VN_DIR_... as VN_PCAPNG_DIR_IN/OUT, or VN_PCAPNG_DIR_NONE: the caller
 * decides from the destination), 0 for a header block that carries no packet,
 * -EINVAL for anything malformed: a truncated packet (IP length beyond the
 * write, or EPB caplen < origlen), an oversized one (> VN_PORT_SNAPLEN), a
 * frame or interface of another link type, garbage. */
int vn_port_parse_write(struct vn_port_wstate *ws, int dlt, const uint8_t *buf, size_t len,
			const uint8_t **pkt, uint32_t *plen, unsigned *dir);
/* Check a frame of link type dlt: 0 with its IP version (4/6, or 0 for a
 * non-IP Ethernet frame) and destination address (4 or 16 bytes at *dst), or
 * -EINVAL. */
int vn_port_check_frame(int dlt, const uint8_t *f, uint32_t len, int *ipver, const uint8_t **dst);

/* --- the injection queue: written packets on their way to the data path ---
 *
 * A byte ring of records (packet, direction, destination, the VIF it was
 * written to), filled by the writers of ports (any threads: they take the
 * queue's producer lock, which the data path never takes) and drained by one
 * consumer, the tree's thread, without a lock. A write is queued whole or not
 * at all: its records become visible together when it is committed. The
 * queue asks for the consumer to be scheduled once per batch: a commit returns
 * true when nobody has scheduled it since its last drain. */
struct vn_port_inq;

struct vn_port_inj {
	uint64_t vif;          /* VIF id (vn_vif_id) */
	uint32_t tree;         /* the interface's index */
	uint32_t len;
	uint8_t dir;           /* VN_PCAPNG_DIR_... of the block, or NONE */
	uint8_t ipver;         /* 4, 6 or 0 (non-IP frame) */
	uint16_t dst_off;      /* destination address in data (ipver != 0) */
	const uint8_t *data;   /* in the queue: valid during the consumer's call */
};

/* A queue of bytes (rounded up to a power of two, at least 64 KiB). */
struct vn_port_inq *vn_port_inq_new(size_t bytes);
void vn_port_inq_free(struct vn_port_inq *q);

/* One write(2) to the port of VIF `vif` of tree `tree`, device link type
 * dlt, frames of at most max_frame bytes: a raw frame, or a sequence of whole
 * pcapng blocks (SHB, IDB, EPB, ISB; each checked as by vn_port_parse_write,
 * the header blocks updating *ws). Everything is checked before anything is
 * queued: the number of packets queued (0: header blocks only), -EINVAL for
 * anything malformed (nothing queued, *ws unchanged) or -ENOBUFS when the
 * queue has no room for the whole write. *kick: the caller must schedule
 * vn_port_inq_drain on the consumer's thread. */
int vn_port_inq_write(struct vn_port_inq *q, struct vn_port_wstate *ws, int dlt, uint32_t max_frame,
		      uint32_t tree, uint64_t vif, const uint8_t *buf, size_t len, bool *kick);
/* The consumer: fn(ctx, j) for every committed packet, in order, then the
 * queue is open for the next batch. Returns the number of packets. */
size_t vn_port_inq_drain(struct vn_port_inq *q, void (*fn)(void *ctx, const struct vn_port_inj *j),
			 void *ctx);
/* Scheduling the drain a commit asked for failed: the next commit asks again. */
void vn_port_inq_unkick(struct vn_port_inq *q);
/* Bytes committed and not yet drained. */
size_t vn_port_inq_pending(struct vn_port_inq *q);

#endif
