/* divert — packet diverting through a VIF's port (seed IV.2.2).
 *
 *   echo block > $M/network/eth0/a/type      # nothing passes VIF a by itself
 *   divert $M/network/eth0/a/port            # ... but everything passes here
 *
 * The port of a blocked VIF shows every packet that reaches it; writing a
 * packet back (here: the Enhanced Packet Block as it was read, so its flags
 * keep the direction) sends it on along its path. This is the place to
 * inspect, count, delay or rewrite packets; this example passes them all.
 * Stops at end of stream (the VIF removed) or on SIGINT/SIGTERM, and says
 * how many packets it diverted.
 *
 * Build: cc -O2 -o divert divert.c */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define EPB 6u

static volatile sig_atomic_t stop;
static void on_signal(int sig) { (void)sig; stop = 1; }

int main(int argc, char **argv)
{
	static uint8_t buf[1 << 20];
	size_t have = 0;
	unsigned long passed = 0, refused = 0;

	if (argc != 2) {
		fprintf(stderr, "usage: divert PORT\n");
		return 2;
	}
	int fd = open(argv[1], O_RDWR);
	if (fd < 0) {
		perror(argv[1]);
		return 1;
	}
	struct sigaction sa = {.sa_handler = on_signal};   /* no SA_RESTART: a read ends */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	while (!stop) {
		ssize_t n = read(fd, buf + have, sizeof buf - have);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		have += (size_t)n;
		/* The stream is pcapng: blocks of (type, length, ..., length). */
		size_t off = 0;
		while (have - off >= 8) {
			uint32_t type, len;
			memcpy(&type, buf + off, 4);
			memcpy(&len, buf + off + 4, 4);
			if (len < 12 || len % 4 || len > sizeof buf) {
				fprintf(stderr, "divert: not a pcapng stream\n");
				return 1;
			}
			if (have - off < len)
				break;
			if (type == EPB) {
				if (write(fd, buf + off, len) == (ssize_t)len)
					passed++;
				else
					refused++;
			}
			off += len;
		}
		memmove(buf, buf + off, have - off);
		have -= off;
	}
	fprintf(stderr, "divert: %lu packets passed back, %lu refused\n", passed, refused);
	close(fd);
	return 0;
}
