/* nn_port — the `port` file of a VIF: a live pcapng stream per open, and
 * writes that divert packets back into the VIF's path (SPEC section 7).
 *
 * Unlike the value files, an open of `port` is a stream: nnfs.c hands its
 * open, read, write, poll and release to these functions. A read with
 * nothing to return is parked (the FUSE thread goes on serving others) and
 * answered by the port service thread when the data path wakes it; poll
 * handles are notified the same way. */
#ifndef NN_PORT_H
#define NN_PORT_H

#define FUSE_USE_VERSION 314
#include <fuse_lowlevel.h>

#include <stddef.h>

#include "nn_op.h"

/* Start/stop the service thread of fs (at mount / after the session ended,
 * before it is destroyed: parked reads are answered, readers detached). */
int nn_port_svc_start(struct vn_nnfs *fs);
void nn_port_svc_stop(struct vn_nnfs *fs);

/* After nnfs allowed the open (owner or root, mode bits): attach a reader
 * (if opened for reading). 0 or -errno; fh->port is set on success. */
int nn_port_open(fuse_req_t req, struct vn_nnfs *fs, struct nn_fh *fh, int flags);
void nn_port_read(fuse_req_t req, struct nn_fh *fh, size_t size, struct fuse_file_info *fi);
void nn_port_write(fuse_req_t req, struct nn_fh *fh, const char *buf, size_t size);
void nn_port_poll(fuse_req_t req, struct nn_fh *fh, struct fuse_pollhandle *ph);
/* Detach and free what the open holds (fh itself stays the caller's);
 * `ended`: the session is over, a parked read gets no reply. */
void nn_port_release(struct nn_fh *fh, bool ended);

#endif
