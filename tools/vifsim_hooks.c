/* Hooks for tree-file lines handled by optional modules. The filter module
 * (include/vn_bpf.h) and the VIFlet VM plug in here as they land. */
#include "vifsim_hooks.h"

struct vn_tf_hooks vifsim_hooks(void)
{
	struct vn_tf_hooks h = { 0 };
	return h;
}

void vifsim_hooks_cleanup(void)
{
}
