/* The three input forms of a filter: a binary struct sock_filter array, the
 * text of `tcpdump -ddd` (or `-dd`), and a pcap expression compiled by
 * libpcap's optimizer for a link type. Each ends in vn_bpf_new. */
#include <ctype.h>
#include <errno.h>
#include <pcap/pcap.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bpf_internal.h"

static int fail(char *err, size_t errlen, int rc, const char *fmt, ...)
{
	if (err && errlen) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return rc;
}

bool vn_bpf_is_none(const void *buf, size_t len)
{
	const char *s = buf, *e = s + len;
	while (s < e && isspace((unsigned char)*s))
		s++;
	while (e > s && (isspace((unsigned char)e[-1]) || e[-1] == '\0'))
		e--;
	return e - s == 4 && memcmp(s, "none", 4) == 0;
}

/* Parse an unsigned number at *p no larger than max: decimal (ddd), or as in C
 * (dd: 0x hex, 0 octal) when c_style. */
static int number(const char **p, unsigned long max, bool c_style, unsigned long *v)
{
	const char *s = *p;
	while (*s == ' ' || *s == '\t')
		s++;
	if (!isdigit((unsigned char)*s))
		return -1;
	char *end;
	errno = 0;
	unsigned long x = strtoul(s, &end, c_style ? 0 : 10);
	if (errno || x > max)
		return -1;
	*v = x;
	*p = end;
	return 0;
}

/* One instruction from "code jt jf k" (ddd) or "{ code, jt, jf, k }," (dd). */
static int parse_insn(const char **p, bool braces, struct vn_bpf_insn *in)
{
	unsigned long v[4];
	const unsigned long max[4] = { 0xffff, 0xff, 0xff, 0xffffffffUL };
	const char *s = *p;
	if (braces) {
		while (isspace((unsigned char)*s))
			s++;
		if (*s++ != '{')
			return -1;
	}
	for (int i = 0; i < 4; i++) {
		if (braces && i > 0) {
			while (*s == ' ' || *s == '\t')
				s++;
			if (*s++ != ',')
				return -1;
		}
		if (number(&s, max[i], braces, &v[i]))
			return -1;
	}
	if (braces) {
		while (*s == ' ' || *s == '\t')
			s++;
		if (*s++ != '}')
			return -1;
		while (*s == ' ' || *s == '\t')
			s++;
		if (*s == ',')
			s++;
	}
	in->code = (uint16_t)v[0];
	in->jt = (uint8_t)v[1];
	in->jf = (uint8_t)v[2];
	in->k = (uint32_t)v[3];
	*p = s;
	return 0;
}

static size_t line_of(const char *text, const char *at)
{
	size_t line = 1;
	for (; text < at; text++)
		line += *text == '\n';
	return line;
}

/* `tcpdump -ddd`: a count, then that many "code jt jf k" lines. */
static int load_ddd(const char *text, unsigned flags, struct vn_bpf **out,
		    char *err, size_t errlen)
{
	const char *s = text;
	unsigned long count;
	if (number(&s, VN_BPF_MAXINSNS, false, &count) || count == 0)
		return fail(err, errlen, -EINVAL,
			    "ddd: first line must be the instruction count (1-%d)", VN_BPF_MAXINSNS);
	struct vn_bpf_insn *prog = calloc(count, sizeof(*prog));
	if (!prog)
		return fail(err, errlen, -ENOMEM, "out of memory");
	for (size_t i = 0; i < count; i++) {
		while (isspace((unsigned char)*s))
			s++;
		if (!*s) {
			free(prog);
			return fail(err, errlen, -EINVAL, "ddd: %lu instructions announced, %zu given",
				    count, i);
		}
		if (parse_insn(&s, false, &prog[i])) {
			free(prog);
			return fail(err, errlen, -EINVAL,
				    "ddd: line %zu: expected \"code jt jf k\" in range", line_of(text, s));
		}
	}
	while (isspace((unsigned char)*s))
		s++;
	if (*s) {
		free(prog);
		return fail(err, errlen, -EINVAL, "ddd: line %zu: more than %lu instructions",
			    line_of(text, s), count);
	}
	int rc = vn_bpf_new(prog, count, flags, out, err, errlen);
	free(prog);
	return rc;
}

/* `tcpdump -dd`: "{ 0x28, 0, 0, 0x0000000c }," lines. */
static int load_dd(const char *text, unsigned flags, struct vn_bpf **out,
		   char *err, size_t errlen)
{
	size_t cap = 16, n = 0;
	struct vn_bpf_insn *prog = malloc(cap * sizeof(*prog));
	const char *s = text;
	int rc;
	if (!prog)
		return fail(err, errlen, -ENOMEM, "out of memory");
	for (;;) {
		while (isspace((unsigned char)*s))
			s++;
		if (!*s)
			break;
		if (n == VN_BPF_MAXINSNS) {
			rc = fail(err, errlen, -EINVAL, "dd: more than %d instructions", VN_BPF_MAXINSNS);
			goto out;
		}
		if (n == cap) {
			struct vn_bpf_insn *np = realloc(prog, 2 * cap * sizeof(*prog));
			if (!np) {
				rc = fail(err, errlen, -ENOMEM, "out of memory");
				goto out;
			}
			prog = np;
			cap *= 2;
		}
		if (parse_insn(&s, true, &prog[n])) {
			rc = fail(err, errlen, -EINVAL,
				  "dd: line %zu: expected \"{ code, jt, jf, k },\"", line_of(text, s));
			goto out;
		}
		n++;
	}
	rc = vn_bpf_new(prog, n, flags, out, err, errlen);
out:
	free(prog);
	return rc;
}

/* A pcap expression, compiled with the optimizer as tcpdump would for a
 * capture of this link type. */
static int load_expr(const char *text, int linktype, unsigned flags, struct vn_bpf **out,
		     char *err, size_t errlen)
{
	pcap_t *p = pcap_open_dead(linktype, 262144);
	if (!p)
		return fail(err, errlen, -ENOMEM, "pcap_open_dead failed");
	struct bpf_program bp;
	if (pcap_compile(p, &bp, text, 1, PCAP_NETMASK_UNKNOWN) != 0) {
		int rc = fail(err, errlen, -EINVAL, "%s", pcap_geterr(p));
		pcap_close(p);
		return rc;
	}
	_Static_assert(sizeof(struct bpf_insn) == sizeof(struct vn_bpf_insn), "bpf_insn layout");
	int rc = vn_bpf_new((const struct vn_bpf_insn *)bp.bf_insns, bp.bf_len, flags, out,
			    err, errlen);
	pcap_freecode(&bp);
	pcap_close(p);
	return rc;
}

int vn_bpf_load_flags(const void *buf, size_t len, int linktype, unsigned flags,
		      struct vn_bpf **out, char *err, size_t errlen)
{
	const uint8_t *b = buf;
	/* Binary: every valid instruction holds a NUL (the high byte of its
	 * 16-bit opcode); text never does, except maybe a final terminator. */
	size_t tlen = len;
	if (tlen && b[tlen - 1] == '\0')
		tlen--;
	if (memchr(b, '\0', tlen)) {
		if (len % sizeof(struct vn_bpf_insn))
			return fail(err, errlen, -EINVAL,
				    "binary program of %zu bytes is not a whole number of"
				    " 8-byte instructions", len);
		size_t n = len / sizeof(struct vn_bpf_insn);
		struct vn_bpf_insn *prog = malloc(len);     /* buf may be unaligned */
		if (!prog)
			return fail(err, errlen, -ENOMEM, "out of memory");
		memcpy(prog, buf, len);
		int rc = vn_bpf_new(prog, n, flags, out, err, errlen);
		free(prog);
		return rc;
	}
	char *text = malloc(tlen + 1);
	if (!text)
		return fail(err, errlen, -ENOMEM, "out of memory");
	memcpy(text, buf, tlen);
	text[tlen] = '\0';
	char *s = text, *e = text + tlen;
	while (isspace((unsigned char)*s))
		s++;
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	int rc;
	bool digits = *s != '\0';
	for (const char *q = s; *q && digits; q++)
		digits = isdigit((unsigned char)*q) || isspace((unsigned char)*q);
	if (!*s)
		rc = fail(err, errlen, -EINVAL, "empty filter");
	else if (digits)
		rc = load_ddd(s, flags, out, err, errlen);
	else if (*s == '{')
		rc = load_dd(s, flags, out, err, errlen);
	else
		rc = load_expr(s, linktype, flags, out, err, errlen);
	free(text);
	return rc;
}

int vn_bpf_load(const void *buf, size_t len, int linktype, struct vn_bpf **out,
		char *err, size_t errlen)
{
	return vn_bpf_load_flags(buf, len, linktype, 0, out, err, errlen);
}
