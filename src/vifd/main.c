/* vifd — the daemon: options (SPEC section 4), devices, trees, the loop
 * thread, the control socket, nnfs, readiness and a clean stop.
 *
 * Threads: the main thread sets everything up, starts the loop thread and
 * nnfs, announces readiness and then only waits for SIGINT/SIGTERM
 * (sigwaitinfo; the signals are blocked in every thread). Stopping unmounts
 * nnfs first (its pending calls into the loop still complete), then stops
 * the loop, frees the trees and closes the devices, which removes them. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "log.h"
#include "match.h"
#include "sockdiag.h"
#include "vifd.h"
#include "vn_param.h"

#define VD_BURST_NS 5000000ull

#include "vn_classify.h"
#include "vn_treefile.h"
#if defined(VN_HAVE_NNFS)
#include "vn_nnfs.h"
#endif

static void usage(FILE *f)
{
	fprintf(f,
		"usage: vifd [--mount DIR] [--control PATH] [--foreground] [--log-level LEVEL] [--syslog]\n"
		"            --iface NAME [--tap] [--netns NS] [--addr CIDR]... [--rate RATE] [--tree FILE] ...\n"
		"            [--link NAME1:NAME2] ... [--bypass] [--no-uring] [--rt-prio N] [--spin USEC] [--offload]\n"
		"            [--no-follow]\n"
		"  LEVEL: error warn info debug. Defaults: control $VIFNET_CONTROL or /run/vifnet/control.sock,\n"
		"  mount $VIFNET_MOUNT or /run/vifnet/nn. --bypass forwards between linked devices without\n"
		"  a tree (benchmark baseline); --no-uring uses plain read/write; --rt-prio N: SCHED_FIFO\n"
		"  priority of the data-path thread (default 5, 0 = normal scheduling); --spin USEC: poll for\n"
		"  the next packet this long after one before sleeping (default 0 = never; at most 1000);\n"
		"  --offload: TUN offloads (IFF_VNET_HDR, TSO/USO): super-packets carried whole, cut into\n"
		"  wire-sized packets before a VIF with a filter, port reader or VIFlet; --no-follow: keep\n"
		"  the data-path thread off the senders' CPUs (default: it moves there when traffic is sparse).\n");
}

enum { O_MOUNT = 256, O_CONTROL, O_FG, O_LOG, O_SYSLOG, O_IFACE, O_TAP, O_NETNS, O_ADDR,
       O_RATE, O_TREE, O_LINK, O_BYPASS, O_NOURING, O_RTPRIO, O_SPIN, O_OFFLOAD, O_STAY, O_HELP };

static const struct option opts[] = {
	{"mount", required_argument, NULL, O_MOUNT}, {"control", required_argument, NULL, O_CONTROL},
	{"foreground", no_argument, NULL, O_FG}, {"log-level", required_argument, NULL, O_LOG},
	{"syslog", no_argument, NULL, O_SYSLOG}, {"iface", required_argument, NULL, O_IFACE},
	{"tap", no_argument, NULL, O_TAP}, {"netns", required_argument, NULL, O_NETNS},
	{"addr", required_argument, NULL, O_ADDR}, {"rate", required_argument, NULL, O_RATE},
	{"tree", required_argument, NULL, O_TREE}, {"link", required_argument, NULL, O_LINK},
	{"bypass", no_argument, NULL, O_BYPASS}, {"no-uring", no_argument, NULL, O_NOURING},
	{"rt-prio", required_argument, NULL, O_RTPRIO}, {"spin", required_argument, NULL, O_SPIN},
	{"offload", no_argument, NULL, O_OFFLOAD}, {"no-follow", no_argument, NULL, O_STAY},
	{"help", no_argument, NULL, O_HELP}, {NULL, 0, NULL, 0},
};

/* Parse argv into cfg. 0, or 2 (usage error, message printed). */
static int parse_args(int argc, char **argv, struct vd_config *cfg, int *level)
{
	struct vd_iface *cur = NULL;
	int o;
	opterr = 0;
	while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		const char *needs_iface = NULL;
		switch (o) {
		case O_MOUNT: cfg->mount = optarg; break;
		case O_CONTROL: cfg->control = optarg; break;
		case O_FG: cfg->foreground = true; break;
		case O_SYSLOG: cfg->use_syslog = true; break;
		case O_BYPASS: cfg->bypass = true; break;
		case O_NOURING: cfg->no_uring = true; break;
		case O_OFFLOAD: cfg->offload = true; break;
		case O_STAY: cfg->no_follow = true; break;
		case O_HELP: usage(stdout); exit(0);
		case O_RTPRIO: {
			uint64_t v;
			if (vn_uint_parse(optarg, 0, 99, &v)) {
				fprintf(stderr, "vifd: bad --rt-prio %s (0-99)\n", optarg);
				return 2;
			}
			cfg->rt_prio = (int)v;
			break;
		}
		case O_SPIN: {
			uint64_t v;
			if (vn_uint_parse(optarg, 0, 1000, &v)) {
				fprintf(stderr, "vifd: bad --spin %s (0-1000 microseconds)\n", optarg);
				return 2;
			}
			cfg->spin_us = (uint32_t)v;
			break;
		}
		case O_LOG:
			*level = vd_log_level_parse(optarg);
			if (*level < 0) {
				fprintf(stderr, "vifd: bad --log-level %s (error warn info debug)\n", optarg);
				return 2;
			}
			break;
		case O_IFACE:
			if (cfg->nifaces == VD_MAX_IFACES) {
				fprintf(stderr, "vifd: at most %d interfaces\n", VD_MAX_IFACES);
				return 2;
			}
			if (strlen(optarg) >= IFNAMSIZ || !vn_name_valid(optarg) || strchr(optarg, ':')) {
				fprintf(stderr, "vifd: bad interface name %s\n", optarg);
				return 2;
			}
			for (int i = 0; i < cfg->nifaces; i++)
				if (!strcmp(cfg->ifaces[i].name, optarg)) {
					fprintf(stderr, "vifd: interface %s given twice\n", optarg);
					return 2;
				}
			cur = &cfg->ifaces[cfg->nifaces++];
			memset(cur, 0, sizeof *cur);
			strcpy(cur->name, optarg);
			cur->fd = -1;
			cur->peer = -1;
			break;
		case O_TAP: if (!(needs_iface = cur ? NULL : "--tap")) cur->tap = true; break;
		case O_NETNS: if (!(needs_iface = cur ? NULL : "--netns")) cur->netns = optarg; break;
		case O_RATE: if (!(needs_iface = cur ? NULL : "--rate")) cur->rate = optarg; break;
		case O_TREE: if (!(needs_iface = cur ? NULL : "--tree")) cur->treefile = optarg; break;
		case O_ADDR:
			if ((needs_iface = cur ? NULL : "--addr"))
				break;
			if (cur->naddrs == VD_MAX_ADDRS) {
				fprintf(stderr, "vifd: too many --addr for %s\n", cur->name);
				return 2;
			}
			cur->addrs[cur->naddrs++] = optarg;
			break;
		case O_LINK: {
			const char *colon = strchr(optarg, ':');
			size_t a = colon ? (size_t)(colon - optarg) : 0;
			if (!colon || a == 0 || a >= IFNAMSIZ || strlen(colon + 1) == 0 ||
			    strlen(colon + 1) >= IFNAMSIZ || cfg->nlinks == VD_MAX_IFACES) {
				fprintf(stderr, "vifd: bad --link %s (NAME1:NAME2)\n", optarg);
				return 2;
			}
			memcpy(cfg->links[cfg->nlinks][0], optarg, a);
			cfg->links[cfg->nlinks][0][a] = '\0';
			strcpy(cfg->links[cfg->nlinks][1], colon + 1);
			cfg->nlinks++;
			break;
		}
		default:
			fprintf(stderr, "vifd: unknown or incomplete option %s\n", argv[optind - 1]);
			usage(stderr);
			return 2;
		}
		if (needs_iface) {
			fprintf(stderr, "vifd: %s must follow an --iface\n", needs_iface);
			return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "vifd: unexpected argument %s\n", argv[optind]);
		return 2;
	}
	if (cfg->nifaces == 0) {
		fprintf(stderr, "vifd: no --iface given\n");
		usage(stderr);
		return 2;
	}
	/* Resolve links. */
	for (int k = 0; k < cfg->nlinks; k++) {
		int ab[2] = {-1, -1};
		for (int e = 0; e < 2; e++)
			for (int i = 0; i < cfg->nifaces; i++)
				if (!strcmp(cfg->ifaces[i].name, cfg->links[k][e]))
					ab[e] = i;
		if (ab[0] < 0 || ab[1] < 0 || ab[0] == ab[1] || cfg->ifaces[ab[0]].peer >= 0 ||
		    cfg->ifaces[ab[1]].peer >= 0 || cfg->ifaces[ab[0]].tap != cfg->ifaces[ab[1]].tap) {
			fprintf(stderr, "vifd: bad --link %s:%s (two distinct --iface of the same kind, each linked once)\n",
				cfg->links[k][0], cfg->links[k][1]);
			return 2;
		}
		cfg->ifaces[ab[0]].peer = ab[1];
		cfg->ifaces[ab[1]].peer = ab[0];
	}
	return 0;
}

/* Trees, rates and tree files; 0 or -1 (logged). */
static int build_trees(struct vd_config *cfg)
{
	for (int i = 0; i < cfg->nifaces; i++) {
		struct vd_iface *ifc = &cfg->ifaces[i];
		ifc->tree = vn_tree_new(ifc->name);
		if (!ifc->tree) {
			vd_err("%s: cannot create the tree", ifc->name);
			return -1;
		}
		/* Credit for lateness of the loop thread (a loaded host, a long
		 * batch) is kept for 5 ms instead of the core's 1 ms: a live cap then
		 * holds its rate while the thread is delayed up to that long. */
		vn_tree_set_burst(ifc->tree, VD_BURST_NS);
		vn_tree_set_linktype(ifc->tree, ifc->tap ? 1 /* DLT_EN10MB */ : 12 /* DLT_RAW */);
		if (ifc->rate) {
			uint64_t bps;
			if (vn_bw_parse(ifc->rate, &bps) ||
			    vn_vif_set_bandwidth(vn_tree_root(ifc->tree), bps, vn_clock_now(vn_clock_real()))) {
				vd_err("%s: bad --rate %s", ifc->name, ifc->rate);
				return -1;
			}
		}
		if (!ifc->treefile)
			continue;
		char err[512];
		struct vn_treefile *tf = vn_treefile_read(ifc->treefile, err, sizeof err);
		if (!tf) {
			vd_err("%s", err);
			return -1;
		}
		ifc->cls = vn_classifier_new(ifc->linktype);
		if (ifc->cls)
			vn_classifier_set_engine(ifc->cls, &vd_match_engine);
		struct vn_cidr locals[16];
		size_t nlocals = 16;
		int rc = ifc->cls ? vn_treefile_apply(tf, ifc->tree, ifc->cls, ifc->linktype, NULL, locals,
						      &nlocals, err, sizeof err)
				  : -1;
		vn_treefile_free(tf);
		if (rc) {
			vd_err("%s", ifc->cls ? err : "out of memory");
			return -1;
		}
		vd_info("%s: tree %s: %zu VIFs, %zu match rules", ifc->name, ifc->treefile,
			vn_tree_count(ifc->tree), vn_classifier_count(ifc->cls));
	}
	return 0;
}

static void cleanup(struct vd_config *cfg, struct vn_loop *l)
{
	if (l)
		vd_loop_free(l);     /* frees the trees too */
	for (int i = 0; i < cfg->nifaces; i++) {
		struct vd_iface *ifc = &cfg->ifaces[i];
		if (!l && ifc->tree)
			vn_tree_free(ifc->tree);
		if (ifc->cls)
			vn_classifier_free(ifc->cls);
		vd_dev_close(ifc);
	}
}

/* Without --foreground: fork; the parent waits for the child's readiness
 * (a byte on a pipe) and exits 0, or with the child's failure status. */
static int daemonize(int *ready_fd)
{
	int pfd[2];
	if (pipe(pfd) < 0)
		return -1;
	pid_t pid = fork();
	if (pid < 0)
		return -1;
	if (pid > 0) {
		close(pfd[1]);
		char c;
		if (read(pfd[0], &c, 1) == 1) {
			printf("vifd ready pid %d\n", (int)pid);
			fflush(stdout);
			_exit(0);
		}
		int st;
		waitpid(pid, &st, 0);
		_exit(WIFEXITED(st) && WEXITSTATUS(st) ? WEXITSTATUS(st) : 1);
	}
	close(pfd[0]);
	setsid();
	/* Let go of the caller's stdin/stdout at once (a shell's $(...) waits
	 * for them); stderr carries set-up errors until readiness. */
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (null >= 0) {
		dup2(null, 0);
		dup2(null, 1);
		close(null);
	}
	*ready_fd = pfd[1];
	return 0;
}

int main(int argc, char **argv)
{
	static struct vd_config cfg;
	int level = VD_INFO;
	cfg.rt_prio = 5;
	cfg.spin_us = 0;
	int rc = parse_args(argc, argv, &cfg, &level);
	if (rc)
		return rc;
	vd_log_init((enum vd_level)level, cfg.use_syslog);
	if (!cfg.control)
		cfg.control = getenv("VIFNET_CONTROL") ? getenv("VIFNET_CONTROL") : "/run/vifnet/control.sock";
	if (!cfg.mount && getenv("VIFNET_MOUNT"))
		cfg.mount = getenv("VIFNET_MOUNT");

	int ready_fd = -1;
	if (!cfg.foreground && daemonize(&ready_fd) < 0) {
		vd_err("fork: %s", strerror(errno));
		return 1;
	}

	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	/* An inherited SIG_IGN (background jobs of a shell) would discard the
	 * signals even while blocked: restore the default, then block. */
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	pthread_sigmask(SIG_BLOCK, &set, NULL);   /* inherited by every thread */
	signal(SIGPIPE, SIG_IGN);

	struct vn_loop *l = NULL;
	for (int i = 0; i < cfg.nifaces; i++) {
		cfg.ifaces[i].vnet = cfg.offload;
		if (vd_dev_open(&cfg.ifaces[i], true) || vd_dev_configure(&cfg.ifaces[i]))
			goto fail;
	}
	if (build_trees(&cfg))
		goto fail;
	l = vd_loop_new(&cfg);
	if (!l)
		goto fail;
	l->ctl = vd_ctl_new(l, cfg.control);
	if (!l->ctl)
		goto fail;
	l->diag = vd_sockdiag_new(l);    /* NULL: no off-path attribution, not fatal */
	if (vd_loop_start(l)) {
		vd_err("cannot start the loop thread");
		goto fail;
	}
#ifdef VN_HAVE_NNFS
	struct vn_nnfs *fs = NULL;
	if (cfg.mount) {
		char err[256] = "";
		fs = vn_nnfs_start(l, cfg.mount, err, sizeof err);
		if (!fs) {
			vd_err("nnfs: cannot mount %s: %s", cfg.mount, err);
			vd_loop_stop(l);
			goto fail;
		}
	}
#else
	if (cfg.mount)
		vd_warn("--mount %s: nnfs is not built into this vifd; running without the file system",
			cfg.mount);
#endif
	for (int i = 0; i < cfg.nifaces; i++)
		vd_info("%s: %s%s%s%s%s", cfg.ifaces[i].name, cfg.ifaces[i].tap ? "tap" : "tun",
			cfg.ifaces[i].created ? " created" : " opened",
			cfg.ifaces[i].netns ? " in netns " : "", cfg.ifaces[i].netns ? cfg.ifaces[i].netns : "",
			cfg.ifaces[i].peer >= 0 ? " linked" : "");
	if (ready_fd >= 0) {
		if (write(ready_fd, "R", 1) < 0) {
			/* parent gone: keep running */
		}
		close(ready_fd);
		/* Detached from here on: log to syslog, drop the caller's stderr. */
		int null = open("/dev/null", O_RDWR | O_CLOEXEC);
		if (null >= 0) {
			dup2(null, 2);
			close(null);
		}
		vd_log_init((enum vd_level)level, true);
	} else {
		printf("vifd ready pid %d control %s\n", (int)getpid(), cfg.control);
		fflush(stdout);
	}

	for (;;) {
		siginfo_t si;
		int sig = sigwaitinfo(&set, &si);
		if (sig == SIGINT || sig == SIGTERM)
			break;
	}
	vd_info("stopping");
#ifdef VN_HAVE_NNFS
	if (fs)
		vn_nnfs_stop(fs);
#endif
	vd_loop_stop(l);
	cleanup(&cfg, l);
	vd_info("stopped");
	return 0;
fail:
	if (l)
		vd_loop_stop(l);
	cleanup(&cfg, l);
	return 1;
}
