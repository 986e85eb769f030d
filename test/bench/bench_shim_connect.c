/* connect()+close() cost, run with and without libvifshim.so preloaded by
 * bench_shim.sh. Each iteration: socket, connect to a loopback listener,
 * close (the client side, which the shim interposes: socket registration,
 * bind to port 0 + synchronous registration, exact-tuple registration,
 * close); plus an fd operation on a non-socket (close of a dup'ed pipe end)
 * to show the cost on other fds. The listener and the accepts use raw
 * system calls, so the shim does not see the server side.
 * Prints: "connect_close_us X cpu_us C nonsock_close_ns Y": wall time and
 * the process's own CPU time (user+system) per iteration; on a shared,
 * loaded machine the second is the steadier of the two. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static double cpu(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e9 +
	       (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1e3;
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

/* CPU time of this thread: the tight loops below are timed with it, so that
 * being preempted on a shared machine does not count. */
static double tcpu(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 1000;
	int ls = (int)syscall(SYS_socket, AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t sl = sizeof sa;
	if (ls < 0 || syscall(SYS_bind, ls, &sa, sizeof sa) || syscall(SYS_listen, ls, 128) ||
	    syscall(SYS_getsockname, ls, &sa, &sl)) {
		perror("listener");
		return 1;
	}
	struct linger lg = {1, 0};     /* RST on close: no TIME_WAIT, ports stay free */
	double c0 = cpu(), t0 = now();
	for (int i = 0; i < n; i++) {
		int fd = socket(AF_INET, SOCK_STREAM, 0);
		if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof sa)) {
			perror("connect");
			return 1;
		}
		setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
		int a = (int)syscall(SYS_accept4, ls, NULL, NULL, 0);
		close(fd);
		if (a >= 0)
			syscall(SYS_close, a);
	}
	double t1 = now(), c1 = cpu();
	int p[2];
	if (pipe(p))
		return 1;
	int m = n * 50;
	double t2 = tcpu();
	for (int i = 0; i < m; i++) {
		int d = (int)syscall(SYS_dup, p[0]);
		close(d);
	}
	double t3 = tcpu();
	/* the raw dup's and close's own cost, to subtract */
	for (int i = 0; i < m; i++) {
		int d = (int)syscall(SYS_dup, p[0]);
		syscall(SYS_close, d);
	}
	double t4 = tcpu();
	/* what one trivial system call costs here, to read the others by */
	for (int i = 0; i < m; i++)
		syscall(SYS_getppid);
	double t5 = tcpu();
	printf("connect_close_us %.3f cpu_us %.3f syscall_ns %.1f nonsock_close_ns %.1f\n", (t1 - t0) / n / 1e3,
	       (c1 - c0) / n / 1e3, (t5 - t4) / m, ((t3 - t2) - (t4 - t3)) / m);
	return 0;
}
