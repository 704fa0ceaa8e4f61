/* harness: the one fixture integration tests share: a private temp dir, an app that records
 * events, finds and waits on them by field, and counts fds and children. */
#ifndef UDSCOPE_TEST_HARNESS_H
#define UDSCOPE_TEST_HARNESS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "core/cmd/app.h"
#include "core/cmd/cmd.h"
#include "core/base/event.h"

/* Any source or kind, in the finds below. */
#define REC_ANY (-1)

struct rec {
	struct app app;
	struct event *ev;    /* every event the front end saw, in order (of the sources kept) */
	size_t n, cap;
	size_t mark;         /* finds, waits and counts look only at events from here on */
	unsigned keep;       /* bit 1 << source: events of that source are recorded (all: ~0) */
	size_t seen[SRC__COUNT]; /* every event delivered, recorded or not, by source */
	char dir[64];        /* private mkdtemp directory */
	int cwd_fd;          /* the working directory before rec_enter, or -1 */
};

/* Deadlines: every wait in a test ends. A test waits at most rec_deadline_s() seconds with
 * nothing happening (no echo byte, no event) before it fails, saying what was missing:
 * UDSCOPE_TEST_WAIT seconds, or 10 (30 in a sanitizer build). A deadline only turns a hang
 * into a failure; no test asserts on speed. The test runner adds an outer limit per binary
 * (tests/run-with-deadline.sh). */
int rec_deadline_s(void);
/* Monotonic milliseconds. */
long long rec_now_ms(void);

/* Receive exactly LEN bytes from FD into BUF; fail when no byte comes for rec_deadline_s().
 * Returns how many arrived (LEN unless EOF, an error or the deadline came first) and then
 * puts in WHY (when not NULL) e.g. "echo: 40 of 41 bytes, then nothing for 10 s". When WANT
 * is not NULL every byte is compared as it arrives and the first difference ends the read
 * ("echo: byte 17 of 41 is 0x41, sent 0x42"). Safe in any thread (no cmocka calls). */
size_t rec_recv_exact(int fd, void *buf, size_t len, const void *want, const char *what,
		      char *why, size_t whylen);
/* The same in the test's thread: fails the test with that message. */
void rec_expect_bytes(int fd, const void *want, size_t len, const char *what);

/* fail_msg, with the message also in the TAP stream as a comment next to the test's line
 * (cmocka writes it to stderr, which the log keeps elsewhere). */
#define rec_fail(...)                                                                   \
	do {                                                                             \
		char rec_fail_msg_[1024];                                                \
		snprintf(rec_fail_msg_, sizeof(rec_fail_msg_), __VA_ARGS__);             \
		print_message("# %s\n", rec_fail_msg_);                                  \
		fail_msg("%s", rec_fail_msg_);                                           \
	} while (0)

/* A cmocka test with the harness's setup and teardown; the runner is told its name
 * (UDSCOPE_TEST_NOW), so that a hang is reported with the test that was running. */
#define rec_test(f) cmocka_unit_test_prestate_setup_teardown(f, rec_setup, rec_teardown, (void *)#f)
/* Tell the runner what is running now (the test's name, a step inside it). */
void rec_step(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Set up a recording app (lossless bus) and a private directory; cd is not changed. */
void rec_open(struct rec *r);
/* (Re)make R->app: a lossless bus recording into R, ordered as batch. rec_open calls it; a
 * test that closed the app itself calls it again so that teardown finds one. 0 or -1. */
int rec_app_init(struct rec *r);
/* Work inside R->dir (chdir; mode MODE, e.g. 0755 when other users must search it). The
 * previous working directory comes back in rec_close. */
void rec_enter(struct rec *r, mode_t mode);
/* From now on finds, waits and counts look only at events recorded after this point. */
void rec_mark(struct rec *r);
/* Record only the events of the sources in MASK (bits 1u << SRC_*); the others are only
 * counted in R->seen (a test that runs a busy server beside what it looks at). */
void rec_keep(struct rec *r, unsigned mask);
/* Make room for N recorded events up front (a test that measures memory must not see the
 * recording grow). */
void rec_reserve(struct rec *r, size_t n);
/* cmocka setup/teardown: *state becomes a struct rec opened with rec_open. A setup given a
 * prestate (rec_test) takes it as the test's name and passes it to rec_step. */
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
/* Run one command line; wait when it is pending (as batch does). Returns CMD_* / status.
 * A pending command that shows no event for rec_deadline_s() is stopped and fails the test,
 * with what the session said when stopped (e.g. "short echo, received 38 of 41 bytes"). */
int rec_run(struct rec *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* rec_mark, then rec_run: the finds see only what this line brought. */
int rec_run_marked(struct rec *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Pump until an event matching (source, kind, conn or 0 for any) is seen after index FROM,
 * or rec_deadline_s() pass. Returns its index, or -1 after printing what it waited for. */
long rec_wait_for(struct rec *r, size_t from, int source, int kind, unsigned conn);
/* Pump until DONE(ARG) is true; false (after printing WHAT) when rec_deadline_s() pass
 * with no event. */
bool rec_pump_until(struct rec *r, bool (*done)(void *), void *arg, const char *what);
/* Count / find events. Every index FROM counts from the start of the recording, and no
 * find looks before the mark. SOURCE and KIND may be REC_ANY; PREFIX NULL or "" is any text,
 * otherwise the event's own text (ev->text, not the formatted line) starts with it. */
size_t rec_count(const struct rec *r, int source, int kind);
size_t rec_count_prefix(const struct rec *r, int source, int kind, const char *prefix);
long rec_find(const struct rec *r, size_t from, int source, int kind, const char *prefix);
/* The first event with SOURCE, KIND and CONN (0: any) that carries exactly LEN bytes, the
 * first of them (its preview) equal to DATA's (DATA NULL: any bytes). */
long rec_find_bytes(const struct rec *r, size_t from, int source, int kind, unsigned conn,
		    const void *data, size_t len);
/* The first EV_ERROR from SOURCE with errno ERR. */
long rec_find_err(const struct rec *r, size_t from, int source, int err);
/* The first event whose formatted line (rec_line) holds NEEDLE. */
long rec_find_text(const struct rec *r, const char *needle);
long rec_find_line(const struct rec *r, size_t from, const char *needle);
/* The same, failing the test (with the lines since the mark) when there is none. */
long rec_must_find_text(const struct rec *r, const char *needle);
/* Pump until rec_find / rec_find_line finds, or rec_deadline_s() pass: its index, or -1 after
 * printing what it waited for. */
long rec_wait(struct rec *r, size_t from, int source, int kind, const char *prefix);
long rec_wait_line(struct rec *r, size_t from, const char *needle);
/* The formatted line of event I ("label: words"), in one of four static buffers used in turn
 * (only rec_line uses them: a find does not overwrite a line it handed out). */
const char *rec_line(const struct rec *r, size_t i);
/* Fail when a line since the mark holds a byte outside 0x20-0x7e. */
void rec_assert_printable(const struct rec *r);
/* Print every recorded line (for a failing test's log); rec_dump_marked: since the mark. */
void rec_dump(const struct rec *r);
void rec_dump_marked(const struct rec *r);

/* Open file descriptors of this process (not counting the one that reads /proc/self/fd). */
size_t rec_fd_count(void);
/* Children of this process in state Z (zombies), from /proc/PID/stat. */
size_t rec_zombies(void);
/* No zombie child and no child at all left to reap (waitpid(-1, WNOHANG) says ECHILD). */
void rec_assert_no_children(void);

#endif
