/* `match` rules run as native code: the classifier's engine (vn_classify.h)
 * built on the filter module's validator and JIT (vn_bpf.h). libpcap's
 * interpreter cost ~80 instructions per rule and packet; a JIT-compiled
 * rule a handful. Scratch memory persisting across packets (vn_bpf) does
 * not change a libpcap program's result: its code stores before it loads. */
#include "match.h"

#include "vn_bpf.h"

static int match_compile(const void *insns, size_t n, void **ctx)
{
	struct vn_bpf *f;
	int rc = vn_bpf_new(insns, n, 0, &f, NULL, 0);
	if (rc)
		return rc;
	*ctx = f;
	return 0;
}

static uint32_t match_run(void *ctx, const uint8_t *data, uint32_t caplen, uint32_t len)
{
	return vn_bpf_run(ctx, data, caplen, len);
}

static void match_release(void *ctx)
{
	vn_bpf_free(ctx);
}

const struct vn_classify_engine vd_match_engine = {
	.compile = match_compile,
	.run = match_run,
	.release = match_release,
};
