/* harness: what integration tests share: a private temp dir and an app that records events. */
#ifndef UDSCOPE_TEST_HARNESS_H
#define UDSCOPE_TEST_HARNESS_H

#include <stdbool.h>
#include <stddef.h>

#include "core/app.h"
#include "core/cmd.h"
#include "core/event.h"

struct rec {
	struct app app;
	struct event *ev;    /* every event the front end saw, in order */
	size_t n, cap;
	char dir[64];        /* private mkdtemp directory */
};

/* Set up a recording app (lossless bus) and a private directory; cd is not changed. */
void rec_open(struct rec *r);
/* Make room for N recorded events up front (a test that measures memory must not see the
 * recording grow). */
void rec_reserve(struct rec *r, size_t n);
/* cmocka setup/teardown: *state becomes a struct rec opened with rec_open. */
int rec_setup(void **state);
int rec_teardown(void **state);
/* A blocking stream client connected to PATH, or -1 (errno kept). */
int rec_connect(const char *path);
/* A stream socket bound to PATH and listening, or -1 (errno kept). */
int rec_listen(const char *path);
/* Close the app (stops sessions), remove the directory and all it holds. */
void rec_close(struct rec *r);
/* "DIR/NAME" in a static buffer (one of four rotating). */
const char *rec_path(struct rec *r, const char *name);
/* Run one command line; wait when it is pending (as batch does). Returns CMD_* / status. */
int rec_run(struct rec *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Pump until an event matching (source, kind, conn or 0 for any) is seen after index FROM,
 * or 5 s pass. Returns its index or -1. */
long rec_wait_for(struct rec *r, size_t from, int source, int kind, unsigned conn);
/* Count / find events. */
size_t rec_count(const struct rec *r, int source, int kind);
long rec_find_text(const struct rec *r, const char *needle);
/* The formatted line of event I (static buffer). */
const char *rec_line(const struct rec *r, size_t i);
/* Print every recorded line (for a failing test's log). */
void rec_dump(const struct rec *r);

#endif
