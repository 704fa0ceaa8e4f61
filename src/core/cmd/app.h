/* app: the sessions a front end owns, the bus they publish to, and waiting on them. */
#ifndef UDSCOPE_APP_H
#define UDSCOPE_APP_H

#include <stdbool.h>

#include "core/base/bus.h"
#include "core/teach/convo.h"
#include "core/base/event.h"
#include "core/render/report.h"
#include "core/cmd/script.h"
#include "core/session/session.h"
#include "core/cmd/settings.h"

struct server;
struct client;
struct pair;
struct demo;
struct sockets_async;

/* Something a command started whose outcome comes later: the script runner (script.c)
 * waits for it before the next line, in batch always, in the console when ALWAYS is set. */
struct app_wait {
	bool (*finished)(const void *session);
	int (*status)(const void *session);     /* 0 or a positive errno, once finished */
	void *session;
	void (*stop)(void *session);            /* ask it to end early (a signal came) */
	/* Optional: called once when it finished, before it is released (says how it ended). */
	void (*done)(struct app *app, void *session, int status);
	bool always;             /* a wait by nature (wait, expect, disconnect): the console
				  * waits for it too, without blocking the screen */
};

/* What `wait` and `expect` wait on (one at a time: the script runs one line at a time). */
struct app_timer {
	uint64_t until_ns;       /* CLOCK_MONOTONIC deadline */
	bool stopped;
	struct client *conn;     /* expect: the connection whose bytes are searched */
	char *text;              /* expect: what to find */
	size_t len;
	int result;              /* expect: 1 found, 0 not yet, -errno over */
};

struct savefile;

/* What only a front end can do, for the commands that write or show what it holds (save,
 * log). Main thread only. A member left NULL: this front end cannot, and the command says so. */
struct app_front {
	/* save: write the focused view's text (JSON false), or the focused session's events as
	 * JSON lines (true), into F (savefile_line). Returns 0, or -errno with WHY (when set)
	 * saying what went wrong in a few words; WHAT gets what was written ("42 lines of the
	 * Report view"). */
	int (*save)(void *ctx, struct savefile *f, bool json, char *what, size_t whatlen,
		    char *why, size_t whylen);
	/* Set when the front end has no views: why `save FILE` (text) cannot be done. */
	const char *save_no_text;
	/* log ID: show session ID's lines. Returns 0 or -ENOENT (no line of it is held). */
	int (*log)(void *ctx, uint32_t id);
	void *ctx;
};

#define APP_GONE_MAX 16

struct app {
	struct bus *bus;
	struct app_front hooks;      /* the front end's save and log (NULL members: none) */
	struct event_sink front;     /* the front end's sink; main thread only */
	struct event_sink out;       /* what commands emit to now: front, with a sourced line's
				      * FILE:LINE before its errors; main thread only */
	struct event_sink later;     /* bus_sink(bus): what session threads get */
	struct report_sink reports;  /* the front end's reports (show NULL: as text lines) */
	struct session_list sessions; /* servers, clients, connections, the pair demo */
	/* The newest APP_GONE_MAX sessions freed, as they ended (NGONE: ever freed): `sessions`
	 * still lists them, as map and diagram still name them. */
	struct session_info gone[APP_GONE_MAX];
	size_t ngone;
	struct capture *capture;     /* whole chunks, for front ends to show in full */
	struct app_wait wait;        /* set by a command returning CMD_PENDING; app_reap leaves
				      * its session alone until app_release_wait */
	struct script script;        /* the command lines queued, in order */
	char where[288];             /* "FILE:LINE" of the script line running now, "" when
				      * not from a file: its errors start with it */
	struct app_timer timer;
	struct convo convo;          /* every connection's calls, for map and diagram */
	struct demo *demo;           /* the guided tour while it runs (demo.h), else NULL */
	struct settings settings;    /* what `set` changed (core/cmd/settings.h); zero: defaults */
	bool ordered;                /* every line waits for what it started (batch) */
	bool tour_by_step;           /* `demo` runs one step a time; the front end runs the
				      * next (`demo next`) on Enter (the console) */
	/* Set by a front end that shows the sockets at once and their holders as a worker reads
	 * them (the console): `sockets` then lists through it. app_close frees it. */
	struct sockets_async *sockets_async;
	bool quit;
	/* Set by the parts above the app while they hold something (the tour: demo_leave; the
	 * queued lines: script_free): app_close calls them first, the tour's first. The app
	 * never calls those parts by name. */
	void (*close_tour)(struct app *app);
	void (*close_script)(struct app *app);
};

/* The capture store's budget for apps made from now on (default APP_CAPTURE_DEFAULT; 0: no
 * store). Set once at start, before any app. */
#define APP_CAPTURE_DEFAULT ((size_t)64 << 20)
void app_capture_budget(size_t bytes);

/* OUT is the front end's sink, called on the main thread only. */
int app_init(struct app *app, enum bus_mode mode, size_t capacity, struct event_sink out);
/* Stop every session (pumping events meanwhile), remove the server's node, free the bus. */
void app_close(struct app *app);

/* Wait up to TIMEOUT_MS for events, then hand every waiting event to app->out.
 * Returns the number delivered. */
size_t app_pump(struct app *app, int timeout_ms);
/* Deliver events until W's session has finished; returns its status. */
int app_wait_for(struct app *app, const struct app_wait *w);
/* Join and free sessions that ended on their own. Call after pumping. */
void app_reap(struct app *app);
/* The caller is done with app->wait (it waited, or it never waits): its session may go. */
void app_release_wait(struct app *app);

/* Emit a line now, to the front end (main thread only). */
void app_info(struct app *app, enum event_source source, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* The same, with the MARK_LEN bytes at MARK_OFF of the text marked for emphasis. */
void app_info_mark(struct app *app, enum event_source source, size_t mark_off, size_t mark_len,
		   const char *fmt, ...) __attribute__((format(printf, 5, 6)));
void app_error(struct app *app, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Hand R to the front end (main thread only): its report sink, or, when it has none, R's
 * text lines (render_text) as info lines from SRC_SYSTEM. */
void app_report(struct app *app, const struct report *r);

/* A session about to start: its id, and the sinks to start it with (s->now, s->later), which
 * mark its events. NULL (an error said) on ENOMEM. Then app_commit once it runs as IMPL, or
 * app_discard when it could not start. */
struct session *app_prepare(struct app *app, const struct session_ops *ops);
void app_commit(struct app *app, struct session *s, void *impl);
void app_discard(struct app *app, struct session *s);
/* The newest session of KIND, or NULL; without an error. */
struct session *app_newest(const struct app *app, enum session_kind kind);
/* What a command returning CMD_PENDING for S sets: wait until S finishes (ops->stop on a
 * signal). */
void app_wait_session(struct app *app, struct session *s);
/* Stop S and wait for it (pumping events), then free it. Returns its status. */
int app_end(struct app *app, struct session *s);
/* Free S, which has finished (its last lines go to the front end). */
void app_free_session(struct app *app, struct session *s);
/* A snapshot of every session, oldest first. Returns how many there are (may exceed MAX). */
size_t app_sessions(const struct app *app, struct session_info *out, size_t max);
/* The same with the newest freed ones (app->gone) among them, as they ended: `sessions`. */
size_t app_sessions_kept(const struct app *app, struct session_info *out, size_t max);

struct server_conn_info;
/* The live connections of server session ID (server_conns), or 0. */
size_t app_server_conns(const struct app *app, uint32_t id, struct server_conn_info *out,
			size_t max);

/* The newest session's object of each kind, or NULL: for tests and tools that drive one. */
struct server *app_server(const struct app *app);
struct client *app_conn(const struct app *app);
struct client *app_client(const struct app *app);
struct pair *app_pair(const struct app *app);

#endif
