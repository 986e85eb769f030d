/* Java's Double.toString and Float.toString: the shortest decimal that reads
 * back as the same value (found by trying 1..17 (9) significant digits with
 * correctly rounded printf and strtod/strtof), laid out by Java's rules:
 * plain "ddd.ddd" (at least one digit after the point) for 1e-3 <= |v| < 1e7,
 * otherwise "d.dddE[-]n"; NaN, Infinity, -Infinity, 0.0 and -0.0 spelled as
 * Java does. JDK 17's FloatingDecimal prints the two smallest subnormals
 * (Double/Float.MIN_VALUE) with one more digit than the shortest form; those
 * two are matched explicitly. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vm_int.h"

/* digits: up to 17 significant digits without the point; *exp: decimal exponent
 * of the first digit. */
static int layout(bool neg, const char *dig, int nd, int e, char *buf)
{
	char *p = buf;
	if (neg)
		*p++ = '-';
	while (nd > 1 && dig[nd - 1] == '0')
		nd--;
	if (e >= -3 && e < 7) {
		if (e >= 0) {
			for (int i = 0; i <= e; i++)
				*p++ = i < nd ? dig[i] : '0';
			*p++ = '.';
			if (nd > e + 1)
				for (int i = e + 1; i < nd; i++)
					*p++ = dig[i];
			else
				*p++ = '0';
		} else {
			*p++ = '0';
			*p++ = '.';
			for (int i = 0; i < -e - 1; i++)
				*p++ = '0';
			for (int i = 0; i < nd; i++)
				*p++ = dig[i];
		}
	} else {
		*p++ = dig[0];
		*p++ = '.';
		if (nd > 1)
			for (int i = 1; i < nd; i++)
				*p++ = dig[i];
		else
			*p++ = '0';
		p += sprintf(p, "E%d", e);
	}
	*p = 0;
	return (int)(p - buf);
}

static int special(double d, char *buf)
{
	if (isnan(d))
		return sprintf(buf, "NaN");
	if (isinf(d))
		return sprintf(buf, d > 0 ? "Infinity" : "-Infinity");
	if (d == 0)
		return sprintf(buf, signbit(d) ? "-0.0" : "0.0");
	return 0;
}

/* Shortest round-tripping digits of v (as double or float). */
static int shortest(double v, bool isfloat, char *dig, int *exp)
{
	char tmp[64];
	int maxp = isfloat ? 9 : 17;
	for (int p = 1; p <= maxp; p++) {
		snprintf(tmp, sizeof tmp, "%.*e", p - 1, v);
		bool ok = isfloat ? (strtof(tmp, NULL) == (float)v) : (strtod(tmp, NULL) == v);
		if (ok || p == maxp) {
			int nd = 0;
			char *q = tmp;
			for (; *q && *q != 'e'; q++)
				if (*q >= '0' && *q <= '9')
					dig[nd++] = *q;
			*exp = atoi(q + 1);
			return nd;
		}
	}
	return 0;
}

int vn_fmt_double(double d, char *buf)
{
	int n = special(d, buf);
	if (n)
		return n;
	if (fabs(d) == 4.9406564584124654e-324)
		return sprintf(buf, "%s4.9E-324", d < 0 ? "-" : "");
	char dig[32];
	int e, nd = shortest(fabs(d), false, dig, &e);
	return layout(d < 0, dig, nd, e, buf);
}

int vn_fmt_float(float f, char *buf)
{
	int n = special(f, buf);
	if (n)
		return n;
	if (fabsf(f) == 1.40129846e-45f)
		return sprintf(buf, "%s1.4E-45", f < 0 ? "-" : "");
	char dig[32];
	int e, nd = shortest(fabsf(f), true, dig, &e);
	return layout(f < 0, dig, nd, e, buf);
}
