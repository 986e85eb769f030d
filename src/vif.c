/* The VIF tree: creation, removal, lookup, parameters, statistics, hooks.
 * Scheduling state is initialised and kept consistent by sched.c. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "disc.h"
#include "vif_internal.h"

#define HASH_MIN 64

/* A name, owner or mode changed: nnfs's memo of the tree is stale. */
static void tree_changed(struct vn_tree *t)
{
	__atomic_add_fetch(&t->gen, 1, __ATOMIC_RELEASE);
}

uint64_t vn_tree_gen(const struct vn_tree *t)
{
	return __atomic_load_n(&t->gen, __ATOMIC_ACQUIRE);
}

uint64_t vn_tree_next_id(const struct vn_tree *t)
{
	return t->next_id;
}

static uint64_t hash_name(const struct vn_vif *parent, const char *name)
{
	uint64_t h = 1469598103934665603ull ^ (uint64_t)(uintptr_t)parent;
	for (const unsigned char *p = (const unsigned char *)name; *p; p++)
		h = (h ^ *p) * 1099511628211ull;
	return h ^ (h >> 29);
}

static uint64_t hash_id(uint64_t id)
{
	id *= 0x9e3779b97f4a7c15ull;
	return id ^ (id >> 31);
}

static int hash_resize(struct vn_tree *t, size_t size)
{
	struct vn_vif **bn = calloc(size, sizeof(*bn));
	struct vn_vif **bi = calloc(size, sizeof(*bi));
	if (!bn || !bi) {
		free(bn);
		free(bi);
		return -ENOMEM;
	}
	for (size_t i = 0; i < t->hsize; i++) {
		struct vn_vif *v = t->by_name[i], *next;
		for (; v; v = next) {
			next = v->hnext_name;
			size_t b = hash_name(v->parent, v->name) & (size - 1);
			v->hnext_name = bn[b];
			bn[b] = v;
		}
		for (v = t->by_id[i]; v; v = next) {
			next = v->hnext_id;
			size_t b = hash_id(v->id) & (size - 1);
			v->hnext_id = bi[b];
			bi[b] = v;
		}
	}
	free(t->by_name);
	free(t->by_id);
	t->by_name = bn;
	t->by_id = bi;
	t->hsize = size;
	return 0;
}

static void hash_insert(struct vn_tree *t, struct vn_vif *v)
{
	size_t b = hash_name(v->parent, v->name) & (t->hsize - 1);
	v->hnext_name = t->by_name[b];
	t->by_name[b] = v;
	b = hash_id(v->id) & (t->hsize - 1);
	v->hnext_id = t->by_id[b];
	t->by_id[b] = v;
}

static void hash_remove(struct vn_tree *t, struct vn_vif *v)
{
	struct vn_vif **pp = &t->by_name[hash_name(v->parent, v->name) & (t->hsize - 1)];
	while (*pp != v)
		pp = &(*pp)->hnext_name;
	*pp = v->hnext_name;
	pp = &t->by_id[hash_id(v->id) & (t->hsize - 1)];
	while (*pp != v)
		pp = &(*pp)->hnext_id;
	*pp = v->hnext_id;
}

static struct vn_vif *vif_alloc(struct vn_tree *t, struct vn_vif *parent, const char *name)
{
	/* Cache-line aligned, so a packet's walk touches the lines the
	 * layout promises (vif_internal.h). */
	size_t size = (sizeof(struct vn_vif) + 63) & ~(size_t)63;
	struct vn_vif *v = aligned_alloc(64, size);
	if (!v)
		return NULL;
	memset(v, 0, size);
	v->depth = parent ? parent->depth + 1 : 0;
	v->path = malloc((v->depth + 1) * sizeof(*v->path));
	if (!v->path) {
		free(v);
		return NULL;
	}
	v->path[0] = v;
	for (unsigned i = 1; i <= v->depth; i++)
		v->path[i] = parent->path[i - 1];
	v->tree = t;
	v->parent = parent;
	v->id = t->next_id++;
	snprintf(v->name, sizeof(v->name), "%s", name);
	v->mode = 0755;
	v->bandwidth = VN_BW_UNLIMITED;
	v->type = VN_TYPE_FIFO;
	v->disc = &vn_disc_fifo;
	v->weight = 1;
	v->priority = 0;
	v->qlimit = VN_QLIMIT_DEFAULT;
	vn_sched_vif_init(v);
	return v;
}

static void vif_free(struct vn_vif *v)
{
	if (v->filter && v->filter_free)
		v->filter_free(v->filter_ctx);
	if (v->tap_ctx && v->tap_free)
		v->tap_free(v->tap_ctx);
	free(v->conf);
	free(v->conf_vals);
	free(v->log);
	free(v->path);
	free(v);
}

struct vn_tree *vn_tree_new(const char *ifname)
{
	if (!ifname || !*ifname || strlen(ifname) > VN_NAME_MAX)
		return NULL;
	struct vn_tree *t = calloc(1, sizeof(*t));
	if (!t)
		return NULL;
	snprintf(t->ifname, sizeof(t->ifname), "%s", ifname);
	t->burst = 1000000;   /* 1 ms */
	t->linktype = 12;     /* DLT_RAW */
	t->next_id = 1;
	t->timers = vn_timerq_new();
	if (!t->timers || hash_resize(t, HASH_MIN) < 0 || !(t->root = vif_alloc(t, NULL, ifname))) {
		vn_tree_free(t);
		return NULL;
	}
	hash_insert(t, t->root);
	t->count = 1;
	return t;
}

static void release_qdiscs(struct vn_vif *v)
{
	vn_sched_qdisc_release(v);
	for (struct vn_vif *c = v->first_child; c; c = c->next_sibling)
		release_qdiscs(c);
}

static void free_subtree(struct vn_tree *t, struct vn_vif *v)
{
	struct vn_vif *c = v->first_child;
	while (c) {
		struct vn_vif *next = c->next_sibling;
		free_subtree(t, c);
		c = next;
	}
	for (int d = 0; d < VN_NDIR; d++) {
		struct vn_pkt *p;
		while ((p = vn_pktq_pop(&v->half[d].own)))
			if (t->release)
				t->release(t->release_ctx, p);
	}
	vif_free(v);
}

void vn_tree_free(struct vn_tree *t)
{
	if (!t)
		return;
	if (t->root)
		release_qdiscs(t->root);   /* their owners may still cancel timers */
	vn_timerq_free(t->timers);     /* before the VIFs: it points into them */
	if (t->root)
		free_subtree(t, t->root);
	free(t->by_name);
	free(t->by_id);
	free(t);
}

void vn_tree_set_release(struct vn_tree *t, vn_release_fn fn, void *ctx)
{
	t->release = fn;
	t->release_ctx = ctx;
}

void vn_tree_set_remove_hook(struct vn_tree *t, vn_remove_fn fn, void *ctx)
{
	t->remove_hook = fn;
	t->remove_ctx = ctx;
}

void vn_tree_set_burst(struct vn_tree *t, vn_time_t burst_ns) { t->burst = burst_ns; }
void vn_tree_set_linktype(struct vn_tree *t, int dlt) { t->linktype = dlt; }
int vn_tree_linktype(const struct vn_tree *t) { return t->linktype; }
struct vn_vif *vn_tree_root(const struct vn_tree *t) { return t->root; }
const char *vn_tree_ifname(const struct vn_tree *t) { return t->ifname; }
size_t vn_tree_count(const struct vn_tree *t) { return t->count; }

int vn_vif_create(struct vn_vif *parent, const char *name, uid_t uid, gid_t gid,
		  unsigned mode, struct vn_vif **out)
{
	struct vn_tree *t = parent->tree;
	if (!vn_name_valid(name))
		return -EINVAL;
	if (vn_vif_child(parent, name))
		return -EEXIST;
	if (parent->depth + 1 >= VN_DEPTH_MAX)
		return -EMLINK;
	if (t->count + 1 > t->hsize && hash_resize(t, t->hsize * 2) < 0)
		return -ENOMEM;
	struct vn_vif *v = vif_alloc(t, parent, name);
	if (!v)
		return -ENOMEM;
	v->uid = uid;
	v->gid = gid;
	v->mode = mode & 07777;
	v->prev_sibling = parent->last_child;
	if (parent->last_child)
		parent->last_child->next_sibling = v;
	else
		parent->first_child = v;
	parent->last_child = v;
	parent->nchildren++;
	hash_insert(t, v);
	t->count++;
	tree_changed(t);
	if (out)
		*out = v;
	return 0;
}

int vn_vif_remove(struct vn_vif *v)
{
	struct vn_tree *t = v->tree;
	if (!v->parent)
		return -EBUSY;
	if (v->first_child)
		return -ENOTEMPTY;
	struct vn_vif *p = v->parent;
	vn_sched_vif_detach(v);
	if (t->remove_hook)
		t->remove_hook(t->remove_ctx, v, p);
	if (v->prev_sibling)
		v->prev_sibling->next_sibling = v->next_sibling;
	else
		p->first_child = v->next_sibling;
	if (v->next_sibling)
		v->next_sibling->prev_sibling = v->prev_sibling;
	else
		p->last_child = v->prev_sibling;
	p->nchildren--;
	hash_remove(t, v);
	t->count--;
	tree_changed(t);
	/* Counters of a removed VIF are not lost from its ancestors: they were
	 * counted there too as packets passed. */
	vif_free(v);
	return 0;
}

struct vn_vif *vn_vif_child(const struct vn_vif *v, const char *name)
{
	const struct vn_tree *t = v->tree;
	struct vn_vif *c = t->by_name[hash_name(v, name) & (t->hsize - 1)];
	for (; c; c = c->hnext_name)
		if (c->parent == v && strcmp(c->name, name) == 0)
			return c;
	return NULL;
}

int vn_path_next(const char **p, char *name)
{
	for (;;) {
		while (**p == '/')
			(*p)++;
		if (!**p)
			return 0;
		size_t n = strcspn(*p, "/");
		if (n > VN_NAME_MAX)
			return -1;
		memcpy(name, *p, n);
		name[n] = '\0';
		*p += n;
		if (strcmp(name, ".") != 0)
			return 1;
	}
}

struct vn_vif *vn_tree_lookup(const struct vn_tree *t, const char *path)
{
	struct vn_vif *v = t->root;
	char name[VN_NAME_MAX + 1];
	const char *p = path ? path : "";
	int r;
	while ((r = vn_path_next(&p, name)) > 0)
		if (!(v = vn_vif_child(v, name)))
			return NULL;
	return r < 0 ? NULL : v;
}

struct vn_vif *vn_tree_find_id(const struct vn_tree *t, uint64_t id)
{
	struct vn_vif *v = t->by_id[hash_id(id) & (t->hsize - 1)];
	for (; v; v = v->hnext_id)
		if (v->id == id)
			return v;
	return NULL;
}

struct vn_vif *vn_vif_first_child(const struct vn_vif *v) { return v->first_child; }
struct vn_vif *vn_vif_next_sibling(const struct vn_vif *v) { return v->next_sibling; }
size_t vn_vif_nchildren(const struct vn_vif *v) { return v->nchildren; }
struct vn_tree *vn_vif_tree(const struct vn_vif *v) { return v->tree; }
struct vn_vif *vn_vif_parent(const struct vn_vif *v) { return v->parent; }
const char *vn_vif_name(const struct vn_vif *v) { return v->name; }
uint64_t vn_vif_id(const struct vn_vif *v) { return v->id; }
unsigned vn_vif_depth(const struct vn_vif *v) { return v->depth; }
struct vn_vif *const *vn_vif_path(const struct vn_vif *v) { return (struct vn_vif *const *)v->path; }

bool vn_vif_is_ancestor(const struct vn_vif *a, const struct vn_vif *d)
{
	return a->tree == d->tree && a->depth <= d->depth && d->path[d->depth - a->depth] == a;
}

int vn_vif_path_str(const struct vn_vif *v, char *buf, size_t n)
{
	if (v->depth == 0)
		return snprintf(buf, n, ".");
	size_t len = 0;
	for (int i = (int)v->depth - 1; i >= 0; i--) {
		int w = snprintf(buf + (len < n ? len : n), len < n ? n - len : 0, "%s%s",
				 i == (int)v->depth - 1 ? "" : "/", v->path[i]->name);
		len += (size_t)w;
	}
	return (int)len;
}

uid_t vn_vif_uid(const struct vn_vif *v) { return v->uid; }
gid_t vn_vif_gid(const struct vn_vif *v) { return v->gid; }
unsigned vn_vif_mode(const struct vn_vif *v) { return v->mode; }
void vn_vif_set_owner(struct vn_vif *v, uid_t uid, gid_t gid)
{
	v->uid = uid;
	v->gid = gid;
	tree_changed(v->tree);
}

void vn_vif_set_mode(struct vn_vif *v, unsigned mode)
{
	v->mode = mode & 07777;
	tree_changed(v->tree);
}

uint64_t vn_vif_bandwidth(const struct vn_vif *v) { return v->bandwidth; }
enum vn_type vn_vif_type(const struct vn_vif *v) { return v->type; }
unsigned vn_vif_weight(const struct vn_vif *v) { return v->weight; }
unsigned vn_vif_priority(const struct vn_vif *v) { return v->priority; }
unsigned vn_vif_qlimit(const struct vn_vif *v) { return v->qlimit; }

int vn_vif_set_bandwidth(struct vn_vif *v, uint64_t bps, vn_time_t now)
{
	if (bps != VN_BW_UNLIMITED && bps > VN_BW_MAX)
		return -EINVAL;
	v->bandwidth = bps;
	v->burst_min = bps && bps != VN_BW_UNLIMITED
		? (vn_time_t)(2ull * VN_QUANTUM * 8 * VN_NSEC_PER_SEC / bps) : 0;
	vn_sched_change(v, v->disc, true, now);
	return 0;
}

int vn_vif_set_type(struct vn_vif *v, enum vn_type type)
{
	const struct vn_disc_ops *d = vn_disc_for(type);
	if (!d)
		return -EINVAL;
	if (v->qops)
		return -EBUSY;    /* a VIFlet schedules this VIF; unload it first */
	const struct vn_disc_ops *old = v->disc;
	v->type = type;
	v->disc = d;
	vn_sched_change(v, old, false, 0);
	return 0;
}

int vn_vif_set_weight(struct vn_vif *v, unsigned weight)
{
	if (weight < VN_WEIGHT_MIN || weight > VN_WEIGHT_MAX)
		return -EINVAL;
	v->weight = weight;
	vn_sched_change(v, v->disc, false, 0);
	return 0;
}

int vn_vif_set_priority(struct vn_vif *v, unsigned prio)
{
	if (prio > VN_PRIO_MAX)
		return -EINVAL;
	v->priority = prio;
	vn_sched_change(v, v->disc, false, 0);
	return 0;
}

int vn_vif_set_qlimit(struct vn_vif *v, unsigned qlimit)
{
	if (qlimit < 1 || qlimit > VN_QLIMIT_MAX)
		return -EINVAL;
	v->qlimit = qlimit;
	return 0;
}

int vn_vif_param_set(struct vn_vif *v, const char *key, const char *text, vn_time_t now)
{
	uint64_t n;
	int rc;
	if (strcmp(key, "bandwidth") == 0) {
		if ((rc = vn_bw_parse(text, &n)) < 0)
			return rc;
		return vn_vif_set_bandwidth(v, n, now);
	}
	if (strcmp(key, "type") == 0) {
		enum vn_type ty;
		if ((rc = vn_type_parse(text, &ty)) < 0)
			return rc;
		return vn_vif_set_type(v, ty);
	}
	if (strcmp(key, "weight") == 0) {
		if ((rc = vn_uint_parse(text, VN_WEIGHT_MIN, VN_WEIGHT_MAX, &n)) < 0)
			return rc;
		return vn_vif_set_weight(v, (unsigned)n);
	}
	if (strcmp(key, "priority") == 0) {
		if ((rc = vn_uint_parse(text, 0, VN_PRIO_MAX, &n)) < 0)
			return rc;
		return vn_vif_set_priority(v, (unsigned)n);
	}
	if (strcmp(key, "qlimit") == 0) {
		if ((rc = vn_uint_parse(text, 1, VN_QLIMIT_MAX, &n)) < 0)
			return rc;
		return vn_vif_set_qlimit(v, (unsigned)n);
	}
	return -ENOENT;
}

int vn_vif_param_get(const struct vn_vif *v, const char *key, char *buf, size_t n)
{
	if (strcmp(key, "bandwidth") == 0)
		return vn_bw_format(v->bandwidth, buf, n);
	if (strcmp(key, "type") == 0)
		return snprintf(buf, n, "%s", vn_type_name(v->type));
	if (strcmp(key, "weight") == 0)
		return snprintf(buf, n, "%u", v->weight);
	if (strcmp(key, "priority") == 0)
		return snprintf(buf, n, "%u", v->priority);
	if (strcmp(key, "qlimit") == 0)
		return snprintf(buf, n, "%u", v->qlimit);
	return -ENOENT;
}

#define LOAD(f) __atomic_load_n(&(f), __ATOMIC_RELAXED)

void vn_vif_stats(const struct vn_vif *v, struct vn_vif_stats *st)
{
	st->out_packets = LOAD(v->st.out_packets);
	st->out_bytes = LOAD(v->st.out_bytes);
	st->in_packets = LOAD(v->st.in_packets);
	st->in_bytes = LOAD(v->st.in_bytes);
	st->drops = LOAD(v->st.drops);
	st->queued = LOAD(v->half[VN_EGRESS].backlog) + LOAD(v->half[VN_INGRESS].backlog);
}

int vn_vif_stats_format(const struct vn_vif *v, char *buf, size_t n)
{
	struct vn_vif_stats st;
	vn_vif_stats(v, &st);
	return snprintf(buf, n,
			"out_packets %llu\nout_bytes %llu\nin_packets %llu\nin_bytes %llu\n"
			"drops %llu\nqueued %llu\n",
			(unsigned long long)st.out_packets, (unsigned long long)st.out_bytes,
			(unsigned long long)st.in_packets, (unsigned long long)st.in_bytes,
			(unsigned long long)st.drops, (unsigned long long)st.queued);
}

void vn_vif_set_filter(struct vn_vif *v, vn_filter_fn fn, void *ctx)
{
	v->filter = fn;
	v->filter_ctx = ctx;
}

vn_filter_fn vn_vif_filter(const struct vn_vif *v, void **ctx)
{
	if (ctx)
		*ctx = v->filter_ctx;
	return v->filter;
}

void vn_vif_set_filter_free(struct vn_vif *v, void (*fn)(void *ctx))
{
	v->filter_free = fn;
}

vn_filter_free_fn vn_vif_filter_free(const struct vn_vif *v)
{
	return v->filter_free;
}

void vn_vif_set_tap(struct vn_vif *v, vn_tap_fn fn, void *ctx)
{
	v->tap = fn;
	v->tap_ctx = ctx;
}

vn_tap_fn vn_vif_tap(const struct vn_vif *v, void **ctx)
{
	if (ctx)
		*ctx = v->tap_ctx;
	return v->tap;
}

bool vn_vif_path_inspects(const struct vn_vif *v)
{
	for (unsigned k = 0; k <= v->depth; k++) {
		const struct vn_vif *u = v->path[k];
		if (u->filter || u->tap || u->qops)
			return true;
	}
	return false;
}

void vn_vif_set_tap_free(struct vn_vif *v, void (*fn)(void *ctx))
{
	v->tap_free = fn;
}

void vn_vif_set_user(struct vn_vif *v, void *user) { v->user = user; }
void *vn_vif_user(const struct vn_vif *v) { return v->user; }

/* --- conf and log --- */

static bool conf_key_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == '.' || c == '-';
}

/* Is text[0..len) well-formed conf? */
static bool conf_valid(const char *text, size_t len)
{
	size_t i = 0;
	while (i < len) {
		size_t e = i;
		while (e < len && text[e] != '\n')
			e++;
		size_t k = i;
		while (k < e && (text[k] == ' ' || text[k] == '\t'))
			k++;
		if (k < e && text[k] != '#') {
			size_t key = k;
			while (k < e && conf_key_char(text[k]))
				k++;
			size_t kend = k;
			while (k < e && (text[k] == ' ' || text[k] == '\t'))
				k++;
			if (kend == key || k == e || text[k] != '=')
				return false;
			for (k++; k < e; k++)
				if ((unsigned char)text[k] < 0x20 && text[k] != '\t')
					return false;
		}
		i = e + 1;
	}
	return true;
}

int vn_vif_conf_set(struct vn_vif *v, const char *text, size_t len)
{
	if (len > VN_CONF_MAX)
		return -EFBIG;
	if (memchr(text, '\0', len) || !conf_valid(text, len))
		return -EINVAL;
	char *c = NULL, *vals = NULL;
	if (len) {
		c = malloc(len + 1);
		vals = malloc(len + 2);
		if (!c || !vals) {
			free(c);
			free(vals);
			return -ENOMEM;
		}
		memcpy(c, text, len);
		c[len] = '\0';
		/* Parse into "key\0value\0..." with blanks around values trimmed. */
		char *o = vals;
		for (char *line = c; *line; ) {
			char *end = strchr(line, '\n');
			size_t n = end ? (size_t)(end - line) : strlen(line);
			char *p = line;
			while (p < line + n && (*p == ' ' || *p == '\t'))
				p++;
			if (p < line + n && *p != '#') {
				char *eq = memchr(p, '=', (size_t)(line + n - p));
				char *ve = line + n;
				char *vb = eq + 1;
				while (ve > vb && (ve[-1] == ' ' || ve[-1] == '\t' || ve[-1] == '\r'))
					ve--;
				while (vb < ve && (*vb == ' ' || *vb == '\t'))
					vb++;
				char *ke = eq;
				while (ke > p && (ke[-1] == ' ' || ke[-1] == '\t'))
					ke--;
				memcpy(o, p, (size_t)(ke - p));
				o += ke - p;
				*o++ = '\0';
				memcpy(o, vb, (size_t)(ve - vb));
				o += ve - vb;
				*o++ = '\0';
			}
			line = end ? end + 1 : line + n;
		}
		*o = '\0';
	}
	free(v->conf);
	free(v->conf_vals);
	v->conf = c;
	v->conf_vals = vals;
	return 0;
}

int vn_vif_conf_text(const struct vn_vif *v, char *buf, size_t n)
{
	return snprintf(buf, n, "%s", v->conf ? v->conf : "");
}

const char *vn_vif_conf_get(const struct vn_vif *v, const char *key)
{
	/* conf_vals: "key\0value\0key\0value\0...\0", parsed at set time. */
	const char *found = NULL;
	for (const char *k = v->conf_vals; k && *k; ) {
		const char *val = k + strlen(k) + 1;
		if (strcmp(k, key) == 0)
			found = val;     /* the last assignment wins */
		k = val + strlen(val) + 1;
	}
	return found;
}

void vn_vif_log(struct vn_vif *v, const char *s, size_t n)
{
	if (!v->log && !(v->log = malloc(VN_LOG_MAX)))
		return;
	if (n > VN_LOG_MAX) {
		s += n - VN_LOG_MAX;
		n = VN_LOG_MAX;
	}
	for (size_t i = 0; i < n; i++) {
		if (v->log_len == VN_LOG_MAX) {
			/* Full: let the oldest line go. */
			while (v->log_len && v->log[v->log_start] != '\n') {
				v->log_start = (v->log_start + 1) % VN_LOG_MAX;
				v->log_len--;
			}
			if (v->log_len) {
				v->log_start = (v->log_start + 1) % VN_LOG_MAX;
				v->log_len--;
			}
		}
		v->log[(v->log_start + v->log_len) % VN_LOG_MAX] = s[i];
		v->log_len++;
	}
}

int vn_vif_log_text(const struct vn_vif *v, char *buf, size_t n)
{
	for (size_t i = 0; i < v->log_len && i + 1 < n; i++)
		buf[i] = v->log[(v->log_start + i) % VN_LOG_MAX];
	if (n)
		buf[v->log_len < n ? v->log_len : n - 1] = '\0';
	return (int)v->log_len;
}
