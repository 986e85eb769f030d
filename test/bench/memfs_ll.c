/* memfs_ll — the smallest in-memory libfuse low-level file system that can
 * run nnfs's benchmark: directories, regular files, symlinks. The baseline
 * of test/bench/bench_nnfs.sh: it pays what any low-level FUSE file system
 * pays (kernel round trips, libfuse dispatch) and nothing more, with the same
 * mount options, the same timeouts (0: no kernel caching) and the same
 * capabilities as nnfs, so the ratio nnfs/memfs is nnfs's own cost.
 *
 *   memfs_ll MOUNTPOINT      serves until SIGINT/SIGTERM; prints "ready". */
#define FUSE_USE_VERSION 314
#include <fuse_lowlevel.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define NB 65536                   /* hash buckets of (parent, name) */

struct node {
	fuse_ino_t ino, parent;
	char *name;
	mode_t mode;
	uid_t uid;
	gid_t gid;
	char *data;                    /* file contents or link target */
	size_t len;
	unsigned nkids;
	struct node *next;             /* hash chain */
};

static struct node **by_ino;       /* index = ino */
static size_t nino, cap;
static struct node *buckets[NB];
static struct fuse_session *se;

static unsigned hash(fuse_ino_t p, const char *name)
{
	unsigned h = (unsigned)p * 2654435761u;
	while (*name)
		h = (h ^ (unsigned char)*name++) * 16777619u;
	return h % NB;
}

static struct node *node(fuse_ino_t ino)
{
	return ino < nino ? by_ino[ino] : NULL;
}

static struct node *child(fuse_ino_t p, const char *name)
{
	for (struct node *n = buckets[hash(p, name)]; n; n = n->next)
		if (n->parent == p && strcmp(n->name, name) == 0)
			return n;
	return NULL;
}

static struct node *add(fuse_ino_t p, const char *name, mode_t mode, const fuse_req_t req)
{
	if (nino == cap) {
		cap = cap ? 2 * cap : 1024;
		by_ino = realloc(by_ino, cap * sizeof *by_ino);
	}
	struct node *n = calloc(1, sizeof *n);
	n->ino = nino;
	n->parent = p;
	n->name = strdup(name);
	n->mode = mode;
	if (req) {
		n->uid = fuse_req_ctx(req)->uid;
		n->gid = fuse_req_ctx(req)->gid;
	}
	by_ino[nino++] = n;
	unsigned b = hash(p, name);
	n->next = buckets[b];
	buckets[b] = n;
	if (node(p))
		node(p)->nkids++;
	return n;
}

static void del(struct node *n)
{
	struct node **pp = &buckets[hash(n->parent, n->name)];
	while (*pp != n)
		pp = &(*pp)->next;
	*pp = n->next;
	node(n->parent)->nkids--;
	by_ino[n->ino] = NULL;
	free(n->name);
	free(n->data);
	free(n);
}

static void fill(const struct node *n, struct stat *st)
{
	memset(st, 0, sizeof *st);
	st->st_ino = n->ino;
	st->st_mode = n->mode;
	st->st_nlink = S_ISDIR(n->mode) ? 2 + n->nkids : 1;
	st->st_uid = n->uid;
	st->st_gid = n->gid;
	st->st_size = (off_t)n->len;
}

static void reply_entry(fuse_req_t req, const struct node *n)
{
	struct fuse_entry_param e = {.ino = n->ino};
	fill(n, &e.attr);
	fuse_reply_entry(req, &e);
}

static void m_init(void *u, struct fuse_conn_info *conn)
{
	(void)u;
	if (conn->capable & FUSE_CAP_ATOMIC_O_TRUNC)
		conn->want |= FUSE_CAP_ATOMIC_O_TRUNC;
}

static void m_lookup(fuse_req_t req, fuse_ino_t p, const char *name)
{
	struct node *n = child(p, name);
	if (n)
		reply_entry(req, n);
	else
		fuse_reply_err(req, ENOENT);
}

static void m_forget(fuse_req_t req, fuse_ino_t ino, uint64_t nl)
{
	(void)ino; (void)nl;
	fuse_reply_none(req);
}

static void m_getattr(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	struct node *n = node(ino);
	struct stat st;
	(void)fi;
	if (!n) {
		fuse_reply_err(req, ENOENT);
		return;
	}
	fill(n, &st);
	fuse_reply_attr(req, &st, 0);
}

static void m_setattr(fuse_req_t req, fuse_ino_t ino, struct stat *a, int to_set,
		      struct fuse_file_info *fi)
{
	struct node *n = node(ino);
	struct stat st;
	(void)fi;
	if (!n) {
		fuse_reply_err(req, ENOENT);
		return;
	}
	if (to_set & FUSE_SET_ATTR_MODE)
		n->mode = (n->mode & S_IFMT) | (a->st_mode & 07777);
	if (to_set & FUSE_SET_ATTR_SIZE && (size_t)a->st_size < n->len)
		n->len = (size_t)a->st_size;
	fill(n, &st);
	fuse_reply_attr(req, &st, 0);
}

static void m_mkdir(fuse_req_t req, fuse_ino_t p, const char *name, mode_t mode)
{
	if (child(p, name)) {
		fuse_reply_err(req, EEXIST);
		return;
	}
	reply_entry(req, add(p, name, S_IFDIR | (mode & 0777), req));
}

static void m_rmdir(fuse_req_t req, fuse_ino_t p, const char *name)
{
	struct node *n = child(p, name);
	if (!n)
		fuse_reply_err(req, ENOENT);
	else if (n->nkids)
		fuse_reply_err(req, ENOTEMPTY);
	else {
		del(n);
		fuse_reply_err(req, 0);
	}
}

static void m_symlink(fuse_req_t req, const char *link, fuse_ino_t p, const char *name)
{
	if (child(p, name)) {
		fuse_reply_err(req, EEXIST);
		return;
	}
	struct node *n = add(p, name, S_IFLNK | 0777, req);
	n->data = strdup(link);
	n->len = strlen(link);
	reply_entry(req, n);
}

static void m_readlink(fuse_req_t req, fuse_ino_t ino)
{
	struct node *n = node(ino);
	if (!n || !S_ISLNK(n->mode))
		fuse_reply_err(req, EINVAL);
	else
		fuse_reply_readlink(req, n->data);
}

static void m_unlink(fuse_req_t req, fuse_ino_t p, const char *name)
{
	struct node *n = child(p, name);
	if (!n)
		fuse_reply_err(req, ENOENT);
	else {
		del(n);
		fuse_reply_err(req, 0);
	}
}

static void m_create(fuse_req_t req, fuse_ino_t p, const char *name, mode_t mode,
		     struct fuse_file_info *fi)
{
	struct node *n = child(p, name);
	if (!n)
		n = add(p, name, S_IFREG | (mode & 0777), req);
	fi->direct_io = 1;
	struct fuse_entry_param e = {.ino = n->ino};
	fill(n, &e.attr);
	fuse_reply_create(req, &e, fi);
}

static void m_open(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	struct node *n = node(ino);
	if (!n) {
		fuse_reply_err(req, ENOENT);
		return;
	}
	if (fi->flags & O_TRUNC)
		n->len = 0;
	fi->direct_io = 1;
	fuse_reply_open(req, fi);
}

static void m_read(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
		   struct fuse_file_info *fi)
{
	struct node *n = node(ino);
	(void)fi;
	if (!n || (size_t)off >= n->len)
		fuse_reply_buf(req, NULL, 0);
	else
		fuse_reply_buf(req, n->data + off, n->len - (size_t)off < size ? n->len - (size_t)off : size);
}

static void m_write(fuse_req_t req, fuse_ino_t ino, const char *buf, size_t size, off_t off,
		    struct fuse_file_info *fi)
{
	struct node *n = node(ino);
	(void)fi;
	if (!n) {
		fuse_reply_err(req, ENOENT);
		return;
	}
	size_t end = (size_t)off + size;
	if (end > n->len) {
		n->data = realloc(n->data, end);
		n->len = end;
	}
	memcpy(n->data + off, buf, size);
	fuse_reply_write(req, size);
}

static void m_release(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	(void)ino; (void)fi;
	fuse_reply_err(req, 0);
}

static void m_readdir(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
		      struct fuse_file_info *fi)
{
	char *buf = malloc(size);
	size_t used = 0;
	(void)fi;
	for (size_t i = (size_t)off; i < nino; i++) {
		struct node *n = by_ino[i];
		if (!n || n->parent != ino || n->ino == ino)
			continue;
		struct stat st = {.st_ino = n->ino, .st_mode = n->mode};
		size_t need = fuse_add_direntry(req, buf + used, size - used, n->name, &st, (off_t)i + 1);
		if (need > size - used)
			break;
		used += need;
	}
	fuse_reply_buf(req, buf, used);
	free(buf);
}

static const struct fuse_lowlevel_ops ops = {
	.init = m_init, .lookup = m_lookup, .forget = m_forget, .getattr = m_getattr,
	.setattr = m_setattr, .mkdir = m_mkdir, .rmdir = m_rmdir, .symlink = m_symlink,
	.readlink = m_readlink, .unlink = m_unlink, .create = m_create, .open = m_open,
	.read = m_read, .write = m_write, .release = m_release, .readdir = m_readdir,
};

static void on_signal(int sig)
{
	(void)sig;
	if (se)
		fuse_session_exit(se);
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: memfs_ll MOUNTPOINT\n");
		return 2;
	}
	add(0, "", 0, NULL);                              /* ino 0: unused */
	add(0, "/", S_IFDIR | 0755, NULL);                /* ino 1: root */
	node(1)->parent = 0;
	char *av[] = {"memfs_ll", "-o", "allow_other,fsname=memfs", NULL};
	struct fuse_args args = FUSE_ARGS_INIT(3, av);
	se = fuse_session_new(&args, &ops, sizeof ops, NULL);
	fuse_opt_free_args(&args);
	if (!se || fuse_session_mount(se, argv[1]) != 0)
		return 1;
	struct sigaction sa = {.sa_handler = on_signal};
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	printf("ready\n");
	fflush(stdout);
	fuse_session_loop(se);
	fuse_session_unmount(se);
	fuse_session_destroy(se);
	return 0;
}
