/* TREEFILE parser and applier (SPEC section 8). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vn_treefile.h"

#define MAX_TREEFILE (4u << 20)

static int fail(char *err, size_t errlen, const char *name, unsigned lineno, const char *fmt, ...)
{
	va_list ap;
	int n = snprintf(err, errlen, "%s:%u: ", name, lineno);
	if (n < 0 || (size_t)n >= errlen)
		return -EINVAL;
	va_start(ap, fmt);
	vsnprintf(err + n, errlen - (size_t)n, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

void vn_treefile_free(struct vn_treefile *tf)
{
	if (!tf)
		return;
	for (size_t i = 0; i < tf->nlines; i++) {
		free(tf->lines[i].arg);
		free(tf->lines[i].params);
	}
	free(tf->lines);
	free(tf->name);
	free(tf);
}

static const char *skip_blank(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

/* Next blank-separated word of s into w (at most n-1 chars); NULL if too long. */
static const char *word(const char *s, char *w, size_t n)
{
	s = skip_blank(s);
	size_t len = strcspn(s, " \t");
	if (len >= n)
		return NULL;
	memcpy(w, s, len);
	w[len] = '\0';
	return s + len;
}

/* Normalise a VIF path: "." or "a/b"; each name valid. */
static int check_path(const char *path, char *out, size_t n)
{
	if (strcmp(path, ".") == 0 || strcmp(path, "./") == 0) {
		snprintf(out, n, ".");
		return 0;
	}
	const char *p = path;
	if (p[0] == '.' && p[1] == '/')
		p += 2;
	size_t len = 0;
	out[0] = '\0';
	while (*p) {
		size_t k = strcspn(p, "/");
		char name[VN_NAME_MAX + 2];
		if (k == 0 || k > VN_NAME_MAX)
			return -1;
		memcpy(name, p, k);
		name[k] = '\0';
		if (!vn_name_valid(name))
			return -1;
		if (len + k + 2 > n)
			return -1;
		if (len)
			out[len++] = '/';
		memcpy(out + len, name, k + 1);
		len += k;
		p += k;
		if (*p == '/')
			p++;
	}
	return len ? 0 : -1;
}

static bool declared(const struct vn_treefile *tf, const char *path)
{
	if (strcmp(path, ".") == 0)
		return true;
	for (size_t i = 0; i < tf->nlines; i++)
		if (tf->lines[i].kind == VN_TF_VIF && strcmp(tf->lines[i].path, path) == 0)
			return true;
	return false;
}

static bool parent_declared(const struct vn_treefile *tf, const char *path)
{
	char parent[256];
	snprintf(parent, sizeof(parent), "%s", path);
	char *slash = strrchr(parent, '/');
	if (!slash)
		return true;
	*slash = '\0';
	return declared(tf, parent);
}

static int check_param(const char *key, const char *value)
{
	uint64_t n;
	enum vn_type t;
	if (strcmp(key, "bandwidth") == 0)
		return vn_bw_parse(value, &n);
	if (strcmp(key, "type") == 0)
		return vn_type_parse(value, &t);
	if (strcmp(key, "weight") == 0)
		return vn_uint_parse(value, VN_WEIGHT_MIN, VN_WEIGHT_MAX, &n);
	if (strcmp(key, "priority") == 0)
		return vn_uint_parse(value, 0, VN_PRIO_MAX, &n);
	if (strcmp(key, "qlimit") == 0)
		return vn_uint_parse(value, 1, VN_QLIMIT_MAX, &n);
	return -ENOENT;
}

static int parse_line(struct vn_treefile *tf, const char *s, unsigned lineno, char *err, size_t errlen)
{
	const char *name = tf->name;
	char kw[16], rawpath[300];
	s = skip_blank(s);
	if (!*s)
		return 0;
	if (!(s = word(s, kw, sizeof(kw))))
		return fail(err, errlen, name, lineno, "unknown directive");
	struct vn_tf_line L = { .lineno = lineno };
	if (strcmp(kw, "vif") == 0)
		L.kind = VN_TF_VIF;
	else if (strcmp(kw, "match") == 0)
		L.kind = VN_TF_MATCH;
	else if (strcmp(kw, "filter") == 0)
		L.kind = VN_TF_FILTER;
	else if (strcmp(kw, "viflet") == 0)
		L.kind = VN_TF_VIFLET;
	else if (strcmp(kw, "local") == 0)
		L.kind = VN_TF_LOCAL;
	else
		return fail(err, errlen, name, lineno, "unknown directive '%s' (vif, match, filter, viflet, local)", kw);

	if (L.kind == VN_TF_LOCAL) {
		char cidr[80];
		struct vn_cidr c;
		if (!(s = word(s, cidr, sizeof(cidr))) || !*cidr || vn_cidr_parse(cidr, &c) < 0)
			return fail(err, errlen, name, lineno, "local: expected an address prefix like 198.18.0.1/32");
		if (*skip_blank(s))
			return fail(err, errlen, name, lineno, "local: unexpected text after the prefix");
		L.arg = strdup(cidr);
	} else {
		if (!(s = word(s, rawpath, sizeof(rawpath))) || !*rawpath)
			return fail(err, errlen, name, lineno, "%s: missing VIF path", kw);
		if (check_path(rawpath, L.path, sizeof(L.path)) < 0)
			return fail(err, errlen, name, lineno, "bad VIF path '%s' (names are [A-Za-z0-9_.-]{1,63}, not parameter names)", rawpath);
		s = skip_blank(s);
		if (L.kind == VN_TF_VIF) {
			if (strcmp(L.path, ".") != 0 && declared(tf, L.path))
				return fail(err, errlen, name, lineno, "VIF '%s' declared twice", L.path);
			if (!parent_declared(tf, L.path))
				return fail(err, errlen, name, lineno, "VIF '%s': its parent must be declared first", L.path);
			while (*s) {
				char kv[128];
				if (!(s = word(s, kv, sizeof(kv)))) {
					free(L.params);
					return fail(err, errlen, name, lineno, "parameter too long");
				}
				s = skip_blank(s);
				char *eq = strchr(kv, '=');
				if (!eq || eq == kv || !eq[1]) {
					free(L.params);
					return fail(err, errlen, name, lineno, "expected key=value, got '%s'", kv);
				}
				*eq = '\0';
				int rc = check_param(kv, eq + 1);
				if (rc == -ENOENT || strlen(kv) >= sizeof(L.params->key) ||
				    strlen(eq + 1) >= sizeof(L.params->value)) {
					free(L.params);
					return fail(err, errlen, name, lineno, "unknown parameter '%s' (bandwidth, type, weight, priority, qlimit)", kv);
				}
				if (rc < 0) {
					free(L.params);
					return fail(err, errlen, name, lineno, "bad value '%s' for %s", eq + 1, kv);
				}
				struct vn_tf_param *np = realloc(L.params, (L.nparams + 1) * sizeof(*np));
				if (!np) {
					free(L.params);
					return fail(err, errlen, name, lineno, "out of memory");
				}
				L.params = np;
				/* lengths were checked above */
				memcpy(np[L.nparams].key, kv, strlen(kv) + 1);
				memcpy(np[L.nparams].value, eq + 1, strlen(eq + 1) + 1);
				L.nparams++;
			}
		} else {
			if (!declared(tf, L.path))
				return fail(err, errlen, name, lineno, "%s: VIF '%s' is not declared", kw, L.path);
			if (!*s)
				return fail(err, errlen, name, lineno, "%s: missing %s", kw,
					    L.kind == VN_TF_VIFLET ? "class or jar file" : "expression");
			size_t len = strlen(s);
			while (len && (s[len - 1] == ' ' || s[len - 1] == '\t'))
				len--;
			L.arg = strndup(s, len);
		}
	}
	if (L.kind != VN_TF_VIF && !L.arg)
		return fail(err, errlen, name, lineno, "out of memory");
	struct vn_tf_line *nl = realloc(tf->lines, (tf->nlines + 1) * sizeof(*nl));
	if (!nl) {
		free(L.arg);
		free(L.params);
		return fail(err, errlen, name, lineno, "out of memory");
	}
	tf->lines = nl;
	tf->lines[tf->nlines++] = L;
	return 0;
}

struct vn_treefile *vn_treefile_parse(const char *name, const char *text, char *err, size_t errlen)
{
	struct vn_treefile *tf = calloc(1, sizeof(*tf));
	if (!tf || !(tf->name = strdup(name))) {
		free(tf);
		snprintf(err, errlen, "%s: out of memory", name);
		return NULL;
	}
	unsigned lineno = 0;
	const char *p = text;
	char line[4096];
	while (*p) {
		lineno++;
		size_t len = strcspn(p, "\n");
		if (len >= sizeof(line)) {
			fail(err, errlen, name, lineno, "line too long");
			goto bad;
		}
		memcpy(line, p, len);
		line[len] = '\0';
		p += len;
		if (*p == '\n')
			p++;
		char *hash = strchr(line, '#');
		if (hash)
			*hash = '\0';
		size_t l = strlen(line);
		if (l && line[l - 1] == '\r')
			line[l - 1] = '\0';
		for (char *c = line; *c; c++) {
			if ((unsigned char)*c < 0x20 && *c != '\t') {
				fail(err, errlen, name, lineno, "control character in line");
				goto bad;
			}
		}
		if (parse_line(tf, line, lineno, err, errlen) < 0)
			goto bad;
	}
	return tf;
bad:
	vn_treefile_free(tf);
	return NULL;
}

struct vn_treefile *vn_treefile_read(const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	char *buf = malloc(MAX_TREEFILE + 1);
	size_t n = buf ? fread(buf, 1, MAX_TREEFILE + 1, f) : 0;
	bool bad = ferror(f);
	fclose(f);
	if (!buf || bad || n > MAX_TREEFILE) {
		snprintf(err, errlen, "%s: %s", path, !buf ? "out of memory" : bad ? "read error" : "file too large");
		free(buf);
		return NULL;
	}
	buf[n] = '\0';
	if (memchr(buf, '\0', n)) {
		snprintf(err, errlen, "%s: not a text file", path);
		free(buf);
		return NULL;
	}
	struct vn_treefile *tf = vn_treefile_parse(path, buf, err, errlen);
	free(buf);
	return tf;
}

int vn_treefile_apply(const struct vn_treefile *tf, struct vn_tree *tree, struct vn_classifier *cls,
		      int linktype, const struct vn_tf_hooks *hooks, struct vn_cidr *locals,
		      size_t *nlocals, char *err, size_t errlen)
{
	size_t nl = 0, maxl = nlocals ? *nlocals : 0;
	for (size_t i = 0; i < tf->nlines; i++) {
		const struct vn_tf_line *L = &tf->lines[i];
		struct vn_vif *v = NULL;
		char msg[512] = "";
		int rc;
		if (L->kind != VN_TF_LOCAL && L->kind != VN_TF_VIF) {
			v = vn_tree_lookup(tree, L->path);
			if (!v)
				return fail(err, errlen, tf->name, L->lineno, "VIF '%s' does not exist", L->path);
		}
		switch (L->kind) {
		case VN_TF_VIF:
			if (strcmp(L->path, ".") == 0) {
				v = vn_tree_root(tree);
			} else {
				const char *slash = strrchr(L->path, '/');
				char parent[256];
				snprintf(parent, sizeof(parent), "%.*s", slash ? (int)(slash - L->path) : 1,
					 slash ? L->path : ".");
				struct vn_vif *pv = vn_tree_lookup(tree, parent);
				if (!pv)
					return fail(err, errlen, tf->name, L->lineno, "parent of '%s' does not exist", L->path);
				rc = vn_vif_create(pv, slash ? slash + 1 : L->path, 0, 0, 0755, &v);
				if (rc < 0)
					return fail(err, errlen, tf->name, L->lineno, "cannot create '%s': %s", L->path, strerror(-rc));
			}
			for (size_t k = 0; k < L->nparams; k++) {
				rc = vn_vif_param_set(v, L->params[k].key, L->params[k].value, 0);
				if (rc < 0)
					return fail(err, errlen, tf->name, L->lineno, "bad value '%s' for %s",
						    L->params[k].value, L->params[k].key);
			}
			break;
		case VN_TF_MATCH:
			if (!cls)
				return fail(err, errlen, tf->name, L->lineno, "match rules are not supported here");
			if (vn_classifier_add(cls, L->arg, v, msg, sizeof(msg)) < 0)
				return fail(err, errlen, tf->name, L->lineno, "match: %s", msg);
			break;
		case VN_TF_FILTER:
			if (!hooks || !hooks->filter)
				return fail(err, errlen, tf->name, L->lineno, "filter lines are not supported by this build");
			if (hooks->filter(hooks->ctx, v, L->arg, linktype, msg, sizeof(msg)) < 0)
				return fail(err, errlen, tf->name, L->lineno, "filter: %s", msg);
			break;
		case VN_TF_VIFLET:
			if (!hooks || !hooks->viflet)
				return fail(err, errlen, tf->name, L->lineno, "viflet lines are not supported by this build yet");
			if (hooks->viflet(hooks->ctx, v, L->arg, msg, sizeof(msg)) < 0)
				return fail(err, errlen, tf->name, L->lineno, "viflet: %s", msg);
			break;
		case VN_TF_LOCAL:
			if (!locals)
				return fail(err, errlen, tf->name, L->lineno, "local lines are not supported here");
			if (nl == maxl)
				return fail(err, errlen, tf->name, L->lineno, "too many local lines (at most %zu)", maxl);
			vn_cidr_parse(L->arg, &locals[nl++]);
			break;
		}
	}
	if (nlocals)
		*nlocals = nl;
	return 0;
}
