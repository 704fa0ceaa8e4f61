/* server's inside, shared by its files: server.c (start, stop, the thread's loop, as a
 * session), server_stream.c (stream and seqpacket connections: accept, echo, close) and
 * server_dgram.c (a datagram server: every sender on one socket). Not for other modules:
 * they use server.h. */
#ifndef UDSCOPE_SERVER_INT_H
#define UDSCOPE_SERVER_INT_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/epoll.h>
#include <sys/stat.h>

#include "core/base/stats.h"
#include "core/base/sysio.h"
#include "core/io/ancil.h"
#include "core/session/chunkreq.h"
#include "core/session/listener.h"
#include "core/session/server.h"

/* Events the thread gathers before handing them to the bus under one lock. */
#define SERVER_EVQ 64
/* Chunks served from one connection before the others get their turn. */
#define SERVER_BUDGET 64

/* Readiness reported by one epoll_wait. */
#define SERVER_EVENTS 64

/* A datagram server's first buffer when it receives whole datagrams (it grows to fit). */
#define SERVER_DGRAM_FIRST 4096

/* How long to stop accepting after EMFILE/ENFILE when no client leaves meanwhile. */
#define SERVER_EMFILE_PAUSE_MS 1000

struct conn {
	int fd;
	uint32_t id;
	size_t pending, off;      /* echo bytes in buf not yet written, from off */
	struct peer_cred cred;
	uint32_t peer_ino;        /* a client of this very process: its end's inode, else 0 */
	atomic_uint_fast64_t bytes_in, bytes_out;
	atomic_size_t shown_pending;  /* pending, for readers outside the thread */
	char *buf;                /* chunk-sized, allocated once per connection */
	struct ancil held;        /* descriptors that came with the chunk in buf: echoed with it */
	uint64_t cap_id;          /* the chunk in buf, in the capture store (0: not kept) */
	bool watch_out;           /* epoll waits for POLLOUT (an echo is pending), else POLLIN */
};

struct server {
	struct listener ls; /* first: the session ops read it (listener.h) */
	struct uds_addr addr;
	struct server_opts opts;
	/* The thread changes the set of connections (accept, close) under conns_lock; it reads
	 * and writes data without it. Other threads take it to look at the set. */
	pthread_mutex_t conns_lock;
	struct conn *conns;
	size_t nconns, capconns;
	/* epoll, not poll: its interest stays registered, so a round costs one epoll_wait, not
	 * a walk of every descriptor (poll was a quarter of a 1-byte ping-pong's server CPU). */
	int epfd;
	struct epoll_event *ready;    /* SERVER_EVENTS of them */
	int *conn_of_fd;              /* fd -> index in conns, -1: none */
	size_t nconn_of_fd;
	bool listener_watched;
	bool accept_paused;
	bool accept_error_shown;      /* this run of EMFILE was reported already */
	bool stopping;
	struct event *evq;            /* the thread's outgoing events, flushed before each poll */
	size_t evq_n;
	struct event_sink qsink;      /* a sink into evq, for the thread's own lines */
	uint64_t paused_until_ns;
	char *dbuf;                   /* datagram server: one datagram's worth */
	size_t dcap;                  /* bytes dbuf holds (it grows to a whole datagram) */
	uint64_t echo_dropped;        /* datagram echoes the kernel refused */
	struct chunkreq chunk_req;    /* session_set_chunk: the receive size asked for */
};

/* epoll data: a connection's is its fd; these two are above any fd. */
#define TAG_CTL ((uint64_t)1 << 32)
#define TAG_LISTENER (((uint64_t)1 << 32) + 1)

/* ---- server.c ---- */

/* Send the gathered events on. */
void server_flush_events(struct server *s);
/* The next free event slot; fill it, then server_commit(). */
struct event *server_slot(struct server *s);
void server_commit(struct server *s);
/* A copy of EV into the queue. */
void server_emit(struct server *s, struct event *ev);
/* Add, change or drop FD in the epoll set, with TAG as its data. 0 or -errno. */
int server_epoll_set(struct server *s, int op, int fd, uint32_t events, uint64_t tag);
/* The receive size for the next recv (the thread's own copy, updated here). */
unsigned server_chunk_now(struct server *s);

/* ---- server_stream.c ---- */

/* Room for one more connection. 0 or -ENOMEM. */
int server_stream_grow(struct server *s);
/* After a crowd has gone, give the table back: memory returns to where it was. */
void server_stream_trim(struct server *s);
/* Accept every client waiting. */
void server_stream_accept_all(struct server *s);
/* Serve connection I for what epoll said (REVENTS), and keep epoll's interest in step. */
void server_stream_ready(struct server *s, size_t i, short revents);
/* Close every connection: the server is stopping. */
void server_stream_close_all(struct server *s);

/* ---- server_dgram.c ---- */

/* Take, say and echo the datagrams waiting (a budget's worth). */
void server_dgram_serve(struct server *s);

#endif
