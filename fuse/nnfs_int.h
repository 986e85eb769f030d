/* nnfs_int — what the parts of nnfs share (not a public header). */
#ifndef NNFS_INT_H
#define NNFS_INT_H

#include <pthread.h>
#include <sys/queue.h>
#include <stdbool.h>
#include <sys/types.h>
#include <time.h>

#include "nn_backend.h"
#include "nn_ino.h"
#include "nn_memo.h"
#include "vn_param.h"

#define NN_PENDING_MAX 32
#define NN_PENDING_TTL 30            /* seconds a temporary link may live */

struct fuse_session;
struct fuse_buf;
struct fuse_args;
struct nn_port_svc;

struct vn_nnfs {
	struct nn_backend be;
	char *mnt;                   /* absolute, for absolute link targets */
	struct timespec t0;          /* every node's times: when it was mounted */
	double attr_timeout, entry_timeout;
	struct fuse_session *se;
	pthread_t thread;            /* serving, when the backend has no watch */
	bool watched;                /* served on the backend's thread (be.watch) */
	bool ended;                  /* that thread saw the session end */
	struct fuse_buf *buf;        /* its receive buffer */
	dev_t dev;                   /* of the mount: its /sys/fs/fuse connection */
	struct vn_loop *loop;        /* when started by vn_nnfs_start */
	struct nn_port_svc *port;    /* readers of `port` files (nn_port.c) */
	/* Opens the kernel has not released (the serving thread's): freed at
	 * stop, when no RELEASE will come for them any more. */
	LIST_HEAD(, nn_fh) fhs;
	LIST_HEAD(, nn_dir) dirs;
	/* VIF directories as last seen, for lookups and stats without a call:
	 * written inside calls on the trees' thread, read by the FUSE thread
	 * between them while be.gen has not moved (nn_memo.h). */
	struct nn_memo memo;
	/* Changes of the trees made by nnfs's own deferred mkdir, rmdir (the
	 * memo has them already), and a count that moves when one of them did
	 * not come out as decided: both written by the trees' thread (nn_gen). */
	uint64_t own, poison;
	/* The interfaces, fixed for the daemon's life: lookups of "network" and
	 * of an interface's root are answered from here, without a call into
	 * the loop (their attributes come with timeout 0, so any stat still asks). */
	size_t nifs;
	struct nn_if {
		char name[VN_NAME_MAX + 1];
		uint64_t root;           /* the root VIF's id */
	} ifs[NN_TREES_MAX];

	/* Links made under another name than an interface's in PID/ or FD/:
	 * GNU `ln -sf` makes a temporary link and renames it over the old one,
	 * and that rename is the attachment. Touched only by the session thread. */
	struct nn_pending {
		bool used;
		unsigned pid, fd;
		bool sock;
		char name[256];
		char *target;
		uid_t uid;
		gid_t gid;
		time_t made;
	} pend[NN_PENDING_MAX];
};

/* The generation the memo is checked against (nn_memo.h): the backend's
 * count of changes, less those nnfs decided itself and deferred (already in
 * the memo when they are applied), plus the count of deferred changes that
 * came out otherwise. 0: no memo. Either thread. */
static inline uint64_t nn_gen(struct vn_nnfs *fs)
{
	if (!fs->be.gen)
		return 0;
	uint64_t own = __atomic_load_n(&fs->own, __ATOMIC_ACQUIRE);   /* before gen: see nn_do_deferred */
	uint64_t g = fs->be.gen(fs->be.ctx);
	return g - own + __atomic_load_n(&fs->poison, __ATOMIC_ACQUIRE);
}

/* nnfs.c: fill fs->ifs (one call into the loop). */
int nn_cache_ifs(struct vn_nnfs *fs);

/* nnfs.c: a session serving fs with nnfs's operations. */
/* Once the session is served no more: free the opens no RELEASE came for. */
void nn_free_opens(struct vn_nnfs *fs);
struct fuse_session *nn_session_new(struct fuse_args *args, struct vn_nnfs *fs);

#endif
