/* A packet pool: headers and buffers allocated in chunks, recycled through a
 * free list. Getting and putting a packet never calls malloc; only running
 * dry below `max` allocates a new chunk. */
#include <stdlib.h>
#include <string.h>

#include "vn_pkt.h"

#define CHUNK_MIN 64

struct chunk {
	struct chunk *next;
	uint8_t *bufs;
	struct vn_pkt pkts[];
};

struct vn_pool {
	struct vn_pkt *free;
	struct chunk *chunks;
	uint32_t bufsize, total, max, in_use;
};

static int grow(struct vn_pool *pool, uint32_t n)
{
	if (n == 0 || pool->total >= pool->max)
		return -1;
	if (n > pool->max - pool->total)
		n = pool->max - pool->total;
	struct chunk *c = malloc(sizeof(*c) + n * sizeof(struct vn_pkt));
	if (!c)
		return -1;
	c->bufs = malloc((size_t)n * pool->bufsize);
	if (!c->bufs) {
		free(c);
		return -1;
	}
	for (uint32_t i = 0; i < n; i++) {
		struct vn_pkt *p = &c->pkts[i];
		memset(p, 0, sizeof(*p));
		p->data = c->bufs + (size_t)i * pool->bufsize;
		p->cap = pool->bufsize;
		p->next = pool->free;
		pool->free = p;
	}
	c->next = pool->chunks;
	pool->chunks = c;
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
	if (initial && grow(pool, initial) < 0) {
		vn_pool_free(pool);
		return NULL;
	}
	return pool;
}

void vn_pool_free(struct vn_pool *pool)
{
	if (!pool)
		return;
	struct chunk *c = pool->chunks;
	while (c) {
		struct chunk *next = c->next;
		free(c->bufs);
		free(c);
		c = next;
	}
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
