/* vifbpf — the filter's test bench: run a classic BPF filter over a trace and
 * print how many packets it accepts and how long it takes per packet.
 *
 *   vifbpf [--interp|--jit|--libpcap|--all] [--time MS] FILTER TRACE
 *
 * FILTER is a pcap expression compiled for the trace's link type, or @FILE
 * naming a file that holds a program in one of the other input forms of the
 * filter module (a binary struct sock_filter array, or the text of
 * `tcpdump -ddd` / `-dd`). TRACE is pcap or pcapng (read by libpcap). The
 * whole trace is read into memory first; the filter then runs over it
 * repeatedly for at least MS milliseconds (default 100) and the time per
 * packet is the mean over those passes. --libpcap runs the same validated
 * program with libpcap's bpf_filter() instead of our engines; --all runs the
 * three engines one after the other and suffixes each key with the engine. */
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "vn_bpf.h"

enum engine { ENGINE_JIT, ENGINE_INTERP, ENGINE_LIBPCAP };
static const char *const engine_name[] = { "jit", "interp", "libpcap" };

struct trace {
	uint8_t *data;        /* all packets back to back */
	size_t *off;
	uint32_t *caplen, *len;
	size_t n, cap, used, room;
};

static void usage(FILE *out)
{
	fprintf(out,
		"usage: vifbpf [--interp|--jit|--libpcap|--all] [--time MS] FILTER TRACE\n"
		"  FILTER  a pcap expression (compiled for TRACE's link type), or @FILE with a\n"
		"          binary struct sock_filter array or `tcpdump -ddd`/`-dd` text\n"
		"  TRACE   a pcap or pcapng file\n"
		"  --jit      run the JIT-compiled filter (default; the interpreter where no JIT)\n"
		"  --interp   run the portable interpreter\n"
		"  --libpcap  run the same program with libpcap's bpf_filter()\n"
		"  --all      run all three; keys get the engine as suffix (accepts_jit ...)\n"
		"  --time MS  repeat the run for at least MS milliseconds (default 100)\n"
		"prints: engine, insns, packets, accepts, ns_per_packet (\"key value\" lines)\n");
}

static void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n);
	if (!p) {
		fprintf(stderr, "vifbpf: out of memory\n");
		exit(1);
	}
	return p;
}

static int add_packet(struct trace *t, const struct pcap_pkthdr *h, const uint8_t *data)
{
	if (t->n == t->cap) {
		t->cap = t->cap ? 2 * t->cap : 1024;
		t->off = xrealloc(t->off, t->cap * sizeof(*t->off));
		t->caplen = xrealloc(t->caplen, t->cap * sizeof(*t->caplen));
		t->len = xrealloc(t->len, t->cap * sizeof(*t->len));
	}
	while (t->used + h->caplen > t->room) {
		t->room = t->room ? 2 * t->room : 1 << 20;
		t->data = xrealloc(t->data, t->room);
	}
	memcpy(t->data + t->used, data, h->caplen);
	t->off[t->n] = t->used;
	t->caplen[t->n] = h->caplen;
	t->len[t->n] = h->len;
	t->used += h->caplen;
	t->n++;
	return 0;
}

/* Read the whole trace; its link type in *dlt. -1 if it cannot be opened. */
static int read_trace(const char *path, struct trace *t, int *dlt)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	pcap_t *p = pcap_open_offline(path, errbuf);
	if (!p) {
		fprintf(stderr, "vifbpf: %s\n", errbuf);
		return -1;
	}
	*dlt = pcap_datalink(p);
	struct pcap_pkthdr *h;
	const u_char *data;
	int rc;
	while ((rc = pcap_next_ex(p, &h, &data)) == 1)
		add_packet(t, h, data);
	if (rc == PCAP_ERROR)
		fprintf(stderr, "vifbpf: %s: %s; using the %zu packets before it\n", path,
			pcap_geterr(p), t->n);
	pcap_close(p);
	return 0;
}

static char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		fprintf(stderr, "vifbpf: %s: %s\n", path, strerror(errno));
		return NULL;
	}
	size_t cap = 4096, n = 0, r;
	char *buf = xrealloc(NULL, cap);
	while ((r = fread(buf + n, 1, cap - n, f)) > 0) {
		n += r;
		if (n == cap)
			buf = xrealloc(buf, cap *= 2);
	}
	int bad = ferror(f);
	fclose(f);
	if (bad) {
		fprintf(stderr, "vifbpf: %s: read error\n", path);
		free(buf);
		return NULL;
	}
	*len = n;
	return buf;
}

static double now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

/* One pass over the trace; returns the number accepted. */
static uint64_t pass(enum engine e, struct vn_bpf *f, const struct bpf_insn *prog,
		     const struct trace *t)
{
	uint64_t acc = 0;
	for (size_t i = 0; i < t->n; i++) {
		const uint8_t *pkt = t->data + t->off[i];
		uint32_t r = e == ENGINE_LIBPCAP ? bpf_filter(prog, pkt, t->len[i], t->caplen[i])
						 : vn_bpf_run(f, pkt, t->caplen[i], t->len[i]);
		acc += r != 0;
	}
	return acc;
}

/* Run engine e over the trace: accepts from the first pass, the mean time per
 * packet over passes lasting at least min_ms. */
static void measure(enum engine e, struct vn_bpf *f, const struct trace *t, long min_ms,
		    uint64_t *accepts, double *ns)
{
	const struct bpf_insn *prog = (const struct bpf_insn *)vn_bpf_insns(f);
	*accepts = pass(e, f, prog, t);
	uint64_t reps = 0;
	double t0 = now_ns(), el = 0;
	if (t->n) {
		do {
			pass(e, f, prog, t);
			reps++;
			el = now_ns() - t0;
		} while (el < (double)min_ms * 1e6);
	}
	*ns = t->n ? el / (double)reps / (double)t->n : 0.0;
}

int main(int argc, char **argv)
{
	enum engine e = ENGINE_JIT;
	bool all = false;
	long min_ms = 100;
	static const struct option opts[] = {
		{ "jit", no_argument, NULL, 'j' },
		{ "interp", no_argument, NULL, 'i' },
		{ "libpcap", no_argument, NULL, 'l' },
		{ "all", no_argument, NULL, 'a' },
		{ "time", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'j': e = ENGINE_JIT; all = false; break;
		case 'i': e = ENGINE_INTERP; all = false; break;
		case 'l': e = ENGINE_LIBPCAP; all = false; break;
		case 'a': all = true; break;
		case 't': {
			char *end;
			min_ms = strtol(optarg, &end, 10);
			if (*end || min_ms < 0 || min_ms > 3600000) {
				fprintf(stderr, "vifbpf: --time: bad number of milliseconds '%s'\n", optarg);
				return 2;
			}
			break;
		}
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (argc - optind != 2) {
		usage(stderr);
		return 2;
	}
	const char *filter = argv[optind], *path = argv[optind + 1];

	struct trace t = { 0 };
	int dlt;
	if (read_trace(path, &t, &dlt))
		return 1;

	size_t flen;
	char *fbuf;
	if (filter[0] == '@') {
		fbuf = read_file(filter + 1, &flen);
		if (!fbuf)
			return 1;
	} else {
		flen = strlen(filter);
		fbuf = xrealloc(NULL, flen + 1);
		memcpy(fbuf, filter, flen + 1);
	}
	/* [ENGINE_JIT] is JIT-compiled where possible, the others interpreted
	 * (the libpcap engine only borrows the validated instructions) */
	struct vn_bpf *f[3] = { NULL, NULL, NULL };
	char err[512];
	int rc = 0;
	for (int i = 0; i < 3 && rc == 0; i++) {
		if (!all && i != (int)e)
			continue;
		unsigned flags = i == ENGINE_JIT ? 0 : VN_BPF_F_INTERP;
		if (vn_bpf_load_flags(fbuf, flen, dlt, flags, &f[i], err, sizeof(err)) != 0) {
			fprintf(stderr, "vifbpf: filter: %s\n", err);
			rc = 1;
		}
	}
	free(fbuf);
	if (rc == 0) {
		const struct vn_bpf *any = f[all ? ENGINE_JIT : e];
		if ((all || e == ENGINE_JIT) && !vn_bpf_jitted(f[ENGINE_JIT]))
			fprintf(stderr, "vifbpf: no JIT on this machine; running the interpreter\n");
		if (!all)
			printf("engine %s\n", e == ENGINE_JIT && !vn_bpf_jitted(f[e]) ? "interp"
										 : engine_name[e]);
		printf("insns %zu\n", vn_bpf_len(any));
		printf("packets %zu\n", t.n);
		for (int i = 0; i < 3; i++) {
			if (!f[i])
				continue;
			uint64_t acc;
			double ns;
			measure((enum engine)i, f[i], &t, min_ms, &acc, &ns);
			const char *sfx = all ? engine_name[i] : "";
			printf("accepts%s%s %llu\n", all ? "_" : "", sfx, (unsigned long long)acc);
			printf("ns_per_packet%s%s %.2f\n", all ? "_" : "", sfx, ns);
		}
	}
	for (int i = 0; i < 3; i++)
		vn_bpf_free(f[i]);
	free(t.data);
	free(t.off);
	free(t.caplen);
	free(t.len);
	return rc;
}
