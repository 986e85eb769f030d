/* nnfs — the FUSE low-level operations (the FUSE thread's half).
 *
 * Shape: one static ops table; each handler decodes the request into a
 * `struct nn_op`, runs one function on the tree's thread through the
 * backend's `call` (all tree and registry access happens there, nothing here
 * locks), then replies exactly once from the FUSE thread with what that
 * function left in the op. Permission decisions are nn_perm's; file texts are
 * nn_params' rows; link texts are nn_link's. */
#define FUSE_USE_VERSION 314
#include <fuse_lowlevel.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "nn_backend.h"
#include "nn_op.h"
#include "nn_ino.h"
#include "nn_link.h"
#include "nn_params.h"
#include "nn_perm.h"
#include "nn_port.h"
#include "nnfs_int.h"
#include "vn_param.h"
#include "vn_vif.h"

/* ----------------------------------------------------- on the FUSE thread */

static struct vn_nnfs *fs_of(fuse_req_t req)
{
	return fuse_req_userdata(req);
}

static void op_init(struct nn_op *op, fuse_req_t req, fuse_ino_t ino)
{
	const struct fuse_ctx *ctx = fuse_req_ctx(req);
	memset(op, 0, sizeof *op);
	op->fs = fs_of(req);
	op->cred.uid = ctx->uid;
	op->cred.gid = ctx->gid;
	op->cred.pid = ctx->pid;
	op->cred.ngroups = -1;
	if (!nn_ino_parse(ino, &op->node))
		op->node.kind = NN_NKINDS;   /* matches nothing: ENOENT/ENOTDIR */
}

/* Run fn on the tree's thread; once more with the caller's supplementary
 * groups if the decision needed them (fetching them reads /proc, so only
 * then). Returns op->err. */
static int run(fuse_req_t req, struct nn_op *op, void (*fn)(void *))
{
	struct vn_nnfs *fs = op->fs;
	for (int tries = 0;; tries++) {
		int r = fs->be.call(fs->be.ctx, fn, op);
		if (r < 0)
			return op->err = r;
		if (op->err != NN_NEED_GROUPS)
			return op->err;
		if (tries > 0)
			return op->err = -EACCES;
		int n = fuse_req_getgroups(req, NN_GROUPS_MAX, op->cred.groups);
		op->cred.ngroups = n < 0 ? 0 : n > NN_GROUPS_MAX ? NN_GROUPS_MAX : n;
	}
}

static void reply_entry(fuse_req_t req, struct nn_op *op)
{
	struct fuse_entry_param e;
	memset(&e, 0, sizeof e);
	e.ino = nn_ino_make(&op->out);
	e.attr = op->st;
	e.attr_timeout = op->fs->attr_timeout;
	e.entry_timeout = op->fs->entry_timeout;
	fuse_reply_entry(req, &e);
}

static void nn_init(void *userdata, struct fuse_conn_info *conn)
{
	(void)userdata;
	/* O_TRUNC arrives in open's flags instead of as a separate setattr */
	if (conn->capable & FUSE_CAP_ATOMIC_O_TRUNC)
		conn->want |= FUSE_CAP_ATOMIC_O_TRUNC;
}

/* Nodes that never change (/, network/) and the names in them (network,
 * the interfaces): answered on the FUSE thread. The attributes of an
 * interface's root given here are placeholders with timeout 0: any stat of
 * it asks the tree. Returns false when the tree must be asked. */
static bool static_node(struct nn_op *op, const char *name)
{
	struct vn_nnfs *fs = op->fs;
	struct nn_node n = op->node;

	if (name) {
		if (op->node.kind == NN_ROOT && strcmp(name, "network") == 0) {
			n = (struct nn_node){.kind = NN_NETWORK};
		} else if (op->node.kind == NN_NETWORK) {
			size_t i = 0;
			while (i < fs->nifs && strcmp(fs->ifs[i].name, name) != 0)
				i++;
			if (i == fs->nifs)
				return false;
			n = (struct nn_node){.kind = NN_VIF, .tree = (unsigned)i, .vif = fs->ifs[i].root};
			op->out = n;
			memset(&op->st, 0, sizeof op->st);
			nn_stat_dir(fs, &op->st, 0755, 0, 0, 2);
			op->st.st_ino = nn_ino_make(&n);
			return true;
		} else if (op->node.kind == NN_VIF && op->cred.uid == 0 && nn_row_find(name) >= 0) {
			/* A value file's name in a VIF, for root (who needs no x
			 * permission): the name exists as long as the VIF does, and
			 * the next request on it finds out if the VIF has gone. */
			unsigned row = (unsigned)nn_row_find(name);
			n = (struct nn_node){.kind = NN_PARAM, .tree = op->node.tree, .row = row,
					     .vif = op->node.vif};
			op->out = n;
			memset(&op->st, 0, sizeof op->st);
			nn_stat_dir(fs, &op->st, 0, 0, 0, 1);
			op->st.st_mode = S_IFREG | (nn_rows[row].mode & (nn_rows[row].write ? 0644 : 0444));
			op->st.st_ino = nn_ino_make(&n);
			return true;
		} else {
			return false;
		}
		op->out = n;
	} else if (n.kind != NN_ROOT && n.kind != NN_NETWORK) {
		return false;
	}
	memset(&op->st, 0, sizeof op->st);
	if (n.kind == NN_ROOT)
		nn_stat_dir(fs, &op->st, 0555, 0, 0, 3);
	else
		nn_stat_dir(fs, &op->st, 0555, 0, 0, 2 + fs->nifs);
	op->st.st_ino = nn_ino_make(&n);
	return true;
}

/* ------------------------------------------------- answers from the memo */

/* The memo when it is current (nn_memo.h), else NULL: ask the tree. */
static struct nn_memo *memo(struct vn_nnfs *fs)
{
	if (!fs->memo.gen || fs->memo.gen != nn_gen(fs))
		return NULL;
	return &fs->memo;
}

/* Where nnfs's own changes may go without waiting: deferred to the tree's
 * thread (vifd), or posted (the test harness). Not when nnfs is served by
 * that thread itself: a call there runs at once, before what was deferred. */
static int (*defer_fn(const struct vn_nnfs *fs))(void *, void (*)(void *), void *)
{
	if (fs->watched)
		return NULL;
	return fs->be.defer ? fs->be.defer : fs->be.post;
}

/* What node_stat (nn_tree.c) says of a VIF, from its memo entry. */
static void memo_stat(struct vn_nnfs *fs, const struct nn_mvif *e, struct stat *st)
{
	struct nn_node n = {.kind = NN_VIF, .tree = e->tree, .vif = e->id};
	memset(st, 0, sizeof *st);
	nn_stat_dir(fs, st, e->mode & 07777, e->uid, e->gid, 2 + e->nchildren);
	st->st_ino = nn_ino_make(&n);
}

/* A lookup of a child VIF (or of a name that is none) as find_child decides
 * it, from the memo. True when answered (replied). */
static bool memo_lookup(fuse_req_t req, struct nn_op *op)
{
	const struct nn_memo *m;
	const struct nn_mvif *p, *c;
	if (op->node.kind != NN_VIF || !(m = memo(op->fs)) ||
	    !(p = nn_memo_vif(m, op->node.tree, op->node.vif)))
		return false;
	int r = nn_perm_mode(&op->cred, p->uid, p->gid, p->mode, X_OK);
	if (r == NN_NEED_GROUPS || (r == 0 && nn_row_find(op->name) >= 0))
		return false;        /* groups to fetch; a value file (its size is its text's) */
	if (r) {
		fuse_reply_err(req, -r);
		return true;
	}
	if ((c = nn_memo_child(m, op->node.tree, p->id, op->name))) {
		op->out = (struct nn_node){.kind = NN_VIF, .tree = c->tree, .vif = c->id};
		memo_stat(op->fs, c, &op->st);
		reply_entry(req, op);
		return true;
	}
	if (!p->listed)
		return false;
	fuse_reply_err(req, ENOENT);
	return true;
}

/* An open numeric value's text from the memo (as nn_do_refresh would take
 * it). False when the tree must be asked. */
static bool memo_read(struct vn_nnfs *fs, struct nn_fh *fh)
{
	struct nn_memo *m;
	struct nn_mvif *e;
	char buf[NN_TEXT_MAX + 2];
	if (!nn_row_memo(fh->node.row) || !(m = memo(fs)) ||
	    !(e = nn_memo_vif(m, fh->node.tree, fh->node.vif)) || !e->vals)
		return false;
	int k = nn_value_format(fh->node.row, e->val[fh->node.row], buf, sizeof buf);
	char *t = k < 0 || (size_t)k >= sizeof buf ? NULL : strdup(buf);
	if (!t)
		return false;
	free(fh->text);
	fh->text = t;
	fh->len = (size_t)k;
	return true;
}

/* A numeric value written while the memo is current: decided here, as
 * nn_do_write would (the VIF exists, the text parses), and applied on the
 * tree's thread by a deferred post: the writer neither waits for nor wakes
 * that thread. The post goes before any later call (one queue), so whatever
 * asks the tree next sees the value, and vifd runs it before anything that
 * wakes the loop (a packet, a control request, a timer). 1 when decided
 * (*err 0 or -errno), 0 when the tree must be asked. */
static int memo_write(struct vn_nnfs *fs, const struct nn_fh *fh, const char *text, size_t len,
		      int *err)
{
	struct nn_memo *m;
	struct nn_mvif *e;
	uint64_t val;
	unsigned row = fh->node.row;
	int (*post)(void *, void (*)(void *), void *) = defer_fn(fs);
	if (!post || !nn_row_memo(row) || !(m = memo(fs)) ||
	    !(e = nn_memo_vif(m, fh->node.tree, fh->node.vif)))
		return 0;
	if ((*err = nn_value_parse(row, text, len, &val)))
		return 1;                /* refused: nothing changes */
	struct nn_posted *pw = malloc(sizeof *pw + len);
	if (!pw)
		return 0;
	pw->fs = fs;
	pw->node = fh->node;
	pw->len = len;
	memcpy(pw->text, text, len);
	if (post(fs->be.ctx, nn_do_posted_write, pw)) {
		free(pw);
		return 0;
	}
	e->val[row] = val;
	return 1;
}

static void nop(void *arg)
{
	(void)arg;
}

/* A deferred change for op (nn_op.h), or NULL. */
static struct nn_deferred *new_deferred(const struct nn_op *op, enum nn_defer_kind kind)
{
	struct nn_deferred *d = calloc(1, sizeof *d);
	if (!d || strlen(op->name) >= sizeof d->name || (op->text && !(d->text = strdup(op->text)))) {
		free(d);
		return NULL;
	}
	d->op = *op;
	memcpy(d->name, op->name, strlen(op->name) + 1);
	d->op.name = d->name;
	d->op.text = d->text;
	d->kind = kind;
	return d;
}

/* Answer a deferred change as the tree's thread decided it (defer_op 0 or
 * -2): its error, else the new entry (entry: mkdir, ln -s) or success. */
static void reply_from_tree(fuse_req_t req, int how, struct nn_deferred *d, bool entry)
{
	if (how == -2)
		fuse_reply_err(req, EIO);
	else if (d->op.err || !entry)
		fuse_reply_err(req, -d->op.err);
	else
		reply_entry(req, &d->op);
}

/* Defer d, decided from the memo at generation g0, then read the generation
 * again. 1: it has not moved, nothing was decided elsewhere since the memo's
 * answer (vifd settles before deciding a control request's change, so a
 * later one comes after this) and the decision stands; 0: it has, so this
 * waited for the tree's thread to run d, whose op holds the outcome (and
 * the memo is dropped); -2: that wait failed (vifd stopping); -1: could not
 * defer (d freed): ask the tree. */
static int defer_op(struct vn_nnfs *fs, struct nn_deferred *d, uint64_t g0)
{
	d->refs = 2;
	if (defer_fn(fs)(fs->be.ctx, nn_do_deferred, d)) {
		free(d->text);
		free(d);
		return -1;
	}
	__atomic_thread_fence(__ATOMIC_SEQ_CST);     /* the deferral, then the count */
	if (nn_gen(fs) == g0) {
		d->answered = true;      /* read by the last nn_deferred_put */
		return 1;
	}
	fs->memo.gen = 0;
	return fs->be.call(fs->be.ctx, nop, NULL) < 0 ? -2 : 0;
}

/* mkdir or rmdir of a VIF decided here from the memo, as nn_do_mkdir and
 * nn_do_rmdir would decide it, and deferred to the tree's thread: the caller
 * neither waits for nor wakes it. A refusal changes nothing and is answered
 * at once. Else the change is deferred, then the generation read again: if
 * it has not moved, nothing was decided elsewhere since the memo's answer
 * (vifd settles before deciding a control request's change, so a later one
 * comes after this), and the answer stands; if it has, this waits for the
 * tree's thread to have run it, and answers with what it found. True when
 * answered. */
static bool memo_dirop(fuse_req_t req, struct nn_op *op, bool mk)
{
	struct vn_nnfs *fs = op->fs;
	int (*post)(void *, void (*)(void *), void *) = defer_fn(fs);
	struct nn_memo *m;
	struct nn_mvif *p, *c;
	int err = 0, r;

	if (op->node.kind != NN_VIF || !post || !(m = memo(fs)) ||
	    !(p = nn_memo_vif(m, op->node.tree, op->node.vif)) || op->node.tree >= NN_TREES_MAX)
		return false;
	uint64_t g0 = m->gen;
	c = nn_memo_child(m, op->node.tree, p->id, op->name);
	if (mk) {           /* nn_do_mkdir's order, then vn_vif_create's */
		if (nn_row_find(op->name) >= 0 || c)
			err = -EEXIST;
		else if (!p->listed || !m->next_id[op->node.tree])
			return false;
		else if ((r = nn_perm_mode(&op->cred, p->uid, p->gid, p->mode, W_OK | X_OK)))
			err = r;
		else if (strlen(op->name) > VN_NAME_MAX)
			err = -ENAMETOOLONG;
		else if (!vn_name_valid(op->name))
			err = -EINVAL;
		else if (p->depth + 1 >= VN_DEPTH_MAX)
			err = -EMLINK;
	} else {            /* nn_do_rmdir's, then vn_vif_remove's */
		if (!c && !p->listed)
			return false;
		if (!c)
			err = nn_row_find(op->name) >= 0 ? -ENOTDIR : -ENOENT;
		else if ((r = nn_perm_mode(&op->cred, p->uid, p->gid, p->mode, W_OK | X_OK)))
			err = r;
		else if (c->nchildren)
			err = -ENOTEMPTY;
	}
	if (err == NN_NEED_GROUPS)
		return false;
	if (err) {
		fuse_reply_err(req, -err);
		return true;
	}
	struct nn_deferred *d = new_deferred(op, mk ? NN_DEFER_MKDIR : NN_DEFER_RMDIR);
	if (!d)
		return false;
	d->id = mk ? m->next_id[op->node.tree] : 0;
	int how = defer_op(fs, d, g0);
	if (how == -1)
		return false;
	if (how <= 0) {
		reply_from_tree(req, how, d, mk);
	} else if (mk) {
		uint64_t id = m->next_id[op->node.tree]++;
		p->nchildren++;
		c = nn_memo_add(m, p, id, op->name, op->cred.uid, op->cred.gid, op->mode & 0777);
		op->out = (struct nn_node){.kind = NN_VIF, .tree = op->node.tree, .vif = id};
		if (c) {
			memo_stat(fs, c, &op->st);
		} else {            /* the memo is gone (no memory): the same stat */
			memset(&op->st, 0, sizeof op->st);
			nn_stat_dir(fs, &op->st, op->mode & 0777, op->cred.uid, op->cred.gid, 2);
			op->st.st_ino = nn_ino_make(&op->out);
		}
		reply_entry(req, op);
	} else {
		uint64_t heir = p->parent ? p->id : 0;    /* processes on it go up (no link on a root) */
		uint64_t gone = c->id;
		p->nchildren--;
		nn_memo_drop(m, op->node.tree, gone);
		nn_memo_moved(m, op->node.tree, gone, heir);
		fuse_reply_err(req, 0);
	}
	nn_deferred_put(d);
	return true;
}

/* The tree of interface `name`, or -1. */
static int if_index(const struct vn_nnfs *fs, const char *name)
{
	for (size_t i = 0; i < fs->nifs; i++)
		if (strcmp(fs->ifs[i].name, name) == 0)
			return (int)i;
	return -1;
}

/* vn_tree_lookup in the memo: 1 and *id, 0 (no such VIF), -1 (cannot tell). */
static int memo_resolve(const struct nn_memo *m, unsigned tree, uint64_t root, const char *path,
			uint64_t *id)
{
	const struct nn_mvif *v = nn_memo_vif(m, tree, root), *c;
	char name[VN_NAME_MAX + 1];
	const char *p = path;
	int r;
	if (!v)
		return -1;
	while ((r = vn_path_next(&p, name)) > 0) {
		if (!(c = nn_memo_child(m, tree, v->id, name)))
			return v->listed ? 0 : -1;
		v = c;
	}
	if (r < 0)
		return 0;
	*id = v->id;
	return 1;
}

/* Is VIF a VIF d or above it (vn_vif_is_ancestor)? 1, 0, -1 (cannot tell). */
static int memo_above(const struct nn_memo *m, unsigned tree, uint64_t a, uint64_t d)
{
	for (unsigned hops = 0; hops <= VN_DEPTH_MAX; hops++) {
		if (d == a)
			return 1;
		const struct nn_mvif *e = nn_memo_vif(m, tree, d);
		if (!e)
			return -1;
		if (!e->parent)
			return 0;
		d = e->parent;
	}
	return -1;
}

/* The text of PID/IF pointing at VIF id (link_text in nn_tree.c): its
 * length, or -1 when the memo lacks an ancestor. */
static int memo_link_text(const struct vn_nnfs *fs, const struct nn_memo *m, unsigned tree,
			  uint64_t id, char *buf, size_t n)
{
	const char *names[VN_DEPTH_MAX + 1];
	char path[NN_LINK_MAX];
	unsigned k = 0;
	const struct nn_mvif *first = nn_memo_vif(m, tree, id);
	if (!first)
		return -1;
	for (const struct nn_mvif *e = first; e->parent; e = nn_memo_vif(m, tree, e->parent)) {
		if (k > VN_DEPTH_MAX)
			return -1;
		names[k++] = e->name;
		if (!nn_memo_vif(m, tree, e->parent))
			return -1;
	}
	size_t len = 0;
	if (!k)
		len = (size_t)snprintf(path, sizeof path, ".");
	for (unsigned i = k; i-- > 0 && len < sizeof path;)
		len += (size_t)snprintf(path + len, sizeof path - len, "%s%s", i == k - 1 ? "" : "/", names[i]);
	if (len >= sizeof path)
		return -1;
	int r = nn_link_format(buf, n, NN_LINK_DEPTH_PID, fs->ifs[tree].name, path);
	return r < 0 || (size_t)r >= n ? -1 : r;
}

/* What node_stat says of PID/IF showing VIF id; false if the memo cannot. */
static bool memo_link_stat(struct vn_nnfs *fs, const struct nn_memo *m, const struct nn_mproc *pe,
			   unsigned tree, uint64_t id, struct stat *st)
{
	char buf[NN_LINK_MAX];
	int len = nn_memo_vif(m, tree, id) ? memo_link_text(fs, m, tree, id, buf, sizeof buf) : -1;
	if (len < 0)
		return false;
	struct nn_node n = {.kind = NN_PIDLINK, .tree = tree, .pid = (unsigned)pe->pid};
	memset(st, 0, sizeof *st);
	nn_stat_dir(fs, st, 0, pe->uid, pe->gid, 1);
	st->st_mode = S_IFLNK | 0777;
	st->st_size = len;
	st->st_ino = nn_ino_make(&n);
	return true;
}

/* A lookup in / of a registered process, or in PID/, from the memo. True
 * when answered. */
static bool memo_lookup_pid(fuse_req_t req, struct nn_op *op)
{
	struct vn_nnfs *fs = op->fs;
	struct nn_memo *m;
	struct nn_mproc *pe;
	char *end;
	unsigned long pid = op->node.pid;
	if ((op->node.kind != NN_ROOT && op->node.kind != NN_PID) || !(m = memo(fs)) ||
	    fs->nifs > NN_MEMO_TREES)
		return false;
	if (op->node.kind == NN_ROOT) {     /* find_child's parse_uint: no sign, no leading 0 */
		if (op->name[0] < '1' || op->name[0] > '9')
			return false;
		errno = 0;
		pid = strtoul(op->name, &end, 10);
		if (*end || errno || pid > NN_PID_MAX)
			return false;
	}
	if (!(pe = nn_memo_proc(m, (pid_t)pid)))
		return false;
	op->out = (struct nn_node){.kind = NN_PID, .pid = (unsigned)pid};
	if (op->node.kind == NN_PID) {
		int t = if_index(fs, op->name);
		if (strcmp(op->name, "sockets") == 0) {
			op->out.kind = NN_SOCKS;
		} else if (t < 0) {
			fuse_reply_err(req, ENOENT);
			return true;
		} else if (!pe->vif[t]) {
			fuse_reply_err(req, ENOENT);    /* on the root: no link */
			return true;
		} else {
			if (!memo_link_stat(fs, m, pe, (unsigned)t, pe->vif[t], &op->st))
				return false;
			op->out = (struct nn_node){.kind = NN_PIDLINK, .tree = (unsigned)t, .pid = (unsigned)pid};
			reply_entry(req, op);
			return true;
		}
	}
	memset(&op->st, 0, sizeof op->st);
	nn_stat_dir(fs, &op->st, 0555, pe->uid, pe->gid, 2);
	op->st.st_ino = nn_ino_make(&op->out);
	reply_entry(req, op);
	return true;
}

/* ln -s TARGET PID/IF (attach) or rm PID/IF (detach) decided here from the
 * memo, as nn_do_symlink and nn_do_unlink would decide it, and deferred like
 * memo_dirop's. True when answered. */
static bool memo_link(fuse_req_t req, struct nn_op *op, bool attach)
{
	struct vn_nnfs *fs = op->fs;
	struct nn_memo *m;
	struct nn_mproc *pe;
	char ifname[VN_NAME_MAX + 1], path[NN_LINK_MAX];
	uint64_t target = 0, root;
	int t, err = 0, r;

	if (op->node.kind != NN_PID || !defer_fn(fs) || !(m = memo(fs)) || fs->nifs > NN_MEMO_TREES ||
	    !(pe = nn_memo_proc(m, (pid_t)op->node.pid)) || (t = if_index(fs, op->name)) < 0)
		return false;
	uint64_t g0 = m->gen;
	root = fs->ifs[t].root;
	if (!attach) {
		err = !pe->vif[t] ? -ENOENT : nn_perm_detach(&op->cred, pe->uid, false);
	} else if (pe->vif[t]) {
		err = -EEXIST;
	} else if ((r = nn_link_parse(op->text, NN_LINK_DEPTH_PID, fs->mnt, ifname, sizeof ifname,
				      path, sizeof path))) {
		err = r;
	} else if (strcmp(ifname, op->name) != 0) {
		err = -EINVAL;
	} else if ((r = memo_resolve(m, (unsigned)t, root, path, &target)) < 0) {
		return false;
	} else if (r == 0) {
		err = -ENOENT;
	} else if (op->cred.uid != 0 && op->cred.uid != pe->uid) {
		err = -EPERM;
	} else if (op->cred.uid != 0) {     /* on the root (no link): anywhere is below */
		if ((r = memo_above(m, (unsigned)t, pe->vif[t] ? pe->vif[t] : root, target)) < 0)
			return false;
		if (!r)
			err = -EACCES;
	}
	if (err) {
		fuse_reply_err(req, -err);
		return true;
	}
	struct stat lst;        /* the new link's, while the memo still has its VIF */
	if (attach && target != root && !memo_link_stat(fs, m, pe, (unsigned)t, target, &lst))
		return false;
	struct nn_deferred *d = new_deferred(op, attach ? NN_DEFER_SYMLINK : NN_DEFER_UNLINK);
	if (!d)
		return false;
	int how = defer_op(fs, d, g0);
	if (how == -1)
		return false;
	if (how <= 0) {
		reply_from_tree(req, how, d, attach);
	} else if (!attach) {
		pe->vif[t] = 0;
		fuse_reply_err(req, 0);
	} else {
		pe->vif[t] = target == root ? 0 : target;
		op->out = (struct nn_node){.kind = NN_PIDLINK, .tree = (unsigned)t, .pid = op->node.pid};
		if (target != root) {
			op->st = lst;
		} else {            /* attached where it is by default: no link to show */
			memset(&op->st, 0, sizeof op->st);
			nn_stat_dir(fs, &op->st, 0, pe->uid, pe->gid, 1);
			op->st.st_mode = S_IFLNK | 0777;
			op->st.st_ino = nn_ino_make(&op->out);
		}
		reply_entry(req, op);
	}
	nn_deferred_put(d);
	return true;
}

/* ------------------------------------------ temporary links (ln -sf) */

static bool is_ifname(const struct vn_nnfs *fs, const char *name)
{
	for (size_t i = 0; i < fs->nifs; i++)
		if (strcmp(fs->ifs[i].name, name) == 0)
			return true;
	return false;
}

static bool pend_dir(const struct nn_node *p)
{
	return p->kind == NN_PID || p->kind == NN_FD;
}

static void pend_free(struct nn_pending *pe)
{
	free(pe->target);
	memset(pe, 0, sizeof *pe);
}

static struct nn_pending *pend_find(struct vn_nnfs *fs, const struct nn_node *p, const char *name)
{
	time_t now = time(NULL);
	struct nn_pending *hit = NULL;
	for (unsigned i = 0; i < NN_PENDING_MAX; i++) {
		struct nn_pending *pe = &fs->pend[i];
		if (!pe->used)
			continue;
		if (now - pe->made > NN_PENDING_TTL) {
			pend_free(pe);
			continue;
		}
		if (pe->pid == p->pid && pe->sock == (p->kind == NN_FD) && pe->fd == p->fd &&
		    strcmp(pe->name, name) == 0)
			hit = pe;
	}
	return hit;
}

static struct nn_node pend_node(const struct vn_nnfs *fs, const struct nn_pending *pe)
{
	return (struct nn_node){.kind = NN_PENDING, .tree = (unsigned)(pe - fs->pend),
				.pid = pe->pid, .fd = pe->fd};
}

static void pend_stat(struct vn_nnfs *fs, const struct nn_pending *pe, struct stat *st)
{
	struct nn_node n = pend_node(fs, pe);
	memset(st, 0, sizeof *st);
	nn_stat_dir(fs, st, 0, pe->uid, pe->gid, 1);
	st->st_mode = S_IFLNK | 0777;
	st->st_size = (off_t)strlen(pe->target);
	st->st_ino = nn_ino_make(&n);
}

static struct nn_pending *pend_of(struct vn_nnfs *fs, const struct nn_node *n)
{
	if (n->kind != NN_PENDING || n->tree >= NN_PENDING_MAX)
		return NULL;
	struct nn_pending *pe = &fs->pend[n->tree];
	return pe->used && pe->pid == n->pid && pe->fd == n->fd ? pe : NULL;
}

static void reply_pending(fuse_req_t req, struct nn_op *op, struct nn_pending *pe)
{
	op->out = pend_node(op->fs, pe);
	pend_stat(op->fs, pe, &op->st);
	reply_entry(req, op);
}

/* ln -s TARGET PID/tmpname: kept aside until renamed onto PID/IF */
static void make_pending(fuse_req_t req, struct nn_op *op, const char *link, const char *name)
{
	struct vn_nnfs *fs = op->fs;
	struct nn_pending *slot = NULL;

	if (strlen(name) >= sizeof slot->name) {
		fuse_reply_err(req, ENAMETOOLONG);
		return;
	}
	if (pend_find(fs, &op->node, name)) {
		fuse_reply_err(req, EEXIST);
		return;
	}
	if (run(req, op, nn_do_getattr)) {        /* the process and its uid */
		fuse_reply_err(req, -op->err);
		return;
	}
	if (op->cred.uid != 0 && op->cred.uid != op->st.st_uid) {
		fuse_reply_err(req, EPERM);
		return;
	}
	for (unsigned i = 0; i < NN_PENDING_MAX && !slot; i++)
		if (!fs->pend[i].used)
			slot = &fs->pend[i];
	if (!slot || !(slot->target = strdup(link))) {
		fuse_reply_err(req, slot ? ENOMEM : ENOSPC);
		return;
	}
	slot->used = true;
	slot->pid = op->node.pid;
	slot->fd = op->node.fd;
	slot->sock = op->node.kind == NN_FD;
	snprintf(slot->name, sizeof slot->name, "%s", name);
	slot->uid = op->cred.uid;
	slot->gid = op->cred.gid;
	slot->made = time(NULL);
	reply_pending(req, op, slot);
}

static void nn_lookup(fuse_req_t req, fuse_ino_t parent, const char *name)
{
	struct nn_op op;
	struct nn_pending *pe;
	op_init(&op, req, parent);
	op.name = name;
	if (pend_dir(&op.node) && (pe = pend_find(op.fs, &op.node, name)))
		reply_pending(req, &op, pe);
	else if (static_node(&op, name))
		reply_entry(req, &op);
	else if (memo_lookup(req, &op) || memo_lookup_pid(req, &op))
		;
	else if (run(req, &op, nn_do_lookup))
		fuse_reply_err(req, -op.err);
	else
		reply_entry(req, &op);
}

static void nn_forget(fuse_req_t req, fuse_ino_t ino, uint64_t nlookup)
{
	(void)ino; (void)nlookup;    /* inode numbers carry their meaning: nothing to drop */
	fuse_reply_none(req);
}

static void nn_getattr(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	struct nn_op op;
	struct nn_pending *pe;
	const struct nn_memo *m;
	const struct nn_mvif *e;
	(void)fi;
	op_init(&op, req, ino);
	if (op.node.kind == NN_PENDING) {
		if ((pe = pend_of(op.fs, &op.node))) {
			pend_stat(op.fs, pe, &op.st);
			fuse_reply_attr(req, &op.st, op.fs->attr_timeout);
		} else {
			fuse_reply_err(req, ENOENT);
		}
	} else if (static_node(&op, NULL)) {
		fuse_reply_attr(req, &op.st, op.fs->attr_timeout);
	} else if (op.node.kind == NN_VIF && (m = memo(op.fs)) &&
		   (e = nn_memo_vif(m, op.node.tree, op.node.vif))) {
		memo_stat(op.fs, e, &op.st);
		fuse_reply_attr(req, &op.st, op.fs->attr_timeout);
	} else if (run(req, &op, nn_do_getattr))
		fuse_reply_err(req, -op.err);
	else
		fuse_reply_attr(req, &op.st, op.fs->attr_timeout);
}

static void nn_setattr(fuse_req_t req, fuse_ino_t ino, struct stat *attr, int to_set,
		       struct fuse_file_info *fi)
{
	struct nn_op op;
	(void)fi;
	op_init(&op, req, ino);
	op.in = *attr;
	op.to_set = to_set;
	if (run(req, &op, nn_do_setattr))
		fuse_reply_err(req, -op.err);
	else
		fuse_reply_attr(req, &op.st, op.fs->attr_timeout);
}

static void nn_access(fuse_req_t req, fuse_ino_t ino, int mask)
{
	struct nn_op op;
	op_init(&op, req, ino);
	op.want = mask;
	fuse_reply_err(req, -run(req, &op, nn_do_access));
}

static void nn_readlink(fuse_req_t req, fuse_ino_t ino)
{
	struct nn_op op;
	struct nn_pending *pe;
	op_init(&op, req, ino);
	if (op.node.kind == NN_PENDING) {
		if ((pe = pend_of(op.fs, &op.node)))
			fuse_reply_readlink(req, pe->target);
		else
			fuse_reply_err(req, ENOENT);
		return;
	}
	if (run(req, &op, nn_do_readlink))
		fuse_reply_err(req, -op.err);
	else
		fuse_reply_readlink(req, op.buf);
	free(op.buf);
}

static void nn_mkdir(fuse_req_t req, fuse_ino_t parent, const char *name, mode_t mode)
{
	struct nn_op op;
	op_init(&op, req, parent);
	op.name = name;
	op.mode = mode;
	if (memo_dirop(req, &op, true))
		return;
	if (run(req, &op, nn_do_mkdir))
		fuse_reply_err(req, -op.err);
	else
		reply_entry(req, &op);
}

static void nn_rmdir(fuse_req_t req, fuse_ino_t parent, const char *name)
{
	struct nn_op op;
	op_init(&op, req, parent);
	op.name = name;
	if (memo_dirop(req, &op, false))
		return;
	fuse_reply_err(req, -run(req, &op, nn_do_rmdir));
}

static void nn_symlink(fuse_req_t req, const char *link, fuse_ino_t parent, const char *name)
{
	struct nn_op op;
	op_init(&op, req, parent);
	op.name = name;
	op.text = link;
	if (pend_dir(&op.node) && !is_ifname(op.fs, name) && strcmp(name, "sockets") != 0)
		make_pending(req, &op, link, name);
	else if (memo_link(req, &op, true))
		;
	else if (run(req, &op, nn_do_symlink))
		fuse_reply_err(req, -op.err);
	else
		reply_entry(req, &op);
}

static void nn_unlink(fuse_req_t req, fuse_ino_t parent, const char *name)
{
	struct nn_op op;
	struct nn_pending *pe;
	op_init(&op, req, parent);
	op.name = name;
	if (pend_dir(&op.node) && (pe = pend_find(op.fs, &op.node, name))) {
		if (op.cred.uid != 0 && op.cred.uid != pe->uid) {
			fuse_reply_err(req, EPERM);
			return;
		}
		pend_free(pe);
		fuse_reply_err(req, 0);
		return;
	}
	if (memo_link(req, &op, false))
		return;
	fuse_reply_err(req, -run(req, &op, nn_do_unlink));
}

/* Nothing but mkdir and ln -s creates names here. */
static void nn_mknod(fuse_req_t req, fuse_ino_t parent, const char *name, mode_t mode, dev_t rdev)
{
	(void)parent; (void)name; (void)mode; (void)rdev;
	fuse_reply_err(req, EPERM);
}

static void nn_create(fuse_req_t req, fuse_ino_t parent, const char *name, mode_t mode,
		      struct fuse_file_info *fi)
{
	(void)parent; (void)name; (void)mode; (void)fi;
	fuse_reply_err(req, EPERM);
}

static void nn_link(fuse_req_t req, fuse_ino_t ino, fuse_ino_t newparent, const char *newname)
{
	(void)ino; (void)newparent; (void)newname;
	fuse_reply_err(req, EPERM);
}

/* Renaming a temporary link onto PID/IF or PID/sockets/FD/IF attaches, with
 * the rules of ln -s (rule 3) but over an existing link: `ln -sf` re-attaches.
 * VIFs are not renamed. */
static void nn_rename(fuse_req_t req, fuse_ino_t parent, const char *name, fuse_ino_t newparent,
		      const char *newname, unsigned int flags)
{
	struct nn_op op;
	struct nn_pending *pe;
	op_init(&op, req, parent);
	if (parent != newparent || flags != 0 || !pend_dir(&op.node) ||
	    !(pe = pend_find(op.fs, &op.node, name)) || !is_ifname(op.fs, newname)) {
		fuse_reply_err(req, EPERM);
		return;
	}
	op.name = newname;
	op.text = pe->target;
	op.replace = true;
	if (run(req, &op, nn_do_symlink) == 0)
		pend_free(pe);
	fuse_reply_err(req, -op.err);
}

/* Opens and directories the kernel holds are listed in fs (nn_free_opens). */
static void fh_free(struct nn_fh *fh, bool ended);
static void dir_free(struct nn_dir *d);

static void nn_open(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	struct nn_op op;
	op_init(&op, req, ino);
	op.want = fi->flags;
	op.fh = calloc(1, sizeof *op.fh);
	if (!op.fh) {
		fuse_reply_err(req, ENOMEM);
		return;
	}
	int acc = fi->flags & O_ACCMODE;
	if (op.cred.uid == 0 && op.node.kind == NN_PARAM && op.node.row < nn_nrows) {
		/* Root passes every mode check: nothing to ask the tree. The
		 * first read takes the text, a write finds out if the VIF has gone. */
		if (acc != O_RDONLY && !nn_rows[op.node.row].write) {
			free(op.fh);
			fuse_reply_err(req, EACCES);
			return;
		}
		op.fh->node = op.node;
		op.fh->readable = acc != O_WRONLY;
	} else if (run(req, &op, nn_do_open)) {
		free(op.fh->text);
		free(op.fh);
		fuse_reply_err(req, -op.err);
		return;
	}
	if (op.node.row < nn_nrows && nn_rows[op.node.row].stream) {
		int r = nn_port_open(req, op.fs, op.fh, fi->flags);
		if (r) {
			free(op.fh->text);
			free(op.fh);
			fuse_reply_err(req, -r);
			return;
		}
		fi->nonseekable = 1;     /* a stream from the open onward */
	}
	fi->fh = (uint64_t)(uintptr_t)op.fh;
	fi->direct_io = 1;     /* values are live: no page cache */
	/* FLUSH only where a close may have a value to apply: one round trip
	 * less per close everywhere else (port's included). */
	fi->noflush = !(acc != O_RDONLY && op.node.row < nn_nrows && nn_rows[op.node.row].incomplete &&
			!nn_rows[op.node.row].stream);
	LIST_INSERT_HEAD(&op.fs->fhs, op.fh, link);
	if (fuse_reply_open(req, fi) != 0)     /* not delivered: no release will come */
		fh_free(op.fh, false);
}

static void fh_free(struct nn_fh *fh, bool ended)
{
	LIST_REMOVE(fh, link);
	if (fh->port)
		nn_port_release(fh, ended);
	free(fh->text);
	free(fh->wbuf);
	free(fh);
}

static void dir_free(struct nn_dir *d)
{
	LIST_REMOVE(d, link);
	free(d->e);
	free(d);
}

void nn_free_opens(struct vn_nnfs *fs)
{
	while (!LIST_EMPTY(&fs->fhs))
		fh_free(LIST_FIRST(&fs->fhs), true);
	while (!LIST_EMPTY(&fs->dirs))
		dir_free(LIST_FIRST(&fs->dirs));
}

static void nn_read(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
		    struct fuse_file_info *fi)
{
	struct nn_fh *fh = (struct nn_fh *)(uintptr_t)fi->fh;
	struct nn_op op;
	if (fh->port) {
		nn_port_read(req, fh, size, fi);
		return;
	}
	op_init(&op, req, ino);
	op.fh = fh;
	if (!fh->readable) {            /* opened write-only */
		fuse_reply_err(req, EBADF);
		return;
	}
	if ((!fh->text || (off == 0 && !fh->fresh)) && !memo_read(op.fs, fh) &&
	    run(req, &op, nn_do_refresh)) {
		fuse_reply_err(req, -op.err);
		return;
	}
	fh->fresh = false;
	if (off < 0 || (size_t)off >= fh->len)
		fuse_reply_buf(req, NULL, 0);
	else
		fuse_reply_buf(req, fh->text + off, fh->len - (size_t)off < size ?
			       fh->len - (size_t)off : size);
}

/* Writes of one open accumulate from offset 0 (a shell's printf may split
 * `conf` at its newlines; cp may write a class in pieces). A text that can be
 * whole is applied at once, with the error in write(2); a rejected value
 * changes nothing, and a later, longer write may still complete it. A text
 * that cannot be whole yet (the row's `incomplete`, nn_accum.c) is kept, and
 * applied by a later write or at close (nn_flush). */
static void nn_write(fuse_req_t req, fuse_ino_t ino, const char *buf, size_t size, off_t off,
		     struct fuse_file_info *fi)
{
	struct nn_op op;
	struct nn_fh *fh = (struct nn_fh *)(uintptr_t)fi->fh;
	if (fh->port) {                  /* one packet per write, offsets mean nothing */
		nn_port_write(req, fh, buf, size);
		return;
	}
	op_init(&op, req, ino);
	op.fh = fh;
	if (off == 0 || (fi->flags & O_APPEND)) {
		fh->wlen = 0;
		fh->pending = false;
	} else if ((size_t)off != fh->wlen) {
		fuse_reply_err(req, EINVAL);     /* holes and rewrites make no value */
		return;
	}
	if (size > NN_WRITE_MAX - fh->wlen) {
		fuse_reply_err(req, EFBIG);
		return;
	}
	if (fh->wlen + size > fh->wcap) {
		size_t cap = fh->wcap ? fh->wcap : 256;
		while (cap < fh->wlen + size)
			cap *= 2;
		char *nb = realloc(fh->wbuf, cap);
		if (!nb) {
			fuse_reply_err(req, ENOMEM);
			return;
		}
		fh->wbuf = nb;
		fh->wcap = cap;
	}
	memcpy(fh->wbuf + fh->wlen, buf, size);
	op.text = fh->wbuf;
	op.len = fh->wlen + size;
	const struct nn_row *row = fh->node.row < nn_nrows ? &nn_rows[fh->node.row] : NULL;
	int err;
	if (memo_write(op.fs, fh, op.text, op.len, &err)) {
		if (err) {
			fuse_reply_err(req, -err);
			return;
		}
		fh->wlen += size;
		fh->pending = false;
		fuse_reply_write(req, size);
		return;
	}
	if (row && row->incomplete && row->incomplete(op.text, op.len)) {
		fh->wlen += size;               /* more to come, or close applies it */
		fh->pending = true;
		fh->wcred = op.cred;
		fuse_reply_write(req, size);
		return;
	}
	if (run(req, &op, nn_do_write)) {
		fuse_reply_err(req, -op.err);
		return;
	}
	fh->wlen += size;
	fh->pending = false;
	fuse_reply_write(req, size);
}

/* Apply what an open has written and not applied (see nn_write). 0 or -errno. */
static int apply_pending(fuse_req_t req, fuse_ino_t ino, struct nn_fh *fh)
{
	struct nn_op op;
	if (!fh->pending)
		return 0;
	fh->pending = false;     /* once: a refused value is not retried at release */
	op_init(&op, req, ino);
	op.cred = fh->wcred;
	op.fh = fh;
	op.text = fh->wbuf;
	op.len = fh->wlen;
	return run(req, &op, nn_do_write);
}

/* close(2) of a descriptor of the open: a value still waiting is applied, and
 * its error is close's. Sent only for opens that may have one (nn_open sets
 * noflush on the others). */
static void nn_flush(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	struct nn_fh *fh = (struct nn_fh *)(uintptr_t)fi->fh;
	fuse_reply_err(req, fh && !fh->port ? -apply_pending(req, ino, fh) : 0);
}

static void nn_release(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	struct nn_fh *fh = (struct nn_fh *)(uintptr_t)fi->fh;
	if (fh) {
		if (!fh->port)
			apply_pending(req, ino, fh);    /* no flush came: nobody to tell */
		fh_free(fh, false);
	}
	fuse_reply_err(req, 0);
}

/* Value files are always ready; a port is readable when its stream has
 * data (nn_port.c keeps the handle and notifies). */
static void nn_poll(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi,
		   struct fuse_pollhandle *ph)
{
	struct nn_fh *fh = (struct nn_fh *)(uintptr_t)fi->fh;
	(void)ino;
	if (fh && fh->port) {
		nn_port_poll(req, fh, ph);
		return;
	}
	if (ph)
		fuse_pollhandle_destroy(ph);
	fuse_reply_poll(req, POLLIN | POLLRDNORM | POLLOUT | POLLWRNORM);
}

static void nn_opendir(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	struct nn_op op;
	op_init(&op, req, ino);
	op.dir = calloc(1, sizeof *op.dir);
	if (!op.dir) {
		fuse_reply_err(req, ENOMEM);
		return;
	}
	if (run(req, &op, nn_do_opendir)) {
		free(op.dir->e);
		free(op.dir);
		fuse_reply_err(req, -op.err);
		return;
	}
	fi->fh = (uint64_t)(uintptr_t)op.dir;
	LIST_INSERT_HEAD(&op.fs->dirs, op.dir, link);
	if (fuse_reply_open(req, fi) != 0)
		dir_free(op.dir);
}

static void nn_readdir(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
		       struct fuse_file_info *fi)
{
	struct nn_dir *d = (struct nn_dir *)(uintptr_t)fi->fh;
	char *buf = malloc(size ? size : 1);
	size_t used = 0;
	(void)ino;

	if (!buf) {
		fuse_reply_err(req, ENOMEM);
		return;
	}
	for (size_t i = off < 0 ? 0 : (size_t)off; i < d->n; i++) {
		struct stat st = {.st_ino = d->e[i].ino, .st_mode = d->e[i].type};
		size_t need = fuse_add_direntry(req, buf + used, size - used, d->e[i].name, &st,
						(off_t)(i + 1));
		if (need > size - used)
			break;
		used += need;
	}
	fuse_reply_buf(req, buf, used);
	free(buf);
}

static void nn_releasedir(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	struct nn_dir *d = (struct nn_dir *)(uintptr_t)fi->fh;
	(void)ino;
	if (d)
		dir_free(d);
	fuse_reply_err(req, 0);
}

static void nn_statfs(fuse_req_t req, fuse_ino_t ino)
{
	struct statvfs sv = {.f_bsize = 4096, .f_frsize = 4096, .f_namemax = VN_NAME_MAX};
	(void)ino;
	fuse_reply_statfs(req, &sv);
}

static const struct fuse_lowlevel_ops nn_ops = {
	.init = nn_init,
	.lookup = nn_lookup,
	.forget = nn_forget,
	.getattr = nn_getattr,
	.setattr = nn_setattr,
	.access = nn_access,
	.readlink = nn_readlink,
	.mknod = nn_mknod,
	.mkdir = nn_mkdir,
	.unlink = nn_unlink,
	.rmdir = nn_rmdir,
	.symlink = nn_symlink,
	.rename = nn_rename,
	.link = nn_link,
	.create = nn_create,
	.open = nn_open,
	.read = nn_read,
	.write = nn_write,
	.flush = nn_flush,
	.release = nn_release,
	.poll = nn_poll,
	.opendir = nn_opendir,
	.readdir = nn_readdir,
	.releasedir = nn_releasedir,
	.statfs = nn_statfs,
};

struct fuse_session *nn_session_new(struct fuse_args *args, struct vn_nnfs *fs)
{
	return fuse_session_new(args, &nn_ops, sizeof nn_ops, fs);
}
