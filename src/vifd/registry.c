/* The registry: processes (sorted by pid), their sockets (sorted by fd),
 * socket objects shared by dup'ed fds, and the flow table: an open-chained
 * hash of flows -> socket object, looked up once per packet.
 *
 * Lifetimes: a socket object lives while an fd names it or a flow entry
 * points at it. When its last fd closes, its attachments are frozen (the
 * process's VIFs resolved into it) and its flow entry lingers until
 * vn_registry_expire finds it older than the linger time. Every socket
 * object is also on one list so that the remove hook can reach it. */
#include "vn_registry.h"
#include "flowhash.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <sys/socket.h>

struct sobj;

struct flowent {
	struct vn_flow key;
	struct flowent *next;      /* hash chain */
	struct sobj *so;
	vn_time_t closed_at;       /* 0: not yet seen closed by expire */
};

struct sobj {
	struct sobj *prev, *next;  /* all socket objects */
	struct vn_proc *proc;      /* NULL once the last fd closed */
	pid_t pid;
	int fd;                    /* the first fd (reported by lookups) */
	unsigned nfds;
	bool has_flow, closed;
	struct vn_flow flow;
	struct flowent *fe;
	struct vn_vif **vifs;      /* own attachments, NULL = follow the process */
};

struct vn_sock {
	int fd;
	struct sobj *so;
};

struct vn_proc {
	pid_t pid, ppid;
	uid_t uid;
	gid_t gid;                 /* (gid_t)-1: not known */
	unsigned refs;
	char comm[16];
	struct vn_registry *reg;
	struct vn_vif **vifs;      /* NULL = root */
	struct vn_sock **socks;    /* sorted by fd */
	size_t nsocks, capsocks;
};

struct vn_registry {
	struct vn_tree **trees;
	size_t ntrees;
	struct vn_proc **procs;    /* sorted by pid */
	size_t nprocs, capprocs;
	struct flowent **buckets;
	size_t nbuckets, nflows;
	struct sobj *sobjs;
	vn_time_t linger;
	uint64_t gen;              /* atomic: vn_registry_gen */
};

/* Processes, sockets or attachments may change: nnfs's memo is stale. */
static void changed(struct vn_registry *r)
{
	__atomic_add_fetch(&r->gen, 1, __ATOMIC_RELEASE);
}

uint64_t vn_registry_gen(const struct vn_registry *r)
{
	return __atomic_load_n(&r->gen, __ATOMIC_ACQUIRE);
}

/* ---- flow table ---- */

static uint64_t flow_hash(const struct vn_flow *f) { return vd_flow_hash(f, 0); }

static struct flowent **flow_slot(struct vn_registry *r, const struct vn_flow *f)
{
	struct flowent **pp = &r->buckets[flow_hash(f) & (r->nbuckets - 1)];
	while (*pp && !vd_flow_eq(&(*pp)->key, f))
		pp = &(*pp)->next;
	return pp;
}

static void flow_grow(struct vn_registry *r)
{
	size_t n = r->nbuckets * 2;
	struct flowent **nb = calloc(n, sizeof *nb);
	if (!nb)
		return;                 /* keep the old size: longer chains, still correct */
	for (size_t i = 0; i < r->nbuckets; i++) {
		struct flowent *e = r->buckets[i], *next;
		for (; e; e = next) {
			next = e->next;
			size_t b = flow_hash(&e->key) & (n - 1);
			e->next = nb[b];
			nb[b] = e;
		}
	}
	free(r->buckets);
	r->buckets = nb;
	r->nbuckets = n;
}

static void sobj_unref_check(struct vn_registry *r, struct sobj *so);

static void flow_unlink(struct vn_registry *r, struct flowent *e)
{
	struct flowent **pp = flow_slot(r, &e->key);
	if (*pp == e)
		*pp = e->next;
	r->nflows--;
	if (e->so && e->so->fe == e)
		e->so->fe = NULL;
	struct sobj *so = e->so;
	free(e);
	if (so)
		sobj_unref_check(r, so);
}

/* Point flow f at so (replacing whoever had it). */
static int flow_insert(struct vn_registry *r, const struct vn_flow *f, struct sobj *so)
{
	struct flowent **pp = flow_slot(r, f);
	if (*pp) {
		struct flowent *e = *pp;
		struct sobj *old = e->so;
		if (old == so)
			return 0;
		e->so = so;
		e->closed_at = 0;
		so->fe = e;
		if (old) {
			old->fe = NULL;
			sobj_unref_check(r, old);
		}
		return 0;
	}
	struct flowent *e = calloc(1, sizeof *e);
	if (!e)
		return -ENOMEM;
	e->key = *f;
	e->so = so;
	e->next = NULL;
	*pp = e;
	so->fe = e;
	if (++r->nflows > r->nbuckets)
		flow_grow(r);
	return 0;
}

/* ---- socket objects ---- */

static struct sobj *sobj_new(struct vn_registry *r, struct vn_proc *p, int fd)
{
	struct sobj *so = calloc(1, sizeof *so);
	if (!so)
		return NULL;
	so->vifs = calloc(r->ntrees ? r->ntrees : 1, sizeof *so->vifs);
	if (!so->vifs) {
		free(so);
		return NULL;
	}
	so->proc = p;
	so->pid = p->pid;
	so->fd = fd;
	so->next = r->sobjs;
	if (r->sobjs)
		r->sobjs->prev = so;
	r->sobjs = so;
	return so;
}

/* Free so once nothing names it: no fd and no flow entry. */
static void sobj_unref_check(struct vn_registry *r, struct sobj *so)
{
	if (so->nfds || so->fe)
		return;
	if (so->prev)
		so->prev->next = so->next;
	else
		r->sobjs = so->next;
	if (so->next)
		so->next->prev = so->prev;
	free(so->vifs);
	free(so);
}

/* The last fd of so closed: freeze its VIFs and let its flow linger. */
static void sobj_close(struct vn_registry *r, struct sobj *so)
{
	if (so->proc)
		for (size_t i = 0; i < r->ntrees; i++)
			if (!so->vifs[i])
				so->vifs[i] = vn_proc_vif(so->proc, i);
	so->proc = NULL;
	so->closed = true;
	if (so->fe)
		so->fe->closed_at = 0;
	sobj_unref_check(r, so);
}

static struct vn_vif *sobj_vif(const struct sobj *so, size_t i)
{
	if (so->vifs[i])
		return so->vifs[i];
	if (so->proc)
		return vn_proc_vif(so->proc, i);
	return NULL;
}

/* ---- registry ---- */

struct vn_registry *vn_registry_new(struct vn_tree *const *trees, size_t ntrees)
{
	struct vn_registry *r = calloc(1, sizeof *r);
	if (!r)
		return NULL;
	r->trees = calloc(ntrees ? ntrees : 1, sizeof *r->trees);
	r->nbuckets = 256;
	r->buckets = calloc(r->nbuckets, sizeof *r->buckets);
	if (!r->trees || !r->buckets) {
		free(r->trees);
		free(r->buckets);
		free(r);
		return NULL;
	}
	if (ntrees)
		memcpy(r->trees, trees, ntrees * sizeof *trees);
	r->ntrees = ntrees;
	r->linger = 60 * VN_NSEC_PER_SEC;
	return r;
}

static void proc_free(struct vn_registry *r, struct vn_proc *p);

void vn_registry_free(struct vn_registry *r)
{
	if (!r)
		return;
	r->ntrees = 0;      /* the trees may be gone already: resolve nothing */
	while (r->nprocs)
		proc_free(r, r->procs[r->nprocs - 1]);
	for (size_t i = 0; i < r->nbuckets; i++)
		while (r->buckets[i])
			flow_unlink(r, r->buckets[i]);
	free(r->buckets);
	free(r->procs);
	free(r->trees);
	free(r);
}

size_t vn_registry_niface(const struct vn_registry *r) { return r->ntrees; }

static int iface_of(const struct vn_registry *r, const struct vn_vif *v)
{
	if (!v)
		return -1;
	struct vn_tree *t = vn_vif_tree(v);
	for (size_t i = 0; i < r->ntrees; i++)
		if (r->trees[i] == t)
			return (int)i;
	return -1;
}

/* Index of the first process with pid >= pid. */
static size_t proc_index(const struct vn_registry *r, pid_t pid)
{
	size_t lo = 0, hi = r->nprocs;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (r->procs[mid]->pid < pid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

struct vn_proc *vn_registry_proc(const struct vn_registry *r, pid_t pid)
{
	size_t i = proc_index(r, pid);
	return i < r->nprocs && r->procs[i]->pid == pid ? r->procs[i] : NULL;
}

struct vn_proc *vn_registry_proc_next(const struct vn_registry *r, pid_t after)
{
	size_t i = proc_index(r, after + 1);
	return i < r->nprocs ? r->procs[i] : NULL;
}

size_t vn_registry_nproc(const struct vn_registry *r) { return r->nprocs; }

int vn_registry_proc_add(struct vn_registry *r, pid_t pid, uid_t uid, pid_t ppid,
			 const char *comm, struct vn_proc **out)
{
	changed(r);
	if (pid <= 0)
		return -EINVAL;
	size_t i = proc_index(r, pid);
	if (i < r->nprocs && r->procs[i]->pid == pid) {
		struct vn_proc *p = r->procs[i];
		if (p->uid != uid)
			return -EPERM;     /* a stale record of a reused pid is still referenced */
		p->refs++;
		/* the same process after exec: the new program's name (what a
		 * port capture shows as comm=) */
		if (comm && *comm) {
			strncpy(p->comm, comm, sizeof p->comm - 1);
			p->comm[sizeof p->comm - 1] = '\0';
		}
		if (out)
			*out = p;
		return 0;
	}
	if (r->nprocs == r->capprocs) {
		size_t n = r->capprocs ? r->capprocs * 2 : 16;
		struct vn_proc **np = realloc(r->procs, n * sizeof *np);
		if (!np)
			return -ENOMEM;
		r->procs = np;
		r->capprocs = n;
	}
	struct vn_proc *p = calloc(1, sizeof *p);
	if (!p)
		return -ENOMEM;
	p->gid = (gid_t)-1;
	p->vifs = calloc(r->ntrees ? r->ntrees : 1, sizeof *p->vifs);
	if (!p->vifs) {
		free(p);
		return -ENOMEM;
	}
	p->pid = pid;
	p->ppid = ppid;
	p->uid = uid;
	p->refs = 1;
	p->reg = r;
	if (comm) {
		strncpy(p->comm, comm, sizeof p->comm - 1);
	}
	/* Protection rule 2: a child starts where its parent is. */
	struct vn_proc *parent = ppid > 0 ? vn_registry_proc(r, ppid) : NULL;
	if (parent)
		memcpy(p->vifs, parent->vifs, r->ntrees * sizeof *p->vifs);
	memmove(&r->procs[i + 1], &r->procs[i], (r->nprocs - i) * sizeof *r->procs);
	r->procs[i] = p;
	r->nprocs++;
	if (out)
		*out = p;
	return 0;
}

static void proc_free(struct vn_registry *r, struct vn_proc *p)
{
	for (size_t i = 0; i < p->nsocks; i++) {
		struct sobj *so = p->socks[i]->so;
		free(p->socks[i]);
		if (--so->nfds == 0)
			sobj_close(r, so);
	}
	/* Sockets of this process named by other fds (none today) keep following
	 * it; make sure none points at p any more. */
	for (struct sobj *so = r->sobjs; so; so = so->next)
		if (so->proc == p) {
			for (size_t i = 0; i < r->ntrees; i++)
				if (!so->vifs[i])
					so->vifs[i] = vn_proc_vif(p, i);
			so->proc = NULL;
		}
	size_t i = proc_index(r, p->pid);
	if (i < r->nprocs && r->procs[i] == p) {
		memmove(&r->procs[i], &r->procs[i + 1], (r->nprocs - i - 1) * sizeof *r->procs);
		r->nprocs--;
	}
	free(p->socks);
	free(p->vifs);
	free(p);
}

void vn_registry_proc_put(struct vn_registry *r, pid_t pid)
{
	changed(r);
	struct vn_proc *p = vn_registry_proc(r, pid);
	if (p && --p->refs == 0)
		proc_free(r, p);
}

pid_t vn_proc_pid(const struct vn_proc *p) { return p->pid; }
pid_t vn_proc_ppid(const struct vn_proc *p) { return p->ppid; }
uid_t vn_proc_uid(const struct vn_proc *p) { return p->uid; }
const char *vn_proc_comm(const struct vn_proc *p) { return p->comm; }

int vn_registry_proc_set_comm(struct vn_registry *r, pid_t pid, const char *comm)
{
	struct vn_proc *p = vn_registry_proc(r, pid);
	if (!p)
		return -ESRCH;
	if (!comm)
		return -EINVAL;
	strncpy(p->comm, comm, sizeof p->comm - 1);
	p->comm[sizeof p->comm - 1] = '\0';
	return 0;
}

struct vn_vif *vn_proc_vif(const struct vn_proc *p, size_t iface)
{
	if (iface >= p->reg->ntrees)
		return NULL;
	return p->vifs[iface] ? p->vifs[iface] : vn_tree_root(p->reg->trees[iface]);
}

bool vn_proc_attached(const struct vn_proc *p, size_t iface)
{
	return iface < p->reg->ntrees && p->vifs[iface];
}

/* Protection rule 3 for a thing of owner uid currently on cur, moving to v. */
static int may_attach(uid_t owner, const struct vn_vif *cur, const struct vn_vif *v, uid_t caller)
{
	if (caller == 0)
		return 0;
	if (caller != owner)
		return -EPERM;
	if (!vn_vif_is_ancestor(cur, v))
		return -EACCES;
	return 0;
}

gid_t vn_proc_gid(const struct vn_proc *p) { return p->gid; }

int vn_registry_proc_set_gid(struct vn_registry *r, pid_t pid, gid_t gid)
{
	changed(r);
	struct vn_proc *p = vn_registry_proc(r, pid);
	if (!p)
		return -ESRCH;
	p->gid = gid;
	return 0;
}

int vn_registry_detach_proc(struct vn_registry *r, pid_t pid, size_t iface, uid_t caller_uid)
{
	changed(r);
	struct vn_proc *p = vn_registry_proc(r, pid);
	if (!p)
		return -ESRCH;
	if (iface >= r->ntrees)
		return -EINVAL;
	int rc = may_attach(p->uid, vn_proc_vif(p, iface), vn_tree_root(r->trees[iface]), caller_uid);
	if (rc)
		return rc;
	p->vifs[iface] = NULL;
	return 0;
}

int vn_registry_attach_proc(struct vn_registry *r, pid_t pid, struct vn_vif *v, uid_t caller_uid)
{
	changed(r);
	struct vn_proc *p = vn_registry_proc(r, pid);
	if (!p)
		return -ESRCH;
	int i = iface_of(r, v);
	if (i < 0)
		return -EINVAL;
	int rc = may_attach(p->uid, vn_proc_vif(p, (size_t)i), v, caller_uid);
	if (rc)
		return rc;
	p->vifs[i] = v;
	return 0;
}

/* ---- sockets ---- */

static size_t sock_index(const struct vn_proc *p, int fd)
{
	size_t lo = 0, hi = p->nsocks;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (p->socks[mid]->fd < fd)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static struct vn_sock *proc_sock(const struct vn_proc *p, int fd)
{
	size_t i = sock_index(p, fd);
	return i < p->nsocks && p->socks[i]->fd == fd ? p->socks[i] : NULL;
}

/* The process pid and its socket fd: 0, -ESRCH (no such process) or -EBADF. */
static int find_sock(const struct vn_registry *r, pid_t pid, int fd, struct vn_proc **pp,
		     struct vn_sock **ps)
{
	struct vn_proc *p = vn_registry_proc(r, pid);
	if (!p)
		return -ESRCH;
	struct vn_sock *s = proc_sock(p, fd);
	if (!s)
		return -EBADF;
	*pp = p;
	*ps = s;
	return 0;
}

struct vn_sock *vn_registry_sock(const struct vn_registry *r, pid_t pid, int fd)
{
	struct vn_proc *p = vn_registry_proc(r, pid);
	return p ? proc_sock(p, fd) : NULL;
}

struct vn_sock *vn_proc_sock_next(const struct vn_proc *p, int after)
{
	size_t i = sock_index(p, after + 1);
	return i < p->nsocks ? p->socks[i] : NULL;
}

static int proc_add_sock(struct vn_proc *p, int fd, struct sobj *so, struct vn_sock **out)
{
	if (p->nsocks == p->capsocks) {
		size_t n = p->capsocks ? p->capsocks * 2 : 8;
		struct vn_sock **ns = realloc(p->socks, n * sizeof *ns);
		if (!ns)
			return -ENOMEM;
		p->socks = ns;
		p->capsocks = n;
	}
	struct vn_sock *s = calloc(1, sizeof *s);
	if (!s)
		return -ENOMEM;
	s->fd = fd;
	s->so = so;
	so->nfds++;
	size_t i = sock_index(p, fd);
	memmove(&p->socks[i + 1], &p->socks[i], (p->nsocks - i) * sizeof *p->socks);
	p->socks[i] = s;
	p->nsocks++;
	if (out)
		*out = s;
	return 0;
}

static void proc_del_sock(struct vn_registry *r, struct vn_proc *p, struct vn_sock *s)
{
	size_t i = sock_index(p, s->fd);
	memmove(&p->socks[i], &p->socks[i + 1], (p->nsocks - i - 1) * sizeof *p->socks);
	p->nsocks--;
	struct sobj *so = s->so;
	free(s);
	if (--so->nfds == 0)
		sobj_close(r, so);
}

static bool flow_valid(const struct vn_flow *f)
{
	if (f->family != AF_INET && f->family != AF_INET6)
		return false;
	if (f->family == AF_INET) {
		for (int i = 4; i < 16; i++)
			if (f->laddr[i] || f->raddr[i])
				return false;
	}
	return f->proto == IPPROTO_TCP || f->proto == IPPROTO_UDP || f->proto == IPPROTO_ICMP ||
	       f->proto == IPPROTO_ICMPV6;
}

int vn_registry_sock_set(struct vn_registry *r, pid_t pid, int fd, const struct vn_flow *f)
{
	changed(r);
	struct vn_proc *p = vn_registry_proc(r, pid);
	if (!p)
		return -ESRCH;
	if (fd < 0 || (f && !flow_valid(f)))
		return -EINVAL;
	struct vn_sock *s = proc_sock(p, fd);
	struct sobj *so;
	if (!s) {
		so = sobj_new(r, p, fd);
		if (!so)
			return -ENOMEM;
		int rc = proc_add_sock(p, fd, so, &s);
		if (rc) {
			sobj_unref_check(r, so);
			return rc;
		}
	}
	so = s->so;
	if (!f)
		return 0;
	if (so->has_flow && vd_flow_eq(&so->flow, f))
		return 0;
	/* Insert the new entry first so that a failure leaves the old one. */
	struct flowent *old = so->fe;
	if (old)
		so->fe = NULL;            /* keep so alive while swapping */
	so->nfds++;
	int rc = flow_insert(r, f, so);
	so->nfds--;
	if (rc) {
		so->fe = old;
		return rc;
	}
	if (old && old != so->fe) {
		old->so = NULL;
		flow_unlink(r, old);
	}
	so->flow = *f;
	so->has_flow = true;
	return 0;
}

int vn_registry_sock_dup(struct vn_registry *r, pid_t pid, int oldfd, int newfd)
{
	changed(r);
	struct vn_proc *p;
	struct vn_sock *s;
	int rc = find_sock(r, pid, oldfd, &p, &s);
	if (rc)
		return rc;
	if (newfd < 0)
		return -EBADF;
	if (oldfd == newfd)
		return 0;
	struct vn_sock *t = proc_sock(p, newfd);
	struct sobj *so = s->so;
	so->nfds++;                        /* hold so across closing newfd */
	if (t)
		proc_del_sock(r, p, t);       /* dup2 closes newfd first */
	rc = proc_add_sock(p, newfd, so, NULL);
	so->nfds--;
	return rc;
}

int vn_registry_sock_close(struct vn_registry *r, pid_t pid, int fd)
{
	changed(r);
	struct vn_proc *p;
	struct vn_sock *s;
	int rc = find_sock(r, pid, fd, &p, &s);
	if (rc)
		return rc;
	proc_del_sock(r, p, s);
	return 0;
}

int vn_sock_fd(const struct vn_sock *s) { return s->fd; }
pid_t vn_sock_pid(const struct vn_sock *s) { return s->so->pid; }
const struct vn_flow *vn_sock_flow(const struct vn_sock *s)
{
	return s->so->has_flow ? &s->so->flow : NULL;
}

struct vn_vif *vn_sock_vif(const struct vn_sock *s, size_t iface)
{
	if (!s->so->proc || iface >= s->so->proc->reg->ntrees)
		return NULL;
	return sobj_vif(s->so, iface);
}

bool vn_sock_attached(const struct vn_sock *s, size_t iface)
{
	return s->so->proc && iface < s->so->proc->reg->ntrees && s->so->vifs[iface];
}

int vn_registry_attach_sock(struct vn_registry *r, pid_t pid, int fd, struct vn_vif *v,
			    uid_t caller_uid)
{
	changed(r);
	struct vn_proc *p;
	struct vn_sock *s;
	int rc = find_sock(r, pid, fd, &p, &s);
	if (rc)
		return rc;
	int i = iface_of(r, v);
	if (i < 0)
		return -EINVAL;
	rc = may_attach(p->uid, sobj_vif(s->so, (size_t)i), v, caller_uid);
	if (rc)
		return rc;
	s->so->vifs[i] = v;
	return 0;
}

int vn_registry_detach_sock(struct vn_registry *r, pid_t pid, int fd, size_t iface,
			    uid_t caller_uid)
{
	changed(r);
	struct vn_proc *p;
	struct vn_sock *s;
	int rc = find_sock(r, pid, fd, &p, &s);
	if (rc)
		return rc;
	if (iface >= r->ntrees)
		return -EINVAL;
	/* Back to where its process is: the owner may (nnfs's `rm FD/IF`). */
	if (caller_uid != 0 && caller_uid != p->uid)
		return -EPERM;
	s->so->vifs[iface] = NULL;
	return 0;
}

/* ---- data path ---- */

static struct flowent *lookup_key(struct vn_registry *r, const struct vn_flow *k)
{
	return *flow_slot(r, k);
}

struct vn_vif *vn_registry_lookup(struct vn_registry *r, size_t iface, const struct vn_flow *f,
				  vn_time_t now, pid_t *pid, int *fd)
{
	(void)now;
	if (iface >= r->ntrees || r->nflows == 0)
		return NULL;
	struct flowent *e = lookup_key(r, f);
	if (!e) {
		struct vn_flow k = *f;          /* socket bound to (laddr, lport) */
		memset(k.raddr, 0, sizeof k.raddr);
		k.rport = 0;
		e = lookup_key(r, &k);
		if (!e) {                       /* bound to (any, lport) */
			memset(k.laddr, 0, sizeof k.laddr);
			e = lookup_key(r, &k);
		}
	}
	if (!e || !e->so)
		return NULL;
	if (pid)
		*pid = e->so->pid;
	if (fd)
		*fd = e->so->fd;
	return sobj_vif(e->so, iface);
}

size_t vn_registry_expire(struct vn_registry *r, vn_time_t now)
{
	changed(r);
	size_t n = 0;
	for (size_t b = 0; b < r->nbuckets; b++) {
		struct flowent *e = r->buckets[b], *next;
		for (; e; e = next) {
			next = e->next;
			if (!e->so || !e->so->closed)
				continue;
			if (!e->closed_at)
				e->closed_at = now ? now : 1;
			else if (now - e->closed_at >= r->linger) {
				flow_unlink(r, e);
				n++;
			}
		}
	}
	return n;
}

void vn_registry_set_linger(struct vn_registry *r, vn_time_t linger_ns) { r->linger = linger_ns; }
size_t vn_registry_nflows(const struct vn_registry *r) { return r->nflows; }

void vn_registry_vif_removed(struct vn_registry *r, size_t iface, struct vn_vif *gone,
			     struct vn_vif *heir)
{
	changed(r);
	if (iface >= r->ntrees)
		return;
	for (size_t i = 0; i < r->nprocs; i++)
		if (r->procs[i]->vifs[iface] == gone)
			r->procs[i]->vifs[iface] = heir;
	for (struct sobj *so = r->sobjs; so; so = so->next)
		if (so->vifs[iface] == gone)
			so->vifs[iface] = heir;
}
