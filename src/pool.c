/* A packet pool: the address space for all `max` headers and buffers is
 * reserved when the pool is made (two anonymous mappings, no swap reserved);
 * the free list is extended over it in chunks as the pool runs dry, so pages
 * are touched only as far as the pool has been used, and getting a packet
 * never allocates — not even when it grows. */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "vn_pkt.h"

#define CHUNK_MIN 64

struct vn_pool {
	struct vn_pkt *free;
	struct vn_pkt *pkts;     /* max headers, the first `total` in use */
	uint8_t *bufs;           /* max buffers of bufsize bytes */
	size_t pkts_len, bufs_len;
	uint32_t bufsize, total, max, in_use;
};

static void *reserve(size_t len)
{
	void *m = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	return m == MAP_FAILED ? NULL : m;
}

/* Put n more of the reserved packets on the free list (zero pages: their
 * headers need only data and cap). */
static int grow(struct vn_pool *pool, uint32_t n)
{
	if (n == 0 || pool->total >= pool->max)
		return -1;
	if (n > pool->max - pool->total)
		n = pool->max - pool->total;
	for (uint32_t i = pool->total + n; i-- > pool->total;) {
		struct vn_pkt *p = &pool->pkts[i];
		p->data = pool->bufs + (size_t)i * pool->bufsize;
		p->cap = pool->bufsize;
		p->next = pool->free;
		pool->free = p;
	}
	pool->total += n;
	return 0;
}

struct vn_pool *vn_pool_new(uint32_t bufsize, uint32_t initial, uint32_t max)
{
	if (bufsize == 0 || max == 0 || initial > max)
		return NULL;
	struct vn_pool *pool = calloc(1, sizeof(*pool));
	if (!pool)
		return NULL;
	pool->bufsize = bufsize;
	pool->max = max;
	pool->pkts_len = (size_t)max * sizeof(struct vn_pkt);
	pool->bufs_len = (size_t)max * bufsize;
	pool->pkts = reserve(pool->pkts_len);
	pool->bufs = reserve(pool->bufs_len);
	if (!pool->pkts || !pool->bufs || (initial && grow(pool, initial) < 0)) {
		vn_pool_free(pool);
		return NULL;
	}
	return pool;
}

void vn_pool_free(struct vn_pool *pool)
{
	if (!pool)
		return;
	if (pool->pkts)
		munmap(pool->pkts, pool->pkts_len);
	if (pool->bufs)
		munmap(pool->bufs, pool->bufs_len);
	free(pool);
}

struct vn_pkt *vn_pool_get(struct vn_pool *pool)
{
	if (!pool->free) {
		uint32_t n = pool->total < CHUNK_MIN ? CHUNK_MIN : pool->total / 2;
		if (grow(pool, n) < 0)
			return NULL;
	}
	struct vn_pkt *p = pool->free;
	pool->free = p->next;
	pool->in_use++;
	uint8_t *data = p->data;
	uint32_t cap = p->cap;
	memset(p, 0, sizeof(*p));
	p->data = data;
	p->cap = cap;
	p->l3_off = VN_L3_NONE;
	p->sock = -1;
	return p;
}

void vn_pool_put(struct vn_pool *pool, struct vn_pkt *p)
{
	p->next = pool->free;
	pool->free = p;
	pool->in_use--;
}

uint32_t vn_pool_bufsize(const struct vn_pool *pool) { return pool->bufsize; }
uint32_t vn_pool_in_use(const struct vn_pool *pool) { return pool->in_use; }
uint32_t vn_pool_total(const struct vn_pool *pool) { return pool->total; }
