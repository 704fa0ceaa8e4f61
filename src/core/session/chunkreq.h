/* chunkreq: a receive size asked for on the main thread and taken up by a session's own thread
 * at its next recv (server.c, client.c). 0 in the request: none asked for yet. */
#ifndef UDSCOPE_CHUNKREQ_H
#define UDSCOPE_CHUNKREQ_H

#include <stdatomic.h>

/* The size asked for, or *CURRENT: the session's own size, which only its thread changes and
 * only after a request, so it is read only while none came (no race). */
static inline unsigned chunkreq_asked(const atomic_uint *req, const unsigned *current)
{
	unsigned want = atomic_load((atomic_uint *)req);
	return want ? want : *current;
}

/* Ask for N; returns the size asked for before. */
static inline unsigned chunkreq_set(atomic_uint *req, const unsigned *current, unsigned n)
{
	unsigned was = chunkreq_asked(req, current);
	atomic_store(req, n);
	return was;
}

/* For the session's thread: a size to switch to before the next recv, or 0. */
static inline unsigned chunkreq_pending(const atomic_uint *req, unsigned current)
{
	unsigned want = atomic_load_explicit((atomic_uint *)req, memory_order_relaxed);
	return want != current ? want : 0;
}

#endif
