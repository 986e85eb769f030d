/* The verifier, run when a user class is loaded (library classes in the ROM
 * are trusted).
 *
 * Invariants established for every method that passes, which the preparer
 * and the interpreter rely on without checking again:
 *  1. Structure: every instruction is a known opcode and lies wholly inside
 *     the code; every branch, switch and handler target is an instruction
 *     start; exception ranges are instruction-aligned; constant-pool operands
 *     have the right tags; local indices are below max_locals (a long/double
 *     local's second slot too); control cannot fall off the end.
 *  2. Types (JVMS 4.10.1, type checking with StackMapTable): at every
 *     instruction the operand stack depth and the type of every stack slot
 *     and local are known and consistent along all paths; operands have the
 *     types their instructions need (so no reference is forged from an int,
 *     no int read from a reference, no field read from an object of the wrong
 *     class, no array access on a non-array); the stack never underflows or
 *     exceeds max_stack; constructors are called exactly on uninitialized
 *     objects, and `this` is initialized before a constructor returns.
 *  Assignability between class types loads the classes involved; interfaces
 *  are treated as java/lang/Object, as the JVM does, and checked at run time
 *  by invokeinterface. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vm_int.h"

const char *const vn_opname[256] = {
	"nop", "aconst_null", "iconst_m1", "iconst_0", "iconst_1", "iconst_2", "iconst_3", "iconst_4",
	"iconst_5", "lconst_0", "lconst_1", "fconst_0", "fconst_1", "fconst_2", "dconst_0", "dconst_1",
	"bipush", "sipush", "ldc", "ldc_w", "ldc2_w", "iload", "lload", "fload", "dload", "aload",
	"iload_0", "iload_1", "iload_2", "iload_3", "lload_0", "lload_1", "lload_2", "lload_3",
	"fload_0", "fload_1", "fload_2", "fload_3", "dload_0", "dload_1", "dload_2", "dload_3",
	"aload_0", "aload_1", "aload_2", "aload_3", "iaload", "laload", "faload", "daload", "aaload",
	"baload", "caload", "saload", "istore", "lstore", "fstore", "dstore", "astore", "istore_0",
	"istore_1", "istore_2", "istore_3", "lstore_0", "lstore_1", "lstore_2", "lstore_3", "fstore_0",
	"fstore_1", "fstore_2", "fstore_3", "dstore_0", "dstore_1", "dstore_2", "dstore_3", "astore_0",
	"astore_1", "astore_2", "astore_3", "iastore", "lastore", "fastore", "dastore", "aastore",
	"bastore", "castore", "sastore", "pop", "pop2", "dup", "dup_x1", "dup_x2", "dup2", "dup2_x1",
	"dup2_x2", "swap", "iadd", "ladd", "fadd", "dadd", "isub", "lsub", "fsub", "dsub", "imul",
	"lmul", "fmul", "dmul", "idiv", "ldiv", "fdiv", "ddiv", "irem", "lrem", "frem", "drem", "ineg",
	"lneg", "fneg", "dneg", "ishl", "lshl", "ishr", "lshr", "iushr", "lushr", "iand", "land", "ior",
	"lor", "ixor", "lxor", "iinc", "i2l", "i2f", "i2d", "l2i", "l2f", "l2d", "f2i", "f2l", "f2d",
	"d2i", "d2l", "d2f", "i2b", "i2c", "i2s", "lcmp", "fcmpl", "fcmpg", "dcmpl", "dcmpg", "ifeq",
	"ifne", "iflt", "ifge", "ifgt", "ifle", "if_icmpeq", "if_icmpne", "if_icmplt", "if_icmpge",
	"if_icmpgt", "if_icmple", "if_acmpeq", "if_acmpne", "goto", "jsr", "ret", "tableswitch",
	"lookupswitch", "ireturn", "lreturn", "freturn", "dreturn", "areturn", "return", "getstatic",
	"putstatic", "getfield", "putfield", "invokevirtual", "invokespecial", "invokestatic",
	"invokeinterface", "invokedynamic", "new", "newarray", "anewarray", "arraylength", "athrow",
	"checkcast", "instanceof", "monitorenter", "monitorexit", "wide", "multianewarray", "ifnull",
	"ifnonnull", "goto_w", "jsr_w",
};


/* Length of a fixed-size instruction; 0: variable size (switches, wide). */
static uint32_t fixed_len(uint8_t op)
{
	switch (op) {
	case 16: case 18: case 21: case 22: case 23: case 24: case 25:
	case 54: case 55: case 56: case 57: case 58: case 169: case 188:
		return 2;
	case 17: case 19: case 20: case 132: case 187: case 189: case 192: case 193: case 198: case 199:
		return 3;
	case 197: return 4;
	case 185: case 186: case 200: case 201: return 5;
	case 170: case 171: case 196: return 0;
	default:
		if (op >= 153 && op <= 168)
			return 3;
		if (op >= 178 && op <= 184)
			return 3;
		return 1;
	}
}

uint32_t vn_insn_len(const uint8_t *code, uint32_t len, uint32_t pc)
{
	if (pc >= len)
		return 0;
	uint8_t op = code[pc];
	uint32_t l;
	if (op > 201)
		return 0;
	if (op == 170 || op == 171) {
		uint32_t q = (pc + 4) & ~3u;
		if (q + 12 > len)
			return 0;
		if (op == 170) {
			int64_t lo = vn_rd4(code + q + 4), hi = vn_rd4(code + q + 8);
			if (hi < lo || hi - lo + 1 > 65536)
				return 0;
			l = q + 12 + (uint32_t)(hi - lo + 1) * 4 - pc;
		} else {
			int32_t n = vn_rd4(code + q + 4);
			if (n < 0 || n > 65536)
				return 0;
			l = q + 8 + (uint32_t)n * 8 - pc;
		}
	} else if (op == 196) {
		if (pc + 1 >= len)
			return 0;
		uint8_t w = code[pc + 1];
		if (w == 132)
			l = 6;
		else if ((w >= 21 && w <= 25) || (w >= 54 && w <= 58) || w == 169)
			l = 4;
		else
			return 0;
	} else {
		l = fixed_len(op);
	}
	if (!l || l > len - pc)
		return 0;
	return l;
}

void vn_where(char *buf, size_t n, const struct vn_method *m, uint32_t pc)
{
	const char *op = (m->code && pc < m->code_len) ? vn_opname[m->code[pc]] : NULL;
	snprintf(buf, n, "%s.%s%s @%u %s", m->cls->name, m->name, m->desc, pc, op ? op : "?");
}

int vn_reject_at(struct vn_vm *vm, const struct vn_method *m, uint32_t pc,
                 const char *prefix, const char *fmt, va_list ap)
{
	char where[300], why[300];
	vn_where(where, sizeof where, m, pc);
	vsnprintf(why, sizeof why, fmt, ap);
	vn_seterr(vm, "%s%s: %s", prefix, where, why);
	return -1;
}

struct vctx {
	struct vn_vm *vm;
	struct vn_class *c;
	struct vn_method *m;
	uint32_t pc;
};

static int vfail(struct vctx *x, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int vfail(struct vctx *x, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int r = vn_reject_at(x->vm, x->m, x->pc, "verify: ", fmt, ap);
	va_end(ap);
	return r;
}

static bool cp_is(struct vn_class *c, uint32_t i, int tag)
{
	return i > 0 && i < c->cp_count && c->cp[i].tag == tag;
}

int vn_verify_types(struct vn_vm *vm, struct vn_method *m, const uint8_t *starts);

static int verify_method(struct vctx *x)
{
	struct vn_method *m = x->m;
	struct vn_class *c = x->c;
	const uint8_t *code = m->code;
	uint32_t len = m->code_len;
	x->pc = 0;
	if (m->access & ACC_NATIVE)
		return c->rom ? 0 : vfail(x, "native methods are not allowed in VIFlet classes");
	if (m->access & ACC_SYNCHRONIZED)
		return vfail(x, "synchronized methods are not supported");
	if (m->access & ACC_ABSTRACT) {
		if (code)
			return vfail(x, "abstract method with code");
		return 0;
	}
	if (!code)
		return vfail(x, "method without code");
	uint8_t *starts = calloc(len + 1, 1);
	if (!starts)
		return vfail(x, "out of memory");
	int rc = -1;
	uint32_t last = 0;
	for (uint32_t pc = 0; pc < len;) {
		x->pc = pc;
		uint32_t l = vn_insn_len(code, len, pc);
		if (!l) {
			vfail(x, code[pc] > 201 ? "unknown opcode %u" : "truncated or malformed instruction (opcode %u)", code[pc]);
			goto out;
		}
		starts[pc] = 1;
		last = pc;
		pc += l;
	}
	for (uint32_t pc = 0; pc < len; pc += vn_insn_len(code, len, pc)) {
		x->pc = pc;
		uint8_t op = code[pc];
		uint32_t idx = 0, need = 0;
		/* locals */
		if (op >= 21 && op <= 25)
			idx = code[pc + 1], need = (op == 22 || op == 24) ? 2 : 1;
		else if (op >= 54 && op <= 58)
			idx = code[pc + 1], need = (op == 55 || op == 57) ? 2 : 1;
		else if (op >= 26 && op <= 45)
			idx = (uint32_t)(op - 26) % 4, need = ((op - 26) / 4 == 1 || (op - 26) / 4 == 3) ? 2 : 1;
		else if (op >= 59 && op <= 78)
			idx = (uint32_t)(op - 59) % 4, need = ((op - 59) / 4 == 1 || (op - 59) / 4 == 3) ? 2 : 1;
		else if (op == 132)
			idx = code[pc + 1], need = 1;
		else if (op == 196) {
			uint8_t w = code[pc + 1];
			idx = vn_rd2(code + pc + 2);
			need = (w == 22 || w == 24 || w == 55 || w == 57) ? 2 : 1;
		}
		if (need && idx + need > m->max_locals) {
			vfail(x, "local %u outside max_locals %u", idx, m->max_locals);
			goto out;
		}
		/* branch targets */
		if ((op >= 153 && op <= 168) || op == 198 || op == 199 || op == 200 || op == 201) {
			int64_t t = (int64_t)pc + ((op >= 200) ? vn_rd4(code + pc + 1) : (int16_t)vn_rd2(code + pc + 1));
			if (t < 0 || t >= len || !starts[t]) {
				vfail(x, "branch target %lld is not an instruction", (long long)t);
				goto out;
			}
		}
		if (op == 170 || op == 171) {
			uint32_t q = (pc + 4) & ~3u;
			int64_t n = op == 170 ? (int64_t)vn_rd4(code + q + 8) - vn_rd4(code + q + 4) + 1 : vn_rd4(code + q + 4);
			for (int64_t i = -1; i < n; i++) {
				int32_t off = i < 0 ? vn_rd4(code + q) : op == 170 ? vn_rd4(code + q + 12 + 4 * i) : vn_rd4(code + q + 12 + 8 * i);
				int64_t t = (int64_t)pc + off;
				if (t < 0 || t >= len || !starts[t]) {
					vfail(x, "switch target %lld is not an instruction", (long long)t);
					goto out;
				}
				if (op == 171 && i > 0 && vn_rd4(code + q + 8 + 8 * i) <= vn_rd4(code + q + 8 + 8 * (i - 1))) {
					vfail(x, "lookupswitch keys not sorted");
					goto out;
				}
			}
		}
		/* constant pool operands */
		switch (op) {
		case 18: case 19: case 20: {
			idx = op == 18 ? code[pc + 1] : vn_rd2(code + pc + 1);
			int t = idx < c->cp_count && idx ? c->cp[idx].tag : 0;
			bool ok = op == 20 ? (t == CP_LONG || t == CP_DOUBLE)
					   : (t == CP_INT || t == CP_FLOAT || t == CP_STRING || t == CP_CLASS);
			if (!ok) {
				vfail(x, "bad constant #%u", idx);
				goto out;
			}
			break;
		}
		case 178: case 179: case 180: case 181:
			if (!cp_is(c, vn_rd2(code + pc + 1), CP_FIELD)) {
				vfail(x, "operand is not a field reference");
				goto out;
			}
			break;
		case 182: case 183: case 184:
			idx = vn_rd2(code + pc + 1);
			if (!cp_is(c, idx, CP_METHOD) && !(op != 182 && cp_is(c, idx, CP_IMETHOD))) {
				vfail(x, "operand is not a method reference");
				goto out;
			}
			break;
		case 185:
			if (!cp_is(c, vn_rd2(code + pc + 1), CP_IMETHOD) || code[pc + 3] == 0 || code[pc + 4] != 0) {
				vfail(x, "bad invokeinterface operands");
				goto out;
			}
			break;
		case 186:
			if (!cp_is(c, vn_rd2(code + pc + 1), CP_INDY) || code[pc + 3] || code[pc + 4]) {
				vfail(x, "bad invokedynamic operands");
				goto out;
			}
			break;
		case 187: case 189: case 192: case 193: case 197:
			if (!cp_is(c, vn_rd2(code + pc + 1), CP_CLASS)) {
				vfail(x, "operand is not a class");
				goto out;
			}
			if (op == 197 && code[pc + 3] == 0) {
				vfail(x, "zero dimensions");
				goto out;
			}
			break;
		case 188:
			if (code[pc + 1] < 4 || code[pc + 1] > 11) {
				vfail(x, "bad array type %u", code[pc + 1]);
				goto out;
			}
			break;
		case 168: case 169: case 201:
			vfail(x, "jsr/ret subroutines are not supported");
			goto out;
		case 194: case 195:
			vfail(x, "monitors (synchronized) are not supported");
			goto out;
		}
	}
	/* control must not fall off the end */
	x->pc = last;
	{
		uint8_t op = code[last];
		if (!((op >= 172 && op <= 177) || op == 167 || op == 200 || op == 191 || op == 170 || op == 171)) {
			vfail(x, "control falls off the end of the code");
			goto out;
		}
	}
	for (uint16_t i = 0; i < m->nexc; i++) {
		const struct vn_exc_entry *e = &m->exc[i];
		x->pc = e->start < len ? e->start : 0;
		if (e->start >= len || !starts[e->start] || e->end > len || e->end <= e->start ||
		    (e->end < len && !starts[e->end]) || e->handler >= len || !starts[e->handler]) {
			vfail(x, "bad exception table entry %u", i);
			goto out;
		}
		if (e->type && !cp_is(c, e->type, CP_CLASS)) {
			vfail(x, "exception table entry %u: catch type is not a class", i);
			goto out;
		}
	}
	rc = vn_verify_types(x->vm, m, starts);
out:
	free(starts);
	return rc;
}

int vn_verify_class(struct vn_vm *vm, struct vn_class *c)
{
	struct vctx x = { .vm = vm, .c = c };
	if (c->major < 50) {
		vn_seterr(vm, "verify: %s: class file version %u predates StackMapTable (50+ required)", c->name, c->major);
		return -1;
	}
	for (uint16_t i = 0; i < c->nmethods; i++) {
		x.m = &c->methods[i];
		if (verify_method(&x))
			return -1;
	}
	return 0;
}

/* ==== type checking with StackMapTable (JVMS 4.10.1) ====
 *
 * A verification type is a uint32_t: the low byte a kind, the rest an
 * argument (the interned class name of a reference, the offset of the `new`
 * of an uninitialized object). long and double take two slots, the second
 * being T_HI, in locals and on the stack alike, so that stack shuffles and
 * stores can be checked never to split one. */

enum { T_TOP = 0, T_INT, T_FLOAT, T_LONG, T_DOUBLE, T_NULL, T_UTHIS, T_UNINIT, T_REF, T_HI };
#define KIND(t) ((t) & 0xff)
#define ARG(t) ((t) >> 8)
#define MK(k, a) ((uint32_t)(k) | (uint32_t)(a) << 8)
#define MAXNAMES 4096

struct tframe {
	uint32_t *loc, *stk;
	uint32_t sp;
	bool this_uninit;
};

struct tc {
	struct vn_vm *vm;
	struct vn_class *c;
	struct vn_method *m;
	uint32_t pc;
	uint32_t nl, ns;          /* max_locals, max_stack */
	const char *names[MAXNAMES]; uint32_t nnames;
	char *owned[MAXNAMES]; uint32_t nowned;
	/* stack map: frames sorted by offset */
	uint32_t nframes;
	uint32_t *foff;
	struct tframe *frames;
	uint32_t obj, str, thr;   /* interned java/lang/Object, String, Throwable */
};

static int tfail(struct tc *x, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int tfail(struct tc *x, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int r = vn_reject_at(x->vm, x->m, x->pc, "verify: ", fmt, ap);
	va_end(ap);
	return r;
}

/* Interns a class name (binary form, or an array descriptor). len < 0: NUL-terminated. */
static int intern(struct tc *x, const char *s, int len, uint32_t *out)
{
	size_t n = len < 0 ? strlen(s) : (size_t)len;
	for (uint32_t i = 0; i < x->nnames; i++)
		if (strlen(x->names[i]) == n && !memcmp(x->names[i], s, n)) {
			*out = MK(T_REF, i);
			return 0;
		}
	if (x->nnames == MAXNAMES || x->nowned == MAXNAMES)
		return tfail(x, "too many class names");
	char *c = strndup(s, n);
	if (!c)
		return tfail(x, "out of memory");
	x->owned[x->nowned++] = c;
	x->names[x->nnames] = c;
	*out = MK(T_REF, x->nnames++);
	return 0;
}

static const char *tname(struct tc *x, uint32_t t, char *buf, size_t n)
{
	static const char *k[] = { "top", "int", "float", "long", "double", "null", "uninitializedThis",
				   "uninitialized", "ref", "(second half)" };
	if (KIND(t) == T_REF)
		snprintf(buf, n, "%s", x->names[ARG(t)]);
	else if (KIND(t) == T_UNINIT)
		snprintf(buf, n, "uninitialized(%u)", ARG(t));
	else
		snprintf(buf, n, "%s", KIND(t) <= T_HI ? k[KIND(t)] : "?");
	return buf;
}

static bool is_ref(uint32_t t) { return KIND(t) == T_REF || KIND(t) == T_NULL; }
static bool is_refish(uint32_t t) { return is_ref(t) || KIND(t) == T_UNINIT || KIND(t) == T_UTHIS; }
static bool is_array(struct tc *x, uint32_t t) { return KIND(t) == T_REF && x->names[ARG(t)][0] == '['; }

static struct vn_class *load_quiet(struct tc *x, const char *name)
{
	char saved[VN_ERRLEN];
	memcpy(saved, x->vm->err, sizeof saved);
	struct vn_class *k = vn_class_load(x->vm, name);
	memcpy(x->vm->err, saved, sizeof saved);
	return k;
}

/* Is reference type a (name) assignable to b (name)? */
static bool name_assignable(struct tc *x, const char *a, const char *b)
{
	if (!strcmp(a, b) || !strcmp(b, "java/lang/Object"))
		return true;
	if (b[0] == '[') {
		if (a[0] != '[')
			return false;
		const char *ea = a + 1, *eb = b + 1;
		if (*ea != 'L' && *ea != '[')
			return !strcmp(ea, eb);
		if (*eb != 'L' && *eb != '[')
			return false;
		char na[1024], nb[1024];
		size_t la = strlen(ea), lb = strlen(eb);
		if (*ea == 'L') {
			if (la < 3 || la - 2 >= sizeof na)
				return false;
			memcpy(na, ea + 1, la - 2);
			na[la - 2] = 0;
		} else {
			snprintf(na, sizeof na, "%s", ea);
		}
		if (*eb == 'L') {
			if (lb < 3 || lb - 2 >= sizeof nb)
				return false;
			memcpy(nb, eb + 1, lb - 2);
			nb[lb - 2] = 0;
		} else {
			snprintf(nb, sizeof nb, "%s", eb);
		}
		return name_assignable(x, na, nb);
	}
	struct vn_class *kb = load_quiet(x, b);
	if (!kb)
		return false;
	if (kb->access & ACC_INTERFACE)
		return true;            /* interfaces are checked at run time */
	if (a[0] == '[')
		return false;
	struct vn_class *ka = load_quiet(x, a);
	return ka && vn_class_sub(ka, kb);
}

static bool assignable(struct tc *x, uint32_t a, uint32_t b)
{
	if (a == b || KIND(b) == T_TOP)
		return true;
	if (KIND(a) == T_NULL)
		return KIND(b) == T_REF;
	if (KIND(a) == T_REF && KIND(b) == T_REF)
		return name_assignable(x, x->names[ARG(a)], x->names[ARG(b)]);
	return false;
}

static int push(struct tc *x, struct tframe *f, uint32_t t)
{
	if (f->sp >= x->ns)
		return tfail(x, "operand stack overflow (max_stack %u)", x->ns);
	f->stk[f->sp++] = t;
	return 0;
}

static int push2(struct tc *x, struct tframe *f, uint32_t t)
{
	if (push(x, f, t))
		return -1;
	return (KIND(t) == T_LONG || KIND(t) == T_DOUBLE) ? push(x, f, T_HI) : 0;
}

/* Pops a value assignable to t (two slots for long/double). */
static int pop(struct tc *x, struct tframe *f, uint32_t t)
{
	char a[200], b[200];
	bool wide = KIND(t) == T_LONG || KIND(t) == T_DOUBLE;
	if (f->sp < (wide ? 2u : 1u))
		return tfail(x, "operand stack underflow");
	if (wide) {
		if (f->stk[f->sp - 1] != T_HI || f->stk[f->sp - 2] != t)
			return tfail(x, "expected %s on the stack, found %s", tname(x, t, a, sizeof a),
				     tname(x, f->stk[f->sp - 2], b, sizeof b));
		f->sp -= 2;
		return 0;
	}
	uint32_t v = f->stk[f->sp - 1];
	if (!assignable(x, v, t))
		return tfail(x, "expected %s on the stack, found %s", tname(x, t, a, sizeof a), tname(x, v, b, sizeof b));
	f->sp--;
	return 0;
}

/* Pops any reference-like value (including uninitialized) into *out. */
static int pop_refish(struct tc *x, struct tframe *f, uint32_t *out, bool allow_uninit)
{
	char b[200];
	if (f->sp < 1)
		return tfail(x, "operand stack underflow");
	uint32_t v = f->stk[f->sp - 1];
	if (allow_uninit ? !is_refish(v) : !is_ref(v))
		return tfail(x, "expected a reference on the stack, found %s", tname(x, v, b, sizeof b));
	f->sp--;
	*out = v;
	return 0;
}

static int pop_array(struct tc *x, struct tframe *f, uint32_t *out)
{
	uint32_t v;
	if (pop_refish(x, f, &v, false))
		return -1;
	if (KIND(v) != T_NULL && !is_array(x, v))
		return tfail(x, "expected an array, found %s", x->names[ARG(v)]);
	*out = v;
	return 0;
}

static void set_local(struct tframe *f, uint32_t n, uint32_t t, uint32_t nl)
{
	if (KIND(f->loc[n]) == T_HI && n > 0)
		f->loc[n - 1] = T_TOP;
	if ((KIND(f->loc[n]) == T_LONG || KIND(f->loc[n]) == T_DOUBLE) && n + 1 < nl)
		f->loc[n + 1] = T_TOP;
	f->loc[n] = t;
	if (KIND(t) == T_LONG || KIND(t) == T_DOUBLE) {
		if (n + 2 < nl && KIND(f->loc[n + 1]) != T_HI &&
		    (KIND(f->loc[n + 1]) == T_LONG || KIND(f->loc[n + 1]) == T_DOUBLE))
			f->loc[n + 2] = T_TOP;
		f->loc[n + 1] = T_HI;
	}
}

/* Type of a field descriptor (first char at d); advances *end past it. */
static int desc_type(struct tc *x, const char *d, const char **end, uint32_t *t)
{
	const char *s = d;
	while (*d == '[')
		d++;
	if (*d == 'L') {
		const char *e = strchr(d, ';');
		if (!e)
			return tfail(x, "bad descriptor");
		d = e + 1;
	} else if (!*d || !strchr("BCDFIJSZ", *d)) {
		return tfail(x, "bad descriptor");
	} else {
		d++;
	}
	*end = d;
	if (*s == '[')
		return intern(x, s, (int)(d - s), t);
	if (*s == 'L')
		return intern(x, s + 1, (int)(d - s - 2), t);
	switch (*s) {
	case 'J': *t = T_LONG; break;
	case 'D': *t = T_DOUBLE; break;
	case 'F': *t = T_FLOAT; break;
	default: *t = T_INT; break;
	}
	return 0;
}

static int frame_alloc(struct tc *x, struct tframe *f)
{
	f->loc = calloc(x->nl + 1, sizeof(uint32_t));
	f->stk = calloc(x->ns + 1, sizeof(uint32_t));
	f->sp = 0;
	f->this_uninit = false;
	return (f->loc && f->stk) ? 0 : tfail(x, "out of memory");
}

static void frame_copy(struct tc *x, struct tframe *d, const struct tframe *s)
{
	memcpy(d->loc, s->loc, x->nl * sizeof(uint32_t));
	memcpy(d->stk, s->stk, s->sp * sizeof(uint32_t));
	d->sp = s->sp;
	d->this_uninit = s->this_uninit;
}

/* Reads one verification_type_info. */
static int read_vti(struct tc *x, const uint8_t **p, const uint8_t *end, uint32_t *t)
{
	if (*p >= end)
		return tfail(x, "truncated StackMapTable");
	uint8_t tag = *(*p)++;
	switch (tag) {
	case 0: *t = T_TOP; return 0;
	case 1: *t = T_INT; return 0;
	case 2: *t = T_FLOAT; return 0;
	case 3: *t = T_DOUBLE; return 0;
	case 4: *t = T_LONG; return 0;
	case 5: *t = T_NULL; return 0;
	case 6: *t = T_UTHIS; return 0;
	case 7: case 8: {
		if (end - *p < 2)
			return tfail(x, "truncated StackMapTable");
		uint16_t v = vn_rd2(*p);
		*p += 2;
		if (tag == 8) {
			if (v >= x->m->code_len || x->m->code[v] != 187)
				return tfail(x, "StackMapTable: uninitialized(%u) is not at a new", v);
			*t = MK(T_UNINIT, v);
			return 0;
		}
		if (!cp_is(x->c, v, CP_CLASS))
			return tfail(x, "StackMapTable: bad class index %u", v);
		return intern(x, x->c->cp[x->c->cp[v].a].v.u.s, -1, t);
	}
	default:
		return tfail(x, "StackMapTable: bad type tag %u", tag);
	}
}

static int put_local(struct tc *x, struct tframe *f, uint32_t *n, uint32_t t)
{
	bool wide = KIND(t) == T_LONG || KIND(t) == T_DOUBLE;
	if (*n + (wide ? 2 : 1) > x->nl)
		return tfail(x, "StackMapTable: locals exceed max_locals");
	f->loc[(*n)++] = t;
	if (wide)
		f->loc[(*n)++] = T_HI;
	return 0;
}

static bool has_uthis(struct tc *x, const struct tframe *f)
{
	for (uint32_t i = 0; i < x->nl; i++)
		if (f->loc[i] == T_UTHIS)
			return true;
	return false;
}

/* The implicit initial frame (JVMS 4.10.1.6), with its locals count in *nlocals. */
static int initial_frame(struct tc *x, struct tframe *f, uint32_t *nlocals)
{
	uint32_t n = 0, t;
	if (!(x->m->access & ACC_STATIC)) {
		if (!strcmp(x->m->name, "<init>") && strcmp(x->c->name, "java/lang/Object")) {
			t = T_UTHIS;
			f->this_uninit = true;
		} else if (intern(x, x->c->name, -1, &t)) {
			return -1;
		}
		if (put_local(x, f, &n, t))
			return -1;
	}
	const char *d = x->m->desc + 1;
	while (*d != ')') {
		if (desc_type(x, d, &d, &t) || put_local(x, f, &n, t))
			return -1;
	}
	*nlocals = n;
	return 0;
}

static int parse_smt(struct tc *x, const uint8_t *starts)
{
	struct tframe cur;
	uint32_t nloc;
	if (frame_alloc(x, &cur))
		return -1;
	int rc = -1;
	if (initial_frame(x, &cur, &nloc))
		goto out;
	cur.this_uninit = false;
	if (!x->m->smt) {
		rc = 0;
		goto out;
	}
	const uint8_t *p = x->m->smt, *end = p + x->m->smt_len;
	if (end - p < 2) {
		tfail(x, "truncated StackMapTable");
		goto out;
	}
	uint16_t n = vn_rd2(p);
	p += 2;
	x->foff = calloc(n ? n : 1, sizeof(uint32_t));
	x->frames = calloc(n ? n : 1, sizeof(struct tframe));
	if (!x->foff || !x->frames) {
		tfail(x, "out of memory");
		goto out;
	}
	int64_t off = -1;
	for (uint16_t i = 0; i < n; i++) {
		if (p >= end) {
			tfail(x, "truncated StackMapTable");
			goto out;
		}
		uint8_t ft = *p++;
		uint32_t delta, t;
		if (ft < 64) {
			delta = ft;
			cur.sp = 0;
		} else if (ft < 128) {
			delta = ft - 64u;
			cur.sp = 0;
			if (read_vti(x, &p, end, &t) || push2(x, &cur, t))
				goto out;
		} else if (ft < 247) {
			tfail(x, "StackMapTable: reserved frame type %u", ft);
			goto out;
		} else {
			if (end - p < 2) {
				tfail(x, "truncated StackMapTable");
				goto out;
			}
			delta = vn_rd2(p);
			p += 2;
			if (ft == 247) {
				cur.sp = 0;
				if (read_vti(x, &p, end, &t) || push2(x, &cur, t))
					goto out;
			} else if (ft < 251) {
				for (int k = 0; k < 251 - ft; k++) {
					if (nloc == 0) {
						tfail(x, "StackMapTable: chop below zero locals");
						goto out;
					}
					if (nloc >= 2 && cur.loc[nloc - 1] == T_HI)
						cur.loc[--nloc] = T_TOP;
					cur.loc[--nloc] = T_TOP;
				}
				cur.sp = 0;
			} else if (ft == 251) {
				cur.sp = 0;
			} else if (ft < 255) {
				for (int k = 0; k < ft - 251; k++)
					if (read_vti(x, &p, end, &t) || put_local(x, &cur, &nloc, t))
						goto out;
				cur.sp = 0;
			} else {
				if (end - p < 2) {
					tfail(x, "truncated StackMapTable");
					goto out;
				}
				uint16_t nl = vn_rd2(p);
				p += 2;
				memset(cur.loc, 0, x->nl * sizeof(uint32_t));
				nloc = 0;
				for (uint16_t k = 0; k < nl; k++)
					if (read_vti(x, &p, end, &t) || put_local(x, &cur, &nloc, t))
						goto out;
				if (end - p < 2) {
					tfail(x, "truncated StackMapTable");
					goto out;
				}
				uint16_t ns = vn_rd2(p);
				p += 2;
				cur.sp = 0;
				for (uint16_t k = 0; k < ns; k++)
					if (read_vti(x, &p, end, &t) || push2(x, &cur, t))
						goto out;
			}
		}
		off = off < 0 ? delta : off + delta + 1;
		x->pc = (uint32_t)(off < x->m->code_len ? off : 0);
		if (off >= x->m->code_len || !starts[off]) {
			tfail(x, "StackMapTable frame at %lld is not an instruction", (long long)off);
			goto out;
		}
		cur.this_uninit = has_uthis(x, &cur);
		struct tframe *f = &x->frames[x->nframes];
		if (frame_alloc(x, f))
			goto out;
		x->nframes++;
		frame_copy(x, f, &cur);
		x->foff[x->nframes - 1] = (uint32_t)off;
	}
	if (p != end) {
		tfail(x, "StackMapTable has trailing bytes");
		goto out;
	}
	rc = 0;
out:
	free(cur.loc);
	free(cur.stk);
	return rc;
}

static struct tframe *frame_at(struct tc *x, uint32_t pc)
{
	uint32_t lo = 0, hi = x->nframes;
	while (lo < hi) {
		uint32_t mid = (lo + hi) / 2;
		if (x->foff[mid] == pc)
			return &x->frames[mid];
		if (x->foff[mid] < pc)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static int check_to(struct tc *x, const struct tframe *f, const struct tframe *to, uint32_t target)
{
	char a[200], b[200];
	if (f->sp != to->sp)
		return tfail(x, "stack depth %u does not match the frame at %u (%u)", f->sp, target, to->sp);
	for (uint32_t i = 0; i < x->nl; i++)
		if (!assignable(x, f->loc[i], to->loc[i]))
			return tfail(x, "local %u is %s, the frame at %u wants %s", i, tname(x, f->loc[i], a, sizeof a),
				     target, tname(x, to->loc[i], b, sizeof b));
	for (uint32_t i = 0; i < f->sp; i++)
		if (!assignable(x, f->stk[i], to->stk[i]))
			return tfail(x, "stack slot %u is %s, the frame at %u wants %s", i, tname(x, f->stk[i], a, sizeof a),
				     target, tname(x, to->stk[i], b, sizeof b));
	return 0;
}

static int branch_to(struct tc *x, const struct tframe *f, int64_t target)
{
	struct tframe *to = frame_at(x, (uint32_t)target);
	if (!to)
		return tfail(x, "no StackMapTable frame at branch target %lld", (long long)target);
	return check_to(x, f, to, (uint32_t)target);
}

static int check_handlers(struct tc *x, const struct tframe *f, uint32_t pc)
{
	struct vn_method *m = x->m;
	for (uint16_t i = 0; i < m->nexc; i++) {
		const struct vn_exc_entry *e = &m->exc[i];
		if (pc < e->start || pc >= e->end)
			continue;
		struct tframe *h = frame_at(x, e->handler);
		if (!h)
			return tfail(x, "no StackMapTable frame at handler %u", e->handler);
		uint32_t et;
		if (e->type) {
			if (intern(x, x->c->cp[x->c->cp[e->type].a].v.u.s, -1, &et))
				return -1;
			if (!name_assignable(x, x->names[ARG(et)], "java/lang/Throwable"))
				return tfail(x, "catch type %s is not a Throwable", x->names[ARG(et)]);
		} else {
			et = x->thr;
		}
		if (h->sp != 1 || !assignable(x, et, h->stk[0]))
			return tfail(x, "handler frame at %u does not take the exception", e->handler);
		char a[200], b[200];
		for (uint32_t k = 0; k < x->nl; k++)
			if (!assignable(x, f->loc[k], h->loc[k]))
				return tfail(x, "local %u is %s, the handler at %u wants %s", k,
					     tname(x, f->loc[k], a, sizeof a), e->handler, tname(x, h->loc[k], b, sizeof b));
	}
	return 0;
}

static bool cat1(uint32_t t) { return KIND(t) != T_HI && KIND(t) != T_LONG && KIND(t) != T_DOUBLE; }

/* Stack shuffles: every boundary they cut at must not split a long/double. */
static int shuffle(struct tc *x, struct tframe *f, uint8_t op)
{
	uint32_t *s = f->stk, n = f->sp;
	static const uint8_t need[] = { 1, 2, 1, 2, 3, 2, 3, 4, 2 };   /* pop..swap */
	uint32_t k = need[op - 87];
	if (n < k)
		return tfail(x, "operand stack underflow");
	uint32_t t[4];
	for (uint32_t i = 0; i < k; i++)
		t[i] = s[n - 1 - i];           /* t[0] is the top */
	bool ok;
	switch (op) {
	case 87: ok = cat1(t[0]); break;                                   /* pop */
	case 88: ok = KIND(t[1]) != T_HI; break;                           /* pop2 */
	case 89: ok = cat1(t[0]); break;                                   /* dup */
	case 90: ok = cat1(t[0]) && cat1(t[1]); break;                     /* dup_x1 */
	case 91: ok = cat1(t[0]) && KIND(t[2]) != T_HI; break;             /* dup_x2 */
	case 92: ok = KIND(t[1]) != T_HI; break;                           /* dup2 */
	case 93: ok = KIND(t[1]) != T_HI && cat1(t[2]); break;             /* dup2_x1 */
	case 94: ok = KIND(t[1]) != T_HI && KIND(t[3]) != T_HI; break;     /* dup2_x2 */
	default: ok = cat1(t[0]) && cat1(t[1]); break;                     /* swap */
	}
	if (!ok)
		return tfail(x, "%s would split a long or double", vn_opname[op]);
	switch (op) {
	case 87: f->sp -= 1; return 0;
	case 88: f->sp -= 2; return 0;
	case 95: s[n - 1] = t[1]; s[n - 2] = t[0]; return 0;
	}
	uint32_t dup = (op == 89 || op == 90 || op == 91) ? 1 : 2;
	uint32_t under = (op == 89 || op == 92) ? 0 : (op == 90 || op == 93) ? 1 : 2;
	if (op == 93)
		under = 1;
	if (op == 91 || op == 94)
		under = 2;
	if (f->sp + dup > x->ns)
		return tfail(x, "operand stack overflow (max_stack %u)", x->ns);
	/* move the `under` slots below the duplicated block up, insert the copy */
	uint32_t blk[2] = { s[n - dup], dup == 2 ? s[n - 1] : 0 };
	for (uint32_t i = 0; i < dup + under; i++)
		s[n + dup - 1 - i] = s[n - 1 - i];
	for (uint32_t i = 0; i < dup; i++)
		s[n - dup - under + i] = blk[i];
	f->sp += dup;
	return 0;
}

static int field_ref(struct tc *x, uint16_t idx, uint32_t *cls, uint32_t *ft)
{
	struct vn_class *c = x->c;
	uint16_t ci = c->cp[idx].a;
	struct vn_cp *nat = &c->cp[c->cp[idx].b];
	const char *d = c->cp[nat->b].v.u.s, *end;
	if (intern(x, c->cp[c->cp[ci].a].v.u.s, -1, cls) || desc_type(x, d, &end, ft))
		return -1;
	if (*end)
		return tfail(x, "bad field descriptor %s", d);
	return 0;
}

/* Pops the arguments of a method descriptor (last first). */
static int pop_args(struct tc *x, struct tframe *f, const char *desc)
{
	uint32_t types[256], n = 0, t;
	const char *d = desc + 1;
	while (*d != ')') {
		if (n == 256)
			return tfail(x, "too many arguments");
		if (desc_type(x, d, &d, &t))
			return -1;
		types[n++] = t;
	}
	while (n > 0)
		if (pop(x, f, types[--n]))
			return -1;
	return 0;
}

static int push_ret(struct tc *x, struct tframe *f, const char *desc)
{
	const char *d = strchr(desc, ')') + 1, *end;
	uint32_t t;
	if (*d == 'V')
		return 0;
	if (desc_type(x, d, &end, &t))
		return -1;
	return push2(x, f, t);
}

static void replace_all(struct tc *x, struct tframe *f, uint32_t from, uint32_t to)
{
	for (uint32_t i = 0; i < x->nl; i++)
		if (f->loc[i] == from)
			f->loc[i] = to;
	for (uint32_t i = 0; i < f->sp; i++)
		if (f->stk[i] == from)
			f->stk[i] = to;
}

static int invoke(struct tc *x, struct tframe *f, uint8_t op, uint16_t idx)
{
	struct vn_class *c = x->c;
	struct vn_cp *e = &c->cp[idx];
	struct vn_cp *nat = &c->cp[e->b];
	const char *name = c->cp[nat->a].v.u.s, *desc = c->cp[nat->b].v.u.s;
	if (vn_desc_slots(desc, NULL) < 0)
		return tfail(x, "bad method descriptor %s", desc);
	if (op == 186) {
		if (pop_args(x, f, desc))
			return -1;
		return push_ret(x, f, desc);
	}
	uint32_t cls;
	if (intern(x, c->cp[c->cp[e->a].a].v.u.s, -1, &cls))
		return -1;
	if (name[0] == '<' && (op != 183 || strcmp(name, "<init>")))
		return tfail(x, "bad call to %s", name);
	if (pop_args(x, f, desc))
		return -1;
	if (op == 184)
		return push_ret(x, f, desc);
	if (op == 183 && !strcmp(name, "<init>")) {
		uint32_t r;
		if (pop_refish(x, f, &r, true))
			return -1;
		uint32_t init;
		if (KIND(r) == T_UTHIS) {
			struct vn_class *sup = c->super;
			if (strcmp(x->names[ARG(cls)], c->name) && (!sup || strcmp(x->names[ARG(cls)], sup->name)))
				return tfail(x, "constructor of %s called on this of %s", x->names[ARG(cls)], c->name);
			if (intern(x, c->name, -1, &init))
				return -1;
			f->this_uninit = false;
		} else if (KIND(r) == T_UNINIT) {
			uint16_t ni = vn_rd2(x->m->code + ARG(r) + 1);
			if (intern(x, c->cp[c->cp[ni].a].v.u.s, -1, &init))
				return -1;
			if (init != cls)
				return tfail(x, "constructor of %s called on a new %s", x->names[ARG(cls)], x->names[ARG(init)]);
		} else {
			return tfail(x, "constructor called on an initialized object");
		}
		replace_all(x, f, r, init);
		return push_ret(x, f, desc);
	}
	uint32_t want = cls;
	if (op == 183 && intern(x, c->name, -1, &want))   /* invokespecial: receiver is this class */
		return -1;
	if (op == 185)
		want = x->obj;
	if (pop(x, f, want))
		return -1;
	return push_ret(x, f, desc);
}

static int array_of(struct tc *x, uint32_t elem, uint32_t *out)
{
	const char *n = x->names[ARG(elem)];
	char buf[1100];
	if (n[0] == '[')
		snprintf(buf, sizeof buf, "[%s", n);
	else
		snprintf(buf, sizeof buf, "[L%s;", n);
	return intern(x, buf, -1, out);
}

/* Element type of an array type (NULL stays NULL). */
static int component(struct tc *x, uint32_t arr, uint32_t *out)
{
	if (KIND(arr) == T_NULL) {
		*out = T_NULL;
		return 0;
	}
	const char *n = x->names[ARG(arr)] + 1;
	if (*n == '[')
		return intern(x, n, -1, out);
	if (*n == 'L')
		return intern(x, n + 1, (int)strlen(n) - 2, out);
	return tfail(x, "aaload/aastore on a primitive array %s", x->names[ARG(arr)]);
}

static int want_array(struct tc *x, uint32_t arr, const char *elems)
{
	if (KIND(arr) == T_NULL)
		return 0;
	const char *n = x->names[ARG(arr)];
	if (n[0] != '[' || !n[1] || n[2] || !strchr(elems, n[1]))
		return tfail(x, "wrong array type %s", n);
	return 0;
}

static int step(struct tc *x, struct tframe *f, const uint8_t *code, uint32_t pc)
{
	uint8_t op = code[pc];
	uint32_t t, u;
	struct vn_class *c = x->c;
	bool wide = op == 196;
	if (wide)
		op = code[pc + 1];
	uint32_t li = wide ? vn_rd2(code + pc + 2) : code[pc + 1];
	switch (op) {
	case 0: return 0;
	case 1: return push(x, f, T_NULL);
	case 2: case 3: case 4: case 5: case 6: case 7: case 8: case 16: case 17: return push(x, f, T_INT);
	case 9: case 10: return push2(x, f, T_LONG);
	case 11: case 12: case 13: return push(x, f, T_FLOAT);
	case 14: case 15: return push2(x, f, T_DOUBLE);
	case 18: case 19: case 20: {
		uint16_t idx = op == 18 ? code[pc + 1] : vn_rd2(code + pc + 1);
		switch (c->cp[idx].tag) {
		case CP_INT: return push(x, f, T_INT);
		case CP_FLOAT: return push(x, f, T_FLOAT);
		case CP_LONG: return push2(x, f, T_LONG);
		case CP_DOUBLE: return push2(x, f, T_DOUBLE);
		case CP_STRING: return push(x, f, x->str);
		default:
			if (intern(x, "java/lang/Class", -1, &t))
				return -1;
			return push(x, f, t);
		}
	}
	/* loads */
	case 21: case 23: case 25: case 22: case 24:
	case 26: case 27: case 28: case 29: case 30: case 31: case 32: case 33: case 34: case 35:
	case 36: case 37: case 38: case 39: case 40: case 41: case 42: case 43: case 44: case 45: {
		int kind = op <= 25 ? op - 21 : (op - 26) / 4;
		uint32_t n = op <= 25 ? li : (uint32_t)(op - 26) % 4;
		static const uint32_t ty[] = { T_INT, T_LONG, T_FLOAT, T_DOUBLE };
		char a[200];
		if (kind == 4) {
			if (!is_refish(f->loc[n]))
				return tfail(x, "aload of local %u holding %s", n, tname(x, f->loc[n], a, sizeof a));
			return push(x, f, f->loc[n]);
		}
		if (f->loc[n] != ty[kind] || ((kind == 1 || kind == 3) && f->loc[n + 1] != T_HI))
			return tfail(x, "%s of local %u holding %s", vn_opname[op], n, tname(x, f->loc[n], a, sizeof a));
		return push2(x, f, ty[kind]);
	}
	/* array loads */
	case 46: case 47: case 48: case 49: case 50: case 51: case 52: case 53: {
		if (pop(x, f, T_INT) || pop_array(x, f, &t))
			return -1;
		switch (op) {
		case 46: return want_array(x, t, "I") || push(x, f, T_INT);
		case 47: return want_array(x, t, "J") || push2(x, f, T_LONG);
		case 48: return want_array(x, t, "F") || push(x, f, T_FLOAT);
		case 49: return want_array(x, t, "D") || push2(x, f, T_DOUBLE);
		case 50: return component(x, t, &u) || push(x, f, u);
		case 51: return want_array(x, t, "BZ") || push(x, f, T_INT);
		case 52: return want_array(x, t, "C") || push(x, f, T_INT);
		default: return want_array(x, t, "S") || push(x, f, T_INT);
		}
	}
	/* stores */
	case 54: case 55: case 56: case 57: case 58:
	case 59: case 60: case 61: case 62: case 63: case 64: case 65: case 66: case 67: case 68:
	case 69: case 70: case 71: case 72: case 73: case 74: case 75: case 76: case 77: case 78: {
		int kind = op <= 58 ? op - 54 : (op - 59) / 4;
		uint32_t n = op <= 58 ? li : (uint32_t)(op - 59) % 4;
		static const uint32_t ty[] = { T_INT, T_LONG, T_FLOAT, T_DOUBLE };
		if (kind == 4) {
			if (pop_refish(x, f, &t, true))
				return -1;
		} else {
			t = ty[kind];
			if (pop(x, f, t))
				return -1;
		}
		set_local(f, n, t, x->nl);
		return 0;
	}
	/* array stores */
	case 79: case 80: case 81: case 82: case 83: case 84: case 85: case 86: {
		static const uint32_t vt[] = { T_INT, T_LONG, T_FLOAT, T_DOUBLE, 0, T_INT, T_INT, T_INT };
		if (op == 83) {
			if (pop_refish(x, f, &t, false))
				return -1;
		} else if (pop(x, f, vt[op - 79])) {
			return -1;
		}
		if (pop(x, f, T_INT) || pop_array(x, f, &t))
			return -1;
		static const char *el[] = { "I", "J", "F", "D", NULL, "BZ", "C", "S" };
		if (op == 83)
			return component(x, t, &u);
		return want_array(x, t, el[op - 79]);
	}
	case 87: case 88: case 89: case 90: case 91: case 92: case 93: case 94: case 95:
		return shuffle(x, f, op);
	/* arithmetic */
	case 96: case 100: case 104: case 108: case 112: case 126: case 128: case 130:
	case 120: case 122: case 124:
		return pop(x, f, T_INT) || pop(x, f, T_INT) || push(x, f, T_INT);
	case 97: case 101: case 105: case 109: case 113: case 127: case 129: case 131:
		return pop(x, f, T_LONG) || pop(x, f, T_LONG) || push2(x, f, T_LONG);
	case 121: case 123: case 125:
		return pop(x, f, T_INT) || pop(x, f, T_LONG) || push2(x, f, T_LONG);
	case 98: case 102: case 106: case 110: case 114:
		return pop(x, f, T_FLOAT) || pop(x, f, T_FLOAT) || push(x, f, T_FLOAT);
	case 99: case 103: case 107: case 111: case 115:
		return pop(x, f, T_DOUBLE) || pop(x, f, T_DOUBLE) || push2(x, f, T_DOUBLE);
	case 116: return pop(x, f, T_INT) || push(x, f, T_INT);
	case 117: return pop(x, f, T_LONG) || push2(x, f, T_LONG);
	case 118: return pop(x, f, T_FLOAT) || push(x, f, T_FLOAT);
	case 119: return pop(x, f, T_DOUBLE) || push2(x, f, T_DOUBLE);
	case 132: {
		uint32_t n = li;
		if (f->loc[n] != T_INT)
			return tfail(x, "iinc of local %u which is not an int", n);
		return 0;
	}
	/* conversions */
	case 133: return pop(x, f, T_INT) || push2(x, f, T_LONG);
	case 134: return pop(x, f, T_INT) || push(x, f, T_FLOAT);
	case 135: return pop(x, f, T_INT) || push2(x, f, T_DOUBLE);
	case 136: return pop(x, f, T_LONG) || push(x, f, T_INT);
	case 137: return pop(x, f, T_LONG) || push(x, f, T_FLOAT);
	case 138: return pop(x, f, T_LONG) || push2(x, f, T_DOUBLE);
	case 139: return pop(x, f, T_FLOAT) || push(x, f, T_INT);
	case 140: return pop(x, f, T_FLOAT) || push2(x, f, T_LONG);
	case 141: return pop(x, f, T_FLOAT) || push2(x, f, T_DOUBLE);
	case 142: return pop(x, f, T_DOUBLE) || push(x, f, T_INT);
	case 143: return pop(x, f, T_DOUBLE) || push2(x, f, T_LONG);
	case 144: return pop(x, f, T_DOUBLE) || push(x, f, T_FLOAT);
	case 145: case 146: case 147: return pop(x, f, T_INT) || push(x, f, T_INT);
	case 148: return pop(x, f, T_LONG) || pop(x, f, T_LONG) || push(x, f, T_INT);
	case 149: case 150: return pop(x, f, T_FLOAT) || pop(x, f, T_FLOAT) || push(x, f, T_INT);
	case 151: case 152: return pop(x, f, T_DOUBLE) || pop(x, f, T_DOUBLE) || push(x, f, T_INT);
	/* branches */
	case 153: case 154: case 155: case 156: case 157: case 158:
		return pop(x, f, T_INT) || branch_to(x, f, (int64_t)pc + (int16_t)vn_rd2(code + pc + 1));
	case 159: case 160: case 161: case 162: case 163: case 164:
		return pop(x, f, T_INT) || pop(x, f, T_INT) || branch_to(x, f, (int64_t)pc + (int16_t)vn_rd2(code + pc + 1));
	case 165: case 166:
		return pop_refish(x, f, &t, true) || pop_refish(x, f, &t, true) ||
		       branch_to(x, f, (int64_t)pc + (int16_t)vn_rd2(code + pc + 1));
	case 198: case 199:
		return pop_refish(x, f, &t, true) || branch_to(x, f, (int64_t)pc + (int16_t)vn_rd2(code + pc + 1));
	case 167: return branch_to(x, f, (int64_t)pc + (int16_t)vn_rd2(code + pc + 1));
	case 200: return branch_to(x, f, (int64_t)pc + vn_rd4(code + pc + 1));
	case 170: case 171: {
		if (pop(x, f, T_INT))
			return -1;
		uint32_t q = (pc + 4) & ~3u;
		int64_t n = op == 170 ? (int64_t)vn_rd4(code + q + 8) - vn_rd4(code + q + 4) + 1 : vn_rd4(code + q + 4);
		for (int64_t i = -1; i < n; i++) {
			int32_t off = i < 0 ? vn_rd4(code + q) : op == 170 ? vn_rd4(code + q + 12 + 4 * i) : vn_rd4(code + q + 12 + 8 * i);
			if (branch_to(x, f, (int64_t)pc + off))
				return -1;
		}
		return 0;
	}
	/* returns */
	case 172: case 173: case 174: case 175: case 176: case 177: {
		char r = x->m->ret;
		if (op == 177) {
			if (r != 'V')
				return tfail(x, "return in a method returning %c", r);
			if (f->this_uninit)
				return tfail(x, "constructor returns before calling super() or this()");
			return 0;
		}
		static const char want[] = { 'I', 'J', 'F', 'D', 'L' };
		char rr = strchr("IZBCS", r) ? 'I' : r;
		if (rr != want[op - 172])
			return tfail(x, "%s in a method returning %c", vn_opname[op], r);
		if (op == 176) {
			const char *end;
			if (desc_type(x, strchr(x->m->desc, ')') + 1, &end, &t))
				return -1;
			return pop(x, f, t);
		}
		static const uint32_t ty[] = { T_INT, T_LONG, T_FLOAT, T_DOUBLE };
		return pop(x, f, ty[op - 172]);
	}
	/* fields */
	case 178: case 179: case 180: case 181: {
		uint32_t cls, ft;
		if (field_ref(x, vn_rd2(code + pc + 1), &cls, &ft))
			return -1;
		if (op == 178)
			return push2(x, f, ft);
		if (op == 180)
			return pop(x, f, cls) || push2(x, f, ft);
		if (pop(x, f, ft))
			return -1;
		if (op == 179)
			return 0;
		/* putfield: on an uninitialized this only for fields of this class */
		if (f->sp && f->stk[f->sp - 1] == T_UTHIS) {
			if (strcmp(x->names[ARG(cls)], c->name))
				return tfail(x, "putfield of %s on an uninitialized this", x->names[ARG(cls)]);
			f->sp--;
			return 0;
		}
		return pop(x, f, cls);
	}
	case 182: case 183: case 184: case 185: case 186:
		return invoke(x, f, op, vn_rd2(code + pc + 1));
	case 187: {
		uint32_t un = MK(T_UNINIT, pc);
		for (uint32_t i = 0; i < x->nl; i++)
			if (f->loc[i] == un)
				return tfail(x, "new: an uninitialized object of this new is still live");
		for (uint32_t i = 0; i < f->sp; i++)
			if (f->stk[i] == un)
				return tfail(x, "new: an uninitialized object of this new is still live");
		if (intern(x, c->cp[c->cp[vn_rd2(code + pc + 1)].a].v.u.s, -1, &t) || x->names[ARG(t)][0] == '[')
			return tfail(x, "new of an array class");
		return push(x, f, un);
	}
	case 188: {
		static const char *an[] = { "[Z", "[C", "[F", "[D", "[B", "[S", "[I", "[J" };
		if (pop(x, f, T_INT) || intern(x, an[code[pc + 1] - 4], -1, &t))
			return -1;
		return push(x, f, t);
	}
	case 189:
		if (pop(x, f, T_INT) || intern(x, c->cp[c->cp[vn_rd2(code + pc + 1)].a].v.u.s, -1, &t) ||
		    array_of(x, t, &u))
			return -1;
		return push(x, f, u);
	case 190:
		return pop_array(x, f, &t) || push(x, f, T_INT);
	case 191:
		return pop(x, f, x->thr);
	case 192:
		if (pop_refish(x, f, &t, false) || intern(x, c->cp[c->cp[vn_rd2(code + pc + 1)].a].v.u.s, -1, &u))
			return -1;
		return push(x, f, u);
	case 193:
		return pop_refish(x, f, &t, false) || push(x, f, T_INT);
	case 197: {
		uint8_t dims = code[pc + 3];
		for (uint8_t i = 0; i < dims; i++)
			if (pop(x, f, T_INT))
				return -1;
		if (intern(x, c->cp[c->cp[vn_rd2(code + pc + 1)].a].v.u.s, -1, &t))
			return -1;
		const char *n = x->names[ARG(t)];
		for (uint8_t i = 0; i < dims; i++)
			if (n[i] != '[')
				return tfail(x, "multianewarray: %s has fewer than %u dimensions", n, dims);
		return push(x, f, t);
	}
	default:
		return tfail(x, "opcode %u is not supported", op);
	}
}

static bool ends_block(uint8_t op)
{
	return op == 167 || op == 200 || (op >= 170 && op <= 177) || op == 191;
}

int vn_verify_types(struct vn_vm *vm, struct vn_method *m, const uint8_t *starts)
{
	struct tc *x = calloc(1, sizeof(*x));
	if (!x) {
		vn_seterr(vm, "out of memory");
		return -1;
	}
	x->vm = vm;
	x->c = m->cls;
	x->m = m;
	x->nl = m->max_locals;
	x->ns = m->max_stack;
	struct tframe f = { 0 };
	int rc = -1;
	if (intern(x, "java/lang/Object", -1, &x->obj) || intern(x, "java/lang/String", -1, &x->str) ||
	    intern(x, "java/lang/Throwable", -1, &x->thr) || parse_smt(x, starts) || frame_alloc(x, &f))
		goto out;
	uint32_t nloc;
	if (initial_frame(x, &f, &nloc))
		goto out;
	bool reachable = true;
	for (uint32_t pc = 0; pc < m->code_len; pc += vn_insn_len(m->code, m->code_len, pc)) {
		x->pc = pc;
		struct tframe *fr = frame_at(x, pc);
		if (fr) {
			if (reachable && check_to(x, &f, fr, pc))
				goto out;
			frame_copy(x, &f, fr);
		} else if (!reachable) {
			tfail(x, "no StackMapTable frame after an unconditional branch");
			goto out;
		}
		if (check_handlers(x, &f, pc) || step(x, &f, m->code, pc))
			goto out;
		uint8_t op = m->code[pc];
		if ((op >= 54 && op <= 78) || op == 196 || op == 183) {
			/* stores (and constructor calls) change locals: handlers see the new ones too */
			if (check_handlers(x, &f, pc))
				goto out;
		}
		reachable = !ends_block(op);
	}
	rc = 0;
out:
	free(f.loc);
	free(f.stk);
	for (uint32_t i = 0; i < x->nframes; i++) {
		free(x->frames[i].loc);
		free(x->frames[i].stk);
	}
	free(x->frames);
	free(x->foff);
	for (uint32_t i = 0; i < x->nowned; i++)
		free(x->owned[i]);
	free(x);
	return rc;
}
