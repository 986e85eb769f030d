/* Rows of the parameter table for the viflet, conf and log files. */
#ifndef NN_VIFLET_H
#define NN_VIFLET_H

#include "nn_params.h"

int nn_viflet_read(const struct nn_row *row, const struct vn_vif *v, char *buf, size_t n);
int nn_viflet_write(const struct nn_row *row, struct vn_vif *v, const char *buf, size_t len,
		    vn_time_t now);
int nn_conf_read(const struct nn_row *row, const struct vn_vif *v, char *buf, size_t n);
int nn_conf_write(const struct nn_row *row, struct vn_vif *v, const char *buf, size_t len,
		  vn_time_t now);
int nn_log_read(const struct nn_row *row, const struct vn_vif *v, char *buf, size_t n);

#endif
