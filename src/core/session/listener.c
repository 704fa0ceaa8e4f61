/* listener: what the server and the tap share of their lives: the start state, the stop
 * request, the thread's end and the finished flag, the join with its totals, and the session
 * ops they answer alike (their struct listener comes first, so the session's pointer is its). */
#include "config.h"

#include "core/session/listener.h"

#include <stdatomic.h>

#include "core/base/sysio.h"

/* Nothing opened yet: descriptors -1, not finished, no totals. */
void listener_init(struct listener *l, const struct event_sink *later, void (*flush)(void *impl))
{
	l->lfd = l->ctl[0] = l->ctl[1] = -1;
	l->later = *later;
	l->flush = flush;
	atomic_init(&l->finished, false);
	stats_init(&l->stats);
}

/* Flush, then finished: whoever sees it finished finds every line of the thread sent. */
void *listener_thread_end(struct listener *l)
{
	l->flush(l);
	atomic_store(&l->finished, true);
	return NULL;
}

/* The thread joined, one line with what it served. */
void listener_join(struct listener *l, const struct event_sink *now, enum event_source src,
		   int type, uint64_t unsent)
{
	if (!l->thread_started)
		return;
	pthread_join(l->thread, NULL);
	struct stats_snapshot sn;
	stats_snapshot(&l->stats, &sn);
	struct event ev;
	event_init(&ev, src, EV_INFO);
	ev.fact = FACT_STOPPED;
	ev.socktype = (uint8_t)type;
	ev.count = sn.accepted;
	ev.bytes_in = sn.bytes_in;
	ev.chunks_in = sn.chunks_in;
	ev.bytes_out = sn.bytes_out;
	ev.chunks_out = sn.chunks_out;
	ev.unsent = unsent;
	sink_emit(now, &ev);
}

/* A byte on the stop pipe: the thread's poll wakes and it ends. */
void listener_request_stop(struct listener *l)
{
	sysio_poke(l->ctl[1]);
}

/* Set by the thread as it ends (listener_thread_end). */
bool listener_finished(const struct listener *l)
{
	return atomic_load(&l->finished);
}

/* ops->finished of a listener kind. */
bool listener_ops_finished(const void *impl)
{
	return listener_finished(impl);
}

/* ops->stop of a listener kind. */
void listener_ops_stop(void *impl)
{
	listener_request_stop(impl);
}
