/* Preparation ("quickening"): translates a verified method's bytecode into an
 * array of fixed-size instructions (struct vn_insn) with every operand
 * pre-resolved: branch targets become instruction indices, constants are
 * inlined, fields become byte offsets, calls become method pointers or vtable
 * indices, string concatenation sites become recipes. Loads and stores of
 * every type collapse into raw slot moves. This is also where features outside
 * the VIFlet subset are rejected, naming class, method, offset and
 * instruction. References are resolved (and classes loaded, not initialized)
 * here, once; class initialization stays lazy, at run time. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vm_int.h"

struct pctx {
	struct vn_vm *vm;
	struct vn_method *m;
	struct vn_class *c;
	struct vn_prep *p;
	int32_t *map;        /* bytecode offset -> insn index, -1 between */
	uint32_t pc;
};

static int reject(struct pctx *x, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int reject(struct pctx *x, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int r = vn_reject_at(x->vm, x->m, x->pc, "", fmt, ap);
	va_end(ap);
	return r;
}


static bool own(struct vn_prep *p, void *mem)
{
	void **no = realloc(p->owned, (p->nowned + 1) * sizeof(*no));
	if (!no)
		return false;
	p->owned = no;
	p->owned[p->nowned++] = mem;
	return true;
}

static bool add_lit(struct vn_class *c, struct vn_obj *s)
{
	struct vn_obj **nl = realloc(c->lits, (c->nlits + 1) * sizeof(*nl));
	if (!nl)
		return false;
	c->lits = nl;
	c->lits[c->nlits++] = s;
	return true;
}

static struct vn_class *res_class(struct pctx *x, uint16_t idx)
{
	struct vn_class *c = x->c;
	if (idx == 0 || idx >= c->cp_count || c->cp[idx].tag != CP_CLASS) {
		reject(x, "bad class constant #%u", idx);
		return NULL;
	}
	if (c->cp[idx].res)
		return c->cp[idx].res;
	struct vn_class *r = vn_class_load(x->vm, c->cp[c->cp[idx].a].v.u.s);
	if (!r) {
		char e[VN_ERRLEN];
		snprintf(e, sizeof e, "%s", x->vm->err);
		reject(x, "%s", e);
		return NULL;
	}
	c->cp[idx].res = r;
	return r;
}

static bool ref_nat(struct pctx *x, uint16_t idx, int tag, uint16_t *cls, const char **name, const char **desc)
{
	struct vn_class *c = x->c;
	if (idx == 0 || idx >= c->cp_count || c->cp[idx].tag != tag) {
		reject(x, "bad member constant #%u", idx);
		return false;
	}
	*cls = c->cp[idx].a;
	struct vn_cp *nat = &c->cp[c->cp[idx].b];
	*name = c->cp[nat->a].v.u.s;
	*desc = c->cp[nat->b].v.u.s;
	return true;
}

/* Private members of library classes are not reachable from other classes. */
static bool accessible(struct pctx *x, struct vn_class *owner, uint16_t acc)
{
	if (!(acc & ACC_PRIVATE) || owner == x->c)
		return true;
	return !owner->rom && !x->c->rom;   /* user nestmates may share privates */
}

static int res_field(struct pctx *x, uint16_t idx, bool is_static, struct vn_field **out)
{
	uint16_t ci;
	const char *name, *desc;
	if (!ref_nat(x, idx, CP_FIELD, &ci, &name, &desc))
		return -1;
	struct vn_class *k = res_class(x, ci);
	if (!k)
		return -1;
	struct vn_field *f = vn_field_resolve(k, name, desc);
	if (!f)
		return reject(x, "no field %s.%s %s", k->name, name, desc);
	if (!!(f->access & ACC_STATIC) != is_static)
		return reject(x, "field %s.%s is %sstatic", k->name, name, is_static ? "not " : "");
	if (!accessible(x, f->cls, f->access))
		return reject(x, "field %s.%s is private", f->cls->name, name);
	*out = f;
	return 0;
}

static int res_method(struct pctx *x, uint16_t idx, int tag, struct vn_class **kc, struct vn_method **out)
{
	uint16_t ci;
	const char *name, *desc;
	struct vn_class *c = x->c;
	if (idx == 0 || idx >= c->cp_count || (c->cp[idx].tag != CP_METHOD && c->cp[idx].tag != CP_IMETHOD))
		return reject(x, "bad method constant #%u", idx);
	if (tag == CP_IMETHOD && c->cp[idx].tag != CP_IMETHOD)
		return reject(x, "invokeinterface on a class method");
	if (!ref_nat(x, idx, c->cp[idx].tag, &ci, &name, &desc))
		return -1;
	struct vn_class *k = res_class(x, ci);
	if (!k)
		return -1;
	struct vn_method *m = vn_method_resolve(k, name, desc);
	if (!m)
		return reject(x, "no method %s.%s%s%s", k->name, name, desc,
			      k->rom ? " in the VIFlet class library (unsupported)" : "");
	if (!accessible(x, m->cls, m->access))
		return reject(x, "method %s.%s%s is private", m->cls->name, name, desc);
	*kc = k;
	*out = m;
	return 0;
}

static int getput_op(char d, int base)
{
	/* base: Q_GETF_B, Q_PUTF_B, Q_GETS_B or Q_PUTS_B; the six variants follow */
	bool put = base == Q_PUTF_B || base == Q_PUTS_B;
	switch (d) {
	case 'B': return base;
	case 'Z': return put ? base + 1 : base;
	case 'C': return put ? base + 2 : base + 1;
	case 'S': return base + 2;
	case 'I': case 'F': return base + 3;
	case 'J': case 'D': return base + 4;
	default: return base + 5;
	}
}

static int prep_concat(struct pctx *x, struct vn_insn *in, uint16_t idx)
{
	struct vn_class *c = x->c;
	struct vn_vm *vm = x->vm;
	if (idx == 0 || idx >= c->cp_count || c->cp[idx].tag != CP_INDY)
		return reject(x, "bad invokedynamic constant");
	uint16_t bi = c->cp[idx].a;
	struct vn_cp *nat = &c->cp[c->cp[idx].b];
	const char *name = c->cp[nat->a].v.u.s, *desc = c->cp[nat->b].v.u.s;
	/* find bootstrap method #bi */
	if (!c->bsm || c->bsm_len < 2)
		return reject(x, "invokedynamic without BootstrapMethods");
	const uint8_t *p = c->bsm, *end = c->bsm + c->bsm_len;
	uint16_t n = vn_rd2(p);
	p += 2;
	const uint8_t *ent = NULL;
	for (uint16_t i = 0; i < n; i++) {
		if (end - p < 4)
			return reject(x, "bad BootstrapMethods");
		uint16_t na = vn_rd2(p + 2);
		if (end - p < 4 + 2 * na)
			return reject(x, "bad BootstrapMethods");
		if (i == bi)
			ent = p;
		p += 4 + 2 * na;
	}
	if (!ent)
		return reject(x, "bad bootstrap index %u", bi);
	uint16_t mh = vn_rd2(ent), na = vn_rd2(ent + 2);
	const char *bcls = "?", *bname = "?";
	if (mh && mh < c->cp_count && c->cp[mh].tag == CP_MHANDLE) {
		struct vn_cp *r = &c->cp[c->cp[mh].b];
		bcls = c->cp[c->cp[r->a].a].v.u.s;
		bname = c->cp[c->cp[r->b].a].v.u.s;
	}
	if (strcmp(bcls, "java/lang/invoke/StringConcatFactory") || strcmp(bname, "makeConcatWithConstants"))
		return reject(x, "invokedynamic %s via %s.%s is not supported (only string concatenation; "
			      "lambdas and method references are not)", name, bcls, bname);
	if (na < 1)
		return reject(x, "concatenation without a recipe");
	uint16_t ri = vn_rd2(ent + 4);
	if (ri == 0 || ri >= c->cp_count || c->cp[ri].tag != CP_STRING)
		return reject(x, "concatenation recipe is not a string");
	char rt;
	int ns = vn_desc_slots(desc, &rt);
	if (ns < 0 || strcmp(strrchr(desc, ')'), ")Ljava/lang/String;"))
		return reject(x, "bad concatenation descriptor %s", desc);
	struct vn_concat *k = calloc(1, sizeof(*k));
	if (!k || !own(x->p, k))
		return reject(x, "out of memory");
	k->nslots = (uint32_t)ns;
	k->types = malloc(strlen(desc) + 1);
	if (!k->types || !own(x->p, k->types))
		return reject(x, "out of memory");
	for (const char *d = desc + 1; *d != ')';) {
		const char *s = d;
		while (*d == '[')
			d++;
		if (*d == 'L')
			d = strchr(d, ';');
		d++;
		char t = *s;
		/* a String argument prints as is, other references through toString() */
		if (t == '[')
			t = 'L';
		else if (t == 'L' && d - s == 18 && !strncmp(s, "Ljava/lang/String;", 18))
			t = 'T';
		k->types[k->nargs++] = t;
	}
	/* decode the recipe's modified UTF-8 to UTF-16 */
	const char *rs = c->cp[c->cp[ri].a].v.u.s;
	uint32_t rl = c->cp[c->cp[ri].a].v.u.len;
	k->recipe = malloc((rl + 1) * sizeof(uint16_t));
	if (!k->recipe || !own(x->p, k->recipe))
		return reject(x, "out of memory");
	uint32_t nargs = 0, nconst = 0;
	for (uint32_t i = 0; i < rl;) {
		uint8_t b0 = (uint8_t)rs[i];
		uint16_t ch;
		if (b0 < 0x80) {
			ch = b0;
			i++;
		} else if ((b0 & 0xe0) == 0xc0 && i + 1 < rl) {
			ch = (uint16_t)((b0 & 0x1f) << 6 | (rs[i + 1] & 0x3f));
			i += 2;
		} else if (i + 2 < rl) {
			ch = (uint16_t)((b0 & 0x0f) << 12 | (rs[i + 1] & 0x3f) << 6 | (rs[i + 2] & 0x3f));
			i += 3;
		} else {
			return reject(x, "bad recipe encoding");
		}
		if (ch == 1)
			nargs++;
		if (ch == 2)
			nconst++;
		k->recipe[k->rlen++] = ch;
	}
	if (nargs != k->nargs)
		return reject(x, "recipe has %u arguments, descriptor %u", nargs, k->nargs);
	if (nconst != (uint32_t)na - 1)
		return reject(x, "recipe has %u constants, bootstrap %u", nconst, na - 1);
	if (nconst) {
		k->consts = calloc(nconst, sizeof(*k->consts));
		if (!k->consts || !own(x->p, k->consts))
			return reject(x, "out of memory");
		for (uint32_t i = 0; i < nconst; i++) {
			uint16_t ci = vn_rd2(ent + 6 + 2 * i);
			if (ci == 0 || ci >= c->cp_count || c->cp[ci].tag != CP_STRING)
				return reject(x, "non-string concatenation constant");
			struct vn_cp *u = &c->cp[c->cp[ci].a];
			struct vn_obj *s = vn_str_from_mutf8(vm, u->v.u.s, u->v.u.len);
			if (!s || !add_lit(c, s))
				return reject(x, "out of memory");
			k->consts[i] = s;
			k->nconsts++;
		}
	}
	in->op = Q_CONCAT;
	in->u.p = k;
	return 0;
}

static int prep_switch(struct pctx *x, struct vn_insn *in, const uint8_t *code, uint32_t pc)
{
	uint32_t q = (pc + 4) & ~3u;
	struct vn_switch *s = calloc(1, sizeof(*s));
	if (!s || !own(x->p, s))
		return reject(x, "out of memory");
	int32_t def = vn_rd4(code + q);
	s->def = x->map[pc + def];
	if (code[pc] == 170) {
		int32_t lo = vn_rd4(code + q + 4), hi = vn_rd4(code + q + 8);
		s->low = lo;
		s->n = hi - lo + 1;
		s->targets = malloc((size_t)s->n * sizeof(int32_t));
		if (!s->targets || !own(x->p, s->targets))
			return reject(x, "out of memory");
		for (int32_t i = 0; i < s->n; i++)
			s->targets[i] = x->map[pc + vn_rd4(code + q + 12 + 4 * i)];
	} else {
		s->n = vn_rd4(code + q + 4);
		s->keys = malloc((size_t)(s->n ? s->n : 1) * sizeof(int32_t));
		s->targets = malloc((size_t)(s->n ? s->n : 1) * sizeof(int32_t));
		if (!s->keys || !s->targets || !own(x->p, s->keys) || !own(x->p, s->targets))
			return reject(x, "out of memory");
		for (int32_t i = 0; i < s->n; i++) {
			s->keys[i] = vn_rd4(code + q + 8 + 8 * i);
			s->targets[i] = x->map[pc + vn_rd4(code + q + 12 + 8 * i)];
		}
	}
	in->u.p = s;
	return 0;
}

static int prep_one(struct pctx *x, struct vn_insn *in, const uint8_t *code, uint32_t pc)
{
	struct vn_vm *vm = x->vm;
	struct vn_class *c = x->c;
	uint8_t op = code[pc];
	in->op = op;
	switch (op) {
	case 0: break;
	case 1: in->op = Q_ACONST; in->u.p = NULL; break;
	case 2: case 3: case 4: case 5: case 6: case 7: case 8:
		in->op = Q_ICONST; in->a = op - 3; break;
	case 9: case 10: in->op = Q_LCONST; in->u.j = op - 9; break;
	case 11: case 12: case 13: {
		float f = (float)(op - 11);
		in->op = Q_ICONST;
		memcpy(&in->a, &f, 4);
		break;
	}
	case 14: case 15: in->op = Q_LCONST; in->u.d = op - 14; break;
	case 16: in->op = Q_ICONST; in->a = (int8_t)code[pc + 1]; break;
	case 17: in->op = Q_ICONST; in->a = (int16_t)vn_rd2(code + pc + 1); break;
	case 18: case 19: case 20: {
		uint16_t idx = op == 18 ? code[pc + 1] : vn_rd2(code + pc + 1);
		if (idx == 0 || idx >= c->cp_count)
			return reject(x, "bad constant index");
		struct vn_cp *e = &c->cp[idx];
		if (op == 20 ? (e->tag != CP_LONG && e->tag != CP_DOUBLE) : (e->tag == CP_LONG || e->tag == CP_DOUBLE))
			return reject(x, "constant #%u of the wrong size", idx);
		switch (e->tag) {
		case CP_INT: in->op = Q_ICONST; in->a = e->v.i; break;
		case CP_FLOAT: in->op = Q_ICONST; memcpy(&in->a, &e->v.f, 4); break;
		case CP_LONG: in->op = Q_LCONST; in->u.j = e->v.j; break;
		case CP_DOUBLE: in->op = Q_LCONST; in->u.d = e->v.d; break;
		case CP_STRING:
			if (!e->res) {
				struct vn_cp *u = &c->cp[e->a];
				struct vn_obj *s = vn_str_from_mutf8(vm, u->v.u.s, u->v.u.len);
				if (!s || !add_lit(c, s))
					return reject(x, "out of memory");
				e->res = s;
			}
			in->op = Q_ACONST;
			in->u.p = e->res;
			break;
		case CP_CLASS:
			return reject(x, "class literals (reflection) are not supported");
		default:
			return reject(x, "constant kind %u is not supported", e->tag);
		}
		break;
	}
	case 21: case 23: case 25: in->op = 21; in->a = code[pc + 1]; break;
	case 22: case 24: in->op = 22; in->a = code[pc + 1]; break;
	case 26: case 27: case 28: case 29: in->op = 21; in->a = op - 26; break;
	case 30: case 31: case 32: case 33: in->op = 22; in->a = op - 30; break;
	case 34: case 35: case 36: case 37: in->op = 21; in->a = op - 34; break;
	case 38: case 39: case 40: case 41: in->op = 22; in->a = op - 38; break;
	case 42: case 43: case 44: case 45: in->op = 21; in->a = op - 42; break;
	case 48: in->op = 46; break;
	case 49: in->op = 47; break;
	case 54: case 56: case 58: in->op = 54; in->a = code[pc + 1]; break;
	case 55: case 57: in->op = 55; in->a = code[pc + 1]; break;
	case 59: case 60: case 61: case 62: in->op = 54; in->a = op - 59; break;
	case 63: case 64: case 65: case 66: in->op = 55; in->a = op - 63; break;
	case 67: case 68: case 69: case 70: in->op = 54; in->a = op - 67; break;
	case 71: case 72: case 73: case 74: in->op = 55; in->a = op - 71; break;
	case 75: case 76: case 77: case 78: in->op = 54; in->a = op - 75; break;
	case 81: in->op = 79; break;
	case 82: in->op = 80; break;
	case 132: in->a = code[pc + 1]; in->b = (uint16_t)(int16_t)(int8_t)code[pc + 2]; break;
	case 153: case 154: case 155: case 156: case 157: case 158: case 159: case 160:
	case 161: case 162: case 163: case 164: case 165: case 166: case 167: case 198: case 199:
		in->a = x->map[pc + (int16_t)vn_rd2(code + pc + 1)];
		break;
	case 200: in->op = 167; in->a = x->map[pc + vn_rd4(code + pc + 1)]; break;
	case 168: case 169: case 201:
		return reject(x, "jsr/ret subroutines are not supported");
	case 170: case 171: return prep_switch(x, in, code, pc);
	case 174: in->op = 172; break;
	case 175: in->op = 173; break;
	case 176: in->op = 172; break;
	case 178: case 179: case 180: case 181: {
		struct vn_field *f = NULL;
		bool st = op == 178 || op == 179;
		if (res_field(x, vn_rd2(code + pc + 1), st, &f))
			return -1;
		static const int base[] = { Q_GETS_B, Q_PUTS_B, Q_GETF_B, Q_PUTF_B };
		in->op = (uint16_t)getput_op(f->desc[0], base[op - 178]);
		in->a = (int32_t)f->off;
		in->u.c = f->cls;
		if ((op == 179 || op == 181) && (f->access & ACC_FINAL) && f->cls != c)
			return reject(x, "assignment to final field %s.%s", f->cls->name, f->name);
		break;
	}
	case 182: case 183: case 184: case 185: {
		struct vn_class *k = NULL;
		struct vn_method *m = NULL;
		if (res_method(x, vn_rd2(code + pc + 1), op == 185 ? CP_IMETHOD : CP_METHOD, &k, &m))
			return -1;
		bool st = m->access & ACC_STATIC;
		if ((op == 184) != st)
			return reject(x, "method %s.%s%s is %sstatic", m->cls->name, m->name, m->desc, st ? "" : "not ");
		if (m->name[0] == '<' && op != 183)
			return reject(x, "bad call to %s", m->name);
		in->b = m->nargs;
		if (op == 184) {
			if (m->access & ACC_ABSTRACT)
				return reject(x, "call to abstract method");
			in->op = Q_INVOKESTATIC;
			in->u.m = m;
		} else if (op == 183) {
			/* super.m(): select from the current class's superclass */
			if (m->name[0] != '<' && !(m->access & ACC_PRIVATE) && c->super &&
			    k != c && vn_class_sub(c, k) && !(k->access & ACC_INTERFACE)) {
				struct vn_method *sm = vn_method_resolve(c->super, m->name, m->desc);
				if (sm)
					m = sm;
			}
			if (m->access & ACC_ABSTRACT)
				return reject(x, "invokespecial of abstract method %s.%s", m->cls->name, m->name);
			in->op = Q_INVOKESPECIAL;
			in->u.m = m;
		} else if (op == 185 || (k->access & ACC_INTERFACE)) {
			struct vn_icache *ic = calloc(1, sizeof(*ic));
			if (!ic || !own(x->p, ic))
				return reject(x, "out of memory");
			ic->im = m;
			in->op = Q_INVOKEIFACE;
			in->u.p = ic;
		} else if (m->access & (ACC_PRIVATE | ACC_FINAL) || m->cls->access & ACC_FINAL) {
			in->op = Q_INVOKEFINAL;
			in->u.m = m;
		} else {
			int32_t vi = -1;
			for (uint32_t v = 0; v < k->vtable_len; v++)
				if (!strcmp(k->vtable[v]->name, m->name) && !strcmp(k->vtable[v]->desc, m->desc)) {
					vi = (int32_t)v;
					break;
				}
			if (vi < 0)
				return reject(x, "no virtual slot for %s.%s%s", k->name, m->name, m->desc);
			in->op = Q_INVOKEVIRTUAL;
			in->a = vi;
			in->u.m = m;
		}
		break;
	}
	case 186: return prep_concat(x, in, vn_rd2(code + pc + 1));
	case 187: {
		struct vn_class *k = res_class(x, vn_rd2(code + pc + 1));
		if (!k)
			return -1;
		if (k->access & (ACC_ABSTRACT | ACC_INTERFACE) || k->ek)
			return reject(x, "cannot instantiate %s", k->name);
		in->op = Q_NEW;
		in->u.c = k;
		break;
	}
	case 188: {
		uint8_t t = code[pc + 1];
		if (t < 4 || t > 11)
			return reject(x, "bad newarray type %u", t);
		static const int ek[] = { EK_Z, EK_C, EK_F, EK_D, EK_B, EK_S, EK_I, EK_J };
		in->op = Q_NEWARRAY;
		in->u.c = vn_class_prim_array(vm, ek[t - 4]);
		if (!in->u.c)
			return reject(x, "out of memory");
		break;
	}
	case 189: {
		struct vn_class *k = res_class(x, vn_rd2(code + pc + 1));
		if (!k)
			return -1;
		in->op = Q_ANEWARRAY;
		in->u.c = vn_class_array_of(vm, k);
		if (!in->u.c)
			return reject(x, "cannot make array of %s", k->name);
		break;
	}
	case 192: case 193: {
		struct vn_class *k = res_class(x, vn_rd2(code + pc + 1));
		if (!k)
			return -1;
		in->op = op == 192 ? Q_CHECKCAST : Q_INSTANCEOF;
		in->u.c = k;
		break;
	}
	case 194: case 195:
		return reject(x, "monitors (synchronized) are not supported");
	case 196: {
		uint8_t wop = code[pc + 1];
		uint16_t idx = vn_rd2(code + pc + 2);
		if (wop == 132) {
			in->op = 132;
			in->a = idx;
			in->b = vn_rd2(code + pc + 4);
		} else if (wop == 169) {
			return reject(x, "ret is not supported");
		} else {
			in->op = (wop == 22 || wop == 24) ? 22 : (wop == 55 || wop == 57) ? 55 : (wop >= 54) ? 54 : 21;
			in->a = idx;
		}
		break;
	}
	case 197: {
		struct vn_class *k = res_class(x, vn_rd2(code + pc + 1));
		if (!k)
			return -1;
		uint8_t dims = code[pc + 3];
		const char *n = k->name;
		for (uint8_t i = 0; i < dims; i++)
			if (n[i] != '[')
				return reject(x, "multianewarray of %s with %u dimensions", k->name, dims);
		if (dims == 0)
			return reject(x, "multianewarray with 0 dimensions");
		in->op = Q_MULTIANEWARRAY;
		in->b = dims;
		in->u.c = k;
		break;
	}
	default:
		if (op > 201)
			return reject(x, "unknown opcode %u", op);
		break;
	}
	return 0;
}

/* Superinstructions: the first instruction of a common sequence becomes a
 * fused one doing the whole sequence; the others stay as they are, so
 * branches into the middle still work and indices do not move. Only the
 * getfield pairs can throw; they report the getfield's position. */
static void fuse(struct vn_prep *p)
{
	for (uint32_t i = 0; i < p->n; i++) {
		struct vn_insn *c = p->code + i;
		uint32_t rem = p->n - i;
		if (c->op != 21)
			continue;
		uint16_t op1 = rem >= 2 ? c[1].op : 0, op2 = rem >= 3 ? c[2].op : 0, op3 = rem >= 4 ? c[3].op : 0;
		if (op1 == 21 && c[1].a <= 0xffff && op2 >= 159 && op2 <= 164) {
			c->op = (uint16_t)(Q_LLCMP_EQ + (op2 - 159));
			c->b = (uint16_t)c[1].a;
			c->u.j = c[2].a;
		} else if (op1 == 21 && c[1].a <= 0xffff && (op2 == 96 || op2 == 100) && op3 == 54) {
			c->op = op2 == 96 ? Q_LLADD_S : Q_LLSUB_S;
			c->b = (uint16_t)c[1].a;
			c->u.j = c[3].a;
		} else if (op1 == Q_ICONST && op2 >= 159 && op2 <= 164) {
			c->op = (uint16_t)(Q_LKCMP_EQ + (op2 - 159));
			c->u.j = (int64_t)((uint64_t)(uint32_t)c[1].a << 32 | (uint32_t)c[2].a);
		} else if (op1 >= 153 && op1 <= 158) {
			c->op = (uint16_t)(Q_LIF_EQ + (op1 - 153));
			c->u.j = c[1].a;
		} else if (op1 == Q_GETF_I || op1 == Q_GETF_A) {
			c->op = op1 == Q_GETF_I ? Q_LGETF_I : Q_LGETF_A;
			c->b = (uint16_t)c[1].a;      /* field offsets are small */
			if (c[1].a > 0xffff)
				c->op = 21;
		} else if (op1 == 21 && c[1].a <= 0xffff) {
			c->op = Q_LOAD2;
			c->b = (uint16_t)c[1].a;
		}
	}
}

int vn_prepare(struct vn_vm *vm, struct vn_method *m)
{
	if (m->prep)
		return 0;
	if (!m->code) {
		vn_seterr(vm, "%s.%s%s has no code", m->cls->name, m->name, m->desc);
		return -1;
	}
	struct pctx x = { .vm = vm, .m = m, .c = m->cls };
	if (m->access & ACC_SYNCHRONIZED)
		return reject(&x, "synchronized methods are not supported");
	struct vn_prep *p = calloc(1, sizeof(*p));
	x.map = malloc((m->code_len + 1) * sizeof(int32_t));
	if (!p || !x.map) {
		free(p);
		free(x.map);
		vn_seterr(vm, "out of memory");
		return -1;
	}
	x.p = p;
	uint32_t n = 0;
	for (uint32_t pc = 0; pc < m->code_len; pc++)
		x.map[pc] = -1;
	x.map[m->code_len] = -1;
	for (uint32_t pc = 0; pc < m->code_len;) {
		uint32_t l = vn_insn_len(m->code, m->code_len, pc);
		if (!l) {
			x.pc = pc;
			reject(&x, "malformed instruction");
			goto fail;
		}
		x.map[pc] = (int32_t)n++;
		pc += l;
	}
	p->code = calloc(n, sizeof(*p->code));
	p->bc_off = calloc(n, sizeof(uint32_t));
	if (!p->code || !p->bc_off) {
		vn_seterr(vm, "out of memory");
		goto fail;
	}
	p->n = n;
	/* Published before resolution so a recursive reference to this method
	 * (through class loading) sees it as in progress, not missing. */
	for (uint32_t pc = 0, i = 0; pc < m->code_len; i++) {
		x.pc = pc;
		p->bc_off[i] = pc;
		if (prep_one(&x, &p->code[i], m->code, pc))
			goto fail;
		pc += vn_insn_len(m->code, m->code_len, pc);
	}
	p->exc = calloc(m->nexc ? m->nexc : 1, sizeof(*p->exc));
	if (!p->exc) {
		vn_seterr(vm, "out of memory");
		goto fail;
	}
	for (uint16_t i = 0; i < m->nexc; i++) {
		const struct vn_exc_entry *e = &m->exc[i];
		struct vn_pexc *q = &p->exc[i];
		x.pc = e->handler;
		if (e->start >= m->code_len || e->end > m->code_len || e->handler >= m->code_len ||
		    x.map[e->start] < 0 || x.map[e->handler] < 0 || e->start >= e->end ||
		    (e->end < m->code_len && x.map[e->end] < 0)) {
			reject(&x, "bad exception table entry %u", i);
			goto fail;
		}
		q->start = (uint32_t)x.map[e->start];
		q->end = e->end == m->code_len ? n : (uint32_t)x.map[e->end];
		q->handler = (uint32_t)x.map[e->handler];
		if (e->type) {
			q->type = res_class(&x, e->type);
			if (!q->type)
				goto fail;
		}
	}
	p->nexc = m->nexc;
	if (!vm->no_fuse)
		fuse(p);
	free(x.map);
	m->prep = p;
	return 0;
fail:
	free(x.map);
	vn_prep_free(p);
	return -1;
}

void vn_prep_free(struct vn_prep *p)
{
	if (!p)
		return;
	for (uint32_t i = 0; i < p->nowned; i++)
		free(p->owned[i]);
	free(p->owned);
	free(p->code);
	free(p->bc_off);
	free(p->exc);
	free(p);
}
