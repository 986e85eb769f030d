/* vn_registry — processes and sockets attached to VIFs, and the flow table
 * that marks packets with their socket (seed IV.1.1.3, SPEC sections 5-6).
 *
 * Filled by vifd's control socket (the shim registers each process and each
 * socket); read by the data path (one flow lookup per packet) and by nnfs
 * (`PID/IF` and `PID/sockets/FD/IF`). Owned by the loop thread: no locks.
 *
 * A VIF attachment is per interface (iface index of vn_loop / the order of
 * the trees given to vn_registry_new). A process with no attachment on an
 * interface is on its root VIF; a socket with no attachment of its own
 * follows its process. The VIF path to the root is cached by the tree
 * (vn_vif_path), so socket -> VIF -> path costs no walk per packet.
 *
 * Protection (SPEC section 5) is enforced here for every caller uid != 0:
 *   rule 2: a process registered with a registered parent starts with a copy
 *           of the parent's attachments;
 *   rule 3: a process or socket is (re)attached only to the VIF it is on now
 *           or a descendant of it, and only by a caller with the process's uid.
 * Errors: -ESRCH (no such process), -EBADF (no such socket), -EPERM (another
 * uid), -EACCES (up or sideways), -EINVAL (VIF of another interface, bad
 * argument), -ENOMEM. A refused call changes nothing. */
#ifndef VN_REGISTRY_H
#define VN_REGISTRY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "vn_clock.h"
#include "vn_vif.h"

/* A flow seen from the host: local address/port, remote address/port.
 * Egress packets: local = source; ingress packets: local = destination.
 * Ports in host byte order (0 for ICMP and for unbound/unconnected sides:
 * a socket with remote port 0 and remote address all-zero is a wildcard that
 * matches any remote peer, one with local address all-zero any local one). */
struct vn_flow {
	uint8_t family;          /* AF_INET or AF_INET6 */
	uint8_t proto;           /* IPPROTO_TCP, IPPROTO_UDP, IPPROTO_ICMP(V6) */
	uint16_t lport, rport;
	uint8_t laddr[16], raddr[16];   /* IPv4 in the first 4 bytes, rest zero */
};

struct vn_registry;
struct vn_proc;
struct vn_sock;

/* A registry over ntrees interfaces; trees[i] is interface i. */
struct vn_registry *vn_registry_new(struct vn_tree *const *trees, size_t ntrees);
void vn_registry_free(struct vn_registry *r);
/* A counter of the changes of processes, sockets and attachments, safe to
 * read from any thread (nnfs's memo of PID/ checks it). */
uint64_t vn_registry_gen(const struct vn_registry *r);
size_t vn_registry_niface(const struct vn_registry *r);

/* --- processes --- */

/* Register pid (uid from SO_PEERCRED, ppid from the caller). A second
 * registration of the same pid adds a reference (0, *out the same record);
 * the record goes away when vn_registry_proc_put has dropped every reference
 * (the control connection that registered it closed). comm may be NULL. */
int vn_registry_proc_add(struct vn_registry *r, pid_t pid, uid_t uid, pid_t ppid,
			 const char *comm, struct vn_proc **out);
/* Drop one reference; the last one removes the process and its sockets
 * (their flows expire later, see vn_registry_expire). */
void vn_registry_proc_put(struct vn_registry *r, pid_t pid);
struct vn_proc *vn_registry_proc(const struct vn_registry *r, pid_t pid);
/* Iteration in increasing pid order: the first process with pid > after
 * (after = 0 starts), or NULL. Stable under removal of other processes. */
struct vn_proc *vn_registry_proc_next(const struct vn_registry *r, pid_t after);
size_t vn_registry_nproc(const struct vn_registry *r);

pid_t vn_proc_pid(const struct vn_proc *p);
pid_t vn_proc_ppid(const struct vn_proc *p);
uid_t vn_proc_uid(const struct vn_proc *p);
/* The process's (effective) gid, from SO_PEERCRED or /proc; (gid_t)-1 until
 * it is known. It owns PID/ in nnfs as its group. */
gid_t vn_proc_gid(const struct vn_proc *p);
int vn_registry_proc_set_gid(struct vn_registry *r, pid_t pid, gid_t gid);   /* 0, -ESRCH */
const char *vn_proc_comm(const struct vn_proc *p);           /* "" if unknown */
/* The process's command name changed (exec under the same registration). */
int vn_registry_proc_set_comm(struct vn_registry *r, pid_t pid, const char *comm);
/* The VIF the process is on for interface iface: never NULL (root default). */
struct vn_vif *vn_proc_vif(const struct vn_proc *p, size_t iface);
/* Does the process have an explicit attachment on iface (not the default)? */
bool vn_proc_attached(const struct vn_proc *p, size_t iface);

/* Attach process pid to v (on v's interface) on behalf of caller_uid. */
int vn_registry_attach_proc(struct vn_registry *r, pid_t pid, struct vn_vif *v, uid_t caller_uid);
/* Drop the process's attachment on iface: it is on the root again (and its
 * sockets without attachments of their own with it). Rule 3 as for
 * attaching to the root: a caller other than root gets -EPERM (not the
 * owner) or -EACCES (that is up). 0 also when it had none. -ESRCH, -EINVAL. */
int vn_registry_detach_proc(struct vn_registry *r, pid_t pid, size_t iface, uid_t caller_uid);

/* --- sockets --- */

/* Add or update socket fd of pid with its flow (NULL: not bound/connected
 * yet). The flow table maps the flow to this socket from now on. -ESRCH,
 * -EINVAL (bad flow), -ENOMEM. */
int vn_registry_sock_set(struct vn_registry *r, pid_t pid, int fd, const struct vn_flow *f);
/* newfd of pid becomes another name of oldfd's socket (dup, dup2): same
 * flow and attachments. -ESRCH, -EBADF. */
int vn_registry_sock_dup(struct vn_registry *r, pid_t pid, int oldfd, int newfd);
/* Socket closed. Its flow entry lingers (for packets still in flight:
 * TIME_WAIT, retransmissions) and expires later. -ESRCH, -EBADF. */
int vn_registry_sock_close(struct vn_registry *r, pid_t pid, int fd);
struct vn_sock *vn_registry_sock(const struct vn_registry *r, pid_t pid, int fd);
/* The first socket of p with fd > after (after = -1 starts), or NULL. */
struct vn_sock *vn_proc_sock_next(const struct vn_proc *p, int after);

int vn_sock_fd(const struct vn_sock *s);
pid_t vn_sock_pid(const struct vn_sock *s);
/* NULL if the socket has no flow yet. */
const struct vn_flow *vn_sock_flow(const struct vn_sock *s);
/* The socket's VIF on iface: its own attachment, else its process's. */
struct vn_vif *vn_sock_vif(const struct vn_sock *s, size_t iface);
bool vn_sock_attached(const struct vn_sock *s, size_t iface);

int vn_registry_attach_sock(struct vn_registry *r, pid_t pid, int fd, struct vn_vif *v,
			    uid_t caller_uid);
/* Drop the socket's own attachment on iface: from now on it is wherever its
 * process is (and follows the process). The owner's uid or root may (the
 * one move up rule 3 allows: back to the socket's own process). 0 also when
 * it had none. -ESRCH, -EBADF, -EINVAL, -EPERM. */
int vn_registry_detach_sock(struct vn_registry *r, pid_t pid, int fd, size_t iface,
			    uid_t caller_uid);

/* --- data path --- */

/* The VIF of the socket owning flow f on interface iface, or NULL if no
 * socket is known (then `match` rules or the root decide). Exact 5-tuple
 * first, then the socket bound to (local address, local port), then to
 * (any address, local port): O(1) hash lookups. pid/fd (may be NULL) get
 * the owner. `now` refreshes the entry's idle time. */
struct vn_vif *vn_registry_lookup(struct vn_registry *r, size_t iface, const struct vn_flow *f,
				  vn_time_t now, pid_t *pid, int *fd);
/* Drop flow entries of closed sockets whose linger time (default 60 s) has
 * passed. Call from a periodic timer. Returns how many were dropped. */
size_t vn_registry_expire(struct vn_registry *r, vn_time_t now);
void vn_registry_set_linger(struct vn_registry *r, vn_time_t linger_ns);
size_t vn_registry_nflows(const struct vn_registry *r);

/* The tree's remove hook (vn_tree_set_remove_hook) must call this: every
 * process and socket attached to `gone` on iface moves to `heir`. vifd
 * installs it; nnfs need not. */
void vn_registry_vif_removed(struct vn_registry *r, size_t iface, struct vn_vif *gone,
			     struct vn_vif *heir);

#endif
