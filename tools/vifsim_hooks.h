/* Optional modules vifsim can drive from a tree file (filter, viflet lines).
 * Each returns hooks for the modules this build has. */
#ifndef VIFSIM_HOOKS_H
#define VIFSIM_HOOKS_H

#include "vn_treefile.h"

struct vn_tf_hooks vifsim_hooks(void);
void vifsim_hooks_cleanup(void);

#endif
