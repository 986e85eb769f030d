/* The shim's control connection. Only async-signal-safe calls below the
 * constructor: send/recv/socket/connect/dup3/close and atomics; no locks,
 * no stdio, no malloc. */
#include "shim_chan.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "ctlring.h"
#include "shim_msg.h"

#define ENV_FD "VIFNET_SHIM_FD"
#define DEFAULT_CONTROL "/run/vifnet/control.sock"

_Atomic int vs_ctl = -1;

/* The request ring vifd handed us (ctlring.h), NULL: requests go on the
 * socket. Set before any other thread can exist (constructor, fork child). */
static struct vd_ring *_Atomic ring;
/* VIFNET_SHIM_RING=0: never ask for a ring, every request on the socket (the
 * shim before the ring; bench_shim.sh measures both in the same run). */
static bool want_ring = true;

/* Every request gets one reply; none is waited for (see shim_chan.h). Replies
 * are taken in batches once a few are due: sent - received is how many. */
static atomic_ulong sent, received;
#define DRAIN_AT 32
static struct sockaddr_un ctl_addr;  /* where vifd listens */
static int fd_base = 900;            /* the connection lives at or above this fd */
static atomic_bool warned;
static int (*r_close)(int);

static int sys_close(int fd)
{
	return r_close ? r_close(fd) : (int)syscall(SYS_close, fd);
}

/* The one warning of a process tree (VIFNET_SHIM_FD=off tells exec'd
 * children that it was printed), in one write(2). */
static void warn_once(const char *what, int err)
{
	if (atomic_exchange(&warned, true))
		return;
	char line[300];
	size_t n = 0;
	const char *parts[] = {"libvifshim: ", what, ctl_addr.sun_path, " (",
			       strerrorname_np(err) ? strerrorname_np(err) : "error",
			       "); running untagged\n"};
	for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++) {
		size_t k = strlen(parts[i]);
		if (n + k >= sizeof line)
			break;
		memcpy(line + n, parts[i], k);
		n += k;
	}
	if (write(2, line, n) < 0)
		return;
}

/* The value of VIFNET_SHIM_FD in environ, to patch in place. */
static char *env_value(void)
{
	char *v = getenv(ENV_FD);
	return v && strlen(v) == VS_ENV_LEN ? v : NULL;
}

static void env_mark_off(void)
{
	char *v = env_value();
	if (v)
		memcpy(v, "off", 4);
}

static void broken(int fd)
{
	/* Only the first thread to notice closes it (another may already have). */
	if (!atomic_compare_exchange_strong(&vs_ctl, &fd, -1))
		return;
	atomic_store(&ring, NULL);   /* not unmapped: another thread may be writing in it */
	sys_close(fd);
	env_mark_off();
	warn_once("lost the connection to vifd at ", ECONNRESET);
}

static ssize_t recv_one(int fd, char *buf, size_t n, int flags)
{
	for (;;) {
		ssize_t k = recv(fd, buf, n - 1, flags);
		if (k < 0 && errno == EINTR)
			continue;
		if (k >= 0)
			buf[k] = '\0';
		return k;
	}
}

/* Take the replies that are there, many per system call. */
static void drain(int fd)
{
	enum { N = 32 };
	char bufs[N][64];                  /* replies are "ok" or a short error */
	struct mmsghdr mm[N];
	struct iovec iov[N];
	for (;;) {
		for (int i = 0; i < N; i++) {
			iov[i] = (struct iovec){bufs[i], sizeof bufs[i]};
			mm[i] = (struct mmsghdr){.msg_hdr = {.msg_iov = &iov[i], .msg_iovlen = 1}};
		}
		int k = recvmmsg(fd, mm, N, MSG_DONTWAIT, NULL);
		if (k < 0) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				broken(fd);
			return;
		}
		for (int i = 0; i < k; i++)
			if (mm[i].msg_len == 0) {       /* end of file: vifd went away */
				broken(fd);
				return;
			}
		atomic_fetch_add(&received, (unsigned long)k);
		if (k < N)
			return;
	}
}

static int sock_send(int fd, const char *msg, size_t len);

/* Waits are bounded by the clock, not by a count of polls: in a program
 * with a fast itimer every poll ends early with EINTR, and a count of
 * 2000 polls would give up after a few milliseconds (clock_gettime is
 * async-signal-safe). */
static long long now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* The ring is full: ask vifd to read it (`sync` wakes it; it reads a
 * client's ring before its socket) and wait for room, 2 s at most. */
static int ring_wait(int fd, struct vd_ring *r)
{
	if (sock_send(fd, "sync", 4))
		return -1;
	for (long long end = now_ms() + 2000; now_ms() < end;) {
		if (vd_ring_room(r))
			return 0;
		drain(fd);
		struct pollfd p = {.fd = fd, .events = POLLIN};
		poll(&p, 1, 1);
	}
	if (vd_ring_room(r))
		return 0;
	broken(fd);
	return -1;
}

/* vd_ring_put with the program's signals held off: a handler that sent
 * while this thread had claimed a slot but not yet filled it would find the
 * ring full behind that slot, which only this thread can fill once the
 * handler returns — it would wait out ring_wait and drop the connection
 * (the stress test's SIGALRM handler did, about one run in ten). Two system
 * calls per entry; sigprocmask is async-signal-safe. */
static int ring_put(struct vd_ring *r, const char *msg, size_t len)
{
	sigset_t all, old;
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	int rc = vd_ring_put(r, msg, len);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return rc;
}

int vs_chan_send(const char *msg, size_t len)
{
	int fd = atomic_load_explicit(&vs_ctl, memory_order_relaxed);
	if (fd < 0 || !len)
		return -1;
	struct vd_ring *r = atomic_load_explicit(&ring, memory_order_relaxed);
	if (r) {
		for (;;) {
			int rc = ring_put(r, msg, len);
			if (rc == (int)VD_RING_NUDGE)   /* half full: have vifd read it now */
				return sock_send(fd, "sync", 4);
			if (rc > 0)
				return 0;
			if (rc == -2)
				break;                  /* too long for a slot: cannot happen */
			if (ring_wait(fd, r))
				return -1;
		}
	}
	return sock_send(fd, msg, len);
}

static int sock_send(int fd, const char *msg, size_t len)
{
	/* Non-blocking: if vifd is slow to take requests, take its replies
	 * (it stops reading from a client whose replies pile up) and wait a
	 * little for room, never forever. */
	for (long long end = 0;;) {
		ssize_t k = send(fd, msg, len, MSG_DONTWAIT | MSG_NOSIGNAL);
		if (k >= 0)
			break;
		if (errno == EINTR)
			continue;
		if (errno == EAGAIN || errno == EWOULDBLOCK) {
			if (!end)
				end = now_ms() + 2000;
			else if (now_ms() >= end)
				errno = ETIMEDOUT;
		}
		if (errno != EAGAIN && errno != EWOULDBLOCK) {
			broken(fd);
			return -1;
		}
		drain(fd);
		struct pollfd p = {.fd = fd, .events = POLLOUT};
		poll(&p, 1, 10);
	}
	unsigned long s = atomic_fetch_add(&sent, 1) + 1;
	if ((long)(s - atomic_load(&received)) >= DRAIN_AT)
		drain(fd);
	return 0;
}

/* Read replies until the one to `ring` (at most `max`: on a fresh
 * connection it is the next one; after an exec, replies the old image did
 * not take come first) and map the ring it carries. NULL: no ring (an error
 * reply, no memory): requests then go on the socket. */
static struct vd_ring *ring_reply(int fd, int max)
{
	for (int i = 0; i < max; i++) {
		char buf[128];
		union {
			char b[CMSG_SPACE(sizeof(int))];
			struct cmsghdr align;
		} cm;
		struct iovec iov = {buf, sizeof buf - 1};
		struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = cm.b,
				    .msg_controllen = sizeof cm.b};
		ssize_t k = recvmsg(fd, &mh, MSG_CMSG_CLOEXEC);
		if (k < 0 && errno == EINTR) {
			i--;
			continue;
		}
		if (k <= 0)
			return NULL;
		buf[k] = '\0';
		struct cmsghdr *ch = CMSG_FIRSTHDR(&mh);
		if (ch && ch->cmsg_level == SOL_SOCKET && ch->cmsg_type == SCM_RIGHTS) {
			int rfd;
			memcpy(&rfd, CMSG_DATA(ch), sizeof rfd);
			void *m = MAP_FAILED;
			if (!strncmp(buf, "ok ring ", 8))
				m = mmap(NULL, VD_RING_BYTES, PROT_READ | PROT_WRITE, MAP_SHARED, rfd, 0);
			sys_close(rfd);
			return m == MAP_FAILED ? NULL : m;
		}
		if (!strncmp(buf, "error ", 6) && strstr(buf, "ring"))
			return NULL;        /* vifd refused the ring: the socket it is */
	}
	return NULL;
}

/* A fresh connection, hello'd, registered and given its ring (pipelined: one
 * round trip). The fd is close-on-exec until the caller moves it; -errno on
 * failure. *rp: the ring, or NULL (requests go on the socket). */
static int chan_open(struct vd_ring **rp)
{
	int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	struct timeval tv = {2, 0};      /* a hung vifd must not hang the program */
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
	if (connect(fd, (struct sockaddr *)&ctl_addr, sizeof ctl_addr) < 0) {
		int e = errno;
		sys_close(fd);
		return -e;
	}
	char reg[64], r1[256], r2[256];
	char comm[17] = "";
	extern char *program_invocation_short_name;
	if (program_invocation_short_name)
		strncpy(comm, program_invocation_short_name, 16);
	size_t rl = vs_fmt_register(reg, sizeof reg, getppid(), comm);
	if (send(fd, "hello 1", 7, MSG_NOSIGNAL) != 7 || send(fd, reg, rl, MSG_NOSIGNAL) != (ssize_t)rl ||
	    (want_ring && send(fd, "ring", 4, MSG_NOSIGNAL) != 4) ||
	    recv_one(fd, r1, sizeof r1, 0) <= 0 || recv_one(fd, r2, sizeof r2, 0) <= 0 ||
	    strncmp(r1, "ok", 2) || !vs_reply_ok(r2, strlen(r2))) {
		sys_close(fd);
		return -EPROTO;
	}
	*rp = want_ring ? ring_reply(fd, 1) : NULL;
	return fd;
}

/* Is fd a live connection to our vifd (after exec, the number may name
 * anything if the program closed it)? */
static bool chan_valid(int fd)
{
	struct stat st;
	int v;
	socklen_t l = sizeof v;
	if (fd < 0 || fstat(fd, &st) || !S_ISSOCK(st.st_mode))
		return false;
	if (getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &v, &l) || v != AF_UNIX)
		return false;
	l = sizeof v;
	if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &v, &l) || v != SOCK_SEQPACKET)
		return false;
	struct sockaddr_un sa;
	l = sizeof sa;
	memset(&sa, 0, sizeof sa);
	if (getpeername(fd, (struct sockaddr *)&sa, &l))
		return false;
	return !strncmp(sa.sun_path, ctl_addr.sun_path, sizeof sa.sun_path);
}

/* Move a fresh connection to its high fd (kept across exec) and publish it. */
static int publish(int fd)
{
	int hi = (int)syscall(SYS_fcntl, fd, F_DUPFD, fd_base);
	if (hi < 0)
		return -1;
	sys_close(fd);
	char v[VS_ENV_LEN + 1];
	vs_env_fmt(v, hi, getpid());
	setenv(ENV_FD, v, 1);
	atomic_store(&vs_ctl, hi);
	return 0;
}

void vs_chan_init(int (*real_close)(int))
{
	r_close = real_close;
	const char *path = getenv("VIFNET_CONTROL");
	if (!path || !*path)
		path = DEFAULT_CONTROL;
	ctl_addr.sun_family = AF_UNIX;
	strncpy(ctl_addr.sun_path, path, sizeof ctl_addr.sun_path - 1);
	struct rlimit rl;
	if (!getrlimit(RLIMIT_NOFILE, &rl) && rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < 1024 + 64)
		fd_base = rl.rlim_cur > 64 ? (int)rl.rlim_cur - 64 : 3;
	else
		fd_base = 1000;

	const char *nr = getenv("VIFNET_SHIM_RING");
	want_ring = !(nr && !strcmp(nr, "0"));
	const char *v = getenv(ENV_FD);
	bool quiet = v && !strcmp(v, "off");
	int fd;
	pid_t pid;
	if (vs_env_parse(v, &fd, &pid) == 0) {
		if (chan_valid(fd)) {
			if (pid == getpid()) {
				/* exec: our registration lives on; the ring went with the
				 * old image's memory: ask for it again (vifd first reads
				 * what the old image left in it). Replies the old image
				 * did not take come first and are skipped. */
				atomic_store(&vs_ctl, fd);
				if (want_ring && send(fd, "ring", 4, MSG_NOSIGNAL) == 4)
					atomic_store(&ring, ring_reply(fd, 4096));
				return;
			}
			/* Another process's connection (vfork, posix_spawn): not ours. */
			sys_close(fd);
		}
	}
	struct vd_ring *r = NULL;
	fd = chan_open(&r);
	atomic_store(&ring, r);
	if (fd < 0 || publish(fd) < 0) {
		atomic_store(&ring, NULL);
		if (r)
			munmap(r, VD_RING_BYTES);
		if (fd >= 0)
			sys_close(fd);
		setenv(ENV_FD, "off", 1);
		if (!quiet) {
			atomic_store(&warned, false);
			warn_once("cannot reach vifd at ", fd < 0 ? -fd : EMFILE);
		}
		atomic_store(&warned, true);
	}
}

void vs_chan_child(void)
{
	int inherited = atomic_load(&vs_ctl);
	atomic_store(&sent, 0);
	atomic_store(&received, 0);
	if (inherited < 0)
		return;
	/* The inherited fd is the parent's connection: SO_PEERCRED says parent.
	 * Replace it, under the same number, with our own, registered before
	 * fork() returns here (so the parent is still alive for rule 2). */
	struct vd_ring *old = atomic_exchange(&ring, NULL), *r = NULL;
	if (old)
		munmap(old, VD_RING_BYTES);     /* the parent's: never write there */
	int fd = chan_open(&r);
	if (fd >= 0 && syscall(SYS_dup3, fd, inherited, 0) == inherited) {
		sys_close(fd);
		atomic_store(&ring, r);
		char *v = env_value();
		if (v) {
			char nv[VS_ENV_LEN + 1];
			vs_env_fmt(nv, inherited, getpid());
			memcpy(v, nv, VS_ENV_LEN);
		}
	} else {
		if (r)
			munmap(r, VD_RING_BYTES);
		if (fd >= 0)
			sys_close(fd);
		atomic_store(&vs_ctl, -1);
		sys_close(inherited);
		env_mark_off();
	}
}

void vs_chan_move_away(int fd)
{
	int hi = (int)syscall(SYS_fcntl, fd, F_DUPFD, fd + 1);
	if (hi < 0)
		return;
	if (!atomic_compare_exchange_strong(&vs_ctl, &fd, hi)) {
		sys_close(hi);          /* someone else moved or dropped it */
		return;
	}
	sys_close(fd);
	char *v = env_value();
	if (v) {
		char nv[VS_ENV_LEN + 1];
		vs_env_fmt(nv, hi, getpid());
		memcpy(v, nv, VS_ENV_LEN);
	}
}
