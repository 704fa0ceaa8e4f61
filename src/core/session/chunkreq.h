/* chunkreq: a receive size asked for on the main thread and taken up by a session's own thread
 * at its next recv (server.c, client.c). The main thread asks through the session
 * (session_set_chunk, session_chunk); the thread reads chunkreq_pending. */
#ifndef UDSCOPE_CHUNKREQ_H
#define UDSCOPE_CHUNKREQ_H

#include <stdatomic.h>

struct chunkreq {
	atomic_uint asked;    /* the size asked for; 0: none yet */
	const unsigned *size; /* the session's own size, which only its thread changes and only
			       * after a request, so it is read only while none came (no race) */
};

/* No request yet; SIZE is the session's own size. */
static inline void chunkreq_init(struct chunkreq *r, const unsigned *size)
{
	atomic_init(&r->asked, 0);
	r->size = size;
}

/* For the session's thread: a size to switch to before the next recv, or 0. */
static inline unsigned chunkreq_pending(const struct chunkreq *r)
{
	unsigned want = atomic_load_explicit((atomic_uint *)&r->asked, memory_order_relaxed);
	return want != *r->size ? want : 0;
}

#endif
