/* match rules: pcap expressions compiled for one link type. */
#include <errno.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>

#include "vn_classify.h"

struct rule {
	struct bpf_program prog;
	struct vn_vif *vif;
};

struct vn_classifier {
	int linktype;
	pcap_t *dead;
	struct rule *rules;
	size_t n, cap;
};

struct vn_classifier *vn_classifier_new(int linktype)
{
	struct vn_classifier *c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	c->linktype = linktype;
	c->dead = pcap_open_dead(linktype, 262144);
	if (!c->dead) {
		free(c);
		return NULL;
	}
	return c;
}

void vn_classifier_free(struct vn_classifier *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->n; i++)
		pcap_freecode(&c->rules[i].prog);
	free(c->rules);
	pcap_close(c->dead);
	free(c);
}

int vn_classifier_add(struct vn_classifier *c, const char *expr, struct vn_vif *vif,
		      char *err, size_t errlen)
{
	struct bpf_program prog;
	if (pcap_compile(c->dead, &prog, expr, 1, PCAP_NETMASK_UNKNOWN) < 0) {
		snprintf(err, errlen, "%s", pcap_geterr(c->dead));
		return -EINVAL;
	}
	if (c->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 8;
		struct rule *r = realloc(c->rules, cap * sizeof(*r));
		if (!r) {
			pcap_freecode(&prog);
			snprintf(err, errlen, "out of memory");
			return -ENOMEM;
		}
		c->rules = r;
		c->cap = cap;
	}
	c->rules[c->n].prog = prog;
	c->rules[c->n].vif = vif;
	c->n++;
	return 0;
}

struct vn_vif *vn_classify(const struct vn_classifier *c, const uint8_t *data,
			   uint32_t caplen, uint32_t len)
{
	for (size_t i = 0; i < c->n; i++)
		if (bpf_filter(c->rules[i].prog.bf_insns, data, len, caplen))
			return c->rules[i].vif;
	return NULL;
}

size_t vn_classifier_count(const struct vn_classifier *c)
{
	return c->n;
}

void vn_classifier_forget(struct vn_classifier *c, const struct vn_vif *v, struct vn_vif *heir)
{
	for (size_t i = 0; i < c->n; i++)
		if (c->rules[i].vif == v)
			c->rules[i].vif = heir;
}
