/* The io_uring back end: every device has READS_PER_IFACE reads posted at
 * all times, each into a pool packet; completions are reaped in one batch
 * when the ring's eventfd fires, each finished read is reposted at once,
 * and the writes the scheduler produces are queued as SQEs and submitted
 * together with the reposted reads by one io_uring_submit per batch.
 *
 * The device fd is O_NONBLOCK: io_uring then waits for readiness with its
 * internal poll instead of parking each posted read in an io-wq worker
 * thread (tun files are not FMODE_NOWAIT; a blocking fd cost one kernel
 * worker per posted read, 128 threads for two devices, and 20% of TCP
 * throughput). A read that still completes with -EAGAIN is simply reposted. */
#include <errno.h>
#include <liburing.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "log.h"
#include "vifd.h"

#define READS_PER_IFACE 64
#define TAG_WRITE 1ull         /* low bit of user_data: a write (packets are aligned) */

struct vd_uring {
	struct io_uring ring;
	struct vn_loop *l;
	int efd;
	ev_io ev;
	unsigned inflight;         /* SQEs submitted or queued, not yet completed */
	unsigned depth;
	bool dead;
};

static struct io_uring_sqe *get_sqe(struct vd_uring *u)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(&u->ring);
	if (!sqe) {
		io_uring_submit(&u->ring);
		sqe = io_uring_get_sqe(&u->ring);
	}
	return sqe;
}

static int post_read(struct vd_uring *u, size_t i)
{
	struct vn_loop *l = u->l;
	if (u->inflight >= u->depth * 2 - 8)
		return -EBUSY;
	struct vn_pkt *p = vn_pool_get(l->pool);
	if (!p)
		return -ENOBUFS;
	struct io_uring_sqe *sqe = get_sqe(u);
	if (!sqe) {
		vn_pool_put(l->pool, p);
		return -EBUSY;
	}
	p->ifindex = (uint32_t)i;
	io_uring_prep_read(sqe, l->ifs[i].fd, p->data, p->cap, 0);
	io_uring_sqe_set_data64(sqe, (uint64_t)(uintptr_t)p);
	u->inflight++;
	l->ifs[i].posted++;
	return 0;
}

int vd_uring_post_reads(struct vd_uring *u, size_t i)
{
	while (u->l->ifs[i].posted < READS_PER_IFACE)
		if (post_read(u, i))
			return -1;
	return 0;
}

int vd_uring_write(struct vd_uring *u, int fd, struct vn_pkt *p)
{
	struct io_uring_sqe *sqe = get_sqe(u);
	if (!sqe)
		return -EBUSY;
	io_uring_prep_write(sqe, fd, p->data, p->len, 0);
	io_uring_sqe_set_data64(sqe, (uint64_t)(uintptr_t)p | TAG_WRITE);
	u->inflight++;
	return 0;
}

void vd_uring_submit(struct vd_uring *u)
{
	if (io_uring_sq_ready(&u->ring))
		io_uring_submit(&u->ring);
}

static void reap(struct vd_uring *u)
{
	struct vn_loop *l = u->l;
	struct io_uring_cqe *cqes[256];
	unsigned n;
	bool reads_done[VD_MAX_IFACES] = {false};
	while ((n = io_uring_peek_batch_cqe(&u->ring, cqes, 256)) > 0) {
		for (unsigned k = 0; k < n; k++) {
			uint64_t ud = io_uring_cqe_get_data64(cqes[k]);
			int res = cqes[k]->res;
			struct vn_pkt *p = (struct vn_pkt *)(uintptr_t)(ud & ~TAG_WRITE);
			u->inflight--;
			if (ud & TAG_WRITE) {
				vd_loop_written(l, p, res);
				continue;
			}
			size_t i = p->ifindex;
			l->ifs[i].posted--;
			reads_done[i] = true;
			if (res <= 0) {
				if (res == -EAGAIN)
					l->ifs[i].read_again++;
				if (res < 0 && res != -EAGAIN && res != -EINTR && res != -ECANCELED)
					vd_debug("%s: read: %s", l->ifs[i].name, strerror(-res));
				vn_pool_put(l->pool, p);
				continue;
			}
			p->len = (uint32_t)res;
			vd_loop_from_host(l, i, p);
		}
		io_uring_cq_advance(&u->ring, n);
	}
	if (u->dead)
		return;
	for (size_t i = 0; i < l->nif; i++)
		if (reads_done[i] || l->ifs[i].posted < READS_PER_IFACE)
			vd_uring_post_reads(u, i);
}

static void ring_cb(struct ev_loop *ev, ev_io *w, int revents)
{
	(void)ev;
	(void)revents;
	struct vd_uring *u = w->data;
	uint64_t v;
	if (read(u->efd, &v, sizeof v) < 0 && errno != EAGAIN)
		vd_debug("ring eventfd: %s", strerror(errno));
	reap(u);
	vd_loop_kick(u->l);       /* drains the trees and submits everything */
}

struct vd_uring *vd_uring_new(struct vn_loop *l, unsigned depth)
{
	struct vd_uring *u = calloc(1, sizeof *u);
	if (!u)
		return NULL;
	u->l = l;
	u->depth = depth;
	struct io_uring_params prm;
	memset(&prm, 0, sizeof prm);
	prm.flags = IORING_SETUP_CQSIZE;
	prm.cq_entries = depth * 4;
	int rc = io_uring_queue_init_params(depth, &u->ring, &prm);
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
	return u;
}

/* Cancel the posted reads and wait for every SQE to complete, so that
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
		}
	}
	io_uring_submit(&u->ring);
	unsigned cancels = 0;
	for (size_t i = 0; i < l->nif; i++)
		cancels++;
	/* Count the cancel SQEs as in flight too. */
	u->inflight += cancels;
	while (u->inflight > 0) {
		struct io_uring_cqe *cqe;
		struct __kernel_timespec ts = {.tv_sec = 1, .tv_nsec = 0};
		if (io_uring_wait_cqe_timeout(&u->ring, &cqe, &ts) < 0)
			break;
		uint64_t ud = io_uring_cqe_get_data64(cqe);
		struct vn_pkt *p = (struct vn_pkt *)(uintptr_t)(ud & ~TAG_WRITE);
		if (p)
			vn_pool_put(l->pool, p);
		io_uring_cqe_seen(&u->ring, cqe);
		u->inflight--;
	}
	ev_io_stop(l->ev, &u->ev);
	io_uring_queue_exit(&u->ring);
	close(u->efd);
	free(u);
}
