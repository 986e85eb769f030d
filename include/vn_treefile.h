/* vn_treefile — the TREEFILE format of SPEC section 8, shared by vifsim and
 * `vifd --tree`:
 *
 *   # comment
 *   vif PATH key=value ...      create PATH (parents first) and set parameters
 *   match PATH <pcap expression>
 *   filter PATH <expression>
 *   viflet PATH FILE
 *   local CIDR
 *
 * PATH is relative to the root VIF ("." is the root). Parsing checks
 * everything (names, keys, values, parents declared first) before anything
 * is applied; errors read "FILE:LINE: what is wrong". */
#ifndef VN_TREEFILE_H
#define VN_TREEFILE_H

#include <stddef.h>

#include "vn_classify.h"
#include "vn_pcapio.h"
#include "vn_vif.h"

enum vn_tf_kind { VN_TF_VIF, VN_TF_MATCH, VN_TF_FILTER, VN_TF_VIFLET, VN_TF_LOCAL };

struct vn_tf_param {
	char key[16];
	char value[64];
};

struct vn_tf_line {
	enum vn_tf_kind kind;
	unsigned lineno;
	char path[256];          /* VIF path (vif, match, filter, viflet) */
	char *arg;               /* expression, file name or CIDR */
	struct vn_tf_param *params;
	size_t nparams;
};

struct vn_treefile {
	char *name;
	struct vn_tf_line *lines;
	size_t nlines;
};

/* Parse text (name is used in messages). NULL with err set on any error. */
struct vn_treefile *vn_treefile_parse(const char *name, const char *text, char *err, size_t errlen);
struct vn_treefile *vn_treefile_read(const char *path, char *err, size_t errlen);
void vn_treefile_free(struct vn_treefile *tf);

/* Hooks for lines handled by optional modules (filter, viflet). Return 0 or
 * -errno with a message in err. NULL: such lines are an error. */
struct vn_tf_hooks {
	int (*filter)(void *ctx, struct vn_vif *v, const char *expr, int linktype, char *err, size_t errlen);
	int (*viflet)(void *ctx, struct vn_vif *v, const char *file, char *err, size_t errlen);
	void *ctx;
};

/* Build the VIFs into tree, add match rules to cls (may be NULL: match
 * lines are then an error), collect local prefixes into locals (up to
 * *nlocals entries; *nlocals is set to how many). Owner of created VIFs is
 * root. On error nothing is guaranteed about the tree: callers apply a
 * tree file to a fresh tree only. */
int vn_treefile_apply(const struct vn_treefile *tf, struct vn_tree *tree, struct vn_classifier *cls,
		      int linktype, const struct vn_tf_hooks *hooks, struct vn_cidr *locals,
		      size_t *nlocals, char *err, size_t errlen);

#endif
