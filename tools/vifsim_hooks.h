/* Optional modules vifsim drives from a tree file: `filter PATH EXPR` loads
 * a BPF filter, `viflet PATH FILE [start=S] [stop=S]` loads a VIFlet on the
 * VIF at S seconds into the trace (default: from the start) and unloads it at
 * the stop time (default: never). */
#ifndef VIFSIM_HOOKS_H
#define VIFSIM_HOOKS_H

#include "vn_treefile.h"

/* now: the replay's virtual clock, read by VIFlets. */
struct vn_tf_hooks vifsim_hooks(const vn_time_t *now);
/* Arm the VIFlet load/unload times once the trace's first time t0 is known. */
int vifsim_hooks_start(struct vn_tree *t, vn_time_t t0);
void vifsim_hooks_cleanup(void);

#endif
