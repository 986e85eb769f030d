/* vn_loop — vifd's data-path thread: one libev loop that owns every
 * interface's VIF tree, packet pool, flow table and registry.
 *
 * Everything a vn_loop owns is single-threaded. Another thread (nnfs's FUSE
 * thread, a test) reaches it only through vn_loop_call(): the function runs
 * on the loop thread between two packet batches, and the caller waits for it.
 * The data path never waits for the caller: the call is queued under a lock
 * held for a few instructions and the loop is woken by an ev_async (eventfd).
 * After every call the loop re-reads vn_sched_next() of every tree, so a
 * function that changes a parameter (a cap, a type) takes effect at once.
 *
 * The accessors below marked "loop thread" may only be used on the loop
 * thread, i.e. inside a vn_loop_fn (or by vifd itself).
 *
 * nnfs entry points (declared by nnfs in include/vn_nnfs.h, called by vifd):
 *   struct vn_nnfs *vn_nnfs_start(struct vn_loop *l, const char *mountpoint,
 *                                 char *err, size_t errlen);
 *       mounts and starts nnfs's own thread; returns once the mount is usable
 *       (vifd prints its readiness line after this), NULL with err on failure.
 *   void vn_nnfs_stop(struct vn_nnfs *fs);
 *       unmounts and joins; called by vifd on SIGINT/SIGTERM while the loop
 *       still runs (so pending vn_loop_call()s complete), before the loop stops.
 * fuse/meson.build declares `nnfs_dep`; vifd links it when it exists. */
#ifndef VN_LOOP_H
#define VN_LOOP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vn_clock.h"
#include "vn_pkt.h"
#include "vn_vif.h"

struct vn_loop;
struct vn_registry;

typedef void (*vn_loop_fn)(struct vn_loop *l, void *arg);

/* Run fn(l, arg) on the loop thread and wait until it has returned.
 * 0, or -ESHUTDOWN if the loop has stopped (fn did not run).
 * Called on the loop thread itself, fn runs at once. Never call it while
 * holding a lock that a vn_loop_fn takes. */
int vn_loop_call(struct vn_loop *l, vn_loop_fn fn, void *arg);
/* Run fn(l, arg) on the loop thread later, without waiting: fn owns arg.
 * Calls (waited for or posted) run in the order they were made, so a
 * vn_loop_call after a post returns after the post's fn has run. Posted
 * calls still run when the loop stops. 0, -ESHUTDOWN, -ENOMEM. */
int vn_loop_post(struct vn_loop *l, vn_loop_fn fn, void *arg);
/* As vn_loop_post (same queue, same order), but without waking the loop: fn
 * runs first thing when the loop next wakes up for anything (a packet, a
 * control request, a timer, a call), before that thing is handled. For a
 * change nothing can observe but through the loop (nnfs's value writes): it
 * costs the caller no wake-up of the loop thread. */
int vn_loop_defer(struct vn_loop *l, vn_loop_fn fn, void *arg);
/* How many times the loop has decided a change of the trees for somebody
 * other than nnfs (a control request), safe from any thread. */
uint64_t vn_loop_settles(const struct vn_loop *l);
/* Is the caller the loop thread? */
bool vn_loop_on_thread(const struct vn_loop *l);
/* The loop thread's SCHED_FIFO priority (--rt-prio), 0: normal scheduling. */
int vn_loop_rt_prio(const struct vn_loop *l);

/* Serve fd on the loop thread: fn(arg) runs there whenever fd is readable
 * (level-triggered) until vn_loop_unwatch(l, fd). fn must not block: fd
 * should be O_NONBLOCK, and fn may call vn_loop_unwatch itself. From another
 * thread each is one vn_loop_call. 0, -ENOSPC (VN_LOOP_WATCH_MAX watches
 * already), -ESHUTDOWN. nnfs serves /dev/fuse this way: a request costs no
 * hand-off between threads. */
#define VN_LOOP_WATCH_MAX 4
int vn_loop_watch(struct vn_loop *l, int fd, void (*fn)(void *arg), void *arg);
int vn_loop_unwatch(struct vn_loop *l, int fd);

/* Loop thread: interfaces, 0 .. n-1, in command-line order. */
size_t vn_loop_niface(const struct vn_loop *l);
struct vn_tree *vn_loop_tree(const struct vn_loop *l, size_t iface);
/* The interface named ifname (its tree's root name), or -ENOENT. */
int vn_loop_iface_by_name(const struct vn_loop *l, const char *ifname);
/* DLT_RAW (TUN) or DLT_EN10MB (TAP): the link type of the frames the
 * interface's packets carry (for filters and port captures). */
int vn_loop_linktype(const struct vn_loop *l, size_t iface);
/* Current time of the loop's clock (the real monotonic clock), in ns. */
vn_time_t vn_loop_now(const struct vn_loop *l);
/* Processes and sockets attached to VIFs (see vn_registry.h). */
struct vn_registry *vn_loop_registry(struct vn_loop *l);

/* Loop thread: a copy of the frame data[0..len) written to VIF v's `port`
 * (diverting, seed IV.2.2) continues from v along its path: in direction
 * egress it enters v's parent (the wire if v is the root); in direction
 * ingress it is demultiplexed as from the wire and goes on from v down to
 * the VIF of its socket (v itself if that VIF is not below v), then into
 * the host (VN_PKT_F_DIVERTED: see vn_sched_enqueue). It is marked
 * VN_PKT_F_INJECTED. Called from a vn_loop_fn, it is
 * sent when the batch of calls ends (the loop drains the trees then). 0, -ENOBUFS (pool empty or queue
 * full), -EPERM/-EACCES (refused further on the path: counted as a drop
 * there), -EINVAL (len 0, larger than the packet buffer, another tree). */
int vn_loop_inject(struct vn_loop *l, struct vn_vif *v, enum vn_dir dir,
		   const uint8_t *data, uint32_t len);
/* Any thread: the longest frame vn_loop_inject takes (the packet buffer). */
uint32_t vn_loop_max_frame(const struct vn_loop *l);
/* Loop thread: is addr (4 or 16 bytes, ipver 4 or 6) one of the addresses
 * given to interface iface (--addr)? Decides the direction of a raw packet
 * written to a port. */
bool vn_loop_is_local(const struct vn_loop *l, size_t iface, int ipver, const uint8_t *addr);

#endif
