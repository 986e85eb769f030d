/* match rules: pcap expressions compiled for one link type. */
#include <errno.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>

#include "vn_classify.h"

struct rule {
	struct bpf_program prog;
	struct vn_vif *vif;
	void *ctx;                  /* compiled by the engine, or NULL */
};

struct vn_classifier {
	int linktype;
	pcap_t *dead;
	const struct vn_classify_engine *engine;
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
	for (size_t i = 0; i < c->n; i++) {
		if (c->rules[i].ctx)
			c->engine->release(c->rules[i].ctx);
		pcap_freecode(&c->rules[i].prog);
	}
	free(c->rules);
	pcap_close(c->dead);
	free(c);
}

static void rule_compile(const struct vn_classifier *c, struct rule *r);

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
	struct rule *r = &c->rules[c->n++];
	r->prog = prog;
	r->vif = vif;
	r->ctx = NULL;
	rule_compile(c, r);
	return 0;
}

/* With an engine, the rule's program in its form; failing that it stays in
 * libpcap's interpreter. */
static void rule_compile(const struct vn_classifier *c, struct rule *r)
{
	if (c->engine && !r->ctx && c->engine->compile(r->prog.bf_insns, r->prog.bf_len, &r->ctx))
		r->ctx = NULL;
}

void vn_classifier_set_engine(struct vn_classifier *c, const struct vn_classify_engine *e)
{
	for (size_t i = 0; i < c->n; i++) {
		if (c->rules[i].ctx)
			c->engine->release(c->rules[i].ctx);
		c->rules[i].ctx = NULL;
	}
	c->engine = e;
	for (size_t i = 0; i < c->n; i++)
		rule_compile(c, &c->rules[i]);
}

struct vn_vif *vn_classify(const struct vn_classifier *c, const uint8_t *data,
			   uint32_t caplen, uint32_t len)
{
	for (size_t i = 0; i < c->n; i++) {
		const struct rule *r = &c->rules[i];
		if (r->ctx ? c->engine->run(r->ctx, data, caplen, len)
			   : bpf_filter(r->prog.bf_insns, data, len, caplen))
			return r->vif;
	}
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
