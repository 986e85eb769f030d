/* libFuzzer target: control messages. Each input is split at newlines into
 * requests; every request is parsed and, when well-formed, applied to a
 * registry the way the control server does (register, sock, dup, close,
 * attach). Nothing may crash, leak or break the registry's invariants. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ctlproto.h"
#include "vn_registry.h"
#include "vn_vif.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vn_tree *t = vn_tree_new("fz0");
	struct vn_vif *a;
	vn_vif_create(vn_tree_root(t), "a", 1000, 1000, 0755, &a);
	struct vn_registry *r = vn_registry_new(&t, 1);
	const pid_t me = 42;
	bool registered = false;
	size_t start = 0;
	for (size_t i = 0; i <= size; i++) {
		if (i < size && data[i] != '\n')
			continue;
		struct vd_req q;
		const char *why;
		char out[256];
		int rc = vd_ctl_parse((const char *)data + start, i - start, &q, &why);
		start = i + 1;
		if (rc) {
			vd_ctl_error(out, sizeof out, rc, why);
			continue;
		}
		switch (q.op) {
		case VD_OP_REGISTER:
			if (!registered && vn_registry_proc_add(r, me, 1000, q.ppid, q.comm, NULL) == 0)
				registered = true;
			break;
		case VD_OP_UNREGISTER:
			if (registered)
				vn_registry_proc_put(r, me);
			registered = false;
			break;
		case VD_OP_SOCK:
			vn_registry_sock_set(r, me, q.fd, q.has_flow ? &q.flow : NULL);
			if (q.has_flow) {
				vd_flow_format(&q.flow, out, sizeof out);
				vn_registry_lookup(r, 0, &q.flow, 1, NULL, NULL);
			}
			break;
		case VD_OP_DUP:
			vn_registry_sock_dup(r, me, q.fd, q.fd2);
			break;
		case VD_OP_CLOSE:
			vn_registry_sock_close(r, me, q.fd);
			break;
		case VD_OP_ATTACH: {
			struct vn_vif *v = vn_tree_lookup(t, q.path);
			if (v && q.fd >= 0)
				vn_registry_attach_sock(r, q.pid, q.fd, v, 1000);
			else if (v)
				vn_registry_attach_proc(r, q.pid, v, 1000);
			break;
		}
		default:
			break;
		}
		vn_registry_expire(r, 1);
	}
	vn_tree_free(t);
	vn_registry_free(r);
	return 0;
}
