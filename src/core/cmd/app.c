/* app: the sessions a front end owns, the bus they publish to, and waiting on them. */
#include "config.h"

#include "core/cmd/app.h"

#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/base/capture.h"
#include "core/session/client.h"
#include "core/session/pair.h"
#include "core/render/render.h"
#include "core/session/server.h"
#include "core/system/sockets_async.h"

#define APP_DRAIN_BATCH 64

/* What commands emit while they run: an error from a sourced file's line names the file and
 * line first. Events from the bus go to the front end as they are. */
static void direct_emit(void *ctx, struct event *ev)
{
	struct app *app = ctx;
	size_t wl = strlen(app->where);
	if (ev->kind == EV_ERROR && wl && wl + 3 < sizeof(ev->text)) {
		/* "FILE:LINE: " in front; the end of a text that no longer fits is cut. */
		memmove(ev->text + wl + 2, ev->text, sizeof(ev->text) - wl - 3);
		ev->text[sizeof(ev->text) - 1] = '\0';
		memcpy(ev->text, app->where, wl);
		ev->text[wl] = ':';
		ev->text[wl + 1] = ' ';
	}
	convo_observe(&app->convo, ev);
	sink_emit(&app->front, ev);
}

static size_t capture_budget = APP_CAPTURE_DEFAULT;

void app_capture_budget(size_t bytes)
{
	capture_budget = bytes;
}

int app_init(struct app *app, enum bus_mode mode, size_t capacity, struct event_sink out)
{
	memset(app, 0, sizeof(*app));
	app->bus = bus_new(capacity, mode);
	if (!app->bus)
		return -ENOMEM;
	if (capture_budget && !(app->capture = capture_new(capture_budget))) {
		bus_free(app->bus);
		app->bus = NULL;
		return -ENOMEM;
	}
	app->front = out;
	app->out = (struct event_sink){ direct_emit, app, NULL };
	app->later = bus_sink(app->bus);
	convo_init(&app->convo);
	return 0;
}

size_t app_pump(struct app *app, int timeout_ms)
{
	struct pollfd pfd = { .fd = bus_fd(app->bus), .events = POLLIN };
	if (timeout_ms != 0) {
		int r = poll(&pfd, 1, timeout_ms);
		if (r <= 0)
			return 0;
	}
	size_t total = 0, n;
	/* Bounded per call so one flood cannot starve the caller's other work. The events are
	 * read where they lie in the bus (lent, not copied out: a watch's flood made the copy a
	 * tenth of udscope's time). */
	do {
		struct event *batch;
		n = bus_peek(app->bus, &batch, APP_DRAIN_BATCH);
		for (size_t i = 0; i < n; i++) {
			convo_observe(&app->convo, &batch[i]);
			sink_emit(&app->front, &batch[i]);
		}
		bus_release(app->bus, n);
		total += n;
	} while (n && total < 4096);
	return total;
}

int app_wait_for(struct app *app, const struct app_wait *w)
{
	while (!w->finished(w->session))
		app_pump(app, 50);
	app_pump(app, 0);
	return w->status(w->session);
}

struct session *app_prepare(struct app *app, const struct session_ops *ops)
{
	/* Its lines name it when another of its kind runs beside it. */
	bool show = session_count(&app->sessions, ops->kind, NULL, NULL) > 0;
	struct session *s = session_new(&app->sessions, ops, &app->out, &app->later, show);
	if (!s)
		app_error(app, ENOMEM, "%s: a new session", ops->name);
	return s;
}

void app_commit(struct app *app, struct session *s, void *impl)
{
	session_link(&app->sessions, s, impl);
}

void app_discard(struct app *app, struct session *s)
{
	free(s);
}

struct session *app_newest(const struct app *app, enum session_kind kind)
{
	struct session *s;
	session_count(&app->sessions, kind, NULL, &s);
	return s;
}

void app_free_session(struct app *app, struct session *s)
{
	struct session_info *g = &app->gone[app->ngone++ % APP_GONE_MAX];
	session_info(s, g);
	g->finished = true;
	g->clients = 0;
	s->ops->destroy(s->impl, s->now.emit ? &s->now : &app->out);
	session_unlink(&app->sessions, s);
}

static bool session_done(const void *s)
{
	const struct session *ss = s;
	return ss->ops->finished(ss->impl);
}

static int session_status(const void *s)
{
	const struct session *ss = s;
	return ss->ops->status(ss->impl);
}

static void session_stop(void *s)
{
	struct session *ss = s;
	ss->ops->stop(ss->impl);
}

void app_wait_session(struct app *app, struct session *s)
{
	app->wait = (struct app_wait){ session_done, session_status, s, session_stop };
}

int app_end(struct app *app, struct session *s)
{
	s->ops->stop(s->impl);
	struct app_wait w = { session_done, session_status, s };
	int status = app_wait_for(app, &w);
	app_free_session(app, s);
	return status;
}

static int by_id(const void *a, const void *b)
{
	const struct session_info *x = a, *y = b;
	return x->id < y->id ? -1 : x->id > y->id;
}

size_t app_sessions(const struct app *app, struct session_info *out, size_t max)
{
	size_t n = 0;
	for (struct session *s = app->sessions.head; s; s = s->next, n++)
		if (n < max)
			session_info(s, &out[n]);
	return n;
}

size_t app_sessions_kept(const struct app *app, struct session_info *out, size_t max)
{
	size_t n = app_sessions(app, out, max);
	/* Then the ones freed, and all in the order they began. */
	size_t kept = app->ngone < APP_GONE_MAX ? app->ngone : APP_GONE_MAX;
	for (size_t k = 0; k < kept; k++, n++)
		if (n < max)
			out[n] = app->gone[(app->ngone - kept + k) % APP_GONE_MAX];
	if (out && max)
		qsort(out, n < max ? n : max, sizeof(*out), by_id);
	return n;
}

size_t app_server_conns(const struct app *app, uint32_t id, struct server_conn_info *out,
			size_t max)
{
	struct session *s = session_by_id(&app->sessions, id);
	if (!s || s->ops->kind != SESSION_SERVER)
		return 0;
	return server_conns(s->impl, out, max);
}

static void *newest_impl(const struct app *app, enum session_kind kind)
{
	struct session *s = app_newest(app, kind);
	return s ? s->impl : NULL;
}

struct server *app_server(const struct app *app)
{
	return newest_impl(app, SESSION_SERVER);
}

struct client *app_conn(const struct app *app)
{
	return newest_impl(app, SESSION_CONN);
}

struct client *app_client(const struct app *app)
{
	return newest_impl(app, SESSION_CLIENT);
}

struct pair *app_pair(const struct app *app)
{
	return newest_impl(app, SESSION_PAIR);
}

void app_release_wait(struct app *app)
{
	app->wait = (struct app_wait){ 0 };
}

void app_reap(struct app *app)
{
	/* Someone may still ask a waited-on session for its status: it stays until released. */
	const void *held = app->wait.session;
	struct session *next;
	for (struct session *s = app->sessions.head; s; s = next) {
		next = s->next;
		if (s != held && !s->ops->kept_when_finished &&
		    s->ops->finished(s->impl))
			app_free_session(app, s);
	}
}

/* End every session of KIND, newest first. */
static void end_kind(struct app *app, enum session_kind kind)
{
	struct session *s;
	while ((s = app_newest(app, kind)))
		app_end(app, s);
}

void app_close(struct app *app)
{
	if (app->close_tour)
		app->close_tour(app);
	if (app->close_script)
		app->close_script(app);
	free(app->timer.text);
	app->timer.text = NULL;
	/* The demo and the clients first; connections send what a script queued before they
	 * close, to servers that still run; the servers last. */
	end_kind(app, SESSION_PAIR);
	end_kind(app, SESSION_CLIENT);
	end_kind(app, SESSION_CONN);
	end_kind(app, SESSION_WATCH);
	end_kind(app, SESSION_TAP);
	end_kind(app, SESSION_SERVER);
	app_pump(app, 0);
	bus_free(app->bus);
	app->bus = NULL;
	capture_free(app->capture);
	app->capture = NULL;
	convo_free(&app->convo);
	sockets_async_free(app->sockets_async);
	app->sockets_async = NULL;
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

/* A report's lines for a front end without a report sink, said under its kind's source. */
struct report_lines {
	struct app *app;
	enum event_source source;
};

static void report_line(void *ctx, const struct render_line *l)
{
	const struct report_lines *rl = ctx;
	if (l->len > INT32_MAX)
		return;
	app_info_mark(rl->app, rl->source, l->mark_off, l->mark_len, "%.*s", (int)l->len, l->text);
}

void app_report(struct app *app, const struct report *r)
{
	struct report_lines rl = { app, (enum event_source)render_kind_source(r->kind) };
	if (app->reports.show)
		app->reports.show(app->reports.ctx, r);
	else
		render_text(r, report_line, &rl);
}
