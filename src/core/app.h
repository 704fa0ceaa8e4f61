/* app: the sessions a front end owns, the bus they publish to, and waiting on them. */
#ifndef UDSCOPE_APP_H
#define UDSCOPE_APP_H

#include <stdbool.h>

#include "core/bus.h"
#include "core/event.h"

struct server;
struct client;
struct pair;

/* Something a command started whose outcome comes later (batch waits for it). */
struct app_wait {
	bool (*finished)(const void *session);
	int (*status)(const void *session);     /* 0 or a positive errno, once finished */
	void *session;
	void (*stop)(void *session);            /* ask it to end early (a signal came) */
};

struct app {
	struct bus *bus;
	struct event_sink out;       /* the front end; main thread only */
	struct event_sink later;     /* bus_sink(bus): what session threads get */
	struct server *server;
	struct client *oneshot;      /* the walkthrough's client */
	struct client *conn;         /* the interactive client */
	struct pair *pair;           /* the socketpair demo */
	struct app_wait wait;        /* set by a command returning CMD_PENDING; app_reap leaves
				      * its session alone until app_release_wait */
	bool quit;
};

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

/* Stop the server, pumping events until its thread is done. */
void app_stop_server(struct app *app);
/* Close the interactive connection after sending what is queued, waiting at most FLUSH_MS
 * for the peer to take it (client_request_stop). Returns the connection's status: 0, or a
 * positive errno when bytes were lost or the connection had failed. */
int app_stop_conn(struct app *app, int flush_ms);

#endif
