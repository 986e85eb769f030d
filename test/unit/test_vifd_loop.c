/* The data-path loop on stand-in devices: two linked interfaces whose
 * "devices" are SOCK_SEQPACKET socket pairs (vifd reads and writes one end
 * as it would a TUN fd; the test plays the host on the other end). Run with
 * the io_uring back end (when the kernel has it), with and without spinning,
 * and the plain one:
 *  - packets the host writes into A come out of B (egress, wire, ingress),
 *    a burst of them in order and none lost;
 *  - vn_loop_inject: egress from a VIF continues from its parent (or the
 *    wire from the root) and is marked injected; ingress goes to the host;
 *    a blocking VIF on the way refuses it and counts a drop; bad arguments
 *    are refused and change nothing;
 *  - --offload: a GSO super-packet crosses whole with its virtio-net header
 *    and is charged its segments' wire bytes. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "vifd.h"
#include "vn_param.h"
#include "vn_sched.h"

struct fx {
	struct vd_config cfg;
	struct vn_loop *l;
	int host[2];                 /* the host's ends of A and B */
	struct vn_vif *a, *ab;       /* on A: a, a/b */
	struct vn_tree *other;       /* a tree the loop does not own */
	/* seen by the tap on A's root (loop thread, read after a call) */
	unsigned tapped, tapped_injected;
};

static void tap(void *ctx, const struct vn_vif *v, const struct vn_pkt *p)
{
	struct fx *f = ctx;
	(void)v;
	f->tapped++;
	if (p->flags & VN_PKT_F_INJECTED)
		f->tapped_injected++;
}

static int big_socketpair(int sv[2])
{
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv))
		return -1;
	int sz = 1 << 20;
	for (int k = 0; k < 2; k++) {
		setsockopt(sv[k], SOL_SOCKET, SO_SNDBUF, &sz, sizeof sz);
		setsockopt(sv[k], SOL_SOCKET, SO_RCVBUF, &sz, sizeof sz);
	}
	return 0;
}

static int setup_cfg(void **state, bool uring, uint32_t spin_us, bool offload);
static int setup(void **state, bool uring, uint32_t spin_us)
{
	return setup_cfg(state, uring, spin_us, false);
}

static int setup_cfg(void **state, bool uring, uint32_t spin_us, bool offload)
{
	static struct fx f;
	memset(&f, 0, sizeof f);
	struct vd_config *c = &f.cfg;
	c->no_uring = !uring;
	c->spin_us = spin_us;
	c->offload = offload;
	c->nifaces = 2;
	c->nlinks = 1;
	for (int i = 0; i < 2; i++) {
		struct vd_iface *ifc = &c->ifaces[i];
		strcpy(ifc->name, i ? "ifb" : "ifa");
		int sv[2];
		assert_int_equal(big_socketpair(sv), 0);
		ifc->fd = sv[0];
		fcntl(sv[0], F_SETFL, fcntl(sv[0], F_GETFL) | O_NONBLOCK);
		f.host[i] = sv[1];
		ifc->linktype = 12;          /* DLT_RAW */
		ifc->peer = !i;
		ifc->tree = vn_tree_new(ifc->name);
		assert_non_null(ifc->tree);
	}
	struct vn_vif *root = vn_tree_root(c->ifaces[0].tree);
	assert_int_equal(vn_vif_create(root, "a", 0, 0, 0755, &f.a), 0);
	assert_int_equal(vn_vif_create(f.a, "b", 0, 0, 0755, &f.ab), 0);
	vn_vif_set_tap(root, tap, &f);
	f.other = vn_tree_new("other");
	f.l = vd_loop_new(c);
	assert_non_null(f.l);
	if (uring && !f.l->ur) {
		/* no io_uring here: the plain group covers the loop */
		vd_loop_free(f.l);        /* frees the trees too */
		f.l = NULL;
	} else {
		assert_int_equal(vd_loop_start(f.l), 0);
	}
	*state = &f;
	return 0;
}

static int setup_uring(void **state) { return setup(state, true, 0); }
static int setup_spin(void **state) { return setup(state, true, 50); }
static int setup_plain(void **state) { return setup(state, false, 0); }
static int setup_offload(void **state) { return setup_cfg(state, true, 0, true); }
static int setup_offload_plain(void **state) { return setup_cfg(state, false, 0, true); }

static int teardown(void **state)
{
	struct fx *f = *state;
	if (f->l) {
		vd_loop_stop(f->l);
		vd_loop_free(f->l);       /* frees the trees */
	}
	vn_tree_free(f->other);
	for (int i = 0; i < 2; i++) {
		close(f->cfg.ifaces[i].fd);
		close(f->host[i]);
	}
	return 0;
}

/* The next frame the host receives on interface i within 2 s, or -1. */
static ssize_t host_recv(struct fx *f, int i, uint8_t *buf, size_t n)
{
	struct pollfd pfd = {.fd = f->host[i], .events = POLLIN};
	if (poll(&pfd, 1, 2000) != 1)
		return -1;
	return recv(f->host[i], buf, n, 0);
}

static bool host_quiet(struct fx *f, int i)
{
	struct pollfd pfd = {.fd = f->host[i], .events = POLLIN};
	return poll(&pfd, 1, 50) == 0;
}

/* A minimal IPv4/UDP frame carrying seq. */
static uint32_t frame(uint8_t *b, uint32_t seq)
{
	memset(b, 0, 60);
	b[0] = 0x45;
	b[3] = 60;
	b[8] = 64;
	b[9] = 17;
	b[12] = 198, b[13] = 18, b[14] = 0, b[15] = 1;
	b[16] = 198, b[17] = 18, b[18] = 0, b[19] = 2;
	b[20] = 0x30, b[21] = 0x39, b[22] = 0x14, b[23] = 0xb4;
	b[25] = 40;
	memcpy(b + 28, &seq, sizeof seq);
	return 60;
}

static uint32_t seq_of(const uint8_t *b)
{
	uint32_t s;
	memcpy(&s, b + 28, sizeof s);
	return s;
}

static void test_host_to_peer(void **state)
{
	struct fx *f = *state;
	if (!f->l)
		skip();
	uint8_t b[2048];
	enum { N = 300 };
	for (uint32_t k = 0; k < N; k++) {
		uint32_t n = frame(b, k);
		assert_int_equal(write(f->host[0], b, n), (ssize_t)n);
	}
	for (uint32_t k = 0; k < N; k++) {
		ssize_t n = host_recv(f, 1, b, sizeof b);
		assert_int_equal(n, 60);
		assert_int_equal(seq_of(b), k);
	}
	assert_true(host_quiet(f, 0));
	/* and back */
	uint32_t n = frame(b, 7);
	assert_int_equal(write(f->host[1], b, n), (ssize_t)n);
	assert_int_equal(host_recv(f, 0, b, sizeof b), 60);
	assert_int_equal(seq_of(b), 7);
}

struct inj {
	struct fx *f;
	struct vn_vif *v;
	enum vn_dir dir;
	const uint8_t *data;
	uint32_t len;
	int rc;
	unsigned tapped, tapped_injected;
	struct vn_vif_stats st;      /* of v after the call */
};

static void inject_fn(struct vn_loop *l, void *arg)
{
	struct inj *j = arg;
	j->rc = vn_loop_inject(l, j->v, j->dir, j->data, j->len);
	j->tapped = j->f->tapped;
	j->tapped_injected = j->f->tapped_injected;
	vn_vif_stats(j->v, &j->st);
}

static int inject(struct fx *f, struct vn_vif *v, enum vn_dir dir, const uint8_t *d, uint32_t len,
		  struct inj *j)
{
	*j = (struct inj){.f = f, .v = v, .dir = dir, .data = d, .len = len};
	assert_int_equal(vn_loop_call(f->l, inject_fn, j), 0);
	return j->rc;
}

static void test_inject_egress(void **state)
{
	struct fx *f = *state;
	if (!f->l)
		skip();
	uint8_t b[2048], r[2048];
	struct inj j;
	/* From a/b: on through a and the root (the tap), onto the wire, out of B. */
	uint32_t n = frame(b, 41);
	assert_int_equal(inject(f, f->ab, VN_EGRESS, b, n, &j), 0);
	assert_int_equal(host_recv(f, 1, r, sizeof r), 60);
	assert_memory_equal(r, b, 60);
	assert_true(host_quiet(f, 0));
	/* From the root: straight onto the wire. */
	frame(b, 42);
	assert_int_equal(inject(f, vn_tree_root(f->cfg.ifaces[0].tree), VN_EGRESS, b, n, &j), 0);
	assert_int_equal(host_recv(f, 1, r, sizeof r), 60);
	assert_int_equal(seq_of(r), 42);
	/* The first crossed the root (tapped, marked injected); the second
	 * started past it. Read the counts on the loop thread. */
	inject(f, f->ab, VN_EGRESS, b, 0, &j);
	assert_int_equal(j.tapped, 1);
	assert_int_equal(j.tapped_injected, 1);
}

static void test_inject_ingress(void **state)
{
	struct fx *f = *state;
	if (!f->l)
		skip();
	uint8_t b[2048], r[2048];
	struct inj j;
	uint32_t n = frame(b, 43);
	assert_int_equal(inject(f, f->ab, VN_INGRESS, b, n, &j), 0);
	assert_int_equal(host_recv(f, 0, r, sizeof r), 60);
	assert_int_equal(seq_of(r), 43);
	assert_true(host_quiet(f, 1));
}

struct settype {
	struct vn_vif *v;
	enum vn_type t;
	int rc;
};

static void settype_fn(struct vn_loop *l, void *arg)
{
	(void)l;
	struct settype *s = arg;
	s->rc = vn_vif_set_type(s->v, s->t);
}

/* The tree belongs to the loop thread: change it there. */
static void set_type(struct fx *f, struct vn_vif *v, enum vn_type t)
{
	struct settype s = {v, t, -1};
	assert_int_equal(vn_loop_call(f->l, settype_fn, &s), 0);
	assert_int_equal(s.rc, 0);
}

static void test_inject_blocked(void **state)
{
	struct fx *f = *state;
	if (!f->l)
		skip();
	uint8_t b[2048];
	struct inj j;
	uint32_t n = frame(b, 44);
	/* a blocks: a packet written to a/b's port is refused at a. */
	set_type(f, f->a, VN_TYPE_BLOCK);
	int rc = inject(f, f->ab, VN_EGRESS, b, n, &j);
	assert_true(rc == -EPERM || rc == -EACCES);
	struct inj probe;
	inject(f, f->a, VN_EGRESS, b, 0, &probe);   /* len 0: refused, reads a's stats */
	assert_int_equal(probe.rc, -EINVAL);
	assert_int_equal(probe.st.drops, 1);
	assert_true(host_quiet(f, 1));
	set_type(f, f->a, VN_TYPE_FIFO);
	assert_int_equal(inject(f, f->ab, VN_EGRESS, b, n, &j), 0);
	assert_int_equal(host_recv(f, 1, b, sizeof b), 60);
}

static void test_inject_bad(void **state)
{
	struct fx *f = *state;
	if (!f->l)
		skip();
	static uint8_t big[65536];
	struct inj j;
	frame(big, 45);
	assert_int_equal(inject(f, f->ab, VN_EGRESS, big, 0, &j), -EINVAL);
	assert_int_equal(inject(f, f->ab, VN_EGRESS, big, vn_loop_max_frame(f->l) + 1, &j), -EINVAL);
	assert_int_equal(inject(f, vn_tree_root(f->other), VN_EGRESS, big, 60, &j), -EINVAL);
	assert_int_equal(inject(f, f->ab, (enum vn_dir)7, big, 60, &j), -EINVAL);
	assert_int_equal(j.st.drops, 0);
	assert_true(host_quiet(f, 0));
	assert_true(host_quiet(f, 1));
	/* The largest frame passes whole. */
	uint32_t max = vn_loop_max_frame(f->l);
	assert_int_equal(inject(f, f->ab, VN_INGRESS, big, max, &j), 0);
	uint8_t r[65536];
	assert_int_equal(host_recv(f, 0, r, sizeof r), (ssize_t)max);
	assert_int_equal(seq_of(r), 45);
}

struct status {
	char text[4096];
};

static void status_fn(struct vn_loop *l, void *arg)
{
	struct status *st = arg;
	vd_loop_status(l, st->text, sizeof st->text);
}

/* A counter of interface ifname from the status text. */
static unsigned long long status_field(const char *text, const char *ifname, const char *key)
{
	char pat[64];
	snprintf(pat, sizeof pat, "iface %s ", ifname);
	const char *line = strstr(text, pat);
	assert_non_null(line);
	char k[64];
	snprintf(k, sizeof k, " %s ", key);
	const char *at = strstr(line, k);
	assert_non_null(at);
	return strtoull(at + strlen(k), NULL, 10);
}

/* The tap on A's root on (arg != NULL) or off: loop thread. */
static void root_tap_fn(struct vn_loop *l, void *arg)
{
	struct fx *f = arg;
	vn_vif_set_tap(vn_tree_root(vn_loop_tree(l, 0)), f->tapped_injected == 999 ? NULL : tap, f);
}

static void root_tap(struct fx *f, bool on)
{
	unsigned keep = f->tapped_injected;
	f->tapped_injected = on ? 0 : 999;
	assert_int_equal(vn_loop_call(f->l, root_tap_fn, f), 0);
	f->tapped_injected = keep;
}

/* --offload: each frame starts with a virtio-net header. A TCP super-packet
 * (IPv4, 20-byte TCP header, 1000 bytes of payload, gso_size 300: four
 * segments) crosses a tree where nothing looks at packets whole, header and
 * all, and is charged as its segments would be on a wire: 1040 + 3 * 40
 * bytes. A frame without GSO is charged its length. With a tap on the root
 * (a port reader) the same super-packet is cut: four packets of at most
 * 340 bytes, each with a zeroed header, charged the same. */
static void test_offload_super_packet(void **state)
{
	struct fx *f = *state;
	if (!f->l)
		skip();
	root_tap(f, false);
	uint8_t b[2048], r[2048];
	const uint32_t H = 10, L = 1040;
	memset(b, 0, sizeof b);
	b[0] = 1;                         /* VIRTIO_NET_HDR_F_NEEDS_CSUM */
	b[1] = 1;                         /* VIRTIO_NET_HDR_GSO_TCPV4 */
	b[2] = 40;                        /* hdr_len (a hint) */
	b[4] = 300 & 0xff, b[5] = 300 >> 8;   /* gso_size, little-endian */
	b[6] = 20;                        /* csum_start */
	b[8] = 16;                        /* csum_offset */
	uint8_t *ip = b + H;
	ip[0] = 0x45;
	ip[2] = L >> 8, ip[3] = L & 0xff;
	ip[8] = 64;
	ip[9] = 6;
	ip[12] = 198, ip[13] = 18, ip[15] = 1;
	ip[16] = 198, ip[17] = 18, ip[19] = 2;
	ip[20] = 0x30, ip[21] = 0x39, ip[22] = 0x14, ip[23] = 0x51;
	ip[32] = 5 << 4;                  /* data offset: 20 bytes */
	uint8_t sp[2048];
	memcpy(sp, b, H + L);
	assert_int_equal(write(f->host[0], b, H + L), (ssize_t)(H + L));
	assert_int_equal(host_recv(f, 1, r, sizeof r), (ssize_t)(H + L));
	assert_memory_equal(r, b, H + L);
	struct status st;
	assert_int_equal(vn_loop_call(f->l, status_fn, &st), 0);
	assert_int_equal(status_field(st.text, "ifa", "gso_in"), 1);
	assert_int_equal(status_field(st.text, "ifa", "wire_out"), 1);
	/* "wire_out N BYTES" */
	const char *w = strstr(strstr(st.text, "iface ifa "), " wire_out ");
	unsigned long long n, bytes;
	assert_int_equal(sscanf(w, " wire_out %llu %llu", &n, &bytes), 2);
	assert_int_equal(bytes, 1040 + 3 * 40);
	/* no GSO: charged as it is */
	b[0] = b[1] = 0;
	assert_int_equal(write(f->host[0], b, H + L), (ssize_t)(H + L));
	assert_int_equal(host_recv(f, 1, r, sizeof r), (ssize_t)(H + L));
	assert_int_equal(vn_loop_call(f->l, status_fn, &st), 0);
	w = strstr(strstr(st.text, "iface ifa "), " wire_out ");
	assert_int_equal(sscanf(w, " wire_out %llu %llu", &n, &bytes), 2);
	assert_int_equal(bytes, 2 * 1040 + 3 * 40);
	assert_int_equal(status_field(st.text, "ifa", "gso_in"), 1);
	/* injected: a zeroed header in front */
	struct inj j;
	uint32_t fl = frame(b, 46);
	assert_int_equal(inject(f, f->ab, VN_INGRESS, b, fl, &j), 0);
	assert_int_equal(host_recv(f, 0, r, sizeof r), (ssize_t)(H + fl));
	static const uint8_t zero[10];
	assert_memory_equal(r, zero, H);
	assert_int_equal(seq_of(r + H), 46);
	/* a tap on the root: cut into wire-sized packets before the tree */
	root_tap(f, true);
	unsigned tapped = f->tapped;
	assert_int_equal(write(f->host[0], sp, H + L), (ssize_t)(H + L));
	for (int k = 0; k < 4; k++) {
		assert_int_equal(host_recv(f, 1, r, sizeof r), (ssize_t)(H + 40 + (k < 3 ? 300 : 100)));
		assert_memory_equal(r, zero, H);
		assert_int_equal(r[H + 2] << 8 | r[H + 3], 40 + (k < 3 ? 300 : 100));   /* IP total length */
	}
	assert_int_equal(vn_loop_call(f->l, status_fn, &st), 0);
	assert_int_equal(f->tapped - tapped, 4);
	assert_int_equal(status_field(st.text, "ifa", "gso_in"), 2);
	assert_int_equal(status_field(st.text, "ifa", "gso_cut"), 1);
	w = strstr(strstr(st.text, "iface ifa "), " wire_out ");
	assert_int_equal(sscanf(w, " wire_out %llu %llu", &n, &bytes), 2);
	assert_int_equal(bytes, 3 * 1040 + 6 * 40);
}

#define GROUP(name, s)                                                                        \
	const struct CMUnitTest name[] = {                                                    \
		cmocka_unit_test_setup_teardown(test_host_to_peer, s, teardown),              \
		cmocka_unit_test_setup_teardown(test_inject_egress, s, teardown),             \
		cmocka_unit_test_setup_teardown(test_inject_ingress, s, teardown),            \
		cmocka_unit_test_setup_teardown(test_inject_blocked, s, teardown),            \
		cmocka_unit_test_setup_teardown(test_inject_bad, s, teardown),                \
	}

int main(void)
{
	GROUP(uring, setup_uring);
	GROUP(spin, setup_spin);
	GROUP(plain, setup_plain);
	const struct CMUnitTest offload[] = {
		cmocka_unit_test_setup_teardown(test_offload_super_packet, setup_offload, teardown),
		cmocka_unit_test_setup_teardown(test_offload_super_packet, setup_offload_plain, teardown),
	};
	int rc = cmocka_run_group_tests_name("loop (io_uring)", uring, NULL, NULL);
	rc |= cmocka_run_group_tests_name("loop (io_uring, --spin 50)", spin, NULL, NULL);
	rc |= cmocka_run_group_tests_name("loop (read/write)", plain, NULL, NULL);
	rc |= cmocka_run_group_tests_name("loop (--offload)", offload, NULL, NULL);
	return rc;
}
