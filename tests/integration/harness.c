/* harness: the one fixture integration tests share: a private temp dir, an app that records
 * events, finds and waits on them by field, and counts fds and children. */
#include "config.h"

#include "harness.h"

#include <dirent.h>
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
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "../tmpdir.h"

#include "core/cmd/cmd.h"
#include "core/render/render_event.h"
#include "core/render/render_fact.h"

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
	if (ev->source < SRC__COUNT)
		r->seen[ev->source]++;
	if (ev->source >= 32 || !(r->keep & (1u << ev->source)))
		return;
	if (r->n == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 256;
		r->ev = realloc(r->ev, r->cap * sizeof(*r->ev));
		if (!r->ev)
			abort();
	}
	r->ev[r->n++] = *ev;
}

int rec_app_init(struct rec *r)
{
	struct event_sink out = { rec_emit, r };
	if (app_init(&r->app, BUS_LOSSLESS, 1024, out) < 0)
		return -1;
	r->app.ordered = true;
	return 0;
}

void rec_open(struct rec *r)
{
	memset(r, 0, sizeof(*r));
	r->keep = ~0u;
	r->cwd_fd = -1;
	snprintf(r->dir, sizeof(r->dir), "%s/udscope-test-XXXXXX", test_tmpdir());
	if (!mkdtemp(r->dir))
		abort();
	if (rec_app_init(r) < 0)
		abort();
}

void rec_enter(struct rec *r, mode_t mode)
{
	assert_int_equal(chmod(r->dir, mode), 0);
	if (r->cwd_fd < 0)
		r->cwd_fd = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	assert_true(r->cwd_fd >= 0);
	assert_int_equal(chdir(r->dir), 0);
}

void rec_mark(struct rec *r)
{
	r->mark = r->n;
}

void rec_keep(struct rec *r, unsigned mask)
{
	r->keep = mask;
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
	/* Resident now: a test measuring udscope's RSS must not count the recording's pages
	 * as a busier pump first touches them. */
	memset(r->ev + r->cap, 0, (n - r->cap) * sizeof(*r->ev));
	r->cap = n;
}

void rec_close(struct rec *r)
{
	/* Still inside R->dir, if entered: a server's node may have a relative path. */
	app_close(&r->app);
	if (r->cwd_fd >= 0) {
		if (fchdir(r->cwd_fd) < 0)
			fprintf(stderr, "could not go back to the old working directory\n");
		close(r->cwd_fd);
		r->cwd_fd = -1;
	}
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

static int rec_run_line(struct rec *r, const char *line);

int rec_run(struct rec *r, const char *fmt, ...)
{
	char line[4096];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	return rec_run_line(r, line);
}

int rec_run_marked(struct rec *r, const char *fmt, ...)
{
	char line[4096];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	rec_mark(r);
	return rec_run_line(r, line);
}

static int rec_run_line(struct rec *r, const char *line)
{
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
	if (from < r->mark)
		from = r->mark;
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

/* Whether EV is of SOURCE and KIND and its text or, a fact, its words start with PREFIX. */
static bool rec_match(const struct event *ev, int source, int kind, const char *prefix)
{
	if ((source != REC_ANY && ev->source != source) || (kind != REC_ANY && ev->kind != kind))
		return false;
	if (!prefix)
		return true;
	if (strncmp(ev->text, prefix, strlen(prefix)) == 0)
		return true;
	char words[EVENT_TEXT_MAX];
	return ev->fact && render_fact_words(ev, false, words, sizeof(words)) &&
	       strncmp(words, prefix, strlen(prefix)) == 0;
}

size_t rec_count_prefix(const struct rec *r, int source, int kind, const char *prefix)
{
	size_t c = 0;
	for (size_t i = r->mark; i < r->n; i++)
		if (rec_match(&r->ev[i], source, kind, prefix))
			c++;
	return c;
}

size_t rec_count(const struct rec *r, int source, int kind)
{
	return rec_count_prefix(r, source, kind, NULL);
}

long rec_find(const struct rec *r, size_t from, int source, int kind, const char *prefix)
{
	for (size_t i = from > r->mark ? from : r->mark; i < r->n; i++)
		if (rec_match(&r->ev[i], source, kind, prefix))
			return (long)i;
	return -1;
}

long rec_find_bytes(const struct rec *r, size_t from, int source, int kind, unsigned conn,
		    const void *data, size_t len)
{
	size_t shown = len < EVENT_PREVIEW_MAX ? len : EVENT_PREVIEW_MAX;
	for (size_t i = from > r->mark ? from : r->mark; i < r->n; i++) {
		const struct event *ev = &r->ev[i];
		if (rec_match(ev, source, kind, NULL) && (conn == 0 || ev->conn == conn) &&
		    ev->nbytes == len &&
		    (!data || (ev->preview_len == shown && memcmp(ev->preview, data, shown) == 0)))
			return (long)i;
	}
	return -1;
}

long rec_find_err(const struct rec *r, size_t from, int source, int err)
{
	for (size_t i = from > r->mark ? from : r->mark; i < r->n; i++)
		if (rec_match(&r->ev[i], source, EV_ERROR, NULL) && r->ev[i].err == err)
			return (long)i;
	return -1;
}

long rec_find_line(const struct rec *r, size_t from, const char *needle)
{
	/* Its own buffer: the lines rec_line handed out stay as they are. */
	char line[EVENT_LINE_MAX];
	for (size_t i = from > r->mark ? from : r->mark; i < r->n; i++) {
		render_event_line(&r->ev[i], 0, 0, line, sizeof(line));
		if (strstr(line, needle))
			return (long)i;
	}
	return -1;
}

long rec_find_text(const struct rec *r, const char *needle)
{
	return rec_find_line(r, 0, needle);
}

long rec_must_find_text(const struct rec *r, const char *needle)
{
	long i = rec_find_line(r, 0, needle);
	if (i < 0) {
		rec_dump_marked(r);
		rec_fail("no line since the mark holds \"%.900s\"", needle);
	}
	return i;
}

/* Pump until FOUND(R, ARG) is found after FROM (an index) or the deadline passes. */
static long rec_wait_found(struct rec *r, long (*found)(struct rec *, size_t, const void *),
			   size_t from, const void *arg)
{
	long long t0 = rec_now_ms(), limit = rec_deadline_s() * 1000LL;
	for (;;) {
		long i = found(r, from, arg);
		if (i >= 0)
			return i;
		if (rec_now_ms() - t0 > limit)
			return -1;
		app_pump(&r->app, 10);
	}
}

struct rec_want {
	int source, kind;
	const char *prefix;
};

static long rec_found_event(struct rec *r, size_t from, const void *arg)
{
	const struct rec_want *w = arg;
	return rec_find(r, from, w->source, w->kind, w->prefix);
}

static long rec_found_line(struct rec *r, size_t from, const void *arg)
{
	return rec_find_line(r, from, arg);
}

long rec_wait(struct rec *r, size_t from, int source, int kind, const char *prefix)
{
	struct rec_want w = { source, kind, prefix };
	long i = rec_wait_found(r, rec_found_event, from, &w);
	if (i < 0)
		print_message("# rec_wait: no %s %s event \"%.200s...\" after event %zu within "
			      "%d s\n",
			      source == REC_ANY ? "any" : event_source_name(source),
			      kind == REC_ANY ? "any" : event_kind_name(kind), prefix ? prefix : "",
			      from, rec_deadline_s());
	return i;
}

long rec_wait_line(struct rec *r, size_t from, const char *needle)
{
	long i = rec_wait_found(r, rec_found_line, from, needle);
	if (i < 0)
		print_message("# rec_wait_line: no line holding \"%.200s\" after event %zu within "
			      "%d s\n", needle, from, rec_deadline_s());
	return i;
}

const char *rec_line(const struct rec *r, size_t i)
{
	static char bufs[4][EVENT_LINE_MAX];
	static unsigned k;
	char *buf = bufs[k++ & 3];
	render_event_line(&r->ev[i], 0, 0, buf, EVENT_LINE_MAX);
	return buf;
}

void rec_assert_printable(const struct rec *r)
{
	char l[EVENT_LINE_MAX];
	for (size_t i = r->mark; i < r->n; i++) {
		render_event_line(&r->ev[i], 0, 0, l, sizeof(l));
		for (const unsigned char *p = (const unsigned char *)l; *p; p++)
			if (*p < 0x20 || *p > 0x7e)
				rec_fail("raw byte 0x%02x in event %zu: \"%.900s\"", *p, i, l);
	}
}

void rec_dump(const struct rec *r)
{
	for (size_t i = 0; i < r->n; i++)
		fprintf(stderr, "# %s\n", rec_line(r, i));
}

void rec_dump_marked(const struct rec *r)
{
	for (size_t i = r->mark; i < r->n; i++)
		print_message("#   %s\n", rec_line(r, i));
}

size_t rec_fd_count(void)
{
	DIR *d = opendir("/proc/self/fd");
	assert_non_null(d);
	size_t n = 0;
	struct dirent *de;
	char self[16];
	snprintf(self, sizeof(self), "%d", dirfd(d));
	while ((de = readdir(d)))
		if (de->d_name[0] != '.' && strcmp(de->d_name, self) != 0)
			n++;
	closedir(d);
	return n;
}

size_t rec_zombies(void)
{
	DIR *d = opendir("/proc");
	assert_non_null(d);
	size_t n = 0;
	struct dirent *de;
	while ((de = readdir(d))) {
		if (de->d_name[0] < '0' || de->d_name[0] > '9')
			continue;
		char path[300], buf[512];
		snprintf(path, sizeof(path), "/proc/%s/stat", de->d_name);
		FILE *fp = fopen(path, "r");
		if (!fp)
			continue;
		size_t got = fread(buf, 1, sizeof(buf) - 1, fp);
		fclose(fp);
		buf[got] = '\0';
		/* pid (comm) state ppid: comm may hold spaces and parentheses. */
		char *rp = strrchr(buf, ')');
		char state;
		long ppid;
		if (rp && sscanf(rp + 1, " %c %ld", &state, &ppid) == 2 && ppid == getpid() &&
		    state == 'Z')
			n++;
	}
	closedir(d);
	return n;
}

void rec_assert_no_children(void)
{
	assert_int_equal(rec_zombies(), 0);
	int st;
	errno = 0;
	assert_int_equal(waitpid(-1, &st, WNOHANG), -1);
	assert_int_equal(errno, ECHILD);
}
