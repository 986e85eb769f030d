/* vn_param — the exact text forms of VIF parameters (SPEC section 5).
 *
 * Parsers accept what a shell user writes (`echo 4Mbps > bandwidth`: one value,
 * optional surrounding blanks and one trailing newline) and return -EINVAL for
 * anything else. Formatters produce what reads show, without a newline. */
#ifndef VN_PARAM_H
#define VN_PARAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VN_BW_UNLIMITED UINT64_MAX
#define VN_BW_MAX 1000000000000000ull   /* 1 Pbit/s: larger values are refused */

/* "unlimited", "0", "1000000", "512K", "1.5M", "4Mbps", "8192Kbit", "10Gbit/s".
 * SI multipliers k/K=1e3, m/M=1e6, g/G=1e9, t/T=1e12; units bps, bit, bits,
 * bit/s, b/s. The value must come out a whole number of bits per second. */
int vn_bw_parse(const char *text, uint64_t *bps);
/* "unlimited" or the integer bits/s. Returns the length written (snprintf). */
int vn_bw_format(uint64_t bps, char *buf, size_t n);

enum vn_type { VN_TYPE_FIFO = 0, VN_TYPE_WFQ, VN_TYPE_PQ, VN_TYPE_BLOCK, VN_TYPE_VIFLET, VN_NTYPES };
int vn_type_parse(const char *text, enum vn_type *t);   /* viflet is not writable */
const char *vn_type_name(enum vn_type t);

/* A decimal integer in [min, max]. */
int vn_uint_parse(const char *text, uint64_t min, uint64_t max, uint64_t *out);

#define VN_WEIGHT_MIN 1
#define VN_WEIGHT_MAX 65535
#define VN_PRIO_MAX 7
#define VN_QLIMIT_MAX 1000000
#define VN_QLIMIT_DEFAULT 1000

/* VIF names: [A-Za-z0-9_.-]{1,63}, not "." or "..", not a parameter file name. */
#define VN_NAME_MAX 63
bool vn_name_valid(const char *name);
/* Is name one of the parameter files of a VIF directory? */
bool vn_name_is_param(const char *name);
extern const char *const vn_param_files[];   /* NULL-terminated, SPEC order */

#endif
