/* libFuzzer target: the tree-file parser and applier. Any input is either
 * rejected with a message or builds a tree; nothing crashes or leaks. */
#include <pcap/pcap.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vn_treefile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	char err[512];
	struct vn_treefile *tf = vn_treefile_parse("fuzz", text, err, sizeof(err));
	if (tf) {
		struct vn_tree *t = vn_tree_new("fuzz0");
		struct vn_classifier *c = vn_classifier_new(DLT_RAW);
		struct vn_cidr loc[8];
		size_t n = 8;
		vn_treefile_apply(tf, t, c, DLT_RAW, NULL, loc, &n, err, sizeof(err));
		vn_classifier_free(c);
		vn_tree_free(t);
		vn_treefile_free(tf);
	} else if (!memchr(err, ':', sizeof(err))) {
		abort();   /* every rejection names file and line */
	}
	free(text);
	return 0;
}
