/* The viflet, conf and log files of a VIF directory (SPEC section 7): rows
 * of the parameter table that load and unload VIFlets (vn_viflet.h) and
 * show the VIF's conf and log (vn_vif.h). They run on the tree's thread. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nn_perm.h"

#include "nn_viflet.h"
#include "vn_viflet.h"
#include "vn_vif.h"

/* vifd's loop runs on the real monotonic clock. */
static vn_time_t real_now(void *ctx)
{
	(void)ctx;
	return vn_clock_now(vn_clock_real());
}

int nn_viflet_read(const struct nn_row *row, const struct vn_vif *v, char *buf, size_t n)
{
	(void)row;
	return vn_viflet_describe(v, buf, n);
}

/* Is buf the word `none`, with blanks or a newline around it? */
static bool is_none(const char *buf, size_t len)
{
	while (len && (buf[len - 1] == '\n' || buf[len - 1] == ' ' || buf[len - 1] == '\t'))
		len--;
	while (len && (*buf == ' ' || *buf == '\t')) {
		buf++;
		len--;
	}
	return len == 4 && memcmp(buf, "none", 4) == 0;
}

int nn_viflet_write(const struct nn_row *row, struct vn_vif *v, const char *buf, size_t len,
		    vn_time_t now)
{
	(void)row;
	(void)now;
	if (is_none(buf, len)) {
		vn_viflet_unload(v);
		return 0;
	}
	if (len < 4)
		return -EINVAL;
	char err[512];
	struct vn_viflet_env env = vn_viflet_vif_env(v, real_now, NULL);
	int rc = vn_viflet_load(v, (const uint8_t *)buf, len, &env, err, sizeof(err));
	if (rc < 0) {
		/* vn_viflet_load logged the reason already; say it once more
		 * for a failure before the VM existed. */
		if (rc != -EINVAL) {
			char line[600];
			int k = snprintf(line, sizeof(line), "viflet load failed: %s\n", err);
			vn_vif_log(v, line, (size_t)k < sizeof(line) ? (size_t)k : sizeof(line) - 1);
		}
		return rc;
	}
	return 0;
}

int nn_conf_read(const struct nn_row *row, const struct vn_vif *v, char *buf, size_t n)
{
	(void)row;
	return vn_vif_conf_text(v, buf, n);
}

/* One conf line: the key and value, blanks trimmed (value up to the end of
 * the line). False for a blank or comment line, or one without `=` (which
 * vn_vif_conf_set refuses). */
struct conf_line {
	const char *key, *val;
	size_t klen, vlen;
};

static bool conf_parse_line(const char *l, size_t n, struct conf_line *cl)
{
	size_t i = 0;
	while (i < n && (l[i] == ' ' || l[i] == '\t'))
		i++;
	if (i == n || l[i] == '#' || l[i] == '\r')
		return false;
	const char *eq = memchr(l + i, '=', n - i);
	if (!eq)
		return false;   /* vn_vif_conf_set refuses the text */
	size_t ke = (size_t)(eq - l), vb = ke + 1, ve = n;
	while (ke > i && (l[ke - 1] == ' ' || l[ke - 1] == '\t'))
		ke--;
	while (vb < ve && (l[vb] == ' ' || l[vb] == '\t'))
		vb++;
	while (ve > vb && (l[ve - 1] == ' ' || l[ve - 1] == '\t' || l[ve - 1] == '\r'))
		ve--;
	*cl = (struct conf_line){ l + i, l + vb, ke - i, ve - vb };
	return true;
}

static bool is_limit(const struct conf_line *cl)
{
	size_t p = strlen(VN_VIFLET_LIMIT_PREFIX);
	return cl->klen >= p && memcmp(cl->key, VN_VIFLET_LIMIT_PREFIX, p) == 0;
}

/* Calls fn for each line of text[0..len) but empty ones, with cl NULL
 * for a line that is not key=value. */
static int conf_each(const char *text, size_t len, int (*fn)(void *arg, const struct conf_line *cl,
							      const char *line, size_t n), void *arg)
{
	for (size_t i = 0; i < len;) {
		size_t e = i;
		while (e < len && text[e] != '\n')
			e++;
		struct conf_line cl;
		bool kv = conf_parse_line(text + i, e - i, &cl);
		int r;
		if (e > i && (r = fn(arg, kv ? &cl : NULL, text + i, e - i)))
			return r;
		i = e + 1;
	}
	return 0;
}

struct conf_edit {
	struct vn_vif *v;
	bool root;
	char out[VN_CONF_MAX + 1];
	size_t n;
	bool full;
};

static void put(struct conf_edit *ed, const char *s, size_t n)
{
	if (ed->n + n + 1 > sizeof ed->out) {
		ed->full = true;
		return;
	}
	memcpy(ed->out + ed->n, s, n);
	ed->n += n;
	ed->out[ed->n++] = '\n';
}

/* A line of the new text: limits are checked (root) or must repeat the
 * current value (others, who keep them out of their text: see keep_limit). */
static int new_line(void *arg, const struct conf_line *cl, const char *line, size_t n)
{
	struct conf_edit *ed = arg;
	if (!cl || !is_limit(cl)) {   /* kept as written: vn_vif_conf_set judges it */
		put(ed, line, n);
		return 0;
	}
	char key[64], val[128];
	if (cl->klen >= sizeof key || cl->vlen >= sizeof val)
		return -EINVAL;
	memcpy(key, cl->key, cl->klen);
	key[cl->klen] = '\0';
	memcpy(val, cl->val, cl->vlen);
	val[cl->vlen] = '\0';
	if (!ed->root) {
		const char *cur = vn_vif_conf_get(ed->v, key);
		return cur && strcmp(cur, val) == 0 ? 0 : -EPERM;
	}
	struct vn_vm_limits lim = { 0 };
	if (vn_viflet_limit_set(&lim, key, val) < 0)
		return -EINVAL;
	put(ed, line, n);
	return 0;
}

/* For a writer who is not root: root's limit lines, kept. */
static int keep_limit(void *arg, const struct conf_line *cl, const char *line, size_t n)
{
	if (cl && is_limit(cl))
		put(arg, line, n);
	return 0;
}

static int conf_write(struct vn_vif *v, const char *buf, size_t len, bool root)
{
	if (len > VN_CONF_MAX)
		return -EFBIG;
	if (memchr(buf, '\0', len))
		return -EINVAL;
	struct conf_edit *ed = calloc(1, sizeof *ed);
	if (!ed)
		return -ENOMEM;
	ed->v = v;
	ed->root = root;
	int r = conf_each(buf, len, new_line, ed);
	if (!r && !root) {
		char cur[VN_CONF_MAX + 1];
		int k = vn_vif_conf_text(v, cur, sizeof cur);
		if (k > 0)
			conf_each(cur, (size_t)k < sizeof cur ? (size_t)k : sizeof cur - 1, keep_limit, ed);
	}
	if (!r && ed->full)
		r = -EFBIG;
	/* vn_vif_conf_set checks the form of every line (the text as written,
	 * or the edited text of a writer who is not root). */
	if (!r)
		r = root ? vn_vif_conf_set(v, buf, len) : vn_vif_conf_set(v, ed->out, ed->n);
	free(ed);
	return r;
}

int nn_conf_write(const struct nn_row *row, struct vn_vif *v, const char *buf, size_t len,
		  vn_time_t now)
{
	(void)row;
	(void)now;
	return conf_write(v, buf, len, false);
}

int nn_conf_write_as(const struct nn_row *row, struct vn_vif *v, const char *buf, size_t len,
		     vn_time_t now, const struct nn_cred *cred)
{
	(void)row;
	(void)now;
	return conf_write(v, buf, len, cred->uid == 0);
}

int nn_log_read(const struct nn_row *row, const struct vn_vif *v, char *buf, size_t n)
{
	(void)row;
	return vn_vif_log_text(v, buf, n);
}
