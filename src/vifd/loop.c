/* The data-path loop: one libev loop on its own thread owning every
 * interface's tree, the packet pool and the registry.
 *
 * Packet walk (seed IV.1.1.1): a packet the host sent into device A is
 * marked with the VIF of its socket (flow table) or of the first matching
 * `match` rule, else A's root, and queued in A's tree (egress). When the
 * scheduler lets it leave A's root it is on the wire: with --link A:B it
 * enters B's root as ingress, is demultiplexed early to its destination
 * socket's VIF, and when B's tree lets it out it is written into device B.
 *
 * Pacing: after every batch (device reads, control requests, the pacing timer)
 * the trees are drained and one timerfd is armed for the earliest
 * vn_sched_next() of all trees. A timerfd, not an ev_timer, because libev's
 * epoll back end rounds timeouts to milliseconds. */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/virtio_net.h>
#include <sched.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "cpuhint.h"
#include "log.h"
#include "parse.h"
#include "segment.h"
#include "sockdiag.h"
#include "vifd.h"
#include "vn_sched.h"

#include "vn_classify.h"

#define BUFSIZE 2048           /* MTU 1500 + Ethernet + VLAN, rounded */
#define GSO_BUFSIZE 65600      /* --offload: a 64 KB super-packet, Ethernet, the virtio-net header */
#define READ_BATCH 64          /* plain back end: reads per wakeup */
#define FOLLOW_MAX_PKTS 4      /* a wake-up that read at most this many packets, */
#define FOLLOW_IDLE_NS (VN_NSEC_PER_SEC / 1000)   /* after sleeping this long, is "sparse" */
#define FOLLOW_GAP_NS (VN_NSEC_PER_SEC / 100)   /* at most one move per 10 ms, */
#define AWAY_GAP_NS (VN_NSEC_PER_SEC / 10)      /* one away from a sender per 100 ms */

struct vd_call {
	struct vd_call *next;
	vn_loop_fn fn;
	void *arg;
	int rc;
	bool done;
	bool posted;               /* vn_loop_post: nobody waits, the loop frees it */
};

static vn_time_t now_ns(void) { return vn_clock_now(vn_clock_real()); }

/* ---- link layer ---- */

/* Offset of the network header: 0 on TUN, after Ethernet (and VLAN tags)
 * on TAP; -1 for non-IP frames (ARP...). */
static int l3_offset(int tap, const uint8_t *d, uint32_t len)
{
	if (!tap)
		return len ? 0 : -1;
	uint32_t off = 12;
	for (int tags = 0; tags < 3; tags++) {
		if (off + 2 > len)
			return -1;
		uint16_t et = (uint16_t)(d[off] << 8 | d[off + 1]);
		if (et == 0x8100 || et == 0x88a8) {
			off += 4;
			continue;
		}
		if (et == 0x0800 || et == 0x86dd)
			return off + 2 < len ? (int)(off + 2) : -1;
		return -1;
	}
	return -1;
}

/* Mark p with its VIF on interface i (p->dir set): flow table, then match
 * rules, then the root. Fragments and unknown protocols: the root. */
static void classify(struct vn_loop *l, size_t i, struct vn_pkt *p, vn_time_t now)
{
	struct vd_iface *ifc = &l->ifs[i];
	struct vn_vif *v = NULL;
	int off = l3_offset(ifc->tap, p->data, p->len);
	p->l3_off = off < 0 ? VN_L3_NONE : (uint16_t)off;
	struct vn_flow f;
	if (off >= 0 && vd_parse_flow(p->data + off, p->len - (uint32_t)off, (enum vn_dir)p->dir, &f) == 0) {
		pid_t pid = 0;
		int fd = -1;
		v = vn_registry_lookup(l->reg, i, &f, now, &pid, &fd);
		/* First packet of a flow nobody registered (lately): a shim may have
		 * just sent the registration without waiting (docs/shim.md); serve
		 * what the control sockets hold and look again. Still nobody's: ask
		 * sock_diag who owns it, off the path. */
		if (!v && vd_sockdiag_first(l->diag, i, &f, now)) {
			if (vd_ctl_poll(l->ctl) > 0)
				v = vn_registry_lookup(l->reg, i, &f, now, &pid, &fd);
			if (!v)
				vd_sockdiag_ask(l->diag, i, &f);
		}
		if (v) {
			p->pid = pid;
			p->sock = fd;
		}
		else if (ifc->cls)
			v = vn_classify(ifc->cls, p->data, p->len, p->len);
		if (v)
			ifc->classified++;
	} else {
		ifc->unparsed++;
	}
	p->vif = v ? v : vn_tree_root(ifc->tree);
}

static void to_wire(struct vn_loop *l, size_t i, struct vn_pkt *p, vn_time_t now);
static void write_dev(struct vn_loop *l, size_t i, struct vn_pkt *p);

/* Into interface i's tree; a packet whose path is open and idle leaves at
 * once (vn_sched_send), in the order the trees' drain would send it: egress
 * onto the wire (the peer's ingress), ingress into the device. */
static void enqueue_one(struct vn_loop *l, size_t i, struct vn_pkt *p, vn_time_t now)
{
	int rc = vn_sched_send(l->ifs[i].tree, p, now);
	if (rc == VN_SCHED_SENT) {
		if (p->dir == VN_EGRESS)
			to_wire(l, i, p, now);
		else
			write_dev(l, i, p);
	} else if (rc < 0) {
		l->ifs[i].drop_sched++;
		vn_pool_put(l->pool, p);
	}
}

/* Queue p in interface i's tree. With --offload, a super-packet (or a partial
 * checksum) bound for a VIF path that looks at packets (a filter, a port
 * reader, a VIFlet) is cut into wire-sized packets first; other paths carry
 * it whole. One that cannot be cut (not TCP/UDP) goes on whole. */
static void enqueue(struct vn_loop *l, size_t i, struct vn_pkt *p, vn_time_t now)
{
	if (l->headroom && vd_seg_needed(p->data - l->headroom) && vn_vif_path_inspects(p->vif)) {
		struct vn_pktq q;
		vn_pktq_init(&q);
		int n = vd_seg_segment(p, l->headroom, l->pool, &q);
		if (n == -ENOBUFS) {
			l->ifs[i].drop_nobuf++;
			vn_pool_put(l->pool, p);
			return;
		}
		if (n > 0) {
			l->ifs[i].gso_cut++;
			while ((p = vn_pktq_pop(&q)))
				enqueue_one(l, i, p, now);
			return;
		}
	}
	enqueue_one(l, i, p, now);
}

struct vn_pkt *vd_pkt_get(struct vn_loop *l)
{
	return vd_seg_pool_get(l->pool, l->headroom);
}

static void write_dev(struct vn_loop *l, size_t i, struct vn_pkt *p)
{
	struct vd_iface *ifc = &l->ifs[i];
	uint32_t h = l->headroom;     /* the virtio-net header read with the frame, or zeroed */
	ifc->to_host++;
	ifc->to_host_bytes += p->wire_len;
	if (l->ur) {
		if (vd_uring_write(l->ur, i, p, h)) {
			ifc->drop_write++;
			vn_pool_put(l->pool, p);
		}
		return;
	}
	ssize_t n = write(ifc->fd, p->data - h, p->len + h);
	if (n < 0)
		ifc->drop_write++;
	vn_pool_put(l->pool, p);
}

/* p left interface i's root onto the wire. */
static void to_wire(struct vn_loop *l, size_t i, struct vn_pkt *p, vn_time_t now)
{
	struct vd_iface *ifc = &l->ifs[i];
	ifc->wire_out++;
	ifc->wire_out_bytes += p->wire_len;
	if (ifc->peer < 0) {
		ifc->drop_nowire++;
		vn_pool_put(l->pool, p);
		return;
	}
	size_t j = (size_t)ifc->peer;
	struct vd_iface *peer = &l->ifs[j];
	peer->wire_in++;
	peer->wire_in_bytes += p->wire_len;
	if (l->cfg->bypass) {
		write_dev(l, j, p);
		return;
	}
	p->dir = VN_INGRESS;
	p->ifindex = (uint32_t)j;
	p->pid = 0;
	p->sock = -1;
	classify(l, j, p, now);
	enqueue(l, j, p, now);
}

void vd_loop_from_host(struct vn_loop *l, size_t i, struct vn_pkt *p, vn_time_t now)
{
	struct vd_iface *ifc = &l->ifs[i];
	p->wire_len = p->len;
	if (l->headroom) {
		/* the read began with the virtio-net header */
		if (p->len <= l->headroom) {
			ifc->unparsed++;
			vn_pool_put(l->pool, p);
			return;
		}
		p->len -= l->headroom;
		const uint8_t *vh = p->data - l->headroom;
		p->wire_len = vd_gso_wire_len(vh, p->data, p->len, l3_offset(ifc->tap, p->data, p->len));
		if (p->wire_len != p->len)
			ifc->gso_in++;
	}
	ifc->from_host++;
	ifc->from_host_bytes += p->wire_len;
	l->pkts_in++;
	p->dir = VN_EGRESS;
	p->ifindex = (uint32_t)i;
	if (l->cfg->bypass) {
		to_wire(l, i, p, now);
		return;
	}
	classify(l, i, p, now);
	enqueue(l, i, p, now);
}

void vd_loop_written(struct vn_loop *l, struct vn_pkt *p, int res)
{
	if (res < 0 && p->ifindex < l->nif)
		l->ifs[p->ifindex].drop_write++;
	vn_pool_put(l->pool, p);
}

/* ---- pacing ---- */

static void arm(struct vn_loop *l, vn_time_t when)
{
	if (when == l->armed)
		return;
	struct itimerspec its;
	memset(&its, 0, sizeof its);
	if (when != VN_TIME_NEVER) {
		if (when == 0)
			when = 1;
		its.it_value.tv_sec = (time_t)(when / VN_NSEC_PER_SEC);
		its.it_value.tv_nsec = (long)(when % VN_NSEC_PER_SEC);
	}
	timerfd_settime(l->tfd, TFD_TIMER_ABSTIME, &its, NULL);
	l->armed = when;
}

void vd_loop_kick(struct vn_loop *l)
{
	if (l->cfg->bypass) {
		if (l->ur)
			vd_uring_submit(l->ur);
		return;
	}
	vn_time_t next = VN_TIME_NEVER;
	for (int round = 0; round < 8; round++) {
		vn_time_t now = now_ns();
		/* Egress first: it feeds the peers' ingress. */
		for (size_t i = 0; i < l->nif; i++) {
			struct vn_tree *t = l->ifs[i].tree;
			vn_sched_next(t, now);
			struct vn_pkt *p;
			while ((p = vn_sched_dequeue(t, VN_EGRESS, now)))
				to_wire(l, i, p, now);
		}
		for (size_t i = 0; i < l->nif; i++) {
			struct vn_tree *t = l->ifs[i].tree;
			vn_sched_next(t, now);
			struct vn_pkt *p;
			while ((p = vn_sched_dequeue(t, VN_INGRESS, now)))
				write_dev(l, i, p);
		}
		next = VN_TIME_NEVER;
		for (size_t i = 0; i < l->nif; i++) {
			vn_time_t n = vn_sched_next(l->ifs[i].tree, now);
			if (n < next)
				next = n;
		}
		if (next > now)
			break;
	}
	arm(l, next);
	if (l->ur)
		vd_uring_submit(l->ur);
	l->batches++;
}

static void pace_cb(struct ev_loop *ev, ev_io *w, int revents)
{
	(void)ev;
	(void)revents;
	struct vn_loop *l = w->data;
	uint64_t n;
	if (read(l->tfd, &n, sizeof n) < 0) {
		/* spurious wakeup: nothing to read */
	}
	l->armed = VN_TIME_NEVER;
	vd_loop_kick(l);
}

/* ---- where the loop runs ----
 *
 * Each wake-up of the loop thread by a sender on the other CPU costs ~40 µs
 * on this VM (an IPI, often to a halted vCPU), one on the sender's own CPU
 * ~8 µs, and a SCHED_FIFO thread is always woken where it last ran. Whether
 * a ping's request crossed CPUs was decided by where the thread happened to
 * be at start: the bimodal RTT of the benchmark (cpuhint.h). So the thread
 * moves by the traffic that woke it:
 *   sparse (it had slept >= 1 ms, and read at most 4 packets): latency-bound,
 *     run where the sender runs, as softirq work would;
 *   dense (it had slept less, or read more) while on the sender's CPU: it
 *     would preempt the sender for every few packets, so move beside it
 *     (at most every 100 ms: a TCP sender woken by the ACKs vifd writes
 *     tends to follow the thread back).
 * At most one move per 10 ms, and none while packets wait for a cap. */

static void woke_cb(struct ev_loop *ev, ev_check *w, int revents)
{
	(void)ev;
	(void)revents;
	struct vn_loop *l = w->data;
	l->woke_pkts = l->pkts_in;
	l->woke_cpu = vd_cpuhint_get(l->hint);
	l->slept = now_ns() - l->sleep_from;
}

static void move_to(struct vn_loop *l, int cpu)
{
	/* Pinning to one CPU migrates the running thread at once; the old mask
	 * back leaves it there, free to be moved again. */
	cpu_set_t one;
	CPU_ZERO(&one);
	CPU_SET(cpu, &one);
	if (sched_setaffinity(0, sizeof one, &one) == 0) {
		sched_setaffinity(0, sizeof l->cpus, &l->cpus);
		l->moves++;
	}
}

static void follow_cb(struct ev_loop *ev, ev_prepare *w, int revents)
{
	(void)ev;
	(void)revents;
	struct vn_loop *l = w->data;
	uint64_t n = l->pkts_in - l->woke_pkts;
	uint32_t from = l->woke_cpu;
	vn_time_t now = now_ns();
	int here = sched_getcpu();
	/* Count where sparse wake-ups came from (status): whether following
	 * made them local is what decides a ping's round trip. */
	bool sparse = l->slept >= FOLLOW_IDLE_NS && n <= FOLLOW_MAX_PKTS;
	if (n > 0 && here >= 0 && sparse) {
		if ((uint32_t)here == from)
			l->sparse_local++;
		else
			l->sparse_remote++;
	}
	/* A loop that paces (its timer armed: packets wait for a cap) serves
	 * the caps, whose timing a migration would disturb: it stays. */
	if (n > 0 && here >= 0 && from < CPU_SETSIZE && CPU_ISSET(from, &l->cpus) && l->armed == VN_TIME_NEVER) {
		if (sparse && (uint32_t)here != from && now - l->moved_at >= FOLLOW_GAP_NS) {
			l->moved_at = now;
			move_to(l, (int)from);
		} else if (!sparse && (uint32_t)here == from && now - l->moved_at >= AWAY_GAP_NS) {
			for (int k = 1; k < CPU_SETSIZE; k++) {
				int c = (here + k) % CPU_SETSIZE;
				if (CPU_ISSET(c, &l->cpus)) {
					l->moved_at = now;
					move_to(l, c);
					l->moves_away++;
					break;
				}
			}
		}
	}
	l->sleep_from = now;
}

/* ---- plain back end ---- */

static void plain_read_cb(struct ev_loop *ev, ev_io *w, int revents)
{
	(void)ev;
	(void)revents;
	struct vn_loop *l = w->data;
	size_t i;
	for (i = 0; i < l->nif; i++)
		if (&l->ifs[i].rd == w)
			break;
	struct vd_iface *ifc = &l->ifs[i];
	vn_time_t now = now_ns();
	for (int k = 0; k < READ_BATCH; k++) {
		struct vn_pkt *p = vd_pkt_get(l);
		if (!p) {
			/* Pool exhausted: read (a truncated frame is discarded
			 * whole) into a scratch buffer and drop. */
			uint8_t scratch[BUFSIZE];
			if (read(ifc->fd, scratch, sizeof scratch) <= 0)
				break;
			ifc->drop_nobuf++;
			continue;
		}
		ssize_t n = read(ifc->fd, p->data - l->headroom, p->cap + l->headroom);
		if (n <= 0) {
			vn_pool_put(l->pool, p);
			break;
		}
		p->len = (uint32_t)n;
		vd_loop_from_host(l, i, p, now);
	}
	vd_loop_kick(l);
}

/* ---- calls from other threads ---- */

/* Calls are queued LIFO: list reversed onto the front of `onto` (arrival
 * order when onto is NULL). */
static struct vd_call *prepend_reversed(struct vd_call *list, struct vd_call *onto)
{
	while (list) {
		struct vd_call *n = list->next;
		list->next = onto;
		onto = list;
		list = n;
	}
	return onto;
}

static void run_deferred(struct vn_loop *l);
static void run_calls(struct vn_loop *l)
{
	run_deferred(l);        /* made before any call now queued */
	pthread_mutex_lock(&l->mu);
	struct vd_call *list = l->calls;
	l->calls = NULL;
	pthread_mutex_unlock(&l->mu);
	if (!list)
		return;
	struct vd_call *rev = prepend_reversed(list, NULL);
	for (struct vd_call *c = rev; c; c = c->next) {
		c->fn(l, c->arg);
		l->calls_run++;
	}
	pthread_mutex_lock(&l->mu);
	for (struct vd_call *c = rev, *n; c; c = n) {
		n = c->next;
		if (c->posted) {
			free(c);
			continue;
		}
		c->rc = 0;
		c->done = true;
	}
	pthread_cond_broadcast(&l->cv);
	pthread_mutex_unlock(&l->mu);
	vd_loop_kick(l);
}

static void wake_cb(struct ev_loop *ev, ev_async *w, int revents)
{
	(void)revents;
	struct vn_loop *l = w->data;
	run_calls(l);
	pthread_mutex_lock(&l->mu);
	bool stop = !l->running;
	pthread_mutex_unlock(&l->mu);
	if (stop)
		ev_break(ev, EVBREAK_ALL);
}

int vn_loop_call(struct vn_loop *l, vn_loop_fn fn, void *arg)
{
	if (vn_loop_on_thread(l)) {
		fn(l, arg);
		return 0;
	}
	struct vd_call c = {.fn = fn, .arg = arg, .rc = 0, .done = false};
	pthread_mutex_lock(&l->mu);
	if (l->stopped || !l->running) {
		pthread_mutex_unlock(&l->mu);
		return -ESHUTDOWN;
	}
	c.next = l->calls;
	l->calls = &c;
	pthread_mutex_unlock(&l->mu);
	ev_async_send(l->ev, &l->wake);
	pthread_mutex_lock(&l->mu);
	while (!c.done)
		pthread_cond_wait(&l->cv, &l->mu);
	pthread_mutex_unlock(&l->mu);
	return c.rc;
}

static int enqueue_posted(struct vn_loop *l, struct vd_call **list, vn_loop_fn fn, void *arg)
{
	struct vd_call *c = calloc(1, sizeof *c);
	if (!c)
		return -ENOMEM;
	c->fn = fn;
	c->arg = arg;
	c->posted = true;
	pthread_mutex_lock(&l->mu);
	if (l->stopped || !l->running) {
		pthread_mutex_unlock(&l->mu);
		free(c);
		return -ESHUTDOWN;
	}
	c->next = *list;
	*list = c;
	pthread_mutex_unlock(&l->mu);
	return 0;
}

/* Deferred calls wait for the loop's next wake-up; after this many, wake it
 * (bounds their memory and the loop's batch when it wakes). */
#define DEFER_WAKE 256

int vn_loop_defer(struct vn_loop *l, vn_loop_fn fn, void *arg)
{
	int rc = enqueue_posted(l, &l->deferred, fn, arg);
	if (rc == 0 && __atomic_add_fetch(&l->ndeferred, 1, __ATOMIC_RELAXED) % DEFER_WAKE == 0)
		ev_async_send(l->ev, &l->wake);
	return rc;
}

/* The deferred calls, in the order they were made. */
static void run_deferred(struct vn_loop *l)
{
	pthread_mutex_lock(&l->mu);
	struct vd_call *list = l->deferred;
	l->deferred = NULL;
	pthread_mutex_unlock(&l->mu);
	if (list)
		__atomic_store_n(&l->ndeferred, 0, __ATOMIC_RELAXED);
	for (struct vd_call *c = prepend_reversed(list, NULL), *n; c; c = n) {
		n = c->next;
		c->fn(l, c->arg);
		free(c);
	}
}

/* Every round, after the poll and before any other watcher (EV_MAXPRI):
 * deferred calls first, so they apply before whatever woke the loop. */
static void deferred_cb(struct ev_loop *ev, ev_check *w, int revents)
{
	(void)ev;
	(void)revents;
	run_deferred(w->data);
}

void vd_loop_settle(struct vn_loop *l)
{
	/* seq_cst: against nnfs's "defer, then read the count" (nn_gen) */
	__atomic_add_fetch(&l->settles, 1, __ATOMIC_SEQ_CST);
	run_deferred(l);
}

uint64_t vn_loop_settles(const struct vn_loop *l)
{
	return __atomic_load_n(&l->settles, __ATOMIC_SEQ_CST);
}

int vn_loop_post(struct vn_loop *l, vn_loop_fn fn, void *arg)
{
	int rc = enqueue_posted(l, &l->calls, fn, arg);
	if (rc == 0)
		ev_async_send(l->ev, &l->wake);    /* coalesced by libev while one is pending */
	return rc;
}

int vn_loop_rt_prio(const struct vn_loop *l)
{
	return l->cfg->rt_prio;
}

bool vn_loop_on_thread(const struct vn_loop *l)
{
	return l->running && pthread_equal(pthread_self(), l->thread);
}

/* ---- fds served on the loop (vn_loop_watch) ---- */

static void watch_cb(struct ev_loop *ev, ev_io *w, int revents)
{
	(void)ev;
	(void)revents;
	struct vd_watch *wa = w->data;
	wa->fn(wa->arg);
	/* as after a vn_loop_call: a changed parameter takes effect now */
	vd_loop_kick(wa->l);
}

struct watch_req {
	int fd;
	void (*fn)(void *arg);
	void *arg;
	int rc;
};

static void watch_fn(struct vn_loop *l, void *arg)
{
	struct watch_req *r = arg;
	r->rc = -ENOSPC;
	for (size_t k = 0; k < VN_LOOP_WATCH_MAX; k++) {
		struct vd_watch *wa = &l->watch[k];
		if (wa->on)
			continue;
		wa->fn = r->fn;
		wa->arg = r->arg;
		wa->l = l;
		wa->on = true;
		ev_io_init(&wa->io, watch_cb, r->fd, EV_READ);
		wa->io.data = wa;
		ev_io_start(l->ev, &wa->io);
		r->rc = 0;
		return;
	}
}

static void unwatch_fn(struct vn_loop *l, void *arg)
{
	struct watch_req *r = arg;
	r->rc = -ENOENT;
	for (size_t k = 0; k < VN_LOOP_WATCH_MAX; k++) {
		struct vd_watch *wa = &l->watch[k];
		if (wa->on && wa->io.fd == r->fd) {
			ev_io_stop(l->ev, &wa->io);
			wa->on = false;
			r->rc = 0;
		}
	}
}

int vn_loop_watch(struct vn_loop *l, int fd, void (*fn)(void *arg), void *arg)
{
	struct watch_req r = {fd, fn, arg, 0};
	int rc = vn_loop_call(l, watch_fn, &r);
	return rc ? rc : r.rc;
}

int vn_loop_unwatch(struct vn_loop *l, int fd)
{
	struct watch_req r = {fd, NULL, NULL, 0};
	int rc = vn_loop_call(l, unwatch_fn, &r);
	return rc ? rc : r.rc;
}

/* ---- accessors ---- */

size_t vn_loop_niface(const struct vn_loop *l) { return l->nif; }
struct vn_tree *vn_loop_tree(const struct vn_loop *l, size_t i) { return i < l->nif ? l->ifs[i].tree : NULL; }
int vn_loop_linktype(const struct vn_loop *l, size_t i) { return i < l->nif ? l->ifs[i].linktype : -1; }
vn_time_t vn_loop_now(const struct vn_loop *l) { (void)l; return now_ns(); }
struct vn_registry *vn_loop_registry(struct vn_loop *l) { return l->reg; }

int vn_loop_iface_by_name(const struct vn_loop *l, const char *name)
{
	for (size_t i = 0; i < l->nif; i++)
		if (!strcmp(l->ifs[i].name, name))
			return (int)i;
	return -ENOENT;
}

int vn_loop_inject(struct vn_loop *l, struct vn_vif *v, enum vn_dir dir, const uint8_t *data, uint32_t len)
{
	size_t i;
	for (i = 0; i < l->nif; i++)
		if (l->ifs[i].tree == vn_vif_tree(v))
			break;
	if (i == l->nif || len == 0 || len > vn_loop_max_frame(l) || dir >= VN_NDIR)
		return -EINVAL;
	struct vn_pkt *p = vd_pkt_get(l);
	if (!p)
		return -ENOBUFS;
	memset(p->data - l->headroom, 0, l->headroom);   /* no offload asked for */
	memcpy(p->data, data, len);
	p->len = p->wire_len = len;
	p->dir = (uint8_t)dir;
	p->flags |= VN_PKT_F_INJECTED;
	p->ifindex = (uint32_t)i;
	int off = l3_offset(l->ifs[i].tap, data, len);
	p->l3_off = off < 0 ? VN_L3_NONE : (uint16_t)off;
	vn_time_t now = now_ns();
	p->arrival = now;
	int rc = 0;
	/* The packet has passed v: an egress packet goes on from v's parent
	 * towards the wire; an ingress one down from v to the VIF of its
	 * socket (early demultiplexing as from the wire; v itself when that
	 * VIF is not below v), then into the host. */
	if (dir == VN_INGRESS) {
		classify(l, i, p, now);
		if (!vn_vif_is_ancestor(v, p->vif))
			p->vif = v;
		p->flags |= VN_PKT_F_DIVERTED;
		p->from_depth = (uint8_t)vn_vif_depth(v);
		rc = vn_sched_enqueue(l->ifs[i].tree, p, now);
		if (rc)
			vn_pool_put(l->pool, p);
	} else if (!vn_vif_parent(v)) {
		to_wire(l, i, p, now);
	} else {
		p->vif = vn_vif_parent(v);
		rc = vn_sched_enqueue(l->ifs[i].tree, p, now);
		if (rc)
			vn_pool_put(l->pool, p);
	}
	/* no kick here: the loop drains the trees after every batch of calls */
	return rc;
}

uint32_t vn_loop_max_frame(const struct vn_loop *l)
{
	return vn_pool_bufsize(l->pool) - l->headroom;
}

bool vn_loop_is_local(const struct vn_loop *l, size_t iface, int ipver, const uint8_t *addr)
{
	if (iface >= l->nif || (ipver != 4 && ipver != 6) || !addr)
		return false;
	const struct vd_iface *ifc = &l->ifs[iface];
	for (int k = 0; k < ifc->naddrs; k++) {
		char a[INET6_ADDRSTRLEN + 8];
		uint8_t bin[16];
		snprintf(a, sizeof a, "%s", ifc->addrs[k]);
		char *slash = strchr(a, '/');
		if (slash)
			*slash = '\0';
		if (inet_pton(ipver == 4 ? AF_INET : AF_INET6, a, bin) == 1 &&
		    memcmp(bin, addr, ipver == 4 ? 4 : 16) == 0)
			return true;
	}
	return false;
}

/* ---- set-up ---- */

static void release_cb(void *ctx, struct vn_pkt *p)
{
	struct vn_loop *l = ctx;
	vn_pool_put(l->pool, p);
}

struct remove_ctx {
	struct vn_loop *l;
	size_t iface;
};
static struct remove_ctx remove_ctxs[VD_MAX_IFACES];

static void remove_cb(void *ctx, struct vn_vif *gone, struct vn_vif *heir)
{
	struct remove_ctx *rc = ctx;
	vn_registry_vif_removed(rc->l->reg, rc->iface, gone, heir);
	if (rc->l->ifs[rc->iface].cls)
		vn_classifier_forget(rc->l->ifs[rc->iface].cls, gone, heir);
}

static void expire_cb(struct ev_loop *ev, ev_timer *w, int revents)
{
	(void)ev;
	(void)revents;
	struct vn_loop *l = w->data;
	vn_registry_expire(l->reg, now_ns());
}

struct vn_loop *vd_loop_new(struct vd_config *cfg)
{
	struct vn_loop *l = calloc(1, sizeof *l);
	if (!l)
		return NULL;
	l->cfg = cfg;
	l->ifs = cfg->ifaces;
	l->nif = (size_t)cfg->nifaces;
	l->tfd = -1;
	l->armed = VN_TIME_NEVER;
	pthread_mutex_init(&l->mu, NULL);
	pthread_cond_init(&l->cv, NULL);
	l->ev = ev_loop_new(EVFLAG_AUTO | EVFLAG_NOSIGMASK);
	if (cfg->offload) {
		/* Buffers for super-packets; pages are touched only as far as a
		 * packet reaches, so small packets cost what they did. */
		l->bufsize = GSO_BUFSIZE;
		l->headroom = (uint32_t)sizeof(struct virtio_net_hdr);
		l->pool = vn_pool_new(l->bufsize, 256, 8192);
	} else {
		l->bufsize = BUFSIZE;
		l->pool = vn_pool_new(BUFSIZE, 4096, 65536);
	}
	struct vn_tree *trees[VD_MAX_IFACES];
	for (size_t i = 0; i < l->nif; i++)
		trees[i] = l->ifs[i].tree;
	l->reg = vn_registry_new(trees, l->nif);
	l->tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (!l->ev || !l->pool || !l->reg || l->tfd < 0) {
		vd_err("cannot set up the loop: %s", strerror(errno));
		vd_loop_free(l);
		return NULL;
	}
	for (size_t i = 0; i < l->nif; i++) {
		vn_tree_set_release(l->ifs[i].tree, release_cb, l);
		remove_ctxs[i].l = l;
		remove_ctxs[i].iface = i;
		vn_tree_set_remove_hook(l->ifs[i].tree, remove_cb, &remove_ctxs[i]);
	}
	ev_io_init(&l->pace, pace_cb, l->tfd, EV_READ);
	l->pace.data = l;
	ev_io_start(l->ev, &l->pace);
	ev_async_init(&l->wake, wake_cb);
	l->wake.data = l;
	/* Calls and posts first: a change posted before a packet or a control
	 * request arrived applies before it, even in the same round (nnfs
	 * replies to a value write before the loop applies it). */
	ev_set_priority(&l->wake, EV_MAXPRI);
	ev_async_start(l->ev, &l->wake);
	ev_check_init(&l->deferred_w, deferred_cb);
	l->deferred_w.data = l;
	ev_set_priority(&l->deferred_w, EV_MAXPRI);
	ev_check_start(l->ev, &l->deferred_w);
	ev_unref(l->ev);          /* it alone does not keep the loop running */
	ev_timer_init(&l->expire, expire_cb, 1.0, 1.0);
	l->expire.data = l;
	ev_timer_start(l->ev, &l->expire);
	if (!cfg->no_follow && l->nif && (l->hint = vd_cpuhint_new())) {
		for (size_t i = 0; i < l->nif; i++) {
			int rc = vd_cpuhint_attach(l->hint, l->ifs[i].fd);
			if (rc) {
				vd_debug("%s: no sender CPU hint: %s", l->ifs[i].name, strerror(-rc));
				vd_cpuhint_free(l->hint);
				l->hint = NULL;
				break;
			}
		}
	}
	if (l->hint) {
		ev_check_init(&l->woke, woke_cb);
		l->woke.data = l;
		ev_check_start(l->ev, &l->woke);
		ev_prepare_init(&l->follow, follow_cb);
		l->follow.data = l;
		ev_prepare_start(l->ev, &l->follow);
	}

	if (!cfg->no_uring)
		l->ur = vd_uring_new(l, 1024, (uint64_t)cfg->spin_us * 1000);
	if (l->ur) {
		vd_info("device I/O: io_uring (batched), spin %u us", cfg->spin_us);
	} else {
		vd_info("device I/O: read/write");
		for (size_t i = 0; i < l->nif; i++) {
			int fl = fcntl(l->ifs[i].fd, F_GETFL);
			fcntl(l->ifs[i].fd, F_SETFL, fl | O_NONBLOCK);
			ev_io_init(&l->ifs[i].rd, plain_read_cb, l->ifs[i].fd, EV_READ);
			l->ifs[i].rd.data = l;
			ev_io_start(l->ev, &l->ifs[i].rd);
		}
	}
	return l;
}

static void *loop_main(void *arg)
{
	struct vn_loop *l = arg;
	/* The data path runs like the kernel's softirq would: ahead of ordinary
	 * processes, so that pacing timers fire on time on a loaded host (a
	 * wakeup later than the caps' burst credit loses rate). The kernel's RT
	 * throttling still leaves the other tasks 5% of the CPU if we ever spin. */
	if (l->cfg->rt_prio > 0) {
		struct sched_param sp = {.sched_priority = l->cfg->rt_prio};
		int rc = pthread_setschedparam(pthread_self(), SCHED_FIFO, &sp);
		if (rc)
			vd_warn("data path thread: SCHED_FIFO %d: %s (running at normal priority)",
				l->cfg->rt_prio, strerror(rc));
		else
			vd_info("data path thread: SCHED_FIFO priority %d", l->cfg->rt_prio);
	}
	if (sched_getaffinity(0, sizeof l->cpus, &l->cpus))
		CPU_ZERO(&l->cpus);              /* never move */
	/* io_uring requests are submitted by this thread only: their task work
	 * (completions) then runs here, not on the main thread. */
	if (l->ur && vd_uring_start(l->ur))
		vd_err("io_uring: cannot arm the devices");
	ev_run(l->ev, 0);
	/* Stopped: answer whatever is still queued; posted calls still run
	 * (in order), as they own their argument. */
	run_deferred(l);
	pthread_mutex_lock(&l->mu);
	l->stopped = true;
	struct vd_call *late = l->deferred;   /* deferred since: run below too */
	l->deferred = NULL;
	struct vd_call *rev = prepend_reversed(l->calls, NULL);
	l->calls = NULL;
	pthread_mutex_unlock(&l->mu);
	rev = prepend_reversed(late, rev);     /* at most a few, order kept */
	for (struct vd_call *c = rev; c; c = c->next)
		if (c->posted)
			c->fn(l, c->arg);
	pthread_mutex_lock(&l->mu);
	for (struct vd_call *c = rev, *n; c; c = n) {
		n = c->next;
		if (c->posted) {
			free(c);
		} else {
			c->rc = -ESHUTDOWN;
			c->done = true;
		}
	}
	pthread_cond_broadcast(&l->cv);
	pthread_mutex_unlock(&l->mu);
	return NULL;
}

int vd_loop_start(struct vn_loop *l)
{
	pthread_mutex_lock(&l->mu);
	l->running = true;
	pthread_mutex_unlock(&l->mu);
	int rc = pthread_create(&l->thread, NULL, loop_main, l);
	if (rc) {
		l->running = false;
		return -rc;
	}
	return 0;
}

void vd_loop_stop(struct vn_loop *l)
{
	pthread_mutex_lock(&l->mu);
	bool was = l->running;
	l->running = false;
	pthread_mutex_unlock(&l->mu);
	if (!was)
		return;
	ev_async_send(l->ev, &l->wake);
	pthread_join(l->thread, NULL);
}

void vd_loop_free(struct vn_loop *l)
{
	if (!l)
		return;
	if (l->diag)
		vd_sockdiag_free(l->diag);
	if (l->ctl)
		vd_ctl_free(l->ctl);
	if (l->ur)
		vd_uring_free(l->ur);     /* returns the packets of posted reads/writes */
	for (size_t i = 0; i < l->nif; i++) {
		if (l->ifs[i].tree) {
			vn_tree_free(l->ifs[i].tree);   /* releases queued packets to the pool */
			l->ifs[i].tree = NULL;
		}
	}
	vn_registry_free(l->reg);
	if (l->pool)
		vn_pool_free(l->pool);
	if (l->tfd >= 0)
		close(l->tfd);
	if (l->hint) {
		/* a device we did not create outlives us: take the filter off */
		for (size_t i = 0; i < l->nif; i++)
			if (!l->ifs[i].created && l->ifs[i].fd >= 0)
				vd_cpuhint_detach(l->ifs[i].fd);
		vd_cpuhint_free(l->hint);
	}
	if (l->ev)
		ev_loop_destroy(l->ev);
	pthread_mutex_destroy(&l->mu);
	pthread_cond_destroy(&l->cv);
	free(l);
}

int vd_loop_status(struct vn_loop *l, char *buf, size_t n)
{
	size_t off = 0;
	int w = snprintf(buf, n, "ifaces %zu procs %zu flows %zu pool_in_use %u batches %llu io %s moves %llu away %llu "
			 "sparse_local %llu sparse_remote %llu\n",
			 l->nif, vn_registry_nproc(l->reg), vn_registry_nflows(l->reg),
			 vn_pool_in_use(l->pool), (unsigned long long)l->batches,
			 l->ur ? "io_uring" : "readwrite", (unsigned long long)l->moves,
			 (unsigned long long)l->moves_away, (unsigned long long)l->sparse_local,
			 (unsigned long long)l->sparse_remote);
	if (w > 0)
		off = (size_t)w < n ? (size_t)w : n;
	for (size_t i = 0; i < l->nif; i++) {
		struct vd_iface *f = &l->ifs[i];
		w = snprintf(buf + off, n - off,
			     "iface %s from_host %llu %llu to_host %llu %llu wire_out %llu %llu wire_in %llu %llu "
			     "drop_sched %llu drop_nobuf %llu drop_nowire %llu drop_write %llu classified %llu unparsed %llu backlog %llu read_again %llu gso_in %llu gso_cut %llu\n",
			     f->name, (unsigned long long)f->from_host, (unsigned long long)f->from_host_bytes,
			     (unsigned long long)f->to_host, (unsigned long long)f->to_host_bytes,
			     (unsigned long long)f->wire_out, (unsigned long long)f->wire_out_bytes,
			     (unsigned long long)f->wire_in, (unsigned long long)f->wire_in_bytes,
			     (unsigned long long)f->drop_sched, (unsigned long long)f->drop_nobuf,
			     (unsigned long long)f->drop_nowire, (unsigned long long)f->drop_write,
			     (unsigned long long)f->classified, (unsigned long long)f->unparsed,
			     (unsigned long long)vn_sched_backlog(f->tree), (unsigned long long)f->read_again,
			     (unsigned long long)f->gso_in, (unsigned long long)f->gso_cut);
		if (w > 0)
			off += (size_t)w < n - off ? (size_t)w : n - off;
	}
	return (int)off;
}
