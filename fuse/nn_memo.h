/* nn_memo — the VIF directories as nnfs last saw them, so that a lookup or a
 * stat needs no call into the loop while nothing has changed.
 *
 * Filled and kept up to date on the trees' thread, inside the calls nnfs
 * makes anyway (nn_tree.c): a lookup's call lists the directory it looked
 * in, and mkdir, rmdir, chmod and chown update what they changed. Read on
 * the FUSE thread between calls (the call's hand-off orders the two), and
 * only while the trees' generation (vn_tree_gen: every VIF made or removed,
 * every owner or mode changed, by nnfs or anybody else) is still the one the
 * memo is at; any other change leaves the memo to be refilled by the next
 * call. The data path never sees it.
 *
 * It also holds the VIF's numeric values (bandwidth weight priority qlimit),
 * which nothing but nnfs changes while vifd runs: the FUSE thread reads them
 * from here and, writing one, updates it here before posting the change to
 * the trees' thread (nnfs.c). */
#ifndef NN_MEMO_H
#define NN_MEMO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "nn_ino.h"
#include "vn_param.h"

struct vn_vif;

struct nn_mvif {
	struct nn_mvif *hid, *hname;     /* hash chains: by (tree, id), by (tree, parent, name) */
	uint64_t id, parent;             /* parent 0: an interface's root */
	unsigned tree;
	uid_t uid;
	gid_t gid;
	unsigned mode;
	size_t nchildren;
	bool listed;                     /* every child is in the memo too */
	bool vals;                       /* val holds the VIF's values */
	unsigned depth;                  /* 0: a root */
	uint64_t val[5];                 /* rows 0-4 where nn_row_memo (nn_params.h) */
	char name[VN_NAME_MAX + 1];
};

#define NN_MEMO_TREES 8               /* PID/ memorised only with no more interfaces */
#define NN_MEMO_PROCS 64              /* buckets */

/* A registered process: what PID/ and PID/IF show. */
struct nn_mproc {
	struct nn_mproc *next;
	pid_t pid;
	uid_t uid;
	gid_t gid;
	uint64_t vif[NN_MEMO_TREES];     /* its link PID/IF's VIF; 0: no link (the root) */
};

struct nn_memo {
	uint64_t gen;                    /* the generation it is at; 0: empty */
	size_t n, nb;                    /* entries, buckets (a power of two) */
	struct nn_mvif **by_id, **by_name;
	uint64_t next_id[NN_TREES_MAX];  /* the id a tree's next VIF gets; 0: not known */
	struct nn_mproc *procs[NN_MEMO_PROCS];
};

void nn_memo_free(struct nn_memo *m);

/* On the trees' thread. nn_memo_at: from now on the memo is at generation
 * gen (emptied if it was at another one). */
void nn_memo_at(struct nn_memo *m, uint64_t gen);
/* v as it is now (its name, owner, mode and number of children). NULL when
 * out of memory: the memo is then emptied, and stays so until refilled. */
struct nn_mvif *nn_memo_put(struct nn_memo *m, unsigned tree, const struct vn_vif *v);
/* v and every child of v; 0 or -ENOMEM (then emptied). */
int nn_memo_list(struct nn_memo *m, unsigned tree, const struct vn_vif *v);
void nn_memo_drop(struct nn_memo *m, unsigned tree, uint64_t id);
/* Either thread: a VIF nnfs has just made (mkdir decided on the FUSE
 * thread): no children, a new VIF's values. NULL when out of memory (emptied). */
struct nn_mvif *nn_memo_add(struct nn_memo *m, const struct nn_mvif *parent, uint64_t id,
			    const char *name, uid_t uid, gid_t gid, unsigned mode);

/* Either thread (the FUSE thread only while the generation matches). */
struct nn_mvif *nn_memo_vif(const struct nn_memo *m, unsigned tree, uint64_t id);
struct nn_mvif *nn_memo_child(const struct nn_memo *m, unsigned tree, uint64_t parent,
			      const char *name);

/* PID/: the process (made if new; the caller fills it) or NULL (out of
 * memory: emptied). */
struct nn_mproc *nn_memo_proc_put(struct nn_memo *m, pid_t pid);
struct nn_mproc *nn_memo_proc(const struct nn_memo *m, pid_t pid);
/* VIF gone of a tree was removed: what was on it is on heir now (0: heir is
 * the root, no link), as the registry moves it. */
void nn_memo_moved(struct nn_memo *m, unsigned tree, uint64_t gone, uint64_t heir);

#endif
