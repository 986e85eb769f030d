/* vn_vm — the VIFlet virtual machine: a Java-subset VM with a ROMized class
 * library (seed chapter VI, SPEC section 7.1).
 *
 * One struct vn_vm is one sandbox: its own classes, statics, heap (with a hard
 * size limit and a garbage collector), stack, instruction budget and packet
 * table. Breaking a limit or a VM rule *aborts* the instance: every later call
 * returns VN_VM_ABORTED and vn_vm_error() says why; the host never crashes.
 *
 * The host (vifd, vifsim, vifvm) hands packets to the VM as opaque `void *`
 * handles and answers questions about them through struct vn_vm_host. The VM
 * never frees or keeps a host packet beyond what the VIFlet holds: a packet
 * leaves the VM by dequeue() or drop(), or, after an abort or at unload,
 * through vn_vm_release_held(). Single-threaded: one thread per instance. */
#ifndef VN_VM_H
#define VN_VM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct vn_vm;

/* Results of the calls below. */
enum {
	VN_VM_OK = 0,
	VN_VM_EXCEPTION = 1,    /* an exception escaped the Java code (instance survives) */
	VN_VM_ABORTED = 2,      /* the instance broke a limit or rule and is dead */
	VN_VM_REJECTED = 3,     /* a class failed to load, verify or link */
	VN_VM_ERROR = 4,        /* bad argument, missing class/method, I/O */
};

struct vn_vm_limits {
	size_t heap_bytes;      /* hard limit on live heap bytes (0: 64 MiB) */
	uint32_t max_depth;     /* Java call depth (0: 2048) */
	uint32_t stack_slots;   /* operand/locals slots (0: 256 Ki) */
	uint64_t budget;        /* branches+calls per host call (0: unlimited) */
};

/* Host hooks; every member may be NULL (then: no data, 0, false, ignored). */
struct vn_vm_host {
	void *ctx;
	/* The packet from its network (IPv4/IPv6) header on, *len bytes. */
	const uint8_t *(*pkt_data)(void *ctx, void *pkt, uint32_t *len);
	uint32_t (*pkt_length)(void *ctx, void *pkt);   /* bytes on the wire */
	bool (*pkt_inbound)(void *ctx, void *pkt);
	int32_t (*pkt_pid)(void *ctx, void *pkt);
	void (*pkt_drop)(void *ctx, void *pkt);          /* VIFlet called drop(p) */
	void (*set_timer)(void *ctx, int32_t micros);     /* one-shot, relative */
	int64_t (*now_us)(void *ctx);                    /* VIFlet.now() */
	const char *(*conf)(void *ctx, const char *key);  /* VIFlet.conf(key) */
	void (*out)(void *ctx, const char *s, size_t n);  /* System.out (NULL: stdout) */
};

struct vn_vm *vn_vm_new(const struct vn_vm_limits *lim, const struct vn_vm_host *host);
void vn_vm_free(struct vn_vm *vm);

/* Where user classes come from: a directory or a .jar file (may repeat), and
 * class files or jars given as bytes (copied). Library classes always come
 * from the ROM image linked into the VM. */
int vn_vm_add_classpath(struct vn_vm *vm, const char *path);
int vn_vm_add_bytes(struct vn_vm *vm, const uint8_t *data, size_t len);
/* The name (binary form, `a/b/C`) of the first class given to vn_vm_add_bytes
 * as a .class file, or NULL. */
const char *vn_vm_first_class(const struct vn_vm *vm);

/* The first concrete VIFlet subclass among the classes given as class files
 * or jars (in order), loaded, verified and linked; NULL if none (vn_vm_error
 * says why). For `viflet` writes of a .jar. */
const char *vn_vm_find_viflet(struct vn_vm *vm);

/* Load, verify and link a class and everything it references (rejects
 * unsupported features with a message naming class, method, offset and
 * instruction). Dots or slashes in the name. */
int vn_vm_load(struct vn_vm *vm, const char *cls);

/* Run `public static void main(String[])`. */
int vn_vm_run_main(struct vn_vm *vm, const char *cls, int argc, char **argv);

/* VIFlet: instantiate (no-argument constructor, any access), then event calls. */
int vn_vm_viflet_start(struct vn_vm *vm, const char *cls);
int vn_vm_enqueue(struct vn_vm *vm, void *pkt);
int vn_vm_dequeue(struct vn_vm *vm, void **pkt);   /* *pkt NULL: nothing to send */
int vn_vm_timeout(struct vn_vm *vm);
int32_t vn_vm_viflet_length(const struct vn_vm *vm);  /* the VIFlet's `length` */

/* Hand every host packet still held by the VM to cb (and forget it). */
size_t vn_vm_release_held(struct vn_vm *vm, void (*cb)(void *arg, void *pkt), void *arg);

bool vn_vm_aborted(const struct vn_vm *vm);
/* Why the last call failed: abort reason, rejection, or the uncaught
 * exception's "Exception in thread ..." line(s). Empty string if none. */
const char *vn_vm_error(const struct vn_vm *vm);

struct vn_vm_stats {
	uint64_t gc_runs, allocated_bytes, live_bytes, live_objects, classes;
};
void vn_vm_get_stats(const struct vn_vm *vm, struct vn_vm_stats *st);

/* For tests and the fuzzer: parse and verify one class file in isolation
 * (library classes resolvable); 0 or VN_VM_REJECTED with *msg set (static
 * storage inside vm). */
int vn_vm_check_class(struct vn_vm *vm, const uint8_t *data, size_t len);

#endif
