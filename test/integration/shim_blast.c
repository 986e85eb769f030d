/* Test program for the shim tests: opens N TCP sockets, says
 * "ready PID FD..." on stdout, optionally (-w) binds them to port 0 (a socket
 * appears in vifd, and in nnfs's PID/sockets/, with its first flow) and waits
 * for a line on stdin (so that the test can attach the sockets first),
 * connects them all to HOST:PORT and
 * sends as fast as the sockets take it for SECONDS. Also built -static by the
 * tests (the sock_diag path): plain libc only. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAXS 8

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	int n = 1, wait_line = 0, opt;
	while ((opt = getopt(argc, argv, "n:w")) != -1) {
		if (opt == 'n')
			n = atoi(optarg);
		else if (opt == 'w')
			wait_line = 1;
		else
			return 2;
	}
	if (argc - optind != 3 || n < 1 || n > MAXS) {
		fprintf(stderr, "usage: shim_blast [-n NSOCK] [-w] HOST PORT SECONDS\n");
		return 2;
	}
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(argv[optind + 1]))};
	if (inet_pton(AF_INET, argv[optind], &sa.sin_addr) != 1)
		return 2;
	double secs = atof(argv[optind + 2]);
	int fds[MAXS];
	printf("ready %d", (int)getpid());
	for (int i = 0; i < n; i++) {
		fds[i] = socket(AF_INET, SOCK_STREAM, 0);
		if (fds[i] < 0) {
			perror("socket");
			return 1;
		}
		struct sockaddr_in any = {.sin_family = AF_INET};
		if (wait_line && bind(fds[i], (struct sockaddr *)&any, sizeof any)) {
			perror("bind");
			return 1;
		}
		printf(" %d", fds[i]);
	}
	printf("\n");
	fflush(stdout);
	if (wait_line) {
		char line[64];
		if (!fgets(line, sizeof line, stdin))
			return 1;
	}
	for (int i = 0; i < n; i++)
		if (connect(fds[i], (struct sockaddr *)&sa, sizeof sa) < 0) {
			perror("connect");
			return 1;
		}
	static char buf[65536];
	memset(buf, 'x', sizeof buf);
	double end = now() + secs;
	unsigned long long sent[MAXS] = {0};
	struct pollfd p[MAXS];
	for (int i = 0; i < n; i++)
		p[i] = (struct pollfd){.fd = fds[i], .events = POLLOUT};
	while (now() < end) {
		if (poll(p, (nfds_t)n, 100) < 0 && errno != EINTR)
			return 1;
		for (int i = 0; i < n; i++)
			if (p[i].revents & POLLOUT) {
				ssize_t k = send(fds[i], buf, sizeof buf, MSG_DONTWAIT);
				if (k > 0)
					sent[i] += (unsigned long long)k;
				else if (k < 0 && errno != EAGAIN && errno != EINTR)
					return 1;
			}
	}
	for (int i = 0; i < n; i++) {
		printf("sent %d %llu\n", fds[i], sent[i]);
		close(fds[i]);
	}
	return 0;
}
