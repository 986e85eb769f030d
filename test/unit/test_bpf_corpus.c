/* Differential test over the pcap corpus ($VIFNET_CORPUS): for every trace
 * libpcap can open and a list of filter expressions compiled for the trace's
 * link type, the interpreter, the JIT and libpcap's own bpf_filter() return
 * the same value on every packet (so the accept counts are equal too). Many
 * traces are deliberately malformed (truncated packets, caplen < len): a load
 * past caplen must reject, never read beyond the packet. Each packet is
 * copied into a buffer of exactly caplen bytes so ASan sees any over-read. */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <pcap/pcap.h>

#include "vn_bpf.h"
#include "vn_pkt.h"

static const char *const EXPRS[] = {
	"tcp port 80",
	"host 198.18.0.1",
	"udp",
	"icmp or icmp6",
	"ip",
	"ip6",
	"arp or rarp",
	"not ip and not ip6",
	"tcp[tcpflags] & (tcp-syn|tcp-ack) != 0",
	"ip[6:2] & 0x1fff != 0",
	"len > 100",
	"less 64",
	"greater 1000",
	"net 10.0.0.0/8 or net 192.168.0.0/16",
	"udp port 53 or tcp port 53",
	"ip proto 47",
	"tcp and (port 22 or port 443)",
	"portrange 1-1023",
	"ip6 and tcp",
	"tcp[13] = 2",
	"ip[2:2] > 576",
	"udp[8:4] = 0",
	"vlan",
	"mpls",
	"pppoes",
	"ether broadcast or ether multicast",
	"ip multicast",
	"ip[0] & 0xf != 5",
	"ip and udp[4:2] > 100",
	"tcp[((tcp[12:1] & 0xf0) >> 2):4] = 0x47455420",   /* "GET " */
	"len % 2 = 0 and len / 3 > 10 and len * 3 < 5000",
	"ip[9] - 6 = 0 or ip[9] & 0x11 = 0x11",
};

struct compiled {
	int dlt;
	const char *expr;
	struct bpf_program ref;       /* libpcap's, for bpf_filter */
	struct vn_bpf *interp, *jit;  /* NULL if libpcap cannot compile it */
};

struct corpus_stats {
	size_t files, unreadable, packets, runs, accepts, pairs;
};

static struct compiled *cache;
static size_t ncache, capcache;

static struct compiled *get_compiled(int dlt, const char *expr)
{
	for (size_t i = 0; i < ncache; i++)
		if (cache[i].dlt == dlt && cache[i].expr == expr)
			return &cache[i];
	if (ncache == capcache) {
		capcache = capcache ? 2 * capcache : 64;
		cache = realloc(cache, capcache * sizeof(*cache));
		assert_non_null(cache);
	}
	struct compiled *c = &cache[ncache++];
	memset(c, 0, sizeof(*c));
	c->dlt = dlt;
	c->expr = expr;
	pcap_t *p = pcap_open_dead(dlt, 262144);
	assert_non_null(p);
	if (pcap_compile(p, &c->ref, expr, 1, PCAP_NETMASK_UNKNOWN) != 0) {
		pcap_close(p);
		return c;      /* not meaningful for this link type: skipped */
	}
	pcap_close(p);
	char err[256];
	if (vn_bpf_load(expr, strlen(expr), dlt, &c->jit, err, sizeof(err)) != 0)
		fail_msg("\"%s\" for DLT %d: libpcap compiles it, we reject it: %s", expr, dlt, err);
	assert_int_equal(vn_bpf_load_flags(expr, strlen(expr), dlt, VN_BPF_F_INTERP, &c->interp,
					   err, sizeof(err)), 0);
	assert_int_equal(vn_bpf_jitted(c->jit), vn_bpf_jit_available());
	return c;
}

static void run_trace(const char *path, struct corpus_stats *st)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	pcap_t *p = pcap_open_offline(path, errbuf);
	st->files++;
	if (!p) {
		st->unreadable++;
		return;
	}
	int dlt = pcap_datalink(p);
	struct pcap_pkthdr *h;
	const u_char *data;
	int rc;
	while ((rc = pcap_next_ex(p, &h, &data)) == 1) {
		uint8_t *pkt = malloc(h->caplen ? h->caplen : 1);
		assert_non_null(pkt);
		memcpy(pkt, data, h->caplen);
		st->packets++;
		for (size_t e = 0; e < sizeof(EXPRS) / sizeof(EXPRS[0]); e++) {
			struct compiled *c = get_compiled(dlt, EXPRS[e]);
			if (!c->jit)
				continue;
			uint32_t ref = bpf_filter(c->ref.bf_insns, pkt, h->len, h->caplen);
			uint32_t ri = vn_bpf_run(c->interp, pkt, h->caplen, h->len);
			uint32_t rj = vn_bpf_run(c->jit, pkt, h->caplen, h->len);
			if (ri != ref || rj != ref)
				fail_msg("%s packet %zu (caplen %u len %u) \"%s\": libpcap %u interp %u jit %u",
					 path, st->packets, h->caplen, h->len, EXPRS[e], ref, ri, rj);
			/* the data path's entry: the VIF hook with the packet record */
			struct vn_pkt pk = {.data = pkt, .len = h->caplen, .wire_len = h->len};
			if (vn_bpf_vif_hook(c->interp, &pk) != (ref != 0) ||
			    vn_bpf_vif_hook(c->jit, &pk) != (ref != 0) ||
			    vn_bpf_hook(c->jit)(c->jit, &pk) != (ref != 0))
				fail_msg("%s packet %zu \"%s\": the VIF hook disagrees with libpcap %u",
					 path, st->packets, EXPRS[e], ref);
			st->runs++;
			st->accepts += ref != 0;
		}
		free(pkt);
	}
	pcap_close(p);
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every trace file under dir (and dir/invalid), sorted. */
static size_t list_traces(const char *dir, char ***out)
{
	size_t n = 0, cap = 128;
	char **v = malloc(cap * sizeof(*v));
	const char *sub[] = { "", "/invalid" };
	for (int s = 0; s < 2; s++) {
		char d[1024];
		snprintf(d, sizeof(d), "%s%s", dir, sub[s]);
		DIR *dh = opendir(d);
		if (!dh)
			continue;
		struct dirent *de;
		while ((de = readdir(dh))) {
			size_t l = strlen(de->d_name);
			if (!((l > 5 && !strcmp(de->d_name + l - 5, ".pcap")) ||
			      (l > 7 && !strcmp(de->d_name + l - 7, ".pcapng"))))
				continue;
			if (n == cap)
				v = realloc(v, (cap *= 2) * sizeof(*v));
			v[n] = malloc(strlen(d) + l + 2);
			sprintf(v[n++], "%s/%s", d, de->d_name);
		}
		closedir(dh);
	}
	qsort(v, n, sizeof(*v), by_name);
	*out = v;
	return n;
}

static void interp_jit_and_libpcap_agree_on_every_trace(void **state)
{
	(void)state;
	const char *dir = getenv("VIFNET_CORPUS");
	if (!dir || !*dir)
		dir = "../shared/corpus/pcap/public";
	char **files;
	size_t n = list_traces(dir, &files);
	if (n == 0) {
		print_message("no traces under %s\n", dir);
		free(files);
		skip();
	}
	struct corpus_stats st = { 0 };
	for (size_t i = 0; i < n; i++) {
		run_trace(files[i], &st);
		free(files[i]);
	}
	free(files);
	size_t exprs_used = 0;
	for (size_t i = 0; i < ncache; i++) {
		exprs_used += cache[i].jit != NULL;
		if (cache[i].jit)
			pcap_freecode(&cache[i].ref);
		vn_bpf_free(cache[i].jit);
		vn_bpf_free(cache[i].interp);
	}
	free(cache);
	print_message("%zu traces (%zu unreadable), %zu packets, %zu (link type, expression)"
		      " programs, %zu runs per engine, %zu accepted\n", st.files, st.unreadable,
		      st.packets, exprs_used, st.runs, st.accepts);
	assert_true(st.packets > 1000);
	assert_true(st.accepts > 0 && st.accepts < st.runs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(interp_jit_and_libpcap_agree_on_every_trace),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
