/* pair: the socketpair + fork demo: a parent thread and a forked child trade one message each. */
#ifndef UDSCOPE_PAIR_H
#define UDSCOPE_PAIR_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "core/base/event.h"

#define PAIR_DEFAULT_MESSAGE "ping"
#define PAIR_DEFAULT_REPLY "pong"
/* The most bytes MESSAGE or REPLY may hold (one datagram must fit a socket buffer). */
#define PAIR_MSG_MAX (64u * 1024u)
/* Both sides recv with a buffer this size, as the walkthrough's recv(1024). */
#define PAIR_RECV_SIZE 1024
#define PAIR_TIMEOUT_MS_DEFAULT 5000u
#define PAIR_TIMEOUT_MS_MAX 600000u
#define PAIR_RUNNING (-1)

/* Test knobs, read by pair_start (never in the child): the reply timeout in milliseconds,
 * and a child that misbehaves ("exit3": exits with status 3 before reading; "hang": reads
 * the message and never replies). */
#define PAIR_ENV_TIMEOUT "UDSCOPE_PAIR_TIMEOUT_MS"
#define PAIR_ENV_CHILD_FAIL "UDSCOPE_PAIR_CHILD_FAIL"

struct pair;

/* Start the demo on a socketpair of TYPE (SOCK_STREAM, SOCK_SEQPACKET or SOCK_DGRAM): create
 * the pair, fork (here, before the session thread exists), then a thread sends MSG, reads the
 * child's REPLY and reaps it; the child reports what it received over a pipe. *OUT is set
 * before the fork. Setup problems go to NOW (the caller's thread), the story to LATER.
 * Returns 0, or -errno after one EV_ERROR to NOW (and *OUT is NULL). */
int pair_start(struct pair **out, const void *msg, size_t len, const void *reply, size_t rlen,
	       int type, const struct event_sink *now, const struct event_sink *later);
/* The same, passing PASS_FD (opened from PASS_PATH, taken: closed once passed, or on
 * failure; -1: none) with the message; the child reads up to 64 bytes from it, says them
 * and closes it. */
int pair_start_fd(struct pair **out, const void *msg, size_t len, const void *reply, size_t rlen,
		  int type, int pass_fd, const char *pass_path, const struct event_sink *now,
		  const struct event_sink *later);
/* Ask the thread to kill its child and finish (non-blocking). */
void pair_request_stop(struct pair *p);
/* True once the thread has reaped its child and published its last event. */
bool pair_finished(const struct pair *p);
/* PAIR_RUNNING, or the outcome: 0, ETIMEDOUT (child killed after the timeout), EPROTO (child
 * ended before replying or failed), ECANCELED (stopped), or the errno of a failed call. */
int pair_status(const struct pair *p);
/* The child's pid once forked (it may be reaped already), 0 before. */
pid_t pair_child(const struct pair *p);
/* Stop if still running, join the thread, free P. Whoever drains LATER must keep draining
 * while this waits, so call it once pair_finished() is true. */
void pair_destroy(struct pair *p);

/* The demo as a session (session.h). */
struct session_ops;
extern const struct session_ops pair_session_ops;

#endif
