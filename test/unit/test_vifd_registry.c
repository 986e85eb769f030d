/* The registry: process and socket attachments, protection rules 2 and 3,
 * the flow table (exact, bound, wildcard lookups; lingering closed flows;
 * ICMP echo flows keyed by identifier, apart from UDP ports of that number),
 * and attachments following a removed VIF to its parent; the flow hash
 * reads every byte of the key and spreads ports over the low bits. */
#include <errno.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>

#include <cmocka.h>

#include "flowhash.h"
#include "parse.h"
#include "vn_registry.h"
#include "vn_vif.h"

struct fx {
	struct vn_tree *t[2];
	struct vn_registry *r;
	struct vn_vif *a, *ab, *c;    /* on tree 0: a, a/b, c */
};

static int setup(void **state)
{
	static struct fx f;
	memset(&f, 0, sizeof f);
	f.t[0] = vn_tree_new("if0");
	f.t[1] = vn_tree_new("if1");
	f.r = vn_registry_new(f.t, 2);
	struct vn_vif *root = vn_tree_root(f.t[0]);
	assert_int_equal(vn_vif_create(root, "a", 1000, 1000, 0755, &f.a), 0);
	assert_int_equal(vn_vif_create(f.a, "b", 1000, 1000, 0755, &f.ab), 0);
	assert_int_equal(vn_vif_create(root, "c", 0, 0, 0755, &f.c), 0);
	*state = &f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	vn_tree_free(f->t[0]);
	vn_tree_free(f->t[1]);
	vn_registry_free(f->r);
	return 0;
}

static struct vn_flow flow4(uint8_t proto, uint8_t l, uint16_t lp, uint8_t r, uint16_t rp)
{
	struct vn_flow fl;
	memset(&fl, 0, sizeof fl);
	fl.family = AF_INET;
	fl.proto = proto;
	fl.laddr[0] = 10;
	fl.laddr[3] = l;
	if (r) {
		fl.raddr[0] = 10;
		fl.raddr[3] = r;
	}
	fl.lport = lp;
	fl.rport = rp;
	return fl;
}

static void process_defaults_to_root_and_refcounts(void **state)
{
	struct fx *f = *state;
	struct vn_proc *p, *q;
	assert_int_equal(vn_registry_proc_add(f->r, 100, 1000, 1, "sh", &p), 0);
	assert_ptr_equal(vn_proc_vif(p, 0), vn_tree_root(f->t[0]));
	assert_ptr_equal(vn_proc_vif(p, 1), vn_tree_root(f->t[1]));
	assert_false(vn_proc_attached(p, 0));
	assert_string_equal(vn_proc_comm(p), "sh");
	assert_int_equal(vn_registry_proc_add(f->r, 100, 1000, 1, NULL, &q), 0);
	assert_ptr_equal(p, q);
	assert_int_equal(vn_registry_proc_add(f->r, 100, 1001, 1, NULL, &q), -EPERM);
	vn_registry_proc_put(f->r, 100);
	assert_non_null(vn_registry_proc(f->r, 100));
	vn_registry_proc_put(f->r, 100);
	assert_null(vn_registry_proc(f->r, 100));
	assert_int_equal(vn_registry_proc_add(f->r, 0, 0, 0, NULL, NULL), -EINVAL);
}

static void rule3_only_down_and_only_own_uid(void **state)
{
	struct fx *f = *state;
	assert_int_equal(vn_registry_proc_add(f->r, 200, 1000, 1, NULL, NULL), 0);
	/* root -> a (descendant) by the owner: fine */
	assert_int_equal(vn_registry_attach_proc(f->r, 200, f->a, 1000), 0);
	/* another uid: EPERM, nothing changes */
	assert_int_equal(vn_registry_attach_proc(f->r, 200, f->ab, 1001), -EPERM);
	assert_ptr_equal(vn_proc_vif(vn_registry_proc(f->r, 200), 0), f->a);
	/* up (root) and sideways (c): EACCES */
	assert_int_equal(vn_registry_attach_proc(f->r, 200, vn_tree_root(f->t[0]), 1000), -EACCES);
	assert_int_equal(vn_registry_attach_proc(f->r, 200, f->c, 1000), -EACCES);
	/* same VIF again and further down: fine */
	assert_int_equal(vn_registry_attach_proc(f->r, 200, f->a, 1000), 0);
	assert_int_equal(vn_registry_attach_proc(f->r, 200, f->ab, 1000), 0);
	/* root may move it anywhere */
	assert_int_equal(vn_registry_attach_proc(f->r, 200, f->c, 0), 0);
	assert_ptr_equal(vn_proc_vif(vn_registry_proc(f->r, 200), 0), f->c);
	/* the other interface is untouched */
	assert_false(vn_proc_attached(vn_registry_proc(f->r, 200), 1));
	assert_int_equal(vn_registry_attach_proc(f->r, 999, f->a, 0), -ESRCH);
	assert_int_equal(vn_registry_attach_proc(f->r, 200, NULL, 0), -EINVAL);
	vn_registry_proc_put(f->r, 200);
}

static void rule2_child_inherits_parent(void **state)
{
	struct fx *f = *state;
	assert_int_equal(vn_registry_proc_add(f->r, 300, 1000, 1, NULL, NULL), 0);
	assert_int_equal(vn_registry_attach_proc(f->r, 300, f->a, 1000), 0);
	struct vn_proc *c;
	assert_int_equal(vn_registry_proc_add(f->r, 301, 1000, 300, NULL, &c), 0);
	assert_ptr_equal(vn_proc_vif(c, 0), f->a);
	/* and may not climb out of it */
	assert_int_equal(vn_registry_attach_proc(f->r, 301, vn_tree_root(f->t[0]), 1000), -EACCES);
	vn_registry_proc_put(f->r, 301);
	vn_registry_proc_put(f->r, 300);
}

static void sockets_follow_process_until_attached(void **state)
{
	struct fx *f = *state;
	assert_int_equal(vn_registry_proc_add(f->r, 400, 1000, 1, NULL, NULL), 0);
	struct vn_flow fl = flow4(IPPROTO_TCP, 1, 4000, 2, 80);
	assert_int_equal(vn_registry_sock_set(f->r, 400, 5, &fl), 0);
	struct vn_sock *s = vn_registry_sock(f->r, 400, 5);
	assert_non_null(s);
	assert_ptr_equal(vn_sock_vif(s, 0), vn_tree_root(f->t[0]));
	assert_int_equal(vn_registry_attach_proc(f->r, 400, f->a, 1000), 0);
	assert_ptr_equal(vn_sock_vif(s, 0), f->a);             /* follows */
	assert_int_equal(vn_registry_attach_sock(f->r, 400, 5, f->ab, 1000), 0);
	assert_true(vn_sock_attached(s, 0));
	/* rule 3 for sockets: not up, not by another uid */
	assert_int_equal(vn_registry_attach_sock(f->r, 400, 5, f->a, 1000), -EACCES);
	assert_int_equal(vn_registry_attach_sock(f->r, 400, 5, f->ab, 1001), -EPERM);
	assert_int_equal(vn_registry_attach_sock(f->r, 400, 6, f->ab, 1000), -EBADF);
	pid_t pid = 0;
	int fd = -1;
	assert_ptr_equal(vn_registry_lookup(f->r, 0, &fl, 1, &pid, &fd), f->ab);
	assert_int_equal(pid, 400);
	assert_int_equal(fd, 5);
	/* interface 1: the process's default there */
	assert_ptr_equal(vn_registry_lookup(f->r, 1, &fl, 1, NULL, NULL), vn_tree_root(f->t[1]));
	vn_registry_proc_put(f->r, 400);
}

static void detach_returns_to_the_default_and_follows(void **state)
{
	struct fx *f = *state;
	assert_int_equal(vn_registry_proc_add(f->r, 410, 1000, 1, NULL, NULL), 0);
	struct vn_proc *p = vn_registry_proc(f->r, 410);
	struct vn_flow fl = flow4(IPPROTO_UDP, 1, 4100, 2, 53);
	assert_int_equal(vn_registry_sock_set(f->r, 410, 7, &fl), 0);
	struct vn_sock *s = vn_registry_sock(f->r, 410, 7);
	assert_int_equal(vn_registry_attach_proc(f->r, 410, f->a, 1000), 0);
	assert_int_equal(vn_registry_attach_sock(f->r, 410, 7, f->ab, 1000), 0);
	/* a socket detached goes back to its process, and then follows it */
	assert_int_equal(vn_registry_detach_sock(f->r, 410, 7, 0, 1001), -EPERM);
	assert_int_equal(vn_registry_detach_sock(f->r, 410, 7, 0, 1000), 0);
	assert_false(vn_sock_attached(s, 0));
	assert_ptr_equal(vn_sock_vif(s, 0), f->a);
	assert_int_equal(vn_registry_attach_proc(f->r, 410, f->ab, 1000), 0);
	assert_ptr_equal(vn_sock_vif(s, 0), f->ab);
	assert_ptr_equal(vn_registry_lookup(f->r, 0, &fl, 1, NULL, NULL), f->ab);
	assert_int_equal(vn_registry_detach_sock(f->r, 410, 7, 0, 1000), 0);   /* had none: fine */
	assert_int_equal(vn_registry_detach_sock(f->r, 410, 8, 0, 0), -EBADF);
	assert_int_equal(vn_registry_detach_sock(f->r, 410, 7, 2, 0), -EINVAL);
	/* a process detached is on the root: that is up, for root only */
	assert_int_equal(vn_registry_detach_proc(f->r, 410, 0, 1000), -EACCES);
	assert_int_equal(vn_registry_detach_proc(f->r, 410, 0, 1001), -EPERM);
	assert_ptr_equal(vn_proc_vif(p, 0), f->ab);
	assert_int_equal(vn_registry_detach_proc(f->r, 410, 0, 0), 0);
	assert_false(vn_proc_attached(p, 0));
	assert_ptr_equal(vn_sock_vif(s, 0), vn_tree_root(f->t[0]));
	assert_int_equal(vn_registry_detach_proc(f->r, 410, 0, 1000), 0);     /* on the root already */
	assert_int_equal(vn_registry_detach_proc(f->r, 411, 0, 0), -ESRCH);
	assert_int_equal(vn_registry_detach_proc(f->r, 410, 2, 0), -EINVAL);
	vn_registry_proc_put(f->r, 410);
}

static void gid_is_kept(void **state)
{
	struct fx *f = *state;
	assert_int_equal(vn_registry_proc_add(f->r, 420, 1000, 1, NULL, NULL), 0);
	struct vn_proc *p = vn_registry_proc(f->r, 420);
	assert_int_equal(vn_proc_gid(p), (gid_t)-1);
	assert_int_equal(vn_registry_proc_set_gid(f->r, 420, 100), 0);
	assert_int_equal(vn_proc_gid(p), 100);
	assert_int_equal(vn_registry_proc_set_gid(f->r, 421, 100), -ESRCH);
	vn_registry_proc_put(f->r, 420);
}

static void lookup_exact_then_bound_then_wildcard(void **state)
{
	struct fx *f = *state;
	assert_int_equal(vn_registry_proc_add(f->r, 500, 0, 1, NULL, NULL), 0);
	assert_int_equal(vn_registry_proc_add(f->r, 501, 0, 1, NULL, NULL), 0);
	assert_int_equal(vn_registry_attach_proc(f->r, 500, f->a, 0), 0);
	assert_int_equal(vn_registry_attach_proc(f->r, 501, f->c, 0), 0);
	struct vn_flow listen = flow4(IPPROTO_TCP, 0, 5201, 0, 0);   /* any address */
	listen.laddr[0] = 0;
	assert_int_equal(vn_registry_sock_set(f->r, 500, 3, &listen), 0);
	struct vn_flow conn = flow4(IPPROTO_TCP, 1, 5201, 9, 40000);
	assert_int_equal(vn_registry_sock_set(f->r, 501, 4, &conn), 0);
	/* exact 5-tuple wins */
	assert_ptr_equal(vn_registry_lookup(f->r, 0, &conn, 1, NULL, NULL), f->c);
	/* another peer on the listening port: the wildcard */
	struct vn_flow other = flow4(IPPROTO_TCP, 1, 5201, 7, 1111);
	assert_ptr_equal(vn_registry_lookup(f->r, 0, &other, 1, NULL, NULL), f->a);
	/* unknown port, other protocol: nothing */
	struct vn_flow none = flow4(IPPROTO_TCP, 1, 5202, 7, 1111);
	assert_null(vn_registry_lookup(f->r, 0, &none, 1, NULL, NULL));
	struct vn_flow udp = flow4(IPPROTO_UDP, 1, 5201, 7, 1111);
	assert_null(vn_registry_lookup(f->r, 0, &udp, 1, NULL, NULL));
	/* bad flows refused */
	struct vn_flow bad = conn;
	bad.family = 99;
	assert_int_equal(vn_registry_sock_set(f->r, 500, 9, &bad), -EINVAL);
	assert_int_equal(vn_registry_sock_set(f->r, 999, 9, &conn), -ESRCH);
	vn_registry_proc_put(f->r, 500);
	vn_registry_proc_put(f->r, 501);
}

static void closed_flows_linger_then_expire(void **state)
{
	struct fx *f = *state;
	vn_registry_set_linger(f->r, 1000);
	assert_int_equal(vn_registry_proc_add(f->r, 600, 0, 1, NULL, NULL), 0);
	assert_int_equal(vn_registry_attach_proc(f->r, 600, f->a, 0), 0);
	struct vn_flow fl = flow4(IPPROTO_UDP, 1, 53, 2, 9999);
	assert_int_equal(vn_registry_sock_set(f->r, 600, 7, &fl), 0);
	assert_int_equal(vn_registry_sock_close(f->r, 600, 7), 0);
	assert_int_equal(vn_registry_sock_close(f->r, 600, 7), -EBADF);
	/* still classified to the VIF it had */
	assert_ptr_equal(vn_registry_lookup(f->r, 0, &fl, 5, NULL, NULL), f->a);
	vn_registry_proc_put(f->r, 600);              /* process gone too */
	assert_ptr_equal(vn_registry_lookup(f->r, 0, &fl, 5, NULL, NULL), f->a);
	assert_int_equal(vn_registry_nflows(f->r), 1);
	assert_int_equal(vn_registry_expire(f->r, 10), 0);     /* seen closed at 10 */
	assert_int_equal(vn_registry_expire(f->r, 500), 0);
	assert_int_equal(vn_registry_expire(f->r, 1010), 1);
	assert_int_equal(vn_registry_nflows(f->r), 0);
	assert_null(vn_registry_lookup(f->r, 0, &fl, 2000, NULL, NULL));
}

static void rebinding_moves_the_flow_and_dup_shares_it(void **state)
{
	struct fx *f = *state;
	assert_int_equal(vn_registry_proc_add(f->r, 700, 0, 1, NULL, NULL), 0);
	struct vn_flow b1 = flow4(IPPROTO_UDP, 1, 1000, 0, 0);
	struct vn_flow b2 = flow4(IPPROTO_UDP, 1, 1000, 2, 2000);
	assert_int_equal(vn_registry_sock_set(f->r, 700, 3, NULL), 0);
	assert_null(vn_sock_flow(vn_registry_sock(f->r, 700, 3)));
	assert_int_equal(vn_registry_sock_set(f->r, 700, 3, &b1), 0);
	assert_int_equal(vn_registry_sock_set(f->r, 700, 3, &b2), 0);   /* connect */
	assert_int_equal(vn_registry_nflows(f->r), 1);
	assert_int_equal(vn_registry_sock_dup(f->r, 700, 3, 8), 0);
	assert_int_equal(vn_registry_attach_sock(f->r, 700, 8, f->ab, 0), 0);
	/* same socket: the attachment shows through both fds */
	assert_ptr_equal(vn_sock_vif(vn_registry_sock(f->r, 700, 3), 0), f->ab);
	assert_int_equal(vn_registry_sock_close(f->r, 700, 3), 0);
	pid_t pid;
	int fd;
	assert_ptr_equal(vn_registry_lookup(f->r, 0, &b2, 1, &pid, &fd), f->ab);
	assert_int_equal(vn_registry_sock_dup(f->r, 700, 42, 9), -EBADF);
	/* iteration in fd order */
	assert_int_equal(vn_registry_sock_set(f->r, 700, 2, NULL), 0);
	struct vn_proc *p = vn_registry_proc(f->r, 700);
	assert_int_equal(vn_sock_fd(vn_proc_sock_next(p, -1)), 2);
	assert_int_equal(vn_sock_fd(vn_proc_sock_next(p, 2)), 8);
	assert_null(vn_proc_sock_next(p, 8));
	vn_registry_proc_put(f->r, 700);
}

static void process_iteration_in_pid_order(void **state)
{
	struct fx *f = *state;
	int pids[] = {900, 20, 4000, 300};
	for (int i = 0; i < 4; i++)
		assert_int_equal(vn_registry_proc_add(f->r, pids[i], 0, 1, NULL, NULL), 0);
	int want[] = {20, 300, 900, 4000};
	pid_t after = 0;
	for (int i = 0; i < 4; i++) {
		struct vn_proc *p = vn_registry_proc_next(f->r, after);
		assert_non_null(p);
		assert_int_equal(vn_proc_pid(p), want[i]);
		after = vn_proc_pid(p);
	}
	assert_null(vn_registry_proc_next(f->r, after));
	assert_int_equal(vn_registry_nproc(f->r), 4);
	for (int i = 0; i < 4; i++)
		vn_registry_proc_put(f->r, pids[i]);
}

static void remove_hook(void *ctx, struct vn_vif *gone, struct vn_vif *heir)
{
	vn_registry_vif_removed(ctx, 0, gone, heir);
}

static void removed_vif_hands_attachments_to_parent(void **state)
{
	struct fx *f = *state;
	vn_tree_set_remove_hook(f->t[0], remove_hook, f->r);
	assert_int_equal(vn_registry_proc_add(f->r, 800, 0, 1, NULL, NULL), 0);
	assert_int_equal(vn_registry_attach_proc(f->r, 800, f->ab, 0), 0);
	struct vn_flow fl = flow4(IPPROTO_TCP, 1, 1, 2, 2);
	assert_int_equal(vn_registry_sock_set(f->r, 800, 3, &fl), 0);
	assert_int_equal(vn_registry_attach_sock(f->r, 800, 3, f->ab, 0), 0);
	struct vn_vif *ab = f->ab;
	f->ab = NULL;
	assert_int_equal(vn_vif_remove(ab), 0);
	assert_ptr_equal(vn_proc_vif(vn_registry_proc(f->r, 800), 0), f->a);
	assert_ptr_equal(vn_registry_lookup(f->r, 0, &fl, 1, NULL, NULL), f->a);
	vn_registry_proc_put(f->r, 800);
	/* the lingering flow of the closed socket moves too */
	assert_int_equal(vn_vif_remove(f->a), 0);
	assert_ptr_equal(vn_registry_lookup(f->r, 0, &fl, 1, NULL, NULL), vn_tree_root(f->t[0]));
}

/* An ICMP echo packet of 10.0.0.SRC -> 10.0.0.DST (type, identifier). */
static uint32_t mk_echo(uint8_t *b, uint8_t src, uint8_t dst, uint8_t type, uint16_t id)
{
	memset(b, 0, 28);
	b[0] = 0x45;
	b[3] = 28;
	b[8] = 64;
	b[9] = IPPROTO_ICMP;
	b[12] = 10; b[15] = src;
	b[16] = 10; b[19] = dst;
	b[20] = type;
	b[24] = (uint8_t)(id >> 8);
	b[25] = (uint8_t)id;
	return 28;
}

/* A ping (raw or ping socket) registered as (any, identifier) of ICMP:
 * its echo requests out and the replies in find it; a UDP socket on the
 * port of the same number is another flow, and so is another identifier. */
static void icmp_echo_flows_by_identifier(void **state)
{
	struct fx *f = *state;
	assert_int_equal(vn_registry_proc_add(f->r, 300, 1000, 1, "ping", NULL), 0);
	assert_int_equal(vn_registry_proc_add(f->r, 301, 1000, 1, "dns", NULL), 0);
	assert_int_equal(vn_registry_attach_proc(f->r, 300, f->a, 1000), 0);
	assert_int_equal(vn_registry_attach_proc(f->r, 301, f->ab, 1000), 0);
	struct vn_flow ping = flow4(IPPROTO_ICMP, 0, 0x27eb, 0, 0), udp = flow4(IPPROTO_UDP, 0, 0x27eb, 0, 0);
	memset(ping.laddr, 0, sizeof ping.laddr);
	memset(udp.laddr, 0, sizeof udp.laddr);
	assert_int_equal(vn_registry_sock_set(f->r, 300, 3, &ping), 0);
	assert_int_equal(vn_registry_sock_set(f->r, 301, 4, &udp), 0);
	uint8_t b[64];
	struct vn_flow fl;
	pid_t pid = 0;
	int fd = -1;
	uint32_t n = mk_echo(b, 1, 2, 8, 0x27eb);          /* request out */
	assert_int_equal(vd_parse_flow(b, n, VN_EGRESS, &fl), 0);
	assert_ptr_equal(vn_registry_lookup(f->r, 0, &fl, 0, &pid, &fd), f->a);
	assert_int_equal(pid, 300);
	assert_int_equal(fd, 3);
	n = mk_echo(b, 2, 1, 0, 0x27eb);                   /* reply in */
	assert_int_equal(vd_parse_flow(b, n, VN_INGRESS, &fl), 0);
	assert_ptr_equal(vn_registry_lookup(f->r, 0, &fl, 0, &pid, NULL), f->a);
	assert_int_equal(pid, 300);
	n = mk_echo(b, 2, 1, 0, 0x27ec);                   /* another ping's reply */
	assert_int_equal(vd_parse_flow(b, n, VN_INGRESS, &fl), 0);
	assert_null(vn_registry_lookup(f->r, 0, &fl, 0, NULL, NULL));
	struct vn_flow u = flow4(IPPROTO_UDP, 1, 0x27eb, 2, 53);
	assert_ptr_equal(vn_registry_lookup(f->r, 0, &u, 0, &pid, NULL), f->ab);
	assert_int_equal(pid, 301);
	/* an ICMPv6 flow of that identifier is not the ICMP one */
	struct vn_flow v6 = ping;
	v6.family = AF_INET6;
	v6.proto = IPPROTO_ICMPV6;
	assert_null(vn_registry_lookup(f->r, 0, &v6, 0, NULL, NULL));
}

static void flow_hash_reads_every_byte(void **state)
{
	(void)state;
	struct vn_flow k = flow4(IPPROTO_UDP, 1, 4000, 2, 53);
	uint64_t h = vd_flow_hash(&k, 0);
	assert_int_equal(vd_flow_hash(&k, 0), h);
	assert_true(vd_flow_hash(&k, 1) != h);
	for (size_t i = 0; i < sizeof k; i++)
		for (unsigned bit = 0; bit < 8; bit++) {
			struct vn_flow m = k;
			((uint8_t *)&m)[i] ^= (uint8_t)(1u << bit);
			assert_true(vd_flow_hash(&m, 0) != h);
		}
	/* 4096 flows of one host pair, by source port, over 1024 slots (the
	 * sock_diag cache's): a random spread fills ~1005 */
	static bool used[1024];
	unsigned n = 0;
	for (unsigned port = 30000; port < 30000 + 4096; port++) {
		struct vn_flow f = flow4(IPPROTO_UDP, 1, (uint16_t)port, 2, 53);
		uint64_t s = vd_flow_hash(&f, 0) & 1023;
		n += !used[s];
		used[s] = true;
	}
	assert_true(n > 950);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(process_defaults_to_root_and_refcounts, setup, teardown),
		cmocka_unit_test_setup_teardown(rule3_only_down_and_only_own_uid, setup, teardown),
		cmocka_unit_test_setup_teardown(rule2_child_inherits_parent, setup, teardown),
		cmocka_unit_test_setup_teardown(sockets_follow_process_until_attached, setup, teardown),
		cmocka_unit_test_setup_teardown(detach_returns_to_the_default_and_follows, setup, teardown),
		cmocka_unit_test_setup_teardown(gid_is_kept, setup, teardown),
		cmocka_unit_test_setup_teardown(lookup_exact_then_bound_then_wildcard, setup, teardown),
		cmocka_unit_test_setup_teardown(icmp_echo_flows_by_identifier, setup, teardown),
		cmocka_unit_test_setup_teardown(closed_flows_linger_then_expire, setup, teardown),
		cmocka_unit_test_setup_teardown(rebinding_moves_the_flow_and_dup_shares_it, setup, teardown),
		cmocka_unit_test_setup_teardown(process_iteration_in_pid_order, setup, teardown),
		cmocka_unit_test_setup_teardown(removed_vif_hands_attachments_to_parent, setup, teardown),
		cmocka_unit_test(flow_hash_reads_every_byte),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
