/* nn_params — the rows of a VIF directory (SPEC section 5). */
#include "nn_params.h"
#include "nn_filter.h"
#include "nn_viflet.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "vn_param.h"
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

static int stat_read(const struct nn_row *row, const struct vn_vif *v, char *buf, size_t n)
{
	(void)row;
	return vn_vif_stats_format(v, buf, n);
}

/* Files whose feature arrives with a later module: they read as what "no
 * such thing loaded" looks like and refuse writes until that module replaces
 * the row's functions. */
static int empty_read(const struct nn_row *row, const struct vn_vif *v, char *buf, size_t n)
{
	(void)row; (void)v;
	if (n)
		buf[0] = '\0';
	return 0;
}

static int later_write(const struct nn_row *row, struct vn_vif *v, const char *buf,
		       size_t len, vn_time_t now)
{
	(void)row; (void)v; (void)buf; (void)len; (void)now;
	return -EOPNOTSUPP;
}

/* SPEC order; the same order as vn_param_files. */
const struct nn_row nn_rows[] = {
	{"bandwidth", 0666, text_read, text_write},
	{"type",      0666, text_read, text_write},
	{"weight",    0666, text_read, text_write},
	{"priority",  0666, text_read, text_write},
	{"qlimit",    0666, text_read, text_write},
	{"stat",      0444, stat_read, NULL},
	{"filter",    0666, nn_filter_read, nn_filter_write},
	{"port",      0666, empty_read, later_write},
	{"viflet",    0666, nn_viflet_read, nn_viflet_write},
	{"conf",      0666, nn_conf_read, nn_conf_write},
	{"log",       0444, nn_log_read, NULL},
};
const unsigned nn_nrows = sizeof nn_rows / sizeof nn_rows[0];

int nn_row_find(const char *name)
{
	for (unsigned i = 0; i < nn_nrows; i++)
		if (strcmp(nn_rows[i].name, name) == 0)
			return (int)i;
	return -1;
}
