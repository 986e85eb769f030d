/* Control-socket helper for the shim tests (a C program: an interpreter's
 * start-up on a loaded machine is slower than the things being timed).
 *   shim_ctl SOCK req REQUEST...             print each reply
 *   shim_ctl SOCK rate IF PATH FIELD SECS    bits/s of a VIF counter over SECS
 *   shim_ctl SOCK rates IF SECS FIELD PATH...  the same, several VIFs, one window
 *   shim_ctl SOCK waitvif IF REGEX [SECS]    print the first VIF path matching */
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

static int fd;
static char buf[65536];

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static const char *req(const char *m)
{
	if (send(fd, m, strlen(m), MSG_NOSIGNAL) < 0) {
		perror("shim_ctl: send");
		exit(3);
	}
	ssize_t n = recv(fd, buf, sizeof buf - 1, 0);
	if (n <= 0) {
		fprintf(stderr, "shim_ctl: vifd closed the connection after \"%s\"\n", m);
		exit(3);
	}
	buf[n] = '\0';
	return buf;
}

/* Counter FIELD of VIF PATH on IF, -1 if absent. */
static long long stat_of(const char *ifn, const char *path, const char *field)
{
	char m[128], key[80];
	snprintf(m, sizeof m, "tree %s", ifn);
	const char *r = req(m);
	snprintf(key, sizeof key, " %s=", field);
	for (const char *line = r; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
		char i2[64], p2[256];
		if (sscanf(line, "%63s %255s", i2, p2) != 2 || strcmp(p2, path))
			continue;
		const char *end = strchr(line, '\n');
		const char *k = strstr(line, key);
		if (!k || (end && k > end))
			return -1;
		return atoll(k + strlen(key));
	}
	return -1;
}

int main(int argc, char **argv)
{
	if (argc < 3)
		return 2;
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	snprintf(sa.sun_path, sizeof sa.sun_path, "%s", argv[1]);
	fd = socket(AF_UNIX, SOCK_SEQPACKET, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof sa)) {
		perror("shim_ctl: connect");
		return 3;
	}
	if (strncmp(req("hello 1"), "ok", 2))
		return 3;
	const char *op = argv[2];
	if (!strcmp(op, "req")) {
		for (int i = 3; i < argc; i++)
			printf("%s\n", req(argv[i]));
	} else if (!strcmp(op, "rate") && argc == 7) {
		long long a = stat_of(argv[3], argv[4], argv[5]);
		double t0 = now();
		usleep((useconds_t)(atof(argv[6]) * 1e6));
		long long b = stat_of(argv[3], argv[4], argv[5]);
		double t1 = now();
		printf("%.0f\n", a < 0 || b < 0 ? -1.0 : (double)(b - a) * 8 / (t1 - t0));
	} else if (!strcmp(op, "rates") && argc >= 7) {
		int n = argc - 6;
		long long a[16], b[16];
		if (n > 16)
			return 2;
		for (int i = 0; i < n; i++)
			a[i] = stat_of(argv[3], argv[6 + i], argv[5]);
		double t0 = now();
		usleep((useconds_t)(atof(argv[4]) * 1e6));
		for (int i = 0; i < n; i++)
			b[i] = stat_of(argv[3], argv[6 + i], argv[5]);
		double t1 = now();
		for (int i = 0; i < n; i++)
			printf("%s%.0f", i ? " " : "", a[i] < 0 || b[i] < 0 ? -1.0 : (double)(b[i] - a[i]) * 8 / (t1 - t0));
		printf("\n");
	} else if (!strcmp(op, "waitvif") && argc >= 5) {
		regex_t rx;
		if (regcomp(&rx, argv[4], REG_EXTENDED | REG_NOSUB))
			return 2;
		double end = now() + (argc > 5 ? atof(argv[5]) : 5);
		char m[128];
		snprintf(m, sizeof m, "tree %s", argv[3]);
		while (now() < end) {
			const char *r = req(m);
			for (const char *line = r; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
				char i2[64], p2[256];
				if (sscanf(line, "%63s %255s", i2, p2) == 2 && !regexec(&rx, p2, 0, NULL, 0)) {
					printf("%s\n", p2);
					return 0;
				}
			}
			usleep(20000);
		}
		return 1;
	} else {
		return 2;
	}
	return 0;
}
