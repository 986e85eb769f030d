/* vn_pkt — packet buffers and their metadata, from a preallocated pool.
 *
 * A packet is a plain record (like an mbuf/sk_buff): its fields are public so
 * the data path reads them without calls. The pool hands out buffers from a
 * free list; the address space for its maximum is reserved at creation and
 * the list is extended over it in rare chunks (no allocation, ever, after
 * vn_pool_new); it never shrinks. Single-threaded: one owner thread per pool. */
#ifndef VN_PKT_H
#define VN_PKT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vn_clock.h"

enum vn_dir { VN_EGRESS = 0, VN_INGRESS = 1 };
#define VN_NDIR 2

#define VN_L3_NONE 0xffff    /* network header not found */

struct vn_vif;

struct vn_pkt {
	struct vn_pkt *next;      /* link while in a queue */
	uint8_t *data;            /* frame as on the device (link type of its interface) */
	uint32_t len;             /* bytes present at data */
	uint32_t wire_len;        /* bytes on the wire, charged by caps (>= len for truncated traces,
	                             the sum of segments for GSO super-packets) */
	uint32_t cap;             /* buffer capacity */
	uint16_t l3_off;          /* offset of the IPv4/IPv6 header, or VN_L3_NONE */
	uint8_t dir;              /* enum vn_dir */
	uint8_t flags;            /* VN_PKT_F_* */
	uint32_t ifindex;         /* interface (device) the packet belongs to */
	int32_t pid;              /* sending/receiving process, 0 if unknown */
	int32_t sock;             /* socket (fd in pid), -1 if unknown */
	uint8_t from_depth;       /* with VN_PKT_F_DIVERTED: depth of the VIF whose
	                             port it was written to */
	struct vn_vif *vif;       /* VIF the packet is attached to; its cached path
	                             (vn_vif_path) leads to the root */
	vn_time_t arrival;        /* when it entered the tree */
	uint64_t seq;             /* arrival sequence number (replay order) */
	void *user;               /* owner's use (e.g. trace index) */
};

#define VN_PKT_F_INJECTED 0x01   /* written through a port */
#define VN_PKT_F_DIVERTED 0x02   /* an ingress packet written to the port of
                                    the VIF at from_depth on its path: it has
                                    passed that VIF and the ones above it */

/* An intrusive FIFO of packets. */
struct vn_pktq {
	struct vn_pkt *head, *tail;
	uint32_t n;
	uint64_t bytes;          /* sum of wire_len */
};

static inline void vn_pktq_init(struct vn_pktq *q)
{
	q->head = q->tail = NULL;
	q->n = 0;
	q->bytes = 0;
}
static inline bool vn_pktq_empty(const struct vn_pktq *q) { return q->head == NULL; }
static inline void vn_pktq_push(struct vn_pktq *q, struct vn_pkt *p)
{
	p->next = NULL;
	if (q->tail)
		q->tail->next = p;
	else
		q->head = p;
	q->tail = p;
	q->n++;
	q->bytes += p->wire_len;
}
static inline struct vn_pkt *vn_pktq_pop(struct vn_pktq *q)
{
	struct vn_pkt *p = q->head;
	if (!p)
		return NULL;
	q->head = p->next;
	if (!q->head)
		q->tail = NULL;
	p->next = NULL;
	q->n--;
	q->bytes -= p->wire_len;
	return p;
}
/* Append all of src to dst, leaving src empty. */
static inline void vn_pktq_splice(struct vn_pktq *dst, struct vn_pktq *src)
{
	if (!src->head)
		return;
	if (dst->tail)
		dst->tail->next = src->head;
	else
		dst->head = src->head;
	dst->tail = src->tail;
	dst->n += src->n;
	dst->bytes += src->bytes;
	vn_pktq_init(src);
}

struct vn_pool;

/* A pool of packets with bufsize-byte buffers: address space for `max`
 * reserved now (no swap reserved, pages touched as used), `initial` of them
 * ready, more in chunks on demand up to `max`. NULL on ENOMEM/EINVAL. */
struct vn_pool *vn_pool_new(uint32_t bufsize, uint32_t initial, uint32_t max);
void vn_pool_free(struct vn_pool *pool);     /* every packet must be back */
/* A packet with metadata reset (len 0, l3_off NONE, pid 0, sock -1), or NULL
 * when the pool is exhausted. */
struct vn_pkt *vn_pool_get(struct vn_pool *pool);
void vn_pool_put(struct vn_pool *pool, struct vn_pkt *p);
uint32_t vn_pool_bufsize(const struct vn_pool *pool);
uint32_t vn_pool_in_use(const struct vn_pool *pool);
uint32_t vn_pool_total(const struct vn_pool *pool);

#endif
