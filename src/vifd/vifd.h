/* vifd internals shared by its files: configuration, interfaces, the loop. */
#ifndef VIFD_H
#define VIFD_H

#include <ev.h>
#include <net/if.h>
#include <pthread.h>
#include <sched.h>
#include <stdbool.h>
#include <stdint.h>

#include "vn_loop.h"
#include "vn_pkt.h"
#include "vn_registry.h"
#include "vn_vif.h"

#define VD_MAX_IFACES 16
#define VD_MAX_ADDRS 8

struct vn_classifier;

/* One interface as given on the command line, then as opened. */
struct vd_iface {
	/* configuration */
	char name[IFNAMSIZ];
	bool tap;
	bool vnet;                   /* --offload: IFF_VNET_HDR, a virtio-net header before each frame */
	const char *netns;
	const char *addrs[VD_MAX_ADDRS];
	int naddrs;
	const char *rate;            /* text, parsed by vn_bw_parse */
	const char *treefile;
	/* state */
	int fd;
	bool created;                /* vifd made it (closing the fd removes it) */
	bool moved;                  /* moved into netns */
	int linktype;                /* DLT_RAW or DLT_EN10MB */
	int peer;                    /* --link peer index, or -1 */
	struct vn_tree *tree;
	struct vn_classifier *cls;
	ev_io rd;                    /* plain back end: readable */
	uint32_t posted;             /* io_uring reads in flight */
	/* counters (loop thread) */
	uint64_t from_host, from_host_bytes;   /* read from the device (egress in) */
	uint64_t to_host, to_host_bytes;       /* written to the device (ingress out) */
	uint64_t wire_out, wire_out_bytes;     /* left the root onto the wire */
	uint64_t wire_in, wire_in_bytes;       /* entered the root from the wire */
	uint64_t drop_sched, drop_nobuf, drop_nowire, drop_write, classified, unparsed;
	uint64_t read_again;                   /* io_uring reads that found the device empty */
	uint64_t gso_in;                       /* --offload: super-packets read from the device */
	uint64_t gso_cut;                      /* --offload: packets finished in software (segment.c) */
};

struct vd_config {
	const char *mount;
	const char *control;
	bool foreground;
	bool use_syslog;
	bool bypass;                 /* forward device to peer without a tree */
	bool no_uring;
	bool offload;                /* TUN offloads: GSO super-packets carried whole */
	bool no_follow;              /* the loop thread does not move to the senders' CPUs */
	int rt_prio;                 /* SCHED_FIFO priority of the loop thread, 0: off */
	uint32_t spin_us;            /* io_uring: poll the ring this long after a packet before sleeping */
	int nifaces;
	struct vd_iface ifaces[VD_MAX_IFACES];
	int nlinks;
	char links[VD_MAX_IFACES][2][IFNAMSIZ];
};

struct vd_call;
struct vd_uring;
struct vd_ctl;
struct vd_sockdiag;
struct vd_cpuhint;

struct vn_loop {
	struct ev_loop *ev;
	struct vd_config *cfg;
	struct vd_iface *ifs;
	size_t nif;
	struct vn_pool *pool;
	uint32_t bufsize;            /* of the pool's buffers */
	uint32_t headroom;           /* before p->data: the virtio-net header (--offload), else 0 */
	struct vn_registry *reg;
	struct vd_uring *ur;         /* NULL: plain read/write back end */
	struct vd_ctl *ctl;
	struct vd_sockdiag *diag;   /* owner lookups off the packet path (sockdiag.c) */
	struct vd_cpuhint *hint;     /* the senders' CPU (cpuhint.c), NULL: do not follow */
	ev_check woke;               /* after each wait: note the hint and the packet count */
	ev_prepare follow;           /* before each wait: move to the sender's CPU if sparse */
	uint64_t pkts_in;            /* packets read from every device */
	uint64_t woke_pkts;          /* pkts_in when the loop last woke */
	uint32_t woke_cpu;           /* the hint then */
	vn_time_t sleep_from, slept; /* the last wait: its start, its length */
	vn_time_t moved_at;
	uint64_t moves, moves_away;  /* all moves; those off a busy sender's CPU */
	/* Sparse wake-ups by the sender's CPU: the same as the loop's (a local
	 * wake-up) or another (an IPI): what a ping's round trip is made of. */
	uint64_t sparse_local, sparse_remote;
	cpu_set_t cpus;              /* the loop thread's affinity as started */
	int tfd;                     /* timerfd: the pacing timer */
	ev_io pace;
	vn_time_t armed;             /* when the timerfd fires, VN_TIME_NEVER if off */
	ev_timer expire;
	ev_async wake;
	ev_check deferred_w;       /* runs vn_loop_defer's calls when the loop wakes */
	struct vd_call *deferred;  /* vn_loop_defer's, newest first (under mu) */
	unsigned ndeferred;        /* atomic: made since the last run (a hint) */
	uint64_t settles;          /* atomic: vd_loop_settle's so far */
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct vd_call *calls;       /* pending vn_loop_call requests (under mu) */
	struct vd_watch {            /* vn_loop_watch (loop thread) */
		ev_io io;
		void (*fn)(void *arg);
		void *arg;
		struct vn_loop *l;
		bool on;
	} watch[VN_LOOP_WATCH_MAX];
	bool running, stopped;       /* under mu */
	uint64_t batches, calls_run;
};

/* dev.c: open/create the device, move it, address it. 0 or -1 (logged). */
int vd_dev_open(struct vd_iface *ifc, bool nonblock);
int vd_dev_configure(struct vd_iface *ifc);
void vd_dev_close(struct vd_iface *ifc);

/* loop.c */
struct vn_loop *vd_loop_new(struct vd_config *cfg);
/* Start the loop thread. 0 or -errno. */
int vd_loop_start(struct vn_loop *l);
/* Stop the loop thread and join it; pending calls get -ESHUTDOWN. */
void vd_loop_stop(struct vn_loop *l);
void vd_loop_free(struct vn_loop *l);
/* Loop thread: run the scheduler now and re-arm the pacing timer. */
void vd_loop_kick(struct vn_loop *l);
/* Before the loop decides on a change of the trees for somebody else (a
 * control request): count it (vn_loop_settles) and run the deferred calls
 * first. nnfs decides value writes, mkdir and rmdir on its own thread from
 * what it saw at a count of changes and defers them (vn_loop_defer); with
 * this, either nnfs sees the count move and waits for the loop's own
 * decision, or its deferred change is applied before this one is decided. */
void vd_loop_settle(struct vn_loop *l);
/* Loop thread: one line per interface of counters into buf. */
int vd_loop_status(struct vn_loop *l, char *buf, size_t n);

/* uring.c: the batched io_uring back end. */
struct vd_uring *vd_uring_new(struct vn_loop *l, unsigned depth, uint64_t spin_ns);
void vd_uring_free(struct vd_uring *u);
/* Loop thread, once: watch each device for reading. */
int vd_uring_start(struct vd_uring *u);
/* Write p's frame into interface iface, with the headroom bytes before it
 * (the virtio-net header); reads on iface follow it in the same submit. */
int vd_uring_write(struct vd_uring *u, size_t iface, struct vn_pkt *p, uint32_t headroom);
void vd_uring_submit(struct vd_uring *u);

/* loop.c, for the back ends: a packet from the pool, its data past the
 * headroom (NULL: pool empty); a packet read from interface i at time now
 * (egress into its tree: p->len counts the headroom read too; the back end
 * reads the clock once per batch of reads); a written packet to recycle. */
struct vn_pkt *vd_pkt_get(struct vn_loop *l);
void vd_loop_from_host(struct vn_loop *l, size_t i, struct vn_pkt *p, vn_time_t now);
void vd_loop_written(struct vn_loop *l, struct vn_pkt *p, int res);

/* gso.c: the bytes a frame of len bytes (network header at l3off, -1: none)
 * costs on a wire, given its virtio-net header vh: len, or for a GSO
 * super-packet its payload plus the headers of every segment. */
uint32_t vd_gso_wire_len(const uint8_t *vh, const uint8_t *frame, uint32_t len, int l3off);

/* ctl.c: the control socket on the loop. */
struct vd_ctl *vd_ctl_new(struct vn_loop *l, const char *path);
void vd_ctl_free(struct vd_ctl *c);
/* Loop thread: serve the requests already waiting in client sockets (before
 * classifying a packet of an unknown flow). How many clients were served. */
int vd_ctl_poll(struct vd_ctl *ctl);

#endif
