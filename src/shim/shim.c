/* libvifshim — LD_PRELOAD shim that tells vifd which process and socket
 * every flow belongs to (SPEC section 6, seed IV.1.3.1, docs/shim.md).
 *
 * Invariants:
 *  - a flow's local port is registered with vifd before the socket's first
 *    packet can reach the device: connect() and the first sendto() of an
 *    unbound socket bind to port 0 first and send the registration of
 *    (any, port), then let the call through. The message is in vifd's
 *    control socket before the packet is in the device, and vifd serves
 *    pending control requests before it classifies the first packet of an
 *    unknown flow (vd_ctl_poll), so no reply needs to be awaited;
 *  - a socket fd is reported closed BEFORE the real close, so that another
 *    thread cannot get the same number and be reported first;
 *  - non-socket fds cost one bit test (the `tracked` bitmap);
 *  - ICMP sockets are flows too, keyed by the echo identifier as their local
 *    port: a ping socket (SOCK_DGRAM, IPPROTO_ICMP/ICMPV6) gets its
 *    identifier from the kernel when bound, like a UDP port; a raw ICMP
 *    socket has none, so the identifier of the first echo request it sends
 *    (and of any later one that differs) is registered before that request
 *    goes out;
 *  - nothing here allocates or locks (shim_chan sends whole messages on a
 *    SOCK_SEQPACKET socket), so close/dup2 stay async-signal-safe. */

/* We define both fcntl and fcntl64: do not let the headers rename one into
 * the other (they do with 64-bit off_t, which 64-bit Linux has anyway). */
#undef _FILE_OFFSET_BITS
#include <dlfcn.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "shim_chan.h"
#include "shim_msg.h"

#define EXPORT __attribute__((visibility("default")))

/* ---- per-fd bits ---- */

#define MAXFD (1 << 20)        /* fds beyond this are not tracked (documented) */
static _Atomic uint64_t tracked[MAXFD / 64], bound[MAXFD / 64], udp[MAXFD / 64], v6[MAXFD / 64];
/* ICMP sockets: icmp set (with udp clear); raw ICMP sockets: raw set too */
static _Atomic uint64_t icmp[MAXFD / 64], raw[MAXFD / 64];
/* The echo identifier registered for a raw ICMP socket (when `bound`).
 * Untouched pages of it cost no memory. */
static _Atomic uint16_t rawid[MAXFD];

enum kind { K_TCP, K_UDP, K_PING, K_RAW };

static inline bool bit(_Atomic uint64_t *m, int fd)
{
	return fd >= 0 && fd < MAXFD &&
	       (atomic_load_explicit(&m[fd >> 6], memory_order_relaxed) >> (fd & 63) & 1);
}

static inline void bit_put(_Atomic uint64_t *m, int fd, bool on)
{
	if (fd < 0 || fd >= MAXFD)
		return;
	uint64_t b = 1ull << (fd & 63);
	if (on)
		atomic_fetch_or_explicit(&m[fd >> 6], b, memory_order_relaxed);
	else
		atomic_fetch_and_explicit(&m[fd >> 6], ~b, memory_order_relaxed);
}

static void track(int fd, enum kind k, bool is_v6)
{
	bit_put(v6, fd, is_v6);
	bit_put(udp, fd, k == K_UDP);
	bit_put(icmp, fd, k == K_PING || k == K_RAW);
	bit_put(raw, fd, k == K_RAW);
	bit_put(bound, fd, false);
	bit_put(tracked, fd, true);
}

static void untrack(int fd)
{
	bit_put(tracked, fd, false);
	bit_put(bound, fd, false);
	bit_put(udp, fd, false);
	bit_put(icmp, fd, false);
	bit_put(raw, fd, false);
	bit_put(v6, fd, false);
}

static enum kind kind_of(int fd)
{
	return bit(raw, fd) ? K_RAW : bit(icmp, fd) ? K_PING : bit(udp, fd) ? K_UDP : K_TCP;
}

/* The protocol of fd's flows when they are of family `family`. */
static int proto_of(int fd, int family)
{
	if (bit(icmp, fd))
		return family == AF_INET6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP;
	return bit(udp, fd) ? IPPROTO_UDP : IPPROTO_TCP;
}

/* ---- the real functions ---- */

static int (*r_socket)(int, int, int);
static int (*r_bind)(int, const struct sockaddr *, socklen_t);
static int (*r_connect)(int, const struct sockaddr *, socklen_t);
static int (*r_listen)(int, int);
static int (*r_accept)(int, struct sockaddr *, socklen_t *);
static int (*r_accept4)(int, struct sockaddr *, socklen_t *, int);
static ssize_t (*r_sendto)(int, const void *, size_t, int, const struct sockaddr *, socklen_t);
static ssize_t (*r_sendmsg)(int, const struct msghdr *, int);
static int (*r_sendmmsg)(int, struct mmsghdr *, unsigned int, int);
static int (*r_close)(int);
static int (*r_dup)(int);
static int (*r_dup2)(int, int);
static int (*r_dup3)(int, int, int);
static int (*r_fcntl)(int, int, ...);
static int (*r_fcntl64)(int, int, ...);

static void resolve(void)
{
#define R(name) if (!r_##name) *(void **)&r_##name = dlsym(RTLD_NEXT, #name)
	R(socket); R(bind); R(connect); R(listen); R(accept); R(accept4);
	R(sendto); R(sendmsg); R(sendmmsg); R(close); R(dup); R(dup2); R(dup3);
	R(fcntl); R(fcntl64);
#undef R
	if (!r_fcntl64)
		r_fcntl64 = r_fcntl;
}

#define NEED(name) do { if (__builtin_expect(!r_##name, 0)) resolve(); } while (0)

static inline bool on(void)
{
	return atomic_load_explicit(&vs_ctl, memory_order_relaxed) >= 0;
}

/* ---- requests ---- */

static int req(const char *m, size_t len)
{
	int e = errno;               /* the program's errno is not ours to change */
	int rc = vs_chan_send(m, len);
	errno = e;
	return rc;
}

/* Register fd's flow from getsockname (and the peer: `peer`, else
 * getpeername, else the wildcard). The two ends must share a family: an
 * unconnected IPv6 socket talking IPv4 (mapped) registers as IPv4. */
static int reg_flow(int fd, const struct vs_end *peer)
{
	struct sockaddr_storage ss;
	socklen_t sl = sizeof ss;
	struct vs_end l, r;
	if (getsockname(fd, (struct sockaddr *)&ss, &sl) || vs_end_from_sa((struct sockaddr *)&ss, sl, &l) ||
	    l.port == 0)
		return -1;
	if (peer)
		r = *peer;
	else {
		sl = sizeof ss;
		if (getpeername(fd, (struct sockaddr *)&ss, &sl) || vs_end_from_sa((struct sockaddr *)&ss, sl, &r))
			vs_end_any(l.family, &r);
	}
	if (l.family != r.family) {
		static const uint8_t zero[16];
		if (!memcmp(l.addr, zero, 16)) {
			uint16_t p = l.port;
			vs_end_any(r.family, &l);
			l.port = p;
		} else if (!memcmp(r.addr, zero, 16) && r.port == 0) {
			vs_end_any(l.family, &r);
		} else {
			return -1;
		}
	}
	char m[160];
	size_t k = vs_fmt_flow(m, sizeof m, fd, proto_of(fd, l.family), &l, &r);
	bit_put(bound, fd, true);
	return req(m, k);
}

/* A raw ICMP socket is about to send buf: if it is an echo request with an
 * identifier not registered for fd yet, register (any, identifier). */
static void raw_echo(int fd, const void *buf, size_t n)
{
	int id = vs_echo_id(buf, n, bit(v6, fd));
	if (id < 0 || (bit(bound, fd) && atomic_load_explicit(&rawid[fd], memory_order_relaxed) == id))
		return;
	struct vs_end l, r;
	vs_end_any(bit(v6, fd) ? AF_INET6 : AF_INET, &l);
	vs_end_any(l.family, &r);
	l.port = (uint16_t)id;
	char m[160];
	size_t k = vs_fmt_flow(m, sizeof m, fd, proto_of(fd, l.family), &l, &r);
	atomic_store_explicit(&rawid[fd], (uint16_t)id, memory_order_relaxed);
	bit_put(bound, fd, true);
	req(m, k);
}

/* Before a packet with destination dst leaves an unbound socket: take a
 * local port now (bind to port 0) and register (any, port). True if we
 * bound it: then the port is this socket's alone (no SO_REUSEPORT on it)
 * and the (any, port) entry classifies every packet of the socket; the
 * exact 5-tuple need not be sent after connect(). */
static bool ensure_bound(int fd, const struct vs_end *dst)
{
	int rc;
	if (bit(v6, fd)) {
		struct sockaddr_in6 a = {.sin6_family = AF_INET6};
		rc = r_bind(fd, (struct sockaddr *)&a, sizeof a);
	} else {
		struct sockaddr_in a = {.sin_family = AF_INET};
		rc = r_bind(fd, (struct sockaddr *)&a, sizeof a);
	}
	/* rc != 0: already bound where we did not see it (EINVAL): register its port. */
	struct vs_end any;
	vs_end_any(dst->family, &any);
	reg_flow(fd, &any);
	return rc == 0;
}

/* Is (domain, type, protocol) a TCP, UDP or ICMP (ping or raw) socket of
 * the Internet families? */
static bool inet_kind(int domain, int type, int protocol, enum kind *k)
{
	if (domain != AF_INET && domain != AF_INET6)
		return false;
	int echo = domain == AF_INET ? IPPROTO_ICMP : IPPROTO_ICMPV6;
	type &= ~(SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (type == SOCK_STREAM && (protocol == 0 || protocol == IPPROTO_TCP || protocol == IPPROTO_MPTCP))
		*k = K_TCP;
	else if (type == SOCK_DGRAM && (protocol == 0 || protocol == IPPROTO_UDP))
		*k = K_UDP;
	else if (type == SOCK_DGRAM && protocol == echo)
		*k = K_PING;
	else if (type == SOCK_RAW && protocol == echo)
		*k = K_RAW;
	else
		return false;
	return true;
}

/* ---- interposed calls ---- */

EXPORT int socket(int domain, int type, int protocol)
{
	NEED(socket);
	int fd = r_socket(domain, type, protocol);
	enum kind u;
	/* Tracked only: vifd hears of the socket with its first flow (bind,
	 * listen, connect, first sendto, accept), which is before its first
	 * packet and saves a message for sockets that never carry one. */
	if (fd >= 0 && on() && inet_kind(domain, type, protocol, &u))
		track(fd, u, domain == AF_INET6);
	return fd;
}

EXPORT int bind(int fd, const struct sockaddr *sa, socklen_t len)
{
	NEED(bind);
	int rc = r_bind(fd, sa, len);
	if (rc == 0 && bit(tracked, fd) && !bit(raw, fd) && on()) {
		int e = errno;
		reg_flow(fd, NULL);
		errno = e;
	}
	return rc;
}

EXPORT int listen(int fd, int backlog)
{
	NEED(listen);
	int rc = r_listen(fd, backlog);
	if (rc == 0 && bit(tracked, fd) && !bit(bound, fd) && !bit(raw, fd) && on()) {
		int e = errno;
		reg_flow(fd, NULL);    /* listen() on an unbound socket picked a port */
		errno = e;
	}
	return rc;
}

EXPORT int connect(int fd, const struct sockaddr *sa, socklen_t len)
{
	NEED(connect);
	NEED(bind);
	struct vs_end dst;
	if (!bit(tracked, fd) || bit(raw, fd) || !on() || vs_end_from_sa(sa, len, &dst))
		return r_connect(fd, sa, len);
	int e = errno;
	bool ours = !bit(bound, fd) && ensure_bound(fd, &dst);
	errno = e;
	int rc = r_connect(fd, sa, len);
	if (!ours && (rc == 0 || errno == EINPROGRESS)) {
		e = errno;
		reg_flow(fd, &dst);    /* a shared port: the exact 5-tuple, now that it exists */
		errno = e;
	}
	return rc;
}

static void on_accept(int lfd, int nfd)
{
	if (nfd < 0 || !bit(tracked, lfd) || !on())
		return;
	int e = errno;
	track(nfd, kind_of(lfd), bit(v6, lfd));
	reg_flow(nfd, NULL);
	errno = e;
}

EXPORT int accept(int fd, struct sockaddr *sa, socklen_t *len)
{
	NEED(accept);
	int nfd = r_accept(fd, sa, len);
	on_accept(fd, nfd);
	return nfd;
}

EXPORT int accept4(int fd, struct sockaddr *sa, socklen_t *len, int flags)
{
	NEED(accept4);
	int nfd = r_accept4(fd, sa, len, flags);
	on_accept(fd, nfd);
	return nfd;
}

/* The first datagram of an unbound socket (or a TCP fast open); any echo
 * request of a raw ICMP socket (buf, n: its first n bytes). */
static void before_send(int fd, const void *name, socklen_t len, const void *buf, size_t n)
{
	struct vs_end dst;
	if (bit(raw, fd)) {
		if (bit(tracked, fd) && on()) {
			int e = errno;
			raw_echo(fd, buf, n);
			errno = e;
		}
		return;
	}
	if (!name || bit(bound, fd) || !bit(tracked, fd) || !on() ||
	    vs_end_from_sa(name, len, &dst))
		return;
	NEED(bind);
	int e = errno;
	ensure_bound(fd, &dst);
	errno = e;
}

EXPORT ssize_t sendto(int fd, const void *buf, size_t n, int flags, const struct sockaddr *sa,
		      socklen_t len)
{
	NEED(sendto);
	before_send(fd, sa, len, buf, n);
	ssize_t rc = r_sendto(fd, buf, n, flags, sa, len);
	if ((flags & MSG_FASTOPEN) && rc >= 0 && bit(tracked, fd) && !bit(udp, fd) && on()) {
		int e = errno;
		reg_flow(fd, NULL);
		errno = e;
	}
	return rc;
}

EXPORT ssize_t sendmsg(int fd, const struct msghdr *msg, int flags)
{
	NEED(sendmsg);
	if (msg)
		before_send(fd, msg->msg_name, msg->msg_namelen,
			    msg->msg_iovlen ? msg->msg_iov[0].iov_base : NULL,
			    msg->msg_iovlen ? msg->msg_iov[0].iov_len : 0);
	return r_sendmsg(fd, msg, flags);
}

EXPORT int sendmmsg(int fd, struct mmsghdr *v, unsigned int n, int flags)
{
	NEED(sendmmsg);
	if (v && n) {
		const struct msghdr *h = &v[0].msg_hdr;
		before_send(fd, h->msg_name, h->msg_namelen, h->msg_iovlen ? h->msg_iov[0].iov_base : NULL,
			    h->msg_iovlen ? h->msg_iov[0].iov_len : 0);
	}
	return r_sendmmsg(fd, v, n, flags);
}

/* A tracked fd is going away: tell vifd first (see the invariants), if it
 * ever heard of it (`bound`: a flow was registered). */
static void note_close(int fd)
{
	bool known = bit(bound, fd);
	untrack(fd);
	if (!known || !on())
		return;
	char m[32];
	req(m, vs_fmt_close(m, sizeof m, fd));
}

EXPORT int close(int fd)
{
	NEED(close);
	if (vs_is_ctl(fd))
		return 0;              /* the program closes "all" fds: ours stays (docs/shim.md) */
	if (bit(tracked, fd)) {
		int e = errno;
		note_close(fd);
		errno = e;
	}
	return r_close(fd);
}

/* newfd now names what oldfd names. */
static void on_dup(int oldfd, int newfd)
{
	if (newfd < 0 || oldfd == newfd)
		return;
	int e = errno;
	if (bit(tracked, oldfd)) {
		bool known = bit(bound, oldfd);
		if (bit(tracked, newfd) && !known)
			note_close(newfd);         /* dup2 over a registered socket */
		track(newfd, kind_of(oldfd), bit(v6, oldfd));
		bit_put(bound, newfd, known);
		if (newfd < MAXFD)
			atomic_store_explicit(&rawid[newfd],
					      atomic_load_explicit(&rawid[oldfd], memory_order_relaxed),
					      memory_order_relaxed);
		if (known && on()) {
			char m[48];
			req(m, vs_fmt_dup(m, sizeof m, oldfd, newfd));
		}
	} else if (bit(tracked, newfd)) {
		note_close(newfd);         /* a socket replaced by something else */
	}
	errno = e;
}

/* dup2/dup3 over the control connection: move the connection first. */
static void protect_ctl(int newfd)
{
	if (vs_is_ctl(newfd))
		vs_chan_move_away(newfd);
}

EXPORT int dup(int fd)
{
	NEED(dup);
	int nfd = r_dup(fd);
	if (nfd >= 0 && bit(tracked, fd))
		on_dup(fd, nfd);
	return nfd;
}

EXPORT int dup2(int fd, int nfd)
{
	NEED(dup2);
	protect_ctl(nfd);
	bool care = bit(tracked, fd) || bit(tracked, nfd);
	int rc = r_dup2(fd, nfd);
	if (rc >= 0 && care)
		on_dup(fd, rc);
	return rc;
}

EXPORT int dup3(int fd, int nfd, int flags)
{
	NEED(dup3);
	protect_ctl(nfd);
	bool care = bit(tracked, fd) || bit(tracked, nfd);
	int rc = r_dup3(fd, nfd, flags);
	if (rc >= 0 && care)
		on_dup(fd, rc);
	return rc;
}

/* fcntl's third argument is an int or a pointer: pass it on as a word. */
static int fcntl_common(int (*real)(int, int, ...), int fd, int cmd, va_list ap)
{
	void *arg = va_arg(ap, void *);
	int rc = real(fd, cmd, arg);
	if (rc >= 0 && (cmd == F_DUPFD || cmd == F_DUPFD_CLOEXEC) && bit(tracked, fd))
		on_dup(fd, rc);
	return rc;
}

EXPORT int fcntl(int fd, int cmd, ...)
{
	NEED(fcntl);
	va_list ap;
	va_start(ap, cmd);
	int rc = fcntl_common(r_fcntl, fd, cmd, ap);
	va_end(ap);
	return rc;
}

EXPORT int fcntl64(int fd, int cmd, ...)
{
	NEED(fcntl);
	va_list ap;
	va_start(ap, cmd);
	int rc = fcntl_common(r_fcntl64, fd, cmd, ap);
	va_end(ap);
	return rc;
}

static int sys_close_range(unsigned a, unsigned b, int flags)
{
	return (int)syscall(SYS_close_range, a, b, flags);
}

EXPORT int close_range(unsigned first, unsigned last, int flags)
{
	if (first > last) {
		errno = EINVAL;
		return -1;
	}
	if (!(flags & CLOSE_RANGE_CLOEXEC)) {
		unsigned hi = last < MAXFD - 1 ? last : MAXFD - 1;
		for (unsigned fd = first; fd <= hi; fd++) {
			if ((fd & 63) == 0 && fd + 63 <= hi &&
			    !atomic_load_explicit(&tracked[fd >> 6], memory_order_relaxed)) {
				fd += 63;
				continue;
			}
			if (bit(tracked, (int)fd))
				note_close((int)fd);
		}
	}
	int c = atomic_load(&vs_ctl);
	if (c >= 0 && (unsigned)c >= first && (unsigned)c <= last) {
		int rc = 0;
		if ((unsigned)c > first)
			rc = sys_close_range(first, (unsigned)c - 1, flags);
		if (rc == 0 && (unsigned)c < last)
			rc = sys_close_range((unsigned)c + 1, last, flags);
		return rc;
	}
	return sys_close_range(first, last, flags);
}

EXPORT void closefrom(int lowfd)
{
	if (lowfd < 0)
		lowfd = 0;
	if (close_range((unsigned)lowfd, ~0u, 0) == 0)
		return;
	long max = sysconf(_SC_OPEN_MAX);
	for (long fd = lowfd; fd < max; fd++)
		if (!vs_is_ctl((int)fd))
			close((int)fd);
}

/* ---- start ---- */

/* After exec the sockets the old image left open are still registered
 * under their numbers: track them again. */
static void adopt_open_sockets(void)
{
	DIR *d = opendir("/proc/self/fd");
	if (!d)
		return;
	int self = dirfd(d);
	for (struct dirent *e; (e = readdir(d));) {
		int fd = atoi(e->d_name);
		if (e->d_name[0] < '0' || e->d_name[0] > '9' || fd == self || vs_is_ctl(fd))
			continue;
		int dom, type, proto;
		socklen_t l = sizeof dom;
		enum kind u;
		if (getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &dom, &l))
			continue;
		l = sizeof type;
		getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &l);
		l = sizeof proto;
		getsockopt(fd, SOL_SOCKET, SO_PROTOCOL, &proto, &l);
		if (!inet_kind(dom, type, proto, &u))
			continue;
		track(fd, u, dom == AF_INET6);
		if (u == K_RAW)
			continue;          /* registered again by its next echo request */
		struct sockaddr_storage ss;
		struct vs_end end;
		socklen_t sl = sizeof ss;
		if (!getsockname(fd, (struct sockaddr *)&ss, &sl) &&
		    !vs_end_from_sa((struct sockaddr *)&ss, sl, &end) && end.port)
			bit_put(bound, fd, true);
	}
	closedir(d);
}

__attribute__((constructor)) static void shim_init(void)
{
	int e = errno;
	resolve();
	vs_chan_init(r_close);
	if (on())
		adopt_open_sockets();
	pthread_atfork(NULL, NULL, vs_chan_child);
	errno = e;
}
