/* libFuzzer target: vifd's packet parser and the live classifier path
 * (flow table lookup, then `match` rules compiled for raw IP), over any
 * bytes. Must never crash nor read out of bounds; a parsed flow must be
 * well-formed. */
#include <pcap/dlt.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "parse.h"
#include "vn_classify.h"
#include "vn_registry.h"
#include "vn_vif.h"

static struct vn_tree *tree;
static struct vn_registry *reg;
static struct vn_classifier *cls;

static void init(void)
{
	tree = vn_tree_new("fz0");
	struct vn_vif *a, *b;
	vn_vif_create(vn_tree_root(tree), "a", 0, 0, 0755, &a);
	vn_vif_create(a, "b", 0, 0, 0755, &b);
	reg = vn_registry_new(&tree, 1);
	cls = vn_classifier_new(DLT_RAW);
	char err[256];
	vn_classifier_add(cls, "tcp port 80", a, err, sizeof err);
	vn_classifier_add(cls, "udp or icmp6", b, err, sizeof err);
	vn_registry_proc_add(reg, 10, 0, 1, "fz", NULL);
	vn_registry_attach_proc(reg, 10, b, 0);
	struct vn_flow f;
	memset(&f, 0, sizeof f);
	f.family = AF_INET;
	f.proto = 6;
	f.lport = 80;
	vn_registry_sock_set(reg, 10, 3, &f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!tree)
		init();
	/* A copy of exactly size bytes, so ASan sees any overread. */
	uint8_t *buf = malloc(size ? size : 1);
	if (!buf)
		return 0;
	memcpy(buf, data, size);
	for (int dir = 0; dir < 2; dir++) {
		struct vn_flow f;
		if (vd_parse_flow(buf, (uint32_t)size, (enum vn_dir)dir, &f) == 0) {
			if (f.family != AF_INET && f.family != AF_INET6)
				abort();
			struct vn_vif *v = vn_registry_lookup(reg, 0, &f, 1, NULL, NULL);
			if (!v)
				v = vn_classify(cls, buf, (uint32_t)size, (uint32_t)size);
			(void)v;
		}
	}
	free(buf);
	return 0;
}
