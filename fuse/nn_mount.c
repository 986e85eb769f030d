/* nn_mount — mounting nnfs, serving it, unmounting.
 *
 * Served where the trees live when the backend can (be.watch: vifd's loop
 * thread reads /dev/fuse like any other fd, non-blocking, and each request's
 * tree access then runs at once instead of being handed to that thread and
 * back), else on a thread of its own (the test harness). */
#define FUSE_USE_VERSION 314
#include <fuse_lowlevel.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include "nn_port.h"
#include "nnfs_int.h"
#include "vn_nnfs.h"

static void fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;
	if (!err || !errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

/* mkdir -p */
static int make_dirs(const char *path)
{
	char buf[PATH_MAX];
	if (snprintf(buf, sizeof buf, "%s", path) >= (int)sizeof buf)
		return -ENAMETOOLONG;
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0755) < 0 && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	if (mkdir(buf, 0755) < 0 && errno != EEXIST)
		return -errno;
	return 0;
}

static void *serve(void *arg)
{
	struct vn_nnfs *fs = arg;
	sigset_t all;
	/* signals are the daemon's main thread's business */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, NULL);
	fuse_session_loop(fs->se);
	return NULL;
}

/* The owning thread: /dev/fuse is readable. One request per wake-up: the
 * watch is level-triggered, so more requests bring the thread straight back
 * (after its packets), and no read is spent finding the device empty. */
static void serve_ready(void *arg)
{
	struct vn_nnfs *fs = arg;
	if (fs->ended)
		return;
	int r = fuse_session_receive_buf(fs->se, fs->buf);
	if (r == -EINTR || r == -EAGAIN)
		return;
	if (r <= 0 || fuse_session_exited(fs->se)) {
		/* unmounted or aborted */
		fs->ended = true;
		fs->be.unwatch(fs->be.ctx, fuse_session_fd(fs->se));
		return;
	}
	fuse_session_process_buf(fs->se, fs->buf);
}

static int serve_start(struct vn_nnfs *fs)
{
	if (!fs->be.watch || !fs->be.unwatch)
		return pthread_create(&fs->thread, NULL, serve, fs) ? -EAGAIN : 0;
	int fd = fuse_session_fd(fs->se);
	if (!(fs->buf = calloc(1, sizeof *fs->buf)))
		return -ENOMEM;
	if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) < 0)
		return -errno;
	fs->watched = true;      /* before the loop thread may serve (and read it) */
	int r = fs->be.watch(fs->be.ctx, fd, serve_ready, fs);
	if (r != 0)
		fs->watched = false;
	return r;
}

/* Stop serving, before the session is unmounted: unmounting closes the
 * session's fd, which the owning thread must no longer read. */
static void serve_unwatch(struct vn_nnfs *fs)
{
	if (fs->watched)     /* -ENOENT if it saw the session end and stopped itself */
		fs->be.unwatch(fs->be.ctx, fuse_session_fd(fs->se));
}

static void nop(void *arg)
{
	(void)arg;
}

/* After the unmount: let nobody wait for an answer that will not come. */
static void abort_conn(struct vn_nnfs *fs);
static void serve_stop(struct vn_nnfs *fs)
{
	if (fs->watched) {
		/* Nobody serves the connection any more: a busy mount still
		 * has it, so abort it (an unused one is gone already). */
		abort_conn(fs);
		if (fs->buf)
			free(fs->buf->mem);
		free(fs->buf);
		return;
	}
	/* A mount still in use (an open the kernel has not released) keeps
	 * the thread in its read: abort soon enough that a SIGTERM still
	 * stops vifd within a second. (An idle one ends in microseconds; an
	 * abort after it ended is harmless.) */
	struct timespec dl;
	clock_gettime(CLOCK_REALTIME, &dl);
	dl.tv_nsec += 100 * 1000 * 1000;
	if (dl.tv_nsec >= 1000000000L) {
		dl.tv_sec++;
		dl.tv_nsec -= 1000000000L;
	}
	if (pthread_timedjoin_np(fs->thread, NULL, &dl) != 0) {
		abort_conn(fs);
		pthread_join(fs->thread, NULL);
	}
}

struct vn_nnfs *nn_start(const struct nn_backend *be, const char *mountpoint, char *err,
			 size_t errlen)
{
	struct stat st;
	char real[PATH_MAX];
	int r;

	/* A daemon that crashed leaves a dead mount: "Transport endpoint is not
	 * connected". Detach it so we can mount again. */
	if (stat(mountpoint, &st) < 0 && errno == ENOTCONN)
		umount2(mountpoint, MNT_DETACH);
	if ((r = make_dirs(mountpoint)) < 0) {
		fail(err, errlen, "nnfs: cannot create %s: %s", mountpoint, strerror(-r));
		return NULL;
	}
	if (!realpath(mountpoint, real)) {
		fail(err, errlen, "nnfs: %s: %s", mountpoint, strerror(errno));
		return NULL;
	}

	struct vn_nnfs *fs = calloc(1, sizeof *fs);
	if (!fs || !(fs->mnt = strdup(real))) {
		free(fs);
		fail(err, errlen, "nnfs: out of memory");
		return NULL;
	}
	fs->be = *be;
	LIST_INIT(&fs->fhs);
	LIST_INIT(&fs->dirs);
	clock_gettime(CLOCK_REALTIME, &fs->t0);
	/* Nothing is cached by the kernel: every read of the tree sees it as
	 * it is now, PID/ vanishes as soon as its process has gone, and every
	 * path walk meets the protection checks. */
	fs->attr_timeout = 0.0;
	fs->entry_timeout = 0.0;

	if ((r = nn_cache_ifs(fs)) < 0) {
		fail(err, errlen, "nnfs: the loop does not answer: %s", strerror(-r));
		free(fs->mnt);
		free(fs);
		return NULL;
	}

	/* allow_other: every user sees the tree; no default_permissions: the
	 * rules are nnfs's own (vn_nnfs.h). */
	char *argv[] = {"nnfs", "-o", "allow_other,fsname=nnfs,subtype=nnfs", NULL};
	struct fuse_args args = FUSE_ARGS_INIT(3, argv);
	fs->se = nn_session_new(&args, fs);
	fuse_opt_free_args(&args);
	if (!fs->se) {
		fail(err, errlen, "nnfs: cannot create the FUSE session");
		goto fail_free;
	}
	if (fuse_session_mount(fs->se, fs->mnt) != 0) {
		fail(err, errlen, "nnfs: cannot mount on %s (is /dev/fuse there, and are we root?)",
		     fs->mnt);
		goto fail_session;
	}
	if ((r = nn_port_svc_start(fs)) < 0) {
		fail(err, errlen, "nnfs: cannot start the port service: %s", strerror(-r));
		fuse_session_unmount(fs->se);
		goto fail_session;
	}
	if ((r = serve_start(fs)) != 0) {
		nn_port_svc_stop(fs);
		if (fs->buf)
			free(fs->buf);
		fail(err, errlen, "nnfs: cannot serve the mount: %s", strerror(-r));
		fuse_session_unmount(fs->se);
		goto fail_session;
	}
	/* Only now: a stat waits for the kernel's INIT, which the thread answers.
	 * When it returns the mount is usable. */
	if (stat(fs->mnt, &st) == 0)
		fs->dev = st.st_dev;
	return fs;

fail_session:
	fuse_session_destroy(fs->se);
fail_free:
	free(fs->mnt);
	free(fs);
	return NULL;
}

/* Abort the kernel side of the connection so a read blocked in the session
 * thread returns, whoever still holds the mount busy. */
static void abort_conn(struct vn_nnfs *fs)
{
	char path[64];
	snprintf(path, sizeof path, "/sys/fs/fuse/connections/%u/abort", minor(fs->dev));
	if (access(path, F_OK) != 0)
		mount("fusectl", "/sys/fs/fuse/connections", "fusectl", 0, NULL);
	int fd = open(path, O_WRONLY);
	if (fd >= 0) {
		if (write(fd, "1", 1) < 0) { /* nothing more to try */ }
		close(fd);
	}
}

void vn_nnfs_stop(struct vn_nnfs *fs)
{
	if (!fs)
		return;
	fuse_session_exit(fs->se);
	serve_unwatch(fs);
	/* A lazy unmount aborts the connection at once if nobody uses the
	 * mount; a session thread's read then fails and serving ends. */
	fuse_session_unmount(fs->se);
	serve_stop(fs);
	/* Changes deferred to the trees' thread refer to fs: a call runs them
	 * (they go first) before fs goes. */
	if (fs->be.defer)
		fs->be.call(fs->be.ctx, nop, NULL);
	nn_free_opens(fs);
	nn_port_svc_stop(fs);        /* parked reads answered before the session goes */
	fuse_session_destroy(fs->se);
	for (unsigned i = 0; i < NN_PENDING_MAX; i++)
		free(fs->pend[i].target);
	nn_memo_free(&fs->memo);
	free(fs->mnt);
	free(fs);
}
