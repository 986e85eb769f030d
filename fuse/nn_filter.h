/* Row of the parameter table for the filter file. */
#ifndef NN_FILTER_H
#define NN_FILTER_H

#include "nn_params.h"

int nn_filter_read(const struct nn_row *row, const struct vn_vif *v, char *buf, size_t n);
int nn_filter_write(const struct nn_row *row, struct vn_vif *v, const char *buf, size_t len,
		    vn_time_t now);

#endif
