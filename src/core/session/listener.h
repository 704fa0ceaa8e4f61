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
};

/* Ask L's thread to end (non-blocking, any thread). */
void listener_request_stop(struct listener *l);
/* Whether L's thread has ended. */
bool listener_finished(const struct listener *l);

/* struct session_ops members for a session whose first member is a struct listener. */
bool listener_ops_finished(const void *impl);
void listener_ops_stop(void *impl);

#endif
