/* The shim's control connection. Only async-signal-safe calls below the
 * constructor: send/recv/socket/connect/dup3/close, no stdio, no malloc. */
#include "shim_chan.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

#include "shim_msg.h"

#define ENV_FD "VIFNET_SHIM_FD"
#define DEFAULT_CONTROL "/run/vifnet/control.sock"
#define MAX_OUTSTANDING 64

_Atomic int vs_ctl = -1;

static atomic_flag lk = ATOMIC_FLAG_INIT;
static unsigned outstanding;         /* async replies not read yet (lock held) */
static struct sockaddr_un ctl_addr;  /* where vifd listens */
static int fd_base = 900;            /* the connection lives at or above this fd */
static atomic_bool warned;
static int (*r_close)(int);

void vs_lock(sigset_t *old)
{
	sigset_t all;
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, old);
	while (atomic_flag_test_and_set_explicit(&lk, memory_order_acquire))
		sched_yield();
}

void vs_unlock(const sigset_t *old)
{
	atomic_flag_clear_explicit(&lk, memory_order_release);
	pthread_sigmask(SIG_SETMASK, old, NULL);
}

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

static void broken(void)
{
	int fd = atomic_exchange(&vs_ctl, -1);
	if (fd >= 0)
		sys_close(fd);
	outstanding = 0;
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

/* Read every reply still owed (blocking). */
static int drain(void)
{
	char buf[256];
	int fd = atomic_load(&vs_ctl);
	while (outstanding) {
		if (recv_one(fd, buf, sizeof buf, 0) <= 0) {
			broken();
			return -1;
		}
		outstanding--;
	}
	return 0;
}

static int send_msg(int fd, const char *msg, size_t len)
{
	for (;;) {
		ssize_t k = send(fd, msg, len, MSG_NOSIGNAL);
		if (k >= 0)
			return 0;
		if (errno != EINTR)
			return -1;
	}
}

int vs_chan_sync(const char *msg, size_t len)
{
	int fd = atomic_load(&vs_ctl);
	if (fd < 0 || !len)
		return -1;
	if (send_msg(fd, msg, len)) {
		broken();
		return -1;
	}
	if (drain())
		return -1;
	char buf[256];
	ssize_t k = recv_one(fd, buf, sizeof buf, 0);
	if (k <= 0) {
		broken();
		return -1;
	}
	return vs_reply_ok(buf, (size_t)k) ? 0 : -1;
}

int vs_chan_async(const char *msg, size_t len)
{
	int fd = atomic_load(&vs_ctl);
	if (fd < 0 || !len)
		return -1;
	char buf[256];
	/* Opportunistic: take whatever replies are already here. */
	while (outstanding) {
		ssize_t k = recv_one(fd, buf, sizeof buf, MSG_DONTWAIT);
		if (k > 0) {
			outstanding--;
			continue;
		}
		if (k == 0 || (errno != EAGAIN && errno != EWOULDBLOCK)) {
			broken();
			return -1;
		}
		break;
	}
	/* vifd stops reading from a client whose replies pile up: never let it. */
	if (outstanding >= MAX_OUTSTANDING && drain())
		return -1;
	if (send_msg(fd, msg, len)) {
		broken();
		return -1;
	}
	outstanding++;
	return 0;
}

/* A fresh connection, hello'd and registered (pipelined: one round trip).
 * The fd is close-on-exec until the caller moves it; -errno on failure. */
static int chan_open(void)
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
	if (send_msg(fd, "hello 1", 7) || send_msg(fd, reg, rl) ||
	    recv_one(fd, r1, sizeof r1, 0) <= 0 || recv_one(fd, r2, sizeof r2, 0) <= 0 ||
	    strncmp(r1, "ok", 2) || !vs_reply_ok(r2, strlen(r2))) {
		sys_close(fd);
		return -EPROTO;
	}
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

/* After exec: replies the previous image never read may still be queued.
 * A second hello is answered "error EPROTO" after all of them: read up to it. */
static int barrier(int fd)
{
	char buf[256];
	if (send_msg(fd, "hello 1", 7))
		return -1;
	for (int i = 0; i < 4 * MAX_OUTSTANDING + 8; i++) {
		ssize_t k = recv_one(fd, buf, sizeof buf, 0);
		if (k <= 0)
			return -1;
		if (!strncmp(buf, "error EPROTO", 12))
			return 0;
	}
	return -1;
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

	const char *v = getenv(ENV_FD);
	bool quiet = v && !strcmp(v, "off");
	int fd;
	pid_t pid;
	if (vs_env_parse(v, &fd, &pid) == 0) {
		if (chan_valid(fd)) {
			if (pid == getpid()) {           /* exec: our registration lives on */
				if (barrier(fd) == 0) {
					atomic_store(&vs_ctl, fd);
					return;
				}
			}
			/* Another process's connection (vfork, posix_spawn): not ours. */
			sys_close(fd);
		}
	}
	fd = chan_open();
	if (fd < 0 || publish(fd) < 0) {
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

static sigset_t fork_mask;

void vs_chan_prepare(void)
{
	sigset_t old;
	vs_lock(&old);
	fork_mask = old;
}

void vs_chan_parent(void)
{
	sigset_t old = fork_mask;
	vs_unlock(&old);
}

void vs_chan_child(void)
{
	sigset_t old = fork_mask;
	int inherited = atomic_load(&vs_ctl);
	outstanding = 0;
	if (inherited >= 0) {
		/* The inherited fd is the parent's connection: SO_PEERCRED says
		 * parent. Replace it, under the same number, with our own. */
		int fd = chan_open();
		if (fd >= 0 && syscall(SYS_dup3, fd, inherited, 0) == inherited) {
			sys_close(fd);
			char *v = env_value();
			if (v) {
				char nv[VS_ENV_LEN + 1];
				vs_env_fmt(nv, inherited, getpid());
				memcpy(v, nv, VS_ENV_LEN);
			}
		} else {
			if (fd >= 0)
				sys_close(fd);
			atomic_store(&vs_ctl, -1);
			sys_close(inherited);
			env_mark_off();
		}
	}
	vs_unlock(&old);
}

void vs_chan_move_away(void)
{
	int fd = atomic_load(&vs_ctl);
	if (fd < 0)
		return;
	int hi = (int)syscall(SYS_fcntl, fd, F_DUPFD, fd + 1);
	if (hi < 0)
		return;
	atomic_store(&vs_ctl, hi);
	sys_close(fd);
	char *v = env_value();
	if (v) {
		char nv[VS_ENV_LEN + 1];
		vs_env_fmt(nv, hi, getpid());
		memcpy(v, nv, VS_ENV_LEN);
	}
}
