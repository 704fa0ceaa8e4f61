/* client_queue: an interactive connection's send path (the queue client_send fills and its
 * thread takes, bounded) and the received bytes client_expect matches. */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "core/base/sysio.h"
#include "core/session/client_int.h"

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
void client_queue_keep(struct client *c, const char *p, size_t n)
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

/* Move the queue into O (empty now). Returns the bytes taken; records are taken even when
 * they hold no bytes (an empty datagram). */
size_t client_queue_take(struct client *c, struct outq *o)
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

/* Bytes queued by client_send that have not reached the socket, and the total ever queued. */
uint64_t client_queue_unsent(struct client *c, size_t held, uint64_t *total)
{
	pthread_mutex_lock(&c->lock);
	uint64_t n = held + c->qlen;
	*total = c->queued_total;
	pthread_mutex_unlock(&c->lock);
	return n;
}

/* No more sends are accepted from now on. */
void client_queue_close(struct client *c)
{
	pthread_mutex_lock(&c->lock);
	c->closed = true;
	pthread_mutex_unlock(&c->lock);
}
