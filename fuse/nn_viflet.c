/* The viflet, conf and log files of a VIF directory (SPEC section 7): rows
 * of the parameter table that load and unload VIFlets (vn_viflet.h) and
 * show the VIF's conf and log (vn_vif.h). They run on the tree's thread. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "nn_viflet.h"
#include "vn_viflet.h"
#include "vn_vif.h"

/* vifd's loop runs on the real monotonic clock. */
static vn_time_t real_now(void *ctx)
{
	(void)ctx;
	return vn_clock_now(vn_clock_real());
}

int nn_viflet_read(const struct nn_row *row, const struct vn_vif *v, char *buf, size_t n)
{
	(void)row;
	return vn_viflet_describe(v, buf, n);
}

/* Is buf the word `none`, with blanks or a newline around it? */
static bool is_none(const char *buf, size_t len)
{
	while (len && (buf[len - 1] == '\n' || buf[len - 1] == ' ' || buf[len - 1] == '\t'))
		len--;
	while (len && (*buf == ' ' || *buf == '\t')) {
		buf++;
		len--;
	}
	return len == 4 && memcmp(buf, "none", 4) == 0;
}

int nn_viflet_write(const struct nn_row *row, struct vn_vif *v, const char *buf, size_t len,
		    vn_time_t now)
{
	(void)row;
	(void)now;
	if (is_none(buf, len)) {
		vn_viflet_unload(v);
		return 0;
	}
	if (len < 4)
		return -EINVAL;
	char err[512];
	struct vn_viflet_env env = vn_viflet_vif_env(v, real_now, NULL);
	int rc = vn_viflet_load(v, (const uint8_t *)buf, len, &env, err, sizeof(err));
	if (rc < 0) {
		/* vn_viflet_load logged the reason already; say it once more
		 * for a failure before the VM existed. */
		if (rc != -EINVAL) {
			char line[600];
			int k = snprintf(line, sizeof(line), "viflet load failed: %s\n", err);
			vn_vif_log(v, line, (size_t)k < sizeof(line) ? (size_t)k : sizeof(line) - 1);
		}
		return rc;
	}
	return 0;
}

int nn_conf_read(const struct nn_row *row, const struct vn_vif *v, char *buf, size_t n)
{
	(void)row;
	return vn_vif_conf_text(v, buf, n);
}

int nn_conf_write(const struct nn_row *row, struct vn_vif *v, const char *buf, size_t len,
		  vn_time_t now)
{
	(void)row;
	(void)now;
	return vn_vif_conf_set(v, buf, len);
}

int nn_log_read(const struct nn_row *row, const struct vn_vif *v, char *buf, size_t n)
{
	(void)row;
	return vn_vif_log_text(v, buf, n);
}
