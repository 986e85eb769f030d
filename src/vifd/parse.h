/* The packet parser of vifd: the flow (5-tuple) of an IPv4/IPv6 packet. */
#ifndef VIFD_PARSE_H
#define VIFD_PARSE_H

#include <stdint.h>

#include "vn_pkt.h"
#include "vn_registry.h"

/* Fill f from the network header at l3 (len bytes present), oriented from
 * the host's side: egress packets have local = source, ingress local =
 * destination. TCP and UDP give ports; ICMP/ICMPv6 echo request and reply
 * give the identifier as local port (what Linux ping sockets bind), other
 * ICMP port 0. Returns 0, or -1 for anything that has no usable 5-tuple:
 * truncated headers, fragments, other protocols, bad versions. Never reads
 * past len. */
int vd_parse_flow(const uint8_t *l3, uint32_t len, enum vn_dir dir, struct vn_flow *f);

#endif
