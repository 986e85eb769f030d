/* Per-VIF capture streams: a byte ring per reader (single producer: the
 * tree's thread; single consumer: the reader's thread), the VIF's tap that
 * formats each packet once and copies it into every reader's ring (diverted
 * writes: port_write.c).
 *
 * Ring invariants: head (producer) and tail (consumer) only grow; head - tail
 * <= cap; bytes [tail, head) are whole blocks the producer published with a
 * release store of head; the producer keeps VN_PCAPNG_ISB_LEN bytes free for
 * the statistics block it writes when the stream ends. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "vn_pcapng.h"
#include "vn_port.h"

#define LD(x) __atomic_load_n(&(x), __ATOMIC_ACQUIRE)
#define ST(x, v) __atomic_store_n(&(x), (v), __ATOMIC_RELEASE)
#define BUMP(x, v) __atomic_store_n(&(x), __atomic_load_n(&(x), __ATOMIC_RELAXED) + (v), __ATOMIC_RELAXED)

struct vn_port_reader {
	/* producer's line */
	_Alignas(64) uint64_t head;
	uint64_t packets, drops;
	/* consumer's line */
	_Alignas(64) uint64_t tail;
	/* shared flags */
	_Alignas(64) int armed;
	int ended;                     /* the VIF is gone: nothing more comes */
	uint8_t *buf;
	size_t cap;                    /* a power of two */
	uint64_t start_ns;
	void (*wake)(void *ctx);
	void *wake_ctx;
};

struct vn_port {
	struct vn_port_reader **rd;
	unsigned n, cap;
	uint8_t *scratch;              /* one EPB, formatted once per packet */
	size_t scratch_len;
	vn_port_comment_fn comment;
	void *comment_ctx;
	int32_t cpid;                  /* the pid of ctext */
	unsigned cuses;
	size_t clen;
	char ctext[96];
	uint64_t captured, drops_gone; /* drops of readers that detached */
};

static uint64_t real_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* ------------------------------------------------------------ the ring */

static size_t ring_used(const struct vn_port_reader *r)
{
	return (size_t)(LD(r->head) - LD(r->tail));
}

/* Producer: copy n bytes at head (the caller checked the room) and publish. */
static void ring_put(struct vn_port_reader *r, const uint8_t *d, size_t n)
{
	uint64_t h = __atomic_load_n(&r->head, __ATOMIC_RELAXED);
	size_t off = (size_t)h & (r->cap - 1), first = r->cap - off < n ? r->cap - off : n;
	memcpy(r->buf + off, d, first);
	memcpy(r->buf, d + first, n - first);
	ST(r->head, h + n);
}

/* Producer: after publishing, wake an armed consumer (Dekker with vn_port_arm:
 * each side stores its flag/index, fences, then reads the other's). */
static void ring_wake(struct vn_port_reader *r)
{
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (__atomic_load_n(&r->armed, __ATOMIC_RELAXED) &&
	    __atomic_exchange_n(&r->armed, 0, __ATOMIC_ACQ_REL) && r->wake)
		r->wake(r->wake_ctx);
}

static bool ring_offer(struct vn_port_reader *r, const uint8_t *d, size_t n)
{
	BUMP(r->packets, 1);
	if (r->cap - ring_used(r) < n + VN_PCAPNG_ISB_LEN) {
		BUMP(r->drops, 1);
		return false;
	}
	ring_put(r, d, n);
	ring_wake(r);
	return true;
}

size_t vn_port_read(struct vn_port_reader *r, void *buf, size_t n)
{
	uint64_t t = __atomic_load_n(&r->tail, __ATOMIC_RELAXED);
	size_t avail = (size_t)(LD(r->head) - t);
	if (n > avail)
		n = avail;
	size_t off = (size_t)t & (r->cap - 1), first = r->cap - off < n ? r->cap - off : n;
	memcpy(buf, r->buf + off, first);
	memcpy((uint8_t *)buf + first, r->buf, n - first);
	ST(r->tail, t + n);
	return n;
}

size_t vn_port_pending(const struct vn_port_reader *r)
{
	return ring_used(r);
}

bool vn_port_readable(const struct vn_port_reader *r)
{
	return ring_used(r) > 0 || LD(r->ended);
}

bool vn_port_at_end(const struct vn_port_reader *r)
{
	return LD(r->ended) && ring_used(r) == 0;
}

bool vn_port_arm(struct vn_port_reader *r)
{
	__atomic_store_n(&r->armed, 1, __ATOMIC_RELAXED);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	return vn_port_readable(r);
}

uint64_t vn_port_reader_packets(const struct vn_port_reader *r) { return LD(r->packets); }
uint64_t vn_port_reader_drops(const struct vn_port_reader *r) { return LD(r->drops); }

struct vn_port_reader *vn_port_reader_new(size_t ring_bytes, int dlt, const char *name)
{
	int lt = vn_pcapng_linktype(dlt);
	if (lt < 0)
		return NULL;
	size_t cap = 1u << 16;
	while (cap < ring_bytes && cap < ((size_t)1 << 30))
		cap <<= 1;
	struct vn_port_reader *r = aligned_alloc(64, sizeof *r);
	if (!r)
		return NULL;
	memset(r, 0, sizeof *r);
	r->cap = cap;
	if (!(r->buf = malloc(cap))) {
		free(r);
		return NULL;
	}
	r->start_ns = real_ns();
	uint8_t hdr[1024];
	size_t n = vn_pcapng_shb(hdr, sizeof hdr, "vifnet port");
	n += vn_pcapng_idb(hdr + n, sizeof hdr - n, lt, VN_PORT_SNAPLEN, name);
	ring_put(r, hdr, n);
	return r;
}

void vn_port_reader_free(struct vn_port_reader *r)
{
	if (!r)
		return;
	free(r->buf);
	free(r);
}

void vn_port_reader_set_wake(struct vn_port_reader *r, void (*fn)(void *ctx), void *ctx)
{
	r->wake = fn;
	r->wake_ctx = ctx;
}

/* ------------------------------------------------------- the VIF's port */

static struct vn_port *port_of(const struct vn_vif *v)
{
	void *ctx = NULL;
	vn_vif_tap(v, &ctx);
	return ctx;
}

/* The comment of p: the last one is kept for its pid and made again every
 * 256 packets (a process may change its name by exec). */
static size_t port_comment(struct vn_port *pt, const struct vn_pkt *p)
{
	if (!pt->comment || p->pid <= 0)
		return 0;
	if (p->pid != pt->cpid || ++pt->cuses >= 256) {
		size_t n = pt->comment(pt->comment_ctx, p, pt->ctext, sizeof pt->ctext);
		pt->clen = n < sizeof pt->ctext ? n : sizeof pt->ctext - 1;
		pt->cpid = p->pid;
		pt->cuses = 0;
	}
	return pt->clen;
}

static void port_tap(void *ctx, const struct vn_vif *v, const struct vn_pkt *p)
{
	(void)v;
	struct vn_port *pt = ctx;
	uint32_t caplen = p->len < VN_PORT_SNAPLEN ? p->len : VN_PORT_SNAPLEN;
	pt->captured++;
	/* Readers that are behind (stopped, slow) cost a counter, not a copy:
	 * the block is formatted only if some ring has room for it. */
	size_t most = VN_PCAPNG_EPB_MAX(caplen, sizeof pt->ctext) + VN_PCAPNG_ISB_LEN;
	bool room = false;
	for (unsigned i = 0; i < pt->n; i++)
		room |= pt->rd[i]->cap - ring_used(pt->rd[i]) >= most;
	if (!room) {
		for (unsigned i = 0; i < pt->n; i++) {
			BUMP(pt->rd[i]->packets, 1);
			BUMP(pt->rd[i]->drops, 1);
		}
		return;
	}
	size_t clen = port_comment(pt, p);
	size_t n = vn_pcapng_epb(pt->scratch, pt->scratch_len, 0, real_ns(), p->data, caplen, p->len,
				 p->dir == VN_INGRESS ? VN_PCAPNG_DIR_IN : VN_PCAPNG_DIR_OUT, pt->ctext, clen);
	for (unsigned i = 0; i < pt->n; i++)
		ring_offer(pt->rd[i], pt->scratch, n);
}

/* The stream of r ends: its statistics block (room was kept for it), then EOF. */
static void reader_end(struct vn_port_reader *r)
{
	uint8_t isb[VN_PCAPNG_ISB_LEN];
	size_t n = vn_pcapng_isb(isb, sizeof isb, 0, real_ns(), r->start_ns, LD(r->packets), LD(r->drops));
	if (r->cap - ring_used(r) >= n)
		ring_put(r, isb, n);
	ST(r->ended, 1);
	ring_wake(r);
}

static void port_free(void *ctx)
{
	struct vn_port *pt = ctx;
	for (unsigned i = 0; i < pt->n; i++)
		reader_end(pt->rd[i]);
	free(pt->rd);
	free(pt->scratch);
	free(pt);
}

int vn_port_attach(struct vn_vif *v, struct vn_port_reader *r, vn_port_comment_fn fn, void *ctx)
{
	struct vn_port *pt = port_of(v);
	if (!pt) {
		if (!(pt = calloc(1, sizeof *pt)))
			return -ENOMEM;
		vn_vif_set_tap(v, NULL, pt);
		vn_vif_set_tap_free(v, port_free);
	}
	if (!pt->scratch) {
		pt->scratch_len = VN_PCAPNG_EPB_MAX(VN_PORT_SNAPLEN, sizeof pt->ctext);
		if (!(pt->scratch = malloc(pt->scratch_len)))
			return -ENOMEM;
	}
	if (pt->n == pt->cap) {
		unsigned cap = pt->cap ? 2 * pt->cap : 4;
		struct vn_port_reader **rd = realloc(pt->rd, cap * sizeof *rd);
		if (!rd)
			return -ENOMEM;
		pt->rd = rd;
		pt->cap = cap;
	}
	pt->rd[pt->n++] = r;
	pt->comment = fn;
	pt->comment_ctx = ctx;
	pt->cpid = 0;
	vn_vif_set_tap(v, port_tap, pt);
	return 0;
}

void vn_port_detach(struct vn_vif *v, struct vn_port_reader *r)
{
	struct vn_port *pt = v ? port_of(v) : NULL;
	if (!pt)
		return;
	for (unsigned i = 0; i < pt->n; i++) {
		if (pt->rd[i] != r)
			continue;
		pt->drops_gone += LD(r->drops);
		pt->rd[i] = pt->rd[--pt->n];
		break;
	}
	if (pt->n == 0) {
		/* no reader: the tap costs one branch again, and the scratch goes */
		vn_vif_set_tap(v, NULL, pt);
		free(pt->scratch);
		pt->scratch = NULL;
	}
}

bool vn_port_stats(const struct vn_vif *v, struct vn_port_stats *st)
{
	const struct vn_port *pt = port_of(v);
	memset(st, 0, sizeof *st);
	if (!pt)
		return false;
	st->readers = pt->n;
	st->captured = pt->captured;
	st->drops = pt->drops_gone;
	for (unsigned i = 0; i < pt->n; i++)
		st->drops += LD(pt->rd[i]->drops);
	return true;
}

int vn_port_stats_format(const struct vn_vif *v, char *buf, size_t n)
{
	struct vn_port_stats st;
	if (!vn_port_stats(v, &st)) {
		if (n)
			buf[0] = '\0';
		return 0;
	}
	return snprintf(buf, n, "port_readers %llu\nport_captured %llu\nport_drops %llu\n",
			(unsigned long long)st.readers, (unsigned long long)st.captured,
			(unsigned long long)st.drops);
}
