/* Jar (zip) reading: the end-of-central-directory record, the central
 * directory, and one member's data, stored or deflated (zlib's inflate with a
 * raw window). Every offset is checked against the archive's size. */
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "vm_int.h"

static uint16_t le16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }
static uint32_t le32(const uint8_t *p) { return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24; }

#define MAX_MEMBER (16u << 20)

/* Finds the central directory; returns its offset and entry count. */
static int find_cd(const uint8_t *z, size_t n, size_t *cd_off, uint32_t *count)
{
	if (n < 22)
		return -1;
	size_t lo = n > 22 + 65535 ? n - 22 - 65535 : 0;
	for (size_t i = n - 22 + 1; i-- > lo;) {
		if (le32(z + i) != 0x06054b50)
			continue;
		uint32_t off = le32(z + i + 16), size = le32(z + i + 12);
		if ((size_t)off + size > i)
			continue;
		*cd_off = off;
		*count = le16(z + i + 10);
		return 0;
	}
	return -1;
}

struct member { const char *name; uint16_t nlen; uint16_t method; uint32_t crc, csize, usize, loff; };

static int walk(const uint8_t *z, size_t n, int (*fn)(void *arg, const struct member *m), void *arg)
{
	size_t p;
	uint32_t cnt;
	if (find_cd(z, n, &p, &cnt))
		return -1;
	for (uint32_t i = 0; i < cnt; i++) {
		if (p + 46 > n || le32(z + p) != 0x02014b50)
			return -1;
		struct member m = {
			.method = le16(z + p + 10), .crc = le32(z + p + 16), .csize = le32(z + p + 20),
			.usize = le32(z + p + 24),
			.nlen = le16(z + p + 28), .loff = le32(z + p + 42),
		};
		size_t next = p + 46 + m.nlen + le16(z + p + 30) + le16(z + p + 32);
		if (next > n)
			return -1;
		m.name = (const char *)z + p + 46;
		int r = fn(arg, &m);
		if (r)
			return r > 0 ? 0 : r;
		p = next;
	}
	return 0;
}

struct find { const char *want; const uint8_t *z; size_t n; uint8_t *out; size_t outlen; };

static int extract(void *arg, const struct member *m)
{
	struct find *f = arg;
	if (strlen(f->want) != m->nlen || memcmp(f->want, m->name, m->nlen))
		return 0;
	if ((size_t)m->loff + 30 > f->n || le32(f->z + m->loff) != 0x04034b50)
		return -1;
	size_t d = (size_t)m->loff + 30 + le16(f->z + m->loff + 26) + le16(f->z + m->loff + 28);
	if (d > f->n || m->csize > f->n - d || m->usize > MAX_MEMBER)
		return -1;
	uint8_t *out = malloc(m->usize ? m->usize : 1);
	if (!out)
		return -1;
	if (m->method == 0) {
		if (m->csize != m->usize) {
			free(out);
			return -1;
		}
		memcpy(out, f->z + d, m->usize);
	} else if (m->method == 8) {
		z_stream s;
		memset(&s, 0, sizeof s);
		if (inflateInit2(&s, -MAX_WBITS) != Z_OK) {
			free(out);
			return -1;
		}
		s.next_in = (Bytef *)(uintptr_t)(f->z + d);
		s.avail_in = m->csize;
		s.next_out = out;
		s.avail_out = m->usize;
		int r = inflate(&s, Z_FINISH);
		bool ok = r == Z_STREAM_END && s.total_out == m->usize;
		inflateEnd(&s);
		if (!ok) {
			free(out);
			return -1;
		}
	} else {
		free(out);
		return -1;
	}
	if (crc32(0L, out, m->usize) != m->crc) {
		free(out);
		return -1;
	}
	f->out = out;
	f->outlen = m->usize;
	return 1;
}

uint8_t *vn_jar_read(const uint8_t *jar, size_t jlen, const char *name, size_t *outlen)
{
	struct find f = { .want = name, .z = jar, .n = jlen };
	if (walk(jar, jlen, extract, &f) || !f.out)
		return NULL;
	*outlen = f.outlen;
	return f.out;
}

struct lst { void (*cb)(void *, const char *); void *arg; };

static int list_one(void *arg, const struct member *m)
{
	struct lst *l = arg;
	char buf[1024];
	if (m->nlen >= sizeof buf)
		return 0;
	memcpy(buf, m->name, m->nlen);
	buf[m->nlen] = 0;
	l->cb(l->arg, buf);
	return 0;
}

int vn_jar_list(const uint8_t *jar, size_t jlen, void (*cb)(void *arg, const char *name), void *arg)
{
	struct lst l = { cb, arg };
	return walk(jar, jlen, list_one, &l);
}
