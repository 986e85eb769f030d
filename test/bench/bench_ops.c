/* bench_ops — latency of file-system operations as nnfs users issue them
 * (seed IV.3.2, Table 4.1): one system call, or open+I/O+close.
 *
 *   bench_ops dirs  DIR N           mkdir DIR/bN, then rmdir them: "mkdir", "rmdir"
 *   bench_ops links LINK TARGET N   symlink TARGET LINK, unlink LINK: "symlink", "unlink"
 *   bench_ops write FILE VALUE N    open(O_WRONLY|O_TRUNC) write close: "write"
 *   bench_ops read FILE N           open read close: "read"
 *   bench_ops fill DIR N            mkdir DIR/fN (untimed set-up)
 *
 * Prints "OP min median p99" in microseconds per line. 50 untimed warm-up
 * rounds come first. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define WARM 50

static double now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static void report(const char *op, double *t, int n)
{
	qsort(t, (size_t)n, sizeof *t, cmp);
	int p99 = (int)(0.99 * (n - 1));
	printf("%s %.2f %.2f %.2f\n", op, t[0], t[n / 2], t[p99]);
}

static void die(const char *what, const char *path)
{
	fprintf(stderr, "bench_ops: %s %s: %s\n", what, path, strerror(errno));
	exit(1);
}

int main(int argc, char **argv)
{
	if (argc < 4) {
		fprintf(stderr, "usage: bench_ops dirs DIR N | links LINK TARGET N | "
				"write FILE VALUE N | read FILE N | fill DIR N\n");
		return 2;
	}
	const char *op = argv[1];
	int n = atoi(argv[argc - 1]);
	if (n < 1)
		n = 1;
	double *a = calloc((size_t)n, sizeof *a), *b = calloc((size_t)n, sizeof *b);
	char path[4096], buf[256];

	if (strcmp(op, "fill") == 0) {
		for (int i = 0; i < n; i++) {
			snprintf(path, sizeof path, "%s/f%d", argv[2], i);
			if (mkdir(path, 0755) < 0 && errno != EEXIST)
				die("mkdir", path);
		}
	} else if (strcmp(op, "dirs") == 0) {
		for (int r = 0; r < 2; r++) {
			int m = r ? n : WARM;
			for (int i = 0; i < m; i++) {
				snprintf(path, sizeof path, "%s/b%d", argv[2], i);
				double t0 = now_us();
				if (mkdir(path, 0755) < 0)
					die("mkdir", path);
				a[i] = now_us() - t0;
			}
			for (int i = 0; i < m; i++) {
				snprintf(path, sizeof path, "%s/b%d", argv[2], i);
				double t0 = now_us();
				if (rmdir(path) < 0)
					die("rmdir", path);
				b[i] = now_us() - t0;
			}
		}
		report("mkdir", a, n);
		report("rmdir", b, n);
	} else if (strcmp(op, "links") == 0 && argc == 5) {
		for (int i = 0; i < WARM + n; i++) {
			double t0 = now_us();
			if (symlink(argv[3], argv[2]) < 0)
				die("symlink", argv[2]);
			double t1 = now_us();
			if (unlink(argv[2]) < 0)
				die("unlink", argv[2]);
			double t2 = now_us();
			if (i >= WARM) {
				a[i - WARM] = t1 - t0;
				b[i - WARM] = t2 - t1;
			}
		}
		report("symlink", a, n);
		report("unlink", b, n);
	} else if (strcmp(op, "write") == 0 && argc == 5) {
		size_t len = strlen(argv[3]);
		for (int i = 0; i < WARM + n; i++) {
			double t0 = now_us();
			int fd = open(argv[2], O_WRONLY | O_TRUNC);
			if (fd < 0 || write(fd, argv[3], len) != (ssize_t)len || close(fd) < 0)
				die("write", argv[2]);
			if (i >= WARM)
				a[i - WARM] = now_us() - t0;
		}
		report("write", a, n);
	} else if (strcmp(op, "read") == 0) {
		for (int i = 0; i < WARM + n; i++) {
			double t0 = now_us();
			int fd = open(argv[2], O_RDONLY);
			if (fd < 0 || read(fd, buf, sizeof buf) < 0 || close(fd) < 0)
				die("read", argv[2]);
			if (i >= WARM)
				a[i - WARM] = now_us() - t0;
		}
		report("read", a, n);
	} else {
		fprintf(stderr, "bench_ops: bad arguments\n");
		return 2;
	}
	free(a);
	free(b);
	return 0;
}
