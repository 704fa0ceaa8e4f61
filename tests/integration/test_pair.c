/* test_pair: the socketpair + fork demo with real forks: its story, its bytes, its failures. */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/cmd/app.h"
#include "core/base/bus.h"
#include "core/cmd/cmd.h"
#include "core/base/event.h"
#include "core/session/pair.h"
#include "core/render/render_event.h"
#include "core/render/render_fact.h"
#include "harness.h"

static int setup(void **state)
{
	if (rec_setup(state) < 0)
		return -1;
	unsetenv(PAIR_ENV_CHILD_FAIL);
	unsetenv(PAIR_ENV_TIMEOUT);
	return 0;
}

static int teardown(void **state)
{
	rec_teardown(state);
	unsetenv(PAIR_ENV_CHILD_FAIL);
	unsetenv(PAIR_ENV_TIMEOUT);
	return 0;
}

/* Run one pair command to its end, as batch does; returns the session's status. The finds
 * see only its events. */
static int run(struct rec *r, const char *line)
{
	rec_mark(r);
	assert_int_equal(cmd_run_line(&r->app, line), CMD_PENDING);
	int st = app_wait_for(&r->app, &r->app.wait);
	app_release_wait(&r->app);
	app_reap(&r->app);
	assert_null(app_pair(&r->app));
	return st;
}

/* The first event since the mark with SOURCE and KIND whose text starts with PREFIX. */
static long find(const struct rec *r, enum event_source source, enum event_kind kind,
		 const char *prefix)
{
	return rec_find(r, 0, source, kind, prefix);
}

/* Events since the mark from SOURCE, of any kind, whose text starts with PREFIX. */
static size_t count(const struct rec *r, enum event_source source, const char *prefix)
{
	return rec_count_prefix(r, source, REC_ANY, prefix);
}

/* Event I's words: a fact's, made from its fields, or its text. */
static const char *words(const struct rec *r, long i)
{
	static char bufs[4][EVENT_TEXT_MAX + 256];
	static unsigned k;
	char *buf = bufs[k++ & 3];
	if (!r->ev[i].fact)
		return r->ev[i].text;
	render_fact_words(&r->ev[i], false, buf, sizeof(bufs[0]));
	return buf;
}

/* The child's pid, from the parent's first line (fact forked: child_pid; its words say it:
 * "... and fork: child 1234; ..."). */
static pid_t child_pid(const struct rec *r)
{
	long i = find(r, SRC_PAIR_PARENT, EV_INFO, "socketpair(AF_UNIX, ");
	assert_true(i >= 0);
	assert_int_equal(r->ev[i].fact, FACT_PAIR_FORKED);
	const char *c = strstr(words(r, i), "and fork: child ");
	assert_non_null(c);
	long pid = strtol(c + strlen("and fork: child "), NULL, 10);
	assert_int_equal(pid, r->ev[i].child_pid);
	assert_true(pid > 0);
	assert_int_not_equal(pid, getpid());
	return (pid_t)pid;
}

static void assert_bytes(const struct event *ev, const void *data, size_t len)
{
	assert_int_equal(ev->nbytes, len);
	assert_int_equal(ev->preview_len, len < EVENT_PREVIEW_MAX ? len : EVENT_PREVIEW_MAX);
	assert_memory_equal(ev->preview, data, ev->preview_len);
}

/* The walkthrough's story, in order, each line from the process it speaks for. */
static void assert_story(const struct rec *r, const char *type_macro, const char *msg_line,
			 const void *msg, size_t len, const char *reply_line, const void *reply,
			 size_t rlen)
{
	pid_t me = getpid(), kid = child_pid(r);
	char intro[64];
	snprintf(intro, sizeof(intro), "socketpair(AF_UNIX, %s) and fork: child ", type_macro);
	long i0 = find(r, SRC_PAIR_PARENT, EV_INFO, intro);
	long i1 = find(r, SRC_PAIR_PARENT, EV_INFO, "in parent, sending message");
	long i2 = find(r, SRC_PAIR_CHILD, EV_INFO, "in child, waiting for message");
	long i3 = find(r, SRC_PAIR_CHILD, EV_INFO, msg_line);
	long i4 = find(r, SRC_PAIR_PARENT, EV_INFO, reply_line);
	long i5 = find(r, SRC_PAIR_CHILD, EV_INFO, "exited with status 0");
	long i6 = find(r, SRC_PAIR_PARENT, EV_DONE, "exchange took ");
	assert_true(i0 >= 0);
	assert_true(i0 < i1);
	assert_true(i1 < i2);
	assert_true(i2 < i3);
	assert_true(i3 < i4);
	assert_true(i4 < i5);
	assert_true(i5 < i6);
	assert_string_equal(words(r, i3), msg_line);
	assert_string_equal(words(r, i4), reply_line);
	assert_bytes(&r->ev[i3], msg, len);
	assert_bytes(&r->ev[i4], reply, rlen);
	for (size_t i = r->mark; i < r->n; i++) {
		const struct event *ev = &r->ev[i];
		assert_int_not_equal(ev->kind, EV_ERROR);
		if (ev->source == SRC_PAIR_PARENT)
			assert_int_equal(ev->actor, me);
		else if (ev->source == SRC_PAIR_CHILD)
			assert_int_equal(ev->actor, kid);
	}
	char label[64], want[64];
	render_event_label(&r->ev[i3], label, sizeof(label));
	snprintf(want, sizeof(want), "pair child %ld", (long)kid);
	assert_string_equal(label, want);
	render_event_label(&r->ev[i4], label, sizeof(label));
	snprintf(want, sizeof(want), "pair parent %ld", (long)me);
	assert_string_equal(label, want);
}

static void test_default_story(void **state)
{
	struct rec *r = *state;
	assert_int_equal(run(r, "pair"), 0);
	assert_story(r, "SOCK_STREAM", "message from parent: b'ping'", "ping", 4,
		     "response from child: b'pong'", "pong", 4);
	/* The batch line a person reads. */
	long i = find(r, SRC_PAIR_CHILD, EV_INFO, "message from parent: ");
	char line[EVENT_LINE_MAX], want[96];
	render_event_line(&r->ev[i], 0, 0, line, sizeof(line));
	snprintf(want, sizeof(want), "pair child %ld: message from parent: b'ping'",
		 (long)child_pid(r));
	assert_string_equal(line, want);
}

static void test_each_type(void **state)
{
	struct rec *r = *state;
	static const struct { const char *line, *macro; } t[] = {
		{ "pair hello world", "SOCK_STREAM" },
		{ "pair hello world --type stream", "SOCK_STREAM" },
		{ "pair hello world --type seqpacket", "SOCK_SEQPACKET" },
		{ "pair --type dgram hello world", "SOCK_DGRAM" },
	};
	for (size_t k = 0; k < sizeof(t) / sizeof(t[0]); k++) {
		assert_int_equal(run(r, t[k].line), 0);
		assert_story(r, t[k].macro, "message from parent: b'hello'", "hello", 5,
			     "response from child: b'world'", "world", 5);
		/* One recv each way: exactly one message line and one response line. */
		assert_int_equal(count(r, SRC_PAIR_CHILD, "message from parent: "), 1);
		assert_int_equal(count(r, SRC_PAIR_PARENT, "response from child: "), 1);
	}
}

static void test_bytes_with_nul_and_quotes(void **state)
{
	struct rec *r = *state;
	assert_int_equal(run(r, "pair \"a\\x00b\\n\" \"it's\\xff\" --type seqpacket"), 0);
	assert_story(r, "SOCK_SEQPACKET", "message from parent: b'a\\x00b\\n'", "a\0b\n", 4,
		     "response from child: b\"it's\\xff\"", "it's\xff", 5);
}

/* A 3000-byte word for "pair": letters in a pattern, so pieces can be checked. */
static char *long_line(size_t n, const char *tail)
{
	char *line = malloc(n + 64);
	assert_non_null(line);
	strcpy(line, "pair ");
	size_t w = strlen(line);
	for (size_t i = 0; i < n; i++)
		line[w++] = (char)('a' + i % 26);
	strcpy(line + w, tail);
	return line;
}

static void test_stream_pieces_versus_one_message(void **state)
{
	struct rec *r = *state;
	char pattern[3000];
	for (size_t i = 0; i < sizeof(pattern); i++)
		pattern[i] = (char)('a' + i % 26);

	/* A byte stream: the child reads 1024 at a time until all 3000 are in. */
	char *line = long_line(3000, " ok");
	assert_int_equal(run(r, line), 0);
	free(line);
	static const size_t piece[] = { 1024, 1024, 952 };
	long at = 0;
	size_t off = 0;
	for (size_t k = 0; k < 3; k++) {
		at = rec_find(r, (size_t)at, SRC_PAIR_CHILD, EV_INFO, "message from parent: b'");
		assert_true(at >= 0);
		assert_int_equal(r->ev[at].nbytes, piece[k]);
		assert_memory_equal(r->ev[at].preview, pattern + off, EVENT_PREVIEW_MAX);
		assert_non_null(strstr(words(r, at), "... ("));
		off += piece[k];
		at++;
	}
	assert_int_equal(count(r, SRC_PAIR_CHILD, "message from parent: "), 3);
	assert_true(find(r, SRC_PAIR_PARENT, EV_INFO, "response from child: b'ok'") >= 0);

	/* Seqpacket and dgram: one recv is one message; what does not fit is discarded. */
	for (int k = 0; k < 2; k++) {
		line = long_line(3000, k ? " ok --type dgram" : " ok --type seqpacket");
		assert_int_equal(run(r, line), 0);
		free(line);
		assert_int_equal(count(r, SRC_PAIR_CHILD, "message from parent: "), 1);
		long i = find(r, SRC_PAIR_CHILD, EV_INFO, "message from parent: ");
		assert_int_equal(r->ev[i].nbytes, 1024);
		assert_memory_equal(r->ev[i].preview, pattern, EVENT_PREVIEW_MAX);
		assert_non_null(
			strstr(words(r, i), " (1024 of 3000 bytes: one recv takes one message"));
	}
}

static void test_refused_words(void **state)
{
	struct rec *r = *state;
	rec_mark(r);
	assert_int_equal(cmd_run_line(&r->app, "pair ''"), CMD_FAIL);
	assert_true(find(r, SRC_PAIR_PARENT, EV_ERROR, "pair: the message is empty") >= 0);
	assert_int_equal(cmd_run_line(&r->app, "pair ping ''"), CMD_FAIL);
	assert_true(find(r, SRC_PAIR_PARENT, EV_ERROR, "pair: the reply is empty") >= 0);
	char *line = long_line(PAIR_MSG_MAX + 1, "");
	assert_int_equal(cmd_run_line(&r->app, line), CMD_FAIL);
	free(line);
	assert_true(find(r, SRC_PAIR_PARENT, EV_ERROR,
			 "pair: the message is 65537 bytes; at most 65536") >= 0);
	assert_int_equal(cmd_run_line(&r->app, "pair --type raw"), CMD_FAIL);
	assert_null(app_pair(&r->app));
}

static void test_hundred_runs_leave_nothing(void **state)
{
	struct rec *r = *state;
	static const char *const lines[] = {
		"pair", "pair hello world --type seqpacket", "pair \"\\x00\" x --type dgram",
	};
	size_t before = rec_fd_count();
	pid_t last = 0;
	for (int i = 0; i < 100; i++) {
		assert_int_equal(run(r, lines[i % 3]), 0);
		pid_t kid = child_pid(r);
		assert_int_not_equal(kid, last);
		last = kid;
		assert_true(find(r, SRC_PAIR_PARENT, EV_DONE, "exchange took ") >= 0);
	}
	assert_int_equal(rec_fd_count(), before);
	rec_assert_no_children();
}

static void test_child_exits_early(void **state)
{
	struct rec *r = *state;
	setenv(PAIR_ENV_CHILD_FAIL, "exit3", 1);
	size_t before = rec_fd_count();
	assert_int_equal(run(r, "pair"), EPROTO);
	pid_t kid = child_pid(r);
	char want[96];
	snprintf(want, sizeof(want), "pair: child %ld exited with status 3 before replying",
		 (long)kid);
	long e = find(r, SRC_PAIR_PARENT, EV_ERROR, want);
	assert_true(e >= 0);
	assert_string_equal(words(r, e), want);
	long w = find(r, SRC_PAIR_CHILD, EV_INFO, "in child, waiting for message");
	long x = find(r, SRC_PAIR_CHILD, EV_INFO, "exited with status 3");
	assert_true(w >= 0 && w < x && x < e);
	assert_int_equal(r->ev[x].actor, kid);
	assert_int_equal(count(r, SRC_PAIR_CHILD, "message from parent"), 0);
	assert_int_equal(count(r, SRC_PAIR_PARENT, "response from child"), 0);
	assert_int_equal(find(r, SRC_PAIR_PARENT, EV_DONE, ""), -1);
	assert_int_equal(rec_fd_count(), before);
	rec_assert_no_children();
	/* Batch turns that status into a failure. */
	unsetenv(PAIR_ENV_CHILD_FAIL);
	assert_int_equal(run(r, "pair"), 0);
}

static void test_child_hangs_and_is_killed(void **state)
{
	struct rec *r = *state;
	setenv(PAIR_ENV_CHILD_FAIL, "hang", 1);
	/* Long enough for the child to read the message first, even in a sanitizer build on a
	 * busy machine (200 ms was not). */
	setenv(PAIR_ENV_TIMEOUT, "1500", 1);
	size_t before = rec_fd_count();
	assert_int_equal(run(r, "pair"), ETIMEDOUT);
	pid_t kid = child_pid(r);
	char want[96];
	snprintf(want, sizeof(want), "pair: child %ld killed after 1500 ms without replying",
		 (long)kid);
	long m = find(r, SRC_PAIR_CHILD, EV_INFO, "message from parent: b'ping'");
	long k = find(r, SRC_PAIR_CHILD, EV_INFO, "killed by signal 9 (SIGKILL)");
	long e = find(r, SRC_PAIR_PARENT, EV_ERROR, want);
	assert_true(m >= 0 && m < k && k < e);
	assert_string_equal(words(r, e), want);
	assert_int_equal(rec_fd_count(), before);
	rec_assert_no_children();
}

static void test_stop_kills_the_child(void **state)
{
	struct rec *r = *state;
	setenv(PAIR_ENV_CHILD_FAIL, "hang", 1);
	setenv(PAIR_ENV_TIMEOUT, "600000", 1);
	rec_mark(r);
	assert_int_equal(cmd_run_line(&r->app, "pair"), CMD_PENDING);
	assert_true(rec_wait(r, 0, SRC_PAIR_CHILD, EV_INFO, "message from parent: b'ping'") >= 0);
	assert_false(pair_finished(app_pair(&r->app)));
	pair_request_stop(app_pair(&r->app));
	assert_int_equal(app_wait_for(&r->app, &r->app.wait), ECANCELED);
	app_release_wait(&r->app);
	app_reap(&r->app);
	assert_null(app_pair(&r->app));
	char want[64];
	snprintf(want, sizeof(want), "stopped: child %ld killed", (long)child_pid(r));
	assert_true(find(r, SRC_PAIR_PARENT, EV_INFO, want) >= 0);
	assert_true(find(r, SRC_PAIR_CHILD, EV_INFO, "killed by signal 9 (SIGKILL)") >= 0);
	rec_assert_no_children();

	/* Closing the app with an exchange under way does the same. */
	rec_mark(r);
	assert_int_equal(cmd_run_line(&r->app, "pair"), CMD_PENDING);
	assert_true(rec_wait(r, 0, SRC_PAIR_CHILD, EV_INFO, "message from parent: b'ping'") >= 0);
	app_close(&r->app);
	assert_true(find(r, SRC_PAIR_CHILD, EV_INFO, "killed by signal 9 (SIGKILL)") >= 0);
	rec_assert_no_children();
	assert_int_equal(rec_app_init(r), 0);
}

static void test_bad_knob_is_said(void **state)
{
	struct rec *r = *state;
	setenv(PAIR_ENV_TIMEOUT, "soon", 1);
	assert_int_equal(run(r, "pair"), 0);
	assert_true(find(r, SRC_PAIR_PARENT, EV_ERROR,
			 "pair: UDSCOPE_PAIR_TIMEOUT_MS=soon is not a number") >= 0);
}

/* ---- the demo while the echo server is busy with clients ---- */

#define BUSY_CLIENTS 4
#define BUSY_BYTES 4096

struct busy {
	char path[100];
	atomic_bool stop;
	atomic_uint rounds;
	atomic_uint bad;
	pthread_mutex_t lock;
	char why[256];   /* the first failure, said by the test's thread */
};

static void busy_failed(struct busy *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void busy_failed(struct busy *b, const char *fmt, ...)
{
	pthread_mutex_lock(&b->lock);
	if (atomic_fetch_add(&b->bad, 1) == 0) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(b->why, sizeof(b->why), fmt, ap);
		va_end(ap);
	}
	pthread_mutex_unlock(&b->lock);
}

static void *busy_client(void *arg)
{
	struct busy *b = arg;
	char out[BUSY_BYTES], in[BUSY_BYTES];
	for (size_t i = 0; i < sizeof(out); i++)
		out[i] = (char)(i * 7 + 1);
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", b->path);
	while (!atomic_load(&b->stop)) {
		int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (fd < 0 || connect(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0 ||
		    send(fd, out, sizeof(out), MSG_NOSIGNAL) != (ssize_t)sizeof(out)) {
			busy_failed(b, "busy client: socket, connect or send: %s", strerror(errno));
			if (fd >= 0)
				close(fd);
			break;
		}
		char why[200];
		if (rec_recv_exact(fd, in, sizeof(in), out, "busy client's echo", why,
				   sizeof(why)) != sizeof(in))
			busy_failed(b, "%s", why);
		close(fd);
		atomic_fetch_add(&b->rounds, 1);
	}
	return NULL;
}

static void test_demo_while_server_is_busy(void **state)
{
	struct rec *r = *state;
	/* Only the demo's lines (and udscope's) are kept; the server's are only counted. */
	rec_keep(r, 1u << SRC_PAIR_PARENT | 1u << SRC_PAIR_CHILD | 1u << SRC_SYSTEM);
	struct busy b;
	memset(&b, 0, sizeof(b));
	pthread_mutex_init(&b.lock, NULL);
	snprintf(b.path, sizeof(b.path), "%s", rec_path(r, "uds_socket"));
	char line[200];
	snprintf(line, sizeof(line), "server start %s", b.path);
	assert_int_equal(cmd_run_line(&r->app, line), CMD_OK);
	assert_non_null(app_server(&r->app));

	pthread_t t[BUSY_CLIENTS];
	for (int i = 0; i < BUSY_CLIENTS; i++)
		assert_int_equal(pthread_create(&t[i], NULL, busy_client, &b), 0);
	/* The server publishes to a lossless bus: keep pumping until the clients are going. */
	uint64_t deadline = event_now_ns() + 20ull * 1000000000u;
	while (atomic_load(&b.rounds) < BUSY_CLIENTS && event_now_ns() < deadline)
		app_pump(&r->app, 25);
	unsigned start_rounds = atomic_load(&b.rounds);
	assert_true(start_rounds >= BUSY_CLIENTS);

	size_t before = r->seen[SRC_SERVER];
	/* At least 20 runs, and on until the clients have done more rounds meanwhile. */
	deadline = event_now_ns() + 20ull * 1000000000u;
	for (int i = 0; i < 20 || (atomic_load(&b.rounds) < start_rounds + BUSY_CLIENTS &&
				   event_now_ns() < deadline); i++) {
		assert_int_equal(run(r, i % 2 ? "pair" : "pair hello world --type seqpacket"), 0);
		if (i % 2)
			assert_story(r, "SOCK_STREAM", "message from parent: b'ping'", "ping", 4,
				     "response from child: b'pong'", "pong", 4);
		else
			assert_story(r, "SOCK_SEQPACKET", "message from parent: b'hello'", "hello",
				     5, "response from child: b'world'", "world", 5);
	}
	/* The server was really serving meanwhile. */
	assert_true(r->seen[SRC_SERVER] > before);
	assert_true(atomic_load(&b.rounds) >= start_rounds + BUSY_CLIENTS);

	atomic_store(&b.stop, true);
	for (int i = 0; i < BUSY_CLIENTS; i++) {
		/* A client blocked on its echo needs the server thread, which needs the bus drained. */
		while (pthread_tryjoin_np(t[i], NULL) != 0)
			app_pump(&r->app, 10);
	}
	pthread_mutex_destroy(&b.lock);
	if (atomic_load(&b.bad))
		rec_fail("%u busy-client rounds failed; the first: %s", atomic_load(&b.bad), b.why);
	app_end(&r->app, app_newest(&r->app, SESSION_SERVER));
	assert_null(app_server(&r->app));
	/* Its node went with it. */
	struct stat st;
	assert_int_equal(lstat(b.path, &st), -1);
	assert_int_equal(errno, ENOENT);
	rec_assert_no_children();
}

/* Every step said, with the fds each process keeps; --fd passes a file the child reads. */
static void test_steps_and_passed_fd(void **state)
{
	struct rec *r = *state;
	const char *path = rec_path(r, "passed.txt");
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs("the file's first bytes", f);
	fclose(f);
	size_t fds = rec_fd_count();
	char line[512];
	for (int k = 0; k < 3; k++) {
		static const char *const types[] = { "stream", "seqpacket", "dgram" };
		snprintf(line, sizeof(line), "pair --type %s --fd %s", types[k], path);
		assert_int_equal(run(r, line), 0);
		long keep = find(r, SRC_PAIR_PARENT, EV_INFO, "the pair is fds ");
		long passed = find(r, SRC_PAIR_PARENT, EV_INFO, "passed fd ");
		long got = find(r, SRC_PAIR_CHILD, EV_INFO, "received fd ");
		long reply = find(r, SRC_PAIR_CHILD, EV_INFO, "in child, sending reply (4 bytes) on fd ");
		long resp = find(r, SRC_PAIR_PARENT, EV_INFO, "response from child: b'pong'");
		assert_true(keep >= 0 && passed > keep && got > 0 && reply > got && resp > reply);
		int a, b, c, d, e, g;
		assert_int_equal(sscanf(words(r, keep),
					"the pair is fds %d and %d: the parent keeps "
					"fd %d (closed %d), the child keeps fd %d (closed %d)",
					&a, &b, &c, &d, &e, &g),
				 6);
		assert_true(a == c && b == d && b == e && a == g && a != b);
		assert_non_null(strstr(words(r, got), "; read: b\"the file's first bytes\""));
	}
	/* The parent's copies are closed: nothing left open here. */
	assert_int_equal(rec_fd_count(), fds);
	rec_assert_no_children();
	/* A path that cannot be opened: one line, nothing started. */
	rec_mark(r);
	assert_int_equal(cmd_run_line(&r->app, "pair --fd /nonexistent/x"), CMD_FAIL);
	assert_true(find(r, SRC_SYSTEM, EV_ERROR, "pair: open /nonexistent/x (to pass with --fd)")
		    >= 0);
}

#define pair_test(f) cmocka_unit_test_prestate_setup_teardown(f, setup, teardown, (void *)#f)

int main(void)
{
	/* Line by line, so that the log keeps the TAP lines and the failure messages (stderr) in
	 * order, and a test killed for hanging loses nothing it printed. */
	setvbuf(stdout, NULL, _IOLBF, 0);
	const struct CMUnitTest tests[] = {
		pair_test(test_default_story),
		pair_test(test_each_type),
		pair_test(test_bytes_with_nul_and_quotes),
		pair_test(test_stream_pieces_versus_one_message),
		pair_test(test_refused_words),
		pair_test(test_hundred_runs_leave_nothing),
		pair_test(test_child_exits_early),
		pair_test(test_child_hangs_and_is_killed),
		pair_test(test_stop_kills_the_child),
		pair_test(test_bad_knob_is_said),
		pair_test(test_demo_while_server_is_busy),
		pair_test(test_steps_and_passed_fd),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
