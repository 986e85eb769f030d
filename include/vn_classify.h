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
/* Drop rules that point at VIF v (v is being removed). */
void vn_classifier_forget(struct vn_classifier *c, const struct vn_vif *v, struct vn_vif *heir);

#endif
