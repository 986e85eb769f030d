/* nnfs — the FUSE low-level operations.
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
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "nn_backend.h"
#include "nn_ino.h"
#include "nn_link.h"
#include "nn_params.h"
#include "nn_perm.h"
#include "nnfs_int.h"
#include "vn_param.h"
#include "vn_vif.h"

#define NN_LINK_DEPTH_PID 1   /* PID/IF -> ../network/... */
#define NN_LINK_DEPTH_FD 3    /* PID/sockets/FD/IF -> ../../../network/... */

/* One directory entry of a readdir snapshot. */
struct nn_dirent {
	char name[VN_NAME_MAX + 1];
	uint64_t ino;
	unsigned type;            /* S_IFDIR ... */
};

struct nn_dir {
	size_t n, cap;
	struct nn_dirent *e;
};

/* An open parameter file: which file, and the text read at open (refreshed by
 * every read at offset 0, so a reader that seeks back sees live values). */
struct nn_fh {
	struct nn_node node;
	char *text;
	size_t len;
	bool fresh;        /* text just taken by open: the first read needs no refresh */
	bool readable;     /* opened for reading */
};

/* Everything one request carries to the tree's thread and back. */
struct nn_op {
	struct vn_nnfs *fs;
	struct nn_cred cred;
	struct nn_node node;          /* the inode, or the parent for name ops */
	const char *name;
	const char *text;             /* symlink target, write data */
	size_t len;
	int want;                     /* access mask, open flags */
	unsigned mode;
	int to_set;
	bool replace;                 /* symlink: a rename over the existing link */
	struct stat in;               /* setattr values */
	struct nn_fh *fh;
	struct nn_dir *dir;
	/* results */
	int err;                      /* 0, -errno or NN_NEED_GROUPS */
	struct nn_node out;           /* the node found or made */
	struct stat st;
	char *buf;                    /* readlink text (malloc'd) */
};

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

static void stat_dir(struct vn_nnfs *fs, struct stat *st, unsigned mode, uid_t uid, gid_t gid,
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
		stat_dir(fs, st, 0555, 0, 0, 3);
		return 0;
	case NN_NETWORK:
		stat_dir(fs, st, 0555, 0, 0, 2 + be->ntrees(be->ctx));
		return 0;
	case NN_VIF:
		if (!(v = vif_of(fs, n)))
			return -ENOENT;
		stat_dir(fs, st, vn_vif_mode(v) & 07777, vn_vif_uid(v), vn_vif_gid(v),
			 2 + vn_vif_nchildren(v));
		return 0;
	case NN_PARAM:
		if (n->row >= nn_nrows || !(v = vif_of(fs, n)))
			return -ENOENT;
		stat_dir(fs, st, 0, vn_vif_uid(v), vn_vif_gid(v), 1);
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
		stat_dir(fs, st, 0555, uid, gid, 2);
		return 0;
	case NN_FD:
		if (be->proc(be->ctx, (pid_t)n->pid, &uid, &gid) < 0 ||
		    be->sock(be->ctx, (pid_t)n->pid, (int)n->fd) < 0)
			return -ENOENT;
		stat_dir(fs, st, 0555, uid, gid, 2);
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
		stat_dir(fs, st, 0, uid, gid, 1);
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

static void do_lookup(void *arg)
{
	struct nn_op *op = arg;
	op->err = find_child(op);
}

static void do_getattr(void *arg)
{
	struct nn_op *op = arg;
	op->err = node_stat(op->fs, &op->node, &op->st);
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

static void do_setattr(void *arg)
{
	struct nn_op *op = arg;
	struct vn_vif *v;
	uid_t uid;
	gid_t gid;
	unsigned mode;

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
	if (op->err == 0)
		op->err = node_stat(op->fs, &op->node, &op->st);
}

static void do_access(void *arg)
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

static void do_readlink(void *arg)
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

static void do_mkdir(void *arg)
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
	r = vn_vif_create(p, op->name, op->cred.uid, op->cred.gid, op->mode & 0777, &v);
	if (r) {
		op->err = r == -EMLINK ? -EMLINK : r;
		return;
	}
	op->out = (struct nn_node){.kind = NN_VIF, .tree = op->node.tree, .vif = vn_vif_id(v)};
	op->err = node_stat(op->fs, &op->out, &op->st);
}

static void do_rmdir(void *arg)
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
	op->err = vn_vif_remove(v);
}

/* ln -s TARGET PID/IF or PID/sockets/FD/IF */
static void do_symlink(void *arg)
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
	r = sock ? be->sock_attach(be->ctx, (pid_t)op->node.pid, (int)op->node.fd, (size_t)t, target)
		 : be->proc_attach(be->ctx, (pid_t)op->node.pid, (size_t)t, target);
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
		stat_dir(fs, &op->st, 0, uid, gid, 1);
		op->st.st_mode = S_IFLNK | 0777;
		op->st.st_ino = nn_ino_make(&op->out);
	}
}

/* rm PID/IF, rm PID/sockets/FD/IF: detach */
static void do_unlink(void *arg)
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
	op->err = op->out.kind == NN_PIDLINK
		? be->proc_attach(be->ctx, (pid_t)op->out.pid, op->out.tree, NULL)
		: be->sock_attach(be->ctx, (pid_t)op->out.pid, (int)op->out.fd, op->out.tree, NULL);
}

static void do_open(void *arg)
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

static void do_refresh(void *arg)
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

static void do_write(void *arg)
{
	struct nn_op *op = arg;
	struct vn_vif *v = vif_of(op->fs, &op->fh->node);
	const struct nn_row *row = &nn_rows[op->fh->node.row];

	if (!v) {
		op->err = -ENOENT;
		return;
	}
	op->err = row->write ? row->write(row, v, op->text, op->len, op->fs->be.now(op->fs->be.ctx))
			     : -EACCES;
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

static void do_opendir(void *arg)
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

static void do_cache_ifs(void *arg)
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
	return fs->be.call(fs->be.ctx, do_cache_ifs, fs);
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
			stat_dir(fs, &op->st, 0755, 0, 0, 2);
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
			stat_dir(fs, &op->st, 0, 0, 0, 1);
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
		stat_dir(fs, &op->st, 0555, 0, 0, 3);
	else
		stat_dir(fs, &op->st, 0555, 0, 0, 2 + fs->nifs);
	op->st.st_ino = nn_ino_make(&n);
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
	stat_dir(fs, st, 0, pe->uid, pe->gid, 1);
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
	if (run(req, op, do_getattr)) {        /* the process and its uid */
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
	else if (run(req, &op, do_lookup))
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
	(void)fi;
	op_init(&op, req, ino);
	if (op.node.kind == NN_PENDING) {
		if ((pe = pend_of(op.fs, &op.node))) {
			pend_stat(op.fs, pe, &op.st);
			fuse_reply_attr(req, &op.st, op.fs->attr_timeout);
		} else {
			fuse_reply_err(req, ENOENT);
		}
	} else if (static_node(&op, NULL))
		fuse_reply_attr(req, &op.st, op.fs->attr_timeout);
	else if (run(req, &op, do_getattr))
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
	if (run(req, &op, do_setattr))
		fuse_reply_err(req, -op.err);
	else
		fuse_reply_attr(req, &op.st, op.fs->attr_timeout);
}

static void nn_access(fuse_req_t req, fuse_ino_t ino, int mask)
{
	struct nn_op op;
	op_init(&op, req, ino);
	op.want = mask;
	fuse_reply_err(req, -run(req, &op, do_access));
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
	if (run(req, &op, do_readlink))
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
	if (run(req, &op, do_mkdir))
		fuse_reply_err(req, -op.err);
	else
		reply_entry(req, &op);
}

static void nn_rmdir(fuse_req_t req, fuse_ino_t parent, const char *name)
{
	struct nn_op op;
	op_init(&op, req, parent);
	op.name = name;
	fuse_reply_err(req, -run(req, &op, do_rmdir));
}

static void nn_symlink(fuse_req_t req, const char *link, fuse_ino_t parent, const char *name)
{
	struct nn_op op;
	op_init(&op, req, parent);
	op.name = name;
	op.text = link;
	if (pend_dir(&op.node) && !is_ifname(op.fs, name) && strcmp(name, "sockets") != 0)
		make_pending(req, &op, link, name);
	else if (run(req, &op, do_symlink))
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
	fuse_reply_err(req, -run(req, &op, do_unlink));
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
	if (run(req, &op, do_symlink) == 0)
		pend_free(pe);
	fuse_reply_err(req, -op.err);
}

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
	} else if (run(req, &op, do_open)) {
		free(op.fh->text);
		free(op.fh);
		fuse_reply_err(req, -op.err);
		return;
	}
	fi->fh = (uint64_t)(uintptr_t)op.fh;
	fi->direct_io = 1;     /* values are live: no page cache */
	if (fuse_reply_open(req, fi) != 0) {   /* not delivered: no release will come */
		free(op.fh->text);
		free(op.fh);
	}
}

static void nn_read(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
		    struct fuse_file_info *fi)
{
	struct nn_fh *fh = (struct nn_fh *)(uintptr_t)fi->fh;
	struct nn_op op;
	op_init(&op, req, ino);
	op.fh = fh;
	if (!fh->readable) {            /* opened write-only */
		fuse_reply_err(req, EBADF);
		return;
	}
	if ((!fh->text || (off == 0 && !fh->fresh)) && run(req, &op, do_refresh)) {
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

static void nn_write(fuse_req_t req, fuse_ino_t ino, const char *buf, size_t size, off_t off,
		     struct fuse_file_info *fi)
{
	struct nn_op op;
	(void)off;     /* each write(2) is one whole value, wherever the offset is */
	op_init(&op, req, ino);
	op.fh = (struct nn_fh *)(uintptr_t)fi->fh;
	op.text = buf;
	op.len = size;
	if (run(req, &op, do_write))
		fuse_reply_err(req, -op.err);
	else
		fuse_reply_write(req, size);
}

static void nn_release(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	struct nn_fh *fh = (struct nn_fh *)(uintptr_t)fi->fh;
	(void)ino;
	if (fh) {
		free(fh->text);
		free(fh);
	}
	fuse_reply_err(req, 0);
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
	if (run(req, &op, do_opendir)) {
		free(op.dir->e);
		free(op.dir);
		fuse_reply_err(req, -op.err);
		return;
	}
	fi->fh = (uint64_t)(uintptr_t)op.dir;
	if (fuse_reply_open(req, fi) != 0) {
		free(op.dir->e);
		free(op.dir);
	}
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
	if (d) {
		free(d->e);
		free(d);
	}
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
	.release = nn_release,
	.opendir = nn_opendir,
	.readdir = nn_readdir,
	.releasedir = nn_releasedir,
	.statfs = nn_statfs,
};

struct fuse_session *nn_session_new(struct fuse_args *args, struct vn_nnfs *fs)
{
	return fuse_session_new(args, &nn_ops, sizeof nn_ops, fs);
}
