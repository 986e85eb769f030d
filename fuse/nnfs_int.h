/* nnfs_int — what the parts of nnfs share (not a public header). */
#ifndef NNFS_INT_H
#define NNFS_INT_H

#include <pthread.h>
#include <stdbool.h>
#include <sys/types.h>
#include <time.h>

#include "nn_backend.h"

struct fuse_session;
struct fuse_args;

struct vn_nnfs {
	struct nn_backend be;
	char *mnt;                   /* absolute, for absolute link targets */
	struct timespec t0;          /* every node's times: when it was mounted */
	double attr_timeout, entry_timeout;
	struct fuse_session *se;
	pthread_t thread;
	dev_t dev;                   /* of the mount: its /sys/fs/fuse connection */
	struct vn_loop *loop;        /* when started by vn_nnfs_start */
};

/* nnfs.c: a session serving fs with nnfs's operations. */
struct fuse_session *nn_session_new(struct fuse_args *args, struct vn_nnfs *fs);

#endif
