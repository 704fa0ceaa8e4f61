/* bench_echo: echo throughput and latency of a bare loop, udscope's server engine and socat. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/cmd/app.h"
#include "core/session/server.h"
#include "core/base/sysio.h"
#include "core/render/render_event.h"

enum contender { BARE, UDS_CONSOLE, UDS_CAPTURE, UDS_BATCH, SOCAT, NCONTENDERS };
static const char *const names[NCONTENDERS] = {
	[BARE] = "bare loop",
	[UDS_CONSOLE] = "udscope (console bus)",
	[UDS_CAPTURE] = "udscope (console, capture)",
	[UDS_BATCH] = "udscope (batch, lossless)",
	[SOCAT] = "socat EXEC:cat",
};

static char dir[64];
static int rounds = 5;

/* BENCH_ONLY (contender numbers, "0,2") and BENCH_CHUNK (one size; 1: only the ping-pong)
 * narrow a run to what a profiler should see; the bare loop always runs as the baseline.
 * Each server process is named after its contender (srv-console, ...): perf report --comm. */
static bool wanted(int who)
{
	const char *only = getenv("BENCH_ONLY");
	if (who == BARE || !only)
		return true;
	for (const char *p = only; *p; p++)
		if (*p - '0' == who)
			return true;
	return false;
}

static bool chunk_wanted(unsigned chunk)
{
	const char *c = getenv("BENCH_CHUNK");
	return !c || (unsigned)atoi(c) == chunk;
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- servers, each in a child process ---- */

static void bare_server(const char *path, unsigned chunk, int ready)
{
	int l = socket(AF_UNIX, SOCK_STREAM, 0);
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", path);
	if (bind(l, (struct sockaddr *)&sun, sizeof(sun)) < 0 || listen(l, 4) < 0)
		_exit(1);
	if (write(ready, "r", 1) < 0)
		_exit(1);
	int c = accept(l, NULL, NULL);
	char *buf = malloc(chunk);
	ssize_t n;
	while ((n = recv(c, buf, chunk, 0)) > 0)
		if (sysio_send_all(c, buf, (size_t)n) < 0)
			break;
	_exit(0);
}

/* What a front end does with each event. The console keeps it in a pane's ring (and renders
 * only the lines on screen, at frame time); batch formats every line and writes it. */
#define PANE_LINES 2048
struct consumer {
	unsigned long long events, chars;
	FILE *out;
	struct event *pane;
};

static void consume(void *ctx, struct event *ev)
{
	struct consumer *c = ctx;
	if (c->out) {
		char line[EVENT_LINE_MAX];
		size_t n = render_event_line(ev, 0, 0, line, sizeof(line));
		fwrite(line, 1, n, c->out);
		fputc('\n', c->out);
		c->chars += n;
	} else {
		c->pane[c->events % PANE_LINES] = *ev;
	}
	c->events++;
}

static volatile sig_atomic_t stop_flag;
static void on_term(int sig)
{
	stop_flag = 1;
}

/* CAPTURE: every chunk also kept whole in a 64 MiB capture store, as the console does. */
static void udscope_server(const char *path, unsigned chunk, int ready, bool lossless,
			   bool capture, int report)
{
	app_capture_budget(capture ? APP_CAPTURE_DEFAULT : 0);
	signal(SIGTERM, on_term);
	struct consumer cons = { 0 };
	if (lossless)
		cons.out = fopen("/dev/null", "w");
	else if (!(cons.pane = calloc(PANE_LINES, sizeof(*cons.pane))))
		_exit(1);
	struct app app;
	if (app_init(&app, lossless ? BUS_LOSSLESS : BUS_LOSSY, lossless ? 4096 : 8192,
		     (struct event_sink){ consume, &cons }) < 0)
		_exit(1);
	struct uds_addr addr;
	char err[256];
	if (addr_parse(path, strlen(path), &addr, err, sizeof(err)) < 0)
		_exit(1);
	struct server_opts o = { .chunk = chunk, .backlog = 4, .mode = -1, .capture = app.capture };
	struct server *srv;
	struct session *ses = app_prepare(&app, &server_session_ops);
	if (!ses || server_start(&srv, &addr, &o, &ses->now, &ses->later) < 0)
		_exit(1);
	app_commit(&app, ses, srv);
	if (write(ready, "r", 1) < 0)
		_exit(1);
	while (!stop_flag) {
		size_t got = app_pump(&app, 100);
		/* The console's pacing (src/ui/console.c): after a drain the bus is left alone
		 * for 2 ms, and for a whole frame after a flood's worth of events. */
		if (!lossless && got) {
			struct timespec ts = { 0, got >= 1024 ? 33000000 : 2000000 };
			nanosleep(&ts, NULL);
		} else if (lossless && got && got < 1024) {
			/* Batch's pacing (src/batch.c, BATCH_DRAIN_MS): 1 ms after a drain
			 * of less than a quarter of its 4096-event ring. */
			struct timespec ts = { 0, 1000000 };
			nanosleep(&ts, NULL);
		}
	}
	struct stats_snapshot sn;
	stats_snapshot(server_stats(srv), &sn);
	app_pump(&app, 0);
	char line[256];
	int n = snprintf(line, sizeof(line), "%llu %llu %llu\n", (unsigned long long)sn.chunks_in,
			 (unsigned long long)bus_dropped(app.bus), cons.events);
	if (write(report, line, (size_t)n) < 0)
		_exit(1);
	_exit(0);
}

static pid_t start_server(enum contender who, const char *path, unsigned chunk, int *report_rd)
{
	int rp[2], rep[2];
	if (pipe(rp) < 0 || pipe(rep) < 0)
		exit(1);
	unlink(path);
	pid_t pid = fork();
	if (pid == 0) {
		close(rp[0]);
		close(rep[0]);
		/* Named after the contender (threads inherit it), so a profile tells them apart. */
		static const char *const comm[NCONTENDERS] = {
			"srv-bare", "srv-console", "srv-capture", "srv-batch", "socat",
		};
		prctl(PR_SET_NAME, comm[who]);
		if (who == BARE)
			bare_server(path, chunk, rp[1]);
		else if (who == UDS_CONSOLE || who == UDS_BATCH || who == UDS_CAPTURE)
			udscope_server(path, chunk, rp[1], who == UDS_BATCH, who == UDS_CAPTURE,
				       rep[1]);
		else {
			char listen[160], bsz[32];
			snprintf(listen, sizeof(listen), "UNIX-LISTEN:%s", path);
			snprintf(bsz, sizeof(bsz), "%u", chunk);
			int devnull = open("/dev/null", O_WRONLY);
			dup2(devnull, 2);
			execlp("socat", "socat", "-b", bsz, listen, "EXEC:cat", (char *)NULL);
			_exit(127);
		}
	}
	close(rp[1]);
	close(rep[1]);
	*report_rd = rep[0];
	if (who == SOCAT) {
		struct stat st;
		for (int i = 0; i < 500 && stat(path, &st) < 0; i++)
			usleep(2000);
	} else {
		char c;
		if (read(rp[0], &c, 1) != 1) {
			fprintf(stderr, "bench: %s did not start\n", names[who]);
			exit(1);
		}
	}
	close(rp[0]);
	return pid;
}

/* ---- the client ---- */

struct writer {
	int fd;
	size_t total;
};

static void *write_all_data(void *arg)
{
	struct writer *w = arg;
	static char buf[65536];
	memset(buf, 'x', sizeof(buf));
	size_t left = w->total;
	while (left) {
		size_t n = left < sizeof(buf) ? left : sizeof(buf);
		if (sysio_send_all(w->fd, buf, n) < 0)
			break;
		left -= n;
	}
	return NULL;
}

static int connect_to(const char *path)
{
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", path);
	for (int i = 0; i < 500; i++) {
		if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == 0)
			return fd;
		usleep(2000);
	}
	perror("bench: connect");
	exit(1);
}

struct result {
	double mbps, rtt_us, cpu_s;
	long rss_kb;
	unsigned long long chunks, dropped, events;
};

static void finish_server(pid_t pid, int report, struct result *r)
{
	kill(pid, SIGTERM);
	int st;
	struct rusage ru;
	wait4(pid, &st, 0, &ru);
	r->rss_kb = ru.ru_maxrss;
	r->cpu_s = (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
		   (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
	char line[256] = "";
	ssize_t n = read(report, line, sizeof(line) - 1);
	if (n > 0) {
		line[n] = '\0';
		sscanf(line, "%llu %llu %llu", &r->chunks, &r->dropped, &r->events);
	}
	close(report);
}

static void throughput(enum contender who, unsigned chunk, size_t total, struct result *r)
{
	char path[128];
	snprintf(path, sizeof(path), "%s/t%d", dir, (int)who);
	int report;
	pid_t pid = start_server(who, path, chunk, &report);
	int fd = connect_to(path);
	struct writer w = { fd, total };
	pthread_t t;
	static char buf[65536];
	double t0 = now_s();
	pthread_create(&t, NULL, write_all_data, &w);
	size_t got = 0;
	while (got < total) {
		ssize_t n = recv(fd, buf, sizeof(buf), 0);
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	double dt = now_s() - t0;
	pthread_join(t, NULL);
	close(fd);
	if (got != total)
		fprintf(stderr, "bench: %s: short echo (%zu of %zu)\n", names[who], got, total);
	r->mbps = (double)got / dt / 1e6;
	usleep(20000);
	finish_server(pid, report, r);
}

static void latency(enum contender who, int trips, struct result *r)
{
	char path[128];
	snprintf(path, sizeof(path), "%s/l%d", dir, (int)who);
	int report;
	pid_t pid = start_server(who, path, 16, &report);
	int fd = connect_to(path);
	char c = 'p';
	double t0 = now_s();
	for (int i = 0; i < trips; i++) {
		if (send(fd, &c, 1, MSG_NOSIGNAL) != 1 || recv(fd, &c, 1, 0) != 1) {
			fprintf(stderr, "bench: %s: ping-pong failed\n", names[who]);
			break;
		}
	}
	r->rtt_us = (now_s() - t0) / trips * 1e6;
	close(fd);
	finish_server(pid, report, r);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

int main(int argc, char **argv)
{
	signal(SIGPIPE, SIG_IGN);
	if (argc > 1)
		rounds = atoi(argv[1]);
	if (rounds < 1)
		rounds = 1;
	snprintf(dir, sizeof(dir), "/tmp/udscope-bench-XXXXXX");
	if (!mkdtemp(dir))
		return 1;
	bool have_socat = system("command -v socat >/dev/null 2>&1") == 0;
	static const unsigned chunks[] = { 16, 4096, 65536 };
	/* Enough bytes for about half a second of the bare loop at each size. */
	static const size_t totals[] = { 4u << 20, 128u << 20, 256u << 20 };
	/* BENCH_SCALE: N times the bytes (a capture store's first lap then weighs less). */
	size_t scale = getenv("BENCH_SCALE") && atoi(getenv("BENCH_SCALE")) > 0
		       ? (size_t)atoi(getenv("BENCH_SCALE")) : 1;

	printf("udscope bench: %d rounds, contenders alternated each round, medians quoted\n",
	       rounds);
	/* CPU: the server process's CPU time (user + system) against the bare loop's, for the
	 * same bytes: steadier than MB/s on a busy machine. */
	printf("%-28s %8s %12s %9s %10s %12s %8s\n", "echo throughput", "chunk", "MB/s", "vs bare",
	       "peak RSS", "chunks seen", "CPU");
	for (size_t ci = 0; ci < sizeof(chunks) / sizeof(chunks[0]); ci++) {
		if (!chunk_wanted(chunks[ci]))
			continue;
		double mb[NCONTENDERS][32], cpu[NCONTENDERS][32];
		struct result last[NCONTENDERS];
		memset(last, 0, sizeof(last));
		for (int r = 0; r < rounds && r < 32; r++)
			for (int w = 0; w < NCONTENDERS; w++) {
				if ((w == SOCAT && !have_socat) || !wanted(w))
					continue;
				throughput((enum contender)w, chunks[ci], totals[ci] * scale,
					   &last[w]);
				mb[w][r] = last[w].mbps;
				cpu[w][r] = last[w].cpu_s;
			}
		double base = median(mb[BARE], rounds);
		for (int w = 0; w < NCONTENDERS; w++) {
			if ((w == SOCAT && !have_socat) || !wanted(w))
				continue;
			double m = median(mb[w], rounds);
			char seen[32] = "-";
			if (w == UDS_CONSOLE || w == UDS_BATCH || w == UDS_CAPTURE)
				snprintf(seen, sizeof(seen), "%llu", last[w].chunks);
			printf("%-28s %8u %12.1f %8.2fx %7ld KiB %12s %7.2fx\n", names[w],
			       chunks[ci], m, m / base, last[w].rss_kb, seen,
			       median(cpu[w], rounds) / median(cpu[BARE], rounds));
			if (w == UDS_CONSOLE && last[w].dropped)
				printf("%-28s %8s   (console bus: %llu events shown, %llu not shown; "
				       "totals exact)\n", "", "", last[w].events, last[w].dropped);
		}
	}
	if (!chunk_wanted(1))
		goto out;
	printf("\n%-28s %12s %9s %8s\n", "1-byte ping-pong", "us/trip", "vs bare", "CPU");
	double lat[NCONTENDERS][32], lcpu[NCONTENDERS][32];
	for (int r = 0; r < rounds && r < 32; r++)
		for (int w = 0; w < NCONTENDERS; w++) {
			if ((w == SOCAT && !have_socat) || !wanted(w))
				continue;
			struct result res = { 0 };
			latency((enum contender)w, 20000, &res);
			lat[w][r] = res.rtt_us;
			lcpu[w][r] = res.cpu_s;
		}
	double lbase = median(lat[BARE], rounds);
	for (int w = 0; w < NCONTENDERS; w++) {
		if ((w == SOCAT && !have_socat) || !wanted(w))
			continue;
		double m = median(lat[w], rounds);
		printf("%-28s %12.2f %8.2fx %7.2fx\n", names[w], m, m / lbase,
		       median(lcpu[w], rounds) / median(lcpu[BARE], rounds));
	}
out:;
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		return 1;
	return 0;
}
