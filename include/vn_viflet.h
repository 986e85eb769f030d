/* vn_viflet — a VIFlet running a VIF (seed VI.1.1, SPEC section 7): a VM
 * instance of its own (vn_vm.h) bound to the scheduler's external-queue hook
 * (vn_sched.h). Every packet entering the VIF goes to the VIFlet's
 * enqueue(Packet); while its `length` is positive the VIF drains through
 * dequeue() whenever it and its ancestors may send; setTimer() arms a timer on
 * the tree's clock whose expiry calls timeout() and lets the VIF try again.
 *
 * A VIFlet that breaks a limit, lets an exception escape a handler, holds a
 * packet in two places or returns a packet it was not given is aborted: the
 * VIF returns to its plain scheduler with every packet it held put back in
 * arrival order, and the reason goes to the log. Runs on the tree's thread. */
#ifndef VN_VIFLET_H
#define VN_VIFLET_H

#include <stddef.h>
#include <stdint.h>

#include "vn_clock.h"
#include "vn_vif.h"
#include "vn_vm.h"

struct vn_viflet_env {
	vn_time_t (*now)(void *clock_ctx);                    /* the tree's clock, ns */
	void *clock_ctx;
	void *ctx;                                            /* for log and conf */
	void (*log)(void *ctx, const char *s, size_t n);      /* System.out, abort reasons */
	const char *(*conf)(void *ctx, const char *key);      /* the VIF's conf, or NULL */
	struct vn_vm_limits limits;                           /* zeros: the VM's defaults */
	uint64_t budget;                                      /* per call; 0: 1,000,000 */
};

/* Per-VIF VM limits (SPEC section 7, issue 10): root sets them as `vm.*`
 * keys of the VIF's conf, and vn_viflet_load reads them from env->conf
 * (overriding env->limits) when it creates the VM:
 *   vm.heap    live heap bytes (a K, M or G suffix: KiB, MiB, GiB), 64K..1G
 *   vm.budget  branches and calls per handler call, 1000..10^12
 *   vm.depth   Java call depth, 16..100000
 *   vm.stack   operand and local slots, 4096..16777216
 *   vm.jit     on (the default: methods compiled on first call) or off
 * Set one limit from its key and text: 0, -ENOENT (not a vm.* key this
 * version knows) or -EINVAL (not a number in range; *lim unchanged);
 * vm.jit is only checked here. */
int vn_viflet_limit_set(struct vn_vm_limits *lim, const char *key, const char *val);
#define VN_VIFLET_LIMIT_PREFIX "vm."

/* Load a .class file (or a .jar with the VIFlet subclass named by the conf
 * key `class`) from data, verify it, instantiate it and make it schedule v.
 * 0, or -EINVAL (bad class, not a VIFlet, rejected by the verifier: err says
 * why, and the log too), -EBUSY (a VIFlet on v, above or below it), -ENOMEM.
 * On error v is unchanged. env must stay valid while the VIFlet runs. */
int vn_viflet_load(struct vn_vif *v, const uint8_t *data, size_t len,
		   const struct vn_viflet_env *env, char *err, size_t errlen);
/* Unload v's VIFlet (its packets come back in order). -ENOENT if none. */
int vn_viflet_unload(struct vn_vif *v);
/* What reading the `viflet` file shows: "none\n", or the class and the
 * VM's figures as "key value" lines. snprintf semantics. */
int vn_viflet_describe(const struct vn_vif *v, char *buf, size_t n);
/* An environment that uses the VIF's own conf and log (vn_vif_conf_get,
 * vn_vif_log) and the given clock: what vifd uses. */
struct vn_viflet_env vn_viflet_vif_env(struct vn_vif *v, vn_time_t (*now)(void *ctx), void *clock_ctx);

#endif
