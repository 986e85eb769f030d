/* libFuzzer target: what an nnfs user can write. The first byte picks a
 * parameter row (write to a fresh VIF) or the link parser; a rejected write
 * must leave every value as it was, an accepted one must read back, and a
 * parsed link target must re-format to a path that parses the same. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nn_link.h"
#include "nn_params.h"
#include "vn_vif.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Every value of v but its log (a refused filter or VIFlet says why there). */
static void snapshot(const struct vn_vif *v, char *out, size_t n)
{
	size_t used = 0;
	for (unsigned i = 0; i < nn_nrows && used < n; i++) {
		if (strcmp(nn_rows[i].name, "log") == 0)
			continue;
		int r = nn_rows[i].read(&nn_rows[i], v, out + used, n - used);
		if (r < 0 || (size_t)r >= n - used)
			abort();
		used += (size_t)r;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	unsigned sel = data[0];
	data++;
	size--;

	if (sel % (nn_nrows + 1) == nn_nrows) {        /* a link target */
		char text[NN_LINK_MAX], ifn[64], path[NN_LINK_MAX], again[NN_LINK_MAX];
		char ifn2[64], path2[NN_LINK_MAX];
		if (size >= sizeof text)
			size = sizeof text - 1;
		memcpy(text, data, size);
		text[size] = '\0';
		unsigned up = (sel >> 5) & 3;
		if (nn_link_parse(text, up, "/mnt", ifn, sizeof ifn, path, sizeof path) == 0) {
			int n = nn_link_format(again, sizeof again, up, ifn, path);
			if (n < 0)
				abort();
			if ((size_t)n < sizeof again &&
			    (nn_link_parse(again, up, "/mnt", ifn2, sizeof ifn2, path2, sizeof path2) != 0 ||
			     strcmp(ifn, ifn2) != 0 || strcmp(path, path2) != 0))
				abort();
		}
		return 0;
	}

	struct vn_tree *t = vn_tree_new("eth0");
	struct vn_vif *v;
	if (!t || vn_vif_create(vn_tree_root(t), "a", 0, 0, 0755, &v) != 0)
		abort();
	const struct nn_row *row = &nn_rows[sel % (nn_nrows + 1)];
	char before[4096], after[4096];
	snapshot(v, before, sizeof before);
	int r = row->write ? row->write(row, v, (const char *)data, size, 0) : -EACCES;
	snapshot(v, after, sizeof after);
	if (r != 0 && strcmp(before, after) != 0)
		abort();                                 /* a rejected write changed something */
	if (r == 0 && row - nn_rows <= NN_ROW_QLIMIT && (size == 0 || size > NN_TEXT_MAX))
		abort();                                 /* the one-write values (not conf, filter) */
	/* writes in pieces: the completeness rules read only the bytes given */
	if (row->incomplete)
		(void)row->incomplete((const char *)data, size);
	/* a value decided on the FUSE thread is decided as the write decides it */
	uint64_t val;
	if (row < nn_rows + nn_nrows && nn_row_memo((unsigned)(row - nn_rows)) &&
	    (nn_value_parse((unsigned)(row - nn_rows), (const char *)data, size, &val) == 0) != (r == 0))
		abort();
	vn_tree_free(t);
	return 0;
}
