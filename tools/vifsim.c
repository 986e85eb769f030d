/* vifsim — replay a pcap trace through a VIF tree on a virtual clock.
 *
 *   vifsim TREEFILE IN.pcap OUT.pcap [--csv FILE] [--plot FILE.svg] [--interval MS]
 *
 * Each trace packet arrives at its capture time, is classified by the tree
 * file's `match` rules (else the root) and direction (`local` prefixes: a
 * packet to a local address is ingress), and goes through the scheduler. OUT
 * holds the packets that left, stamped with their departure time. Outputs are
 * written to temporary files and renamed only if the whole replay succeeded;
 * the same input gives the same bytes. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "vn_classify.h"
#include "vn_pcapio.h"
#include "vn_pkt.h"
#include "vn_sched.h"
#include "vn_treefile.h"
#include "vn_vif.h"
#include "vifsim_hooks.h"

#define MAX_LOCALS 64
#define SMALL_BUF 2048
#define LARGE_BUF 262144

struct vifrow {
	struct vn_vif *vif;
	char path[256];
	uint64_t delay_ns, delayed;  /* queueing delay of departed packets, summed */
	uint64_t *bins;          /* wire bytes per interval, both directions */
	size_t nbins;
};

struct sim {
	struct vn_tree *tree;
	struct vn_classifier *cls;
	struct vn_pool *small, *large;
	struct vn_pcap_writer *out;
	struct vn_cidr locals[MAX_LOCALS];
	size_t nlocals;
	int linktype;
	vn_time_t t0, interval;
	struct vifrow *rows;
	size_t nrows;
	uint64_t in_pkts, out_pkts, dropped, no_l3;
	vn_time_t last_departure;
	vn_time_t now;                /* the virtual clock (VIFlets read it) */
	bool oom;
};

static void usage(FILE *f)
{
	fprintf(f, "usage: vifsim TREEFILE IN.pcap OUT.pcap [--csv FILE] [--plot FILE.svg] [--interval MS]\n");
}

static void put_pkt(struct sim *s, struct vn_pkt *p)
{
	vn_pool_put(p->cap > SMALL_BUF ? s->large : s->small, p);
}

static void release(void *ctx, struct vn_pkt *p)
{
	put_pkt(ctx, p);
}

static int collect_rows(struct sim *s, struct vn_vif *v)
{
	struct vifrow *r = realloc(s->rows, (s->nrows + 1) * sizeof(*r));
	if (!r)
		return -1;
	s->rows = r;
	r = &s->rows[s->nrows];
	memset(r, 0, sizeof(*r));
	r->vif = v;
	vn_vif_path_str(v, r->path, sizeof(r->path));
	vn_vif_set_user(v, (void *)(uintptr_t)s->nrows);
	s->nrows++;
	for (struct vn_vif *c = vn_vif_first_child(v); c; c = vn_vif_next_sibling(c))
		if (collect_rows(s, c) < 0)
			return -1;
	return 0;
}

static void account(struct sim *s, const struct vn_pkt *p, vn_time_t now)
{
	size_t bin = (size_t)((now - s->t0) / s->interval);
	/* p->user: the VIF the packet was classified to (a VIFlet above it
	 * re-attaches p->vif to its own VIF). */
	const struct vn_vif *v = p->user;
	struct vn_vif *const *path = vn_vif_path(v);
	for (unsigned i = 0; i <= vn_vif_depth(v); i++) {
		struct vifrow *r = &s->rows[(uintptr_t)vn_vif_user(path[i])];
		r->delay_ns += now - p->arrival;
		r->delayed++;
		if (bin >= r->nbins) {
			size_t n = r->nbins ? r->nbins : 16;
			while (n <= bin)
				n *= 2;
			uint64_t *b = realloc(r->bins, n * sizeof(*b));
			if (!b) {
				s->oom = true;
				return;
			}
			memset(b + r->nbins, 0, (n - r->nbins) * sizeof(*b));
			r->bins = b;
			r->nbins = n;
		}
		r->bins[bin] += p->wire_len;
	}
}

static void drain_ready(struct sim *s, vn_time_t now)
{
	s->now = now;
	for (int d = 0; d < VN_NDIR; d++) {
		struct vn_pkt *p;
		while ((p = vn_sched_dequeue(s->tree, (enum vn_dir)d, now))) {
			vn_pcap_write(s->out, now, p->data, p->len, p->wire_len);
			account(s, p, now);
			s->out_pkts++;
			s->last_departure = now;
			put_pkt(s, p);
		}
	}
}

/* Let the scheduler run until (not including) time `until`. */
static vn_time_t run_until(struct sim *s, vn_time_t now, vn_time_t until)
{
	for (;;) {
		s->now = now;
		vn_time_t next = vn_sched_next(s->tree, now);
		if (next == VN_TIME_NEVER || next >= until)
			return now;
		if (next > now)
			now = next;
		drain_ready(s, now);
	}
}

static int arrive(struct sim *s, const struct vn_pcap_rec *rec, vn_time_t now)
{
	struct vn_pool *pool = rec->caplen > SMALL_BUF ? s->large : s->small;
	if (rec->caplen > vn_pool_bufsize(pool))
		return -EMSGSIZE;
	struct vn_pkt *p = vn_pool_get(pool);
	if (!p)
		return -ENOMEM;
	memcpy(p->data, rec->data, rec->caplen);
	p->len = rec->caplen;
	p->wire_len = rec->len ? rec->len : 1;
	p->seq = s->in_pkts++;
	int l3 = vn_l3_offset(s->linktype, p->data, p->len);
	p->dir = VN_EGRESS;
	if (l3 < 0) {
		s->no_l3++;
		p->l3_off = VN_L3_NONE;
	} else {
		p->l3_off = (uint16_t)l3;
		for (size_t i = 0; i < s->nlocals; i++)
			if (vn_cidr_match_dst(&s->locals[i], p->data + l3, p->len - (uint32_t)l3)) {
				p->dir = VN_INGRESS;
				break;
			}
	}
	struct vn_vif *v = l3 < 0 ? NULL : vn_classify(s->cls, p->data, p->len, rec->len);
	p->vif = v ? v : vn_tree_root(s->tree);
	p->user = p->vif;
	if (vn_sched_enqueue(s->tree, p, now) < 0) {
		s->dropped++;
		put_pkt(s, p);
	}
	return 0;
}

static int write_csv(const struct sim *s, const char *path, size_t nbins, char *err, size_t errlen)
{
	char *tmp;
	if (asprintf(&tmp, "%s.tmp.%ld", path, (long)getpid()) < 0)
		return -ENOMEM;
	FILE *f = fopen(tmp, "w");
	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		free(tmp);
		return -1;
	}
	fprintf(f, "time_s");
	for (size_t i = 0; i < s->nrows; i++)
		fprintf(f, ",%s", s->rows[i].path);
	fprintf(f, "\n");
	double secs = (double)s->interval / 1e9;
	for (size_t b = 0; b < nbins; b++) {
		fprintf(f, "%.3f", (double)(b * s->interval) / 1e9);
		for (size_t i = 0; i < s->nrows; i++) {
			uint64_t bytes = b < s->rows[i].nbins ? s->rows[i].bins[b] : 0;
			fprintf(f, ",%.0f", (double)bytes * 8 / secs);
		}
		fprintf(f, "\n");
	}
	int bad = ferror(f);
	bad |= fclose(f) != 0;
	if (bad || rename(tmp, path) < 0) {
		snprintf(err, errlen, "%s: write error", path);
		unlink(tmp);
		free(tmp);
		return -1;
	}
	free(tmp);
	return 0;
}

/* Draw the CSV with gnuplot into an SVG (temporary file, then renamed). */
static int write_plot(const struct sim *s, const char *csv, const char *svg, char *err, size_t errlen)
{
	char *tmp;
	if (asprintf(&tmp, "%s.tmp.%ld", svg, (long)getpid()) < 0)
		return -ENOMEM;
	FILE *g = popen("gnuplot", "w");
	if (!g) {
		snprintf(err, errlen, "gnuplot: %s", strerror(errno));
		free(tmp);
		return -1;
	}
	fprintf(g, "set terminal svg size 960,540 dynamic font 'sans,12'\n");
	fprintf(g, "set output '%s'\n", tmp);
	fprintf(g, "set datafile separator ','\nset key outside right top\n");
	fprintf(g, "set xlabel 'time (s)'\nset ylabel 'throughput (Kbit/s)'\nset grid\n");
	fprintf(g, "set title 'vifsim: per-VIF throughput (both directions)'\n");
	fprintf(g, "plot ");
	for (size_t i = 0; i < s->nrows; i++)
		fprintf(g, "%s'%s' using 1:($%zu/1000) with steps lw 2 title '%s'", i ? ", " : "", csv,
			i + 2, i == 0 ? "root" : s->rows[i].path);
	fprintf(g, "\n");
	int st = pclose(g);
	if (st != 0 || rename(tmp, svg) < 0) {
		snprintf(err, errlen, "%s: gnuplot failed (is gnuplot-nox installed?)", svg);
		unlink(tmp);
		free(tmp);
		return -1;
	}
	free(tmp);
	return 0;
}

static void print_summary(const struct sim *s, vn_time_t span)
{
	printf("%-24s %-6s %12s %10s %10s %8s %12s %10s\n", "VIF", "type", "bandwidth", "out_pkts", "in_pkts",
	       "drops", "avg_kbit/s", "delay_ms");
	for (size_t i = 0; i < s->nrows; i++) {
		struct vn_vif_stats st;
		char bw[32];
		vn_vif_stats(s->rows[i].vif, &st);
		vn_bw_format(vn_vif_bandwidth(s->rows[i].vif), bw, sizeof(bw));
		double kbps = span ? (double)(st.out_bytes + st.in_bytes) * 8 / ((double)span / 1e9) / 1000 : 0;
		const struct vifrow *r = &s->rows[i];
		printf("%-24s %-6s %12s %10llu %10llu %8llu %12.1f %10.3f\n", r->path,
		       vn_type_name(vn_vif_type(r->vif)), bw, (unsigned long long)st.out_packets,
		       (unsigned long long)st.in_packets, (unsigned long long)st.drops, kbps,
		       r->delayed ? (double)r->delay_ns / (double)r->delayed / 1e6 : 0.0);
	}
	printf("packets: %llu in, %llu out, %llu dropped, %llu without network header (root)\n",
	       (unsigned long long)s->in_pkts, (unsigned long long)s->out_pkts,
	       (unsigned long long)s->dropped, (unsigned long long)s->no_l3);
}

static void sim_free(struct sim *s)
{
	for (size_t i = 0; i < s->nrows; i++)
		free(s->rows[i].bins);
	free(s->rows);
	vn_tree_free(s->tree);
	vn_classifier_free(s->cls);
	vn_pool_free(s->small);
	vn_pool_free(s->large);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "csv", required_argument, NULL, 'c' },
		{ "plot", required_argument, NULL, 'p' },
		{ "interval", required_argument, NULL, 'i' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *csv = NULL, *plot = NULL;
	uint64_t interval_ms = 1000;
	int c;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'c': csv = optarg; break;
		case 'p': plot = optarg; break;
		case 'i':
			if (vn_uint_parse(optarg, 1, 3600000, &interval_ms) < 0) {
				fprintf(stderr, "vifsim: --interval: expected milliseconds (1-3600000), got '%s'\n", optarg);
				return 2;
			}
			break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (argc - optind != 3) {
		usage(stderr);
		return 2;
	}
	const char *treefile = argv[optind], *in = argv[optind + 1], *outpath = argv[optind + 2];
	char err[1024];
	struct sim s;
	memset(&s, 0, sizeof(s));
	s.interval = interval_ms * 1000000ull;

	struct vn_treefile *tf = vn_treefile_read(treefile, err, sizeof(err));
	if (!tf) {
		fprintf(stderr, "vifsim: %s\n", err);
		return 2;
	}
	struct vn_pcap_reader *r = vn_pcap_open(in, err, sizeof(err));
	if (!r) {
		fprintf(stderr, "vifsim: %s\n", err);
		vn_treefile_free(tf);
		return 1;
	}
	s.linktype = vn_pcap_linktype(r);
	uint32_t snap = LARGE_BUF;   /* libpcap's largest record */
	s.tree = vn_tree_new("trace");
	s.cls = vn_classifier_new(s.linktype);
	s.small = vn_pool_new(SMALL_BUF, 1024, UINT32_MAX / SMALL_BUF);
	s.large = vn_pool_new(snap, 0, 1u << 14);
	s.nlocals = MAX_LOCALS;
	struct vn_tf_hooks hooks = vifsim_hooks(&s.now);
	int rc = 1;
	if (!s.tree || !s.cls || !s.small || !s.large) {
		fprintf(stderr, "vifsim: out of memory\n");
		goto out;
	}
	vn_tree_set_release(s.tree, release, &s);
	if (vn_treefile_apply(tf, s.tree, s.cls, s.linktype, &hooks, s.locals, &s.nlocals, err, sizeof(err)) < 0) {
		fprintf(stderr, "vifsim: %s\n", err);
		rc = 2;
		goto out;
	}
	if (collect_rows(&s, vn_tree_root(s.tree)) < 0) {
		fprintf(stderr, "vifsim: out of memory\n");
		goto out;
	}
	s.out = vn_pcap_create(outpath, s.linktype, vn_pcap_snaplen(r), err, sizeof(err));
	if (!s.out) {
		fprintf(stderr, "vifsim: %s\n", err);
		goto out;
	}

	struct vn_pcap_rec rec;
	vn_time_t now = 0;
	bool first = true;
	int got;
	while ((got = vn_pcap_next(r, &rec, err, sizeof(err))) == 1) {
		if (first) {
			now = s.t0 = s.now = rec.ts;
			first = false;
			if (vifsim_hooks_start(s.tree, s.t0) < 0) {
				got = -3;
				break;
			}
		}
		vn_time_t at = rec.ts > now ? rec.ts : now;   /* out-of-order stamps: no time travel */
		now = run_until(&s, now, at);
		now = s.now = at;
		int arc = arrive(&s, &rec, now);
		if (arc < 0) {
			fprintf(stderr, "vifsim: %s: packet %llu: %s\n", in, (unsigned long long)s.in_pkts + 1,
				arc == -EMSGSIZE ? "record larger than 256 KiB" : "out of packet buffers");
			got = -2;
			break;
		}
		drain_ready(&s, now);
	}
	if (got == -1)
		fprintf(stderr, "vifsim: %s: truncated or corrupt after packet %llu: %s\n", in,
			(unsigned long long)s.in_pkts, err);
	if (got < 0 || s.oom) {
		if (s.oom)
			fprintf(stderr, "vifsim: out of memory\n");
		vn_pcap_abort(s.out);
		goto out;
	}
	run_until(&s, now, VN_TIME_NEVER);
	if (vn_pcap_commit(s.out, err, sizeof(err)) < 0) {
		fprintf(stderr, "vifsim: %s\n", err);
		goto out;
	}
	size_t nbins = first ? 0 : (size_t)((s.last_departure - s.t0) / s.interval) + 1;
	char *tmpcsv = NULL;
	if (plot && !csv) {
		if (asprintf(&tmpcsv, "%s.csv.tmp.%ld", plot, (long)getpid()) < 0)
			goto out;
	}
	if ((csv || tmpcsv) && write_csv(&s, csv ? csv : tmpcsv, nbins, err, sizeof(err)) < 0) {
		fprintf(stderr, "vifsim: %s\n", err);
		free(tmpcsv);
		goto out;
	}
	if (plot && write_plot(&s, csv ? csv : tmpcsv, plot, err, sizeof(err)) < 0) {
		fprintf(stderr, "vifsim: %s\n", err);
		if (tmpcsv)
			unlink(tmpcsv);
		free(tmpcsv);
		goto out;
	}
	if (tmpcsv)
		unlink(tmpcsv);
	free(tmpcsv);
	print_summary(&s, first ? 0 : s.last_departure - s.t0);
	rc = 0;
out:
	vn_pcap_close(r);
	vn_treefile_free(tf);
	sim_free(&s);
	vifsim_hooks_cleanup();
	return rc;
}
