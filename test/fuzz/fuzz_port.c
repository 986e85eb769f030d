/* fuzz_port: one write(2) to a port — pcapng block parsing and the checks of
 * diverted packets (raw IP and Ethernet) — and the parser on its own. A
 * packet that is accepted must lie inside the input and pass the frame
 * check again. The same input as one batched write through an injection
 * queue: whole or nothing, and what is drained is a checked frame of the
 * input. The first byte picks the link type. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vn_pcapng.h"
#include "vn_port.h"

struct seen {
	const uint8_t *data;
	size_t size;
	int dlt;
	int n;
};

static void check_drained(void *ctx, const struct vn_port_inj *j)
{
	struct seen *s = ctx;
	int ipver;
	const uint8_t *dst;
	if (j->len == 0 || j->len > s->size || j->dir > 2 ||
	    vn_port_check_frame(s->dlt, j->data, j->len, &ipver, &dst) != 0 || ipver != j->ipver ||
	    (dst && (size_t)(dst - j->data) != j->dst_off) || !memmem(s->data, s->size, j->data, j->len))
		abort();
	s->n++;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	int dlt = data[0] & 1 ? 1 : 12;
	data++;
	size--;
	struct vn_pcapng_block b;
	if (vn_pcapng_parse(data, size, &b) == 0 && b.type == VN_PCAPNG_EPB &&
	    (b.data < data || b.data + b.caplen > data + size))
		abort();
	struct vn_port_wstate ws = {0};
	const uint8_t *pkt, *dst;
	uint32_t len;
	unsigned dir;
	int ipver;
	/* twice: a header block the first write declared changes the second */
	for (int k = 0; k < 2; k++) {
		int r = vn_port_parse_write(&ws, dlt, data, size, &pkt, &len, &dir);
		if (r == 1) {
			if (pkt < data || pkt + len > data + size || dir > 2)
				abort();
			if (vn_port_check_frame(dlt, pkt, len, &ipver, &dst) != 0)
				abort();
			if (dst && (dst < pkt || dst + (ipver == 6 ? 16 : 4) > pkt + len))
				abort();
		}
	}
	static struct vn_port_inq *q;
	if (!q && !(q = vn_port_inq_new(1 << 20)))
		abort();
	struct vn_port_wstate ws2 = {0}, before = ws2;
	bool kick;
	int r = vn_port_inq_write(q, &ws2, dlt, 2048, 0, 1, data, size, &kick);
	struct seen s = {data, size, dlt, 0};
	vn_port_inq_drain(q, check_drained, &s);
	if (r < 0 ? s.n != 0 || memcmp(&ws2, &before, sizeof ws2) != 0 : s.n != r)
		abort();
	return 0;
}
