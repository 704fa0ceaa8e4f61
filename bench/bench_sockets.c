/* bench_sockets: the `sockets` listing at scale against `ss -xap`: 20,000 Unix sockets held by
 * 200 processes, both listings timed in alternated rounds, and what each reports compared;
 * and the console's way (core/sockets_async): how soon the rows come, how soon their holders. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/system/sockets_async.h"

#define NPROC 200
#define PER_PROC 100           /* sockets each holder keeps open */
#define LISTENERS 16           /* of those: listeners on a path, each with one client */

static char dir[64];

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* One holder: LISTENERS listeners on paths, a client connected to each and the accepted end
 * (3 sockets each), the rest in socketpairs; then it waits until the bench closes GO. */
static void holder(int idx, int ready, int go)
{
	int made = 0;
	for (int k = 0; k < LISTENERS; k++) {
		struct sockaddr_un sun = { .sun_family = AF_UNIX };
		snprintf(sun.sun_path, sizeof(sun.sun_path), "%s/p%d-%d", dir, idx, k);
		int l = socket(AF_UNIX, SOCK_STREAM, 0);
		int c = socket(AF_UNIX, SOCK_STREAM, 0);
		if (l < 0 || c < 0 || bind(l, (struct sockaddr *)&sun, sizeof(sun)) < 0 ||
		    listen(l, 4) < 0 || connect(c, (struct sockaddr *)&sun, sizeof(sun)) < 0 ||
		    accept(l, NULL, NULL) < 0)
			_exit(1);
		made += 3;
	}
	while (made + 2 <= PER_PROC) {
		int sv[2];
		if (socketpair(AF_UNIX, made % 4 ? SOCK_STREAM : SOCK_DGRAM, 0, sv) < 0)
			_exit(1);
		made += 2;
	}
	char b = 'r';
	if (write(ready, &b, 1) != 1)
		_exit(1);
	(void)read(go, &b, 1);   /* EOF: the bench is done */
	_exit(0);
}

/* Run ARGV with standard output to OUT_PATH (NULL: /dev/null); returns the seconds it took,
 * or -1 when it failed. */
static double timed_run(char *const argv[], const char *out_path)
{
	double t0 = now_s();
	pid_t pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		int fd = open(out_path ? out_path : "/dev/null", O_WRONLY | O_CREAT | O_TRUNC, 0600);
		if (fd < 0 || dup2(fd, 1) < 0)
			_exit(127);
		execvp(argv[0], argv);
		_exit(127);
	}
	int st;
	if (waitpid(pid, &st, 0) < 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
		return -1;
	return now_s() - t0;
}

struct tally {
	long sockets;      /* rows */
	long owned;        /* rows that name at least one process */
};

/* ss -xap: one row a socket ("u_str ESTAB ..."), "users:((" when a process holds it. */
static struct tally tally_ss(const char *path)
{
	struct tally t = { 0, 0 };
	FILE *f = fopen(path, "r");
	char line[4096];
	while (f && fgets(line, sizeof(line), f)) {
		if (strncmp(line, "u_", 2) != 0)
			continue;
		t.sockets++;
		if (strstr(line, "users:(("))
			t.owned++;
	}
	if (f)
		fclose(f);
	return t;
}

/* udscope -b --json -e sockets: one {"report":"sockets",...} object whose rows each end with
 * "holders_total":N (0 when no process holds the socket). A quote inside a string is escaped,
 * so the key cannot be forged by a path. */
static struct tally tally_udscope(const char *path)
{
	struct tally t = { 0, 0 };
	FILE *f = fopen(path, "r");
	if (!f)
		return t;
	static const char key[] = "\"holders_total\":";
	char buf[1 << 16];
	size_t have = 0, n;
	while ((n = fread(buf + have, 1, sizeof(buf) - 1 - have, f)) > 0) {
		have += n;
		buf[have] = '\0';
		char *p = buf, *hit;
		/* A key and its number whole before the end of the buffer: counted. */
		while ((hit = strstr(p, key)) && strpbrk(hit + sizeof(key) - 1, ",}")) {
			t.sockets++;
			if (atol(hit + sizeof(key) - 1) > 0)
				t.owned++;
			p = hit + sizeof(key) - 1;
		}
		size_t keep = strlen(p) < sizeof(key) + 24 ? strlen(p) : sizeof(key) + 24;
		memmove(buf, p + strlen(p) - keep, keep);
		have = keep;
	}
	fclose(f);
	return t;
}

/* The console's listing: the rows at once (FIRST), the holders from the worker (FULL), in
 * seconds; how many sockets and how many with an owner. Returns -1 when it failed. */
static int timed_async(double *first, double *full, struct tally *t)
{
	struct sockets_async *a;
	struct sockets_list l;
	struct sockets_async_state st;
	double t0 = now_s();
	if (sockets_async_new(&a, NULL, NULL) < 0 || sockets_async_collect(a, &l, &st) < 0)
		return -1;
	*first = now_s() - t0;
	while (!st.holders && st.scanning) {
		struct pollfd p = { .fd = sockets_async_fd(a), .events = POLLIN };
		if (poll(&p, 1, 10000) != 1)
			return -1;
		if (!sockets_async_ack(a))
			continue;
		sockets_free(&l);
		if (sockets_async_collect(a, &l, &st) < 0)
			return -1;
	}
	*full = now_s() - t0;
	t->sockets = (long)l.n;
	t->owned = 0;
	for (size_t i = 0; i < l.n; i++)
		t->owned += l.v[i].nprocs > 0;
	sockets_free(&l);
	sockets_async_free(a);
	return st.holders ? 0 : -1;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static int start_holders(pid_t *pids, int *go_w)
{
	int ready[2], go[2];
	if (pipe(ready) < 0 || pipe(go) < 0)
		return -1;
	for (int i = 0; i < NPROC; i++) {
		pids[i] = fork();
		if (pids[i] < 0)
			return -1;
		if (pids[i] == 0) {
			close(ready[0]);
			close(go[1]);
			holder(i, ready[1], go[0]);
		}
	}
	close(ready[1]);
	close(go[0]);
	for (int i = 0; i < NPROC; i++) {
		char b;
		if (read(ready[0], &b, 1) != 1)
			return -1;
	}
	close(ready[0]);
	*go_w = go[1];
	return 0;
}

int main(int argc, char **argv)
{
	int rounds = argc > 1 && atoi(argv[1]) > 0 ? atoi(argv[1]) : 5;
	const char *udscope = argc > 2 ? argv[2] : "src/udscope";
	if (access(udscope, X_OK) < 0 || timed_run((char *[]){ "ss", "-V", NULL }, NULL) < 0) {
		printf("sockets bench: skipped (needs %s and ss from iproute2)\n", udscope);
		return 0;
	}
	snprintf(dir, sizeof(dir), "/tmp/udscope-bench-XXXXXX");
	if (!mkdtemp(dir))
		return 1;
	pid_t pids[NPROC];
	int go = -1;
	if (start_holders(pids, &go) < 0) {
		fprintf(stderr, "sockets bench: starting the holders: %s\n", strerror(errno));
		return 1;
	}
	/* BENCH_PROFILE: a shell command run once while the holders are up (strace, perf). */
	if (getenv("BENCH_PROFILE") && system(getenv("BENCH_PROFILE")) != 0)
		fprintf(stderr, "sockets bench: BENCH_PROFILE failed\n");
	char *ss[] = { "ss", "-xap", NULL };
	char *uds[] = { (char *)udscope, "-b", "--json", "-e", "sockets", NULL };
	char ss_out[96], uds_out[96];
	snprintf(ss_out, sizeof(ss_out), "%s/ss.out", dir);
	snprintf(uds_out, sizeof(uds_out), "%s/uds.out", dir);
	double t_ss[64], t_uds[64], t_first[64], t_full[64];
	struct tally c = { 0, 0 };
	if (rounds > 64)
		rounds = 64;
	int bad = 0;
	for (int r = 0; r < rounds; r++) {
		/* Alternated, so both see the same machine. */
		t_ss[r] = timed_run(ss, ss_out);
		t_uds[r] = timed_run(uds, uds_out);
		bad |= t_ss[r] < 0 || t_uds[r] < 0 || timed_async(&t_first[r], &t_full[r], &c) < 0;
	}
	struct tally a = tally_ss(ss_out), b = tally_udscope(uds_out);
	close(go);
	for (int i = 0; i < NPROC; i++)
		waitpid(pids[i], NULL, 0);
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "sockets bench: could not remove %s\n", dir);
	if (bad) {
		fprintf(stderr, "sockets bench: a listing failed\n");
		return 1;
	}
	double ms = median(t_ss, rounds) * 1e3, mu = median(t_uds, rounds) * 1e3;
	printf("\nsockets listing, %d processes x %d sockets, %d rounds alternated, medians\n",
	       NPROC, PER_PROC, rounds);
	printf("%-32s %10s %9s %10s %10s\n", "listing", "ms", "vs ss", "sockets", "with owner");
	printf("%-32s %10.1f %8.2fx %10ld %10ld\n", "ss -xap", ms, 1.0, a.sockets, a.owned);
	printf("%-32s %10.1f %8.2fx %10ld %10ld\n", "udscope -b --json -e sockets", mu, mu / ms,
	       b.sockets, b.owned);
	double mf = median(t_first, rounds) * 1e3, mc = median(t_full, rounds) * 1e3;
	printf("%-32s %10.1f %8.2fx %10ld %10s\n", "console table: first rows", mf, mf / ms,
	       c.sockets, "-");
	printf("%-32s %10.1f %8.2fx %10ld %10ld\n", "console table: with processes", mc, mc / ms,
	       c.sockets, c.owned);
	return 0;
}
