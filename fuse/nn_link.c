/* nn_link — parsing and writing attachment link text. */
#include "nn_link.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

/* Next path component of *s (skipping slashes and "."), into comp; returns
 * its length, 0 at the end, -1 if too long. */
static int next_comp(const char **s, char *comp, size_t cn)
{
	for (;;) {
		while (**s == '/')
			(*s)++;
		size_t len = strcspn(*s, "/");
		if (len == 0)
			return 0;
		if (len >= cn)
			return -1;
		memcpy(comp, *s, len);
		comp[len] = '\0';
		*s += len;
		if (strcmp(comp, ".") != 0)
			return (int)len;
	}
}

int nn_link_parse(const char *target, unsigned up, const char *mnt,
		  char *ifname, size_t ifn, char *path, size_t pn)
{
	char comp[256];
	const char *s = target;
	int len;

	if (strlen(target) >= NN_LINK_MAX)
		return -ENAMETOOLONG;
	if (target[0] == '/') {
		size_t ml = mnt ? strlen(mnt) : 0;
		if (!mnt || strncmp(target, mnt, ml) != 0 || (target[ml] != '/' && ml > 1))
			return -EINVAL;
		s = target + ml;
	} else {
		for (unsigned i = 0; i < up; i++) {
			if (next_comp(&s, comp, sizeof comp) <= 0 || strcmp(comp, "..") != 0)
				return -EINVAL;
		}
	}
	if (next_comp(&s, comp, sizeof comp) <= 0 || strcmp(comp, "network") != 0)
		return -EINVAL;
	len = next_comp(&s, comp, sizeof comp);
	if (len <= 0 || strcmp(comp, "..") == 0)
		return -EINVAL;
	if ((size_t)len >= ifn)
		return -ENAMETOOLONG;
	memcpy(ifname, comp, (size_t)len + 1);

	size_t used = 0;
	path[0] = '\0';
	while ((len = next_comp(&s, comp, sizeof comp)) != 0) {
		if (len < 0)
			return -ENAMETOOLONG;
		if (strcmp(comp, "..") == 0)
			return -EINVAL;
		if (used + (used ? 1 : 0) + (size_t)len + 1 > pn)
			return -ENAMETOOLONG;
		if (used)
			path[used++] = '/';
		memcpy(path + used, comp, (size_t)len + 1);
		used += (size_t)len;
	}
	if (used == 0) {
		if (pn < 2)
			return -ENAMETOOLONG;
		strcpy(path, ".");
	}
	return 0;
}

int nn_link_format(char *buf, size_t n, unsigned up, const char *ifname, const char *path)
{
	size_t off = 0;
	int r;
	for (unsigned i = 0; i < up; i++) {
		r = snprintf(buf + (off < n ? off : n), off < n ? n - off : 0, "../");
		off += (size_t)r;
	}
	int root = !path || !*path || strcmp(path, ".") == 0;
	r = snprintf(buf + (off < n ? off : n), off < n ? n - off : 0, "network/%s%s%s",
		     ifname, root ? "" : "/", root ? "" : path);
	return (int)(off + (size_t)r);
}
