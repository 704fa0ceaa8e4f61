/* demo: the guided tour of the walkthrough, one step at a time: an echo server at
 * ./uds_socket, the 41-byte message read as 16 + 16 + 9 and its delivery map, a receive size
 * changed on the fly, the message over seqpacket and dgram cut by a 16-byte recv, three sends
 * read as one recv, the node's mode bits denying another user, and the pair demo as a sequence
 * diagram. Each step says one or two sentences, then what it runs and what that showed.
 *
 * Driving it: demo_begin, then demo_step for each step (the console: Enter), demo_leave to
 * stop early (Esc, quit, Ctrl-C; app_close calls it too). A step runs to its end before it
 * returns (a second or so at most), pumping events meanwhile; its sessions' lines reach the
 * front end grouped by session at the step's end, so the output does not depend on how the
 * threads were scheduled. Main thread only. */
#ifndef UDSCOPE_DEMO_H
#define UDSCOPE_DEMO_H

#include <stdbool.h>

struct app;

/* Where the tour puts its socket when the current directory can take it. */
#define DEMO_PATH "./uds_socket"

struct demo_step_info {
	unsigned index;          /* 1-based */
	unsigned count;          /* steps in the tour */
	const char *title;       /* one word: "server", "message", "map", ... */
};

/* Start a tour (nothing runs yet): choose where its socket goes. 0, -EBUSY (one is running;
 * said), or -errno (said). */
int demo_begin(struct app *app);
/* Run the next step. Returns 1 when a step ran (INFO, may be NULL, says which), 0 when none
 * was left (the tour has then ended and cleaned up), -1 when the step failed (said; the tour
 * has been left and cleaned up), -EINVAL when no tour runs. */
int demo_step(struct app *app, struct demo_step_info *info);
/* The step demo_step would run next; false when none is left or no tour runs. */
bool demo_peek(const struct app *app, struct demo_step_info *info);
/* Leave the tour: stop the sessions it started, remove what it created, say so. Nothing
 * happens when no tour runs. */
void demo_leave(struct app *app);
bool demo_running(const struct app *app);

#endif
