/* Native methods of the ROM class library, string helpers, exceptions made by
 * the VM, string concatenation (makeConcatWithConstants recipes) and the
 * packet reference rule. Natives receive their arguments as stack slots
 * (GC roots); objects they allocate in between are protected with
 * vn_root_push/vn_root_pop. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "vm_int.h"

/* ---- strings ---- */

struct vn_obj *vn_str_new16(struct vn_vm *vm, const uint16_t *s, size_t len)
{
	struct vn_class *ca = vn_class_prim_array(vm, EK_C);
	if (!ca || !vm->c_string)
		vn_abort(vm, "class library broken: no String");
	if (len > INT32_MAX / 2)
		vn_abort(vm, "string too long");
	struct vn_obj *a = vn_new_array(vm, ca, (int32_t)len);
	if (len)
		memcpy(VN_ADATA(a), s, len * 2);
	vn_root_push(vm, a);
	struct vn_obj *o = vn_new_object(vm, vm->c_string);
	vn_root_pop(vm, 1);
	VN_FIELD(o, vm->off_str_value, struct vn_obj *) = a;
	return o;
}

/* Modified UTF-8 (class files) and standard UTF-8 agree on what we decode:
 * 1-3 byte sequences; 4-byte UTF-8 becomes a surrogate pair. */
static size_t utf8_to16(const char *s, size_t len, uint16_t *out)
{
	size_t n = 0;
	const uint8_t *p = (const uint8_t *)s, *e = p + len;
	while (p < e) {
		uint32_t c = *p++;
		if (c >= 0xf0 && e - p >= 3) {
			c = (c & 7) << 18 | (p[0] & 0x3fu) << 12 | (p[1] & 0x3fu) << 6 | (p[2] & 0x3fu);
			p += 3;
			c -= 0x10000;
			out[n++] = (uint16_t)(0xd800 | c >> 10);
			out[n++] = (uint16_t)(0xdc00 | (c & 0x3ff));
			continue;
		}
		if (c >= 0xe0 && e - p >= 2) {
			c = (c & 0xf) << 12 | (p[0] & 0x3fu) << 6 | (p[1] & 0x3fu);
			p += 2;
		} else if (c >= 0xc0 && e - p >= 1) {
			c = (c & 0x1f) << 6 | (p[0] & 0x3fu);
			p++;
		}
		out[n++] = (uint16_t)c;
	}
	return n;
}

struct vn_obj *vn_str_new(struct vn_vm *vm, const char *s, size_t len)
{
	uint16_t stackbuf[256] = { 0 }, *b = len <= 256 ? stackbuf : calloc(len + 1, 2);
	if (!b)
		vn_abort(vm, "out of memory");
	size_t n = utf8_to16(s, len, b);
	struct vn_obj *o = vn_str_new16(vm, b, n);
	if (b != stackbuf)
		free(b);
	return o;
}

struct vn_obj *vn_str_from_mutf8(struct vn_vm *vm, const char *s, size_t len)
{
	return vn_str_new(vm, s, len);
}

static struct vn_obj *str_chars(struct vn_vm *vm, struct vn_obj *s)
{
	return VN_FIELD(s, vm->off_str_value, struct vn_obj *);
}

/* UTF-8 of a String into buf (truncated to cap-1, NUL-terminated). */
size_t vn_str_utf8(struct vn_vm *vm, struct vn_obj *s, char *buf, size_t cap)
{
	size_t n = 0;
	if (!s) {
		snprintf(buf, cap, "null");
		return strlen(buf);
	}
	struct vn_obj *a = str_chars(vm, s);
	const uint16_t *c = (const uint16_t *)VN_ADATA(a);
	for (int32_t i = 0; i < a->len; i++) {
		uint32_t u = c[i];
		if (u >= 0xd800 && u < 0xdc00 && i + 1 < a->len && c[i + 1] >= 0xdc00 && c[i + 1] < 0xe000) {
			u = 0x10000 + ((u - 0xd800) << 10) + (c[i + 1] - 0xdc00);
			i++;
		}
		char t[4];
		size_t k;
		if (u < 0x80) {
			t[0] = (char)u;
			k = 1;
		} else if (u < 0x800) {
			t[0] = (char)(0xc0 | u >> 6);
			t[1] = (char)(0x80 | (u & 0x3f));
			k = 2;
		} else if (u < 0x10000) {
			t[0] = (char)(0xe0 | u >> 12);
			t[1] = (char)(0x80 | (u >> 6 & 0x3f));
			t[2] = (char)(0x80 | (u & 0x3f));
			k = 3;
		} else {
			t[0] = (char)(0xf0 | u >> 18);
			t[1] = (char)(0x80 | (u >> 12 & 0x3f));
			t[2] = (char)(0x80 | (u >> 6 & 0x3f));
			t[3] = (char)(0x80 | (u & 0x3f));
			k = 4;
		}
		if (n + k + 1 > cap)
			break;
		memcpy(buf + n, t, k);
		n += k;
	}
	if (cap)
		buf[n] = 0;
	return n;
}

/* ---- output ---- */

void vn_out(struct vn_vm *vm, const char *s, size_t n)
{
	if (vm->host.out)
		vm->host.out(vm->host.ctx, s, n);
	else
		fwrite(s, 1, n, stdout);
}

/* ---- exceptions ---- */

static int line_of(const struct vn_method *m, uint32_t pc)
{
	if (!m->lnt || m->lnt_len < 2)
		return -1;
	uint32_t n = (uint32_t)(m->lnt[0] << 8 | m->lnt[1]);
	int line = -1;
	uint32_t best = 0;
	for (uint32_t i = 0; i < n && 2 + 4 * i + 4 <= m->lnt_len; i++) {
		const uint8_t *e = m->lnt + 2 + 4 * i;
		uint32_t start = (uint32_t)(e[0] << 8 | e[1]);
		if (start <= pc && start >= best) {
			best = start;
			line = e[2] << 8 | e[3];
		}
	}
	return line;
}

/* The "\tat C.m(F.java:N)" lines of the current Java stack, skipping frames
 * of Throwable constructors when skip_ctors. */
static struct vn_obj *trace_string(struct vn_vm *vm, bool skip_ctors)
{
	size_t cap = 4096, n = 0;
	char *b = malloc(cap);
	if (!b)
		vn_abort(vm, "out of memory");
	uint32_t shown = 0;
	bool skipping = skip_ctors;
	for (uint32_t k = vm->nframes; k-- > 0 && shown < 64;) {
		struct vn_frame *f = &vm->frames[k];
		struct vn_method *m = f->m;
		if (skipping && !strcmp(m->name, "<init>") && vm->c_throwable &&
		    vn_class_sub(m->cls, vm->c_throwable))
			continue;
		skipping = false;
		uint32_t idx = (uint32_t)(f->ip - m->prep->code);
		uint32_t pc = idx ? m->prep->bc_off[idx - 1] : 0;
		int line = line_of(m, pc);
		char cn[256], loc[300];
		if (m->cls->source && line >= 0)
			snprintf(loc, sizeof loc, "%s:%d", m->cls->source, line);
		else
			snprintf(loc, sizeof loc, "%s", m->cls->source ? m->cls->source : "Unknown Source");
		if (n + 600 > cap) {
			cap *= 2;
			char *nb = realloc(b, cap);
			if (!nb) {
				free(b);
				vn_abort(vm, "out of memory");
			}
			b = nb;
		}
		n += (size_t)snprintf(b + n, cap - n, "\tat %s.%s(%s)\n", vn_dotted(m->cls->name, cn, sizeof cn),
				      m->name, loc);
		shown++;
	}
	struct vn_obj *s = vn_str_new(vm, b, n);
	free(b);
	return s;
}


void vn_throw(struct vn_vm *vm, const char *cname, const char *fmt, ...)
{
	struct vn_class *c = vn_class_load(vm, cname);
	if (!c)
		vn_abort(vm, "class library broken: %s", vm->err);
	if (vn_class_init(vm, c))
		return;
	struct vn_obj *msg = NULL;
	if (fmt) {
		char buf[512];
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(buf, sizeof buf, fmt, ap);
		va_end(ap);
		msg = vn_str_new(vm, buf, strlen(buf));
	}
	vn_root_push(vm, msg);
	struct vn_obj *e = vn_new_object(vm, c);
	vn_root_push(vm, e);
	VN_FIELD(e, vm->off_thr_msg, struct vn_obj *) = msg;
	struct vn_obj *t = trace_string(vm, false);
	VN_FIELD(e, vm->off_thr_trace, struct vn_obj *) = t;
	vn_root_pop(vm, 2);
	vm->exc = e;
}

/* ---- the packet rule (seed VI.1.3.4) ---- */

void vn_pkt_store(struct vn_vm *vm, struct vn_obj *old, struct vn_obj *nw)
{
	if (old && old->cls == vm->c_packet)
		old->len--;
	if (nw && nw->cls == vm->c_packet && ++nw->len > 1)
		vn_pkt_twice(vm);
}

_Noreturn void vn_pkt_twice(struct vn_vm *vm)
{
	vn_abort(vm, "packet rule violated: one packet referenced from two places (seed VI.1.3.4)");
}

/* ---- string concatenation ---- */

struct sbuf { uint16_t *p; size_t n, cap; struct vn_vm *vm; };

static void sb_put(struct sbuf *b, const uint16_t *s, size_t n)
{
	if (!n)
		return;
	if (b->n + n > b->cap) {
		size_t nc = (b->n + n) * 2 + 16;
		uint16_t *np = realloc(b->p, nc * 2);
		if (!np) {
			free(b->p);
			vn_abort(b->vm, "out of memory");
		}
		b->p = np;
		b->cap = nc;
	}
	memcpy(b->p + b->n, s, n * 2);
	b->n += n;
}

static void sb_ascii(struct sbuf *b, const char *s)
{
	uint16_t t[64];
	size_t n = 0;
	while (*s && n < 64)
		t[n++] = (uint8_t)*s++;
	sb_put(b, t, n);
}

static void sb_str(struct sbuf *b, struct vn_obj *s)
{
	if (!s) {
		sb_ascii(b, "null");
		return;
	}
	struct vn_obj *a = str_chars(b->vm, s);
	sb_put(b, (const uint16_t *)VN_ADATA(a), (size_t)a->len);
}

/* obj.toString() through the vtable; NULL with vm->exc set on an exception. */
static struct vn_obj *to_string(struct vn_vm *vm, struct vn_obj *o, bool *failed)
{
	*failed = false;
	if (!o || o->cls == vm->c_string)
		return o;
	struct vn_method *m = vn_method_resolve(o->cls, "toString", "()Ljava/lang/String;");
	if (!m)
		vn_abort(vm, "class library broken: no toString");
	if (m->vindex >= 0 && (uint32_t)m->vindex < o->cls->vtable_len)
		m = o->cls->vtable[m->vindex];
	vn_slot a, r;
	a.a = o;
	if (vn_call(vm, m, &a, &r)) {
		*failed = true;
		return NULL;
	}
	return r.a;
}

struct vn_obj *vn_concat(struct vn_vm *vm, struct vn_concat *k, vn_slot *args)
{
	struct sbuf b = { .vm = vm };
	uint32_t ai = 0, ci = 0, si = 0;
	char num[64];
	for (uint32_t i = 0; i < k->rlen; i++) {
		uint16_t ch = k->recipe[i];
		if (ch == 2) {
			sb_str(&b, k->consts[ci++]);
			continue;
		}
		if (ch != 1) {
			/* copy the run of literal characters */
			uint32_t j = i;
			while (j < k->rlen && k->recipe[j] != 1 && k->recipe[j] != 2)
				j++;
			sb_put(&b, k->recipe + i, j - i);
			i = j - 1;
			continue;
		}
		vn_slot *v = &args[si];
		char t = k->types[ai++];
		switch (t) {
		case 'I': case 'S': case 'B':
			snprintf(num, sizeof num, "%d", v->i);
			sb_ascii(&b, num);
			si++;
			break;
		case 'Z':
			sb_ascii(&b, v->i ? "true" : "false");
			si++;
			break;
		case 'C': {
			uint16_t c = (uint16_t)v->i;
			sb_put(&b, &c, 1);
			si++;
			break;
		}
		case 'J':
			snprintf(num, sizeof num, "%lld", (long long)v->j);
			sb_ascii(&b, num);
			si += 2;
			break;
		case 'F':
			vn_fmt_float(v->f, num);
			sb_ascii(&b, num);
			si++;
			break;
		case 'D':
			vn_fmt_double(v->d, num);
			sb_ascii(&b, num);
			si += 2;
			break;
		case 'T':
			sb_str(&b, v->a);
			si++;
			break;
		default: {
			bool failed;
			struct vn_obj *s = to_string(vm, v->a, &failed);
			if (failed) {
				free(b.p);
				return NULL;
			}
			sb_str(&b, s);
			si++;
			break;
		}
		}
	}
	struct vn_obj *r = vn_str_new16(vm, b.p, b.n);
	free(b.p);
	return r;
}

/* ---- natives ---- */

#define NATIVE(name) static void name(struct vn_vm *vm __attribute__((unused)), \
	vn_slot *a __attribute__((unused)), vn_slot *r __attribute__((unused)))
#define UNUSED_ARGS (void)vm; (void)a; (void)r

static struct vn_obj *mkstr(struct vn_vm *vm, const char *s) { return vn_str_new(vm, s, strlen(s)); }

static uint32_t ihash(const void *p)
{
	uint64_t x = (uint64_t)(uintptr_t)p;
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdull;
	x ^= x >> 33;
	return (uint32_t)x & 0x7fffffff;
}

NATIVE(obj_hashCode) { UNUSED_ARGS; r->j = (int32_t)ihash(a[0].a); }
NATIVE(obj_toString)
{
	char cn[256], b[300];
	snprintf(b, sizeof b, "%s@%x", vn_dotted(a[0].a->cls->name, cn, sizeof cn), ihash(a[0].a));
	r->a = mkstr(vm, b);
}
NATIVE(thr_className)
{
	char cn[256];
	r->a = mkstr(vm, vn_dotted(a[0].a->cls->name, cn, sizeof cn));
}
NATIVE(thr_fillIn)
{
	struct vn_obj *t = trace_string(vm, true);
	VN_FIELD(a[0].a, vm->off_thr_trace, struct vn_obj *) = t;
}
NATIVE(dbl_toString) { char b[64]; vn_fmt_double(a[0].d, b); r->a = mkstr(vm, b); }
NATIVE(flt_toString) { char b[64]; vn_fmt_float(a[0].f, b); r->a = mkstr(vm, b); }
NATIVE(int_toString) { char b[32]; snprintf(b, sizeof b, "%d", a[0].i); r->a = mkstr(vm, b); }
NATIVE(long_toString) { char b[32]; snprintf(b, sizeof b, "%lld", (long long)a[0].j); r->a = mkstr(vm, b); }
NATIVE(dbl_toBits) { UNUSED_ARGS; memcpy(&r->j, &a[0].d, 8); }
NATIVE(dbl_fromBits) { UNUSED_ARGS; memcpy(&r->d, &a[0].j, 8); }
NATIVE(flt_toBits) { UNUSED_ARGS; int32_t i; memcpy(&i, &a[0].f, 4); r->j = i; }
NATIVE(flt_fromBits) { UNUSED_ARGS; r->raw = 0; memcpy(&r->f, &a[0].i, 4); }
NATIVE(dbl_parse)
{
	char b[128];
	vn_str_utf8(vm, a[0].a, b, sizeof b);
	char *end;
	const char *s = b;
	while (*s == ' ')
		s++;
	double d = strtod(s, &end);
	while (*end == ' ' || *end == 'd' || *end == 'D' || *end == 'f' || *end == 'F')
		end++;
	if (end == s || *end || strchr(s, 'x') || strchr(s, 'X') ||
	    (isnan(d) && !strstr(s, "NaN")) || (isinf(d) && !strstr(s, "Infinity")))
		vn_throw(vm, "java/lang/NumberFormatException", "For input string: \"%s\"", b);
	else
		r->d = d;
}

#define MATH1(name, fn) NATIVE(name) { UNUSED_ARGS; r->d = fn(a[0].d); }
MATH1(m_sqrt, sqrt) MATH1(m_floor, floor) MATH1(m_ceil, ceil) MATH1(m_sin, sin) MATH1(m_cos, cos)
MATH1(m_tan, tan) MATH1(m_atan, atan) MATH1(m_exp, exp) MATH1(m_log, log) MATH1(m_log10, log10)
MATH1(m_rint, rint) MATH1(m_asin, asin) MATH1(m_acos, acos)
/* exact for perfect cubes, as Java's (fdlibm) cbrt is */
NATIVE(m_cbrt)
{
	double x = a[0].d, c = cbrt(x), n = nearbyint(c);
	r->d = (n * n * n == x) ? n : c;
}
NATIVE(m_pow) { UNUSED_ARGS; r->d = pow(a[0].d, a[2].d); }
NATIVE(m_atan2) { UNUSED_ARGS; r->d = atan2(a[0].d, a[2].d); }
NATIVE(m_hypot) { UNUSED_ARGS; r->d = hypot(a[0].d, a[2].d); }
static double jmax(double x, double y)
{
	if (x != x)
		return x;
	if (x == 0 && y == 0)
		return signbit(x) ? y : x;
	return x >= y ? x : y;
}
static double jmin(double x, double y)
{
	if (x != x)
		return x;
	if (x == 0 && y == 0)
		return signbit(x) ? x : y;
	return x <= y ? x : y;
}
NATIVE(m_maxd) { UNUSED_ARGS; r->d = (a[2].d != a[2].d) ? a[2].d : jmax(a[0].d, a[2].d); }
NATIVE(m_mind) { UNUSED_ARGS; r->d = (a[2].d != a[2].d) ? a[2].d : jmin(a[0].d, a[2].d); }
NATIVE(m_maxf) { UNUSED_ARGS; r->raw = 0; r->f = (a[1].f != a[1].f) ? a[1].f : (float)jmax(a[0].f, a[1].f); }
NATIVE(m_minf) { UNUSED_ARGS; r->raw = 0; r->f = (a[1].f != a[1].f) ? a[1].f : (float)jmin(a[0].f, a[1].f); }
NATIVE(m_roundd)
{
	UNUSED_ARGS;
	double x = a[0].d;
	if (x != x) {
		r->j = 0;
		return;
	}
	double f = floor(x);
	if (x - f >= 0.5)
		f += 1;
	r->j = f >= 9223372036854775807.0 ? INT64_MAX : f <= -9223372036854775808.0 ? INT64_MIN : (int64_t)f;
}
NATIVE(m_roundf)
{
	UNUSED_ARGS;
	float x = a[0].f;
	if (x != x) {
		r->j = 0;
		return;
	}
	float f = floorf(x);
	if (x - f >= 0.5f)
		f += 1;
	r->j = f >= 2147483647.0f ? INT32_MAX : f <= -2147483648.0f ? INT32_MIN : (int32_t)f;
}

NATIVE(sys_nanoTime)
{
	UNUSED_ARGS;
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	r->j = (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}
NATIVE(sys_millis)
{
	UNUSED_ARGS;
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	r->j = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}
NATIVE(sys_identityHash) { UNUSED_ARGS; r->j = a[0].a ? (int32_t)ihash(a[0].a) : 0; }
NATIVE(sys_arraycopy)
{
	(void)r;
	struct vn_obj *s = a[0].a, *d = a[2].a;
	int32_t sp = a[1].i, dp = a[3].i, n = a[4].i;
	if (!s || !d) {
		vn_throw(vm, "java/lang/NullPointerException", NULL);
		return;
	}
	char cn[256];
	if (!s->cls->ek || !d->cls->ek) {
		vn_throw(vm, "java/lang/ArrayStoreException", "arraycopy: %s type %s is not an array",
			 !s->cls->ek ? "source" : "destination",
			 vn_dotted((!s->cls->ek ? s : d)->cls->name, cn, sizeof cn));
		return;
	}
	if (s->cls->ek != d->cls->ek) {
		vn_throw(vm, "java/lang/ArrayStoreException", "arraycopy: type mismatch");
		return;
	}
	if (sp < 0 || dp < 0 || n < 0 || (int64_t)sp + n > s->len || (int64_t)dp + n > d->len) {
		vn_throw(vm, "java/lang/ArrayIndexOutOfBoundsException", "arraycopy: last %s index %lld out of bounds for length %d",
			 ((int64_t)sp + n > s->len || sp < 0) ? "source" : "destination",
			 (long long)(((int64_t)sp + n > s->len || sp < 0) ? (int64_t)sp + n : (int64_t)dp + n),
			 ((int64_t)sp + n > s->len || sp < 0) ? s->len : d->len);
		return;
	}
	uint32_t es = s->cls->esize;
	if (s->cls->ek == EK_REF) {
		struct vn_obj **se = (struct vn_obj **)VN_ADATA(s), **de = (struct vn_obj **)VN_ADATA(d);
		bool check = s->cls != d->cls && !vn_class_sub(s->cls, d->cls);
		/* element by element when types or packets need checking; memmove semantics */
		struct vn_obj **tmp = malloc((size_t)(n ? n : 1) * sizeof(*tmp));
		if (!tmp)
			vn_abort(vm, "out of memory");
		memcpy(tmp, se + sp, (size_t)n * sizeof(*tmp));
		for (int32_t i = 0; i < n; i++) {
			struct vn_obj *v = tmp[i];
			if (check && v && !vn_class_sub(v->cls, d->cls->comp)) {
				free(tmp);
				vn_throw(vm, "java/lang/ArrayStoreException", "arraycopy: element type mismatch");
				return;
			}
			if ((v && v->cls == vm->c_packet) || (de[dp + i] && de[dp + i]->cls == vm->c_packet))
				vn_pkt_store(vm, de[dp + i], v);
			de[dp + i] = v;
		}
		free(tmp);
		return;
	}
	memmove(VN_ADATA(d) + (size_t)dp * es, VN_ADATA(s) + (size_t)sp * es, (size_t)n * es);
}

NATIVE(ps_write)
{
	(void)r;
	struct vn_obj *s = a[0].a;
	bool err = a[1].i;
	char stackbuf[1024];
	size_t cap = s ? (size_t)str_chars(vm, s)->len * 4 + 8 : 8;
	char *b = cap <= sizeof stackbuf ? stackbuf : malloc(cap);
	if (!b)
		vn_abort(vm, "out of memory");
	size_t n = vn_str_utf8(vm, s, b, cap);
	if (err) {
		fflush(stdout);
		fwrite(b, 1, n, stderr);
	} else {
		vn_out(vm, b, n);
	}
	if (b != stackbuf)
		free(b);
}

/* ---- VIFlet and Packet ---- */

NATIVE(vf_setTimer) { UNUSED_ARGS; if (vm->host.set_timer) vm->host.set_timer(vm->host.ctx, a[1].i); }
NATIVE(vf_now)
{
	UNUSED_ARGS;
	if (vm->host.now_us) {
		r->j = vm->host.now_us(vm->host.ctx);
	} else {
		struct timespec ts;
		clock_gettime(CLOCK_MONOTONIC, &ts);
		r->j = (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
	}
}
NATIVE(vf_conf)
{
	char key[256];
	if (!a[1].a) {
		vn_throw(vm, "java/lang/NullPointerException", NULL);
		return;
	}
	vn_str_utf8(vm, a[1].a, key, sizeof key);
	const char *v = vm->host.conf ? vm->host.conf(vm->host.ctx, key) : NULL;
	r->a = v ? mkstr(vm, v) : NULL;
}

static void *pkt_handle(struct vn_vm *vm, struct vn_obj *p)
{
	void *h = p ? VN_FIELD(p, vm->off_pkt_handle, void *) : NULL;
	if (!p)
		vn_throw(vm, "java/lang/NullPointerException", NULL);
	else if (!h)
		vn_throw(vm, "java/lang/IllegalStateException", "packet has left the VIFlet");
	return h;
}

NATIVE(vf_drop)
{
	(void)r;
	struct vn_obj *p = a[1].a;
	void *h = pkt_handle(vm, p);
	if (!h)
		return;
	if (p->len > 0)
		vn_abort(vm, "packet rule violated: drop() of a packet still stored in the heap");
	vn_pkt_forget(vm, p);
	if (vm->host.pkt_drop)
		vm->host.pkt_drop(vm->host.ctx, h);
}

/* The packet's bytes from the network header on (asked of the host once). */
static inline const uint8_t *pkt_bytes(struct vn_vm *vm, struct vn_obj *p, uint32_t *len)
{
	void *h = pkt_handle(vm, p);
	*len = 0;
	if (!h)
		return NULL;
	if (VN_FIELD(p, vm->off_pkt_dlen, int32_t) < 0) {
		uint32_t n = 0;
		const uint8_t *d = vm->host.pkt_data ? vm->host.pkt_data(vm->host.ctx, h, &n) : NULL;
		if (!d || n > INT32_MAX)
			n = 0;
		VN_FIELD(p, vm->off_pkt_data, const uint8_t *) = d;
		VN_FIELD(p, vm->off_pkt_dlen, int32_t) = (int32_t)n;
	}
	*len = (uint32_t)VN_FIELD(p, vm->off_pkt_dlen, int32_t);
	return VN_FIELD(p, vm->off_pkt_data, const uint8_t *);
}

NATIVE(pk_length)
{
	struct vn_obj *p = a[0].a;
	void *h = pkt_handle(vm, p);
	if (!h)
		return;
	if (VN_FIELD(p, vm->off_pkt_wlen, int32_t) < 0) {
		uint32_t l = 0;
		if (vm->host.pkt_length)
			l = vm->host.pkt_length(vm->host.ctx, h);
		else if (vm->host.pkt_data)
			vm->host.pkt_data(vm->host.ctx, h, &l);
		VN_FIELD(p, vm->off_pkt_wlen, int32_t) = (int32_t)(l & INT32_MAX);
	}
	r->j = VN_FIELD(p, vm->off_pkt_wlen, int32_t);
}

static void pk_get(struct vn_vm *vm, vn_slot *a, vn_slot *r, uint32_t w)
{
	uint32_t len;
	const uint8_t *d = pkt_bytes(vm, a[0].a, &len);
	if (vm->exc)
		return;
	int32_t off = a[1].i;
	if (off < 0 || (uint64_t)off + w > len) {
		vn_throw(vm, "java/lang/ArrayIndexOutOfBoundsException", "Index %d out of bounds for length %u",
			 (int)off, len);
		return;
	}
	uint32_t v = 0;
	for (uint32_t i = 0; i < w; i++)
		v = v << 8 | d[off + i];
	r->j = (int32_t)v;
}
NATIVE(pk_getByte) { pk_get(vm, a, r, 1); }
NATIVE(pk_getShort) { pk_get(vm, a, r, 2); }
NATIVE(pk_getInt) { pk_get(vm, a, r, 4); }

/* Transport protocol and the offset of its header (IPv4, IPv6 with the common
 * extension headers). */
static int l4(const uint8_t *d, uint32_t len, uint32_t *off)
{
	if (len < 1)
		return 0;
	if (d[0] >> 4 == 4 && len >= 20) {
		uint32_t ihl = (d[0] & 15u) * 4;
		*off = ihl;
		if ((d[6] & 0x1f) || d[7])   /* not the first fragment: no ports */
			*off = UINT32_MAX;
		return d[9];
	}
	if (d[0] >> 4 == 6 && len >= 40) {
		uint32_t o = 40;
		int nh = d[6];
		for (int k = 0; k < 8; k++) {
			if ((nh == 0 || nh == 43 || nh == 60) && o + 8 <= len) {
				nh = d[o];
				o += 8u + d[o + 1] * 8u;
			} else if (nh == 44 && o + 8 <= len) {
				nh = d[o];
				o += 8;
			} else {
				break;
			}
		}
		*off = o;
		return nh;
	}
	return 0;
}

/* A big-endian 32-bit word at an unaligned address (one load and a byte
 * swap where the compiler knows them; the per-packet path, issue 9). */
static inline uint32_t be32(const uint8_t *d)
{
	uint32_t v;
	memcpy(&v, d, 4);
#if defined(__GNUC__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	return __builtin_bswap32(v);
#else
	return (uint32_t)d[0] << 24 | (uint32_t)d[1] << 16 | (uint32_t)d[2] << 8 | d[3];
#endif
}

/* The transport protocol and ports, worked out once per packet into the
 * object's proto and ports. false with an exception pending (p null or
 * gone; the JIT calls it only for a held packet). */
bool vn_pkt_l4(struct vn_vm *vm, struct vn_obj *p)
{
	uint32_t len, off = UINT32_MAX;
	const uint8_t *d = pkt_bytes(vm, p, &len);
	if (vm->exc)
		return false;
	if (VN_FIELD(p, vm->off_pkt_proto, int32_t) >= 0)
		return true;
	int proto = d ? l4(d, len, &off) : 0;
	uint32_t ports = 0;
	if ((proto == 6 || proto == 17 || proto == 132) && off != UINT32_MAX && off + 4 <= len)
		ports = be32(d + off);
	else if ((proto == 6 || proto == 17 || proto == 132) && off != UINT32_MAX && off + 2 <= len)
		ports = (uint32_t)d[off] << 24 | (uint32_t)d[off + 1] << 16;   /* a source port only */
	VN_FIELD(p, vm->off_pkt_proto, int32_t) = proto;
	VN_FIELD(p, vm->off_pkt_ports, uint32_t) = ports;
	return true;
}

NATIVE(pk_protocol)
{
	if (vn_pkt_l4(vm, a[0].a))
		r->j = VN_FIELD(a[0].a, vm->off_pkt_proto, int32_t);
}
NATIVE(pk_srcPort)
{
	if (vn_pkt_l4(vm, a[0].a))
		r->j = VN_FIELD(a[0].a, vm->off_pkt_ports, uint32_t) >> 16;
}
NATIVE(pk_dstPort)
{
	if (vn_pkt_l4(vm, a[0].a))
		r->j = VN_FIELD(a[0].a, vm->off_pkt_ports, uint32_t) & 0xffff;
}
NATIVE(pk_inbound)
{
	void *h = pkt_handle(vm, a[0].a);
	if (h)
		r->j = vm->host.pkt_inbound ? vm->host.pkt_inbound(vm->host.ctx, h) : 0;
}
NATIVE(pk_pid)
{
	void *h = pkt_handle(vm, a[0].a);
	if (h)
		r->j = vm->host.pkt_pid ? vm->host.pkt_pid(vm->host.ctx, h) : 0;
}
NATIVE(pk_checksum)
{
	uint32_t len;
	const uint8_t *d = pkt_bytes(vm, a[0].a, &len);
	if (vm->exc)
		return;
	int32_t off = a[1].i, n = a[2].i;
	if (off < 0 || n < 0 || (uint64_t)off + (uint64_t)n > len) {
		vn_throw(vm, "java/lang/ArrayIndexOutOfBoundsException", "Range [%d, %d) out of bounds for length %u",
			 (int)off, (int)off + (int)n, len);
		return;
	}
	uint64_t s = 0;
	for (int32_t i = 0; i + 1 < n; i += 2)
		s += (uint32_t)(d[off + i] << 8 | d[off + i + 1]);
	if (n & 1)
		s += (uint32_t)d[off + n - 1] << 8;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	r->j = (int32_t)(~s & 0xffff);
}

struct ntab { const char *cls, *name, *desc; vn_native_fn fn; };
static const struct ntab natives[] = {
	{ "java/lang/Object", "hashCode", "()I", obj_hashCode },
	{ "java/lang/Object", "toString", "()Ljava/lang/String;", obj_toString },
	{ "java/lang/Throwable", "className", "()Ljava/lang/String;", thr_className },
	{ "java/lang/Throwable", "fillIn", "()V", thr_fillIn },
	{ "java/lang/Double", "toString", "(D)Ljava/lang/String;", dbl_toString },
	{ "java/lang/Double", "doubleToRawLongBits", "(D)J", dbl_toBits },
	{ "java/lang/Double", "longBitsToDouble", "(J)D", dbl_fromBits },
	{ "java/lang/Double", "parseDouble", "(Ljava/lang/String;)D", dbl_parse },
	{ "java/lang/Float", "toString", "(F)Ljava/lang/String;", flt_toString },
	{ "java/lang/Float", "floatToRawIntBits", "(F)I", flt_toBits },
	{ "java/lang/Float", "intBitsToFloat", "(I)F", flt_fromBits },
	{ "java/lang/Integer", "toString", "(I)Ljava/lang/String;", int_toString },
	{ "java/lang/Long", "toString", "(J)Ljava/lang/String;", long_toString },
	{ "java/lang/Math", "sqrt", "(D)D", m_sqrt },
	{ "java/lang/Math", "floor", "(D)D", m_floor },
	{ "java/lang/Math", "ceil", "(D)D", m_ceil },
	{ "java/lang/Math", "sin", "(D)D", m_sin },
	{ "java/lang/Math", "cos", "(D)D", m_cos },
	{ "java/lang/Math", "tan", "(D)D", m_tan },
	{ "java/lang/Math", "asin", "(D)D", m_asin },
	{ "java/lang/Math", "acos", "(D)D", m_acos },
	{ "java/lang/Math", "atan", "(D)D", m_atan },
	{ "java/lang/Math", "exp", "(D)D", m_exp },
	{ "java/lang/Math", "log", "(D)D", m_log },
	{ "java/lang/Math", "log10", "(D)D", m_log10 },
	{ "java/lang/Math", "rint", "(D)D", m_rint },
	{ "java/lang/Math", "cbrt", "(D)D", m_cbrt },
	{ "java/lang/Math", "pow", "(DD)D", m_pow },
	{ "java/lang/Math", "atan2", "(DD)D", m_atan2 },
	{ "java/lang/Math", "hypot", "(DD)D", m_hypot },
	{ "java/lang/Math", "max", "(DD)D", m_maxd },
	{ "java/lang/Math", "min", "(DD)D", m_mind },
	{ "java/lang/Math", "max", "(FF)F", m_maxf },
	{ "java/lang/Math", "min", "(FF)F", m_minf },
	{ "java/lang/Math", "round", "(D)J", m_roundd },
	{ "java/lang/Math", "round", "(F)I", m_roundf },
	{ "java/lang/System", "nanoTime", "()J", sys_nanoTime },
	{ "java/lang/System", "currentTimeMillis", "()J", sys_millis },
	{ "java/lang/System", "identityHashCode", "(Ljava/lang/Object;)I", sys_identityHash },
	{ "java/lang/System", "arraycopy", "(Ljava/lang/Object;ILjava/lang/Object;II)V", sys_arraycopy },
	{ "java/io/PrintStream", "write0", "(Ljava/lang/String;Z)V", ps_write },
	{ "VIFlet", "setTimer", "(I)V", vf_setTimer },
	{ "VIFlet", "now", "()J", vf_now },
	{ "VIFlet", "conf", "(Ljava/lang/String;)Ljava/lang/String;", vf_conf },
	{ "VIFlet", "drop", "(LPacket;)V", vf_drop },
	{ "Packet", "length", "()I", pk_length },
	{ "Packet", "getByte", "(I)I", pk_getByte },
	{ "Packet", "getShort", "(I)I", pk_getShort },
	{ "Packet", "getInt", "(I)I", pk_getInt },
	{ "Packet", "protocol", "()I", pk_protocol },
	{ "Packet", "srcPort", "()I", pk_srcPort },
	{ "Packet", "dstPort", "()I", pk_dstPort },
	{ "Packet", "inbound", "()Z", pk_inbound },
	{ "Packet", "pid", "()I", pk_pid },
	{ "Packet", "checksum", "(II)I", pk_checksum },
};

vn_native_fn vn_native_lookup(const char *cls, const char *name, const char *desc)
{
	for (size_t i = 0; i < sizeof natives / sizeof natives[0]; i++)
		if (!strcmp(natives[i].cls, cls) && !strcmp(natives[i].name, name) && !strcmp(natives[i].desc, desc))
			return natives[i].fn;
	return NULL;
}

/* Resolves the offsets natives use; called once the core classes are loaded. */
int vn_natives_init(struct vn_vm *vm)
{
	struct vn_field *f;
	if (!(f = vn_field_resolve(vm->c_string, "value", "[C")))
		return -1;
	vm->off_str_value = f->off;
	if (!(f = vn_field_resolve(vm->c_throwable, "message", "Ljava/lang/String;")))
		return -1;
	vm->off_thr_msg = f->off;
	if (!(f = vn_field_resolve(vm->c_throwable, "trace", "Ljava/lang/String;")))
		return -1;
	vm->off_thr_trace = f->off;
	if (!(f = vn_field_resolve(vm->c_packet, "handle", "J")))
		return -1;
	vm->off_pkt_handle = f->off;
	if (!(f = vn_field_resolve(vm->c_packet, "slot", "I")))
		return -1;
	vm->off_pkt_slot = f->off;
	static const struct { const char *name, *desc; size_t at; } caches[] = {
		{ "data", "J", offsetof(struct vn_vm, off_pkt_data) },
		{ "dlen", "I", offsetof(struct vn_vm, off_pkt_dlen) },
		{ "proto", "I", offsetof(struct vn_vm, off_pkt_proto) },
		{ "ports", "I", offsetof(struct vn_vm, off_pkt_ports) },
		{ "wlen", "I", offsetof(struct vn_vm, off_pkt_wlen) },
	};
	for (size_t k = 0; k < sizeof caches / sizeof caches[0]; k++) {
		if (!(f = vn_field_resolve(vm->c_packet, caches[k].name, caches[k].desc)))
			return -1;
		*(uint32_t *)((char *)vm + caches[k].at) = f->off;
	}
	if (!(f = vn_field_resolve(vm->c_viflet, "length", "I")))
		return -1;
	vm->off_viflet_length = f->off;
	return 0;
}
