/* nn_accum — is a value written in pieces whole yet?
 *
 * filter, conf and viflet take values of many lines or many bytes, which a
 * writer may hand over in several write(2)s: a shell's printf of
 * `tcpdump -ddd` text line by line, an editor saving conf in chunks, cp
 * copying a jar in max_write pieces. nnfs keeps what one open has written
 * (nnfs.c) and, after each write, asks the row whether the text so far can be
 * a whole value: if not, the write succeeds and the value waits for more, or
 * for close() (flush), which applies it and returns its error. A text that
 * can be whole is applied at once, so `echo garbage > filter` still fails in
 * write(2), where a shell sees it (a shell's builtin redirection ignores the
 * error of its close). Only forms that say when they are whole wait: program
 * text (by its count, or its final return), a conf line without its newline,
 * a class or jar; a pcap expression, a one-line value, a binary program are
 * judged at every write. Pure functions of the bytes: unit-tested. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "nn_params.h"
#include "vn_bpf.h"

/* The last line of text[0..len) that is not blank: [*b, *e). false if none. */
static bool last_line(const char *text, size_t len, size_t *b, size_t *e)
{
	size_t end = len;
	while (end && isspace((unsigned char)text[end - 1]))
		end--;
	if (!end)
		return false;
	size_t beg = end;
	while (beg && text[beg - 1] != '\n')
		beg--;
	*b = beg;
	*e = end;
	return true;
}

/* The first number of a line, decimal or 0x hex (-ddd and -dd forms). */
static bool first_number(const char *s, size_t n, unsigned long *out)
{
	size_t i = 0;
	while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '{'))
		i++;
	if (i == n || !isdigit((unsigned char)s[i]))
		return false;
	char buf[32];
	size_t k = 0;
	while (i < n && k + 1 < sizeof buf && isalnum((unsigned char)s[i]))
		buf[k++] = s[i++];
	buf[k] = '\0';
	char *end;
	*out = strtoul(buf, &end, 0);
	return *end == '\0';
}

/* `tcpdump -ddd` text (a count line, then "code jt jf k" lines): whole once
 * the count is reached. `-dd` text ("{ code, jt, jf, k }," lines, no count):
 * whole once the last instruction is a return (every valid program ends with
 * one). */
static bool insns_incomplete(const char *text, size_t len, bool ddd)
{
	size_t b, e;
	unsigned long n;
	if (ddd) {
		size_t lines = 0;      /* non-blank lines, the count's included */
		unsigned long count = 0;
		for (size_t s = 0; s < len;) {
			size_t t = s;
			while (t < len && text[t] != '\n')
				t++;
			size_t k = s;
			while (k < t && isspace((unsigned char)text[k]))
				k++;
			if (k < t && lines++ == 0 && !first_number(text + k, t - k, &count))
				return false;
			s = t + 1;
		}
		if (count > VN_BPF_MAXINSNS)
			return false;                       /* refused at once */
		return lines == 0 || lines - 1 < count;   /* more lines than that: refused */
	}
	if (!last_line(text, len, &b, &e) || !first_number(text + b, e - b, &n))
		return false;
	return (n & 7) != 6;       /* the last instruction is not a BPF_RET */
}

bool nn_filter_incomplete(const char *buf, size_t len)
{
	size_t tlen = len;
	if (tlen && buf[tlen - 1] == '\0')
		tlen--;
	if (memchr(buf, '\0', tlen))
		return false;    /* binary (as vn_bpf_load tells): one write, as cat does */
	bool digits = false, other = false;
	size_t i = 0;
	while (i < len && isspace((unsigned char)buf[i]))
		i++;
	if (i < len && buf[i] == '{')
		return buf[len - 1] != '\n' || insns_incomplete(buf, len, false);
	for (; i < len; i++) {
		if (isdigit((unsigned char)buf[i]))
			digits = true;
		else if (!isspace((unsigned char)buf[i]))
			other = true;
	}
	if (!digits || other)
		return false;    /* a pcap expression: one write, as echo does */
	return buf[len - 1] != '\n' || insns_incomplete(buf, len, true);
}

bool nn_conf_incomplete(const char *buf, size_t len)
{
	return len && buf[len - 1] != '\n';     /* stopped inside a line */
}

/* A class or a jar: cp may hand it over in pieces and nothing short of
 * loading it tells whether it is whole, so it is applied at close. Anything
 * else (`none`, garbage) is judged at once. */
bool nn_viflet_incomplete(const char *buf, size_t len)
{
	static const unsigned char cls[4] = {0xca, 0xfe, 0xba, 0xbe}, jar[4] = {'P', 'K', 3, 4};
	return len >= 4 && (memcmp(buf, cls, 4) == 0 || memcmp(buf, jar, 4) == 0);
}
