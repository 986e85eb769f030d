/* netnice — run a command, or throttle a running process, on its own VIF
 * (SPEC section 6, seed IV.1.3.1; man page docs/netnice.1).
 *
 *   netnice [-i IF]... @RATE [--] CMD [ARG]...   new VIF capped at RATE under
 *                                                the caller's VIF, removed when
 *                                                CMD exits
 *   netnice --vif PATH [--] CMD [ARG]...         CMD attached to an existing VIF
 *   netnice [-i IF]... RATE PID                  throttle a running process now
 *
 * It speaks vifd's control protocol (docs/control.md) rather than going
 * through the nnfs mount: the same requests work with or without nnfs, and
 * the command's registration can be made before it runs (the connection it
 * registered on is handed to the command's shim across exec, see
 * docs/shim.md). Exit status: CMD's, 128+N if CMD died of signal N, 125 if
 * netnice failed, 126/127 if CMD could not be run. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "shim_msg.h"

#define MAXIF 16
#define EXIT_FAIL 125

static const char *prog = "netnice";
static const char *control;

static void usage(void)
{
	fprintf(stderr,
		"usage: netnice [-c CONTROL] [-i IF]... @RATE [--] CMD [ARG]...\n"
		"       netnice [-c CONTROL] --vif [IF/]PATH [--] CMD [ARG]...\n"
		"       netnice [-c CONTROL] [-i IF]... RATE PID\n"
		"RATE: bits/s with optional SI suffix and unit (512K, 5M, 4Mbps, 8192Kbit)\n");
	exit(2);
}

/* ---- control connection ---- */

static int ctl_connect(void)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	if (strlen(control) >= sizeof sa.sun_path) {
		fprintf(stderr, "%s: control socket path too long\n", prog);
		return -1;
	}
	strcpy(sa.sun_path, control);
	int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0) {
		fprintf(stderr, "%s: cannot reach vifd at %s: %s\n", prog, control, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

static const struct { const char *name; int e; } errs[] = {
	{"EINVAL", EINVAL}, {"EPERM", EPERM}, {"EACCES", EACCES}, {"ESRCH", ESRCH},
	{"EBADF", EBADF}, {"ENOENT", ENOENT}, {"EEXIST", EEXIST}, {"EBUSY", EBUSY},
	{"ENOTEMPTY", ENOTEMPTY}, {"ENOMEM", ENOMEM}, {"ENOSYS", ENOSYS}, {"EPROTO", EPROTO},
	{"EALREADY", EALREADY}, {"E2BIG", E2BIG},
};

/* One request; the reply into reply (may be NULL). 0 for "ok", -errno for
 * "error NAME ...", with the reason in reply. */
static int ctl_req(int fd, const char *msg, char *reply, size_t n)
{
	static char buf[65536];
	if (send(fd, msg, strlen(msg), MSG_NOSIGNAL) < 0)
		return -EPIPE;
	ssize_t k = recv(fd, buf, sizeof buf - 1, 0);
	if (k <= 0)
		return -EPIPE;
	buf[k] = '\0';
	if (reply)
		snprintf(reply, n, "%s", buf);
	if (!strncmp(buf, "ok", 2))
		return 0;
	if (!strncmp(buf, "error ", 6))
		for (size_t i = 0; i < sizeof errs / sizeof errs[0]; i++) {
			size_t l = strlen(errs[i].name);
			if (!strncmp(buf + 6, errs[i].name, l) && (buf[6 + l] == ' ' || !buf[6 + l]))
				return -errs[i].e;
		}
	return -EPROTO;
}

static int ctl_reqf(int fd, char *reply, size_t n, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static int ctl_reqf(int fd, char *reply, size_t n, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	return ctl_req(fd, msg, reply, n);
}

static int ctl_open(void)
{
	int fd = ctl_connect();
	if (fd < 0)
		return -1;
	char r[256];
	if (ctl_req(fd, "hello 1", r, sizeof r)) {
		fprintf(stderr, "%s: vifd refused hello: %s\n", prog, r);
		close(fd);
		return -1;
	}
	return fd;
}

/* ---- what vifd knows ---- */

struct vifs {
	int n;
	char ifname[MAXIF][64];
	char path[MAXIF][256];
};

static int interfaces(int fd, struct vifs *out)
{
	static char r[65536];
	out->n = 0;
	if (ctl_req(fd, "tree", r, sizeof r))
		return -1;
	char *save = NULL;
	for (char *line = strtok_r(r, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char ifn[64], p[256];
		if (sscanf(line, "%63s %255s", ifn, p) == 2 && !strcmp(p, ".") && out->n < MAXIF) {
			snprintf(out->ifname[out->n], 64, "%s", ifn);
			snprintf(out->path[out->n], 256, ".");
			out->n++;
		}
	}
	return 0;
}

/* The VIFs of registered process pid (from `procs`); -ESRCH if unknown. */
static int proc_vifs(int fd, pid_t pid, struct vifs *out)
{
	static char r[65536];
	if (ctl_req(fd, "procs", r, sizeof r))
		return -EPROTO;
	char *save = NULL;
	for (char *line = strtok_r(r, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		int p;
		if (sscanf(line, "proc %d ", &p) != 1 || p != pid)
			continue;
		out->n = 0;
		char *s2 = NULL;
		for (char *w = strtok_r(line, " ", &s2); w; w = strtok_r(NULL, " ", &s2)) {
			char *eq = strchr(w, '=');
			if (!eq || out->n == MAXIF)
				continue;
			*eq = '\0';
			snprintf(out->ifname[out->n], 64, "%s", w);
			snprintf(out->path[out->n], 256, "%s", eq + 1);
			out->n++;
		}
		return 0;
	}
	return -ESRCH;
}

static pid_t parent_of(pid_t pid)
{
	char path[64], buf[512];
	snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
	FILE *f = fopen(path, "re");
	if (!f)
		return 0;
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = '\0';
	char *rp = strrchr(buf, ')');
	int ppid = 0;
	char st;
	if (!rp || sscanf(rp + 1, " %c %d", &st, &ppid) != 2)
		return 0;
	return ppid;
}

/* The caller's VIFs: those of the nearest registered ancestor (netnice
 * itself when it runs under the shim), else the roots. */
static void caller_vifs(int fd, struct vifs *out)
{
	for (pid_t p = getpid(); p > 1; p = parent_of(p))
		if (proc_vifs(fd, p, out) == 0)
			return;
	interfaces(fd, out);
}

/* Keep only the interfaces named with -i (all if none). */
static void select_ifs(struct vifs *v, char **want, int nwant)
{
	if (!nwant)
		return;
	int k = 0;
	for (int i = 0; i < v->n; i++)
		for (int j = 0; j < nwant; j++)
			if (!strcmp(v->ifname[i], want[j])) {
				memmove(v->ifname[k], v->ifname[i], 64);
				memmove(v->path[k], v->path[i], 256);
				k++;
				break;
			}
	v->n = k;
}

static void child_path(char *out, size_t n, const char *parent, const char *name)
{
	if (!strcmp(parent, "."))
		snprintf(out, n, "%s", name);
	else
		snprintf(out, n, "%s/%s", parent, name);
}

/* Remove VIF path of ifname and everything under it, deepest first. */
static void remove_tree(int fd, const char *ifname, const char *path)
{
	static char r[65536];
	char req[128];
	snprintf(req, sizeof req, "tree %s", ifname);
	if (ctl_req(fd, req, r, sizeof r))
		return;
	char *paths[512];
	int n = 0;
	size_t pl = strlen(path);
	char *save = NULL;
	for (char *line = strtok_r(r, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *sp = strchr(line, ' ');
		if (!sp)
			continue;
		char *p = sp + 1, *e = strchr(p, ' ');
		if (e)
			*e = '\0';
		if (!strncmp(p, path, pl) && (p[pl] == '\0' || p[pl] == '/') && n < 512)
			paths[n++] = p;
	}
	for (int i = n - 1; i >= 0; i--)      /* `tree` lists parents before children */
		ctl_reqf(fd, NULL, 0, "rmvif %s %s", ifname, paths[i]);
}

/* ---- running CMD ---- */

static const char *shim_path(void)
{
	static char buf[PATH_MAX + 64];
	const char *e = getenv("VIFNET_SHIM");
	if (e && *e)
		return e;
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n > 0) {
		exe[n] = '\0';
		char *slash = strrchr(exe, '/');
		if (slash)
			*slash = '\0';
		static const char *const rel[] = {"../src/shim/libvifshim.so", "../lib/x86_64-linux-gnu/libvifshim.so",
						  "../lib/libvifshim.so", "../lib64/libvifshim.so"};
		for (size_t i = 0; i < sizeof rel / sizeof rel[0]; i++) {
			snprintf(buf, sizeof buf, "%s/%s", exe, rel[i]);
			if (access(buf, R_OK) == 0)
				return buf;
		}
	}
#ifdef VN_LIBDIR
	snprintf(buf, sizeof buf, "%s/libvifshim.so", VN_LIBDIR);
	if (access(buf, R_OK) == 0)
		return buf;
#endif
	return NULL;
}

static void put_preload(const char *shim)
{
	const char *old = getenv("LD_PRELOAD");
	if (old && strstr(old, shim))
		return;
	char *v;
	if (old && *old) {
		size_t n = strlen(shim) + strlen(old) + 2;
		v = malloc(n);
		if (!v)
			return;
		snprintf(v, n, "%s %s", shim, old);
	} else {
		v = strdup(shim);
	}
	if (v)
		setenv("LD_PRELOAD", v, 1);
	free(v);
}

/* In the child, before exec: register on a connection of our own, attach
 * to the VIFs, and leave the connection open for the command's shim. */
static int child_setup(const struct vifs *at)
{
	int fd = ctl_open();
	if (fd < 0)
		return -1;
	char r[256];
	int rc = ctl_reqf(fd, r, sizeof r, "register %d netnice", (int)getppid());
	if (rc) {
		fprintf(stderr, "%s: register: %s\n", prog, r);
		return -1;
	}
	for (int i = 0; i < at->n; i++) {
		rc = ctl_reqf(fd, r, sizeof r, "attach %d %s %s", (int)getpid(), at->ifname[i], at->path[i]);
		if (rc) {
			fprintf(stderr, "%s: attach to %s/%s: %s\n", prog, at->ifname[i], at->path[i], r);
			return -1;
		}
	}
	int hi = fcntl(fd, F_DUPFD, 1000);      /* not close-on-exec: the shim adopts it */
	if (hi < 0)
		hi = fcntl(fd, F_DUPFD, 3);
	if (hi < 0)
		return -1;
	close(fd);
	char v[VS_ENV_LEN + 1];
	vs_env_fmt(v, hi, getpid());
	setenv("VIFNET_SHIM_FD", v, 1);
	return 0;
}

static volatile sig_atomic_t child_pid;

static void forward(int sig)
{
	if (child_pid > 0)
		kill(child_pid, sig);
}

static int run(const struct vifs *at, char **argv)
{
	const char *shim = shim_path();
	if (!shim)
		fprintf(stderr, "%s: libvifshim.so not found (set VIFNET_SHIM): sockets of the command are not tagged\n", prog);
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0) {
		fprintf(stderr, "%s: fork: %s\n", prog, strerror(errno));
		return EXIT_FAIL;
	}
	if (pid == 0) {
		if (child_setup(at))
			_exit(EXIT_FAIL);
		if (shim)
			put_preload(shim);
		execvp(argv[0], argv);
		int e = errno;
		fprintf(stderr, "%s: %s: %s\n", prog, argv[0], strerror(e));
		_exit(e == ENOENT ? 127 : 126);
	}
	child_pid = pid;
	/* Terminal signals reach CMD through the process group; pass on the
	 * ones sent to netnice alone, and stay alive to clean up. */
	struct sigaction sa = {.sa_handler = forward};
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGINT, SIG_IGN);
	signal(SIGQUIT, SIG_IGN);
	int st;
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return EXIT_FAIL;
	if (WIFEXITED(st))
		return WEXITSTATUS(st);
	return 128 + WTERMSIG(st);
}

/* ---- the three forms ---- */

static int do_rate_cmd(const char *rate, char **want, int nwant, char **argv)
{
	int fd = ctl_open();
	if (fd < 0)
		return EXIT_FAIL;
	struct vifs cur, at = {0};
	caller_vifs(fd, &cur);
	select_ifs(&cur, want, nwant);
	if (!cur.n) {
		fprintf(stderr, "%s: no interface to work on\n", prog);
		return EXIT_FAIL;
	}
	char name[64], r[256];
	snprintf(name, sizeof name, "netnice.%d", (int)getpid());
	int rc = 0;
	for (int i = 0; i < cur.n && !rc; i++) {
		snprintf(at.ifname[i], 64, "%s", cur.ifname[i]);
		child_path(at.path[i], 256, cur.path[i], name);
		rc = ctl_reqf(fd, r, sizeof r, "mkvif %s %s", at.ifname[i], at.path[i]);
		if (rc) {
			fprintf(stderr, "%s: mkvif %s/%s: %s\n", prog, at.ifname[i], at.path[i], r);
			break;
		}
		at.n = i + 1;
		rc = ctl_reqf(fd, r, sizeof r, "set %s %s bandwidth %s", at.ifname[i], at.path[i], rate);
		if (rc)
			fprintf(stderr, "%s: bandwidth %s: %s\n", prog, rate, r);
	}
	int status = rc ? EXIT_FAIL : run(&at, argv);
	for (int i = 0; i < at.n; i++)
		remove_tree(fd, at.ifname[i], at.path[i]);
	close(fd);
	return status;
}

/* [/mount/]network/IF/a/b or IF/a/b -> IF, a/b ("." for the root). */
static int parse_vif(const char *arg, char *ifn, char *path)
{
	const char *p = strstr(arg, "network/");
	if (p && (p == arg || p[-1] == '/'))
		arg = p + strlen("network/");
	while (*arg == '/')
		arg++;
	const char *slash = strchr(arg, '/');
	size_t il = slash ? (size_t)(slash - arg) : strlen(arg);
	if (!il || il >= 64)
		return -1;
	memcpy(ifn, arg, il);
	ifn[il] = '\0';
	const char *rest = slash ? slash + 1 : "";
	size_t rl = strlen(rest);
	while (rl && rest[rl - 1] == '/')
		rl--;
	if (rl >= 256)
		return -1;
	if (!rl)
		strcpy(path, ".");
	else {
		memcpy(path, rest, rl);
		path[rl] = '\0';
	}
	return 0;
}

static int do_vif_cmd(const char *vif, char **argv)
{
	struct vifs at = {.n = 1};
	if (parse_vif(vif, at.ifname[0], at.path[0])) {
		fprintf(stderr, "%s: bad VIF path %s\n", prog, vif);
		return EXIT_FAIL;
	}
	int fd = ctl_open();
	if (fd < 0)
		return EXIT_FAIL;
	close(fd);
	return run(&at, argv);
}

/* A detached helper removes the VIFs once pid has exited. */
static void watch_and_remove(pid_t pid, const struct vifs *made)
{
	if (!made->n)
		return;
	fflush(NULL);
	pid_t c = fork();
	if (c != 0) {
		if (c > 0)
			waitpid(c, NULL, 0);
		return;
	}
	setsid();
	if (fork() != 0)
		_exit(0);
	int dn = open("/dev/null", O_RDWR);
	if (dn >= 0) {
		dup2(dn, 0);
		dup2(dn, 1);
		dup2(dn, 2);
	}
	int pfd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (pfd >= 0) {
		struct pollfd p = {.fd = pfd, .events = POLLIN};
		while (poll(&p, 1, -1) < 0 && errno == EINTR)
			;
	} else {
		while (kill(pid, 0) == 0 || errno == EPERM)
			sleep(1);
	}
	int fd = ctl_open();
	if (fd >= 0)
		for (int i = 0; i < made->n; i++)
			remove_tree(fd, made->ifname[i], made->path[i]);
	_exit(0);
}

static int do_rate_pid(const char *rate, pid_t pid, char **want, int nwant)
{
	int fd = ctl_open();
	if (fd < 0)
		return 1;
	char r[256];
	/* Make vifd know the process even if the shim is not in it. */
	int rc = ctl_reqf(fd, r, sizeof r, "adopt %d", (int)pid);
	if (rc && rc != -ENOSYS) {
		fprintf(stderr, "%s: process %d: %s\n", prog, (int)pid, r);
		return 1;
	}
	struct vifs cur, made = {0};
	if (proc_vifs(fd, pid, &cur)) {
		fprintf(stderr, "%s: process %d is not registered with vifd\n", prog, (int)pid);
		return 1;
	}
	select_ifs(&cur, want, nwant);
	char name[64], path[256];
	snprintf(name, sizeof name, "netnice.%d", (int)pid);
	int status = 0;
	for (int i = 0; i < cur.n; i++) {
		const char *base = strrchr(cur.path[i], '/');
		base = base ? base + 1 : cur.path[i];
		if (!strcmp(base, name)) {             /* already throttled: new rate */
			snprintf(path, sizeof path, "%s", cur.path[i]);
		} else {
			child_path(path, sizeof path, cur.path[i], name);
			rc = ctl_reqf(fd, r, sizeof r, "mkvif %s %s", cur.ifname[i], path);
			if (rc && rc != -EEXIST) {
				fprintf(stderr, "%s: mkvif %s/%s: %s\n", prog, cur.ifname[i], path, r);
				status = 1;
				continue;
			}
			if (!rc) {
				snprintf(made.ifname[made.n], 64, "%s", cur.ifname[i]);
				snprintf(made.path[made.n], 256, "%s", path);
				made.n++;
			}
		}
		rc = ctl_reqf(fd, r, sizeof r, "set %s %s bandwidth %s", cur.ifname[i], path, rate);
		if (!rc)
			rc = ctl_reqf(fd, r, sizeof r, "attach %d %s %s", (int)pid, cur.ifname[i], path);
		if (rc) {
			fprintf(stderr, "%s: %s/%s: %s\n", prog, cur.ifname[i], path, r);
			status = 1;
		}
	}
	watch_and_remove(pid, &made);
	close(fd);
	return status;
}

static bool is_pid(const char *s)
{
	if (!*s)
		return false;
	for (const char *c = s; *c; c++)
		if (*c < '0' || *c > '9')
			return false;
	return strlen(s) < 10 && atoi(s) > 0;
}

int main(int argc, char **argv)
{
	char *want[MAXIF];
	int nwant = 0, i = 1;
	const char *vif = NULL;
	control = getenv("VIFNET_CONTROL");
	if (!control || !*control)
		control = "/run/vifnet/control.sock";
	for (; i < argc; i++) {
		if (!strcmp(argv[i], "-c") && i + 1 < argc)
			control = argv[++i];
		else if (!strcmp(argv[i], "-i") && i + 1 < argc && nwant < MAXIF)
			want[nwant++] = argv[++i];
		else if (!strcmp(argv[i], "--vif") && i + 1 < argc)
			vif = argv[++i];
		else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help"))
			usage();
		else
			break;
	}
	if (vif) {
		if (i < argc && !strcmp(argv[i], "--"))
			i++;
		if (i >= argc)
			usage();
		return do_vif_cmd(vif, argv + i);
	}
	if (i >= argc)
		usage();
	if (argv[i][0] == '@') {
		const char *rate = argv[i] + 1;
		i++;
		if (i < argc && !strcmp(argv[i], "--"))
			i++;
		if (!*rate || i >= argc)
			usage();
		return do_rate_cmd(rate, want, nwant, argv + i);
	}
	if (i + 2 == argc && is_pid(argv[i + 1]))
		return do_rate_pid(argv[i], (pid_t)atoi(argv[i + 1]), want, nwant);
	usage();
}
