/* Class loading and linking: finds class bytes (ROM image first, then the
 * user class path: directories, jars and in-memory class files), parses,
 * links (superclass, interfaces, field layout, vtable), verifies user classes,
 * and runs static initializers lazily in the JVM's order (superclass first,
 * on first new/getstatic/putstatic/invokestatic). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vm_int.h"

enum { CPE_DIR, CPE_JAR, CPE_CLASS };
struct vn_cpath {
	int kind;
	char *path;                 /* DIR */
	uint8_t *data; size_t len;  /* JAR, CLASS */
	char *name;                 /* CLASS: its binary name */
	struct vn_cpath *next;
};

static uint32_t hash_name(const char *s)
{
	uint32_t h = 2166136261u;
	while (*s)
		h = (h ^ (uint8_t)*s++) * 16777619u;
	return h;
}

struct vn_class *vn_class_find(struct vn_vm *vm, const char *name)
{
	if (!vm->ctab)
		return NULL;
	for (struct vn_class *c = vm->ctab[hash_name(name) & (vm->ctab_size - 1)]; c; c = c->next)
		if (!strcmp(c->name, name))
			return c;
	return NULL;
}

static int ctab_add(struct vn_vm *vm, struct vn_class *c)
{
	if (!vm->ctab || vm->nclasses * 2 >= vm->ctab_size) {
		uint32_t ns = vm->ctab_size ? vm->ctab_size * 2 : 256;
		struct vn_class **nt = calloc(ns, sizeof(*nt));
		if (!nt)
			return -1;
		for (uint32_t i = 0; i < vm->ctab_size; i++)
			for (struct vn_class *x = vm->ctab[i], *nx; x; x = nx) {
				nx = x->next;
				uint32_t h = hash_name(x->name) & (ns - 1);
				x->next = nt[h];
				nt[h] = x;
			}
		free(vm->ctab);
		vm->ctab = nt;
		vm->ctab_size = ns;
	}
	uint32_t h = hash_name(c->name) & (vm->ctab_size - 1);
	c->next = vm->ctab[h];
	vm->ctab[h] = c;
	vm->nclasses++;
	return 0;
}

void vn_classes_free(struct vn_vm *vm)
{
	for (uint32_t i = 0; i < vm->ctab_size; i++)
		for (struct vn_class *x = vm->ctab[i], *nx; x; x = nx) {
			nx = x->next;
			vn_classfile_free(x);
		}
	free(vm->ctab);
	vm->ctab = NULL;
	vm->ctab_size = vm->nclasses = 0;
}

/* ---- class path ---- */

static uint8_t *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	size_t cap = 1 << 14, n = 0;
	uint8_t *b = malloc(cap);
	while (b) {
		size_t r = fread(b + n, 1, cap - n, f);
		n += r;
		if (n < cap)
			break;
		uint8_t *nb = realloc(b, cap * 2);
		if (!nb) {
			free(b);
			b = NULL;
			break;
		}
		b = nb;
		cap *= 2;
	}
	fclose(f);
	*len = n;
	return b;
}

static bool is_jar(const uint8_t *d, size_t n) { return n >= 4 && d[0] == 'P' && d[1] == 'K'; }

static void cpath_append(struct vn_vm *vm, struct vn_cpath *e)
{
	struct vn_cpath **pp = &vm->cpath;
	while (*pp)
		pp = &(*pp)->next;
	*pp = e;
}

int vn_cpath_add(struct vn_vm *vm, const char *path)
{
	size_t n = strlen(path);
	struct vn_cpath *e = calloc(1, sizeof(*e));
	if (!e)
		return -1;
	if (n > 4 && (!strcmp(path + n - 4, ".jar") || !strcmp(path + n - 4, ".zip"))) {
		e->kind = CPE_JAR;
		e->data = read_file(path, &e->len);
		if (!e->data || !is_jar(e->data, e->len)) {
			vn_seterr(vm, "%s: cannot read jar", path);
			free(e->data);
			free(e);
			return -1;
		}
	} else {
		e->kind = CPE_DIR;
		e->path = strdup(path);
	}
	cpath_append(vm, e);
	return 0;
}

int vn_cpath_add_bytes(struct vn_vm *vm, const uint8_t *d, size_t n)
{
	struct vn_cpath *e = calloc(1, sizeof(*e));
	if (!e)
		return -1;
	e->data = malloc(n ? n : 1);
	if (!e->data) {
		free(e);
		return -1;
	}
	memcpy(e->data, d, n);
	e->len = n;
	if (is_jar(d, n)) {
		e->kind = CPE_JAR;
	} else {
		char err[200];
		struct vn_class *c = vn_classfile_parse(d, n, err, sizeof err);
		if (!c) {
			vn_seterr(vm, "class file rejected: %s", err);
			free(e->data);
			free(e);
			return -1;
		}
		e->kind = CPE_CLASS;
		e->name = strdup(c->name);
		vn_classfile_free(c);
		if (!vm->first_class)
			vm->first_class = strdup(e->name);
	}
	cpath_append(vm, e);
	return 0;
}

void vn_cpath_free(struct vn_vm *vm)
{
	for (struct vn_cpath *e = vm->cpath, *n; e; e = n) {
		n = e->next;
		free(e->path);
		free(e->data);
		free(e->name);
		free(e);
	}
	vm->cpath = NULL;
	free(vm->first_class);
	vm->first_class = NULL;
}

static uint8_t *find_bytes(struct vn_vm *vm, const char *name, size_t *len, bool *rom)
{
	*rom = false;
	for (uint32_t i = 0; i < vn_rom_nclasses; i++)
		if (!strcmp(vn_rom_classes[i].name, name)) {
			*rom = true;
			*len = vn_rom_classes[i].len;
			uint8_t *b = malloc(*len);
			if (b)
				memcpy(b, vn_rom_classes[i].data, *len);
			return b;
		}
	if (!strncmp(name, "java/", 5) || !strncmp(name, "javax/", 6) || !strncmp(name, "jdk/", 4) ||
	    !strncmp(name, "sun/", 4))
		return NULL;      /* the library is closed: only the ROM provides these */
	char fname[1024];
	snprintf(fname, sizeof fname, "%s.class", name);
	for (struct vn_cpath *e = vm->cpath; e; e = e->next) {
		if (e->kind == CPE_CLASS && !strcmp(e->name, name)) {
			uint8_t *b = malloc(e->len ? e->len : 1);
			if (b)
				memcpy(b, e->data, e->len);
			*len = e->len;
			return b;
		}
		if (e->kind == CPE_JAR) {
			uint8_t *b = vn_jar_read(e->data, e->len, fname, len);
			if (b)
				return b;
		}
		if (e->kind == CPE_DIR) {
			char p[2048];
			snprintf(p, sizeof p, "%s/%s", e->path, fname);
			uint8_t *b = read_file(p, len);
			if (b)
				return b;
		}
	}
	return NULL;
}

/* ---- linking ---- */

static uint32_t field_size(const char *d)
{
	switch (d[0]) {
	case 'J': case 'D': case 'L': case '[': return 8;
	case 'I': case 'F': return 4;
	case 'S': case 'C': return 2;
	default: return 1;
	}
}

static int layout(struct vn_vm *vm, struct vn_class *c)
{
	uint32_t isz = c->super ? c->super->inst_size : VN_OBJ_HDR;
	uint32_t ssz = 0, nref = c->super ? c->super->nrefs : 0, nsref = 0;
	/* place 8-byte fields first, then 4, 2, 1: natural alignment without holes */
	for (uint32_t size = 8; size >= 1; size /= 2)
		for (uint16_t i = 0; i < c->nfields; i++) {
			struct vn_field *f = &c->fields[i];
			if (field_size(f->desc) != size)
				continue;
			if (f->access & ACC_STATIC) {
				ssz = (ssz + size - 1) & ~(size - 1);
				f->off = ssz;
				ssz += size;
				if (size == 8 && (f->desc[0] == 'L' || f->desc[0] == '['))
					nsref++;
			} else {
				isz = (isz + size - 1) & ~(size - 1);
				f->off = isz;
				isz += size;
				if (size == 8 && (f->desc[0] == 'L' || f->desc[0] == '['))
					nref++;
			}
		}
	c->inst_size = (isz + 7) & ~7u;
	c->statics_size = ssz;
	c->statics = calloc(1, ssz ? ssz : 1);
	c->ref_offs = calloc(nref ? nref : 1, sizeof(uint32_t));
	c->sref_offs = calloc(nsref ? nsref : 1, sizeof(uint32_t));
	if (!c->statics || !c->ref_offs || !c->sref_offs) {
		vn_seterr(vm, "out of memory");
		return -1;
	}
	if (c->super)
		memcpy(c->ref_offs, c->super->ref_offs, c->super->nrefs * sizeof(uint32_t));
	c->nrefs = c->super ? c->super->nrefs : 0;
	for (uint16_t i = 0; i < c->nfields; i++) {
		struct vn_field *f = &c->fields[i];
		if (f->desc[0] != 'L' && f->desc[0] != '[')
			continue;
		if (f->access & ACC_STATIC)
			c->sref_offs[c->nsrefs++] = f->off;
		else
			c->ref_offs[c->nrefs++] = f->off;
	}
	/* static final constants (ConstantValue) are set at link time */
	for (uint16_t i = 0; i < c->nfields; i++) {
		struct vn_field *f = &c->fields[i];
		if (!(f->access & ACC_STATIC) || !f->cv_index)
			continue;
		struct vn_cp *e = &c->cp[f->cv_index];
		uint8_t *p = c->statics + f->off;
		switch (f->desc[0]) {
		case 'J': if (e->tag == CP_LONG) memcpy(p, &e->v.j, 8); break;
		case 'D': if (e->tag == CP_DOUBLE) memcpy(p, &e->v.d, 8); break;
		case 'F': if (e->tag == CP_FLOAT) memcpy(p, &e->v.f, 4); break;
		case 'I': if (e->tag == CP_INT) memcpy(p, &e->v.i, 4); break;
		case 'S': case 'C': if (e->tag == CP_INT) { uint16_t v = (uint16_t)e->v.i; memcpy(p, &v, 2); } break;
		case 'B': case 'Z': if (e->tag == CP_INT) *p = (uint8_t)e->v.i; break;
		default: break;  /* String constants: set by the class initializer's ldc path */
		}
	}
	return 0;
}

static bool same_sig(const struct vn_method *a, const struct vn_method *b)
{
	return !strcmp(a->name, b->name) && !strcmp(a->desc, b->desc);
}

static bool vt_push(struct vn_class *c, struct vn_method *m, uint32_t *cap)
{
	if (c->vtable_len == *cap) {
		*cap = *cap ? *cap * 2 : 16;
		struct vn_method **nv = realloc(c->vtable, *cap * sizeof(*nv));
		if (!nv)
			return false;
		c->vtable = nv;
	}
	m->vindex = (int32_t)c->vtable_len;
	c->vtable[c->vtable_len++] = m;
	return true;
}

static void add_iface_defaults(struct vn_class *c, struct vn_class *i, uint32_t *cap)
{
	for (uint16_t k = 0; k < i->nmethods; k++) {
		struct vn_method *m = &i->methods[k];
		if (m->access & (ACC_STATIC | ACC_PRIVATE) || m->name[0] == '<')
			continue;
		bool have = false;
		for (uint32_t v = 0; v < c->vtable_len && !have; v++)
			if (same_sig(c->vtable[v], m)) {
				/* a default fills an abstract slot inherited from a superclass */
				if ((c->vtable[v]->access & ACC_ABSTRACT) && !(m->access & ACC_ABSTRACT) &&
				    (c->vtable[v]->cls->access & ACC_INTERFACE))
					c->vtable[v] = m;
				have = true;
			}
		if (!have && !(c->access & ACC_INTERFACE)) {
			int32_t saved = m->vindex;
			vt_push(c, m, cap);
			m->vindex = saved;   /* an interface method's own vindex stays -1 */
		}
	}
	for (uint16_t k = 0; k < i->nifaces; k++)
		add_iface_defaults(c, i->ifaces[k], cap);
}

static int build_vtable(struct vn_vm *vm, struct vn_class *c)
{
	uint32_t cap = 0;
	if (c->access & ACC_INTERFACE)
		return 0;
	if (c->super) {
		cap = c->super->vtable_len + c->nmethods + 4;
		c->vtable = malloc(cap * sizeof(*c->vtable));
		if (!c->vtable)
			goto oom;
		memcpy(c->vtable, c->super->vtable, c->super->vtable_len * sizeof(*c->vtable));
		c->vtable_len = c->super->vtable_len;
	}
	for (uint16_t k = 0; k < c->nmethods; k++) {
		struct vn_method *m = &c->methods[k];
		if (m->access & (ACC_STATIC | ACC_PRIVATE) || m->name[0] == '<')
			continue;
		bool over = false;
		for (uint32_t v = 0; v < c->vtable_len; v++)
			if (same_sig(c->vtable[v], m)) {
				if (c->vtable[v]->access & ACC_FINAL) {
					vn_seterr(vm, "%s.%s%s overrides a final method", c->name, m->name, m->desc);
					return -1;
				}
				c->vtable[v] = m;
				m->vindex = (int32_t)v;
				over = true;
				break;
			}
		if (!over && !vt_push(c, m, &cap))
			goto oom;
	}
	for (struct vn_class *s = c; s; s = s->super)
		for (uint16_t k = 0; k < s->nifaces; k++)
			add_iface_defaults(c, s->ifaces[k], &cap);
	return 0;
oom:
	vn_seterr(vm, "out of memory");
	return -1;
}

static const char *cp_class_name(struct vn_class *c, uint16_t idx)
{
	return c->cp[c->cp[idx].a].v.u.s;
}

static struct vn_class *make_array(struct vn_vm *vm, const char *name)
{
	struct vn_class *comp = NULL;
	int ek;
	switch (name[1]) {
	case 'Z': ek = EK_Z; break;
	case 'C': ek = EK_C; break;
	case 'F': ek = EK_F; break;
	case 'D': ek = EK_D; break;
	case 'B': ek = EK_B; break;
	case 'S': ek = EK_S; break;
	case 'I': ek = EK_I; break;
	case 'J': ek = EK_J; break;
	case '[': ek = EK_REF; comp = vn_class_load(vm, name + 1); break;
	case 'L': {
		size_t n = strlen(name);
		if (n < 4 || name[n - 1] != ';') {
			vn_seterr(vm, "bad array class name %s", name);
			return NULL;
		}
		char *en = strndup(name + 2, n - 3);
		if (!en)
			return NULL;
		comp = vn_class_load(vm, en);
		free(en);
		ek = EK_REF;
		break;
	}
	default:
		vn_seterr(vm, "bad array class name %s", name);
		return NULL;
	}
	if (ek != EK_REF && name[2]) {
		vn_seterr(vm, "bad array class name %s", name);
		return NULL;
	}
	if (ek == EK_REF && !comp)
		return NULL;
	struct vn_class *c = calloc(1, sizeof(*c));
	if (!c || !(c->name = strdup(name))) {
		free(c);
		return NULL;
	}
	static const uint8_t sizes[] = { 0, 1, 2, 4, 8, 1, 2, 4, 8, 8 };
	c->ek = (uint8_t)ek;
	c->esize = sizes[ek];
	c->comp = comp;
	c->super = vm->c_object;
	c->depth = 1;
	c->access = ACC_PUBLIC | ACC_FINAL;
	c->state = CS_INITIALIZED;
	c->rom = true;
	c->prepared = true;
	c->inst_size = VN_OBJ_HDR;
	if (vm->c_object) {
		c->vtable = malloc((vm->c_object->vtable_len + 1) * sizeof(*c->vtable));
		if (c->vtable) {
			memcpy(c->vtable, vm->c_object->vtable, vm->c_object->vtable_len * sizeof(*c->vtable));
			c->vtable_len = vm->c_object->vtable_len;
		}
	}
	c->statics = calloc(1, 1);
	c->ref_offs = calloc(1, sizeof(uint32_t));
	c->sref_offs = calloc(1, sizeof(uint32_t));
	if (ctab_add(vm, c)) {
		vn_classfile_free(c);
		return NULL;
	}
	return c;
}

struct vn_class *vn_class_load(struct vn_vm *vm, const char *name)
{
	struct vn_class *c = vn_class_find(vm, name);
	if (c) {
		if (c->state == CS_ERROR) {
			vn_seterr(vm, "class %s failed to load or link (or is circular)", name);
			return NULL;
		}
		return c;
	}
	if (name[0] == '[')
		return make_array(vm, name);
	/* a binary name: no empty segments, no path tricks (it becomes a file name) */
	if (!name[0] || name[0] == '/' || strstr(name, "//") || strstr(name, "..") || name[strlen(name) - 1] == '/' ||
	    strchr(name, ';') || strlen(name) > 512) {
		vn_seterr(vm, "bad class name \"%.100s\"", name);
		return NULL;
	}
	if (vm->nclasses > 4096) {
		vn_seterr(vm, "too many classes");
		return NULL;
	}
	size_t len;
	bool rom;
	uint8_t *b = find_bytes(vm, name, &len, &rom);
	if (!b) {
		if (!strncmp(name, "java/", 5) || !strncmp(name, "javax/", 6) || !strncmp(name, "jdk/", 4) ||
		    !strncmp(name, "sun/", 4))
			vn_seterr(vm, "class %s is not in the VIFlet class library (unsupported)", name);
		else
			vn_seterr(vm, "class %s not found", name);
		return NULL;
	}
	char err[256];
	c = vn_classfile_parse(b, len, err, sizeof err);
	free(b);
	if (!c) {
		vn_seterr(vm, "%s: %s", name, err);
		return NULL;
	}
	if (strcmp(c->name, name)) {
		vn_seterr(vm, "class file for %s defines %s", name, c->name);
		vn_classfile_free(c);
		return NULL;
	}
	c->rom = rom;
	uint16_t super_i = (uint16_t)c->depth;
	c->depth = 0;
	if (ctab_add(vm, c)) {
		vn_classfile_free(c);
		vn_seterr(vm, "out of memory");
		return NULL;
	}
	/* from here on c is owned by the table; on failure it stays CS_ERROR */
	c->state = CS_ERROR;
	if (super_i) {
		struct vn_class *s = vn_class_load(vm, cp_class_name(c, super_i));
		if (!s)
			return NULL;
		if (s->access & (ACC_INTERFACE | ACC_FINAL) || s->ek || s->state == CS_ERROR) {
			vn_seterr(vm, "%s: cannot extend %s", name, s->name);
			return NULL;
		}
		c->super = s;
		c->depth = s->depth + 1;
	}
	for (uint16_t i = 0; i < c->nifaces; i++) {
		struct vn_class *ic = vn_class_load(vm, cp_class_name(c, (uint16_t)(uintptr_t)c->ifaces[i]));
		if (!ic)
			return NULL;
		if (!(ic->access & ACC_INTERFACE)) {
			vn_seterr(vm, "%s: %s is not an interface", name, ic->name);
			return NULL;
		}
		c->ifaces[i] = ic;
	}
	if (!strcmp(name, "java/lang/Object"))
		vm->c_object = c;
	if (layout(vm, c) || build_vtable(vm, c))
		return NULL;
	for (uint16_t i = 0; i < c->nmethods; i++) {
		struct vn_method *m = &c->methods[i];
		if (m->access & ACC_NATIVE) {
			if (!c->rom) {
				vn_seterr(vm, "%s.%s%s: native methods are not allowed in VIFlet classes",
					  name, m->name, m->desc);
				return NULL;
			}
			m->native = vn_native_lookup(name, m->name, m->desc);
			if (!m->native) {
				vn_seterr(vm, "%s.%s%s: no native implementation", name, m->name, m->desc);
				return NULL;
			}
		}
	}
	c->state = CS_LINKED;
	/* the ROM library is trusted; VIFNET_VM_VERIFY_ROM=1 verifies it too (self-test) */
	if ((!c->rom || getenv("VIFNET_VM_VERIFY_ROM")) && vn_verify_class(vm, c)) {
		c->state = CS_ERROR;
		return NULL;
	}
	return c;
}

struct vn_class *vn_class_array_of(struct vn_vm *vm, struct vn_class *elem)
{
	if (elem->arr)
		return elem->arr;
	char buf[1100];
	if (elem->name[0] == '[')
		snprintf(buf, sizeof buf, "[%s", elem->name);
	else
		snprintf(buf, sizeof buf, "[L%s;", elem->name);
	struct vn_class *a = vn_class_load(vm, buf);
	elem->arr = a;
	return a;
}

struct vn_class *vn_class_prim_array(struct vn_vm *vm, int ek)
{
	static const char *names[] = { NULL, "[Z", "[C", "[F", "[D", "[B", "[S", "[I", "[J" };
	if (ek < EK_Z || ek > EK_J)
		return NULL;
	return vn_class_load(vm, names[ek]);
}

int vn_class_init(struct vn_vm *vm, struct vn_class *c)
{
	if (c->state == CS_INITIALIZED || c->state == CS_INITIALIZING)
		return 0;
	if (c->state == CS_INITERR || c->state == CS_ERROR) {
		char dn[512];
		size_t i = 0;
		for (; c->name[i] && i + 1 < sizeof dn; i++)
			dn[i] = c->name[i] == '/' ? '.' : c->name[i];
		dn[i] = 0;
		vn_throw(vm, "java/lang/NoClassDefFoundError", "Could not initialize class %s", dn);
		return -1;
	}
	c->state = CS_INITIALIZING;
	/* static final String constants (ConstantValue) are set before <clinit> */
	for (uint16_t i = 0; i < c->nfields; i++) {
		struct vn_field *f = &c->fields[i];
		if (!(f->access & ACC_STATIC) || !f->cv_index || strcmp(f->desc, "Ljava/lang/String;") ||
		    c->cp[f->cv_index].tag != CP_STRING)
			continue;
		struct vn_cp *u = &c->cp[c->cp[f->cv_index].a];
		struct vn_obj *str = vn_str_from_mutf8(vm, u->v.u.s, u->v.u.len);
		*(struct vn_obj **)(c->statics + f->off) = str;
	}
	if (c->super && vn_class_init(vm, c->super)) {
		c->state = CS_INITERR;
		return -1;
	}
	struct vn_method *ci = vn_method_find(c, "<clinit>", "()V");
	if (ci && (ci->access & ACC_STATIC)) {
		vn_slot r;
		if (vn_call(vm, ci, NULL, &r)) {
			c->state = CS_INITERR;
			/* JVMS 5.5: anything but an Error is wrapped */
			struct vn_class *err = vn_class_load(vm, "java/lang/Error");
			struct vn_class *eiie = vn_class_load(vm, "java/lang/ExceptionInInitializerError");
			struct vn_obj *e = vm->exc;
			if (err && eiie && e && !vn_class_sub(e->cls, err)) {
				struct vn_method *ctor = vn_method_find(eiie, "<init>", "(Ljava/lang/Throwable;)V");
				vn_root_push(vm, e);
				vm->exc = NULL;
				struct vn_obj *w = vn_new_object(vm, eiie);
				vn_root_push(vm, w);
				vn_slot a[2];
				a[0].a = w;
				a[1].a = e;
				if (ctor && !vn_call(vm, ctor, a, &r))
					vm->exc = w;
				vn_root_pop(vm, 2);
			}
			return -1;
		}
	}
	c->state = CS_INITIALIZED;
	return 0;
}

static bool implements(const struct vn_class *s, const struct vn_class *t)
{
	for (; s; s = s->super)
		for (uint16_t i = 0; i < s->nifaces; i++)
			if (s->ifaces[i] == t || implements(s->ifaces[i], t))
				return true;
	return false;
}

bool vn_class_sub(const struct vn_class *s, const struct vn_class *t)
{
	if (s == t || (!t->super && !(t->access & ACC_INTERFACE) && !t->ek))
		return true;     /* t is java/lang/Object */
	if (t->ek) {
		if (!s->ek)
			return false;
		if (s->ek != EK_REF || t->ek != EK_REF)
			return s->ek == t->ek;
		return vn_class_sub(s->comp, t->comp);
	}
	if (t->access & ACC_INTERFACE)
		return implements(s, t);
	if (s->depth <= t->depth)
		return false;
	for (const struct vn_class *x = s->super; x; x = x->super)
		if (x == t)
			return true;
	return false;
}

struct vn_method *vn_method_find(struct vn_class *c, const char *name, const char *desc)
{
	for (uint16_t i = 0; i < c->nmethods; i++)
		if (!strcmp(c->methods[i].name, name) && !strcmp(c->methods[i].desc, desc))
			return &c->methods[i];
	return NULL;
}

static struct vn_method *iface_method(struct vn_class *c, const char *name, const char *desc)
{
	for (uint16_t i = 0; i < c->nifaces; i++) {
		struct vn_method *m = vn_method_find(c->ifaces[i], name, desc);
		if (m && !(m->access & ACC_STATIC) && !(m->access & ACC_PRIVATE))
			return m;
		if ((m = iface_method(c->ifaces[i], name, desc)))
			return m;
	}
	return NULL;
}

/* JVMS 5.4.3.3/5.4.3.4: the class and its superclasses, then superinterfaces. */
struct vn_method *vn_method_resolve(struct vn_class *c, const char *name, const char *desc)
{
	for (struct vn_class *s = c; s; s = s->super) {
		struct vn_method *m = vn_method_find(s, name, desc);
		if (m)
			return m;
	}
	for (struct vn_class *s = c; s; s = s->super) {
		struct vn_method *m = iface_method(s, name, desc);
		if (m)
			return m;
	}
	return NULL;
}

struct vn_field *vn_field_resolve(struct vn_class *c, const char *name, const char *desc)
{
	for (struct vn_class *s = c; s; s = s->super) {
		for (uint16_t i = 0; i < s->nfields; i++)
			if (!strcmp(s->fields[i].name, name) && !strcmp(s->fields[i].desc, desc))
				return &s->fields[i];
		for (uint16_t i = 0; i < s->nifaces; i++) {
			struct vn_field *f = vn_field_resolve(s->ifaces[i], name, desc);
			if (f)
				return f;
		}
	}
	return NULL;
}

struct vlist { char **v; size_t n; };

static void vlist_add(void *arg, const char *name)
{
	struct vlist *l = arg;
	size_t n = strlen(name);
	if (n < 7 || strcmp(name + n - 6, ".class") || l->n >= 1024)
		return;
	char **nv = realloc(l->v, (l->n + 1) * sizeof(*nv));
	if (!nv)
		return;
	l->v = nv;
	l->v[l->n] = strndup(name, n - 6);
	if (l->v[l->n])
		l->n++;
}

/* Names of the classes given as class files or jars (not directories), in order. */
char **vn_cpath_user_classes(struct vn_vm *vm, size_t *n)
{
	struct vlist l = { 0 };
	for (struct vn_cpath *e = vm->cpath; e; e = e->next) {
		if (e->kind == CPE_CLASS) {
			char buf[1100];
			snprintf(buf, sizeof buf, "%s.class", e->name);
			vlist_add(&l, buf);
		}
		if (e->kind == CPE_JAR)
			vn_jar_list(e->data, e->len, vlist_add, &l);
	}
	*n = l.n;
	return l.v;
}
