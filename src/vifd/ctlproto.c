/* Control protocol codec. Strict: every field is checked (numbers in range,
 * addresses parsed with inet_pton, names with the VIF name rule), so that the
 * server acts only on well-formed requests. */
#include "ctlproto.h"

#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "vn_param.h"

#define MAXW 10

static int split(char *s, char **w)
{
	int n = 0;
	char *save = NULL;
	for (char *t = strtok_r(s, " \t", &save); t; t = strtok_r(NULL, " \t", &save)) {
		if (n == MAXW)
			return -1;
		w[n++] = t;
	}
	return n;
}

static int num(const char *s, long min, long max, long *out)
{
	if (!*s || (s[0] == '0' && s[1]) || s[0] == '+' || s[0] == '-' )
		return -1;
	for (const char *c = s; *c; c++)
		if (*c < '0' || *c > '9')
			return -1;
	errno = 0;
	char *end;
	long v = strtol(s, &end, 10);
	if (errno || *end || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

static int proto_parse(const char *s, uint8_t *proto, int *family_hint)
{
	*family_hint = 0;
	if (!strcmp(s, "tcp"))
		*proto = IPPROTO_TCP;
	else if (!strcmp(s, "udp"))
		*proto = IPPROTO_UDP;
	else if (!strcmp(s, "icmp"))
		*proto = IPPROTO_ICMP, *family_hint = AF_INET;
	else if (!strcmp(s, "icmp6"))
		*proto = IPPROTO_ICMPV6, *family_hint = AF_INET6;
	else
		return -1;
	return 0;
}

static int addr_parse(const char *s, uint8_t *family, uint8_t out[16])
{
	memset(out, 0, 16);
	if (inet_pton(AF_INET, s, out) == 1) {
		*family = AF_INET;
		return 0;
	}
	if (inet_pton(AF_INET6, s, out) == 1) {
		*family = AF_INET6;
		return 0;
	}
	return -1;
}

static int flow_parse(char **w, struct vn_flow *f, const char **why)
{
	int hint;
	long lp, rp;
	uint8_t fl, fr;
	memset(f, 0, sizeof *f);
	if (proto_parse(w[0], &f->proto, &hint)) {
		*why = "protocol must be tcp, udp, icmp or icmp6";
		return -EINVAL;
	}
	if (addr_parse(w[1], &fl, f->laddr) || addr_parse(w[3], &fr, f->raddr) || fl != fr) {
		*why = "bad address (or mixed families)";
		return -EINVAL;
	}
	if ((hint && hint != fl) || num(w[2], 0, 65535, &lp) || num(w[4], 0, 65535, &rp)) {
		*why = "bad port or protocol for this family";
		return -EINVAL;
	}
	f->family = fl;
	f->lport = (uint16_t)lp;
	f->rport = (uint16_t)rp;
	return 0;
}

static bool path_ok(const char *p)
{
	if (!strcmp(p, "."))
		return true;
	char buf[256];
	snprintf(buf, sizeof buf, "%s", p);
	char *save = NULL;
	int n = 0;
	for (char *t = strtok_r(buf, "/", &save); t; t = strtok_r(NULL, "/", &save), n++)
		if (!vn_name_valid(t))
			return false;
	return n > 0 && p[0] != '/' && !strstr(p, "//") && p[strlen(p) - 1] != '/';
}

int vd_ctl_parse(const char *msg, size_t len, struct vd_req *req, const char **why)
{
	char buf[VD_CTL_MAX + 1];
	char *w[MAXW];
	long a, b;

	*why = "";
	memset(req, 0, sizeof *req);
	req->fd = req->fd2 = -1;
	if (len > VD_CTL_MAX) {
		*why = "message too long";
		return -EMSGSIZE;
	}
	if (len && msg[len - 1] == '\n')
		len--;
	memcpy(buf, msg, len);
	buf[len] = '\0';
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)buf[i] < 0x20 && buf[i] != '\t') {
			*why = "control character in message";
			return -EINVAL;
		}
	int n = split(buf, w);
	if (n <= 0) {
		*why = n < 0 ? "too many words" : "empty message";
		return -EINVAL;
	}
	const char *v = w[0];
#define ARGS(lo, hi) do { if (n - 1 < (lo) || n - 1 > (hi)) { *why = "wrong number of arguments"; return -EINVAL; } } while (0)
	if (!strcmp(v, "hello")) {
		ARGS(1, 1);
		if (num(w[1], 0, 65535, &a)) {
			*why = "bad version";
			return -EINVAL;
		}
		req->op = VD_OP_HELLO;
		req->version = (unsigned)a;
	} else if (!strcmp(v, "status")) {
		ARGS(0, 0);
		req->op = VD_OP_STATUS;
	} else if (!strcmp(v, "procs")) {
		ARGS(0, 0);
		req->op = VD_OP_PROCS;
	} else if (!strcmp(v, "tree")) {
		ARGS(0, 1);
		req->op = VD_OP_TREE;
		if (n == 2) {
			if (strlen(w[1]) >= sizeof req->ifname || !vn_name_valid(w[1])) {
				*why = "bad interface name";
				return -EINVAL;
			}
			strcpy(req->ifname, w[1]);
		}
	} else if (!strcmp(v, "register")) {
		ARGS(1, 2);
		if (num(w[1], 0, INT_MAX, &a)) {
			*why = "bad parent pid";
			return -EINVAL;
		}
		req->op = VD_OP_REGISTER;
		req->ppid = (pid_t)a;
		if (n == 3)
			snprintf(req->comm, sizeof req->comm, "%s", w[2]);
	} else if (!strcmp(v, "adopt")) {
		ARGS(1, 1);
		if (num(w[1], 1, INT_MAX, &a)) {
			*why = "bad pid";
			return -EINVAL;
		}
		req->op = VD_OP_ADOPT;
		req->pid = (pid_t)a;
	} else if (!strcmp(v, "ring")) {
		ARGS(0, 0);
		req->op = VD_OP_RING;
	} else if (!strcmp(v, "sync")) {
		ARGS(0, 0);
		req->op = VD_OP_SYNC;
	} else if (!strcmp(v, "unregister")) {
		ARGS(0, 0);
		req->op = VD_OP_UNREGISTER;
	} else if (!strcmp(v, "sock")) {
		if (n != 2 && n != 7) {
			*why = "sock FD [PROTO LADDR LPORT RADDR RPORT]";
			return -EINVAL;
		}
		if (num(w[1], 0, INT_MAX, &a)) {
			*why = "bad fd";
			return -EINVAL;
		}
		req->op = VD_OP_SOCK;
		req->fd = (int)a;
		if (n == 7) {
			int rc = flow_parse(&w[2], &req->flow, why);
			if (rc)
				return rc;
			req->has_flow = 1;
		}
	} else if (!strcmp(v, "dup")) {
		ARGS(2, 2);
		if (num(w[1], 0, INT_MAX, &a) || num(w[2], 0, INT_MAX, &b)) {
			*why = "bad fd";
			return -EINVAL;
		}
		req->op = VD_OP_DUP;
		req->fd = (int)a;
		req->fd2 = (int)b;
	} else if (!strcmp(v, "close")) {
		ARGS(1, 1);
		if (num(w[1], 0, INT_MAX, &a)) {
			*why = "bad fd";
			return -EINVAL;
		}
		req->op = VD_OP_CLOSE;
		req->fd = (int)a;
	} else if (!strcmp(v, "attach")) {
		ARGS(3, 4);
		if (num(w[1], 1, INT_MAX, &a)) {
			*why = "bad pid";
			return -EINVAL;
		}
		if (strlen(w[2]) >= sizeof req->ifname || !vn_name_valid(w[2])) {
			*why = "bad interface name";
			return -EINVAL;
		}
		if (strlen(w[3]) >= sizeof req->path || !path_ok(w[3])) {
			*why = "bad VIF path";
			return -EINVAL;
		}
		req->op = VD_OP_ATTACH;
		req->pid = (pid_t)a;
		strcpy(req->ifname, w[2]);
		strcpy(req->path, w[3]);
		if (n == 5) {
			if (num(w[4], 0, INT_MAX, &b)) {
				*why = "bad fd";
				return -EINVAL;
			}
			req->fd = (int)b;
		}
	} else if (!strcmp(v, "set") || !strcmp(v, "mkvif") || !strcmp(v, "rmvif")) {
		bool set = v[0] == 's';
		if (set)
			ARGS(4, 4);
		else
			ARGS(2, 2);
		if (strlen(w[1]) >= sizeof req->ifname || !vn_name_valid(w[1])) {
			*why = "bad interface name";
			return -EINVAL;
		}
		if (strlen(w[2]) >= sizeof req->path || !path_ok(w[2]) ||
		    (!set && !strcmp(w[2], "."))) {
			*why = "bad VIF path";
			return -EINVAL;
		}
		strcpy(req->ifname, w[1]);
		strcpy(req->path, w[2]);
		if (set) {
			if (strlen(w[3]) >= sizeof req->key || !vn_name_is_param(w[3]) ||
			    strlen(w[4]) >= sizeof req->value) {
				*why = "bad parameter";
				return -EINVAL;
			}
			strcpy(req->key, w[3]);
			strcpy(req->value, w[4]);
			req->op = VD_OP_SET;
		} else {
			req->op = v[0] == 'm' ? VD_OP_MKVIF : VD_OP_RMVIF;
		}
	} else {
		*why = "unknown request";
		return -ENOSYS;
	}
#undef ARGS
	return 0;
}

static const struct { int e; const char *name; } errnames[] = {
	{EINVAL, "EINVAL"}, {EMSGSIZE, "EMSGSIZE"}, {ENOSYS, "ENOSYS"}, {EPROTO, "EPROTO"},
	{EPROTONOSUPPORT, "EPROTONOSUPPORT"}, {EPERM, "EPERM"}, {EACCES, "EACCES"},
	{ESRCH, "ESRCH"}, {EBADF, "EBADF"}, {ENOENT, "ENOENT"}, {ENOMEM, "ENOMEM"},
	{EALREADY, "EALREADY"}, {E2BIG, "E2BIG"}, {EEXIST, "EEXIST"}, {EBUSY, "EBUSY"}, {ENOTEMPTY, "ENOTEMPTY"},
	{EMLINK, "EMLINK"}, {ENOBUFS, "ENOBUFS"},
};

const char *vd_errno_name(int e)
{
	if (e < 0)
		e = -e;
	for (size_t i = 0; i < sizeof errnames / sizeof errnames[0]; i++)
		if (errnames[i].e == e)
			return errnames[i].name;
	return "E?";
}

int vd_ctl_error(char *buf, size_t n, int e, const char *why)
{
	return snprintf(buf, n, "error %s %s", vd_errno_name(e), why && *why ? why : strerror(e < 0 ? -e : e));
}

int vd_flow_format(const struct vn_flow *f, char *buf, size_t n)
{
	char l[INET6_ADDRSTRLEN], r[INET6_ADDRSTRLEN];
	const char *p = f->proto == IPPROTO_TCP ? "tcp" : f->proto == IPPROTO_UDP ? "udp"
		      : f->proto == IPPROTO_ICMP ? "icmp" : "icmp6";
	inet_ntop(f->family, f->laddr, l, sizeof l);
	inet_ntop(f->family, f->raddr, r, sizeof r);
	return snprintf(buf, n, "%s %s %u %s %u", p, l, f->lport, r, f->rport);
}
