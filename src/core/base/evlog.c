/* evlog: a bounded ring of the newest events, for a front end that keeps no panes. */
#include "config.h"

#include "core/base/evlog.h"

#include <stdlib.h>
#include <string.h>

void evlog_init(struct evlog *l, size_t cap)
{
	memset(l, 0, sizeof(*l));
	l->cap = cap;
}

void evlog_free(struct evlog *l)
{
	free(l->ring);
	evlog_init(l, l->cap);
}

/* Room for one more without dropping: double the ring while under CAP. Only before anything
 * was dropped: the ring has not wrapped then, so its events are in order from slot 0. */
static void grow(struct evlog *l)
{
	if (l->count < l->alloc || l->alloc >= l->cap || l->dropped)
		return;
	size_t n = l->alloc ? l->alloc * 2 : 64;
	if (n > l->cap)
		n = l->cap;
	struct event *r = realloc(l->ring, n * sizeof(*r));
	if (!r)
		return;
	l->ring = r;
	l->alloc = n;
	l->head = l->count;   /* it was full, so head had come round to slot 0 */
}

void evlog_push(struct evlog *l, const struct event *ev)
{
	grow(l);
	if (l->alloc == 0)
		return;
	if (l->count == l->alloc) {
		l->dropped++;
		l->count--;
	}
	event_copy(&l->ring[l->head], ev);
	l->head = (l->head + 1) % l->alloc;
	l->count++;
}

const struct event *evlog_at(const struct evlog *l, size_t i)
{
	size_t oldest = (l->head + l->alloc - l->count) % l->alloc;
	return &l->ring[(oldest + i) % l->alloc];
}
