/* nn_port — `port` opens: a reader ring per open fed by the data path, reads
 * that wait without holding the FUSE thread, FUSE poll, and diverted writes.
 *
 * Threads and locks:
 *  - the data path (tree's thread) fills the rings; it takes no lock here,
 *    and wakes the service thread through an eventfd only for a reader that
 *    armed a wake-up (vn_port_arm);
 *  - FUSE threads run the handlers; a read with no data parks its request in
 *    the open (po->req) and returns at once;
 *  - the service thread answers parked reads and notifies poll handles;
 *  - written packets are queued (vn_port_inq) and injected on the tree's
 *    thread by one posted call per batch (the writer never waits for the
 *    data path); one write may carry many packets (a sequence of EPBs).
 * Lock order: svc->mu, then po->mu, then libfuse's own locks (a reply). The
 * interrupt callback (a reader killed or signalled while parked) runs under
 * libfuse's request lock and takes po->mu: no handler holds po->mu while it
 * registers that callback. */
#include "nn_port.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "vn_pcapng.h"
#include "vn_port.h"
#include "vn_vif.h"

#define READ_BUF (512u * 1024)
#define INJECT_BYTES (4u << 20)      /* packets written and not yet injected */
#define GATHER_NS 1000000            /* a woken reader waits this long for more... */
#define GATHER_BYTES (64u * 1024)    /* ...unless this much is waiting already */

struct nn_port_svc {
	pthread_t thread;
	int efd;
	pthread_mutex_t mu;
	struct nn_port_open *list;   /* opens with a reader, under mu */
	bool stop;
	/* Writes are answered at once and injected in batches on the tree's
	 * thread, one posted call per batch (a write costs the writer one FUSE
	 * round trip, not a wait for the data path). */
	struct vn_port_inq *inq;
};

struct nn_port_open {
	struct nn_port_open *next, *prev;
	struct vn_nnfs *fs;
	struct nn_node node;
	int dlt;
	struct vn_port_reader *r;    /* NULL: opened write-only */
	bool diverts;                /* opened for reading and writing */
	pthread_mutex_t mu;
	fuse_req_t req;              /* a parked read */
	size_t size;
	struct fuse_pollhandle *ph;  /* a poll waiting for data */
	uint8_t *rbuf;
	struct vn_port_wstate ws;    /* header blocks written by this open */
};

static void svc_wake(void *ctx)
{
	struct nn_port_svc *svc = ctx;
	uint64_t one = 1;
	if (write(svc->efd, &one, sizeof one) < 0) {
		/* the counter cannot overflow in practice: nothing to do */
	}
}

/* Answer req from the ring: data, or end of file. false: nothing yet. */
static bool try_reply(struct nn_port_open *po, fuse_req_t req, size_t size)
{
	size_t n = vn_port_read(po->r, po->rbuf, size < READ_BUF ? size : READ_BUF);
	if (n > 0) {
		fuse_reply_buf(req, (const char *)po->rbuf, n);
		return true;
	}
	if (vn_port_at_end(po->r)) {
		fuse_reply_buf(req, NULL, 0);
		return true;
	}
	return false;
}

/* Service thread, po->mu held: answer what can be answered; true if a
 * wake-up is still wanted and data arrived meanwhile (go round again). */
static bool service(struct nn_port_open *po)
{
	if (po->req && try_reply(po, po->req, po->size))
		po->req = NULL;
	if (po->ph && vn_port_readable(po->r)) {
		fuse_lowlevel_notify_poll(po->ph);
		fuse_pollhandle_destroy(po->ph);
		po->ph = NULL;
	}
	return (po->req || po->ph) && vn_port_arm(po->r);
}

static void *svc_main(void *arg)
{
	struct vn_nnfs *fs = arg;
	struct nn_port_svc *svc = fs->port;
	for (;;) {
		uint64_t v;
		if (read(svc->efd, &v, sizeof v) < 0 && errno != EINTR)
			break;
		pthread_mutex_lock(&svc->mu);
		if (svc->stop) {
			pthread_mutex_unlock(&svc->mu);
			break;
		}
		/* Wake-up moderation: a reader that keeps up would otherwise be
		 * woken for every packet (a wake-up, a reply and a new read
		 * request each: microseconds per packet). With little waiting,
		 * let a short while's packets gather first — unless a diverting
		 * open (read and write) has packets waiting: the traffic itself
		 * waits for those. */
		bool little = false, urgent = false;
		for (struct nn_port_open *po = svc->list; po && !urgent; po = po->next) {
			pthread_mutex_lock(&po->mu);
			bool waits = (po->req || po->ph) && !vn_port_at_end(po->r);
			if (waits && po->diverts)
				urgent = vn_port_pending(po->r) > 0;
			else
				little |= waits && vn_port_pending(po->r) < GATHER_BYTES;
			pthread_mutex_unlock(&po->mu);
		}
		little &= !urgent;
		if (little) {
			pthread_mutex_unlock(&svc->mu);
			struct timespec ts = {0, GATHER_NS};
			nanosleep(&ts, NULL);
			pthread_mutex_lock(&svc->mu);
		}
		bool again = false;
		for (struct nn_port_open *po = svc->list; po; po = po->next) {
			pthread_mutex_lock(&po->mu);
			again |= service(po);
			pthread_mutex_unlock(&po->mu);
		}
		pthread_mutex_unlock(&svc->mu);
		if (again)
			svc_wake(svc);
	}
	return NULL;
}

int nn_port_svc_start(struct vn_nnfs *fs)
{
	struct nn_port_svc *svc = calloc(1, sizeof *svc);
	if (!svc)
		return -ENOMEM;
	svc->efd = eventfd(0, EFD_CLOEXEC);
	if (svc->efd < 0) {
		free(svc);
		return -errno;
	}
	if (!(svc->inq = vn_port_inq_new(INJECT_BYTES))) {
		close(svc->efd);
		free(svc);
		return -ENOMEM;
	}
	pthread_mutex_init(&svc->mu, NULL);
	fs->port = svc;
	int r = pthread_create(&svc->thread, NULL, svc_main, fs);
	if (r) {
		close(svc->efd);
		pthread_mutex_destroy(&svc->mu);
		vn_port_inq_free(svc->inq);
		free(svc);
		fs->port = NULL;
		return -r;
	}
	return 0;
}

/* ----------------------------------------------- on the tree's thread */

struct port_call {
	struct nn_port_open *po;
	char name[VN_NAME_MAX * 4];
	int err;
};

static struct vn_vif *vif_of(struct nn_port_open *po)
{
	const struct nn_backend *be = &po->fs->be;
	if (po->node.tree >= be->ntrees(be->ctx))
		return NULL;
	struct vn_tree *t = be->tree(be->ctx, po->node.tree);
	return t ? vn_tree_find_id(t, po->node.vif) : NULL;
}

static void do_info(void *arg)
{
	struct port_call *c = arg;
	struct vn_vif *v = vif_of(c->po);
	if (!v) {
		c->err = -ENOENT;
		return;
	}
	struct vn_tree *t = vn_vif_tree(v);
	/* "vna:a/b": interface, then the VIF's path (truncated if very deep) */
	int k = snprintf(c->name, sizeof c->name, "%s:", vn_tree_ifname(t));
	if (k > 0 && (size_t)k < sizeof c->name)
		vn_vif_path_str(v, c->name + k, sizeof c->name - (size_t)k);
	c->po->dlt = vn_tree_linktype(t);
	c->err = 0;
}

static void do_attach(void *arg)
{
	struct port_call *c = arg;
	struct vn_vif *v = vif_of(c->po);
	const struct nn_backend *be = &c->po->fs->be;
	c->err = v ? vn_port_attach(v, c->po->r, be->comment, be->ctx) : -ENOENT;
}

static void do_detach(void *arg)
{
	struct port_call *c = arg;
	vn_port_detach(vif_of(c->po), c->po->r);
}

/* The VIF of the packets being injected: looked up once per run of packets
 * to the same port. */
struct inj_ctx {
	struct vn_nnfs *fs;
	struct vn_vif *v;
	uint64_t vid;
	uint32_t tree;
};

static void inject_one(void *arg, const struct vn_port_inj *j)
{
	struct inj_ctx *c = arg;
	const struct nn_backend *be = &c->fs->be;
	if (!c->vid || j->vif != c->vid || j->tree != c->tree) {
		struct vn_tree *t = j->tree < be->ntrees(be->ctx) ? be->tree(be->ctx, j->tree) : NULL;
		c->v = t ? vn_tree_find_id(t, j->vif) : NULL;
		c->vid = j->vif;
		c->tree = j->tree;
	}
	if (!c->v)
		return;              /* the VIF went away meanwhile */
	enum vn_dir d = VN_EGRESS;
	if (j->dir == VN_PCAPNG_DIR_IN ||
	    (j->dir == VN_PCAPNG_DIR_NONE && j->ipver && be->is_local &&
	     be->is_local(be->ctx, j->tree, j->ipver, j->data + j->dst_off)))
		d = VN_INGRESS;
	/* Refused further on the path (queue full, blocked, filtered): sent
	 * and dropped there like any other packet, counted there. */
	be->inject(be->ctx, c->v, d, j->data, j->len);
}

/* Posted to the tree's thread by the write that found nothing scheduled:
 * every packet written since goes on along its path, one batch. */
static void do_inject(void *arg)
{
	struct vn_nnfs *fs = arg;
	struct inj_ctx c = {.fs = fs};
	vn_port_inq_drain(fs->port->inq, inject_one, &c);
}

static void nop(void *arg)
{
	(void)arg;
}

/* ----------------------------------------------------- FUSE handlers */

static void po_free(struct nn_port_open *po)
{
	vn_port_reader_free(po->r);
	free(po->rbuf);
	pthread_mutex_destroy(&po->mu);
	free(po);
}

int nn_port_open(fuse_req_t req, struct vn_nnfs *fs, struct nn_fh *fh, int flags)
{
	(void)req;
	const struct nn_backend *be = &fs->be;
	struct nn_port_open *po = calloc(1, sizeof *po);
	if (!po)
		return -ENOMEM;
	pthread_mutex_init(&po->mu, NULL);
	po->fs = fs;
	po->node = fh->node;
	po->diverts = (flags & O_ACCMODE) == O_RDWR;
	struct port_call c = {.po = po};
	int r = be->call(be->ctx, do_info, &c);
	if (r == 0)
		r = c.err;
	if (r == 0 && (flags & O_ACCMODE) != O_WRONLY) {
		if (!fs->port) {
			r = -EIO;
		} else if (!(po->rbuf = malloc(READ_BUF)) ||
			   !(po->r = vn_port_reader_new(VN_PORT_RING_DEFAULT, po->dlt, c.name))) {
			r = -ENOMEM;
		} else {
			vn_port_reader_set_wake(po->r, svc_wake, fs->port);
			r = be->call(be->ctx, do_attach, &c);
			if (r == 0)
				r = c.err;
			if (r == 0) {
				pthread_mutex_lock(&fs->port->mu);
				po->next = fs->port->list;
				if (po->next)
					po->next->prev = po;
				fs->port->list = po;
				pthread_mutex_unlock(&fs->port->mu);
			}
		}
	}
	if (r) {
		po_free(po);
		return r;
	}
	fh->port = po;
	return 0;
}

/* A parked read whose caller was interrupted (a signal): EINTR. */
static void on_interrupt(fuse_req_t req, void *data)
{
	struct nn_port_open *po = data;
	pthread_mutex_lock(&po->mu);
	if (po->req == req) {
		po->req = NULL;
		fuse_reply_err(req, EINTR);
	}
	pthread_mutex_unlock(&po->mu);
}

void nn_port_read(fuse_req_t req, struct nn_fh *fh, size_t size, struct fuse_file_info *fi)
{
	struct nn_port_open *po = fh->port;
	if (!po->r) {
		fuse_reply_err(req, EBADF);
		return;
	}
	fuse_req_interrupt_func(req, on_interrupt, po);
	pthread_mutex_lock(&po->mu);
	int err = 0;
	if (try_reply(po, req, size))
		goto out;
	if (po->req)
		err = EBUSY;             /* one waiting read per open */
	else if (fi->flags & O_NONBLOCK)
		err = EAGAIN;
	else if (fuse_req_interrupted(req))
		err = EINTR;
	if (err) {
		fuse_reply_err(req, err);
		goto out;
	}
	po->req = req;
	po->size = size;
	if (vn_port_arm(po->r))          /* data came meanwhile: the service answers */
		svc_wake(po->fs->port);
out:
	pthread_mutex_unlock(&po->mu);
}

void nn_port_poll(fuse_req_t req, struct nn_fh *fh, struct fuse_pollhandle *ph)
{
	struct nn_port_open *po = fh->port;
	unsigned ev = POLLOUT | POLLWRNORM;
	if (po->r) {
		pthread_mutex_lock(&po->mu);
		if (vn_port_readable(po->r)) {
			ev |= POLLIN | POLLRDNORM;
			if (vn_port_at_end(po->r))
				ev |= POLLHUP;
		} else if (ph) {
			if (po->ph)
				fuse_pollhandle_destroy(po->ph);
			po->ph = ph;
			ph = NULL;
			if (vn_port_arm(po->r))
				svc_wake(po->fs->port);
		}
		pthread_mutex_unlock(&po->mu);
	}
	if (ph)
		fuse_pollhandle_destroy(ph);
	fuse_reply_poll(req, ev);
}

void nn_port_write(fuse_req_t req, struct nn_fh *fh, const char *buf, size_t size)
{
	struct nn_port_open *po = fh->port;
	struct nn_port_svc *svc = po->fs->port;
	const struct nn_backend *be = &po->fs->be;
	if (!be->inject || !be->post || !svc) {
		fuse_reply_err(req, EOPNOTSUPP);
		return;
	}
	bool kick;
	uint32_t max = be->max_frame ? be->max_frame(be->ctx) : UINT32_MAX;
	int r = vn_port_inq_write(svc->inq, &po->ws, po->dlt, max, po->node.tree, po->node.vif,
				  (const uint8_t *)buf, size, &kick);
	if (r < 0) {                     /* malformed, oversized, full: nothing sent */
		fuse_reply_err(req, -r);
		return;
	}
	/* The posted call drains the whole queue: only a write that finds none
	 * scheduled posts one (a burst of writes is one call on the tree's
	 * thread). If it cannot be posted, the packets wait for the next write's
	 * try (or for the end of the session). */
	if (kick && (r = be->post(be->ctx, do_inject, po->fs)) < 0) {
		vn_port_inq_unkick(svc->inq);
		fuse_reply_err(req, -r);
		return;
	}
	fuse_reply_write(req, size);
}

/* Detach, answer whatever is parked, free. After the session has ended
 * (ended) a parked request is only freed: there is no one to answer. */
static void po_close(struct nn_port_open *po, bool ended)
{
	if (po->r) {
		struct port_call c = {.po = po};
		po->fs->be.call(po->fs->be.ctx, do_detach, &c);
	}
	pthread_mutex_lock(&po->mu);
	if (po->req) {
		if (ended)
			fuse_reply_none(po->req);
		else
			fuse_reply_buf(po->req, NULL, 0);
		po->req = NULL;
	}
	if (po->ph) {
		fuse_pollhandle_destroy(po->ph);
		po->ph = NULL;
	}
	pthread_mutex_unlock(&po->mu);
	po_free(po);
}

void nn_port_release(struct nn_fh *fh, bool ended)
{
	struct nn_port_open *po = fh->port;
	struct nn_port_svc *svc = po->fs->port;
	fh->port = NULL;
	if (po->r && svc) {
		pthread_mutex_lock(&svc->mu);
		if (po->prev)
			po->prev->next = po->next;
		else if (svc->list == po)
			svc->list = po->next;
		if (po->next)
			po->next->prev = po->prev;
		pthread_mutex_unlock(&svc->mu);
	}
	po_close(po, ended);
}

void nn_port_svc_stop(struct vn_nnfs *fs)
{
	struct nn_port_svc *svc = fs->port;
	if (!svc)
		return;
	pthread_mutex_lock(&svc->mu);
	svc->stop = true;
	pthread_mutex_unlock(&svc->mu);
	svc_wake(svc);
	pthread_join(svc->thread, NULL);
	/* The session has ended: no release will come for these. */
	for (struct nn_port_open *po = svc->list, *n; po; po = n) {
		n = po->next;
		po_close(po, true);
	}
	/* calls run in order: once this one returns, every posted batch ran */
	fs->be.call(fs->be.ctx, nop, NULL);
	vn_port_inq_free(svc->inq);
	close(svc->efd);
	pthread_mutex_destroy(&svc->mu);
	free(svc);
	fs->port = NULL;
}
