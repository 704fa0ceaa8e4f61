/* bus: a bounded ring of events from session threads to the front end, with a wake fd. */
#include "config.h"

#include "core/base/bus.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

struct bus {
	pthread_mutex_t lock;
	pthread_cond_t not_full;
	enum bus_mode mode;
	size_t cap, head, count;       /* head: oldest */
	size_t lent;                   /* the oldest events bus_peek lent (still counted) */
	uint64_t seq, pending_drops, dropped, published;
	int wake_fd;
	struct event *ring;
};

struct bus *bus_new(size_t capacity, enum bus_mode mode)
{
	if (capacity == 0)
		capacity = 1;
	struct bus *b = calloc(1, sizeof(*b));
	if (!b)
		return NULL;
	b->ring = calloc(capacity, sizeof(*b->ring));
	b->wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (!b->ring || b->wake_fd < 0) {
		if (b->wake_fd >= 0)
			close(b->wake_fd);
		free(b->ring);
		free(b);
		return NULL;
	}
	pthread_mutex_init(&b->lock, NULL);
	pthread_cond_init(&b->not_full, NULL);
	b->cap = capacity;
	b->mode = mode;
	return b;
}

void bus_free(struct bus *b)
{
	if (!b)
		return;
	close(b->wake_fd);
	pthread_cond_destroy(&b->not_full);
	pthread_mutex_destroy(&b->lock);
	free(b->ring);
	free(b);
}

int bus_fd(const struct bus *b)
{
	return b->wake_fd;
}

static void wake(int fd)
{
	uint64_t one = 1;
	ssize_t r;
	do
		r = write(fd, &one, sizeof(one));
	while (r < 0 && errno == EINTR);
}

static void unwake(int fd)
{
	uint64_t v;
	ssize_t r;
	do
		r = read(fd, &v, sizeof(v));
	while (r < 0 && errno == EINTR);
}

/* Put EV in the ring; the lock is held. Returns false when it was dropped. */
static bool put_locked(struct bus *b, struct event *ev)
{
	if (b->count == b->cap) {
		if (b->mode == BUS_LOSSY) {
			b->seq++;   /* a dropped event still takes its number: gaps show */
			b->pending_drops++;
			b->dropped++;
			return false;
		}
		while (b->count == b->cap)
			pthread_cond_wait(&b->not_full, &b->lock);
	}
	/* Numbered only once it has its slot, so numbers follow ring order. */
	ev->seq = ++b->seq;
	ev->dropped = b->pending_drops;
	b->pending_drops = 0;
	struct event *slot = &b->ring[(b->head + b->count) % b->cap];
	event_copy(slot, ev);
	b->count++;
	b->published++;
	/* One wake per empty-to-non-empty transition: a flood costs one write, not one per event. */
	if (b->count == 1)
		wake(b->wake_fd);
	return true;
}

void bus_publish(struct bus *b, struct event *ev)
{
	pthread_mutex_lock(&b->lock);
	put_locked(b, ev);
	pthread_mutex_unlock(&b->lock);
}

void bus_publish_many(struct bus *b, struct event *ev, size_t n)
{
	pthread_mutex_lock(&b->lock);
	for (size_t i = 0; i < n; i++)
		put_locked(b, &ev[i]);
	pthread_mutex_unlock(&b->lock);
}

/* The N oldest events leave the ring; the lock is held. */
static void take_locked(struct bus *b, size_t n)
{
	bool was_full = b->count == b->cap;
	b->head = (b->head + n) % b->cap;
	b->count -= n;
	if (b->count == 0) {
		/* Empty: start again at the first slot, still in cache, rather than walking the
		 * whole ring (megabytes) one cold slot an event, as a slow trickle would. */
		b->head = 0;
		unwake(b->wake_fd);
	}
	if (was_full && n)
		pthread_cond_broadcast(&b->not_full);
}

size_t bus_drain(struct bus *b, struct event *out, size_t max)
{
	pthread_mutex_lock(&b->lock);
	size_t n = b->lent ? 0 : b->count < max ? b->count : max;
	for (size_t i = 0; i < n; i++)
		event_copy(&out[i], &b->ring[(b->head + i) % b->cap]);
	take_locked(b, n);
	pthread_mutex_unlock(&b->lock);
	return n;
}

size_t bus_peek(struct bus *b, struct event **out, size_t max)
{
	pthread_mutex_lock(&b->lock);
	*out = &b->ring[b->head];
	if (b->lent) {
		/* A loan is out (a nested pump): nothing more until it is back. */
		pthread_mutex_unlock(&b->lock);
		return 0;
	}
	size_t n = b->count < max ? b->count : max;
	if (n > b->cap - b->head)
		n = b->cap - b->head; /* up to the ring's end: one run in memory */
	b->lent = n;
	pthread_mutex_unlock(&b->lock);
	return n;
}

void bus_release(struct bus *b, size_t n)
{
	if (n == 0)
		return; /* nothing was lent, or a nested pump's peek found the loan out */
	pthread_mutex_lock(&b->lock);
	if (n > b->lent)
		n = b->lent;
	b->lent = 0;
	take_locked(b, n);
	pthread_mutex_unlock(&b->lock);
}

uint64_t bus_dropped(const struct bus *b)
{
	struct bus *m = (struct bus *)b;
	pthread_mutex_lock(&m->lock);
	uint64_t d = m->dropped;
	pthread_mutex_unlock(&m->lock);
	return d;
}

uint64_t bus_published(const struct bus *b)
{
	struct bus *m = (struct bus *)b;
	pthread_mutex_lock(&m->lock);
	uint64_t d = m->published;
	pthread_mutex_unlock(&m->lock);
	return d;
}

static void bus_emit(void *ctx, struct event *ev)
{
	bus_publish(ctx, ev);
}

static void bus_emit_many(void *ctx, struct event *ev, size_t n)
{
	bus_publish_many(ctx, ev, n);
}

struct event_sink bus_sink(struct bus *b)
{
	return (struct event_sink){ bus_emit, b, bus_emit_many };
}
