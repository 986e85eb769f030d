/* vifsim-gentrace — write the traffic of the seed's Figure 4.3 experiment
 * (IV.3.1, Figure 4.9) as a pcap trace (raw IPv4, headers captured, wire
 * length 1000 bytes), every flow offered above its VIF's cap:
 *
 *   flow  VIF        direction  UDP ports            time      offered
 *   1     vif3/vif1  out        2001 -> 9001         20-39 s   6 Mbit/s
 *   2     vif3/vif2  out        2002 -> 9002         30-49 s   6 Mbit/s
 *   4     vif4       in         80   -> 4004          5-14 s  12 Mbit/s
 *   5     vif5       out        2005 -> 9005          0-60 s   3 Mbit/s
 *
 * With --fig6.8, the traffic of the seed's Figure 6.8 (VI.2.2.1) instead:
 *
 *   bulk    TCP 20 -> 5001 (ftp-data)   0-30 s  30 Mbit/s, 1500-byte packets
 *   target  UDP 7000 -> 7001            5-25 s  12 Mbit/s, 1000-byte packets
 *
 * The host is 198.18.0.1, its peer 198.18.0.2.
 * Usage: vifsim-gentrace [--fig6.8] OUT.pcap [REPEAT]   (REPEAT back-to-back copies) */
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vn_pcapio.h"

#define CAPLEN 40

struct flow {
	uint16_t sport, dport;
	bool inbound;
	uint8_t proto;
	uint16_t size;
	double start, stop, mbps;
	vn_time_t next, end, gap;
};

static void put16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)(v >> 8); p[1] = (uint8_t)v; }

static void build(uint8_t *b, const struct flow *f, uint16_t id)
{
	static const uint8_t host[4] = { 198, 18, 0, 1 }, peer[4] = { 198, 18, 0, 2 };
	memset(b, 0, CAPLEN);
	b[0] = 0x45;
	put16(b + 2, f->size);
	put16(b + 4, id);
	b[8] = 64;
	b[9] = f->proto;
	memcpy(b + 12, f->inbound ? peer : host, 4);
	memcpy(b + 16, f->inbound ? host : peer, 4);
	uint32_t sum = 0;
	for (int i = 0; i < 20; i += 2)
		sum += (uint32_t)b[i] << 8 | b[i + 1];
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	put16(b + 10, (uint16_t)~sum);
	put16(b + 20, f->sport);
	put16(b + 22, f->dport);
	if (f->proto == 17) {
		put16(b + 24, (uint16_t)(f->size - 20));
	} else {
		b[32] = 0x50;           /* data offset 5 */
		b[33] = 0x10;           /* ACK */
		put16(b + 34, 65535);
	}
}

int main(int argc, char **argv)
{
	long repeat = 1;
	bool fig68 = argc > 1 && strcmp(argv[1], "--fig6.8") == 0;
	if (fig68) {
		argc--;
		argv++;
	}
	if (argc == 3) {
		char *end;
		repeat = strtol(argv[2], &end, 10);
		if (*end || repeat < 1 || repeat > 1000)
			repeat = 0;
	}
	if ((argc != 2 && argc != 3) || repeat < 1) {
		fprintf(stderr, "usage: vifsim-gentrace [--fig6.8] OUT.pcap [REPEAT (1-1000)]\n");
		return 2;
	}
	struct flow fig43[] = {
		{ 2001, 9001, false, 17, 1000, 20, 39, 6, 0, 0, 0 },
		{ 2002, 9002, false, 17, 1000, 30, 49, 6, 0, 0, 0 },
		{ 80, 4004, true, 17, 1000, 5, 14, 12, 0, 0, 0 },
		{ 2005, 9005, false, 17, 1000, 0, 60, 3, 0, 0, 0 },
	};
	struct flow fig68_flows[] = {
		{ 20, 5001, false, 6, 1500, 0, 30, 30, 0, 0, 0 },
		{ 7000, 7001, false, 17, 1000, 5, 25, 12, 0, 0, 0 },
	};
	struct flow *flows = fig68 ? fig68_flows : fig43;
	const int n = fig68 ? 2 : 4;
	char err[512];
	struct vn_pcap_writer *w = vn_pcap_create(argv[1], DLT_RAW, 65535, err, sizeof(err));
	if (!w) {
		fprintf(stderr, "vifsim-gentrace: %s\n", err);
		return 1;
	}
	uint8_t buf[CAPLEN];
	uint16_t id = 0;
	for (long rep = 0; rep < repeat; rep++) {
	const vn_time_t base = (1700000000ull + (fig68 ? 30ull : 60ull) * (uint64_t)rep) * VN_NSEC_PER_SEC;
	for (int i = 0; i < n; i++) {
		flows[i].next = base + (vn_time_t)(flows[i].start * 1e9);
		flows[i].end = base + (vn_time_t)(flows[i].stop * 1e9);
		flows[i].gap = (vn_time_t)(flows[i].size * 8 / flows[i].mbps * 1000);  /* ns */
	}
	for (;;) {
		int best = -1;
		for (int i = 0; i < n; i++)
			if (flows[i].next < flows[i].end && (best < 0 || flows[i].next < flows[best].next))
				best = i;
		if (best < 0)
			break;
		build(buf, &flows[best], id++);
		uint32_t cap = flows[best].proto == 17 ? 28 : 40;
		vn_pcap_write(w, flows[best].next, buf, cap, flows[best].size);
		flows[best].next += flows[best].gap;
	}
	}
	if (vn_pcap_commit(w, err, sizeof(err)) < 0) {
		fprintf(stderr, "vifsim-gentrace: %s\n", err);
		return 1;
	}
	return 0;
}
