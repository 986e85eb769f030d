/* vn_classify — `match` rules: pcap filter expressions, compiled with
 * libpcap's optimizer for a link type, mapping packets to VIFs. The first
 * rule that accepts a packet decides; no match means the root VIF. Used by
 * vifsim for trace packets and by vifd for packets of unregistered flows. */
#ifndef VN_CLASSIFY_H
#define VN_CLASSIFY_H

#include <stddef.h>
#include <stdint.h>

#include "vn_vif.h"

struct vn_classifier;

struct vn_classifier *vn_classifier_new(int linktype);
void vn_classifier_free(struct vn_classifier *c);
/* Append a rule; -EINVAL with libpcap's message in err if expr does not compile. */
int vn_classifier_add(struct vn_classifier *c, const char *expr, struct vn_vif *vif,
		      char *err, size_t errlen);
/* The VIF of the first matching rule, or NULL. */
struct vn_vif *vn_classify(const struct vn_classifier *c, const uint8_t *data,
			   uint32_t caplen, uint32_t len);
size_t vn_classifier_count(const struct vn_classifier *c);

/* A faster way to run the rules' programs (vifd: the filter module's JIT),
 * supplied by the owner so that this module needs none. compile gets the
 * program libpcap produced (struct bpf_insn, the layout of classic BPF) and
 * returns 0 with *ctx, or an error: that rule then runs in libpcap's
 * interpreter. run must return what libpcap's bpf_filter would. */
struct vn_classify_engine {
	int (*compile)(const void *insns, size_t n, void **ctx);
	uint32_t (*run)(void *ctx, const uint8_t *data, uint32_t caplen, uint32_t len);
	void (*release)(void *ctx);
};
/* Compile the rules so far and every later one with e (which must outlive c). */
void vn_classifier_set_engine(struct vn_classifier *c, const struct vn_classify_engine *e);
/* Drop rules that point at VIF v (v is being removed). */
void vn_classifier_forget(struct vn_classifier *c, const struct vn_vif *v, struct vn_vif *heir);

#endif
