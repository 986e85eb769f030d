/* nn_tree — the half of every nnfs request that runs on the tree's thread
 * (inside vn_loop_call): resolving nodes, the protection decisions
 * (nn_perm), reading and writing parameter rows (nn_params), attaching
 * through the backend's registry. Nothing here talks to the kernel; only
 * the FUSE_SET_ATTR_* flags come from libfuse. */
#define FUSE_USE_VERSION 314
#include <fuse_lowlevel.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "nn_backend.h"
#include "nn_link.h"
#include "nn_op.h"
#include "nn_params.h"
#include "vn_vif.h"

/* ---------------------------------------------------------------- helpers */

static struct vn_tree *tree_at(struct vn_nnfs *fs, unsigned i)
{
	const struct nn_backend *be = &fs->be;
	return i < be->ntrees(be->ctx) ? be->tree(be->ctx, i) : NULL;
}

/* The tree whose interface is called name, or -1. */
static int tree_named(struct vn_nnfs *fs, const char *name)
{
	size_t n = fs->be.ntrees(fs->be.ctx);
	for (size_t i = 0; i < n && i < NN_TREES_MAX; i++)
		if (strcmp(vn_tree_ifname(fs->be.tree(fs->be.ctx, i)), name) == 0)
			return (int)i;
	return -1;
}

static struct vn_vif *vif_of(struct vn_nnfs *fs, const struct nn_node *n)
{
	struct vn_tree *t = tree_at(fs, n->tree);
	return t ? vn_tree_find_id(t, n->vif) : NULL;
}

static bool parse_uint(const char *s, unsigned max, unsigned *out)
{
	char *end;
	if (!*s || *s < '0' || *s > '9' || (s[0] == '0' && s[1]))
		return false;
	errno = 0;
	unsigned long v = strtoul(s, &end, 10);
	if (*end || errno || v > max)
		return false;
	*out = (unsigned)v;
	return true;
}

/* A process's current VIF on tree i: its attachment, else the root. */
static struct vn_vif *proc_cur(struct vn_nnfs *fs, pid_t pid, unsigned i)
{
	struct vn_vif *v = fs->be.proc_vif(fs->be.ctx, pid, i);
	return v ? v : vn_tree_root(tree_at(fs, i));
}

static struct vn_vif *sock_cur(struct vn_nnfs *fs, pid_t pid, int fd, unsigned i)
{
	struct vn_vif *v = fs->be.sock_vif(fs->be.ctx, pid, fd, i);
	return v ? v : proc_cur(fs, pid, i);
}

/* ------------------------------------------------------------- the memo */

static uint64_t gen_now(struct vn_nnfs *fs)
{
	return nn_gen(fs);
}

/* Before a request changes a tree: is the memo current? */
static bool memo_current(struct vn_nnfs *fs)
{
	uint64_t g = gen_now(fs);
	return g && fs->memo.gen == g;
}

/* After it changed one: at the new generation, keeping what the memo held if
 * it was current before (the caller then puts or drops what it changed, the
 * only change since), else emptied. */
static void memo_changed(struct vn_nnfs *fs, bool was_current)
{
	uint64_t g = gen_now(fs);
	if (!g)
		return;
	if (was_current)
		fs->memo.gen = g;
	else
		nn_memo_at(&fs->memo, g);
}

/* A request looked into VIF v: remember v and its children (once per
 * generation: a listed directory is not listed again). */
static void memo_look(struct vn_nnfs *fs, unsigned tree, const struct vn_vif *v)
{
	uint64_t g = gen_now(fs);
	if (!g || !v)
		return;
	nn_memo_at(&fs->memo, g);
	nn_memo_list(&fs->memo, tree, v);
}

/* A request looked at PID/: remember the process, its links, and the VIFs
 * they point to with their ancestors (for the links' text). */
static void memo_proc(struct vn_nnfs *fs, pid_t pid)
{
	const struct nn_backend *be = &fs->be;
	uint64_t g = gen_now(fs);
	size_t nt = be->ntrees(be->ctx);
	uid_t uid;
	gid_t gid;
	if (!g || nt > NN_MEMO_TREES || be->proc(be->ctx, pid, &uid, &gid) < 0)
		return;
	nn_memo_at(&fs->memo, g);
	struct nn_mproc *e = nn_memo_proc_put(&fs->memo, pid);
	if (!e)
		return;
	e->uid = uid;
	e->gid = gid;
	for (size_t t = 0; t < nt; t++) {
		struct vn_vif *v = be->proc_vif(be->ctx, pid, t);
		e->vif[t] = v ? vn_vif_id(v) : 0;
		for (; v; v = vn_vif_parent(v))
			if (!nn_memo_put(&fs->memo, (unsigned)t, v))
				return;
	}
}

/* The text of a parameter file into a fresh buffer. */
static int row_text(const struct nn_row *row, const struct vn_vif *v, char **out, size_t *len)
{
	char small[256];
	int r = row->read(row, v, small, sizeof small);
	if (r < 0)
		return r;
	char *b = malloc((size_t)r + 1);
	if (!b)
		return -ENOMEM;
	if ((size_t)r < sizeof small)
		memcpy(b, small, (size_t)r + 1);
	else
		row->read(row, v, b, (size_t)r + 1);
	*out = b;
	*len = (size_t)r;
	return 0;
}

static int link_text(struct vn_vif *v, unsigned up, char **out)
{
	char path[NN_LINK_MAX];
	char buf[NN_LINK_MAX];
	vn_vif_path_str(v, path, sizeof path);
	int r = nn_link_format(buf, sizeof buf, up, vn_tree_ifname(vn_vif_tree(v)), path);
	if (r < 0 || (size_t)r >= sizeof buf)
		return -ENAMETOOLONG;
	*out = strdup(buf);
	return *out ? r : -ENOMEM;
}

void nn_stat_dir(struct vn_nnfs *fs, struct stat *st, unsigned mode, uid_t uid, gid_t gid,
		     nlink_t nlink)
{
	st->st_mode = S_IFDIR | mode;
	st->st_uid = uid;
	st->st_gid = gid;
	st->st_nlink = nlink;
	st->st_blksize = 4096;
	st->st_atim = st->st_mtim = st->st_ctim = fs->t0;
}

/* Attributes of a node, or -ENOENT when it no longer exists. On the tree's thread. */
static int node_stat(struct vn_nnfs *fs, const struct nn_node *n, struct stat *st)
{
	const struct nn_backend *be = &fs->be;
	struct vn_vif *v;
	uid_t uid;
	gid_t gid;
	char *text;
	size_t len;

	memset(st, 0, sizeof *st);
	st->st_ino = nn_ino_make(n);
	switch (n->kind) {
	case NN_ROOT:
		nn_stat_dir(fs, st, 0555, 0, 0, 3);
		return 0;
	case NN_NETWORK:
		nn_stat_dir(fs, st, 0555, 0, 0, 2 + be->ntrees(be->ctx));
		return 0;
	case NN_VIF:
		if (!(v = vif_of(fs, n)))
			return -ENOENT;
		nn_stat_dir(fs, st, vn_vif_mode(v) & 07777, vn_vif_uid(v), vn_vif_gid(v),
			 2 + vn_vif_nchildren(v));
		return 0;
	case NN_PARAM:
		if (n->row >= nn_nrows || !(v = vif_of(fs, n)))
			return -ENOENT;
		nn_stat_dir(fs, st, 0, vn_vif_uid(v), vn_vif_gid(v), 1);
		st->st_mode = S_IFREG | nn_file_mode(nn_rows[n->row].mode, vn_vif_mode(v));
		if (!nn_rows[n->row].write)
			st->st_mode &= ~0222u;
		if (row_text(&nn_rows[n->row], v, &text, &len) == 0) {
			st->st_size = (off_t)len;
			free(text);
		}
		return 0;
	case NN_PID:
	case NN_SOCKS:
		if (be->proc(be->ctx, (pid_t)n->pid, &uid, &gid) < 0)
			return -ENOENT;
		nn_stat_dir(fs, st, 0555, uid, gid, 2);
		return 0;
	case NN_FD:
		if (be->proc(be->ctx, (pid_t)n->pid, &uid, &gid) < 0 ||
		    be->sock(be->ctx, (pid_t)n->pid, (int)n->fd) < 0)
			return -ENOENT;
		nn_stat_dir(fs, st, 0555, uid, gid, 2);
		return 0;
	case NN_PIDLINK:
	case NN_FDLINK:
		if (be->proc(be->ctx, (pid_t)n->pid, &uid, &gid) < 0 || !tree_at(fs, n->tree))
			return -ENOENT;
		if (n->kind == NN_PIDLINK)
			v = be->proc_vif(be->ctx, (pid_t)n->pid, n->tree);
		else
			v = be->sock(be->ctx, (pid_t)n->pid, (int)n->fd) < 0 ? NULL :
			    be->sock_vif(be->ctx, (pid_t)n->pid, (int)n->fd, n->tree);
		if (!v)
			return -ENOENT;
		nn_stat_dir(fs, st, 0, uid, gid, 1);
		st->st_mode = S_IFLNK | 0777;
		int r = link_text(v, n->kind == NN_PIDLINK ? NN_LINK_DEPTH_PID : NN_LINK_DEPTH_FD,
				  &text);
		if (r >= 0) {
			st->st_size = r;
			free(text);
		}
		return 0;
	default:
		return -ENOENT;
	}
}

/* Owner, group and mode of a node for permission checks; false if gone. */
static bool node_perm(struct vn_nnfs *fs, const struct nn_node *n, uid_t *uid, gid_t *gid,
		      unsigned *mode)
{
	struct stat st;
	if (n->kind == NN_VIF) {     /* the common case, without building a stat */
		struct vn_vif *v = vif_of(fs, n);
		if (!v)
			return false;
		*uid = vn_vif_uid(v);
		*gid = vn_vif_gid(v);
		*mode = vn_vif_mode(v);
		return true;
	}
	if (node_stat(fs, n, &st) < 0)
		return false;
	*uid = st.st_uid;
	*gid = st.st_gid;
	*mode = st.st_mode & 07777;
	return true;
}

/* ---------------------------------------------- on the tree's thread */

/* name in parent -> op->out and op->st */
static int find_child(struct nn_op *op)
{
	struct vn_nnfs *fs = op->fs;
	const struct nn_backend *be = &fs->be;
	const struct nn_node *p = &op->node;
	struct nn_node *c = &op->out;
	unsigned num;
	int i;

	*c = (struct nn_node){0};
	switch (p->kind) {
	case NN_ROOT:
		if (strcmp(op->name, "network") == 0) {
			c->kind = NN_NETWORK;
			break;
		}
		if (!parse_uint(op->name, NN_PID_MAX, &num) || num == 0)
			return -ENOENT;
		c->kind = NN_PID;
		c->pid = num;
		break;
	case NN_NETWORK:
		if ((i = tree_named(fs, op->name)) < 0)
			return -ENOENT;
		c->kind = NN_VIF;
		c->tree = (unsigned)i;
		c->vif = vn_vif_id(vn_tree_root(be->tree(be->ctx, (size_t)i)));
		break;
	case NN_VIF: {
		struct vn_vif *v = vif_of(fs, p);
		if (!v)
			return -ENOENT;
		int r = nn_perm_mode(&op->cred, vn_vif_uid(v), vn_vif_gid(v), vn_vif_mode(v), X_OK);
		if (r)
			return r;
		c->tree = p->tree;
		if ((i = nn_row_find(op->name)) >= 0) {
			c->kind = NN_PARAM;
			c->row = (unsigned)i;
			c->vif = p->vif;
			break;
		}
		struct vn_vif *ch = vn_vif_child(v, op->name);
		if (!ch)
			return -ENOENT;
		c->kind = NN_VIF;
		c->vif = vn_vif_id(ch);
		break;
	}
	case NN_PID:
		c->pid = p->pid;
		if (strcmp(op->name, "sockets") == 0) {
			c->kind = NN_SOCKS;
			break;
		}
		if ((i = tree_named(fs, op->name)) < 0)
			return -ENOENT;
		c->kind = NN_PIDLINK;
		c->tree = (unsigned)i;
		break;
	case NN_SOCKS:
		if (!parse_uint(op->name, NN_FD_MAX, &num))
			return -ENOENT;
		c->kind = NN_FD;
		c->pid = p->pid;
		c->fd = num;
		break;
	case NN_FD:
		if ((i = tree_named(fs, op->name)) < 0)
			return -ENOENT;
		c->kind = NN_FDLINK;
		c->pid = p->pid;
		c->fd = p->fd;
		c->tree = (unsigned)i;
		break;
	default:
		return -ENOTDIR;
	}
	return node_stat(fs, c, &op->st);
}

void nn_do_lookup(void *arg)
{
	struct nn_op *op = arg;
	op->err = find_child(op);
	if (op->node.kind == NN_VIF)
		memo_look(op->fs, op->node.tree, vif_of(op->fs, &op->node));
	else if (op->node.kind == NN_PID)
		memo_proc(op->fs, (pid_t)op->node.pid);
	else if (op->node.kind == NN_ROOT && op->err == 0 && op->out.kind == NN_PID)
		memo_proc(op->fs, (pid_t)op->out.pid);
}

void nn_do_getattr(void *arg)
{
	struct nn_op *op = arg;
	op->err = node_stat(op->fs, &op->node, &op->st);
	if (op->err == 0 && op->node.kind == NN_VIF && gen_now(op->fs)) {
		nn_memo_at(&op->fs->memo, gen_now(op->fs));
		nn_memo_put(&op->fs->memo, op->node.tree, vif_of(op->fs, &op->node));
	}
}

static int setattr_vif(struct nn_op *op, struct vn_vif *v)
{
	uid_t nuid = (op->to_set & FUSE_SET_ATTR_UID) ? op->in.st_uid : (uid_t)-1;
	gid_t ngid = (op->to_set & FUSE_SET_ATTR_GID) ? op->in.st_gid : (gid_t)-1;
	int r;

	if (op->to_set & FUSE_SET_ATTR_SIZE)
		return -EISDIR;
	if (op->to_set & (FUSE_SET_ATTR_UID | FUSE_SET_ATTR_GID)) {
		r = nn_perm_chown(&op->cred, vn_vif_uid(v), vn_vif_gid(v), nuid, ngid);
		if (r)
			return r;
	}
	if ((op->to_set & FUSE_SET_ATTR_MODE) && (r = nn_perm_chmod(&op->cred, vn_vif_uid(v))))
		return r;
	if (op->to_set & (FUSE_SET_ATTR_ATIME | FUSE_SET_ATTR_MTIME | FUSE_SET_ATTR_CTIME) &&
	    op->cred.uid != 0 && op->cred.uid != vn_vif_uid(v))
		return -EPERM;
	/* decided: apply all at once */
	if (op->to_set & (FUSE_SET_ATTR_UID | FUSE_SET_ATTR_GID))
		vn_vif_set_owner(v, nuid == (uid_t)-1 ? vn_vif_uid(v) : nuid,
				 ngid == (gid_t)-1 ? vn_vif_gid(v) : ngid);
	if (op->to_set & FUSE_SET_ATTR_MODE)
		vn_vif_set_mode(v, op->in.st_mode & 0777);
	return 0;
}

void nn_do_setattr(void *arg)
{
	struct nn_op *op = arg;
	struct vn_vif *v;
	uid_t uid;
	gid_t gid;
	unsigned mode;
	bool memo_was = memo_current(op->fs);

	if (op->node.kind == NN_VIF) {
		if (!(v = vif_of(op->fs, &op->node))) {
			op->err = -ENOENT;
			return;
		}
		op->err = setattr_vif(op, v);
	} else if (op->node.kind == NN_PARAM) {
		if (!node_perm(op->fs, &op->node, &uid, &gid, &mode)) {
			op->err = -ENOENT;
			return;
		}
		/* A value file's owner and mode are its VIF's (nn_file_mode). So
		 * chown of the file is chown of its VIF, by the same rules, and
		 * chmod of the file is accepted only when it asks for the mode the
		 * file already has (what `chmod -R` does after the directory) -
		 * anything else is EPERM rather than silently ignored. Truncation
		 * and times are no-ops for whoever may write the file (`> file`,
		 * `touch`). */
		const struct nn_row *row = &nn_rows[op->node.row];
		int ids = op->to_set & (FUSE_SET_ATTR_MODE | FUSE_SET_ATTR_UID | FUSE_SET_ATTR_GID);
		if (op->to_set & FUSE_SET_ATTR_MODE) {
			unsigned want = nn_file_mode(row->mode, op->in.st_mode & 0777);
			if (!row->write)
				want &= ~0222u;
			if (op->cred.uid != 0 && op->cred.uid != uid)
				op->err = -EPERM;
			else if (want != mode || (op->in.st_mode & 07111))
				op->err = -EPERM;
			if (op->err)
				return;
		}
		if (op->to_set & (FUSE_SET_ATTR_UID | FUSE_SET_ATTR_GID)) {
			struct nn_op vop = *op;
			vop.to_set = op->to_set & (FUSE_SET_ATTR_UID | FUSE_SET_ATTR_GID);
			if ((op->err = setattr_vif(&vop, vif_of(op->fs, &op->node))))
				return;
		}
		if (!(op->to_set & ~ids))
			op->err = 0;
		else if (!row->write)
			op->err = -EACCES;
		else
			op->err = nn_perm_mode(&op->cred, uid, gid, mode, W_OK);
	} else {
		op->err = node_stat(op->fs, &op->node, &op->st) < 0 ? -ENOENT : -EPERM;
	}
	if (op->err == 0 && (v = vif_of(op->fs, &op->node)) && gen_now(op->fs)) {
		memo_changed(op->fs, memo_was);      /* the VIF's owner or mode */
		nn_memo_put(&op->fs->memo, op->node.tree, v);
	}
	if (op->err == 0)
		op->err = node_stat(op->fs, &op->node, &op->st);
}

void nn_do_access(void *arg)
{
	struct nn_op *op = arg;
	uid_t uid;
	gid_t gid;
	unsigned mode;

	if (!node_perm(op->fs, &op->node, &uid, &gid, &mode)) {
		op->err = -ENOENT;
		return;
	}
	if ((op->want & W_OK) && op->node.kind == NN_PARAM && !nn_rows[op->node.row].write) {
		op->err = -EACCES;
		return;
	}
	op->err = op->want == F_OK ? 0 : nn_perm_mode(&op->cred, uid, gid, mode, op->want);
}

void nn_do_readlink(void *arg)
{
	struct nn_op *op = arg;
	const struct nn_backend *be = &op->fs->be;
	const struct nn_node *n = &op->node;
	struct vn_vif *v = NULL;

	if (n->kind != NN_PIDLINK && n->kind != NN_FDLINK) {
		op->err = -EINVAL;
		return;
	}
	if (be->proc(be->ctx, (pid_t)n->pid, &(uid_t){0}, &(gid_t){0}) == 0 && tree_at(op->fs, n->tree)) {
		if (n->kind == NN_PIDLINK)
			v = be->proc_vif(be->ctx, (pid_t)n->pid, n->tree);
		else if (be->sock(be->ctx, (pid_t)n->pid, (int)n->fd) == 0)
			v = be->sock_vif(be->ctx, (pid_t)n->pid, (int)n->fd, n->tree);
	}
	if (!v) {
		op->err = -ENOENT;
		return;
	}
	int r = link_text(v, n->kind == NN_PIDLINK ? NN_LINK_DEPTH_PID : NN_LINK_DEPTH_FD, &op->buf);
	op->err = r < 0 ? r : 0;
}

void nn_do_mkdir(void *arg)
{
	struct nn_op *op = arg;
	struct vn_vif *p, *v;
	int r;

	if (op->node.kind != NN_VIF) {
		op->err = op->node.kind == NN_ROOT || op->node.kind == NN_NETWORK ||
			  op->node.kind == NN_PID || op->node.kind == NN_SOCKS ||
			  op->node.kind == NN_FD ? -EPERM : -ENOTDIR;
		return;
	}
	if (!(p = vif_of(op->fs, &op->node))) {
		op->err = -ENOENT;
		return;
	}
	/* the order of mkdir(2): existence, then permission, then the name */
	if (nn_row_find(op->name) >= 0 || vn_vif_child(p, op->name)) {
		op->err = -EEXIST;
		return;
	}
	r = nn_perm_mode(&op->cred, vn_vif_uid(p), vn_vif_gid(p), vn_vif_mode(p), W_OK | X_OK);
	if (r) {
		op->err = r;
		return;
	}
	if (strlen(op->name) > VN_NAME_MAX) {
		op->err = -ENAMETOOLONG;
		return;
	}
	bool memo_was = memo_current(op->fs);
	r = vn_vif_create(p, op->name, op->cred.uid, op->cred.gid, op->mode & 0777, &v);
	if (r) {
		op->err = r;
		return;
	}
	if (!op->deferred && gen_now(op->fs)) {
		memo_changed(op->fs, memo_was);
		nn_memo_put(&op->fs->memo, op->node.tree, v);
		nn_memo_put(&op->fs->memo, op->node.tree, p);
	}
	op->out = (struct nn_node){.kind = NN_VIF, .tree = op->node.tree, .vif = vn_vif_id(v)};
	op->err = node_stat(op->fs, &op->out, &op->st);
}

void nn_do_rmdir(void *arg)
{
	struct nn_op *op = arg;
	struct vn_vif *p, *v;
	int r;

	switch (op->node.kind) {
	case NN_VIF:
		break;
	case NN_NETWORK:      /* an interface's root VIF */
		op->err = tree_named(op->fs, op->name) >= 0 ? -EBUSY : -ENOENT;
		return;
	case NN_ROOT:
		op->err = strcmp(op->name, "network") == 0 ? -EBUSY : -EPERM;
		return;
	default:
		op->err = -EPERM;
		return;
	}
	if (!(p = vif_of(op->fs, &op->node))) {
		op->err = -ENOENT;
		return;
	}
	if (!(v = vn_vif_child(p, op->name))) {
		op->err = nn_row_find(op->name) >= 0 ? -ENOTDIR : -ENOENT;
		return;
	}
	r = nn_perm_mode(&op->cred, vn_vif_uid(p), vn_vif_gid(p), vn_vif_mode(p), W_OK | X_OK);
	if (r) {
		op->err = r;
		return;
	}
	/* rule 4 for everybody: the tree refuses a VIF with children */
	bool memo_was = memo_current(op->fs);
	uint64_t id = vn_vif_id(v);
	op->err = vn_vif_remove(v);
	if (op->err == 0 && !op->deferred && gen_now(op->fs)) {
		memo_changed(op->fs, memo_was);
		nn_memo_drop(&op->fs->memo, op->node.tree, id);
		nn_memo_put(&op->fs->memo, op->node.tree, p);
		/* its processes are on its parent now (the remove hook) */
		nn_memo_moved(&op->fs->memo, op->node.tree, id, vn_vif_parent(p) ? vn_vif_id(p) : 0);
	}
}

/* ln -s TARGET PID/IF or PID/sockets/FD/IF */
void nn_do_symlink(void *arg)
{
	struct nn_op *op = arg;
	struct vn_nnfs *fs = op->fs;
	const struct nn_backend *be = &fs->be;
	char ifname[VN_NAME_MAX + 1], path[NN_LINK_MAX];
	uid_t uid;
	gid_t gid;
	bool sock = op->node.kind == NN_FD;
	int r, t;

	if (op->node.kind != NN_PID && !sock) {
		op->err = op->node.kind == NN_PARAM ? -ENOTDIR : -EPERM;
		return;
	}
	if (be->proc(be->ctx, (pid_t)op->node.pid, &uid, &gid) < 0 ||
	    (sock && be->sock(be->ctx, (pid_t)op->node.pid, (int)op->node.fd) < 0)) {
		op->err = -ENOENT;
		return;
	}
	if ((t = tree_named(fs, op->name)) < 0) {
		op->err = strcmp(op->name, "sockets") == 0 ? -EEXIST : -EPERM;
		return;
	}
	struct vn_vif *cur_own = sock ? be->sock_vif(be->ctx, (pid_t)op->node.pid, (int)op->node.fd, (size_t)t)
				      : be->proc_vif(be->ctx, (pid_t)op->node.pid, (size_t)t);
	if (cur_own && !op->replace) {
		op->err = -EEXIST;
		return;
	}
	r = nn_link_parse(op->text, sock ? NN_LINK_DEPTH_FD : NN_LINK_DEPTH_PID, fs->mnt,
			  ifname, sizeof ifname, path, sizeof path);
	if (r) {
		op->err = r;
		return;
	}
	if (strcmp(ifname, op->name) != 0) {   /* a link named eth0 must point into eth0 */
		op->err = -EINVAL;
		return;
	}
	struct vn_vif *target = vn_tree_lookup(tree_at(fs, (unsigned)t), path);
	if (!target) {
		op->err = -ENOENT;
		return;
	}
	struct vn_vif *cur = sock ? sock_cur(fs, (pid_t)op->node.pid, (int)op->node.fd, (unsigned)t)
				  : proc_cur(fs, (pid_t)op->node.pid, (unsigned)t);
	if ((r = nn_perm_attach(&op->cred, uid, cur, target))) {
		op->err = r;
		return;
	}
	bool memo_was = memo_current(fs);
	r = sock ? be->sock_attach(be->ctx, (pid_t)op->node.pid, (int)op->node.fd, (size_t)t, target)
		 : be->proc_attach(be->ctx, (pid_t)op->node.pid, (size_t)t, target);
	if (!op->deferred && gen_now(fs)) {
		memo_changed(fs, memo_was);
		memo_proc(fs, (pid_t)op->node.pid);
	}
	if (r) {
		op->err = r;
		return;
	}
	op->out = (struct nn_node){.kind = sock ? NN_FDLINK : NN_PIDLINK, .tree = (unsigned)t,
				   .pid = op->node.pid, .fd = op->node.fd};
	op->err = 0;
	if (node_stat(fs, &op->out, &op->st) < 0) {
		/* attached where it is by default (its process's VIF, the root):
		 * done, and like after rm there is no link to show from now on */
		nn_stat_dir(fs, &op->st, 0, uid, gid, 1);
		op->st.st_mode = S_IFLNK | 0777;
		op->st.st_ino = nn_ino_make(&op->out);
	}
}

/* rm PID/IF, rm PID/sockets/FD/IF: detach */
void nn_do_unlink(void *arg)
{
	struct nn_op *op = arg;
	const struct nn_backend *be = &op->fs->be;
	uid_t uid;
	gid_t gid;
	int r;

	r = find_child(op);
	if (r) {
		op->err = r;
		return;
	}
	switch (op->out.kind) {
	case NN_PIDLINK:
	case NN_FDLINK:
		break;
	case NN_VIF:
	case NN_NETWORK:
	case NN_PID:
	case NN_SOCKS:
	case NN_FD:
		op->err = -EISDIR;
		return;
	default:
		op->err = -EPERM;     /* parameter files are not removable */
		return;
	}
	be->proc(be->ctx, (pid_t)op->out.pid, &uid, &gid);
	if ((r = nn_perm_detach(&op->cred, uid, op->out.kind == NN_FDLINK))) {
		op->err = r;
		return;
	}
	bool memo_was = memo_current(op->fs);
	op->err = op->out.kind == NN_PIDLINK
		? be->proc_attach(be->ctx, (pid_t)op->out.pid, op->out.tree, NULL)
		: be->sock_attach(be->ctx, (pid_t)op->out.pid, (int)op->out.fd, op->out.tree, NULL);
	if (!op->deferred && gen_now(op->fs)) {
		memo_changed(op->fs, memo_was);
		memo_proc(op->fs, (pid_t)op->out.pid);
	}
}

void nn_do_open(void *arg)
{
	struct nn_op *op = arg;
	uid_t uid;
	gid_t gid;
	unsigned mode;
	int acc = op->want & O_ACCMODE, want = 0, r;

	if (op->node.kind != NN_PARAM) {
		op->err = node_stat(op->fs, &op->node, &op->st) < 0 ? -ENOENT : -EISDIR;
		if (op->node.kind == NN_PIDLINK || op->node.kind == NN_FDLINK)
			op->err = -ELOOP;
		return;
	}
	if (!node_perm(op->fs, &op->node, &uid, &gid, &mode)) {
		op->err = -ENOENT;
		return;
	}
	const struct nn_row *row = &nn_rows[op->node.row];
	if (acc != O_WRONLY)
		want |= R_OK;
	if (acc != O_RDONLY) {
		want |= W_OK;
		if (!row->write) {
			op->err = -EACCES;   /* read-only for root too */
			return;
		}
	}
	if ((r = nn_perm_mode(&op->cred, uid, gid, mode, want))) {
		op->err = r;
		return;
	}
	op->fh->node = op->node;
	op->err = 0;
	if (want & R_OK) {
		op->err = row_text(row, vif_of(op->fs, &op->node), &op->fh->text, &op->fh->len);
		op->fh->fresh = true;
		op->fh->readable = true;
	}
}

void nn_do_refresh(void *arg)
{
	struct nn_op *op = arg;
	struct vn_vif *v = vif_of(op->fs, &op->fh->node);
	char *text;
	size_t len;

	if (!v) {
		op->err = -ENOENT;
		return;
	}
	op->err = row_text(&nn_rows[op->fh->node.row], v, &text, &len);
	if (op->err == 0) {
		free(op->fh->text);
		op->fh->text = text;
		op->fh->len = len;
	}
}

void nn_do_write(void *arg)
{
	struct nn_op *op = arg;
	struct vn_vif *v = vif_of(op->fs, &op->fh->node);
	const struct nn_row *row = &nn_rows[op->fh->node.row];

	if (!v) {
		op->err = -ENOENT;
		return;
	}
	vn_time_t now = op->fs->be.now(op->fs->be.ctx);
	if (row->write_as)
		op->err = row->write_as(row, v, op->text, op->len, now, &op->cred);
	else
		op->err = row->write ? row->write(row, v, op->text, op->len, now) : -EACCES;
	/* the memo holds the numeric values: keep them true */
	if (op->err == 0 && nn_row_memo(op->fh->node.row) && memo_current(op->fs) &&
	    nn_memo_vif(&op->fs->memo, op->fh->node.tree, op->fh->node.vif))
		nn_memo_put(&op->fs->memo, op->fh->node.tree, v);
}

void nn_do_deferred(void *arg)
{
	struct nn_deferred *d = arg;
	struct vn_nnfs *fs = d->op.fs;
	uint64_t g0 = fs->be.gen(fs->be.ctx);
	d->op.deferred = true;         /* the memo is the FUSE thread's now */
	switch (d->kind) {
	case NN_DEFER_MKDIR:
		nn_do_mkdir(&d->op);
		break;
	case NN_DEFER_RMDIR:
		nn_do_rmdir(&d->op);
		break;
	case NN_DEFER_SYMLINK:
		nn_do_symlink(&d->op);
		break;
	case NN_DEFER_UNLINK:
		nn_do_unlink(&d->op);
		break;
	}
	/* Nothing else runs meanwhile: all the change is this one's. own
	 * before poison and after the change (nn_gen reads own first). */
	__atomic_add_fetch(&fs->own, fs->be.gen(fs->be.ctx) - g0, __ATOMIC_RELEASE);
	if (d->op.err != 0 || (d->kind == NN_DEFER_MKDIR && d->op.out.vif != d->id)) {
		/* Not as decided: the memo (which may hold the decision) is
		 * refilled. Whether that is wrong depends on what was answered:
		 * the FUSE thread may have seen the count move and answered
		 * with this outcome instead (nn_deferred_put tells). */
		__atomic_add_fetch(&fs->poison, 1, __ATOMIC_RELEASE);
		d->otherwise = true;
	}
	nn_deferred_put(d);
}

void nn_deferred_put(struct nn_deferred *d)
{
	if (__atomic_sub_fetch(&d->refs, 1, __ATOMIC_ACQ_REL) == 0) {
		if (d->answered && d->otherwise) {
			/* answered one thing, the tree made another: a bug, or a
			 * change decided without settling first (the tests look
			 * for this line) */
			static const char *const what[] = {"mkdir", "rmdir", "ln -s", "rm"};
			fprintf(stderr, "nnfs: a deferred %s of %s came out %s\n", what[d->kind], d->name,
				d->op.err ? strerror(-d->op.err) : "with another id");
		}
		free(d->op.buf);
		free(d->text);
		free(d);
	}
}

void nn_do_posted_write(void *arg)
{
	struct nn_posted *pw = arg;
	struct vn_vif *v = vif_of(pw->fs, &pw->node);
	const struct nn_row *row = &nn_rows[pw->node.row];
	/* Checked on the FUSE thread (nn_value_parse): it cannot be refused.
	 * The VIF may have gone since: then there is nothing to set. */
	if (v)
		row->write(row, v, pw->text, pw->len, pw->fs->be.now(pw->fs->be.ctx));
	free(pw);
}

static int dir_add(struct nn_dir *d, const char *name, const struct nn_node *n, unsigned type)
{
	if (d->n == d->cap) {
		size_t cap = d->cap ? 2 * d->cap : 16;
		struct nn_dirent *e = realloc(d->e, cap * sizeof *e);
		if (!e)
			return -ENOMEM;
		d->e = e;
		d->cap = cap;
	}
	struct nn_dirent *e = &d->e[d->n++];
	snprintf(e->name, sizeof e->name, "%s", name);
	e->ino = nn_ino_make(n);
	e->type = type;
	return 0;
}

static int list_pids(struct nn_op *op, struct nn_dir *d)
{
	const struct nn_backend *be = &op->fs->be;
	size_t n = be->pids(be->ctx, NULL, 0);
	pid_t *pids = malloc((n ? n : 1) * sizeof *pids);
	char name[16];
	int r = 0;

	if (!pids)
		return -ENOMEM;
	n = be->pids(be->ctx, pids, n);
	for (size_t i = 0; i < n && r == 0; i++) {
		if (pids[i] <= 0 || (unsigned)pids[i] > NN_PID_MAX)
			continue;
		snprintf(name, sizeof name, "%d", (int)pids[i]);
		r = dir_add(d, name, &(struct nn_node){.kind = NN_PID, .pid = (unsigned)pids[i]}, S_IFDIR);
	}
	free(pids);
	return r;
}

static int list_fds(struct nn_op *op, struct nn_dir *d)
{
	const struct nn_backend *be = &op->fs->be;
	pid_t pid = (pid_t)op->node.pid;
	size_t n = be->fds(be->ctx, pid, NULL, 0);
	int *fds = malloc((n ? n : 1) * sizeof *fds);
	char name[16];
	int r = 0;

	if (!fds)
		return -ENOMEM;
	n = be->fds(be->ctx, pid, fds, n);
	for (size_t i = 0; i < n && r == 0; i++) {
		if (fds[i] < 0 || (unsigned)fds[i] > NN_FD_MAX)
			continue;
		snprintf(name, sizeof name, "%d", fds[i]);
		r = dir_add(d, name, &(struct nn_node){.kind = NN_FD, .pid = (unsigned)pid,
						       .fd = (unsigned)fds[i]}, S_IFDIR);
	}
	free(fds);
	return r;
}

/* the links of a process (fd < 0) or socket on every tree where it has one */
static int list_links(struct nn_op *op, struct nn_dir *d, int fd)
{
	const struct nn_backend *be = &op->fs->be;
	size_t nt = be->ntrees(be->ctx);
	int r = 0;
	for (size_t i = 0; i < nt && i < NN_TREES_MAX && r == 0; i++) {
		struct vn_vif *v = fd < 0 ? be->proc_vif(be->ctx, (pid_t)op->node.pid, i)
					  : be->sock_vif(be->ctx, (pid_t)op->node.pid, fd, i);
		if (!v)
			continue;
		struct nn_node n = {.kind = fd < 0 ? NN_PIDLINK : NN_FDLINK, .tree = (unsigned)i,
				    .pid = op->node.pid, .fd = fd < 0 ? 0 : (unsigned)fd};
		r = dir_add(d, vn_tree_ifname(be->tree(be->ctx, i)), &n, S_IFLNK);
	}
	return r;
}

void nn_do_opendir(void *arg)
{
	struct nn_op *op = arg;
	struct vn_nnfs *fs = op->fs;
	const struct nn_backend *be = &fs->be;
	struct nn_dir *d = op->dir;
	struct stat st;
	int r;

	if ((r = node_stat(fs, &op->node, &st)) < 0) {
		op->err = r;
		return;
	}
	if (!S_ISDIR(st.st_mode)) {
		op->err = -ENOTDIR;
		return;
	}
	if ((r = nn_perm_mode(&op->cred, st.st_uid, st.st_gid, st.st_mode & 0777, R_OK))) {
		op->err = r;
		return;
	}
	uint64_t self = nn_ino_make(&op->node);
	if ((r = dir_add(d, ".", &op->node, S_IFDIR)))
		goto out;
	d->e[d->n - 1].ino = self;
	if ((r = dir_add(d, "..", &op->node, S_IFDIR)))
		goto out;
	switch (op->node.kind) {
	case NN_ROOT:
		r = dir_add(d, "network", &(struct nn_node){.kind = NN_NETWORK}, S_IFDIR);
		if (r == 0)
			r = list_pids(op, d);
		break;
	case NN_NETWORK:
		for (size_t i = 0; i < be->ntrees(be->ctx) && i < NN_TREES_MAX && r == 0; i++) {
			struct vn_tree *t = be->tree(be->ctx, i);
			struct nn_node n = {.kind = NN_VIF, .tree = (unsigned)i,
					    .vif = vn_vif_id(vn_tree_root(t))};
			r = dir_add(d, vn_tree_ifname(t), &n, S_IFDIR);
		}
		break;
	case NN_VIF: {
		struct vn_vif *v = vif_of(fs, &op->node);
		for (unsigned i = 0; i < nn_nrows && r == 0; i++) {
			struct nn_node n = {.kind = NN_PARAM, .tree = op->node.tree, .row = i,
					    .vif = op->node.vif};
			r = dir_add(d, nn_rows[i].name, &n, S_IFREG);
		}
		for (struct vn_vif *c = vn_vif_first_child(v); c && r == 0; c = vn_vif_next_sibling(c)) {
			struct nn_node n = {.kind = NN_VIF, .tree = op->node.tree, .vif = vn_vif_id(c)};
			r = dir_add(d, vn_vif_name(c), &n, S_IFDIR);
		}
		break;
	}
	case NN_PID:
		r = list_links(op, d, -1);
		if (r == 0)
			r = dir_add(d, "sockets", &(struct nn_node){.kind = NN_SOCKS, .pid = op->node.pid},
				    S_IFDIR);
		break;
	case NN_SOCKS:
		r = list_fds(op, d);
		break;
	case NN_FD:
		r = list_links(op, d, (int)op->node.fd);
		break;
	default:
		r = -ENOTDIR;
	}
out:
	op->err = r;
}

void nn_do_cache_ifs(void *arg)
{
	struct vn_nnfs *fs = arg;
	size_t n = fs->be.ntrees(fs->be.ctx);
	fs->nifs = 0;
	for (size_t i = 0; i < n && i < NN_TREES_MAX; i++) {
		struct vn_tree *t = fs->be.tree(fs->be.ctx, i);
		snprintf(fs->ifs[i].name, sizeof fs->ifs[i].name, "%s", vn_tree_ifname(t));
		fs->ifs[i].root = vn_vif_id(vn_tree_root(t));
		fs->nifs++;
	}
}

int nn_cache_ifs(struct vn_nnfs *fs)
{
	return fs->be.call(fs->be.ctx, nn_do_cache_ifs, fs);
}
