/* vn_nnfs — nnfs, the VIF trees of a vifd as a FUSE file system (SPEC §5).
 *
 *   DIR/network/IF/a/b/{bandwidth,type,weight,priority,qlimit,stat,...}
 *   DIR/PID/IF, DIR/PID/sockets/FD/IF   attachment links
 *
 * nnfs runs the FUSE session (libfuse3 low-level API) on a thread of its own.
 * It reaches the trees and the registry only through vn_loop_call, i.e. on
 * the data-path thread, one short call per request, so the data path never
 * waits for a FUSE client, and a client stopped mid-request holds nothing.
 *
 * The file system is mounted with allow_other (every user sees it; vifd runs
 * as root so /etc/fuse.conf need not say user_allow_other) and WITHOUT
 * default_permissions: the kernel's mode-bit check cannot express the
 * protection rules (attachment rules, chown rules, derived file modes), so
 * nnfs enforces every rule itself with the caller's uid/gid (and groups) from
 * each request; see docs/nnfs.md. */
#ifndef VN_NNFS_H
#define VN_NNFS_H

#include <stddef.h>

struct vn_loop;
struct vn_nnfs;

/* Mount at mountpoint (created if missing; a stale nnfs mount left there by a
 * crash is detached first) and start serving. NULL with a message in err on
 * failure. The trees and the registry of l must outlive the file system. */
struct vn_nnfs *vn_nnfs_start(struct vn_loop *l, const char *mountpoint, char *err,
			      size_t errlen);
/* Unmount and stop. Requests in flight are answered or aborted first. */
void vn_nnfs_stop(struct vn_nnfs *fs);

#endif
