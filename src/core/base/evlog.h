/* evlog: the newest events a front end without panes (batch) keeps, so that `save --json`
 * and `log ID` can give them back: a ring of at most CAP events, grown as it fills.
 * Not thread-safe: the front end's thread only. */
#ifndef UDSCOPE_EVLOG_H
#define UDSCOPE_EVLOG_H

#include <stddef.h>
#include <stdint.h>

#include "core/base/event.h"

/* Events batch keeps (about 800 bytes each). */
#define EVLOG_CAP_DEFAULT 8192

struct evlog {
	struct event *ring;
	size_t cap, alloc;        /* at most CAP; ALLOC slots allocated so far */
	size_t head, count;       /* the next slot; events held */
	uint64_t dropped;         /* older events let go to make room */
};

void evlog_init(struct evlog *l, size_t cap);
void evlog_free(struct evlog *l);
/* Keep a copy of EV (the oldest goes when full; on ENOMEM the oldest goes too). */
void evlog_push(struct evlog *l, const struct event *ev);
/* Event I of those held, oldest first (I < count). */
const struct event *evlog_at(const struct evlog *l, size_t i);

#endif
