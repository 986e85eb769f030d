/* shim_msg — the pure, async-signal-safe part of libvifshim: control
 * messages (docs/control.md) formatted without stdio or malloc, addresses
 * normalized to the flow form vifd keys on, and the VIFNET_SHIM_FD value
 * that hands the control connection across exec (docs/shim.md).
 * No state, no system calls: unit-tested in test/unit/test_shim.c. */
#ifndef SHIM_MSG_H
#define SHIM_MSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>

/* One end of a flow: family AF_INET or AF_INET6, address (IPv4 in the first
 * 4 bytes, rest zero), port in host order. */
struct vs_end {
	int family;
	uint8_t addr[16];
	uint16_t port;
};

/* sockaddr -> end. An IPv4-mapped IPv6 address (::ffff:a.b.c.d) becomes
 * AF_INET: the packets on the wire are IPv4. -1 for other families or a
 * short length. */
int vs_end_from_sa(const struct sockaddr *sa, socklen_t len, struct vs_end *e);
/* The wildcard end of a family (0.0.0.0 or ::, port 0). */
void vs_end_any(int family, struct vs_end *e);

/* Messages, NUL-terminated, into buf of n bytes (n >= 160 always fits).
 * Return the length, or 0 if it did not fit. */
size_t vs_fmt_register(char *buf, size_t n, pid_t ppid, const char *comm);
size_t vs_fmt_sock(char *buf, size_t n, int fd);
/* "sock FD tcp|udp|icmp|icmp6 LADDR LPORT RADDR RPORT" for proto IPPROTO_TCP,
 * _UDP, _ICMP, _ICMPV6 (the port of an ICMP socket is its echo identifier);
 * families of l and r must match (r may be all-zero of l's family). */
size_t vs_fmt_flow(char *buf, size_t n, int fd, int proto, const struct vs_end *l,
		   const struct vs_end *r);
/* The identifier of the ICMP (v6: ICMPv6) echo request at buf, as a raw
 * ICMP socket sends it (no IP header), or -1 if buf is not one. */
int vs_echo_id(const void *buf, size_t n, bool v6);
size_t vs_fmt_dup(char *buf, size_t n, int oldfd, int newfd);
size_t vs_fmt_close(char *buf, size_t n, int fd);

/* Is a reply "ok" (alone or followed by a space/newline)? */
bool vs_reply_ok(const char *buf, size_t len);

/* VIFNET_SHIM_FD value: "FFFFFFF:PPPPPPPPPP" (fixed width, so that a forked
 * child can patch it in place without touching the allocator). */
#define VS_ENV_LEN 18
void vs_env_fmt(char buf[VS_ENV_LEN + 1], int fd, pid_t pid);
/* 0 and *fd, *pid if s is such a value; -1 otherwise ("off", garbage). */
int vs_env_parse(const char *s, int *fd, pid_t *pid);

/* Decimal of a non-negative value into buf (no NUL); its length. */
size_t vs_utoa(char *buf, unsigned long v);

#endif
