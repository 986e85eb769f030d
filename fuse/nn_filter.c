/* The filter file of a VIF directory (SPEC section 7): writing a classic BPF
 * program (binary, `tcpdump -ddd` text or a pcap expression for the
 * interface's link type) validates, JIT-compiles and installs it; `none`
 * removes it; reading shows its size, JIT state, counters and scratch words.
 * Runs on the tree's thread, so the swap is a pointer store between packets. */
#include <errno.h>
#include <stdio.h>

#include "nn_filter.h"
#include "vn_bpf.h"
#include "vn_vif.h"

static void free_filter(void *ctx)
{
	vn_bpf_free(ctx);
}

/* The filter this file installed: its free function marks it (the hook is
 * each filter's own entry point, see nn_filter_write). */
static struct vn_bpf *current(const struct vn_vif *v)
{
	void *ctx;
	return vn_vif_filter(v, &ctx) && vn_vif_filter_free(v) == free_filter ? ctx : NULL;
}

int nn_filter_read(const struct nn_row *row, const struct vn_vif *v, char *buf, size_t n)
{
	(void)row;
	const struct vn_bpf *f = current(v);
	return f ? vn_bpf_format(f, buf, n) : snprintf(buf, n, "none\n");
}

int nn_filter_write(const struct nn_row *row, struct vn_vif *v, const char *buf, size_t len,
		    vn_time_t now)
{
	(void)row;
	(void)now;
	struct vn_bpf *old = current(v), *f = NULL;
	if (vn_bpf_is_none(buf, len)) {
		vn_vif_set_filter(v, NULL, NULL);
		vn_bpf_free(old);
		return 0;
	}
	char err[256];
	int rc = vn_bpf_load(buf, len, vn_tree_linktype(vn_vif_tree(v)), &f, err, sizeof(err));
	if (rc < 0) {
		char line[320];
		int k = snprintf(line, sizeof(line), "filter refused: %s\n", err);
		vn_vif_log(v, line, (size_t)k < sizeof(line) ? (size_t)k : sizeof(line) - 1);
		return rc == -ENOMEM ? -ENOMEM : -EINVAL;
	}
	/* the filter's own entry: a JIT-compiled one is called with no jump in between */
	vn_vif_set_filter(v, vn_bpf_hook(f), f);
	vn_vif_set_filter_free(v, free_filter);
	vn_bpf_free(old);
	return 0;
}
