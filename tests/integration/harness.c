/* harness: what integration tests share: a private temp dir and an app that records events. */
#include "config.h"

#include "harness.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "core/cmd.h"

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
	/* Through the script runner, as batch runs a line: what it started has finished. */
	unsigned before = r->app.script.failures;
	if (script_push(&r->app, line, NULL, 0) < 0)
		return CMD_FAIL;
	while (!script_step(&r->app))
		app_pump(&r->app, 50);
	app_pump(&r->app, 0);
	app_reap(&r->app);
	return r->app.script.failures == before ? CMD_OK : CMD_FAIL;
}

long rec_wait_for(struct rec *r, size_t from, int source, int kind, unsigned conn)
{
	for (int tries = 0; tries < 500; tries++) {
		for (size_t i = from; i < r->n; i++)
			if (r->ev[i].source == source && r->ev[i].kind == kind &&
			    (conn == 0 || r->ev[i].conn == conn))
				return (long)i;
		app_pump(&r->app, 10);
	}
	return -1;
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
