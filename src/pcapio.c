/* Trace files through libpcap, network-header offsets, CIDR prefixes. */
#include <arpa/inet.h>
#include <errno.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "vn_pcapio.h"

struct vn_pcap_reader {
	pcap_t *p;
};

struct vn_pcap_writer {
	pcap_t *dead;
	pcap_dumper_t *d;
	char *path, *tmp;
};

struct vn_pcap_reader *vn_pcap_open(const char *path, char *err, size_t errlen)
{
	char ebuf[PCAP_ERRBUF_SIZE] = "";
	pcap_t *p = pcap_open_offline_with_tstamp_precision(path, PCAP_TSTAMP_PRECISION_NANO, ebuf);
	if (!p) {
		if (strstr(ebuf, path))
			snprintf(err, errlen, "%s", ebuf);
		else
			snprintf(err, errlen, "%s: %s", path, ebuf);
		return NULL;
	}
	struct vn_pcap_reader *r = malloc(sizeof(*r));
	if (!r) {
		pcap_close(p);
		snprintf(err, errlen, "%s: out of memory", path);
		return NULL;
	}
	r->p = p;
	return r;
}

int vn_pcap_linktype(const struct vn_pcap_reader *r) { return pcap_datalink(r->p); }
uint32_t vn_pcap_snaplen(const struct vn_pcap_reader *r) { return (uint32_t)pcap_snapshot(r->p); }

int vn_pcap_next(struct vn_pcap_reader *r, struct vn_pcap_rec *rec, char *err, size_t errlen)
{
	struct pcap_pkthdr *h;
	const u_char *data;
	int rc = pcap_next_ex(r->p, &h, &data);
	if (rc == PCAP_ERROR_BREAK)
		return 0;
	if (rc != 1) {
		snprintf(err, errlen, "%s", pcap_geterr(r->p));
		return -1;
	}
	if (h->caplen > h->len) {
		snprintf(err, errlen, "corrupt record: caplen %u > len %u", h->caplen, h->len);
		return -1;
	}
	rec->ts = (vn_time_t)h->ts.tv_sec * VN_NSEC_PER_SEC + (vn_time_t)h->ts.tv_usec;
	rec->caplen = h->caplen;
	rec->len = h->len;
	rec->data = data;
	return 1;
}

void vn_pcap_close(struct vn_pcap_reader *r)
{
	if (!r)
		return;
	pcap_close(r->p);
	free(r);
}

struct vn_pcap_writer *vn_pcap_create(const char *path, int linktype, uint32_t snaplen,
				      char *err, size_t errlen)
{
	struct vn_pcap_writer *w = calloc(1, sizeof(*w));
	if (!w || !(w->path = strdup(path)) ||
	    asprintf(&w->tmp, "%s.tmp.%ld", path, (long)getpid()) < 0) {
		if (w) {
			free(w->path);
			free(w);
		}
		snprintf(err, errlen, "%s: out of memory", path);
		return NULL;
	}
	w->dead = pcap_open_dead_with_tstamp_precision(linktype, (int)snaplen, PCAP_TSTAMP_PRECISION_NANO);
	if (w->dead)
		w->d = pcap_dump_open(w->dead, w->tmp);
	if (!w->d) {
		snprintf(err, errlen, "%s: %s", path, w->dead ? pcap_geterr(w->dead) : "cannot create");
		if (w->dead)
			pcap_close(w->dead);
		free(w->tmp);
		free(w->path);
		free(w);
		return NULL;
	}
	return w;
}

int vn_pcap_write(struct vn_pcap_writer *w, vn_time_t ts, const uint8_t *data,
		  uint32_t caplen, uint32_t len)
{
	struct pcap_pkthdr h;
	h.ts.tv_sec = (time_t)(ts / VN_NSEC_PER_SEC);
	h.ts.tv_usec = (suseconds_t)(ts % VN_NSEC_PER_SEC);   /* nanoseconds: nano dumper */
	h.caplen = caplen;
	h.len = len;
	pcap_dump((u_char *)w->d, &h, data);
	return 0;
}

static void writer_free(struct vn_pcap_writer *w)
{
	pcap_close(w->dead);
	free(w->tmp);
	free(w->path);
	free(w);
}

int vn_pcap_commit(struct vn_pcap_writer *w, char *err, size_t errlen)
{
	int rc = 0;
	if (pcap_dump_flush(w->d) < 0 || ferror(pcap_dump_file(w->d))) {
		snprintf(err, errlen, "%s: write error", w->path);
		rc = -EIO;
	}
	pcap_dump_close(w->d);
	if (rc == 0 && rename(w->tmp, w->path) < 0) {
		snprintf(err, errlen, "%s: %s", w->path, strerror(errno));
		rc = -errno;
	}
	if (rc < 0)
		unlink(w->tmp);
	writer_free(w);
	return rc;
}

void vn_pcap_abort(struct vn_pcap_writer *w)
{
	if (!w)
		return;
	pcap_dump_close(w->d);
	unlink(w->tmp);
	writer_free(w);
}

static int ip_at(const uint8_t *data, uint32_t caplen, uint32_t off)
{
	if (off >= caplen)
		return -1;
	unsigned v = data[off] >> 4;
	if (v == 4 && caplen - off >= 20)
		return (int)off;
	if (v == 6 && caplen - off >= 40)
		return (int)off;
	return -1;
}

/* After an EtherType at data[off-2..off-1], skipping VLAN tags. */
static int after_ethertype(const uint8_t *data, uint32_t caplen, uint32_t off)
{
	for (int tags = 0; tags < 4; tags++) {
		if (off < 2 || off > caplen)
			return -1;
		unsigned et = (unsigned)data[off - 2] << 8 | data[off - 1];
		if (et == 0x0800 || et == 0x86dd)
			return ip_at(data, caplen, off);
		if (et != 0x8100 && et != 0x88a8 && et != 0x9100)
			return -1;
		off += 4;
	}
	return -1;
}

int vn_l3_offset(int linktype, const uint8_t *data, uint32_t caplen)
{
	switch (linktype) {
	case DLT_EN10MB:
		return after_ethertype(data, caplen, 14);
	case DLT_LINUX_SLL:
		return after_ethertype(data, caplen, 16);
	case DLT_LINUX_SLL2:
		if (caplen < 20)
			return -1;
		return ((unsigned)data[0] << 8 | data[1]) == 0x0800 ||
		       ((unsigned)data[0] << 8 | data[1]) == 0x86dd ? ip_at(data, caplen, 20) : -1;
	case DLT_NULL:
	case DLT_LOOP:
		return ip_at(data, caplen, 4);
	case DLT_RAW:
	case DLT_IPV4:
	case DLT_IPV6:
#ifdef DLT_RAW_ALT
	case DLT_RAW_ALT:
#endif
		return ip_at(data, caplen, 0);
	case DLT_PPP:
		if (caplen < 4)
			return -1;
		if (data[2] == 0x00 && (data[3] == 0x21 || data[3] == 0x57))
			return ip_at(data, caplen, 4);
		return -1;
	default:
		return -1;
	}
}

int vn_cidr_parse(const char *text, struct vn_cidr *c)
{
	char buf[INET6_ADDRSTRLEN + 8];
	if (!text || strlen(text) >= sizeof(buf))
		return -EINVAL;
	strcpy(buf, text);
	char *slash = strchr(buf, '/');
	long bits = -1;
	if (slash) {
		*slash = '\0';
		char *end;
		errno = 0;
		bits = strtol(slash + 1, &end, 10);
		if (errno || *end || end == slash + 1 || bits < 0)
			return -EINVAL;
	}
	memset(c, 0, sizeof(*c));
	if (inet_pton(AF_INET, buf, c->addr) == 1) {
		c->family = AF_INET;
		if (bits > 32)
			return -EINVAL;
		c->bits = bits < 0 ? 32 : (unsigned)bits;
	} else if (inet_pton(AF_INET6, buf, c->addr) == 1) {
		c->family = AF_INET6;
		if (bits > 128)
			return -EINVAL;
		c->bits = bits < 0 ? 128 : (unsigned)bits;
	} else {
		return -EINVAL;
	}
	return 0;
}

static int prefix_eq(const uint8_t *a, const uint8_t *b, unsigned bits)
{
	unsigned full = bits / 8, rest = bits % 8;
	if (memcmp(a, b, full))
		return 0;
	if (rest) {
		uint8_t mask = (uint8_t)(0xff << (8 - rest));
		if ((a[full] & mask) != (b[full] & mask))
			return 0;
	}
	return 1;
}

int vn_cidr_match_dst(const struct vn_cidr *c, const uint8_t *l3, uint32_t len)
{
	if (len < 1)
		return 0;
	unsigned v = l3[0] >> 4;
	if (c->family == AF_INET && v == 4 && len >= 20)
		return prefix_eq(l3 + 16, c->addr, c->bits);
	if (c->family == AF_INET6 && v == 6 && len >= 40)
		return prefix_eq(l3 + 24, c->addr, c->bits);
	return 0;
}
