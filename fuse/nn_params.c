/* nn_params — the rows of a VIF directory (SPEC section 5). */
#include "nn_params.h"
#include "nn_filter.h"
#include "nn_viflet.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "vn_param.h"
#include "vn_port.h"
#include "vn_vif.h"

/* bandwidth type weight priority qlimit: the core's text interface, one
 * value per write, a trailing newline on read. */
static int text_read(const struct nn_row *row, const struct vn_vif *v, char *buf, size_t n)
{
	char val[NN_TEXT_MAX + 1];
	int r = vn_vif_param_get(v, row->name, val, sizeof val);
	if (r < 0)
		return r;
	return snprintf(buf, n, "%s\n", val);
}

static int text_write(const struct nn_row *row, struct vn_vif *v, const char *buf,
		      size_t len, vn_time_t now)
{
	char text[NN_TEXT_MAX + 1];
	if (len == 0 || len > NN_TEXT_MAX)
		return -EINVAL;
	if (memchr(buf, '\0', len))       /* binary garbage */
		return -EINVAL;
	memcpy(text, buf, len);
	text[len] = '\0';
	int r = vn_vif_param_set(v, row->name, text, now);
	return r == -ENOENT ? -EINVAL : r;
}

bool nn_row_memo(unsigned row)
{
	return row == NN_ROW_BANDWIDTH || row == NN_ROW_WEIGHT || row == NN_ROW_PRIORITY ||
	       row == NN_ROW_QLIMIT;
}

/* text_write's checks, then vn_vif_param_set's parser, without the VIF. */
int nn_value_parse(unsigned row, const char *buf, size_t len, uint64_t *val)
{
	char text[NN_TEXT_MAX + 1];
	if (!nn_row_memo(row) || len == 0 || len > NN_TEXT_MAX || memchr(buf, '\0', len))
		return -EINVAL;
	memcpy(text, buf, len);
	text[len] = '\0';
	int r;
	switch (row) {
	case NN_ROW_BANDWIDTH:
		r = vn_bw_parse(text, val);
		return r < 0 ? -EINVAL : 0;
	case NN_ROW_WEIGHT:
		r = vn_uint_parse(text, VN_WEIGHT_MIN, VN_WEIGHT_MAX, val);
		break;
	case NN_ROW_PRIORITY:
		r = vn_uint_parse(text, 0, VN_PRIO_MAX, val);
		break;
	default:
		r = vn_uint_parse(text, 1, VN_QLIMIT_MAX, val);
		break;
	}
	return r < 0 ? -EINVAL : 0;
}

int nn_value_format(unsigned row, uint64_t val, char *buf, size_t n)
{
	char v[NN_TEXT_MAX + 1];
	if (row == NN_ROW_BANDWIDTH)
		vn_bw_format(val, v, sizeof v);
	else
		snprintf(v, sizeof v, "%llu", (unsigned long long)val);
	return snprintf(buf, n, "%s\n", v);
}

/* The VIF's counters, then its port's (readers, captured, reader drops)
 * once it has had a reader. */
static int stat_read(const struct nn_row *row, const struct vn_vif *v, char *buf, size_t n)
{
	(void)row;
	int k = vn_vif_stats_format(v, buf, n);
	if (k < 0)
		return k;
	size_t off = (size_t)k < n ? (size_t)k : n;
	int m = vn_port_stats_format(v, buf + off, n - off);
	return m < 0 ? m : k + m;
}

/* An empty text (the value side of `port`). */
static int empty_read(const struct nn_row *row, const struct vn_vif *v, char *buf, size_t n)
{
	(void)row; (void)v;
	if (n)
		buf[0] = '\0';
	return 0;
}

/* port: opens are streams served by nn_port.c; these run only if a value
 * path reaches the row (nothing to show, nothing to set as a value). */
static int port_value_write(const struct nn_row *row, struct vn_vif *v, const char *buf,
			    size_t len, vn_time_t now)
{
	(void)row; (void)v; (void)buf; (void)len; (void)now;
	return -EINVAL;
}

/* SPEC order; the same order as vn_param_files. */
const struct nn_row nn_rows[] = {
	{"bandwidth", 0666, text_read, text_write, false, NULL, NULL},
	{"type",      0666, text_read, text_write, false, NULL, NULL},
	{"weight",    0666, text_read, text_write, false, NULL, NULL},
	{"priority",  0666, text_read, text_write, false, NULL, NULL},
	{"qlimit",    0666, text_read, text_write, false, NULL, NULL},
	{"stat",      0444, stat_read, NULL, false, NULL, NULL},
	{"filter",    0666, nn_filter_read, nn_filter_write, false, NULL, nn_filter_incomplete},
	/* only the VIF's owner (or root) reads or writes its port: no group or
	 * other bits whatever the VIF's mode */
	{"port",      0600, empty_read, port_value_write, true, NULL, NULL},
	{"viflet",    0666, nn_viflet_read, nn_viflet_write, false, NULL, nn_viflet_incomplete},
	{"conf",      0666, nn_conf_read, nn_conf_write, false, nn_conf_write_as, nn_conf_incomplete},
	{"log",       0444, nn_log_read, NULL, false, NULL, NULL},
};
const unsigned nn_nrows = sizeof nn_rows / sizeof nn_rows[0];

int nn_row_find(const char *name)
{
	for (unsigned i = 0; i < nn_nrows; i++)
		if (strcmp(nn_rows[i].name, name) == 0)
			return (int)i;
	return -1;
}
