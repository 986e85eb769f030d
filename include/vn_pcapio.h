/* vn_pcapio — trace files through libpcap: read pcap and pcapng of any link
 * type with nanosecond timestamps, find the network header, write pcap with
 * nanosecond timestamps atomically (temporary file renamed on commit). */
#ifndef VN_PCAPIO_H
#define VN_PCAPIO_H

#include <stddef.h>
#include <stdint.h>

#include "vn_clock.h"

struct vn_pcap_reader;
struct vn_pcap_writer;

struct vn_pcap_rec {
	vn_time_t ts;            /* ns since the epoch */
	uint32_t caplen, len;
	const uint8_t *data;     /* valid until the next read */
};

/* NULL with a message in err on failure. "-" reads stdin. */
struct vn_pcap_reader *vn_pcap_open(const char *path, char *err, size_t errlen);
int vn_pcap_linktype(const struct vn_pcap_reader *r);      /* DLT_* */
uint32_t vn_pcap_snaplen(const struct vn_pcap_reader *r);
/* 1 and *rec filled, 0 at the end, -1 on a truncated or corrupt file (err set). */
int vn_pcap_next(struct vn_pcap_reader *r, struct vn_pcap_rec *rec, char *err, size_t errlen);
void vn_pcap_close(struct vn_pcap_reader *r);

/* Writes to PATH.tmp.PID; vn_pcap_commit renames it to PATH, vn_pcap_abort
 * removes it. Either one frees the writer. */
struct vn_pcap_writer *vn_pcap_create(const char *path, int linktype, uint32_t snaplen,
				      char *err, size_t errlen);
int vn_pcap_write(struct vn_pcap_writer *w, vn_time_t ts, const uint8_t *data,
		  uint32_t caplen, uint32_t len);
int vn_pcap_commit(struct vn_pcap_writer *w, char *err, size_t errlen);
void vn_pcap_abort(struct vn_pcap_writer *w);

/* Offset of the IPv4/IPv6 header in a frame of link type linktype (DLT_*),
 * following VLAN tags, or -1 if there is none or it is cut off. */
int vn_l3_offset(int linktype, const uint8_t *data, uint32_t caplen);

/* An IPv4 or IPv6 prefix ("198.18.0.0/15", "2001:db8::/32", or an address). */
struct vn_cidr {
	int family;              /* AF_INET or AF_INET6 */
	uint8_t addr[16];
	unsigned bits;
};
int vn_cidr_parse(const char *text, struct vn_cidr *c);
/* Does the destination address of the packet at l3 (network header) fall in c? */
int vn_cidr_match_dst(const struct vn_cidr *c, const uint8_t *l3, uint32_t len);

#endif
