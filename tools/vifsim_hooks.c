/* Hooks for tree-file lines handled by optional modules: `filter` lines load
 * a classic BPF filter (vn_bpf.h); `viflet PATH FILE [start=S] [stop=S]
 * [KEY=VALUE]...` lines load a VIFlet (vn_viflet.h) at a time of the replay,
 * may unload it later, and give it the KEY=VALUE pairs as its conf. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vn_bpf.h"
#include "vn_sched.h"
#include "vn_viflet.h"
#include "vifsim_hooks.h"

#define MAX_CLASSFILE (16u << 20)

struct action {
	struct vn_vif *vif;
	char path[256], file[512];
	uint8_t *bytes;
	size_t len;
	vn_time_t start, stop;            /* ns after t0; stop 0: never */
	char conf[16][2][64];             /* key=value words of the line: the VIFlet's conf */
	int nconf;
	struct vn_timer load_timer, unload_timer;
};

static struct vn_bpf **filters;
static size_t nfilters;
static struct action **actions;
static size_t nactions;
static const vn_time_t *clock_now;

static int load_filter(void *ctx, struct vn_vif *v, const char *expr, int linktype, char *err, size_t errlen)
{
	(void)ctx;
	struct vn_bpf *f;
	struct vn_bpf **nf = realloc(filters, (nfilters + 1) * sizeof(*nf));
	if (!nf)
		return -ENOMEM;
	filters = nf;
	int rc = vn_bpf_load(expr, strlen(expr), linktype, &f, err, errlen);
	if (rc < 0)
		return rc;
	filters[nfilters++] = f;
	vn_vif_set_filter(v, vn_bpf_hook(f), f);
	return 0;
}

static vn_time_t env_now(void *ctx)
{
	(void)ctx;
	return *clock_now;
}

static void env_log(void *ctx, const char *s, size_t n)
{
	struct action *a = ctx;
	fprintf(stderr, "vifsim: viflet %s: %.*s%s", a->path, (int)n, s,
		n && s[n - 1] == '\n' ? "" : "\n");
}

static const char *env_conf(void *ctx, const char *key)
{
	struct action *a = ctx;
	for (int i = 0; i < a->nconf; i++)
		if (strcmp(a->conf[i][0], key) == 0)
			return a->conf[i][1];
	return NULL;
}

static int do_load(struct action *a, bool quiet, char *err, size_t errlen)
{
	struct vn_viflet_env env = { .ctx = a, .now = env_now, .clock_ctx = NULL,
				     .log = quiet ? NULL : env_log, .conf = env_conf };
	return vn_viflet_load(a->vif, a->bytes, a->len, &env, err, errlen);
}

static void on_load(struct vn_timer *tm, vn_time_t now)
{
	(void)now;
	struct action *a = (struct action *)((char *)tm - offsetof(struct action, load_timer));
	char err[512];
	if (do_load(a, false, err, sizeof(err)) < 0)
		fprintf(stderr, "vifsim: viflet %s: %s\n", a->path, err);
}

static void on_unload(struct vn_timer *tm, vn_time_t now)
{
	(void)now;
	struct action *a = (struct action *)((char *)tm - offsetof(struct action, unload_timer));
	vn_viflet_unload(a->vif);
}

/* "S" seconds (decimal) into ns; -1 if malformed. */
static long long secs_ns(const char *s)
{
	char *end;
	double d = strtod(s, &end);
	if (end == s || *end || d < 0 || d > 1e6)
		return -1;
	return (long long)(d * 1e9 + 0.5);
}

static int load_viflet(void *ctx, struct vn_vif *v, const char *arg, char *err, size_t errlen)
{
	(void)ctx;
	struct action *a = calloc(1, sizeof(*a));
	if (!a)
		return snprintf(err, errlen, "out of memory"), -ENOMEM;
	char buf[1024];
	snprintf(buf, sizeof(buf), "%s", arg);
	char *save = NULL, *tok = strtok_r(buf, " \t", &save);
	snprintf(a->file, sizeof(a->file), "%s", tok ? tok : "");
	while ((tok = strtok_r(NULL, " \t", &save))) {
		long long ns = -1;
		if (strncmp(tok, "start=", 6) == 0 && (ns = secs_ns(tok + 6)) >= 0)
			a->start = (vn_time_t)ns;
		else if (strncmp(tok, "stop=", 5) == 0 && (ns = secs_ns(tok + 5)) > 0)
			a->stop = (vn_time_t)ns;
		else if (strncmp(tok, "start=", 6) && strncmp(tok, "stop=", 5) && strchr(tok, '=') &&
			 tok[0] != '=' && a->nconf < 16 && strchr(tok, '=') - tok < 64 &&
			 strlen(strchr(tok, '=') + 1) < 64) {
			char *eq = strchr(tok, '=');
			snprintf(a->conf[a->nconf][0], 64, "%.*s", (int)(eq - tok), tok);
			snprintf(a->conf[a->nconf][1], 64, "%s", eq + 1);
			a->nconf++;
		} else {
			free(a);
			return snprintf(err, errlen, "expected FILE [start=SECONDS] [stop=SECONDS] [KEY=VALUE]..., got '%s'", tok), -EINVAL;
		}
	}
	if (a->stop && a->stop <= a->start) {
		free(a);
		return snprintf(err, errlen, "stop must come after start"), -EINVAL;
	}
	FILE *f = fopen(a->file, "rb");
	if (!f) {
		snprintf(err, errlen, "%s: %s", a->file, strerror(errno));
		free(a);
		return -ENOENT;
	}
	a->bytes = malloc(MAX_CLASSFILE);
	a->len = a->bytes ? fread(a->bytes, 1, MAX_CLASSFILE, f) : 0;
	fclose(f);
	if (!a->bytes || a->len == 0 || a->len == MAX_CLASSFILE) {
		snprintf(err, errlen, "%s: empty, unreadable or too large", a->file);
		free(a->bytes);
		free(a);
		return -EINVAL;
	}
	a->vif = v;
	vn_vif_path_str(v, a->path, sizeof(a->path));
	vn_timer_init(&a->load_timer, on_load);
	vn_timer_init(&a->unload_timer, on_unload);
	struct action **na = realloc(actions, (nactions + 1) * sizeof(*na));
	if (!na) {
		free(a->bytes);
		free(a);
		return snprintf(err, errlen, "out of memory"), -ENOMEM;
	}
	actions = na;
	actions[nactions++] = a;
	/* Load now once, quietly, to reject a bad class before the replay. */
	int rc = do_load(a, true, err, errlen);
	if (rc == 0)
		vn_viflet_unload(v);
	return rc;
}

struct vn_tf_hooks vifsim_hooks(const vn_time_t *now)
{
	clock_now = now;
	struct vn_tf_hooks h = { .filter = load_filter, .viflet = load_viflet };
	return h;
}

int vifsim_hooks_start(struct vn_tree *t, vn_time_t t0)
{
	char err[512];
	for (size_t i = 0; i < nactions; i++) {
		struct action *a = actions[i];
		if (a->start == 0) {
			if (do_load(a, false, err, sizeof(err)) < 0) {
				fprintf(stderr, "vifsim: viflet %s: %s\n", a->path, err);
				return -1;
			}
		} else {
			vn_tree_timer_arm(t, &a->load_timer, t0 + a->start);
		}
		if (a->stop)
			vn_tree_timer_arm(t, &a->unload_timer, t0 + a->stop);
	}
	return 0;
}

void vifsim_hooks_cleanup(void)
{
	for (size_t i = 0; i < nfilters; i++)
		vn_bpf_free(filters[i]);
	free(filters);
	filters = NULL;
	nfilters = 0;
	for (size_t i = 0; i < nactions; i++) {
		free(actions[i]->bytes);
		free(actions[i]);
	}
	free(actions);
	actions = NULL;
	nactions = 0;
}
