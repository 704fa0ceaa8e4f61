/* server_queue: what the server's thread and its stream and datagram halves share: the
 * events gathered before they go to the bus, the epoll set's changes, and the receive size
 * the main thread may change between two receives. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/epoll.h>

#include "core/session/chunkreq.h"
#include "core/session/server_int.h"

/* Add, change or drop FD in the epoll set, with TAG as its data. 0 or -errno. */
int server_epoll_set(struct server *s, int op, int fd, uint32_t events, uint64_t tag)
{
	struct epoll_event ev = { .events = events, .data.u64 = tag };
	return epoll_ctl(s->epfd, op, fd, &ev) < 0 ? -errno : 0;
}

/* Send the gathered events on. */
void server_flush_events(struct server *s)
{
	if (s->evq_n)
		sink_emit_many(&s->ls.later, s->evq, s->evq_n);
	s->evq_n = 0;
}

/* The next free event slot; fill it, then commit(). */
struct event *server_slot(struct server *s)
{
	if (s->evq_n == SERVER_EVQ)
		server_flush_events(s);
	return &s->evq[s->evq_n];
}

/* The slot filled is one more event to send. */
void server_commit(struct server *s)
{
	s->evq_n++;
}

/* A copy of EV into the queue. */
void server_emit(struct server *s, struct event *ev)
{
	*server_slot(s) = *ev;
	server_commit(s);
}

/* Every buffer grows (or shrinks) to WANT, keeping echo bytes not yet sent; the size changes
 * only when every buffer could follow. */
static void apply_chunk(struct server *s, unsigned want)
{
	bool ok = true;
	for (size_t i = 0; i < s->nconns; i++) {
		struct conn *c = &s->conns[i];
		size_t keep = c->off + c->pending, size = want > keep ? want : keep;
		char *nb = realloc(c->buf, size ? size : 1);
		if (nb)
			c->buf = nb;
		ok = ok && nb;
	}
	if (s->dbuf) {
		char *nb = realloc(s->dbuf, want);
		if (nb) {
			s->dbuf = nb;
			s->dcap = want;
		}
		ok = ok && nb;
	}
	if (ok)
		s->opts.chunk = want;
}

/* The receive size for the next recv (the thread's own copy, updated here). */
unsigned server_chunk_now(struct server *s)
{
	unsigned want = chunkreq_pending(&s->chunk_req);
	if (want)
		apply_chunk(s, want);
	return s->opts.chunk;
}

