/* vn_vif — the tree of virtual interfaces of one device, with parameters,
 * statistics, ownership and per-VIF hooks.
 *
 * A tree belongs to one thread (the data path in vifd, the replay loop in
 * vifsim): no function here locks. Other threads reach it by sending commands
 * to that thread. The scheduling state lives in the VIFs too (see vn_sched.h);
 * which discipline runs a VIF is its `type` parameter. */
#ifndef VN_VIF_H
#define VN_VIF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "vn_clock.h"
#include "vn_param.h"
#include "vn_pkt.h"

#define VN_DEPTH_MAX 32     /* root is depth 0 */

struct vn_tree;
struct vn_vif;

/* Called for every packet the tree itself discards (drops at enqueue are
 * returned to the caller instead): flushing a VIF set to `block`, freeing a
 * tree with packets queued. Usually returns the packet to its pool. */
typedef void (*vn_release_fn)(void *ctx, struct vn_pkt *p);
/* Called just before VIF `gone` is freed; `heir` (its parent) inherits its
 * packets and must inherit its attachments (flow table, processes, sockets). */
typedef void (*vn_remove_fn)(void *ctx, struct vn_vif *gone, struct vn_vif *heir);

/* A new tree whose root VIF is named ifname (root owned by uid 0, mode 0755). */
struct vn_tree *vn_tree_new(const char *ifname);
void vn_tree_free(struct vn_tree *t);
void vn_tree_set_release(struct vn_tree *t, vn_release_fn fn, void *ctx);
void vn_tree_set_remove_hook(struct vn_tree *t, vn_remove_fn fn, void *ctx);
/* Token-bucket depth of every cap, in time: a cap lets through up to
 * rate*burst bytes at once after idling. Default 1 ms. */
void vn_tree_set_burst(struct vn_tree *t, vn_time_t burst_ns);
struct vn_vif *vn_tree_root(const struct vn_tree *t);
const char *vn_tree_ifname(const struct vn_tree *t);
/* The link type (DLT_*) of the frames of this tree's device, for filters and
 * captures: DLT_RAW (12) unless set. */
void vn_tree_set_linktype(struct vn_tree *t, int dlt);
int vn_tree_linktype(const struct vn_tree *t);
size_t vn_tree_count(const struct vn_tree *t);            /* VIFs, root included */
/* A counter of the changes of the tree's names, owners and modes (VIFs made
 * or removed, vn_vif_set_owner/mode), safe to read from any thread: nnfs
 * answers from what it memorised while the counter has not moved. */
uint64_t vn_tree_gen(const struct vn_tree *t);
/* The id the tree's next new VIF will get (ids are never reused). */
uint64_t vn_tree_next_id(const struct vn_tree *t);

/* Create child `name` of parent owned by uid/gid with mode (permission bits).
 * 0 or -EINVAL (bad name), -EEXIST, -EMLINK (too deep), -ENOMEM. */
int vn_vif_create(struct vn_vif *parent, const char *name, uid_t uid, gid_t gid,
		  unsigned mode, struct vn_vif **out);
/* Remove a leaf. Its queued packets move to the parent's queue, in order, and
 * the remove hook moves its attachments. 0, -EBUSY (root), -ENOTEMPTY. */
int vn_vif_remove(struct vn_vif *v);

/* "a/b" relative to the root, "." or "" for the root itself. NULL if absent. */
struct vn_vif *vn_tree_lookup(const struct vn_tree *t, const char *path);
/* The next component of such a path at *p into name (VN_NAME_MAX + 1 bytes),
 * slashes and "." skipped, *p advanced: 1, 0 at the end, -1 if too long. */
int vn_path_next(const char **p, char *name);
struct vn_vif *vn_vif_child(const struct vn_vif *v, const char *name);
struct vn_vif *vn_tree_find_id(const struct vn_tree *t, uint64_t id);
struct vn_vif *vn_vif_first_child(const struct vn_vif *v);   /* creation order */
struct vn_vif *vn_vif_next_sibling(const struct vn_vif *v);
size_t vn_vif_nchildren(const struct vn_vif *v);

struct vn_tree *vn_vif_tree(const struct vn_vif *v);
struct vn_vif *vn_vif_parent(const struct vn_vif *v);      /* NULL for the root */
const char *vn_vif_name(const struct vn_vif *v);
uint64_t vn_vif_id(const struct vn_vif *v);               /* unique, never reused; root is 1 */
unsigned vn_vif_depth(const struct vn_vif *v);
/* The cached path from v to the root: path[0] == v, path[depth] == root. */
struct vn_vif *const *vn_vif_path(const struct vn_vif *v);
/* Is a equal to d or an ancestor of d? */
bool vn_vif_is_ancestor(const struct vn_vif *a, const struct vn_vif *d);
/* "a/b" ("." for the root) into buf; returns the length (snprintf semantics). */
int vn_vif_path_str(const struct vn_vif *v, char *buf, size_t n);

/* Ownership and mode, enforced by nnfs (the tree stores them). */
uid_t vn_vif_uid(const struct vn_vif *v);
gid_t vn_vif_gid(const struct vn_vif *v);
unsigned vn_vif_mode(const struct vn_vif *v);
void vn_vif_set_owner(struct vn_vif *v, uid_t uid, gid_t gid);
void vn_vif_set_mode(struct vn_vif *v, unsigned mode);

/* Parameters. Setters validate and return -EINVAL leaving the old value. */
uint64_t vn_vif_bandwidth(const struct vn_vif *v);  /* bits/s, VN_BW_UNLIMITED, 0 = blocks */
enum vn_type vn_vif_type(const struct vn_vif *v);
unsigned vn_vif_weight(const struct vn_vif *v);
unsigned vn_vif_priority(const struct vn_vif *v);
unsigned vn_vif_qlimit(const struct vn_vif *v);
int vn_vif_set_bandwidth(struct vn_vif *v, uint64_t bps, vn_time_t now);
int vn_vif_set_type(struct vn_vif *v, enum vn_type type);   /* VN_TYPE_VIFLET only via a hook owner */
int vn_vif_set_weight(struct vn_vif *v, unsigned weight);
int vn_vif_set_priority(struct vn_vif *v, unsigned prio);
int vn_vif_set_qlimit(struct vn_vif *v, unsigned qlimit);

/* Text interface used by nnfs and the tree file: key is a parameter file name
 * (bandwidth type weight priority qlimit). set: 0, -EINVAL (bad value, old kept),
 * -ENOENT (unknown key). get: the text form without newline, or -ENOENT. */
int vn_vif_param_set(struct vn_vif *v, const char *key, const char *text, vn_time_t now);
int vn_vif_param_get(const struct vn_vif *v, const char *key, char *buf, size_t n);

struct vn_vif_stats {
	uint64_t out_packets, out_bytes;   /* egress packets that passed this VIF */
	uint64_t in_packets, in_bytes;     /* ingress packets that passed this VIF */
	uint64_t drops;                    /* dropped here: qlimit, block, filter */
	uint64_t queued;                   /* packets waiting in this VIF's subtree */
};
void vn_vif_stats(const struct vn_vif *v, struct vn_vif_stats *st);
/* The `stat` file: "key value\n" lines. Returns the length (snprintf semantics). */
int vn_vif_stats_format(const struct vn_vif *v, char *buf, size_t n);

/* Per-VIF hooks, installed by the modules that own them (filter, port, VIFlet).
 * filter: called for every packet entering the VIF's path before it is queued;
 *   returns false to drop it (counted in drops). Runs on the tree's thread.
 * tap: called for every packet that passes the VIF when it departs, and for
 *   every packet the VIF itself refuses because it blocks (type `block` or
 *   bandwidth 0), at enqueue or — egress packets from below it while a tap
 *   is set — when the VIFs below let it go: what a diverting program reads
 *   from `port`. An unset tap costs one branch. */
typedef bool (*vn_filter_fn)(void *ctx, const struct vn_pkt *p);
typedef void (*vn_tap_fn)(void *ctx, const struct vn_vif *v, const struct vn_pkt *p);
void vn_vif_set_filter(struct vn_vif *v, vn_filter_fn fn, void *ctx);
/* The filter hook installed on v (NULL if none) and its ctx. */
vn_filter_fn vn_vif_filter(const struct vn_vif *v, void **ctx);
/* Called with the filter's ctx when v is freed with a filter still on it. */
void vn_vif_set_filter_free(struct vn_vif *v, void (*fn)(void *ctx));
/* That function (NULL if none): it tells which module installed the filter,
 * whose entry point may differ from filter to filter. */
typedef void (*vn_filter_free_fn)(void *ctx);
vn_filter_free_fn vn_vif_filter_free(const struct vn_vif *v);
void vn_vif_set_tap(struct vn_vif *v, vn_tap_fn fn, void *ctx);
/* The tap installed on v (NULL if none) and its ctx, which stays stored when
 * the tap is set to NULL with a ctx (a port with no reader keeps its counters). */
vn_tap_fn vn_vif_tap(const struct vn_vif *v, void **ctx);
/* Called with the tap's ctx (if not NULL) when v is freed. */
void vn_vif_set_tap_free(struct vn_vif *v, void (*fn)(void *ctx));
/* Does a VIF on v's path (v up to the root) look at packets: a filter, a
 * tap (a port with a reader) or an external queue (a VIFlet)? */
bool vn_vif_path_inspects(const struct vn_vif *v);
/* conf: `key=value` lines a VIFlet reads (SPEC section 7). A write replaces
 * the whole text: lines are key=value (key [A-Za-z0-9_.-]+, value printable),
 * blank lines and `#` comments; -EINVAL (old text kept) otherwise, -EFBIG
 * above VN_CONF_MAX bytes. */
#define VN_CONF_MAX 4096
int vn_vif_conf_set(struct vn_vif *v, const char *text, size_t len);
int vn_vif_conf_text(const struct vn_vif *v, char *buf, size_t n);   /* snprintf semantics */
/* The value of key, or NULL; valid until the next vn_vif_conf_set. */
const char *vn_vif_conf_get(const struct vn_vif *v, const char *key);
/* log: a bounded ring of text (a VIFlet's System.out and abort reasons);
 * the oldest lines fall out first. */
#define VN_LOG_MAX 8192
void vn_vif_log(struct vn_vif *v, const char *s, size_t n);
int vn_vif_log_text(const struct vn_vif *v, char *buf, size_t n);     /* snprintf semantics */

/* An opaque pointer for the owner of the tree (e.g. nnfs's per-VIF state). */
void vn_vif_set_user(struct vn_vif *v, void *user);
void *vn_vif_user(const struct vn_vif *v);

#endif
