/* Unit tests of nnfs's pure parts: inode numbers, link text, protection
 * decisions and the parameter-file table (no mount needed). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "nn_ino.h"
#include "nn_link.h"
#include "nn_memo.h"
#include "nn_params.h"
#include "nn_perm.h"
#include "vn_param.h"
#include "vn_vif.h"

/* ------------------------------------------------------------ inodes */

static void roundtrip(struct nn_node n)
{
	struct nn_node back;
	uint64_t ino = nn_ino_make(&n);
	assert_true(nn_ino_parse(ino, &back));
	assert_int_equal(back.kind, n.kind);
	assert_int_equal(back.tree, n.tree);
	assert_int_equal(back.row, n.row);
	assert_true(back.vif == n.vif);
	assert_int_equal(back.pid, n.pid);
	assert_int_equal(back.fd, n.fd);
}

static void inode_numbers_roundtrip_for_every_kind(void **state)
{
	(void)state;
	roundtrip((struct nn_node){.kind = NN_ROOT});
	roundtrip((struct nn_node){.kind = NN_NETWORK});
	roundtrip((struct nn_node){.kind = NN_VIF, .tree = 3, .vif = 1});
	roundtrip((struct nn_node){.kind = NN_VIF, .tree = 255, .vif = NN_VIFID_MAX});
	roundtrip((struct nn_node){.kind = NN_PARAM, .tree = 1, .row = 10, .vif = 77});
	roundtrip((struct nn_node){.kind = NN_PID, .pid = 4194304});
	roundtrip((struct nn_node){.kind = NN_PIDLINK, .tree = 2, .pid = 1234});
	roundtrip((struct nn_node){.kind = NN_SOCKS, .pid = 1});
	roundtrip((struct nn_node){.kind = NN_FD, .pid = 99, .fd = 1048576});
	roundtrip((struct nn_node){.kind = NN_FDLINK, .tree = 7, .pid = 99, .fd = 0});
	roundtrip((struct nn_node){.kind = NN_PENDING, .tree = 31, .pid = 99, .fd = 4});
	assert_int_equal(nn_ino_make(&(struct nn_node){.kind = NN_ROOT}), 1);
}

static void inode_numbers_are_distinct_and_bad_ones_refused(void **state)
{
	(void)state;
	struct nn_node n;
	uint64_t a = nn_ino_make(&(struct nn_node){.kind = NN_VIF, .tree = 0, .vif = 5});
	uint64_t b = nn_ino_make(&(struct nn_node){.kind = NN_PARAM, .tree = 0, .vif = 5});
	uint64_t c = nn_ino_make(&(struct nn_node){.kind = NN_VIF, .tree = 1, .vif = 5});
	uint64_t d = nn_ino_make(&(struct nn_node){.kind = NN_PID, .pid = 5});
	assert_true(a != b && a != c && a != d && b != c && b != d && c != d);
	assert_false(nn_ino_parse(0, &n));
	assert_false(nn_ino_parse(2, &n));
	assert_false(nn_ino_parse(0xff00000000000000ull, &n));
	/* a VIF id of 0 or a PID of 0 is never handed out */
	assert_false(nn_ino_parse((uint64_t)(NN_VIF + 1) << 56, &n));
	assert_false(nn_ino_parse((uint64_t)(NN_PID + 1) << 56, &n));
}

/* -------------------------------------------------------------- links */

static void link_targets_relative_and_absolute(void **state)
{
	(void)state;
	char ifn[64], path[256];

	assert_int_equal(nn_link_parse("../network/eth0/a/b", 1, "/mnt", ifn, sizeof ifn, path,
				       sizeof path), 0);
	assert_string_equal(ifn, "eth0");
	assert_string_equal(path, "a/b");
	assert_int_equal(nn_link_parse("../network/eth0", 1, NULL, ifn, sizeof ifn, path,
				       sizeof path), 0);
	assert_string_equal(path, ".");
	assert_int_equal(nn_link_parse("../../../network/fxp0/5/", 3, NULL, ifn, sizeof ifn,
				       path, sizeof path), 0);
	assert_string_equal(ifn, "fxp0");
	assert_string_equal(path, "5");
	assert_int_equal(nn_link_parse("/mnt/network/eth0/./a//b", 1, "/mnt", ifn, sizeof ifn,
				       path, sizeof path), 0);
	assert_string_equal(path, "a/b");
}

static void link_targets_that_are_refused(void **state)
{
	(void)state;
	char ifn[64], path[256];
#define BAD(t, up, mnt) assert_int_equal(nn_link_parse(t, up, mnt, ifn, sizeof ifn, path, \
							   sizeof path), -EINVAL)
	BAD("network/eth0/a", 1, NULL);          /* too few .. */
	BAD("../../network/eth0/a", 1, NULL);    /* too many */
	BAD("../network/eth0/a", 3, NULL);
	BAD("../netwrk/eth0", 1, NULL);
	BAD("../network", 1, NULL);              /* no interface */
	BAD("../network/eth0/../eth1", 1, NULL); /* no .. inside */
	BAD("/other/network/eth0", 1, "/mnt");   /* absolute, not under the mount */
	BAD("/mntx/network/eth0", 1, "/mnt");
	BAD("/mnt/network/eth0", 1, NULL);
	BAD("", 1, NULL);
#undef BAD
	assert_int_equal(nn_link_parse("../network/eth0/a", 1, NULL, ifn, 3, path, sizeof path),
			 -ENAMETOOLONG);
}

static void link_text_is_relative(void **state)
{
	(void)state;
	char buf[128];
	assert_int_equal(nn_link_format(buf, sizeof buf, 1, "eth0", "a/b"), 19);
	assert_string_equal(buf, "../network/eth0/a/b");
	nn_link_format(buf, sizeof buf, 3, "eth0", ".");
	assert_string_equal(buf, "../../../network/eth0");
	/* snprintf semantics */
	assert_int_equal(nn_link_format(buf, 4, 1, "eth0", "a"), 17);
	assert_int_equal(strlen(buf), 3);
}

/* ------------------------------------------------------- protection */

static struct nn_cred cred(uid_t uid, gid_t gid)
{
	return (struct nn_cred){.uid = uid, .gid = gid, .ngroups = -1};
}

static void mode_bits_owner_group_other(void **state)
{
	(void)state;
	struct nn_cred root = cred(0, 0), alice = cred(1000, 1000), bob = cred(1001, 1001);
	/* a VIF of alice's, 0755 */
	assert_int_equal(nn_perm_mode(&root, 1000, 1000, 0000, W_OK | X_OK), 0);
	assert_int_equal(nn_perm_mode(&alice, 1000, 1000, 0755, W_OK | X_OK), 0);
	assert_int_equal(nn_perm_mode(&bob, 1000, 1000, 0755, R_OK | X_OK), 0);
	assert_int_equal(nn_perm_mode(&bob, 1000, 1000, 0755, W_OK), -EACCES);
	/* the owner class applies to the owner even when others have more */
	assert_int_equal(nn_perm_mode(&alice, 1000, 1000, 0577, W_OK), -EACCES);
	/* delegation to the group with chmod g+w */
	struct nn_cred carol = cred(1002, 1000);
	assert_int_equal(nn_perm_mode(&carol, 1000, 1000, 0775, W_OK | X_OK), 0);
	assert_int_equal(nn_perm_mode(&carol, 1000, 1000, 0755, W_OK), -EACCES);
}

static void supplementary_groups_only_fetched_when_they_matter(void **state)
{
	(void)state;
	struct nn_cred dave = cred(1003, 1003);
	/* group and other bits agree: no need to know dave's groups */
	assert_int_equal(nn_perm_mode(&dave, 1000, 50, 0755, W_OK), -EACCES);
	assert_int_equal(nn_perm_mode(&dave, 1000, 50, 0777, W_OK), 0);
	/* they differ: ask for the groups */
	assert_int_equal(nn_perm_mode(&dave, 1000, 50, 0775, W_OK), NN_NEED_GROUPS);
	dave.ngroups = 2;
	dave.groups[0] = 7;
	dave.groups[1] = 50;
	assert_int_equal(nn_perm_mode(&dave, 1000, 50, 0775, W_OK), 0);
	dave.groups[1] = 51;
	assert_int_equal(nn_perm_mode(&dave, 1000, 50, 0775, W_OK), -EACCES);
}

static void file_modes_follow_the_directory(void **state)
{
	(void)state;
	assert_int_equal(nn_file_mode(0666, 0755), 0644);
	assert_int_equal(nn_file_mode(0666, 0775), 0664);
	assert_int_equal(nn_file_mode(0666, 0700), 0600);
	assert_int_equal(nn_file_mode(0444, 0777), 0444);
	assert_int_equal(nn_file_mode(0666, 0711), 0600);
}

static void chmod_by_owner_chown_by_root(void **state)
{
	(void)state;
	struct nn_cred root = cred(0, 0), alice = cred(1000, 1000), bob = cred(1001, 1001);
	assert_int_equal(nn_perm_chmod(&alice, 1000), 0);
	assert_int_equal(nn_perm_chmod(&bob, 1000), -EPERM);
	assert_int_equal(nn_perm_chmod(&root, 1000), 0);
	assert_int_equal(nn_perm_chown(&root, 1000, 1000, 1001, 1001), 0);
	assert_int_equal(nn_perm_chown(&alice, 1000, 1000, 1001, (gid_t)-1), -EPERM);
	assert_int_equal(nn_perm_chown(&alice, 1000, 1000, 1000, (gid_t)-1), 0);   /* no change */
	assert_int_equal(nn_perm_chown(&bob, 1000, 1000, (uid_t)-1, 1001), -EPERM);
	/* the owner may give the VIF to one of his groups, not to another */
	alice.ngroups = 1;
	alice.groups[0] = 60;
	assert_int_equal(nn_perm_chown(&alice, 1000, 1000, (uid_t)-1, 60), 0);
	assert_int_equal(nn_perm_chown(&alice, 1000, 1000, (uid_t)-1, 61), -EPERM);
	alice.ngroups = -1;
	assert_int_equal(nn_perm_chown(&alice, 1000, 1000, (uid_t)-1, 61), NN_NEED_GROUPS);
}

static void attach_only_down_and_only_by_own_uid(void **state)
{
	(void)state;
	struct vn_tree *t = vn_tree_new("eth0");
	struct vn_vif *root = vn_tree_root(t), *a, *b, *c;
	assert_int_equal(vn_vif_create(root, "a", 0, 0, 0755, &a), 0);
	assert_int_equal(vn_vif_create(a, "b", 0, 0, 0755, &b), 0);
	assert_int_equal(vn_vif_create(root, "c", 0, 0, 0755, &c), 0);
	struct nn_cred root_c = cred(0, 0), alice = cred(1000, 1000), bob = cred(1001, 1001);

	assert_int_equal(nn_perm_attach(&alice, 1000, a, a), 0);         /* where it is */
	assert_int_equal(nn_perm_attach(&alice, 1000, a, b), 0);         /* down */
	assert_int_equal(nn_perm_attach(&alice, 1000, root, b), 0);
	assert_int_equal(nn_perm_attach(&alice, 1000, b, a), -EACCES);   /* up */
	assert_int_equal(nn_perm_attach(&alice, 1000, a, c), -EACCES);   /* sideways */
	assert_int_equal(nn_perm_attach(&bob, 1000, a, b), -EPERM);      /* not his */
	assert_int_equal(nn_perm_attach(&root_c, 1000, b, c), 0);        /* root: all */

	assert_int_equal(nn_perm_detach(&alice, 1000, true), 0);         /* socket */
	assert_int_equal(nn_perm_detach(&alice, 1000, false), -EPERM);   /* process: up */
	assert_int_equal(nn_perm_detach(&bob, 1000, true), -EPERM);
	assert_int_equal(nn_perm_detach(&root_c, 1000, false), 0);
	vn_tree_free(t);
}

/* ------------------------------------------------- parameter table */

static struct vn_tree *tree;
static struct vn_vif *vif;

static int setup(void **state)
{
	(void)state;
	tree = vn_tree_new("eth0");
	return vn_vif_create(vn_tree_root(tree), "a", 0, 0, 0755, &vif);
}

static int teardown(void **state)
{
	(void)state;
	vn_tree_free(tree);
	return 0;
}

static const struct nn_row *row(const char *name)
{
	int i = nn_row_find(name);
	assert_true(i >= 0);
	return &nn_rows[i];
}

static const char *read_row(const char *name)
{
	static char buf[512];
	const struct nn_row *r = row(name);
	int n = r->read(r, vif, buf, sizeof buf);
	assert_true(n >= 0 && (size_t)n < sizeof buf);
	return buf;
}

static int write_row(const char *name, const char *text)
{
	const struct nn_row *r = row(name);
	return r->write ? r->write(r, vif, text, strlen(text), 0) : -EACCES;
}

static void table_lists_every_file_of_the_spec_in_order(void **state)
{
	(void)state;
	unsigned i = 0;
	for (; vn_param_files[i]; i++) {
		assert_true(i < nn_nrows);
		assert_string_equal(nn_rows[i].name, vn_param_files[i]);
		assert_non_null(nn_rows[i].read);
	}
	assert_int_equal(i, nn_nrows);
	assert_int_equal(nn_row_find("nosuch"), -1);
	assert_null(row("stat")->write);
	assert_null(row("log")->write);
}

static void values_read_back_in_their_text_form(void **state)
{
	(void)state;
	assert_string_equal(read_row("bandwidth"), "unlimited\n");
	assert_int_equal(write_row("bandwidth", "4Mbps\n"), 0);
	assert_string_equal(read_row("bandwidth"), "4000000\n");
	assert_int_equal(write_row("bandwidth", "1.5M"), 0);
	assert_string_equal(read_row("bandwidth"), "1500000\n");
	assert_int_equal(write_row("type", "wfq\n"), 0);
	assert_string_equal(read_row("type"), "wfq\n");
	assert_int_equal(write_row("weight", "66\n"), 0);
	assert_string_equal(read_row("weight"), "66\n");
	assert_int_equal(write_row("priority", "7"), 0);
	assert_string_equal(read_row("priority"), "7\n");
	assert_int_equal(write_row("qlimit", "50\n"), 0);
	assert_string_equal(read_row("qlimit"), "50\n");
	const char *st = read_row("stat");
	for (const char *k = "out_packets\0out_bytes\0in_packets\0in_bytes\0drops\0queued\0"; *k;
	     k += strlen(k) + 1)
		assert_non_null(strstr(st, k));
}

static void every_bad_write_leaves_the_value(void **state)
{
	(void)state;
	static const char *const bad[] = {
		"garbage\n", "-5\n", "99999999999999999999999\n", "\n", "", "4Mbps 5\n",
		"1.5.5M", "0x10",
		"1111111111111111111111111111111111111111111111111111111111111111111111\n",
	};
	static const char *const files[] = {"bandwidth", "type", "weight", "priority", "qlimit"};
	assert_int_equal(write_row("bandwidth", "512K"), 0);
	assert_int_equal(write_row("weight", "3"), 0);
	for (size_t f = 0; f < sizeof files / sizeof files[0]; f++) {
		char before[128];
		snprintf(before, sizeof before, "%s", read_row(files[f]));
		for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
			assert_int_equal(write_row(files[f], bad[i]), -EINVAL);
			assert_string_equal(read_row(files[f]), before);
		}
		/* binary: a NUL in the middle */
		const struct nn_row *r = row(files[f]);
		assert_int_equal(r->write(r, vif, "1\0002", 3, 0), -EINVAL);
		assert_string_equal(read_row(files[f]), before);
	}
	assert_int_equal(write_row("weight", "0"), -EINVAL);        /* out of range */
	assert_int_equal(write_row("weight", "65536"), -EINVAL);
	assert_int_equal(write_row("priority", "8"), -EINVAL);
	assert_int_equal(write_row("type", "viflet"), -EINVAL);     /* only by loading one */
	assert_string_equal(read_row("weight"), "3\n");
	assert_string_equal(read_row("bandwidth"), "512000\n");
}

static void later_features_read_empty_and_refuse_writes(void **state) /* and viflet/conf/log */
{
	(void)state;
	assert_string_equal(read_row("filter"), "none\n");
	assert_string_equal(read_row("viflet"), "none\n");
	assert_string_equal(read_row("port"), "");
	assert_string_equal(read_row("conf"), "");
	assert_string_equal(read_row("log"), "");
	assert_int_equal(write_row("filter", "tcp port banana\n"), -EINVAL);
	assert_string_equal(read_row("filter"), "none\n");
	assert_int_equal(write_row("filter", "tcp\n"), 0);
	assert_true(strncmp(read_row("filter"), "none", 4) != 0);
	assert_int_equal(write_row("filter", "none\n"), 0);
	assert_string_equal(read_row("filter"), "none\n");
	assert_int_equal(write_row("viflet", "x"), -EINVAL);       /* not a class file */
	assert_string_equal(read_row("viflet"), "none\n");
	/* port is a stream (nn_port.c serves its opens), never a value */
	assert_true(nn_rows[nn_row_find("port")].stream);
	assert_int_equal(write_row("port", "x"), -EINVAL);
	assert_int_equal(write_row("conf", "a b\n"), -EINVAL);
	assert_int_equal(write_row("conf", "a=b\n"), 0);
	assert_string_equal(read_row("conf"), "a=b\n");
	assert_int_equal(write_row("log", "x"), -EACCES);
	assert_int_equal(write_row("stat", "x"), -EACCES);
}

/* nn_accum: which texts wait for more writes (or close) and which are
 * judged at once. */
static void multi_write_values_wait_until_whole(void **state)
{
	(void)state;
	static const char bin[8] = {0x06, 0, 0, 0, 0, 0, 0, 0};
	const struct nn_row *f = row("filter"), *c = row("conf"), *vl = row("viflet");
#define INC(r, s) (r)->incomplete((s), sizeof(s) - 1)
	/* -ddd: until the count is reached, and the last line ended */
	assert_true(INC(f, "4\n"));
	assert_true(INC(f, "4\n40 0 0 12\n21 0 1 2048\n6 0 0 262144\n"));
	assert_false(INC(f, "4\n40 0 0 12\n21 0 1 2048\n6 0 0 262144\n6 0 0 0\n"));
	assert_true(INC(f, "2\n40 0 0 12\n6 0"));
	assert_false(INC(f, "1\n6 0 0 0\n6 0 0 0\n"));         /* too many: refused at once */
	assert_false(INC(f, "99999\n"));                         /* count out of range */
	/* -dd: until a return ends it */
	assert_true(INC(f, "{ 0x28, 0, 0, 0x0000000c },\n"));
	assert_false(INC(f, "{ 0x28, 0, 0, 0x0000000c },\n{ 0x6, 0, 0, 0x00040000 },\n"));
	/* expressions, binary programs: whole at every write */
	assert_false(INC(f, "tcp port 80\n"));
	assert_false(INC(f, "ret #0 garbage"));
	assert_false(f->incomplete(bin, 6));
	assert_false(f->incomplete(bin, sizeof bin));
	/* conf: a line cut before its newline */
	assert_true(INC(c, "a=b\nc"));
	assert_false(INC(c, "a=b\nc=d\n"));
	assert_false(INC(c, "a b\n"));
	/* viflet: a class or a jar waits for close; anything else is judged */
	assert_true(INC(vl, "\xca\xfe\xba\xbe\0\0"));
	assert_true(INC(vl, "PK\x03\x04"));
	assert_false(INC(vl, "none\n"));
	assert_false(INC(vl, "not a class\n"));
#undef INC
	/* one-write values have no such rule */
	assert_null(row("bandwidth")->incomplete);
	assert_null(row("port")->incomplete);
}

/* nn_memo: what a lookup's call lists, what mkdir on the FUSE thread adds
 * (with a new VIF's values, as the core makes it), what rmdir drops. */
static void memo_mirrors_the_tree(void **state)
{
	(void)state;
	struct vn_tree *t = vn_tree_new("eth0");
	struct vn_vif *root = vn_tree_root(t), *a, *b;
	struct nn_memo m = {0};
	assert_int_equal(vn_vif_create(root, "a", 1000, 1000, 0750, &a), 0);
	assert_int_equal(vn_vif_create(a, "b", 1000, 1000, 0700, &b), 0);
	uint64_t g = vn_tree_gen(t);
	nn_memo_at(&m, g);
	assert_int_equal(nn_memo_list(&m, 0, root), 0);
	struct nn_mvif *er = nn_memo_vif(&m, 0, vn_vif_id(root)), *ea;
	assert_non_null(er);
	assert_true(er->listed);
	assert_int_equal(er->nchildren, 1);
	assert_non_null(ea = nn_memo_child(&m, 0, vn_vif_id(root), "a"));
	assert_int_equal(ea->id, vn_vif_id(a));
	assert_int_equal(ea->mode, 0750);
	assert_int_equal(ea->depth, 1);
	assert_false(ea->listed);           /* its child b is not in yet */
	assert_null(nn_memo_child(&m, 0, vn_vif_id(a), "b"));
	assert_null(nn_memo_child(&m, 0, vn_vif_id(root), "nosuch"));
	assert_int_equal(m.next_id[0], vn_tree_next_id(t));
	/* a VIF added as nnfs adds one agrees with the one the core makes */
	struct nn_mvif *ec = nn_memo_add(&m, er, m.next_id[0], "c", 7, 8, 0755);
	struct vn_vif *c;
	assert_int_equal(vn_vif_create(root, "c", 7, 8, 0755, &c), 0);
	assert_non_null(ec);
	assert_int_equal(ec->id, vn_vif_id(c));
	struct nn_memo fresh = {0};
	nn_memo_at(&fresh, 1);
	struct nn_mvif *real = nn_memo_put(&fresh, 0, c);
	assert_non_null(real);
	for (unsigned r = 0; r < 5; r++)
		if (nn_row_memo(r))
			assert_int_equal(ec->val[r], real->val[r]);
	assert_int_equal(real->depth, ec->depth);
	nn_memo_free(&fresh);
	/* the generation moves with every change of names, owners, modes */
	assert_true(vn_tree_gen(t) > g);
	g = vn_tree_gen(t);
	vn_vif_set_mode(a, 0700);
	assert_true(vn_tree_gen(t) > g);
	nn_memo_drop(&m, 0, ec->id);
	assert_null(nn_memo_child(&m, 0, vn_vif_id(root), "c"));
	assert_non_null(nn_memo_child(&m, 0, vn_vif_id(root), "a"));
	/* processes: their links follow a removed VIF up to its parent */
	struct nn_mproc *pr = nn_memo_proc_put(&m, 4242);
	assert_non_null(pr);
	assert_ptr_equal(nn_memo_proc(&m, 4242), pr);
	assert_null(nn_memo_proc(&m, 4243));
	pr->vif[0] = vn_vif_id(b);
	nn_memo_moved(&m, 0, vn_vif_id(b), vn_vif_id(a));
	assert_int_equal(pr->vif[0], vn_vif_id(a));
	nn_memo_moved(&m, 0, vn_vif_id(a), 0);       /* onto the root: no link */
	assert_int_equal(pr->vif[0], 0);
	nn_memo_at(&m, vn_tree_gen(t));     /* another generation: emptied */
	assert_null(nn_memo_vif(&m, 0, vn_vif_id(root)));
	assert_null(nn_memo_proc(&m, 4242));
	nn_memo_free(&m);
	vn_tree_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(memo_mirrors_the_tree),
		cmocka_unit_test(multi_write_values_wait_until_whole),
		cmocka_unit_test(inode_numbers_roundtrip_for_every_kind),
		cmocka_unit_test(inode_numbers_are_distinct_and_bad_ones_refused),
		cmocka_unit_test(link_targets_relative_and_absolute),
		cmocka_unit_test(link_targets_that_are_refused),
		cmocka_unit_test(link_text_is_relative),
		cmocka_unit_test(mode_bits_owner_group_other),
		cmocka_unit_test(supplementary_groups_only_fetched_when_they_matter),
		cmocka_unit_test(file_modes_follow_the_directory),
		cmocka_unit_test(chmod_by_owner_chown_by_root),
		cmocka_unit_test(attach_only_down_and_only_by_own_uid),
		cmocka_unit_test_setup_teardown(table_lists_every_file_of_the_spec_in_order, setup, teardown),
		cmocka_unit_test_setup_teardown(values_read_back_in_their_text_form, setup, teardown),
		cmocka_unit_test_setup_teardown(every_bad_write_leaves_the_value, setup, teardown),
		cmocka_unit_test_setup_teardown(later_features_read_empty_and_refuse_writes, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
