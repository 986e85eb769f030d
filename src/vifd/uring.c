/* The io_uring back end.
 *
 * Readiness, then reads. libev watches each device (epoll, level-triggered);
 * when one is readable a batch of reads is posted with RWF_NOWAIT, so each
 * read completes at once (a packet, or -EAGAIN when the device is empty)
 * instead of waiting in the kernel. A batch that came back full is followed
 * by a bigger one at once (up to READ_BATCH_MAX); one that met -EAGAIN waits
 * for the next readiness. Reads and the writes the scheduler produces go to
 * the kernel together, one io_uring_submit per round.
 *
 * Reads after writes. A packet written into a device is taken in by the
 * host's stack inside that write, and what the stack answers at once (an
 * echo reply, a TCP ACK) is in the device when the write returns. So every
 * round that writes into a device also posts a read on it, after the
 * writes in the same submit: they pick up the answer without waiting for
 * readiness, a wake-up and another round.
 *
 * (Earlier: a multishot poll in the ring told the loop a device had data.
 * Its completion is task work, which interrupted the sleeping loop thread
 * with a signal-like notification: per packet an interrupted epoll_wait, an
 * eventfd write, a second epoll_wait and an eventfd read, ~30 us of the ping
 * RTT on this VM. Before that, 64 reads per device sat posted at all times,
 * each polling the device: every packet woke all 64.)
 *
 * Waking up. The ring's eventfd (for completions that do not come inline)
 * wakes libev only while the loop is about to sleep: while it works,
 * notifications are off and the loop keeps reaping until the completion
 * queue stays empty. With spin_ns > 0 the loop, before sleeping, polls the
 * completion queue and the devices for up to spin_ns after the last packet.
 *
 * Every request is submitted by the loop thread (the one its task work runs
 * on); the set-up posts nothing from the main thread. */
#include <errno.h>
#include <liburing.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "log.h"
#include "vifd.h"

#ifndef RWF_NOWAIT
#define RWF_NOWAIT 0x00000008
#endif

#define READ_BATCH_MIN 2
#define READ_BATCH_MAX 64
#define READ_AFTER_WRITE 1      /* reads posted behind the writes into a device */
#define DRAIN_ROUNDS 32         /* rounds per wake-up before other watchers get a turn */

/* user_data: a packet pointer (8-aligned), tagged in the low two bits. */
#define TAG_READ 0ull
#define TAG_WRITE 1ull
#define TAG_MASK 3ull

struct vd_uring;

struct dev_state {
	ev_io io;                  /* readable (epoll) */
	struct vd_uring *u;
	bool ready;                /* readable since the current batch was posted */
	bool wrote;                /* written to in this round: read behind the writes */
	unsigned reading;          /* reads of the current batch not yet completed */
	unsigned batch;            /* size of the next batch */
	unsigned got;              /* packets read by the current batch */
	bool empty;                /* the current batch met -EAGAIN */
};

struct vd_uring {
	struct io_uring ring;
	struct vn_loop *l;
	int efd;
	ev_io ev;
	ev_prepare before_sleep;
	unsigned inflight;         /* SQEs submitted or queued, not yet completed */
	unsigned depth;
	bool dead;
	bool coop;                 /* IORING_SETUP_COOP_TASKRUN: task work waits for us */
	uint64_t spin_ns;
	vn_time_t last_pkt;        /* when the last packet was read */
	struct dev_state dev[VD_MAX_IFACES];
};

static vn_time_t mono_ns(void) { return vn_clock_now(vn_clock_real()); }

static inline void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#endif
}

static struct io_uring_sqe *get_sqe(struct vd_uring *u)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(&u->ring);
	if (!sqe) {
		io_uring_submit(&u->ring);
		sqe = io_uring_get_sqe(&u->ring);
	}
	return sqe;
}

/* Post a batch of n non-waiting reads on interface i. */
static void post_reads(struct vd_uring *u, size_t i, unsigned n)
{
	struct vn_loop *l = u->l;
	struct dev_state *d = &u->dev[i];
	d->ready = false;
	d->got = 0;
	d->empty = false;
	for (unsigned k = 0; k < n; k++) {
		if (u->inflight >= u->depth * 2 - 8)
			break;
		struct vn_pkt *p = vd_pkt_get(l);
		if (!p) {
			l->ifs[i].drop_nobuf++;
			break;
		}
		struct io_uring_sqe *sqe = get_sqe(u);
		if (!sqe) {
			vn_pool_put(l->pool, p);
			break;
		}
		p->ifindex = (uint32_t)i;
		io_uring_prep_read(sqe, l->ifs[i].fd, p->data - l->headroom, p->cap + l->headroom, 0);
		sqe->rw_flags = RWF_NOWAIT;
		io_uring_sqe_set_data64(sqe, (uint64_t)(uintptr_t)p | TAG_READ);
		u->inflight++;
		d->reading++;
		l->ifs[i].posted++;
	}
}

static void post_batch(struct vd_uring *u, size_t i)
{
	post_reads(u, i, u->dev[i].batch);
}

static void drain(struct vd_uring *u);

static void dev_cb(struct ev_loop *ev, ev_io *w, int revents)
{
	(void)ev;
	(void)revents;
	struct dev_state *d = (struct dev_state *)w;
	struct vd_uring *u = d->u;
	io_uring_cq_eventfd_toggle(&u->ring, false);   /* we reap as we go */
	d->ready = true;
	if (!d->reading)
		post_batch(u, (size_t)(d - u->dev));
	drain(u);
}

int vd_uring_start(struct vd_uring *u)
{
	for (size_t i = 0; i < u->l->nif; i++) {
		struct dev_state *d = &u->dev[i];
		d->u = u;
		d->batch = READ_BATCH_MIN;
		ev_io_init(&d->io, dev_cb, u->l->ifs[i].fd, EV_READ);
		ev_io_start(u->l->ev, &d->io);
	}
	return 0;
}

int vd_uring_write(struct vd_uring *u, size_t iface, struct vn_pkt *p, uint32_t headroom)
{
	struct io_uring_sqe *sqe = get_sqe(u);
	if (!sqe)
		return -EBUSY;
	io_uring_prep_write(sqe, u->l->ifs[iface].fd, p->data - headroom, p->len + headroom, 0);
	io_uring_sqe_set_data64(sqe, (uint64_t)(uintptr_t)p | TAG_WRITE);
	u->inflight++;
	u->dev[iface].wrote = true;
	return 0;
}

void vd_uring_submit(struct vd_uring *u)
{
	for (size_t i = 0; i < u->l->nif; i++) {
		struct dev_state *d = &u->dev[i];
		if (d->wrote && !d->reading && !u->dead)
			post_reads(u, i, READ_AFTER_WRITE);
		d->wrote = false;
	}
	if (io_uring_sq_ready(&u->ring))
		io_uring_submit(&u->ring);
}

/* Completions waiting, or task work that would produce some. */
static bool pending(struct vd_uring *u)
{
	if (io_uring_cq_ready(&u->ring))
		return true;
	return u->coop && (IO_URING_READ_ONCE(*u->ring.sq.kflags) & IORING_SQ_TASKRUN);
}

/* A read of interface i completed with res (reaped at time now). */
static void read_done(struct vd_uring *u, size_t i, struct vn_pkt *p, int res, vn_time_t now)
{
	struct vn_loop *l = u->l;
	struct dev_state *d = &u->dev[i];
	l->ifs[i].posted--;
	d->reading--;
	if (res > 0) {
		d->got++;
		p->len = (uint32_t)res;
		vd_loop_from_host(l, i, p, now);
	} else {
		if (res == -EAGAIN) {
			d->empty = true;
			l->ifs[i].read_again++;
		}
		else if (res < 0 && res != -EINTR && res != -ECANCELED)
			vd_debug("%s: read: %s", l->ifs[i].name, strerror(-res));
		vn_pool_put(l->pool, p);
	}
	if (d->reading || u->dead)
		return;
	/* The batch is over: size the next one by this one's yield. */
	if (!d->empty) {
		d->batch = d->batch * 2 > READ_BATCH_MAX ? READ_BATCH_MAX : d->batch * 2;
		post_batch(u, i);        /* the device probably holds more */
	} else {
		unsigned want = d->got * 2;
		d->batch = want < READ_BATCH_MIN ? READ_BATCH_MIN : want > READ_BATCH_MAX ? READ_BATCH_MAX : want;
		if (d->ready)            /* a packet came after the batch was posted */
			post_batch(u, i);
	}
}

/* Reap every completion now in the ring, at time now (one clock read per
 * round, not per packet). How many packets were read. */
static unsigned reap(struct vd_uring *u, vn_time_t now)
{
	struct vn_loop *l = u->l;
	struct io_uring_cqe *cqes[256];
	unsigned n, pkts = 0;
	if (u->coop && (IO_URING_READ_ONCE(*u->ring.sq.kflags) & IORING_SQ_TASKRUN))
		io_uring_get_events(&u->ring);
	while ((n = io_uring_peek_batch_cqe(&u->ring, cqes, 256)) > 0) {
		for (unsigned k = 0; k < n; k++) {
			uint64_t ud = io_uring_cqe_get_data64(cqes[k]);
			int res = cqes[k]->res;
			switch (ud & TAG_MASK) {
			case TAG_WRITE:
				u->inflight--;
				vd_loop_written(l, (struct vn_pkt *)(uintptr_t)(ud & ~TAG_MASK), res);
				break;
			default: {
				struct vn_pkt *p = (struct vn_pkt *)(uintptr_t)(ud & ~TAG_MASK);
				u->inflight--;
				if (res > 0)
					pkts++;
				read_done(u, p->ifindex, p, res, now);
			}
			}
		}
		io_uring_cq_advance(&u->ring, n);
	}
	return pkts;
}

/* Reap, run the trees and submit, again while the submit produced more
 * completions (bounded: other watchers get their turn). */
static void drain(struct vd_uring *u)
{
	for (int round = 0; round < DRAIN_ROUNDS; round++) {
		vn_time_t now = mono_ns();
		if (reap(u, now))
			u->last_pkt = now;
		vd_loop_kick(u->l);       /* drains the trees and submits everything */
		if (!pending(u))
			return;
	}
}

static void ring_cb(struct ev_loop *ev, ev_io *w, int revents)
{
	(void)ev;
	(void)revents;
	struct vd_uring *u = w->data;
	uint64_t v;
	if (read(u->efd, &v, sizeof v) < 0 && errno != EAGAIN)
		vd_debug("ring eventfd: %s", strerror(errno));
	io_uring_cq_eventfd_toggle(&u->ring, false);
	drain(u);
}

/* libev is about to sleep: spin a little if traffic just passed, then turn
 * the eventfd back on (and look once more, so nothing posted in between is
 * slept through). */
static void before_sleep_cb(struct ev_loop *ev, ev_prepare *w, int revents)
{
	(void)ev;
	(void)revents;
	struct vd_uring *u = w->data;
	if (u->spin_ns) {
		vn_time_t now = mono_ns();
		while (now - u->last_pkt < u->spin_ns) {
			/* Readiness is epoll's: look into the devices ourselves. */
			for (size_t i = 0; i < u->l->nif; i++)
				if (!u->dev[i].reading)
					post_reads(u, i, 1);
			if (io_uring_sq_ready(&u->ring))
				io_uring_submit(&u->ring);
			if (pending(u))
				drain(u);
			else
				cpu_relax();
			now = mono_ns();
		}
	}
	io_uring_cq_eventfd_toggle(&u->ring, true);
	if (pending(u)) {
		uint64_t one = 1;
		if (write(u->efd, &one, sizeof one) < 0)
			vd_debug("ring eventfd: %s", strerror(errno));
	}
}

struct vd_uring *vd_uring_new(struct vn_loop *l, unsigned depth, uint64_t spin_ns)
{
	struct vd_uring *u = calloc(1, sizeof *u);
	if (!u)
		return NULL;
	u->l = l;
	u->depth = depth;
	u->spin_ns = spin_ns;
	struct io_uring_params prm;
	memset(&prm, 0, sizeof prm);
	/* Cooperative task work: a completion arriving while the loop thread
	 * runs (or spins) does not interrupt it; it is picked up at the next
	 * reap. A sleeping loop is still woken. */
	prm.flags = IORING_SETUP_CQSIZE | IORING_SETUP_COOP_TASKRUN | IORING_SETUP_TASKRUN_FLAG;
	prm.cq_entries = depth * 4;
	int rc = io_uring_queue_init_params(depth, &u->ring, &prm);
	if (rc == -EINVAL) {            /* kernel older than 5.19 */
		memset(&prm, 0, sizeof prm);
		prm.flags = IORING_SETUP_CQSIZE;
		prm.cq_entries = depth * 4;
		rc = io_uring_queue_init_params(depth, &u->ring, &prm);
	} else if (rc == 0) {
		u->coop = true;
	}
	if (rc < 0) {
		vd_warn("io_uring unavailable (%s): falling back to read/write", strerror(-rc));
		free(u);
		return NULL;
	}
	u->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (u->efd < 0 || io_uring_register_eventfd(&u->ring, u->efd) < 0) {
		vd_warn("io_uring eventfd: %s: falling back to read/write", strerror(errno));
		if (u->efd >= 0)
			close(u->efd);
		io_uring_queue_exit(&u->ring);
		free(u);
		return NULL;
	}
	ev_io_init(&u->ev, ring_cb, u->efd, EV_READ);
	u->ev.data = u;
	ev_io_start(l->ev, &u->ev);
	ev_prepare_init(&u->before_sleep, before_sleep_cb);
	u->before_sleep.data = u;
	ev_prepare_start(l->ev, &u->before_sleep);
	return u;
}

/* Cancel the polls and reads and wait for every SQE to complete, so that
 * every packet is back in the pool before it is freed. */
void vd_uring_free(struct vd_uring *u)
{
	struct vn_loop *l = u->l;
	u->dead = true;
	for (size_t i = 0; i < l->nif; i++) {
		struct io_uring_sqe *sqe = get_sqe(u);
		if (sqe) {
			io_uring_prep_cancel_fd(sqe, l->ifs[i].fd, IORING_ASYNC_CANCEL_ALL);
			io_uring_sqe_set_data64(sqe, 0 | TAG_WRITE);   /* p == NULL: ignored below */
			u->inflight++;
		}
	}
	io_uring_submit(&u->ring);
	while (u->inflight > 0) {
		struct io_uring_cqe *cqe;
		struct __kernel_timespec ts = {.tv_sec = 1, .tv_nsec = 0};
		if (io_uring_wait_cqe_timeout(&u->ring, &cqe, &ts) < 0)
			break;
		uint64_t ud = io_uring_cqe_get_data64(cqe);
		if (ud & ~TAG_MASK)
			vn_pool_put(l->pool, (struct vn_pkt *)(uintptr_t)(ud & ~TAG_MASK));
		io_uring_cqe_seen(&u->ring, cqe);
		u->inflight--;
	}
	for (size_t i = 0; i < l->nif; i++)
		ev_io_stop(l->ev, &u->dev[i].io);
	ev_prepare_stop(l->ev, &u->before_sleep);
	ev_io_stop(l->ev, &u->ev);
	io_uring_queue_exit(&u->ring);
	close(u->efd);
	free(u);
}
