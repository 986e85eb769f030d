/* Thread and signal stress for libvifshim: THREADS threads each make
 * ITERS loopback connections (socket, connect, dup2 onto a second number,
 * close both) while SIGALRM fires every millisecond and its handler closes a
 * dup of a connected socket (close and dup are async-signal-safe, so the shim
 * must be too). The listener and the accepts use raw system calls (the shim
 * does not see them). At the end every registered socket is closed: the
 * program prints "done PID" and sleeps, so the test can check that vifd
 * holds no socket of it (the close-before-reuse ordering held). */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <unistd.h>

#define THREADS 4
static int iters = 300;
static int ls;
static struct sockaddr_in sa;
static _Atomic int victim = -1;       /* a connected socket the handler may dup+close */
static atomic_long handled;

static void on_alarm(int sig)
{
	(void)sig;
	int saved = errno;
	int v = atomic_load(&victim);
	if (v >= 0) {
		int d = dup(v);
		if (d >= 0)
			close(d);
		atomic_fetch_add(&handled, 1);
	}
	errno = saved;
}

static void *worker(void *arg)
{
	(void)arg;
	for (int i = 0; i < iters; i++) {
		int fd = socket(AF_INET, SOCK_STREAM, 0);
		if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof sa)) {
			perror("connect");
			exit(1);
		}
		struct linger lg = {1, 0};
		setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
		atomic_store(&victim, fd);
		int hi = fcntl(fd, F_DUPFD, 200);
		atomic_store(&victim, -1);
		int a = (int)syscall(SYS_accept4, ls, NULL, NULL, 0);
		if (hi >= 0)
			close(hi);
		close(fd);
		if (a >= 0)
			syscall(SYS_close, a);
	}
	return NULL;
}

int main(int argc, char **argv)
{
	if (argc > 1)
		iters = atoi(argv[1]);
	ls = (int)syscall(SYS_socket, AF_INET, SOCK_STREAM, 0);
	sa = (struct sockaddr_in){.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t sl = sizeof sa;
	if (ls < 0 || syscall(SYS_bind, ls, &sa, sizeof sa) || syscall(SYS_listen, ls, 512) ||
	    syscall(SYS_getsockname, ls, &sa, &sl))
		return 1;
	struct sigaction act = {.sa_handler = on_alarm, .sa_flags = SA_RESTART};
	sigaction(SIGALRM, &act, NULL);
	struct itimerval it = {{0, 1000}, {0, 1000}};
	setitimer(ITIMER_REAL, &it, NULL);
	pthread_t th[THREADS];
	for (int i = 0; i < THREADS; i++)
		pthread_create(&th[i], NULL, worker, NULL);
	for (int i = 0; i < THREADS; i++)
		pthread_join(th[i], NULL);
	struct itimerval off = {{0, 0}, {0, 0}};
	setitimer(ITIMER_REAL, &off, NULL);
	printf("done %d handled %ld\n", (int)getpid(), atomic_load(&handled));
	fflush(stdout);
	sleep(3);
	return 0;
}
