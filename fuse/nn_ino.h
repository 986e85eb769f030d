/* nn_ino — nnfs inode numbers.
 *
 * Every node's inode number encodes what the node is, so a lookup needs no
 * table and FORGET is a no-op: the kernel may keep any number for as long as
 * it likes and each request re-resolves it against the live tree and registry
 * (a number whose VIF or process is gone gets ENOENT). VIF ids are never
 * reused by the core, so a VIF's inode numbers are stable for its lifetime.
 *
 *   bits 63..56  kind
 *   VIF nodes:   55..48 tree index, 47..40 parameter row, 39..0 VIF id
 *   PID nodes:   55..48 tree index, 47..23 fd, 22..0 pid (pid_max <= 2^22)
 */
#ifndef NN_INO_H
#define NN_INO_H

#include <stdbool.h>
#include <stdint.h>

enum nn_kind {
	NN_ROOT = 0,     /* ino 1 (FUSE_ROOT_ID) */
	NN_NETWORK,      /* network/ */
	NN_VIF,          /* network/IF/a/ */
	NN_PARAM,        /* network/IF/a/bandwidth */
	NN_PID,          /* PID/ */
	NN_PIDLINK,      /* PID/IF */
	NN_SOCKS,        /* PID/sockets/ */
	NN_FD,           /* PID/sockets/FD/ */
	NN_FDLINK,       /* PID/sockets/FD/IF */
	NN_PENDING,      /* a link under a temporary name (ln -sf), tree = its slot */
	NN_NKINDS
};

#define NN_INO_ROOT 1u
#define NN_TREES_MAX 256
#define NN_ROWS_MAX 256
#define NN_VIFID_MAX ((1ull << 40) - 1)
#define NN_PID_MAX ((1u << 23) - 1)
#define NN_FD_MAX ((1u << 25) - 1)

struct nn_node {
	enum nn_kind kind;
	unsigned tree;      /* NN_VIF, NN_PARAM, NN_PIDLINK, NN_FDLINK */
	unsigned row;       /* NN_PARAM */
	uint64_t vif;       /* NN_VIF, NN_PARAM: VIF id */
	unsigned pid;       /* PID kinds */
	unsigned fd;        /* NN_FD, NN_FDLINK */
};

static inline uint64_t nn_ino_make(const struct nn_node *n)
{
	uint64_t k = (uint64_t)(n->kind + 1) << 56;   /* +1: never 0 or 1 */
	switch (n->kind) {
	case NN_ROOT:
		return NN_INO_ROOT;
	case NN_NETWORK:
		return k;
	case NN_VIF:
	case NN_PARAM:
		return k | (uint64_t)(n->tree & 0xff) << 48 |
		       (uint64_t)(n->row & 0xff) << 40 | (n->vif & NN_VIFID_MAX);
	default:
		return k | (uint64_t)(n->tree & 0xff) << 48 |
		       (uint64_t)(n->fd & NN_FD_MAX) << 23 | (n->pid & NN_PID_MAX);
	}
}

/* false for a number nnfs never hands out */
static inline bool nn_ino_parse(uint64_t ino, struct nn_node *n)
{
	*n = (struct nn_node){0};
	if (ino == NN_INO_ROOT) {
		n->kind = NN_ROOT;
		return true;
	}
	unsigned k = (unsigned)(ino >> 56);
	if (k < 2 || k > NN_NKINDS)
		return false;
	n->kind = (enum nn_kind)(k - 1);
	n->tree = (unsigned)(ino >> 48) & 0xff;
	switch (n->kind) {
	case NN_NETWORK:
		return (ino & ((1ull << 56) - 1)) == 0;
	case NN_VIF:
	case NN_PARAM:
		n->row = (unsigned)(ino >> 40) & 0xff;
		n->vif = ino & NN_VIFID_MAX;
		return n->vif != 0 && (n->kind == NN_PARAM || n->row == 0);
	default:
		n->fd = (unsigned)(ino >> 23) & NN_FD_MAX;
		n->pid = (unsigned)ino & NN_PID_MAX;
		return n->pid != 0;
	}
}

#endif
