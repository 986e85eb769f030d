/* Unit tests of the VIFlet VM: class file parsing and the verifier on
 * hand-assembled class files (forged types, stack underflow, bad branches,
 * missing frames), Java number formatting, heap limits and the collector,
 * the host packet API and the packet rule. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <zlib.h>

#include "vm_int.h"
#include "vn_jit.h"
#include "vn_vm.h"

/* ---- a tiny class file assembler ---- */

struct cf { uint8_t b[4096]; size_t n; uint8_t cp[4096]; size_t cpn; uint16_t cpcount; };

static void put1(uint8_t *b, size_t *n, unsigned v) { b[(*n)++] = (uint8_t)v; }
static void put2(uint8_t *b, size_t *n, unsigned v) { put1(b, n, v >> 8); put1(b, n, v); }
static void put4(uint8_t *b, size_t *n, uint32_t v) { put2(b, n, v >> 16); put2(b, n, v & 0xffff); }

static uint16_t cp_utf8(struct cf *c, const char *s)
{
	put1(c->cp, &c->cpn, 1);
	put2(c->cp, &c->cpn, (unsigned)strlen(s));
	memcpy(c->cp + c->cpn, s, strlen(s));
	c->cpn += strlen(s);
	return c->cpcount++;
}
static uint16_t cp_class(struct cf *c, const char *name)
{
	uint16_t u = cp_utf8(c, name);
	put1(c->cp, &c->cpn, 7);
	put2(c->cp, &c->cpn, u);
	return c->cpcount++;
}
static uint16_t cp_ref(struct cf *c, int tag, uint16_t cls, const char *name, const char *desc)
{
	uint16_t n = cp_utf8(c, name), d = cp_utf8(c, desc);
	put1(c->cp, &c->cpn, 12);
	put2(c->cp, &c->cpn, n);
	put2(c->cp, &c->cpn, d);
	uint16_t nat = c->cpcount++;
	put1(c->cp, &c->cpn, (unsigned)tag);
	put2(c->cp, &c->cpn, cls);
	put2(c->cp, &c->cpn, nat);
	return c->cpcount++;
}

struct meth {
	const char *name, *desc;
	uint16_t access, max_stack, max_locals;
	const uint8_t *code; size_t code_len;
	const uint8_t *smt; size_t smt_len;   /* StackMapTable body (after the count is included) */
};

/* A class `Forge` extending Object with one int field `x` and the methods. */
static size_t assemble(uint8_t *out, const struct meth *ms, int nm, uint16_t *extra_cp, struct cf *c)
{
	(void)extra_cp;
	size_t n = 0;
	uint16_t this_c = 1, super_c = 3;    /* assigned by the caller's order below */
	(void)this_c;
	(void)super_c;
	uint16_t code_u = cp_utf8(c, "Code"), smt_u = cp_utf8(c, "StackMapTable");
	uint16_t fx_n = cp_utf8(c, "x"), fx_d = cp_utf8(c, "I");
	uint16_t mn[8], md[8];
	for (int i = 0; i < nm; i++) {
		mn[i] = cp_utf8(c, ms[i].name);
		md[i] = cp_utf8(c, ms[i].desc);
	}
	put4(out, &n, 0xCAFEBABE);
	put2(out, &n, 0);
	put2(out, &n, 61);
	put2(out, &n, c->cpcount);
	memcpy(out + n, c->cp, c->cpn);
	n += c->cpn;
	put2(out, &n, ACC_PUBLIC | ACC_SUPER);
	put2(out, &n, 2);      /* this: cp #2 (Forge) */
	put2(out, &n, 4);      /* super: cp #4 (java/lang/Object) */
	put2(out, &n, 0);      /* interfaces */
	put2(out, &n, 1);      /* fields */
	put2(out, &n, 0);
	put2(out, &n, fx_n);
	put2(out, &n, fx_d);
	put2(out, &n, 0);
	put2(out, &n, (unsigned)nm);
	for (int i = 0; i < nm; i++) {
		const struct meth *m = &ms[i];
		put2(out, &n, m->access);
		put2(out, &n, mn[i]);
		put2(out, &n, md[i]);
		put2(out, &n, 1);
		put2(out, &n, code_u);
		size_t alen = 12 + m->code_len + (m->smt ? 6 + m->smt_len : 0);
		put4(out, &n, (uint32_t)alen);
		put2(out, &n, m->max_stack);
		put2(out, &n, m->max_locals);
		put4(out, &n, (uint32_t)m->code_len);
		memcpy(out + n, m->code, m->code_len);
		n += m->code_len;
		put2(out, &n, 0);          /* exception table */
		put2(out, &n, m->smt ? 1 : 0);
		if (m->smt) {
			put2(out, &n, smt_u);
			put4(out, &n, (uint32_t)m->smt_len);
			memcpy(out + n, m->smt, m->smt_len);
			n += m->smt_len;
		}
	}
	put2(out, &n, 0);          /* class attributes */
	return n;
}

static void cf_init(struct cf *c)
{
	memset(c, 0, sizeof *c);
	c->cpcount = 1;
	cp_class(c, "Forge");            /* #1 utf8, #2 class */
	cp_class(c, "java/lang/Object"); /* #3 utf8, #4 class */
}

static struct vn_vm *new_vm(void)
{
	struct vn_vm_limits lim = { .heap_bytes = 1u << 20, .budget = 1000000 };
	struct vn_vm *vm = vn_vm_new(&lim, NULL);
	assert_non_null(vm);
	return vm;
}

/* Loads one method `f` of the given shape; returns the vn_vm_check_class result. */
static int check_method(const char *desc, uint16_t ms, uint16_t ml, const uint8_t *code, size_t len,
			const uint8_t *smt, size_t smt_len, char *err, size_t errlen)
{
	struct cf c;
	cf_init(&c);
	struct meth m = { "f", desc, ACC_PUBLIC | ACC_STATIC, ms, ml, code, len, smt, smt_len };
	uint8_t out[8192];
	size_t n = assemble(out, &m, 1, NULL, &c);
	struct vn_vm *vm = new_vm();
	int rc = vn_vm_check_class(vm, out, n);
	snprintf(err, errlen, "%s", vn_vm_error(vm));
	vn_vm_free(vm);
	return rc;
}

static void valid_method_loads(void **state)
{
	(void)state;
	static const uint8_t code[] = { 0x01, 0xb0 };   /* aconst_null; areturn */
	char err[512];
	assert_int_equal(check_method("()Ljava/lang/Object;", 1, 0, code, sizeof code, NULL, 0, err, sizeof err), 0);
}

static void forged_reference_is_rejected(void **state)
{
	(void)state;
	/* sipush 0x1234; areturn: an int returned as a reference */
	static const uint8_t code[] = { 0x11, 0x12, 0x34, 0xb0 };
	char err[512];
	assert_int_equal(check_method("()Ljava/lang/Object;", 1, 0, code, sizeof code, NULL, 0, err, sizeof err),
			 VN_VM_REJECTED);
	assert_non_null(strstr(err, "Forge.f()Ljava/lang/Object; @3 areturn"));
	assert_non_null(strstr(err, "found int"));
}

static void int_stored_as_reference_is_rejected(void **state)
{
	(void)state;
	/* iconst_5; astore_0; aload_0; areturn */
	static const uint8_t code[] = { 0x08, 0x4b, 0x2a, 0xb0 };
	char err[512];
	assert_int_equal(check_method("()Ljava/lang/Object;", 1, 1, code, sizeof code, NULL, 0, err, sizeof err),
			 VN_VM_REJECTED);
	assert_non_null(strstr(err, "@1 astore_0"));
}

static void field_of_wrong_object_is_rejected(void **state)
{
	(void)state;
	struct cf c;
	cf_init(&c);
	uint16_t fr = cp_ref(&c, CP_FIELD, 2, "x", "I");
	/* aload_0 (a String); getfield Forge.x; ireturn */
	uint8_t code[] = { 0x2a, 0xb4, (uint8_t)(fr >> 8), (uint8_t)fr, 0xac };
	struct meth m = { "f", "(Ljava/lang/String;)I", ACC_PUBLIC | ACC_STATIC, 1, 1, code, sizeof code, NULL, 0 };
	uint8_t out[8192];
	size_t n = assemble(out, &m, 1, NULL, &c);
	struct vn_vm *vm = new_vm();
	assert_int_equal(vn_vm_check_class(vm, out, n), VN_VM_REJECTED);
	assert_non_null(strstr(vn_vm_error(vm), "@1 getfield"));
	assert_non_null(strstr(vn_vm_error(vm), "expected Forge"));
	vn_vm_free(vm);
}

static void stack_underflow_is_rejected(void **state)
{
	(void)state;
	static const uint8_t code[] = { 0x57, 0xb1 };   /* pop; return */
	char err[512];
	assert_int_equal(check_method("()V", 1, 0, code, sizeof code, NULL, 0, err, sizeof err), VN_VM_REJECTED);
	assert_non_null(strstr(err, "underflow"));
}

static void stack_overflow_is_rejected(void **state)
{
	(void)state;
	static const uint8_t code[] = { 0x03, 0x03, 0x57, 0x57, 0xb1 };   /* iconst_0 x2 with max_stack 1 */
	char err[512];
	assert_int_equal(check_method("()V", 1, 0, code, sizeof code, NULL, 0, err, sizeof err), VN_VM_REJECTED);
	assert_non_null(strstr(err, "overflow"));
}

static void branch_into_an_instruction_is_rejected(void **state)
{
	(void)state;
	/* sipush 1; goto -2 (into sipush's operand) */
	static const uint8_t code[] = { 0x11, 0x00, 0x01, 0xa7, 0xff, 0xfe };
	char err[512];
	assert_int_equal(check_method("()V", 1, 0, code, sizeof code, NULL, 0, err, sizeof err), VN_VM_REJECTED);
	assert_non_null(strstr(err, "is not an instruction"));
}

static void branch_without_frame_is_rejected(void **state)
{
	(void)state;
	/* iconst_0; ifeq +4; nop; nop; return -- no StackMapTable frame at 5 */
	static const uint8_t code[] = { 0x03, 0x99, 0x00, 0x04, 0x00, 0xb1 };
	char err[512];
	assert_int_equal(check_method("()V", 1, 0, code, sizeof code, NULL, 0, err, sizeof err), VN_VM_REJECTED);
	assert_non_null(strstr(err, "no StackMapTable frame"));
	/* with a same_frame at 5 it verifies */
	static const uint8_t smt[] = { 0x00, 0x01, 5 };
	assert_int_equal(check_method("()V", 1, 0, code, sizeof code, smt, sizeof smt, err, sizeof err), 0);
}

static void frame_with_wrong_type_is_rejected(void **state)
{
	(void)state;
	/* iconst_1; istore_0; iconst_0; ifeq L; L: aload_0; areturn  with a frame saying local 0 is an
	 * Object: the branch carries an int where the frame wants a reference */
	static const uint8_t code[] = { 0x04, 0x3b, 0x03, 0x99, 0x00, 0x03, 0x2a, 0xb0 };
	/* full_frame at 6: locals [Object], stack [] ; Object is cp #4 */
	static const uint8_t smt[] = { 0x00, 0x01, 255, 0x00, 6, 0x00, 0x01, 7, 0x00, 0x04, 0x00, 0x00 };
	char err[512];
	assert_int_equal(check_method("()Ljava/lang/Object;", 1, 1, code, sizeof code, smt, sizeof smt, err, sizeof err),
			 VN_VM_REJECTED);
	assert_non_null(strstr(err, "local 0 is int"));
}

static void split_long_is_rejected(void **state)
{
	(void)state;
	/* lconst_0; pop; pop; return: pop of half a long */
	static const uint8_t code[] = { 0x09, 0x57, 0x57, 0xb1 };
	char err[512];
	assert_int_equal(check_method("()V", 2, 0, code, sizeof code, NULL, 0, err, sizeof err), VN_VM_REJECTED);
	assert_non_null(strstr(err, "split a long"));
}

static void locals_out_of_range_are_rejected(void **state)
{
	(void)state;
	static const uint8_t code[] = { 0x15, 0x05, 0xac };   /* iload 5; ireturn */
	char err[512];
	assert_int_equal(check_method("()I", 1, 1, code, sizeof code, NULL, 0, err, sizeof err), VN_VM_REJECTED);
	assert_non_null(strstr(err, "outside max_locals"));
}

static void falling_off_the_end_is_rejected(void **state)
{
	(void)state;
	static const uint8_t code[] = { 0x00 };
	char err[512];
	assert_int_equal(check_method("()V", 1, 0, code, sizeof code, NULL, 0, err, sizeof err), VN_VM_REJECTED);
	assert_non_null(strstr(err, "falls off"));
}

static void monitor_is_rejected_with_location(void **state)
{
	(void)state;
	static const uint8_t code[] = { 0x01, 0xc2, 0xb1 };   /* aconst_null; monitorenter; return */
	char err[512];
	assert_int_equal(check_method("()V", 1, 0, code, sizeof code, NULL, 0, err, sizeof err), VN_VM_REJECTED);
	assert_non_null(strstr(err, "Forge.f()V @1 monitorenter"));
}

static void truncated_and_garbage_files_are_rejected(void **state)
{
	(void)state;
	static const uint8_t code[] = { 0x01, 0xb0 };
	struct cf c;
	cf_init(&c);
	struct meth m = { "f", "()Ljava/lang/Object;", ACC_PUBLIC | ACC_STATIC, 1, 0, code, sizeof code, NULL, 0 };
	uint8_t out[8192];
	size_t n = assemble(out, &m, 1, NULL, &c);
	for (size_t cut = 0; cut < n; cut += 3) {
		struct vn_vm *vm = new_vm();
		assert_int_not_equal(vn_vm_check_class(vm, out, cut), 0);
		vn_vm_free(vm);
	}
	out[8] = 0xff;   /* constant pool count way too high */
	struct vn_vm *vm = new_vm();
	assert_int_not_equal(vn_vm_check_class(vm, out, n), 0);
	vn_vm_free(vm);
}

/* ---- jars ---- */

/* A one-member zip holding name (deflated). */
static size_t make_jar(uint8_t *out, const char *name, const uint8_t *data, size_t len, bool corrupt)
{
	uint8_t comp[8192];
	z_stream zs;
	memset(&zs, 0, sizeof zs);
	assert_int_equal(deflateInit2(&zs, 9, Z_DEFLATED, -MAX_WBITS, 8, Z_DEFAULT_STRATEGY), Z_OK);
	zs.next_in = (Bytef *)(uintptr_t)data;
	zs.avail_in = (uInt)len;
	zs.next_out = comp;
	zs.avail_out = sizeof comp;
	assert_int_equal(deflate(&zs, Z_FINISH), Z_STREAM_END);
	size_t clen = zs.total_out;
	deflateEnd(&zs);
	uint32_t crc = (uint32_t)crc32(0L, data, (uInt)len);
	if (corrupt)
		comp[clen / 2] ^= 0x55;
	size_t n = 0, nl = strlen(name);
	#define LE2(v) do { out[n++] = (uint8_t)(v); out[n++] = (uint8_t)((v) >> 8); } while (0)
	#define LE4(v) do { LE2((v) & 0xffff); LE2((uint32_t)(v) >> 16); } while (0)
	LE4(0x04034b50u); LE2(20); LE2(0); LE2(8); LE2(0); LE2(0); LE4(crc); LE4(clen); LE4(len);
	LE2(nl); LE2(0);
	memcpy(out + n, name, nl); n += nl;
	memcpy(out + n, comp, clen); n += clen;
	size_t cd = n;
	LE4(0x02014b50u); LE2(20); LE2(20); LE2(0); LE2(8); LE2(0); LE2(0); LE4(crc); LE4(clen); LE4(len);
	LE2(nl); LE2(0); LE2(0); LE2(0); LE2(0); LE4(0); LE4(0);
	memcpy(out + n, name, nl); n += nl;
	size_t cdlen = n - cd;
	LE4(0x06054b50u); LE2(0); LE2(0); LE2(1); LE2(1); LE4(cdlen); LE4(cd); LE2(0);
	#undef LE2
	#undef LE4
	return n;
}

static void classes_load_from_an_in_memory_jar(void **state)
{
	(void)state;
	static const uint8_t code[] = { 0x01, 0xb0 };
	struct cf c;
	cf_init(&c);
	struct meth m = { "f", "()Ljava/lang/Object;", ACC_PUBLIC | ACC_STATIC, 1, 0, code, sizeof code, NULL, 0 };
	uint8_t cls[8192], jar[16384];
	size_t n = assemble(cls, &m, 1, NULL, &c);
	size_t jl = make_jar(jar, "Forge.class", cls, n, false);
	struct vn_vm *vm = new_vm();
	assert_int_equal(vn_vm_add_bytes(vm, jar, jl), 0);
	assert_int_equal(vn_vm_load(vm, "Forge"), 0);
	assert_null(vn_vm_find_viflet(vm));            /* Forge is no VIFlet */
	assert_non_null(strstr(vn_vm_error(vm), "no VIFlet"));
	vn_vm_free(vm);
	/* a corrupted member fails its CRC (or inflate) and the class is not found */
	jl = make_jar(jar, "Forge.class", cls, n, true);
	vm = new_vm();
	assert_int_equal(vn_vm_add_bytes(vm, jar, jl), 0);
	assert_int_equal(vn_vm_load(vm, "Forge"), VN_VM_REJECTED);
	assert_non_null(strstr(vn_vm_error(vm), "not found"));
	vn_vm_free(vm);
	/* truncated archives are no jars at all */
	for (size_t cut = 4; cut < jl; cut += 7) {
		vm = new_vm();
		vn_vm_add_bytes(vm, jar, cut);
		assert_int_not_equal(vn_vm_load(vm, "Forge"), 0);
		vn_vm_free(vm);
	}
}

/* ---- number formatting ---- */

static void java_double_to_string(void **state)
{
	(void)state;
	static const struct { double d; const char *s; } t[] = {
		{ 0.0, "0.0" }, { -0.0, "-0.0" }, { 1.0, "1.0" }, { 0.1, "0.1" }, { 100.0, "100.0" },
		{ 1e7, "1.0E7" }, { 9999999.0, "9999999.0" }, { 0.001, "0.001" }, { 0.0001, "1.0E-4" },
		{ 1e10, "1.0E10" }, { 1e-5, "1.0E-5" }, { 1.0 / 3, "0.3333333333333333" },
		{ 0.1 + 0.2, "0.30000000000000004" }, { 1e23, "1.0E23" }, { 1.7976931348623157E308, "1.7976931348623157E308" },
		{ 4.9e-324, "4.9E-324" }, { 123456.789, "123456.789" }, { -1.5e-7, "-1.5E-7" },
	};
	char buf[64];
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		vn_fmt_double(t[i].d, buf);
		assert_string_equal(buf, t[i].s);
	}
	vn_fmt_double(1.0 / 0.0, buf);
	assert_string_equal(buf, "Infinity");
	vn_fmt_double(-1.0 / 0.0, buf);
	assert_string_equal(buf, "-Infinity");
	vn_fmt_double(0.0 / 0.0, buf);
	assert_string_equal(buf, "NaN");
}

static void java_float_to_string(void **state)
{
	(void)state;
	static const struct { float f; const char *s; } t[] = {
		{ 1.1f, "1.1" }, { 0.1f, "0.1" }, { 3.4028235e38f, "3.4028235E38" }, { 1.4e-45f, "1.4E-45" },
		{ 1e10f, "1.0E10" }, { 16777216.0f, "1.6777216E7" }, { 2.99792458e8f, "2.9979245E8" },
		{ 0.001f, "0.001" }, { 1.0f / 3, "0.33333334" },
	};
	char buf[64];
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		vn_fmt_float(t[i].f, buf);
		assert_string_equal(buf, t[i].s);
	}
}

/* ---- heap ---- */

static vn_jmpbuf jb;

static void gc_frees_garbage_and_limit_aborts(void **state)
{
	(void)state;
	struct vn_vm_limits lim = { .heap_bytes = 1u << 20 };
	struct vn_vm *vm = vn_vm_new(&lim, NULL);
	assert_non_null(vm);
	vm->abort_jb = &jb;
	if (VN_SETJMP(jb) == 0) {
		struct vn_class *ia = vn_class_prim_array(vm, EK_I);
		assert_non_null(ia);
		/* 100 MiB of garbage through a 1 MiB heap */
		for (int i = 0; i < 25600; i++)
			vn_new_array(vm, ia, 1000);
		struct vn_vm_stats st;
		vn_vm_get_stats(vm, &st);
		assert_true(st.gc_runs > 0);
		assert_true(st.live_bytes <= lim.heap_bytes);
		/* rooted objects survive; then the limit aborts */
		for (;;) {
			struct vn_obj *a = vn_new_array(vm, ia, 20000);
			assert_true(vm->ntmp < VN_MAX_TMPROOTS);
			vn_root_push(vm, a);
		}
	}
	assert_true(vn_vm_aborted(vm));
	assert_non_null(strstr(vn_vm_error(vm), "heap limit exceeded"));
	vm->abort_jb = NULL;
	vn_vm_free(vm);
}

/* ---- host packet API ---- */

struct hpkt { uint8_t data[64]; uint32_t len; int dropped; };

static const uint8_t *h_data(void *ctx, void *pkt, uint32_t *len)
{
	(void)ctx;
	struct hpkt *p = pkt;
	*len = p->len;
	return p->data;
}
static void h_drop(void *ctx, void *pkt) { (void)ctx; ((struct hpkt *)pkt)->dropped++; }
static void h_out(void *ctx, const char *s, size_t n) { (void)ctx; (void)s; (void)n; }
static void count_cb(void *arg, void *pkt) { (void)pkt; (*(int *)arg)++; }

static void make_udp(struct hpkt *p, int sport, int dport)
{
	memset(p, 0, sizeof *p);
	p->len = 28;
	p->data[0] = 0x45;
	p->data[9] = 17;
	p->data[20] = (uint8_t)(sport >> 8);
	p->data[21] = (uint8_t)sport;
	p->data[22] = (uint8_t)(dport >> 8);
	p->data[23] = (uint8_t)dport;
}

static struct vn_vm *viflet_vm(const char *cls)
{
	const char *b = getenv("VIFNET_BUILD");
	char cp[1024];
	snprintf(cp, sizeof cp, "%s/test/java/classes/viflet", b ? b : "build");
	struct vn_vm_host host = { .pkt_data = h_data, .pkt_drop = h_drop, .out = h_out };
	struct vn_vm_limits lim = { .heap_bytes = 4u << 20, .budget = 100000 };
	struct vn_vm *vm = vn_vm_new(&lim, &host);
	assert_non_null(vm);
	assert_int_equal(vn_vm_add_classpath(vm, cp), 0);
	int rc = vn_vm_viflet_start(vm, cls);
	if (rc)
		fail_msg("%s: %s", cls, vn_vm_error(vm));
	return vm;
}

struct rel { int *seen; struct hpkt *base; };
static void seen_cb(void *arg, void *pkt)
{
	struct rel *r = arg;
	r->seen[(struct hpkt *)pkt - r->base]++;
}

static void priq_orders_by_class(void **state)
{
	(void)state;
	struct vn_vm *vm = viflet_vm("PriQVIFlet");
	struct hpkt p[4];
	make_udp(&p[0], 5000, 5001);   /* other UDP: class 1 */
	make_udp(&p[1], 5000, 53);     /* DNS: class 0 */
	make_udp(&p[2], 7, 9);         /* class 1 */
	make_udp(&p[3], 123, 123);     /* NTP: class 0 */
	for (int i = 0; i < 4; i++)
		assert_int_equal(vn_vm_enqueue(vm, &p[i]), 0);
	assert_int_equal(vn_vm_viflet_length(vm), 4);
	void *out;
	static const int order[] = { 1, 3, 0, 2 };
	for (int i = 0; i < 4; i++) {
		assert_int_equal(vn_vm_dequeue(vm, &out), 0);
		assert_ptr_equal(out, &p[order[i]]);
	}
	assert_int_equal(vn_vm_dequeue(vm, &out), 0);
	assert_null(out);
	assert_int_equal(vn_vm_viflet_length(vm), 0);
	vn_vm_free(vm);
}

static void duplicate_packet_aborts_and_packets_come_back(void **state)
{
	(void)state;
	struct vn_vm *vm = viflet_vm("DupPacketVIFlet");
	struct hpkt p;
	make_udp(&p, 1, 2);
	assert_int_equal(vn_vm_enqueue(vm, &p), VN_VM_ABORTED);
	assert_true(vn_vm_aborted(vm));
	assert_non_null(strstr(vn_vm_error(vm), "packet rule"));
	/* every later call fails; the held packet is handed back */
	void *out;
	assert_int_equal(vn_vm_dequeue(vm, &out), VN_VM_ABORTED);
	int n = 0;
	assert_int_equal(vn_vm_release_held(vm, count_cb, &n), 1);
	assert_int_equal(n, 1);
	vn_vm_free(vm);
}

static void budget_aborts_a_spinning_handler(void **state)
{
	(void)state;
	struct vn_vm *vm = viflet_vm("SpinVIFlet");
	struct hpkt p;
	make_udp(&p, 1, 2);
	assert_int_equal(vn_vm_enqueue(vm, &p), VN_VM_ABORTED);
	assert_non_null(strstr(vn_vm_error(vm), "instruction budget"));
	vn_vm_free(vm);
}

static void dropped_packets_reach_the_host(void **state)
{
	(void)state;
	struct vn_vm *vm = viflet_vm("DropOddVIFlet");
	struct hpkt p[4];
	for (int i = 0; i < 4; i++) {
		make_udp(&p[i], 1, 2);
		assert_int_equal(vn_vm_enqueue(vm, &p[i]), 0);
	}
	assert_int_equal(p[1].dropped + p[3].dropped, 2);
	assert_int_equal(p[0].dropped + p[2].dropped, 0);
	int n = 0;
	assert_int_equal(vn_vm_release_held(vm, count_cb, &n), 2);
	vn_vm_free(vm);
}

/* Thousands held, some leaving from the middle of the table (dequeue by
 * class), then a steady state: every packet given is handed back exactly
 * once, and a packet in, a packet out allocates no Packet object (they are
 * recycled after dequeue). */
static void held_packets_many_and_recycled(void **state)
{
	(void)state;
	struct vn_vm *vm = viflet_vm("PriQVIFlet");
	enum { N = 3000 };
	struct hpkt *p = calloc(N + 1, sizeof *p);
	int *seen = calloc(N + 1, sizeof *seen);
	assert_non_null(p);
	assert_non_null(seen);
	for (int i = 0; i < N; i++) {
		make_udp(&p[i], 5000, i % 3 ? 5001 : 53);   /* a third in class 0 */
		assert_int_equal(vn_vm_enqueue(vm, &p[i]), 0);
	}
	for (int i = 0; i < N / 2; i++) {
		void *out;
		assert_int_equal(vn_vm_dequeue(vm, &out), 0);
		assert_non_null(out);
		seen[(struct hpkt *)out - p]++;
	}
	struct vn_vm_stats a, b;
	vn_vm_get_stats(vm, &a);
	for (int k = 0; k < 20000; k++) {   /* steady state: one in, one out */
		void *out;
		make_udp(&p[N], 5000, 53);
		assert_int_equal(vn_vm_enqueue(vm, &p[N]), 0);
		assert_int_equal(vn_vm_dequeue(vm, &out), 0);
		assert_ptr_equal(out, &p[N]);   /* class 0 first */
	}
	vn_vm_get_stats(vm, &b);
	/* Queue nodes may be allocated; a Packet object per packet would be
	 * 20000 objects more. */
	print_message("allocated in the steady state: %llu bytes\n", (unsigned long long)(b.allocated_bytes - a.allocated_bytes));
	assert_true(b.allocated_bytes - a.allocated_bytes < 20000u * 24);
	assert_int_equal(vn_vm_viflet_length(vm), N - N / 2);
	struct rel r = { seen, p };
	size_t n = vn_vm_release_held(vm, seen_cb, &r);
	assert_int_equal(n, N - N / 2);
	for (int i = 0; i < N; i++)
		assert_int_equal(seen[i], 1);
	free(p);
	free(seen);
	vn_vm_free(vm);
}

/* A Packet object recycled for another packet forgets what it cached about
 * the previous one (protocol, ports, bytes): the JIT reads the caches inline. */
static void recycled_packet_object_is_classified_afresh(void **state)
{
	(void)state;
	struct vn_vm *vm = viflet_vm("PriQVIFlet");
	struct hpkt p, q, r;
	void *out;
	make_udp(&p, 5000, 53);       /* class 0 */
	make_udp(&q, 5000, 5001);     /* class 1: carried by p's recycled object */
	make_udp(&r, 5000, 123);      /* class 0 */
	assert_int_equal(vn_vm_enqueue(vm, &p), 0);
	assert_int_equal(vn_vm_dequeue(vm, &out), 0);
	assert_ptr_equal(out, &p);
	assert_int_equal(vn_vm_enqueue(vm, &q), 0);
	assert_int_equal(vn_vm_enqueue(vm, &r), 0);
	assert_int_equal(vn_vm_dequeue(vm, &out), 0);
	assert_ptr_equal(out, &r);    /* with p's class still cached, q would come first */
	assert_int_equal(vn_vm_dequeue(vm, &out), 0);
	assert_ptr_equal(out, &q);
	vn_vm_free(vm);
}

/* Mappings of the JIT's code regions: readable+executable ones and
 * readable+writable ones; any mapping of the process writable and
 * executable at once counts in *wx. */
static void jit_mappings(int *rx, int *rw, int *wx)
{
	*rx = *rw = *wx = 0;
	FILE *m = fopen("/proc/self/maps", "r");
	assert_non_null(m);
	char line[512];
	while (fgets(line, sizeof line, m)) {
		char perms[8];
		if (sscanf(line, "%*x-%*x %7s", perms) != 1)
			continue;
		*wx += perms[1] == 'w' && perms[2] == 'x';
		if (strstr(line, "vn_viflet_jit")) {
			*rx += perms[1] != 'w' && perms[2] == 'x';
			*rw += perms[1] == 'w' && perms[2] != 'x';
		}
	}
	fclose(m);
}

static void jit_code_is_never_writable_and_executable(void **state)
{
	(void)state;
#if defined(__x86_64__)
	int rx, rw, wx;
	vn_jit_trim();                /* no region kept from an earlier VM */
	jit_mappings(&rx, &rw, &wx);
	int rx0 = rx, rw0 = rw;
	struct vn_vm *vm = viflet_vm("PriQVIFlet");
	struct hpkt p;
	void *out;
	make_udp(&p, 5000, 53);
	assert_int_equal(vn_vm_enqueue(vm, &p), 0);
	assert_int_equal(vn_vm_dequeue(vm, &out), 0);
	assert_ptr_equal(out, &p);
	jit_mappings(&rx, &rw, &wx);
	assert_int_equal(wx, 0);
	assert_true(rx > rx0);        /* the code region: run there ... */
	assert_true(rw > rw0);        /* ... written through another mapping */
	vn_vm_free(vm);
	jit_mappings(&rx, &rw, &wx);
	assert_true(rx <= rx0 + 1);   /* freed with the VM, or kept for the next one */
	assert_true(rw <= rw0 + 1);
	vn_jit_trim();
	jit_mappings(&rx, &rw, &wx);
	assert_int_equal(rx, rx0);
	assert_int_equal(rw, rw0);
#else
	skip();
#endif
}

/* The inode of the JIT's executable code region (one expected), or 0. */
static unsigned long jit_region_inode(void)
{
	unsigned long ino = 0, i;
	FILE *m = fopen("/proc/self/maps", "r");
	assert_non_null(m);
	char line[512], perms[8];
	while (fgets(line, sizeof line, m))
		if (strstr(line, "vn_viflet_jit") && sscanf(line, "%*x-%*x %7s %*x %*s %lu", perms, &i) == 2 &&
		    perms[2] == 'x')
			ino = i;
	fclose(m);
	return ino;
}

/* A freed VM's code region serves the next VM (its code placed after the
 * freed VM's): the same memfd, no second mapping, none writable and
 * executable, the same results. */
static void freed_vms_code_region_serves_the_next(void **state)
{
	(void)state;
#if defined(__x86_64__)
	int rx, rw, wx;
	unsigned long ino = 0;
	vn_jit_trim();
	for (int k = 0; k < 2; k++) {
		struct vn_vm *vm = viflet_vm("PriQVIFlet");
		struct hpkt p, q;
		void *out;
		make_udp(&p, 5000, 5001);     /* class 1 */
		make_udp(&q, 5000, 53);       /* class 0: first out */
		assert_int_equal(vn_vm_enqueue(vm, &p), 0);
		assert_int_equal(vn_vm_enqueue(vm, &q), 0);
		assert_int_equal(vn_vm_dequeue(vm, &out), 0);
		assert_ptr_equal(out, &q);
		assert_int_equal(vn_vm_dequeue(vm, &out), 0);
		assert_ptr_equal(out, &p);
		const struct vn_jit_stat *st;
		size_t n = vn_vm_jit_stats(vm, &st), compiled = 0;
		for (size_t i = 0; i < n; i++)
			compiled += st[i].compiled;
		assert_true(compiled > 5);
		jit_mappings(&rx, &rw, &wx);
		assert_int_equal(wx, 0);
		assert_int_equal(rx, 1);      /* the one region, made once */
		assert_int_equal(rw, 1);
		if (k == 0)
			ino = jit_region_inode();
		else
			assert_int_equal(jit_region_inode(), ino);
		vn_vm_free(vm);
	}
	vn_jit_trim();
	jit_mappings(&rx, &rw, &wx);
	assert_int_equal(rx, 0);
	assert_int_equal(rw, 0);
#else
	skip();
#endif
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(valid_method_loads),
		cmocka_unit_test(forged_reference_is_rejected),
		cmocka_unit_test(int_stored_as_reference_is_rejected),
		cmocka_unit_test(field_of_wrong_object_is_rejected),
		cmocka_unit_test(stack_underflow_is_rejected),
		cmocka_unit_test(stack_overflow_is_rejected),
		cmocka_unit_test(branch_into_an_instruction_is_rejected),
		cmocka_unit_test(branch_without_frame_is_rejected),
		cmocka_unit_test(frame_with_wrong_type_is_rejected),
		cmocka_unit_test(split_long_is_rejected),
		cmocka_unit_test(locals_out_of_range_are_rejected),
		cmocka_unit_test(falling_off_the_end_is_rejected),
		cmocka_unit_test(monitor_is_rejected_with_location),
		cmocka_unit_test(truncated_and_garbage_files_are_rejected),
		cmocka_unit_test(classes_load_from_an_in_memory_jar),
		cmocka_unit_test(java_double_to_string),
		cmocka_unit_test(java_float_to_string),
		cmocka_unit_test(gc_frees_garbage_and_limit_aborts),
		cmocka_unit_test(priq_orders_by_class),
		cmocka_unit_test(recycled_packet_object_is_classified_afresh),
		cmocka_unit_test(jit_code_is_never_writable_and_executable),
		cmocka_unit_test(freed_vms_code_region_serves_the_next),
		cmocka_unit_test(duplicate_packet_aborts_and_packets_come_back),
		cmocka_unit_test(budget_aborts_a_spinning_handler),
		cmocka_unit_test(dropped_packets_reach_the_host),
		cmocka_unit_test(held_packets_many_and_recycled),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
