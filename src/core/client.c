/* client: a client session in its own thread, one-shot (the walkthrough's) or interactive. */
#include "config.h"

#include "core/client.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/capture.h"
#include "core/session.h"
#include "core/sysio.h"

/* Bytes an interactive session may hold queued for sending before send says no. */
#define CLIENT_QUEUE_MAX (64u << 20)

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
	bool closed;              /* no more sends accepted */
	uint64_t queued_total;    /* every byte ever accepted by client_send */
	/* Interactive: received bytes not yet matched by client_expect (the newest kept). */
	char *rx;
	size_t rxlen, rxcap;
	/* One-shot: what was sent, to check the echo against. */
	char *msg;
	size_t msg_len;
};

static void *client_main(void *arg);

static void emit_bytes(const struct client *c, enum event_kind kind, const void *p, size_t n)
{
	struct event ev;
	event_init(&ev, SRC_CLIENT, kind);
	event_set_bytes(&ev, p, n);
	if (c->opts.capture && n)
		ev.capture = capture_put(c->opts.capture, p, n);
	sink_emit(&c->later, &ev);
}

int client_start(struct client **out, const struct uds_addr *addr, const struct client_opts *opts,
		 const void *msg, size_t msg_len,
		 const struct event_sink *now, const struct event_sink *later)
{
	*out = NULL;
	struct client *c = calloc(1, sizeof(*c));
	if (!c || (msg_len && !(c->msg = malloc(msg_len)))) {
		free(c);
		event_emit_error(now, SRC_CLIENT, 0, ENOMEM, "client %s", addr->text);
		return -ENOMEM;
	}
	c->addr = *addr;
	c->opts = *opts;
	bool oneshot = opts->oneshot;
	c->fd = c->ctl[0] = c->ctl[1] = -1;
	c->later = *later;
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
	int r;

	event_emit_info(now, SRC_CLIENT, 0, "connecting to %s", addr->text);
	c->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (c->fd < 0) {
		r = -errno;
		event_emit_error(now, SRC_CLIENT, 0, -r, "socket");
		goto fail;
	}
	/* Non-blocking: a Unix connect never waits, but a full backlog would block forever. */
	if (connect(c->fd, (const struct sockaddr *)&addr->sun, addr->len) < 0) {
		r = -errno;
		if (r == -EAGAIN)
			event_emit_error(now, SRC_CLIENT, 0, EAGAIN,
					 "connect %s (the server's listen backlog is full)", addr->text);
		else
			event_emit_error(now, SRC_CLIENT, 0, -r, "connect %s", addr->text);
		goto fail;
	}
	struct peer_cred pc;
	sysio_peer_cred(c->fd, &pc);
	if (pc.ok)
		event_emit_info(now, SRC_CLIENT, 0, "connected to %s (server pid %ld (%s) uid %lu)",
				addr->text, (long)pc.pid, pc.comm[0] ? pc.comm : "?",
				(unsigned long)pc.uid);
	else
		event_emit_info(now, SRC_CLIENT, 0, "connected to %s", addr->text);
	if ((r = sysio_pipe(c->ctl, O_NONBLOCK)) < 0) {
		event_emit_error(now, SRC_CLIENT, 0, -r, "pipe");
		goto fail;
	}
	if (oneshot) {
		/* The whole message is queued before the thread starts, as the walkthrough's
		 * sendall is. */
		if ((r = client_send(c, msg, msg_len)) < 0) {
			event_emit_error(now, SRC_CLIENT, 0, -r, "client %s", addr->text);
			goto fail;
		}
		c->closed = true;
	}
	if ((r = pthread_create(&c->thread, NULL, client_main, c)) != 0) {
		event_emit_error(now, SRC_CLIENT, 0, r, "client %s: pthread_create", addr->text);
		r = -r;
		goto fail;
	}
	c->thread_started = true;
	*out = c;
	return 0;
fail:
	atomic_store(&c->finished, true);
	client_destroy(c);
	return r;
}

int client_send(struct client *c, const void *msg, size_t len)
{
	int r = 0;
	pthread_mutex_lock(&c->lock);
	if (c->closed || atomic_load(&c->finished)) {
		r = -ENOTCONN;
	} else if (c->qlen + len > CLIENT_QUEUE_MAX) {
		r = -ENOBUFS;
	} else {
		if (c->qlen + len > c->qcap) {
			size_t ncap = c->qcap ? c->qcap : 4096;
			while (ncap < c->qlen + len)
				ncap *= 2;
			char *nq = realloc(c->q, ncap);
			if (!nq)
				r = -ENOMEM;
			else {
				c->q = nq;
				c->qcap = ncap;
			}
		}
		if (r == 0) {
			memcpy(c->q + c->qlen, msg, len);
			c->qlen += len;
			c->queued_total += len;
		}
	}
	pthread_mutex_unlock(&c->lock);
	if (r == 0)
		r = sysio_poke(c->ctl[1]);
	return r;
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

/* Move queued bytes into OUT (the thread's own buffer); returns how many were taken. */
static size_t take_queue(struct client *c, char **out, size_t *outcap, size_t have)
{
	pthread_mutex_lock(&c->lock);
	size_t n = c->qlen;
	if (n) {
		if (have + n > *outcap) {
			size_t ncap = *outcap ? *outcap : 4096;
			while (ncap < have + n)
				ncap *= 2;
			char *nb = realloc(*out, ncap);
			if (!nb) {
				pthread_mutex_unlock(&c->lock);
				return 0;
			}
			*out = nb;
			*outcap = ncap;
		}
		memcpy(*out + have, c->q, n);
		c->qlen = 0;
	}
	pthread_mutex_unlock(&c->lock);
	return n;
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
	char *out, *in;               /* bytes being sent; one recv's worth */
	size_t outlen, outcap, outoff;
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

/* The last bytes went out: take what client_send queued since, or, when draining and
 * nothing is left, shut the sending side and give the peer a moment to answer. */
static void refill(struct crun *r)
{
	struct client *c = r->c;
	if (r->outoff == r->outlen) {
		r->outoff = r->outlen = 0;
		size_t n = take_queue(c, &r->out, &r->outcap, 0);
		if (n) {
			r->outlen = n;
			emit_bytes(c, EV_SEND, r->out, n);
		}
	}
	if (r->draining && r->outlen == 0 && !r->linger_until) {
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
		uint64_t total, left = unsent_bytes(c, r->outlen - r->outoff, &total);
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

static void send_some(struct crun *r)
{
	struct client *c = r->c;
	ssize_t n = send(c->fd, r->out + r->outoff, r->outlen - r->outoff,
			 MSG_NOSIGNAL | MSG_DONTWAIT);
	if (n < 0 && errno != EAGAIN && errno != EINTR) {
		r->status = errno;
		r->over = true;
		close_queue(c);
		uint64_t total, left = unsent_bytes(c, r->outlen - r->outoff, &total);
		event_emit_error(&c->later, SRC_CLIENT, 0, r->status, "send %s: %llu of %llu bytes "
				 "not sent", c->addr.text, (unsigned long long)left,
				 (unsigned long long)total);
		return;
	}
	if (n > 0) {
		r->outoff += (size_t)n;
		stats_add_out(&c->stats, (size_t)n);
		atomic_fetch_add(&c->sent, (uint64_t)n);
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

static void recv_some(struct crun *r)
{
	struct client *c = r->c;
	ssize_t n = recv(c->fd, r->in, c->opts.chunk, MSG_DONTWAIT);
	if (n < 0) {
		if (errno == EAGAIN || errno == EINTR)
			return;
		r->status = errno;
		r->over = true;
		event_emit_error(&c->later, SRC_CLIENT, 0, r->status, "recv %s", c->addr.text);
		return;
	}
	if (n == 0) {
		r->peer_closed = r->over = true;
		return;
	}
	stats_add_in(&c->stats, (size_t)n);
	emit_bytes(c, EV_RECV, r->in, (size_t)n);
	if (r->oneshot)
		check_echo(r, (size_t)n);
	else
		rx_keep(c, r->in, (size_t)n);
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
		uint64_t total, left = unsent_bytes(c, r->outlen - r->outoff, &total);
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
		if (r->oneshot && r->outlen == 0 && r->received >= r->expected)
			return;
		struct pollfd p[2] = {
			{ .fd = c->ctl[0], .events = POLLIN },
			{ .fd = c->fd, .events = POLLIN | (r->outoff < r->outlen ? POLLOUT : 0) },
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
		if ((p[1].revents & POLLOUT) && r->outoff < r->outlen)
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
		.in = malloc(c->opts.chunk),
		.expected = c->opts.oneshot ? c->msg_len : 0,
	};
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
	free(r.out);
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
