/* Off-path attribution of flows whose socket nobody registered (static
 * binaries, Go programs, libc-internal sockets): NETLINK_SOCK_DIAG gives the
 * socket's inode and uid, /proc/PID/fd the process holding it. The lookups
 * run on a worker thread, inside the network namespace of the interface the
 * packet was seen on; results are applied on the loop thread (vn_loop_call)
 * and classify the flow from then on. The data path only pays a hash probe
 * of a recently-asked cache per unknown packet. */
#ifndef VIFD_SOCKDIAG_H
#define VIFD_SOCKDIAG_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "vn_clock.h"
#include "vn_registry.h"

struct vn_loop;
struct vd_sockdiag;

/* NULL if the worker cannot start (then nothing is attributed this way). */
struct vd_sockdiag *vd_sockdiag_new(struct vn_loop *l);
/* After the loop thread has stopped. Releases adopted processes. */
void vd_sockdiag_free(struct vd_sockdiag *d);

/* Loop thread: a packet of flow f on interface iface has no registered
 * socket. Is it the first such packet lately (a 1024-entry cache of flows,
 * 2 s)? Then the caller serves pending control requests, looks again, and
 * if still nobody's, asks (queues the flow to the worker). d may be NULL
 * (always "first"). */
bool vd_sockdiag_first(struct vd_sockdiag *d, size_t iface, const struct vn_flow *f, vn_time_t now);
void vd_sockdiag_ask(struct vd_sockdiag *d, size_t iface, const struct vn_flow *f);

/* Loop thread (control request `adopt PID`): make process pid known to the
 * registry although no shim registered it — held until it exits (pidfd) —
 * and attribute its open sockets now. caller: SO_PEERCRED uid; only root or
 * the process's own uid. 0, -ESRCH, -EPERM, -ENOMEM. An already registered
 * process is not adopted again (its sockets are still scanned). */
int vd_sockdiag_adopt(struct vd_sockdiag *d, pid_t pid, uid_t caller);

/* Counters for `status`. */
void vd_sockdiag_stats(const struct vd_sockdiag *d, unsigned long long *asked,
		       unsigned long long *found, unsigned long long *adopted);

#endif
