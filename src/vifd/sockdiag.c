/* sock_diag attribution (see sockdiag.h).
 *
 * Threads: vd_sockdiag_miss and vd_sockdiag_adopt run on the loop thread;
 * they touch the cache and the adopted list (loop-only) and push a job under
 * `mu` (held for a few instructions). The worker pops jobs, asks the kernel
 * and /proc, and hands its findings back with vn_loop_call, so the registry
 * is only ever touched on the loop thread. The worker owns one diag socket
 * per interface, opened inside that interface's network namespace (setns on
 * the worker thread, then back): a socket keeps the namespace it was
 * created in. */
#include "sockdiag.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "flowhash.h"
#include "log.h"
#include "vifd.h"

#define QLEN 256
#define CACHE 1024                       /* recently asked flows (a cache: overwritten) */
#define RETRY_NS (2 * VN_NSEC_PER_SEC)   /* ask again about a flow after this */
#define MAXITEMS 256                     /* sockets per job result */

enum job_kind { JOB_FLOW, JOB_PROC };

struct job {
	enum job_kind kind;
	size_t iface;
	struct vn_flow f;
	pid_t pid;
};

struct cache_ent {
	struct vn_flow f;
	size_t iface;
	vn_time_t at;
};

struct adopted {
	struct adopted *next;
	struct vd_sockdiag *d;
	pid_t pid;
	int pidfd;
	ev_io io;
};

struct vd_sockdiag {
	struct vn_loop *l;
	pthread_t th;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct job q[QLEN];
	unsigned head, tail;                  /* under mu */
	bool stop;                            /* under mu */
	struct cache_ent cache[CACHE];        /* loop thread */
	struct cache_ent *last[VD_MAX_IFACES];  /* the entry the last check found, per iface */
	struct adopted *adopted;              /* loop thread */
	int diagfd[VD_MAX_IFACES];            /* worker */
	int selfns;                           /* worker: vifd's own netns */
	unsigned long long asked, found, nadopted, dropped;   /* loop thread */
};

/* One socket as the kernel reports it, in registry form (local = the socket's
 * own address; remote all-zero for listeners and unconnected UDP). */
struct item {
	struct vn_flow flow;
	pid_t pid;
	int fd;
	unsigned long inode;
};

/* ---- loop thread: the cheap side ---- */

static uint64_t flow_hash(const struct vn_flow *f, size_t iface) { return vd_flow_hash(f, iface); }

static bool push(struct vd_sockdiag *d, const struct job *j)
{
	pthread_mutex_lock(&d->mu);
	bool ok = d->tail - d->head < QLEN;
	if (ok) {
		d->q[d->tail % QLEN] = *j;
		d->tail++;
		pthread_cond_signal(&d->cv);
	}
	pthread_mutex_unlock(&d->mu);
	if (!ok)
		d->dropped++;
	return ok;
}

/* Was f on iface asked about less than RETRY_NS ago (entry e)? */
static bool asked_lately(const struct cache_ent *e, size_t iface, const struct vn_flow *f, vn_time_t now)
{
	return e && e->at && now - e->at < RETRY_NS && e->iface == iface && vd_flow_eq(&e->f, f);
}

bool vd_sockdiag_first(struct vd_sockdiag *d, size_t iface, const struct vn_flow *f, vn_time_t now)
{
	if (!d)
		return true;
	/* A flood of one flow: the same entry again, without hashing. */
	if (asked_lately(iface < VD_MAX_IFACES ? d->last[iface] : NULL, iface, f, now))
		return false;
	struct cache_ent *e = &d->cache[flow_hash(f, iface) & (CACHE - 1)];
	if (iface < VD_MAX_IFACES)
		d->last[iface] = e;
	if (asked_lately(e, iface, f, now))
		return false;
	e->f = *f;
	e->iface = iface;
	e->at = now ? now : 1;
	return true;
}

void vd_sockdiag_ask(struct vd_sockdiag *d, size_t iface, const struct vn_flow *f)
{
	if (!d || (f->proto != IPPROTO_TCP && f->proto != IPPROTO_UDP) || iface >= VD_MAX_IFACES)
		return;
	/* Only registered processes can own a VIF: with none, there is no one to find. */
	if (!vn_registry_nproc(d->l->reg))
		return;
	struct job j = {.kind = JOB_FLOW, .iface = iface, .f = *f};
	if (push(d, &j))
		d->asked++;
}

/* ---- /proc ---- */

static int read_small(const char *path, char *buf, size_t n)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t k = read(fd, buf, n - 1);
	close(fd);
	if (k < 0)
		return -1;
	buf[k] = '\0';
	return (int)k;
}

static pid_t proc_ppid(pid_t pid)
{
	char path[64], buf[512];
	snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
	if (read_small(path, buf, sizeof buf) <= 0)
		return 0;
	char *rp = strrchr(buf, ')');
	int ppid = 0;
	char st;
	if (!rp || sscanf(rp + 1, " %c %d", &st, &ppid) != 2)
		return 0;
	return ppid;
}

/* The effective uid (who may attach it, as SO_PEERCRED would say) and gid
 * of pid. */
static int proc_ecred(pid_t pid, uid_t *uid, gid_t *gid)
{
	char path[64], buf[4096];
	snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
	if (read_small(path, buf, sizeof buf) <= 0)
		return -ESRCH;
	char *u = strstr(buf, "\nUid:"), *g = strstr(buf, "\nGid:");
	unsigned r, e, gr, ge;
	if (!u || sscanf(u + 5, "%u %u", &r, &e) != 2 || !g || sscanf(g + 5, "%u %u", &gr, &ge) != 2)
		return -ESRCH;
	*uid = e;
	*gid = ge;
	return 0;
}

/* Socket fds of pid: fd and inode, up to max. */
static size_t proc_sockets(pid_t pid, int *fds, unsigned long *inodes, size_t max)
{
	char path[64];
	snprintf(path, sizeof path, "/proc/%d/fd", (int)pid);
	DIR *dir = opendir(path);
	if (!dir)
		return 0;
	size_t n = 0;
	for (struct dirent *e; n < max && (e = readdir(dir));) {
		if (e->d_name[0] < '0' || e->d_name[0] > '9')
			continue;
		char link[64];
		ssize_t k = readlinkat(dirfd(dir), e->d_name, link, sizeof link - 1);
		if (k <= 0)
			continue;
		link[k] = '\0';
		unsigned long ino;
		if (sscanf(link, "socket:[%lu]", &ino) != 1)
			continue;
		fds[n] = atoi(e->d_name);
		inodes[n] = ino;
		n++;
	}
	closedir(dir);
	return n;
}

/* ---- worker: the kernel's view ---- */

static int diag_sock(struct vd_sockdiag *d, size_t iface)
{
	if (d->diagfd[iface] >= 0)
		return d->diagfd[iface];
	const char *ns = d->l->ifs[iface].netns;
	int nsfd = -1;
	if (ns) {
		char path[300];
		snprintf(path, sizeof path, ns[0] == '/' ? "%s" : "/run/netns/%s", ns);
		nsfd = open(path, O_RDONLY | O_CLOEXEC);
		if (nsfd < 0 || setns(nsfd, CLONE_NEWNET)) {
			vd_warn("sockdiag: cannot enter netns %s: %s", ns, strerror(errno));
			if (nsfd >= 0)
				close(nsfd);
			return -1;
		}
	}
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
	if (nsfd >= 0) {
		if (setns(d->selfns, CLONE_NEWNET))
			vd_warn("sockdiag: cannot return to vifd's netns: %s", strerror(errno));
		close(nsfd);
	}
	if (fd >= 0) {
		struct timeval tv = {1, 0};
		setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	}
	d->diagfd[iface] = fd;
	return fd;
}

typedef void (*diag_fn)(void *ctx, const struct inet_diag_msg *m);

/* Dump every socket of (family, proto) in the diag socket's namespace. */
static int diag_dump(int fd, int family, int proto, diag_fn fn, void *ctx)
{
	static unsigned seq;
	struct {
		struct nlmsghdr nlh;
		struct inet_diag_req_v2 r;
	} req = {
		.nlh = {.nlmsg_len = sizeof req, .nlmsg_type = SOCK_DIAG_BY_FAMILY,
			.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP, .nlmsg_seq = ++seq},
		.r = {.sdiag_family = (uint8_t)family, .sdiag_protocol = (uint8_t)proto, .idiag_states = ~0u},
	};
	struct sockaddr_nl sa = {.nl_family = AF_NETLINK};
	if (sendto(fd, &req, sizeof req, 0, (struct sockaddr *)&sa, sizeof sa) < 0)
		return -errno;
	static char buf[32768];
	for (;;) {
		ssize_t n = recv(fd, buf, sizeof buf, 0);
		if (n <= 0)
			return -EIO;
		for (struct nlmsghdr *h = (struct nlmsghdr *)buf; NLMSG_OK(h, (size_t)n); h = NLMSG_NEXT(h, n)) {
			if (h->nlmsg_seq != seq)
				continue;
			if (h->nlmsg_type == NLMSG_DONE)
				return 0;
			if (h->nlmsg_type == NLMSG_ERROR)
				return -EIO;
			if (h->nlmsg_len >= NLMSG_LENGTH(sizeof(struct inet_diag_msg)))
				fn(ctx, NLMSG_DATA(h));
		}
	}
}

static void msg_flow(const struct inet_diag_msg *m, uint8_t proto, struct vn_flow *f)
{
	memset(f, 0, sizeof *f);
	f->family = m->idiag_family;
	f->proto = proto;
	f->lport = ntohs(m->id.idiag_sport);
	f->rport = ntohs(m->id.idiag_dport);
	size_t al = m->idiag_family == AF_INET ? 4 : 16;
	memcpy(f->laddr, m->id.idiag_src, al);
	memcpy(f->raddr, m->id.idiag_dst, al);
}

static bool zero(const uint8_t *a) { static const uint8_t z[16]; return !memcmp(a, z, 16); }

/* JOB_FLOW: the socket that receives/sends flow f (exact first, else bound). */
struct flow_find {
	const struct vn_flow *f;
	bool exact;
	unsigned long inode;
	struct vn_flow key;
};

static void flow_cb(void *ctx, const struct inet_diag_msg *m)
{
	struct flow_find *ff = ctx;
	struct vn_flow k;
	msg_flow(m, ff->f->proto, &k);
	if (ff->exact || k.lport != ff->f->lport || !m->idiag_inode)
		return;
	if (!memcmp(k.laddr, ff->f->laddr, 16) && !memcmp(k.raddr, ff->f->raddr, 16) && k.rport == ff->f->rport) {
		ff->exact = true;
		ff->inode = m->idiag_inode;
		ff->key = k;
	} else if (!ff->inode && (zero(k.laddr) || !memcmp(k.laddr, ff->f->laddr, 16)) && zero(k.raddr) &&
		   k.rport == 0) {
		ff->inode = m->idiag_inode;
		ff->key = k;
	}
}

/* JOB_PROC: every socket of a list of inodes. */
struct inode_find {
	const unsigned long *inodes;
	const int *fds;
	size_t n;
	uint8_t proto;
	pid_t pid;
	struct item *items;
	size_t nitems;
};

static void inode_cb(void *ctx, const struct inet_diag_msg *m)
{
	struct inode_find *fi = ctx;
	for (size_t i = 0; i < fi->n && fi->nitems < MAXITEMS; i++)
		if (fi->inodes[i] == m->idiag_inode) {
			struct item *it = &fi->items[fi->nitems++];
			msg_flow(m, fi->proto, &it->flow);
			it->pid = fi->pid;
			it->fd = fi->fds[i];
			it->inode = m->idiag_inode;
		}
}

/* ---- worker -> loop ---- */

struct apply {
	struct vd_sockdiag *d;
	struct item *items;
	size_t n;
	bool any_holder;           /* JOB_FLOW: stop at the first registered holder */
	size_t applied;
};

static void apply_fn(struct vn_loop *l, void *arg)
{
	struct apply *a = arg;
	for (size_t i = 0; i < a->n; i++) {
		if (!vn_registry_proc(l->reg, a->items[i].pid))
			continue;
		/* A port-less wildcard key would match nothing useful: skip. */
		if (!a->items[i].flow.lport)
			continue;
		if (vn_registry_sock_set(l->reg, a->items[i].pid, a->items[i].fd, &a->items[i].flow) == 0) {
			a->applied++;
			a->d->found++;        /* counters live on the loop thread */
			if (a->any_holder)
				break;
		}
	}
}

struct snapshot {
	pid_t *pids;
	size_t n, max;
};

static void snapshot_fn(struct vn_loop *l, void *arg)
{
	struct snapshot *s = arg;
	for (struct vn_proc *p = vn_registry_proc_next(l->reg, 0); p && s->n < s->max;
	     p = vn_registry_proc_next(l->reg, vn_proc_pid(p)))
		s->pids[s->n++] = vn_proc_pid(p);
}

static void do_flow(struct vd_sockdiag *d, const struct job *j)
{
	int fd = diag_sock(d, j->iface);
	if (fd < 0)
		return;
	struct flow_find ff = {.f = &j->f};
	if (diag_dump(fd, j->f.family, j->f.proto, flow_cb, &ff) || !ff.inode)
		return;
	/* Who holds it: only registered processes can be given a VIF, so only
	 * their fd tables are read. */
	static pid_t pids[4096];
	struct snapshot s = {pids, 0, sizeof pids / sizeof pids[0]};
	if (vn_loop_call(d->l, snapshot_fn, &s))
		return;
	static struct item items[16];
	size_t n = 0;
	static int fds[1024];
	static unsigned long inodes[1024];
	for (size_t i = 0; i < s.n && n < 16; i++) {
		size_t k = proc_sockets(pids[i], fds, inodes, 1024);
		for (size_t x = 0; x < k && n < 16; x++)
			if (inodes[x] == ff.inode)
				items[n++] = (struct item){.flow = ff.key, .pid = pids[i], .fd = fds[x], .inode = ff.inode};
	}
	if (!n)
		return;
	struct apply a = {d, items, n, true, 0};
	if (vn_loop_call(d->l, apply_fn, &a) == 0 && a.applied) {
		vd_debug("sockdiag: flow of inode %lu -> pid %d fd %d", ff.inode, (int)items[0].pid, items[0].fd);
	}
}

static void do_proc(struct vd_sockdiag *d, const struct job *j)
{
	static int fds[1024];
	static unsigned long inodes[1024];
	static struct item items[MAXITEMS];
	size_t k = proc_sockets(j->pid, fds, inodes, 1024);
	if (!k)
		return;
	struct inode_find fi = {inodes, fds, k, 0, j->pid, items, 0};
	static const int fams[] = {AF_INET, AF_INET6};
	static const uint8_t protos[] = {IPPROTO_TCP, IPPROTO_UDP};
	for (size_t i = 0; i < d->l->nif; i++) {
		/* Interfaces sharing a namespace see the same sockets: ask once. */
		bool seen = false;
		for (size_t p = 0; p < i; p++) {
			const char *a = d->l->ifs[p].netns, *b = d->l->ifs[i].netns;
			if ((!a && !b) || (a && b && !strcmp(a, b)))
				seen = true;
		}
		int fd = seen ? -1 : diag_sock(d, i);
		if (fd < 0)
			continue;
		for (int f = 0; f < 2; f++)
			for (int p = 0; p < 2; p++) {
				fi.proto = protos[p];
				diag_dump(fd, fams[f], protos[p], inode_cb, &fi);
			}
	}
	if (!fi.nitems)
		return;
	struct apply a = {d, items, fi.nitems, false, 0};
	if (vn_loop_call(d->l, apply_fn, &a))
		return;
	vd_debug("sockdiag: process %d: %zu sockets attributed", (int)j->pid, a.applied);
}

static void *worker(void *arg)
{
	struct vd_sockdiag *d = arg;
	for (;;) {
		pthread_mutex_lock(&d->mu);
		while (!d->stop && d->head == d->tail)
			pthread_cond_wait(&d->cv, &d->mu);
		if (d->stop) {
			pthread_mutex_unlock(&d->mu);
			return NULL;
		}
		struct job j = d->q[d->head % QLEN];
		d->head++;
		pthread_mutex_unlock(&d->mu);
		if (j.kind == JOB_FLOW)
			do_flow(d, &j);
		else
			do_proc(d, &j);
	}
}

/* ---- adopted processes ---- */

static void adopted_drop(struct vd_sockdiag *d, struct adopted *a)
{
	ev_io_stop(d->l->ev, &a->io);
	close(a->pidfd);
	vn_registry_proc_put(d->l->reg, a->pid);
	for (struct adopted **pp = &d->adopted; *pp; pp = &(*pp)->next)
		if (*pp == a) {
			*pp = a->next;
			break;
		}
	free(a);
}

static void exit_cb(struct ev_loop *ev, ev_io *w, int revents)
{
	(void)ev;
	(void)revents;
	struct adopted *a = w->data;
	vd_debug("sockdiag: adopted process %d exited", (int)a->pid);
	adopted_drop(a->d, a);
}

int vd_sockdiag_adopt(struct vd_sockdiag *d, pid_t pid, uid_t caller)
{
	uid_t uid;
	gid_t gid;
	if (pid <= 0 || proc_ecred(pid, &uid, &gid))
		return -ESRCH;
	if (caller != 0 && caller != uid)
		return -EPERM;
	if (!vn_registry_proc(d->l->reg, pid)) {
		int pfd = (int)syscall(SYS_pidfd_open, pid, 0);
		if (pfd < 0)
			return -ESRCH;
		struct adopted *a = calloc(1, sizeof *a);
		if (!a) {
			close(pfd);
			return -ENOMEM;
		}
		char path[64], comm[32] = "";
		snprintf(path, sizeof path, "/proc/%d/comm", (int)pid);
		if (read_small(path, comm, sizeof comm) > 0)
			comm[strcspn(comm, "\n")] = '\0';
		vd_loop_settle(d->l);     /* it starts where its parent is: nnfs's moves first */
		int rc = vn_registry_proc_add(d->l->reg, pid, uid, proc_ppid(pid), comm, NULL);
		if (rc) {
			close(pfd);
			free(a);
			return rc;
		}
		vn_registry_proc_set_gid(d->l->reg, pid, gid);
		a->d = d;
		a->pid = pid;
		a->pidfd = pfd;
		ev_io_init(&a->io, exit_cb, pfd, EV_READ);
		a->io.data = a;
		ev_io_start(d->l->ev, &a->io);
		a->next = d->adopted;
		d->adopted = a;
		d->nadopted++;
	}
	struct job j = {.kind = JOB_PROC, .pid = pid};
	push(d, &j);
	return 0;
}

/* ---- life ---- */

struct vd_sockdiag *vd_sockdiag_new(struct vn_loop *l)
{
	struct vd_sockdiag *d = calloc(1, sizeof *d);
	if (!d)
		return NULL;
	d->l = l;
	for (size_t i = 0; i < VD_MAX_IFACES; i++)
		d->diagfd[i] = -1;
	d->selfns = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	pthread_mutex_init(&d->mu, NULL);
	pthread_cond_init(&d->cv, NULL);
	if (d->selfns < 0 || pthread_create(&d->th, NULL, worker, d)) {
		vd_warn("sockdiag: off-path attribution disabled: %s", strerror(errno));
		if (d->selfns >= 0)
			close(d->selfns);
		pthread_mutex_destroy(&d->mu);
		pthread_cond_destroy(&d->cv);
		free(d);
		return NULL;
	}
	return d;
}

void vd_sockdiag_free(struct vd_sockdiag *d)
{
	if (!d)
		return;
	pthread_mutex_lock(&d->mu);
	d->stop = true;
	pthread_cond_signal(&d->cv);
	pthread_mutex_unlock(&d->mu);
	pthread_join(d->th, NULL);
	while (d->adopted)
		adopted_drop(d, d->adopted);
	for (size_t i = 0; i < VD_MAX_IFACES; i++)
		if (d->diagfd[i] >= 0)
			close(d->diagfd[i]);
	close(d->selfns);
	pthread_mutex_destroy(&d->mu);
	pthread_cond_destroy(&d->cv);
	free(d);
}

void vd_sockdiag_stats(const struct vd_sockdiag *d, unsigned long long *asked,
		       unsigned long long *found, unsigned long long *adopted)
{
	*asked = d ? d->asked : 0;
	*found = d ? d->found : 0;
	*adopted = d ? d->nadopted : 0;
}
