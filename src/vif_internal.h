/* Internal layout of VIFs and trees, shared by the tree code (vif.c), the
 * scheduler (sched.c) and the disciplines (disc_*.c). Nothing outside src/
 * sees these structures. */
#ifndef VN_VIF_INTERNAL_H
#define VN_VIF_INTERNAL_H

#include "vn_sched.h"
#include "vn_timer.h"
#include "vn_vif.h"

#define VN_NPRIO (VN_PRIO_MAX + 1)
/* Bytes a weight-1 class may send per round of surplus round robin. */
#define VN_QUANTUM 1514

/* A schedulable class in a VIF's discipline: either a child VIF (its
 * `as_child` class) or the VIF's own queue (its `self` class). A class is
 * listed in its VIF's discipline exactly while it is eligible. */
struct vn_cls {
	struct vn_cls *prev, *next;    /* in an active list of the discipline */
	struct vn_vif *vif;            /* the VIF this class stands for */
	int64_t deficit;               /* surplus round robin credit, bytes */
	unsigned prio;                 /* list it is in while listed */
	bool listed;
	bool self;                     /* the VIF's own queue, not a child */
};

struct vn_clist {                  /* a circular-free doubly linked list */
	struct vn_cls *head, *tail;
};

/* One direction of a VIF's scheduler. Fields a packet touches come first so
 * that a leaf costs few cache lines; the discipline's lists (used only by
 * VIFs with children) and the timer come last. */
struct vn_half {
	struct vn_pktq own;            /* packets attached to this VIF itself */
	uint64_t backlog;              /* packets waiting in this subtree */
	vn_time_t t_next;              /* the cap admits the next packet from here */
	struct vn_vif *vif;
	bool throttled;
	bool eligible;                 /* can send now: listed in the parent */
	bool qidle;                    /* the external queue said "nothing now" */
	uint8_t dir;                   /* enum vn_dir */
	uint32_t prio_mask;            /* bit p set: active[p] not empty */
	uint32_t nactive;              /* listed classes, self included */
	struct vn_cls as_child;        /* this VIF in its parent's discipline */
	struct vn_cls self;            /* own queue in this VIF's discipline */
	/* Discipline state: active classes by priority (fifo/wfq use prio 0). */
	struct vn_clist active[VN_NPRIO];
	struct vn_timer wake;          /* armed while throttled */
	/* Egress of a blocking VIF with a port reader: packets wait below it
	 * to be diverted (sched.c, divert_drain); listed in the tree's
	 * `diverts` while something below could reach it now. */
	struct vn_half *dnext;
	bool dlisted;
};

struct vn_disc_ops;

struct vn_vif {
	/* Hot: read for every packet crossing this VIF. The first two cache
	 * lines (VIFs are 64-byte aligned) hold all that a packet passing an
	 * open path touches (vn_sched_send): path, hooks, counters. */
	struct vn_vif **path;                    /* depth+1 entries, path[0] == this */
	unsigned depth;
	unsigned qlimit;
	vn_filter_fn filter;
	void *filter_ctx;
	vn_tap_fn tap;
	void *tap_ctx;
	/* This VIF and every one above it pass packets without holding them:
	 * no block, no cap, no external queue (kept by sched.c's reopen). */
	bool open_path;
	struct vn_vif_stats st;
	struct vn_vif *parent;
	const struct vn_disc_ops *disc;
	uint64_t bandwidth;                      /* bits/s, VN_BW_UNLIMITED */
	vn_time_t burst_min;                     /* the cap's time to send 2 quanta */
	void (*filter_free)(void *ctx);
	void (*tap_free)(void *ctx);
	struct vn_tree *tree;
	unsigned weight, priority;
	enum vn_type type;
	const struct vn_qdisc_ops *qops;         /* external queue (VIFlet), or NULL */
	void *qctx;
	bool in_qcall;                           /* inside a qops callback */

	struct vn_half half[VN_NDIR];

	/* Cold: structure and ownership. */
	struct vn_vif *first_child, *last_child, *prev_sibling, *next_sibling;
	struct vn_vif *hnext_name, *hnext_id;   /* hash chains */
	size_t nchildren;
	uint64_t id;
	uid_t uid;
	gid_t gid;
	unsigned mode;
	void *user;
	char *conf;                              /* conf text as written, or NULL */
	char *conf_vals;                         /* parsed: "key\0value\0...\0" */
	char *log;                               /* VN_LOG_MAX ring, allocated on first use */
	size_t log_start, log_len;
	char name[VN_NAME_MAX + 1];
};

struct vn_tree {
	struct vn_vif *root;
	char ifname[VN_NAME_MAX + 1];
	struct vn_timerq *timers;
	vn_release_fn release;
	void *release_ctx;
	vn_remove_fn remove_hook;
	void *remove_ctx;
	vn_time_t burst;
	struct vn_half *diverts;                 /* see vn_half.dlisted */
	int linktype;
	uint64_t next_id;
	size_t count;
	/* Hash tables: (parent, name) -> VIF and id -> VIF. */
	struct vn_vif **by_name, **by_id;
	size_t hsize;                            /* buckets, a power of two */
	/* Changes of names, owners and modes (vn_tree_gen): read by other
	 * threads, so atomic (tree_changed). */
	uint64_t gen;
};

/* Statistics are written by the tree's thread and may be read by others
 * (nnfs); relaxed atomic stores keep those reads untorn at no cost on x86. */
#define VN_STAT_ADD(field, v) \
	__atomic_store_n(&(field), __atomic_load_n(&(field), __ATOMIC_RELAXED) + (v), __ATOMIC_RELAXED)

/* sched.c: the tree code calls these on structural and parameter changes. */
void vn_sched_vif_init(struct vn_vif *v);
void vn_sched_vif_detach(struct vn_vif *v);       /* leaf leaving: move packets up */
/* A parameter of v changed (old_disc: its discipline before the change). */
void vn_sched_change(struct vn_vif *v, const struct vn_disc_ops *old_disc, bool new_rate,
		     vn_time_t now);
void vn_sched_flush(struct vn_vif *v);            /* drop the whole subtree's backlog */
/* Tree teardown: release what an external queue holds and detach it. */
void vn_sched_qdisc_release(struct vn_vif *v);

#endif
