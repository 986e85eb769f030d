/* nn_vifd — nnfs's backend over vifd's loop and registry, and vn_nnfs_start.
 *
 * Links show where a process or socket is when that differs from its
 * default: PID/IF exists while the process is not on the root VIF, and
 * PID/sockets/FD/IF while the socket is not where its process is. Detaching
 * (rm) drops the attachment (vn_registry_detach_*): the process is on the
 * root again, the socket wherever its process is (following it later), the
 * link disappears and `ln -s` can make it again. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "nnfs_int.h"
#include "vn_loop.h"
#include "vn_nnfs.h"
#include "vn_registry.h"
#include "vn_vif.h"

struct tramp {
	void (*fn)(void *);
	void *arg;
};

static void tramp_run(struct vn_loop *l, void *arg)
{
	struct tramp *t = arg;
	(void)l;
	t->fn(t->arg);
}

static int lp_call(void *ctx, void (*fn)(void *), void *arg)
{
	struct tramp t = {fn, arg};
	return vn_loop_call(ctx, tramp_run, &t);
}

static int lp_watch(void *ctx, int fd, void (*fn)(void *), void *arg)
{
	return vn_loop_watch(ctx, fd, fn, arg);
}

static int lp_unwatch(void *ctx, int fd)
{
	return vn_loop_unwatch(ctx, fd);
}

static size_t lp_ntrees(void *ctx)
{
	return vn_loop_niface(ctx);
}

static struct vn_tree *lp_tree(void *ctx, size_t i)
{
	return vn_loop_tree(ctx, i);
}

/* The trees are fixed for the loop's life; their counters are atomic. */
static uint64_t lp_gen(void *ctx)
{
	/* never 0; control requests, the registry */
	uint64_t g = 1 + vn_loop_settles(ctx) + vn_registry_gen(vn_loop_registry(ctx));
	for (size_t i = 0; i < vn_loop_niface(ctx); i++)
		g += vn_tree_gen(vn_loop_tree(ctx, i));
	return g;
}

static vn_time_t lp_now(void *ctx)
{
	return vn_loop_now(ctx);
}

static struct vn_registry *reg(void *ctx)
{
	return vn_loop_registry(ctx);
}

static size_t lp_pids(void *ctx, pid_t *out, size_t max)
{
	struct vn_registry *r = reg(ctx);
	size_t n = 0;
	for (struct vn_proc *p = vn_registry_proc_next(r, 0); p;
	     p = vn_registry_proc_next(r, vn_proc_pid(p))) {
		if (n < max)
			out[n] = vn_proc_pid(p);
		n++;
	}
	return n;
}

static int lp_proc(void *ctx, pid_t pid, uid_t *uid, gid_t *gid)
{
	struct vn_proc *p = vn_registry_proc(reg(ctx), pid);
	if (!p)
		return -ENOENT;
	*uid = vn_proc_uid(p);
	*gid = vn_proc_gid(p);
	if (*gid == (gid_t)-1)
		*gid = (gid_t)vn_proc_uid(p);   /* not known (registered before gids were kept) */
	return 0;
}

static struct vn_vif *lp_proc_vif(void *ctx, pid_t pid, size_t tree)
{
	struct vn_proc *p = vn_registry_proc(reg(ctx), pid);
	if (!p)
		return NULL;
	struct vn_vif *v = vn_proc_vif(p, tree);
	return v && v != vn_tree_root(vn_loop_tree(ctx, tree)) ? v : NULL;
}

static int errno_of(int r)
{
	return r == -ESRCH || r == -EBADF ? -ENOENT : r;
}

static int lp_proc_attach(void *ctx, pid_t pid, size_t tree, struct vn_vif *v)
{
	/* nnfs has decided on the caller's rights already */
	if (!v)
		return errno_of(vn_registry_detach_proc(reg(ctx), pid, tree, 0));
	return errno_of(vn_registry_attach_proc(reg(ctx), pid, v, 0));
}

static size_t lp_fds(void *ctx, pid_t pid, int *out, size_t max)
{
	struct vn_proc *p = vn_registry_proc(reg(ctx), pid);
	size_t n = 0;
	if (!p)
		return 0;
	for (struct vn_sock *s = vn_proc_sock_next(p, -1); s; s = vn_proc_sock_next(p, vn_sock_fd(s))) {
		if (n < max)
			out[n] = vn_sock_fd(s);
		n++;
	}
	return n;
}

static int lp_sock(void *ctx, pid_t pid, int fd)
{
	return vn_registry_sock(reg(ctx), pid, fd) ? 0 : -ENOENT;
}

static struct vn_vif *lp_sock_vif(void *ctx, pid_t pid, int fd, size_t tree)
{
	struct vn_registry *r = reg(ctx);
	struct vn_sock *s = vn_registry_sock(r, pid, fd);
	struct vn_proc *p = vn_registry_proc(r, pid);
	if (!s || !p)
		return NULL;
	struct vn_vif *v = vn_sock_vif(s, tree);
	return v && v != vn_proc_vif(p, tree) ? v : NULL;
}

static int lp_sock_attach(void *ctx, pid_t pid, int fd, size_t tree, struct vn_vif *v)
{
	struct vn_registry *r = reg(ctx);
	if (!v)      /* back to wherever its process is, following it from now on */
		return errno_of(vn_registry_detach_sock(r, pid, fd, tree, 0));
	return errno_of(vn_registry_attach_sock(r, pid, fd, v, 0));
}

/* The comment of a captured packet: its process, when the flow table knew
 * the packet's socket. Data path: one registry lookup by pid. */
static size_t lp_comment(void *ctx, const struct vn_pkt *p, char *buf, size_t n)
{
	if (p->pid <= 0)
		return 0;
	struct vn_proc *pr = vn_registry_proc(reg(ctx), p->pid);
	const char *comm = pr ? vn_proc_comm(pr) : "";
	int k = *comm ? snprintf(buf, n, "pid=%d comm=%s", (int)p->pid, comm)
		      : snprintf(buf, n, "pid=%d", (int)p->pid);
	return k < 0 ? 0 : (size_t)k;
}

static void post_run(struct vn_loop *l, void *arg)
{
	struct tramp *t = arg;
	(void)l;
	t->fn(t->arg);
	free(t);
}

/* fn(arg) on the loop thread through `queue` (vn_loop_post or vn_loop_defer). */
static int lp_queue(int (*queue)(struct vn_loop *, vn_loop_fn, void *), void *ctx,
		    void (*fn)(void *), void *arg)
{
	struct tramp *t = malloc(sizeof *t);
	if (!t)
		return -ENOMEM;
	t->fn = fn;
	t->arg = arg;
	int r = queue(ctx, post_run, t);
	if (r)
		free(t);
	return r;
}

static int lp_post(void *ctx, void (*fn)(void *), void *arg)
{
	return lp_queue(vn_loop_post, ctx, fn, arg);
}

static int lp_defer(void *ctx, void (*fn)(void *), void *arg)
{
	return lp_queue(vn_loop_defer, ctx, fn, arg);
}

static int lp_inject(void *ctx, struct vn_vif *v, enum vn_dir dir, const uint8_t *data, uint32_t len)
{
	return vn_loop_inject(ctx, v, dir, data, len);
}

static uint32_t lp_max_frame(void *ctx)
{
	return vn_loop_max_frame(ctx);
}

static bool lp_is_local(void *ctx, size_t tree, int ipver, const uint8_t *addr)
{
	return vn_loop_is_local(ctx, tree, ipver, addr);
}

struct vn_nnfs *vn_nnfs_start(struct vn_loop *l, const char *mountpoint, char *err, size_t errlen)
{
	const struct nn_backend be = {
		.ctx = l,
		.call = lp_call,
		/* Served by the loop thread itself when it runs at normal
		 * priority. At SCHED_FIFO, waking that thread for every request
		 * costs more on the test VM than handing each tree access to it
		 * from nnfs's own thread (an RT thread is woken on the CPU it last
		 * ran on, often an idle one: 0.5 ms per operation measured when
		 * client and daemon are not pinned), so nnfs keeps its thread. */
		.watch = vn_loop_rt_prio(l) ? NULL : lp_watch,
		.unwatch = vn_loop_rt_prio(l) ? NULL : lp_unwatch,
		.ntrees = lp_ntrees,
		.tree = lp_tree,
		.now = lp_now,
		.gen = lp_gen,
		.pids = lp_pids,
		.proc = lp_proc,
		.proc_vif = lp_proc_vif,
		.proc_attach = lp_proc_attach,
		.fds = lp_fds,
		.sock = lp_sock,
		.sock_vif = lp_sock_vif,
		.sock_attach = lp_sock_attach,
		.comment = lp_comment,
		.post = lp_post,
		.defer = lp_defer,
		.inject = lp_inject,
		.is_local = lp_is_local,
		.max_frame = lp_max_frame,
	};
	struct vn_nnfs *fs = nn_start(&be, mountpoint, err, errlen);
	if (fs)
		fs->loop = l;
	return fs;
}
