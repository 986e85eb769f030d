/* The control protocol codec (docs/control.md): one request per
 * SOCK_SEQPACKET message, one text line of at most VD_CTL_MAX bytes, words
 * separated by single spaces or tabs. Pure functions: no I/O, no state. */
#ifndef VIFD_CTLPROTO_H
#define VIFD_CTLPROTO_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "vn_registry.h"

#define VD_CTL_VERSION 1
#define VD_CTL_MAX 1024          /* largest request accepted */
#define VD_CTL_REPLY_MAX 65536   /* largest reply sent */

enum vd_op {
	VD_OP_HELLO,       /* hello VERSION */
	VD_OP_STATUS,      /* status */
	VD_OP_TREE,        /* tree [IF] */
	VD_OP_REGISTER,    /* register PPID [COMM] */
	VD_OP_UNREGISTER,  /* unregister */
	VD_OP_SOCK,        /* sock FD [tcp|udp|icmp|icmp6 LADDR LPORT RADDR RPORT] */
	VD_OP_DUP,         /* dup OLDFD NEWFD */
	VD_OP_CLOSE,       /* close FD */
	VD_OP_ATTACH,      /* attach PID IF PATH [FD] */
	VD_OP_PROCS,       /* procs */
	VD_OP_SET,         /* set IF PATH KEY VALUE */
	VD_OP_MKVIF,       /* mkvif IF PATH */
	VD_OP_RMVIF,       /* rmvif IF PATH */
	VD_OP_ADOPT,       /* adopt PID (sockdiag.c) */
	VD_OP_RING,        /* ring: the shim's request ring (ctlring.h), its memfd in the reply */
	VD_OP_SYNC,        /* sync: nothing, once the client's ring has been read */
};

struct vd_req {
	enum vd_op op;
	unsigned version;
	pid_t pid, ppid;
	int fd, fd2;               /* fd2: dup's new fd; attach: -1 = the process */
	int has_flow;
	struct vn_flow flow;
	char ifname[64];           /* tree (may be empty), attach */
	char path[256];            /* attach */
	char comm[16];             /* register */
	char key[16], value[64];   /* set */
};

/* Parse one message (len bytes, no NUL needed; one trailing newline allowed).
 * 0, or -errno with a short reason in why: -EMSGSIZE (too long), -EINVAL
 * (malformed), -ENOSYS (unknown verb). */
int vd_ctl_parse(const char *msg, size_t len, struct vd_req *req, const char **why);
/* Format "error NAME reason" for -errno e into buf (snprintf semantics). */
int vd_ctl_error(char *buf, size_t n, int e, const char *why);
/* The symbolic name of an errno ("EINVAL"), "E?" if unknown. */
const char *vd_errno_name(int e);
/* Text of a flow "tcp 198.18.0.1 5201 198.18.0.2 40000". */
int vd_flow_format(const struct vn_flow *f, char *buf, size_t n);

#endif
