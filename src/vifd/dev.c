/* TUN/TAP devices: open /dev/net/tun in vifd's namespace (IFF_NO_PI), then
 * move the device into the requested namespace and address it there with
 * iproute2 (`ip link set ... netns`, `ip -n NS addr add`). The open fd keeps
 * working across the move, and closing it deletes a device vifd created,
 * wherever it is: that is how SIGTERM removes the devices. */
#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <linux/virtio_net.h>
#include <pcap/dlt.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "log.h"
#include "vifd.h"

#ifndef TUN_F_USO4
#define TUN_F_USO4 0x20                /* Linux 6.2; older headers lack them */
#define TUN_F_USO6 0x40
#endif

extern char **environ;

/* Run argv (iproute2), wait, 0 on exit status 0. */
static int run(char *const argv[])
{
	pid_t pid;
	if (vd_log_enabled(VD_DEBUG)) {
		char line[512] = "";
		for (int i = 0; argv[i]; i++) {
			strncat(line, argv[i], sizeof line - strlen(line) - 2);
			strcat(line, " ");
		}
		vd_debug("run: %s", line);
	}
	int rc = posix_spawnp(&pid, argv[0], NULL, NULL, argv, environ);
	if (rc) {
		vd_err("cannot run %s: %s", argv[0], strerror(rc));
		return -1;
	}
	int st;
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -1;
}

int vd_dev_open(struct vd_iface *ifc, bool nonblock)
{
	/* Did it exist before? Then it is opened, not created, and survives us. */
	bool existed = if_nametoindex(ifc->name) != 0;
	int fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC | (nonblock ? O_NONBLOCK : 0));
	if (fd < 0) {
		vd_err("%s: /dev/net/tun: %s", ifc->name, strerror(errno));
		return -1;
	}
	struct ifreq ifr;
	memset(&ifr, 0, sizeof ifr);
	ifr.ifr_flags = (short)((ifc->tap ? IFF_TAP : IFF_TUN) | IFF_NO_PI | (ifc->vnet ? IFF_VNET_HDR : 0));
	snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "%s", ifc->name);
	if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
		vd_err("%s: TUNSETIFF: %s", ifc->name, strerror(errno));
		close(fd);
		return -1;
	}
	if (ifc->vnet) {
		/* The host may hand us TCP and UDP (UDP_SEGMENT) super-packets
		 * with partial checksums: they travel whole, header and all
		 * (gso.c), unless a VIF looks at them (segment.c). UDP needs
		 * Linux 6.2: without it, TCP only. */
		int sz = (int)sizeof(struct virtio_net_hdr);
		unsigned off = TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6;
		if (ioctl(fd, TUNSETVNETHDRSZ, &sz) == 0 && ioctl(fd, TUNSETOFFLOAD, off | TUN_F_USO4 | TUN_F_USO6) == 0)
			off = 0;
		if (off && (ioctl(fd, TUNSETVNETHDRSZ, &sz) < 0 || ioctl(fd, TUNSETOFFLOAD, off) < 0)) {
			vd_err("%s: offloads: %s", ifc->name, strerror(errno));
			close(fd);
			return -1;
		}
	}
	ifc->fd = fd;
	ifc->created = !existed;
	ifc->linktype = ifc->tap ? DLT_EN10MB : DLT_RAW;
	return 0;
}

int vd_dev_configure(struct vd_iface *ifc)
{
	char *name = ifc->name;
	if (ifc->netns) {
		char *mv[] = {"ip", "link", "set", "dev", name, "netns", (char *)ifc->netns, NULL};
		if (run(mv)) {
			vd_err("%s: cannot move into network namespace %s", name, ifc->netns);
			return -1;
		}
		ifc->moved = true;
	}
	char *ns = (char *)(ifc->netns ? ifc->netns : "");
	for (int i = 0; i < ifc->naddrs; i++) {
		bool v6 = strchr(ifc->addrs[i], ':') != NULL;
		char *a4[] = {"ip", "-n", ns, "addr", "add", (char *)ifc->addrs[i], "dev", name, NULL};
		char *a6[] = {"ip", "-n", ns, "addr", "add", (char *)ifc->addrs[i], "dev", name, "nodad", NULL};
		char **argv = v6 ? a6 : a4;
		if (!ifc->netns) {              /* drop "-n NS" */
			argv[1] = "addr";
			argv[2] = "replace";
			memmove(&argv[3], &argv[5], (v6 ? 5 : 4) * sizeof *argv);
		} else {
			argv[4] = "replace";    /* idempotent: an existing address is fine */
		}
		if (run(argv)) {
			vd_err("%s: cannot add address %s", name, ifc->addrs[i]);
			return -1;
		}
	}
	/* A longer device queue than tun's 500: bursts from the host wait for
	 * the next read batch instead of being dropped before the tree sees them. */
	char *up_ns[] = {"ip", "-n", ns, "link", "set", "dev", name, "txqueuelen", "4096", "up", NULL};
	char *up[] = {"ip", "link", "set", "dev", name, "txqueuelen", "4096", "up", NULL};
	if (run(ifc->netns ? up_ns : up)) {
		vd_err("%s: cannot bring the device up", name);
		return -1;
	}
	return 0;
}

void vd_dev_close(struct vd_iface *ifc)
{
	if (ifc->fd >= 0) {
		close(ifc->fd);   /* a non-persistent device vanishes with its last fd */
		ifc->fd = -1;
	}
}
