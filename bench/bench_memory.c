/* bench_memory: peak RSS of the engine after millions of chunks: two servers, the capture store
 * on, a sockets table held, events kept as the console keeps them (a pane's ring). */
#include "config.h"

#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/cmd/app.h"
#include "core/session/server.h"
#include "core/system/sockets.h"
#include "core/base/sysio.h"

#define NSERVERS 2
#define CHUNK 256               /* the receive size: whole chunks, ring and index both fill */
#define PANE_LINES 2048

static char dir[64];
static volatile sig_atomic_t stop_flag;

static void on_term(int sig)
{
	stop_flag = 1;
}

struct pane {
	struct event *ring;
	unsigned long long n;
};

static void keep(void *ctx, struct event *ev)
{
	struct pane *p = ctx;
	p->ring[p->n++ % PANE_LINES] = *ev;
}

/* The engine under test, in a child: reports its servers' chunk totals on REPORT. */
static void engine(int ready, int report)
{
	signal(SIGTERM, on_term);
	struct pane pane = { calloc(PANE_LINES, sizeof(struct event)), 0 };
	struct app app;
	if (!pane.ring || app_init(&app, BUS_LOSSY, 8192, (struct event_sink){ keep, &pane }) < 0)
		_exit(1);
	struct sockets_list table;   /* the sockets table, open the whole run */
	if (sockets_collect(&table) < 0)
		memset(&table, 0, sizeof(table));
	struct server *srv[NSERVERS];
	for (int i = 0; i < NSERVERS; i++) {
		char path[96], err[128];
		snprintf(path, sizeof(path), "%s/s%d", dir, i);
		struct uds_addr addr;
		struct server_opts o = { .chunk = CHUNK, .backlog = 4, .mode = -1,
					 .capture = app.capture };
		struct session *ses = app_prepare(&app, &server_session_ops);
		if (addr_parse(path, strlen(path), &addr, err, sizeof(err)) < 0 || !ses ||
		    server_start(&srv[i], &addr, &o, &ses->now, &ses->later) < 0)
			_exit(1);
		app_commit(&app, ses, srv[i]);
	}
	if (write(ready, "r", 1) != 1)
		_exit(1);
	while (!stop_flag) {
		size_t got = app_pump(&app, 100);
		struct timespec ts = { 0, got >= 1024 ? 33000000 : 2000000 };   /* console pacing */
		if (got)
			nanosleep(&ts, NULL);
	}
	unsigned long long chunks = 0;
	for (int i = 0; i < NSERVERS; i++) {
		struct stats_snapshot sn;
		stats_snapshot(server_stats(srv[i]), &sn);
		chunks += sn.chunks_in;
	}
	dprintf(report, "%llu %zu\n", chunks, table.n);
	_exit(0);
}

struct client {
	int fd;
	size_t total;
};

static void *writer(void *arg)
{
	struct client *c = arg;
	static char buf[1 << 16];
	memset(buf, 'm', sizeof(buf));
	for (size_t left = c->total; left;) {
		size_t n = left < sizeof(buf) ? left : sizeof(buf);
		if (sysio_send_all(c->fd, buf, n) < 0)
			break;
		left -= n;
	}
	return NULL;
}

/* One client: write TOTAL bytes while reading the echo back; true when all came back. */
static void *client(void *arg)
{
	struct client *c = arg;
	pthread_t w;
	pthread_create(&w, NULL, writer, c);
	char buf[1 << 16];
	size_t got = 0;
	ssize_t n;
	while (got < c->total && (n = recv(c->fd, buf, sizeof(buf), 0)) > 0)
		got += (size_t)n;
	pthread_join(w, NULL);
	c->total = got;
	return NULL;
}

static int connect_to(const char *path)
{
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", path);
	return connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == 0 ? fd : -1;
}

int main(int argc, char **argv)
{
	signal(SIGPIPE, SIG_IGN);
	unsigned long long want = argc > 1 ? strtoull(argv[1], NULL, 10) : 10000000ull;
	snprintf(dir, sizeof(dir), "/tmp/udscope-bench-XXXXXX");
	if (!mkdtemp(dir))
		return 1;
	int rp[2], rep[2];
	if (pipe(rp) < 0 || pipe(rep) < 0)
		return 1;
	pid_t pid = fork();
	if (pid == 0)
		engine(rp[1], rep[1]);
	char c;
	if (read(rp[0], &c, 1) != 1)
		return 1;
	struct client cl[NSERVERS];
	pthread_t t[NSERVERS];
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (int i = 0; i < NSERVERS; i++) {
		char path[96];
		snprintf(path, sizeof(path), "%s/s%d", dir, i);
		cl[i] = (struct client){ connect_to(path), want / NSERVERS * CHUNK };
		if (cl[i].fd < 0)
			return 1;
		pthread_create(&t[i], NULL, client, &cl[i]);
	}
	size_t echoed = 0;
	for (int i = 0; i < NSERVERS; i++) {
		pthread_join(t[i], NULL);
		echoed += cl[i].total;
		close(cl[i].fd);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	usleep(50000);
	kill(pid, SIGTERM);
	int st;
	struct rusage ru;
	wait4(pid, &st, 0, &ru);
	char line[128] = "";
	unsigned long long chunks = 0;
	size_t table = 0;
	if (read(rep[0], line, sizeof(line) - 1) > 0)
		sscanf(line, "%llu %zu", &chunks, &table);
	double mib = (double)ru.ru_maxrss / 1024, target = 64 + (double)(APP_CAPTURE_DEFAULT >> 20);
	printf("\nmemory: %d servers, %d-byte chunks, capture store %zu MiB, "
	       "sockets table of %zu\n", NSERVERS, CHUNK, APP_CAPTURE_DEFAULT >> 20, table);
	printf("%-28s %12s %12s %14s %10s\n", "run", "chunks", "seconds", "peak RSS", "target");
	printf("%-28s %12llu %12.1f %10.1f MiB %6.0f MiB%s\n", "engine, capture on", chunks,
	       (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9, mib,
	       target, echoed == want / NSERVERS * CHUNK * NSERVERS ? "" : " (short echo)");
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) != 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0;
}
