/* divert — packet diverting through a VIF's port (seed IV.2.2).
 *
 *   echo block > $M/network/eth0/a/type      # nothing passes VIF a by itself
 *   divert $M/network/eth0/a/port            # ... but everything passes here
 *
 * The port of a blocked VIF shows every packet that reaches it; writing a
 * packet back (here: the Enhanced Packet Block as it was read, so its flags
 * keep the direction) sends it on along its path. This is the place to
 * inspect, count, delay or rewrite packets; this example passes them all,
 * as many per write as one read brought (a write may carry a sequence of
 * whole blocks: one FUSE round trip for a batch, not for each packet).
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
#define BATCH (512u * 1024)   /* writes up to 1 MiB reach nnfs whole (docs/port.md) */

static volatile sig_atomic_t stop;
static void on_signal(int sig) { (void)sig; stop = 1; }

/* Write n bytes of whole blocks (npkt of them packets) back in one write. If
 * the port refuses the batch (one bad block refuses all of it), try the
 * blocks one by one. */
static void send_back(int fd, const uint8_t *b, size_t n, size_t npkt, unsigned long *passed,
		      unsigned long *refused)
{
	if (npkt == 0)
		return;                  /* header blocks only: nothing to send */
	if (write(fd, b, n) == (ssize_t)n) {
		*passed += npkt;
		return;
	}
	if (npkt == 1) {
		(*refused)++;
		return;
	}
	for (size_t off = 0, len; off < n; off += len) {
		uint32_t type, l;
		memcpy(&type, b + off, 4);
		memcpy(&l, b + off + 4, 4);
		len = l;
		if (type == EPB)
			send_back(fd, b + off, len, 1, passed, refused);
	}
}

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
		/* The stream is pcapng: blocks of (type, length, ..., length).
		 * Whole blocks go back in batches, one write each. */
		size_t off = 0, start = 0, npkt = 0;
		while (have - off >= 8) {
			uint32_t type, len;
			memcpy(&type, buf + off, 4);
			memcpy(&len, buf + off + 4, 4);
			if (len < 12 || len % 4 || len > BATCH) {
				fprintf(stderr, "divert: not a pcapng stream\n");
				return 1;
			}
			if (have - off < len)
				break;
			if (off + len - start > BATCH) {
				send_back(fd, buf + start, off - start, npkt, &passed, &refused);
				start = off;
				npkt = 0;
			}
			npkt += type == EPB;
			off += len;
		}
		send_back(fd, buf + start, off - start, npkt, &passed, &refused);
		memmove(buf, buf + off, have - off);
		have -= off;
	}
	fprintf(stderr, "divert: %lu packets passed back, %lu refused\n", passed, refused);
	close(fd);
	return 0;
}
