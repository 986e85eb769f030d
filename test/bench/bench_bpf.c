/* Filter benchmark (seed Figures 5.3 and 5.4): ns/packet of the JIT and the
 * interpreter against libpcap's bpf_filter() measured in the same run, over
 * the real Ethernet traces of the corpus held in memory, and the time to load
 * a program (validate + translate + map) against its length.
 *
 *   bench_bpf CORPUS_DIR [DATA_DIR]
 *
 * Prints Markdown tables (the bench script puts them into docs/evaluation.md)
 * and "target NAME met|MISSED" lines for the targets. With DATA_DIR,
 * also writes rules.dat and load.dat there for the plots. */
#include <dirent.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "vn_bpf.h"
#include "vn_pkt.h"

#define ROUNDS 301        /* timed passes per engine (see measure_with) */

/* The packets, back to back in one buffer (each starting on a cache line),
 * as a capture ring would hold them. */
struct pkt {
	const uint8_t *data;
	uint32_t caplen, len;
};
struct pkts {
	struct pkt *v;
	struct vn_pkt *rec;       /* the same packets as the data path holds them */
	size_t n, cap;
	uint8_t *buf;
	size_t used, room;
	size_t files;
};

static double now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static double median(double *v, size_t n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return v[n / 2];
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every Ethernet packet of every readable trace in dir, in name order. */
static void load_corpus(const char *dir, struct pkts *p)
{
	DIR *d = opendir(dir);
	if (!d) {
		perror(dir);
		exit(1);
	}
	char *names[1024];
	size_t nn = 0;
	struct dirent *de;
	while ((de = readdir(d)) && nn < 1024)
		if (strstr(de->d_name, ".pcap"))
			names[nn++] = strdup(de->d_name);
	closedir(d);
	qsort(names, nn, sizeof(*names), by_name);
	for (size_t i = 0; i < nn; i++) {
		char path[2048], eb[PCAP_ERRBUF_SIZE];
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		free(names[i]);
		pcap_t *pc = pcap_open_offline(path, eb);
		if (!pc)
			continue;
		if (pcap_datalink(pc) != DLT_EN10MB) {
			pcap_close(pc);
			continue;
		}
		p->files++;
		struct pcap_pkthdr *h;
		const u_char *data;
		while (pcap_next_ex(pc, &h, &data) == 1) {
			if (p->n == p->cap) {
				p->cap = p->cap ? 2 * p->cap : 4096;
				p->v = realloc(p->v, p->cap * sizeof(*p->v));
				if (!p->v)
					exit(1);
			}
			size_t sz = (h->caplen + 63) & ~(size_t)63;
			while (p->used + sz > p->room) {
				p->room = p->room ? 2 * p->room : 1 << 22;
				p->buf = realloc(p->buf, p->room);
				if (!p->buf)
					exit(1);
			}
			memcpy(p->buf + p->used, data, h->caplen);
			/* offsets for now: buf may still move */
			p->v[p->n].data = (const uint8_t *)(uintptr_t)p->used;
			p->v[p->n].caplen = h->caplen;
			p->v[p->n].len = h->len;
			p->used += sz;
			p->n++;
		}
		pcap_close(pc);
	}
	for (size_t i = 0; i < p->n; i++)
		p->v[i].data = p->buf + (uintptr_t)p->v[i].data;
	p->rec = calloc(p->n ? p->n : 1, sizeof(*p->rec));
	if (!p->rec)
		exit(1);
	for (size_t i = 0; i < p->n; i++)
		p->rec[i] = (struct vn_pkt){.data = (uint8_t *)p->v[i].data, .len = p->v[i].caplen,
					    .wire_len = p->v[i].len, .sock = -1};
}

enum engine { LIBPCAP, INTERP, JIT, NENGINES };

struct filt {
	const char *name;
	struct vn_bpf *f[NENGINES];     /* [LIBPCAP] holds the program for bpf_filter */
	uint64_t accepts;
};

static uint64_t pass(const struct filt *fl, enum engine e, const struct pkts *p)
{
	uint64_t acc = 0;
	const struct pkt *v = p->v, *end = p->v + p->n;
	if (e == LIBPCAP) {
		const struct bpf_insn *prog = (const struct bpf_insn *)vn_bpf_insns(fl->f[LIBPCAP]);
		for (; v < end; v++)
			acc += bpf_filter(prog, v->data, v->len, v->caplen) != 0;
	} else {
		struct vn_bpf *f = fl->f[e];
		for (; v < end; v++)
			acc += vn_bpf_run(f, v->data, v->caplen, v->len) != 0;
	}
	return acc;
}

/* The data-path form: every engine behind the VIF's filter hook (a
 * vn_filter_fn), called through a pointer with the packet record, as
 * vn_sched_enqueue calls u->filter(u->filter_ctx, p). For libpcap the hook is
 * the adapter a libpcap-based filter would need. */
typedef bool (*hook_fn)(void *ctx, const struct vn_pkt *p);

static bool pcap_hook(void *ctx, const struct vn_pkt *p)
{
	return bpf_filter(ctx, p->data, p->wire_len, p->len) != 0;
}

static uint64_t pass_hook(const struct filt *fl, enum engine e, const struct pkts *p)
{
	hook_fn h = e == LIBPCAP ? pcap_hook : vn_bpf_hook(fl->f[e]);
	void *ctx = e == LIBPCAP ? (void *)vn_bpf_insns(fl->f[LIBPCAP]) : (void *)fl->f[e];
	__asm__ volatile("" : "+r"(h));        /* a pointer, not a known function: never inlined */
	uint64_t acc = 0;
	for (const struct vn_pkt *r = p->rec, *end = p->rec + p->n; r < end; r++)
		acc += h(ctx, r);
	return acc;
}

/* ns/packet of each engine and the speed-up of the JIT over bpf_filter.
 * ROUNDS rounds; in each, every engine makes an untimed pass over all the
 * packets (its code, data and branch history back in the caches and
 * predictors) and then one timed pass, the engines taking turns in an order
 * that rotates from round to round. A round lasts 0.1-5 ms, so the engines of
 * one round run under the same conditions of a shared machine (load, clock,
 * a busy sibling thread); the speed-up is the median over the rounds of the
 * ratio of the two timed passes of the same round, and the times are the
 * medians of each engine's timed passes (the median drops the passes that
 * were preempted). */
static void measure_with(uint64_t (*pass)(const struct filt *, enum engine, const struct pkts *),
			 struct filt *fl, const struct pkts *p, double out[NENGINES], double *speedup)
{
	static double t[NENGINES][ROUNDS], ratio[ROUNDS];
	uint64_t acc[NENGINES];
	for (int e = 0; e < NENGINES; e++)
		acc[e] = pass(fl, (enum engine)e, p);           /* warm up, count */
	if (acc[INTERP] != acc[LIBPCAP] || acc[JIT] != acc[LIBPCAP]) {
		fprintf(stderr, "bench_bpf: %s: accept counts differ: libpcap %llu interp %llu jit %llu\n",
			fl->name, (unsigned long long)acc[LIBPCAP], (unsigned long long)acc[INTERP],
			(unsigned long long)acc[JIT]);
		exit(1);
	}
	fl->accepts = acc[JIT];
	for (int r = 0; r < ROUNDS; r++) {
		for (int i = 0; i < NENGINES; i++) {
			enum engine e = (enum engine)((r + i) % NENGINES);
			pass(fl, e, p);
			double t0 = now_ns();
			pass(fl, e, p);
			t[e][r] = (now_ns() - t0) / (double)p->n;
		}
		ratio[r] = t[LIBPCAP][r] / t[JIT][r];
	}
	for (int e = 0; e < NENGINES; e++)
		out[e] = median(t[e], ROUNDS);
	*speedup = median(ratio, ROUNDS);
}

static void measure(struct filt *fl, const struct pkts *p, double out[NENGINES])
{
	double speedup;
	measure_with(pass, fl, p, out, &speedup);
}

static void load(struct filt *fl, const char *name, const char *expr)
{
	char err[256];
	fl->name = name;
	for (int e = 0; e < NENGINES; e++) {
		unsigned flags = e == JIT ? 0 : VN_BPF_F_INTERP;
		if (vn_bpf_load_flags(expr, strlen(expr), DLT_EN10MB, flags, &fl->f[e], err,
				      sizeof(err))) {
			fprintf(stderr, "bench_bpf: %s: %s\n", name, err);
			exit(1);
		}
	}
}

static void unload(struct filt *fl)
{
	for (int e = 0; e < NENGINES; e++)
		vn_bpf_free(fl->f[e]);
}

/* "host A or host B or ..." with n hosts 10.1.0.1, 10.1.0.2, ... */
static char *host_chain(int n)
{
	char *s = malloc((size_t)n * 32 + 1);
	size_t len = 0;
	s[0] = '\0';
	for (int i = 0; i < n; i++)
		len += (size_t)sprintf(s + len, "%shost 10.1.%d.%d", i ? " or " : "", i / 250, i % 250 + 1);
	return s;
}

/* A straight 100-instruction program: load the source address, compare it
 * with 97 constants, accept or drop. */
static void chain100(struct vn_bpf_insn *p)
{
	p[0] = (struct vn_bpf_insn){ 0x20, 0, 0, 26 };               /* ld [26] */
	for (int i = 1; i <= 97; i++)
		p[i] = (struct vn_bpf_insn){ 0x15, (uint8_t)(98 - i - 1), 0, 0x0a010000u + (uint32_t)i };
	p[98] = (struct vn_bpf_insn){ 0x06, 0, 0, 262144 };            /* accept */
	p[99] = (struct vn_bpf_insn){ 0x06, 0, 0, 0 };
}

/* Load time of a program: min and median over many loads (the seed takes the
 * minimum: other samples may include interrupts). flags: 0 = JIT. */
static void load_time(const struct vn_bpf_insn *prog, size_t n, unsigned flags, double *min,
		      double *med)
{
	enum { SAMPLES = 301 };
	static double t[SAMPLES];
	for (int i = 0; i < SAMPLES; i++) {
		struct vn_bpf *f;
		double t0 = now_ns();
		if (vn_bpf_new(prog, n, flags, &f, NULL, 0))
			exit(1);
		t[i] = now_ns() - t0;
		vn_bpf_free(f);
	}
	*med = median(t, SAMPLES);
	*min = t[0];
}

static double pcap_compile_time(const char *expr)
{
	double best = 1e30;
	pcap_t *pc = pcap_open_dead(DLT_EN10MB, 262144);
	for (int i = 0; i < 21; i++) {
		struct bpf_program bp;
		double t0 = now_ns();
		if (pcap_compile(pc, &bp, expr, 1, PCAP_NETMASK_UNKNOWN))
			exit(1);
		double el = now_ns() - t0;
		pcap_freecode(&bp);
		if (el < best)
			best = el;
	}
	pcap_close(pc);
	return best;
}

/* --one ENGINE FILTER PASSES CORPUS_DIR: only run PASSES passes of one engine
 * over the corpus (FILTER: 0 accept-all, 1 tcp port 80, 2 host, 3 50-host
 * chain); the bench script counts the instructions of two such runs under
 * callgrind, a figure the load of a shared machine does not move. */
static int one(int argc, char **argv)
{
	if (argc != 6)
		return 2;
	int e = atoi(argv[2]), which = atoi(argv[3]), passes = atoi(argv[4]);
	struct pkts p = { 0 };
	load_corpus(argv[5], &p);
	char *chain50 = host_chain(50);
	const char *exprs[] = { "1\n6 0 0 262144\n", "tcp port 80", "host 198.18.0.1", chain50 };
	if (e < 0 || e >= NENGINES || which < 0 || which > 3)
		return 2;
	struct filt fl;
	load(&fl, exprs[which], exprs[which]);
	uint64_t acc = 0;
	for (int i = 0; i < passes; i++)
		acc += pass(&fl, (enum engine)e, &p);
	printf("packets %zu accepts %llu\n", p.n, (unsigned long long)acc);
	unload(&fl);
	free(chain50);
	free(p.v);
	free(p.rec);
	free(p.buf);
	return 0;
}

/* --speedup RUNS CORPUS_DIR: the speed-up of the JIT over bpf_filter on the
 * four filters, measured as in the first two tables (each engine called
 * directly, then through the VIF's filter hook), RUNS times in a row: one
 * line per run, then the median and the lowest of the runs. The targets are
 * judged on these, since one run on a shared machine can be an outlier
 * either way. */
static int speedup_runs(int argc, char **argv)
{
	if (argc != 4)
		return 2;
	int runs = atoi(argv[2]);
	struct pkts p = { 0 };
	load_corpus(argv[3], &p);
	char *chain50 = host_chain(50);
	const char *exprs[] = { "1\n6 0 0 262144\n", "tcp port 80", "host 198.18.0.1", chain50 };
	const char *names[] = { "accept-all", "`tcp port 80`", "`host 198.18.0.1`", "50-host `or` chain" };
	enum { NF = 4, MAXRUNS = 99 };
	static double r[2][NF][MAXRUNS];       /* [0] called directly, [1] through the hook */
	if (runs < 1 || runs > MAXRUNS)
		return 2;
	printf("| run |");
	for (int form = 0; form < 2; form++)
		for (int i = 0; i < NF; i++)
			printf(" %s%s |", names[i], form ? " (hook)" : "");
	printf("\n|---:|");
	for (int i = 0; i < 2 * NF; i++)
		printf("---:|");
	printf("\n");
	for (int k = 0; k < runs; k++) {
		printf("| %d |", k + 1);
		for (int form = 0; form < 2; form++) {
			for (int i = 0; i < NF; i++) {
				struct filt fl;
				double ns[NENGINES];
				load(&fl, exprs[i], exprs[i]);
				measure_with(form ? pass_hook : pass, &fl, &p, ns, &r[form][i][k]);
				printf(" %.2fx |", r[form][i][k]);
				unload(&fl);
			}
		}
		printf("\n");
		fflush(stdout);
	}
	double med[2][NF], low[2][NF];
	for (int form = 0; form < 2; form++)
		for (int i = 0; i < NF; i++) {
			med[form][i] = median(r[form][i], (size_t)runs);   /* sorts: [0] is the lowest */
			low[form][i] = r[form][i][0];
		}
	printf("| median |");
	for (int i = 0; i < 2 * NF; i++)
		printf(" %.2fx |", med[i / NF][i % NF]);
	printf("\n| lowest |");
	for (int i = 0; i < 2 * NF; i++)
		printf(" %.2fx |", low[i / NF][i % NF]);
	printf("\n\n");
	for (int form = 0; form < 2; form++)
		for (int i = 1; i < NF; i++)
			printf("target JIT >= 3x bpf_filter on %s (%s): median of %d runs %.2fx, lowest"
			       " %.2fx: %s\n", names[i], form ? "through the VIF hook" : "called directly",
			       runs, med[form][i], low[form][i],
			       low[form][i] >= 3 ? "met in every run"
			       : med[form][i] >= 3 ? "met by the median, not in every run" : "MISSED");
	free(chain50);
	free(p.v);
	free(p.rec);
	free(p.buf);
	return 0;
}

/* --floor CORPUS_DIR: what a call costs whatever the callee does. Stubs in
 * the shape of the JIT's code (count the packet in f, return) with different
 * paths, called indirectly from the same loop as the engines (a stub as
 * head.run), and the first one also called directly: ns/call, the median of
 * 601 passes over the corpus, the stubs taking turns. docs/filter.md, Speed,
 * reads these. */
#if defined(__x86_64__)
#define STUB(name, body) \
	".globl " name "\n.type " name ", @function\n.p2align 6\n" name ":\n" body \
	"\tincq 8(%rdi)\n\tmovl $1, %eax\n\tret\n.size " name ", .-" name "\n"
#define NOP16 "\t.fill 16, 1, 0x90\n"
#define MOVS8 ".rept 8\n\tmovl %edx, %r11d\n.endr\n"
__asm__(".pushsection .text\n"
	STUB("bench_stub_ret", "")
	STUB("bench_stub_nt8", ".rept 8\n\tcmpl $14, %edx\n\tjb 9f\n.endr\n")
	STUB("bench_stub_straight48", MOVS8 MOVS8)
	STUB("bench_stub_taken", "\tcmpl $14, %edx\n\tjae 1f\n" NOP16 "1:\n")
	STUB("bench_stub_taken_24", "\tcmpl $14, %edx\n\tjae 1f\n" NOP16 "1:\n" MOVS8)
	STUB("bench_stub_taken_48", "\tcmpl $14, %edx\n\tjae 1f\n" NOP16 "1:\n" MOVS8 MOVS8)
	STUB("bench_stub_taken2", "\tcmpl $14, %edx\n\tjae 1f\n" NOP16 "1:\n"
				  "\tcmpl $14, %edx\n\tjae 2f\n" NOP16 "2:\n")
	STUB("bench_stub_taken3", "\tcmpl $14, %edx\n\tjae 1f\n" NOP16 "1:\n"
				  "\tcmpl $14, %edx\n\tjae 2f\n" NOP16 "2:\n"
				  "\tcmpl $14, %edx\n\tjae 3f\n" NOP16 "3:\n")
	"9:\tud2\n"            /* the never-taken branches' target */
	".popsection\n");
typedef uint32_t (*stub_fn)(struct vn_bpf *, const uint8_t *, uint32_t, uint32_t);
uint32_t bench_stub_ret(struct vn_bpf *, const uint8_t *, uint32_t, uint32_t);
uint32_t bench_stub_nt8(struct vn_bpf *, const uint8_t *, uint32_t, uint32_t);
uint32_t bench_stub_straight48(struct vn_bpf *, const uint8_t *, uint32_t, uint32_t);
uint32_t bench_stub_taken(struct vn_bpf *, const uint8_t *, uint32_t, uint32_t);
uint32_t bench_stub_taken_24(struct vn_bpf *, const uint8_t *, uint32_t, uint32_t);
uint32_t bench_stub_taken_48(struct vn_bpf *, const uint8_t *, uint32_t, uint32_t);
uint32_t bench_stub_taken2(struct vn_bpf *, const uint8_t *, uint32_t, uint32_t);
uint32_t bench_stub_taken3(struct vn_bpf *, const uint8_t *, uint32_t, uint32_t);

/* a fake filter: head.run, then the counters the stubs increment */
static struct { stub_fn run; uint64_t counts[2]; } stub_filter;

static uint64_t pass_stub(const struct pkts *p)
{
	uint64_t acc = 0;
	struct vn_bpf *f = (struct vn_bpf *)(void *)&stub_filter;
	for (const struct pkt *v = p->v, *end = p->v + p->n; v < end; v++)
		acc += vn_bpf_run(f, v->data, v->caplen, v->len) != 0;
	return acc;
}

static uint64_t pass_stub_direct(const struct pkts *p)
{
	uint64_t acc = 0;
	struct vn_bpf *f = (struct vn_bpf *)(void *)&stub_filter;
	for (const struct pkt *v = p->v, *end = p->v + p->n; v < end; v++)
		acc += bench_stub_ret(f, v->data, v->caplen, v->len) != 0;
	return acc;
}

static int call_floor(int argc, char **argv)
{
	if (argc != 3)
		return 2;
	struct pkts p = { 0 };
	load_corpus(argv[2], &p);
	static const struct { const char *what; stub_fn fn; } S[] = {
		{ "`ret` (the floor), called directly", NULL },
		{ "`ret`", bench_stub_ret },
		{ "8 never-taken compare-and-branch pairs", bench_stub_nt8 },
		{ "48 bytes of straight code (16 moves)", bench_stub_straight48 },
		{ "1 taken jump", bench_stub_taken },
		{ "1 taken jump, then 24 bytes", bench_stub_taken_24 },
		{ "1 taken jump, then 48 bytes", bench_stub_taken_48 },
		{ "2 taken jumps", bench_stub_taken2 },
		{ "3 taken jumps", bench_stub_taken3 },
	};
	enum { NS = sizeof(S) / sizeof(S[0]), R = 601 };
	static double t[NS][R];
	for (int r = 0; r < R; r++)
		for (int i = 0; i < NS; i++) {
			stub_filter.run = S[i].fn ? S[i].fn : bench_stub_ret;
			uint64_t (*ps)(const struct pkts *) = S[i].fn ? pass_stub : pass_stub_direct;
			ps(&p);
			double t0 = now_ns();
			ps(&p);
			t[i][r] = (now_ns() - t0) / (double)p.n;
		}
	printf("| stub called once per packet (then count, return) | ns/call | vs `ret` |\n"
	       "|---|---:|---:|\n");
	double base = median(t[1], R);
	for (int i = 0; i < NS; i++) {
		double m = median(t[i], R);
		printf("| %s%s | %.2f | %+.2f |\n", S[i].what, S[i].fn ? ", called indirectly" : "", m,
		       m - base);
	}
	free(p.v);
	free(p.rec);
	free(p.buf);
	return 0;
}
#else
static int call_floor(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	printf("(--floor measures x86-64 stubs)\n");
	return 0;
}
#endif

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "--one") == 0)
		return one(argc, argv);
	if (argc > 1 && strcmp(argv[1], "--speedup") == 0)
		return speedup_runs(argc, argv);
	if (argc > 1 && strcmp(argv[1], "--floor") == 0)
		return call_floor(argc, argv);
	if (argc != 2 && argc != 3) {
		fprintf(stderr, "usage: bench_bpf CORPUS_DIR [DATA_DIR]\n"
			"       bench_bpf --one ENGINE FILTER PASSES CORPUS_DIR\n"
			"       bench_bpf --speedup RUNS CORPUS_DIR\n"
			"       bench_bpf --floor CORPUS_DIR\n");
		return 2;
	}
	FILE *rules_dat = NULL, *load_dat = NULL;
	if (argc == 3) {
		char path[4096];
		snprintf(path, sizeof(path), "%s/rules.dat", argv[2]);
		rules_dat = fopen(path, "w");
		snprintf(path, sizeof(path), "%s/load.dat", argv[2]);
		load_dat = fopen(path, "w");
		if (!rules_dat || !load_dat) {
			perror(argv[2]);
			return 1;
		}
		fprintf(rules_dat, "# hosts insns libpcap interp jit (ns/packet)\n");
		fprintf(load_dat, "# insns jit_min jit_median interp_median (us)\n");
	}
	struct pkts p = { 0 };
	load_corpus(argv[1], &p);
	if (p.n < 100) {
		fprintf(stderr, "bench_bpf: only %zu Ethernet packets under %s\n", p.n, argv[1]);
		return 1;
	}
	if (!vn_bpf_jit_available())
		printf("(no JIT on this machine: the JIT column is the interpreter)\n\n");

	/* 1. the four filters of the issue */
	char *chain50 = host_chain(50);
	struct { const char *name, *expr; } F[] = {
		{ "accept-all", NULL },
		{ "`tcp port 80`", "tcp port 80" },
		{ "`host 198.18.0.1`", "host 198.18.0.1" },
		{ "50-host `or` chain", chain50 },
	};
	printf("Filtering cost over %zu packets of the %zu Ethernet traces of the corpus\n"
	       "(ns/packet: the median of %d timed passes over all the packets per engine, the\n"
	       "engines taking turns pass by pass, each timed pass after an untimed one; speed-up:\n"
	       "the median over the %d turns of bpf_filter's time / the JIT's time in that turn;\n"
	       "each engine called once per packet):\n\n",
	       p.n, p.files, ROUNDS, ROUNDS);
	printf("| filter | insns | accepted | libpcap bpf_filter | interpreter | JIT | JIT speed-up |"
	       " beyond the call |\n");
	printf("|---|---:|---:|---:|---:|---:|---:|---:|\n");
	double speedup[4], floor_ns[NENGINES] = { 0 };
	for (size_t i = 0; i < 4; i++) {
		struct filt fl;
		if (F[i].expr) {
			load(&fl, F[i].name, F[i].expr);
		} else {
			const char *acc = "1\n6 0 0 262144\n";
			load(&fl, F[i].name, acc);
		}
		double ns[NENGINES];
		measure_with(pass, &fl, &p, ns, &speedup[i]);
		char beyond[32] = "-";
		if (i == 0)
			memcpy(floor_ns, ns, sizeof(floor_ns));
		else if (ns[JIT] > floor_ns[JIT])
			snprintf(beyond, sizeof(beyond), "%.1fx", (ns[LIBPCAP] - floor_ns[LIBPCAP]) /
				 (ns[JIT] - floor_ns[JIT]));
		printf("| %s | %zu | %llu | %.2f | %.2f | %.2f | %.2fx | %s |\n", F[i].name,
		       vn_bpf_len(fl.f[JIT]), (unsigned long long)fl.accepts, ns[LIBPCAP], ns[INTERP],
		       ns[JIT], speedup[i], beyond);
		unload(&fl);
	}

	/* 1b. the same, the way the data path calls a filter */
	printf("\nThe same through the VIF's filter hook, as the data path calls it"
	       " (`u->filter(u->filter_ctx, p)`\nwith the packet record; JIT: the hook is `vn_bpf_hook(f)`,"
	       " the native code's second entry\nitself; interpreter: its C hook; libpcap: the adapter a"
	       " libpcap-based filter would need,\n`bpf_filter(prog, p->data, p->wire_len, p->len)`;"
	       " ns/packet and speed-up as above):\n\n");
	printf("| filter | libpcap via adapter | interpreter | JIT | JIT speed-up |\n"
	       "|---|---:|---:|---:|---:|\n");
	double speedup_dp[4];
	for (size_t i = 0; i < 4; i++) {
		struct filt fl;
		load(&fl, F[i].name, F[i].expr ? F[i].expr : "1\n6 0 0 262144\n");
		double ns[NENGINES];
		measure_with(pass_hook, &fl, &p, ns, &speedup_dp[i]);
		printf("| %s | %.2f | %.2f | %.2f | %.2fx |\n", F[i].name, ns[LIBPCAP], ns[INTERP],
		       ns[JIT], speedup_dp[i]);
		unload(&fl);
	}

	/* 2. Figure 5.4: cost against the number of rules (hosts in the chain) */
	printf("\nCost against the number of host rules (`host A or host B or ...`, Figure 5.4;"
	       " ns/packet):\n\n");
	printf("| hosts | insns | libpcap bpf_filter | interpreter | JIT |\n|---:|---:|---:|---:|---:|\n");
	const int hosts[] = { 1, 2, 5, 10, 20, 50 };
	for (size_t i = 0; i < sizeof(hosts) / sizeof(hosts[0]); i++) {
		char *e = host_chain(hosts[i]);
		struct filt fl;
		load(&fl, e, e);
		double ns[NENGINES];
		measure(&fl, &p, ns);
		printf("| %d | %zu | %.2f | %.2f | %.2f |\n", hosts[i], vn_bpf_len(fl.f[JIT]),
		       ns[LIBPCAP], ns[INTERP], ns[JIT]);
		if (rules_dat)
			fprintf(rules_dat, "%d %zu %.2f %.2f %.2f\n", hosts[i], vn_bpf_len(fl.f[JIT]),
				ns[LIBPCAP], ns[INTERP], ns[JIT]);
		unload(&fl);
		free(e);
	}

	/* 3. Figure 5.3: load (validate + JIT-compile + map) time against length */
	printf("\nLoad time against program length (Figure 5.3): `vn_bpf_new` from instructions ="
	       " validate, translate,\nplace the code in a read+execute mapping; min and median of"
	       " 301 loads, in µs. libpcap's `pcap_compile`\n(parse + optimize) of the same"
	       " expression, min of 21, for scale:\n\n");
	printf("| program | insns | JIT load min | JIT load median | interpreter load median |"
	       " pcap_compile min |\n|---|---:|---:|---:|---:|---:|\n");
	const int lens[] = { 1, 5, 10, 20, 30, 40, 50 };
	double c100_min = 0, c100_med = 0;
	for (size_t i = 0; i <= sizeof(lens) / sizeof(lens[0]); i++) {
		struct vn_bpf_insn prog100[100];
		const struct vn_bpf_insn *prog;
		size_t n;
		struct vn_bpf *f = NULL;
		char *e = NULL, label[64];
		double pc = 0;
		if (i < sizeof(lens) / sizeof(lens[0])) {
			e = host_chain(lens[i]);
			if (vn_bpf_load(e, strlen(e), DLT_EN10MB, &f, NULL, 0))
				return 1;
			prog = vn_bpf_insns(f);
			n = vn_bpf_len(f);
			snprintf(label, sizeof(label), "%d-host chain", lens[i]);
			pc = pcap_compile_time(e);
		} else {
			chain100(prog100);
			prog = prog100;
			n = 100;
			snprintf(label, sizeof(label), "100-insn compare chain");
		}
		double jmin, jmed, imin, imed;
		load_time(prog, n, 0, &jmin, &jmed);
		load_time(prog, n, VN_BPF_F_INTERP, &imin, &imed);
		if (e)
			printf("| %s | %zu | %.1f | %.1f | %.1f | %.1f |\n", label, n, jmin / 1e3,
			       jmed / 1e3, imed / 1e3, pc / 1e3);
		else
			printf("| %s | %zu | %.1f | %.1f | %.1f | - |\n", label, n, jmin / 1e3,
			       jmed / 1e3, imed / 1e3);
		if (!e) {
			c100_min = jmin;
			c100_med = jmed;
		} else if (load_dat) {
			fprintf(load_dat, "%zu %.2f %.2f %.2f\n", n, jmin / 1e3, jmed / 1e3, imed / 1e3);
		}
		vn_bpf_free(f);
		free(e);
	}

	printf("\n");
	for (int i = 1; i < 4; i++)
		printf("target JIT >= 3x bpf_filter on %s: %.2fx %s (each called directly;"
		       " through the VIF hook %.2fx)\n", F[i].name, speedup[i],
		       speedup[i] >= 3 ? "met" : "MISSED", speedup_dp[i]);
	printf("target load <= 20 us for a 100-instruction program: median %.1f us (min %.1f) %s\n",
	       c100_med / 1e3, c100_min / 1e3, c100_med <= 20e3 ? "met" : "MISSED");
	if (rules_dat)
		fclose(rules_dat);
	if (load_dat)
		fclose(load_dat);
	free(chain50);
	free(p.v);
	free(p.rec);
	free(p.buf);
	return 0;
}
