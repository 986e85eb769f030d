/* Internal structures of the VIFlet VM, shared by the loader, verifier,
 * preparer, interpreter, heap and natives.
 *
 * Layout decisions made with a template JIT (issue 9) in mind:
 *  - A value slot (vn_slot) is 8 bytes. long/double keep the JVM's two slot
 *    indices but the value lives in the first one; an int's whole slot is
 *    written, so it is defined: sign-extended by the interpreter and the
 *    natives, sign- or zero-extended by compiled code (docs/jit.md). An int
 *    is read from its slot as `.i` only.
 *  - One contiguous slot stack per VM. A frame's locals start at the caller's
 *    arguments (lv = caller sp - nargs), its operand stack at lv + max_locals.
 *    A compiled method can keep lv/sp in registers and spill them into its
 *    struct vn_frame only around calls, allocation and throws.
 *  - Objects: 16-byte header (class, mark/hash word, length for arrays) then
 *    fields at fixed byte offsets (natural sizes) or array elements. Field and
 *    vtable offsets are resolved into the prepared code (struct vn_insn). */
#ifndef VM_INT_H
#define VM_INT_H

#include <setjmp.h>

/* The abort target of a host entry (vn_abort jumps there). With GCC/Clang
 * on x86-64 the compiler's own setjmp: it saves the frame and stack
 * pointers and the resume address (a handful of instructions; every
 * call-saved register is spilled by the entry's prologue instead), where
 * libc's setjmp costs about 30 instructions per host call: it matters on
 * the per-packet path (issue 9). Only for the abort, which returns nothing
 * but "aborted". */
#if defined(__GNUC__) && defined(__x86_64__)
typedef void *vn_jmpbuf[5];
#define VN_SETJMP(b) __builtin_setjmp(b)
#define VN_LONGJMP(b) __builtin_longjmp((b), 1)
#else
typedef jmp_buf vn_jmpbuf;
#define VN_SETJMP(b) setjmp(b)
#define VN_LONGJMP(b) longjmp((b), 1)
#endif
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vn_vm.h"

typedef union vn_slot {
	int32_t i;
	int64_t j;
	float f;
	double d;
	struct vn_obj *a;
	uint64_t raw;
} vn_slot;

struct vn_obj {
	struct vn_class *cls;
	uint32_t gcword;        /* bit 0: mark */
	int32_t len;            /* array length; Packet: reference count */
};
#define VN_OBJ_HDR ((uint32_t)sizeof(struct vn_obj))
#define VN_ADATA(o) ((uint8_t *)(o) + VN_OBJ_HDR)
#define VN_FIELD(o, off, T) (*(T *)((uint8_t *)(o) + (off)))

/* Constant pool tags (JVMS 4.4). */
enum {
	CP_UTF8 = 1, CP_INT = 3, CP_FLOAT = 4, CP_LONG = 5, CP_DOUBLE = 6,
	CP_CLASS = 7, CP_STRING = 8, CP_FIELD = 9, CP_METHOD = 10, CP_IMETHOD = 11,
	CP_NAT = 12, CP_MHANDLE = 15, CP_MTYPE = 16, CP_DYNAMIC = 17, CP_INDY = 18,
	CP_MODULE = 19, CP_PACKAGE = 20,
};

struct vn_cp {
	uint8_t tag;
	uint16_t a, b;          /* indices: class name, ref class/nat, nat name/desc, ... */
	union {
		int32_t i;
		int64_t j;
		float f;
		double d;
		struct { const char *s; uint32_t len; } u; /* UTF8: NUL-terminated copy */
	} v;
	void *res;              /* resolution cache (class, field, method, String) */
};

enum { ACC_PUBLIC = 1, ACC_PRIVATE = 2, ACC_PROTECTED = 4, ACC_STATIC = 8,
	ACC_FINAL = 0x10, ACC_SYNCHRONIZED = 0x20, ACC_SUPER = 0x20, ACC_VOLATILE = 0x40,
	ACC_BRIDGE = 0x40, ACC_TRANSIENT = 0x80, ACC_VARARGS = 0x80, ACC_NATIVE = 0x100,
	ACC_INTERFACE = 0x200, ACC_ABSTRACT = 0x400, ACC_STRICT = 0x800 };

struct vn_field {
	const char *name, *desc;
	uint16_t access;
	uint32_t off;           /* byte offset in the object, or in class statics */
	struct vn_class *cls;
	int32_t cv_index;       /* ConstantValue attribute cp index, or 0 */
};

struct vn_vm;
typedef void (*vn_native_fn)(struct vn_vm *vm, vn_slot *args, vn_slot *ret);

struct vn_exc_entry { uint16_t start, end, handler, type; };

struct vn_method {
	const char *name, *desc;
	uint16_t access;
	struct vn_class *cls;
	uint16_t max_stack, max_locals;
	uint16_t nargs;         /* argument slots including `this` */
	char ret;               /* return descriptor char: V I J F D L(ref) Z B C S */
	int32_t vindex;         /* vtable index, -1 if not virtual */
	const uint8_t *code;  uint32_t code_len;
	const struct vn_exc_entry *exc; uint16_t nexc;   /* decoded copy */
	const uint8_t *smt;   uint32_t smt_len;          /* StackMapTable, or NULL */
	const uint8_t *lnt;   uint32_t lnt_len;          /* LineNumberTable, or NULL */
	vn_native_fn native;
	struct vn_prep *prep;   /* prepared (quickened) code, NULL until first prepared */
	/* JIT (jit/viflet_jit*.c): compiled entry, invocations counted toward the
	 * compile threshold, VN_JIT_NONE/COMPILED/FAILED, and whether its body
	 * may be inlined (viflet_jit_inline.c: a verdict kept once found) */
	void *jit_code; uint32_t jit_calls; uint8_t jit_state, jit_inline;
};

/* Array element kinds (also the newarray atype mapping). */
enum { EK_NONE = 0, EK_Z, EK_C, EK_F, EK_D, EK_B, EK_S, EK_I, EK_J, EK_REF };

enum { CS_LOADED, CS_LINKED, CS_INITIALIZING, CS_INITIALIZED, CS_ERROR, CS_INITERR };

struct vn_class {
	char *name;                      /* binary name, a/b/C or [I */
	struct vn_class *super;
	struct vn_class **ifaces; uint16_t nifaces;
	uint16_t access;
	uint16_t major;
	struct vn_cp *cp; uint16_t cp_count;
	struct vn_field *fields; uint16_t nfields;
	struct vn_method *methods; uint16_t nmethods;
	const uint8_t *bsm; uint32_t bsm_len;   /* BootstrapMethods attribute */
	const char *source;                     /* SourceFile or NULL */
	struct vn_method **vtable; uint32_t vtable_len;
	uint32_t inst_size;                     /* bytes including the header */
	uint32_t *ref_offs; uint32_t nrefs;     /* reference fields of instances */
	uint8_t *statics; uint32_t statics_size;
	uint32_t *sref_offs; uint32_t nsrefs;   /* reference statics */
	int state;
	bool rom, prepared;
	uint8_t ek;                             /* arrays: element kind */
	uint8_t esize;                          /* arrays: element size */
	struct vn_class *comp;                  /* arrays: component class (refs) */
	struct vn_class *arr;                   /* the array class of this class, cached */
	uint32_t depth;                         /* superclass chain length */
	uint8_t *bytes; size_t nbytes;          /* owned copy of the class file */
	char *strs;                             /* owned UTF8 copies */
	struct vn_obj **lits; uint32_t nlits;   /* String literals made for ldc (GC roots) */
	struct vn_class *next;                  /* hash chain */
};

/* ---- prepared code ---- */
struct vn_insn {
	uint16_t op;            /* VN_OP_* (JVM opcode or a quickened variant) */
	uint16_t b;             /* second small operand */
	int32_t a;              /* local index, branch target (insn index), offset, constant */
	union {
		int64_t j;
		double d;
		void *p;
		struct vn_method *m;
		struct vn_class *c;
	} u;
};

struct vn_pexc { uint32_t start, end, handler; struct vn_class *type; /* NULL: any */ };

struct vn_switch {     /* tableswitch (low..high) or lookupswitch (sorted keys) */
	int32_t def, low, n;
	int32_t *keys;          /* NULL for tableswitch */
	int32_t *targets;
};

struct vn_concat {     /* an invokedynamic makeConcatWithConstants site */
	uint16_t *recipe; uint32_t rlen;   /* UTF-16; \1: argument, \2: constant */
	uint32_t nargs;         /* arguments (not slots) */
	uint32_t nslots;
	char *types;            /* one descriptor char per argument (L for refs) */
	struct vn_obj **consts; uint32_t nconsts;  /* \2 constants as Strings (roots) */
};

struct vn_prep {
	struct vn_insn *code; uint32_t n;
	uint32_t *bc_off;       /* insn index -> bytecode offset */
	struct vn_pexc *exc; uint32_t nexc;
	void **owned; uint32_t nowned;   /* switch tables etc. to free */
};

struct vn_frame {
	struct vn_method *m;
	struct vn_insn *ip;     /* next instruction when this frame is not running */
	vn_slot *lv;            /* locals */
	vn_slot *sp;            /* operand stack top (first free slot) */
	bool entry;             /* popping it returns to C */
};

/* Fill fr as the frame of a call of m from C, its arguments already at
 * base (the host's handler calls, vn_call, the JIT's calls of interpreted
 * methods). */
static inline void vn_frame_enter(struct vn_frame *fr, struct vn_method *m, vn_slot *base)
{
	fr->m = m;
	fr->lv = base;
	fr->sp = base + m->max_locals;
	fr->ip = m->prep->code;
	fr->entry = true;
}

struct vn_rom_entry { const char *name; const uint8_t *data; uint32_t len; };
extern const struct vn_rom_entry vn_rom_classes[];
extern const uint32_t vn_rom_nclasses;

struct vn_cpath;

#define VN_MAX_TMPROOTS 64
#define VN_ERRLEN 2048
#define VN_PKT_FREE_MAX 64

struct vn_vm {
	struct vn_vm_limits lim;
	struct vn_vm_host host;
	/* classes */
	struct vn_class **ctab; uint32_t ctab_size, nclasses;
	struct vn_cpath *cpath;
	char *first_class;
	/* well-known classes and offsets */
	struct vn_class *c_object, *c_string, *c_packet, *c_throwable, *c_viflet;
	uint32_t off_str_value, off_thr_msg, off_thr_trace, off_pkt_handle, off_viflet_length;
	uint32_t off_pkt_slot;                  /* Packet.slot: its index in pkts while held */
	/* Packet's caches of the host's answers (natives.c: pkt_bytes, pkt_l4;
	 * reset by packet_for; read inline by the JIT's intrinsics) */
	uint32_t off_pkt_data, off_pkt_dlen, off_pkt_proto, off_pkt_ports, off_pkt_wlen;
	/* execution */
	vn_slot *stack, *stack_end;
	struct vn_frame *frames; uint32_t nframes;
	vn_slot *ntop;                          /* args of a native called from C (GC roots) */
	struct vn_obj *exc;                     /* pending exception */
	int64_t budget;                         /* remaining; <0 disabled when unlimited */
	bool unlimited;
	vn_jmpbuf *abort_jb;                    /* innermost host entry */
	bool aborted;
	uint32_t c_depth;                       /* nested interpreter entries */
	struct vn_jit *jit;                     /* JIT code memory and stats (jit/viflet_jit_rt.c) */
	uint32_t jit_threshold;                 /* compile a method at this many calls; 0: interpret */
	bool no_fuse;                           /* VIFNET_VM_NOFUSE: prepared code unfused (read once) */
	/* heap */
	struct vn_heap *heap;
	struct vn_obj *tmproots[VN_MAX_TMPROOTS]; uint32_t ntmp;
	struct vn_obj *viflet;
	/* the VIFlet's handlers, resolved once by vn_vm_viflet_start */
	struct vn_method *m_enqueue, *m_dequeue, *m_timeout;
	struct vn_method *fast_handler[2];      /* call_handler (vm.c): enqueue, dequeue found compiled and fitting */
	/* packets held (handles), for release after abort; each knows its index */
	struct vn_obj **pkts; uint32_t npkts, pkts_cap;
	/* Packet objects that left by dequeue() referenced from nowhere, for the
	 * next enqueue (a packet needs no allocation); emptied by every GC */
	struct vn_obj *pkt_free[VN_PKT_FREE_MAX]; uint32_t npkt_free;
	char err[VN_ERRLEN];
	char viflet_name[512];
	char *outbuf; size_t outlen, outcap;
};

/* ---- loader.c ---- */
struct vn_class *vn_class_find(struct vn_vm *vm, const char *name);     /* loaded only */
/* Load (parse, verify, link) by binary name; NULL with vm->err set. Throws nothing. */
struct vn_class *vn_class_load(struct vn_vm *vm, const char *name);
struct vn_class *vn_class_array_of(struct vn_vm *vm, struct vn_class *elem);
struct vn_class *vn_class_prim_array(struct vn_vm *vm, int ek);
int vn_class_init(struct vn_vm *vm, struct vn_class *c);   /* 0, or -1 with vm->exc */
bool vn_class_sub(const struct vn_class *s, const struct vn_class *t);  /* s assignable to t */
struct vn_method *vn_method_find(struct vn_class *c, const char *name, const char *desc);
struct vn_method *vn_method_resolve(struct vn_class *c, const char *name, const char *desc);
struct vn_field *vn_field_resolve(struct vn_class *c, const char *name, const char *desc);
void vn_classes_free(struct vn_vm *vm);
int vn_cpath_add(struct vn_vm *vm, const char *path);
int vn_cpath_add_bytes(struct vn_vm *vm, const uint8_t *d, size_t n);
void vn_cpath_free(struct vn_vm *vm);
char **vn_cpath_user_classes(struct vn_vm *vm, size_t *n);
uint8_t *vn_jar_read(const uint8_t *jar, size_t jlen, const char *name, size_t *outlen);
int vn_jar_list(const uint8_t *jar, size_t jlen, void (*cb)(void *arg, const char *name), void *arg);

/* ---- classfile.c ---- */
struct vn_class *vn_classfile_parse(const uint8_t *data, size_t len, char *err, size_t errlen);
void vn_classfile_free(struct vn_class *c);
int vn_desc_slots(const char *desc, char *ret);   /* argument slots of a method descriptor */

/* ---- verify.c ---- */
int vn_verify_class(struct vn_vm *vm, struct vn_class *c);
/* Length of the instruction at pc (0 if malformed or unknown opcode). */
uint32_t vn_insn_len(const uint8_t *code, uint32_t len, uint32_t pc);
extern const char *const vn_opname[256];
/* "Class.method(desc) @pc opname" into buf, for messages. */
void vn_where(char *buf, size_t n, const struct vn_method *m, uint32_t pc);
/* Sets vm's error to "PREFIXClass.method(desc) @pc opname: why" and returns -1:
 * the one shape of every load-time rejection (preparation and verification). */
int vn_reject_at(struct vn_vm *vm, const struct vn_method *m, uint32_t pc,
                 const char *prefix, const char *fmt, va_list ap);

/* Big-endian operands of the class file and of bytecode. */
static inline uint16_t vn_rd2(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }
static inline int32_t vn_rd4(const uint8_t *p)
{
	return (int32_t)((uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3]);
}

/* Quickened opcodes (values 203.. ; the JVM's own opcodes keep their numbers). */
enum {
	Q_ICONST = 203, Q_LCONST, Q_ACONST,
	Q_GETF_B, Q_GETF_C, Q_GETF_S, Q_GETF_I, Q_GETF_J, Q_GETF_A,
	Q_PUTF_B, Q_PUTF_Z, Q_PUTF_S, Q_PUTF_I, Q_PUTF_J, Q_PUTF_A,
	Q_GETS_B, Q_GETS_C, Q_GETS_S, Q_GETS_I, Q_GETS_J, Q_GETS_A,
	Q_PUTS_B, Q_PUTS_Z, Q_PUTS_S, Q_PUTS_I, Q_PUTS_J, Q_PUTS_A,
	Q_INVOKESTATIC, Q_INVOKESPECIAL, Q_INVOKEVIRTUAL, Q_INVOKEFINAL, Q_INVOKEIFACE,
	Q_NEW, Q_NEWARRAY, Q_ANEWARRAY, Q_MULTIANEWARRAY, Q_CHECKCAST, Q_INSTANCEOF,
	Q_CONCAT,
	/* superinstructions (prep.c: fuse), each standing for the sequence that
	 * starts at its position; the sequence's own instructions stay in place */
	Q_LOAD2,                                   /* load a; load b */
	Q_LLCMP_EQ, Q_LLCMP_NE, Q_LLCMP_LT, Q_LLCMP_GE, Q_LLCMP_GT, Q_LLCMP_LE,  /* iload a; iload b; if_icmpXX */
	Q_LKCMP_EQ, Q_LKCMP_NE, Q_LKCMP_LT, Q_LKCMP_GE, Q_LKCMP_GT, Q_LKCMP_LE,  /* iload a; iconst k; if_icmpXX */
	Q_LIF_EQ, Q_LIF_NE, Q_LIF_LT, Q_LIF_GE, Q_LIF_GT, Q_LIF_LE,              /* iload a; ifXX */
	Q_LLADD_S, Q_LLSUB_S,                      /* iload a; iload b; iadd/isub; istore c */
	Q_LGETF_I, Q_LGETF_A,                      /* aload a; getfield (int/float, reference) */
	Q_LAST
};
struct vn_icache { struct vn_method *im; struct vn_class *last; struct vn_method *target; };

/* ---- prep.c ---- */
int vn_prepare(struct vn_vm *vm, struct vn_method *m);
void vn_prep_free(struct vn_prep *p);

/* ---- interp.c ---- */
/* Call m with args (nargs slots); result in *ret. 0, or -1 with vm->exc set. */
int vn_call(struct vn_vm *vm, struct vn_method *m, const vn_slot *args, vn_slot *ret);
/* For the JIT: interpret from the top frame (pushed with entry = true) until
 * it returns; exc_pending: first dispatch vm->exc from that frame (its ip one
 * past the throwing instruction). vn_call's results. */
int vn_interp_run(struct vn_vm *vm, vn_slot *ret, bool exc_pending);
/* Shared by the interpreter and the JIT's helpers (jit/viflet_jit_rt.c), so
 * the two cannot drift: the budget and call-limit aborts (their messages),
 * multianewarray, interface dispatch (fills the inline cache), a/b/C -> a.b.C,
 * and Java's floating-point conversions and comparisons. */
_Noreturn void vn_budget_out(struct vn_vm *vm);
_Noreturn void vn_call_limit_abort(struct vn_vm *vm, const struct vn_method *cm, int stack);
struct vn_obj *vn_multianew(struct vn_vm *vm, struct vn_class *c, const int32_t *lens, int n);
struct vn_method *vn_iface_target(struct vn_vm *vm, struct vn_icache *ic, struct vn_class *rc);
/* The first vtable entry of rc with im's name and descriptor (what an
 * interface call of im on an rc finds), or NULL. */
struct vn_method *vn_vtable_find(const struct vn_class *rc, const struct vn_method *im);
const char *vn_dotted(const char *n, char *buf, size_t cap);
void vn_throw_index(struct vn_vm *vm, int32_t i, int32_t len);   /* ArrayIndexOutOfBounds */
void vn_throw_div0(struct vn_vm *vm);
void vn_throw_negsize(struct vn_vm *vm, int32_t n);
void vn_throw_cast(struct vn_vm *vm, const struct vn_class *from, const struct vn_class *to);
void vn_throw_store(struct vn_vm *vm, const struct vn_class *c);   /* ArrayStoreException */
void vn_throw_abstract(struct vn_vm *vm, const struct vn_method *m);
static inline int32_t vn_f2i(double d)   /* saturating, NaN -> 0 */
{
	if (d != d)
		return 0;
	if (d >= 2147483647.0)
		return INT32_MAX;
	if (d <= -2147483648.0)
		return INT32_MIN;
	return (int32_t)d;
}
static inline int64_t vn_d2l(double d)
{
	if (d != d)
		return 0;
	if (d >= 9223372036854775807.0)
		return INT64_MAX;
	if (d <= -9223372036854775808.0)
		return INT64_MIN;
	return (int64_t)d;
}
static inline int vn_fcmp(double a, double b, int nan)   /* nan: the result on NaN */
{
	if (a != a || b != b)
		return nan;
	return a < b ? -1 : a > b;
}

/* ---- heap.c ---- */
int vn_heap_new(struct vn_vm *vm);
void vn_heap_free(struct vn_vm *vm);
struct vn_obj *vn_alloc(struct vn_vm *vm, struct vn_class *c, uint32_t size);
struct vn_obj *vn_new_object(struct vn_vm *vm, struct vn_class *c);
struct vn_obj *vn_new_array(struct vn_vm *vm, struct vn_class *ac, int32_t len);  /* len >= 0 */
void vn_gc(struct vn_vm *vm);
void vn_heap_stats(struct vn_vm *vm, struct vn_vm_stats *st);
static inline void vn_root_push(struct vn_vm *vm, struct vn_obj *o) { vm->tmproots[vm->ntmp++] = o; }
static inline void vn_root_pop(struct vn_vm *vm, uint32_t n) { vm->ntmp -= n; }

/* ---- natives.c ---- */
vn_native_fn vn_native_lookup(const char *cls, const char *name, const char *desc);
struct vn_obj *vn_str_new(struct vn_vm *vm, const char *utf8, size_t len);
struct vn_obj *vn_str_new16(struct vn_vm *vm, const uint16_t *s, size_t len);
struct vn_obj *vn_str_from_mutf8(struct vn_vm *vm, const char *s, size_t len);
size_t vn_str_utf8(struct vn_vm *vm, struct vn_obj *s, char *buf, size_t cap);
/* Make a VM exception of class cname with message msg (may be NULL) pending. */
void vn_throw(struct vn_vm *vm, const char *cname, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
struct vn_obj *vn_concat(struct vn_vm *vm, struct vn_concat *c, vn_slot *args);
void vn_out(struct vn_vm *vm, const char *s, size_t n);
void vn_pkt_store(struct vn_vm *vm, struct vn_obj *old, struct vn_obj *nw);
_Noreturn void vn_pkt_twice(struct vn_vm *vm);   /* aborts: a packet stored in a second place */
/* The table of held packets and a Packet object's caches, here (inline)
 * because the host's enqueue()/dequeue() use them on every packet. */
/* Remove entry i of the table of held packets (the last one takes its place). */
static inline void vn_pkt_unlist(struct vn_vm *vm, uint32_t i)
{
	struct vn_obj *last = vm->pkts[--vm->npkts];
	vm->pkts[i] = last;
	VN_FIELD(last, vm->off_pkt_slot, uint32_t) = i;
}
/* Forget a packet object's host handle (it left the VM): out of the table
 * of held packets in O(1), by the index the object carries. */
static inline void vn_pkt_forget(struct vn_vm *vm, struct vn_obj *p)
{
	VN_FIELD(p, vm->off_pkt_handle, void *) = NULL;
	uint32_t i = VN_FIELD(p, vm->off_pkt_slot, uint32_t);
	if (i < vm->npkts && vm->pkts[i] == p)
		vn_pkt_unlist(vm, i);
}
/* The object carries host packet handle from now on: what was cached about
 * the previous one is forgotten. */
static inline void vn_pkt_reset(struct vn_vm *vm, struct vn_obj *p, void *handle)
{
	VN_FIELD(p, vm->off_pkt_handle, void *) = handle;
	VN_FIELD(p, vm->off_pkt_data, const uint8_t *) = NULL;
	VN_FIELD(p, vm->off_pkt_dlen, int32_t) = -1;
	VN_FIELD(p, vm->off_pkt_proto, int32_t) = -1;
	VN_FIELD(p, vm->off_pkt_ports, int32_t) = 0;
	VN_FIELD(p, vm->off_pkt_wlen, int32_t) = -1;
}
/* A held packet's protocol and ports worked out into its caches (the
 * JIT's Packet intrinsics, on their first use per packet; throws nothing
 * for a packet that is still held). */
bool vn_pkt_l4(struct vn_vm *vm, struct vn_obj *p);
int vn_natives_init(struct vn_vm *vm);

/* ---- fmt.c ---- */
int vn_fmt_double(double d, char *buf);   /* Java Double.toString; returns length */
int vn_fmt_float(float f, char *buf);     /* Java Float.toString */

/* ---- vm.c ---- */
_Noreturn void vn_abort(struct vn_vm *vm, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void vn_seterr(struct vn_vm *vm, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
