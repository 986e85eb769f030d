/* vifvm: the VIFlet VM's test bench and benchmark driver (SPEC section 8).
 *
 *   vifvm [--interp|--jit] [-cp PATH] [limits] CLASS [ARGS...]
 *       runs CLASS's static main(String[]); CLASS is a class name (dots or
 *       slashes) found on -cp, or a path to a .class file.
 *   vifvm [--interp|--jit] [-cp PATH] [limits] --packets TRACE.pcap[,MORE.pcap...] [--burst N] VIFLET
 *       packet driver: instantiates the VIFlet, enqueues the trace's packets
 *       N at a time (default: all), after each burst dequeues until dequeue()
 *       returns null, and prints one line per packet sent:
 *         out IN_INDEX proto=P sport=S dport=D len=L
 *       then a summary line "packets in=.. out=.. dropped=.. held=..".
 *       VIFLET may also be a .class or .jar file (the first VIFlet subclass in it);
 *       --conf KEY=VALUE answers VIFlet.conf(KEY); the VIFlet's timer runs in
 *       virtual time (packet timestamps) and prints "timeout at US" when it fires.
 *       --quiet: no per-packet lines (the summary only).
 *   limits: --heap BYTES, --budget N (branches+calls per call), --depth N,
 *       --stack SLOTS; --stats prints heap/GC figures on stderr, and with
 *       --packets the time inside the VM per packet: each enqueue() and
 *       dequeue() call timed, or (with --quiet, nothing printed in between)
 *       each burst's enqueues and drain timed as a whole, which leaves out
 *       most of the clock's own cost (two readings a burst, not a call).
 * Exit status: 0 ok, 1 uncaught exception (as java), 2 VM aborted (a limit or
 * rule), 3 class rejected, 4 usage or I/O error. */
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "vn_jit.h"
#include "vn_vm.h"

static void usage(void)
{
	fprintf(stderr,
		"usage: vifvm [--interp|--jit] [-cp PATH] [--heap BYTES] [--budget N] [--depth N]\n"
		"             [--stack SLOTS] [--stats] CLASS [ARGS...]\n"
		"       vifvm [options] --packets TRACE.pcap[,MORE...] [--burst N] [--quiet] [--conf K=V]... VIFLET|FILE.jar|FILE.class\n");
}

struct tpkt {
	uint8_t *data;
	int64_t ts_us;                 /* capture time, microseconds */
	uint32_t len, wire_len, l3;
	uint32_t index;
	bool dropped, sent;
};

struct trace {
	struct tpkt *p; size_t n; size_t dropped;
	int64_t now_us;                /* virtual time: the current packet's timestamp */
	int64_t timer_at; bool timer;  /* the VIFlet's one-shot timer */
	char **conf; int nconf;        /* --conf key=value */
};

static const uint8_t *t_data(void *ctx, void *pkt, uint32_t *len)
{
	(void)ctx;
	struct tpkt *p = pkt;
	if (p->l3 >= p->len) {
		*len = 0;
		return NULL;
	}
	*len = p->len - p->l3;
	return p->data + p->l3;
}
static uint32_t t_length(void *ctx, void *pkt) { (void)ctx; return ((struct tpkt *)pkt)->wire_len; }
static void t_set_timer(void *ctx, int32_t micros)
{
	struct trace *t = ctx;
	t->timer = true;
	t->timer_at = t->now_us + (micros > 0 ? micros : 0);
}
static int64_t t_now(void *ctx) { return ((struct trace *)ctx)->now_us; }
static const char *t_conf(void *ctx, const char *key)
{
	struct trace *t = ctx;
	size_t kl = strlen(key);
	for (int i = 0; i < t->nconf; i++)
		if (!strncmp(t->conf[i], key, kl) && t->conf[i][kl] == '=')
			return t->conf[i] + kl + 1;
	return NULL;
}
static void t_drop(void *ctx, void *pkt)
{
	struct trace *t = ctx;
	((struct tpkt *)pkt)->dropped = true;
	t->dropped++;
}

/* Offset of the network header for a link type, or the length if none. */
static uint32_t l3_offset(int dlt, const uint8_t *d, uint32_t len)
{
	uint32_t off;
	switch (dlt) {
	case DLT_EN10MB: {
		off = 14;
		if (len < 14)
			return len;
		uint16_t et = (uint16_t)(d[12] << 8 | d[13]);
		while ((et == 0x8100 || et == 0x88a8 || et == 0x9100) && off + 4 <= len) {
			et = (uint16_t)(d[off + 2] << 8 | d[off + 3]);
			off += 4;
		}
		return (et == 0x0800 || et == 0x86dd) ? off : len;
	}
	case 12: case 14: case 101: case 228: case 229: return 0;   /* raw IPv4/IPv6 */
	case DLT_NULL: case DLT_LOOP: return 4;
	case DLT_LINUX_SLL: return 16;
	case 276: return 20;   /* LINUX_SLL2 */
	default: return len;
	}
}

static int load_one(const char *path, struct trace *t);

/* TRACE may list several files separated by commas, read in order. */
static int load_trace(const char *paths, struct trace *t)
{
	char *dup = strdup(paths), *save = NULL;
	int rc = 0;
	for (char *p = strtok_r(dup, ",", &save); p && !rc; p = strtok_r(NULL, ",", &save))
		rc = load_one(p, t);
	free(dup);
	return rc;
}

static int load_one(const char *path, struct trace *t)
{
	char err[PCAP_ERRBUF_SIZE];
	pcap_t *pc = pcap_open_offline(path, err);
	if (!pc) {
		fprintf(stderr, "vifvm: %s\n", err);
		return -1;
	}
	int dlt = pcap_datalink(pc);
	struct pcap_pkthdr *h;
	const u_char *d;
	size_t cap = t->n;
	int r;
	while ((r = pcap_next_ex(pc, &h, &d)) == 1) {
		if (t->n == cap) {
			cap = cap ? cap * 2 : 256;
			struct tpkt *np = realloc(t->p, cap * sizeof(*np));
			if (!np)
				return -1;
			t->p = np;
		}
		struct tpkt *p = &t->p[t->n];
		memset(p, 0, sizeof *p);
		p->data = malloc(h->caplen ? h->caplen : 1);
		if (!p->data)
			return -1;
		memcpy(p->data, d, h->caplen);
		p->len = h->caplen;
		p->l3 = l3_offset(dlt, d, h->caplen);
		p->wire_len = h->len > p->l3 ? h->len - p->l3 : 0;
		p->index = (uint32_t)t->n;
		p->ts_us = (int64_t)h->ts.tv_sec * 1000000 + h->ts.tv_usec;
		t->n++;
	}
	pcap_close(pc);
	return 0;
}

static void describe(struct tpkt *p)
{
	uint32_t len = p->len > p->l3 ? p->len - p->l3 : 0;
	const uint8_t *d = p->data + p->l3;
	int proto = 0;
	uint32_t off = 0;
	if (len >= 20 && d[0] >> 4 == 4) {
		proto = d[9];
		off = (d[0] & 15u) * 4;
	} else if (len >= 40 && d[0] >> 4 == 6) {
		proto = d[6];
		off = 40;
		while ((proto == 0 || proto == 43 || proto == 60 || proto == 44) && off + 8 <= len) {
			int h = proto;
			proto = d[off];
			off += h == 44 ? 8 : 8u + d[off + 1] * 8u;
		}
	}
	unsigned sp = 0, dp = 0;
	if ((proto == 6 || proto == 17) && off + 4 <= len) {
		sp = (unsigned)(d[off] << 8 | d[off + 1]);
		dp = (unsigned)(d[off + 2] << 8 | d[off + 3]);
	}
	printf("out %u proto=%d sport=%u dport=%u len=%u\n", p->index, proto, sp, dp, p->wire_len);
}

static void held_cb(void *arg, void *pkt)
{
	(void)pkt;
	(*(size_t *)arg)++;
}

static int report(struct vn_vm *vm, int rc, const char *what)
{
	if (rc == VN_VM_EXCEPTION) {
		fflush(stdout);
		fprintf(stderr, "Exception in thread \"%s\" %s\n", what, vn_vm_error(vm));
		return 1;
	}
	fflush(stdout);
	fprintf(stderr, "vifvm: %s\n", vn_vm_error(vm));
	return rc == VN_VM_ABORTED ? 2 : rc == VN_VM_REJECTED ? 3 : 4;
}

/* time spent inside enqueue/dequeue calls, for --stats; quiet: no
 * per-packet output, bursts timed whole (run_packets) instead of calls */
static uint64_t vm_ns, vm_pkts;
static bool quiet;

static uint64_t mono_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Dequeues until the VIFlet has nothing to send; 0 or an exit status. */
static int drain(struct vn_vm *vm, size_t *sent)
{
	for (;;) {
		if (vn_vm_aborted(vm))
			return 2;
		void *p;
		uint64_t t0 = quiet ? 0 : mono_ns();
		int rc = vn_vm_dequeue(vm, &p);
		if (!quiet)
			vm_ns += mono_ns() - t0;
		if (rc)
			return report(vm, rc, "dequeue");
		if (!p)
			return 0;
		if (!quiet)
			describe(p);
		((struct tpkt *)p)->sent = true;
		(*sent)++;
	}
}

/* Fires the VIFlet's timer while it is due before `until` (virtual time). */
static int fire_timers(struct vn_vm *vm, struct trace *t, int64_t until, size_t *sent)
{
	for (int k = 0; k < 100000 && t->timer && t->timer_at <= until; k++) {
		t->timer = false;
		t->now_us = t->timer_at;
		if (!quiet)
			printf("timeout at %lld\n", (long long)t->now_us);
		int rc = vn_vm_timeout(vm);
		if (rc)
			return report(vm, rc, "timeout");
		if ((rc = drain(vm, sent)))
			return rc;
	}
	return 0;
}

static int run_packets(struct vn_vm *vm, const char *cls, const char *path, long burst, struct trace *t)
{
	if (load_trace(path, t))
		return 4;
	if (t->n)
		t->now_us = t->p[0].ts_us;
	int rc = vn_vm_viflet_start(vm, cls);
	if (rc)
		return report(vm, rc, "main");
	size_t sent = 0, i = 0;
	int status = 0;
	while (i < t->n && !status) {
		size_t end = burst > 0 ? i + (size_t)burst : t->n;
		if (end > t->n)
			end = t->n;
		uint64_t burst_t0 = quiet ? mono_ns() : 0;
		for (; i < end && !status; i++) {
			if ((status = fire_timers(vm, t, t->p[i].ts_us, &sent)))
				break;
			if (t->p[i].ts_us > t->now_us)
				t->now_us = t->p[i].ts_us;
			uint64_t t0 = quiet ? 0 : mono_ns();
			rc = vn_vm_enqueue(vm, &t->p[i]);
			if (!quiet)
				vm_ns += mono_ns() - t0;
			vm_pkts++;
			if (rc == VN_VM_EXCEPTION)
				report(vm, rc, "enqueue");
			else if (rc)
				status = report(vm, rc, "enqueue");
		}
		if (!status)
			status = drain(vm, &sent);
		if (quiet)
			vm_ns += mono_ns() - burst_t0;
	}
	if (!status)
		status = fire_timers(vm, t, INT64_MAX, &sent);
	size_t held = 0;
	vn_vm_release_held(vm, held_cb, &held);
	printf("packets in=%zu out=%zu dropped=%zu held=%zu length=%d\n", i, sent, t->dropped, held,
	       vn_vm_viflet_length(vm));
	return status;
}

/* One line per compiled method: class, method, bytecode bytes, prepared
 * instructions, machine code bytes, compile time; then the totals. */
static void print_jit_stats(struct vn_vm *vm)
{
	const struct vn_jit_stat *st;
	size_t n = vn_vm_jit_stats(vm, &st);
	uint64_t ns = 0, bc = 0, ins = 0, reg = 0;
	for (size_t k = 0; k < n; k++) {
		fprintf(stderr, "jit: %s.%s%s bytecode=%u insns=%u code=%u ns=%llu install_ns=%llu region_ns=%llu%s\n",
			st[k].cls, st[k].name, st[k].desc, st[k].bytecode_bytes, st[k].insns, st[k].code_bytes,
			(unsigned long long)st[k].ns, (unsigned long long)st[k].install_ns,
			(unsigned long long)st[k].region_ns,
			st[k].compiled ? "" : " (not compiled)");
		ns += st[k].ns;
		ins += st[k].install_ns;
		reg += st[k].region_ns;
		bc += st[k].bytecode_bytes;
	}
	fprintf(stderr, "jit: total methods=%zu bytecode=%llu ns=%llu install_ns=%llu region_ns=%llu\n", n,
		(unsigned long long)bc, (unsigned long long)ns, (unsigned long long)ins, (unsigned long long)reg);
}

int main(int argc, char **argv)
{
	struct vn_vm_limits lim = { 0 };
	const char *cp = NULL, *packets = NULL;
	long burst = 0;
	bool stats = false, jit_stats = false;
	long jit = -1;   /* -1: the VM's default (the JIT on x86-64) */
	char **conf = NULL;
	int nconf = 0;
	int i = 1;
	for (; i < argc && argv[i][0] == '-'; i++) {
		const char *a = argv[i];
		bool more = i + 1 < argc;
		if (!strcmp(a, "--interp")) {
			jit = 0;
		} else if (!strcmp(a, "--jit")) {
			jit = jit > 0 ? jit : 1;
		} else if (!strcmp(a, "--jit-threshold") && more) {
			jit = (long)strtoul(argv[++i], NULL, 0);
		} else if (!strcmp(a, "--jit-stats")) {
			jit_stats = true;
		} else if ((!strcmp(a, "-cp") || !strcmp(a, "-classpath") || !strcmp(a, "--class-path")) && more) {
			cp = argv[++i];
		} else if (!strcmp(a, "--heap") && more) {
			lim.heap_bytes = strtoull(argv[++i], NULL, 0);
		} else if (!strcmp(a, "--budget") && more) {
			lim.budget = strtoull(argv[++i], NULL, 0);
		} else if (!strcmp(a, "--depth") && more) {
			lim.max_depth = (uint32_t)strtoul(argv[++i], NULL, 0);
		} else if (!strcmp(a, "--stack") && more) {
			lim.stack_slots = (uint32_t)strtoul(argv[++i], NULL, 0);
		} else if (!strcmp(a, "--packets") && more) {
			packets = argv[++i];
		} else if (!strcmp(a, "--burst") && more) {
			burst = strtol(argv[++i], NULL, 0);
		} else if (!strcmp(a, "--conf") && more) {
			conf = realloc(conf, (size_t)(nconf + 1) * sizeof(*conf));
			if (!conf)
				return 4;
			conf[nconf++] = argv[++i];
		} else if (!strcmp(a, "--stats")) {
			stats = true;
		} else if (!strcmp(a, "--quiet")) {
			quiet = true;
		} else if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			usage();
			return 0;
		} else {
			usage();
			return 4;
		}
	}
	if (i >= argc) {
		usage();
		return 4;
	}
	const char *cls = argv[i++];
	struct trace t = { .conf = conf, .nconf = nconf };
	struct vn_vm_host host = { .ctx = &t, .pkt_data = t_data, .pkt_length = t_length, .pkt_drop = t_drop,
				   .set_timer = t_set_timer, .now_us = t_now, .conf = t_conf };
	struct vn_vm *vm = vn_vm_new(&lim, &host);
	if (!vm) {
		fprintf(stderr, "vifvm: cannot create the VM\n");
		return 4;
	}
	if (jit >= 0)
		vn_vm_set_jit(vm, (uint32_t)jit);
	if (cp) {
		char *dup = strdup(cp), *save = NULL;
		for (char *e = strtok_r(dup, ":", &save); e; e = strtok_r(NULL, ":", &save))
			if (vn_vm_add_classpath(vm, e)) {
				fprintf(stderr, "vifvm: %s\n", vn_vm_error(vm));
				free(dup);
				vn_vm_free(vm);
				return 4;
			}
		free(dup);
	} else if (vn_vm_add_classpath(vm, ".")) {
		vn_vm_free(vm);
		return 4;
	}
	size_t cl = strlen(cls);
	bool is_class = cl > 6 && !strcmp(cls + cl - 6, ".class"), is_jar = cl > 4 && !strcmp(cls + cl - 4, ".jar");
	if (is_class || is_jar) {
		/* given as bytes, like a write to a VIF's viflet file */
		FILE *f = fopen(cls, "rb");
		if (!f) {
			perror(cls);
			vn_vm_free(vm);
			return 4;
		}
		static uint8_t buf[16 << 20];
		size_t n = fread(buf, 1, sizeof buf, f);
		fclose(f);
		if (vn_vm_add_bytes(vm, buf, n)) {
			fprintf(stderr, "vifvm: %s: %s\n", cls, vn_vm_error(vm));
			vn_vm_free(vm);
			return 3;
		}
		cls = is_class ? vn_vm_first_class(vm) : vn_vm_find_viflet(vm);
		if (!cls) {
			fprintf(stderr, "vifvm: %s: %s\n", argv[i - 1], vn_vm_error(vm));
			vn_vm_free(vm);
			return 3;
		}
	}
	int status;
	if (packets) {
		status = run_packets(vm, cls, packets, burst, &t);
	} else {
		int rc = vn_vm_run_main(vm, cls, argc - i, argv + i);
		status = rc ? report(vm, rc, "main") : 0;
	}
	fflush(stdout);
	if (stats && vm_pkts)
		fprintf(stderr, "vifvm: packets=%llu ns_per_packet=%.1f (enqueue + dequeue calls)\n",
			(unsigned long long)vm_pkts, (double)vm_ns / (double)vm_pkts);
	if (stats) {
		struct vn_vm_stats st;
		vn_vm_get_stats(vm, &st);
		fprintf(stderr, "vifvm: classes=%llu gc_runs=%llu allocated=%llu live=%llu objects=%llu\n",
			(unsigned long long)st.classes, (unsigned long long)st.gc_runs,
			(unsigned long long)st.allocated_bytes, (unsigned long long)st.live_bytes,
			(unsigned long long)st.live_objects);
	}
	if (jit_stats)
		print_jit_stats(vm);
	vn_vm_free(vm);
	for (size_t k = 0; k < t.n; k++)
		free(t.p[k].data);
	free(t.p);
	free(conf);
	return status;
}
