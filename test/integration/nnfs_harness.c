/* nnfs_harness — nnfs over plain trees and a toy registry, without vifd.
 *
 *   nnfs_harness -m MOUNT -i IF [-i IF...] [-c CTLFIFO] [-t]
 *
 * Mounts nnfs on MOUNT with one empty tree per -i, prints "ready" and serves
 * until SIGINT/SIGTERM. Lines written to CTLFIFO register fake processes and
 * sockets, so the PID/ part and protection rules 2-3 are testable without the
 * shim:
 *   proc PID UID GID [PPID]   register (with PPID: inherit its attachments)
 *   sock PID FD               register a socket
 *   close PID FD              forget a socket
 *   exit PID                  forget a process
 * A registered pid that is not alive (kill(pid, 0) fails) is forgotten
 * within 100 ms, as vifd forgets a process whose control connection closed.
 * -t runs tree code on a thread of its own with a hand-off per call (like
 * vn_loop_call) instead of under a mutex in the caller's thread. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "nn_backend.h"
#include "vn_nnfs.h"
#include "vn_vif.h"

#define MAXT 8
#define MAXP 256
#define MAXS 64

struct hsock {
	int fd;
	struct vn_vif *vif[MAXT];
};

struct hproc {
	pid_t pid;
	uid_t uid;
	gid_t gid;
	struct vn_vif *vif[MAXT];          /* NULL = root */
	int nsocks;
	struct hsock socks[MAXS];
};

static struct vn_tree *trees[MAXT];
static size_t ntrees;
static struct hproc procs[MAXP];
static size_t nprocs;
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static volatile sig_atomic_t stop;

/* -t: the owner thread and its one-slot mailbox */
static bool threaded;
static pthread_cond_t cv_job = PTHREAD_COND_INITIALIZER, cv_done = PTHREAD_COND_INITIALIZER;
static void (*job_fn)(void *);
static void *job_arg;
static bool job_done;

static void *owner(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&mu);
	for (;;) {
		while (!job_fn)
			pthread_cond_wait(&cv_job, &mu);
		job_fn(job_arg);
		job_fn = NULL;
		job_done = true;
		pthread_cond_broadcast(&cv_done);
	}
	return NULL;
}

static pthread_mutex_t call_mu = PTHREAD_MUTEX_INITIALIZER;

static int h_call(void *ctx, void (*fn)(void *), void *arg)
{
	(void)ctx;
	if (!threaded) {
		pthread_mutex_lock(&mu);
		fn(arg);
		pthread_mutex_unlock(&mu);
		return 0;
	}
	pthread_mutex_lock(&call_mu);     /* one caller at a time */
	pthread_mutex_lock(&mu);
	job_fn = fn;
	job_arg = arg;
	job_done = false;
	pthread_cond_signal(&cv_job);
	while (!job_done)
		pthread_cond_wait(&cv_done, &mu);
	pthread_mutex_unlock(&mu);
	pthread_mutex_unlock(&call_mu);
	return 0;
}

static size_t h_ntrees(void *ctx) { (void)ctx; return ntrees; }
static struct vn_tree *h_tree(void *ctx, size_t i) { (void)ctx; return trees[i]; }
static vn_time_t h_now(void *ctx) { (void)ctx; return vn_clock_now(vn_clock_real()); }
/* Later, in order with calls: here at once, under the same lock. */
static int h_post(void *ctx, void (*fn)(void *), void *arg)
{
	return h_call(ctx, fn, arg);
}

/* changes of the toy registry (nn_backend.gen) */
static uint64_t reg_gen;
static void reg_changed(void)
{
	__atomic_add_fetch(&reg_gen, 1, __ATOMIC_RELEASE);
}

static uint64_t h_gen(void *ctx)
{
	(void)ctx;
	uint64_t g = 1 + __atomic_load_n(&reg_gen, __ATOMIC_ACQUIRE);   /* never 0 */
	for (size_t i = 0; i < ntrees; i++)
		g += vn_tree_gen(trees[i]);
	return g;
}

static struct hproc *find(pid_t pid)
{
	for (size_t i = 0; i < nprocs; i++)
		if (procs[i].pid == pid)
			return &procs[i];
	return NULL;
}

static struct hsock *find_sock(struct hproc *p, int fd)
{
	for (int i = 0; p && i < p->nsocks; i++)
		if (p->socks[i].fd == fd)
			return &p->socks[i];
	return NULL;
}

static size_t h_pids(void *ctx, pid_t *out, size_t max)
{
	(void)ctx;
	for (size_t i = 0; i < nprocs && i < max; i++)
		out[i] = procs[i].pid;
	return nprocs;
}

static int h_proc(void *ctx, pid_t pid, uid_t *uid, gid_t *gid)
{
	(void)ctx;
	struct hproc *p = find(pid);
	if (!p)
		return -ENOENT;
	*uid = p->uid;
	*gid = p->gid;
	return 0;
}

static struct vn_vif *h_proc_vif(void *ctx, pid_t pid, size_t t)
{
	(void)ctx;
	struct hproc *p = find(pid);
	return p ? p->vif[t] : NULL;
}

static int h_proc_attach(void *ctx, pid_t pid, size_t t, struct vn_vif *v)
{
	(void)ctx;
	reg_changed();
	struct hproc *p = find(pid);
	if (!p)
		return -ENOENT;
	p->vif[t] = v == vn_tree_root(trees[t]) ? NULL : v;
	return 0;
}

static size_t h_fds(void *ctx, pid_t pid, int *out, size_t max)
{
	(void)ctx;
	struct hproc *p = find(pid);
	if (!p)
		return 0;
	for (int i = 0; i < p->nsocks && (size_t)i < max; i++)
		out[i] = p->socks[i].fd;
	return (size_t)p->nsocks;
}

static int h_sock(void *ctx, pid_t pid, int fd)
{
	(void)ctx;
	return find_sock(find(pid), fd) ? 0 : -ENOENT;
}

static struct vn_vif *h_sock_vif(void *ctx, pid_t pid, int fd, size_t t)
{
	(void)ctx;
	struct hsock *s = find_sock(find(pid), fd);
	return s ? s->vif[t] : NULL;
}

static int h_sock_attach(void *ctx, pid_t pid, int fd, size_t t, struct vn_vif *v)
{
	(void)ctx;
	reg_changed();
	struct hproc *p = find(pid);
	struct hsock *s = find_sock(p, fd);
	if (!s)
		return -ENOENT;
	struct vn_vif *pv = p->vif[t] ? p->vif[t] : vn_tree_root(trees[t]);
	s->vif[t] = v == pv ? NULL : v;
	return 0;
}

/* the tree's remove hook: attachments of a removed VIF move to its parent */
static void on_remove(void *ctx, struct vn_vif *gone, struct vn_vif *heir)
{
	size_t t = (size_t)(uintptr_t)ctx;
	reg_changed();
	for (size_t i = 0; i < nprocs; i++) {
		struct hproc *p = &procs[i];
		if (p->vif[t] == gone)
			p->vif[t] = heir == vn_tree_root(trees[t]) ? NULL : heir;
		for (int j = 0; j < p->nsocks; j++)
			if (p->socks[j].vif[t] == gone)
				p->socks[j].vif[t] = heir == p->vif[t] ? NULL : heir;
	}
}

/* under mu */
static void command(char *line)
{
	int a = 0, b = 0, c = 0, d = 0;
	reg_changed();
	char cmd[16];
	int n = sscanf(line, "%15s %d %d %d %d", cmd, &a, &b, &c, &d);
	struct hproc *p = n >= 2 ? find(a) : NULL;

	if (n >= 4 && strcmp(cmd, "proc") == 0 && !p && nprocs < MAXP) {
		p = &procs[nprocs++];
		memset(p, 0, sizeof *p);
		p->pid = a;
		p->uid = (uid_t)b;
		p->gid = (gid_t)c;
		struct hproc *pp = n >= 5 ? find(d) : NULL;
		if (pp)                         /* rule 2: a child inherits */
			memcpy(p->vif, pp->vif, sizeof p->vif);
	} else if (n >= 3 && strcmp(cmd, "sock") == 0 && p && !find_sock(p, b) && p->nsocks < MAXS) {
		p->socks[p->nsocks++] = (struct hsock){.fd = b};
	} else if (n >= 3 && strcmp(cmd, "close") == 0 && p) {
		struct hsock *s = find_sock(p, b);
		if (s)
			*s = p->socks[--p->nsocks];
	} else if (n >= 2 && strcmp(cmd, "exit") == 0 && p) {
		*p = procs[--nprocs];
	} else {
		fprintf(stderr, "nnfs_harness: bad command: %s", line);
	}
}

static void reap(void)
{
	for (size_t i = 0; i < nprocs;) {
		if (kill(procs[i].pid, 0) < 0 && errno == ESRCH) {
			procs[i] = procs[--nprocs];
			reg_changed();
		} else
			i++;
	}
}

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

int main(int argc, char **argv)
{
	const char *mnt = NULL, *ctl = NULL;
	char err[256];
	int opt;

	while ((opt = getopt(argc, argv, "m:i:c:t")) != -1) {
		switch (opt) {
		case 'm': mnt = optarg; break;
		case 'c': ctl = optarg; break;
		case 't': threaded = true; break;
		case 'i':
			if (ntrees < MAXT) {
				trees[ntrees] = vn_tree_new(optarg);
				vn_tree_set_remove_hook(trees[ntrees], on_remove, (void *)(uintptr_t)ntrees);
				ntrees++;
			}
			break;
		default:
			fprintf(stderr, "usage: nnfs_harness -m MOUNT -i IF [-i IF...] [-c FIFO] [-t]\n");
			return 2;
		}
	}
	if (!mnt || ntrees == 0) {
		fprintf(stderr, "usage: nnfs_harness -m MOUNT -i IF [-i IF...] [-c FIFO] [-t]\n");
		return 2;
	}
	struct sigaction sa = {.sa_handler = on_signal};
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	pthread_t th;
	if (threaded)
		pthread_create(&th, NULL, owner, NULL);
	const struct nn_backend be = {
		.call = h_call, .ntrees = h_ntrees, .tree = h_tree, .now = h_now, .gen = h_gen, .post = h_post,
		.pids = h_pids, .proc = h_proc, .proc_vif = h_proc_vif,
		.proc_attach = h_proc_attach, .fds = h_fds, .sock = h_sock,
		.sock_vif = h_sock_vif, .sock_attach = h_sock_attach,
	};
	struct vn_nnfs *fs = nn_start(&be, mnt, err, sizeof err);
	if (!fs) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	int cfd = -1;
	if (ctl) {
		unlink(ctl);
		if (mkfifo(ctl, 0666) < 0 || (cfd = open(ctl, O_RDWR | O_NONBLOCK)) < 0)
			fprintf(stderr, "nnfs_harness: %s: %s\n", ctl, strerror(errno));
	}
	printf("ready\n");
	fflush(stdout);

	char buf[4096];
	size_t have = 0;
	while (!stop) {
		struct pollfd pfd = {.fd = cfd, .events = POLLIN};
		int r = poll(&pfd, cfd >= 0 ? 1 : 0, 100);
		pthread_mutex_lock(&mu);
		if (r > 0) {
			ssize_t got = read(cfd, buf + have, sizeof buf - 1 - have);
			if (got > 0)
				have += (size_t)got;
			char *nl;
			while ((nl = memchr(buf, '\n', have))) {
				*nl = '\0';
				command(buf);
				size_t used = (size_t)(nl + 1 - buf);
				memmove(buf, nl + 1, have - used);
				have -= used;
			}
			if (have == sizeof buf - 1)
				have = 0;
		}
		reap();
		pthread_mutex_unlock(&mu);
	}
	vn_nnfs_stop(fs);
	if (cfd >= 0) {
		close(cfd);
		unlink(ctl);
	}
	for (size_t i = 0; i < ntrees; i++)
		vn_tree_free(trees[i]);
	return 0;
}
