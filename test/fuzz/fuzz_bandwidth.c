/* libFuzzer target: bandwidth and integer parsers. Accepted values format
 * back to text that parses to the same value. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vn_param.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char s[128];
	if (size >= sizeof(s))
		size = sizeof(s) - 1;
	memcpy(s, data, size);
	s[size] = '\0';
	uint64_t v = 12345, w = 0;
	if (vn_bw_parse(s, &v) == 0) {
		char buf[32];
		if (v != VN_BW_UNLIMITED && v > VN_BW_MAX)
			abort();
		vn_bw_format(v, buf, sizeof(buf));
		if (vn_bw_parse(buf, &w) != 0 || w != v)
			abort();
	} else if (v != 12345) {
		abort();   /* a rejected value leaves the output untouched */
	}
	vn_uint_parse(s, 1, 65535, &w);
	enum vn_type t;
	vn_type_parse(s, &t);
	vn_name_valid(s);
	return 0;
}
