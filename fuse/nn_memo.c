/* nn_memo — nnfs's memo of the VIF directories (see nn_memo.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "nn_memo.h"
#include "nn_params.h"
#include "vn_vif.h"

#define MEMO_MIN 64

static size_t hid(unsigned tree, uint64_t id)
{
	uint64_t h = (id ^ (uint64_t)tree << 56) * 0x9e3779b97f4a7c15ull;
	return (size_t)(h ^ h >> 31);
}

static size_t hname(unsigned tree, uint64_t parent, const char *name)
{
	uint64_t h = 1469598103934665603ull ^ parent ^ (uint64_t)tree << 56;
	for (const unsigned char *p = (const unsigned char *)name; *p; p++)
		h = (h ^ *p) * 1099511628211ull;
	return (size_t)(h ^ h >> 29);
}

static void clear(struct nn_memo *m)
{
	memset(m->next_id, 0, sizeof m->next_id);
	for (size_t b = 0; b < NN_MEMO_PROCS; b++)
		for (struct nn_mproc *e = m->procs[b], *next; e; e = next) {
			next = e->next;
			free(e);
		}
	memset(m->procs, 0, sizeof m->procs);
	for (size_t b = 0; b < m->nb; b++)
		for (struct nn_mvif *e = m->by_id[b], *next; e; e = next) {
			next = e->hid;
			free(e);
		}
	free(m->by_id);
	free(m->by_name);
	m->by_id = m->by_name = NULL;
	m->n = m->nb = 0;
}

void nn_memo_free(struct nn_memo *m)
{
	clear(m);
	m->gen = 0;
}

/* Out of memory: forget everything; the next call starts again. */
static void fail(struct nn_memo *m)
{
	clear(m);
	m->gen = 0;
}

void nn_memo_at(struct nn_memo *m, uint64_t gen)
{
	if (m->gen != gen)
		clear(m);
	m->gen = gen;
}

static int grow(struct nn_memo *m)
{
	size_t nb = m->nb ? 2 * m->nb : MEMO_MIN;
	struct nn_mvif **bi = calloc(nb, sizeof *bi), **bn = calloc(nb, sizeof *bn);
	if (!bi || !bn) {
		free(bi);
		free(bn);
		return -ENOMEM;
	}
	for (size_t b = 0; b < m->nb; b++)
		for (struct nn_mvif *e = m->by_id[b], *next; e; e = next) {
			next = e->hid;
			size_t k = hid(e->tree, e->id) & (nb - 1), j = hname(e->tree, e->parent, e->name) & (nb - 1);
			e->hid = bi[k];
			bi[k] = e;
			e->hname = bn[j];
			bn[j] = e;
		}
	free(m->by_id);
	free(m->by_name);
	m->by_id = bi;
	m->by_name = bn;
	m->nb = nb;
	return 0;
}

struct nn_mvif *nn_memo_vif(const struct nn_memo *m, unsigned tree, uint64_t id)
{
	if (!m->nb)
		return NULL;
	for (struct nn_mvif *e = m->by_id[hid(tree, id) & (m->nb - 1)]; e; e = e->hid)
		if (e->id == id && e->tree == tree)
			return e;
	return NULL;
}

struct nn_mvif *nn_memo_child(const struct nn_memo *m, unsigned tree, uint64_t parent,
			      const char *name)
{
	if (!m->nb)
		return NULL;
	for (struct nn_mvif *e = m->by_name[hname(tree, parent, name) & (m->nb - 1)]; e; e = e->hname)
		if (e->parent == parent && e->tree == tree && strcmp(e->name, name) == 0)
			return e;
	return NULL;
}

/* A new entry (not in the memo yet), linked in. */
static struct nn_mvif *insert(struct nn_memo *m, unsigned tree, uint64_t id, uint64_t parent,
			      const char *name)
{
	struct nn_mvif *e;
	if ((m->n >= m->nb && grow(m) < 0) || !(e = calloc(1, sizeof *e))) {
		fail(m);
		return NULL;
	}
	e->id = id;
	e->tree = tree;
	e->parent = parent;
	memcpy(e->name, name, strnlen(name, VN_NAME_MAX));
	size_t k = hid(tree, id) & (m->nb - 1), j = hname(tree, parent, e->name) & (m->nb - 1);
	e->hid = m->by_id[k];
	m->by_id[k] = e;
	e->hname = m->by_name[j];
	m->by_name[j] = e;
	m->n++;
	return e;
}

struct nn_mvif *nn_memo_add(struct nn_memo *m, const struct nn_mvif *parent, uint64_t id,
			    const char *name, uid_t uid, gid_t gid, unsigned mode)
{
	unsigned tree = parent->tree, depth = parent->depth + 1;
	uint64_t pid = parent->id;     /* parent may move if the table grows: copied first */
	struct nn_mvif *e = insert(m, tree, id, pid, name);
	if (!e)
		return NULL;
	e->uid = uid;
	e->gid = gid;
	e->mode = mode;
	e->depth = depth;
	e->listed = true;
	/* a new VIF's values (vif_alloc; test_nnfs checks they agree) */
	e->val[NN_ROW_BANDWIDTH] = VN_BW_UNLIMITED;
	e->val[NN_ROW_WEIGHT] = 1;
	e->val[NN_ROW_PRIORITY] = 0;
	e->val[NN_ROW_QLIMIT] = VN_QLIMIT_DEFAULT;
	e->vals = true;
	return e;
}

struct nn_mvif *nn_memo_put(struct nn_memo *m, unsigned tree, const struct vn_vif *v)
{
	struct nn_mvif *e = nn_memo_vif(m, tree, vn_vif_id(v));
	if (!e) {
		const struct vn_vif *p = vn_vif_parent(v);
		if (!(e = insert(m, tree, vn_vif_id(v), p ? vn_vif_id(p) : 0, vn_vif_name(v))))
			return NULL;
		for (; p; p = vn_vif_parent(p))
			e->depth++;
	}
	if (tree < NN_TREES_MAX)
		m->next_id[tree] = vn_tree_next_id(vn_vif_tree(v));
	e->uid = vn_vif_uid(v);
	e->gid = vn_vif_gid(v);
	e->mode = vn_vif_mode(v);
	e->nchildren = vn_vif_nchildren(v);
	e->val[NN_ROW_BANDWIDTH] = vn_vif_bandwidth(v);
	e->val[NN_ROW_WEIGHT] = vn_vif_weight(v);
	e->val[NN_ROW_PRIORITY] = vn_vif_priority(v);
	e->val[NN_ROW_QLIMIT] = vn_vif_qlimit(v);
	e->vals = true;
	if (!e->nchildren)
		e->listed = true;     /* nothing to list */
	return e;
}

int nn_memo_list(struct nn_memo *m, unsigned tree, const struct vn_vif *v)
{
	struct nn_mvif *e = nn_memo_put(m, tree, v);
	if (!e)
		return -ENOMEM;
	if (e->listed)
		return 0;
	for (struct vn_vif *c = vn_vif_first_child(v); c; c = vn_vif_next_sibling(c))
		if (!nn_memo_put(m, tree, c))
			return -ENOMEM;
	e->listed = true;    /* e is still there: puts of other ids do not move it */
	return 0;
}

void nn_memo_drop(struct nn_memo *m, unsigned tree, uint64_t id)
{
	struct nn_mvif *e = nn_memo_vif(m, tree, id);
	if (!e)
		return;
	struct nn_mvif **pp = &m->by_id[hid(tree, id) & (m->nb - 1)];
	while (*pp != e)
		pp = &(*pp)->hid;
	*pp = e->hid;
	pp = &m->by_name[hname(tree, e->parent, e->name) & (m->nb - 1)];
	while (*pp != e)
		pp = &(*pp)->hname;
	*pp = e->hname;
	m->n--;
	free(e);
}

struct nn_mproc *nn_memo_proc(const struct nn_memo *m, pid_t pid)
{
	for (struct nn_mproc *e = m->procs[(unsigned)pid % NN_MEMO_PROCS]; e; e = e->next)
		if (e->pid == pid)
			return e;
	return NULL;
}

struct nn_mproc *nn_memo_proc_put(struct nn_memo *m, pid_t pid)
{
	struct nn_mproc *e = nn_memo_proc(m, pid);
	if (e)
		return e;
	if (!(e = calloc(1, sizeof *e))) {
		fail(m);
		return NULL;
	}
	e->pid = pid;
	e->next = m->procs[(unsigned)pid % NN_MEMO_PROCS];
	m->procs[(unsigned)pid % NN_MEMO_PROCS] = e;
	return e;
}

void nn_memo_moved(struct nn_memo *m, unsigned tree, uint64_t gone, uint64_t heir)
{
	if (tree >= NN_MEMO_TREES)
		return;
	for (size_t b = 0; b < NN_MEMO_PROCS; b++)
		for (struct nn_mproc *e = m->procs[b]; e; e = e->next)
			if (e->vif[tree] == gone)
				e->vif[tree] = heir;
}
