/* Control messages and address forms for the shim, without stdio: these run
 * inside close() and dup2(), which a signal handler may call. */
#include "shim_msg.h"

#include <netinet/in.h>
#include <string.h>

size_t vs_utoa(char *buf, unsigned long v)
{
	char tmp[24];
	size_t n = 0;
	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	for (size_t i = 0; i < n; i++)
		buf[i] = tmp[n - 1 - i];
	return n;
}

int vs_end_from_sa(const struct sockaddr *sa, socklen_t len, struct vs_end *e)
{
	memset(e, 0, sizeof *e);
	if (!sa || len < (socklen_t)sizeof(sa_family_t))
		return -1;
	if (sa->sa_family == AF_INET && len >= (socklen_t)sizeof(struct sockaddr_in)) {
		const struct sockaddr_in *s4 = (const struct sockaddr_in *)sa;
		e->family = AF_INET;
		memcpy(e->addr, &s4->sin_addr, 4);
		e->port = ntohs(s4->sin_port);
		return 0;
	}
	if (sa->sa_family == AF_INET6 && len >= (socklen_t)sizeof(struct sockaddr_in6)) {
		const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)sa;
		e->port = ntohs(s6->sin6_port);
		if (IN6_IS_ADDR_V4MAPPED(&s6->sin6_addr)) {
			e->family = AF_INET;
			memcpy(e->addr, &s6->sin6_addr.s6_addr[12], 4);
		} else {
			e->family = AF_INET6;
			memcpy(e->addr, &s6->sin6_addr, 16);
		}
		return 0;
	}
	return -1;
}

void vs_end_any(int family, struct vs_end *e)
{
	memset(e, 0, sizeof *e);
	e->family = family;
}

/* A small append-only writer that remembers overflow. */
struct w {
	char *buf;
	size_t n, len;
	bool over;
};

static void put(struct w *w, const char *s, size_t k)
{
	if (w->over || w->len + k + 1 > w->n) {
		w->over = true;
		return;
	}
	memcpy(w->buf + w->len, s, k);
	w->len += k;
	w->buf[w->len] = '\0';
}

static void puts_(struct w *w, const char *s) { put(w, s, strlen(s)); }

static void putu(struct w *w, unsigned long v)
{
	char t[24];
	put(w, t, vs_utoa(t, v));
}

static void puthex(struct w *w, unsigned v)
{
	static const char hx[] = "0123456789abcdef";
	char t[4];
	size_t k = 0;
	bool lead = true;
	for (int sh = 12; sh >= 0; sh -= 4) {
		unsigned d = (v >> sh) & 0xf;
		if (d || !lead || sh == 0) {
			t[k++] = hx[d];
			lead = false;
		}
	}
	put(w, t, k);
}

/* Dotted quad, or eight uncompressed hex groups (inet_pton reads both). */
static void putaddr(struct w *w, const struct vs_end *e)
{
	if (e->family == AF_INET) {
		for (int i = 0; i < 4; i++) {
			if (i)
				put(w, ".", 1);
			putu(w, e->addr[i]);
		}
		return;
	}
	for (int i = 0; i < 8; i++) {
		if (i)
			put(w, ":", 1);
		puthex(w, (unsigned)(e->addr[2 * i] << 8 | e->addr[2 * i + 1]));
	}
}

static size_t done(struct w *w)
{
	if (w->over) {
		if (w->n)
			w->buf[0] = '\0';
		return 0;
	}
	return w->len;
}

size_t vs_fmt_register(char *buf, size_t n, pid_t ppid, const char *comm)
{
	struct w w = {buf, n, 0, n == 0};
	puts_(&w, "register ");
	putu(&w, ppid > 0 ? (unsigned long)ppid : 0);
	/* comm becomes one word of printable characters (the parser splits on blanks). */
	char c[16];
	size_t k = 0;
	for (; comm && comm[k] && k < sizeof c - 1; k++) {
		unsigned char ch = (unsigned char)comm[k];
		c[k] = (ch <= ' ' || ch >= 0x7f) ? '_' : (char)ch;
	}
	if (k) {
		put(&w, " ", 1);
		put(&w, c, k);
	}
	return done(&w);
}

size_t vs_fmt_sock(char *buf, size_t n, int fd)
{
	struct w w = {buf, n, 0, n == 0};
	puts_(&w, "sock ");
	putu(&w, (unsigned long)fd);
	return done(&w);
}

size_t vs_fmt_flow(char *buf, size_t n, int fd, int proto, const struct vs_end *l,
		   const struct vs_end *r)
{
	struct w w = {buf, n, 0, n == 0};
	if (l->family != r->family || (l->family != AF_INET && l->family != AF_INET6))
		w.over = true;
	const char *p = proto == IPPROTO_TCP ? " tcp " : proto == IPPROTO_UDP ? " udp "
		      : proto == IPPROTO_ICMP && l->family == AF_INET ? " icmp "
		      : proto == IPPROTO_ICMPV6 && l->family == AF_INET6 ? " icmp6 " : NULL;
	if (!p)
		w.over = true;
	puts_(&w, "sock ");
	putu(&w, (unsigned long)fd);
	puts_(&w, p ? p : " ");
	putaddr(&w, l);
	put(&w, " ", 1);
	putu(&w, l->port);
	put(&w, " ", 1);
	putaddr(&w, r);
	put(&w, " ", 1);
	putu(&w, r->port);
	return done(&w);
}

int vs_echo_id(const void *buf, size_t n, bool v6)
{
	const uint8_t *h = buf;
	if (!h || n < 8 || h[0] != (v6 ? 128 : 8) || h[1] != 0)
		return -1;
	return h[4] << 8 | h[5];
}

size_t vs_fmt_dup(char *buf, size_t n, int oldfd, int newfd)
{
	struct w w = {buf, n, 0, n == 0};
	puts_(&w, "dup ");
	putu(&w, (unsigned long)oldfd);
	put(&w, " ", 1);
	putu(&w, (unsigned long)newfd);
	return done(&w);
}

size_t vs_fmt_close(char *buf, size_t n, int fd)
{
	struct w w = {buf, n, 0, n == 0};
	puts_(&w, "close ");
	putu(&w, (unsigned long)fd);
	return done(&w);
}

bool vs_reply_ok(const char *buf, size_t len)
{
	return len >= 2 && buf[0] == 'o' && buf[1] == 'k' &&
	       (len == 2 || buf[2] == ' ' || buf[2] == '\n' || buf[2] == '\0');
}

static void fixed(char *out, unsigned long v, int width)
{
	for (int i = width - 1; i >= 0; i--) {
		out[i] = (char)('0' + v % 10);
		v /= 10;
	}
}

void vs_env_fmt(char buf[VS_ENV_LEN + 1], int fd, pid_t pid)
{
	fixed(buf, (unsigned long)fd, 7);
	buf[7] = ':';
	fixed(buf + 8, (unsigned long)pid, 10);
	buf[VS_ENV_LEN] = '\0';
}

int vs_env_parse(const char *s, int *fd, pid_t *pid)
{
	if (!s || strlen(s) != VS_ENV_LEN || s[7] != ':')
		return -1;
	unsigned long a = 0, b = 0;
	for (int i = 0; i < VS_ENV_LEN; i++) {
		if (i == 7)
			continue;
		if (s[i] < '0' || s[i] > '9')
			return -1;
		if (i < 7)
			a = a * 10 + (unsigned long)(s[i] - '0');
		else
			b = b * 10 + (unsigned long)(s[i] - '0');
	}
	if (a > 0x7fffffff || b == 0 || b > 0x7fffffff)
		return -1;
	*fd = (int)a;
	*pid = (pid_t)b;
	return 0;
}
