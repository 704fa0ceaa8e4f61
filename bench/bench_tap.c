/* bench_tap: one-way throughput through udscope's tap against a direct connection, socat and
 * socat -v in the middle.
 * Knobs: BENCH_ONLY (middles by number, "1,2"; direct always runs), BENCH_MB (MiB sent, 512),
 * BENCH_CHUNK (bytes a send, 65536), BENCH_SEQPACKET=1 (seqpacket connections, so every send
 * is one chunk for the tap: direct and the taps only), BENCH_DECODE_WARM=1 (the decoding
 * tap's flood starts once its tshark has started).
 * Each process is named for perf report --comm: mid-console, mid-batch, mid-socat, mid-copy,
 * mid-splice, sink. CPU: the middle's user + system seconds per GiB (from wait4: with the
 * children it waited for, the decoding tap's tshark), a tap's own (its process alone, from
 * getrusage in it; and by thread), and all three processes' together. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
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
#include "core/base/sysio.h"
#include "core/io/decode.h"
#include "core/session/tap.h"
#include "core/render/render_event.h"

enum middle { DIRECT, TAP_CONSOLE, TAP_BATCH, SOCAT, SOCAT_V, RELAY_COPY, RELAY_SPLICE,
	      TAP_DECODE, NMIDDLES };
static const char *const middle_names[NMIDDLES] = {
	[DIRECT] = "direct (no middle)",
	[TAP_CONSOLE] = "udscope tap (console)",
	[TAP_BATCH] = "udscope tap (batch)",
	[SOCAT] = "socat",
	[SOCAT_V] = "socat -v",
	[RELAY_COPY] = "bare relay: read/write",
	[RELAY_SPLICE] = "bare relay: splice",
	[TAP_DECODE] = "udscope tap (--decode)",
};

#define CHUNK 65536
#define MAX_ROUNDS 32

static char tmp[64];
static int sock_type = SOCK_STREAM; /* BENCH_SEQPACKET: SOCK_SEQPACKET */
static size_t chunk = CHUNK;        /* BENCH_CHUNK: bytes a send */

static int connect_retry(const char *path);
static double cpu_of(const struct rusage *ru);

static double seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static struct sockaddr_un sun_of(const char *path)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	size_t n = strlen(path);
	memcpy(sun.sun_path, path, n < sizeof(sun.sun_path) ? n : sizeof(sun.sun_path) - 1);
	return sun;
}

/* The far end: take one connection, read it to EOF, answer with the byte count. */
static void sink(const char *path, int ready)
{
	int l = socket(AF_UNIX, sock_type, 0);
	struct sockaddr_un sun = sun_of(path);
	if (bind(l, (struct sockaddr *)&sun, sizeof(sun)) < 0 || listen(l, 4) < 0 ||
	    write(ready, "r", 1) != 1)
		_exit(1);
	int c = accept(l, NULL, NULL);
	static char buf[CHUNK];
	uint64_t total = 0;
	ssize_t n;
	while ((n = recv(c, buf, sizeof(buf), 0)) > 0)
		total += (uint64_t)n;
	if (sysio_send_all(c, &total, sizeof(total)) < 0)
		_exit(1);
	_exit(0);
}

/* A front end's share of the work. The console keeps events in a ring and paints only the
 * screen's worth at frame time; batch formats and writes every line. */
struct front {
	FILE *lines;                 /* batch: every line formatted into it */
	struct event ring[1024];     /* console: the pane's last lines */
	unsigned long long seen;
};

static void front_take(void *ctx, struct event *ev)
{
	struct front *f = ctx;
	if (f->lines) {
		char line[EVENT_LINE_MAX];
		size_t n = render_event_line(ev, 0, 0, line, sizeof(line));
		fprintf(f->lines, "%.*s\n", (int)n, line);
	} else {
		memcpy(&f->ring[f->seen & 1023], ev, sizeof(*ev));
	}
	f->seen++;
}

/* What a tap's process tells the bench at its end: its own CPU seconds, and the chunks its
 * decoder decoded and skipped (0 without one). */
struct tap_report {
	double own, decoded, skipped;
	double thread[4]; /* CPU seconds by thread: enum tap_thread */
};

/* A tap process's threads, by their names: the main thread (the front end draining the bus),
 * the session's (the relay), and the decoder's feeder and reader of tshark. */
enum tap_thread {
	TH_MAIN,
	TH_RELAY,
	TH_FEED,
	TH_READ,
	TH_COUNT
};
static const char *const thread_names[TH_COUNT] = { "main", "relay", "decode-feed", "decode-read" };

/* Each live thread's CPU time so far (/proc/self/task/TID/schedstat, nanoseconds) added into
 * REP by its name; the pacer's is left out (a tick five times a second). */
static void thread_cpu(struct tap_report *rep)
{
	DIR *dir = opendir("/proc/self/task");
	struct dirent *e;
	while (dir && (e = readdir(dir))) {
		if (e->d_name[0] == '.')
			continue;
		char path[300], name[32] = "";
		unsigned long long ns = 0;
		snprintf(path, sizeof(path), "/proc/self/task/%s/comm", e->d_name);
		FILE *f = fopen(path, "r");
		if (f && !fgets(name, sizeof(name), f))
			name[0] = '\0';
		if (f)
			fclose(f);
		name[strcspn(name, "\n")] = '\0';
		snprintf(path, sizeof(path), "/proc/self/task/%s/schedstat", e->d_name);
		if (!(f = fopen(path, "r")))
			continue;
		if (fscanf(f, "%llu", &ns) != 1)
			ns = 0;
		fclose(f);
		int t = atoi(e->d_name) == getpid()                ? TH_MAIN
			: strcmp(name, thread_names[TH_FEED]) == 0 ? TH_FEED
			: strcmp(name, thread_names[TH_READ]) == 0 ? TH_READ
			: strcmp(name, "decode-pace") == 0         ? TH_COUNT
								   : TH_RELAY;
		if (t < TH_COUNT)
			rep->thread[t] += (double)ns / 1e9;
	}
	if (dir)
		closedir(dir);
}

static volatile sig_atomic_t done;
static void on_term(int sig)
{
	(void)sig;
	done = 1;
}

/* BENCH_DECODE_WARM=1: the flood starts once tshark has started (a second or more of CPU),
 * not while it starts. */
static bool warm;

/* Offer D one chunk before the tap runs (so no other thread offers) and wait until tshark has
 * answered it: tshark has started. Returns 0, or -1 after a minute. */
static int warm_up(struct decoder *d)
{
	static const char hello[] = "warm-up";
	decode_offer(d, 0, PCAP_TO_SERVER, hello, sizeof(hello) - 1);
	decode_release(d);
	struct decode_stats st = { 0 };
	for (double until = seconds() + 60; seconds() < until;) {
		decode_stats(d, &st);
		if (st.decoded)
			return 0;
		nanosleep(&(struct timespec){ 0, 10000000 }, NULL);
	}
	return -1;
}

/* The tap in a process of its own, with a front end draining its bus as the console (a lossy
 * bus, paced; a 64 MiB capture store) or batch (lossless, every line formatted) would; with
 * DECODE, the console's tap decoding every chunk with tshark (--decode data). */
static void tap_process(const char *listen, const char *target, bool batch, bool decode,
			int ready)
{
	signal(SIGTERM, on_term);
	static struct front f;
	if (batch && !(f.lines = fopen("/dev/null", "w")))
		_exit(1);
	app_capture_budget(batch ? 0 : APP_CAPTURE_DEFAULT);
	struct app app;
	if (app_init(&app, batch ? BUS_LOSSLESS : BUS_LOSSY, batch ? 4096 : 8192,
		     (struct event_sink){ front_take, &f }) < 0)
		_exit(1);
	struct uds_addr la, ta;
	char err[160];
	if (addr_parse(listen, strlen(listen), &la, err, sizeof(err)) < 0 ||
	    addr_parse(target, strlen(target), &ta, err, sizeof(err)) < 0)
		_exit(1);
	struct tap_opts o = { .type = sock_type, .mode = -1, .backlog = 4, .capture = app.capture };
	struct tap *t;
	struct session *s = app_prepare(&app, &tap_session_ops);
	if (!s || (decode && decode_start(&o.decode, "data", NULL, SRC_TAP, &s->later) < 0) ||
	    (o.decode && warm && warm_up(o.decode) < 0) ||
	    tap_start(&t, &la, &ta, &o, &s->now, &s->later) < 0)
		_exit(1);
	app_commit(&app, s, t);
	if (write(ready, "r", 1) != 1)
		_exit(1);
	while (!done) {
		size_t got = app_pump(&app, 100);
		if (!batch && got) {
			/* The console's pacing: 2 ms after a drain, a frame after a flood. */
			struct timespec pause = { 0, got >= 1024 ? 33000000 : 2000000 };
			nanosleep(&pause, NULL);
		}
	}
	/* What was decoded and skipped, before the tap's end frees the decoder. */
	struct tap_report rep = { 0 };
	if (o.decode) {
		struct decode_stats st;
		decode_stats(o.decode, &st);
		rep.decoded = (double)st.decoded;
		rep.skipped = (double)st.skipped;
	}
	thread_cpu(&rep);
	/* The tap ends its tshark and waits for it, so its CPU counts in this process's. */
	app_end(&app, s);
	struct rusage self;
	getrusage(RUSAGE_SELF, &self); /* without tshark: udscope's own */
	rep.own = cpu_of(&self);
	_exit(write(ready, &rep, sizeof(rep)) == sizeof(rep) ? 0 : 1);
}

/* Move what comes from FROM to TO until EOF: read and write through one CHUNK buffer, or
 * splice through a pipe (no copy out of the kernel; drops SCM_RIGHTS, see doc/bench.md). */
static int relay_way(int from, int to, bool use_splice)
{
	static char buf[CHUNK];
	int p[2];
	if (use_splice && pipe(p) < 0)
		return -1;
	for (;;) {
		ssize_t n = use_splice ? splice(from, NULL, p[1], NULL, CHUNK, SPLICE_F_MOVE)
				       : read(from, buf, sizeof(buf));
		if (n <= 0)
			return (int)n;
		if (!use_splice && sysio_send_all(to, buf, (size_t)n) < 0)
			return -1;
		while (use_splice && n > 0) {
			ssize_t w = splice(p[0], NULL, to, NULL, (size_t)n, SPLICE_F_MOVE);
			if (w <= 0)
				return -1;
			n -= w;
		}
	}
}

/* The smallest relay there is, as a floor for the tap's cost: one client, one way, no events,
 * no fds, no credentials; then the sink's 8-byte answer back. */
static void relay_process(const char *at, const char *target, bool use_splice, int ready)
{
	int l = socket(AF_UNIX, SOCK_STREAM, 0);
	struct sockaddr_un sun = sun_of(at);
	if (bind(l, (struct sockaddr *)&sun, sizeof(sun)) < 0 || listen(l, 4) < 0 ||
	    write(ready, "r", 1) != 1)
		_exit(1);
	int c = accept(l, NULL, NULL);
	int u = connect_retry(target);
	uint64_t count;
	if (relay_way(c, u, use_splice) < 0 || shutdown(u, SHUT_WR) < 0 ||
	    sysio_all(read, u, &count, sizeof(count)) < 0 ||
	    sysio_send_all(c, &count, sizeof(count)) < 0)
		_exit(1);
	pause();   /* until the SIGTERM after the run, as the other middles */
	_exit(0);
}

static void socat_process(const char *listen, const char *target, bool verbose)
{
	char l[160], t[160];
	snprintf(l, sizeof(l), "UNIX-LISTEN:%s,fork", listen);
	snprintf(t, sizeof(t), "UNIX-CONNECT:%s", target);
	int devnull = open("/dev/null", O_WRONLY);
	dup2(devnull, STDERR_FILENO);   /* -v writes its dump to stderr */
	if (verbose)
		execlp("socat", "socat", "-v", l, t, (char *)NULL);
	else
		execlp("socat", "socat", l, t, (char *)NULL);
	_exit(127);
}

static pid_t spawn(enum middle m, const char *listen, const char *target, int *ready_rd)
{
	int p[2];
	if (pipe(p) < 0)
		exit(1);
	pid_t pid = fork();
	if (pid == 0) {
		close(p[0]);
		static const char *const comm[NMIDDLES] = {
			[DIRECT] = "sink",         [TAP_CONSOLE] = "mid-console",
			[TAP_BATCH] = "mid-batch", [SOCAT] = "mid-socat",
			[SOCAT_V] = "mid-socat-v", [RELAY_COPY] = "mid-copy",
			[RELAY_SPLICE] = "mid-splice", [TAP_DECODE] = "mid-decode",
		};
		prctl(PR_SET_NAME, comm[m]);
		if (m == TAP_CONSOLE || m == TAP_BATCH || m == TAP_DECODE)
			tap_process(listen, target, m == TAP_BATCH, m == TAP_DECODE, p[1]);
		else if (m == SOCAT || m == SOCAT_V)
			socat_process(listen, target, m == SOCAT_V);
		else if (m == RELAY_COPY || m == RELAY_SPLICE)
			relay_process(listen, target, m == RELAY_SPLICE, p[1]);
		else
			sink(target, p[1]);
		_exit(1);
	}
	close(p[1]);
	*ready_rd = p[0];
	return pid;
}

static int connect_retry(const char *path)
{
	struct sockaddr_un sun = sun_of(path);
	for (int i = 0; i < 1000; i++) {
		int fd = socket(AF_UNIX, sock_type, 0);
		if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == 0)
			return fd;
		close(fd);
		usleep(2000);
	}
	fprintf(stderr, "bench_tap: connect %s: %s\n", path, strerror(errno));
	exit(1);
}

static double cpu_of(const struct rusage *ru)
{
	return (double)ru->ru_utime.tv_sec + (double)ru->ru_utime.tv_usec / 1e6 +
	       (double)ru->ru_stime.tv_sec + (double)ru->ru_stime.tv_usec / 1e6;
}

/* Send TOTAL bytes through middle M to the sink; MB/s until the sink's count came back.
 * *RSS: the middle's peak resident KiB; *CPU: the middle's CPU seconds (user + system) per
 * GiB sent, *OWN: a tap's without its children (0: not a tap), and *ALL: every process's
 * (sender, middle, sink) per GiB; *REP: what the tap reported (zeros: not a tap). */
static double run(enum middle m, size_t total, long *rss, double *cpu, double *own, double *all,
		  struct tap_report *rep)
{
	char target[128], listen[128];
	snprintf(target, sizeof(target), "%s/sink", tmp);
	snprintf(listen, sizeof(listen), "%s/mid", tmp);
	unlink(target);
	unlink(listen);
	int sr, mr = -1;
	char c;
	pid_t sp = spawn(DIRECT, NULL, target, &sr), mp = 0;
	if (read(sr, &c, 1) != 1)
		exit(1);
	if (m != DIRECT) {
		mp = spawn(m, listen, target, &mr);
		if (m != SOCAT && m != SOCAT_V && read(mr, &c, 1) != 1)
			exit(1);
	}
	int fd = connect_retry(m == DIRECT ? target : listen);
	struct rusage self0, self1, ru;
	getrusage(RUSAGE_SELF, &self0);
	static char buf[CHUNK];
	memset(buf, 'x', sizeof(buf));
	double t0 = seconds();
	for (size_t left = total; left;) {
		size_t n = left < chunk ? left : chunk;
		if (sysio_send_all(fd, buf, n) < 0)
			exit(1);
		left -= n;
	}
	shutdown(fd, SHUT_WR);
	uint64_t got = 0;
	if (sysio_all(read, fd, &got, sizeof(got)) < 0 || got != total)
		fprintf(stderr, "bench_tap: %s: the sink counted %llu of %zu bytes\n",
			middle_names[m], (unsigned long long)got, total);
	double dt = seconds() - t0;
	getrusage(RUSAGE_SELF, &self1);
	close(fd);
	*rss = 0;
	double gib = (double)total / (double)(1u << 30);
	*cpu = *own = 0;
	*all = cpu_of(&self1) - cpu_of(&self0);
	if (mp) {
		kill(mp, SIGTERM);
		wait4(mp, NULL, 0, &ru);
		*rss = ru.ru_maxrss;
		*cpu = cpu_of(&ru) / gib;
		*rep = (struct tap_report){ 0 };
		if ((m == TAP_CONSOLE || m == TAP_BATCH || m == TAP_DECODE) &&
		    read(mr, rep, sizeof(*rep)) == sizeof(*rep))
			*own = rep->own / gib;
		*all += cpu_of(&ru);
		close(mr);
	}
	wait4(sp, NULL, 0, &ru);
	*all = (*all + cpu_of(&ru)) / gib;
	close(sr);
	return (double)total / dt / 1e6;
}

static int by_value(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

/* Whether middle M runs (BENCH_ONLY: a list of middle numbers; direct always runs). */
static bool chosen(int m, bool socat)
{
	const char *only = getenv("BENCH_ONLY");
	char tshark[256];
	if (!socat && (m == SOCAT || m == SOCAT_V))
		return false;
	if (sock_type == SOCK_SEQPACKET && m != DIRECT && m != TAP_CONSOLE && m != TAP_BATCH &&
	    m != TAP_DECODE)
		return false; /* socat and the bare relays speak streams */
	if (m == TAP_DECODE && decode_find_tshark(tshark, sizeof(tshark)) < 0)
		return false; /* no tshark: the line is left out */
	if (m == DIRECT || !only || !*only)
		return true;
	for (const char *p = only; *p; p++)
		if (*p - '0' == m)
			return true;
	return false;
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(double), by_value);
	return v[n / 2];
}

/* The 1-, 5- and 15-minute load averages as /proc/loadavg says them. */
static void load_average(char *buf, size_t len)
{
	FILE *f = fopen("/proc/loadavg", "r");
	double a, b, c;
	if (f && fscanf(f, "%lf %lf %lf", &a, &b, &c) == 3)
		snprintf(buf, len, "%.2f %.2f %.2f", a, b, c);
	else
		snprintf(buf, len, "unknown");
	if (f)
		fclose(f);
}

/* The decoding tap over the plain console tap into BUF: the ratio of the medians, and round
 * by round (the two ran back to back, so a round's ratio holds when the machine's speed
 * drifts) its minimum, median and maximum. Call before the medians sort the rows. */
static void decode_ratios(const double *dec, const double *plain, int rounds, char *buf, size_t len)
{
	double per[MAX_ROUNDS], d[MAX_ROUNDS], p[MAX_ROUNDS];
	for (int r = 0; r < rounds; r++) {
		per[r] = dec[r] / plain[r];
		d[r] = dec[r];
		p[r] = plain[r];
	}
	double md = median(d, rounds), mp = median(p, rounds), mr = median(per, rounds);
	snprintf(buf, len,
		 "tap (--decode) vs tap (console): %.2fx on medians; round by round %.2fx min, "
		 "%.2fx median, %.2fx max\n",
		 md / mp, per[0], mr, per[rounds - 1]);
}

/* What the decoding tap's decoder did, round by round (min, median, max) into BUF: chunks
 * decoded and skipped, and tshark's CPU (the middle's with its children less the tap's own). */
static void decode_counts(const struct tap_report *rep, const double *mid, const double *self,
			  int rounds, char *buf, size_t len)
{
	double dec[MAX_ROUNDS], skip[MAX_ROUNDS], ts[MAX_ROUNDS];
	for (int r = 0; r < rounds; r++) {
		dec[r] = rep[r].decoded;
		skip[r] = rep[r].skipped;
		ts[r] = mid[r] - self[r];
	}
	double md = median(dec, rounds), ms = median(skip, rounds), mt = median(ts, rounds);
	snprintf(buf, len,
		 "tap (--decode): chunks decoded %.0f min, %.0f median, %.0f max; skipped %.0f "
		 "min, %.0f median, %.0f max; tshark CPU %.2f s/G median; %s\n",
		 dec[0], md, dec[rounds - 1], skip[0], ms, skip[rounds - 1], mt,
		 warm ? "tshark had started before each flood (BENCH_DECODE_WARM=1)"
		      : "tshark started with each flood");
}

/* Per round and middle: MB/s, its ratio to that round's direct, CPU per GiB (the middle's
 * with its children, a tap's own, every process's); each middle's peak RSS. */
static double mbs[NMIDDLES][MAX_ROUNDS], ratio[NMIDDLES][MAX_ROUNDS];
static double cpu[NMIDDLES][MAX_ROUNDS], own[NMIDDLES][MAX_ROUNDS], all[NMIDDLES][MAX_ROUNDS];
static struct tap_report report[NMIDDLES][MAX_ROUNDS];
static long rss[NMIDDLES];

/* One row of the table: middle M, MED the medians of every middle's MB/s. */
static void print_row(int m, const double *med, int rounds, bool socat)
{
	char vs[16] = "-";
	if (socat && med[SOCAT] > 0)
		snprintf(vs, sizeof(vs), "%.2fx", med[m] / med[SOCAT]);
	/* Direct has no middle; socat forks a child per client, which does the work and is
	 * never waited for: its CPU cannot be read here. */
	char mid[16] = "-", self[16] = "-", every[16] = "-";
	if (m != SOCAT && m != SOCAT_V) {
		if (m != DIRECT)
			snprintf(mid, sizeof(mid), "%.2f s/G", median(cpu[m], rounds));
		snprintf(every, sizeof(every), "%.2f s/G", median(all[m], rounds));
	}
	if (m == TAP_CONSOLE || m == TAP_BATCH || m == TAP_DECODE)
		snprintf(self, sizeof(self), "%.2f s/G", median(own[m], rounds));
	printf("%-24s %8.1f %8.2fx %8.2fx %9s %6ld KiB %9s %9s %9s\n", middle_names[m], med[m],
	       med[m] / med[DIRECT], median(ratio[m], rounds), vs, rss[m], mid, self, every);
}

/* A tap middle M's own CPU by thread, medians of its rounds per GiB of TOTAL bytes. */
static void print_threads(int m, int rounds, size_t total)
{
	double gib = (double)total / (double)(1u << 30);
	printf("%s, own CPU by thread:", middle_names[m]);
	for (int t = 0; t < TH_COUNT; t++) {
		double v[MAX_ROUNDS];
		for (int r = 0; r < rounds; r++)
			v[r] = report[m][r].thread[t] / gib;
		printf(" %s %.2f s/G%s", thread_names[t], median(v, rounds),
		       t + 1 < TH_COUNT ? "," : "\n");
	}
}

/* The table of ROUNDS rounds of TOTAL bytes, run between load averages LOAD0 and LOAD1. */
static void print_table(int rounds, size_t total, bool socat, const char *load0, const char *load1)
{
	printf("\ntap bench: %d rounds, %zu-byte %s sends one way (%zu of them), middles "
	       "alternated (odd rounds in reverse), medians; load average %s at the start, "
	       "%s at the end\n",
	       rounds, chunk, sock_type == SOCK_SEQPACKET ? "seqpacket" : "stream",
	       (total + chunk - 1) / chunk, load0, load1);
	printf("%-24s %8s %9s %9s %9s %10s %9s %9s %9s\n", "through", "MB/s", "vs direct",
	       "per round", "vs socat", "peak RSS", "mid CPU", "own CPU", "all CPU");
	char decoding[200] = "", counts[300] = "";
	if (chosen(TAP_DECODE, socat) && chosen(TAP_CONSOLE, socat))
		decode_ratios(mbs[TAP_DECODE], mbs[TAP_CONSOLE], rounds, decoding,
			      sizeof(decoding));
	if (chosen(TAP_DECODE, socat))
		decode_counts(report[TAP_DECODE], cpu[TAP_DECODE], own[TAP_DECODE], rounds, counts,
			      sizeof(counts));
	double med[NMIDDLES];
	for (int m = 0; m < NMIDDLES; m++)
		med[m] = chosen(m, socat) ? median(mbs[m], rounds) : 0;
	for (int m = 0; m < NMIDDLES; m++)
		if (chosen(m, socat))
			print_row(m, med, rounds, socat);
	if (socat && med[SOCAT_V] > 0)
		printf("tap (console) vs socat -v: %.1fx\n", med[TAP_CONSOLE] / med[SOCAT_V]);
	fputs(decoding, stdout);
	fputs(counts, stdout);
	for (int m = TAP_CONSOLE; m < NMIDDLES; m++)
		if (chosen(m, socat) && (m == TAP_CONSOLE || m == TAP_BATCH || m == TAP_DECODE))
			print_threads(m, rounds, total);
}

int main(int argc, char **argv)
{
	signal(SIGPIPE, SIG_IGN);
	int rounds = argc > 1 ? atoi(argv[1]) : 5;
	rounds = rounds < 1 ? 1 : rounds > MAX_ROUNDS ? MAX_ROUNDS : rounds;
	snprintf(tmp, sizeof(tmp), "/tmp/udscope-bench-tap-XXXXXX");
	if (!mkdtemp(tmp))
		return 1;
	bool socat = system("command -v socat >/dev/null 2>&1") == 0;
	const char *mb = getenv("BENCH_MB"), *ck = getenv("BENCH_CHUNK");
	const size_t total = (size_t)(mb && atoi(mb) > 0 ? atoi(mb) : 512) << 20;
	if (ck && atoi(ck) > 0 && atoi(ck) <= CHUNK)
		chunk = (size_t)atoi(ck);
	if (getenv("BENCH_SEQPACKET") && atoi(getenv("BENCH_SEQPACKET")) > 0)
		sock_type = SOCK_SEQPACKET;
	warm = getenv("BENCH_DECODE_WARM") && atoi(getenv("BENCH_DECODE_WARM")) > 0;
	char load0[64] = "", load1[64] = "";
	load_average(load0, sizeof(load0));
	/* Odd rounds run the middles in the reverse order: no middle always follows another. */
	for (int r = 0; r < rounds; r++)
		for (int i = 0; i < NMIDDLES; i++) {
			int m = r % 2 ? NMIDDLES - 1 - i : i;
			if (chosen(m, socat)) {
				mbs[m][r] = run((enum middle)m, m == SOCAT_V ? total / 32 : total,
						&rss[m], &cpu[m][r], &own[m][r], &all[m][r],
						&report[m][r]);
			}
		}
	for (int r = 0; r < rounds; r++)
		for (int m = 0; m < NMIDDLES; m++)
			ratio[m][r] = chosen(m, socat) ? mbs[m][r] / mbs[DIRECT][r] : 0;
	load_average(load1, sizeof(load1));
	print_table(rounds, total, socat, load0, load1);
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp);
	return system(cmd) == 0 ? 0 : 1;
}
