/* test_decode: the protocol guessed from a socket's name, a decoded summary's line and JSON,
 * and (with tshark installed) the decoder itself: summaries name their chunks, a full queue
 * skips chunks for decoding without waiting, one chunk's whole dissection (-V), tshark
 * and the thread that feeds it run under SCHED_IDLE in a flood, a flood is sampled (its
 * summaries still name their own chunks), and tshark is waited for at stop. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "../skip.h"

#include "core/base/event.h"
#include "core/render/render_event.h"
#include "core/io/decode.h"
#include "core/io/decode_guess.h"

static void test_guess(void **state)
{
	(void)state;
	const struct {
		const char *path, *dissector;
	} cases[] = {
		{ "/run/postgresql/.s.PGSQL.5432", "pgsql" },
		{ "/run/mysqld/mysqld.sock", "mysql" },
		{ "/var/run/redis/redis-server.sock", "resp" },
		{ "/run/dbus/system_bus_socket", "dbus" },
		{ "./bus", "dbus" },
		{ "/var/run/docker.sock", "http" },
		{ "/run/containerd/containerd.sock", "http2" },
		{ "/dev/log", "syslog" },
		{ "/tmp/app.sock", NULL },
		{ "/tmp/.s.PGSQL", NULL },
		{ "/tmp/bus2", NULL },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct decode_proto *p = decode_guess(cases[i].path);
		if (!cases[i].dissector) {
			assert_null(p);
			continue;
		}
		assert_non_null(p);
		assert_string_equal(p->dissector, cases[i].dissector);
	}
	size_t n;
	const struct decode_proto *all = decode_protos(&n);
	assert_int_equal(n, 8);
	assert_string_equal(all[0].dissector, "http");
}

static void test_format(void **state)
{
	(void)state;
	struct event ev;
	event_init(&ev, SRC_TAP, EV_INFO);
	ev.conn = 2;
	ev.dir = DIR_C2S;
	ev.decoded = true;
	ev.chunk_no = 7;
	snprintf(ev.proto, sizeof(ev.proto), "PGSQL");
	event_textf(&ev, ">Q SELECT '\x1b[2J'");
	char buf[EVENT_JSON_MAX];
	render_event_words(&ev, 0, buf, sizeof(buf));
	assert_string_equal(buf, "decoded chunk 7: PGSQL >Q SELECT '\\x1b[2J'");
	render_event_json(&ev, ev.time_ns, buf, sizeof(buf));
	assert_non_null(strstr(buf, ",\"decoded\":{\"chunk\":7,\"protocol\":\"PGSQL\","
				    "\"info\":\">Q SELECT '\\u001b[2J'\"}"));
	assert_null(strstr(buf, "\"text\""));
	event_init(&ev, SRC_TAP, EV_RECV);
	ev.dir = DIR_C2S;
	ev.chunk_no = 7;
	event_set_bytes(&ev, "Q", 1);
	render_event_json(&ev, ev.time_ns, buf, sizeof(buf));
	assert_non_null(strstr(buf, ",\"chunk\":7"));
}

/* The summaries a decoder sent, kept for the test. */
struct got {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct event ev[16];
	size_t n;
};

static void got_emit(void *ctx, struct event *ev)
{
	struct got *g = ctx;
	pthread_mutex_lock(&g->lock);
	if (ev->decoded && g->n < 16)
		event_copy(&g->ev[g->n++], ev);
	pthread_cond_broadcast(&g->cond);
	pthread_mutex_unlock(&g->lock);
}

/* Wait (30 s at most) until G holds N summaries. */
static bool got_wait(struct got *g, size_t n)
{
	struct timespec until;
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += 30;
	pthread_mutex_lock(&g->lock);
	while (g->n < n && pthread_cond_timedwait(&g->cond, &g->lock, &until) == 0)
		;
	bool ok = g->n >= n;
	pthread_mutex_unlock(&g->lock);
	return ok;
}

static bool have_tshark(void)
{
	char path[256];
	return decode_find_tshark(path, sizeof(path)) == 0;
}

static void test_decoder(void **state)
{
	(void)state;
	if (!have_tshark()) {
		UD_SKIP("tshark not installed (apt-get install tshark)");
		return;
	}
	static struct got g = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER };
	struct event_sink sink = { got_emit, &g, NULL };
	struct decoder *d;
	assert_int_equal(decode_start(&d, "http", NULL, SRC_TAP, &sink), 0);
	const char req[] = "GET /x HTTP/1.1\r\nHost: a\r\n\r\n";
	const char rsp[] = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";
	assert_int_equal(decode_offer(d, 1, PCAP_TO_SERVER, req, sizeof(req) - 1), 1);
	assert_int_equal(decode_offer(d, 1, PCAP_TO_CLIENT, rsp, sizeof(rsp) - 1), 2);
	decode_release(d);
	assert_true(got_wait(&g, 2));
	assert_int_equal(g.ev[0].chunk_no, 1);
	assert_int_equal(g.ev[0].dir, DIR_C2S);
	assert_string_equal(g.ev[0].proto, "HTTP");
	assert_string_equal(g.ev[0].text, "GET /x HTTP/1.1");
	assert_int_equal(g.ev[1].chunk_no, 2);
	assert_non_null(strstr(g.ev[1].text, "200 OK"));
	/* Nothing released: the queue fills and the rest are skipped, at once. */
	for (int i = 0; i < DECODE_QUEUE + 10; i++)
		decode_offer(d, 1, PCAP_TO_SERVER, req, sizeof(req) - 1);
	struct decode_stats st;
	decode_stats(d, &st);
	assert_int_equal(st.offered, 2 + DECODE_QUEUE + 10);
	assert_int_equal(st.skipped, 10);
	assert_int_equal(st.decoded, 2);
	/* The whole dissection of one chunk, on demand, as the detail view would ask. */
	char *full = NULL;
	assert_int_equal(decode_dissect(d, 1, PCAP_TO_SERVER, req, sizeof(req) - 1, 30000, &full),
			 0);
	assert_non_null(strstr(full, "Hypertext Transfer Protocol"));
	assert_non_null(strstr(full, "GET /x HTTP/1.1\\r\\n"));
	free(full);
	decode_stop(d);
	/* tshark was waited for: this process has no child left. */
	assert_int_equal(waitpid(-1, NULL, WNOHANG), -1);
	assert_int_equal(errno, ECHILD);
}

/* The first line of /proc/PATH into BUF (newline cut); false when it cannot be read. */
static bool proc_line(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return false;
	bool ok = fgets(buf, (int)len, f) != NULL;
	fclose(f);
	if (ok)
		buf[strcspn(buf, "\n")] = '\0';
	return ok;
}

/* The pid of this process's child named tshark (after its exec), or 0. */
static pid_t tshark_child(void)
{
	DIR *dir = opendir("/proc");
	pid_t found = 0;
	struct dirent *e;
	while (dir && !found && (e = readdir(dir))) {
		char path[300], line[512];
		snprintf(path, sizeof(path), "/proc/%s/stat", e->d_name);
		if (e->d_name[0] < '1' || e->d_name[0] > '9' ||
		    !proc_line(path, line, sizeof(line)))
			continue;
		/* "PID (COMM) STATE PPID ...": COMM may hold anything, so read from its end. */
		char *close = strrchr(line, ')');
		int ppid;
		if (close && sscanf(close + 1, " %*c %d", &ppid) == 1 && ppid == getpid() &&
		    strncmp(strchr(line, '(') + 1, "tshark)", 7) == 0)
			found = atoi(e->d_name);
	}
	if (dir)
		closedir(dir);
	return found;
}

/* The id of this process's thread named NAME, or 0. */
static pid_t thread_named(const char *name)
{
	DIR *dir = opendir("/proc/self/task");
	pid_t found = 0;
	struct dirent *e;
	while (dir && !found && (e = readdir(dir))) {
		char path[300], comm[64];
		snprintf(path, sizeof(path), "/proc/self/task/%s/comm", e->d_name);
		if (e->d_name[0] != '.' && proc_line(path, comm, sizeof(comm)) &&
		    strcmp(comm, name) == 0)
			found = atoi(e->d_name);
	}
	if (dir)
		closedir(dir);
	return found;
}


/* Wait (30 s at most) until PID runs under POLICY. */
static bool policy_becomes(pid_t pid, int policy)
{
	for (time_t until = time(NULL) + 30; time(NULL) < until; sched_yield())
		if (sched_getscheduler(pid) == policy)
			return true;
	return sched_getscheduler(pid) == policy;
}

/* tshark keeps up at nice 10 (so a busy machine still leaves it a share, and summaries come);
 * once the relay skips chunks because tshark fell behind, tshark and the thread feeding it
 * drop to SCHED_IDLE (CPU time nothing else wants: the relay first), and when nothing has
 * been skipped for a moment they are back at nice 10. The reader keeps its priority. Root
 * only: an unprivileged process may not leave SCHED_IDLE again, so it stays at nice 10. */
static void test_idle(void **state)
{
	(void)state;
	if (!have_tshark()) {
		UD_SKIP("tshark not installed (apt-get install tshark)");
		return;
	}
	static struct got g = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER };
	struct event_sink sink = { got_emit, &g, NULL };
	struct decoder *d;
	assert_int_equal(decode_start(&d, "data", NULL, SRC_TAP, &sink), 0);
	pid_t tshark = 0;
	for (time_t until = time(NULL) + 30; !(tshark = tshark_child()) && time(NULL) < until;)
		sched_yield(); /* until the child has exec'd tshark */
	assert_true(tshark > 0);
	assert_int_equal(sched_getscheduler(tshark), SCHED_OTHER);
	assert_int_equal(getpriority(PRIO_PROCESS, (id_t)tshark), 10);
	pid_t feed = thread_named("decode-feed"), read = thread_named("decode-read");
	assert_true(feed > 0);
	assert_true(read > 0);
	assert_int_equal(sched_getscheduler(feed), SCHED_OTHER);
	if (geteuid() == 0) {
		/* A flood: offered far faster than tshark answers, until some are skipped. */
		char chunk[512];
		memset(chunk, 'x', sizeof(chunk));
		struct decode_stats st = { 0 };
		for (time_t until = time(NULL) + 30; !st.skipped && time(NULL) < until;) {
			for (int i = 0; i < 1000; i++)
				decode_offer(d, 1, PCAP_TO_SERVER, chunk, sizeof(chunk));
			decode_release(d);
			decode_stats(d, &st);
		}
		assert_true(st.skipped > 0);
		assert_true(policy_becomes(tshark, SCHED_IDLE));
		assert_true(policy_becomes(feed, SCHED_IDLE));
		/* The flood is over: back at nice 10, and what was queued gets decoded. */
		assert_true(policy_becomes(tshark, SCHED_OTHER));
		assert_int_equal(getpriority(PRIO_PROCESS, (id_t)tshark), 10);
		assert_true(policy_becomes(feed, SCHED_OTHER));
	}
	assert_int_equal(sched_getscheduler(read), sched_getscheduler(0));
	decode_stop(d);
	assert_int_equal(waitpid(-1, NULL, WNOHANG), -1);
}

/* What the flood's summaries said: how many named their own chunk (an HTTP request for
 * /N is chunk N) and how many another, and the last chunk named. */
struct tally {
	pthread_mutex_t lock;
	uint64_t good, bad, last;
};

static void tally_emit(void *ctx, struct event *ev)
{
	struct tally *t = ctx;
	if (!ev->decoded)
		return;
	unsigned long long no = 0;
	bool named = sscanf(ev->text, "GET /%llu HTTP/1.1", &no) == 1;
	pthread_mutex_lock(&t->lock);
	if (named && no == ev->chunk_no)
		t->good++;
	else
		t->bad++;
	if (ev->chunk_no > t->last)
		t->last = ev->chunk_no;
	pthread_mutex_unlock(&t->lock);
}

static double mono_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A pause between two looks at a condition (its deadline decides, not this). */
static void nap(void)
{
	nanosleep(&(struct timespec){ 0, 10000000 }, NULL);
}

/* Offer the request for /N as the next chunk N of D (NO: the chunks offered so far). */
static void offer_request(struct decoder *d, uint64_t *no)
{
	char req[64];
	int n = snprintf(req, sizeof(req), "GET /%llu HTTP/1.1\r\nHost: a\r\n\r\n",
			 (unsigned long long)(*no + 1));
	*no = decode_offer(d, 1, PCAP_TO_SERVER, req, (size_t)n);
}

/* A flood is sampled: with tshark started, half a second of chunks offered as fast as the
 * loop goes puts at most DECODE_BURST plus DECODE_RATE a second of them in the queue, the
 * rest are counted as sampled out (and said so), those decoded come from all along the
 * flood, and each summary names its own chunk. */
static void test_sample(void **state)
{
	(void)state;
	if (!have_tshark()) {
		UD_SKIP("tshark not installed (apt-get install tshark)");
		return;
	}
	static struct tally t = { PTHREAD_MUTEX_INITIALIZER, 0, 0, 0 };
	struct event_sink sink = { tally_emit, &t, NULL };
	struct decoder *d;
	assert_int_equal(decode_start(&d, "http", NULL, SRC_TAP, &sink), 0);
	uint64_t no = 0;
	offer_request(d, &no); /* until its summary is back, tshark is starting */
	decode_release(d);
	struct decode_stats st = { 0 };
	for (double until = mono_s() + 60; !st.decoded && mono_s() < until; nap())
		decode_stats(d, &st);
	assert_int_equal(st.decoded, 1);
	double t0 = mono_s(), t1 = t0;
	while (t1 - t0 < 0.5) {
		for (int i = 0; i < 64; i++)
			offer_request(d, &no);
		decode_release(d);
		t1 = mono_s();
	}
	decode_stats(d, &st);
	uint64_t queued = st.offered - st.skipped;
	print_message("# flood: %llu chunks in %.2f s, %llu queued for tshark, %llu sampled out\n",
		      (unsigned long long)st.offered, t1 - t0, (unsigned long long)queued,
		      (unsigned long long)st.sampled);
	assert_true(st.sampled > 0);
	assert_true(queued <= 1 + DECODE_BURST + (uint64_t)(DECODE_RATE * (t1 - t0 + 0.01)));
	char line[256];
	decode_describe(d, line, sizeof(line));
	assert_non_null(strstr(line, "sampled out"));
	/* Every queued chunk is answered, each by its own summary. */
	for (double until = mono_s() + 60; st.decoded < queued && mono_s() < until; nap())
		decode_stats(d, &st);
	decode_stop(d);
	pthread_mutex_lock(&t.lock);
	assert_int_equal(t.good, queued);
	assert_int_equal(t.bad, 0);
	assert_true(t.last > 1 + 2 * DECODE_BURST); /* not only the flood's first chunks */
	pthread_mutex_unlock(&t.lock);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_guess),
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_decoder),
		cmocka_unit_test(test_idle),
		cmocka_unit_test(test_sample),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
