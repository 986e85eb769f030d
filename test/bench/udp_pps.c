/* udp_pps — 64-byte UDP packets as fast as possible, for bench_vifd.sh.
 *   udp_pps send ADDR PORT SECS     sendmmsg batches of 64 IP packets of 64 bytes
 *   udp_pps recv PORT SECS          count them with recvmmsg; prints packets/s
 * The receiver counts from its first packet for SECS seconds, so start it
 * first and let the sender run a little longer. IPv4 only. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define BATCH 64
#define PAYLOAD 36                  /* 20 IP + 8 UDP + 36 = 64 bytes */

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	if (argc < 4) {
		fprintf(stderr, "usage: udp_pps send ADDR PORT SECS | recv PORT SECS\n");
		return 2;
	}
	int s = socket(AF_INET, SOCK_DGRAM, 0);
	int big = 8 << 20;
	setsockopt(s, SOL_SOCKET, SO_RCVBUF, &big, sizeof big);
	setsockopt(s, SOL_SOCKET, SO_SNDBUF, &big, sizeof big);
	struct sockaddr_in sa = {.sin_family = AF_INET};
	static char bufs[BATCH][2048];
	struct iovec iov[BATCH];
	struct mmsghdr m[BATCH];
	memset(m, 0, sizeof m);
	for (int i = 0; i < BATCH; i++) {
		iov[i].iov_base = bufs[i];
		iov[i].iov_len = !strcmp(argv[1], "send") ? PAYLOAD : sizeof bufs[i];
		m[i].msg_hdr.msg_iov = &iov[i];
		m[i].msg_hdr.msg_iovlen = 1;
	}
	if (!strcmp(argv[1], "send") && argc == 5) {
		inet_pton(AF_INET, argv[2], &sa.sin_addr);
		sa.sin_port = htons((uint16_t)atoi(argv[3]));
		if (connect(s, (struct sockaddr *)&sa, sizeof sa) < 0) {
			perror("connect");
			return 1;
		}
		double end = now() + atof(argv[4]);
		unsigned long sent = 0;
		while (now() < end) {
			int n = sendmmsg(s, m, BATCH, 0);
			if (n > 0)
				sent += (unsigned long)n;
		}
		printf("%lu\n", sent);
		return 0;
	}
	if (!strcmp(argv[1], "recv")) {
		sa.sin_port = htons((uint16_t)atoi(argv[2]));
		if (bind(s, (struct sockaddr *)&sa, sizeof sa) < 0) {
			perror("bind");
			return 1;
		}
		double secs = atof(argv[3]);
		struct timeval tv = {.tv_sec = 0, .tv_usec = 200000};
		setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
		unsigned long got = 0;
		double start = 0, t = 0;
		for (int idle = 0; idle < 50;) {          /* give up after 10 s of nothing */
			int n = recvmmsg(s, m, BATCH, 0, NULL);
			t = now();
			if (n <= 0) {
				if (start)
					break;
				idle++;
				continue;
			}
			if (!start)
				start = t;
			got += (unsigned long)n;
			if (t - start >= secs)
				break;
		}
		printf("%.0f\n", start && t > start ? got / (t - start) : 0.0);
		return 0;
	}
	fprintf(stderr, "udp_pps: bad arguments\n");
	return 2;
}
