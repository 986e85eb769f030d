/* nn_link — the text of attachment links (PID/IF, PID/sockets/FD/IF).
 *
 * Links read as relative paths (`../network/IF/a`, and `../../../network/IF/a`
 * from a socket's directory) so they resolve wherever the tree is mounted.
 * `ln -s` may give either that relative form (with exactly as many `..` as
 * the link's depth) or an absolute path under the mount point, as the seed
 * does (`ln -s /proc/network/fxp0/5`). */
#ifndef NN_LINK_H
#define NN_LINK_H

#include <stddef.h>

#define NN_LINK_MAX 4096

/* Split target into the interface name and the VIF path below its root
 * ("a/b", or "." for the root). up: the link's depth (1 for PID/IF, 3 for
 * PID/sockets/FD/IF); mnt: the mount point (absolute, no trailing slash) or
 * NULL. 0 or -EINVAL (not a path into network/), -ENAMETOOLONG. */
int nn_link_parse(const char *target, unsigned up, const char *mnt,
		  char *ifname, size_t ifn, char *path, size_t pn);

/* The relative form. Returns the length (snprintf semantics). */
int nn_link_format(char *buf, size_t n, unsigned up, const char *ifname, const char *path);

#endif
