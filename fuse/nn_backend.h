/* nn_backend — what nnfs needs from the daemon: a way to run code on the
 * thread that owns the trees, the trees, and the registry of processes and
 * sockets. vn_nnfs_start builds one from a vn_loop; tests and the benchmark
 * harness build their own.
 *
 * Every function but `call` runs inside `call`, on the owning thread, and
 * must not block. */
#ifndef NN_BACKEND_H
#define NN_BACKEND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "vn_clock.h"
#include "vn_pkt.h"

struct vn_tree;
struct vn_vif;

struct nn_backend {
	void *ctx;
	/* Run fn(arg) on the owning thread and wait for it. 0 or -errno (then
	 * fn did not run). */
	int (*call)(void *ctx, void (*fn)(void *arg), void *arg);
	/* Optional: serve the FUSE session on the owning thread itself. watch
	 * runs fn(arg) there whenever fd is readable, until unwatch; `call` from
	 * that thread then runs its function at once, so a request costs no
	 * hand-off between threads. NULL: nnfs serves on a thread of its own and
	 * every tree access is one `call`. */
	int (*watch)(void *ctx, int fd, void (*fn)(void *arg), void *arg);
	int (*unwatch)(void *ctx, int fd);

	size_t (*ntrees)(void *ctx);
	struct vn_tree *(*tree)(void *ctx, size_t i);
	vn_time_t (*now)(void *ctx);
	/* Optional, and called from nnfs's thread without `call`: a number
	 * that moves whenever a tree's names, owners or modes change (never 0;
	 * the trees' vn_tree_gen). While it stays, nnfs answers lookups and
	 * stats of VIFs from its memo (nn_memo.h). NULL: every one is a call. */
	uint64_t (*gen)(void *ctx);

	/* Registered processes: up to max pids into out; returns how many exist. */
	size_t (*pids)(void *ctx, pid_t *out, size_t max);
	/* 0 and the process's credentials, or -ENOENT. */
	int (*proc)(void *ctx, pid_t pid, uid_t *uid, gid_t *gid);
	/* The VIF the process's link PID/IF shows on tree i: NULL when it is on
	 * the root (no link). */
	struct vn_vif *(*proc_vif)(void *ctx, pid_t pid, size_t tree);
	/* Attach (v) or detach (NULL: back to the root). Permission is decided
	 * by nnfs before. 0 or -errno. */
	int (*proc_attach)(void *ctx, pid_t pid, size_t tree, struct vn_vif *v);

	/* The process's registered sockets (fds), as pids(). */
	size_t (*fds)(void *ctx, pid_t pid, int *out, size_t max);
	int (*sock)(void *ctx, pid_t pid, int fd);   /* 0 or -ENOENT */
	/* The VIF of the socket's link: NULL when the socket is where its
	 * process is (no link). */
	struct vn_vif *(*sock_vif)(void *ctx, pid_t pid, int fd, size_t tree);
	/* Attach (v) or detach (NULL: back to its process's VIF). */
	int (*sock_attach)(void *ctx, pid_t pid, int fd, size_t tree, struct vn_vif *v);

	/* port (optional: NULL when the backend has no data path). The comment
	 * of a captured packet ("pid=N comm=NAME"), called on the data path. */
	size_t (*comment)(void *ctx, const struct vn_pkt *p, char *buf, size_t n);
	/* Run fn(arg) on the owning thread later, without waiting (in order with
	 * `call`s). 0 or -errno (then fn will not run). */
	int (*post)(void *ctx, void (*fn)(void *arg), void *arg);
	/* Optional: as post, but the owning thread need not be woken for it:
	 * fn runs before that thread next does anything else (vn_loop_defer).
	 * nnfs's value writes use it when present, else post. */
	int (*defer)(void *ctx, void (*fn)(void *), void *arg);
	/* A packet written to v's port goes on along its path (vn_loop_inject). */
	int (*inject)(void *ctx, struct vn_vif *v, enum vn_dir dir, const uint8_t *data, uint32_t len);
	/* The longest frame inject takes (the data path's packet buffer). */
	uint32_t (*max_frame)(void *ctx);
	/* Is addr (ipver 4/6) one of tree i's interface addresses? */
	bool (*is_local)(void *ctx, size_t tree, int ipver, const uint8_t *addr);
};

struct vn_nnfs;
/* vn_nnfs_start with a backend of one's own (copied). */
struct vn_nnfs *nn_start(const struct nn_backend *be, const char *mountpoint, char *err,
			 size_t errlen);

#endif
