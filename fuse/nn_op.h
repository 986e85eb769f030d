/* nn_op — one nnfs request on its way to the tree's thread and back.
 *
 * A FUSE handler (nnfs.c) fills a struct nn_op from its request, runs one
 * nn_do_* function on the tree's thread through the backend's `call`, and
 * replies from what that function left in it. The nn_do_* functions
 * (nn_tree.c) are the only code that touches trees and the registry. */
#ifndef NN_OP_H
#define NN_OP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "nn_ino.h"
#include "nn_perm.h"
#include "nnfs_int.h"
#include "vn_param.h"

#define NN_LINK_DEPTH_PID 1   /* PID/IF -> ../network/... */
#define NN_LINK_DEPTH_FD 3    /* PID/sockets/FD/IF -> ../../../network/... */

struct nn_port_open;

/* One directory entry of a readdir snapshot. */
struct nn_dirent {
	char name[VN_NAME_MAX + 1];
	uint64_t ino;
	unsigned type;            /* S_IFDIR ... */
};

struct nn_dir {
	size_t n, cap;
	struct nn_dirent *e;
	LIST_ENTRY(nn_dir) link;     /* in fs->dirs while the kernel holds it */
};

/* An open parameter file: which file, and the text read at open (refreshed by
 * every read at offset 0, so a reader that seeks back sees live values). */
struct nn_fh {
	struct nn_node node;
	char *text;
	size_t len;
	bool fresh;        /* text just taken by open: the first read needs no refresh */
	bool readable;     /* opened for reading */
	char *wbuf;        /* what this open has written so far (from offset 0) */
	size_t wlen, wcap;
	bool pending;      /* wbuf holds a value not applied yet (nn_row.incomplete) */
	struct nn_cred wcred;   /* of its last writer: whose value close applies */
	struct nn_port_open *port;   /* an open of `port`: a stream, not a value */
	LIST_ENTRY(nn_fh) link;      /* in fs->fhs while the kernel holds the open */
};

/* The most one open may write to a file (a VIFlet class or jar, a filter). */
#define NN_WRITE_MAX (1u << 20)

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
	bool deferred;                /* run by nn_do_deferred: leave the memo alone */
	struct stat in;               /* setattr values */
	struct nn_fh *fh;
	struct nn_dir *dir;
	/* results */
	int err;                      /* 0, -errno or NN_NEED_GROUPS */
	struct nn_node out;           /* the node found or made */
	struct stat st;
	char *buf;                    /* readlink text (malloc'd) */
};

/* Attributes of a directory-like node (mode without S_IFDIR) with the mount's times. */
void nn_stat_dir(struct vn_nnfs *fs, struct stat *st, unsigned mode, uid_t uid, gid_t gid,
		 nlink_t nlink);

/* On the tree's thread: each takes its struct nn_op and sets op->err. */
void nn_do_lookup(void *arg);     /* op->name in op->node -> op->out, op->st */
void nn_do_getattr(void *arg);
void nn_do_setattr(void *arg);
void nn_do_access(void *arg);
void nn_do_readlink(void *arg);   /* -> op->buf (malloc'd) */
void nn_do_mkdir(void *arg);
void nn_do_rmdir(void *arg);
void nn_do_symlink(void *arg);    /* attach; op->replace: over an existing link */
void nn_do_unlink(void *arg);     /* detach */
void nn_do_open(void *arg);       /* op->fh */
void nn_do_refresh(void *arg);    /* op->fh's text, again */
void nn_do_write(void *arg);      /* op->text, op->len into op->fh's file */
void nn_do_opendir(void *arg);    /* op->dir */
void nn_do_cache_ifs(void *arg);  /* arg: the struct vn_nnfs */

/* A numeric value write the FUSE thread has decided and answered already
 * (nnfs.c, memo_write), posted to the tree's thread. */
struct nn_posted {
	struct vn_nnfs *fs;
	struct nn_node node;
	size_t len;
	char text[];
};
void nn_do_posted_write(void *arg);   /* frees arg */

/* A mkdir, rmdir, ln -s or rm of PID/IF the FUSE thread has decided from the
 * memo (nnfs.c, memo_defer), deferred to the tree's thread, which runs it as
 * decided (the nn_do_* functions check it all again). Two references: the
 * FUSE thread reads the outcome when it had to wait for it. */
enum nn_defer_kind { NN_DEFER_MKDIR, NN_DEFER_RMDIR, NN_DEFER_SYMLINK, NN_DEFER_UNLINK };
struct nn_deferred {
	struct nn_op op;              /* op.name points at name, op.text at text */
	enum nn_defer_kind kind;
	uint64_t id;                  /* mkdir: the VIF id answered */
	int refs;                     /* atomic */
	bool answered;                /* the FUSE thread answered the decision itself
	                                 (defer_op 1), not what the tree made of it */
	bool otherwise;               /* the tree's thread: it did not come out as decided */
	char *text;                   /* symlink: the target (malloc'd) */
	char name[256];
};
void nn_do_deferred(void *arg);
void nn_deferred_put(struct nn_deferred *d);   /* drop a reference */

#endif
