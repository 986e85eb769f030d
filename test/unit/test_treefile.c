/* Tree files: parsing, line-numbered errors, applying to a tree, pcap I/O
 * round trip with nanosecond stamps, network header offsets, prefixes. */
#include <errno.h>
#include <pcap/pcap.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "vn_classify.h"
#include "vn_pcapio.h"
#include "vn_treefile.h"

static const char good[] =
	"# comment\n"
	"local 198.18.0.1/32\n"
	"vif . bandwidth=1000Mbps\n"
	"vif a bandwidth=4096Kbps type=wfq   # trailing comment\n"
	"vif a/b weight=2 qlimit=50\n"
	"match a/b udp src port 2001\n"
	"\n"
	"local 2001:db8::/32\n";

static void parses_and_applies(void **state)
{
	(void)state;
	char err[256];
	struct vn_treefile *tf = vn_treefile_parse("t", good, err, sizeof(err));
	assert_non_null(tf);
	struct vn_tree *t = vn_tree_new("x");
	struct vn_classifier *c = vn_classifier_new(DLT_RAW);
	struct vn_cidr loc[4];
	size_t nloc = 4;
	assert_int_equal(vn_treefile_apply(tf, t, c, DLT_RAW, NULL, loc, &nloc, err, sizeof(err)), 0);
	assert_int_equal(nloc, 2);
	struct vn_vif *b = vn_tree_lookup(t, "a/b");
	assert_non_null(b);
	assert_int_equal(vn_vif_weight(b), 2);
	assert_int_equal(vn_vif_qlimit(b), 50);
	assert_int_equal(vn_vif_type(vn_tree_lookup(t, "a")), VN_TYPE_WFQ);
	assert_true(vn_vif_bandwidth(vn_tree_root(t)) == 1000000000ull);
	assert_int_equal(vn_classifier_count(c), 1);
	/* An IPv4/UDP packet from port 2001 classifies to a/b. */
	uint8_t pkt[28] = { 0x45, 0, 0, 28, 0, 0, 0, 0, 64, 17, 0, 0, 198, 18, 0, 1, 198, 18, 0, 2,
			    0x07, 0xd1, 0x23, 0x29, 0, 8, 0, 0 };
	assert_ptr_equal(vn_classify(c, pkt, 28, 28), b);
	assert_int_equal(vn_l3_offset(DLT_RAW, pkt, 28), 0);
	assert_true(vn_cidr_match_dst(&loc[0], pkt, 28) == 0);
	pkt[19] = 1;
	assert_true(vn_cidr_match_dst(&loc[0], pkt, 28) == 1);
	vn_classifier_free(c);
	vn_tree_free(t);
	vn_treefile_free(tf);
}

static void errors_name_file_and_line(void **state)
{
	(void)state;
	struct { const char *text, *msg; } bad[] = {
		{ "vif a\nvif a\n", "t:2: VIF 'a' declared twice" },
		{ "vif a/b\n", "t:1: VIF 'a/b': its parent must be declared first" },
		{ "vif a speed=3\n", "t:1: unknown parameter 'speed'" },
		{ "vif a weight\n", "t:1: expected key=value" },
		{ "\n\nmatch\n", "t:3: match: missing VIF path" },
		{ "vif a\nmatch a\n", "t:2: match: missing expression" },
		{ "viflet . \n", "t:1: viflet: missing class or jar file" },
		{ "local\n", "t:1: local: expected" },
		{ "vif a\x01\n", "t:1: control character" },
		{ "vif ../a\n", "t:1: bad VIF path" },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char err[256] = "";
		assert_null(vn_treefile_parse("t", bad[i].text, err, sizeof(err)));
		if (strncmp(err, bad[i].msg, strlen(bad[i].msg)) != 0)
			fail_msg("'%s' gave '%s'", bad[i].text, err);
	}
}

static void apply_reports_missing_hooks(void **state)
{
	(void)state;
	char err[256];
	struct vn_treefile *tf = vn_treefile_parse("t", "vif a\nfilter a tcp\n", err, sizeof(err));
	assert_non_null(tf);
	struct vn_tree *t = vn_tree_new("x");
	assert_int_equal(vn_treefile_apply(tf, t, NULL, DLT_RAW, NULL, NULL, NULL, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "t:2: filter lines"));
	vn_tree_free(t);
	vn_treefile_free(tf);
}

static void pcap_round_trip_keeps_nanoseconds(void **state)
{
	(void)state;
	char path[] = "/tmp/vn_test_XXXXXX", err[256];
	int fd = mkstemp(path);
	close(fd);
	struct vn_pcap_writer *w = vn_pcap_create(path, DLT_EN10MB, 1500, err, sizeof(err));
	assert_non_null(w);
	uint8_t frame[60] = { 0 };
	frame[12] = 0x81; frame[13] = 0x00;            /* VLAN tag */
	frame[16] = 0x08; frame[17] = 0x00; frame[18] = 0x45;
	vn_pcap_write(w, 1700000000123456789ull, frame, 60, 1514);
	assert_int_equal(vn_pcap_commit(w, err, sizeof(err)), 0);
	struct vn_pcap_reader *r = vn_pcap_open(path, err, sizeof(err));
	assert_non_null(r);
	struct vn_pcap_rec rec;
	assert_int_equal(vn_pcap_next(r, &rec, err, sizeof(err)), 1);
	assert_true(rec.ts == 1700000000123456789ull);
	assert_int_equal(rec.caplen, 60);
	assert_int_equal(rec.len, 1514);
	assert_int_equal(vn_l3_offset(vn_pcap_linktype(r), rec.data, rec.caplen), 18);
	assert_int_equal(vn_pcap_next(r, &rec, err, sizeof(err)), 0);
	vn_pcap_close(r);
	unlink(path);
}

static void network_header_offsets(void **state)
{
	(void)state;
	uint8_t sll[40] = { 0 };
	sll[14] = 0x86; sll[15] = 0xdd; sll[16] = 0x60;
	assert_int_equal(vn_l3_offset(DLT_LINUX_SLL, sll, 40), -1);   /* IPv6 cut short */
	uint8_t sll6[60] = { 0 };
	sll6[14] = 0x86; sll6[15] = 0xdd; sll6[16] = 0x60;
	assert_int_equal(vn_l3_offset(DLT_LINUX_SLL, sll6, 60), 16);
	uint8_t null4[30] = { 2, 0, 0, 0, 0x45 };
	assert_int_equal(vn_l3_offset(DLT_NULL, null4, 30), 4);
	uint8_t arp[60] = { 0 };
	arp[12] = 0x08; arp[13] = 0x06;
	assert_int_equal(vn_l3_offset(DLT_EN10MB, arp, 60), -1);
	assert_int_equal(vn_l3_offset(DLT_EN10MB, arp, 10), -1);
	assert_int_equal(vn_l3_offset(147 /* USER0 */, arp, 60), -1);
	struct vn_cidr c;
	assert_int_equal(vn_cidr_parse("198.18.0.0/15", &c), 0);
	assert_int_equal(vn_cidr_parse("198.18.0.0/33", &c), -EINVAL);
	assert_int_equal(vn_cidr_parse("fd00::1", &c), 0);
	assert_int_equal(c.bits, 128);
	assert_int_equal(vn_cidr_parse("nonsense/8", &c), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parses_and_applies),
		cmocka_unit_test(errors_name_file_and_line),
		cmocka_unit_test(apply_reports_missing_hooks),
		cmocka_unit_test(pcap_round_trip_keeps_nanoseconds),
		cmocka_unit_test(network_header_offsets),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
