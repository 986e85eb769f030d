/* A VIFlet on a VIF: the VM instance behind the scheduler's external queue.
 *
 * Packets handed to the VM are the scheduler's struct vn_pkt; the VM keeps
 * them as opaque handles and gives them back by dequeue(), by drop() (host
 * pkt_drop) or, when the VIFlet goes, by vn_vm_release_held(). After an
 * abort the held packets are sorted back into arrival order, so the plain
 * scheduler sends them as if the VIFlet had never reordered them. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vn_jit.h"
#include "vn_sched.h"
#include "vn_viflet.h"

#define DEFAULT_BUDGET 1000000

struct vn_viflet {
	char cls[128];
	struct vn_vm_limits lim;     /* what the VM was created with */
	struct vn_vm *vm;
	struct vn_vif *vif;
	struct vn_tree *tree;
	struct vn_viflet_env env;
	struct vn_timer timer;
	struct vn_pkt **back;        /* packets being given back (take) */
	size_t nback, iback, capback;
	struct vn_pkt *pending;      /* the packet an aborted enqueue() was given */
};

#define container_of(ptr, type, member) ((type *)((char *)(ptr) - offsetof(type, member)))

static void logf_(struct vn_viflet *vl, const char *fmt, const char *arg)
{
	char buf[1200];
	int n = snprintf(buf, sizeof(buf), fmt, arg);
	if (vl->env.log && n > 0)
		vl->env.log(vl->env.ctx, buf, (size_t)n < sizeof(buf) ? (size_t)n : sizeof(buf) - 1);
}

/* --- what the VM asks about packets and time --- */

static const uint8_t *h_data(void *ctx, void *pkt, uint32_t *len)
{
	(void)ctx;
	struct vn_pkt *p = pkt;
	if (p->l3_off == VN_L3_NONE || p->l3_off >= p->len) {
		*len = 0;
		return p->data;
	}
	*len = p->len - p->l3_off;
	return p->data + p->l3_off;
}

static uint32_t h_length(void *ctx, void *pkt)
{
	(void)ctx;
	return ((struct vn_pkt *)pkt)->wire_len;
}

static bool h_inbound(void *ctx, void *pkt)
{
	(void)ctx;
	return ((struct vn_pkt *)pkt)->dir == VN_INGRESS;
}

static int32_t h_pid(void *ctx, void *pkt)
{
	(void)ctx;
	return ((struct vn_pkt *)pkt)->pid;
}

static void h_drop(void *ctx, void *pkt)
{
	struct vn_viflet *vl = ctx;
	vn_sched_qdisc_drop(vl->vif, pkt);
}

static int64_t h_now_us(void *ctx)
{
	struct vn_viflet *vl = ctx;
	return (int64_t)(vl->env.now(vl->env.clock_ctx) / 1000);
}

static void h_set_timer(void *ctx, int32_t micros)
{
	struct vn_viflet *vl = ctx;
	vn_time_t now = vl->env.now(vl->env.clock_ctx);
	vn_tree_timer_arm(vl->tree, &vl->timer, now + (micros > 0 ? (vn_time_t)micros * 1000 : 0));
}

static const char *h_conf(void *ctx, const char *key)
{
	struct vn_viflet *vl = ctx;
	return vl->env.conf ? vl->env.conf(vl->env.ctx, key) : NULL;
}

static void h_out(void *ctx, const char *s, size_t n)
{
	struct vn_viflet *vl = ctx;
	if (vl->env.log)
		vl->env.log(vl->env.ctx, s, n);
}

/* --- the scheduler's external-queue callbacks --- */

static void note_abort(struct vn_viflet *vl, int rc)
{
	const char *why = vn_vm_error(vl->vm);
	if (!why || !*why)
		why = "unknown reason";
	if (strncmp(why, "aborted: ", 9) == 0)
		why += 9;
	logf_(vl, rc == VN_VM_EXCEPTION ? "viflet aborted: exception escaped a handler: %s\n"
					: "viflet aborted: %s\n", why);
}

static int q_enqueue(void *ctx, struct vn_pkt *p)
{
	struct vn_viflet *vl = ctx;
	int rc = vn_vm_enqueue(vl->vm, p);
	if (rc == VN_VM_OK)
		return 0;
	note_abort(vl, rc);
	vl->pending = p;       /* may or may not have reached the VM's packet table */
	return VN_QDISC_ABORT;
}

static struct vn_pkt *q_dequeue(void *ctx, bool *abort)
{
	struct vn_viflet *vl = ctx;
	void *p = NULL;
	int rc = vn_vm_dequeue(vl->vm, &p);
	if (rc != VN_VM_OK) {
		note_abort(vl, rc);
		*abort = true;
		return NULL;
	}
	return p;
}

static void collect(void *arg, void *pkt)
{
	struct vn_viflet *vl = arg;
	if (vl->nback == vl->capback) {
		size_t cap = vl->capback ? vl->capback * 2 : 64;
		struct vn_pkt **nb = realloc(vl->back, cap * sizeof(*nb));
		if (!nb)
			return;    /* cannot happen for long: see take() */
		vl->back = nb;
		vl->capback = cap;
	}
	vl->back[vl->nback++] = pkt;
}

static int by_arrival(const void *a, const void *b)
{
	const struct vn_pkt *x = *(struct vn_pkt *const *)a, *y = *(struct vn_pkt *const *)b;
	if (x->arrival != y->arrival)
		return x->arrival < y->arrival ? -1 : 1;
	if (x->seq != y->seq)
		return x->seq < y->seq ? -1 : 1;
	return x < y ? -1 : x > y;
}

static struct vn_pkt *q_take(void *ctx)
{
	struct vn_viflet *vl = ctx;
	if (!vl->back) {
		/* Reserve room first so that no held packet can be lost. */
		vl->capback = (size_t)vn_vm_viflet_length(vl->vm) + 64;
		vl->back = malloc(vl->capback * sizeof(*vl->back));
		if (!vl->back)
			vl->capback = 0;
		vn_vm_release_held(vl->vm, collect, vl);
		if (vl->pending) {
			bool seen = false;
			for (size_t i = 0; i < vl->nback; i++)
				seen |= vl->back[i] == vl->pending;
			if (!seen)
				collect(vl, vl->pending);
			vl->pending = NULL;
		}
		if (vl->nback)
			qsort(vl->back, vl->nback, sizeof(*vl->back), by_arrival);
	}
	return vl->iback < vl->nback ? vl->back[vl->iback++] : NULL;
}

static uint32_t q_length(void *ctx)
{
	struct vn_viflet *vl = ctx;
	int32_t n = vn_vm_viflet_length(vl->vm);
	return n > 0 ? (uint32_t)n : 0;
}

static void viflet_free(struct vn_viflet *vl)
{
	vn_tree_timer_cancel(vl->tree, &vl->timer);
	vn_vm_free(vl->vm);
	free(vl->back);
	free(vl);
}

static void q_detach(void *ctx, bool aborted)
{
	struct vn_viflet *vl = ctx;
	if (!aborted)
		logf_(vl, "%s", "viflet unloaded\n");
	viflet_free(vl);
}

static const struct vn_qdisc_ops viflet_ops = {
	.enqueue = q_enqueue, .dequeue = q_dequeue, .take = q_take,
	.length = q_length, .detach = q_detach,
};

static void on_timer(struct vn_timer *tm, vn_time_t now)
{
	(void)now;
	struct vn_viflet *vl = container_of(tm, struct vn_viflet, timer);
	int rc = vn_vm_timeout(vl->vm);
	if (rc != VN_VM_OK) {
		note_abort(vl, rc);
		/* Packets back in order, the VIF back to its plain scheduler. */
		vn_sched_abort_qdisc(vl->vif);
		return;
	}
	vn_sched_qdisc_wake(vl->vif);
}

/* A decimal number with an optional binary K/M/G suffix (if suffix); *out, or false. */
static bool parse_count(const char *s, bool suffix, uint64_t *out)
{
	uint64_t n = 0;
	const char *p = s;
	while (*p == ' ' || *p == '\t')
		p++;
	if (*p < '0' || *p > '9')
		return false;
	for (; *p >= '0' && *p <= '9'; p++) {
		if (n > (UINT64_MAX - 9) / 10)
			return false;
		n = n * 10 + (uint64_t)(*p - '0');
	}
	unsigned shift = 0;
	if (suffix && (*p == 'K' || *p == 'k'))
		shift = 10;
	else if (suffix && (*p == 'M' || *p == 'm'))
		shift = 20;
	else if (suffix && (*p == 'G' || *p == 'g'))
		shift = 30;
	if (shift) {
		if (n > (UINT64_MAX >> shift))
			return false;
		n <<= shift;
		p++;
	}
	while (*p == ' ' || *p == '\t')
		p++;
	if (*p)
		return false;
	*out = n;
	return true;
}

int vn_viflet_limit_set(struct vn_vm_limits *lim, const char *key, const char *val)
{
	if (strcmp(key, "vm.jit") == 0)   /* not a limit: checked here, used by vn_viflet_load */
		return val && (strcmp(val, "on") == 0 || strcmp(val, "off") == 0) ? 0 : -EINVAL;
	static const struct {
		const char *key;
		bool suffix;
		uint64_t min, max;
	} keys[] = {
		{ "vm.heap", true, 64u << 10, 1u << 30 },
		{ "vm.budget", false, 1000, 1000000000000ull },
		{ "vm.depth", false, 16, 100000 },
		{ "vm.stack", false, 4096, 16u << 20 },
	};
	for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++) {
		if (strcmp(key, keys[k].key) != 0)
			continue;
		uint64_t n;
		if (!val || !parse_count(val, keys[k].suffix, &n) || n < keys[k].min || n > keys[k].max)
			return -EINVAL;
		switch (k) {
		case 0: lim->heap_bytes = (size_t)n; break;
		case 1: lim->budget = n; break;
		case 2: lim->max_depth = (uint32_t)n; break;
		default: lim->stack_slots = (uint32_t)n; break;
		}
		return 0;
	}
	return -ENOENT;
}

/* env's limits with the conf's vm.* keys applied; -EINVAL with err set for
 * a bad value (vifsim's viflet line is not checked before this). */
static int limits_of(const struct vn_viflet_env *env, struct vn_vm_limits *lim, char *err, size_t errlen)
{
	static const char *const keys[] = { "vm.heap", "vm.budget", "vm.depth", "vm.stack" };
	*lim = env->limits;
	if (!lim->budget)
		lim->budget = env->budget ? env->budget : DEFAULT_BUDGET;
	for (size_t k = 0; env->conf && k < sizeof keys / sizeof keys[0]; k++) {
		const char *val = env->conf(env->ctx, keys[k]);
		if (val && vn_viflet_limit_set(lim, keys[k], val) < 0) {
			snprintf(err, errlen, "conf: bad %s=%s", keys[k], val);
			return -EINVAL;
		}
	}
	return 0;
}

int vn_viflet_load(struct vn_vif *v, const uint8_t *data, size_t len,
		   const struct vn_viflet_env *env, char *err, size_t errlen)
{
	if (vn_sched_has_qdisc(v))
		return snprintf(err, errlen, "a VIFlet is already loaded here"), -EBUSY;
	struct vn_viflet *vl = calloc(1, sizeof(*vl));
	if (!vl)
		return snprintf(err, errlen, "out of memory"), -ENOMEM;
	vl->vif = v;
	vl->tree = vn_vif_tree(v);
	vl->env = *env;
	vn_timer_init(&vl->timer, on_timer);
	struct vn_vm_limits lim;
	if (limits_of(env, &lim, err, errlen) < 0) {
		logf_(vl, "viflet load failed: %s\n", err);
		free(vl);
		return -EINVAL;
	}
	vl->lim = lim;
	struct vn_vm_host host = {
		.ctx = vl, .pkt_data = h_data, .pkt_length = h_length, .pkt_inbound = h_inbound,
		.pkt_pid = h_pid, .pkt_drop = h_drop, .set_timer = h_set_timer, .now_us = h_now_us,
		.conf = h_conf, .out = h_out,
	};
	vl->vm = vn_vm_new(&lim, &host);
	if (!vl->vm) {
		free(vl);
		return snprintf(err, errlen, "out of memory"), -ENOMEM;
	}
	const char *jit = env->conf ? env->conf(env->ctx, "vm.jit") : NULL;
	if (jit && strcmp(jit, "off") == 0)
		vn_vm_set_jit(vl->vm, 0);    /* the interpreter only (the JIT is the default) */
	const char *cls = NULL;
	int rc = vn_vm_add_bytes(vl->vm, data, len);
	if (rc == VN_VM_OK) {
		cls = vn_vm_first_class(vl->vm);
		if (!cls)
			cls = env->conf ? env->conf(env->ctx, "class") : NULL;
		if (!cls) {
			snprintf(err, errlen, "a jar needs class=NAME in conf to say which class is the VIFlet");
			goto bad;
		}
		rc = vn_vm_load(vl->vm, cls);
	}
	if (rc == VN_VM_OK)
		rc = vn_vm_viflet_start(vl->vm, cls);
	if (rc != VN_VM_OK) {
		const char *why = vn_vm_error(vl->vm);
		snprintf(err, errlen, "%s", why && *why ? why : "not a class file or jar");
		goto bad;
	}
	if (vn_sched_has_qdisc(v) || vn_vif_type(v) == VN_TYPE_VIFLET) {
		snprintf(err, errlen, "a VIFlet is already loaded here");
		viflet_free(vl);
		return -EBUSY;
	}
	snprintf(vl->cls, sizeof(vl->cls), "%s", cls);
	logf_(vl, "viflet %s loaded\n", cls);
	/* From here vl belongs to the scheduler (it may even be aborted and
	 * freed while the waiting packets are handed over). */
	rc = vn_sched_set_qdisc(v, &viflet_ops, vl);
	if (rc < 0) {
		snprintf(err, errlen, "a VIFlet runs above or below this VIF");
		viflet_free(vl);
		return rc;
	}
	return 0;
bad:
	logf_(vl, "viflet load failed: %s\n", err);
	viflet_free(vl);
	return -EINVAL;
}

int vn_viflet_unload(struct vn_vif *v)
{
	if (!vn_sched_has_qdisc(v))
		return -ENOENT;
	vn_sched_clear_qdisc(v);
	return 0;
}

int vn_viflet_describe(const struct vn_vif *v, char *buf, size_t n)
{
	const struct vn_viflet *vl = vn_sched_qdisc_ctx(v, &viflet_ops);
	if (!vl)
		return snprintf(buf, n, "none\n");
	struct vn_vm_stats st;
	vn_vm_get_stats(vl->vm, &st);
	const struct vn_jit_stat *js;
	size_t nj = vn_vm_jit_stats(vl->vm, &js), compiled = 0;
	for (size_t k = 0; k < nj; k++)
		compiled += js[k].compiled;
	/* The limits as the VM applies them (0: its own default). */
	return snprintf(buf, n, "class %s\nheld %d\nheap_live_bytes %llu\ngc_runs %llu\n"
			"jit %s\njit_methods %zu\n"
			"heap_limit %llu\nbudget %llu\ndepth_limit %u\nstack_slots %u\n", vl->cls,
			vn_vm_viflet_length(vl->vm), (unsigned long long)st.live_bytes,
			(unsigned long long)st.gc_runs,
			vn_vm_jit_threshold(vl->vm) ? "on" : "off", compiled,
			(unsigned long long)(vl->lim.heap_bytes ? vl->lim.heap_bytes : 64u << 20),
			(unsigned long long)vl->lim.budget, vl->lim.max_depth ? vl->lim.max_depth : 2048,
			vl->lim.stack_slots ? vl->lim.stack_slots : 256u << 10);
}

/* The VIF-backed environment: the VIF is the ctx for conf and log. */
static const char *vif_conf(void *ctx, const char *key)
{
	return vn_vif_conf_get(ctx, key);
}

static void vif_log(void *ctx, const char *s, size_t n)
{
	vn_vif_log(ctx, s, n);
}

struct vn_viflet_env vn_viflet_vif_env(struct vn_vif *v, vn_time_t (*now)(void *ctx), void *clock_ctx)
{
	struct vn_viflet_env env = { .ctx = v, .log = vif_log, .conf = vif_conf, .now = now,
				     .clock_ctx = clock_ctx };
	return env;
}
