/* client_run: a client session's thread: the one-shot client (send, check the echo, close)
 * and the interactive connection (send what is queued, keep what arrives), with their ends. */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/base/capture.h"
#include "core/base/sysio.h"
#include "core/io/msgio.h"
#include "core/session/chunkreq.h"
#include "core/session/client_int.h"
#include "core/session/server.h"

static void finish(struct client *c, int status)
{
	pthread_mutex_lock(&c->lock);
	c->closed = true;
	pthread_mutex_unlock(&c->lock);
	atomic_store(&c->status, status);
	atomic_store(&c->finished, true);
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
	client_queue_close(c);
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
	if (!out_pending(r) && client_queue_take(c, r->o))
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
		uint64_t total, left = client_queue_unsent(c, r->o->len - r->o->off, &total);
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
	client_queue_close(c);
	uint64_t total, left = client_queue_unsent(c, r->o->len - r->o->off, &total);
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
		client_queue_keep(c, r->in, (size_t)n);
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
		client_queue_close(c);
		uint64_t total, left = client_queue_unsent(c, r->o->len - r->o->off, &total);
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

/* The client's thread: connect done, it sends and receives until it ends. */
void *client_run_main(void *arg)
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
	ev.fact = FACT_CONN_CLOSED;
	ev.reason = r.peer_closed && !r.oneshot && !r.draining ? REASON_PEER_CLOSED
							       : REASON_FINISHED;
	ev.bytes_in = atomic_load(&c->stats.bytes_in);
	ev.bytes_out = atomic_load(&c->stats.bytes_out);
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

/* The receive size for the next recv: the buffer follows a request (nothing is held in it
 * between recvs); the size stays when it cannot. */
static unsigned chunk_now(struct crun *r)
{
	struct client *c = r->c;
	unsigned want = chunkreq_pending(&c->chunk_req);
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
