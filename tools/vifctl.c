/* vifctl — show the VIF trees of a running vifd, read from its nnfs mount.
 *
 *   vifctl [-m DIR] show [-s] [-j]
 *
 * Like `tc -s class show`: one line per VIF, parents before children, with
 * its parameters; -s adds the counters of its `stat` file; -j prints a JSON
 * array of objects instead (written with json-c). DIR defaults to
 * $VIFNET_MOUNT, else /run/vifnet/nn. Only the file system is read: vifctl
 * needs no privilege beyond read access to the tree. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <json-c/json.h>

static const char *const params[] = {"type", "bandwidth", "weight", "priority", "qlimit",
				     "filter", "viflet"};
#define NPARAMS (sizeof params / sizeof params[0])

struct opts {
	bool stats, json;
};

static void usage(FILE *f)
{
	fprintf(f, "usage: vifctl [-m DIR] show [-s] [-j]\n"
		   "  -m DIR  the nnfs mount (default $VIFNET_MOUNT, else /run/vifnet/nn)\n"
		   "  -s      with statistics (the stat file of each VIF)\n"
		   "  -j      JSON\n");
}

/* a/b into buf; false (and nothing shown for it) if it does not fit */
static bool join(char *buf, size_t n, const char *a, const char *b)
{
	int r = snprintf(buf, n, "%s%s%s", a, *a && *b ? "/" : "", b);
	return r >= 0 && (size_t)r < n;
}

/* The file's text without its trailing newline into buf; false if unreadable.
 * Files are opened relative to their VIF's directory, so each costs one name
 * lookup in the file system, not one per component of the path. */
static bool read_text(int dirfd, const char *name, char *buf, size_t n)
{
	int fd = openat(dirfd, name, O_RDONLY);
	if (fd < 0)
		return false;
	size_t got = 0;
	ssize_t r;
	while (got + 1 < n && (r = read(fd, buf + got, n - 1 - got)) > 0)
		got += (size_t)r;
	close(fd);
	buf[got] = '\0';
	while (got && buf[got - 1] == '\n')
		buf[--got] = '\0';
	return true;
}

static bool is_param(const char *name)
{
	static const char *const files[] = {"bandwidth", "type", "weight", "priority", "qlimit",
					    "stat", "filter", "port", "viflet", "conf", "log"};
	for (size_t i = 0; i < sizeof files / sizeof files[0]; i++)
		if (strcmp(files[i], name) == 0)
			return true;
	return false;
}

/* The child VIF names of dirfd, in the order nnfs lists them (creation order). */
static char **children(int dirfd, size_t *n)
{
	int fd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	char **v = NULL;
	size_t cap = 0;
	struct dirent *e;

	*n = 0;
	if (!d) {
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.' || is_param(e->d_name))
			continue;
		if (e->d_type != DT_DIR && e->d_type != DT_UNKNOWN)
			continue;
		if (*n == cap) {
			cap = cap ? 2 * cap : 8;
			char **nv = realloc(v, cap * sizeof *v);
			if (!nv)
				break;
			v = nv;
		}
		v[(*n)++] = strdup(e->d_name);
	}
	closedir(d);
	return v;
}

/* "key value" lines of a stat file into a JSON object, or printed tc-style. */
static void stats_json(const char *text, json_object *o)
{
	char key[64];
	unsigned long long val;
	const char *s = text;
	int used;
	while (sscanf(s, "%63s %llu%n", key, &val, &used) == 2) {
		json_object_object_add(o, key, json_object_new_int64((int64_t)val));
		s += used;
	}
}

static unsigned long long stat_value(const char *text, const char *key)
{
	char k[64];
	unsigned long long val;
	const char *s = text;
	int used;
	while (sscanf(s, "%63s %llu%n", k, &val, &used) == 2) {
		if (strcmp(k, key) == 0)
			return val;
		s += used;
	}
	return 0;
}

static int show_vif(int dir, const char *ifname, const char *rel, const char *parent,
		    const struct opts *o, json_object *arr)
{
	char vals[NPARAMS][256], stats[2048] = "";
	char name[PATH_MAX];
	struct stat st;

	if (!join(name, sizeof name, ifname, rel))
		return -1;
	for (size_t i = 0; i < NPARAMS; i++)
		if (!read_text(dir, params[i], vals[i], sizeof vals[i]))
			snprintf(vals[i], sizeof vals[i], "?");
	if (o->stats)
		read_text(dir, "stat", stats, sizeof stats);
	if (fstat(dir, &st) < 0)
		memset(&st, 0, sizeof st);

	if (o->json) {
		json_object *v = json_object_new_object();
		json_object_object_add(v, "vif", json_object_new_string(name));
		json_object_object_add(v, "interface", json_object_new_string(ifname));
		json_object_object_add(v, "parent", parent ? json_object_new_string(parent) : NULL);
		for (size_t i = 0; i < NPARAMS; i++) {
			char *end;
			errno = 0;
			unsigned long long n = strtoull(vals[i], &end, 10);
			if (!*end && end != vals[i] && !errno)
				json_object_object_add(v, params[i], json_object_new_int64((int64_t)n));
			else
				json_object_object_add(v, params[i], json_object_new_string(vals[i]));
		}
		json_object_object_add(v, "uid", json_object_new_int64(st.st_uid));
		json_object_object_add(v, "gid", json_object_new_int64(st.st_gid));
		char mode[8];
		snprintf(mode, sizeof mode, "%04o", (unsigned)(st.st_mode & 07777));
		json_object_object_add(v, "mode", json_object_new_string(mode));
		if (o->stats) {
			json_object *s = json_object_new_object();
			stats_json(stats, s);
			json_object_object_add(v, "stats", s);
		}
		json_object_array_add(arr, v);
	} else {
		printf("vif %s %s%s type %s bandwidth %s weight %s priority %s qlimit %s",
		       name, parent ? "parent " : "root", parent ? parent : "", vals[0], vals[1],
		       vals[2], vals[3], vals[4]);
		if (strcmp(vals[5], "none") != 0)
			printf(" filter loaded");
		if (strcmp(vals[6], "none") != 0)
			printf(" viflet loaded");
		printf(" owner %u mode %04o\n", (unsigned)st.st_uid, (unsigned)(st.st_mode & 07777));
		if (o->stats) {
			printf(" Sent %llu bytes %llu pkt (dropped %llu, queued %llu)\n",
			       stat_value(stats, "out_bytes"), stat_value(stats, "out_packets"),
			       stat_value(stats, "drops"), stat_value(stats, "queued"));
			printf(" Received %llu bytes %llu pkt\n", stat_value(stats, "in_bytes"),
			       stat_value(stats, "in_packets"));
		}
	}

	size_t n;
	char **kids = children(dir, &n);
	for (size_t i = 0; i < n; i++) {
		char crel[PATH_MAX];
		int cfd = openat(dir, kids[i], O_RDONLY | O_DIRECTORY);
		if (cfd >= 0 && join(crel, sizeof crel, rel, kids[i]))
			show_vif(cfd, ifname, crel, name, o, arr);
		if (cfd >= 0)
			close(cfd);
		free(kids[i]);
	}
	free(kids);
	return 0;
}

int main(int argc, char **argv)
{
	const char *mnt = getenv("VIFNET_MOUNT");
	struct opts o = {0};
	int opt;

	if (!mnt || !*mnt)
		mnt = "/run/vifnet/nn";
	while ((opt = getopt(argc, argv, "+m:h")) != -1) {
		switch (opt) {
		case 'm': mnt = optarg; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind >= argc || strcmp(argv[optind], "show") != 0) {
		usage(stderr);
		return 2;
	}
	optind++;
	while ((opt = getopt(argc, argv, "sj")) != -1) {
		switch (opt) {
		case 's': o.stats = true; break;
		case 'j': o.json = true; break;
		default: usage(stderr); return 2;
		}
	}
	if (optind < argc) {
		usage(stderr);
		return 2;
	}

	char net[PATH_MAX];
	if (!join(net, sizeof net, mnt, "network")) {
		fprintf(stderr, "vifctl: %s: name too long\n", mnt);
		return 1;
	}
	size_t n;
	int nfd = open(net, O_RDONLY | O_DIRECTORY);
	if (nfd < 0) {
		fprintf(stderr, "vifctl: %s: %s (is vifd running with --mount %s?)\n", net,
			strerror(errno), mnt);
		return 1;
	}
	char **ifs = children(nfd, &n);
	json_object *arr = o.json ? json_object_new_array() : NULL;
	for (size_t i = 0; i < n; i++) {
		int fd = openat(nfd, ifs[i], O_RDONLY | O_DIRECTORY);
		if (fd >= 0) {
			show_vif(fd, ifs[i], "", NULL, &o, arr);
			close(fd);
		}
		free(ifs[i]);
	}
	free(ifs);
	close(nfd);
	if (arr) {
		printf("%s\n", json_object_to_json_string_ext(arr, JSON_C_TO_STRING_PRETTY |
								 JSON_C_TO_STRING_NOSLASHESCAPE));
		json_object_put(arr);
	}
	return 0;
}
