/* The control socket: SOCK_SEQPACKET, served on the loop thread without
 * ever blocking it. Each client's identity is SO_PEERCRED of its connection,
 * read once at accept. A client whose socket is full gets its reply later:
 * we stop reading from it until the reply has gone (one pending reply at
 * most), so a slow client costs memory for one reply, never time. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "ctlproto.h"
#include "ctlring.h"
#include "log.h"
#include "sockdiag.h"
#include "vifd.h"
#include "vn_param.h"

struct client {
	struct client *prev, *next;
	struct vd_ctl *ctl;
	int fd;
	ev_io io;
	struct ucred cred;
	bool hello, registered;
	vn_time_t comm_at;       /* last look at /proc/PID/comm (0: never) */
	char *pending;           /* reply not yet sent */
	size_t pending_len;
	struct vd_ring *ring;    /* the client's request ring (ctlring.h), or NULL */
	int ring_fd;             /* its memfd, handed out again after an exec */
	uint32_t ring_tail;      /* our own copy: the shared one is only published */
};

struct vd_ctl {
	struct vn_loop *l;
	int fd;
	char path[108];
	ev_io io;
	struct client *clients;
	char *out;               /* reply buffer, VD_CTL_REPLY_MAX */
	int epfd;                /* every client, for vd_ctl_poll (level-triggered) */
	ev_timer ring_timer;     /* reads the rings every VD_RING_PERIOD_MS while any exists */
	unsigned nrings;
};

static void client_free(struct client *c)
{
	struct vd_ctl *ctl = c->ctl;
	ev_io_stop(ctl->l->ev, &c->io);
	epoll_ctl(ctl->epfd, EPOLL_CTL_DEL, c->fd, NULL);
	if (c->registered)
		vn_registry_proc_put(ctl->l->reg, c->cred.pid);
	if (c->ring) {
		munmap(c->ring, VD_RING_BYTES);
		close(c->ring_fd);
		if (--ctl->nrings == 0)
			ev_timer_stop(ctl->l->ev, &ctl->ring_timer);
	}
	close(c->fd);
	free(c->pending);
	if (c->prev)
		c->prev->next = c->next;
	else
		ctl->clients = c->next;
	if (c->next)
		c->next->prev = c->prev;
	free(c);
}

static void client_cb(struct ev_loop *ev, ev_io *w, int revents);

static void reply(struct client *c, const char *msg, size_t len)
{
	ssize_t n = send(c->fd, msg, len, MSG_DONTWAIT | MSG_NOSIGNAL);
	if (n >= 0)
		return;
	if (errno != EAGAIN && errno != EWOULDBLOCK) {
		vd_debug("control client %d: send: %s", c->cred.pid, strerror(errno));
		return;
	}
	c->pending = malloc(len);
	if (!c->pending)
		return;
	memcpy(c->pending, msg, len);
	c->pending_len = len;
	ev_io_stop(c->ctl->l->ev, &c->io);
	ev_io_set(&c->io, c->fd, EV_WRITE);
	ev_io_start(c->ctl->l->ev, &c->io);
}

/* ---- requests ---- */

/* Append to a reply under construction: 0, or -E2BIG when it does not fit. */
static int __attribute__((format(printf, 4, 5))) put(char *buf, size_t n, size_t *off, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int w = vsnprintf(buf + *off, n - *off, fmt, ap);
	va_end(ap);
	if (w < 0 || (size_t)w >= n - *off)
		return -E2BIG;
	*off += (size_t)w;
	return 0;
}

static int tree_dump_vif(struct vn_vif *v, const char *ifname, char *buf, size_t n, size_t *off)
{
	char path[512], val[64];
	vn_vif_path_str(v, path, sizeof path);
	if (put(buf, n, off, "%s %s", ifname, path))
		return -E2BIG;
	static const char *const keys[] = {"bandwidth", "type", "weight", "priority", "qlimit"};
	for (size_t k = 0; k < 5; k++)
		if (vn_vif_param_get(v, keys[k], val, sizeof val) >= 0 && put(buf, n, off, " %s=%s", keys[k], val))
			return -E2BIG;
	struct vn_vif_stats st;
	vn_vif_stats(v, &st);
	if (put(buf, n, off, " out_packets=%llu out_bytes=%llu in_packets=%llu in_bytes=%llu drops=%llu queued=%llu\n",
		(unsigned long long)st.out_packets, (unsigned long long)st.out_bytes,
		(unsigned long long)st.in_packets, (unsigned long long)st.in_bytes,
		(unsigned long long)st.drops, (unsigned long long)st.queued))
		return -E2BIG;
	for (struct vn_vif *c = vn_vif_first_child(v); c; c = vn_vif_next_sibling(c)) {
		int rc = tree_dump_vif(c, ifname, buf, n, off);
		if (rc)
			return rc;
	}
	return 0;
}

static int do_tree(struct vn_loop *l, const char *ifname, char *buf, size_t n)
{
	size_t off = (size_t)snprintf(buf, n, "ok\n");
	bool any = false;
	for (size_t i = 0; i < l->nif; i++) {
		if (*ifname && strcmp(ifname, l->ifs[i].name))
			continue;
		any = true;
		int rc = tree_dump_vif(vn_tree_root(l->ifs[i].tree), l->ifs[i].name, buf, n, &off);
		if (rc)
			return rc;
	}
	if (!any)
		return -ENOENT;
	return (int)off;
}

/* " IFACE=VIFPATH" for each device, and the line's end; vif_of(obj, i) is the
 * VIF of a process or a socket on device i. */
static int put_vifs(struct vn_loop *l, char *buf, size_t n, size_t *off,
		    struct vn_vif *(*vif_of)(const void *, size_t), const void *obj)
{
	for (size_t i = 0; i < l->nif; i++) {
		char path[512];
		vn_vif_path_str(vif_of(obj, i), path, sizeof path);
		if (put(buf, n, off, " %s=%s", l->ifs[i].name, path))
			return -E2BIG;
	}
	return put(buf, n, off, "\n");
}

static struct vn_vif *proc_vif(const void *p, size_t i) { return vn_proc_vif(p, i); }
static struct vn_vif *sock_vif(const void *s, size_t i) { return vn_sock_vif(s, i); }

static int do_procs(struct vn_loop *l, char *buf, size_t n)
{
	size_t off = (size_t)snprintf(buf, n, "ok\n");
	for (struct vn_proc *p = vn_registry_proc_next(l->reg, 0); p; p = vn_registry_proc_next(l->reg, vn_proc_pid(p))) {
		if (put(buf, n, &off, "proc %d ppid %d uid %u comm %s", (int)vn_proc_pid(p), (int)vn_proc_ppid(p),
			(unsigned)vn_proc_uid(p), *vn_proc_comm(p) ? vn_proc_comm(p) : "-") ||
		    put_vifs(l, buf, n, &off, proc_vif, p))
			return -E2BIG;
		for (struct vn_sock *s = vn_proc_sock_next(p, -1); s; s = vn_proc_sock_next(p, vn_sock_fd(s))) {
			char fl[160] = "-";
			if (vn_sock_flow(s))
				vd_flow_format(vn_sock_flow(s), fl, sizeof fl);
			if (put(buf, n, &off, "sock %d %d %s", (int)vn_proc_pid(p), vn_sock_fd(s), fl) ||
			    put_vifs(l, buf, n, &off, sock_vif, s))
				return -E2BIG;
		}
	}
	return (int)off;
}

static pid_t real_ppid(pid_t pid)
{
	char path[64], buf[512];
	snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	ssize_t n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	char *rp = strrchr(buf, ')');      /* comm may contain spaces and parens */
	int ppid = 0;
	char state;
	if (!rp || sscanf(rp + 1, " %c %d", &state, &ppid) != 2)
		return 0;
	return (pid_t)ppid;
}

/* A program under the shim that execs another keeps its connection and its
 * registration; its name (a port capture's comm=) is looked up again when
 * it registers a socket, at most once a second per connection. */
static void refresh_comm(struct vn_loop *l, struct client *c)
{
	vn_time_t now = vn_loop_now(l);
	if (c->comm_at && now - c->comm_at < VN_NSEC_PER_SEC)
		return;
	c->comm_at = now;
	char path[64], buf[32];
	snprintf(path, sizeof path, "/proc/%d/comm", (int)c->cred.pid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	ssize_t k = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (k <= 0)
		return;
	buf[k] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	vn_registry_proc_set_comm(l->reg, c->cred.pid, buf);
}

static struct vn_vif *find_vif(struct vn_loop *l, const char *ifname, const char *path, int *err)
{
	int i = vn_loop_iface_by_name(l, ifname);
	if (i < 0) {
		*err = -ENOENT;
		return NULL;
	}
	struct vn_vif *v = vn_tree_lookup(l->ifs[i].tree, path);
	if (!v)
		*err = -ENOENT;
	return v;
}

/* Rule 1: only the owner (or root) changes a VIF or creates in it. */
static bool may_modify(const struct client *c, const struct vn_vif *v)
{
	return c->cred.uid == 0 || c->cred.uid == vn_vif_uid(v);
}

/* The VIF at path that the client may change (its owner or root), or NULL
 * with *err -ENOENT or -EACCES. */
static struct vn_vif *find_own_vif(const struct client *c, const char *ifname, const char *path,
				   int *err)
{
	struct vn_vif *v = find_vif(c->ctl->l, ifname, path, err);
	if (v && !may_modify(c, v)) {
		*err = -EACCES;
		return NULL;
	}
	return v;
}

static int ring_drain_all(struct vd_ctl *ctl);

/* Handle one request; the reply goes into out. Returns its length. */
static int handle(struct client *c, const struct vd_req *q, char *out, size_t n)
{
	struct vn_loop *l = c->ctl->l;
	struct vn_registry *r = l->reg;
	int rc = 0;
	const char *why = "";

	if (q->op == VD_OP_HELLO) {
		if (c->hello)
			return vd_ctl_error(out, n, -EPROTO, "hello already done");
		if (q->version != VD_CTL_VERSION)
			return snprintf(out, n, "error EPROTONOSUPPORT this vifd speaks version %d", VD_CTL_VERSION);
		c->hello = true;
		return snprintf(out, n, "ok vifd %d", VD_CTL_VERSION);
	}
	if (!c->hello)
		return vd_ctl_error(out, n, -EPROTO, "hello first");
	/* Requests about other processes' sockets see what their rings hold. */
	if (q->op == VD_OP_ATTACH || q->op == VD_OP_PROCS || q->op == VD_OP_ADOPT)
		ring_drain_all(c->ctl);
	/* Changes of what nnfs decides on its own thread (values, VIFs, where
	 * processes are; a new process starts where its parent is): its
	 * deferred ones first, or it is told to wait (vd_loop_settle). */
	if (q->op == VD_OP_SET || q->op == VD_OP_MKVIF || q->op == VD_OP_RMVIF ||
	    q->op == VD_OP_ATTACH || q->op == VD_OP_REGISTER)
		vd_loop_settle(l);
	switch (q->op) {
	case VD_OP_STATUS: {
		int w = snprintf(out, n, "ok\n");
		w += vd_loop_status(l, out + w, n - (size_t)w);
		unsigned long long asked, found, adopted;
		vd_sockdiag_stats(l->diag, &asked, &found, &adopted);
		if ((size_t)w < n)
			w += snprintf(out + w, n - (size_t)w, "sockdiag asked %llu found %llu adopted %llu\n",
				      asked, found, adopted);
		return w;
	}
	case VD_OP_SYNC:             /* the ring was read before this request (serve) */
		break;
	case VD_OP_ADOPT:
		rc = l->diag ? vd_sockdiag_adopt(l->diag, q->pid, c->cred.uid) : -ENOSYS;
		break;
	case VD_OP_TREE:
		rc = do_tree(l, q->ifname, out, n);
		break;
	case VD_OP_PROCS:
		rc = do_procs(l, out, n);
		break;
	case VD_OP_REGISTER: {
		if (c->registered)
			return vd_ctl_error(out, n, -EALREADY, "already registered");
		rc = vn_registry_proc_add(r, c->cred.pid, c->cred.uid, real_ppid(c->cred.pid), q->comm, NULL);
		if (rc)
			break;
		vn_registry_proc_set_gid(r, c->cred.pid, c->cred.gid);
		c->registered = true;
		return snprintf(out, n, "ok %d", (int)c->cred.pid);
	}
	case VD_OP_UNREGISTER:
		if (!c->registered)
			return vd_ctl_error(out, n, -EPROTO, "not registered");
		vn_registry_proc_put(r, c->cred.pid);
		c->registered = false;
		break;
	case VD_OP_SOCK:
	case VD_OP_DUP:
	case VD_OP_CLOSE:
		if (!c->registered)
			return vd_ctl_error(out, n, -EPROTO, "register first");
		if (q->op == VD_OP_SOCK && q->has_flow)
			refresh_comm(l, c);
		if (q->op == VD_OP_SOCK)
			rc = vn_registry_sock_set(r, c->cred.pid, q->fd, q->has_flow ? &q->flow : NULL);
		else if (q->op == VD_OP_DUP)
			rc = vn_registry_sock_dup(r, c->cred.pid, q->fd, q->fd2);
		else
			rc = vn_registry_sock_close(r, c->cred.pid, q->fd);
		break;
	case VD_OP_ATTACH: {
		struct vn_vif *v = find_vif(l, q->ifname, q->path, &rc);
		if (!v)
			break;
		if (q->fd >= 0)
			rc = vn_registry_attach_sock(r, q->pid, q->fd, v, c->cred.uid);
		else
			rc = vn_registry_attach_proc(r, q->pid, v, c->cred.uid);
		break;
	}
	case VD_OP_SET: {
		struct vn_vif *v = find_own_vif(c, q->ifname, q->path, &rc);
		if (!v)
			break;
		rc = vn_vif_param_set(v, q->key, q->value, vn_loop_now(l));
		if (rc == -ENOENT)
			why = "not a writable parameter";
		break;
	}
	case VD_OP_MKVIF: {
		char parent[256];
		snprintf(parent, sizeof parent, "%s", q->path);
		char *slash = strrchr(parent, '/');
		const char *name = slash ? slash + 1 : q->path;
		if (slash)
			*slash = '\0';
		else
			strcpy(parent, ".");
		struct vn_vif *pv = find_own_vif(c, q->ifname, parent, &rc);
		if (!pv)
			break;
		rc = vn_vif_create(pv, name, c->cred.uid, c->cred.gid, 0755, NULL);
		break;
	}
	case VD_OP_RMVIF: {
		struct vn_vif *v = find_own_vif(c, q->ifname, q->path, &rc);
		if (!v)
			break;
		struct vn_vif *pv = vn_vif_parent(v);
		if (pv && !may_modify(c, pv) && c->cred.uid != vn_vif_uid(v)) {
			rc = -EACCES;
			break;
		}
		rc = vn_vif_remove(v);
		break;
	}
	default:
		rc = -ENOSYS;
	}
	if (rc < 0)
		return vd_ctl_error(out, n, rc, why);
	if (rc > 0)
		return rc;           /* a listing already in out */
	return snprintf(out, n, "ok");
}

/* ---- the request ring (ctlring.h) ---- */

/* Handle what c's ring holds, in order: sock, dup and close only, no reply
 * (a refused entry is only logged). Bounded: one lap of the ring. Returns
 * the number of entries taken. */
static int ring_drain(struct client *c)
{
	if (!c->ring)
		return 0;
	char text[VD_RING_TEXT];
	char *out = c->ctl->out;
	int n = 0;
	size_t len;
	while (n < (int)VD_RING_SLOTS && vd_ring_take(c->ring, &c->ring_tail, text, &len)) {
		n++;
		struct vd_req q;
		const char *why = "";
		int rc = vd_ctl_parse(text, len, &q, &why);
		if (rc == 0 && q.op != VD_OP_SOCK && q.op != VD_OP_DUP && q.op != VD_OP_CLOSE) {
			rc = -EINVAL;
			why = "not a ring request";
		}
		if (rc == 0) {
			int olen = handle(c, &q, out, VD_CTL_REPLY_MAX);
			if (olen > 0 && strncmp(out, "ok", 2))
				vd_debug("control client %d: ring: %.*s", (int)c->cred.pid, olen, out);
		} else {
			vd_debug("control client %d: ring: %s", (int)c->cred.pid, why);
		}
	}
	return n;
}

static int ring_drain_all(struct vd_ctl *ctl)
{
	int n = 0;
	if (ctl->nrings)
		for (struct client *c = ctl->clients; c; c = c->next)
			n += ring_drain(c);
	return n;
}

static void ring_timer_cb(struct ev_loop *ev, ev_timer *w, int revents)
{
	(void)ev;
	(void)revents;
	struct vd_ctl *ctl = w->data;
	if (ring_drain_all(ctl) > 0)
		vd_loop_kick(ctl->l);
}

/* `ring`: create c's ring (or hand out the one an earlier image of the
 * process used, after reading it) and send its memfd with the reply. */
static void do_ring(struct client *c)
{
	char msg[64];
	int len;
	if (!c->registered) {
		len = vd_ctl_error(msg, sizeof msg, -EPROTO, "ring: register first");
		reply(c, msg, (size_t)len);
		return;
	}
	if (!c->ring) {
		int fd = memfd_create("vifd-ring", MFD_CLOEXEC);
		void *m = MAP_FAILED;
		if (fd >= 0 && ftruncate(fd, VD_RING_BYTES) == 0)
			m = mmap(NULL, VD_RING_BYTES, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
		if (m == MAP_FAILED) {
			int e = errno;
			if (fd >= 0)
				close(fd);
			len = vd_ctl_error(msg, sizeof msg, -e, "ring: no memory");
			reply(c, msg, (size_t)len);
			return;
		}
		c->ring = m;
		c->ring_fd = fd;
		c->ring_tail = 0;
		if (c->ctl->nrings++ == 0)
			ev_timer_start(c->ctl->l->ev, &c->ctl->ring_timer);
	}
	ring_drain(c);
	len = snprintf(msg, sizeof msg, "ok ring %u %u", VD_RING_SLOTS, VD_RING_SLOT);
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} cm;
	memset(&cm, 0, sizeof cm);
	struct iovec iov = {msg, (size_t)len};
	struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = cm.buf,
			    .msg_controllen = sizeof cm.buf};
	struct cmsghdr *ch = CMSG_FIRSTHDR(&mh);
	ch->cmsg_level = SOL_SOCKET;
	ch->cmsg_type = SCM_RIGHTS;
	ch->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(ch), &c->ring_fd, sizeof(int));
	if (sendmsg(c->fd, &mh, MSG_DONTWAIT | MSG_NOSIGNAL) >= 0)
		return;
	/* Its socket is full: the shim goes on without a ring. */
	len = vd_ctl_error(msg, sizeof msg, -errno, "ring: reply not sent");
	reply(c, msg, (size_t)len);
}

/* Serve up to max requests of c (fewer if it has no more, or its reply
 * could not be sent). May free c. */
static void serve(struct client *c, int max)
{
	char in[VD_CTL_MAX + 1];
	char *out = c->ctl->out;
	ring_drain(c);           /* what the ring holds was sent before what the socket holds */
	for (int k = 0; k < max; k++) {        /* bounded: other clients get their turn */
		ssize_t len = recv(c->fd, in, sizeof in, MSG_DONTWAIT | MSG_TRUNC);
		if (len < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
				return;
			client_free(c);
			return;
		}
		if (len == 0) {
			client_free(c);
			return;
		}
		struct vd_req q;
		const char *why;
		int olen;
		int rc = vd_ctl_parse(in, (size_t)len, &q, &why);
		if (rc == 0 && q.op == VD_OP_RING && c->hello) {
			do_ring(c);
			if (c->pending)
				return;
			continue;
		}
		if (rc)
			olen = vd_ctl_error(out, VD_CTL_REPLY_MAX, rc, why);
		else
			olen = handle(c, &q, out, VD_CTL_REPLY_MAX);
		if (olen >= VD_CTL_REPLY_MAX)
			olen = vd_ctl_error(out, VD_CTL_REPLY_MAX, -E2BIG, "reply too large");
		reply(c, out, (size_t)olen);
		if (c->pending)
			return;
	}
}

static void client_cb(struct ev_loop *ev, ev_io *w, int revents)
{
	struct client *c = w->data;
	struct vn_loop *l = c->ctl->l;
	if (revents & EV_WRITE) {
		ssize_t n = send(c->fd, c->pending, c->pending_len, MSG_DONTWAIT | MSG_NOSIGNAL);
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		free(c->pending);
		c->pending = NULL;
		ev_io_stop(ev, &c->io);
		ev_io_set(&c->io, c->fd, EV_READ);
		ev_io_start(ev, &c->io);
		return;
	}
	serve(c, 16);                    /* may free c */
	vd_loop_kick(l);                 /* a request may have changed a cap */
}

static void accept_cb(struct ev_loop *ev, ev_io *w, int revents)
{
	(void)revents;
	struct vd_ctl *ctl = w->data;
	for (;;) {
		int fd = accept4(ctl->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0)
			return;
		struct client *c = calloc(1, sizeof *c);
		socklen_t sl = sizeof c->cred;
		if (!c || getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &c->cred, &sl) < 0) {
			free(c);
			close(fd);
			continue;
		}
		c->ctl = ctl;
		c->fd = fd;
		c->next = ctl->clients;
		if (ctl->clients)
			ctl->clients->prev = c;
		ctl->clients = c;
		ev_io_init(&c->io, client_cb, fd, EV_READ);
		c->io.data = c;
		ev_io_start(ev, &c->io);
		struct epoll_event ee = {.events = EPOLLIN, .data.ptr = c};
		epoll_ctl(ctl->epfd, EPOLL_CTL_ADD, fd, &ee);
		vd_debug("control: client pid %d uid %u", (int)c->cred.pid, (unsigned)c->cred.uid);
	}
}

static void mkdirs(const char *path)
{
	char buf[108];
	snprintf(buf, sizeof buf, "%s", path);
	for (char *p = buf + 1; *p; p++)
		if (*p == '/') {
			*p = '\0';
			mkdir(buf, 0755);
			*p = '/';
		}
}

struct vd_ctl *vd_ctl_new(struct vn_loop *l, const char *path)
{
	struct sockaddr_un sa;
	if (strlen(path) >= sizeof sa.sun_path) {
		vd_err("control socket path too long: %s", path);
		return NULL;
	}
	struct vd_ctl *ctl = calloc(1, sizeof *ctl);
	if (!ctl)
		return NULL;
	ctl->out = malloc(VD_CTL_REPLY_MAX);
	ctl->l = l;
	ctl->epfd = epoll_create1(EPOLL_CLOEXEC);
	snprintf(ctl->path, sizeof ctl->path, "%s", path);
	memset(&sa, 0, sizeof sa);
	sa.sun_family = AF_UNIX;
	strcpy(sa.sun_path, path);
	ctl->fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (ctl->fd < 0 || !ctl->out || ctl->epfd < 0)
		goto fail;
	mkdirs(path);
	/* A stale socket file is replaced, a live one (another vifd) is not. */
	int probe = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (probe >= 0) {
		if (connect(probe, (struct sockaddr *)&sa, sizeof sa) == 0) {
			close(probe);
			vd_err("control socket %s: another vifd is listening", path);
			goto fail;
		}
		close(probe);
	}
	unlink(path);
	if (bind(ctl->fd, (struct sockaddr *)&sa, sizeof sa) < 0 || listen(ctl->fd, 64) < 0) {
		vd_err("control socket %s: %s", path, strerror(errno));
		goto fail;
	}
	chmod(path, 0666);               /* unprivileged shims connect; SO_PEERCRED tells who */
	ev_io_init(&ctl->io, accept_cb, ctl->fd, EV_READ);
	ctl->io.data = ctl;
	ev_io_start(l->ev, &ctl->io);
	ev_timer_init(&ctl->ring_timer, ring_timer_cb, VD_RING_PERIOD_MS / 1e3, VD_RING_PERIOD_MS / 1e3);
	ctl->ring_timer.data = ctl;
	return ctl;
fail:
	if (ctl->fd >= 0)
		close(ctl->fd);
	if (ctl->epfd >= 0)
		close(ctl->epfd);
	free(ctl->out);
	free(ctl);
	return NULL;
}

void vd_ctl_free(struct vd_ctl *ctl)
{
	while (ctl->clients)
		client_free(ctl->clients);
	ev_io_stop(ctl->l->ev, &ctl->io);
	close(ctl->fd);
	close(ctl->epfd);
	unlink(ctl->path);
	free(ctl->out);
	free(ctl);
}

/* The data path found a packet of a flow nobody registered. The shim does
 * not wait for vifd to take a registration (docs/shim.md): it writes it in
 * its ring (or sends it), then connects. The entry is in the ring before the
 * packet is in the device, so reading the rings and serving what the client
 * sockets hold now, before classifying, is enough for the packet to find its
 * socket. Reading an empty ring is one load; then one epoll_wait. */
int vd_ctl_poll(struct vd_ctl *ctl)
{
	if (!ctl)
		return 0;
	struct epoll_event ev[32];
	int served = ring_drain_all(ctl) > 0;
	int n = epoll_wait(ctl->epfd, ev, 32, 0);
	for (int i = 0; i < n; i++) {
		struct client *c = ev[i].data.ptr;
		/* Only c can be freed by serve(c): the other pointers stay valid. */
		if (c->pending)
			continue;        /* its reply waits: read it later (flow control) */
		serve(c, 256);
		served++;
	}
	return served;
}
