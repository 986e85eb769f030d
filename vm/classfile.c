/* Class file parser (JVMS chapter 4): constant pool, fields, methods and the
 * attributes the VM uses (Code, StackMapTable, LineNumberTable, ConstantValue,
 * BootstrapMethods, SourceFile). Every read is bounds-checked; a malformed
 * file yields NULL and a message, never a crash. Pointers into the code keep
 * referring to the class's own copy of the file bytes. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vm_int.h"

struct rd {
	const uint8_t *p, *end;
	bool bad;
	char *err; size_t errlen;
};

static void fail(struct rd *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void fail(struct rd *r, const char *fmt, ...)
{
	if (r->bad)
		return;
	r->bad = true;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(r->err, r->errlen, fmt, ap);
	va_end(ap);
}

static bool need(struct rd *r, size_t n)
{
	if (r->bad || (size_t)(r->end - r->p) < n) {
		fail(r, "truncated class file");
		r->p = r->end;
		return false;
	}
	return true;
}
static uint8_t u1(struct rd *r) { return need(r, 1) ? *r->p++ : 0; }
static uint16_t u2(struct rd *r)
{
	if (!need(r, 2))
		return 0;
	uint16_t v = (uint16_t)(r->p[0] << 8 | r->p[1]);
	r->p += 2;
	return v;
}
static uint32_t u4(struct rd *r)
{
	if (!need(r, 4))
		return 0;
	uint32_t v = (uint32_t)r->p[0] << 24 | (uint32_t)r->p[1] << 16 | (uint32_t)r->p[2] << 8 | r->p[3];
	r->p += 4;
	return v;
}

static const char *utf8_at(struct vn_class *c, uint16_t i)
{
	if (i == 0 || i >= c->cp_count || c->cp[i].tag != CP_UTF8)
		return NULL;
	return c->cp[i].v.u.s;
}

/* Reads an attribute's header (name, length) and checks that its body fits:
 * r->p is then at the body. The name is NULL when it is not a Utf8 entry, so
 * an unknown or malformed name is skipped like any attribute we ignore. */
static bool attr_header(struct rd *r, struct vn_class *c, const char **name, uint32_t *len)
{
	*name = utf8_at(c, u2(r));
	*len = u4(r);
	return need(r, *len);
}

/* Number of argument slots of a method descriptor, -1 if malformed. */
int vn_desc_slots(const char *d, char *ret)
{
	if (!d || *d != '(')
		return -1;
	int n = 0;
	d++;
	while (*d && *d != ')') {
		const char *s = d;
		while (*d == '[')
			d++;
		if (*d == 'L') {
			const char *e = strchr(d, ';');
			if (!e || e == d + 1)
				return -1;
			d = e + 1;
			n++;
		} else if (strchr("BCFISZ", *d) && *d) {
			n++;
			d++;
		} else if ((*d == 'J' || *d == 'D') && *d) {
			n += (d == s) ? 2 : 1;
			d++;
		} else {
			return -1;
		}
	}
	if (*d != ')')
		return -1;
	d++;
	char rc = *d;
	if (rc == '[')
		rc = 'L';
	if (!rc || !strchr("VIJFDLZBCS", rc))
		return -1;
	if (ret)
		*ret = rc;
	return n;
}

static bool field_desc_ok(const char *d)
{
	while (*d == '[')
		d++;
	if (*d == 'L') {
		const char *e = strchr(d, ';');
		return e && e > d + 1 && e[1] == 0;
	}
	return *d && strchr("BCDFIJSZ", *d) && d[1] == 0;
}

static void parse_code(struct rd *r, struct vn_class *c, struct vn_method *m, uint32_t alen)
{
	const uint8_t *end = r->p + alen;
	m->max_stack = u2(r);
	m->max_locals = u2(r);
	uint32_t clen = u4(r);
	if (clen == 0 || clen >= 65536) {
		fail(r, "%s.%s: bad code length %u", c->name, m->name, clen);
		return;
	}
	if (!need(r, clen))
		return;
	m->code = r->p;
	m->code_len = clen;
	r->p += clen;
	uint16_t ne = u2(r);
	if (!need(r, (size_t)ne * 8))
		return;
	struct vn_exc_entry *ex = calloc(ne ? ne : 1, sizeof(*ex));
	if (!ex) {
		fail(r, "out of memory");
		return;
	}
	for (uint16_t i = 0; i < ne; i++) {
		ex[i].start = u2(r);
		ex[i].end = u2(r);
		ex[i].handler = u2(r);
		ex[i].type = u2(r);
	}
	m->exc = ex;
	m->nexc = ne;
	uint16_t na = u2(r);
	for (uint16_t i = 0; i < na && !r->bad; i++) {
		const char *an;
		uint32_t l;
		if (!attr_header(r, c, &an, &l))
			return;
		if (an && !strcmp(an, "StackMapTable")) {
			m->smt = r->p;
			m->smt_len = l;
		} else if (an && !strcmp(an, "LineNumberTable")) {
			m->lnt = r->p;
			m->lnt_len = l;
		}
		r->p += l;
	}
	if (r->p != end)
		fail(r, "%s.%s: Code attribute length mismatch", c->name, m->name);
}

struct vn_class *vn_classfile_parse(const uint8_t *data, size_t len, char *err, size_t errlen)
{
	struct rd r = { .err = err, .errlen = errlen };
	struct vn_class *c = calloc(1, sizeof(*c));
	if (!c) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	c->bytes = malloc(len ? len : 1);
	if (!c->bytes) {
		free(c);
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	memcpy(c->bytes, data, len);
	c->nbytes = len;
	r.p = c->bytes;
	r.end = c->bytes + len;

	if (u4(&r) != 0xCAFEBABE) {
		fail(&r, "not a class file (bad magic)");
		goto out;
	}
	u2(&r);                       /* minor */
	c->major = u2(&r);
	if (c->major < 45 || c->major > 61)
		fail(&r, "unsupported class file version %u (45..61 accepted)", c->major);
	c->cp_count = u2(&r);
	if (r.bad)
		goto out;
	if (c->cp_count == 0) {
		fail(&r, "empty constant pool");
		goto out;
	}
	c->cp = calloc(c->cp_count, sizeof(*c->cp));
	/* all UTF8 copies live in one block: at most the file's size plus NULs */
	c->strs = malloc(len + c->cp_count + 1);
	if (!c->cp || !c->strs) {
		fail(&r, "out of memory");
		goto out;
	}
	char *sp = c->strs;
	for (uint32_t i = 1; i < c->cp_count && !r.bad; i++) {
		struct vn_cp *e = &c->cp[i];
		e->tag = u1(&r);
		switch (e->tag) {
		case CP_UTF8: {
			uint16_t l = u2(&r);
			if (!need(&r, l))
				break;
			for (uint16_t k = 0; k < l; k++)
				if (r.p[k] == 0 || r.p[k] >= 0xf0) {
					fail(&r, "constant pool #%u: bad modified UTF-8", i);
					break;
				}
			memcpy(sp, r.p, l);
			sp[l] = 0;
			e->v.u.s = sp;
			e->v.u.len = l;
			sp += l + 1;
			r.p += l;
			break;
		}
		case CP_INT: e->v.i = (int32_t)u4(&r); break;
		case CP_FLOAT: { uint32_t b = u4(&r); memcpy(&e->v.f, &b, 4); break; }
		case CP_LONG: case CP_DOUBLE: {
			uint64_t hi = u4(&r), lo = u4(&r), b = hi << 32 | lo;
			memcpy(&e->v.j, &b, 8);
			if (i + 1 >= c->cp_count)
				fail(&r, "constant pool #%u: 8-byte constant at the end", i);
			i++;          /* takes two entries; the second stays tag 0 */
			break;
		}
		case CP_CLASS: case CP_STRING: case CP_MTYPE: case CP_MODULE: case CP_PACKAGE:
			e->a = u2(&r);
			break;
		case CP_FIELD: case CP_METHOD: case CP_IMETHOD: case CP_NAT:
		case CP_DYNAMIC: case CP_INDY:
			e->a = u2(&r);
			e->b = u2(&r);
			break;
		case CP_MHANDLE:
			e->a = u1(&r);
			e->b = u2(&r);
			break;
		default:
			fail(&r, "constant pool #%u: unknown tag %u", i, e->tag);
		}
	}
	if (r.bad)
		goto out;
	/* cross-check the constant pool's internal references */
	for (uint32_t i = 1; i < c->cp_count && !r.bad; i++) {
		struct vn_cp *e = &c->cp[i];
		#define WANT(idx, t) do { if ((idx) == 0 || (idx) >= c->cp_count || c->cp[idx].tag != (t)) \
			fail(&r, "constant pool #%u: entry %u is not of tag %u", i, (unsigned)(idx), (t)); } while (0)
		switch (e->tag) {
		case CP_CLASS: case CP_STRING: case CP_MTYPE: WANT(e->a, CP_UTF8); break;
		case CP_FIELD: case CP_METHOD: case CP_IMETHOD:
			WANT(e->a, CP_CLASS); WANT(e->b, CP_NAT); break;
		case CP_NAT: WANT(e->a, CP_UTF8); WANT(e->b, CP_UTF8); break;
		case CP_INDY: case CP_DYNAMIC: WANT(e->b, CP_NAT); break;
		case CP_MHANDLE:
			if (e->a < 1 || e->a > 9 || e->b == 0 || e->b >= c->cp_count ||
			    c->cp[e->b].tag < CP_FIELD || c->cp[e->b].tag > CP_IMETHOD)
				fail(&r, "constant pool #%u: bad method handle", i);
			break;
		}
		#undef WANT
	}
	if (r.bad)
		goto out;
	c->access = u2(&r);
	uint16_t this_i = u2(&r), super_i = u2(&r);
	if (this_i == 0 || this_i >= c->cp_count || c->cp[this_i].tag != CP_CLASS) {
		fail(&r, "bad this_class");
		goto out;
	}
	c->name = strdup(utf8_at(c, c->cp[this_i].a));
	if (!c->name || !c->name[0] || c->name[0] == '[') {
		fail(&r, "bad class name");
		goto out;
	}
	if (super_i) {
		if (super_i >= c->cp_count || c->cp[super_i].tag != CP_CLASS) {
			fail(&r, "bad super_class");
			goto out;
		}
		/* remembered as the name index until linking */
		c->super = NULL;
	} else if (strcmp(c->name, "java/lang/Object")) {
		fail(&r, "%s: no superclass", c->name);
		goto out;
	}
	c->depth = super_i;   /* temporarily: cp index of the superclass */
	c->nifaces = u2(&r);
	if (!need(&r, (size_t)c->nifaces * 2))
		goto out;
	c->ifaces = calloc(c->nifaces ? c->nifaces : 1, sizeof(*c->ifaces));
	if (!c->ifaces) {
		fail(&r, "out of memory");
		goto out;
	}
	for (uint16_t i = 0; i < c->nifaces; i++) {
		uint16_t k = u2(&r);
		if (k == 0 || k >= c->cp_count || c->cp[k].tag != CP_CLASS) {
			fail(&r, "bad interface index");
			goto out;
		}
		/* stash the cp index in the pointer until linking */
		c->ifaces[i] = (struct vn_class *)(uintptr_t)k;
	}
	c->nfields = u2(&r);
	c->fields = calloc(c->nfields ? c->nfields : 1, sizeof(*c->fields));
	if (!c->fields) {
		fail(&r, "out of memory");
		goto out;
	}
	for (uint16_t i = 0; i < c->nfields && !r.bad; i++) {
		struct vn_field *f = &c->fields[i];
		f->access = u2(&r);
		f->name = utf8_at(c, u2(&r));
		f->desc = utf8_at(c, u2(&r));
		f->cls = c;
		if (!f->name || !f->desc || !field_desc_ok(f->desc)) {
			fail(&r, "%s: bad field #%u", c->name, i);
			break;
		}
		uint16_t na = u2(&r);
		for (uint16_t k = 0; k < na && !r.bad; k++) {
			const char *an;
			uint32_t l;
			if (!attr_header(&r, c, &an, &l))
				break;
			if (an && !strcmp(an, "ConstantValue") && l == 2)
				f->cv_index = r.p[0] << 8 | r.p[1];
			r.p += l;
		}
		if (f->cv_index && (f->cv_index >= c->cp_count ||
		    c->cp[f->cv_index].tag < CP_INT || c->cp[f->cv_index].tag > CP_STRING ||
		    c->cp[f->cv_index].tag == CP_CLASS))
			fail(&r, "%s.%s: bad ConstantValue", c->name, f->name);
	}
	if (r.bad)
		goto out;
	c->nmethods = u2(&r);
	c->methods = calloc(c->nmethods ? c->nmethods : 1, sizeof(*c->methods));
	if (!c->methods) {
		fail(&r, "out of memory");
		goto out;
	}
	for (uint16_t i = 0; i < c->nmethods && !r.bad; i++) {
		struct vn_method *m = &c->methods[i];
		m->access = u2(&r);
		m->name = utf8_at(c, u2(&r));
		m->desc = utf8_at(c, u2(&r));
		m->cls = c;
		m->vindex = -1;
		int ns;
		if (!m->name || !m->desc || (ns = vn_desc_slots(m->desc, &m->ret)) < 0) {
			fail(&r, "%s: bad method #%u", c->name, i);
			break;
		}
		m->nargs = (uint16_t)(ns + !(m->access & ACC_STATIC));
		uint16_t na = u2(&r);
		for (uint16_t k = 0; k < na && !r.bad; k++) {
			const char *an;
			uint32_t l;
			if (!attr_header(&r, c, &an, &l))
				break;
			const uint8_t *next = r.p + l;
			if (an && !strcmp(an, "Code")) {
				if (m->code) {
					fail(&r, "%s.%s: two Code attributes", c->name, m->name);
					break;
				}
				parse_code(&r, c, m, l);
			}
			r.p = next;
		}
		if (!r.bad && !m->code && !(m->access & (ACC_NATIVE | ACC_ABSTRACT)))
			fail(&r, "%s.%s%s: no Code", c->name, m->name, m->desc);
		if (!r.bad && m->code && m->nargs > m->max_locals)
			fail(&r, "%s.%s%s: max_locals %u below the arguments' %u slots",
			     c->name, m->name, m->desc, m->max_locals, m->nargs);
	}
	if (r.bad)
		goto out;
	uint16_t na = u2(&r);
	for (uint16_t k = 0; k < na && !r.bad; k++) {
		const char *an;
		uint32_t l;
		if (!attr_header(&r, c, &an, &l))
			break;
		if (an && !strcmp(an, "BootstrapMethods")) {
			c->bsm = r.p;
			c->bsm_len = l;
		} else if (an && !strcmp(an, "SourceFile") && l == 2) {
			c->source = utf8_at(c, (uint16_t)(r.p[0] << 8 | r.p[1]));
		}
		r.p += l;
	}
	if (!r.bad && r.p != r.end)
		fail(&r, "%s: trailing bytes after the class", c->name);
out:
	if (r.bad) {
		vn_classfile_free(c);
		return NULL;
	}
	return c;
}

void vn_classfile_free(struct vn_class *c)
{
	if (!c)
		return;
	for (uint16_t i = 0; c->methods && i < c->nmethods; i++) {
		free((void *)c->methods[i].exc);
		vn_prep_free(c->methods[i].prep);
	}
	free(c->methods);
	free(c->fields);
	free(c->ifaces);
	free(c->cp);
	free(c->strs);
	free(c->bytes);
	free(c->name);
	free(c->vtable);
	free(c->ref_offs);
	free(c->sref_offs);
	free(c->statics);
	free(c->lits);
	free(c);
}
