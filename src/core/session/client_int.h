/* client's inside, shared by its files: client.c (connect, start, stop, as a session),
 * client_queue.c (the interactive send path: the queue client_send fills and the thread
 * takes, and what client_expect matches) and client_run.c (the thread: one-shot or
 * interactive). Not for other modules: they use client.h. */
#ifndef UDSCOPE_CLIENT_INT_H
#define UDSCOPE_CLIENT_INT_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

#include "core/base/stats.h"
#include "core/io/ancil.h"
#include "core/session/chunkreq.h"
#include "core/session/client.h"

/* Bytes an interactive session may hold queued for sending before send says no. */
#define CLIENT_QUEUE_MAX (64u << 20)
/* The first receive buffer when datagrams are received whole (it grows to fit). */
#define CLIENT_DGRAM_FIRST 4096

/* One message (or, on a stream, one send's bytes) in the queue. */
struct qrec {
	size_t len;
	struct ancil anc;         /* descriptors owned until sent */
};

/* What the thread sends: the bytes and records it took from the queue. */
struct outq {
	char *buf;
	size_t len, cap, off;        /* bytes; off: sent so far */
	struct qrec *recs;
	size_t nrecs, reccap, cur;   /* cur: the record off is in */
	size_t cur_start;            /* where record cur starts in buf */
};

struct client {
	struct uds_addr addr;
	struct client_opts opts;
	int fd;
	int ctl[2];
	pthread_t thread;
	bool thread_started;
	atomic_int status;
	atomic_bool finished;
	atomic_bool stop;
	atomic_int flush_ms;      /* with stop: how long to wait for queued bytes to go */
	atomic_int linger_ms;     /* and then for the peer's last bytes */
	atomic_uint_fast64_t sent;  /* bytes the socket took */
	struct stats stats;
	struct event_sink later;
	/* The outgoing queue: messages appended by client_send, taken by the thread. */
	pthread_mutex_t lock;
	char *q;
	size_t qlen, qcap;
	struct qrec *recs;        /* one a client_send: its length and what goes beside it */
	size_t nrecs, reccap;
	bool closed;              /* no more sends accepted */
	uint64_t queued_total;    /* every byte ever accepted by client_send */
	/* Interactive: received bytes not yet matched by client_expect (the newest kept). */
	char *rx;
	size_t rxlen, rxcap;
	/* One-shot: what was sent, to check the echo against. */
	char *msg;
	size_t msg_len;
	/* The thread's own buffers, kept here rather than on its stack (a child forked meanwhile
	 * still sees them reachable). */
	struct outq out;
	char *inbuf;
	bool own_bind;            /* --bind made this node: removed at the end if still ours */
	char bind_path[sizeof(((struct uds_addr *)0)->text)];
	struct stat bound;
	struct chunkreq chunk_req; /* session_set_chunk: the receive size asked for */
};

/* ---- client_queue.c ---- */

/* Move the queue into O (empty now). Returns the records taken; records are taken even when
 * they hold no bytes (an empty datagram). */
size_t client_queue_take(struct client *c, struct outq *o);
/* Bytes queued by client_send that have not reached the socket (HELD of them taken by the
 * thread), and the total ever queued. */
uint64_t client_queue_unsent(struct client *c, size_t held, uint64_t *total);
/* No more sends are accepted from now on. */
void client_queue_close(struct client *c);
/* Keep N received bytes at P for client_expect (the newest, within a bound). */
void client_queue_keep(struct client *c, const char *p, size_t n);

/* ---- client_run.c ---- */

/* The client's thread. */
void *client_run_main(void *arg);

#endif
