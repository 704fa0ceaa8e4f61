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
	uint64_t rx_total;        /* every byte received, matched or not */
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

/* Keep received bytes for client_expect: the newest CLIENT_RX_KEEP of them. */
static void rx_keep(struct client *c, const char *p, size_t n)
{
	pthread_mutex_lock(&c->lock);
	c->rx_total += n;
	if (n >= CLIENT_RX_KEEP) {
		p += n - CLIENT_RX_KEEP;
		n = CLIENT_RX_KEEP;
		c->rxlen = 0;
	} else if (c->rxlen + n > CLIENT_RX_KEEP) {
		size_t drop = c->rxlen + n - CLIENT_RX_KEEP;
		memmove(c->rx, c->rx + drop, c->rxlen - drop);
		c->rxlen -= drop;
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

static void *client_main(void *arg)
{
	struct client *c = arg;
	const bool oneshot = c->opts.oneshot;
	char *out = NULL, *in = malloc(c->opts.chunk);
	size_t outlen = 0, outcap = 0, outoff = 0;
	uint64_t received = 0, expected = oneshot ? c->msg_len : 0;
	uint64_t deadline = 0;        /* one-shot --timeout, or the graceful stop's flush */
	uint64_t linger_until = 0;    /* after the last byte went: the last echoes' moment */
	int status = 0;
	bool peer_closed = false, draining = false;
	if (!in) {
		event_emit_error(&c->later, SRC_CLIENT, 0, ENOMEM, "client %s", c->addr.text);
		status = ENOMEM;
		goto done;
	}
	if (oneshot && c->opts.timeout_ms > 0)
		deadline = event_now_ns() + (uint64_t)c->opts.timeout_ms * 1000000u;
	for (;;) {
		if (draining && atomic_load(&c->flush_ms) < 0)
			break;   /* asked again, to stop now */
		if (atomic_load(&c->stop) && !draining) {
			int ms = atomic_load(&c->flush_ms);
			if (oneshot || ms < 0)
				break;
			/* Graceful: take nothing new, send what is queued, within the bound. */
			close_queue(c);
			draining = true;
			deadline = event_now_ns() + (uint64_t)ms * 1000000u;
		}
		if (outoff == outlen) {
			outoff = outlen = 0;
			size_t n = take_queue(c, &out, &outcap, 0);
			if (n) {
				outlen = n;
				emit_bytes(c, EV_SEND, out, n);
			}
		}
		if (oneshot && outlen == 0 && received >= expected)
			break;
		if (draining && outlen == 0 && !linger_until) {
			/* Everything went: say so to the peer, and let the last echoes arrive. */
			shutdown(c->fd, SHUT_WR);
			linger_until = event_now_ns() +
				       (uint64_t)atomic_load(&c->linger_ms) * 1000000u;
		}
		int timeout = ms_until(linger_until ? linger_until : deadline);
		struct pollfd p[2] = {
			{ .fd = c->ctl[0], .events = POLLIN },
			{ .fd = c->fd, .events = POLLIN | (outoff < outlen ? POLLOUT : 0) },
		};
		int pr = poll(p, 2, timeout);
		if (pr < 0) {
			if (errno == EINTR)
				continue;
			status = errno;
			event_emit_error(&c->later, SRC_CLIENT, 0, status, "poll");
			break;
		}
		/* Deadlines hold even against a peer that keeps the socket busy. */
		if (linger_until && ms_until(linger_until) == 0)
			break;   /* the peer did not close in time: nothing is lost, we close */
		if (!linger_until && deadline && ms_until(deadline) == 0) {
			status = ETIMEDOUT;
			if (draining) {
				uint64_t total, left = unsent_bytes(c, outlen - outoff, &total);
				event_emit_error(&c->later, SRC_CLIENT, 0, ETIMEDOUT,
						 "disconnect %s: %llu of %llu bytes not sent after %d s "
						 "(the peer is not reading)", c->addr.text,
						 (unsigned long long)left, (unsigned long long)total,
						 (atomic_load(&c->flush_ms) + 999) / 1000);
			} else {
				event_emit_error(&c->later, SRC_CLIENT, 0, ETIMEDOUT,
						 "client %s: no complete echo after %d s: received %llu "
						 "of %llu bytes", c->addr.text,
						 (c->opts.timeout_ms + 999) / 1000,
						 (unsigned long long)received, (unsigned long long)expected);
			}
			break;
		}
		if (p[0].revents) {
			char drain[64];
			while (read(c->ctl[0], drain, sizeof(drain)) > 0)
				;
		}
		if ((p[1].revents & POLLOUT) && outoff < outlen) {
			ssize_t n = send(c->fd, out + outoff, outlen - outoff, MSG_NOSIGNAL | MSG_DONTWAIT);
			if (n < 0 && errno != EAGAIN && errno != EINTR) {
				status = errno;
				close_queue(c);
				uint64_t total, left = unsent_bytes(c, outlen - outoff, &total);
				event_emit_error(&c->later, SRC_CLIENT, 0, status,
						 "send %s: %llu of %llu bytes not sent", c->addr.text,
						 (unsigned long long)left, (unsigned long long)total);
				break;
			}
			if (n > 0) {
				outoff += (size_t)n;
				stats_add_out(&c->stats, (size_t)n);
				atomic_fetch_add(&c->sent, (uint64_t)n);
			}
		}
		if (p[1].revents & (POLLIN | POLLHUP | POLLERR)) {
			ssize_t n = recv(c->fd, in, c->opts.chunk, MSG_DONTWAIT);
			if (n < 0) {
				if (errno == EAGAIN || errno == EINTR)
					continue;
				status = errno;
				event_emit_error(&c->later, SRC_CLIENT, 0, status, "recv %s", c->addr.text);
				break;
			}
			if (n == 0) {
				peer_closed = true;
				break;
			}
			stats_add_in(&c->stats, (size_t)n);
			emit_bytes(c, EV_RECV, in, (size_t)n);
			if (!oneshot)
				rx_keep(c, in, (size_t)n);
			int64_t bad = oneshot ? echo_mismatch(c, received, in, (size_t)n) : -1;
			received += (size_t)n;
			if (bad >= 0) {
				if ((uint64_t)bad >= expected)
					event_emit_error(&c->later, SRC_CLIENT, 0, EPROTO,
							 "client %s: the echo differs at byte %lld (it is "
							 "longer than the %llu bytes sent)", c->addr.text,
							 (long long)bad, (unsigned long long)expected);
				else
					event_emit_error(&c->later, SRC_CLIENT, 0, EPROTO,
							 "client %s: the echo differs at byte %lld",
							 c->addr.text, (long long)bad);
				status = EPROTO;
				break;
			}
		}
	}
	if (status == 0 && !oneshot) {
		/* The peer went away with bytes still to go: they are lost, and that is a failure. */
		close_queue(c);
		uint64_t total, left = unsent_bytes(c, outlen - outoff, &total);
		if (left) {
			status = EPIPE;
			event_emit_error(&c->later, SRC_CLIENT, 0, EPIPE,
					 "send %s: %llu of %llu bytes not sent (%s)", c->addr.text,
					 (unsigned long long)left, (unsigned long long)total,
					 peer_closed ? "the peer closed the connection"
						     : "the connection was stopped first");
		}
	}
	if (status == 0 && oneshot && received < expected) {
		status = EPROTO;
		event_emit_error(&c->later, SRC_CLIENT, 0, EPROTO,
				 "client %s: short echo, received %llu of %llu bytes%s", c->addr.text,
				 (unsigned long long)received, (unsigned long long)expected,
				 peer_closed ? " before the server closed the connection" : "");
	}
done:;
	struct event ev;
	event_init(&ev, SRC_CLIENT, EV_CLOSE);
	if (peer_closed && !oneshot && !draining)
		event_textf(&ev, "server closed the connection; closing socket");
	else
		event_textf(&ev, "closing socket");
	sink_emit(&c->later, &ev);
	shutdown(c->fd, SHUT_RDWR);
	free(in);
	free(out);
	finish(c, status);
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
	.finished = ops_finished,
	.status = ops_status,
	.stop = ops_stop_flush,
	.destroy = ops_destroy,
	.info = ops_info,
};
