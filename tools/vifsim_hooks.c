/* Hooks for tree-file lines handled by optional modules: `filter` lines load
 * a classic BPF filter (vn_bpf.h) onto the VIF. VIFlets plug in here when the
 * VM is wired to VIFs. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "vn_bpf.h"
#include "vifsim_hooks.h"

static struct vn_bpf **filters;
static size_t nfilters;

static int load_filter(void *ctx, struct vn_vif *v, const char *expr, int linktype, char *err, size_t errlen)
{
	(void)ctx;
	struct vn_bpf *f;
	struct vn_bpf **nf = realloc(filters, (nfilters + 1) * sizeof(*nf));
	if (!nf)
		return -ENOMEM;
	filters = nf;
	int rc = vn_bpf_load(expr, strlen(expr), linktype, &f, err, errlen);
	if (rc < 0)
		return rc;
	filters[nfilters++] = f;
	vn_vif_set_filter(v, vn_bpf_vif_hook, f);
	return 0;
}

struct vn_tf_hooks vifsim_hooks(void)
{
	struct vn_tf_hooks h = { .filter = load_filter };
	return h;
}

void vifsim_hooks_cleanup(void)
{
	for (size_t i = 0; i < nfilters; i++)
		vn_bpf_free(filters[i]);
	free(filters);
	filters = NULL;
	nfilters = 0;
}
