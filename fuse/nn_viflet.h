/* Rows of the parameter table for the viflet, conf and log files. */
#ifndef NN_VIFLET_H
#define NN_VIFLET_H

#include "nn_params.h"

int nn_viflet_read(const struct nn_row *row, const struct vn_vif *v, char *buf, size_t n);
int nn_viflet_write(const struct nn_row *row, struct vn_vif *v, const char *buf, size_t len,
		    vn_time_t now);
int nn_conf_read(const struct nn_row *row, const struct vn_vif *v, char *buf, size_t n);
/* conf: key=value lines for the VIFlet. The vm.* keys are the per-VIF VM
 * limits (vn_viflet_limit_set), root's alone: another writer's text may
 * repeat them unchanged but not change them (EPERM), and root's vm.* lines
 * are kept when it replaces the rest. nn_conf_write is the write of a
 * writer who is not root. */
int nn_conf_write(const struct nn_row *row, struct vn_vif *v, const char *buf, size_t len,
		  vn_time_t now);
int nn_conf_write_as(const struct nn_row *row, struct vn_vif *v, const char *buf, size_t len,
		     vn_time_t now, const struct nn_cred *cred);
int nn_log_read(const struct nn_row *row, const struct vn_vif *v, char *buf, size_t n);

#endif
