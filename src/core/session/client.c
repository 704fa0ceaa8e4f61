/* client: a client session in its own thread, one-shot (the walkthrough's) or interactive. */
#include "config.h"

#include "core/session/client.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/base/capture.h"
#include "core/session/chunkreq.h"
#include "core/io/msgio.h"
#include "core/io/node.h"
#include "core/session/server.h"
#include "core/session/session.h"
#include "core/base/socktype.h"
#include "core/base/sysio.h"

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
	atomic_uint chunk_req;    /* client_set_chunk: the receive size asked for (0: none) */
};

static void *client_main(void *arg);

/* Where a datagram client's replies come back to: the --bind path or an autobound name. */
static int bind_local(struct client *c, const struct uds_addr *b, const struct event_sink *now)
{
	if (!b) {
		/* Autobind: only the family given, the kernel picks an abstract name. */
		struct sockaddr_un sun = { .sun_family = AF_UNIX };
		if (bind(c->fd, (const struct sockaddr *)&sun, sizeof(sa_family_t)) == 0)
			return 0;
		event_emit_error(now, SRC_CLIENT, 0, errno, "client: autobind");
		return -errno;
	}
	if (bind(c->fd, (const struct sockaddr *)&b->sun, b->len) < 0) {
		int e = errno;
		event_emit_error(now, SRC_CLIENT, 0, e, "bind %s", b->text);
		return -e;
	}
	c->own_bind = !b->abstract && lstat(b->text, &c->bound) == 0;
	snprintf(c->bind_path, sizeof(c->bind_path), "%s", b->text);
	return 0;
}

/* The address a bound socket got, for the lines ("bound to @0001f"). */
static void say_bound(struct client *c, const struct event_sink *now)
{
	struct sockaddr_un sun;
	socklen_t len = sizeof(sun);
	if (getsockname(c->fd, (struct sockaddr *)&sun, &len) < 0)
		return;
	struct uds_addr b;
	addr_from_sockaddr(&sun, len, &b);
	char name[ADDR_BYTES_SIZE];
	struct event ev;
	event_init(&ev, SRC_CLIENT, EV_INFO);
	event_text_name(&ev, "bound to ", name, addr_bytes(&b, name, sizeof(name)),
			" (replies come back here)");
	sink_emit(now, &ev);
}

static int open_socket(struct client *c, const struct uds_addr *bind_to,
		       const struct event_sink *now)
{
	const struct uds_addr *addr = &c->addr;
	c->fd = socket(AF_UNIX, c->opts.type | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (c->fd < 0) {
		event_emit_error(now, SRC_CLIENT, 0, errno, "socket");
		return -errno;
	}
	int r;
	if (c->opts.type == SOCK_DGRAM && (r = bind_local(c, bind_to, now)) < 0)
		return r;
	if (c->opts.type == SOCK_DGRAM)
		say_bound(c, now);
	/* Non-blocking: a Unix connect never waits, but a full backlog would block forever. */
	if (connect(c->fd, (const struct sockaddr *)&addr->sun, addr->len) == 0)
		return 0;
	r = errno;
	if (r == EAGAIN)
		event_emit_error(now, SRC_CLIENT, 0, r,
				 "connect %s (the server's listen backlog is full)", addr->text);
	else if (r == EPROTOTYPE)
		event_emit_error(now, SRC_CLIENT, 0, r, "connect %s (the socket there is not a "
				 "%s socket)", addr->text, socktype_name(c->opts.type));
	else
		event_emit_error(now, SRC_CLIENT, 0, r, "connect %s", addr->text);
	return -r;
}

/* The "connected" line; a stream or seqpacket one carries the socket's inode (sock_ino), by
 * which the front end knows this end when one of its own servers accepts the connection. */
static void say_connected(struct client *c, const struct event_sink *now)
{
	struct peer_cred pc;
	struct stat st;
	char name[ADDR_BYTES_SIZE], after[128] = "";
	size_t n = addr_bytes(&c->addr, name, sizeof(name));
	struct event ev;
	event_init(&ev, SRC_CLIENT, EV_INFO);
	sysio_peer_cred(c->fd, &pc);
	if (c->opts.type != SOCK_DGRAM && fstat(c->fd, &st) == 0)
		ev.sock_ino = st.st_ino;
	if (pc.ok && c->opts.type == SOCK_DGRAM)
		snprintf(after, sizeof(after),
			 " (datagrams go there; the echo comes back from it)");
	else if (pc.ok)
		snprintf(after, sizeof(after), " (server pid %ld (%s) uid %lu)", (long)pc.pid,
			 pc.comm[0] ? pc.comm : "?", (unsigned long)pc.uid);
	event_text_name(&ev, "connected to ", name, n, after);
	sink_emit(now, &ev);
}

static struct client *client_new(const struct uds_addr *addr, const struct client_opts *opts,
				 const void *msg, size_t msg_len)
{
	struct client *c = calloc(1, sizeof(*c));
	if (!c || (msg_len && !(c->msg = malloc(msg_len)))) {
		free(c);
		return NULL;
	}
	c->addr = *addr;
	c->opts = *opts;
	if (!c->opts.type)
		c->opts.type = SOCK_STREAM;
	if (c->opts.type == SOCK_DGRAM && c->opts.oneshot && !c->opts.timeout_ms)
		c->opts.timeout_ms = CLIENT_DGRAM_TIMEOUT_MS;
	if (c->opts.type != SOCK_DGRAM && !c->opts.chunk)
		c->opts.chunk = SERVER_CHUNK_DEFAULT; /* only a datagram is received whole */
	c->opts.bind = NULL;   /* not kept: the caller's */
	c->fd = c->ctl[0] = c->ctl[1] = -1;
	if (msg_len)
		memcpy(c->msg, msg, msg_len);
	c->msg_len = msg_len;
	atomic_init(&c->status, CLIENT_RUNNING);
	atomic_init(&c->finished, false);
	atomic_init(&c->stop, false);
	atomic_init(&c->flush_ms, CLIENT_STOP_NOW);
	atomic_init(&c->linger_ms, CLIENT_LINGER_MS);
	atomic_init(&c->sent, 0);
	stats_init(&c->stats);
	pthread_mutex_init(&c->lock, NULL);
	return c;
}

int client_start_ancil(struct client **out, const struct uds_addr *addr,
		       const struct client_opts *opts, const void *msg, size_t msg_len,
		       struct ancil *anc, const struct event_sink *now,
		       const struct event_sink *later)
{
	*out = NULL;
	struct client *c = client_new(addr, opts, msg, msg_len);
	if (!c) {
		if (anc)
			ancil_close(anc);
		event_emit_error(now, SRC_CLIENT, 0, ENOMEM, "client %s", addr->text);
		return -ENOMEM;
	}
	c->later = *later;
	int r;
	struct event ev;
	event_init(&ev, SRC_CLIENT, EV_INFO);
	char name[ADDR_BYTES_SIZE];
	event_text_name(&ev, "connecting to ", name, addr_bytes(addr, name, sizeof(name)), "");
	ev.socktype = (uint8_t)c->opts.type;
	sink_emit(now, &ev);
	if ((r = open_socket(c, opts->bind, now)) < 0)
		goto fail;
	say_connected(c, now);
	if ((r = sysio_pipe(c->ctl, O_NONBLOCK)) < 0) {
		event_emit_error(now, SRC_CLIENT, 0, -r, "pipe");
		goto fail;
	}
	if (opts->oneshot) {
		/* The whole message is queued before the thread starts, as the walkthrough's
		 * sendall is. */
		r = client_send_ancil(c, msg, msg_len, anc);
		anc = NULL;
		if (r < 0) {
			event_emit_error(now, SRC_CLIENT, 0, -r, "client %s", addr->text);
			goto fail;
		}
		c->closed = true;
	}
	r = session_thread_start(&c->thread, &c->thread_started, client_main, c, now, SRC_CLIENT,
				 "client", addr->text);
	if (r < 0)
		goto fail;
	*out = c;
	return 0;
fail:
	if (anc)
		ancil_close(anc);
	atomic_store(&c->finished, true);
	client_destroy(c);
	return r;
}

int client_start(struct client **out, const struct uds_addr *addr, const struct client_opts *opts,
		 const void *msg, size_t msg_len,
		 const struct event_sink *now, const struct event_sink *later)
{
	return client_start_ancil(out, addr, opts, msg, msg_len, NULL, now, later);
}

/* Room for LEN more bytes and one more record; under the lock. */
static int queue_room(struct client *c, size_t len)
{
	if (c->qlen + len > c->qcap) {
		size_t ncap = c->qcap ? c->qcap : 4096;
		while (ncap < c->qlen + len)
			ncap *= 2;
		char *nq = realloc(c->q, ncap);
		if (!nq)
			return -ENOMEM;
		c->q = nq;
		c->qcap = ncap;
	}
	if (c->nrecs == c->reccap) {
		size_t ncap = c->reccap ? c->reccap * 2 : 16;
		struct qrec *nr = realloc(c->recs, ncap * sizeof(*nr));
		if (!nr)
			return -ENOMEM;
		c->recs = nr;
		c->reccap = ncap;
	}
	return 0;
}

int client_send_ancil(struct client *c, const void *msg, size_t len, struct ancil *anc)
{
	int r = 0;
	pthread_mutex_lock(&c->lock);
	if (c->closed || atomic_load(&c->finished))
		r = -ENOTCONN;
	else if (c->qlen + len > CLIENT_QUEUE_MAX)
		r = -ENOBUFS;
	else
		r = queue_room(c, len);
	if (r == 0) {
		if (len)
			memcpy(c->q + c->qlen, msg, len);
		c->qlen += len;
		c->queued_total += len;
		struct qrec *q = &c->recs[c->nrecs++];
		q->len = len;
		if (anc)
			q->anc = *anc;
		else
			memset(&q->anc, 0, sizeof(q->anc));
	}
	pthread_mutex_unlock(&c->lock);
	if (r < 0 && anc)
		ancil_close(anc);
	if (r == 0)
		r = sysio_poke(c->ctl[1]);
	return r;
}

int client_send(struct client *c, const void *msg, size_t len)
{
	return client_send_ancil(c, msg, len, NULL);
}

void client_request_stop(struct client *c, int flush_timeout_ms, int linger_ms)
{
	atomic_store(&c->flush_ms, flush_timeout_ms);
	atomic_store(&c->linger_ms, linger_ms);
	atomic_store(&c->stop, true);
	sysio_poke(c->ctl[1]);
}

int client_status(const struct client *c)
{
	return atomic_load(&c->status);
}

bool client_finished(const struct client *c)
{
	return atomic_load(&c->finished);
}

void client_destroy(struct client *c)
{
	if (!c)
		return;
	if (c->thread_started)
		pthread_join(c->thread, NULL);
	sysio_close(&c->fd);
	if (c->own_bind) {
		char why[256];
		node_remove(c->bind_path, &c->bound, why, sizeof(why));
	}
	for (size_t i = 0; i < c->nrecs; i++)
		ancil_close(&c->recs[i].anc);
	free(c->recs);
	sysio_close(&c->ctl[0]);
	sysio_close(&c->ctl[1]);
	pthread_mutex_destroy(&c->lock);
	free(c->q);
	free(c->rx);
	free(c->msg);
	free(c);
}

uint64_t client_queued(struct client *c)
{
	pthread_mutex_lock(&c->lock);
	uint64_t n = c->queued_total;
	pthread_mutex_unlock(&c->lock);
	return n;
}

uint64_t client_sent(const struct client *c)
{
	return atomic_load(&c->sent);
}

int client_expect(struct client *c, const void *text, size_t len)
{
	pthread_mutex_lock(&c->lock);
	const char *hit = len && c->rxlen ? memmem(c->rx, c->rxlen, text, len) : NULL;
	int r = 0;
	if (hit) {
		size_t used = (size_t)(hit - c->rx) + len;
		memmove(c->rx, c->rx + used, c->rxlen - used);
		c->rxlen -= used;
		r = 1;
	} else if (atomic_load(&c->finished)) {
		r = -EPIPE;
	}
	pthread_mutex_unlock(&c->lock);
	return r;
}

size_t client_unmatched(struct client *c, void *tail, size_t max, size_t *tail_len)
{
	pthread_mutex_lock(&c->lock);
	size_t n = c->rxlen, k = n < max ? n : max;
	if (k)
		memcpy(tail, c->rx + n - k, k);   /* rx is NULL until something came */
	*tail_len = k;
	pthread_mutex_unlock(&c->lock);
	return n;
}

/* Keep received bytes for client_expect: at least the newest CLIENT_RX_KEEP of them. The
 * buffer is cut back to that only once twice as much piled up, so a flood costs each byte one
 * copy in and at most one move, not a move of the whole window per chunk. */
static void rx_keep(struct client *c, const char *p, size_t n)
{
	pthread_mutex_lock(&c->lock);
	if (c->rxlen + n > 2 * CLIENT_RX_KEEP) {
		size_t old = n >= CLIENT_RX_KEEP ? 0 : CLIENT_RX_KEEP - n;
		memmove(c->rx, c->rx + c->rxlen - old, old);
		c->rxlen = old;
		if (n > CLIENT_RX_KEEP) {
			p += n - CLIENT_RX_KEEP;
			n = CLIENT_RX_KEEP;
		}
	}
	if (c->rxlen + n > c->rxcap) {
		size_t ncap = c->rxcap ? c->rxcap : 4096;
		while (ncap < c->rxlen + n)
			ncap *= 2;
		char *nb = realloc(c->rx, ncap);
		if (!nb) {
			pthread_mutex_unlock(&c->lock);
			return;   /* expect then misses these bytes; the recv line still shows them */
		}
		c->rx = nb;
		c->rxcap = ncap;
	}
	memcpy(c->rx + c->rxlen, p, n);
	c->rxlen += n;
	pthread_mutex_unlock(&c->lock);
}

const struct uds_addr *client_addr(const struct client *c)
{
	return &c->addr;
}

const struct stats *client_stats(const struct client *c)
{
	return &c->stats;
}

/* ---- the thread ---- */


/* Move the queue into O (empty now). Returns the bytes taken; records are taken even when
 * they hold no bytes (an empty datagram). */
static size_t take_queue(struct client *c, struct outq *o)
{
	pthread_mutex_lock(&c->lock);
	char *qb = c->q;
	size_t qcap = c->qcap, rcap = c->reccap;
	struct qrec *qr = c->recs;
	c->q = o->buf;
	c->qcap = o->cap;
	c->recs = o->recs;
	c->reccap = o->reccap;
	o->buf = qb;
	o->cap = qcap;
	o->recs = qr;
	o->reccap = rcap;
	o->len = c->qlen;
	o->nrecs = c->nrecs;
	c->qlen = c->nrecs = 0;
	pthread_mutex_unlock(&c->lock);
	o->off = o->cur = o->cur_start = 0;
	return o->nrecs;
}

static void finish(struct client *c, int status)
{
	pthread_mutex_lock(&c->lock);
	c->closed = true;
	pthread_mutex_unlock(&c->lock);
	atomic_store(&c->status, status);
	atomic_store(&c->finished, true);
}

/* Bytes queued by client_send that have not reached the socket, and the total ever queued. */
static uint64_t unsent_bytes(struct client *c, size_t held, uint64_t *total)
{
	pthread_mutex_lock(&c->lock);
	uint64_t n = held + c->qlen;
	*total = c->queued_total;
	pthread_mutex_unlock(&c->lock);
	return n;
}

/* No more sends are accepted from now on. */
static void close_queue(struct client *c)
{
	pthread_mutex_lock(&c->lock);
	c->closed = true;
	pthread_mutex_unlock(&c->lock);
}

/* Milliseconds from now until DEADLINE_NS (0: none, -1 for poll), never negative. */
static int ms_until(uint64_t deadline_ns)
{
	if (!deadline_ns)
		return -1;
	uint64_t now = event_now_ns();
	if (now >= deadline_ns)
		return 0;
	uint64_t ms = (deadline_ns - now + 999999) / 1000000;
	return ms > INT32_MAX ? INT32_MAX : (int)ms;
}

/* Where the one-shot echo CHUNK (N bytes, arriving after RECEIVED) first differs from the
 * message, or -1 when every byte it holds is the message's. */
static int64_t echo_mismatch(const struct client *c, uint64_t received, const char *chunk, size_t n)
{
	uint64_t expected = c->msg_len;
	size_t overlap = received >= expected ? 0
		: (expected - received < n ? (size_t)(expected - received) : n);
	for (size_t i = 0; i < overlap; i++)
		if (chunk[i] != c->msg[received + i])
			return (int64_t)(received + i);
	return overlap < n ? (int64_t)(received + overlap) : -1;
}

/* What the client thread keeps while it runs. */
struct crun {
	struct client *c;
	bool oneshot;
	struct outq *o;               /* what is being sent (c->out) */
	char *in;                     /* one recv's worth */
	size_t in_cap;                /* bytes in holds (a whole datagram's, when chunk is 0) */
	bool message;                 /* seqpacket or dgram: each send and recv is a message */
	uint64_t received, expected;  /* one-shot: echo bytes so far, and the message's length */
	uint64_t deadline;            /* one-shot --timeout, or the graceful stop's flush */
	uint64_t linger_until;        /* after the last byte went: the last echoes' moment */
	int status;                   /* 0, or the errno the session ends with */
	bool peer_closed, draining;
	bool over;                    /* the loop ends (status says how) */
};

/* A stop was asked for: a one-shot client (or a stop now) ends at once; a connection first
 * sends what is queued, within the flush bound. Returns false when the loop ends. */
static bool take_stop(struct crun *r)
{
	struct client *c = r->c;
	if (r->draining)
		return atomic_load(&c->flush_ms) >= 0;   /* asked again, to stop now? */
	if (!atomic_load(&c->stop))
		return true;
	int ms = atomic_load(&c->flush_ms);
	if (r->oneshot || ms < 0)
		return false;
	close_queue(c);
	r->draining = true;
	r->deadline = event_now_ns() + (uint64_t)ms * 1000000u;
	return true;
}

static bool out_pending(const struct crun *r)
{
	return r->o->cur < r->o->nrecs;
}

/* "sending 5 bytes b'hello' with 2 fds": one line a record taken from the queue. */
static void say_sending(struct crun *r)
{
	struct client *c = r->c;
	size_t at = 0;
	for (size_t i = 0; i < r->o->nrecs; i++) {
		const struct qrec *q = &r->o->recs[i];
		struct event ev;
		event_init(&ev, SRC_CLIENT, EV_SEND);
		event_set_bytes(&ev, r->o->buf + at, q->len);
		ev.message = r->message;
		ev.nfds = (uint8_t)q->anc.nfds;
		if (c->opts.capture && q->len)
			ev.capture = capture_put(c->opts.capture, r->o->buf + at, q->len);
		if (q->anc.has_cred) {
			ev.has_cred = ev.cred_msg = true;
			ev.pid = q->anc.cred.pid;
			ev.uid = q->anc.cred.uid;
			ev.gid = q->anc.cred.gid;
			sysio_proc_comm(ev.pid, ev.comm, sizeof(ev.comm));
		}
		sink_emit(&c->later, &ev);
		at += q->len;
	}
}

/* The last bytes went out: take what client_send queued since, or, when draining and
 * nothing is left, shut the sending side and give the peer a moment to answer. */
static void refill(struct crun *r)
{
	struct client *c = r->c;
	if (!out_pending(r) && take_queue(c, r->o))
		say_sending(r);
	if (r->draining && !out_pending(r) && !r->linger_until) {
		shutdown(c->fd, SHUT_WR);
		r->linger_until = event_now_ns() + (uint64_t)atomic_load(&c->linger_ms) * 1000000u;
	}
}

/* Deadlines hold even against a peer that keeps the socket busy. Returns true when the loop
 * ends: the linger is over (nothing lost), or a deadline passed (an error said). */
static bool past_deadline(struct crun *r)
{
	struct client *c = r->c;
	if (r->linger_until)
		return ms_until(r->linger_until) == 0;
	if (!r->deadline || ms_until(r->deadline) != 0)
		return false;
	r->status = ETIMEDOUT;
	if (r->draining) {
		uint64_t total, left = unsent_bytes(c, r->o->len - r->o->off, &total);
		event_emit_error(&c->later, SRC_CLIENT, 0, ETIMEDOUT,
				 "disconnect %s: %llu of %llu bytes not sent after %d s (the peer is "
				 "not reading)", c->addr.text, (unsigned long long)left,
				 (unsigned long long)total, (atomic_load(&c->flush_ms) + 999) / 1000);
	} else {
		event_emit_error(&c->later, SRC_CLIENT, 0, ETIMEDOUT,
				 "client %s: no complete echo after %d s: received %llu of %llu bytes",
				 c->addr.text, (c->opts.timeout_ms + 999) / 1000,
				 (unsigned long long)r->received, (unsigned long long)r->expected);
	}
	return true;
}

static void send_failed(struct crun *r, int err)
{
	struct client *c = r->c;
	r->status = err;
	r->over = true;
	close_queue(c);
	uint64_t total, left = unsent_bytes(c, r->o->len - r->o->off, &total);
	event_emit_error(&c->later, SRC_CLIENT, 0, err, "send %s: %llu of %llu bytes not sent",
			 c->addr.text, (unsigned long long)left, (unsigned long long)total);
}

/* Send records until the socket would block. A record's descriptors and credentials go with
 * its first byte; a message goes whole or not at all. */
static void send_some(struct crun *r)
{
	struct client *c = r->c;
	struct outq *o = r->o;
	while (out_pending(r)) {
		struct qrec *q = &o->recs[o->cur];
		size_t end = o->cur_start + q->len;
		bool first = o->off == o->cur_start;
		struct ancil *a = first && (q->anc.nfds || q->anc.has_cred) ? &q->anc : NULL;
		ssize_t n = msgio_send(c->fd, o->buf + o->off, end - o->off, a, NULL, 0);
		if (n == -EAGAIN)
			return;
		if (n < 0) {
			send_failed(r, (int)-n);
			return;
		}
		if (a) {
			ancil_close(a);
			a->has_cred = false;
		}
		o->off += (size_t)n;
		stats_add_out(&c->stats, (size_t)n);
		atomic_fetch_add(&c->sent, (uint64_t)n);
		if (o->off < end)
			return;   /* a stream took part of it: the rest when it has room */
		o->cur++;
		o->cur_start = end;
	}
}

/* One-shot: every byte of the echo must be the message's, and no more. */
static void check_echo(struct crun *r, size_t n)
{
	struct client *c = r->c;
	int64_t bad = echo_mismatch(c, r->received, r->in, n);
	r->received += n;
	if (bad < 0)
		return;
	if ((uint64_t)bad >= r->expected)
		event_emit_error(&c->later, SRC_CLIENT, 0, EPROTO, "client %s: the echo differs at "
				 "byte %lld (it is longer than the %llu bytes sent)", c->addr.text,
				 (long long)bad, (unsigned long long)r->expected);
	else
		event_emit_error(&c->later, SRC_CLIENT, 0, EPROTO,
				 "client %s: the echo differs at byte %lld", c->addr.text,
				 (long long)bad);
	r->status = EPROTO;
	r->over = true;
}

/* A 0-byte read: the end of a stream, or of a seqpacket connection, or an empty message. */
static bool is_end(const struct crun *r)
{
	int type = r->c->opts.type;
	return type == SOCK_STREAM || (type == SOCK_SEQPACKET && msgio_peer_closed(r->c->fd));
}

static unsigned chunk_now(struct crun *r);

static void recv_some(struct crun *r)
{
	struct client *c = r->c;
	struct msgio_in in;
	ssize_t want = chunk_now(r);
	if (!want) {
		want = msgio_whole(c->fd, &r->in, &r->in_cap, SERVER_CHUNK_MAX);
		c->inbuf = r->in;
		if (want == -EAGAIN)
			return;
		if (want < 0)
			want = (ssize_t)r->in_cap; /* no room for it whole: cut, and said */
	}
	ssize_t n = msgio_recv(c->fd, r->in, (size_t)want, r->message, 0, &in);
	if (n == -EAGAIN)
		return;
	if (n < 0) {
		r->status = (int)-n;
		r->over = true;
		event_emit_error(&c->later, SRC_CLIENT, 0, r->status, "recv %s", c->addr.text);
		return;
	}
	if (n == 0 && is_end(r)) {
		ancil_close(&in.anc);
		r->peer_closed = r->over = true;
		return;
	}
	stats_add_in(&c->stats, (size_t)n);
	struct event ev;
	event_init(&ev, SRC_CLIENT, EV_RECV);
	event_set_bytes(&ev, r->in, (size_t)n);
	msgio_describe(&ev, &in, r->message, false);
	if (c->opts.capture && n)
		ev.capture = capture_put(c->opts.capture, r->in, (size_t)n);
	sink_emit(&c->later, &ev);
	msgio_say_fds(&c->later, SRC_CLIENT, 0, &in.anc, "; closed");
	ancil_close(&in.anc);
	if (!r->oneshot) {
		rx_keep(c, r->in, (size_t)n);
		return;
	}
	check_echo(r, (size_t)n);
	if (r->message)
		r->over = true;   /* the echo is one message, whole or cut */
}

/* The loop is over with no error yet: bytes a connection could not send, or a one-shot
 * echo that came short, are failures. */
static void final_checks(struct crun *r)
{
	struct client *c = r->c;
	if (r->status)
		return;
	if (!r->oneshot) {
		close_queue(c);
		uint64_t total, left = unsent_bytes(c, r->o->len - r->o->off, &total);
		if (left) {
			r->status = EPIPE;
			event_emit_error(&c->later, SRC_CLIENT, 0, EPIPE,
					 "send %s: %llu of %llu bytes not sent (%s)", c->addr.text,
					 (unsigned long long)left, (unsigned long long)total,
					 r->peer_closed ? "the peer closed the connection"
							: "the connection was stopped first");
		}
	} else if (r->received < r->expected) {
		r->status = EPROTO;
		event_emit_error(&c->later, SRC_CLIENT, 0, EPROTO,
				 "client %s: short echo, received %llu of %llu bytes%s", c->addr.text,
				 (unsigned long long)r->received, (unsigned long long)r->expected,
				 r->peer_closed ? " before the server closed the connection" : "");
	}
}

static void run_loop(struct crun *r)
{
	struct client *c = r->c;
	while (!r->over && take_stop(r)) {
		refill(r);
		if (r->oneshot && !out_pending(r) && r->received >= r->expected)
			return;
		struct pollfd p[2] = {
			{ .fd = c->ctl[0], .events = POLLIN },
			{ .fd = c->fd, .events = POLLIN | (out_pending(r) ? POLLOUT : 0) },
		};
		if (poll(p, 2, ms_until(r->linger_until ? r->linger_until : r->deadline)) < 0) {
			if (errno == EINTR)
				continue;
			r->status = errno;
			event_emit_error(&c->later, SRC_CLIENT, 0, r->status, "poll");
			return;
		}
		if (past_deadline(r))
			return;
		if (p[0].revents) {
			char drain[64];
			while (read(c->ctl[0], drain, sizeof(drain)) > 0)
				;
		}
		if ((p[1].revents & POLLOUT) && out_pending(r))
			send_some(r);
		if (!r->over && (p[1].revents & (POLLIN | POLLHUP | POLLERR)))
			recv_some(r);
	}
}

static void *client_main(void *arg)
{
	struct client *c = arg;
	struct crun r = {
		.c = c,
		.oneshot = c->opts.oneshot,
		.message = c->opts.type != SOCK_STREAM,
		.o = &c->out,
		.in_cap = c->opts.chunk ? c->opts.chunk : CLIENT_DGRAM_FIRST,
		.expected = c->opts.oneshot ? c->msg_len : 0,
	};
	r.in = c->inbuf = malloc(r.in_cap);
	if (r.oneshot && c->opts.timeout_ms > 0)
		r.deadline = event_now_ns() + (uint64_t)c->opts.timeout_ms * 1000000u;
	if (!r.in) {
		event_emit_error(&c->later, SRC_CLIENT, 0, ENOMEM, "client %s", c->addr.text);
		r.status = ENOMEM;
	} else {
		run_loop(&r);
		final_checks(&r);
	}
	struct event ev;
	event_init(&ev, SRC_CLIENT, EV_CLOSE);
	if (r.peer_closed && !r.oneshot && !r.draining)
		event_textf(&ev, "server closed the connection; closing socket");
	else
		event_textf(&ev, "closing socket");
	sink_emit(&c->later, &ev);
	shutdown(c->fd, SHUT_RDWR);
	free(r.in);
	c->inbuf = NULL;
	for (size_t i = r.o->cur; i < r.o->nrecs; i++)
		ancil_close(&r.o->recs[i].anc);
	free(r.o->buf);
	free(r.o->recs);
	memset(r.o, 0, sizeof(*r.o));
	finish(c, r.status);
	return NULL;
}

/* ---- as a session: the one-shot client and the interactive connection ---- */

static bool ops_finished(const void *c)
{
	return client_finished(c);
}

static int ops_status(const void *c)
{
	return client_status(c);
}

static void ops_stop_now(void *c)
{
	client_request_stop(c, CLIENT_STOP_NOW, 0);
}

static void ops_stop_flush(void *c)
{
	client_request_stop(c, CLIENT_FLUSH_TIMEOUT_MS, CLIENT_LINGER_MS);
}

static void ops_destroy(void *c, const struct event_sink *now)
{
	client_destroy(c);
}

static void ops_info(const void *p, struct session_info *out)
{
	const struct client *c = p;
	snprintf(out->path, sizeof(out->path), "%s", c->addr.text);
	out->type = socktype_name(c->opts.type);
	if (!c->opts.oneshot)
		out->state = out->finished ? "closed" : "connected";
	out->has_stats = true;
	stats_snapshot(&c->stats, &out->st);
}

const struct session_ops client_session_ops = {
	.kind = SESSION_CLIENT,
	.name = "client",
	.finished = ops_finished,
	.status = ops_status,
	.stop = ops_stop_now,
	.destroy = ops_destroy,
	.info = ops_info,
};

const struct session_ops conn_session_ops = {
	.kind = SESSION_CONN,
	.name = "connection",
	.kept_when_finished = true,
	.finished = ops_finished,
	.status = ops_status,
	.stop = ops_stop_flush,
	.destroy = ops_destroy,
	.info = ops_info,
};

/* ---- the receive size, changed while it runs; the socket, for matching its server end ---- */

/* The receive size for the next recv: the buffer follows a request (nothing is held in it
 * between recvs); the size stays when it cannot. */
static unsigned chunk_now(struct crun *r)
{
	struct client *c = r->c;
	unsigned want = chunkreq_pending(&c->chunk_req, c->opts.chunk);
	if (want) {
		char *nb = realloc(r->in, want);
		if (nb) {
			r->in = c->inbuf = nb;
			r->in_cap = want;
			c->opts.chunk = want;
		}
	}
	return c->opts.chunk;
}

unsigned client_set_chunk(struct client *c, unsigned chunk)
{
	return chunkreq_set(&c->chunk_req, &c->opts.chunk, chunk);
}

unsigned client_chunk(const struct client *c)
{
	return chunkreq_asked(&c->chunk_req, &c->opts.chunk);
}
