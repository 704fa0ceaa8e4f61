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

#include "core/sysio.h"

/* Bytes an interactive session may hold queued for sending before send says no. */
#define CLIENT_QUEUE_MAX (64u << 20)

struct client {
	struct uds_addr addr;
	unsigned chunk;
	bool oneshot;
	int fd;
	int ctl[2];
	pthread_t thread;
	bool thread_started;
	atomic_int status;
	atomic_bool finished;
	atomic_bool stop;
	struct stats stats;
	struct event_sink later;
	/* The outgoing queue: messages appended by client_send, taken by the thread. */
	pthread_mutex_t lock;
	char *q;
	size_t qlen, qcap;
	bool closed;              /* no more sends accepted */
	/* One-shot: what was sent, to check the echo against. */
	char *msg;
	size_t msg_len;
};

static void *client_main(void *arg);

static void emit_bytes(const struct event_sink *s, enum event_kind kind, const void *p, size_t n)
{
	struct event ev;
	event_init(&ev, SRC_CLIENT, kind);
	event_set_bytes(&ev, p, n);
	sink_emit(s, &ev);
}

int client_start(struct client **out, const struct uds_addr *addr, unsigned chunk, bool oneshot,
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
	c->chunk = chunk;
	c->oneshot = oneshot;
	c->fd = c->ctl[0] = c->ctl[1] = -1;
	c->later = *later;
	if (msg_len)
		memcpy(c->msg, msg, msg_len);
	c->msg_len = msg_len;
	atomic_init(&c->status, CLIENT_RUNNING);
	atomic_init(&c->finished, false);
	atomic_init(&c->stop, false);
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
		}
	}
	pthread_mutex_unlock(&c->lock);
	if (r == 0)
		r = sysio_poke(c->ctl[1]);
	return r;
}

void client_request_stop(struct client *c)
{
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
	free(c->msg);
	free(c);
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

static void *client_main(void *arg)
{
	struct client *c = arg;
	char *out = NULL, *in = malloc(c->chunk);
	size_t outlen = 0, outcap = 0, outoff = 0;
	uint64_t received = 0, expected = c->oneshot ? c->msg_len : 0;
	int status = 0;
	bool peer_closed = false;
	if (!in) {
		event_emit_error(&c->later, SRC_CLIENT, 0, ENOMEM, "client %s", c->addr.text);
		status = ENOMEM;
		goto done;
	}
	for (;;) {
		if (atomic_load(&c->stop))
			break;
		if (outoff == outlen) {
			outoff = outlen = 0;
			size_t n = take_queue(c, &out, &outcap, 0);
			if (n) {
				outlen = n;
				emit_bytes(&c->later, EV_SEND, out, n);
			}
		}
		if (c->oneshot && outlen == 0 && received >= expected)
			break;
		struct pollfd p[2] = {
			{ .fd = c->ctl[0], .events = POLLIN },
			{ .fd = c->fd, .events = POLLIN | (outoff < outlen ? POLLOUT : 0) },
		};
		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			status = errno;
			event_emit_error(&c->later, SRC_CLIENT, 0, status, "poll");
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
				event_emit_error(&c->later, SRC_CLIENT, 0, status, "send %s", c->addr.text);
				break;
			}
			if (n > 0) {
				outoff += (size_t)n;
				stats_add_out(&c->stats, (size_t)n);
			}
		}
		if (p[1].revents & (POLLIN | POLLHUP | POLLERR)) {
			size_t want = c->chunk;
			ssize_t n = recv(c->fd, in, want, MSG_DONTWAIT);
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
			if (c->oneshot && received + (size_t)n <= expected &&
			    memcmp(in, c->msg + received, (size_t)n) != 0) {
				emit_bytes(&c->later, EV_RECV, in, (size_t)n);
				event_emit_error(&c->later, SRC_CLIENT, 0, EPROTO,
						 "client %s: the echo differs from what was sent near byte %llu",
						 c->addr.text, (unsigned long long)received);
				status = EPROTO;
				break;
			}
			received += (size_t)n;
			emit_bytes(&c->later, EV_RECV, in, (size_t)n);
		}
	}
	if (status == 0 && c->oneshot && received < expected) {
		status = EPROTO;
		event_emit_error(&c->later, SRC_CLIENT, 0, EPROTO,
				 "client %s: short echo, received %llu of %llu bytes%s", c->addr.text,
				 (unsigned long long)received, (unsigned long long)expected,
				 peer_closed ? " before the server closed the connection" : "");
	}
done:;
	struct event ev;
	event_init(&ev, SRC_CLIENT, EV_CLOSE);
	if (peer_closed && !c->oneshot)
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
