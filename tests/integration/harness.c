/* harness: what integration tests share: a private temp dir and an app that records events. */
#include "config.h"

#include "harness.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "core/cmd.h"

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define REC_DEADLINE_DEFAULT 30
#else
#define REC_DEADLINE_DEFAULT 10
#endif

int rec_deadline_s(void)
{
	const char *s = getenv("UDSCOPE_TEST_WAIT");
	int v = s ? atoi(s) : 0;
	return v > 0 ? v : REC_DEADLINE_DEFAULT;
}

long long rec_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void rec_step(const char *fmt, ...)
{
	/* What cmocka printed so far reaches the log even if this step hangs and is killed. */
	fflush(stdout);
	const char *file = getenv("UDSCOPE_TEST_NOW");
	if (!file || !*file)
		return;
	char line[256];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(line))
		n = sizeof(line) - 1;
	int fd = open(file, O_WRONLY | O_TRUNC | O_CLOEXEC);
	if (fd < 0)
		return;
	if (write(fd, line, (size_t)n) < 0) {
		/* Only a hint for the runner: nothing to do about it. */
	}
	close(fd);
}

size_t rec_recv_exact(int fd, void *buf, size_t len, const void *want, const char *what,
		      char *why, size_t whylen)
{
	unsigned char *p = buf;
	const unsigned char *w = want;
	int limit = rec_deadline_s();
	size_t got = 0;
	if (why && whylen)
		why[0] = '\0';
	while (got < len) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		int r = poll(&pfd, 1, limit * 1000);
		if (r < 0 && errno == EINTR)
			continue;
		if (r == 0) {
			if (why)
				snprintf(why, whylen, "%s: %zu of %zu bytes, then nothing for %d s",
					 what, got, len, limit);
			return got;
		}
		ssize_t n = r < 0 ? -1 : recv(fd, p + got, len - got, MSG_DONTWAIT);
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n <= 0) {
			int e = n < 0 ? errno : 0;
			if (why)
				snprintf(why, whylen, "%s: %zu of %zu bytes, then %s", what, got, len,
					 e ? strerror(e) : "end of stream");
			return got;
		}
		if (w)
			for (size_t i = got; i < got + (size_t)n; i++)
				if (p[i] != w[i]) {
					if (why)
						snprintf(why, whylen,
							 "%s: byte %zu of %zu is 0x%02x, sent 0x%02x",
							 what, i, len, p[i], w[i]);
					return i;
				}
		got += (size_t)n;
	}
	return got;
}

void rec_expect_bytes(int fd, const void *want, size_t len, const char *what)
{
	char *buf = malloc(len ? len : 1);
	assert_non_null(buf);
	char why[256];
	size_t got = rec_recv_exact(fd, buf, len, want, what, why, sizeof(why));
	free(buf);
	if (got != len)
		rec_fail("%s", why);
}

static void rec_emit(void *ctx, struct event *ev)
{
	struct rec *r = ctx;
	if (r->n == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 256;
		r->ev = realloc(r->ev, r->cap * sizeof(*r->ev));
		if (!r->ev)
			abort();
	}
	r->ev[r->n++] = *ev;
}

void rec_open(struct rec *r)
{
	memset(r, 0, sizeof(*r));
	snprintf(r->dir, sizeof(r->dir), "/tmp/udscope-test-XXXXXX");
	if (!mkdtemp(r->dir))
		abort();
	struct event_sink out = { rec_emit, r };
	if (app_init(&r->app, BUS_LOSSLESS, 1024, out) < 0)
		abort();
	r->app.ordered = true;
}

int rec_setup(void **state)
{
	if (*state)
		rec_step("%s", (const char *)*state);
	struct rec *r = calloc(1, sizeof(*r));
	if (!r)
		return -1;
	rec_open(r);
	*state = r;
	return 0;
}

int rec_teardown(void **state)
{
	struct rec *r = *state;
	rec_close(r);
	free(r);
	return 0;
}

static int unix_socket_at(const char *path, bool listening)
{
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", path);
	int r = listening ? bind(fd, (struct sockaddr *)&sun, sizeof(sun)) == 0 ? listen(fd, 8) : -1
			  : connect(fd, (struct sockaddr *)&sun, sizeof(sun));
	if (r < 0) {
		int e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

int rec_connect(const char *path)
{
	return unix_socket_at(path, false);
}

int rec_listen(const char *path)
{
	return unix_socket_at(path, true);
}

void rec_reserve(struct rec *r, size_t n)
{
	if (n <= r->cap)
		return;
	r->ev = realloc(r->ev, n * sizeof(*r->ev));
	if (!r->ev)
		abort();
	r->cap = n;
}

void rec_close(struct rec *r)
{
	app_close(&r->app);
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", r->dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", r->dir);
	free(r->ev);
	r->ev = NULL;
}

const char *rec_path(struct rec *r, const char *name)
{
	static char bufs[4][256];
	static int k;
	char *b = bufs[k++ & 3];
	snprintf(b, 256, "%s/%s", r->dir, name);
	return b;
}

int rec_run(struct rec *r, const char *fmt, ...)
{
	char line[4096];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	/* Through the script runner, as batch runs a line: what it started has finished. With
	 * a deadline: no event for rec_deadline_s() while the line is pending means stuck. */
	unsigned before = r->app.script.failures;
	if (script_push(&r->app, line, NULL, 0) < 0)
		return CMD_FAIL;
	long long quiet_since = rec_now_ms(), limit = rec_deadline_s() * 1000LL;
	size_t first = r->n;
	bool idle;
	while (!(idle = script_step(&r->app))) {
		if (app_pump(&r->app, 50) > 0)
			quiet_since = rec_now_ms();
		else if (rec_now_ms() - quiet_since > limit)
			break;
	}
	if (!idle) {
		/* Stop it, so that it says what it was missing, then fail with that. */
		size_t from = r->n;
		script_abort(&r->app);
		long long t0 = rec_now_ms();
		while (!(idle = script_step(&r->app)) && rec_now_ms() - t0 < limit)
			app_pump(&r->app, 50);
		app_pump(&r->app, 0);
		char said[EVENT_LINE_MAX] = "nothing";
		for (size_t i = from; i < r->n; i++)
			if (r->ev[i].kind == EV_ERROR) {
				snprintf(said, sizeof(said), "%s", rec_line(r, i));
				break;
			}
		print_message("# events of '%.200s':\n", line);
		for (size_t i = first; i < r->n; i++)
			print_message("#   %s\n", rec_line(r, i));
		rec_fail("'%.200s': no event for %d s and not finished; %s: %.200s", line,
			 rec_deadline_s(), idle ? "stopped, it said" : "could not stop it", said);
	}
	app_pump(&r->app, 0);
	app_reap(&r->app);
	return r->app.script.failures == before ? CMD_OK : CMD_FAIL;
}

long rec_wait_for(struct rec *r, size_t from, int source, int kind, unsigned conn)
{
	long long t0 = rec_now_ms(), limit = rec_deadline_s() * 1000LL;
	for (;;) {
		for (size_t i = from; i < r->n; i++)
			if (r->ev[i].source == source && r->ev[i].kind == kind &&
			    (conn == 0 || r->ev[i].conn == conn))
				return (long)i;
		if (rec_now_ms() - t0 > limit)
			break;
		app_pump(&r->app, 10);
	}
	print_message("# rec_wait_for: no %s %s event%s%.0u after event %zu within %d s\n",
		      event_source_name(source), event_kind_name(kind),
		      conn ? " for connection " : "", conn, from, rec_deadline_s());
	return -1;
}

bool rec_pump_until(struct rec *r, bool (*done)(void *), void *arg, const char *what)
{
	long long quiet_since = rec_now_ms(), limit = rec_deadline_s() * 1000LL;
	while (!done(arg)) {
		if (app_pump(&r->app, 20) > 0)
			quiet_since = rec_now_ms();
		else if (rec_now_ms() - quiet_since > limit) {
			print_message("# %s: still not done after %d s with no event\n", what,
				      rec_deadline_s());
			return false;
		}
	}
	return true;
}

size_t rec_count(const struct rec *r, int source, int kind)
{
	size_t c = 0;
	for (size_t i = 0; i < r->n; i++)
		if (r->ev[i].source == source && r->ev[i].kind == kind)
			c++;
	return c;
}

long rec_find_text(const struct rec *r, const char *needle)
{
	for (size_t i = 0; i < r->n; i++)
		if (strstr(rec_line(r, i), needle))
			return (long)i;
	return -1;
}

const char *rec_line(const struct rec *r, size_t i)
{
	static char buf[EVENT_LINE_MAX];
	event_format_line(&r->ev[i], 0, 0, buf, sizeof(buf));
	return buf;
}

void rec_dump(const struct rec *r)
{
	for (size_t i = 0; i < r->n; i++)
		fprintf(stderr, "# %s\n", rec_line(r, i));
}
