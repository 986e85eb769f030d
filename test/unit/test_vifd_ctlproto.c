/* The control protocol codec: every request form, and the malformed,
 * oversized and unknown ones refused with the right errno. */
#include <errno.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>

#include <cmocka.h>

#include "ctlproto.h"

static int parse(const char *m, struct vd_req *q)
{
	const char *why;
	return vd_ctl_parse(m, strlen(m), q, &why);
}

static void every_verb_parses(void **state)
{
	(void)state;
	struct vd_req q;
	assert_int_equal(parse("hello 1", &q), 0);
	assert_int_equal(q.op, VD_OP_HELLO);
	assert_int_equal(q.version, 1);
	assert_int_equal(parse("status\n", &q), 0);
	assert_int_equal(q.op, VD_OP_STATUS);
	assert_int_equal(parse("tree", &q), 0);
	assert_string_equal(q.ifname, "");
	assert_int_equal(parse("tree vna", &q), 0);
	assert_string_equal(q.ifname, "vna");
	assert_int_equal(parse("register 12 iperf3", &q), 0);
	assert_int_equal(q.op, VD_OP_REGISTER);
	assert_int_equal(q.ppid, 12);
	assert_string_equal(q.comm, "iperf3");
	assert_int_equal(parse("unregister", &q), 0);
	assert_int_equal(parse("ring", &q), 0);
	assert_int_equal(q.op, VD_OP_RING);
	assert_int_equal(parse("sync", &q), 0);
	assert_int_equal(q.op, VD_OP_SYNC);
	assert_int_equal(parse("ring 2", &q), -EINVAL);
	assert_int_equal(parse("procs", &q), 0);
	assert_int_equal(parse("sock 7", &q), 0);
	assert_int_equal(q.fd, 7);
	assert_false(q.has_flow);
	assert_int_equal(parse("sock 7 tcp 198.18.0.1 5201 198.18.0.2 40000", &q), 0);
	assert_true(q.has_flow);
	assert_int_equal(q.flow.family, AF_INET);
	assert_int_equal(q.flow.proto, IPPROTO_TCP);
	assert_int_equal(q.flow.lport, 5201);
	assert_int_equal(q.flow.rport, 40000);
	assert_int_equal(q.flow.laddr[0], 198);
	assert_int_equal(q.flow.raddr[3], 2);
	assert_int_equal(parse("sock 3 udp6 :: 53 :: 0", &q), -EINVAL);
	assert_int_equal(parse("sock 3 udp :: 53 :: 0", &q), 0);
	assert_int_equal(q.flow.family, AF_INET6);
	assert_int_equal(parse("sock 3 icmp6 fd00::1 7 fd00::2 0", &q), 0);
	assert_int_equal(q.flow.proto, IPPROTO_ICMPV6);
	assert_int_equal(parse("dup 3 9", &q), 0);
	assert_int_equal(q.fd2, 9);
	assert_int_equal(parse("close 3", &q), 0);
	assert_int_equal(parse("attach 55 vna a/b", &q), 0);
	assert_int_equal(q.pid, 55);
	assert_int_equal(q.fd, -1);
	assert_string_equal(q.path, "a/b");
	assert_int_equal(parse("attach 55 vna . 4", &q), 0);
	assert_int_equal(q.fd, 4);
	assert_int_equal(parse("set vna a bandwidth 5M", &q), 0);
	assert_int_equal(q.op, VD_OP_SET);
	assert_string_equal(q.key, "bandwidth");
	assert_string_equal(q.value, "5M");
	assert_int_equal(parse("mkvif vna a/c", &q), 0);
	assert_int_equal(q.op, VD_OP_MKVIF);
	assert_int_equal(parse("rmvif vna a/c", &q), 0);
	assert_int_equal(q.op, VD_OP_RMVIF);
}

static void malformed_requests_refused(void **state)
{
	(void)state;
	struct vd_req q;
	const char *bad[] = {
		"", " ", "hello", "hello x", "hello 1 2", "hello -1", "hello 01", "status now",
		"register", "register -3", "register 99999999999", "sock", "sock x", "sock 1 tcp",
		"sock 1 tcp 1.2.3.4 80 ::1 90", "sock 1 tcp 1.2.3.4 70000 1.2.3.5 90",
		"sock 1 sctp 1.2.3.4 1 1.2.3.5 2", "sock 1 icmp ::1 0 ::2 0", "sock 1 tcp 1.2.3 1 1.2.3.4 2",
		"dup 1", "close", "attach 1 vna", "attach 0 vna a", "attach 1 vna /a", "attach 1 vna a//b",
		"attach 1 vna a/", "attach 1 vna ..", "attach 1 v/na a", "attach 1 vna a x",
		"set vna a bandwidth", "set vna a nosuch 5", "mkvif vna .", "rmvif vna", "tree a b",
		"a b c d e f g h i j k l",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		int rc = parse(bad[i], &q);
		if (rc != -EINVAL)
			fail_msg("\"%s\" gave %d", bad[i], rc);
	}
	assert_int_equal(parse("frobnicate", &q), -ENOSYS);
	const char *why;
	assert_int_equal(vd_ctl_parse("hello\0 1", 8, &q, &why), -EINVAL);
	assert_int_equal(vd_ctl_parse("status\r\n", 8, &q, &why), -EINVAL);
}

static void oversized_requests_refused(void **state)
{
	(void)state;
	static char big[VD_CTL_MAX + 2];
	memset(big, 'a', sizeof big);
	struct vd_req q;
	const char *why;
	assert_int_equal(vd_ctl_parse(big, VD_CTL_MAX + 1, &q, &why), -EMSGSIZE);
	assert_string_equal(why, "message too long");
	/* exactly the limit is parsed (and found unknown) */
	assert_int_equal(vd_ctl_parse(big, VD_CTL_MAX, &q, &why), -ENOSYS);
}

static void errors_and_flows_format(void **state)
{
	(void)state;
	char buf[128];
	vd_ctl_error(buf, sizeof buf, -EACCES, "up or sideways");
	assert_string_equal(buf, "error EACCES up or sideways");
	vd_ctl_error(buf, sizeof buf, -EPERM, NULL);
	assert_string_equal(buf, "error EPERM Operation not permitted");
	assert_string_equal(vd_errno_name(12345), "E?");
	struct vd_req q;
	assert_int_equal(parse("sock 1 udp fd00::1 53 fd00::2 1000", &q), 0);
	vd_flow_format(&q.flow, buf, sizeof buf);
	assert_string_equal(buf, "udp fd00::1 53 fd00::2 1000");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_verb_parses),
		cmocka_unit_test(malformed_requests_refused),
		cmocka_unit_test(oversized_requests_refused),
		cmocka_unit_test(errors_and_flows_format),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
