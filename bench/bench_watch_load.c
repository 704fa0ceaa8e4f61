/* bench_watch_load: the watched program of `make bench-watch`: a server at PATH and a client
 * (a forked child) connected to it; once a line comes on standard input the client writes
 * TOTAL bytes in writes of SIZE bytes and the server reads them all. Prints the throughput
 * and the calls a second, as the client saw them. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Seconds on CLOCK_MONOTONIC. */
static double now_s(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* The client: wait for the go byte on GO, write TOTAL bytes SIZE at a time, say how fast. */
static int client(const struct sockaddr_un *a, int go, size_t size, size_t total)
{
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);
	if (fd < 0 || connect(fd, (const struct sockaddr *)a, sizeof(*a)) < 0)
		return perror("connect"), 1;
	char *buf = calloc(1, size), c;
	if (!buf || read(go, &c, 1) != 1)
		return 1;
	double t0 = now_s();
	size_t calls = 0;
	for (size_t done = 0; done < total; calls++) {
		ssize_t n = write(fd, buf, size);
		if (n <= 0)
			return perror("write"), 1;
		done += (size_t)n;
	}
	double dt = now_s() - t0;
	printf("%zu %.1f MB/s %.0f calls/s %.3f s\n", size, (double)total / dt / 1e6,
	       (double)calls / dt, dt);
	fflush(stdout);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc != 4)
		return fprintf(stderr, "usage: bench_watch_load PATH SIZE TOTAL\n"), 2;
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	snprintf(a.sun_path, sizeof(a.sun_path), "%s", argv[1]);
	size_t size = strtoul(argv[2], NULL, 10), total = strtoul(argv[3], NULL, 10);
	int srv = socket(AF_UNIX, SOCK_STREAM, 0), p[2];
	unlink(a.sun_path);
	if (srv < 0 || bind(srv, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(srv, 1) < 0 ||
	    pipe(p) < 0)
		return perror("listen"), 1;
	pid_t pid = fork();
	if (pid == 0)
		_exit(client(&a, p[0], size, total));
	int conn = accept(srv, NULL, NULL);
	printf("ready\n");
	fflush(stdout);
	char line[16], buf[65536];
	if (!fgets(line, sizeof(line), stdin) || write(p[1], "g", 1) != 1)
		return 1;
	while (read(conn, buf, sizeof(buf)) > 0)
		;
	int st;
	waitpid(pid, &st, 0);
	unlink(a.sun_path);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 1;
}
