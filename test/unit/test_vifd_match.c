/* vifd's match rules on the filter module's JIT (src/vifd/match.c) classify
 * every packet as libpcap's interpreter does: random IPv4/IPv6 packets and
 * junk against expressions that read addresses, ports, flags, lengths and
 * bytes past the end. */
#include <pcap/dlt.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "match.h"
#include "vn_classify.h"
#include "vn_vif.h"

static const char *const exprs[] = {
	"ip or ip6",
	"tcp port 80",
	"udp or icmp6",
	"ip[8] > 100",
	"tcp[tcpflags] & tcp-syn != 0",
	"len > 100",
	"net 10.0.0.0/8 and not port 22",
	"ip6 and tcp dst portrange 1000-2000",
	"udp[8:4] = 0x01020304",
	"icmp[icmptype] = icmp-echo",
};
#define NEXPR (sizeof exprs / sizeof exprs[0])

/* A random packet: an IPv4 or IPv6 header with a likely protocol and
 * port, or bytes of junk; lengths from 0 to 200. */
static uint32_t random_packet(uint8_t *b)
{
	uint32_t len = (uint32_t)rand() % 201;
	for (uint32_t k = 0; k < len; k++)
		b[k] = (uint8_t)rand();
	static const uint8_t protos[] = {6, 17, 1, 58};
	static const uint16_t ports[] = {22, 80, 1500, 5300};
	int kind = rand() % 3;
	uint8_t proto = protos[rand() % 4];
	uint16_t port = ports[rand() % 4];
	if (kind == 0 && len >= 24) {
		b[0] = 0x45;
		b[6] = (uint8_t)(rand() % 4 ? 0 : 0x20);   /* sometimes a fragment */
		b[9] = proto;
		b[12] = (uint8_t)(rand() % 2 ? 10 : 192);
		b[22] = (uint8_t)(port >> 8);
		b[23] = (uint8_t)port;
	} else if (kind == 1 && len >= 44) {
		b[0] = 0x60;
		b[6] = proto;
		b[42] = (uint8_t)(port >> 8);
		b[43] = (uint8_t)port;
	}
	return len;
}

/* vd_match_engine, counting the rules it took (none would make the
 * comparison below vacuous). */
static int ncompiled;
static int counted_compile(const void *insns, size_t n, void **ctx)
{
	int rc = vd_match_engine.compile(insns, n, ctx);
	ncompiled += rc == 0;
	return rc;
}
static struct vn_classify_engine engine;

static void jit_rules_classify_as_libpcap(void **state)
{
	engine = vd_match_engine;
	engine.compile = counted_compile;
	(void)state;
	struct vn_tree *t = vn_tree_new("tun0");
	struct vn_vif *v[NEXPR];
	struct vn_classifier *plain = vn_classifier_new(DLT_RAW), *jit = vn_classifier_new(DLT_RAW);
	struct vn_classifier *one_plain[NEXPR], *one_jit[NEXPR];
	char err[256];
	for (size_t i = 0; i < NEXPR; i++) {
		char name[8] = {'v', (char)('a' + i), 0};
		assert_int_equal(vn_vif_create(vn_tree_root(t), name, 0, 0, 0755, &v[i]), 0);
		one_plain[i] = vn_classifier_new(DLT_RAW);
		one_jit[i] = vn_classifier_new(DLT_RAW);
		vn_classifier_set_engine(one_jit[i], &engine);     /* before the rule */
		assert_int_equal(vn_classifier_add(one_plain[i], exprs[i], v[i], err, sizeof err), 0);
		assert_int_equal(vn_classifier_add(one_jit[i], exprs[i], v[i], err, sizeof err), 0);
		/* the rule list in reverse, so that more than the first rule decides */
		const char *e = exprs[NEXPR - 1 - i];
		assert_int_equal(vn_classifier_add(plain, e, v[NEXPR - 1 - i], err, sizeof err), 0);
		assert_int_equal(vn_classifier_add(jit, e, v[NEXPR - 1 - i], err, sizeof err), 0);
	}
	vn_classifier_set_engine(jit, &engine);                  /* after the rules */
	assert_int_equal(ncompiled, 2 * NEXPR);
	srand(3);
	unsigned matched = 0;
	for (int n = 0; n < 20000; n++) {
		uint8_t b[256];
		uint32_t len = random_packet(b);
		uint32_t caplen = rand() % 4 ? len : len / 2;             /* sometimes truncated */
		assert_ptr_equal(vn_classify(plain, b, caplen, len), vn_classify(jit, b, caplen, len));
		for (size_t i = 0; i < NEXPR; i++) {
			struct vn_vif *a = vn_classify(one_plain[i], b, caplen, len);
			assert_ptr_equal(a, vn_classify(one_jit[i], b, caplen, len));
			matched += a != NULL;
		}
	}
	assert_true(matched > 20000);
	for (size_t i = 0; i < NEXPR; i++) {
		vn_classifier_free(one_plain[i]);
		vn_classifier_free(one_jit[i]);
	}
	vn_classifier_free(plain);
	vn_classifier_free(jit);
	vn_tree_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(jit_rules_classify_as_libpcap),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
