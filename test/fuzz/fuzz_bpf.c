/* Fuzz target for the filter: any byte string is either rejected by the
 * loader/validator or, if accepted, runs under the interpreter and the JIT on
 * a few packets with identical results and scratch words, and no crash.
 *
 * Input: byte 0 selects the path, the rest is the filter.
 *   even: the rest is a binary instruction array (vn_bpf_new, validator only)
 *   odd:  the rest goes through vn_bpf_load (binary / ddd / dd / expression)
 * The packets are the input itself at several lengths (so loads see the
 * fuzzer's bytes) and a fixed Ethernet/IPv4/TCP frame. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vn_bpf.h"
#include "vn_pkt.h"

static const uint8_t FRAME[] = {
	0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 0x08, 0x00,
	0x45, 0, 0, 40, 0, 1, 0x40, 0, 64, 6, 0, 0, 198, 18, 0, 1, 198, 18, 0, 2,
	0x04, 0xd2, 0x00, 0x50, 0, 0, 0, 1, 0, 0, 0, 0, 0x50, 0x02, 0x20, 0, 0, 0, 0, 0,
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	const uint8_t *body = data + 1;
	size_t len = size - 1;
	struct vn_bpf *fi = NULL, *fj = NULL;
	int ri, rj;
	if (data[0] & 1) {
		ri = vn_bpf_load_flags(body, len, 1 /* DLT_EN10MB */, VN_BPF_F_INTERP, &fi, NULL, 0);
		rj = vn_bpf_load_flags(body, len, 1, 0, &fj, NULL, 0);
	} else {
		size_t n = len / sizeof(struct vn_bpf_insn);
		struct vn_bpf_insn *prog = malloc(n * sizeof(*prog) + 1);
		if (!prog)
			return 0;
		memcpy(prog, body, n * sizeof(*prog));
		ri = vn_bpf_new(prog, n, VN_BPF_F_INTERP, &fi, NULL, 0);
		rj = vn_bpf_new(prog, n, 0, &fj, NULL, 0);
		free(prog);
	}
	if (ri != rj)
		abort();                       /* the engine choice never changes validity */
	if (ri != 0)
		return 0;
	uint32_t mem[16];
	for (int i = 0; i < 16; i++)
		mem[i] = (uint32_t)i * 0x01010101u;
	vn_bpf_set_mem(fi, mem);
	vn_bpf_set_mem(fj, mem);
	/* each packet in a buffer of exactly its length: ASan catches over-reads */
	uint32_t lens[] = { 0, (uint32_t)(size / 2), (uint32_t)size, sizeof(FRAME), sizeof(FRAME) - 20 };
	for (size_t t = 0; t < sizeof(lens) / sizeof(lens[0]); t++) {
		uint8_t *pkt = malloc(lens[t] + 1);
		if (!pkt)
			break;
		memcpy(pkt, t < 3 ? data : FRAME, lens[t]);
		uint32_t a = vn_bpf_run(fi, pkt, lens[t], lens[t] + (uint32_t)t * 100);
		uint32_t b = vn_bpf_run(fj, pkt, lens[t], lens[t] + (uint32_t)t * 100);
		if (a != b || memcmp(vn_bpf_mem(fi), vn_bpf_mem(fj), sizeof(mem)) != 0)
			abort();
		/* the VIF hook (the JIT's second entry) from the same scratch words */
		struct vn_pkt pk = {.data = pkt, .len = lens[t], .wire_len = lens[t] + (uint32_t)t * 100};
		bool ha = vn_bpf_vif_hook(fi, &pk), hb = vn_bpf_vif_hook(fj, &pk);
		free(pkt);
		if (ha != hb || memcmp(vn_bpf_mem(fi), vn_bpf_mem(fj), sizeof(mem)) != 0)
			abort();
	}
	char buf[512];
	vn_bpf_format(fi, buf, sizeof(buf));
	vn_bpf_free(fi);
	vn_bpf_free(fj);
	return 0;
}
