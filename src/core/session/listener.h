/* listener: what the sessions that bind a node and serve it from a thread of their own share
 * (the server and the tap): the socket, the stop pipe, the thread, the node bind() made and
 * the totals, and the session ops they answer alike. Internal to core/session. */
#ifndef UDSCOPE_LISTENER_H
#define UDSCOPE_LISTENER_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/stat.h>

#include "core/base/event.h"
#include "core/base/stats.h"
#include "core/session/session.h"

struct listener {
	int lfd;    /* the bound socket */
	int ctl[2]; /* the stop pipe: the thread polls ctl[0] */
	pthread_t thread;
	bool thread_started;
	atomic_bool finished; /* set by the thread as it ends */
	bool own_node;
	struct stat node; /* the node bind() made, removed at stop if still there */
	struct stats stats;
	struct event_sink later; /* what the thread says (through the bus) */
	uint32_t next_id;        /* the last connection's number */
	void (*flush)(void *impl); /* sends what the thread gathered on (listener_thread_end) */
};

/* L with nothing opened: no descriptors, not finished, no totals; its thread speaks to LATER
 * and FLUSH(the session) sends on what it gathered. */
void listener_init(struct listener *l, const struct event_sink *later, void (*flush)(void *impl));
/* The thread's last act: send on what it gathered, then mark L finished. Returns the
 * thread's value (NULL). */
void *listener_thread_end(struct listener *l);
/* Wait for L's thread if it started, then say its totals to NOW in one line (FACT_STOPPED
 * from SRC, a socket of TYPE; UNSENT: what could not be sent back). */
void listener_join(struct listener *l, const struct event_sink *now, enum event_source src,
		   int type, uint64_t unsent);

/* Ask L's thread to end (non-blocking, any thread). */
void listener_request_stop(struct listener *l);
/* Whether L's thread has ended. */
bool listener_finished(const struct listener *l);

/* struct session_ops members for a session whose first member is a struct listener. */
bool listener_ops_finished(const void *impl);
void listener_ops_stop(void *impl);

/* The session ops of a listener kind: its KIND and NAME, how it is freed (DESTROY) and shown
 * (INFO), where it takes a new receive size (CHUNKREQ, or NULL); the listener answers the
 * rest (one that could not start never became a session). */
#define LISTENER_SESSION_OPS(KIND, NAME, DESTROY, INFO, CHUNKREQ)                                  \
	{                                                                                          \
		.kind = (KIND), .name = (NAME), .finished = listener_ops_finished,                 \
		.status = session_status_started, .stop = listener_ops_stop, .destroy = (DESTROY), \
		.info = (INFO), .chunkreq = (CHUNKREQ),                                            \
	}

#endif
