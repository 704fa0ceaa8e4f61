/* app: the sessions a front end owns, the bus they publish to, and waiting on them. */
#include "config.h"

#include "core/app.h"

#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/client.h"
#include "core/pair.h"
#include "core/server.h"

#define APP_DRAIN_BATCH 64

/* What commands emit while they run: an error from a sourced file's line names the file and
 * line first. Events from the bus go to the front end as they are. */
static void direct_emit(void *ctx, struct event *ev)
{
	struct app *app = ctx;
	size_t wl = strlen(app->script.where);
	if (ev->kind == EV_ERROR && wl && wl + 3 < sizeof(ev->text)) {
		/* "FILE:LINE: " in front; the end of a text that no longer fits is cut. */
		memmove(ev->text + wl + 2, ev->text, sizeof(ev->text) - wl - 3);
		ev->text[sizeof(ev->text) - 1] = '\0';
		memcpy(ev->text, app->script.where, wl);
		ev->text[wl] = ':';
		ev->text[wl + 1] = ' ';
	}
	sink_emit(&app->front, ev);
}

int app_init(struct app *app, enum bus_mode mode, size_t capacity, struct event_sink out)
{
	memset(app, 0, sizeof(*app));
	app->bus = bus_new(capacity, mode);
	if (!app->bus)
		return -ENOMEM;
	app->front = out;
	app->out = (struct event_sink){ direct_emit, app, NULL };
	app->later = bus_sink(app->bus);
	return 0;
}

size_t app_pump(struct app *app, int timeout_ms)
{
	static _Thread_local struct event batch[APP_DRAIN_BATCH];
	struct pollfd pfd = { .fd = bus_fd(app->bus), .events = POLLIN };
	if (timeout_ms != 0) {
		int r = poll(&pfd, 1, timeout_ms);
		if (r <= 0)
			return 0;
	}
	size_t total = 0, n;
	/* Bounded per call so one flood cannot starve the caller's other work. */
	do {
		n = bus_drain(app->bus, batch, APP_DRAIN_BATCH);
		for (size_t i = 0; i < n; i++)
			sink_emit(&app->front, &batch[i]);
		total += n;
	} while (n == APP_DRAIN_BATCH && total < 4096);
	return total;
}

int app_wait_for(struct app *app, const struct app_wait *w)
{
	while (!w->finished(w->session))
		app_pump(app, 50);
	app_pump(app, 0);
	return w->status(w->session);
}

static bool server_done(const void *s)
{
	return server_finished(s);
}

static bool client_done(const void *s)
{
	return client_finished(s);
}

static int zero_status(const void *s)
{
	return 0;
}

void app_stop_server(struct app *app)
{
	if (!app->server)
		return;
	server_request_stop(app->server);
	struct app_wait w = { server_done, zero_status, app->server };
	app_wait_for(app, &w);
	server_destroy(app->server, &app->out);
	app->server = NULL;
}

/* Stop a client (FLUSH_MS: see client_request_stop), pumping events until its thread ends.
 * Returns its status: 0 or a positive errno. */
static int stop_client(struct app *app, struct client **slot, int flush_ms)
{
	if (!*slot)
		return 0;
	client_request_stop(*slot, flush_ms, CLIENT_LINGER_MS);
	struct app_wait w = { client_done, zero_status, *slot };
	app_wait_for(app, &w);
	int status = client_status(*slot);
	client_destroy(*slot);
	*slot = NULL;
	return status;
}

static bool pair_done(const void *p)
{
	return pair_finished(p);
}

/* Kill the demo's child if it still runs, pumping events until the thread has reaped it. */
static void stop_pair(struct app *app)
{
	if (!app->pair)
		return;
	pair_request_stop(app->pair);
	struct app_wait w = { pair_done, zero_status, app->pair };
	app_wait_for(app, &w);
	pair_destroy(app->pair);
	app->pair = NULL;
}

void app_release_wait(struct app *app)
{
	app->wait = (struct app_wait){ 0 };
}

void app_reap(struct app *app)
{
	/* Someone may still ask a waited-on session for its status: it stays until released. */
	const void *held = app->wait.session;
	if (app->pair && app->pair != held && pair_finished(app->pair)) {
		pair_destroy(app->pair);
		app->pair = NULL;
	}
	if (app->oneshot && app->oneshot != held && client_finished(app->oneshot)) {
		client_destroy(app->oneshot);
		app->oneshot = NULL;
	}
	/* The interactive connection stays until disconnect or the next connect, even once
	 * the peer closed it: what it received can still be expected. */
	if (app->server && server_finished(app->server)) {
		server_destroy(app->server, &app->out);
		app->server = NULL;
	}
}

void app_close(struct app *app)
{
	script_free(app);
	free(app->timer.text);
	app->timer.text = NULL;
	stop_pair(app);
	stop_client(app, &app->oneshot, CLIENT_STOP_NOW);
	/* What a script sent before it ended goes out before the connection closes. */
	stop_client(app, &app->conn, CLIENT_FLUSH_TIMEOUT_MS);
	app_stop_server(app);
	app_pump(app, 0);
	bus_free(app->bus);
	app->bus = NULL;
}

/* One line to the front end, now: the body of app_info, app_info_mark and app_error. */
static void emit_text(struct app *app, enum event_source source, enum event_kind kind, int err,
		      size_t mark_off, size_t mark_len, const char *fmt, va_list ap)
	__attribute__((format(printf, 7, 0)));
static void emit_text(struct app *app, enum event_source source, enum event_kind kind, int err,
		      size_t mark_off, size_t mark_len, const char *fmt, va_list ap)
{
	struct event ev;
	event_init(&ev, source, kind);
	ev.err = err < 0 ? -err : err;
	vsnprintf(ev.text, sizeof(ev.text), fmt, ap);
	size_t tl = strlen(ev.text);
	if (mark_len && mark_off < tl) {
		ev.mark_off = (uint16_t)mark_off;
		ev.mark_len = (uint16_t)(mark_off + mark_len <= tl ? mark_len : tl - mark_off);
	}
	sink_emit(&app->out, &ev);
}

void app_info(struct app *app, enum event_source source, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	emit_text(app, source, EV_INFO, 0, 0, 0, fmt, ap);
	va_end(ap);
}

void app_info_mark(struct app *app, enum event_source source, size_t mark_off, size_t mark_len,
		   const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	emit_text(app, source, EV_INFO, 0, mark_off, mark_len, fmt, ap);
	va_end(ap);
}

void app_error(struct app *app, int err, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	emit_text(app, SRC_SYSTEM, EV_ERROR, err, 0, 0, fmt, ap);
	va_end(ap);
}
