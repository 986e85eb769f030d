/* Text forms of VIF parameters. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "vn_param.h"

const char *const vn_param_files[] = {
	"bandwidth", "type", "weight", "priority", "qlimit", "stat",
	"filter", "port", "viflet", "conf", "log", NULL,
};

/* Trim blanks around text into buf; one value only. -EINVAL if empty or too long. */
static int trimmed(const char *text, char *buf, size_t n)
{
	while (*text == ' ' || *text == '\t')
		text++;
	size_t len = strlen(text);
	while (len && (text[len - 1] == '\n' || text[len - 1] == ' ' || text[len - 1] == '\t' ||
		       text[len - 1] == '\r'))
		len--;
	if (len == 0 || len >= n)
		return -EINVAL;
	memcpy(buf, text, len);
	buf[len] = '\0';
	for (size_t i = 0; i < len; i++)
		if (!isgraph((unsigned char)buf[i]))
			return -EINVAL;
	return 0;
}

int vn_bw_parse(const char *text, uint64_t *bps)
{
	char s[64];
	if (!text || trimmed(text, s, sizeof(s)) < 0)
		return -EINVAL;
	if (strcasecmp(s, "unlimited") == 0) {
		*bps = VN_BW_UNLIMITED;
		return 0;
	}
	/* Decimal number with at most 12 fraction digits, kept exact as
	 * mant / 10^scale. */
	const char *p = s;
	uint64_t mant = 0;
	unsigned scale = 0, digits = 0;
	bool dot = false;
	for (; *p; p++) {
		if (*p >= '0' && *p <= '9') {
			if (mant > (UINT64_MAX - 9) / 10)
				return -EINVAL;
			mant = mant * 10 + (uint64_t)(*p - '0');
			digits++;
			if (dot && ++scale > 12)
				return -EINVAL;
		} else if (*p == '.' && !dot) {
			dot = true;
		} else {
			break;
		}
	}
	if (digits == 0 || (dot && scale == 0))
		return -EINVAL;
	uint64_t mult = 1;
	switch (*p) {
	case 'k': case 'K': mult = 1000ull; p++; break;
	case 'm': case 'M': mult = 1000000ull; p++; break;
	case 'g': case 'G': mult = 1000000000ull; p++; break;
	case 't': case 'T': mult = 1000000000000ull; p++; break;
	default: break;
	}
	static const char *const units[] = { "", "bps", "bit", "bits", "bit/s", "b/s", "bits/s", NULL };
	bool unit_ok = false;
	for (int i = 0; units[i]; i++)
		if (strcasecmp(p, units[i]) == 0)
			unit_ok = true;
	if (!unit_ok)
		return -EINVAL;
	/* value = mant * mult / 10^scale, which must be a whole number. */
	unsigned __int128 v = (unsigned __int128)mant * mult;
	uint64_t pow10 = 1;
	for (unsigned i = 0; i < scale; i++)
		pow10 *= 10;
	if (v % pow10)
		return -EINVAL;
	v /= pow10;
	if (v > VN_BW_MAX)
		return -EINVAL;
	*bps = (uint64_t)v;
	return 0;
}

int vn_bw_format(uint64_t bps, char *buf, size_t n)
{
	if (bps == VN_BW_UNLIMITED)
		return snprintf(buf, n, "unlimited");
	return snprintf(buf, n, "%llu", (unsigned long long)bps);
}

static const char *const type_names[VN_NTYPES] = {
	[VN_TYPE_FIFO] = "fifo", [VN_TYPE_WFQ] = "wfq", [VN_TYPE_PQ] = "pq",
	[VN_TYPE_BLOCK] = "block", [VN_TYPE_VIFLET] = "viflet",
};

int vn_type_parse(const char *text, enum vn_type *t)
{
	char s[16];
	if (!text || trimmed(text, s, sizeof(s)) < 0)
		return -EINVAL;
	for (int i = 0; i < VN_NTYPES; i++) {
		if (i == VN_TYPE_VIFLET)
			continue;     /* set by loading a VIFlet, not by writing */
		if (strcmp(s, type_names[i]) == 0) {
			*t = (enum vn_type)i;
			return 0;
		}
	}
	return -EINVAL;
}

const char *vn_type_name(enum vn_type t)
{
	return (unsigned)t < VN_NTYPES ? type_names[t] : "?";
}

int vn_uint_parse(const char *text, uint64_t min, uint64_t max, uint64_t *out)
{
	char s[32];
	if (!text || trimmed(text, s, sizeof(s)) < 0)
		return -EINVAL;
	uint64_t v = 0;
	for (const char *p = s; *p; p++) {
		if (*p < '0' || *p > '9')
			return -EINVAL;
		if (v > (UINT64_MAX - 9) / 10)
			return -EINVAL;
		v = v * 10 + (uint64_t)(*p - '0');
	}
	if (v < min || v > max)
		return -EINVAL;
	*out = v;
	return 0;
}

bool vn_name_is_param(const char *name)
{
	for (int i = 0; vn_param_files[i]; i++)
		if (strcmp(name, vn_param_files[i]) == 0)
			return true;
	return false;
}

bool vn_name_valid(const char *name)
{
	size_t n = name ? strlen(name) : 0;
	if (n == 0 || n > VN_NAME_MAX)
		return false;
	if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = name[i];
		if (!(isalnum((unsigned char)c) || c == '_' || c == '.' || c == '-'))
			return false;
	}
	return !vn_name_is_param(name);
}
