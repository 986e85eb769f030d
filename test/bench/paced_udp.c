/* paced_udp — 64-byte UDP packets at a fixed rate, for bench_port.sh.
 *   paced_udp ADDR PORT PPS SECS
 * Sends batches of 16 with sendmmsg on a schedule (clock_nanosleep to each
 * batch's due time), so the CPU the path spends per packet is measured
 * below saturation: a sender spinning on a full queue would count its spin.
 * Prints the packets sent. IPv4 only. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#define BATCH 16
#define PAYLOAD 36                  /* 20 IP + 8 UDP + 36 = 64 bytes */

int main(int argc, char **argv)
{
	if (argc != 5) {
		fprintf(stderr, "usage: paced_udp ADDR PORT PPS SECS\n");
		return 2;
	}
	int s = socket(AF_INET, SOCK_DGRAM, 0);
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(argv[2]))};
	inet_pton(AF_INET, argv[1], &sa.sin_addr);
	if (connect(s, (struct sockaddr *)&sa, sizeof sa) < 0) {
		perror("connect");
		return 1;
	}
	static char buf[PAYLOAD];
	struct iovec iov[BATCH];
	struct mmsghdr m[BATCH];
	memset(m, 0, sizeof m);
	for (int i = 0; i < BATCH; i++) {
		iov[i].iov_base = buf;
		iov[i].iov_len = PAYLOAD;
		m[i].msg_hdr.msg_iov = &iov[i];
		m[i].msg_hdr.msg_iovlen = 1;
	}
	double pps = atof(argv[3]), secs = atof(argv[4]);
	long batches = (long)(pps * secs / BATCH);
	long gap = (long)(1e9 * BATCH / pps);
	struct timespec due;
	clock_gettime(CLOCK_MONOTONIC, &due);
	unsigned long sent = 0;
	for (long b = 0; b < batches; b++) {
		int n = sendmmsg(s, m, BATCH, 0);
		if (n > 0)
			sent += (unsigned long)n;
		due.tv_nsec += gap;
		while (due.tv_nsec >= 1000000000L) {
			due.tv_nsec -= 1000000000L;
			due.tv_sec++;
		}
		clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &due, NULL);
	}
	printf("%lu\n", sent);
	return 0;
}
